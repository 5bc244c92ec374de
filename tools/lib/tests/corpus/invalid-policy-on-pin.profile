pin PSCI_VERSION = 0x10001 strict

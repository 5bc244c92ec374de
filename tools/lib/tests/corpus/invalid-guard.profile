hide TCR2_EL1 when PSCI_VERSION & 0xf == 0x10

# a comment; blank lines ignored; '#' also ends a line
description Debian 13 (6.12) register view for QEMU 10.0 pools
hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf == 0
hide PIRE0_EL1
fake VENDOR_HYP_BMAP_2 = 0            # policy keep is the default
fake S3_0_C15_C14_0 = 0x42 strict
pin PSCI_VERSION = 0x10001
pin 0x6030000000140001 = 65537

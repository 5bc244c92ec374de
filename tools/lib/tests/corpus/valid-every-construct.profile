description	 every construct, tabs and CRLF	 
hide DEMUX_CCSIDR(3)
fake DEMUX_CCSIDR(4) = 0xffffffff keep when ID_AA64MMFR0_EL1 & 0xf0 == 0x10
fake SMCCC_ARCH_WORKAROUND_3=1 strict when S3_0_C0_C7_3&0xff==0
pin STD_HYP_BMAP = 18446744073709551615
pin 0x6030000000160000 = 0x7 when 0x603000000013c03b & 0xffffffffffffffff == 0xffffffffffffffff
hide tcr2_el1 # names are case-insensitive
hide 0x603000000013c512

hide TCR2_EL1
fake PIRE0_EL1 = 0

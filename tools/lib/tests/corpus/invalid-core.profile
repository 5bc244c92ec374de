description core registers cannot be filtered
hide regs.pc

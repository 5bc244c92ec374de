/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names for KVM arm64 vcpu register ids (KVM_GET_REG_LIST, KVM_GET_ONE_REG),
 * both ways.
 *
 * Names by id class (bits 16-27 of the id):
 *   0x0010 core      regs.regs[0]..[30], regs.sp, regs.pc, regs.pstate,
 *                    sp_el1, elr_el1, spsr[0]..[4], fp_regs.vregs[0]..[31],
 *                    fp_regs.fpsr, fp_regs.fpcr (as KVM's get-reg-list
 *                    selftest names them)
 *   0x0011 demux     DEMUX_CCSIDR(N)
 *   0x0013 sysreg    the architectural name (TCR2_EL1), or else the generic
 *                    S<op0>_<op1>_C<n>_C<m>_<op2>
 *   0x0014 firmware  PSCI_VERSION, SMCCC_ARCH_WORKAROUND_1, _2, _3
 *   0x0015 SVE       SVE_ZREG(n,i), SVE_PREG(n,i), SVE_FFR(i), SVE_VLS
 *   0x0016 bitmaps   STD_BMAP, STD_HYP_BMAP, VENDOR_HYP_BMAP,
 *                    VENDOR_HYP_BMAP_2
 * Names parse case-insensitively, except the core ones, which match only
 * as written above: sp_el1 is the core register, SP_EL1 (or Sp_El1) the
 * system register of that name, and both are in KVM's list.
 *
 * Any other id, or a known class with the wrong size or stray bits, is
 * written as raw hex, 0x%016llx, so that every id has a name that parses
 * back to it.
 *
 * KVM's legacy virtual timer ids swap CNT and CVAL (KVM_REG_ARM_TIMER_CNT
 * is the encoding of CNTV_CVAL_EL0 and the reverse): the two ids are named
 * after what KVM reads and writes through them, so 0x603000000013df1a is
 * CNTVCT_EL0 and 0x603000000013df02 is CNTV_CVAL_EL0.
 */
#ifndef REGFILTER_REGNAMES_H
#define REGFILTER_REGNAMES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The system's definitions come first, so that a caller who also includes
 * <linux/kvm.h> sees no conflicting redefinition. Every Linux toolchain has
 * the header, but only arm64's defines the arm64 constants, and bookworm's
 * (6.1) lacks the newer ones: the #ifndef fallbacks below fill the gaps.
 */
#include <linux/kvm.h>

#ifndef KVM_REG_ARCH_MASK
#define KVM_REG_ARCH_MASK		0xff00000000000000ULL
#endif
#ifndef KVM_REG_ARM64
#define KVM_REG_ARM64			0x6000000000000000ULL
#endif
#ifndef KVM_REG_SIZE_SHIFT
#define KVM_REG_SIZE_SHIFT		52
#endif
#ifndef KVM_REG_SIZE_MASK
#define KVM_REG_SIZE_MASK		0x00f0000000000000ULL
#endif
#ifndef KVM_REG_SIZE_U32
#define KVM_REG_SIZE_U32		0x0020000000000000ULL
#endif
#ifndef KVM_REG_SIZE_U64
#define KVM_REG_SIZE_U64		0x0030000000000000ULL
#endif
#ifndef KVM_REG_SIZE_U128
#define KVM_REG_SIZE_U128		0x0040000000000000ULL
#endif
#ifndef KVM_REG_SIZE_U256
#define KVM_REG_SIZE_U256		0x0050000000000000ULL
#endif
#ifndef KVM_REG_SIZE_U512
#define KVM_REG_SIZE_U512		0x0060000000000000ULL
#endif
#ifndef KVM_REG_SIZE_U2048
#define KVM_REG_SIZE_U2048		0x0080000000000000ULL
#endif

#ifndef KVM_REG_ARM_COPROC_MASK
#define KVM_REG_ARM_COPROC_MASK		0x000000000FFF0000
#endif
#ifndef KVM_REG_ARM_COPROC_SHIFT
#define KVM_REG_ARM_COPROC_SHIFT	16
#endif
#ifndef KVM_REG_ARM_CORE
#define KVM_REG_ARM_CORE		(0x0010 << KVM_REG_ARM_COPROC_SHIFT)
#endif
#ifndef KVM_REG_ARM_DEMUX
#define KVM_REG_ARM_DEMUX		(0x0011 << KVM_REG_ARM_COPROC_SHIFT)
#endif
#ifndef KVM_REG_ARM_DEMUX_ID_MASK
#define KVM_REG_ARM_DEMUX_ID_MASK	0x000000000000FF00
#endif
#ifndef KVM_REG_ARM_DEMUX_ID_CCSIDR
#define KVM_REG_ARM_DEMUX_ID_CCSIDR	(0x00 << 8)
#endif
#ifndef KVM_REG_ARM_DEMUX_VAL_MASK
#define KVM_REG_ARM_DEMUX_VAL_MASK	0x00000000000000FF
#endif
#ifndef KVM_REG_ARM64_SYSREG
#define KVM_REG_ARM64_SYSREG		(0x0013 << KVM_REG_ARM_COPROC_SHIFT)
#endif
#ifndef KVM_REG_ARM_FW
#define KVM_REG_ARM_FW			(0x0014 << KVM_REG_ARM_COPROC_SHIFT)
#endif
#ifndef KVM_REG_ARM64_SVE
#define KVM_REG_ARM64_SVE		(0x0015 << KVM_REG_ARM_COPROC_SHIFT)
#endif
#ifndef KVM_REG_ARM_FW_FEAT_BMAP
#define KVM_REG_ARM_FW_FEAT_BMAP	(0x0016 << KVM_REG_ARM_COPROC_SHIFT)
#endif
#ifndef KVM_REG_ARM64_SVE_ZREG_BASE
#define KVM_REG_ARM64_SVE_ZREG_BASE	0
#endif
#ifndef KVM_REG_ARM64_SVE_PREG_BASE
#define KVM_REG_ARM64_SVE_PREG_BASE	0x400
#endif
#ifndef KVM_REG_ARM64_SVE_FFR_BASE
#define KVM_REG_ARM64_SVE_FFR_BASE	0x600
#endif

/* The KVM id of a system register from its 16-bit encoding. */
#define REGNAME_SYSREG_ID(enc)						\
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG |	\
	 ((uint64_t)(enc) & 0xffff))

/* op0:2 op1:3 CRn:4 CRm:4 op2:3, the layout of ARM64_SYS_REG(). */
#define REGNAME_SYSREG_ENC(op0, op1, crn, crm, op2)			\
	((op0) << 14 | (op1) << 11 | (crn) << 7 | (crm) << 3 | (op2))

/*
 * Write the canonical name of a KVM arm64 register id into buf (snprintf
 * semantics, returns length).
 */
int regname_format(uint64_t id, char *buf, size_t len);

/*
 * Parse a register name, returns 0 and sets *id, or -EINVAL (unknown
 * name/garbage). Names are case-insensitive apart from the core ones (see
 * above); raw hex (0x...) is accepted.
 * id may be NULL to only validate the name.
 */
int regname_parse(const char *name, uint64_t *id);

/*
 * The architectural name for an id if the table has one, else NULL. Only
 * system register ids (class 0x0013, size U64) have one.
 */
const char *regname_lookup(uint64_t id);

/* Longest name regname_format() writes, with the NUL. */
#define REGNAME_MAX	32

#endif /* REGFILTER_REGNAMES_H */

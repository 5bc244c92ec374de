/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The filter's pure logic: profiles as sorted entry arrays, their
 * validation, and the filtered register list.  Nothing here knows about
 * KVM's objects or locking, so the same file is unit-tested on the host.
 */
#ifndef _KVM_REGFILTER_FILTER_H
#define _KVM_REGFILTER_FILTER_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/types.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#endif
#include <linux/kvm_regfilter.h>

/* KVM's arm64 register id layout (arch/arm64/include/uapi/asm/kvm.h). */
#define RF_REG_ARCH_MASK	0xff00000000000000ULL
#define RF_REG_ARM64		0x6000000000000000ULL
#define RF_REG_SIZE_SHIFT	52
#define RF_REG_SIZE_MASK	0x00f0000000000000ULL
#define RF_REG_SIZE_U32		0x0020000000000000ULL
#define RF_REG_SIZE_U64		0x0030000000000000ULL
#define RF_REG_COPROC_MASK	0x000000000fff0000ULL
#define RF_REG_COPROC_SHIFT	16
#define RF_COPROC_DEMUX		0x0011
#define RF_COPROC_SYSREG	0x0013
#define RF_COPROC_FW		0x0014
#define RF_COPROC_FW_FEAT_BMAP	0x0016

/*
 * ID_AA64DFR0_EL1 and its PMUVer field (bits 11:8).  KVM derives PMUVer
 * from the vcpu's PMU (KVM_ARM_VCPU_PMU_V3), and its PMU emulation
 * (pmu-emul.c, __kvm_pmu_event_mask()) knows only the values below: from
 * 6.7 on, KVM accepts any value up to the host's (capped at V3P5) from
 * userspace, and a vcpu with a PMU then WARNs ("Unknown PMU version") on
 * its next reset or PMU access for any other, 0 included.
 */
#define RF_ID_AA64DFR0_EL1	0x603000000013c028ULL
#define RF_PMUVER_SHIFT		8
#define RF_PMUVER_MASK		(0xfULL << RF_PMUVER_SHIFT)
#define RF_PMUVER_NI		0x0
/* IMP, V3P1, V3P4, V3P5, V3P7: what __kvm_pmu_event_mask() handles. */
#define RF_PMUVER_KVM_KNOWN	(BIT(0x1) | BIT(0x4) | BIT(0x5) | BIT(0x6) | BIT(0x7))

static inline unsigned int rf_pmuver(u64 dfr0)
{
	return (dfr0 & RF_PMUVER_MASK) >> RF_PMUVER_SHIFT;
}

/*
 * Whether KVM can live with a pinned ID_AA64DFR0_EL1 on a vcpu with
 * (has_pmu) or without a PMU.  Without one, KVM itself refuses any
 * PMUVer but 0.
 */
static inline bool rf_dfr0_pin_safe(u64 value, bool has_pmu)
{
	unsigned int v = rf_pmuver(value);

	return has_pmu ? !!(RF_PMUVER_KVM_KNOWN & BIT(v)) : v == RF_PMUVER_NI;
}

static inline unsigned int rf_reg_size(u64 id)
{
	return 1U << ((id & RF_REG_SIZE_MASK) >> RF_REG_SIZE_SHIFT);
}

/*
 * A feature ID register (op0 3, op1 0, CRn 0, CRm 0-7): writing one before
 * the first KVM_RUN can change which registers KVM lists.
 */
#define RF_SYSREG_PREFIX	0x6030000000130000ULL
static inline bool rf_is_id_reg(u64 id)
{
	return (id & ~0xffffULL) == RF_SYSREG_PREFIX &&
	       (id & 0xffff) >= 0xc000 && (id & 0xffff) <= 0xc03f;
}

static inline unsigned int rf_reg_coproc(u64 id)
{
	return (id & RF_REG_COPROC_MASK) >> RF_REG_COPROC_SHIFT;
}

struct rf_entry {
	u64 reg;
	u64 value;		/* of a fake or a pin */
	u64 mask;		/* a field pin's bits; 0: the whole register */
	u64 guard_reg;
	u64 guard_mask;
	u64 guard_value;
	u8 action;		/* enum kvm_regfilter_action */
	u8 policy;		/* enum kvm_regfilter_policy */
	bool has_guard;
};

/*
 * The value a pin gives a register that holds @cur: the pin's value in
 * its bits (all of them for a whole-register pin), @cur's elsewhere.
 */
static inline u64 rf_pin_value(const struct rf_entry *e, u64 cur)
{
	return e->mask ? (cur & ~e->mask) | e->value : e->value;
}

/* Whether a pin sets ID_AA64DFR0_EL1.PMUVer (a field pin may leave it). */
static inline bool rf_pin_sets_pmuver(const struct rf_entry *e)
{
	return e->reg == RF_ID_AA64DFR0_EL1 &&
	       (!e->mask || (e->mask & RF_PMUVER_MASK));
}

struct rf_profile {
#ifdef __KERNEL__
	struct kref ref;
	struct rcu_head rcu;
#endif
	u32 nr;
	u32 nr_fakes;
	u32 nr_pins;
	char desc[KVM_REGFILTER_DESCRIPTION_LEN];
	struct rf_entry entries[];	/* sorted by reg, no duplicates */
};

/* 0, or -EINVAL with *why saying what is wrong with the entry. */
int rf_entry_check(const struct rf_entry *e, const char **why);

/*
 * Sort the entries and count fakes and pins; -EINVAL if a register appears
 * twice (*dup is then that register).
 */
int rf_profile_finish(struct rf_profile *p, u64 *dup);

/* Index of reg's entry, or -1. */
int rf_profile_find(const struct rf_profile *p, u64 reg);

/*
 * The filtered list: the real ids in their order, less those whose entry
 * is an applied hide, then the applied fakes that the real list lacks, in
 * ascending id order.  state[] holds an enum kvm_regfilter_state per
 * entry.  out must have room for nreal + p->nr_fakes ids.  Returns the
 * count.
 */
u32 rf_filter_list(const u64 *real, u32 nreal, const struct rf_profile *p,
		   const u8 *state, u64 *out);

/*
 * How KVM fails an access to a register it does not have, for each id
 * class (see Documentation/regfilter.rst): the number of bytes KVM reads
 * from the user's buffer before it gives up (0 for a GET), and the error
 * it then returns.
 */
int rf_absent_access(u64 id, bool set, unsigned int *read_first);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The filter's pure logic.  Kept free of KVM objects and locking so that
 * tools/lib/tests can run it on the host.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/sort.h>
#else
#include "tests/host_shim.h"
#endif

#include "filter.h"

static bool rf_class_ok(u64 id, const char **why)
{
	if ((id & RF_REG_ARCH_MASK) != RF_REG_ARM64) {
		*why = "register id is not an arm64 KVM id (0x60...)";
		return false;
	}
	switch (rf_reg_coproc(id)) {
	case RF_COPROC_SYSREG:
	case RF_COPROC_FW:
	case RF_COPROC_FW_FEAT_BMAP:
		if ((id & RF_REG_SIZE_MASK) != RF_REG_SIZE_U64) {
			*why = "system and firmware register ids are 64-bit (0x6030...)";
			return false;
		}
		return true;
	case RF_COPROC_DEMUX:
		if ((id & RF_REG_SIZE_MASK) != RF_REG_SIZE_U32) {
			*why = "demux register ids are 32-bit (0x6020...)";
			return false;
		}
		return true;
	default:
		*why = "only system, firmware and demux registers can be filtered";
		return false;
	}
}

int rf_entry_check(const struct rf_entry *e, const char **why)
{
	if (!rf_class_ok(e->reg, why))
		return -EINVAL;
	if (e->action > KVM_REGFILTER_ACTION_PIN) {
		*why = "unknown action";
		return -EINVAL;
	}
	if (e->policy > KVM_REGFILTER_POLICY_STRICT) {
		*why = "unknown write policy";
		return -EINVAL;
	}
	if (e->action != KVM_REGFILTER_ACTION_FAKE &&
	    e->policy != KVM_REGFILTER_POLICY_KEEP) {
		*why = "a write policy is only for fake entries";
		return -EINVAL;
	}
	if (e->action == KVM_REGFILTER_ACTION_HIDE && e->value) {
		*why = "a hide entry takes no value";
		return -EINVAL;
	}
	/*
	 * PMUVer values that no vcpu can take safely: with a PMU KVM WARNs
	 * on them, without one it refuses them.  0 is decided per vcpu, at
	 * init (regs.c): right without a PMU, unsafe with one.
	 */
	if (e->mask && e->action != KVM_REGFILTER_ACTION_PIN) {
		*why = "a mask is only for pin entries";
		return -EINVAL;
	}
	if (e->mask && (e->value & ~e->mask)) {
		*why = "a field pin's value has bits outside its mask";
		return -EINVAL;
	}
	if (rf_reg_size(e->reg) == 4 && e->mask > 0xffffffffULL) {
		*why = "mask does not fit a 32-bit register";
		return -EINVAL;
	}
	/* A field pin takes PMUVer whole or not at all: its value is judged. */
	if (e->mask && (e->mask & RF_PMUVER_MASK) &&
	    (e->mask & RF_PMUVER_MASK) != RF_PMUVER_MASK && e->reg == RF_ID_AA64DFR0_EL1) {
		*why = "a field pin of ID_AA64DFR0_EL1 sets all of PMUVer (bits 8-11) or none";
		return -EINVAL;
	}
	if (e->action == KVM_REGFILTER_ACTION_PIN && rf_pin_sets_pmuver(e) &&
	    !rf_dfr0_pin_safe(e->value, false) && !rf_dfr0_pin_safe(e->value, true)) {
		*why = "pinned ID_AA64DFR0_EL1.PMUVer: 0, or one KVM emulates (1, 4-7)";
		return -EINVAL;
	}
	if (rf_reg_size(e->reg) == 4 && e->value > 0xffffffffULL) {
		*why = "value does not fit a 32-bit register";
		return -EINVAL;
	}
	if (e->has_guard) {
		if ((e->guard_reg & RF_REG_ARCH_MASK) != RF_REG_ARM64 ||
		    rf_reg_coproc(e->guard_reg) != RF_COPROC_SYSREG ||
		    (e->guard_reg & RF_REG_SIZE_MASK) != RF_REG_SIZE_U64) {
			*why = "a guard tests a 64-bit system register";
			return -EINVAL;
		}
		if (e->guard_value & ~e->guard_mask) {
			*why = "guard value has bits outside its mask, it can never hold";
			return -EINVAL;
		}
	}
	return 0;
}

static int rf_cmp_entry(const void *a, const void *b)
{
	u64 x = ((const struct rf_entry *)a)->reg;
	u64 y = ((const struct rf_entry *)b)->reg;

	return x < y ? -1 : x > y;
}

int rf_profile_finish(struct rf_profile *p, u64 *dup)
{
	u32 i;

	sort(p->entries, p->nr, sizeof(p->entries[0]), rf_cmp_entry, NULL);
	p->nr_fakes = 0;
	p->nr_pins = 0;
	for (i = 0; i < p->nr; i++) {
		if (i && p->entries[i].reg == p->entries[i - 1].reg) {
			*dup = p->entries[i].reg;
			return -EINVAL;
		}
		if (p->entries[i].action == KVM_REGFILTER_ACTION_FAKE)
			p->nr_fakes++;
		else if (p->entries[i].action == KVM_REGFILTER_ACTION_PIN)
			p->nr_pins++;
	}
	return 0;
}

/* On every filtered register ioctl: an open-coded binary search. */
int rf_profile_find(const struct rf_profile *p, u64 reg)
{
	u32 lo = 0, hi = p->nr;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		u64 r = p->entries[mid].reg;

		if (r == reg)
			return mid;
		if (r < reg)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

u32 rf_filter_list(const u64 *real, u32 nreal, const struct rf_profile *p,
		   const u8 *state, u64 *out)
{
	u32 i, n = 0;
	int idx;

	for (i = 0; i < nreal; i++) {
		idx = rf_profile_find(p, real[i]);
		if (idx >= 0 && p->entries[idx].action == KVM_REGFILTER_ACTION_HIDE &&
		    state[idx] == KVM_REGFILTER_STATE_APPLIED)
			continue;
		out[n++] = real[i];
	}
	/* Entries are sorted, so the fakes come out in ascending order. */
	for (i = 0; i < p->nr; i++) {
		const struct rf_entry *e = &p->entries[i];
		u32 j;

		if (e->action != KVM_REGFILTER_ACTION_FAKE ||
		    state[i] != KVM_REGFILTER_STATE_APPLIED)
			continue;
		/* A fake that this vcpu really has is shadowed, never doubled. */
		for (j = 0; j < nreal && real[j] != e->reg; j++)
			;
		if (j == nreal)
			out[n++] = e->reg;
	}
	return n;
}

int rf_absent_access(u64 id, bool set, unsigned int *read_first)
{
	*read_first = 0;
	if (!set)
		return -ENOENT;
	switch (rf_reg_coproc(id)) {
	case RF_COPROC_SYSREG:
		/* kvm_sys_reg_set_user: get_user() before the lookup. */
		*read_first = 8;
		break;
	case RF_COPROC_FW:
	case RF_COPROC_FW_FEAT_BMAP:
		/* kvm_arm_set_fw_reg: size check, copy_from_user, lookup. */
		if (rf_reg_size(id) == 8)
			*read_first = 8;
		break;
	default:
		/* demux_c15_set: an unknown index fails before any access. */
		break;
	}
	return -ENOENT;
}

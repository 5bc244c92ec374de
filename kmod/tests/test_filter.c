// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for kmod/filter.c, the filter's pure logic: entry
 * validation, profile sorting and duplicates, the filtered list, and the
 * errors of an absent register per class.  Prints TAP.
 */
#include <stdio.h>
#include <string.h>

#include "host_shim.h"
#include "../filter.h"

#define CONTEXTIDR	0x603000000013c681ULL
#define TPIDR		0x603000000013c684ULL
#define FAKE_A		0x603000000013c7f0ULL
#define FAKE_B		0x603000000013c7f1ULL
#define DEMUX0		0x6020000000110000ULL
#define PSCI		0x6030000000140000ULL
#define BMAP2		0x6030000000160003ULL
#define CORE_X0		0x6030000000100000ULL

static int tests, failures;

static void check(int ok, const char *what)
{
	tests++;
	failures += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, what);
}

static struct {
	struct rf_profile p;
	struct rf_entry e[16];
} buf;

static struct rf_profile *profile(const struct rf_entry *e, unsigned int n)
{
	memset(&buf, 0, sizeof(buf));
	memcpy(buf.p.entries, e, n * sizeof(*e));
	buf.p.nr = n;
	return &buf.p;
}

static int entry_ok(struct rf_entry e, const char *want)
{
	const char *why = "";
	int ret = rf_entry_check(&e, &why);

	if (!want)
		return ret == 0;
	if (ret != -EINVAL || !strstr(why, want))
		printf("# got %d '%s', wanted '%s'\n", ret, why, want);
	return ret == -EINVAL && strstr(why, want);
}

static void test_entry_check(void)
{
	check(entry_ok((struct rf_entry){ .reg = CONTEXTIDR }, NULL), "hide of a sysreg is valid");
	check(entry_ok((struct rf_entry){ .reg = DEMUX0, .action = 1, .value = 5 }, NULL),
	      "fake of a demux register is valid");
	check(entry_ok((struct rf_entry){ .reg = PSCI, .action = 2, .value = 0x10000 }, NULL),
	      "pin of a firmware register is valid");
	check(entry_ok((struct rf_entry){ .reg = CORE_X0 }, "only system, firmware and demux"),
	      "core registers are refused");
	check(entry_ok((struct rf_entry){ .reg = 0x4030000000130000ULL }, "not an arm64"),
	      "non-arm64 ids are refused");
	check(entry_ok((struct rf_entry){ .reg = CONTEXTIDR & ~RF_REG_SIZE_MASK }, "64-bit"),
	      "a sysreg id of the wrong size is refused");
	check(entry_ok((struct rf_entry){ .reg = 0x6030000000110000ULL }, "32-bit"),
	      "a demux id of the wrong size is refused");
	check(entry_ok((struct rf_entry){ .reg = DEMUX0, .action = 1, .value = 1ULL << 32 },
		       "does not fit"), "a fake value too wide for its register is refused");
	check(entry_ok((struct rf_entry){ .reg = CONTEXTIDR, .policy = 1 }, "only for fake"),
	      "a write policy on a hide is refused");
	check(entry_ok((struct rf_entry){ .reg = CONTEXTIDR, .value = 3 }, "takes no value"),
	      "a hide with a value is refused");
	check(entry_ok((struct rf_entry){ .reg = CONTEXTIDR, .has_guard = true,
					  .guard_reg = PSCI }, "64-bit system register"),
	      "a guard on a firmware register is refused");
	check(entry_ok((struct rf_entry){ .reg = CONTEXTIDR, .has_guard = true,
					  .guard_reg = TPIDR, .guard_mask = 0xf,
					  .guard_value = 0x10 }, "never hold"),
	      "a guard whose value exceeds its mask is refused");
	check(entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x10305006 }, NULL) &&
	      entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x10305106 }, NULL) &&
	      entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x10305706 }, NULL),
	      "pins of ID_AA64DFR0_EL1 with PMUVer 0, 1 or 7 are valid");
	check(entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x10305206 }, "PMUVer") &&
	      entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x10305806 }, "PMUVer") &&
	      entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x10305f06 }, "PMUVer"),
	      "pins of ID_AA64DFR0_EL1 with PMUVer 2, 8 or 0xf (IMP_DEF) are refused");
	check(entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 1,
					  .value = 0x10305206 }, NULL),
	      "the PMUVer rule is for pins only");
	check(entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x6, .mask = 0xf }, NULL),
	      "a field pin of DebugVer alone is valid (PMUVer untouched)");
	check(entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x206, .mask = 0xf0f }, "PMUVer") &&
	      entry_ok((struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1, .action = 2,
					  .value = 0x106, .mask = 0x30f }, "all of PMUVer"),
	      "a field pin of DFR0 with an unsafe PMUVer, or part of PMUVer, is refused");
	check(entry_ok((struct rf_entry){ .reg = TPIDR, .action = 2,
					  .value = 0x10, .mask = 0xf }, "outside its mask"),
	      "a field pin whose value has bits outside its mask is refused");
	check(entry_ok((struct rf_entry){ .reg = TPIDR, .action = 1,
					  .value = 0x1, .mask = 0xf }, "only for pin"),
	      "a mask on a fake is refused");
	check(entry_ok((struct rf_entry){ .reg = DEMUX0, .action = 2,
					  .value = 0, .mask = 1ULL << 32 }, "32-bit"),
	      "a mask too wide for a 32-bit register is refused");
	{
		struct rf_entry w = { .reg = TPIDR, .action = 2, .value = 0x5 };
		struct rf_entry f = { .reg = RF_ID_AA64DFR0_EL1, .action = 2,
				      .value = 0x6, .mask = 0xf };

		check(rf_pin_value(&w, 0xabcd) == 0x5 &&
		      rf_pin_value(&f, 0x10305408) == 0x10305406 &&
		      rf_pin_sets_pmuver(&(struct rf_entry){ .reg = RF_ID_AA64DFR0_EL1 }) &&
		      !rf_pin_sets_pmuver(&f),
		      "a field pin keeps the bits outside its mask; a whole pin sets all");
	}
	check(!rf_dfr0_pin_safe(0x10305006, true) && rf_dfr0_pin_safe(0x10305006, false) &&
	      rf_dfr0_pin_safe(0x10305406, true) && !rf_dfr0_pin_safe(0x10305406, false) &&
	      !rf_dfr0_pin_safe(0x10305306, true),
	      "PMUVer 0 is safe only without a PMU, a known version only with one");
}

static void test_finish_find(void)
{
	struct rf_entry e[] = {
		{ .reg = TPIDR, .action = 1, .value = 1 },
		{ .reg = PSCI, .action = 2, .value = 0x10000 },
		{ .reg = CONTEXTIDR },
		{ .reg = FAKE_A, .action = 1 },
	};
	struct rf_profile *p = profile(e, 4);
	u64 dup = 0;

	check(rf_profile_finish(p, &dup) == 0 && p->entries[0].reg == CONTEXTIDR &&
	      p->entries[3].reg == PSCI && p->nr_fakes == 2 && p->nr_pins == 1,
	      "finish sorts by id and counts fakes and pins");
	check(rf_profile_find(p, FAKE_A) == 2 && rf_profile_find(p, PSCI) == 3 &&
	      rf_profile_find(p, DEMUX0) == -1, "find by id");
	e[2].reg = TPIDR;
	p = profile(e, 4);
	check(rf_profile_finish(p, &dup) == -EINVAL && dup == TPIDR,
	      "a register twice is refused and named");
}

static void test_filter_list(void)
{
	struct rf_entry e[] = {
		{ .reg = CONTEXTIDR },				/* hide, applied */
		{ .reg = TPIDR },				/* hide, guard failed */
		{ .reg = FAKE_B, .action = 1, .value = 2 },	/* fake, applied */
		{ .reg = FAKE_A, .action = 1, .value = 1 },	/* fake, applied */
		{ .reg = DEMUX0, .action = 1, .value = 1 },	/* fake, shadowed */
		{ .reg = BMAP2, .action = 1, .value = 1 },	/* fake, guard failed */
	};
	const u64 real[] = { CORE_X0, TPIDR, DEMUX0, PSCI, CONTEXTIDR };
	const u64 want[] = { CORE_X0, TPIDR, DEMUX0, PSCI, FAKE_A, FAKE_B };
	struct rf_profile *p = profile(e, 6);
	u64 out[16], dup;
	u8 state[6];
	unsigned int i, n;
	int idx;

	rf_profile_finish(p, &dup);
	for (i = 0; i < p->nr; i++) {
		u64 r = p->entries[i].reg;

		state[i] = KVM_REGFILTER_STATE_APPLIED;
		if (r == TPIDR || r == BMAP2)
			state[i] = KVM_REGFILTER_STATE_GUARD_FAILED;
		if (r == DEMUX0)
			state[i] = KVM_REGFILTER_STATE_SHADOWED;
	}
	n = rf_filter_list(real, 5, p, state, out);
	idx = n == 6;
	for (i = 0; idx && i < n; i++)
		idx = out[i] == want[i];
	check(idx, "list: applied hides out, real order kept, applied fakes appended ascending");

	/* A fake marked applied but present in this vcpu's list is not doubled. */
	for (i = 0; i < p->nr; i++)
		state[i] = KVM_REGFILTER_STATE_APPLIED;
	n = rf_filter_list(real, 5, p, state, out);
	for (i = 0, idx = 0; i < n; i++)
		idx += out[i] == DEMUX0;
	check(idx == 1, "list: a fake that the vcpu has appears once");
	check(rf_filter_list(real, 0, p, state, out) == 4, "list: empty real list, only the four fakes");
}

static void test_absent_access(void)
{
	unsigned int nread;

	check(rf_absent_access(CONTEXTIDR, false, &nread) == -ENOENT && nread == 0,
	      "absent sysreg GET: ENOENT, no access");
	check(rf_absent_access(CONTEXTIDR, true, &nread) == -ENOENT && nread == 8,
	      "absent sysreg SET: reads 8 bytes first (EFAULT), then ENOENT");
	check(rf_absent_access(PSCI, true, &nread) == -ENOENT && nread == 8,
	      "absent firmware SET: reads the value first, then ENOENT");
	check(rf_absent_access(DEMUX0, true, &nread) == -ENOENT && nread == 0,
	      "absent demux SET: ENOENT before any access");
}

/* Which writes make the module evaluate a VM again (regs.c). */
static void test_id_reg(void)
{
	check(rf_is_id_reg(RF_ID_AA64DFR0_EL1) &&
	      rf_is_id_reg(0x603000000013c03bULL) &&	/* ID_AA64MMFR3_EL1 */
	      rf_is_id_reg(0x603000000013c000ULL),	/* MIDR_EL1, CRm 0 */
	      "feature ID registers (op0 3, op1 0, CRn 0, CRm 0-7) are ID registers");
	check(!rf_is_id_reg(CONTEXTIDR) &&
	      !rf_is_id_reg(0x603000000013c040ULL) &&	/* CRn 0 CRm 8 */
	      !rf_is_id_reg(0x603000000013c800ULL) &&	/* CCSIDR_EL1, op1 1 */
	      !rf_is_id_reg(PSCI) && !rf_is_id_reg(DEMUX0),
	      "other system, firmware and demux registers are not");
}

int main(void)
{
	printf("TAP version 13\n1..34\n");
	test_entry_check();
	test_finish_find();
	test_filter_list();
	test_absent_access();
	test_id_reg();
	if (tests != 34)
		printf("# plan mismatch: ran %d\n", tests);
	return failures || tests != 34;
}

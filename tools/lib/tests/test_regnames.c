// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for regnames.c. Prints TAP; exits 1 if any test failed.
 *
 * Each test is one "ok"/"not ok" line; the registers behind a failure are
 * listed as "#" diagnostics under it, so one bad table entry names itself
 * without drowning the plan in a thousand lines.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "../regnames.h"
#include "../regnames_table.h"
#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* parse(format(id)) == id; returns the name through buf. */
static bool round_trip(uint64_t id, char *buf, size_t len)
{
	uint64_t back = ~id;
	int n, ret;

	n = regname_format(id, buf, len);
	if (n < 0 || (size_t)n >= len) {
		fail("0x%016" PRIx64 ": format returned %d", id, n);
		return false;
	}
	ret = regname_parse(buf, &back);
	if (ret || back != id) {
		fail("0x%016" PRIx64 " -> \"%s\" -> %d, 0x%016" PRIx64,
		     id, buf, ret, back);
		return false;
	}
	return true;
}

static bool is_hex_name(const char *s)
{
	return !strncmp(s, "0x", 2);
}

static void test_table_sorted(void)
{
	unsigned int i;

	for (i = 1; i < regname_nr_sysregs; i++)
		if (regname_sysregs[i - 1].enc >= regname_sysregs[i].enc)
			fail("entries %u and %u out of order", i - 1, i);
	result("table of %u system registers is sorted and unique",
	       regname_nr_sysregs);
}

static void test_table_round_trip(void)
{
	char buf[REGNAME_MAX], lower[REGNAME_MAX];
	unsigned int i;
	uint64_t id;
	size_t j;

	for (i = 0; i < regname_nr_sysregs; i++) {
		const struct regname_sysreg *r = &regname_sysregs[i];

		id = REGNAME_SYSREG_ID(r->enc);
		if (!round_trip(id, buf, sizeof(buf)))
			continue;
		if (strcmp(buf, r->name))
			fail("0x%016" PRIx64 ": \"%s\", table says \"%s\"",
			     id, buf, r->name);
		if (regname_lookup(id) != r->name)
			fail("lookup of %s", r->name);
		for (j = 0; r->name[j] && j < sizeof(lower) - 1; j++)
			lower[j] = (char)tolower((unsigned char)r->name[j]);
		lower[j] = '\0';
		/* Lower case sp_el1 and elr_el1 are core registers. */
		if (!strcmp(lower, "sp_el1") || !strcmp(lower, "elr_el1"))
			continue;
		if (regname_parse(lower, &id) || id != REGNAME_SYSREG_ID(r->enc))
			fail("\"%s\" (lower case) does not parse", lower);
	}
	result("every table entry: format, parse (either case), lookup");
}

static void test_aliases(void)
{
	unsigned int i;
	uint64_t id;

	for (i = 0; i < regname_nr_sysreg_aliases; i++) {
		const struct regname_sysreg *a = &regname_sysreg_aliases[i];

		if (regname_parse(a->name, &id) ||
		    id != REGNAME_SYSREG_ID(a->enc))
			fail("alias %s", a->name);
		else if (!regname_lookup(id))
			fail("alias %s names an unnamed encoding", a->name);
	}
	result("%u aliases parse to a named encoding",
	       regname_nr_sysreg_aliases);
}

/* All 65536 sysreg encodings, named or generic, round trip. */
static void test_all_sysreg_encodings(void)
{
	char buf[REGNAME_MAX], want[REGNAME_MAX];
	unsigned int enc, named = 0;
	uint64_t id;

	for (enc = 0; enc <= 0xffff; enc++) {
		id = REGNAME_SYSREG_ID(enc);
		if (!round_trip(id, buf, sizeof(buf)))
			continue;
		if (regname_lookup(id)) {
			named++;
			continue;
		}
		snprintf(want, sizeof(want), "S%u_%u_C%u_C%u_%u", enc >> 14,
			 (enc >> 11) & 7, (enc >> 7) & 15, (enc >> 3) & 15,
			 enc & 7);
		if (strcmp(buf, want))
			fail("0x%04x: \"%s\", want \"%s\"", enc, buf, want);
	}
	if (named != regname_nr_sysregs)
		fail("%u named, table has %u", named, regname_nr_sysregs);
	result("all 65536 system register encodings round trip");
}

/* Every id with any size and low 16 bits in each class round trips. */
static void test_all_classes(void)
{
	static const uint64_t sizes[] = {
		0, KVM_REG_SIZE_U32, KVM_REG_SIZE_U64, KVM_REG_SIZE_U128,
		KVM_REG_SIZE_U256, KVM_REG_SIZE_U512, KVM_REG_SIZE_U2048,
	};
	static const unsigned int classes[] = {
		0x10, 0x11, 0x12, 0x14, 0x15, 0x16, 0x17,
	};
	char buf[REGNAME_MAX];
	unsigned int low;
	size_t c, s;

	for (c = 0; c < ARRAY_SIZE(classes); c++)
		for (s = 0; s < ARRAY_SIZE(sizes); s++)
			for (low = 0; low <= 0xffff; low++)
				round_trip(KVM_REG_ARM64 | sizes[s] |
					   (uint64_t)classes[c] << 16 | low,
					   buf, sizeof(buf));
	result("every low 16 bits x size x class 0x10-0x17 round trips");
}

/* Ids outside the arm64 id space, or with stray bits, print as hex. */
static void test_raw_hex(void)
{
	static const uint64_t ids[] = {
		0, 1, 0xffffffffffffffffULL, 0x1234,
		0x6030000000140004ULL,	/* firmware register 4 */
		0x6030000000160004ULL,	/* bitmap register 4 */
		0x602000000013c103ULL,	/* TCR2_EL1 as U32 */
		0x6030000100130000ULL,	/* stray bit 32 */
		0x6030000010130000ULL,	/* stray bit 28 */
		0x6020000000100040ULL,	/* regs.pc as U32 */
		0x6030000000100041ULL,	/* middle of regs.pc */
		0x60300000001000d8ULL,	/* past struct kvm_regs */
		0x6030000000110003ULL,	/* demux as U64 */
		0x6020000000110103ULL,	/* demux id 1 */
		0x6080000000150400ULL,	/* a P register as U2048 */
		0x7030000000130000ULL,	/* another architecture */
	};
	char buf[REGNAME_MAX];
	uint64_t back;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		char want[REGNAME_MAX];

		regname_format(ids[i], buf, sizeof(buf));
		snprintf(want, sizeof(want), "0x%016" PRIx64, ids[i]);
		if (strcmp(buf, want))
			fail("0x%016" PRIx64 ": \"%s\"", ids[i], buf);
		if (regname_parse(buf, &back) || back != ids[i])
			fail("\"%s\" does not parse back", buf);
		if (regname_lookup(ids[i]))
			fail("0x%016" PRIx64 ": lookup found a name", ids[i]);
	}
	if (regname_parse("0xABCDEF0123456789", &back) ||
	    back != 0xabcdef0123456789ULL)
		fail("upper case hex");
	if (regname_parse("0x00000000000000000001", &back) || back != 1)
		fail("leading zeros");
	result("unnamed ids print and parse as raw hex");
}

struct known {
	uint64_t id;
	const char *name;
};

/* Ids from the register lists of 6.1, 6.12 and 7.2 and the uapi header. */
static const struct known known[] = {
	{ 0x603000000013c103ULL, "TCR2_EL1" },
	{ 0x603000000013c512ULL, "PIRE0_EL1" },
	{ 0x603000000013c513ULL, "PIR_EL1" },
	{ 0x603000000013c514ULL, "POR_EL1" },
	{ 0x603000000013dd14ULL, "POR_EL0" },
	{ 0x603000000013c000ULL, "MIDR_EL1" },
	{ 0x603000000013c020ULL, "ID_AA64PFR0_EL1" },
	{ 0x603000000013c080ULL, "SCTLR_EL1" },
	{ 0x603000000013c108ULL, "APIAKEYLO_EL1" },
	{ 0x6030000000138004ULL, "DBGBVR0_EL1" },
	{ 0x603000000013807fULL, "DBGWCR15_EL1" },
	{ 0x603000000013df40ULL, "PMEVCNTR0_EL0" },
	{ 0x603000000013df5eULL, "PMEVCNTR30_EL0" },
	{ 0x603000000013df7fULL, "PMCCFILTR_EL0" },
	{ 0x603000000013dea0ULL, "AMEVCNTR00_EL0" },
	{ 0x6030000000160003ULL, "VENDOR_HYP_BMAP_2" },
	{ 0x6030000000160002ULL, "VENDOR_HYP_BMAP" },
	{ 0x6030000000160001ULL, "STD_HYP_BMAP" },
	{ 0x6030000000160000ULL, "STD_BMAP" },
	{ 0x6030000000140000ULL, "PSCI_VERSION" },
	{ 0x6030000000140001ULL, "SMCCC_ARCH_WORKAROUND_1" },
	{ 0x6030000000140002ULL, "SMCCC_ARCH_WORKAROUND_2" },
	{ 0x6030000000140003ULL, "SMCCC_ARCH_WORKAROUND_3" },
	{ 0x6020000000110000ULL, "DEMUX_CCSIDR(0)" },
	{ 0x6020000000110003ULL, "DEMUX_CCSIDR(3)" },
	{ 0x602000000011000dULL, "DEMUX_CCSIDR(13)" },
	/* Physical timer (6.12+): plain encodings. */
	{ 0x603000000013df01ULL, "CNTPCT_EL0" },
	{ 0x603000000013df11ULL, "CNTP_CTL_EL0" },
	{ 0x603000000013df12ULL, "CNTP_CVAL_EL0" },
	/* Virtual timer: KVM_REG_ARM_TIMER_CTL, _CNT, _CVAL (swapped). */
	{ 0x603000000013df19ULL, "CNTV_CTL_EL0" },
	{ 0x603000000013df1aULL, "CNTVCT_EL0" },
	{ 0x603000000013df02ULL, "CNTV_CVAL_EL0" },
	/* Core: KVM_REG_ARM_CORE_REG() offsets in 32-bit words. */
	{ 0x6030000000100000ULL, "regs.regs[0]" },
	{ 0x603000000010003cULL, "regs.regs[30]" },
	{ 0x603000000010003eULL, "regs.sp" },
	{ 0x6030000000100040ULL, "regs.pc" },
	{ 0x6030000000100042ULL, "regs.pstate" },
	{ 0x6030000000100044ULL, "sp_el1" },
	{ 0x6030000000100046ULL, "elr_el1" },
	{ 0x6030000000100048ULL, "spsr[0]" },
	{ 0x6030000000100050ULL, "spsr[4]" },
	{ 0x6040000000100054ULL, "fp_regs.vregs[0]" },
	{ 0x60400000001000d0ULL, "fp_regs.vregs[31]" },
	{ 0x60200000001000d4ULL, "fp_regs.fpsr" },
	{ 0x60200000001000d5ULL, "fp_regs.fpcr" },
	/* SVE */
	{ 0x6080000000150000ULL, "SVE_ZREG(0,0)" },
	{ 0x60800000001503e0ULL, "SVE_ZREG(31,0)" },
	{ 0x60500000001505e0ULL, "SVE_PREG(15,0)" },
	{ 0x6050000000150600ULL, "SVE_FFR(0)" },
	{ 0x606000000015ffffULL, "SVE_VLS" },
	/* Unnamed ID register slots keep the generic form. */
	{ 0x603000000013c01bULL, "S3_0_C0_C3_3" },
	{ 0x603000000013c03fULL, "S3_0_C0_C7_7" },
};

static void test_known(void)
{
	char buf[REGNAME_MAX];
	uint64_t id;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++) {
		regname_format(known[i].id, buf, sizeof(buf));
		if (strcmp(buf, known[i].name))
			fail("0x%016" PRIx64 ": \"%s\", want \"%s\"",
			     known[i].id, buf, known[i].name);
		if (regname_parse(known[i].name, &id) || id != known[i].id)
			fail("\"%s\" does not parse to 0x%016" PRIx64,
			     known[i].name, known[i].id);
		round_trip(known[i].id, buf, sizeof(buf));
	}
	result("%zu known ids have their expected names", ARRAY_SIZE(known));
}

static void test_no_lookup_outside_table(void)
{
	if (regname_lookup(0x603000000013c01bULL))
		fail("S3_0_C0_C3_3 has a name");
	if (regname_lookup(0x6030000000140000ULL))
		fail("lookup names a firmware register");
	if (!regname_lookup(0x603000000013c103ULL) ||
	    strcmp(regname_lookup(0x603000000013c103ULL), "TCR2_EL1"))
		fail("lookup of TCR2_EL1");
	result("lookup only names table entries");
}

static void test_other_spellings(void)
{
	static const struct known spellings[] = {
		{ 0x603000000013df01ULL, "S3_3_C14_C0_1" },
		{ 0x603000000013df01ULL, "s3_3_c14_c0_1" },
		{ 0x603000000013c103ULL, "S3_0_C2_C0_3" },
		{ 0x603000000013c103ULL, "tcr2_el1" },
		{ 0x603000000013df02ULL, "S3_3_C14_C0_2" },
		{ 0x603000000013df1aULL, "S3_3_C14_C3_2" },
		{ 0x6030000000160003ULL, "KVM_REG_ARM_VENDOR_HYP_BMAP_2" },
		{ 0x6030000000140000ULL, "KVM_REG_ARM_PSCI_VERSION" },
		{ 0x6030000000140000ULL, "psci_version" },
		{ 0x6030000000100040ULL, "KVM_REG_ARM_CORE_REG(regs.pc)" },
		{ 0x6030000000100044ULL, "sp_el1" },
		{ 0x603000000013e208ULL, "SP_EL1" },
		{ 0x603000000013e208ULL, "Sp_El1" },
		{ 0x6030000000100046ULL, "elr_el1" },
		{ 0x603000000013c201ULL, "ELR_EL1" },
		{ 0x6080000000150021ULL, "KVM_REG_ARM64_SVE_ZREG(1, 1)" },
		{ 0x6020000000110003ULL, "demux_ccsidr(3)" },
		{ 0x6030000000139828ULL, "DBGDTRTX_EL0" },
		{ 0x603000000013c103ULL, "0x603000000013c103" },
	};
	uint64_t id;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(spellings); i++)
		if (regname_parse(spellings[i].name, &id) ||
		    id != spellings[i].id)
			fail("\"%s\"", spellings[i].name);
	if (regname_parse("TCR2_EL1", NULL))
		fail("NULL id");
	result("generic, lower case, uapi and alias spellings parse");
}

static void test_garbage(void)
{
	static const char *const bad[] = {
		"", "FOO_EL9", "S3_8_C0_C0_0", "0xzz", "0x", "0x 1",
		"0x10000000000000000", "TCR2_EL1 ", " TCR2_EL1", "TCR2_EL1x",
		"TCR2_EL", "S3_0_C16_C0_0", "S3_0_C0_C16_0", "S3_0_C0_C0_8",
		"S4_0_C0_C0_0", "S3_0_C0_C0", "S3_0_C0_C0_0_", "S3_0_C0_C0_0x",
		"S3_0_C02_C0_3", "S-3_0_C0_C0_0", "S3_0_C0_C0_+1",
		"DEMUX_CCSIDR(256)", "DEMUX_CCSIDR(3", "DEMUX_CCSIDR()",
		"DEMUX_CCSIDR(3))", "DEMUX_CCSIDR( 3)",
		"regs.regs[31]", "regs.regs[]", "regs.regs", "regs.pc[0]",
		"spsr[5]", "fp_regs.vregs[32]", "regs.pcx",
		"KVM_REG_ARM_CORE_REG(regs.pc", "REGS.PC", "Regs.regs[0]",
		"kvm_reg_arm_core_reg(regs.pc)", "PSCI_VERSION_",
		"VENDOR_HYP_BMAP_3", "KVM_REG_ARM_", "SVE_ZREG(32,0)",
		"SVE_PREG(16,0)", "SVE_FFR(32)", "SVE_ZREG(0)", "SVE_VLS(0)",
		"-1", "12345", "\n",
	};
	uint64_t id = 42;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int ret = regname_parse(bad[i], &id);

		if (ret != -EINVAL)
			fail("\"%s\" gave %d, 0x%016" PRIx64, bad[i], ret, id);
	}
	if (id != 42)
		fail("*id written on failure");
	if (regname_parse(NULL, &id) != -EINVAL)
		fail("NULL name");
	result("%zu malformed or unknown names give -EINVAL", ARRAY_SIZE(bad));
}

static void test_snprintf_semantics(void)
{
	char buf[8];
	int n;

	n = regname_format(0x603000000013c103ULL, NULL, 0);
	if (n != 8)
		fail("NULL/0 returned %d, want 8", n);
	memset(buf, 'x', sizeof(buf));
	n = regname_format(0x603000000013c103ULL, buf, 5);
	if (n != 8 || strcmp(buf, "TCR2"))
		fail("len 5 returned %d \"%s\"", n, buf);
	n = regname_format(0x1234, buf, sizeof(buf));
	if (n != 18 || strlen(buf) != 7)
		fail("hex truncated returned %d \"%s\"", n, buf);
	result("format has snprintf semantics");
}

static void test_name_lengths(void)
{
	char buf[256];
	unsigned int i;
	int n;

	for (i = 0; i < regname_nr_sysregs; i++) {
		n = regname_format(REGNAME_SYSREG_ID(regname_sysregs[i].enc),
				   buf, sizeof(buf));
		if (n >= REGNAME_MAX)
			fail("%s is longer than REGNAME_MAX", buf);
	}
	n = regname_format(0x60400000001000d0ULL, buf, sizeof(buf));
	if (n >= REGNAME_MAX)
		fail("%s is longer than REGNAME_MAX", buf);
	result("names fit in REGNAME_MAX");
}

/* struct kvm_regs has 75 registers: KVM lists them all without SVE. */
static void test_core_count(void)
{
	static const uint64_t sizes[] = {
		KVM_REG_SIZE_U32, KVM_REG_SIZE_U64, KVM_REG_SIZE_U128,
	};
	char buf[REGNAME_MAX];
	unsigned int off, named = 0;
	size_t s;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		for (off = 0; off <= 0xffff; off++) {
			regname_format(KVM_REG_ARM64 | sizes[s] |
				       KVM_REG_ARM_CORE | off, buf, sizeof(buf));
			if (!is_hex_name(buf))
				named++;
		}
	}
	if (named != 75)
		fail("%u core registers named", named);
	result("75 core registers have names");
}

int main(void)
{
	static void (*const all[])(void) = {
		test_table_sorted,
		test_table_round_trip,
		test_aliases,
		test_all_sysreg_encodings,
		test_all_classes,
		test_raw_hex,
		test_known,
		test_no_lookup_outside_table,
		test_other_spellings,
		test_garbage,
		test_snprintf_semantics,
		test_name_lengths,
		test_core_count,
	};
	size_t i;

	printf("1..%zu\n", ARRAY_SIZE(all));
	for (i = 0; i < ARRAY_SIZE(all); i++)
		all[i]();
	return tap_done();
}

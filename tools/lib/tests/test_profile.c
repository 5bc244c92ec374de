// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for profile.c: the profile text format (every construct,
 * every mistake with the exact file:line:col and token the operator is
 * shown), the canonical printer, the bounds and the search path.  Prints
 * TAP; exits 1 if any test failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../profile.h"
#include "../regnames.h"
#include "../regnames_table.h"
#include "tap.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define TCR2_EL1	0x603000000013c103ULL
#define PIRE0_EL1	0x603000000013c512ULL
#define MMFR3_EL1	0x603000000013c03bULL
#define PSCI_VERSION	0x6030000000140000ULL
#define VENDOR_HYP_BMAP_2 0x6030000000160003ULL

static int parse(struct rf_prof *p, const char *text, char *err, size_t len)
{
	rf_prof_init(p);
	return rf_prof_parse(p, text, strlen(text), "t.profile", err, len);
}

static char *write_str(const struct rf_prof *p)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		abort();
	rf_prof_write(p, f);
	fclose(f);
	return buf;
}

static void expect_entry(const struct rf_prof *p, size_t i, uint64_t reg,
			 uint32_t action, uint64_t value, uint32_t policy,
			 unsigned int line)
{
	const struct rf_prof_entry *e;

	if (i >= p->nr) {
		fail("entry %zu missing (%zu entries)", i, p->nr);
		return;
	}
	e = &p->entries[i];
	if (e->reg != reg || e->action != action || e->value != value ||
	    e->policy != policy || e->line != line)
		fail("entry %zu: reg 0x%016" PRIx64 " action %u value 0x%" PRIx64
		     " policy %u line %u", i, e->reg, e->action, e->value,
		     e->policy, e->line);
}

static void expect_guard(const struct rf_prof *p, size_t i, int has,
			 uint64_t reg, uint64_t mask, uint64_t value)
{
	const struct rf_prof_entry *e = &p->entries[i];

	if (i >= p->nr)
		return;
	if (e->has_guard != has || e->guard_reg != reg ||
	    e->guard_mask != mask || e->guard_value != value)
		fail("entry %zu: guard %d 0x%016" PRIx64 " & 0x%" PRIx64
		     " == 0x%" PRIx64, i, e->has_guard, e->guard_reg,
		     e->guard_mask, e->guard_value);
}

static const char example[] =
	"# a comment; blank lines ignored; '#' also ends a line\n"
	"description Debian 13 (6.12) register view for QEMU 10.0 pools\n"
	"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf == 0\n"
	"hide PIRE0_EL1\n"
	"fake VENDOR_HYP_BMAP_2 = 0            # policy keep is the default\n"
	"fake S3_0_C15_C14_0 = 0x42 strict\n"
	"pin PSCI_VERSION = 0x10001\n"
	"pin 0x6030000000140001 = 65537\n";

static void test_example(void)
{
	struct rf_prof p;
	char err[512] = "";
	int ret;

	ret = parse(&p, example, err, sizeof(err));
	if (ret)
		fail("returned %d: %s", ret, err);
	if (strcmp(p.description, "Debian 13 (6.12) register view for QEMU 10.0 pools"))
		fail("description \"%s\"", p.description);
	if (p.nr != 6)
		fail("%zu entries", p.nr);
	expect_entry(&p, 0, TCR2_EL1, KVM_REGFILTER_ACTION_HIDE, 0, 0, 3);
	expect_guard(&p, 0, 1, MMFR3_EL1, 0xf, 0);
	expect_entry(&p, 1, PIRE0_EL1, KVM_REGFILTER_ACTION_HIDE, 0, 0, 4);
	expect_guard(&p, 1, 0, 0, 0, 0);
	expect_entry(&p, 2, VENDOR_HYP_BMAP_2, KVM_REGFILTER_ACTION_FAKE, 0,
		     KVM_REGFILTER_POLICY_KEEP, 5);
	expect_entry(&p, 3, 0x603000000013c7f0ULL, KVM_REGFILTER_ACTION_FAKE,
		     0x42, KVM_REGFILTER_POLICY_STRICT, 6);
	expect_entry(&p, 4, PSCI_VERSION, KVM_REGFILTER_ACTION_PIN, 0x10001, 0, 7);
	expect_entry(&p, 5, 0x6030000000140001ULL, KVM_REGFILTER_ACTION_PIN,
		     65537, 0, 8);
	if (p.path[0])
		fail("path \"%s\" set by parse", p.path);
	rf_prof_free(&p);
	result("parse: the documented example");
}

/* Every construct, in the spellings an operator may use. */
static void test_every_construct(void)
{
	static const char text[] =
		"\t description \t spaces, tabs\tand CRLF kept inside \t \r\n"
		"hide DEMUX_CCSIDR(3)\r\n"
		"fake DEMUX_CCSIDR(4) = 0xffffffff keep when ID_AA64MMFR0_EL1 & 0xf0 == 0x10\n"
		"fake SMCCC_ARCH_WORKAROUND_3=1 strict when S3_0_C0_C7_3&0xff==0#c\n"
		"pin STD_HYP_BMAP = 18446744073709551615\n"
		"pin 0x6030000000160000 = 0x7 when 0x603000000013c03b & 0xFFFFFFFFFFFFFFFF == 0xffffffffffffffff\n"
		"hide tcr2_el1 # names are case-insensitive\n"
		"hide 0x603000000013C512\n"
		"fake S3_3_C15_C15_7 = 0x0000000000000000000000042\n"
		"pin PSCI_VERSION = 007\n"
		"hide ID_AA64MMFR3_EL1 when ID_AA64MMFR3_EL1 & 1 == 0\n"
		"\t\t\n"
		"#\n"
		"hide S3_0_C0_C7_4"; /* no newline at the end */
	struct rf_prof p;
	char err[512] = "";
	int ret;

	ret = parse(&p, text, err, sizeof(err));
	if (ret)
		fail("returned %d: %s", ret, err);
	if (strcmp(p.description, "spaces, tabs\tand CRLF kept inside"))
		fail("description \"%s\"", p.description);
	if (p.nr != 11)
		fail("%zu entries", p.nr);
	expect_entry(&p, 0, 0x6020000000110003ULL, KVM_REGFILTER_ACTION_HIDE, 0, 0, 2);
	expect_entry(&p, 1, 0x6020000000110004ULL, KVM_REGFILTER_ACTION_FAKE,
		     0xffffffff, KVM_REGFILTER_POLICY_KEEP, 3);
	expect_guard(&p, 1, 1, 0x603000000013c038ULL, 0xf0, 0x10);
	expect_entry(&p, 2, 0x6030000000140003ULL, KVM_REGFILTER_ACTION_FAKE, 1,
		     KVM_REGFILTER_POLICY_STRICT, 4);
	expect_guard(&p, 2, 1, 0x603000000013c03bULL, 0xff, 0);
	expect_entry(&p, 3, 0x6030000000160001ULL, KVM_REGFILTER_ACTION_PIN,
		     UINT64_MAX, 0, 5);
	expect_entry(&p, 4, 0x6030000000160000ULL, KVM_REGFILTER_ACTION_PIN, 7, 0, 6);
	expect_guard(&p, 4, 1, MMFR3_EL1, UINT64_MAX, UINT64_MAX);
	expect_entry(&p, 5, TCR2_EL1, KVM_REGFILTER_ACTION_HIDE, 0, 0, 7);
	expect_entry(&p, 6, PIRE0_EL1, KVM_REGFILTER_ACTION_HIDE, 0, 0, 8);
	expect_entry(&p, 7, 0x603000000013dfffULL, KVM_REGFILTER_ACTION_FAKE,
		     0x42, 0, 9);
	expect_entry(&p, 8, PSCI_VERSION, KVM_REGFILTER_ACTION_PIN, 7, 0, 10);
	expect_entry(&p, 9, MMFR3_EL1, KVM_REGFILTER_ACTION_HIDE, 0, 0, 11);
	expect_guard(&p, 9, 1, MMFR3_EL1, 1, 0);
	expect_entry(&p, 10, 0x603000000013c03cULL, KVM_REGFILTER_ACTION_HIDE, 0, 0, 14);
	rf_prof_free(&p);
	result("parse: every construct, blanks, CRLF, no final newline, case of names");
}

static void test_empty(void)
{
	static const char *const texts[] = {
		"", "\n\n", "# only\n   # comments\n", "\t\r\n",
	};
	struct rf_prof p;
	char err[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		if (parse(&p, texts[i], err, sizeof(err)) || p.nr ||
		    p.description[0])
			fail("text %zu: %s", i, err);
		rf_prof_free(&p);
	}
	result("parse: empty, blank and comment-only texts are empty profiles");
}

static void test_write_canonical(void)
{
	static const char want[] =
		"description Debian 13 (6.12) register view for QEMU 10.0 pools\n"
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf == 0x0\n"
		"hide PIRE0_EL1\n"
		"fake VENDOR_HYP_BMAP_2 = 0x0\n"
		"fake S3_0_C15_C14_0 = 0x42 strict\n"
		"pin PSCI_VERSION = 0x10001\n"
		"pin SMCCC_ARCH_WORKAROUND_1 = 0x10001\n";
	struct rf_prof p;
	char err[256];
	char *text;

	if (parse(&p, example, err, sizeof(err)))
		fail("%s", err);
	text = write_str(&p);
	if (strcmp(text, want))
		fail("wrote:\n%s", text);
	free(text);
	rf_prof_free(&p);
	result("write: canonical text (names, hex values, strict only, guards)");
}

/* parse(write(p)) == p, and writing that again gives the same text. */
static bool round_trip(const struct rf_prof *p)
{
	struct rf_prof q;
	char err[512];
	char *text, *again;
	bool ok = true;

	text = write_str(p);
	rf_prof_init(&q);
	if (rf_prof_parse(&q, text, strlen(text), "written", err, sizeof(err))) {
		fail("written text does not parse: %s", err);
		ok = false;
	} else if (!rf_prof_equal(p, &q)) {
		fail("written text parses to another profile");
		ok = false;
	}
	again = write_str(&q);
	if (ok && strcmp(text, again)) {
		fail("second write differs");
		ok = false;
	}
	free(again);
	free(text);
	rf_prof_free(&q);
	return ok;
}

static void test_round_trip_parsed(void)
{
	struct rf_prof p;
	char err[256];

	if (parse(&p, example, err, sizeof(err)))
		fail("%s", err);
	round_trip(&p);
	rf_prof_free(&p);
	result("round trip: parse(write(parsed example)) == example");
}

static uint64_t rnd(void)
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return x;
}

/*
 * A full profile made in code: named and unnamed system registers, every
 * firmware register and bitmap, demux registers, every action and policy,
 * guards with random masks.
 */
static void test_round_trip_generated(void)
{
	struct rf_prof p;
	struct rf_prof_entry e;
	unsigned int i;
	int ret;

	rf_prof_init(&p);
	snprintf(p.description, sizeof(p.description), "generated\tprofile");
	for (i = 0; p.nr < KVM_REGFILTER_MAX_ENTRIES; i++) {
		memset(&e, 0, sizeof(e));
		if (i < 4)
			e.reg = 0x6030000000140000ULL | i;
		else if (i < 8)
			e.reg = 0x6030000000160000ULL | (i - 4);
		else if (i < 24)
			e.reg = 0x6020000000110000ULL | (i - 8);
		else if (i < 900 && i - 24 < regname_nr_sysregs)
			e.reg = REGNAME_SYSREG_ID(regname_sysregs[i - 24].enc);
		else
			e.reg = REGNAME_SYSREG_ID(rnd());
		e.action = i % 3;
		if (e.action != KVM_REGFILTER_ACTION_HIDE)
			e.value = (e.reg & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32 ?
				  (uint32_t)rnd() : rnd();
		if (e.action == KVM_REGFILTER_ACTION_FAKE)
			e.policy = (i / 3) % 2;
		/* Every seventh pin a field pin (DFR0's PMUVer rules aside). */
		if (e.action == KVM_REGFILTER_ACTION_PIN && i % 7 == 0 &&
		    e.reg != 0x603000000013c028ULL) {
			e.mask = ((e.reg & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U32 ?
				  (uint32_t)rnd() : rnd()) | 1;
			e.value &= e.mask;
		}
		if (i % 5 == 0) {
			e.has_guard = 1;
			e.guard_reg = REGNAME_SYSREG_ID(rnd());
			e.guard_mask = rnd();
			e.guard_value = rnd() & e.guard_mask;
		}
		ret = rf_prof_add(&p, &e);
		if (ret && ret != -EEXIST) {
			fail("add %u: %d", i, ret);
			break;
		}
	}
	if (p.nr != KVM_REGFILTER_MAX_ENTRIES)
		fail("%zu entries", p.nr);
	round_trip(&p);
	rf_prof_free(&p);
	result("round trip: 1024 generated entries of every class, action, policy, guard, field pin");
}

/* "pin REG & MASK = VALUE": parsed, written and read back the same. */
static void test_field_pin(void)
{
	static const char text[] =
		"pin ID_AA64DFR0_EL1 & 0xf = 0x6\n"
		"pin PSCI_VERSION&0xffff=1 when ID_AA64MMFR3_EL1 & 1 == 0\n"
		"pin ID_AA64MMFR1_EL1 = 0x10\n";
	struct rf_prof p, q;
	char err[512] = "", *buf = NULL;
	size_t len = 0;
	FILE *f;
	int ret;

	ret = parse(&p, text, err, sizeof(err));
	if (ret)
		fail("returned %d: %s", ret, err);
	if (p.nr != 3)
		fail("%zu entries", p.nr);
	else if (p.entries[0].mask != 0xf || p.entries[0].value != 0x6 ||
		 p.entries[1].mask != 0xffff || p.entries[1].value != 1 ||
		 !p.entries[1].has_guard || p.entries[2].mask)
		fail("masks %#llx %#llx %#llx",
		     (unsigned long long)p.entries[0].mask,
		     (unsigned long long)p.entries[1].mask,
		     (unsigned long long)p.entries[2].mask);
	f = open_memstream(&buf, &len);
	rf_prof_write(&p, f);
	fclose(f);
	if (!strstr(buf, "pin ID_AA64DFR0_EL1 & 0xf = 0x6\n"))
		fail("written as: %s", buf);
	rf_prof_init(&q);
	ret = rf_prof_parse(&q, buf, len, "w.profile", err, sizeof(err));
	if (ret || !rf_prof_equal(&p, &q))
		fail("read back: %d %s", ret, err);
	q.entries[0].mask = 0x7;
	if (q.nr && rf_prof_equal(&p, &q))
		fail("profiles differing in a mask compare equal");
	free(buf);
	rf_prof_free(&q);
	rf_prof_free(&p);
	result("field pin: 'pin REG & MASK = VALUE' parsed, written, read back; masks compared");
}

static void test_description_written(void)
{
	struct rf_prof p, q;
	char err[256];
	char *text;

	rf_prof_init(&p);
	snprintf(p.description, sizeof(p.description), "  a # b\nc\x01 ");
	text = write_str(&p);
	if (strcmp(text, "description a   b c\n"))
		fail("wrote \"%s\"", text);
	rf_prof_init(&q);
	if (rf_prof_parse(&q, text, strlen(text), "w", err, sizeof(err)) ||
	    strcmp(q.description, "a   b c"))
		fail("read back \"%s\" (%s)", q.description, err);
	free(text);
	rf_prof_free(&q);
	memset(p.description, 'x', sizeof(p.description));	/* no NUL */
	text = write_str(&p);
	if (strlen(text) != strlen("description ") + 127 + 1)
		fail("unterminated description written as %zu bytes", strlen(text));
	free(text);
	result("write: a description made in code is written so that it parses");
}

struct bad {
	const char *text;
	const char *err;
};

static const struct bad bad[] = {
	/* keywords */
	{
		"hidden TCR2_EL1\n",
		"t.profile:1:1: expected 'hide', 'fake', 'pin' or 'description', got 'hidden'",
	},
	{
		"  Hide TCR2_EL1\n",
		"t.profile:1:3: expected 'hide', 'fake', 'pin' or 'description', got 'Hide'",
	},
	{
		"# one\n\n= 3\n",
		"t.profile:3:1: expected 'hide', 'fake', 'pin' or 'description', got '='",
	},
	/* registers */
	{
		"hide\n",
		"t.profile:1:5: expected a register after 'hide', got end of line",
	},
	{
		"hide # TCR2_EL1\n",
		"t.profile:1:6: expected a register after 'hide', got end of line",
	},
	{
		"pin = 1\n",
		"t.profile:1:5: expected a register after 'pin', got '='",
	},
	{
		"hide FOO_EL9\n",
		"t.profile:1:6: unknown register 'FOO_EL9' (a name like TCR2_EL1, S3_0_C2_C0_3 or a 0x... id)",
	},
	{
		"fake S3_0_C16_C0_0 = 1\n",
		"t.profile:1:6: unknown register 'S3_0_C16_C0_0' (a name like TCR2_EL1, S3_0_C2_C0_3 or a 0x... id)",
	},
	{
		"hide 0x10000000000000000\n",
		"t.profile:1:6: unknown register '0x10000000000000000' (a name like TCR2_EL1, S3_0_C2_C0_3 or a 0x... id)",
	},
	{
		"hide ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ\n",
		"t.profile:1:6: unknown register 'ABCDEFGHIJABCDEFGHIJABCDEFGHIJABCDEFGHIJ...' (a name like TCR2_EL1, S3_0_C2_C0_3 or a 0x... id)",
	},
	{
		"hide regs.pc\n",
		"t.profile:1:6: expected a system, firmware or demux register (core and SVE registers cannot be filtered), got 'regs.pc'",
	},
	{
		"hide SVE_VLS\n",
		"t.profile:1:6: expected a system, firmware or demux register (core and SVE registers cannot be filtered), got 'SVE_VLS'",
	},
	{
		"hide 0x6020000000130000\n",
		"t.profile:1:6: expected a 64-bit id for a system or firmware register (0x6030...), got '0x6020000000130000'",
	},
	{
		"hide 0x6030000000110003\n",
		"t.profile:1:6: expected a 32-bit id for a demux register (0x6020...), got '0x6030000000110003'",
	},
	{
		"hide 0x1234\n",
		"t.profile:1:6: expected an arm64 KVM register (0x60...), got '0x1234'",
	},
	/* values */
	{
		"hide TCR2_EL1 = 0\n",
		"t.profile:1:15: expected 'when' or end of line ('hide' takes no value), got '='",
	},
	{
		"fake PIRE0_EL1\n",
		"t.profile:1:15: expected '=' and a value after the register, got end of line",
	},
	{
		"pin PSCI_VERSION 0x10001\n",
		"t.profile:1:18: expected '=' and a value, or '&' and a mask, after the register, got '0x10001'",
	},
	{
		"pin PSCI_VERSION ==1\n",
		"t.profile:1:18: expected '=' and a value, or '&' and a mask, after the register, got '=='",
	},
	/* field pins */
	{
		"pin ID_AA64DFR0_EL1 & 0 = 0\n",
		"t.profile:1:23: expected a mask with at least one bit (a field pin of nothing pins nothing), got '0'",
	},
	{
		"pin ID_AA64DFR0_EL1 & 0xf = 0x16\n",
		"t.profile:1:29: expected a value with no bit outside the mask 0xf, got '0x16'",
	},
	{
		"pin ID_AA64DFR0_EL1 & 0x30f = 0x106\n",
		"t.profile:1:31: expected a mask with all of PMUVer (bits 8-11) or none of it, got '0x106'",
	},
	{
		"pin ID_AA64DFR0_EL1 & 0xf0f = 0x206\n",
		"t.profile:1:31: expected PMUVer (bits 8-11) 0, 1 or 4-7: KVM takes no other on any vcpu, got '0x206'",
	},
	{
		"pin DEMUX_CCSIDR(0) & 0x100000000 = 0\n",
		"t.profile:1:23: expected a mask that fits in 32 bits (DEMUX_CCSIDR(0) is a 32-bit register), got '0x100000000'",
	},
	{
		"fake TPIDR_EL1 & 0xf = 1\n",
		"t.profile:1:16: expected '=' and a value after the register, got '&'",
	},
	{
		"pin PSCI_VERSION & 0xffff\n",
		"t.profile:1:26: expected '=' and a value after the register, got end of line",
	},
	{
		"pin PSCI_VERSION =\n",
		"t.profile:1:19: expected a number (decimal or 0x hex), got end of line",
	},
	{
		"pin PSCI_VERSION = 1.1\n",
		"t.profile:1:20: expected a number (decimal or 0x hex), got '1.1'",
	},
	{
		"pin PSCI_VERSION = -1\n",
		"t.profile:1:20: expected a number (decimal or 0x hex), got '-1'",
	},
	{
		"pin PSCI_VERSION = 0x\n",
		"t.profile:1:20: expected a number (decimal or 0x hex), got '0x'",
	},
	{
		"pin PSCI_VERSION = 0X10\n",
		"t.profile:1:20: expected a number (decimal or 0x hex), got '0X10'",
	},
	{
		"pin PSCI_VERSION = 0xfg\n",
		"t.profile:1:20: expected a number (decimal or 0x hex), got '0xfg'",
	},
	{
		"pin PSCI_VERSION = 18446744073709551616\n",
		"t.profile:1:20: expected a number that fits in 64 bits, got '18446744073709551616'",
	},
	{
		"pin PSCI_VERSION = 0x10000000000000000\n",
		"t.profile:1:20: expected a number that fits in 64 bits, got '0x10000000000000000'",
	},
	{
		"fake DEMUX_CCSIDR(1) = 0x100000000\n",
		"t.profile:1:24: expected a value that fits in 32 bits (DEMUX_CCSIDR(1) is a 32-bit register), got '0x100000000'",
	},
	/* policies */
	{
		"pin PSCI_VERSION = 0x10001 strict\n",
		"t.profile:1:28: expected 'when' or end of line (a policy is only for fake), got 'strict'",
	},
	{
		"hide TCR2_EL1 keep\n",
		"t.profile:1:15: expected 'when' or end of line (a policy is only for fake), got 'keep'",
	},
	{
		"fake PIRE0_EL1 = 0 loose\n",
		"t.profile:1:20: expected 'keep', 'strict', 'when' or end of line, got 'loose'",
	},
	{
		"fake PIRE0_EL1 = 0 STRICT\n",
		"t.profile:1:20: expected 'keep', 'strict', 'when' or end of line, got 'STRICT'",
	},
	{
		"fake PIRE0_EL1 = 0 strict keep\n",
		"t.profile:1:27: expected 'when' or end of line, got 'keep'",
	},
	{
		"fake PIRE0_EL1 = 0 when ID_AA64MMFR3_EL1 & 0xf == 0 strict\n",
		"t.profile:1:53: expected end of line, got 'strict'",
	},
	/* Issue 16, item 4: regctl took it, the module refused it. */
	{
		"pin ID_AA64DFR0_EL1 = 0x200\n",
		"t.profile:1:23: expected PMUVer (bits 8-11) 0, 1 or 4-7: KVM takes no other on any vcpu, got '0x200'",
	},
	{
		"pin ID_AA64DFR0_EL1 = 0x10305f06\n",
		"t.profile:1:23: expected PMUVer (bits 8-11) 0, 1 or 4-7: KVM takes no other on any vcpu, got '0x10305f06'",
	},
	/* Issue 16, item 5: these loaded before. */
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0 == 0\n",
		"t.profile:1:39: expected a mask with at least one bit set (a mask of 0 tests nothing), got '0'",
	},
	{
		"hide 0x603000001013c681\n",
		"t.profile:1:6: expected no bits between the register class and the size (bits 28-51): no KVM register has them, got '0x603000001013c681'",
	},
	{
		"hide CONTEXTIDR_EL1\nhide 0x603000001013c681\n",
		"t.profile:2:6: expected no bits between the register class and the size (bits 28-51): no KVM register has them, got '0x603000001013c681'",
	},
	{
		"hide TCR2_EL1 when 0x603000001013c03b & 0xf == 0\n",
		"t.profile:1:20: expected no bits between the register class and the size (bits 28-51): no KVM register has them, got '0x603000001013c03b'",
	},
	/* guards */
	{
		"hide TCR2_EL1 when\n",
		"t.profile:1:19: expected a register after 'when', got end of line",
	},
	{
		"hide TCR2_EL1 when FOO & 1 == 1\n",
		"t.profile:1:20: unknown register 'FOO' (a name like TCR2_EL1, S3_0_C2_C0_3 or a 0x... id)",
	},
	{
		"hide TCR2_EL1 when PSCI_VERSION & 0xf == 0\n",
		"t.profile:1:20: expected a 64-bit system register to test, got 'PSCI_VERSION'",
	},
	{
		"hide TCR2_EL1 when DEMUX_CCSIDR(0) & 0xf == 0\n",
		"t.profile:1:20: expected a 64-bit system register to test, got 'DEMUX_CCSIDR(0)'",
	},
	{
		"hide TCR2_EL1 when regs.pc & 0xf == 0\n",
		"t.profile:1:20: expected a 64-bit system register to test, got 'regs.pc'",
	},
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 0xf == 0\n",
		"t.profile:1:37: expected '&' and a mask after the guard register, got '0xf'",
	},
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & zz == 0\n",
		"t.profile:1:39: expected a number (decimal or 0x hex), got 'zz'",
	},
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf = 0\n",
		"t.profile:1:43: expected '==' and a value after the mask, got '='",
	},
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf ==\n",
		"t.profile:1:45: expected a number (decimal or 0x hex), got end of line",
	},
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf == 0x10\n",
		"t.profile:1:46: expected a value with no bits outside the mask 0xf, got '0x10'",
	},
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf == 0 extra\n",
		"t.profile:1:48: expected end of line, got 'extra'",
	},
	{
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf == 0 when ID_AA64MMFR3_EL1 & 1 == 1\n",
		"t.profile:1:48: expected end of line, got 'when'",
	},
	{
		"hide TCR2_EL1 if ID_AA64MMFR3_EL1 & 0xf == 0\n",
		"t.profile:1:15: expected 'when' or end of line, got 'if'",
	},
	/* descriptions */
	{
		"description a\n# two\ndescription b\n",
		"t.profile:3:1: expected one description (line 1 has it), got 'description'",
	},
	{
		"description\n",
		"t.profile:1:12: expected the text of the description, got end of line",
	},
	{
		"description   # only a comment\n",
		"t.profile:1:15: expected the text of the description, got end of line",
	},
	{
		"description 01234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567\n",
		"t.profile:1:13: expected a description of at most 127 bytes, got '0123456789012345678901234567890123456789...'",
	},
	/* later lines, after good ones */
	{
		"description fine\nhide TCR2_EL1\n\n# comment\n  fake PIRE0_EL1 = 1 strict\npin PSCI_VERSION = x\n",
		"t.profile:6:20: expected a number (decimal or 0x hex), got 'x'",
	},
	{
		"hide TCR2_EL1\r\nhide PIRE0_EL1 junk\r\n",
		"t.profile:2:16: expected 'when' or end of line, got 'junk'",
	},
	/* duplicates, whatever the actions and spellings */
	{
		"hide TCR2_EL1\n# x\nfake 0x603000000013c103 = 1\n",
		"t.profile:3:6: expected a register not in the profile yet (line 1 has it), got '0x603000000013c103'",
	},
	{
		"pin PSCI_VERSION = 1\n\npin psci_version = 2\n",
		"t.profile:3:5: expected a register not in the profile yet (line 1 has it), got 'psci_version'",
	},
	{
		"fake S3_0_C15_C14_0 = 1\nhide PIRE0_EL1\nhide s3_0_c15_c14_0\n",
		"t.profile:3:6: expected a register not in the profile yet (line 1 has it), got 's3_0_c15_c14_0'",
	},
};

static void test_errors(void)
{
	struct rf_prof p;
	char err[512];
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(err, 0, sizeof(err));
		ret = parse(&p, bad[i].text, err, sizeof(err));
		if (ret != -EINVAL)
			fail("returned %d", ret);
		if (strcmp(err, bad[i].err)) {
			fail("got:  %s", err);
			fail("want: %s", bad[i].err);
		}
		if (p.nr || p.entries || p.description[0])
			fail("profile not left empty");
		rf_prof_free(&p);
		result("error: %s", bad[i].err + strlen("t.profile:"));
	}
}

/* Bytes a C string cannot hold: NUL, and other control characters. */
static void test_control_bytes(void)
{
	static const char nul[] = "hide TCR2\0_EL1\n";
	static const char bel[] = "description a\ab\n";
	static const char in_comment[] = "hide TCR2_EL1 # \x01\x7f\n";
	struct rf_prof p;
	char err[256];
	int ret;

	rf_prof_init(&p);
	ret = rf_prof_parse(&p, nul, sizeof(nul) - 1, "t.profile", err, sizeof(err));
	if (ret != -EINVAL ||
	    strcmp(err, "t.profile:1:10: expected printable text, got '\\x00'"))
		fail("NUL: %d %s", ret, err);
	ret = rf_prof_parse(&p, bel, sizeof(bel) - 1, "t.profile", err, sizeof(err));
	if (ret != -EINVAL ||
	    strcmp(err, "t.profile:1:14: expected printable text, got '\\x07'"))
		fail("BEL: %d %s", ret, err);
	ret = rf_prof_parse(&p, in_comment, sizeof(in_comment) - 1, "t.profile",
			    err, sizeof(err));
	if (ret || p.nr != 1)
		fail("comment: %d %s", ret, err);
	rf_prof_free(&p);
	result("error: control bytes outside comments, quoted as \\xNN");
}

static char *entries_text(unsigned int n)
{
	char *text = malloc(n * 32 + 64), *s = text;
	unsigned int i;

	s += sprintf(s, "description %u entries\n", n);
	for (i = 0; i < n; i++)
		s += sprintf(s, "hide 0x603000000013%04x\n", i);
	return text;
}

static void test_max_entries(void)
{
	struct rf_prof p;
	char err[256] = "";
	char *text;
	int ret;

	text = entries_text(KVM_REGFILTER_MAX_ENTRIES);
	ret = parse(&p, text, err, sizeof(err));
	if (ret || p.nr != KVM_REGFILTER_MAX_ENTRIES)
		fail("1024: %d %zu %s", ret, p.nr, err);
	rf_prof_free(&p);
	free(text);

	text = entries_text(KVM_REGFILTER_MAX_ENTRIES + 1);
	ret = parse(&p, text, err, sizeof(err));
	if (ret != -EINVAL ||
	    strcmp(err, "t.profile:1026:1: expected at most 1024 entries in a profile, got 'hide'"))
		fail("1025: %d %s", ret, err);
	rf_prof_free(&p);
	free(text);
	result("bounds: 1024 entries parse, the 1025th is an error");
}

static void test_add(void)
{
	struct rf_prof p;
	struct rf_prof_entry e = { .reg = TCR2_EL1 }, bad_e;
	unsigned int i;
	int ret;

	rf_prof_init(&p);
	if (rf_prof_add(&p, &e) || rf_prof_add(&p, &e) != -EEXIST)
		fail("-EEXIST");
	bad_e = e;
	bad_e.reg = PIRE0_EL1;
	bad_e.value = 1;
	if (rf_prof_add(&p, &bad_e) != -EINVAL)
		fail("hide with a value");
	bad_e.value = 0;
	bad_e.policy = KVM_REGFILTER_POLICY_STRICT;
	if (rf_prof_add(&p, &bad_e) != -EINVAL)
		fail("hide with a policy");
	bad_e = e;
	bad_e.reg = 0x6030000000100000ULL;
	if (rf_prof_add(&p, &bad_e) != -EINVAL)
		fail("core register");
	bad_e = e;
	bad_e.reg = PIRE0_EL1;
	bad_e.has_guard = 1;
	bad_e.guard_reg = PSCI_VERSION;
	if (rf_prof_add(&p, &bad_e) != -EINVAL)
		fail("firmware guard register");
	bad_e.guard_reg = MMFR3_EL1;
	bad_e.guard_value = 2;
	bad_e.guard_mask = 1;
	if (rf_prof_add(&p, &bad_e) != -EINVAL)
		fail("guard value outside mask");
	bad_e = e;
	bad_e.reg = 0x6020000000110000ULL;
	bad_e.action = KVM_REGFILTER_ACTION_PIN;
	bad_e.value = 0x100000000ULL;
	if (rf_prof_add(&p, &bad_e) != -EINVAL)
		fail("demux value over 32 bits");
	bad_e.action = 3;
	bad_e.value = 0;
	if (rf_prof_add(&p, &bad_e) != -EINVAL)
		fail("unknown action");
	/* Guard fields without a guard are not kept. */
	bad_e = e;
	bad_e.reg = PIRE0_EL1;
	bad_e.guard_reg = 1;
	bad_e.guard_value = 3;
	if (rf_prof_add(&p, &bad_e) || p.entries[1].guard_reg ||
	    p.entries[1].guard_value)
		fail("guard fields without a guard");
	for (i = 0; p.nr < KVM_REGFILTER_MAX_ENTRIES; i++) {
		e.reg = REGNAME_SYSREG_ID(i);
		ret = rf_prof_add(&p, &e);
		if (ret && ret != -EEXIST)
			fail("add %u: %d", i, ret);
	}
	e.reg = REGNAME_SYSREG_ID(0xffff);
	if (rf_prof_add(&p, &e) != -E2BIG)
		fail("-E2BIG");
	if (p.alloc > KVM_REGFILTER_MAX_ENTRIES)
		fail("allocated %zu entries", p.alloc);
	rf_prof_free(&p);
	result("add: -EEXIST, -EINVAL for what the module refuses, -E2BIG");
}

/* A code-made entry is in the profile: parse names no line for it. */
static void test_duplicate_of_code_entry(void)
{
	static const char text[] = "hide TCR2_EL1\n";
	struct rf_prof p;
	struct rf_prof_entry e = { .reg = TCR2_EL1 };
	char err[256];
	int ret;

	rf_prof_init(&p);
	rf_prof_add(&p, &e);
	ret = rf_prof_parse(&p, text, strlen(text), "t.profile", err, sizeof(err));
	if (ret != -EINVAL ||
	    strcmp(err,
		   "t.profile:1:6: expected a register not in the profile yet, got 'TCR2_EL1'"))
		fail("%d %s", ret, err);
	rf_prof_free(&p);
	result("duplicates: of an entry made in code");
}

static void test_guard_register_not_duplicate(void)
{
	static const char text[] =
		"hide ID_AA64MMFR3_EL1\n"
		"hide TCR2_EL1 when ID_AA64MMFR3_EL1 & 0xf == 0\n"
		"hide PIRE0_EL1 when ID_AA64MMFR3_EL1 & 0xf0 == 0\n";
	struct rf_prof p;
	char err[256];

	if (parse(&p, text, err, sizeof(err)) || p.nr != 3)
		fail("%s", err);
	rf_prof_free(&p);
	result("duplicates: a guard register may be an entry and guard others");
}

static char tmpdir[256];

static void write_file(const char *rel, const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	f = fopen(path, "w");
	if (!f || fwrite(text, 1, len, f) != len || fclose(f))
		fail("cannot write %s", path);
}

/* A line of n bytes: an entry padded with blanks, then tail. */
static char *long_line(size_t n, const char *tail)
{
	char *s = malloc(n + strlen(tail) + 2);
	size_t head = strlen("hide TCR2_EL1");

	memcpy(s, "hide TCR2_EL1", head);
	memset(s + head, ' ', n - head);
	memcpy(s + n, tail, strlen(tail) + 1);
	return s;
}

static void expect_long(const char *text, size_t len, int want_ret,
			const char *want)
{
	struct rf_prof p;
	char err[512] = "", path[512];
	int ret;

	rf_prof_init(&p);
	ret = rf_prof_parse(&p, text, len, "t.profile", err, sizeof(err));
	if (ret != want_ret || (want && strcmp(err, want)))
		fail("parse: %d %s", ret, err);
	rf_prof_free(&p);
	/* The file reader has its own buffer: it must say the same. */
	write_file("t.profile", text, len);
	snprintf(path, sizeof(path), "%s/t.profile", tmpdir);
	if (chdir(tmpdir))
		fail("chdir");
	ret = rf_prof_load(&p, "t.profile", err, sizeof(err));
	if (ret != want_ret || (want && strcmp(err, want)))
		fail("load: %d %s", ret, err);
	rf_prof_free(&p);
}

static void test_long_lines(void)
{
	char *s;

	s = long_line(RF_PROF_LINE_MAX, "\nhide PIRE0_EL1\n");
	expect_long(s, strlen(s), 0, NULL);
	free(s);
	s = long_line(RF_PROF_LINE_MAX, "");
	expect_long(s, strlen(s), 0, NULL);
	free(s);
	s = long_line(RF_PROF_LINE_MAX, "x\n");
	expect_long(s, strlen(s), -EINVAL,
		    "t.profile:1:4097: expected a line of at most 4096 bytes, got 'x'");
	free(s);
	s = long_line(RF_PROF_LINE_MAX, "# a comment 0123456789012345678901234567890123456789\n");
	expect_long(s, strlen(s), -EINVAL,
		    "t.profile:1:4097: expected a line of at most 4096 bytes, got '#'");
	free(s);
	s = long_line(RF_PROF_LINE_MAX + 1, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
	expect_long(s, strlen(s), -EINVAL,
		    "t.profile:1:4097: expected a line of at most 4096 bytes, got ' '");
	free(s);
	s = long_line(RF_PROF_LINE_MAX, "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij");
	expect_long(s, strlen(s), -EINVAL,
		    "t.profile:1:4097: expected a line of at most 4096 bytes, got 'abcdefghijabcdefghijabcdefghijabcdefghij...'");
	free(s);
	result("bounds: 4096-byte lines parse, longer ones fail at column 4097 (text and file)");
}

/* Memory does not grow with the file: only the line buffer is used. */
static void test_big_file(void)
{
	static const char line[] =
		"# 0123456789012345678901234567890123456789012345678901234567890123456789\n";
	const size_t lines = 100000;
	struct rf_prof p;
	char path[512], err[512];
	size_t i;
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/big.profile", tmpdir);
	f = fopen(path, "w");
	for (i = 0; f && i < lines; i++)
		fputs(line, f);
	if (f)
		fputs("hide TCR2_EL1\nhide TCR2_EL1\n", f);
	if (!f || fclose(f))
		fail("cannot write %s", path);
	rf_prof_init(&p);
	ret = rf_prof_load(&p, path, err, sizeof(err));
	if (ret != -EINVAL ||
	    !strstr(err,
		    ":100002:6: expected a register not in the profile yet (line 100001 has it)"))
		fail("%d %s", ret, err);
	rf_prof_free(&p);
	result("load: a 7 MB file is read a line at a time, lines counted");
}

static void test_load(void)
{
	struct rf_prof p;
	char path[512], want[600], err[600];
	int ret;

	write_file("good.profile", example, strlen(example));
	snprintf(path, sizeof(path), "%s/good.profile", tmpdir);
	rf_prof_init(&p);
	ret = rf_prof_load(&p, path, err, sizeof(err));
	if (ret || p.nr != 6 || strcmp(p.path, path))
		fail("good: %d %s, path \"%s\"", ret, err, p.path);
	rf_prof_free(&p);

	write_file("bad.profile", "hide TCR2_EL1\nhide FOO_EL9\n", 27);
	snprintf(path, sizeof(path), "%s/bad.profile", tmpdir);
	ret = rf_prof_load(&p, path, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "%s:2:6: unknown register 'FOO_EL9' (a name like TCR2_EL1, S3_0_C2_C0_3 or a 0x... id)",
		 path);
	if (ret != -EINVAL || strcmp(err, want) || p.nr || p.path[0])
		fail("bad: %d %s", ret, err);

	snprintf(path, sizeof(path), "%s/missing.profile", tmpdir);
	ret = rf_prof_load(&p, path, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	if (ret != -ENOENT || strcmp(err, want))
		fail("missing: %d %s", ret, err);

	ret = rf_prof_load(&p, tmpdir, err, sizeof(err));
	snprintf(want, sizeof(want), "%s: Is a directory", tmpdir);
	if (ret != -EISDIR || strcmp(err, want))
		fail("directory: %d %s", ret, err);
	rf_prof_free(&p);
	result("load: path kept, messages name the file, I/O errors are -errno with strerror");
}

static void mkdir_tmp(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	if (mkdir(path, 0755))
		fail("mkdir %s", path);
}

static void expect_find(const char *name, int want_ret, const char *want)
{
	char path[4096] = "", err[1024] = "";
	int ret;

	ret = rf_prof_find(name, path, sizeof(path), err, sizeof(err));
	if (ret != want_ret)
		fail("%s: returned %d (%s)", name, ret, err);
	else if (!ret && strcmp(path, want))
		fail("%s: found %s, want %s", name, path, want);
	else if (ret && strcmp(err, want))
		fail("%s: %s\n#   want: %s", name, err, want);
}

static void test_find(void)
{
	char env[1100], a[512], b[512], want[4096];

	mkdir_tmp("a");
	mkdir_tmp("b");
	mkdir_tmp("a/dir.profile");
	write_file("a/one.profile", "", 0);
	write_file("b/one.profile", "", 0);
	write_file("b/two.profile", "", 0);
	write_file("b/three", "", 0);
	write_file("b/four", "", 0);
	write_file("b/four.profile", "", 0);
	snprintf(a, sizeof(a), "%s/a", tmpdir);
	snprintf(b, sizeof(b), "%s/b", tmpdir);
	snprintf(env, sizeof(env), "%s/::%s//", a, b);
	setenv("REGFILTER_PROFILE_PATH", env, 1);
	if (chdir("/"))
		fail("chdir /");

	snprintf(want, sizeof(want), "%s/a/one.profile", tmpdir);
	expect_find("one", 0, want);
	snprintf(want, sizeof(want), "%s/b/two.profile", tmpdir);
	expect_find("two", 0, want);
	expect_find("two.profile", 0, want);
	snprintf(want, sizeof(want), "%s/b/three", tmpdir);
	expect_find("three", 0, want);
	snprintf(want, sizeof(want), "%s/b/four", tmpdir);
	expect_find("four", 0, want);
	snprintf(want, sizeof(want), "%s/b/two.profile", tmpdir);
	snprintf(env, sizeof(env), "%s/two", b);
	expect_find(env, 0, want);
	snprintf(want, sizeof(want),
		 "profile 'nope' not found in %s, %s (REGFILTER_PROFILE_PATH); looked for nope and nope.profile in each",
		 a, b);
	expect_find("nope", -ENOENT, want);
	snprintf(want, sizeof(want),
		 "profile 'dir' not found in %s, %s (REGFILTER_PROFILE_PATH); looked for dir and dir.profile in each",
		 a, b);
	expect_find("dir", -ENOENT, want);
	snprintf(want, sizeof(want),
		 "profile 'nope.profile' not found in %s, %s (REGFILTER_PROFILE_PATH)",
		 a, b);
	expect_find("nope.profile", -ENOENT, want);
	snprintf(env, sizeof(env), "%s/nope", b);
	snprintf(want, sizeof(want), "profile '%s' not found (tried %s and %s.profile)",
		 env, env, env);
	expect_find(env, -ENOENT, want);
	expect_find("", -ENOENT, "no profile name given");

	/*
	 * A bare name never comes from the current directory (a file
	 * planted in /tmp), whatever is there: only a path names it.
	 */
	if (chdir(b))
		fail("chdir b");
	setenv("REGFILTER_PROFILE_PATH", a, 1);
	snprintf(want, sizeof(want),
		 "profile 'three' not found in %s (REGFILTER_PROFILE_PATH); looked for three and three.profile in each",
		 a);
	expect_find("three", -ENOENT, want);
	snprintf(want, sizeof(want),
		 "profile 'two' not found in %s (REGFILTER_PROFILE_PATH); looked for two and two.profile in each",
		 a);
	expect_find("two", -ENOENT, want);
	expect_find("./two", 0, "./two.profile");
	expect_find("./three", 0, "./three");

	/* Unset or empty: /etc, then the packaged directory; never ".". */
	setenv("REGFILTER_PROFILE_PATH", "", 1);
	expect_find("two", -ENOENT,
		    "profile 'two' not found in /etc/regfilter/profiles, "
		    REGFILTER_PROFILE_DIR "; looked for two and two.profile in each");
	unsetenv("REGFILTER_PROFILE_PATH");
	expect_find("two", -ENOENT,
		    "profile 'two' not found in /etc/regfilter/profiles, "
		    REGFILTER_PROFILE_DIR "; looked for two and two.profile in each");
	expect_find("regfilter-test-nope", -ENOENT,
		    "profile 'regfilter-test-nope' not found in /etc/regfilter/profiles, "
		    REGFILTER_PROFILE_DIR
		    "; looked for regfilter-test-nope and regfilter-test-nope.profile in each");
	setenv("REGFILTER_PROFILE_PATH", ":", 1);
	expect_find("regfilter-test-nope", -ENOENT,
		    "profile 'regfilter-test-nope' not found in no directory (REGFILTER_PROFILE_PATH); looked for regfilter-test-nope and regfilter-test-nope.profile in each");
	unsetenv("REGFILTER_PROFILE_PATH");
	{
		char path[8], err[256];

		if (rf_prof_find("./two", path, sizeof(path), err, sizeof(err)) !=
		    -ENAMETOOLONG)
			fail("short buffer: %s", err);
	}
	if (chdir("/"))
		fail("chdir /");
	result("find: search path, suffix, paths; a bare name never from the current directory; not found lists the places");
}

static void cleanup(void)
{
	char cmd[512];

	if (!tmpdir[0] || chdir("/"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		printf("# could not remove %s\n", tmpdir);
}

int main(void)
{
	static void (*const all[])(void) = {
		test_example,
		test_every_construct,
		test_empty,
		test_write_canonical,
		test_round_trip_parsed,
		test_round_trip_generated,
		test_description_written,
		test_field_pin,
		test_errors,
		test_control_bytes,
		test_max_entries,
		test_add,
		test_duplicate_of_code_entry,
		test_guard_register_not_duplicate,
		test_long_lines,
		test_big_file,
		test_load,
		test_find,
	};
	const char *t = getenv("TMPDIR");
	size_t i;

	snprintf(tmpdir, sizeof(tmpdir), "%s/test_profile.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! mkdtemp %s: %s\n", tmpdir, strerror(errno));
		return 1;
	}
	printf("1..%zu\n", ARRAY_SIZE(all) - 1 + ARRAY_SIZE(bad));
	for (i = 0; i < ARRAY_SIZE(all); i++)
		all[i]();
	cleanup();
	return tap_done();
}

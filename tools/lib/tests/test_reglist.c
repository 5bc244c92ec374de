// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for reglist.c: the list file parser (good files, and bad
 * ones named by file, line and column) and the set difference that the
 * get_reg_list selftest and regctl diff rely on.  Prints TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reglist.h"

static int tests, failures;

static void check(int ok, const char *what)
{
	tests++;
	if (!ok)
		failures++;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, what);
}

static int parse_str(struct reglist *l, const char *text, char *err, size_t len)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int ret;

	if (!f)
		return -errno;
	ret = reglist_parse(l, f, "t.list", err, len);
	fclose(f);
	return ret;
}

static void test_parse_good(void)
{
	struct reglist l;
	char err[256] = "";
	int ret;

	reglist_init(&l);
	ret = parse_str(&l,
			"# comment\n"
			"\n"
			"0x603000000013c103 TCR2_EL1\n"
			"  0x6030000000160003\tVENDOR_HYP_BMAP_2\n"
			"0x6020000000110003\n", err, sizeof(err));
	check(ret == 0 && l.nr == 3 && l.ids[0] == 0x603000000013c103ULL &&
	      l.ids[1] == 0x6030000000160003ULL && l.ids[2] == 0x6020000000110003ULL,
	      "parse: ids, names, comments, blank lines, leading blanks");
	reglist_free(&l);
}

static void expect_error(const char *text, const char *want, const char *what)
{
	struct reglist l;
	char err[256] = "";
	int ret;

	reglist_init(&l);
	ret = parse_str(&l, text, err, sizeof(err));
	if (ret != -EINVAL || !strstr(err, want))
		printf("# got %d '%s', wanted -EINVAL with '%s'\n", ret, err, want);
	check(ret == -EINVAL && strstr(err, want), what);
	reglist_free(&l);
}

static void test_parse_bad(void)
{
	expect_error("0x603000000013c103\nTCR2_EL1\n", "t.list:2:1:",
		     "parse: a name without an id names line and column");
	expect_error("0x1\n   0xzz\n", "t.list:2:4: expected a 64-bit register id",
		     "parse: bad hex names the column of the token");
	expect_error("0x6030000000160003ff\n", "'0x6030000000160003ff'",
		     "parse: ids over 64 bits are refused, token quoted");
	expect_error("0x12,0x13\n", "t.list:1:1", "parse: junk after an id is refused");
	expect_error("12345\n", "t.list:1:1", "parse: an id without 0x is refused");
}

static void test_minus(void)
{
	struct reglist a, b, d;
	static const uint64_t ia[] = { 5, 1, 9, 1, 3 }, ib[] = { 3, 4, 5 };
	size_t i;

	reglist_init(&a);
	reglist_init(&b);
	reglist_init(&d);
	for (i = 0; i < 5; i++)
		reglist_add(&a, ia[i]);
	for (i = 0; i < 3; i++)
		reglist_add(&b, ib[i]);
	check(reglist_minus(&a, &b, &d) == 0 && d.nr == 2 && d.ids[0] == 1 && d.ids[1] == 9,
	      "minus: a - b keeps a's order and reports a duplicate once");
	reglist_free(&d);
	reglist_init(&d);
	check(reglist_minus(&b, &a, &d) == 0 && d.nr == 1 && d.ids[0] == 4, "minus: b - a");
	reglist_free(&d);
	reglist_init(&d);
	check(reglist_minus(&a, &a, &d) == 0 && d.nr == 0, "minus: a - a is empty");
	reglist_free(&b);
	reglist_init(&b);
	check(reglist_minus(&a, &b, &d) == 0 && d.nr == 4, "minus: a - {} is a without duplicates");
	check(reglist_contains(&a, 9) && !reglist_contains(&a, 4), "contains");
	reglist_free(&a);
	reglist_free(&d);
}

/* The blessed lists are readable and differ from each other as measured. */
static void test_blessed(void)
{
	struct reglist l61, l612, l7, d;
	char err[256];
	int ret;

	reglist_init(&l61);
	reglist_init(&l612);
	reglist_init(&l7);
	reglist_init(&d);
	ret = reglist_load(&l61, "../../selftests/blessed/6.1.txt", err, sizeof(err)) ||
	      reglist_load(&l612, "../../selftests/blessed/6.12.txt", err, sizeof(err)) ||
	      reglist_load(&l7, "../../selftests/blessed/7.x.txt", err, sizeof(err));
	if (ret)
		printf("# %s\n", err);
	check(!ret && l61.nr == 242 && l612.nr == 259 && l7.nr == 257,
	      "blessed: 6.1, 6.12 and 7.x lists load with 242, 259 and 257 ids");
	reglist_minus(&l612, &l7, &d);
	check(d.nr == 3 && reglist_contains(&d, 0x603000000013c103ULL) &&
	      reglist_contains(&d, 0x603000000013c512ULL) &&
	      reglist_contains(&d, 0x603000000013c513ULL),
	      "blessed: 6.12 - 7.x is TCR2_EL1, PIRE0_EL1, PIR_EL1");
	reglist_free(&d);
	reglist_init(&d);
	reglist_minus(&l7, &l612, &d);
	check(d.nr == 1 && d.ids[0] == 0x6030000000160003ULL,
	      "blessed: 7.x - 6.12 is VENDOR_HYP_BMAP_2");
	reglist_free(&d);
	reglist_init(&d);
	reglist_minus(&l612, &l61, &d);
	check(d.nr == 17, "blessed: 6.12 has 17 registers 6.1 lacks");
	reglist_free(&d);
	reglist_free(&l61);
	reglist_free(&l612);
	reglist_free(&l7);
}

int main(void)
{
	printf("TAP version 13\n1..15\n");
	test_parse_good();
	test_parse_bad();
	test_minus();
	test_blessed();
	if (tests != 15)
		printf("# plan mismatch: ran %d\n", tests);
	return failures || tests != 15;
}

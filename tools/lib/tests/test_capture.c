// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for capture.c: a capture written and read back, errors
 * with file:line:col, blessed lists read as captures without values, and
 * which registers carry initial values.  Prints TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../capture.h"
#include "tap.h"


static char *tmpfile_with(const char *text)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/rf-capture-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		return NULL;
	close(fd);
	return path;
}

int main(void)
{
	struct rf_capture c, d;
	char err[512], path[64];
	const struct rf_capreg *r;
	FILE *f;
	int ret;

	printf("TAP version 13\n1..19\n");
	rf_capture_init(&c);
	strcpy(c.kernel, "6.12.117+deb12-arm64");
	strcpy(c.cpu, "midr 0x410fd0c0");
	rf_capture_add(&c, 0x6030000000100000ULL, false, 0);
	rf_capture_add(&c, 0x6030000000140000ULL, true, 0x10001);
	rf_capture_add(&c, 0x603000000013c103ULL, false, 0);
	strcpy(path, "/tmp/rf-capture-XXXXXX");
	ret = mkstemp(path);
	f = fdopen(ret, "w");
	rf_capture_write(&c, f);
	fclose(f);
	ret = rf_capture_load(&d, path, err, sizeof(err));
	if (ret)
		printf("# %s\n", err);
	check(!ret && d.nr == 3 && !strcmp(d.kernel, c.kernel) && !strcmp(d.cpu, c.cpu),
	      "write then load: kernel, cpu, count");
	r = rf_capture_find(&d, 0x6030000000140000ULL);
	check(r && r->has_value && r->value == 0x10001, "the PSCI version's value survives");
	r = rf_capture_find(&d, 0x603000000013c103ULL);
	check(r && !r->has_value && d.regs[2].id == 0x603000000013c103ULL,
	      "a register without a value, in order");
	check(!rf_capture_find(&d, 0x1234), "find of an absent id");
	rf_capture_free(&d);
	unlink(path);

	ret = rf_capture_load(&d, "../../selftests/blessed/7.x.txt", err, sizeof(err));
	check(!ret && d.nr == 257, "a blessed list reads as a capture (257 ids, 7.x)");
	rf_capture_free(&d);

	ret = rf_capture_load(&d, tmpfile_with("kernel x\n0x60300000001400\n0x60 = zz\n"),
			      err, sizeof(err));
	check(ret == -EINVAL && strstr(err, ":3:"), "a bad value is refused, with its line");
	printf("# %s\n", err);
	ret = rf_capture_load(&d, tmpfile_with("TCR2_EL1\n"), err, sizeof(err));
	check(ret == -EINVAL && strstr(err, ":1:1: expected '0xID NAME [= 0xVALUE]', got 'TCR2_EL1"),
	      "a line without an id: file:line:col and the token");
	{
		/* Issue 16, item 3: each of these loaded before (or loaded wrong). */
		static const struct {
			const char *text, *want, *what;
		} bad[] = {
			{ "registers 3\n0x6030000000140000 = 0x1\n0x6030000000140001 = 0x2\n",
			  "says 'registers 3' but has 2 register lines",
			  "a truncated capture (fewer lines than 'registers N') is refused" },
			{ "0x6030000000140000 = -1\n", ":1:22: expected a value '0x' and hex digits after '=', got '-1'",
			  "a negative value is refused" },
			{ "0x6030000000140000 = 010\n", ":1:22: expected a value",
			  "an octal (or decimal) value is refused" },
			{ "0x6030000000140000 = 0x5junk\n", ":1:",
			  "trailing junk after a value is refused" },
			{ "registers 1\nregisters 1\n0x6030000000140000\n", ":2:",
			  "a second 'registers' line is refused" },
		};
		unsigned int k;

		for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
			ret = rf_capture_load(&d, tmpfile_with(bad[k].text), err, sizeof(err));
			if (ret != -EINVAL || !strstr(err, bad[k].want))
				printf("# got %d: %s\n", ret, err);
			check(ret == -EINVAL && strstr(err, bad[k].want), bad[k].what);
		}
	}
	{
		/* A line longer than any fixed buffer is one line. */
		char text[2048];

		snprintf(text, sizeof(text), "registers 1\n0x6030000000140000 %01500d = 0x10002\n", 0);
		ret = rf_capture_load(&d, tmpfile_with(text), err, sizeof(err));
		if (ret)
			printf("# %s\n", err);
		check(!ret && d.nr == 1 && d.regs[0].has_value && d.regs[0].value == 0x10002,
		      "a 1500-character line is read as one line, its value kept");
		rf_capture_free(&d);
	}
	check(rf_capture_load(&d, "/nonexistent", err, sizeof(err)) == -ENOENT &&
	      strstr(err, "/nonexistent: "), "a missing file says so");

	check(rf_capture_wants_value(0x6030000000140000ULL) &&
	      rf_capture_wants_value(0x6020000000110003ULL) &&
	      rf_capture_wants_value(0x603000000013c038ULL),
	      "values wanted: firmware, demux, ID space");
	check(!rf_capture_wants_value(0x603000000013c103ULL) &&
	      !rf_capture_wants_value(0x6030000000100000ULL),
	      "no values for other system registers or core registers");
	/* diff */
	{
		struct rf_capture x, y;
		struct rf_capdiff *d;
		int n;

		rf_capture_init(&x);
		rf_capture_init(&y);
		rf_capture_add(&x, 0x6030000000140000ULL, true, 0x10003);
		rf_capture_add(&x, 0x6030000000160003ULL, true, 0);
		rf_capture_add(&x, 0x6030000000100000ULL, false, 0);
		rf_capture_add(&y, 0x603000000013c103ULL, false, 0);
		rf_capture_add(&y, 0x6030000000100000ULL, false, 0);
		rf_capture_add(&y, 0x6030000000140000ULL, true, 0x10001);
		n = rf_capture_diff(&x, &y, &d);
		check(n == 3 && d[0].kind == RF_VALUE_DIFFERS && d[0].a == 0x10003 &&
		      d[0].b == 0x10001 && d[1].kind == RF_ONLY_IN_A &&
		      d[1].id == 0x6030000000160003ULL && d[2].kind == RF_ONLY_IN_B &&
		      d[2].id == 0x603000000013c103ULL,
		      "diff: a value, only in A, only in B, in that order");
		free(d);
		check(rf_capture_diff(&x, &x, &d) == 0, "diff: a capture against itself");
		free(d);
		rf_capture_free(&x);
		rf_capture_free(&y);
		rf_capture_load(&x, "../../selftests/blessed/6.12.txt", err, sizeof(err));
		rf_capture_load(&y, "../../selftests/blessed/6.1.txt", err, sizeof(err));
		n = rf_capture_diff(&x, &y, &d);
		check(n == 17, "diff: 6.12 and 6.1 differ by 17 registers");
		free(d);
		rf_capture_free(&x);
		rf_capture_free(&y);
	}
	rf_capture_free(&c);
	return tap_done() || tests != 19;
}

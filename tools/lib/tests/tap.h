/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP for the host unit tests that report a test's failures as "#"
 * diagnostics under its line: fail() adds one (at most 10 are shown per
 * test), result() closes the test as "ok" or "not ok", check() is a test
 * of one condition, tap_done() gives the exit code.  Inline, so that a
 * test that uses only some of them builds without warnings.
 */
#ifndef REGFILTER_TESTS_TAP_H
#define REGFILTER_TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tests, failures;
static int errors;	/* in the current test */

static inline void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	if (errors++ >= 10)
		return;
	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void __attribute__((format(printf, 1, 2))) result(const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (errors)
		failures++;
	printf("%sok %d - ", errors ? "not " : "", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (errors > 10)
		printf(" (%d errors, 10 shown)", errors);
	printf("\n");
	errors = 0;
}

/* One condition as one test. */
static inline void check(int ok, const char *what)
{
	if (!ok)
		errors++;
	result("%s", what);
}

static inline int tap_done(void)
{
	if (failures)
		printf("# %d of %d tests failed\n", failures, tests);
	return failures ? 1 : 0;
}

#endif

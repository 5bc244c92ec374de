// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the profile parser (make fuzz).
 *
 * Beyond "no crash, no leak, no undefined behaviour" (the sanitizers), it
 * checks what callers rely on: a refused input gives one message that
 * starts with the file name and leaves the profile empty; an accepted one
 * is written out, and that text parses to the same profile and is written
 * the same way again (the printer's output is canonical).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../profile.h"

#define FNAME	"fuzz.profile"

static void die(const char *what, const char *text, size_t len,
		const char *err)
{
	fprintf(stderr, "fuzz_profile: %s\n", what);
	if (err)
		fprintf(stderr, "error: %s\n", err);
	if (text)
		fprintf(stderr, "---\n%.*s---\n", (int)len, text);
	abort();
}

static char *write_mem(const struct rf_prof *p, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		abort();
	rf_prof_write(p, f);
	if (fclose(f))
		abort();
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rf_prof a, b;
	char err[1024], *text, *again;
	size_t len, len2;
	int ret;

	rf_prof_init(&a);
	ret = rf_prof_parse(&a, (const char *)data, size, FNAME, err, sizeof(err));
	if (ret) {
		if (ret != -EINVAL)
			die("parse failed with something other than -EINVAL", NULL, 0, err);
		if (strncmp(err, FNAME ":", strlen(FNAME ":")) ||
		    (!strstr(err, ", got ") && !strstr(err, "unknown register '")))
			die("error message does not name file and token", NULL, 0, err);
		if (a.nr || a.entries || a.description[0])
			die("a refused profile is not empty", NULL, 0, err);
		return 0;
	}
	if (a.nr > KVM_REGFILTER_MAX_ENTRIES)
		die("more entries than the bound", NULL, 0, NULL);

	text = write_mem(&a, &len);
	rf_prof_init(&b);
	if (rf_prof_parse(&b, text, len, "written", err, sizeof(err)))
		die("written profile does not parse", text, len, err);
	if (!rf_prof_equal(&a, &b))
		die("written profile parses to another profile", text, len, NULL);
	again = write_mem(&b, &len2);
	if (len != len2 || memcmp(text, again, len))
		die("writing is not canonical", again, len2, NULL);

	free(again);
	free(text);
	rf_prof_free(&b);
	rf_prof_free(&a);
	return 0;
}

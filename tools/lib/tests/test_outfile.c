// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for outfile.c: a committed file appears whole with the
 * mode a plain create gives; an aborted or failed one leaves the old file
 * and no temporary behind.  Prints TAP.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../outfile.h"
#include "tap.h"


static char dir[64];

static const char *slurp(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = 0;
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = 0;
	return buf;
}

static int entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

int main(void)
{
	char path[128], sub[128], err[256];
	struct rf_outfile o;
	struct stat st;
	int ret;

	printf("TAP version 13\n1..6\n");
	strcpy(dir, "/tmp/rf-outfile-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	umask(022);
	snprintf(path, sizeof(path), "%s/x.capture", dir);
	ret = rf_outfile_open(&o, path, err, sizeof(err));
	if (!ret) {
		fputs("old\n", o.f);
		ret = rf_outfile_commit(&o, err, sizeof(err));
	}
	check(!ret && !strcmp(slurp(path), "old\n") && !stat(path, &st) &&
	      (st.st_mode & 0777) == 0644 && entries() == 1,
	      "commit: the content, mode 0644 under umask 022, nothing else left");

	ret = rf_outfile_open(&o, path, err, sizeof(err));
	if (!ret) {
		fputs("half", o.f);
		fflush(o.f);
		check(!strcmp(slurp(path), "old\n") && entries() == 2,
		      "while writing, the target is still the old file");
		rf_outfile_abort(&o);
	}
	check(!ret && !strcmp(slurp(path), "old\n") && entries() == 1,
	      "abort: the old file as it was, the temporary gone");

	/* A rename that fails: the target is a directory. */
	snprintf(sub, sizeof(sub), "%s/d", dir);
	mkdir(sub, 0755);
	ret = rf_outfile_open(&o, sub, err, sizeof(err));
	if (!ret) {
		fputs("x\n", o.f);
		ret = rf_outfile_commit(&o, err, sizeof(err));
	}
	check(ret && strstr(err, "left as it was") && entries() == 2,
	      "a failed commit says so and leaves no temporary");
	printf("# %s\n", err);

	snprintf(sub, sizeof(sub), "%s/nodir/x", dir);
	ret = rf_outfile_open(&o, sub, err, sizeof(err));
	check(ret == -ENOENT && !strncmp(err, sub, strlen(sub)),
	      "a missing directory: -ENOENT and the path");

	ret = rf_outfile_open(&o, "/proc/version", err, sizeof(err));
	check(ret < 0 && strstr(err, "/proc/version: "), "an unwritable place: the path and why");

	snprintf(sub, sizeof(sub), "rm -rf '%s'", dir);
	if (system(sub))
		printf("# could not remove %s\n", dir);
	return tap_done();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Output files that appear whole or not at all: written to a temporary
 * file in the target's directory and renamed over it only once every
 * byte is out, so a failed or interrupted write (a full disk, a refused
 * derive, Ctrl-C) leaves the previous file as it was.
 */
#ifndef REGFILTER_OUTFILE_H
#define REGFILTER_OUTFILE_H

#include <stdio.h>

struct rf_outfile {
	FILE *f;
	char *path;		/* the target */
	char *tmp;		/* the temporary beside it */
};

/* 0, or -errno with "PATH: reason" in err. */
int rf_outfile_open(struct rf_outfile *o, const char *path, char *err, size_t errlen);
/* Flush, sync and rename over the target: 0, or -errno (the target kept). */
int rf_outfile_commit(struct rf_outfile *o, char *err, size_t errlen);
/* Drop the temporary file; the target stays as it was. */
void rf_outfile_abort(struct rf_outfile *o);

#endif

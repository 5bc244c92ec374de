// SPDX-License-Identifier: LGPL-2.1-or-later
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "outfile.h"

static void outfile_free(struct rf_outfile *o)
{
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int rf_outfile_open(struct rf_outfile *o, const char *path, char *err, size_t errlen)
{
	mode_t mask;
	int fd, ret;

	memset(o, 0, sizeof(*o));
	o->path = strdup(path);
	if (!o->path || asprintf(&o->tmp, "%s.XXXXXX", path) < 0) {
		o->tmp = NULL;
		ret = -ENOMEM;
		goto fail;
	}
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	/* mkstemp makes 0600; the file gets what a plain create would. */
	mask = umask(0);
	umask(mask);
	if (!fchmod(fd, 0666 & ~mask))
		o->f = fdopen(fd, "w");
	if (!o->f) {
		ret = -errno;
		close(fd);
		unlink(o->tmp);
		goto fail;
	}
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, strerror(-ret));
	outfile_free(o);
	return ret;
}

int rf_outfile_commit(struct rf_outfile *o, char *err, size_t errlen)
{
	int ret = 0;

	if (fflush(o->f) || ferror(o->f) || fsync(fileno(o->f)))
		ret = errno ? -errno : -EIO;
	if (fclose(o->f) && !ret)
		ret = -errno;
	o->f = NULL;
	if (!ret && rename(o->tmp, o->path))
		ret = -errno;
	if (ret) {
		snprintf(err, errlen, "%s: %s (left as it was)", o->path, strerror(-ret));
		unlink(o->tmp);
	}
	outfile_free(o);
	return ret;
}

void rf_outfile_abort(struct rf_outfile *o)
{
	if (o->f)
		fclose(o->f);
	if (o->tmp)
		unlink(o->tmp);
	outfile_free(o);
}

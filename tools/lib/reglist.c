// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Register lists and the set arithmetic on them.  Lists are a few hundred
 * ids, so membership is a sorted copy and a binary search: simple, and
 * n log n for a diff.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reglist.h"
#include "regnames.h"

void reglist_init(struct reglist *l)
{
	memset(l, 0, sizeof(*l));
}

void reglist_free(struct reglist *l)
{
	free(l->ids);
	reglist_init(l);
}

int reglist_add(struct reglist *l, uint64_t id)
{
	if (l->nr == l->alloc) {
		size_t alloc = l->alloc ? 2 * l->alloc : 64;
		uint64_t *ids = realloc(l->ids, alloc * sizeof(*ids));

		if (!ids)
			return -ENOMEM;
		l->ids = ids;
		l->alloc = alloc;
	}
	l->ids[l->nr++] = id;
	return 0;
}

int reglist_contains(const struct reglist *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (l->ids[i] == id)
			return 1;
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int reglist_parse(struct reglist *l, FILE *f, const char *fname,
		  char *err, size_t errlen)
{
	char line[512];
	unsigned int lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		unsigned long long id;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			snprintf(err, errlen, "%s:%u:1: line too long", fname, lineno);
			return -EINVAL;
		}
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (strncmp(p, "0x", 2) || !isxdigit((unsigned char)p[2]))
			goto bad;
		errno = 0;
		id = strtoull(p, &end, 16);
		if (errno || end - p > 18 || (*end && !isspace((unsigned char)*end)))
			goto bad;
		if (reglist_add(l, id))
			return -ENOMEM;
		continue;
bad:
		end = p;
		while (*end && !isspace((unsigned char)*end))
			end++;
		snprintf(err, errlen,
			 "%s:%u:%d: expected a 64-bit register id like 0x603000000013c103, got '%.*s'",
			 fname, lineno, (int)(p - line) + 1, (int)(end - p), p);
		return -EINVAL;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error: %s", fname, strerror(errno));
		return -EIO;
	}
	return 0;
}

int reglist_load(struct reglist *l, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = reglist_parse(l, f, path, err, errlen);
	fclose(f);
	return ret;
}

void reglist_write(const struct reglist *l, FILE *f)
{
	char name[64];
	size_t i;

	for (i = 0; i < l->nr; i++) {
		regname_format(l->ids[i], name, sizeof(name));
		fprintf(f, "0x%016llx %s\n", (unsigned long long)l->ids[i], name);
	}
}

int reglist_minus(const struct reglist *a, const struct reglist *b,
		  struct reglist *out)
{
	uint64_t *sb = NULL, *seen = NULL;
	size_t i, nseen = 0;
	int ret = -ENOMEM;

	if (b->nr) {
		sb = malloc(b->nr * sizeof(*sb));
		if (!sb)
			goto out;
		memcpy(sb, b->ids, b->nr * sizeof(*sb));
		qsort(sb, b->nr, sizeof(*sb), cmp_u64);
	}
	if (a->nr) {
		seen = malloc(a->nr * sizeof(*seen));
		if (!seen)
			goto out;
	}
	for (i = 0; i < a->nr; i++) {
		uint64_t id = a->ids[i];
		size_t j;

		if (sb && bsearch(&id, sb, b->nr, sizeof(*sb), cmp_u64))
			continue;
		for (j = 0; j < nseen; j++)
			if (seen[j] == id)
				break;
		if (j < nseen)
			continue;
		seen[nseen++] = id;
		if (reglist_add(out, id))
			goto out;
	}
	ret = 0;
out:
	free(sb);
	free(seen);
	return ret;
}

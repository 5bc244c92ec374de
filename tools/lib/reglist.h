/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Register lists as KVM_GET_REG_LIST returns them, as files ("blessed"
 * lists, captures) and the set arithmetic on them.
 */
#ifndef REGFILTER_REGLIST_H
#define REGFILTER_REGLIST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct reglist {
	size_t nr;
	size_t alloc;
	uint64_t *ids;		/* in the order KVM (or the file) gave them */
};

void reglist_init(struct reglist *l);
void reglist_free(struct reglist *l);
int reglist_add(struct reglist *l, uint64_t id);
int reglist_contains(const struct reglist *l, uint64_t id);

/*
 * Parse a list file: one register per line, the id first (hex, 0x...),
 * optionally followed by whitespace and its name, which is ignored; '#'
 * starts a comment.  On a bad line returns -EINVAL and writes
 * "FILE:LINE:COL: message" into err.
 */
int reglist_parse(struct reglist *l, FILE *f, const char *fname,
		  char *err, size_t errlen);
int reglist_load(struct reglist *l, const char *path, char *err, size_t errlen);

/* Write one "0x%016llx NAME" line per register, in list order. */
void reglist_write(const struct reglist *l, FILE *f);

/*
 * The ids of a not in b, in a's order, appended to out.  Duplicates in a
 * are reported once.
 */
int reglist_minus(const struct reglist *a, const struct reglist *b,
		  struct reglist *out);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * regfilter profiles as text: what operators write (one entry a line, see
 * Documentation/profiles.md), parsed into the entries that set-profile
 * sends, and written back in a canonical form that parses to the same
 * profile.
 *
 * The checks are the module's (kmod/filter.c, rf_entry_check()), made
 * here first so that a mistake is reported with the file, line and column
 * that hold it instead of as an extended ack about entry number N.
 */
#ifndef REGFILTER_PROFILE_H
#define REGFILTER_PROFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/kvm_regfilter.h>

/* Longest line, without its newline; longer ones are an error. */
#define RF_PROF_LINE_MAX	4096
/* What a profile name may leave out (rf_prof_find()). */
#define RF_PROF_SUFFIX		".profile"

#ifndef REGFILTER_PROFILE_DIR
#define REGFILTER_PROFILE_DIR	"/usr/share/regfilter/profiles"
#endif
#define RF_PROF_ETC_DIR		"/etc/regfilter/profiles"

struct rf_prof_entry {
	uint64_t reg;
	uint32_t action;	/* enum kvm_regfilter_action */
	uint64_t value;
	uint32_t policy;	/* enum kvm_regfilter_policy */
	int has_guard;
	uint64_t guard_reg, guard_mask, guard_value;
	unsigned int line;	/* where it was written, 0 if made in code */
	/*
	 * A field pin ("pin REG & MASK = VALUE"): the bits the pin sets,
	 * VALUE having none outside them; 0 pins the whole register.
	 */
	uint64_t mask;
};

struct rf_prof {
	char description[KVM_REGFILTER_DESCRIPTION_LEN];
	char path[4096];		/* where it was loaded from, or "" */
	size_t nr, alloc;
	struct rf_prof_entry *entries;	/* in file order */
};

void rf_prof_init(struct rf_prof *p);
void rf_prof_free(struct rf_prof *p);

/*
 * Parse a profile's text (len bytes, need not be NUL-terminated) into p,
 * which the caller has rf_prof_init()ed.  fname only names the text in
 * messages.  On a mistake returns -EINVAL, leaves p empty and writes one
 * message, "FNAME:LINE:COL: what was expected, got 'TOKEN'", into err;
 * -ENOMEM if the entries array cannot grow.
 */
int rf_prof_parse(struct rf_prof *p, const char *text, size_t len,
		  const char *fname, char *err, size_t errlen);

/*
 * rf_prof_parse() of a file, read a line at a time so that memory does
 * not grow with the file.  Sets p->path.  I/O errors return -errno with
 * "PATH: strerror" in err.
 */
int rf_prof_load(struct rf_prof *p, const char *path, char *err, size_t errlen);

/*
 * Find a profile by path (contains '/') or by name in the search path
 * (never the current directory): "/etc/regfilter/profiles", then
 * REGFILTER_PROFILE_DIR (a -D macro, default
 * "/usr/share/regfilter/profiles"); a name may omit the ".profile" suffix.
 * Returns 0 and the path, or -ENOENT with err listing the places tried
 * (-ENAMETOOLONG if the path does not fit).  The environment variable
 * REGFILTER_PROFILE_PATH (colon-separated) replaces the search path when
 * set and not empty.
 */
int rf_prof_find(const char *name, char *path, size_t pathlen,
		 char *err, size_t errlen);

/*
 * Append a copy of e.  -EINVAL for an entry the module would refuse (see
 * rf_entry_check() in kmod/filter.c), -EEXIST if e->reg is already
 * present, -E2BIG beyond KVM_REGFILTER_MAX_ENTRIES, -ENOMEM.  Guard
 * fields of an entry without a guard are stored as 0.
 */
int rf_prof_add(struct rf_prof *p, const struct rf_prof_entry *e);

/*
 * Canonical text: the description line (if any), then one entry per line
 * in order, registers by regname_format(), values in hex, the policy only
 * when strict, the guard if any.  rf_prof_parse() of it gives back p
 * (rf_prof_equal()).  Characters the format cannot carry in a description
 * ('#', control characters) are written as spaces.
 */
void rf_prof_write(const struct rf_prof *p, FILE *f);

/* Same description and entries in the same order; lines and path aside. */
int rf_prof_equal(const struct rf_prof *a, const struct rf_prof *b);

#endif

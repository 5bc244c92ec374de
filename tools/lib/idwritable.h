/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What each kernel series lets userspace write of the feature ID
 * registers (KVM_SET_ONE_REG before the first run), and the registers'
 * field names: generated from Debian's linux-source trees into
 * idwritable.c by gen-idwritable.py.  derive and check use it so that a
 * profile holds only pins KVM will take.
 */
#ifndef REGFILTER_IDWRITABLE_H
#define REGFILTER_IDWRITABLE_H

#include <stddef.h>
#include <stdint.h>

struct rf_idw_reg {
	uint64_t id;		/* KVM register id */
	uint64_t writable;	/* bits userspace may change */
};

struct rf_idw_series {
	const char *name;	/* "6.12" */
	unsigned int version;	/* major * 1000 + minor */
	const struct rf_idw_reg *regs;
	size_t nr;
};

struct rf_idw_field {
	uint64_t id;
	uint64_t mask;
	const char *name;	/* "HCX" */
};

extern const struct rf_idw_series rf_idw_series[];
extern const unsigned int rf_idw_nr_series;
extern const struct rf_idw_field rf_idw_fields[];
extern const unsigned int rf_idw_nr_fields;

/*
 * The table of the newest series at or below version (major * 1000 +
 * minor), NULL if none is (or version is 0: unknown).
 */
const struct rf_idw_series *rf_idw_series_for(unsigned int version);

/* The writable bits of id in series s; all bits if s does not list it. */
uint64_t rf_idw_writable(const struct rf_idw_series *s, uint64_t id, int *listed);

/*
 * The names of id's fields that mask touches, as "HCX, TWED", into buf
 * (bits as "bits 43:40" where no field is known).
 */
void rf_idw_field_names(uint64_t id, uint64_t mask, char *buf, size_t len);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Captures: what a host's KVM gives a fresh vcpu (its register list, the
 * values a kernel chooses at init), the kernel and the CPU, as a text file
 * that regctl capture writes and diff, derive and check read.
 */
#ifndef REGFILTER_CAPTURE_H
#define REGFILTER_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct rf_capreg {
	uint64_t id;
	uint64_t value;
	bool has_value;
};

struct rf_capture {
	char kernel[128];
	char cpu[128];
	size_t nr, alloc;
	struct rf_capreg *regs;		/* in KVM's order */
};

void rf_capture_init(struct rf_capture *c);
void rf_capture_free(struct rf_capture *c);
int rf_capture_add(struct rf_capture *c, uint64_t id, bool has_value, uint64_t value);
const struct rf_capreg *rf_capture_find(const struct rf_capture *c, uint64_t id);

/* Registers whose initial value a kernel chooses: firmware, demux, ID space. */
bool rf_capture_wants_value(uint64_t id);

enum rf_capdiff_kind { RF_ONLY_IN_A, RF_ONLY_IN_B, RF_VALUE_DIFFERS };

struct rf_capdiff {
	uint64_t id;
	enum rf_capdiff_kind kind;
	uint64_t a, b;			/* the values, for RF_VALUE_DIFFERS */
};

/*
 * Registers only in a (in a's order), whose values differ (likewise), then
 * only in b (in b's order).  *out is malloc'ed; returns the count or -errno.
 */
int rf_capture_diff(const struct rf_capture *a, const struct rf_capture *b,
		    struct rf_capdiff **out);

/* "FILE:LINE:COL: ..." in err on a bad line. */
int rf_capture_load(struct rf_capture *c, const char *path, char *err, size_t errlen);
void rf_capture_write(const struct rf_capture *c, FILE *f);

#endif

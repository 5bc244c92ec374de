// SPDX-License-Identifier: LGPL-2.1-or-later
/* Lookups in the generated tables of idwritable.c. */
#include <stdio.h>
#include <string.h>

#include "idwritable.h"

const struct rf_idw_series *rf_idw_series_for(unsigned int version)
{
	const struct rf_idw_series *best = NULL;
	unsigned int i;

	for (i = 0; version && i < rf_idw_nr_series; i++)
		if (rf_idw_series[i].version <= version &&
		    (!best || rf_idw_series[i].version > best->version))
			best = &rf_idw_series[i];
	return best;
}

uint64_t rf_idw_writable(const struct rf_idw_series *s, uint64_t id, int *listed)
{
	size_t i;

	*listed = 0;
	for (i = 0; s && i < s->nr; i++) {
		if (s->regs[i].id == id) {
			*listed = 1;
			return s->regs[i].writable;
		}
	}
	return ~0ULL;
}

void rf_idw_field_names(uint64_t id, uint64_t mask, char *buf, size_t len)
{
	size_t off = 0;
	unsigned int i, lo;

	buf[0] = '\0';
	for (i = 0; i < rf_idw_nr_fields && mask; i++) {
		const struct rf_idw_field *f = &rf_idw_fields[i];

		if (f->id != id || !(f->mask & mask))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? ", " : "", f->name);
		mask &= ~f->mask;
	}
	/* Bits no field names: as 4-bit groups. */
	for (lo = 0; lo < 64 && mask; lo += 4) {
		if (!(mask & (0xfULL << lo)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%sbits %u:%u",
				off ? ", " : "", lo + 3, lo);
		mask &= ~(0xfULL << lo);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for what rfnl.c does without a kernel: mapping the
 * offset of a refused attribute (the extended ack's NLMSGERR_ATTR_OFFS)
 * back to the profile entry it belongs to, so that regctl names the
 * profile's line.  Prints TAP.
 */
#include <stdio.h>

#include "../rfnl.h"
#include "tap.h"


int main(void)
{
	/* Three entries of 40, 48 and 72 bytes after a 60-byte head. */
	static const uint32_t offs[] = { 60, 100, 148 };
	const uint32_t end = 220;

	printf("TAP version 13\n1..6\n");
	check(regfilter_entry_at(offs, 3, 60, end) == 0, "an entry's own header: that entry");
	check(regfilter_entry_at(offs, 3, 112, end) == 1,
	      "an attribute nested in the second entry: the second");
	check(regfilter_entry_at(offs, 3, 219, end) == 2, "the last byte: the last entry");
	check(regfilter_entry_at(offs, 3, 20, end) == -1,
	      "the pid or description, before the entries: none");
	check(regfilter_entry_at(offs, 3, 220, end) == -1 &&
	      regfilter_entry_at(offs, 3, 5000, end) == -1, "past the message: none");
	check(regfilter_entry_at(offs, 0, 60, end) == -1, "no entries: none");
	return tap_done();
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Deriving a profile from captures: what makes hosts like HOSTS present
 * the register view of TARGET, and checking whether one view would load
 * on a host.
 */
#ifndef REGFILTER_DERIVE_H
#define REGFILTER_DERIVE_H

#include <stdio.h>

#include "capture.h"
#include "profile.h"

/*
 * The profile for hosts[0..n-1] to present target's view: hide what a host
 * has and the target lacks (guarded by the feature's ID field where one is
 * known), fake what the target has and a host lacks (with the target's
 * value), pin the init values a host chooses differently where it can be
 * lowered to the target's.  Each thing that cannot be made safe is one
 * line in why; returns how many, or -errno.
 */
int rf_derive(const struct rf_capture *target, const struct rf_capture *hosts,
	      size_t n, struct rf_prof *out, FILE *why);

/*
 * Would a VM with register view `view` load on a host like `dst`?  One line
 * per register that would stop it, in why; returns how many.
 */
int rf_check_view(const struct rf_capture *view, const struct rf_capture *dst, FILE *why);

#endif

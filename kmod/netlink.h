/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KVM_REGFILTER_NETLINK_H
#define _KVM_REGFILTER_NETLINK_H

#include <linux/types.h>

struct rf_vm;

int rf_nl_init(void);
void rf_nl_exit(void);

/* Tell the events group; err is a positive errno or 0. */
void rf_nl_event(u32 event, struct rf_vm *vm, u64 reg, u64 value, u32 err);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small raw generic netlink client for the kvm_regfilter family, enough
 * for the selftests to build any message (well formed or not) and read
 * replies, errors with their extended-ack text, dumps and events.
 */
#ifndef REGFILTER_SELFTEST_RF_NL_H
#define REGFILTER_SELFTEST_RF_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>

#include "../uapi/linux/kvm_regfilter.h"

struct rf_nl {
	int fd;
	uint16_t family;
	uint32_t events_grp;
	uint32_t seq;
	char extack[256];	/* text of the last error's extended ack */
};

struct rf_msg {
	size_t len;
	size_t nest[8];
	int depth;
	char buf[1 << 17];
};

/* 0, or -errno (-ENOENT: the family is not registered). */
int rf_nl_open(struct rf_nl *nl);
void rf_nl_close(struct rf_nl *nl);
int rf_nl_join_events(struct rf_nl *nl);
/* How long a request may wait for its answer (default 10 s). */
void rf_nl_set_timeout(struct rf_nl *nl, int seconds);

void rf_msg_init(struct rf_msg *m, struct rf_nl *nl, uint8_t cmd, uint16_t flags);
void rf_put(struct rf_msg *m, uint16_t type, const void *data, size_t len);
void rf_put_u32(struct rf_msg *m, uint16_t type, uint32_t v);
void rf_put_u64(struct rf_msg *m, uint16_t type, uint64_t v);
void rf_put_str(struct rf_msg *m, uint16_t type, const char *s);
void rf_nest_start(struct rf_msg *m, uint16_t type);
void rf_nest_end(struct rf_msg *m);

/*
 * Send m and read until its ack (or the end of a dump), calling cb for each
 * reply with its top-level attributes.  Returns 0 or -errno; nl->extack
 * holds the kernel's message for an error.
 */
typedef void (*rf_reply_cb)(const struct nlattr *attrs, int len, void *arg);
int rf_nl_transact(struct rf_nl *nl, struct rf_msg *m, rf_reply_cb cb, void *arg);

/* Attribute walking. */
#define rf_for_each_attr(a, head, len) \
	for (a = (head); NLA_OK_RF(a, len); len -= NLA_ALIGN(a->nla_len), \
	     a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
#define NLA_OK_RF(a, len) ((len) >= (int)sizeof(struct nlattr) && \
			   (a)->nla_len >= sizeof(struct nlattr) && (a)->nla_len <= (len))
#define rf_attr_data(a)	((const void *)((const char *)(a) + NLA_HDRLEN))
#define rf_attr_len(a)	((int)(a)->nla_len - NLA_HDRLEN)
uint32_t rf_attr_u32(const struct nlattr *a);
uint64_t rf_attr_u64(const struct nlattr *a);

/* Profiles as tests write them. */
struct rf_test_entry {
	uint64_t reg;
	uint32_t action;
	uint64_t value;
	uint32_t policy;
	uint64_t mask;		/* a field pin's bits, 0 for a whole pin */
	bool guard;
	uint64_t guard_reg, guard_mask, guard_value;
};

int rf_set_profile(struct rf_nl *nl, int pid, uint32_t flags,
		   const struct rf_test_entry *e, int n);
int rf_clear_profile(struct rf_nl *nl, int pid, uint32_t flags);
/* The host default: set, clear, and how many entries it has (or -errno). */
int rf_set_default(struct rf_nl *nl, uint32_t flags, const struct rf_test_entry *e, int n);
int rf_clear_default(struct rf_nl *nl, uint32_t flags);
int rf_get_default_entries(struct rf_nl *nl);

/* How many processes have a profile (that the caller may see), or -errno. */
int rf_count_bindings(struct rf_nl *nl);
/*
 * get-profile of pid (cmd KVM_REGFILTER_CMD_GET_PROFILE) or the whole
 * get-bindings dump: how many entries and VM entry states came back.
 */
int rf_get_profile_counts(struct rf_nl *nl, int pid, uint32_t cmd, int *entries,
			  int *vm_states);

/* A VM as get-vms reports it. */
struct rf_vm_info {
	uint32_t id, vcpus, sealed;
	uint64_t hidden_refused, fake_reads, fake_writes, strict_refused, pins_applied;
	int nr_states;		/* the first 64 kept below */
	int all_states;		/* entries not applied, all of them */
	struct { uint64_t reg; uint32_t state; } states[64];
};

/* The VMs of pid, or of every process if pid is 0 (at most max), or -errno. */
int rf_get_vms(struct rf_nl *nl, int pid, struct rf_vm_info *vms, int max);

struct rf_event {
	uint32_t event, pid, vm, error;
	uint64_t reg, value;
};

/* Wait up to timeout_ms for an event; 0, or -ETIMEDOUT. */
int rf_next_event(struct rf_nl *nl, struct rf_event *ev, int timeout_ms);

#endif

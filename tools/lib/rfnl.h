/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libregfilter: the kvm_regfilter generic netlink family, for regctl and
 * for VMMs that set their own profile.  Functions return 0 or -errno; after
 * a refusal, regfilter_extack() holds the kernel's explanation.
 */
#ifndef REGFILTER_RFNL_H
#define REGFILTER_RFNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct regfilter;

struct regfilter_vm {
	uint32_t id, vcpus, sealed;
	uint64_t hidden_refused, fake_reads, fake_writes, strict_refused, pins_applied;
	unsigned int nr_states;
	struct {
		uint64_t reg;
		uint32_t state;		/* enum kvm_regfilter_state */
	} states[KVM_REGFILTER_MAX_ENTRIES];
};

struct regfilter_binding {
	int pid;
	struct rf_prof prof;
	unsigned int nr_vms;
	struct regfilter_vm *vms;
};

struct regfilter_event {
	uint32_t event;			/* enum kvm_regfilter_event */
	uint32_t pid, vm, error;
	uint64_t reg, value;
};

/* -ENOENT: the family is not registered (the module is not loaded). */
int regfilter_open(struct regfilter **rf);
void regfilter_close(struct regfilter *rf);
const char *regfilter_extack(const struct regfilter *rf);
/*
 * After a refused set-profile: the index of the entry the kernel named
 * (its extended ack's offset, mapped back to the profile), or -1 if the
 * refusal named none.  rf_prof_entry.line says where it was written.
 */
int regfilter_bad_entry(const struct regfilter *rf);
/*
 * How it is found: entries start at offs[0..nr) (ascending) in a message
 * of end bytes; the one that holds byte bad, or -1.  Exposed for tests.
 */
int regfilter_entry_at(const uint32_t *offs, size_t nr, uint32_t bad, uint32_t end);

int regfilter_set_profile(struct regfilter *rf, int pid, const struct rf_prof *p, bool force);
int regfilter_clear_profile(struct regfilter *rf, int pid, bool force);
/* Fills b (free with regfilter_binding_free). */
int regfilter_get_profile(struct regfilter *rf, int pid, struct regfilter_binding *b);
void regfilter_binding_free(struct regfilter_binding *b);
/*
 * The host default: the profile of VMs whose process has no binding.
 * Setting and clearing it need CAP_SYS_ADMIN; get fills b with pid 0 and
 * no VMs, or fails with -ENOENT if none is set.
 */
int regfilter_set_default(struct regfilter *rf, const struct rf_prof *p, bool force);
int regfilter_clear_default(struct regfilter *rf, bool force);
int regfilter_get_default(struct regfilter *rf, struct regfilter_binding *b);
/* Calls cb for each binding the caller may see; cb's non-zero return stops. */
int regfilter_list(struct regfilter *rf,
		   int (*cb)(const struct regfilter_binding *b, void *arg), void *arg);

/* Events, on a socket of their own. */
int regfilter_events_open(struct regfilter **rf);
/*
 * Wait up to timeout_ms (-1: forever); -ETIMEDOUT if none came, -ENOBUFS
 * if events were lost (the socket's buffer overflowed; the socket goes on
 * receiving).
 */
int regfilter_event_next(struct regfilter *rf, struct regfilter_event *ev, int timeout_ms);

const char *regfilter_state_name(uint32_t state);
const char *regfilter_event_name(uint32_t event);
const char *regfilter_action_name(uint32_t action);

#endif

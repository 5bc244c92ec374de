/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bindings (process -> profile) and the filter state of each VM of a bound
 * process: which entries hold in it, its fake registers' values per vcpu,
 * its counters.
 */
#ifndef _KVM_REGFILTER_VM_H
#define _KVM_REGFILTER_VM_H

#include <linux/atomic.h>
#include <linux/hashtable.h>
#include <linux/kvm_host.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/xarray.h>

#include "filter.h"

struct netlink_ext_ack;

struct rf_binding {
	struct hlist_node node;		/* rf_bindings, under rf_cfg_lock */
	struct pid *pid;		/* the process (thread group), referenced */
	struct rf_profile __rcu *profile;
	struct rcu_head rcu;
};

struct rf_vcpu {
	struct rcu_head rcu;		/* read locklessly by rf_fast_pass() */
	const struct rf_profile *profile;	/* what vals[] belong to */
	bool pinned;			/* pins done under vm->profile */
	/* rf_cfg_gen when ->profile was last found to be the binding's. */
	unsigned long gen;
	/*
	 * KVM's own list for this vcpu, fetched once: it is fixed from the
	 * vcpu's (finalised) init on, and asking KVM for it needs a scratch
	 * mapping, whose unmap flushes the TLB.
	 */
	u64 *real;
	u32 nreal;
	/* What KVM_GET_REG_LIST returns under ->profile, once computed. */
	u64 *filtered;
	u32 nfiltered;
	u64 vals[];			/* per entry; fakes only */
};

struct rf_vm {
	struct hlist_node node;		/* rf_vms, keyed by kvm */
	struct kvm *kvm;		/* never dereferenced after destroy */
	struct pid *owner;		/* the process that created its vcpus */
	u32 id;
	struct rcu_head rcu;

	struct mutex lock;		/* the fields below */
	struct rf_profile *profile;	/* evaluated for; referenced */
	u8 *state;			/* enum kvm_regfilter_state per entry */
	bool sealed;			/* list handed out */
	struct xarray vcpus;		/* vcpu_idx -> struct rf_vcpu */
	u32 nr_vcpus;

	atomic64_t hidden_refused;
	atomic64_t fake_reads;
	atomic64_t fake_writes;
	atomic64_t strict_refused;
	atomic64_t pins_applied;
};

extern struct mutex rf_cfg_lock;
/* Bumped by every configuration change: cached decisions are stale. */
extern unsigned long rf_cfg_gen;

int rf_vm_init(void);
void rf_vm_exit(void);

void rf_profile_put(struct rf_profile *p);

/* Whether any process has a profile (cheap test for the hooks). */
bool rf_any_binding(void);
/* Under RCU: is this process bound? */
bool rf_bound_rcu(struct pid *pid);

/*
 * The profile now bound to the VM's owner, referenced, or NULL; and the
 * VM's state, created on first use.
 */
struct rf_vm *rf_vm_get(struct kvm_vcpu *vcpu);
/* Under RCU: the VM's state if it has any. */
struct rf_vm *rf_vm_find_rcu(struct kvm *kvm);
struct rf_profile *rf_vm_profile(struct rf_vm *vm);
void rf_vm_destroyed(struct kvm *kvm);	/* atomic context */
struct rf_vcpu *rf_vm_vcpu(struct rf_vm *vm, struct kvm_vcpu *vcpu);

/* Configuration, from netlink, under rf_cfg_lock. */
int rf_bind(struct pid *pid, struct rf_profile *p, bool force,
	    struct netlink_ext_ack *extack);
int rf_unbind(struct pid *pid, bool force, struct netlink_ext_ack *extack);
struct rf_binding *rf_binding_find(struct pid *pid);
void rf_reap_dead(void);

/* Walk every binding / VM (under rf_cfg_lock / RCU). */
#define rf_for_each_binding(b, bkt) \
	hash_for_each(rf_bindings, bkt, b, node)
extern DECLARE_HASHTABLE(rf_bindings, 6);
extern DECLARE_HASHTABLE(rf_vms, 6);

#endif

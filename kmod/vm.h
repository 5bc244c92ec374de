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
	struct rf_profile __rcu *profile;	/* replaced under rf_seal_lock too */
	kuid_t uid;			/* who set it: counted against that user */
	bool forced;			/* its profile was last set with force */
	struct rcu_head rcu;
};

struct rf_vcpu {
	struct rcu_head rcu;		/* read locklessly by rf_fast_pass() */
	/*
	 * What vals[] belong to, referenced: no other profile can have its
	 * address while v exists, so comparing pointers is comparing profiles.
	 */
	struct rf_profile *profile;
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
	/*
	 * What KVM_GET_REG_LIST returns under ->profile, once computed, and
	 * the evaluation (rf_vm->eval_seq) it was computed under: a profile
	 * can be evaluated again while v lives (ID register writes, or the
	 * VM evaluated for another profile by a stale request and then for
	 * this one again), and the list must follow the entries' states.
	 */
	u64 *filtered;
	u32 nfiltered;
	u64 filtered_seq;
	u64 vals[];			/* per entry; fakes only */
};

struct rf_vm {
	struct hlist_node node;		/* rf_vms, keyed by kvm */
	struct kvm *kvm;		/* never dereferenced after destroy */
	struct pid *owner;		/* the process that created its vcpus */
	u32 id;
	struct rcu_work free_work;	/* freed in process context */

	struct mutex lock;		/* the fields below */
	/*
	 * Evaluated for (referenced) and the state of each of its entries
	 * (enum kvm_regfilter_state).  Both pointers change together under
	 * vm->lock and state_lock, so reporting, which cannot sleep, reads
	 * them under state_lock alone; an entry's state byte is written
	 * with WRITE_ONCE under vm->lock.
	 */
	struct rf_profile *profile;
	u8 *state;
	spinlock_t state_lock;		/* with vm->lock for the swap */
	u64 eval_seq;			/* bumped at each swap */
	/* List handed out: set under rf_seal_lock (rf_vm_seal()). */
	bool sealed;
	/*
	 * An ID register was written before the first run with a value
	 * other than the one last written (regs.c, rf_id_access()).  The
	 * values last written through KVM, indexed by the register's low
	 * six bits (op0 3, op1 0, CRn 0), are kept under id_lock; on 6.12
	 * and 7.x KVM's ID registers are the VM's, not a vcpu's.
	 */
	bool id_dirty;
	spinlock_t id_lock;		/* id_known, id_vals */
	unsigned long id_known;		/* bit per register in id_vals */
	u64 id_vals[64];
	struct xarray vcpus;		/* vcpu_idx -> struct rf_vcpu */
	u32 nr_vcpus;

	atomic64_t hidden_refused;
	atomic64_t fake_reads;
	atomic64_t fake_writes;
	atomic64_t strict_refused;
	atomic64_t pins_applied;
};

extern struct mutex rf_cfg_lock;
/*
 * Orders sealing a VM against changing its process's binding: a list is
 * handed out only if the binding still holds the profile it was built for,
 * and a binding changes (unforced) only if no VM of the process is sealed.
 */
extern spinlock_t rf_seal_lock;
/* Bumped by every configuration change: cached decisions are stale. */
extern unsigned long rf_cfg_gen;

int rf_vm_init(void);
void rf_vm_exit(void);

void rf_profile_put(struct rf_profile *p);

/* Whether any process has a profile (cheap test for the hooks). */
bool rf_any_binding(void);
/* Under RCU: is this process bound? */
bool rf_bound_rcu(struct pid *pid);
/* Under RCU: would a VM this process makes now be filtered? */
bool rf_filtered_rcu(struct pid *pid);

/*
 * The profile now bound to the VM's owner (or the host default if it has
 * no binding), referenced, or NULL; and the VM's state, created on first
 * use.
 */
struct rf_vm *rf_vm_get(struct kvm_vcpu *vcpu);
/* Under RCU: the VM's state if it has any. */
struct rf_vm *rf_vm_find_rcu(struct kvm *kvm);
struct rf_profile *rf_vm_profile(struct rf_vm *vm);
void rf_vm_destroyed(struct kvm *kvm);	/* atomic context */
struct rf_vcpu *rf_vm_vcpu(struct rf_vm *vm, struct kvm_vcpu *vcpu);
/*
 * Mark the VM's list handed out if its process's binding still holds @p;
 * false if it changed (the caller builds the list again).
 */
bool rf_vm_seal(struct rf_vm *vm, const struct rf_profile *p);
/* Swap the VM's evaluation (profile referenced by the caller, state). */
void rf_vm_set_state(struct rf_vm *vm, struct rf_profile *p, u8 *state);

/* Configuration, from netlink, under rf_cfg_lock. */
int rf_bind(struct pid *pid, struct rf_profile *p, bool force, bool admin,
	    struct netlink_ext_ack *extack);
int rf_unbind(struct pid *pid, bool force, struct netlink_ext_ack *extack);
struct rf_binding *rf_binding_find(struct pid *pid);
void rf_reap_dead(void);
/*
 * Set (@p, its reference taken over) or clear (NULL) the host default:
 * the profile of VMs whose process has no binding.  CAP_SYS_ADMIN only.
 */
int rf_set_default(struct rf_profile *p, bool force, struct netlink_ext_ack *extack);
/* The host default, referenced, or NULL. */
struct rf_profile *rf_default_get(void);

/* Walk every binding / VM (under rf_cfg_lock / RCU). */
#define rf_for_each_binding(b, bkt) \
	hash_for_each(rf_bindings, bkt, b, node)
extern DECLARE_HASHTABLE(rf_bindings, 6);
extern DECLARE_HASHTABLE(rf_vms, 6);

#endif

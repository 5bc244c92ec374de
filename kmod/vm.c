// SPDX-License-Identifier: GPL-2.0
/*
 * Bindings and per-VM filter state, and their lifetimes.
 *
 * A binding ties a profile to a process by its struct pid (referenced), so
 * a new process that reuses the number is a different key and never
 * inherits it.  Bindings of processes that have exited are reaped by a
 * worker that runs every second while bindings exist, and before every
 * configuration change.
 *
 * A VM's state (struct rf_vm) is made on the first filtered ioctl of one of
 * its vcpus and freed when KVM destroys the VM (hook.c tells us).  Lookups
 * from ioctls need no reference: a vcpu file keeps its VM alive, so the
 * state cannot go away under an ioctl.
 */
#include <linux/slab.h>
#include <linux/sched/task.h>
#include <linux/workqueue.h>
#include <net/netlink.h>

#include "hook.h"
#include "vm.h"

/* Serialises configuration: bindings, rf_cfg_gen, the reaper. */
DEFINE_MUTEX(rf_cfg_lock);
unsigned long rf_cfg_gen;

static void rf_cfg_changed(void)
{
	/*
	 * Release: a reader whose acquire sees the new gen also sees the
	 * change (regs.c pairs with it).
	 */
	smp_store_release(&rf_cfg_gen, rf_cfg_gen + 1);
}

DEFINE_HASHTABLE(rf_bindings, 6);
static atomic_t rf_nr_bindings = ATOMIC_INIT(0);

DEFINE_HASHTABLE(rf_vms, 6);
static DEFINE_SPINLOCK(rf_vms_lock);
static atomic_t rf_vm_ids = ATOMIC_INIT(0);

static void rf_reaper_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rf_reaper, rf_reaper_fn);
/* Our own: 7.x deprecates system_wq, and 6.1 lacks its successors. */
static struct workqueue_struct *rf_wq;

static void rf_profile_release(struct kref *ref)
{
	struct rf_profile *p = container_of(ref, struct rf_profile, ref);

	kvfree_rcu(p, rcu);
}

void rf_profile_put(struct rf_profile *p)
{
	if (p)
		kref_put(&p->ref, rf_profile_release);
}

bool rf_any_binding(void)
{
	return atomic_read(&rf_nr_bindings) > 0;
}

static struct rf_binding *rf_binding_find_rcu(struct pid *pid)
{
	struct rf_binding *b;

	hash_for_each_possible_rcu(rf_bindings, b, node, (unsigned long)pid)
		if (b->pid == pid)
			return b;
	return NULL;
}

bool rf_bound_rcu(struct pid *pid)
{
	return rf_binding_find_rcu(pid);
}

struct rf_binding *rf_binding_find(struct pid *pid)
{
	struct rf_binding *b;

	lockdep_assert_held(&rf_cfg_lock);
	hash_for_each_possible(rf_bindings, b, node, (unsigned long)pid)
		if (b->pid == pid)
			return b;
	return NULL;
}

struct rf_vm *rf_vm_find_rcu(struct kvm *kvm)
{
	struct rf_vm *vm;

	hash_for_each_possible_rcu(rf_vms, vm, node, (unsigned long)kvm)
		if (vm->kvm == kvm)
			return vm;
	return NULL;
}

static void rf_vm_free(struct rf_vm *vm)
{
	struct rf_vcpu *v;
	unsigned long idx;

	xa_for_each(&vm->vcpus, idx, v) {
		kvfree(v->real);
		kvfree(v->filtered);
		kfree(v);
	}
	xa_destroy(&vm->vcpus);
	rf_profile_put(vm->profile);
	kfree(vm->state);
	put_pid(vm->owner);
	kfree(vm);
}

static void rf_vm_free_rcu(struct rcu_head *rcu)
{
	rf_vm_free(container_of(rcu, struct rf_vm, rcu));
}

struct rf_vm *rf_vm_get(struct kvm_vcpu *vcpu)
{
	struct kvm *kvm = vcpu->kvm;
	struct rf_vm *vm, *new;

	rcu_read_lock();
	vm = rf_vm_find_rcu(kvm);
	rcu_read_unlock();
	if (vm)
		return vm;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return NULL;
	new->kvm = kvm;
	new->owner = get_pid(task_tgid(current));
	mutex_init(&new->lock);
	xa_init(&new->vcpus);

	spin_lock(&rf_vms_lock);
	vm = rf_vm_find_rcu(kvm);
	if (!vm) {
		new->id = atomic_inc_return(&rf_vm_ids);
		hash_add_rcu(rf_vms, &new->node, (unsigned long)kvm);
		vm = new;
		new = NULL;
	}
	spin_unlock(&rf_vms_lock);
	if (new)
		rf_vm_free(new);
	return vm;
}

struct rf_profile *rf_vm_profile(struct rf_vm *vm)
{
	struct rf_binding *b;
	struct rf_profile *p = NULL;

	rcu_read_lock();
	b = rf_binding_find_rcu(vm->owner);
	if (b) {
		p = rcu_dereference(b->profile);
		if (p && !kref_get_unless_zero(&p->ref))
			p = NULL;
	}
	rcu_read_unlock();
	return p;
}

/* KVM is destroying the VM; called from hook.c in atomic context. */
void rf_vm_destroyed(struct kvm *kvm)
{
	struct rf_vm *vm;

	spin_lock(&rf_vms_lock);
	vm = rf_vm_find_rcu(kvm);
	if (vm)
		hash_del_rcu(&vm->node);
	spin_unlock(&rf_vms_lock);
	if (vm)
		call_rcu(&vm->rcu, rf_vm_free_rcu);
}

struct rf_vcpu *rf_vm_vcpu(struct rf_vm *vm, struct kvm_vcpu *vcpu)
{
	struct rf_vcpu *v, *old;
	u32 i;

	lockdep_assert_held(&vm->lock);
	v = xa_load(&vm->vcpus, vcpu->vcpu_idx);
	if (v && v->profile == vm->profile)
		return v;

	/* First use, or the profile changed (force): start from its values. */
	v = kzalloc(struct_size(v, vals, vm->profile->nr), GFP_KERNEL_ACCOUNT);
	if (!v)
		return NULL;
	v->profile = vm->profile;
	for (i = 0; i < vm->profile->nr; i++)
		v->vals[i] = vm->profile->entries[i].value;
	old = xa_store(&vm->vcpus, vcpu->vcpu_idx, v, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(old)) {
		kfree(v);
		return NULL;
	}
	if (old) {
		/* KVM's list does not depend on the profile: keep it. */
		v->real = old->real;
		v->nreal = old->nreal;
		kvfree(old->filtered);
		kfree_rcu(old, rcu);
	} else {
		vm->nr_vcpus++;
	}
	return v;
}

/* Has a VM of this process handed out its register list? */
static bool rf_pid_sealed(struct pid *pid)
{
	struct rf_vm *vm;
	bool sealed = false;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(rf_vms, bkt, vm, node) {
		if (vm->owner == pid && READ_ONCE(vm->sealed)) {
			sealed = true;
			break;
		}
	}
	rcu_read_unlock();
	/*
	 * vcpus the filter has not seen yet: an initialised one may have
	 * handed out its list already, unfiltered.
	 */
	return sealed || rf_hook_task_used_vcpus(pid);
}

static void rf_binding_free(struct rf_binding *b)
{
	hash_del_rcu(&b->node);
	atomic_dec(&rf_nr_bindings);
	rf_cfg_changed();
	rf_profile_put(rcu_dereference_protected(b->profile, 1));
	put_pid(b->pid);
	kfree_rcu(b, rcu);
}

int rf_bind(struct pid *pid, struct rf_profile *p, bool force,
	    struct netlink_ext_ack *extack)
{
	struct rf_binding *b;
	struct rf_profile *old;

	lockdep_assert_held(&rf_cfg_lock);
	rf_reap_dead();
	if (!force && rf_pid_sealed(pid)) {
		NL_SET_ERR_MSG(extack,
			       "a VM of this process has already handed out its register list; set force to change its profile anyway");
		return -EBUSY;
	}
	b = rf_binding_find(pid);
	if (!b) {
		if (atomic_read(&rf_nr_bindings) >= KVM_REGFILTER_MAX_BINDINGS) {
			NL_SET_ERR_MSG(extack, "too many processes have a profile");
			return -ENOSPC;
		}
		b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
		if (!b)
			return -ENOMEM;
		b->pid = get_pid(pid);
		RCU_INIT_POINTER(b->profile, p);
		hash_add_rcu(rf_bindings, &b->node, (unsigned long)pid);
		atomic_inc(&rf_nr_bindings);
		mod_delayed_work(rf_wq, &rf_reaper, HZ);
	} else {
		old = rcu_replace_pointer(b->profile, p, lockdep_is_held(&rf_cfg_lock));
		rf_profile_put(old);
	}
	rf_cfg_changed();
	/* Existing vcpus of the process use the profile from now on. */
	rf_hook_attach_task(pid);
	return 0;
}

int rf_unbind(struct pid *pid, bool force, struct netlink_ext_ack *extack)
{
	struct rf_binding *b;

	lockdep_assert_held(&rf_cfg_lock);
	rf_reap_dead();
	b = rf_binding_find(pid);
	if (!b) {
		NL_SET_ERR_MSG(extack, "this process has no profile");
		return -ENOENT;
	}
	if (!force && rf_pid_sealed(pid)) {
		NL_SET_ERR_MSG(extack,
			       "a VM of this process has already handed out its register list; set force to clear its profile anyway");
		return -EBUSY;
	}
	rf_binding_free(b);
	return 0;
}

void rf_reap_dead(void)
{
	struct rf_binding *b;
	struct hlist_node *tmp;
	int bkt;

	lockdep_assert_held(&rf_cfg_lock);
	hash_for_each_safe(rf_bindings, bkt, tmp, b, node)
		if (!pid_has_task(b->pid, PIDTYPE_TGID))
			rf_binding_free(b);
}

static void rf_reaper_fn(struct work_struct *work)
{
	mutex_lock(&rf_cfg_lock);
	rf_reap_dead();
	if (rf_any_binding())
		queue_delayed_work(rf_wq, &rf_reaper, HZ);
	mutex_unlock(&rf_cfg_lock);
}

int rf_vm_init(void)
{
	rf_wq = alloc_workqueue("kvm_regfilter", WQ_UNBOUND, 0);
	return rf_wq ? 0 : -ENOMEM;
}

/* The hooks are gone and no filtered vcpu file is open (module refs). */
void rf_vm_exit(void)
{
	struct rf_binding *b;
	struct rf_vm *vm;
	struct hlist_node *tmp;
	int bkt;

	cancel_delayed_work_sync(&rf_reaper);
	mutex_lock(&rf_cfg_lock);
	hash_for_each_safe(rf_bindings, bkt, tmp, b, node)
		rf_binding_free(b);
	mutex_unlock(&rf_cfg_lock);

	spin_lock(&rf_vms_lock);
	hash_for_each_safe(rf_vms, bkt, tmp, vm, node) {
		hash_del_rcu(&vm->node);
		call_rcu(&vm->rcu, rf_vm_free_rcu);
	}
	spin_unlock(&rf_vms_lock);
	rcu_barrier();
	destroy_workqueue(rf_wq);
}

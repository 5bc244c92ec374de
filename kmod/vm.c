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
 * The host default is the profile of every VM whose process has no binding
 * of its own (a binding wins).  It reaches only VMs whose vcpus are made
 * while it is set (the postcreate hook swaps their files), so setting it
 * never changes a VM that is running unfiltered; it is set only with
 * CAP_SYS_ADMIN, and sealing and force work as for a binding, over the
 * VMs that use it.
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
DEFINE_SPINLOCK(rf_seal_lock);

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

/*
 * The host default, replaced under rf_cfg_lock and rf_seal_lock, read
 * under RCU; forced as rf_binding->forced.
 */
static struct rf_profile __rcu *rf_default;
static bool rf_default_forced;

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

bool rf_filtered_rcu(struct pid *pid)
{
	return rcu_access_pointer(rf_default) || rf_binding_find_rcu(pid);
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
		rf_profile_put(v->profile);
		kfree(v);
	}
	xa_destroy(&vm->vcpus);
	rf_profile_put(vm->profile);
	kfree(vm->state);
	put_pid(vm->owner);
	kfree(vm);
}

/*
 * After a grace period, in process context: the xarray's lock is taken in
 * process context everywhere else, and kvfree() may sleep.
 */
static void rf_vm_free_work(struct work_struct *work)
{
	rf_vm_free(container_of(to_rcu_work(work), struct rf_vm, free_work));
}

static void rf_vm_free_rcu(struct rf_vm *vm)
{
	INIT_RCU_WORK(&vm->free_work, rf_vm_free_work);
	queue_rcu_work(rf_wq, &vm->free_work);
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
	spin_lock_init(&new->state_lock);
	spin_lock_init(&new->id_lock);
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
	if (new) {
		rf_vm_free(new);
		return vm;
	}
	/*
	 * Every vcpu of a VM the module keeps state for goes through it,
	 * whatever the binding said when the vcpu was made: an ID register
	 * write that bypassed it (a sibling made while the process had no
	 * profile) would leave its record of the values written stale, and
	 * a later write of the recorded value would mark nothing.  The
	 * barrier pairs with rf_postcreate()'s: either this walk finds a
	 * vcpu file just installed, or its postcreate finds this state.
	 */
	smp_mb();
	rf_hook_attach_vm(vm->owner, kvm);
	return vm;
}

struct rf_profile *rf_vm_profile(struct rf_vm *vm)
{
	struct rf_binding *b;
	struct rf_profile *p = NULL;

	rcu_read_lock();
	b = rf_binding_find_rcu(vm->owner);
	p = b ? rcu_dereference(b->profile) : rcu_dereference(rf_default);
	if (p && !kref_get_unless_zero(&p->ref))
		p = NULL;
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
		rf_vm_free_rcu(vm);
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
	kref_get(&vm->profile->ref);
	v->profile = vm->profile;
	for (i = 0; i < vm->profile->nr; i++)
		v->vals[i] = vm->profile->entries[i].value;
	old = xa_store(&vm->vcpus, vcpu->vcpu_idx, v, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(old)) {
		rf_profile_put(v->profile);
		kfree(v);
		return NULL;
	}
	if (old) {
		/* KVM's list does not depend on the profile: keep it. */
		v->real = old->real;
		v->nreal = old->nreal;
		kvfree(old->filtered);
		/*
		 * rf_fast_pass() may still read old and its profile under
		 * RCU: the profile too is freed only after a grace period.
		 */
		rf_profile_put(old->profile);
		kfree_rcu(old, rcu);
	} else {
		vm->nr_vcpus++;
	}
	return v;
}

void rf_vm_set_state(struct rf_vm *vm, struct rf_profile *p, u8 *state)
{
	struct rf_profile *old_p;
	u8 *old_state;

	lockdep_assert_held(&vm->lock);
	spin_lock(&vm->state_lock);
	old_p = vm->profile;
	old_state = vm->state;
	vm->profile = p;
	vm->state = state;
	vm->eval_seq++;
	spin_unlock(&vm->state_lock);
	rf_profile_put(old_p);
	kfree(old_state);
}

bool rf_vm_seal(struct rf_vm *vm, const struct rf_profile *p)
{
	struct rf_binding *b;
	bool ok;

	spin_lock(&rf_seal_lock);
	rcu_read_lock();
	b = rf_binding_find_rcu(vm->owner);
	/*
	 * A forced change does not wait for lists on their way out: the
	 * list of the profile it replaced may still be handed out, and the
	 * vcpu's next list is the new profile's.
	 */
	if (b) {
		ok = rcu_dereference(b->profile) == p || b->forced;
	} else {
		/* As a binding: none left, and the list is built again. */
		struct rf_profile *d = rcu_dereference(rf_default);

		ok = d && (d == p || READ_ONCE(rf_default_forced));
	}
	if (ok)
		WRITE_ONCE(vm->sealed, true);
	rcu_read_unlock();
	spin_unlock(&rf_seal_lock);
	return ok;
}

/*
 * Has a VM of this process handed out its register list?  Under
 * rf_seal_lock: no VM can be sealed until the caller has changed the
 * binding (or given up).
 */
static bool rf_pid_sealed_locked(struct pid *pid)
{
	struct rf_vm *vm;
	bool sealed = false;
	int bkt;

	lockdep_assert_held(&rf_seal_lock);
	rcu_read_lock();
	hash_for_each_rcu(rf_vms, bkt, vm, node) {
		if (vm->owner == pid && READ_ONCE(vm->sealed)) {
			sealed = true;
			break;
		}
	}
	rcu_read_unlock();
	return sealed;
}

#define RF_SEALED_MSG \
	"a VM of this process has already handed out its register list; set force to change or clear its profile anyway"

/*
 * The unforced check: vcpus the filter has not seen yet (an initialised
 * one may have handed out its list already, unfiltered), then the VMs it
 * has, under rf_seal_lock, which the caller then holds until it has
 * changed the binding.  0 with rf_seal_lock held, or -EBUSY without.
 */
static int rf_seal_check_lock(struct pid *pid, bool force,
			      struct netlink_ext_ack *extack)
{
	if (!force && rf_hook_task_used_vcpus(pid)) {
		NL_SET_ERR_MSG(extack, RF_SEALED_MSG);
		return -EBUSY;
	}
	spin_lock(&rf_seal_lock);
	if (!force && rf_pid_sealed_locked(pid)) {
		spin_unlock(&rf_seal_lock);
		NL_SET_ERR_MSG(extack, RF_SEALED_MSG);
		return -EBUSY;
	}
	return 0;
}

/*
 * Room for one more binding set by @uid?  Any user who can open /dev/kvm
 * may bind its own processes: one user cannot take more than its share,
 * and the last KVM_REGFILTER_ADMIN_RESERVE are kept for CAP_SYS_ADMIN, so
 * root's and libvirt's VMs are never left unfiltered by someone else.
 */
static int rf_binding_room(kuid_t uid, bool admin, struct netlink_ext_ack *extack)
{
	struct rf_binding *b;
	u32 mine = 0;
	int bkt, n = atomic_read(&rf_nr_bindings);

	lockdep_assert_held(&rf_cfg_lock);
	if (n >= KVM_REGFILTER_MAX_BINDINGS) {
		NL_SET_ERR_MSG(extack,
			       "too many processes have a profile (max-bindings)");
		return -ENOSPC;
	}
	if (admin)
		return 0;
	if (n >= KVM_REGFILTER_MAX_BINDINGS - KVM_REGFILTER_ADMIN_RESERVE) {
		NL_SET_ERR_MSG(extack,
			       "too many processes have a profile; the rest is for CAP_SYS_ADMIN");
		return -ENOSPC;
	}
	rf_for_each_binding(b, bkt)
		mine += uid_eq(b->uid, uid);
	if (mine >= KVM_REGFILTER_MAX_BINDINGS_PER_USER) {
		NL_SET_ERR_MSG(extack,
			       "this user has set too many profiles (max-bindings-per-user)");
		return -ENOSPC;
	}
	return 0;
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

int rf_bind(struct pid *pid, struct rf_profile *p, bool force, bool admin,
	    struct netlink_ext_ack *extack)
{
	struct rf_binding *b, *new = NULL;
	struct rf_profile *old = NULL;
	int ret;

	lockdep_assert_held(&rf_cfg_lock);
	rf_reap_dead();
	b = rf_binding_find(pid);
	if (!b) {
		ret = rf_binding_room(current_euid(), admin, extack);
		if (ret)
			return ret;
		new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
		if (!new)
			return -ENOMEM;
		new->pid = get_pid(pid);
		new->uid = current_euid();
		RCU_INIT_POINTER(new->profile, p);
	}
	ret = rf_seal_check_lock(pid, force, extack);
	if (ret) {
		if (new) {
			put_pid(new->pid);
			kfree(new);
		}
		return ret;
	}
	if (new) {
		b = new;
		hash_add_rcu(rf_bindings, &b->node, (unsigned long)pid);
		atomic_inc(&rf_nr_bindings);
	} else {
		old = rcu_replace_pointer(b->profile, p, lockdep_is_held(&rf_cfg_lock));
	}
	b->forced = force;
	spin_unlock(&rf_seal_lock);
	rf_profile_put(old);
	if (new)
		mod_delayed_work(rf_wq, &rf_reaper, HZ);
	rf_cfg_changed();
	/* Existing vcpus of the process use the profile from now on. */
	rf_hook_attach_task(pid);
	return 0;
}

int rf_unbind(struct pid *pid, bool force, struct netlink_ext_ack *extack)
{
	struct rf_binding *b;
	int ret;

	lockdep_assert_held(&rf_cfg_lock);
	rf_reap_dead();
	b = rf_binding_find(pid);
	if (!b) {
		NL_SET_ERR_MSG(extack, "this process has no profile");
		return -ENOENT;
	}
	ret = rf_seal_check_lock(pid, force, extack);
	if (ret)
		return ret;
	rf_binding_free(b);
	spin_unlock(&rf_seal_lock);
	return 0;
}

/*
 * Has a VM that uses the host default (its process has no binding) handed
 * out its register list?  Under rf_seal_lock, as rf_pid_sealed_locked().
 */
static bool rf_default_sealed_locked(void)
{
	struct rf_vm *vm;
	bool sealed = false;
	int bkt;

	lockdep_assert_held(&rf_seal_lock);
	rcu_read_lock();
	hash_for_each_rcu(rf_vms, bkt, vm, node) {
		if (READ_ONCE(vm->sealed) && !rf_binding_find_rcu(vm->owner)) {
			sealed = true;
			break;
		}
	}
	rcu_read_unlock();
	return sealed;
}

int rf_set_default(struct rf_profile *p, bool force, struct netlink_ext_ack *extack)
{
	struct rf_profile *old;

	lockdep_assert_held(&rf_cfg_lock);
	rf_reap_dead();
	if (!p && !rcu_access_pointer(rf_default)) {
		NL_SET_ERR_MSG(extack, "no host default is set");
		return -ENOENT;
	}
	spin_lock(&rf_seal_lock);
	if (!force && rf_default_sealed_locked()) {
		spin_unlock(&rf_seal_lock);
		NL_SET_ERR_MSG(extack,
			       "a VM that uses the host default has already handed out its register list; set force to change or clear the default anyway");
		return -EBUSY;
	}
	old = rcu_replace_pointer(rf_default, p, lockdep_is_held(&rf_cfg_lock));
	WRITE_ONCE(rf_default_forced, force);
	spin_unlock(&rf_seal_lock);
	rf_profile_put(old);
	rf_cfg_changed();
	return 0;
}

struct rf_profile *rf_default_get(void)
{
	struct rf_profile *p;

	rcu_read_lock();
	p = rcu_dereference(rf_default);
	if (p && !kref_get_unless_zero(&p->ref))
		p = NULL;
	rcu_read_unlock();
	return p;
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
	rf_profile_put(rcu_replace_pointer(rf_default, NULL, lockdep_is_held(&rf_cfg_lock)));
	mutex_unlock(&rf_cfg_lock);

	spin_lock(&rf_vms_lock);
	hash_for_each_safe(rf_vms, bkt, tmp, vm, node) {
		hash_del_rcu(&vm->node);
		rf_vm_free_rcu(vm);
	}
	spin_unlock(&rf_vms_lock);
	/* Each free waits for its grace period, then is queued on rf_wq. */
	rcu_barrier();
	destroy_workqueue(rf_wq);
}

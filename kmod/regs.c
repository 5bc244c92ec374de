// SPDX-License-Identifier: GPL-2.0
/*
 * The filtered vcpu ioctl: what KVM_GET_REG_LIST, KVM_GET_ONE_REG,
 * KVM_SET_ONE_REG and KVM_ARM_VCPU_INIT do for a VM with a profile.
 *
 * Everything the filter needs from KVM it asks through KVM's own vcpu
 * ioctl, as the VMM would, so the real list, values and errors are KVM's.
 * KVM reads and writes register ids and values only in user memory, so the
 * module lends it a scratch mapping in the calling process (we run in the
 * VMM's own ioctl).  The real list is never written into the caller's
 * buffer, which userspace sized from the filtered count.
 *
 * A VM's entries are evaluated once per profile, on the first register
 * ioctl after a vcpu's init: guards are read, each entry's state decided
 * (applied, guard failed, shadowed, absent).  Pins are then written to
 * each vcpu at its init, before userspace can read them.
 */
#include <linux/kvm_host.h>
#include <linux/mman.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "filter.h"
#include "hook.h"
#include "netlink.h"
#include "vm.h"

/* Above any list KVM gives one vcpu (SVE: about 560; 7.x: 257 without). */
#define RF_MAX_REAL_REGS	8192

struct rf_ctx {
	unsigned long gen;		/* rf_cfg_gen before the lookup */
	struct file *file;
	struct kvm_vcpu *vcpu;
	struct rf_vm *vm;
	struct rf_profile *p;		/* referenced */
};

/*
 * 1 if the ioctl is to be filtered, 0 to hand it to KVM as it is (KVM then
 * returns its own errors for a foreign mm, an uninitialised vcpu...), or
 * -errno.
 */
static int rf_ctx_get(struct file *file, struct rf_ctx *c)
{
	/* Acquire: pairs with rf_cfg_changed(); the lookup sees this gen's state. */
	c->gen = smp_load_acquire(&rf_cfg_gen);
	c->file = file;
	c->vcpu = file->private_data;
	c->p = NULL;
	if (c->vcpu->kvm->mm != current->mm || !rf_vcpu_initialized(c->vcpu))
		return 0;
	c->vm = rf_vm_get(c->vcpu);
	if (!c->vm)
		return -ENOMEM;
	c->p = rf_vm_profile(c->vm);
	return c->p ? 1 : 0;
}

static void rf_ctx_put(struct rf_ctx *c)
{
	rf_profile_put(c->p);
}

/* Scratch memory in the calling process, for KVM to read and write. */
static unsigned long rf_umap(size_t len)
{
	return vm_mmap(NULL, 0, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, 0);
}

static int rf_kvm_one_reg(struct rf_ctx *c, unsigned int cmd, u64 id, u64 *val)
{
	unsigned long ua = rf_umap(PAGE_SIZE);
	struct kvm_one_reg kr = { .id = id, .addr = ua + 64 };
	unsigned int size = rf_reg_size(id);
	int ret;

	if (IS_ERR_VALUE(ua))
		return (int)ua;
	ret = -EFAULT;
	if (size > sizeof(*val) ||
	    copy_to_user((void __user *)ua, &kr, sizeof(kr)) ||
	    (cmd == KVM_SET_ONE_REG &&
	     copy_to_user((void __user *)(ua + 64), val, size)))
		goto out;
	ret = rf_kvm_vcpu_ioctl(c->file, cmd, ua);
	if (!ret && cmd == KVM_GET_ONE_REG) {
		*val = 0;
		if (copy_from_user(val, (void __user *)(ua + 64), size))
			ret = -EFAULT;
	}
out:
	vm_munmap(ua, PAGE_SIZE);
	return ret;
}

/*
 * KVM's own list for this vcpu; *ids is kvmalloc'ed.
 *
 * The scratch mapping is in the caller's address space, where any of its
 * threads can rewrite, unmap or replace it while KVM fills it: nothing
 * read back is trusted.  The count is bounded by the room offered (and
 * RF_MAX_REAL_REGS), so a rewritten count costs at most a wrong list for
 * the caller's own VM, never a large allocation; a replaced mapping is
 * the caller's own to lose.
 */
static int rf_real_list(struct rf_ctx *c, u64 **ids, u32 *nr)
{
	struct kvm_reg_list __user *ul;
	unsigned long ua;
	size_t len = PAGE_SIZE;
	u64 n = 0, room;
	int ret, tries;

	for (tries = 0; tries < 4; tries++) {
		ua = rf_umap(len);
		if (IS_ERR_VALUE(ua))
			return (int)ua;
		ul = (struct kvm_reg_list __user *)ua;
		room = (len - sizeof(*ul)) / sizeof(u64);
		ret = -EFAULT;
		if (put_user(room, &ul->n))
			goto unmap;
		ret = rf_kvm_vcpu_ioctl(c->file, KVM_GET_REG_LIST, ua);
		if (ret && ret != -E2BIG)
			goto unmap;
		if (get_user(n, &ul->n)) {
			ret = -EFAULT;
			goto unmap;
		}
		if (!ret) {
			/* KVM wrote at most room ids; more is a rewrite. */
			if (n > room)
				ret = -EFAULT;
			break;
		}
		/* Too small: map what KVM asked for and ask again. */
		vm_munmap(ua, len);
		if (n > RF_MAX_REAL_REGS)
			return -E2BIG;
		len = PAGE_ALIGN(sizeof(*ul) + n * sizeof(u64));
	}
	if (ret)
		goto unmap;
	*ids = kvmalloc_array(n ? n : 1, sizeof(u64), GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (!*ids)
		goto unmap;
	ret = 0;
	if (copy_from_user(*ids, ul->reg, n * sizeof(u64))) {
		kvfree(*ids);
		ret = -EFAULT;
	}
	*nr = n;
unmap:
	vm_munmap(ua, len);
	return ret;
}

static bool rf_in_list(const u64 *ids, u32 nr, u64 id)
{
	u32 i;

	for (i = 0; i < nr; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/*
 * Decide each entry's state in this VM for profile c->p.  The real list
 * fetched for it (this vcpu's) is handed back in *realp, NULL if none was.
 */
static int rf_vm_sync(struct rf_ctx *c, u64 **realp, u32 *nrealp)
{
	struct rf_vm *vm = c->vm;
	struct rf_profile *p = c->p;
	u64 *real = NULL, val;
	u32 nreal, i;
	u8 *state;
	int ret;

	lockdep_assert_held(&vm->lock);
	*realp = NULL;
	if (vm->profile == p)
		return 0;
	ret = rf_real_list(c, &real, &nreal);
	if (ret == -EPERM) {
		/*
		 * A vcpu with SVE has no list until KVM_ARM_VCPU_FINALIZE;
		 * then a register is present if KVM can read it.
		 */
		real = NULL;
		nreal = 0;
	} else if (ret) {
		return ret;
	}
	state = kcalloc(p->nr ? p->nr : 1, sizeof(*state), GFP_KERNEL_ACCOUNT);
	if (!state) {
		kvfree(real);
		return -ENOMEM;
	}
	for (i = 0; i < p->nr; i++) {
		const struct rf_entry *e = &p->entries[i];
		bool present;

		/* Up to KVM_REGFILTER_MAX_ENTRIES rounds of KVM ioctls. */
		cond_resched();
		if (real)
			present = rf_in_list(real, nreal, e->reg);
		else
			present = !rf_kvm_one_reg(c, KVM_GET_ONE_REG, e->reg, &val);

		if (e->has_guard) {
			ret = rf_kvm_one_reg(c, KVM_GET_ONE_REG, e->guard_reg, &val);
			if (ret || (val & e->guard_mask) != e->guard_value) {
				state[i] = KVM_REGFILTER_STATE_GUARD_FAILED;
				rf_nl_event(KVM_REGFILTER_EVENT_GUARD_FAILED, vm,
					    e->reg, ret ? 0 : val, ret ? -ret : 0);
				continue;
			}
		}
		switch (e->action) {
		case KVM_REGFILTER_ACTION_HIDE:
			state[i] = present ? KVM_REGFILTER_STATE_APPLIED :
					     KVM_REGFILTER_STATE_ABSENT;
			break;
		case KVM_REGFILTER_ACTION_FAKE:
			state[i] = present ? KVM_REGFILTER_STATE_SHADOWED :
					     KVM_REGFILTER_STATE_APPLIED;
			if (present)
				rf_nl_event(KVM_REGFILTER_EVENT_SHADOWED, vm, e->reg,
					    e->value, 0);
			break;
		case KVM_REGFILTER_ACTION_PIN:
			state[i] = present ? KVM_REGFILTER_STATE_APPLIED :
					     KVM_REGFILTER_STATE_ABSENT;
			if (!present)
				rf_nl_event(KVM_REGFILTER_EVENT_PIN_ABSENT, vm,
					    e->reg, e->value, 0);
			break;
		}
	}
	*realp = real;
	*nrealp = nreal;
	kref_get(&p->ref);
	rf_vm_set_state(vm, p, state);
	return 0;
}

/*
 * Values KVM accepts from userspace but cannot live with: ID_AA64DFR0_EL1
 * with a PMUVer KVM's PMU emulation does not know, 0 included, on a vcpu
 * with a PMU (6.12 and 7.x take it, then WARN "Unknown PMU version" in
 * kvm_pmu_evtyper_mask() at the next reset; 6.1 takes no changed ID
 * register at all).  set-profile refuses the values no vcpu can take
 * (rf_entry_check()); this is the per-vcpu half.
 */
static bool rf_pin_unsafe(struct rf_ctx *c, const struct rf_entry *e, u64 want)
{
	return rf_pin_sets_pmuver(e) && kvm_vcpu_has_pmu(c->vcpu) &&
	       !rf_dfr0_pin_safe(want, true);
}

/*
 * Marked, not fatal: VMMs make scratch vcpus (QEMU, to probe the host CPU,
 * without PSCI 0.2) that cannot take a value their real VMs take, and
 * failing those would stop the VMM from starting at all.
 */
static void rf_pin_refused(struct rf_vm *vm, u32 i, int err)
{
	const struct rf_entry *e = &vm->profile->entries[i];

	WRITE_ONCE(vm->state[i], KVM_REGFILTER_STATE_REFUSED);
	rf_nl_event(KVM_REGFILTER_EVENT_PIN_REFUSED, vm, e->reg, e->value, -err);
}

/*
 * Write the pinned values into this vcpu through KVM's set path: a field
 * pin (e->mask) is a read-modify-write of KVM's value for this vcpu.  A
 * value KVM refuses, or the module refuses for KVM (rf_pin_unsafe()),
 * marks the entry refused in the VM, with a kernel message and an event
 * naming the register and value.
 */
static int rf_vcpu_pin(struct rf_ctx *c, struct rf_vcpu *v)
{
	struct rf_vm *vm = c->vm;
	u64 cur, want;
	u32 i;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (v->pinned)
		return 0;
	for (i = 0; i < vm->profile->nr; i++) {
		const struct rf_entry *e = &vm->profile->entries[i];

		if (e->action != KVM_REGFILTER_ACTION_PIN ||
		    vm->state[i] != KVM_REGFILTER_STATE_APPLIED)
			continue;
		ret = rf_kvm_one_reg(c, KVM_GET_ONE_REG, e->reg, &cur);
		want = rf_pin_value(e, ret ? 0 : cur);
		if (!ret && rf_pin_unsafe(c, e, want)) {
			pr_warn_ratelimited("VM %u (pid %d): not pinning 0x%llx for register 0x%llx: PMUVer %u on a vcpu with a PMU, which KVM cannot handle; the VM keeps its own value\n",
					    vm->id, pid_nr(vm->owner), want, e->reg,
					    rf_pmuver(want));
			rf_pin_refused(vm, i, -EOPNOTSUPP);
			continue;
		}
		if (!ret && cur == want)
			continue;
		if (!ret)
			ret = rf_kvm_one_reg(c, KVM_SET_ONE_REG, e->reg, &want);
		if (ret) {
			pr_warn_ratelimited("VM %u (pid %d): KVM refused pinned value 0x%llx for register 0x%llx (%d); the VM keeps its own value\n",
					    vm->id, pid_nr(vm->owner), want, e->reg, ret);
			rf_pin_refused(vm, i, ret);
			continue;
		}
		atomic64_inc(&vm->pins_applied);
	}
	v->pinned = true;
	return 0;
}

static void rf_vm_id_check(struct rf_vm *vm);

/* Sync the VM, then this vcpu's pins: the common start of each op. */
static int rf_prepare(struct rf_ctx *c, struct rf_vcpu **vp)
{
	struct rf_vcpu *v;
	u64 *real;
	u32 nreal;
	int ret;

	if (READ_ONCE(c->vm->id_dirty))
		rf_vm_id_check(c->vm);
	ret = rf_vm_sync(c, &real, &nreal);
	if (ret)
		return ret;
	v = rf_vm_vcpu(c->vm, c->vcpu);
	if (!v) {
		kvfree(real);
		return -ENOMEM;
	}
	/* The sync's list is this vcpu's: keep it rather than ask again. */
	if (real && !v->real) {
		v->real = real;
		v->nreal = nreal;
		real = NULL;
	}
	kvfree(real);
	ret = rf_vcpu_pin(c, v);
	/* vm->profile is c->p, the binding's as of c->gen. */
	if (!ret)
		WRITE_ONCE(v->gen, c->gen);
	if (vp)
		*vp = v;
	return ret;
}

/*
 * This vcpu's filtered list under c->p, built once per profile; a copy in
 * *outp, as a forced profile change may replace v once vm->lock is dropped.
 */
static int rf_filtered_copy(struct rf_ctx *c, u64 **outp, u32 *cntp)
{
	struct rf_vcpu *v;
	u64 *real;
	u32 nreal;
	int ret;

	lockdep_assert_held(&c->vm->lock);
	ret = rf_prepare(c, &v);
	if (ret)
		return ret;
	if (!v->real) {
		ret = rf_real_list(c, &real, &nreal);
		if (ret)
			return ret;
		v->real = real;
		v->nreal = nreal;
	}
	if (v->filtered && v->filtered_seq != c->vm->eval_seq) {
		kvfree(v->filtered);
		v->filtered = NULL;
	}
	if (!v->filtered) {
		v->filtered = kvmalloc_array(v->nreal + c->vm->profile->nr_fakes + 1,
					     sizeof(u64), GFP_KERNEL_ACCOUNT);
		if (!v->filtered)
			return -ENOMEM;
		v->nfiltered = rf_filter_list(v->real, v->nreal, c->vm->profile,
					      c->vm->state, v->filtered);
		v->filtered_seq = c->vm->eval_seq;
	}
	*outp = kvmalloc_array(v->nfiltered + 1, sizeof(u64), GFP_KERNEL_ACCOUNT);
	if (!*outp)
		return -ENOMEM;
	memcpy(*outp, v->filtered, v->nfiltered * sizeof(u64));
	*cntp = v->nfiltered;
	return 0;
}

/* How often a list is built again because its profile changed meanwhile. */
#define RF_SEAL_TRIES	8

static long rf_get_reg_list(struct file *file, unsigned long arg)
{
	struct kvm_reg_list __user *ul = (void __user *)arg;
	u64 *out = NULL, n_user;
	struct rf_ctx c;
	int ret, tries = 0;
	u32 cnt = 0;

	if (get_user(n_user, &ul->n))
		return -EFAULT;
again:
	ret = rf_ctx_get(file, &c);
	if (ret <= 0)
		return ret ? ret : rf_kvm_vcpu_ioctl(file, KVM_GET_REG_LIST, arg);
	mutex_lock(&c.vm->lock);
	ret = rf_filtered_copy(&c, &out, &cnt);
	/*
	 * Sealed before the ids can reach userspace, and only while the
	 * binding still holds the profile the list was built for (or was
	 * changed with force): an unforced set-profile either sees the seal
	 * and refuses, or changed the binding first, and then this list is
	 * built again under it.  Only a flood of unforced changes, which
	 * only the process itself or an administrator can make, ends in
	 * EAGAIN.
	 */
	if (!ret && n_user >= cnt && !rf_vm_seal(c.vm, c.p))
		ret = -EAGAIN;
	mutex_unlock(&c.vm->lock);
	rf_ctx_put(&c);
	if (ret == -EAGAIN && ++tries < RF_SEAL_TRIES) {
		kvfree(out);
		out = NULL;
		goto again;
	}
	if (ret)
		goto out;
	/* As KVM: the count always, the ids only if they fit. */
	if (put_user((u64)cnt, &ul->n))
		ret = -EFAULT;
	else if (n_user < cnt)
		ret = -E2BIG;
	else if (copy_to_user(ul->reg, out, cnt * sizeof(u64)))
		ret = -EFAULT;
out:
	kvfree(out);
	return ret;
}

/*
 * The common case, without locks or references: a register the profile
 * does not name, in a VM whose entries are evaluated and whose vcpu is
 * pinned.  True if KVM can take the ioctl as it is.
 */
static bool rf_fast_pass(struct kvm_vcpu *vcpu, u64 id)
{
	/* Acquire: pairs with rf_cfg_changed(). */
	unsigned long gen = smp_load_acquire(&rf_cfg_gen);
	struct rf_vcpu *v;
	struct rf_vm *vm;
	bool pass = false;

	/*
	 * v->gen == gen: no configuration changed since the slow path found
	 * v->profile to be the binding's, so the binding need not be looked
	 * up again.  A foreign mm or an uninitialised vcpu has no such v.
	 */
	rcu_read_lock();
	vm = rf_vm_find_rcu(vcpu->kvm);
	if (vm) {
		v = xa_load(&vm->vcpus, vcpu->vcpu_idx);
		pass = v && READ_ONCE(v->gen) == gen && READ_ONCE(v->pinned) &&
		       rf_profile_find(v->profile, id) < 0;
	}
	rcu_read_unlock();
	return pass;
}

/*
 * Until its first KVM_RUN a VMM may lower ID register fields (a CPU
 * model), and KVM's list follows them (6.12 and 7.x: TCRX, S1PIE and
 * S1POE in ID_AA64MMFR3_EL1 decide TCR2_EL1, PIR*_EL1 and POR_EL1); the
 * guards that read those fields then no longer hold.  A write of a value
 * other than the one last written marks the VM; its next filtered op
 * fetches KVM's lists and evaluates the entries again (rf_vm_id_check()).
 * Writes made while the process has no profile are followed too: a
 * profile may come before the first run.  Pins already written stay: the
 * VMM's write is the newer.
 *
 * A VMM writes back what it read: QEMU writes every ID register at each
 * register sync before the guest runs (a restore, a reset).  Those writes
 * change nothing, and asking KVM for its list after each of them would
 * cost a mapping in the caller's address space per sync; so the values
 * written are remembered and only a change marks the VM (the first write
 * of each register marks it too: one evaluation per VM).  Reads
 * are not followed: a GET is the hot path of every sync, and a value read
 * tells nothing the first write would not.  The value is read back from
 * the caller's memory, which a sibling thread can rewrite: a VMM that does
 * so misleads the filter about its own VM only, with nothing for the
 * kernel to lose (a stale list is still a list of the VM's own registers).
 * After the first run KVM takes only unchanged values, so nothing is
 * remembered then.
 */
static void rf_id_access(struct kvm_vcpu *vcpu, unsigned int cmd,
			 unsigned long arg, u64 id)
{
	struct kvm_one_reg __user *ur = (void __user *)arg;
	unsigned int i = id & 0x3f;
	struct rf_vm *vm;
	bool known;
	u64 addr, val = 0;

	if (cmd != KVM_SET_ONE_REG || !rf_is_id_reg(id) || vcpu_has_run_once(vcpu))
		return;
	known = !get_user(addr, &ur->addr) &&
		!get_user(val, (u64 __user *)u64_to_user_ptr(addr));
	rcu_read_lock();
	vm = rf_vm_find_rcu(vcpu->kvm);
	if (vm) {
		spin_lock(&vm->id_lock);
		if (!known || !(vm->id_known & BIT(i)) || vm->id_vals[i] != val)
			WRITE_ONCE(vm->id_dirty, true);
		if (known) {
			vm->id_vals[i] = val;
			vm->id_known |= BIT(i);
		} else {
			vm->id_known &= ~BIT(i);
		}
		spin_unlock(&vm->id_lock);
	}
	rcu_read_unlock();
}

static void rf_vm_drop_eval(struct rf_vm *vm)
{
	struct rf_vcpu *v;
	unsigned long i;

	lockdep_assert_held(&vm->lock);
	xa_for_each(&vm->vcpus, i, v) {
		kvfree(v->real);
		kvfree(v->filtered);
		v->real = NULL;
		v->filtered = NULL;
	}
	/* The next rf_vm_sync() evaluates the entries and guards again. */
	rf_vm_set_state(vm, NULL, NULL);
}

/*
 * After ID register writes: forget KVM's lists and evaluate again.  A
 * write may change what KVM lists (for every vcpu: on 6.12 and 7.x the ID
 * registers are the VM's) and what guards read; comparing one vcpu's list
 * is not enough, as another's may have been fetched before the write.
 * Writes that change nothing mark nothing (rf_id_access()), so this runs
 * about once per VM unless the VMM really changes its CPU's ID registers.
 */
static void rf_vm_id_check(struct rf_vm *vm)
{
	lockdep_assert_held(&vm->lock);
	WRITE_ONCE(vm->id_dirty, false);
	rf_vm_drop_eval(vm);
}

static long rf_one_reg(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kvm_one_reg reg;
	struct rf_vcpu *v;
	struct rf_ctx c;
	const struct rf_entry *e;
	unsigned int size, nread;
	u64 val = 0;
	int ret, idx;
	u8 st;

	if (get_user(reg.id, &((struct kvm_one_reg __user *)arg)->id))
		return rf_kvm_vcpu_ioctl(file, cmd, arg);
	if (rf_fast_pass(file->private_data, reg.id)) {
		ret = rf_kvm_vcpu_ioctl(file, cmd, arg);
		if (!ret)
			rf_id_access(file->private_data, cmd, arg, reg.id);
		return ret;
	}
	ret = rf_ctx_get(file, &c);
	if (ret < 0)
		return ret;
	if (!ret) {
		/*
		 * Not filtered now, but a profile may come before the first
		 * run: what is written meanwhile must still be followed, or
		 * a later write of the value last seen would mark nothing
		 * while the guards were judged on this one.
		 */
		ret = rf_kvm_vcpu_ioctl(file, cmd, arg);
		if (!ret)
			rf_id_access(c.vcpu, cmd, arg, reg.id);
		return ret;
	}
	if (copy_from_user(&reg, (void __user *)arg, sizeof(reg)))
		goto pass;

	mutex_lock(&c.vm->lock);
	ret = rf_prepare(&c, &v);
	if (ret) {
		mutex_unlock(&c.vm->lock);
		goto out;
	}
	idx = rf_profile_find(c.vm->profile, reg.id);
	if (idx < 0) {
		mutex_unlock(&c.vm->lock);
		goto pass;
	}
	e = &c.vm->profile->entries[idx];
	st = c.vm->state[idx];
	val = v->vals[idx];
	mutex_unlock(&c.vm->lock);

	if (st != KVM_REGFILTER_STATE_APPLIED || e->action == KVM_REGFILTER_ACTION_PIN)
		goto pass;
	size = rf_reg_size(reg.id);

	if (e->action == KVM_REGFILTER_ACTION_HIDE) {
		/* Fail as KVM fails for a register it does not have. */
		ret = rf_absent_access(reg.id, cmd == KVM_SET_ONE_REG, &nread);
		if (nread && copy_from_user(&val, u64_to_user_ptr(reg.addr), nread))
			ret = -EFAULT;
		atomic64_inc(&c.vm->hidden_refused);
		goto out;
	}

	/* A fake register. */
	if (cmd == KVM_GET_ONE_REG) {
		ret = copy_to_user(u64_to_user_ptr(reg.addr), &val, size) ? -EFAULT : 0;
		if (!ret)
			atomic64_inc(&c.vm->fake_reads);
		goto out;
	}
	val = 0;
	if (copy_from_user(&val, u64_to_user_ptr(reg.addr), size)) {
		ret = -EFAULT;
		goto out;
	}
	if (e->policy == KVM_REGFILTER_POLICY_STRICT && val != e->value) {
		atomic64_inc(&c.vm->strict_refused);
		rf_nl_event(KVM_REGFILTER_EVENT_STRICT_WRITE_REFUSED, c.vm, reg.id,
			    val, EINVAL);
		ret = -EINVAL;
		goto out;
	}
	/*
	 * vm->lock was dropped for the copy, which may sleep for as long as
	 * userspace likes (a faulting page): idx is an index into c.p, and
	 * holds only in a v made for c.p.  c.p is referenced, so no other
	 * profile can have its address.  If a forced change replaced the
	 * profile meanwhile, the new one's values stand and this write is
	 * dropped, as if it had come just before the change.
	 */
	mutex_lock(&c.vm->lock);
	v = xa_load(&c.vm->vcpus, c.vcpu->vcpu_idx);
	if (c.vm->profile == c.p && v && v->profile == c.p)
		v->vals[idx] = val;
	mutex_unlock(&c.vm->lock);
	atomic64_inc(&c.vm->fake_writes);
	ret = 0;
	goto out;

pass:
	ret = rf_kvm_vcpu_ioctl(file, cmd, arg);
	if (!ret)
		rf_id_access(c.vcpu, cmd, arg, reg.id);
out:
	rf_ctx_put(&c);
	return ret;
}

static long rf_vcpu_init(struct file *file, unsigned long arg)
{
	struct rf_vcpu *v;
	struct rf_ctx c;
	int ret;

	ret = rf_kvm_vcpu_ioctl(file, KVM_ARM_VCPU_INIT, arg);
	if (ret)
		return ret;
	ret = rf_ctx_get(file, &c);
	if (ret <= 0)
		return ret;
	mutex_lock(&c.vm->lock);
	/*
	 * An init resets the vcpu: pin again, ask KVM for its list again,
	 * and fakes go back to their values as real registers go back to
	 * their reset values.
	 */
	v = xa_load(&c.vm->vcpus, c.vcpu->vcpu_idx);
	if (v) {
		u32 i;

		WRITE_ONCE(v->pinned, false);
		kvfree(v->real);
		kvfree(v->filtered);
		v->real = NULL;
		v->filtered = NULL;
		if (v->profile == c.vm->profile)
			for (i = 0; i < v->profile->nr; i++)
				v->vals[i] = v->profile->entries[i].value;
	}
	ret = rf_prepare(&c, NULL);
	mutex_unlock(&c.vm->lock);
	rf_ctx_put(&c);
	/*
	 * KVM has initialised the vcpu: failing the ioctl now would tell the
	 * VMM otherwise.  The vcpu stays unpinned, so its next register
	 * ioctl, or its first KVM_RUN, does the work again and fails there.
	 */
	if (ret)
		pr_warn_ratelimited("VM %u (pid %d): vcpu %d initialised, its pins deferred (%d)\n",
				    c.vm->id, pid_nr(c.vm->owner), c.vcpu->vcpu_idx, ret);
	return 0;
}

/*
 * KVM_RUN of a vcpu whose pins are not written yet (its init could not
 * do it): write them first, so a guest never runs with a value the
 * profile replaces.  One RCU lookup otherwise.
 */
static long rf_vcpu_run(struct file *file, unsigned long arg)
{
	struct kvm_vcpu *vcpu = file->private_data;
	/* Acquire: pairs with rf_cfg_changed(), as in rf_fast_pass(). */
	unsigned long gen = smp_load_acquire(&rf_cfg_gen);
	struct rf_ctx c;
	struct rf_vcpu *v;
	struct rf_vm *vm;
	bool ready = true;
	int ret;

	rcu_read_lock();
	vm = rf_vm_find_rcu(vcpu->kvm);
	if (vm) {
		v = xa_load(&vm->vcpus, vcpu->vcpu_idx);
		ready = v && READ_ONCE(v->pinned) && READ_ONCE(v->gen) == gen;
	}
	rcu_read_unlock();
	if (ready)
		return rf_kvm_vcpu_ioctl(file, KVM_RUN, arg);
	ret = rf_ctx_get(file, &c);
	if (ret > 0) {
		mutex_lock(&c.vm->lock);
		ret = rf_prepare(&c, NULL);
		mutex_unlock(&c.vm->lock);
	}
	rf_ctx_put(&c);
	return ret < 0 ? ret : rf_kvm_vcpu_ioctl(file, KVM_RUN, arg);
}

long rf_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case KVM_GET_REG_LIST:
		return rf_get_reg_list(file, arg);
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG:
		return rf_one_reg(file, cmd, arg);
	case KVM_ARM_VCPU_INIT:
		return rf_vcpu_init(file, arg);
	case KVM_RUN:
		return rf_vcpu_run(file, arg);
	default:
		return rf_kvm_vcpu_ioctl(file, cmd, arg);
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The kvm_regfilter generic netlink family: the ABI is
 * Documentation/netlink/specs/kvm_regfilter.yaml, whose generated header is
 * uapi/linux/kvm_regfilter.h.  The policies below follow the spec by hand
 * (the generated kernel code needs split ops, which 6.1 lacks).
 */
#include <linux/capability.h>
#include <linux/ptrace.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "compat.h"
#include "hook.h"
#include "netlink.h"
#include "vm.h"

static const struct nla_policy rf_guard_policy[KVM_REGFILTER_A_GUARD_MAX + 1] = {
	[KVM_REGFILTER_A_GUARD_REG] = { .type = NLA_U64 },
	[KVM_REGFILTER_A_GUARD_MASK] = { .type = NLA_U64 },
	[KVM_REGFILTER_A_GUARD_VALUE] = { .type = NLA_U64 },
};

static const struct nla_policy rf_entry_policy[KVM_REGFILTER_A_ENTRY_MAX + 1] = {
	[KVM_REGFILTER_A_ENTRY_REG] = { .type = NLA_U64 },
	[KVM_REGFILTER_A_ENTRY_ACTION] = NLA_POLICY_MAX(NLA_U32, KVM_REGFILTER_ACTION_PIN),
	[KVM_REGFILTER_A_ENTRY_VALUE] = { .type = NLA_U64 },
	[KVM_REGFILTER_A_ENTRY_POLICY] = NLA_POLICY_MAX(NLA_U32, KVM_REGFILTER_POLICY_STRICT),
	[KVM_REGFILTER_A_ENTRY_GUARD] = NLA_POLICY_NESTED(rf_guard_policy),
	[KVM_REGFILTER_A_ENTRY_STATE] = { .type = NLA_REJECT },
	[KVM_REGFILTER_A_ENTRY_MASK] = NLA_POLICY_MIN(NLA_U64, 1),
};

static const struct nla_policy rf_policy[KVM_REGFILTER_A_MAX + 1] = {
	[KVM_REGFILTER_A_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KVM_REGFILTER_A_FLAGS] = NLA_POLICY_MASK(NLA_U32, KVM_REGFILTER_SET_FLAGS_FORCE),
	[KVM_REGFILTER_A_DESCRIPTION] = { .type = NLA_NUL_STRING,
					  .len = KVM_REGFILTER_DESCRIPTION_LEN - 1 },
	[KVM_REGFILTER_A_ENTRY] = NLA_POLICY_NESTED(rf_entry_policy),
	[KVM_REGFILTER_A_VM] = { .type = NLA_REJECT },
	[KVM_REGFILTER_A_EVENT] = { .type = NLA_REJECT },
	[KVM_REGFILTER_A_EVENT_VM] = { .type = NLA_REJECT },
	[KVM_REGFILTER_A_REG] = { .type = NLA_REJECT },
	[KVM_REGFILTER_A_VALUE] = { .type = NLA_REJECT },
	[KVM_REGFILTER_A_ERROR] = { .type = NLA_REJECT },
};

static struct genl_family rf_family;

/* A message that outlives the request: a static string, as extack wants. */
static void rf_extack(struct netlink_ext_ack *extack, const struct nlattr *nla,
		      const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	extack->bad_attr = nla;
}

/* The process named by the request, in the caller's pid namespace. */
static struct pid *rf_req_pid(struct genl_info *info)
{
	struct nlattr *a = info->attrs[KVM_REGFILTER_A_PID];
	struct pid *pid;

	if (GENL_REQ_ATTR_CHECK(info, KVM_REGFILTER_A_PID)) {
		rf_extack(info->extack, NULL, "missing the pid attribute");
		return ERR_PTR(-EINVAL);
	}
	pid = find_get_pid(nla_get_u32(a));
	if (!pid) {
		rf_extack(info->extack, a, "no such process in the caller's pid namespace");
		return ERR_PTR(-ESRCH);
	}
	if (!pid_has_task(pid, PIDTYPE_TGID)) {
		put_pid(pid);
		rf_extack(info->extack, a, "not a process id (a thread id? or it has exited)");
		return ERR_PTR(-ESRCH);
	}
	return pid;
}

/*
 * CAP_SYS_ADMIN may configure any process; anyone may configure (mode
 * ATTACH) or look at (mode READ) a process they may ptrace.
 */
static bool rf_may(struct sk_buff *skb, struct pid *pid, unsigned int mode)
{
	struct task_struct *task;
	bool ok = false;

	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	if (!rf_ptrace_may_access)
		return false;
	task = get_pid_task(pid, PIDTYPE_TGID);
	if (task) {
		ok = rf_ptrace_may_access(task, mode);
		put_task_struct(task);
	}
	return ok;
}

static int rf_parse_entry(struct nlattr *nla, struct rf_entry *e,
			  struct netlink_ext_ack *extack)
{
	struct nlattr *tb[KVM_REGFILTER_A_ENTRY_MAX + 1];
	struct nlattr *gb[KVM_REGFILTER_A_GUARD_MAX + 1];
	const char *why;
	int ret;

	ret = nla_parse_nested(tb, KVM_REGFILTER_A_ENTRY_MAX, nla, rf_entry_policy, extack);
	if (ret)
		return ret;
	if (!tb[KVM_REGFILTER_A_ENTRY_REG] || !tb[KVM_REGFILTER_A_ENTRY_ACTION]) {
		rf_extack(extack, nla, "an entry needs a reg and an action");
		return -EINVAL;
	}
	e->reg = nla_get_u64(tb[KVM_REGFILTER_A_ENTRY_REG]);
	e->action = nla_get_u32(tb[KVM_REGFILTER_A_ENTRY_ACTION]);
	if (tb[KVM_REGFILTER_A_ENTRY_VALUE]) {
		e->value = nla_get_u64(tb[KVM_REGFILTER_A_ENTRY_VALUE]);
	} else if (e->action != KVM_REGFILTER_ACTION_HIDE) {
		rf_extack(extack, nla, "a fake or pin entry needs a value");
		return -EINVAL;
	}
	if (tb[KVM_REGFILTER_A_ENTRY_POLICY])
		e->policy = nla_get_u32(tb[KVM_REGFILTER_A_ENTRY_POLICY]);
	if (tb[KVM_REGFILTER_A_ENTRY_MASK])
		e->mask = nla_get_u64(tb[KVM_REGFILTER_A_ENTRY_MASK]);
	if (tb[KVM_REGFILTER_A_ENTRY_GUARD]) {
		ret = nla_parse_nested(gb, KVM_REGFILTER_A_GUARD_MAX,
				       tb[KVM_REGFILTER_A_ENTRY_GUARD], rf_guard_policy, extack);
		if (ret)
			return ret;
		if (!gb[KVM_REGFILTER_A_GUARD_REG] || !gb[KVM_REGFILTER_A_GUARD_MASK] ||
		    !gb[KVM_REGFILTER_A_GUARD_VALUE]) {
			rf_extack(extack, tb[KVM_REGFILTER_A_ENTRY_GUARD],
				  "a guard needs reg, mask and value");
			return -EINVAL;
		}
		e->has_guard = true;
		e->guard_reg = nla_get_u64(gb[KVM_REGFILTER_A_GUARD_REG]);
		e->guard_mask = nla_get_u64(gb[KVM_REGFILTER_A_GUARD_MASK]);
		e->guard_value = nla_get_u64(gb[KVM_REGFILTER_A_GUARD_VALUE]);
	}
	ret = rf_entry_check(e, &why);
	if (ret)
		rf_extack(extack, nla, why);
	return ret;
}

static struct rf_profile *rf_parse_profile(struct genl_info *info)
{
	struct nlattr *nla;
	struct rf_profile *p;
	u32 n = 0;
	int rem, ret;
	u64 dup;

	/* Count first: no allocation sized by the sender beyond the bound. */
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem)
		if (nla_type(nla) == KVM_REGFILTER_A_ENTRY &&
		    ++n > KVM_REGFILTER_MAX_ENTRIES) {
			rf_extack(info->extack, nla, "too many entries in the profile");
			return ERR_PTR(-E2BIG);
		}
	p = kvzalloc(struct_size(p, entries, n), GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	kref_init(&p->ref);
	nlmsg_for_each_attr(nla, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nla) != KVM_REGFILTER_A_ENTRY)
			continue;
		ret = rf_parse_entry(nla, &p->entries[p->nr], info->extack);
		if (ret)
			goto err;
		p->nr++;
	}
	if (info->attrs[KVM_REGFILTER_A_DESCRIPTION])
		nla_strscpy(p->desc, info->attrs[KVM_REGFILTER_A_DESCRIPTION], sizeof(p->desc));
	ret = rf_profile_finish(p, &dup);
	if (ret) {
		rf_extack(info->extack, NULL, "a register appears in two entries");
		goto err;
	}
	return p;
err:
	kvfree(p);
	return ERR_PTR(ret);
}

/*
 * The process a set or clear request is for, if the sender may configure
 * it (referenced), or an ERR_PTR with the reason in extack.
 */
static struct pid *rf_req_target(struct sk_buff *skb, struct genl_info *info)
{
	struct pid *pid = rf_req_pid(info);

	if (IS_ERR(pid))
		return pid;
	if (!rf_may(skb, pid, PTRACE_MODE_ATTACH_REALCREDS)) {
		put_pid(pid);
		rf_extack(info->extack, info->attrs[KVM_REGFILTER_A_PID],
			  "not permitted: configuring another process needs CAP_SYS_ADMIN or the right to ptrace it");
		return ERR_PTR(-EPERM);
	}
	return pid;
}

static bool rf_req_force(struct genl_info *info)
{
	struct nlattr *a = info->attrs[KVM_REGFILTER_A_FLAGS];

	return a && (nla_get_u32(a) & KVM_REGFILTER_SET_FLAGS_FORCE);
}

static int rf_set_profile(struct sk_buff *skb, struct genl_info *info)
{
	struct rf_profile *p;
	struct pid *pid;
	int ret;

	pid = rf_req_target(skb, info);
	if (IS_ERR(pid))
		return PTR_ERR(pid);
	p = rf_parse_profile(info);
	if (IS_ERR(p)) {
		ret = PTR_ERR(p);
		goto out;
	}
	mutex_lock(&rf_cfg_lock);
	ret = rf_bind(pid, p, rf_req_force(info), netlink_capable(skb, CAP_SYS_ADMIN),
		      info->extack);
	mutex_unlock(&rf_cfg_lock);
	if (ret)
		rf_profile_put(p);
out:
	put_pid(pid);
	return ret;
}

static int rf_clear_profile(struct sk_buff *skb, struct genl_info *info)
{
	struct pid *pid;
	int ret;

	pid = rf_req_target(skb, info);
	if (IS_ERR(pid))
		return PTR_ERR(pid);
	mutex_lock(&rf_cfg_lock);
	ret = rf_unbind(pid, rf_req_force(info), info->extack);
	mutex_unlock(&rf_cfg_lock);
	put_pid(pid);
	return ret;
}

static int rf_put_entry(struct sk_buff *skb, int type, const struct rf_entry *e,
			int state)
{
	struct nlattr *nest, *g;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, KVM_REGFILTER_A_ENTRY_REG, e->reg, 0))
		goto cancel;
	if (state >= 0) {
		if (nla_put_u32(skb, KVM_REGFILTER_A_ENTRY_STATE, state))
			goto cancel;
		goto done;
	}
	if (nla_put_u32(skb, KVM_REGFILTER_A_ENTRY_ACTION, e->action) ||
	    (e->action != KVM_REGFILTER_ACTION_HIDE &&
	     nla_put_u64_64bit(skb, KVM_REGFILTER_A_ENTRY_VALUE, e->value, 0)) ||
	    (e->action == KVM_REGFILTER_ACTION_FAKE &&
	     nla_put_u32(skb, KVM_REGFILTER_A_ENTRY_POLICY, e->policy)) ||
	    (e->mask &&
	     nla_put_u64_64bit(skb, KVM_REGFILTER_A_ENTRY_MASK, e->mask, 0)))
		goto cancel;
	if (e->has_guard) {
		g = nla_nest_start(skb, KVM_REGFILTER_A_ENTRY_GUARD);
		if (!g ||
		    nla_put_u64_64bit(skb, KVM_REGFILTER_A_GUARD_REG, e->guard_reg, 0) ||
		    nla_put_u64_64bit(skb, KVM_REGFILTER_A_GUARD_MASK, e->guard_mask, 0) ||
		    nla_put_u64_64bit(skb, KVM_REGFILTER_A_GUARD_VALUE, e->guard_value, 0))
			goto cancel;
		nla_nest_end(skb, g);
	}
done:
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/*
 * One VM: counters, and the entries not applied in it (with why), from
 * the entry index *from on; entries not listed are applied.  Under RCU,
 * which keeps the VM alive, so not under vm->lock, which sleeps and is
 * held across KVM's vcpu ioctls: vm->state_lock keeps the profile and its
 * state array together.
 *
 * 0: all of it is in; 1: part of it is (a VM nest with the counters and
 * some entries), and *from says where the rest starts; -EMSGSIZE: nothing
 * fitted.  A VM split over messages repeats its id and counters.
 */
static int rf_put_vm(struct sk_buff *skb, struct rf_vm *vm, u32 *from)
{
	struct nlattr *nest;
	struct rf_profile *p;
	u32 i, put = 0;
	int ret = 0;
	u8 *state;

	nest = nla_nest_start(skb, KVM_REGFILTER_A_VM);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KVM_REGFILTER_A_VM_ID, vm->id) ||
	    nla_put_u32(skb, KVM_REGFILTER_A_VM_VCPUS, READ_ONCE(vm->nr_vcpus)) ||
	    nla_put_u32(skb, KVM_REGFILTER_A_VM_SEALED, READ_ONCE(vm->sealed)) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_VM_HIDDEN_REFUSED,
			      atomic64_read(&vm->hidden_refused), 0) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_VM_FAKE_READS,
			      atomic64_read(&vm->fake_reads), 0) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_VM_FAKE_WRITES,
			      atomic64_read(&vm->fake_writes), 0) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_VM_STRICT_REFUSED,
			      atomic64_read(&vm->strict_refused), 0) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_VM_PINS_APPLIED,
			      atomic64_read(&vm->pins_applied), 0)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	spin_lock(&vm->state_lock);
	p = vm->profile;
	state = vm->state;
	for (i = *from; p && i < p->nr; i++) {
		u8 st = READ_ONCE(state[i]);

		if (st == KVM_REGFILTER_STATE_APPLIED)
			continue;
		if (rf_put_entry(skb, KVM_REGFILTER_A_VM_ENTRY, &p->entries[i], st)) {
			ret = 1;
			break;
		}
		put++;
	}
	spin_unlock(&vm->state_lock);
	if (ret && !put) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	*from = ret ? i : 0;
	return ret;
}

/* Entries not applied in a VM, for sizing a reply. */
static u32 rf_vm_unapplied(struct rf_vm *vm)
{
	u32 i, n = 0;

	spin_lock(&vm->state_lock);
	for (i = 0; vm->profile && i < vm->profile->nr; i++)
		n += READ_ONCE(vm->state[i]) != KVM_REGFILTER_STATE_APPLIED;
	spin_unlock(&vm->state_lock);
	return n;
}

/* The most an entry takes in a message: nest, 6 scalars, a guard of 3. */
#define RF_ENTRY_MSG_SIZE						\
	(nla_total_size(0) + 3 * nla_total_size_64bit(8) + 3 * nla_total_size(4) + \
	 nla_total_size(0) + 3 * nla_total_size_64bit(8))
#define RF_VM_MSG_SIZE	(nla_total_size(0) + 3 * nla_total_size(4) + \
			 5 * nla_total_size_64bit(8))

/*
 * Where a get-bindings dump is: the binding (cb->args[0]), the item in it
 * (cb->args[1]: its entries, then its VMs), and in a VM split over
 * messages the entry to go on from (cb->args[2]).
 */
struct rf_dump_pos {
	long binding;
	u32 item;
	u32 vm_from;
};

/*
 * One message of a binding, from pos on: its pid always, its description
 * in its first message, then as many entries and VMs as fit.  A binding
 * too large for one message goes on in the next, which repeats the pid.
 * 0: the binding is complete; 1: it goes on (pos updated); -EMSGSIZE:
 * nothing but the header fitted.
 */
static int rf_fill_binding(struct sk_buff *skb, struct rf_binding *b, u32 portid,
			   u32 seq, int flags, u8 cmd, struct rf_dump_pos *pos)
{
	struct rf_profile *p = rcu_dereference_protected(b->profile,
							 lockdep_is_held(&rf_cfg_lock));
	u32 item = 0, put = 0;
	struct rf_vm *vm;
	int bkt, ret = 0;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &rf_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KVM_REGFILTER_A_PID, pid_vnr(b->pid)) ||
	    (pos->item == 0 && pos->vm_from == 0 &&
	     nla_put_string(skb, KVM_REGFILTER_A_DESCRIPTION, p->desc)))
		goto cancel;
	for (item = pos->item; item < p->nr; item++, put++)
		if (rf_put_entry(skb, KVM_REGFILTER_A_ENTRY, &p->entries[item], -1))
			goto partial;
	/* The caller's RCU read section keeps the VMs alive. */
	item = p->nr;
	hash_for_each_rcu(rf_vms, bkt, vm, node) {
		if (vm->owner != b->pid)
			continue;
		if (item++ < pos->item)
			continue;
		ret = rf_put_vm(skb, vm, &pos->vm_from);
		if (ret < 0) {
			item--;
			goto partial;
		}
		put++;
		if (ret > 0) {
			/* Part of this VM: the rest opens the next message. */
			item--;
			goto partial;
		}
	}
	genlmsg_end(skb, hdr);
	pos->item = 0;
	pos->vm_from = 0;
	return 0;
partial:
	if (!put && !(ret > 0))
		goto cancel;
	genlmsg_end(skb, hdr);
	pos->item = item;
	return 1;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* What a whole binding takes in one message (get-profile's reply). */
static size_t rf_binding_size(struct rf_binding *b)
{
	struct rf_profile *p = rcu_dereference_protected(b->profile,
							 lockdep_is_held(&rf_cfg_lock));
	size_t size = nla_total_size(4) + nla_total_size(KVM_REGFILTER_DESCRIPTION_LEN) +
		      p->nr * RF_ENTRY_MSG_SIZE;
	struct rf_vm *vm;
	int bkt;

	rcu_read_lock();
	hash_for_each_rcu(rf_vms, bkt, vm, node)
		if (vm->owner == b->pid)
			size += RF_VM_MSG_SIZE + rf_vm_unapplied(vm) * RF_ENTRY_MSG_SIZE;
	rcu_read_unlock();
	return size;
}

static int rf_get_profile(struct sk_buff *skb, struct genl_info *info)
{
	struct rf_dump_pos pos = { 0 };
	struct rf_binding *b;
	struct sk_buff *msg;
	struct pid *pid;
	size_t size;
	int ret, tries;

	pid = rf_req_pid(info);
	if (IS_ERR(pid))
		return PTR_ERR(pid);
	ret = -EPERM;
	if (!rf_may(skb, pid, PTRACE_MODE_READ_REALCREDS)) {
		rf_extack(info->extack, info->attrs[KVM_REGFILTER_A_PID],
			  "not permitted: reading another process's profile needs CAP_SYS_ADMIN or the right to ptrace it");
		goto out;
	}
	mutex_lock(&rf_cfg_lock);
	rf_reap_dead();
	b = rf_binding_find(pid);
	ret = -ENOENT;
	if (!b) {
		rf_extack(info->extack, info->attrs[KVM_REGFILTER_A_PID],
			  "this process has no profile");
		goto unlock;
	}
	/* VMs may gain unapplied entries between sizing and filling: grow. */
	size = rf_binding_size(b);
	for (tries = 0; tries < 3; tries++, size *= 2) {
		msg = genlmsg_new(size, GFP_KERNEL);
		ret = -ENOMEM;
		if (!msg)
			break;
		memset(&pos, 0, sizeof(pos));
		rcu_read_lock();
		ret = rf_fill_binding(msg, b, info->snd_portid, info->snd_seq, 0,
				      KVM_REGFILTER_CMD_GET_PROFILE, &pos);
		rcu_read_unlock();
		if (!ret)
			break;
		nlmsg_free(msg);
		ret = -EMSGSIZE;
	}
	if (ret == -EMSGSIZE)
		rf_extack(info->extack, NULL,
			  "the profile and its VMs do not fit one message; the get-bindings dump has them");
	if (ret)
		goto unlock;
	ret = genlmsg_reply(msg, info);
unlock:
	mutex_unlock(&rf_cfg_lock);
out:
	put_pid(pid);
	return ret;
}

static int rf_dump_bindings(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rf_dump_pos pos = {
		.binding = cb->args[0], .item = cb->args[1], .vm_from = cb->args[2],
	};
	struct rf_binding *b;
	long idx = 0;
	int bkt, ret = 0;

	mutex_lock(&rf_cfg_lock);
	rf_reap_dead();
	/* A configuration change between the parts marks the dump interrupted. */
	cb->seq = rf_cfg_gen + 1;
	rcu_read_lock();
	rf_for_each_binding(b, bkt) {
		if (idx++ < pos.binding || !rf_may(cb->skb, b->pid, PTRACE_MODE_READ_REALCREDS))
			continue;
		ret = rf_fill_binding(skb, b, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      KVM_REGFILTER_CMD_GET_BINDINGS, &pos);
		if (ret) {
			/* This binding again, from pos, in the next message. */
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	mutex_unlock(&rf_cfg_lock);
	if (skb->len)
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	cb->args[0] = idx;
	cb->args[1] = pos.item;
	cb->args[2] = pos.vm_from;
	/* Nothing fitted an empty message: an error, not a loop. */
	if (ret < 0 && skb->len == 0)
		return ret;
	return skb->len;
}

static int rf_dump_vms(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *pa = rf_dumpit_attrs(cb)[KVM_REGFILTER_A_PID];
	struct pid *only = NULL;
	struct rf_vm *vm;
	long idx = 0, skip = cb->args[0];
	u32 from = cb->args[1];
	int bkt, ret = 0;
	void *hdr;

	if (pa) {
		only = find_get_pid(nla_get_u32(pa));
		if (!only)
			return -ESRCH;
	}
	rcu_read_lock();
	hash_for_each_rcu(rf_vms, bkt, vm, node) {
		if (idx++ < skip)
			continue;
		/* Going on inside a VM: that VM, or from the start if it is gone. */
		if (from && vm->id != cb->args[2])
			from = 0;
		if ((only && vm->owner != only) ||
		    !rf_may(cb->skb, vm->owner, PTRACE_MODE_READ_REALCREDS))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &rf_family, NLM_F_MULTI, KVM_REGFILTER_CMD_GET_VMS);
		ret = -EMSGSIZE;
		if (!hdr)
			goto full;
		if (nla_put_u32(skb, KVM_REGFILTER_A_PID, pid_vnr(vm->owner))) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		ret = rf_put_vm(skb, vm, &from);
		if (ret < 0) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		genlmsg_end(skb, hdr);
		/* Part of it: the rest, with the same id, in the next message. */
		if (ret > 0) {
			cb->args[2] = vm->id;
			goto full;
		}
		continue;
full:
		idx--;
		break;
	}
	rcu_read_unlock();
	put_pid(only);
	cb->args[0] = idx;
	cb->args[1] = from;
	if (ret < 0 && skb->len == 0)
		return ret;
	return skb->len;
}

static void rf_nl_default_event(u32 event, u32 nr);

/*
 * The host default reaches every VM of every process without a binding:
 * only CAP_SYS_ADMIN may set or clear it.
 */
static bool rf_default_may(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return true;
	rf_extack(info->extack, NULL,
		  "not permitted: the host default needs CAP_SYS_ADMIN");
	return false;
}

static int rf_set_default_op(struct sk_buff *skb, struct genl_info *info)
{
	struct rf_profile *p;
	u32 nr;
	int ret;

	if (!rf_default_may(skb, info))
		return -EPERM;
	if (info->attrs[KVM_REGFILTER_A_PID]) {
		rf_extack(info->extack, info->attrs[KVM_REGFILTER_A_PID],
			  "the host default is for every process: no pid");
		return -EINVAL;
	}
	p = rf_parse_profile(info);
	if (IS_ERR(p))
		return PTR_ERR(p);
	nr = p->nr;
	mutex_lock(&rf_cfg_lock);
	ret = rf_set_default(p, rf_req_force(info), info->extack);
	mutex_unlock(&rf_cfg_lock);
	if (ret)
		rf_profile_put(p);
	else
		rf_nl_default_event(KVM_REGFILTER_EVENT_DEFAULT_SET, nr);
	return ret;
}

static int rf_clear_default_op(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	if (!rf_default_may(skb, info))
		return -EPERM;
	mutex_lock(&rf_cfg_lock);
	ret = rf_set_default(NULL, rf_req_force(info), info->extack);
	mutex_unlock(&rf_cfg_lock);
	if (!ret)
		rf_nl_default_event(KVM_REGFILTER_EVENT_DEFAULT_CLEARED, 0);
	return ret;
}

/* Anyone may read the host default: it says what every new VM will see. */
static int rf_get_default_op(struct sk_buff *skb, struct genl_info *info)
{
	struct rf_profile *p = rf_default_get();
	struct sk_buff *msg;
	void *hdr;
	u32 i;
	int ret;

	if (!p) {
		rf_extack(info->extack, NULL, "no host default is set");
		return -ENOENT;
	}
	ret = -ENOMEM;
	msg = genlmsg_new(nla_total_size(KVM_REGFILTER_DESCRIPTION_LEN) +
			  p->nr * RF_ENTRY_MSG_SIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put_reply(msg, info, &rf_family, 0, KVM_REGFILTER_CMD_GET_DEFAULT);
	if (!hdr || nla_put_string(msg, KVM_REGFILTER_A_DESCRIPTION, p->desc))
		goto toobig;
	for (i = 0; i < p->nr; i++)
		if (rf_put_entry(msg, KVM_REGFILTER_A_ENTRY, &p->entries[i], -1))
			goto toobig;
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	goto out;
toobig:
	nlmsg_free(msg);
	ret = -EMSGSIZE;
out:
	rf_profile_put(p);
	return ret;
}

static const struct genl_small_ops rf_ops[] = {
	{
		.cmd = KVM_REGFILTER_CMD_SET_PROFILE,
		.doit = rf_set_profile,
	},
	{
		.cmd = KVM_REGFILTER_CMD_GET_PROFILE,
		.doit = rf_get_profile,
	},
	{
		.cmd = KVM_REGFILTER_CMD_CLEAR_PROFILE,
		.doit = rf_clear_profile,
	},
	{
		.cmd = KVM_REGFILTER_CMD_GET_BINDINGS,
		.dumpit = rf_dump_bindings,
	},
	{
		.cmd = KVM_REGFILTER_CMD_GET_VMS,
		.dumpit = rf_dump_vms,
	},
	{
		.cmd = KVM_REGFILTER_CMD_SET_DEFAULT,
		.doit = rf_set_default_op,
	},
	{
		.cmd = KVM_REGFILTER_CMD_GET_DEFAULT,
		.doit = rf_get_default_op,
	},
	{
		.cmd = KVM_REGFILTER_CMD_CLEAR_DEFAULT,
		.doit = rf_clear_default_op,
	},
};

/*
 * Events name every VM's process, registers and refused values: only
 * CAP_SYS_ADMIN may listen.  They are sent in the initial network
 * namespace, with the pid as the initial pid namespace numbers it.
 */
static const struct genl_multicast_group rf_mcgrps[] = {
	{ .name = KVM_REGFILTER_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};

static struct genl_family rf_family __ro_after_init = {
	.name = KVM_REGFILTER_FAMILY_NAME,
	.version = KVM_REGFILTER_FAMILY_VERSION,
	.maxattr = KVM_REGFILTER_A_MAX,
	.policy = rf_policy,
	.module = THIS_MODULE,
	.small_ops = rf_ops,
	.n_small_ops = ARRAY_SIZE(rf_ops),
	.resv_start_op = KVM_REGFILTER_CMD_MAX + 1,
	.mcgrps = rf_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rf_mcgrps),
};

void rf_nl_event(u32 event, struct rf_vm *vm, u64 reg, u64 value, u32 err)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&rf_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &rf_family, 0, KVM_REGFILTER_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(skb, KVM_REGFILTER_A_EVENT, event) ||
	    nla_put_u32(skb, KVM_REGFILTER_A_PID, pid_nr(vm->owner)) ||
	    nla_put_u32(skb, KVM_REGFILTER_A_EVENT_VM, vm->id) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_REG, reg, 0) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_VALUE, value, 0) ||
	    nla_put_u32(skb, KVM_REGFILTER_A_ERROR, err)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&rf_family, skb, 0, 0, GFP_KERNEL);
}

/* The host default changed: who did it, and its size. */
static void rf_nl_default_event(u32 event, u32 nr)
{
	struct sk_buff *skb;
	void *hdr;

	if (!genl_has_listeners(&rf_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return;
	hdr = genlmsg_put(skb, 0, 0, &rf_family, 0, KVM_REGFILTER_CMD_EVENT);
	if (!hdr ||
	    nla_put_u32(skb, KVM_REGFILTER_A_EVENT, event) ||
	    nla_put_u32(skb, KVM_REGFILTER_A_PID, task_tgid_nr(current)) ||
	    nla_put_u64_64bit(skb, KVM_REGFILTER_A_REG, nr, 0)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast(&rf_family, skb, 0, 0, GFP_KERNEL);
}

int rf_nl_init(void)
{
	return genl_register_family(&rf_family);
}

void rf_nl_exit(void)
{
	genl_unregister_family(&rf_family);
}

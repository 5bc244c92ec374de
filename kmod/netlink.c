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
	     nla_put_u32(skb, KVM_REGFILTER_A_ENTRY_POLICY, e->policy)))
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
 * One VM: counters, and the entries not applied in it (with why); entries
 * not listed are applied.  Under RCU, which keeps the VM alive, so not
 * under vm->lock, which sleeps and is held across KVM's vcpu ioctls:
 * vm->state_lock keeps the profile and its state array together.
 */
static int rf_put_vm(struct sk_buff *skb, struct rf_vm *vm)
{
	struct nlattr *nest;
	struct rf_profile *p;
	u8 *state;
	u32 i;

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
			      atomic64_read(&vm->pins_applied), 0))
		goto cancel;
	spin_lock(&vm->state_lock);
	p = vm->profile;
	state = vm->state;
	for (i = 0; p && i < p->nr; i++) {
		u8 st = READ_ONCE(state[i]);

		if (st == KVM_REGFILTER_STATE_APPLIED)
			continue;
		if (rf_put_entry(skb, KVM_REGFILTER_A_VM_ENTRY, &p->entries[i], st)) {
			spin_unlock(&vm->state_lock);
			goto cancel;
		}
	}
	spin_unlock(&vm->state_lock);
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int rf_fill_binding(struct sk_buff *skb, struct rf_binding *b, u32 portid,
			   u32 seq, int flags, u8 cmd)
{
	struct rf_profile *p = rcu_dereference_protected(b->profile,
							 lockdep_is_held(&rf_cfg_lock));
	struct rf_vm *vm;
	void *hdr;
	u32 i;
	int bkt;

	hdr = genlmsg_put(skb, portid, seq, &rf_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, KVM_REGFILTER_A_PID, pid_vnr(b->pid)) ||
	    nla_put_string(skb, KVM_REGFILTER_A_DESCRIPTION, p->desc))
		goto cancel;
	for (i = 0; i < p->nr; i++)
		if (rf_put_entry(skb, KVM_REGFILTER_A_ENTRY, &p->entries[i], -1))
			goto cancel;
	/* The caller's RCU read section keeps the VMs alive. */
	hash_for_each_rcu(rf_vms, bkt, vm, node) {
		if (vm->owner == b->pid && rf_put_vm(skb, vm))
			goto cancel;
	}
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static size_t rf_binding_size(struct rf_binding *b)
{
	struct rf_profile *p = rcu_dereference_protected(b->profile,
							 lockdep_is_held(&rf_cfg_lock));

	/* Per entry: nest, reg, action, value, policy, guard nest of three. */
	return nla_total_size(4) + nla_total_size(KVM_REGFILTER_DESCRIPTION_LEN) +
	       p->nr * 128 + 16 * (nla_total_size(0) + 9 * nla_total_size(8) +
				   p->nr * 32);
}

static int rf_get_profile(struct sk_buff *skb, struct genl_info *info)
{
	struct rf_binding *b;
	struct sk_buff *msg;
	struct pid *pid;
	int ret;

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
	msg = genlmsg_new(rf_binding_size(b), GFP_KERNEL);
	ret = -ENOMEM;
	if (!msg)
		goto unlock;
	rcu_read_lock();
	ret = rf_fill_binding(msg, b, info->snd_portid, info->snd_seq, 0,
			      KVM_REGFILTER_CMD_GET_PROFILE);
	rcu_read_unlock();
	if (ret) {
		nlmsg_free(msg);
		goto unlock;
	}
	ret = genlmsg_reply(msg, info);
unlock:
	mutex_unlock(&rf_cfg_lock);
out:
	put_pid(pid);
	return ret;
}

static int rf_dump_bindings(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct rf_binding *b;
	long idx = 0, skip = cb->args[0];
	int bkt, ret = 0;

	mutex_lock(&rf_cfg_lock);
	rf_reap_dead();
	rcu_read_lock();
	rf_for_each_binding(b, bkt) {
		if (idx++ < skip || !rf_may(cb->skb, b->pid, PTRACE_MODE_READ_REALCREDS))
			continue;
		ret = rf_fill_binding(skb, b, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      KVM_REGFILTER_CMD_GET_BINDINGS);
		if (ret) {
			idx--;
			break;
		}
	}
	rcu_read_unlock();
	mutex_unlock(&rf_cfg_lock);
	cb->args[0] = idx;
	/* A binding too big for an empty message is an error, not a loop. */
	if (ret && skb->len == 0)
		return ret;
	return skb->len;
}

static int rf_dump_vms(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nlattr *pa = rf_dumpit_attrs(cb)[KVM_REGFILTER_A_PID];
	struct pid *only = NULL;
	struct rf_vm *vm;
	long idx = 0, skip = cb->args[0];
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
		if ((only && vm->owner != only) ||
		    !rf_may(cb->skb, vm->owner, PTRACE_MODE_READ_REALCREDS))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				  &rf_family, NLM_F_MULTI, KVM_REGFILTER_CMD_GET_VMS);
		ret = -EMSGSIZE;
		if (!hdr)
			goto full;
		if (nla_put_u32(skb, KVM_REGFILTER_A_PID, pid_vnr(vm->owner)) ||
		    rf_put_vm(skb, vm)) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		genlmsg_end(skb, hdr);
		ret = 0;
		continue;
full:
		idx--;
		break;
	}
	rcu_read_unlock();
	put_pid(only);
	cb->args[0] = idx;
	if (ret && skb->len == 0)
		return ret;
	return skb->len;
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

int rf_nl_init(void)
{
	return genl_register_family(&rf_family);
}

void rf_nl_exit(void)
{
	genl_unregister_family(&rf_family);
}

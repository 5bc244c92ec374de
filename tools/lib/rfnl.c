// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libregfilter over libnl3: the requests of the kvm_regfilter family and
 * their replies.  Built like iw: extended acks on, the kernel's message
 * kept for the caller, attributes put with NLA_PUT_* and a failure label.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "rfnl.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct regfilter {
	struct nl_sock *sk;
	int family;
	char extack[256];
	/* The refused attribute's offset in the request (NLMSGERR_ATTR_OFFS). */
	bool has_bad_offs;
	uint32_t bad_offs;
	/* Which entry of the last set-profile the kernel refused, or -1. */
	int bad_entry;
};

const char *regfilter_extack(const struct regfilter *rf)
{
	return rf->extack;
}

int regfilter_bad_entry(const struct regfilter *rf)
{
	return rf->bad_entry;
}

/*
 * libnl's error code as the errno it stands for, so that callers see what
 * happened (an interrupted dump, a full socket buffer, a refused group)
 * rather than one EIO for everything.  libnl folds ENOBUFS (the socket's
 * receive buffer overflowed: messages were lost) into NLE_NOMEM; errno,
 * left by the failed recvmsg(), tells them apart.
 */
static int rf_errno(int nle, int sys)
{
	static const struct {
		int nle, err;
	} map[] = {
		{ NLE_INTR, EINTR },		{ NLE_DUMP_INTR, EINTR },
		{ NLE_AGAIN, EAGAIN },		{ NLE_BAD_SOCK, EBADF },
		{ NLE_EXIST, EEXIST },		{ NLE_INVAL, EINVAL },
		{ NLE_RANGE, ERANGE },		{ NLE_MSGSIZE, EMSGSIZE },
		{ NLE_MSG_TRUNC, EMSGSIZE },	{ NLE_OPNOTSUPP, EOPNOTSUPP },
		{ NLE_AF_NOSUPPORT, EAFNOSUPPORT }, { NLE_OBJ_NOTFOUND, ENOENT },
		{ NLE_NOATTR, ENOENT },		{ NLE_MSG_OVERFLOW, EOVERFLOW },
		{ NLE_MSG_TOOSHORT, EBADMSG },	{ NLE_PARSE_ERR, EBADMSG },
		{ NLE_SEQ_MISMATCH, EPROTO },	{ NLE_PROTO_MISMATCH, EPROTO },
		{ NLE_BUSY, EBUSY },		{ NLE_NOACCESS, EACCES },
		{ NLE_PERM, EPERM },		{ NLE_NODEV, ENODEV },
	};
	size_t i;

	if (nle < 0)
		nle = -nle;
	if (nle == NLE_NOMEM)
		return sys == ENOBUFS ? -ENOBUFS : -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (map[i].nle == nle)
			return -map[i].err;
	return -EIO;
}

static int rf_connect(struct regfilter **out)
{
	struct regfilter *rf = calloc(1, sizeof(*rf));
	int one = 1, ret;

	if (!rf)
		return -ENOMEM;
	rf->bad_entry = -1;
	rf->sk = nl_socket_alloc();
	if (!rf->sk) {
		free(rf);
		return -ENOMEM;
	}
	ret = genl_connect(rf->sk);
	if (ret) {
		ret = -ENOTCONN;
		goto err;
	}
	setsockopt(nl_socket_get_fd(rf->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	/* Resolving the family name also loads the module (its alias). */
	rf->family = genl_ctrl_resolve(rf->sk, KVM_REGFILTER_FAMILY_NAME);
	if (rf->family < 0) {
		ret = -ENOENT;
		goto err;
	}
	*out = rf;
	return 0;
err:
	nl_socket_free(rf->sk);
	free(rf);
	return ret;
}

int regfilter_open(struct regfilter **rf)
{
	return rf_connect(rf);
}

void regfilter_close(struct regfilter *rf)
{
	if (!rf)
		return;
	nl_socket_free(rf->sk);
	free(rf);
}

/* What a request's callbacks share: its result, where the extack goes. */
struct rf_req {
	int ret;		/* > 0 while waiting */
	struct regfilter *rf;
};

/* The kernel's extended-ack text, as iw's error handler takes it. */
static int rf_error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)err - 1;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct rf_req *req = arg;
	unsigned int ack_len = sizeof(*nlh) + sizeof(*err);
	int len = nlh->nlmsg_len;

	(void)nla;
	req->ret = err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		ack_len += err->msg.nlmsg_len - sizeof(*nlh);
	if (len <= (int)ack_len)
		return NL_STOP;
	nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)nlh + ack_len),
		  len - ack_len, NULL);
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(req->rf->extack, sizeof(req->rf->extack), "%s",
			 (char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS]) {
		req->rf->bad_offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
		req->rf->has_bad_offs = true;
	}
	return NL_STOP;
}

/*
 * The end of a dump carries the dump's error (an int after the header):
 * a dump that stopped on an error is a failure, not a shorter list.
 */
static int rf_finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct rf_req *req = arg;
	int err = 0;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
	req->ret = err < 0 ? err : 0;
	if (err < 0 && !req->rf->extack[0])
		snprintf(req->rf->extack, sizeof(req->rf->extack),
			 "the kernel stopped the dump: %s", strerror(-err));
	return NL_STOP;
}

static int rf_ack_cb(struct nl_msg *msg, void *arg)
{
	struct rf_req *req = arg;

	(void)msg;
	req->ret = 0;
	return NL_STOP;
}

/* Send msg, call valid for each reply, wait for the ack or the dump's end. */
static int rf_transact(struct regfilter *rf, struct nl_msg *msg,
		       int (*valid)(struct nl_msg *, void *), void *arg)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_DEFAULT);
	struct rf_req req = { .ret = 1, .rf = rf };
	int ret;

	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	rf->extack[0] = '\0';
	rf->has_bad_offs = false;
	rf->bad_entry = -1;
	ret = nl_send_auto(rf->sk, msg);
	if (ret < 0) {
		req.ret = rf_errno(ret, errno);
		goto out;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, rf_error_cb, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, rf_finish_cb, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, rf_ack_cb, &req);
	if (valid)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid, arg);
	while (req.ret > 0) {
		ret = nl_recvmsgs(rf->sk, cb);
		/*
		 * Also after the dump's end: libnl reports a dump that was
		 * interrupted by a change (NLM_F_DUMP_INTR, an inconsistent
		 * list) only once it has read the NLMSG_DONE.
		 */
		if (ret < 0 && req.ret >= 0)
			req.ret = rf_errno(ret, errno);
	}
out:
	nl_cb_put(cb);
	nlmsg_free(msg);
	return req.ret;
}

static struct nl_msg *rf_msg(struct regfilter *rf, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc_size(1 << 17);

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, rf->family, 0,
				flags, cmd, KVM_REGFILTER_FAMILY_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* *offs: where the entry starts in the message, for a refusal's offset. */
static int rf_put_entry(struct nl_msg *msg, const struct rf_prof_entry *e, uint32_t *offs)
{
	struct nlattr *nest, *g;

	nest = nla_nest_start(msg, KVM_REGFILTER_A_ENTRY);
	if (!nest)
		goto nla_put_failure;
	*offs = (char *)nest - (char *)nlmsg_hdr(msg);
	NLA_PUT_U64(msg, KVM_REGFILTER_A_ENTRY_REG, e->reg);
	NLA_PUT_U32(msg, KVM_REGFILTER_A_ENTRY_ACTION, e->action);
	if (e->action != KVM_REGFILTER_ACTION_HIDE)
		NLA_PUT_U64(msg, KVM_REGFILTER_A_ENTRY_VALUE, e->value);
	if (e->action == KVM_REGFILTER_ACTION_FAKE)
		NLA_PUT_U32(msg, KVM_REGFILTER_A_ENTRY_POLICY, e->policy);
	if (e->mask)
		NLA_PUT_U64(msg, KVM_REGFILTER_A_ENTRY_MASK, e->mask);
	if (e->has_guard) {
		g = nla_nest_start(msg, KVM_REGFILTER_A_ENTRY_GUARD);
		if (!g)
			goto nla_put_failure;
		NLA_PUT_U64(msg, KVM_REGFILTER_A_GUARD_REG, e->guard_reg);
		NLA_PUT_U64(msg, KVM_REGFILTER_A_GUARD_MASK, e->guard_mask);
		NLA_PUT_U64(msg, KVM_REGFILTER_A_GUARD_VALUE, e->guard_value);
		nla_nest_end(msg, g);
	}
	nla_nest_end(msg, nest);
	return 0;
nla_put_failure:
	return -EMSGSIZE;
}

/*
 * The entry a refusal's offset points into: the last one that starts at
 * or before it (the offset may name an attribute nested in the entry).
 */
int regfilter_entry_at(const uint32_t *offs, size_t nr, uint32_t bad, uint32_t end)
{
	size_t lo = 0, hi = nr;

	if (!nr || bad < offs[0] || bad >= end)
		return -1;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (offs[mid] <= bad)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

/* set-profile for pid, or set-default (pid 0). */
static int rf_set(struct regfilter *rf, uint8_t cmd, int pid, const struct rf_prof *p,
		  bool force)
{
	struct nl_msg *msg = rf_msg(rf, cmd, 0);
	uint32_t *offs = calloc(p->nr ? p->nr : 1, sizeof(*offs)), end;
	size_t i;
	int ret;

	if (!msg || !offs) {
		nlmsg_free(msg);
		free(offs);
		return -ENOMEM;
	}
	if (pid)
		NLA_PUT_U32(msg, KVM_REGFILTER_A_PID, pid);
	if (force)
		NLA_PUT_U32(msg, KVM_REGFILTER_A_FLAGS, KVM_REGFILTER_SET_FLAGS_FORCE);
	NLA_PUT_STRING(msg, KVM_REGFILTER_A_DESCRIPTION, p->description);
	for (i = 0; i < p->nr; i++)
		if (rf_put_entry(msg, &p->entries[i], &offs[i]))
			goto nla_put_failure;
	end = nlmsg_hdr(msg)->nlmsg_len;
	ret = rf_transact(rf, msg, NULL, NULL);
	if (ret && rf->has_bad_offs)
		rf->bad_entry = regfilter_entry_at(offs, p->nr, rf->bad_offs, end);
	free(offs);
	return ret;
nla_put_failure:
	nlmsg_free(msg);
	free(offs);
	return -EMSGSIZE;
}

int regfilter_set_profile(struct regfilter *rf, int pid, const struct rf_prof *p, bool force)
{
	return rf_set(rf, KVM_REGFILTER_CMD_SET_PROFILE, pid, p, force);
}

int regfilter_set_default(struct regfilter *rf, const struct rf_prof *p, bool force)
{
	return rf_set(rf, KVM_REGFILTER_CMD_SET_DEFAULT, 0, p, force);
}

/* clear-profile for pid, or clear-default (pid 0). */
static int rf_clear(struct regfilter *rf, uint8_t cmd, int pid, bool force)
{
	struct nl_msg *msg = rf_msg(rf, cmd, 0);

	if (!msg)
		return -ENOMEM;
	if (pid)
		NLA_PUT_U32(msg, KVM_REGFILTER_A_PID, pid);
	if (force)
		NLA_PUT_U32(msg, KVM_REGFILTER_A_FLAGS, KVM_REGFILTER_SET_FLAGS_FORCE);
	return rf_transact(rf, msg, NULL, NULL);
nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int regfilter_clear_profile(struct regfilter *rf, int pid, bool force)
{
	return rf_clear(rf, KVM_REGFILTER_CMD_CLEAR_PROFILE, pid, force);
}

int regfilter_clear_default(struct regfilter *rf, bool force)
{
	return rf_clear(rf, KVM_REGFILTER_CMD_CLEAR_DEFAULT, 0, force);
}

static void rf_parse_entry(struct nlattr *nest, struct rf_prof_entry *e,
			   uint32_t *state)
{
	struct nlattr *tb[KVM_REGFILTER_A_ENTRY_MAX + 1], *gb[KVM_REGFILTER_A_GUARD_MAX + 1];

	memset(e, 0, sizeof(*e));
	nla_parse_nested(tb, KVM_REGFILTER_A_ENTRY_MAX, nest, NULL);
	if (tb[KVM_REGFILTER_A_ENTRY_REG])
		e->reg = nla_get_u64(tb[KVM_REGFILTER_A_ENTRY_REG]);
	if (tb[KVM_REGFILTER_A_ENTRY_ACTION])
		e->action = nla_get_u32(tb[KVM_REGFILTER_A_ENTRY_ACTION]);
	if (tb[KVM_REGFILTER_A_ENTRY_VALUE])
		e->value = nla_get_u64(tb[KVM_REGFILTER_A_ENTRY_VALUE]);
	if (tb[KVM_REGFILTER_A_ENTRY_POLICY])
		e->policy = nla_get_u32(tb[KVM_REGFILTER_A_ENTRY_POLICY]);
	if (tb[KVM_REGFILTER_A_ENTRY_MASK])
		e->mask = nla_get_u64(tb[KVM_REGFILTER_A_ENTRY_MASK]);
	if (state && tb[KVM_REGFILTER_A_ENTRY_STATE])
		*state = nla_get_u32(tb[KVM_REGFILTER_A_ENTRY_STATE]);
	if (tb[KVM_REGFILTER_A_ENTRY_GUARD]) {
		nla_parse_nested(gb, KVM_REGFILTER_A_GUARD_MAX,
				 tb[KVM_REGFILTER_A_ENTRY_GUARD], NULL);
		e->has_guard = 1;
		if (gb[KVM_REGFILTER_A_GUARD_REG])
			e->guard_reg = nla_get_u64(gb[KVM_REGFILTER_A_GUARD_REG]);
		if (gb[KVM_REGFILTER_A_GUARD_MASK])
			e->guard_mask = nla_get_u64(gb[KVM_REGFILTER_A_GUARD_MASK]);
		if (gb[KVM_REGFILTER_A_GUARD_VALUE])
			e->guard_value = nla_get_u64(gb[KVM_REGFILTER_A_GUARD_VALUE]);
	}
}

static void get_u32(struct nlattr *a, uint32_t *v)
{
	if (a)
		*v = nla_get_u32(a);
}

static void get_u64(struct nlattr *a, uint64_t *v)
{
	if (a)
		*v = nla_get_u64(a);
}

/* Into vm as it is: a VM split over messages comes in parts. */
static int rf_parse_vm(struct nlattr *nest, struct regfilter_vm *vm)
{
	struct nlattr *tb[KVM_REGFILTER_A_VM_MAX + 1], *a;
	struct rf_prof_entry e;
	int rem;

	nla_parse_nested(tb, KVM_REGFILTER_A_VM_MAX, nest, NULL);
	get_u32(tb[KVM_REGFILTER_A_VM_ID], &vm->id);
	get_u32(tb[KVM_REGFILTER_A_VM_VCPUS], &vm->vcpus);
	get_u32(tb[KVM_REGFILTER_A_VM_SEALED], &vm->sealed);
	get_u64(tb[KVM_REGFILTER_A_VM_HIDDEN_REFUSED], &vm->hidden_refused);
	get_u64(tb[KVM_REGFILTER_A_VM_FAKE_READS], &vm->fake_reads);
	get_u64(tb[KVM_REGFILTER_A_VM_FAKE_WRITES], &vm->fake_writes);
	get_u64(tb[KVM_REGFILTER_A_VM_STRICT_REFUSED], &vm->strict_refused);
	get_u64(tb[KVM_REGFILTER_A_VM_PINS_APPLIED], &vm->pins_applied);
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != KVM_REGFILTER_A_VM_ENTRY ||
		    vm->nr_states >= KVM_REGFILTER_MAX_ENTRIES)
			continue;
		rf_parse_entry(a, &e, &vm->states[vm->nr_states].state);
		vm->states[vm->nr_states++].reg = e.reg;
	}
	return 0;
}

/* One binding message into b. */
static uint32_t rf_vm_id(struct nlattr *nest)
{
	struct nlattr *tb[KVM_REGFILTER_A_VM_MAX + 1];
	uint32_t id = 0;

	nla_parse_nested(tb, KVM_REGFILTER_A_VM_MAX, nest, NULL);
	get_u32(tb[KVM_REGFILTER_A_VM_ID], &id);
	return id;
}

static void rf_binding_init(struct regfilter_binding *b)
{
	memset(b, 0, sizeof(*b));
	rf_prof_init(&b->prof);
}

/*
 * One message into b, which rf_binding_init() made: a binding too large
 * for one message goes on in the next (same pid), and a VM too large goes
 * on in the next with its id again; both are appended.
 */
static int rf_parse_binding(struct nl_msg *msg, struct regfilter_binding *b)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *a;
	struct rf_prof_entry e;
	int rem;

	nla_for_each_attr(a, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), rem) {
		switch (nla_type(a)) {
		case KVM_REGFILTER_A_PID:
			b->pid = nla_get_u32(a);
			break;
		case KVM_REGFILTER_A_DESCRIPTION:
			snprintf(b->prof.description, sizeof(b->prof.description), "%s",
				 nla_get_string(a));
			break;
		case KVM_REGFILTER_A_ENTRY:
			rf_parse_entry(a, &e, NULL);
			if (rf_prof_add(&b->prof, &e))
				return -ENOMEM;
			break;
		case KVM_REGFILTER_A_VM: {
			struct regfilter_vm *vms;

			if (b->nr_vms && b->vms[b->nr_vms - 1].id == rf_vm_id(a)) {
				rf_parse_vm(a, &b->vms[b->nr_vms - 1]);
				break;
			}
			vms = realloc(b->vms, (b->nr_vms + 1) * sizeof(*vms));
			if (!vms)
				return -ENOMEM;
			b->vms = vms;
			memset(&b->vms[b->nr_vms], 0, sizeof(*vms));
			rf_parse_vm(a, &b->vms[b->nr_vms++]);
			break;
		}
		}
	}
	return 0;
}

void regfilter_binding_free(struct regfilter_binding *b)
{
	rf_prof_free(&b->prof);
	free(b->vms);
	b->vms = NULL;
	b->nr_vms = 0;
}

static int rf_get_cb(struct nl_msg *msg, void *arg)
{
	rf_parse_binding(msg, arg);
	return NL_OK;
}

int regfilter_get_profile(struct regfilter *rf, int pid, struct regfilter_binding *b)
{
	struct nl_msg *msg = rf_msg(rf, KVM_REGFILTER_CMD_GET_PROFILE, 0);

	if (!msg)
		return -ENOMEM;
	rf_binding_init(b);
	NLA_PUT_U32(msg, KVM_REGFILTER_A_PID, pid);
	return rf_transact(rf, msg, rf_get_cb, b);
nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int regfilter_get_default(struct regfilter *rf, struct regfilter_binding *b)
{
	struct nl_msg *msg = rf_msg(rf, KVM_REGFILTER_CMD_GET_DEFAULT, 0);

	if (!msg)
		return -ENOMEM;
	rf_binding_init(b);
	return rf_transact(rf, msg, rf_get_cb, b);
}

struct rf_list_arg {
	int (*cb)(const struct regfilter_binding *b, void *arg);
	void *arg;
	int stop;
	bool have;			/* b holds a binding not yet handed to cb */
	struct regfilter_binding b;
	int err;
};

static void rf_list_flush(struct rf_list_arg *la)
{
	if (la->have && !la->stop && !la->err)
		la->stop = la->cb(&la->b, la->arg);
	if (la->have)
		regfilter_binding_free(&la->b);
	la->have = false;
}

/* Consecutive messages with the same pid are one binding. */
static int rf_list_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct nlattr *pa = nla_find(genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0),
				     KVM_REGFILTER_A_PID);
	struct rf_list_arg *la = arg;
	int pid = pa ? (int)nla_get_u32(pa) : 0;

	if (la->stop)
		return NL_SKIP;
	if (!la->have || la->b.pid != pid) {
		rf_list_flush(la);
		rf_binding_init(&la->b);
		la->have = true;
	}
	if (rf_parse_binding(msg, &la->b))
		la->err = -ENOMEM;
	return NL_OK;
}

int regfilter_list(struct regfilter *rf,
		   int (*cb)(const struct regfilter_binding *b, void *arg), void *arg)
{
	struct rf_list_arg la = { .cb = cb, .arg = arg };
	struct nl_msg *msg = rf_msg(rf, KVM_REGFILTER_CMD_GET_BINDINGS, NLM_F_DUMP);
	int ret;

	if (!msg)
		return -ENOMEM;
	/* -EINTR: a change interrupted the dump, which may be inconsistent. */
	ret = rf_transact(rf, msg, rf_list_cb, &la);
	if (ret)
		la.err = ret;
	rf_list_flush(&la);
	return la.err;
}

int regfilter_events_open(struct regfilter **out)
{
	struct regfilter *rf;
	int grp, ret;

	ret = rf_connect(&rf);
	if (ret)
		return ret;
	grp = genl_ctrl_resolve_grp(rf->sk, KVM_REGFILTER_FAMILY_NAME,
				    KVM_REGFILTER_MCGRP_EVENTS);
	if (grp < 0) {
		regfilter_close(rf);
		return -ENOENT;
	}
	/* The group needs CAP_SYS_ADMIN: EPERM, not "not loaded". */
	ret = nl_socket_add_membership(rf->sk, grp);
	if (ret) {
		ret = rf_errno(ret, errno);
		regfilter_close(rf);
		return ret;
	}
	/* Room for bursts (a VM of many vcpus); a loss is still reported. */
	nl_socket_set_buffer_size(rf->sk, 0, 1 << 20);
	*out = rf;
	return 0;
}

static int rf_event_cb(struct nl_msg *msg, void *arg)
{
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));
	struct regfilter_event *ev = arg;
	struct nlattr *tb[KVM_REGFILTER_A_MAX + 1];

	if (gh->cmd != KVM_REGFILTER_CMD_EVENT)
		return NL_SKIP;
	nla_parse(tb, KVM_REGFILTER_A_MAX, genlmsg_attrdata(gh, 0), genlmsg_attrlen(gh, 0), NULL);
	memset(ev, 0, sizeof(*ev));
	if (tb[KVM_REGFILTER_A_EVENT])
		ev->event = nla_get_u32(tb[KVM_REGFILTER_A_EVENT]);
	if (tb[KVM_REGFILTER_A_PID])
		ev->pid = nla_get_u32(tb[KVM_REGFILTER_A_PID]);
	if (tb[KVM_REGFILTER_A_EVENT_VM])
		ev->vm = nla_get_u32(tb[KVM_REGFILTER_A_EVENT_VM]);
	if (tb[KVM_REGFILTER_A_REG])
		ev->reg = nla_get_u64(tb[KVM_REGFILTER_A_REG]);
	if (tb[KVM_REGFILTER_A_VALUE])
		ev->value = nla_get_u64(tb[KVM_REGFILTER_A_VALUE]);
	if (tb[KVM_REGFILTER_A_ERROR])
		ev->error = nla_get_u32(tb[KVM_REGFILTER_A_ERROR]);
	return NL_STOP;
}

static int rf_no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int regfilter_event_next(struct regfilter *rf, struct regfilter_event *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(rf->sk), .events = POLLIN };
	struct nl_cb *cb;
	int ret;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -ETIMEDOUT;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	ev->event = UINT32_MAX;
	/* Multicast messages carry no sequence number of ours. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, rf_no_seq_check, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, rf_event_cb, ev);
	errno = 0;
	ret = nl_recvmsgs(rf->sk, cb);
	if (ret < 0)
		ret = rf_errno(ret, errno);
	nl_cb_put(cb);
	if (ret < 0)
		return ret;
	return ev->event == UINT32_MAX ? -EAGAIN : 0;
}

const char *regfilter_state_name(uint32_t state)
{
	static const char *const names[] = {
		"pending", "applied", "guard-failed", "shadowed", "absent", "refused",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "unknown";
}

const char *regfilter_event_name(uint32_t event)
{
	static const char *const names[] = {
		[KVM_REGFILTER_EVENT_STRICT_WRITE_REFUSED] = "strict-write-refused",
		[KVM_REGFILTER_EVENT_GUARD_FAILED] = "guard-failed",
		[KVM_REGFILTER_EVENT_SHADOWED] = "shadowed",
		[KVM_REGFILTER_EVENT_PIN_ABSENT] = "pin-absent",
		[KVM_REGFILTER_EVENT_PIN_REFUSED] = "pin-refused",
		[KVM_REGFILTER_EVENT_DEFAULT_SET] = "default-set",
		[KVM_REGFILTER_EVENT_DEFAULT_CLEARED] = "default-cleared",
	};

	return event < ARRAY_SIZE(names) ? names[event] : "unknown";
}

const char *regfilter_action_name(uint32_t action)
{
	static const char *const names[] = { "hide", "fake", "pin" };

	return action < 3 ? names[action] : "unknown";
}

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "rf_nl.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif

/* Per thread: tests call these from several threads at once. */
static __thread struct rf_msg scratch_msg;
/* get-profile of a full profile with its VMs is one large message. */
static __thread char rxbuf[1 << 20];

uint32_t rf_attr_u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, rf_attr_data(a), sizeof(v));
	return v;
}

uint64_t rf_attr_u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, rf_attr_data(a), sizeof(v));
	return v;
}

void rf_msg_init(struct rf_msg *m, struct rf_nl *nl, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	struct genlmsghdr *g = (struct genlmsghdr *)NLMSG_DATA(h);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_type = nl->family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++nl->seq;
	g->cmd = cmd;
	g->version = KVM_REGFILTER_FAMILY_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->depth = 0;
}

void rf_put(struct rf_msg *m, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->len);

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) > sizeof(m->buf))
		return;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_HDRLEN + NLA_ALIGN(len);
}

void rf_put_u32(struct rf_msg *m, uint16_t type, uint32_t v)
{
	rf_put(m, type, &v, sizeof(v));
}

void rf_put_u64(struct rf_msg *m, uint16_t type, uint64_t v)
{
	rf_put(m, type, &v, sizeof(v));
}

void rf_put_str(struct rf_msg *m, uint16_t type, const char *s)
{
	rf_put(m, type, s, strlen(s) + 1);
}

void rf_nest_start(struct rf_msg *m, uint16_t type)
{
	m->nest[m->depth++] = m->len;
	rf_put(m, type | NLA_F_NESTED, NULL, 0);
}

void rf_nest_end(struct rf_msg *m)
{
	struct nlattr *a = (struct nlattr *)(m->buf + m->nest[--m->depth]);

	a->nla_len = m->len - m->nest[m->depth];
}

static void rf_parse_extack(struct rf_nl *nl, const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = NLMSG_DATA(h);
	const struct nlattr *a;
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	int len;

	nl->extack[0] = '\0';
	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	len = (int)h->nlmsg_len - (int)off;
	rf_for_each_attr(a, (const struct nlattr *)((const char *)h + off), len)
		if (a->nla_type == NLMSGERR_ATTR_MSG)
			snprintf(nl->extack, sizeof(nl->extack), "%s",
				 (const char *)rf_attr_data(a));
}

int rf_nl_transact(struct rf_nl *nl, struct rf_msg *m, rf_reply_cb cb, void *arg)
{
	struct nlmsghdr *h = (struct nlmsghdr *)m->buf;
	uint32_t seq = h->nlmsg_seq;

	h->nlmsg_len = m->len;
	nl->extack[0] = '\0';
	if (send(nl->fd, m->buf, m->len, 0) < 0)
		return -errno;
	for (;;) {
		ssize_t n = recv(nl->fd, rxbuf, sizeof(rxbuf), 0);
		int len;

		if (n < 0)
			return -errno;
		len = n;
		for (h = (struct nlmsghdr *)rxbuf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				rf_parse_extack(nl, h);
				return e->error;
			}
			/* A dump's end carries its error: a partial dump is not a success. */
			if (h->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
					memcpy(&err, NLMSG_DATA(h), sizeof(err));
				return err;
			}
			if (cb) {
				const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;

				cb((const struct nlattr *)p,
				   (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN, arg);
			}
		}
	}
}

struct resolve {
	uint16_t family;
	uint32_t grp;
};

static void resolve_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct resolve *r = arg;
	const struct nlattr *a, *g, *ga;
	int l2, l3;

	rf_for_each_attr(a, attrs, len) {
		if (a->nla_type == CTRL_ATTR_FAMILY_ID)
			r->family = *(const uint16_t *)rf_attr_data(a);
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		l2 = rf_attr_len(a);
		rf_for_each_attr(g, (const struct nlattr *)rf_attr_data(a), l2) {
			uint32_t id = 0;
			bool events = false;

			l3 = rf_attr_len(g);
			rf_for_each_attr(ga, (const struct nlattr *)rf_attr_data(g), l3) {
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_ID)
					id = rf_attr_u32(ga);
				if (ga->nla_type == CTRL_ATTR_MCAST_GRP_NAME &&
				    !strcmp(rf_attr_data(ga), KVM_REGFILTER_MCGRP_EVENTS))
					events = true;
			}
			if (events)
				r->grp = id;
		}
	}
}

int rf_nl_open(struct rf_nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct rf_nl ctrl = { .family = GENL_ID_CTRL };
	struct resolve r = { 0 };
	struct timeval tv = { .tv_sec = 10 };
	int one = 1, ret;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto err;
	ctrl.fd = nl->fd;
	rf_msg_init(&scratch_msg, &ctrl, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)NLMSG_DATA(scratch_msg.buf))->version = 2;
	rf_put_str(&scratch_msg, CTRL_ATTR_FAMILY_NAME, KVM_REGFILTER_FAMILY_NAME);
	ret = rf_nl_transact(&ctrl, &scratch_msg, resolve_cb, &r);
	if (ret) {
		close(nl->fd);
		return ret;
	}
	nl->family = r.family;
	nl->events_grp = r.grp;
	nl->seq = ctrl.seq;
	return 0;
err:
	ret = -errno;
	close(nl->fd);
	return ret;
}

void rf_nl_close(struct rf_nl *nl)
{
	close(nl->fd);
}

void rf_nl_set_timeout(struct rf_nl *nl, int seconds)
{
	struct timeval tv = { .tv_sec = seconds };

	setsockopt(nl->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

int rf_nl_join_events(struct rf_nl *nl)
{
	if (setsockopt(nl->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &nl->events_grp, sizeof(nl->events_grp)) < 0)
		return -errno;
	return 0;
}

static void put_entries(struct rf_msg *m, const struct rf_test_entry *e, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		rf_nest_start(m, KVM_REGFILTER_A_ENTRY);
		rf_put_u64(m, KVM_REGFILTER_A_ENTRY_REG, e[i].reg);
		rf_put_u32(m, KVM_REGFILTER_A_ENTRY_ACTION, e[i].action);
		if (e[i].action != KVM_REGFILTER_ACTION_HIDE)
			rf_put_u64(m, KVM_REGFILTER_A_ENTRY_VALUE, e[i].value);
		if (e[i].policy)
			rf_put_u32(m, KVM_REGFILTER_A_ENTRY_POLICY, e[i].policy);
		if (e[i].mask)
			rf_put_u64(m, KVM_REGFILTER_A_ENTRY_MASK, e[i].mask);
		if (e[i].guard) {
			rf_nest_start(m, KVM_REGFILTER_A_ENTRY_GUARD);
			rf_put_u64(m, KVM_REGFILTER_A_GUARD_REG, e[i].guard_reg);
			rf_put_u64(m, KVM_REGFILTER_A_GUARD_MASK, e[i].guard_mask);
			rf_put_u64(m, KVM_REGFILTER_A_GUARD_VALUE, e[i].guard_value);
			rf_nest_end(m);
		}
		rf_nest_end(m);
	}
}

int rf_set_profile(struct rf_nl *nl, int pid, uint32_t flags,
		   const struct rf_test_entry *e, int n)
{
	rf_msg_init(&scratch_msg, nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(&scratch_msg, KVM_REGFILTER_A_PID, pid);
	if (flags)
		rf_put_u32(&scratch_msg, KVM_REGFILTER_A_FLAGS, flags);
	rf_put_str(&scratch_msg, KVM_REGFILTER_A_DESCRIPTION, "selftest");
	put_entries(&scratch_msg, e, n);
	return rf_nl_transact(nl, &scratch_msg, NULL, NULL);
}

int rf_clear_profile(struct rf_nl *nl, int pid, uint32_t flags)
{
	rf_msg_init(&scratch_msg, nl, KVM_REGFILTER_CMD_CLEAR_PROFILE, 0);
	rf_put_u32(&scratch_msg, KVM_REGFILTER_A_PID, pid);
	if (flags)
		rf_put_u32(&scratch_msg, KVM_REGFILTER_A_FLAGS, flags);
	return rf_nl_transact(nl, &scratch_msg, NULL, NULL);
}

int rf_set_default(struct rf_nl *nl, uint32_t flags, const struct rf_test_entry *e, int n)
{
	rf_msg_init(&scratch_msg, nl, KVM_REGFILTER_CMD_SET_DEFAULT, 0);
	if (flags)
		rf_put_u32(&scratch_msg, KVM_REGFILTER_A_FLAGS, flags);
	rf_put_str(&scratch_msg, KVM_REGFILTER_A_DESCRIPTION, "selftest default");
	put_entries(&scratch_msg, e, n);
	return rf_nl_transact(nl, &scratch_msg, NULL, NULL);
}

int rf_clear_default(struct rf_nl *nl, uint32_t flags)
{
	rf_msg_init(&scratch_msg, nl, KVM_REGFILTER_CMD_CLEAR_DEFAULT, 0);
	if (flags)
		rf_put_u32(&scratch_msg, KVM_REGFILTER_A_FLAGS, flags);
	return rf_nl_transact(nl, &scratch_msg, NULL, NULL);
}

static void count_entries_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *a;

	rf_for_each_attr(a, attrs, len)
		if ((a->nla_type & NLA_TYPE_MASK) == KVM_REGFILTER_A_ENTRY)
			(*(int *)arg)++;
}

int rf_get_default_entries(struct rf_nl *nl)
{
	int n = 0, ret;

	rf_msg_init(&scratch_msg, nl, KVM_REGFILTER_CMD_GET_DEFAULT, 0);
	ret = rf_nl_transact(nl, &scratch_msg, count_entries_cb, &n);
	return ret ? ret : n;
}

static uint32_t msg_pid(const struct nlattr *attrs, int len)
{
	const struct nlattr *a;

	rf_for_each_attr(a, attrs, len)
		if ((a->nla_type & NLA_TYPE_MASK) == KVM_REGFILTER_A_PID)
			return rf_attr_u32(a);
	return 0;
}

struct count_arg {
	int n;
	uint32_t last;
};

/* A binding too large for one message goes on in the next, same pid. */
static void count_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct count_arg *c = arg;
	uint32_t pid = msg_pid(attrs, len);

	if (!c->n || pid != c->last)
		c->n++;
	c->last = pid;
}

int rf_count_bindings(struct rf_nl *nl)
{
	struct count_arg c = { 0 };
	int ret;

	rf_msg_init(&scratch_msg, nl, KVM_REGFILTER_CMD_GET_BINDINGS, NLM_F_DUMP);
	ret = rf_nl_transact(nl, &scratch_msg, count_cb, &c);
	return ret ? ret : c.n;
}

struct profile_arg {
	int entries, vm_states;
};

static void profile_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct profile_arg *pa = arg;
	const struct nlattr *a, *v;
	int l2;

	rf_for_each_attr(a, attrs, len) {
		if ((a->nla_type & NLA_TYPE_MASK) == KVM_REGFILTER_A_ENTRY)
			pa->entries++;
		if ((a->nla_type & NLA_TYPE_MASK) != KVM_REGFILTER_A_VM)
			continue;
		l2 = rf_attr_len(a);
		rf_for_each_attr(v, (const struct nlattr *)rf_attr_data(a), l2)
			pa->vm_states += (v->nla_type & NLA_TYPE_MASK) == KVM_REGFILTER_A_VM_ENTRY;
	}
}

int rf_get_profile_counts(struct rf_nl *nl, int pid, uint32_t cmd, int *entries,
			  int *vm_states)
{
	struct profile_arg pa = { 0 };
	int ret;

	rf_msg_init(&scratch_msg, nl, cmd,
		    cmd == KVM_REGFILTER_CMD_GET_BINDINGS ? NLM_F_DUMP : 0);
	if (cmd == KVM_REGFILTER_CMD_GET_PROFILE)
		rf_put_u32(&scratch_msg, KVM_REGFILTER_A_PID, pid);
	ret = rf_nl_transact(nl, &scratch_msg, profile_cb, &pa);
	*entries = pa.entries;
	*vm_states = pa.vm_states;
	return ret;
}

struct vms_arg {
	struct rf_vm_info *vms;
	int max, n;
};

static void vms_cb(const struct nlattr *attrs, int len, void *arg)
{
	struct vms_arg *va = arg;
	const struct nlattr *a, *v, *e;
	int l2, l3;

	rf_for_each_attr(a, attrs, len) {
		struct rf_vm_info *vm;

		if ((a->nla_type & NLA_TYPE_MASK) != KVM_REGFILTER_A_VM)
			continue;
		l2 = rf_attr_len(a);
		/* A VM split over messages repeats its id: go on filling it. */
		vm = NULL;
		rf_for_each_attr(v, (const struct nlattr *)rf_attr_data(a), l2)
			if ((v->nla_type & NLA_TYPE_MASK) == KVM_REGFILTER_A_VM_ID && va->n &&
			    va->vms[va->n - 1].id == rf_attr_u32(v))
				vm = &va->vms[va->n - 1];
		if (!vm) {
			if (va->n >= va->max)
				continue;
			vm = &va->vms[va->n++];
			memset(vm, 0, sizeof(*vm));
		}
		l2 = rf_attr_len(a);
		rf_for_each_attr(v, (const struct nlattr *)rf_attr_data(a), l2) {
			switch (v->nla_type & NLA_TYPE_MASK) {
			case KVM_REGFILTER_A_VM_ID:
				vm->id = rf_attr_u32(v);
				break;
			case KVM_REGFILTER_A_VM_VCPUS:
				vm->vcpus = rf_attr_u32(v);
				break;
			case KVM_REGFILTER_A_VM_SEALED:
				vm->sealed = rf_attr_u32(v);
				break;
			case KVM_REGFILTER_A_VM_HIDDEN_REFUSED:
				vm->hidden_refused = rf_attr_u64(v);
				break;
			case KVM_REGFILTER_A_VM_FAKE_READS:
				vm->fake_reads = rf_attr_u64(v);
				break;
			case KVM_REGFILTER_A_VM_FAKE_WRITES:
				vm->fake_writes = rf_attr_u64(v);
				break;
			case KVM_REGFILTER_A_VM_STRICT_REFUSED:
				vm->strict_refused = rf_attr_u64(v);
				break;
			case KVM_REGFILTER_A_VM_PINS_APPLIED:
				vm->pins_applied = rf_attr_u64(v);
				break;
			case KVM_REGFILTER_A_VM_ENTRY:
				vm->all_states++;
				if (vm->nr_states >= 64)
					break;
				l3 = rf_attr_len(v);
				rf_for_each_attr(e, (const struct nlattr *)rf_attr_data(v), l3) {
					if (e->nla_type == KVM_REGFILTER_A_ENTRY_REG)
						vm->states[vm->nr_states].reg = rf_attr_u64(e);
					if (e->nla_type == KVM_REGFILTER_A_ENTRY_STATE)
						vm->states[vm->nr_states].state = rf_attr_u32(e);
				}
				vm->nr_states++;
				break;
			}
		}
	}
}

int rf_get_vms(struct rf_nl *nl, int pid, struct rf_vm_info *vms, int max)
{
	struct vms_arg va = { .vms = vms, .max = max };
	int ret;

	rf_msg_init(&scratch_msg, nl, KVM_REGFILTER_CMD_GET_VMS, NLM_F_DUMP);
	/* No pid: every VM the caller may see (the family takes no pid 0). */
	if (pid)
		rf_put_u32(&scratch_msg, KVM_REGFILTER_A_PID, pid);
	ret = rf_nl_transact(nl, &scratch_msg, vms_cb, &va);
	return ret ? ret : va.n;
}

int rf_next_event(struct rf_nl *nl, struct rf_event *ev, int timeout_ms)
{
	struct pollfd pfd = { .fd = nl->fd, .events = POLLIN };
	const struct nlattr *a;
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	for (;;) {
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		n = recv(nl->fd, rxbuf, sizeof(rxbuf), 0);
		if (n < 0)
			return -errno;
		len = n;
		for (h = (struct nlmsghdr *)rxbuf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			const struct genlmsghdr *g = NLMSG_DATA(h);
			int al = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

			if (h->nlmsg_type != nl->family || g->cmd != KVM_REGFILTER_CMD_EVENT)
				continue;
			memset(ev, 0, sizeof(*ev));
			const struct nlattr *head = (const void *)((const char *)g + GENL_HDRLEN);

			rf_for_each_attr(a, head, al) {
				switch (a->nla_type) {
				case KVM_REGFILTER_A_EVENT:
					ev->event = rf_attr_u32(a);
					break;
				case KVM_REGFILTER_A_PID:
					ev->pid = rf_attr_u32(a);
					break;
				case KVM_REGFILTER_A_EVENT_VM:
					ev->vm = rf_attr_u32(a);
					break;
				case KVM_REGFILTER_A_REG:
					ev->reg = rf_attr_u64(a);
					break;
				case KVM_REGFILTER_A_VALUE:
					ev->value = rf_attr_u64(a);
					break;
				case KVM_REGFILTER_A_ERROR:
					ev->error = rf_attr_u32(a);
					break;
				}
			}
			return 0;
		}
	}
}

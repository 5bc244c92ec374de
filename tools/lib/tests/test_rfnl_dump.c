// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test of libregfilter's dump handling, with a peer that plays
 * the kernel's part over NETLINK_USERSOCK (which lets one user socket
 * answer another, unprivileged): a dump that ends with an error in its
 * NLMSG_DONE is a failure, not a shorter list (issue 16, item 2: before
 * the fix regfilter_list() returned 0 and `regctl list` exited 0 on a
 * partial list); NLM_F_DUMP_INTR is EINTR.  rfnl.c is compiled in, to
 * reach struct regfilter.  Prints TAP.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <unistd.h>
#include <sys/socket.h>

#include "../rfnl.c"
#include "tap.h"


#define FAMILY	0x42	/* any type: the peer answers whatever it is asked */

struct peer {
	int fd;
	int done_error;		/* in NLMSG_DONE */
	bool intr;		/* NLM_F_DUMP_INTR on the binding's message */
};

/* Answer one dump: a binding (pid 7, one hide), then NLMSG_DONE. */
static void *peer_fn(void *arg)
{
	struct peer *p = arg;
	char req[4096], buf[512];
	struct sockaddr_nl from;
	socklen_t fl = sizeof(from);
	struct nlmsghdr *rq = (struct nlmsghdr *)req, *h;
	struct genlmsghdr *g;
	struct nlattr *a, *e;
	size_t off;
	ssize_t n;

	n = recvfrom(p->fd, req, sizeof(req), 0, (struct sockaddr *)&from, &fl);
	if (n < (ssize_t)sizeof(*rq))
		return NULL;
	memset(buf, 0, sizeof(buf));
	h = (struct nlmsghdr *)buf;
	h->nlmsg_type = FAMILY;
	h->nlmsg_flags = NLM_F_MULTI | (p->intr ? NLM_F_DUMP_INTR : 0);
	h->nlmsg_seq = rq->nlmsg_seq;
	h->nlmsg_pid = rq->nlmsg_pid;
	g = NLMSG_DATA(h);
	g->cmd = KVM_REGFILTER_CMD_GET_BINDINGS;
	off = NLMSG_HDRLEN + GENL_HDRLEN;
	a = (struct nlattr *)(buf + off);
	a->nla_type = KVM_REGFILTER_A_PID;
	a->nla_len = NLA_HDRLEN + 4;
	*(uint32_t *)((char *)a + NLA_HDRLEN) = 7;
	off += NLA_ALIGN(a->nla_len);
	a = (struct nlattr *)(buf + off);
	a->nla_type = KVM_REGFILTER_A_ENTRY | NLA_F_NESTED;
	e = (struct nlattr *)((char *)a + NLA_HDRLEN);
	e->nla_type = KVM_REGFILTER_A_ENTRY_REG;
	e->nla_len = NLA_HDRLEN + 8;
	*(uint64_t *)((char *)e + NLA_HDRLEN) = 0x603000000013c681ULL;
	e = (struct nlattr *)((char *)e + NLA_ALIGN(e->nla_len));
	e->nla_type = KVM_REGFILTER_A_ENTRY_ACTION;
	e->nla_len = NLA_HDRLEN + 4;
	a->nla_len = NLA_HDRLEN + NLA_ALIGN(NLA_HDRLEN + 8) + NLA_HDRLEN + 4;
	off += NLA_ALIGN(a->nla_len);
	h->nlmsg_len = off;
	/* NLMSG_DONE, its error after the header, as netlink_dump() puts it. */
	h = (struct nlmsghdr *)(buf + NLMSG_ALIGN(off));
	h->nlmsg_type = NLMSG_DONE;
	h->nlmsg_flags = NLM_F_MULTI;
	h->nlmsg_seq = rq->nlmsg_seq;
	h->nlmsg_pid = rq->nlmsg_pid;
	h->nlmsg_len = NLMSG_LENGTH(sizeof(int));
	*(int *)NLMSG_DATA(h) = p->done_error;
	sendto(p->fd, buf, NLMSG_ALIGN(off) + h->nlmsg_len, 0, (struct sockaddr *)&from,
	       sizeof(from));
	return NULL;
}

static int count_cb(const struct regfilter_binding *b, void *arg)
{
	(void)b;
	(*(int *)arg)++;
	return 0;
}

/* regfilter_list() against a peer that ends the dump as told. */
static int list_against(int done_error, bool intr, int *seen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t sl = sizeof(sa);
	struct peer p = { .done_error = done_error, .intr = intr };
	struct regfilter rf = { .bad_entry = -1, .family = FAMILY };
	pthread_t t;
	int ret;

	p.fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_USERSOCK);
	if (p.fd < 0 || bind(p.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(p.fd, (struct sockaddr *)&sa, &sl))
		return -errno;
	rf.sk = nl_socket_alloc();
	if (!rf.sk || nl_connect(rf.sk, NETLINK_USERSOCK))
		return -ENOTCONN;
	nl_socket_set_peer_port(rf.sk, sa.nl_pid);
	pthread_create(&t, NULL, peer_fn, &p);
	*seen = 0;
	ret = regfilter_list(&rf, count_cb, seen);
	pthread_join(t, NULL);
	nl_socket_free(rf.sk);
	close(p.fd);
	return ret;
}

int main(void)
{
	int ret, seen;

	printf("TAP version 13\n1..3\n");
	ret = list_against(0, false, &seen);
	check(ret == 0 && seen == 1, "a dump that ends well: its one binding, 0");
	if (ret || seen != 1)
		printf("# returned %d, %d bindings\n", ret, seen);
	ret = list_against(-EMSGSIZE, false, &seen);
	check(ret == -EMSGSIZE, "an error in NLMSG_DONE fails the dump (not a shorter list)");
	if (ret != -EMSGSIZE)
		printf("# returned %d (%s), %d bindings\n", ret, strerror(-ret), seen);
	ret = list_against(0, true, &seen);
	check(ret == -EINTR, "a dump interrupted by a change (NLM_F_DUMP_INTR): EINTR");
	if (ret != -EINTR)
		printf("# returned %d (%s), %d bindings\n", ret, strerror(-ret), seen);
	return tap_done();
}

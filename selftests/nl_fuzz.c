// SPDX-License-Identifier: GPL-2.0
/*
 * Structured fuzzing of the kvm_regfilter family, from its YNL spec.
 *
 * gen_nl_fuzz.py turns the spec into tables (nl_fuzz_spec.h): every
 * operation with its request attributes, every attribute set with each
 * attribute's type, nesting, multi-attr and enum bound.  Each message
 * here is one of the spec's operations (or, now and then, an unknown
 * command), with flags, attributes and nests drawn from those tables and
 * then bent: wrong lengths, values past the enum, strings without a NUL
 * or too long, nests of garbage or without NLA_F_NESTED, unknown and
 * repeated attributes, entries past KVM_REGFILTER_MAX_ENTRIES, pids that
 * are ours, a child's, init's, or nobody's.
 *
 * Run as root and as an unprivileged user.  Judged by: every message gets
 * an answer (no hang), none an errno that means the kernel lost its way
 * (EFAULT, EIO), bindings return to where they were (no leak), and the
 * kernel log stays clean (the rig's scan; kmemleak in the debug kernel).
 * REGFILTER_FUZZ_MESSAGES (per identity, default 20000) and
 * REGFILTER_FUZZ_SEED (default 1) make a run repeatable.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "rf_nl.h"

enum fz_kind { FZ_U32, FZ_U64, FZ_STRING, FZ_NEST, FZ_FLAG, FZ_BINARY };

struct fz_attr {
	const char *name;
	uint16_t type;
	enum fz_kind kind;
	int nested;		/* index in fz_sets, or -1 */
	bool multi;
	uint32_t enum_max;	/* highest valid value (or mask), 0 if none */
};

struct fz_set {
	const char *name;
	const struct fz_attr *attrs;
	int n;
};

struct fz_op {
	const char *name;
	uint8_t cmd;
	bool has_do, has_dump;
	int set;
	const char *const *req;
	int nreq;
};

#include "nl_fuzz_spec.h"

#define NR_OPS		((int)ARRAY_SIZE(fz_ops))
#define MAX_ERRNO	160

struct fuzzer {
	unsigned int seed;
	pid_t child;
	bool root;		/* then pid 1 is never configured */
	struct rf_msg m;
	long sent, answered, no_answer, bad;
	long per_op[NR_OPS + 1];
	long err[MAX_ERRNO];
	char first_bad[448];
};

static unsigned int rnd(struct fuzzer *f, unsigned int n)
{
	return n ? rand_r(&f->seed) % n : 0;
}

static bool chance(struct fuzzer *f, int percent)
{
	return (int)rnd(f, 100) < percent;
}

static uint64_t rnd64(struct fuzzer *f)
{
	return (uint64_t)rand_r(&f->seed) << 33 ^ (uint64_t)rand_r(&f->seed) << 11 ^
	       rand_r(&f->seed);
}

static uint32_t fuzz_pid(struct fuzzer *f)
{
	switch (rnd(f, 8)) {
	case 0:
		return 0;
	case 1:
		return f->root ? f->child : 1;
	case 2:
		return 0x7fffffff;
	case 3:
		return rnd64(f);
	case 4:
	case 5:
		return f->child;
	default:
		return getpid();
	}
}

static uint64_t fuzz_reg(struct fuzzer *f)
{
	switch (rnd(f, 6)) {
	case 0:
	case 1:
		return 0x6030000000130000ULL | rnd(f, 0x10000);	/* sysreg */
	case 2:
		return 0x6030000000140000ULL | rnd(f, 4);	/* firmware */
	case 3:
		return 0x6030000000160000ULL | rnd(f, 8);	/* bitmaps */
	case 4:
		return 0x6020000000110000ULL | rnd(f, 16);	/* demux */
	default:
		return rnd64(f);
	}
}

/* A scalar's payload: usually its own size, sometimes not. */
static void put_scalar(struct fuzzer *f, const struct fz_attr *a, uint16_t type)
{
	uint8_t buf[16];
	uint64_t v;
	size_t len = a->kind == FZ_U32 ? 4 : 8;

	if (!strcmp(a->name, "pid"))
		v = fuzz_pid(f);
	else if (!strcmp(a->name, "reg"))
		v = fuzz_reg(f);
	else if (a->enum_max && chance(f, 60))
		v = rnd(f, a->enum_max + 1);
	else if (a->enum_max && chance(f, 50))
		v = a->enum_max + 1 + rnd(f, 4);
	else
		v = chance(f, 50) ? rnd(f, 16) : rnd64(f);
	memset(buf, 0xa5, sizeof(buf));
	memcpy(buf, &v, 8);
	if (chance(f, 8))
		len = rnd(f, 13);
	rf_put(&f->m, type, buf, len);
}

static void put_string(struct fuzzer *f, uint16_t type)
{
	char buf[320];
	size_t len;

	switch (rnd(f, 6)) {
	case 0:
		rf_put(&f->m, type, "", 0);			/* no NUL at all */
		return;
	case 1:
		len = 120 + rnd(f, 200);			/* too long */
		break;
	case 2:
		len = 1 + rnd(f, 40);
		memset(buf, 'x', len);
		rf_put(&f->m, type, buf, len);			/* no NUL */
		return;
	default:
		len = rnd(f, 40);
		break;
	}
	memset(buf, 'd', len);
	buf[len] = 0;
	rf_put(&f->m, type, buf, len + 1);
}

static void put_set(struct fuzzer *f, int set, int depth, const char *const *req, int nreq);

static void put_nest(struct fuzzer *f, const struct fz_attr *a, uint16_t type, int depth)
{
	uint8_t junk[24];
	size_t i;

	if (depth > 3 || chance(f, 8)) {
		for (i = 0; i < sizeof(junk); i++)
			junk[i] = rnd(f, 256);
		rf_put(&f->m, type | (chance(f, 50) ? NLA_F_NESTED : 0), junk,
		       rnd(f, sizeof(junk) + 1));
		return;
	}
	if (f->m.depth >= 7)
		return;
	rf_nest_start(&f->m, type);
	if (chance(f, 5)) {	/* the nested flag missing */
		struct nlattr *n = (struct nlattr *)(f->m.buf + f->m.nest[f->m.depth - 1]);

		n->nla_type &= ~NLA_F_NESTED;
	}
	put_set(f, a->nested, depth + 1, NULL, 0);
	rf_nest_end(&f->m);
}

static void put_attr(struct fuzzer *f, const struct fz_attr *a, int depth)
{
	int n = 1, i;

	if (a->multi) {
		n = chance(f, 80) ? rnd(f, 5) : chance(f, 75) ? 5 + rnd(f, 60) :
		    KVM_REGFILTER_MAX_ENTRIES - 2 + rnd(f, 80);
		if (depth > 0 && n > 64)
			n = 64;
	} else if (chance(f, 3)) {
		n = 2;		/* repeated where once is the rule */
	}
	for (i = 0; i < n; i++) {
		switch (a->kind) {
		case FZ_U32:
		case FZ_U64:
			put_scalar(f, a, a->type);
			break;
		case FZ_STRING:
			put_string(f, a->type);
			break;
		case FZ_NEST:
			put_nest(f, a, a->type, depth);
			break;
		default:
			rf_put(&f->m, a->type, NULL, 0);
			break;
		}
	}
}

/* The request's attributes usually, any of the set's sometimes, unknown ones rarely. */
static void put_set(struct fuzzer *f, int set, int depth, const char *const *req, int nreq)
{
	const struct fz_set *s = &fz_sets[set];
	int i, k;

	for (i = 0; i < s->n; i++) {
		bool wanted = !req;

		for (k = 0; k < nreq; k++)
			wanted |= req[k] && !strcmp(req[k], s->attrs[i].name);
		if (chance(f, wanted ? 80 : 5))
			put_attr(f, &s->attrs[i], depth);
	}
	if (chance(f, 4)) {
		uint32_t v = rnd64(f);

		rf_put_u32(&f->m, s->n + 1 + rnd(f, 8), v);	/* past the set's max */
	}
}

static void fuzz_one(struct __test_metadata *_metadata, struct fuzzer *f, struct rf_nl *nl)
{
	static const uint16_t extra[] = { 0, 0, 0, NLM_F_DUMP, NLM_F_ECHO, NLM_F_EXCL,
					  NLM_F_CREATE, NLM_F_REPLACE, NLM_F_ROOT };
	int op = chance(f, 93) ? (int)rnd(f, NR_OPS) : -1, ret;
	uint8_t cmd = op >= 0 ? fz_ops[op].cmd : rnd(f, 256);
	uint16_t flags = extra[rnd(f, ARRAY_SIZE(extra))];

	if (op >= 0 && fz_ops[op].has_dump && chance(f, 85))
		flags |= NLM_F_DUMP;
	rf_msg_init(&f->m, nl, cmd, flags);
	if (chance(f, 3))
		((struct genlmsghdr *)NLMSG_DATA(f->m.buf))->version = rnd(f, 256);
	put_set(f, op >= 0 ? fz_ops[op].set : FZ_SET_REGFILTER, 0,
		op >= 0 ? fz_ops[op].req : NULL, op >= 0 ? fz_ops[op].nreq : 0);
	f->per_op[op >= 0 ? op : NR_OPS]++;
	f->sent++;
	ret = rf_nl_transact(nl, &f->m, NULL, NULL);
	if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
		/* SO_RCVTIMEO: no answer within 10 s. */
		f->no_answer++;
		return;
	}
	f->answered++;
	if (ret < 0 && -ret < MAX_ERRNO)
		f->err[-ret]++;
	if (ret == -EFAULT || ret == -EIO || ret > 0 || -ret >= MAX_ERRNO) {
		if (!f->bad++)
			snprintf(f->first_bad, sizeof(f->first_bad), "%s (cmd %u): %d %s",
				 op >= 0 ? fz_ops[op].name : "unknown", cmd, ret, nl->extack);
	}
}

static void fuzz_report(struct __test_metadata *_metadata, const char *who, struct fuzzer *f)
{
	char line[512];
	int i, len = 0;

	for (i = 0; i <= NR_OPS; i++)
		len += snprintf(line + len, sizeof(line) - len, "%s%s %ld", i ? ", " : "",
				i < NR_OPS ? fz_ops[i].name : "unknown", f->per_op[i]);
	TH_LOG("%s: %ld messages (%s), %ld answered, %ld unanswered", who, f->sent, line,
	       f->answered, f->no_answer);
	len = 0;
	line[0] = 0;
	for (i = 0; i < MAX_ERRNO; i++)
		if (f->err[i] && len < (int)sizeof(line) - 40)
			len += snprintf(line + len, sizeof(line) - len, " %s %ld;",
					strerrorname_np(i) ?: "?", f->err[i]);
	TH_LOG("%s: errors:%s", who, line);
	if (f->bad)
		TH_LOG("%s: %ld answers that mean trouble, the first: %s", who, f->bad,
		       f->first_bad);
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v ? atol(v) : def;
}

/* A sleeping child of the fuzzing process, to be "another process". */
static pid_t sleeper(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause();
		_exit(0);
	}
	return pid;
}

static int fuzz_as(struct __test_metadata *_metadata, struct fuzzer *f, long n)
{
	struct rf_nl nl;
	long i;

	if (rf_nl_open(&nl))
		return -1;
	f->child = sleeper();
	for (i = 0; i < n; i++)
		fuzz_one(_metadata, f, &nl);
	kill(f->child, SIGKILL);
	waitpid(f->child, NULL, 0);
	rf_clear_profile(&nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE);
	/* A host default the fuzzer set would filter the next tests' VMs. */
	if (f->root)
		rf_clear_default(&nl, KVM_REGFILTER_SET_FLAGS_FORCE);
	rf_nl_close(&nl);
	return 0;
}

/* The bindings root sees, once the reaper has had the time to run. */
static int settled_bindings(struct rf_nl *nl)
{
	sleep(2);
	return rf_count_bindings(nl);
}

FIXTURE(fuzz) {
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, as_root, 900)
{
	long n = env_long("REGFILTER_FUZZ_MESSAGES", 20000);
	struct fuzzer *f = calloc(1, sizeof(*f));
	struct rf_nl nl;
	int before, after;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(0, rf_nl_open(&nl));
	before = rf_count_bindings(&nl);
	ASSERT_LE(0, before);
	f->seed = env_long("REGFILTER_FUZZ_SEED", 1);
	f->root = true;
	TH_LOG("seed %u, %ld messages, %d bindings before", f->seed, n, before);
	ASSERT_EQ(0, fuzz_as(_metadata, f, n));
	fuzz_report(_metadata, "root", f);
	EXPECT_EQ(0, f->no_answer);
	EXPECT_EQ(0, f->bad);
	EXPECT_EQ(n, f->sent);
	after = settled_bindings(&nl);
	TH_LOG("%d bindings after", after);
	EXPECT_EQ(before, after);
	rf_nl_close(&nl);
	free(f);
}

TEST_F_TIMEOUT(fuzz, as_unprivileged, 900)
{
	long n = env_long("REGFILTER_FUZZ_MESSAGES", 20000);
	struct rf_nl nl;
	int before, after, status;
	pid_t child;

	ASSERT_EQ(0, rf_nl_open(&nl));
	before = rf_count_bindings(&nl);
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct fuzzer *f = calloc(1, sizeof(*f));

		if (!f || setgid(65534) || setuid(65534) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
			_exit(10);
		f->seed = env_long("REGFILTER_FUZZ_SEED", 1) + 1;
		if (fuzz_as(_metadata, f, n))
			_exit(11);
		fuzz_report(_metadata, "user 65534", f);
		_exit(f->no_answer || f->bad || f->sent != n ? 12 : 0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	after = settled_bindings(&nl);
	TH_LOG("%d bindings before, %d after", before, after);
	EXPECT_EQ(before, after);
	rf_nl_close(&nl);
}

TEST_HARNESS_MAIN

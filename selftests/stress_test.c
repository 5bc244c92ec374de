// SPDX-License-Identifier: GPL-2.0
/*
 * The module under load from every side at once: 64 vcpus in 4 VMs, 8
 * threads driving them (KVM_RUN of a guest, KVM_ARM_VCPU_INIT, GET and SET
 * of fakes and of real and hidden registers, KVM_GET_REG_LIST as QEMU asks
 * for it), while other threads force profile changes and clears, dump
 * bindings and VMs, listen to events, make and destroy VMs, fork processes
 * that bind themselves and exit mid-work, and try to unload the module.
 *
 * Judged by what a VMM sees: every list a vcpu is given equals the list
 * of one of the profiles (or KVM's own, when cleared), every error is one
 * the moment allows, rmmod never succeeds while vcpus are open, and the
 * kernel log stays clean (the rig scans it; under the debug kernel that
 * includes KASAN, lockdep, RCU and kmemleak).  REGFILTER_STRESS_SECONDS
 * sets the duration (default 30).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"
#include "rf_nl.h"

#define SYSREG(op0, op1, crn, crm, op2) \
	(0x6030000000130000ULL | ((op0) << 14) | ((op1) << 11) | ((crn) << 7) | \
	 ((crm) << 3) | (op2))
#define CONTEXTIDR_EL1		SYSREG(3, 0, 13, 0, 1)
#define TPIDR_EL1		SYSREG(3, 0, 13, 0, 4)
#define FAKE_A			SYSREG(3, 0, 15, 14, 0)
#define FAKE_B0			SYSREG(3, 0, 15, 13, 0)
#define FAKE_B1			SYSREG(3, 0, 15, 13, 1)
#define RF_PSCI_VERSION		0x6030000000140000ULL

#define NR_VMS		4
#define VCPUS_PER_VM	16
#define NR_DRIVERS	8
#define NR_VCPUS	(NR_VMS * VCPUS_PER_VM)

static const struct rf_test_entry profile_a[] = {
	{ .reg = CONTEXTIDR_EL1, .action = KVM_REGFILTER_ACTION_HIDE },
	{ .reg = FAKE_A, .action = KVM_REGFILTER_ACTION_FAKE, .value = 0xa },
};

static const struct rf_test_entry profile_b[] = {
	{ .reg = TPIDR_EL1, .action = KVM_REGFILTER_ACTION_HIDE },
	{ .reg = FAKE_B0, .action = KVM_REGFILTER_ACTION_FAKE, .value = 0xb0 },
	{ .reg = FAKE_B1, .action = KVM_REGFILTER_ACTION_FAKE, .value = 0xb1,
	  .policy = KVM_REGFILTER_POLICY_STRICT },
	{ .reg = RF_PSCI_VERSION, .action = KVM_REGFILTER_ACTION_PIN, .value = 0x10000 },
};

/* The lists a vcpu may be given: KVM's own, under a, under b. */
struct allowed {
	uint64_t *ids[3];
	uint64_t n[3];
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* KVM's own list minus `hide`, plus the fakes, sorted. */
static void make_allowed(uint64_t **out, uint64_t *nout, const struct kvm_reg_list *kvm,
			 uint64_t hide, const uint64_t *fakes, int nfakes)
{
	uint64_t *ids = calloc(kvm->n + nfakes, 8), n = 0, i;

	for (i = 0; i < kvm->n; i++)
		if (kvm->reg[i] != hide)
			ids[n++] = kvm->reg[i];
	for (i = 0; i < (uint64_t)nfakes; i++)
		ids[n++] = fakes[i];
	qsort(ids, n, 8, cmp_u64);
	*out = ids;
	*nout = n;
}

static bool list_allowed(const struct allowed *a, struct kvm_reg_list *l)
{
	int k;

	qsort(l->reg, l->n, 8, cmp_u64);
	for (k = 0; k < 3; k++)
		if (l->n == a->n[k] && !memcmp(l->reg, a->ids[k], l->n * 8))
			return true;
	return false;
}

struct stats {
	long lists, gets, sets, inits, runs, retries;
	long bad_lists, errors;
	char first_error[320];
};

static bool stop;

/*
 * What each thread is doing, and its tid: a thread still busy long after
 * the stop is named, with its kernel stack, instead of hanging the run.
 */
#define NR_SIDES	5
#define NR_THREADS	(NR_DRIVERS + NR_SIDES)
static const char *doing[NR_THREADS];
static pid_t tids[NR_THREADS];
static __thread int slot;

static void at(const char *what)
{
	__atomic_store_n(&doing[slot], what, __ATOMIC_RELAXED);
}

static void thread_start(int s)
{
	slot = s;
	tids[s] = syscall(SYS_gettid);
}

static struct allowed allowed;

static void note_error(struct stats *s, const char *what, int err)
{
	if (!s->errors++)
		snprintf(s->first_error, sizeof(s->first_error), "%s: %s", what,
			 strerror(err));
}

struct driven {
	struct test_vm *vm;
	struct test_guest g;
};

struct driver {
	int slot;
	struct driven *v[NR_VCPUS / NR_DRIVERS];
	unsigned int seed;
	struct stats s;
};

static void drive_list(struct driver *d, int fd)
{
	struct kvm_reg_list probe = { .n = 0 }, *l;
	int ret;

	if (ioctl(fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG) {
		note_error(&d->s, "list count", errno);
		return;
	}
	l = calloc(1, sizeof(*l) + probe.n * 8);
	l->n = probe.n;
	ret = ioctl(fd, KVM_GET_REG_LIST, l) < 0 ? errno : 0;
	if (ret == E2BIG) {
		/* The profile changed between count and fetch: QEMU asks again. */
		d->s.retries++;
	} else if (ret) {
		note_error(&d->s, "list", ret);
	} else {
		d->s.lists++;
		if (!list_allowed(&allowed, l) && !d->s.bad_lists++)
			snprintf(d->s.first_error, sizeof(d->s.first_error),
				 "a list of %llu registers that no profile gives",
				 (unsigned long long)l->n);
	}
	free(l);
}

static void drive_one(struct driver *d, struct driven *v)
{
	static const uint64_t regs[] = { FAKE_A, FAKE_B0, FAKE_B1, TPIDR_EL1,
					 CONTEXTIDR_EL1, RF_PSCI_VERSION };
	uint64_t reg = regs[rand_r(&d->seed) % 6], val;
	int op = rand_r(&d->seed) % 10, ret;

	switch (op) {
	case 0:
	case 1:
		at("KVM_GET_REG_LIST");
		drive_list(d, v->g.vcpu_fd);
		break;
	case 2:
	case 3:
	case 4:
		at("KVM_GET_ONE_REG");
		ret = test_get_reg(v->g.vcpu_fd, reg, &val);
		/* Absent under the profile of the moment; nothing else. */
		if (ret && ret != -ENOENT)
			note_error(&d->s, "GET", -ret);
		d->s.gets++;
		break;
	case 5:
	case 6:
		at("KVM_GET_ONE_REG, KVM_SET_ONE_REG");
		if (test_get_reg(v->g.vcpu_fd, reg, &val))
			break;
		ret = test_set_reg(v->g.vcpu_fd, reg, reg == FAKE_B1 ? 0xb1 : val);
		/*
		 * ENOENT: the profile changed between GET and SET; EBUSY: KVM
		 * refuses a firmware register change after the first run.
		 */
		if (ret && ret != -ENOENT && !(ret == -EBUSY && reg == RF_PSCI_VERSION))
			note_error(&d->s, "SET", -ret);
		d->s.sets++;
		break;
	case 7:
		at("KVM_ARM_VCPU_INIT");
		ret = test_vcpu_init(v->vm, v->g.vcpu_fd);
		if (ret)
			note_error(&d->s, "KVM_ARM_VCPU_INIT", -ret);
		/*
		 * The last MMIO exit is still pending, and KVM steps over
		 * the store at the next KVM_RUN: complete it now (with
		 * immediate_exit the run returns at once), then point the
		 * reset vcpu at the guest's start.  Stepping from a reset PC
		 * would skip the loop's counter and spin 2^64 times.
		 */
		v->g.run->immediate_exit = 1;
		if (ioctl(v->g.vcpu_fd, KVM_RUN, 0) == 0 || errno != EINTR)
			note_error(&d->s, "KVM_RUN (immediate_exit)", errno);
		v->g.run->immediate_exit = 0;
		ret = test_guest_reset_pc(&v->g);
		if (ret)
			note_error(&d->s, "PC", -ret);
		d->s.inits++;
		break;
	default:
		at("KVM_RUN");
		/* The guest starts over by itself after each exit. */
		ret = test_guest_run_mmio(&v->g, &val);
		if (ret)
			note_error(&d->s, "KVM_RUN", -ret);
		d->s.runs++;
		break;
	}
}

static void *driver_fn(void *arg)
{
	struct driver *d = arg;

	thread_start(d->slot);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		drive_one(d, d->v[rand_r(&d->seed) % (NR_VCPUS / NR_DRIVERS)]);
	at("done");
	return NULL;
}

struct side {
	int slot;
	long ops, errors;
	double max_s;		/* the slowest request or round */
	char first_error[320];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void slowest(struct side *s, double since)
{
	double d = now() - since;

	if (d > s->max_s)
		s->max_s = d;
}

/*
 * The emulated host runs 2 CPUs for 64 vcpus and 13 threads: a request
 * may wait its turn for seconds.  How long it waited is reported.
 */
#define REQUEST_TIMEOUT	120

static void side_error(struct side *s, const char *what, int err)
{
	if (!s->errors++)
		snprintf(s->first_error, sizeof(s->first_error), "%s%s%s", what,
			 err ? ": " : "", err ? strerror(err) : "");
}

/* Forced profile changes and clears of this process. */
static void *config_fn(void *arg)
{
	struct side *s = arg;
	struct rf_nl nl;
	int ret;

	thread_start(s->slot);
	at("set-profile/clear-profile");
	if (rf_nl_open(&nl)) {
		side_error(s, "netlink", errno);
		return NULL;
	}
	rf_nl_set_timeout(&nl, REQUEST_TIMEOUT);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		double t = now();

		switch (s->ops % 3) {
		case 0:
			ret = rf_set_profile(&nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE,
					     profile_a, 2);
			break;
		case 1:
			ret = rf_set_profile(&nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE,
					     profile_b, 4);
			break;
		default:
			ret = rf_clear_profile(&nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE);
			break;
		}
		if (ret)
			side_error(s, nl.extack[0] ? nl.extack : "set/clear", -ret);
		slowest(s, t);
		s->ops++;
		usleep(2000);
	}
	rf_nl_close(&nl);
	return NULL;
}

/* Dumps of bindings and VMs; and events, on a socket made again and again. */
static void *dump_fn(void *arg)
{
	struct side *s = arg;
	struct rf_vm_info vi[8];
	struct rf_event ev;
	struct rf_nl nl, evnl;
	int ret;

	thread_start(s->slot);
	if (rf_nl_open(&nl)) {
		side_error(s, "netlink", errno);
		return NULL;
	}
	rf_nl_set_timeout(&nl, REQUEST_TIMEOUT);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		double t = now();

		at("get-bindings");
		ret = rf_count_bindings(&nl);
		if (ret < 0)
			side_error(s, "get-bindings", -ret);
		at("get-vms");
		ret = rf_get_vms(&nl, getpid(), vi, 8);
		if (ret < 0 && ret != -ESRCH)
			side_error(s, "get-vms", -ret);
		slowest(s, t);
		if (!rf_nl_open(&evnl)) {
			int n = 0;

			at("events");
			/* Events may come faster than 5 ms apart: take a few. */
			if (rf_nl_join_events(&evnl) == 0)
				while (n++ < 64 && rf_next_event(&evnl, &ev, 5) == 0)
					;
			rf_nl_close(&evnl);
		}
		s->ops++;
	}
	rf_nl_close(&nl);
	return NULL;
}

/* VMs made, used and destroyed, beside the driven ones. */
static void *churn_fn(void *arg)
{
	struct side *s = arg;
	struct kvm_reg_list *l;
	struct test_vm vm;
	int fd[4], i;

	thread_start(s->slot);
	at("VM churn");
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		if (test_vm_create(&vm)) {
			side_error(s, "KVM_CREATE_VM", errno);
			continue;
		}
		for (i = 0; i < 4; i++) {
			fd[i] = test_vcpu_add(&vm, i);
			if (fd[i] < 0) {
				side_error(s, "vcpu", -fd[i]);
				continue;
			}
			l = test_vcpu_reg_list(fd[i]);
			if (!l && errno != E2BIG)
				side_error(s, "churn list", errno);
			free(l);
		}
		for (i = 0; i < 4; i++)
			if (fd[i] >= 0)
				close(fd[i]);
		test_vm_destroy(&vm);
		s->ops++;
	}
	return NULL;
}

/* Processes that bind themselves, start a VM and die in the middle. */
static void *exiter_fn(void *arg)
{
	struct side *s = arg;
	int status;
	pid_t pid;

	thread_start(s->slot);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		at("fork");
		pid = fork();
		if (pid == 0) {
			struct test_vm vm;
			struct rf_nl nl;
			int fd;

			/*
			 * The parent's vcpu fds came along: initialised vcpus
			 * the filter may not have seen (made while the profile
			 * was cleared), for which an unforced bind is refused,
			 * rightly.  A VMM's child starts without them.
			 */
			closefrom(3);
			if (rf_nl_open(&nl))
				_exit(1);
			rf_nl_set_timeout(&nl, REQUEST_TIMEOUT);
			if (rf_set_profile(&nl, getpid(), 0, profile_b, 4))
				_exit(2);
			if (test_vm_create(&vm))
				_exit(3);
			fd = test_vcpu_add(&vm, 0);
			if (fd >= 0)
				free(test_vcpu_reg_list(fd));
			_exit(fd < 0 ? 4 : 0);
		}
		at("waitpid of a bound child");
		if (pid < 0 || waitpid(pid, &status, 0) != pid) {
			side_error(s, "fork", errno);
		} else if (WEXITSTATUS(status)) {
			static const char *const step[] = {
				"", "child: netlink", "child: set-profile",
				"child: KVM_CREATE_VM", "child: vcpu",
			};
			int st = WEXITSTATUS(status);

			side_error(s, st < 5 ? step[st] : "child", 0);
		}
		s->ops++;
	}
	return NULL;
}

/* rmmod while vcpu files are open: always refused. */
static void *rmmod_fn(void *arg)
{
	struct side *s = arg;

	thread_start(s->slot);
	at("delete_module");
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		if (syscall(SYS_delete_module, "kvm_regfilter", O_NONBLOCK) == 0)
			side_error(s, "rmmod succeeded with vcpus open", 0);
		else if (errno != EWOULDBLOCK && errno != EBUSY)
			side_error(s, "rmmod", errno);
		s->ops++;
		usleep(50000);
	}
	return NULL;
}

/* Join a thread, or after `seconds` say what it is stuck in and where. */
static bool join_or_tell(struct __test_metadata *_metadata, pthread_t t, int s,
			 int seconds)
{
	struct timespec ts;
	char path[64], line[256];
	FILE *f;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += seconds;
	if (pthread_timedjoin_np(t, NULL, &ts) == 0)
		return true;
	TH_LOG("thread %d (tid %d) still in %s %d s after the stop; its kernel stack:",
	       s, tids[s], __atomic_load_n(&doing[s], __ATOMIC_RELAXED), seconds);
	snprintf(path, sizeof(path), "/proc/self/task/%d/stack", tids[s]);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		TH_LOG("  %s", strtok(line, "\n"));
	if (f)
		fclose(f);
	return false;
}

FIXTURE(stress) {
	struct test_vm vm[NR_VMS];
	struct driven v[NR_VCPUS];
	struct driver d[NR_DRIVERS];
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, everything_at_once, 900)
{
	static const uint64_t fakes_a[] = { FAKE_A };
	static const uint64_t fakes_b[] = { FAKE_B0, FAKE_B1 };
	const char *env = getenv("REGFILTER_STRESS_SECONDS");
	int seconds = env ? atoi(env) : 30, i, k;
	static const char *const side_names[] = {
		"profile changes", "dumps", "VMs made and destroyed",
		"processes bound and exited", "rmmod attempts",
	};
	void *(*side_fns[])(void *) = { config_fn, dump_fn, churn_fn, exiter_fn, rmmod_fn };
	struct side side[NR_SIDES] = { 0 };
	pthread_t dt[NR_DRIVERS], st[NR_SIDES];
	struct kvm_reg_list *kl;
	struct stats total = { 0 };
	struct rf_nl nl;
	int stuck = 0;
	double t0;

	kl = test_unbound_reg_list();
	ASSERT_NE(NULL, kl);
	allowed.ids[0] = calloc(kl->n, 8);
	memcpy(allowed.ids[0], kl->reg, kl->n * 8);
	allowed.n[0] = kl->n;
	qsort(allowed.ids[0], kl->n, 8, cmp_u64);
	make_allowed(&allowed.ids[1], &allowed.n[1], kl, CONTEXTIDR_EL1, fakes_a, 1);
	make_allowed(&allowed.ids[2], &allowed.n[2], kl, TPIDR_EL1, fakes_b, 2);

	ASSERT_EQ(0, rf_nl_open(&nl));
	ASSERT_EQ(0, rf_set_profile(&nl, getpid(), 0, profile_a, 2));
	for (i = 0; i < NR_VMS; i++) {
		ASSERT_EQ(0, test_vm_create(&self->vm[i]));
		for (k = 0; k < VCPUS_PER_VM; k++) {
			struct driven *v = &self->v[i * VCPUS_PER_VM + k];
			int fd = test_vcpu_add(&self->vm[i], k);

			ASSERT_LE(0, fd) TH_LOG("vcpu %d of VM %d", k, i);
			v->vm = &self->vm[i];
			if (k == 0) {
				ASSERT_EQ(0, test_guest_load(&self->vm[i], &v->g, fd,
							     guest_loop, guest_loop_len));
			} else {
				v->g.vcpu_fd = fd;
				v->g.run_size = self->v[i * VCPUS_PER_VM].g.run_size;
				v->g.run = mmap(NULL, v->g.run_size, PROT_READ | PROT_WRITE,
						MAP_SHARED, fd, 0);
				ASSERT_NE(MAP_FAILED, v->g.run);
				ASSERT_EQ(0, test_guest_reset_pc(&v->g));
			}
		}
	}
	for (i = 0; i < NR_DRIVERS; i++) {
		self->d[i].slot = i;
		self->d[i].seed = i + 1;
		for (k = 0; k < NR_VCPUS / NR_DRIVERS; k++)
			self->d[i].v[k] = &self->v[i + k * NR_DRIVERS];
	}

	t0 = time(NULL);
	for (i = 0; i < NR_DRIVERS; i++)
		ASSERT_EQ(0, pthread_create(&dt[i], NULL, driver_fn, &self->d[i]));
	for (i = 0; i < NR_SIDES; i++) {
		side[i].slot = NR_DRIVERS + i;
		ASSERT_EQ(0, pthread_create(&st[i], NULL, side_fns[i], &side[i]));
	}
	sleep(seconds);
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < NR_DRIVERS; i++) {
		struct stats *s = &self->d[i].s;

		if (!join_or_tell(_metadata, dt[i], i, 60)) {
			stuck++;
			continue;
		}
		total.lists += s->lists;
		total.gets += s->gets;
		total.sets += s->sets;
		total.inits += s->inits;
		total.runs += s->runs;
		total.retries += s->retries;
		total.bad_lists += s->bad_lists;
		total.errors += s->errors;
		if (s->errors || s->bad_lists)
			TH_LOG("driver %d: %s", i, s->first_error);
	}
	for (i = 0; i < NR_SIDES; i++) {
		if (!join_or_tell(_metadata, st[i], NR_DRIVERS + i, 60)) {
			stuck++;
			continue;
		}
		TH_LOG("%s: %ld, %ld errors%s%s; slowest %.2f s", side_names[i], side[i].ops,
		       side[i].errors, side[i].errors ? ", first: " : "", side[i].first_error,
		       side[i].max_s);
		EXPECT_EQ(0, side[i].errors);
		EXPECT_LT(0, side[i].ops);
	}
	TH_LOG("%d vcpus in %d VMs, %.0f s: %ld lists (%ld asked again after a change)",
	       NR_VCPUS, NR_VMS, time(NULL) - t0, total.lists, total.retries);
	TH_LOG("%ld GETs, %ld SETs, %ld inits, %ld runs", total.gets, total.sets,
	       total.inits, total.runs);
	ASSERT_EQ(0, stuck) TH_LOG("threads stuck after the stop");
	EXPECT_EQ(0, total.bad_lists);
	EXPECT_EQ(0, total.errors);
	EXPECT_LT(0, total.lists);
	EXPECT_LT(0, total.runs);
	rf_nl_close(&nl);
	free(kl);
}

TEST_HARNESS_MAIN

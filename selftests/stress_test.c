// SPDX-License-Identifier: GPL-2.0
/*
 * The module under load from every side at once: 64 vcpus in 4 VMs, 8
 * threads driving them (KVM_RUN of a guest, KVM_ARM_VCPU_INIT, GET and SET
 * of fakes and of real and hidden registers, KVM_GET_REG_LIST as QEMU asks
 * for it), while other threads force profile changes and clears, dump
 * bindings and VMs, listen to events, make and destroy VMs, fork processes
 * that bind themselves and exit mid-work, and try to unload the module.
 * Beside them, a VM that never runs has an ID register written again and
 * again (as a VMM applies a CPU model before the first KVM_RUN) while a
 * helper lists its vcpus, reads and writes its fakes and initialises them:
 * the module evaluates its entries again after each change, racing all of
 * the above.
 *
 * Judged by what a VMM sees: every list a vcpu is given equals the list
 * of one of the profiles (or KVM's own, when cleared), the list asked for
 * right after an ID register write follows that write, every error is one
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
#define ID_AA64DFR0_EL1		SYSREG(3, 0, 0, 5, 0)

#define NR_VMS		4
#define VCPUS_PER_VM	16
#define NR_DRIVERS	8
#define NR_VCPUS	(NR_VMS * VCPUS_PER_VM)

/*
 * a's hide holds while a field of ID_AA64DFR0_EL1 that KVM lets userspace
 * lower (read_dfr0() picks it) is the CPU's own: only the ID side's VM ever
 * lowers it, and there the hide comes and goes with each write.  The guard's
 * mask and value are filled in at the start.
 */
static struct rf_test_entry profile_a[] = {
	{ .reg = CONTEXTIDR_EL1, .action = KVM_REGFILTER_ACTION_HIDE, .guard = true,
	  .guard_reg = ID_AA64DFR0_EL1 },
	{ .reg = FAKE_A, .action = KVM_REGFILTER_ACTION_FAKE, .value = 0xa },
};

static const struct rf_test_entry profile_b[] = {
	{ .reg = TPIDR_EL1, .action = KVM_REGFILTER_ACTION_HIDE },
	{ .reg = FAKE_B0, .action = KVM_REGFILTER_ACTION_FAKE, .value = 0xb0 },
	{ .reg = FAKE_B1, .action = KVM_REGFILTER_ACTION_FAKE, .value = 0xb1,
	  .policy = KVM_REGFILTER_POLICY_STRICT },
	{ .reg = RF_PSCI_VERSION, .action = KVM_REGFILTER_ACTION_PIN, .value = 0x10000 },
};

/*
 * The lists a vcpu may be given: KVM's own, under a, under b, and under a
 * with its guard failed (the field lowered: the ID side's VM only).
 */
enum { L_KVM, L_A, L_B, L_A_UNGUARDED, NR_LISTS };
#ifndef BIT
#define BIT(n)		(1UL << (n))
#endif
#define LISTS_DRIVEN	(BIT(L_KVM) | BIT(L_A) | BIT(L_B))
#define LISTS_ANY	(BIT(NR_LISTS) - 1)
struct allowed {
	uint64_t *ids[NR_LISTS];
	uint64_t n[NR_LISTS];
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

static const char *const list_names[NR_LISTS] = {
	"KVM's", "a's", "b's", "a's with its guard failed",
};

/* Which of the lists l is (sorting it), or -1. */
static int list_which(const struct allowed *a, struct kvm_reg_list *l)
{
	int k;

	qsort(l->reg, l->n, 8, cmp_u64);
	for (k = 0; k < NR_LISTS; k++)
		if (l->n == a->n[k] && !memcmp(l->reg, a->ids[k], l->n * 8))
			return k;
	return -1;
}

/* Is l one of the lists in `which` (a mask of BIT(L_*))? */
static bool list_allowed(const struct allowed *a, struct kvm_reg_list *l, unsigned long which)
{
	int k = list_which(a, l);

	return k >= 0 && (which & BIT(k));
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
#define NR_SIDES	6
/* The ID side's helper has the last slot. */
#define NR_THREADS	(NR_DRIVERS + NR_SIDES + 1)
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
		if (!list_allowed(&allowed, l, LISTS_DRIVEN) && !d->s.bad_lists++)
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
	long helper_ops, helper_lists;	/* the ID side's helper */
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

/*
 * A VM that never runs, its ID_AA64DFR0_EL1 written again and again: the
 * side writes (on 6.12 and 7.x lowering a writable field and raising it
 * back; 6.1 takes no change of any, so there the same value is written), and
 * after each write the list it asks for must follow: under a,
 * CONTEXTIDR_EL1 is hidden only while the field is the CPU's.  A helper
 * meanwhile lists the other vcpus, reads and writes fakes and initialises
 * vcpus, each list being one of the four.  A VM lives for ID_WRITES writes.
 */
#define ID_VCPUS	4
#define ID_WRITES	64

static uint64_t dfr0;		/* the CPU's, read at the start */
/* The field the ID side lowers, or NULL (6.1: none can be). */
static const struct test_id_field *dfr0_field;

static uint64_t dfr0_mask(void)
{
	return dfr0_field ? dfr0_field->mask : 0;
}

struct id_vm {
	struct test_vm *vm;
	int fd[ID_VCPUS];
	bool stop;
	unsigned int seed;
	long ops, lists, errors;
	char first_error[320];
};

/*
 * KVM_GET_REG_LIST as QEMU asks: 0 and the list, -E2BIG (the list changed
 * between count and fetch), or -errno.
 */
static int fetch_list(int fd, struct kvm_reg_list **out)
{
	struct kvm_reg_list probe = { .n = 0 }, *l;

	if (ioctl(fd, KVM_GET_REG_LIST, &probe) == 0)
		return -EINVAL;
	if (errno != E2BIG)
		return -errno;
	l = calloc(1, sizeof(*l) + probe.n * 8);
	l->n = probe.n;
	if (ioctl(fd, KVM_GET_REG_LIST, l) < 0) {
		int err = errno;

		free(l);
		return -err;
	}
	*out = l;
	return 0;
}

static void id_helper_error(struct id_vm *w, const char *what, int err)
{
	if (!w->errors++)
		snprintf(w->first_error, sizeof(w->first_error), "%s: %s", what,
			 strerror(err));
}

static void *id_helper_fn(void *arg)
{
	static const uint64_t fakes[] = { FAKE_A, FAKE_B0 };
	struct id_vm *w = arg;
	struct kvm_reg_list *l;
	uint64_t val;
	int fd, ret;

	thread_start(NR_THREADS - 1);
	while (!__atomic_load_n(&w->stop, __ATOMIC_RELAXED)) {
		fd = w->fd[rand_r(&w->seed) % ID_VCPUS];
		switch (rand_r(&w->seed) % 4) {
		case 0:
			at("ID VM helper: KVM_GET_REG_LIST");
			ret = fetch_list(fd, &l);
			if (ret == -E2BIG)
				break;
			if (ret) {
				id_helper_error(w, "list", -ret);
				break;
			}
			w->lists++;
			if (!list_allowed(&allowed, l, LISTS_ANY))
				id_helper_error(w, "a list that no profile gives", EINVAL);
			free(l);
			break;
		case 1:
			at("ID VM helper: KVM_GET_ONE_REG, KVM_SET_ONE_REG of a fake");
			ret = test_get_reg(fd, fakes[rand_r(&w->seed) % 2], &val);
			if (!ret)
				ret = test_set_reg(fd, fakes[rand_r(&w->seed) % 2], val);
			/* Absent under the profile of the moment. */
			if (ret && ret != -ENOENT)
				id_helper_error(w, "fake GET/SET", -ret);
			break;
		case 2:
			at("ID VM helper: KVM_GET_ONE_REG ID_AA64DFR0_EL1");
			ret = test_get_reg(fd, ID_AA64DFR0_EL1, &val);
			if (ret)
				id_helper_error(w, "GET ID_AA64DFR0_EL1", -ret);
			else if ((val & ~dfr0_mask()) != (dfr0 & ~dfr0_mask()))
				id_helper_error(w, "DFR0 beyond the written field", EINVAL);
			break;
		default:
			at("ID VM helper: KVM_ARM_VCPU_INIT");
			ret = test_vcpu_init(w->vm, fd);
			if (ret)
				id_helper_error(w, "KVM_ARM_VCPU_INIT", -ret);
			break;
		}
		w->ops++;
	}
	return NULL;
}

static void *id_writes_fn(void *arg)
{
	struct side *s = arg;
	struct kvm_reg_list *l;
	struct test_vm vm;
	struct id_vm w;
	pthread_t helper;
	uint64_t val;
	int i, k, ret;

	thread_start(s->slot);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		at("ID VM: create");
		memset(&w, 0, sizeof(w));
		w.vm = &vm;
		w.seed = s->ops + 1;
		if (test_vm_create(&vm)) {
			side_error(s, "ID VM: KVM_CREATE_VM", errno);
			break;
		}
		for (k = 0; k < ID_VCPUS; k++) {
			w.fd[k] = test_vcpu_add(&vm, k);
			if (w.fd[k] < 0) {
				side_error(s, "ID VM: vcpu", -w.fd[k]);
				goto out_vm;
			}
		}
		if (pthread_create(&helper, NULL, id_helper_fn, &w)) {
			side_error(s, "ID VM: helper thread", errno);
			goto out_vm;
		}
		for (i = 0; i < ID_WRITES && !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++) {
			bool lowered = dfr0_field && (i & 1);
			int fd = w.fd[i % ID_VCPUS], which;
			unsigned long want;

			val = lowered ? (dfr0 & ~dfr0_mask()) | dfr0_field->lowest : dfr0;
			at("ID VM: KVM_SET_ONE_REG ID_AA64DFR0_EL1");
			ret = test_set_reg(fd, ID_AA64DFR0_EL1, val);
			if (ret) {
				side_error(s, "ID VM: SET ID_AA64DFR0_EL1", -ret);
				break;
			}
			at("ID VM: KVM_GET_REG_LIST after the write");
			do
				ret = fetch_list(fd, &l);
			while (ret == -E2BIG);
			if (ret) {
				side_error(s, "ID VM: list after the write", -ret);
				break;
			}
			want = BIT(L_KVM) | BIT(L_B) | BIT(lowered ? L_A_UNGUARDED : L_A);
			which = list_which(&allowed, l);
			if (which < 0 || !(want & BIT(which))) {
				char what[160];

				snprintf(what, sizeof(what), "ID VM: write %d (%s), %s list (%llu)",
					 i, lowered ? "field lowered" : "field restored",
					 which < 0 ? "an unknown" : list_names[which],
					 (unsigned long long)l->n);
				side_error(s, what, 0);
			}
			free(l);
			s->ops++;
		}
		__atomic_store_n(&w.stop, true, __ATOMIC_RELAXED);
		pthread_join(helper, NULL);
		if (w.errors)
			side_error(s, w.first_error, 0);
		s->helper_ops += w.ops;
		s->helper_lists += w.lists;
out_vm:
		at("ID VM: destroy");
		while (k-- > 0)
			close(w.fd[k]);
		test_vm_destroy(&vm);
		if (s->errors)
			break;
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
		"ID register writes before the first run, each followed by a list",
	};
	void *(*side_fns[])(void *) = { config_fn, dump_fn, churn_fn, exiter_fn, rmmod_fn,
					id_writes_fn };
	struct side side[NR_SIDES] = { 0 };
	pthread_t dt[NR_DRIVERS], st[NR_SIDES];
	struct kvm_reg_list *kl;
	struct stats total = { 0 };
	struct rf_nl nl;
	int stuck = 0;
	double t0;

	dfr0_field = test_dfr0_lowerable(&dfr0);
	ASSERT_NE(0, dfr0);
	if (dfr0_field) {
		profile_a[0].guard_mask = dfr0_mask();
		profile_a[0].guard_value = dfr0 & dfr0_mask();
		TH_LOG("ID_AA64DFR0_EL1 0x%llx: the ID side lowers %s to %llu and raises it back",
		       (unsigned long long)dfr0, dfr0_field->name,
		       (unsigned long long)(dfr0_field->lowest >> __builtin_ctzll(dfr0_mask())));
	} else {
		/* Guarded on a field nothing changes (DebugVer). */
		profile_a[0].guard_mask = 0xf;
		profile_a[0].guard_value = dfr0 & 0xf;
		TH_LOG("ID_AA64DFR0_EL1 0x%llx: no field can be lowered; written as it is",
		       (unsigned long long)dfr0);
	}
	/* 6.12 and 7.x take a lower value (KVM's writable ID registers). */
	if (strcmp(test_kernel_series() ?: "", "6.1"))
		ASSERT_NE(NULL, dfr0_field);
	kl = test_unbound_reg_list();
	ASSERT_NE(NULL, kl);
	allowed.ids[0] = calloc(kl->n, 8);
	memcpy(allowed.ids[0], kl->reg, kl->n * 8);
	allowed.n[0] = kl->n;
	qsort(allowed.ids[0], kl->n, 8, cmp_u64);
	make_allowed(&allowed.ids[1], &allowed.n[1], kl, CONTEXTIDR_EL1, fakes_a, 1);
	make_allowed(&allowed.ids[2], &allowed.n[2], kl, TPIDR_EL1, fakes_b, 2);
	make_allowed(&allowed.ids[3], &allowed.n[3], kl, 0, fakes_a, 1);

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
	TH_LOG("ID side's helper: %ld ops on the same VMs, %ld lists",
	       side[NR_SIDES - 1].helper_ops, side[NR_SIDES - 1].helper_lists);
	EXPECT_LT(0, side[NR_SIDES - 1].helper_lists);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * What the filter costs, measured in one run, interleaved:
 *   stock       the module not loaded
 *   unfiltered  loaded, the VM's process has no profile
 *   filtered    loaded, a 4-entry profile (2 hides, 2 fakes)
 *   control     unfiltered again: unfiltered/control is an A/A ratio, the
 *               noise floor of this host, to read the others against
 *   default     the same profile as the host default, the process without
 *               one of its own: what every VM of a host with a baseline
 *               pays
 * For each: a full register sync of one vcpu as a VMM does it around a
 * migration (KVM_GET_REG_LIST, then GET and SET of every register), and
 * the run path (KVM_RUN of a guest that spins a counted loop and exits).
 * Lines starting "bench: " are the summary (make bench prints them); the
 * per-trial figures start "trial: ".  With "none" for the module, every
 * configuration is the stock one and the module is never loaded: the same
 * load on KVM without the module, to tell the emulated host's own trouble
 * from the module's.
 *
 *   bench MODULE.ko|none [ROUNDS [TRIALS]]
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include "guest.h"
#include "kvm_util.h"
#include "rf_nl.h"

enum { STOCK, UNFILTERED, FILTERED, CONTROL, DEFAULT, NR_MODES };
static const char *const mode_name[] = {
	"stock", "unfiltered", "filtered", "control", "default",
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int module_load(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return ret && errno != EEXIST ? -errno : 0;
}

static int module_unload(void)
{
	int ret = syscall(SYS_delete_module, "kvm_regfilter", O_NONBLOCK);

	return ret && errno != ENOENT ? -errno : 0;
}

/* Per register ioctl, in microseconds: a full sync, `rounds` times. */
static double sync_cost(int vcpu, int rounds, long *errors)
{
	struct kvm_reg_list *l = NULL;
	double t0, t1;
	uint64_t i, v, ops = 0;
	int r;

	t0 = now_us();
	for (r = 0; r < rounds; r++) {
		free(l);
		l = test_vcpu_reg_list(vcpu);
		if (!l)
			return -1;
		ops += 2;
		for (i = 0; i < l->n; i++) {
			if (test_get_reg(vcpu, l->reg[i], &v))
				(*errors)++;
			else if (test_set_reg(vcpu, l->reg[i], v))
				(*errors)++;
			ops += 2;
		}
	}
	t1 = now_us();
	free(l);
	return (t1 - t0) / ops;
}

/* Per KVM_RUN of the loop guest, in microseconds. */
static double run_cost(struct test_vm *vm, int vcpu, int runs)
{
	struct test_guest g;
	double t0, t1;
	uint64_t v;
	int r;

	if (test_guest_load(vm, &g, vcpu, guest_loop, guest_loop_len))
		return -1;
	/* Only KVM_RUN in the timed loop: the guest restarts by itself. */
	for (r = 0; r < 20; r++)
		if (test_guest_run_mmio(&g, &v))
			return -1;
	t0 = now_us();
	for (r = 0; r < runs; r++)
		if (test_guest_run_mmio(&g, &v))
			return -1;
	t1 = now_us();
	test_guest_unload(&g);
	return (t1 - t0) / runs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One row of the summary: a/b per trial, for the sync and the run path. */
static void ratio_line(const char *what, double sync[][32], double run[][32],
		       int a, int b, int trials, const char *goal)
{
	double rs[32], rr[32];
	char cs[32], cr[32];
	int t;

	for (t = 0; t < trials; t++) {
		rs[t] = sync[a][t] / sync[b][t];
		rr[t] = run[a][t] / run[b][t];
	}
	/* median() sorts: the extremes are then at both ends. */
	snprintf(cs, sizeof(cs), "%.3f [%.3f, %.3f]", median(rs, trials), rs[0],
		 rs[trials - 1]);
	snprintf(cr, sizeof(cr), "%.3f [%.3f, %.3f]", median(rr, trials), rr[0],
		 rr[trials - 1]);
	if (*goal)
		printf("bench:   %-30s %-22s %-22s %s\n", what, cs, cr, goal);
	else
		printf("bench:   %-30s %-22s %s\n", what, cs, cr);
}

int main(int argc, char **argv)
{
	const uint64_t ctx = 0x603000000013c681ULL, tpidr = 0x603000000013c684ULL;
	struct rf_test_entry profile[] = {
		{ .reg = ctx, .action = KVM_REGFILTER_ACTION_HIDE },
		{ .reg = tpidr, .action = KVM_REGFILTER_ACTION_HIDE },
		{ .reg = 0x603000000013c7f0ULL, .action = KVM_REGFILTER_ACTION_FAKE, .value = 1 },
		{ .reg = 0x603000000013c7f1ULL, .action = KVM_REGFILTER_ACTION_FAKE, .value = 2 },
	};
	int rounds = argc > 2 ? atoi(argv[2]) : 20, trials = argc > 3 ? atoi(argv[3]) : 5;
	double sync[NR_MODES][32], run[NR_MODES][32];
	long errors = 0;
	int t, k, m, ret;
	bool stock_only;

	if (argc < 2 || trials > 32) {
		fprintf(stderr, "usage: bench MODULE.ko|none [ROUNDS [TRIALS<=32]]\n");
		return 2;
	}
	stock_only = !strcmp(argv[1], "none");
	for (t = 0; t < trials; t++) {
		/* Rotate the order of the modes from trial to trial. */
		for (k = 0; k < NR_MODES; k++) {
			struct test_vm vm;
			struct rf_nl nl;
			int vcpu;

			m = stock_only ? STOCK : (t + k) % NR_MODES;
			ret = stock_only ? 0 : m == STOCK ? module_unload() : module_load(argv[1]);
			if (ret) {
				fprintf(stderr, "bench: %s the module: %s\n",
					m == STOCK ? "unloading" : "loading", strerror(-ret));
				return 1;
			}
			if (m == FILTERED || m == DEFAULT) {
				const uint32_t force = KVM_REGFILTER_SET_FLAGS_FORCE;
				int pid = getpid();

				if (rf_nl_open(&nl) ||
				    (m == FILTERED ? rf_set_profile(&nl, pid, force, profile, 4) :
						     rf_set_default(&nl, force, profile, 4))) {
					fprintf(stderr, "bench: cannot set the profile\n");
					return 1;
				}
			}
			if (test_vm_create(&vm))
				return 1;
			vcpu = test_vcpu_add(&vm, 0);
			if (vcpu < 0)
				return 1;
			sync_cost(vcpu, 1, &errors);	/* warm up */
			sync[m][t] = sync_cost(vcpu, rounds, &errors);
			run[m][t] = run_cost(&vm, vcpu, 1000);
			close(vcpu);
			test_vm_destroy(&vm);
			if (m == FILTERED)
				rf_clear_profile(&nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE);
			if (m == DEFAULT)
				rf_clear_default(&nl, KVM_REGFILTER_SET_FLAGS_FORCE);
			if (m == FILTERED || m == DEFAULT)
				rf_nl_close(&nl);
			if (sync[m][t] < 0 || run[m][t] < 0) {
				fprintf(stderr, "bench: %s trial %d failed\n", mode_name[m], t);
				return 1;
			}
			printf("trial: %d %-10s sync %.2f us/ioctl, run %.1f us/KVM_RUN\n",
			       t + 1, mode_name[m], sync[m][t], run[m][t]);
			fflush(stdout);
		}
	}
	if (stock_only) {
		printf("bench: stock only (module never loaded): median sync %.2f us/ioctl, ",
		       median(sync[STOCK], trials));
		printf("run %.1f us/KVM_RUN; %ld register ioctls failed\n",
		       median(run[STOCK], trials), errors);
		return errors ? 1 : 0;
	}
	printf("bench: %-32s %-22s %s\n", "ratio, median [min, max]", "register sync",
	       "run path");
	ratio_line("A/A unfiltered/control (noise)", sync, run, UNFILTERED, CONTROL, trials, "");
	ratio_line("unfiltered/stock", sync, run, UNFILTERED, STOCK, trials,
		   "goal <= 1.05 sync, <= 1.01 run");
	ratio_line("filtered/unfiltered", sync, run, FILTERED, UNFILTERED, trials,
		   "goal <= 1.15 sync");
	ratio_line("filtered/stock", sync, run, FILTERED, STOCK, trials, "");
	ratio_line("default/unfiltered", sync, run, DEFAULT, UNFILTERED, trials,
		   "goal <= 1.15 sync");
	ratio_line("default/filtered", sync, run, DEFAULT, FILTERED, trials, "");
	for (m = 0; m < NR_MODES; m++)
		printf("bench: %-10s median sync %.2f us/ioctl, run %.1f us/KVM_RUN\n",
		       mode_name[m], median(sync[m], trials), median(run[m], trials));
	printf("bench: %d trials of %d sync rounds, %ld register ioctls failed\n",
	       trials, rounds, errors);
	/* A failed register ioctl makes every figure above meaningless. */
	if (errors)
		fprintf(stderr, "bench: %ld register ioctls failed: the figures do not count\n",
			errors);
	return errors ? 1 : 0;
}

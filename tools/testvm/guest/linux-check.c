// SPDX-License-Identifier: GPL-2.0
/*
 * The Linux guest's /init for the migration scenarios: Debian's own arm64
 * kernel boots with this as its only program, under KVM in an emulated
 * host, with 2 vcpus, and the guest itself judges what a migration did to
 * it.  Every round it prints one line on the console:
 *
 *   @@@ linux N mono=NS c=C0,C1 hp=ok taint=0 klog=clean hwcap=H,H2 psci=1.1
 *       midr=M0,M1 id=ISAR0,ISAR1,PFR0,PFR1,MMFR0,MMFR1,MMFR2,DFR0 end
 *
 * - c: a counter in memory per vcpu, each incremented by a thread pinned
 *   to that vcpu; the host's judge wants every one to go on growing across
 *   the migration (from the source's last line to the destination's).
 *   The increment is one atomic read-modify-write, so a value written
 *   into guest memory while the VM is paused (the rig's self-check, which
 *   zeroes counter 0 through the destination's gdbstub) is never undone
 *   by a store of a value a thread had loaded before.
 * - mono: CLOCK_MONOTONIC; it must never go back (checked here, between
 *   rounds, and by the judge across the migration).
 * - hp: vcpu 1 taken offline and brought back online (PSCI CPU_OFF and
 *   CPU_ON through KVM), every round.  Linux reads a CPU's ID registers
 *   when it comes online and checks them against the values it booted
 *   with: a register the destination presents otherwise is "SANITY
 *   CHECK: Unexpected variation", a taint, or a CPU refused.  So after a
 *   migration the guest reads the destination's ID registers itself.
 * - taint: /proc/sys/kernel/tainted; klog: the first kernel log line with
 *   a WARNING, BUG, Oops, stall, lockup or SANITY CHECK, or "clean".
 * - hwcap: AT_HWCAP and AT_HWCAP2; psci: the version the kernel detected
 *   at boot ("psci: PSCIvX.Y detected in firmware").
 * - midr: each vcpu's MIDR_EL1 as Linux read it when that CPU came online
 *   (sysfs; vcpu 1's is read again on the destination at every round);
 *   id: ID registers read with MRS, which Linux traps and emulates for
 *   userspace with the sanitised system-wide values.  A changed value is
 *   a guest that saw another CPU or booted again.
 *
 * When a check fails, the line says what failed instead of "ok"; the
 * guest goes on, so the judge sees every round.  "end" closes a whole
 * line: one cut short by the VM's stop has none and is not judged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/hwcap.h>
#include <sys/auxv.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS	8
#define ROUND_NS	1000000000LL

/* One cache line per counter, so the two threads do not share one. */
static struct {
	uint64_t n;
	char pad[56];
} counter[MAX_CPUS] __attribute__((aligned(64)));

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void *count(void *arg)
{
	long cpu = (long)arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/*
	 * Taking vcpu 1 offline moves its thread elsewhere and drops the
	 * affinity; it is pinned again every few million rounds.
	 */
	for (;;) {
		uint64_t n = __atomic_add_fetch(&counter[cpu].n, 1, __ATOMIC_RELAXED);

		if (!(n & 0xfffff))
			sched_setaffinity(0, sizeof(set), &set);
	}
	return NULL;
}

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Offline and online vcpu 1; "ok" or what went wrong, in @out. */
static void hotplug(char *out, size_t len)
{
	const char *online = "/sys/devices/system/cpu/cpu1/online";
	char state[8];
	int err;

	err = write_str(online, "0");
	if (err) {
		snprintf(out, len, "offline:%s", strerror(-err));
		return;
	}
	err = write_str(online, "1");
	if (err) {
		snprintf(out, len, "online:%s", strerror(-err));
		return;
	}
	if (read_str(online, state, sizeof(state)) || strcmp(state, "1")) {
		snprintf(out, len, "not-online");
		return;
	}
	snprintf(out, len, "ok");
}

/*
 * The kernel log since boot, read without consuming it (/dev/kmsg, one
 * record per read, nonblocking).  Sets @psci from the PSCI line and
 * @bad to the first alarming line's text (spaces as '_'), if any.
 */
static void scan_klog(char *psci, size_t plen, char *bad, size_t blen)
{
	static const char *const alarms[] = {
		"WARNING:", "BUG:", "Oops", "rcu_sched self-detected stall",
		"rcu: INFO", "soft lockup", "hard LOCKUP", "SANITY CHECK",
		"Kernel panic", "Call trace:", "detected conflicting",
		"failed to come online", NULL,
	};
	char rec[1024];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	ssize_t n;

	if (fd < 0) {
		snprintf(bad, blen, "kmsg:%s", strerror(errno));
		return;
	}
	for (;;) {
		const char *msg;
		int i;

		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		if (!*psci) {
			const char *p = strstr(msg, "psci: PSCIv");
			unsigned int maj, min;

			if (p && sscanf(p, "psci: PSCIv%u.%u", &maj, &min) == 2)
				snprintf(psci, plen, "%u.%u", maj, min);
		}
		for (i = 0; !*bad && alarms[i]; i++) {
			if (strstr(msg, alarms[i])) {
				size_t k;

				snprintf(bad, blen, "%.*s", (int)blen - 1, msg);
				bad[strcspn(bad, "\n")] = '\0';
				for (k = 0; bad[k]; k++)
					if (bad[k] == ' ')
						bad[k] = '_';
			}
		}
	}
	close(fd);
}

/* Each online vcpu's MIDR_EL1 (sysfs), comma-separated, into @out. */
static void midrs(long ncpu, char *out, size_t len)
{
	size_t off = 0;
	long cpu;

	out[0] = '\0';
	for (cpu = 0; cpu < ncpu && off < len; cpu++) {
		char path[96], val[32];

		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%ld/regs/identification/midr_el1", cpu);
		if (read_str(path, val, sizeof(val)))
			snprintf(val, sizeof(val), "unreadable");
		off += snprintf(out + off, len - off, "%s%s", cpu ? "," : "",
				strncmp(val, "0x", 2) ? val : val + 2);
	}
}

#define MRS(reg) ({ uint64_t v; asm volatile("mrs %0, " reg : "=r"(v)); v; })

/*
 * ID registers by MRS from EL0: Linux emulates these (HWCAP_CPUID) with
 * its sanitised view; S3_0_C0_Cx_y names so that any assembler takes them.
 */
static void id_regs(char *out, size_t len)
{
	if (!(getauxval(AT_HWCAP) & HWCAP_CPUID)) {
		snprintf(out, len, "no-cpuid");
		return;
	}
	snprintf(out, len, "%lx,%lx,%lx,%lx,%lx,%lx,%lx,%lx",
		 (unsigned long)MRS("S3_0_C0_C6_0"),	/* ID_AA64ISAR0_EL1 */
		 (unsigned long)MRS("S3_0_C0_C6_1"),	/* ID_AA64ISAR1_EL1 */
		 (unsigned long)MRS("S3_0_C0_C4_0"),	/* ID_AA64PFR0_EL1 */
		 (unsigned long)MRS("S3_0_C0_C4_1"),	/* ID_AA64PFR1_EL1 */
		 (unsigned long)MRS("S3_0_C0_C7_0"),	/* ID_AA64MMFR0_EL1 */
		 (unsigned long)MRS("S3_0_C0_C7_1"),	/* ID_AA64MMFR1_EL1 */
		 (unsigned long)MRS("S3_0_C0_C7_2"),	/* ID_AA64MMFR2_EL1 */
		 (unsigned long)MRS("S3_0_C0_C5_0"));	/* ID_AA64DFR0_EL1 */
}

static void mounts(void)
{
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
}

int main(void)
{
	int64_t last = 0, now;
	long ncpu, cpu;
	unsigned long round;

	if (getpid() == 1)
		mounts();
	/* The console is the kernel's; stdout goes there. */
	if (!freopen("/dev/console", "w", stdout))
		return 1;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpu < 2 || ncpu > MAX_CPUS) {
		say("@@@ linux FAILED: %ld vcpus online (wanted 2 to %d)\n", ncpu, MAX_CPUS);
		for (;;)
			pause();
	}
	for (cpu = 0; cpu < ncpu; cpu++) {
		pthread_t t;

		if (pthread_create(&t, NULL, count, (void *)cpu)) {
			say("@@@ linux FAILED: thread for vcpu %ld\n", cpu);
			for (;;)
				pause();
		}
	}
	/* Where the counters are: the rig's self-check writes counter 0. */
	say("@@@ linux up: %ld vcpus, counters at %p\n", ncpu, (void *)counter);
	for (round = 1;; round++) {
		char hp[64], taint[32], psci[16] = "", bad[160] = "", cs[160];
		char midr[160], ids[160];
		const char *mono_ok = "";
		size_t off = 0;
		int64_t t0 = mono_ns();

		hotplug(hp, sizeof(hp));
		if (read_str("/proc/sys/kernel/tainted", taint, sizeof(taint)))
			snprintf(taint, sizeof(taint), "unreadable");
		scan_klog(psci, sizeof(psci), bad, sizeof(bad));
		for (cpu = 0; cpu < ncpu; cpu++)
			off += snprintf(cs + off, sizeof(cs) - off, "%s%llu", cpu ? "," : "",
					(unsigned long long)__atomic_load_n(&counter[cpu].n,
									    __ATOMIC_RELAXED));
		midrs(ncpu, midr, sizeof(midr));
		id_regs(ids, sizeof(ids));
		now = mono_ns();
		if (now < last)
			mono_ok = " mono=BACKWARDS";
		last = now;
		say("@@@ linux %lu mono=%lld c=%s hp=%s taint=%s klog=%s hwcap=%lx,%lx psci=%s midr=%s id=%s%s end\n",
		    round, (long long)now, cs, hp, taint, *bad ? bad : "clean",
		    getauxval(AT_HWCAP), getauxval(AT_HWCAP2), *psci ? psci : "unknown",
		    midr, ids, mono_ok);
		while (mono_ns() - t0 < ROUND_NS)
			usleep(50000);
	}
}

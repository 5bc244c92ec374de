// SPDX-License-Identifier: GPL-2.0
/*
 * The register filter, end to end: profiles set over netlink on the test's
 * own process, real VMs and vcpus, KVM's real ioctls.  The harness runs
 * each test in a child process of its own, so each has its own pid and
 * its own binding.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/klog.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "guest.h"
#include "kvm_util.h"
#include "rf_nl.h"

#define SYSREG(op0, op1, crn, crm, op2) \
	(0x6030000000130000ULL | ((op0) << 14) | ((op1) << 11) | ((crn) << 7) | \
	 ((crm) << 3) | (op2))
#define CONTEXTIDR_EL1		SYSREG(3, 0, 13, 0, 1)	/* on every kernel */
#define TPIDR_EL1		SYSREG(3, 0, 13, 0, 4)
#define ID_AA64MMFR3_EL1	SYSREG(3, 0, 0, 7, 3)
#define ID_AA64DFR0_EL1		SYSREG(3, 0, 0, 5, 0)
#define PMUVER_MASK		0xf00ULL	/* ID_AA64DFR0_EL1.PMUVer */
#define ABSENT_REG		SYSREG(3, 0, 15, 15, 7)	/* IMPDEF, never listed */
#define FAKE_REG		SYSREG(3, 0, 15, 14, 0)	/* IMPDEF, never listed */
#define FAKE_REG2		SYSREG(3, 0, 15, 14, 1)
#define DEMUX_CCSIDR0		0x6020000000110000ULL
#define RF_PSCI_VERSION		0x6030000000140000ULL
#define STD_BMAP		0x6030000000160000ULL	/* firmware, on every kernel */
#define ABSENT_FW		0x6030000000160007ULL

#define HIDE(r)		{ .reg = (r), .action = KVM_REGFILTER_ACTION_HIDE }
#define FAKE(r, v, p)	{ .reg = (r), .action = KVM_REGFILTER_ACTION_FAKE, \
			  .value = (v), .policy = (p) }
#define PIN(r, v)	{ .reg = (r), .action = KVM_REGFILTER_ACTION_PIN, .value = (v) }

static bool in_list(const struct kvm_reg_list *l, uint64_t id)
{
	uint64_t i;

	for (i = 0; i < l->n; i++)
		if (l->reg[i] == id)
			return true;
	return false;
}

FIXTURE(filter) {
	struct rf_nl nl;
	struct test_vm vm;
	bool have_vm;
};

FIXTURE_SETUP(filter)
{
	int ret = rf_nl_open(&self->nl);

	ASSERT_EQ(0, ret) TH_LOG("kvm_regfilter family: %s (is the module loaded?)",
				 strerror(-ret));
	self->have_vm = false;
}

FIXTURE_TEARDOWN(filter)
{
	if (self->have_vm)
		test_vm_destroy(&self->vm);
	rf_nl_close(&self->nl);
}

static int bind_self(struct rf_nl *nl, const struct rf_test_entry *e, int n)
{
	int ret = rf_set_profile(nl, getpid(), 0, e, n);

	if (ret)
		fprintf(stderr, "# set-profile: %s (%s)\n", strerror(-ret), nl->extack);
	return ret;
}

static int new_vcpu(struct __test_metadata *_metadata, struct _test_data_filter *self)
{
	int fd;

	if (!self->have_vm) {
		EXPECT_EQ(0, test_vm_create(&self->vm));
		self->have_vm = true;
	}
	fd = test_vcpu_add(&self->vm, self->vm.nvcpus++);
	EXPECT_LE(0, fd);
	return fd;
}

/* Hidden registers leave the list and fail as absent ones do. */
TEST_F(filter, hide)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1), HIDE(DEMUX_CCSIDR0) };
	struct kvm_reg_list *l, *ref = test_unbound_reg_list();
	struct kvm_one_reg bad = { .id = CONTEXTIDR_EL1, .addr = 8 };
	struct kvm_one_reg bad_absent = { .id = ABSENT_REG, .addr = 8 };
	struct rf_vm_info vi;
	uint64_t v;
	int vcpu;

	ASSERT_NE(NULL, ref);
	ASSERT_TRUE(in_list(ref, CONTEXTIDR_EL1));
	ASSERT_EQ(0, bind_self(&self->nl, e, 2));
	vcpu = new_vcpu(_metadata, self);
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	EXPECT_FALSE(in_list(l, CONTEXTIDR_EL1));
	EXPECT_EQ(in_list(ref, DEMUX_CCSIDR0) ? ref->n - 2 : ref->n - 1, l->n);
	EXPECT_FALSE(in_list(l, DEMUX_CCSIDR0));

	/* The same errors as for a register the kernel does not have. */
	EXPECT_EQ(-ENOENT, test_get_reg(vcpu, ABSENT_REG, &v));
	EXPECT_EQ(-ENOENT, test_get_reg(vcpu, CONTEXTIDR_EL1, &v));
	EXPECT_EQ(-ENOENT, test_set_reg(vcpu, ABSENT_REG, 1));
	EXPECT_EQ(-ENOENT, test_set_reg(vcpu, CONTEXTIDR_EL1, 1));
	EXPECT_EQ(-ENOENT, test_get_reg(vcpu, DEMUX_CCSIDR0, &v));
	EXPECT_EQ(-ENOENT, test_set_reg(vcpu, DEMUX_CCSIDR0, 1));
	/* SET reads the value before looking the register up: EFAULT. */
	EXPECT_EQ(-1, ioctl(vcpu, KVM_SET_ONE_REG, &bad_absent));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(vcpu, KVM_SET_ONE_REG, &bad));
	EXPECT_EQ(EFAULT, errno);
	/* Other registers are untouched. */
	EXPECT_EQ(0, test_set_reg(vcpu, TPIDR_EL1, 0x55aa));
	EXPECT_EQ(0, test_get_reg(vcpu, TPIDR_EL1, &v));
	EXPECT_EQ(0x55aa, v);

	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	EXPECT_EQ(5, vi.hidden_refused);
	EXPECT_EQ(1, vi.sealed);
	free(l);
	free(ref);
}

/* A hidden firmware register fails as an absent firmware register does. */
TEST_F(filter, hide_firmware)
{
	struct rf_test_entry e[] = { HIDE(STD_BMAP) };
	struct kvm_one_reg bad = { .id = STD_BMAP, .addr = 8 };
	struct kvm_one_reg bad_absent = { .id = ABSENT_FW, .addr = 8 };
	struct kvm_reg_list *l;
	uint64_t v;
	int vcpu;

	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	EXPECT_FALSE(in_list(l, STD_BMAP));
	EXPECT_EQ(-ENOENT, test_get_reg(vcpu, ABSENT_FW, &v));
	EXPECT_EQ(-ENOENT, test_get_reg(vcpu, STD_BMAP, &v));
	EXPECT_EQ(-ENOENT, test_set_reg(vcpu, ABSENT_FW, 0));
	EXPECT_EQ(-ENOENT, test_set_reg(vcpu, STD_BMAP, 0));
	EXPECT_EQ(-1, ioctl(vcpu, KVM_SET_ONE_REG, &bad_absent));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(vcpu, KVM_SET_ONE_REG, &bad));
	EXPECT_EQ(EFAULT, errno);
	free(l);
}

/*
 * vcpus that exist when the process is bound use the profile too; if one
 * is initialised it may have handed out its list already: force needed.
 */
TEST_F(filter, existing_vcpus)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	struct kvm_reg_list *l;
	int fresh, used;

	ASSERT_EQ(0, test_vm_create(&self->vm));
	self->have_vm = true;
	fresh = test_vcpu_create(&self->vm, 0);
	ASSERT_LE(0, fresh);
	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	ASSERT_EQ(0, test_vcpu_init(&self->vm, fresh));
	l = test_vcpu_reg_list(fresh);
	ASSERT_NE(NULL, l);
	EXPECT_FALSE(in_list(l, CONTEXTIDR_EL1));
	free(l);

	/* A second process state: an initialised vcpu, then a profile. */
	ASSERT_EQ(0, rf_clear_profile(&self->nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE));
	used = test_vcpu_add(&self->vm, 1);
	ASSERT_LE(0, used);
	l = test_vcpu_reg_list(used);
	ASSERT_NE(NULL, l);
	EXPECT_TRUE(in_list(l, CONTEXTIDR_EL1));
	free(l);
	EXPECT_EQ(-EBUSY, rf_set_profile(&self->nl, getpid(), 0, e, 1));
	ASSERT_EQ(0, rf_set_profile(&self->nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE, e, 1));
	l = test_vcpu_reg_list(used);
	ASSERT_NE(NULL, l);
	EXPECT_FALSE(in_list(l, CONTEXTIDR_EL1));
	free(l);
}

/* Hiding a register the vcpu lacks changes nothing. */
TEST_F(filter, hide_absent_is_noop)
{
	struct rf_test_entry e[] = { HIDE(ABSENT_REG) };
	struct kvm_reg_list *l, *ref = test_unbound_reg_list();
	struct rf_vm_info vi;
	uint64_t i;
	int vcpu;

	ASSERT_NE(NULL, ref);
	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(ref->n, l->n);
	for (i = 0; i < l->n; i++)
		EXPECT_EQ(ref->reg[i], l->reg[i]);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	ASSERT_EQ(1, vi.nr_states);
	EXPECT_EQ(ABSENT_REG, vi.states[0].reg);
	EXPECT_EQ(KVM_REGFILTER_STATE_ABSENT, vi.states[0].state);
	free(l);
	free(ref);
}

/*
 * A buffer of exactly the filtered size, guard words after it: the count
 * is the number of ids written and nothing is written past it.
 */
TEST_F(filter, exact_buffer)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1), HIDE(TPIDR_EL1),
				     FAKE(FAKE_REG, 7, 0) };
	struct kvm_reg_list probe = { .n = 0 }, *l;
	struct kvm_reg_list *ref = test_unbound_reg_list();
	uint64_t n, i;
	int vcpu;

	ASSERT_NE(NULL, ref);
	ASSERT_EQ(0, bind_self(&self->nl, e, 3));
	vcpu = new_vcpu(_metadata, self);
	ASSERT_EQ(-1, ioctl(vcpu, KVM_GET_REG_LIST, &probe));
	ASSERT_EQ(E2BIG, errno);
	n = probe.n;
	EXPECT_EQ(ref->n - 2 + 1, n);
	l = malloc(sizeof(*l) + (n + 16) * 8);
	ASSERT_NE(NULL, l);
	for (i = 0; i < n + 16; i++)
		l->reg[i] = 0xdeadbeefcafef00dULL;
	/* One short: E2BIG, the count, no ids. */
	l->n = n - 1;
	EXPECT_EQ(-1, ioctl(vcpu, KVM_GET_REG_LIST, l));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(n, l->n);
	EXPECT_EQ(0xdeadbeefcafef00dULL, l->reg[0]);
	l->n = n;
	ASSERT_EQ(0, ioctl(vcpu, KVM_GET_REG_LIST, l));
	EXPECT_EQ(n, l->n);
	for (i = n; i < n + 16; i++)
		EXPECT_EQ(0xdeadbeefcafef00dULL, l->reg[i]);
	/* Real registers in KVM's order, then the fake; no duplicates. */
	EXPECT_EQ(FAKE_REG, l->reg[n - 1]);
	for (i = 0; i + 1 < n; i++)
		EXPECT_NE(0xdeadbeefcafef00dULL, l->reg[i]);
	free(l);
	free(ref);
}

/* A fake with policy keep: listed, read, and written per vcpu. */
TEST_F(filter, fake_keep)
{
	struct rf_test_entry e[] = { FAKE(FAKE_REG2, 0x1234, KVM_REGFILTER_POLICY_KEEP),
				     FAKE(FAKE_REG, 0x42, KVM_REGFILTER_POLICY_KEEP) };
	struct kvm_reg_list *l, *ref = test_unbound_reg_list();
	struct rf_vm_info vi;
	uint64_t v;
	int vcpu0, vcpu1;

	ASSERT_NE(NULL, ref);
	ASSERT_EQ(0, bind_self(&self->nl, e, 2));
	vcpu0 = new_vcpu(_metadata, self);
	vcpu1 = new_vcpu(_metadata, self);
	l = test_vcpu_reg_list(vcpu0);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(ref->n + 2, l->n);
	/* Fakes follow the real registers in ascending id order. */
	EXPECT_EQ(FAKE_REG, l->reg[ref->n]);
	EXPECT_EQ(FAKE_REG2, l->reg[ref->n + 1]);
	EXPECT_EQ(0, test_get_reg(vcpu0, FAKE_REG2, &v));
	EXPECT_EQ(0x1234, v);
	EXPECT_EQ(0, test_set_reg(vcpu0, FAKE_REG2, 0x5678));
	EXPECT_EQ(0, test_get_reg(vcpu0, FAKE_REG2, &v));
	EXPECT_EQ(0x5678, v);
	EXPECT_EQ(0, test_get_reg(vcpu1, FAKE_REG2, &v));
	EXPECT_EQ(0x1234, v);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	EXPECT_EQ(3, vi.fake_reads);
	EXPECT_EQ(1, vi.fake_writes);
	EXPECT_EQ(2, vi.vcpus);
	free(l);
	free(ref);
}

/* A strict fake takes only its own value; others are refused with an event. */
TEST_F(filter, fake_strict)
{
	struct rf_test_entry e[] = { FAKE(FAKE_REG, 0x42, KVM_REGFILTER_POLICY_STRICT) };
	struct rf_nl ev_nl;
	struct rf_event ev;
	struct rf_vm_info vi;
	uint64_t v;
	int vcpu;

	ASSERT_EQ(0, rf_nl_open(&ev_nl));
	ASSERT_EQ(0, rf_nl_join_events(&ev_nl));
	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	EXPECT_EQ(0, test_set_reg(vcpu, FAKE_REG, 0x42));
	EXPECT_EQ(-EINVAL, test_set_reg(vcpu, FAKE_REG, 0x43));
	EXPECT_EQ(0, test_get_reg(vcpu, FAKE_REG, &v));
	EXPECT_EQ(0x42, v);
	ASSERT_EQ(0, rf_next_event(&ev_nl, &ev, 5000));
	EXPECT_EQ(KVM_REGFILTER_EVENT_STRICT_WRITE_REFUSED, ev.event);
	EXPECT_EQ(FAKE_REG, ev.reg);
	EXPECT_EQ(0x43, ev.value);
	EXPECT_EQ((uint32_t)getpid(), ev.pid);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	EXPECT_EQ(1, vi.strict_refused);
	EXPECT_EQ(ev.vm, vi.id);
	rf_nl_close(&ev_nl);
}

/* A fake of a register KVM has is shadowed: the real one wins. */
TEST_F(filter, fake_shadowed)
{
	struct rf_test_entry e[] = { FAKE(CONTEXTIDR_EL1, 0x77, 0) };
	struct kvm_reg_list *l, *ref = test_unbound_reg_list();
	struct rf_vm_info vi;
	uint64_t v, i, seen = 0;
	int vcpu;

	ASSERT_NE(NULL, ref);
	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(ref->n, l->n);
	for (i = 0; i < l->n; i++)
		seen += l->reg[i] == CONTEXTIDR_EL1;
	EXPECT_EQ(1, seen);
	EXPECT_EQ(0, test_set_reg(vcpu, CONTEXTIDR_EL1, 0x99));
	EXPECT_EQ(0, test_get_reg(vcpu, CONTEXTIDR_EL1, &v));
	EXPECT_EQ(0x99, v);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	ASSERT_EQ(1, vi.nr_states);
	EXPECT_EQ(KVM_REGFILTER_STATE_SHADOWED, vi.states[0].state);
	EXPECT_EQ(0, vi.fake_reads);
	free(l);
	free(ref);
}

/* A pin lowers the PSCI version before userspace can read it. */
TEST_F(filter, pin_psci_version)
{
	struct rf_test_entry e[] = { PIN(RF_PSCI_VERSION, 0x10000) };
	struct rf_vm_info vi;
	uint64_t v;
	int vcpu0, vcpu1;

	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu0 = new_vcpu(_metadata, self);
	EXPECT_EQ(0, test_get_reg(vcpu0, RF_PSCI_VERSION, &v));
	EXPECT_EQ(0x10000, v);
	vcpu1 = new_vcpu(_metadata, self);
	EXPECT_EQ(0, test_get_reg(vcpu1, RF_PSCI_VERSION, &v));
	EXPECT_EQ(0x10000, v);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	EXPECT_LE(1, vi.pins_applied);
	EXPECT_EQ(0, vi.nr_states);
}

/* The guest itself sees the pinned PSCI version (PSCI_VERSION call). */
TEST_F(filter, pin_psci_version_guest)
{
	struct rf_test_entry e[] = { PIN(RF_PSCI_VERSION, 0x10000) };
	struct test_guest g;
	uint64_t v, stock = 0;
	int vcpu;

	/* What this kernel's guests see without a profile. */
	ASSERT_EQ(0, test_vm_create(&self->vm));
	self->have_vm = true;
	vcpu = test_vcpu_add(&self->vm, 0);
	ASSERT_LE(0, vcpu);
	ASSERT_EQ(0, test_guest_load(&self->vm, &g, vcpu, guest_psci_version,
				     guest_psci_version_len));
	ASSERT_EQ(0, test_guest_run_mmio(&g, &stock));
	test_guest_unload(&g);
	close(vcpu);
	test_vm_destroy(&self->vm);
	self->have_vm = false;
	TH_LOG("stock PSCI version seen by the guest: %llu.%llu",
	       (unsigned long long)stock >> 16, (unsigned long long)stock & 0xffff);
	EXPECT_LE(0x10001, stock);

	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	ASSERT_EQ(0, test_guest_load(&self->vm, &g, vcpu, guest_psci_version,
				     guest_psci_version_len));
	ASSERT_EQ(0, test_guest_run_mmio(&g, &v));
	EXPECT_EQ(0x10000, v);
	test_guest_unload(&g);
}

/*
 * A value KVM refuses is loud without breaking the VMM: the vcpu's init
 * succeeds (VMMs make scratch vcpus that cannot take a pin), the entry is
 * marked refused and an event names register and value.
 */
TEST_F(filter, pin_refused_is_loud)
{
	struct rf_test_entry e[] = { PIN(RF_PSCI_VERSION, 0x30000) };
	struct rf_vm_info vi;
	struct rf_nl ev_nl;
	struct rf_event ev;
	uint64_t v;
	int vcpu;

	ASSERT_EQ(0, rf_nl_open(&ev_nl));
	ASSERT_EQ(0, rf_nl_join_events(&ev_nl));
	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	ASSERT_EQ(0, test_vm_create(&self->vm));
	self->have_vm = true;
	vcpu = test_vcpu_create(&self->vm, 0);
	ASSERT_LE(0, vcpu);
	EXPECT_EQ(0, test_vcpu_init(&self->vm, vcpu));
	ASSERT_EQ(0, rf_next_event(&ev_nl, &ev, 5000));
	EXPECT_EQ(KVM_REGFILTER_EVENT_PIN_REFUSED, ev.event);
	EXPECT_EQ(RF_PSCI_VERSION, ev.reg);
	EXPECT_EQ(0x30000, ev.value);
	EXPECT_EQ(EINVAL, ev.error);
	EXPECT_EQ(0, test_get_reg(vcpu, RF_PSCI_VERSION, &v));
	EXPECT_NE(0x30000, v);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	ASSERT_EQ(1, vi.nr_states);
	EXPECT_EQ(KVM_REGFILTER_STATE_REFUSED, vi.states[0].state);
	rf_nl_close(&ev_nl);
}

/* A pin of a register the vcpu lacks is reported, not applied. */
TEST_F(filter, pin_absent_reported)
{
	struct rf_test_entry e[] = { PIN(ABSENT_REG, 1) };
	struct rf_vm_info vi;
	int vcpu;

	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	ASSERT_LE(0, vcpu);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	ASSERT_EQ(1, vi.nr_states);
	EXPECT_EQ(KVM_REGFILTER_STATE_ABSENT, vi.states[0].state);
	EXPECT_EQ(0, vi.pins_applied);
}

/* Does the kernel log hold this text? */
static bool klog_has(const char *text)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	bool found;
	char *buf;

	if (len <= 0)
		return false;
	buf = calloc(1, len + 1);
	if (!buf)
		return false;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	found = len > 0 && strstr(buf, text);
	free(buf);
	return found;
}

/*
 * A pin KVM would accept and then WARN on: ID_AA64DFR0_EL1 with PMUVer 0
 * on a vcpu with a PMU (6.12 and 7.x take it from userspace, then
 * kvm_pmu_evtyper_mask() WARNs "Unknown PMU version 0" at the next vcpu
 * reset).  The module refuses it at init (EOPNOTSUPP, entry refused, the
 * VM keeps its PMU), and the reset that would WARN leaves the log clean.
 * The same pin on a vcpu without a PMU is KVM's own value: applied.  A
 * PMUVer no vcpu can take is refused by set-profile.
 */
TEST_F(filter, pin_pmuver_guard)
{
	const uint32_t pmu = 1u << KVM_ARM_VCPU_PMU_V3;
	struct rf_test_entry e[] = { PIN(ID_AA64DFR0_EL1, 0) };
	struct rf_vm_info vi, vis[2];
	struct rf_nl ev_nl;
	struct rf_event ev;
	struct test_vm nopmu;
	uint64_t dfr0, v;
	int vcpu, ret;

	/* This host's value for a vcpu with a PMU, without a profile. */
	ASSERT_EQ(0, test_vm_create(&self->vm));
	vcpu = test_vcpu_create(&self->vm, 0);
	ASSERT_LE(0, vcpu);
	ret = test_vcpu_init_features(&self->vm, vcpu, pmu);
	if (ret) {
		close(vcpu);
		test_vm_destroy(&self->vm);
		SKIP(return, "no vcpu PMU on this host: %s", strerror(-ret));
	}
	ASSERT_EQ(0, test_get_reg(vcpu, ID_AA64DFR0_EL1, &dfr0));
	close(vcpu);
	test_vm_destroy(&self->vm);
	TH_LOG("ID_AA64DFR0_EL1 of a vcpu with a PMU: 0x%llx", (unsigned long long)dfr0);
	ASSERT_NE(0, dfr0 & PMUVER_MASK);

	/* set-profile refuses a PMUVer KVM does not know (2 is reserved). */
	e[0].value = (dfr0 & ~PMUVER_MASK) | 0x200;
	EXPECT_EQ(-EINVAL, rf_set_profile(&self->nl, getpid(), 0, e, 1));
	EXPECT_NE(NULL, strstr(self->nl.extack, "PMUVer")) TH_LOG("extack: %s", self->nl.extack);

	e[0].value = dfr0 & ~PMUVER_MASK;
	ASSERT_EQ(0, rf_nl_open(&ev_nl));
	ASSERT_EQ(0, rf_nl_join_events(&ev_nl));
	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	ASSERT_EQ(0, test_vm_create(&self->vm));
	self->have_vm = true;
	vcpu = test_vcpu_create(&self->vm, 0);
	ASSERT_LE(0, vcpu);
	ASSERT_EQ(0, test_vcpu_init_features(&self->vm, vcpu, pmu));
	/* EXPECT, not ASSERT: without the guard, go on to the reset's WARN. */
	ret = rf_next_event(&ev_nl, &ev, 5000);
	EXPECT_EQ(0, ret);
	if (!ret) {
		EXPECT_EQ(KVM_REGFILTER_EVENT_PIN_REFUSED, ev.event);
		EXPECT_EQ(ID_AA64DFR0_EL1, ev.reg);
		EXPECT_EQ(e[0].value, ev.value);
		EXPECT_EQ(EOPNOTSUPP, ev.error);
	}
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	EXPECT_EQ(1, vi.nr_states);
	EXPECT_EQ(KVM_REGFILTER_STATE_REFUSED, vi.nr_states ? vi.states[0].state : 0);
	EXPECT_EQ(0, vi.pins_applied);
	/* A reset, as a VMM does it: KVM recomputes the PMU event masks. */
	EXPECT_EQ(0, test_vcpu_init_features(&self->vm, vcpu, pmu));
	EXPECT_EQ(0, test_get_reg(vcpu, ID_AA64DFR0_EL1, &v));
	EXPECT_EQ(dfr0, v);
	EXPECT_FALSE(klog_has("Unknown PMU version"));
	close(vcpu);

	/* Without a PMU, PMUVer 0 is the vcpu's own value: not refused. */
	ASSERT_EQ(0, test_vm_create(&nopmu));
	vcpu = test_vcpu_add(&nopmu, 0);
	ASSERT_LE(0, vcpu);
	EXPECT_EQ(0, test_get_reg(vcpu, ID_AA64DFR0_EL1, &v));
	EXPECT_EQ(0, v & PMUVER_MASK);
	ASSERT_EQ(2, rf_get_vms(&self->nl, getpid(), vis, 2));
	if (vis[0].id < vis[1].id)	/* the newer VM */
		vis[0] = vis[1];
	EXPECT_EQ(0, vis[0].nr_states) TH_LOG("the VM without a PMU: state %u",
					      vis[0].states[0].state);
	close(vcpu);
	test_vm_destroy(&nopmu);
	rf_nl_close(&ev_nl);
}

/*
 * Field pins ("pin REG & MASK = VALUE"): the module reads the vcpu's value
 * from KVM and changes only the pin's bits.  PSCI_VERSION & 0xffff = 0
 * keeps the major version and zeroes the minor on every kernel; a field of
 * ID_AA64DFR0_EL1 this kernel lets userspace lower (DebugVer or WRPs,
 * test_dfr0_lowerable()) goes to its lowest on a vcpu with a PMU while
 * PMUVer stays the vcpu's own, which a whole pin could not promise on
 * every CPU.  Bad masks are refused with an extended ack.
 */
TEST_F(filter, pin_field)
{
	const uint32_t pmu = 1u << KVM_ARM_VCPU_PMU_V3;
	struct rf_test_entry e[] = {
		{ .reg = RF_PSCI_VERSION, .action = KVM_REGFILTER_ACTION_PIN,
		  .value = 0, .mask = 0xffff },
		{ .reg = ID_AA64DFR0_EL1, .action = KVM_REGFILTER_ACTION_PIN },
	};
	const struct test_id_field *f;
	struct rf_vm_info vi;
	uint64_t psci, dfr0, pmu_dfr0, v;
	int vcpu, n = 1, ret;

	/* What this host gives a vcpu without a profile. */
	ASSERT_EQ(0, test_vm_create(&self->vm));
	vcpu = test_vcpu_create(&self->vm, 0);
	ASSERT_LE(0, vcpu);
	ret = test_vcpu_init_features(&self->vm, vcpu, pmu);
	if (ret)	/* no vcpu PMU here: the PSCI part alone */
		ASSERT_EQ(0, test_vcpu_init_features(&self->vm, vcpu, 0));
	ASSERT_EQ(0, test_get_reg(vcpu, RF_PSCI_VERSION, &psci));
	pmu_dfr0 = 0;
	if (!ret)
		ASSERT_EQ(0, test_get_reg(vcpu, ID_AA64DFR0_EL1, &pmu_dfr0));
	close(vcpu);
	test_vm_destroy(&self->vm);
	ASSERT_LE(0x10001, psci) TH_LOG("PSCI version 0x%llx", (unsigned long long)psci);

	/* Refused: a value outside the mask, a mask on a fake, half a PMUVer. */
	e[1].mask = 0xf;
	e[1].value = 0x16;
	EXPECT_EQ(-EINVAL, rf_set_profile(&self->nl, getpid(), 0, e, 2));
	EXPECT_NE(NULL, strstr(self->nl.extack, "outside its mask"))
		TH_LOG("extack: %s", self->nl.extack);
	e[1].mask = 0x30f;
	e[1].value = 0x106;
	EXPECT_EQ(-EINVAL, rf_set_profile(&self->nl, getpid(), 0, e, 2));
	EXPECT_NE(NULL, strstr(self->nl.extack, "PMUVer")) TH_LOG("extack: %s", self->nl.extack);
	e[1].action = KVM_REGFILTER_ACTION_FAKE;
	e[1].mask = 0xf;
	e[1].value = 0x6;
	EXPECT_EQ(-EINVAL, rf_set_profile(&self->nl, getpid(), 0, e, 2));
	EXPECT_NE(NULL, strstr(self->nl.extack, "only for pin"))
		TH_LOG("extack: %s", self->nl.extack);
	e[1].action = KVM_REGFILTER_ACTION_PIN;

	f = pmu_dfr0 ? test_dfr0_lowerable(&dfr0) : NULL;
	if (f) {
		e[1].mask = f->mask;
		e[1].value = f->lowest;
		n = 2;
		TH_LOG("field pin of ID_AA64DFR0_EL1.%s: 0x%llx -> 0x%llx (PMU vcpu's DFR0 0x%llx)",
		       f->name, (unsigned long long)(pmu_dfr0 & f->mask),
		       (unsigned long long)f->lowest, (unsigned long long)pmu_dfr0);
	} else {
		TH_LOG("no ID_AA64DFR0_EL1 field this kernel lets userspace lower %s",
		       "(or no vcpu PMU): PSCI_VERSION only");
	}
	ASSERT_EQ(0, bind_self(&self->nl, e, n));
	ASSERT_EQ(0, test_vm_create(&self->vm));
	self->have_vm = true;
	vcpu = test_vcpu_create(&self->vm, 0);
	ASSERT_LE(0, vcpu);
	ASSERT_EQ(0, test_vcpu_init_features(&self->vm, vcpu, n == 2 ? pmu : 0));
	EXPECT_EQ(0, test_get_reg(vcpu, RF_PSCI_VERSION, &v));
	EXPECT_EQ(psci & ~0xffffULL, v);
	if (n == 2) {
		EXPECT_EQ(0, test_get_reg(vcpu, ID_AA64DFR0_EL1, &v));
		EXPECT_EQ((pmu_dfr0 & ~f->mask) | f->lowest, v);
		EXPECT_EQ(pmu_dfr0 & PMUVER_MASK, v & PMUVER_MASK);
		/* A reset, as a VMM does it: pinned again, no PMU WARN. */
		EXPECT_EQ(0, test_vcpu_init_features(&self->vm, vcpu, pmu));
		EXPECT_EQ(0, test_get_reg(vcpu, ID_AA64DFR0_EL1, &v));
		EXPECT_EQ((pmu_dfr0 & ~f->mask) | f->lowest, v);
		EXPECT_FALSE(klog_has("Unknown PMU version"));
	}
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	EXPECT_EQ(0, vi.nr_states) TH_LOG("entry 0 state %u", vi.states[0].state);
	EXPECT_LE(n, vi.pins_applied);
	close(vcpu);
}

/* Guards: an entry applies only where its condition on the VM holds. */
TEST_F(filter, guards)
{
	struct rf_test_entry e[] = {
		{ .reg = CONTEXTIDR_EL1, .action = KVM_REGFILTER_ACTION_HIDE,
		  .guard = true, .guard_reg = ID_AA64MMFR3_EL1,
		  .guard_mask = 0, .guard_value = 0 },		/* holds */
		{ .reg = TPIDR_EL1, .action = KVM_REGFILTER_ACTION_HIDE,
		  .guard = true, .guard_reg = ID_AA64MMFR3_EL1,
		  .guard_mask = ~0ULL, .guard_value = 0x123456789ULL }, /* fails */
	};
	struct kvm_reg_list *l;
	struct rf_vm_info vi;
	struct rf_nl ev_nl;
	struct rf_event ev;
	int vcpu;

	ASSERT_EQ(0, rf_nl_open(&ev_nl));
	ASSERT_EQ(0, rf_nl_join_events(&ev_nl));
	ASSERT_EQ(0, bind_self(&self->nl, e, 2));
	vcpu = new_vcpu(_metadata, self);
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	EXPECT_FALSE(in_list(l, CONTEXTIDR_EL1));
	EXPECT_TRUE(in_list(l, TPIDR_EL1));
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	ASSERT_EQ(1, vi.nr_states);
	EXPECT_EQ(TPIDR_EL1, vi.states[0].reg);
	EXPECT_EQ(KVM_REGFILTER_STATE_GUARD_FAILED, vi.states[0].state);
	ASSERT_EQ(0, rf_next_event(&ev_nl, &ev, 5000));
	EXPECT_EQ(KVM_REGFILTER_EVENT_GUARD_FAILED, ev.event);
	EXPECT_EQ(TPIDR_EL1, ev.reg);
	free(l);
	rf_nl_close(&ev_nl);
}

/* Every VM of the process uses the profile. */
TEST_F(filter, two_vms)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	struct rf_vm_info vi[4];
	struct test_vm vm2;
	struct kvm_reg_list *l1, *l2;
	int v1, v2;

	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	v1 = new_vcpu(_metadata, self);
	ASSERT_EQ(0, test_vm_create(&vm2));
	v2 = test_vcpu_add(&vm2, 0);
	ASSERT_LE(0, v2);
	l1 = test_vcpu_reg_list(v1);
	l2 = test_vcpu_reg_list(v2);
	ASSERT_NE(NULL, l1);
	ASSERT_NE(NULL, l2);
	EXPECT_FALSE(in_list(l1, CONTEXTIDR_EL1));
	EXPECT_FALSE(in_list(l2, CONTEXTIDR_EL1));
	EXPECT_EQ(2, rf_get_vms(&self->nl, getpid(), vi, 4));
	close(v2);
	test_vm_destroy(&vm2);
	free(l1);
	free(l2);
}

/* Once the list is out, changes need force. */
TEST_F(filter, seal_and_force)
{
	struct rf_test_entry e1[] = { HIDE(CONTEXTIDR_EL1) };
	struct rf_test_entry e2[] = { HIDE(TPIDR_EL1) };
	struct kvm_reg_list *l;
	int vcpu;

	ASSERT_EQ(0, bind_self(&self->nl, e1, 1));
	vcpu = new_vcpu(_metadata, self);
	/* Before the list is handed out: free to change. */
	ASSERT_EQ(0, rf_set_profile(&self->nl, getpid(), 0, e1, 1));
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	free(l);
	EXPECT_EQ(-EBUSY, rf_set_profile(&self->nl, getpid(), 0, e2, 1));
	EXPECT_NE(0, strlen(self->nl.extack));
	TH_LOG("extack: %s", self->nl.extack);
	EXPECT_EQ(-EBUSY, rf_clear_profile(&self->nl, getpid(), 0));
	ASSERT_EQ(0, rf_set_profile(&self->nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE, e2, 1));
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	EXPECT_TRUE(in_list(l, CONTEXTIDR_EL1));
	EXPECT_FALSE(in_list(l, TPIDR_EL1));
	free(l);
	ASSERT_EQ(0, rf_clear_profile(&self->nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE));
	l = test_vcpu_reg_list(vcpu);
	ASSERT_NE(NULL, l);
	EXPECT_TRUE(in_list(l, TPIDR_EL1));
	free(l);
}

/* Destroying the VM frees its state. */
TEST_F(filter, vm_destroy_frees)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	struct rf_vm_info vi;
	struct kvm_reg_list *l;
	int vcpu;

	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	l = test_vcpu_reg_list(vcpu);
	free(l);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	close(vcpu);
	test_vm_destroy(&self->vm);
	self->have_vm = false;
	usleep(100 * 1000);
	EXPECT_EQ(0, rf_get_vms(&self->nl, getpid(), &vi, 1));
}

/* A process's exit frees its binding and VMs. */
TEST_F(filter, process_exit_frees)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	struct rf_vm_info vi;
	int status, ret;
	pid_t child;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct test_vm vm;
		struct kvm_reg_list *l;
		int vcpu;

		if (bind_self(&self->nl, e, 1) || test_vm_create(&vm))
			_exit(1);
		vcpu = test_vcpu_add(&vm, 0);
		l = vcpu < 0 ? NULL : test_vcpu_reg_list(vcpu);
		_exit(l && !in_list(l, CONTEXTIDR_EL1) ? 0 : 2);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* No process here has a VM the module knows: the dump is empty. */
	usleep(100 * 1000);
	ret = rf_get_vms(&self->nl, 0, &vi, 1);
	ASSERT_LE(0, ret) TH_LOG("get-vms of all processes: %s (%s)", strerror(-ret),
				 self->nl.extack);
	EXPECT_EQ(0, ret) TH_LOG("VMs of all processes after the child's exit: %d", ret);
	ret = rf_clear_profile(&self->nl, child, 0);
	EXPECT_EQ(-ESRCH, ret) TH_LOG("clear-profile of the exited child: %s", self->nl.extack);
}

/* A new process that gets an old one's pid does not inherit its profile. */
TEST(pid_reuse)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	struct rf_nl nl;
	pid_t a = 0, b = -1;
	int status, tries, fd, pfd[2];
	char buf[32];

	ASSERT_EQ(0, rf_nl_open(&nl));
	for (tries = 0; tries < 5 && b != a; tries++) {
		ASSERT_EQ(0, pipe(pfd));
		a = fork();
		ASSERT_LE(0, a);
		if (a == 0) {
			char c;

			close(pfd[1]);
			_exit(read(pfd[0], &c, 1) < 0);
		}
		close(pfd[0]);
		ASSERT_EQ(0, rf_set_profile(&nl, a, 0, e, 1)) TH_LOG("%s", nl.extack);
		close(pfd[1]);
		ASSERT_EQ(a, waitpid(a, &status, 0));

		/* Ask for the same number again. */
		fd = open("/proc/sys/kernel/ns_last_pid", O_WRONLY);
		ASSERT_LE(0, fd);
		snprintf(buf, sizeof(buf), "%d", a - 1);
		ASSERT_LT(0, write(fd, buf, strlen(buf)));
		close(fd);
		b = fork();
		ASSERT_LE(0, b);
		if (b == 0) {
			struct test_vm vm;
			struct kvm_reg_list *l;
			int vcpu;

			if (getpid() != a)
				_exit(3);
			if (test_vm_create(&vm))
				_exit(1);
			vcpu = test_vcpu_add(&vm, 0);
			l = vcpu < 0 ? NULL : test_vcpu_reg_list(vcpu);
			_exit(l && in_list(l, CONTEXTIDR_EL1) ? 0 : 2);
		}
		ASSERT_EQ(b, waitpid(b, &status, 0));
		if (b == a)
			EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("pid %d reused with a profile", b);
	}
	ASSERT_EQ(a, b) TH_LOG("could not get pid %d again", a);
	rf_nl_close(&nl);
}

/* Pids are those of the caller's pid namespace. */
TEST(pid_namespace)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	pid_t child;
	int status;

	ASSERT_EQ(0, unshare(CLONE_NEWPID));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct test_vm vm;
		struct kvm_reg_list *l;
		struct rf_nl nl;
		int vcpu, ret;

		/* We are pid 1 here; pid 1 names us, not the real init. */
		if (getpid() != 1 || rf_nl_open(&nl))
			_exit(10);
		ret = rf_set_profile(&nl, 1, 0, e, 1);
		if (ret) {
			fprintf(stderr, "# set-profile 1: %s (%s)\n", strerror(-ret), nl.extack);
			_exit(11);
		}
		if (test_vm_create(&vm))
			_exit(12);
		vcpu = test_vcpu_add(&vm, 0);
		l = vcpu < 0 ? NULL : test_vcpu_reg_list(vcpu);
		_exit(l && !in_list(l, CONTEXTIDR_EL1) ? 0 : 13);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

FIXTURE(nl) {
	struct rf_nl nl;
	struct rf_msg m;
};

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, rf_nl_open(&self->nl));
}

FIXTURE_TEARDOWN(nl)
{
	rf_nl_close(&self->nl);
}

/* Each malformed request fails with an errno and an extended-ack text. */
TEST_F(nl, malformed_requests)
{
	struct rf_msg *m = &self->m;
	int i, ret;

#define EXPECT_REFUSED(want) do {						\
		ret = rf_nl_transact(&self->nl, m, NULL, NULL);			\
		EXPECT_EQ(want, ret);						\
		EXPECT_NE(0, strlen(self->nl.extack));				\
		TH_LOG("line %d: %s: %s", __LINE__, strerror(-ret), self->nl.extack); \
	} while (0)

	/* No pid. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	EXPECT_REFUSED(-EINVAL);
	/* A pid of the wrong width. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put(m, KVM_REGFILTER_A_PID, "\1\0", 2);
	EXPECT_REFUSED(-EINVAL);
	/* An unknown attribute. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	rf_put_u32(m, 99, 1);
	EXPECT_REFUSED(-EINVAL);
	/* An unknown flag. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	rf_put_u32(m, KVM_REGFILTER_A_FLAGS, 0x80);
	EXPECT_REFUSED(-EINVAL);
	/* An entry with a 32-bit reg. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	rf_nest_start(m, KVM_REGFILTER_A_ENTRY);
	rf_put_u32(m, KVM_REGFILTER_A_ENTRY_REG, 5);
	rf_put_u32(m, KVM_REGFILTER_A_ENTRY_ACTION, 0);
	rf_nest_end(m);
	EXPECT_REFUSED(-EINVAL);
	/* An unknown action. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	rf_nest_start(m, KVM_REGFILTER_A_ENTRY);
	rf_put_u64(m, KVM_REGFILTER_A_ENTRY_REG, CONTEXTIDR_EL1);
	rf_put_u32(m, KVM_REGFILTER_A_ENTRY_ACTION, 7);
	rf_nest_end(m);
	EXPECT_REFUSED(-ERANGE);
	/* A core register (not filterable). */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	rf_nest_start(m, KVM_REGFILTER_A_ENTRY);
	rf_put_u64(m, KVM_REGFILTER_A_ENTRY_REG, 0x6030000000100000ULL);
	rf_put_u32(m, KVM_REGFILTER_A_ENTRY_ACTION, 0);
	rf_nest_end(m);
	EXPECT_REFUSED(-EINVAL);
	/* A register twice. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	for (i = 0; i < 2; i++) {
		rf_nest_start(m, KVM_REGFILTER_A_ENTRY);
		rf_put_u64(m, KVM_REGFILTER_A_ENTRY_REG, CONTEXTIDR_EL1);
		rf_put_u32(m, KVM_REGFILTER_A_ENTRY_ACTION, 0);
		rf_nest_end(m);
	}
	EXPECT_REFUSED(-EINVAL);
	/* A fake without a value. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	rf_nest_start(m, KVM_REGFILTER_A_ENTRY);
	rf_put_u64(m, KVM_REGFILTER_A_ENTRY_REG, FAKE_REG);
	rf_put_u32(m, KVM_REGFILTER_A_ENTRY_ACTION, KVM_REGFILTER_ACTION_FAKE);
	rf_nest_end(m);
	EXPECT_REFUSED(-EINVAL);
	/* Too many entries. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_SET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	for (i = 0; i <= KVM_REGFILTER_MAX_ENTRIES; i++) {
		rf_nest_start(m, KVM_REGFILTER_A_ENTRY);
		rf_put_u64(m, KVM_REGFILTER_A_ENTRY_REG, SYSREG(3, 0, 15, 0, 0) + i);
		rf_put_u32(m, KVM_REGFILTER_A_ENTRY_ACTION, 0);
		rf_nest_end(m);
	}
	EXPECT_REFUSED(-E2BIG);
	/* No such process. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_GET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, 0x3ffffff);
	EXPECT_REFUSED(-ESRCH);
	/* A process without a profile. */
	rf_msg_init(m, &self->nl, KVM_REGFILTER_CMD_GET_PROFILE, 0);
	rf_put_u32(m, KVM_REGFILTER_A_PID, getpid());
	EXPECT_REFUSED(-ENOENT);
}

/* Random bytes after a valid header: refused, never a kernel complaint. */
TEST_F(nl, random_bytes)
{
	struct rf_msg *m = &self->m;
	int i, j, n, cmd, refused = 0;

	srandom(1234);
	for (i = 0; i < 2000; i++) {
		cmd = 1 + random() % KVM_REGFILTER_CMD_MAX;
		rf_msg_init(m, &self->nl, cmd, cmd >= KVM_REGFILTER_CMD_GET_BINDINGS &&
			    random() % 2 ? NLM_F_DUMP : 0);
		n = random() % 256;
		for (j = 0; j < n; j++)
			m->buf[m->len + j] = random();
		m->len += n;
		if (rf_nl_transact(&self->nl, m, NULL, NULL) < 0)
			refused++;
	}
	TH_LOG("%d of 2000 random requests refused", refused);
	EXPECT_LT(1500, refused);
}

/* An unprivileged process may configure itself, not others. */
/*
 * The bound on bound processes: KVM_REGFILTER_MAX_BINDINGS processes (forked
 * children that wait on a pipe) take a profile, the next is refused with
 * ENOSPC and a message, a bound one may still change its profile, and once
 * they have exited every binding is freed (the count is back where it was,
 * and a new process can be bound again).
 */
TEST_F_TIMEOUT(nl, bindings_bound, 300)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	const int max = KVM_REGFILTER_MAX_BINDINGS;
	pid_t *kids = calloc(max + 1, sizeof(*kids));
	int base, nkids, nbound = 0, pfd[2], ret = 0, i;
	char extack[sizeof(self->nl.extack)] = "";

	ASSERT_NE(NULL, kids);
	base = rf_count_bindings(&self->nl);
	ASSERT_LE(0, base);
	TH_LOG("%d processes had a profile before", base);
	ASSERT_EQ(0, pipe(pfd));
	for (nkids = 0; nkids <= max - base; nkids++) {
		kids[nkids] = fork();
		ASSERT_LE(0, kids[nkids]);
		if (kids[nkids] == 0) {
			char c;

			close(pfd[1]);
			_exit(read(pfd[0], &c, 1) < 0);
		}
		ret = rf_set_profile(&self->nl, kids[nkids], 0, e, 1);
		if (ret) {
			snprintf(extack, sizeof(extack), "%s", self->nl.extack);
			nkids++;
			break;
		}
		nbound++;
	}
	EXPECT_EQ(max - base, nbound);
	EXPECT_EQ(-ENOSPC, ret) TH_LOG("bind %d: %s", nbound + 1, strerror(-ret));
	EXPECT_NE(NULL, strstr(extack, "too many")) TH_LOG("extack: '%s'", extack);
	EXPECT_EQ(max, rf_count_bindings(&self->nl));
	/* Changing a bound process's profile is no new binding. */
	EXPECT_EQ(0, rf_set_profile(&self->nl, kids[0], 0, e, 1)) TH_LOG("%s", self->nl.extack);

	close(pfd[1]);
	for (i = 0; i < nkids; i++)
		EXPECT_EQ(kids[i], waitpid(kids[i], NULL, 0));
	close(pfd[0]);
	free(kids);
	/* A dump reaps the bindings of processes that have exited. */
	EXPECT_EQ(base, rf_count_bindings(&self->nl));
	ret = rf_set_profile(&self->nl, getpid(), 0, e, 1);
	EXPECT_EQ(0, ret) TH_LOG("bind after the others exited: %s", self->nl.extack);
	EXPECT_EQ(0, rf_clear_profile(&self->nl, getpid(), 0));
}

TEST(unprivileged)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	pid_t child;
	int status;

	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct rf_nl nl;
		int ret;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (rf_nl_open(&nl))
			_exit(11);
		ret = rf_set_profile(&nl, getpid(), 0, e, 1);
		if (ret) {
			fprintf(stderr, "# self: %s (%s)\n", strerror(-ret), nl.extack);
			_exit(12);
		}
		ret = rf_set_profile(&nl, 1, 0, e, 1);
		fprintf(stderr, "# pid 1: %s (%s)\n", strerror(-ret), nl.extack);
		if (ret != -EPERM || !nl.extack[0])
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* The module cannot be unloaded while a filtered vcpu file is open. */
TEST_F(filter, unload_refused)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	int vcpu, ret;

	ASSERT_EQ(0, bind_self(&self->nl, e, 1));
	vcpu = new_vcpu(_metadata, self);
	ASSERT_LE(0, vcpu);
	ret = syscall(SYS_delete_module, "kvm_regfilter", O_NONBLOCK);
	EXPECT_EQ(-1, ret);
	EXPECT_EQ(EWOULDBLOCK, errno);
}

struct hammer {
	int vcpu;
	bool *stop;
	long ops, errors;
	char first[64];		/* the first error: which ioctl, errno */
};

static void hammer_error(struct hammer *h, const char *what, int err)
{
	if (!h->errors++)
		snprintf(h->first, sizeof(h->first), "%s: %s", what, strerror(err));
}

static void *hammer_fn(void *arg)
{
	struct hammer *h = arg;
	struct kvm_reg_list *l;
	uint64_t v;
	int ret;

	while (!__atomic_load_n(h->stop, __ATOMIC_RELAXED)) {
		/*
		 * A forced change between the count and the fetch makes the
		 * fetch E2BIG, as KVM does when its list grows: ask again.
		 */
		struct kvm_reg_list probe = { .n = 0 };

		if (ioctl(h->vcpu, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG) {
			hammer_error(h, "list count", errno);
			continue;
		}
		l = calloc(1, sizeof(*l) + (probe.n + 8) * 8);
		l->n = probe.n;
		ret = ioctl(h->vcpu, KVM_GET_REG_LIST, l) < 0 ? -errno : 0;
		if (ret && ret != -E2BIG)
			hammer_error(h, "list", -ret);
		free(l);
		ret = test_get_reg(h->vcpu, TPIDR_EL1, &v);
		if (ret)
			hammer_error(h, "GET TPIDR_EL1", -ret);
		ret = test_set_reg(h->vcpu, TPIDR_EL1, h->ops);
		if (ret)
			hammer_error(h, "SET TPIDR_EL1", -ret);
		/* Hidden or not depending on the moment: either answer is fine. */
		ret = test_get_reg(h->vcpu, CONTEXTIDR_EL1, &v);
		if (ret && ret != -ENOENT)
			hammer_error(h, "GET CONTEXTIDR_EL1", -ret);
		h->ops++;
	}
	return NULL;
}

/* Profile changes while threads hammer the register ioctls. */
TEST_F(filter, concurrent_changes)
{
	struct rf_test_entry a[] = { HIDE(CONTEXTIDR_EL1), FAKE(FAKE_REG, 1, 0) };
	struct rf_test_entry b[] = { FAKE(FAKE_REG2, 2, 0), PIN(RF_PSCI_VERSION, 0x10000) };
	struct hammer h[4];
	pthread_t t[4];
	bool stop = false;
	long changes = 0, ops = 0, errors = 0;
	time_t end;
	int i;

	ASSERT_EQ(0, bind_self(&self->nl, a, 2));
	for (i = 0; i < 4; i++) {
		h[i] = (struct hammer){ .vcpu = new_vcpu(_metadata, self), .stop = &stop };
		ASSERT_LE(0, h[i].vcpu);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, hammer_fn, &h[i]));
	}
	end = time(NULL) + 8;
	while (time(NULL) < end) {
		ASSERT_EQ(0, rf_set_profile(&self->nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE,
					    changes % 2 ? a : b, 2));
		changes++;
		if (changes % 7 == 0)
			ASSERT_EQ(0, rf_clear_profile(&self->nl, getpid(),
						      KVM_REGFILTER_SET_FLAGS_FORCE));
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ops += h[i].ops;
		errors += h[i].errors;
		if (h[i].errors)
			TH_LOG("thread %d: %ld errors, the first %s", i, h[i].errors, h[i].first);
	}
	TH_LOG("%ld profile changes, %ld rounds of register ioctls, %ld errors",
	       changes, ops, errors);
	EXPECT_LT(10, changes);
	EXPECT_LT(10, ops);
	EXPECT_EQ(0, errors);
}

/*
 * The host default: the profile of VMs made by processes without one.  It
 * is global, so every test clears it in its teardown, whatever happened.
 */
static struct rf_msg scratch_msg_default;
FIXTURE(host_default) {
	struct rf_nl nl;
	struct test_vm vm[2];
	int nvm;
};

FIXTURE_SETUP(host_default)
{
	int ret = rf_nl_open(&self->nl);

	ASSERT_EQ(0, ret) TH_LOG("kvm_regfilter family: %s (is the module loaded?)",
				 strerror(-ret));
	self->nvm = 0;
	/* A default left by an earlier failure would judge this test. */
	ret = rf_clear_default(&self->nl, KVM_REGFILTER_SET_FLAGS_FORCE);
	ASSERT_TRUE(ret == 0 || ret == -ENOENT) TH_LOG("clear-default: %s", strerror(-ret));
}

FIXTURE_TEARDOWN(host_default)
{
	int i;

	for (i = 0; i < self->nvm; i++)
		test_vm_destroy(&self->vm[i]);
	rf_clear_default(&self->nl, KVM_REGFILTER_SET_FLAGS_FORCE);
	rf_nl_close(&self->nl);
}

/* A new VM with one initialised vcpu; its vcpu fd. */
static int default_vm_vcpu(struct __test_metadata *_metadata,
			   struct _test_data_host_default *self)
{
	struct test_vm *vm = &self->vm[self->nvm];
	int fd;

	if (self->nvm >= 2 || test_vm_create(vm))
		return -1;
	self->nvm++;
	fd = test_vcpu_add(vm, 0);
	EXPECT_LE(0, fd);
	return fd;
}

static bool vcpu_lists(int vcpu, uint64_t reg)
{
	struct kvm_reg_list *l = test_vcpu_reg_list(vcpu);
	bool has = l && in_list(l, reg);

	free(l);
	return has;
}

/* A VM made by a process without a profile takes the default. */
TEST_F(host_default, applies_to_new_vms)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1), FAKE(FAKE_REG, 0x5, 0) };
	struct rf_vm_info vi;
	uint64_t v;
	int vcpu;

	EXPECT_EQ(-ENOENT, rf_get_default_entries(&self->nl));
	ASSERT_EQ(0, rf_set_default(&self->nl, 0, e, 2));
	EXPECT_EQ(2, rf_get_default_entries(&self->nl));
	EXPECT_EQ(-ENOENT, rf_clear_profile(&self->nl, getpid(), 0));
	vcpu = default_vm_vcpu(_metadata, self);
	ASSERT_LE(0, vcpu);
	EXPECT_FALSE(vcpu_lists(vcpu, CONTEXTIDR_EL1));
	EXPECT_TRUE(vcpu_lists(vcpu, FAKE_REG));
	EXPECT_EQ(-ENOENT, test_get_reg(vcpu, CONTEXTIDR_EL1, &v));
	EXPECT_EQ(0, test_get_reg(vcpu, FAKE_REG, &v));
	EXPECT_EQ(0x5, v);
	ASSERT_EQ(1, rf_get_vms(&self->nl, getpid(), &vi, 1));
	EXPECT_EQ(1, vi.sealed);
	EXPECT_EQ(1, vi.fake_reads);
}

/* VMs made before the default keep what they had; later ones take it. */
TEST_F(host_default, existing_vms_untouched)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	int before, after;

	before = default_vm_vcpu(_metadata, self);
	ASSERT_LE(0, before);
	ASSERT_EQ(0, rf_set_default(&self->nl, 0, e, 1));
	after = default_vm_vcpu(_metadata, self);
	ASSERT_LE(0, after);
	EXPECT_TRUE(vcpu_lists(before, CONTEXTIDR_EL1));
	EXPECT_FALSE(vcpu_lists(after, CONTEXTIDR_EL1));
}

/* A process's own profile wins; cleared, its VMs take the default. */
TEST_F(host_default, binding_wins)
{
	struct rf_test_entry d[] = { HIDE(CONTEXTIDR_EL1) };
	struct rf_test_entry own[] = { HIDE(TPIDR_EL1) };
	int vcpu;

	ASSERT_EQ(0, rf_set_default(&self->nl, 0, d, 1));
	ASSERT_EQ(0, rf_set_profile(&self->nl, getpid(), 0, own, 1));
	vcpu = default_vm_vcpu(_metadata, self);
	ASSERT_LE(0, vcpu);
	EXPECT_TRUE(vcpu_lists(vcpu, CONTEXTIDR_EL1));
	EXPECT_FALSE(vcpu_lists(vcpu, TPIDR_EL1));
	ASSERT_EQ(0, rf_clear_profile(&self->nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE));
	EXPECT_FALSE(vcpu_lists(vcpu, CONTEXTIDR_EL1));
	EXPECT_TRUE(vcpu_lists(vcpu, TPIDR_EL1));
	/* And with the default cleared too, the stock list. */
	ASSERT_EQ(0, rf_clear_default(&self->nl, KVM_REGFILTER_SET_FLAGS_FORCE));
	EXPECT_TRUE(vcpu_lists(vcpu, CONTEXTIDR_EL1));
	EXPECT_TRUE(vcpu_lists(vcpu, TPIDR_EL1));
}

/* A list handed out under the default holds it, unless forced. */
TEST_F(host_default, seal_and_force)
{
	struct rf_test_entry e1[] = { HIDE(CONTEXTIDR_EL1) };
	struct rf_test_entry e2[] = { HIDE(TPIDR_EL1) };
	int vcpu;

	ASSERT_EQ(0, rf_set_default(&self->nl, 0, e1, 1));
	vcpu = default_vm_vcpu(_metadata, self);
	ASSERT_LE(0, vcpu);
	/* Not handed out yet: free to change. */
	ASSERT_EQ(0, rf_set_default(&self->nl, 0, e1, 1));
	EXPECT_FALSE(vcpu_lists(vcpu, CONTEXTIDR_EL1));
	EXPECT_EQ(-EBUSY, rf_set_default(&self->nl, 0, e2, 1));
	EXPECT_NE(NULL, strstr(self->nl.extack, "host default"));
	TH_LOG("extack: %s", self->nl.extack);
	EXPECT_EQ(-EBUSY, rf_clear_default(&self->nl, 0));
	EXPECT_EQ(1, rf_get_default_entries(&self->nl));
	ASSERT_EQ(0, rf_set_default(&self->nl, KVM_REGFILTER_SET_FLAGS_FORCE, e2, 1));
	EXPECT_TRUE(vcpu_lists(vcpu, CONTEXTIDR_EL1));
	EXPECT_FALSE(vcpu_lists(vcpu, TPIDR_EL1));
	ASSERT_EQ(0, rf_clear_default(&self->nl, KVM_REGFILTER_SET_FLAGS_FORCE));
	EXPECT_TRUE(vcpu_lists(vcpu, TPIDR_EL1));
	EXPECT_EQ(-ENOENT, rf_clear_default(&self->nl, 0));
	EXPECT_NE(0, strlen(self->nl.extack));
}

/* Only CAP_SYS_ADMIN sets or clears it; anyone may read it; bad input says why. */
TEST_F(host_default, permissions_and_errors)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1) };
	pid_t child;
	int status;

	ASSERT_EQ(0, rf_set_default(&self->nl, 0, e, 1));
	child = fork();
	ASSERT_LE(0, child);
	if (child == 0) {
		struct rf_nl nl;
		int ret;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (rf_nl_open(&nl))
			_exit(11);
		ret = rf_set_default(&nl, 0, e, 1);
		fprintf(stderr, "# set-default as 65534: %s (%s)\n", strerror(-ret), nl.extack);
		if (ret != -EPERM || !strstr(nl.extack, "CAP_SYS_ADMIN"))
			_exit(12);
		ret = rf_clear_default(&nl, KVM_REGFILTER_SET_FLAGS_FORCE);
		if (ret != -EPERM)
			_exit(13);
		if (rf_get_default_entries(&nl) != 1)
			_exit(14);
		_exit(0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_EQ(1, rf_get_default_entries(&self->nl));

	/* A pid has no place in set-default: refused, and named. */
	rf_msg_init(&scratch_msg_default, &self->nl, KVM_REGFILTER_CMD_SET_DEFAULT, 0);
	rf_put_u32(&scratch_msg_default, KVM_REGFILTER_A_PID, getpid());
	EXPECT_EQ(-EINVAL, rf_nl_transact(&self->nl, &scratch_msg_default, NULL, NULL));
	EXPECT_NE(NULL, strstr(self->nl.extack, "no pid"));
	EXPECT_EQ(1, rf_get_default_entries(&self->nl));
}

/* Setting and clearing it are events, with who did it. */
TEST_F(host_default, events)
{
	struct rf_test_entry e[] = { HIDE(CONTEXTIDR_EL1), HIDE(TPIDR_EL1) };
	struct rf_nl ev_nl;
	struct rf_event ev;

	ASSERT_EQ(0, rf_nl_open(&ev_nl));
	ASSERT_EQ(0, rf_nl_join_events(&ev_nl));
	ASSERT_EQ(0, rf_set_default(&self->nl, 0, e, 2));
	ASSERT_EQ(0, rf_next_event(&ev_nl, &ev, 5000));
	EXPECT_EQ(KVM_REGFILTER_EVENT_DEFAULT_SET, ev.event);
	EXPECT_EQ((uint32_t)getpid(), ev.pid);
	EXPECT_EQ(2, ev.reg);
	ASSERT_EQ(0, rf_clear_default(&self->nl, 0));
	ASSERT_EQ(0, rf_next_event(&ev_nl, &ev, 5000));
	EXPECT_EQ(KVM_REGFILTER_EVENT_DEFAULT_CLEARED, ev.event);
	EXPECT_EQ((uint32_t)getpid(), ev.pid);
	rf_nl_close(&ev_nl);
}

/*
 * The default changing (set, replaced, cleared, all forced) and the
 * process's own profile coming and going, while threads hammer the
 * register ioctls of VMs that were made under the default.
 */
TEST_F(host_default, concurrent_changes)
{
	struct rf_test_entry a[] = { HIDE(CONTEXTIDR_EL1), FAKE(FAKE_REG, 1, 0) };
	struct rf_test_entry b[] = { FAKE(FAKE_REG2, 2, 0), PIN(RF_PSCI_VERSION, 0x10000) };
	struct hammer h[4];
	pthread_t t[4];
	bool stop = false;
	long changes = 0, ops = 0, errors = 0;
	time_t end;
	int i;

	ASSERT_EQ(0, rf_set_default(&self->nl, 0, a, 2));
	ASSERT_EQ(0, test_vm_create(&self->vm[0]));
	self->nvm = 1;
	for (i = 0; i < 4; i++) {
		h[i] = (struct hammer){ .vcpu = test_vcpu_add(&self->vm[0], i), .stop = &stop };
		ASSERT_LE(0, h[i].vcpu);
		ASSERT_EQ(0, pthread_create(&t[i], NULL, hammer_fn, &h[i]));
	}
	end = time(NULL) + 8;
	while (time(NULL) < end) {
		const uint32_t force = KVM_REGFILTER_SET_FLAGS_FORCE;

		ASSERT_EQ(0, rf_set_default(&self->nl, force, changes % 2 ? a : b, 2));
		if (changes % 5 == 0)
			ASSERT_EQ(0, rf_set_profile(&self->nl, getpid(), force, a, 1));
		if (changes % 5 == 2)
			ASSERT_EQ(0, rf_clear_profile(&self->nl, getpid(), force));
		if (changes % 7 == 0)
			ASSERT_EQ(0, rf_clear_default(&self->nl, force));
		changes++;
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELAXED);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ops += h[i].ops;
		errors += h[i].errors;
		if (h[i].errors)
			TH_LOG("thread %d: %ld errors, the first %s", i, h[i].errors, h[i].first);
	}
	rf_clear_profile(&self->nl, getpid(), KVM_REGFILTER_SET_FLAGS_FORCE);
	TH_LOG("%ld changes of the default, %ld rounds of register ioctls, %ld errors",
	       changes, ops, errors);
	EXPECT_LT(10, changes);
	EXPECT_LT(10, ops);
	EXPECT_EQ(0, errors);
}

TEST_HARNESS_MAIN

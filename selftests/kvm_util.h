/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of KVM for register tests: a VM with initialised vcpus, as
 * a VMM creates them (preferred target, PSCI 0.2 and later).
 */
#ifndef REGFILTER_SELFTEST_KVM_UTIL_H
#define REGFILTER_SELFTEST_KVM_UTIL_H

#include <stdint.h>
#include <linux/kvm.h>

struct test_vm {
	int kvm_fd;
	int vm_fd;
	unsigned int nvcpus;	/* for the caller's bookkeeping */
};

/* 0 or -errno; the reason is printed. */
int test_vm_create(struct test_vm *vm);
void test_vm_destroy(struct test_vm *vm);
/* A vcpu fd, created and KVM_ARM_VCPU_INIT'ed, or -errno. */
int test_vcpu_add(struct test_vm *vm, unsigned int id);

/*
 * KVM_GET_REG_LIST as QEMU calls it: ask with n = 0, expect E2BIG and the
 * count, then fetch exactly that many.  Returns a malloc'ed list or NULL
 * with errno set.
 */
struct kvm_reg_list *test_vcpu_reg_list(int vcpu_fd);
/* KVM's list for a fresh vcpu of a process without a profile (a child). */
struct kvm_reg_list *test_unbound_reg_list(void);

int test_get_reg(int vcpu_fd, uint64_t id, uint64_t *val);
int test_set_reg(int vcpu_fd, uint64_t id, uint64_t val);
/* A vcpu fd, created but not initialised, or -errno. */
int test_vcpu_create(struct test_vm *vm, unsigned int id);
/* KVM_ARM_VCPU_INIT with the preferred target: 0 or -errno. */
int test_vcpu_init(struct test_vm *vm, int vcpu_fd);
/* The same with more features (bits of features[0], KVM_ARM_VCPU_*). */
int test_vcpu_init_features(struct test_vm *vm, int vcpu_fd, uint32_t features);

#define TEST_ID_AA64DFR0_EL1	0x603000000013c028ULL	/* op0 3, CRm 5, op2 0 */

/* A field of an ID register and the lowest value KVM takes for it. */
struct test_id_field {
	const char *name;
	uint64_t mask, lowest;
};

/*
 * The CPU's ID_AA64DFR0_EL1 in *dfr0 and the first of its fields (DebugVer,
 * then WRPs) that is above its lowest value and that this kernel lets
 * userspace lower, tried on a VM of its own; NULL if there is none (6.1
 * takes no change of an ID register) or on error (*dfr0 then 0).  Which one
 * depends on the CPU: -cpu max has DebugVer above Armv8.0, a Cortex-A57 is
 * at 8.0 but has four watchpoints.
 */
const struct test_id_field *test_dfr0_lowerable(uint64_t *dfr0);

/* "6.1", "6.12" or "7.x" for the running kernel, NULL if unknown. */
const char *test_kernel_series(void);

#endif

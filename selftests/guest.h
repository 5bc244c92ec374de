/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A few instructions of guest code run with KVM_RUN: enough to ask the
 * hypervisor something (an HVC) and report the answer with an MMIO store,
 * or to spin a counted loop for timing the run path.
 */
#ifndef REGFILTER_SELFTEST_GUEST_H
#define REGFILTER_SELFTEST_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <linux/kvm.h>

#include "kvm_util.h"

#define GUEST_CODE_GPA	0x80000000ULL
#define GUEST_MMIO_GPA	0x10000000ULL	/* no memslot: stores exit to us */

struct test_guest {
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	void *mem;
};

/* Map code at GUEST_CODE_GPA (once per VM) and point the vcpu's PC at it. */
int test_guest_load(struct test_vm *vm, struct test_guest *g, int vcpu_fd,
		    const uint32_t *code, size_t ninsns);
/* Start (or restart) at the code's first instruction. */
int test_guest_reset_pc(struct test_guest *g);
/* KVM_RUN until an MMIO store; the stored 64-bit value, or -errno. */
int test_guest_run_mmio(struct test_guest *g, uint64_t *val);
void test_guest_unload(struct test_guest *g);

/* Guest programs. */
extern const uint32_t guest_psci_version[];
extern const size_t guest_psci_version_len;
/* Counts 1000 down, stores 0 (an MMIO exit), and again, forever. */
extern const uint32_t guest_loop[];
extern const size_t guest_loop_len;

#endif

// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "guest.h"

#define MEM_SIZE	0x10000

/* x0 = PSCI_VERSION (0x84000000); hvc #0; *(u64 *)GUEST_MMIO_GPA = x0. */
const uint32_t guest_psci_version[] = {
	0xd2b08000,	/* movz x0, #0x8400, lsl #16 */
	0xd4000002,	/* hvc #0 */
	0xd2a20001,	/* movz x1, #0x1000, lsl #16 */
	0xf9000020,	/* str x0, [x1] */
	0x14000000,	/* b . */
};

const size_t guest_psci_version_len = sizeof(guest_psci_version) / 4;

/* Forever: count 1000 down, store the count (an exit), start again. */
const uint32_t guest_loop[] = {
	0xd2807d02,	/* 0: movz x2, #1000 */
	0xf1000442,	/* 1: subs x2, x2, #1 */
	0x54ffffe1,	/* b.ne 1b */
	0xd2a20001,	/* movz x1, #0x1000, lsl #16 */
	0xf9000022,	/* str x2, [x1] */
	0x17fffffb,	/* b 0b */
};

const size_t guest_loop_len = sizeof(guest_loop) / 4;

int test_guest_reset_pc(struct test_guest *g)
{
	return test_set_reg(g->vcpu_fd, KVM_REG_ARM64 | KVM_REG_SIZE_U64 |
			    KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(regs.pc),
			    GUEST_CODE_GPA);
}

int test_guest_load(struct test_vm *vm, struct test_guest *g, int vcpu_fd,
		    const uint32_t *code, size_t ninsns)
{
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = GUEST_CODE_GPA,
		.memory_size = MEM_SIZE,
	};
	int size;

	memset(g, 0, sizeof(*g));
	g->vcpu_fd = vcpu_fd;
	g->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (g->mem == MAP_FAILED)
		return -errno;
	memcpy(g->mem, code, ninsns * 4);
	region.userspace_addr = (uintptr_t)g->mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return -errno;
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0)
		return -errno;
	g->run_size = size;
	g->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (g->run == MAP_FAILED)
		return -errno;
	return test_guest_reset_pc(g);
}

int test_guest_run_mmio(struct test_guest *g, uint64_t *val)
{
	for (;;) {
		if (ioctl(g->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (g->run->exit_reason == KVM_EXIT_MMIO && g->run->mmio.is_write &&
		    g->run->mmio.phys_addr == GUEST_MMIO_GPA) {
			*val = 0;
			memcpy(val, g->run->mmio.data, g->run->mmio.len);
			return 0;
		}
		if (g->run->exit_reason != KVM_EXIT_MMIO) {
			fprintf(stderr, "# unexpected exit %u\n", g->run->exit_reason);
			return -EPROTO;
		}
	}
}

void test_guest_unload(struct test_guest *g)
{
	if (g->run && g->run != MAP_FAILED)
		munmap(g->run, g->run_size);
	if (g->mem && g->mem != MAP_FAILED)
		munmap(g->mem, MEM_SIZE);
}

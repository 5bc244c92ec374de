// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "kvm_util.h"

int test_vm_create(struct test_vm *vm)
{
	int ret;

	vm->nvcpus = 0;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		ret = -errno;
		fprintf(stderr, "# open /dev/kvm: %s\n", strerror(errno));
		return ret;
	}
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0) {
		ret = -errno;
		fprintf(stderr, "# KVM_CREATE_VM: %s\n", strerror(errno));
		close(vm->kvm_fd);
		return ret;
	}
	return 0;
}

void test_vm_destroy(struct test_vm *vm)
{
	close(vm->vm_fd);
	close(vm->kvm_fd);
}

int test_vcpu_create(struct test_vm *vm, unsigned int id)
{
	int fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);

	if (fd < 0) {
		fd = -errno;
		fprintf(stderr, "# KVM_CREATE_VCPU %u: %s\n", id, strerror(-fd));
	}
	return fd;
}

int test_vcpu_init(struct test_vm *vm, int vcpu_fd)
{
	return test_vcpu_init_features(vm, vcpu_fd, 0);
}

int test_vcpu_init_features(struct test_vm *vm, int vcpu_fd, uint32_t features)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return -errno;
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2 | features;
	if (ioctl(vcpu_fd, KVM_ARM_VCPU_INIT, &init) < 0)
		return -errno;
	return 0;
}

int test_vcpu_add(struct test_vm *vm, unsigned int id)
{
	int fd, ret;

	fd = test_vcpu_create(vm, id);
	if (fd < 0)
		return fd;
	ret = test_vcpu_init(vm, fd);
	if (ret) {
		fprintf(stderr, "# vcpu %u init: %s\n", id, strerror(-ret));
		close(fd);
		return ret;
	}
	return fd;
}

struct kvm_reg_list *test_vcpu_reg_list(int vcpu_fd)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	uint64_t n;

	if (ioctl(vcpu_fd, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG) {
		fprintf(stderr, "# KVM_GET_REG_LIST with n=0 did not give E2BIG\n");
		errno = EPROTO;
		return NULL;
	}
	n = probe.n;
	list = calloc(1, sizeof(*list) + n * sizeof(list->reg[0]));
	if (!list)
		return NULL;
	list->n = n;
	if (ioctl(vcpu_fd, KVM_GET_REG_LIST, list) < 0) {
		int err = errno;

		fprintf(stderr, "# KVM_GET_REG_LIST(n=%llu): %s\n",
			(unsigned long long)n, strerror(err));
		free(list);
		errno = err;
		return NULL;
	}
	return list;
}

int test_get_reg(int vcpu_fd, uint64_t id, uint64_t *val)
{
	/* Big enough for the largest register (U2048 for SVE). */
	static __thread uint64_t buf[32];
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)buf };

	memset(buf, 0, sizeof(buf));
	if (ioctl(vcpu_fd, KVM_GET_ONE_REG, &reg) < 0)
		return -errno;
	*val = buf[0];
	return 0;
}

int test_set_reg(int vcpu_fd, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu_fd, KVM_SET_ONE_REG, &reg) < 0 ? -errno : 0;
}

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

const struct test_id_field *test_dfr0_lowerable(uint64_t *dfr0)
{
	static const struct test_id_field fields[] = {
		{ "DebugVer", 0xfULL, 0x6ULL },		/* Armv8.0 debug */
		{ "WRPs", 0xfULL << 20, 0x1ULL << 20 },	/* two watchpoints */
	};
	const struct test_id_field *found = NULL;
	struct test_vm vm;
	uint64_t low;
	unsigned int i;
	int fd;

	*dfr0 = 0;
	if (test_vm_create(&vm))
		return NULL;
	fd = test_vcpu_add(&vm, 0);
	if (fd >= 0 && test_get_reg(fd, TEST_ID_AA64DFR0_EL1, dfr0))
		*dfr0 = 0;
	for (i = 0; *dfr0 && !found && i < ARRAY_SIZE(fields); i++) {
		if ((*dfr0 & fields[i].mask) <= fields[i].lowest)
			continue;
		low = (*dfr0 & ~fields[i].mask) | fields[i].lowest;
		if (!test_set_reg(fd, TEST_ID_AA64DFR0_EL1, low))
			found = &fields[i];
	}
	if (fd >= 0)
		close(fd);
	test_vm_destroy(&vm);
	return found;
}

const char *test_kernel_series(void)
{
	static struct utsname u;
	unsigned int major, minor;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return NULL;
	if (major == 6 && minor == 1)
		return "6.1";
	if (major == 6 && minor == 12)
		return "6.12";
	if (major == 7)
		return "7.x";
	return NULL;
}

/*
 * KVM's own list, from a child (another pid, so without the caller's
 * profile) that makes a fresh VM and vcpu as test_vcpu_add() does.
 */
struct kvm_reg_list *test_unbound_reg_list(void)
{
	struct kvm_reg_list *l = NULL;
	int pfd[2], status;
	uint64_t n;
	pid_t pid;

	if (pipe(pfd))
		return NULL;
	pid = fork();
	if (pid == 0) {
		struct test_vm vm;
		struct kvm_reg_list *cl;
		int vcpu;

		if (test_vm_create(&vm))
			_exit(1);
		vcpu = test_vcpu_add(&vm, 0);
		cl = vcpu < 0 ? NULL : test_vcpu_reg_list(vcpu);
		if (!cl)
			_exit(1);
		if (write(pfd[1], &cl->n, sizeof(cl->n)) < 0 ||
		    write(pfd[1], cl->reg, cl->n * 8) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &n, sizeof(n)) == sizeof(n)) {
		l = calloc(1, sizeof(*l) + n * 8);
		l->n = n;
		if (read(pfd[0], l->reg, n * 8) != (ssize_t)(n * 8)) {
			free(l);
			l = NULL;
		}
	}
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return l;
}

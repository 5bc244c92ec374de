// SPDX-License-Identifier: GPL-2.0
/*
 * The vcpu register list of the running kernel, compared with the list
 * checked in for its series (blessed/<series>.txt), in the manner of KVM's
 * own get-reg-list test: each new or missing register is reported by name.
 * The blessed lists are the project's measured record of how 6.1, 6.12
 * and 7.x differ.
 *
 *   get_reg_list           run the tests (TAP)
 *   get_reg_list --bless   print this kernel's list in the blessed format
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "../tools/lib/reglist.h"
#include "../tools/lib/regnames.h"

static void blessed_path(char *buf, size_t len)
{
	const char *dir = getenv("REGFILTER_BLESSED_DIR");
	char exe[PATH_MAX];
	ssize_t n;

	if (!dir) {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		if (strrchr(exe, '/'))
			*strrchr(exe, '/') = '\0';
		snprintf(buf, len, "%s/blessed/%s.txt", n > 0 ? exe : ".",
			 test_kernel_series());
		return;
	}
	snprintf(buf, len, "%s/%s.txt", dir, test_kernel_series());
}

static void to_reglist(const struct kvm_reg_list *kl, struct reglist *l)
{
	uint64_t i;

	reglist_init(l);
	for (i = 0; i < kl->n; i++)
		reglist_add(l, kl->reg[i]);
}

FIXTURE(vcpu) {
	struct test_vm vm;
	int vcpu_fd;
	struct kvm_reg_list *list;
};

FIXTURE_SETUP(vcpu)
{
	if (!test_kernel_series())
		SKIP(return, "kernel series not 6.1, 6.12 or 7.x");
	ASSERT_EQ(0, test_vm_create(&self->vm));
	self->vcpu_fd = test_vcpu_add(&self->vm, 0);
	ASSERT_LE(0, self->vcpu_fd);
	self->list = test_vcpu_reg_list(self->vcpu_fd);
	ASSERT_NE(NULL, self->list);
}

FIXTURE_TEARDOWN(vcpu)
{
	free(self->list);
	if (self->vcpu_fd >= 0)
		close(self->vcpu_fd);
	test_vm_destroy(&self->vm);
}

/* The list equals the blessed one for this series, as a set. */
TEST_F(vcpu, matches_blessed)
{
	struct reglist blessed, now, missing, extra;
	char path[PATH_MAX + 32], err[512], name[64];
	size_t i;

	blessed_path(path, sizeof(path));
	reglist_init(&blessed);
	ASSERT_EQ(0, reglist_load(&blessed, path, err, sizeof(err))) {
		TH_LOG("%s (regenerate with 'make bless')", err);
	}
	to_reglist(self->list, &now);
	reglist_init(&missing);
	reglist_init(&extra);
	ASSERT_EQ(0, reglist_minus(&blessed, &now, &missing));
	ASSERT_EQ(0, reglist_minus(&now, &blessed, &extra));

	ksft_print_msg("kernel lists %zu registers, %s has %zu\n",
		       now.nr, path, blessed.nr);
	for (i = 0; i < missing.nr; i++) {
		regname_format(missing.ids[i], name, sizeof(name));
		ksft_print_msg("missing: 0x%016llx %s\n",
			       (unsigned long long)missing.ids[i], name);
	}
	for (i = 0; i < extra.nr; i++) {
		regname_format(extra.ids[i], name, sizeof(name));
		ksft_print_msg("new:     0x%016llx %s\n",
			       (unsigned long long)extra.ids[i], name);
	}
	EXPECT_EQ(0, missing.nr);
	EXPECT_EQ(0, extra.nr);
	EXPECT_EQ(blessed.nr, now.nr);

	reglist_free(&blessed);
	reglist_free(&now);
	reglist_free(&missing);
	reglist_free(&extra);
}

/*
 * The count from the E2BIG probe is what the kernel then writes, a buffer
 * one short is refused, and no id appears twice.
 */
TEST_F(vcpu, count_is_consistent)
{
	uint64_t n = self->list->n, i, j;
	struct kvm_reg_list *small;

	ASSERT_LT(0, n);
	small = calloc(1, sizeof(*small) + n * sizeof(small->reg[0]));
	ASSERT_NE(NULL, small);
	small->n = n - 1;
	EXPECT_EQ(-1, ioctl(self->vcpu_fd, KVM_GET_REG_LIST, small));
	EXPECT_EQ(E2BIG, errno);
	EXPECT_EQ(n, small->n);
	EXPECT_EQ(0, small->reg[0]) TH_LOG("E2BIG path wrote ids");
	free(small);

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			EXPECT_NE(self->list->reg[i], self->list->reg[j]);
}

/* Every listed register can be read with KVM_GET_ONE_REG. */
TEST_F(vcpu, all_readable)
{
	char name[64];
	uint64_t i, val;
	int ret;

	for (i = 0; i < self->list->n; i++) {
		ret = test_get_reg(self->vcpu_fd, self->list->reg[i], &val);
		if (ret) {
			regname_format(self->list->reg[i], name, sizeof(name));
			TH_LOG("KVM_GET_ONE_REG %s: %s", name, strerror(-ret));
		}
		EXPECT_EQ(0, ret);
	}
}

static int bless(void)
{
	struct test_vm vm;
	struct kvm_reg_list *kl;
	struct reglist l;
	struct utsname u;
	int vcpu;

	if (test_vm_create(&vm))
		return 1;
	vcpu = test_vcpu_add(&vm, 0);
	if (vcpu < 0)
		return 1;
	kl = test_vcpu_reg_list(vcpu);
	if (!kl)
		return 1;
	uname(&u);
	to_reglist(kl, &l);
	printf("# KVM_GET_REG_LIST of one vcpu (PSCI 0.2, no optional features)\n");
	printf("# kernel %s %s, %zu registers, in the order KVM lists them\n",
	       u.release, u.version, l.nr);
	reglist_write(&l, stdout);
	reglist_free(&l);
	free(kl);
	close(vcpu);
	test_vm_destroy(&vm);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--bless"))
		return bless();
	return test_harness_run(argc, argv);
}

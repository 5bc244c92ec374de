// SPDX-License-Identifier: GPL-2.0
/*
 * capture: what this host's KVM gives a fresh vcpu, from a scratch VM made
 * the way QEMU makes one (preferred target, PSCI 0.2 and later); with
 * --profile, what a VM under that profile sees.  diff: two captures.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <linux/kvm.h>

#include "../lib/capture.h"
#include "../lib/outfile.h"
#include "../lib/regnames.h"
#include "regctl.h"

#define MIDR_EL1	0x603000000013c000ULL

static int __attribute__((unused)) kvm_err(const char *what)
{
	int err = errno;

	fprintf(stderr, "%s: capture: %s: %s%s\n", prog, what, strerror(err),
		err == ENOENT ? " (no /dev/kvm: is this an arm64 KVM host?)" : "");
	return EXIT_FAILED;
}

static int __attribute__((unused)) get_reg(int vcpu, uint64_t id, uint64_t *val)
{
	uint64_t buf[32] = { 0 };
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)buf };

	if (ioctl(vcpu, KVM_GET_ONE_REG, &reg) < 0)
		return -errno;
	*val = buf[0];
	return 0;
}

#ifdef __aarch64__
static int capture_vcpu(struct rf_capture *c)
{
	struct kvm_reg_list probe = { .n = 0 }, *l;
	struct kvm_vcpu_init init;
	int kvm, vm, vcpu, ret = EXIT_FAILED;
	struct utsname u;
	uint64_t i, v = 0;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return kvm_err("/dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return kvm_err("KVM_CREATE_VM");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return kvm_err("KVM_CREATE_VCPU");
	memset(&init, 0, sizeof(init));
	if (ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init) < 0)
		return kvm_err("KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vcpu, KVM_ARM_VCPU_INIT, &init) < 0)
		return kvm_err("KVM_ARM_VCPU_INIT");
	if (ioctl(vcpu, KVM_GET_REG_LIST, &probe) == 0 || errno != E2BIG)
		return kvm_err("KVM_GET_REG_LIST");
	l = calloc(1, sizeof(*l) + probe.n * sizeof(l->reg[0]));
	if (!l)
		return EXIT_FAILED;
	l->n = probe.n;
	if (ioctl(vcpu, KVM_GET_REG_LIST, l) < 0) {
		kvm_err("KVM_GET_REG_LIST");
		goto out;
	}
	for (i = 0; i < l->n; i++) {
		bool want = rf_capture_wants_value(l->reg[i]);

		if (want && get_reg(vcpu, l->reg[i], &v)) {
			kvm_err("KVM_GET_ONE_REG");
			goto out;
		}
		if (rf_capture_add(c, l->reg[i], want, want ? v : 0))
			goto out;
	}
	uname(&u);
	snprintf(c->kernel, sizeof(c->kernel), "%s", u.release);
	if (!get_reg(vcpu, MIDR_EL1, &v))
		snprintf(c->cpu, sizeof(c->cpu), "midr 0x%llx", (unsigned long long)v);
	ret = EXIT_OK;
out:
	free(l);
	close(vcpu);
	close(vm);
	close(kvm);
	return ret;
}
#else
/* regctl also builds elsewhere, to diff captures; capturing needs arm64. */
static int capture_vcpu(struct rf_capture *c)
{
	(void)c;
	fprintf(stderr, "%s: capture: this regctl was built for another architecture; "
		"run it on an arm64 KVM host\n", prog);
	return EXIT_FAILED;
}
#endif

/* For derive and check: this host's view, from this process. */
int regctl_capture_self(struct rf_capture *c)
{
	return capture_vcpu(c);
}

int cmd_capture(int argc, char **argv)
{
	const char *out = NULL, *profile = NULL;
	struct rf_outfile o = { 0 };
	struct rf_capture c;
	FILE *f = stdout;
	char err[512];
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			profile = argv[++i];
		else
			return regctl_usage("capture");
	}
	if (profile) {
		struct regfilter *rf;
		struct rf_prof p;

		ret = regctl_load_profile(profile, &p);
		if (ret)
			return ret;
		ret = regctl_connect(&rf);
		if (!ret) {
			/* This process is the scratch VM's VMM. */
			ret = regfilter_set_profile(rf, getpid(), &p, false);
			if (ret)
				ret = regctl_fail_profile(rf, ret, "capture: set-profile", &p);
			regfilter_close(rf);
		}
		rf_prof_free(&p);
		if (ret)
			return ret;
	}
	rf_capture_init(&c);
	ret = capture_vcpu(&c);
	if (ret)
		goto done;
	/* -o replaces the file only once the capture is whole. */
	if (out) {
		if (rf_outfile_open(&o, out, err, sizeof(err))) {
			fprintf(stderr, "%s: capture: %s\n", prog, err);
			ret = EXIT_FAILED;
			goto done;
		}
		f = o.f;
	}
	if (json) {
		char name[REGNAME_MAX];
		size_t k;

		fprintf(f, "{\"kernel\":\"%s\",\"cpu\":\"%s\",\"registers\":[", c.kernel, c.cpu);
		for (k = 0; k < c.nr; k++) {
			regname_format(c.regs[k].id, name, sizeof(name));
			fprintf(f, "%s{\"reg\":\"0x%016llx\",\"name\":\"%s\"", k ? "," : "",
				(unsigned long long)c.regs[k].id, name);
			if (c.regs[k].has_value)
				fprintf(f, ",\"value\":\"0x%llx\"",
					(unsigned long long)c.regs[k].value);
			fprintf(f, "}");
		}
		fprintf(f, "]}\n");
	} else {
		rf_capture_write(&c, f);
	}
	if (out && rf_outfile_commit(&o, err, sizeof(err))) {
		fprintf(stderr, "%s: capture: %s\n", prog, err);
		ret = EXIT_FAILED;
	}
done:
	rf_capture_free(&c);
	return ret;
}

int cmd_diff(int argc, char **argv)
{
	struct rf_capture a, b;
	struct rf_capdiff *d = NULL;
	char err[512], name[REGNAME_MAX];
	int i, n;

	if (argc != 3)
		return regctl_usage("diff");
	if (rf_capture_load(&a, argv[1], err, sizeof(err)) ||
	    rf_capture_load(&b, argv[2], err, sizeof(err))) {
		fprintf(stderr, "%s: diff: %s\n", prog, err);
		return EXIT_USAGE;
	}
	n = rf_capture_diff(&a, &b, &d);
	if (n < 0) {
		fprintf(stderr, "%s: diff: %s\n", prog, strerror(-n));
		return EXIT_FAILED;
	}
	if (json) {
		printf("{\"a\":{\"path\":");
		regctl_json_str(argv[1]);
		printf(",\"kernel\":");
		regctl_json_str(a.kernel);
		printf("},\"b\":{\"path\":");
		regctl_json_str(argv[2]);
		printf(",\"kernel\":");
		regctl_json_str(b.kernel);
		printf("},\"differences\":[");
	} else {
		printf("--- %s (%s)\n+++ %s (%s)\n", argv[1], a.kernel, argv[2], b.kernel);
	}
	for (i = 0; i < n; i++) {
		regname_format(d[i].id, name, sizeof(name));
		if (json) {
			printf("%s{\"reg\":\"0x%016llx\",\"name\":\"%s\"", i ? "," : "",
			       (unsigned long long)d[i].id, name);
			if (d[i].kind == RF_VALUE_DIFFERS)
				printf(",\"a\":\"0x%llx\",\"b\":\"0x%llx\"}",
				       (unsigned long long)d[i].a, (unsigned long long)d[i].b);
			else
				printf(",\"only_in\":\"%s\"}", d[i].kind == RF_ONLY_IN_A ? "a" : "b");
		} else if (d[i].kind == RF_VALUE_DIFFERS) {
			printf("value:     %s: 0x%llx -> 0x%llx\n", name,
			       (unsigned long long)d[i].a, (unsigned long long)d[i].b);
		} else {
			printf("only in %c: %s (0x%016llx)\n", d[i].kind == RF_ONLY_IN_A ? 'A' : 'B',
			       name, (unsigned long long)d[i].id);
		}
	}
	if (json)
		printf("]}\n");
	else
		printf("%d difference%s\n", n, n == 1 ? "" : "s");
	free(d);
	rf_capture_free(&a);
	rf_capture_free(&b);
	return n ? EXIT_DIFFERS : EXIT_OK;
}

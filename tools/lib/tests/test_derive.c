// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit test for derive.c on the measured lists (selftests/blessed)
 * and on synthetic captures with values.  Prints TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../derive.h"

#define TCR2	0x603000000013c103ULL
#define PIRE0	0x603000000013c512ULL
#define PIR	0x603000000013c513ULL
#define BMAP2	0x6030000000160003ULL
#define PSCI	0x6030000000140000ULL
#define MMFR0	0x603000000013c038ULL
#define MMFR1	0x603000000013c039ULL
#define STD_BMAP 0x6030000000160000ULL
#define DFR0	0x603000000013c028ULL

static int tests, failures;
static char why[4096];

static void check(int ok, const char *what)
{
	tests++;
	failures += !ok;
	printf("%sok %d - %s\n", ok ? "" : "not ", tests, what);
}

static const struct rf_prof_entry *entry(const struct rf_prof *p, uint64_t reg)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (p->entries[i].reg == reg)
			return &p->entries[i];
	return NULL;
}

static int derive(const struct rf_capture *t, const struct rf_capture *h, size_t n,
		  struct rf_prof *p)
{
	FILE *f;
	int ret;

	/* A derive that says nothing must not leave the last one's words. */
	memset(why, 0, sizeof(why));
	f = fmemopen(why, sizeof(why), "w");
	ret = rf_derive(t, h, n, p, f);

	fclose(f);
	if (*why)
		printf("# %s", why);
	return ret;
}

static void load(struct rf_capture *c, const char *series)
{
	char path[128], err[256];

	snprintf(path, sizeof(path), "../../selftests/blessed/%s.txt", series);
	if (rf_capture_load(c, path, err, sizeof(err)))
		printf("# %s\n", err);
	snprintf(c->kernel, sizeof(c->kernel), "%s", series);
}

int main(void)
{
	struct rf_capture l61, l612, l7, pool[2], a, b, c, d;
	const struct rf_prof_entry *e;
	struct rf_prof p;
	FILE *f;
	int ret;

	printf("TAP version 13\n1..19\n");
	load(&l61, "6.1");
	load(&l612, "6.12");
	load(&l7, "7.x");

	ret = derive(&l7, &l612, 1, &p);
	e = entry(&p, TCR2);
	check(!ret && p.nr == 4 && e && e->action == KVM_REGFILTER_ACTION_HIDE &&
	      e->has_guard && e->guard_mask == 0xf && e->guard_value == 0,
	      "6.12 host, 7.x view: TCR2_EL1 hidden where ID_AA64MMFR3_EL1.TCRX is 0");
	e = entry(&p, PIR);
	check(e && e->has_guard && e->guard_mask == 0xf00 && entry(&p, PIRE0),
	      "6.12 host, 7.x view: PIR_EL1 and PIRE0_EL1 hidden, guarded by S1PIE");
	e = entry(&p, BMAP2);
	check(e && e->action == KVM_REGFILTER_ACTION_FAKE && e->value == 0 &&
	      e->policy == KVM_REGFILTER_POLICY_STRICT,
	      "6.12 host, 7.x view: VENDOR_HYP_BMAP_2 faked, strict (a firmware bitmap)");
	rf_prof_free(&p);

	ret = derive(&l612, &l7, 1, &p);
	check(!ret && p.nr == 4 && entry(&p, TCR2)->action == KVM_REGFILTER_ACTION_FAKE &&
	      entry(&p, TCR2)->policy == KVM_REGFILTER_POLICY_KEEP &&
	      entry(&p, BMAP2)->action == KVM_REGFILTER_ACTION_HIDE,
	      "7.x host, 6.12 view: three fakes, VENDOR_HYP_BMAP_2 hidden");
	rf_prof_free(&p);

	ret = derive(&l61, &l612, 1, &p);
	check(!ret && p.nr == 17, "6.12 host, 6.1 view: the 17 registers hidden");
	rf_prof_free(&p);

	pool[0] = l7;
	pool[1] = l61;
	ret = derive(&l612, pool, 2, &p);
	check(!ret && p.nr == 18, "pool of 7.x and 6.1 hosts, 6.12 view: 17 fakes, 1 hide");
	rf_prof_free(&p);

	/* Values. */
	rf_capture_init(&a);
	rf_capture_init(&b);
	rf_capture_add(&a, PSCI, true, 0x10001);
	rf_capture_add(&a, MMFR0, true, 0x1122);
	rf_capture_add(&a, STD_BMAP, true, 0x3);
	rf_capture_add(&b, PSCI, true, 0x10003);
	rf_capture_add(&b, MMFR0, true, 0x1122);
	rf_capture_add(&b, STD_BMAP, true, 0x3);
	ret = derive(&a, &b, 1, &p);
	e = entry(&p, PSCI);
	check(!ret && p.nr == 1 && e && e->action == KVM_REGFILTER_ACTION_PIN &&
	      e->value == 0x10001, "PSCI 1.3 host, 1.1 view: pinned to 1.1");
	rf_prof_free(&p);
	ret = derive(&b, &a, 1, &p);
	check(ret == 1 && p.nr == 0 && strstr(why, "PSCI_VERSION") && strstr(why, "only lower"),
	      "PSCI 1.1 host, 1.3 view: refused, with the reason");
	rf_prof_free(&p);
	b.regs[1].value = 0x1222;
	ret = derive(&b, &a, 1, &p);
	check(ret == 2 && strstr(why, "CPU features"),
	      "an ID field the host lacks: refused (and PSCI)");
	rf_prof_free(&p);
	b.regs[1].value = 0x1122;
	b.regs[0].value = 0x10001;
	b.regs[2].value = 0x7;
	ret = derive(&b, &a, 1, &p);
	check(ret == 1 && strstr(why, "firmware services"),
	      "firmware services the host lacks: refused");
	rf_prof_free(&p);

	/* ID_AA64DFR0_EL1: a field pin of what differs, PMUVer left to the vcpu. */
	rf_capture_init(&c);
	rf_capture_init(&d);
	rf_capture_add(&c, DFR0, true, 0x10305106);	/* 6.1 on neoverse-n1: DebugVer 6 */
	rf_capture_add(&d, DFR0, true, 0x10305108);	/* 6.12: DebugVer 8 */
	snprintf(d.kernel, sizeof(d.kernel), "6.12.118+deb12-arm64");
	ret = derive(&c, &d, 1, &p);
	e = entry(&p, DFR0);
	check(!ret && p.nr == 1 && e && e->action == KVM_REGFILTER_ACTION_PIN &&
	      e->mask == 0xf && e->value == 0x6,
	      "DFR0 DebugVer 8 host, 6 view: 'pin ID_AA64DFR0_EL1 & 0xf = 0x6'");
	rf_prof_free(&p);
	d.regs[0].value = 0x10305408;			/* and PMUVer differs too */
	ret = derive(&c, &d, 1, &p);
	e = entry(&p, DFR0);
	check(!ret && e && e->mask == 0xf && e->value == 0x6 && strstr(why, "PMUVer 1 not pinned"),
	      "DFR0 with PMUVer differing too: DebugVer pinned, PMUVer left to the vcpu, said so");
	rf_prof_free(&p);
	d.regs[0].value = 0x10305406;			/* PMUVer alone */
	ret = derive(&c, &d, 1, &p);
	check(!ret && p.nr == 0 && strstr(why, "not applied: only PMUVer"),
	      "DFR0 differing in PMUVer alone: nothing to pin, not a refusal, said so");
	rf_prof_free(&p);
	d.regs[0].value = 0x10305108;
	snprintf(d.kernel, sizeof(d.kernel), "6.1.0-57-arm64");
	ret = derive(&c, &d, 1, &p);
	check(ret == 1 && p.nr == 0 && strstr(why, "before 6.7"),
	      "DFR0 on a 6.1 host: refused, the kernel named");
	rf_prof_free(&p);
	ret = derive(&d, &c, 1, &p);
	check(ret == 1 && strstr(why, "debug features"),
	      "DFR0 view with more debug features than the host: refused");
	rf_prof_free(&p);
	rf_capture_free(&c);
	rf_capture_free(&d);

	/* What each kernel lets userspace write (idwritable.c, from KVM's tables). */
	rf_capture_init(&c);
	rf_capture_init(&d);
	rf_capture_add(&c, MMFR1, true, 0x1010211122ULL);	/* 6.1's, -cpu max */
	rf_capture_add(&d, MMFR1, true, 0x11010211122ULL);	/* 6.12's: HCX 1 */
	snprintf(d.kernel, sizeof(d.kernel), "6.12.117+deb12-arm64");
	ret = derive(&c, &d, 1, &p);
	check(ret == 1 && p.nr == 0 && strstr(why, "KVM of 6.12") &&
	      strstr(why, "ID_AA64MMFR1_EL1.HCX"),
	      "MMFR1.HCX lowered on a 6.12 host: refused, 6.12's KVM and the field named");
	rf_prof_free(&p);
	snprintf(d.kernel, sizeof(d.kernel), "7.2.13+deb14-arm64");
	ret = derive(&c, &d, 1, &p);
	e = entry(&p, MMFR1);
	check(!ret && e && e->action == KVM_REGFILTER_ACTION_PIN && e->value == 0x1010211122ULL,
	      "MMFR1.HCX lowered on a 7.2 host: pinned (7.2 lets userspace write HCX)");
	rf_prof_free(&p);
	rf_capture_free(&c);
	rf_capture_free(&d);

	/* check */
	f = fmemopen(why, sizeof(why), "w");
	ret = rf_check_view(&l612, &l7, f);
	fclose(f);
	check(ret == 3 && strstr(why, "TCR2_EL1") && strstr(why, "PIR_EL1"),
	      "check: a 6.12 view on a 7.x host stops on 3 registers");
	f = fmemopen(why, sizeof(why), "w");
	ret = rf_check_view(&l7, &l7, f);
	fclose(f);
	check(ret == 0, "check: a view loads on its own kind of host");
	rf_capture_free(&a);
	rf_capture_free(&b);
	return failures || tests != 19;
}

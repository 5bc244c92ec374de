// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Derive and check: set arithmetic on captures, plus what is known about
 * which registers a guest can use (feature ID fields) and which init values
 * KVM lets userspace lower.
 */
#include <errno.h>
#include <string.h>

#include "derive.h"
#include "idwritable.h"
#include "regnames.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define SYSREG(op0, op1, crn, crm, op2) \
	(0x6030000000130000ULL | ((op0) << 14) | ((op1) << 11) | ((crn) << 7) | \
	 ((crm) << 3) | (op2))
#define ID_AA64MMFR3_EL1	SYSREG(3, 0, 0, 7, 3)
#define ID_AA64DFR0_EL1		SYSREG(3, 0, 0, 5, 0)
#define DFR0_PMUVER		0xf00ULL
#define PSCI_VERSION		0x6030000000140000ULL

/*
 * Registers that exist only with a CPU feature, and the ID field that says
 * so: hiding them where the field is 0 cannot lose guest state.
 */
static const struct {
	uint64_t reg, id_reg, mask;
} feature_guards[] = {
	{ SYSREG(3, 0, 2, 0, 3), ID_AA64MMFR3_EL1, 0xf },		/* TCR2_EL1: TCRX */
	{ SYSREG(3, 0, 1, 0, 3), ID_AA64MMFR3_EL1, 0xf0 },		/* SCTLR2_EL1: SCTLRX */
	{ SYSREG(3, 0, 10, 2, 2), ID_AA64MMFR3_EL1, 0xf00 },	/* PIRE0_EL1: S1PIE */
	{ SYSREG(3, 0, 10, 2, 3), ID_AA64MMFR3_EL1, 0xf00 },	/* PIR_EL1: S1PIE */
	{ SYSREG(3, 0, 10, 2, 4), ID_AA64MMFR3_EL1, 0xf0000 },	/* POR_EL1: S1POE */
	{ SYSREG(3, 3, 10, 2, 4), ID_AA64MMFR3_EL1, 0xf0000 },	/* POR_EL0: S1POE */
};

static unsigned int coproc(uint64_t id)
{
	return (id >> 16) & 0xfff;
}

static bool is_id_reg(uint64_t id)
{
	return coproc(id) == 0x13 && ((id >> 14) & 3) == 3 && ((id >> 11) & 7) == 0 &&
	       ((id >> 7) & 0xf) == 0 && ((id >> 3) & 0xf) >= 1;
}

/* Every 4-bit field of a at most the one of b (features only removed). */
static bool fields_le(uint64_t a, uint64_t b)
{
	int i;

	for (i = 0; i < 64; i += 4)
		if (((a >> i) & 0xf) > ((b >> i) & 0xf))
			return false;
	return true;
}

/*
 * Can a host whose init value is `host` present `target` with a pin?  NULL
 * if so, else why not.
 */
/* The host kernel's major.minor from its capture, 0 if unknown. */
static unsigned int kernel_version(const char *release)
{
	unsigned int major, minor;

	return sscanf(release, "%u.%u", &major, &minor) == 2 ? major * 1000 + minor : 0;
}

/*
 * Fields of ID register id in which target and host differ and that the
 * host's kernel does not let userspace write (KVM's own table, by series:
 * idwritable.c): NULL, or why not, in buf.
 */
static const char *id_writable(uint64_t id, uint64_t target, uint64_t host,
			       unsigned int kv, char *buf, size_t len)
{
	const struct rf_idw_series *s = rf_idw_series_for(kv);
	char fields[160], name[REGNAME_MAX];
	uint64_t bad;
	int listed;

	if (!s)
		return NULL;
	bad = (target ^ host) & ~rf_idw_writable(s, id, &listed);
	if (!listed || !bad)
		return NULL;
	rf_idw_field_names(id, bad, fields, sizeof(fields));
	regname_format(id, name, sizeof(name));
	snprintf(buf, len, "this host's kernel (KVM of %s) does not let userspace change %s.%s",
		 s->name, name, fields);
	return buf;
}

static const char *pinnable(uint64_t id, uint64_t target, uint64_t host,
			    const char *host_kernel, char *buf, size_t len)
{
	unsigned int kv = kernel_version(host_kernel);

	/*
	 * PMUVer and DebugVer follow the vcpu's features (a VMM enables the
	 * PMU; captures are taken without), and 6.12 WARNs in
	 * kvm_pmu_evtyper_mask() when a PMU vcpu is given PMUVer 0.
	 */
	if (id == ID_AA64DFR0_EL1)
		return "ID_AA64DFR0_EL1 follows the vcpu's PMU and debug features, not the kernel";
	if (is_id_reg(id) && kv && kv < 6007)
		return "this host's kernel (before 6.7) lets userspace change no ID register";
	if (id == PSCI_VERSION)
		return target <= host ? NULL :
		       "the target's PSCI version is newer than the host's; KVM can only lower it";
	if (coproc(id) == 0x16)
		return (target & ~host) ? "the target has firmware services the host lacks" : NULL;
	if (is_id_reg(id) && !fields_le(target, host))
		return "the target has CPU features (ID fields) the host lacks";
	if (is_id_reg(id))
		return id_writable(id, target, host, kv, buf, len);
	if (id == SYSREG(3, 0, 0, 0, 0))
		return "the CPUs differ (MIDR_EL1)";
	/* CLIDR and the CCSIDR demux registers: KVM takes them before the first run. */
	return NULL;
}

/* The 4-bit fields in which a and b differ. */
static uint64_t fields_differing(uint64_t a, uint64_t b)
{
	uint64_t mask = 0;
	int i;

	for (i = 0; i < 64; i += 4)
		if (((a >> i) & 0xf) != ((b >> i) & 0xf))
			mask |= 0xfULL << i;
	return mask;
}

/*
 * ID_AA64DFR0_EL1 as a field pin: PMUVer follows the vcpu's PMU (a VMM
 * turns it on; captures are taken without), so a whole pin would be wrong
 * for some vcpu; the other fields (DebugVer, BRPs, WRPs, ...) are the
 * kernel's and the CPU's, and a host can lower them from 6.7 on.  Sets
 * *mask to the fields to pin and returns NULL, or why it cannot.
 */
static const char *dfr0_field_pin(uint64_t target, uint64_t host,
				  const char *host_kernel, uint64_t *mask, char *buf, size_t len)
{
	unsigned int kv = kernel_version(host_kernel);

	*mask = fields_differing(target, host) & ~DFR0_PMUVER;
	if (!*mask)
		return "only PMUVer differs, which follows the vcpu's PMU, not the kernel";
	if (kv && kv < 6007)
		return "this host's kernel (before 6.7) lets userspace change no ID register";
	if (!fields_le(target & *mask, host & *mask))
		return "the target has debug features (ID_AA64DFR0_EL1 fields) the host lacks";
	return id_writable(ID_AA64DFR0_EL1, target & *mask, host & *mask, kv, buf, len);
}

/*
 * A register in both captures with other values: a pin of the target's
 * value (a field pin for ID_AA64DFR0_EL1) in *e and 0; 1 if the host
 * cannot present it, -1 if there is nothing to do (both said in why).
 */
static int pin_of(const struct rf_capreg *t, const struct rf_capreg *r,
		  const char *kernel, struct rf_prof_entry *e, FILE *why)
{
	unsigned long long tv = t->value, hv = r->value;
	char name[REGNAME_MAX], buf[256];
	bool pmuver_only;
	const char *no;

	regname_format(r->id, name, sizeof(name));
	if (r->id == ID_AA64DFR0_EL1)
		no = dfr0_field_pin(tv, hv, kernel, &e->mask, buf, sizeof(buf));
	else
		no = pinnable(r->id, tv, hv, kernel, buf, sizeof(buf));
	if (no) {
		/* DFR0 differing in PMUVer alone: not the kernels' doing. */
		pmuver_only = r->id == ID_AA64DFR0_EL1 && !e->mask;
		fprintf(why, "%s: target 0x%llx, host 0x%llx (%s): %s%s\n", name, tv, hv,
			kernel, pmuver_only ? "not applied: " : "", no);
		return pmuver_only ? -1 : 1;
	}
	e->action = KVM_REGFILTER_ACTION_PIN;
	e->value = e->mask ? tv & e->mask : tv;
	if (e->mask && fields_differing(tv, hv) & DFR0_PMUVER)
		fprintf(why, "%s: PMUVer %llu not pinned (host %llu): it follows the vcpu's PMU\n",
			name, (tv & DFR0_PMUVER) >> 8, (hv & DFR0_PMUVER) >> 8);
	return 0;
}

static int add(struct rf_prof *out, const struct rf_prof_entry *e, FILE *why)
{
	char name[REGNAME_MAX];
	int ret = rf_prof_add(out, e);

	if (ret && ret != -EEXIST)
		return ret;
	if (ret == -EEXIST) {
		size_t i;

		for (i = 0; i < out->nr; i++)
			if (out->entries[i].reg == e->reg && out->entries[i].action != e->action) {
				regname_format(e->reg, name, sizeof(name));
				fprintf(why, "%s: one host needs a %s and another a %s of it\n",
					name,
					e->action == KVM_REGFILTER_ACTION_PIN ? "pin" : "fake",
					out->entries[i].action == KVM_REGFILTER_ACTION_PIN ?
					"pin" : "fake");
				return 1;
			}
	}
	return 0;
}

int rf_derive(const struct rf_capture *target, const struct rf_capture *hosts,
	      size_t n, struct rf_prof *out, FILE *why)
{
	size_t h, i, j;
	int refused = 0, ret;

	rf_prof_init(out);
	snprintf(out->description, sizeof(out->description), "view of %.100s",
		 *target->kernel ? target->kernel : "the target");
	for (h = 0; h < n; h++) {
		const struct rf_capture *host = &hosts[h];

		for (i = 0; i < host->nr; i++) {
			const struct rf_capreg *r = &host->regs[i];
			struct rf_prof_entry e = {
				.reg = r->id, .action = KVM_REGFILTER_ACTION_HIDE,
			};
			const struct rf_capreg *t = rf_capture_find(target, r->id);

			if (t) {
				/* In both: a value to pin? */
				if (!t->has_value || !r->has_value || t->value == r->value)
					continue;
				ret = pin_of(t, r, host->kernel, &e, why);
				if (ret > 0)
					refused++;
				if (ret)
					continue;
			} else {
				for (j = 0; j < ARRAY_SIZE(feature_guards); j++)
					if (feature_guards[j].reg == r->id)
						break;
				if (j < ARRAY_SIZE(feature_guards)) {
					e.has_guard = 1;
					e.guard_reg = feature_guards[j].id_reg;
					e.guard_mask = feature_guards[j].mask;
					e.guard_value = 0;
				}
			}
			ret = add(out, &e, why);
			if (ret < 0)
				return ret;
			refused += ret;
		}
		/*
		 * In the target, not on this host: fake it with the target's
		 * value.  A firmware bitmap lists hypercall services the
		 * guest may use; a host without the register provides none
		 * of them, so only the target's value may be stored (strict):
		 * a VM arriving with more must fail loudly, not lose them.
		 */
		for (i = 0; i < target->nr; i++) {
			const struct rf_capreg *t = &target->regs[i];
			struct rf_prof_entry e = {
				.reg = t->id, .action = KVM_REGFILTER_ACTION_FAKE,
				.value = t->has_value ? t->value : 0,
				.policy = coproc(t->id) == 0x16 ? KVM_REGFILTER_POLICY_STRICT :
								  KVM_REGFILTER_POLICY_KEEP,
			};

			if (rf_capture_find(host, t->id))
				continue;
			ret = add(out, &e, why);
			if (ret < 0)
				return ret;
			refused += ret;
		}
	}
	return refused;
}

int rf_check_view(const struct rf_capture *view, const struct rf_capture *dst, FILE *why)
{
	char name[REGNAME_MAX], buf[256];
	const struct rf_capreg *d;
	const char *no;
	size_t i;
	int stops = 0;

	for (i = 0; i < view->nr; i++) {
		regname_format(view->regs[i].id, name, sizeof(name));
		d = rf_capture_find(dst, view->regs[i].id);
		if (!d) {
			fprintf(why, "%s (0x%016llx): unknown on the destination (%s)\n", name,
				(unsigned long long)view->regs[i].id, dst->kernel);
			stops++;
			continue;
		}
		if (!view->regs[i].has_value || !d->has_value || view->regs[i].value == d->value)
			continue;
		if (view->regs[i].id == ID_AA64DFR0_EL1) {
			uint64_t mask;

			no = dfr0_field_pin(view->regs[i].value, d->value, dst->kernel, &mask,
					    buf, sizeof(buf));
			/* PMUVer alone: the destination's vcpu decides it as the source's did. */
			if (no && !mask)
				no = NULL;
		} else {
			no = pinnable(view->regs[i].id, view->regs[i].value, d->value,
				      dst->kernel, buf, sizeof(buf));
		}
		if (no) {
			fprintf(why, "%s: the VM has 0x%llx, the destination 0x%llx: %s\n", name,
				(unsigned long long)view->regs[i].value,
				(unsigned long long)d->value, no);
			stops++;
		}
	}
	return stops;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names for KVM arm64 vcpu register ids, both ways. See regnames.h for the
 * naming scheme.
 *
 * The one rule everything here keeps: regname_parse(regname_format(id))
 * gives back id, for every 64-bit id. So a class is only named when every
 * bit of the id is accounted for (size included); anything else is written
 * as raw hex, which parses back exactly.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "regnames.h"
#include "regnames_table.h"

#define ID_CLASS(id)	((id) & ~(KVM_REG_SIZE_MASK | 0xffffULL))
#define ID_SIZE(id)	((id) & KVM_REG_SIZE_MASK)
#define ID_LOW(id)	((unsigned int)((id) & 0xffff))

#define CLASS(c)	(KVM_REG_ARM64 | (uint64_t)(c))

/*
 * Core registers: KVM_REG_ARM_CORE_REG() is the offset of the field in
 * struct kvm_regs in 32-bit words. The layout is arm64's uapi ABI, written
 * out here because x86 hosts have no arm64 headers:
 *
 *	struct user_pt_regs regs;	u64 regs[31], sp, pc, pstate: 0..271
 *	u64 sp_el1, elr_el1;		272, 280
 *	u64 spsr[5];			288..327
 *	struct user_fpsimd_state fp_regs; __uint128_t aligns it to 336:
 *		vregs[32] 336..847, u32 fpsr 848, u32 fpcr 852
 */
struct core_field {
	const char *name;
	unsigned int off;	/* first element, in 32-bit words */
	unsigned int count;	/* elements; 0 for a scalar (no [index]) */
	unsigned int words;	/* 32-bit words per element */
	uint64_t size;		/* KVM_REG_SIZE_* */
};

static const struct core_field core_fields[] = {
	{ "regs.regs",		0,	31,	2,	KVM_REG_SIZE_U64 },
	{ "regs.sp",		62,	0,	2,	KVM_REG_SIZE_U64 },
	{ "regs.pc",		64,	0,	2,	KVM_REG_SIZE_U64 },
	{ "regs.pstate",	66,	0,	2,	KVM_REG_SIZE_U64 },
	{ "sp_el1",		68,	0,	2,	KVM_REG_SIZE_U64 },
	{ "elr_el1",		70,	0,	2,	KVM_REG_SIZE_U64 },
	{ "spsr",		72,	5,	2,	KVM_REG_SIZE_U64 },
	{ "fp_regs.vregs",	84,	32,	4,	KVM_REG_SIZE_U128 },
	{ "fp_regs.fpsr",	212,	0,	1,	KVM_REG_SIZE_U32 },
	{ "fp_regs.fpcr",	213,	0,	1,	KVM_REG_SIZE_U32 },
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Where the real struct is at hand (arm64 builds), make the compiler check
 * the offsets written above.
 */
#if defined(__aarch64__) && defined(KVM_REG_ARM_CORE_REG)
_Static_assert(KVM_REG_ARM_CORE_REG(regs.sp) == 62, "regs.sp");
_Static_assert(KVM_REG_ARM_CORE_REG(regs.pc) == 64, "regs.pc");
_Static_assert(KVM_REG_ARM_CORE_REG(regs.pstate) == 66, "regs.pstate");
_Static_assert(KVM_REG_ARM_CORE_REG(sp_el1) == 68, "sp_el1");
_Static_assert(KVM_REG_ARM_CORE_REG(elr_el1) == 70, "elr_el1");
_Static_assert(KVM_REG_ARM_CORE_REG(spsr) == 72, "spsr");
_Static_assert(KVM_REG_ARM_CORE_REG(fp_regs.vregs) == 84, "vregs");
_Static_assert(KVM_REG_ARM_CORE_REG(fp_regs.fpsr) == 212, "fpsr");
_Static_assert(KVM_REG_ARM_CORE_REG(fp_regs.fpcr) == 213, "fpcr");
_Static_assert(sizeof(struct kvm_regs) / 4 == 216, "struct kvm_regs");
#endif

/* Firmware pseudo-registers, classes 0x0014 and 0x0016, all U64. */
struct fw_reg {
	uint64_t class;
	unsigned int num;
	const char *name;
};

static const struct fw_reg fw_regs[] = {
	{ KVM_REG_ARM_FW,		0, "PSCI_VERSION" },
	{ KVM_REG_ARM_FW,		1, "SMCCC_ARCH_WORKAROUND_1" },
	{ KVM_REG_ARM_FW,		2, "SMCCC_ARCH_WORKAROUND_2" },
	{ KVM_REG_ARM_FW,		3, "SMCCC_ARCH_WORKAROUND_3" },
	{ KVM_REG_ARM_FW_FEAT_BMAP,	0, "STD_BMAP" },
	{ KVM_REG_ARM_FW_FEAT_BMAP,	1, "STD_HYP_BMAP" },
	{ KVM_REG_ARM_FW_FEAT_BMAP,	2, "VENDOR_HYP_BMAP" },
	{ KVM_REG_ARM_FW_FEAT_BMAP,	3, "VENDOR_HYP_BMAP_2" },
};

/* The id of fw_regs[i]: what KVM_REG_ARM_FW_REG() et al. compute. */
static uint64_t fw_id(const struct fw_reg *f)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | f->class | f->num;
}

/*
 * SVE: the low 16 bits hold a base (Z 0x000, P 0x400, FFR 0x600), the
 * register number in bits 5-9 and the slice in bits 0-4. VLS is 0xffff.
 */
#define SVE_VLS_ID	(CLASS(KVM_REG_ARM64_SVE) | KVM_REG_SIZE_U512 | 0xffff)

/* Generic system register form, also what unnamed encodings print as. */
static int format_sysreg_generic(unsigned int enc, char *buf, size_t len)
{
	return snprintf(buf, len, "S%u_%u_C%u_C%u_%u", enc >> 14,
			(enc >> 11) & 7, (enc >> 7) & 15, (enc >> 3) & 15,
			enc & 7);
}

static const struct regname_sysreg *sysreg_find(unsigned int enc)
{
	unsigned int lo = 0, hi = regname_nr_sysregs;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (regname_sysregs[mid].enc == enc)
			return &regname_sysregs[mid];
		if (regname_sysregs[mid].enc < enc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *regname_lookup(uint64_t id)
{
	const struct regname_sysreg *r;

	if ((id & ~0xffffULL) != REGNAME_SYSREG_ID(0))
		return NULL;
	r = sysreg_find(ID_LOW(id));
	return r ? r->name : NULL;
}

static int format_core(uint64_t id, char *buf, size_t len)
{
	unsigned int off = ID_LOW(id);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(core_fields); i++) {
		const struct core_field *f = &core_fields[i];
		unsigned int n = f->count ? f->count : 1;

		if (off < f->off || off >= f->off + n * f->words)
			continue;
		/* Inside a field but not at an element, or the wrong size. */
		if ((off - f->off) % f->words || ID_SIZE(id) != f->size)
			return -1;
		if (!f->count)
			return snprintf(buf, len, "%s", f->name);
		return snprintf(buf, len, "%s[%u]", f->name,
				(off - f->off) / f->words);
	}
	return -1;
}

static int format_sve(uint64_t id, char *buf, size_t len)
{
	unsigned int low = ID_LOW(id), n = (low >> 5) & 31, i = low & 31;

	if (id == SVE_VLS_ID)
		return snprintf(buf, len, "SVE_VLS");
	if ((low & 0xfc00) == KVM_REG_ARM64_SVE_ZREG_BASE &&
	    ID_SIZE(id) == KVM_REG_SIZE_U2048)
		return snprintf(buf, len, "SVE_ZREG(%u,%u)", n, i);
	if ((low & 0xfe00) == KVM_REG_ARM64_SVE_PREG_BASE &&
	    ID_SIZE(id) == KVM_REG_SIZE_U256)
		return snprintf(buf, len, "SVE_PREG(%u,%u)", n, i);
	if ((low & 0xffe0) == KVM_REG_ARM64_SVE_FFR_BASE &&
	    ID_SIZE(id) == KVM_REG_SIZE_U256)
		return snprintf(buf, len, "SVE_FFR(%u)", i);
	return -1;
}

int regname_format(uint64_t id, char *buf, size_t len)
{
	const char *name;
	int ret = -1;
	size_t i;

	switch (ID_CLASS(id)) {
	case CLASS(KVM_REG_ARM_CORE):
		ret = format_core(id, buf, len);
		break;
	case CLASS(KVM_REG_ARM_DEMUX):
		/* CCSIDR is the only demux id KVM has ever defined. */
		if (ID_SIZE(id) == KVM_REG_SIZE_U32 &&
		    (id & KVM_REG_ARM_DEMUX_ID_MASK) ==
		    KVM_REG_ARM_DEMUX_ID_CCSIDR)
			ret = snprintf(buf, len, "DEMUX_CCSIDR(%u)",
				       ID_LOW(id) & KVM_REG_ARM_DEMUX_VAL_MASK);
		break;
	case CLASS(KVM_REG_ARM64_SYSREG):
		if (ID_SIZE(id) != KVM_REG_SIZE_U64)
			break;
		name = regname_lookup(id);
		if (name)
			ret = snprintf(buf, len, "%s", name);
		else
			ret = format_sysreg_generic(ID_LOW(id), buf, len);
		break;
	case CLASS(KVM_REG_ARM_FW):
	case CLASS(KVM_REG_ARM_FW_FEAT_BMAP):
		for (i = 0; i < ARRAY_SIZE(fw_regs); i++)
			if (fw_id(&fw_regs[i]) == id)
				ret = snprintf(buf, len, "%s", fw_regs[i].name);
		break;
	case CLASS(KVM_REG_ARM64_SVE):
		ret = format_sve(id, buf, len);
		break;
	}
	if (ret < 0)
		ret = snprintf(buf, len, "0x%016llx", (unsigned long long)id);
	return ret;
}

/*
 * Parsing. Each helper takes the whole string and succeeds only if it
 * consumes all of it, so trailing junk is always an error.
 */

/* Skip prefix (case-insensitive) at *s; false if it is not there. */
static bool eat(const char **s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncasecmp(*s, prefix, n))
		return false;
	*s += n;
	return true;
}

/*
 * A decimal number <= max at *s. No sign, no blanks, no leading zeros
 * beyond a lone 0: strtoul() would accept all three, and a name has one
 * spelling.
 */
static bool eat_uint(const char **s, unsigned int max, unsigned int *val)
{
	const char *p = *s;
	unsigned long v = 0;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' &&
				     p[1] <= '9'))
		return false;
	while (*p >= '0' && *p <= '9') {
		v = v * 10 + (unsigned long)(*p++ - '0');
		if (v > max)
			return false;
	}
	*val = (unsigned int)v;
	*s = p;
	return true;
}

static int parse_hex(const char *s, uint64_t *id)
{
	uint64_t v = 0;
	int digits = 0;

	if (!eat(&s, "0x"))
		return -EINVAL;
	while (*s == '0' && s[1])
		s++;
	for (; *s; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (digits == 16)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	if (!digits)
		return -EINVAL;
	*id = v;
	return 0;
}

/* S<op0>_<op1>_C<n>_C<m>_<op2>, with every field in range. */
static int parse_sysreg_generic(const char *s, uint64_t *id)
{
	unsigned int op0, op1, crn, crm, op2;

	if (!eat(&s, "S") || !eat_uint(&s, 3, &op0) ||
	    !eat(&s, "_") || !eat_uint(&s, 7, &op1) ||
	    !eat(&s, "_C") || !eat_uint(&s, 15, &crn) ||
	    !eat(&s, "_C") || !eat_uint(&s, 15, &crm) ||
	    !eat(&s, "_") || !eat_uint(&s, 7, &op2) || *s)
		return -EINVAL;
	*id = REGNAME_SYSREG_ID(REGNAME_SYSREG_ENC(op0, op1, crn, crm, op2));
	return 0;
}

static int parse_demux(const char *s, uint64_t *id)
{
	unsigned int n;

	if (!eat(&s, "DEMUX_CCSIDR(") || !eat_uint(&s, 255, &n) ||
	    !eat(&s, ")") || *s)
		return -EINVAL;
	*id = CLASS(KVM_REG_ARM_DEMUX) | KVM_REG_SIZE_U32 |
	      KVM_REG_ARM_DEMUX_ID_CCSIDR | n;
	return 0;
}

/* Like eat(), but the case must match. */
static bool eat_exact(const char **s, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strncmp(*s, prefix, n))
		return false;
	*s += n;
	return true;
}

/*
 * Core names are C member paths of struct kvm_regs and match only in their
 * own (lower) case: that is what keeps the core sp_el1 and elr_el1 apart
 * from the system registers SP_EL1 and ELR_EL1, which are also in the
 * register list and whose names are otherwise case-insensitive.
 */
static int parse_core(const char *s, uint64_t *id)
{
	bool wrapped = eat_exact(&s, "KVM_REG_ARM_CORE_REG(");
	size_t i;

	for (i = 0; i < ARRAY_SIZE(core_fields); i++) {
		const struct core_field *f = &core_fields[i];
		const char *p = s;
		unsigned int idx = 0;

		if (!eat_exact(&p, f->name))
			continue;
		if (f->count && (!eat(&p, "[") ||
				 !eat_uint(&p, f->count - 1, &idx) ||
				 !eat(&p, "]")))
			continue;
		if (wrapped && !eat(&p, ")"))
			continue;
		if (*p)
			continue;
		*id = CLASS(KVM_REG_ARM_CORE) | f->size |
		      (f->off + idx * f->words);
		return 0;
	}
	return -EINVAL;
}

static int parse_fw(const char *s, uint64_t *id)
{
	size_t i;

	/* The uapi macro names, KVM_REG_ARM_PSCI_VERSION etc., work too. */
	eat(&s, "KVM_REG_ARM_");
	for (i = 0; i < ARRAY_SIZE(fw_regs); i++) {
		if (!strcasecmp(s, fw_regs[i].name)) {
			*id = fw_id(&fw_regs[i]);
			return 0;
		}
	}
	return -EINVAL;
}

/* SVE_ZREG(n,i), SVE_PREG(n,i), SVE_FFR(i), SVE_VLS; "KVM_REG_ARM64_" ok. */
static int parse_sve(const char *s, uint64_t *id)
{
	uint64_t base = CLASS(KVM_REG_ARM64_SVE);
	unsigned int n = 0, i;
	bool numbered = true;

	eat(&s, "KVM_REG_ARM64_");
	if (!eat(&s, "SVE_"))
		return -EINVAL;
	if (!strcasecmp(s, "VLS")) {
		*id = SVE_VLS_ID;
		return 0;
	}
	if (eat(&s, "ZREG(") && eat_uint(&s, 31, &n)) {
		base |= KVM_REG_SIZE_U2048 | KVM_REG_ARM64_SVE_ZREG_BASE;
	} else if (eat(&s, "PREG(") && eat_uint(&s, 15, &n)) {
		base |= KVM_REG_SIZE_U256 | KVM_REG_ARM64_SVE_PREG_BASE;
	} else if (eat(&s, "FFR(")) {
		base |= KVM_REG_SIZE_U256 | KVM_REG_ARM64_SVE_FFR_BASE;
		numbered = false;
	} else {
		return -EINVAL;
	}
	if (numbered) {
		if (!eat(&s, ","))
			return -EINVAL;
		/* The selftest writes "(n, i)": allow a blank after the comma. */
		eat(&s, " ");
	}
	if (!eat_uint(&s, 31, &i) || !eat(&s, ")") || *s)
		return -EINVAL;
	*id = base | n << 5 | i;
	return 0;
}

/*
 * Names are looked up with a linear scan of the tables rather than a second
 * index sorted by name: a name is parsed once per profile entry a person
 * wrote, the scan over ~1100 names takes microseconds, and one sorted table
 * (by encoding, for the per-register formatting) is one less generated
 * artifact to keep in step.
 */
static int parse_sysreg_name(const char *s, uint64_t *id)
{
	unsigned int i;

	for (i = 0; i < regname_nr_sysregs; i++) {
		if (!strcasecmp(s, regname_sysregs[i].name)) {
			*id = REGNAME_SYSREG_ID(regname_sysregs[i].enc);
			return 0;
		}
	}
	for (i = 0; i < regname_nr_sysreg_aliases; i++) {
		if (!strcasecmp(s, regname_sysreg_aliases[i].name)) {
			*id = REGNAME_SYSREG_ID(regname_sysreg_aliases[i].enc);
			return 0;
		}
	}
	return -EINVAL;
}

int regname_parse(const char *name, uint64_t *id)
{
	static int (*const parsers[])(const char *, uint64_t *) = {
		parse_hex, parse_sysreg_generic, parse_demux, parse_core,
		parse_fw, parse_sve, parse_sysreg_name,
	};
	uint64_t v;
	size_t i;

	if (!name || !*name)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(parsers); i++) {
		if (!parsers[i](name, &v)) {
			if (id)
				*id = v;
			return 0;
		}
	}
	return -EINVAL;
}

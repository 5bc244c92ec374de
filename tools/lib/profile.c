// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Profiles as text (Documentation/profiles.md): parser, printer and the
 * search path.
 *
 * The parser works a line at a time on the caller's bytes and never copies
 * more than a line, so a file of any size costs a fixed amount of memory
 * plus the entries array, which KVM_REGFILTER_MAX_ENTRIES bounds.  Every
 * mistake stops the parse with one message that points at the token
 * (file, line, 1-based byte column) and quotes it: the operator fixes one
 * thing at a time, and never gets an error about something the first
 * mistake caused.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "profile.h"
#include "regnames.h"

/*
 * How many bytes of a bad token a message quotes; longer ones end in
 * "...".  Enough to recognise a register name or a number.
 */
#define TOKEN_SHOWN	40

/* A token: where it starts in the line and how long it is (0: the end). */
struct tok {
	size_t start;
	size_t len;
};

struct parser {
	struct rf_prof *p;
	const char *fname;
	char *err;
	size_t errlen;
	unsigned int lineno;
	unsigned int desc_line;		/* the description's line, or 0 */
	const char *line;		/* the current line, not NUL-terminated */
	size_t len;			/* its length up to a comment */
	size_t pos;			/* where the next token starts */
	char word[RF_PROF_LINE_MAX + 1];	/* a token for regname_parse() */
};

void rf_prof_init(struct rf_prof *p)
{
	memset(p, 0, sizeof(*p));
}

void rf_prof_free(struct rf_prof *p)
{
	free(p->entries);
	rf_prof_init(p);
}

#define WHY_NOT_ARM64	"expected an arm64 KVM register (0x60...)"
#define WHY_NOT_U64	"expected a 64-bit id for a system or firmware register (0x6030...)"
#define WHY_NOT_U32	"expected a 32-bit id for a demux register (0x6020...)"
#define WHY_NOT_CLASS	"expected a system, firmware or demux register (core and SVE registers cannot be filtered)"
#define UNKNOWN_REG	"unknown register '%s' (a name like TCR2_EL1, S3_0_C2_C0_3 or a 0x... id)"
#define WHY_STRAY	"expected no bits between the register class and the size (bits 28-51): no KVM register has them"
/* Bits no KVM register id sets: between the coprocessor and the size. */
#define RF_ID_STRAY_BITS	0x000ffffff0000000ULL

/*
 * NULL if the module filters id, else what it would have wanted instead.
 * The same test as rf_class_ok() in kmod/filter.c: the module is the
 * authority, this only reports it earlier and better placed.  One test
 * more: a raw id with stray bits, which the module takes but which can
 * never match a register (and would slip past the duplicate check as a
 * second entry for the same register).
 */
static const char *reg_class_error(uint64_t id)
{
	if ((id & KVM_REG_ARCH_MASK) != KVM_REG_ARM64)
		return WHY_NOT_ARM64;
	if (id & RF_ID_STRAY_BITS)
		return WHY_STRAY;
	switch (id & KVM_REG_ARM_COPROC_MASK) {
	case KVM_REG_ARM64_SYSREG:
	case KVM_REG_ARM_FW:
	case KVM_REG_ARM_FW_FEAT_BMAP:
		if ((id & KVM_REG_SIZE_MASK) != KVM_REG_SIZE_U64)
			return WHY_NOT_U64;
		return NULL;
	case KVM_REG_ARM_DEMUX:
		if ((id & KVM_REG_SIZE_MASK) != KVM_REG_SIZE_U32)
			return WHY_NOT_U32;
		return NULL;
	default:
		return WHY_NOT_CLASS;
	}
}

/* Guards are read with KVM_GET_ONE_REG into a u64 by the module. */
static bool guard_reg_ok(uint64_t id)
{
	return (id & KVM_REG_ARCH_MASK) == KVM_REG_ARM64 &&
	       (id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM64_SYSREG &&
	       (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U64;
}

/*
 * A pinned ID_AA64DFR0_EL1 whose PMUVer (bits 8-11) no vcpu can take: KVM
 * WARNs on one it does not emulate with a PMU, and refuses any but 0
 * without one.  The module's rf_dfr0_pin_safe() (kmod/filter.h), for
 * either kind of vcpu: 0, 1 and 4-7 pass.
 */
#define RF_ID_AA64DFR0_EL1	0x603000000013c028ULL
static bool value_fits(uint64_t reg, uint64_t value)
{
	return (reg & KVM_REG_SIZE_MASK) != KVM_REG_SIZE_U32 ||
	       value <= UINT32_MAX;
}

#define RF_PMUVER_MASK		0xf00ULL
static bool dfr0_pin_ok(const struct rf_prof_entry *e)
{
	unsigned int v = (e->value >> 8) & 0xf;

	/* A field pin that leaves PMUVer alone leaves it to KVM. */
	if (e->mask && !(e->mask & RF_PMUVER_MASK))
		return true;
	return e->action != KVM_REGFILTER_ACTION_PIN || e->reg != RF_ID_AA64DFR0_EL1 ||
	       v == 0 || v == 1 || (v >= 4 && v <= 7);
}

/* A field pin's mask: the module's rules (kmod/filter.c). */
static const char *mask_error(const struct rf_prof_entry *e)
{
	if (!e->mask)
		return NULL;
	if (e->action != KVM_REGFILTER_ACTION_PIN)
		return "a mask is only for pin entries";
	if (!value_fits(e->reg, e->mask))
		return "a mask that fits in 32 bits (a 32-bit register)";
	if (e->value & ~e->mask)
		return "a value with no bit outside the mask";
	if (e->reg == RF_ID_AA64DFR0_EL1 && (e->mask & RF_PMUVER_MASK) &&
	    (e->mask & RF_PMUVER_MASK) != RF_PMUVER_MASK)
		return "a mask with all of PMUVer (bits 8-11) or none of it";
	return NULL;
}

/* What rf_entry_check() in kmod/filter.c refuses. */
static int entry_check(const struct rf_prof_entry *e)
{
	if (reg_class_error(e->reg))
		return -EINVAL;
	if (e->action > KVM_REGFILTER_ACTION_PIN ||
	    e->policy > KVM_REGFILTER_POLICY_STRICT)
		return -EINVAL;
	if (e->action != KVM_REGFILTER_ACTION_FAKE &&
	    e->policy != KVM_REGFILTER_POLICY_KEEP)
		return -EINVAL;
	if (e->action == KVM_REGFILTER_ACTION_HIDE && e->value)
		return -EINVAL;
	if (!value_fits(e->reg, e->value) || !dfr0_pin_ok(e) || mask_error(e))
		return -EINVAL;
	if (e->has_guard &&
	    (!guard_reg_ok(e->guard_reg) || (e->guard_reg & RF_ID_STRAY_BITS) ||
	     !e->guard_mask || (e->guard_value & ~e->guard_mask)))
		return -EINVAL;
	return 0;
}

static const struct rf_prof_entry *find_reg(const struct rf_prof *p,
					    uint64_t reg)
{
	size_t i;

	/* At most 1024 entries: a scan costs less than keeping an index. */
	for (i = 0; i < p->nr; i++)
		if (p->entries[i].reg == reg)
			return &p->entries[i];
	return NULL;
}

int rf_prof_add(struct rf_prof *p, const struct rf_prof_entry *e)
{
	struct rf_prof_entry *n;

	if (entry_check(e))
		return -EINVAL;
	if (find_reg(p, e->reg))
		return -EEXIST;
	if (p->nr >= KVM_REGFILTER_MAX_ENTRIES)
		return -E2BIG;
	if (p->nr == p->alloc) {
		size_t alloc = p->alloc ? 2 * p->alloc : 16;

		if (alloc > KVM_REGFILTER_MAX_ENTRIES)
			alloc = KVM_REGFILTER_MAX_ENTRIES;
		n = realloc(p->entries, alloc * sizeof(*n));
		if (!n)
			return -ENOMEM;
		p->entries = n;
		p->alloc = alloc;
	}
	n = &p->entries[p->nr++];
	*n = *e;
	/* So that equal profiles compare equal whatever the caller left there. */
	n->has_guard = !!e->has_guard;
	if (!n->has_guard) {
		n->guard_reg = 0;
		n->guard_mask = 0;
		n->guard_value = 0;
	}
	return 0;
}

/*
 * Copy up to TOKEN_SHOWN bytes of s for a message, control characters as
 * \xNN: the token may be any byte, the message goes to a terminal.
 */
static void quote(char *out, size_t outlen, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < TOKEN_SHOWN && o + 5 < outlen; i++) {
		unsigned char c = s[i];

		if (c < 0x20 || c == 0x7f || c == '\\')
			o += snprintf(out + o, outlen - o, "\\x%02x", c);
		else
			out[o++] = c;
	}
	if (n > TOKEN_SHOWN && o + 4 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* "FILE:LINE:COL: " and the message, with COL from a line offset. */
static int fail_at(struct parser *ps, size_t off, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "%s:%u:%zu: %s", ps->fname, ps->lineno,
		 off + 1, msg);
	return -EINVAL;
}

/* "FILE:LINE:COL: <what was expected>, got 'TOKEN'", COL at the token. */
static int expected(struct parser *ps, const struct tok *t, const char *fmt, ...)
{
	char what[256], q[TOKEN_SHOWN * 4 + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (!t->len)
		return fail_at(ps, t->start, "%s, got end of line", what);
	quote(q, sizeof(q), ps->line + t->start, t->len);
	return fail_at(ps, t->start, "%s, got '%s'", what, q);
}

static bool is_blank(char c)
{
	/* '\r' so that files written on other systems read the same. */
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Tokens are words separated by blanks, and the punctuation '=', '&' and
 * '==', which needs no blanks around it ("pin PSCI_VERSION=0x10001").
 * No register name contains either character.
 */
static void next(struct parser *ps, struct tok *t)
{
	const char *l = ps->line;
	size_t i = ps->pos;

	while (i < ps->len && is_blank(l[i]))
		i++;
	t->start = i;
	if (i == ps->len) {
		/* nothing */
	} else if (l[i] == '=') {
		i += i + 1 < ps->len && l[i + 1] == '=' ? 2 : 1;
	} else if (l[i] == '&') {
		i++;
	} else {
		while (i < ps->len && !is_blank(l[i]) && l[i] != '=' &&
		       l[i] != '&')
			i++;
	}
	t->len = i - t->start;
	ps->pos = i;
}

static bool is(const struct parser *ps, const struct tok *t, const char *word)
{
	size_t n = strlen(word);

	return t->len == n && !memcmp(ps->line + t->start, word, n);
}

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Decimal or 0x hex, 64-bit; no sign, no octal, overflow is an error. */
static int parse_number(struct parser *ps, const struct tok *t, uint64_t *v)
{
	const char *s = ps->line + t->start;
	unsigned int base = 10, d;
	size_t i = 0, j;
	uint64_t x = 0;

	if (t->len > 2 && s[0] == '0' && s[1] == 'x') {
		base = 16;
		i = 2;
	}
	if (!t->len)
		goto bad;
	/* All digits first, so that "0xffffffffffffffffffzz" is not overflow. */
	for (j = i; j < t->len; j++)
		if ((unsigned int)digit(s[j]) >= base)
			goto bad;
	for (; i < t->len; i++) {
		d = digit(s[i]);
		if (x > (UINT64_MAX - d) / base)
			return expected(ps, t, "expected a number that fits in 64 bits");
		x = x * base + d;
	}
	*v = x;
	return 0;
bad:
	return expected(ps, t, "expected a number (decimal or 0x hex)");
}

/* A register name as regname_parse() takes it; after names the word before. */
static int parse_reg(struct parser *ps, const struct tok *t,
		     const char *after, uint64_t *id)
{
	char q[TOKEN_SHOWN * 4 + 8];

	if (!t->len || ps->line[t->start] == '=' || ps->line[t->start] == '&')
		return expected(ps, t, "expected a register after '%s'", after);
	memcpy(ps->word, ps->line + t->start, t->len);
	ps->word[t->len] = '\0';
	if (!regname_parse(ps->word, id))
		return 0;
	quote(q, sizeof(q), ps->line + t->start, t->len);
	return fail_at(ps, t->start, UNKNOWN_REG, q);
}

static int parse_guard(struct parser *ps, struct rf_prof_entry *e)
{
	struct tok t;
	int ret;

	next(ps, &t);
	ret = parse_reg(ps, &t, "when", &e->guard_reg);
	if (ret)
		return ret;
	if (!guard_reg_ok(e->guard_reg))
		return expected(ps, &t, "expected a 64-bit system register to test");
	if (e->guard_reg & RF_ID_STRAY_BITS)
		return expected(ps, &t, WHY_STRAY);
	next(ps, &t);
	if (!is(ps, &t, "&"))
		return expected(ps, &t, "expected '&' and a mask after the guard register");
	next(ps, &t);
	ret = parse_number(ps, &t, &e->guard_mask);
	if (ret)
		return ret;
	/* Nothing tested: the guard would always hold, surely not meant. */
	if (!e->guard_mask)
		return expected(ps, &t,
				"expected a mask with at least one bit set (a mask of 0 tests nothing)");
	next(ps, &t);
	if (!is(ps, &t, "=="))
		return expected(ps, &t, "expected '==' and a value after the mask");
	next(ps, &t);
	ret = parse_number(ps, &t, &e->guard_value);
	if (ret)
		return ret;
	/* Such a guard could never hold: surely a typo in the mask or value. */
	if (e->guard_value & ~e->guard_mask)
		return expected(ps, &t, "expected a value with no bits outside the mask 0x%" PRIx64,
				e->guard_mask);
	e->has_guard = 1;
	return 0;
}

/* "description TEXT": the rest of the line up to a comment, trimmed. */
static int parse_description(struct parser *ps, const struct tok *kw)
{
	size_t s = kw->start + kw->len, e = ps->len;
	struct tok t;

	while (s < e && is_blank(ps->line[s]))
		s++;
	while (e > s && is_blank(ps->line[e - 1]))
		e--;
	t.start = s;
	t.len = e - s;
	if (ps->desc_line)
		return expected(ps, kw, "expected one description (line %u has it)",
				ps->desc_line);
	if (!t.len)
		return expected(ps, &t, "expected the text of the description");
	/* Truncating would send the kernel something the operator did not write. */
	if (t.len >= sizeof(ps->p->description))
		return expected(ps, &t, "expected a description of at most %zu bytes",
				sizeof(ps->p->description) - 1);
	memcpy(ps->p->description, ps->line + s, t.len);
	ps->p->description[t.len] = '\0';
	ps->desc_line = ps->lineno;
	return 0;
}

static int parse_entry(struct parser *ps, const struct tok *kw, uint32_t action)
{
	struct rf_prof_entry e = { .action = action, .line = ps->lineno };
	const struct rf_prof_entry *dup;
	char name[REGNAME_MAX];
	const char *why, *after;
	struct tok t;
	int ret;

	if (ps->p->nr >= KVM_REGFILTER_MAX_ENTRIES)
		return expected(ps, kw, "expected at most %d entries in a profile",
				KVM_REGFILTER_MAX_ENTRIES);
	next(ps, &t);
	ret = parse_reg(ps, &t, action == KVM_REGFILTER_ACTION_HIDE ? "hide" :
		  action == KVM_REGFILTER_ACTION_FAKE ? "fake" : "pin", &e.reg);
	if (ret)
		return ret;
	why = reg_class_error(e.reg);
	if (why)
		return expected(ps, &t, "%s", why);
	/*
	 * Whatever the actions: the module refuses a profile that names a
	 * register twice, and one of the two would be a mistake anyway.
	 */
	dup = find_reg(ps->p, e.reg);
	if (dup && dup->line)
		return expected(ps, &t,
				"expected a register not in the profile yet (line %u has it)",
				dup->line);
	if (dup)
		return expected(ps, &t, "expected a register not in the profile yet");

	after = "expected 'when' or end of line";
	next(ps, &t);
	if (action == KVM_REGFILTER_ACTION_PIN && is(ps, &t, "&")) {
		/* A field pin: "pin REG & MASK = VALUE". */
		next(ps, &t);
		ret = parse_number(ps, &t, &e.mask);
		if (ret)
			return ret;
		if (!e.mask)
			return expected(ps, &t, "expected a mask with at least one bit %s",
					"(a field pin of nothing pins nothing)");
		if (!value_fits(e.reg, e.mask)) {
			regname_format(e.reg, name, sizeof(name));
			return expected(ps, &t,
					"expected a mask that fits in 32 bits (%s is a 32-bit register)",
					name);
		}
		next(ps, &t);
	}
	if (action != KVM_REGFILTER_ACTION_HIDE) {
		if (!is(ps, &t, "="))
			return expected(ps, &t, "expected '=' and a value%s after the register",
					action == KVM_REGFILTER_ACTION_PIN && !e.mask ?
					", or '&' and a mask," : "");
		next(ps, &t);
		ret = parse_number(ps, &t, &e.value);
		if (ret)
			return ret;
		if (e.mask && (e.value & ~e.mask))
			return expected(ps, &t,
					"expected a value with no bit outside the mask 0x%" PRIx64,
					e.mask);
		if (!value_fits(e.reg, e.value)) {
			regname_format(e.reg, name, sizeof(name));
			return expected(ps, &t,
					"expected a value that fits in 32 bits (%s is a 32-bit register)",
					name);
		}
		if (mask_error(&e))
			return expected(ps, &t, "expected %s", mask_error(&e));
		if (!dfr0_pin_ok(&e))
			return expected(ps, &t,
					"expected PMUVer (bits 8-11) 0, 1 or 4-7: KVM takes no other on any vcpu");
		next(ps, &t);
		if (action == KVM_REGFILTER_ACTION_FAKE) {
			after = "expected 'keep', 'strict', 'when' or end of line";
			if (is(ps, &t, "keep") || is(ps, &t, "strict")) {
				if (is(ps, &t, "strict"))
					e.policy = KVM_REGFILTER_POLICY_STRICT;
				after = "expected 'when' or end of line";
				next(ps, &t);
			}
		}
	}
	if (action != KVM_REGFILTER_ACTION_FAKE &&
	    (is(ps, &t, "keep") || is(ps, &t, "strict")))
		return expected(ps, &t, "%s (a policy is only for fake)", after);
	if (action == KVM_REGFILTER_ACTION_HIDE && is(ps, &t, "="))
		return expected(ps, &t, "%s ('hide' takes no value)", after);
	if (is(ps, &t, "when")) {
		ret = parse_guard(ps, &e);
		if (ret)
			return ret;
		after = "expected end of line";
		next(ps, &t);
	}
	if (t.len)
		return expected(ps, &t, "%s", after);

	ret = rf_prof_add(ps->p, &e);
	if (ret)
		snprintf(ps->err, ps->errlen, "%s:%u: %s", ps->fname, ps->lineno,
			 strerror(-ret));
	return ret;
}

static int parse_line(struct parser *ps, const char *line, size_t n)
{
	const char *hash = memchr(line, '#', n);
	struct tok kw;
	size_t i;

	ps->line = line;
	ps->len = hash ? (size_t)(hash - line) : n;
	ps->pos = 0;
	/*
	 * A NUL would end the name regname_parse() sees, and other control
	 * characters are invisible in an editor: neither belongs in a profile.
	 */
	for (i = 0; i < ps->len; i++) {
		unsigned char c = line[i];

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
			struct tok t = { .start = i, .len = 1 };

			return expected(ps, &t, "expected printable text");
		}
	}
	next(ps, &kw);
	if (!kw.len)
		return 0;
	if (is(ps, &kw, "description"))
		return parse_description(ps, &kw);
	if (is(ps, &kw, "hide"))
		return parse_entry(ps, &kw, KVM_REGFILTER_ACTION_HIDE);
	if (is(ps, &kw, "fake"))
		return parse_entry(ps, &kw, KVM_REGFILTER_ACTION_FAKE);
	if (is(ps, &kw, "pin"))
		return parse_entry(ps, &kw, KVM_REGFILTER_ACTION_PIN);
	return expected(ps, &kw, "expected 'hide', 'fake', 'pin' or 'description'");
}

/*
 * avail is what the caller has of the line (at least RF_PROF_LINE_MAX + 1
 * bytes, at most TOKEN_SHOWN more): the message quotes what starts at the
 * first byte too many, up to a blank.
 */
static int too_long(struct parser *ps, const char *line, size_t avail)
{
	struct tok t = { .start = RF_PROF_LINE_MAX };

	while (t.start + t.len < avail && !is_blank(line[t.start + t.len]))
		t.len++;
	if (!t.len)
		t.len = 1;
	ps->line = line;
	ps->len = avail;
	return expected(ps, &t, "expected a line of at most %d bytes",
			RF_PROF_LINE_MAX);
}

static void parser_init(struct parser *ps, struct rf_prof *p,
			const char *fname, char *err, size_t errlen)
{
	ps->p = p;
	ps->fname = fname ? fname : "<profile>";
	ps->err = err;
	ps->errlen = err ? errlen : 0;
	ps->lineno = 0;
	ps->desc_line = 0;
	if (ps->errlen)
		err[0] = '\0';
}

/* Saturates, so that a huge input never names line 0 (made in code). */
static void next_line(struct parser *ps)
{
	if (ps->lineno < UINT32_MAX)
		ps->lineno++;
}

/* The most of a too long line that a message can use. */
#define LINE_KEPT	(RF_PROF_LINE_MAX + TOKEN_SHOWN + 1)

int rf_prof_parse(struct rf_prof *p, const char *text, size_t len,
		  const char *fname, char *err, size_t errlen)
{
	struct parser ps;
	size_t off = 0;
	int ret = 0;

	parser_init(&ps, p, fname, err, errlen);
	while (off < len) {
		const char *l = text + off, *nl = memchr(l, '\n', len - off);
		size_t n = nl ? (size_t)(nl - l) : len - off;

		next_line(&ps);
		if (n > RF_PROF_LINE_MAX)
			ret = too_long(&ps, l, n < LINE_KEPT ? n : LINE_KEPT);
		else
			ret = parse_line(&ps, l, n);
		if (ret)
			break;
		off += n + 1;
	}
	if (ret)
		rf_prof_free(p);
	return ret;
}

int rf_prof_load(struct rf_prof *p, const char *path, char *err, size_t errlen)
{
	char line[LINE_KEPT];
	struct parser ps;
	int ret = 0, rerr = 0;
	FILE *f;

	if (err && errlen)
		err[0] = '\0';
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, err ? errlen : 0, "%s: %s", path, strerror(-ret));
		return ret;
	}
	parser_init(&ps, p, path, err, errlen);
	for (;;) {
		size_t n = 0;
		int c = 0;

		/* Stops short of the newline of a too long line: it is an error. */
		while (n < sizeof(line)) {
			c = getc(f);
			if (c == EOF || c == '\n')
				break;
			line[n++] = c;
		}
		if (c == EOF)
			rerr = errno;
		if (c == EOF && !n)
			break;
		next_line(&ps);
		if (n > RF_PROF_LINE_MAX)
			ret = too_long(&ps, line, n);
		else
			ret = parse_line(&ps, line, n);
		if (ret || c == EOF)
			break;
	}
	if (!ret && ferror(f)) {
		ret = rerr ? -rerr : -EIO;
		snprintf(err, err ? errlen : 0, "%s: %s", path, strerror(-ret));
	}
	fclose(f);
	if (ret) {
		rf_prof_free(p);
		return ret;
	}
	snprintf(p->path, sizeof(p->path), "%s", path);
	return 0;
}

static const char *action_name(uint32_t action)
{
	switch (action) {
	case KVM_REGFILTER_ACTION_HIDE:
		return "hide";
	case KVM_REGFILTER_ACTION_FAKE:
		return "fake";
	default:
		return "pin";
	}
}

void rf_prof_write(const struct rf_prof *p, FILE *f)
{
	char desc[sizeof(p->description)], name[REGNAME_MAX + 8];
	size_t i, n = strnlen(p->description, sizeof(p->description) - 1);
	size_t s = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = p->description[i];

		/* Keep what the parser keeps, so that its text comes back. */
		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f || c == '#')
			c = ' ';
		desc[i] = c;
	}
	while (n && is_blank(desc[n - 1]))
		n--;
	while (s < n && is_blank(desc[s]))
		s++;
	if (s < n)
		fprintf(f, "description %.*s\n", (int)(n - s), desc + s);

	for (i = 0; i < p->nr; i++) {
		const struct rf_prof_entry *e = &p->entries[i];

		regname_format(e->reg, name, sizeof(name));
		fprintf(f, "%s %s", action_name(e->action), name);
		if (e->mask)
			fprintf(f, " & 0x%" PRIx64, e->mask);
		if (e->action != KVM_REGFILTER_ACTION_HIDE)
			fprintf(f, " = 0x%" PRIx64, e->value);
		if (e->action == KVM_REGFILTER_ACTION_FAKE &&
		    e->policy == KVM_REGFILTER_POLICY_STRICT)
			fprintf(f, " strict");
		if (e->has_guard) {
			regname_format(e->guard_reg, name, sizeof(name));
			fprintf(f, " when %s & 0x%" PRIx64 " == 0x%" PRIx64,
				name, e->guard_mask, e->guard_value);
		}
		fputc('\n', f);
	}
}

int rf_prof_equal(const struct rf_prof *a, const struct rf_prof *b)
{
	size_t i;

	if (strncmp(a->description, b->description, sizeof(a->description)) ||
	    a->nr != b->nr)
		return 0;
	for (i = 0; i < a->nr; i++) {
		const struct rf_prof_entry *x = &a->entries[i], *y = &b->entries[i];

		if (x->reg != y->reg || x->action != y->action ||
		    x->value != y->value || x->policy != y->policy || x->mask != y->mask ||
		    !x->has_guard != !y->has_guard)
			return 0;
		if (x->has_guard &&
		    (x->guard_reg != y->guard_reg ||
		     x->guard_mask != y->guard_mask ||
		     x->guard_value != y->guard_value))
			return 0;
	}
	return 1;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && !S_ISDIR(st.st_mode);
}

/* Append to a message, quietly truncated: err is for a human. */
static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * 1 and the path if DIR/NAME (or NAME without a dir) is a file, 0 if not,
 * -ENAMETOOLONG if it is but does not fit.
 */
static int try(const char *dir, size_t dirlen, const char *name,
	       const char *suffix, char *path, size_t pathlen)
{
	char cand[4096];
	int n;

	if (dir)
		n = snprintf(cand, sizeof(cand), "%.*s/%s%s", (int)dirlen, dir,
			     name, suffix);
	else
		n = snprintf(cand, sizeof(cand), "%s%s", name, suffix);
	if (n < 0 || (size_t)n >= sizeof(cand) || !is_file(cand))
		return 0;
	if ((size_t)n >= pathlen)
		return -ENAMETOOLONG;
	memcpy(path, cand, n + 1);
	return 1;
}

int rf_prof_find(const char *name, char *path, size_t pathlen,
		 char *err, size_t errlen)
{
	/*
	 * No ".": a bare name never comes from the current directory, where
	 * root running regctl (or a VMM) in /tmp would load a planted file.
	 * Only a path (a name with a '/', "./x" included) names a local file.
	 */
	static const char default_path[] = RF_PROF_ETC_DIR ":" REGFILTER_PROFILE_DIR;
	const char *env = getenv("REGFILTER_PROFILE_PATH");
	const char *search = env && *env ? env : default_path;
	size_t nlen = name ? strlen(name) : 0, slen = strlen(RF_PROF_SUFFIX);
	const char *suffix = RF_PROF_SUFFIX, *s;
	bool any = false;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	else
		errlen = 0;
	if (!nlen) {
		snprintf(err, errlen, "no profile name given");
		return -ENOENT;
	}
	if (nlen >= slen && !strcmp(name + nlen - slen, RF_PROF_SUFFIX))
		suffix = "";

	/* A path: the operator meant exactly that one. */
	if (strchr(name, '/')) {
		ret = try(NULL, 0, name, "", path, pathlen);
		if (!ret && *suffix)
			ret = try(NULL, 0, name, suffix, path, pathlen);
		if (ret > 0)
			return 0;
		if (ret)
			goto too_long;
		if (*suffix)
			snprintf(err, errlen, "profile '%s' not found (tried %s and %s%s)",
				 name, name, name, suffix);
		else
			snprintf(err, errlen, "profile '%s' not found", name);
		return -ENOENT;
	}

	snprintf(err, errlen, "profile '%s' not found in ", name);
	for (s = search; *s; ) {
		size_t dlen = strcspn(s, ":");

		/* An empty entry names no directory (unlike $PATH's "."). */
		if (dlen) {
			/* "dir/" and "dir" are the same place. */
			while (dlen > 1 && s[dlen - 1] == '/')
				dlen--;
			ret = try(s, dlen, name, "", path, pathlen);
			if (!ret && *suffix)
				ret = try(s, dlen, name, suffix, path, pathlen);
			if (ret > 0)
				return 0;
			if (ret)
				goto too_long;
			append(err, errlen, "%s%.*s", any ? ", " : "", (int)dlen, s);
			any = true;
		}
		s += strcspn(s, ":");
		if (*s)
			s++;
	}
	if (!any)
		append(err, errlen, "no directory");
	if (search == env)
		append(err, errlen, " (REGFILTER_PROFILE_PATH)");
	if (*suffix)
		append(err, errlen, "; looked for %s and %s%s in each", name, name,
		       suffix);
	return -ENOENT;

too_long:
	snprintf(err, errlen, "profile '%s': its path is longer than %zu bytes",
		 name, pathlen ? pathlen - 1 : 0);
	return -ENAMETOOLONG;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "regnames.h"

void rf_capture_init(struct rf_capture *c)
{
	memset(c, 0, sizeof(*c));
}

void rf_capture_free(struct rf_capture *c)
{
	free(c->regs);
	rf_capture_init(c);
}

int rf_capture_add(struct rf_capture *c, uint64_t id, bool has_value, uint64_t value)
{
	if (c->nr == c->alloc) {
		size_t alloc = c->alloc ? 2 * c->alloc : 256;
		struct rf_capreg *regs = realloc(c->regs, alloc * sizeof(*regs));

		if (!regs)
			return -ENOMEM;
		c->regs = regs;
		c->alloc = alloc;
	}
	c->regs[c->nr++] = (struct rf_capreg){ id, value, has_value };
	return 0;
}

const struct rf_capreg *rf_capture_find(const struct rf_capture *c, uint64_t id)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		if (c->regs[i].id == id)
			return &c->regs[i];
	return NULL;
}

bool rf_capture_wants_value(uint64_t id)
{
	unsigned int coproc = (id >> 16) & 0xfff;

	if (coproc == 0x14 || coproc == 0x16 || coproc == 0x11)
		return true;
	/* System registers Op0=3, CRn=0: the ID space, CLIDR, CCSIDR, CTR. */
	return coproc == 0x13 && ((id >> 14) & 3) == 3 && ((id >> 7) & 0xf) == 0;
}

static int diff_add(struct rf_capdiff **d, size_t *n, uint64_t id,
		    enum rf_capdiff_kind kind, uint64_t a, uint64_t b)
{
	struct rf_capdiff *nd = realloc(*d, (*n + 1) * sizeof(**d));

	if (!nd)
		return -ENOMEM;
	nd[(*n)++] = (struct rf_capdiff){ id, kind, a, b };
	*d = nd;
	return 0;
}

int rf_capture_diff(const struct rf_capture *a, const struct rf_capture *b,
		    struct rf_capdiff **out)
{
	const struct rf_capreg *o;
	struct rf_capdiff *d = NULL;
	size_t i, n = 0;
	int ret = 0;

	for (i = 0; i < a->nr && !ret; i++) {
		o = rf_capture_find(b, a->regs[i].id);
		if (!o)
			ret = diff_add(&d, &n, a->regs[i].id, RF_ONLY_IN_A, 0, 0);
		else if (a->regs[i].has_value && o->has_value && a->regs[i].value != o->value)
			ret = diff_add(&d, &n, a->regs[i].id, RF_VALUE_DIFFERS,
				       a->regs[i].value, o->value);
	}
	for (i = 0; i < b->nr && !ret; i++)
		if (!rf_capture_find(a, b->regs[i].id))
			ret = diff_add(&d, &n, b->regs[i].id, RF_ONLY_IN_B, 0, 0);
	if (ret) {
		free(d);
		return ret;
	}
	*out = d;
	return n;
}

void rf_capture_write(const struct rf_capture *c, FILE *f)
{
	char name[REGNAME_MAX];
	size_t i;

	fprintf(f, "# regfilter capture: a fresh vcpu's KVM_GET_REG_LIST and the\n"
		   "# values the kernel chose for it (firmware, demux and ID registers)\n");
	fprintf(f, "kernel %s\ncpu %s\nregisters %zu\n", c->kernel, c->cpu, c->nr);
	for (i = 0; i < c->nr; i++) {
		regname_format(c->regs[i].id, name, sizeof(name));
		if (c->regs[i].has_value)
			fprintf(f, "0x%016llx %s = 0x%llx\n", (unsigned long long)c->regs[i].id,
				name, (unsigned long long)c->regs[i].value);
		else
			fprintf(f, "0x%016llx %s\n", (unsigned long long)c->regs[i].id, name);
	}
}

static void rest_of_line(char *dst, size_t len, const char *p)
{
	size_t n;

	while (isspace((unsigned char)*p))
		p++;
	snprintf(dst, len, "%s", p);
	n = strlen(dst);
	while (n && isspace((unsigned char)dst[n - 1]))
		dst[--n] = '\0';
}

/* "0x" and hex digits, nothing else: no sign, no octal, no junk. */
static bool parse_hex(const char *p, const char **endp, unsigned long long *v)
{
	char *end;

	if (strncmp(p, "0x", 2) || !isxdigit((unsigned char)p[2]))
		return false;
	errno = 0;
	*v = strtoull(p + 2, &end, 16);
	*endp = end;
	return !errno;
}

static bool at_end(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return !*p;
}

/*
 * Lines of any length (getline): a 512-byte buffer used to split a long
 * line into two, the second read as a line of its own.  The header's
 * `registers N` is checked against the register lines at the end, so a
 * truncated capture is refused rather than loaded short.
 */
int rf_capture_load(struct rf_capture *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	const char *p, *end, *what = "expected '0xID NAME [= 0xVALUE]'";
	unsigned long long id, val, declared = 0;
	bool has_declared = false;
	unsigned int lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	int ret = 0;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	rf_capture_init(c);
	errno = 0;
	while (getline(&line, &cap, f) >= 0) {
		bool has_value = false;

		lineno++;
		p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			continue;
		if (!strncmp(p, "kernel ", 7)) {
			rest_of_line(c->kernel, sizeof(c->kernel), p + 7);
			continue;
		}
		if (!strncmp(p, "cpu ", 4)) {
			rest_of_line(c->cpu, sizeof(c->cpu), p + 4);
			continue;
		}
		if (!strncmp(p, "registers ", 10)) {
			char *e;

			p += 10;
			while (*p == ' ' || *p == '\t')
				p++;
			errno = 0;
			declared = strtoull(p, &e, 10);
			what = "expected 'registers COUNT' (once, decimal)";
			if (has_declared || !isdigit((unsigned char)*p) || errno || !at_end(e))
				goto bad;
			has_declared = true;
			what = "expected '0xID NAME [= 0xVALUE]'";
			continue;
		}
		if (!parse_hex(p, &end, &id) || (*end && !isspace((unsigned char)*end)))
			goto bad;
		p = strchr(end, '=');
		if (p) {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			what = "expected a value '0x' and hex digits after '='";
			if (!parse_hex(p, &end, &val) || !at_end(end)) {
				if (*p && parse_hex(p, &end, &val))
					p = end;
				goto bad;
			}
			what = "expected '0xID NAME [= 0xVALUE]'";
			has_value = true;
		}
		if (rf_capture_add(c, id, has_value, has_value ? val : 0)) {
			ret = -ENOMEM;
			snprintf(err, errlen, "%s: %s", path, strerror(ENOMEM));
			goto out;
		}
		continue;
bad:
		snprintf(err, errlen, "%s:%u:%d: %s, got '%.*s'", path, lineno,
			 (int)(p - line) + 1, what, (int)strcspn(p, " \t\r\n"), p);
		ret = -EINVAL;
		goto out;
	}
	if (ferror(f)) {
		ret = -EIO;
		snprintf(err, errlen, "%s: read error after line %u", path, lineno);
	} else if (has_declared && declared != c->nr) {
		ret = -EINVAL;
		snprintf(err, errlen,
			 "%s: says 'registers %llu' but has %zu register lines (truncated? capture it again)",
			 path, declared, c->nr);
	}
out:
	free(line);
	fclose(f);
	if (ret)
		rf_capture_free(c);
	return ret;
}

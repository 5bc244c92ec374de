// SPDX-License-Identifier: GPL-2.0
/*
 * regctl: configure the kvm_regfilter module.  A subcommand table in the
 * manner of wg(8); each command returns an exit code (regctl.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/regnames.h"
#include "regctl.h"

#ifndef REGFILTER_VERSION
#define REGFILTER_VERSION "0.1"
#endif

const char *prog = "regctl";
bool json;

static const struct regctl_cmd cmds[] = {
	{ "set-profile", cmd_set_profile, "<pid> <profile> [--force]",
	  "bind a profile to a process (every VM it has or makes)" },
	{ "show", cmd_show, "[<pid>|default]",
	  "a process's profile and its VMs, or the host default (all if neither)" },
	{ "list", cmd_list, "", "the host default and every process with a profile" },
	{ "clear", cmd_clear, "<pid> [--force]", "unbind a process's profile" },
	{ "set-default", cmd_set_default, "<profile> [--force]",
	  "the profile of every VM made from now on by a process without one (root)" },
	{ "clear-default", cmd_clear_default, "[--force]", "clear the host default (root)" },
	{ "run", cmd_run, "--profile <profile> [--force] -- <command> [args...]",
	  "bind a profile to this process, then exec the command (same pid)" },
	{ "capture", cmd_capture, "[-o FILE] [--profile <profile>]",
	  "this host's vcpu register list and init values (a scratch VM)" },
	{ "diff", cmd_diff, "<A.capture> <B.capture>",
	  "registers only in A, only in B, and init values that differ" },
	{ "derive", cmd_derive,
	  "--target <SRC.capture> [--host <DST.capture> ...] [-o FILE] [--partial]",
	  "the profile that makes hosts like DST (default: this one) present SRC's view" },
	{ "check", cmd_check, "<pid> --target <DST.capture>",
	  "would the process's VMs load on a host like DST? which registers stop them" },
	{ "monitor", cmd_monitor, "", "print the module's events as they come" },
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

int regctl_usage(const char *cmd)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++) {
		if (cmd && strcmp(cmd, cmds[i].name))
			continue;
		fprintf(stderr, "Usage: %s %s %s\n  %s\n", prog, cmds[i].name,
			cmds[i].args, cmds[i].help);
	}
	return EXIT_USAGE;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s [-j|--json] <command> [<args>]\n\n"
		   "Hide, fake or pin arm64 KVM vcpu registers per VM (kvm_regfilter).\n\n"
		   "Commands:\n", prog);
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\n'%s <command> --help' for a command's arguments; see regctl(8).\n", prog);
}

/*
 * The family is missing: the module is not loaded, or this process is in
 * another network namespace than the host's initial one, the only one
 * the family serves (a container, 'ip netns exec').  /sys/module is not
 * namespaced, so it tells the two apart.
 */
int regctl_no_family(void)
{
	char self[64] = "", init[64] = "";
	ssize_t n;

	if (access("/sys/module/kvm_regfilter", F_OK)) {
		fprintf(stderr, "%s: the kvm_regfilter module is not loaded; load it with "
			"'modprobe kvm_regfilter' (or 'insmod kvm_regfilter.ko')\n", prog);
		return EXIT_NOMODULE;
	}
	n = readlink("/proc/self/ns/net", self, sizeof(self) - 1);
	if (n > 0)
		self[n] = 0;
	n = readlink("/proc/1/ns/net", init, sizeof(init) - 1);
	if (n > 0)
		init[n] = 0;
	fprintf(stderr, "%s: the kvm_regfilter module is loaded, but its netlink family "
		"serves only the host's initial network namespace, and this process is in "
		"%s (%s); run regctl in the host's network namespace, for example "
		"'nsenter --net=/proc/1/ns/net regctl ...'\n", prog,
		*self && *init && strcmp(self, init) ? "another one" : "perhaps another one",
		*self ? self : "unknown");
	return EXIT_NOMODULE;
}

int regctl_connect(struct regfilter **rf)
{
	int ret = regfilter_open(rf);

	if (ret == -ENOENT)
		return regctl_no_family();
	if (ret) {
		fprintf(stderr, "%s: cannot open a generic netlink socket: %s\n", prog,
			strerror(-ret));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

int regctl_fail(struct regfilter *rf, int err, const char *what)
{
	const char *ext = rf ? regfilter_extack(rf) : "";
	bool dflt = strstr(what, "default");

	fprintf(stderr, "%s: %s: %s%s%s\n", prog, what, strerror(-err),
		*ext ? "; kernel reports: " : "", ext);

	if (err == -EPERM) {
		if (dflt)
			fprintf(stderr, "%s: the host default is root's (CAP_SYS_ADMIN): it "
				"changes every user's new VMs\n", prog);
		else
			fprintf(stderr, "%s: configuring a process needs CAP_SYS_ADMIN or the "
				"right to ptrace it (same user, not restricted by Yama)\n", prog);
		return EXIT_PERM;
	}
	if (err == -EBUSY)
		fprintf(stderr, "%s: %s already handed out its register list; "
			"--force changes the profile anyway\n", prog,
			dflt ? "a VM that uses the host default" : "its VM");
	if (err == -ENOENT && !strcmp(what, "show"))
		fprintf(stderr, "%s: without a profile of its own, a VM made while a host "
			"default is set uses that ('%s show default')\n", prog, prog);
	if (err == -ESRCH)
		fprintf(stderr, "%s: check the pid (a process, not a thread, in your pid "
			"namespace)\n", prog);
	if (err == -EINTR)
		fprintf(stderr, "%s: the configuration changed while it was read (a profile "
			"was set or cleared), so what was printed may be inconsistent; run the "
			"command again\n", prog);
	return EXIT_FAILED;
}

/*
 * A refused set-profile: the entry the kernel named, where the operator
 * wrote it, then the reason as regctl_fail() gives it.
 */
int regctl_fail_profile(struct regfilter *rf, int err, const char *what,
			const struct rf_prof *p)
{
	int i = rf ? regfilter_bad_entry(rf) : -1;
	char name[REGNAME_MAX];

	if (i >= 0 && (size_t)i < p->nr) {
		const struct rf_prof_entry *e = &p->entries[i];

		regname_format(e->reg, name, sizeof(name));
		if (e->line && p->path[0])
			fprintf(stderr, "%s:%u: the kernel refused this entry (%s)\n",
				p->path, e->line, name);
		else
			fprintf(stderr, "%s: entry %d (%s) refused by the kernel\n", prog,
				i + 1, name);
	}
	return regctl_fail(rf, err, what);
}

int regctl_parse_pid(const char *s, int *pid)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0 || v > 0x3fffffff) {
		fprintf(stderr, "%s: '%s' is not a process id\n", prog, s);
		return EXIT_USAGE;
	}
	*pid = v;
	return EXIT_OK;
}

int regctl_load_profile(const char *name, struct rf_prof *p)
{
	char path[4096], err[1024];
	int ret;

	ret = rf_prof_find(name, path, sizeof(path), err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_USAGE;
	}
	rf_prof_init(p);
	ret = rf_prof_load(p, path, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

void regctl_json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* The lines of buf (each ended by a newline) as a JSON array of strings. */
void regctl_json_lines(const char *buf)
{
	const char *nl;
	char *line;
	bool first = true;

	putchar('[');
	for (; buf && *buf; buf = nl + 1) {
		nl = strchr(buf, '\n');
		if (!nl)
			nl = buf + strlen(buf) - 1;
		line = strndup(buf, nl - buf + (*nl != '\n'));
		if (!line)
			break;
		printf("%s", first ? "" : ",");
		regctl_json_str(line);
		free(line);
		first = false;
	}
	putchar(']');
}

int main(int argc, char **argv)
{
	size_t i;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-j") || !strcmp(argv[1], "--json")) {
			json = true;
		} else if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
			printf("regctl %s\n", REGFILTER_VERSION);
			return EXIT_OK;
		} else if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
			usage(stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[1]);
			usage(stderr);
			return EXIT_USAGE;
		}
		argc--;
		argv++;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < NR_CMDS; i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			printf("Usage: %s %s %s\n  %s\n", prog, cmds[i].name, cmds[i].args,
			       cmds[i].help);
			return EXIT_OK;
		}
		optind = 1;
		return cmds[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}

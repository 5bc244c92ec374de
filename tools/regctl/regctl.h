/* SPDX-License-Identifier: GPL-2.0 */
#ifndef REGFILTER_REGCTL_H
#define REGFILTER_REGCTL_H

#include <stdbool.h>

#include "../lib/rfnl.h"

/* Exit codes (regctl(8)). */
enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,		/* bad arguments or profile file */
	EXIT_FAILED = 2,	/* the kernel or the system refused */
	EXIT_NOMODULE = 3,	/* kvm_regfilter is not loaded */
	EXIT_PERM = 4,		/* not permitted */
	EXIT_DIFFERS = 5,	/* diff/check: the two differ / would not load */
};

struct regctl_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

extern const char *prog;
extern bool json;

/* Report err (a -errno from libregfilter) for what, with the kernel's text. */
/* The family cannot be resolved: say why (module, namespace); EXIT_NOMODULE. */
int regctl_no_family(void);
int regctl_fail(struct regfilter *rf, int err, const char *what);
/* The same for a set-profile: also names the refused entry's line. */
int regctl_fail_profile(struct regfilter *rf, int err, const char *what,
			const struct rf_prof *p);
int regctl_connect(struct regfilter **rf);
int regctl_parse_pid(const char *s, int *pid);
int regctl_load_profile(const char *name, struct rf_prof *p);
void regctl_json_str(const char *s);
void regctl_json_lines(const char *buf);
int regctl_usage(const char *cmd);

int cmd_set_profile(int argc, char **argv);
int cmd_clear(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_set_default(int argc, char **argv);
int cmd_clear_default(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_monitor(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_derive(int argc, char **argv);
int cmd_check(int argc, char **argv);

#endif

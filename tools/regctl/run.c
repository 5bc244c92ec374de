// SPDX-License-Identifier: GPL-2.0
/*
 * run: bind a profile to this very process, then exec the command, which
 * keeps the pid, so any VMM runs under a profile without being patched.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "regctl.h"

int cmd_run(int argc, char **argv)
{
	const char *profile = NULL;
	struct regfilter *rf;
	struct rf_prof p;
	bool force = false;
	int i, ret;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			profile = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			force = true;
		else
			return regctl_usage("run");
	}
	if (!profile || i + 1 >= argc)
		return regctl_usage("run");
	ret = regctl_load_profile(profile, &p);
	if (ret)
		return ret;
	ret = regctl_connect(&rf);
	if (ret)
		goto out;
	ret = regfilter_set_profile(rf, getpid(), &p, force);
	if (ret) {
		ret = regctl_fail_profile(rf, ret, "run: set-profile", &p);
		regfilter_close(rf);
		goto out;
	}
	regfilter_close(rf);
	rf_prof_free(&p);
	execvp(argv[i + 1], argv + i + 1);
	fprintf(stderr, "%s: run: cannot execute '%s': %s\n", prog, argv[i + 1], strerror(errno));
	return EXIT_FAILED;
out:
	rf_prof_free(&p);
	return ret;
}

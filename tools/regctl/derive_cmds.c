// SPDX-License-Identifier: GPL-2.0
/*
 * derive: the profile that makes hosts present a target's view.
 * check: would a process's VM load on a host like a given capture?
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../lib/derive.h"
#include "../lib/outfile.h"
#include "regctl.h"

int regctl_capture_self(struct rf_capture *c);

static int load_capture(const char *path, struct rf_capture *c)
{
	char err[512];

	if (rf_capture_load(c, path, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/*
 * derive -j: what was derived, for whom, what could not be applied and
 * why, and where the profile went (its text, without -o).
 */
static void derive_json(const char *target, const struct rf_capture *hosts, size_t n,
			const char *why, int refused, const char *out, const char *text)
{
	size_t i;

	printf("{\"target\":");
	regctl_json_str(target);
	printf(",\"hosts\":[");
	for (i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		regctl_json_str(hosts[i].kernel);
	}
	printf("],\"refused\":%d,\"not_applied\":", refused);
	regctl_json_lines(refused ? why : NULL);
	printf(",\"written\":%s", out || text ? "true" : "false");
	if (out) {
		printf(",\"output\":");
		regctl_json_str(out);
	}
	if (text) {
		printf(",\"profile\":");
		regctl_json_str(text);
	}
	printf("}\n");
}

int cmd_derive(int argc, char **argv)
{
	const char *target_path = NULL, *out = NULL;
	struct rf_capture target, *hosts = NULL;
	size_t n = 0;
	bool partial = false;
	struct rf_outfile o = { 0 };
	struct rf_prof p;
	FILE *f = stdout, *why;
	char *whybuf = NULL, *text = NULL, err[512];
	size_t whylen = 0, textlen = 0;
	int i, ret = EXIT_OK, refused;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--target") && i + 1 < argc) {
			target_path = argv[++i];
		} else if (!strcmp(argv[i], "--host") && i + 1 < argc) {
			hosts = realloc(hosts, (n + 1) * sizeof(*hosts));
			if (!hosts)
				return EXIT_FAILED;
			ret = load_capture(argv[++i], &hosts[n]);
			if (ret)
				goto out;
			n++;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "--partial")) {
			partial = true;
		} else {
			ret = regctl_usage("derive");
			goto out;
		}
	}
	if (!target_path) {
		ret = regctl_usage("derive");
		goto out;
	}
	ret = load_capture(target_path, &target);
	if (ret)
		goto out;
	if (!n) {
		/* This host, captured now. */
		hosts = calloc(1, sizeof(*hosts));
		if (!hosts)
			return EXIT_FAILED;
		rf_capture_init(&hosts[0]);
		ret = regctl_capture_self(&hosts[0]);
		if (ret)
			goto out;
		n = 1;
	}
	/* The reasons go to stderr, and with --partial into the profile too. */
	why = open_memstream(&whybuf, &whylen);
	if (!why) {
		ret = EXIT_FAILED;
		goto out;
	}
	refused = rf_derive(&target, hosts, n, &p, why);
	fclose(why);
	/* -j: the reasons go into the JSON, not to stderr. */
	if (!json)
		fputs(whybuf, stderr);
	if (refused < 0) {
		fprintf(stderr, "%s: derive: %s\n", prog, strerror(-refused));
		ret = EXIT_FAILED;
		goto out;
	}
	if (refused && !partial) {
		fprintf(stderr, "%s: derive: %d thing%s %s cannot be made safe; no profile "
			"written (--partial writes the rest)\n", prog, refused,
			refused == 1 ? "" : "s", json ? "in not_applied" : "above");
		ret = EXIT_FAILED;
		if (json)
			derive_json(target_path, hosts, n, whybuf, refused, NULL, NULL);
		goto free_prof;
	}
	/* -o replaces the file only once the profile is whole. */
	if (out) {
		if (rf_outfile_open(&o, out, err, sizeof(err))) {
			fprintf(stderr, "%s: derive: %s\n", prog, err);
			ret = EXIT_FAILED;
			goto free_prof;
		}
		f = o.f;
	} else if (json) {
		/* The profile's text goes into the JSON. */
		f = open_memstream(&text, &textlen);
		if (!f) {
			ret = EXIT_FAILED;
			goto free_prof;
		}
	}
	fprintf(f, "# derived by regctl from %s for %zu host capture%s%s\n", target_path, n,
		n == 1 ? "" : "s", refused ? " (partial: not everything could be made safe)" : "");
	if (refused) {
		char *line, *save = NULL, *copy = strdup(whybuf);

		for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line;
		     line = strtok_r(NULL, "\n", &save))
			fprintf(f, "# not applied: %s\n", line);
		free(copy);
	}
	rf_prof_write(&p, f);
	ret = refused ? EXIT_DIFFERS : EXIT_OK;
	if (out && rf_outfile_commit(&o, err, sizeof(err))) {
		fprintf(stderr, "%s: derive: %s\n", prog, err);
		ret = EXIT_FAILED;
	} else if (!out && json) {
		fclose(f);
	}
	if (json && ret != EXIT_FAILED)
		derive_json(target_path, hosts, n, whybuf, refused, out, out ? NULL : text);
free_prof:
	rf_prof_free(&p);
out:
	free(whybuf);
	free(text);
	free(hosts);
	return ret;
}

int cmd_check(int argc, char **argv)
{
	struct regfilter_binding b = { 0 };
	struct rf_capture dst, view;
	struct regfilter *rf;
	char *whybuf = NULL;
	size_t whylen = 0;
	int pid, ret, stops;
	FILE *why;

	if (argc != 4 || strcmp(argv[2], "--target"))
		return regctl_usage("check");
	ret = regctl_parse_pid(argv[1], &pid);
	if (!ret)
		ret = load_capture(argv[3], &dst);
	if (ret)
		return ret;
	ret = regctl_connect(&rf);
	if (ret)
		return ret;
	/* The process's view: a scratch VM here under its profile, if any. */
	ret = regfilter_get_profile(rf, pid, &b);
	if (ret == 0)
		ret = regfilter_set_profile(rf, getpid(), &b.prof, false);
	else if (ret == -ENOENT)
		ret = 0;
	if (ret) {
		ret = regctl_fail(rf, ret, "check");
		regfilter_close(rf);
		return ret;
	}
	regfilter_close(rf);
	rf_capture_init(&view);
	ret = regctl_capture_self(&view);
	if (ret)
		goto out;
	why = json ? open_memstream(&whybuf, &whylen) : stdout;
	if (!why) {
		ret = EXIT_FAILED;
		goto out;
	}
	stops = rf_check_view(&view, &dst, why);
	if (json) {
		fclose(why);
		printf("{\"pid\":%d,\"target\":", pid);
		regctl_json_str(argv[3]);
		printf(",\"kernel\":");
		regctl_json_str(dst.kernel);
		printf(",\"loads\":%s,\"stops\":%d,\"problems\":", stops ? "false" : "true",
		       stops);
		regctl_json_lines(whybuf);
		printf("}\n");
		free(whybuf);
	} else if (stops) {
		printf("process %d: its VMs would not load on a host like %s (%s): %d register%s\n",
		       pid, argv[3], dst.kernel, stops, stops == 1 ? "" : "s");
	} else {
		printf("process %d: its VMs would load on a host like %s (%s)\n", pid, argv[3],
		       dst.kernel);
	}
	ret = stops ? EXIT_DIFFERS : EXIT_OK;
out:
	regfilter_binding_free(&b);
	rf_capture_free(&view);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/* set-profile, clear, show, list; set-default, clear-default. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/regnames.h"
#include "regctl.h"

static bool take_force(int *argc, char **argv)
{
	int i, j;
	bool force = false;

	for (i = j = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f"))
			force = true;
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	return force;
}

int cmd_set_profile(int argc, char **argv)
{
	bool force = take_force(&argc, argv);
	struct regfilter *rf;
	struct rf_prof p;
	int pid, ret;

	if (argc != 3)
		return regctl_usage("set-profile");
	ret = regctl_parse_pid(argv[1], &pid);
	if (!ret)
		ret = regctl_load_profile(argv[2], &p);
	if (ret)
		return ret;
	ret = regctl_connect(&rf);
	if (ret)
		goto out;
	ret = regfilter_set_profile(rf, pid, &p, force);
	if (ret)
		ret = regctl_fail_profile(rf, ret, "set-profile", &p);
	else if (!json)
		printf("process %d: profile %s (%zu entries)\n", pid, p.path, p.nr);
	regfilter_close(rf);
out:
	rf_prof_free(&p);
	return ret;
}

int cmd_clear(int argc, char **argv)
{
	bool force = take_force(&argc, argv);
	struct regfilter *rf;
	int pid, ret;

	if (argc != 2)
		return regctl_usage("clear");
	ret = regctl_parse_pid(argv[1], &pid);
	if (ret)
		return ret;
	ret = regctl_connect(&rf);
	if (ret)
		return ret;
	ret = regfilter_clear_profile(rf, pid, force);
	if (ret)
		ret = regctl_fail(rf, ret, "clear");
	regfilter_close(rf);
	return ret;
}

static void print_entry(const struct rf_prof_entry *e)
{
	char name[REGNAME_MAX], g[REGNAME_MAX];

	regname_format(e->reg, name, sizeof(name));
	printf("  %s %s", regfilter_action_name(e->action), name);
	if (e->mask)
		printf(" & 0x%llx", (unsigned long long)e->mask);
	if (e->action != KVM_REGFILTER_ACTION_HIDE)
		printf(" = 0x%llx", (unsigned long long)e->value);
	if (e->action == KVM_REGFILTER_ACTION_FAKE)
		printf(" %s", e->policy == KVM_REGFILTER_POLICY_STRICT ? "strict" : "keep");
	if (e->has_guard) {
		regname_format(e->guard_reg, g, sizeof(g));
		printf(" when %s & 0x%llx == 0x%llx", g, (unsigned long long)e->guard_mask,
		       (unsigned long long)e->guard_value);
	}
	printf("\n");
}

static void print_binding_text(const struct regfilter_binding *b)
{
	char name[REGNAME_MAX];
	unsigned int i, j;

	if (b->pid)
		printf("process %d: ", b->pid);
	else
		printf("host default (every VM of a process without a profile): ");
	printf("%s\n", *b->prof.description ? b->prof.description : "(no description)");
	for (i = 0; i < b->prof.nr; i++)
		print_entry(&b->prof.entries[i]);
	for (i = 0; i < b->nr_vms; i++) {
		const struct regfilter_vm *vm = &b->vms[i];

		printf("  vm %u: %u vcpus, %s; hidden refused %llu, fake reads %llu, "
		       "fake writes %llu, strict refused %llu, pins applied %llu\n",
		       vm->id, vm->vcpus, vm->sealed ? "list handed out" : "list not yet read",
		       (unsigned long long)vm->hidden_refused,
		       (unsigned long long)vm->fake_reads, (unsigned long long)vm->fake_writes,
		       (unsigned long long)vm->strict_refused,
		       (unsigned long long)vm->pins_applied);
		for (j = 0; j < vm->nr_states; j++) {
			regname_format(vm->states[j].reg, name, sizeof(name));
			printf("    %s: %s\n", name, regfilter_state_name(vm->states[j].state));
		}
	}
}

/* JSON fields, stable: documented in regctl(8). */
static void print_binding_json(const struct regfilter_binding *b)
{
	char name[REGNAME_MAX];
	unsigned int i, j;

	if (b->pid)
		printf("{\"pid\":%d,\"description\":", b->pid);
	else
		printf("{\"default\":true,\"description\":");
	regctl_json_str(b->prof.description);
	printf(",\"entries\":[");
	for (i = 0; i < b->prof.nr; i++) {
		const struct rf_prof_entry *e = &b->prof.entries[i];

		regname_format(e->reg, name, sizeof(name));
		printf("%s{\"reg\":\"0x%016llx\",\"name\":\"%s\",\"action\":\"%s\"", i ? "," : "",
		       (unsigned long long)e->reg, name, regfilter_action_name(e->action));
		if (e->action != KVM_REGFILTER_ACTION_HIDE)
			printf(",\"value\":\"0x%llx\"", (unsigned long long)e->value);
		if (e->mask)
			printf(",\"mask\":\"0x%llx\"", (unsigned long long)e->mask);
		if (e->action == KVM_REGFILTER_ACTION_FAKE)
			printf(",\"policy\":\"%s\"",
			       e->policy == KVM_REGFILTER_POLICY_STRICT ? "strict" : "keep");
		if (e->has_guard)
			printf(",\"guard\":{\"reg\":\"0x%016llx\",\"mask\":\"0x%llx\",\"value\":\"0x%llx\"}",
			       (unsigned long long)e->guard_reg, (unsigned long long)e->guard_mask,
			       (unsigned long long)e->guard_value);
		printf("}");
	}
	printf("],\"vms\":[");
	for (i = 0; i < b->nr_vms; i++) {
		const struct regfilter_vm *vm = &b->vms[i];

		printf("%s{\"id\":%u,\"vcpus\":%u,\"sealed\":%s,\"hidden_refused\":%llu,"
		       "\"fake_reads\":%llu,\"fake_writes\":%llu,\"strict_refused\":%llu,"
		       "\"pins_applied\":%llu,\"not_applied\":[", i ? "," : "", vm->id, vm->vcpus,
		       vm->sealed ? "true" : "false", (unsigned long long)vm->hidden_refused,
		       (unsigned long long)vm->fake_reads, (unsigned long long)vm->fake_writes,
		       (unsigned long long)vm->strict_refused,
		       (unsigned long long)vm->pins_applied);
		for (j = 0; j < vm->nr_states; j++) {
			regname_format(vm->states[j].reg, name, sizeof(name));
			printf("%s{\"reg\":\"0x%016llx\",\"name\":\"%s\",\"state\":\"%s\"}",
			       j ? "," : "", (unsigned long long)vm->states[j].reg, name,
			       regfilter_state_name(vm->states[j].state));
		}
		printf("]}");
	}
	printf("]}");
}

struct list_arg {
	int n;
	bool verbose;
};

static int list_cb(const struct regfilter_binding *b, void *arg)
{
	struct list_arg *la = arg;

	if (json) {
		printf("%s", la->n ? "," : "");
		print_binding_json(b);
	} else if (la->verbose) {
		print_binding_text(b);
	} else {
		printf("%d\t%zu entries\t%u VMs\t%s\n", b->pid, b->prof.nr, b->nr_vms,
		       b->prof.description);
	}
	la->n++;
	return 0;
}

/*
 * The host default first, if one is set: in text a line of its own, in
 * JSON the list's first element, {"default":true,...} instead of a pid.
 */
static int list_default(struct regfilter *rf, struct list_arg *la)
{
	struct regfilter_binding d;
	int ret;

	ret = regfilter_get_default(rf, &d);
	if (ret == -ENOENT)
		return 0;
	if (ret)
		return ret;
	if (json) {
		print_binding_json(&d);
		la->n++;
	} else if (la->verbose) {
		print_binding_text(&d);
	} else {
		printf("default\t%zu entries\t-\t%s\n", d.prof.nr, d.prof.description);
	}
	regfilter_binding_free(&d);
	return 0;
}

static int list_all(bool verbose)
{
	struct list_arg la = { .verbose = verbose };
	struct regfilter *rf;
	int ret;

	ret = regctl_connect(&rf);
	if (ret)
		return ret;
	if (json)
		printf("[");
	ret = list_default(rf, &la);
	if (!ret)
		ret = regfilter_list(rf, list_cb, &la);
	if (json)
		printf("]\n");
	if (ret)
		ret = regctl_fail(rf, ret, "list");
	else if (!json && !la.n)
		printf("no process has a profile\n");
	regfilter_close(rf);
	return ret;
}

int cmd_list(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return regctl_usage("list");
	return list_all(false);
}

int cmd_show(int argc, char **argv)
{
	struct regfilter_binding b;
	struct regfilter *rf;
	int pid, ret;

	if (argc == 1)
		return list_all(true);
	if (argc != 2)
		return regctl_usage("show");
	pid = 0;
	ret = strcmp(argv[1], "default") ? regctl_parse_pid(argv[1], &pid) : 0;
	if (ret)
		return ret;
	ret = regctl_connect(&rf);
	if (ret)
		return ret;
	ret = pid ? regfilter_get_profile(rf, pid, &b) : regfilter_get_default(rf, &b);
	if (ret) {
		ret = regctl_fail(rf, ret, "show");
	} else {
		if (json) {
			print_binding_json(&b);
			printf("\n");
		} else {
			print_binding_text(&b);
		}
		regfilter_binding_free(&b);
	}
	regfilter_close(rf);
	return ret;
}

int cmd_set_default(int argc, char **argv)
{
	bool force = take_force(&argc, argv);
	struct regfilter *rf;
	struct rf_prof p;
	int ret;

	if (argc != 2)
		return regctl_usage("set-default");
	ret = regctl_load_profile(argv[1], &p);
	if (ret)
		return ret;
	ret = regctl_connect(&rf);
	if (ret)
		goto out;
	ret = regfilter_set_default(rf, &p, force);
	if (ret)
		ret = regctl_fail_profile(rf, ret, "set-default", &p);
	else if (!json)
		printf("host default: profile %s (%zu entries), for VMs made from now on by processes without a profile\n",
		       p.path, p.nr);
	regfilter_close(rf);
out:
	rf_prof_free(&p);
	return ret;
}

int cmd_clear_default(int argc, char **argv)
{
	bool force = take_force(&argc, argv);
	struct regfilter *rf;
	int ret;

	(void)argv;
	if (argc != 1)
		return regctl_usage("clear-default");
	ret = regctl_connect(&rf);
	if (ret)
		return ret;
	ret = regfilter_clear_default(rf, force);
	if (ret)
		ret = regctl_fail(rf, ret, "clear-default");
	regfilter_close(rf);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/* monitor: the module's events, one line each, until interrupted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/regnames.h"
#include "regctl.h"

int cmd_monitor(int argc, char **argv)
{
	struct regfilter_event ev;
	struct regfilter *rf;
	char name[REGNAME_MAX];
	long lost = 0;
	int ret;

	(void)argv;
	if (argc != 1)
		return regctl_usage("monitor");
	ret = regfilter_events_open(&rf);
	if (ret == -EPERM) {
		fprintf(stderr, "%s: monitor: the events are for CAP_SYS_ADMIN only (they name "
			"every VM's process and registers); run it as root\n", prog);
		return EXIT_PERM;
	}
	if (ret)
		return ret == -ENOENT ? regctl_no_family() : regctl_fail(NULL, ret, "monitor");
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * Subscribed: every event from now on is printed.  Said on stderr,
	 * so that stdout carries events only, and so that a script can wait
	 * for this line before it starts what it wants to watch.
	 */
	fprintf(stderr, "regctl monitor: listening for kvm_regfilter events (interrupt to stop)\n");
	fflush(stderr);
	for (;;) {
		ret = regfilter_event_next(rf, &ev, -1);
		if (ret == -EAGAIN || ret == -ETIMEDOUT || ret == -EINTR)
			continue;
		/* As ip monitor: say that events were lost, and go on. */
		if (ret == -ENOBUFS) {
			lost++;
			fprintf(stderr, "regctl monitor: events were lost (the socket's buffer "
				"overflowed, %ld time%s so far); still listening\n", lost,
				lost == 1 ? "" : "s");
			if (json)
				printf("{\"event\":\"lost\",\"times\":%ld}\n", lost);
			continue;
		}
		if (ret)
			break;
		regname_format(ev.reg, name, sizeof(name));
		if (ev.event == KVM_REGFILTER_EVENT_DEFAULT_SET ||
		    ev.event == KVM_REGFILTER_EVENT_DEFAULT_CLEARED) {
			/* No VM: who changed the host default, and its size. */
			if (json)
				printf("{\"event\":\"%s\",\"pid\":%u,\"entries\":%llu}\n",
				       regfilter_event_name(ev.event), ev.pid,
				       (unsigned long long)ev.reg);
			else
				printf("%s pid %u entries %llu\n", regfilter_event_name(ev.event),
				       ev.pid, (unsigned long long)ev.reg);
			fflush(stdout);
			continue;
		}
		if (json)
			printf("{\"event\":\"%s\",\"pid\":%u,\"vm\":%u,\"reg\":\"0x%016llx\","
			       "\"name\":\"%s\",\"value\":\"0x%llx\",\"error\":%u}\n",
			       regfilter_event_name(ev.event), ev.pid, ev.vm,
			       (unsigned long long)ev.reg, name, (unsigned long long)ev.value,
			       ev.error);
		else
			printf("%s pid %u vm %u %s value 0x%llx%s%s\n",
			       regfilter_event_name(ev.event), ev.pid, ev.vm, name,
			       (unsigned long long)ev.value, ev.error ? " error " : "",
			       ev.error ? strerror(ev.error) : "");
	}
	regfilter_close(rf);
	return regctl_fail(NULL, ret, "monitor");
}

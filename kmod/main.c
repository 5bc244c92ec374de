// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_regfilter: per-VM register visibility filter for arm64 KVM.
 *
 * This file only loads and unloads the module: filter.c is the filter's
 * logic, regs.c what the filtered register ioctls do, vm.c the bindings
 * and per-VM state, hook.c how KVM is intercepted, netlink.c the
 * configuration interface.
 */
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <net/genetlink.h>

#include "hook.h"
#include "netlink.h"
#include "vm.h"

#ifndef REGFILTER_VERSION
#define REGFILTER_VERSION "0.1"
#endif

#ifdef REGFILTER_FAULT_LOCKUP
/*
 * The rig's lockup self-check: a CPU stuck with interrupts masked, long
 * enough for the hard lockup watchdog and RCU's stall check.  In a thread
 * rather than in init, so that the rest of the system (the console's
 * printing among it) goes on and the watchdog's report reaches the rig.
 */
static struct task_struct *rf_fault_thread;

static int rf_fault_lockup(void *unused)
{
	local_irq_disable();
	mdelay(60 * MSEC_PER_SEC);
	local_irq_enable();
	while (!kthread_should_stop())
		schedule_timeout_interruptible(HZ);
	return 0;
}
#endif

static int __init regfilter_init(void)
{
	int ret;

#ifdef REGFILTER_FAULT_INIT
	pr_err("built with REGFILTER_FAULT_INIT for the test rig, refusing to load\n");
	return -EINVAL;
#endif
#ifdef REGFILTER_FAULT_WARN
	WARN(1, "built with REGFILTER_FAULT_WARN for the test rig\n");
#endif
	ret = rf_vm_init();
	if (ret)
		return ret;
	ret = rf_hook_init();
	if (ret)
		goto err_hook;
	/* Last: no configuration can arrive before the hooks are in. */
	ret = rf_nl_init();
	if (ret)
		goto err_nl;
	pr_info("version %s loaded\n", REGFILTER_VERSION);
#ifdef REGFILTER_FAULT_LOCKUP
	/* Last: hooking (ftrace's text patching) needs every CPU. */
	pr_err("built with REGFILTER_FAULT_LOCKUP for the test rig, a thread spins with interrupts off\n");
	rf_fault_thread = kthread_run(rf_fault_lockup, NULL, "rf_fault_lockup");
	if (!IS_ERR(rf_fault_thread))
		get_task_struct(rf_fault_thread);
#endif
	return 0;

err_nl:
	rf_hook_exit();
err_hook:
	rf_vm_exit();
	return ret;
}

static void __exit regfilter_exit(void)
{
#ifdef REGFILTER_FAULT_LOCKUP
	if (!IS_ERR(rf_fault_thread)) {
		kthread_stop(rf_fault_thread);
		put_task_struct(rf_fault_thread);
	}
#endif
	rf_nl_exit();
	rf_hook_exit();
	rf_vm_exit();
	pr_info("unloaded\n");
}

module_init(regfilter_init);
module_exit(regfilter_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-VM register visibility filter for arm64 KVM");
MODULE_AUTHOR("The regfilter authors");
MODULE_VERSION(REGFILTER_VERSION);
MODULE_ALIAS_GENL_FAMILY(KVM_REGFILTER_FAMILY_NAME);

// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_regfilter: per-VM register visibility filter for arm64 KVM.
 *
 * This file only loads and unloads the module: filter.c is the filter's
 * logic, regs.c what the filtered register ioctls do, vm.c the bindings
 * and per-VM state, hook.c how KVM is intercepted, netlink.c the
 * configuration interface.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "hook.h"
#include "netlink.h"
#include "vm.h"

#ifndef REGFILTER_VERSION
#define REGFILTER_VERSION "0.1"
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
	return 0;

err_nl:
	rf_hook_exit();
err_hook:
	rf_vm_exit();
	return ret;
}

static void __exit regfilter_exit(void)
{
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

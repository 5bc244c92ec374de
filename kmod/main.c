// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_regfilter: per-VM register visibility filter for arm64 KVM.
 *
 * This file only loads and unloads the module; the filter itself, the hooks
 * into KVM's register ioctls and the netlink family live in files of their
 * own.
 */

#include <linux/module.h>
#include <linux/kvm_host.h>

#ifndef REGFILTER_VERSION
#define REGFILTER_VERSION "0.1"
#endif

static int __init regfilter_init(void)
{
#ifdef REGFILTER_FAULT_INIT
	pr_err("built with REGFILTER_FAULT_INIT for the test rig, refusing to load\n");
	return -EINVAL;
#endif
#ifdef REGFILTER_FAULT_WARN
	WARN(1, "built with REGFILTER_FAULT_WARN for the test rig\n");
#endif
	pr_info("version %s loaded\n", REGFILTER_VERSION);
	return 0;
}

static void __exit regfilter_exit(void)
{
	pr_info("unloaded\n");
}

module_init(regfilter_init);
module_exit(regfilter_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Per-VM register visibility filter for arm64 KVM");
MODULE_AUTHOR("The regfilter authors");
MODULE_VERSION(REGFILTER_VERSION);

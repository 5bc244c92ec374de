/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels the module supports (Debian's 6.1, 6.12
 * and 7.x), found by feature where a header says it, by version where
 * nothing else does.
 */
#ifndef _KVM_REGFILTER_COMPAT_H
#define _KVM_REGFILTER_COMPAT_H

#include <linux/version.h>
#include <linux/ftrace.h>
#include <linux/kvm_host.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "kvm_regfilter supports Linux 6.1 and later"
#endif
#ifndef CONFIG_ARM64
#error "kvm_regfilter is for arm64 KVM hosts"
#endif
#if !defined(CONFIG_KVM) || !defined(CONFIG_DYNAMIC_FTRACE) || !defined(CONFIG_KPROBES)
#error "kvm_regfilter needs CONFIG_KVM, CONFIG_DYNAMIC_FTRACE and CONFIG_KPROBES"
#endif

/* 6.1: a static function in arm.c; 6.12 on: a vcpu flag. */
#ifdef kvm_vcpu_initialized
#define rf_vcpu_initialized(v)	kvm_vcpu_initialized(v)
#else
#define rf_vcpu_initialized(v)	((v)->arch.target >= 0)
#endif

/*
 * The first argument of a function that ftrace calls us for.  6.12 and 7.x
 * have DYNAMIC_FTRACE_WITH_ARGS (always saved); 6.1 on arm64 has only
 * WITH_REGS and needs FTRACE_OPS_FL_SAVE_REGS for the registers.
 */
#ifdef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
#define RF_FTRACE_OPS_FLAGS	0
static inline unsigned long rf_ftrace_arg0(struct ftrace_regs *fregs)
{
	return ftrace_regs_get_argument(fregs, 0);
}
#else
#define RF_FTRACE_OPS_FLAGS	FTRACE_OPS_FL_SAVE_REGS
static inline unsigned long rf_ftrace_arg0(struct ftrace_regs *fregs)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);

	return regs ? regs->regs[0] : 0;
}
#endif

/* 6.2 moved a dump's parsed attributes into a struct genl_info. */
#include <net/genetlink.h>
static inline struct nlattr **rf_dumpit_attrs(struct netlink_callback *cb)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

#endif

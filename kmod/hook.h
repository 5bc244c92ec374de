/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KVM_REGFILTER_HOOK_H
#define _KVM_REGFILTER_HOOK_H

#include <linux/fs.h>
#include <linux/pid.h>

struct kvm;

int rf_hook_init(void);
void rf_hook_exit(void);

/* KVM's own vcpu ioctl, for the filter to call through. */
long rf_kvm_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* Route the process's existing vcpu files through the filter. */
void rf_hook_attach_task(struct pid *pid);
/* Route the process's vcpu files of this VM only. */
void rf_hook_attach_vm(struct pid *pid, const struct kvm *kvm);
/* Does the process have initialised vcpus the filter has not seen? */
bool rf_hook_task_used_vcpus(struct pid *pid);

/* ptrace_may_access(), which is not exported, or NULL. */
extern bool (*rf_ptrace_may_access)(struct task_struct *task, unsigned int mode);

/* Implemented in regs.c: the filtered vcpu ioctl. */
long rf_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif

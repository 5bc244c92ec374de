// SPDX-License-Identifier: GPL-2.0
/*
 * How the filter gets into KVM's register API on an unmodified kernel.
 * This is the only file that knows.
 *
 * KVM serves every vcpu ioctl through one table, kvm_vcpu_fops, whose
 * unlocked_ioctl is kvm_vcpu_ioctl().  For the vcpus of a process that has
 * a profile (its own, or the host default), and every vcpu of a VM the
 * module already keeps state for, and only for those, the module points
 * the vcpu file's f_op at
 * a copy of that table that differs in two fields:
 *
 *  - unlocked_ioctl is rf_vcpu_ioctl() (regs.c), which handles
 *    KVM_GET_REG_LIST, KVM_GET_ONE_REG, KVM_SET_ONE_REG and
 *    KVM_ARM_VCPU_INIT and hands every other ioctl, KVM_RUN included,
 *    straight to kvm_vcpu_ioctl();
 *  - owner is this module, so every such file holds a module reference
 *    (dropped by fops_put() when the file is released).
 *
 * Nothing traps on a register access.  VMs of processes without a profile
 * never pass through the module; for filtered VMs the run path costs one
 * extra indirect call per KVM_RUN.  The swap itself is a single pointer
 * store on a file that stays referenced (it is in its process's file
 * table, whose lock we hold): a concurrent ioctl sees the old table or the
 * new one, and both are complete.
 *
 * Vcpu files are found at two moments, neither on a hot path:
 *  - when a bound process, or any process while a host default is set,
 *    creates a vcpu: an ftrace callback on
 *    kvm_arch_vcpu_postcreate(), which KVM calls in KVM_CREATE_VCPU after
 *    installing the fd and before returning it to userspace, finds the new
 *    file in the caller's file table and swaps it;
 *  - when a process is bound: its file table is walked (iterate_fd) and
 *    every vcpu file in it is swapped.
 * A second ftrace callback, on kvm_arch_destroy_vm(), frees the VM's
 * filter state.  Vcpu files are recognised by their f_op->unlocked_ioctl
 * being kvm_vcpu_ioctl, a static function found through kallsyms.
 *
 * Requirements: CONFIG_DYNAMIC_FTRACE (Debian: yes), CONFIG_KPROBES (only
 * to find kallsyms_lookup_name, which is not exported), and the three
 * symbols above.  If any is missing, or ftrace refuses a callback, the
 * module refuses to load and says which.  KVM_RUN and every other vcpu
 * ioctl keep KVM's code; if a future KVM changed how its vcpu ioctls are
 * dispatched, the checks below (the symbol, the table's ioctl field) fail
 * and the module does not load.
 *
 * Unloading: while any filtered vcpu file is open, the module is in use
 * and rmmod fails with EBUSY; close the VMs (or their processes) first.
 * Bindings alone do not hold the module: once rmmod has begun, a swap
 * fails to take its reference (try_module_get) and leaves the file on
 * KVM's table, so no file can point into a module being freed.  After a
 * profile is cleared, its VMs' files stay routed through the module,
 * which then passes every ioctl through unchanged.
 *
 * Every table a process has is walked: its threads may have their own
 * (unshare(CLONE_FILES)), and its group leader may have exited.  At load,
 * KVM's vcpu table (kvm_vcpu_fops, where kallsyms has data symbols) must
 * dispatch through kvm_vcpu_ioctl, or the module refuses to load rather
 * than recognise no vcpu file and filter nothing.
 */
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/sched/task.h>

#include "compat.h"
#include "hook.h"
#include "vm.h"

static long (*kvm_vcpu_ioctl_fn)(struct file *, unsigned int, unsigned long);
bool (*rf_ptrace_may_access)(struct task_struct *task, unsigned int mode);

/*
 * KVM's vcpu table (captured from the first vcpu file) and our copy, which
 * cannot be const: it is made from KVM's at run time.
 */
static const struct file_operations *kvm_vcpu_fops_p;
static struct file_operations rf_vcpu_fops;
static DEFINE_SPINLOCK(rf_fops_lock);

long rf_kvm_vcpu_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return kvm_vcpu_fops_p->unlocked_ioctl(file, cmd, arg);
}

static bool rf_is_kvm_vcpu_file(const struct file *file)
{
	return file->f_op->unlocked_ioctl == kvm_vcpu_ioctl_fn;
}

static void rf_fops_setup(const struct file_operations *kvm_fops)
{
	spin_lock(&rf_fops_lock);
	if (!kvm_vcpu_fops_p) {
		rf_vcpu_fops = *kvm_fops;
		rf_vcpu_fops.owner = THIS_MODULE;
		rf_vcpu_fops.unlocked_ioctl = rf_vcpu_ioctl;
		/* Release: a reader of the pointer sees the copy complete. */
		smp_store_release(&kvm_vcpu_fops_p, kvm_fops);
	}
	spin_unlock(&rf_fops_lock);
}

/*
 * Route one vcpu file through the filter; under a file_lock of a table
 * that holds it.  A file may be in several tables (SCM_RIGHTS, fork), and
 * walked from two at once: the compare-and-swap makes one of them the
 * swapper, so the file holds exactly one module reference, which
 * fops_put() drops when it is released.
 */
static void rf_swap_fops(struct file *file)
{
	const struct file_operations *kvm_fops = file->f_op;

	rf_fops_setup(kvm_fops);
	/* Acquire: pairs with rf_fops_setup(); rf_vcpu_fops is filled. */
	if (kvm_fops != smp_load_acquire(&kvm_vcpu_fops_p))
		return;
	/* Unloading: the file stays KVM's, as if the module were gone. */
	if (!try_module_get(THIS_MODULE))
		return;
	/* Release: an ioctl through the new table sees rf_vcpu_fops filled. */
	if (cmpxchg_release(&file->f_op, kvm_fops, &rf_vcpu_fops) != kvm_fops)
		module_put(THIS_MODULE);
}

static int rf_match_new_vcpu(const void *vcpu, struct file *file, unsigned int fd)
{
	if (file->private_data != vcpu || !rf_is_kvm_vcpu_file(file))
		return 0;
	rf_swap_fops(file);
	return fd + 1;
}

/* In KVM_CREATE_VCPU, before the fd reaches userspace. */
static void notrace rf_postcreate(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct kvm_vcpu *vcpu = (struct kvm_vcpu *)rf_ftrace_arg0(fregs);
	bool bound;

	if (!vcpu || !current->files)
		return;
	/* Pairs with rf_vm_get()'s: see there. */
	smp_mb();
	rcu_read_lock();
	bound = rf_filtered_rcu(task_tgid(current)) || rf_vm_find_rcu(vcpu->kvm);
	rcu_read_unlock();
	/*
	 * KVM installed the fd in this table just before: not finding it
	 * means another thread closed it already, or KVM changed; either
	 * way the vcpu is not filtered, and that is said.
	 */
	if (bound && !iterate_fd(current->files, 0, rf_match_new_vcpu, vcpu))
		pr_warn_ratelimited("pid %d: a new vcpu was not found in its file table; it is not filtered\n",
				    task_tgid_nr(current));
}

static void notrace rf_destroy_vm(unsigned long ip, unsigned long parent_ip,
				  struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct kvm *kvm = (struct kvm *)rf_ftrace_arg0(fregs);

	if (kvm)
		rf_vm_destroyed(kvm);
}

static struct ftrace_ops rf_postcreate_ops = {
	.func = rf_postcreate,
	.flags = RF_FTRACE_OPS_FLAGS | FTRACE_OPS_FL_PERMANENT,
};

static struct ftrace_ops rf_destroy_ops = {
	.func = rf_destroy_vm,
	.flags = RF_FTRACE_OPS_FLAGS | FTRACE_OPS_FL_PERMANENT,
};

struct rf_walk {
	bool used;
	bool attach;
	const struct kvm *kvm;		/* only this VM's vcpus, if set */
};

static int rf_walk_file(const void *data, struct file *file, unsigned int fd)
{
	struct rf_walk *w = (struct rf_walk *)data;
	struct kvm_vcpu *vcpu;

	if (!rf_is_kvm_vcpu_file(file))
		return 0;
	vcpu = file->private_data;
	if (w->kvm && vcpu->kvm != w->kvm)
		return 0;
	if (rf_vcpu_initialized(vcpu))
		w->used = true;
	if (w->attach)
		rf_swap_fops(file);
	return 0;
}

/*
 * Every file table of the process: threads may have their own
 * (unshare(CLONE_FILES)), and an exited group leader has none.
 */
static void rf_walk_task(struct pid *pid, struct rf_walk *w)
{
	struct task_struct *leader = get_pid_task(pid, PIDTYPE_TGID);
	struct files_struct *last = NULL;
	struct task_struct *t;

	if (!leader)
		return;
	rcu_read_lock();
	for_each_thread(leader, t) {
		/* task_lock keeps t->files from going away under exit_files(). */
		task_lock(t);
		if (t->files && t->files != last) {
			iterate_fd(t->files, 0, rf_walk_file, w);
			last = t->files;
		}
		task_unlock(t);
	}
	rcu_read_unlock();
	put_task_struct(leader);
}

void rf_hook_attach_task(struct pid *pid)
{
	struct rf_walk w = { .attach = true };

	rf_walk_task(pid, &w);
}

void rf_hook_attach_vm(struct pid *pid, const struct kvm *kvm)
{
	struct rf_walk w = { .attach = true, .kvm = kvm };

	rf_walk_task(pid, &w);
}

bool rf_hook_task_used_vcpus(struct pid *pid)
{
	struct rf_walk w = { .attach = false };

	rf_walk_task(pid, &w);
	return w.used;
}

/*
 * kallsyms_lookup_name() is not exported: a kprobe on it, never armed,
 * tells its address.
 */
static unsigned long rf_lookup(const char *name)
{
	static unsigned long (*lookup)(const char *name);
	struct kprobe kp = { .symbol_name = "kallsyms_lookup_name" };

	if (!lookup) {
		if (register_kprobe(&kp) < 0)
			return 0;
		lookup = (void *)kp.addr;
		unregister_kprobe(&kp);
	}
	return lookup(name);
}

static int rf_ftrace_on(struct ftrace_ops *ops, const char *func)
{
	int ret;

	ret = ftrace_set_filter(ops, (unsigned char *)func, strlen(func), 1);
	if (ret) {
		pr_err("cannot trace %s (%d): this kernel cannot be hooked safely\n",
		       func, ret);
		return ret;
	}
	ret = register_ftrace_function(ops);
	if (ret)
		pr_err("ftrace refused a callback on %s (%d)%s\n", func, ret,
		       ret == -EBUSY ? ", is ftrace disabled (kernel.ftrace_enabled)?" : "");
	return ret;
}

int rf_hook_init(void)
{
	const struct file_operations *kvm_fops;
	int ret;

	kvm_vcpu_ioctl_fn = (void *)rf_lookup("kvm_vcpu_ioctl");
	if (!kvm_vcpu_ioctl_fn) {
		pr_err("kvm_vcpu_ioctl not found in kallsyms (needs CONFIG_KPROBES and CONFIG_KALLSYMS); refusing to load\n");
		return -ENOENT;
	}
	/*
	 * Vcpu files are recognised by KVM's vcpu table dispatching through
	 * kvm_vcpu_ioctl: check that it does, rather than fail open.
	 */
	kvm_fops = (void *)rf_lookup("kvm_vcpu_fops");
	if (kvm_fops && kvm_fops->unlocked_ioctl != kvm_vcpu_ioctl_fn) {
		pr_err("kvm_vcpu_fops does not dispatch through kvm_vcpu_ioctl: this KVM cannot be hooked safely; refusing to load\n");
		return -ENOENT;
	}
	if (kvm_fops)
		rf_fops_setup(kvm_fops);
	else
		pr_info("kvm_vcpu_fops not in kallsyms (CONFIG_KALLSYMS_ALL); KVM's vcpu table is taken from the first vcpu file\n");
	rf_ptrace_may_access = (void *)rf_lookup("ptrace_may_access");
	if (!rf_ptrace_may_access)
		pr_warn("ptrace_may_access not found: only CAP_SYS_ADMIN may configure processes\n");

	ret = rf_ftrace_on(&rf_destroy_ops, "kvm_arch_destroy_vm");
	if (ret)
		goto err_destroy;
	ret = rf_ftrace_on(&rf_postcreate_ops, "kvm_arch_vcpu_postcreate");
	if (ret)
		goto err_postcreate;
	return 0;

err_postcreate:
	unregister_ftrace_function(&rf_destroy_ops);
err_destroy:
	ftrace_free_filter(&rf_destroy_ops);
	ftrace_free_filter(&rf_postcreate_ops);
	return ret;
}

/*
 * Only reached with no filtered vcpu file open (each holds a module
 * reference), so no rf_vcpu_ioctl() is running or can start.
 */
void rf_hook_exit(void)
{
	unregister_ftrace_function(&rf_postcreate_ops);
	unregister_ftrace_function(&rf_destroy_ops);
	ftrace_free_filter(&rf_postcreate_ops);
	ftrace_free_filter(&rf_destroy_ops);
}

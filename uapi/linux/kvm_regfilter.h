/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/kvm_regfilter.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_KVM_REGFILTER_H
#define _UAPI_LINUX_KVM_REGFILTER_H

#define KVM_REGFILTER_FAMILY_NAME	"kvm_regfilter"
#define KVM_REGFILTER_FAMILY_VERSION	1

#define KVM_REGFILTER_MAX_ENTRIES		1024
#define KVM_REGFILTER_MAX_BINDINGS		1024
#define KVM_REGFILTER_MAX_BINDINGS_PER_USER	256
#define KVM_REGFILTER_ADMIN_RESERVE		64
#define KVM_REGFILTER_DESCRIPTION_LEN		128

/**
 * enum kvm_regfilter_action - What an entry does with its register.
 * @KVM_REGFILTER_ACTION_HIDE: Leave the register out of KVM_GET_REG_LIST; its
 *   accesses fail as for a register the kernel does not have (ENOENT). A no-op
 *   where the vcpu does not have the register.
 * @KVM_REGFILTER_ACTION_FAKE: List the register and serve it from the module
 *   with the entry's value (the write policy decides what a write does). A
 *   no-op, reported as shadowed, where KVM really provides it.
 * @KVM_REGFILTER_ACTION_PIN: Set the real register to the entry's value
 *   through KVM's own set path when the vcpu is initialised, before userspace
 *   can read it. Reported, not applied, where the vcpu does not have it or KVM
 *   refuses the value.
 */
enum kvm_regfilter_action {
	KVM_REGFILTER_ACTION_HIDE,
	KVM_REGFILTER_ACTION_FAKE,
	KVM_REGFILTER_ACTION_PIN,
};

/**
 * enum kvm_regfilter_policy - How a fake register takes KVM_SET_ONE_REG.
 * @KVM_REGFILTER_POLICY_KEEP: Store any value per vcpu; later reads return it.
 * @KVM_REGFILTER_POLICY_STRICT: Refuse (EINVAL, and an event) any value but
 *   the entry's.
 */
enum kvm_regfilter_policy {
	KVM_REGFILTER_POLICY_KEEP,
	KVM_REGFILTER_POLICY_STRICT,
};

/**
 * enum kvm_regfilter_set_flags - Flags of set-profile, clear-profile,
 *   set-default and clear-default.
 * @KVM_REGFILTER_SET_FLAGS_FORCE: Change the profile even of a VM that has
 *   already handed out its register list.
 */
enum kvm_regfilter_set_flags {
	KVM_REGFILTER_SET_FLAGS_FORCE = 1,
};

/**
 * enum kvm_regfilter_state - What became of an entry in one VM.
 * @KVM_REGFILTER_STATE_PENDING: Not evaluated yet (the VM has not used its
 *   registers).
 * @KVM_REGFILTER_STATE_APPLIED: In effect.
 * @KVM_REGFILTER_STATE_GUARD_FAILED: Its guard did not hold, or its guard
 *   register could not be read.
 * @KVM_REGFILTER_STATE_SHADOWED: A fake of a register that KVM provides; the
 *   real one wins.
 * @KVM_REGFILTER_STATE_ABSENT: A hide or pin of a register this vcpu does not
 *   have.
 * @KVM_REGFILTER_STATE_REFUSED: A pin whose value KVM refused; the VM keeps
 *   its own value.
 */
enum kvm_regfilter_state {
	KVM_REGFILTER_STATE_PENDING,
	KVM_REGFILTER_STATE_APPLIED,
	KVM_REGFILTER_STATE_GUARD_FAILED,
	KVM_REGFILTER_STATE_SHADOWED,
	KVM_REGFILTER_STATE_ABSENT,
	KVM_REGFILTER_STATE_REFUSED,
};

/**
 * enum kvm_regfilter_event - Kinds of event on the events multicast group.
 * @KVM_REGFILTER_EVENT_STRICT_WRITE_REFUSED: A write of another value to a
 *   strict fake was refused.
 * @KVM_REGFILTER_EVENT_GUARD_FAILED: An entry was not applied because its
 *   guard did not hold.
 * @KVM_REGFILTER_EVENT_SHADOWED: A fake is not applied because KVM provides
 *   the register.
 * @KVM_REGFILTER_EVENT_PIN_ABSENT: A pin is not applied because the vcpu lacks
 *   the register.
 * @KVM_REGFILTER_EVENT_PIN_REFUSED: KVM refused a pinned value, or the module
 *   refused one that KVM would take but cannot handle (error EOPNOTSUPP:
 *   ID_AA64DFR0_EL1.PMUVer 0 on a vcpu with a PMU); the VM keeps its own
 *   value.
 * @KVM_REGFILTER_EVENT_DEFAULT_SET: The host default was set or replaced (pid:
 *   who set it; reg: its number of entries).
 * @KVM_REGFILTER_EVENT_DEFAULT_CLEARED: The host default was cleared (its pid
 *   attribute, who cleared it).
 */
enum kvm_regfilter_event {
	KVM_REGFILTER_EVENT_STRICT_WRITE_REFUSED,
	KVM_REGFILTER_EVENT_GUARD_FAILED,
	KVM_REGFILTER_EVENT_SHADOWED,
	KVM_REGFILTER_EVENT_PIN_ABSENT,
	KVM_REGFILTER_EVENT_PIN_REFUSED,
	KVM_REGFILTER_EVENT_DEFAULT_SET,
	KVM_REGFILTER_EVENT_DEFAULT_CLEARED,
};

enum {
	KVM_REGFILTER_A_GUARD_REG = 1,
	KVM_REGFILTER_A_GUARD_MASK,
	KVM_REGFILTER_A_GUARD_VALUE,

	__KVM_REGFILTER_A_GUARD_MAX,
	KVM_REGFILTER_A_GUARD_MAX = (__KVM_REGFILTER_A_GUARD_MAX - 1)
};

enum {
	KVM_REGFILTER_A_ENTRY_REG = 1,
	KVM_REGFILTER_A_ENTRY_ACTION,
	KVM_REGFILTER_A_ENTRY_VALUE,
	KVM_REGFILTER_A_ENTRY_POLICY,
	KVM_REGFILTER_A_ENTRY_GUARD,
	KVM_REGFILTER_A_ENTRY_STATE,
	KVM_REGFILTER_A_ENTRY_MASK,

	__KVM_REGFILTER_A_ENTRY_MAX,
	KVM_REGFILTER_A_ENTRY_MAX = (__KVM_REGFILTER_A_ENTRY_MAX - 1)
};

enum {
	KVM_REGFILTER_A_VM_ID = 1,
	KVM_REGFILTER_A_VM_VCPUS,
	KVM_REGFILTER_A_VM_SEALED,
	KVM_REGFILTER_A_VM_HIDDEN_REFUSED,
	KVM_REGFILTER_A_VM_FAKE_READS,
	KVM_REGFILTER_A_VM_FAKE_WRITES,
	KVM_REGFILTER_A_VM_STRICT_REFUSED,
	KVM_REGFILTER_A_VM_PINS_APPLIED,
	KVM_REGFILTER_A_VM_ENTRY,

	__KVM_REGFILTER_A_VM_MAX,
	KVM_REGFILTER_A_VM_MAX = (__KVM_REGFILTER_A_VM_MAX - 1)
};

enum {
	KVM_REGFILTER_A_PID = 1,
	KVM_REGFILTER_A_FLAGS,
	KVM_REGFILTER_A_DESCRIPTION,
	KVM_REGFILTER_A_ENTRY,
	KVM_REGFILTER_A_VM,
	KVM_REGFILTER_A_EVENT,
	KVM_REGFILTER_A_EVENT_VM,
	KVM_REGFILTER_A_REG,
	KVM_REGFILTER_A_VALUE,
	KVM_REGFILTER_A_ERROR,

	__KVM_REGFILTER_A_MAX,
	KVM_REGFILTER_A_MAX = (__KVM_REGFILTER_A_MAX - 1)
};

enum {
	KVM_REGFILTER_CMD_SET_PROFILE = 1,
	KVM_REGFILTER_CMD_GET_PROFILE,
	KVM_REGFILTER_CMD_CLEAR_PROFILE,
	KVM_REGFILTER_CMD_GET_BINDINGS,
	KVM_REGFILTER_CMD_GET_VMS,
	KVM_REGFILTER_CMD_EVENT,
	KVM_REGFILTER_CMD_SET_DEFAULT,
	KVM_REGFILTER_CMD_GET_DEFAULT,
	KVM_REGFILTER_CMD_CLEAR_DEFAULT,

	__KVM_REGFILTER_CMD_MAX,
	KVM_REGFILTER_CMD_MAX = (__KVM_REGFILTER_CMD_MAX - 1)
};

#define KVM_REGFILTER_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_KVM_REGFILTER_H */

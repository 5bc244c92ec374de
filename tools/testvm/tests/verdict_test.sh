#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host unit test of the rig's judge (vm_verdict, boot.sh): synthetic
# console logs in, results out.  A test program that prints fewer (or
# more) results than its own plan fails, a skipped program is a skip, a
# report in the kernel log fails.  Prints TAP.
set -u
DIR=$(cd "$(dirname "$0")/.." && pwd)
T0=$(date +%s)
count() { grep -c -- "$1" "$2" || true; }
. "$DIR/boot.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$QMP_DIR"' EXIT
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# judge NAME: vm_verdict of $tmp/NAME (the console log given on stdin).
judge() {
	cat >"$tmp/$1"
	vm_verdict "$tmp/$1" 6.12 vhe "$tmp/$1.results" >/dev/null 2>&1
	[ -s "$tmp/$1.results" ] || echo "# no results for $1" >&2
}

# has NAME KIND TEXT: a result of that kind whose line holds TEXT.
has() {
	grep -P "^$2\t" "$tmp/$1.results" | grep -qF -- "$3"
}

head='@@@ init 6.12.118 up 1.2s run=tests
@@@ kvm ok: VHE mode initialized successfully
@@@ module loaded
TAP version 13
1..1
# selftests: regfilter: t'
tail='@@@ module unloaded
@@@ done'

judge short <<EOF2
$head
# 1..3
# ok 1 a
# ok 2 b
ok 1 selftests: regfilter: t
$tail
EOF2
if has short fail "t	planned 3 results, reported 2"; then
	ok "a program that reports fewer results than it planned fails"
else
	nok "a program that reports fewer results than it planned fails"
	sed 's/^/# /' "$tmp/short.results"
fi

judge whole <<EOF2
$head
# 1..2
# ok 1 a
# ok 2 b
ok 1 selftests: regfilter: t
$tail
EOF2
if ! grep -q '^fail' "$tmp/whole.results" && has whole pass "t.a"; then
	ok "a program that reports its plan passes"
else
	nok "a program that reports its plan passes"
	sed 's/^/# /' "$tmp/whole.results"
fi

judge skipped <<EOF2
$head
# 1..7
# ok 1 # SKIP not installed
ok 1 selftests: regfilter: t # SKIP
$tail
EOF2
if has skipped skip "t" && ! grep -q '^fail' "$tmp/skipped.results"; then
	ok "a program skipped as a whole is not held to its plan"
else
	nok "a program skipped as a whole is not held to its plan"
	sed 's/^/# /' "$tmp/skipped.results"
fi

judge oops <<EOF2
$head
# 1..1
# ok 1 a
[   12.5] BUG: KASAN: slab-use-after-free in rf_vm_put+0x10/0x20
ok 1 selftests: regfilter: t
$tail
EOF2
if has oops fail "kernel log clean"; then
	ok "a KASAN report fails the kernel log check"
else
	nok "a KASAN report fails the kernel log check"
	sed 's/^/# /' "$tmp/oops.results"
fi

# warn_known: the one WARN of emulated 7.2 a retry may pass over.
warn_block() {
	cat <<EOF2
[   11.812621] WARNING: arch/arm64/kvm/debug.c:157 at kvm_vcpu_load_debug+0x190/0x230, CPU#1: qemu-system-aar/152
[   11.812700] Modules linked in: kvm_regfilter(O)
[   11.812800] pc : kvm_vcpu_load_debug+0x190/0x230
[   11.812900] Call trace:
[   11.813000]  kvm_vcpu_load_debug+0x190/0x230 (P)
[   11.813100]  kvm_arch_vcpu_load+0x1a4/0x2e0
[   11.813200]  kvm_sched_in+0x38/0x50
[   11.813300]  finish_task_switch.isra.0+0x1c8/0x2c0${1:+
$1}
[   11.813400]  kvm_arch_vcpu_ioctl_run+0x1e0/0x8b0
[   11.813500]  kvm_vcpu_ioctl+0x3a8/0x9e0
[   11.813600]  rf_vcpu_ioctl+0x48/0x90 [kvm_regfilter]
[   11.813700]  __arm64_sys_ioctl+0xb4/0x100
[   11.813800] ---[ end trace 0000000000000000 ]---
EOF2
}
wk() { warn_known "$tmp/$1" >/dev/null; }

{ echo "$head"; warn_block; echo "@@@ dmesg begin"; warn_block; echo "@@@ dmesg end"; } >"$tmp/wk1"
if wk wk1 && [ "$(warn_known "$tmp/wk1")" = "arch/arm64/kvm/debug.c:157 at kvm_vcpu_load_debug+0x190/0x230, CPU#1: qemu-system-aar/152" ]; then
	ok "KVM's vcpu load WARN, the module only calling kvm_vcpu_ioctl, is the known one"
else
	nok "KVM's vcpu load WARN, the module only calling kvm_vcpu_ioctl, is the known one"
fi
{ echo "$head"; warn_block "[   11.813350]  rf_something+0x10/0x20 [kvm_regfilter]"; } >"$tmp/wk2"
if ! wk wk2; then
	ok "a module frame on KVM's side of the trace makes the WARN not the known one"
else
	nok "a module frame on KVM's side of the trace makes the WARN not the known one"
fi
{ echo "$head"; warn_block; echo "[   12.1] WARNING: kmod/regs.c:100 at rf_vm_put+0x10/0x20"; } >"$tmp/wk3"
if ! wk wk3; then
	ok "another WARNING beside the known one is not passed over"
else
	nok "another WARNING beside the known one is not passed over"
fi
{ echo "$head"; warn_block; warn_block | sed 's/11\.812621/13.000001/'; } >"$tmp/wk4"
if ! wk wk4; then
	ok "the known WARN twice (two VMs) is not passed over"
else
	nok "the known WARN twice (two VMs) is not passed over"
fi
{ echo "$head"; warn_block | grep -v kvm_arch_vcpu_load; } >"$tmp/wk5"
{ echo "$head"; echo "[   12.5] BUG: KASAN: slab-use-after-free in rf_vm_put+0x10/0x20"; } >"$tmp/wk6"
if ! wk wk5 && ! wk wk6; then
	ok "a WARN at that line by another path, or a KASAN report, is not the known one"
else
	nok "a WARN at that line by another path, or a KASAN report, is not the known one"
fi

printf 'fail\th: kernel log clean\t[ 1.0] WARNING: x\npass\th: module loaded\t\n' |
	results_skipped "KVM warned arch/arm64/kvm/debug.c:157 at kvm_vcpu_load_debug" >"$tmp/rs"
if [ "$(grep -c '^skip' "$tmp/rs")" = 2 ] && ! grep -q '^pass\|^fail' "$tmp/rs" &&
	grep -qF 'h: kernel log clean (first attempt)	emulated host fault, retried: KVM warned arch/arm64/kvm/debug.c:157 at kvm_vcpu_load_debug; [ 1.0] WARNING: x' "$tmp/rs"; then
	ok "a voided attempt's results become skips that keep the reason (a path with slashes too)"
else
	nok "a voided attempt's results become skips that keep the reason (a path with slashes too)"
	sed 's/^/# /' "$tmp/rs"
fi

# known_fault: a lockup counts only with the known dump and its emulator ended.
printf '@@@ init\n[ 26.8] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:\n' >"$tmp/kf.txt"
echo "cpu 1 sample 2: PSTATE=004003c9 EL2h PC=ffff800080099d8c __guest_exit_panic+0x0" >"$tmp/kf.cpus"
echo ended >"$tmp/kf.stopped"
a=$(known_fault "$tmp/kf")
echo "not stopped" >"$tmp/kf.stopped"
if [ -n "$a" ] && ! known_fault "$tmp/kf" >/dev/null; then
	ok "a lockup is the known fault only with KVM's EL2 panic loop and its emulator ended"
else
	nok "a lockup is the known fault only with KVM's EL2 panic loop and its emulator ended"
fi
# The same loop sampled where none of the four samples is in
# __guest_exit_panic (seen in a run): still the known one.
cat >"$tmp/kl.cpus" <<EOF2
cpu 0 sample 0: PSTATE=004003c9 EL2h PC=ffff8000800df004 __guest_exit+0x8 LR=0000000040080124
cpu 0 sample 1: PSTATE=004003c9 EL2h PC=ffff8000800df000 __guest_exit+0x4 LR=0000000040080124
cpu 0 sample 2: PSTATE=604003c9 EL2h PC=ffff8000800df8d4 el2_sync+0x30 LR=0000000040080124
cpu 0 sample 3: PSTATE=004003c9 EL2h PC=ffff8000800def94 __guest_exit_restore_elr_and_panic+0x0 LR=0000000040080124
EOF2
cp "$tmp/kf.txt" "$tmp/kl.txt"
echo ended >"$tmp/kl.stopped"
sed 's/__guest_exit_restore_elr_and_panic+0x0/default_idle_call+0x34/' "$tmp/kl.cpus" >"$tmp/kn.cpus"
cp "$tmp/kf.txt" "$tmp/kn.txt"
echo ended >"$tmp/kn.stopped"
if known_fault "$tmp/kl" >/dev/null && ! known_fault "$tmp/kn" >/dev/null; then
	ok "the EL2 panic loop sampled outside __guest_exit_panic is known; without a panic-path frame it is not"
else
	nok "the EL2 panic loop sampled outside __guest_exit_panic is known; without a panic-path frame it is not"
fi
echo ended >"$tmp/kf.stopped"
echo "cpu 1 frame 0: ffff800081000000 (module text)" >>"$tmp/kf.cpus"
{ echo "$head"; warn_block; } >"$tmp/kw.txt"
if ! known_fault "$tmp/kf" >/dev/null && known_fault "$tmp/kw" | grep -q "^KVM warned arch/arm64/kvm/debug.c:157"; then
	ok "a lockup with a module frame is not the known fault; the known WARN is"
else
	nok "a lockup with a module frame is not the known fault; the known WARN is"
fi

echo "1..$n"
[ "$failed" = 0 ]

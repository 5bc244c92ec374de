#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# MODULE_ALIAS_GENL_FAMILY: with kvm_regfilter not loaded, resolving the
# family (regctl, through libnl's CTRL_CMD_GETFAMILY) makes the kernel load
# it: genetlink's request_module("net-pf-16-proto-16-family-kvm_regfilter")
# runs /proc/sys/kernel/modprobe, which finds the alias in modules.alias.
# Needs the module installed under /lib/modules/$(uname -r) with depmod's
# files (the test hosts' initramfs has them) and regctl in PATH; leaves the
# module loaded, as it found it (from $REGFILTER_KO if need be).

KO=${REGFILTER_KO:-/regfilter/kvm_regfilter.ko}
MODPROBE=/proc/sys/kernel/modprobe
MD=/lib/modules/$(uname -r)
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }
loaded() { grep -q '^kvm_regfilter ' /proc/modules; }

echo "TAP version 13"
echo "1..7"

if ! grep -q 'kvm_regfilter\.ko' "$MD/modules.dep" 2>/dev/null; then
	echo "ok 1 # SKIP kvm_regfilter is not installed in $MD (no modules.dep entry)"
	exit 4
fi
check "depmod's modules.alias has the family's alias" \
	"grep -q 'net-pf-16-proto-16-family-kvm_regfilter kvm_regfilter' '$MD/modules.alias'"
path=$(cat "$MODPROBE")
check "the kernel's modprobe ($path) exists" '[ -x "$path" ]'

# Not loaded to begin with.
if loaded; then
	rmmod kvm_regfilter || echo "# rmmod kvm_regfilter failed"
fi
check "the module is not loaded" '! loaded'

# With the kernel's module loading off, nothing else loads it: regctl says
# so, and the module is still not loaded afterwards.
echo >"$MODPROBE"
regctl list >/dev/null 2>&1
rc=$?
check "auto-loading off: regctl list exits 3 (not loaded)" '[ "$rc" = 3 ]'
check "auto-loading off: the module is still not loaded" '! loaded'
echo "$path" >"$MODPROBE"

# On: resolving the family loads it, and regctl works.
regctl list >/dev/null 2>&1
rc=$?
check "auto-loading on: regctl list exits 0" '[ "$rc" = 0 ]'
check "auto-loading on: resolving the family loaded the module" 'loaded'

loaded || insmod "$KO"
[ "$failed" = 0 ]

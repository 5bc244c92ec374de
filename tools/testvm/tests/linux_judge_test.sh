#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host unit test of the Linux guest's migration judge (linux_judge,
# linuxguest.sh): a source's and a destination's console logs in, the
# verdict out; each way the judge must fail, and the way it must pass.
# Prints TAP.
set -u
DIR=$(cd "$(dirname "$0")/.." && pwd)
. "$DIR/linuxguest.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

# line ROUND MONO C0 C1 [key=value...]: one round as linux-check prints it,
# with the fields the arguments after C1 replace.
line() {
	local r=$1 m=$2 c0=$3 c1=$4 hp=ok taint=0 klog=clean hwcap=fdffffff,3ffff psci=1.1 extra=
	local midr=410fd0c0,410fd0c0 id=1011111110212120,100001,1100000011111111,20,101122,10212122,1011,10305106
	shift 4
	local kv
	for kv; do
		case $kv in
		hp=*) hp=${kv#hp=} ;;
		taint=*) taint=${kv#taint=} ;;
		klog=*) klog=${kv#klog=} ;;
		hwcap=*) hwcap=${kv#hwcap=} ;;
		psci=*) psci=${kv#psci=} ;;
		midr=*) midr=${kv#midr=} ;;
		id=*) id=${kv#id=} ;;
		back) extra=" mono=BACKWARDS" ;;
		esac
	done
	echo "@@@ linux $r mono=$m c=$c0,$c1 hp=$hp taint=$taint klog=$klog hwcap=$hwcap psci=$psci midr=$midr id=$id$extra end"
}

src() {
	{ echo "[    0.000000] Booting Linux"; echo "@@@ linux up: 2 vcpus"
	  line 1 100 10 11; line 2 200 20 21; line 3 300 30 31; } >"$tmp/src"
}

# expect NAME VERDICT TEXT: linux_judge of $tmp/src and $tmp/dst says
# VERDICT (ok or BAD), its message holding TEXT.
expect() {
	local out rc
	out=$(linux_judge "$tmp/src" "$tmp/dst") && rc=0 || rc=$?
	if [ "$2" = ok ] && [ $rc = 0 ] && [[ $out == ok:* ]] && [[ $out == *"$3"* ]]; then
		ok "$1"
	elif [ "$2" = BAD ] && [ $rc = 1 ] && [[ $out == BAD:* ]] && [[ $out == *"$3"* ]]; then
		ok "$1"
	else
		nok "$1"
		echo "# wanted $2 with '$3', got (status $rc): $out"
	fi
}

echo "TAP version 13"
src
{ line 4 400 40 41; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "a guest that went on passes" ok "rounds 3 -> 4..6, 2 vcpu counters went on, vcpu 1 offline/online 3 times, PSCI 1.1, HWCAPs, MIDRs, ID registers and taint 0 held"

{ echo "QEMU started"; } >"$tmp/dst"
expect "no round on the destination fails" BAD "printed 0 rounds"

{ line 4 400 40 41; line 5 500 50 51; } >"$tmp/dst"
expect "too few rounds fail" BAD "printed 2 rounds"

{ line 1 50 1 1; line 2 150 2 2; line 3 250 3 3; } >"$tmp/dst"
expect "a guest that started again fails" BAD "not past the source's last, 3"

{ line 4 250 40 41; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "CLOCK_MONOTONIC behind the source fails" BAD "CLOCK_MONOTONIC 250 is behind"

{ line 4 400 40 41; line 5 500 50 51 back; line 6 600 60 61; } >"$tmp/dst"
expect "CLOCK_MONOTONIC going back on the destination fails" BAD "round 5: CLOCK_MONOTONIC went back"

{ line 4 400 40 41; line 5 500 50 51 hp=online:Input/output_error; line 6 600 60 61; } >"$tmp/dst"
expect "vcpu 1 failing to come back online fails" BAD "offline/online: online:Input/output_error"

{ line 4 400 40 41; line 5 500 50 51 taint=2048; line 6 600 60 61; } >"$tmp/dst"
expect "a new taint fails (CPU out of spec)" BAD "kernel taint 2048 (was 0)"

{ line 4 400 40 41 klog=CPU_features:_SANITY_CHECK:_Unexpected_variation_in_SYS_ID_AA64DFR0_EL1; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "a SANITY CHECK in the kernel log fails" BAD "SANITY_CHECK"

{ line 4 400 40 41; line 5 500 50 51 hwcap=fdffffff,3fffe; line 6 600 60 61; } >"$tmp/dst"
expect "other HWCAPs fail" BAD "HWCAPs fdffffff,3fffe"

{ line 4 400 40 41 psci=1.3; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "another PSCI version fails" BAD "PSCI 1.3 (was 1.1)"

{ line 4 400 40 41; line 5 500 50 51 midr=410fd0c0,410fd081; line 6 600 60 61; } >"$tmp/dst"
expect "another CPU's MIDR_EL1 after vcpu 1 came online fails" BAD "MIDR_EL1 410fd0c0,410fd081 (was 410fd0c0,410fd0c0)"

{ line 4 400 40 41 id=1011111110212120,100001,1100000011111111,20,101122,10212122,1011,10305406; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "other ID register values read by the guest fail" BAD "ID registers 1011111110212120,100001,1100000011111111,20,101122,10212122,1011,10305406"

{ line 4 400 0 41; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "a counter zeroed on the destination fails (the rig's self-check)" BAD "vcpu 0's counter 0 is not past 30"

{ line 4 400 40 31; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "a vcpu counter that did not go on fails" BAD "vcpu 1's counter 31 is not past 31"

line 4 400 40 41 | sed "s/ c=40,41 / c=40 /" >"$tmp/dst"
{ line 4 400 40 41; line 5 500 50 51; cat "$tmp/dst"; } >"$tmp/dst2" && mv "$tmp/dst2" "$tmp/dst"
expect "a vcpu counter missing fails" BAD "1 vcpu counters (were 2)"

: >"$tmp/src"
{ line 4 400 40 41; line 5 500 50 51; line 6 600 60 61; } >"$tmp/dst"
expect "no round on the source fails" BAD "the source printed no round"

{ line 1 100 10 11; line 2 200 20 21 klog=WARNING:_at_kernel/foo.c; } >"$tmp/src"
expect "a source that was not clean fails" BAD "not clean before the migration"

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ $failed = 0 ]

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# regctl against the real module: every command, and its failure paths.
# Needs regctl in PATH and the module at $REGFILTER_KO (to test the
# "not loaded" message it unloads and reloads it).

KO=${REGFILTER_KO:-/regfilter/kvm_regfilter.ko}
T=$(mktemp -d)
DIR=$(cd "$(dirname "$0")" && pwd)
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $1"; }
# expect DESC RC CMD...: CMD exits with RC; its output is in $T/out.
expect() {
	desc=$1 want=$2
	shift 2
	"$@" >"$T/out" 2>&1
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$desc"
	else
		nok "$desc"
		echo "# '$*' exited $rc, wanted $want:"
		sed 's/^/#   /' "$T/out"
	fi
}
# has DESC PATTERN: the last output matches.
has() {
	if grep -q -- "$2" "$T/out"; then
		ok "$1"
	else
		nok "$1"
		echo "# no '$2' in:"
		sed 's/^/#   /' "$T/out"
	fi
}

# Each kernel derives the view of a neighbour: 6.1 -> 6.12's, 6.12 -> 7.x's,
# 7.x -> 6.12's.
case $(uname -r) in
6.1.*) series=6.1 other=6.12 ;;
6.12.*) series=6.12 other=7.x ;;
7.*) series=7.x other=6.12 ;;
esac

echo "TAP version 13"
echo "1..60"

expect "version" 0 regctl --version
has "version names regctl" "^regctl "
expect "help" 0 regctl --help
expect "unknown command is a usage error" 1 regctl frobnicate

# capture equals the blessed list of this kernel series
expect "capture" 0 regctl capture -o "$T/host.capture"
expect "capture equals blessed/$series.txt" 0 regctl diff "$DIR/blessed/$series.txt" "$T/host.capture"
cp "$T/host.capture" "$T/out"
has "capture names the PSCI version" "PSCI_VERSION = 0x"

cat >"$T/hide.profile" <<EOP
description selftest: hide CONTEXTIDR_EL1
hide CONTEXTIDR_EL1
EOP
expect "capture --profile" 0 regctl capture --profile "$T/hide.profile" -o "$T/hidden.capture"
expect "diff: the two captures differ" 5 regctl diff "$T/host.capture" "$T/hidden.capture"
has "diff names the hidden register" "only in A: CONTEXTIDR_EL1"
expect "json diff" 5 regctl -j diff "$T/host.capture" "$T/hidden.capture"
has "json diff names it" '"name":"CONTEXTIDR_EL1","only_in":"a"'

# set-profile, show, list, clear on another process
sleep 1000 &
pid=$!
expect "set-profile" 0 regctl set-profile $pid "$T/hide.profile"
expect "show" 0 regctl show $pid
has "show lists the entry" "hide CONTEXTIDR_EL1"
expect "show --json" 0 regctl -j show $pid
has "json show" "\"pid\":$pid,\"description\":\"selftest: hide CONTEXTIDR_EL1\""
expect "list" 0 regctl list
has "list names the process" "^$pid"
expect "clear" 0 regctl clear $pid
expect "show after clear fails" 2 regctl show $pid
has "the kernel's reason is relayed" "kernel reports: this process has no profile"
kill $pid

# failure paths
printf 'hide CONTEXTIDR_EL1\nfake NOT_A_REG_EL1 = 1\n' >"$T/bad.profile"
expect "a bad profile is a usage error" 1 regctl set-profile $$ "$T/bad.profile"
has "with file, line and column" "bad.profile:2:6"
expect "an unknown pid" 2 regctl set-profile 4000000 "$T/hide.profile"
has "says no such process" "No such process"

# run: the profile applies to the command it execs
expect "run" 0 regctl run --profile "$T/hide.profile" -- regctl capture -o "$T/run.capture"
expect "run's capture is the filtered one" 0 regctl diff "$T/hidden.capture" "$T/run.capture"

# derive the neighbour's view; a VM under it captures exactly that list
expect "derive --target $other" 0 regctl derive --target "$DIR/blessed/$other.txt" -o "$T/derived.profile"
cp "$T/derived.profile" "$T/out"
has "the derived profile has entries" "^\(hide\|fake\|pin\) "
expect "capture --profile derived" 0 regctl capture --profile "$T/derived.profile" -o "$T/derived.capture"
expect "the filtered view equals blessed/$other.txt" 0 regctl diff "$DIR/blessed/$other.txt" "$T/derived.capture"
expect "derive -j" 0 regctl -j derive --target "$DIR/blessed/$other.txt"
has "derive -j: JSON with the profile's text" '^{"target":.*"written":true,"profile":"'

# check: without a profile this process's VMs would not load there; with it they would
if [ $series = 6.1 ]; then
	# 6.1's list is a subset of 6.12's: as far as registers go, it loads.
	expect "check without a profile: 6.1's registers all exist on 6.12" 0 \
		regctl check $$ --target "$DIR/blessed/$other.txt"
	has "check says it would load" "would load on a host like"
else
	expect "check without a profile: would not load" 5 regctl check $$ --target "$DIR/blessed/$other.txt"
	has "check names a register that stops it" "unknown on the destination"
fi
sleep 1000 &
pid=$!
expect "set-profile of the derived profile to another process" 0 regctl set-profile $pid "$T/derived.profile"
expect "check with the derived profile: would load" 0 regctl check $pid --target "$DIR/blessed/$other.txt"
expect "check -j" 0 regctl -j check $pid --target "$DIR/blessed/$other.txt"
has "check -j: JSON, loads" '^{"pid":[0-9]*,.*"loads":true,"stops":0,"problems":\[\]}$'
kill $pid

# monitor sees an event (a pin of a register this host lacks)
printf 'pin S3_0_C15_C15_7 = 1\n' >"$T/pin.profile"
regctl monitor >"$T/events" 2>"$T/monitor.err" &
mon=$!
i=0
while ! grep -q listening "$T/monitor.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cp "$T/monitor.err" "$T/out"
has "monitor says when it listens" "^regctl monitor: listening"
regctl capture --profile "$T/pin.profile" >/dev/null 2>&1
# The event is multicast as the pin is refused; give the reader its turn.
i=0
while ! grep -q '^pin-absent pid' "$T/events" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill $mon
cp "$T/events" "$T/out"
has "monitor prints the pin-absent event" "^pin-absent pid"

# monitor: events lost to a full socket buffer are reported, and it goes
# on (as ip monitor).  256 pins of registers no kernel lists make 256
# events at once while monitor is stopped.
for op1 in 0 1; do
	for crm in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		for op2 in 0 1 2 3 4 5 6 7; do
			echo "pin S3_${op1}_C15_C${crm}_${op2} = 1"
		done
	done
done >"$T/many.profile"
regctl monitor >"$T/events2" 2>"$T/monitor2.err" &
mon=$!
i=0
while ! grep -q listening "$T/monitor2.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -STOP $mon
regctl capture --profile "$T/many.profile" >/dev/null 2>&1
kill -CONT $mon
i=0
while ! grep -q 'events were lost' "$T/monitor2.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
cp "$T/monitor2.err" "$T/out"
has "monitor says when events were lost" "events were lost"
if kill -0 $mon 2>/dev/null; then ok "monitor goes on after a loss"; else nok "monitor goes on after a loss"; fi
kill $mon 2>/dev/null

# the host default: shown, taken by a VM of a process without a profile
# (this shell's capture), cleared
expect "set-default" 0 regctl set-default "$T/hide.profile"
has "set-default says for whom" "host default: profile"
expect "show default" 0 regctl show default
has "show default: its entry" "hide CONTEXTIDR_EL1"
expect "list" 0 regctl list
has "list: the default's line first" "^default.1 entries"
expect "a capture without a profile of its own" 0 regctl capture -o "$T/default.capture"
expect "... takes the default: the filtered view" 0 regctl diff "$T/hidden.capture" "$T/default.capture"
expect "show -j default" 0 regctl -j show default
has "show -j default: default true" '^{"default":true,"description":"selftest: hide CONTEXTIDR_EL1"'
expect "clear-default" 0 regctl clear-default
expect "show default once cleared fails" 2 regctl show default
has "and relays why" "kernel reports: no host default is set"

# another network namespace: the family is not there, and regctl says why
expect "in another network namespace: exit 3" 3 unshare -n regctl list
has "in another network namespace: says so, and what to do" "initial network namespace.*nsenter"

# the module not loaded (and the kernel not loading it: autoload_test.sh)
if rmmod kvm_regfilter 2>/dev/null; then
	modprobe_path=$(cat /proc/sys/kernel/modprobe)
	echo >/proc/sys/kernel/modprobe
	expect "without the module: exit 3" 3 regctl list
	echo "$modprobe_path" >/proc/sys/kernel/modprobe
	grep -q '^kvm_regfilter ' /proc/modules || insmod "$KO"
else
	nok "without the module: rmmod failed"
fi

rm -rf "$T"
[ "$failed" = 0 ]

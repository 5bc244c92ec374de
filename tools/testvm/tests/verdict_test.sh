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

echo "1..$n"
[ "$failed" = 0 ]

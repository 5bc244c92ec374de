#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the installed regfilter selftests with the kernel's kselftest runner,
# as the kernel's own run_kselftest.sh does for one collection.
# REGFILTER_TESTS="a b" runs only those programs (the debug kernel's lane);
# a name that is not in the list is an error, not an empty run.
BASE_DIR=$(cd "$(dirname "$0")" && pwd)
export BASE_DIR
. "$BASE_DIR/kselftest/runner.sh"
cd "$BASE_DIR/regfilter" || exit 1
all=$(sed -n 's|^regfilter:||p' "$BASE_DIR/kselftest-list.txt")
progs=$all
if [ -n "${REGFILTER_TESTS:-}" ]; then
	progs=
	for t in $REGFILTER_TESTS; do
		case " $(echo $all) " in
		*" $t "*) progs="$progs $t" ;;
		*) echo "run_kselftest.sh: no test program '$t' (there are: $(echo $all))" >&2; exit 2 ;;
		esac
	done
fi
run_many $(for t in $progs; do echo "./$t"; done)

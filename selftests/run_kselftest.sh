#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the installed regfilter selftests with the kernel's kselftest runner,
# as the kernel's own run_kselftest.sh does for one collection.
BASE_DIR=$(cd "$(dirname "$0")" && pwd)
export BASE_DIR
. "$BASE_DIR/kselftest/runner.sh"
cd "$BASE_DIR/regfilter" || exit 1
run_many $(sed -n 's|^regfilter:|./|p' "$BASE_DIR/kselftest-list.txt")

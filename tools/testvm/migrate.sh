# SPDX-License-Identifier: GPL-2.0
# Migration scenarios: host A (kernel X) runs the counter guest under
# Debian's QEMU with KVM and migrates it to a raw disk both hosts attach;
# host B (kernel Y) loads it from there and resumes it.  The filter, where
# a scenario uses it, is put on unmodified QEMU with 'regctl run'.

# Scenarios: FROM TO QEMU-SUITE SRC-PROFILE DST-PROFILE EXPECT
# (MIGRATE_ONLY="..." runs the lines given instead.)
MIGRATE_SCENARIOS="6.12 7.x bookworm none none fail
6.12 7.x bookworm linux-7.x-view none ok
7.x 6.12 bookworm none none fail
7.x 6.12 bookworm linux-6.12-view none ok"

# migrate_build SERIES...: the hosts' initramfs (rootfs + ours), per kernel.
migrate_build() {
	local s
	qemu_rootfs bookworm
	guest_build
	for s in "$@"; do
		kernel_resolve "$s"
		kernel_fetch "$s" >/dev/null
		initramfs_for "$O/kmod/$KREL/kvm_regfilter.ko" \
			"$O/testvm/initrd-migrate-$KREL.img" "$QEMU_ROOTFS"
	done
}

# migrate_side SERIES ROLE PROFILE LOG: boot one host, wait for it.
migrate_side() {
	local series=$1 role=$2 profile=$3 log=$4 t
	kernel_resolve "$series"
	t=$(date +%s)
	# A side takes 10-25 s; a hung one should fail in minutes, not 15.
	VM_APPEND="regfilter.role=$role regfilter.profile=$profile" \
	VM_ARGS="-drive file=$O/testvm/state.img,format=raw,if=virtio" \
	REGFILTER_VM_MEM=2048 REGFILTER_VM_TIMEOUT=${REGFILTER_MIGRATE_TIMEOUT:-240} \
		vm_start "$series" vhe "$O/testvm/initrd-migrate-$KREL.img" migrate "$log"
	while kill -0 "$JOB_PID" 2>/dev/null; do
		sleep 5
		kill -0 "$JOB_PID" 2>/dev/null &&
			step "  $series ($role): running for $(($(date +%s) - t))s; last: $(last_line "$log")"
	done
	wait "$JOB_PID" || true
	SIDE_SECS=$(($(date +%s) - t))
	# The host itself: booted, KVM, module, no WARN/lockup, finished.
	if ! vm_verdict "$log" "migrate host $series ($role)" vhe "$log.results"; then
		step "  $series ($role): the host itself failed: $VERDICT"
		vm_report "$log" "$log.results"
	fi
	cat "$log.results" >>"$O/testvm/migrate.results"
}

# migrate_one FROM TO SUITE SRCPROF DSTPROF EXPECT: one scenario; prints
# its outcome, appends a result line, sets MIG_LINE for the matrix.
migrate_one() {
	local from=$1 to=$2 suite=$3 sp=$4 dp=$5 expect=$6 name log before after status incoming
	local t=$(date +%s) outcome detail
	name="$from -> $to, QEMU $suite, profile src=$sp dst=$dp"
	log=$O/testvm/logs/migrate-$from-$to-$sp-$dp
	mkdir -p "$O/testvm/logs"
	truncate -s 0 "$O/testvm/state.img" && truncate -s 64M "$O/testvm/state.img"
	step "migrate: $name"
	migrate_side "$from" src "$sp" "$log-src.log"
	before=$(sed -n 's/^@@@ guest before: count //p' "$log-src.log.txt" | head -n 1)
	status=$(sed -n 's/^@@@ migrate status: //p' "$log-src.log.txt" | head -n 1)
	step "  source ($from) done in ${SIDE_SECS}s: $(sed -n 's/^@@@ qemu \(Q.*\)/\1/p' "$log-src.log.txt" | head -n 1); counter at 0x${before:-?}; migration ${status:-did not run}"
	migrate_side "$to" dst "$dp" "$log-dst.log"
	incoming=$(sed -n 's/^@@@ incoming: //p' "$log-dst.log.txt" | head -n 1)
	after=$(sed -n 's/^@@@ guest after: count //p' "$log-dst.log.txt" | head -n 1)
	step "  destination ($to) done in ${SIDE_SECS}s: incoming ${incoming:-?}${after:+, counter resumed at 0x$after}"
	grep -h '^@@@ qemu: ' "$log-dst.log.txt" "$log-src.log.txt" 2>/dev/null |
		sed 's/^@@@ qemu: /    QEMU says: /' | head -n 6 || true
	if [ "$status" = completed ] && [ "$incoming" = loaded ] && [ -n "$after" ] && [ -n "$before" ] &&
		[ $((16#$after)) -gt $((16#$before)) ] && [ $((16#$after)) -le $((16#$before + 2)) ]; then
		outcome=ok
		detail="migrated; counter 0x$before -> 0x$after"
	else
		outcome=fail
		detail=$(grep -h '^@@@ qemu: ' "$log-dst.log.txt" "$log-src.log.txt" |
			grep -iE 'fail|error|invalid|could not' | head -n 1 | sed 's/^@@@ qemu: //' || true)
		detail="did not migrate: ${detail:-status=${status:-none} incoming=${incoming:-none}}"
	fi
	local secs=$(($(date +%s) - t)) res
	if [ "$outcome" = "$expect" ]; then
		res=pass
		step "  as expected ($expect): $detail (${secs}s)"
	else
		res=fail
		step "  UNEXPECTED (wanted $expect): $detail (${secs}s); logs: $log-{src,dst}.log"
	fi
	printf '%s\tmigrate %s: %s\t%s\n' "$res" "$name" "expected $expect" "$detail" >>"$O/testvm/migrate.results"
	MIG_LINE="| $from -> $to | $suite | $sp | $outcome | $detail | ${secs}s |"
}

# migrate_all: every scenario, results into the run's tally.
migrate_all() {
	local line scenarios=${MIGRATE_ONLY:-$MIGRATE_SCENARIOS}
	# shellcheck disable=SC2046
	migrate_build $(echo "$scenarios" | awk 'NF { print $1; print $2 }' | sort -u)
	: >"$O/testvm/migrate.results"
	echo "| migration | QEMU | profile on the source | outcome | detail | time |" >"$O/testvm/migrate.md"
	echo "|---|---|---|---|---|---|" >>"$O/testvm/migrate.md"
	while read -r line; do
		[ -n "$line" ] || continue
		# shellcheck disable=SC2086
		migrate_one $line
		echo "$MIG_LINE" >>"$O/testvm/migrate.md"
	done <<<"$scenarios"
	account "$O/testvm/migrate.results"
	sed 's/^/    /' "$O/testvm/migrate.md"
}

cmd_migrate() {
	cmd_setup
	cmd_fetch
	cmd_build
	migrate_all
	echo "$RUN_PASS passed, $RUN_FAIL failed"
	[ "$RUN_FAIL" -eq 0 ]
}

cmd_demo() {
	cmd_setup
	KERNELS="6.12 7.x" cmd_fetch
	KERNELS="6.12 7.x" cmd_build
	migrate_build 6.12 7.x
	: >"$O/testvm/migrate.results"
	cat <<-'TXT'

	=== regfilter demo ===
	A guest counts in memory and prints its count. It runs under Debian 12's
	QEMU with KVM on an emulated arm64 host with Debian's 6.12 kernel, then
	migrates to a host with Debian's 7.x kernel. 6.12 shows the guest three
	registers (TCR2_EL1, PIRE0_EL1, PIR_EL1) that 7.x does not have, so
	QEMU on the destination refuses the state.

	First, as things are today:
	TXT
	migrate_one 6.12 7.x bookworm none none fail
	cat <<-'TXT'

	Now the same, with the source QEMU started under the kernel filter:
	  regctl run --profile linux-7.x-view -- qemu-system-aarch64 ...
	The profile (derived from captures of both kernels) hides those three
	registers where the CPU lacks their features and adds the one 7.x has,
	so the VM shows 7.x's register list from its first moment.
	TXT
	migrate_one 6.12 7.x bookworm linux-7.x-view none ok
	account "$O/testvm/migrate.results"
	echo
	if [ "$RUN_FAIL" -eq 0 ]; then
		echo "The guest failed to move without the filter and resumed its count with it."
	else
		echo "The demo did not go as described: see the lines above."
	fi
	[ "$RUN_FAIL" -eq 0 ]
}

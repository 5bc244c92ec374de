# SPDX-License-Identifier: GPL-2.0
# Migration scenarios: host A (kernel X) runs the counter guest under
# Debian's QEMU with KVM and migrates it to a raw disk both hosts attach;
# host B (kernel Y) loads it from there and resumes it.  The filter, where
# a scenario uses it, is put on unmodified QEMU with 'regctl run'.

# One scenario per line:
#   FROM TO SRC-QEMU DST-QEMU MACHINE SRC-PROFILE DST-PROFILE EXPECT
# TO as B>A (A is FROM): a round trip A -> B -> A with the same guest; the
# last host runs A's kernel, QEMU and profile again (the profile, now on a
# destination, stays with its host), and "ok" means both legs held.
# QEMU: the Debian suite whose arm64 QEMU a host runs (bookworm: 7.2,
# trixie: 10.0, sid: 11.x; trixie-rf: trixie's with tools/qemu/patches).
# MACHINE: QEMU's -M; MACHINE+linux runs the Linux guest (linuxguest.sh:
# Debian's 6.12 kernel, 2 vcpus, checking itself every round) instead of
# the bare-metal counter, and "ok" then also means its own check held;
# a trailing @CPU runs both hosts on that emulated CPU (QEMU's -cpu:
# neoverse-n1; cortex-a72 or cortex-a57, which have no VHE, run KVM
# nVHE) instead of -cpu max.
# PROFILE: a shipped profile (tools/profiles)
# or test profile (tools/testvm/profiles) put on that side's QEMU with
# 'regctl run', default:PROFILE (made that host's default with 'regctl
# set-default', QEMU started without regctl), or "none".  EXPECT (the rest of the line): ok (the guest
# resumes and counts on), fail:MESSAGE (the source completed, the
# destination's QEMU refused the state and said MESSAGE, an extended
# regular expression), strict (likewise, and the destination's filter
# names the register whose value its strict fake refused), named:REG (the
# source completed and the destination's QEMU names REG).  A failure for
# any other cause fails the check: an expected failure must show its
# cause.
# A line that starts with "matrix" runs in `make matrix` and `make
# migrate` only: `make check` runs the others, a representative subset
# (each QEMU pairing's fix, the problem it fixes on Debian 12's QEMU, the
# host default alone both ways, each
# kind of expected failure once, 6.1 in both roles), which keeps the whole
# run under 45 minutes warm here.
# MIGRATE_ONLY="..." runs the lines given instead (a leading "matrix" too).
MIGRATE_SCENARIOS="
# Debian 12's QEMU 7.2 on both ends: the 6.12 <-> 7.x pair.
6.12 7.x  bookworm bookworm virt none none fail:Failed to load cpu:cpreg_vmstate_array_len
# The fix, as a round trip (TO as B>A): the same guest 6.12 -> 7.x -> 6.12,
# the 6.12 host's QEMU under linux-7.x-view both times (as the source,
# then as the destination), the 7.x host's unfiltered.
6.12 7.x>6.12  bookworm bookworm virt linux-7.x-view none ok
7.x  6.12 bookworm bookworm virt none none fail:load of migration failed: Operation not permitted
7.x  6.12 bookworm bookworm virt linux-6.12-view none ok
# A strict fake at work: the 7.x VM was offered implementation-discovery
# hypercalls (VENDOR_HYP_BMAP_2 = 0x3); a 6.12 host, whose 7.x view fakes
# the register strictly at 0, must refuse it rather than lose them.
7.x  6.12 bookworm bookworm virt impl-discovery-offered linux-7.x-view strict
# 6.1 <-> 6.12: no profile makes either direction safe (ID_AA64MMFR1_EL1
# differs in a field 6.1 cannot change and 6.12 does not let userspace
# lower); measured as such.  6.1 -> 7.x needs no help: QEMU takes a
# subset of its own list, and 7.x accepts 6.1's ID values.
matrix 6.1  6.12 bookworm bookworm virt none none fail:load of migration failed: Operation not permitted
matrix 6.12 6.1  bookworm bookworm virt none none fail:Failed to load cpu:cpreg_vmstate_array_len
6.12 6.1  bookworm bookworm virt linux-6.1-view none fail:load of migration failed: Operation not permitted
6.1  7.x  bookworm bookworm virt none none ok
matrix 7.x  6.1  bookworm bookworm virt none none fail:Failed to load cpu:cpreg_vmstate_array_len
matrix 7.x  6.1  bookworm bookworm virt linux-6.1-view none fail:load of migration failed: Operation not permitted
# Debian 13's QEMU 10.0 on both ends.
matrix 6.12 7.x  trixie trixie virt none none fail:Failed to load cpu:cpreg_vmstate_array_len
6.12 7.x  trixie trixie virt linux-7.x-view none ok
matrix 7.x  6.12 trixie trixie virt none none fail:Failed to put registers after init: Invalid argument
7.x  6.12 trixie trixie virt linux-6.12-view none ok
# A release upgrade: a Debian 13 host (6.12, QEMU 10.0) and a newer one
# (7.x, QEMU 11.x), on the machine type both know.
6.12 7.x  trixie sid virt-10.0 none none ok
matrix 6.12 7.x  trixie sid virt-10.0 linux-7.x-view none ok
matrix 7.x  6.12 sid trixie virt-10.0 none none fail:Failed to put registers after init: Invalid argument
7.x  6.12 sid trixie virt-10.0 linux-6.12-view none ok
# QEMU 11.x alone, for reference: its built-in tolerances cover the four
# registers but not the PSCI version.
matrix 6.12 7.x  sid sid virt none none ok
7.x  6.12 sid sid virt none none fail:Could not set register fw reg 0 to 10003 \(is 10001\)
7.x  6.12 sid sid virt linux-6.12-view none ok
# The host default alone: 'regctl set-default' before QEMU starts, QEMU
# unmodified and not under regctl (as libvirt, nova or Proxmox start it).
6.12 7.x  bookworm bookworm virt default:linux-7.x-view none ok
7.x  6.12 bookworm bookworm virt default:linux-6.12-view none ok
# The Linux guest on the CPUs fleets run: make check takes one direction
# on neoverse-n1 (VHE) and the other on cortex-a72 (nVHE); -cpu max, and
# the rest, in make matrix.
6.12 7.x  bookworm bookworm virt+linux@neoverse-n1 linux-7.x-view none ok
7.x  6.12 bookworm bookworm virt+linux@cortex-a72 linux-6.12-view none ok
matrix 6.12 7.x  bookworm bookworm virt+linux linux-7.x-view none ok
matrix 7.x  6.12 bookworm bookworm virt+linux linux-6.12-view none ok
matrix 7.x  6.12 bookworm bookworm virt+linux@neoverse-n1 linux-6.12-view none ok
matrix 6.12 7.x  bookworm bookworm virt+linux@cortex-a72 linux-7.x-view none ok
# Round trips with the Linux guest on the fleet CPUs, each way round.
matrix 6.12 7.x>6.12 bookworm bookworm virt+linux@neoverse-n1 linux-7.x-view none ok
matrix 7.x  6.12>7.x bookworm bookworm virt+linux@neoverse-n1 linux-6.12-view none ok
matrix 6.12 7.x>6.12 bookworm bookworm virt+linux@cortex-a72 linux-7.x-view none ok
matrix 7.x  6.12>7.x bookworm bookworm virt+linux@cortex-a72 linux-6.12-view none ok
# A profile on the destination alone: the 7.x host takes a guest from an
# unfiltered 6.12 host as 6.12 showed it (6.12's list, PSCI 1.1).
matrix 6.12 7.x  bookworm bookworm virt+linux@neoverse-n1 none linux-6.12-view ok
matrix 6.12 7.x  bookworm bookworm virt+linux@cortex-a72 none linux-6.12-view ok
# The strongest peer on the same CPUs and guest: QEMU 11.1 on both ends,
# its tolerance table and no filter.
matrix 6.12 7.x  sid sid virt+linux@neoverse-n1 none none ok
matrix 7.x  6.12 sid sid virt+linux@neoverse-n1 none none fail:Could not set register fw reg 0 to 10003 \(is 10001\)
matrix 6.12 7.x  sid sid virt+linux@cortex-a72 none none ok
matrix 7.x  6.12 sid sid virt+linux@cortex-a72 none none fail:Could not set register fw reg 0 to 10003 \(is 10001\)
# trixie's QEMU 10.0 with tools/qemu/patches on both ends and no regctl:
# the machine type virt-10.0 carries linux-6.12-view by itself.
6.12 7.x  trixie-rf trixie-rf virt-10.0 none none ok
7.x  6.12 trixie-rf trixie-rf virt-10.0 none none ok
matrix 6.1  7.x  trixie-rf trixie-rf virt-10.0 none none ok
# ... and with unpatched QEMU 11.1 on the newer host.  From 7.x it cannot
# work (nothing filters the source); the patched destination says which
# registers it does not know.
matrix 6.12 7.x  trixie-rf sid virt-10.0 none none ok
7.x  6.12 sid trixie-rf virt-10.0 none none named:VENDOR_HYP_BMAP_2
# The patched QEMU with the Linux guest on the fleet CPUs.
matrix 6.12 7.x  trixie-rf trixie-rf virt-10.0+linux@neoverse-n1 none none ok
matrix 7.x  6.12 trixie-rf trixie-rf virt-10.0+linux@neoverse-n1 none none ok
matrix 6.12 7.x  trixie-rf trixie-rf virt-10.0+linux@cortex-a72 none none ok
matrix 7.x  6.12 trixie-rf trixie-rf virt-10.0+linux@cortex-a72 none none ok
"

# The scenarios to run: MIGRATE_ONLY, or all (MIGRATE_SET=all: make
# migrate, make matrix), or make check's subset; without comments, and
# only those whose kernels are all under test.
migrate_scenarios() {
	local line from to rest
	while read -r from to rest; do
		case $from in '' | '#'*) continue ;; esac
		if [ "$from" = matrix ]; then
			[ -n "${MIGRATE_ONLY:-}" ] || [ "${MIGRATE_SET:-check}" = all ] || continue
			read -r from to rest <<<"$to $rest"
		fi
		# TO may be B>A, a round trip (migrate_one_try).
		[[ " $KERNELS " == *" $from "* && " $KERNELS " == *" ${to%%>*} "* ]] || continue
		echo "$from $to $rest"
	done <<<"${MIGRATE_ONLY:-$MIGRATE_SCENARIOS}"
}

# migrate_rootfs QEMU: sets QEMU_ROOTFS for a host running that QEMU.
migrate_rootfs() {
	case $1 in
	bookworm | trixie | sid) qemu_rootfs "$1" ;;
	# trixie's QEMU 10.0 with tools/qemu/patches (qemu.sh).
	trixie-rf) qemu_patched_rootfs ;;
	*) die "migration scenario: unknown QEMU '$1' (bookworm, trixie, sid or trixie-rf)" ;;
	esac
}

# migrate_build: the hosts' initramfs, per kernel and QEMU the scenarios use.
migrate_build() {
	local s q
	guest_build
	# The Linux guest, if a scenario runs it (MACHINE+linux): its kernel
	# and initramfs in a cpio archive the hosts attach as a second disk.
	if migrate_scenarios | awk '$5 ~ /[+]linux(@|$)/ { f = 1 } END { exit !f }'; then
		timed "Linux guest (Debian's 6.12 kernel, linux-check as /init)" \
			linux_guest_build "$O/linux-guest" || die "the Linux guest could not be built"
		(cd "$O/linux-guest" && printf '%s\n' Image initrd.gz |
			cpio -o -H newc --quiet) >"$O/testvm/linux-guest.cpio"
	fi
	while read -r s q; do
		migrate_rootfs "$q"
		kernel_resolve "$s"
		kernel_fetch "$s" >/dev/null
		initramfs_for "$O/kmod/$KREL/kvm_regfilter.ko" \
			"$O/testvm/initrd-migrate-$KREL-$q.img" "$QEMU_ROOTFS"
	done < <(migrate_scenarios | awk '{ split($2, to, ">"); print $1, $3; print to[1], $4 }' | sort -u)
}

# migrate_side SERIES QEMU ROLE PROFILE MACHINE LOG: boot one host, wait.
# The attempt's disk image is $MIG_IMG; MIG_FAULT_INITRD, for the side
# MIG_FAULT_SIDE, boots that initramfs instead (the rig's self-check).
migrate_side() {
	local series=$1 q=$2 role=$3 profile=$4 machine=$5 log=$6 t initrd
	local cpu= mode=vhe opts=
	# MACHINE@CPU: the host's CPU; the cores without VHE run KVM nVHE.
	if [[ $machine == *@* ]]; then
		cpu=${machine##*@}
		machine=${machine%@*}
		opts="cpu=$cpu"
		case $cpu in
		cortex-a53 | cortex-a57 | cortex-a72) mode=nvhe ;;
		esac
	fi
	kernel_resolve "$series"
	initrd=$O/testvm/initrd-migrate-$KREL-$q.img
	[ "$role" != "${MIG_FAULT_SIDE:-}" ] || initrd=$MIG_FAULT_INITRD
	t=$(date +%s)
	local drives="-drive file=$MIG_IMG,format=raw,if=virtio"
	[[ $machine != *+linux ]] ||
		drives+=" -drive file=$O/testvm/linux-guest.cpio,format=raw,if=virtio,readonly=on"
	# A side takes 10-40 s; a hung one should fail in minutes, not 15.
	VM_APPEND="regfilter.role=$role regfilter.profile=$profile regfilter.machine=$machine${MIG_CORRUPT:+ regfilter.corrupt=$MIG_CORRUPT}" \
	VM_ARGS="$drives" \
	REGFILTER_VM_MEM=2048 REGFILTER_VM_TIMEOUT=${REGFILTER_MIGRATE_TIMEOUT:-240} \
		vm_start "$series" $mode "$initrd" migrate "$log" "$opts"
	while proc_alive "$JOB_PID"; do
		sleep 5
		proc_alive "$JOB_PID" &&
			step "  $series ($role): running for $(($(date +%s) - t))s; last: $(last_line "$log")"
		lockup_watch "$JOB_PID" "$log" "$series ($role)"
	done
	wait "$JOB_PID" 2>/dev/null || true
	SIDE_SECS=$(($(date +%s) - t))
	# The host itself: booted, KVM, module, no WARN/lockup, finished.
	if ! vm_verdict "$log" "migrate host $series ($role)" $mode "$log.results"; then
		step "  $series ($role): the host itself failed: $VERDICT"
		vm_report "$log" "$log.results"
	fi
	cat "$log.results" >>"$MIG_RES"
	# A host that locked up: what, whether it is the emulator's known
	# lockup (empty SIDE_LOCKUP_WHY) and whether its emulator was ended.
	local what
	if what=$(lockup_seen "$log.txt"); then
		SIDE_LOCKUP="$series ($role): $what"
		SIDE_LOCKUP_WHY=$(lockup_known "$log.cpus") || true
		SIDE_STOPPED=$(cat "$log.stopped" 2>/dev/null || echo "not stopped by the rig")
		SIDE_LOCKUP_LOG=$log
	elif what=$(warn_known "$log.txt"); then
		SIDE_WARN="$series ($role): KVM warned $what"
	fi
	return 0
}

# at LOG KEY: the first value of an "@@@ KEY: value" line.
at() { sed -n "s/^@@@ $2: //p" "$1" | head -n 1; }

# vm_leftovers TEXT: the pids of processes whose command line holds TEXT.
vm_leftovers() {
	local d
	for d in /proc/[0-9]*; do
		tr '\0' ' ' <"$d/cmdline" 2>/dev/null | grep -qF -- "$1" && echo "${d#/proc/}"
	done
	return 0
}

# migrate_one FROM TO SRCQ DSTQ MACHINE SRCPROF DSTPROF EXPECT: one
# scenario; prints its outcome, appends its result lines (both hosts'
# checks and the outcome) to MIG_RESULTS (migrate.results) and sets
# MIG_ROW.  Each attempt has its own disk image and logs (-retry).
migrate_one() {
	local attempt=${MIG_ATTEMPT:-1} left
	MIG_RES=$(mktemp)
	SIDE_LOCKUP= SIDE_LOCKUP_WHY= SIDE_STOPPED= SIDE_LOCKUP_LOG= SIDE_WARN=
	MIG_IMG=$(mktemp "$O/testvm/state-XXXXXX.img")
	migrate_one_try "$@"
	rm -f "$MIG_IMG"
	MIG_LOCKUP[$attempt]=$SIDE_LOCKUP MIG_LOCKUP_WHY[$attempt]=$SIDE_LOCKUP_WHY
	MIG_STOPPED[$attempt]=$SIDE_STOPPED
	left=
	[ -z "$SIDE_LOCKUP_LOG" ] || left=$(vm_leftovers "$SIDE_LOCKUP_LOG" | paste -sd ' ')
	MIG_LEFT[$attempt]=$left
	# A host that locked up in the emulator's known way (CPU stuck in
	# KVM's EL2 panic loop, no module frame: lockup_known) says nothing
	# of the scenario: its checks are recorded as skipped, with the
	# reason, and the scenario runs once more, once its emulator is
	# gone.  Seen in emulated 7.x and 6.12 VHE hosts, with the module and
	# without it ever loaded (Documentation/migration.md, Findings).  A
	# lockup the rig injected itself (MIG_FAULT_SIDE) is retried too.
	if [ -n "$SIDE_LOCKUP" ] && [ "$attempt" = 1 ] && [ "$SIDE_STOPPED" = ended ] && [ -z "$left" ] &&
		{ [ -z "$SIDE_LOCKUP_WHY" ] || [ -n "${MIG_FAULT_SIDE:-}" ]; }; then
		step "  the emulated host $SIDE_LOCKUP; its emulator has exited: this attempt is recorded as skipped; running the scenario once more"
		results_skipped "$SIDE_LOCKUP" <"$MIG_RES" >>"$MIG_RESULTS"
		rm -f "$MIG_RES"
		MIG_ATTEMPT=2 MIG_FAULT_SIDE= migrate_one "$@"
		return
	fi
	# Emulated 7.2's other known fault (warn_known): a vcpu loaded twice,
	# KVM_BUG_ON kills the VM, with no module frame on KVM's side; seen
	# without the module too.  Retried once, the same way.
	if [ -z "$SIDE_LOCKUP" ] && [ -n "$SIDE_WARN" ] && [ "$attempt" = 1 ] && [ -z "${MIG_FAULT_SIDE:-}" ]; then
		step "  the emulated host $SIDE_WARN (7.2's vcpu load slip under the emulator, seen without the module too): this attempt is recorded as skipped; running the scenario once more"
		results_skipped "$SIDE_WARN" <"$MIG_RES" >>"$MIG_RESULTS"
		rm -f "$MIG_RES"
		MIG_ATTEMPT=2 migrate_one "$@"
		return
	fi
	if [ -n "$SIDE_LOCKUP" ]; then
		printf 'fail\tmigrate %s: lockup not retried\t%s: %s\n' "$*" "$SIDE_LOCKUP" \
			"$( [ "$attempt" = 1 ] || echo "the second attempt locked up too; ")${SIDE_LOCKUP_WHY:+$SIDE_LOCKUP_WHY; }emulator ${SIDE_STOPPED}${left:+; still running: pids $left}" >>"$MIG_RES"
	fi
	cat "$MIG_RES" >>"$MIG_RESULTS"
	rm -f "$MIG_RES"
}
declare -a MIG_LOCKUP MIG_LOCKUP_WHY MIG_STOPPED MIG_LEFT

# self_check_record NAME WHY EVIDENCE WHAT: a rig self-check's result in
# MIG_RESULTS, passed (WHY empty: EVIDENCE recorded, WHAT said) or failed.
self_check_record() {
	if [ -z "$2" ]; then
		printf 'pass\t%s\t%s\n' "$1" "$3" >>"$MIG_RESULTS"
		step "migration self-check: passed ($4)"
	else
		printf 'fail\t%s\t%s\n' "$1" "$2" >>"$MIG_RESULTS"
		step "migration self-check: FAILED: $2"
	fi
}

# migrate_state_self_check: the guest's own register check (counter.S)
# proved able to fail.  The 6.12 -> 7.x scenario that migrates, with x23
# of the loaded guest set to 0 through the destination QEMU's gdbstub
# before it resumes: the guest must report "state BAD x23", and the rig
# must call the scenario a failure for that reason.
migrate_state_self_check() {
	local name results why= line
	[ "${REGFILTER_SELF_CHECK:-1}" = 1 ] || return 0
	[[ " $KERNELS " == *" 6.12 "* && " $KERNELS " == *" 7.x "* ]] || return 0
	[ -z "${MIGRATE_ONLY:-}" ] || return 0
	name="rig: a guest register changed on the destination fails the scenario"
	step "migration self-check: the guest's x23 set to 0 on the destination before it resumes"
	results=$(mktemp)
	MIG_LOCKUP=() MIG_LOCKUP_WHY=() MIG_STOPPED=() MIG_LEFT=()
	MIG_RESULTS=$results MIG_TAG=statecheck MIG_CORRUPT_DST=x23 \
		migrate_one 6.12 7.x bookworm bookworm virt linux-7.x-view none fail
	line=$(grep -P '^(pass|fail)\tmigrate .*expected fail\t' "$results" | head -n 1)
	if ! grep -q '^@@@ corrupted: x23 .*X23=0000000000000000' \
		"$O"/testvm/logs/migrate-statecheck-*-dst.log.txt 2>/dev/null; then
		why="the destination did not set x23 (see its log)"
	elif [[ "$line" != pass* || "$line" != *'state BAD x23'* ]]; then
		why="the judge did not fail it for x23: ${line:-no outcome}"
	fi
	self_check_record "$name" "$why" "$(echo "$line" | cut -f3)" \
		"the guest said state BAD x23, the scenario failed for it"
	rm -f "$results"
}

# migrate_linux_self_check: the Linux guest's judge proved able to fail.
# The 6.12 -> 7.x scenario with the Linux guest, with the guest's first
# vcpu counter (8 bytes of its memory) set to 0 through the destination
# QEMU's gdbstub before it resumes: the judge must fail the scenario
# because that counter did not go on past the source's.
migrate_linux_self_check() {
	local name results why= line addr
	[ "${REGFILTER_SELF_CHECK:-1}" = 1 ] || return 0
	[[ " $KERNELS " == *" 6.12 "* && " $KERNELS " == *" 7.x "* ]] || return 0
	[ -z "${MIGRATE_ONLY:-}" ] || [ -n "${MIGRATE_LINUX_SELF_CHECK:-}" ] || return 0
	name="rig: a Linux guest's memory changed on the destination fails the scenario"
	addr=$(cat "$O/linux-guest/counter.addr" 2>/dev/null) ||
		{ printf 'fail\t%s\t%s\n' "$name" "no Linux guest was built" >>"$MIG_RESULTS"; return 0; }
	step "migration self-check: the Linux guest's vcpu 0 counter (at $addr) set to 0 on the destination before it resumes"
	results=$(mktemp)
	MIG_LOCKUP=() MIG_LOCKUP_WHY=() MIG_STOPPED=() MIG_LEFT=()
	MIG_RESULTS=$results MIG_TAG=linuxcheck MIG_CORRUPT_DST=mem:$addr \
		migrate_one 6.12 7.x bookworm bookworm virt+linux linux-7.x-view none fail
	line=$(grep -P '^(pass|fail)\tmigrate .*expected fail\t' "$results" | head -n 1)
	if ! grep -q "^@@@ corrupted: mem $addr := 0" \
		"$O"/testvm/logs/migrate-linuxcheck-*-dst.log.txt 2>/dev/null; then
		why="the destination did not write the counter: $(grep -h '^@@@ corrupt' \
			"$O"/testvm/logs/migrate-linuxcheck-*-dst.log.txt 2>/dev/null | tail -n 1)"
	elif [[ "$line" != pass* || "$line" != *"own check failed: destination round "*": vcpu 0's counter "*" is not past "* ]]; then
		why="the judge did not fail it for vcpu 0's counter: ${line:-no outcome}"
	fi
	self_check_record "$name" "$why" "$(echo "$line" | cut -f3)" \
		"the judge failed the scenario for vcpu 0's counter"
	rm -f "$results"
}

# migrate_self_check: the rig proves it gets past a host that locks up in
# a migration scenario (issue: a locked-up host kept running and every
# later scenario failed on its disk image).  The 6.12 -> 7.x scenario with
# the 7.x view runs with a destination whose module spins a thread with
# interrupts off (REGFILTER_FAULT_LOCKUP).  It passes only if the rig saw
# that lockup, dumped the CPUs (the module's text among the frames), ended
# the emulator before going on (no process of that attempt left), and the
# scenario then ran again, on a disk image of its own, as expected.  The
# scenarios after it show that nothing of it was left behind.
migrate_self_check() {
	local name ko initrd results line why=
	[ "${REGFILTER_SELF_CHECK:-1}" = 1 ] || return 0
	[[ " $KERNELS " == *" 6.12 "* && " $KERNELS " == *" 7.x "* ]] || return 0
	[ -z "${MIGRATE_ONLY:-}" ] || return 0
	name="rig: a migration host that locks up is ended and its scenario runs again"
	step "migration self-check: a 7.x destination that locks up (a module thread spinning with interrupts off)"
	kernel_resolve 7.x
	ko=$O/kmod-fault-lockup/$KREL/kvm_regfilter.ko
	[ -s "$ko" ] || build_fault 7.x lockup
	kernel_resolve 7.x
	migrate_rootfs bookworm
	initrd=$O/testvm/initrd-migrate-fault-lockup-$KREL-bookworm.img
	initramfs_for "$ko" "$initrd" "$QEMU_ROOTFS"
	results=$(mktemp)
	MIG_LOCKUP=() MIG_LOCKUP_WHY=() MIG_STOPPED=() MIG_LEFT=()
	MIG_RESULTS=$results MIG_TAG=selfcheck MIG_FAULT_SIDE=dst MIG_FAULT_INITRD=$initrd \
		migrate_one 6.12 7.x bookworm bookworm virt linux-7.x-view none ok
	if [[ "${MIG_LOCKUP[1]:-}" != "7.x (dst): "* ]]; then
		why="the injected lockup was not seen (${MIG_LOCKUP[1]:-no lockup})"
	elif [[ "${MIG_LOCKUP_WHY[1]:-}" != *"module's text"* ]]; then
		why="the dump did not show the module's frames: ${MIG_LOCKUP_WHY[1]:-it looked like the known emulator lockup}"
	elif [ "${MIG_STOPPED[1]:-}" != ended ]; then
		why="the emulator was not ended: ${MIG_STOPPED[1]:-}"
	elif [ -n "${MIG_LEFT[1]:-}" ]; then
		why="processes of the first attempt still ran: ${MIG_LEFT[1]}"
	elif [ -z "${MIG_STOPPED[2]+x}" ]; then
		why="the scenario did not run again"
	elif [ -n "${MIG_LOCKUP[2]:-}" ]; then
		why="the second attempt locked up too: ${MIG_LOCKUP[2]}"
	elif line=$(grep -P '^fail\t' "$results" | head -n 1) && [ -n "$line" ]; then
		why="the second attempt failed: $(echo "$line" | cut -f2,3 | tr '\t' ' ')"
	elif ! grep -qP '^pass\tmigrate .*expected ok' "$results"; then
		why="the second attempt gave no outcome"
	fi
	self_check_record "$name" "$why" "${MIG_LOCKUP[1]}; emulator ended; the retry migrated" \
		"lockup seen and dumped, emulator ended, scenario run again and migrated"
	rm -f "$results"
}

# judge_leg SRC_LOG DST_LOG SRC_BASE DST_BASE TO DQ: one leg of a
# scenario, from its two hosts' logs (BASE.linux: the Linux guest's
# rounds): sets outcome (ok, fail, strict, or the expected named:REG or
# fail:MESSAGE) and detail (the evidence).  Reads expect and linux.
judge_leg() {
	local src=$1 dst=$2 sbase=$3 dbase=$4 to=$5 dq=$6
	local before after status incoming event gstate said judge= jrc=1
	before=$(at "$src" "guest before" | sed -n 's/^count //p')
	status=$(at "$src" "migrate status")
	incoming=$(at "$dst" incoming)
	after=$(at "$dst" "guest after" | sed -n 's/^count //p')
	gstate=$(at "$dst" "guest state")
	if [ -n "$linux" ]; then
		# The guest's own rounds, judged across the two hosts.
		sed -n 's/^@@@ linux-guest: //p' "$src" >"$sbase.linux"
		sed -n 's/^@@@ linux-guest: //p' "$dst" >"$dbase.linux"
		judge=$(linux_judge "$sbase.linux" "$dbase.linux") && jrc=0 || jrc=1
		step "  destination ($to) done in ${SIDE_SECS}s: QEMU $(qemu_label "$dst" "$dq"); incoming ${incoming:-?}; the guest's check: $judge"
		grep -h '^@@@ guest said: ' "$dst" "$src" 2>/dev/null | sed 's/^@@@ guest said: /    guest said: /' | head -n 10 || true
	else
		step "  destination ($to) done in ${SIDE_SECS}s: QEMU $(qemu_label "$dst" "$dq"); incoming ${incoming:-?}${after:+, counter resumed at 0x$after}"
	fi
	grep -h -e '^@@@ qemu: ' -e '^@@@ event: ' "$dst" "$src" 2>/dev/null |
		sed 's/^@@@ qemu: /    QEMU says: /; s/^@@@ event: /    regfilter event: /' | head -n 8 || true
	# The strict case: the destination's filter reports the refusal.
	event=$(grep -h '^@@@ event: strict-write-refused' "$dst" 2>/dev/null | head -n 1 | sed 's/^@@@ event: //' || true)
	if [ -n "$linux" ] && [ "$status" = completed ] && [ "$incoming" = loaded ] && [ $jrc = 0 ]; then
		outcome=ok
		detail="migrated; Linux guest (2 vcpus): ${judge#ok: }"
	elif [ -n "$linux" ] && [ "$incoming" = loaded ] && [ -s "$dbase.linux" ]; then
		outcome=fail
		detail="resumed, but the Linux guest's own check failed: ${judge#BAD: }"
	elif [ "$status" = completed ] && [ "$incoming" = loaded ] && [ -n "$after" ] && [ -n "$before" ] &&
		[ $((16#$after)) -gt $((16#$before)) ] && [ $((16#$after)) -le $((16#$before + 2)) ] &&
		[ "$gstate" = ok ]; then
		outcome=ok
		detail="migrated; counter 0x$before -> 0x$after; x22-x28, TPIDR_EL0, TPIDRRO_EL0, TPIDR_EL1, CNTV_CVAL_EL0 held"
	elif [ "$incoming" = loaded ] && [ -n "$gstate" ] && [ "$gstate" != ok ]; then
		outcome=fail
		detail="resumed with a register changed: the guest says \"$gstate\""
	else
		outcome=fail
		# QEMU's own words: its error lines, destination first.
		detail=$(grep -h '^@@@ qemu: ' "$dst" "$src" |
			grep -iE 'fail|error|invalid|could not|unknown|missing' | head -n 3 |
			sed 's/^@@@ qemu: //; s/^qemu-system-aarch64: //' | paste -sd '/' | sed 's|/| / |g' || true)
		detail="did not migrate: ${detail:-status=${status:-none} incoming=${incoming:-none}}"
		said=$(grep -h '^@@@ qemu: ' "$dst" 2>/dev/null || true)
		if [ "$status" != completed ]; then
			# Only the destination's refusal is the outcome under test.
			outcome=fail
			detail="$detail (the source did not complete its migration: ${status:-no status})"
		elif [ -n "$event" ]; then
			outcome=strict
			detail="$detail; regfilter: $event"
		elif [ "${expect#named:}" != "$expect" ] &&
			grep -qw -- "${expect#named:}" <<<"$said"; then
			outcome=$expect
			detail="did not migrate: $(grep -w -- "${expect#named:}" <<<"$said" |
				head -n 2 | sed 's/^@@@ qemu: //; s/^qemu-system-aarch64: //' | paste -sd '/' | sed 's|/| / |g')"
		elif [ "${expect#fail:}" != "$expect" ] && grep -qE -- "${expect#fail:}" <<<"$said"; then
			outcome=$expect
		fi
	fi
}

migrate_one_try() {
	local from=$1 to=$2 sq=$3 dq=$4 machine=$5 sp=$6 dp=$7 expect=$8
	local name log src dst back= outcome detail there
	local t=$(date +%s) secs res filter
	# TO as B>A: a round trip A -> B -> A, the same guest; the last host
	# runs FROM's kernel, QEMU and profile again.
	if [[ $to == *'>'* ]]; then
		back=${to#*>} to=${to%%>*}
		[ "$back" = "$from" ] || die "migration scenario: a round trip must end where it began ($from -> $to -> $back)"
	fi
	filter="src=$sp dst=$dp"
	name="$from -> $to${back:+ -> $back}, QEMU $sq -> $dq, $machine, profile $filter"
	log=$O/testvm/logs/migrate-${MIG_TAG:+$MIG_TAG-}$from-$sq-$to${back:+-back}-$dq-$machine-$sp-$dp
	[ "${MIG_ATTEMPT:-1}" = 1 ] || log=$log-retry
	src=$log-src.log.txt dst=$log-dst.log.txt
	mkdir -p "$O/testvm/logs"
	# The counter's stream is a few MB; the Linux guest's (256 MB of RAM,
	# mostly untouched) some tens.  Sparse either way.
	rm -f "$MIG_IMG"
	truncate -s "$([[ ${machine%@*} == *+linux ]] && echo 512M || echo 64M)" "$MIG_IMG"
	step "migrate: $name"
	migrate_side "$from" "$sq" src "$sp" "$machine" "$log-src.log"
	local linux= before status
	[[ ${machine%@*} != *+linux ]] || linux=1
	before=$(at "$src" "guest before" | sed -n 's/^count //p')
	status=$(at "$src" "migrate status")
	if [ -n "$linux" ]; then
		step "  source ($from) done in ${SIDE_SECS}s: QEMU $(qemu_label "$src" "$sq"); Linux guest at round $(at "$src" "guest before" | awk '{ print $3 }'); migration ${status:-did not run}"
	else
		step "  source ($from) done in ${SIDE_SECS}s: QEMU $(qemu_label "$src" "$sq"); counter at 0x${before:-?}; migration ${status:-did not run}"
	fi
	MIG_CORRUPT=${MIG_CORRUPT_DST:-} migrate_side "$to" "$dq" "$([ -z "$back" ] && echo dst || echo mid)" \
		"$dp" "$machine" "$log-dst.log"
	judge_leg "$src" "$dst" "$log-src" "$log-dst" "$to" "$dq"
	if [ -n "$back" ] && [ "$outcome" = ok ]; then
		# The second leg: the middle host was its source.
		there=$detail
		step "  and back: the middle host ($to) migrated the guest on: $(at "$dst" "migrate status" || true)"
		migrate_side "$back" "$sq" dst "$sp" "$machine" "$log-back.log"
		judge_leg "$dst" "$log-back.log.txt" "$log-dst" "$log-back" "$back" "$sq"
		if [ "$outcome" = ok ]; then
			detail="there: ${there#migrated; }; back: ${detail#migrated; }"
		else
			outcome=fail
			detail="went there ($there), but not back: $detail"
		fi
	fi
	secs=$(($(date +%s) - t))
	if [ "$outcome" = "$expect" ]; then
		res=pass
		step "  as expected ($expect): $detail (${secs}s)"
	else
		res=fail
		step "  UNEXPECTED (wanted $expect, got $outcome): $detail (${secs}s); logs: $log-{src,dst${back:+,back}}.log"
	fi
	printf '%s\tmigrate %s: %s\t%s\n' "$res" "$name" "expected $expect" "$detail" >>"$MIG_RES"
	local qemus flabel
	qemus="$(qemu_label "$src" "$sq") -> $(qemu_label "$dst" "$dq")"
	flabel=$(filter_label "$sp" "$dp")
	if [ -n "$back" ]; then
		qemus+=" -> $(qemu_label "$log-back.log.txt" "$sq")"
		# A round trip's profiles stay with their hosts.
		flabel="$from host: $sp; $to host: $dp"
	fi
	MIG_ROW="| $from -> $to${back:+ -> $back} | $(cpu_label "$machine") | $(guest_label "$machine") | $qemus | $(machine_label "$machine") | $flabel | $expect | $outcome$([ $res = pass ] || echo ' (UNEXPECTED)') | ${detail//|/\\|} | ${secs}s |"
}

# The matrix's columns from a scenario's MACHINE[+linux][@CPU]: the
# emulated host CPU (and so KVM's mode), the guest, QEMU's -M.
cpu_label() {
	local cpu=max
	[[ $1 != *@* ]] || cpu=${1#*@}
	case $cpu in
	cortex-a5[37] | cortex-a72) echo "$cpu (nVHE)" ;;
	*) echo "$cpu (VHE)" ;;
	esac
}

guest_label() {
	if [[ ${1%@*} == *+linux ]]; then
		echo "Linux 6.12, 2 vcpus"
	else
		echo "bare-metal counter, 1 vcpu"
	fi
}

machine_label() {
	local m=${1%@*}
	echo "${m%+linux}"
}

# qemu_label LOG SUITE: "7.2 (bookworm)" from the side's version line.
qemu_label() {
	local v
	v=$(sed -n 's/^@@@ qemu QEMU emulator version \([^ ]*\).*/\1/p' "$1" | head -n 1)
	echo "${v:-?} ($2)"
}

filter_label() {
	if [ "$1" = none ] && [ "$2" = none ]; then
		echo "none"
	else
		echo "$([ "$1" = none ] || echo "source: $1")$([ "$1" = none ] || [ "$2" = none ] || echo ", ")$([ "$2" = none ] || echo "destination: $2")"
	fi
}

# migrate_all: every scenario, results into the run's tally, the matrix
# into $O/testvm/migrate.md.
migrate_all() {
	local line n=0 total t=$(date +%s)
	total=$(migrate_scenarios | grep -c . || true)
	[ "$total" -gt 0 ] || { step "migration: no scenario uses only the kernels under test"; return 0; }
	migrate_build
	MIG_RESULTS=$O/testvm/migrate.results
	: >"$MIG_RESULTS"
	migrate_self_check
	migrate_state_self_check
	migrate_linux_self_check
	{
		echo "| migration | host CPU (KVM) | guest | QEMU (source -> destination) | machine | filter | expected | outcome | what happened | time |"
		echo "|---|---|---|---|---|---|---|---|---|---|"
	} >"$O/testvm/migrate.md"
	while read -r line; do
		n=$((n + 1))
		step "migration scenario $n of $total"
		# Seven words, then the expectation (the rest: it may hold blanks).
		local -a w
		read -r -a w <<<"$line"
		migrate_one "${w[@]:0:7}" "${w[*]:7}"
		echo "$MIG_ROW" >>"$O/testvm/migrate.md"
	done < <(migrate_scenarios)
	MIGRATE_SECS=$(($(date +%s) - t))
	account "$O/testvm/migrate.results"
	sed 's/^/    /' "$O/testvm/migrate.md"
}

cmd_migrate() {
	local MIGRATE_SET=all
	cmd_setup
	cmd_fetch
	cmd_build
	migrate_all
	# MIGRATE_ONLY picks lines to run: the policy checks are not among them.
	[ -n "${MIGRATE_ONLY:-}" ] || qemu_policy_all
	run_summary
}

# The rig's migration self-checks alone (a lockup, a changed register, a
# Linux guest's changed memory).
cmd_migrate_self_check() {
	cmd_setup
	KERNELS="6.12 7.x" cmd_fetch
	KERNELS="6.12 7.x" cmd_build
	KERNELS="6.12 7.x"
	MIGRATE_ONLY="6.12 7.x bookworm bookworm virt+linux none none ok" migrate_build
	MIG_RESULTS=$O/testvm/migrate-self-check.results
	: >"$MIG_RESULTS"
	migrate_self_check
	migrate_state_self_check
	migrate_linux_self_check
	account "$MIG_RESULTS"
	run_summary
}

# The matrix document: every scenario, then Documentation/migration-matrix.md
# from what they did, with the exact kernels and QEMUs.
cmd_matrix() {
	local rc=0
	MIGRATE_ONLY= cmd_migrate || rc=1
	matrix_write "$TOPDIR/Documentation/migration-matrix.md"
	return $rc
}

# matrix_write FILE: the matrix of the scenarios just run ($O/testvm).
matrix_write() {
	local doc=$1 s
	{
		echo "# Migration matrix"
		echo
		echo "Generated by \`make matrix\` (\`make check\` writes its subset to build/testvm/migrate.md) on $(date -u +%Y-%m-%d) from"
		echo "real migrations between two emulated arm64 hosts (qemu-system-aarch64, EL2 on),"
		echo "each running a Debian kernel and Debian's arm64 QEMU with KVM. The scenarios are"
		echo "MIGRATE_SCENARIOS in tools/testvm/migrate.sh; Documentation/migration.md"
		echo "explains them. Do not edit: regenerate."
		echo
		echo "Columns: *host CPU* is the emulated CPU both hosts run (QEMU's -cpu; the"
		echo "cores without VHE run KVM in nVHE mode) and the guest's -cpu host. *guest*:"
		echo "the bare-metal counter (one vcpu; it counts in memory and checks x22-x28,"
		echo "TPIDR_EL0, TPIDRRO_EL0, TPIDR_EL1 and CNTV_CVAL_EL0 before every count), or"
		echo "Debian's 6.12 kernel with tools/testvm/guest/linux-check.c as /init (two"
		echo "vcpus; every round it checks per-vcpu counters, CLOCK_MONOTONIC, vcpu 1"
		echo "offline/online, taint, the kernel log, HWCAPs, PSCI, MIDR_EL1 and the ID"
		echo "registers it reads; linux_judge compares the rounds across the hosts). *what"
		echo "happened* is each outcome's evidence: the guest's own words, QEMU's error, or"
		echo "the module's refusal event; an expected failure passes only with its named cause."
		echo
		echo "Scenarios by host CPU and guest:"
		echo
		sed -n '3,$ s/^| [^|]* | \([^|]*\) | \([^|]*\) | .*/\1, \2/p' "$O/testvm/migrate.md" |
			sort | uniq -c | sed 's/^ *\([0-9]*\) \(.*\)/- \2: \1/'
		echo
		echo "Kernels:"
		echo
		for s in $KERNELS; do
			kernel_resolve "$s"
			echo "- $s: $KREL ($PKG_IMAGE $KVER)"
		done
		echo
		echo "QEMU (Debian arm64 packages in the hosts' root file systems; trixie-rf is"
		echo "trixie's with tools/qemu/patches, built by \`make qemu\`):"
		echo
		sed -n 's/^@@@ qemu \(QEMU emulator version .*\)/\1/p' "$O"/testvm/logs/migrate-*.log.txt 2>/dev/null |
			tr -d '\r' | sort -u | sed 's/^/- /'
		echo
		echo "Filter: a profile put on that side's unmodified QEMU with"
		echo "\`regctl run --profile NAME -- qemu-system-aarch64 ...\`; default:NAME, the host's"
		echo "default (\`regctl set-default NAME\`, QEMU not under regctl); with trixie-rf, none"
		echo "is given: the machine type carries its own (virt-10.0: linux-6.12-view)."
		echo
		cat "$O/testvm/migrate.md"
		echo
		echo "$(count '^pass' "$O/testvm/migrate.results") of $(grep -c . "$O/testvm/migrate.results") checks as expected (each scenario counts its outcome and"
		echo "both hosts' own checks); the scenarios took ${MIGRATE_SECS:-?}s in all."
		if ls "$O"/testvm/logs/qemu-policy-*.log.results >/dev/null 2>&1; then
			echo
			echo "## The patched QEMU's policy (tools/testvm/qemu-policy)"
			echo
			for s in "$O"/testvm/logs/qemu-policy-*.log; do
				echo "In a ${s##*qemu-policy-} host:"
				echo
				grep -a '^# \(not \)\?ok' "$s.txt" | sed 's/^# /- /'
				echo
			done | sed 's/\.log host:/ host:/'
		fi
	} >"$doc.new"
	mv "$doc.new" "$doc"
	step "wrote $doc"
}

cmd_demo() {
	cmd_setup
	KERNELS="6.12 7.x" cmd_fetch
	KERNELS="6.12 7.x" cmd_build
	MIGRATE_ONLY="6.12 7.x bookworm bookworm virt none none fail" KERNELS="6.12 7.x" migrate_build
	MIG_RESULTS=$O/testvm/migrate.results
	: >"$MIG_RESULTS"
	cat <<-'TXT'

	=== regfilter demo ===
	A guest counts in memory and prints its count. It runs under Debian 12's
	QEMU with KVM on an emulated arm64 host with Debian's 6.12 kernel, then
	migrates to a host with Debian's 7.x kernel. 6.12 shows the guest three
	registers (TCR2_EL1, PIRE0_EL1, PIR_EL1) that 7.x does not have, so
	QEMU on the destination refuses the state.

	First, as things are today:
	TXT
	migrate_one 6.12 7.x bookworm bookworm virt none none \
		"fail:Failed to load cpu:cpreg_vmstate_array_len"
	cat <<-'TXT'

	Now the same, with the source QEMU started under the kernel filter:
	  regctl run --profile linux-7.x-view -- qemu-system-aarch64 ...
	The profile (derived from captures of both kernels) hides those three
	registers where the CPU lacks their features and adds the one 7.x has,
	so the VM shows 7.x's register list from its first moment.
	TXT
	migrate_one 6.12 7.x bookworm bookworm virt linux-7.x-view none ok
	account "$O/testvm/migrate.results"
	echo
	if [ "$RUN_FAIL" -eq 0 ]; then
		echo "The guest failed to move without the filter and resumed its count with it."
	else
		echo "The demo did not go as described: see the lines above."
	fi
	[ "$RUN_FAIL" -eq 0 ]
}

# qemu_policy_all: in a 6.12 and a 7.x host, the patched QEMU's
# kvm-reg-profile without the module (warns; refuses when required) and
# with it (virt-10.0 binds itself; an identity on 6.12; opt-out).
qemu_policy_all() {
	local s log initrd attempt why
	for s in 6.12 7.x; do
		[[ " $KERNELS " == *" $s "* ]] || continue
		kernel_resolve "$s"
		initrd=$O/testvm/initrd-migrate-$KREL-trixie-rf.img
		qemu_patched_rootfs
		guest_build
		initramfs_for "$O/kmod/$KREL/kvm_regfilter.ko" "$initrd" "$QEMU_ROOTFS"
		mkdir -p "$O/testvm/logs"
		rm -f "$O/testvm/logs/qemu-policy-$s-retry.log"*
		# As for the scenarios: a host voided by the emulated host's
		# known fault (known_fault) runs once more, its checks skipped.
		for attempt in 1 2; do
			log=$O/testvm/logs/qemu-policy-$s.log
			[ "$attempt" = 1 ] || log=$O/testvm/logs/qemu-policy-$s-retry.log
			step "patched QEMU's policy on $s: without the module, then with it"
			REGFILTER_VM_MEM=2048 REGFILTER_VM_TIMEOUT=300 \
				vm_start "$s" vhe "$initrd" qemu-policy "$log"
			while kill -0 "$JOB_PID" 2>/dev/null; do
				sleep 2
				lockup_watch "$JOB_PID" "$log" "qemu-policy $s"
			done
			wait "$JOB_PID" 2>/dev/null || true
			vm_verdict "$log" "qemu-policy $s" vhe "$log.results" || vm_report "$log" "$log.results"
			step "patched QEMU's policy on $s: $VERDICT"
			grep -a '^# \(not \)\?ok\|^# qemu:' "$log.txt" | sed 's/^# /    /' | head -n 20
			if [ "$attempt" = 1 ] && grep -qP '^fail\t' "$log.results" && why=$(known_fault "$log"); then
				step "patched QEMU's policy on $s: the emulated host's known fault ($why): this attempt is recorded as skipped; running it once more"
				results_skipped "$why" <"$log.results" >"$log.results.skipped" &&
					mv "$log.results.skipped" "$log.results"
				account "$log.results"
				continue
			fi
			account "$log.results"
			break
		done
	done
}

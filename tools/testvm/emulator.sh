# SPDX-License-Identifier: GPL-2.0
# Which qemu-system-aarch64 emulates the arm64 test hosts, and how often
# an emulated 7.x VHE host locks up under each (make lockup-rate).
#
# REGFILTER_EMULATOR:
#   bookworm            Debian 12's own QEMU 7.2 (the host package
#                       qemu-system-arm, installed by setup)
#   bookworm-backports  Debian 12's backport of QEMU 10.0, unpacked into
#                       the cache from the private apt tree; it runs on
#                       the host's own libraries, and nothing of it is
#                       installed into the host
#   sid                 sid's QEMU (11.x) in a root of its own made by
#                       mmdebstrap in the cache, run through that root's
#                       dynamic loader and libraries (the host's glibc is
#                       too old for it); nothing is installed into the
#                       host.  Its -cpu max has FEAT_TCR2, S1PIE and
#                       S1POE, which QEMU 7.2's and 10.0's lack.
# The default stays bookworm: the profiles, the blessed lists and the
# migration expectations were captured on its `-cpu max`, and QEMU 10.0's
# `-cpu max` is another CPU (it has FEAT_NV2: 6.12 then shows
# ID_AA64MMFR2_EL1.NV=2 and 7.x shows 0, so 7.x -> 6.12 fails on a value).
# Documentation/testing.md, "The emulator", has the lockup figures.

EMULATOR_DEFAULT=bookworm

# emulator_setup: sets EMULATOR_BIN (and EMULATOR, EMULATOR_VERSION).
emulator_setup() {
	EMULATOR=${REGFILTER_EMULATOR:-$EMULATOR_DEFAULT}
	case $EMULATOR in
	bookworm) EMULATOR_BIN=qemu-system-aarch64 ;;
	bookworm-backports) emulator_unpack bookworm-backports ;;
	sid) emulator_sid ;;
	*) die "REGFILTER_EMULATOR=$EMULATOR: unknown (bookworm, bookworm-backports or sid)" ;;
	esac
	EMULATOR_VERSION=$("$EMULATOR_BIN" --version | sed -n '1s/^QEMU emulator version //p')
	[ -n "$EMULATOR_VERSION" ] ||
		die "the emulator $EMULATOR_BIN ($EMULATOR) does not run; try REGFILTER_EMULATOR=bookworm"
}

# emulator_bin NAME: the path of emulator NAME (made if need be), for one
# job that runs under another emulator than the run's; changes nothing.
emulator_bin() {
	(
		REGFILTER_EMULATOR=$1
		emulator_setup >&2
		echo "$EMULATOR_BIN"
	)
}

# emulator_unpack SUITE: that suite's amd64 qemu-system-arm, unpacked once
# into $REGFILTER_CACHE/emulator/SUITE-VERSION; sets EMULATOR_BIN.
emulator_unpack() {
	local suite=$1 ver dir deb
	ver=$(papt apt-cache madison qemu-system-arm |
		awk -F'|' -v s="$suite/main amd64" 'index($3, s) && !v { v = $2; gsub(/ /, "", v) } END { print v }')
	[ -n "$ver" ] || die "no qemu-system-arm in $suite for amd64 in the private apt lists ($APTDIR)"
	dir=$REGFILTER_CACHE/emulator/$suite-${ver//[:~+]/_}
	if [ ! -x "$dir/qemu-system-aarch64" ]; then
		deb=$(fetch_deb "qemu-system-arm:amd64=$ver")
		rm -rf "$dir.new" && mkdir -p "$dir.new"
		dpkg-deb -x "$deb" "$dir.new"
		# Its own (absent) module folder: the host's QEMU 7.2 modules
		# are of another build and only make it complain.
		printf '#!/bin/sh\nQEMU_MODULE_DIR=%s/usr/lib/x86_64-linux-gnu/qemu exec %s/usr/bin/qemu-system-aarch64 "$@"\n' \
			"$dir" "$dir" >"$dir.new/qemu-system-aarch64"
		chmod +x "$dir.new/qemu-system-aarch64"
		rm -rf "$dir" && mv "$dir.new" "$dir"
		step "emulator: qemu-system-arm $ver ($suite) unpacked into $dir"
	fi
	EMULATOR_BIN=$dir/qemu-system-aarch64
}

# emulator_sid: sid's qemu-system-arm in $REGFILTER_CACHE/emulator/sid-root,
# made once (about 20 s and 274 MB here); sets EMULATOR_BIN to a wrapper
# that runs it on that root's own loader and libraries.
emulator_sid() {
	local dir=$REGFILTER_CACHE/emulator/sid-root mirror
	if [ ! -e "$dir/.ready" ]; then
		mirror=${REGFILTER_MIRROR:-$(host_mirror debian)} ||
			die "no Debian mirror found in /etc/apt/sources*; set REGFILTER_MIRROR"
		rm -rf "$dir" "$dir.new"
		mkdir -p "${dir%/*}"
		step "emulator: sid's qemu-system-arm into $dir (one time)"
		timed "sid emulator root" mmdebstrap --variant=apt --mode=root \
			--aptopt='Acquire::Check-Valid-Until "false"' \
			--include=qemu-system-arm sid "$dir.new" "$mirror" ||
			die "mmdebstrap of sid's qemu-system-arm failed (see above)"
		printf '#!/bin/sh\nr=%s\nQEMU_MODULE_DIR=$r/usr/lib/x86_64-linux-gnu/qemu exec $r/lib64/ld-linux-x86-64.so.2 --library-path $r/usr/lib/x86_64-linux-gnu $r/usr/bin/qemu-system-aarch64 -L $r/usr/share/qemu "$@"\n' \
			"$dir" >"$dir.new/qemu-system-aarch64"
		chmod +x "$dir.new/qemu-system-aarch64"
		mv "$dir.new" "$dir"
		touch "$dir/.ready"
	fi
	EMULATOR_BIN=$dir/qemu-system-aarch64
}

# cmd_lockup_rate: REGFILTER_LOCKUP_BOOTS (default 20) boots of 7.x in VHE
# mode under each emulator of REGFILTER_EMULATORS, interleaved so that both
# see the same load beside them (JOBS hosts at once, one emulator after
# the other), each running the bench's load with the module never loaded
# (run mode bench-stock: the reproducer of Documentation/migration.md,
# Findings).  Each boot is judged: clean, the emulator's known lockup
# (lockup_known), another lockup, or another failure.  Prints one line a
# boot and the tally per emulator.
cmd_lockup_rate() {
	local emus=${REGFILTER_EMULATORS:-bookworm bookworm-backports} n=${REGFILTER_LOCKUP_BOOTS:-20}
	local e i pid log what kind t0=$(date +%s) initrd
	local -A bin ver boots known other clean failed secs
	local -a running=() order=()
	cmd_setup
	KERNELS=7.x cmd_fetch
	KERNELS=7.x cmd_build
	kernel_resolve 7.x
	initrd=$O/testvm/initrd-$KREL.img
	for e in $emus; do
		REGFILTER_EMULATOR=$e emulator_setup
		bin[$e]=$EMULATOR_BIN ver[$e]=$EMULATOR_VERSION
		boots[$e]=0 known[$e]=0 other[$e]=0 clean[$e]=0 failed[$e]=0 secs[$e]=0
	done
	for i in $(seq 1 "$n"); do
		for e in $emus; do order+=("$e $i"); done
	done
	mkdir -p "$O/testvm/logs"
	step "lockup rate: $n boots of $KREL (VHE, -cpu $(mode_cpu vhe), bench-stock ${REGFILTER_BENCH:-5,32}) under each of: $(for e in $emus; do printf '%s (QEMU %s) ' "$e" "${ver[$e]}"; done)"
	local -A start emu_of
	while [ ${#order[@]} -gt 0 ] || [ ${#running[@]} -gt 0 ]; do
		while [ ${#order[@]} -gt 0 ] && [ ${#running[@]} -lt "$JOBS" ]; do
			read -r e i <<<"${order[0]}"
			order=("${order[@]:1}")
			log=$O/testvm/logs/lockup-rate-$e-$i.log
			rm -f "$log"*
			EMULATOR_BIN=${bin[$e]} REGFILTER_BENCH=${REGFILTER_BENCH:-5,32} REGFILTER_VM_TIMEOUT=900 \
				vm_start 7.x vhe "$initrd" bench-stock "$log"
			start[$JOB_PID]=$(date +%s) emu_of[$JOB_PID]="$e $i"
			running+=("$JOB_PID")
		done
		sleep 2
		local -a still=()
		for pid in "${running[@]}"; do
			read -r e i <<<"${emu_of[$pid]}"
			log=${VM_LOG[$pid]:-$O/testvm/logs/lockup-rate-$e-$i.log}
			if proc_alive "$pid"; then
				lockup_watch "$pid" "$log" "lockup rate: $e boot $i"
				proc_alive "$pid" && { still+=("$pid"); continue; }
			fi
			wait "$pid" 2>/dev/null || true
			log=$O/testvm/logs/lockup-rate-$e-$i.log
			tr -d '\r' <"$log" >"$log.txt" 2>/dev/null || : >"$log.txt"
			boots[$e]=$((boots[$e] + 1))
			secs[$e]=$((secs[$e] + $(date +%s) - start[$pid]))
			if what=$(lockup_seen "$log.txt"); then
				if lockup_known "$log.cpus" >/dev/null; then
					known[$e]=$((known[$e] + 1)) kind="LOCKUP (the known EL2 panic loop): $what"
				else
					other[$e]=$((other[$e] + 1)) kind="LOCKUP of another kind: $what; $(lockup_known "$log.cpus")"
				fi
			elif grep -q '^@@@ bench end rc=0' "$log.txt" && grep -q '^@@@ done' "$log.txt" &&
				! grep -qE '(WARNING:|BUG:|Oops|Call trace:|Kernel panic|Unable to handle)' "$log.txt"; then
				clean[$e]=$((clean[$e] + 1)) kind=clean
			else
				failed[$e]=$((failed[$e] + 1))
				kind="failed otherwise: $(grep -m1 -aE '(WARNING:|BUG:|Oops|Kernel panic|Unable to handle|@@@ bench end)' "$log.txt" || echo "no end of bench; see $log")"
			fi
			step "lockup rate: $e (QEMU ${ver[$e]}) boot $i: $kind ($(($(date +%s) - start[$pid]))s)"
		done
		running=("${still[@]+"${still[@]}"}")
	done
	step "lockup rate, 7.x VHE, bench-stock, $JOBS hosts at once, $(($(date +%s) - t0))s in all:"
	for e in $emus; do
		printf '    %-20s QEMU %-45s %3d boots: %d known lockups, %d other lockups, %d other failures, %d clean; %ds a boot\n' \
			"$e" "${ver[$e]}" "${boots[$e]}" "${known[$e]}" "${other[$e]}" "${failed[$e]}" "${clean[$e]}" \
			$((secs[$e] / (boots[$e] > 0 ? boots[$e] : 1)))
	done
}

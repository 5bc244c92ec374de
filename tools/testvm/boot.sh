# SPDX-License-Identifier: GPL-2.0
# Booting a kernel in an emulated arm64 KVM host and judging the run.

# Modes: KVM in VHE (-cpu max) or nVHE (-cpu cortex-a57).  pauth-impdef
# swaps QARMA for QEMU's cheap implementation-defined pointer
# authentication, which makes -cpu max several times faster to emulate.
mode_cpu() {
	# A job's own CPU (cpu=NAME: vm_start), for the mode it belongs to.
	if [ -n "${VM_CPU:-}" ]; then
		echo "$VM_CPU"
		return
	fi
	case $1 in
	vhe) echo max,pauth-impdef=on ;;
	nvhe) echo cortex-a57 ;;
	*) die "unknown mode '$1' (vhe or nvhe)" ;;
	esac
}

# vm_cmd INITRD RUN: the qemu command line for kernel $VMLINUZ in $MODE.
vm_cmd() {
	local initrd=$1 run=$2
	echo "${EMULATOR_BIN:-qemu-system-aarch64}" -M virt,virtualization=on,gic-version=3 \
		-cpu "$(mode_cpu "$MODE")" -smp "${REGFILTER_VM_SMP:-2}" \
		-m "${REGFILTER_VM_MEM:-1024}" -no-reboot -nic none \
		-kernel "$VMLINUZ" -initrd "$initrd" \
		-append "'console=ttyAMA0 panic=-1 quiet nokaslr regfilter.run=$run ${REGFILTER_BENCH:+regfilter.bench=$REGFILTER_BENCH} ${VM_APPEND:-}'" \
		${VM_ARGS:-}
}

# Each host's QMP and gdbstub sockets, for cpu-state.  Under /tmp: a socket path must
# fit in 108 bytes, which $O need not.  One folder per testvm run, made
# here (not in a subshell) and removed when testvm exits.
QMP_DIR=$(mktemp -d /tmp/testvm-qmp.XXXXXX)
# Nothing a run started outlives it: hosts still running when testvm
# exits, however it exits, are stopped (vm_stop_all).
trap 'vm_stop_all; rm -rf "$QMP_DIR"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
vm_qmp() {
	# Named by a hash of the log's path: log names can be long.  "gdb"
	# as a second argument: the gdbstub's socket.
	echo "$QMP_DIR/$(echo "$1" | md5sum | cut -c1-12).${2:-qmp}"
}

# vm_kallsyms: the kernel's text symbols of $KREL (the rig boots with
# nokaslr, so they hold for every boot), from one boot in run mode
# kallsyms; cached.  7.x ships no System.map.  Modules' symbols are left
# out: where a module sits depends on what was loaded before it.
vm_kallsyms() {
	local f=$KDIR/kallsyms log
	if [ ! -s "$f" ]; then
		log=$(mktemp)
		eval "timeout 300 $(vm_cmd "$O/testvm/initrd-$KREL.img" kallsyms)" -display none \
			-monitor none -serial "file:$log" </dev/null >/dev/null 2>&1 || true
		tr -d '\r' <"$log" | sed -n '/^@@@ kallsyms begin/,/^@@@ kallsyms end/p' |
			grep -v '^@@@\|\[' >"$f.new" || true
		rm -f "$log"
		[ -s "$f.new" ] && mv "$f.new" "$f"
		rm -f "$f.new"
	fi
	[ -s "$f" ] && echo "$f"
	return 0
}

# proc_alive PID: PID runs (a zombie, exited but not yet reaped, does not).
proc_alive() {
	local state
	[ -n "$1" ] || return 1
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# vm_stop PID LOG: end the host started by vm_start as PID (timeout(1)
# around the emulator) and wait until the emulator itself is gone: TERM
# to both, KILL after 10 s.  Fails, saying so, if it still runs after
# that; nothing that uses the host's files (its disk image) may start
# before this returns.
vm_stop() {
	local pid=$1 log=$2 qpid= i sig=TERM
	[ ! -r "$log.pid" ] || read -r qpid <"$log.pid" || true
	# Only the emulator this host started: a pid from the file is
	# trusted if that process has LOG on its command line.
	if [ -n "$qpid" ] && ! tr '\0' ' ' <"/proc/$qpid/cmdline" 2>/dev/null | grep -qF -- "$log"; then
		qpid=
	fi
	for i in $(seq 1 30); do
		proc_alive "$pid" || proc_alive "$qpid" || break
		[ "$i" != 21 ] || sig=KILL
		if [ "$i" = 1 ] || [ "$i" = 21 ]; then
			kill -s "$sig" "$pid" 2>/dev/null || true
			[ -z "$qpid" ] || kill -s "$sig" "$qpid" 2>/dev/null || true
		fi
		sleep 0.5
	done
	wait "$pid" 2>/dev/null || true
	if proc_alive "$pid" || proc_alive "$qpid"; then
		echo "testvm: the emulator of $log (pid ${qpid:-?}, timeout pid $pid) still runs after SIGKILL" >&2
		return 1
	fi
	unset "VM_LOG[$pid]"
	return 0
}

# vm_stop_all: every host vm_start started that still runs (at exit).
vm_stop_all() {
	local pid
	for pid in "${!VM_LOG[@]}"; do
		proc_alive "$pid" && vm_stop "$pid" "${VM_LOG[$pid]}"
	done
	return 0
}

# lockup_seen LOG: what the console says of a lockup, if it says any.
lockup_seen() {
	grep -m1 -aoE 'Watchdog detected hard LOCKUP on cpu [0-9]+|rcu_[a-z]* detected stalls|soft lockup - CPU#[0-9]+' \
		"$1" 2>/dev/null
}

# lockup_known CPUS: the dump (cpu-state, named) shows the emulated
# host's own lockup, the only one a retry may pass over: a CPU going round
# KVM's hyp panic path (el2_sync, kvm_unexpected_el2_exception,
# __guest_exit_restore_elr_and_panic, __guest_exit_panic, __guest_exit;
# Documentation/migration.md, Findings: four samples may catch any of
# them, the first three are named only on that path) and no frame in a
# module's text.
# Prints why not, otherwise.
lockup_known() {
	if [ ! -s "$1" ]; then
		echo "no cpu-state dump ($1)"
		return 1
	fi
	if grep -q '(module text)' "$1"; then
		echo "a CPU was in a module's text (see the dump)"
		return 1
	fi
	if ! grep -qE 'kvm_unexpected_el2_exception|__guest_exit_restore_elr_and_panic|__guest_exit_panic' "$1"; then
		echo "not the emulator's known EL2 panic loop (see the dump)"
		return 1
	fi
	return 0
}

# warn_known LOG: the console log's only report is emulated 7.2's own
# vcpu load/put slip: KVM's "WARNING: arch/arm64/kvm/debug.c:157 at
# kvm_vcpu_load_debug" (a vcpu loaded twice; KVM_BUG_ON, so the VM is
# dead), with kvm_arch_vcpu_load in its trace and no frame of the module
# above kvm_vcpu_ioctl (the module may only be the ioctl's caller).  Seen
# in 5 of 78 emulated 7.x VHE hosts that never loaded the module
# (Documentation/migration.md, Findings), so, as for the known lockup, a
# retry may pass over it once.  Prints the WARNING line if so; otherwise
# prints nothing and fails.  A second distinct WARNING, any other report,
# or a module frame on KVM's side of the trace is not this.
warn_known() {
	awk '
	function other_report() {
		return $0 ~ /(WARNING:|BUG:|Oops|Call trace:|lockup|Kernel panic|Unable to handle|rcu_.*stall|hung_task|refcount_t:|UBSAN:|new suspected memory leak|unreferenced object 0x)/
	}
	/WARNING: arch\/arm64\/kvm\/debug\.c:[0-9]+ at kvm_vcpu_load_debug\+/ {
		# The console and the final dmesg dump show the same block,
		# with the same time stamp; KVM_BUG_ON warns once a boot.
		line = $0; sub(/^[^[]*/, "", line)
		if (sig != "" && sig != line) bad = 1
		sig = line; inwarn = 1; intrace = 0; below = 0
		next
	}
	inwarn && /---\[ end trace/ { inwarn = 0; next }
	inwarn && /Call trace:/ { intrace = 1; next }
	inwarn && intrace {
		if ($0 ~ / kvm_arch_vcpu_load\+/) load = 1
		if ($0 ~ / kvm_vcpu_ioctl\+/) below = 1
		if (!below && $0 ~ /\[kvm_regfilter/) bad = 1
		next
	}
	inwarn { next }
	other_report() { bad = 1 }
	END {
		if (sig == "" || bad || !load) exit 1
		sub(/^.*WARNING: /, "", sig)
		print sig
	}' "$1"
}

# known_fault LOG: the host's run was voided by the emulated host's own
# known fault: a lockup in KVM's EL2 panic loop whose emulator the rig
# ended (lockup_known), or 7.2's vcpu load WARN alone (warn_known).
# Prints which; fails otherwise.
known_fault() {
	local what
	if what=$(lockup_seen "$1.txt"); then
		lockup_known "$1.cpus" >/dev/null && [ "$(cat "$1.stopped" 2>/dev/null)" = ended ] &&
			echo "$what (KVM's EL2 panic loop under the emulator)"
		return
	fi
	what=$(warn_known "$1.txt") && echo "KVM warned $what"
}

# results_skipped REASON <RESULTS: the results of an attempt that the
# emulated host's known fault voided (lockup_known, warn_known), each
# recorded as skipped "(first attempt)"; the failures keep their detail
# after REASON.
results_skipped() {
	awk -F '\t' -v OFS='\t' -v why="$1" '
	$1 == "fail" { print "skip", $2 " (first attempt)", "emulated host fault, retried: " why "; " $3; next }
	$1 == "pass" { print "skip", $2 " (first attempt)", $3; next }
	{ print }'
}

# lockup_watch PID LOG NAME: if the host's console reports a hard lockup or
# an RCU stall, ask the emulator where each CPU is (cpu-state, into
# LOG.cpus, printed by vm_report) and stop the host: it will not recover,
# and its timeout is minutes away.  A CPU stuck with interrupts masked
# cannot give its own backtrace without pseudo-NMI; the emulator can.
lockup_watch() {
	local pid=$1 log=$2 name=$3 syms what
	[ ! -e "$log.cpus" ] || return 0
	what=$(lockup_seen "$log") || return 0
	step "$name: the host locked up ($what); asking the emulator where its CPUs are"
	"$TESTVM_DIR/cpu-state" "$(vm_qmp "$log")" "$(vm_qmp "$log" gdb)" >"$log.cpus" 2>&1 || true
	if vm_stop "$pid" "$log"; then
		step "$name: the emulator has exited"
		echo "ended" >"$log.stopped"
	else
		echo "still running" >"$log.stopped"
	fi
	# Name the addresses (a cached boot of the same kernel, see above),
	# leaving the caller's kernel variables as they were.
	local KREL KVER KDIR SERIES VMLINUZ PKG_HEADERS PKG_COMMON PKG_IMAGE PKG_MODULES
	local MODE=vhe
	series_use "${VM_SERIES[$pid]}"
	syms=$(vm_kallsyms)
	if [ -n "$syms" ]; then
		"$TESTVM_DIR/cpu-state" --name "$syms" <"$log.cpus" >"$log.cpus.named" 2>/dev/null &&
			mv "$log.cpus.named" "$log.cpus"
	fi
	return 0
}

# vm_verdict LOG SERIES MODE RESULTS: turn a console log into one result
# line per check and test ("pass|fail|skip<TAB>name<TAB>detail"), print a
# one-line summary, and the kernel log excerpt on trouble.
vm_verdict() {
	local log=$1 series=$2 mode=$3 results=$4 clean qemu_err
	clean=$log.txt
	# No console at all: the emulator did not start; it said why.
	[ -e "$log" ] || : >"$log"
	qemu_err=$(grep -m1 . "$log.qemu" 2>/dev/null || true)
	tr -d '\r' <"$log" >"$clean"
	awk -v tag="$series/$mode" -v mode="$mode" -v qemu_err="$qemu_err" '
	function res(r, name, detail) {
		printf "%s\t%s: %s\t%s\n", r, tag, name, detail
	}
	/^@@@ init / { boot = 1; up = $5; run = $6; sub(/^run=/, "", run) }
	/^@@@ kvm ok: / { kvm = substr($0, 13) }
	/^@@@ kvm FAILED/ { kvmfail = substr($0, 5) }
	/^@@@ module loaded/ { modok = 1 }
	/^@@@ module FAILED/ { modfail = substr($0, 19) }
	/^@@@ module unloaded/ { unloaded = 1 }
	/^@@@ module unload FAILED/ { unloadfail = substr($0, 26) }
	/^@@@ done/ { done = 1 }
	/^@@@ dmesg begin/ { indmesg = 1; hasdmesg = 1; next }
	/^@@@ dmesg end/ { indmesg = 0; next }
	# A problem in the kernel log, wherever it shows (in the debug kernel
	# KASAN and lockdep say BUG: and WARNING:, UBSAN and kmemleak otherwise).
	/(WARNING:|BUG:|Oops|Call trace:|lockup|Kernel panic|Unable to handle|rcu_.*stall|hung_task|refcount_t:|UBSAN:|new suspected memory leak|unreferenced object 0x)/ {
		if (!bad) bad = $0
	}
	indmesg { next }
	/^# selftests: / { cur = $NF; inner_fail[cur] = 0; inner[cur] = 0 }
	# The plan a program prints: it must report exactly that many results.
	/^# 1\.\.[0-9]+$/ && cur != "" && !(cur in inner_plan) { inner_plan[cur] = substr($0, 6) + 0 }
	/^# (not )?ok [0-9]+ / && cur != "" {
		line = substr($0, 3); inner[cur]++
		name = line; sub(/^(not )?ok [0-9]+ /, "", name)
		detail = ""
		if (name ~ / # SKIP/) { detail = name; sub(/.* # SKIP */, "", detail); sub(/ # SKIP.*/, "", name) }
		if (line ~ /^not ok/) { res("fail", cur "." name, ""); inner_fail[cur]++ }
		else if (detail != "" || line ~ /# SKIP/) res("skip", cur "." name, detail)
		else res("pass", cur "." name, "")
	}
	/^(not )?ok [0-9]+ selftests: / {
		t = $0; sub(/.*selftests: [^:]*: /, "", t); split(t, parts, " "); tn = parts[1]
		finished[tn] = 1
		nprog++
		if ($1 == "not" && !inner_fail[tn])
			res("fail", tn, "test program failed: " substr(t, length(tn) + 2))
		else if (!inner[tn] && t ~ /# SKIP/) res("skip", tn, "whole program skipped")
		else if (!inner[tn]) res("fail", tn, "exited 0 but printed no TAP result")
		else if (t !~ /# SKIP/ && (tn in inner_plan) && inner_plan[tn] != inner[tn])
			res("fail", tn, "planned " inner_plan[tn] " results, reported " inner[tn])
		cur = ""
	}
	/^1\.\.[0-9]+$/ && !plan { plan = substr($0, 4) + 0 }
	END {
		res(boot ? "pass" : "fail", "kernel booted", boot ? "init after " up : \
		    qemu_err != "" ? "no output from /init; the emulator said: " qemu_err : "no output from /init")
		if (boot) {
			ok = kvm != "" && (mode == "vhe" ? kvm ~ /VHE/ && kvm !~ /nVHE/ : kvm ~ /(nVHE|Hyp mode)/)
			res(ok ? "pass" : "fail", "KVM initialised in " mode " mode", kvm != "" ? kvm : kvmfail)
			res(modok ? "pass" : "fail", "module loaded", modok ? "" : modfail)
			if (modok && run != "bench") res(unloaded ? "pass" : "fail", "module unloaded", unloadfail)
			if (cur != "") res("fail", cur, "did not finish (timeout or crash)")
			if (run != "tests") { }
			else if (!plan) res("fail", "selftests", "the runner printed no TAP plan")
			else if (nprog < plan) res("fail", "selftests", (nprog + 0) " of " plan " test programs reported")
		}
		res(done ? "pass" : "fail", "run completed", done ? "" : "the VM stopped or timed out before the end")
		res(bad == "" ? "pass" : "fail", "kernel log clean", bad)
	}' "$clean" >"$results"
	local npass nfail nskip
	npass=$(count '^pass' "$results")
	nfail=$(count '^fail' "$results")
	nskip=$(count '^skip' "$results")
	VERDICT="$npass passed, $nfail failed, $nskip skipped"
	[ "$nfail" -eq 0 ]
}

# vm_report LOG RESULTS: on failure, what a developer needs to see.
vm_report() {
	local clean=$1.txt results=$2
	grep -P '^fail\t' "$results" | cut -f2,3 | sed 's/\t/: /; s/^/    FAIL /' || true
	# The output of each failed selftest, from its RUN line to its result.
	awk '/^# #  RUN / { buf = ""; keep = 1 }
	     keep { buf = buf "    | " $0 "\n" }
	     /^# (not )?ok [0-9]+ / { if ($2 == "not") printf "%s", buf; keep = 0 }' "$clean"
	local oops='(WARNING:|BUG:|Oops|Call trace:|lockup|Kernel panic|Unable to handle|UBSAN:|unreferenced object 0x)'
	if grep -qE "$oops" "$clean"; then
		echo "    kernel log excerpt:"
		grep -m1 -B3 -A25 -E "$oops" "$clean" | sed 's/^/    | /'
	elif ! grep -q '^@@@ done' "$clean"; then
		echo "    last console lines ($clean):"
		tail -n 25 "$clean" | sed 's/^/    | /'
	fi
	if [ -s "$1.cpus" ]; then
		echo "    where the emulator saw the CPUs ($1.cpus):"
		sed 's/^/    | /' "$1.cpus"
	fi
}

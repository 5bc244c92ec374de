# SPDX-License-Identifier: GPL-2.0
# The Linux guest of the migration scenarios: Debian's arm64 kernel (the
# one the 6.12 hosts run) with guest/linux-check.c as its /init, 2 vcpus,
# under KVM in the emulated host.  The guest prints a line a round (see
# linux-check.c); linux_judge compares the source's last line with the
# destination's lines.

# linux_guest_build OUT_DIR: OUT_DIR/Image (the kernel),
# OUT_DIR/initrd.gz (the checker as /init) and OUT_DIR/counter.addr (the
# guest virtual address of its vcpu counters).
linux_guest_build() {
	local out=$1 root
	mkdir -p "$out"
	root=$(mktemp -d)
	aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -pthread \
		-o "$root/init" "$TESTVM_DIR/guest/linux-check.c" ||
		{ rm -rf "$root"; return 1; }
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initrd.gz"
	# Where the checker's vcpu counters are (a static, non-PIE binary:
	# the same address in every run), for the rig's self-check.
	aarch64-linux-gnu-nm "$root/init" | awk '$3 == "counter" { print "0x" $1 }' >"$out/counter.addr"
	[ -s "$out/counter.addr" ] || { rm -rf "$root"; echo "linux-check: no counter symbol" >&2; return 1; }
	rm -rf "$root"
	(
		kernel_resolve 6.12
		cp "$KDIR/root/boot/vmlinuz-$KREL" "$out/Image"
	)
}

# linux_judge SRC_LOG DST_LOG: "ok: ..." or "BAD: ..." on stdout, and
# the status 0 or 1.  The destination must go on from the source's last
# round: more rounds (at least LINUX_JUDGE_ROUNDS, default 3), every
# vcpu's counter past the source's, CLOCK_MONOTONIC not behind, and on
# every destination round vcpu 1's offline/online (which makes Linux read
# the destination's ID registers) ok, the taint, HWCAPs, PSCI version,
# each vcpu's MIDR_EL1 and the ID registers the guest reads as on the
# source, and a clean kernel log.
linux_judge() {
	awk -v want="${LINUX_JUDGE_ROUNDS:-3}" '
	function parse(line, a,   i, n, f, kv) {
		delete a
		n = split(line, f, " ")
		a["round"] = f[3]
		for (i = 4; i <= n; i++) {
			split(f[i], kv, "=")
			a[kv[1]] = substr(f[i], length(kv[1]) + 2)
		}
		if (line ~ / mono=BACKWARDS/)
			a["backwards"] = 1
	}
	function bad(why) { print "BAD: " why; failed = 1; exit 1 }
	{ sub(/\r$/, "") }
	!/^@@@ linux [0-9]+ / { next }
	FILENAME == ARGV[1] { src = $0; next }
	{ dst[++nd] = $0 }
	END {
		if (failed)
			exit 1
		if (src == "")
			bad("the source printed no round")
		if (nd + 0 < want)
			bad("the destination printed " nd + 0 " rounds after the migration (want " want ")")
		parse(src, s)
		if (s["hp"] != "ok" || s["klog"] != "clean" || s["taint"] != "0")
			bad("the source was not clean before the migration: " src)
		ncs = split(s["c"], sc, ",")
		for (i = 1; i <= nd; i++) {
			parse(dst[i], d)
			what = "destination round " d["round"]
			if (i == 1 && d["round"] + 0 <= s["round"] + 0)
				bad(what " is not past the source'"'"'s last, " s["round"] " (the guest started again?)")
			if (i == 1 && d["mono"] + 0 < s["mono"] + 0)
				bad(what ": CLOCK_MONOTONIC " d["mono"] " is behind the source'"'"'s " s["mono"])
			if (d["backwards"])
				bad(what ": CLOCK_MONOTONIC went back")
			if (d["hp"] != "ok")
				bad(what ": vcpu 1 offline/online: " d["hp"])
			if (d["taint"] != s["taint"])
				bad(what ": kernel taint " d["taint"] " (was " s["taint"] ")")
			if (d["klog"] != "clean")
				bad(what ": kernel log: " d["klog"])
			if (d["hwcap"] != s["hwcap"])
				bad(what ": HWCAPs " d["hwcap"] " (were " s["hwcap"] ")")
			if (d["psci"] != s["psci"])
				bad(what ": PSCI " d["psci"] " (was " s["psci"] ")")
			if (d["midr"] != s["midr"])
				bad(what ": MIDR_EL1 " d["midr"] " (was " s["midr"] ")")
			if (d["id"] != s["id"])
				bad(what ": ID registers " d["id"] " (were " s["id"] ")")
			ncd = split(d["c"], dc, ",")
			if (ncd != ncs)
				bad(what ": " ncd " vcpu counters (were " ncs ")")
			for (j = 1; j <= ncs; j++)
				if (dc[j] + 0 <= sc[j] + 0)
					bad(what ": vcpu " j - 1 "'"'"'s counter " dc[j] " is not past " sc[j])
		}
		printf "ok: rounds %s -> %s..%s, %d vcpu counters went on, vcpu 1 offline/online %d times, PSCI %s, HWCAPs, MIDRs, ID registers and taint %s held, kernel log clean\n",
			s["round"], substr(dst[1], 11) + 0, d["round"], ncs, nd, s["psci"], s["taint"]
	}' "$1" "$2"
}

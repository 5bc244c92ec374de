# SPDX-License-Identifier: GPL-2.0
# Root file systems with Debian's arm64 QEMU for the migration hosts,
# unpacked on the x86 host by mmdebstrap (no arm64 code runs here), packed
# as a cpio archive that goes below the usual initramfs.  Cached.

# qemu_rootfs SUITE: sets QEMU_ROOTFS (bookworm: QEMU 7.2, trixie: 10.0,
# sid: 11.x).
qemu_rootfs() {
	local suite=$1 dir mirror opts=() s
	QEMU_ROOTFS=$REGFILTER_CACHE/rootfs/qemu-$suite.cpio.gz
	[ -s "$QEMU_ROOTFS" ] && return 0
	mirror=${REGFILTER_MIRROR:-$(host_mirror debian)}
	dir=$REGFILTER_CACHE/rootfs/qemu-$suite
	rm -rf "$dir"
	mkdir -p "$REGFILTER_CACHE/rootfs"
	[ "$suite" = bookworm ] || opts=(--aptopt='Acquire::Check-Valid-Until "false"')
	s=$(date +%s)
	step "rootfs: Debian $suite's arm64 QEMU (mmdebstrap, one time)"
	timed "mmdebstrap $suite" mmdebstrap --variant=extract --architectures=arm64 \
		--include=qemu-system-arm --mode=root "${opts[@]}" "$suite" "$dir" "$mirror" ||
		die "mmdebstrap of $suite failed"
	# Extracted, not installed: make the merged-/usr links ourselves.
	for l in bin lib sbin; do
		[ -e "$dir/$l" ] || ln -s "usr/$l" "$dir/$l"
	done
	rm -rf "$dir"/usr/share/{doc,man,locale,info,lintian}
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$QEMU_ROOTFS.tmp"
	mv "$QEMU_ROOTFS.tmp" "$QEMU_ROOTFS"
	rm -rf "$dir"
	step "rootfs: qemu-$suite.cpio.gz, $(du -h "$QEMU_ROOTFS" | cut -f1), in $(($(date +%s) - s))s"
}

# The migration test's guest.
guest_build() {
	mkdir -p "$O/guest"
	aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40080000 -Wl,--build-id=none \
		-o "$O/guest/counter.elf" "$TESTVM_DIR/guest/counter.S"
}

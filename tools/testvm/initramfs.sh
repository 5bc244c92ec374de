# SPDX-License-Identifier: GPL-2.0
# The test host's initramfs: a common part (busybox, /init, the selftests
# and arm64 tools) and a per-kernel part (the module built for it), two cpio
# archives concatenated, which the kernel unpacks one after the other.

busybox_fetch() {
	local dir=$REGFILTER_CACHE/busybox
	BUSYBOX=$dir/busybox
	[ -x "$BUSYBOX" ] && return 0
	local deb tmp
	deb=$(fetch_deb busybox-static:arm64) || die "cannot download busybox-static:arm64"
	tmp=$(mktemp -d)
	dpkg-deb -x "$deb" "$tmp"
	mkdir -p "$dir"
	cp "$tmp/usr/bin/busybox" "$BUSYBOX" 2>/dev/null ||
		cp "$tmp/bin/busybox" "$BUSYBOX" 2>/dev/null ||
		die "no busybox binary in $deb"
	rm -rf "$tmp"
}

# initramfs_base OUT: the common archive, from the installed selftests.
initramfs_base() {
	local out=$1 root=$O/testvm/rootfs
	rm -rf "$root" && mkdir -p "$root"/bin "$root"/lib/modules "$root"/selftests
	cp "$BUSYBOX" "$root/bin/busybox"
	cp "$TESTVM_DIR/init" "$root/init"
	cp -r "$O/selftests/install/." "$root/selftests/"
	if [ -d "$O/arm64/bin" ]; then
		mkdir -p "$root/usr/sbin"
		cp -r "$O/arm64/bin/." "$root/usr/sbin/"
	fi
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# initramfs_for KO OUT: base + the module.
initramfs_for() {
	local ko=$1 out=$2 root
	root=$(mktemp -d)
	mkdir -p "$root/lib/modules"
	cp "$ko" "$root/lib/modules/kvm_regfilter.ko"
	{
		cat "$O/testvm/base.cpio.gz"
		(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1)
	} >"$out"
	rm -rf "$root"
}

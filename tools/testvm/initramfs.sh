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
	# Nothing under /lib: a root file system below may have /lib -> usr/lib,
	# which a directory entry here would replace.
	rm -rf "$root" && mkdir -p "$root"/bin "$root"/regfilter "$root"/selftests
	cp "$BUSYBOX" "$root/bin/busybox"
	cp "$TESTVM_DIR/init" "$root/init"
	cp -r "$O/selftests/install/." "$root/selftests/"
	if [ -d "$O/arm64/bin" ]; then
		mkdir -p "$root/usr/sbin"
		cp -r "$O/arm64/bin/." "$root/usr/sbin/"
	fi
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# modules_tree KO ROOT: the module where modprobe finds it, for the
# auto-load test (MODULE_ALIAS_GENL_FAMILY): /lib/modules/$KREL/extra with
# modules.dep and modules.alias from the host's depmod (it reads arm64
# modules as well), and /sbin/modprobe (busybox, which reads both).  Only
# without a root file system below, whose /lib may be a symlink (usr/lib)
# that a directory here would replace.
modules_tree() {
	local ko=$1 root=$2 md=$2/lib/modules/$KREL
	mkdir -p "$md/extra" "$root/sbin"
	cp "$ko" "$md/extra/kvm_regfilter.ko"
	# Files depmod reads from a kernel's own tree; none is needed here.
	touch "$md/modules.order" "$md/modules.builtin" "$md/modules.builtin.modinfo"
	depmod -b "$root" "$KREL" || die "depmod -b $root $KREL failed"
	ln -s /bin/busybox "$root/sbin/modprobe"
}

# initramfs_for KO OUT [BELOW]: [BELOW +] base + /regfilter (the module,
# and for migration hosts the virtio block modules, the guest, profiles).
initramfs_for() {
	local ko=$1 out=$2 below=${3:-} root m
	root=$(mktemp -d)
	mkdir -p "$root/regfilter"
	cp "$ko" "$root/regfilter/kvm_regfilter.ko"
	if [ -n "$below" ]; then
		mkdir -p "$root/regfilter/virtio" "$root/regfilter/profiles"
		# 6.1 has virtio_pci as modules too; 6.12 and 7.x compress them.
		for m in virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk; do
			local f
			f=$(find "$KDIR/root/" -path "*/modules/$KREL/*" -name "$m.ko*" | head -n 1)
			[ -n "$f" ] || continue
			case $f in
			*.xz) xz -dc "$f" >"$root/regfilter/virtio/$m.ko" ;;
			*.zst) zstd -qdc "$f" >"$root/regfilter/virtio/$m.ko" ;;
			*) cp "$f" "$root/regfilter/virtio/$m.ko" ;;
			esac
		done
		cp "$O/guest/counter.elf" "$TESTVM_DIR/migrate-host" "$TESTVM_DIR/qemu-policy" \
			"$root/regfilter/"
		# The shipped target views and the scenarios' test profiles.
		cp "$TOPDIR"/tools/profiles/*.profile "$TESTVM_DIR"/profiles/*.profile \
			"$root/regfilter/profiles/"
	else
		modules_tree "$ko" "$root"
	fi
	{
		[ -z "$below" ] || cat "$below"
		cat "$O/testvm/base.cpio.gz"
		(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1)
	} >"$out"
	rm -rf "$root"
}

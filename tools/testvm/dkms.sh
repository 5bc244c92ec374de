# SPDX-License-Identifier: GPL-2.0
# The DKMS path, as far as a build host of another architecture can take
# it: `make -C kmod dkms-install` lays the sources out for DKMS, then DKMS's
# own `add` and `build` (dkms.conf's MAKE line, cross-compiled for arm64
# against the kernel's headers) in a private DKMS tree, nothing in the
# host's /usr/src or /var/lib/dkms.  The module DKMS builds must carry the
# package version and the same vermagic as the rig's own build.
#
# Not covered here: `dkms install` runs depmod on /lib/modules/$KREL, which
# an x86 build host does not have (it fails "Problems with depmod" and rolls
# back), and 7.x, whose headers need sid's gcc 16 (the rig builds 7.x in a
# sid chroot without DKMS).  BTF is off, as in the rig's own builds
# (linux-kbuild is unpacked, not installed, so its pahole is not here).

# dkms_check SERIES: one result line in the tally.
dkms_check() {
	local ver=0.dkms-check t ko= want got res
	kernel_resolve "$1"
	t=$O/dkms/$KREL
	res=$t.results
	rm -rf "$t" && mkdir -p "$t/tree"
	if make -s -C "$TOPDIR/kmod" dkms-install DESTDIR="$t" SRCDIR=/src \
		REGFILTER_VERSION=$ver >"$t.log" 2>&1 &&
		(cd "$t" &&
		 dkms add -m kvm-regfilter -v $ver --sourcetree "$t/src" --dkmstree "$t/tree" &&
		 ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
		 MAKEFLAGS=CONFIG_DEBUG_INFO_BTF_MODULES= \
		 dkms build -m kvm-regfilter -v $ver --sourcetree "$t/src" \
			--dkmstree "$t/tree" -k "$KREL" -a aarch64 \
			--kernelsourcedir "$KDIR/root/usr/src/linux-headers-$KREL") \
		>>"$t.log" 2>&1; then
		ko=$(find "$t/tree" -path "*/$KREL/aarch64/module/kvm_regfilter.ko*" | head -n 1)
	fi
	want=$(modinfo -F vermagic "$O/kmod/$KREL/kvm_regfilter.ko" 2>/dev/null) || want=none
	got=$(modinfo -F vermagic "$ko" 2>/dev/null) || got=
	if [ "$got" = "$want" ] && [ "$(modinfo -F version "$ko")" = $ver ]; then
		printf 'pass\thost: dkms add and build for %s\t\n' "$KREL" >"$res"
		step "dkms add and build for $KREL: $(basename "$ko"), vermagic $got"
	else
		printf 'fail\thost: dkms add and build for %s\tsee %s.log\n' "$KREL" "$t" >"$res"
		step "dkms add and build for $KREL FAILED; log: $t.log"
		tail -n 15 "$t.log" | sed 's/^/    /'
	fi
	account "$res"
}

# SPDX-License-Identifier: GPL-2.0
# Debian's arm64 kernels: which package is newest in each series, fetching
# and unpacking it with its headers, and cross-building kmod/ against it.
#
# Series:   6.1  bookworm(-security)   built by Debian with gcc 12
#           6.12 bookworm-backports    built with gcc 12
#           7.x  sid                   built with gcc 16: its headers and
#                                      kbuild tools need sid's toolchain and
#                                      libc, so it builds in a sid chroot.

ALL_SERIES="6.1 6.12 7.x"

series_headers_regex() {
	case $1 in
	6.1) echo '^linux-headers-6\.1\.0-[0-9]+-arm64$' ;;
	6.12) echo '^linux-headers-6\.12\.[0-9]+\+deb12-arm64$' ;;
	7.x) echo '^linux-headers-7\.[0-9]+\.[0-9]+\+deb14-arm64$' ;;
	*) die "unknown kernel series '$1' (known: $ALL_SERIES)" ;;
	esac
}

# kernel_resolve SERIES: sets KREL (e.g. 6.12.117+deb12-arm64), KVER (the
# Debian package version), the package names, and KDIR, the unpacked tree.
kernel_resolve() {
	local series=$1 hdr
	hdr=$(newest_pkg "$(series_headers_regex "$series")")
	[ -n "$hdr" ] || die "no arm64 headers package for series $series on the mirror"
	KREL=${hdr#linux-headers-}
	KVER=$(papt apt-cache show "$hdr:arm64" | sed -n 's/^Version: //p' | sort -V | tail -n 1)
	PKG_HEADERS=$hdr
	PKG_COMMON=linux-headers-${KREL%-arm64}-common
	case $series in
	6.1) PKG_KBUILD=linux-kbuild-6.1 ;;
	*) PKG_KBUILD=linux-kbuild-${KREL%-arm64} ;;
	esac
	# The image: the signed package when it is already published, the
	# unsigned one otherwise; 7.x splits vmlinuz (linux-binary-*) from
	# its modules (linux-modules-*).
	if [ "$series" = 7.x ]; then
		PKG_IMAGE=linux-binary-$KREL
		PKG_MODULES=linux-modules-$KREL
	else
		PKG_IMAGE=linux-image-$KREL
		papt apt-cache show "$PKG_IMAGE:arm64" 2>/dev/null |
			grep -c "^Version: $KVER\$" >/dev/null ||
			PKG_IMAGE=linux-image-$KREL-unsigned
		PKG_MODULES=
	fi
	KDIR=$REGFILTER_CACHE/kernels/$KREL
	SERIES=$series
}

# Unpack the package's files into DIR (once, marked by a stamp).
deb_unpack() {
	local spec=$1 dir=$2 deb stamp
	stamp=$dir/.unpacked-$(echo "${spec%%:*}" | tr '/' '_')
	[ -e "$stamp" ] && return 0
	deb=$(fetch_deb "$spec") || return 1
	mkdir -p "$dir"
	dpkg-deb -x "$deb" "$dir" || die "cannot unpack $deb"
	touch "$stamp"
}

# kernel_fetch SERIES: download and unpack image, headers and kbuild.
kernel_fetch() {
	kernel_resolve "$1"
	local root=$KDIR/root
	if [ ! -e "$KDIR/.complete" ]; then
		step "kernel $SERIES: fetching $KREL ($KVER)"
		local s=$(date +%s) p
		for p in "$PKG_IMAGE:arm64=$KVER" ${PKG_MODULES:+"$PKG_MODULES:arm64=$KVER"} \
			"$PKG_HEADERS:arm64=$KVER" "$PKG_COMMON:all=$KVER" \
			"$PKG_KBUILD:amd64=$KVER"; do
			deb_unpack "$p" "$root" || die "kernel $SERIES: cannot fetch $p"
		done
		# The arch headers include the common ones by an absolute
		# /usr/src path; point it at the unpacked tree (6.x builds on
		# the host; 7.x copies the tree into its chroot, where the
		# original path is right again).
		sed -i "s|^include /usr/src/|include $root/usr/src/|" \
			"$root/usr/src/linux-headers-$KREL/Makefile"
		touch "$KDIR/.complete"
		step "kernel $SERIES: $KREL unpacked in $(($(date +%s) - s))s ($(du -sh "$KDIR" | cut -f1))"
	fi
	# 7.x moved vmlinuz next to its modules.
	VMLINUZ=$root/boot/vmlinuz-$KREL
	[ -f "$VMLINUZ" ] || VMLINUZ=$root/usr/lib/modules/$KREL/vmlinuz
	[ -f "$VMLINUZ" ] || die "kernel $SERIES: no vmlinuz in $PKG_IMAGE"
}

# The sid chroot that builds modules for 7.x with the compiler its kernel
# was built with (gcc 16).  Made by mmdebstrap without running arm64 code.
sid_chroot() {
	local dir=$REGFILTER_CACHE/sid-build stamp
	stamp=$dir/.ready-$KREL
	SID_ROOT=$dir
	[ -e "$stamp" ] && return 0
	local cc mirror
	mirror=${REGFILTER_MIRROR:-$(host_mirror debian)}
	cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="aarch64-linux-gnu-gcc-\([0-9]*\).*/\1/p' \
		"$KDIR/root/usr/src/linux-headers-$KREL/include/config/auto.conf" 2>/dev/null)
	[ -n "$cc" ] || cc=$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)[0-9]\{4\}$/\1/p' \
		"$KDIR/root/usr/src/linux-headers-$KREL/include/config/auto.conf")
	[ -n "$cc" ] || die "kernel $SERIES: cannot tell which gcc built $KREL"
	rm -rf "$dir"
	step "kernel $SERIES: making a sid chroot with gcc-$cc-aarch64-linux-gnu (one time)"
	timed "sid chroot" mmdebstrap --variant=apt --mode=root \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--include="gcc-$cc-aarch64-linux-gnu,make,bc,libc6-dev,$PKG_KBUILD=$KVER" \
		sid "$dir" "$mirror" || die "mmdebstrap of sid failed (see above)"
	GCC_SID=aarch64-linux-gnu-gcc-$cc
	echo "$GCC_SID" >"$dir/.gcc"
	touch "$stamp"
}

# kmod_build SERIES OUT [make vars...]: build kmod/ against SERIES's headers,
# leave kvm_regfilter.ko in OUT.
kmod_build() {
	local out=$2 hdrs=/usr/src/linux-headers-$KREL
	shift 2
	rm -rf "$out" && mkdir -p "$out"
	cp "$TOPDIR"/kmod/Kbuild "$TOPDIR"/kmod/*.[ch] "$out"/
	cp -r "$TOPDIR"/uapi "$out"/uapi
	local vars=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		CONFIG_DEBUG_INFO_BTF_MODULES= "REGFILTER_VERSION=$(regfilter_version)" "$@")
	if [ "$SERIES" = 7.x ]; then
		sid_chroot
		local gcc inner=/build/kmod-$KREL
		gcc=$(cat "$SID_ROOT/.gcc")
		# Headers go in at their own /usr/src path: their Makefiles and
		# the kbuild symlinks use absolute paths.
		mkdir -p "$SID_ROOT/usr/src"
		[ -e "$SID_ROOT$hdrs" ] || cp -a "$KDIR/root/usr/src/." "$SID_ROOT/usr/src/"
		sed -i "s|^include .*/usr/src/|include /usr/src/|" "$SID_ROOT$hdrs/Makefile"
		rm -rf "$SID_ROOT$inner" && mkdir -p "$SID_ROOT$inner"
		cp -r "$out"/. "$SID_ROOT$inner/"
		chroot "$SID_ROOT" make -C "$hdrs" M="$inner" CC="$gcc" "${vars[@]}" modules ||
			return 1
		cp "$SID_ROOT$inner/kvm_regfilter.ko" "$out/"
	else
		make -C "$KDIR/root$hdrs" M="$out" CC=aarch64-linux-gnu-gcc "${vars[@]}" modules ||
			return 1
	fi
	[ -f "$out/kvm_regfilter.ko" ]
}

regfilter_version() {
	git -C "$TOPDIR" describe --always --dirty 2>/dev/null || echo 0.1
}

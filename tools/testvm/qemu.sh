# SPDX-License-Identifier: GPL-2.0
# The patched QEMU: Debian trixie's qemu source package with the series in
# tools/qemu/patches, cross-built for arm64 in a trixie chroot (see
# tools/qemu/README), and the arm64 root file system that carries it into
# the emulated hosts.  Everything lives in $REGFILTER_CACHE/qemu-build:
#
#   root/                  the trixie build chroot (mmdebstrap, one time)
#   root/build/src         the unpacked source as a git repository: tag
#                          'pristine' is Debian's tree, HEAD the series on it
#   root/build/build-aarch64   the build directory (outside the source, so
#                          that re-applying the series keeps it, and ninja
#                          recompiles only what the series changed)
#   root/build/regfilter   tools/lib and uapi, cross-built libregfilter.a
#   out/qemu-system-aarch64    the stripped binary
#
# and the root file system is $REGFILTER_CACHE/rootfs/qemu-trixie-rf-KEY.cpio.gz,
# KEY a hash of the patches, the profiles and libregfilter's sources.

QEMU_DIR=$TOPDIR/tools/qemu
QEMU_BUILD=$REGFILTER_CACHE/qemu-build
QEMU_CHROOT=$QEMU_BUILD/root
# The Debian source version the series applies to (first field of the file).
QEMU_DEB_VERSION=$(sed -n 's/^[[:space:]]*\([0-9]*:[^[:space:]#]*\).*/\1/p' "$QEMU_DIR/debian-version" 2>/dev/null | head -n 1)
# Build dependencies, in the chroot: native tools and arm64 libraries.
QEMU_CHROOT_PKGS="crossbuild-essential-arm64 libglib2.0-dev:arm64 libpixman-1-dev:arm64
zlib1g-dev:arm64 libfdt-dev:arm64 libnl-genl-3-dev:arm64 ninja-build meson python3
python3-venv pkgconf file dpkg-dev git"
# What the target root file system holds besides our binary.
QEMU_ROOTFS_PKGS="qemu-system-arm libnl-genl-3-200"
# The configure line (--without-default-features: only what the hosts use).
QEMU_CONFIGURE="--cross-prefix=aarch64-linux-gnu- --target-list=aarch64-softmmu --prefix=/usr
--without-default-features --enable-kvm --enable-fdt=system --enable-pixman
--enable-vhost-kernel --enable-vhost-net --disable-tools --disable-guest-agent
--disable-user --disable-linux-user --disable-docs --audio-drv-list=
--disable-download --disable-containers --disable-install-blobs --disable-debug-info
--enable-regfilter --regfilter-path=/build/regfilter"

# qemu_in_chroot CMD...: run CMD as root in the build chroot, with /proc,
# /sys and /dev mounted in a private mount namespace (nothing stays
# mounted on the host).
qemu_in_chroot() {
	unshare --mount --propagation private sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && mount -t sysfs sys "$r/sys" &&
		mount --rbind /dev "$r/dev" &&
		exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"' sh "$QEMU_CHROOT" "$@"
}

# qemu_sources_key: one hash of everything the rootfs is made of here.
qemu_sources_key() {
	(
		cd "$TOPDIR" &&
		echo "$QEMU_DEB_VERSION $QEMU_CONFIGURE $QEMU_ROOTFS_PKGS" &&
		find tools/qemu/patches tools/qemu/debian-version tools/profiles -maxdepth 1 \
			-type f \( -name '*.patch' -o -name '*.profile' -o -name debian-version \) &&
		find tools/lib uapi/linux -maxdepth 1 -type f \( -name '*.[ch]' -o -name Makefile \)
	) | sort | while read -r f; do
		if [ -f "$TOPDIR/$f" ]; then
			printf '%s ' "$f"; sha256sum <"$TOPDIR/$f"
		else
			echo "$f"
		fi
	done | sha256sum | cut -c1-16
}

# The chroot, made once; a stamp records its package list.
qemu_chroot() {
	local mirror stamp=$QEMU_BUILD/chroot.stamp want
	want=$(echo "trixie $QEMU_CHROOT_PKGS" | tr -s ' \n' '  ')
	if [ -x "$QEMU_CHROOT/usr/bin/aarch64-linux-gnu-gcc" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	command -v mmdebstrap >/dev/null || die "mmdebstrap is missing; run 'testvm setup' as root"
	mirror=${REGFILTER_MIRROR:-$(host_mirror debian)} ||
		die "no Debian mirror found in /etc/apt/sources*; set REGFILTER_MIRROR"
	rm -rf "$QEMU_CHROOT" "$QEMU_CHROOT.tmp" "$stamp"
	mkdir -p "$QEMU_BUILD"
	step "qemu: trixie build chroot with the cross compiler (mmdebstrap, one time)"
	timed "mmdebstrap trixie (buildd, amd64+arm64)" mmdebstrap --variant=buildd \
		--architectures=amd64,arm64 --mode=root \
		--include="$(echo $QEMU_CHROOT_PKGS | tr ' ' ,)" \
		trixie "$QEMU_CHROOT.tmp" "deb $mirror trixie main" "deb-src $mirror trixie main" ||
		die "mmdebstrap of the trixie build chroot failed"
	mv "$QEMU_CHROOT.tmp" "$QEMU_CHROOT"
	# mmdebstrap empties the package lists; apt-get source needs them.
	timed "apt-get update (chroot)" qemu_in_chroot apt-get -q update ||
		die "apt-get update in the build chroot failed"
	echo "$want" >"$stamp"
}

# The Debian source, unpacked once and kept as a git repository.
qemu_source() {
	local src=$QEMU_CHROOT/build/src
	[ -n "$QEMU_DEB_VERSION" ] || die "no version in $QEMU_DIR/debian-version"
	if [ -d "$src/.git" ] && [ "$(cat "$src/.debian-version" 2>/dev/null)" = "$QEMU_DEB_VERSION" ]; then
		return 0
	fi
	rm -rf "$QEMU_CHROOT/build/dl" "$src" "$QEMU_CHROOT/build/build-aarch64"
	mkdir -p "$QEMU_CHROOT/build/dl"
	timed "apt-get source qemu=$QEMU_DEB_VERSION" qemu_in_chroot sh -c \
		'cd /build/dl && apt-get -q source "qemu=$1"' sh "$QEMU_DEB_VERSION" ||
		die "apt-get source qemu=$QEMU_DEB_VERSION failed: if the mirror has moved on, set the version it has in tools/qemu/debian-version and check that the series applies (tools/qemu/README)"
	mv "$QEMU_CHROOT"/build/dl/qemu-*/ "$src" || die "no unpacked qemu source in $QEMU_CHROOT/build/dl"
	timed "source as a git repository (tag pristine)" qemu_in_chroot sh -c '
		cd /build/src && git init -q && git config user.name regfilter &&
		git config user.email regfilter@localhost && git add -A -f &&
		git commit -q -m "qemu $1 (Debian source, its patches applied)" &&
		git tag pristine' sh "$QEMU_DEB_VERSION" || die "git init of the qemu source failed"
	echo "$QEMU_DEB_VERSION" >"$src/.debian-version"
	printf '/.debian-version\n/.series\n' >>"$src/.git/info/exclude"
}

# libregfilter for arm64 (with the netlink client), from this tree.  Only
# rebuilt when its sources change; then QEMU relinks.
qemu_libregfilter() {
	local dst=$QEMU_CHROOT/build/regfilter key
	key=$(cd "$TOPDIR" && cat tools/lib/*.[ch] tools/lib/Makefile uapi/linux/*.h | sha256sum | cut -c1-16)
	[ -f "$dst/tools/lib/libregfilter.a" ] && [ "$(cat "$dst/key" 2>/dev/null)" = "$key" ] && return 0
	rm -rf "$dst"
	mkdir -p "$dst/tools/lib" "$dst/uapi"
	(cd "$TOPDIR" && tar -c --exclude='*.o' --exclude='*.a' --exclude=.build-flags \
		--exclude=tests tools/lib uapi) | tar -x -C "$dst"
	timed "libregfilter.a for arm64" qemu_in_chroot make -C /build/regfilter/tools/lib \
		CC=aarch64-linux-gnu-gcc AR=aarch64-linux-gnu-ar PKG_CONFIG=aarch64-linux-gnu-pkg-config \
		PROFILE_DIR=/usr/share/regfilter/profiles libregfilter.a ||
		die "cross-building libregfilter failed"
	echo "$key" >"$dst/key"
	rm -f "$QEMU_CHROOT/build/build-aarch64/qemu-system-aarch64"
}

# Apply the series to the pristine tree as commits made off to the side
# (a private index), then check that commit out: git rewrites only the
# files that differ from what is checked out, so ninja stays incremental.
qemu_apply() {
	local src=$QEMU_CHROOT/build/src key p n=0
	key=$(cat "$QEMU_DIR"/patches/*.patch | sha256sum | cut -c1-16)
	[ "$(cat "$src/.series" 2>/dev/null)" = "$key" ] && return 0
	mkdir -p "$QEMU_CHROOT/build/patches"
	rm -f "$QEMU_CHROOT"/build/patches/*.patch
	cp "$QEMU_DIR"/patches/*.patch "$QEMU_CHROOT/build/patches/"
	qemu_in_chroot sh -c '
		set -e
		cd /build/src
		export GIT_INDEX_FILE=/build/series.index
		rm -f "$GIT_INDEX_FILE"
		git read-tree pristine
		head=$(git rev-parse pristine)
		for p in /build/patches/*.patch; do
			if ! git apply --cached --whitespace=nowarn "$p"; then
				echo "$(basename "$p") does not apply to $(git log -1 --format=%s pristine)" >&2
				exit 1
			fi
			git mailinfo /tmp/msg /tmp/patch <"$p" >/tmp/info
			subject=$(sed -n "s/^Subject: //p" /tmp/info)
			# The patch author and date, so that format-patch
			# of these commits gives the series back.
			head=$(printf "%s\n\n%s\n" "$subject" "$(cat /tmp/msg)" |
				GIT_AUTHOR_NAME=$(sed -n "s/^Author: //p" /tmp/info) \
				GIT_AUTHOR_EMAIL=$(sed -n "s/^Email: //p" /tmp/info) \
				GIT_AUTHOR_DATE=$(sed -n "s/^Date: //p" /tmp/info) \
				git commit-tree "$(git write-tree)" -p "$head")
		done
		unset GIT_INDEX_FILE
		git checkout -q -f "$head"
		git clean -q -fdx -e /.debian-version -e /.series
		git log --oneline pristine..HEAD' >"$QEMU_BUILD/apply.log" 2>&1 || {
		sed 's/^/    /' "$QEMU_BUILD/apply.log" >&2
		die "the series in tools/qemu/patches does not apply to qemu $QEMU_DEB_VERSION"
	}
	n=$(grep -c . "$QEMU_BUILD/apply.log" || true)
	step "qemu: series applied ($n patches on $QEMU_DEB_VERSION)"
	echo "$key" >"$src/.series"
}

# qemu_ninja: build the one target, with a progress line every 20 s.
qemu_ninja() {
	local log=$QEMU_BUILD/ninja.log s=$(date +%s) pid last=0 now rc
	qemu_in_chroot sh -c 'cd /build/build-aarch64 && exec ninja -j"$1" qemu-system-aarch64' \
		sh "${QEMU_JOBS:-$(nproc)}" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		if [ $((now - last)) -ge 20 ] && [ $((now - s)) -ge 20 ]; then
			last=$now
			step "  ninja: $(grep -o '^\[[0-9]*/[0-9]*\]' "$log" | tail -n 1) after $((now - s))s"
		fi
	done
	wait "$pid" && rc=0 || rc=$?
	if [ "$rc" != 0 ]; then
		tail -n 40 "$log" | sed 's/^/    /' >&2
		die "ninja qemu-system-aarch64 failed (log: $log)"
	fi
	step "qemu: ninja qemu-system-aarch64: $(grep -c '^\[[0-9]*/' "$log" || true) steps in $(($(date +%s) - s))s"
}

# qemu_build: the patched qemu-system-aarch64 in $QEMU_BUILD/out.
qemu_build() {
	local bdir=$QEMU_CHROOT/build/build-aarch64 cfgkey
	qemu_chroot
	qemu_source
	qemu_libregfilter
	qemu_apply
	cfgkey=$(echo "$QEMU_CONFIGURE" | sha256sum | cut -c1-16)
	if [ ! -f "$bdir/build.ninja" ] || [ "$(cat "$bdir/.configure" 2>/dev/null)" != "$cfgkey" ]; then
		rm -rf "$bdir"
		mkdir -p "$bdir"
		# shellcheck disable=SC2086 # the configure line is a word list
		timed "qemu: configure" qemu_in_chroot sh -c 'cd /build/build-aarch64 && exec ../src/configure "$@"' \
			sh $QEMU_CONFIGURE || die "configure failed (see above)"
		grep -qx '#define CONFIG_REGFILTER' "$bdir/config-host.h" ||
			die "configure did not enable regfilter (see $bdir/meson-logs/meson-log.txt)"
		echo "$cfgkey" >"$bdir/.configure"
	fi
	qemu_ninja
	mkdir -p "$QEMU_BUILD/out"
	qemu_in_chroot aarch64-linux-gnu-strip -o /build/qemu-system-aarch64.stripped \
		/build/build-aarch64/qemu-system-aarch64 || die "strip failed"
	mv "$QEMU_CHROOT/build/qemu-system-aarch64.stripped" "$QEMU_BUILD/out/qemu-system-aarch64"
	QEMU_BIN=$QEMU_BUILD/out/qemu-system-aarch64
	step "qemu: $QEMU_BIN ($(du -h "$QEMU_BIN" | cut -f1), $(cd "$QEMU_CHROOT/build/src" && git log --oneline pristine..HEAD | wc -l) patches on $QEMU_DEB_VERSION)"
}

# The trixie arm64 file system the binary goes into, unpacked once.
qemu_rootfs_base() {
	local dir=$REGFILTER_CACHE/rootfs/qemu-trixie-rf-base mirror want l
	want=$(echo "trixie $QEMU_ROOTFS_PKGS" | tr -s ' \n' '  ')
	[ -x "$dir/usr/bin/qemu-system-aarch64" ] && [ "$(cat "$dir.stamp" 2>/dev/null)" = "$want" ] && return 0
	mirror=${REGFILTER_MIRROR:-$(host_mirror debian)} ||
		die "no Debian mirror found in /etc/apt/sources*; set REGFILTER_MIRROR"
	rm -rf "$dir" "$dir.stamp"
	mkdir -p "$REGFILTER_CACHE/rootfs"
	timed "rootfs: mmdebstrap trixie arm64 ($QEMU_ROOTFS_PKGS)" mmdebstrap --variant=extract \
		--architectures=arm64 --include="$(echo $QEMU_ROOTFS_PKGS | tr ' ' ,)" --mode=root \
		trixie "$dir" "$mirror" || die "mmdebstrap of the trixie rootfs failed"
	# Extracted, not installed: make the merged-/usr links ourselves.
	for l in bin lib sbin; do
		[ -e "$dir/$l" ] || ln -s "usr/$l" "$dir/$l"
	done
	rm -rf "$dir"/usr/share/{doc,man,locale,info,lintian}
	echo "$want" >"$dir.stamp"
}

# qemu_patched_rootfs: sets QEMU_ROOTFS to a gzip'd newc cpio of trixie's
# arm64 QEMU with our qemu-system-aarch64 over Debian's and the shipped
# profiles in /usr/share/regfilter/profiles.  Rebuilt only when the
# patches, the profiles or libregfilter's sources change.
qemu_patched_rootfs() {
	local key dir s=$(date +%s) f
	key=$(qemu_sources_key)
	QEMU_ROOTFS=$REGFILTER_CACHE/rootfs/qemu-trixie-rf-$key.cpio.gz
	[ -s "$QEMU_ROOTFS" ] && return 0
	# One build at a time per cache (several trees may share it).
	mkdir -p "$QEMU_BUILD"
	exec 9>"$QEMU_BUILD/lock"
	flock 9
	if [ -s "$QEMU_ROOTFS" ]; then
		exec 9>&-
		return 0
	fi
	step "rootfs: trixie's QEMU with tools/qemu/patches (key $key)"
	qemu_build
	qemu_rootfs_base
	dir=$REGFILTER_CACHE/rootfs/qemu-trixie-rf.tmp
	rm -rf "$dir"
	# Hard links: the base stays as it is; replaced files are new inodes.
	cp -al "$REGFILTER_CACHE/rootfs/qemu-trixie-rf-base" "$dir"
	rm -f "$dir/usr/bin/qemu-system-aarch64"
	install -m 0755 "$QEMU_BUILD/out/qemu-system-aarch64" "$dir/usr/bin/qemu-system-aarch64"
	mkdir -p "$dir/usr/share/regfilter/profiles"
	for f in "$TOPDIR"/tools/profiles/*.profile; do
		install -m 0644 "$f" "$dir/usr/share/regfilter/profiles/"
	done
	(cd "$QEMU_BUILD/root/build/src" && git log --format='%h %s' pristine..HEAD) \
		>"$dir/usr/share/regfilter/qemu-series.txt"
	echo "$QEMU_DEB_VERSION" >"$dir/usr/share/regfilter/qemu-debian-version.txt"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) >"$QEMU_ROOTFS.tmp"
	mv "$QEMU_ROOTFS.tmp" "$QEMU_ROOTFS"
	rm -rf "$dir"
	# Keep the three newest keys: trees that share the cache (worktrees,
	# branches) each find theirs without rebuilding it.
	ls -t "$REGFILTER_CACHE"/rootfs/qemu-trixie-rf-*.cpio.gz | tail -n +4 | xargs -r rm -f
	exec 9>&-
	step "rootfs: $(basename "$QEMU_ROOTFS"), $(du -h "$QEMU_ROOTFS" | cut -f1), in $(($(date +%s) - s))s"
}

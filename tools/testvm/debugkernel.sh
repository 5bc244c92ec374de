# SPDX-License-Identifier: GPL-2.0
# Debug builds of Debian's own 6.12 and 7.x arm64 kernels for the emulated
# test hosts: the same source (linux-source-6.12 or linux-source-7.N of the
# version the rig boots) and Debian's own config, with KASAN, kmemleak, lockdep (PROVE_LOCKING,
# PROVE_RCU), DEBUG_ATOMIC_SLEEP, DEBUG_LIST and UBSAN switched on, so that
# a memory, locking or RCU bug of the module shows as a report in the host's
# kernel log instead of passing silently on the stock kernel.
#
# Built once, out of the source tree, and cached:
#
#   $REGFILTER_CACHE/linux-source/VERSION-tree   the whole unpacked source
#                          (ksrc.sh extracts only the few files the build
#                          needs; this is never written to)
#   $REGFILTER_CACHE/kernels/KREL-debug/         shaped like the Debian
#                          kernels kernel_fetch unpacks, so that kmod_build,
#                          initramfs_for and vm_cmd take it as they are:
#     build/               the O= build directory (KERNELDIR for M= builds)
#     root/boot/vmlinuz-KREL-debug   the uncompressed Image (QEMU -kernel)
#     root/boot/config-KREL-debug, root/boot/System.map-KREL-debug
#     root/lib/modules/KREL-debug/   modules_install, stripped
#     root/usr/src/linux-headers-KREL-debug -> ../../../build
#     .complete            the key of the build inside, written last
#
# The key hashes the source version, Debian's config, the fragments below,
# the module list and the compiler: a changed fragment rebuilds (in the same
# build directory, so make recompiles only what the change touches), an
# unchanged one is reused.
#
# Cold build time is kept down by `make localmodconfig` against the modules
# the hosts load, by dropping the SoC platforms (QEMU's virt board needs
# none of them), the built-in subsystems the hosts never touch
# (DEBUG_KERNEL_UNUSED) and debug info.  Measured (2 cores, quiet
# machine): 6.12 config 26 s, make Image modules 1311 s (1431 files; 2490
# before the subsystems went), a 44 MB Image; 7.x 1433 s (1507 files, a
# debug host running beside it part of the time), 48 MB; boot to /init
# about 19 s
# against 1.5-3.8 s for Debian's kernel, a test run about 4x as long.
# DEBUG_KERNEL_JOBS sets make's -j (default: nproc).
# Host packages besides the rig's: flex and bison (kconfig, dtc) and
# libssl-dev (sign-file and extract-cert for module signing).
#
# Status: testvm sources this; `make check` runs every selftest in both
# series' debug kernels, VHE and nVHE, first in its queue (REGFILTER_DEBUG_SERIES
# picks the series, REGFILTER_DEBUG=0 leaves the lane out), and a report in
# the kernel log fails the host.  A module that plants a KASAN, UBSAN,
# atomic-sleep, lockdep and kmemleak bug made each of them report (by hand,
# in the 6.12 build).  7.x is built with the host's cross gcc 12 (Debian
# builds it with gcc 15, which is not on bookworm), Rust off, and its own
# module signing key (7.x's config names one under certs/ that a build
# outside Debian's tree does not have).

# The series the functions below work on (debug_kernel_select).
DEBUG_KERNEL_SERIES=6.12
DEBUG_KERNEL_ALL="6.12 7.x"
DEBUG_KERNEL_SUFFIX=-debug

# debug_kernel_select SERIES: work on SERIES's debug kernel from now on.
debug_kernel_select() {
	case " $DEBUG_KERNEL_ALL " in
	*" $1 "*) DEBUG_KERNEL_SERIES=$1 ;;
	*) die "no debug kernel for series '$1' (there are: $DEBUG_KERNEL_ALL)" ;;
	esac
}

# The modules the hosts load (initramfs_for copies these into migration
# hosts; in 6.12 only virtio_blk is a module, the others are built in and
# missing names are skipped there).  localmodconfig turns every other =m
# off.  Keep in step with initramfs_for.
DEBUG_KERNEL_MODULES="virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk"

# What the hosts need and the module relies on: checked after olddefconfig
# like the fragments, so that a trim that takes one away fails loudly.
DEBUG_KERNEL_KEEP='
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_KVM=y
CONFIG_VIRTIO=y
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_BLK=m
CONFIG_PCI_HOST_GENERIC=y
CONFIG_SERIAL_AMBA_PL011_CONSOLE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_DEVTMPFS=y
CONFIG_DEBUG_FS=y
CONFIG_FTRACE=y
CONFIG_FUNCTION_TRACER=y
CONFIG_DYNAMIC_FTRACE=y
CONFIG_DYNAMIC_FTRACE_WITH_ARGS=y
CONFIG_KPROBES=y
CONFIG_KALLSYMS=y
CONFIG_KALLSYMS_ALL=y
CONFIG_NET=y
CONFIG_UNIX=y
CONFIG_INET=y
CONFIG_NET_NS=y
CONFIG_PID_NS=y
CONFIG_USER_NS=y
CONFIG_PERF_EVENTS=y
CONFIG_HW_PERF_EVENTS=y
CONFIG_ARM_PMU=y
CONFIG_ARM_PMUV3=y
CONFIG_ARM_PSCI_FW=y
CONFIG_MODULE_SIG=y
'

# Built-in subsystems of Debian's config that QEMU's virt board, the
# hosts' /init and the selftests never touch (the hosts boot by -kernel
# with a device tree, log on the PL011, reach the network only by
# loopback and netlink and keep everything in the initramfs).  They cost
# compile time only: in the untrimmed 6.12 debug build, by objects,
# ACPI 225, security modules 134 (module signing and lockdown stay), EFI
# 85, BPF 50, IPv6 54, ethtool netlink 32, io_uring 33, fbdev 32, Xen 28,
# MMC 21, TPM 19, MPTCP 17, CXL 13, FUSE 13 and a tail.  The PMU stays:
# a vcpu's PMU decides registers of its list (see KEEP).
DEBUG_KERNEL_UNUSED='
CONFIG_EXPERT=y
CONFIG_ACPI=n
CONFIG_EFI=n
CONFIG_DMI=n
CONFIG_XEN=n
CONFIG_IO_URING=n
CONFIG_MPTCP=n
CONFIG_IPV6=n
CONFIG_NETFILTER=n
CONFIG_NETLABEL=n
CONFIG_XFRM_USER=n
CONFIG_NET_SCHED=n
CONFIG_DCB=n
CONFIG_ETHTOOL_NETLINK=n
CONFIG_WIRELESS=n
CONFIG_WLAN=n
CONFIG_RFKILL=n
CONFIG_CXL_BUS=n
CONFIG_FB=n
CONFIG_DRM=n
CONFIG_VT=n
CONFIG_LOGO=n
CONFIG_BACKLIGHT_CLASS_DEVICE=n
CONFIG_INPUT=n
CONFIG_HID=n
CONFIG_USB_SUPPORT=n
CONFIG_SOUND=n
CONFIG_MEDIA_SUPPORT=n
CONFIG_MMC=n
CONFIG_THERMAL=n
CONFIG_GPIOLIB=n
CONFIG_PINCTRL=n
CONFIG_I2C=n
CONFIG_SPI=n
CONFIG_TCG_TPM=n
CONFIG_HOTPLUG_PCI=n
CONFIG_PCIEAER=n
CONFIG_IOMMU_SUPPORT=n
CONFIG_ARM_SCMI_PROTOCOL=n
CONFIG_GOOGLE_FIRMWARE=n
CONFIG_PSTORE=n
CONFIG_SECURITY_SELINUX=n
CONFIG_SECURITY_TOMOYO=n
CONFIG_SECURITY_APPARMOR=n
CONFIG_SECURITY_LANDLOCK=n
CONFIG_SECURITY_IPE=n
CONFIG_IMA=n
CONFIG_EVM=n
CONFIG_INTEGRITY=n
CONFIG_AUDIT=n
CONFIG_BPF_SYSCALL=n
CONFIG_BPF_JIT=n
CONFIG_CGROUP_BPF=n
CONFIG_KEXEC=n
CONFIG_KEXEC_FILE=n
CONFIG_CRASH_DUMP=n
CONFIG_HIBERNATION=n
CONFIG_FUSE_FS=n
CONFIG_FS_VERITY=n
CONFIG_FS_ENCRYPTION=n
CONFIG_QUOTA=n
CONFIG_TMPFS_QUOTA=n
CONFIG_UNICODE=n
CONFIG_DAMON=n
CONFIG_ZSWAP=n
'

# Build time and size only: no debug info, no BTF (pahole is not
# installed; the rig builds the module without BTF too).  Module signing
# stays as Debian has it (the lockdown LSM selects it): the build makes a
# throwaway key in build/certs and signs its own modules, so an unsigned
# kvm_regfilter.ko taints the kernel as on Debian's.  Debian's key list is
# not in its config; the empty string is said here so that no rebuild of
# the source ever looks for one.  The SoC platforms go too (see
# debug_kernel_platforms).
DEBUG_KERNEL_TRIM='
CONFIG_LOCALVERSION_AUTO=n
CONFIG_DEBUG_INFO_NONE=y
CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=n
CONFIG_DEBUG_INFO=n
CONFIG_DEBUG_INFO_BTF=n
CONFIG_SYSTEM_TRUSTED_KEYS=""
'

# What one series needs besides.  7.x: Debian's config names its signing
# key by a path of its own package build (output/signing_key.pem); the
# default path makes the build generate a throwaway key as 6.12's does.
# Debian builds 7.x with gcc 16 (in sid); this build uses the host's
# cross gcc 12, as the module built against it does, and drops what
# olddefconfig finds that compiler cannot do (and Rust: no rustc here).
debug_kernel_series_fragment() {
	case $DEBUG_KERNEL_SERIES in
	7.x) echo 'CONFIG_MODULE_SIG_KEY="certs/signing_key.pem"' ;;
	esac
}

# The debug options.
# - KASAN generic, inline: the checks are emitted in place rather than as a
#   call per access; the image grows and compiling is a little slower, but
#   the kernel runs about twice as fast as with outline, and everything
#   here runs under TCG, where the tests' run time dominates.  KASAN_VMALLOC
#   also covers vmalloc and module memory (the module lives there).
# - kmemleak on from boot (DEFAULT_OFF=n; "kmemleak=off" switches it off for
#   one boot), without the automatic scan thread: its first scan comes a
#   minute after boot and its reports would land at random in a test; a
#   run asks for a scan itself (echo scan >/sys/kernel/debug/kmemleak).
# - UBSAN: array bounds and shifts, reports (no trap).  Not bool/enum
#   loads (reports on odd but harmless drivers) nor alignment (arm64
#   handles unaligned accesses; that one reports all the time).
# - KCSAN stays off: it cannot be built together with KASAN (KCSAN depends
#   on !KASAN); a KCSAN kernel would be a second variant.
DEBUG_KERNEL_FRAGMENT='
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_KASAN_OUTLINE=n
CONFIG_KASAN_VMALLOC=y
CONFIG_DEBUG_KMEMLEAK=y
CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=n
CONFIG_DEBUG_KMEMLEAK_AUTO_SCAN=n
CONFIG_PROVE_LOCKING=y
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_DEBUG_LIST=y
CONFIG_UBSAN=y
CONFIG_UBSAN_TRAP=n
CONFIG_UBSAN_BOUNDS=y
CONFIG_UBSAN_SHIFT=y
CONFIG_UBSAN_BOOL=n
CONFIG_UBSAN_ENUM=n
CONFIG_UBSAN_ALIGNMENT=n
CONFIG_KCSAN=n
'

DEBUG_KERNEL_MAKE=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

# debug_kernel_resolve: sets DEBUG_KREL, DEBUG_KDIR, DEBUG_SRC_VER (the
# Debian version of both the source and the kernel whose config it takes)
# and DEBUG_BASE_KDIR/DEBUG_BASE_KREL (that kernel), leaving the caller's
# KREL, KDIR, ... as they were.
debug_kernel_resolve() {
	# shellcheck disable=SC2034 # kernel_resolve sets them all
	local KREL KVER KDIR SERIES PKG_HEADERS PKG_COMMON PKG_KBUILD PKG_IMAGE PKG_MODULES
	kernel_resolve "$DEBUG_KERNEL_SERIES"
	DEBUG_BASE_KREL=$KREL
	# 6.x ships its config in /boot, 7.x only in its headers.
	DEBUG_BASE_CONFIG=$KDIR/root/boot/config-$KREL
	[ -f "$DEBUG_BASE_CONFIG" ] ||
		DEBUG_BASE_CONFIG=$KDIR/root/usr/src/linux-headers-$KREL/.config
	DEBUG_BASE_KDIR=$KDIR
	DEBUG_SRC_VER=$KVER
	DEBUG_KREL=$KREL$DEBUG_KERNEL_SUFFIX
	DEBUG_KDIR=$REGFILTER_CACHE/kernels/$DEBUG_KREL
}

# debug_kernel_dir: print the debug kernel's directory (built or not).
debug_kernel_dir() {
	debug_kernel_resolve
	echo "$DEBUG_KDIR"
}

# debug_kernel_source: sets DEBUG_SRC to the whole linux-source tree of
# DEBUG_SRC_VER, unpacked once.  ksrc_fetch takes only a few files out of
# the same package, into another folder, so it cannot serve here; the
# package itself comes from the same download cache.
debug_kernel_source() {
	local pkg deb s
	# linux-source-6.12, linux-source-7.2: the release's first two numbers.
	pkg=linux-source-$(echo "$DEBUG_BASE_KREL" | cut -d. -f1,2)
	DEBUG_SRC=$REGFILTER_CACHE/linux-source/$DEBUG_SRC_VER-tree
	[ -e "$DEBUG_SRC/.complete" ] && return 0
	s=$(date +%s)
	step "debug kernel: fetching and unpacking $pkg $DEBUG_SRC_VER (150 MB, about a minute)"
	deb=$(fetch_deb "$pkg=$DEBUG_SRC_VER") || die "cannot download $pkg=$DEBUG_SRC_VER"
	rm -rf "$DEBUG_SRC" && mkdir -p "$DEBUG_SRC"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$DEBUG_SRC" --strip-components=1 ||
		die "cannot unpack the kernel source from $deb"
	if [ ! -f "$DEBUG_SRC/Makefile" ] || [ ! -f "$DEBUG_SRC/arch/arm64/Kconfig" ]; then
		die "no kernel tree in $deb"
	fi
	touch "$DEBUG_SRC/.complete"
	step "debug kernel: source unpacked in $(($(date +%s) - s))s ($(du -sh "$DEBUG_SRC" | cut -f1))"
}

# debug_kernel_platforms: the fragment that turns off every SoC platform
# (arch/arm64/Kconfig.platforms): their clock, pinctrl and other drivers
# are built in by Debian, and QEMU's virt board uses none of them.
debug_kernel_platforms() {
	sed -n 's/^\(menu\)\{0,1\}config \(ARCH_[A-Z0-9_]*\)$/CONFIG_\2=n/p' \
		"$DEBUG_SRC/arch/arm64/Kconfig.platforms"
}

# debug_kernel_lines FRAGMENT: its CONFIG_ lines, comments and blanks out.
debug_kernel_lines() {
	printf '%s\n' "$1" | grep '^CONFIG_[A-Za-z0-9_]*=' || true
}

# debug_kernel_apply CONFIG LINES: apply CONFIG_X=y|m|n|"str"|number lines
# with scripts/config.
debug_kernel_apply() {
	local cfg=$1 line sym val args=()
	while IFS= read -r line; do
		# A fragment may be empty (6.12 has no series lines).
		[[ $line == CONFIG_* ]] || continue
		sym=${line%%=*}
		sym=${sym#CONFIG_}
		val=${line#*=}
		case $val in
		y) args+=(--enable "$sym") ;;
		m) args+=(--module "$sym") ;;
		n) args+=(--disable "$sym") ;;
		\"*\") val=${val#\"}; args+=(--set-str "$sym" "${val%\"}") ;;
		*) args+=(--set-val "$sym" "$val") ;;
		esac
	done <<<"$2"
	[ ${#args[@]} -eq 0 ] || "$DEBUG_SRC/scripts/config" --file "$cfg" "${args[@]}"
}

# debug_kernel_verify CONFIG LINES: every line holds in CONFIG (=n: the
# symbol is not set); prints each one that does not, and fails.
debug_kernel_verify() {
	local cfg=$1 line sym val got bad=0
	while IFS= read -r line; do
		sym=${line%%=*}
		val=${line#*=}
		got=$(sed -n "s/^$sym=//p" "$cfg")
		if [ "$val" = n ]; then
			[ -z "$got" ] && continue
		elif [ "$got" = "$val" ]; then
			continue
		fi
		echo "testvm: debug kernel config: $sym is ${got:-not set}, wanted $val" >&2
		bad=1
	done <<<"$2"
	return $bad
}

# debug_kernel_version: the source's VERSION.PATCHLEVEL.SUBLEVEL[EXTRAVERSION]
# from its Makefile (make kernelversion would run make in the source tree).
debug_kernel_version() {
	awk -F' *= *' '$1 ~ /^(VERSION|PATCHLEVEL|SUBLEVEL|EXTRAVERSION)$/ { v[$1] = $2 }
		END { printf "%s.%s.%s%s\n", v["VERSION"], v["PATCHLEVEL"], v["SUBLEVEL"], v["EXTRAVERSION"] }' \
		"$DEBUG_SRC/Makefile"
}

# debug_kernel_key: what the cached build depends on.
debug_kernel_key() {
	{
		echo "layout 1 $DEBUG_SRC_VER $DEBUG_KREL"
		sha256sum <"$DEBUG_BASE_CONFIG"
		echo "$DEBUG_KERNEL_MODULES"
		echo "$DEBUG_KERNEL_KEEP$DEBUG_KERNEL_TRIM$DEBUG_KERNEL_UNUSED$DEBUG_KERNEL_FRAGMENT"
		debug_kernel_series_fragment
		aarch64-linux-gnu-gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

# debug_kernel_config BUILD: write BUILD/.config.
debug_kernel_config() {
	local b=$1 cfg=$1/.config lv
	# Debian's release is VERSION+debNN-arm64, made by its packaging;
	# here the same string plus the suffix comes from LOCALVERSION.
	lv=${DEBUG_KREL#"$(debug_kernel_version)"}
	[ "$lv" != "$DEBUG_KREL" ] || die "debug kernel: $DEBUG_KREL does not start with the source's version"
	cp "$DEBUG_BASE_CONFIG" "$cfg"
	debug_kernel_apply "$cfg" "CONFIG_LOCALVERSION=\"$lv\"
$(debug_kernel_lines "$DEBUG_KERNEL_TRIM")
$(debug_kernel_lines "$DEBUG_KERNEL_UNUSED")
$(debug_kernel_lines "$(debug_kernel_series_fragment)")
$(debug_kernel_platforms)" || return 1
	make -C "$DEBUG_SRC" O="$b" "${DEBUG_KERNEL_MAKE[@]}" olddefconfig || return 1
	# localmodconfig reads an lsmod listing (its first line is skipped).
	{
		echo "Module Size Used by"
		# shellcheck disable=SC2086 # a word list
		printf '%s 0 0\n' $DEBUG_KERNEL_MODULES
	} >"$b/debug-lsmod"
	make -C "$DEBUG_SRC" O="$b" "${DEBUG_KERNEL_MAKE[@]}" LSMOD="$b/debug-lsmod" \
		localmodconfig || return 1
	# Again: a module of Debian's that localmodconfig has just dropped
	# may have selected one of them (ublk selects io_uring).
	debug_kernel_apply "$cfg" "$(debug_kernel_lines "$DEBUG_KERNEL_UNUSED
$DEBUG_KERNEL_FRAGMENT")" || return 1
	make -C "$DEBUG_SRC" O="$b" "${DEBUG_KERNEL_MAKE[@]}" olddefconfig
}

# debug_kernel_make BUILD TARGET...: make in the background, a progress
# line every 30 s (files compiled so far, of about how many the last build
# compiled, and the machine's load), the tail of the log on failure.
debug_kernel_make() {
	local b=$1 log=$1/make.log s=$(date +%s) pid last=0 now n est rc
	shift
	est=$(cat "$b/.files-compiled" 2>/dev/null || true)
	make -C "$DEBUG_SRC" O="$b" "${DEBUG_KERNEL_MAKE[@]}" -j"${DEBUG_KERNEL_JOBS:-$(nproc)}" \
		"$@" >"$log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		now=$(date +%s)
		if [ $((now - last)) -ge 30 ] && [ $((now - s)) -ge 30 ]; then
			last=$now
			n=$(count '^  CC ' "$log")
			step "  make $*: $n files compiled${est:+ (a full build compiles about $est)} after $((now - s))s, load $(cut -d' ' -f1-3 /proc/loadavg)"
		fi
	done
	wait "$pid" && rc=0 || rc=$?
	if [ "$rc" != 0 ]; then
		grep -E 'error|Error' "$log" | head -n 20 | sed 's/^/    /' >&2
		tail -n 30 "$log" | sed 's/^/    /' >&2
		echo "testvm: debug kernel: make $* failed (log: $log)" >&2
		return 1
	fi
	n=$(count '^  CC ' "$log")
	step "debug kernel: make $*: $n files compiled in $(($(date +%s) - s))s"
}

# debug_kernel_build: build (or find cached) the debug kernel; sets
# DEBUG_KREL, DEBUG_KDIR and DEBUG_VMLINUZ.
debug_kernel_build() {
	local s=$(date +%s) key b root t
	debug_kernel_resolve
	DEBUG_VMLINUZ=$DEBUG_KDIR/root/boot/vmlinuz-$DEBUG_KREL
	# Debian's config comes from its image package.
	(kernel_fetch "$DEBUG_KERNEL_SERIES" >/dev/null) || die "debug kernel: cannot fetch Debian's $DEBUG_BASE_KREL"
	debug_kernel_resolve	# its config is there now
	debug_kernel_source
	key=$(debug_kernel_key)
	if [ "$(cat "$DEBUG_KDIR/.complete" 2>/dev/null)" = "$key" ] && [ -f "$DEBUG_VMLINUZ" ]; then
		step "debug kernel: $DEBUG_KREL (cached, key $key) in $DEBUG_KDIR"
		return 0
	fi
	if ! command -v flex >/dev/null || ! command -v bison >/dev/null ||
		[ ! -f /usr/include/openssl/ssl.h ]; then
		die "debug kernel: flex, bison or libssl-dev is missing (apt-get install flex bison libssl-dev)"
	fi
	b=$DEBUG_KDIR/build
	root=$DEBUG_KDIR/root
	rm -f "$DEBUG_KDIR/.complete"
	mkdir -p "$b"
	step "debug kernel: $DEBUG_KREL (key $key): configuring in $b"
	t=$(date +%s)
	timed "debug kernel: config (Debian's, localmodconfig, debug fragment)" \
		debug_kernel_config "$b" || die "debug kernel: configuration failed"
	debug_kernel_verify "$b/.config" "$(debug_kernel_lines "$DEBUG_KERNEL_KEEP$DEBUG_KERNEL_TRIM$DEBUG_KERNEL_FRAGMENT
$(debug_kernel_series_fragment)")" ||
		die "debug kernel: options above did not survive olddefconfig (a missing dependency?); see $b/.config"
	DEBUG_CONFIG_SECS=$(($(date +%s) - t))
	step "debug kernel: building Image and modules with $(aarch64-linux-gnu-gcc -dumpfullversion) on $(nproc) cores (a cold build takes tens of minutes)"
	t=$(date +%s)
	debug_kernel_make "$b" Image modules || die "debug kernel: build failed"
	DEBUG_BUILD_SECS=$(($(date +%s) - t))
	[ "$(cat "$b/include/config/kernel.release")" = "$DEBUG_KREL" ] ||
		die "debug kernel: built $(cat "$b/include/config/kernel.release"), expected $DEBUG_KREL"
	rm -rf "$root"
	mkdir -p "$root/boot" "$root/usr/src"
	timed "debug kernel: modules_install" make -C "$DEBUG_SRC" O="$b" "${DEBUG_KERNEL_MAKE[@]}" \
		INSTALL_MOD_PATH="$root" INSTALL_MOD_STRIP=1 modules_install ||
		die "debug kernel: modules_install failed"
	# The build tree is the headers: make -C <it> M=... builds against it.
	rm -f "$root/lib/modules/$DEBUG_KREL/build"
	ln -s "../../../../build" "$root/lib/modules/$DEBUG_KREL/build"
	ln -s "../../../build" "$root/usr/src/linux-headers-$DEBUG_KREL"
	cp "$b/arch/arm64/boot/Image" "$DEBUG_VMLINUZ"
	cp "$b/.config" "$root/boot/config-$DEBUG_KREL"
	cp "$b/System.map" "$root/boot/System.map-$DEBUG_KREL"
	count '^  CC ' "$b/make.log" >"$b/.files-compiled"
	echo "$key" >"$DEBUG_KDIR/.complete"
	step "debug kernel: $DEBUG_KREL built in $(($(date +%s) - s))s in $DEBUG_KDIR (Image $(du -h "$DEBUG_VMLINUZ" | cut -f1), modules $(du -sh "$root/lib/modules/$DEBUG_KREL" | cut -f1))"
}

# debug_kernel_use: point the rig's kernel variables (KREL, KDIR, SERIES,
# VMLINUZ, KVER) at the debug kernel, so that kmod_build, initramfs_for,
# modules_tree and vm_cmd work on it unchanged.  Build it first.
debug_kernel_use() {
	debug_kernel_resolve
	[ -e "$DEBUG_KDIR/.complete" ] || die "debug kernel: $DEBUG_KREL is not built (debug_kernel_build)"
	KREL=$DEBUG_KREL
	KDIR=$DEBUG_KDIR
	KVER=$DEBUG_SRC_VER
	# Not "7.x": kmod_build would take Debian's 7.x compiler in sid.
	SERIES=$DEBUG_KERNEL_SERIES$DEBUG_KERNEL_SUFFIX
	VMLINUZ=$DEBUG_KDIR/root/boot/vmlinuz-$DEBUG_KREL
}

# debug_kmod_build OUT [make vars...]: kvm_regfilter.ko for the debug
# kernel in OUT.  kmod_build itself does the work: it builds against
# $KDIR/root/usr/src/linux-headers-$KREL, which here is the build tree.
debug_kmod_build() {
	debug_kernel_use
	kmod_build "$DEBUG_KERNEL_SERIES" "$@"
}

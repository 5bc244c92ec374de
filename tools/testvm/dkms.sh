# SPDX-License-Identifier: GPL-2.0
# The DKMS path of the kvm-regfilter-dkms package (make deb, which the host
# unit tests run first), as far as a build host of another architecture
# can take it: the package's /usr/src/kvm-regfilter-VERSION, then DKMS's
# own `add` and `build` (dkms.conf's MAKE line, cross-compiled for arm64
# against the kernel's headers) in a private DKMS tree.  The module DKMS
# builds must carry the package's version and the same vermagic as the
# rig's own build, and DKMS must have signed it with its MOK key, as it
# does on a Debian host for Secure Boot (Documentation/admin-guide.md):
# the signature is checked with openssl against that key, and a copy with
# one byte changed must fail the same check.
#
# DKMS runs in a mount namespace of its own, so that nothing of the host
# is touched: an empty /var/lib/dkms, where DKMS makes its MOK key pair
# (mok.key, mok.pub) as it does on first use, and a framework.conf.d that
# names the sign-file of the unpacked headers (the amd64 linux-kbuild's),
# which a Debian host finds through /lib/modules/KREL/build.
#
# Not covered here: `dkms install` runs depmod on /lib/modules/$KREL, which
# an x86 build host does not have, and 7.x, whose headers need sid's gcc
# (the rig builds 7.x in a sid chroot without DKMS).  BTF is off, as in the
# rig's own builds (linux-kbuild is unpacked, not installed, so its pahole
# is not here).

# module_sig_verify KO CERT: 0 if KO (.ko, .ko.xz or .ko.zst) ends in a
# module signature (PKCS#7, as scripts/sign-file appends it) that the key
# of CERT (DER) verifies over the rest of the file.  With a third
# argument "tamper", one byte of the module is changed first.
module_sig_verify() {
	local ko=$1 cert=$2 d size siglen rc=0
	d=$(mktemp -d)
	case $ko in
	*.xz) xz -dc "$ko" ;;
	*.zst) zstd -qdc "$ko" ;;
	*) cat "$ko" ;;
	esac >"$d/m" || { rm -rf "$d"; return 1; }
	size=$(stat -c %s "$d/m")
	# The file ends in struct module_signature (12 bytes, the signature's
	# length big-endian in its last 4) and the 28-byte magic.
	if [ "$(tail -c 28 "$d/m" | tr -d "\0")" != "~Module signature appended~" ]; then
		rm -rf "$d"
		return 1
	fi
	siglen=$(tail -c 32 "$d/m" | head -c 4 | od -An -tu1 |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	head -c $((size - 40 - siglen)) "$d/m" >"$d/body"
	tail -c $((siglen + 40)) "$d/m" | head -c "$siglen" >"$d/sig"
	if [ "${3:-}" = tamper ]; then
		printf '\x5a' | dd of="$d/body" bs=1 seek=$((size / 3)) conv=notrunc status=none
	fi
	openssl x509 -inform DER -in "$cert" -out "$d/cert.pem" 2>/dev/null &&
		openssl cms -verify -binary -inform DER -in "$d/sig" -content "$d/body" \
			-certfile "$d/cert.pem" -nointern -noverify -out /dev/null \
			>"$d/log" 2>&1 || rc=1
	rm -rf "$d"
	return $rc
}

# dkms_check SERIES: two result lines in the tally (the build, the
# signature).
dkms_check() {
	local t ko= want got res deb ver hdr signer why=
	kernel_resolve "$1"
	t=$O/dkms/$KREL
	res=$t.results
	rm -rf "$t" && mkdir -p "$t/tree" "$t/pkg" "$t/var-lib-dkms"
	: >"$t.log"
	deb=$(ls "$TOPDIR"/build/deb/kvm-regfilter-dkms_*_all.deb 2>/dev/null | head -n 1)
	hdr=$KDIR/root/usr/src/linux-headers-$KREL
	if [ -z "$deb" ]; then
		why="no kvm-regfilter-dkms package in build/deb (make deb failed: see the host unit tests)"
	elif ! dpkg-deb -x "$deb" "$t/pkg" >>"$t.log" 2>&1; then
		why="dpkg-deb -x $deb failed"
	else
		ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$t"/pkg/usr/src/kvm-regfilter-*/dkms.conf)
		if ! unshare --mount --propagation private bash -euc '
			t=$1 krel=$2 hdr=$3 ver=$4
			mkdir -p "$t/framework.conf.d"
			echo "sign_file=$hdr/scripts/sign-file" >"$t/framework.conf.d/sign.conf"
			mount --bind "$t/framework.conf.d" /etc/dkms/framework.conf.d
			mount --bind "$t/var-lib-dkms" /var/lib/dkms
			dkms add -m kvm-regfilter -v "$ver" --sourcetree "$t/pkg/usr/src" \
				--dkmstree "$t/tree"
			ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- \
			MAKEFLAGS=CONFIG_DEBUG_INFO_BTF_MODULES= \
			dkms build -m kvm-regfilter -v "$ver" --sourcetree "$t/pkg/usr/src" \
				--dkmstree "$t/tree" -k "$krel" -a aarch64 --kernelsourcedir "$hdr"
		' dkms "$t" "$KREL" "$hdr" "$ver" >>"$t.log" 2>&1; then
			why="dkms add or build failed"
		fi
		ko=$(find "$t/tree" -path "*/$KREL/aarch64/module/kvm_regfilter.ko*" | head -n 1)
	fi
	want=$(modinfo -F vermagic "$O/kmod/$KREL/kvm_regfilter.ko" 2>/dev/null) || want=none
	got=$(modinfo -F vermagic "$ko" 2>/dev/null) || got=
	if [ -z "$why" ] && [ -z "$ko" ]; then
		why="DKMS built no kvm_regfilter.ko"
	elif [ -z "$why" ] && [ "$got" != "$want" ]; then
		why="vermagic '$got', the rig's build has '$want'"
	elif [ -z "$why" ] && [ "$(modinfo -F version "$ko")" != "$ver" ]; then
		why="version '$(modinfo -F version "$ko")', the package's is '$ver'"
	fi
	if [ -z "$why" ]; then
		printf 'pass\thost: dkms add and build of kvm-regfilter-dkms %s for %s\t\n' "$ver" "$KREL" >"$res"
		step "dkms add and build of kvm-regfilter-dkms $ver for $KREL: $(basename "$ko"), vermagic $got"
	else
		printf 'fail\thost: dkms add and build of kvm-regfilter-dkms for %s\t%s; see %s.log\n' \
			"$KREL" "$why" "$t" >"$res"
		step "dkms add and build for $KREL FAILED: $why; log: $t.log"
		tail -n 15 "$t.log" | sed 's/^/    /'
	fi

	# The signature: DKMS's own key pair, made in the private /var/lib/dkms.
	why=
	signer=$(modinfo -F signer "$ko" 2>/dev/null) || signer=
	if [ -z "$ko" ]; then
		why="no module to check"
	elif [ ! -f "$t/var-lib-dkms/mok.pub" ]; then
		why="DKMS made no MOK key pair in /var/lib/dkms ($(grep -m1 -i 'sign' "$t.log" || echo 'it said nothing of signing'))"
	elif [ -z "$signer" ]; then
		why="the module carries no signature ($(grep -m1 -i "won't be signed" "$t.log" || echo 'DKMS did not say why'))"
	elif ! module_sig_verify "$ko" "$t/var-lib-dkms/mok.pub"; then
		why="signed by '$signer', but the signature does not verify against DKMS's mok.pub"
	elif module_sig_verify "$ko" "$t/var-lib-dkms/mok.pub" tamper; then
		why="the check passed a module with a byte changed: it proves nothing"
	fi
	if [ -z "$why" ]; then
		printf 'pass\thost: DKMS signed the module for %s with its MOK key\t\n' "$KREL" >>"$res"
		step "DKMS signed it: signer '$signer', $(modinfo -F sig_hashalgo "$ko"), verified against /var/lib/dkms/mok.pub (a changed byte fails)"
	else
		printf 'fail\thost: DKMS signed the module for %s with its MOK key\t%s\n' "$KREL" "$why" >>"$res"
		step "DKMS signature for $KREL FAILED: $why"
	fi
	account "$res"
}

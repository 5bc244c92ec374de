#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb-test: after make deb, what each package holds and that
# libregfilter0, libregfilter-dev and regctl work from it (TAP).  Nothing
# is installed on this host: packages are extracted into, or installed
# with dpkg --root into, a temporary directory that is removed at the end.
#
#   tools/deb/deb_test.sh [DEBDIR]      default build/deb
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
debs=${1:-$top/build/deb}
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
ver=$(cd "$top" && dpkg-parsechangelog -S Version)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/deb_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# check DESCRIPTION COMMAND...: the command's exit status is the verdict;
# its output is shown as a TAP comment when it fails.
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then ok "$what"; else not_ok "$what"; sed 's/^/# /' <<<"$out"; fi
}
deb() { echo "$debs/${1}_${ver}_${2:-$arch}.deb"; }
# The paths in a package, in $tmp/list; fails if it cannot be read, so
# that an absence is never found in a package that is not there.
list() {
	dpkg-deb -c "$1" >"$tmp/raw" || return 1
	awk '{ print $6 }' "$tmp/raw" | sed 's|^\./|/|; s|/$||' >"$tmp/list"
}
# has PKG PATH...: every path is in the package (dpkg-deb -c).
has() {
	local pkg=$1 p rc=0
	shift
	list "$pkg" || return 1
	for p; do
		grep -qxF "$p" "$tmp/list" || { echo "missing: $p"; rc=1; }
	done
	return $rc
}
lacks() {
	local pkg=$1 p rc=0
	shift
	list "$pkg" || return 1
	for p; do
		! grep -qxF "$p" "$tmp/list" || { echo "present: $p"; rc=1; }
	done
	return $rc
}
field() { dpkg-deb -f "$1" "$2"; }
# matches TEXT ERE: grep -E, with the text shown on failure.
matches() { grep -Eq -- "$2" <<<"$1" || { echo "got: $1"; return 1; }; }

echo "TAP version 13"

dkms=$(deb kvm-regfilter-dkms all)
regctl=$(deb regctl)
lib=$(deb libregfilter0)
dev=$(deb libregfilter-dev)
for f in "$dkms" "$regctl" "$lib" "$dev"; do
	check "$(basename "$f") exists" test -s "$f"
done
check "lintian.log has no error or warning" \
	sh -c "test -f '$debs/lintian.log' && ! grep -E '^[EW]: ' '$debs/lintian.log'"

# kvm-regfilter-dkms
src=/usr/src/kvm-regfilter-$ver
check "dkms: module source under $src" has "$dkms" \
	"$src/dkms.conf" "$src/Kbuild" "$src/Makefile" "$src/main.c" "$src/hook.c" \
	"$src/compat.h" "$src/uapi/linux/kvm_regfilter.h"
check "dkms: Architecture all, Depends on dkms" \
	matches "$(field "$dkms" Architecture) $(field "$dkms" Depends)" '^all .*\bdkms\b'
check "dkms: postinst and prerm (dh_dkms)" \
	sh -c "dpkg-deb -I '$dkms' postinst | grep -q dkms && dpkg-deb -I '$dkms' prerm | grep -q dkms"
dpkg-deb -x "$dkms" "$tmp/dkms"
check "dkms: dkms.conf is kmod/dkms.conf with PACKAGE_VERSION=$ver" \
	diff <(sed "s/@VERSION@/$ver/" "$top/kmod/dkms.conf") "$tmp/dkms$src/dkms.conf"

# regctl
check "regctl: binary, man pages, bash completion" has "$regctl" \
	/usr/sbin/regctl /usr/share/man/man8/regctl.8.gz \
	/usr/share/man/man5/regfilter.profile.5.gz \
	/usr/share/bash-completion/completions/regctl
profiles=()
for p in "$top"/tools/profiles/*.profile; do
	profiles+=("/usr/share/regfilter/profiles/$(basename "$p")")
done
check "regctl: the ${#profiles[@]} shipped profiles" has "$regctl" "${profiles[@]}"
dpkg-deb -x "$regctl" "$tmp/regctl"
# It compiles the library in (profile.h, rfnl.h... are not in the .so).
check "regctl: links libnl, not libregfilter.so" \
	sh -c "objdump -p '$tmp/regctl/usr/sbin/regctl' | grep -q 'NEEDED.*libnl-genl-3' &&
	       ! objdump -p '$tmp/regctl/usr/sbin/regctl' | grep -q 'NEEDED.*libregfilter'"
check "regctl: Depends from shlibs (libnl-genl-3-200, libc6)" \
	matches "$(field "$regctl" Depends)" 'libnl-genl-3-200.*|libc6.*libnl-genl-3-200'
check "regctl, libregfilter0: no dkms in their scripts or Depends" \
	sh -c "test -s '$regctl' && test -s '$lib' &&
	       ! dpkg-deb -I '$regctl' postinst 2>/dev/null | grep -q dkms &&
	       ! dpkg-deb -I '$lib' postinst >/dev/null 2>&1 &&
	       ! dpkg-deb -f '$regctl' Depends | grep -q dkms && ! dpkg-deb -f '$lib' Depends | grep -q dkms"
check "regctl: the host default's unit, enabled by its postinst (dh_installsystemd)" \
	sh -c "dpkg-deb -c '$regctl' | grep -q ' ./lib/systemd/system/regfilter-default.service\$' &&
	       dpkg-deb -I '$regctl' postinst | grep -q 'regfilter-default.service'"
check "regctl: the unit applies /etc/regfilter/default.profile before libvirt" \
	sh -c "grep -q '^ExecStart=/usr/sbin/regctl set-default /etc/regfilter/default.profile\$' '$tmp/regctl/lib/systemd/system/regfilter-default.service' &&
	       grep -q '^Before=.*virtqemud.service' '$tmp/regctl/lib/systemd/system/regfilter-default.service'"
aa=/etc/apparmor.d/abstractions/libvirt-qemu.d/regfilter
check "regctl: the libvirt-qemu AppArmor rules, a conffile" \
	sh -c "dpkg-deb -c '$regctl' | grep -q ' .$aa\$' &&
	       dpkg-deb -I '$regctl' conffiles | grep -qx '$aa'"
# A domain's profile as libvirt's virt-aa-helper writes it, reduced to
# the include that matters: apparmor_parser (-Q: parse and compile only,
# no kernel needed) must take the rules, and the compiled policy must
# hold the netlink rule (the profile without it compiles to less).
mkdir -p "$tmp/aa"
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile regfilter-test {\n  include "%s"\n}\n' \
	"$tmp/regctl$aa" >"$tmp/aa/with"
printf 'abi <abi/3.0>,\ninclude <tunables/global>\nprofile regfilter-test {\n}\n' >"$tmp/aa/without"
check "regctl: apparmor_parser compiles a profile that includes the rules" \
	sh -c "apparmor_parser -Q -K -S '$tmp/aa/with' >'$tmp/aa/with.bin' &&
	       apparmor_parser -Q -K -S '$tmp/aa/without' >'$tmp/aa/without.bin' &&
	       test \$(stat -c %s '$tmp/aa/with.bin') -gt \$(stat -c %s '$tmp/aa/without.bin')"
check "dkms: the module loads at boot (modules-load.d)" \
	sh -c "dpkg-deb -x '$dkms' '$tmp/dkms2' && grep -qx kvm_regfilter '$tmp/dkms2/usr/lib/modules-load.d/kvm-regfilter.conf'"
check "regctl: --version says $ver" \
	matches "$("$tmp/regctl/usr/sbin/regctl" --version 2>&1)" "\\b$ver\\b"

# libregfilter0
so=/usr/lib/$ma/libregfilter.so
check "libregfilter0: $so.$ver and $so.0" has "$lib" "$so.$ver" "$so.0"
check "libregfilter0: nothing for -dev in it" lacks "$lib" "$so" /usr/include/regfilter
dpkg-deb -x "$lib" "$tmp/root"
check "libregfilter0: SONAME libregfilter.so.0" \
	matches "$(objdump -p "$tmp/root$so.$ver" | awk '$1 == "SONAME" { print $2 }')" '^libregfilter\.so\.0$'
check "libregfilter0: NEEDED libnl-genl-3 and libnl-3" \
	matches "$(objdump -p "$tmp/root$so.$ver" | awk '$1 == "NEEDED" { print $2 }' | sort | tr '\n' ' ')" \
	'libnl-3\.so\.200 libnl-genl-3\.so\.200'
# Exports exactly the version script's list, no more.
sed -n 's/^\t\([a-z_]*\);$/\1/p' "$top/tools/lib/libregfilter.map" | sort >"$tmp/map"
nm -D --defined-only "$tmp/root$so.$ver" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
	sort >"$tmp/exported"
check "libregfilter0: exports exactly libregfilter.map's $(wc -l <"$tmp/map") functions" \
	diff "$tmp/map" "$tmp/exported"
check "libregfilter0: symbols file covers them" \
	sh -c "dpkg-deb -I '$lib' symbols | grep -q '^ regname_parse@LIBREGFILTER_0 '"
check "libregfilter0: Multi-Arch same, section libs" \
	matches "$(field "$lib" Multi-Arch) $(field "$lib" Section)" '^same libs$'

# libregfilter-dev
check "libregfilter-dev: headers, .so link, regfilter.pc" has "$dev" \
	/usr/include/regfilter/regnames.h /usr/include/regfilter/reglist.h \
	"$so" "/usr/lib/$ma/libregfilter.a" "/usr/lib/$ma/pkgconfig/regfilter.pc"
check "libregfilter-dev: private headers not installed" lacks "$dev" \
	/usr/include/regfilter/profile.h /usr/include/regfilter/rfnl.h \
	/usr/include/regfilter/capture.h /usr/include/regfilter/regnames_table.h
check "libregfilter-dev: Depends libregfilter0 (= $ver), libnl-genl-3-dev" \
	matches "$(field "$dev" Depends)" "libnl-genl-3-dev.*libregfilter0 \\(= $ver\\)"
dpkg-deb -x "$dev" "$tmp/root"
check "libregfilter-dev: $so points to libregfilter.so.0" \
	matches "$(readlink "$tmp/root$so")" '^libregfilter\.so\.0$'
# A member "type name[N];" inside a struct { ... } of an installed header.
check "libregfilter-dev: no fixed-size array in a public struct" \
	awk '/struct [a-z_]* *\{/ { in_s = 1 } in_s && /\[[^]]+\];/ { print FILENAME ": " $0; bad = 1 }
	     in_s && /\};/ { in_s = 0 } END { exit bad }' "$tmp"/root/usr/include/regfilter/*.h

# pkg-config against the extracted tree: the sysroot prefixes its paths,
# the host's libnl-genl-3.0.pc answers Requires.private.
pc() {
	PKG_CONFIG_PATH="$tmp/root/usr/lib/$ma/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$tmp/root" \
		PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 PKG_CONFIG_ALLOW_SYSTEM_LIBS=1 pkg-config "$@"
}
cflags_libs=$(pc --cflags --libs regfilter 2>&1)
# (libnl-genl-3.0's -I comes too: pkg-config adds Requires.private's Cflags.)
check "pkg-config --cflags --libs regfilter" \
	matches "$cflags_libs" "^-I$tmp/root/usr/include/regfilter .*-L$tmp/root/usr/lib/$ma -lregfilter *\$"
check "pkg-config --modversion is $ver" matches "$(pc --modversion regfilter 2>&1)" "^$ver\$"
check "pkg-config --static --libs adds libnl-genl-3" \
	matches "$(pc --static --libs regfilter 2>&1)" '-lregfilter .*-lnl-genl-3'

cat >"$tmp/t.c" <<'CEOF'
#include <stdio.h>
#include "regnames.h"
#include "reglist.h"

int main(void)
{
	struct reglist l;
	char name[REGNAME_MAX];
	uint64_t id;

	if (regname_parse("MIDR_EL1", &id))
		return 1;
	reglist_init(&l);
	if (reglist_add(&l, id) || !reglist_contains(&l, id))
		return 2;
	regname_format(id, name, sizeof(name));
	printf("%s 0x%016llx\n", name, (unsigned long long)id);
	reglist_free(&l);
	return 0;
}
CEOF
# shellcheck disable=SC2086 # the flags split into words
check "a C program compiles and links with pkg-config's flags" \
	cc -Wall -Werror -o "$tmp/t" "$tmp/t.c" $cflags_libs
check "it loads the extracted libregfilter.so.0" \
	matches "$(LD_LIBRARY_PATH="$tmp/root/usr/lib/$ma" LD_TRACE_LOADED_OBJECTS=1 "$tmp/t" 2>&1)" \
	"libregfilter\\.so\\.0 => $tmp/root/usr/lib/$ma/libregfilter\\.so\\.0 "
check "it names MIDR_EL1 both ways" \
	matches "$(LD_LIBRARY_PATH="$tmp/root/usr/lib/$ma" "$tmp/t" 2>&1)" '^MIDR_EL1 0x603000000013c000$'

cat >"$tmp/priv.c" <<'CEOF'
struct rf_prof;
void rf_prof_init(struct rf_prof *p);

int main(void)
{
	rf_prof_init((void *)0);
	return 0;
}
CEOF
# With the flags that linked t.c, so that the failure is the symbol's.
# shellcheck disable=SC2086
check "a private function (rf_prof_init) does not link" \
	sh -c "test -x '$tmp/t' && ! cc -o '$tmp/priv' '$tmp/priv.c' $cflags_libs"

# dpkg --root: a throwaway dpkg database in a root of its own, which knows
# of this host's copies of what the two packages depend on (so that their
# Depends are checked, and met) and of nothing else.
r=$tmp/inst
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
touch "$r/var/lib/dpkg/available" "$r/var/lib/dpkg/status"
for p in $( (field "$regctl" Depends; echo; field "$lib" Depends) |
	    tr ',|' '\n\n' | sed 's/(.*)//; s/ //g' | grep -v '^libregfilter0$' | sort -u); do
	dpkg-query -s "$p:$arch" 2>/dev/null || dpkg-query -s "$p"
	echo
	touch "$r/var/lib/dpkg/info/$(dpkg-query -W -f '${binary:Package}' "$p:$arch" 2>/dev/null ||
					 dpkg-query -W -f '${binary:Package}' "$p").list"
done >"$r/var/lib/dpkg/status"
# regctl's maintainer scripts (dh_installsystemd's) run chrooted in $r: a
# shell and what it links, and nothing else (deb-systemd-helper missing,
# they record no enabled unit, as on a host without systemd).
for f in /bin/sh $(readlink -f /bin/sh) $(ldd "$(readlink -f /bin/sh)" | grep -o '/[^ ]*'); do
	mkdir -p "$r$(dirname "$f")" && cp -L "$f" "$r$f"
done
check "dpkg --root -i regctl libregfilter0" \
	dpkg --root="$r" --log=/dev/null -i "$regctl" "$lib"
check "both are installed, the files in place" \
	sh -c "dpkg --root='$r' -s regctl libregfilter0 | grep -c '^Status: install ok installed' | grep -qx 2 &&
	       test -x '$r/usr/sbin/regctl' && test -f '$r$so.0' &&
	       test -f '$r/usr/share/regfilter/profiles/linux-6.12-view.profile'"
check "dpkg --root -P removes them" \
	sh -c "test -x '$r/usr/sbin/regctl' && test -f '$r$so.0' &&
	       dpkg --root='$r' --log=/dev/null -P regctl libregfilter0 &&
	       test ! -e '$r/usr/sbin/regctl' && test ! -e '$r$so.0'"

# The plan comes last: a script that stops early prints none, and fails.
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]

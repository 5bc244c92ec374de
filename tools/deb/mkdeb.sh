#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian packages (debian/) built from a copy of the tree,
# so that the build's own clean and its objects never touch the checkout,
# then lintian on the result.  Fails on a lintian error or warning.
#
#   tools/deb/mkdeb.sh [OUTDIR]      default build/deb
#   DEB_ARCH=arm64 tools/deb/mkdeb.sh   cross-built for arm64 (the KVM
#                                      hosts), default build/deb-arm64;
#                                      needs gcc-aarch64-linux-gnu and
#                                      libnl-genl-3-dev:arm64
#
# OUTDIR gets the .deb, .changes and .buildinfo files and lintian.log;
# OUTDIR/src is the copy that was built.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
arch=${DEB_ARCH:-}
def=$top/build/deb${arch:+-$arch}
out=$(mkdir -p "${1:-$def}" && cd "${1:-$def}" && pwd)
n=0
step() { n=$((n + 1)); echo "deb: [$n/5] $*"; }
die() { echo "deb: $*" >&2; exit 1; }

step "checking the tools"
missing=
have() { command -v "$1" >/dev/null 2>&1; }
have dpkg-buildpackage || missing+=" dpkg-dev"
have dh || missing+=" debhelper"
have dh_dkms || missing+=" dh-dkms"
have lintian || missing+=" lintian"
have git || missing+=" git"
[ -z "$missing" ] ||
	die "missing tools; install them with: apt-get install$missing"
# What debian/control asks beyond those (libnl-genl-3-dev, pkgconf, ...).
if ! unmet=$(cd "$top" && dpkg-checkbuilddeps ${arch:+-a "$arch"} 2>&1); then
	pkgs=$(sed -n 's/.*Unmet build dependencies: //p' <<<"$unmet" |
		sed 's/ ([^)]*)//g')
	die "missing build dependencies; install them with: apt-get install $pkgs"
fi
version=$(cd "$top" && dpkg-parsechangelog -S Version)

# Tracked files and new ones not ignored, as they are now (uncommitted
# edits included), without build output; tracked files deleted since are
# left out.
src=$out/src/regfilter-$version
step "copying the tree to $src"
rm -rf "$out/src" "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo "$out/lintian.log"
mkdir -p "$src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 -r sh -c 'for f; do [ ! -e "$f" ] && [ ! -L "$f" ] || printf "%s\0" "$f"; done' sh |
	tar -c --null -T - -f -) | tar -x -C "$src"

step "dpkg-buildpackage -us -uc -b${arch:+ -a $arch} (log: $out/build.log)"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b ${arch:+-a "$arch"}) >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "dpkg-buildpackage failed, see $out/build.log"
fi
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
changes=$(ls "$out"/*.changes)

step "lintian $(basename "$changes")"
rc=0
lintian --fail-on error,warning "$changes" >"$out/lintian.log" 2>&1 || rc=$?
cat "$out/lintian.log"
[ $rc = 0 ] || die "lintian found errors or warnings (exit $rc), see $out/lintian.log"

step "done: lintian clean"
for f in "$out"/*.deb; do
	printf '  %-60s %6s KiB\n' "$(basename "$f")" $(( $(stat -c %s "$f") / 1024 ))
done

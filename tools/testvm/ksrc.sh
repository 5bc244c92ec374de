# SPDX-License-Identifier: GPL-2.0
# Files the build takes from Debian's linux-source package at build time
# (never copied into our tree): the kselftest harness and its runner, and
# checkpatch.pl with its data files.

KSRC_SERIES=6.12
KSRC_FILES="tools/testing/selftests/kselftest_harness.h
tools/testing/selftests/kselftest.h
tools/testing/selftests/kselftest/runner.sh
tools/testing/selftests/kselftest/prefix.pl
scripts/checkpatch.pl
scripts/spelling.txt
scripts/const_structs.checkpatch
tools/net/ynl/ynl-gen-c.py
tools/net/ynl/ynl-gen-rst.py
tools/net/ynl/lib/*.py
Documentation/netlink/genetlink*.yaml"

# ksrc_fetch: sets KSRC to a folder holding those files under their
# kernel-tree paths.
ksrc_fetch() {
	local pkg=linux-source-$KSRC_SERIES ver deb s
	ver=$(papt apt-cache show "$pkg" | sed -n 's/^Version: //p' | sort -V | tail -n 1)
	[ -n "$ver" ] || die "$pkg is not on the mirror"
	KSRC=$REGFILTER_CACHE/linux-source/$ver-3
	[ -e "$KSRC/.complete" ] && return 0
	s=$(date +%s)
	step "kselftest harness: fetching $pkg $ver (about 150 MB)"
	deb=$(fetch_deb "$pkg=$ver") || die "cannot download $pkg"
	rm -rf "$KSRC" && mkdir -p "$KSRC"
	# The package holds one tarball; take only the files we need from it.
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJ -C "$KSRC" --strip-components=1 --wildcards \
			$(for f in $KSRC_FILES; do echo "*/$f"; done) ||
		die "cannot extract the kselftest files from $deb"
	touch "$KSRC/.complete"
	step "kselftest harness: $pkg $ver extracted in $(($(date +%s) - s))s"
}

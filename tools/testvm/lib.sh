# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the emulated arm64 test hosts: logging with timings,
# the cache layout, and a private apt tree that downloads Debian packages of
# any suite without touching the host's own apt configuration.

: "${REGFILTER_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/regfilter}"
TESTVM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPDIR=$(cd "$TESTVM_DIR/../.." && pwd)
: "${O:=$TOPDIR/build}"
APTDIR=$REGFILTER_CACHE/apt
DEBDIR=$REGFILTER_CACHE/debs
T0=${T0:-$(date +%s)}
export REGFILTER_CACHE T0

# step "text": a progress line with the time since the run started.
step() { printf '[%4ds] %s\n' $(($(date +%s) - T0)) "$*"; }
# count REGEX FILE: matching lines, 0 included (grep -c fails on 0).
count() { grep -c -- "$1" "$2" || true; }
die() { printf 'testvm: error: %s\n' "$*" >&2; exit 1; }

# timed LABEL CMD...: run CMD, print how long it took; on failure show the
# tail of its log so the cause is on screen.
timed() {
	local label=$1 s=$(date +%s) log
	shift
	log=$(mktemp)
	if "$@" >"$log" 2>&1; then
		step "$label: done in $(($(date +%s) - s))s"
		rm -f "$log"
		return 0
	fi
	printf 'testvm: %s failed after %ds; last lines of its output:\n' \
		"$label" $(($(date +%s) - s)) >&2
	tail -n 40 "$log" | sed 's/^/    /' >&2
	rm -f "$log"
	return 1
}

# The host's Debian mirror, read from its own apt sources so that no
# address is hard-coded here; REGFILTER_MIRROR overrides it.
host_mirror() {
	local want=$1 u
	for u in $(sed -n 's/^URIs:[[:space:]]*//p; s/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]*\).*/\2/p' \
		/etc/apt/sources.list.d/*.sources /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list 2>/dev/null); do
		case $u in */$want) echo "$u"; return 0 ;; esac
	done
	return 1
}

# Write the private apt tree: bookworm (+security, +backports) and sid,
# amd64 and arm64, its own lists, archives and an empty dpkg status.
apt_setup() {
	local mirror security keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mirror=${REGFILTER_MIRROR:-$(host_mirror debian)} ||
		die "no Debian mirror found in /etc/apt/sources*; set REGFILTER_MIRROR"
	security=${REGFILTER_SECURITY_MIRROR:-$(host_mirror debian-security)} ||
		security=${mirror%/debian}/debian-security
	mkdir -p "$APTDIR"/etc/apt.conf.d "$APTDIR"/etc/preferences.d \
		"$APTDIR"/state/lists/partial "$APTDIR"/cache/archives/partial "$DEBDIR"
	: >>"$APTDIR/state/status"
	cat >"$APTDIR/etc/sources.list" <<-EOS
	deb [arch=amd64,arm64 signed-by=$keyring] $mirror bookworm main
	deb [arch=amd64,arm64 signed-by=$keyring] $mirror bookworm-backports main
	deb [arch=amd64,arm64 signed-by=$keyring] $security bookworm-security main
	deb [arch=amd64,arm64 signed-by=$keyring] $mirror sid main
	EOS
	cat >"$APTDIR/apt.conf" <<-EOS
	Dir::Etc "$APTDIR/etc";
	Dir::Etc::SourceList "$APTDIR/etc/sources.list";
	Dir::Etc::SourceParts "$APTDIR/etc/sources.list.d";
	Dir::Etc::Preferences "$APTDIR/etc/preferences";
	Dir::Etc::PreferencesParts "$APTDIR/etc/preferences.d";
	Dir::State "$APTDIR/state";
	Dir::State::status "$APTDIR/state/status";
	Dir::Cache "$APTDIR/cache";
	APT::Architecture "amd64";
	APT::Architectures { "amd64"; "arm64"; };
	Acquire::Languages "none";
	Acquire::Check-Valid-Until "false";
	Acquire::Retries "3";
	EOS
	mirror_url=$mirror
}

papt() { APT_CONFIG=$APTDIR/apt.conf "$@"; }

# Refresh the private lists at most every six hours.
apt_update() {
	apt_setup
	if [ -n "$(find "$APTDIR/state/lists" -maxdepth 1 -name '*Packages*' -mmin -360 2>/dev/null | head -1)" ]; then
		return 0
	fi
	timed "apt lists (bookworm, backports, security, sid)" papt apt-get -q update
}

# newest_pkg REGEX ARCH: the highest-versioned package name matching REGEX.
newest_pkg() {
	papt apt-cache pkgnames | grep -E "$1" | sort -V | tail -n 1
}

# fetch_deb NAME[:ARCH][=VERSION]: download into the cache once, print path.
fetch_deb() {
	local spec=$1 name arch ver f
	name=${spec%%[:=]*}
	(cd "$DEBDIR" && papt apt-get -q download "$spec" >/dev/null 2>&1) ||
		die "apt-get download $spec failed; is the mirror reachable? (see $APTDIR)"
	ls -t "$DEBDIR/${name}_"*.deb | head -n 1
}

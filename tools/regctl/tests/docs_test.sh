#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# regctl's documentation against regctl itself (host test, TAP): every
# command of `regctl --help` is in the bash completion and has a section
# in regctl.8; the completion offers no command regctl lacks, and for
# each command only options its usage line names.
set -u
D=$(cd "$(dirname "$0")/.." && pwd)
R=$D/regctl
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }

cmds=$("$R" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
comp=$(sed -n 's/^[[:space:]]*local cmds="\(.*\)"$/\1/p' "$D/regctl.bash-completion")
[ -n "$cmds" ] || nok "regctl --help lists commands"
for c in $cmds; do
	case " $comp " in
	*" $c "*) ok "completion offers $c" ;;
	*) nok "completion offers $c" ;;
	esac
	if grep -qE "^\.BI? \"?$c( |\"|$)" "$D/regctl.8"; then
		ok "regctl.8 documents $c"
	else
		nok "regctl.8 documents $c"
	fi
done
for c in $comp; do
	case " $(echo $cmds) " in
	*" $c "*) ;;
	*) nok "completion offers $c, which regctl does not have" ;;
	esac
done

# The options the completion offers per command: the words of compgen -W
# lists inside the command's case branch (up to the next branch).
for c in $cmds; do
	usage=$("$R" "$c" --help 2>&1 | head -n 1)
	opts=$(awk -v c="$c" '
		$0 ~ "^\t(" c "|[a-z|-]* \\| " c "|" c " \\| [a-z|-]*)\\)" { on = 1; next }
		on && /^\t[a-z][a-z| -]*\)$/ { on = 0 }
		on && /^\tesac/ { on = 0 }
		on { while (match($0, /compgen -W "[^"$]*"/)) {
			w = substr($0, RSTART + 12, RLENGTH - 13); print w
			$0 = substr($0, RSTART + RLENGTH) } }' "$D/regctl.bash-completion" |
		tr ' ' '\n' | grep -E '^-' | sort -u)
	bad=
	for o in $opts; do
		[ "$o" = -- ] && continue
		case "$usage" in
		*"$o"*) ;;
		*) bad="$bad $o" ;;
		esac
	done
	if [ -z "$bad" ]; then
		ok "completion of $c offers only options of '$usage'"
	else
		nok "completion of $c offers$bad, not in '$usage'"
	fi
done
echo "1..$n"
[ "$failed" = 0 ]

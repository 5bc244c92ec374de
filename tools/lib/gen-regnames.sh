#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Generate regnames_table.c, the sorted {encoding, name} table of arm64
# system registers, from one or more extracted Linux source trees:
#
#	tools/lib/gen-regnames.sh LINUX-7.2 LINUX-6.12 LINUX-6.1 >regnames_table.c
#
# Each tree needs arch/arm64/tools/sysreg and arch/arm64/include/asm/sysreg.h.
# Give the newest tree first: when two names share an encoding, the first
# one seen wins, so a register renamed upstream keeps its current name.
#
# The kernel's own macros are expanded by cpp and evaluated by the host C
# compiler rather than re-implemented here, so that helper macros such as
# __CNTR_CRm() or SYS_AM_EL0() cannot be mistranslated. The output is checked
# in; the library build never needs a kernel tree.
#
# With CHECK=1 the script also reads the blessed register lists of KVM's
# get-reg-list selftest in each tree and reports, on stderr, every system
# register KVM lists that the table cannot name (apart from the unallocated
# ID register slots, which keep the generic S3_0_C0_Cm_op2 form).

set -euo pipefail

HOSTCC=${HOSTCC:-cc}
[ $# -ge 1 ] || { echo "usage: $0 LINUX-TREE..." >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Parametric register macros, NAME:FIRST:LAST. The architecture defines
# only these instances; larger indices would alias other registers.
ranges='
DBGBVRn_EL1:0:15 DBGBCRn_EL1:0:15 DBGWVRn_EL1:0:15 DBGWCRn_EL1:0:15
BRBINF_EL1:0:31 BRBSRC_EL1:0:31 BRBTGT_EL1:0:31
ICC_AP0Rn_EL1:0:3 ICC_AP1Rn_EL1:0:3
AMEVCNTR0_EL0:0:15 AMEVTYPER0_EL0:0:15 AMEVCNTR1_EL0:0:15 AMEVTYPER1_EL0:0:15
AMEVCNTVOFF0n_EL2:0:15 AMEVCNTVOFF1n_EL2:0:15
PMEVCNTRn_EL0:0:30 PMEVTYPERn_EL0:0:30 PMEVCNTSVRn_EL1:0:30
SPMEVCNTRn_EL0:0:15 SPMEVTYPERn_EL0:0:15 SPMEVFILTRn_EL0:0:15
SPMEVFILT2Rn_EL0:0:15
TRCACATR:0:15 TRCACVR:0:15 TRCCIDCVR:0:7 TRCVMIDCVR:0:7
TRCCNTCTLR:0:3 TRCCNTRLDVR:0:3 TRCCNTVR:0:3 TRCEXTINSELR:0:3
TRCIMSPEC:0:7 TRCRSCTLR:2:31 TRCSEQEVR:0:2
TRCSSCCR:0:7 TRCSSCSR:0:7 TRCSSPCICR:0:7
'

# The instance name: "DBGBVRn_EL1" + 3 -> "DBGBVR3_EL1",
# "AMEVCNTR0_EL0" + 3 -> "AMEVCNTR03_EL0", "TRCACVR" + 3 -> "TRCACVR3".
instance_name() {
	local m=$1 n=$2
	case $m in
	*n_EL?) echo "${m%n_EL?}$n${m#"${m%_EL?}"}" ;;
	*_EL?) echo "${m%_EL?}$n${m#"${m%_EL?}"}" ;;
	*) echo "$m$n" ;;
	esac
}

i=0
for tree in "$@"; do
	sysreg=$tree/arch/arm64/tools/sysreg
	hdr=$tree/arch/arm64/include/asm/sysreg.h
	[ -r "$sysreg" ] && [ -r "$hdr" ] ||
		{ echo "$0: $tree: no arm64 sysreg files" >&2; exit 1; }
	src=$tmp/probe$i.h
	# The sysreg file: "Sysreg NAME op0 op1 CRn CRm op2".
	awk '$1 == "Sysreg" && NF == 7 {
		printf "#define SYS_%s sys_reg(%s, %s, %s, %s, %s)\n",
			$2, $3, $4, $5, $6, $7 }' "$sysreg" >"$src"
	# sysreg.h without its includes; continuation lines joined.
	sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$hdr" |
		grep -v '^[[:space:]]*#[[:space:]]*include' >>"$src"
	# Replace the kernel's sys_reg() by a marker cpp leaves in place.
	printf '#undef sys_reg\n#define sys_reg(a, b, c, d, e) @R(a, b, c, d, e)\n' \
		>>"$src"
	# Probe order is priority order: the sysreg file, then the numbered
	# instances (architectural names such as AMEVCNTR00_EL0 before
	# Linux's aliases such as AMEVCNTR0_CORE_EL0), then sysreg.h.
	awk '$1 == "Sysreg" && NF == 7 { print $2 }' "$sysreg" >"$tmp/names"
	for r in $ranges; do
		IFS=: read -r m lo hi <<<"$r"
		grep -qE "define[[:space:]]+SYS_$m\(" "$hdr" || continue
		for ((n = lo; n <= hi; n++)); do
			echo "$(instance_name "$m" "$n") $m($n)"
		done >>"$tmp/names"
	done
	sed -nE 's/^# *define[[:space:]]+SYS_([A-Za-z0-9_]+)[[:space:]].*/\1/p' \
		"$hdr" >>"$tmp/names"
	awk '!seen[$1]++ { printf "%s @ SYS_%s\n", $1, ($2 == "" ? $1 : $2) }' \
		"$tmp/names" >>"$src"
	# Keep only names that expand to a plain sys_reg() of constants.
	"$HOSTCC" -E -P -x c "$src" 2>/dev/null |
		grep -E '^[A-Za-z0-9_]+ @ @R\([-0-9a-fA-FxXbB()|&<>+ ,]*\)$' |
		sed -E "s/^([A-Za-z0-9_]+) @ @R\\((.*)\\)\$/E($i, \"\\1\", \\2)/" \
			>>"$tmp/entries.h"
	i=$((i + 1))
done

# Evaluate the expressions and drop anything that is not a valid op0 2/3
# encoding (op0 0 and 1 are instructions and PSTATE fields, not registers).
cat >"$tmp/eval.c" <<'EOF'
#include <stdio.h>
#define E(t, n, op0, op1, crn, crm, op2)				\
	if ((op0) >= 2 && (op0) <= 3 && (op1) <= 7 && (crn) <= 15 &&	\
	    (crm) <= 15 && (op2) <= 7)					\
		printf("%d %04x %s\n", t, (op0) << 14 | (op1) << 11 |	\
		       (crn) << 7 | (crm) << 3 | (op2), n);
int main(void)
{
#include "entries.h"
	return 0;
}
EOF
"$HOSTCC" -w -o "$tmp/eval" "$tmp/eval.c"
"$tmp/eval" >"$tmp/all"

# One name per encoding and one encoding per name, first seen wins (the
# input is in priority order already). A later name for a named encoding
# becomes an alias, which regname_parse() accepts and regname_format()
# never prints. KVM's legacy virtual timer ids swap CNT and CVAL (see
# KVM_REG_ARM_TIMER_CNT in uapi/asm/kvm.h); the table names each of those
# two ids after the register KVM means by it, as 7.2's kvm_one_reg_to_id()
# reads them.
awk -v table="$tmp/table" -v aliases="$tmp/aliases" '
BEGIN {
	name["df02"] = "CNTV_CVAL_EL0"; used["CNTV_CVAL_EL0"] = 1
	name["df1a"] = "CNTVCT_EL0"; used["CNTVCT_EL0"] = 1
	printf "" >aliases
}
toupper($3) in used { next }
$2 in name { print $2, $3 >aliases; used[toupper($3)] = 1; next }
{ name[$2] = $3; used[toupper($3)] = 1 }
END { for (e in name) print e, name[e] >table }' "$tmp/all"
sort -o "$tmp/table" "$tmp/table"
sort -k2 -o "$tmp/aliases" "$tmp/aliases"

if [ "${CHECK:-0}" = 1 ]; then
	sed 's/^/alias: /' "$tmp/aliases" >&2
	for tree in "$@"; do
		find "$tree/tools/testing/selftests/kvm" -name get-reg-list.c \
			-path '*a*64*' 2>/dev/null
	done | xargs -r cat |
		sed -nE 's/,[[:space:]]*/ /g; s/\/\*[[:space:]]*/ /
			s/^.*ARM64_SYS_REG\(([0-9 ]+)\) *([A-Za-z0-9_]*).*/\1 \2/p' |
		sort -u >"$tmp/blessed"
	echo "checking $(wc -l <"$tmp/blessed") selftest registers" >&2
	while read -r a b c d e want; do
		enc=$(printf '%04x' $((a << 14 | b << 11 | c << 7 | d << 3 | e)))
		have=$(awk -v e="$enc" '$1 == e { print $2 }' "$tmp/table")
		if [ -z "$have" ]; then
			# Unallocated ID register slots keep the generic form.
			[ "$a$b$c" = 300 ] && [ "$d" -ge 1 ] && [ "$d" -le 7 ] &&
				continue
			echo "missing: S${a}_${b}_C${c}_C${d}_${e} ($want)" >&2
		elif [ -n "$want" ] && [ "$want" != "$have" ] &&
		     [ "$enc" != df1a ]; then
			echo "differs: S${a}_${b}_C${c}_C${d}_${e}: selftest $want, table $have" >&2
		fi
	done <"$tmp/blessed"
fi

versions=$(for t in "$@"; do
	sed -nE '1,5s/^(VERSION|PATCHLEVEL|SUBLEVEL) = ([0-9]+)/\2/p' \
		"$t/Makefile" 2>/dev/null | paste -sd.
done | paste -sd, | sed 's/,/, /g')

entries() {
	awk '{ printf "\t{ 0x%s, \"%s\" },\n", $1, $2 }' "$1"
}

cat <<EOF
// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Generated by tools/lib/gen-regnames.sh from the arm64 system register
 * definitions (arch/arm64/tools/sysreg, arch/arm64/include/asm/sysreg.h)
 * of Linux ${versions:-$*}. Do not edit; regenerate instead.
 */
#include "regnames_table.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Sorted by encoding: regname_lookup() bisects it. */
const struct regname_sysreg regname_sysregs[] = {
$(entries "$tmp/table")
};

const unsigned int regname_nr_sysregs = ARRAY_SIZE(regname_sysregs);

/* Other names of encodings named above: parsed, never printed. */
const struct regname_sysreg regname_sysreg_aliases[] = {
$(entries "$tmp/aliases")
};

const unsigned int regname_nr_sysreg_aliases =
	ARRAY_SIZE(regname_sysreg_aliases);
EOF

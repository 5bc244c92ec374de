#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Which fields of each feature ID register a kernel lets userspace change.

Reads KVM's table of ID registers (arch/arm64/kvm/sys_regs.c: the .val of
ID_WRITABLE(), ID_SANITISED(), AA32_ID_WRITABLE() and the open-coded
entries is the mask of the bits userspace may write) and the field layout
(arch/arm64/tools/sysreg) of Debian's linux-source trees, and writes the C
table idwritable.c that derive and check use:

  gen-idwritable.py 6.12=TREE 7.2=TREE >idwritable.c

The trees are the ones the debug-kernel build unpacks
($REGFILTER_CACHE/linux-source/VERSION-tree, tools/testvm/debugkernel.sh).
Nothing of the kernel's is copied: only register ids, masks and field
names come out.
"""
import re
import sys

U64 = (1 << 64) - 1


def bits(spec):
    """'43:40' or '5' -> mask."""
    if ':' in spec:
        hi, lo = (int(x) for x in spec.split(':'))
    else:
        hi = lo = int(spec)
    return ((1 << (hi - lo + 1)) - 1) << lo


def parse_sysreg(path):
    """{name: (encoding, {field: mask}, res0)} for every Sysreg block."""
    regs, cur, fieldsets = {}, None, {}
    name = None
    for line in open(path):
        w = line.split()
        if not w or w[0].startswith('#'):
            continue
        if w[0] == 'Sysreg':
            name = w[1]
            enc = tuple(int(x) for x in w[2:7])
            cur = (enc, {}, [0])
        elif w[0] == 'SysregFields':
            name = w[1]
            cur = (None, {}, [0])
        elif w[0] in ('EndSysreg', 'EndSysregFields'):
            if cur is not None:
                if cur[0] is None:
                    fieldsets[name] = cur
                else:
                    regs[name] = (cur[0], cur[1], cur[2][0])
            cur = None
        elif cur is None:
            continue
        elif w[0] in ('Field', 'UnsignedEnum', 'SignedEnum', 'Enum'):
            cur[1][w[2]] = bits(w[1])
        elif w[0] in ('Res0', 'Raz'):
            cur[2][0] |= bits(w[1])
        elif w[0] == 'Fields' and w[1] in fieldsets:
            cur[1].update(fieldsets[w[1]][1])
            cur[2][0] |= fieldsets[w[1]][2][0]
    return regs


def evaluate(expr, regs):
    """A C mask expression of KVM's ID table, as an integer."""
    def name(m):
        ident = m.group(0)
        if ident in ('GENMASK', 'GENMASK_ULL'):
            return 'genmask'
        for reg in sorted(regs, key=len, reverse=True):
            if not ident.startswith(reg + '_'):
                continue
            field = ident[len(reg) + 1:]
            _, fields, res0 = regs[reg]
            if field == 'RES0':
                return str(res0)
            if field.endswith('_MASK'):
                field = field[:-5]
            if field in fields:
                return str(fields[field])
        raise KeyError(ident)
    py = re.sub(r'[A-Za-z_][A-Za-z0-9_]*', name, ' '.join(expr.split()))
    return eval(py, {'genmask': lambda h, l: ((1 << (h - l + 1)) - 1) << l}) & U64


def kvm_id(enc):
    op0, op1, crn, crm, op2 = enc
    return (0x6030000000130000 | op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2)


def writable(tree):
    """[(name, id, mask, fields)] of the ID registers KVM lists for writes."""
    regs = parse_sysreg(tree + '/arch/arm64/tools/sysreg')
    src = open(tree + '/arch/arm64/kvm/sys_regs.c').read()
    # The ID registers of sys_reg_descs[]: from the AArch32 mappings to
    # the first register after the feature ID space.
    start = src.index('/* AArch64 mappings of the AArch32 ID registers */')
    end = src.index('SYS_DESC(SYS_SCTLR_EL1)', start)
    table = src[start:end]
    out = []
    # ID_WRITABLE(NAME, EXPR) with a balanced EXPR; the others by name.
    pos = 0
    pat = re.compile(r'(ID_WRITABLE|ID_SANITISED|AA32_ID_WRITABLE|ID_FILTERED)\(\s*(\w+)'
                     r'|\{\s*SYS_DESC\(SYS_(\w+)\)')
    while True:
        m = pat.search(table, pos)
        if not m:
            break
        if m.group(1):
            kind, reg = m.group(1), m.group(2)
            depth, i = 1, m.end()
            while depth:
                depth += {'(': 1, ')': -1}.get(table[i], 0)
                i += 1
            args = table[m.end():i - 1]
            if kind == 'ID_WRITABLE':
                mask = evaluate(args.split(',', 1)[1], regs)
            elif kind == 'AA32_ID_WRITABLE':
                mask = 0xffffffff
            elif kind == 'ID_FILTERED':
                mask = evaluate(args.split(',', 2)[2], regs)
            else:
                mask = 0
            pos = i
        else:
            reg = m.group(3)
            i = table.index('}', m.end())
            body = re.sub(r'/\*.*?\*/', '', table[m.end():i], flags=re.S)
            # .val = EXPR, up to the next designated field or the end.
            v = re.search(r'\.val\s*=\s*(.*?)\s*(,\s*\.\w|,?\s*$)', body, re.S)
            mask = evaluate(v.group(1), regs) if v else 0
            pos = i
        if reg not in regs:
            continue
        enc, fields, _ = regs[reg]
        out.append((reg, kvm_id(enc), mask, fields))
    return out


def main(argv):
    series = [a.split('=', 1) for a in argv[1:]]
    if not series or any(len(s) != 2 for s in series):
        sys.exit('usage: gen-idwritable.py SERIES=TREE...')
    print('// SPDX-License-Identifier: LGPL-2.1-or-later')
    print('/*')
    print(' * Generated by tools/lib/gen-idwritable.py from Debian\'s linux-source')
    print(' * trees (arch/arm64/kvm/sys_regs.c, arch/arm64/tools/sysreg): per kernel')
    print(' * series, the bits of each feature ID register that KVM lets userspace')
    print(' * write, and the registers\' field names.  Do not edit: regenerate.')
    print(' */')
    print('#include "idwritable.h"')
    print()
    print('#define ARRAY_SIZE(a)\t(sizeof(a) / sizeof((a)[0]))')
    print()
    names = {}
    for s, tree in series:
        regs = writable(tree)
        ident = 'v' + s.replace('.', '_')
        print(f'static const struct rf_idw_reg {ident}[] = {{')
        for reg, rid, mask, fields in regs:
            print(f'\t{{ 0x{rid:016x}ULL, 0x{mask:016x}ULL }},\t/* {reg} */')
            names[rid] = (reg, fields)
        print('};')
        print()
    print('const struct rf_idw_series rf_idw_series[] = {')
    for s, _ in series:
        major, minor = (int(x) for x in s.split('.'))
        ident = 'v' + s.replace('.', '_')
        print(f'\t{{ "{s}", {major * 1000 + minor}, {ident}, ARRAY_SIZE({ident}) }},')
    print('};')
    print()
    print('const unsigned int rf_idw_nr_series = ARRAY_SIZE(rf_idw_series);')
    print()
    print('const struct rf_idw_field rf_idw_fields[] = {')
    for rid in sorted(names):
        reg, fields = names[rid]
        for f, m in sorted(fields.items(), key=lambda kv: kv[1]):
            print(f'\t{{ 0x{rid:016x}ULL, 0x{m:016x}ULL, "{f}" }},')
    print('};')
    print()
    print('const unsigned int rf_idw_nr_fields = ARRAY_SIZE(rf_idw_fields);')


if __name__ == '__main__':
    main(sys.argv)

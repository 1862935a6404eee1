#!/usr/bin/env python3
"""Turns quant-opt output into FileCheck lines, in the spirit of MLIR's
generate-test-checks.py: SSA values become named captures (%[[V0:.*]] at the
definition, %[[V0]] at uses) and every func gets a CHECK-LABEL.

    quant-opt test.mlir | scripts/generate-test-checks.py

Review the result by hand: a generated check is only as good as the output
it was made from.
"""
import re
import sys

SSA = re.compile(r"%([A-Za-z_][\w$.]*|\d+)(:\d+)?(#\d+)?")


def main():
    names = {}
    counter = {"ARG": 0, "V": 0}

    def capture(m, defining):
        base = m.group(1)
        key = base
        if defining and key not in names:
            stem = "ARG" if base.startswith("arg") else "V"
            names[key] = f"{stem}{counter[stem]}"
            counter[stem] += 1
            suffix = (m.group(2) or "") + (m.group(3) or "")
            return f"%[[{names[key]}:.*]]" + (suffix if m.group(3) else "")
        if key in names:
            return f"%[[{names[key]}]]" + (m.group(3) or "")
        return m.group(0)

    out = []
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        stripped = line.strip()
        if not stripped or stripped in ("module {", "}") or stripped.startswith("{-#"):
            continue
        if stripped.startswith("func.func"):
            names.clear()
            counter.update(ARG=0, V=0)
            m = re.match(r"func\.func (?:private )?@([\w.$]+)\((.*)", stripped)
            label = f"// CHECK-LABEL: func.func @{m.group(1)}("
            out.append("")
            out.append(label)
            args = m.group(2)
            rewritten = SSA.sub(lambda mm: capture(mm, True), args)
            out.append(f"// CHECK-SAME:    {rewritten}")
            continue
        lhs, sep, rhs = stripped.partition(" = ")
        if sep and lhs.startswith("%"):
            lhs = SSA.sub(lambda mm: capture(mm, True), lhs)
            rhs = SSA.sub(lambda mm: capture(mm, False), rhs)
            out.append(f"// CHECK:         {lhs} = {rhs}")
        else:
            out.append("// CHECK:         " + SSA.sub(lambda mm: capture(mm, False), stripped))
    print("\n".join(out))


if __name__ == "__main__":
    main()

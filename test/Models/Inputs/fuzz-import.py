#!/usr/bin/python3
"""Mutates a real ONNX model and checks that quantc never crashes on it.

    fuzz-import.py QUANTC MODEL.onnx --input-shape NAME=D0,D1,... \
        [--count N] [--seed S] [--save DIR] \
        [--compare INPUTS --quant-run QUANT_RUN [--max-compared K]]

Each round changes the model a little, either in its structure (an attribute
value or kind, a node's inputs, outputs or op type, an initializer's dims,
element type or data, the opset, the graph's inputs and outputs; through the
onnx package) or in its bytes (a truncation or a few overwritten bytes), and
imports the result. quantc may accept or reject the model, but it must exit
with 0 or 1, within the time limit, and a rejection must print an
`error:` that starts with the model's path.

With --compare (structural changes only, at the model's opset), the first
K accepted mutants are also compiled (fp32, for the CPU) and run on the sample in INPUTS both compiled and by the reference
evaluator; both must again exit cleanly, and when both run, their outputs
must agree: same names and shapes, NaN and infinities in the same places,
and ||compiled - reference|| <= 1e-4 ||reference|| (the tolerance of
scripts/check-compiled-ppocr.sh for f32). Mutants reach configurations the
real models do not (other pads, strides, groups, axes, attribute values),
so this compares the code generator with the evaluator on them.

A round that breaks the contract is saved in DIR (if given) and reported
with the command that reproduces it; the script exits 1 if any did.
Deterministic for a seed.
"""
import argparse
import copy
import os
import random
import subprocess
import sys
import tempfile

import onnx
from onnx import helper


def mutate_structure(rng, model):
    g = model.graph
    node = rng.choice(list(g.node))
    what = rng.randrange(15)
    if what == 0 and node.attribute:
        a = rng.choice(node.attribute)
        if a.ints:
            a.ints[rng.randrange(len(a.ints))] = rng.choice([0, -1, -7, 1000, 2**31 - 1])
        elif a.type == helper.AttributeProto.INT:
            a.i = rng.choice([0, -1, -5, 99, 2**40])
        elif a.type == helper.AttributeProto.FLOAT:
            a.f = rng.choice([0.0, -1.0, float("nan"), 1e30])
        else:
            a.type = rng.randrange(1, 14)
    elif what == 1 and node.input:
        node.input[rng.randrange(len(node.input))] = rng.choice(["", "nonexistent", node.output[0]])
    elif what == 2:
        del node.input[:rng.randrange(len(node.input) + 1)]
    elif what == 3:
        node.op_type = rng.choice(["Conv", "MatMul", "Add", "Foo", "Reshape", "Gemm",
                                   "Concat", "Transpose", "Resize", "Slice", "Shape"])
    elif what == 4 and g.initializer:
        t = rng.choice(g.initializer)
        if t.dims:
            t.dims[rng.randrange(len(t.dims))] = rng.choice([0, 1, 3, -1, 7, 100000])
    elif what == 5 and g.initializer:
        rng.choice(g.initializer).data_type = rng.choice([0, 1, 2, 3, 6, 7, 9, 10, 11, 16, 17, 100])
    elif what == 6 and g.initializer:
        t = rng.choice(g.initializer)
        t.raw_data = t.raw_data[:len(t.raw_data) // 2]
    elif what == 7 and g.initializer:
        del g.initializer[rng.randrange(len(g.initializer))]
    elif what == 8:
        dims = g.input[0].type.tensor_type.shape.dim
        if dims:
            dims[rng.randrange(len(dims))].dim_value = rng.choice([0, 1, 2, 5, -3])
    elif what == 9:
        name = rng.choice(["axis", "perm", "shape", "pads", "strides", "group",
                           "kernel_shape", "dilations"])
        node.attribute.append(helper.make_attribute(name, rng.choice([3, [1, 2], [0] * 5, -1])))
    elif what == 10:
        g.node.remove(node)
    elif what == 11:
        model.opset_import[0].version = rng.choice([1, 5, 8, 9, 13, 21, 22, 99])
    elif what == 12:
        g.output[0].name = rng.choice(["nothing", g.node[0].output[0], g.input[0].name])
    elif what == 13 and node.output:
        node.output[0] = (rng.choice(list(g.node)).output[0] if rng.random() < 0.5
                          else g.input[0].name)
    elif what == 14:
        g.input[0].type.tensor_type.elem_type = rng.choice([0, 2, 6, 7, 10, 11, 16])
    return model


def mutate_bytes(rng, raw):
    b = bytearray(raw)
    if rng.randrange(4) == 0:
        return bytes(b[:rng.randrange(len(b))])
    # Mostly the first 20 KB: the graph's nodes come before the weights.
    limit = min(len(b), 20000) if rng.random() < 0.7 else len(b)
    for _ in range(rng.randrange(1, 20)):
        b[rng.randrange(limit)] = rng.randrange(256)
    return bytes(b)


def run_clean(cmd, path, timeout):
    """None if `cmd` succeeded, "rejected" if it failed with an error naming
    `path` (or any error, for quant-run), else why it broke the contract."""
    try:
        r = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"no answer within {timeout:g} s: {' '.join(cmd)}"
    if r.returncode == 0:
        return None
    err = r.stderr.decode(errors="replace")
    first = next((l for l in err.splitlines() if "error:" in l), "")
    if r.returncode == 1 and (first.startswith(path + ":") or (first and "quant-run" in cmd[0])):
        return "rejected"
    return (f"exit status {r.returncode} of {os.path.basename(cmd[0])}: "
            + (err.strip().splitlines() or ["no message"])[0])


def compare_outputs(got_dir, ref_dir):
    """None if the outputs agree, else how they differ."""
    import numpy as np
    names = sorted(os.listdir(ref_dir))
    if sorted(os.listdir(got_dir)) != names:
        return f"outputs {sorted(os.listdir(got_dir))} instead of {names}"
    for name in names:
        a = np.load(os.path.join(got_dir, name)).astype(np.float64)
        b = np.load(os.path.join(ref_dir, name)).astype(np.float64)
        if a.shape != b.shape:
            return f"{name}: shape {a.shape} instead of {b.shape}"
        for what, f in (("NaN", np.isnan), ("infinity", np.isinf)):
            if not np.array_equal(f(a), f(b)):
                return f"{name}: {what} at {int(np.sum(f(a) != f(b)))} other places"
        if not np.array_equal(a[np.isinf(b)], b[np.isinf(b)]):
            return f"{name}: infinities of other signs"
        a, b = a[np.isfinite(b)], b[np.isfinite(b)]
        rel = np.linalg.norm(a - b) / max(np.linalg.norm(b), 1e-300)
        if rel > 1e-4:
            return f"{name}: relative error {rel:.3g} > 1e-4"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("quantc")
    ap.add_argument("model")
    ap.add_argument("--input-shape", required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--save", help="directory for the models that broke the contract")
    ap.add_argument("--compare", metavar="INPUTS",
                    help="compile accepted mutants and compare them with the evaluator on this sample")
    ap.add_argument("--quant-run", help="quant-run, for --compare")
    ap.add_argument("--max-compared", type=int, default=20)
    args = ap.parse_args()
    if args.compare and not args.quant_run:
        ap.error("--compare needs --quant-run")

    rng = random.Random(args.seed)
    base = onnx.load(args.model)
    raw = open(args.model, "rb").read()
    opset = base.opset_import[0].version
    bad = accepted = rejected = compared = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "mutant.onnx")
        mlir, lib = os.path.join(tmp, "mutant.mlir"), os.path.join(tmp, "mutant.so")
        for i in range(args.count):
            # With --compare, structural changes only, at the model's opset:
            # more mutants import, and they are the interesting ones to run.
            if args.compare or rng.random() < 0.5:
                m = copy.deepcopy(base)
                if not args.compare:
                    # Newer opsets exercise more of ONNX's shape inference.
                    m.opset_import[0].version = rng.choice([opset, 13, 17, 21])
                for _ in range(rng.randrange(1, 3)):
                    m = mutate_structure(rng, m)
                data = m.SerializeToString()
            else:
                data = mutate_bytes(rng, raw)
            with open(path, "wb") as f:
                f.write(data)
            shape = ["--input-shape", args.input_shape]
            why = run_clean([args.quantc, "import", path] + shape + ["-o", mlir], path, args.timeout)
            if why == "rejected":
                rejected += 1
                continue
            if why is None:
                accepted += 1
                if not args.compare or compared >= args.max_compared:
                    continue
                why = run_clean([args.quantc, path] + shape + ["-o", lib], path, args.timeout)
                if why is None:
                    outs = {}
                    for kind, cmd in (("ref", [args.quant_run, mlir, "--reference"]),
                                      ("got", [args.quant_run, lib])):
                        outs[kind] = os.path.join(tmp, kind)
                        subprocess.run(["rm", "-rf", outs[kind]])
                        why = why or run_clean(cmd + ["--inputs", args.compare, "--outputs", outs[kind]],
                                               path, args.timeout)
                    if why is None:
                        compared += 1
                        why = compare_outputs(outs["got"], outs["ref"])
                        if why:
                            why = "compiled and evaluated outputs differ: " + why
                if why in (None, "rejected"):
                    continue
            bad += 1
            where = path
            if args.save:
                os.makedirs(args.save, exist_ok=True)
                where = os.path.join(args.save, f"mutant-{args.seed}-{i}.onnx")
                with open(where, "wb") as f:
                    f.write(data)
            print(f"round {i}: {why}\n  reproduce with: {where} "
                  f"--input-shape {args.input_shape}", flush=True)
    print(f"{args.count} mutants of {os.path.basename(args.model)} (seed {args.seed}): "
          f"{accepted} accepted, {rejected} rejected with an error, "
          f"{bad} broke the contract" + (f"; {compared} compiled and compared" if args.compare else ""))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

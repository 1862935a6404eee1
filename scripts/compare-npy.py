#!/usr/bin/python3
"""Compares an array with a reference array, elementwise.

    scripts/compare-npy.py A.npy REF.npy [--rtol R] [--atol A] [--min-sqnr DB] [--min-argmax F]
                           [--max-rel-error E] [--max-rel-max E]

Prints
    shape      the common shape and the dtypes
    max abs    max |a - ref|
    max rel    max |a - ref| / |ref| over the elements where ref != 0
    rel err    ||a - ref|| / ||ref|| (2-norms over the whole array): the norm-wise relative error
    rel max    max |a - ref| / max |ref|: the largest error relative to the output's scale
    sqnr       10*log10(sum(ref^2) / sum((a - ref)^2)) in dB (inf when equal)
    argmax     the fraction of positions whose argmax along the last axis agrees (rank >= 2)
    check      the tolerance check: |a - ref| <= atol + rtol*|ref| for every element (as numpy.allclose),
               and, if given, sqnr >= --min-sqnr, argmax agreement >= --min-argmax,
               rel err <= --max-rel-error and rel max <= --max-rel-max (given without --rtol and
               --atol, these two replace the elementwise check)
and exits 0 when the check passes, 1 when it fails, 2 on bad input (missing file, shape mismatch).
Defaults: --rtol 1e-5 --atol 1e-6 (close to float32 round-off; loosen them for quantized models).
"""

import argparse
import math
import sys

import numpy as np


def load(path):
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as e:
        print(f"compare-npy: error: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)


def main():
    ap = argparse.ArgumentParser(description="Compare A.npy against the reference REF.npy.")
    ap.add_argument("a", metavar="A.npy", help="the array under test")
    ap.add_argument("ref", metavar="REF.npy", help="the reference")
    ap.add_argument("--rtol", type=float, default=None, help="relative tolerance (default 1e-5)")
    ap.add_argument("--atol", type=float, default=None, help="absolute tolerance (default 1e-6)")
    ap.add_argument("--min-sqnr", type=float, default=None, metavar="DB", help="also require SQNR >= DB")
    ap.add_argument("--min-argmax", type=float, default=None, metavar="F",
                    help="also require argmax agreement >= F (0..1)")
    ap.add_argument("--max-rel-error", type=float, default=None, metavar="E",
                    help="also require ||a - ref|| / ||ref|| <= E")
    ap.add_argument("--max-rel-max", type=float, default=None, metavar="E",
                    help="also require max|a - ref| / max|ref| <= E")
    args = ap.parse_args()
    # --max-rel-error and --max-rel-max without --rtol/--atol replace the elementwise check.
    elementwise = (args.max_rel_error is None and args.max_rel_max is None) or \
        args.rtol is not None or args.atol is not None
    if args.rtol is None:
        args.rtol = 1e-5
    if args.atol is None:
        args.atol = 1e-6

    a, ref = load(args.a), load(args.ref)
    if a.shape != ref.shape:
        print(f"compare-npy: error: shape mismatch: {args.a} is {a.shape}, {args.ref} is {ref.shape}", file=sys.stderr)
        sys.exit(2)
    for name, x in ((args.a, a), (args.ref, ref)):
        if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
            print(f"compare-npy: error: {name} has non-numeric dtype {x.dtype}", file=sys.stderr)
            sys.exit(2)
    if a.size == 0:
        print(f"shape    {a.shape} {a.dtype} vs {ref.dtype} (empty)\ncheck    PASS")
        return

    x = a.astype(np.float64)
    r = ref.astype(np.float64)
    finite = bool(np.isfinite(x).all() and np.isfinite(r).all())
    diff = np.abs(x - r)
    max_abs = float(np.max(diff))
    nz = r != 0
    max_rel = float(np.max(diff[nz] / np.abs(r[nz]))) if nz.any() else (0.0 if max_abs == 0 else math.inf)
    scale = float(np.max(np.abs(r)))
    rel_max = max_abs / scale if scale > 0 else (0.0 if max_abs == 0 else math.inf)
    noise = float(np.sum((x - r) ** 2))
    signal = float(np.sum(r ** 2))
    rel_err = math.sqrt(noise / signal) if signal > 0 else (0.0 if noise == 0 else math.inf)
    if noise == 0:
        sqnr = math.inf
    elif signal == 0:
        sqnr = -math.inf
    else:
        sqnr = 10 * math.log10(signal / noise)

    print(f"shape    {a.shape} {a.dtype} vs {ref.dtype}")
    print(f"max abs  {max_abs:.6g}")
    print(f"max rel  {max_rel:.6g}")
    print(f"rel err  {rel_err:.6g}")
    print(f"rel max  {rel_max:.6g}")
    print(f"sqnr     {sqnr:.2f} dB")
    agree = None
    if a.ndim >= 2:
        agree = float(np.mean(np.argmax(x, axis=-1) == np.argmax(r, axis=-1)))
        n = int(np.prod(a.shape[:-1]))
        print(f"argmax   {agree:.4%} of {n} positions agree (last axis)")

    failures = []
    if not finite:
        failures.append("non-finite values (nan/inf)")
    bad = int(np.count_nonzero(diff > args.atol + args.rtol * np.abs(r))) if elementwise else 0
    if bad:
        failures.append(f"{bad} of {a.size} elements outside atol={args.atol:g} + rtol={args.rtol:g}*|ref|")
    if args.min_sqnr is not None and not sqnr >= args.min_sqnr:
        failures.append(f"sqnr {sqnr:.2f} dB < {args.min_sqnr:g} dB")
    if args.max_rel_error is not None and not rel_err <= args.max_rel_error:
        failures.append(f"rel err {rel_err:.6g} > {args.max_rel_error:g}")
    if args.max_rel_max is not None and not rel_max <= args.max_rel_max:
        failures.append(f"rel max {rel_max:.6g} > {args.max_rel_max:g}")
    if args.min_argmax is not None:
        if agree is None:
            failures.append("--min-argmax needs rank >= 2")
        elif agree < args.min_argmax:
            failures.append(f"argmax agreement {agree:.4f} < {args.min_argmax:g}")
    if failures:
        print("check    FAIL: " + "; ".join(failures))
        sys.exit(1)
    if elementwise:
        print(f"check    PASS (atol={args.atol:g}, rtol={args.rtol:g})")
    else:
        limits = [f"{name} <= {v:g}" for name, v in
                  (("rel err", args.max_rel_error), ("rel max", args.max_rel_max)) if v is not None]
        print(f"check    PASS ({', '.join(limits)})")


if __name__ == "__main__":
    main()

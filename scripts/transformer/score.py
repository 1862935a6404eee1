#!/usr/bin/python3
"""Scores the transformer's outputs on the evaluation set.

    scripts/transformer/score.py OUTPUTS [--targets models/transformer/eval-targets.npy]
                                 [--reference REF_OUTPUTS] [--json]

OUTPUTS holds one directory per evaluation sample (the names of
models/transformer/eval/: 000, 001, ...), each with logits.npy [1, 128, 128],
as `quant-run --outputs` or `node bench/ort/run.js --outputs` write them.
Prints the next-symbol accuracy and the cross-entropy (nats and bits per
symbol) over all positions; with --reference (the same layout, e.g. the fp32
outputs), also the argmax agreement with it and the SQNR of the logits in dB.
Needs only numpy.
"""

import argparse
import json
import math
import os
import sys

import numpy as np


def load_logits(root, names):
    out = []
    for n in names:
        path = os.path.join(root, n, "logits.npy")
        if not os.path.exists(path):
            sys.exit(f"score.py: missing {path}")
        out.append(np.load(path).astype(np.float64)[0])
    return np.stack(out)  # [samples, T, V]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outputs")
    ap.add_argument("--targets", default="models/transformer/eval-targets.npy")
    ap.add_argument("--reference")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args()

    targets = np.load(args.targets)
    names = [f"{i:03d}" for i in range(len(targets))]
    logits = load_logits(args.outputs, names)
    if logits.shape[:2] != targets.shape:
        sys.exit(f"score.py: logits {logits.shape} do not match targets "
                 f"{targets.shape}")
    m = logits.max(-1, keepdims=True)
    logz = np.log(np.exp(logits - m).sum(-1)) + m[..., 0]
    picked = np.take_along_axis(logits, targets[..., None], -1)[..., 0]
    ce = float((logz - picked).mean())
    res = {
        "accuracy": float((logits.argmax(-1) == targets).mean()),
        "cross_entropy": ce,
        "bits_per_symbol": ce / math.log(2),
        "positions": int(targets.size),
    }
    if args.reference:
        ref = load_logits(args.reference, names)
        noise = float(((logits - ref) ** 2).sum())
        res["argmax_agreement"] = float(
            (logits.argmax(-1) == ref.argmax(-1)).mean())
        res["sqnr_db"] = (10 * math.log10(float((ref ** 2).sum()) / noise)
                          if noise > 0 else float("inf"))
    if args.json:
        print(json.dumps(res))
        return
    line = (f"accuracy {res['accuracy']:.4f}  cross-entropy "
            f"{res['cross_entropy']:.4f} nats ({res['bits_per_symbol']:.3f} "
            f"bits/symbol) over {res['positions']} positions")
    if args.reference:
        line += (f"  argmax agreement {res['argmax_agreement']:.4f}  "
                 f"SQNR {res['sqnr_db']:.1f} dB")
    print(line)


if __name__ == "__main__":
    main()

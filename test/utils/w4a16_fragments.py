#!/usr/bin/env python3
"""Checks the weight packing of qc-gpu-w4a16-gemm against the PTX ISA's
fragment layout of mma.sync.m16n8k16 (B operand, .col: lane l holds
B[2c + i][r] in its first register and B[2c + 8 + i][r] in its second, with
r = l / 4, c = l % 4, i = 0, 1 the low and high f16).

  w4a16_fragments.py gen K N G DIR  writes DIR/in.mlir (a tagged gemv_w4_f32
                                    generic on random int4 weights [N][K],
                                    zero points per group of G:
                                    gemm_emulate.py's) and DIR/w4.npz
  w4a16_fragments.py check DIR OUT  decodes the packed globals of OUT (the
                                    pass's output) as the kernel does
                                    (pair p of a word: (w >> 4p) & 0x000F000F
                                    | 0x64006400 as two f16, minus the f16
                                    pair of 1024 + z) and compares every
                                    element with q - z; padding columns and
                                    the rows that pad K to whole units must
                                    decode to 0
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gemm_emulate  # noqa: E402

def gen(k, n, g, d):
    gemm_emulate.gen_w4(3, k, n, g, d)


def padded_k(k, g):
    """K rounded up to whole units, as qc-gpu-w4a16-gemm pads it."""
    if g >= k:  # one group: units of up to 128
        unit = min(128, (k + 15) // 16 * 16)
    else:
        unit = min(g, 128)
    return (k + unit - 1) // unit * unit


def f16pair(u):
    h = np.array([u & 0xFFFF, u >> 16], dtype=np.uint16).view(np.float16)
    return float(h[0]), float(h[1])


def check(d, out):
    text = open(out).read()

    def blob(name):
        m = re.search(name + r'[^:]*: "0x([0-9A-F]+)"', text)
        if not m:
            sys.exit("w4a16_fragments: no global %s in %s" % (name, out))
        return np.frombuffer(bytes.fromhex(m.group(1))[4:], dtype=np.uint32)

    data = np.load(os.path.join(d, "w4.npz"))
    q, z = data["q"], data["z"]
    N, K = q.shape
    G = int(data["g"])
    KP = padded_k(K, G)
    tiles, steps = (N + 63) // 64, KP // 16
    cols = tiles * 64
    words = blob("__qc_w4a16_weights").reshape(tiles, steps, 32, 4)
    zeros = blob("__qc_w4a16_zeros").reshape(z.shape[1], cols)
    got = np.full((KP, cols), np.nan)
    for t in range(tiles):
        for st in range(steps):
            for lane in range(32):
                r, c = lane // 4, lane % 4
                for i in range(4):
                    w = int(words[t, st, lane, i])
                    for e in range(2):
                        col = t * 64 + 8 * (2 * i + e) + r
                        zp = f16pair(int(zeros[min(st * 16 // G, z.shape[1] - 1), col]))
                        for p, koff in ((2 * e, 0), (2 * e + 1, 8)):
                            lo, hi = f16pair(((w >> (4 * p)) & 0x000F000F) | 0x64006400)
                            got[st * 16 + 2 * c + koff, col] = lo - zp[0]
                            got[st * 16 + 2 * c + koff + 1, col] = hi - zp[1]
    want = np.zeros((KP, cols))
    want[:K, :N] = q.T - np.repeat(z, G, axis=1)[:, :K].T
    bad = np.argwhere(~(got == want))
    if len(bad):
        k, n = bad[0]
        sys.exit("w4a16_fragments: %d of %d elements differ; first B[k=%d][n=%d] = %s, "
                 "expected %s" % (len(bad), got.size, k, n, got[k, n], want[k, n]))
    print("w4a16_fragments: all %d elements of %d x %d match" % (got.size, KP, cols))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        check(sys.argv[2], sys.argv[3])

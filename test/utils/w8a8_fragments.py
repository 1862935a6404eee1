#!/usr/bin/env python3
"""Checks the weight packing of qc-gpu-w8a8-gemm against the PTX ISA's
fragment layout of mma.sync.m16n8k32 with 8-bit operands (B operand, .col:
lane l holds B[4c + b][r] in byte b of its first register and
B[16 + 4c + b][r] in byte b of its second, with r = l / 4, c = l % 4).

  w8a8_fragments.py gen DIR        writes DIR/in.mlir (a tagged
                                   matmul_u8s8s32 generic on random s8
                                   weights [N][K], gemm_emulate.py's) and
                                   DIR/w.npy
  w8a8_fragments.py check DIR OUT  reads the packed global of OUT (the
                                   pass's output) as the kernel does (chunk
                                   i of a lane's step: words 2e, 2e + 1 are
                                   the B registers of 8-column sub-tile
                                   2i + e) and compares every element of
                                   B = W^T with the weights; padding
                                   columns and rows (k past K) must hold 0
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gemm_emulate  # noqa: E402

N, K = 72, 152  # two 64-column tiles, the second padded; K padded to 160


def gen(d):
    gemm_emulate.gen(3, K, N, d)


def check(d, out):
    text = open(out).read()
    m = re.search(r'__qc_w8a8_weights[^:]*: "0x([0-9A-F]+)"', text)
    if not m:
        sys.exit("w8a8_fragments: no global __qc_w8a8_weights in %s" % out)
    words = np.frombuffer(bytes.fromhex(m.group(1))[4:], dtype=np.uint32)
    w = np.load(os.path.join(d, "w.npy"))
    tiles, steps = (N + 63) // 64, (K + 31) // 32
    cols, rows = tiles * 64, steps * 32
    words = words.reshape(tiles, steps, 4, 32, 4)
    got = np.full((rows, cols), -1000)
    for t in range(tiles):
        for st in range(steps):
            for i in range(4):
                for lane in range(32):
                    r, c = lane // 4, lane % 4
                    for e in range(2):
                        col = t * 64 + 8 * (2 * i + e) + r
                        for j in range(2):
                            reg = int(words[t, st, i, lane, 2 * e + j])
                            for b in range(4):
                                v = (reg >> (8 * b)) & 0xFF
                                got[st * 32 + 16 * j + 4 * c + b, col] = v - 256 if v > 127 else v
    want = np.zeros((rows, cols), dtype=np.int64)
    want[:K, :N] = w.T
    bad = np.argwhere(got != want)
    if len(bad):
        k, n = bad[0]
        sys.exit("w8a8_fragments: %d of %d elements differ; first B[k=%d][n=%d] = %d, "
                 "expected %d" % (len(bad), got.size, k, n, got[k, n], want[k, n]))
    print("w8a8_fragments: all %d elements of %d x %d match" % (got.size, rows, cols))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])

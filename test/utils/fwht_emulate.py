#!/usr/bin/env python3
"""Runs the shared-memory FWHT kernel of qc-gpu-hadamard on the CPU with
test/utils/ptx_emu.py and compares it with the reference evaluator's fast
Walsh-Hadamard transform: the same butterflies in the same order in f32, so
the results must be equal to the bit.

  fwht_emulate.py gen ROWS N DIR   DIR/in.mlir: a zero fill and the tagged
                                   fwht_f32 generic on [ROWS][N] f32 (what
                                   convert-qc-to-linalg{fwht-kernel} makes
                                   of qc.hadamard), and DIR/x.npy
  fwht_emulate.py check DIR OUT    OUT: in.mlir after the kernel pass,
                                   outlining and gpu-module-to-binary
                                   (format=isa); runs the launch and
                                   compares
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ptx_emu  # noqa: E402

GENERIC = """func.func @h(%x: memref<{r}x{n}xf32>, %y: memref<{r}x{n}xf32>) {{
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<{r}x{n}xf32>)
  linalg.generic {{indexing_maps = [affine_map<(r, i, j) -> (r, j)>, affine_map<(r, i, j) -> (r, i)>], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%x : memref<{r}x{n}xf32>) outs(%y : memref<{r}x{n}xf32>) attrs = {{qc.ukernel = "fwht_f32"}} {{
  ^bb0(%a: f32, %acc: f32):
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %i64 = arith.index_castui %i : index to i64
    %j64 = arith.index_castui %j : index to i64
    %both = arith.andi %i64, %j64 : i64
    %pop = math.ctpop %both : i64
    %odd = arith.trunci %pop : i64 to i1
    %neg = arith.constant {neg:.9e} : f32
    %pos = arith.constant {pos:.9e} : f32
    %w = arith.select %odd, %neg, %pos : f32
    %p = arith.mulf %a, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }}
  return
}}
"""


def fwht(x):
    """The reference evaluator's transform of each row: stage h = 1, 2, ...
    replaces (a, b) = (x[j], x[j + h]) by (a + b, a - b), then the rows are
    scaled by 1/sqrt(n) (as f32), all in f32."""
    rows, n = x.shape
    x = x.astype(np.float32).copy()
    h = 1
    while h < n:
        v = x.reshape(rows, n // (2 * h), 2, h)
        a, b = v[:, :, 0, :].copy(), v[:, :, 1, :].copy()
        v[:, :, 0, :] = a + b
        v[:, :, 1, :] = a - b
        h *= 2
    return x * np.float32(1.0 / np.sqrt(np.float32(n)))


def gen(rows, n, d):
    rng = np.random.default_rng(rows * 7919 + n)
    x = (rng.standard_normal((rows, n)) * 3).astype(np.float32)
    np.save(os.path.join(d, "x.npy"), x)
    norm = np.float32(1.0) / np.sqrt(np.float32(n))
    with open(os.path.join(d, "in.mlir"), "w") as f:
        f.write(GENERIC.format(r=rows, n=n, neg=-norm, pos=norm))


def check(d, out):
    text, ptx, grid, block, args = ptx_emu.read_launch(out, "fwht_emulate")
    x = np.load(os.path.join(d, "x.npy"))
    rows, n = x.shape
    mem = ptx_emu.Memory()
    xa = mem.alloc(x.tobytes())
    # Poisoned: the kernel must write every element.
    ya = mem.alloc(np.full(x.shape, np.nan, np.float32).tobytes())
    params = {"%arg0": xa, "%arg1": ya}

    def param(name):  # through the flat views of the function's arguments
        view = re.search(re.escape(name) + r" = memref\.collapse_shape (%\w+)", text)
        return params[view.group(1) if view else name]

    ptx_emu.Kernel(ptx).launch(mem, grid, block, [param(a) for a in args])
    got = np.frombuffer(mem.read(ya, x.nbytes), dtype=np.float32).reshape(x.shape)
    want = fwht(x)
    # The reference itself against the definition (f64 matrix product).
    i = np.arange(n)
    pop = np.vectorize(lambda v: bin(v).count("1"))(i[:, None] & i[None, :])
    exact = x.astype(np.float64) @ np.where(pop % 2, -1.0, 1.0).T / np.sqrt(n)
    if not np.allclose(want, exact, rtol=0, atol=1e-5 * np.abs(exact).max()):
        sys.exit("fwht_emulate: the numpy reference is not a Hadamard transform")
    bad = np.argwhere(got.view(np.uint32) != want.view(np.uint32))
    if len(bad):
        r, c = bad[0]
        sys.exit("fwht emulated: %d of %d values differ; first y[%d][%d] = %r, expected %r"
                 % (len(bad), got.size, r, c, got[r, c], want[r, c]))
    print("fwht emulated: all %d values of %d x %d equal to the bit (grid %d, block %d)"
          % (got.size, rows, n, grid[0], block[0]))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
    else:
        check(sys.argv[2], sys.argv[3])

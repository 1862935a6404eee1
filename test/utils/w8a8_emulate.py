#!/usr/bin/env python3
"""Runs the W8A8 tensor-core GEMM kernel of qc-gpu-w8a8-gemm on the CPU with
test/utils/ptx_emu.py and compares its sums with numpy's: the whole kernel
as ptxas would get it (packing, cp.async addressing, A fragments, K padding,
stream-K split over blocks and tiles, the block's shared-memory sum and the
atomics), without a GPU.

  w8a8_emulate.py gen M K N DIR     writes DIR/in.mlir (a tagged
                                    matmul_u8s8s32 generic on random s8
                                    weights) and DIR/x.npy, DIR/w.npy
  w8a8_emulate.py check DIR OUT     OUT: in.mlir after qc-gpu-w8a8-gemm,
                                    outlining and gpu-module-to-binary
                                    (format=isa); runs the launch and prints
                                    how many of the M x N sums match
"""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ptx_emu  # noqa: E402


def lit(a):
    if a.ndim > 1:
        return "[" + ",".join(lit(r) for r in a) + "]"
    return "[" + ",".join("%d" % v for v in a) + "]"


def gen(m, k, n, d):
    rng = np.random.default_rng(m * 1000003 + k * 1009 + n)
    w = rng.integers(-127, 128, (n, k))
    x = rng.integers(0, 256, (m, k))
    np.save(os.path.join(d, "w.npy"), w)
    np.save(os.path.join(d, "x.npy"), x)
    with open(os.path.join(d, "in.mlir"), "w") as f:
        f.write(f'''memref.global "private" constant @w : memref<{n}x{k}xi8> = dense<{lit(w)}>
func.func @g(%x: memref<{m}x{k}xi8>, %y: memref<{m}x{n}xi32>) {{
  %w = memref.get_global @w : memref<{n}x{k}xi8>
  linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%x, %w : memref<{m}x{k}xi8>, memref<{n}x{k}xi8>) outs(%y : memref<{m}x{n}xi32>) attrs = {{qc.ukernel = "matmul_u8s8s32"}} {{
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }}
  return
}}
''')


def check(d, out):
    text = open(out).read()
    asm = re.search(r'assembly = "((?:[^"\\]|\\.)*)"', text)
    launch = re.search(r"gpu\.launch_func\s+@\w+::@\w+ blocks in \(([^)]*)\) threads in \(([^)]*)\)\s+args\(([^)]*)\)", text)
    if not asm or not launch:
        sys.exit("w8a8_emulate: no kernel binary or launch in %s" % out)
    ptx = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), asm.group(1))
    consts = {c: int(v) for c, v in re.findall(r"(%\w+) = arith\.constant (\d+) : index", text)}
    grid = [consts[c.strip()] for c in launch.group(1).split(",")]
    block = [consts[c.strip()] for c in launch.group(2).split(",")]
    x, w = np.load(os.path.join(d, "x.npy")), np.load(os.path.join(d, "w.npy"))
    m, n = x.shape[0], w.shape[0]
    mem = ptx_emu.Memory()
    params, y = [], None
    for arg in launch.group(3).split(","):
        name = arg.split(":")[0].strip()
        if name == "%arg0":
            params.append(mem.alloc(x.astype(np.uint8).tobytes()))
        elif name == "%arg1":
            y = mem.alloc(bytes(4 * m * n))
            params.append(y)
        else:
            glob = re.search(re.escape(name) + r" = memref\.get_global @(\w+)", text).group(1)
            blob = re.search(glob + r': "0x([0-9A-F]+)"', text).group(1)
            params.append(mem.alloc(bytes.fromhex(blob)[4:]))
    ptx_emu.Kernel(ptx).launch(mem, grid, block, params)
    got = np.frombuffer(mem.read(y, 4 * m * n), dtype=np.int32).reshape(m, n)
    want = (x.astype(np.int64) @ w.T.astype(np.int64)).astype(np.int32)
    bad = np.argwhere(got != want)
    if len(bad):
        r, c = bad[0]
        sys.exit("w8a8_emulate: %d of %d sums differ; first y[%d][%d] = %d, expected %d"
                 % (len(bad), got.size, r, c, got[r, c], want[r, c]))
    print("w8a8_emulate: all %d sums of %d x %d match (grid %s)" % (got.size, m, n, "x".join(map(str, grid))))


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    else:
        check(sys.argv[2], sys.argv[3])

#!/usr/bin/env python3
"""Runs the tensor-core GEMM kernels of qc-gpu-w8a8-gemm and
qc-gpu-w4a16-gemm on the CPU with test/utils/ptx_emu.py and compares their
results with numpy's: the whole kernel as ptxas would get it (packing,
cp.async addressing, A fragments, decode, K padding, stream-K split over
blocks and tiles, the block's shared-memory sum and the atomics), without a
GPU.

  gemm_emulate.py gen w8a8 M K N DIR     DIR/in.mlir: a tagged
                                         matmul_u8s8s32 generic on random
                                         s8 weights, and x (u8)
  gemm_emulate.py gen w8a8e M K N OW DIR DIR/in.mlir: as w8a8, on an
                                         accumulator in its own buffer with
                                         a zero fill, followed by a
                                         convolution's requantizing
                                         epilogue: out[0][n][p / OW][p % OW]
                                         = fma(float(acc[p][n] - zc[n]),
                                         sc[n], bias[n]) (what qc-gpu-w8a8-
                                         gemm fuses into the kernel)
  gemm_emulate.py gen w4a16e M K N G OW DIR
                                         as w4a16, on an accumulator of its
                                         own with a zero fill, followed by
                                         a convolution's bias epilogue:
                                         out[0][n][p / OW][p % OW] =
                                         acc[p][n] + bias[n]
  gemm_emulate.py gen w4a16 M K N G DIR  DIR/in.mlir: a tagged gemv_w4_f32
                                         generic on random int4 weights,
                                         scales and zero points per group of
                                         G, and x (f32)
  gemm_emulate.py check DIR OUT          OUT: in.mlir after the kernel pass,
                                         outlining and gpu-module-to-binary
                                         (format=isa); runs the launch and
                                         compares: W8A8 sums exactly (and
                                         the epilogue's results with
                                         numpy's f32 operations), W4A16
                                         against x rounded to f16 times the
                                         dequantized weights (relative error
                                         below 1e-5: only the order of the
                                         f32 sums differs)
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


GENERIC_W4 = """memref.global "private" constant @q : memref<{n}x{k}xi8> = dense<{q}>
memref.global "private" constant @s : memref<{n}x{kb}xf32> = dense<{s}>
memref.global "private" constant @z : memref<{n}x{kb}xf32> = dense<{z}>
func.func @g(%x: memref<{m}x{k}xf32>, %y: memref<{m}x{n}xf32>) {{
  %q = memref.get_global @q : memref<{n}x{k}xi8>
  %s = memref.get_global @s : memref<{n}x{kb}xf32>
  %z = memref.get_global @z : memref<{n}x{kb}xf32>
  linalg.generic {{indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, k floordiv {g})>, affine_map<(m, n, k) -> (n, k floordiv {g})>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}}
      ins(%x, %q, %s, %z : memref<{m}x{k}xf32>, memref<{n}x{k}xi8>, memref<{n}x{kb}xf32>, memref<{n}x{kb}xf32>) outs(%y : memref<{m}x{n}xf32>) attrs = {{qc.ukernel = "gemv_w4_f32", qc.w4_group = {g} : i64}} {{
  ^bb0(%a: f32, %qq: i8, %ss: f32, %zz: f32, %acc: f32):
    %qf = arith.uitofp %qq : i8 to f32
    %d = arith.subf %qf, %zz : f32
    %w = arith.mulf %d, %ss : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }}
  return
}}
"""


EPILOGUE_W4 = """  linalg.generic {{indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2 * {ow} + d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%y, %bias : memref<{m}x{n}xf32>, memref<{n}xf32>) outs(%out : memref<1x{n}x{oh}x{ow}xf32>) {{
  ^bb0(%v: f32, %b: f32, %o: f32):
    %r = arith.addf %v, %b : f32
    linalg.yield %r : f32
  }}
  return
}}

{{-#
  dialect_resources: {{
    builtin: {{
      bias: "{bias}"
    }}
  }}
#-}}
"""


def flit(a, fmt):
    if a.ndim > 1:
        return "[" + ",".join(flit(r, fmt) for r in a) + "]"
    return "[" + ",".join(fmt % v for v in a) + "]"


def gen_w4(m, k, n, g, d):
    rng = np.random.default_rng(m * 1000003 + k * 1009 + n + 7 * g)
    kb = (k + g - 1) // g
    q = rng.integers(0, 16, (n, k))
    s = (rng.random((n, kb)) + 0.1).astype(np.float32)
    z = rng.integers(0, 16, (n, kb)).astype(np.float32)
    x = rng.standard_normal((m, k)).astype(np.float32)
    np.savez(os.path.join(d, "w4.npz"), q=q, s=s, z=z, x=x, g=g)
    with open(os.path.join(d, "in.mlir"), "w") as f:
        f.write(GENERIC_W4.format(m=m, k=k, n=n, g=g, kb=kb, q=lit(q), s=flit(s, "%.9e"),
                                  z=flit(z, "%.1f")))


def gen_w4_epilogue(m, k, n, g, ow, d):
    """gen_w4's GEMM on an accumulator of its own (zero-filled), followed by
    a convolution's bias and NCHW epilogue: out[0][n][p / OW][p % OW] =
    acc[p][n] + bias[n]."""
    gen_w4(m, k, n, g, d)
    bias = np.random.default_rng(m + n + ow).standard_normal(n).astype(np.float32)
    np.savez(os.path.join(d, "epilogue.npz"), bias=bias, ow=ow)
    text = open(os.path.join(d, "in.mlir")).read()
    oh = m // ow
    text = text.replace("func.func @g(%x: memref<{m}x{k}xf32>, %y: memref<{m}x{n}xf32>) {{\n".format(m=m, k=k, n=n),
                        "memref.global \"private\" constant @bias : memref<{n}xf32> = dense_resource<bias>\n"
                        "func.func @g(%x: memref<{m}x{k}xf32>, %out: memref<1x{n}x{oh}x{ow}xf32>) {{\n"
                        "  %bias = memref.get_global @bias : memref<{n}xf32>\n"
                        "  %zero = arith.constant 0.0 : f32\n"
                        "  %y = memref.alloc() : memref<{m}x{n}xf32>\n"
                        "  linalg.fill ins(%zero : f32) outs(%y : memref<{m}x{n}xf32>)\n".format(m=m, k=k, n=n, oh=oh, ow=ow))
    text = text.replace("  return\n}\n", EPILOGUE_W4.format(m=m, n=n, oh=oh, ow=ow, bias=hexblob(bias)))
    open(os.path.join(d, "in.mlir"), "w").write(text)


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


def hexblob(a):
    return "0x04000000" + a.tobytes().hex().upper()


def gen_epilogue(m, k, n, ow, d):
    """gen's GEMM on an accumulator of its own (zero-filled), followed by a
    convolution's requantizing epilogue."""
    gen(m, k, n, d)
    rng = np.random.default_rng(m + k + n + ow)
    zc = rng.integers(-2000, 2000, n).astype(np.int32)
    sc = (rng.random(n) * 1e-3).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    np.savez(os.path.join(d, "epilogue.npz"), zc=zc, sc=sc, bias=bias, ow=ow)
    oh = m // ow
    text = open(os.path.join(d, "in.mlir")).read()
    text = text.replace(
        "func.func @g(%x: memref<{m}x{k}xi8>, %y: memref<{m}x{n}xi32>) {{\n".format(m=m, k=k, n=n),
        EPILOGUE_W8_HEAD.format(m=m, k=k, n=n, oh=oh, ow=ow))
    text = text.replace("  return\n}\n", EPILOGUE_W8.format(
        m=m, n=n, oh=oh, ow=ow, zc=hexblob(zc), sc=hexblob(sc), bias=hexblob(bias)))
    open(os.path.join(d, "in.mlir"), "w").write(text)


EPILOGUE_W8_HEAD = """memref.global "private" constant @zc : memref<{n}xi32> = dense_resource<zc>
memref.global "private" constant @sc : memref<{n}xf32> = dense_resource<sc>
memref.global "private" constant @bias : memref<{n}xf32> = dense_resource<bias>
func.func @g(%x: memref<{m}x{k}xi8>, %out: memref<1x{n}x{oh}x{ow}xf32>) {{
  %zc = memref.get_global @zc : memref<{n}xi32>
  %sc = memref.get_global @sc : memref<{n}xf32>
  %bias = memref.get_global @bias : memref<{n}xf32>
  %zero = arith.constant 0 : i32
  %y = memref.alloc() : memref<{m}x{n}xi32>
  linalg.fill ins(%zero : i32) outs(%y : memref<{m}x{n}xi32>)
"""

EPILOGUE_W8 = """  linalg.generic {{indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2 * {ow} + d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%y, %zc, %sc, %bias : memref<{m}x{n}xi32>, memref<{n}xi32>, memref<{n}xf32>, memref<{n}xf32>) outs(%out : memref<1x{n}x{oh}x{ow}xf32>) {{
  ^bb0(%v: i32, %z: i32, %s: f32, %b: f32, %o: f32):
    %c = arith.subi %v, %z : i32
    %f = arith.sitofp %c : i32 to f32
    %r = math.fma %f, %s, %b : f32
    linalg.yield %r : f32
  }}
  return
}}

{{-#
  dialect_resources: {{
    builtin: {{
      zc: "{zc}",
      sc: "{sc}",
      bias: "{bias}"
    }}
  }}
#-}}
"""


def check(d, out):
    text, ptx, grid, block, args = ptx_emu.read_launch(out, "gemm_emulate")
    w4 = os.path.exists(os.path.join(d, "w4.npz"))
    epi = np.load(os.path.join(d, "epilogue.npz")) if os.path.exists(os.path.join(d, "epilogue.npz")) else None
    # Split-K blocks add into y with atomics (y zero-filled); blocks that
    # own whole tiles store: y starts as NaNs then, so a missed element
    # fails.
    atomics = "atom.global.add" in ptx
    if w4:
        data = np.load(os.path.join(d, "w4.npz"))
        x = data["x"]
        n = data["q"].shape[0]
        xbytes = x.tobytes()
    else:
        x, w = np.load(os.path.join(d, "x.npy")), np.load(os.path.join(d, "w.npy"))
        n = w.shape[0]
        xbytes = x.astype(np.uint8).tobytes()
    m = x.shape[0]
    mem = ptx_emu.Memory()
    params, y = [], None
    for name in args:
        if name == "%arg0":
            params.append(mem.alloc(xbytes))
        elif name == "%arg1":
            y = mem.alloc(bytes(4 * m * n) if atomics else b"\xff\xff\xc0\x7f" * (m * n))
            params.append(y)
        else:
            glob = re.search(re.escape(name) + r" = memref\.get_global @(\w+)", text).group(1)
            blob = re.search(glob + r': "0x([0-9A-F]+)"', text).group(1)
            params.append(mem.alloc(bytes.fromhex(blob)[4:]))
    ptx_emu.Kernel(ptx).launch(mem, grid, block, params)
    if w4:
        got = np.frombuffer(mem.read(y, 4 * m * n), dtype=np.float32).reshape(m, n)
        g, k = int(data["g"]), data["q"].shape[1]
        deq = (data["q"] - np.repeat(data["z"], g, axis=1)[:, :k]) * np.repeat(data["s"], g, axis=1)[:, :k]
        want = x.astype(np.float16).astype(np.float64) @ deq.T
        if epi is not None:
            if "%alloc" in args or atomics:
                sys.exit("w4a16 emulated: the epilogue is not fused (the kernel writes the accumulator)")
            ow = int(epi["ow"])
            got = got.reshape(n, m // ow, ow).reshape(n, m).T  # out[0][n][p / OW][p % OW]
            want = want + epi["bias"]
        err = np.linalg.norm(got - want) / np.linalg.norm(want)
        if not err < 1e-5:
            sys.exit("w4a16 emulated: relative error %.2e against numpy" % err)
        print("w4a16 emulated: %d x %d match%s, relative error %.1e (grid %s)"
              % (m, n, " with the fused epilogue" if epi is not None else "", err,
                 "x".join(map(str, grid))))
        return
    want = (x.astype(np.int64) @ w.T.astype(np.int64)).astype(np.int32)
    if epi is not None:
        if "%alloc" in args or atomics:
            sys.exit("w8a8 emulated: the epilogue is not fused (the kernel writes the accumulator)")
        ow = int(epi["ow"])
        got = np.frombuffer(mem.read(y, 4 * m * n), dtype=np.float32).reshape(n, m // ow, ow)
        f = (want - epi["zc"]).astype(np.float32)
        ref = (f.astype(np.float64) * epi["sc"] + epi["bias"]).astype(np.float32)  # one fma
        ref = ref.T.reshape(n, m // ow, ow)
        bad = np.argwhere(got.view(np.uint32) != ref.view(np.uint32))
        if len(bad):
            c, r0, r1 = bad[0]
            sys.exit("w8a8 emulated: %d of %d epilogue results differ; first out[0][%d][%d][%d] = %r, expected %r"
                     % (len(bad), got.size, c, r0, r1, got[c, r0, r1], ref[c, r0, r1]))
        print("w8a8 emulated: all %d results of %d x %d with the fused epilogue match (grid %s)"
              % (got.size, m, n, "x".join(map(str, grid))))
        return
    got = np.frombuffer(mem.read(y, 4 * m * n), dtype=np.int32).reshape(m, n)
    bad = np.argwhere(got != want)
    if len(bad):
        r, c = bad[0]
        sys.exit("w8a8 emulated: %d of %d sums differ; first y[%d][%d] = %d, expected %d"
                 % (len(bad), got.size, r, c, got[r, c], want[r, c]))
    print("w8a8 emulated: all %d sums of %d x %d match (grid %s)" % (got.size, m, n, "x".join(map(str, grid))))


if __name__ == "__main__":
    if sys.argv[1] == "gen" and sys.argv[2] == "w8a8":
        gen(int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    elif sys.argv[1] == "gen" and sys.argv[2] == "w8a8e":
        gen_epilogue(int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
    elif sys.argv[1] == "gen" and sys.argv[2] == "w4a16e":
        gen_w4_epilogue(*(int(v) for v in sys.argv[3:8]), sys.argv[8])
    elif sys.argv[1] == "gen" and sys.argv[2] == "w4a16":
        gen_w4(int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7])
    else:
        check(sys.argv[2], sys.argv[3])

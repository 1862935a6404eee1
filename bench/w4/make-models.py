#!/usr/bin/env python3
"""Writes the models of bench/w4-gemv.sh: for each K x N, an ONNX
com.microsoft.MatMulNBits product (4-bit weights in blocks of 128 along K,
symmetric: no zero points) y = a * W, the same with accuracy_level 4 (ONNX
Runtime then quantizes `a` to int8 per block and multiplies in integers),
and the same product as a plain f32 MatMul on the dequantized weights; the
batch dimension M of `a` is symbolic.

  make-models.py OUT_DIR KxN [KxN ...]   writes OUT_DIR/{nbits,nbits-int8,
                                          fp32}_KxN.onnx
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

BLOCK = 128


def models(k, n, seed, accuracy_level):
    rng = np.random.default_rng(seed)
    q = rng.integers(0, 16, size=(n, k), dtype=np.uint8)
    scales = rng.uniform(0.001, 0.02, size=(n, k // BLOCK)).astype(np.float32)
    w = ((q.astype(np.float32) - 8.0) * np.repeat(scales, BLOCK, axis=1)).T
    packed = (q[:, 0::2] | (q[:, 1::2] << 4)).reshape(n, k // BLOCK, BLOCK // 2)
    a = helper.make_tensor_value_info("a", TensorProto.FLOAT, ["M", k])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, ["M", n])
    nbits = helper.make_model(
        helper.make_graph(
            [helper.make_node("MatMulNBits", ["a", "B", "scales"], ["y"],
                              domain="com.microsoft", K=k, N=n, bits=4,
                              block_size=BLOCK,
                              accuracy_level=accuracy_level)],
            "nbits", [a], [y],
            [numpy_helper.from_array(packed, "B"),
             numpy_helper.from_array(scales.reshape(-1), "scales")]),
        opset_imports=[helper.make_opsetid("", 17),
                       helper.make_opsetid("com.microsoft", 1)])
    fp32 = helper.make_model(
        helper.make_graph(
            [helper.make_node("MatMul", ["a", "W"], ["y"])], "fp32", [a], [y],
            [numpy_helper.from_array(np.ascontiguousarray(w), "W")]),
        opset_imports=[helper.make_opsetid("", 17)])
    return nbits, fp32


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for i, shape in enumerate(argv[2:]):
        k, n = (int(v) for v in shape.split("x"))
        if k % BLOCK:
            sys.exit("make-models.py: K = %d is not a multiple of %d" % (k, BLOCK))
        nbits, fp32 = models(k, n, 1 + i, 0)
        nbits8, _ = models(k, n, 1 + i, 4)
        for name, m in (("nbits", nbits), ("nbits-int8", nbits8),
                        ("fp32", fp32)):
            path = os.path.join(out, "%s_%s.onnx" % (name, shape))
            if not os.path.exists(path):
                onnx.save(m, path)


if __name__ == "__main__":
    main(sys.argv)

#!/usr/bin/env python3
"""Writes the GEMM benchmark models of bench/gpu-check.sh: y = x @ W with
x [B, K] and W [K, N] an initializer, as ONNX, plus one calibration sample
and one input per model.

  make_gemm.py OUTDIR K N B [B ...]

W is a smooth deterministic pattern rather than random data: a kernel's
speed does not depend on the values, and the compiled libraries (weights
embedded) then compress to almost nothing for the trip to the GPU machine.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    out, k, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    batches = [int(b) for b in sys.argv[4:]]
    os.makedirs(out, exist_ok=True)
    i = np.arange(k, dtype=np.int64)[:, None]
    j = np.arange(n, dtype=np.int64)[None, :]
    w = (((i * 7 + j * 13) % 31) - 15).astype(np.float32) / 64.0
    for b in batches:
        name = "gemm_%dx%d_b%d" % (k, n, b)
        x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [b, k])
        y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [b, n])
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["x", "W"], ["y"])], name, [x], [y],
            [numpy_helper.from_array(w, "W")])
        model = helper.make_model(graph, opset_imports=[
            helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.save(model, os.path.join(out, name + ".onnx"))
        rng = np.random.default_rng(b)
        for d in ("calib/%s/s0" % name, "inputs/%s" % name):
            os.makedirs(os.path.join(out, d), exist_ok=True)
            np.save(os.path.join(out, d, "x.npy"),
                    rng.standard_normal((b, k)).astype(np.float32))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Runs a compiled quantc model through libqrt's C API (ctypes), without
MLIR: the GPU machine has neither MLIR nor quant-run, only numpy.

  qrt_run.py LIBQRT MODEL.so --inputs DIR [--outputs DIR] [--bench N]

Inputs are DIR/<input name>.npy; outputs are written as DIR/<output
name>.npy. --bench N times N runs after 3 warm-ups and prints
'median X ms p90 Y ms'. Errors print the runtime's message and exit 1.
bench/gpu/kernel_bench.py imports QrtModel.
"""
import argparse
import ctypes as C
import os
import sys
import time

import numpy as np

MAX_RANK = 8
DTYPES = {1: np.float32, 2: np.int64, 3: np.int32, 4: np.int8, 5: np.uint8,
          6: np.bool_}


class TensorDesc(C.Structure):
    _fields_ = [("name", C.c_char_p), ("dtype", C.c_int32),
                ("rank", C.c_int32), ("shape", C.POINTER(C.c_int64))]


class Tensor(C.Structure):
    _fields_ = [("data", C.c_void_p), ("dtype", C.c_int32),
                ("rank", C.c_int32), ("shape", C.c_int64 * MAX_RANK)]


def load_libqrt(path):
    lib = C.CDLL(path)
    lib.qrt_model_open.argtypes = [C.c_char_p, C.c_void_p,
                                   C.POINTER(C.c_void_p), C.c_char_p,
                                   C.c_size_t]
    lib.qrt_model_input.restype = C.POINTER(TensorDesc)
    lib.qrt_model_input.argtypes = [C.c_void_p, C.c_int32]
    lib.qrt_model_output.restype = C.POINTER(TensorDesc)
    lib.qrt_model_output.argtypes = [C.c_void_p, C.c_int32]
    lib.qrt_model_num_inputs.argtypes = [C.c_void_p]
    lib.qrt_model_num_outputs.argtypes = [C.c_void_p]
    lib.qrt_model_run.argtypes = [C.c_void_p, C.c_void_p, C.c_void_p]
    lib.qrt_last_error.restype = C.c_char_p
    lib.qrt_last_error.argtypes = [C.c_void_p]
    lib.qrt_model_close.argtypes = [C.c_void_p]
    return lib


class QrtModel:
    """One model opened through libqrt, with its inputs read from
    INPUTS/<name>.npy and output arrays allocated once; run() runs it host
    to host. Errors exit with the runtime's message."""

    def __init__(self, lib, path, inputs):
        self.lib = lib
        self.model = C.c_void_p()
        err = C.create_string_buffer(4096)
        if lib.qrt_model_open(os.path.abspath(path).encode(), None,
                              C.byref(self.model), err, len(err)) != 0:
            sys.exit("qrt_run: error: " + err.value.decode())
        ins = []
        for i in range(lib.qrt_model_num_inputs(self.model)):
            d = lib.qrt_model_input(self.model, i).contents
            f = os.path.join(inputs, d.name.decode() + ".npy")
            x = np.ascontiguousarray(np.load(f), dtype=DTYPES[d.dtype])
            want = tuple(d.shape[k] for k in range(d.rank))
            if x.shape != want:
                sys.exit("qrt_run: error: %s has shape %s, the model expects %s"
                         % (f, x.shape, want))
            ins.append(x)
        self.outputs, self.output_names = [], []
        for i in range(lib.qrt_model_num_outputs(self.model)):
            d = lib.qrt_model_output(self.model, i).contents
            self.outputs.append(np.zeros([d.shape[k] for k in range(d.rank)],
                                         DTYPES[d.dtype]))
            self.output_names.append(d.name.decode())
        self.inputs = ins
        self.tin = self._tensors(len(ins), lib.qrt_model_input, ins)
        self.tout = self._tensors(len(self.outputs), lib.qrt_model_output,
                                  self.outputs)

    def _tensors(self, count, get, arrays):
        ts = (Tensor * max(count, 1))()
        for i in range(count):
            d = get(self.model, i).contents
            t = ts[i]
            t.data = arrays[i].ctypes.data
            t.dtype = d.dtype
            t.rank = d.rank
            for k in range(d.rank):
                t.shape[k] = d.shape[k]
        return ts

    def run(self):
        if self.lib.qrt_model_run(self.model, self.tin, self.tout) != 0:
            sys.exit("qrt_run: error: " +
                     self.lib.qrt_last_error(self.model).decode())

    def close(self):
        self.lib.qrt_model_close(self.model)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("libqrt")
    ap.add_argument("model")
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--outputs")
    ap.add_argument("--bench", type=int, default=0)
    a = ap.parse_args()

    m = QrtModel(load_libqrt(a.libqrt), a.model, a.inputs)
    m.run()
    if a.outputs:
        os.makedirs(a.outputs, exist_ok=True)
        for name, y in zip(m.output_names, m.outputs):
            np.save(os.path.join(a.outputs, name + ".npy"), y)
    if a.bench:
        for _ in range(3):
            m.run()
        times = []
        for _ in range(a.bench):
            t0 = time.perf_counter()
            m.run()
            times.append((time.perf_counter() - t0) * 1e3)
        times.sort()
        print("median %.3f ms p90 %.3f ms" %
              (times[len(times) // 2], times[min(len(times) - 1,
                                                  int(0.9 * len(times)))]))
    m.close()


if __name__ == "__main__":
    main()

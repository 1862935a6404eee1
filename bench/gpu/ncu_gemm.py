#!/usr/bin/env python3
"""GEMM kernel durations under Nsight Compute, on the GPU machine: quantc's
W4A16 kernel (a model of bench/gpu-check.sh prepare, run through libqrt)
against cuBLAS's fp16 GEMM (torch.matmul) on the same shape. Events around
a launch (QRT_PROFILE, cublas_gemm.py) include the launch and event
overhead, a few microseconds that matter at these sizes; ncu's
gpu__time_duration is the kernel alone (caches flushed before each
measured launch, clocks left alone).

  ncu_gemm.py DIR K N B   -> prints 'quantc_us cublas_fp16_us'

Each is the median over 5 launches of the kernel with the largest median
(the GEMM, not the zero fill or conversion kernels around it).
"""
import csv
import io
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def durations(cmd):
    out = subprocess.run(
        ["ncu", "--clock-control", "none", "--metrics", "gpu__time_duration.sum",
         "--csv"] + cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, check=True).stdout
    rows = [l for l in out.splitlines() if l.startswith('"')]
    groups = {}
    for r in csv.DictReader(io.StringIO("\n".join(rows))):
        if r.get("Metric Name") != "gpu__time_duration.sum":
            continue
        v = float(r["Metric Value"].replace(",", ""))
        scale = {"ns": 1e-3, "nsecond": 1e-3, "us": 1.0, "usecond": 1.0,
                 "ms": 1e3, "msecond": 1e3}.get(r["Metric Unit"])
        if scale is None:
            sys.exit("ncu_gemm: unknown unit %r" % r["Metric Unit"])
        us = v * scale
        key = (r["Kernel Name"], r.get("Block Size"), r.get("Grid Size"))
        groups.setdefault(key, []).append(us)
    return max(statistics.median(v) for v in groups.values())


def main():
    d, k, n, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    name = "gemm_%dx%d_b%d" % (k, n, b)
    ours = durations([sys.executable, os.path.join(HERE, "qrt_run.py"),
                      os.path.join(d, "libqrt.so"),
                      os.path.join(d, "so", name + ".w4a16.so"),
                      "--inputs", os.path.join(d, "inputs", name, "x"),
                      "--bench", "2"])
    script = ("import torch; w = torch.randn(%d, %d, device='cuda', dtype=torch.float16); "
              "x = torch.randn(%d, %d, device='cuda', dtype=torch.float16)\n"
              "for _ in range(5): torch.matmul(x, w)\n"
              "torch.cuda.synchronize()" % (k, n, b, k))
    theirs = durations([sys.executable, "-c", script])
    print("%.2f %.2f" % (ours, theirs))


if __name__ == "__main__":
    main()

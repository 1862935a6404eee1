#!/usr/bin/env python3
"""GEMM kernel times on the GPU machine, quantc's and cuBLAS's measured the
same way in one process: kernel durations from CUPTI (torch.profiler's CUDA
activity trace), so neither launch overheads nor host work count, and the
GPU stays busy between launches, so its clocks stay up.

  kernel_bench.py LIBQRT K N B INPUTS MODEL.so...

prints one line per measured program:

  LABEL cold_us warm_us kernels split

LABEL is a model's file name (run through libqrt on INPUTS/<name>.npy),
cublas-fp16 (torch.matmul of [B, K] by [K, N] in float16) or
cublaslt-int8-wrow / cublaslt-int8-wcol (torch._int_mm, at least 32 rows,
which it needs, with W row-major or column-major: cuBLASLt's int8 tensor
core kernels want the latter, and the faster of the two is the baseline).
"cold":
each call follows a 256 MB write that evicts the L2 cache, so the weights
come from device memory, as in a network whose weights do not fit in L2;
"warm": calls back to back, the weights L2-resident where they fit (an
H100/H200 has 50 MB). Each time is the median over 30 calls of the GPU
time of one call: the sum of its kernels' durations (for quantc a zero fill
where blocks add into the output, and the GEMM; for cuBLAS a split-K
reduction where it uses one); `kernels` is the number of kernels per call
and `split` their cold medians in launch order, joined by '+'.
"""
import json
import os
import statistics
import sys
import tempfile
import warnings

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qrt_run import QrtModel, load_libqrt  # noqa: E402

CALLS = 30
# Each measurement is its own profiling session; PyTorch warns that a new
# one drops the last one's events, which is what we want.
warnings.filterwarnings("ignore", message="Profiler clears events")


def kernels(fn):
    """The CUDA kernels (name, duration in us) that fn launches, in order."""
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        fn()
        torch.cuda.synchronize()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "trace.json")
        prof.export_chrome_trace(path)
        with open(path) as f:
            trace = json.load(f)
    events = [e for e in trace.get("traceEvents", [])
              if e.get("cat") == "kernel"]
    events.sort(key=lambda e: e["ts"])
    return [(e["name"], float(e["dur"])) for e in events]


def measure(call, flush, flush_names):
    """(cold, warm, kernels per call, split) of `call`, see the module
    comment; None when the profiler missed launches."""
    for _ in range(10):
        flush()
        call()

    def calls(cold):
        for _ in range(CALLS):
            if cold:
                flush()
            call()

    out = []
    per_call, split = 0, ""
    for cold in (True, False):
        ks = [k for k in kernels(lambda: calls(cold)) if k[0] not in flush_names]
        if not ks or len(ks) % CALLS:
            print("kernel_bench: error: %d kernels in %d calls (does the "
                  "profiler see every launch?)" % (len(ks), CALLS),
                  file=sys.stderr)
            return None
        per_call = len(ks) // CALLS
        sums = [sum(d for _, d in ks[i * per_call:(i + 1) * per_call])
                for i in range(CALLS)]
        out.append(statistics.median(sums))
        if cold:
            split = "+".join(
                "%.2f" % statistics.median(ks[i * per_call + j][1]
                                           for i in range(CALLS))
                for j in range(per_call))
    return out[0], out[1], per_call, split


def report(label, times):
    if times is None:
        print("%s NA NA NA NA" % label)
    else:
        print("%s %.2f %.2f %d %s" % ((label,) + tuple(times)))


def main():
    if len(sys.argv) < 6:
        sys.exit(__doc__)
    libqrt = sys.argv[1]
    k, n, b = (int(v) for v in sys.argv[2:5])
    inputs, models = sys.argv[5], sys.argv[6:]
    dev = torch.device("cuda")
    scratch = torch.empty(64 << 20, dtype=torch.float32, device=dev)

    def flush():
        scratch.zero_()

    flush_names = {name for name, _ in kernels(flush)}
    lib = load_libqrt(libqrt)
    for path in models:
        m = QrtModel(lib, path, inputs)
        report(os.path.basename(path), measure(m.run, flush, flush_names))
        m.close()
    w16 = torch.randn(k, n, device=dev, dtype=torch.float16)
    x16 = torch.randn(b, k, device=dev, dtype=torch.float16)
    report("cublas-fp16", measure(lambda: torch.matmul(x16, w16), flush,
                                  flush_names))
    x8 = torch.randint(-127, 127, (max(b, 32), k), device=dev,
                       dtype=torch.int8)
    for label, w8 in (
            ("cublaslt-int8-wrow",
             torch.randint(-127, 127, (k, n), device=dev, dtype=torch.int8)),
            ("cublaslt-int8-wcol",
             torch.randint(-127, 127, (n, k), device=dev,
                           dtype=torch.int8).t())):
        try:
            report(label, measure(lambda: torch._int_mm(x8, w8), flush,
                                  flush_names))
        except RuntimeError as e:  # a layout this PyTorch does not take
            print("kernel_bench: %s: %s" % (label, e), file=sys.stderr)
            report(label, None)


if __name__ == "__main__":
    main()

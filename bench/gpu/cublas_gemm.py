#!/usr/bin/env python3
"""cuBLAS baselines for bench/gpu-check.sh, through PyTorch on the GPU
machine: for x [B, K] @ W [K, N],
  fp16   torch.matmul on float16 (cuBLAS), the W4A16 baseline
  int8   torch._int_mm on int8 (cuBLASLt, int32 out), the W8A8 baseline;
         it needs more than 16 rows, so B <= 16 runs with 32 rows (an
         upper bound of the smaller product's time); W row-major and
         column-major (what cuBLASLt's int8 tensor-core kernels want), the
         faster of the two
Each is timed twice: the kernel alone (CUDA events, median of 50 after 10
warm-ups) and host to host (x copied in, y copied out, like a quantc model
run through the runtime).

  cublas_gemm.py K N B  -> prints 'fp16_kernel_ms fp16_host_ms int8_kernel_ms int8_host_ms'
"""
import sys
import time

import torch


def kernel_ms(fn):
    for _ in range(10):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(50):
        a, b = torch.cuda.Event(True), torch.cuda.Event(True)
        a.record()
        fn()
        b.record()
        b.synchronize()
        times.append(a.elapsed_time(b))
    return sorted(times)[len(times) // 2]


def host_ms(fn):
    for _ in range(10):
        fn()
    times = []
    for _ in range(50):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return sorted(times)[len(times) // 2]


def main():
    k, n, b = (int(v) for v in sys.argv[1:4])
    dev = torch.device("cuda")
    w16 = torch.randn(k, n, device=dev, dtype=torch.float16)
    x16 = torch.randn(b, k, device=dev, dtype=torch.float16)
    xh = torch.randn(b, k, dtype=torch.float32)
    rows = max(b, 32)
    x8 = torch.randint(-127, 127, (rows, k), device=dev, dtype=torch.int8)
    xh8 = torch.randint(-127, 127, (rows, k), dtype=torch.int8)
    f16k = kernel_ms(lambda: torch.matmul(x16, w16))
    f16h = host_ms(lambda: torch.matmul(xh.to(dev).half(), w16).float().cpu())
    i8k, i8h = float("inf"), float("inf")
    for w8 in (torch.randint(-127, 127, (k, n), device=dev, dtype=torch.int8),
               torch.randint(-127, 127, (n, k), device=dev,
                             dtype=torch.int8).t()):
        try:
            i8k = min(i8k, kernel_ms(lambda: torch._int_mm(x8, w8)))
            i8h = min(i8h, host_ms(lambda: torch._int_mm(xh8.to(dev), w8).cpu()))
        except RuntimeError as e:  # a layout this PyTorch does not take
            print("cublas_gemm: int8: %s" % e, file=sys.stderr)
    print("%.4f %.4f %.4f %.4f" % (f16k, f16h, i8k, i8h))


if __name__ == "__main__":
    main()

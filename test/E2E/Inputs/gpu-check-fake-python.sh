#!/usr/bin/env bash
# A stand-in for the GPU machine's python in test/E2E/gpu-check-dry-run.test:
# bench/gpu-check.sh run's own logic (decompression, checks, tables) runs for
# real; the parts that need a GPU answer with fixed numbers.
#   qrt_run.py LIB SO --inputs D [--outputs O] [--bench N]: --outputs copies
#     the reference outputs (DIR/ref/<name>.<sample>), so every check passes;
#     --bench prints a time, and with QRT_PROFILE the profile lines
#     kernel_times parses.
#   cublas_gemm.py: four times; kernel_bench.py LIB K N B INPUTS SO...:
#     one line per library (times set by its place in the list), one for
#     cuBLAS fp16 and one per cuBLASLt int8 layout.
# Anything else runs /usr/bin/python3.
set -euo pipefail
case "${1:-}" in
  *qrt_run.py)
    out="" bench=""
    shift 3
    while [[ $# -gt 0 ]]; do
      case $1 in --outputs) out=$2; shift ;; --bench) bench=$2; shift ;; esac
      shift
    done
    if [[ -n $out ]]; then
      mkdir -p "$out"
      cp "$(dirname "$(dirname "$out")")/ref/$(basename "$out")"/*.npy "$out"/
    fi
    if [[ -n $bench ]]; then
      if [[ -n ${QRT_PROFILE:-} ]]; then
        echo "[qrt] CUDA kernels: 3 kernels, 159 launches, 1.5 ms" >&2
        echo "[qrt]   #1 53 launches 12.5 us mean" >&2
      fi
      echo "median 0.044 ms p90 0.050 ms"
    fi
    ;;
  *cublas_gemm.py) echo "0.0250 0.0670 0.1330 0.1400" ;;
  *kernel_bench.py)
    shift 6
    i=0
    for so in "$@"; do
      i=$((i + 1))
      echo "$(basename "$so") $i.00 0.$i 2 1.0+$i.00"
    done
    echo "cublas-fp16 15.00 9.00 2 1.00+14.00"
    echo "cublaslt-int8-wrow 130.00 116.00 1 130.00"
    echo "cublaslt-int8-wcol 40.00 30.00 1 40.00"
    ;;
  *) exec /usr/bin/python3 "$@" ;;
esac

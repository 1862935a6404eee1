#!/usr/bin/env bash
# Builds the qrt kernels (Release, -j2) and runs the peak programs and the
# kernel benchmarks, then prints one table with the ratios to the peaks that
# the benchmark binary measured in the same run.
#
#   runtime/kernels/bench/kernels/run.sh [build-dir] [extra benchmark args]
#
# CXX picks the compiler (default: clang++-22 when installed, else c++).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
build="${1:-$src/../../build-kern}"
shift || true
if [[ -z "${CXX:-}" ]]; then
  if command -v clang++-22 >/dev/null; then CXX=clang++-22; else CXX=c++; fi
fi
cmake -G Ninja -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_COMPILER="$CXX" >/dev/null
ninja -C "$build" -j2 >/dev/null

echo "== peaks (bench/peak; best of many trials) =="
for t in 1 2; do
  printf 'vnni %dT: %s   fma %dT: %s   dram read %dT: %s\n' \
    "$t" "$("$build/bench/qrt-peak-vnni" "$t")" \
    "$t" "$("$build/bench/qrt-peak-fma" "$t")" \
    "$t" "$("$build/bench/qrt-peak-dram" "$t")"
done

json="$build/kernels-bench.json"
"$build/bench/qrt-kernels-bench" --benchmark_min_time=0.3 \
  --benchmark_out="$json" --benchmark_out_format=json "$@" >/dev/null 2>&1

python3 - "$json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ctx = d["context"]
print("\n== in-run peaks (reference of the %% columns) ==")
print("vnni 1T %.1f GOPS | fma 1T %.1f GFLOP/s | dram 1T %.1f GB/s | dram 2T %.1f GB/s"
      % (float(ctx["peak_vnni_GOPS"]), float(ctx["peak_fma_GFLOPS"]),
         float(ctx["dram_1t_GBps"]), float(ctx["dram_2t_GBps"])))
print("\n%-58s %10s %9s %s" % ("benchmark", "rate", "% peak", "notes"))
for b in d["benchmarks"]:
    name = b["name"].replace("/manual_time", "")
    if "GOPS" in b:
        rate, note = "%.1f GOPS" % b["GOPS"], "of vpdpbusd peak"
    elif "GBps" in b:
        rate = "%.1f GB/s" % b["GBps"]
        note = "of a read of the same bytes (%.1f GB/s); %.1f GFLOP/s = %.0f%% of FMA" % (
            b["read_GBps"], b["GFLOPS"], b["pct_fma"])
    else:
        rate, note = "%.1f GFLOP/s" % b["GFLOPS"], "of FMA peak"
    print("%-58s %10s %8.1f%% %s" % (name, rate, b["pct_peak"], note))
PY

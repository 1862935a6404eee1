//===- fma_peak.cpp - peak fp32 FMA throughput (vfmadd231ps zmm) ----------===//
//
// Usage: qrt-peak-fma [threads]. Prints GFLOP/s (2 flops per lane) of a
// dependency-free stream of `vfmadd231ps zmm` (see peak_loops.h).
//
//===----------------------------------------------------------------------===//

#include "peak_common.h"
#include "peak_loops.h"

int main(int argc, char **argv) {
  int threads = qrt_peak::parseThreads(argc, argv);
  const int64_t iters = 2'000'000;
  qrt_peak::fmaLoop(iters * 10);
  double best =
      qrt_peak::bestComputeRate(threads, 60, qrt_peak::kFmaFlopsPerIter * iters,
                                [&](int) { qrt_peak::fmaLoop(iters); });
  std::printf("%.1f GFLOP/s\n", best * 1e-9);
  return 0;
}

//===- vnni_peak.cpp - peak int8 dot-product throughput (vpdpbusd zmm) ----===//
//
// Usage: qrt-peak-vnni [threads]. Prints GOPS (2 ops per u8 x s8 MAC) of a
// dependency-free stream of `vpdpbusd zmm` (see peak_loops.h).
//
//===----------------------------------------------------------------------===//

#include "peak_common.h"
#include "peak_loops.h"

int main(int argc, char **argv) {
  int threads = qrt_peak::parseThreads(argc, argv);
  const int64_t iters = 2'000'000; // ~6.6 ms per trial at peak
  qrt_peak::vnniLoop(iters * 10);  // warm up (clocks, the 512-bit units)
  double best =
      qrt_peak::bestComputeRate(threads, 60, qrt_peak::kVnniOpsPerIter * iters,
                                [&](int) { qrt_peak::vnniLoop(iters); });
  std::printf("%.1f GOPS\n", best * 1e-9);
  return 0;
}

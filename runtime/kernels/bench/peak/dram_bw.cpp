//===- dram_bw.cpp - DRAM read bandwidth (large-buffer reduce) ------------===//
//
// Usage: qrt-peak-dram [threads] [MiB]. The threads sum disjoint slices of a
// buffer (default 1024 MiB, 32x the L3) with 512-bit loads (see
// peak_loops.h); prints the best pass in GB/s (1e9 bytes/s). Reading is what
// the memory-bound kernels (int4 GEMV) do, so this is their reference.
//
//===----------------------------------------------------------------------===//

#include "peak_common.h"
#include "peak_loops.h"

#include <cstring>

int main(int argc, char **argv) {
  int threads = qrt_peak::parseThreads(argc, argv);
  size_t mib = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1024;
  size_t bytes = mib << 20, slice = bytes / threads / 512 * 512;
  auto *buf = static_cast<char *>(std::aligned_alloc(4096, bytes));
  if (!buf) {
    std::fprintf(stderr, "cannot allocate %zu MiB\n", mib);
    return 1;
  }
  qrt_peak::runParallel(threads,
                        [&](int t) { std::memset(buf + t * slice, 1, slice); });
  volatile int64_t sink = 0;
  double best = qrt_peak::bestBandwidthRate(
      threads, 12, double(slice) * threads,
      [&](int t) { sink = sink + qrt_peak::readLoop(buf + t * slice, slice); });
  std::printf("%.1f GB/s\n", best * 1e-9);
  std::free(buf);
  return 0;
}

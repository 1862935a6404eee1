//===- ParallelForBench.cpp - overhead of parallel_for regions ------------===//
//
//   qrt-bench-parallel-for [--threads N] [--iters N] [--n N] [--work-ns W]
//                          [--spin-ns S]
//
// Times back-to-back parallel_for regions (grain 1) whose task does nothing,
// the cost a model pays per parallel loop on top of its work; prints the
// median of a few repetitions in nanoseconds per region and the share of
// chunks the workers ran. n = 0 times the early return, n = 1 the serial
// path (one chunk), n >= 2 a real fork-join. With --work-ns, every chunk
// busy-waits W ns instead, so that the workers have time to join: the
// overhead is then the time per region minus W * chunks / threads.
//
//===----------------------------------------------------------------------===//

#include "ThreadPool.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

using namespace qrt;

namespace {

/// Chunks run per thread, one cache line each, so that counting does not
/// itself add contention.
struct alignas(64) Counter {
  int64_t chunks = 0;
};

int64_t workNs = 0;

void emptyTask(void *counters, int64_t, int64_t, int32_t thread) {
  ++static_cast<Counter *>(counters)[thread].chunks;
  if (workNs > 0) {
    auto until =
        std::chrono::steady_clock::now() + std::chrono::nanoseconds(workNs);
    while (std::chrono::steady_clock::now() < until) {
    }
  }
}

double nsPerRegion(ThreadPool &pool, int64_t n, int64_t iters,
                   Counter *counters) {
  auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < iters; ++i)
    pool.parallelFor(n, 1, emptyTask, counters);
  std::chrono::duration<double, std::nano> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count() / double(iters);
}

} // namespace

int main(int argc, char **argv) {
  int32_t threads = 2;
  int64_t iters = 200000;
  int64_t spinNs = ThreadPool::kDefaultSpinNs;
  std::vector<int64_t> sizes = {0, 1, 2, 64};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--threads"))
      threads = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--iters"))
      iters = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--n"))
      sizes = {std::atoll(argv[i + 1])};
    else if (!std::strcmp(argv[i], "--work-ns"))
      workNs = std::atoll(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--spin-ns"))
      spinNs = std::atoll(argv[i + 1]);
  }
  std::string error;
  std::unique_ptr<ThreadPool> pool = ThreadPool::create(threads, error, spinNs);
  if (!pool) {
    std::fprintf(stderr, "error: %s\n", error.c_str());
    return 1;
  }
  std::printf("parallel_for, %d threads, %lld regions per sample, %lld ns "
              "of work per chunk, workers spin %lld ns\n",
              threads, (long long)iters, (long long)workNs, (long long)spinNs);
  for (int64_t n : sizes) {
    std::vector<Counter> counters{size_t(threads)};
    nsPerRegion(*pool, n, iters / 10, counters.data()); // warm up
    counters.assign(size_t(threads), Counter());
    std::vector<double> samples;
    for (int rep = 0; rep < 7; ++rep)
      samples.push_back(nsPerRegion(*pool, n, iters, counters.data()));
    std::sort(samples.begin(), samples.end());
    int64_t total = 0;
    for (const Counter &c : counters)
      total += c.chunks;
    std::printf(
        "  n=%-6lld chunks=%-3lld median %8.1f ns/region (min %.1f, "
        "max %.1f); workers ran %.0f%% of the chunks\n",
        (long long)n, (long long)ThreadPool::numChunksFor(n, 1, threads),
        samples[samples.size() / 2], samples.front(), samples.back(),
        total ? 100.0 * double(total - counters[0].chunks) / double(total)
              : 0.0);
  }
  return 0;
}

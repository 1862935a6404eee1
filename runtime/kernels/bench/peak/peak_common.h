//===- peak_common.h - shared helpers of the peak programs -------*- C++
//-*-===//
//
// Each peak program runs a loop on T pinned threads (argv[1], default 1),
// many short trials, and prints the best rate. The machine is shared, so:
// compute peaks are timed with each thread's own CPU clock (time slices lost
// to other processes do not count) and summed over threads; bandwidth is
// timed on the wall clock from the common start to the last finish (two
// threads must really run together to share DRAM), one thread on its CPU
// clock. Noise only ever lowers a trial, hence the maximum.
//
//===----------------------------------------------------------------------===//

#ifndef QRT_KERNELS_BENCH_PEAK_COMMON_H
#define QRT_KERNELS_BENCH_PEAK_COMMON_H

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sched.h>

namespace qrt_peak {

inline int parseThreads(int argc, char **argv) {
  int t = argc > 1 ? std::atoi(argv[1]) : 1;
  return t < 1 ? 1 : t;
}

inline void pinToCpu(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % std::thread::hardware_concurrency(), &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

inline double threadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Timing {
  double wall;             // common start to last finish
  std::vector<double> cpu; // per thread
};

/// Runs `body(threadIndex)` on `threads` pinned threads released together.
inline Timing runParallel(int threads, const std::function<void(int)> &body) {
  std::vector<std::thread> pool;
  Timing t{0, std::vector<double>(threads)};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  for (int i = 0; i < threads; ++i)
    pool.emplace_back([&, i] {
      pinToCpu(i);
      ready.fetch_add(1);
      while (!go.load())
        ;
      double c0 = threadCpuSeconds();
      body(i);
      t.cpu[i] = threadCpuSeconds() - c0;
    });
  while (ready.load() < threads)
    ;
  auto start = std::chrono::steady_clock::now();
  go.store(true);
  for (std::thread &th : pool)
    th.join();
  t.wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return t;
}

/// Best over `trials` of sum_t(work / cpu_t): for compute-bound loops.
inline double bestComputeRate(int threads, int trials, double workPerThread,
                              const std::function<void(int)> &body) {
  double best = 0;
  for (int i = 0; i < trials; ++i) {
    Timing t = runParallel(threads, body);
    double rate = 0;
    for (double c : t.cpu)
      rate += workPerThread / c;
    best = rate > best ? rate : best;
  }
  return best;
}

/// Best over `trials` of total work / time, on the CPU clock for one thread
/// and the wall clock for several: for bandwidth.
inline double bestBandwidthRate(int threads, int trials, double totalWork,
                                const std::function<void(int)> &body) {
  double best = 0;
  for (int i = 0; i < trials; ++i) {
    Timing t = runParallel(threads, body);
    double rate = totalWork / (threads == 1 ? t.cpu[0] : t.wall);
    best = rate > best ? rate : best;
  }
  return best;
}

} // namespace qrt_peak

#endif // QRT_KERNELS_BENCH_PEAK_COMMON_H

//===- ThreadPool.h - the runtime's fork-join thread pool -------*- C++ -*-===//
//
// N-1 persistent workers plus the calling thread run parallel_for regions.
// One region runs at a time. The caller publishes a job (function, range,
// chunk count) by bumping a generation in one atomic state word; workers that
// see the new generation join it by incrementing a reference count in the
// same word, take chunks from a shared counter until none are left, and
// leave. The caller takes chunks too, then closes the job (no new joiners)
// and waits for the joined workers to leave. Workers that are late never
// touch a closed job, so correctness never depends on a worker waking up:
// the caller alone can run every chunk.
//
// Idle workers spin for a short while (cheap back-to-back regions) and then
// sleep on a condition variable; the caller only takes the mutex to wake them
// when some are asleep.
//
//===----------------------------------------------------------------------===//

#ifndef QRT_SRC_THREADPOOL_H
#define QRT_SRC_THREADPOOL_H

#include "qrt/model_abi.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace qrt {

class ThreadPool {
public:
  /// How long an idle worker spins before it sleeps.
  static constexpr int64_t kDefaultSpinNs = 100 * 1000;
  /// The most chunks one region is split into, per thread.
  static constexpr int64_t kChunksPerThread = 4;

  /// Starts numThreads - 1 workers. Returns nullptr and sets `error` when a
  /// thread cannot be created.
  static std::unique_ptr<ThreadPool> create(int32_t numThreads,
                                            std::string &error,
                                            int64_t spinNs = kDefaultSpinNs);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int32_t numThreads() const { return numThreads_; }

  /// Runs fn over [0, n) in chunks of at least `grain` iterations; see
  /// qrt_exec_ctx::parallel_for.
  void parallelFor(int64_t n, int64_t grain, qrt_task_fn fn, void *args);

  /// The qrt_exec_ctx::parallel_for entry point; `pool` is a ThreadPool.
  static void parallelForEntry(void *pool, int64_t n, int64_t grain,
                               qrt_task_fn fn, void *args);

  /// The number of chunks parallelFor splits [0, n) into, and the bounds of
  /// chunk `c` of `numChunks` (exposed for tests).
  static int64_t numChunksFor(int64_t n, int64_t grain, int32_t numThreads);
  static void chunkBounds(int64_t n, int64_t numChunks, int64_t c,
                          int64_t &begin, int64_t &end);

private:
  ThreadPool(int32_t numThreads, int64_t spinNs);
  void workerMain(int32_t index);
  void runChunks(int32_t thread);
  /// Index of the calling thread: a worker's index, else 0 (the caller).
  int32_t currentThreadIndex() const;

  const int32_t numThreads_;
  const int64_t spinNs_;
  std::vector<std::thread> workers_;

  // The state word: bits 0-31 count the workers inside the current job, bit
  // 32 says the job is open for joining, bit 33 asks workers to exit, bits
  // 34-63 hold the job's generation.
  alignas(64) std::atomic<uint64_t> state_{0};
  // The job, written by the caller before it opens the job and read-only
  // while it is open.
  alignas(64) qrt_task_fn fn_ = nullptr;
  void *args_ = nullptr;
  int64_t n_ = 0;
  int64_t numChunks_ = 0;
  uint64_t generation_ = 0;
  alignas(64) std::atomic<int64_t> nextChunk_{0};
  // Set while a region runs; a parallelFor that finds it set is nested and
  // runs serially.
  alignas(64) std::atomic<bool> busy_{false};
  // Sleeping workers.
  alignas(64) std::atomic<int32_t> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
};

} // namespace qrt

#endif // QRT_SRC_THREADPOOL_H

//===- ThreadPool.cpp - the runtime's fork-join thread pool ---------------===//

#include "ThreadPool.h"

#include <algorithm>
#include <chrono>
#include <system_error>

using namespace qrt;

namespace {

constexpr uint64_t kRefMask = 0xFFFFFFFFull;
constexpr uint64_t kOpen = 1ull << 32;
constexpr uint64_t kStop = 1ull << 33;
constexpr int kGenShift = 34;
constexpr uint64_t kGenMask = (1ull << (64 - kGenShift)) - 1;

uint64_t generationOf(uint64_t state) { return state >> kGenShift; }

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

using Clock = std::chrono::steady_clock;

/// Spins until `done()` or `spinNs` have passed; returns whether done.
template <typename Done> bool spinUntil(int64_t spinNs, Done done) {
  if (spinNs <= 0)
    return done();
  Clock::time_point deadline = Clock::now() + std::chrono::nanoseconds(spinNs);
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done())
        return true;
      cpuRelax();
    }
    if (Clock::now() >= deadline)
      return done();
  }
}

} // namespace

ThreadPool::ThreadPool(int32_t numThreads, int64_t spinNs)
    : numThreads_(std::max<int32_t>(numThreads, 1)), spinNs_(spinNs) {}

std::unique_ptr<ThreadPool>
ThreadPool::create(int32_t numThreads, std::string &error, int64_t spinNs) {
  std::unique_ptr<ThreadPool> pool(new ThreadPool(numThreads, spinNs));
  try {
    pool->workers_.reserve(pool->numThreads_ - 1);
    for (int32_t i = 1; i < pool->numThreads_; ++i)
      pool->workers_.emplace_back(&ThreadPool::workerMain, pool.get(), i);
  } catch (const std::system_error &e) {
    error = "cannot start worker thread " +
            std::to_string(pool->workers_.size() + 1) + " of " +
            std::to_string(pool->numThreads_) + ": " + e.what();
    return nullptr; // The destructor stops the workers already started.
  } catch (const std::bad_alloc &) {
    error = "out of memory starting worker threads";
    return nullptr;
  }
  return pool;
}

ThreadPool::~ThreadPool() {
  state_.fetch_or(kStop, std::memory_order_seq_cst);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }
  for (std::thread &worker : workers_)
    worker.join();
}

int64_t ThreadPool::numChunksFor(int64_t n, int64_t grain, int32_t numThreads) {
  if (n <= 0)
    return 0;
  if (grain < 1)
    grain = 1;
  if (numThreads <= 1)
    return 1;
  int64_t chunks =
      std::min<int64_t>(n / grain, int64_t(numThreads) * kChunksPerThread);
  return std::max<int64_t>(chunks, 1);
}

void ThreadPool::chunkBounds(int64_t n, int64_t numChunks, int64_t c,
                             int64_t &begin, int64_t &end) {
  // The first n % numChunks chunks get one more iteration; every chunk has
  // at least n / numChunks >= grain iterations. No product exceeds n.
  int64_t size = n / numChunks, rest = n % numChunks;
  begin = c * size + std::min(c, rest);
  end = begin + size + (c < rest ? 1 : 0);
}

int32_t ThreadPool::currentThreadIndex() const {
  std::thread::id self = std::this_thread::get_id();
  for (size_t i = 0; i < workers_.size(); ++i)
    if (workers_[i].get_id() == self)
      return int32_t(i + 1);
  return 0;
}

void ThreadPool::runChunks(int32_t thread) {
  const qrt_task_fn fn = fn_;
  void *const args = args_;
  const int64_t n = n_, numChunks = numChunks_;
  for (;;) {
    int64_t c = nextChunk_.fetch_add(1, std::memory_order_relaxed);
    if (c >= numChunks)
      return;
    int64_t begin, end;
    chunkBounds(n, numChunks, c, begin, end);
    fn(args, begin, end, thread);
  }
}

void ThreadPool::parallelFor(int64_t n, int64_t grain, qrt_task_fn fn,
                             void *args) {
  if (n <= 0 || !fn)
    return;
  int64_t numChunks = numChunksFor(n, grain, numThreads_);
  if (numChunks <= 1) {
    // Not worth waking anyone. Inside a region (nested) the caller may be a
    // worker, so look its index up.
    fn(args, 0, n,
       busy_.load(std::memory_order_relaxed) ? currentThreadIndex() : 0);
    return;
  }
  bool idle = false;
  if (!busy_.compare_exchange_strong(idle, true, std::memory_order_acquire)) {
    fn(args, 0, n, currentThreadIndex()); // Nested: run serially.
    return;
  }

  // Publish the job. No worker is inside a job here (the previous region
  // waited for all to leave), so the reference count is 0.
  fn_ = fn;
  args_ = args;
  n_ = n;
  numChunks_ = numChunks;
  nextChunk_.store(0, std::memory_order_relaxed);
  generation_ = (generation_ + 1) & kGenMask;
  if (generation_ == 0)
    generation_ = 1; // Workers start having seen generation 0.
  state_.store((generation_ << kGenShift) | kOpen, std::memory_order_seq_cst);
  // Pairs with the sleeper count increment before a worker's last check of
  // the state (both seq_cst): either the worker sees the job or we see it.
  if (sleepers_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_all();
  }

  runChunks(0);

  // Close the job to new joiners, then wait for the workers inside it.
  state_.fetch_and(~kOpen, std::memory_order_acq_rel);
  auto drained = [&] {
    return (state_.load(std::memory_order_acquire) & kRefMask) == 0;
  };
  if (!spinUntil(spinNs_, drained))
    while (!drained())
      std::this_thread::yield();
  busy_.store(false, std::memory_order_release);
}

void ThreadPool::parallelForEntry(void *pool, int64_t n, int64_t grain,
                                  qrt_task_fn fn, void *args) {
  static_cast<ThreadPool *>(pool)->parallelFor(n, grain, fn, args);
}

void ThreadPool::workerMain(int32_t index) {
  uint64_t seen = 0; // The last generation this worker joined.
  auto ready = [&](uint64_t s) {
    return (s & kStop) || ((s & kOpen) && generationOf(s) != seen);
  };
  for (;;) {
    uint64_t s = state_.load(std::memory_order_acquire);
    if (!ready(s) && !spinUntil(spinNs_, [&] {
          s = state_.load(std::memory_order_acquire);
          return ready(s);
        })) {
      std::unique_lock<std::mutex> lock(mutex_);
      sleepers_.fetch_add(1, std::memory_order_seq_cst);
      while (!ready(s = state_.load(std::memory_order_seq_cst)))
        wake_.wait(lock);
      sleepers_.fetch_sub(1, std::memory_order_relaxed);
    }
    if (s & kStop)
      return;
    // Join: only succeeds while the job is open and unchanged. On failure
    // `s` is reloaded; retry while it is still a job to join.
    while (ready(s) && !(s & kStop)) {
      if (state_.compare_exchange_weak(s, s + 1, std::memory_order_acquire,
                                       std::memory_order_acquire)) {
        seen = generationOf(s);
        runChunks(index);
        state_.fetch_sub(1, std::memory_order_release);
        break;
      }
    }
  }
}

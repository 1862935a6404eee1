//===- ThreadPoolTest.cpp - parallel_for visits every index once ----------===//

#include "ThreadPool.h"

#include "gtest/gtest.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using namespace qrt;

namespace {

std::unique_ptr<ThreadPool>
makePool(int32_t threads, int64_t spinNs = ThreadPool::kDefaultSpinNs) {
  std::string error;
  std::unique_ptr<ThreadPool> pool = ThreadPool::create(threads, error, spinNs);
  EXPECT_NE(pool, nullptr) << error;
  return pool;
}

/// Records every visit and checks each chunk as it comes.
struct Visits {
  std::vector<std::atomic<int>> count;
  int64_t n, grain;
  int32_t threads;
  std::atomic<int> badChunks{0}, badThreads{0}, chunks{0};
  std::atomic<uint64_t> threadsSeen{0};

  Visits(int64_t n, int64_t grain, int32_t threads)
      : count(size_t(n > 0 ? n : 0)), n(n), grain(grain < 1 ? 1 : grain),
        threads(threads) {}

  static void task(void *p, int64_t begin, int64_t end, int32_t thread) {
    auto *v = static_cast<Visits *>(p);
    ++v->chunks;
    // A chunk has at least `grain` iterations unless it is the whole range.
    if (begin < 0 || end > v->n || begin >= end ||
        (end - begin < v->grain && !(begin == 0 && end == v->n)))
      ++v->badChunks;
    if (thread < 0 || thread >= v->threads)
      ++v->badThreads;
    else
      v->threadsSeen |= uint64_t(1) << (thread % 64);
    for (int64_t i = std::max<int64_t>(begin, 0); i < std::min(end, v->n); ++i)
      v->count[size_t(i)].fetch_add(1, std::memory_order_relaxed);
  }

  /// The first index not visited exactly once, or -1.
  int64_t firstBad() const {
    for (int64_t i = 0; i < n; ++i)
      if (count[size_t(i)].load() != 1)
        return i;
    return -1;
  }
};

TEST(ThreadPool, ChunksPartitionTheRange) {
  for (int64_t n : {1, 2, 3, 7, 64, 65, 1000, 100003})
    for (int64_t chunks = 1; chunks <= std::min<int64_t>(n, 70); ++chunks) {
      int64_t expectedBegin = 0;
      for (int64_t c = 0; c < chunks; ++c) {
        int64_t begin, end;
        ThreadPool::chunkBounds(n, chunks, c, begin, end);
        ASSERT_EQ(begin, expectedBegin) << n << " " << chunks << " " << c;
        ASSERT_GE(end - begin, n / chunks);
        ASSERT_LE(end - begin, n / chunks + 1);
        expectedBegin = end;
      }
      ASSERT_EQ(expectedBegin, n);
    }
  // Huge ranges do not overflow.
  int64_t begin, end;
  ThreadPool::chunkBounds(INT64_MAX, 7, 6, begin, end);
  EXPECT_EQ(end, INT64_MAX);
}

TEST(ThreadPool, NumberOfChunks) {
  EXPECT_EQ(ThreadPool::numChunksFor(0, 1, 4), 0);
  EXPECT_EQ(ThreadPool::numChunksFor(-5, 1, 4), 0);
  EXPECT_EQ(ThreadPool::numChunksFor(100, 1, 1), 1);
  EXPECT_EQ(ThreadPool::numChunksFor(100, 1, 4),
            4 * ThreadPool::kChunksPerThread);
  EXPECT_EQ(ThreadPool::numChunksFor(100, 30, 4), 3);
  EXPECT_EQ(ThreadPool::numChunksFor(100, 100, 4), 1);
  EXPECT_EQ(ThreadPool::numChunksFor(100, 1000, 4), 1);
  EXPECT_EQ(ThreadPool::numChunksFor(100, 0, 2), 8);
  EXPECT_EQ(ThreadPool::numChunksFor(100, -3, 2), 8);
}

// Every index visited exactly once, in chunks of at least `grain`, on valid
// thread indices, for many sizes, grains and thread counts; with workers
// that spin between regions and with workers that always sleep.
TEST(ThreadPool, VisitsEveryIndexExactlyOnce) {
  const int64_t sizes[] = {0, 1, 2, 3, 5, 8, 63, 64, 65, 1000, 4097, 100003};
  const int64_t grains[] = {-1, 0, 1, 2, 3, 7, 64, 1000, int64_t(1) << 40};
  for (int64_t spinNs : {ThreadPool::kDefaultSpinNs, int64_t(0)})
    for (int32_t threads : {1, 2, 3, 4, 8, 16}) {
      std::unique_ptr<ThreadPool> pool = makePool(threads, spinNs);
      ASSERT_NE(pool, nullptr);
      EXPECT_EQ(pool->numThreads(), threads);
      for (int64_t n : sizes)
        for (int64_t grain : grains) {
          Visits v(n, grain, threads);
          pool->parallelFor(n, grain, Visits::task, &v);
          SCOPED_TRACE(testing::Message()
                       << "n=" << n << " grain=" << grain
                       << " threads=" << threads << " spin=" << spinNs);
          ASSERT_EQ(v.firstBad(), -1);
          ASSERT_EQ(v.badChunks.load(), 0);
          ASSERT_EQ(v.badThreads.load(), 0);
          ASSERT_EQ(v.chunks.load(),
                    ThreadPool::numChunksFor(n, grain, threads));
        }
    }
}

// Many tiny regions back to back: the hand-off between regions must never
// lose or repeat a chunk, nor let a late worker into the next region.
TEST(ThreadPool, ManySmallRegions) {
  for (int32_t threads : {2, 4, 8}) {
    std::unique_ptr<ThreadPool> pool = makePool(threads);
    ASSERT_NE(pool, nullptr);
    for (int iter = 0; iter < 20000; ++iter) {
      int64_t n = 2 + iter % 13;
      Visits v(n, 1, threads);
      pool->parallelFor(n, 1, Visits::task, &v);
      ASSERT_EQ(v.firstBad(), -1) << "iteration " << iter;
      ASSERT_EQ(v.badThreads.load(), 0);
    }
  }
}

/// A task whose first chunk blocks until another chunk has run (or 10 s
/// pass), which can only happen on another thread: a region of it proves
/// that two threads took part.
struct NeedsTwoThreads {
  std::atomic<int> perThread[64];
  std::atomic<bool> started{false}, otherRan{false};

  static void task(void *p, int64_t, int64_t, int32_t thread) {
    auto *a = static_cast<NeedsTwoThreads *>(p);
    ++a->perThread[thread];
    if (a->started.exchange(true)) {
      a->otherRan = true;
      return;
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!a->otherRan && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  int threadsUsed() const {
    int used = 0;
    for (const auto &count : perThread)
      used += count.load() > 0;
    return used;
  }
  int chunks() const {
    int total = 0;
    for (const auto &count : perThread)
      total += count.load();
    return total;
  }
};

// Workers asleep (past their spin) are woken for the next region.
TEST(ThreadPool, WakesSleepingWorkers) {
  std::unique_ptr<ThreadPool> pool = makePool(2, /*spinNs=*/1000);
  ASSERT_NE(pool, nullptr);
  for (int round = 0; round < 5; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto args = std::make_unique<NeedsTwoThreads>();
    pool->parallelFor(2, 1, NeedsTwoThreads::task, args.get());
    EXPECT_TRUE(args->otherRan.load()) << "round " << round;
    EXPECT_EQ(args->threadsUsed(), 2);
    Visits v(10000, 16, 2);
    pool->parallelFor(10000, 16, Visits::task, &v);
    ASSERT_EQ(v.firstBad(), -1);
  }
}

// Chunks are handed out dynamically: while one thread is stuck in a chunk,
// the others take the rest.
TEST(ThreadPool, BalancesDynamically) {
  std::unique_ptr<ThreadPool> pool = makePool(4);
  ASSERT_NE(pool, nullptr);
  auto args = std::make_unique<NeedsTwoThreads>();
  pool->parallelFor(16, 1, NeedsTwoThreads::task, args.get());
  EXPECT_EQ(args->chunks(), 16);
  EXPECT_TRUE(args->otherRan.load());
  EXPECT_GE(args->threadsUsed(), 2);
}

// A parallel_for inside a task runs serially on the calling thread, with
// that thread's index.
TEST(ThreadPool, NestedRegionsRunSerially) {
  std::unique_ptr<ThreadPool> pool = makePool(4);
  ASSERT_NE(pool, nullptr);
  struct Args {
    ThreadPool *pool;
    std::atomic<int> visits[64 * 100];
    std::atomic<int> wrongThread{0};
  };
  auto args = std::make_unique<Args>();
  args->pool = pool.get();
  pool->parallelFor(
      64, 1,
      [](void *p, int64_t begin, int64_t end, int32_t thread) {
        auto *a = static_cast<Args *>(p);
        for (int64_t row = begin; row < end; ++row) {
          struct Inner {
            Args *a;
            int64_t row;
            int32_t thread;
          } inner{a, row, thread};
          a->pool->parallelFor(
              100, 1,
              [](void *q, int64_t b, int64_t e, int32_t t) {
                auto *in = static_cast<Inner *>(q);
                if (t != in->thread)
                  ++in->a->wrongThread;
                for (int64_t i = b; i < e; ++i)
                  ++in->a->visits[in->row * 100 + i];
              },
              &inner);
        }
      },
      args.get());
  for (int i = 0; i < 64 * 100; ++i)
    ASSERT_EQ(args->visits[i].load(), 1) << i;
  EXPECT_EQ(args->wrongThread.load(), 0);
}

TEST(ThreadPool, ExecCtxEntryPoint) {
  std::unique_ptr<ThreadPool> pool = makePool(3);
  ASSERT_NE(pool, nullptr);
  qrt_exec_ctx ctx = {&ThreadPool::parallelForEntry, pool.get(), 3, nullptr, 0};
  Visits v(777, 10, 3);
  ctx.parallel_for(ctx.pool, 777, 10, Visits::task, &v);
  EXPECT_EQ(v.firstBad(), -1);
  // A null task or an empty range runs nothing.
  ctx.parallel_for(ctx.pool, 10, 1, nullptr, nullptr);
  Visits none(0, 1, 3);
  ctx.parallel_for(ctx.pool, -4, 1, Visits::task, &none);
  EXPECT_EQ(none.chunks.load(), 0);
}

TEST(ThreadPool, CreateAndDestroyRepeatedly) {
  for (int i = 0; i < 50; ++i) {
    std::unique_ptr<ThreadPool> pool = makePool(1 + i % 6, i % 2 ? 0 : 10000);
    ASSERT_NE(pool, nullptr);
    if (i % 3 == 0) {
      Visits v(100, 1, pool->numThreads());
      pool->parallelFor(100, 1, Visits::task, &v);
      ASSERT_EQ(v.firstBad(), -1);
    }
  }
}

} // namespace

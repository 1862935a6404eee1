//===- KernelsBench.cpp - microbenchmarks of the qrt kernels --------------===//
//
// Google Benchmark. Every kernel is reported as a rate and as a fraction of
// this machine's peak, measured by the same binary in the same run (the
// loops of bench/peak): int8 GEMM vs the vpdpbusd peak, f32 GEMM vs the FMA
// peak, int4 GEMV vs the DRAM read bandwidth.
//
// The machine is shared, so time is manual: one thread is timed on its own
// CPU clock (time slices taken by other processes do not count), two
// threads on the wall clock. Counters use the best iteration (noise only
// slows an iteration down); the peaks are measured the same way.
//
// Counters: GOPS / GFLOPS / GBps (best iteration), pct_peak (of the
// matching peak), and for the GEMV also GFLOPS with pct_fma (for M > 1 the
// FMAs, not DRAM, bound it). The GEMV's bandwidth reference is a plain read
// of another copy of the same weights, timed in the same iteration
// (read_GBps): DRAM is what other processes on this machine contend for.
//
//===----------------------------------------------------------------------===//

#include "qrt/kernels.h"

#include "../peak/peak_common.h"
#include "../peak/peak_loops.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#ifndef QRT_W4_SET_MIB
#define QRT_W4_SET_MIB 96
#define QRT_W4_MIN_COPIES 3
#endif

namespace {

struct Peaks {
  double vnni = 0, fma = 0, dram1 = 0, dram2 = 0; // per second
};

Peaks &peaks() {
  static Peaks p;
  return p;
}

void measurePeaks() {
  Peaks &p = peaks();
  const int64_t iters = 2'000'000;
  p.vnni = qrt_peak::bestComputeRate(1, 30, qrt_peak::kVnniOpsPerIter * iters,
                                     [&](int) { qrt_peak::vnniLoop(iters); });
  p.fma = qrt_peak::bestComputeRate(1, 30, qrt_peak::kFmaFlopsPerIter * iters,
                                    [&](int) { qrt_peak::fmaLoop(iters); });
  size_t bytes = size_t(512) << 20;
  auto *buf = static_cast<char *>(std::aligned_alloc(4096, bytes));
  std::memset(buf, 1, bytes);
  volatile int64_t sink = 0;
  p.dram1 = qrt_peak::bestBandwidthRate(1, 8, double(bytes), [&](int) {
    sink = sink + qrt_peak::readLoop(buf, bytes);
  });
  p.dram2 = qrt_peak::bestBandwidthRate(2, 8, double(bytes), [&](int t) {
    sink = sink + qrt_peak::readLoop(buf + t * bytes / 2, bytes / 2);
  });
  std::free(buf);
}

template <typename T> struct AlignedBuffer {
  std::unique_ptr<T[], void (*)(void *)> p{nullptr, std::free};
  explicit AlignedBuffer(size_t n)
      : p(static_cast<T *>(
              std::aligned_alloc(64, (n * sizeof(T) + 63) / 64 * 64)),
          std::free) {}
  T *get() const { return p.get(); }
};

template <typename T> void fillRandom(T *p, size_t n, int lo, int hi) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> d(lo, hi);
  for (size_t i = 0; i < n; ++i)
    p[i] = static_cast<T>(d(rng));
}

/// Times `fn` in samples of >= 5 ms (calls repeated; the clocks are not
/// trustworthy for shorter spans here) on this thread's CPU clock, and
/// reports the best sample as `rateName` = work / time and pct_peak.
template <typename Fn>
void timed(benchmark::State &state, double work, double peak,
           const char *rateName, double scale, Fn fn) {
  double c0 = qrt_peak::threadCpuSeconds();
  fn(); // warm up, and size the samples
  double once = std::max(1e-7, qrt_peak::threadCpuSeconds() - c0);
  int reps = static_cast<int>(std::max(1.0, 5e-3 / once));
  double best = 1e30;
  for (auto _ : state) {
    double c = qrt_peak::threadCpuSeconds();
    for (int r = 0; r < reps; ++r)
      fn();
    double s = (qrt_peak::threadCpuSeconds() - c) / reps;
    state.SetIterationTime(s);
    best = std::min(best, s);
  }
  state.counters[rateName] = work / best * scale;
  state.counters["pct_peak"] = 100.0 * work / best / peak;
}

//===--- int8 GEMM
//---------------------------------------------------------===//

void BM_mmt4d_u8s8s32(benchmark::State &state) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  const int m0 = static_cast<int>(state.range(3));
  const int n0 = QRT_UKERNEL_U8S8S32_N0, k0 = QRT_UKERNEL_U8S8S32_K0;
  int64_t m1 = (m + m0 - 1) / m0, n1 = (n + n0 - 1) / n0,
          k1 = (k + k0 - 1) / k0;
  AlignedBuffer<uint8_t> lhs(m1 * k1 * m0 * k0);
  AlignedBuffer<int8_t> rhs(n1 * k1 * n0 * k0);
  AlignedBuffer<int32_t> out(m1 * n1 * m0 * n0);
  fillRandom(lhs.get(), m1 * k1 * m0 * k0, 0, 255);
  fillRandom(rhs.get(), n1 * k1 * n0 * k0, -128, 127);
  timed(state, 2.0 * m * n * k, peaks().vnni, "GOPS", 1e-9, [&] {
    qrt_ukernel_mmt4d_u8s8s32(lhs.get(), k1 * m0 * k0, rhs.get(), k1 * n0 * k0,
                              out.get(), n1 * m0 * n0, m1, n1, k1, m0, n0, k0,
                              0);
    benchmark::DoNotOptimize(out.get());
  });
}

/// s8 weights (LHS) x u8 activations (RHS): the NCHW convolution GEMM
/// OUT[Cout][P] = W[Cout][K] * Col[K][P].
void BM_mmt4d_s8u8s32(benchmark::State &state) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  const int m0 = static_cast<int>(state.range(3));
  const int n0 = QRT_UKERNEL_S8U8S32_N0, k0 = QRT_UKERNEL_S8U8S32_K0;
  int64_t m1 = (m + m0 - 1) / m0, n1 = (n + n0 - 1) / n0,
          k1 = (k + k0 - 1) / k0;
  AlignedBuffer<int8_t> lhs(m1 * k1 * m0 * k0);
  AlignedBuffer<uint8_t> rhs(n1 * k1 * n0 * k0);
  AlignedBuffer<int32_t> out(m1 * n1 * m0 * n0);
  fillRandom(lhs.get(), m1 * k1 * m0 * k0, -128, 127);
  fillRandom(rhs.get(), n1 * k1 * n0 * k0, 0, 255);
  timed(state, 2.0 * m * n * k, peaks().vnni, "GOPS", 1e-9, [&] {
    qrt_ukernel_mmt4d_s8u8s32(lhs.get(), k1 * m0 * k0, rhs.get(), k1 * n0 * k0,
                              out.get(), n1 * m0 * n0, m1, n1, k1, m0, n0, k0,
                              0);
    benchmark::DoNotOptimize(out.get());
  });
}

//===--- f32 GEMM
//----------------------------------------------------------===//

void BM_mmt4d_f32(benchmark::State &state) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  const int m0 = static_cast<int>(state.range(3));
  const int n0 = QRT_UKERNEL_F32_N0;
  int64_t m1 = (m + m0 - 1) / m0, n1 = (n + n0 - 1) / n0;
  AlignedBuffer<float> lhs(m1 * k * m0), rhs(n1 * k * n0),
      out(m1 * n1 * m0 * n0);
  std::fill_n(lhs.get(), m1 * k * m0, 0.5f);
  std::fill_n(rhs.get(), n1 * k * n0, 0.25f);
  timed(state, 2.0 * m * n * k, peaks().fma, "GFLOPS", 1e-9, [&] {
    qrt_ukernel_mmt4d_f32(lhs.get(), k * m0, rhs.get(), k * n0, out.get(),
                          n1 * m0 * n0, m1, n1, k, m0, n0, 1, 0);
    benchmark::DoNotOptimize(out.get());
  });
}

/// Depthwise f32 (qrt_ukernel_dwconv2d_acc_f32) on a padded input: C, OH,
/// OW, K (square), stride (sh = sw), all channels. Rate: 2 flops per tap
/// (a multiply and an add, not fused), against the FMA peak (the same 32
/// flops per cycle).
void BM_dwconv_f32(benchmark::State &state) {
  const int64_t c = state.range(0), oh = state.range(1), ow = state.range(2);
  const int k = static_cast<int>(state.range(3));
  const int sh = static_cast<int>(state.range(4));
  const int sw = static_cast<int>(state.range(5));
  const int64_t h = (oh - 1) * sh + k, w = (ow - 1) * sw + k;
  AlignedBuffer<float> x(c * h * w), wt(c * k * k), out(c * oh * ow);
  std::fill_n(x.get(), c * h * w, 0.5f);
  std::fill_n(wt.get(), c * k * k, 0.25f);
  std::fill_n(out.get(), c * oh * ow, 0.0f);
  timed(state, 2.0 * c * oh * ow * k * k, peaks().fma, "GFLOPS", 1e-9, [&] {
    qrt_ukernel_dwconv2d_acc_f32(x.get(), h, w, wt.get(), k, k, out.get(), oh,
                                 ow, sh, sw, 1, 1, 0, c);
    benchmark::DoNotOptimize(out.get());
  });
}

/// Depthwise u8 x s8 (qrt_ukernel_dwconv2d_acc_u8s8s32), the same shapes:
/// 2 ops per tap against the VNNI peak (which a depthwise kernel cannot
/// approach: 3 of every 4 byte lanes of a 3x3 row hold real taps, and each
/// vpdpbusd needs a vpermb), and `x_f32`, the f32 kernel's best time on the
/// shape (measured here, after this one) over this kernel's.
void BM_dwconv_u8s8(benchmark::State &state) {
  const int64_t c = state.range(0), oh = state.range(1), ow = state.range(2);
  const int k = static_cast<int>(state.range(3));
  const int sh = static_cast<int>(state.range(4));
  const int sw = static_cast<int>(state.range(5));
  const int64_t h = (oh - 1) * sh + k, w = (ow - 1) * sw + k;
  AlignedBuffer<uint8_t> x(c * h * w);
  AlignedBuffer<int8_t> wt(c * k * k);
  AlignedBuffer<int32_t> out(c * oh * ow);
  fillRandom(x.get(), c * h * w, 0, 255);
  std::fill_n(wt.get(), c * k * k, int8_t(-3));
  std::fill_n(out.get(), c * oh * ow, 0);
  const double work = 2.0 * c * oh * ow * k * k;
  timed(state, work, peaks().vnni, "GOPS", 1e-9, [&] {
    qrt_ukernel_dwconv2d_acc_u8s8s32(x.get(), h, w, wt.get(), k, k, out.get(),
                                     oh, ow, sh, sw, 1, 1, 0, c,
                                     QRT_UKERNEL_FLAG_ACCUMULATE);
    benchmark::DoNotOptimize(out.get());
  });
  double best = work / (state.counters["GOPS"] * 1e9);
  AlignedBuffer<float> xf(c * h * w), wf(c * k * k), of(c * oh * ow);
  std::fill_n(xf.get(), c * h * w, 0.5f);
  std::fill_n(wf.get(), c * k * k, 0.25f);
  std::fill_n(of.get(), c * oh * ow, 0.0f);
  double bestF32 = 1e30;
  for (int i = 0; i < 200; ++i) {
    double t0 = qrt_peak::threadCpuSeconds();
    qrt_ukernel_dwconv2d_acc_f32(xf.get(), h, w, wf.get(), k, k, of.get(), oh,
                                 ow, sh, sw, 1, 1, 0, c);
    benchmark::DoNotOptimize(of.get());
    bestF32 = std::min(bestF32, qrt_peak::threadCpuSeconds() - t0);
  }
  state.counters["x_f32"] = bestF32 / best;
}

//===--- int4 GEMV
//---------------------------------------------------------===//

/// Packed weight copies rotated through so the set (>= 96 MiB) never fits
/// the 32 MiB L3: every call streams its weights from DRAM.
struct W4Set {
  int64_t n, k, bytes;
  int32_t group;
  uint32_t flags;
  std::vector<AlignedBuffer<uint8_t>> copies;
};

W4Set &w4Set(int64_t n, int64_t k, int32_t group, uint32_t flags) {
  static std::vector<std::unique_ptr<W4Set>> sets;
  for (auto &s : sets)
    if (s->n == n && s->k == k && s->group == group && s->flags == flags)
      return *s;
  sets.clear(); // one set alive at a time
  auto s = std::make_unique<W4Set>();
  s->n = n, s->k = k, s->group = group, s->flags = flags;
  s->bytes = qrt_ukernel_pack_w4_size(n, k, group, flags);
  int64_t groups = (k + group - 1) / group;
  std::vector<uint8_t> q(n * k);
  std::vector<float> scales(n * groups, 0.01f);
  std::vector<uint8_t> zeros(n * groups, 7);
  fillRandom(q.data(), q.size(), 0, 15);
  int copies = static_cast<int>(std::max<int64_t>(
      QRT_W4_MIN_COPIES,
      ((int64_t(QRT_W4_SET_MIB) << 20) + s->bytes - 1) / s->bytes));
  for (int c = 0; c < copies; ++c) {
    s->copies.emplace_back(s->bytes);
    qrt_ukernel_pack_w4(s->copies.back().get(), q.data(), scales.data(),
                        zeros.data(), n, k, group, flags);
  }
  sets.push_back(std::move(s));
  return *sets.back();
}

void BM_gemv_w4(benchmark::State &state) {
  const int64_t n = state.range(0), k = state.range(1), m = state.range(2);
  const int threads = static_cast<int>(state.range(3));
  const int32_t group = static_cast<int32_t>(state.range(4));
  const uint32_t flags = state.range(5) ? QRT_UKERNEL_W4_ZERO_POINTS : 0;
  // hot: every call reads the same copy, which stays in L2 when it fits:
  // the kernel's compute rate without DRAM.
  const bool hot = state.range(6);
  W4Set &set = w4Set(n, k, group, flags);
  std::vector<float> x(m * k, 0.5f), y(m * n);
  size_t next = 0;
  // Rows split in 4-row blocks between the threads; thread 0 is this one.
  int64_t half = (n / 2 + 3) / 4 * 4;
  auto run = [&](const void *w, int t) {
    int64_t b = threads == 1 ? 0 : t == 0 ? 0 : half;
    int64_t e = threads == 1 ? n : t == 0 ? half : n;
    qrt_ukernel_gemv_w4_f32(w, n, k, group, flags, x.data(), k, y.data(), n, m,
                            b, e);
  };
  // Each iteration times the GEMV on one cold copy and, as the baseline, a
  // plain read of another cold copy (same bytes, same threads, same clock,
  // same moment): pct_peak is the ratio of the best of each, so DRAM
  // traffic of other processes weighs on both alike.
  auto readCopy = [&](const void *w, int t) {
    const char *p = static_cast<const char *>(w);
    int64_t half = set.bytes / 2 / 512 * 512;
    int64_t b = threads == 1 ? 0 : t == 0 ? 0 : half;
    int64_t e = threads == 1 ? set.bytes : t == 0 ? half : set.bytes;
    volatile int64_t sink = qrt_peak::readLoop(p + b, (e - b) / 512 * 512);
    (void)sink;
  };
  auto time = [&](auto fn) {
    if (threads == 1) {
      double c0 = qrt_peak::threadCpuSeconds();
      fn(0);
      return qrt_peak::threadCpuSeconds() - c0;
    }
    return qrt_peak::runParallel(threads, fn).wall;
  };
  double best = 1e30, bestRead = 1e30;
  for (auto _ : state) {
    const void *w = set.copies[hot ? 0 : next++ % set.copies.size()].get();
    const void *r = set.copies[hot ? 0 : next++ % set.copies.size()].get();
    double s = time([&](int t) { run(w, t); });
    bestRead = std::min(bestRead, time([&](int t) { readCopy(r, t); }));
    state.SetIterationTime(s);
    best = std::min(best, s);
  }
  double bytes = double(set.bytes), flops = 2.0 * m * n * k;
  state.counters["GBps"] = bytes / best * 1e-9;
  state.counters["read_GBps"] = bytes / bestRead * 1e-9;
  state.counters["pct_peak"] = 100.0 * bestRead / best;
  state.counters["GFLOPS"] = flops / best * 1e-9;
  state.counters["pct_fma"] = 100.0 * flops / best / (peaks().fma * threads);
}

/// Few-row int4 products both ways, one thread, same weights in cache
/// state (warm) and the same iteration: the GEMV (qrt_ukernel_gemv_w4_f32,
/// group 128) against the packed-weight GEMM (qrt_ukernel_mmt4d_f32_wq,
/// weights as the RHS, activations in row tiles of the fewest of 1-16 rows
/// that hold M). gemv_over_wq > 1: the GEMM is faster. The compiler's
/// choice between them (kGemvMaxRows in WeightOnlyDataTiling.cpp) follows
/// this.
void BM_w4_rows(benchmark::State &state) {
  const int64_t n = state.range(0), k = state.range(1), m = state.range(2);
  W4Set &set = w4Set(n, k, 128, 0);
  int32_t m0 = 1;
  while (m0 < m && m0 < 16)
    m0 *= 2;
  int64_t n1 = (n + 15) / 16, kg = (k + 127) / 128;
  AlignedBuffer<uint8_t> packed(n1 * k * 8);
  fillRandom(packed.get(), n1 * k * 8, 0, 255);
  std::vector<float> scales(n1 * kg * 16, 0.01f), zeros(n1 * kg * 16, 8.0f);
  std::vector<float> x(m * k, 0.5f), xp(k * m0, 0.5f), y(m * n),
      out(n1 * m0 * 16);
  double bestGemv = 1e30, bestWq = 1e30;
  for (auto _ : state) {
    double c0 = qrt_peak::threadCpuSeconds();
    qrt_ukernel_gemv_w4_f32(set.copies[0].get(), n, k, 128, 0, x.data(), k,
                            y.data(), n, m, 0, n);
    double c1 = qrt_peak::threadCpuSeconds();
    qrt_ukernel_mmt4d_f32_wq(xp.data(), k * m0, packed.get(), k * 8, out.data(),
                             n1 * m0 * 16, 1, n1, k, m0, 16, 1, 0,
                             scales.data(), zeros.data(), kg * 16, 128, 4);
    double c2 = qrt_peak::threadCpuSeconds();
    bestGemv = std::min(bestGemv, c1 - c0);
    bestWq = std::min(bestWq, c2 - c1);
    state.SetIterationTime(c2 - c0);
  }
  state.counters["gemv_ms"] = bestGemv * 1e3;
  state.counters["wq_ms"] = bestWq * 1e3;
  state.counters["gemv_over_wq"] = bestGemv / bestWq;
}

void gemmShapes(benchmark::internal::Benchmark *b) {
  b->ArgNames({"M", "N", "K", "M0"});
  for (int64_t s : {256, 512, 1024, 2048})
    b->Args({s, s, s, 16});
  for (int64_t m : {16, 64, 256})
    b->Args({m, 4096, 4096, 16});
  for (int64_t m0 : {1, 4})
    b->Args({m0, 4096, 4096, m0});
}

/// The sweep over convolution-like shapes (Cout x pixels x C*KH*KW).
void convGemmSweep(benchmark::internal::Benchmark *b) {
  b->ArgNames({"M", "N", "K", "M0"});
  for (int64_t m : {16, 32, 64, 96, 128, 256, 480})
    for (int64_t n : {960, 1600, 3840, 6400, 25600})
      for (int64_t k : {16, 48, 96, 144, 288, 480})
        b->Args({m, n, k, 16});
}

void gemvShapes(benchmark::internal::Benchmark *b) {
  b->ArgNames({"N", "K", "M", "threads", "G", "zp", "hot"});
  for (auto [n, k] : {std::pair<int64_t, int64_t>{4096, 4096}, {11008, 4096}})
    for (int64_t threads : {1, 2})
      for (int64_t m : {1, 2, 4, 8, 16})
        b->Args({n, k, m, threads, 128, 0, 0});
  b->Args({4096, 4096, 1, 1, 32, 0, 0});
  b->Args({4096, 4096, 1, 1, 128, 1, 0});
  b->Args({4096, 4096, 1, 2, 32, 1, 0});
  // 1 MiB of weights, resident in L2: G = 128 (vpdpbusd) and G = 64 (f32).
  b->Args({512, 4096, 1, 1, 128, 0, 1});
  b->Args({512, 4096, 1, 1, 64, 0, 1});
}

} // namespace

BENCHMARK(BM_mmt4d_u8s8s32)
    ->Apply(gemmShapes)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_mmt4d_s8u8s32)
    ->ArgNames({"M", "N", "K", "M0"})
    ->Args({1024, 1024, 1024, 16})
    ->Args({256, 4096, 4096, 16})
    ->Args({16, 25600, 16, 16})
    ->Args({16, 25600, 144, 16})
    ->Args({64, 6400, 96, 16})
    ->Args({96, 6400, 288, 16})
    ->Args({128, 1600, 480, 16})
    ->Args({256, 1600, 144, 16})
    ->Args({480, 960, 480, 16})
    ->Args({32, 3840, 48, 16})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_mmt4d_s8u8s32)
    ->Name("sweep/BM_mmt4d_s8u8s32")
    ->Apply(convGemmSweep)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_mmt4d_f32)
    ->ArgNames({"M", "N", "K", "M0"})
    ->Args({256, 256, 256, 16})
    ->Args({1024, 1024, 1024, 16})
    ->Args({16, 4096, 4096, 16})
    ->Args({1, 4096, 4096, 1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
/// Depthwise shapes of PP-OCR (C, OH, OW, K, stride h, stride w).
void dwconvShapes(benchmark::internal::Benchmark *b) {
  b->ArgNames({"C", "OH", "OW", "K", "sh", "sw"});
  b->Args({200, 2, 96, 5, 1, 1});   // PP-OCR cls
  b->Args({104, 2, 96, 5, 2, 1});   // PP-OCR cls
  b->Args({24, 6, 96, 3, 2, 1});    // PP-OCR cls
  b->Args({48, 160, 160, 3, 1, 1}); // PP-OCRv4 det
  b->Args({96, 40, 40, 3, 1, 1});   // PP-OCRv4 det
  b->Args({192, 20, 20, 3, 1, 1});  // PP-OCRv4 det
  b->Args({96, 40, 40, 3, 2, 2});   // PP-OCRv4 det
}

BENCHMARK(BM_dwconv_f32)
    ->Apply(dwconvShapes)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_dwconv_u8s8)
    ->Apply(dwconvShapes)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_w4_rows)
    ->ArgNames({"N", "K", "M"})
    ->ArgsProduct({{4096}, {4096}, {1, 2, 4, 8, 16}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_gemv_w4)
    ->Apply(gemvShapes)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

int main(int argc, char **argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 1;
  measurePeaks();
  const Peaks &p = peaks();
  benchmark::AddCustomContext("peak_vnni_GOPS", std::to_string(p.vnni * 1e-9));
  benchmark::AddCustomContext("peak_fma_GFLOPS", std::to_string(p.fma * 1e-9));
  benchmark::AddCustomContext("dram_1t_GBps", std::to_string(p.dram1 * 1e-9));
  benchmark::AddCustomContext("dram_2t_GBps", std::to_string(p.dram2 * 1e-9));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

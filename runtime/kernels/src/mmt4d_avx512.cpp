//===- mmt4d_avx512.cpp - AVX-512 GEMM tile loops (u8s8s32 VNNI, f32) -----===//
//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mfma; called
// only when the CPU has them.
//
// One tile of OUT is M0 x 16 (N0 = 16 = one zmm per tile row) held in M0
// accumulators for the whole K1 loop. Per k1 step the RHS tile (16 x K0) is
// one 64-byte zmm load; each LHS row is broadcast (4 bytes for u8, one float
// for f32) and multiplied into its accumulator: for M0 = 16, 16 vpdpbusd (or
// vfmadd231ps) per 17 loads, which Zen 4 issues at its peak of one 512-bit
// multiply-accumulate per cycle (see docs/kernels.md). Small M0 would be
// latency bound (one dependency chain per row), so the K1 loop is unrolled
// into several accumulator sets, summed at the end, until 8 chains run.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <cstring>
#include <immintrin.h>

namespace qrt::kernels::avx512 {
namespace {

/// How far ahead (bytes) the RHS stream is prefetched: when a call streams
/// a large RHS once (few LHS rows) it comes from L3/DRAM, and hardware
/// prefetch alone leaves the multiply units waiting.
constexpr int kRhsPrefetchBytes = 2048;

inline void prefetchRhs(const void *p) {
  _mm_prefetch(static_cast<const char *>(p) + kRhsPrefetchBytes, _MM_HINT_T0);
}

inline int32_t loadU32(const uint8_t *p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

template <int M0>
void tileU8S8S32(const uint8_t *lhs, const int8_t *rhs, int32_t *out,
                 int64_t k1, bool accumulate) {
  constexpr int kSets = M0 >= 8 ? 1 : 8 / M0; // independent chains: >= 8
  __m512i acc[kSets][M0];
  for (int s = 0; s < kSets; ++s)
    for (int m = 0; m < M0; ++m)
      acc[s][m] = _mm512_setzero_si512();
  if (accumulate)
    for (int m = 0; m < M0; ++m)
      acc[0][m] = _mm512_loadu_si512(out + 16 * m);
  int64_t k = 0;
  for (; k + kSets <= k1; k += kSets)
    for (int s = 0; s < kSets; ++s) {
      prefetchRhs(rhs + (k + s) * 64);
      __m512i b = _mm512_loadu_si512(rhs + (k + s) * 64);
      const uint8_t *a = lhs + (k + s) * M0 * 4;
      for (int m = 0; m < M0; ++m)
        acc[s][m] = _mm512_dpbusd_epi32(
            acc[s][m], _mm512_set1_epi32(loadU32(a + 4 * m)), b);
    }
  for (; k < k1; ++k) {
    __m512i b = _mm512_loadu_si512(rhs + k * 64);
    const uint8_t *a = lhs + k * M0 * 4;
    for (int m = 0; m < M0; ++m)
      acc[0][m] = _mm512_dpbusd_epi32(acc[0][m],
                                      _mm512_set1_epi32(loadU32(a + 4 * m)), b);
  }
  for (int m = 0; m < M0; ++m) {
    for (int s = 1; s < kSets; ++s)
      acc[0][m] = _mm512_add_epi32(acc[0][m], acc[s][m]);
    _mm512_storeu_si512(out + 16 * m, acc[0][m]);
  }
}

/// s8 LHS (weights) x u8 RHS (activations): the RHS tile is vpdpbusd's u8
/// vector operand and each 4-byte LHS group its s8 second operand, which
/// the compiler folds into an embedded {1to16} memory broadcast. Otherwise
/// the same as tileU8S8S32.
template <int M0>
void tileS8U8S32(const int8_t *lhs, const uint8_t *rhs, int32_t *out,
                 int64_t k1, bool accumulate) {
  constexpr int kSets = M0 >= 8 ? 1 : 8 / M0;
  __m512i acc[kSets][M0];
  for (int s = 0; s < kSets; ++s)
    for (int m = 0; m < M0; ++m)
      acc[s][m] = _mm512_setzero_si512();
  if (accumulate)
    for (int m = 0; m < M0; ++m)
      acc[0][m] = _mm512_loadu_si512(out + 16 * m);
  int64_t k = 0;
  for (; k + kSets <= k1; k += kSets)
    for (int s = 0; s < kSets; ++s) {
      prefetchRhs(rhs + (k + s) * 64);
      __m512i b = _mm512_loadu_si512(rhs + (k + s) * 64);
      const uint8_t *a = reinterpret_cast<const uint8_t *>(lhs) + (k + s) * M0 * 4;
      for (int m = 0; m < M0; ++m)
        acc[s][m] = _mm512_dpbusd_epi32(
            acc[s][m], b, _mm512_set1_epi32(loadU32(a + 4 * m)));
    }
  for (; k < k1; ++k) {
    __m512i b = _mm512_loadu_si512(rhs + k * 64);
    const uint8_t *a = reinterpret_cast<const uint8_t *>(lhs) + k * M0 * 4;
    for (int m = 0; m < M0; ++m)
      acc[0][m] = _mm512_dpbusd_epi32(acc[0][m], b,
                                      _mm512_set1_epi32(loadU32(a + 4 * m)));
  }
  for (int m = 0; m < M0; ++m) {
    for (int s = 1; s < kSets; ++s)
      acc[0][m] = _mm512_add_epi32(acc[0][m], acc[s][m]);
    _mm512_storeu_si512(out + 16 * m, acc[0][m]);
  }
}

template <int M0>
void tileF32(const float *lhs, const float *rhs, float *out, int64_t k1,
             bool accumulate) {
  constexpr int kSets = M0 >= 8 ? 1 : 8 / M0;
  __m512 acc[kSets][M0];
  for (int s = 0; s < kSets; ++s)
    for (int m = 0; m < M0; ++m)
      acc[s][m] = _mm512_setzero_ps();
  if (accumulate)
    for (int m = 0; m < M0; ++m)
      acc[0][m] = _mm512_loadu_ps(out + 16 * m);
  int64_t k = 0;
  for (; k + kSets <= k1; k += kSets)
    for (int s = 0; s < kSets; ++s) {
      prefetchRhs(rhs + (k + s) * 16);
      __m512 b = _mm512_loadu_ps(rhs + (k + s) * 16);
      const float *a = lhs + (k + s) * M0;
      for (int m = 0; m < M0; ++m)
        acc[s][m] = _mm512_fmadd_ps(_mm512_set1_ps(a[m]), b, acc[s][m]);
    }
  for (; k < k1; ++k) {
    __m512 b = _mm512_loadu_ps(rhs + k * 16);
    const float *a = lhs + k * M0;
    for (int m = 0; m < M0; ++m)
      acc[0][m] = _mm512_fmadd_ps(_mm512_set1_ps(a[m]), b, acc[0][m]);
  }
  for (int m = 0; m < M0; ++m) {
    for (int s = 1; s < kSets; ++s)
      acc[0][m] = _mm512_add_ps(acc[0][m], acc[s][m]);
    _mm512_storeu_ps(out + 16 * m, acc[0][m]);
  }
}

/// The M1 x N1 loop, in column chunks of RHS tiles that together stay in L2
/// (~256 KiB of the 1 MiB) while every LHS row panel streams past them; a
/// single M1 row (a few rows of activations) just streams the RHS once.
template <typename L, typename R, typename O, typename Tile>
void loops(const L *lhs, int64_t lhsStride0, const R *rhs, int64_t rhsStride0,
           O *out, int64_t outStride0, int64_t m1, int64_t n1, int64_t k1,
           int tileElems, uint32_t flags, Tile tile) {
  bool accumulate = flags & QRT_UKERNEL_FLAG_ACCUMULATE;
  int64_t rhsTileBytes = std::max<int64_t>(1, rhsStride0 * sizeof(R));
  int64_t chunk = std::max<int64_t>(1, (256 << 10) / rhsTileBytes);
  for (int64_t j0 = 0; j0 < n1; j0 += chunk) {
    int64_t j1 = std::min(n1, j0 + chunk);
    for (int64_t i = 0; i < m1; ++i)
      for (int64_t j = j0; j < j1; ++j)
        tile(lhs + i * lhsStride0, rhs + j * rhsStride0,
             out + i * outStride0 + j * tileElems, k1, accumulate);
  }
}

} // namespace

void mmt4dU8S8S32(const uint8_t *lhs, int64_t lhsStride0, const int8_t *rhs,
                  int64_t rhsStride0, int32_t *out, int64_t outStride0,
                  int64_t m1, int64_t n1, int64_t k1, int m0, uint32_t flags) {
#define QRT_CASE(M0)                                                           \
  case M0:                                                                     \
    return loops(lhs, lhsStride0, rhs, rhsStride0, out, outStride0, m1, n1,    \
                 k1, M0 * 16, flags, tileU8S8S32<M0>);
  switch (m0) {
    QRT_CASE(1)
    QRT_CASE(2)
    QRT_CASE(4)
    QRT_CASE(8)
    QRT_CASE(16)
  }
#undef QRT_CASE
}

void mmt4dS8U8S32(const int8_t *lhs, int64_t lhsStride0, const uint8_t *rhs,
                  int64_t rhsStride0, int32_t *out, int64_t outStride0,
                  int64_t m1, int64_t n1, int64_t k1, int m0, uint32_t flags) {
#define QRT_CASE(M0)                                                           \
  case M0:                                                                     \
    return loops(lhs, lhsStride0, rhs, rhsStride0, out, outStride0, m1, n1,    \
                 k1, M0 * 16, flags, tileS8U8S32<M0>);
  switch (m0) {
    QRT_CASE(1)
    QRT_CASE(2)
    QRT_CASE(4)
    QRT_CASE(8)
    QRT_CASE(16)
  }
#undef QRT_CASE
}

void mmt4dF32(const float *lhs, int64_t lhsStride0, const float *rhs,
              int64_t rhsStride0, float *out, int64_t outStride0, int64_t m1,
              int64_t n1, int64_t k1, int m0, uint32_t flags) {
#define QRT_CASE(M0)                                                           \
  case M0:                                                                     \
    return loops(lhs, lhsStride0, rhs, rhsStride0, out, outStride0, m1, n1,    \
                 k1, M0 * 16, flags, tileF32<M0>);
  switch (m0) {
    QRT_CASE(1)
    QRT_CASE(2)
    QRT_CASE(4)
    QRT_CASE(8)
    QRT_CASE(16)
  }
#undef QRT_CASE
}

} // namespace qrt::kernels::avx512

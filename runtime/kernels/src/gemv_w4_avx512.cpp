//===- gemv_w4_avx512.cpp - AVX-512 int4-weight x f32 GEMV ----------------===//
//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mfma.
//
// Dequantization is a table lookup: vpermps picks, for each dword lane, one
// of 16 floats by the low 4 bits of the lane and ignores the rest. The table
// of a (row, group) holds (q - zero_point) * scale for q = 0..15, so one
// vpermps turns 16 nibbles straight into dequantized f32 weights, bit-exact
// with the reference. The packed layout puts weight k = 128*kb + 16*j + i at
// bits 4j.. of dword i of a 64-byte block, so nibble position j of all 16
// lanes is `block >> 4j` (one vpsrld) and meets x[128*kb + 16*j ..+16] (one
// contiguous zmm of x). Per 16 weights and row of x: vpsrld (7/8), vpermps,
// vfmadd231ps; Zen 4 runs these on different pipe pairs.
//
// Four weight rows (one 64-byte block each per k-block, adjacent in memory,
// so the weights are one sequential stream) are processed together, with up
// to 4 rows of x at once (16 accumulators); more rows of x re-read the 4
// weight rows from L1.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <immintrin.h>
#include <type_traits>
#include <utility>

namespace qrt::kernels::avx512 {
namespace {

constexpr int kRows = W4Layout::kRows;
/// Software prefetch distance in the weight stream (bytes).
constexpr int kPrefetchBytes = 4096;

struct Params {
  const uint8_t *weights;
  const float *scales, *zeros;
  const W4Layout *layout;
};

/// MC rows of x against the 4 weight rows of `rowBlock`. kJPerGroup: nibble
/// positions j per group (group / 16, at most 8 = one table per block).
template <int MC, int kJPerGroup, bool kZeros>
__attribute__((noinline)) void rowBlockKernel(const Params &p, int64_t rowBlock,
                                              const float *x, int64_t xStride,
                                              float *y, int64_t yStride,
                                              int rows, bool accumulate) {
  const W4Layout &l = *p.layout;
  constexpr int kChains = MC == 1 ? 2 : 1; // independent FMA chains per pair
  constexpr int kGroupsPerBlock = 8 / kJPerGroup;
  const __m512 iota =
      _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 iotaMinus8 = _mm512_sub_ps(iota, _mm512_set1_ps(8.0f));
  const int64_t paramBase = rowBlock * l.groups * kRows;
  const float *scales = p.scales + paramBase;
  const float *zeros = kZeros ? p.zeros + paramBase : nullptr;
  // Table of row r for group g: (q - zero_point) * scale for q = 0..15.
  auto table = [&](int64_t g, int r) {
    g = std::min(g, l.groups - 1); // the padded tail of the last block
    __m512 s = _mm512_set1_ps(scales[g * kRows + r]);
    if (kZeros)
      return _mm512_mul_ps(
          _mm512_sub_ps(iota, _mm512_set1_ps(zeros[g * kRows + r])), s);
    return _mm512_mul_ps(iotaMinus8, s);
  };

  __m512 acc[MC][kRows][kChains];
  unroll<MC>([&](auto m) {
    unroll<kRows>([&](auto r) {
      unroll<kChains>([&](auto c) { acc[m][r][c] = _mm512_setzero_ps(); });
    });
  });
  __m512 tab[kRows];
  const uint8_t *w = p.weights + rowBlock * l.kBlocks * kRows * 64;
  // One 128-wide k block; kTail: the last, partial one (masked x loads).
  auto block = [&](int64_t kb, auto tailTag) {
    constexpr bool kTail = decltype(tailTag)::value;
    const uint8_t *wb = w + kb * kRows * 64;
    unroll<kRows>([&](auto r) {
      _mm_prefetch(reinterpret_cast<const char *>(wb) + kPrefetchBytes + 64 * r,
                   _MM_HINT_T0);
    });
    __m512i q[kRows];
    unroll<kRows>([&](auto r) { q[r] = _mm512_loadu_si512(wb + r * 64); });
    const int64_t k0 = kb * W4Layout::kBlockK;
    unroll<8>([&](auto jc) {
      constexpr int j = decltype(jc)::value;
      if constexpr (kGroupsPerBlock > 1 && j % kJPerGroup == 0)
        unroll<kRows>([&](auto r) {
          tab[r] = table(kb * kGroupsPerBlock + j / kJPerGroup, r);
        });
      __m512 xv[MC];
      __mmask16 mask = 0xffff;
      if constexpr (kTail) {
        int64_t left = l.k - (k0 + 16 * j);
        mask = left >= 16  ? __mmask16(0xffff)
               : left <= 0 ? __mmask16(0)
                           : __mmask16((1u << left) - 1);
      }
      unroll<MC>([&](auto m) {
        const float *xp = x + m * xStride + k0 + 16 * j;
        xv[m] = kTail ? _mm512_maskz_loadu_ps(mask, xp) : _mm512_loadu_ps(xp);
      });
      unroll<kRows>([&](auto r) {
        __m512i idx = j == 0 ? q[r] : _mm512_srli_epi32(q[r], 4 * j);
        __m512 wv = _mm512_permutexvar_ps(idx, tab[r]);
        unroll<MC>([&](auto m) {
          acc[m][r][j % kChains] =
              _mm512_fmadd_ps(wv, xv[m], acc[m][r][j % kChains]);
        });
      });
    });
  };

  const int64_t fullBlocks = l.k / W4Layout::kBlockK;
  if constexpr (kGroupsPerBlock > 1) {
    for (int64_t kb = 0; kb < fullBlocks; ++kb)
      block(kb, std::false_type{});
  } else {
    // Groups of 128 * blocksPerGroup: tables change every few blocks.
    const int64_t blocksPerGroup = l.group / W4Layout::kBlockK;
    int64_t kb = 0;
    for (int64_t g = 0; kb < fullBlocks; ++g) {
      unroll<kRows>([&](auto r) { tab[r] = table(g, r); });
      for (int64_t end = std::min(fullBlocks, kb + blocksPerGroup); kb < end;
           ++kb)
        block(kb, std::false_type{});
    }
    if (fullBlocks < l.kBlocks)
      unroll<kRows>([&](auto r) {
        tab[r] = table(fullBlocks * W4Layout::kBlockK / l.group, r);
      });
  }
  if (fullBlocks < l.kBlocks)
    block(fullBlocks, std::true_type{});

  for (int m = 0; m < MC; ++m)
    for (int r = 0; r < rows; ++r) {
      __m512 a = acc[m][r][0];
      if (kChains == 2)
        a = _mm512_add_ps(a, acc[m][r][kChains - 1]);
      float v = _mm512_reduce_add_ps(a);
      float &dst = y[m * yStride + rowBlock * kRows + r];
      dst = accumulate ? dst + v : v;
    }
}

/// Rows of x per pass over a row block's weights. Clang keeps the 16
/// accumulators of 4 rows (plus tables and weights) in the 32 zmm registers;
/// GCC 12 spills them for 3 or 4 rows and runs at 35-40% of the FMA peak,
/// against 70% for 2 rows (measured, docs/kernels.md), so it gets 2.
#if defined(__clang__)
constexpr int kMaxRowsOfX = 4;
#else
constexpr int kMaxRowsOfX = 2;
#endif

template <int kJPerGroup, bool kZeros>
void gemvImpl(const Params &p, uint32_t flags, const float *x, int64_t xStride,
              float *y, int64_t yStride, int64_t m, int64_t nBegin,
              int64_t nEnd) {
  bool accumulate = flags & QRT_UKERNEL_FLAG_ACCUMULATE;
  for (int64_t rb = nBegin / kRows; rb * kRows < nEnd; ++rb) {
    int rows = static_cast<int>(std::min<int64_t>(kRows, nEnd - rb * kRows));
    for (int64_t i = 0; i < m; i += kMaxRowsOfX) {
      const float *xm = x + i * xStride;
      float *ym = y + i * yStride;
      switch (std::min<int64_t>(kMaxRowsOfX, m - i)) {
      case 1:
        rowBlockKernel<1, kJPerGroup, kZeros>(p, rb, xm, xStride, ym, yStride,
                                              rows, accumulate);
        break;
      case 2:
        rowBlockKernel<2, kJPerGroup, kZeros>(p, rb, xm, xStride, ym, yStride,
                                              rows, accumulate);
        break;
      case 3:
        rowBlockKernel<3, kJPerGroup, kZeros>(p, rb, xm, xStride, ym, yStride,
                                              rows, accumulate);
        break;
      default:
        rowBlockKernel<4, kJPerGroup, kZeros>(p, rb, xm, xStride, ym, yStride,
                                              rows, accumulate);
        break;
      }
    }
  }
}

template <bool kZeros>
void gemvDispatchGroup(const Params &p, uint32_t flags, const float *x,
                       int64_t xStride, float *y, int64_t yStride, int64_t m,
                       int64_t nBegin, int64_t nEnd) {
  switch (p.layout->group) {
  case 16:
    return gemvImpl<1, kZeros>(p, flags, x, xStride, y, yStride, m, nBegin,
                               nEnd);
  case 32:
    return gemvImpl<2, kZeros>(p, flags, x, xStride, y, yStride, m, nBegin,
                               nEnd);
  case 64:
    return gemvImpl<4, kZeros>(p, flags, x, xStride, y, yStride, m, nBegin,
                               nEnd);
  default: // a multiple of 128
    return gemvImpl<8, kZeros>(p, flags, x, xStride, y, yStride, m, nBegin,
                               nEnd);
  }
}

} // namespace

void gemvW4F32(const void *packed, const W4Layout &layout, uint32_t flags,
               const float *x, int64_t xStride, float *y, int64_t yStride,
               int64_t m, int64_t nBegin, int64_t nEnd) {
  Params p{layout.weights(packed), layout.scales(packed), layout.zeros(packed),
           &layout};
  if (layout.hasZeros)
    gemvDispatchGroup<true>(p, flags, x, xStride, y, yStride, m, nBegin, nEnd);
  else
    gemvDispatchGroup<false>(p, flags, x, xStride, y, yStride, m, nBegin, nEnd);
}

} // namespace qrt::kernels::avx512

//===- dwconv_avx512.cpp - AVX-512 depthwise convolutions -----------------===//
//
// dwconvAccF32 vectorizes along the output row: a block of up to 8 zmm
// accumulators (up to 64 outputs of one row, or 16 to 32 outputs of 2 to 8
// rows when rows are short) stays in registers across all KH x KW taps. A
// tap reads 16 inputs per vector: contiguous for stride 1, the even lanes of
// two loads (vpermt2ps) for stride 2, a gather otherwise; masked loads cover
// the row's tail. Each product is rounded before it is added, in (kh, kw)
// order (this file is compiled with -ffp-contract=off), which is
// bit-identical to the scalar loop nest. (A fused multiply-add, which would
// change the results, measured no faster.)
//
//===----------------------------------------------------------------------===//
#include "kernels_impl.h"

#include <algorithm>
#include <immintrin.h>

namespace qrt::kernels::avx512 {
namespace {

// The accumulator loops must be unrolled completely: accumulators indexed
// by a loop counter live in memory, and each add then waits on a store.
#define QRT_UNROLL _Pragma("GCC unroll 16")

inline __mmask16 firstLanes(int64_t n) {
  return n >= 16  ? __mmask16(0xffff)
         : n <= 0 ? __mmask16(0)
                  : __mmask16((1u << n) - 1);
}

/// The 16 inputs in[0], in[sw], ..., in[15 * sw] of lanes `mask` (zero
/// elsewhere); `n` = the number of valid lanes.
template <int kStride>
inline __m512 loadTap(const float *in, int sw, int64_t n, __mmask16 mask) {
  if constexpr (kStride == 1) {
    return _mm512_maskz_loadu_ps(mask, in);
  } else if constexpr (kStride == 2) {
    int64_t elems = 2 * std::min<int64_t>(n, 16) - 1; // in[0 .. 2(n-1)]
    __m512 lo = _mm512_maskz_loadu_ps(firstLanes(elems), in);
    __m512 hi = _mm512_maskz_loadu_ps(firstLanes(elems - 16), in + 16);
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                           20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(lo, even, hi);
  } else {
    const __m512i lanes =
        _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    __m512i idx = _mm512_mullo_epi32(lanes, _mm512_set1_epi32(sw));
    return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, idx, in, 4);
  }
}

/// Adds the taps of output rows [oh0, oh0 + R) x columns [ow0, ow0 + 16 V)
/// of channel `c` into `out`: R x V accumulators stay in registers across
/// all taps. Several rows keep enough independent additions in flight when
/// a row is short (one vector of 12 or 24 outputs would otherwise wait on
/// its own add latency at every tap).
template <int kStride, int R, int V>
void dwconvTile(const float *x, const float *wc, float *out, const ConvGeom &g,
                int64_t c, int64_t oh0, int64_t ow0) {
  const int sw = g.sw;
  __m512 acc[R][V];
  __mmask16 mask[V];
  int64_t left[V];
  QRT_UNROLL
  for (int v = 0; v < V; ++v) {
    left[v] = g.ow - (ow0 + 16 * v);
    mask[v] = firstLanes(left[v]);
  }
  QRT_UNROLL
  for (int r = 0; r < R; ++r) {
    const float *o = out + (c * g.oh + oh0 + r) * g.ow + ow0;
    QRT_UNROLL
    for (int v = 0; v < V; ++v)
      acc[r][v] = _mm512_maskz_loadu_ps(mask[v], o + 16 * v);
  }
  const float *rows = x + (c * g.h + oh0 * g.sh) * g.w + ow0 * sw;
  for (int kh = 0; kh < g.kh; ++kh) {
    for (int kw = 0; kw < g.kw; ++kw) {
      __m512 wt = _mm512_set1_ps(wc[kh * g.kw + kw]);
      const float *tap = rows + int64_t(kh) * g.dh * g.w + int64_t(kw) * g.dw;
      QRT_UNROLL
      for (int r = 0; r < R; ++r) {
        const float *in = tap + int64_t(r) * g.sh * g.w;
        QRT_UNROLL
        for (int v = 0; v < V; ++v) {
          __m512 xv = loadTap<kStride>(in + 16 * v * sw, sw, left[v], mask[v]);
          acc[r][v] = _mm512_add_ps(acc[r][v], _mm512_mul_ps(xv, wt));
        }
      }
    }
  }
  QRT_UNROLL
  for (int r = 0; r < R; ++r) {
    float *o = out + (c * g.oh + oh0 + r) * g.ow + ow0;
    QRT_UNROLL
    for (int v = 0; v < V; ++v)
      _mm512_mask_storeu_ps(o + 16 * v, mask[v], acc[r][v]);
  }
}

template <int kStride>
void dwconvAccRows(const float *x, const float *w, float *out,
                   const ConvGeom &g, int64_t cBegin, int64_t cEnd) {
  for (int64_t c = cBegin; c < cEnd; ++c) {
    const float *wc = w + c * g.kh * g.kw;
    dwconvBlocks(g.oh, g.ow, [&](auto r, auto v, int64_t oh0, int64_t ow0) {
      dwconvTile<kStride, decltype(r)::value, decltype(v)::value>(x, wc, out, g,
                                                                  c, oh0, ow0);
    });
  }
}

} // namespace

void dwconvAccF32(const float *x, const float *w, float *out, const ConvGeom &g,
                  int64_t cBegin, int64_t cEnd) {
  if (g.sw == 1)
    dwconvAccRows<1>(x, w, out, g, cBegin, cEnd);
  else if (g.sw == 2)
    dwconvAccRows<2>(x, w, out, g, cBegin, cEnd);
  else
    dwconvAccRows<0>(x, w, out, g, cBegin, cEnd);
}

void dwconvF32(const float *x, const float *w, const float *bias, float *out,
               const ConvGeom &g, int64_t cBegin, int64_t cEnd) {
  scalar::dwconvF32(x, w, bias, out, g, cBegin, cEnd);
}

void dwconvU8S8F32(const uint8_t *x, int32_t zpX, const int8_t *w, float *out,
                   const ConvGeom &g, int64_t cBegin, int64_t cEnd,
                   float scaleX, const float *scaleW, const float *bias) {
  scalar::dwconvU8S8F32(x, zpX, w, out, g, cBegin, cEnd, scaleX, scaleW, bias);
}

void dwconvU8S8U8(const uint8_t *x, int32_t zpX, const int8_t *w, uint8_t *out,
                  const ConvGeom &g, int64_t cBegin, int64_t cEnd, float scaleX,
                  const float *scaleW, const float *bias, float scaleY,
                  int32_t zpY) {
  scalar::dwconvU8S8U8(x, zpX, w, out, g, cBegin, cEnd, scaleX, scaleW, bias,
                       scaleY, zpY);
}

} // namespace qrt::kernels::avx512

//===- dwconv_u8_avx512.cpp - u8 x s8 depthwise convolution on VNNI -------===//
//
// dwconvAccU8S8S32 puts four taps of a kernel row into each dword lane:
// one (masked) load of an input row holds the windows of 16 outputs, vpermb
// (AVX512-VBMI) rearranges it so that lane i holds the bytes
// x[i*sw + 4j .. i*sw + 4j + 3], and one vpdpbusd multiplies those by the
// broadcast weight bytes w[kh][4j .. 4j + 3] (taps past KW have weight 0)
// and adds them to lane i's int32 accumulator. A 3x3 stride-1 convolution
// takes 3 loads, 3 vpermb and 3 vpdpbusd per 16 outputs, where the f32
// kernel takes 9 loads, 9 multiplies and 9 adds. As in dwconv_avx512.cpp,
// R rows x V vectors of accumulators stay in registers across all taps.
// Integer sums are exact in any order. Handles dilation_w 1, stride_w 1 or
// 2, KW <= 8 and KH <= 32; dispatch.cpp sends anything else to the scalar
// loop.
//
//===----------------------------------------------------------------------===//
#include "kernels_impl.h"

#include <algorithm>
#include <immintrin.h>

namespace qrt::kernels::avx512 {
namespace {

#define QRT_UNROLL _Pragma("GCC unroll 16")

inline __mmask16 firstLanes(int64_t n) {
  return n >= 16  ? __mmask16(0xffff)
         : n <= 0 ? __mmask16(0)
                  : __mmask16((1u << n) - 1);
}

inline __mmask64 firstBytes(int64_t n) {
  return n >= 64  ? ~__mmask64(0)
         : n <= 0 ? __mmask64(0)
                  : (__mmask64(1) << n) - 1;
}

constexpr int kMaxKh = 32;

/// Per channel: the weight dwords wd[kh * G + j] = w[kh][4j .. 4j + 3]
/// (zero past KW), and the vpermb indices of group j.
template <int G> struct Taps {
  int32_t wd[kMaxKh * G];
  __m512i idx[G];
};

/// Adds the taps of output rows [oh0, oh0 + R) x columns [ow0, ow0 + 16 V)
/// of channel `c` into `out`.
template <int G, int R, int V>
void tile(const uint8_t *x, const Taps<G> &t, int32_t *out, const ConvGeom &g,
          int64_t c, int64_t oh0, int64_t ow0, bool accumulate) {
  const int sw = g.sw;
  __m512i acc[R][V];
  __mmask16 mask[V];
  __mmask64 bytes[V];
  QRT_UNROLL
  for (int v = 0; v < V; ++v) {
    int64_t left = g.ow - (ow0 + 16 * v);
    mask[v] = firstLanes(left);
    // The last valid lane reads bytes up to (n - 1) * sw + KW - 1.
    bytes[v] = firstBytes((std::min<int64_t>(left, 16) - 1) * sw + g.kw);
  }
  QRT_UNROLL
  for (int r = 0; r < R; ++r) {
    const int32_t *o = out + (c * g.oh + oh0 + r) * g.ow + ow0;
    QRT_UNROLL
    for (int v = 0; v < V; ++v)
      acc[r][v] = accumulate ? _mm512_maskz_loadu_epi32(mask[v], o + 16 * v)
                             : _mm512_setzero_si512();
  }
  const uint8_t *rows = x + (c * g.h + oh0 * g.sh) * g.w + ow0 * sw;
  for (int kh = 0; kh < g.kh; ++kh) {
    __m512i wv[G];
    QRT_UNROLL
    for (int j = 0; j < G; ++j)
      wv[j] = _mm512_set1_epi32(t.wd[kh * G + j]);
    const uint8_t *tap = rows + int64_t(kh) * g.dh * g.w;
    QRT_UNROLL
    for (int r = 0; r < R; ++r) {
      const uint8_t *in = tap + int64_t(r) * g.sh * g.w;
      QRT_UNROLL
      for (int v = 0; v < V; ++v) {
        __m512i bytesIn = _mm512_maskz_loadu_epi8(bytes[v], in + 16 * v * sw);
        QRT_UNROLL
        for (int j = 0; j < G; ++j)
          acc[r][v] = _mm512_dpbusd_epi32(
              acc[r][v], _mm512_permutexvar_epi8(t.idx[j], bytesIn), wv[j]);
      }
    }
  }
  QRT_UNROLL
  for (int r = 0; r < R; ++r) {
    int32_t *o = out + (c * g.oh + oh0 + r) * g.ow + ow0;
    QRT_UNROLL
    for (int v = 0; v < V; ++v)
      _mm512_mask_storeu_epi32(o + 16 * v, mask[v], acc[r][v]);
  }
}

template <int G>
void channels(const uint8_t *x, const int8_t *w, int32_t *out,
              const ConvGeom &g, int64_t cBegin, int64_t cEnd,
              bool accumulate) {
  Taps<G> t;
  alignas(64) uint8_t idx[64];
  for (int j = 0; j < G; ++j) {
    for (int i = 0; i < 16; ++i)
      for (int b = 0; b < 4; ++b)
        idx[4 * i + b] = static_cast<uint8_t>(i * g.sw + 4 * j + b);
    t.idx[j] = _mm512_load_si512(idx);
  }
  for (int64_t c = cBegin; c < cEnd; ++c) {
    const int8_t *wc = w + c * g.kh * g.kw;
    for (int kh = 0; kh < g.kh; ++kh)
      for (int j = 0; j < G; ++j) {
        uint32_t d = 0;
        for (int b = 0; b < 4; ++b) {
          int kw = 4 * j + b;
          if (kw < g.kw)
            d |= uint32_t(uint8_t(wc[kh * g.kw + kw])) << (8 * b);
        }
        t.wd[kh * G + j] = static_cast<int32_t>(d);
      }
    dwconvBlocks(g.oh, g.ow, [&](auto r, auto v, int64_t oh0, int64_t ow0) {
      tile<G, decltype(r)::value, decltype(v)::value>(x, t, out, g, c, oh0, ow0,
                                                      accumulate);
    });
  }
}

bool supported(const ConvGeom &g) {
  return g.dw == 1 && (g.sw == 1 || g.sw == 2) && g.kw <= 8 && g.kh <= kMaxKh;
}

} // namespace

void dwconvAccU8S8S32(const uint8_t *x, const int8_t *w, int32_t *out,
                      const ConvGeom &g, int64_t cBegin, int64_t cEnd,
                      bool accumulate) {
  if (!supported(g)) {
    scalar::dwconvAccU8S8S32(x, w, out, g, cBegin, cEnd, accumulate);
    return;
  }
  if (g.kw <= 4)
    channels<1>(x, w, out, g, cBegin, cEnd, accumulate);
  else
    channels<2>(x, w, out, g, cBegin, cEnd, accumulate);
}

} // namespace qrt::kernels::avx512

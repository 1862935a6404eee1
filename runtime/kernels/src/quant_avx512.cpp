//===- quant_avx512.cpp - AVX-512 quantization epilogues ------------------===//
//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mfma. The same
// operations in the same order as scalar.cpp, 16 lanes at a time (masked
// tails), so the results are bit-identical: int32 arithmetic, one
// vcvtdq2ps, an IEEE vdivps, vrndscaleps to nearest even, a clamp and a
// truncating narrow of values already in range.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <immintrin.h>

namespace qrt::kernels::avx512 {
namespace {

inline __mmask16 tailMask(int64_t left) {
  return left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
}

/// nearbyint(x / scale) + zp clamped to [qmin, qmax] as int32 lanes.
inline __m512i quantize16(__m512 x, __m512 scale, __m512 lo, __m512 hi,
                          __m512i zp) {
  __m512 r = _mm512_roundscale_ps(
      _mm512_div_ps(x, scale), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  r = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(r, r, _CMP_ORD_Q), r); // NaN->0
  r = _mm512_min_ps(_mm512_max_ps(r, lo), hi);
  return _mm512_add_epi32(_mm512_cvttps_epi32(r), zp);
}

struct Quantizer {
  __m512 scale, lo, hi;
  __m512i zp;
  Quantizer(float scale, int32_t zp, int32_t qmin, int32_t qmax)
      : scale(_mm512_set1_ps(scale)),
        lo(_mm512_set1_ps(static_cast<float>(qmin - zp))),
        hi(_mm512_set1_ps(static_cast<float>(qmax - zp))),
        zp(_mm512_set1_epi32(zp)) {}
  __m512i operator()(__m512 x) const {
    return quantize16(x, scale, lo, hi, zp);
  }
};

template <typename T> inline void store8(T *p, __m512i v, __mmask16 mask) {
  _mm_mask_storeu_epi8(p, mask, _mm512_cvtepi32_epi8(v));
}

template <typename T>
void quantizeImpl(const float *x, T *y, int64_t n, float scale, int32_t zp,
                  int32_t qmin, int32_t qmax) {
  Quantizer q(scale, zp, qmin, qmax);
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512i a = q(_mm512_loadu_ps(x + i)), b = q(_mm512_loadu_ps(x + i + 16)),
            c = q(_mm512_loadu_ps(x + i + 32)),
            d = q(_mm512_loadu_ps(x + i + 48));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(y + i),
                     _mm512_cvtepi32_epi8(a));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(y + i + 16),
                     _mm512_cvtepi32_epi8(b));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(y + i + 32),
                     _mm512_cvtepi32_epi8(c));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(y + i + 48),
                     _mm512_cvtepi32_epi8(d));
  }
  for (; i < n; i += 16) {
    __mmask16 mask = tailMask(n - i);
    store8(y + i, q(_mm512_maskz_loadu_ps(mask, x + i)), mask);
  }
}

/// Calls store(row, col, mask, value) for every 16-lane chunk of the
/// requantized f32 values.
template <typename Store>
void requantImpl(const int32_t *acc, int64_t accStride, int64_t m, int64_t n,
                 int32_t zpA, const int32_t *colsumW, float scaleA,
                 const float *scaleW, const float *bias, Store store) {
  const __m512i zp = _mm512_set1_epi32(zpA);
  const __m512 sa = _mm512_set1_ps(scaleA);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; j += 16) {
      __mmask16 mask = tailMask(n - j);
      __m512i t = _mm512_maskz_loadu_epi32(mask, acc + i * accStride + j);
      if (colsumW)
        t = _mm512_sub_epi32(t, _mm512_mullo_epi32(zp, _mm512_maskz_loadu_epi32(
                                                           mask, colsumW + j)));
      __m512 mult = _mm512_mul_ps(sa, _mm512_maskz_loadu_ps(mask, scaleW + j));
      __m512 b =
          bias ? _mm512_maskz_loadu_ps(mask, bias + j) : _mm512_setzero_ps();
      store(i, j, mask, _mm512_fmadd_ps(_mm512_cvtepi32_ps(t), mult, b));
    }
}

/// Unpack + requantize of [M1][N1][M0][16] tiles with per-row parameters:
/// calls store(row, col, mask, value) for every 16-lane chunk, in tile order
/// (the accumulators are read sequentially, the rows written as M0
/// streams).
template <typename Store>
void unpackRequantImpl(const int32_t *acc, int64_t accStride0, int64_t m,
                       int64_t n, int m0, int32_t zpA, const int32_t *wsum,
                       float scaleA, const float *scaleW, const float *bias,
                       Store store) {
  int64_t n1 = (n + 15) / 16;
  for (int64_t i0 = 0; i0 < m; i0 += m0) {
    const int32_t *tile = acc + (i0 / m0) * accStride0;
    int rows = static_cast<int>(std::min<int64_t>(m0, m - i0));
    for (int64_t j = 0; j < n1; ++j) {
      __mmask16 mask = tailMask(n - j * 16);
      for (int r = 0; r < rows; ++r) {
        int64_t i = i0 + r;
        // Wrapping zpA * wsum, as the scalar code.
        uint32_t corr = wsum ? static_cast<uint32_t>(zpA) *
                                   static_cast<uint32_t>(wsum[i])
                             : 0;
        __m512i t = _mm512_sub_epi32(
            _mm512_loadu_si512(tile + (j * m0 + r) * 16),
            _mm512_set1_epi32(static_cast<int32_t>(corr)));
        __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(t),
                                   _mm512_set1_ps(scaleA * scaleW[i]),
                                   _mm512_set1_ps(bias ? bias[i] : 0.0f));
        store(i, j * 16, mask, v);
      }
    }
  }
}

} // namespace

void unpackRequantS32F32(const int32_t *acc, int64_t accStride0, float *out,
                         int64_t outStride, int64_t m, int64_t n, int m0,
                         int32_t zpA, const int32_t *wsum, float scaleA,
                         const float *scaleW, const float *bias) {
  unpackRequantImpl(acc, accStride0, m, n, m0, zpA, wsum, scaleA, scaleW, bias,
                    [&](int64_t i, int64_t j, __mmask16 mask, __m512 v) {
                      _mm512_mask_storeu_ps(out + i * outStride + j, mask, v);
                    });
}

void unpackRequantS32U8(const int32_t *acc, int64_t accStride0, uint8_t *out,
                        int64_t outStride, int64_t m, int64_t n, int m0,
                        int32_t zpA, const int32_t *wsum, float scaleA,
                        const float *scaleW, const float *bias, float scaleY,
                        int32_t zpY) {
  Quantizer q(scaleY, zpY, 0, 255);
  unpackRequantImpl(acc, accStride0, m, n, m0, zpA, wsum, scaleA, scaleW, bias,
                    [&](int64_t i, int64_t j, __mmask16 mask, __m512 v) {
                      store8(out + i * outStride + j, q(v), mask);
                    });
}

void unpackRequantS32S8(const int32_t *acc, int64_t accStride0, int8_t *out,
                        int64_t outStride, int64_t m, int64_t n, int m0,
                        int32_t zpA, const int32_t *wsum, float scaleA,
                        const float *scaleW, const float *bias, float scaleY,
                        int32_t zpY) {
  Quantizer q(scaleY, zpY, -128, 127);
  unpackRequantImpl(acc, accStride0, m, n, m0, zpA, wsum, scaleA, scaleW, bias,
                    [&](int64_t i, int64_t j, __mmask16 mask, __m512 v) {
                      store8(out + i * outStride + j, q(v), mask);
                    });
}

void unpackBiasF32(const float *acc, int64_t accStride0, float *out,
                   int64_t outStride, int64_t m, int64_t n, int m0,
                   const float *bias) {
  int64_t n1 = (n + 15) / 16;
  for (int64_t i0 = 0; i0 < m; i0 += m0) {
    const float *tile = acc + (i0 / m0) * accStride0;
    int rows = static_cast<int>(std::min<int64_t>(m0, m - i0));
    for (int64_t j = 0; j < n1; ++j) {
      __mmask16 mask = tailMask(n - j * 16);
      for (int r = 0; r < rows; ++r) {
        __m512 v = _mm512_loadu_ps(tile + (j * m0 + r) * 16);
        if (bias)
          v = _mm512_add_ps(v, _mm512_set1_ps(bias[i0 + r]));
        _mm512_mask_storeu_ps(out + (i0 + r) * outStride + j * 16, mask, v);
      }
    }
  }
}

void requantS32F32(const int32_t *acc, int64_t accStride, float *out,
                   int64_t outStride, int64_t m, int64_t n, int32_t zpA,
                   const int32_t *colsumW, float scaleA, const float *scaleW,
                   const float *bias) {
  requantImpl(acc, accStride, m, n, zpA, colsumW, scaleA, scaleW, bias,
              [&](int64_t i, int64_t j, __mmask16 mask, __m512 v) {
                _mm512_mask_storeu_ps(out + i * outStride + j, mask, v);
              });
}

void requantS32U8(const int32_t *acc, int64_t accStride, uint8_t *out,
                  int64_t outStride, int64_t m, int64_t n, int32_t zpA,
                  const int32_t *colsumW, float scaleA, const float *scaleW,
                  const float *bias, float scaleY, int32_t zpY) {
  Quantizer q(scaleY, zpY, 0, 255);
  requantImpl(acc, accStride, m, n, zpA, colsumW, scaleA, scaleW, bias,
              [&](int64_t i, int64_t j, __mmask16 mask, __m512 v) {
                store8(out + i * outStride + j, q(v), mask);
              });
}

void requantS32S8(const int32_t *acc, int64_t accStride, int8_t *out,
                  int64_t outStride, int64_t m, int64_t n, int32_t zpA,
                  const int32_t *colsumW, float scaleA, const float *scaleW,
                  const float *bias, float scaleY, int32_t zpY) {
  Quantizer q(scaleY, zpY, -128, 127);
  requantImpl(acc, accStride, m, n, zpA, colsumW, scaleA, scaleW, bias,
              [&](int64_t i, int64_t j, __mmask16 mask, __m512 v) {
                store8(out + i * outStride + j, q(v), mask);
              });
}

void quantizeF32U8(const float *x, uint8_t *y, int64_t n, float scale,
                   int32_t zp) {
  quantizeImpl(x, y, n, scale, zp, 0, 255);
}

void quantizeF32S8(const float *x, int8_t *y, int64_t n, float scale,
                   int32_t zp) {
  quantizeImpl(x, y, n, scale, zp, -128, 127);
}

void dequantizeU8F32(const uint8_t *x, int64_t xStride, float *y,
                     int64_t yStride, int64_t rows, int64_t cols,
                     const float *scale, const int32_t *zp, int32_t axis) {
  for (int64_t r = 0; r < rows; ++r) {
    int64_t p = axis == QRT_UKERNEL_PER_ROW ? r : 0;
    __m512 s = _mm512_set1_ps(scale[p]);
    __m512i z = _mm512_set1_epi32(zp ? zp[p] : 0);
    for (int64_t c = 0; c < cols; c += 16) {
      __mmask16 mask = tailMask(cols - c);
      if (axis == QRT_UKERNEL_PER_COL) {
        s = _mm512_maskz_loadu_ps(mask, scale + c);
        z = zp ? _mm512_maskz_loadu_epi32(mask, zp + c) : z;
      }
      __m512i q =
          _mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(mask, x + r * xStride + c));
      __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(q, z)), s);
      _mm512_mask_storeu_ps(y + r * yStride + c, mask, v);
    }
  }
}

} // namespace qrt::kernels::avx512

//===- scalar.cpp - portable implementations of the microkernels ----------===//
//
// The fallback for CPUs without AVX-512 and the reference of the tests. The
// integer results are bit-identical to the AVX-512 ones; so are the
// epilogues (same operations, same rounding); the f32 GEMM and the int4 GEMV
// sum in another order.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace qrt::kernels {

int32_t quantizeOne(float x, float scale, int32_t zp, int32_t qmin,
                    int32_t qmax) {
  float r = std::nearbyint(x / scale);
  if (std::isnan(r))
    return std::clamp(zp, qmin, qmax);
  // Clamping before adding zp keeps the float exact (|bounds| < 2^24).
  r = std::clamp(r, static_cast<float>(qmin - zp),
                 static_cast<float>(qmax - zp));
  return static_cast<int32_t>(r) + zp;
}

float requantOne(int32_t acc, int32_t zpA, int32_t wsum, float scaleA,
                 float scaleW, float bias) {
  uint32_t t = static_cast<uint32_t>(acc) -
               static_cast<uint32_t>(zpA) * static_cast<uint32_t>(wsum);
  return std::fma(static_cast<float>(static_cast<int32_t>(t)), scaleA * scaleW,
                  bias);
}

namespace scalar {

void mmt4dU8S8S32(const uint8_t *lhs, int64_t lhsStride0, const int8_t *rhs,
                  int64_t rhsStride0, int32_t *out, int64_t outStride0,
                  int64_t m1, int64_t n1, int64_t k1, int m0, uint32_t flags) {
  const int n0 = QRT_UKERNEL_U8S8S32_N0, k0 = QRT_UKERNEL_U8S8S32_K0;
  for (int64_t i = 0; i < m1; ++i)
    for (int64_t j = 0; j < n1; ++j) {
      int32_t *o = out + i * outStride0 + j * m0 * n0;
      for (int a = 0; a < m0; ++a)
        for (int b = 0; b < n0; ++b) {
          // uint32_t: wrapping arithmetic, as the hardware.
          uint32_t acc = (flags & QRT_UKERNEL_FLAG_ACCUMULATE)
                             ? static_cast<uint32_t>(o[a * n0 + b])
                             : 0;
          for (int64_t k = 0; k < k1; ++k) {
            const uint8_t *l = lhs + i * lhsStride0 + (k * m0 + a) * k0;
            const int8_t *r = rhs + j * rhsStride0 + (k * n0 + b) * k0;
            for (int c = 0; c < k0; ++c)
              acc += static_cast<uint32_t>(int32_t(l[c]) * int32_t(r[c]));
          }
          o[a * n0 + b] = static_cast<int32_t>(acc);
        }
    }
}

void mmt4dS8U8S32(const int8_t *lhs, int64_t lhsStride0, const uint8_t *rhs,
                  int64_t rhsStride0, int32_t *out, int64_t outStride0,
                  int64_t m1, int64_t n1, int64_t k1, int m0, uint32_t flags) {
  const int n0 = QRT_UKERNEL_S8U8S32_N0, k0 = QRT_UKERNEL_S8U8S32_K0;
  for (int64_t i = 0; i < m1; ++i)
    for (int64_t j = 0; j < n1; ++j) {
      int32_t *o = out + i * outStride0 + j * m0 * n0;
      for (int a = 0; a < m0; ++a)
        for (int b = 0; b < n0; ++b) {
          uint32_t acc = (flags & QRT_UKERNEL_FLAG_ACCUMULATE)
                             ? static_cast<uint32_t>(o[a * n0 + b])
                             : 0;
          for (int64_t k = 0; k < k1; ++k) {
            const int8_t *l = lhs + i * lhsStride0 + (k * m0 + a) * k0;
            const uint8_t *r = rhs + j * rhsStride0 + (k * n0 + b) * k0;
            for (int c = 0; c < k0; ++c)
              acc += static_cast<uint32_t>(int32_t(l[c]) * int32_t(r[c]));
          }
          o[a * n0 + b] = static_cast<int32_t>(acc);
        }
    }
}

void mmt4dF32(const float *lhs, int64_t lhsStride0, const float *rhs,
              int64_t rhsStride0, float *out, int64_t outStride0, int64_t m1,
              int64_t n1, int64_t k1, int m0, uint32_t flags) {
  const int n0 = QRT_UKERNEL_F32_N0;
  for (int64_t i = 0; i < m1; ++i)
    for (int64_t j = 0; j < n1; ++j) {
      float *o = out + i * outStride0 + j * m0 * n0;
      for (int a = 0; a < m0; ++a)
        for (int b = 0; b < n0; ++b) {
          float acc = (flags & QRT_UKERNEL_FLAG_ACCUMULATE) ? o[a * n0 + b] : 0;
          for (int64_t k = 0; k < k1; ++k)
            acc = std::fma(lhs[i * lhsStride0 + k * m0 + a],
                           rhs[j * rhsStride0 + k * n0 + b], acc);
          o[a * n0 + b] = acc;
        }
    }
}

template <typename T, typename Store>
static void requantRows(const int32_t *acc, int64_t accStride, T *out,
                        int64_t outStride, int64_t m, int64_t n, int32_t zpA,
                        const int32_t *colsumW, float scaleA,
                        const float *scaleW, const float *bias, Store store) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      out[i * outStride + j] = store(
          requantOne(acc[i * accStride + j], zpA, colsumW ? colsumW[j] : 0,
                     scaleA, scaleW[j], bias ? bias[j] : 0.0f));
}

void requantS32F32(const int32_t *acc, int64_t accStride, float *out,
                   int64_t outStride, int64_t m, int64_t n, int32_t zpA,
                   const int32_t *colsumW, float scaleA, const float *scaleW,
                   const float *bias) {
  requantRows(acc, accStride, out, outStride, m, n, zpA, colsumW, scaleA,
              scaleW, bias, [](float v) { return v; });
}

void requantS32U8(const int32_t *acc, int64_t accStride, uint8_t *out,
                  int64_t outStride, int64_t m, int64_t n, int32_t zpA,
                  const int32_t *colsumW, float scaleA, const float *scaleW,
                  const float *bias, float scaleY, int32_t zpY) {
  requantRows(acc, accStride, out, outStride, m, n, zpA, colsumW, scaleA,
              scaleW, bias, [&](float v) {
                return static_cast<uint8_t>(
                    quantizeOne(v, scaleY, zpY, 0, 255));
              });
}

void requantS32S8(const int32_t *acc, int64_t accStride, int8_t *out,
                  int64_t outStride, int64_t m, int64_t n, int32_t zpA,
                  const int32_t *colsumW, float scaleA, const float *scaleW,
                  const float *bias, float scaleY, int32_t zpY) {
  requantRows(acc, accStride, out, outStride, m, n, zpA, colsumW, scaleA,
              scaleW, bias, [&](float v) {
                return static_cast<int8_t>(
                    quantizeOne(v, scaleY, zpY, -128, 127));
              });
}

void quantizeF32U8(const float *x, uint8_t *y, int64_t n, float scale,
                   int32_t zp) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = static_cast<uint8_t>(quantizeOne(x[i], scale, zp, 0, 255));
}

void quantizeF32S8(const float *x, int8_t *y, int64_t n, float scale,
                   int32_t zp) {
  for (int64_t i = 0; i < n; ++i)
    y[i] = static_cast<int8_t>(quantizeOne(x[i], scale, zp, -128, 127));
}

void dequantizeU8F32(const uint8_t *x, int64_t xStride, float *y,
                     int64_t yStride, int64_t rows, int64_t cols,
                     const float *scale, const int32_t *zp, int32_t axis) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      int64_t p = axis == QRT_UKERNEL_PER_ROW   ? r
                  : axis == QRT_UKERNEL_PER_COL ? c
                                                : 0;
      int32_t z = zp ? zp[p] : 0;
      y[r * yStride + c] =
          static_cast<float>(int32_t(x[r * xStride + c]) - z) * scale[p];
    }
}

void gemvW4F32(const void *packed, const W4Layout &l, uint32_t flags,
               const float *x, int64_t xStride, float *y, int64_t yStride,
               int64_t m, int64_t nBegin, int64_t nEnd) {
  const uint8_t *w = l.weights(packed);
  const float *scales = l.scales(packed), *zeros = l.zeros(packed);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t row = nBegin; row < nEnd; ++row) {
      float acc = 0;
      for (int64_t k = 0; k < l.k; ++k) {
        int shift;
        int64_t byte = l.byteOf(row, k, shift);
        int q = (w[byte] >> shift) & 15;
        int64_t p = l.paramOf(row, k / l.group);
        float z = l.hasZeros ? zeros[p] : 8.0f;
        acc = std::fma(x[i * xStride + k], (float(q) - z) * scales[p], acc);
      }
      float &dst = y[i * yStride + row];
      dst = (flags & QRT_UKERNEL_FLAG_ACCUMULATE) ? dst + acc : acc;
    }
}


//===--- Convolution packing, unpack epilogues, depthwise ------------------===//

void packX8Transposed16x4(const uint8_t *src, int64_t srcStride, int64_t rows,
                          int64_t cols, uint8_t *dst, int64_t dstStride0) {
  packTiles(src, srcStride, rows, cols, dst, dstStride0, 16, 4,
            /*transpose=*/true);
}

namespace {

/// Col[k][p] of the im2col matrix, or `pad` outside the input.
template <typename T>
T im2colAt(const T *x, const ConvGeom &g, int64_t k, int64_t p, T pad) {
  int64_t c = k / (g.kh * g.kw), kh = k / g.kw % g.kh, kw = k % g.kw;
  int64_t oh = p / g.ow, ow = p % g.ow;
  int64_t ih = oh * g.sh - g.pt + kh * g.dh, iw = ow * g.sw - g.pl + kw * g.dw;
  if (ih < 0 || ih >= g.h || iw < 0 || iw >= g.w)
    return pad;
  return x[(c * g.h + ih) * g.w + iw];
}

template <typename T, int K0>
void packIm2col(const T *x, const ConvGeom &g, T pad, int64_t pBegin,
                int64_t pEnd, T *dst, int64_t dstStride0) {
  const int n0 = 16;
  int64_t kTotal = g.kTotal(), k1 = (kTotal + K0 - 1) / K0;
  int64_t tiles = (pEnd - pBegin + n0 - 1) / n0;
  for (int64_t j = 0; j < tiles; ++j)
    for (int64_t kk = 0; kk < k1; ++kk)
      for (int a = 0; a < n0; ++a)
        for (int b = 0; b < K0; ++b) {
          int64_t p = pBegin + j * n0 + a, k = kk * K0 + b;
          dst[j * dstStride0 + (kk * n0 + a) * K0 + b] =
              p < pEnd && k < kTotal ? im2colAt(x, g, k, p, pad) : T(0);
        }
}

/// Calls fn(c, oh, ow, acc) with the depthwise sum of (x, w) over the taps,
/// padding reading `pad`, accumulated with `mac` from `init`.
template <typename X, typename Wt, typename Acc, typename Mac, typename Fn>
void dwconvLoops(const X *x, const Wt *w, const ConvGeom &g, int64_t cBegin,
                 int64_t cEnd, X pad, Acc init, Mac mac, Fn fn) {
  for (int64_t c = cBegin; c < cEnd; ++c)
    for (int64_t oh = 0; oh < g.oh; ++oh)
      for (int64_t ow = 0; ow < g.ow; ++ow) {
        Acc acc = init;
        for (int kh = 0; kh < g.kh; ++kh)
          for (int kw = 0; kw < g.kw; ++kw) {
            int64_t ih = oh * g.sh - g.pt + kh * g.dh,
                    iw = ow * g.sw - g.pl + kw * g.dw;
            X v = ih < 0 || ih >= g.h || iw < 0 || iw >= g.w
                      ? pad
                      : x[(c * g.h + ih) * g.w + iw];
            acc = mac(acc, v, w[(c * g.kh + kh) * g.kw + kw]);
          }
        fn(c, oh, ow, acc);
      }
}

int32_t weightSum(const int8_t *w, const ConvGeom &g, int64_t c) {
  int32_t s = 0;
  for (int i = 0; i < g.kh * g.kw; ++i)
    s += w[c * g.kh * g.kw + i];
  return s;
}

template <typename Store>
void dwconvU8S8(const uint8_t *x, int32_t zpX, const int8_t *w,
                const ConvGeom &g, int64_t cBegin, int64_t cEnd, float scaleX,
                const float *scaleW, const float *bias, Store store) {
  dwconvLoops(
      x, w, g, cBegin, cEnd, static_cast<uint8_t>(zpX), uint32_t(0),
      [](uint32_t acc, uint8_t v, int8_t wt) {
        return acc + static_cast<uint32_t>(int32_t(v) * int32_t(wt));
      },
      [&](int64_t c, int64_t oh, int64_t ow, uint32_t acc) {
        store((c * g.oh + oh) * g.ow + ow,
              requantOne(static_cast<int32_t>(acc), zpX, weightSum(w, g, c),
                         scaleX, scaleW[c], bias ? bias[c] : 0.0f));
      });
}

/// Calls store(m, n, acc) for every element of an [M1][N1][M0][16] tile
/// array, cropped to m x n.
template <typename T, typename Store>
void forEachTiled(const T *acc, int64_t accStride0, int64_t m, int64_t n,
                  int m0, Store store) {
  const int n0 = 16;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j)
      store(i, j,
            acc[(i / m0) * accStride0 + (j / n0) * m0 * n0 + (i % m0) * n0 +
                j % n0]);
}

template <typename T, typename Quant>
void unpackRequant(const int32_t *acc, int64_t accStride0, T *out,
                   int64_t outStride, int64_t m, int64_t n, int m0, int32_t zpA,
                   const int32_t *wsum, float scaleA, const float *scaleW,
                   const float *bias, Quant quant) {
  forEachTiled(acc, accStride0, m, n, m0,
               [&](int64_t i, int64_t j, int32_t a) {
                 out[i * outStride + j] =
                     quant(requantOne(a, zpA, wsum ? wsum[i] : 0, scaleA,
                                      scaleW[i], bias ? bias[i] : 0.0f));
               });
}

} // namespace

void packIm2colU8(const uint8_t *x, const ConvGeom &g, uint8_t zp,
                  int64_t pBegin, int64_t pEnd, uint8_t *dst,
                  int64_t dstStride0) {
  packIm2col<uint8_t, 4>(x, g, zp, pBegin, pEnd, dst, dstStride0);
}

void convDirectS8U8S32(const int8_t *lhs, int64_t lhsStride0, int64_t m1,
                       int m0, const uint8_t *x, const ConvGeom &g,
                       int64_t pBegin, int64_t pEnd, int32_t *out,
                       int64_t outStride0, uint32_t flags) {
  const int64_t c1 = g.c / 4, k1 = g.kh * g.kw * c1;
  const int64_t tiles = (pEnd - pBegin + 15) / 16;
  for (int64_t i = 0; i < m1; ++i)
    for (int64_t t = 0; t < tiles; ++t)
      for (int m = 0; m < m0; ++m)
        for (int n = 0; n < 16; ++n) {
          int64_t p = pBegin + 16 * t + n;
          int32_t *o = out + i * outStride0 + (t * m0 + m) * 16 + n;
          if (p >= pEnd)
            continue;
          int64_t oh = p / g.ow, ow = p % g.ow;
          uint32_t acc = flags & QRT_UKERNEL_FLAG_ACCUMULATE ? *o : 0;
          for (int64_t k = 0; k < k1 * 4; ++k) {
            int64_t tap = k / g.c, c = k % g.c;
            int kh = static_cast<int>(tap / g.kw),
                kw = static_cast<int>(tap % g.kw);
            uint8_t v =
                x[(c * g.h + oh * g.sh + kh * g.dh) * g.w + ow + kw * g.dw];
            int8_t w = lhs[i * lhsStride0 + ((k / 4) * m0 + m) * 4 + k % 4];
            acc += static_cast<uint32_t>(int32_t(v) * int32_t(w));
          }
          *o = static_cast<int32_t>(acc);
        }
}

void packIm2colF32(const float *x, const ConvGeom &g, float padValue,
                   int64_t pBegin, int64_t pEnd, float *dst,
                   int64_t dstStride0) {
  packIm2col<float, 1>(x, g, padValue, pBegin, pEnd, dst, dstStride0);
}

void unpackRequantS32F32(const int32_t *acc, int64_t accStride0, float *out,
                         int64_t outStride, int64_t m, int64_t n, int m0,
                         int32_t zpA, const int32_t *wsum, float scaleA,
                         const float *scaleW, const float *bias) {
  unpackRequant(acc, accStride0, out, outStride, m, n, m0, zpA, wsum, scaleA,
                scaleW, bias, [](float v) { return v; });
}

void unpackRequantS32U8(const int32_t *acc, int64_t accStride0, uint8_t *out,
                        int64_t outStride, int64_t m, int64_t n, int m0,
                        int32_t zpA, const int32_t *wsum, float scaleA,
                        const float *scaleW, const float *bias, float scaleY,
                        int32_t zpY) {
  unpackRequant(acc, accStride0, out, outStride, m, n, m0, zpA, wsum, scaleA,
                scaleW, bias, [&](float v) {
                  return static_cast<uint8_t>(
                      quantizeOne(v, scaleY, zpY, 0, 255));
                });
}

void unpackRequantS32S8(const int32_t *acc, int64_t accStride0, int8_t *out,
                        int64_t outStride, int64_t m, int64_t n, int m0,
                        int32_t zpA, const int32_t *wsum, float scaleA,
                        const float *scaleW, const float *bias, float scaleY,
                        int32_t zpY) {
  unpackRequant(acc, accStride0, out, outStride, m, n, m0, zpA, wsum, scaleA,
                scaleW, bias, [&](float v) {
                  return static_cast<int8_t>(
                      quantizeOne(v, scaleY, zpY, -128, 127));
                });
}

void unpackBiasF32(const float *acc, int64_t accStride0, float *out,
                   int64_t outStride, int64_t m, int64_t n, int m0,
                   const float *bias) {
  forEachTiled(acc, accStride0, m, n, m0, [&](int64_t i, int64_t j, float a) {
    out[i * outStride + j] = bias ? a + bias[i] : a;
  });
}

void dwconvF32(const float *x, const float *w, const float *bias, float *out,
               const ConvGeom &g, int64_t cBegin, int64_t cEnd) {
  dwconvLoops(
      x, w, g, cBegin, cEnd, 0.0f, 0.0f,
      [](float acc, float v, float wt) { return std::fma(v, wt, acc); },
      [&](int64_t c, int64_t oh, int64_t ow, float acc) {
        out[(c * g.oh + oh) * g.ow + ow] = (bias ? bias[c] : 0.0f) + acc;
      });
}

void dwconvAccF32(const float *x, const float *w, float *out, const ConvGeom &g,
                  int64_t cBegin, int64_t cEnd) {
  // The loop order of quantc's generic: (c, oh, kh, kw, ow).
  for (int64_t c = cBegin; c < cEnd; ++c)
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      float *o = out + (c * g.oh + oh) * g.ow;
      for (int kh = 0; kh < g.kh; ++kh) {
        const float *row = x + (c * g.h + oh * g.sh + kh * g.dh) * g.w;
        for (int kw = 0; kw < g.kw; ++kw) {
          float wt = w[(c * g.kh + kh) * g.kw + kw];
          const float *in = row + kw * g.dw;
          for (int64_t ow = 0; ow < g.ow; ++ow) {
            float prod = in[ow * g.sw] * wt;
            o[ow] = o[ow] + prod;
          }
        }
      }
    }
}

void dwconvAccU8S8S32(const uint8_t *x, const int8_t *w, int32_t *out,
                      const ConvGeom &g, int64_t cBegin, int64_t cEnd,
                      bool accumulate) {
  // Wrapping int32 sums (unsigned arithmetic): exact in any order.
  for (int64_t c = cBegin; c < cEnd; ++c)
    for (int64_t oh = 0; oh < g.oh; ++oh) {
      int32_t *o = out + (c * g.oh + oh) * g.ow;
      if (!accumulate)
        std::fill(o, o + g.ow, 0);
      for (int kh = 0; kh < g.kh; ++kh) {
        const uint8_t *row = x + (c * g.h + oh * g.sh + kh * g.dh) * g.w;
        for (int kw = 0; kw < g.kw; ++kw) {
          int32_t wt = w[(c * g.kh + kh) * g.kw + kw];
          const uint8_t *in = row + kw * g.dw;
          for (int64_t ow = 0; ow < g.ow; ++ow)
            o[ow] = static_cast<int32_t>(
                static_cast<uint32_t>(o[ow]) +
                static_cast<uint32_t>(int32_t(in[ow * g.sw]) * wt));
        }
      }
    }
}

void dwconvU8S8F32(const uint8_t *x, int32_t zpX, const int8_t *w, float *out,
                   const ConvGeom &g, int64_t cBegin, int64_t cEnd,
                   float scaleX, const float *scaleW, const float *bias) {
  dwconvU8S8(x, zpX, w, g, cBegin, cEnd, scaleX, scaleW, bias,
             [&](int64_t i, float v) { out[i] = v; });
}

void dwconvU8S8U8(const uint8_t *x, int32_t zpX, const int8_t *w, uint8_t *out,
                  const ConvGeom &g, int64_t cBegin, int64_t cEnd, float scaleX,
                  const float *scaleW, const float *bias, float scaleY,
                  int32_t zpY) {
  dwconvU8S8(x, zpX, w, g, cBegin, cEnd, scaleX, scaleW, bias,
             [&](int64_t i, float v) {
               out[i] = static_cast<uint8_t>(
                   quantizeOne(v, scaleY, zpY, 0, 255));
             });
}

void dequantWq(const uint8_t *packed, const float *scales, const float *zeros,
               int64_t k1, int64_t group, int bits, float *dst) {
  const int bytes = 2 * bits; // 16 values per k
  const uint64_t mask = (uint64_t(1) << bits) - 1;
  for (int64_t k = 0; k < k1; ++k) {
    uint64_t word = 0;
    for (int i = 0; i < bytes; ++i)
      word |= uint64_t(packed[k * bytes + i]) << (8 * i);
    const float *s = scales + (k / group) * 16, *z = zeros + (k / group) * 16;
    for (int r = 0; r < 16; ++r)
      dst[k * 16 + r] = ((float)((word >> (bits * r)) & mask) - z[r]) * s[r];
  }
}

} // namespace scalar
} // namespace qrt::kernels

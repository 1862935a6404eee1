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

static float requantOne(int32_t acc, int32_t zpA, int32_t colsum, float scaleA,
                        float scaleW, float bias) {
  uint32_t t = static_cast<uint32_t>(acc) -
               static_cast<uint32_t>(zpA) * static_cast<uint32_t>(colsum);
  return std::fma(static_cast<float>(static_cast<int32_t>(t)), scaleA * scaleW,
                  bias);
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

} // namespace scalar
} // namespace qrt::kernels

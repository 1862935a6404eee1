//===- pack.cpp - packing into the kernels' layouts (portable) ------------===//
//
// Row-major matrices into mmt4d tiles and back, weight sums, and int4 weights
// into the GEMV layout. These run once per weight (at compile or load time)
// or stream activations at memory speed next to a GEMM that reads them many
// times, so they are plain C++ (the compiler vectorizes the inner copies).
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <cstring>

namespace qrt::kernels {

template <typename T>
void packTiles(const T *src, int64_t srcStride, int64_t rows, int64_t cols,
               T *dst, int64_t dstStride0, int r0, int c0, bool transpose) {
  int64_t r1 = (rows + r0 - 1) / r0, c1 = (cols + c0 - 1) / c0;
  for (int64_t i = 0; i < r1; ++i) {
    T *d = dst + i * dstStride0;
    if (!transpose && (i + 1) * r0 <= rows && cols % c0 == 0) {
      // Full tile rows: c0 contiguous elements per (k1, r).
      for (int a = 0; a < r0; ++a) {
        const T *s = src + (i * r0 + a) * srcStride;
        for (int64_t k = 0; k < c1; ++k)
          std::memcpy(d + (k * r0 + a) * c0, s + k * c0, c0 * sizeof(T));
      }
      continue;
    }
    for (int64_t k = 0; k < c1; ++k)
      for (int a = 0; a < r0; ++a)
        for (int b = 0; b < c0; ++b) {
          int64_t r = i * r0 + a, c = k * c0 + b;
          T v = T(0);
          if (r < rows && c < cols)
            v = transpose ? src[c * srcStride + r] : src[r * srcStride + c];
          d[(k * r0 + a) * c0 + b] = v;
        }
  }
}

template void packTiles<uint8_t>(const uint8_t *, int64_t, int64_t, int64_t,
                                 uint8_t *, int64_t, int, int, bool);
template void packTiles<float>(const float *, int64_t, int64_t, int64_t,
                               float *, int64_t, int, int, bool);

template <typename T>
void unpackTiles(const T *src, int64_t srcStride0, T *dst, int64_t dstStride,
                 int64_t rows, int64_t cols, int m0, int n0) {
  int64_t n1 = (cols + n0 - 1) / n0;
  for (int64_t r = 0; r < rows; ++r) {
    const T *s = src + (r / m0) * srcStride0 + (r % m0) * n0;
    T *d = dst + r * dstStride;
    for (int64_t j = 0; j < n1; ++j)
      std::memcpy(d + j * n0, s + j * m0 * n0,
                  std::min<int64_t>(n0, cols - j * n0) * sizeof(T));
  }
}

template void unpackTiles<int32_t>(const int32_t *, int64_t, int32_t *, int64_t,
                                   int64_t, int64_t, int, int);
template void unpackTiles<float>(const float *, int64_t, float *, int64_t,
                                 int64_t, int64_t, int, int);

void rowSumS8(const int8_t *w, int64_t wStride, int64_t n, int64_t k,
              int32_t *sums) {
  for (int64_t i = 0; i < n; ++i) {
    int32_t s = 0;
    for (int64_t j = 0; j < k; ++j)
      s += w[i * wStride + j];
    sums[i] = s;
  }
}

void packW4(void *dst, const uint8_t *w, const float *scales,
            const uint8_t *zeroPoints, const W4Layout &l, uint32_t flags) {
  std::memset(dst, 0, l.totalBytes());
  auto *out = static_cast<uint8_t *>(dst);
  auto *outScales = const_cast<float *>(l.scales(dst));
  auto *outZeros = const_cast<float *>(l.zeros(dst));
  bool nbits = flags & QRT_UKERNEL_W4_SRC_MATMULNBITS;
  int64_t kPadded = l.groups * l.group; // MatMulNBits row length in nibbles
  for (int64_t n = 0; n < l.n; ++n) {
    for (int64_t k = 0; k < l.k; ++k) {
      uint8_t q = nbits ? (w[(n * kPadded + k) / 2] >> (4 * (k % 2))) & 15
                        : w[n * l.k + k] & 15;
      int shift;
      int64_t byte = l.byteOf(n, k, shift);
      out[byte] |= static_cast<uint8_t>(q << shift);
    }
    for (int64_t g = 0; g < l.groups; ++g) {
      outScales[l.paramOf(n, g)] = scales[n * l.groups + g];
      if (!l.hasZeros)
        continue;
      uint8_t z = nbits ? (zeroPoints[n * ((l.groups + 1) / 2) + g / 2] >>
                           (4 * (g % 2))) &
                              15
                        : zeroPoints[n * l.groups + g];
      outZeros[l.paramOf(n, g)] = static_cast<float>(z);
    }
  }
}

} // namespace qrt::kernels

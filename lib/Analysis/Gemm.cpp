//===- Gemm.cpp - cache-blocked f32 matrix product for the evaluator ------===//
//
// A packed GEMM in the style of BLIS: A is packed into panels of kGemmMR rows
// and B into panels of kGemmNR columns, and a register-blocked micro-kernel
// computes a kGemmMR x kGemmNR tile of C. Every element of C is the sum over k
// in increasing order of a[i][k] * b[k][j], each product and each addition
// rounded to f32 (the library is built with -ffp-contract=off), so the result
// does not depend on the vector width: the AVX2 and the baseline micro-kernel
// agree bit for bit.
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include <cstring>

using namespace mlir::qc::detail;

// The vector helpers below are always inlined, so the ABI of passing 32-byte
// vectors without AVX never matters.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace {

constexpr int64_t MR = kGemmMR;
constexpr int64_t NR = kGemmNR;
/// Depth of a k block: a B panel of KC x NR floats (16 KiB) stays in L1.
constexpr int64_t KC = 256;

typedef float v8f __attribute__((vector_size(32)));

inline __attribute__((always_inline)) v8f load8(const float *p) {
  v8f v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}
inline __attribute__((always_inline)) void store8(float *p, v8f v) {
  std::memcpy(p, &v, sizeof(v));
}
inline __attribute__((always_inline)) v8f splat(float x) {
  return v8f{x, x, x, x, x, x, x, x};
}

/// c[MR x NR] (row stride ldc) = (accumulate ? c : 0) + a-panel * b-panel.
inline __attribute__((always_inline)) void
microKernelBody(const float *__restrict a, const float *__restrict b,
                int64_t kc, float *__restrict c, int64_t ldc, bool accumulate) {
  v8f c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  if (accumulate) {
    c00 = load8(c + 0 * ldc), c01 = load8(c + 0 * ldc + 8);
    c10 = load8(c + 1 * ldc), c11 = load8(c + 1 * ldc + 8);
    c20 = load8(c + 2 * ldc), c21 = load8(c + 2 * ldc + 8);
    c30 = load8(c + 3 * ldc), c31 = load8(c + 3 * ldc + 8);
    c40 = load8(c + 4 * ldc), c41 = load8(c + 4 * ldc + 8);
    c50 = load8(c + 5 * ldc), c51 = load8(c + 5 * ldc + 8);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 =
        v8f{};
  }
  for (int64_t k = 0; k < kc; ++k) {
    v8f b0 = load8(b + k * NR), b1 = load8(b + k * NR + 8);
    const float *ak = a + k * MR;
    v8f a0 = splat(ak[0]);
    c00 += a0 * b0;
    c01 += a0 * b1;
    v8f a1 = splat(ak[1]);
    c10 += a1 * b0;
    c11 += a1 * b1;
    v8f a2 = splat(ak[2]);
    c20 += a2 * b0;
    c21 += a2 * b1;
    v8f a3 = splat(ak[3]);
    c30 += a3 * b0;
    c31 += a3 * b1;
    v8f a4 = splat(ak[4]);
    c40 += a4 * b0;
    c41 += a4 * b1;
    v8f a5 = splat(ak[5]);
    c50 += a5 * b0;
    c51 += a5 * b1;
  }
  store8(c + 0 * ldc, c00), store8(c + 0 * ldc + 8, c01);
  store8(c + 1 * ldc, c10), store8(c + 1 * ldc + 8, c11);
  store8(c + 2 * ldc, c20), store8(c + 2 * ldc + 8, c21);
  store8(c + 3 * ldc, c30), store8(c + 3 * ldc + 8, c31);
  store8(c + 4 * ldc, c40), store8(c + 4 * ldc + 8, c41);
  store8(c + 5 * ldc, c50), store8(c + 5 * ldc + 8, c51);
}

using MicroKernel = void (*)(const float *, const float *, int64_t, float *,
                             int64_t, bool);

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx2"))) void microKernelAvx2(const float *a,
                                                     const float *b, int64_t kc,
                                                     float *c, int64_t ldc,
                                                     bool accumulate) {
  microKernelBody(a, b, kc, c, ldc, accumulate);
}
#endif

void microKernelBaseline(const float *a, const float *b, int64_t kc, float *c,
                         int64_t ldc, bool accumulate) {
  microKernelBody(a, b, kc, c, ldc, accumulate);
}

MicroKernel selectMicroKernel() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2"))
    return microKernelAvx2;
#endif
  return microKernelBaseline;
}

} // namespace

void mlir::qc::detail::packA(const float *a, int64_t rowStride,
                             int64_t colStride, int64_t m, int64_t k,
                             float *out) {
  for (int64_t i0 = 0; i0 < m; i0 += MR) {
    float *panel = out + (i0 / MR) * k * MR;
    int64_t rows = std::min(MR, m - i0);
    for (int64_t kk = 0; kk < k; ++kk) {
      float *dst = panel + kk * MR;
      const float *src = a + i0 * rowStride + kk * colStride;
      int64_t r = 0;
      for (; r < rows; ++r)
        dst[r] = src[r * rowStride];
      for (; r < MR; ++r)
        dst[r] = 0.0f;
    }
  }
}

void mlir::qc::detail::packB(const float *b, int64_t rowStride,
                             int64_t colStride, int64_t k, int64_t n,
                             float *out) {
  for (int64_t j0 = 0; j0 < n; j0 += NR) {
    float *panel = out + (j0 / NR) * k * NR;
    int64_t cols = std::min(NR, n - j0);
    for (int64_t kk = 0; kk < k; ++kk) {
      float *dst = panel + kk * NR;
      const float *src = b + kk * rowStride + j0 * colStride;
      int64_t j = 0;
      if (colStride == 1) {
        std::memcpy(dst, src, cols * sizeof(float));
        j = cols;
      } else {
        for (; j < cols; ++j)
          dst[j] = src[j * colStride];
      }
      for (; j < NR; ++j)
        dst[j] = 0.0f;
    }
  }
}

void mlir::qc::detail::gemmPacked(const float *packedA, const float *packedB,
                                  int64_t m, int64_t n, int64_t k, float *c,
                                  int64_t ldc) {
  static const MicroKernel kernel = selectMicroKernel();
  if (k == 0) {
    for (int64_t i = 0; i < m; ++i)
      std::fill(c + i * ldc, c + i * ldc + n, 0.0f);
    return;
  }
  alignas(64) float tile[MR * NR];
  for (int64_t k0 = 0; k0 < k; k0 += KC) {
    int64_t kc = std::min(KC, k - k0);
    bool accumulate = k0 > 0;
    for (int64_t j0 = 0; j0 < n; j0 += NR) {
      const float *bp = packedB + (j0 / NR) * k * NR + k0 * NR;
      int64_t cols = std::min(NR, n - j0);
      for (int64_t i0 = 0; i0 < m; i0 += MR) {
        const float *ap = packedA + (i0 / MR) * k * MR + k0 * MR;
        int64_t rows = std::min(MR, m - i0);
        float *cp = c + i0 * ldc + j0;
        if (rows == MR && cols == NR) {
          kernel(ap, bp, kc, cp, ldc, accumulate);
          continue;
        }
        // Edge tile: go through a full-size buffer.
        if (accumulate) {
          std::fill(tile, tile + MR * NR, 0.0f);
          for (int64_t r = 0; r < rows; ++r)
            std::memcpy(tile + r * NR, cp + r * ldc, cols * sizeof(float));
        }
        kernel(ap, bp, kc, tile, NR, accumulate);
        for (int64_t r = 0; r < rows; ++r)
          std::memcpy(cp + r * ldc, tile + r * NR, cols * sizeof(float));
      }
    }
  }
}

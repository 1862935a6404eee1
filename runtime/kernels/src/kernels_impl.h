//===- kernels_impl.h - internal interface of the microkernels ---*- C++
//-*-===//
//
// The implementations behind include/qrt/kernels.h: a portable scalar one
// (the fallback, and the reference the tests compare with) and an AVX-512
// one (compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mfma, only
// called when the CPU has them). Arguments are already validated.
//
//===----------------------------------------------------------------------===//

#ifndef QRT_KERNELS_SRC_KERNELS_IMPL_H
#define QRT_KERNELS_SRC_KERNELS_IMPL_H

#include "qrt/kernels.h"

#include <cstdint>
#include <type_traits>
#include <utility>

namespace qrt::kernels {

template <int... Is, typename F>
inline void unrollImpl(std::integer_sequence<int, Is...>, F &&f) {
  (f(std::integral_constant<int, Is>{}), ...);
}
/// Calls f(std::integral_constant<int, i>) for i = 0..N-1: every index is a
/// compile-time constant, so accumulators indexed by it stay in registers.
template <int N, typename F> inline void unroll(F &&f) {
  unrollImpl(std::make_integer_sequence<int, N>{}, f);
}

/// The output blocks of one channel of the depthwise kernels: column blocks
/// of V = 1..4 vectors of 16 outputs (64 columns, the row's tail in fewer
/// vectors), each over rows in blocks of R = 8 / V (at most 8 accumulators
/// in registers), then the remaining rows in halving blocks. Calls
/// tile(integral_constant<R>, integral_constant<V>, oh0, ow0).
template <int V, typename Tile>
inline void dwconvRowBlocks(int64_t oh, int64_t ow0, Tile &&tile) {
  using std::integral_constant;
  constexpr int kRows = V == 1 ? 8 : V == 2 ? 4 : 2;
  integral_constant<int, V> v;
  int64_t r = 0;
  for (; r + kRows <= oh; r += kRows)
    tile(integral_constant<int, kRows>{}, v, r, ow0);
  if constexpr (kRows >= 8)
    if (r + 4 <= oh) {
      tile(integral_constant<int, 4>{}, v, r, ow0);
      r += 4;
    }
  if constexpr (kRows >= 4)
    if (r + 2 <= oh) {
      tile(integral_constant<int, 2>{}, v, r, ow0);
      r += 2;
    }
  for (; r < oh; ++r)
    tile(integral_constant<int, 1>{}, v, r, ow0);
}
template <typename Tile>
inline void dwconvBlocks(int64_t oh, int64_t ow, Tile &&tile) {
  for (int64_t ow0 = 0; ow0 < ow; ow0 += 64) {
    int64_t vectors = (ow - ow0 + 15) / 16;
    if (vectors == 1)
      dwconvRowBlocks<1>(oh, ow0, tile);
    else if (vectors == 2)
      dwconvRowBlocks<2>(oh, ow0, tile);
    else if (vectors == 3)
      dwconvRowBlocks<3>(oh, ow0, tile);
    else
      dwconvRowBlocks<4>(oh, ow0, tile);
  }
}

/// Geometry of a packed int4 weight buffer (see kernels.h).
struct W4Layout {
  static constexpr int64_t kRows = 4;     // rows per row block
  static constexpr int64_t kBlockK = 128; // k per 64-byte block
  int64_t n, k, group, rowBlocks, kBlocks, groups;
  bool hasZeros;
  int64_t weightBytes, scaleBytes; // each rounded up to 64

  W4Layout(int64_t n, int64_t k, int64_t group, uint32_t flags)
      : n(n), k(k), group(group), rowBlocks((n + kRows - 1) / kRows),
        kBlocks((k + kBlockK - 1) / kBlockK), groups((k + group - 1) / group),
        hasZeros(flags & QRT_UKERNEL_W4_ZERO_POINTS) {
    weightBytes = rowBlocks * kBlocks * kRows * 64;
    scaleBytes = (rowBlocks * groups * kRows * 4 + 63) / 64 * 64;
  }
  int64_t totalBytes() const {
    return weightBytes + scaleBytes * (hasZeros ? 2 : 1);
  }
  const uint8_t *weights(const void *p) const {
    return static_cast<const uint8_t *>(p);
  }
  const float *scales(const void *p) const {
    return reinterpret_cast<const float *>(weights(p) + weightBytes);
  }
  const float *zeros(const void *p) const {
    return reinterpret_cast<const float *>(weights(p) + weightBytes +
                                           scaleBytes);
  }
  /// Byte offset of the nibble of (row, col) and its shift (0 or 4).
  int64_t byteOf(int64_t row, int64_t col, int &shift) const {
    int64_t kb = col / kBlockK, r = col % kBlockK, j = r / 16, i = r % 16;
    shift = static_cast<int>(4 * (j % 2));
    return ((row / kRows * kBlocks + kb) * kRows + row % kRows) * 64 + 4 * i +
           j / 2;
  }
  /// Index of (row, group) in the scale and zero arrays.
  int64_t paramOf(int64_t row, int64_t g) const {
    return (row / kRows * groups + g) * kRows + row % kRows;
  }
};

/// Geometry of a 2-D convolution on NCHW (see kernels.h). c is the number
/// of input channels (im2col; unused by the depthwise kernels).
struct ConvGeom {
  int64_t c, h, w, oh, ow;
  int kh, kw, sh, sw, dh, dw, pt, pl;
  int64_t kTotal() const { return c * kh * kw; } // GEMM K of the im2col
  int64_t pixels() const { return oh * ow; }      // GEMM N of the im2col
};

#define QRT_KERNELS_DECLARE(NS)                                                \
  namespace NS {                                                               \
  void mmt4dU8S8S32(const uint8_t *lhs, int64_t lhsStride0, const int8_t *rhs, \
                    int64_t rhsStride0, int32_t *out, int64_t outStride0,      \
                    int64_t m1, int64_t n1, int64_t k1, int m0,                \
                    uint32_t flags);                                           \
  void mmt4dF32(const float *lhs, int64_t lhsStride0, const float *rhs,        \
                int64_t rhsStride0, float *out, int64_t outStride0,            \
                int64_t m1, int64_t n1, int64_t k1, int m0, uint32_t flags);   \
  void mmt4dS8U8S32(const int8_t *lhs, int64_t lhsStride0, const uint8_t *rhs, \
                    int64_t rhsStride0, int32_t *out, int64_t outStride0,      \
                    int64_t m1, int64_t n1, int64_t k1, int m0,                \
                    uint32_t flags);                                           \
  /* pack_x8 with (R0, C0) = (16, 4) from a source stored [cols][rows]. */     \
  void packX8Transposed16x4(const uint8_t *src, int64_t srcStride,             \
                            int64_t rows, int64_t cols, uint8_t *dst,          \
                            int64_t dstStride0);                               \
  void packIm2colU8(const uint8_t *x, const ConvGeom &g, uint8_t zp,           \
                    int64_t pBegin, int64_t pEnd, uint8_t *dst,                \
                    int64_t dstStride0);                                       \
  /* g: stride_w 1, no padding; lhs with taps outer (see kernels.h). */        \
  void convDirectS8U8S32(const int8_t *lhs, int64_t lhsStride0, int64_t m1,    \
                         int m0, const uint8_t *x, const ConvGeom &g,          \
                         int64_t pBegin, int64_t pEnd, int32_t *out,           \
                         int64_t outStride0, uint32_t flags);                  \
  void packIm2colF32(const float *x, const ConvGeom &g, float padValue,        \
                     int64_t pBegin, int64_t pEnd, float *dst,                 \
                     int64_t dstStride0);                                      \
  void unpackRequantS32F32(const int32_t *acc, int64_t accStride0, float *out, \
                           int64_t outStride, int64_t m, int64_t n, int m0,    \
                           int32_t zpA, const int32_t *wsum, float scaleA,     \
                           const float *scaleW, const float *bias);            \
  void unpackRequantS32U8(const int32_t *acc, int64_t accStride0,              \
                          uint8_t *out, int64_t outStride, int64_t m,          \
                          int64_t n, int m0, int32_t zpA, const int32_t *wsum, \
                          float scaleA, const float *scaleW,                   \
                          const float *bias, float scaleY, int32_t zpY);       \
  void unpackRequantS32S8(const int32_t *acc, int64_t accStride0, int8_t *out, \
                          int64_t outStride, int64_t m, int64_t n, int m0,     \
                          int32_t zpA, const int32_t *wsum, float scaleA,      \
                          const float *scaleW, const float *bias,              \
                          float scaleY, int32_t zpY);                          \
  void unpackBiasF32(const float *acc, int64_t accStride0, float *out,         \
                     int64_t outStride, int64_t m, int64_t n, int m0,          \
                     const float *bias);                                       \
  void dwconvF32(const float *x, const float *w, const float *bias,            \
                 float *out, const ConvGeom &g, int64_t cBegin, int64_t cEnd); \
  void dwconvAccF32(const float *x, const float *w, float *out,                \
                    const ConvGeom &g, int64_t cBegin, int64_t cEnd);          \
  void dwconvAccU8S8S32(const uint8_t *x, const int8_t *w, int32_t *out,       \
                        const ConvGeom &g, int64_t cBegin, int64_t cEnd,       \
                        bool accumulate);                                      \
  void dwconvU8S8F32(const uint8_t *x, int32_t zpX, const int8_t *w,           \
                     float *out, const ConvGeom &g, int64_t cBegin,            \
                     int64_t cEnd, float scaleX, const float *scaleW,          \
                     const float *bias);                                       \
  void dwconvU8S8U8(const uint8_t *x, int32_t zpX, const int8_t *w,            \
                    uint8_t *out, const ConvGeom &g, int64_t cBegin,           \
                    int64_t cEnd, float scaleX, const float *scaleW,           \
                    const float *bias, float scaleY, int32_t zpY);             \
  void requantS32F32(const int32_t *acc, int64_t accStride, float *out,        \
                     int64_t outStride, int64_t m, int64_t n, int32_t zpA,     \
                     const int32_t *colsumW, float scaleA,                     \
                     const float *scaleW, const float *bias);                  \
  void requantS32U8(const int32_t *acc, int64_t accStride, uint8_t *out,       \
                    int64_t outStride, int64_t m, int64_t n, int32_t zpA,      \
                    const int32_t *colsumW, float scaleA, const float *scaleW, \
                    const float *bias, float scaleY, int32_t zpY);             \
  void requantS32S8(const int32_t *acc, int64_t accStride, int8_t *out,        \
                    int64_t outStride, int64_t m, int64_t n, int32_t zpA,      \
                    const int32_t *colsumW, float scaleA, const float *scaleW, \
                    const float *bias, float scaleY, int32_t zpY);             \
  void quantizeF32U8(const float *x, uint8_t *y, int64_t n, float scale,       \
                     int32_t zp);                                              \
  void quantizeF32S8(const float *x, int8_t *y, int64_t n, float scale,        \
                     int32_t zp);                                              \
  void dequantizeU8F32(const uint8_t *x, int64_t xStride, float *y,            \
                       int64_t yStride, int64_t rows, int64_t cols,            \
                       const float *scale, const int32_t *zp, int32_t axis);   \
  /* One tile row of packed 2/4-bit weights (see mmt4d_f32_wq) to f32 */       \
  /* [K1][16]: k1 values of 16 rows. */                                        \
  void dequantWq(const uint8_t *packed, const float *scales,                   \
                 const float *zeros, int64_t k1, int64_t group, int bits,      \
                 float *dst);                                                  \
  void gemvW4F32(const void *packed, const W4Layout &layout, uint32_t flags,   \
                 const float *x, int64_t xStride, float *y, int64_t yStride,   \
                 int64_t m, int64_t nBegin, int64_t nEnd);                     \
  }

QRT_KERNELS_DECLARE(scalar)
QRT_KERNELS_DECLARE(avx512)
#undef QRT_KERNELS_DECLARE

/// Portable packing (pack.cpp), also the reference of the fast packs.
template <typename T>
void packTiles(const T *src, int64_t srcStride, int64_t rows, int64_t cols,
               T *dst, int64_t dstStride0, int r0, int c0, bool transpose);
template <typename T>
void unpackTiles(const T *src, int64_t srcStride0, T *dst, int64_t dstStride,
                 int64_t rows, int64_t cols, int m0, int n0);

/// True when the CPU runs the avx512 implementations.
bool hasAvx512();
/// hasAvx512() and AVX512-VBMI (vpermb), which the u8 depthwise kernel
/// needs.
bool hasAvx512Vbmi();

namespace avx512x16 {
/// The int4 GEMV on vpdpbusd with x rounded to 16-bit fixed point per
/// 128-element block (gemv_w4_x16_avx512.cpp): group sizes that are
/// multiples of 128 only. False (nothing written) when x holds an inf or a
/// NaN; the caller then runs the f32 kernel.
bool gemvW4F32(const void *packed, const W4Layout &layout, uint32_t flags,
               const float *x, int64_t xStride, float *y, int64_t yStride,
               int64_t m, int64_t nBegin, int64_t nEnd);
} // namespace avx512x16

/// The requantization of one accumulator (both implementations):
/// fmaf((float)(acc - zpA * wsum), scaleA * scaleW, bias), int32 wrapping.
float requantOne(int32_t acc, int32_t zpA, int32_t wsum, float scaleA,
                 float scaleW, float bias);

/// Reference rounding of the quantizers: nearbyint(x / scale) + zp clamped
/// to [qmin, qmax], NaN -> clamp(zp).
int32_t quantizeOne(float x, float scale, int32_t zp, int32_t qmin,
                    int32_t qmax);

} // namespace qrt::kernels

#endif // QRT_KERNELS_SRC_KERNELS_IMPL_H

//===- dispatch.cpp - the C entry points: checks, then AVX-512 or scalar --===//
//
// Each entry point validates its arguments and calls the AVX-512
// implementation when the CPU has AVX-512 F/BW/VL/VNNI and FMA, else the
// scalar one. The check is __builtin_cpu_supports, which reads the
// compiler runtime's CPU model (filled once at load); no state of our own.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <vector>

namespace qrt::kernels {

void rowSumS8(const int8_t *w, int64_t wStride, int64_t n, int64_t k,
              int32_t *sums);
void packW4(void *dst, const uint8_t *w, const float *scales,
            const uint8_t *zeroPoints, const W4Layout &l, uint32_t flags);

bool hasAvx512() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool hasAvx512Vbmi() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return hasAvx512() && __builtin_cpu_supports("avx512vbmi");
#else
  return false;
#endif
}

} // namespace qrt::kernels

using namespace qrt::kernels;

namespace {

bool validM0(int32_t m0) {
  return m0 == 1 || m0 == 2 || m0 == 4 || m0 == 8 || m0 == 16;
}

bool validW4Group(int64_t g) {
  return g == 16 || g == 32 || g == 64 || (g > 0 && g % 128 == 0);
}

/// Checks a convolution geometry (see kernels.h) and fills `g`.
bool validConv(int64_t c, int64_t h, int64_t w, int32_t kh, int32_t kw,
               int64_t oh, int64_t ow, int32_t sh, int32_t sw, int32_t dh,
               int32_t dw, int32_t pt, int32_t pl, ConvGeom &g) {
  if (c < 0 || h < 0 || w < 0 || kh < 1 || kw < 1 || oh < 0 || ow < 0 ||
      sh < 1 || sw < 1 || dh < 1 || dw < 1 || pt < 0 || pl < 0)
    return false;
  g = ConvGeom{c, h, w, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl};
  return true;
}

/// Checks the arguments of the depthwise kernels on a padded input (every
/// tap inside it) and fills `g`. Returns QRT_UKERNEL_OK to compute,
/// QRT_UKERNEL_INVALID_ARGUMENT, or -1 when there is nothing to compute.
int checkDepthwiseAcc(const void *x, int64_t h, int64_t w, const void *wt,
                      int32_t kh, int32_t kw, const void *out, int64_t oh,
                      int64_t ow, int32_t sh, int32_t sw, int32_t dh,
                      int32_t dw, int64_t cBegin, int64_t cEnd, ConvGeom &g) {
  if (!validConv(0, h, w, kh, kw, oh, ow, sh, sw, dh, dw, 0, 0, g) ||
      cBegin < 0 || cEnd < cBegin)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (cBegin == cEnd || oh == 0 || ow == 0)
    return -1;
  if ((oh - 1) * sh + int64_t(kh - 1) * dh >= h ||
      (ow - 1) * sw + int64_t(kw - 1) * dw >= w || !x || !wt || !out)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  return QRT_UKERNEL_OK;
}

} // namespace

#define QRT_DISPATCH(FN, ...)                                                  \
  (hasAvx512() ? avx512::FN(__VA_ARGS__) : scalar::FN(__VA_ARGS__))

extern "C" {

int qrt_ukernel_mmt4d_u8s8s32(const uint8_t *lhs, int64_t lhs_stride0,
                              const int8_t *rhs, int64_t rhs_stride0,
                              int32_t *out, int64_t out_stride0, int64_t M1,
                              int64_t N1, int64_t K1, int32_t M0, int32_t N0,
                              int32_t K0, uint32_t flags) {
  if (!validM0(M0) || N0 != QRT_UKERNEL_U8S8S32_N0 ||
      K0 != QRT_UKERNEL_U8S8S32_K0 || M1 < 0 || N1 < 0 || K1 < 0)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M1 == 0 || N1 == 0)
    return QRT_UKERNEL_OK;
  if (!out || (K1 > 0 && (!lhs || !rhs)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(mmt4dU8S8S32, lhs, lhs_stride0, rhs, rhs_stride0, out,
               out_stride0, M1, N1, K1, M0, flags);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_mmt4d_s8u8s32(const int8_t *lhs, int64_t lhs_stride0,
                              const uint8_t *rhs, int64_t rhs_stride0,
                              int32_t *out, int64_t out_stride0, int64_t M1,
                              int64_t N1, int64_t K1, int32_t M0, int32_t N0,
                              int32_t K0, uint32_t flags) {
  if (!validM0(M0) || N0 != QRT_UKERNEL_S8U8S32_N0 ||
      K0 != QRT_UKERNEL_S8U8S32_K0 || M1 < 0 || N1 < 0 || K1 < 0)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M1 == 0 || N1 == 0)
    return QRT_UKERNEL_OK;
  if (!out || (K1 > 0 && (!lhs || !rhs)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(mmt4dS8U8S32, lhs, lhs_stride0, rhs, rhs_stride0, out,
               out_stride0, M1, N1, K1, M0, flags);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_mmt4d_f32(const float *lhs, int64_t lhs_stride0,
                          const float *rhs, int64_t rhs_stride0, float *out,
                          int64_t out_stride0, int64_t M1, int64_t N1,
                          int64_t K1, int32_t M0, int32_t N0, int32_t K0,
                          uint32_t flags) {
  if (!validM0(M0) || N0 != QRT_UKERNEL_F32_N0 || K0 != QRT_UKERNEL_F32_K0 ||
      M1 < 0 || N1 < 0 || K1 < 0)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M1 == 0 || N1 == 0)
    return QRT_UKERNEL_OK;
  if (!out || (K1 > 0 && (!lhs || !rhs)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(mmt4dF32, lhs, lhs_stride0, rhs, rhs_stride0, out, out_stride0,
               M1, N1, K1, M0, flags);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_pack_x8(const void *src, int64_t src_stride, int64_t rows,
                        int64_t cols, void *dst, int64_t dst_stride0,
                        int32_t R0, int32_t C0, uint32_t flags) {
  if (rows < 0 || cols < 0 || R0 <= 0 || C0 <= 0 ||
      ((rows > 0 && cols > 0) && (!src || !dst)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if ((flags & QRT_UKERNEL_PACK_TRANSPOSE) && R0 == 16 && C0 == 4) {
    // The RHS of the u8 GEMMs from [K][N] (e.g. NCHW activations).
    QRT_DISPATCH(packX8Transposed16x4, static_cast<const uint8_t *>(src),
                 src_stride, rows, cols, static_cast<uint8_t *>(dst),
                 dst_stride0);
    return QRT_UKERNEL_OK;
  }
  packTiles(static_cast<const uint8_t *>(src), src_stride, rows, cols,
            static_cast<uint8_t *>(dst), dst_stride0, R0, C0,
            flags & QRT_UKERNEL_PACK_TRANSPOSE);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_pack_f32(const float *src, int64_t src_stride, int64_t rows,
                         int64_t cols, float *dst, int64_t dst_stride0,
                         int32_t R0, int32_t C0, uint32_t flags) {
  if (rows < 0 || cols < 0 || R0 <= 0 || C0 <= 0 ||
      ((rows > 0 && cols > 0) && (!src || !dst)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  packTiles(src, src_stride, rows, cols, dst, dst_stride0, R0, C0,
            flags & QRT_UKERNEL_PACK_TRANSPOSE);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_unpack_s32(const int32_t *src, int64_t src_stride0,
                           int32_t *dst, int64_t dst_stride, int64_t rows,
                           int64_t cols, int32_t M0, int32_t N0) {
  if (rows < 0 || cols < 0 || M0 <= 0 || N0 <= 0 ||
      ((rows > 0 && cols > 0) && (!src || !dst)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  unpackTiles(src, src_stride0, dst, dst_stride, rows, cols, M0, N0);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_unpack_f32(const float *src, int64_t src_stride0, float *dst,
                           int64_t dst_stride, int64_t rows, int64_t cols,
                           int32_t M0, int32_t N0) {
  if (rows < 0 || cols < 0 || M0 <= 0 || N0 <= 0 ||
      ((rows > 0 && cols > 0) && (!src || !dst)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  unpackTiles(src, src_stride0, dst, dst_stride, rows, cols, M0, N0);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_rowsum_s8(const int8_t *w, int64_t w_stride, int64_t N,
                          int64_t K, int32_t *colsum) {
  if (N < 0 || K < 0 || (N > 0 && (!colsum || (K > 0 && !w))))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  rowSumS8(w, w_stride, N, K, colsum);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_pack_im2col_u8(const uint8_t *x, int64_t C, int64_t H,
                               int64_t W, int32_t KH, int32_t KW, int64_t OH,
                               int64_t OW, int32_t stride_h, int32_t stride_w,
                               int32_t dilation_h, int32_t dilation_w,
                               int32_t pad_top, int32_t pad_left,
                               int32_t zero_point, int64_t p_begin,
                               int64_t p_end, uint8_t *dst,
                               int64_t dst_stride0, int32_t N0, int32_t K0) {
  ConvGeom g;
  if (!validConv(C, H, W, KH, KW, OH, OW, stride_h, stride_w, dilation_h,
                 dilation_w, pad_top, pad_left, g) ||
      N0 != QRT_UKERNEL_S8U8S32_N0 || K0 != QRT_UKERNEL_S8U8S32_K0 ||
      zero_point < 0 || zero_point > 255 || p_begin < 0 || p_end < p_begin ||
      p_end > OH * OW)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (p_begin == p_end || C == 0)
    return QRT_UKERNEL_OK;
  if (!x || !dst)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(packIm2colU8, x, g, static_cast<uint8_t>(zero_point), p_begin,
               p_end, dst, dst_stride0);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_conv2d_im2col_s8u8s32(
    const int8_t *lhs, int64_t lhs_stride0, int64_t M1, int64_t K1, int32_t M0,
    const uint8_t *x, int64_t C, int64_t H, int64_t W, int32_t KH, int32_t KW,
    int64_t OH, int64_t OW, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t zero_point, int64_t p_begin, int64_t p_end, int32_t *out,
    int64_t out_stride0, uint32_t flags) {
  ConvGeom g;
  if (!validConv(C, H, W, KH, KW, OH, OW, stride_h, stride_w, dilation_h,
                 dilation_w, pad_top, pad_left, g) ||
      !validM0(M0) || M1 < 0 || K1 != (g.kTotal() + 3) / 4 || zero_point < 0 ||
      zero_point > 255 || p_begin < 0 || p_end < p_begin || p_end > OH * OW)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (p_begin == p_end || M1 == 0)
    return QRT_UKERNEL_OK;
  if (!out || (K1 > 0 && (!lhs || !x)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  // Chunks of pixel tiles whose packed columns fit in L2 with room for the
  // LHS and the accumulators: each chunk is packed, then multiplied while
  // it is still there.
  constexpr int64_t kChunkBytes = 192 << 10;
  const int64_t tileBytes = std::max<int64_t>(K1 * 64, 1);
  const int64_t chunkTiles = std::max<int64_t>(1, kChunkBytes / tileBytes);
  thread_local std::vector<uint8_t> scratch;
  if (scratch.size() < size_t(chunkTiles * tileBytes))
    scratch.resize(chunkTiles * tileBytes);
  const int64_t n1 = (p_end - p_begin + 15) / 16;
  const uint8_t zp = static_cast<uint8_t>(zero_point);
  for (int64_t t0 = 0; t0 < n1; t0 += chunkTiles) {
    int64_t tiles = std::min(chunkTiles, n1 - t0);
    int64_t pb = p_begin + 16 * t0, pe = std::min(p_end, pb + 16 * tiles);
    QRT_DISPATCH(packIm2colU8, x, g, zp, pb, pe, scratch.data(), tileBytes);
    QRT_DISPATCH(mmt4dS8U8S32, lhs, lhs_stride0, scratch.data(), tileBytes,
                 out + t0 * M0 * 16, out_stride0, M1, tiles, K1, M0, flags);
  }
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_conv2d_direct_s8u8s32(
    const int8_t *lhs, int64_t lhs_stride0, int64_t M1, int32_t M0,
    const uint8_t *x, int64_t C, int64_t H, int64_t W, int32_t KH, int32_t KW,
    int64_t OH, int64_t OW, int32_t stride_h, int32_t dilation_h,
    int32_t dilation_w, int64_t p_begin, int64_t p_end, int32_t *out,
    int64_t out_stride0, uint32_t flags) {
  ConvGeom g;
  if (!validConv(C, H, W, KH, KW, OH, OW, stride_h, 1, dilation_h, dilation_w,
                 0, 0, g) ||
      (M0 != 8 && M0 != 16) || M1 < 0 || C % 4 != 0 || OW % 16 != 0 ||
      p_begin < 0 || p_end < p_begin || p_end > OH * OW || p_begin % 16 ||
      (p_end % 16 && p_end != OH * OW))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (p_begin == p_end || M1 == 0)
    return QRT_UKERNEL_OK;
  if ((OH - 1) * stride_h + int64_t(KH - 1) * dilation_h >= H ||
      OW - 1 + int64_t(KW - 1) * dilation_w >= W || !out || !x ||
      (C > 0 && !lhs))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(convDirectS8U8S32, lhs, lhs_stride0, M1, M0, x, g, p_begin,
               p_end, out, out_stride0, flags);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_pack_im2col_f32(const float *x, int64_t C, int64_t H,
                                int64_t W, int32_t KH, int32_t KW, int64_t OH,
                                int64_t OW, int32_t stride_h, int32_t stride_w,
                                int32_t dilation_h, int32_t dilation_w,
                                int32_t pad_top, int32_t pad_left,
                                float pad_value, int64_t p_begin, int64_t p_end,
                                float *dst, int64_t dst_stride0, int32_t N0,
                                int32_t K0) {
  ConvGeom g;
  if (!validConv(C, H, W, KH, KW, OH, OW, stride_h, stride_w, dilation_h,
                 dilation_w, pad_top, pad_left, g) ||
      N0 != QRT_UKERNEL_F32_N0 || K0 != QRT_UKERNEL_F32_K0 || p_begin < 0 ||
      p_end < p_begin || p_end > OH * OW)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (p_begin == p_end || C == 0)
    return QRT_UKERNEL_OK;
  if (!x || !dst)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(packIm2colF32, x, g, pad_value, p_begin, p_end, dst,
               dst_stride0);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_unpack_requant_s32_f32(const int32_t *acc, int64_t acc_stride0,
                                       float *out, int64_t out_stride,
                                       int64_t M, int64_t N, int32_t M0,
                                       int32_t N0, int32_t zp_a,
                                       const int32_t *wsum, float scale_a,
                                       const float *scale_w,
                                       const float *bias) {
  if (M < 0 || N < 0 || !validM0(M0) || N0 != 16)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || N == 0)
    return QRT_UKERNEL_OK;
  if (!acc || !out || !scale_w)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(unpackRequantS32F32, acc, acc_stride0, out, out_stride, M, N,
               M0, zp_a, wsum, scale_a, scale_w, bias);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_unpack_requant_s32_u8(const int32_t *acc, int64_t acc_stride0,
                                      uint8_t *out, int64_t out_stride,
                                      int64_t M, int64_t N, int32_t M0,
                                      int32_t N0, int32_t zp_a,
                                      const int32_t *wsum, float scale_a,
                                      const float *scale_w, const float *bias,
                                      float scale_y, int32_t zp_y) {
  if (M < 0 || N < 0 || !validM0(M0) || N0 != 16)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || N == 0)
    return QRT_UKERNEL_OK;
  if (!acc || !out || !scale_w)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(unpackRequantS32U8, acc, acc_stride0, out, out_stride, M, N, M0,
               zp_a, wsum, scale_a, scale_w, bias, scale_y, zp_y);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_unpack_requant_s32_s8(const int32_t *acc, int64_t acc_stride0,
                                      int8_t *out, int64_t out_stride,
                                      int64_t M, int64_t N, int32_t M0,
                                      int32_t N0, int32_t zp_a,
                                      const int32_t *wsum, float scale_a,
                                      const float *scale_w, const float *bias,
                                      float scale_y, int32_t zp_y) {
  if (M < 0 || N < 0 || !validM0(M0) || N0 != 16)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || N == 0)
    return QRT_UKERNEL_OK;
  if (!acc || !out || !scale_w)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(unpackRequantS32S8, acc, acc_stride0, out, out_stride, M, N, M0,
               zp_a, wsum, scale_a, scale_w, bias, scale_y, zp_y);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_unpack_bias_f32(const float *acc, int64_t acc_stride0,
                                float *out, int64_t out_stride, int64_t M,
                                int64_t N, int32_t M0, int32_t N0,
                                const float *bias) {
  if (M < 0 || N < 0 || !validM0(M0) || N0 != 16)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || N == 0)
    return QRT_UKERNEL_OK;
  if (!acc || !out)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(unpackBiasF32, acc, acc_stride0, out, out_stride, M, N, M0,
               bias);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_dwconv2d_f32(const float *x, int64_t H, int64_t W,
                             const float *w, int32_t KH, int32_t KW,
                             const float *bias, float *out, int64_t OH,
                             int64_t OW, int32_t stride_h, int32_t stride_w,
                             int32_t dilation_h, int32_t dilation_w,
                             int32_t pad_top, int32_t pad_left, int64_t c_begin,
                             int64_t c_end) {
  ConvGeom g;
  if (!validConv(0, H, W, KH, KW, OH, OW, stride_h, stride_w, dilation_h,
                 dilation_w, pad_top, pad_left, g) ||
      c_begin < 0 || c_end < c_begin)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (c_begin == c_end || OH == 0 || OW == 0)
    return QRT_UKERNEL_OK;
  if (!out || !w || (H > 0 && W > 0 && !x))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(dwconvF32, x, w, bias, out, g, c_begin, c_end);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_dwconv2d_acc_f32(const float *x, int64_t H, int64_t W,
                                 const float *w, int32_t KH, int32_t KW,
                                 float *out, int64_t OH, int64_t OW,
                                 int32_t stride_h, int32_t stride_w,
                                 int32_t dilation_h, int32_t dilation_w,
                                 int64_t c_begin, int64_t c_end) {
  ConvGeom g;
  int status =
      checkDepthwiseAcc(x, H, W, w, KH, KW, out, OH, OW, stride_h, stride_w,
                        dilation_h, dilation_w, c_begin, c_end, g);
  if (status != QRT_UKERNEL_OK)
    return status < 0 ? QRT_UKERNEL_OK : status;
  QRT_DISPATCH(dwconvAccF32, x, w, out, g, c_begin, c_end);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_dwconv2d_acc_u8s8s32(const uint8_t *x, int64_t H, int64_t W,
                                     const int8_t *w, int32_t KH, int32_t KW,
                                     int32_t *out, int64_t OH, int64_t OW,
                                     int32_t stride_h, int32_t stride_w,
                                     int32_t dilation_h, int32_t dilation_w,
                                     int64_t c_begin, int64_t c_end,
                                     uint32_t flags) {
  ConvGeom g;
  if (flags & ~QRT_UKERNEL_FLAG_ACCUMULATE)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  int status =
      checkDepthwiseAcc(x, H, W, w, KH, KW, out, OH, OW, stride_h, stride_w,
                        dilation_h, dilation_w, c_begin, c_end, g);
  if (status != QRT_UKERNEL_OK)
    return status < 0 ? QRT_UKERNEL_OK : status;
  bool accumulate = flags & QRT_UKERNEL_FLAG_ACCUMULATE;
  if (hasAvx512Vbmi())
    avx512::dwconvAccU8S8S32(x, w, out, g, c_begin, c_end, accumulate);
  else
    scalar::dwconvAccU8S8S32(x, w, out, g, c_begin, c_end, accumulate);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_dwconv2d_u8s8_f32(const uint8_t *x, int64_t H, int64_t W,
                                  int32_t zp_x, const int8_t *w, int32_t KH,
                                  int32_t KW, float *out, int64_t OH,
                                  int64_t OW, int32_t stride_h,
                                  int32_t stride_w, int32_t dilation_h,
                                  int32_t dilation_w, int32_t pad_top,
                                  int32_t pad_left, int64_t c_begin,
                                  int64_t c_end, float scale_x,
                                  const float *scale_w, const float *bias) {
  ConvGeom g;
  if (!validConv(0, H, W, KH, KW, OH, OW, stride_h, stride_w, dilation_h,
                 dilation_w, pad_top, pad_left, g) ||
      c_begin < 0 || c_end < c_begin || zp_x < 0 || zp_x > 255)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (c_begin == c_end || OH == 0 || OW == 0)
    return QRT_UKERNEL_OK;
  if (!out || !w || !scale_w || (H > 0 && W > 0 && !x))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(dwconvU8S8F32, x, zp_x, w, out, g, c_begin, c_end, scale_x,
               scale_w, bias);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_dwconv2d_u8s8_u8(const uint8_t *x, int64_t H, int64_t W,
                                 int32_t zp_x, const int8_t *w, int32_t KH,
                                 int32_t KW, uint8_t *out, int64_t OH,
                                 int64_t OW, int32_t stride_h, int32_t stride_w,
                                 int32_t dilation_h, int32_t dilation_w,
                                 int32_t pad_top, int32_t pad_left,
                                 int64_t c_begin, int64_t c_end, float scale_x,
                                 const float *scale_w, const float *bias,
                                 float scale_y, int32_t zp_y) {
  ConvGeom g;
  if (!validConv(0, H, W, KH, KW, OH, OW, stride_h, stride_w, dilation_h,
                 dilation_w, pad_top, pad_left, g) ||
      c_begin < 0 || c_end < c_begin || zp_x < 0 || zp_x > 255)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (c_begin == c_end || OH == 0 || OW == 0)
    return QRT_UKERNEL_OK;
  if (!out || !w || !scale_w || (H > 0 && W > 0 && !x))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(dwconvU8S8U8, x, zp_x, w, out, g, c_begin, c_end, scale_x,
               scale_w, bias, scale_y, zp_y);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_requant_s32_f32(const int32_t *acc, int64_t acc_stride,
                                float *out, int64_t out_stride, int64_t M,
                                int64_t N, int32_t zp_a,
                                const int32_t *colsum_w, float scale_a,
                                const float *scale_w, const float *bias) {
  if (M < 0 || N < 0)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || N == 0)
    return QRT_UKERNEL_OK;
  if (!acc || !out || !scale_w)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(requantS32F32, acc, acc_stride, out, out_stride, M, N, zp_a,
               colsum_w, scale_a, scale_w, bias);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_requant_s32_u8(const int32_t *acc, int64_t acc_stride,
                               uint8_t *out, int64_t out_stride, int64_t M,
                               int64_t N, int32_t zp_a, const int32_t *colsum_w,
                               float scale_a, const float *scale_w,
                               const float *bias, float scale_y, int32_t zp_y) {
  if (M < 0 || N < 0)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || N == 0)
    return QRT_UKERNEL_OK;
  if (!acc || !out || !scale_w)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(requantS32U8, acc, acc_stride, out, out_stride, M, N, zp_a,
               colsum_w, scale_a, scale_w, bias, scale_y, zp_y);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_requant_s32_s8(const int32_t *acc, int64_t acc_stride,
                               int8_t *out, int64_t out_stride, int64_t M,
                               int64_t N, int32_t zp_a, const int32_t *colsum_w,
                               float scale_a, const float *scale_w,
                               const float *bias, float scale_y, int32_t zp_y) {
  if (M < 0 || N < 0)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || N == 0)
    return QRT_UKERNEL_OK;
  if (!acc || !out || !scale_w)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(requantS32S8, acc, acc_stride, out, out_stride, M, N, zp_a,
               colsum_w, scale_a, scale_w, bias, scale_y, zp_y);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_quantize_f32_u8(const float *x, uint8_t *y, int64_t n,
                                float scale, int32_t zp) {
  if (n < 0 || (n > 0 && (!x || !y)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(quantizeF32U8, x, y, n, scale, zp);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_quantize_f32_s8(const float *x, int8_t *y, int64_t n,
                                float scale, int32_t zp) {
  if (n < 0 || (n > 0 && (!x || !y)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(quantizeF32S8, x, y, n, scale, zp);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_dequantize_u8_f32(const uint8_t *x, int64_t x_stride, float *y,
                                  int64_t y_stride, int64_t rows, int64_t cols,
                                  const float *scale, const int32_t *zp,
                                  int32_t axis) {
  if (rows < 0 || cols < 0 ||
      (axis != QRT_UKERNEL_PER_TENSOR && axis != QRT_UKERNEL_PER_ROW &&
       axis != QRT_UKERNEL_PER_COL))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (rows == 0 || cols == 0)
    return QRT_UKERNEL_OK;
  if (!x || !y || !scale)
    return QRT_UKERNEL_INVALID_ARGUMENT;
  QRT_DISPATCH(dequantizeU8F32, x, x_stride, y, y_stride, rows, cols, scale, zp,
               axis);
  return QRT_UKERNEL_OK;
}

int64_t qrt_ukernel_pack_w4_size(int64_t N, int64_t K, int32_t group_size,
                                 uint32_t flags) {
  if (N < 0 || K < 0 || !validW4Group(group_size))
    return -1;
  return W4Layout(N, K, group_size, flags).totalBytes();
}

int qrt_ukernel_pack_w4(void *dst, const uint8_t *w, const float *scales,
                        const uint8_t *zero_points, int64_t N, int64_t K,
                        int32_t group_size, uint32_t flags) {
  if (N < 0 || K < 0 || !validW4Group(group_size) || !dst ||
      (N > 0 && K > 0 && (!w || !scales)) ||
      ((flags & QRT_UKERNEL_W4_ZERO_POINTS) && N > 0 && K > 0 &&
       !zero_points) ||
      ((flags & QRT_UKERNEL_W4_SRC_MATMULNBITS) && group_size % 2))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  packW4(dst, w, scales, zero_points, W4Layout(N, K, group_size, flags), flags);
  return QRT_UKERNEL_OK;
}

int qrt_ukernel_gemv_w4_f32(const void *packed, int64_t N, int64_t K,
                            int32_t group_size, uint32_t flags, const float *x,
                            int64_t x_stride, float *y, int64_t y_stride,
                            int64_t M, int64_t n_begin, int64_t n_end) {
  const int64_t rows = W4Layout::kRows;
  if (N < 0 || K < 0 || M < 0 || !validW4Group(group_size) || n_begin < 0 ||
      n_end > N || n_begin > n_end || n_begin % rows ||
      (n_end % rows && n_end != N))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M == 0 || n_begin == n_end)
    return QRT_UKERNEL_OK;
  if (!packed || !y || (K > 0 && !x))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  W4Layout layout(N, K, group_size, flags);
  // Groups of 128k: the vpdpbusd kernel (x in 16-bit fixed point per block
  // of 128), unless x holds an inf or a NaN.
  if (group_size % W4Layout::kBlockK == 0 && hasAvx512() &&
      avx512x16::gemvW4F32(packed, layout, flags, x, x_stride, y, y_stride, M,
                           n_begin, n_end))
    return QRT_UKERNEL_OK;
  QRT_DISPATCH(gemvW4F32, packed, layout, flags, x, x_stride, y, y_stride, M,
               n_begin, n_end);
  return QRT_UKERNEL_OK;
}

} // extern "C"

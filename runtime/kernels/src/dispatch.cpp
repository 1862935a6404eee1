//===- dispatch.cpp - the C entry points: checks, then AVX-512 or scalar --===//
//
// Each entry point validates its arguments and calls the AVX-512
// implementation when the CPU has AVX-512 F/BW/VL/VNNI and FMA, else the
// scalar one. The check is __builtin_cpu_supports, which reads the
// compiler runtime's CPU model (filled once at load); no state of our own.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

namespace qrt::kernels {

template <typename T>
void packTiles(const T *src, int64_t srcStride, int64_t rows, int64_t cols,
               T *dst, int64_t dstStride0, int r0, int c0, bool transpose);
template <typename T>
void unpackTiles(const T *src, int64_t srcStride0, T *dst, int64_t dstStride,
                 int64_t rows, int64_t cols, int m0, int n0);
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

} // namespace qrt::kernels

using namespace qrt::kernels;

namespace {

bool validM0(int32_t m0) {
  return m0 == 1 || m0 == 2 || m0 == 4 || m0 == 8 || m0 == 16;
}

bool validW4Group(int64_t g) {
  return g == 16 || g == 32 || g == 64 || (g > 0 && g % 128 == 0);
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
  QRT_DISPATCH(gemvW4F32, packed, layout, flags, x, x_stride, y, y_stride, M,
               n_begin, n_end);
  return QRT_UKERNEL_OK;
}

} // extern "C"

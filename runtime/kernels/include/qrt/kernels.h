/*===- kernels.h - quantc runtime microkernels
 *------------------------------===*
 *
 * Hand-written microkernels that compiled models (and the runtime) call for
 * the innermost tiles of GEMMs and convolutions, the packing that feeds them,
 * and the quantization epilogues. Plain C ABI, no hidden state: every call
 * gets all it needs through its arguments. Each function picks an AVX-512
 * implementation (AVX-512 F/BW/VL + VNNI, what Zen 4 has) when the CPU has
 * it, else a portable scalar one with identical results (bit-exact for the
 * integer paths; the float paths differ only by summation order).
 *
 * See docs/kernels.md for the layouts, the tile sizes and the measurements.
 *
 * Conventions
 *   - Sizes and strides are in elements, int64_t. Pointers need no alignment.
 *   - Functions returning int return QRT_UKERNEL_OK (0) or
 *     QRT_UKERNEL_INVALID_ARGUMENT (1) for unsupported tile sizes, null
 *     pointers or negative sizes; nothing is written then.
 *   - mmt4d layouts (as linalg.mmt4d):
 *       LHS[M1][K1][M0][K0], RHS[N1][K1][N0][K0], OUT[M1][N1][M0][N0]
 *       OUT[m1][n1][m0][n0] (+)= sum_{k1,k0} LHS[m1][k1][m0][k0] *
 *                                            RHS[n1][k1][n0][k0]
 *     lhs_stride0 / rhs_stride0 / out_stride0 are the distances between
 *     consecutive m1 / n1 / m1 tiles (K1*M0*K0, K1*N0*K0, N1*M0*N0 when
 *     dense). Within a tile row the data is dense.
 *===----------------------------------------------------------------------===*/

#ifndef QRT_KERNELS_H
#define QRT_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
  QRT_UKERNEL_OK = 0,
  QRT_UKERNEL_INVALID_ARGUMENT = 1,
};

/* Flags of the mmt4d and GEMV kernels. */
enum {
  /* OUT += LHS*RHS instead of OUT = LHS*RHS. */
  QRT_UKERNEL_FLAG_ACCUMULATE = 1u << 0,
};

/* Tile sizes. N0 and K0 are fixed per kernel; M0 may be any of 1, 2, 4, 8,
 * 16 (16 for GEMM; the small ones for few rows, e.g. decode-time matmuls). */
enum {
  QRT_UKERNEL_U8S8S32_M0 = 16,
  QRT_UKERNEL_U8S8S32_N0 = 16,
  QRT_UKERNEL_U8S8S32_K0 = 4,
  QRT_UKERNEL_F32_M0 = 16,
  QRT_UKERNEL_F32_N0 = 16,
  QRT_UKERNEL_F32_K0 = 1,
  /* s8 (LHS, weights) x u8 (RHS, activations): output rows are weight rows
   * (output channels), columns are pixels (NCHW). */
  QRT_UKERNEL_S8U8S32_M0 = 16,
  QRT_UKERNEL_S8U8S32_N0 = 16,
  QRT_UKERNEL_S8U8S32_K0 = 4,
};

/*===--- GEMM tile loops
 * ----------------------------------------------------===*/

/* int8 GEMM, u8 (LHS, activations) x s8 (RHS, weights) -> s32, with
 * vpdpbusd. N0 = 16, K0 = 4, M0 in {1, 2, 4, 8, 16}. Exact (wrapping) s32
 * arithmetic; no overflow as long as K < 65793 (255 * 128 * K < 2^31).
 * s8 activations: add 128 (xor 0x80) when packing and fold 128 into the
 * activation zero point; see qrt_ukernel_requant_s32_f32. */
int qrt_ukernel_mmt4d_u8s8s32(const uint8_t *lhs, int64_t lhs_stride0,
                              const int8_t *rhs, int64_t rhs_stride0,
                              int32_t *out, int64_t out_stride0, int64_t M1,
                              int64_t N1, int64_t K1, int32_t M0, int32_t N0,
                              int32_t K0, uint32_t flags);

/* int8 GEMM with the operands swapped: s8 LHS (weights W[M][K], M = output
 * channels) x u8 RHS (activations / im2col columns Col[K][N], N = pixels)
 * -> s32, with vpdpbusd (the RHS tile is the u8 vector operand, each 4-byte
 * group of LHS the broadcast s8 operand). OUT[M][N] = W * Col is the NCHW
 * result: unpack it with qrt_ukernel_unpack_requant_s32_f32 / _u8 / _s8.
 * Same tile loop, layouts, flags and exactness as qrt_ukernel_mmt4d_u8s8s32;
 * N0 = 16, K0 = 4, M0 in {1, 2, 4, 8, 16} (16 for convolutions). s8
 * activations: xor 0x80 when packing, zero point + 128. */
int qrt_ukernel_mmt4d_s8u8s32(const int8_t *lhs, int64_t lhs_stride0,
                              const uint8_t *rhs, int64_t rhs_stride0,
                              int32_t *out, int64_t out_stride0, int64_t M1,
                              int64_t N1, int64_t K1, int32_t M0, int32_t N0,
                              int32_t K0, uint32_t flags);

/* f32 GEMM with FMA. N0 = 16, K0 = 1, M0 in {1, 2, 4, 8, 16}. */
int qrt_ukernel_mmt4d_f32(const float *lhs, int64_t lhs_stride0,
                          const float *rhs, int64_t rhs_stride0, float *out,
                          int64_t out_stride0, int64_t M1, int64_t N1,
                          int64_t K1, int32_t M0, int32_t N0, int32_t K0,
                          uint32_t flags);

/* f32 GEMM with one operand held as packed 2- or 4-bit weights (W4A16 /
 * W2A16 convolutions and matrix products whose weights are not the small
 * GEMV's): the same tiles and loops as qrt_ukernel_mmt4d_f32 (N0 = 16,
 * K0 = 1, M0 in {1, 2, 4, 8, 16}), but the weight operand -- the LHS with
 * QRT_UKERNEL_WQ_LHS (convolutions: weight rows are output channels), else
 * the RHS -- is
 *   packed:  [R1][K1][2 * bits bytes], stride0 in bytes (2 * bits * K1 when
 *            dense): the 16 rows of tile (r1, k) as unsigned `bits`-bit
 *            values, row j in bits [bits*j, bits*j + bits) of the
 *            little-endian 64-bit (4-bit) or 32-bit (2-bit) word;
 *   scales, zeros: [R1][ceil(K1 / group)][16] f32, params_stride0 floats
 *            between consecutive r1 (both arrays);
 * and its element (r, k) is (float)(q - zeros[r1][k / group][r0]) *
 * scales[..] (padding rows: scale 0). The kernel dequantizes a block of
 * weight tiles into per-thread scratch memory (L2-sized) and multiplies it
 * with the f32 tile loop, so a weight is decoded once per call however many
 * activation tiles it meets. With the weights as the LHS, M0 must be 16;
 * as the RHS, N0 is 16. */
enum {
  /* The LHS is the packed weight operand (default: the RHS). */
  QRT_UKERNEL_WQ_LHS = 1u << 10,
};
int qrt_ukernel_mmt4d_f32_wq(const void *lhs, int64_t lhs_stride0,
                             const void *rhs, int64_t rhs_stride0, float *out,
                             int64_t out_stride0, int64_t M1, int64_t N1,
                             int64_t K1, int32_t M0, int32_t N0, int32_t K0,
                             uint32_t flags, const float *scales,
                             const float *zeros, int64_t params_stride0,
                             int64_t group, int32_t bits);

/*===--- Packing
 * ------------------------------------------------------------===*/

enum {
  /* The source is stored transposed: element (r, c) is at src[c * stride +
   * r] (e.g. an ONNX MatMul weight B[K][N] packed as the RHS). */
  QRT_UKERNEL_PACK_TRANSPOSE = 1u << 0,
};

/* Packs a rows x cols matrix of 1-byte elements (u8 or s8; element (r, c) at
 * src[r * src_stride + c]) into [ceil(rows/R0)][ceil(cols/C0)][R0][C0] with
 * dst_stride0 elements between consecutive outer rows, padding partial tiles
 * with zeros. LHS: rows = M, cols = K, (R0, C0) = (M0, K0); RHS from [N][K]:
 * rows = N, cols = K, (R0, C0) = (N0, K0); RHS from [K][N]: the same with
 * QRT_UKERNEL_PACK_TRANSPOSE and src_stride = N. */
int qrt_ukernel_pack_x8(const void *src, int64_t src_stride, int64_t rows,
                        int64_t cols, void *dst, int64_t dst_stride0,
                        int32_t R0, int32_t C0, uint32_t flags);

/* The same for f32 elements. */
int qrt_ukernel_pack_f32(const float *src, int64_t src_stride, int64_t rows,
                         int64_t cols, float *dst, int64_t dst_stride0,
                         int32_t R0, int32_t C0, uint32_t flags);

/* Unpacks an mmt4d result OUT[M1][N1][M0][N0] (src_stride0 between m1 tiles)
 * into a row-major rows x cols matrix (dst_stride per row), dropping the
 * padding. */
int qrt_ukernel_unpack_s32(const int32_t *src, int64_t src_stride0,
                           int32_t *dst, int64_t dst_stride, int64_t rows,
                           int64_t cols, int32_t M0, int32_t N0);
int qrt_ukernel_unpack_f32(const float *src, int64_t src_stride0, float *dst,
                           int64_t dst_stride, int64_t rows, int64_t cols,
                           int32_t M0, int32_t N0);

/* colsum[n] = sum_k W[n][k] for an s8 weight W[N][K] (row stride
 * w_stride), the zero-point correction of qrt_ukernel_requant_* (and, for
 * W[M][K] as the LHS of qrt_ukernel_mmt4d_s8u8s32, the wsum[m] of
 * qrt_ukernel_unpack_requant_*). */
int qrt_ukernel_rowsum_s8(const int8_t *w, int64_t w_stride, int64_t N,
                          int64_t K, int32_t *colsum);

/*===--- Convolutions as GEMMs on NCHW (im2col packing)
 * ---------------------===*
 *
 * Convolution geometry, shared by the im2col packs and the depthwise
 * kernels: input x[C][H][W] (dense, channel c at x + c*H*W), kernel
 * KH x KW, output OH x OW, strides (stride_h, stride_w) >= 1, dilations
 * (dilation_h, dilation_w) >= 1, top / left padding pad_top, pad_left >= 0
 * (the bottom / right padding follows from OH, OW). Output pixel
 * p = oh * OW + ow reads input (ih, iw) = (oh*stride_h - pad_top +
 * kh*dilation_h, ow*stride_w - pad_left + kw*dilation_w); positions outside
 * [0, H) x [0, W) read the padding value.
 *
 * The GEMM of a KHxKW convolution: OUT[Cout][P] = W[Cout][K] * Col[K][P],
 * K = C*KH*KW with k = (c*KH + kh)*KW + kw (the order of ONNX weights
 * [Cout][C][KH][KW]), P = OH*OW. */

/* Packs the im2col matrix Col[K][P] of an u8 NCHW input straight into the
 * RHS layout of qrt_ukernel_mmt4d_s8u8s32, [N1][K1][N0][K0] with
 * (N0, K0) = (16, 4), without materializing Col: the same bytes as
 * qrt_ukernel_pack_x8(Col, P, P, K, ..., 16, 4, QRT_UKERNEL_PACK_TRANSPOSE)
 * restricted to pixels [p_begin, p_end). Padding positions read zero_point
 * (0..255, the activation zero point, so they contribute nothing after the
 * epilogue's correction); rows k >= K and columns p >= p_end of partial
 * tiles are 0. dst receives ceil((p_end - p_begin) / 16) tiles, tile j
 * (pixels p_begin + 16j ...) at dst + j * dst_stride0; dense dst_stride0 =
 * K1*64. p_begin may be any pixel: threads or L2-sized chunks pack their
 * own column range. N0, K0 must be 16, 4. */
int qrt_ukernel_pack_im2col_u8(const uint8_t *x, int64_t C, int64_t H,
                               int64_t W, int32_t KH, int32_t KW, int64_t OH,
                               int64_t OW, int32_t stride_h, int32_t stride_w,
                               int32_t dilation_h, int32_t dilation_w,
                               int32_t pad_top, int32_t pad_left,
                               int32_t zero_point, int64_t p_begin,
                               int64_t p_end, uint8_t *dst,
                               int64_t dst_stride0, int32_t N0, int32_t K0);

/* A convolution's s8 x u8 GEMM with the im2col packing fused in: the same
 * result as qrt_ukernel_pack_im2col_u8 of pixels [p_begin, p_end) into a
 * buffer followed by qrt_ukernel_mmt4d_s8u8s32(lhs, lhs_stride0, buffer,
 * K1*64, out, out_stride0, M1, ceil((p_end - p_begin) / 16), K1, M0, 16, 4,
 * flags), but the columns are packed and multiplied in chunks that stay in
 * L2 (a per-thread scratch buffer), so the im2col matrix never goes to
 * memory. lhs: the packed weights [M1][K1][M0][4]; K1 = ceil(C*KH*KW / 4);
 * out: the accumulator tiles of pixel tile p_begin / 16 onwards,
 * [M1][.][M0][16] with out_stride0 between m1 rows. Geometry and padding as
 * qrt_ukernel_pack_im2col_u8. */
int qrt_ukernel_conv2d_im2col_s8u8s32(
    const int8_t *lhs, int64_t lhs_stride0, int64_t M1, int64_t K1, int32_t M0,
    const uint8_t *x, int64_t C, int64_t H, int64_t W, int32_t KH, int32_t KW,
    int64_t OH, int64_t OW, int32_t stride_h, int32_t stride_w,
    int32_t dilation_h, int32_t dilation_w, int32_t pad_top, int32_t pad_left,
    int32_t zero_point, int64_t p_begin, int64_t p_end, int32_t *out,
    int64_t out_stride0, uint32_t flags);

/* A convolution's s8 x u8 GEMM without im2col, for stride_w == 1,
 * OW % 16 == 0 and C % 4 == 0 (implicit GEMM): 16 consecutive pixels of an
 * output row read 16 consecutive input columns for every tap, so the input
 * rows a chunk of output rows needs are interleaved four channels per pixel
 * (NCHW4c, in an L2-sized per-thread scratch buffer) once, and each tap's
 * RHS tile is one 64-byte load from it. The weights are packed with the
 * taps outer: k = (kh*KW + kw)*C + c, LHS [M1][K1][M0][4] with
 * K1 = KH*KW*C/4, M0 8 or 16. x: the already padded input [C][H][W] (no
 * padding here), with (OH-1)*stride_h + (KH-1)*dilation_h < H and
 * OW - 1 + (KW-1)*dilation_w < W. Pixels [p_begin, p_end), both multiples
 * of 16 (or p_end = OH*OW); out, out_stride0 and flags as
 * qrt_ukernel_conv2d_im2col_s8u8s32: the same accumulators as that kernel
 * with the weights in im2col order. */
int qrt_ukernel_conv2d_direct_s8u8s32(
    const int8_t *lhs, int64_t lhs_stride0, int64_t M1, int32_t M0,
    const uint8_t *x, int64_t C, int64_t H, int64_t W, int32_t KH, int32_t KW,
    int64_t OH, int64_t OW, int32_t stride_h, int32_t dilation_h,
    int32_t dilation_w, int64_t p_begin, int64_t p_end, int32_t *out,
    int64_t out_stride0, uint32_t flags);

/* The same for f32 (the RHS of qrt_ukernel_mmt4d_f32): [N1][K][16], padding
 * value pad_value (normally 0), columns p >= p_end 0; dense dst_stride0 =
 * K*16. N0, K0 must be 16, 1. */
int qrt_ukernel_pack_im2col_f32(const float *x, int64_t C, int64_t H,
                                int64_t W, int32_t KH, int32_t KW, int64_t OH,
                                int64_t OW, int32_t stride_h, int32_t stride_w,
                                int32_t dilation_h, int32_t dilation_w,
                                int32_t pad_top, int32_t pad_left,
                                float pad_value, int64_t p_begin, int64_t p_end,
                                float *dst, int64_t dst_stride0, int32_t N0,
                                int32_t K0);

/*===--- Quantization epilogues
 * ---------------------------------------------===*/

/* Requantizes int32 accumulators of an u8 x s8 GEMM (row-major M x N):
 *   t = acc[m][n] - zp_a * colsum_w[n]                  (int32, wrapping)
 *   out[m][n] = fmaf((float)t, scale_a * scale_w[n], bias[n])
 * (one rounding for the multiply-add; scale_a * scale_w[n] is rounded to
 * f32 first). colsum_w == NULL means zp_a * colsum_w[n] == 0; bias == NULL
 * means 0. Weights are symmetric (zero point 0). For s8 activations packed
 * with +128, pass zp_a = their zero point + 128. */
int qrt_ukernel_requant_s32_f32(const int32_t *acc, int64_t acc_stride,
                                float *out, int64_t out_stride, int64_t M,
                                int64_t N, int32_t zp_a,
                                const int32_t *colsum_w, float scale_a,
                                const float *scale_w, const float *bias);

/* The same followed by quantization to u8 / s8 with (scale_y, zp_y) as in
 * qrt_ukernel_quantize_f32_u8: out = quantize(requant_f32(acc)). */
int qrt_ukernel_requant_s32_u8(const int32_t *acc, int64_t acc_stride,
                               uint8_t *out, int64_t out_stride, int64_t M,
                               int64_t N, int32_t zp_a, const int32_t *colsum_w,
                               float scale_a, const float *scale_w,
                               const float *bias, float scale_y, int32_t zp_y);
int qrt_ukernel_requant_s32_s8(const int32_t *acc, int64_t acc_stride,
                               int8_t *out, int64_t out_stride, int64_t M,
                               int64_t N, int32_t zp_a, const int32_t *colsum_w,
                               float scale_a, const float *scale_w,
                               const float *bias, float scale_y, int32_t zp_y);

/* Unpack + requantize for qrt_ukernel_mmt4d_s8u8s32 (output rows = output
 * channels, per-row parameters): acc[M1][N1][M0][N0] (acc_stride0 between
 * m1 tiles) into the row-major M x N out (out_stride per row, e.g. an NCHW
 * output with N = OH*OW), dropping the padding:
 *   t = acc[m][n] - zp_a * wsum[m]                      (int32, wrapping)
 *   out[m][n] = fmaf((float)t, scale_a * scale_w[m], bias[m])
 * bit-identical to qrt_ukernel_requant_s32_f32 with the roles of rows and
 * columns swapped. wsum[m] = sum_k W[m][k] (qrt_ukernel_rowsum_s8; NULL: 0),
 * bias NULL: 0. N0 must be 16, M0 any of 1, 2, 4, 8, 16. */
int qrt_ukernel_unpack_requant_s32_f32(const int32_t *acc, int64_t acc_stride0,
                                       float *out, int64_t out_stride,
                                       int64_t M, int64_t N, int32_t M0,
                                       int32_t N0, int32_t zp_a,
                                       const int32_t *wsum, float scale_a,
                                       const float *scale_w, const float *bias);

/* The same followed by quantization to u8 / s8 with (scale_y, zp_y) as in
 * qrt_ukernel_quantize_f32_u8 (the next layer's quantized NCHW input). */
int qrt_ukernel_unpack_requant_s32_u8(const int32_t *acc, int64_t acc_stride0,
                                      uint8_t *out, int64_t out_stride,
                                      int64_t M, int64_t N, int32_t M0,
                                      int32_t N0, int32_t zp_a,
                                      const int32_t *wsum, float scale_a,
                                      const float *scale_w, const float *bias,
                                      float scale_y, int32_t zp_y);
int qrt_ukernel_unpack_requant_s32_s8(const int32_t *acc, int64_t acc_stride0,
                                      int8_t *out, int64_t out_stride,
                                      int64_t M, int64_t N, int32_t M0,
                                      int32_t N0, int32_t zp_a,
                                      const int32_t *wsum, float scale_a,
                                      const float *scale_w, const float *bias,
                                      float scale_y, int32_t zp_y);

/* f32 counterpart for qrt_ukernel_mmt4d_f32 with weights as the LHS:
 * out[m][n] = acc[m][n] + bias[m] (bias NULL: a plain unpack), tiles
 * [M1][N1][M0][N0] into row-major M x N. N0 must be 16, M0 1..16 (power of
 * two). */
int qrt_ukernel_unpack_bias_f32(const float *acc, int64_t acc_stride0,
                                float *out, int64_t out_stride, int64_t M,
                                int64_t N, int32_t M0, int32_t N0,
                                const float *bias);

/*===--- Depthwise convolutions on NCHW
 * -------------------------------------===*/

/* Depthwise (groups = C, one filter per channel) 2-D convolution, f32:
 *   out[c][oh][ow] = bias[c] + sum_{kh,kw} w[c][kh][kw] * x[c][ih][iw]
 * with the geometry above (zero padding), x [C][H][W], w [C][KH][KW], bias
 * [C] or NULL, out [C][OH][OW] (dense). Only channels [c_begin, c_end) are
 * computed (pointers are not offset: threads pass the same arguments and
 * split the channel range). Fast paths: 3x3 and 5x5, strides 1 and 2,
 * dilation 1; any other geometry runs a slower general loop. Sums in
 * another order than a naive loop (f32 rounding differs). */
int qrt_ukernel_dwconv2d_f32(const float *x, int64_t H, int64_t W,
                             const float *w, int32_t KH, int32_t KW,
                             const float *bias, float *out, int64_t OH,
                             int64_t OW, int32_t stride_h, int32_t stride_w,
                             int32_t dilation_h, int32_t dilation_w,
                             int32_t pad_top, int32_t pad_left, int64_t c_begin,
                             int64_t c_end);

/* Depthwise convolution accumulating into `out`, f32, on an input whose
 * padding is already in place (no padding parameters):
 *   out[c][oh][ow] += x[c][oh*sh + kh*dh][ow*sw + kw*dw] * w[c][kh][kw]
 * for kh = 0..KH-1, then kw = 0..KW-1 (outer to inner), each product and
 * each sum rounded to f32 (no fused multiply-add): bit-identical to the
 * plain loop nest (c, oh, kh, kw, ow), which is how quantc's depthwise
 * generic computes (its init, e.g. the bias, is out's prior content).
 * x [C][H][W], w [C][KH][KW], out [C][OH][OW], all dense, with
 * (OH-1)*sh + (KH-1)*dh < H and (OW-1)*sw + (KW-1)*dw < W. Only channels
 * [c_begin, c_end) are computed (pointers are not offset). */
int qrt_ukernel_dwconv2d_acc_f32(const float *x, int64_t H, int64_t W,
                                 const float *w, int32_t KH, int32_t KW,
                                 float *out, int64_t OH, int64_t OW,
                                 int32_t stride_h, int32_t stride_w,
                                 int32_t dilation_h, int32_t dilation_w,
                                 int64_t c_begin, int64_t c_end);

/* Depthwise convolution into the int32 accumulators `out`, u8 x s8, exact
 * (wrapping int32 sums), on an input whose padding is already in place (it
 * holds the activation zero point, so that the requantization's
 * zp_x * sum(w) correction covers it):
 *   out[c][oh][ow] (+)= sum_{kh,kw} x[c][oh*sh + kh*dh][ow*sw + kw*dw] *
 *                                   w[c][kh][kw]
 * accumulating with QRT_UKERNEL_FLAG_ACCUMULATE in `flags`, overwriting
 * (no read of `out`) without it.
 * x [C][H][W] u8, w [C][KH][KW] s8, out [C][OH][OW] s32, all dense, with
 * the bounds and channel range of qrt_ukernel_dwconv2d_acc_f32. Runs on
 * VNNI with AVX512-VBMI for dilation_w 1, stride_w 1 or 2 and KW <= 8, on a
 * scalar loop otherwise; the results are the same. */
int qrt_ukernel_dwconv2d_acc_u8s8s32(const uint8_t *x, int64_t H, int64_t W,
                                     const int8_t *w, int32_t KH, int32_t KW,
                                     int32_t *out, int64_t OH, int64_t OW,
                                     int32_t stride_h, int32_t stride_w,
                                     int32_t dilation_h, int32_t dilation_w,
                                     int64_t c_begin, int64_t c_end,
                                     uint32_t flags);

/* Depthwise convolution, u8 activations (zero point zp_x, which padding
 * reads) x s8 per-channel weights, exact int32 accumulation, requantized as
 * qrt_ukernel_requant_s32_f32 with per-channel parameters:
 *   acc = sum_{kh,kw} w[c][kh][kw] * x[c][ih][iw]          (int32)
 *   t = acc - zp_x * sum_{kh,kw} w[c][kh][kw]              (int32, wrapping)
 *   out[c][oh][ow] = fmaf((float)t, scale_x * scale_w[c], bias[c])
 * bias NULL: 0. The _u8 variant then quantizes with (scale_y, zp_y) as
 * qrt_ukernel_quantize_f32_u8. Geometry and channel range as
 * qrt_ukernel_dwconv2d_f32. */
int qrt_ukernel_dwconv2d_u8s8_f32(const uint8_t *x, int64_t H, int64_t W,
                                  int32_t zp_x, const int8_t *w, int32_t KH,
                                  int32_t KW, float *out, int64_t OH,
                                  int64_t OW, int32_t stride_h,
                                  int32_t stride_w, int32_t dilation_h,
                                  int32_t dilation_w, int32_t pad_top,
                                  int32_t pad_left, int64_t c_begin,
                                  int64_t c_end, float scale_x,
                                  const float *scale_w, const float *bias);
int qrt_ukernel_dwconv2d_u8s8_u8(const uint8_t *x, int64_t H, int64_t W,
                                 int32_t zp_x, const int8_t *w, int32_t KH,
                                 int32_t KW, uint8_t *out, int64_t OH,
                                 int64_t OW, int32_t stride_h, int32_t stride_w,
                                 int32_t dilation_h, int32_t dilation_w,
                                 int32_t pad_top, int32_t pad_left,
                                 int64_t c_begin, int64_t c_end, float scale_x,
                                 const float *scale_w, const float *bias,
                                 float scale_y, int32_t zp_y);

/* Quantizes n floats as ONNX QuantizeLinear (and the reference evaluator):
 *   y = clamp(nearbyint(x / scale) + zp, qmin, qmax)
 * with an IEEE f32 division, round half to even, NaN -> clamp(zp),
 * +-inf -> qmax / qmin. [qmin, qmax] is [0, 255] for u8, [-128, 127] for
 * s8. */
int qrt_ukernel_quantize_f32_u8(const float *x, uint8_t *y, int64_t n,
                                float scale, int32_t zp);
int qrt_ukernel_quantize_f32_s8(const float *x, int8_t *y, int64_t n,
                                float scale, int32_t zp);

/* Where the parameters of a dequantization vary. */
enum {
  QRT_UKERNEL_PER_TENSOR = 0, /* scale[0], zp[0] */
  QRT_UKERNEL_PER_ROW = 1,    /* scale[r], zp[r] (e.g. NCHW channels) */
  QRT_UKERNEL_PER_COL = 2,    /* scale[c], zp[c] (e.g. NHWC channels) */
};

/* y[r][c] = (float)(x[r][c] - zp[i]) * scale[i] for a rows x cols u8
 * matrix, i chosen by `axis` (a QRT_UKERNEL_PER_* value); zp == NULL means
 * 0. Exactly the reference evaluator's dequantize. */
int qrt_ukernel_dequantize_u8_f32(const uint8_t *x, int64_t x_stride, float *y,
                                  int64_t y_stride, int64_t rows, int64_t cols,
                                  const float *scale, const int32_t *zp,
                                  int32_t axis);

/*===--- int4 weights x f32 activations (W4A16-style GEMV)
 * ------------------===*/

/* Packed layout (see docs/kernels.md), for N rows (output features) and K
 * columns (reduction), group size G in {16, 32, 64} or a multiple of 128:
 *   weights: [ceil(N/4)][ceil(K/128)][4][64 bytes]; in each 64-byte block
 *            the nibble at bits 4j..4j+3 of little-endian dword i (i < 16,
 *            j < 8) is the unsigned 4-bit weight of k = 128*kb + 16*j + i
 *   scales:  [ceil(N/4)][ceil(K/G)][4] f32
 *   zeros:   [ceil(N/4)][ceil(K/G)][4] f32 zero points, present with
 *            QRT_UKERNEL_W4_ZERO_POINTS only (else the zero point is 8)
 * each array starting at a multiple of 64 bytes. Padding rows and columns
 * hold nibble 0 with scale 0. Dequantized weight: (q - zero_point) * scale,
 * computed exactly so in f32. */
enum {
  /* Source format of qrt_ukernel_pack_w4 (default: one value per byte). */
  QRT_UKERNEL_W4_SRC_MATMULNBITS = 1u << 8,
  /* Zero points given (default: 8, i.e. symmetric int4 stored +8). Also a
   * flag of the packed buffer: pass the same flags to the GEMV. */
  QRT_UKERNEL_W4_ZERO_POINTS = 1u << 9,
};

/* Bytes of the packed buffer (a multiple of 64). */
int64_t qrt_ukernel_pack_w4_size(int64_t N, int64_t K, int32_t group_size,
                                 uint32_t flags);

/* Packs int4 weights. Source formats, Kb = ceil(K/G) groups per row:
 *   default:     w[N][K] one unsigned value (0..15) per byte (upper bits
 *                ignored); zero_points (if any) [N][Kb] one per byte
 *   MATMULNBITS: ONNX com.microsoft.MatMulNBits (bits = 4, block_size = G):
 *                w[N][Kb][G/2], two values per byte, the even k in the low
 *                nibble; zero_points (if any) [N][ceil(Kb/2)], two per byte,
 *                the even group in the low nibble
 *   scales:      [N][Kb] f32 in both.
 * `dst` must hold qrt_ukernel_pack_w4_size() bytes, 64-byte alignment
 * recommended. */
int qrt_ukernel_pack_w4(void *dst, const uint8_t *w, const float *scales,
                        const uint8_t *zero_points, int64_t N, int64_t K,
                        int32_t group_size, uint32_t flags);

/* y[m][n] (+)= sum_k x[m][k] * W[n][k], for m < M and n in [n_begin, n_end),
 * with W the dequantized packed weights. n_begin must be a multiple of 4
 * (n_end too, unless it is N), so threads can split N into 4-row blocks.
 * M in [1, 16] is efficient (weights are read once per 4 rows of x); larger
 * M works but re-reads the weights every 16 rows. x: [M][K] with row stride
 * x_stride, y: [M][N] with row stride y_stride. flags: those of the packed
 * buffer plus QRT_UKERNEL_FLAG_ACCUMULATE.
 * Accuracy: group sizes 16, 32 and 64 (and any x holding an inf, a NaN or
 * only values below ~4e-34 in a block of 128) multiply in f32. Groups of 128k on AVX-512 VNNI round x to 16-bit fixed
 * point per block of 128 consecutive k (error <= 2^-16 of the block's
 * max |x|) and multiply exactly in integers: 4x fewer instructions, so the
 * GEMV runs at the memory's speed. */
int qrt_ukernel_gemv_w4_f32(const void *packed, int64_t N, int64_t K,
                            int32_t group_size, uint32_t flags, const float *x,
                            int64_t x_stride, float *y, int64_t y_stride,
                            int64_t M, int64_t n_begin, int64_t n_end);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QRT_KERNELS_H */

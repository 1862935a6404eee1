//===- DataTiling.h - helpers of the data-tiled lowerings -------*- C++ -*-===//
//
// Shared by the f32 (DataTiling.cpp) and W8A8 (QuantizedDataTiling.cpp)
// contractions lowered to packed GEMMs in linalg.mmt4d's layout.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_CONVERSION_QCTOLINALG_DATATILING_H
#define QUANTC_CONVERSION_QCTOLINALG_DATATILING_H

#include "Lowering.h"

#include "qc/QCShapeUtils.h"
#include "quantc/Support/Constants.h"

namespace mlir::qc::lowering::tiling {

static constexpr int64_t kTile = 16; // M0 = N0 of the microkernels

/// Packs a constant row-major [rows][K] matrix (or [K][rows] when
/// `transposed`) into [ceil(rows/r0)][ceil(K/k0)][r0][k0], zero-padded.
/// `T` is float (f32 tiles) or int8_t (s8 tiles).
template <typename T, typename Src>
inline Value packConstantRows(OpBuilder &b, Location loc, ArrayRef<Src> data,
                              int64_t rows, int64_t k, bool transposed,
                              int64_t k0, Type elem, StringRef name,
                              int64_t r0 = kTile) {
  int64_t r1 = (rows + r0 - 1) / r0, k1 = (k + k0 - 1) / k0;
  std::vector<T> packed(r1 * k1 * r0 * k0, T(0));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t kk = 0; kk < k; ++kk)
      packed[(((r / r0) * k1 + kk / k0) * r0 + r % r0) * k0 + kk % k0] =
          (T)(transposed ? data[kk * rows + r] : data[r * k + kk]);
  auto type = RankedTensorType::get({r1, k1, r0, k0}, elem);
  ArrayRef<char> bytes(reinterpret_cast<const char *>(packed.data()),
                       packed.size() * sizeof(T));
  return arith::ConstantOp::create(b, loc, makeRawResource(type, name, bytes));
}

/// Packs a tensor into [ceil(rows/r0)][ceil(K/k0)][r0][k0] at run time.
/// `src` is [rows][K] (`transposed` = false) or [K][rows] (true); partial
/// tiles read `padValue` from a padded copy.
Value packRows(OpBuilder &b, Location loc, Value src, bool transposed,
               int64_t k0, Value padValue, int64_t r0 = kTile);

/// The row tile (M0) of a GEMM whose activations are the LHS with `rows`
/// rows: 16, or for fewer rows the smallest of 1, 2, 4, 8 that holds them,
/// so that a matrix-vector product (M = 1) does not multiply 15 rows of
/// padding.
inline int64_t lhsRowTile(int64_t rows) {
  int64_t r0 = 1;
  while (r0 < rows && r0 < kTile)
    r0 *= 2;
  return r0;
}

/// The element types of a microkernel GEMM.
enum class Mmt4dKind {
  F32,  // f32 x f32 -> f32
  U8S8, // u8 LHS (activations) x s8 RHS (weights) -> i32
  S8U8, // s8 LHS (weights) x u8 RHS (activations) -> i32
};

/// OUT[M1][N1][M0][16] = sum LHS[M1][K1][M0][k0] * RHS[N1][K1][16][k0], a
/// generic in linalg.mmt4d's layout tagged for the microkernel of `kind`
/// (integer kinds zero-extend the u8 operand, sign-extend the s8 one and
/// accumulate in i32). With `rhsMap` the RHS is read through that map of
/// the loops (m1, n1, k1, m0, n0, k0) instead (e.g. an im2col view of an
/// image), and `n1` gives N1.
linalg::GenericOp buildMmt4d(OpBuilder &b, Location loc, Value lhs, Value rhs,
                             Mmt4dKind kind, AffineMap rhsMap = {},
                             int64_t n1 = -1);

/// The im2col matrix Col[K][P] of a (padded) NCHW input xp[1][C][Hp][Wp],
/// K = C*KH*KW with k = (c, kh, kw), P = OH*OW: a copy generic over
/// [C][KH][KW][OH][OW] reshaped to [K][P].
Value buildIm2col(OpBuilder &b, Location loc, Value xp, int64_t kh, int64_t kw,
                  int64_t oh, int64_t ow, const WindowParams &wp);

/// A 2-D, group-1, batch-1 qc.conv as the data-tiled GEMM
/// OUT[Cout][P] = W[Cout][K] * Col[K][P] sees it: K = C*KH*KW, P = OH*OW.
struct ConvGemmShape {
  int64_t c = 0, cout = 0, kh = 0, kw = 0, oh = 0, ow = 0, k = 0, p = 0;
  WindowParams window;

  /// A 1x1 kernel without stride or padding: Col is the input itself.
  bool isPointwise() const;
};

/// The GEMM shape of `op`, or failure when it is not such a convolution or
/// its window attributes are invalid (getWindowParams, which then emits an
/// error). The element types are left to the caller.
FailureOr<ConvGemmShape> matchConvGemmShape(ConvOp op);

/// Col[K][P] of a convolution of x[1][C][H][W] (f32 or any element type
/// whose padding value is 0): x itself, reshaped, for pointwise
/// convolutions, else the im2col of the zero-padded input.
Value buildConvColumns(OpBuilder &b, Location loc, Value x,
                       const ConvGemmShape &shape);

/// The im2col matrix with pixels as rows, A[P][K] = xp[0][k / T][oh * sh +
/// (k % T) / KW * dh][ow * sw + (k % T) % KW * dw] (T = KH*KW taps, k = (c,
/// kh, kw), p = (oh, ow), K = `channels` * T) of the NCHW input x[1][C][H][W]
/// padded by the convolution's pads and to `channels` >= C channels with
/// `padValue`: the A operand of the CUDA target's GEMM kernels. The padding
/// is implicit (no padded copy of x): elements outside x read as
/// `padValue`.
Value buildIm2colRows(OpBuilder &b, Location loc, Value x,
                      const ConvGemmShape &shape, int64_t channels,
                      Value padValue);

/// out[r][c] = OUT[..] (+ bias[r] with `biasPerRow`, else bias[c]) for an
/// f32 mmt4d result OUT[M1][N1][M0][16] (M0 from its type), as a
/// linalg.generic that elementwise consumers fuse into.
Value unpackF32(OpBuilder &b, Location loc, Value out, int64_t rows,
                int64_t cols, Value bias, bool biasPerRow);

/// The depthwise convolution generic over loops (c, oh, kh, kw, ow) on the
/// padded input xp[C][Hp][Wp] and weights w[C][KH][KW], accumulating into
/// `init` [C][OH][OW]: f32 (multiply, then add), or, with `integer`, u8 x s8
/// products summed in i32. Tagged `qc.ukernel = "dwconv2d_acc_f32"` /
/// `"dwconv2d_acc_u8s8s32"` (the microkernels compute exactly these loops)
/// with the geometry in `qc.conv_geometry` and sequential loop order.
Value buildDepthwise(OpBuilder &b, Location loc, Value xp, Value w, Value init,
                     const WindowParams &wp, bool integer);

/// The indexing map reading OUT[M1][N1][16][16] at (r, c) of the unpacked
/// [rows][cols] matrix, or at (c, r) when `transposed` (the GEMM computed
/// the transpose of the wanted [rows][cols] result).
AffineMap unpackMap(MLIRContext *ctx, bool transposed);

} // namespace mlir::qc::lowering::tiling

#endif // QUANTC_CONVERSION_QCTOLINALG_DATATILING_H

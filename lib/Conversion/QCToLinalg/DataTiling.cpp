//===- DataTiling.cpp - contractions as packed mmt4d for the CPU ----------===//
//
// With `data-tiling`, f32 convolutions (group 1, batch 1) and matrix
// products with a constant right-hand side become GEMMs on packed tiles, in
// the layout of linalg.mmt4d and of the runtime's mmt4d microkernel:
//
//   LHS[M1][K][M0][1], RHS[N1][K][N0][1] -> OUT[M1][N1][M0][N0]
//
// Constant operands (weights) are packed at compile time; activations are
// packed by a linalg.generic (im2col first for spatial kernels); the result
// is unpacked by a linalg.generic that also adds the bias, so elementwise
// consumers fuse into it. The mmt4d itself is a linalg.generic tagged
// `qc.ukernel = "mmt4d_f32"`: qc-cpu-lower-to-ukernels replaces it (tile by
// tile, after qc-cpu-tile-and-distribute) with a microkernel call, and
// without that pass it lowers to loops like any generic.
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"

#include "qc/QCShapeUtils.h"
#include "quantc/Support/Constants.h"
#include "quantc/Support/QuantOperands.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

static constexpr int64_t kTile = 16; // M0 = N0 of the microkernels

/// Packs a constant row-major [rows][K] matrix (or [K][rows] when
/// `transposed`) into [ceil(rows/r0)][ceil(K/k0)][r0][k0], zero-padded.
/// `T` is float (f32 tiles) or int8_t (s8 tiles).
template <typename T, typename Src>
static Value packConstantRows(OpBuilder &b, Location loc, ArrayRef<Src> data,
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

/// Packs a tensor into [ceil(rows/16)][ceil(K/k0)][16][k0] at run time.
/// `src` is [rows][K] (`transposed` = false) or [K][rows] (true); partial
/// tiles read `padValue` from a padded copy.
static Value packRows(OpBuilder &b, Location loc, Value src, bool transposed,
                      int64_t k0, Value padValue) {
  MLIRContext *ctx = b.getContext();
  auto st = cast<RankedTensorType>(src.getType());
  int64_t rows = st.getDimSize(transposed ? 1 : 0);
  int64_t k = st.getDimSize(transposed ? 0 : 1);
  int64_t r1 = (rows + kTile - 1) / kTile, k1 = (k + k0 - 1) / k0;
  Type elem = st.getElementType();
  SmallVector<int64_t> lo = {0, 0}, hi = {0, 0};
  hi[transposed ? 1 : 0] = r1 * kTile - rows;
  hi[transposed ? 0 : 1] = k1 * k0 - k;
  src = createPad(b, loc, src, lo, hi, padValue);
  auto type = RankedTensorType::get({r1, k1, kTile, k0}, elem);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr row = d(0) * kTile + d(2), col = d(1) * k0 + d(3);
  AffineMap in = AffineMap::get(4, 0,
                                transposed ? ArrayRef<AffineExpr>{col, row}
                                           : ArrayRef<AffineExpr>{row, col},
                                ctx);
  SmallVector<AffineMap> maps = {in, AffineMap::getMultiDimIdentityMap(4, ctx)};
  SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
  return linalg::GenericOp::create(b, loc, TypeRange{type}, ValueRange{src},
                                   ValueRange{createEmpty(b, loc, type)}, maps,
                                   iters,
                                   [](OpBuilder &nb, Location l, ValueRange a) {
                                     linalg::YieldOp::create(nb, l, a[0]);
                                   })
      .getResult(0);
}

/// The element types of a microkernel GEMM.
enum class Mmt4dKind {
  F32,  // f32 x f32 -> f32
  U8S8, // u8 LHS (activations) x s8 RHS (weights) -> i32
  S8U8, // s8 LHS (weights) x u8 RHS (activations) -> i32
};

/// OUT[M1][N1][16][16] = sum LHS[M1][K1][16][k0] * RHS[N1][K1][16][k0], a
/// generic in linalg.mmt4d's layout tagged for the microkernel of `kind`
/// (integer kinds zero-extend the u8 operand, sign-extend the s8 one and
/// accumulate in i32).
static Value buildMmt4d(OpBuilder &b, Location loc, Value lhs, Value rhs,
                        Mmt4dKind kind) {
  MLIRContext *ctx = b.getContext();
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  bool integer = kind != Mmt4dKind::F32;
  Type acc = integer ? b.getI32Type() : lt.getElementType();
  auto outType = RankedTensorType::get(
      {lt.getDimSize(0), rt.getDimSize(0), kTile, kTile}, acc);
  // Loops: m1, n1, k1, m0, n0, k0.
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0, {d(0), d(2), d(3), d(5)}, ctx),
      AffineMap::get(6, 0, {d(1), d(2), d(4), d(5)}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(3), d(4)}, ctx)};
  using IT = utils::IteratorType;
  SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                           IT::parallel, IT::parallel, IT::reduction};
  Value init = createFilled(b, loc, outType, createScalar(b, loc, acc, 0));
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
      iters, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value r;
        if (integer) {
          bool lhsUnsigned = kind == Mmt4dKind::U8S8;
          auto ext = [&](Value v, bool isUnsigned) -> Value {
            if (isUnsigned)
              return arith::ExtUIOp::create(nb, l, acc, v);
            return arith::ExtSIOp::create(nb, l, acc, v);
          };
          Value x = ext(a[0], lhsUnsigned), w = ext(a[1], !lhsUnsigned);
          r = arith::AddIOp::create(nb, l, a[2],
                                    arith::MulIOp::create(nb, l, x, w));
        } else {
          r = arith::AddFOp::create(nb, l, a[2],
                                    arith::MulFOp::create(nb, l, a[0], a[1]));
        }
        linalg::YieldOp::create(nb, l, r);
      });
  StringRef name = kind == Mmt4dKind::F32    ? "mmt4d_f32"
                   : kind == Mmt4dKind::U8S8 ? "mmt4d_u8s8s32"
                                             : "mmt4d_s8u8s32";
  op->setAttr("qc.ukernel", b.getStringAttr(name));
  return op.getResult(0);
}

/// The indexing map reading OUT[M1][N1][16][16] at (r, c) of the unpacked
/// [rows][cols] matrix, or at (c, r) when `transposed` (the GEMM computed
/// the transpose of the wanted [rows][cols] result).
static AffineMap unpackMap(MLIRContext *ctx, bool transposed) {
  AffineExpr r = getAffineDimExpr(transposed ? 1 : 0, ctx);
  AffineExpr c = getAffineDimExpr(transposed ? 0 : 1, ctx);
  return AffineMap::get(
      2, 0, {r.floorDiv(kTile), c.floorDiv(kTile), r % kTile, c % kTile}, ctx);
}

/// out[r][c] = OUT[..] (+ bias[r] or bias[c]) for f32 tiles. When `cols` is
/// a multiple of 16 the generic iterates (r, c1, c0) and writes a 3-D tensor
/// that collapses (for free) to [rows][cols]: its inner loop then reads 16
/// contiguous floats of a tile row, which LLVM vectorizes, instead of
/// dividing every index.
static Value unpack(OpBuilder &b, Location loc, Value c, int64_t rows,
                    int64_t cols, Value bias, bool biasPerRow) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  bool blocked = cols % kTile == 0;
  int64_t rank = blocked ? 3 : 2;
  auto type = blocked ? RankedTensorType::get({rows, cols / kTile, kTile}, f32)
                      : RankedTensorType::get({rows, cols}, f32);
  SmallVector<AffineMap> maps = {
      blocked ? AffineMap::get(3, 0,
                               {d(0).floorDiv(kTile), d(1), d(0) % kTile, d(2)},
                               ctx)
              : unpackMap(ctx, false)};
  SmallVector<Value> inputs = {c};
  if (bias) {
    inputs.push_back(bias);
    AffineExpr col = blocked ? d(1) * kTile + d(2) : d(1);
    maps.push_back(AffineMap::get(rank, 0, {biasPerRow ? d(0) : col}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value out = linalg::GenericOp::create(
                  b, loc, TypeRange{type}, inputs,
                  ValueRange{createEmpty(b, loc, type)}, maps, iters,
                  [](OpBuilder &nb, Location l, ValueRange a) {
                    Value v = a[0];
                    if (a.size() > 2)
                      v = arith::AddFOp::create(nb, l, v, a[1]);
                    linalg::YieldOp::create(nb, l, v);
                  })
                  .getResult(0);
  return createReshape(b, loc, out, RankedTensorType::get({rows, cols}, f32));
}

/// Requantizing unpack of integer tiles into an f32 [rows][cols] result
/// whose channel (weight row n) is `channelIsRow` ? r : c:
///   out = fma(float(acc - zpX * colsum[n]), scaleX * scaleW[n], bias[n])
/// with the per-channel constants given as vectors. When the tiles hold
/// the result untransposed and `cols` is a multiple of 16, the generic
/// iterates (r, c1, c0) like `unpack`: its inner loop reads 16 contiguous
/// accumulators of a tile row and writes 16 contiguous outputs, which LLVM
/// vectorizes.
static Value unpackRequant(OpBuilder &b, Location loc, Value acc, int64_t rows,
                           int64_t cols, bool transposed, bool channelIsRow,
                           int64_t zpX, ArrayRef<int32_t> colsum,
                           ArrayRef<float> scale, ArrayRef<float> bias) {
  // Rows per tile: 16, or fewer for GEMMs with weights as the LHS.
  int64_t m0 = cast<RankedTensorType>(acc.getType()).getDimSize(2);
  assert((m0 == kTile || (!transposed && cols % kTile == 0)) &&
         "small row tiles only for blocked unpacks");
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  bool blocked = !transposed && cols % kTile == 0;
  int64_t rank = blocked ? 3 : 2;
  auto type = blocked ? RankedTensorType::get({rows, cols / kTile, kTile}, f32)
                      : RankedTensorType::get({rows, cols}, f32);
  int64_t n = colsum.size();
  std::vector<int32_t> corr(n);
  for (int64_t i = 0; i < n; ++i)
    corr[i] = (int32_t)(zpX * (int64_t)colsum[i]);
  auto vec = [&](auto data, Type t) -> Value {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(RankedTensorType::get({n}, t), ArrayRef(data)));
  };
  AffineExpr col = blocked ? d(1) * kTile + d(2) : d(1);
  AffineMap ch = AffineMap::get(rank, 0, channelIsRow ? d(0) : col, ctx);
  AffineMap in =
      blocked ? AffineMap::get(3, 0, {d(0).floorDiv(m0), d(1), d(0) % m0, d(2)},
                               ctx)
              : unpackMap(ctx, transposed);
  SmallVector<Value> inputs = {acc, vec(ArrayRef<int32_t>(corr), i32),
                               vec(scale, f32), vec(bias, f32)};
  SmallVector<AffineMap> maps = {in, ch, ch, ch,
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value out =
      linalg::GenericOp::create(
          b, loc, TypeRange{type}, inputs,
          ValueRange{createEmpty(b, loc, type)}, maps, iters,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value t = arith::SubIOp::create(nb, l, a[0], a[1]);
            Value f = arith::SIToFPOp::create(nb, l, f32, t);
            linalg::YieldOp::create(
                nb, l, Value(math::FmaOp::create(nb, l, f, a[2], a[3])));
          })
          .getResult(0);
  return createReshape(b, loc, out, RankedTensorType::get({rows, cols}, f32));
}

/// The s8 x u8 GEMM of a W8A8 convolution with its im2col packing folded
/// in: OUT[M1][N1][16][16] (i32) = sum LHS[M1][K1][16][4] (the packed s8
/// weights) * Col, where Col is the im2col matrix of the (zero-point padded)
/// u8 NCHW input xp[1][C][Hp][Wp] read straight through the indexing map,
///   Col[k][p] = xp[0][c][oh*sh + kh*dh][ow*sw + kw*dw]
/// with k = k1*4 + k0 = (c, kh, kw) and p = n1*16 + n0 = (oh, ow). A
/// generic tagged `qc.ukernel = "conv2d_im2col_s8u8s32"` (geometry in
/// `qc.conv_geometry` = [C, Hp, Wp, KH, KW, OH, OW, sh, sw, dh, dw]):
/// qc-cpu-lower-to-ukernels turns it into qrt_ukernel_conv2d_im2col_s8u8s32
/// calls, which pack the columns chunk by chunk in L2, so the im2col matrix
/// never goes to memory. Needs K % 4 == 0 and P % 16 == 0 (no partial
/// tiles). With `tapsOuter` (stride_w 1, OW % 16 == 0, C % 4 == 0) the
/// weights are ordered k = (kh, kw, c) and the generic is tagged
/// `"conv2d_direct_s8u8s32"` for the implicit-GEMM microkernel, which
/// needs no im2col at all.
static Value buildConvIm2colGemm(OpBuilder &b, Location loc, Value lhs,
                                 Value xp, int64_t kh, int64_t kw, int64_t oh,
                                 int64_t ow, ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> dilations, bool tapsOuter) {
  MLIRContext *ctx = b.getContext();
  auto xt = cast<RankedTensorType>(xp.getType());
  auto lt = cast<RankedTensorType>(lhs.getType());
  int64_t k = xt.getDimSize(1) * kh * kw, p = oh * ow;
  assert(k % 4 == 0 && p % kTile == 0 && "partial im2col tiles");
  Type i32 = b.getI32Type();
  auto outType = RankedTensorType::get(
      {lt.getDimSize(0), p / kTile, lt.getDimSize(2), kTile}, i32);
  // Loops: m1, n1, k1, m0, n0, k0 (as buildMmt4d).
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr kk = d(2) * 4 + d(5), pp = d(1) * kTile + d(4);
  int64_t channels = xt.getDimSize(1);
  // k = (c, kh, kw) (im2col order), or (kh, kw, c) with the taps outer.
  AffineExpr c = tapsOuter ? kk % channels : kk.floorDiv(kh * kw);
  AffineExpr r = tapsOuter ? kk.floorDiv(channels) : kk % (kh * kw);
  AffineExpr ih = pp.floorDiv(ow) * strides[0] + r.floorDiv(kw) * dilations[0];
  AffineExpr iw = (pp % ow) * strides[1] + (r % kw) * dilations[1];
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0, {d(0), d(2), d(3), d(5)}, ctx),
      AffineMap::get(6, 0, {getAffineConstantExpr(0, ctx), c, ih, iw}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(3), d(4)}, ctx)};
  using IT = utils::IteratorType;
  SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                           IT::parallel, IT::parallel, IT::reduction};
  Value init = createFilled(b, loc, outType, createScalar(b, loc, i32, 0));
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{lhs, xp}, ValueRange{init}, maps,
      iters, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value w = arith::ExtSIOp::create(nb, l, i32, a[0]);
        Value x = arith::ExtUIOp::create(nb, l, i32, a[1]);
        linalg::YieldOp::create(
            nb, l,
            Value(arith::AddIOp::create(nb, l, a[2],
                                        arith::MulIOp::create(nb, l, w, x))));
      });
  op->setAttr("qc.ukernel",
              b.getStringAttr(tapsOuter ? "conv2d_direct_s8u8s32"
                                        : "conv2d_im2col_s8u8s32"));
  op->setAttr(
      "qc.conv_geometry",
      b.getDenseI64ArrayAttr({xt.getDimSize(1), xt.getDimSize(2),
                              xt.getDimSize(3), kh, kw, oh, ow, strides[0],
                              strides[1], dilations[0], dilations[1]}));
  return op.getResult(0);
}

/// Weight-only recipes (W4A16) run on the f32 microkernels with their
/// weights dequantized at compile time.
std::optional<std::vector<float>> mlir::qc::lowering::constantWeights(Value w) {
  if (auto f = readFloatConstant(w))
    return f;
  auto dq = w.getDefiningOp<DequantizeOp>();
  auto scast = dq ? dq.getX().getDefiningOp<quant::StorageCastOp>() : nullptr;
  auto cst =
      scast ? scast.getInput().getDefiningOp<arith::ConstantOp>() : nullptr;
  if (!cst)
    return std::nullopt;
  auto qt = cast<quant::QuantizedType>(dq.getX().getType().getElementType());
  auto q = readIntElements(cast<ElementsAttr>(cst.getValue()), !qt.isSigned());
  if (!q)
    return std::nullopt;
  ArrayRef<int64_t> shape = dq.getType().getShape();
  int64_t rank = shape.size(), n = q->size();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  std::vector<float> out(n);
  auto coord = [&](int64_t flat, int64_t dim) {
    return (flat / strides[dim]) % shape[dim];
  };
  for (int64_t e = 0; e < n; ++e) {
    double scale, zp;
    if (auto u = dyn_cast<quant::UniformQuantizedType>(qt)) {
      scale = u.getScale();
      zp = u.getZeroPoint();
    } else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
      int64_t c = coord(e, a.getQuantizedDimension());
      scale = a.getScales()[c];
      zp = a.getZeroPoints()[c];
    } else if (auto sc = dyn_cast<quant::UniformQuantizedSubChannelType>(qt)) {
      SmallVector<int64_t> blocks(shape.begin(), shape.end());
      for (auto [dim, size] : sc.getBlockSizeInfo())
        blocks[dim] = size;
      DenseElementsAttr scales = sc.getScales(), zps = sc.getZeroPoints();
      ArrayRef<int64_t> st = scales.getType().getShape();
      int64_t idx = 0;
      for (int64_t d = 0; d < rank; ++d)
        idx = idx * st[d] + coord(e, d) / blocks[d];
      scale = (*(scales.getValues<APFloat>().begin() + idx)).convertToDouble();
      APInt z = *(zps.getValues<APInt>().begin() + idx);
      zp = qt.isSigned() ? (double)z.getSExtValue() : (double)z.getZExtValue();
    } else {
      return std::nullopt;
    }
    // As the reference evaluator: (q - zp) * scale in f32.
    out[e] = (float)((*q)[e] - (int64_t)zp) * (float)scale;
  }
  return out;
}

namespace {

/// qc.conv (2-D, group 1, batch 1, f32, constant weights) as
/// OUT[Cout][P] = W[Cout][K] * Col[K][P] with K = C*KH*KW, P = OH*OW.
struct DataTiledConv : OpConversionPattern<ConvOp> {
  DataTiledConv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    auto yt = op.getType();
    if (xt.getRank() != 4 || op.getGroup() != 1 || xt.getDimSize(0) != 1 ||
        !xt.getElementType().isF32())
      return failure();
    std::optional<std::vector<float>> w = constantWeights(op.getW());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), 2, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    int64_t c = xt.getDimSize(1), cout = wt.getDimSize(0);
    int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    int64_t oh = yt.getDimSize(2), ow = yt.getDimSize(3);
    int64_t k = c * kh * kw, p = oh * ow;
    Type f32 = rewriter.getF32Type();

    // Col[K][P]: the input itself for unit kernels without stride/padding,
    // else an im2col generic over [C][KH][KW][OH][OW].
    Value col;
    bool pointwise =
        kh == 1 && kw == 1 &&
        llvm::all_of(wp.strides, [](int64_t s) { return s == 1; }) &&
        llvm::all_of(wp.padsBegin, [](int64_t v) { return !v; }) &&
        llvm::all_of(wp.padsEnd, [](int64_t v) { return !v; });
    if (pointwise) {
      col = createReshape(rewriter, loc, adaptor.getX(),
                          RankedTensorType::get({k, p}, f32));
    } else {
      Value x = createPad(rewriter, loc, adaptor.getX(),
                          {0, 0, wp.padsBegin[0], wp.padsBegin[1]},
                          {0, 0, wp.padsEnd[0], wp.padsEnd[1]},
                          createScalar(rewriter, loc, f32, 0));
      auto colType = RankedTensorType::get({c, kh, kw, oh, ow}, f32);
      auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
      AffineMap in =
          AffineMap::get(5, 0,
                         {getAffineConstantExpr(0, ctx), d(0),
                          d(3) * wp.strides[0] + d(1) * wp.dilations[0],
                          d(4) * wp.strides[1] + d(2) * wp.dilations[1]},
                         ctx);
      SmallVector<AffineMap> maps = {in,
                                     AffineMap::getMultiDimIdentityMap(5, ctx)};
      SmallVector<utils::IteratorType> iters(5, utils::IteratorType::parallel);
      Value col5 =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{colType}, ValueRange{x},
              ValueRange{createEmpty(rewriter, loc, colType)}, maps, iters,
              [](OpBuilder &nb, Location l, ValueRange a) {
                linalg::YieldOp::create(nb, l, a[0]);
              })
              .getResult(0);
      col = createReshape(rewriter, loc, col5,
                          RankedTensorType::get({k, p}, f32));
    }
    Value lhs = packConstantRows<float>(rewriter, loc, ArrayRef<float>(*w),
                                        cout, k, /*transposed=*/false, 1, f32,
                                        "conv_weight_packed");
    Value rhs = packRows(rewriter, loc, col, /*transposed=*/true, 1,
                         createScalar(rewriter, loc, f32, 0));
    Value out = buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::F32);
    Value y = unpack(rewriter, loc, out, cout, p, adaptor.getB(),
                     /*biasPerRow=*/true);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, yt));
    return success();
  }
};

/// qc.matmul / qc.gemm-free form X[..., M, K] * W[K, N] with a constant 2-D
/// f32 W: the leading dimensions of X fold into M.
struct DataTiledMatMul : OpConversionPattern<MatMulOp> {
  DataTiledMatMul(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto at = op.getLhs().getType();
    auto bt = op.getRhs().getType();
    if (at.getRank() < 2 || bt.getRank() != 2 || !at.getElementType().isF32())
      return failure();
    std::optional<std::vector<float>> w = constantWeights(op.getRhs());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
    int64_t m = at.getNumElements() / k;
    Value x = createReshape(rewriter, loc, adaptor.getLhs(),
                            RankedTensorType::get({m, k}, f32));
    Value lhs = packRows(rewriter, loc, x, /*transposed=*/false, 1,
                         createScalar(rewriter, loc, f32, 0));
    Value rhs = packConstantRows<float>(rewriter, loc, ArrayRef<float>(*w), n,
                                        k, /*transposed=*/true, 1, f32,
                                        "matmul_weight_packed");
    Value out = buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::F32);
    Value y = unpack(rewriter, loc, out, m, n, Value(), false);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }
};

/// Depthwise qc.conv (2-D, batch 1, group == C == M) as a generic with
/// loops (c, oh, kh, kw, ow) on the zero-padded input, accumulating into the
/// bias: tagged `qc.ukernel = "dwconv2d_acc_f32"` (geometry in
/// `qc.conv_geometry`, as for the im2col pack) for the microkernel that
/// computes these loops bit-exactly, and for sequential loop order when it
/// lowers to loops instead.
struct DepthwiseConv : OpConversionPattern<ConvOp> {
  DepthwiseConv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    auto yt = op.getType();
    int64_t c = xt.getRank() == 4 ? xt.getDimSize(1) : -1;
    if (xt.getRank() != 4 || xt.getDimSize(0) != 1 || op.getGroup() != c ||
        wt.getDimSize(0) != c || wt.getDimSize(1) != 1 ||
        !xt.getElementType().isF32())
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), 2, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    Type f32 = rewriter.getF32Type();
    Value x = createPad(rewriter, loc, adaptor.getX(),
                        {0, 0, wp.padsBegin[0], wp.padsBegin[1]},
                        {0, 0, wp.padsEnd[0], wp.padsEnd[1]},
                        createScalar(rewriter, loc, f32, 0));
    auto xpt = cast<RankedTensorType>(x.getType());
    x = createReshape(rewriter, loc, x,
                      RankedTensorType::get(xpt.getShape().drop_front(), f32));
    int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    Value w = createReshape(rewriter, loc, adaptor.getW(),
                            RankedTensorType::get({c, kh, kw}, f32));
    auto outType = RankedTensorType::get(yt.getShape().drop_front(), f32);
    Value init;
    if (Value b = adaptor.getB()) {
      SmallVector<AffineMap> maps = {
          AffineMap::get(3, 0, getAffineDimExpr(0, ctx), ctx),
          AffineMap::getMultiDimIdentityMap(3, ctx)};
      SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{outType}, ValueRange{b},
                 ValueRange{createEmpty(rewriter, loc, outType)}, maps, iters,
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   linalg::YieldOp::create(nb, l, a[0]);
                 })
                 .getResult(0);
    } else {
      init = createFilled(rewriter, loc, outType,
                          createScalar(rewriter, loc, f32, 0));
    }
    // Loops: c (d0), oh (d1), kh (d2), kw (d3), ow (d4).
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(5, 0,
                       {d(0), d(1) * wp.strides[0] + d(2) * wp.dilations[0],
                        d(4) * wp.strides[1] + d(3) * wp.dilations[1]},
                       ctx),
        AffineMap::get(5, 0, {d(0), d(2), d(3)}, ctx),
        AffineMap::get(5, 0, {d(0), d(1), d(4)}, ctx)};
    using IT = utils::IteratorType;
    SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                             IT::reduction, IT::parallel};
    auto conv = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{x, w}, ValueRange{init},
        maps, iters, [](OpBuilder &nb, Location l, ValueRange a) {
          Value p = arith::MulFOp::create(nb, l, a[0], a[1]);
          linalg::YieldOp::create(nb, l,
                                  Value(arith::AddFOp::create(nb, l, a[2], p)));
        });
    conv->setAttr("qc.loop_order", rewriter.getStringAttr("sequential"));
    // qc-cpu-lower-to-ukernels runs it as qrt_ukernel_dwconv2d_acc_f32,
    // which computes exactly these loops.
    conv->setAttr("qc.ukernel", rewriter.getStringAttr("dwconv2d_acc_f32"));
    conv->setAttr("qc.conv_geometry",
                  rewriter.getDenseI64ArrayAttr(
                      {c, xpt.getDimSize(2), xpt.getDimSize(3), kh, kw,
                       yt.getDimSize(2), yt.getDimSize(3), wp.strides[0],
                       wp.strides[1], wp.dilations[0], wp.dilations[1]}));
    rewriter.replaceOp(op, createReshape(rewriter, loc, conv.getResult(0), yt));
    return success();
  }
};

/// qc.conv_transpose with stride == kernel (no overlapping windows), no
/// padding or dilation, group 1, batch 1: each input pixel scatters a
/// KHxKW patch, so OUT[(m, kh, kw)][p] = W'[(m, kh, kw)][C] * X[C][p] is
/// one GEMM and the unpack interleaves the patches.
struct DataTiledConvTranspose : OpConversionPattern<ConvTransposeOp> {
  DataTiledConvTranspose(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    auto yt = op.getType();
    if (xt.getRank() != 4 || xt.getDimSize(0) != 1 || op.getGroup() != 1 ||
        !xt.getElementType().isF32())
      return failure();
    int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    auto is = [](std::optional<ArrayRef<int64_t>> a, ArrayRef<int64_t> v) {
      return !a || llvm::equal(*a, v);
    };
    auto isZero = [](std::optional<ArrayRef<int64_t>> a) {
      return !a || llvm::all_of(*a, [](int64_t v) { return v == 0; });
    };
    if (!op.getStrides() || !is(op.getStrides(), {kh, kw}) ||
        !is(op.getDilations(), {1, 1}) || !isZero(op.getPads()) ||
        !isZero(op.getOutputPadding()))
      return failure();
    std::optional<std::vector<float>> w = constantWeights(op.getW());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    int64_t c = xt.getDimSize(1), m = wt.getDimSize(1);
    int64_t h = xt.getDimSize(2), wd = xt.getDimSize(3), p = h * wd;
    int64_t rows = m * kh * kw;
    // W'[(m, kh, kw)][c] = W[c][m][kh][kw].
    std::vector<float> wr(rows * c);
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t r = 0; r < rows; ++r)
        wr[r * c + ci] = (*w)[ci * rows + r];
    Value lhs = packConstantRows<float>(rewriter, loc, ArrayRef<float>(wr),
                                        rows, c, /*transposed=*/false, 1, f32,
                                        "conv_transpose_weight_packed");
    Value x = createReshape(rewriter, loc, adaptor.getX(),
                            RankedTensorType::get({c, p}, f32));
    Value rhs = packRows(rewriter, loc, x, /*transposed=*/true, 1,
                         createScalar(rewriter, loc, f32, 0));
    Value acc = buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::F32);
    // y[m][ih][kh][iw][kw] = OUT[r][q] with r = (m*KH + kh)*KW + kw and
    // q = ih*W + iw, all linear in the loops (so tiles stay aligned), then a
    // free collapse to [M][OH][OW] (oh = ih*KH + kh, ow = iw*KW + kw).
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    AffineExpr r = (d(0) * kh + d(2)) * kw + d(4);
    AffineExpr q = d(1) * wd + d(3);
    SmallVector<AffineMap> maps = {AffineMap::get(
        5, 0, {r.floorDiv(kTile), q.floorDiv(kTile), r % kTile, q % kTile},
        ctx)};
    SmallVector<Value> inputs = {acc};
    if (Value b = adaptor.getB()) {
      inputs.push_back(b);
      maps.push_back(AffineMap::get(5, 0, d(0), ctx));
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(5, ctx));
    auto outType = RankedTensorType::get({m, h, kh, wd, kw}, f32);
    SmallVector<utils::IteratorType> iters(5, utils::IteratorType::parallel);
    Value y = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{outType}, inputs,
                  ValueRange{createEmpty(rewriter, loc, outType)}, maps, iters,
                  [](OpBuilder &nb, Location l, ValueRange a) {
                    Value v = a[0];
                    if (a.size() > 2)
                      v = arith::AddFOp::create(nb, l, v, a[1]);
                    linalg::YieldOp::create(nb, l, v);
                  })
                  .getResult(0);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, yt));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// u8 x s8 contractions (W8A8).
//===----------------------------------------------------------------------===//

/// A u8 per-tensor quantized activation read through qc.dequantize.
struct QuantActivation {
  Value storage; // converted (signless i8 holding u8 bits)
  int64_t zeroPoint;
  double scale;
};

static std::optional<QuantActivation>
matchQuantActivation(Value x, ConversionPatternRewriter &rewriter) {
  quant::UniformQuantizedType qt = getU8Activation(x);
  if (!qt)
    return std::nullopt;
  Value storage =
      rewriter.getRemappedValue(x.getDefiningOp<DequantizeOp>().getX());
  if (!storage)
    return std::nullopt;
  return QuantActivation{storage, qt.getZeroPoint(), qt.getScale()};
}

/// The values and per-channel scales of a constant symmetric s8 weight
/// (quantc/Support/QuantOperands.h).
struct QuantWeight {
  std::vector<int64_t> values;
  std::vector<double> scales; // one per channel (repeated for per-tensor)
};

static std::optional<QuantWeight> matchQuantWeight(Value w,
                                                   int64_t channelAxis) {
  std::optional<S8Weight> s8 = matchS8Weight(w, channelAxis);
  if (!s8)
    return std::nullopt;
  auto values = readIntElements(cast<ElementsAttr>(s8->constant.getValue()),
                                /*isUnsigned=*/false);
  if (!values)
    return std::nullopt;
  return QuantWeight{std::move(*values), std::move(s8->scales)};
}

/// The constant f32 values of an optional bias (zeros when absent); nullopt
/// when it is not constant.
static std::optional<std::vector<float>> constantBias(Value bias, int64_t n) {
  if (!bias)
    return std::vector<float>(n, 0.0f);
  return readFloatConstant(bias);
}

/// Per-channel requantization constants: f32(scaleX) * f32(scaleW[n]),
/// and the weight sums over the reduction (rows of `values`, `k` each).
static void requantConstants(const QuantActivation &x, const QuantWeight &w,
                             int64_t n, int64_t k, bool channelMajor,
                             std::vector<float> &scale,
                             std::vector<int32_t> &colsum) {
  scale.resize(n);
  colsum.assign(n, 0);
  for (int64_t c = 0; c < n; ++c) {
    scale[c] = (float)x.scale * (float)w.scales[c];
    for (int64_t kk = 0; kk < k; ++kk)
      colsum[c] +=
          (int32_t)(channelMajor ? w.values[c * k + kk] : w.values[kk * n + c]);
  }
}

/// qc.conv(dequantize(u8 x), dequantize(s8 w)) (2-D, group 1, batch 1) on
/// the s8 x u8 microkernel with the weights as the LHS: OUT[Cout][P] =
/// W[Cout][K] * Col[K][P] is already NCHW, so the requantizing unpack (one
/// f32 multiply-add per output element) reads and writes rows of 16
/// contiguous values. When P % 16 == 0 the GEMM reads the (padded) u8
/// input through an im2col indexing map and becomes the fused im2col + GEMM
/// microkernel (with up to 3 extra zero-weight input channels to make K a
/// multiple of 4); otherwise the columns are packed by an im2col generic
/// and a packing generic first.
struct QuantizedConv : OpConversionPattern<ConvOp> {
  QuantizedConv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/3) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    auto yt = op.getType();
    if (xt.getRank() != 4 || op.getGroup() != 1 || xt.getDimSize(0) != 1)
      return failure();
    std::optional<QuantActivation> x =
        matchQuantActivation(op.getX(), rewriter);
    std::optional<QuantWeight> w = matchQuantWeight(op.getW(), 0);
    int64_t cout = wt.getDimSize(0);
    std::optional<std::vector<float>> bias = constantBias(op.getB(), cout);
    if (!x || !w || !bias)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), 2, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    int64_t c = xt.getDimSize(1), kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    int64_t oh = yt.getDimSize(2), ow = yt.getDimSize(3);
    int64_t k = c * kh * kw, p = oh * ow;
    Type i8 = rewriter.getI8Type();
    // Padding holds the zero point: real value 0.
    Value zp = createScalar(rewriter, loc, i8, (int8_t)(uint8_t)x->zeroPoint);
    bool pointwise =
        kh == 1 && kw == 1 &&
        llvm::all_of(wp.strides, [](int64_t v) { return v == 1; }) &&
        llvm::all_of(wp.padsBegin, [](int64_t v) { return !v; }) &&
        llvm::all_of(wp.padsEnd, [](int64_t v) { return !v; });
    // For the fused im2col GEMM, K must be a multiple of 4: a few extra
    // input channels (zero weights, zero-point values) get it there, e.g.
    // an RGB input's 3 channels become 4.
    int64_t cPadded = c;
    while ((cPadded * kh * kw) % 4 != 0)
      ++cPadded;
    bool fusedIm2col = p % kTile == 0 && cPadded - c <= 3;
    int64_t extraC = fusedIm2col ? cPadded - c : 0;
    Value xp = x->storage;
    if (extraC || llvm::any_of(wp.padsBegin, [](int64_t v) { return v; }) ||
        llvm::any_of(wp.padsEnd, [](int64_t v) { return v; }))
      xp = createPad(rewriter, loc, x->storage,
                     {0, 0, wp.padsBegin[0], wp.padsBegin[1]},
                     {0, extraC, wp.padsEnd[0], wp.padsEnd[1]}, zp);
    Value acc;
    if (fusedIm2col) {
      // Row tiles of 8 when that pads fewer output channels (24 -> 24
      // instead of 32): the microkernel runs as fast per row.
      int64_t m0 = (cout + 7) / 8 * 8 < (cout + 15) / 16 * 16 ? 8 : kTile;
      // The implicit GEMM (no im2col) reads 16 consecutive input columns
      // per tap, with the weights' taps outer.
      bool direct = wp.strides[1] == 1 && ow % kTile == 0 && cPadded % 4 == 0;
      int64_t tap = kh * kw;
      std::vector<int64_t> values(cout * cPadded * tap, 0);
      for (int64_t o = 0; o < cout; ++o)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t t = 0; t < tap; ++t)
            values[o * cPadded * tap +
                   (direct ? t * cPadded + ci : ci * tap + t)] =
                w->values[(o * c + ci) * tap + t];
      Value lhs = packConstantRows<int8_t>(
          rewriter, loc, ArrayRef<int64_t>(values), cout, cPadded * tap,
          /*transposed=*/false, 4, i8, "conv_weight_s8_packed", m0);
      acc = buildConvIm2colGemm(rewriter, loc, lhs, xp, kh, kw, oh, ow,
                                wp.strides, wp.dilations, direct);
    } else {
      Value lhs = packConstantRows<int8_t>(
          rewriter, loc, ArrayRef<int64_t>(w->values), cout, k,
          /*transposed=*/false, 4, i8, "conv_weight_s8_packed");
      Value rhs;
      if (pointwise) {
        rhs = packRows(rewriter, loc,
                       createReshape(rewriter, loc, x->storage,
                                     RankedTensorType::get({k, p}, i8)),
                       /*transposed=*/true, 4,
                       createScalar(rewriter, loc, i8, 0));
      } else {
        auto colType = RankedTensorType::get({c, kh, kw, oh, ow}, i8);
        auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
        AffineMap in =
            AffineMap::get(5, 0,
                           {getAffineConstantExpr(0, ctx), d(0),
                            d(3) * wp.strides[0] + d(1) * wp.dilations[0],
                            d(4) * wp.strides[1] + d(2) * wp.dilations[1]},
                           ctx);
        SmallVector<AffineMap> maps = {
            in, AffineMap::getMultiDimIdentityMap(5, ctx)};
        SmallVector<utils::IteratorType> iters(5,
                                               utils::IteratorType::parallel);
        Value col5 =
            linalg::GenericOp::create(
                rewriter, loc, TypeRange{colType}, ValueRange{xp},
                ValueRange{createEmpty(rewriter, loc, colType)}, maps, iters,
                [](OpBuilder &nb, Location l, ValueRange a) {
                  linalg::YieldOp::create(nb, l, a[0]);
                })
                .getResult(0);
        Value col = createReshape(rewriter, loc, col5,
                                  RankedTensorType::get({k, p}, i8));
        rhs = packRows(rewriter, loc, col, /*transposed=*/true, 4,
                       createScalar(rewriter, loc, i8, 0));
      }
      acc = buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::S8U8);
    }
    std::vector<float> scale;
    std::vector<int32_t> colsum;
    requantConstants(*x, *w, cout, k, /*channelMajor=*/true, scale, colsum);
    Value y = unpackRequant(rewriter, loc, acc, cout, p, /*transposed=*/false,
                            /*channelIsRow=*/true, x->zeroPoint, colsum, scale,
                            *bias);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, yt));
    return success();
  }
};

/// qc.matmul(dequantize(u8 X[..., K]), dequantize(s8 W[K, N])).
struct QuantizedMatMul : OpConversionPattern<MatMulOp> {
  QuantizedMatMul(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/3) {}
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto at = op.getLhs().getType();
    auto bt = op.getRhs().getType();
    if (at.getRank() < 2 || bt.getRank() != 2)
      return failure();
    std::optional<QuantActivation> x =
        matchQuantActivation(op.getLhs(), rewriter);
    std::optional<QuantWeight> w = matchQuantWeight(op.getRhs(), 1);
    if (!x || !w)
      return failure();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type();
    int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
    int64_t m = at.getNumElements() / k;
    Value xs = createReshape(rewriter, loc, x->storage,
                             RankedTensorType::get({m, k}, i8));
    Value lhs = packRows(rewriter, loc, xs, /*transposed=*/false, 4,
                         createScalar(rewriter, loc, i8, 0));
    Value rhs = packConstantRows<int8_t>(
        rewriter, loc, ArrayRef<int64_t>(w->values), n, k,
        /*transposed=*/true, 4, i8, "matmul_weight_s8_packed");
    Value acc = buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::U8S8);
    std::vector<float> scale;
    std::vector<int32_t> colsum;
    requantConstants(*x, *w, n, k, /*channelMajor=*/false, scale, colsum);
    Value y = unpackRequant(rewriter, loc, acc, m, n, /*transposed=*/false,
                            /*channelIsRow=*/false, x->zeroPoint, colsum, scale,
                            std::vector<float>(n, 0.0f));
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }
};

} // namespace

void lowering::populateDataTilingPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<DataTiledConv, DataTiledMatMul, DataTiledConvTranspose,
               DepthwiseConv, QuantizedConv, QuantizedMatMul>(
      converter, patterns.getContext());
}

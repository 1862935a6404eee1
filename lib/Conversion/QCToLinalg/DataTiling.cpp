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

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

static constexpr int64_t kTile = 16; // M0 = N0 of the f32 microkernel

/// Packs a constant row-major [rows][K] matrix into [ceil(rows/16)][K][16][1].
static Value packConstantRows(OpBuilder &b, Location loc, ArrayRef<float> data,
                              int64_t rows, int64_t k, bool transposed,
                              StringRef name) {
  int64_t r1 = (rows + kTile - 1) / kTile;
  std::vector<float> packed(r1 * k * kTile, 0.0f);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t kk = 0; kk < k; ++kk)
      packed[((r / kTile) * k + kk) * kTile + r % kTile] =
          transposed ? data[kk * rows + r] : data[r * k + kk];
  auto type = RankedTensorType::get({r1, k, kTile, 1}, b.getF32Type());
  return arith::ConstantOp::create(b, loc, makeF32Resource(type, name, packed));
}

/// Packs a tensor into [ceil(rows/16)][K][16][1] at run time. `src` is
/// [rows][K] (`transposed` = false) or [K][rows] (true); partial tiles read
/// zeros from a padded copy.
static Value packRows(OpBuilder &b, Location loc, Value src, bool transposed) {
  MLIRContext *ctx = b.getContext();
  auto st = cast<RankedTensorType>(src.getType());
  int64_t rows = st.getDimSize(transposed ? 1 : 0);
  int64_t k = st.getDimSize(transposed ? 0 : 1);
  int64_t r1 = (rows + kTile - 1) / kTile;
  Type f32 = st.getElementType();
  int64_t pad = r1 * kTile - rows;
  if (pad) {
    SmallVector<int64_t> lo = {0, 0}, hi = {0, 0};
    hi[transposed ? 1 : 0] = pad;
    src = createPad(b, loc, src, lo, hi, createScalar(b, loc, f32, 0));
  }
  auto type = RankedTensorType::get({r1, k, kTile, 1}, f32);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr row = d(0) * kTile + d(2);
  AffineMap in = AffineMap::get(4, 0,
                                transposed ? ArrayRef<AffineExpr>{d(1), row}
                                           : ArrayRef<AffineExpr>{row, d(1)},
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

/// OUT[M1][N1][16][16] = sum_k LHS[M1][k][16][0] * RHS[N1][k][16][0], as a
/// generic tagged for the microkernel.
static Value buildMmt4d(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  MLIRContext *ctx = b.getContext();
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  Type f32 = lt.getElementType();
  auto outType = RankedTensorType::get(
      {lt.getDimSize(0), rt.getDimSize(0), kTile, kTile}, f32);
  // Loops: m1, n1, k1, m0, n0, k0.
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0, {d(0), d(2), d(3), d(5)}, ctx),
      AffineMap::get(6, 0, {d(1), d(2), d(4), d(5)}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(3), d(4)}, ctx)};
  using IT = utils::IteratorType;
  SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                           IT::parallel, IT::parallel, IT::reduction};
  Value init = createFilled(b, loc, outType, createScalar(b, loc, f32, 0));
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
      iters, [](OpBuilder &nb, Location l, ValueRange a) {
        Value p = arith::MulFOp::create(nb, l, a[0], a[1]);
        linalg::YieldOp::create(nb, l,
                                Value(arith::AddFOp::create(nb, l, a[2], p)));
      });
  op->setAttr("qc.ukernel", b.getStringAttr("mmt4d_f32"));
  return op.getResult(0);
}

/// out[r][c] = OUT[r/16][c/16][r%16][c%16] (+ bias[r] or bias[c]).
static Value unpack(OpBuilder &b, Location loc, Value c, int64_t rows,
                    int64_t cols, Value bias, bool biasPerRow) {
  MLIRContext *ctx = b.getContext();
  Type f32 = cast<RankedTensorType>(c.getType()).getElementType();
  auto type = RankedTensorType::get({rows, cols}, f32);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {AffineMap::get(
      2, 0,
      {d(0).floorDiv(kTile), d(1).floorDiv(kTile), d(0) % kTile, d(1) % kTile},
      ctx)};
  SmallVector<Value> inputs = {c};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(2, 0, {biasPerRow ? d(0) : d(1)}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(2, ctx));
  SmallVector<utils::IteratorType> iters(2, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs,
             ValueRange{createEmpty(b, loc, type)}, maps, iters,
             [](OpBuilder &nb, Location l, ValueRange a) {
               Value v = a[0];
               if (a.size() > 2)
                 v = arith::AddFOp::create(nb, l, v, a[1]);
               linalg::YieldOp::create(nb, l, v);
             })
      .getResult(0);
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
    std::optional<std::vector<float>> w = readFloatConstant(op.getW());
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
    Value lhs = packConstantRows(rewriter, loc, *w, cout, k,
                                 /*transposed=*/false, "conv_weight_packed");
    Value rhs = packRows(rewriter, loc, col, /*transposed=*/true);
    Value out = buildMmt4d(rewriter, loc, lhs, rhs);
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
    std::optional<std::vector<float>> w = readFloatConstant(op.getRhs());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
    int64_t m = at.getNumElements() / k;
    Value x = createReshape(rewriter, loc, adaptor.getLhs(),
                            RankedTensorType::get({m, k}, f32));
    Value lhs = packRows(rewriter, loc, x, /*transposed=*/false);
    Value rhs = packConstantRows(rewriter, loc, *w, n, k, /*transposed=*/true,
                                 "matmul_weight_packed");
    Value out = buildMmt4d(rewriter, loc, lhs, rhs);
    Value y = unpack(rewriter, loc, out, m, n, Value(), false);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }
};

/// Depthwise qc.conv (2-D, batch 1, group == C == M) as a generic with
/// loops (c, oh, kh, kw, ow): the output row stays innermost and contiguous
/// (for stride 1) so LLVM vectorizes it; tagged for sequential loop order.
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
    rewriter.replaceOp(op, createReshape(rewriter, loc, conv.getResult(0), yt));
    return success();
  }
};

} // namespace

void lowering::populateDataTilingPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<DataTiledConv, DataTiledMatMul, DepthwiseConv>(
      converter, patterns.getContext());
}

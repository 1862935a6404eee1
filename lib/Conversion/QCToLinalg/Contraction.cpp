//===- Contraction.cpp - conv, conv_transpose, matmul, gemm to linalg -----===//

#include "Lowering.h"

#include "qc/QCShapeUtils.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

static DenseIntElementsAttr i64Vector(OpBuilder &b, ArrayRef<int64_t> v) {
  return DenseIntElementsAttr::get(
      RankedTensorType::get({(int64_t)v.size()}, b.getI64Type()), v);
}

/// Adds a per-output-channel bias (dimension 1) to `y`.
static Value addChannelBias(OpBuilder &b, Location loc, Value y, Value bias) {
  auto type = cast<RankedTensorType>(y.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, ctx),
      AffineMap::get(rank, 0, getAffineDimExpr(1, ctx)),
      AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{y, bias},
             ValueRange{createEmpty(b, loc, type)}, maps, iters,
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(
                   nb, l, Value(arith::AddFOp::create(nb, l, a[0], a[1])));
             })
      .getResult(0);
}

/// A grouped N-d convolution as a linalg.generic on [N, G, Cg, S...] input
/// and [G, Mg, Cg, K...] weights; `x` is already padded.
static Value buildGroupedConv(OpBuilder &b, Location loc, Value x, Value w,
                              RankedTensorType outType, int64_t group,
                              ArrayRef<int64_t> strides,
                              ArrayRef<int64_t> dilations) {
  MLIRContext *ctx = b.getContext();
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  Type elem = xt.getElementType();
  int64_t s = xt.getRank() - 2;
  int64_t n = xt.getDimSize(0), c = xt.getDimSize(1), m = wt.getDimSize(0);
  int64_t cg = c / group, mg = m / group;
  SmallVector<int64_t> xShape = {n, group, cg};
  llvm::append_range(xShape, xt.getShape().drop_front(2));
  SmallVector<int64_t> wShape = {group, mg, cg};
  llvm::append_range(wShape, wt.getShape().drop_front(2));
  SmallVector<int64_t> oShape = {n, group, mg};
  llvm::append_range(oShape, outType.getShape().drop_front(2));
  Value xg = createReshape(b, loc, x, RankedTensorType::get(xShape, elem));
  Value wg = createReshape(b, loc, w, RankedTensorType::get(wShape, elem));
  auto oType = RankedTensorType::get(oShape, elem);

  // Loops: n, g, m, o_1..o_s (parallel); c, k_1..k_s (reduction).
  int64_t numLoops = 3 + s + 1 + s;
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> xe = {d(0), d(1), d(3 + s)};
  SmallVector<AffineExpr> we = {d(1), d(2), d(3 + s)};
  SmallVector<AffineExpr> oe = {d(0), d(1), d(2)};
  for (int64_t i = 0; i < s; ++i) {
    xe.push_back(d(3 + i) * strides[i] + d(4 + s + i) * dilations[i]);
    we.push_back(d(4 + s + i));
    oe.push_back(d(3 + i));
  }
  SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xe, ctx),
                                 AffineMap::get(numLoops, 0, we, ctx),
                                 AffineMap::get(numLoops, 0, oe, ctx)};
  SmallVector<utils::IteratorType> iters(3 + s, utils::IteratorType::parallel);
  iters.append(1 + s, utils::IteratorType::reduction);
  Value init = createFilled(b, loc, oType, createScalar(b, loc, elem, 0));
  Value out = linalg::GenericOp::create(
                  b, loc, TypeRange{oType}, ValueRange{xg, wg},
                  ValueRange{init}, maps, iters,
                  [](OpBuilder &nb, Location l, ValueRange a) {
                    Value p = arith::MulFOp::create(nb, l, a[0], a[1]);
                    linalg::YieldOp::create(
                        nb, l, Value(arith::AddFOp::create(nb, l, a[2], p)));
                  })
                  .getResult(0);
  return createReshape(b, loc, out, outType);
}

/// Convolution of an already padded input; picks a named op where one fits.
static Value buildConv(OpBuilder &b, Location loc, Value x, Value w,
                       RankedTensorType outType, int64_t group,
                       ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  Type elem = xt.getElementType();
  Value init = createFilled(b, loc, outType, createScalar(b, loc, elem, 0));
  if (xt.getRank() == 4 && group == 1)
    return linalg::Conv2DNchwFchwOp::create(
               b, loc, TypeRange{outType}, ValueRange{x, w}, ValueRange{init},
               i64Vector(b, strides), i64Vector(b, dilations))
        .getResult(0);
  if (xt.getRank() == 4 && group == xt.getDimSize(1) &&
      wt.getDimSize(0) == group) {
    auto fType = RankedTensorType::get(
        {wt.getDimSize(0), wt.getDimSize(2), wt.getDimSize(3)}, elem);
    Value f = createReshape(b, loc, w, fType);
    return linalg::DepthwiseConv2DNchwChwOp::create(
               b, loc, TypeRange{outType}, ValueRange{x, f}, ValueRange{init},
               i64Vector(b, strides), i64Vector(b, dilations))
        .getResult(0);
  }
  return buildGroupedConv(b, loc, x, w, outType, group, strides, dilations);
}

Value lowering::gemmScaleAndAdd(OpBuilder &b, Location loc,
                                RankedTensorType resultType, Value y, Value c,
                                double alpha, double beta) {
  Type elem = resultType.getElementType();
  if (alpha == 1.0 && (!c || beta == 0.0))
    return y;
  SmallVector<Value> inputs = {y};
  if (c && beta != 0.0)
    inputs.push_back(c);
  return createElementwise(
      b, loc, resultType, inputs,
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value v = args[0];
        if (alpha != 1.0)
          v = arith::MulFOp::create(nb, l, v, createScalar(nb, l, elem, alpha));
        if (args.size() > 1) {
          Value cv = args[1];
          if (beta != 1.0)
            cv = arith::MulFOp::create(nb, l, cv,
                                       createScalar(nb, l, elem, beta));
          v = arith::AddFOp::create(nb, l, v, cv);
        }
        return v;
      });
}

namespace {

struct ConvLowering : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    int64_t s = op.getX().getType().getRank() - 2;
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), s, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    Type elem = op.getType().getElementType();
    SmallVector<int64_t> lo(2, 0), hi(2, 0);
    llvm::append_range(lo, wp.padsBegin);
    llvm::append_range(hi, wp.padsEnd);
    Value x = createPad(rewriter, loc, adaptor.getX(), lo, hi,
                        createScalar(rewriter, loc, elem, 0));
    Value y = buildConv(rewriter, loc, x, adaptor.getW(), op.getType(),
                        op.getGroup(), wp.strides, wp.dilations);
    if (Value bias = adaptor.getB())
      y = addChannelBias(rewriter, loc, y, bias);
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// conv_transpose(x, w) = conv(zero-insert(x) padded, flip(w) transposed):
/// the input is spread by the stride, padded by (k-1)*d - pad on each side
/// (plus output_padding at the end), and convolved with the spatially
/// flipped weights whose in/out channels are swapped per group.
struct ConvTransposeLowering : OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    Type elem = xt.getElementType();
    int64_t s = xt.getRank() - 2, group = op.getGroup();
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), s, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    SmallVector<int64_t> outPad(s, 0);
    if (auto p = op.getOutputPadding())
      outPad.assign(p->begin(), p->end());
    Value zero = createScalar(rewriter, loc, elem, 0);

    // 1. Spread the input: x[.., i] -> z[.., i * stride].
    SmallVector<int64_t> zShape(xt.getShape().take_front(2));
    for (int64_t i = 0; i < s; ++i)
      zShape.push_back((xt.getDimSize(2 + i) - 1) * wp.strides[i] + 1);
    Value z = adaptor.getX();
    if (llvm::any_of(wp.strides, [](int64_t v) { return v != 1; })) {
      auto zType = RankedTensorType::get(zShape, elem);
      Value zeros = createFilled(rewriter, loc, zType, zero);
      SmallVector<OpFoldResult> offsets(2 + s, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides;
      for (int64_t i = 0; i < 2 + s; ++i) {
        sizes.push_back(rewriter.getIndexAttr(xt.getDimSize(i)));
        strides.push_back(rewriter.getIndexAttr(i < 2 ? 1 : wp.strides[i - 2]));
      }
      z = tensor::InsertSliceOp::create(rewriter, loc, adaptor.getX(), zeros,
                                        offsets, sizes, strides);
    }
    // 2. Pad (or crop where the pads exceed the kernel span).
    SmallVector<int64_t> lo(2, 0), hi(2, 0), cropLo(2, 0), cropHi(2, 0);
    for (int64_t i = 0; i < s; ++i) {
      int64_t span = (wt.getDimSize(2 + i) - 1) * wp.dilations[i];
      int64_t l = span - wp.padsBegin[i];
      int64_t h = span - wp.padsEnd[i] + outPad[i];
      lo.push_back(std::max<int64_t>(l, 0));
      hi.push_back(std::max<int64_t>(h, 0));
      cropLo.push_back(std::max<int64_t>(-l, 0));
      cropHi.push_back(std::max<int64_t>(-h, 0));
    }
    z = createPad(rewriter, loc, z, lo, hi, zero);
    if (llvm::any_of(cropLo, [](int64_t v) { return v; }) ||
        llvm::any_of(cropHi, [](int64_t v) { return v; })) {
      auto zt = cast<RankedTensorType>(z.getType());
      SmallVector<OpFoldResult> offsets, sizes,
          strides(zt.getRank(), rewriter.getIndexAttr(1));
      SmallVector<int64_t> shape;
      for (int64_t i = 0; i < zt.getRank(); ++i) {
        offsets.push_back(rewriter.getIndexAttr(cropLo[i]));
        shape.push_back(zt.getDimSize(i) - cropLo[i] - cropHi[i]);
        sizes.push_back(rewriter.getIndexAttr(shape.back()));
      }
      z = tensor::ExtractSliceOp::create(rewriter, loc,
                                         RankedTensorType::get(shape, elem), z,
                                         offsets, sizes, strides);
    }
    // 3. Weights [C, Mg, K...] -> [M, Cg, K...] flipped: w'[g*Mg + m, c,
    //    k] = w[g*Cg + c, m, K-1-k]. Expressed on [G, Cg, Mg, K...].
    int64_t c = wt.getDimSize(0), mg = wt.getDimSize(1), cg = c / group;
    SmallVector<int64_t> wgShape = {group, cg, mg};
    llvm::append_range(wgShape, wt.getShape().drop_front(2));
    Value wg = createReshape(rewriter, loc, adaptor.getW(),
                             RankedTensorType::get(wgShape, elem));
    SmallVector<int64_t> ftShape = {group, mg, cg};
    llvm::append_range(ftShape, wt.getShape().drop_front(2));
    auto ftType = RankedTensorType::get(ftShape, elem);
    int64_t rank = 3 + s;
    SmallVector<AffineExpr> inExprs = {getAffineDimExpr(0, ctx),
                                       getAffineDimExpr(2, ctx),
                                       getAffineDimExpr(1, ctx)};
    for (int64_t i = 0; i < s; ++i)
      inExprs.push_back(wt.getDimSize(2 + i) - 1 -
                        getAffineDimExpr(3 + i, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, inExprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value flipped =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{ftType}, ValueRange{wg},
            ValueRange{createEmpty(rewriter, loc, ftType)}, maps, iters,
            [](OpBuilder &nb, Location l, ValueRange a) {
              linalg::YieldOp::create(nb, l, a[0]);
            })
            .getResult(0);
    SmallVector<int64_t> fShape = {group * mg, cg};
    llvm::append_range(fShape, wt.getShape().drop_front(2));
    Value f = createReshape(rewriter, loc, flipped,
                            RankedTensorType::get(fShape, elem));
    // 4. A stride-1 convolution with the original dilation.
    SmallVector<int64_t> ones(s, 1);
    Value y =
        buildConv(rewriter, loc, z, f, op.getType(), group, ones, wp.dilations);
    if (Value bias = adaptor.getB())
      y = addChannelBias(rewriter, loc, y, bias);
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// Batched, broadcasting matrix product (numpy semantics) as linalg.matmul
/// when both operands are 2-D, and as one linalg.generic otherwise.
struct MatMulLowering : OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = convertType(*getTypeConverter(), op.getType());
    Type elem = resultType.getElementType();
    bool isFloat = isa<FloatType>(elem);
    bool isUnsigned = isUnsignedElement(op.getType().getElementType());
    ArrayRef<int64_t> as = op.getLhs().getType().getShape();
    ArrayRef<int64_t> bs = op.getRhs().getType().getShape();
    Value init = createFilled(rewriter, loc, resultType,
                              createScalar(rewriter, loc, elem, 0));
    if (as.size() == 2 && bs.size() == 2 && isFloat) {
      rewriter.replaceOp(op, linalg::MatmulOp::create(
                                 rewriter, loc, TypeRange{resultType},
                                 ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                                 ValueRange{init})
                                 .getResult(0));
      return success();
    }
    // Loops: the result dims (batch..., m?) then k, then n when there is
    // one: n innermost keeps the contiguous dimension of rhs and of the
    // result in the inner loop, which LLVM vectorizes.
    int64_t r = resultType.getRank();
    int64_t numLoops = r + 1;
    bool aVec = as.size() == 1, bVec = bs.size() == 1;
    int64_t batchRank = r - (aVec ? 0 : 1) - (bVec ? 0 : 1);
    // Loop position of result dimension i, and of k.
    auto resultLoop = [&](int64_t i) { return (!bVec && i == r - 1) ? r : i; };
    int64_t kLoop = bVec ? r : r - 1;
    int64_t mDim = aVec ? -1 : batchRank;
    int64_t nDim = bVec ? -1 : batchRank + (aVec ? 0 : 1);
    AffineExpr k = getAffineDimExpr(kLoop, ctx);
    auto batchExprs = [&](ArrayRef<int64_t> shape) {
      SmallVector<AffineExpr> e;
      int64_t own = shape.size() - 2;
      for (int64_t i = 0; i < own; ++i) {
        int64_t dim = batchRank - own + i;
        e.push_back(shape[i] == 1 && resultType.getDimSize(dim) != 1
                        ? getAffineConstantExpr(0, ctx)
                        : getAffineDimExpr(resultLoop(dim), ctx));
      }
      return e;
    };
    SmallVector<AffineExpr> ae, be, oe;
    if (aVec) {
      ae.push_back(k);
    } else {
      ae = batchExprs(as);
      ae.push_back(getAffineDimExpr(resultLoop(mDim), ctx));
      ae.push_back(k);
    }
    if (bVec) {
      be.push_back(k);
    } else {
      be = batchExprs(bs);
      be.push_back(k);
      be.push_back(getAffineDimExpr(resultLoop(nDim), ctx));
    }
    for (int64_t i = 0; i < r; ++i)
      oe.push_back(getAffineDimExpr(resultLoop(i), ctx));
    SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, ae, ctx),
                                   AffineMap::get(numLoops, 0, be, ctx),
                                   AffineMap::get(numLoops, 0, oe, ctx)};
    SmallVector<utils::IteratorType> iters(numLoops,
                                           utils::IteratorType::parallel);
    iters[kLoop] = utils::IteratorType::reduction;
    (void)isUnsigned;
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{resultType},
            ValueRange{adaptor.getLhs(), adaptor.getRhs()}, ValueRange{init},
            maps, iters,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value p = isFloat
                            ? (Value)arith::MulFOp::create(nb, l, a[0], a[1])
                            : (Value)arith::MulIOp::create(nb, l, a[0], a[1]);
              Value s = isFloat ? (Value)arith::AddFOp::create(nb, l, a[2], p)
                                : (Value)arith::AddIOp::create(nb, l, a[2], p);
              linalg::YieldOp::create(nb, l, s);
            })
            .getResult(0);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// gemm: alpha * op(a) * op(b) + beta * c with linalg.matmul (transposes
/// folded into the indexing through linalg.transpose when set).
struct GemmLowering : OpConversionPattern<GemmOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = op.getType();
    Type elem = resultType.getElementType();
    auto transpose = [&](Value v) -> Value {
      auto t = cast<RankedTensorType>(v.getType());
      auto tt = RankedTensorType::get({t.getDimSize(1), t.getDimSize(0)}, elem);
      return linalg::TransposeOp::create(rewriter, loc, v,
                                         createEmpty(rewriter, loc, tt),
                                         ArrayRef<int64_t>{1, 0})
          .getResult()[0];
    };
    Value a = op.getTransA() ? transpose(adaptor.getA()) : adaptor.getA();
    Value b = op.getTransB() ? transpose(adaptor.getB()) : adaptor.getB();
    Value init = createFilled(rewriter, loc, resultType,
                              createScalar(rewriter, loc, elem, 0));
    Value y = linalg::MatmulOp::create(rewriter, loc, TypeRange{resultType},
                                       ValueRange{a, b}, ValueRange{init})
                  .getResult(0);
    Value result = gemmScaleAndAdd(rewriter, loc, resultType, y, adaptor.getC(),
                                   op.getAlpha().convertToDouble(),
                                   op.getBeta().convertToDouble());
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lowering::populateContractionPatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  patterns
      .add<ConvLowering, ConvTransposeLowering, MatMulLowering, GemmLowering>(
          converter, patterns.getContext());
}

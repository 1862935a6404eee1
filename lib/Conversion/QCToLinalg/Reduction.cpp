//===- Reduction.cpp - pooling, reductions, softmax, normalisation --------===//

#include "Lowering.h"

#include "qc/QCShapeUtils.h"

#include "llvm/ADT/TypeSwitch.h"
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

using CombineFn =
    function_ref<Value(OpBuilder &, Location, Value acc, Value x)>;

/// A linalg.generic reducing `input` over `axes` into `resultType` (which
/// has the reduced dimensions removed, or kept as 1 when `keepdims`),
/// starting from `init`.
static Value buildReduce(OpBuilder &b, Location loc, Value input,
                         ArrayRef<int64_t> axes, bool keepdims,
                         RankedTensorType resultType, Value init,
                         CombineFn combine) {
  MLIRContext *ctx = b.getContext();
  auto it = cast<RankedTensorType>(input.getType());
  int64_t rank = it.getRank();
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t i = 0; i < rank; ++i) {
    bool reduced = llvm::is_contained(axes, i);
    iters.push_back(reduced ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
    if (!reduced)
      outExprs.push_back(getAffineDimExpr(i, ctx));
    else if (keepdims)
      outExprs.push_back(getAffineConstantExpr(0, ctx));
  }
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  Value filled = createFilled(b, loc, resultType, init);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{input},
             ValueRange{filled}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value r = combine(nb, l, a[1], a[0]);
               // Float reductions may be reassociated (and assume no NaNs
               // for max/min), so LLVM vectorizes them.
               if (auto fm = r.getDefiningOp<arith::ArithFastMathInterface>())
                 fm->setAttr(fm.getFastMathAttrName(),
                             arith::FastMathFlagsAttr::get(
                                 nb.getContext(),
                                 arith::FastMathFlags::reassoc |
                                     arith::FastMathFlags::nnan |
                                     arith::FastMathFlags::nsz));
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

static SmallVector<int64_t>
normalizedAxes(std::optional<ArrayRef<int64_t>> axes, int64_t rank) {
  SmallVector<int64_t> out;
  if (!axes) {
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(i);
    return out;
  }
  for (int64_t a : *axes)
    out.push_back(*normalizeAxis(a, rank));
  return out;
}

/// The same shape with `axes` set to 1.
static RankedTensorType keptType(RankedTensorType t, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape(t.getShape());
  for (int64_t a : axes)
    shape[a] = 1;
  return t.clone(shape);
}

static Value lowest(OpBuilder &b, Location loc, Type t, bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, -std::numeric_limits<double>::infinity()));
  unsigned w = t.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(t, isUnsigned ? APInt::getZero(w)
                                     : APInt::getSignedMinValue(w)));
}

static Value highest(OpBuilder &b, Location loc, Type t, bool isUnsigned) {
  if (auto f = dyn_cast<FloatType>(t))
    return arith::ConstantOp::create(
        b, loc, b.getFloatAttr(f, std::numeric_limits<double>::infinity()));
  unsigned w = t.getIntOrFloatBitWidth();
  return arith::ConstantOp::create(
      b, loc,
      b.getIntegerAttr(t, isUnsigned ? APInt::getMaxValue(w)
                                     : APInt::getSignedMaxValue(w)));
}

namespace {

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

template <typename OpTy> struct ReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = cast<RankedTensorType>(adaptor.getX().getType());
    auto resultType = convertType(*this->getTypeConverter(), op.getType());
    Type t = resultType.getElementType();
    bool isFloat = isa<FloatType>(t);
    bool isUnsigned = isUnsignedElement(op.getType().getElementType());
    SmallVector<int64_t> axes = normalizedAxes(op.getAxes(), inType.getRank());
    OpBuilder &b = rewriter;
    auto add = [&](OpBuilder &nb, Location l, Value a, Value x) -> Value {
      return isFloat ? (Value)arith::AddFOp::create(nb, l, a, x)
                     : (Value)arith::AddIOp::create(nb, l, a, x);
    };
    auto mul = [&](OpBuilder &nb, Location l, Value a, Value x) -> Value {
      return isFloat ? (Value)arith::MulFOp::create(nb, l, a, x)
                     : (Value)arith::MulIOp::create(nb, l, a, x);
    };
    auto absv = [&](OpBuilder &nb, Location l, Value x) -> Value {
      if (isFloat)
        return math::AbsFOp::create(nb, l, x);
      return isUnsigned ? x : (Value)math::AbsIOp::create(nb, l, x);
    };
    Value init;
    std::function<Value(OpBuilder &, Location, Value, Value)> combine;
    if (std::is_same_v<OpTy, ReduceMaxOp>) {
      init = lowest(b, loc, t, isUnsigned);
      combine = [&](OpBuilder &nb, Location l, Value a, Value x) -> Value {
        if (isFloat)
          return arith::MaximumFOp::create(nb, l, a, x);
        return isUnsigned ? (Value)arith::MaxUIOp::create(nb, l, a, x)
                          : (Value)arith::MaxSIOp::create(nb, l, a, x);
      };
    } else if (std::is_same_v<OpTy, ReduceMinOp>) {
      init = highest(b, loc, t, isUnsigned);
      combine = [&](OpBuilder &nb, Location l, Value a, Value x) -> Value {
        if (isFloat)
          return arith::MinimumFOp::create(nb, l, a, x);
        return isUnsigned ? (Value)arith::MinUIOp::create(nb, l, a, x)
                          : (Value)arith::MinSIOp::create(nb, l, a, x);
      };
    } else if (std::is_same_v<OpTy, ReduceProdOp>) {
      init = createScalar(b, loc, t, 1);
      combine = mul;
    } else if (std::is_same_v<OpTy, ReduceL1Op>) {
      init = createScalar(b, loc, t, 0);
      combine = [&](OpBuilder &nb, Location l, Value a, Value x) {
        return add(nb, l, a, absv(nb, l, x));
      };
    } else if ((std::is_same_v<OpTy, ReduceL2Op> ||
                std::is_same_v<OpTy, ReduceSumSquareOp>)) {
      init = createScalar(b, loc, t, 0);
      combine = [&](OpBuilder &nb, Location l, Value a, Value x) {
        return add(nb, l, a, mul(nb, l, x, x));
      };
    } else { // sum, mean
      init = createScalar(b, loc, t, 0);
      combine = add;
    }
    Value r = buildReduce(b, loc, adaptor.getX(), axes, op.getKeepdims(),
                          resultType, init, combine);
    if (std::is_same_v<OpTy, ReduceMeanOp>) {
      int64_t count = 1;
      for (int64_t a : axes)
        count *= inType.getDimSize(a);
      r = createElementwise(
          b, loc, resultType, r,
          [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
            if (isFloat)
              return arith::DivFOp::create(nb, l, v[0],
                                           createScalar(nb, l, t, count));
            return isUnsigned ? (Value)arith::DivUIOp::create(
                                    nb, l, v[0], createScalar(nb, l, t, count))
                              : (Value)arith::DivSIOp::create(
                                    nb, l, v[0], createScalar(nb, l, t, count));
          });
    } else if (std::is_same_v<OpTy, ReduceL2Op>) {
      r = createElementwise(b, loc, resultType, r,
                            [](OpBuilder &nb, Location l, ValueRange v) {
                              return (Value)math::SqrtOp::create(nb, l, v[0]);
                            });
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

template <typename OpTy, bool isMax>
struct ArgReduceLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = cast<RankedTensorType>(adaptor.getX().getType());
    Type t = inType.getElementType();
    bool isFloat = isa<FloatType>(t);
    bool isUnsigned = isUnsignedElement(op.getX().getType().getElementType());
    int64_t rank = inType.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    bool last = op.getSelectLastIndex();
    auto idxType = op.getType();
    auto valType = idxType.clone(t);
    SmallVector<AffineExpr> outExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t i = 0; i < rank; ++i) {
      iters.push_back(i == axis ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
      if (i != axis)
        outExprs.push_back(getAffineDimExpr(i, ctx));
      else if (op.getKeepdims())
        outExprs.push_back(getAffineConstantExpr(0, ctx));
    }
    AffineMap outMap = AffineMap::get(rank, 0, outExprs, ctx);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                   outMap, outMap};
    Value vInit = createFilled(rewriter, loc, valType,
                               isMax ? lowest(rewriter, loc, t, isUnsigned)
                                     : highest(rewriter, loc, t, isUnsigned));
    Value iInit =
        createFilled(rewriter, loc, idxType,
                     createScalar(rewriter, loc, rewriter.getI64Type(), -1));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valType, idxType}, ValueRange{adaptor.getX()},
        ValueRange{vInit, iInit}, maps, iters,
        [&](OpBuilder &nb, Location l, ValueRange a) {
          Value x = a[0], best = a[1], bestIdx = a[2];
          Value idx = arith::IndexCastOp::create(
              nb, l, nb.getI64Type(), linalg::IndexOp::create(nb, l, axis));
          Value better;
          if (isFloat) {
            auto pred = isMax ? (last ? arith::CmpFPredicate::OGE
                                      : arith::CmpFPredicate::OGT)
                              : (last ? arith::CmpFPredicate::OLE
                                      : arith::CmpFPredicate::OLT);
            better = arith::CmpFOp::create(nb, l, pred, x, best);
          } else {
            arith::CmpIPredicate pred;
            if (isMax)
              pred = isUnsigned ? (last ? arith::CmpIPredicate::uge
                                        : arith::CmpIPredicate::ugt)
                                : (last ? arith::CmpIPredicate::sge
                                        : arith::CmpIPredicate::sgt);
            else
              pred = isUnsigned ? (last ? arith::CmpIPredicate::ule
                                        : arith::CmpIPredicate::ult)
                                : (last ? arith::CmpIPredicate::sle
                                        : arith::CmpIPredicate::slt);
            better = arith::CmpIOp::create(nb, l, pred, x, best);
          }
          // The first element always wins (index still -1).
          Value first =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, bestIdx,
                                    createScalar(nb, l, nb.getI64Type(), 0));
          better = arith::OrIOp::create(nb, l, better, first);
          Value nv = arith::SelectOp::create(nb, l, better, x, best);
          Value ni = arith::SelectOp::create(nb, l, better, idx, bestIdx);
          linalg::YieldOp::create(nb, l, ValueRange{nv, ni});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Softmax, normalisation.
//===----------------------------------------------------------------------===//

template <typename OpTy, bool isLog>
struct SoftmaxLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Type t = type.getElementType();
    int64_t axis = *normalizeAxis(op.getAxis(), type.getRank());
    auto kept = keptType(type, {axis});
    Value x = adaptor.getX();
    Value mx = buildReduce(
        rewriter, loc, x, {axis}, true, kept, lowest(rewriter, loc, t, false),
        [](OpBuilder &nb, Location l, Value a, Value v) {
          return (Value)arith::MaximumFOp::create(nb, l, a, v);
        });
    Value shifted = createElementwise(
        rewriter, loc, type, {x, mx},
        [](OpBuilder &nb, Location l, ValueRange v) {
          return (Value)arith::SubFOp::create(nb, l, v[0], v[1]);
        });
    Value e =
        createElementwise(rewriter, loc, type, shifted,
                          [](OpBuilder &nb, Location l, ValueRange v) {
                            return (Value)math::ExpOp::create(nb, l, v[0]);
                          });
    Value sum = buildReduce(rewriter, loc, e, {axis}, true, kept,
                            createScalar(rewriter, loc, t, 0),
                            [](OpBuilder &nb, Location l, Value a, Value v) {
                              return (Value)arith::AddFOp::create(nb, l, a, v);
                            });
    Value y;
    if (isLog)
      y = createElementwise(rewriter, loc, type, {shifted, sum},
                            [](OpBuilder &nb, Location l, ValueRange v) {
                              return (Value)arith::SubFOp::create(
                                  nb, l, v[0],
                                  math::LogOp::create(nb, l, v[1]));
                            });
    else
      y = createElementwise(rewriter, loc, type, {e, sum},
                            [](OpBuilder &nb, Location l, ValueRange v) {
                              return (Value)arith::DivFOp::create(nb, l, v[0],
                                                                  v[1]);
                            });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct LayerNormLowering : OpConversionPattern<LayerNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = op.getType();
    Type t = type.getElementType();
    int64_t rank = type.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t i = axis; i < rank; ++i) {
      axes.push_back(i);
      count *= type.getDimSize(i);
    }
    auto kept = keptType(type, axes);
    auto sumOf = [&](Value v) {
      return buildReduce(rewriter, loc, v, axes, true, kept,
                         createScalar(rewriter, loc, t, 0),
                         [](OpBuilder &nb, Location l, Value a, Value x) {
                           return (Value)arith::AddFOp::create(nb, l, a, x);
                         });
    };
    double inv = 1.0 / count;
    Value x = adaptor.getX();
    Value mean =
        createElementwise(rewriter, loc, kept, sumOf(x),
                          [&](OpBuilder &nb, Location l, ValueRange v) {
                            return (Value)arith::MulFOp::create(
                                nb, l, v[0], createScalar(nb, l, t, inv));
                          });
    Value centered = createElementwise(
        rewriter, loc, type, {x, mean},
        [](OpBuilder &nb, Location l, ValueRange v) {
          return (Value)arith::SubFOp::create(nb, l, v[0], v[1]);
        });
    Value sq = createElementwise(rewriter, loc, type, centered,
                                 [](OpBuilder &nb, Location l, ValueRange v) {
                                   return (Value)arith::MulFOp::create(
                                       nb, l, v[0], v[0]);
                                 });
    double eps = op.getEpsilon().convertToDouble();
    Value rstd = createElementwise(
        rewriter, loc, kept, sumOf(sq),
        [&](OpBuilder &nb, Location l, ValueRange v) {
          Value var =
              arith::MulFOp::create(nb, l, v[0], createScalar(nb, l, t, inv));
          Value ve =
              arith::AddFOp::create(nb, l, var, createScalar(nb, l, t, eps));
          return (Value)math::RsqrtOp::create(nb, l, ve);
        });
    SmallVector<Value> inputs = {centered, rstd, adaptor.getScale()};
    if (adaptor.getBias())
      inputs.push_back(adaptor.getBias());
    Value y =
        createElementwise(rewriter, loc, type, inputs,
                          [](OpBuilder &nb, Location l, ValueRange v) {
                            Value n = arith::MulFOp::create(nb, l, v[0], v[1]);
                            Value s = arith::MulFOp::create(nb, l, n, v[2]);
                            if (v.size() > 3)
                              s = arith::AddFOp::create(nb, l, s, v[3]);
                            return s;
                          });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct BatchNormLowering : OpConversionPattern<BatchNormalizationOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormalizationOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getType();
    Type t = type.getElementType();
    int64_t rank = type.getRank();
    double eps = op.getEpsilon().convertToDouble();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap ch = AffineMap::get(rank, 0, getAffineDimExpr(1, ctx));
    SmallVector<AffineMap> maps = {id, ch, ch, ch, ch, id};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type},
            ValueRange{adaptor.getX(), adaptor.getScale(), adaptor.getBias(),
                       adaptor.getMean(), adaptor.getVar()},
            ValueRange{createEmpty(rewriter, loc, type)}, maps, iters,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value ve = arith::AddFOp::create(nb, l, a[4],
                                               createScalar(nb, l, t, eps));
              Value s = arith::MulFOp::create(nb, l, a[1],
                                              math::RsqrtOp::create(nb, l, ve));
              Value c = arith::SubFOp::create(nb, l, a[0], a[3]);
              Value r = arith::AddFOp::create(
                  nb, l, arith::MulFOp::create(nb, l, c, s), a[2]);
              linalg::YieldOp::create(nb, l, r);
            })
            .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

/// Number of window taps of output position `o` that land in [lo, hi) of the
/// (begin-padded) input coordinate space.
static int64_t tapsInRange(int64_t o, int64_t k, int64_t s, int64_t d,
                           int64_t lo, int64_t hi) {
  int64_t n = 0;
  for (int64_t j = 0; j < k; ++j) {
    int64_t p = o * s + j * d;
    if (p >= lo && p < hi)
      ++n;
  }
  return n;
}

template <typename OpTy, bool isMax>
struct PoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = op.getX().getType();
    auto outType = op.getType();
    Type t = inType.getElementType();
    int64_t s = inType.getRank() - 2;
    ArrayRef<int64_t> kernel = op.getKernelShape();
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), s, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    // Pad so that every window of the (ceil-mode) output lies inside.
    SmallVector<int64_t> lo(2, 0), hi(2, 0);
    for (int64_t i = 0; i < s; ++i) {
      int64_t in = inType.getDimSize(2 + i);
      int64_t need = (outType.getDimSize(2 + i) - 1) * wp.strides[i] +
                     (kernel[i] - 1) * wp.dilations[i] + 1;
      lo.push_back(wp.padsBegin[i]);
      hi.push_back(
          std::max<int64_t>(wp.padsEnd[i], need - in - wp.padsBegin[i]));
    }
    Value padValue = isMax ? lowest(rewriter, loc, t, false)
                           : createScalar(rewriter, loc, t, 0);
    Value x = createPad(rewriter, loc, adaptor.getX(), lo, hi, padValue);
    // Loops: n, c, o_1..o_s (parallel), k_1..k_s (reduction); the window
    // operand only gives the k loops their bounds.
    int64_t numLoops = 2 + 2 * s;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> xe = {d(0), d(1)}, ke, oe = {d(0), d(1)};
    for (int64_t i = 0; i < s; ++i) {
      xe.push_back(d(2 + i) * wp.strides[i] + d(2 + s + i) * wp.dilations[i]);
      ke.push_back(d(2 + s + i));
      oe.push_back(d(2 + i));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(numLoops, 0, xe, ctx),
                                   AffineMap::get(numLoops, 0, ke, ctx),
                                   AffineMap::get(numLoops, 0, oe, ctx)};
    SmallVector<utils::IteratorType> iters(2 + s,
                                           utils::IteratorType::parallel);
    iters.append(s, utils::IteratorType::reduction);
    Value window = createEmpty(rewriter, loc, RankedTensorType::get(kernel, t));
    Value init = createFilled(rewriter, loc, outType, padValue);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outType}, ValueRange{x, window},
            ValueRange{init}, maps, iters,
            [&](OpBuilder &nb, Location l, ValueRange a) {
              Value r =
                  isMax ? (Value)arith::MaximumFOp::create(nb, l, a[2], a[0])
                        : (Value)arith::AddFOp::create(nb, l, a[2], a[0]);
              linalg::YieldOp::create(nb, l, r);
            })
            .getResult(0);
    if constexpr (!isMax) {
      // Divisor per output position: taps inside the input (or inside the
      // explicitly padded input with count_include_pad), never the extra
      // ceil-mode padding. It is separable over the spatial dimensions.
      bool includePad = false;
      if constexpr (std::is_same_v<OpTy, AveragePoolOp>)
        includePad = op.getCountIncludePad();
      SmallVector<SmallVector<int64_t>> perDim;
      bool uniform = true;
      int64_t first = -1;
      for (int64_t i = 0; i < s; ++i) {
        int64_t in = inType.getDimSize(2 + i);
        int64_t rlo = includePad ? 0 : wp.padsBegin[i];
        int64_t rhi = includePad ? in + wp.padsBegin[i] + wp.padsEnd[i]
                                 : in + wp.padsBegin[i];
        SmallVector<int64_t> c;
        for (int64_t o = 0; o < outType.getDimSize(2 + i); ++o)
          c.push_back(tapsInRange(o, kernel[i], wp.strides[i], wp.dilations[i],
                                  rlo, rhi));
        perDim.push_back(c);
      }
      SmallVector<int64_t> spatial(outType.getShape().drop_front(2));
      int64_t total = 1;
      for (int64_t v : spatial)
        total *= v;
      std::vector<float> inv(total);
      for (int64_t flat = 0; flat < total; ++flat) {
        int64_t rem = flat, count = 1;
        for (int64_t i = s - 1; i >= 0; --i) {
          count *= perDim[i][rem % spatial[i]];
          rem /= spatial[i];
        }
        if (first < 0)
          first = count;
        uniform &= count == first;
        inv[flat] = count > 0 ? 1.0f / count : 0.0f;
      }
      if (uniform) {
        double f = first > 0 ? 1.0 / first : 0.0;
        y = createElementwise(rewriter, loc, outType, y,
                              [&](OpBuilder &nb, Location l, ValueRange v) {
                                return (Value)arith::MulFOp::create(
                                    nb, l, v[0], createScalar(nb, l, t, f));
                              });
      } else {
        auto invType = RankedTensorType::get(spatial, t);
        Value invT = arith::ConstantOp::create(
            rewriter, loc, DenseElementsAttr::get(invType, ArrayRef(inv)));
        y = createElementwise(rewriter, loc, outType, {y, invT},
                              [](OpBuilder &nb, Location l, ValueRange v) {
                                return (Value)arith::MulFOp::create(nb, l, v[0],
                                                                    v[1]);
                              });
      }
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

template <typename OpTy, bool isMax>
struct GlobalPoolLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inType = op.getX().getType();
    Type t = inType.getElementType();
    SmallVector<int64_t> axes;
    int64_t count = 1;
    for (int64_t i = 2; i < inType.getRank(); ++i) {
      axes.push_back(i);
      count *= inType.getDimSize(i);
    }
    Value init = isMax ? lowest(rewriter, loc, t, false)
                       : createScalar(rewriter, loc, t, 0);
    Value y = buildReduce(
        rewriter, loc, adaptor.getX(), axes, true, op.getType(), init,
        [](OpBuilder &nb, Location l, Value a, Value x) -> Value {
          if (isMax)
            return arith::MaximumFOp::create(nb, l, a, x);
          return arith::AddFOp::create(nb, l, a, x);
        });
    if (!isMax)
      y = createElementwise(rewriter, loc, op.getType(), y,
                            [&](OpBuilder &nb, Location l, ValueRange v) {
                              return (Value)arith::MulFOp::create(
                                  nb, l, v[0],
                                  createScalar(nb, l, t, 1.0 / count));
                            });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void lowering::populateReductionPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<
      ReduceLowering<ReduceMeanOp>, ReduceLowering<ReduceSumOp>,
      ReduceLowering<ReduceMaxOp>, ReduceLowering<ReduceMinOp>,
      ReduceLowering<ReduceProdOp>, ReduceLowering<ReduceL1Op>,
      ReduceLowering<ReduceL2Op>, ReduceLowering<ReduceSumSquareOp>,
      ArgReduceLowering<ArgMaxOp, true>, ArgReduceLowering<ArgMinOp, false>,
      SoftmaxLowering<SoftmaxOp, false>, SoftmaxLowering<LogSoftmaxOp, true>,
      LayerNormLowering, BatchNormLowering, PoolLowering<AveragePoolOp, false>,
      PoolLowering<MaxPoolOp, true>,
      GlobalPoolLowering<GlobalAveragePoolOp, false>,
      GlobalPoolLowering<GlobalMaxPoolOp, true>>(converter, ctx);
}

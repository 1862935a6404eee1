//===- Elementwise.cpp - unary, binary and cast ops to linalg.generic -----===//

#include "Lowering.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/TypeSwitch.h"
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

static Value f(OpBuilder &b, Location loc, Type t, double v) {
  return createScalar(b, loc, t, v);
}

/// The scalar computation of a unary qc op on `x` (float unless noted).
static FailureOr<Value> buildUnary(Operation *op, OpBuilder &b, Location loc,
                                   Value x, bool isUnsigned) {
  Type t = x.getType();
  bool isFloat = isa<FloatType>(t);
  return TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](ReluOp) -> Value {
        return arith::MaximumFOp::create(b, loc, x, f(b, loc, t, 0));
      })
      .Case([&](SigmoidOp) -> Value {
        Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
        Value d = arith::AddFOp::create(b, loc, f(b, loc, t, 1), e);
        return arith::DivFOp::create(b, loc, f(b, loc, t, 1), d);
      })
      .Case([&](TanhOp) -> Value { return math::TanhOp::create(b, loc, x); })
      .Case([&](ExpOp) -> Value { return math::ExpOp::create(b, loc, x); })
      .Case([&](LogOp) -> Value { return math::LogOp::create(b, loc, x); })
      .Case([&](SqrtOp) -> Value { return math::SqrtOp::create(b, loc, x); })
      .Case([&](ErfOp) -> Value { return math::ErfOp::create(b, loc, x); })
      .Case([&](ReciprocalOp) -> Value {
        return arith::DivFOp::create(b, loc, f(b, loc, t, 1), x);
      })
      .Case([&](FloorOp) -> Value { return math::FloorOp::create(b, loc, x); })
      .Case([&](CeilOp) -> Value { return math::CeilOp::create(b, loc, x); })
      .Case([&](RoundOp) -> Value {
        return math::RoundEvenOp::create(b, loc, x);
      })
      .Case([&](SinOp) -> Value { return math::SinOp::create(b, loc, x); })
      .Case([&](CosOp) -> Value { return math::CosOp::create(b, loc, x); })
      .Case([&](SoftplusOp) -> Value {
        // log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), stable for large x.
        Value ax = math::AbsFOp::create(b, loc, x);
        Value e =
            math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, ax));
        Value l = math::Log1pOp::create(b, loc, e);
        Value m = arith::MaximumFOp::create(b, loc, x, f(b, loc, t, 0));
        return arith::AddFOp::create(b, loc, m, l);
      })
      .Case([&](SoftsignOp) -> Value {
        Value ax = math::AbsFOp::create(b, loc, x);
        Value d = arith::AddFOp::create(b, loc, f(b, loc, t, 1), ax);
        return arith::DivFOp::create(b, loc, x, d);
      })
      .Case([&](HardSwishOp) -> Value {
        Value s = arith::AddFOp::create(
            b, loc, arith::MulFOp::create(b, loc, x, f(b, loc, t, 1.0 / 6)),
            f(b, loc, t, 0.5));
        s = createClamp(b, loc, s, f(b, loc, t, 0), f(b, loc, t, 1));
        return arith::MulFOp::create(b, loc, x, s);
      })
      .Case([&](NegOp) -> Value {
        if (isFloat)
          return arith::NegFOp::create(b, loc, x);
        return arith::SubIOp::create(b, loc, f(b, loc, t, 0), x);
      })
      .Case([&](AbsOp) -> Value {
        if (isFloat)
          return math::AbsFOp::create(b, loc, x);
        if (isUnsigned)
          return x;
        return math::AbsIOp::create(b, loc, x);
      })
      .Case([&](IdentityOp) -> Value { return x; })
      .Case([&](LeakyReluOp o) -> Value {
        Value neg = arith::MulFOp::create(
            b, loc, x, f(b, loc, t, o.getAlpha().convertToDouble()));
        Value ge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                                         f(b, loc, t, 0));
        return arith::SelectOp::create(b, loc, ge, x, neg);
      })
      .Case([&](EluOp o) -> Value {
        Value em1 = math::ExpM1Op::create(b, loc, x);
        Value neg = arith::MulFOp::create(
            b, loc, em1, f(b, loc, t, o.getAlpha().convertToDouble()));
        Value ge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                                         f(b, loc, t, 0));
        return arith::SelectOp::create(b, loc, ge, x, neg);
      })
      .Case([&](HardSigmoidOp o) -> Value {
        Value s = arith::AddFOp::create(
            b, loc,
            arith::MulFOp::create(b, loc, x,
                                  f(b, loc, t, o.getAlpha().convertToDouble())),
            f(b, loc, t, o.getBeta().convertToDouble()));
        return createClamp(b, loc, s, f(b, loc, t, 0), f(b, loc, t, 1));
      })
      .Case([&](ClipOp o) -> Value {
        Value r = x;
        if (auto lo = o.getMin())
          r = arith::MaximumFOp::create(b, loc, r,
                                        f(b, loc, t, lo->convertToDouble()));
        if (auto hi = o.getMax())
          r = arith::MinimumFOp::create(b, loc, r,
                                        f(b, loc, t, hi->convertToDouble()));
        return r;
      })
      .Case([&](GeluOp o) -> Value {
        Value half = arith::MulFOp::create(b, loc, x, f(b, loc, t, 0.5));
        Value inner;
        if (o.getApproximate() == GeluApproximation::tanh) {
          Value x3 = arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, x, x), x);
          Value poly = arith::AddFOp::create(
              b, loc, x,
              arith::MulFOp::create(b, loc, x3, f(b, loc, t, 0.044715)));
          inner = math::TanhOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, poly,
                                    f(b, loc, t, std::sqrt(2.0 / M_PI))));
        } else {
          inner = math::ErfOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, x, f(b, loc, t, M_SQRT1_2)));
        }
        return arith::MulFOp::create(
            b, loc, half,
            arith::AddFOp::create(b, loc, f(b, loc, t, 1), inner));
      })
      .Default([](Operation *) { return failure(); });
}

/// The scalar computation of a broadcasting binary qc op.
static FailureOr<Value> buildBinary(Operation *op, OpBuilder &b, Location loc,
                                    Value l, Value r, bool isUnsigned) {
  bool isFloat = isa<FloatType>(l.getType());
  return TypeSwitch<Operation *, FailureOr<Value>>(op)
      .Case([&](AddOp) -> Value {
        return isFloat ? (Value)arith::AddFOp::create(b, loc, l, r)
                       : (Value)arith::AddIOp::create(b, loc, l, r);
      })
      .Case([&](SubOp) -> Value {
        return isFloat ? (Value)arith::SubFOp::create(b, loc, l, r)
                       : (Value)arith::SubIOp::create(b, loc, l, r);
      })
      .Case([&](MulOp) -> Value {
        return isFloat ? (Value)arith::MulFOp::create(b, loc, l, r)
                       : (Value)arith::MulIOp::create(b, loc, l, r);
      })
      .Case([&](DivOp) -> Value {
        if (isFloat)
          return arith::DivFOp::create(b, loc, l, r);
        if (isUnsigned)
          return arith::DivUIOp::create(b, loc, l, r);
        return arith::DivSIOp::create(b, loc, l, r);
      })
      .Case([&](PowOp) -> Value { return math::PowFOp::create(b, loc, l, r); })
      .Case([&](MaxOp) -> Value {
        if (isFloat)
          return arith::MaximumFOp::create(b, loc, l, r);
        if (isUnsigned)
          return arith::MaxUIOp::create(b, loc, l, r);
        return arith::MaxSIOp::create(b, loc, l, r);
      })
      .Case([&](MinOp) -> Value {
        if (isFloat)
          return arith::MinimumFOp::create(b, loc, l, r);
        if (isUnsigned)
          return arith::MinUIOp::create(b, loc, l, r);
        return arith::MinSIOp::create(b, loc, l, r);
      })
      .Case([&](PReluOp) -> Value {
        Value neg = arith::MulFOp::create(b, loc, l, r);
        Value ge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, l,
                                         createScalar(b, loc, l.getType(), 0));
        return arith::SelectOp::create(b, loc, ge, l, neg);
      })
      .Default([](Operation *) { return failure(); });
}

namespace {

/// Lowers any unary or binary elementwise qc op: one pattern per op name.
struct ElementwiseLowering : ConversionPattern {
  ElementwiseLowering(const TypeConverter &converter, StringRef name,
                      MLIRContext *ctx)
      : ConversionPattern(converter, name, /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op->getLoc();
    auto resultType = convertType(*getTypeConverter(), op->getResultTypes()[0]);
    bool isUnsigned = isUnsignedElement(
        cast<RankedTensorType>(op->getOperandTypes()[0]).getElementType());
    bool failedBody = false;
    Value result = createElementwise(
        rewriter, loc, resultType, operands,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          FailureOr<Value> v =
              args.size() == 1
                  ? buildUnary(op, b, l, args[0], isUnsigned)
                  : buildBinary(op, b, l, args[0], args[1], isUnsigned);
          if (failed(v)) {
            failedBody = true;
            return args[0];
          }
          return *v;
        });
    if (failedBody)
      return rewriter.notifyMatchFailure(op, "no scalar lowering");
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// qc.cast: elementwise conversion with ONNX semantics (float to integer
/// truncates toward zero; integers extend by their signedness).
struct CastLowering : OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type fromQC = op.getX().getType().getElementType();
    Type toQC = op.getType().getElementType();
    bool fromUnsigned = isUnsignedElement(fromQC);
    bool toUnsigned = isUnsignedElement(toQC);
    auto resultType = convertType(*getTypeConverter(), op.getType());
    Type to = resultType.getElementType();
    Value result = createElementwise(
        rewriter, op.getLoc(), resultType, adaptor.getX(),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          Value x = args[0];
          Type from = x.getType();
          if (from == to)
            return x;
          auto fromF = dyn_cast<FloatType>(from);
          auto toF = dyn_cast<FloatType>(to);
          if (fromF && toF)
            return fromF.getWidth() < toF.getWidth()
                       ? (Value)arith::ExtFOp::create(b, loc, to, x)
                       : (Value)arith::TruncFOp::create(b, loc, to, x);
          if (fromF) {
            if (to.isInteger(1))
              return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                           createScalar(b, loc, from, 0));
            return toUnsigned ? (Value)arith::FPToUIOp::create(b, loc, to, x)
                              : (Value)arith::FPToSIOp::create(b, loc, to, x);
          }
          if (toF)
            return fromUnsigned || from.isInteger(1)
                       ? (Value)arith::UIToFPOp::create(b, loc, to, x)
                       : (Value)arith::SIToFPOp::create(b, loc, to, x);
          unsigned fw = from.getIntOrFloatBitWidth();
          unsigned tw = to.getIntOrFloatBitWidth();
          if (tw == 1)
            return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                         createScalar(b, loc, from, 0));
          if (fw > tw)
            return arith::TruncIOp::create(b, loc, to, x);
          if (fw < tw)
            return fromUnsigned || fw == 1
                       ? (Value)arith::ExtUIOp::create(b, loc, to, x)
                       : (Value)arith::ExtSIOp::create(b, loc, to, x);
          return x;
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// arith.constant of a signed/unsigned or quantized tensor: the same bits
/// with a signless element type.
struct ConstantLowering : OpConversionPattern<arith::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type)
      return failure();
    auto newType = convertType(*getTypeConverter(), type);
    Attribute value;
    if (auto dense = dyn_cast<DenseElementsAttr>(op.getValue()))
      value = dense.bitcast(newType.getElementType());
    else if (auto res = dyn_cast<DenseResourceElementsAttr>(op.getValue()))
      value = DenseResourceElementsAttr::get(newType, res.getRawHandle());
    else
      return rewriter.notifyMatchFailure(op, "unsupported constant");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, newType,
                                                   cast<TypedAttr>(value));
    return success();
  }
};

} // namespace

void lowering::populateElementwisePatterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  for (StringRef name :
       {ReluOp::getOperationName(),     SigmoidOp::getOperationName(),
        TanhOp::getOperationName(),     ExpOp::getOperationName(),
        LogOp::getOperationName(),      SqrtOp::getOperationName(),
        ErfOp::getOperationName(),      ReciprocalOp::getOperationName(),
        FloorOp::getOperationName(),    CeilOp::getOperationName(),
        RoundOp::getOperationName(),    SinOp::getOperationName(),
        CosOp::getOperationName(),      SoftplusOp::getOperationName(),
        SoftsignOp::getOperationName(), HardSwishOp::getOperationName(),
        NegOp::getOperationName(),      AbsOp::getOperationName(),
        IdentityOp::getOperationName(), LeakyReluOp::getOperationName(),
        EluOp::getOperationName(),      HardSigmoidOp::getOperationName(),
        ClipOp::getOperationName(),     GeluOp::getOperationName(),
        AddOp::getOperationName(),      SubOp::getOperationName(),
        MulOp::getOperationName(),      DivOp::getOperationName(),
        PowOp::getOperationName(),      MaxOp::getOperationName(),
        MinOp::getOperationName(),      PReluOp::getOperationName()})
    patterns.add<ElementwiseLowering>(converter, name, ctx);
  patterns.add<CastLowering, ConstantLowering>(converter, ctx);
}

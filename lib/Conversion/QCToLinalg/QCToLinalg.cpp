//===- QCToLinalg.cpp - the convert-qc-to-linalg pass and shared helpers --===//

#include "Lowering.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

namespace mlir::qc {
#define GEN_PASS_DEF_CONVERTQCTOLINALG
#include "quantc/Conversion/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

//===----------------------------------------------------------------------===//
// Helpers.
//===----------------------------------------------------------------------===//

bool lowering::isUnsignedElement(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    return !q.isSigned();
  if (auto i = dyn_cast<IntegerType>(type))
    return i.isUnsigned();
  return false;
}

AffineMap lowering::getBroadcastMap(MLIRContext *ctx,
                                    ArrayRef<int64_t> operandShape,
                                    ArrayRef<int64_t> resultShape) {
  int64_t rank = resultShape.size();
  int64_t offset = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, dim] : llvm::enumerate(operandShape)) {
    int64_t r = offset + i;
    if (dim == 1 && resultShape[r] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(r, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

Value lowering::createEmpty(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value lowering::createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                             Value value) {
  Value empty = createEmpty(b, loc, type);
  return linalg::FillOp::create(b, loc, value, empty).getResult(0);
}

Value lowering::createScalar(OpBuilder &b, Location loc, Type type, double v) {
  if (auto f = dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(f, v));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, (int64_t)v));
}

Value lowering::createElementwise(OpBuilder &b, Location loc,
                                  RankedTensorType resultType,
                                  ValueRange inputs, BodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(
        getBroadcastMap(ctx, cast<RankedTensorType>(in.getType()).getShape(),
                        resultType.getShape()));
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs,
      ValueRange{createEmpty(b, loc, resultType)}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value lowering::createReshape(OpBuilder &b, Location loc, Value value,
                              RankedTensorType type) {
  auto from = cast<RankedTensorType>(value.getType());
  if (from == type)
    return value;
  if (from.getShape() == type.getShape())
    return value;
  // Collapse to 1-D, then expand: always valid for static shapes.
  Value flat = value;
  if (from.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < from.getRank(); ++i)
      all[0].push_back(i);
    auto flatType =
        RankedTensorType::get({from.getNumElements()}, from.getElementType());
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, value, all);
  }
  if (type.getRank() == 1)
    return flat;
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < type.getRank(); ++i)
    all[0].push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, type, flat, all);
}

Value lowering::createPad(OpBuilder &b, Location loc, Value value,
                          ArrayRef<int64_t> low, ArrayRef<int64_t> high,
                          Value padValue) {
  if (llvm::all_of(low, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(high, [](int64_t p) { return p == 0; }))
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> lo, hi;
  for (size_t i = 0; i < shape.size(); ++i) {
    shape[i] += low[i] + high[i];
    lo.push_back(b.getIndexAttr(low[i]));
    hi.push_back(b.getIndexAttr(high[i]));
  }
  return tensor::PadOp::create(b, loc, type.clone(shape), value, lo, hi,
                               padValue);
}

RankedTensorType lowering::convertType(const TypeConverter &converter,
                                       Type type) {
  return cast<RankedTensorType>(converter.convertType(type));
}

Value lowering::createClamp(OpBuilder &b, Location loc, Value x, Value lo,
                            Value hi) {
  Value t = arith::MaximumFOp::create(b, loc, x, lo);
  return arith::MinimumFOp::create(b, loc, t, hi);
}

//===----------------------------------------------------------------------===//
// Type conversion.
//===----------------------------------------------------------------------===//

static Type convertElement(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    return IntegerType::get(type.getContext(), q.getStorageTypeIntegralWidth());
  if (auto i = dyn_cast<IntegerType>(type))
    return IntegerType::get(type.getContext(), i.getWidth());
  return type;
}

QCToLinalgTypeConverter::QCToLinalgTypeConverter() {
  addConversion([](Type type) { return type; });
  addConversion([](RankedTensorType type) -> Type {
    return type.clone(convertElement(type.getElementType()));
  });
  // Values whose type changes across the boundary are reinterpreted, not
  // converted: the storage bits are the same.
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

//===----------------------------------------------------------------------===//
// quant.scast: a reinterpretation between storage and quantized types.
//===----------------------------------------------------------------------===//

namespace {
struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type resultType = getTypeConverter()->convertType(op.getType());
    if (adaptor.getInput().getType() != resultType)
      return rewriter.notifyMatchFailure(op, "storage widths differ");
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct ConvertQCToLinalgPass
    : qc::impl::ConvertQCToLinalgBase<ConvertQCToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    QCToLinalgTypeConverter converter;
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.addIllegalDialect<QCDialect>();
    target.addIllegalOp<quant::StorageCastOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<arith::ConstantOp>(
        [&](arith::ConstantOp op) { return converter.isLegal(op.getType()); });

    RewritePatternSet patterns(ctx);
    populateQCToLinalgPatterns(converter, patterns);
    if (dataTiling)
      populateDataTilingPatterns(converter, patterns);
    if (!dataTiling && packedW4)
      lowering::populatePackedW4GemvPatterns(converter, patterns);
    if (!dataTiling && integerContractions)
      lowering::populateIntegerContractionPatterns(converter, patterns);
    if (fwhtKernel)
      lowering::populateFWHTKernelPatterns(converter, patterns);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

void mlir::qc::populateQCToLinalgPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<StorageCastLowering>(converter, patterns.getContext());
  populateElementwisePatterns(converter, patterns);
  populateContractionPatterns(converter, patterns);
  populateReductionPatterns(converter, patterns);
  populateDataMovementPatterns(converter, patterns);
  populateQuantPatterns(converter, patterns);
}

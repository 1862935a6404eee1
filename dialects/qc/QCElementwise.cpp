//===- QCElementwise.cpp - unary and broadcasting binary ops --------------===//

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::qc;

//===----------------------------------------------------------------------===//
// Binary ops: numpy broadcasting.
//===----------------------------------------------------------------------===//

static LogicalResult inferBroadcast(std::optional<Location> loc,
                                    StringRef opName, Value lhs, Value rhs,
                                    SmallVectorImpl<Type> &types) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhsType.getShape(),
                                          rhsType.getShape(), shape))
    return inferError(loc, opName, "operand shapes ",
                      formatShape(lhsType.getShape()), " and ",
                      formatShape(rhsType.getShape()),
                      " are not broadcast-compatible");
  types.push_back(RankedTensorType::get(shape, lhsType.getElementType()));
  return success();
}

#define QC_BINARY_INFER(OP)                                                    \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &types) {                                          \
    return inferBroadcast(loc, getOperationName(), adaptor.getLhs(),           \
                          adaptor.getRhs(), types);                            \
  }
QC_BINARY_INFER(AddOp)
QC_BINARY_INFER(SubOp)
QC_BINARY_INFER(MulOp)
QC_BINARY_INFER(DivOp)
QC_BINARY_INFER(PowOp)
QC_BINARY_INFER(MaxOp)
QC_BINARY_INFER(MinOp)
#undef QC_BINARY_INFER

/// Whether `attr` is a splat constant equal to `value` (0 or 1), integer or
/// float, of any width.
static bool isSplatOf(Attribute attr, int64_t value) {
  auto splat = dyn_cast_if_present<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  Type elem = splat.getElementType();
  if (isa<FloatType>(elem)) {
    APFloat v = splat.getSplatValue<APFloat>();
    return v.isZero() ? value == 0 : v.isExactlyValue((double)value);
  }
  if (isa<IntegerType>(elem)) {
    APInt v = splat.getSplatValue<APInt>();
    return value == 0 ? v.isZero() : v.isOne();
  }
  return false;
}

/// `op(lhs, splat identity)` folds to `lhs` when broadcasting does not change
/// its type. Floating-point `x + 0` is folded even for `x = -0.0`: quantc does
/// not preserve the sign of zero.
template <typename OpTy>
static OpFoldResult foldRightIdentity(OpTy op, Attribute rhs,
                                      int64_t identity) {
  if (op.getLhs().getType() == op.getType() && isSplatOf(rhs, identity))
    return op.getLhs();
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 0);
}
OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 0);
}
OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 1);
}
OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 1);
}
OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  return foldRightIdentity(*this, adaptor.getRhs(), 1);
}

LogicalResult PReluOp::verify() {
  ArrayRef<int64_t> slope = getSlope().getType().getShape();
  ArrayRef<int64_t> x = getX().getType().getShape();
  if (!isUnidirectionallyBroadcastable(slope, x))
    return emitOpError("expected slope shape ")
           << formatShape(slope) << " to broadcast to the input shape "
           << formatShape(x);
  if (getY().getType() != getX().getType())
    return emitOpError("expected the result type to equal the input type ")
           << getX().getType() << ", found " << getY().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Unary ops.
//===----------------------------------------------------------------------===//

OpFoldResult IdentityOp::fold(FoldAdaptor) { return getX(); }

LogicalResult ClipOp::verify() {
  // max(x, NaN) is x or NaN depending on who computes it (the reference
  // evaluator, LLVM's maximumf): no such bound has one meaning.
  if (getMin() && getMin()->isNaN())
    return emitOpError("expected min to be a number, found NaN");
  if (getMax() && getMax()->isNaN())
    return emitOpError("expected max to be a number, found NaN");
  if (getMin() && getMax() &&
      getMin()->convertToFloat() > getMax()->convertToFloat())
    return emitOpError("expected min <= max, found min = ")
           << getMin()->convertToFloat()
           << " and max = " << getMax()->convertToFloat();
  return success();
}

OpFoldResult ClipOp::fold(FoldAdaptor) {
  if (!getMin() && !getMax())
    return getX();
  return {};
}

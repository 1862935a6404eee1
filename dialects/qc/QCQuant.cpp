//===- QCQuant.cpp - quantize, dequantize, requantize, hadamard -----------===//

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::qc;

static quant::QuantizedType quantElem(RankedTensorType t) {
  return cast<quant::QuantizedType>(t.getElementType());
}

/// Checks a float <-> quantized pair: same shape, the float element type is
/// the expressed type, and the quantized type's parameters fit the shape.
static LogicalResult verifyFloatQuantPair(Operation *op, RankedTensorType flt,
                                          RankedTensorType q, StringRef qWhat) {
  auto emitErr = [op] { return op->emitOpError(); };
  auto operand = cast<RankedTensorType>(op->getOperand(0).getType());
  auto result = cast<RankedTensorType>(op->getResult(0).getType());
  if (flt.getShape() != q.getShape())
    return op->emitOpError(
               "expected operand and result shapes to match, found ")
           << formatShape(operand.getShape()) << " and "
           << formatShape(result.getShape());
  if (failed(verifyQuantizedTensor(emitErr, q, qWhat)))
    return failure();
  Type expressed = quantElem(q).getExpressedType();
  if (expressed != flt.getElementType())
    return op->emitOpError("expected the float element type to be the "
                           "quantized type's expressed type ")
           << expressed << ", found " << flt.getElementType();
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyFloatQuantPair(*this, getX().getType(), getY().getType(),
                              "result");
}

OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  // quantize(dequantize(q)) is q when the types agree: dequantized values
  // quantize back exactly.
  if (auto dq = getX().getDefiningOp<DequantizeOp>())
    if (dq.getX().getType() == getType())
      return dq.getX();
  return {};
}

LogicalResult DequantizeOp::verify() {
  return verifyFloatQuantPair(*this, getY().getType(), getX().getType(),
                              "operand");
}

LogicalResult RequantizeOp::verify() {
  RankedTensorType x = getX().getType(), y = getY().getType();
  auto emitErr = [this] { return emitOpError(); };
  if (x.getShape() != y.getShape())
    return emitOpError("expected operand and result shapes to match, found ")
           << formatShape(x.getShape()) << " and " << formatShape(y.getShape());
  if (failed(verifyQuantizedTensor(emitErr, x, "operand")) ||
      failed(verifyQuantizedTensor(emitErr, y, "result")))
    return failure();
  if (quantElem(x).getExpressedType() != quantElem(y).getExpressedType())
    return emitOpError("expected operand and result to have the same "
                       "expressed type, found ")
           << quantElem(x).getExpressedType() << " and "
           << quantElem(y).getExpressedType();
  return success();
}

OpFoldResult RequantizeOp::fold(FoldAdaptor) {
  if (getX().getType() == getType())
    return getX();
  return {};
}

int64_t HadamardOp::getEffectiveBlockSize() {
  if (auto b = getBlockSize())
    return *b;
  return getX().getType().getShape().back();
}

LogicalResult HadamardOp::verify() {
  RankedTensorType x = getX().getType();
  if (x.getRank() < 1)
    return emitOpError("expected an operand of rank 1 or more");
  int64_t last = x.getShape().back();
  int64_t block = getEffectiveBlockSize();
  if (block <= 0 || !llvm::isPowerOf2_64(block))
    return emitOpError("expected a power-of-two block size, found ") << block;
  if (last % block != 0)
    return emitOpError("expected block size ")
           << block << " to divide the last dimension (" << last << ")";
  return success();
}

OpFoldResult HadamardOp::fold(FoldAdaptor) {
  // The normalised Hadamard matrix is symmetric and orthogonal: H * H = I.
  if (auto inner = getX().getDefiningOp<HadamardOp>())
    if (inner.getEffectiveBlockSize() == getEffectiveBlockSize())
      return inner.getX();
  return {};
}

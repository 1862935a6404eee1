//===- QuantOperands.cpp - the operands of integer contractions -----------===//

#include "quantc/Support/QuantOperands.h"

#include "qc/QCOps.h"

using namespace mlir;
using namespace mlir::qc;

quant::UniformQuantizedType mlir::qc::getU8Activation(Value x) {
  auto dq = x.getDefiningOp<DequantizeOp>();
  if (!dq)
    return nullptr;
  auto qt = dyn_cast<quant::UniformQuantizedType>(
      dq.getX().getType().getElementType());
  if (!qt || qt.isSigned() || qt.getStorageTypeIntegralWidth() != 8 ||
      !qt.getExpressedType().isF32())
    return nullptr;
  return qt;
}

std::optional<S8Weight> mlir::qc::matchS8Weight(Value w, int64_t axis) {
  auto dq = w.getDefiningOp<DequantizeOp>();
  auto scast = dq ? dq.getX().getDefiningOp<quant::StorageCastOp>() : nullptr;
  auto cst =
      scast ? scast.getInput().getDefiningOp<arith::ConstantOp>() : nullptr;
  if (!cst)
    return std::nullopt;
  Type elem = dq.getX().getType().getElementType();
  auto q = cast<quant::QuantizedType>(elem);
  if (!q.isSigned() || q.getStorageTypeIntegralWidth() != 8 ||
      !q.getExpressedType().isF32())
    return std::nullopt;
  int64_t channels = dq.getType().getDimSize(axis);
  if (auto u = dyn_cast<quant::UniformQuantizedType>(elem)) {
    if (u.getZeroPoint() != 0)
      return std::nullopt;
    return S8Weight{cst, std::vector<double>(channels, u.getScale())};
  }
  if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(elem)) {
    if (a.getQuantizedDimension() != axis ||
        llvm::any_of(a.getZeroPoints(), [](int64_t z) { return z != 0; }))
      return std::nullopt;
    return S8Weight{
        cst, std::vector<double>(a.getScales().begin(), a.getScales().end())};
  }
  return std::nullopt;
}

bool mlir::qc::isDepthwiseConv2D(Operation *op) {
  auto conv = dyn_cast<ConvOp>(op);
  if (!conv)
    return false;
  RankedTensorType xt = conv.getX().getType(), wt = conv.getW().getType();
  if (xt.getRank() != 4 || wt.getRank() != 4 || xt.getDimSize(0) != 1)
    return false;
  int64_t c = xt.getDimSize(1);
  return c >= 2 && static_cast<int64_t>(conv.getGroup()) == c &&
         wt.getDimSize(0) == c && wt.getDimSize(1) == 1;
}

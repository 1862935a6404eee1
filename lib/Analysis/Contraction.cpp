//===- Contraction.cpp - qc.conv / qc.matmul / qc.gemm as X * W^T ---------===//

#include "quantc/Analysis/Contraction.h"

#include "qc/QCOps.h"
#include "quantc/Support/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qc;

static bool isF32Tensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

std::optional<Contraction> mlir::qc::getContraction(Operation *op) {
  Contraction c;
  c.op = op;
  if (auto conv = dyn_cast<ConvOp>(op)) {
    RankedTensorType w = conv.getW().getType();
    if (!isF32Tensor(conv.getX()) || !isF32Tensor(conv.getW()) ||
        w.getRank() < 3)
      return std::nullopt;
    c.activationIndex = 0;
    c.weightIndex = 1;
    c.groups = static_cast<int64_t>(conv.getGroup());
    c.outChannels = w.getDimSize(0);
    c.reductionInner = 1;
    for (int64_t d = 2; d < w.getRank(); ++d)
      c.reductionInner *= w.getDimSize(d);
    c.reduction = w.getDimSize(1) * c.reductionInner;
    c.weightOutAxis = 0;
    c.weightReductionAxis = 1;
    return c;
  }
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    auto w = dyn_cast<RankedTensorType>(mm.getRhs().getType());
    if (!isF32Tensor(mm.getLhs()) || !isF32Tensor(mm.getRhs()) ||
        w.getRank() != 2)
      return std::nullopt;
    c.activationIndex = 0;
    c.weightIndex = 1;
    c.outChannels = w.getDimSize(1);
    c.reduction = w.getDimSize(0);
    c.weightOutAxis = 1;
    c.weightReductionAxis = 0;
    return c;
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    RankedTensorType w = gemm.getB().getType();
    if (!isF32Tensor(gemm.getA()) || !isF32Tensor(gemm.getB()))
      return std::nullopt;
    c.activationIndex = 0;
    c.weightIndex = 1;
    bool transB = gemm.getTransB();
    c.outChannels = w.getDimSize(transB ? 0 : 1);
    c.reduction = w.getDimSize(transB ? 1 : 0);
    c.weightOutAxis = transB ? 0 : 1;
    c.weightReductionAxis = transB ? 1 : 0;
    return c;
  }
  return std::nullopt;
}

Operation *mlir::qc::getWeightConstant(Value weight) {
  if (auto cst = weight.getDefiningOp<arith::ConstantOp>())
    return cst;
  if (auto dq = weight.getDefiningOp<DequantizeOp>())
    if (auto scast = dq.getX().getDefiningOp<quant::StorageCastOp>())
      if (auto cst = scast.getInput().getDefiningOp<arith::ConstantOp>())
        return cst;
  return nullptr;
}

bool mlir::qc::isFloatConstantWeight(Value weight) {
  auto cst = weight.getDefiningOp<arith::ConstantOp>();
  return cst && isF32Tensor(weight) && isa<ElementsAttr>(cst.getValue());
}

std::optional<std::vector<float>>
mlir::qc::readWeightMatrix(const Contraction &c) {
  if (!isFloatConstantWeight(c.getWeight()))
    return std::nullopt;
  std::optional<std::vector<float>> w = readFloatConstant(c.getWeight());
  if (!w)
    return std::nullopt;
  // A weight stored [out, ...] is already W[out, K]; [K, out] transposes.
  if (c.weightOutAxis == 0)
    return w;
  int64_t n = c.outChannels, k = c.reduction;
  std::vector<float> m(static_cast<size_t>(n * k));
  for (int64_t r = 0; r < k; ++r)
    for (int64_t o = 0; o < n; ++o)
      m[o * k + r] = (*w)[r * n + o];
  return m;
}

std::vector<float> mlir::qc::weightMatrixToTensor(const Contraction &c,
                                                  ArrayRef<float> matrix) {
  if (c.weightOutAxis == 0)
    return std::vector<float>(matrix.begin(), matrix.end());
  int64_t n = c.outChannels, k = c.reduction;
  std::vector<float> w(static_cast<size_t>(n * k));
  for (int64_t r = 0; r < k; ++r)
    for (int64_t o = 0; o < n; ++o)
      w[r * n + o] = matrix[o * k + r];
  return w;
}

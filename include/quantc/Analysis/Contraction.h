//===- Contraction.h - qc.conv / qc.matmul / qc.gemm as X * W^T ---*- C++ -*-===//
//
// The quantization passes and calibration see every contraction the same
// way: an activation X whose rows are reduction vectors (im2col patches for
// a convolution) and a weight that, flattened, is a matrix W[out, K] with
// one row per output channel; the layer computes X * W^T per group. This
// header finds that view for an op and reads constant weights in it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_ANALYSIS_CONTRACTION_H
#define QUANTC_ANALYSIS_CONTRACTION_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include <optional>
#include <vector>

namespace mlir::qc {

/// A qc.conv, qc.matmul or qc.gemm seen as per-group `X * W^T`.
struct Contraction {
  Operation *op = nullptr;
  /// Operand indices of the activation and the weight.
  unsigned activationIndex = 0, weightIndex = 1;
  /// Convolution groups (1 for matrix products).
  int64_t groups = 1;
  /// Output channels in all (conv M, matmul/gemm N); each group owns
  /// `outChannels / groups` consecutive ones.
  int64_t outChannels = 0;
  /// Reduction length per group K: C/group * prod(kernel) for a conv (in
  /// the weight's flattening order: input channel, then kernel position),
  /// the inner dimension for matrix products.
  int64_t reduction = 0;
  /// Consecutive reduction elements per reduction channel: prod(kernel) for
  /// a conv, 1 for matrix products. Group-wise quantization blocks the
  /// reduction channels (C/group, or K).
  int64_t reductionInner = 1;
  /// The weight tensor's output-channel axis and reduction-channel axis
  /// (conv [M, C/g, k...]: 0 and 1; matmul [K, N]: 1 and 0; gemm b: by
  /// trans_b).
  int64_t weightOutAxis = 0, weightReductionAxis = 1;

  Value getActivation() const { return op->getOperand(activationIndex); }
  Value getWeight() const { return op->getOperand(weightIndex); }
  int64_t getReductionChannels() const { return reduction / reductionInner; }
};

/// The contraction view of `op`: a qc.conv, a qc.matmul with a 2-D rhs, or a
/// qc.gemm, all on f32; nullopt for anything else (the weight need not be
/// constant).
std::optional<Contraction> getContraction(Operation *op);

/// The `arith.constant` holding the f32 weight values `weight` is read from:
/// the constant itself, or the constant under
/// `qc.dequantize(quant.scast(arith.constant))`. Null otherwise.
Operation *getWeightConstant(Value weight);

/// Whether `weight` is an f32 `arith.constant` (not yet quantized).
bool isFloatConstantWeight(Value weight);

/// The constant f32 weight of `c` flattened to W[outChannels, reduction]
/// (row-major; group g owns rows [g * M/g, (g + 1) * M/g)); nullopt when
/// the weight is not an f32 constant.
std::optional<std::vector<float>> readWeightMatrix(const Contraction &c);

/// The inverse of the flattening: the weight tensor's elements (row-major,
/// in the weight's own shape) from W[outChannels, reduction].
std::vector<float> weightMatrixToTensor(const Contraction &c,
                                        ArrayRef<float> matrix);

} // namespace mlir::qc

#endif // QUANTC_ANALYSIS_CONTRACTION_H

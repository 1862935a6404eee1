//===- QuantOperands.h - the operands of integer contractions ---*- C++ -*-===//
//
// What makes a conv or matmul a W8A8 integer contraction: a u8 per-tensor
// activation and a constant symmetric s8 weight, both read through
// qc.dequantize. The CPU code generator (u8 x s8 microkernels) and the
// reference evaluator (exact integer accumulation) use the same predicates,
// so the two agree on which ops compute in integers.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_QUANTOPERANDS_H
#define QUANTC_SUPPORT_QUANTOPERANDS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <optional>
#include <vector>

namespace mlir::qc {

/// The type of a u8 per-tensor activation with f32 expressed type read
/// through qc.dequantize; null otherwise.
quant::UniformQuantizedType getU8Activation(Value x);

/// A constant symmetric s8 weight, per tensor or per axis `axis`, read
/// through qc.dequantize(quant.scast(arith.constant)).
struct S8Weight {
  arith::ConstantOp constant;
  std::vector<double> scales; // one per channel (repeated for per-tensor)
};
std::optional<S8Weight> matchS8Weight(Value w, int64_t axis);

/// Whether `conv` (a qc.conv) is a 2-D depthwise convolution of batch 1:
/// input [1][C][H][W] with C >= 2, group C, weights [C][1][KH][KW].
bool isDepthwiseConv2D(Operation *conv);

} // namespace mlir::qc

#endif // QUANTC_SUPPORT_QUANTOPERANDS_H

//===- Quantize.h - what qc-calibrate and qc-quantize share ---------*- C++ -*-===//
//
// The option enums of the quantization passes, the `qc.range` annotations
// that qc-calibrate writes and qc-quantize reads, and the activation type
// both agree on.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_QUANTIZE_H
#define QUANTC_TRANSFORMS_QUANTIZE_H

#include "quantc/Analysis/Calibration.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Value.h"
#include <optional>
#include <utility>

namespace mlir::qc {

enum class WeightGranularity { Channel, Group };
enum class WeightAlgorithm { RTN, GPTQ };
/// The per-layer sensitivity qc-assign-precision minimises.
enum class PrecisionMetric { Output, HAWQ };

/// qc-assign-precision's per-layer weight width (an i64), which qc-quantize
/// uses instead of weight-bits (and drops), and the sentence saying why.
inline constexpr StringLiteral kBitsAttrName = "qc.bits";
inline constexpr StringLiteral kPrecisionReasonAttrName = "qc.precision_reason";

/// The attribute name of calibrated ranges.
inline constexpr StringLiteral kRangeAttrName = "qc.range";

/// The `qc.range` annotation of `value` (see qc-calibrate: on the defining
/// op, two entries per result; a function argument's argument attribute).
std::optional<std::pair<float, float>> getRangeAnnotation(Value value);
/// Sets it.
void setRangeAnnotation(Value value, float lo, float hi);
/// Removes it (the whole attribute once no result of the op has one).
void removeRangeAnnotation(Value value);

/// The per-tensor asymmetric type activations are quantized to:
/// `!quant.uniform<u8:f32, scale:zp>` for bits = 8, with
/// scale = (hi - lo) / (2^bits - 1) and zp = round(-lo / scale), so that 0
/// is exact. [lo, hi] is widened to contain 0; an empty range gets a tiny
/// positive scale.
quant::UniformQuantizedType getActivationType(MLIRContext *ctx, float lo,
                                              float hi, unsigned bits = 8);

} // namespace mlir::qc

#endif // QUANTC_TRANSFORMS_QUANTIZE_H

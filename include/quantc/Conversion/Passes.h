//===- Passes.h - quantc conversions -------------------------------*- C++
//-*-===//

#ifndef QUANTC_CONVERSION_PASSES_H
#define QUANTC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qc {

#define GEN_PASS_DECL
#include "quantc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Conversion/Passes.h.inc"

/// The largest qc.hadamard block that convert-qc-to-linalg{fwht-kernel}
/// makes a tagged `fwht_f32` generic: what the CUDA target's FWHT kernel
/// (qc-gpu-hadamard) holds in shared memory, 8192 f32 (32 KB).
constexpr int64_t kFWHTKernelMaxBlock = 8192;

/// The type converter of convert-qc-to-linalg: quantized tensors become
/// their storage type, integers become signless.
class QCToLinalgTypeConverter : public TypeConverter {
public:
  QCToLinalgTypeConverter();
};

/// All qc -> linalg/tensor patterns.
void populateQCToLinalgPatterns(const TypeConverter &converter,
                                RewritePatternSet &patterns);

} // namespace mlir::qc

#endif // QUANTC_CONVERSION_PASSES_H

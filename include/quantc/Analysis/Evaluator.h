//===- Evaluator.h - reference semantics of every qc op ---------*- C++ -*-===//
//
// The reference evaluator is quantc's numerical oracle: it runs a qc function
// on host tensors with the semantics of the ONNX operators the ops mirror
// (f32 arithmetic; exact integer arithmetic for integer and quantized
// tensors). It checks the importer against ONNX data and ONNX Runtime,
// feeds calibration, folds constants at import, and checks compiled kernels.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_ANALYSIS_EVALUATOR_H
#define QUANTC_ANALYSIS_EVALUATOR_H

#include "quantc/Analysis/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::qc {

/// Whether the evaluator has semantics for `op` (qc ops, arith.constant,
/// quant.scast, func.return).
bool canEvaluate(Operation *op);
/// Same, by operation name (e.g. "qc.conv").
bool canEvaluate(StringRef opName);

/// Evaluates one op on `operands` (one tensor per operand, in order) and
/// returns one tensor per result. On failure (an unsupported op or mode, a
/// wrong operand) emits an error at the op's location.
FailureOr<SmallVector<Tensor>> evaluateOp(Operation *op,
                                          ArrayRef<Tensor> operands);

/// Called with every value the evaluator computes (block arguments first),
/// e.g. to collect calibration statistics.
using ValueObserver = function_ref<void(Value, const Tensor &)>;

struct EvaluateOptions {
  /// Free each intermediate tensor after its last use (bounded memory).
  bool freeDeadValues = true;
  /// Worker threads for the heavy ops (conv, matmul); 0 = hardware threads.
  unsigned numThreads = 0;
};

/// evaluateOp with explicit options (only `numThreads` matters for one op).
FailureOr<SmallVector<Tensor>> evaluateOp(Operation *op,
                                          ArrayRef<Tensor> operands,
                                          const EvaluateOptions &options);

/// Runs `func` on `inputs` (one per argument, with the argument's type) and
/// returns its results. Emits an error naming the mismatch when an input's
/// shape or element type does not match the argument.
FailureOr<SmallVector<Tensor>> evaluateFunction(func::FuncOp func,
                                                ArrayRef<Tensor> inputs,
                                                ValueObserver observe = {},
                                                EvaluateOptions options = {});

} // namespace mlir::qc

#endif // QUANTC_ANALYSIS_EVALUATOR_H

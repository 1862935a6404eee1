//===- QuantRun.h - the pieces of quant-run ---------------------*- C++ -*-===//
//
// quant-run loads a model (loadModel), picks the function to run
// (findEntryFunction), and hands the module to a mode: runReference today;
// a --bench mode and compiled-model modes take the same loaded module.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_QUANT_RUN_QUANTRUN_H
#define QUANTC_TOOLS_QUANT_RUN_QUANTRUN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/SourceMgr.h"
#include <string>

namespace mlir::qc::run {

struct RunOptions {
  /// The entry function's name; empty for the only (or first) public one.
  std::string entry;
  /// Directory of `<input name>.npy` files.
  std::string inputsDir;
  /// Directory that receives `<output name>.npy` files (created if needed).
  std::string outputsDir;
  /// Worker threads for the evaluator; 0 = hardware threads.
  unsigned numThreads = 0;
  /// Print the time spent in each kind of op to stderr.
  bool timeOps = false;
  /// Compiled models: timed runs after two warm-up runs (0 = none); prints
  /// `median X ms` and `p90 Y ms`.
  unsigned benchIterations = 0;
};

/// Loads `path` (.mlir; .onnx once the importer is wired in) into `ctx`,
/// which must have the qc, func, arith and quant dialects loaded; the file's
/// buffer goes to `sourceMgr` for diagnostics. Errors are reported through
/// the context's diagnostic handler or on stderr.
OwningOpRef<ModuleOp> loadModel(StringRef path, llvm::SourceMgr &sourceMgr,
                                MLIRContext &ctx);

/// The function named `name`, or the only/first public function with a body
/// when `name` is empty; reports an error otherwise.
FailureOr<func::FuncOp> findEntryFunction(ModuleOp module, StringRef name);

/// The file stem of argument `index` (its `onnx.name` attribute, or
/// `arg<index>`) and of result `index` (`onnx.name`, or `out<index>`).
/// Characters other than letters, digits, '.', '_' and '-' become '_'.
std::string getArgumentName(func::FuncOp func, unsigned index);
std::string getResultName(func::FuncOp func, unsigned index);

/// Reference mode: reads every input from `inputsDir`, runs the entry
/// function with the reference evaluator and writes every output to
/// `outputsDir`.
LogicalResult runReference(ModuleOp module, const RunOptions &options);

/// Compiled mode: opens a model shared library compiled by quantc with the
/// runtime (libqrt), reads `<input name>.npy` for each of its inputs, runs
/// it (and benchmarks it with `benchIterations`), and writes its outputs.
LogicalResult runCompiled(StringRef path, const RunOptions &options,
                          MLIRContext &ctx);

} // namespace mlir::qc::run

#endif // QUANTC_TOOLS_QUANT_RUN_QUANTRUN_H

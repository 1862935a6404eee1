//===- QuantRun.h - the pieces of quant-run ---------------------*- C++ -*-===//
//
// quant-run loads a model (loadModel: .mlir parsed, .onnx imported), picks
// the function to run (findEntryFunction), and hands the module to a mode:
// runReference; compiled models (.so) go to runCompiled.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TOOLS_QUANT_RUN_QUANTRUN_H
#define QUANTC_TOOLS_QUANT_RUN_QUANTRUN_H

#include "quantc/Analysis/Tensor.h"
#include "quantc/Import/ONNX/Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
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
  /// Write outputs as ONNX TensorProto files `output_<i>.pb` (the layout of
  /// ONNX's test data) instead of `<name>.npy`.
  bool writeTensorProtos = false;
  /// ONNX models: the index of each argument's graph input among the
  /// model's inputs (by ONNX name), for `input_<index>.pb`; without an entry
  /// the argument's position is used.
  llvm::StringMap<unsigned> graphInputIndex;
};

/// The file holding argument `name` (graph input number `index`) in `dir`:
/// `<name>.npy`, `<name>.pb`, or `input_<index>.pb` as in ONNX's test data;
/// empty when none exists. `name` is already sanitized.
std::string findInputFile(StringRef dir, StringRef name, unsigned index);

/// Reads an input tensor from a .npy or TensorProto .pb file.
llvm::Expected<Tensor> readInputFile(StringRef path, MLIRContext *ctx);

/// Loads `path` into `ctx`, which must have the qc, func, arith and quant
/// dialects loaded: a .mlir file is parsed (its buffer goes to `sourceMgr`
/// for diagnostics), an .onnx or .onnxtxt model is imported with
/// `importOptions`. Errors are reported through the context's diagnostic
/// handler or on stderr.
OwningOpRef<ModuleOp> loadModel(StringRef path, llvm::SourceMgr &sourceMgr,
                                MLIRContext &ctx,
                                const OnnxImportOptions &importOptions = {});

/// Whether `path` names an ONNX model (.onnx, .onnxtxt).
bool isOnnxModel(StringRef path);

/// The function named `name`, or the only/first public function with a body
/// when `name` is empty; reports an error otherwise.
FailureOr<func::FuncOp> findEntryFunction(ModuleOp module, StringRef name);

/// `raw` with every character outside [A-Za-z0-9._-] replaced by '_'.
std::string sanitizeFileName(StringRef raw);

/// The file stem of argument `index` (its `onnx.name` attribute, or
/// `arg<index>`) and of result `index` (`onnx.name`, or `out<index>`).
/// Characters other than letters, digits, '.', '_' and '-' become '_'.
std::string getArgumentName(func::FuncOp func, unsigned index);
std::string getResultName(func::FuncOp func, unsigned index);

/// Reference mode: reads every input from `inputsDir` (.npy or .pb, see
/// findInputFile), runs the entry function with the reference evaluator and
/// writes every output to `outputsDir`.
LogicalResult runReference(ModuleOp module, const RunOptions &options);

/// Compiled mode: opens a model shared library compiled by quantc with the
/// runtime (libqrt), reads `<input name>.npy` for each of its inputs, runs
/// it (and benchmarks it with `benchIterations`), and writes its outputs.
LogicalResult runCompiled(StringRef path, const RunOptions &options,
                          MLIRContext &ctx);

} // namespace mlir::qc::run

#endif // QUANTC_TOOLS_QUANT_RUN_QUANTRUN_H

//===- Compile.h - compile a qc module into a model shared library -*- C++
//-*-===//

#ifndef QUANTC_TARGET_CPU_COMPILE_H
#define QUANTC_TARGET_CPU_COMPILE_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace mlir::qc {

/// One model input or output as the runtime sees it (qrt_tensor_desc).
struct TensorInterface {
  std::string name;
  int32_t dtype = 0; // qrt_dtype
  SmallVector<int64_t> shape;
};

/// The interface of a model: its public function's arguments and results,
/// named after their `onnx.name` attributes (else arg0.., out0..).
struct ModelInterface {
  std::string name;
  std::vector<TensorInterface> inputs, outputs;
};

/// Reads the interface of the public function of a qc module (before
/// lowering: element types still carry signedness). Emits an error for an
/// element type the runtime cannot pass (e.g. a quantized model input).
FailureOr<ModelInterface> getModelInterface(ModuleOp module);

struct CPUCompileOptions {
  /// LLVM CPU name; empty = the host's (e.g. znver4).
  std::string cpu;
  /// Extra LLVM target features (e.g. "+avx512vnni").
  std::string features;
  unsigned optLevel = 3;
  /// Recorded in the artifact's description.
  std::string producer = "quantc";
  /// Keep the intermediate files (object, descriptor source) beside the
  /// output instead of in a temporary directory.
  bool keepIntermediates = false;
  /// Print each stage's timing to stderr.
  bool verbose = false;
  /// Pipeline switches (see CPUPipelineOptions).
  bool dataTiling = true;
  bool threads = true;
  bool gpuForms = false;
};

/// Lowers `module` (a qc graph on tensors; modified in place) with the CPU
/// pipeline, emits an object file, and links it with the model description
/// into the shared library `outputPath`. Errors are emitted as diagnostics.
LogicalResult compileForCPU(ModuleOp module, const ModelInterface &interface,
                            const CPUCompileOptions &options,
                            StringRef outputPath);

/// Translates `module` (LLVM dialect) to LLVM IR, optimizes it for
/// `options.cpu` and writes an object file; `targetName` receives
/// "<arch>-<cpu>".
LogicalResult emitHostObject(ModuleOp module, const CPUCompileOptions &options,
                             StringRef objPath, std::string &targetName);

/// Runs a program (args[0] is its path) and waits; a non-zero exit is an
/// error at `loc` naming the command.
LogicalResult runHostTool(Location loc, ArrayRef<std::string> args);

/// The device or host arena size the lowered entry function records
/// (`qc.arena_size`, set by qc-plan-memory); an error when it has none.
FailureOr<int64_t> loweredArenaSize(ModuleOp module);

/// Paths of the object file and description source of `outputPath`: beside
/// it when `keep`, else in a new temporary directory `dir` that the caller
/// removes.
LogicalResult makeIntermediatePaths(Location loc, StringRef outputPath,
                                    bool keep, SmallString<128> &dir,
                                    SmallString<128> &object,
                                    SmallString<128> &description);

/// `s` as a C string literal (quotes, escapes).
std::string cStringLiteral(StringRef s);

/// Writes the declaration of the entry function and the C arrays
/// `inputs[]` and `outputs[]` (qrt_tensor_desc) of a model description.
void writeTensorTables(llvm::raw_ostream &os, const ModelInterface &mi);

/// Writes a C header declaring the model's inputs and outputs (names, shapes,
/// dtypes) for programs that link against it through libqrt.
LogicalResult writeModelHeader(const ModelInterface &interface, StringRef path);

} // namespace mlir::qc

#endif // QUANTC_TARGET_CPU_COMPILE_H

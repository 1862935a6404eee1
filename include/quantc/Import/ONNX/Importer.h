//===- Importer.h - ONNX models to qc graphs -----------------------*- C++
//-*-===//
//
// Reads an ONNX model (binary protobuf, or ONNX's text syntax) and builds a
// module with one `func.func` of `qc` ops on static shapes: opset
// differences are resolved, shape-computing subgraphs are folded into
// constants, weights become `dense_resource` blobs, and every op carries the
// location of the ONNX node it came from.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_IMPORT_ONNX_IMPORTER_H
#define QUANTC_IMPORT_ONNX_IMPORTER_H

#include "quantc/Analysis/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <string>

namespace mlir {
class DialectRegistry;

namespace qc {

struct OnnxImportOptions {
  /// Shapes of graph inputs, by ONNX name. They replace the declared shapes
  /// (which may have symbolic dimensions); a static declared dimension must
  /// agree. After them every input must be fully static.
  llvm::StringMap<SmallVector<int64_t>> inputShapes;
  /// Graph inputs replaced by constants, by ONNX name (e.g. the quantization
  /// parameters or shapes that conformance tests pass as inputs). The tensor
  /// must have the input's element type and a shape that fits the declared
  /// one; the input is then no function argument.
  llvm::StringMap<Tensor> constantInputs;
  /// Name of the imported function.
  std::string funcName = "main";
  /// After the import, run ONNX's own shape inference (with the fixed input
  /// shapes) and check its types against the ones quantc inferred.
  bool runOnnxShapeInference = true;
  /// Evaluate nodes whose inputs are all constants at import time.
  bool foldConstants = true;
  /// Largest result (in elements) that constant folding may create.
  int64_t maxFoldElements = int64_t(1) << 22;
  /// Constants with more elements than this become `dense_resource` blobs;
  /// smaller ones are plain `dense` attributes.
  int64_t resourceThreshold = 16;
  /// When set, receives the names of the graph inputs that an op needed as
  /// compile-time constants: the arguments behind every "expected ... to be
  /// a constant" error. A caller that has their values (the conformance
  /// runner) can import again with them in `constantInputs`.
  llvm::StringSet<> *neededConstantInputs = nullptr;
};

/// Registers the dialects an imported module uses (qc, func, arith, quant).
void registerOnnxImportDialects(DialectRegistry &registry);

/// Imports the model at `path`. Files ending in `.onnxtxt` are read as ONNX
/// text syntax (lines starting with `//` are ignored); anything else as a
/// binary ModelProto. External data is resolved relative to the model's
/// directory. On failure, errors have been emitted through the context's
/// diagnostic engine.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModel(MLIRContext *ctx, StringRef path,
                const OnnxImportOptions &options = {});

/// Imports a model written in ONNX text syntax. `modelPath` is used in
/// locations and to resolve external data.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModelFromText(MLIRContext *ctx, StringRef text,
                        const OnnxImportOptions &options = {},
                        StringRef modelPath = "<text>");

/// Imports a model from serialized ModelProto bytes.
FailureOr<OwningOpRef<ModuleOp>>
importOnnxModelFromBytes(MLIRContext *ctx, StringRef bytes,
                         const OnnxImportOptions &options = {},
                         StringRef modelPath = "<memory>");

/// A graph input as the model declares it.
struct OnnxGraphInput {
  std::string name;
  /// Whether the model declares a shape; `dims` holds it, -1 for a dynamic
  /// dimension.
  bool hasShape = false;
  SmallVector<int64_t> dims;

  bool isStatic() const { return hasShape && !llvm::is_contained(dims, -1); }
};

/// The graph inputs of the model at `path` that are not initializers, in
/// order (the order of `input_<i>.pb` in ONNX's test data).
llvm::Expected<SmallVector<OnnxGraphInput>> readOnnxGraphInputs(StringRef path);

/// Parses "name=1,3,48,320" into `options.inputShapes`.
llvm::Error parseInputShapeOption(StringRef spec, OnnxImportOptions &options);

//===----------------------------------------------------------------------===//
// Locations.
//===----------------------------------------------------------------------===//

/// The location of an imported op,
///   loc(fused<"onnx.Conv">["conv1"("model.onnx":4:0)])
/// i.e. the node's name (or "<OpType>_<index>" when unnamed) around the model
/// file with the node's index + 1 as the line, fused with the op type.
struct OnnxNodeLocation {
  StringRef file;
  unsigned nodeIndex = 0; // 0-based
  StringRef nodeName;
  StringRef opType; // "Conv", "com.microsoft.MatMulNBits"
};

/// Builds the location of node `nodeIndex`.
Location getOnnxNodeLoc(MLIRContext *ctx, StringRef file, unsigned nodeIndex,
                        StringRef nodeName, StringRef opType);

/// Decodes a location built by getOnnxNodeLoc (it may be nested in other
/// locations); nullopt for other locations.
std::optional<OnnxNodeLocation> getOnnxNodeLocation(Location loc);

/// While alive, prefixes every diagnostic whose location is an ONNX node with
/// "node '<name>' (<OpType>): ", so that errors from any later stage name the
/// node: `model.onnx:4:0: error: node 'conv1' (Conv): 'qc.conv' op ...`.
class OnnxDiagnosticHandler : public ScopedDiagnosticHandler {
public:
  explicit OnnxDiagnosticHandler(MLIRContext *ctx);

private:
  bool reentered = false;
};

} // namespace qc
} // namespace mlir

#endif // QUANTC_IMPORT_ONNX_IMPORTER_H

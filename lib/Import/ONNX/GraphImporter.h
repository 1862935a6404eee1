//===- GraphImporter.h - builds a func.func from an ONNX graph -----*- C++
//-*-===//

#ifndef QUANTC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define QUANTC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "OpBinder.h"

#include "quantc/Import/ONNX/Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::qc::onnx_import {

/// What ONNX declares about a value (value_info, graph outputs) or, after
/// the import, infers for it. Unknown dimensions are -1; no rank when
/// `hasShape` is false.
struct DeclaredType {
  int32_t dtype = 0;
  bool hasShape = false;
  SmallVector<int64_t> dims;
};

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, onnx::ModelProto &model,
                const OnnxImportOptions &options, StringRef modelPath);

  /// Imports the model's main graph into `module`.
  LogicalResult importInto(ModuleOp module);

  // Used by OpBinder.
  MLIRContext *getContext() { return ctx; }
  OpBuilder &getBuilder() { return builder; }
  const OnnxImportOptions &getOptions() const { return options; }
  StringRef getModelPath() const { return modelPath; }
  StringRef getBaseDir() const { return baseDir; }

  /// The value of an ONNX name (materializing an initializer on first use);
  /// null if undefined.
  Value lookup(StringRef name);
  /// Binds `name`, checking the value against what ONNX declares for it.
  LogicalResult bind(StringRef name, Value value, Location loc);
  /// Whether `name` is consumed by a node or is a graph output.
  bool isUsed(StringRef name) const { return useCounts.lookup(name) > 0; }

  /// Tries to evaluate `op` with the reference evaluator when all its
  /// operands are constants; returns the constants that replace its results,
  /// or nullopt (then `op` is left alone).
  std::optional<SmallVector<Value>> tryFold(Operation *op);

  /// Records the graph inputs that `v` is computed from in
  /// OnnxImportOptions::neededConstantInputs (when set): `v` had to be a
  /// compile-time constant.
  void noteNeedsConstant(Value v);

  /// A hint for resource names of constants built for the current node.
  StringRef getNameHint() const { return nameHint; }

private:
  LogicalResult resolveOpsets();
  LogicalResult resolveInputShapes();
  LogicalResult collectDeclaredTypes();
  LogicalResult importNode(const onnx::NodeProto &node, unsigned index);
  Location getNodeLoc(const onnx::NodeProto &node, unsigned index);
  /// The handler for `node`, or null (with an error when `emitErrors`).
  OnnxHandler findHandler(const onnx::NodeProto &node, unsigned index,
                          bool emitErrors, int64_t &opsetVersion);
  LogicalResult checkNodesSupported();
  /// Whether `type` fits `d`; the error (at `loc`) says what `d` is from.
  LogicalResult checkType(StringRef name, Type type, const DeclaredType &d,
                          Location loc, StringRef source);
  /// Runs ONNX's shape inference on the imported model and checks the types
  /// it infers against the importer's.
  LogicalResult checkOnnxShapeInference();
  /// Every node input and graph output is defined before it is read (ONNX's
  /// own shape inference assumes so and crashes on some graphs that are
  /// not).
  LogicalResult checkTopology();
  FailureOr<Value> materializeInitializer(onnx::TensorProto &tensor);
  void eraseDeadOps(func::FuncOp func);

  MLIRContext *ctx;
  onnx::ModelProto &model;
  const OnnxImportOptions &options;
  std::string modelPath, baseDir;
  OpBuilder builder;

  llvm::StringMap<int64_t> opsets; // domain ("" for ai.onnx) -> version
  llvm::StringMap<Value> values;
  llvm::StringMap<onnx::TensorProto *> initializers;
  llvm::StringMap<DeclaredType> declared;
  /// The index of the node that produced each value.
  llvm::StringMap<unsigned> producers;
  unsigned currentNode = 0;
  llvm::StringMap<unsigned> useCounts;
  /// Graph inputs (not initializers) with their resolved static types.
  SmallVector<std::pair<std::string, RankedTensorType>> inputs;
  /// Graph inputs replaced by OnnxImportOptions::constantInputs.
  SmallVector<std::pair<std::string, Tensor>> constantInputValues;
  std::string nameHint;
};

} // namespace mlir::qc::onnx_import

#endif // QUANTC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

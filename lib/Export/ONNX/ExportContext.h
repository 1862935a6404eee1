//===- ExportContext.h - state of one ONNX export -----------------*- C++ -*-===//
//
// The ModelProto being built and what the op exporters need to add to it:
// value and node names, initializers (deduplicated, named after the qc
// graph's constants), attributes, and the ONNX data type of every MLIR type.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_EXPORT_ONNX_EXPORTCONTEXT_H
#define QUANTC_LIB_EXPORT_ONNX_EXPORTCONTEXT_H

#include "quantc/Export/ONNX/Exporter.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <string>

namespace mlir::qc::onnx_export {

/// ONNX TensorProto::DataType values (int4/uint4 are newer than ONNX 1.12's
/// enum; the proto fields are plain int32).
enum OnnxDataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kBfloat16 = 16,
  kUint4 = 21,
  kInt4 = 22,
};

/// Bits per element of an integer data type (0 for others).
unsigned getIntegerWidth(int32_t dtype);
/// Whether an integer data type is signed.
bool isSignedInteger(int32_t dtype);
/// ONNX's name of a data type ("float", "uint8", ...).
StringRef getDataTypeName(int32_t dtype);

class ExportContext;

/// Adds the ONNX nodes of one op; emits an error at the op on failure.
using OpExporter = std::function<LogicalResult(Operation *, ExportContext &)>;
using OpExporterTable = llvm::StringMap<OpExporter>;

/// Handlers of the compute and data-movement ops (ExportOps.cpp).
void addComputeExporters(OpExporterTable &table);
/// Handlers of qc.quantize/dequantize/requantize/hadamard and quant.scast
/// (ExportQuant.cpp).
void addQuantExporters(OpExporterTable &table);

/// The opset an op needs to be written natively (0: any from 17).
int64_t getComputeOpsetNeed(Operation *op);
int64_t getQuantOpsetNeed(Operation *op);

class ExportContext {
public:
  ExportContext(onnx::GraphProto &graph, int64_t opset,
                const OnnxExportOptions &options)
      : graph(graph), opset(opset), options(options) {}

  onnx::GraphProto &getGraph() { return graph; }
  int64_t getOpset() const { return opset; }
  const OnnxExportOptions &getOptions() const { return options; }

  //===--------------------------------------------------------------------===//
  // Types.
  //===--------------------------------------------------------------------===//

  /// The ONNX data type of an element type: quantized types by their storage
  /// (4-bit storage widened to 8 bits before opset 21); kUndefined if none.
  int32_t getDataType(Type elementType) const;
  /// Same, with an error at `op` naming `what` when there is none.
  FailureOr<int32_t> getDataType(Operation *op, Type type, StringRef what);

  //===--------------------------------------------------------------------===//
  // Values.
  //===--------------------------------------------------------------------===//

  /// Makes `base` (or "v" when empty) unique among value names and reserves
  /// it.
  std::string uniqueValueName(StringRef base);
  /// Gives `v` the name of a graph output before its producer is exported.
  void preassignName(Value v, StringRef name) { preassigned[v] = name.str(); }
  /// Whether `v` has a name or a deferred initializer.
  bool hasName(Value v) const {
    return names.count(v) || deferred.count(v);
  }
  /// The ONNX name of `v`. Constants become initializers on first use.
  FailureOr<std::string> getName(Value v);
  /// The name `v` has been given so far, without materializing anything.
  std::optional<std::string> lookupName(Value v) const {
    auto it = names.find(v);
    if (it == names.end())
      return std::nullopt;
    return it->second;
  }
  bool isInitializer(StringRef name) const {
    return initializerNames.contains(name);
  }
  /// The name of an optional operand: "" for a null value.
  FailureOr<std::string> getOptionalName(Value v) {
    if (!v)
      return std::string();
    return getName(v);
  }
  /// The name for result `v` of the op being exported, recorded as its name:
  /// a preassigned graph output name, else "<name>_output_<i>" after the
  /// op's location; for an op that shares its location with the op owning
  /// it, "<name>_q" (qc.quantize), "<name>_dq" (qc.dequantize) or
  /// "<name>_<op>_output_<i>".
  std::string defineResult(Value v);
  /// Makes `v` another name for the ONNX value `name` (an Identity node when
  /// `v` must carry a graph output name).
  void alias(Value v, StringRef name);
  /// `v` is a constant whose initializer `make` writes on first use.
  void defer(Value v, std::function<FailureOr<std::string>()> make) {
    deferred[v] = std::move(make);
  }
  /// A fresh name for a value made inside the expansion of `op`.
  std::string tempName(Operation *op, StringRef what);

  //===--------------------------------------------------------------------===//
  // Nodes and attributes.
  //===--------------------------------------------------------------------===//

  /// Adds a node for `op`. The first node of an op is named after the op's
  /// location (its NameLoc, e.g. the ONNX node it was imported from), later
  /// ones "<name>/<opType>".
  onnx::NodeProto &addNode(Operation *op, StringRef opType,
                           ArrayRef<std::string> inputs,
                           ArrayRef<std::string> outputs);

  /// Decides which op of `body` owns each location name: the first compute
  /// op with the name, else the first quantize/dequantize/requantize. Ops
  /// exported before the owner (a weight's DequantizeLinear that a pass gave
  /// its consumer's location) do not take the name from it.
  void assignNameOwners(Block &body);

  /// `op` becomes several nodes, none of which is the op: all of them are
  /// named "<name>/<opType>" (the op's own name is claimed, not used).
  /// `opType` names the op when it has no location name.
  void nameExpansion(Operation *op, StringRef opType);

  /// Gives the node of `opType` that will be added for `op` the op's name
  /// now, when other nodes of the op (e.g. a bias's DequantizeLinear) must
  /// come first.
  void reserveNodeName(Operation *op, StringRef opType);

  static void setAttr(onnx::NodeProto &node, StringRef name, int64_t value);
  static void setAttr(onnx::NodeProto &node, StringRef name, float value);
  static void setAttr(onnx::NodeProto &node, StringRef name, StringRef value);
  static void setAttr(onnx::NodeProto &node, StringRef name,
                      ArrayRef<int64_t> values);

  //===--------------------------------------------------------------------===//
  // Initializers.
  //===--------------------------------------------------------------------===//

  /// Adds an initializer named `base` (made unique) holding `raw`
  /// (little-endian, ONNX's raw_data layout).
  std::string addInitializer(StringRef base, int32_t dtype,
                             ArrayRef<int64_t> dims, std::string raw);
  /// 1-D int64 initializer (a scalar when `scalar`).
  std::string addInt64s(StringRef base, ArrayRef<int64_t> values,
                        bool scalar = false);
  std::string addFloats(StringRef base, ArrayRef<float> values,
                        ArrayRef<int64_t> dims);
  /// Integers of an integer data type (4-bit values packed two per byte).
  std::string addIntegers(StringRef base, int32_t dtype,
                          ArrayRef<int64_t> values, ArrayRef<int64_t> dims);
  /// The initializer holding `attr`'s elements as `dtype` (deduplicated:
  /// the same attribute and type give the same initializer), named `base`
  /// (the constant's location name); when that is empty, the resource key
  /// of a resource attribute, else "const".
  /// `isUnsigned` says how to read sub-64-bit integer elements.
  FailureOr<std::string> addElements(Operation *op, ElementsAttr attr,
                                     int32_t dtype, bool isUnsigned,
                                     StringRef base);

  /// A name for the initializers made for `op`: its location's name, or
  /// `fallback`.
  std::string getBaseName(Operation *op, StringRef fallback);

  /// Cache of initializers keyed by arbitrary strings (quantization
  /// parameters, Hadamard matrices).
  llvm::StringMap<std::string> &getCache() { return cache; }

private:
  std::string getNodeName(Operation *op, StringRef opType);
  /// Claims the name of `op`'s first node: its location's name, else
  /// "<opType>_<n>"; "<name>/<opType>" when another op has the name.
  std::string claimOpName(Operation *op, StringRef opType);
  /// Whether another op owns or has taken `op`'s location name `base`.
  bool sharesName(Operation *op, StringRef base) const;

  onnx::GraphProto &graph;
  int64_t opset;
  const OnnxExportOptions &options;

  llvm::StringSet<> valueNames, nodeNames, initializerNames;
  llvm::DenseMap<Value, std::string> names, preassigned;
  llvm::DenseMap<Value, std::function<FailureOr<std::string>()>> deferred;
  llvm::DenseMap<Operation *, std::string> opNames;
  llvm::StringMap<Operation *> nameOwners;
  llvm::DenseMap<Operation *, std::pair<std::string, std::string>> reserved;
  llvm::DenseMap<std::pair<Attribute, int32_t>, std::string> elementCache;
  llvm::StringMap<std::string> cache;
  unsigned anonymousOps = 0;
};

/// The innermost name of a location (a NameLoc's), or "".
StringRef getLocationName(Location loc);

/// The name to give a Conv or Gemm's bias operand `b` (may be null: "").
/// With OnnxExportOptions::quantizeBias, a constant f32 bias of a
/// contraction whose input `x` is a per-tensor `qc.dequantize` and whose
/// weight `w` is a dequantized constant (per-tensor, or per-axis on
/// `wChannelAxis`) is written as int32 with scale x_scale * w_scale behind a
/// DequantizeLinear; otherwise `b`'s own name.
FailureOr<std::string> getContractionBias(Operation *op, Value x, Value w,
                                          Value b, int64_t wChannelAxis,
                                          ExportContext &ctx);

} // namespace mlir::qc::onnx_export

#endif // QUANTC_LIB_EXPORT_ONNX_EXPORTCONTEXT_H

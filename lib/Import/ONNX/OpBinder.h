//===- OpBinder.h - the handler table and the binder handed to handlers -*- C++
//-*-===//
//
// Every ONNX op is imported by one handler, registered in a table keyed by
// (domain, op type, since-version); the importer picks, for each node, the
// handler with the greatest since-version not above the model's opset for
// the node's domain. Handlers see the node through an OpBinder, which reads
// attributes with defaults, reads constant inputs, builds qc ops (checking
// result-type inference at the node's location first, so malformed nodes
// become diagnostics instead of crashes, then folding them when every
// operand is a constant) and binds the node's outputs.
//
// To add an op: write a handler in the DefaultDomain*.cpp file of its first
// letter (or Quantization.cpp, ComMicrosoft.cpp) and register it in that
// file's populate function. See docs/adding-an-onnx-op.md.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_IMPORT_ONNX_OPBINDER_H
#define QUANTC_LIB_IMPORT_ONNX_OPBINDER_H

#include "OnnxTensor.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <optional>
#include <string>

namespace mlir::qc::onnx_import {

class GraphImporter;
class OpBinder;

using OnnxHandler = LogicalResult (*)(OpBinder &b);

/// The newest default-domain opset the handlers know.
constexpr int64_t kNewestOpset = 21;

/// The domain as the handler table keys it ("ai.onnx" is "").
std::string canonicalDomain(StringRef domain);

/// Handlers keyed by (domain, op type, since-version). The default domain is
/// "" ("ai.onnx" is accepted as an alias).
class OnnxOpTable {
public:
  void on(StringRef domain, StringRef opType, int64_t sinceVersion,
          OnnxHandler handler);
  /// Shorthand for the default domain.
  void on(StringRef opType, int64_t sinceVersion, OnnxHandler handler) {
    on("", opType, sinceVersion, handler);
  }

  /// The handler for `opType` in `domain` at `opsetVersion`: the one with the
  /// greatest since-version <= opsetVersion. `minSince` is set to the
  /// smallest registered since-version when the op is known at all.
  OnnxHandler lookup(StringRef domain, StringRef opType, int64_t opsetVersion,
                     std::optional<int64_t> &minSince) const;

  /// The table with every handler registered.
  static const OnnxOpTable &get();

private:
  struct Entry {
    int64_t sinceVersion;
    OnnxHandler handler;
  };
  llvm::StringMap<SmallVector<Entry, 2>> handlers; // "domain::OpType"
};

void populateDefaultDomainAtoF(OnnxOpTable &table);
void populateDefaultDomainGtoP(OnnxOpTable &table);
void populateDefaultDomainQtoZ(OnnxOpTable &table);
void populateQuantization(OnnxOpTable &table);
void populateComMicrosoft(OnnxOpTable &table);

/// The view of one node that handlers work with.
class OpBinder {
public:
  OpBinder(GraphImporter &importer, const onnx::NodeProto &node,
           int64_t opsetVersion, Location loc);

  //===--------------------------------------------------------------------===//
  // The node.
  //===--------------------------------------------------------------------===//

  const onnx::NodeProto &getNode() const { return node; }
  StringRef getOpType() const { return node.op_type(); }
  /// The opset version of the node's domain in this model.
  int64_t getOpsetVersion() const { return opsetVersion; }
  Location getLoc() const { return loc; }
  MLIRContext *getContext() const { return builder.getContext(); }
  OpBuilder &getBuilder() { return builder; }

  /// An error at the node; the importer prefixes the node name and op type.
  InFlightDiagnostic emitError() const { return mlir::emitError(loc); }

  //===--------------------------------------------------------------------===//
  // Inputs.
  //===--------------------------------------------------------------------===//

  /// Number of input slots, including omitted optional ones.
  unsigned getNumInputs() const { return node.input_size(); }
  /// Whether input `i` is given (present and not the empty name).
  bool hasInput(unsigned i) const;
  /// Input `i`; an error when it is missing. `what` names it in the error.
  FailureOr<Value> input(unsigned i, StringRef what = "");
  /// Input `i`, or a null value when it is omitted.
  Value optionalInput(unsigned i);
  /// Inputs `from` to the end (all must be given).
  FailureOr<SmallVector<Value>> variadicInputs(unsigned from = 0);

  /// The constant behind input `i` (an arith.constant, possibly produced by
  /// folding), or null.
  ElementsAttr getConstantInput(unsigned i);
  /// Input `i` as integers; an error naming `what` if it is missing or not a
  /// constant.
  FailureOr<SmallVector<int64_t>> constantInts(unsigned i, StringRef what);
  /// Input `i` as f32 values (integer constants are converted).
  FailureOr<SmallVector<float>> constantFloats(unsigned i, StringRef what);
  /// Like constantInts, but nullopt when the input is omitted or empty
  /// (zero elements).
  FailureOr<std::optional<SmallVector<int64_t>>>
  optionalConstantInts(unsigned i, StringRef what);
  FailureOr<std::optional<SmallVector<float>>>
  optionalConstantFloats(unsigned i, StringRef what);
  /// Records that input `i` had to be a compile-time constant and is not
  /// (see OnnxImportOptions::neededConstantInputs); call it next to the
  /// "expected ... to be a constant" error.
  void noteNeedsConstant(unsigned i);

  //===--------------------------------------------------------------------===//
  // Attributes. Each reads the attribute or uses the default, and reports an
  // error when the attribute has the wrong kind.
  //===--------------------------------------------------------------------===//

  bool hasAttr(StringRef name) const { return findAttr(name) != nullptr; }
  const onnx::AttributeProto *findAttr(StringRef name) const;

  LogicalResult intAttr(int64_t &value, StringRef name, int64_t dflt);
  LogicalResult requiredIntAttr(int64_t &value, StringRef name);
  LogicalResult floatAttr(float &value, StringRef name, float dflt);
  LogicalResult stringAttr(std::string &value, StringRef name, StringRef dflt);
  /// Absent attributes leave `values` empty.
  LogicalResult intsAttr(SmallVectorImpl<int64_t> &values, StringRef name);
  LogicalResult floatsAttr(SmallVectorImpl<float> &values, StringRef name);
  /// A TENSOR attribute; null when absent (an error if of another kind).
  FailureOr<const onnx::TensorProto *> tensorAttr(StringRef name);

  //===--------------------------------------------------------------------===//
  // Outputs.
  //===--------------------------------------------------------------------===//

  unsigned getNumOutputs() const { return node.output_size(); }
  /// Whether output `i` exists and is consumed by a node or a graph output.
  bool isOutputUsed(unsigned i) const;
  /// Binds output `i` to `value`, checking it against the shape ONNX
  /// declares for it. Omitted outputs are ignored.
  LogicalResult setResult(unsigned i, Value value);
  LogicalResult setResults(ValueRange values);
  /// An error if any output from `from` on is used; `why` explains.
  LogicalResult rejectUsedOutputs(unsigned from, StringRef why);

  //===--------------------------------------------------------------------===//
  // Building ops. Every op gets the node's location; ops are verified and,
  // when all operands are constants, folded with the reference evaluator.
  //===--------------------------------------------------------------------===//

  /// An op whose result types are inferred (InferTypeOpAdaptor). Inference
  /// runs first with the node's location, so a bad node is a diagnostic.
  template <typename OpTy>
  FailureOr<SmallVector<Value>>
  createInferredMulti(ValueRange operands, ArrayRef<NamedAttribute> attrs = {});
  template <typename OpTy>
  FailureOr<Value> createInferred(ValueRange operands,
                                  ArrayRef<NamedAttribute> attrs = {}) {
    FailureOr<SmallVector<Value>> results =
        createInferredMulti<OpTy>(operands, attrs);
    if (failed(results))
      return failure();
    return results->front();
  }
  /// An op with a given result type.
  template <typename OpTy>
  FailureOr<Value> createTyped(Type resultType, ValueRange operands,
                               ArrayRef<NamedAttribute> attrs = {}) {
    OperationState state(loc, OpTy::getOperationName());
    state.addOperands(operands);
    state.addAttributes(attrs);
    state.addTypes(resultType);
    FailureOr<SmallVector<Value>> results = finish(builder.create(state));
    if (failed(results))
      return failure();
    return results->front();
  }
  /// A unary op whose result type is its operand's.
  template <typename OpTy>
  FailureOr<Value> createUnary(Value x, ArrayRef<NamedAttribute> attrs = {}) {
    return createTyped<OpTy>(x.getType(), x, attrs);
  }

  /// arith.constant of `attr`.
  Value constant(TypedAttr attr);
  /// Constants of common shapes.
  Value f32Constant(ArrayRef<int64_t> shape, ArrayRef<float> values);
  Value i64Constant(ArrayRef<int64_t> shape, ArrayRef<int64_t> values);
  Value scalarF32(float value) { return f32Constant({}, value); }
  /// An integer or f32 constant of `type` from int64 values.
  Value intConstant(RankedTensorType type, ArrayRef<int64_t> values);

  /// Reshapes `x` to `shape` (no-op when it already has it).
  FailureOr<Value> reshape(Value x, ArrayRef<int64_t> shape);
  /// Casts `x` to element type `elem` (no-op when it already has it).
  FailureOr<Value> castTo(Value x, Type elem);

  NamedAttribute attr(StringRef name, Attribute value) {
    return builder.getNamedAttr(name, value);
  }
  NamedAttribute i64ArrayAttr(StringRef name, ArrayRef<int64_t> values) {
    return attr(name, builder.getDenseI64ArrayAttr(values));
  }
  NamedAttribute i64Attr(StringRef name, int64_t value) {
    return attr(name, builder.getI64IntegerAttr(value));
  }
  NamedAttribute f32Attr(StringRef name, float value) {
    return attr(name, builder.getF32FloatAttr(value));
  }
  NamedAttribute boolAttr(StringRef name, bool value) {
    return attr(name, builder.getBoolAttr(value));
  }

  /// The static type of `v`.
  static RankedTensorType typeOf(Value v) {
    return cast_or_null<RankedTensorType>(v.getType());
  }

  GraphImporter &getImporter() { return importer; }

  /// Verifies a freshly built op and folds it when possible; erases it and
  /// fails when verification fails. Handlers that build ops directly with
  /// the builder must call this.
  FailureOr<SmallVector<Value>> finish(Operation *op);

private:
  GraphImporter &importer;
  const onnx::NodeProto &node;
  int64_t opsetVersion;
  Location loc;
  OpBuilder &builder;
};

template <typename OpTy>
FailureOr<SmallVector<Value>>
OpBinder::createInferredMulti(ValueRange operands,
                              ArrayRef<NamedAttribute> attrs) {
  MLIRContext *ctx = getContext();
  OperationState state(loc, OpTy::getOperationName());
  state.addOperands(operands);
  state.addAttributes(attrs);
  DictionaryAttr dict = state.attributes.getDictionary(ctx);
  typename OpTy::Properties &props =
      state.getOrAddProperties<typename OpTy::Properties>();
  if (failed(OpTy::setPropertiesFromAttr(props, dict,
                                         [&] { return mlir::emitError(loc); })))
    return failure();
  // Default-valued attributes the node did not set.
  state.name.populateDefaultProperties(state.getRawProperties());
  SmallVector<Type> types;
  if (failed(OpTy::inferReturnTypes(ctx, loc, state.operands, dict,
                                    state.getRawProperties(), state.regions,
                                    types)))
    return failure();
  state.addTypes(types);
  return finish(builder.create(state));
}

//===----------------------------------------------------------------------===//
// Helpers shared by handlers.
//===----------------------------------------------------------------------===//

/// Resolves ONNX auto_pad for a conv or pool window into explicit pads
/// (begins then ends). `pads` holds the node's pads (or is empty).
LogicalResult
resolveAutoPad(OpBinder &b, StringRef autoPad, ArrayRef<int64_t> inputSpatial,
               ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
               ArrayRef<int64_t> dilations, SmallVectorImpl<int64_t> &pads);

/// Normalises `axis` against `rank`, or reports an error naming `what`.
FailureOr<int64_t> normalizeAxisOrError(OpBinder &b, int64_t axis, int64_t rank,
                                        StringRef what = "axis");

/// Strides, pads (auto_pad resolved) and dilations of a conv or pool node;
/// defaults are left empty so that the qc op prints without them.
struct WindowAttrs {
  SmallVector<int64_t> strides, pads, dilations;
  /// Appends the non-default ones as qc attributes.
  void appendTo(OpBinder &b, SmallVectorImpl<NamedAttribute> &attrs) const;
};
LogicalResult readWindowAttrs(OpBinder &b, RankedTensorType x,
                              ArrayRef<int64_t> kernel, WindowAttrs &window,
                              bool hasDilations = true);

/// Reads Conv's attributes (kernel_shape checked against `w`, group,
/// strides, pads, dilations) as qc.conv attributes; shared with QLinearConv
/// and ConvInteger.
LogicalResult readConvAttrs(OpBinder &b, RankedTensorType x, RankedTensorType w,
                            SmallVectorImpl<NamedAttribute> &attrs);

/// ONNX Softmax/LogSoftmax: per-axis from opset 13; before, the input is
/// flattened to 2-D at `axis` (default 1), which becomes reshapes around a
/// last-axis op.
template <typename OpTy> LogicalResult importSoftmaxLike(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*x);
  int64_t rank = type.getRank();
  bool perAxis = b.getOpsetVersion() >= 13;
  int64_t axis;
  if (failed(b.intAttr(axis, "axis", perAxis ? -1 : 1)))
    return failure();
  if (rank == 0)
    return b.emitError() << "expected an input of rank 1 or more, found a "
                            "scalar";
  FailureOr<int64_t> a = normalizeAxisOrError(b, axis, rank);
  if (failed(a))
    return failure();
  if (perAxis || *a == rank - 1) {
    FailureOr<Value> y =
        b.createUnary<OpTy>(*x, b.i64Attr("axis", *a == rank - 1 ? -1 : *a));
    if (failed(y))
      return failure();
    return b.setResult(0, *y);
  }
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *a ? outer : inner) *= type.getDimSize(i);
  FailureOr<Value> flat = b.reshape(*x, {outer, inner});
  if (failed(flat))
    return failure();
  FailureOr<Value> y = b.createUnary<OpTy>(*flat, b.i64Attr("axis", -1));
  if (failed(y))
    return failure();
  FailureOr<Value> back = b.reshape(*y, type.getShape());
  if (failed(back))
    return failure();
  return b.setResult(0, *back);
}

/// Converts a quantized value to the integer tensor ONNX means by it
/// (`i8` for int8 storage, `ui8` for uint8, ...), for graph outputs and ops
/// that consume raw integers (Quantization.cpp).
FailureOr<Value> quantizedToOnnxInteger(OpBinder &b, Value value);

/// Builds a chain of binary ops over the node's inputs (Sum, Max, Min).
template <typename OpTy> LogicalResult importVariadicChain(OpBinder &b) {
  FailureOr<SmallVector<Value>> inputs = b.variadicInputs();
  if (failed(inputs))
    return failure();
  if (inputs->empty())
    return b.emitError() << "expected at least one input, found none";
  Value acc = inputs->front();
  for (Value v : ArrayRef<Value>(*inputs).drop_front()) {
    FailureOr<Value> next = b.createInferred<OpTy>({acc, v});
    if (failed(next))
      return failure();
    acc = *next;
  }
  return b.setResult(0, acc);
}

/// Imports a one-input op with the same result type (Relu, Exp, ...).
template <typename OpTy> LogicalResult importUnary(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = b.createUnary<OpTy>(*x);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// Opsets before 7 broadcast with attributes: without `broadcast = 1` both
/// inputs have the same shape; with it, B's dimensions match A's from
/// `axis` on (the trailing ones when `axis` is absent). Returns `rhs`
/// reshaped with trailing 1s so that numpy broadcasting means the same.
FailureOr<Value> alignLegacyBroadcast(OpBinder &b, Value lhs, Value rhs);

/// A two-input op of opset 1 to 6 (Add, Sub, Mul, Div) with legacy
/// broadcasting (see alignLegacyBroadcast).
template <typename OpTy> LogicalResult importLegacyBinary(OpBinder &b) {
  FailureOr<Value> lhs = b.input(0), rhs = b.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> aligned = alignLegacyBroadcast(b, *lhs, *rhs);
  if (failed(aligned))
    return failure();
  FailureOr<Value> y = b.createInferred<OpTy>({*lhs, *aligned});
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// Imports a two-input broadcasting op (Add, Sub, ...).
template <typename OpTy> LogicalResult importBinary(OpBinder &b) {
  FailureOr<Value> lhs = b.input(0), rhs = b.input(1);
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> y = b.createInferred<OpTy>({*lhs, *rhs});
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

} // namespace mlir::qc::onnx_import

#endif // QUANTC_LIB_IMPORT_ONNX_OPBINDER_H

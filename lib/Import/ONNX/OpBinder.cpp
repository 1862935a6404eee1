//===- OpBinder.cpp - the handler table, the binder, shared helpers -------===//

#include "GraphImporter.h"

#include "qc/QCShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

//===----------------------------------------------------------------------===//
// The handler table.
//===----------------------------------------------------------------------===//

std::string mlir::qc::onnx_import::canonicalDomain(StringRef domain) {
  return domain == "ai.onnx" ? std::string() : domain.str();
}

void OnnxOpTable::on(StringRef domain, StringRef opType, int64_t sinceVersion,
                     OnnxHandler handler) {
  SmallVector<Entry, 2> &entries =
      handlers[canonicalDomain(domain) + "::" + opType.str()];
  entries.push_back({sinceVersion, handler});
  llvm::sort(entries, [](const Entry &a, const Entry &b) {
    return a.sinceVersion < b.sinceVersion;
  });
}

OnnxHandler OnnxOpTable::lookup(StringRef domain, StringRef opType,
                                int64_t opsetVersion,
                                std::optional<int64_t> &minSince) const {
  minSince.reset();
  auto it = handlers.find(canonicalDomain(domain) + "::" + opType.str());
  if (it == handlers.end())
    return nullptr;
  minSince = it->second.front().sinceVersion;
  OnnxHandler best = nullptr;
  for (const Entry &e : it->second)
    if (e.sinceVersion <= opsetVersion)
      best = e.handler;
  return best;
}

const OnnxOpTable &OnnxOpTable::get() {
  static const OnnxOpTable table = [] {
    OnnxOpTable t;
    populateDefaultDomainAtoF(t);
    populateDefaultDomainGtoP(t);
    populateDefaultDomainQtoZ(t);
    populateQuantization(t);
    populateComMicrosoft(t);
    return t;
  }();
  return table;
}

//===----------------------------------------------------------------------===//
// OpBinder.
//===----------------------------------------------------------------------===//

OpBinder::OpBinder(GraphImporter &importer, const onnx::NodeProto &node,
                   int64_t opsetVersion, Location loc)
    : importer(importer), node(node), opsetVersion(opsetVersion), loc(loc),
      builder(importer.getBuilder()) {}

bool OpBinder::hasInput(unsigned i) const {
  return static_cast<int>(i) < node.input_size() && !node.input(i).empty();
}

FailureOr<Value> OpBinder::input(unsigned i, StringRef what) {
  if (!hasInput(i)) {
    InFlightDiagnostic diag = emitError() << "expected input " << i;
    if (!what.empty())
      diag << " (" << what << ")";
    return diag << ", found " << node.input_size() << " inputs";
  }
  Value v = importer.lookup(node.input(i));
  if (!v)
    return emitError() << "input '" << node.input(i) << "' is not defined";
  return v;
}

Value OpBinder::optionalInput(unsigned i) {
  if (!hasInput(i))
    return Value();
  return importer.lookup(node.input(i));
}

FailureOr<SmallVector<Value>> OpBinder::variadicInputs(unsigned from) {
  SmallVector<Value> values;
  for (unsigned i = from; i < getNumInputs(); ++i) {
    FailureOr<Value> v = input(i);
    if (failed(v))
      return failure();
    values.push_back(*v);
  }
  return values;
}

ElementsAttr OpBinder::getConstantInput(unsigned i) {
  Value v = optionalInput(i);
  if (!v)
    return {};
  if (auto cst = v.getDefiningOp<arith::ConstantOp>())
    return dyn_cast<ElementsAttr>(cst.getValue());
  return {};
}

void OpBinder::noteNeedsConstant(unsigned i) {
  if (Value v = optionalInput(i))
    importer.noteNeedsConstant(v);
}

/// "input 1 ('shape')".
static std::string describeInput(const onnx::NodeProto &node, unsigned i,
                                 StringRef what) {
  std::string s = "input " + std::to_string(i);
  if (!what.empty())
    s += " (" + what.str() + ")";
  return s;
}

FailureOr<SmallVector<int64_t>> OpBinder::constantInts(unsigned i,
                                                       StringRef what) {
  if (!hasInput(i))
    return emitError() << "expected " << describeInput(node, i, what)
                       << ", found none";
  ElementsAttr attr = getConstantInput(i);
  if (!attr) {
    noteNeedsConstant(i);
    return emitError() << "expected " << describeInput(node, i, what)
                       << " to be a constant, found '" << node.input(i)
                       << "', which is computed at run time";
  }
  std::optional<std::vector<int64_t>> values = readIntElements(attr);
  if (!values)
    return emitError() << "expected " << describeInput(node, i, what)
                       << " to hold integers, found " << attr.getType();
  return SmallVector<int64_t>(values->begin(), values->end());
}

FailureOr<SmallVector<float>> OpBinder::constantFloats(unsigned i,
                                                       StringRef what) {
  if (!hasInput(i))
    return emitError() << "expected " << describeInput(node, i, what)
                       << ", found none";
  ElementsAttr attr = getConstantInput(i);
  if (!attr) {
    noteNeedsConstant(i);
    return emitError() << "expected " << describeInput(node, i, what)
                       << " to be a constant, found '" << node.input(i)
                       << "', which is computed at run time";
  }
  if (std::optional<std::vector<float>> values = readF32Elements(attr))
    return SmallVector<float>(values->begin(), values->end());
  if (std::optional<std::vector<int64_t>> ints = readIntElements(attr))
    return llvm::to_vector(
        llvm::map_range(*ints, [](int64_t v) { return (float)v; }));
  return emitError() << "expected " << describeInput(node, i, what)
                     << " to hold float32 or integer values, found "
                     << attr.getType();
}

FailureOr<std::optional<SmallVector<int64_t>>>
OpBinder::optionalConstantInts(unsigned i, StringRef what) {
  if (!hasInput(i))
    return std::optional<SmallVector<int64_t>>();
  FailureOr<SmallVector<int64_t>> values = constantInts(i, what);
  if (failed(values))
    return failure();
  if (values->empty())
    return std::optional<SmallVector<int64_t>>();
  return std::optional<SmallVector<int64_t>>(std::move(*values));
}

FailureOr<std::optional<SmallVector<float>>>
OpBinder::optionalConstantFloats(unsigned i, StringRef what) {
  if (!hasInput(i))
    return std::optional<SmallVector<float>>();
  FailureOr<SmallVector<float>> values = constantFloats(i, what);
  if (failed(values))
    return failure();
  if (values->empty())
    return std::optional<SmallVector<float>>();
  return std::optional<SmallVector<float>>(std::move(*values));
}

const onnx::AttributeProto *OpBinder::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

/// The kind of an attribute; old exporters leave `type` unset.
static onnx::AttributeProto::AttributeType
attrKind(const onnx::AttributeProto &a) {
  if (a.type() != onnx::AttributeProto::UNDEFINED)
    return a.type();
  if (a.has_i())
    return onnx::AttributeProto::INT;
  if (a.has_f())
    return onnx::AttributeProto::FLOAT;
  if (a.has_s())
    return onnx::AttributeProto::STRING;
  if (a.has_t())
    return onnx::AttributeProto::TENSOR;
  if (a.has_g())
    return onnx::AttributeProto::GRAPH;
  if (a.ints_size())
    return onnx::AttributeProto::INTS;
  if (a.floats_size())
    return onnx::AttributeProto::FLOATS;
  if (a.strings_size())
    return onnx::AttributeProto::STRINGS;
  return onnx::AttributeProto::UNDEFINED;
}

static StringRef attrKindName(onnx::AttributeProto::AttributeType kind) {
  switch (kind) {
  case onnx::AttributeProto::INT:
    return "an int";
  case onnx::AttributeProto::FLOAT:
    return "a float";
  case onnx::AttributeProto::STRING:
    return "a string";
  case onnx::AttributeProto::TENSOR:
    return "a tensor";
  case onnx::AttributeProto::GRAPH:
    return "a graph";
  case onnx::AttributeProto::INTS:
    return "a list of ints";
  case onnx::AttributeProto::FLOATS:
    return "a list of floats";
  case onnx::AttributeProto::STRINGS:
    return "a list of strings";
  default:
    return "an attribute of another kind";
  }
}

/// Checks the kind of attribute `a`; `alt` is a second accepted kind.
static LogicalResult checkKind(
    const OpBinder &b, const onnx::AttributeProto &a,
    onnx::AttributeProto::AttributeType kind,
    onnx::AttributeProto::AttributeType alt = onnx::AttributeProto::UNDEFINED) {
  onnx::AttributeProto::AttributeType found = attrKind(a);
  if (found == kind || (alt != onnx::AttributeProto::UNDEFINED && found == alt))
    return success();
  // An empty list has no fields set.
  if (found == onnx::AttributeProto::UNDEFINED &&
      (kind == onnx::AttributeProto::INTS ||
       kind == onnx::AttributeProto::FLOATS))
    return success();
  return b.emitError() << "expected attribute '" << a.name() << "' to be "
                       << attrKindName(kind) << ", found "
                       << attrKindName(found);
}

LogicalResult OpBinder::intAttr(int64_t &value, StringRef name, int64_t dflt) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a) {
    value = dflt;
    return success();
  }
  if (failed(checkKind(*this, *a, onnx::AttributeProto::INT)))
    return failure();
  value = a->i();
  return success();
}

LogicalResult OpBinder::requiredIntAttr(int64_t &value, StringRef name) {
  if (!findAttr(name))
    return emitError() << "expected attribute '" << name << "'";
  return intAttr(value, name, 0);
}

LogicalResult OpBinder::floatAttr(float &value, StringRef name, float dflt) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a) {
    value = dflt;
    return success();
  }
  if (failed(checkKind(*this, *a, onnx::AttributeProto::FLOAT,
                       onnx::AttributeProto::INT)))
    return failure();
  value = attrKind(*a) == onnx::AttributeProto::INT ? (float)a->i() : a->f();
  return success();
}

LogicalResult OpBinder::stringAttr(std::string &value, StringRef name,
                                   StringRef dflt) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a) {
    value = dflt.str();
    return success();
  }
  if (failed(checkKind(*this, *a, onnx::AttributeProto::STRING)))
    return failure();
  value = a->s();
  return success();
}

LogicalResult OpBinder::intsAttr(SmallVectorImpl<int64_t> &values,
                                 StringRef name) {
  values.clear();
  const onnx::AttributeProto *a = findAttr(name);
  if (!a)
    return success();
  if (failed(checkKind(*this, *a, onnx::AttributeProto::INTS)))
    return failure();
  values.append(a->ints().begin(), a->ints().end());
  return success();
}

LogicalResult OpBinder::floatsAttr(SmallVectorImpl<float> &values,
                                   StringRef name) {
  values.clear();
  const onnx::AttributeProto *a = findAttr(name);
  if (!a)
    return success();
  if (failed(checkKind(*this, *a, onnx::AttributeProto::FLOATS)))
    return failure();
  values.append(a->floats().begin(), a->floats().end());
  return success();
}

FailureOr<const onnx::TensorProto *> OpBinder::tensorAttr(StringRef name) {
  const onnx::AttributeProto *a = findAttr(name);
  if (!a)
    return static_cast<const onnx::TensorProto *>(nullptr);
  if (failed(checkKind(*this, *a, onnx::AttributeProto::TENSOR)))
    return failure();
  return &a->t();
}

bool OpBinder::isOutputUsed(unsigned i) const {
  return static_cast<int>(i) < node.output_size() && !node.output(i).empty() &&
         importer.isUsed(node.output(i));
}

LogicalResult OpBinder::setResult(unsigned i, Value value) {
  if (static_cast<int>(i) >= node.output_size() || node.output(i).empty())
    return success();
  return importer.bind(node.output(i), value, loc);
}

LogicalResult OpBinder::setResults(ValueRange values) {
  for (auto [i, v] : llvm::enumerate(values))
    if (failed(setResult(i, v)))
      return failure();
  return success();
}

LogicalResult OpBinder::rejectUsedOutputs(unsigned from, StringRef why) {
  for (unsigned i = from; i < getNumOutputs(); ++i)
    if (isOutputUsed(i))
      return emitError() << "output " << i << " ('" << node.output(i)
                         << "') is used, but " << why;
  return success();
}

FailureOr<SmallVector<Value>> OpBinder::finish(Operation *op) {
  if (failed(mlir::verify(op))) {
    op->dropAllUses();
    op->erase();
    return failure();
  }
  if (std::optional<SmallVector<Value>> folded = importer.tryFold(op))
    return *folded;
  return SmallVector<Value>(op->getResults());
}

Value OpBinder::constant(TypedAttr attr) {
  return arith::ConstantOp::create(builder, loc, attr);
}

Value OpBinder::f32Constant(ArrayRef<int64_t> shape, ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  return constant(cast<TypedAttr>(
      makeFloatElementsAttr(type, values, importer.getNameHint(),
                            importer.getOptions().resourceThreshold)));
}

Value OpBinder::i64Constant(ArrayRef<int64_t> shape, ArrayRef<int64_t> values) {
  return intConstant(RankedTensorType::get(shape, builder.getI64Type()),
                     values);
}

Value OpBinder::intConstant(RankedTensorType type, ArrayRef<int64_t> values) {
  if (type.getElementType().isF32()) {
    SmallVector<float> floats(values.begin(), values.end());
    return f32Constant(type.getShape(), floats);
  }
  return constant(cast<TypedAttr>(
      makeIntElementsAttr(type, values, importer.getNameHint(),
                          importer.getOptions().resourceThreshold)));
}

FailureOr<Value> OpBinder::reshape(Value x, ArrayRef<int64_t> shape) {
  RankedTensorType type = typeOf(x);
  if (type.getShape() == shape)
    return x;
  return createTyped<ReshapeOp>(
      RankedTensorType::get(shape, type.getElementType()), x);
}

FailureOr<Value> OpBinder::castTo(Value x, Type elem) {
  RankedTensorType type = typeOf(x);
  if (type.getElementType() == elem)
    return x;
  return createTyped<CastOp>(RankedTensorType::get(type.getShape(), elem), x);
}

//===----------------------------------------------------------------------===//
// Shared handler helpers.
//===----------------------------------------------------------------------===//

LogicalResult mlir::qc::onnx_import::resolveAutoPad(
    OpBinder &b, StringRef autoPad, ArrayRef<int64_t> inputSpatial,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilations, SmallVectorImpl<int64_t> &pads) {
  size_t n = inputSpatial.size();
  if (autoPad.empty() || autoPad == "NOTSET")
    return success();
  if (autoPad == "VALID") {
    pads.assign(2 * n, 0);
    return success();
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return b.emitError() << "unsupported auto_pad '" << autoPad
                         << "'; expected NOTSET, SAME_UPPER, SAME_LOWER or "
                            "VALID";
  pads.assign(2 * n, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t stride = strides.empty() ? 1 : strides[i];
    int64_t dilation = dilations.empty() ? 1 : dilations[i];
    if (stride <= 0 || dilation <= 0)
      return b.emitError() << "expected positive strides and dilations";
    int64_t out = (inputSpatial[i] + stride - 1) / stride;
    int64_t span = (kernel[i] - 1) * dilation + 1;
    int64_t total =
        std::max<int64_t>(0, (out - 1) * stride + span - inputSpatial[i]);
    int64_t small = total / 2, large = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : large;
    pads[n + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return success();
}

FailureOr<int64_t> mlir::qc::onnx_import::normalizeAxisOrError(OpBinder &b,
                                                               int64_t axis,
                                                               int64_t rank,
                                                               StringRef what) {
  std::optional<int64_t> normalized = normalizeAxis(axis, rank);
  if (!normalized)
    return b.emitError() << "expected " << what << " in [" << -rank << ", "
                         << rank << "), found " << axis;
  return *normalized;
}

FailureOr<Value>
mlir::qc::onnx_import::alignLegacyBroadcast(OpBinder &b, Value lhs, Value rhs) {
  int64_t broadcast;
  if (failed(b.intAttr(broadcast, "broadcast", 0)))
    return failure();
  RankedTensorType a = OpBinder::typeOf(lhs), r = OpBinder::typeOf(rhs);
  if (!broadcast) {
    if (a.getShape() != r.getShape())
      return b.emitError() << "expected inputs of the same shape (opset "
                           << b.getOpsetVersion()
                           << " broadcasts only with broadcast = 1), found "
                           << formatShape(a.getShape()) << " and "
                           << formatShape(r.getShape());
    return rhs;
  }
  int64_t axis = a.getRank() - r.getRank();
  if (b.hasAttr("axis")) {
    if (failed(b.intAttr(axis, "axis", 0)))
      return failure();
    FailureOr<int64_t> normalized =
        normalizeAxisOrError(b, axis, std::max<int64_t>(a.getRank(), 1));
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  bool fits = axis >= 0 && axis + r.getRank() <= a.getRank();
  for (int64_t i = 0; fits && i < r.getRank(); ++i)
    fits = r.getDimSize(i) == 1 || r.getDimSize(i) == a.getDimSize(axis + i);
  if (!fits)
    return b.emitError() << "expected B of shape " << formatShape(r.getShape())
                         << " to match A of shape " << formatShape(a.getShape())
                         << " from axis " << axis
                         << " (legacy broadcasting of opset "
                         << b.getOpsetVersion() << ")";
  SmallVector<int64_t> shape(r.getShape());
  shape.append(a.getRank() - axis - r.getRank(), 1);
  return b.reshape(rhs, shape);
}

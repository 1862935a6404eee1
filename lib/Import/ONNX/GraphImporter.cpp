//===- GraphImporter.cpp - builds a func.func from an ONNX graph ----------===//

#include "GraphImporter.h"
#include "OnnxProto.h"

#include "quantc/Analysis/Evaluator.h"
#include "quantc/Analysis/Tensor.h"

#include "qc/QCShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

//===----------------------------------------------------------------------===//
// GraphImporter.
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext *ctx, onnx::ModelProto &model,
                             const OnnxImportOptions &options,
                             StringRef modelPath)
    : ctx(ctx), model(model), options(options), modelPath(modelPath.str()),
      builder(ctx) {
  baseDir = llvm::sys::path::parent_path(modelPath).str();
  if (baseDir.empty())
    baseDir = ".";
}

/// The location of diagnostics about the model as a whole.
static Location modelLoc(MLIRContext *ctx, StringRef path) {
  return FileLineColLoc::get(ctx, path, 0, 0);
}

LogicalResult GraphImporter::resolveOpsets() {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    opsets[canonicalDomain(opset.domain())] = opset.version();
  auto it = opsets.find("");
  if (it != opsets.end() && it->second > kNewestOpset)
    emitWarning(modelLoc(ctx, modelPath))
        << "the model imports ONNX opset " << it->second
        << "; quantc knows opsets up to " << kNewestOpset
        << " and imports its ops with the semantics of opset " << kNewestOpset;
  // IR version 1 and 2 models have no opset_import and mean opset 1, which
  // quantc does not support; the per-node lookup reports it.
  return success();
}

Value GraphImporter::lookup(StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto init = initializers.find(name);
  if (init == initializers.end())
    return Value();
  FailureOr<Value> v = materializeInitializer(*init->second);
  if (failed(v))
    return Value();
  values[name] = *v;
  return *v;
}

FailureOr<Value>
GraphImporter::materializeInitializer(onnx::TensorProto &tensor) {
  Location loc = NameLoc::get(StringAttr::get(ctx, tensor.name()),
                              FileLineColLoc::get(ctx, modelPath, 0, 0));
  llvm::Expected<RawTensor> raw = decodeTensorProto(ctx, tensor, baseDir);
  if (!raw)
    return emitError(loc) << llvm::toString(raw.takeError());
  ElementsAttr attr = makeElementsAttr(
      raw->getType(), raw->bytes, tensor.name(), options.resourceThreshold);
  // The blob holds a copy now: free the protobuf's, so that a large model is
  // not held in memory twice.
  if (tensor.has_raw_data())
    delete tensor.release_raw_data();
  return arith::ConstantOp::create(builder, loc, cast<TypedAttr>(attr))
      .getResult();
}

/// The ONNX data type of a value's element type, quantized types included
/// (by their storage type).
static int32_t onnxTypeOfElement(Type elem) {
  if (auto q = dyn_cast<quant::QuantizedType>(elem)) {
    unsigned width = q.getStorageTypeIntegralWidth();
    bool isSigned = q.isSigned();
    switch (width) {
    case 4:
      return isSigned ? kInt4 : kUint4;
    case 8:
      return isSigned ? kInt8 : kUint8;
    case 16:
      return isSigned ? kInt16 : kUint16;
    case 32:
      return isSigned ? kInt32 : kUint32;
    default:
      return kUndefined;
    }
  }
  return getOnnxDataType(elem);
}

static std::string formatDeclaredShape(ArrayRef<int64_t> dims) {
  return "[" +
         llvm::join(llvm::map_range(dims,
                                    [](int64_t d) {
                                      return d < 0 ? std::string("?")
                                                   : std::to_string(d);
                                    }),
                    ", ") +
         "]";
}

static DeclaredType toDeclaredType(const onnx::TypeProto_Tensor &t) {
  DeclaredType d;
  d.dtype = t.elem_type();
  d.hasShape = t.has_shape();
  for (const auto &dim : t.shape().dim())
    d.dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
  return d;
}

LogicalResult GraphImporter::checkType(StringRef name, Type type,
                                       const DeclaredType &d, Location loc,
                                       StringRef source) {
  auto tensor = cast<RankedTensorType>(type);
  int32_t found = onnxTypeOfElement(tensor.getElementType());
  if (d.dtype != kUndefined && found != kUndefined && d.dtype != found)
    return emitError(loc) << "inconsistent element types for '" << name
                          << "': " << source << " " << getOnnxTypeName(d.dtype)
                          << ", the importer computed "
                          << getOnnxTypeName(found);
  if (d.hasShape) {
    bool ok = (int64_t)d.dims.size() == tensor.getRank();
    for (int64_t i = 0; ok && i < tensor.getRank(); ++i)
      ok = d.dims[i] < 0 || d.dims[i] == tensor.getDimSize(i);
    if (!ok)
      return emitError(loc)
             << "inconsistent shapes for '" << name << "': " << source << " "
             << formatDeclaredShape(d.dims) << ", the importer computed "
             << formatShape(tensor.getShape());
  }
  return success();
}

LogicalResult GraphImporter::bind(StringRef name, Value value, Location loc) {
  if (values.count(name) || initializers.count(name))
    return emitError(loc) << "value '" << name << "' is defined more than once";
  auto it = declared.find(name);
  if (it != declared.end() &&
      failed(checkType(name, value.getType(), it->second, loc,
                       "the model declares")))
    return failure();
  values[name] = value;
  producers[name] = currentNode;
  return success();
}

LogicalResult GraphImporter::checkOnnxShapeInference() {
  // On a graph quantc has imported (every node's inputs defined, its
  // attributes checked by the importer), so that ONNX 1.12's inference, which
  // crashes rather than fails on some malformed nodes (a stride of 0), never
  // sees one. When it fails (a limitation of this ONNX release) the import
  // stands: quantc's own inference has already checked every declared type.
  Location loc = modelLoc(ctx, modelPath);
  onnx::GraphProto *graph = model.mutable_graph();
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> valueInfo =
      graph->value_info();
  google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> outputs =
      graph->output();
  auto restore = llvm::make_scope_exit([&] {
    *graph->mutable_value_info() = std::move(valueInfo);
    *graph->mutable_output() = std::move(outputs);
  });
  if (llvm::Error err = inferShapes(model)) {
    emitWarning(loc) << llvm::toString(std::move(err))
                     << "; continuing with quantc's shape inference";
    return success();
  }
  for (const onnx::ValueInfoProto &vi : graph->value_info()) {
    auto value = values.find(vi.name());
    auto producer = producers.find(vi.name());
    if (value == values.end() || producer == producers.end() ||
        declared.count(vi.name()) || !vi.type().has_tensor_type())
      continue;
    DeclaredType d = toDeclaredType(vi.type().tensor_type());
    unsigned index = producer->second;
    if (failed(checkType(vi.name(), value->second.getType(), d,
                         getNodeLoc(graph->node(index), index),
                         "ONNX's shape inference gives")))
      return failure();
  }
  return success();
}

LogicalResult GraphImporter::resolveInputShapes() {
  Location loc = modelLoc(ctx, modelPath);
  llvm::StringSet<> inputNames;
  for (onnx::ValueInfoProto &input : *model.mutable_graph()->mutable_input()) {
    const std::string &name = input.name();
    if (initializers.count(name))
      continue;
    inputNames.insert(name);
    if (!input.type().has_tensor_type())
      return emitError(loc) << "graph input '" << name
                            << "' is not a tensor; sequence, map, optional "
                               "and sparse inputs are not supported";
    onnx::TypeProto_Tensor *tensorType =
        input.mutable_type()->mutable_tensor_type();
    Type elem = getElementType(ctx, tensorType->elem_type());
    if (!elem)
      return emitError(loc)
             << "graph input '" << name << "' has element type "
             << getOnnxTypeName(tensorType->elem_type())
             << ", which quantc does not support (expected float32, bool or "
                "an integer type)";
    SmallVector<int64_t> declaredDims;
    SmallVector<std::string> params;
    if (tensorType->has_shape())
      for (const auto &dim : tensorType->shape().dim()) {
        declaredDims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
        params.push_back(dim.has_dim_param() ? dim.dim_param() : "");
      }
    SmallVector<int64_t> dims;
    auto overrideIt = options.inputShapes.find(name);
    auto constantIt = options.constantInputs.find(name);
    if (constantIt != options.constantInputs.end()) {
      const Tensor &t = constantIt->second;
      dims.assign(t.getShape().begin(), t.getShape().end());
      bool fits =
          !tensorType->has_shape() || declaredDims.size() == dims.size();
      for (size_t i = 0; fits && i < dims.size() && tensorType->has_shape();
           ++i)
        fits = declaredDims[i] < 0 || declaredDims[i] == dims[i];
      if (t.getElementType() != elem || !fits)
        return emitError(loc)
               << "the constant for input '" << name << "' is "
               << getOnnxTypeName(getOnnxDataType(t.getElementType())) << " "
               << formatShape(dims) << ", but the model declares "
               << getOnnxTypeName(tensorType->elem_type()) << " "
               << formatDeclaredShape(declaredDims);
      constantInputValues.push_back({name, t});
    } else if (overrideIt != options.inputShapes.end()) {
      dims.assign(overrideIt->second.begin(), overrideIt->second.end());
      std::string given = formatShape(dims);
      if (tensorType->has_shape() && declaredDims.size() != dims.size())
        return emitError(loc)
               << "--input-shape gives input '" << name << "' shape " << given
               << " of rank " << dims.size() << ", but the model declares "
               << formatDeclaredShape(declaredDims) << " of rank "
               << declaredDims.size();
      for (auto [i, d] : llvm::enumerate(dims)) {
        if (d < 0)
          return emitError(loc) << "--input-shape gives input '" << name
                                << "' a negative dimension: " << given;
        if (i < declaredDims.size() && declaredDims[i] >= 0 &&
            declaredDims[i] != d)
          return emitError(loc)
                 << "--input-shape gives input '" << name << "' shape " << given
                 << ", but the model declares "
                 << formatDeclaredShape(declaredDims) << " (dimension " << i
                 << " is " << declaredDims[i] << ")";
      }
    } else {
      if (!tensorType->has_shape())
        return emitError(loc) << "graph input '" << name
                              << "' has no declared shape; pass "
                                 "--input-shape "
                              << name << "=<d0,d1,...>";
      for (auto [i, d] : llvm::enumerate(declaredDims))
        if (d < 0) {
          InFlightDiagnostic diag = emitError(loc);
          diag << "graph input '" << name << "' has a dynamic dimension " << i;
          if (!params[i].empty())
            diag << " ('" << params[i] << "')";
          return diag << " in its shape " << formatDeclaredShape(declaredDims)
                      << "; pass --input-shape " << name
                      << "=<d0,d1,...> to make it static";
        }
      dims = declaredDims;
    }
    // Fix the shape in the model so ONNX shape inference sees it.
    onnx::TensorShapeProto *shape = tensorType->mutable_shape();
    shape->clear_dim();
    for (int64_t d : dims)
      shape->add_dim()->set_dim_value(d);
    if (constantIt == options.constantInputs.end())
      inputs.push_back({name, RankedTensorType::get(dims, elem)});
  }
  for (const auto &entry : options.constantInputs)
    if (!inputNames.contains(entry.getKey()))
      return emitError(loc) << "a constant is given for '" << entry.getKey()
                            << "', which is not a graph input";
  for (const auto &entry : options.inputShapes)
    if (!inputNames.contains(entry.getKey())) {
      std::string available = llvm::join(
          llvm::map_range(inputs, [](const auto &p) { return p.first; }), ", ");
      return emitError(loc) << "--input-shape names '" << entry.getKey()
                            << "', which is not a graph input; the inputs "
                               "are: "
                            << available;
    }
  return success();
}

LogicalResult GraphImporter::collectDeclaredTypes() {
  auto collect = [&](const onnx::ValueInfoProto &vi) {
    if (vi.type().has_tensor_type())
      declared[vi.name()] = toDeclaredType(vi.type().tensor_type());
  };
  for (const onnx::ValueInfoProto &vi : model.graph().value_info())
    collect(vi);
  for (const onnx::ValueInfoProto &vi : model.graph().output())
    collect(vi);
  return success();
}

std::optional<SmallVector<Value>> GraphImporter::tryFold(Operation *op) {
  if (!options.foldConstants || op->getNumResults() == 0)
    return std::nullopt;
  if (isa<QuantizeOp, DequantizeOp, RequantizeOp>(op))
    return std::nullopt;
  // Widening a weight (e.g. int8 -> int32 for MatMulInteger) only makes it
  // larger: keep the narrow constant and the cast.
  if (auto castOp = dyn_cast<CastOp>(op)) {
    RankedTensorType from = castOp.getX().getType();
    if (from.getNumElements() > options.resourceThreshold &&
        castOp.getType().getElementTypeBitWidth() >
            from.getElementTypeBitWidth())
      return std::nullopt;
  }
  for (Type t : op->getResultTypes()) {
    auto type = dyn_cast<RankedTensorType>(t);
    if (!type || type.getNumElements() > options.maxFoldElements ||
        !(type.getElementType().isF32() || type.getElementType().isInteger()))
      return std::nullopt;
  }
  SmallVector<ElementsAttr> attrs;
  for (Value operand : op->getOperands()) {
    auto cst = operand.getDefiningOp<arith::ConstantOp>();
    if (!cst)
      return std::nullopt;
    auto attr = dyn_cast<ElementsAttr>(cst.getValue());
    if (!attr)
      return std::nullopt;
    attrs.push_back(attr);
  }
  if (!canEvaluate(op))
    return std::nullopt;
  SmallVector<Tensor> operands;
  for (ElementsAttr attr : attrs) {
    FailureOr<Tensor> t = Tensor::fromAttr(attr);
    if (failed(t))
      return std::nullopt;
    operands.push_back(std::move(*t));
  }
  FailureOr<SmallVector<Tensor>> results;
  {
    // A failed evaluation only means the op stays.
    ScopedDiagnosticHandler silence(ctx,
                                    [](Diagnostic &) { return success(); });
    results = evaluateOp(op, operands);
  }
  if (failed(results) || results->size() != op->getNumResults())
    return std::nullopt;
  SmallVector<TypedAttr> folded;
  for (auto [t, type] : llvm::zip(*results, op->getResultTypes())) {
    auto attr = dyn_cast_or_null<TypedAttr>(
        t.toAttr(sanitizeResourceName(nameHint), options.resourceThreshold));
    if (!attr || attr.getType() != type)
      return std::nullopt;
    folded.push_back(attr);
  }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(op);
  SmallVector<Value> replacements;
  for (auto [attr, result] : llvm::zip(folded, op->getResults())) {
    Value cst = arith::ConstantOp::create(builder, op->getLoc(), attr);
    result.replaceAllUsesWith(cst);
    replacements.push_back(cst);
  }
  op->erase();
  return replacements;
}

void GraphImporter::noteNeedsConstant(Value v) {
  if (!options.neededConstantInputs)
    return;
  SmallVector<Value> worklist = {v};
  llvm::DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value cur = worklist.pop_back_val();
    if (!seen.insert(cur).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(cur)) {
      if (arg.getArgNumber() < inputs.size())
        options.neededConstantInputs->insert(inputs[arg.getArgNumber()].first);
      continue;
    }
    if (Operation *op = cur.getDefiningOp())
      llvm::append_range(worklist, op->getOperands());
  }
}

Location GraphImporter::getNodeLoc(const onnx::NodeProto &node,
                                   unsigned index) {
  std::string domain = canonicalDomain(node.domain());
  std::string opType =
      domain.empty() ? node.op_type() : domain + "." + node.op_type();
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  return getOnnxNodeLoc(ctx, modelPath, index, name, opType);
}

OnnxHandler GraphImporter::findHandler(const onnx::NodeProto &node,
                                       unsigned index, bool emitErrors,
                                       int64_t &opsetVersion) {
  std::string domain = canonicalDomain(node.domain());
  std::string opType =
      domain.empty() ? node.op_type() : domain + "." + node.op_type();
  auto opset = opsets.find(domain);
  if (opset == opsets.end()) {
    if (emitErrors)
      emitError(getNodeLoc(node, index))
          << "the model does not import the "
          << (domain.empty() ? std::string("default ONNX") : "'" + domain + "'")
          << " domain (opset_import) used by this node";
    return nullptr;
  }
  opsetVersion = opset->second;
  std::optional<int64_t> minSince;
  OnnxHandler handler = OnnxOpTable::get().lookup(domain, node.op_type(),
                                                  opset->second, minSince);
  if (!handler && emitErrors) {
    if (minSince)
      emitError(getNodeLoc(node, index))
          << "quantc supports " << opType << " from opset " << *minSince
          << ", but the model imports opset " << opset->second
          << (domain.empty() ? std::string() : " of '" + domain + "'");
    else
      emitError(getNodeLoc(node, index))
          << "unsupported ONNX op '" << opType << "'";
  }
  return handler;
}

LogicalResult GraphImporter::checkNodesSupported() {
  // One error per unsupported op type (at its first node), before anything
  // else runs, so that a model's unsupported ops are all listed at once.
  llvm::StringSet<> reported;
  bool ok = true;
  for (auto [i, node] : llvm::enumerate(model.graph().node())) {
    int64_t version = 0;
    std::string key = node.domain() + "::" + node.op_type();
    bool seen = reported.contains(key);
    if (!findHandler(node, i, /*emitErrors=*/!seen, version)) {
      ok = false;
      reported.insert(key);
    }
  }
  return success(ok);
}

LogicalResult GraphImporter::checkTopology() {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> defined;
  for (const onnx::ValueInfoProto &in : graph.input())
    defined.insert(in.name());
  for (const auto &init : initializers)
    defined.insert(init.getKey());
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    for (const std::string &in : node.input())
      if (!in.empty() && !defined.contains(in))
        return emitError(getNodeLoc(node, i))
               << "input '" << in
               << "' is not a graph input, an initializer or the output of "
                  "an earlier node";
    for (const std::string &out : node.output())
      if (!out.empty())
        defined.insert(out);
  }
  for (const onnx::ValueInfoProto &out : graph.output())
    if (!defined.contains(out.name()))
      return emitError(modelLoc(ctx, modelPath))
             << "graph output '" << out.name()
             << "' is not produced by any node, input or initializer";
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        unsigned index) {
  Location loc = getNodeLoc(node, index);
  for (const std::string &in : node.input()) {
    if (in.empty())
      continue;
    // Defined (checkTopology). Materialize initializers now, so that handlers
    // never see a failure.
    if (!lookup(in))
      return failure();
  }
  int64_t version = 0;
  OnnxHandler handler = findHandler(node, index, /*emitErrors=*/true, version);
  if (!handler)
    return failure();
  currentNode = index;
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  nameHint =
      node.output_size() && !node.output(0).empty() ? node.output(0) : name;
  OpBinder binder(*this, node, version, loc);
  if (failed(handler(binder)))
    return failure();
  // What the handler does not look at (attributes no schema has, surplus
  // inputs, required attributes it defaults) is checked against ONNX's
  // schema, as ONNX Runtime does; after the handler, whose own errors say
  // more.
  if (canonicalDomain(node.domain()).empty())
    if (llvm::Error err = checkNodeSchema(node, version))
      return emitError(loc) << llvm::toString(std::move(err));
  for (auto [i, out] : llvm::enumerate(node.output()))
    if (!out.empty() && isUsed(out) && !values.count(out))
      return emitError(loc) << "output " << i << " ('" << out
                            << "') is used but the importer does not "
                               "produce it";
  return success();
}

void GraphImporter::eraseDeadOps(func::FuncOp func) {
  Block &block = func.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(block)))
    if (isOpTriviallyDead(&op))
      op.erase();
}

LogicalResult GraphImporter::importInto(ModuleOp module) {
  const onnx::GraphProto &graph = model.graph();
  Location loc = modelLoc(ctx, modelPath);
  if (!model.has_graph())
    return emitError(loc) << "the model has no graph";
  if (failed(resolveOpsets()))
    return failure();
  for (onnx::TensorProto &init :
       *model.mutable_graph()->mutable_initializer()) {
    if (init.name().empty())
      return emitError(loc) << "the model has an initializer without a name";
    initializers[init.name()] = &init;
  }
  if (!graph.sparse_initializer().empty())
    return emitError(loc) << "sparse initializers are not supported";
  if (failed(checkNodesSupported()) || failed(checkTopology()) ||
      failed(resolveInputShapes()))
    return failure();
  if (failed(collectDeclaredTypes()))
    return failure();
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &in : node.input())
      if (!in.empty())
        ++useCounts[in];
  for (const onnx::ValueInfoProto &out : graph.output())
    ++useCounts[out.name()];

  // The function, with one argument per graph input.
  builder.setInsertionPointToEnd(module.getBody());
  SmallVector<Type> argTypes;
  for (auto &[name, type] : inputs)
    argTypes.push_back(type);
  auto func = func::FuncOp::create(builder, loc, options.funcName,
                                   builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, input] : llvm::enumerate(inputs)) {
    BlockArgument arg = entry->getArgument(i);
    arg.setLoc(NameLoc::get(StringAttr::get(ctx, input.first), loc));
    func.setArgAttr(i, "onnx.name", builder.getStringAttr(input.first));
    values[input.first] = arg;
  }
  builder.setInsertionPointToEnd(entry);
  for (auto &[name, tensor] : constantInputValues) {
    Location cstLoc = NameLoc::get(StringAttr::get(ctx, name), loc);
    auto attr = dyn_cast_or_null<TypedAttr>(
        tensor.toAttr(sanitizeResourceName(name), options.resourceThreshold));
    if (!attr)
      return emitError(cstLoc)
             << "cannot make a constant for input '" << name << "'";
    values[name] = arith::ConstantOp::create(builder, cstLoc, attr);
  }

  for (auto [i, node] : llvm::enumerate(graph.node())) {
    builder.setInsertionPointToEnd(entry);
    if (failed(importNode(node, i)))
      return failure();
  }

  // Results.
  builder.setInsertionPointToEnd(entry);
  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    Value v = lookup(out.name());
    if (!v)
      return failure();
    if (isa<quant::QuantizedType>(
            cast<RankedTensorType>(v.getType()).getElementType())) {
      onnx::NodeProto fake;
      fake.set_op_type("GraphOutput");
      Location outLoc = NameLoc::get(StringAttr::get(ctx, out.name()), loc);
      OpBinder binder(*this, fake, 0, outLoc);
      FailureOr<Value> converted = quantizedToOnnxInteger(binder, v);
      if (failed(converted))
        return failure();
      v = *converted;
    }
    results.push_back(v);
  }
  func::ReturnOp::create(builder, loc, results);
  func.setFunctionType(builder.getFunctionType(
      argTypes, llvm::to_vector(llvm::map_range(
                    results, [](Value v) { return v.getType(); }))));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "onnx.name", builder.getStringAttr(out.name()));
  if (options.runOnnxShapeInference && failed(checkOnnxShapeInference()))
    return failure();
  eraseDeadOps(func);
  if (failed(mlir::verify(module)))
    return emitError(loc) << "the imported module does not verify (an "
                             "importer bug; please report it)";
  return success();
}

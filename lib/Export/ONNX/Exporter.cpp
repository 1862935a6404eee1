//===- Exporter.cpp - public entry points of the ONNX exporter ------------===//
//
// Picks the function and the opset, turns arguments and results into graph
// inputs and outputs (named by their `onnx.name` attributes), exports every op
// in order through the handler table, and serializes the ModelProto,
// optionally with external data.
//
//===----------------------------------------------------------------------===//

#include "quantc/Export/ONNX/Exporter.h"

#include "ExportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <climits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_export;

static constexpr int64_t kMinOpset = 17, kMaxOpset = 23;

static FailureOr<func::FuncOp> findFunction(ModuleOp module, StringRef name) {
  if (!name.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func || func.isExternal())
      return module.emitError("cannot export to ONNX: expected a function @")
             << name << " with a body in the module";
    return func;
  }
  if (auto main = module.lookupSymbol<func::FuncOp>("main");
      main && !main.isExternal())
    return main;
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || func.isPrivate())
      continue;
    if (found)
      return module.emitError("cannot export to ONNX: expected one public "
                              "function or @main, found @")
             << found.getSymName() << " and @" << func.getSymName();
    found = func;
  }
  if (!found)
    return module.emitError("cannot export to ONNX: expected a function with "
                            "a body in the module, found none");
  return found;
}

/// The IR version that goes with an opset (onnx/helper.py's table).
static int64_t getIrVersion(int64_t opset) {
  if (opset >= 23)
    return 11;
  if (opset >= 21)
    return 10;
  if (opset >= 19)
    return 9;
  return 8;
}

static void setTensorType(onnx::TypeProto *proto, RankedTensorType type,
                          int32_t dtype) {
  onnx::TypeProto_Tensor *tensor = proto->mutable_tensor_type();
  tensor->set_elem_type(dtype);
  onnx::TensorShapeProto *shape = tensor->mutable_shape();
  for (int64_t d : type.getShape())
    shape->add_dim()->set_dim_value(d);
}

static LogicalResult addValueInfo(Operation *op, onnx::ValueInfoProto *info,
                                  StringRef name, Type type,
                                  ExportContext &ctx, StringRef what) {
  info->set_name(name.str());
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return op->emitError("cannot export ")
           << what << " of type " << type
           << " to ONNX: expected a statically shaped tensor";
  FailureOr<int32_t> dtype = ctx.getDataType(op, type, what);
  if (failed(dtype))
    return failure();
  setTensorType(info->mutable_type(), tensor, *dtype);
  return success();
}

static const OpExporterTable &getExporters() {
  static const OpExporterTable table = [] {
    OpExporterTable t;
    addComputeExporters(t);
    addQuantExporters(t);
    return t;
  }();
  return table;
}

static LogicalResult buildModel(ModuleOp module,
                                const OnnxExportOptions &options,
                                onnx::ModelProto &model) {
  FailureOr<func::FuncOp> found = findFunction(module, options.funcName);
  if (failed(found))
    return failure();
  func::FuncOp func = *found;
  if (!func.getBody().hasOneBlock())
    return func.emitError("cannot export to ONNX: expected a function with "
                          "one block");
  Block &body = func.getBody().front();
  const OpExporterTable &exporters = getExporters();

  // The opset: the lowest that expresses every op natively, or the one asked
  // for.
  int64_t opset = options.opset;
  if (opset == 0) {
    opset = kMinOpset;
    for (Operation &op : body)
      opset = std::max({opset, getComputeOpsetNeed(&op),
                        getQuantOpsetNeed(&op)});
  } else if (opset < kMinOpset || opset > kMaxOpset) {
    return func.emitError("cannot export to ONNX opset ")
           << opset << ": expected an opset from " << kMinOpset << " to "
           << kMaxOpset;
  }

  model.set_ir_version(getIrVersion(opset));
  model.set_producer_name(options.producerName);
  model.set_producer_version(options.producerVersion);
  onnx::OperatorSetIdProto *opsetId = model.add_opset_import();
  opsetId->set_domain("");
  opsetId->set_version(opset);
  onnx::GraphProto &graph = *model.mutable_graph();
  graph.set_name(func.getSymName().str());
  ExportContext ctx(graph, opset, options);
  ctx.assignNameOwners(body);

  // Graph inputs, then the names of the graph outputs.
  for (BlockArgument arg : body.getArguments()) {
    auto attr = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                  "onnx.name");
    std::string name = ctx.uniqueValueName(
        attr ? attr.getValue().str()
             : "input_" + std::to_string(arg.getArgNumber()));
    if (failed(addValueInfo(func, graph.add_input(), name, arg.getType(), ctx,
                            "graph input '" + name + "'")))
      return failure();
    ctx.alias(arg, name);
  }
  Operation *terminator = body.getTerminator();
  SmallVector<std::string> outputNames;
  for (auto [i, v] : llvm::enumerate(terminator->getOperands())) {
    auto attr = func.getResultAttrOfType<StringAttr>(i, "onnx.name");
    outputNames.push_back(ctx.uniqueValueName(
        attr ? attr.getValue().str() : "output_" + std::to_string(i)));
  }
  llvm::DenseSet<Value> preassigned;
  for (auto [i, v] : llvm::enumerate(terminator->getOperands()))
    if (isa<OpResult>(v) && preassigned.insert(v).second)
      ctx.preassignName(v, outputNames[i]);

  // The ops, in order.
  for (Operation &op : body.without_terminator()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(op)) {
      auto attr = dyn_cast<ElementsAttr>(cst.getValue());
      if (!attr)
        return cst.emitError("cannot export a constant of type ")
               << cst.getType() << " to ONNX: expected a tensor";
      FailureOr<int32_t> dtype =
          ctx.getDataType(cst, cst.getType(), "the constant");
      if (failed(dtype))
        return failure();
      Operation *opPtr = cst;
      int32_t type = *dtype;
      bool isUnsigned = getElementTypeOrSelf(cst.getType()).isUnsignedInteger();
      ctx.defer(cst.getResult(), [&ctx, opPtr, attr, type, isUnsigned]() {
        return ctx.addElements(opPtr, attr, type, isUnsigned,
                               ctx.getBaseName(opPtr, ""));
      });
      continue;
    }
    auto it = exporters.find(op.getName().getStringRef());
    if (it == exporters.end())
      return op.emitError("cannot export '")
             << op.getName() << "' to ONNX: quantc has no ONNX mapping for "
             << "this op";
    if (failed(it->second(&op, ctx)))
      return failure();
  }

  // Graph outputs; an Identity where the value has another name (a graph
  // input, a constant, a value returned twice).
  for (auto [i, v] : llvm::enumerate(terminator->getOperands())) {
    FailureOr<std::string> name = ctx.getName(v);
    if (failed(name))
      return failure();
    if (*name != outputNames[i])
      ctx.addNode(terminator, "Identity", {*name}, {outputNames[i]});
    if (failed(addValueInfo(terminator, graph.add_output(), outputNames[i],
                            v.getType(), ctx,
                            "graph output '" + outputNames[i] + "'")))
      return failure();
  }

  if (options.writeValueInfo) {
    llvm::StringSet<> skip;
    for (const onnx::ValueInfoProto &v : graph.input())
      skip.insert(v.name());
    for (const onnx::ValueInfoProto &v : graph.output())
      skip.insert(v.name());
    for (Operation &op : body.without_terminator())
      for (Value result : op.getResults()) {
        std::optional<std::string> name = ctx.lookupName(result);
        if (!name || ctx.isInitializer(*name) || !skip.insert(*name).second)
          continue;
        if (failed(addValueInfo(&op, graph.add_value_info(), *name,
                                result.getType(), ctx, "a result")))
          return failure();
      }
  }
  return success();
}

/// Moves initializers of at least `threshold` bytes into `dataPath`.
static LogicalResult writeExternalData(ModuleOp module, onnx::ModelProto &model,
                                       StringRef dataPath, StringRef location,
                                       int64_t threshold) {
  std::error_code ec;
  llvm::raw_fd_ostream out(dataPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return module.emitError("cannot write the ONNX external data file '")
           << dataPath << "': " << ec.message();
  uint64_t offset = 0;
  for (onnx::TensorProto &t : *model.mutable_graph()->mutable_initializer()) {
    if (static_cast<int64_t>(t.raw_data().size()) < threshold)
      continue;
    // Aligned so that ONNX Runtime can map the data in place.
    uint64_t aligned = llvm::alignTo(offset, 4096);
    out.write_zeros(aligned - offset);
    out << t.raw_data();
    auto add = [&](StringRef key, const std::string &value) {
      onnx::StringStringEntryProto *e = t.add_external_data();
      e->set_key(key.str());
      e->set_value(value);
    };
    add("location", location.str());
    add("offset", std::to_string(aligned));
    add("length", std::to_string(t.raw_data().size()));
    offset = aligned + t.raw_data().size();
    t.set_data_location(onnx::TensorProto::EXTERNAL);
    t.clear_raw_data();
  }
  out.close();
  if (out.has_error())
    return module.emitError("cannot write the ONNX external data file '")
           << dataPath << "': " << out.error().message();
  return success();
}

static LogicalResult serialize(ModuleOp module, onnx::ModelProto &model,
                               std::string &bytes) {
  size_t size = model.ByteSizeLong();
  if (size >= static_cast<size_t>(INT_MAX))
    return module.emitError("cannot serialize the ONNX model: it is ")
           << size << " bytes and protobuf cannot write messages of 2 GiB or "
           << "more; store the weights as external data (quantc --emit="
           << "onnx-qdq --onnx-external-data)";
  if (!model.SerializeToString(&bytes))
    return module.emitError("cannot serialize the ONNX model");
  return success();
}

LogicalResult mlir::qc::exportOnnxModel(ModuleOp module, llvm::raw_ostream &os,
                                        const OnnxExportOptions &options) {
  if (!options.externalDataFile.empty())
    return module.emitError("cannot write ONNX external data to a stream; "
                            "export to a file (exportOnnxModelToFile)");
  onnx::ModelProto model;
  std::string bytes;
  if (failed(buildModel(module, options, model)) ||
      failed(serialize(module, model, bytes)))
    return failure();
  os << bytes;
  return success();
}

LogicalResult mlir::qc::exportOnnxModelToFile(ModuleOp module, StringRef path,
                                              const OnnxExportOptions &options) {
  onnx::ModelProto model;
  if (failed(buildModel(module, options, model)))
    return failure();
  if (!options.externalDataFile.empty()) {
    StringRef location = options.externalDataFile;
    if (llvm::sys::path::is_absolute(location) || location.contains(".."))
      return module.emitError("expected the ONNX external data file to be a "
                              "path relative to the model's directory, "
                              "found '")
             << location << "'";
    SmallString<256> dataPath = llvm::sys::path::parent_path(path);
    llvm::sys::path::append(dataPath, location);
    if (failed(writeExternalData(module, model, dataPath, location,
                                 options.externalDataThreshold)))
      return failure();
  }
  std::string bytes;
  if (failed(serialize(module, model, bytes)))
    return failure();
  std::string err;
  std::error_code ec;
  llvm::ToolOutputFile out(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return module.emitError("cannot write '") << path << "': " << ec.message();
  out.os() << bytes;
  out.os().close();
  if (out.os().has_error())
    return module.emitError("cannot write '")
           << path << "': " << out.os().error().message();
  out.keep();
  return success();
}

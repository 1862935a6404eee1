//===- Importer.cpp - public entry points of the ONNX importer ------------===//

#include "quantc/Import/ONNX/Importer.h"

#include "GraphImporter.h"
#include "OnnxProto.h"

#include "qc/QCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

void mlir::qc::registerOnnxImportDialects(DialectRegistry &registry) {
  registry.insert<QCDialect, func::FuncDialect, arith::ArithDialect,
                  quant::QuantDialect>();
}

//===----------------------------------------------------------------------===//
// Locations and diagnostics.
//===----------------------------------------------------------------------===//

static constexpr StringLiteral kOpTypePrefix = "onnx.";

Location mlir::qc::getOnnxNodeLoc(MLIRContext *ctx, StringRef file,
                                  unsigned nodeIndex, StringRef nodeName,
                                  StringRef opType) {
  Location fileLoc = FileLineColLoc::get(ctx, file, nodeIndex + 1, 0);
  Location fused = FusedLoc::get(ctx, {fileLoc},
                                 StringAttr::get(ctx, kOpTypePrefix + opType));
  return NameLoc::get(StringAttr::get(ctx, nodeName), fused);
}

std::optional<OnnxNodeLocation> mlir::qc::getOnnxNodeLocation(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (auto fused = dyn_cast<FusedLoc>(name.getChildLoc())) {
      auto meta = dyn_cast_or_null<StringAttr>(fused.getMetadata());
      if (meta && meta.getValue().starts_with(kOpTypePrefix) &&
          fused.getLocations().size() == 1)
        if (auto file = dyn_cast<FileLineColLoc>(fused.getLocations()[0])) {
          OnnxNodeLocation result;
          result.file = file.getFilename().getValue();
          result.nodeIndex = file.getLine() ? file.getLine() - 1 : 0;
          result.nodeName = name.getName().getValue();
          result.opType = meta.getValue().drop_front(kOpTypePrefix.size());
          return result;
        }
    }
    return getOnnxNodeLocation(name.getChildLoc());
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (std::optional<OnnxNodeLocation> found = getOnnxNodeLocation(inner))
        return found;
    return std::nullopt;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return getOnnxNodeLocation(call.getCallee());
  return std::nullopt;
}

OnnxDiagnosticHandler::OnnxDiagnosticHandler(MLIRContext *ctx)
    : ScopedDiagnosticHandler(ctx) {
  setHandler([this, ctx](Diagnostic &diag) -> LogicalResult {
    if (reentered)
      return failure();
    std::optional<OnnxNodeLocation> node =
        getOnnxNodeLocation(diag.getLocation());
    if (!node)
      return failure();
    std::string message = diag.str();
    std::string prefix =
        ("node '" + node->nodeName + "' (" + node->opType + "): ").str();
    if (StringRef(message).starts_with(prefix))
      return failure();
    reentered = true;
    {
      InFlightDiagnostic rewritten =
          ctx->getDiagEngine().emit(diag.getLocation(), diag.getSeverity());
      rewritten << prefix << message;
      for (Diagnostic &note : diag.getNotes())
        rewritten.attachNote(note.getLocation()) << note.str();
    }
    reentered = false;
    return success();
  });
}

//===----------------------------------------------------------------------===//
// Options.
//===----------------------------------------------------------------------===//

llvm::Error mlir::qc::parseInputShapeOption(StringRef spec,
                                            OnnxImportOptions &options) {
  auto fail = [&](const Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "invalid --input-shape '" + spec +
                                       "': " + why);
  };
  size_t eq = spec.rfind('=');
  if (eq == StringRef::npos || eq == 0)
    return fail("expected NAME=D0,D1,... (e.g. x=1,3,48,320)");
  StringRef name = spec.take_front(eq), dimsText = spec.drop_front(eq + 1);
  SmallVector<int64_t> dims;
  if (!dimsText.trim().empty()) {
    SmallVector<StringRef> parts;
    dimsText.split(parts, ',');
    for (StringRef part : parts) {
      int64_t d;
      if (part.trim().getAsInteger(10, d) || d < 0)
        return fail("expected non-negative integer dimensions, found '" +
                    part.trim() + "'");
      dims.push_back(d);
    }
  }
  if (options.inputShapes.count(name))
    return fail("input '" + name + "' is given more than once");
  options.inputShapes[name] = dims;
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Entry points.
//===----------------------------------------------------------------------===//

/// ONNX 1.12's text parser does not know node names. quantc accepts the
/// later syntax `[name] outputs = Op(...)` at the start of a line: the names
/// are removed before parsing and returned by first output.
static std::string preprocessText(StringRef text,
                                  llvm::StringMap<std::string> &nodeNames) {
  std::string out;
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (StringRef line : lines) {
    StringRef trimmed = line.ltrim();
    if (trimmed.starts_with("//")) {
      out += "\n"; // keep line numbers of parse errors
      continue;
    }
    if (trimmed.starts_with("[")) {
      size_t close = trimmed.find(']');
      if (close != StringRef::npos) {
        StringRef name = trimmed.slice(1, close).trim();
        StringRef rest = trimmed.drop_front(close + 1);
        StringRef firstOutput = rest.split('=').first.split(',').first.trim();
        if (!firstOutput.empty())
          nodeNames[firstOutput] = name.str();
        out += rest.str() + "\n";
        continue;
      }
    }
    out += line.str() + "\n";
  }
  return out;
}

static FailureOr<OwningOpRef<ModuleOp>>
importModel(MLIRContext *ctx, onnx::ModelProto &model,
            const OnnxImportOptions &options, StringRef modelPath) {
  ctx->loadDialect<QCDialect, func::FuncDialect, arith::ArithDialect,
                   quant::QuantDialect>();
  OnnxDiagnosticHandler handler(ctx);
  Location loc = FileLineColLoc::get(ctx, modelPath, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  GraphImporter importer(ctx, model, options, modelPath);
  if (failed(importer.importInto(*module)))
    return failure();
  return module;
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::qc::importOnnxModelFromText(MLIRContext *ctx, StringRef text,
                                  const OnnxImportOptions &options,
                                  StringRef modelPath) {
  llvm::StringMap<std::string> nodeNames;
  std::string source = preprocessText(text, nodeNames);
  onnx::ModelProto model;
  if (llvm::Error err = parseModelText(source, model))
    return emitError(FileLineColLoc::get(ctx, modelPath, 0, 0))
           << llvm::toString(std::move(err));
  for (onnx::NodeProto &node : *model.mutable_graph()->mutable_node())
    if (node.output_size())
      if (auto it = nodeNames.find(node.output(0)); it != nodeNames.end())
        node.set_name(it->second);
  return importModel(ctx, model, options, modelPath);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::qc::importOnnxModelFromBytes(MLIRContext *ctx, StringRef bytes,
                                   const OnnxImportOptions &options,
                                   StringRef modelPath) {
  onnx::ModelProto model;
  if (llvm::Error err = parseModelBytes(bytes, model))
    return emitError(FileLineColLoc::get(ctx, modelPath, 0, 0))
           << llvm::toString(std::move(err));
  return importModel(ctx, model, options, modelPath);
}

FailureOr<OwningOpRef<ModuleOp>>
mlir::qc::importOnnxModel(MLIRContext *ctx, StringRef path,
                          const OnnxImportOptions &options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(FileLineColLoc::get(ctx, path, 0, 0))
           << "cannot open the ONNX model: " << buffer.getError().message();
  if (path.ends_with(".onnxtxt"))
    return importOnnxModelFromText(ctx, (*buffer)->getBuffer(), options, path);
  return importOnnxModelFromBytes(ctx, (*buffer)->getBuffer(), options, path);
}

llvm::Expected<SmallVector<OnnxGraphInput>>
mlir::qc::readOnnxGraphInputs(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(
        buffer.getError(),
        path + ": cannot open the ONNX model: " + buffer.getError().message());
  onnx::ModelProto model;
  if (path.ends_with(".onnxtxt")) {
    llvm::StringMap<std::string> nodeNames;
    std::string source = preprocessText((*buffer)->getBuffer(), nodeNames);
    if (llvm::Error err = parseModelText(source, model))
      return llvm::createStringError(path + ": " +
                                     llvm::toString(std::move(err)));
  } else if (llvm::Error err = parseModelBytes((*buffer)->getBuffer(), model)) {
    return llvm::createStringError(path + ": " +
                                   llvm::toString(std::move(err)));
  }
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : model.graph().initializer())
    initializers.insert(init.name());
  SmallVector<OnnxGraphInput> inputs;
  for (const onnx::ValueInfoProto &input : model.graph().input()) {
    if (initializers.contains(input.name()))
      continue;
    OnnxGraphInput &in = inputs.emplace_back();
    in.name = input.name();
    if (input.type().has_tensor_type() &&
        input.type().tensor_type().has_shape()) {
      in.hasShape = true;
      for (const auto &dim : input.type().tensor_type().shape().dim())
        in.dims.push_back(dim.has_dim_value() ? dim.dim_value() : -1);
    }
  }
  return inputs;
}

//===- Model.cpp - loading a model and finding its entry function ---------===//

#include "QuantRun.h"

#include "quantc/Analysis/TensorIO.h"
#include "quantc/Import/ONNX/TensorProto.h"

#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
using namespace mlir::qc;

bool mlir::qc::run::isOnnxModel(StringRef path) {
  StringRef ext = llvm::sys::path::extension(path);
  return ext == ".onnx" || ext == ".onnxtxt";
}

OwningOpRef<ModuleOp>
mlir::qc::run::loadModel(StringRef path, llvm::SourceMgr &sourceMgr,
                         MLIRContext &ctx,
                         const OnnxImportOptions &importOptions) {
  if (isOnnxModel(path)) {
    // Import errors name the file and the ONNX node.
    FailureOr<OwningOpRef<ModuleOp>> module =
        importOnnxModel(&ctx, path, importOptions);
    if (failed(module))
      return nullptr;
    return std::move(*module);
  }
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer) {
    llvm::WithColor::error(llvm::errs(), "quant-run")
        << path << ": cannot read the model: " << buffer.getError().message()
        << "\n";
    return nullptr;
  }
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  // Parse and verifier errors go to the context's diagnostic handler.
  return parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&ctx));
}

std::string mlir::qc::run::findInputFile(StringRef dir, StringRef name,
                                         unsigned index) {
  for (std::string file : {name.str() + ".npy", name.str() + ".pb",
                           "input_" + std::to_string(index) + ".pb"}) {
    SmallString<256> path(dir);
    llvm::sys::path::append(path, file);
    if (llvm::sys::fs::exists(path))
      return path.str().str();
  }
  return "";
}

llvm::Expected<Tensor> mlir::qc::run::readInputFile(StringRef path,
                                                    MLIRContext *ctx) {
  if (llvm::sys::path::extension(path) != ".pb")
    return readNpy(path, ctx);
  llvm::Expected<NamedTensor> t = readTensorProtoFile(ctx, path);
  if (!t)
    return t.takeError();
  return std::move(t->tensor);
}

FailureOr<func::FuncOp> mlir::qc::run::findEntryFunction(ModuleOp module,
                                                         StringRef name) {
  if (!name.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(name);
    if (!func)
      return module.emitError("expected a function named '")
             << name << "' (--entry), found none";
    if (func.isExternal())
      return func.emitError("expected the entry function '")
             << name << "' to have a body, found a declaration";
    return func;
  }
  SmallVector<func::FuncOp> candidates;
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      candidates.push_back(func);
  if (candidates.empty())
    return module.emitError("expected a public function with a body to "
                            "run, found none");
  return candidates.front();
}

std::string mlir::qc::run::sanitizeFileName(StringRef raw) {
  std::string s = raw.str();
  for (char &c : s)
    if (!llvm::isAlnum(c) && c != '.' && c != '_' && c != '-')
      c = '_';
  return s;
}

std::string mlir::qc::run::getArgumentName(func::FuncOp func, unsigned index) {
  if (auto name = func.getArgAttrOfType<StringAttr>(index, "onnx.name"))
    if (!name.getValue().empty())
      return sanitizeFileName(name.getValue());
  return "arg" + std::to_string(index);
}

std::string mlir::qc::run::getResultName(func::FuncOp func, unsigned index) {
  if (auto name = func.getResultAttrOfType<StringAttr>(index, "onnx.name"))
    if (!name.getValue().empty())
      return sanitizeFileName(name.getValue());
  return "out" + std::to_string(index);
}

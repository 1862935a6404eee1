//===- Compile.cpp - qc module -> object file -> model shared library -----===//

#include "quantc/Target/CPU/Compile.h"
#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/Timer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include "qrt/model_abi.h"

#include <chrono>

using namespace mlir;
using namespace mlir::qc;

#ifndef QUANTC_RUNTIME_INCLUDE_DIR
#error "QUANTC_RUNTIME_INCLUDE_DIR must point at runtime/include"
#endif
#ifndef QUANTC_MODEL_SUPPORT_SOURCE
#error                                                                         \
    "QUANTC_MODEL_SUPPORT_SOURCE must point at runtime/support/model_support.c"
#endif
#ifndef QUANTC_CLANG
#define QUANTC_CLANG "/usr/lib/llvm-22/bin/clang"
#endif

//===----------------------------------------------------------------------===//
// Interface.
//===----------------------------------------------------------------------===//

static std::optional<int32_t> dtypeOf(Type t) {
  if (t.isF32())
    return QRT_DTYPE_F32;
  if (auto i = dyn_cast<IntegerType>(t)) {
    switch (i.getWidth()) {
    case 1:
      return QRT_DTYPE_BOOL;
    case 8:
      return i.isUnsigned() ? QRT_DTYPE_U8 : QRT_DTYPE_I8;
    case 32:
      return i.isUnsigned() ? std::nullopt : std::optional(QRT_DTYPE_I32);
    case 64:
      return i.isUnsigned() ? std::nullopt : std::optional(QRT_DTYPE_I64);
    }
  }
  return std::nullopt;
}

FailureOr<ModelInterface> mlir::qc::getModelInterface(ModuleOp module) {
  func::FuncOp entry;
  for (auto f : module.getOps<func::FuncOp>())
    if (f.isPublic() && !f.isExternal()) {
      if (entry)
        return module.emitError("expected one public function (the model), "
                                "found several");
      entry = f;
    }
  if (!entry)
    return module.emitError("expected a public function (the model)");
  ModelInterface mi;
  mi.name = entry.getSymName().str();
  auto describe = [&](Type type, DictionaryAttr attrs, StringRef fallback,
                      std::vector<TensorInterface> &into) -> LogicalResult {
    auto t = dyn_cast<RankedTensorType>(type);
    std::optional<int32_t> dtype =
        t ? dtypeOf(t.getElementType()) : std::nullopt;
    if (!t || !t.hasStaticShape() || !dtype || t.getRank() > QRT_MAX_RANK)
      return entry.emitError("model ")
             << fallback << " has type " << type
             << ", which the runtime cannot pass (expected a static tensor "
                "of f32, i64, i32, i8, ui8 or i1, rank <= "
             << QRT_MAX_RANK << ")";
    TensorInterface ti;
    auto name = attrs ? attrs.getAs<StringAttr>("onnx.name") : StringAttr();
    ti.name = name ? name.str() : fallback.str();
    ti.dtype = *dtype;
    ti.shape.assign(t.getShape().begin(), t.getShape().end());
    into.push_back(ti);
    return success();
  };
  for (unsigned i = 0; i < entry.getNumArguments(); ++i)
    if (failed(describe(entry.getArgumentTypes()[i], entry.getArgAttrDict(i),
                        "arg" + std::to_string(i), mi.inputs)))
      return failure();
  for (unsigned i = 0; i < entry.getNumResults(); ++i)
    if (failed(describe(entry.getResultTypes()[i], entry.getResultAttrDict(i),
                        "out" + std::to_string(i), mi.outputs)))
      return failure();
  return mi;
}

//===----------------------------------------------------------------------===//
// Descriptor source and header.
//===----------------------------------------------------------------------===//

std::string mlir::qc::cStringLiteral(StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += c;
    else if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f) {
      char buf[8];
      snprintf(buf, sizeof buf, "\\%03o", (unsigned char)c);
      out += buf;
    } else
      out += c;
  }
  return out + "\"";
}

void mlir::qc::writeTensorTables(llvm::raw_ostream &os,
                                 const ModelInterface &mi) {
  os << "extern void " << kEntryName << "(";
  for (size_t i = 0; i < mi.inputs.size() + mi.outputs.size(); ++i)
    os << "void *, ";
  os << "const qrt_exec_ctx *, uint8_t *);\n\n";
  auto tensors = [&](StringRef kind, const std::vector<TensorInterface> &ts) {
    for (auto [i, t] : llvm::enumerate(ts)) {
      os << "static const int64_t " << kind << i << "_shape[] = {";
      for (int64_t d : t.shape)
        os << d << ", ";
      os << "0};\n";
    }
    os << "static const qrt_tensor_desc " << kind << "s[] = {\n";
    for (auto [i, t] : llvm::enumerate(ts))
      os << "  {" << cStringLiteral(t.name) << ", " << t.dtype << ", "
         << t.shape.size() << ", " << kind << i << "_shape},\n";
    if (ts.empty())
      os << "  {0, 0, 0, 0},\n";
    os << "};\n";
  };
  tensors("input", mi.inputs);
  tensors("output", mi.outputs);
}

static std::string descriptorSource(const ModelInterface &mi, int64_t arenaSize,
                                    StringRef target, StringRef producer) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "/* Generated by quantc: the model description the runtime reads. */\n"
        "#include \"qrt/model_abi.h\"\n\n";
  size_t nIn = mi.inputs.size(), nOut = mi.outputs.size();
  writeTensorTables(os, mi);
  os << "\nstatic int32_t run(const qrt_exec_ctx *ctx, const void *const "
        "*inputs,\n                   void *const *outputs, uint8_t *arena) "
        "{\n  "
     << kEntryName << "(";
  for (size_t i = 0; i < nIn; ++i)
    os << "(void *)inputs[" << i << "], ";
  for (size_t i = 0; i < nOut; ++i)
    os << "outputs[" << i << "], ";
  os << "ctx, arena);\n  return 0;\n}\n\n";
  os << "static const qrt_model_desc desc = {\n"
     << "  QRT_ABI_MAGIC, QRT_ABI_VERSION, sizeof(qrt_model_desc), 0,\n"
     << "  " << cStringLiteral(mi.name) << ", " << cStringLiteral(target)
     << ", " << cStringLiteral(producer) << ",\n"
     << "  " << nIn << ", " << nOut << ", inputs, outputs,\n"
     << "  " << arenaSize << "u, 64u, 0u, run};\n\n"
     << "__attribute__((visibility(\"default\"))) const qrt_model_desc *\n"
     << QRT_MODEL_ENTRY_SYMBOL << "(void) { return &desc; }\n";
  return s;
}

LogicalResult mlir::qc::writeModelHeader(const ModelInterface &mi,
                                         StringRef path) {
  std::string err;
  auto file = openOutputFile(path, &err);
  if (!file) {
    llvm::errs() << "error: cannot write " << path << ": " << err << "\n";
    return failure();
  }
  std::string guard = "QUANTC_MODEL_" + mi.name + "_H";
  for (char &c : guard)
    c = isalnum((unsigned char)c) ? toupper(c) : '_';
  auto &os = file->os();
  os << "/* Generated by quantc: the interface of model '" << mi.name
     << "'. Load it with qrt_model_open() (qrt/qrt.h). */\n#ifndef " << guard
     << "\n#define " << guard << "\n\n#include \"qrt/qrt.h\"\n\n";
  auto emit = [&](StringRef kind, const std::vector<TensorInterface> &ts) {
    os << "#define " << guard << "_NUM_" << kind.upper() << "S " << ts.size()
       << "\n";
    for (auto [i, t] : llvm::enumerate(ts)) {
      os << "/* " << kind << " " << i << ": " << cStringLiteral(t.name)
         << ", dtype " << t.dtype << ", shape [";
      llvm::interleaveComma(t.shape, os);
      os << "] */\n";
      os << "#define " << guard << "_" << kind.upper() << i << "_RANK "
         << t.shape.size() << "\n";
      int64_t n = 1;
      for (int64_t d : t.shape)
        n *= d;
      os << "#define " << guard << "_" << kind.upper() << i << "_ELEMENTS " << n
         << "\n";
    }
  };
  emit("input", mi.inputs);
  emit("output", mi.outputs);
  os << "\n#endif\n";
  file->keep();
  return success();
}

//===----------------------------------------------------------------------===//
// Object emission and linking.
//===----------------------------------------------------------------------===//

namespace {
/// Prints "[quantc] <stage> <ms> ms" when verbose.
struct StageTimer {
  StageTimer(bool on, StringRef stage) : on(on), stage(stage) {}
  ~StageTimer() {
    if (on)
      llvm::errs() << "[quantc] " << stage << ": "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start)
                          .count()
                   << " ms\n";
  }
  bool on;
  std::string stage;
  std::chrono::steady_clock::time_point start =
      std::chrono::steady_clock::now();
};
} // namespace

LogicalResult mlir::qc::emitHostObject(ModuleOp module,
                                       const CPUCompileOptions &options,
                                       StringRef objPath,
                                       std::string &targetName) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());

  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmCtx, "quantc_model");
  if (!llvmModule)
    return module.emitError("failed to translate the model to LLVM IR");

  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return module.emitError("no LLVM target for ")
           << triple.str() << ": " << error;
  std::string cpu =
      options.cpu.empty() ? llvm::sys::getHostCPUName().str() : options.cpu;
  targetName = triple.getArchName().str() + "-" + cpu;
  llvm::TargetOptions to;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, options.features, to, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(triple);
  // Let every function use the CPU's features (vectorization width etc.).
  for (llvm::Function &f : *llvmModule) {
    if (f.isDeclaration())
      continue;
    f.addFnAttr("target-cpu", cpu);
    if (!options.features.empty())
      f.addFnAttr("target-features", options.features);
  }
  auto optimize = makeOptimizingTransformer(options.optLevel, 0, tm.get());
  if (llvm::Error e = optimize(llvmModule.get()))
    return module.emitError("LLVM optimization failed: ")
           << llvm::toString(std::move(e));

  std::error_code ec;
  llvm::ToolOutputFile out(objPath, ec, llvm::sys::fs::OF_None);
  if (ec)
    return module.emitError("cannot write ") << objPath << ": " << ec.message();
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, out.os(), nullptr,
                              llvm::CodeGenFileType::ObjectFile))
    return module.emitError("the LLVM target cannot emit object files");
  pm.run(*llvmModule);
  out.keep();
  return success();
}

LogicalResult mlir::qc::runHostTool(Location loc, ArrayRef<std::string> args) {
  SmallVector<StringRef> refs(args.begin(), args.end());
  std::string err;
  int rc =
      llvm::sys::ExecuteAndWait(args[0], refs, std::nullopt, {}, 0, 0, &err);
  if (rc != 0) {
    std::string cmd;
    for (const std::string &a : args)
      cmd += a + " ";
    return emitError(loc) << "'" << cmd << "' failed (exit code " << rc
                          << (err.empty() ? "" : ": " + err) << ")";
  }
  return success();
}

FailureOr<int64_t> mlir::qc::loweredArenaSize(ModuleOp module) {
  auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(kEntryName);
  auto arena = entry ? entry->getAttrOfType<IntegerAttr>("qc.arena_size")
                     : IntegerAttr();
  if (!arena)
    return module.emitError("the lowered module has no entry function with "
                            "an arena size");
  return arena.getInt();
}

LogicalResult mlir::qc::makeIntermediatePaths(Location loc,
                                              StringRef outputPath, bool keep,
                                              SmallString<128> &dir,
                                              SmallString<128> &object,
                                              SmallString<128> &description) {
  // Beside the output, or in a temporary directory.
  if (keep) {
    dir = llvm::sys::path::parent_path(outputPath);
    if (dir.empty())
      dir = ".";
  } else if (std::error_code ec =
                 llvm::sys::fs::createUniqueDirectory("quantc", dir)) {
    return emitError(loc) << "cannot create a temporary directory: "
                          << ec.message();
  }
  std::string stem = llvm::sys::path::stem(outputPath).str();
  object = dir;
  description = dir;
  llvm::sys::path::append(object, stem + ".o");
  llvm::sys::path::append(description, stem + ".desc.c");
  return success();
}

LogicalResult mlir::qc::compileForCPU(ModuleOp module,
                                      const ModelInterface &interface,
                                      const CPUCompileOptions &options,
                                      StringRef outputPath) {
  Location loc = module.getLoc();
  {
    StageTimer t(options.verbose, "lower to LLVM dialect");
    PassManager pm(module.getContext());
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    CPUPipelineOptions pipeline;
    pipeline.dataTiling = options.dataTiling;
    pipeline.gpuForms = options.gpuForms;
    pipeline.threads = options.threads;
    buildCPUCodegenPipeline(pm, pipeline);
    if (failed(pm.run(module)))
      return failure();
  }
  FailureOr<int64_t> arena = loweredArenaSize(module);
  if (failed(arena))
    return failure();

  SmallString<128> dir, objPath, descPath;
  if (failed(makeIntermediatePaths(loc, outputPath, options.keepIntermediates,
                                   dir, objPath, descPath)))
    return failure();

  std::string targetName;
  {
    StageTimer t(options.verbose, "LLVM optimization and object emission");
    if (failed(emitHostObject(module, options, objPath, targetName)))
      return failure();
  }
  {
    std::string err;
    auto file = openOutputFile(descPath, &err);
    if (!file)
      return emitError(loc) << "cannot write " << descPath << ": " << err;
    file->os() << descriptorSource(interface, *arena, targetName,
                                   options.producer);
    file->keep();
  }
  LogicalResult linked = success();
  {
    StageTimer t(options.verbose, "link");
    linked = runHostTool(
        loc, {QUANTC_CLANG, "-shared", "-fPIC", "-O2", "-fvisibility=hidden",
              "-I", QUANTC_RUNTIME_INCLUDE_DIR, descPath.str().str(),
              QUANTC_MODEL_SUPPORT_SOURCE, objPath.str().str(),
              QUANTC_KERNELS_LIB, "-o", outputPath.str(), "-lm",
              // The kernels are C++: without libstdc++ among the model's
              // own dependencies, a host that dlopens libqrt locally (a
              // plugin, Python's ctypes) cannot load the model.
              "-lstdc++", "-Wl,--exclude-libs,ALL", "-Wl,-z,noexecstack"});
  }
  if (!options.keepIntermediates)
    llvm::sys::fs::remove_directories(dir);
  return linked;
}

//===- quantc.cpp - the quantc driver -------------------------------------===//
//
// quantc is driven by subcommands:
//
//   quantc import MODEL.onnx -o OUT.mlir [--input-shape NAME=D0,D1,...]...
//                [--constant-input NAME=FILE.pb]... [--mlir-elide-resources]
//
// Each subcommand owns its command-line options (declared inside its run
// function, so they are registered only while it runs). The full compile
// driver (`quantc MODEL.onnx --recipe ... -o model.so`) will be the mode
// without a subcommand.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"
#include "quantc/Analysis/TensorIO.h"
#include "quantc/Import/ONNX/Importer.h"
#include "quantc/Import/ONNX/TensorProto.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
namespace cl = llvm::cl;

static void printUsage(llvm::raw_ostream &os) {
  os << "OVERVIEW: quantc, an MLIR-based quantization compiler\n\n"
        "USAGE: quantc <subcommand> [options]\n\n"
        "SUBCOMMANDS:\n"
        "  import   Import an ONNX model into a qc MLIR module\n"
        "  compile  Compile a model into a shared library (also the default:\n"
        "           'quantc MODEL.onnx -o model.so')\n\n"
        "Run 'quantc <subcommand> --help' for the options of a subcommand.\n";
}

/// `quantc import`.
static int runImport(int argc, char **argv) {
  cl::OptionCategory category("quantc import options");
  cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"),
                                 cl::Required, cl::cat(category));
  cl::opt<std::string> outputFile("o", cl::desc("Output file (default: -)"),
                                  cl::value_desc("file"), cl::init("-"),
                                  cl::cat(category));
  cl::list<std::string> inputShapes(
      "input-shape",
      cl::desc("Fix the shape of a graph input (repeatable): "
               "NAME=D0,D1,... e.g. x=1,3,48,320"),
      cl::value_desc("name=dims"), cl::cat(category));
  cl::list<std::string> constantInputs(
      "constant-input",
      cl::desc("Replace a graph input by a constant read from a TensorProto "
               ".pb or a NumPy .npy file (repeatable): NAME=FILE"),
      cl::value_desc("name=file"), cl::cat(category));
  cl::opt<bool> elideResources(
      "mlir-elide-resources",
      cl::desc("Leave the dense_resource blobs out of the output (for reading "
               "and tests; the output does not parse back)"),
      cl::init(false), cl::cat(category));
  cl::opt<bool> noFold("no-fold",
                       cl::desc("Do not evaluate constant subgraphs at import"),
                       cl::init(false), cl::cat(category));
  cl::opt<bool> noOnnxShapeInference(
      "no-onnx-shape-inference",
      cl::desc("Do not cross-check the import with ONNX's shape inference"),
      cl::init(false), cl::cat(category));
  cl::opt<std::string> funcName("func-name",
                                cl::desc("Name of the imported function"),
                                cl::init("main"), cl::cat(category));

  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  // Show MLIR's printing and context options (--mlir-print-debuginfo, ...)
  // next to ours and hide the rest of LLVM's.
  cl::OptionCategory mlirCategory("MLIR printing options");
  for (auto &entry : cl::getRegisteredOptions())
    if (entry.first.starts_with("mlir-") &&
        entry.first != "mlir-elide-resources")
      entry.second->addCategory(mlirCategory);
  cl::HideUnrelatedOptions({&category, &mlirCategory});
  cl::ParseCommandLineOptions(
      argc, argv,
      "quantc import: ONNX model (.onnx, or ONNX text syntax in .onnxtxt) "
      "-> qc MLIR module\n");

  DialectRegistry registry;
  qc::registerOnnxImportDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  qc::OnnxImportOptions options;
  options.funcName = funcName;
  options.foldConstants = !noFold;
  options.runOnnxShapeInference = !noOnnxShapeInference;
  for (const std::string &spec : inputShapes)
    if (llvm::Error err = qc::parseInputShapeOption(spec, options)) {
      llvm::errs() << "quantc: error: " << llvm::toString(std::move(err))
                   << "\n";
      return 1;
    }

  for (const std::string &spec : constantInputs) {
    auto [name, file] = llvm::StringRef(spec).rsplit('=');
    if (name.empty() || file.empty()) {
      llvm::errs() << "quantc: error: invalid --constant-input '" << spec
                   << "': expected NAME=FILE\n";
      return 1;
    }
    llvm::Expected<qc::Tensor> tensor = [&]() -> llvm::Expected<qc::Tensor> {
      if (file.ends_with(".npy"))
        return qc::readNpy(file, &context);
      llvm::Expected<qc::NamedTensor> named =
          qc::readTensorProtoFile(&context, file);
      if (!named)
        return named.takeError();
      return std::move(named->tensor);
    }();
    if (!tensor) {
      llvm::errs() << "quantc: error: " << llvm::toString(tensor.takeError())
                   << "\n";
      return 1;
    }
    options.constantInputs[name] = std::move(*tensor);
  }

  FailureOr<OwningOpRef<ModuleOp>> module =
      qc::importOnnxModel(&context, inputFile, options);
  if (failed(module))
    return 1;

  std::string errorMessage;
  std::unique_ptr<llvm::ToolOutputFile> output =
      openOutputFile(outputFile, &errorMessage);
  if (!output) {
    llvm::errs() << "quantc: error: " << errorMessage << "\n";
    return 1;
  }
  OpPrintingFlags flags;
  if (!elideResources) {
    (*module)->print(output->os(), flags);
  } else {
    // Drop the blobs; the `{-# ... #-}` section is left empty, so remove it.
    flags.elideLargeResourceString(0);
    std::string text;
    llvm::raw_string_ostream os(text);
    (*module)->print(os, flags);
    llvm::StringRef printed(text);
    size_t start = printed.rfind("{-#");
    if (start != llvm::StringRef::npos &&
        printed.drop_front(start + 3).trim() == "#-}")
      printed = printed.take_front(start).rtrim();
    output->os() << printed;
  }
  output->os() << "\n";
  output->keep();
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  if (argc < 2) {
    printUsage(llvm::errs());
    return 1;
  }
  llvm::StringRef command = argv[1];
  if (command == "import") {
    // The subcommand's own parser sees "quantc import" as the program name.
    std::string program = std::string(argv[0]) + " import";
    std::vector<char *> args = {program.data()};
    args.insert(args.end(), argv + 2, argv + argc);
    return runImport(static_cast<int>(args.size()), args.data());
  }
  bool looksLikeModel =
      command.ends_with(".onnx") || command.ends_with(".onnxtxt") ||
      command.ends_with(".mlir") || llvm::sys::fs::exists(command);
  if (command == "compile" || looksLikeModel) {
    // `quantc compile MODEL ...` or the default mode `quantc MODEL ...`.
    std::string program = std::string(argv[0]);
    std::vector<char *> args = {program.data()};
    args.insert(args.end(), argv + (command == "compile" ? 2 : 1), argv + argc);
    return quantc::runCompile(static_cast<int>(args.size()), args.data());
  }
  if (command == "--help" || command == "-help" || command == "-h") {
    printUsage(llvm::outs());
    return 0;
  }
  llvm::errs() << "quantc: error: unknown subcommand '" << command << "'\n\n";
  printUsage(llvm::errs());
  return 1;
}

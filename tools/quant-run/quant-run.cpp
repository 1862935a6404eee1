//===- quant-run.cpp - run a quantc model on .npy inputs ------------------===//
//
//   quant-run MODEL.mlir --reference --inputs DIR --outputs DIR [--entry NAME]
//   quant-run MODEL.onnx --inputs DIR --outputs DIR [--input-shape N=D,...]
//             [--constant-input NAME=FILE] [--output-format npy|pb]
//   quant-run MODEL.so --inputs DIR [--outputs DIR] [--threads N] [--bench N]
//
// Reads DIR/<name>.npy (or <name>.pb, or input_<i>.pb as in ONNX's test
// data) for every argument of the entry function (names from the `onnx.name`
// argument attribute, else arg0, arg1, ...), runs the function with the
// reference evaluator, and writes DIR/<name>.npy (or output_<i>.pb) for every
// result (`onnx.name`, else out0, out1, ...). An ONNX model is imported first
// (a dynamic input takes the shape of its file unless --input-shape fixes
// it). A .so compiled by quantc runs through the runtime (libqrt) instead,
// with the names its description gives. Exits with 1 on any error.
//
//===----------------------------------------------------------------------===//

#include "QuantRun.h"

#include "quantc/Import/ONNX/Importer.h"

#include "qc/QCDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"
#include <optional>

using namespace mlir;
using namespace mlir::qc;
namespace cl = llvm::cl;

namespace {
enum class Mode { Reference };
} // namespace

static cl::opt<std::string>
    modelPath(cl::Positional, cl::Required,
              cl::desc("<model.mlir | model.onnx | model.so>"));
static cl::opt<Mode>
    mode(cl::desc("How to run the model:"), cl::init(Mode::Reference),
         cl::values(clEnumValN(Mode::Reference, "reference",
                               "with the reference evaluator (the default)")));
static cl::opt<std::string>
    inputsDir("inputs",
              cl::desc("Directory of the inputs, one file per argument: "
                       "<name>.npy, <name>.pb or input_<i>.pb"),
              cl::value_desc("dir"));
static cl::opt<std::string> outputsDir("outputs",
                                       cl::desc("Directory to write the "
                                                "outputs to"),
                                       cl::value_desc("dir"));
static cl::opt<std::string>
    entry("entry",
          cl::desc("Function to run (default: the only or first public one)"),
          cl::value_desc("name"));
static cl::opt<unsigned> threads("num-threads",
                                 cl::desc("Worker threads (0: one per "
                                          "hardware thread)"),
                                 cl::init(0));
static cl::opt<unsigned>
    bench("bench",
          cl::desc("Compiled models: time this many runs after two warm-up "
                   "runs and print the median and p90"),
          cl::value_desc("iterations"), cl::init(0));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("ONNX models: fix the shape of a graph input "
                         "(repeatable): NAME=D0,D1,...; by default a dynamic "
                         "input takes the shape of its input file"),
                cl::value_desc("name=dims"));
static cl::list<std::string> constantInputs(
    "constant-input",
    cl::desc("ONNX models: replace a graph input by the constant in a .npy "
             "or TensorProto .pb file (repeatable): NAME=FILE"),
    cl::value_desc("name=file"));
static cl::opt<std::string>
    outputFormat("output-format",
                 cl::desc("How outputs are written: npy (<name>.npy, the "
                          "default) or pb (output_<i>.pb, as in ONNX's test "
                          "data)"),
                 cl::init("npy"));
static cl::opt<bool> timeOps("time-ops",
                             cl::desc("Print the time spent in each kind of "
                                      "op to stderr"),
                             cl::init(false));

static LogicalResult error(const Twine &message) {
  llvm::WithColor::error(llvm::errs(), "quant-run") << message << "\n";
  return failure();
}

/// Fills the import options of an ONNX model from --input-shape and
/// --constant-input; a graph input with a dynamic shape and no --input-shape
/// takes the shape of its file in --inputs. Records each graph input's index
/// (for input_<i>.pb files).
static LogicalResult prepareOnnxImport(MLIRContext &ctx,
                                       OnnxImportOptions &importOptions,
                                       llvm::StringMap<unsigned> &index) {
  for (const std::string &spec : inputShapes)
    if (llvm::Error err = parseInputShapeOption(spec, importOptions))
      return error(llvm::toString(std::move(err)));
  for (const std::string &spec : constantInputs) {
    auto [name, file] = StringRef(spec).rsplit('=');
    if (name.empty() || file.empty())
      return error("invalid --constant-input '" + spec +
                   "': expected NAME=FILE");
    llvm::Expected<Tensor> t = run::readInputFile(file, &ctx);
    if (!t)
      return error(llvm::toString(t.takeError()));
    importOptions.constantInputs[name] = std::move(*t);
  }
  llvm::Expected<SmallVector<OnnxGraphInput>> graphInputs =
      readOnnxGraphInputs(modelPath);
  if (!graphInputs)
    return error(llvm::toString(graphInputs.takeError()));
  for (auto [i, in] : llvm::enumerate(*graphInputs)) {
    index[in.name] = i;
    if (in.isStatic() || importOptions.inputShapes.count(in.name) ||
        importOptions.constantInputs.count(in.name))
      continue;
    std::string file =
        run::findInputFile(inputsDir, run::sanitizeFileName(in.name), i);
    if (file.empty())
      continue; // the importer reports the dynamic dimension
    llvm::Expected<Tensor> t = run::readInputFile(file, &ctx);
    if (!t)
      return error(llvm::toString(t.takeError()));
    importOptions.inputShapes[in.name] = SmallVector<int64_t>(t->getShape());
  }
  return success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // `--threads` is taken by an option inside libLLVM; accept it as the
  // spelling of --num-threads.
  std::vector<char *> args(argv, argv + argc);
  std::string renamed;
  for (char *&a : args) {
    StringRef s(a);
    if (s == "--threads" || s == "-threads")
      a = const_cast<char *>("--num-threads");
    else if (s.starts_with("--threads=")) {
      renamed = "--num-threads=" + s.drop_front(10).str();
      a = renamed.data();
    }
  }
  cl::ParseCommandLineOptions(
      (int)args.size(), args.data(),
      "quant-run: run a quantc model on .npy or .pb inputs\n");

  DialectRegistry registry;
  registry.insert<QCDialect, func::FuncDialect, arith::ArithDialect,
                  quant::QuantDialect>();
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  // Diagnostics point at the op in the model; no generic-form dump.
  ctx.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &ctx);

  if (StringRef(modelPath).ends_with(".so")) {
    if (inputsDir.empty()) {
      llvm::WithColor::error(llvm::errs(), "quant-run")
          << "a compiled model needs --inputs DIR\n";
      return 1;
    }
    run::RunOptions options;
    options.inputsDir = inputsDir;
    options.outputsDir = outputsDir;
    options.numThreads = threads;
    options.benchIterations = bench;
    return failed(run::runCompiled(modelPath, options, ctx)) ? 1 : 0;
  }

  if (inputsDir.empty() || outputsDir.empty()) {
    llvm::WithColor::error(llvm::errs(), "quant-run")
        << "--reference needs --inputs DIR and --outputs DIR\n";
    return 1;
  }

  run::RunOptions options;
  if (outputFormat != "npy" && outputFormat != "pb") {
    llvm::WithColor::error(llvm::errs(), "quant-run")
        << "unknown --output-format '" << outputFormat
        << "' (expected npy or pb)\n";
    return 1;
  }
  options.writeTensorProtos = outputFormat == "pb";

  OnnxImportOptions importOptions;
  if (run::isOnnxModel(modelPath)) {
    if (failed(prepareOnnxImport(ctx, importOptions, options.graphInputIndex)))
      return 1;
  } else if (!inputShapes.empty() || !constantInputs.empty()) {
    llvm::WithColor::error(llvm::errs(), "quant-run")
        << "--input-shape and --constant-input apply to ONNX models (.onnx, "
           ".onnxtxt), found '"
        << modelPath << "'\n";
    return 1;
  }
  // Errors at imported ops (evaluation errors too) name the ONNX node.
  std::optional<OnnxDiagnosticHandler> onnxDiags;
  if (run::isOnnxModel(modelPath))
    onnxDiags.emplace(&ctx);
  OwningOpRef<ModuleOp> module =
      run::loadModel(modelPath, sourceMgr, ctx, importOptions);
  if (!module)
    return 1;

  options.entry = entry;
  options.inputsDir = inputsDir;
  options.outputsDir = outputsDir;
  options.numThreads = threads;
  options.timeOps = timeOps;
  switch (mode) {
  case Mode::Reference:
    return failed(run::runReference(*module, options)) ? 1 : 0;
  }
  return 1;
}

//===- quant-run.cpp - run a quantc model on .npy inputs ------------------===//
//
//   quant-run MODEL.mlir --reference --inputs DIR --outputs DIR [--entry NAME]
//   quant-run MODEL.so --inputs DIR [--outputs DIR] [--threads N] [--bench N]
//
// Reads DIR/<name>.npy for every argument of the entry function (names from
// the `onnx.name` argument attribute, else arg0, arg1, ...), runs the
// function with the reference evaluator, and writes DIR/<name>.npy for every
// result (`onnx.name`, else out0, out1, ...). A .so compiled by quantc runs
// through the runtime (libqrt) instead, with the names its description
// gives. Exits with 1 on any error.
//
//===----------------------------------------------------------------------===//

#include "QuantRun.h"

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

using namespace mlir;
using namespace mlir::qc;
namespace cl = llvm::cl;

namespace {
enum class Mode { Reference };
} // namespace

static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model.mlir | model.so>"));
static cl::opt<Mode>
    mode(cl::desc("How to run the model:"), cl::init(Mode::Reference),
         cl::values(clEnumValN(Mode::Reference, "reference",
                               "with the reference evaluator (the default)")));
static cl::opt<std::string> inputsDir("inputs",
                                      cl::desc("Directory of <input>.npy "
                                               "files, one per argument"),
                                      cl::value_desc("dir"));
static cl::opt<std::string> outputsDir("outputs",
                                       cl::desc("Directory to write "
                                                "<output>.npy files to"),
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
static cl::opt<bool> timeOps("time-ops",
                             cl::desc("Print the time spent in each kind of "
                                      "op to stderr"),
                             cl::init(false));

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
  cl::ParseCommandLineOptions((int)args.size(), args.data(),
                              "quant-run: run a quantc model on .npy inputs\n");

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

  OwningOpRef<ModuleOp> module = run::loadModel(modelPath, sourceMgr, ctx);
  if (!module)
    return 1;

  run::RunOptions options;
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

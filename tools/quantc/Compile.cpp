//===- Compile.cpp - quantc's compile mode: model -> shared library -------===//
//
//   quantc MODEL.onnx|MODEL.mlir -o model.so [--input-shape x=1,3,48,320]
//          [--emit=so|mlir|quantized|llvm|onnx-qdq] [--header model.h] [--cpu NAME] [-v]
//          [--recipe w8a8|w4a16|w4a8 --calib DIR [--report FILE]]
//
// Imports (or parses) the model, quantizes it with a recipe when asked
// (Quantize.cpp), runs the CPU code generation pipeline and links a shared
// library that the runtime (libqrt) loads.
//
//===----------------------------------------------------------------------===//

#include "Driver.h"
#include "Quantize.h"

#include "quantc/Export/ONNX/Exporter.h"
#include "quantc/Import/ONNX/Importer.h"
#include "quantc/Target/CPU/Compile.h"
#include "quantc/Target/CPU/Passes.h"
#include "quantc/Target/CUDA/Compile.h"
#include "quantc/Target/CUDA/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
enum class Emit { SharedLibrary, QCMLIR, Quantized, LLVMDialect, OnnxQDQ, PTX };
} // namespace

/// Imports an .onnx/.onnxtxt model or parses a .mlir file.
static OwningOpRef<ModuleOp>
loadModel(MLIRContext &context, llvm::SourceMgr &sourceMgr, StringRef path,
          const qc::OnnxImportOptions &importOptions) {
  if (path.ends_with(".mlir")) {
    std::string err;
    auto file = openInputFile(path, &err);
    if (!file) {
      llvm::errs() << "quantc: error: " << err << "\n";
      return nullptr;
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    return parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&context));
  }
  FailureOr<OwningOpRef<ModuleOp>> module =
      qc::importOnnxModel(&context, path, importOptions);
  if (failed(module))
    return nullptr;
  return std::move(*module);
}

int quantc::runCompile(int argc, char **argv) {
  cl::OptionCategory category("quantc compile options");
  cl::opt<std::string> inputFile(cl::Positional,
                                 cl::desc("<model.onnx | model.mlir>"),
                                 cl::Required, cl::cat(category));
  cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                  cl::value_desc("file"), cl::Required,
                                  cl::cat(category));
  cl::list<std::string> inputShapes(
      "input-shape",
      cl::desc("Fix the shape of a graph input (repeatable): NAME=D0,D1,..."),
      cl::value_desc("name=dims"), cl::cat(category));
  cl::opt<Emit> emit(
      "emit", cl::desc("What to produce"), cl::init(Emit::SharedLibrary),
      cl::values(clEnumValN(Emit::SharedLibrary, "so",
                            "a model shared library for the runtime"),
                 clEnumValN(Emit::QCMLIR, "mlir",
                            "the qc graph that would be compiled"),
                 clEnumValN(Emit::Quantized, "quantized",
                            "the quantized qc graph (same as mlir; with "
                            "--recipe)"),
                 clEnumValN(Emit::LLVMDialect, "llvm",
                            "the model lowered to the LLVM dialect"),
                 clEnumValN(Emit::OnnxQDQ, "onnx-qdq",
                            "the (quantized) qc graph as an ONNX model with "
                            "QuantizeLinear/DequantizeLinear "
                            "(docs/exporting-onnx.md)"),
                 clEnumValN(Emit::PTX, "ptx",
                            "with --target=cuda: the PTX of every kernel")),
      cl::cat(category));
  cl::opt<std::string> target("target",
                              cl::desc("Code generation target: cpu, or "
                                       "cuda (docs/cuda.md)"),
                              cl::init("cpu"), cl::cat(category));
  cl::opt<std::string> cudaArch(
      "cuda-arch",
      cl::desc("With --target=cuda: the GPU architecture of the cubins "
               "(sm_80, sm_86, sm_89, sm_90, ...); the embedded PTX runs on "
               "newer GPUs too"),
      cl::init("sm_80"), cl::cat(category));
  cl::opt<bool> cudaSharedX(
      "cuda-shared-x",
      cl::desc("With --target=cuda: tensor-core GEMMs with at least four "
               "64-column tiles read x once per block into shared memory "
               "and load it with ldmatrix (default false: each warp reads "
               "its own x, measured faster on an H200; docs/cuda.md)"),
      cl::init(false), cl::cat(category));
  cl::opt<std::string> cpu("cpu",
                           cl::desc("LLVM CPU to compile for (default: the "
                                    "host's)"),
                           cl::init(""), cl::cat(category));
  cl::opt<std::string> header(
      "header", cl::desc("Also write a C header describing the model"),
      cl::value_desc("file"), cl::init(""), cl::cat(category));
  cl::opt<bool> keep("keep-intermediates",
                     cl::desc("Keep the object file and the description "
                              "source beside the output"),
                     cl::init(false), cl::cat(category));
  cl::opt<bool> verbose("v", cl::desc("Print the time of each stage"),
                        cl::init(false), cl::cat(category));
  cl::opt<bool> noDataTiling(
      "no-data-tiling",
      cl::desc("Lower contractions to plain loops instead of packed tiles "
               "and microkernels (for debugging and comparison)"),
      cl::init(false), cl::cat(category));
  cl::opt<bool> gpuForms(
      "gpu-forms",
      cl::desc("With --no-data-tiling: lower contractions to the forms the "
               "CUDA kernels take, run as loops on the CPU (to check the "
               "CUDA target's lowering against the reference evaluator)"),
      cl::init(false), cl::Hidden, cl::cat(category));
  cl::opt<std::string> recipe(
      "recipe",
      cl::desc("Quantize with a recipe first: w8a8 (int8 per-channel "
               "weights, u8 activations), w4a16 (int4 group-128 GPTQ "
               "weights), w4a8 (both), mixed"),
      cl::value_desc("name"), cl::init(""), cl::cat(category));
  cl::opt<std::string> calib(
      "calib",
      cl::desc("Calibration set for --recipe: one subdirectory per sample "
               "holding <input>.npy"),
      cl::value_desc("dir"), cl::init(""), cl::cat(category));
  cl::opt<unsigned> calibSamples(
      "calib-samples", cl::desc("Use at most this many samples (0: all)"),
      cl::init(0), cl::cat(category));
  cl::opt<std::string> actMethod(
      "act-method",
      cl::desc("Override the recipe's activation range method: minmax, "
               "percentile, entropy, mse"),
      cl::init(""), cl::cat(category));
  cl::opt<std::string> algorithm(
      "algorithm",
      cl::desc("Override the recipe's weight algorithm: rtn, gptq"),
      cl::init(""), cl::cat(category));
  cl::opt<unsigned> keepFloat(
      "keep-float",
      cl::desc("With --recipe: leave in float the K layers whose "
               "quantization alone costs the most output SQNR (measured on "
               "one calibration sample)"),
      cl::init(0), cl::cat(category));
  cl::opt<double> avgBits(
      "avg-bits",
      cl::desc("With --recipe mixed: the average weight bits per weight "
               "element that qc-assign-precision may spend (default 4.5)"),
      cl::init(0.0), cl::cat(category));
  cl::list<unsigned> mixedBits(
      "mixed-bits",
      cl::desc("With --recipe mixed: the candidate weight widths per layer, "
               "each in [2, 8] (default 4,8)"),
      cl::CommaSeparated, cl::cat(category));
  cl::opt<bool> equalizeRuntime(
      "equalize-runtime",
      cl::desc("With --recipe: also equalize the channels of convolution "
               "inputs whose producer cannot absorb the factors, with a "
               "run-time per-channel multiply"),
      cl::init(false), cl::cat(category));
  cl::opt<std::string> report(
      "report",
      cl::desc("With --recipe: write a per-layer report to FILE.md and "
               "FILE.json (the SQNR of each layer against f32 on the "
               "calibration set)"),
      cl::value_desc("file"), cl::init(""), cl::cat(category));
  cl::opt<bool> noThreads("no-threads",
                          cl::desc("Do not split the model into tasks for "
                                   "the runtime's thread pool"),
                          cl::init(false), cl::cat(category));

  cl::opt<int64_t> onnxOpset(
      "onnx-opset",
      cl::desc("With --emit=onnx-qdq: the ONNX opset to write, 17 to 23 (0: "
               "the lowest that expresses the graph)"),
      cl::init(0), cl::cat(category));
  cl::opt<bool> onnxFloatBias(
      "onnx-float-bias",
      cl::desc("With --emit=onnx-qdq: keep the biases of quantized Conv/Gemm "
               "in f32 instead of int32 behind DequantizeLinear"),
      cl::init(false), cl::cat(category));
  cl::opt<std::string> onnxExternalData(
      "onnx-external-data",
      cl::desc("With --emit=onnx-qdq: store the weights in FILE (relative to "
               "the output's directory) as ONNX external data"),
      cl::value_desc("file"), cl::init(""), cl::cat(category));

  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  cl::HideUnrelatedOptions({&category});
  cl::ParseCommandLineOptions(
      argc, argv, "quantc: compile an ONNX model into a shared library\n");

  if (target != "cpu" && target != "cuda") {
    llvm::errs() << "quantc: error: unknown --target '" << target
                 << "' (expected cpu or cuda)\n";
    return 1;
  }
  bool cuda = target == "cuda";
  if (!cuda && emit == Emit::PTX) {
    llvm::errs() << "quantc: error: --emit=ptx needs --target=cuda\n";
    return 1;
  }
  if (cuda &&
      (cudaArch.size() < 5 || !StringRef(cudaArch).starts_with("sm_"))) {
    llvm::errs()
        << "quantc: error: --cuda-arch '" << cudaArch
        << "' is not a GPU architecture (expected sm_80, sm_90, ...)\n";
    return 1;
  }

  DialectRegistry registry;
  qc::registerOnnxImportDialects(registry);
  qc::registerCPUCodegenDialects(registry);
  qc::registerCUDACodegenDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);

  qc::OnnxImportOptions importOptions;
  for (const std::string &spec : inputShapes)
    if (llvm::Error err = qc::parseInputShapeOption(spec, importOptions)) {
      llvm::errs() << "quantc: error: " << llvm::toString(std::move(err))
                   << "\n";
      return 1;
    }
  OwningOpRef<ModuleOp> module =
      loadModel(context, sourceMgr, inputFile, importOptions);
  if (!module)
    return 1;

  auto writeModule = [&]() -> int {
    std::string err;
    auto out = openOutputFile(outputFile, &err);
    if (!out) {
      llvm::errs() << "quantc: error: " << err << "\n";
      return 1;
    }
    (*module)->print(out->os());
    out->os() << "\n";
    out->keep();
    return 0;
  };
  if (!recipe.empty()) {
    quantc::QuantizeOptions q;
    q.recipe = recipe;
    q.calib = calib;
    q.samples = calibSamples;
    q.actMethod = actMethod;
    q.algorithm = algorithm;
    q.keepFloat = keepFloat;
    q.avgBits = avgBits;
    q.mixedBits.assign(mixedBits.begin(), mixedBits.end());
    q.equalizeRuntime = equalizeRuntime;
    q.report = report;
    q.verbose = verbose;
    if (failed(quantc::quantizeModule(*module, q)))
      return 1;
  } else if (!report.empty() || !calib.empty()) {
    llvm::errs() << "quantc: error: --calib and --report need --recipe\n";
    return 1;
  }
  if (emit == Emit::QCMLIR || emit == Emit::Quantized)
    return writeModule();
  if (emit == Emit::OnnxQDQ) {
    qc::OnnxExportOptions onnx;
    onnx.opset = onnxOpset;
    onnx.quantizeBias = !onnxFloatBias;
    onnx.externalDataFile = onnxExternalData;
    return failed(qc::exportOnnxModelToFile(*module, outputFile, onnx)) ? 1 : 0;
  }

  FailureOr<qc::ModelInterface> interface = qc::getModelInterface(*module);
  if (failed(interface))
    return 1;
  if (interface->name.empty() || interface->name == "main")
    interface->name = llvm::sys::path::stem(inputFile).str();
  if (!header.empty() && failed(qc::writeModelHeader(*interface, header)))
    return 1;

  qc::CUDACompileOptions cudaOptions;
  cudaOptions.chip = cudaArch;
  cudaOptions.sharedX = cudaSharedX;
  cudaOptions.keepIntermediates = keep;
  cudaOptions.verbose = verbose;
  cudaOptions.producer =
      "quantc 0.1 (" + (recipe.empty() ? std::string("fp32") : recipe) + ")";
  if (emit == Emit::PTX)
    return failed(qc::writeCUDAKernelsPTX(*module, cudaOptions, outputFile))
               ? 1
               : 0;
  if (cuda && emit == Emit::LLVMDialect) {
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)))
      return 1;
    qc::CUDAPipelineOptions pipeline;
    pipeline.chip = cudaArch;
    pipeline.sharedX = cudaSharedX;
    qc::buildCUDACodegenPipeline(pm, pipeline);
    if (failed(pm.run(*module)))
      return 1;
    return writeModule();
  }
  if (cuda)
    return failed(
               qc::compileForCUDA(*module, *interface, cudaOptions, outputFile))
               ? 1
               : 0;

  if (emit == Emit::LLVMDialect) {
    PassManager pm(&context);
    if (failed(applyPassManagerCLOptions(pm)))
      return 1;
    qc::CPUPipelineOptions pipeline;
    pipeline.dataTiling = !noDataTiling;
    pipeline.threads = !noThreads;
    pipeline.gpuForms = gpuForms;
    qc::buildCPUCodegenPipeline(pm, pipeline);
    if (failed(pm.run(*module)))
      return 1;
    return writeModule();
  }

  qc::CPUCompileOptions options;
  options.cpu = cpu;
  options.keepIntermediates = keep;
  options.verbose = verbose;
  options.dataTiling = !noDataTiling;
  options.threads = !noThreads;
  options.gpuForms = gpuForms;
  options.producer = cudaOptions.producer;
  if (failed(qc::compileForCPU(*module, *interface, options, outputFile)))
    return 1;
  return 0;
}

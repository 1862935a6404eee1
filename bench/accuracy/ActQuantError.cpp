//===- ActQuantError.cpp - how quantizable are a model's activations ------===//
//
// qc-act-quant-error runs a qc function with the reference evaluator and
// measures, for the activation input of every qc.matmul with a constant 2-D
// weight (the activations a W*A* recipe quantizes), the error of
//
//   a8   static per-tensor asymmetric u8 quantization, with the range
//        (min, max) measured on a calibration set (what qc-quantize does
//        with act-method=minmax);
//   b4   dynamic per-block symmetric 4-bit quantization (i4 [-7, 7], one
//        scale per block of `block` consecutive channels: max|x| / 7), the
//        block formats of "Accurate Block Quantization in LLMs with
//        Outliers" and MX;
//
// as SQNR = 10 log10(sum x^2 / sum (x - q(x))^2) over an evaluation set,
// and the outlier statistics of the activation: the largest per-channel
// max|x| over the median one, and max|x| / rms(x).
//
//   qc-act-quant-error MODEL.mlir --calib DIR --samples DIR [--block 32]
//                      [--num-threads N] [--json FILE]
//
// Prints one line per activation and the means over all of them.
//
//===----------------------------------------------------------------------===//

#include "qc/QCDialect.h"
#include "qc/QCOps.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Support/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
namespace cl = llvm::cl;

static cl::opt<std::string> modelPath(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required);
static cl::opt<std::string> calibDir("calib", cl::Required,
                                     cl::desc("Calibration set (ranges)"));
static cl::opt<std::string> samplesDir("samples", cl::Required,
                                       cl::desc("Evaluation set (errors)"));
static cl::opt<int64_t> blockSize("block", cl::init(32),
                                  cl::desc("Channels per 4-bit block"));
static cl::opt<unsigned> threads("num-threads", cl::init(1),
                                 cl::desc("Evaluator threads (0: all)"));
static cl::opt<std::string> jsonPath("json", cl::init(""),
                                     cl::desc("Also write the results here"));

namespace {

struct Activation {
  std::string name;
  int64_t channels = 0;
  float min = INFINITY, max = -INFINITY;
  double signal = 0, noiseA8 = 0, noiseB4 = 0, sumSq = 0;
  int64_t count = 0;
  float maxAbs = 0;
  std::vector<float> channelMax;
};

/// The ONNX node name in `loc`, else the op name.
std::string nameOf(Operation *op) {
  std::string name;
  op->getLoc()->walk([&](Location l) {
    if (auto n = dyn_cast<NameLoc>(l)) {
      name = n.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name.empty() ? op->getName().getStringRef().str() : name;
}

double sqnr(double signal, double noise) {
  return noise == 0 ? INFINITY : 10 * std::log10(signal / noise);
}

/// u8 asymmetric fake quantization with range [lo, hi] (containing 0).
float fakeA8(float x, float scale, float zp) {
  float q = std::nearbyint(x / scale) + zp;
  q = std::min(255.0f, std::max(0.0f, q));
  return (q - zp) * scale;
}

void measure(Activation &a, const Tensor &t) {
  ArrayRef<float> x = t.getFloats();
  int64_t c = a.channels;
  float lo = std::min(a.min, 0.0f), hi = std::max(a.max, 0.0f);
  float scale = hi > lo ? (hi - lo) / 255.0f : 1.0f;
  float zp = std::nearbyint(-lo / scale);
  for (size_t i = 0; i < x.size(); ++i) {
    double e = x[i] - fakeA8(x[i], scale, zp);
    a.noiseA8 += e * e;
    a.signal += static_cast<double>(x[i]) * x[i];
    a.maxAbs = std::max(a.maxAbs, std::fabs(x[i]));
    a.channelMax[i % c] = std::max(a.channelMax[i % c], std::fabs(x[i]));
  }
  a.count += x.size();
  int64_t b = std::min<int64_t>(blockSize, c);
  for (size_t start = 0; start < x.size(); start += b) {
    float m = 0;
    for (int64_t j = 0; j < b; ++j)
      m = std::max(m, std::fabs(x[start + j]));
    float s = m > 0 ? m / 7.0f : 1.0f;
    for (int64_t j = 0; j < b; ++j) {
      float q = std::min(7.0f, std::max(-7.0f, std::nearbyint(x[start + j] / s)));
      double e = x[start + j] - q * s;
      a.noiseB4 += e * e;
    }
  }
}

int run(MLIRContext &ctx) {
  llvm::SourceMgr sourceMgr;
  std::string err;
  auto buffer = mlir::openInputFile(modelPath, &err);
  if (!buffer) {
    llvm::errs() << "qc-act-quant-error: " << err << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&ctx));
  if (!module)
    return 1;
  func::FuncOp func;
  for (auto f : module->getOps<func::FuncOp>())
    if (!f.isExternal() && !func)
      func = f;
  if (!func) {
    llvm::errs() << "qc-act-quant-error: expected a function with a body\n";
    return 1;
  }
  if (blockSize <= 0) {
    llvm::errs() << "qc-act-quant-error: expected a positive --block, found "
                 << blockSize << "\n";
    return 1;
  }

  // The activation inputs of the constant-weight matrix products.
  llvm::MapVector<Value, Activation> acts;
  func.walk([&](MatMulOp mm) {
    auto w = dyn_cast<RankedTensorType>(mm.getRhs().getType());
    auto x = dyn_cast<RankedTensorType>(mm.getLhs().getType());
    if (!w || w.getRank() != 2 || !x || !x.getElementType().isF32() ||
        !readFloatConstant(mm.getRhs()) || acts.count(mm.getLhs()))
      return;
    Activation a;
    a.name = nameOf(mm);
    a.channels = x.getShape().back();
    if (a.channels % std::min<int64_t>(blockSize, a.channels) != 0) {
      llvm::errs() << "qc-act-quant-error: --block " << blockSize
                   << " does not divide the " << a.channels
                   << " channels of the input of " << a.name << "\n";
      return;
    }
    a.channelMax.assign(a.channels, 0.0f);
    acts.insert({mm.getLhs(), std::move(a)});
  });

  EvaluateOptions options;
  options.numThreads = threads;
  for (bool calibrating : {true, false}) {
    llvm::Expected<CalibrationSet> set =
        CalibrationSet::open(calibrating ? calibDir : samplesDir, func);
    if (!set) {
      llvm::errs() << "qc-act-quant-error: " << toString(set.takeError())
                   << "\n";
      return 1;
    }
    for (size_t i = 0; i < set->size(); ++i) {
      llvm::Expected<SmallVector<Tensor>> inputs = set->load(i);
      if (!inputs) {
        llvm::errs() << "qc-act-quant-error: " << toString(inputs.takeError())
                     << "\n";
        return 1;
      }
      auto observe = [&](Value v, const Tensor &t) {
        auto it = acts.find(v);
        if (it == acts.end())
          return;
        Activation &a = it->second;
        if (calibrating) {
          for (float x : t.getFloats()) {
            a.min = std::min(a.min, x);
            a.max = std::max(a.max, x);
          }
        } else {
          measure(a, t);
        }
      };
      if (failed(evaluateFunction(func, *inputs, observe, options)))
        return 1;
    }
  }

  llvm::outs() << llvm::formatv("{0,-28} {1,6} {2,9} {3,9} {4,9} {5,9}\n",
                                "activation (consumer)", "K", "a8 dB",
                                "b4 dB", "ch max/med", "max/rms");
  double sumA8 = 0, sumB4 = 0;
  llvm::json::Array rows;
  for (auto &[v, a] : acts) {
    std::vector<float> sorted = a.channelMax;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2,
                     sorted.end());
    double median = sorted[sorted.size() / 2];
    double chRatio = median > 0 ? *std::max_element(a.channelMax.begin(),
                                                     a.channelMax.end()) /
                                      median
                                : 0.0;
    double crest = a.signal > 0 ? a.maxAbs / std::sqrt(a.signal / a.count) : 0;
    double a8 = sqnr(a.signal, a.noiseA8), b4 = sqnr(a.signal, a.noiseB4);
    sumA8 += a8;
    sumB4 += b4;
    llvm::outs() << llvm::formatv(
        "{0,-28} {1,6} {2,9:F2} {3,9:F2} {4,9:F1} {5,9:F1}\n", a.name,
        a.channels, a8, b4, chRatio, crest);
    rows.push_back(llvm::json::Object{{"name", a.name},
                                      {"channels", a.channels},
                                      {"a8_sqnr_db", a8},
                                      {"b4_sqnr_db", b4},
                                      {"channel_max_over_median", chRatio},
                                      {"max_over_rms", crest}});
  }
  size_t n = std::max<size_t>(1, acts.size());
  llvm::outs() << llvm::formatv("{0,-28} {1,6} {2,9:F2} {3,9:F2}\n",
                                "mean over activations", "", sumA8 / n,
                                sumB4 / n);
  if (!jsonPath.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(jsonPath, ec);
    if (ec) {
      llvm::errs() << "qc-act-quant-error: cannot write " << jsonPath << ": "
                   << ec.message() << "\n";
      return 1;
    }
    os << llvm::formatv(
        "{0:2}", llvm::json::Value(llvm::json::Object{
                     {"block", (int64_t)blockSize},
                     {"mean_a8_sqnr_db", sumA8 / n},
                     {"mean_b4_sqnr_db", sumB4 / n},
                     {"activations", std::move(rows)}}));
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qc-act-quant-error: activation quantization error of a qc model\n");
  DialectRegistry registry;
  registry.insert<QCDialect, func::FuncDialect, arith::ArithDialect,
                  quant::QuantDialect>();
  MLIRContext ctx(registry);
  return run(ctx);
}

//===- Reference.cpp - quant-run's reference mode -------------------------===//

#include "QuantRun.h"

#include "qc/QCShapeUtils.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Analysis/TensorIO.h"
#include "quantc/Import/ONNX/TensorProto.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include <chrono>

using namespace mlir;
using namespace mlir::qc;

static LogicalResult error(const Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "quant-run") << msg << "\n";
  return failure();
}

static std::string str(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Adapts a tensor read from a .npy file to the argument type `type`:
/// integers read for a quantized argument become its storage values.
/// Reports a mismatch naming the file, the argument and both types.
static FailureOr<Tensor> matchArgument(Tensor t, RankedTensorType type,
                                       StringRef path, unsigned index,
                                       StringRef name) {
  auto mismatch = [&] {
    return error(path + ": expected shape " + formatShape(type.getShape()) +
                 " and element type " + str(type.getElementType()) +
                 " for argument #" + Twine(index) + " ('" + name +
                 "'), found shape " + formatShape(t.getShape()) +
                 " and element type " + str(t.getElementType()));
  };
  if (t.getShape() != type.getShape())
    return mismatch();
  Type want = type.getElementType();
  if (t.getElementType() == want)
    return t;
  auto q = dyn_cast<quant::QuantizedType>(want);
  auto have = dyn_cast<IntegerType>(t.getElementType());
  if (!q || !have || have.getWidth() == 1 || have.isUnsigned() != !q.isSigned())
    return mismatch();
  for (int64_t v : t.getInts())
    if (v < q.getStorageTypeMin() || v > q.getStorageTypeMax())
      return error(path + ": expected storage values in [" +
                   Twine(q.getStorageTypeMin()) + ", " +
                   Twine(q.getStorageTypeMax()) + "] for argument #" +
                   Twine(index) + " ('" + name + "') of type " + str(want) +
                   ", found " + Twine(v));
  return Tensor::getInt(
      want, t.getShape(),
      std::vector<int64_t>(t.getInts().begin(), t.getInts().end()));
}

namespace {
/// Accumulates the wall time between consecutive evaluated values per op.
struct OpTimer {
  using Clock = std::chrono::steady_clock;
  Clock::time_point last = Clock::now(), start = last;
  llvm::StringMap<std::pair<int64_t, double>> perOp; // count, seconds

  void observe(Value v) {
    Clock::time_point now = Clock::now();
    Operation *op = v.getDefiningOp();
    if (op && cast<OpResult>(v).getResultNumber() == 0) {
      auto &entry = perOp[op->getName().getStringRef()];
      ++entry.first;
      entry.second += std::chrono::duration<double>(now - last).count();
    }
    last = now;
  }

  void print(llvm::raw_ostream &os) const {
    double total = std::chrono::duration<double>(last - start).count();
    SmallVector<std::pair<StringRef, std::pair<int64_t, double>>> rows;
    for (const auto &e : perOp)
      rows.push_back({e.getKey(), e.getValue()});
    llvm::sort(rows, [](const auto &a, const auto &b) {
      return a.second.second > b.second.second;
    });
    os << "quant-run: evaluated in " << llvm::format("%.3f", total * 1e3)
       << " ms\n";
    for (const auto &[name, stat] : rows)
      os << llvm::format("  %-28s %6lld ops %10.3f ms %5.1f%%\n",
                         name.str().c_str(), (long long)stat.first,
                         stat.second * 1e3,
                         total > 0 ? 100.0 * stat.second / total : 0.0);
  }
};
} // namespace

LogicalResult mlir::qc::run::runReference(ModuleOp module,
                                          const RunOptions &options) {
  FailureOr<func::FuncOp> entry = findEntryFunction(module, options.entry);
  if (failed(entry))
    return failure();
  func::FuncOp func = *entry;
  MLIRContext *ctx = module.getContext();

  SmallVector<Tensor> inputs;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    std::string name = getArgumentName(func, i);
    auto tensorType = dyn_cast<RankedTensorType>(type);
    if (!tensorType)
      return error("expected argument #" + Twine(i) + " ('" + name +
                   "') to be a ranked tensor, found " + str(type));
    unsigned index = i;
    if (auto onnxName = func.getArgAttrOfType<StringAttr>(i, "onnx.name")) {
      auto it = options.graphInputIndex.find(onnxName.getValue());
      if (it != options.graphInputIndex.end())
        index = it->second;
    }
    std::string path = findInputFile(options.inputsDir, name, index);
    if (path.empty()) {
      SmallString<256> npy(options.inputsDir);
      llvm::sys::path::append(npy, name + ".npy");
      return error("missing input file '" + npy + "' (or " + name +
                   ".pb, input_" + Twine(index) + ".pb) for argument #" +
                   Twine(i) + " ('" + name + "') of type " + str(type));
    }
    llvm::Expected<Tensor> t = readInputFile(path, ctx);
    if (!t)
      return error(llvm::toString(t.takeError()));
    FailureOr<Tensor> matched =
        matchArgument(std::move(*t), tensorType, path, i, name);
    if (failed(matched))
      return failure();
    inputs.push_back(std::move(*matched));
  }

  EvaluateOptions evalOptions;
  evalOptions.numThreads = options.numThreads;
  OpTimer timer;
  auto observe = [&](Value v, const Tensor &) { timer.observe(v); };
  FailureOr<SmallVector<Tensor>> results =
      options.timeOps ? evaluateFunction(func, inputs, observe, evalOptions)
                      : evaluateFunction(func, inputs, {}, evalOptions);
  if (failed(results))
    return failure();
  if (options.timeOps)
    timer.print(llvm::errs());

  if (std::error_code ec =
          llvm::sys::fs::create_directories(options.outputsDir))
    return error("cannot create the output directory '" + options.outputsDir +
                 "': " + ec.message());
  for (auto [i, t] : llvm::enumerate(*results)) {
    SmallString<256> path(options.outputsDir);
    if (options.writeTensorProtos) {
      llvm::sys::path::append(path, "output_" + Twine(i) + ".pb");
      std::string name;
      if (auto attr = func.getResultAttrOfType<StringAttr>(i, "onnx.name"))
        name = attr.getValue().str();
      if (llvm::Error err = writeTensorProtoFile(t, path, name))
        return error(llvm::toString(std::move(err)));
      continue;
    }
    llvm::sys::path::append(path, getResultName(func, i) + ".npy");
    if (llvm::Error err = writeNpy(t, path))
      return error(llvm::toString(std::move(err)));
  }
  return success();
}

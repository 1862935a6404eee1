//===- Calibration.cpp - activation statistics over a calibration set ----===//
//
// calibrate() streams the samples of a calibration directory through the
// reference evaluator. The evaluator frees every intermediate after its last
// use and shows each value to an observer exactly once; the observer folds
// it into running statistics (min/max, per-channel ranges, a histogram of
// |x|) and, for the activations of contractions with constant weights, into
// H = sum X^T X. No tensor outlives the sample it belongs to.
//
//===----------------------------------------------------------------------===//

#include "quantc/Analysis/Calibration.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Analysis/TensorIO.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cmath>
#include <thread>

using namespace mlir;
using namespace mlir::qc;

//===----------------------------------------------------------------------===//
// Calibration sets.
//===----------------------------------------------------------------------===//

static llvm::Error makeError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

static std::string typeToString(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

std::string CalibrationSet::getArgumentFileName(func::FuncOp func,
                                                unsigned index) {
  if (auto name = func.getArgAttrOfType<StringAttr>(index, "onnx.name"))
    if (!name.getValue().empty()) {
      std::string s = name.getValue().str();
      for (char &c : s)
        if (!llvm::isAlnum(c) && c != '.' && c != '_' && c != '-')
          c = '_';
      return s;
    }
  return "arg" + std::to_string(index);
}

llvm::Expected<CalibrationSet> CalibrationSet::open(StringRef dir,
                                                    func::FuncOp func) {
  CalibrationSet set;
  set.dir = dir.str();
  set.func = func;
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    set.argNames.push_back(getArgumentFileName(func, i));

  if (!llvm::sys::fs::is_directory(dir))
    return makeError("calibration set '" + dir +
                     "': expected a directory, found none");
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()))
      set.samples.push_back(llvm::sys::path::filename(it->path()).str());
  if (ec)
    return makeError("calibration set '" + dir + "': " + ec.message());
  llvm::sort(set.samples);

  auto fileOf = [&](StringRef sample, StringRef name) {
    SmallString<256> path(dir);
    if (!sample.empty())
      llvm::sys::path::append(path, sample);
    llvm::sys::path::append(path, name + ".npy");
    return std::string(path);
  };
  if (set.samples.empty()) {
    // A directory holding the inputs itself is a set of one sample.
    bool flat = !set.argNames.empty() &&
                llvm::all_of(set.argNames, [&](const std::string &n) {
                  return llvm::sys::fs::exists(fileOf("", n));
                });
    if (!flat)
      return makeError("calibration set '" + dir +
                       "': expected one subdirectory per sample (or the "
                       "input .npy files), found none");
    set.samples.push_back("");
  }
  for (const std::string &sample : set.samples)
    for (auto [i, name] : llvm::enumerate(set.argNames))
      if (!llvm::sys::fs::exists(fileOf(sample, name)))
        return makeError("calibration set '" + dir + "': sample '" + sample +
                         "' has no '" + name + ".npy' for argument #" +
                         Twine(i));
  return set;
}

llvm::Expected<SmallVector<Tensor>> CalibrationSet::load(size_t i) const {
  func::FuncOp f = func;
  SmallVector<Tensor> inputs;
  for (auto [index, name] : llvm::enumerate(argNames)) {
    SmallString<256> path(dir);
    if (!samples[i].empty())
      llvm::sys::path::append(path, samples[i]);
    llvm::sys::path::append(path, name + ".npy");
    llvm::Expected<Tensor> t = readNpy(path, f.getContext());
    if (!t)
      return t.takeError();
    auto type = dyn_cast<RankedTensorType>(f.getArgument(index).getType());
    if (!type || t->getShape() != type.getShape() ||
        t->getElementType() != type.getElementType())
      return makeError(
          path + ": expected shape " +
          (type ? formatShape(type.getShape()) : std::string("?")) +
          " and element type " +
          (type ? typeToString(type.getElementType()) : std::string("?")) +
          " for argument #" + Twine(index) + " ('" + name +
          "'), found shape " + formatShape(t->getShape()) +
          " and element type " + typeToString(t->getElementType()));
    inputs.push_back(std::move(*t));
  }
  return inputs;
}

//===----------------------------------------------------------------------===//
// Statistics.
//===----------------------------------------------------------------------===//

double AbsHistogram::getTotal() const {
  double total = 0;
  for (double c : counts)
    total += c;
  return total;
}

void AbsHistogram::add(ArrayRef<float> values) {
  float m = 0;
  for (float v : values) {
    float a = std::fabs(v);
    if (std::isfinite(a) && a > m)
      m = a;
  }
  if (counts.empty())
    counts.assign(kBins, 0.0);
  // Until now every value was 0 (bin 0 of any range): take this range.
  if (maxAbs == 0 && m > 0)
    maxAbs = m;
  // Double the range, merging pairs of bins, until m fits.
  while (m > maxAbs) {
    for (int i = 0; i < kBins / 2; ++i)
      counts[i] = counts[2 * i] + counts[2 * i + 1];
    std::fill(counts.begin() + kBins / 2, counts.end(), 0.0);
    maxAbs *= 2;
  }
  double scale = maxAbs > 0 ? kBins / maxAbs : 0;
  std::vector<int64_t> local(kBins, 0);
  for (float v : values) {
    float a = std::fabs(v);
    if (!std::isfinite(a))
      continue;
    int64_t bin = static_cast<int64_t>(a * scale);
    ++local[std::min<int64_t>(bin, kBins - 1)];
  }
  for (int i = 0; i < kBins; ++i)
    counts[i] += static_cast<double>(local[i]);
}

static void updateStats(ActivationStats &s, const Tensor &t,
                        const CalibrationOptions &options) {
  ArrayRef<float> data = t.getFloats();
  if (data.empty())
    return;
  float lo = INFINITY, hi = -INFINITY;
  for (float v : data) {
    lo = std::min(lo, v); // NaN never wins a comparison
    hi = std::max(hi, v);
  }
  if (!std::isfinite(lo) || !std::isfinite(hi)) {
    lo = std::isfinite(lo) ? lo : 0.0f;
    hi = std::isfinite(hi) ? hi : 0.0f;
  }
  bool first = s.count == 0;
  s.min = first ? lo : std::min(s.min, lo);
  s.max = first ? hi : std::max(s.max, hi);
  s.count += static_cast<int64_t>(data.size());

  ArrayRef<int64_t> shape = t.getShape();
  if (options.perChannel && !shape.empty()) {
    int64_t axis = shape.size() >= 2 ? 1 : 0;
    int64_t channels = shape[axis], outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= shape[d];
    for (size_t d = axis + 1; d < shape.size(); ++d)
      inner *= shape[d];
    if (s.channelMin.empty()) {
      s.channelMin.assign(channels, INFINITY);
      s.channelMax.assign(channels, -INFINITY);
      s.channelAbsMax.assign(channels, 0.0f);
      s.channelSum.assign(channels, 0.0);
    }
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t c = 0; c < channels; ++c) {
        const float *p = data.data() + (o * channels + c) * inner;
        float cl = s.channelMin[c], ch = s.channelMax[c];
        double sum = 0;
        for (int64_t i = 0; i < inner; ++i) {
          cl = std::min(cl, p[i]);
          ch = std::max(ch, p[i]);
          sum += p[i];
        }
        s.channelSum[c] += sum;
        s.channelMin[c] = cl;
        s.channelMax[c] = ch;
        s.channelAbsMax[c] = std::max({s.channelAbsMax[c], std::fabs(cl),
                                       std::fabs(ch)});
      }
  }
  if (options.histograms)
    s.histogram.add(data);
}

/// Values computed from constants only (weights, folded shapes): they are
/// not activations.
static llvm::DenseSet<Value> findConstantValues(func::FuncOp func) {
  llvm::DenseSet<Value> constant;
  for (Operation &op : func.getBody().front()) {
    bool allConstant = llvm::all_of(
        op.getOperands(), [&](Value v) { return constant.contains(v); });
    if (allConstant)
      for (Value r : op.getResults())
        constant.insert(r);
  }
  return constant;
}

FailureOr<CalibrationResult>
mlir::qc::calibrate(func::FuncOp func, const CalibrationSet &set,
                    const CalibrationOptions &options) {
  CalibrationResult result;
  unsigned threads = options.numThreads;
  if (!threads)
    threads = std::max(1u, std::thread::hardware_concurrency());

  llvm::DenseSet<Value> constantValues = findConstantValues(func);
  // The contractions whose Hessians are wanted, by activation value.
  llvm::DenseMap<Value, SmallVector<Contraction, 1>> hessianUsers;
  if (options.hessians)
    func.walk([&](Operation *op) {
      std::optional<Contraction> c = getContraction(op);
      if (c && getWeightConstant(c->getWeight()))
        hessianUsers[c->getActivation()].push_back(*c);
    });

  auto observe = [&](Value v, const Tensor &t) {
    if (!t.isFloat())
      return;
    if (!constantValues.contains(v) && (!options.filter || options.filter(v)))
      updateStats(result.stats[v], t, options);
    auto it = hessianUsers.find(v);
    if (it != hessianUsers.end())
      for (const Contraction &c : it->second)
        accumulateHessian(c, t, result.hessians[c.op], threads);
  };

  size_t n = set.size();
  if (options.maxSamples)
    n = std::min(n, options.maxSamples);
  bool progress = options.progress && llvm::errs().is_displayed();
  EvaluateOptions evalOptions;
  evalOptions.freeDeadValues = true;
  evalOptions.numThreads = threads;
  for (size_t i = 0; i < n; ++i) {
    if (progress)
      llvm::errs() << "\rcalibrating: sample " << (i + 1) << "/" << n;
    llvm::Expected<SmallVector<Tensor>> inputs = set.load(i);
    if (!inputs) {
      if (progress)
        llvm::errs() << "\n";
      return func.emitError() << llvm::toString(inputs.takeError());
    }
    if (failed(evaluateFunction(func, *inputs, observe, evalOptions))) {
      if (progress)
        llvm::errs() << "\n";
      return func.emitError("calibration failed on sample '")
             << set.sampleName(i) << "'";
    }
    ++result.numSamples;
  }
  if (progress)
    llvm::errs() << "\n";
  return result;
}

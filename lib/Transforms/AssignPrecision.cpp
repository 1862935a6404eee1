//===- AssignPrecision.cpp - per-layer weight widths under a budget -------===//
//
// qc-assign-precision: for every contraction with a constant f32 weight and
// every candidate width, quantize the weight as qc-quantize will and
// measure the output error it causes on the calibration set,
// tr(dW H dW^T) with H = sum X^T X, and the Hessian-trace proxy of HAWQ,
// tr(H) / K * ||dW||^2; then choose one width per layer with an exact
// multiple-choice knapsack (quantc/Analysis/Knapsack.h) that minimises the
// total error within the budgets, and annotate each layer with `qc.bits`
// and a `qc.precision_reason`.
//
//===----------------------------------------------------------------------===//

#include "qc/QCOps.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Analysis/Knapsack.h"
#include "quantc/Transforms/GPTQ.h"
#include "quantc/Transforms/Passes.h"
#include "quantc/Transforms/Quantize.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace mlir::qc {
#define GEN_PASS_DEF_QCASSIGNPRECISION
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// The name of the ONNX node (or other named location) of `loc`, or "".
static std::string getLayerName(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

static std::string sci(double v) { return llvm::formatv("{0:e1}", v).str(); }

/// `v` as printf's %g writes it (3.5, 1e+06).
static std::string num(double v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

namespace {

/// One layer and what each candidate width would cost it.
struct Layer {
  Contraction c;
  bool perGroup = false;
  std::string name;
  /// Weight elements, and scales (= zero points) at the layer's granularity.
  int64_t elements = 0, scales = 0;
  /// Output energy tr(W H W^T).
  double signal = 0;
  /// Per candidate width: tr(dW H dW^T), the HAWQ proxy, and latency.
  SmallVector<double> error, hawq, latency;
  /// The metric the knapsack minimises, per candidate.
  SmallVector<double> objective;
  size_t chosen = 0;
  /// model-sensitivity: the dequantized W[out, K] at the narrowest width,
  /// and the relative error of the function's outputs with it.
  std::vector<float> narrowWeight;
  double modelError = 0;
};

struct QCAssignPrecisionPass
    : qc::impl::QCAssignPrecisionBase<QCAssignPrecisionPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult checkOptions(func::FuncOp func);
  FailureOr<std::vector<Layer>> collectLayers(func::FuncOp func);
  WeightQuantSpec getSpec(const Layer &layer, unsigned bits) const;
  LogicalResult measureLayer(Layer &layer, const LayerHessian &hessian);
  LogicalResult measureModel(func::FuncOp func, const CalibrationSet &set,
                             MutableArrayRef<Layer> layers);
  LogicalResult readLatencies(func::FuncOp func, MutableArrayRef<Layer> layers);
  double storageBytes(const Layer &layer, unsigned bits) const;

  /// The sorted, distinct candidate widths.
  SmallVector<unsigned> widths;
};

} // namespace

LogicalResult QCAssignPrecisionPass::checkOptions(func::FuncOp func) {
  widths.assign(bits.begin(), bits.end());
  if (widths.empty())
    widths = {4, 8};
  for (unsigned b : widths)
    if (b < 2 || b > 8)
      return func.emitError("qc-assign-precision: expected every width in "
                            "bits to be in [2, 8], found ")
             << b;
  llvm::sort(widths);
  widths.erase(std::unique(widths.begin(), widths.end()), widths.end());
  if (!(avgBits >= 0) || !std::isfinite(avgBits))
    return func.emitError("qc-assign-precision: expected avg-bits >= 0, found ")
           << num(avgBits);
  if (budgetBytes < 0)
    return func.emitError(
               "qc-assign-precision: expected budget-bytes >= 0, found ")
           << budgetBytes.getValue();
  if (!(budgetLatency >= 0))
    return func.emitError(
               "qc-assign-precision: expected budget-latency >= 0, found ")
           << num(budgetLatency);
  if (latencyTable.empty() != (budgetLatency == 0))
    return func.emitError("qc-assign-precision: expected latency-table and "
                          "budget-latency together, found only ")
           << (latencyTable.empty() ? "budget-latency" : "latency-table");
  if (avgBits == 0 && budgetBytes == 0 && budgetLatency == 0)
    return func.emitError("qc-assign-precision: expected a budget (avg-bits, "
                          "budget-bytes or budget-latency), found none");
  if (weightGranularity == WeightGranularity::Group && groupSize <= 0)
    return func.emitError(
               "qc-assign-precision: expected a positive group-size, found ")
           << groupSize.getValue();
  if (gptqBlockSize <= 0)
    return func.emitError("qc-assign-precision: expected a positive "
                          "gptq-block-size, found ")
           << gptqBlockSize.getValue();
  return success();
}

FailureOr<std::vector<Layer>>
QCAssignPrecisionPass::collectLayers(func::FuncOp func) {
  std::vector<Layer> layers;
  bool ok = true;
  func.walk([&](Operation *op) {
    std::optional<Contraction> c = getContraction(op);
    if (!c || !isFloatConstantWeight(c->getWeight()))
      return;
    Layer layer;
    layer.c = *c;
    layer.name = getLayerName(op->getLoc());
    layer.perGroup = weightGranularity == WeightGranularity::Group;
    int64_t channels = c->getReductionChannels();
    if (layer.perGroup && channels % groupSize != 0) {
      if (!groupFallback) {
        op->emitError("qc-assign-precision: expected group-size ")
            << groupSize.getValue() << " to divide the reduction channels of "
            << (layer.name.empty() ? "the layer" : "layer '" + layer.name + "'")
            << ", found " << channels;
        ok = false;
        return;
      }
      layer.perGroup = false;
    }
    if (layer.perGroup && channels == groupSize)
      layer.perGroup = false;
    layer.elements = c->outChannels * c->reduction;
    layer.scales = c->outChannels * (layer.perGroup ? channels / groupSize : 1);
    layers.push_back(std::move(layer));
  });
  if (!ok)
    return failure();
  return layers;
}

WeightQuantSpec QCAssignPrecisionPass::getSpec(const Layer &layer,
                                               unsigned b) const {
  WeightQuantSpec spec;
  spec.bits = b;
  spec.symmetric = weightSymmetric;
  spec.mseClip = weightMseClip;
  spec.groupColumns = layer.perGroup ? groupSize * layer.c.reductionInner : 0;
  return spec;
}

double QCAssignPrecisionPass::storageBytes(const Layer &layer,
                                           unsigned b) const {
  // Packed weights, an f32 scale per channel or group, and a zero point
  // per scale when asymmetric.
  return layer.elements * b / 8.0 +
         layer.scales * (4.0 + (weightSymmetric ? 0.0 : b / 8.0));
}

LogicalResult QCAssignPrecisionPass::measureLayer(Layer &layer,
                                                  const LayerHessian &hessian) {
  const Contraction &c = layer.c;
  std::optional<std::vector<float>> w = readWeightMatrix(c);
  if (!w)
    return c.op->emitError("expected a readable f32 constant weight");
  int64_t rows = c.outChannels / c.groups, cols = c.reduction;
  GPTQOptions gptq;
  gptq.damp = gptqDamp;
  gptq.blockSize = gptqBlockSize;
  gptq.actOrder = gptqActOrder;
  std::vector<float> zeros(rows * cols, 0.0f);
  layer.signal = 0;
  for (int64_t g = 0; g < c.groups; ++g)
    layer.signal += layerOutputError(
        ArrayRef<float>(*w).slice(g * rows * cols, rows * cols), zeros, rows,
        cols, hessian.getGroup(g));
  for (unsigned b : widths) {
    WeightQuantSpec spec = getSpec(layer, b);
    double error = 0, hawq = 0;
    for (int64_t g = 0; g < c.groups; ++g) {
      ArrayRef<float> wg =
          ArrayRef<float>(*w).slice(g * rows * cols, rows * cols);
      ArrayRef<double> h = hessian.getGroup(g);
      QuantizedMatrix qm;
      if (algorithm == WeightAlgorithm::GPTQ) {
        llvm::Expected<QuantizedMatrix> r =
            quantizeGPTQ(wg, rows, cols, h, spec, gptq);
        if (!r)
          return c.op->emitError("qc-assign-precision: gptq failed: ")
                 << llvm::toString(r.takeError());
        qm = std::move(*r);
      } else {
        qm = quantizeRTN(wg, rows, cols, spec);
      }
      std::vector<float> wq = qm.dequantize();
      error += layerOutputError(wg, wq, rows, cols, h);
      if (modelSensitivity && b == widths.front())
        llvm::append_range(layer.narrowWeight, wq);
      double trace = 0, norm = 0;
      for (int64_t i = 0; i < cols; ++i)
        trace += h[i * cols + i];
      for (size_t i = 0; i < wq.size(); ++i) {
        double d = static_cast<double>(wg[i]) - wq[i];
        norm += d * d;
      }
      hawq += trace / cols * norm;
    }
    layer.error.push_back(error);
    layer.hawq.push_back(hawq);
    double m = metric == PrecisionMetric::HAWQ ? hawq : error;
    if (normalize)
      m = layer.signal > 0 ? m / layer.signal : 0.0;
    layer.objective.push_back(m);
  }
  return success();
}

/// Sum of squares of `ref` and of `x - ref` over the float outputs.
static void accumulate(ArrayRef<Tensor> x, ArrayRef<Tensor> ref, double &signal,
                       double &noise) {
  for (auto [a, r] : llvm::zip(x, ref)) {
    if (!a.isFloat() || !r.isFloat())
      continue;
    ArrayRef<float> av = a.getFloats(), rv = r.getFloats();
    for (size_t i = 0; i < av.size() && i < rv.size(); ++i) {
      double d = static_cast<double>(av[i]) - rv[i];
      signal += static_cast<double>(rv[i]) * rv[i];
      noise += d * d;
    }
  }
}

LogicalResult
QCAssignPrecisionPass::measureModel(func::FuncOp func,
                                    const CalibrationSet &set,
                                    MutableArrayRef<Layer> layers) {
  size_t n = set.size();
  if (numSamples)
    n = std::min<size_t>(n, numSamples);
  std::vector<SmallVector<Tensor>> inputs, refs;
  for (size_t i = 0; i < n; ++i) {
    llvm::Expected<SmallVector<Tensor>> in = set.load(i);
    if (!in)
      return func.emitError() << llvm::toString(in.takeError());
    FailureOr<SmallVector<Tensor>> out = evaluateFunction(func, *in);
    if (failed(out))
      return failure();
    inputs.push_back(std::move(*in));
    refs.push_back(std::move(*out));
  }
  for (Layer &layer : layers) {
    // Only this layer's weight quantized, at the narrowest width.
    const Contraction &c = layer.c;
    Value weight = c.getWeight();
    auto type = cast<RankedTensorType>(weight.getType());
    std::vector<float> values = weightMatrixToTensor(c, layer.narrowWeight);
    OpBuilder b(c.op);
    auto cst = arith::ConstantOp::create(
        b, c.op->getLoc(),
        DenseElementsAttr::get(type, ArrayRef<float>(values)));
    c.op->setOperand(c.weightIndex, cst);
    double signal = 0, noise = 0;
    LogicalResult result = success();
    for (size_t i = 0; i < n && succeeded(result); ++i) {
      FailureOr<SmallVector<Tensor>> out = evaluateFunction(func, inputs[i]);
      if (failed(out))
        result = failure();
      else
        accumulate(*out, refs[i], signal, noise);
    }
    c.op->setOperand(c.weightIndex, weight);
    cst.erase();
    if (failed(result))
      return failure();
    layer.modelError = signal > 0 ? noise / signal : 0.0;
    layer.narrowWeight = {};
  }
  return success();
}

LogicalResult
QCAssignPrecisionPass::readLatencies(func::FuncOp func,
                                     MutableArrayRef<Layer> layers) {
  auto fail = [&](const Twine &msg) {
    return func.emitError("qc-assign-precision: latency-table '")
           << latencyTable << "': " << msg;
  };
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(latencyTable);
  if (!file)
    return fail(file.getError().message());
  llvm::Expected<llvm::json::Value> json =
      llvm::json::parse((*file)->getBuffer());
  if (!json)
    return fail(llvm::toString(json.takeError()));
  const llvm::json::Object *table = json->getAsObject();
  if (!table)
    return fail("expected a JSON object of layer names");
  auto lookup = [&](StringRef key, unsigned b) -> std::optional<double> {
    const llvm::json::Object *entry = table->getObject(key);
    if (!entry)
      return std::nullopt;
    return entry->getNumber(std::to_string(b));
  };
  for (Layer &layer : layers)
    for (unsigned b : widths) {
      std::optional<double> cost = lookup(layer.name, b);
      if (!cost) {
        cost = lookup("*", b);
        if (cost)
          *cost *= layer.elements;
      }
      if (!cost || !(*cost >= 0))
        return fail(llvm::formatv("expected a non-negative cost for layer "
                                  "'{0}' at {1} bits (or a \"*\" entry), "
                                  "found none",
                                  layer.name, b));
      layer.latency.push_back(*cost);
    }
  return success();
}

void QCAssignPrecisionPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  if (failed(checkOptions(func)))
    return signalPassFailure();
  FailureOr<std::vector<Layer>> collected = collectLayers(func);
  if (failed(collected))
    return signalPassFailure();
  std::vector<Layer> &layers = *collected;
  if (layers.empty())
    return;
  if (!latencyTable.empty() && failed(readLatencies(func, layers)))
    return signalPassFailure();

  if (calib.empty()) {
    func.emitError("qc-assign-precision: expected a calibration directory "
                   "(calib=DIR), found none");
    return signalPassFailure();
  }
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(calib, func);
  if (!set) {
    func.emitError() << llvm::toString(set.takeError());
    return signalPassFailure();
  }
  CalibrationOptions options;
  options.perChannel = false;
  options.histograms = false;
  options.hessians = true;
  options.maxSamples = numSamples;
  options.filter = [](Value) { return false; };
  FailureOr<CalibrationResult> calibration = calibrate(func, *set, options);
  if (failed(calibration))
    return signalPassFailure();
  for (Layer &layer : layers) {
    auto it = calibration->hessians.find(layer.c.op);
    if (it == calibration->hessians.end()) {
      layer.c.op->emitError("qc-assign-precision: expected a Hessian for "
                            "this layer from calibration, found none");
      return signalPassFailure();
    }
    if (failed(measureLayer(layer, it->second)))
      return signalPassFailure();
    // Free H as soon as it is used: the largest are hundreds of MB.
    calibration->hessians.erase(it);
  }
  if (modelSensitivity) {
    if (failed(measureModel(func, *set, layers)))
      return signalPassFailure();
    // The output error at the narrowest width, scaled to the other widths
    // by the layer's own error ratio (noise propagates linearly).
    for (Layer &l : layers) {
      ArrayRef<double> raw = metric == PrecisionMetric::HAWQ ? l.hawq : l.error;
      for (size_t k = 0; k < widths.size(); ++k)
        l.objective[k] = raw[0] > 0 ? l.modelError * raw[k] / raw[0] : 0.0;
    }
  }

  // Resources: weight storage bits, bytes, latency (those with a budget).
  struct Resource {
    std::string name;
    double capacity;
    std::function<double(const Layer &, size_t)> cost;
  };
  std::vector<Resource> resources;
  int64_t totalElements = 0;
  for (const Layer &l : layers)
    totalElements += l.elements;
  if (avgBits > 0)
    resources.push_back({"avg-bits", std::floor(avgBits * totalElements + 1e-6),
                         [&](const Layer &l, size_t k) {
                           return static_cast<double>(widths[k] * l.elements);
                         }});
  if (budgetBytes > 0)
    resources.push_back(
        {"budget-bytes", static_cast<double>(budgetBytes),
         [&](const Layer &l, size_t k) { return storageBytes(l, widths[k]); }});
  if (budgetLatency > 0)
    resources.push_back(
        {"budget-latency", budgetLatency,
         [](const Layer &l, size_t k) { return l.latency[k]; }});

  KnapsackProblem problem;
  for (const Resource &r : resources)
    problem.capacity.push_back(r.capacity);
  for (const Layer &l : layers) {
    std::vector<KnapsackOption> item;
    for (size_t k = 0; k < widths.size(); ++k) {
      KnapsackOption o;
      for (const Resource &r : resources)
        o.cost.push_back(r.cost(l, k));
      o.error = l.objective[k];
      item.push_back(std::move(o));
    }
    problem.items.push_back(std::move(item));
  }
  KnapsackSolution solution = solveKnapsack(problem);
  auto narrowest = [&](const Resource &r) {
    double total = 0;
    for (const Layer &l : layers)
      total += r.cost(l, 0);
    return total;
  };
  auto budgetText = [&](const Resource &r, double used) {
    if (r.name == "avg-bits")
      return llvm::formatv("avg-bits {0:f2} ({1:f2} used)", avgBits.getValue(),
                           used / totalElements)
          .str();
    return (r.name + " " + num(r.capacity) + " (" + num(used) + " used)");
  };
  if (solution.status == KnapsackSolution::Status::Infeasible) {
    InFlightDiagnostic d = func.emitError(
        "qc-assign-precision: infeasible budget: the narrowest candidate (");
    d << widths.front() << " bits) for all " << layers.size()
      << " layers needs";
    for (auto [i, r] : llvm::enumerate(resources)) {
      double need = narrowest(r);
      d << (i ? "," : "") << " "
        << (r.name == "avg-bits"
                ? llvm::formatv("avg-bits {0:f2}", need / totalElements).str()
                : r.name + " " + num(need));
    }
    d << ", found";
    for (auto [i, r] : llvm::enumerate(resources))
      d << (i ? "," : "") << " " << r.name << " "
        << num(r.name == "avg-bits" ? avgBits : r.capacity);
    return signalPassFailure();
  }
  if (solution.status != KnapsackSolution::Status::Optimal) {
    func.emitError("qc-assign-precision: the knapsack needs more than ")
        << (size_t(1) << 22) << " states; use fewer widths or budgets";
    return signalPassFailure();
  }

  // Rank layers by error saved per extra weight bit from the narrowest to
  // the widest width: the knapsack's choices mostly follow that order.
  SmallVector<size_t> order(layers.size());
  SmallVector<double> gain(layers.size(), 0.0);
  for (auto [i, l] : llvm::enumerate(layers)) {
    order[i] = i;
    double extra = (widths.back() - widths.front()) * double(l.elements);
    if (extra > 0)
      gain[i] = (l.objective.front() - l.objective.back()) / extra;
  }
  llvm::stable_sort(order,
                    [&](size_t a, size_t b) { return gain[a] > gain[b]; });
  SmallVector<size_t> rank(layers.size());
  for (auto [r, i] : llvm::enumerate(order))
    rank[i] = r + 1;

  // Whether widening layer `l` from option k to k + 1, the rest as
  // chosen, stays within every budget.
  auto fitsWider = [&](const Layer &l, size_t k) {
    for (auto [i, r] : llvm::enumerate(resources))
      if (solution.cost[i] - r.cost(l, k) + r.cost(l, k + 1) > r.capacity)
        return false;
    return true;
  };
  std::string budgets;
  for (auto [i, r] : llvm::enumerate(resources))
    budgets += (i ? ", " : "") + budgetText(r, solution.cost[i]);
  StringRef metricName = metric == PrecisionMetric::HAWQ ? "hawq" : "output";
  StringRef rel = normalize ? "relative " : "";
  Builder b(&getContext());
  SmallVector<int64_t> perWidth(widths.size(), 0);
  double narrowTotal = 0, wideTotal = 0;
  for (auto [i, l] : llvm::enumerate(layers)) {
    size_t k = l.chosen = solution.choice[i];
    ++perWidth[k];
    narrowTotal += l.objective.front();
    wideTotal += l.objective.back();
    std::string s;
    llvm::raw_string_ostream os(s);
    os << widths[k] << " bits of {";
    llvm::interleaveComma(widths, os);
    auto list = [&](ArrayRef<double> values, double scale) {
      for (size_t j = 0; j < widths.size(); ++j)
        os << (j ? ", " : "") << widths[j] << ": "
           << sci(scale > 0 ? values[j] / scale : 0.0);
    };
    double scale = normalize ? l.signal : 1.0;
    os << "}: " << rel << "output error ";
    list(l.error, scale);
    os << "; " << rel << "hawq ";
    list(l.hawq, scale);
    if (modelSensitivity)
      os << "; relative model output error at " << widths.front() << " bits "
         << sci(l.modelError);
    os << "; " << metricName << " error saved per extra bit ranks " << rank[i]
       << " of " << layers.size() << "; ";
    double here = l.objective[k];
    if (k > 0) {
      double lower = l.objective[k - 1];
      os << widths[k - 1] << " bits would multiply the error by "
         << (here > 0 ? llvm::formatv("{0:f1}", lower / here).str()
                      : std::string("inf"))
         << " for " << (widths[k] - widths[k - 1]) * l.elements
         << " fewer bits";
    }
    if (k + 1 < widths.size()) {
      os << (k > 0 ? ", and " : "") << widths[k + 1] << " bits would save "
         << sci(here - l.objective[k + 1]) << " for "
         << (widths[k + 1] - widths[k]) * l.elements << " more bits, which "
         << (fitsWider(l, k) ? "the budget spends better elsewhere"
                             : "would exceed the budget");
    } else if (k > 0) {
      os << ", which the budget affords";
    }
    if (widths.size() == 1)
      os << "the only candidate";
    os << " (" << budgets << ")";
    l.c.op->setAttr(kBitsAttrName, b.getI64IntegerAttr(widths[k]));
    l.c.op->setAttr(kPrecisionReasonAttrName, b.getStringAttr(s));
    if (remarks)
      l.c.op->emitRemark() << s;
    ++numLayers;
    if (k > 0)
      ++numWidened;
  }
  if (remarks) {
    InFlightDiagnostic d = func.emitRemark("qc-assign-precision: ")
                           << layers.size() << " layers:";
    for (auto [k, n] : llvm::enumerate(perWidth))
      d << (k ? "," : "") << " " << n << " at " << widths[k] << " bits";
    d << "; " << budgets << "; total " << rel << metricName << " error "
      << sci(solution.error) << " (narrowest everywhere " << sci(narrowTotal)
      << ", widest " << sci(wideTotal) << ")";
  }
}

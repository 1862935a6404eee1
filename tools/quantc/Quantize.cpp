//===- Quantize.cpp - quantc's recipes and per-layer reports --------------===//
//
//   quantc MODEL --recipe w8a8|w4a16|w4a8|mixed --calib DIR [--report FILE]
//
// runs the recipe's pipelines (quantc/Pipelines/Recipes.h) on the imported
// graph. The report compares every contraction's output in the quantized
// graph with the same layer of the f32 graph after the recipe's clean-ups
// (layers are matched by location: quantization keeps each layer's op and
// location), both run with the reference evaluator on the calibration set.
//
//===----------------------------------------------------------------------===//

#include "Quantize.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Pipelines/Recipes.h"
#include "quantc/Transforms/Quantize.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::qc;

static LogicalResult error(const Twine &msg) {
  llvm::errs() << "quantc: error: " << msg << "\n";
  return failure();
}

/// The function quant-run would run: the first public one with a body.
static func::FuncOp getEntry(ModuleOp module) {
  for (auto f : module.getOps<func::FuncOp>())
    if (!f.isExternal() && f.isPublic())
      return f;
  return nullptr;
}

static std::string locationString(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

/// The first NameLoc's name in `loc` (the ONNX node name), or "".
static std::string nodeName(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto n = dyn_cast<NameLoc>(l)) {
      name = n.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

namespace {

/// One contraction of the quantized graph, described for the report.
struct LayerInfo {
  Operation *op = nullptr, *ref = nullptr;
  std::string name, location, opName, weightShape, outputShape;
  std::string weight = "f32", group = "-", algorithm = "-";
  std::string activation = "f32";
  std::string reason;
  /// Weight storage bits (0: f32) and weight elements.
  unsigned bits = 0;
  int64_t elements = 0;
  double signal = 0, noise = 0;

  double sqnr() const {
    if (noise == 0)
      return signal == 0 ? 0 : INFINITY;
    return 10 * std::log10(signal / noise);
  }
};

} // namespace

static std::string formatSqnr(double db) {
  if (std::isinf(db))
    return "inf";
  return llvm::formatv("{0:f1}", db).str();
}

/// Describes how `layer.op` was quantized, from its types.
static void describeLayer(LayerInfo &layer, const RecipeConfig &config,
                          StringRef recipeName) {
  Operation *op = layer.op;
  layer.name = nodeName(op->getLoc());
  layer.location = locationString(op->getLoc());
  layer.opName = op->getName().getStringRef().str();
  layer.outputShape =
      formatShape(cast<RankedTensorType>(op->getResult(0).getType()).getShape());
  std::optional<Contraction> c = getContraction(op);
  if (!c) {
    layer.reason = "left in f32: not a contraction on f32 tensors";
    return;
  }
  layer.weightShape =
      formatShape(cast<RankedTensorType>(c->getWeight().getType()).getShape());
  auto wdq = c->getWeight().getDefiningOp<DequantizeOp>();
  auto scast = wdq ? wdq.getX().getDefiningOp<quant::StorageCastOp>() : nullptr;
  if (!scast) {
    layer.reason = "left in f32: the weight is not a constant";
    return;
  }
  auto qType = cast<quant::QuantizedType>(
      cast<RankedTensorType>(wdq.getX().getType()).getElementType());
  layer.weight = (qType.isSigned() ? "i" : "u") +
                 std::to_string(qType.getStorageTypeIntegralWidth());
  layer.bits = qType.getStorageTypeIntegralWidth();
  layer.elements =
      cast<RankedTensorType>(c->getWeight().getType()).getNumElements();
  layer.algorithm =
      config.algorithm == WeightAlgorithm::GPTQ ? "gptq" : "rtn";
  layer.reason = ("recipe " + recipeName).str();
  // qc-assign-precision's explanation of the layer's width.
  if (auto why = op->getAttrOfType<StringAttr>(kPrecisionReasonAttrName))
    layer.reason += ": " + why.getValue().str();
  if (auto sub = dyn_cast<quant::UniformQuantizedSubChannelType>(qType)) {
    for (auto [dim, block] :
         llvm::zip(sub.getQuantizedDimensions(), sub.getBlockSizes()))
      if (dim == c->weightReductionAxis)
        layer.group = std::to_string(block);
  } else {
    layer.group = "channel";
    if (config.groupSize && config.groupSize != c->getReductionChannels())
      layer.reason += llvm::formatv("; group size {0} does not divide {1} "
                                    "reduction channels: per channel",
                                    config.groupSize,
                                    c->getReductionChannels())
                          .str();
  }
  auto xdq = c->getActivation().getDefiningOp<DequantizeOp>();
  auto xq = xdq ? xdq.getX().getDefiningOp<QuantizeOp>() : nullptr;
  if (xq) {
    auto u = dyn_cast<quant::UniformQuantizedType>(
        cast<RankedTensorType>(xq.getType()).getElementType());
    if (u) {
      double lo = (u.getStorageTypeMin() - u.getZeroPoint()) * u.getScale();
      double hi = (u.getStorageTypeMax() - u.getZeroPoint()) * u.getScale();
      layer.activation = llvm::formatv("{0}{1} {2} [{3:g4}, {4:g4}]",
                                       u.isSigned() ? "i" : "u",
                                       u.getStorageTypeIntegralWidth(),
                                       stringifyRangeMethod(config.actMethod),
                                       lo, hi)
                             .str();
    }
  }
}

/// Accumulates sum(ref^2) and sum((x - ref)^2).
static void accumulate(const Tensor &x, const Tensor &ref, double &signal,
                       double &noise) {
  if (!x.isFloat() || !ref.isFloat() ||
      x.getFloats().size() != ref.getFloats().size())
    return;
  ArrayRef<float> a = x.getFloats(), r = ref.getFloats();
  for (size_t i = 0; i < a.size(); ++i) {
    double d = static_cast<double>(a[i]) - r[i];
    signal += static_cast<double>(r[i]) * r[i];
    noise += d * d;
  }
}

static LogicalResult writeReport(StringRef path, StringRef recipe,
                                 const RecipeConfig &config, size_t samples,
                                 ArrayRef<LayerInfo> layers,
                                 ArrayRef<std::pair<double, double>> outputs) {
  std::string base = path.str();
  if (StringRef(base).ends_with(".md"))
    base = base.substr(0, base.size() - 3);
  std::string mdPath = base + ".md", jsonPath = base + ".json";

  std::error_code ec;
  llvm::raw_fd_ostream md(mdPath, ec);
  if (ec)
    return error("cannot write " + mdPath + ": " + ec.message());
  md << "# Quantization report: recipe " << recipe << "\n\n";
  md << "Calibration samples: " << samples << " (`" << config.calib
     << "`). SQNR compares each layer's output in the quantized graph with "
        "the f32 graph, on the calibration set, in dB.\n\n";
  for (auto [i, o] : llvm::enumerate(outputs)) {
    double db = o.second == 0 ? INFINITY : 10 * std::log10(o.first / o.second);
    md << "Output #" << i << " SQNR: " << formatSqnr(db) << " dB\n\n";
  }
  // Average weight bits over the quantized weights (mixed precision).
  double bitSum = 0, elementSum = 0;
  std::map<unsigned, int> layersPerWidth;
  for (const LayerInfo &l : layers)
    if (l.bits) {
      bitSum += double(l.bits) * l.elements;
      elementSum += l.elements;
      ++layersPerWidth[l.bits];
    }
  double avgBits = elementSum > 0 ? bitSum / elementSum : 0;
  if (elementSum > 0) {
    md << "Weight bits: " << llvm::formatv("{0:f2}", avgBits)
       << " on average over " << static_cast<int64_t>(elementSum)
       << " weights (";
    for (auto [i, e] : llvm::enumerate(layersPerWidth))
      md << (i ? ", " : "") << e.second << " layers at " << e.first;
    md << ").\n\n";
  }
  md << "| # | layer | op | weight shape | output shape | weight | group | "
        "algorithm | activation | SQNR (dB) | reason |\n";
  md << "|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (auto [i, l] : llvm::enumerate(layers))
    md << "| " << i << " | " << (l.name.empty() ? l.location : l.name)
       << " | " << l.opName << " | " << l.weightShape << " | "
       << l.outputShape << " | " << l.weight << " | " << l.group << " | "
       << l.algorithm << " | " << l.activation << " | "
       << formatSqnr(l.sqnr()) << " | " << l.reason << " |\n";

  llvm::raw_fd_ostream js(jsonPath, ec);
  if (ec)
    return error("cannot write " + jsonPath + ": " + ec.message());
  llvm::json::OStream j(js, 2);
  auto number = [](double v) -> llvm::json::Value {
    if (std::isfinite(v))
      return v;
    return nullptr;
  };
  j.object([&] {
    j.attribute("recipe", recipe);
    j.attribute("calib", config.calib);
    j.attribute("samples", static_cast<int64_t>(samples));
    j.attribute("avg_weight_bits", number(avgBits));
    j.attributeArray("outputs", [&] {
      for (auto o : outputs)
        j.object([&] {
          j.attribute("sqnr_db", number(o.second == 0
                                            ? INFINITY
                                            : 10 * std::log10(o.first / o.second)));
        });
    });
    j.attributeArray("layers", [&] {
      for (const LayerInfo &l : layers)
        j.object([&] {
          j.attribute("name", l.name);
          j.attribute("location", l.location);
          j.attribute("op", l.opName);
          j.attribute("weight_shape", l.weightShape);
          j.attribute("output_shape", l.outputShape);
          j.attribute("weight", l.weight);
          j.attribute("bits", static_cast<int64_t>(l.bits));
          j.attribute("group", l.group);
          j.attribute("algorithm", l.algorithm);
          j.attribute("activation", l.activation);
          j.attribute("sqnr_db", number(l.sqnr()));
          j.attribute("reason", l.reason);
        });
    });
  });
  js << "\n";
  return success();
}

/// Runs both graphs on the calibration set and fills the layers' errors.
static LogicalResult measure(func::FuncOp ref, func::FuncOp quant,
                             const RecipeConfig &config,
                             MutableArrayRef<LayerInfo> layers,
                             std::vector<std::pair<double, double>> &outputs,
                             size_t &numSamples) {
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(config.calib, ref);
  if (!set)
    return error(llvm::toString(set.takeError()));
  llvm::DenseMap<Operation *, LayerInfo *> byQuantOp;
  llvm::DenseMap<Operation *, size_t> refIndex;
  for (LayerInfo &l : layers)
    if (l.ref) {
      byQuantOp[l.op] = &l;
      size_t index = refIndex.size();
      refIndex[l.ref] = index;
    }
  size_t n = set->size();
  if (config.numSamples)
    n = std::min<size_t>(n, config.numSamples);
  numSamples = n;
  for (size_t s = 0; s < n; ++s) {
    llvm::Expected<SmallVector<Tensor>> inputs = set->load(s);
    if (!inputs)
      return error(llvm::toString(inputs.takeError()));
    std::vector<Tensor> refOut(refIndex.size());
    auto keepRef = [&](Value v, const Tensor &t) {
      if (Operation *op = v.getDefiningOp()) {
        auto it = refIndex.find(op);
        if (it != refIndex.end() && cast<OpResult>(v).getResultNumber() == 0)
          refOut[it->second] = t;
      }
    };
    FailureOr<SmallVector<Tensor>> r = evaluateFunction(ref, *inputs, keepRef);
    if (failed(r))
      return failure();
    auto compare = [&](Value v, const Tensor &t) {
      Operation *op = v.getDefiningOp();
      if (!op || cast<OpResult>(v).getResultNumber() != 0)
        return;
      auto it = byQuantOp.find(op);
      if (it == byQuantOp.end())
        return;
      LayerInfo &l = *it->second;
      accumulate(t, refOut[refIndex.lookup(l.ref)], l.signal, l.noise);
    };
    FailureOr<SmallVector<Tensor>> q = evaluateFunction(quant, *inputs, compare);
    if (failed(q))
      return failure();
    outputs.resize(r->size());
    for (size_t i = 0; i < r->size() && i < q->size(); ++i)
      accumulate((*q)[i], (*r)[i], outputs[i].first, outputs[i].second);
  }
  return success();
}

LogicalResult quantc::quantizeModule(ModuleOp module,
                                     const QuantizeOptions &options) {
  std::optional<Recipe> recipe = parseRecipe(options.recipe);
  if (!recipe)
    return error("unknown --recipe '" + options.recipe +
                 "' (expected w8a8, w4a16, w4a8 or mixed)");
  RecipeConfig config = RecipeConfig::getDefault(*recipe);
  config.calib = options.calib;
  config.numSamples = options.samples;
  if (!options.actMethod.empty()) {
    std::optional<RangeMethod> m = parseRangeMethod(options.actMethod);
    if (!m)
      return error("unknown --act-method '" + options.actMethod +
                   "' (expected minmax, percentile, entropy or mse)");
    config.actMethod = *m;
  }
  if (!options.algorithm.empty()) {
    if (options.algorithm != "rtn" && options.algorithm != "gptq")
      return error("unknown --algorithm '" + options.algorithm +
                   "' (expected rtn or gptq)");
    config.algorithm = options.algorithm == "gptq" ? WeightAlgorithm::GPTQ
                                                   : WeightAlgorithm::RTN;
  }
  config.keepFloat = options.keepFloat;
  if (options.avgBits != 0) {
    if (config.recipe != Recipe::Mixed)
      return error("--avg-bits needs --recipe mixed");
    if (options.avgBits < 2 || options.avgBits > 8)
      return error("--avg-bits must be in [2, 8], got " +
                   std::to_string(options.avgBits));
    config.avgBits = options.avgBits;
  }
  if (!options.mixedBits.empty()) {
    if (config.recipe != Recipe::Mixed)
      return error("--mixed-bits needs --recipe mixed");
    for (unsigned b : options.mixedBits)
      if (b < 2 || b > 8)
        return error("--mixed-bits: every width must be in [2, 8], got " +
                     std::to_string(b));
    config.mixedBits.assign(options.mixedBits.begin(), options.mixedBits.end());
  }
  config.equalizeRuntime = config.equalizeRuntime || options.equalizeRuntime;
  if (config.calib.empty())
    return error("--recipe " + options.recipe +
                 " needs a calibration set: --calib DIR");

  PassManager prep(module.getContext());
  buildRecipePrepPipeline(prep, config);
  if (failed(prep.run(module)))
    return failure();
  OwningOpRef<ModuleOp> reference;
  if (!options.report.empty())
    reference = module.clone();

  PassManager pm(module.getContext());
  buildRecipeQuantizePipeline(pm, config);
  if (options.verbose)
    pm.enableTiming();
  if (failed(pm.run(module)))
    return failure();
  if (options.report.empty())
    return success();

  func::FuncOp quant = getEntry(module), ref = getEntry(*reference);
  if (!quant || !ref)
    return error("expected a public function with a body to report on");
  // Match layers by location, in order (a location could repeat).
  llvm::DenseMap<Location, SmallVector<Operation *, 1>> refByLoc;
  ref.walk([&](Operation *op) {
    if (isa<ConvOp, MatMulOp, GemmOp>(op))
      refByLoc[op->getLoc()].push_back(op);
  });
  std::vector<LayerInfo> layers;
  quant.walk([&](Operation *op) {
    if (!isa<ConvOp, MatMulOp, GemmOp>(op))
      return;
    LayerInfo l;
    l.op = op;
    auto &candidates = refByLoc[op->getLoc()];
    if (!candidates.empty()) {
      l.ref = candidates.front();
      candidates.erase(candidates.begin());
    }
    describeLayer(l, config, options.recipe);
    layers.push_back(std::move(l));
  });
  std::vector<std::pair<double, double>> outputs;
  size_t samples = 0;
  if (failed(measure(ref, quant, config, layers, outputs, samples)))
    return failure();
  return writeReport(options.report, options.recipe, config, samples, layers,
                     outputs);
}

//===- Quantize.cpp - quantize the weights and activations of contractions ===//
//
// qc-quantize: every qc.conv / qc.matmul / qc.gemm with a constant f32
// weight gets its weight quantized (RTN or GPTQ, per channel or per group)
// and rewritten to constant storage + quant.scast + qc.dequantize, and with
// act-bits=8 its activation operand goes through a shared u8 qc.quantize /
// qc.dequantize pair (docs/quantized-ir.md).
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/Quantize.h"
#include "qc/QCOps.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Support/Constants.h"
#include "quantc/Transforms/GPTQ.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>
#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCQUANTIZE
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

/// " 'name'" for messages, or nothing for unnamed layers.
static std::string quotedLayerName(Operation *op) {
  std::string name = getLayerName(op->getLoc());
  return name.empty() ? std::string() : " '" + name + "'";
}

namespace {

struct LayerPlan {
  Contraction c;
  /// Group quantization for this layer (false: per channel).
  bool perGroup = false;
  /// Weight bits: weight-bits, or the layer's `qc.bits`.
  unsigned bits = 8;
};

struct QCQuantizePass : qc::impl::QCQuantizeBase<QCQuantizePass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult checkOptions(func::FuncOp func);
  FailureOr<SmallVector<LayerPlan>> planLayers(func::FuncOp func);
  WeightQuantSpec getSpec(const LayerPlan &plan) const;
  FailureOr<QuantizedMatrix> quantizeLayer(const LayerPlan &plan,
                                           ArrayRef<float> w,
                                           const LayerHessian *hessian);
  void rewriteWeight(const LayerPlan &plan, const QuantizedMatrix &qm);
  LogicalResult quantizeActivations(func::FuncOp func,
                                    ArrayRef<LayerPlan> plans,
                                    const CalibrationResult *calibration);
  LogicalResult correctBiases(func::FuncOp func, ArrayRef<LayerPlan> plans,
                              const CalibrationResult &reference);
  std::optional<std::pair<float, float>>
  getActivationRange(Value x, const CalibrationResult *calibration) const;
  FailureOr<std::vector<double>>
  measureSensitivity(func::FuncOp func, ArrayRef<LayerPlan> plans,
                     ArrayRef<QuantizedMatrix> weights,
                     const CalibrationResult *calibration);
};

} // namespace

LogicalResult QCQuantizePass::checkOptions(func::FuncOp func) {
  if (weightBits < 2 || weightBits > 8)
    return func.emitError("expected weight-bits in [2, 8], found ")
           << weightBits.getValue();
  if (actBits != 0 && actBits != 8)
    return func.emitError("expected act-bits 8 or 0 (weights only), found ")
           << actBits.getValue();
  if (weightGranularity == WeightGranularity::Group && groupSize <= 0)
    return func.emitError("expected a positive group-size, found ")
           << groupSize.getValue();
  if (gptqBlockSize <= 0)
    return func.emitError("expected a positive gptq-block-size, found ")
           << gptqBlockSize.getValue();
  if (!(gptqDamp >= 0))
    return func.emitError("expected a non-negative gptq-damp, found ")
           << gptqDamp.getValue();
  if (!(actPercentile > 0 && actPercentile <= 100))
    return func.emitError("expected act-percentile in (0, 100], found ")
           << actPercentile.getValue();
  return success();
}

FailureOr<SmallVector<LayerPlan>>
QCQuantizePass::planLayers(func::FuncOp func) {
  SmallVector<LayerPlan> plans;
  bool ok = true;
  func.walk([&](Operation *op) {
    std::optional<Contraction> c = getContraction(op);
    if (!c)
      return;
    Value w = c->getWeight();
    if (!isFloatConstantWeight(w)) {
      // Already quantized weights are left as they are.
      if (!getWeightConstant(w)) {
        op->emitRemark("left in float: the weight is not a constant");
        ++numFloat;
      }
      return;
    }
    LayerPlan plan{*c, weightGranularity == WeightGranularity::Group,
                   weightBits};
    if (Attribute attr = op->getAttr(kBitsAttrName)) {
      auto bits = dyn_cast<IntegerAttr>(attr);
      if (!bits || bits.getInt() < 2 || bits.getInt() > 8) {
        op->emitError("expected ")
            << kBitsAttrName << " to be an integer in [2, 8], found " << attr;
        ok = false;
        return;
      }
      plan.bits = bits.getInt();
    }
    int64_t channels = c->getReductionChannels();
    if (plan.perGroup && channels % groupSize != 0) {
      if (!groupFallback) {
        std::string name = quotedLayerName(op);
        op->emitError("expected group-size ")
            << groupSize.getValue() << " to divide the reduction channels of "
            << (name.empty() ? "the layer" : "layer" + name) << ", found "
            << channels;
        ok = false;
        return;
      }
      plan.perGroup = false;
      if (reportErrors)
        op->emitRemark("quantized per channel: group-size ")
            << groupSize.getValue() << " does not divide " << channels
            << " reduction channels";
    }
    // A per-group layer with a single group is a per-channel layer.
    if (plan.perGroup && channels == groupSize)
      plan.perGroup = false;
    plans.push_back(plan);
  });
  if (!ok)
    return failure();
  return plans;
}

WeightQuantSpec QCQuantizePass::getSpec(const LayerPlan &plan) const {
  WeightQuantSpec spec;
  spec.bits = plan.bits;
  spec.symmetric = weightSymmetric;
  spec.mseClip = weightMseClip;
  spec.groupColumns = plan.perGroup ? groupSize * plan.c.reductionInner : 0;
  return spec;
}

FailureOr<QuantizedMatrix>
QCQuantizePass::quantizeLayer(const LayerPlan &plan, ArrayRef<float> w,
                              const LayerHessian *hessian) {
  const Contraction &c = plan.c;
  WeightQuantSpec spec = getSpec(plan);
  int64_t rows = c.outChannels / c.groups, cols = c.reduction;
  GPTQOptions gptq;
  gptq.damp = gptqDamp;
  gptq.blockSize = gptqBlockSize;
  gptq.actOrder = gptqActOrder;
  gptq.staticGroups = gptqStaticGroups;

  QuantizedMatrix all;
  all.rows = c.outChannels;
  all.cols = cols;
  all.groupColumns = spec.groupColumns ? spec.groupColumns : cols;
  double rtnErr = 0, gptqErr = 0, signal = 0;
  // GPTQ needs a Hessian of full rank: with fewer calibration rows than
  // reduction columns (a squeeze-excitation conv on globally pooled
  // features sees one row per sample) it fits the rows it saw and
  // generalises badly; gptq-rank-fallback rounds such layers to nearest.
  bool useGPTQ = algorithm == WeightAlgorithm::GPTQ;
  if (useGPTQ && gptqRankFallback && hessian && hessian->rows < cols) {
    useGPTQ = false;
    if (reportErrors)
      c.op->emitRemark("rounded to nearest instead of gptq: ")
          << hessian->rows << " calibration rows for " << cols
          << " reduction columns";
  }
  for (int64_t g = 0; g < c.groups; ++g) {
    ArrayRef<float> wg = w.slice(g * rows * cols, rows * cols);
    QuantizedMatrix qm = quantizeRTN(wg, rows, cols, spec);
    if (hessian && reportErrors) {
      ArrayRef<double> h = hessian->getGroup(g);
      signal += layerOutputError(wg, std::vector<float>(wg.size(), 0.0f), rows,
                                 cols, h);
      rtnErr += layerOutputError(wg, qm.dequantize(), rows, cols, h);
    }
    if (useGPTQ) {
      llvm::Expected<QuantizedMatrix> r =
          quantizeGPTQ(wg, rows, cols, hessian->getGroup(g), spec, gptq);
      if (!r)
        return c.op->emitError("gptq failed on layer")
               << quotedLayerName(c.op) << ": "
               << llvm::toString(r.takeError());
      qm = std::move(*r);
      if (reportErrors)
        gptqErr += layerOutputError(wg, qm.dequantize(), rows, cols,
                                    hessian->getGroup(g));
    }
    llvm::append_range(all.q, qm.q);
    llvm::append_range(all.scales, qm.scales);
    llvm::append_range(all.zeroPoints, qm.zeroPoints);
  }
  if (hessian && reportErrors) {
    double denom = signal > 0 ? signal : 1.0;
    InFlightDiagnostic d = c.op->emitRemark("relative output error: rtn ")
                           << llvm::formatv("{0:e3}", rtnErr / denom);
    if (useGPTQ)
      d << ", gptq " << llvm::formatv("{0:e3}", gptqErr / denom);
  }
  return all;
}

void QCQuantizePass::rewriteWeight(const LayerPlan &plan,
                                   const QuantizedMatrix &qm) {
  const Contraction &c = plan.c;
  MLIRContext *ctx = &getContext();
  Value weight = c.getWeight();
  auto wType = cast<RankedTensorType>(weight.getType());
  ArrayRef<int64_t> shape = wType.getShape();
  int64_t rank = shape.size();
  WeightQuantSpec spec = getSpec(plan);

  // Storage integers in the weight's own layout, one byte per element.
  int64_t n = c.outChannels, k = c.reduction;
  std::vector<char> bytes(n * k);
  for (int64_t o = 0; o < n; ++o)
    for (int64_t r = 0; r < k; ++r) {
      int64_t index = c.weightOutAxis == 0 ? o * k + r : r * n + o;
      bytes[index] = static_cast<char>(static_cast<uint8_t>(qm.q[o * k + r]));
    }
  auto storageType = IntegerType::get(ctx, spec.bits);
  auto storageTensor = RankedTensorType::get(shape, storageType);

  unsigned flags = spec.symmetric ? quant::QuantizationFlags::Signed : 0;
  Type f32 = Float32Type::get(ctx);
  quant::QuantizedType qType;
  if (!plan.perGroup) {
    SmallVector<double> scales(qm.scales.begin(), qm.scales.end());
    SmallVector<int64_t> zps(qm.zeroPoints.begin(), qm.zeroPoints.end());
    qType = quant::UniformQuantizedPerAxisType::get(
        flags, storageType, f32, scales, zps, c.weightOutAxis, spec.qmin(),
        spec.qmax());
  } else {
    int64_t groups = qm.numGroups();
    SmallVector<int64_t> paramShape(rank, 1);
    paramShape[c.weightOutAxis] = n;
    paramShape[c.weightReductionAxis] = groups;
    int64_t outStride = 1, redStride = 1;
    for (int64_t d = rank - 1; d > c.weightOutAxis; --d)
      outStride *= paramShape[d];
    for (int64_t d = rank - 1; d > c.weightReductionAxis; --d)
      redStride *= paramShape[d];
    SmallVector<float> scales(n * groups);
    SmallVector<APInt> zps(n * groups, APInt(spec.bits, 0));
    for (int64_t o = 0; o < n; ++o)
      for (int64_t g = 0; g < groups; ++g) {
        int64_t index = o * outStride + g * redStride;
        scales[index] = qm.scales[o * groups + g];
        zps[index] = APInt(spec.bits, qm.zeroPoints[o * groups + g],
                           /*isSigned=*/spec.symmetric);
      }
    auto scalesAttr = DenseElementsAttr::get(
        RankedTensorType::get(paramShape, f32), ArrayRef<float>(scales));
    auto zpsAttr = DenseElementsAttr::get(
        RankedTensorType::get(paramShape, storageType), zps);
    SmallVector<int32_t> dims;
    SmallVector<int64_t> blocks;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == c.weightOutAxis) {
        dims.push_back(d);
        blocks.push_back(1);
      } else if (d == c.weightReductionAxis) {
        dims.push_back(d);
        blocks.push_back(groupSize);
      }
    }
    qType = quant::UniformQuantizedSubChannelType::get(
        flags, storageType, f32, scalesAttr, zpsAttr, dims, blocks, spec.qmin(),
        spec.qmax());
  }

  Operation *oldConst = weight.getDefiningOp();
  OpBuilder b(c.op);
  Location loc = oldConst->getLoc();
  Value storage = arith::ConstantOp::create(
      b, loc, makeRawResource(storageTensor, "qweight", bytes));
  auto qTensor = RankedTensorType::get(shape, qType);
  Value scast = quant::StorageCastOp::create(b, loc, qTensor, storage);
  Value deq = DequantizeOp::create(b, loc, wType, scast);
  c.op->setOperand(c.weightIndex, deq);
  c.op->removeAttr(kBitsAttrName);
  if (oldConst->use_empty())
    oldConst->erase();
}

LogicalResult
QCQuantizePass::quantizeActivations(func::FuncOp func,
                                    ArrayRef<LayerPlan> plans,
                                    const CalibrationResult *calibration) {
  llvm::MapVector<Value, SmallVector<std::pair<Operation *, unsigned>>> uses;
  for (const LayerPlan &plan : plans) {
    Value x = plan.c.getActivation();
    if (getWeightConstant(x) || x.getDefiningOp<DequantizeOp>())
      continue;
    uses[x].push_back({plan.c.op, plan.c.activationIndex});
  }
  MLIRContext *ctx = &getContext();
  for (auto &[x, users] : uses) {
    std::optional<std::pair<float, float>> range =
        getActivationRange(x, calibration);
    if (!range)
      return users.front().first->emitError(
          "expected a calibrated range for the activation of this layer, "
          "found none");
    quant::UniformQuantizedType qType =
        getActivationType(ctx, range->first, range->second, actBits);
    auto type = cast<RankedTensorType>(x.getType());
    OpBuilder b(ctx);
    Location loc = x.getLoc();
    if (Operation *def = x.getDefiningOp())
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(&func.getBody().front());
    Value q = QuantizeOp::create(
        b, loc, RankedTensorType::get(type.getShape(), qType), x);
    Value d = DequantizeOp::create(b, loc, type, q);
    for (auto [op, index] : users)
      op->setOperand(index, d);
    removeRangeAnnotation(x);
    ++numActivations;
  }
  return success();
}

/// The range `x` is quantized with: its `qc.range`, else chosen from the
/// calibration statistics with act-method.
std::optional<std::pair<float, float>>
QCQuantizePass::getActivationRange(Value x,
                                   const CalibrationResult *calibration) const {
  if (std::optional<std::pair<float, float>> range = getRangeAnnotation(x))
    return range;
  if (!calibration)
    return std::nullopt;
  auto it = calibration->stats.find(x);
  if (it == calibration->stats.end())
    return std::nullopt;
  return chooseRange(it->second, actMethod, actBits, actPercentile);
}

/// For every layer, the SQNR (dB) of the function's outputs with only that
/// layer quantized, against f32, over the first sensitivity-samples
/// calibration samples: the layer reads its dequantized weight and (with
/// act-bits) its activation quantized and dequantized with the range
/// qc-quantize will give it; everything else stays f32.
FailureOr<std::vector<double>>
QCQuantizePass::measureSensitivity(func::FuncOp func,
                                   ArrayRef<LayerPlan> plans,
                                   ArrayRef<QuantizedMatrix> weights,
                                   const CalibrationResult *calibration) {
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(calib, func);
  if (!set)
    return func.emitError() << llvm::toString(set.takeError());
  size_t n = std::min<size_t>(set->size(), std::max(1u, sensitivitySamples.getValue()));
  Block &body = func.getBody().front();
  llvm::DenseMap<Value, int64_t> lastUse;
  int64_t index = 0;
  for (Operation &op : body) {
    for (Value v : op.getOperands())
      lastUse[v] = index;
    ++index;
  }
  llvm::DenseMap<Operation *, int64_t> layerIndex;
  for (auto [i, plan] : llvm::enumerate(plans))
    layerIndex[plan.c.op] = i;
  MLIRContext *ctx = &getContext();

  // Runs sample `s` with layer `probe` (or none, -1) quantized.
  auto run = [&](size_t s, int64_t probe,
                 SmallVector<Tensor> &outs) -> LogicalResult {
    llvm::Expected<SmallVector<Tensor>> inputs = set->load(s);
    if (!inputs)
      return func.emitError() << llvm::toString(inputs.takeError());
    llvm::DenseMap<Value, Tensor> env;
    for (auto [arg, t] : llvm::zip(body.getArguments(), *inputs))
      env[arg] = std::move(t);
    int64_t i = 0;
    for (Operation &op : body) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (Value v : ret.getOperands())
          outs.push_back(env.lookup(v));
        return success();
      }
      SmallVector<Tensor> operands;
      for (Value v : op.getOperands())
        operands.push_back(env.lookup(v));
      auto layer = layerIndex.find(&op);
      if (probe >= 0 && layer != layerIndex.end() && layer->second == probe) {
        const Contraction &c = plans[probe].c;
        std::vector<float> dq = weights[probe].dequantize();
        MutableArrayRef<float> w = operands[c.weightIndex].getFloats();
        int64_t rows = c.outChannels, k = c.reduction;
        for (int64_t o = 0; o < rows; ++o)
          for (int64_t r = 0; r < k; ++r)
            w[c.weightOutAxis == 0 ? o * k + r : r * rows + o] = dq[o * k + r];
        Value x = c.getActivation();
        std::optional<std::pair<float, float>> range;
        if (actBits != 0 && !getWeightConstant(x) &&
            !x.getDefiningOp<DequantizeOp>())
          range = getActivationRange(x, calibration);
        if (range) {
          quant::UniformQuantizedType q =
              getActivationType(ctx, range->first, range->second, actBits);
          double scale = q.getScale();
          int64_t zp = q.getZeroPoint();
          for (float &v : operands[c.activationIndex].getFloats()) {
            double l = std::nearbyint(v / scale) + zp;
            l = std::clamp<double>(l, q.getStorageTypeMin(),
                                   q.getStorageTypeMax());
            v = static_cast<float>((l - zp) * scale);
          }
        }
      }
      FailureOr<SmallVector<Tensor>> results = evaluateOp(&op, operands);
      if (failed(results))
        return failure();
      for (auto [v, t] : llvm::zip(op.getResults(), *results))
        env[v] = std::move(t);
      for (Value v : op.getOperands())
        if (lastUse.lookup(v) <= i)
          env.erase(v);
      ++i;
    }
    return success();
  };

  std::vector<SmallVector<Tensor>> reference(n);
  for (size_t s = 0; s < n; ++s)
    if (failed(run(s, -1, reference[s])))
      return failure();
  std::vector<double> sqnr(plans.size());
  for (size_t p = 0; p < plans.size(); ++p) {
    double signal = 0, noise = 0;
    for (size_t s = 0; s < n; ++s) {
      SmallVector<Tensor> outs;
      if (failed(run(s, p, outs)))
        return failure();
      for (auto [a, r] : llvm::zip(outs, reference[s])) {
        if (!a.isFloat() || !r.isFloat())
          continue;
        for (auto [x, y] : llvm::zip(a.getFloats(), r.getFloats())) {
          signal += double(y) * y;
          noise += (double(x) - y) * (double(x) - y);
        }
      }
    }
    sqnr[p] = noise == 0 ? INFINITY : 10 * std::log10(signal / noise);
  }
  return sqnr;
}

/// The per-channel means of a value's statistics.
static std::vector<double> channelMeans(const ActivationStats &s) {
  std::vector<double> means(s.channelSum.size(), 0.0);
  if (means.empty() || s.count == 0)
    return means;
  double perChannel = static_cast<double>(s.count) / means.size();
  for (size_t c = 0; c < means.size(); ++c)
    means[c] = s.channelSum[c] / perChannel;
  return means;
}

/// Empirical bias correction, sequential: the calibration samples run
/// through the quantized function in lockstep, op by op; at each corrected
/// convolution the mean of its output over all samples is compared with
/// the f32 function's and the difference goes into the bias (and into the
/// outputs already computed), so that every later layer sees the corrected
/// values, as if the layers had been corrected one at a time.
LogicalResult
QCQuantizePass::correctBiases(func::FuncOp func, ArrayRef<LayerPlan> plans,
                              const CalibrationResult &reference) {
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(calib, func);
  if (!set)
    return func.emitError() << llvm::toString(set.takeError());
  size_t n = set->size();
  if (numSamples)
    n = std::min<size_t>(n, numSamples);
  llvm::DenseSet<Operation *> corrected;
  for (const LayerPlan &plan : plans)
    if (isa<ConvOp>(plan.c.op))
      corrected.insert(plan.c.op);

  Block &body = func.getBody().front();
  llvm::DenseMap<Value, int64_t> lastUse;
  int64_t index = 0;
  for (Operation &op : body) {
    for (Value v : op.getOperands())
      lastUse[v] = index;
    ++index;
  }
  std::vector<llvm::DenseMap<Value, Tensor>> env(n);
  for (size_t i = 0; i < n; ++i) {
    llvm::Expected<SmallVector<Tensor>> inputs = set->load(i);
    if (!inputs)
      return func.emitError() << llvm::toString(inputs.takeError());
    for (auto [arg, t] : llvm::zip(body.getArguments(), *inputs))
      env[i][arg] = std::move(t);
  }
  index = 0;
  for (Operation &op : llvm::make_early_inc_range(body)) {
    if (isa<func::ReturnOp>(op))
      break;
    for (size_t i = 0; i < n; ++i) {
      SmallVector<Tensor> operands;
      for (Value v : op.getOperands())
        operands.push_back(env[i].lookup(v));
      FailureOr<SmallVector<Tensor>> results = evaluateOp(&op, operands);
      if (failed(results))
        return failure();
      for (auto [v, t] : llvm::zip(op.getResults(), *results))
        env[i][v] = std::move(t);
    }
    auto conv = dyn_cast<ConvOp>(op);
    auto ref = conv ? reference.stats.find(conv.getResult())
                    : reference.stats.end();
    if (conv && corrected.contains(conv) && ref != reference.stats.end()) {
      std::vector<double> want = channelMeans(ref->second);
      RankedTensorType type = conv.getType();
      int64_t batch = type.getDimSize(0), m = type.getDimSize(1);
      int64_t spatial = type.getNumElements() / (batch * m);
      std::vector<double> have(m, 0.0);
      for (size_t i = 0; i < n; ++i) {
        ArrayRef<float> y = env[i][conv.getResult()].getFloats();
        for (int64_t b = 0; b < batch; ++b)
          for (int64_t c = 0; c < m; ++c)
            for (int64_t k = 0; k < spatial; ++k)
              have[c] += y[(b * m + c) * spatial + k];
      }
      double count = static_cast<double>(n) * batch * spatial;
      if (static_cast<int64_t>(want.size()) == m) {
        std::vector<float> delta(m);
        for (int64_t c = 0; c < m; ++c)
          delta[c] = static_cast<float>(want[c] - have[c] / count);
        std::vector<float> bias(m, 0.0f);
        if (Value b = conv.getB())
          if (std::optional<std::vector<float>> old = readFloatConstant(b))
            bias = *old;
        for (int64_t c = 0; c < m; ++c)
          bias[c] += delta[c];
        OpBuilder b(conv);
        auto biasType =
            RankedTensorType::get({m}, Float32Type::get(&getContext()));
        Value nb = arith::ConstantOp::create(
            b, conv.getLoc(),
            makeF32Resource(biasType, "corrected_bias", bias));
        Operation *old = conv.getB() ? conv.getB().getDefiningOp() : nullptr;
        if (conv.getB())
          conv.getBMutable().assign(nb);
        else
          conv.getBMutable().append(nb);
        if (old && old->use_empty())
          old->erase();
        for (size_t i = 0; i < n; ++i) {
          MutableArrayRef<float> y = env[i][conv.getResult()].getFloats();
          for (int64_t bi = 0; bi < batch; ++bi)
            for (int64_t c = 0; c < m; ++c)
              for (int64_t k = 0; k < spatial; ++k)
                y[(bi * m + c) * spatial + k] += delta[c];
        }
      }
    }
    // Free what no later op reads.
    for (Value v : op.getOperands())
      if (lastUse.lookup(v) <= index)
        for (auto &e : env)
          e.erase(v);
    ++index;
  }
  return success();
}

void QCQuantizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  if (failed(checkOptions(func)))
    return signalPassFailure();
  FailureOr<SmallVector<LayerPlan>> plans = planLayers(func);
  if (failed(plans))
    return signalPassFailure();
  if (plans->empty())
    return;

  // What calibration has to provide: ranges of unannotated activations
  // and, for GPTQ or error reports, Hessians.
  llvm::DenseSet<Value> needRanges;
  if (actBits != 0)
    for (const LayerPlan &plan : *plans) {
      Value x = plan.c.getActivation();
      if (!getWeightConstant(x) && !x.getDefiningOp<DequantizeOp>() &&
          !getRangeAnnotation(x))
        needRanges.insert(x);
    }
  bool needHessians = algorithm == WeightAlgorithm::GPTQ || reportErrors;
  llvm::DenseSet<Value> layerOutputs;
  if (biasCorrection)
    for (const LayerPlan &plan : *plans)
      layerOutputs.insert(plan.c.op->getResult(0));
  std::optional<CalibrationResult> calibration;
  if (!needRanges.empty() || needHessians || biasCorrection) {
    if (calib.empty()) {
      func.emitError("expected a calibration directory (calib=DIR) for ")
          << (needHessians && algorithm == WeightAlgorithm::GPTQ ? "gptq"
              : needHessians                                       ? "report-errors"
              : biasCorrection                                     ? "bias-correction"
                               : "activations without qc.range")
          << ", found none";
      return signalPassFailure();
    }
    llvm::Expected<CalibrationSet> set = CalibrationSet::open(calib, func);
    if (!set) {
      func.emitError() << llvm::toString(set.takeError());
      return signalPassFailure();
    }
    CalibrationOptions options;
    options.perChannel = biasCorrection;
    options.histograms = !needRanges.empty();
    options.hessians = needHessians;
    options.maxSamples = numSamples;
    options.filter = [&](Value v) {
      return needRanges.contains(v) || layerOutputs.contains(v);
    };
    FailureOr<CalibrationResult> result = calibrate(func, *set, options);
    if (failed(result))
      return signalPassFailure();
    calibration = std::move(*result);
  }

  // Weights first (activation ranges are keyed by values that stay).
  std::vector<QuantizedMatrix> quantized;
  for (const LayerPlan &plan : *plans) {
    std::optional<std::vector<float>> w = readWeightMatrix(plan.c);
    if (!w) {
      plan.c.op->emitError("expected a readable f32 constant weight");
      return signalPassFailure();
    }
    const LayerHessian *hessian = nullptr;
    if (calibration && needHessians) {
      auto it = calibration->hessians.find(plan.c.op);
      if (it != calibration->hessians.end())
        hessian = &it->second;
    }
    if (!hessian && algorithm == WeightAlgorithm::GPTQ) {
      plan.c.op->emitError("expected a Hessian for this layer from "
                           "calibration, found none");
      return signalPassFailure();
    }
    FailureOr<QuantizedMatrix> qm = quantizeLayer(plan, *w, hessian);
    if (failed(qm))
      return signalPassFailure();
    quantized.push_back(std::move(*qm));
  }
  // keep-float: the layers whose quantization alone costs the most output
  // SQNR stay in float.
  SmallVector<LayerPlan> kept(plans->begin(), plans->end());
  if (keepFloat > 0) {
    if (calib.empty()) {
      func.emitError("expected a calibration directory (calib=DIR) for "
                     "keep-float, found none");
      return signalPassFailure();
    }
    FailureOr<std::vector<double>> sqnr = measureSensitivity(
        func, *plans, quantized, calibration ? &*calibration : nullptr);
    if (failed(sqnr))
      return signalPassFailure();
    SmallVector<size_t> order(plans->size());
    for (size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    llvm::stable_sort(order, [&](size_t a, size_t b) {
      return (*sqnr)[a] < (*sqnr)[b];
    });
    llvm::DenseSet<size_t> floats;
    for (size_t r = 0; r < order.size() && r < keepFloat; ++r) {
      size_t i = order[r];
      floats.insert(i);
      (*plans)[i].c.op->emitRemark("left in float (keep-float=")
          << keepFloat.getValue() << "): quantized alone it gives output SQNR "
          << llvm::formatv("{0:f1}", (*sqnr)[i]) << " dB, rank " << r + 1
          << " of " << order.size();
      ++numFloat;
    }
    kept.clear();
    SmallVector<QuantizedMatrix> rest;
    for (size_t i = 0; i < plans->size(); ++i)
      if (!floats.contains(i)) {
        kept.push_back((*plans)[i]);
        rest.push_back(std::move(quantized[i]));
      }
    quantized.assign(std::make_move_iterator(rest.begin()),
                     std::make_move_iterator(rest.end()));
  }
  for (auto [plan, qm] : llvm::zip(kept, quantized)) {
    rewriteWeight(plan, qm);
    ++numWeights;
  }
  if (actBits != 0 && failed(quantizeActivations(
                          func, kept, calibration ? &*calibration : nullptr)))
    return signalPassFailure();
  if (biasCorrection && failed(correctBiases(func, kept, *calibration)))
    return signalPassFailure();
}

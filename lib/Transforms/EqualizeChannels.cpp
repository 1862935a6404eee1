//===- EqualizeChannels.cpp - equalize the channels of depthwise inputs ---===//
//
// qc-equalize-channels: cross-layer equalization (Nagel et al., "Data-Free
// Quantization Through Weight Equalization and Bias Correction", 2019) for
// the inputs of depthwise convolutions, driven by calibrated per-channel
// ranges. An activation X quantized per tensor wastes most of its u8 grid
// when its channels have very different ranges (MobileNet-style networks:
// one channel up to 100, most below 3). Dividing channel c by s_c and
// multiplying the depthwise weights of channel c by s_c computes the same
// function; with depthwise convolutions this is free for the weights too,
// since each output channel has its own weight scale.
//
//===----------------------------------------------------------------------===//

#include "qc/QCOps.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Support/Constants.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCEQUALIZECHANNELS
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

/// Whether `op` is a qc.conv reading `x` as its input (not its weight),
/// with constant f32 weights, on NC... tensors.
bool isConvConsumer(Operation *op, Value x) {
  auto conv = dyn_cast<ConvOp>(op);
  if (!conv || conv.getX() != x || conv.getW() == x ||
      (conv.getB() && conv.getB() == x))
    return false;
  return conv.getX().getType().getRank() >= 3 &&
         isFloatConstantWeight(conv.getW());
}

/// Whether `conv` is depthwise: one input channel per group.
bool isDepthwise(ConvOp conv) {
  return conv.getW().getType().getDimSize(1) == 1 &&
         static_cast<int64_t>(conv.getGroup()) > 1;
}

/// The constant operand of a binary op and the other operand, if exactly
/// one operand is an f32 constant.
std::optional<std::pair<Value, Value>> splitConstant(Operation *op) {
  if (op->getNumOperands() != 2)
    return std::nullopt;
  Value a = op->getOperand(0), b = op->getOperand(1);
  if (isFloatConstantWeight(b) && !isFloatConstantWeight(a))
    return std::make_pair(b, a);
  if (isFloatConstantWeight(a) && !isFloatConstantWeight(b))
    return std::make_pair(a, b);
  return std::nullopt;
}

/// Whether a constant of `type` broadcast against a [N, C, ...] result of
/// rank `rank` is the same along every dimension but (maybe) the channels.
bool isChannelConstant(RankedTensorType type, int64_t rank, int64_t channels) {
  int64_t r = type.getRank();
  if (r > rank)
    return false;
  for (int64_t d = 0; d < r; ++d) {
    int64_t resultDim = d + (rank - r);
    int64_t size = type.getDimSize(d);
    if (size != 1 && !(resultDim == 1 && size == channels))
      return false;
  }
  return true;
}

/// Rewrites the producers of `v` so that `v` becomes `v * factor` per
/// channel (dimension 1). With `dryRun`, only says whether it can.
class ChannelScaler {
public:
  explicit ChannelScaler(bool dryRun) : dryRun(dryRun) {}

  bool scale(Value v, ArrayRef<float> factor);

private:
  /// A new constant: `c` broadcast to [1, C, 1, ...] (rank `rank`) and
  /// multiplied (or divided) per channel by `factor`.
  Value scaledConstant(OpBuilder &b, Location loc, Value c, int64_t rank,
                       ArrayRef<float> factor, bool divide);
  bool dryRun;
};

Value ChannelScaler::scaledConstant(OpBuilder &b, Location loc, Value c,
                                    int64_t rank, ArrayRef<float> factor,
                                    bool divide) {
  auto type = cast<RankedTensorType>(c.getType());
  std::vector<float> values = *readFloatConstant(c);
  int64_t channels = factor.size();
  // The constant's channel dimension (or none) after right alignment.
  int64_t channelDim = 1 - (rank - type.getRank());
  bool perChannel = channelDim >= 0 && channelDim < type.getRank() &&
                    type.getDimSize(channelDim) == channels;
  std::vector<float> out(channels);
  for (int64_t ch = 0; ch < channels; ++ch) {
    float v = values[perChannel ? ch : 0];
    out[ch] = divide ? v / factor[ch] : v * factor[ch];
  }
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = channels;
  auto newType = RankedTensorType::get(shape, type.getElementType());
  return arith::ConstantOp::create(b, loc,
                                   makeF32Resource(newType, "equalized", out));
}

bool ChannelScaler::scale(Value v, ArrayRef<float> factor) {
  Operation *def = v.getDefiningOp();
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!def || !type || type.getRank() < 2 ||
      type.getDimSize(1) != static_cast<int64_t>(factor.size()))
    return false;
  int64_t rank = type.getRank(), channels = factor.size();
  OpBuilder b(def);
  Location loc = def->getLoc();

  if (auto conv = dyn_cast<ConvOp>(def)) {
    // Output channel m of the weight rows and the bias.
    if (!isFloatConstantWeight(conv.getW()) ||
        (conv.getB() && !isFloatConstantWeight(conv.getB())))
      return false;
    if (dryRun)
      return true;
    RankedTensorType wt = conv.getW().getType();
    std::vector<float> w = *readFloatConstant(conv.getW());
    int64_t perRow = w.size() / channels;
    for (int64_t m = 0; m < channels; ++m)
      for (int64_t i = 0; i < perRow; ++i)
        w[m * perRow + i] *= factor[m];
    conv.getWMutable().assign(arith::ConstantOp::create(
        b, loc, makeF32Resource(wt, "equalized_weight", w)));
    if (Value bias = conv.getB()) {
      std::vector<float> bv = *readFloatConstant(bias);
      for (int64_t m = 0; m < channels; ++m)
        bv[m] *= factor[m];
      conv.getBMutable().assign(arith::ConstantOp::create(
          b, loc,
          makeF32Resource(cast<RankedTensorType>(bias.getType()),
                          "equalized_bias", bv)));
    }
    return true;
  }
  if (auto bn = dyn_cast<BatchNormalizationOp>(def)) {
    if (!isFloatConstantWeight(bn.getScale()) ||
        !isFloatConstantWeight(bn.getBias()))
      return false;
    if (dryRun)
      return true;
    std::vector<float> s = *readFloatConstant(bn.getScale());
    std::vector<float> t = *readFloatConstant(bn.getBias());
    for (int64_t ch = 0; ch < channels; ++ch) {
      s[ch] *= factor[ch];
      t[ch] *= factor[ch];
    }
    auto vt = cast<RankedTensorType>(bn.getScale().getType());
    bn.getScaleMutable().assign(arith::ConstantOp::create(
        b, loc, makeF32Resource(vt, "equalized_scale", s)));
    bn.getBiasMutable().assign(arith::ConstantOp::create(
        b, loc, makeF32Resource(vt, "equalized_shift", t)));
    return true;
  }
  if (isa<MulOp, DivOp>(def) && !splitConstant(def)) {
    // x * g * f = (x * f) * g: one operand (the numerator of a division)
    // with this value's shape absorbs the factor.
    for (unsigned i = 0, e = isa<DivOp>(def) ? 1 : 2; i < e; ++i) {
      Value operand = def->getOperand(i);
      if (operand.getType() != v.getType() || !operand.hasOneUse())
        continue;
      if (ChannelScaler(/*dryRun=*/true).scale(operand, factor))
        return dryRun || scale(operand, factor);
    }
    return false;
  }
  if (isa<MulOp, DivOp, AddOp, SubOp>(def)) {
    std::optional<std::pair<Value, Value>> parts = splitConstant(def);
    if (!parts ||
        !isChannelConstant(cast<RankedTensorType>(parts->first.getType()), rank,
                           channels))
      return false;
    auto [c, other] = *parts;
    bool constantIsRhs = def->getOperand(1) == c;
    if (isa<DivOp>(def) && !constantIsRhs)
      return false; // c / x
    if (isa<MulOp, DivOp>(def)) {
      // x * (c * f), x / (c / f): the other operand is untouched.
      if (dryRun)
        return true;
      Value nc = scaledConstant(b, loc, c, rank, factor, isa<DivOp>(def));
      def->setOperand(constantIsRhs ? 1 : 0, nc);
      return true;
    }
    // (x + c) * f = x * f + c * f: the other operand must scale too.
    if (!other.hasOneUse() || !scale(other, factor))
      return false;
    if (dryRun)
      return true;
    Value nc = scaledConstant(b, loc, c, rank, factor, /*divide=*/false);
    def->setOperand(constantIsRhs ? 1 : 0, nc);
    return true;
  }
  if (auto relu = dyn_cast<ReluOp>(def)) {
    // relu(x) * f = relu(x * f) for f > 0.
    Value x = relu->getOperand(0);
    return x.hasOneUse() && scale(x, factor);
  }
  return false;
}

/// Per-channel factors s_c (X' = X / s) for channel ranges [m_c, M_c]: the
/// u8 grid spans [L, H] and channel c is divided by the smallest s_c that
/// keeps it inside, max(M_c / H, m_c / L). [L, H] is chosen on a grid to
/// minimise the mean over channels of (s_c (H - L) / (M_c - m_c))^2, the
/// relative quantization noise of each channel. Returns the relative gain
/// (1 - cost / cost without equalization).
double chooseFactors(const ActivationStats &stats, std::vector<float> &s) {
  int64_t channels = stats.channelMin.size();
  double hMax = 0, lMin = 0;
  for (int64_t c = 0; c < channels; ++c) {
    hMax = std::max<double>(hMax, stats.channelMax[c]);
    lMin = std::min<double>(lMin, stats.channelMin[c]);
  }
  auto cost = [&](double lo, double hi, std::vector<float> *out) {
    double total = 0;
    int64_t n = 0;
    for (int64_t c = 0; c < channels; ++c) {
      double mc = std::min(0.0f, stats.channelMin[c]);
      double Mc = std::max(0.0f, stats.channelMax[c]);
      double sc = 1;
      if (Mc - mc > 0) {
        sc = std::max(hi > 0 ? Mc / hi : 0.0, lo < 0 ? mc / lo : 0.0);
        sc = std::max(sc, 1e-4);
        double rel = sc * (hi - lo) / (Mc - mc);
        total += rel * rel;
        ++n;
      }
      if (out)
        (*out)[c] = static_cast<float>(sc);
    }
    return n ? total / n : 0.0;
  };
  double base = 0;
  {
    int64_t n = 0;
    for (int64_t c = 0; c < channels; ++c) {
      double range = std::max(0.0f, stats.channelMax[c]) -
                     std::min(0.0f, stats.channelMin[c]);
      if (range > 0) {
        double rel = (hMax - lMin) / range;
        base += rel * rel;
        ++n;
      }
    }
    base = n ? base / n : 0.0;
  }
  if (!(hMax - lMin > 0) || base == 0)
    return 0;
  double bestLo = lMin, bestHi = hMax;
  double best = cost(lMin, hMax, nullptr);
  double span = std::max(hMax, -lMin);
  for (int i = 1; i <= 64; ++i) {
    double t = span * i / 64.0;
    // Widen the negative side (one-signed tensors with a small negative
    // tail, e.g. hardswish), or the positive side.
    double lo = std::min(lMin, -t), hi = std::max(hMax, t);
    for (auto [l, h] : {std::make_pair(lo, hMax), std::make_pair(lMin, hi)}) {
      double c = cost(l, h, nullptr);
      if (c < best) {
        best = c;
        bestLo = l;
        bestHi = h;
      }
    }
  }
  s.assign(channels, 1.0f);
  cost(bestLo, bestHi, &s);
  return 1.0 - best / base;
}

struct QCEqualizeChannelsPass
    : qc::impl::QCEqualizeChannelsBase<QCEqualizeChannelsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // Activations read only by depthwise convolutions whose producers can
    // absorb a per-channel scale.
    SmallVector<Value> candidates;
    llvm::DenseSet<Value> seen;
    func.walk([&](ConvOp conv) {
      Value x = conv.getX();
      if (!seen.insert(x).second || isa<BlockArgument>(x))
        return;
      if (!llvm::all_of(x.getUsers(), [&](Operation *user) {
            return isConvConsumer(user, x);
          }))
        return;
      // Only activations that some depthwise convolution reads, unless
      // dense consumers are enabled.
      if (denseAlpha <= 0 && !llvm::all_of(x.getUsers(), [](Operation *u) {
            return isDepthwise(cast<ConvOp>(u));
          }))
        return;
      int64_t channels = conv.getX().getType().getDimSize(1);
      std::vector<float> ones(channels, 1.0f);
      // With runtime-scale, a producer that cannot absorb the factors
      // gets a run-time qc.mul instead.
      if (runtimeScale || ChannelScaler(/*dryRun=*/true).scale(x, ones))
        candidates.push_back(x);
    });
    if (candidates.empty())
      return;
    if (calib.empty()) {
      func.emitError("expected a calibration directory (calib=DIR), found "
                     "none");
      return signalPassFailure();
    }
    llvm::Expected<CalibrationSet> set = CalibrationSet::open(calib, func);
    if (!set) {
      func.emitError() << llvm::toString(set.takeError());
      return signalPassFailure();
    }
    llvm::DenseSet<Value> wanted(candidates.begin(), candidates.end());
    CalibrationOptions options;
    options.histograms = false;
    options.maxSamples = numSamples;
    options.filter = [&](Value v) { return wanted.contains(v); };
    FailureOr<CalibrationResult> result = calibrate(func, *set, options);
    if (failed(result))
      return signalPassFailure();

    for (Value x : candidates) {
      const ActivationStats &stats = result->stats[x];
      if (stats.channelMin.empty())
        continue;
      std::vector<float> s;
      double gain = chooseFactors(stats, s);
      if (gain < minGain)
        continue;
      // Dense consumers pay for the activation's gain with coarser weights
      // (their per-output-channel scales mix the input channels): only
      // part of the factor, s^alpha, is applied.
      bool allDepthwise = llvm::all_of(x.getUsers(), [](Operation *u) {
        return isDepthwise(cast<ConvOp>(u));
      });
      if (!allDepthwise)
        for (float &f : s)
          f = std::pow(f, static_cast<float>(denseAlpha));
      std::vector<float> inverse(s.size());
      for (size_t c = 0; c < s.size(); ++c)
        inverse[c] = 1.0f / s[c];
      if (ChannelScaler(/*dryRun=*/true).scale(x, inverse)) {
        (void)ChannelScaler(/*dryRun=*/false).scale(x, inverse);
      } else {
        if (!runtimeScale)
          continue;
        // x / s at run time: a per-channel qc.mul after x, which the
        // consumers read instead (and which is what gets quantized).
        auto type = cast<RankedTensorType>(x.getType());
        SmallVector<int64_t> shape(type.getRank(), 1);
        shape[1] = static_cast<int64_t>(inverse.size());
        OpBuilder b(x.getContext());
        b.setInsertionPointAfter(x.getDefiningOp());
        Location loc = x.getLoc();
        Value c = arith::ConstantOp::create(
            b, loc,
            makeF32Resource(RankedTensorType::get(shape, type.getElementType()),
                            "equalize_inv_scale", inverse));
        Value scaled = MulOp::create(b, loc, type, x, c);
        x.replaceAllUsesExcept(scaled, scaled.getDefiningOp());
        x = scaled;
        ++numRuntimeScaled;
      }
      // Every consumer: the weights reading channel c times s_c. Output
      // channel m of a conv with G groups reads the channels of group
      // m / (M / G), at positions [0, C / G) of its weight row.
      for (Operation *user : llvm::to_vector(x.getUsers())) {
        auto conv = cast<ConvOp>(user);
        RankedTensorType wt = conv.getW().getType();
        std::vector<float> w = *readFloatConstant(conv.getW());
        int64_t rows = wt.getDimSize(0), perChannel = 1;
        for (int64_t d = 2; d < wt.getRank(); ++d)
          perChannel *= wt.getDimSize(d);
        int64_t cPerGroup = wt.getDimSize(1);
        int64_t rowsPerGroup = rows / static_cast<int64_t>(conv.getGroup());
        for (int64_t m = 0; m < rows; ++m)
          for (int64_t j = 0; j < cPerGroup; ++j) {
            float f = s[(m / rowsPerGroup) * cPerGroup + j];
            float *p = w.data() + (m * cPerGroup + j) * perChannel;
            for (int64_t i = 0; i < perChannel; ++i)
              p[i] *= f;
          }
        OpBuilder b(conv);
        conv.getWMutable().assign(arith::ConstantOp::create(
            b, conv.getLoc(), makeF32Resource(wt, "equalized_weight", w)));
      }
      ++numEqualized;
    }
    // Constants the rewrites replaced.
    func.walk([](arith::ConstantOp cst) {
      if (cst->use_empty())
        cst->erase();
    });
  }
};

} // namespace

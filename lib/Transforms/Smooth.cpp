//===- Smooth.cpp - SmoothQuant / Outlier Suppression+ smoothing ----------===//
//
// qc-smooth divides each channel j of an activation X by s_j (and subtracts
// a shift z_j first, as Outlier Suppression+ does), folds that into the op
// that produces X, and multiplies the consumers' weights by s_j along their
// input channels (adding W z to their biases), so the f32 function is
// unchanged while X loses its outlier channels.
//
//===----------------------------------------------------------------------===//

#include "ChannelUtils.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"
#include "quantc/Transforms/ChannelTransforms.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>
#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCSMOOTH
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::channels;

//===----------------------------------------------------------------------===//
// Scales and shifts.
//===----------------------------------------------------------------------===//

SmallVector<float>
mlir::qc::computeSmoothingScales(ArrayRef<float> actAbsMax,
                                 ArrayRef<float> weightAbsMax, double alpha,
                                 double minScale) {
  SmallVector<float> scales(actAbsMax.size(), 1.0f);
  for (size_t j = 0; j < actAbsMax.size(); ++j) {
    double a = actAbsMax[j], w = weightAbsMax[j];
    double s = 1.0;
    if (a > 0 && w > 0 && std::isfinite(a) && std::isfinite(w))
      s = std::pow(a, alpha) / std::pow(w, 1.0 - alpha);
    if (!std::isfinite(s))
      s = 1.0;
    scales[j] = static_cast<float>(std::max(s, minScale));
  }
  return scales;
}

SmallVector<float> mlir::qc::computeSmoothingShifts(const ChannelStats &stats) {
  SmallVector<float> shifts(stats.min.size(), 0.0f);
  for (size_t j = 0; j < shifts.size(); ++j)
    if (std::isfinite(stats.min[j]) && std::isfinite(stats.max[j]))
      shifts[j] = static_cast<float>(
          (static_cast<double>(stats.max[j]) + stats.min[j]) / 2);
  return shifts;
}

SmallVector<float> mlir::qc::consumerWeightAbsMax(ArrayRef<ContractionUse> uses,
                                                  int64_t numChannels) {
  SmallVector<float> m(numChannels, 0.0f);
  for (const ContractionUse &cu : uses) {
    std::optional<F32Data> w = readF32(cu.op->getOperand(cu.weightIndex));
    if (!w)
      continue;
    AxisView v(w->shape, cu.weightAxis);
    for (int64_t o = 0; o < v.outer; ++o)
      for (int64_t j = 0; j < v.n; ++j) {
        const float *p = w->data.data() + (o * v.n + j) * v.inner;
        for (int64_t i = 0; i < v.inner; ++i)
          m[j] = std::max(m[j], std::fabs(p[i]));
      }
  }
  return m;
}

//===----------------------------------------------------------------------===//
// Folding y -> y * a + b into the producer of y.
//===----------------------------------------------------------------------===//

namespace {

/// Makes the producer of a value compute `v * a + b` per channel instead of
/// `v` (`b` empty means zero), or with `dryRun` only checks that it can.
/// The same checks run in both modes, so an apply after a successful dry run
/// cannot fail half-way.
struct ProducerFolder {
  bool dryRun = true;
  SmallVector<std::string> chain;

  bool fold(Value v, int64_t axis, ArrayRef<float> a, ArrayRef<float> b);

private:
  bool foldConstantBinary(Operation *op, Value v, int64_t axis,
                          ArrayRef<float> a, ArrayRef<float> b);
  bool passThrough(Operation *op, Value v, int64_t axis, ArrayRef<float> a,
                   ArrayRef<float> b, bool allowShift);
};

} // namespace

/// The value operand `u` of `op` (with result `v`) that a per-channel fold
/// can recurse into: same type as `v` and used only by `op`.
static bool isFoldableInner(Value u, Value v) {
  return u.getType() == v.getType() && u.hasOneUse();
}

bool ProducerFolder::fold(Value v, int64_t axis, ArrayRef<float> a,
                          ArrayRef<float> b) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return false;
  auto vType = cast<RankedTensorType>(v.getType());
  int64_t rank = vType.getRank();
  int64_t n = vType.getDimSize(axis);
  int64_t fromBack = axis - rank;
  bool hasShift = !b.empty();
  OpBuilder builder(def);
  Location loc = def->getLoc();
  auto note = [&](Operation *op) {
    chain.push_back(op->getName().getStringRef().str());
    return true;
  };

  if (auto ln = dyn_cast<LayerNormalizationOp>(def)) {
    std::optional<int64_t> start = normalizeAxis(ln.getAxis(), rank);
    if (!start || axis < *start)
      return false;
    std::optional<F32Data> gamma = readF32(ln.getScale());
    std::optional<F32Data> beta;
    if (ln.getBias() && !(beta = readF32(ln.getBias())))
      return false;
    if (!gamma)
      return false;
    if (dryRun)
      return note(def);
    scaleAlong(*gamma, expandAlong(*gamma, fromBack, n), a);
    replaceOperandAndClean(def, 1,
                           makeF32Constant(builder, loc, gamma->shape,
                                           gamma->data, "smooth_ln_scale"));
    if (beta || hasShift) {
      if (!beta)
        beta = F32Data{{n}, std::vector<float>(n, 0.0f)};
      int64_t ax = expandAlong(*beta, fromBack, n);
      scaleAlong(*beta, ax, a);
      if (hasShift)
        addAlong(*beta, ax, b);
      Value c = makeF32Constant(builder, loc, beta->shape, beta->data,
                                "smooth_ln_bias");
      if (ln.getBias())
        replaceOperandAndClean(def, 2, c);
      else
        def->insertOperands(2, c);
    }
    return note(def);
  }

  if (auto bn = dyn_cast<BatchNormalizationOp>(def)) {
    std::optional<F32Data> scale = readF32(bn.getScale());
    std::optional<F32Data> bias = readF32(bn.getBias());
    if (axis != 1 || !scale || !bias)
      return false;
    if (dryRun)
      return note(def);
    scaleAlong(*scale, 0, a);
    scaleAlong(*bias, 0, a);
    if (hasShift)
      addAlong(*bias, 0, b);
    replaceOperandAndClean(def, 1,
                           makeF32Constant(builder, loc, scale->shape,
                                           scale->data, "smooth_bn_scale"));
    replaceOperandAndClean(def, 2,
                           makeF32Constant(builder, loc, bias->shape,
                                           bias->data, "smooth_bn_bias"));
    return note(def);
  }

  if (auto conv = dyn_cast<ConvOp>(def)) {
    std::optional<F32Data> w = readF32(conv.getW());
    std::optional<F32Data> bias;
    if (conv.getB() && !(bias = readF32(conv.getB())))
      return false;
    if (axis != 1 || !w)
      return false;
    if (dryRun)
      return note(def);
    scaleAlong(*w, 0, a);
    replaceOperandAndClean(
        def, 1,
        makeF32Constant(builder, loc, w->shape, w->data, "smooth_weight"));
    if (bias || hasShift) {
      if (!bias)
        bias = F32Data{{n}, std::vector<float>(n, 0.0f)};
      scaleAlong(*bias, 0, a);
      if (hasShift)
        addAlong(*bias, 0, b);
      Value c =
          makeF32Constant(builder, loc, bias->shape, bias->data, "smooth_bias");
      if (conv.getB())
        replaceOperandAndClean(def, 2, c);
      else
        def->insertOperands(2, c);
    }
    return note(def);
  }

  if (auto gemm = dyn_cast<GemmOp>(def)) {
    std::optional<F32Data> w = readF32(gemm.getB());
    std::optional<F32Data> c;
    if (gemm.getC() && !(c = readF32(gemm.getC())))
      return false;
    if (axis != 1 || !w)
      return false;
    if (dryRun)
      return note(def);
    scaleAlong(*w, gemm.getTransB() ? 0 : 1, a);
    replaceOperandAndClean(
        def, 1,
        makeF32Constant(builder, loc, w->shape, w->data, "smooth_weight"));
    double beta = gemm.getBeta().convertToDouble();
    if (c && beta != 0) {
      // beta * C' = beta * C * a + b.
      int64_t ax = expandAlong(*c, -1, n);
      scaleAlong(*c, ax, a);
      if (hasShift) {
        SmallVector<float> bb(b);
        for (float &x : bb)
          x = static_cast<float>(x / beta);
        addAlong(*c, ax, bb);
      }
      replaceOperandAndClean(
          def, 2, makeF32Constant(builder, loc, c->shape, c->data, "smooth_c"));
    } else if (hasShift) {
      Value cst = makeF32Constant(builder, loc, {n}, b, "smooth_c");
      if (gemm.getC())
        replaceOperandAndClean(def, 2, cst);
      else
        def->insertOperands(2, cst);
      gemm.setBeta(APFloat(1.0f));
    }
    return note(def);
  }

  if (auto mm = dyn_cast<MatMulOp>(def)) {
    std::optional<F32Data> w = readF32(mm.getRhs());
    if (!w || w->shape.size() != 2 || axis != rank - 1)
      return false;
    if (dryRun)
      return note(def);
    scaleAlong(*w, 1, a);
    replaceOperandAndClean(
        def, 1,
        makeF32Constant(builder, loc, w->shape, w->data, "smooth_weight"));
    if (hasShift) {
      // A matmul has no bias: the shift becomes a bias add after it.
      builder.setInsertionPointAfter(def);
      Value cst = makeF32Constant(builder, loc, {n}, b, "smooth_bias");
      auto add = AddOp::create(builder, loc, v.getType(), v, cst);
      v.replaceAllUsesExcept(add.getResult(), add);
    }
    return note(def);
  }

  if (isa<AddOp, SubOp, MulOp, DivOp>(def))
    return foldConstantBinary(def, v, axis, a, b);
  if (isa<ReluOp, LeakyReluOp>(def))
    return passThrough(def, v, axis, a, b, /*allowShift=*/false);
  // max(x * a + b) = max(x) * a + b for a > 0, and means are affine.
  if (isa<MaxPoolOp, GlobalMaxPoolOp, GlobalAveragePoolOp>(def))
    return axis == 1 && passThrough(def, v, axis, a, b, /*allowShift=*/true);
  return false;
}

/// `v = u op c` with a constant `c`: the constant absorbs the per-channel
/// affine map (add, sub) or scale (mul, div), and `u` absorbs `a` for add
/// and sub.
bool ProducerFolder::foldConstantBinary(Operation *op, Value v, int64_t axis,
                                        ArrayRef<float> a, ArrayRef<float> b) {
  unsigned ci;
  if (isF32Constant(op->getOperand(1)))
    ci = 1;
  else if (isF32Constant(op->getOperand(0)) && !isa<DivOp>(op))
    ci = 0;
  else
    return false;
  Value u = op->getOperand(1 - ci);
  bool hasShift = !b.empty();
  bool recurse = isa<AddOp, SubOp>(op);
  if (!recurse && hasShift)
    return false;
  if (recurse && !isFoldableInner(u, v))
    return false;
  auto vType = cast<RankedTensorType>(v.getType());
  int64_t n = vType.getDimSize(axis);
  int64_t fromBack = axis - vType.getRank();

  std::optional<F32Data> c = readF32(op->getOperand(ci));
  if (!c)
    return false;
  if (recurse) {
    // Check (or apply) the inner fold first; apply is only reached after a
    // successful dry run, so it cannot fail.
    if (!fold(u, axis, a, {}))
      return false;
  }
  if (dryRun) {
    chain.insert(chain.begin(), op->getName().getStringRef().str());
    return true;
  }

  int64_t ax = expandAlong(*c, fromBack, n);
  if (isa<DivOp>(op)) {
    SmallVector<float> inv(a.size());
    for (size_t j = 0; j < a.size(); ++j)
      inv[j] = 1.0f / a[j];
    scaleAlong(*c, ax, inv);
  } else {
    scaleAlong(*c, ax, a);
  }
  if (hasShift) {
    // sub(u, c): u * a - (c * a - b).
    SmallVector<float> bb(b);
    if (isa<SubOp>(op) && ci == 1)
      for (float &x : bb)
        x = -x;
    addAlong(*c, ax, bb);
  }
  OpBuilder builder(op);
  replaceOperandAndClean(op, ci,
                         makeF32Constant(builder, op->getLoc(), c->shape,
                                         c->data, "smooth_constant"));
  chain.insert(chain.begin(), op->getName().getStringRef().str());
  return true;
}

/// Positively homogeneous per-channel ops: f(u) * a + b = f(u * a + b)
/// (for max and mean; relu and leaky relu only with b = 0).
bool ProducerFolder::passThrough(Operation *op, Value v, int64_t axis,
                                 ArrayRef<float> a, ArrayRef<float> b,
                                 bool allowShift) {
  if (!b.empty() && !allowShift)
    return false;
  Value u = op->getOperand(0);
  auto uType = cast<RankedTensorType>(u.getType());
  if (!u.hasOneUse() ||
      uType.getRank() != cast<ShapedType>(v.getType()).getRank())
    return false;
  if (!fold(u, axis, a, b))
    return false;
  chain.insert(chain.begin(), op->getName().getStringRef().str());
  return true;
}

//===----------------------------------------------------------------------===//
// Consumers.
//===----------------------------------------------------------------------===//

/// Why the consumers cannot take a shift into their bias, or empty.
static std::string shiftBlocker(ArrayRef<ContractionUse> uses) {
  for (const ContractionUse &cu : uses) {
    if (auto conv = dyn_cast<ConvOp>(cu.op)) {
      if (auto pads = conv.getPads())
        if (llvm::any_of(*pads, [](int64_t p) { return p != 0; }))
          return "a padded qc.conv consumer would see the shift in its "
                 "zero padding";
    }
    if (auto gemm = dyn_cast<GemmOp>(cu.op))
      if (gemm.getC() && !isF32Constant(gemm.getC()))
        return "a qc.gemm consumer has a non-constant c";
  }
  return "";
}

/// The output-channel axis of a consumer's weight.
static int64_t weightOutAxis(const ContractionUse &cu) {
  if (isa<ConvOp>(cu.op))
    return 0;
  if (auto gemm = dyn_cast<GemmOp>(cu.op))
    return gemm.getTransB() ? 0 : 1;
  return 1;
}

/// `sum_j z_j W[.., j, ..]` per output channel of the consumer's weight.
static SmallVector<float> shiftTerm(const ContractionUse &cu, const F32Data &w,
                                    ArrayRef<float> z) {
  int64_t outAxis = weightOutAxis(cu);
  int64_t numOut = w.shape[outAxis];
  SmallVector<int64_t> strides(w.shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(w.shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * w.shape[i + 1];
  std::vector<double> acc(numOut, 0.0);
  for (size_t idx = 0; idx < w.data.size(); ++idx) {
    int64_t o = (idx / strides[outAxis]) % w.shape[outAxis];
    int64_t j = (idx / strides[cu.weightAxis]) % w.shape[cu.weightAxis];
    acc[o] += static_cast<double>(z[j]) * w.data[idx];
  }
  double alpha = 1.0;
  if (auto gemm = dyn_cast<GemmOp>(cu.op))
    alpha = gemm.getAlpha().convertToDouble();
  SmallVector<float> out(numOut);
  for (int64_t o = 0; o < numOut; ++o)
    out[o] = static_cast<float>(acc[o] * alpha);
  return out;
}

/// Adds `delta` (one value per output channel) to the consumer's result by
/// way of its bias.
static void addToBias(const ContractionUse &cu, ArrayRef<float> delta) {
  Operation *op = cu.op;
  int64_t n = delta.size();
  OpBuilder builder(op);
  Location loc = op->getLoc();
  if (auto conv = dyn_cast<ConvOp>(op)) {
    F32Data bias{{n}, std::vector<float>(n, 0.0f)};
    if (conv.getB())
      bias = *readF32(conv.getB());
    addAlong(bias, 0, delta);
    Value c =
        makeF32Constant(builder, loc, bias.shape, bias.data, "smooth_bias");
    if (conv.getB())
      replaceOperandAndClean(op, 2, c);
    else
      op->insertOperands(2, c);
    return;
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    double beta = gemm.getBeta().convertToDouble();
    if (gemm.getC() && beta != 0) {
      F32Data c = *readF32(gemm.getC());
      SmallVector<float> d(delta);
      for (float &x : d)
        x = static_cast<float>(x / beta);
      addAlong(c, expandAlong(c, -1, n), d);
      replaceOperandAndClean(
          op, 2, makeF32Constant(builder, loc, c.shape, c.data, "smooth_c"));
    } else {
      Value c = makeF32Constant(builder, loc, {n}, delta, "smooth_c");
      if (gemm.getC())
        replaceOperandAndClean(op, 2, c);
      else
        op->insertOperands(2, c);
      gemm.setBeta(APFloat(1.0f));
    }
    return;
  }
  // qc.matmul: fold into a following bias add of a constant when it is the
  // only user, else add one.
  Value r = op->getResult(0);
  if (r.hasOneUse()) {
    Operation *user = *r.getUsers().begin();
    if (auto add = dyn_cast<AddOp>(user)) {
      unsigned ci = add.getLhs() == r ? 1 : 0;
      if (add.getType() == r.getType() && isF32Constant(add->getOperand(ci))) {
        F32Data c = *readF32(add->getOperand(ci));
        addAlong(c, expandAlong(c, -1, n), delta);
        OpBuilder b(add);
        replaceOperandAndClean(
            add, ci,
            makeF32Constant(b, add.getLoc(), c.shape, c.data, "smooth_bias"));
        return;
      }
    }
  }
  builder.setInsertionPointAfter(op);
  Value c = makeF32Constant(builder, loc, {n}, delta, "smooth_bias");
  auto add = AddOp::create(builder, loc, r.getType(), r, c);
  r.replaceAllUsesExcept(add.getResult(), add);
}

namespace {
/// Whether the producer of an activation absorbs its scale, and whether a
/// shift can be applied exactly (folded, or in the run-time ops).
struct ShiftPlan {
  bool foldScale = false;
  bool applyShift = false;
  std::string why;
};
} // namespace

static ShiftPlan planShift(Value x, ArrayRef<ContractionUse> uses, int64_t axis,
                           bool wantShift) {
  // Only the emptiness of the shift matters to the dry runs.
  int64_t n = cast<RankedTensorType>(x.getType()).getDimSize(axis);
  SmallVector<float> ones(n, 1.0f);
  ShiftPlan plan;
  plan.foldScale = ProducerFolder().fold(x, axis, ones, {});
  if (!wantShift)
    return plan;
  plan.why = shiftBlocker(uses);
  if (!plan.why.empty())
    return plan;
  if (plan.foldScale && !ProducerFolder().fold(x, axis, ones, ones)) {
    plan.why = "the producer cannot absorb a shift exactly";
    return plan;
  }
  plan.applyShift = true;
  return plan;
}

bool mlir::qc::canShiftActivation(Value x, std::string *why) {
  FailureOr<SmallVector<ContractionUse>> uses = getContractionUses(x, why);
  if (failed(uses))
    return false;
  ShiftPlan plan =
      planShift(x, *uses, uses->front().activationAxis, /*wantShift=*/true);
  if (why)
    *why = plan.why;
  return plan.applyShift;
}

//===----------------------------------------------------------------------===//
// smoothActivation.
//===----------------------------------------------------------------------===//

FailureOr<SmoothingReport> mlir::qc::smoothActivation(Value x,
                                                      ArrayRef<float> scales,
                                                      ArrayRef<float> shifts,
                                                      bool foldOnly,
                                                      std::string *why) {
  auto fail = [&](const Twine &msg) -> FailureOr<SmoothingReport> {
    if (why)
      *why = msg.str();
    return failure();
  };
  FailureOr<SmallVector<ContractionUse>> uses = getContractionUses(x, why);
  if (failed(uses))
    return failure();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t axis = uses->front().activationAxis;
  int64_t n = type.getDimSize(axis);
  if (static_cast<int64_t>(scales.size()) != n)
    return fail(
        llvm::formatv("expected {0} scales, found {1}", n, scales.size()));
  if (!shifts.empty() && static_cast<int64_t>(shifts.size()) != n)
    return fail(
        llvm::formatv("expected {0} shifts, found {1}", n, shifts.size()));
  for (float s : scales)
    if (!(s > 0) || !std::isfinite(s))
      return fail("expected finite positive scales, found " + formatNumber(s));
  for (float z : shifts)
    if (!std::isfinite(z))
      return fail("expected finite shifts, found " + formatNumber(z));
  bool wantShift = llvm::any_of(shifts, [](float z) { return z != 0; });

  SmallVector<float> a(n), b(n);
  for (int64_t j = 0; j < n; ++j) {
    a[j] = 1.0f / scales[j];
    b[j] = wantShift ? -shifts[j] / scales[j] : 0.0f;
  }

  SmoothingReport report;
  ShiftPlan plan = planShift(x, *uses, axis, wantShift);
  bool applyShift = plan.applyShift;
  if (wantShift && !applyShift)
    report.shiftDropped = plan.why;
  if (plan.foldScale) {
    ProducerFolder folder;
    folder.dryRun = false;
    (void)folder.fold(x, axis, a,
                      applyShift ? ArrayRef<float>(b) : ArrayRef<float>());
    report.absorbedBy = llvm::join(folder.chain, " <- ");
  } else {
    if (foldOnly)
      return fail(x.getDefiningOp()
                      ? "its producer '" +
                            x.getDefiningOp()->getName().getStringRef() +
                            "' cannot absorb a per-channel scale"
                      : Twine("it is a function argument"));
    // x' = (x - z) * (1 / s) at run time.
    OpBuilder builder(x.getContext());
    if (Operation *def = x.getDefiningOp())
      builder.setInsertionPointAfter(def);
    else
      builder.setInsertionPointToStart(x.getParentBlock());
    Location loc = x.getLoc();
    SmallVector<int64_t> cshape = channelShape(type.getRank(), axis, n);
    Value cur = x;
    if (applyShift) {
      Value z = makeF32Constant(builder, loc, cshape, shifts, "smooth_shift");
      cur = SubOp::create(builder, loc, type, cur, z);
    }
    Value inv = makeF32Constant(builder, loc, cshape, a, "smooth_inv_scale");
    cur = MulOp::create(builder, loc, type, cur, inv);
    for (const ContractionUse &cu : *uses)
      cu.op->setOperand(cu.operandIndex, cur);
    report.runtimeOps = true;
  }
  report.shiftApplied = applyShift;

  for (const ContractionUse &cu : *uses) {
    F32Data w = *readF32(cu.op->getOperand(cu.weightIndex));
    SmallVector<float> delta;
    if (applyShift)
      delta = shiftTerm(cu, w, shifts);
    scaleAlong(w, cu.weightAxis, scales);
    OpBuilder builder(cu.op);
    replaceOperandAndClean(cu.op, cu.weightIndex,
                           makeF32Constant(builder, cu.op->getLoc(), w.shape,
                                           w.data, "smooth_weight"));
    if (applyShift)
      addToBias(cu, delta);
  }
  report.numConsumers = uses->size();
  return report;
}

//===----------------------------------------------------------------------===//
// The pass.
//===----------------------------------------------------------------------===//

namespace {

struct QCSmoothPass : qc::impl::QCSmoothBase<QCSmoothPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!(alpha >= 0.0 && alpha <= 1.0)) {
      func.emitError("qc-smooth: expected alpha in [0, 1], found ")
          << static_cast<double>(alpha);
      return signalPassFailure();
    }
    if (!(minScale > 0.0)) {
      func.emitError("qc-smooth: expected min-scale > 0, found ")
          << static_cast<double>(minScale);
      return signalPassFailure();
    }
    if (calib.empty()) {
      func.emitError("qc-smooth: missing calibration data; expected "
                     "calib=DIR (one subdirectory of .npy inputs per sample)");
      return signalPassFailure();
    }

    // Every activation read only by contractions with constant weights.
    SmallVector<std::pair<Value, int64_t>> targets;
    auto consider = [&](Value v) {
      if (v.getDefiningOp<arith::ConstantOp>())
        return;
      FailureOr<SmallVector<ContractionUse>> uses = getContractionUses(v);
      if (succeeded(uses))
        targets.push_back({v, uses->front().activationAxis});
    };
    for (BlockArgument arg : func.getArguments())
      consider(arg);
    func.walk([&](Operation *op) {
      for (Value r : op->getResults())
        consider(r);
    });
    if (targets.empty())
      return;

    FailureOr<llvm::DenseMap<Value, ChannelStats>> stats =
        collectChannelStats(func, calib, targets, numSamples);
    if (failed(stats))
      return signalPassFailure();

    // Later activations first: smoothing one never changes the value or the
    // uses of an earlier one (see docs/passes.md).
    for (auto [x, axis] : llvm::reverse(targets)) {
      const ChannelStats &st = (*stats)[x];
      FailureOr<SmallVector<ContractionUse>> uses = getContractionUses(x);
      if (failed(uses))
        continue;
      int64_t n = st.absMax.size();
      // The scales are computed on the activation as it will be: shifted
      // only where the shift can be applied.
      SmallVector<float> shifts, act(st.absMax);
      std::string noShift;
      if (shift && canShiftActivation(x, &noShift)) {
        shifts = computeSmoothingShifts(st);
        for (int64_t j = 0; j < n; ++j)
          act[j] = std::isfinite(st.max[j]) && std::isfinite(st.min[j])
                       ? static_cast<float>(
                             (static_cast<double>(st.max[j]) - st.min[j]) / 2)
                       : 0.0f;
      }
      SmallVector<float> scales = computeSmoothingScales(
          act, consumerWeightAbsMax(*uses, n), alpha, minScale);
      std::string why;
      FailureOr<SmoothingReport> report =
          smoothActivation(x, scales, shifts, foldOnly, &why);
      Location loc =
          x.getDefiningOp() ? x.getLoc() : uses->front().op->getLoc();
      if (failed(report)) {
        if (remarks)
          emitRemark(loc) << "qc-smooth: left " << n
                          << " channels unsmoothed: " << why;
        continue;
      }
      ++numSmoothed;
      if (report->runtimeOps)
        ++numRuntime;
      if (!remarks)
        continue;
      auto [lo, hi] = std::minmax_element(scales.begin(), scales.end());
      InFlightDiagnostic diag = emitRemark(loc);
      diag << "qc-smooth: " << n << " channels, scales in ["
           << formatNumber(*lo) << ", " << formatNumber(*hi) << "]; ";
      if (report->runtimeOps)
        diag << "inserted run-time qc.mul"
             << (report->shiftApplied ? " and qc.sub" : "");
      else
        diag << "folded into " << report->absorbedBy;
      diag << "; weights of " << pluralize(report->numConsumers, "consumer")
           << " scaled";
      if (report->shiftApplied)
        diag << ", shift added to their biases";
      else if (!report->shiftDropped.empty())
        diag << "; no shift: " << report->shiftDropped;
      else if (shift)
        diag << "; no shift: " << noShift;
    }
  }
};

} // namespace

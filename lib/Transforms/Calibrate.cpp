//===- Calibrate.cpp - annotate contraction inputs with calibrated ranges -===//

#include "qc/QCOps.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Transforms/Passes.h"
#include "quantc/Transforms/Quantize.h"

#include "llvm/ADT/DenseSet.h"
#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCCALIBRATE
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

//===----------------------------------------------------------------------===//
// qc.range annotations.
//===----------------------------------------------------------------------===//

/// The function whose argument `arg` is, if any.
static func::FuncOp getArgumentFunction(BlockArgument arg) {
  auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
  if (func && arg.getOwner() == &func.getBody().front())
    return func;
  return nullptr;
}

std::optional<std::pair<float, float>> mlir::qc::getRangeAnnotation(Value v) {
  DenseF32ArrayAttr attr;
  unsigned index = 0;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    func::FuncOp func = getArgumentFunction(arg);
    if (!func)
      return std::nullopt;
    attr = func.getArgAttrOfType<DenseF32ArrayAttr>(arg.getArgNumber(),
                                                    kRangeAttrName);
  } else {
    Operation *op = v.getDefiningOp();
    attr = op->getAttrOfType<DenseF32ArrayAttr>(kRangeAttrName);
    index = cast<OpResult>(v).getResultNumber();
    if (attr && attr.size() != 2 * static_cast<int64_t>(op->getNumResults()))
      return std::nullopt;
  }
  if (!attr || attr.size() < 2 * (index + 1))
    return std::nullopt;
  float lo = attr[2 * index], hi = attr[2 * index + 1];
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return std::nullopt;
  return std::make_pair(lo, hi);
}

void mlir::qc::setRangeAnnotation(Value v, float lo, float hi) {
  MLIRContext *ctx = v.getContext();
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (func::FuncOp func = getArgumentFunction(arg))
      func.setArgAttr(arg.getArgNumber(), kRangeAttrName,
                      DenseF32ArrayAttr::get(ctx, {lo, hi}));
    return;
  }
  Operation *op = v.getDefiningOp();
  unsigned n = op->getNumResults(), index = cast<OpResult>(v).getResultNumber();
  SmallVector<float> values(2 * n, NAN);
  if (auto old = op->getAttrOfType<DenseF32ArrayAttr>(kRangeAttrName))
    if (old.size() == 2 * static_cast<int64_t>(n))
      values.assign(old.asArrayRef().begin(), old.asArrayRef().end());
  values[2 * index] = lo;
  values[2 * index + 1] = hi;
  op->setAttr(kRangeAttrName, DenseF32ArrayAttr::get(ctx, values));
}

void mlir::qc::removeRangeAnnotation(Value v) {
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    if (func::FuncOp func = getArgumentFunction(arg))
      func.removeArgAttr(arg.getArgNumber(), kRangeAttrName);
    return;
  }
  Operation *op = v.getDefiningOp();
  auto old = op->getAttrOfType<DenseF32ArrayAttr>(kRangeAttrName);
  if (!old)
    return;
  unsigned n = op->getNumResults(), index = cast<OpResult>(v).getResultNumber();
  if (old.size() != 2 * static_cast<int64_t>(n) || n == 1) {
    op->removeAttr(kRangeAttrName);
    return;
  }
  SmallVector<float> values(old.asArrayRef());
  values[2 * index] = values[2 * index + 1] = NAN;
  if (llvm::all_of(values, [](float f) { return std::isnan(f); }))
    op->removeAttr(kRangeAttrName);
  else
    op->setAttr(kRangeAttrName, DenseF32ArrayAttr::get(v.getContext(), values));
}

quant::UniformQuantizedType mlir::qc::getActivationType(MLIRContext *ctx,
                                                        float lo, float hi,
                                                        unsigned bits) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  int64_t qmax = (int64_t(1) << bits) - 1;
  double scale = (static_cast<double>(hi) - lo) / qmax;
  if (!(scale > 1e-12) || !std::isfinite(scale))
    scale = scale > 1e-12 ? 1.0 : 1e-12;
  // The evaluator and the code generators use the f32 scale.
  float scale32 = static_cast<float>(scale);
  int64_t zp = static_cast<int64_t>(std::nearbyint(-lo / scale32));
  zp = std::clamp<int64_t>(zp, 0, qmax);
  return quant::UniformQuantizedType::get(
      /*flags=*/0, IntegerType::get(ctx, bits), Float32Type::get(ctx), scale32,
      zp, 0, qmax);
}

//===----------------------------------------------------------------------===//
// The pass.
//===----------------------------------------------------------------------===//

namespace {

struct QCCalibratePass : qc::impl::QCCalibrateBase<QCCalibratePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    // The activations to annotate: non-constant operands of contractions.
    llvm::SetVector<Value> activations;
    func.walk([&](Operation *op) {
      if (std::optional<Contraction> c = getContraction(op))
        if (!getWeightConstant(c->getActivation()))
          activations.insert(c->getActivation());
    });
    if (activations.empty())
      return;
    if (calib.empty()) {
      func.emitError("expected a calibration directory (calib=DIR), found "
                     "none");
      return signalPassFailure();
    }
    if (bits < 2 || bits > 16) {
      func.emitError("expected bits in [2, 16], found ") << bits.getValue();
      return signalPassFailure();
    }
    llvm::Expected<CalibrationSet> set = CalibrationSet::open(calib, func);
    if (!set) {
      func.emitError() << llvm::toString(set.takeError());
      return signalPassFailure();
    }
    llvm::DenseSet<Value> wanted(activations.begin(), activations.end());
    CalibrationOptions options;
    options.perChannel = false;
    options.maxSamples = numSamples;
    options.filter = [&](Value v) { return wanted.contains(v); };
    FailureOr<CalibrationResult> result = calibrate(func, *set, options);
    if (failed(result))
      return signalPassFailure();
    for (Value v : activations) {
      auto it = result->stats.find(v);
      if (it == result->stats.end())
        continue;
      auto [lo, hi] = chooseRange(it->second, method, bits, percentile);
      setRangeAnnotation(v, lo, hi);
      ++numAnnotated;
    }
  }
};

} // namespace

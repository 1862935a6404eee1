//===- ChannelUtils.cpp - contractions, channel statistics, constants -----===//

#include "ChannelUtils.h"

#include "qc/QCOps.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Support/Constants.h"
#include "quantc/Transforms/ChannelTransforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::channels;

//===----------------------------------------------------------------------===//
// Constants.
//===----------------------------------------------------------------------===//

bool channels::isF32Constant(Value v) {
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return false;
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  return type && type.getElementType().isF32() &&
         isa<ElementsAttr>(cst.getValue());
}

std::optional<F32Data> channels::readF32(Value v) {
  if (!isF32Constant(v))
    return std::nullopt;
  std::optional<std::vector<float>> data = readFloatConstant(v);
  if (!data)
    return std::nullopt;
  F32Data t;
  auto shape = cast<RankedTensorType>(v.getType()).getShape();
  t.shape.assign(shape.begin(), shape.end());
  t.data = std::move(*data);
  return t;
}

Value channels::makeF32Constant(OpBuilder &b, Location loc,
                                ArrayRef<int64_t> shape, ArrayRef<float> data,
                                StringRef nameHint) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  ElementsAttr attr;
  if (data.size() <= 16)
    attr = DenseElementsAttr::get(type, data);
  else
    attr = makeF32Resource(type, nameHint, data);
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
}

AxisView::AxisView(ArrayRef<int64_t> shape, int64_t axis) {
  for (int64_t i = 0; i < static_cast<int64_t>(shape.size()); ++i) {
    if (i < axis)
      outer *= shape[i];
    else if (i == axis)
      n = shape[i];
    else
      inner *= shape[i];
  }
}

void channels::scaleAlong(F32Data &t, int64_t axis, ArrayRef<float> f) {
  AxisView v(t.shape, axis);
  assert(static_cast<int64_t>(f.size()) == v.n && "one factor per channel");
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.n; ++j) {
      float *p = t.data.data() + (o * v.n + j) * v.inner;
      for (int64_t i = 0; i < v.inner; ++i)
        p[i] *= f[j];
    }
}

void channels::addAlong(F32Data &t, int64_t axis, ArrayRef<float> f) {
  AxisView v(t.shape, axis);
  assert(static_cast<int64_t>(f.size()) == v.n && "one term per channel");
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.n; ++j) {
      float *p = t.data.data() + (o * v.n + j) * v.inner;
      for (int64_t i = 0; i < v.inner; ++i)
        p[i] += f[j];
    }
}

void channels::permuteAlong(F32Data &t, int64_t axis, ArrayRef<int64_t> perm) {
  AxisView v(t.shape, axis);
  assert(static_cast<int64_t>(perm.size()) == v.n && "one index per channel");
  std::vector<float> out(t.data.size());
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.n; ++j)
      std::copy_n(t.data.data() + (o * v.n + perm[j]) * v.inner, v.inner,
                  out.data() + (o * v.n + j) * v.inner);
  t.data = std::move(out);
}

int64_t channels::expandAlong(F32Data &t, int64_t fromBack, int64_t n) {
  while (static_cast<int64_t>(t.shape.size()) < -fromBack)
    t.shape.insert(t.shape.begin(), 1);
  int64_t axis = static_cast<int64_t>(t.shape.size()) + fromBack;
  if (t.shape[axis] == n)
    return axis;
  assert(t.shape[axis] == 1 && "only a dimension of 1 broadcasts");
  AxisView v(t.shape, axis);
  std::vector<float> out(t.data.size() * n);
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < n; ++j)
      std::copy_n(t.data.data() + o * v.inner, v.inner,
                  out.data() + (o * n + j) * v.inner);
  t.shape[axis] = n;
  t.data = std::move(out);
  return axis;
}

void channels::replaceOperandAndClean(Operation *op, unsigned index, Value v) {
  Value old = op->getOperand(index);
  op->setOperand(index, v);
  if (auto cst = old.getDefiningOp<arith::ConstantOp>())
    if (cst->use_empty())
      cst->erase();
}

std::string channels::formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

std::string channels::pluralize(int64_t n, StringRef noun) {
  return std::to_string(n) + " " + noun.str() + (n == 1 ? "" : "s");
}

SmallVector<int64_t> channels::channelShape(int64_t rank, int64_t axis,
                                            int64_t n) {
  SmallVector<int64_t> shape(rank - axis, 1);
  shape[0] = n;
  return shape;
}

//===----------------------------------------------------------------------===//
// Contractions.
//===----------------------------------------------------------------------===//

std::optional<ContractionUse> mlir::qc::getContractionUse(OpOperand &use) {
  Operation *op = use.getOwner();
  if (use.getOperandNumber() != 0)
    return std::nullopt;
  auto x = dyn_cast<RankedTensorType>(use.get().getType());
  if (!x || !x.getElementType().isF32())
    return std::nullopt;
  ContractionUse cu;
  cu.op = op;
  cu.operandIndex = 0;
  cu.weightIndex = 1;
  if (auto mm = dyn_cast<MatMulOp>(op)) {
    if (!isF32Constant(mm.getRhs()) || mm.getRhs().getType().getRank() != 2)
      return std::nullopt;
    cu.activationAxis = x.getRank() - 1;
    cu.weightAxis = 0;
    return cu;
  }
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    if (!isF32Constant(gemm.getB()))
      return std::nullopt;
    cu.activationAxis = gemm.getTransA() ? 0 : 1;
    cu.weightAxis = gemm.getTransB() ? 1 : 0;
    return cu;
  }
  if (auto conv = dyn_cast<ConvOp>(op)) {
    if (conv.getGroup() != 1 || !isF32Constant(conv.getW()))
      return std::nullopt;
    cu.activationAxis = 1;
    cu.weightAxis = 1;
    return cu;
  }
  return std::nullopt;
}

FailureOr<SmallVector<ContractionUse>>
mlir::qc::getContractionUses(Value x, std::string *why) {
  auto fail = [&](const Twine &msg) {
    if (why)
      *why = msg.str();
    return failure();
  };
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !type.getElementType().isF32())
    return fail("not an f32 tensor");
  if (x.use_empty())
    return fail("no uses");
  SmallVector<ContractionUse> uses;
  for (OpOperand &use : x.getUses()) {
    std::optional<ContractionUse> cu = getContractionUse(use);
    if (!cu)
      return fail("used by '" + use.getOwner()->getName().getStringRef() +
                  "', not only by contractions with constant weights");
    if (!uses.empty() && uses.front().activationAxis != cu->activationAxis)
      return fail("consumers disagree on the channel axis");
    uses.push_back(*cu);
  }
  return uses;
}

//===----------------------------------------------------------------------===//
// Statistics.
//===----------------------------------------------------------------------===//

void mlir::qc::accumulateChannelStats(const Tensor &t, ChannelStats &stats) {
  AxisView v(t.getShape(), stats.axis);
  if (stats.min.empty()) {
    stats.min.assign(v.n, std::numeric_limits<float>::infinity());
    stats.max.assign(v.n, -std::numeric_limits<float>::infinity());
    stats.absMax.assign(v.n, 0.0f);
  }
  ArrayRef<float> data = t.getFloats();
  for (int64_t o = 0; o < v.outer; ++o)
    for (int64_t j = 0; j < v.n; ++j) {
      const float *p = data.data() + (o * v.n + j) * v.inner;
      float lo = stats.min[j], hi = stats.max[j];
      for (int64_t i = 0; i < v.inner; ++i) {
        // NaN never wins a comparison, so it is ignored.
        lo = p[i] < lo ? p[i] : lo;
        hi = p[i] > hi ? p[i] : hi;
      }
      stats.min[j] = lo;
      stats.max[j] = hi;
      stats.absMax[j] = std::max(stats.absMax[j], std::max(-lo, hi));
    }
  ++stats.numSamples;
}

FailureOr<llvm::DenseMap<Value, ChannelStats>>
mlir::qc::collectChannelStats(func::FuncOp func, StringRef dir,
                              ArrayRef<std::pair<Value, int64_t>> targets,
                              size_t maxSamples, unsigned numThreads) {
  llvm::DenseMap<Value, ChannelStats> stats;
  for (auto [v, axis] : targets) {
    ChannelStats s;
    s.axis = axis;
    stats[v] = s;
  }
  if (targets.empty())
    return stats;
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(dir, func);
  if (!set)
    return func.emitError("cannot read calibration data: ")
           << llvm::toString(set.takeError());
  if (set->size() == 0)
    return func.emitError("expected at least one calibration sample in '")
           << dir << "', found none";
  size_t n = set->size();
  if (maxSamples)
    n = std::min(n, maxSamples);
  EvaluateOptions options;
  options.numThreads = numThreads;
  for (size_t i = 0; i < n; ++i) {
    llvm::Expected<SmallVector<Tensor>> inputs = set->load(i);
    if (!inputs)
      return func.emitError("cannot read calibration sample '")
             << set->sampleName(i)
             << "': " << llvm::toString(inputs.takeError());
    auto observe = [&](Value v, const Tensor &t) {
      auto it = stats.find(v);
      if (it != stats.end() && t.isFloat())
        accumulateChannelStats(t, it->second);
    };
    if (failed(evaluateFunction(func, *inputs, observe, options)))
      return func.emitError("evaluating calibration sample '")
             << set->sampleName(i) << "' failed";
  }
  for (auto &[v, s] : stats)
    if (s.absMax.empty())
      return func.emitError("no statistics were collected for a value of "
                            "type ")
             << v.getType();
  return stats;
}

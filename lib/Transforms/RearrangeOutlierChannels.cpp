//===- RearrangeOutlierChannels.cpp - sort reduction channels by magnitude ===//
//
// qc-rearrange-outlier-channels permutes the reduction (input-channel)
// dimension of contractions so that channels of similar magnitude share a
// quantization block ("Accurate Block Quantization in LLMs with Outliers",
// Trukhanov and Soloveychik, 2024). The permutation is applied at compile
// time to every value whose channels must move with the activation, and is
// absorbed by the constants of the contractions that produce and consume
// them, so the f32 function is unchanged and nothing runs at run time
// (unless allow-gather asks for qc.gather at boundaries).
//
//===----------------------------------------------------------------------===//

#include "ChannelUtils.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"
#include "quantc/Transforms/ChannelTransforms.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"
#include <algorithm>
#include <numeric>

namespace mlir::qc {
#define GEN_PASS_DEF_QCREARRANGEOUTLIERCHANNELS
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::channels;

//===----------------------------------------------------------------------===//
// Choosing the permutation.
//===----------------------------------------------------------------------===//

SmallVector<int64_t> mlir::qc::chooseOutlierPermutation(ArrayRef<float> score) {
  SmallVector<int64_t> perm(score.size());
  std::iota(perm.begin(), perm.end(), 0);
  std::stable_sort(perm.begin(), perm.end(),
                   [&](int64_t a, int64_t b) { return score[a] > score[b]; });
  return perm;
}

double mlir::qc::blockMaxMeanRatio(ArrayRef<float> absMax,
                                   ArrayRef<int64_t> perm, int64_t blockSize) {
  int64_t n = absMax.size();
  if (n == 0 || blockSize <= 0)
    return 1.0;
  double total = 0;
  int64_t blocks = 0;
  for (int64_t start = 0; start < n; start += blockSize, ++blocks) {
    int64_t end = std::min(n, start + blockSize);
    double mx = 0, sum = 0;
    for (int64_t i = start; i < end; ++i) {
      double v = absMax[perm.empty() ? i : perm[i]];
      mx = std::max(mx, v);
      sum += v;
    }
    total += sum > 0 ? mx / (sum / (end - start)) : 1.0;
  }
  return total / blocks;
}

//===----------------------------------------------------------------------===//
// How channels flow through ops.
//===----------------------------------------------------------------------===//

/// Whether the producer of `v` can take the permutation of its result's
/// channels (at `fromBack`) into its constants.
static bool absorbsOutputPermutation(Operation *def, int64_t fromBack) {
  auto type = cast<RankedTensorType>(def->getResult(0).getType());
  int64_t rank = type.getRank();
  if (auto conv = dyn_cast<ConvOp>(def))
    return conv.getGroup() == 1 && rank + fromBack == 1 &&
           isF32Constant(conv.getW()) &&
           (!conv.getB() || isF32Constant(conv.getB()));
  if (auto mm = dyn_cast<MatMulOp>(def))
    return fromBack == -1 && isF32Constant(mm.getRhs()) &&
           mm.getRhs().getType().getRank() == 2;
  if (auto gemm = dyn_cast<GemmOp>(def))
    return fromBack == -1 && isF32Constant(gemm.getB()) &&
           (!gemm.getC() || isF32Constant(gemm.getC()));
  if (auto gather = dyn_cast<GatherOp>(def)) {
    auto data = cast<RankedTensorType>(gather.getData().getType());
    std::optional<int64_t> g = normalizeAxis(gather.getAxis(), data.getRank());
    return g && isF32Constant(gather.getData()) &&
           -fromBack <= data.getRank() - *g - 1;
  }
  return false;
}

/// Whether every operand of `def` has a defined channel axis (or none) when
/// its result carries `n` channels at `fromBack`.
static bool propagatesFromResult(Operation *def, int64_t fromBack, int64_t n) {
  if (def->getNumOperands() == 0)
    return false;
  for (unsigned i = 0, e = def->getNumOperands(); i < e; ++i)
    if (failed(operandChannelAxis(def, i, fromBack, n)))
      return false;
  return true;
}

static std::string describe(Operation *op) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "'" << op->getName() << "' at " << op->getLoc();
  return s;
}

//===----------------------------------------------------------------------===//
// The component.
//===----------------------------------------------------------------------===//

unsigned ChannelComponent::numGathers() const {
  llvm::DenseSet<Value> viaDefs(boundaryDefs.begin(), boundaryDefs.end());
  llvm::DenseSet<Value> inverse;
  for (auto [op, index] : boundaryUses) {
    Value v = op->getOperand(index);
    if (!viaDefs.contains(v))
      inverse.insert(v);
  }
  return boundaryDefs.size() + inverse.size();
}

SmallVector<std::pair<Value, int64_t>> ChannelComponent::targets() const {
  SmallVector<std::pair<Value, int64_t>> out;
  llvm::DenseSet<Value> seen;
  for (const ContractionUse &cu : consumers) {
    Value v = cu.op->getOperand(cu.operandIndex);
    if (seen.insert(v).second)
      out.push_back({v, values.lookup(v)});
  }
  return out;
}

FailureOr<ChannelComponent>
mlir::qc::analyzeChannelComponent(Value seed, std::string *why) {
  auto fail = [&](const Twine &msg) -> FailureOr<ChannelComponent> {
    if (why)
      *why = msg.str();
    return failure();
  };
  FailureOr<SmallVector<ContractionUse>> seedUses =
      getContractionUses(seed, why);
  if (failed(seedUses))
    return failure();
  auto seedType = cast<RankedTensorType>(seed.getType());
  ChannelComponent comp;
  int64_t axis = seedUses->front().activationAxis;
  comp.numChannels = seedType.getDimSize(axis);
  int64_t n = comp.numChannels;

  SmallVector<Value> worklist;
  std::string conflict;
  auto addValue = [&](Value v, int64_t fromBack) {
    auto [it, inserted] = comp.values.insert({v, fromBack});
    if (inserted) {
      worklist.push_back(v);
      return true;
    }
    if (it->second != fromBack) {
      conflict = "a value would be permuted along two different axes";
      return false;
    }
    return true;
  };
  addValue(seed, axis - seedType.getRank());
  llvm::DenseSet<Operation *> propagators;

  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    int64_t fromBack = comp.values.lookup(v);
    auto vType = cast<RankedTensorType>(v.getType());
    if (vType.getRank() < -fromBack ||
        vType.getDimSize(vType.getRank() + fromBack) != n)
      return fail("a value to permute has no dimension of " + Twine(n) +
                  " channels at the expected axis");

    // Where v comes from.
    Operation *def = v.getDefiningOp();
    if (def && propagators.contains(def)) {
      // Already expanded.
    } else if (def && absorbsOutputPermutation(def, fromBack)) {
      comp.absorbingDefs.push_back(v);
    } else if (def && propagatesFromResult(def, fromBack, n)) {
      propagators.insert(def);
      comp.propagators.push_back(def);
      for (unsigned i = 0, e = def->getNumOperands(); i < e; ++i) {
        std::optional<int64_t> a = *operandChannelAxis(def, i, fromBack, n);
        if (!a)
          continue;
        Value operand = def->getOperand(i);
        if (isF32Constant(operand)) {
          comp.constantOperands.push_back({def, i, *a});
          continue;
        }
        if (!addValue(operand, *a))
          return fail(conflict);
      }
    } else {
      comp.boundaryDefs.push_back(v);
      if (comp.firstBoundary.empty())
        comp.firstBoundary =
            def ? "produced by " + describe(def) : "a function argument";
    }

    // Where v goes.
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      unsigned index = use.getOperandNumber();
      if (propagators.contains(user))
        continue;
      std::optional<ContractionUse> cu = getContractionUse(use);
      if (cu && cu->activationAxis - vType.getRank() == fromBack) {
        comp.consumers.push_back(*cu);
        continue;
      }
      if (isOrderInvariantUse(user, index, fromBack))
        continue;
      std::optional<int64_t> resultAxis =
          resultChannelAxis(user, index, fromBack, n);
      if (resultAxis && propagatesFromResult(user, *resultAxis, n)) {
        if (!addValue(user->getResult(0), *resultAxis))
          return fail(conflict);
        continue;
      }
      comp.boundaryUses.push_back({user, index});
      if (comp.firstBoundary.empty())
        comp.firstBoundary = "used by " + describe(user);
    }
  }
  return comp;
}

//===----------------------------------------------------------------------===//
// Applying a permutation.
//===----------------------------------------------------------------------===//

/// Replaces operand `index` of `op` (an f32 constant) by its permutation
/// along `axis`.
static void permuteConstantOperand(Operation *op, unsigned index, int64_t axis,
                                   ArrayRef<int64_t> perm) {
  F32Data t = *readF32(op->getOperand(index));
  permuteAlong(t, axis, perm);
  OpBuilder b(op);
  replaceOperandAndClean(
      op, index, makeF32Constant(b, op->getLoc(), t.shape, t.data, "permuted"));
}

static Value makeGather(OpBuilder &b, Location loc, Value v, int64_t axis,
                        ArrayRef<int64_t> indices) {
  auto idxType = RankedTensorType::get({static_cast<int64_t>(indices.size())},
                                       b.getI64Type());
  Value idx = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(idxType, indices));
  return GatherOp::create(b, loc, v.getType(), v, idx,
                          b.getI64IntegerAttr(axis));
}

static OpBuilder builderAfter(Value v) {
  OpBuilder b(v.getContext());
  if (Operation *def = v.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(v.getParentBlock());
  return b;
}

void mlir::qc::applyChannelPermutation(const ChannelComponent &comp,
                                       ArrayRef<int64_t> perm) {
  int64_t n = comp.numChannels;
  assert(static_cast<int64_t>(perm.size()) == n && "one index per channel");
  SmallVector<int64_t> inverse(n);
  for (int64_t i = 0; i < n; ++i)
    inverse[perm[i]] = i;

  for (auto [op, index, fromBack] : comp.constantOperands) {
    auto type = cast<RankedTensorType>(op->getOperand(index).getType());
    permuteConstantOperand(op, index, type.getRank() + fromBack, perm);
  }
  for (Value v : comp.absorbingDefs) {
    Operation *def = v.getDefiningOp();
    if (auto conv = dyn_cast<ConvOp>(def)) {
      permuteConstantOperand(def, 1, 0, perm);
      if (conv.getB())
        permuteConstantOperand(def, 2, 0, perm);
    } else if (isa<MatMulOp>(def)) {
      permuteConstantOperand(def, 1, 1, perm);
    } else if (auto gemm = dyn_cast<GemmOp>(def)) {
      permuteConstantOperand(def, 1, gemm.getTransB() ? 0 : 1, perm);
      if (Value c = gemm.getC()) {
        auto ct = cast<RankedTensorType>(c.getType());
        if (ct.getRank() >= 1 && ct.getDimSize(ct.getRank() - 1) == n)
          permuteConstantOperand(def, 2, ct.getRank() - 1, perm);
      }
    } else if (auto gather = dyn_cast<GatherOp>(def)) {
      auto dt = cast<RankedTensorType>(gather.getData().getType());
      permuteConstantOperand(def, 0, dt.getRank() + comp.values.lookup(v),
                             perm);
    }
  }
  for (const ContractionUse &cu : comp.consumers)
    permuteConstantOperand(cu.op, cu.weightIndex, cu.weightAxis, perm);

  // Boundaries: values produced unpermuted get a qc.gather for their uses
  // inside the component; permuted values read by ops outside get one that
  // restores the original order.
  llvm::DenseMap<Value, SmallVector<std::pair<Operation *, unsigned>>> outside;
  for (auto [op, index] : comp.boundaryUses)
    outside[op->getOperand(index)].push_back({op, index});
  llvm::DenseSet<Value> viaDefs;
  for (Value v : comp.boundaryDefs) {
    viaDefs.insert(v);
    int64_t axis =
        cast<RankedTensorType>(v.getType()).getRank() + comp.values.lookup(v);
    OpBuilder b = builderAfter(v);
    Value g = makeGather(b, v.getLoc(), v, axis, perm);
    llvm::DenseSet<std::pair<Operation *, unsigned>> keep;
    for (auto use : outside.lookup(v))
      keep.insert(use);
    for (OpOperand &use : llvm::make_early_inc_range(v.getUses())) {
      Operation *user = use.getOwner();
      if (user == g.getDefiningOp() ||
          keep.contains({user, use.getOperandNumber()}))
        continue;
      use.set(g);
    }
  }
  for (auto &[v, uses] : outside) {
    if (viaDefs.contains(v))
      continue;
    int64_t axis =
        cast<RankedTensorType>(v.getType()).getRank() + comp.values.lookup(v);
    OpBuilder b = builderAfter(v);
    Value g = makeGather(b, v.getLoc(), v, axis, inverse);
    for (auto [op, index] : uses)
      op->setOperand(index, g);
  }
}

//===----------------------------------------------------------------------===//
// The pass.
//===----------------------------------------------------------------------===//

namespace {

struct QCRearrangeOutlierChannelsPass
    : qc::impl::QCRearrangeOutlierChannelsBase<QCRearrangeOutlierChannelsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (blockSize <= 0) {
      func.emitError("qc-rearrange-outlier-channels: expected block-size > 0, "
                     "found ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    if (!(minGain >= 0.0 && minGain < 1.0)) {
      func.emitError("qc-rearrange-outlier-channels: expected min-gain in "
                     "[0, 1), found ")
          << static_cast<double>(minGain);
      return signalPassFailure();
    }
    if (calib.empty()) {
      func.emitError("qc-rearrange-outlier-channels: missing calibration "
                     "data; expected calib=DIR (one subdirectory of .npy "
                     "inputs per sample)");
      return signalPassFailure();
    }

    // Components, each found from the first activation (in program order)
    // read only by contractions with constant weights.
    SmallVector<Value> seeds;
    auto consider = [&](Value v) {
      if (!v.getDefiningOp<arith::ConstantOp>() &&
          succeeded(getContractionUses(v)))
        seeds.push_back(v);
    };
    for (BlockArgument arg : func.getArguments())
      consider(arg);
    func.walk([&](Operation *op) {
      for (Value r : op->getResults())
        consider(r);
    });

    llvm::DenseSet<Value> covered;
    std::vector<ChannelComponent> components;
    for (Value seed : seeds) {
      if (covered.contains(seed))
        continue;
      std::string why;
      FailureOr<ChannelComponent> comp = analyzeChannelComponent(seed, &why);
      Location loc = seed.getDefiningOp()
                         ? seed.getLoc()
                         : seed.getUses().begin()->getOwner()->getLoc();
      if (failed(comp)) {
        covered.insert(seed);
        if (remarks)
          emitRemark(loc) << "qc-rearrange-outlier-channels: not permuted: "
                          << why;
        continue;
      }
      for (auto &entry : comp->values)
        covered.insert(entry.first);
      auto skip = [&](const Twine &msg) {
        ++numSkipped;
        if (remarks)
          for (const ContractionUse &cu : comp->consumers)
            emitRemark(cu.op->getLoc())
                << "qc-rearrange-outlier-channels: not permuted: " << msg;
      };
      if (comp->numChannels <= blockSize) {
        skip(llvm::formatv("{0} channels fit in one block of {1}",
                           comp->numChannels, blockSize.getValue()));
        continue;
      }
      if (unsigned g = comp->numGathers(); g && !allowGather) {
        skip(llvm::formatv("the permutation would need {0} run-time qc.gather "
                           "(first boundary: {1}); allow-gather=true inserts "
                           "them",
                           g, comp->firstBoundary));
        continue;
      }
      components.push_back(std::move(*comp));
    }
    if (components.empty())
      return;

    SmallVector<std::pair<Value, int64_t>> targets;
    for (const ChannelComponent &comp : components)
      for (auto [v, fromBack] : comp.targets())
        targets.push_back(
            {v, cast<RankedTensorType>(v.getType()).getRank() + fromBack});
    FailureOr<llvm::DenseMap<Value, ChannelStats>> stats =
        collectChannelStats(func, calib, targets, numSamples);
    if (failed(stats))
      return signalPassFailure();

    for (const ChannelComponent &comp : components)
      rearrange(comp, *stats);
  }

  void rearrange(const ChannelComponent &comp,
                 llvm::DenseMap<Value, ChannelStats> &stats) {
    int64_t n = comp.numChannels;
    // Score: each target's channel magnitudes relative to its own mean, so
    // that every activation of the component has a say.
    SmallVector<float> score(n, 0.0f);
    auto targets = comp.targets();
    for (auto [v, fromBack] : targets) {
      ArrayRef<float> m = stats[v].absMax;
      double mean = 0;
      for (float x : m)
        mean += x;
      mean /= n;
      for (int64_t j = 0; j < n; ++j)
        score[j] = std::max(score[j],
                            mean > 0 ? static_cast<float>(m[j] / mean) : 0.0f);
    }
    SmallVector<int64_t> perm = chooseOutlierPermutation(score);
    double gain = 0;
    llvm::DenseMap<Value, std::pair<double, double>> ratios;
    for (auto [v, fromBack] : targets) {
      double before = blockMaxMeanRatio(stats[v].absMax, {}, blockSize);
      double after = blockMaxMeanRatio(stats[v].absMax, perm, blockSize);
      ratios[v] = {before, after};
      gain += before > 0 ? (before - after) / before : 0;
    }
    gain /= targets.size();
    bool identity = llvm::all_of(llvm::enumerate(perm), [](auto e) {
      return static_cast<int64_t>(e.index()) == e.value();
    });
    if (identity || gain < minGain) {
      ++numSkipped;
      if (remarks)
        for (const ContractionUse &cu : comp.consumers) {
          auto [before, after] = ratios[cu.op->getOperand(cu.operandIndex)];
          emitRemark(cu.op->getLoc())
              << "qc-rearrange-outlier-channels: not permuted: block max/mean "
                 "ratio "
              << llvm::formatv("{0:f3} -> {1:f3}", before, after)
              << " is below min-gain "
              << llvm::formatv("{0:f3}", minGain.getValue());
        }
      return;
    }
    // Per layer, before the consumers' operands may be replaced by gathers.
    SmallVector<std::tuple<Location, double, double>> layers;
    for (const ContractionUse &cu : comp.consumers) {
      auto [before, after] = ratios[cu.op->getOperand(cu.operandIndex)];
      layers.push_back({cu.op->getLoc(), before, after});
    }
    unsigned gathers = comp.numGathers();
    applyChannelPermutation(comp, perm);
    ++numPermuted;
    numGatherOps += gathers;
    if (!remarks)
      return;
    for (auto [loc, before, after] : layers) {
      InFlightDiagnostic diag = emitRemark(loc);
      diag << "qc-rearrange-outlier-channels: permuted " << n
           << " input channels (block " << blockSize.getValue()
           << "): block max/mean ratio "
           << llvm::formatv("{0:f3} -> {1:f3}", before, after) << " ("
           << pluralize(comp.values.size(), "value") << ", "
           << pluralize(comp.absorbingDefs.size(), "producer") << ", "
           << pluralize(comp.consumers.size(), "consumer");
      if (gathers)
        diag << ", " << gathers << " run-time qc.gather";
      diag << ")";
    }
  }
};

} // namespace

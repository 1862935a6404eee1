//===- ChannelFlow.cpp - which ops carry channels through unchanged -------===//
//
// For qc-rearrange-outlier-channels: the ops whose result has the channels
// of an operand, in the same order, along some axis, so that permuting the
// operand's channels permutes the result's channels the same way (and the
// op's constant operands that carry channels are permuted with them).
//
//===----------------------------------------------------------------------===//

#include "ChannelUtils.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::channels;

namespace {
enum class Kind {
  None,
  Elementwise, // numpy broadcasting, aligned from the back
  LayerNorm,   // over the channel axis; scale and bias aligned from the back
  BatchNorm,   // channel dim 1; parameters 1-D
  PerChannel,  // pooling, depthwise conv: channel dim 1, one operand
  SameAxis,    // softmax, concat along another axis, slice and pad that
               // leave the channel axis alone
  Transpose,
  Reshape,
  Reduce,
};
} // namespace

static Kind classify(Operation *op) {
  if (isa<ReluOp, SigmoidOp, TanhOp, ExpOp, LogOp, SqrtOp, ErfOp, ReciprocalOp,
          FloorOp, CeilOp, RoundOp, SinOp, CosOp, SoftplusOp, SoftsignOp,
          HardSwishOp, NegOp, AbsOp, IdentityOp, LeakyReluOp, EluOp,
          HardSigmoidOp, ClipOp, GeluOp, AddOp, SubOp, MulOp, DivOp, PowOp,
          MaxOp, MinOp, PReluOp, ExpandOp>(op))
    return Kind::Elementwise;
  if (isa<LayerNormalizationOp>(op))
    return Kind::LayerNorm;
  if (isa<BatchNormalizationOp>(op))
    return Kind::BatchNorm;
  if (isa<AveragePoolOp, MaxPoolOp, GlobalAveragePoolOp, GlobalMaxPoolOp>(op))
    return Kind::PerChannel;
  if (auto conv = dyn_cast<ConvOp>(op)) {
    // Depthwise: output channel c reads input channel c only.
    int64_t c = conv.getX().getType().getDimSize(1);
    int64_t m = conv.getW().getType().getDimSize(0);
    if (static_cast<int64_t>(conv.getGroup()) == c && m == c && c > 1 &&
        isF32Constant(conv.getW()) &&
        (!conv.getB() || isF32Constant(conv.getB())))
      return Kind::PerChannel;
    return Kind::None;
  }
  if (isa<SoftmaxOp, LogSoftmaxOp, ConcatOp, SliceOp, PadOp>(op))
    return Kind::SameAxis;
  if (isa<TransposeOp>(op))
    return Kind::Transpose;
  // Shape-only ops (flatten, squeeze and unsqueeze canonicalize to
  // reshape, but imported graphs may still hold them).
  if (isa<ReshapeOp, FlattenOp, SqueezeOp, UnsqueezeOp>(op))
    return Kind::Reshape;
  if (isa<ReduceMeanOp, ReduceSumOp, ReduceMaxOp, ReduceMinOp, ReduceProdOp,
          ReduceL1Op, ReduceL2Op, ReduceSumSquareOp>(op))
    return Kind::Reduce;
  return Kind::None;
}

static int64_t rankOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getRank();
}

/// The normalised reduced axes of a reduction (all when absent).
static SmallVector<int64_t> reducedAxes(Operation *op) {
  std::optional<ArrayRef<int64_t>> axes;
  if (auto attr = op->getAttrOfType<DenseI64ArrayAttr>("axes"))
    axes = attr.asArrayRef();
  int64_t rank = rankOf(op->getOperand(0));
  SmallVector<int64_t> out;
  if (!axes) {
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(i);
    return out;
  }
  for (int64_t a : *axes)
    if (std::optional<int64_t> n = normalizeAxis(a, rank))
      out.push_back(*n);
  return out;
}

static bool keepsDims(Operation *op) {
  auto attr = op->getAttrOfType<BoolAttr>("keepdims");
  return !attr || attr.getValue();
}

/// Whether the channel dimension `axis` of the single-operand op's input is
/// left alone by a softmax, concat, slice or pad.
static bool leavesAxisAlone(Operation *op, int64_t axis) {
  int64_t rank = rankOf(op->getOperand(0));
  if (auto s = dyn_cast<SoftmaxOp>(op))
    return normalizeAxis(s.getAxis(), rank).has_value();
  if (auto s = dyn_cast<LogSoftmaxOp>(op))
    return normalizeAxis(s.getAxis(), rank).has_value();
  if (auto c = dyn_cast<ConcatOp>(op))
    return normalizeAxis(c.getAxis(), rank) != axis;
  if (auto p = dyn_cast<PadOp>(op))
    return p.getPads()[axis] == 0 && p.getPads()[rank + axis] == 0;
  if (auto s = dyn_cast<SliceOp>(op)) {
    // The channel axis may be named only with a full, forward range (the
    // result then has the same size there).
    int64_t k = s.getStarts().size();
    for (int64_t i = 0; i < k; ++i) {
      int64_t a = s.getAxes() ? (*s.getAxes())[i] : i;
      if (normalizeAxis(a, rank) != axis)
        continue;
      if (s.getSteps() && (*s.getSteps())[i] != 1)
        return false;
    }
    return rankOf(op->getResult(0)) == rank &&
           cast<RankedTensorType>(op->getResult(0).getType())
                   .getDimSize(axis) ==
               cast<RankedTensorType>(op->getOperand(0).getType())
                   .getDimSize(axis);
  }
  return false;
}

/// The axis of `to` whose dimension is `n` and whose leading dimensions
/// hold as many elements as those of axis `axis` of `from` (a reshape then
/// keeps that dimension's index), if any.
static std::optional<int64_t> reshapeAxis(ArrayRef<int64_t> from,
                                          ArrayRef<int64_t> to, int64_t axis,
                                          int64_t n) {
  int64_t before = 1;
  for (int64_t i = 0; i < axis; ++i)
    before *= from[i];
  int64_t prefix = 1;
  for (int64_t i = 0; i < static_cast<int64_t>(to.size()); ++i) {
    if (prefix == before && to[i] == n)
      return i;
    prefix *= to[i];
  }
  return std::nullopt;
}

std::optional<int64_t> channels::resultChannelAxis(Operation *op,
                                                   unsigned index,
                                                   int64_t fromBack,
                                                   int64_t n) {
  if (op->getNumResults() != 1)
    return std::nullopt;
  auto result = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!result || !result.getElementType().isF32())
    return std::nullopt;
  int64_t rank = result.getRank();
  int64_t inRank = rankOf(op->getOperand(index));
  int64_t axis = inRank + fromBack; // in the operand
  std::optional<int64_t> out;
  switch (classify(op)) {
  case Kind::None:
    return std::nullopt;
  case Kind::Elementwise:
  case Kind::LayerNorm:
    out = fromBack;
    break;
  case Kind::BatchNorm:
    out = index == 0 ? fromBack : 1 - rank;
    break;
  case Kind::PerChannel:
    if (index != 0)
      return std::nullopt;
    out = fromBack;
    break;
  case Kind::SameAxis:
    if (!leavesAxisAlone(op, axis))
      return std::nullopt;
    out = fromBack;
    break;
  case Kind::Transpose: {
    auto t = cast<TransposeOp>(op);
    for (int64_t i = 0; i < rank; ++i) {
      int64_t p = t.getPerm() ? (*t.getPerm())[i] : rank - 1 - i;
      if (p == axis)
        out = i - rank;
    }
    break;
  }
  case Kind::Reshape:
    if (std::optional<int64_t> a = reshapeAxis(
            cast<RankedTensorType>(op->getOperand(0).getType()).getShape(),
            result.getShape(), axis, n))
      out = *a - rank;
    break;
  case Kind::Reduce: {
    SmallVector<int64_t> reduced = reducedAxes(op);
    if (llvm::is_contained(reduced, axis))
      return std::nullopt;
    int64_t a = axis;
    if (!keepsDims(op))
      a -= llvm::count_if(reduced, [&](int64_t r) { return r < axis; });
    out = a - rank;
    break;
  }
  }
  if (!out || rank + *out < 0 || rank + *out >= rank ||
      result.getDimSize(rank + *out) != n)
    return std::nullopt;
  // The op must also map the result's channels back to this operand.
  FailureOr<std::optional<int64_t>> back =
      operandChannelAxis(op, index, *out, n);
  if (failed(back) || *back != fromBack)
    return std::nullopt;
  return out;
}

FailureOr<std::optional<int64_t>> channels::operandChannelAxis(Operation *op,
                                                               unsigned index,
                                                               int64_t fromBack,
                                                               int64_t n) {
  if (op->getNumResults() != 1)
    return failure();
  auto result = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!result || !result.getElementType().isF32())
    return failure();
  int64_t rank = result.getRank();
  int64_t axis = rank + fromBack;
  if (axis < 0 || axis >= rank || result.getDimSize(axis) != n)
    return failure();
  auto operand = cast<RankedTensorType>(op->getOperand(index).getType());
  int64_t inRank = operand.getRank();
  // An operand aligned from the back that has the channels there.
  auto aligned = [&]() -> std::optional<int64_t> {
    if (inRank < -fromBack || operand.getDimSize(inRank + fromBack) != n)
      return std::nullopt;
    return fromBack;
  };
  switch (classify(op)) {
  case Kind::None:
    return failure();
  case Kind::Elementwise:
    return aligned();
  case Kind::LayerNorm: {
    std::optional<int64_t> start =
        normalizeAxis(cast<LayerNormalizationOp>(op).getAxis(), rank);
    if (!start || axis < *start)
      return failure();
    return aligned();
  }
  case Kind::BatchNorm:
    if (axis != 1)
      return failure();
    return index == 0 ? std::optional<int64_t>(fromBack)
                      : std::optional<int64_t>(-1);
  case Kind::PerChannel:
    if (axis != 1)
      return failure();
    if (index == 0)
      return std::optional<int64_t>(fromBack);
    // A depthwise conv's weight (axis 0) and bias.
    return std::optional<int64_t>(-inRank);
  case Kind::SameAxis:
    if (inRank != rank || !leavesAxisAlone(op, axis))
      return failure();
    return aligned();
  case Kind::Transpose: {
    auto t = cast<TransposeOp>(op);
    int64_t p = t.getPerm() ? (*t.getPerm())[axis] : rank - 1 - axis;
    if (operand.getDimSize(p) != n)
      return failure();
    return std::optional<int64_t>(p - inRank);
  }
  case Kind::Reshape: {
    std::optional<int64_t> a =
        reshapeAxis(result.getShape(), operand.getShape(), axis, n);
    if (!a)
      return failure();
    return std::optional<int64_t>(*a - inRank);
  }
  case Kind::Reduce: {
    SmallVector<int64_t> reduced = reducedAxes(op);
    int64_t a = axis;
    if (!keepsDims(op)) {
      // The operand axis whose position after removing the reduced axes
      // is `axis`.
      for (a = 0; a < inRank; ++a) {
        if (llvm::is_contained(reduced, a))
          continue;
        if (a - llvm::count_if(reduced, [&](int64_t r) { return r < a; }) ==
            axis)
          break;
      }
    }
    if (a >= inRank || llvm::is_contained(reduced, a) ||
        operand.getDimSize(a) != n)
      return failure();
    return std::optional<int64_t>(a - inRank);
  }
  }
  return failure();
}

bool channels::isOrderInvariantUse(Operation *op, unsigned index,
                                   int64_t fromBack) {
  if (classify(op) != Kind::Reduce)
    return false;
  int64_t axis = rankOf(op->getOperand(index)) + fromBack;
  return llvm::is_contained(reducedAxes(op), axis);
}

//===- QCData.cpp - shape and data movement ops ---------------------------===//

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SmallSet.h"
#include <cmath>

using namespace mlir;
using namespace mlir::qc;

static RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type elem) {
  return RankedTensorType::get(shape, elem);
}

//===----------------------------------------------------------------------===//
// Reshape and the ops that canonicalize to it.
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (getX().getType().getNumElements() != getY().getType().getNumElements())
    return emitOpError("expected the result to hold as many elements as the "
                       "input (")
           << getX().getType().getNumElements() << "), found "
           << getY().getType().getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getX().getType() == getType())
    return getX();
  if (auto inner = getX().getDefiningOp<ReshapeOp>()) {
    getXMutable().assign(inner.getX());
    return getResult();
  }
  return {};
}

/// Rewrites a shape-only op as the equivalent qc.reshape.
template <typename OpTy>
static LogicalResult replaceWithReshape(OpTy op, PatternRewriter &rewriter) {
  rewriter.replaceOpWithNewOp<ReshapeOp>(op, op.getType(), op.getX());
  return success();
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = x.getRank(), axis = adaptor.getAxis();
  if (axis < -rank || axis > rank)
    return inferError(loc, getOperationName(), "expected axis in [", -rank,
                      ", ", rank, "], found ", axis);
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < axis ? outer : inner) *= x.getDimSize(i);
  types.push_back(tensorOf({outer, inner}, x.getElementType()));
  return success();
}

void FlattenOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *) {
  patterns.add(replaceWithReshape<FlattenOp>);
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = x.getRank();
  llvm::SmallSet<int64_t, 8> drop;
  if (auto axes = adaptor.getAxes()) {
    for (int64_t a : *axes) {
      std::optional<int64_t> axis = normalizeAxis(a, rank);
      if (!axis)
        return inferError(loc, name, "expected axes in [", -rank, ", ", rank,
                          "), found ", formatShape(*axes));
      if (!drop.insert(*axis).second)
        return inferError(loc, name, "expected unique axes, found ",
                          formatShape(*axes));
      if (x.getDimSize(*axis) != 1)
        return inferError(loc, name, "expected dimension ", *axis,
                          " to be 1 to squeeze it, found ",
                          x.getDimSize(*axis));
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      if (x.getDimSize(i) == 1)
        drop.insert(i);
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i)
    if (!drop.contains(i))
      shape.push_back(x.getDimSize(i));
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

void SqueezeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                            MLIRContext *) {
  patterns.add(replaceWithReshape<SqueezeOp>);
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  int64_t outRank = x.getRank() + axes.size();
  llvm::SmallSet<int64_t, 8> insert;
  for (int64_t a : axes) {
    std::optional<int64_t> axis = normalizeAxis(a, outRank);
    if (!axis)
      return inferError(loc, name, "expected axes in [", -outRank, ", ",
                        outRank, "), found ", formatShape(axes));
    if (!insert.insert(*axis).second)
      return inferError(loc, name, "expected unique axes, found ",
                        formatShape(axes));
  }
  SmallVector<int64_t> shape;
  int64_t next = 0;
  for (int64_t i = 0; i < outRank; ++i)
    shape.push_back(insert.contains(i) ? 1 : x.getDimSize(next++));
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

void UnsqueezeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                              MLIRContext *) {
  patterns.add(replaceWithReshape<UnsqueezeOp>);
}

//===----------------------------------------------------------------------===//
// Transpose.
//===----------------------------------------------------------------------===//

static SmallVector<int64_t>
getPermutation(std::optional<ArrayRef<int64_t>> perm, int64_t rank) {
  if (perm)
    return SmallVector<int64_t>(*perm);
  SmallVector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  return reversed;
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = x.getRank();
  SmallVector<int64_t> perm = getPermutation(adaptor.getPerm(), rank);
  SmallVector<bool> seen(rank, false);
  bool valid = (int64_t)perm.size() == rank;
  for (int64_t p : perm) {
    if (!valid || p < 0 || p >= rank || seen[p]) {
      valid = false;
      break;
    }
    seen[p] = true;
  }
  if (!valid)
    return inferError(loc, getOperationName(),
                      "expected perm to be a permutation of [0, ", rank,
                      "), found ", formatShape(perm));
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(x.getDimSize(p));
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  int64_t rank = getX().getType().getRank();
  SmallVector<int64_t> perm = getPermutation(getPerm(), rank);
  if (llvm::equal(perm, llvm::seq<int64_t>(0, rank)))
    return getX();
  // transpose(transpose(x, p1), p2) = transpose(x, p1[p2[i]]).
  if (auto inner = getX().getDefiningOp<TransposeOp>()) {
    SmallVector<int64_t> innerPerm = getPermutation(inner.getPerm(), rank);
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(innerPerm[p]);
    getXMutable().assign(inner.getX());
    setPerm(composed);
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// Concat and Split.
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  ValueRange inputs = adaptor.getInputs();
  // At least one input: SameOperandsAndResultElementType checks that first.
  auto first = cast<RankedTensorType>(inputs.front().getType());
  int64_t rank = first.getRank();
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), rank);
  if (!axis)
    return inferError(loc, name, "expected axis in [", -rank, ", ", rank,
                      "), found ", (int64_t)adaptor.getAxis());
  SmallVector<int64_t> shape(first.getShape());
  for (auto [i, v] : llvm::enumerate(inputs.drop_front())) {
    auto t = cast<RankedTensorType>(v.getType());
    bool ok = t.getRank() == rank;
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == *axis || t.getDimSize(d) == shape[d];
    if (!ok)
      return inferError(loc, name, "expected input ", i + 1, " of shape ",
                        formatShape(t.getShape()), " to match the first input ",
                        formatShape(first.getShape()), " except along axis ",
                        *axis);
    shape[*axis] += t.getDimSize(*axis);
  }
  types.push_back(tensorOf(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1 && getInputs()[0].getType() == getType())
    return getInputs()[0];
  return {};
}

LogicalResult SplitOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = x.getRank();
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), rank);
  if (!axis)
    return inferError(loc, name, "expected axis in [", -rank, ", ", rank,
                      "), found ", (int64_t)adaptor.getAxis());
  ArrayRef<int64_t> split = adaptor.getSplit();
  int64_t total = 0;
  for (int64_t s : split) {
    if (s < 0)
      return inferError(loc, name, "expected non-negative split sizes, found ",
                        formatShape(split));
    total += s;
  }
  if (split.empty() || total != x.getDimSize(*axis))
    return inferError(loc, name, "expected split sizes ", formatShape(split),
                      " to add up to dimension ", *axis, " (",
                      x.getDimSize(*axis), ")");
  for (int64_t s : split) {
    SmallVector<int64_t> shape(x.getShape());
    shape[*axis] = s;
    types.push_back(tensorOf(shape, x.getElementType()));
  }
  return success();
}

LogicalResult SplitOp::fold(FoldAdaptor, SmallVectorImpl<OpFoldResult> &res) {
  if (getNumResults() != 1 || getResult(0).getType() != getX().getType())
    return failure();
  res.push_back(getX());
  return success();
}

//===----------------------------------------------------------------------===//
// Slice, Gather, Pad.
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = x.getRank();
  ArrayRef<int64_t> starts = adaptor.getStarts(), ends = adaptor.getEnds();
  size_t n = starts.size();
  if (ends.size() != n)
    return inferError(loc, name, "expected as many ends as starts (", n,
                      "), found ", ends.size());
  SmallVector<int64_t> axes, steps(n, 1);
  if (auto a = adaptor.getAxes()) {
    if (a->size() != n)
      return inferError(loc, name, "expected as many axes as starts (", n,
                        "), found ", a->size());
    axes.assign(a->begin(), a->end());
  } else {
    if ((int64_t)n > rank)
      return inferError(loc, name, "expected at most ", rank,
                        " starts without axes, found ", n);
    for (size_t i = 0; i < n; ++i)
      axes.push_back(i);
  }
  if (auto s = adaptor.getSteps()) {
    if (s->size() != n)
      return inferError(loc, name, "expected as many steps as starts (", n,
                        "), found ", s->size());
    steps.assign(s->begin(), s->end());
  }
  SmallVector<int64_t> shape(x.getShape());
  llvm::SmallSet<int64_t, 8> seen;
  for (size_t i = 0; i < n; ++i) {
    std::optional<int64_t> axis = normalizeAxis(axes[i], rank);
    if (!axis)
      return inferError(loc, name, "expected axes in [", -rank, ", ", rank,
                        "), found ", formatShape(axes));
    if (!seen.insert(*axis).second)
      return inferError(loc, name, "expected unique axes, found ",
                        formatShape(axes));
    if (steps[i] == 0)
      return inferError(loc, name, "expected non-zero steps, found ",
                        formatShape(steps));
    int64_t dim = x.getDimSize(*axis);
    int64_t start = starts[i], end = ends[i], step = steps[i];
    if (dim == 0)
      continue;
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      shape[*axis] = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      shape[*axis] = start > end ? (start - end - step - 1) / -step : 0;
    }
  }
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  bool forward =
      !getSteps() || llvm::all_of(*getSteps(), [](int64_t s) { return s > 0; });
  if (forward && getX().getType() == getType())
    return getX();
  return {};
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto data = cast<RankedTensorType>(adaptor.getData().getType());
  auto indices = cast<RankedTensorType>(adaptor.getIndices().getType());
  int64_t rank = data.getRank();
  std::optional<int64_t> axis = normalizeAxis(adaptor.getAxis(), rank);
  if (!axis)
    return inferError(loc, getOperationName(), "expected axis in [", -rank,
                      ", ", rank, "), found ", (int64_t)adaptor.getAxis());
  SmallVector<int64_t> shape(data.getShape().take_front(*axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(*axis + 1));
  types.push_back(tensorOf(shape, data.getElementType()));
  return success();
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  int64_t rank = x.getRank();
  ArrayRef<int64_t> pads = adaptor.getPads();
  if ((int64_t)pads.size() != 2 * rank)
    return inferError(loc, name, "expected ", 2 * rank,
                      " pads (begins then ends), found ", pads.size());
  PadMode mode = adaptor.getMode();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t dim = x.getDimSize(i), before = pads[i], after = pads[rank + i];
    int64_t out = dim + before + after;
    if (out < 0)
      return inferError(loc, name, "expected pads ", formatShape(pads),
                        " to leave a non-negative size along dimension ", i);
    if (mode == PadMode::reflect && (before >= dim || after >= dim))
      return inferError(loc, name,
                        "expected reflect pads smaller than the "
                        "dimension they pad, found ",
                        formatShape(pads), " for shape ",
                        formatShape(x.getShape()));
    if (mode != PadMode::constant && dim == 0 && out > 0)
      return inferError(loc, name, "cannot pad an empty dimension in ",
                        stringifyPadMode(mode), " mode");
    shape.push_back(out);
  }
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

OpFoldResult PadOp::fold(FoldAdaptor) {
  if (llvm::all_of(getPads(), [](int64_t p) { return p == 0; }))
    return getX();
  return {};
}

//===----------------------------------------------------------------------===//
// Resize, Expand, Cast.
//===----------------------------------------------------------------------===//

LogicalResult ResizeOp::verify() {
  RankedTensorType x = getX().getType(), y = getY().getType();
  ArrayRef<float> scales = getScales();
  if ((int64_t)scales.size() != x.getRank())
    return emitOpError("expected ")
           << x.getRank() << " scales (one per dimension), found "
           << scales.size();
  if (y.getRank() != x.getRank())
    return emitOpError("expected a result of rank ")
           << x.getRank() << ", found rank " << y.getRank();
  if (getCoordinateTransformationMode() ==
      CoordinateTransform::tf_crop_and_resize)
    return emitOpError("tf_crop_and_resize is not supported");
  for (int64_t i = 0; i < x.getRank(); ++i) {
    if (!(scales[i] > 0.0f))
      return emitOpError("expected positive scales, found ")
             << scales[i] << " for dimension " << i;
    // ONNX: out = floor(in * scale). Scales derived from sizes (size / in)
    // may land just below an integer, so allow float rounding.
    double exact = (double)x.getDimSize(i) * scales[i];
    double tol = 1e-5 * std::max(1.0, exact);
    int64_t out = y.getDimSize(i);
    if (out != (int64_t)std::floor(exact + tol))
      return emitOpError("expected result dimension ")
             << i << " to be floor(" << x.getDimSize(i) << " * " << scales[i]
             << ") = " << (int64_t)std::floor(exact) << ", found " << out;
  }
  return success();
}

LogicalResult ExpandOp::verify() {
  ArrayRef<int64_t> from = getX().getType().getShape();
  ArrayRef<int64_t> to = getY().getType().getShape();
  if (!isUnidirectionallyBroadcastable(from, to))
    return emitOpError("expected input shape ")
           << formatShape(from) << " to broadcast to the result shape "
           << formatShape(to);
  return success();
}

OpFoldResult ExpandOp::fold(FoldAdaptor) {
  if (getX().getType() == getType())
    return getX();
  return {};
}

LogicalResult CastOp::verify() {
  if (getX().getType().getShape() != getY().getType().getShape())
    return emitOpError("expected the result shape to equal the input shape ")
           << formatShape(getX().getType().getShape()) << ", found "
           << formatShape(getY().getType().getShape());
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getX().getType() == getType())
    return getX();
  return {};
}

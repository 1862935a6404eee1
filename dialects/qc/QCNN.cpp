//===- QCNN.cpp - contractions, normalisation, pooling, reductions --------===//

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include "mlir/Dialect/Traits.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::qc;

static RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type elem) {
  return RankedTensorType::get(shape, elem);
}

//===----------------------------------------------------------------------===//
// Convolutions.
//===----------------------------------------------------------------------===//

/// Checks the ranks shared by conv and conv_transpose and the bias size.
static LogicalResult checkConvOperands(std::optional<Location> loc,
                                       StringRef opName, RankedTensorType x,
                                       RankedTensorType w, Value bias,
                                       int64_t outChannels, int64_t group) {
  if (group < 1)
    return inferError(loc, opName, "expected a positive group, found ", group);
  if (outChannels % group != 0)
    return inferError(loc, opName, "expected output channels (", outChannels,
                      ") to be a multiple of group (", group, ")");
  if (bias) {
    auto b = cast<RankedTensorType>(bias.getType());
    if (b.getRank() != 1 || b.getDimSize(0) != outChannels)
      return inferError(loc, opName, "expected a bias of shape [", outChannels,
                        "], found ", formatShape(b.getShape()));
  }
  return success();
}

static LogicalResult checkConvRanks(std::optional<Location> loc,
                                    StringRef opName, RankedTensorType x,
                                    RankedTensorType w) {
  if (x.getRank() < 3)
    return inferError(loc, opName,
                      "expected an input of rank 3 or more (N x C x D1 ...), "
                      "found rank ",
                      x.getRank());
  if (w.getRank() != x.getRank())
    return inferError(loc, opName, "expected a weight of rank ", x.getRank(),
                      " like the input, found rank ", w.getRank());
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  auto w = cast<RankedTensorType>(adaptor.getW().getType());
  if (failed(checkConvRanks(loc, name, x, w)))
    return failure();
  int64_t group = adaptor.getGroup();
  int64_t m = w.getDimSize(0);
  if (failed(checkConvOperands(loc, name, x, w, adaptor.getB(), m, group)))
    return failure();
  if (x.getDimSize(1) != w.getDimSize(1) * group)
    return inferError(loc, name, "expected input channels (", x.getDimSize(1),
                      ") to equal weight input channels (", w.getDimSize(1),
                      ") times group (", group, ")");
  int64_t n = x.getRank() - 2;
  WindowParams wp;
  if (failed(getWindowParams(loc, name, n, adaptor.getStrides(),
                             adaptor.getPads(), adaptor.getDilations(), wp)))
    return failure();
  SmallVector<int64_t> shape = {x.getDimSize(0), m};
  for (int64_t i = 0; i < n; ++i) {
    std::optional<int64_t> out = poolOutputSize(
        x.getDimSize(i + 2), w.getDimSize(i + 2), wp.strides[i],
        wp.padsBegin[i], wp.padsEnd[i], wp.dilations[i], /*ceilMode=*/false);
    if (!out)
      return inferError(loc, name,
                        "expected the kernel window to fit the "
                        "padded input along spatial dimension ",
                        i);
    shape.push_back(*out);
  }
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  auto w = cast<RankedTensorType>(adaptor.getW().getType());
  if (failed(checkConvRanks(loc, name, x, w)))
    return failure();
  int64_t group = adaptor.getGroup();
  if (x.getDimSize(1) != w.getDimSize(0))
    return inferError(loc, name, "expected input channels (", x.getDimSize(1),
                      ") to equal the weight's first dimension (",
                      w.getDimSize(0), ")");
  int64_t m = w.getDimSize(1) * group;
  if (failed(checkConvOperands(loc, name, x, w, adaptor.getB(), m, group)))
    return failure();
  if (x.getDimSize(1) % group != 0)
    return inferError(loc, name, "expected input channels (", x.getDimSize(1),
                      ") to be a multiple of group (", group, ")");
  int64_t n = x.getRank() - 2;
  WindowParams wp;
  if (failed(getWindowParams(loc, name, n, adaptor.getStrides(),
                             adaptor.getPads(), adaptor.getDilations(), wp)))
    return failure();
  SmallVector<int64_t> outPad(n, 0);
  if (auto op = adaptor.getOutputPadding()) {
    if ((int64_t)op->size() != n)
      return inferError(loc, name, "expected ", n,
                        " output_padding values, found ", op->size());
    for (int64_t i = 0; i < n; ++i) {
      if ((*op)[i] < 0 || (*op)[i] >= std::max(wp.strides[i], wp.dilations[i]))
        return inferError(loc, name,
                          "expected output_padding to be non-negative and "
                          "less than the stride or the dilation, found ",
                          formatShape(*op));
      outPad[i] = (*op)[i];
    }
  }
  SmallVector<int64_t> shape = {x.getDimSize(0), m};
  for (int64_t i = 0; i < n; ++i) {
    int64_t out = wp.strides[i] * (x.getDimSize(i + 2) - 1) + outPad[i] +
                  (w.getDimSize(i + 2) - 1) * wp.dilations[i] + 1 -
                  wp.padsBegin[i] - wp.padsEnd[i];
    if (out <= 0)
      return inferError(loc, name,
                        "expected a positive output size along "
                        "spatial dimension ",
                        i, ", found ", out);
    shape.push_back(out);
  }
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMul and Gemm.
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto a = cast<RankedTensorType>(adaptor.getLhs().getType());
  auto b = cast<RankedTensorType>(adaptor.getRhs().getType());
  if (a.getRank() < 1 || b.getRank() < 1)
    return inferError(loc, name, "expected operands of rank 1 or more");
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  bool aVec = as.size() == 1, bVec = bs.size() == 1;
  if (aVec)
    as.insert(as.begin(), 1);
  if (bVec)
    bs.push_back(1);
  int64_t k = as.back(), kb = bs[bs.size() - 2];
  if (k != kb)
    return inferError(loc, name,
                      "expected the contraction dimensions to "
                      "match, found ",
                      k, " (lhs ", formatShape(a.getShape()), ") and ", kb,
                      " (rhs ", formatShape(b.getShape()), ")");
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef(as).drop_back(2),
                                          ArrayRef(bs).drop_back(2), batch))
    return inferError(
        loc, name, "batch dimensions of ", formatShape(a.getShape()), " and ",
        formatShape(b.getShape()), " are not broadcast-compatible");
  if (!aVec)
    batch.push_back(as[as.size() - 2]);
  if (!bVec)
    batch.push_back(bs.back());
  types.push_back(tensorOf(batch, a.getElementType()));
  return success();
}

LogicalResult GemmOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc,
                                       Adaptor adaptor,
                                       SmallVectorImpl<Type> &types) {
  StringRef name = getOperationName();
  auto a = cast<RankedTensorType>(adaptor.getA().getType());
  auto b = cast<RankedTensorType>(adaptor.getB().getType());
  if (a.getRank() != 2 || b.getRank() != 2)
    return inferError(loc, name, "expected 2-D operands, found ranks ",
                      a.getRank(), " and ", b.getRank());
  int64_t m = a.getDimSize(adaptor.getTransA() ? 1 : 0);
  int64_t ka = a.getDimSize(adaptor.getTransA() ? 0 : 1);
  int64_t kb = b.getDimSize(adaptor.getTransB() ? 1 : 0);
  int64_t n = b.getDimSize(adaptor.getTransB() ? 0 : 1);
  if (ka != kb)
    return inferError(loc, name,
                      "expected the contraction dimensions to "
                      "match, found ",
                      ka, " and ", kb);
  if (Value c = adaptor.getC()) {
    auto cs = cast<RankedTensorType>(c.getType()).getShape();
    if (!isUnidirectionallyBroadcastable(cs, {m, n}))
      return inferError(loc, name, "expected c of shape ", formatShape(cs),
                        " to broadcast to [", m, ", ", n, "]");
  }
  types.push_back(tensorOf({m, n}, a.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalisation.
//===----------------------------------------------------------------------===//

LogicalResult BatchNormalizationOp::verify() {
  RankedTensorType x = getX().getType();
  if (x.getRank() < 2)
    return emitOpError("expected an input of rank 2 or more (N x C ...), "
                       "found rank ")
           << x.getRank();
  int64_t c = x.getDimSize(1);
  for (auto [v, what] : {std::pair<Value, StringRef>{getScale(), "scale"},
                         {getBias(), "bias"},
                         {getMean(), "mean"},
                         {getVar(), "var"}}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != 1 || t.getDimSize(0) != c)
      return emitOpError("expected ")
             << what << " of shape [" << c << "], found "
             << formatShape(t.getShape());
  }
  return success();
}

LogicalResult LayerNormalizationOp::verify() {
  RankedTensorType x = getX().getType();
  std::optional<int64_t> axis = normalizeAxis(getAxis(), x.getRank());
  if (!axis)
    return emitOpError("expected axis in [")
           << -x.getRank() << ", " << x.getRank() << "), found "
           << (int64_t)getAxis();
  ArrayRef<int64_t> normalized = x.getShape().drop_front(*axis);
  for (auto [v, what] : {std::pair<Value, StringRef>{getScale(), "scale"},
                         {getBias(), "bias"}}) {
    if (!v)
      continue;
    ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
    if (!isUnidirectionallyBroadcastable(s, normalized))
      return emitOpError("expected ")
             << what << " of shape " << formatShape(s)
             << " to broadcast to the normalized shape "
             << formatShape(normalized);
  }
  return success();
}

template <typename OpTy> static LogicalResult verifySoftmaxAxis(OpTy op) {
  int64_t rank = op.getX().getType().getRank();
  if (!normalizeAxis(op.getAxis(), rank))
    return op.emitOpError("expected axis in [")
           << -rank << ", " << rank << "), found " << (int64_t)op.getAxis();
  return success();
}
LogicalResult SoftmaxOp::verify() { return verifySoftmaxAxis(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxAxis(*this); }

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

template <typename Adaptor>
static LogicalResult inferPool(std::optional<Location> loc, StringRef name,
                               Adaptor adaptor, bool ceilMode,
                               SmallVectorImpl<Type> &types) {
  auto x = cast<RankedTensorType>(adaptor.getX().getType());
  if (x.getRank() < 3)
    return inferError(loc, name,
                      "expected an input of rank 3 or more (N x C x D1 ...), "
                      "found rank ",
                      x.getRank());
  int64_t n = x.getRank() - 2;
  ArrayRef<int64_t> kernel = adaptor.getKernelShape();
  if ((int64_t)kernel.size() != n)
    return inferError(loc, name, "expected ", n,
                      " kernel_shape values (one per spatial dimension), "
                      "found ",
                      kernel.size());
  if (llvm::any_of(kernel, [](int64_t k) { return k <= 0; }))
    return inferError(loc, name, "expected a positive kernel_shape, found ",
                      formatShape(kernel));
  WindowParams wp;
  if (failed(getWindowParams(loc, name, n, adaptor.getStrides(),
                             adaptor.getPads(), adaptor.getDilations(), wp)))
    return failure();
  SmallVector<int64_t> shape(x.getShape().take_front(2));
  for (int64_t i = 0; i < n; ++i) {
    if (wp.padsBegin[i] >= kernel[i] || wp.padsEnd[i] >= kernel[i])
      return inferError(loc, name,
                        "expected pads smaller than the kernel, "
                        "found kernel_shape ",
                        formatShape(kernel), " and pads [", wp.padsBegin[i],
                        ", ", wp.padsEnd[i], "] along spatial dimension ", i);
    std::optional<int64_t> out = poolOutputSize(
        x.getDimSize(i + 2), kernel[i], wp.strides[i], wp.padsBegin[i],
        wp.padsEnd[i], wp.dilations[i], ceilMode);
    if (!out)
      return inferError(loc, name,
                        "expected the kernel window to fit the "
                        "padded input along spatial dimension ",
                        i);
    shape.push_back(*out);
  }
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

LogicalResult AveragePoolOp::inferReturnTypes(MLIRContext *,
                                              std::optional<Location> loc,
                                              Adaptor adaptor,
                                              SmallVectorImpl<Type> &types) {
  return inferPool(loc, getOperationName(), adaptor, adaptor.getCeilMode(),
                   types);
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return inferPool(loc, getOperationName(), adaptor, adaptor.getCeilMode(),
                   types);
}

static LogicalResult inferGlobalPool(std::optional<Location> loc,
                                     StringRef name, Value xv,
                                     SmallVectorImpl<Type> &types) {
  auto x = cast<RankedTensorType>(xv.getType());
  if (x.getRank() < 3)
    return inferError(loc, name,
                      "expected an input of rank 3 or more (N x C x D1 ...), "
                      "found rank ",
                      x.getRank());
  SmallVector<int64_t> shape(x.getRank(), 1);
  shape[0] = x.getDimSize(0);
  shape[1] = x.getDimSize(1);
  types.push_back(tensorOf(shape, x.getElementType()));
  return success();
}

LogicalResult GlobalAveragePoolOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &types) {
  return inferGlobalPool(loc, getOperationName(), adaptor.getX(), types);
}

LogicalResult GlobalMaxPoolOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  return inferGlobalPool(loc, getOperationName(), adaptor.getX(), types);
}

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

/// Normalised, checked reduction axes (all axes when `axes` is absent).
static FailureOr<SmallVector<int64_t>>
getReductionAxes(std::optional<Location> loc, StringRef name, int64_t rank,
                 std::optional<ArrayRef<int64_t>> axes) {
  SmallVector<int64_t> result;
  if (!axes) {
    for (int64_t i = 0; i < rank; ++i)
      result.push_back(i);
    return result;
  }
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t a : *axes) {
    std::optional<int64_t> axis = normalizeAxis(a, rank);
    if (!axis)
      return inferError(loc, name, "expected axes in [", -rank, ", ", rank,
                        "), found ", formatShape(*axes));
    if (!seen.insert(*axis).second)
      return inferError(loc, name, "expected unique axes, found ",
                        formatShape(*axes));
    result.push_back(*axis);
  }
  return result;
}

static LogicalResult inferReduce(std::optional<Location> loc, StringRef name,
                                 Value xv,
                                 std::optional<ArrayRef<int64_t>> axesAttr,
                                 bool keepdims, Type resultElem,
                                 SmallVectorImpl<Type> &types) {
  auto x = cast<RankedTensorType>(xv.getType());
  FailureOr<SmallVector<int64_t>> axes =
      getReductionAxes(loc, name, x.getRank(), axesAttr);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < x.getRank(); ++i) {
    if (!llvm::is_contained(*axes, i))
      shape.push_back(x.getDimSize(i));
    else if (keepdims)
      shape.push_back(1);
  }
  types.push_back(
      tensorOf(shape, resultElem ? resultElem : x.getElementType()));
  return success();
}

#define QC_REDUCE(OP)                                                          \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &types) {                                          \
    return inferReduce(loc, getOperationName(), adaptor.getX(),                \
                       adaptor.getAxes(), adaptor.getKeepdims(), Type(),       \
                       types);                                                 \
  }
QC_REDUCE(ReduceMeanOp)
QC_REDUCE(ReduceSumOp)
QC_REDUCE(ReduceMaxOp)
QC_REDUCE(ReduceMinOp)
QC_REDUCE(ReduceProdOp)
QC_REDUCE(ReduceL1Op)
QC_REDUCE(ReduceL2Op)
QC_REDUCE(ReduceSumSquareOp)
#undef QC_REDUCE

/// A reduction over dimensions of size 1 that keeps them is the identity
/// (for the reductions whose one-element result is the element itself).
template <typename OpTy> static OpFoldResult foldUnitReduce(OpTy op) {
  if (op.getX().getType() == op.getType())
    return op.getX();
  return {};
}
OpFoldResult ReduceMeanOp::fold(FoldAdaptor) { return foldUnitReduce(*this); }
OpFoldResult ReduceSumOp::fold(FoldAdaptor) { return foldUnitReduce(*this); }
OpFoldResult ReduceMaxOp::fold(FoldAdaptor) { return foldUnitReduce(*this); }
OpFoldResult ReduceMinOp::fold(FoldAdaptor) { return foldUnitReduce(*this); }
OpFoldResult ReduceProdOp::fold(FoldAdaptor) { return foldUnitReduce(*this); }

#define QC_ARG_REDUCE(OP)                                                      \
  LogicalResult OP::inferReturnTypes(                                          \
      MLIRContext *ctx, std::optional<Location> loc, Adaptor adaptor,          \
      SmallVectorImpl<Type> &types) {                                          \
    int64_t axis = adaptor.getAxis();                                          \
    int64_t rank = cast<RankedTensorType>(adaptor.getX().getType()).getRank(); \
    if (!normalizeAxis(axis, rank))                                            \
      return inferError(loc, getOperationName(), "expected axis in [", -rank,  \
                        ", ", rank, "), found ", axis);                        \
    return inferReduce(loc, getOperationName(), adaptor.getX(),                \
                       ArrayRef<int64_t>(axis), adaptor.getKeepdims(),         \
                       IntegerType::get(ctx, 64), types);                      \
  }
QC_ARG_REDUCE(ArgMaxOp)
QC_ARG_REDUCE(ArgMinOp)
#undef QC_ARG_REDUCE

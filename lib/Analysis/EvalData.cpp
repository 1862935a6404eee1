//===- EvalData.cpp - shape and data movement qc ops ----------------------===//
//
// Data movement works on any element type: f32 tensors move floats, integer
// and quantized tensors move their (storage) integers. Cast converts between
// f32 and signless integers: float to integer truncates toward zero after
// clamping to the integer's range (NaN becomes 0), integer to integer wraps
// to the target width, anything to i1 tests for non-zero.
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

/// A tensor with `x`'s element type and `shape`, filled by
/// `fill(ArrayRef<T> src, std::vector<T> &dst)` for T = float or int64_t.
template <typename Fill>
static Tensor buildLike(const Tensor &x, ArrayRef<int64_t> shape, Fill fill) {
  int64_t n = product(shape);
  if (x.isFloat()) {
    std::vector<float> out(n);
    fill(x.getFloats(), out);
    return Tensor::getFloat(x.getElementType().getContext(), shape,
                            std::move(out));
  }
  std::vector<int64_t> out(n);
  fill(x.getInts(), out);
  return Tensor::getInt(x.getElementType(), shape, std::move(out));
}

/// out[i] = src[base + strided offset of i] over `shape`.
template <typename T>
static void gatherStrided(ArrayRef<T> src, std::vector<T> &out,
                          ArrayRef<int64_t> shape, ArrayRef<int64_t> strides,
                          int64_t base) {
  forEachBroadcast(
      shape, strides, strides,
      [&](int64_t o, int64_t off, int64_t) { out[o] = src[base + off]; });
}

static ArrayRef<int64_t> resultShape(Operation *op, unsigned i = 0) {
  return cast<RankedTensorType>(op->getResult(i).getType()).getShape();
}

/// reshape, flatten, squeeze, unsqueeze: the same elements, a new shape.
static EvalResult evalReshapeLike(Operation *op, Operands operands,
                                  const EvalContext &) {
  return single(
      buildLike(*operands[0], resultShape(op), [](auto src, auto &dst) {
        std::copy(src.begin(), src.end(), dst.begin());
      }));
}

static EvalResult evalTranspose(Operation *op, Operands operands,
                                const EvalContext &) {
  auto tr = cast<TransposeOp>(op);
  const Tensor &x = *operands[0];
  int64_t rank = x.getRank();
  SmallVector<int64_t> perm;
  if (auto p = tr.getPerm())
    perm.assign(p->begin(), p->end());
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  SmallVector<int64_t> inStrides = x.getStrides(), strides;
  for (int64_t p : perm)
    strides.push_back(inStrides[p]);
  ArrayRef<int64_t> shape = resultShape(op);
  return single(buildLike(x, shape, [&](auto src, auto &dst) {
    gatherStrided(src, dst, shape, strides, 0);
  }));
}

static EvalResult evalExpand(Operation *op, Operands operands,
                             const EvalContext &) {
  const Tensor &x = *operands[0];
  ArrayRef<int64_t> shape = resultShape(op);
  SmallVector<int64_t> strides = broadcastStrides(x.getShape(), shape);
  return single(buildLike(x, shape, [&](auto src, auto &dst) {
    gatherStrided(src, dst, shape, strides, 0);
  }));
}

/// The data of `t` as T (float for f32 tensors, int64_t otherwise).
template <typename T> static ArrayRef<T> dataOf(const Tensor &t) {
  if constexpr (std::is_same_v<T, float>)
    return t.getFloats();
  else
    return t.getInts();
}

static EvalResult evalConcat(Operation *op, Operands operands,
                             const EvalContext &) {
  ArrayRef<int64_t> shape = resultShape(op);
  int64_t rank = shape.size();
  int64_t axis = static_cast<int64_t>(cast<ConcatOp>(op).getAxis());
  if (axis < 0)
    axis += rank;
  int64_t outer = product(shape.take_front(axis));
  int64_t inner = product(shape.drop_front(axis + 1));
  int64_t outRow = shape[axis] * inner;
  return single(buildLike(*operands[0], shape, [&](auto, auto &dst) {
    using T = std::decay_t<decltype(dst[0])>;
    int64_t offset = 0;
    for (const Tensor *t : operands) {
      int64_t row = t->getShape()[axis] * inner;
      ArrayRef<T> src = dataOf<T>(*t);
      for (int64_t o = 0; o < outer; ++o)
        std::copy(src.begin() + o * row, src.begin() + (o + 1) * row,
                  dst.begin() + o * outRow + offset);
      offset += row;
    }
  }));
}

static EvalResult evalSplit(Operation *op, Operands operands,
                            const EvalContext &) {
  auto split = cast<SplitOp>(op);
  const Tensor &x = *operands[0];
  int64_t rank = x.getRank();
  int64_t axis = static_cast<int64_t>(split.getAxis());
  if (axis < 0)
    axis += rank;
  int64_t outer = product(x.getShape().take_front(axis));
  int64_t inner = product(x.getShape().drop_front(axis + 1));
  int64_t inRow = x.getShape()[axis] * inner;
  SmallVector<Tensor> results;
  int64_t offset = 0;
  for (unsigned i = 0; i < op->getNumResults(); ++i) {
    ArrayRef<int64_t> shape = resultShape(op, i);
    int64_t row = shape[axis] * inner;
    results.push_back(buildLike(x, shape, [&](auto src, auto &dst) {
      for (int64_t o = 0; o < outer; ++o)
        std::copy(src.begin() + o * inRow + offset,
                  src.begin() + o * inRow + offset + row,
                  dst.begin() + o * row);
    }));
    offset += row;
  }
  return results;
}

static EvalResult evalSlice(Operation *op, Operands operands,
                            const EvalContext &) {
  auto slice = cast<SliceOp>(op);
  const Tensor &x = *operands[0];
  int64_t rank = x.getRank();
  // The result type holds each extent; only the first index and the step
  // of every sliced dimension are needed.
  ArrayRef<int64_t> starts = slice.getStarts();
  size_t n = starts.size();
  SmallVector<int64_t> inStrides = x.getStrides();
  SmallVector<int64_t> strides(inStrides), first(rank, 0);
  for (size_t i = 0; i < n; ++i) {
    int64_t axis = slice.getAxes() ? (*slice.getAxes())[i] : i;
    if (axis < 0)
      axis += rank;
    int64_t step = slice.getSteps() ? (*slice.getSteps())[i] : 1;
    int64_t dim = x.getShape()[axis];
    int64_t start = starts[i];
    if (start < 0)
      start += dim;
    start = step > 0 || dim == 0 ? std::clamp<int64_t>(start, 0, dim)
                                 : std::clamp<int64_t>(start, 0, dim - 1);
    first[axis] = start;
    strides[axis] = inStrides[axis] * step;
  }
  int64_t base = 0;
  for (int64_t d = 0; d < rank; ++d)
    base += first[d] * inStrides[d];
  ArrayRef<int64_t> shape = resultShape(op);
  return single(buildLike(x, shape, [&](auto src, auto &dst) {
    gatherStrided(src, dst, shape, strides, base);
  }));
}

static EvalResult evalGather(Operation *op, Operands operands,
                             const EvalContext &) {
  const Tensor &data = *operands[0], &indices = *operands[1];
  int64_t rank = data.getRank();
  int64_t axis = static_cast<int64_t>(cast<GatherOp>(op).getAxis());
  if (axis < 0)
    axis += rank;
  int64_t dim = data.getShape()[axis];
  SmallVector<int64_t> idx;
  for (int64_t i : indices.getInts()) {
    if (i < -dim || i >= dim)
      return op->emitOpError("expected indices in [")
             << -dim << ", " << dim << ") for dimension " << axis << ", found "
             << i;
    idx.push_back(i < 0 ? i + dim : i);
  }
  int64_t outer = product(data.getShape().take_front(axis));
  int64_t inner = product(data.getShape().drop_front(axis + 1));
  int64_t count = idx.size();
  return single(buildLike(data, resultShape(op), [&](auto src, auto &dst) {
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t j = 0; j < count; ++j)
        std::copy(src.begin() + (o * dim + idx[j]) * inner,
                  src.begin() + (o * dim + idx[j] + 1) * inner,
                  dst.begin() + (o * count + j) * inner);
  }));
}

/// The source index along one dimension for each output index, or -1 for
/// the constant fill.
static SmallVector<int64_t> padMap(int64_t dim, int64_t before, int64_t after,
                                   PadMode mode) {
  // Negative pads crop first; the remaining positive pads fill around the
  // cropped extent [cropBegin, dim - cropEnd).
  int64_t cropBegin = std::max<int64_t>(0, -before);
  int64_t cropEnd = std::max<int64_t>(0, -after);
  int64_t padBegin = std::max<int64_t>(0, before);
  int64_t size = dim - cropBegin - cropEnd;
  int64_t out = dim + before + after;
  SmallVector<int64_t> map(out, -1);
  for (int64_t o = 0; o < out; ++o) {
    int64_t j = o - padBegin; // index into the cropped extent
    if (j < 0 || j >= size) {
      if (mode == PadMode::constant || size <= 0)
        continue;
      if (mode == PadMode::edge) {
        j = std::clamp<int64_t>(j, 0, size - 1);
      } else if (mode == PadMode::wrap) {
        j = ((j % size) + size) % size;
      } else { // reflect, numpy style (the edge is not repeated)
        if (size == 1) {
          j = 0;
        } else {
          int64_t period = 2 * (size - 1);
          j = ((j % period) + period) % period;
          if (j >= size)
            j = period - j;
        }
      }
    }
    map[o] = cropBegin + j;
  }
  return map;
}

static EvalResult evalPad(Operation *op, Operands operands,
                          const EvalContext &) {
  auto pad = cast<PadOp>(op);
  const Tensor &x = *operands[0];
  int64_t rank = x.getRank();
  ArrayRef<int64_t> pads = pad.getPads();
  PadMode mode = pad.getMode();
  SmallVector<SmallVector<int64_t>> maps;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = x.getShape()[d];
    int64_t cropped = dim - std::max<int64_t>(0, -pads[d]) -
                      std::max<int64_t>(0, -pads[rank + d]);
    int64_t out = dim + pads[d] + pads[rank + d];
    if (mode != PadMode::constant && cropped <= 0 && out > 0)
      return op->emitOpError("expected a non-empty extent to pad along "
                             "dimension ")
             << d << " in " << stringifyPadMode(mode) << " mode, found "
             << "none left after the negative pads";
    maps.push_back(padMap(dim, pads[d], pads[rank + d], mode));
  }
  SmallVector<int64_t> inStrides = x.getStrides();
  ArrayRef<int64_t> shape = resultShape(op);
  float value = pad.getValue().convertToFloat();
  return single(buildLike(x, shape, [&](auto src, auto &dst) {
    using T = std::decay_t<decltype(dst[0])>;
    T fill;
    if constexpr (std::is_same_v<T, float>)
      fill = value;
    else
      fill = std::isfinite(value) ? static_cast<int64_t>(value) : 0;
    int64_t total = product(shape);
    SmallVector<int64_t> idx(rank, 0);
    for (int64_t o = 0; o < total; ++o) {
      int64_t off = 0;
      bool inside = true;
      for (int64_t d = 0; d < rank && inside; ++d) {
        int64_t s = maps[d][idx[d]];
        inside = s >= 0;
        off += s * inStrides[d];
      }
      dst[o] = inside ? src[off] : fill;
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++idx[d] < shape[d])
          break;
        idx[d] = 0;
      }
    }
  }));
}

/// Float to an integer type: truncation toward zero after clamping to the
/// type's range; NaN gives 0; i1 tests for non-zero.
static int64_t floatToInt(float v, unsigned width,
                          std::pair<int64_t, int64_t> range) {
  if (width == 1)
    return v != 0.0f;
  if (std::isnan(v))
    return 0;
  double d = std::trunc(static_cast<double>(v));
  // 2^63 is the first double above INT64_MAX.
  if (d <= static_cast<double>(range.first))
    return range.first;
  if (d >= static_cast<double>(range.second))
    return range.second;
  return static_cast<int64_t>(d);
}

static EvalResult evalCast(Operation *op, Operands operands,
                           const EvalContext &) {
  const Tensor &x = *operands[0];
  auto yType = cast<RankedTensorType>(op->getResult(0).getType());
  Type to = yType.getElementType();
  if (to.isF32()) {
    if (x.isFloat())
      return single(x);
    std::vector<float> out;
    out.reserve(x.getNumElements());
    for (int64_t v : x.getInts())
      out.push_back(static_cast<float>(v));
    return single(
        Tensor::getFloat(op->getContext(), x.getShape(), std::move(out)));
  }
  unsigned width = getIntegerWidth(to);
  bool isUnsigned = isUnsignedInteger(to);
  std::pair<int64_t, int64_t> range = getIntegerRange(to);
  std::vector<int64_t> out;
  out.reserve(x.getNumElements());
  if (x.isFloat()) {
    for (float v : x.getFloats())
      out.push_back(floatToInt(v, width, range));
  } else {
    for (int64_t v : x.getInts())
      out.push_back(width == 1 ? (v != 0) : wrapInteger(v, width, isUnsigned));
  }
  return single(Tensor::getInt(to, x.getShape(), std::move(out)));
}

void mlir::qc::detail::registerDataKernels(KernelTable &t) {
  t[ReshapeOp::getOperationName()] = evalReshapeLike;
  t[FlattenOp::getOperationName()] = evalReshapeLike;
  t[SqueezeOp::getOperationName()] = evalReshapeLike;
  t[UnsqueezeOp::getOperationName()] = evalReshapeLike;
  t[TransposeOp::getOperationName()] = evalTranspose;
  t[ExpandOp::getOperationName()] = evalExpand;
  t[ConcatOp::getOperationName()] = evalConcat;
  t[SplitOp::getOperationName()] = evalSplit;
  t[SliceOp::getOperationName()] = evalSlice;
  t[GatherOp::getOperationName()] = evalGather;
  t[PadOp::getOperationName()] = evalPad;
  t[CastOp::getOperationName()] = evalCast;
}

//===- EvalNN.cpp - pooling, normalisation, softmax and reductions --------===//
//
// Pooling follows ONNX Runtime: padded positions never enter a maximum, an
// average divides by the number of input elements in the window, or with
// count_include_pad by the number of window positions inside the padded
// input (a ceil_mode window that runs past the end padding counts only its
// part inside); a window without input elements gives 0 (average) or the
// lowest float (maximum). Normalisations use the formulas of ONNX's reference
// implementation in f32. Reductions accumulate in f32; a reduction over an
// empty set gives the identity (0 for sums, 1 for products, -inf / +inf for
// max / min, NaN for the mean).
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

constexpr float kInf = std::numeric_limits<float>::infinity();

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

namespace {
/// The input positions each output position of one spatial dimension reads.
struct PoolAxis {
  /// positions[offsets[o] .. offsets[o + 1]) are the window's input indices.
  std::vector<int64_t> offsets, positions;
  /// Window positions inside the padded input (for count_include_pad).
  std::vector<int64_t> paddedCount;
};
} // namespace

static PoolAxis makePoolAxis(int64_t in, int64_t out, int64_t kernel,
                             int64_t stride, int64_t padBegin, int64_t padEnd,
                             int64_t dilation) {
  PoolAxis axis;
  axis.offsets.push_back(0);
  for (int64_t o = 0; o < out; ++o) {
    int64_t start = o * stride - padBegin, padded = 0;
    for (int64_t k = 0; k < kernel; ++k) {
      int64_t pos = start + k * dilation;
      if (pos < in + padEnd)
        ++padded;
      if (pos >= 0 && pos < in)
        axis.positions.push_back(pos);
    }
    axis.offsets.push_back(axis.positions.size());
    axis.paddedCount.push_back(padded);
  }
  return axis;
}

template <typename OpTy>
static EvalResult evalPool(Operation *op, Operands operands,
                           const EvalContext &ctx, bool isMax,
                           bool countIncludePad) {
  auto pool = cast<OpTy>(op);
  const Tensor &x = *operands[0];
  RankedTensorType yType = pool.getY().getType();
  int64_t nsp = x.getRank() - 2;
  if (nsp < 1 || nsp > 3)
    return op->emitOpError("expected 1 to 3 spatial dimensions for the "
                           "reference evaluator, found ")
           << nsp;
  WindowParams wp;
  if (failed(getWindowParams(op->getLoc(), op->getName().getStringRef(), nsp,
                             pool.getStrides(), pool.getPads(),
                             pool.getDilations(), wp)))
    return failure();
  // Pad the spatial dimensions to three.
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1};
  PoolAxis axes[3];
  for (int64_t d = 0; d < 3; ++d) {
    int64_t i = d - (3 - nsp);
    if (i < 0) {
      axes[d] = makePoolAxis(1, 1, 1, 1, 0, 0, 1);
      continue;
    }
    in[d] = x.getShape()[2 + i];
    out[d] = yType.getDimSize(2 + i);
    axes[d] =
        makePoolAxis(in[d], out[d], pool.getKernelShape()[i], wp.strides[i],
                     wp.padsBegin[i], wp.padsEnd[i], wp.dilations[i]);
  }
  int64_t planes = x.getShape()[0] * x.getShape()[1];
  int64_t inP = in[0] * in[1] * in[2], outP = out[0] * out[1] * out[2];
  std::vector<float> y(planes * outP);
  const float *xd = x.getFloats().data();
  parallelForTasks(ctx.numThreads, planes, [&](int64_t plane) {
    const float *xp = xd + plane * inP;
    float *yp = y.data() + plane * outP;
    for (int64_t o0 = 0; o0 < out[0]; ++o0)
      for (int64_t o1 = 0; o1 < out[1]; ++o1)
        for (int64_t o2 = 0; o2 < out[2]; ++o2) {
          // As ONNX Runtime: an empty window gives lowest() (max) or 0.
          float acc = isMax ? std::numeric_limits<float>::lowest() : 0.0f;
          int64_t count = 0;
          for (int64_t a = axes[0].offsets[o0]; a < axes[0].offsets[o0 + 1];
               ++a)
            for (int64_t b = axes[1].offsets[o1]; b < axes[1].offsets[o1 + 1];
                 ++b) {
              const float *row =
                  xp +
                  (axes[0].positions[a] * in[1] + axes[1].positions[b]) * in[2];
              for (int64_t c = axes[2].offsets[o2]; c < axes[2].offsets[o2 + 1];
                   ++c) {
                float v = row[axes[2].positions[c]];
                if (isMax) {
                  if (v > acc)
                    acc = v;
                } else {
                  acc += v;
                }
                ++count;
              }
            }
          if (!isMax && count > 0) {
            if (countIncludePad)
              count = axes[0].paddedCount[o0] * axes[1].paddedCount[o1] *
                      axes[2].paddedCount[o2];
            acc /= static_cast<float>(count);
          }
          yp[(o0 * out[1] + o1) * out[2] + o2] = acc;
        }
  });
  return single(
      Tensor::getFloat(op->getContext(), yType.getShape(), std::move(y)));
}

static EvalResult evalAveragePool(Operation *op, Operands operands,
                                  const EvalContext &ctx) {
  return evalPool<AveragePoolOp>(op, operands, ctx, /*isMax=*/false,
                                 cast<AveragePoolOp>(op).getCountIncludePad());
}

static EvalResult evalMaxPool(Operation *op, Operands operands,
                              const EvalContext &ctx) {
  return evalPool<MaxPoolOp>(op, operands, ctx, /*isMax=*/true, false);
}

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

namespace {
enum class ReduceKind { Sum, Mean, Max, Min, Prod, L1, L2, SumSquare };
} // namespace

/// The value each element contributes (before combining).
template <typename T> static T reduceInput(ReduceKind kind, T v) {
  switch (kind) {
  case ReduceKind::L1:
    if constexpr (std::is_same_v<T, int64_t>)
      return v < 0 ? static_cast<int64_t>(0ull - static_cast<uint64_t>(v)) : v;
    else
      return std::fabs(v);
  case ReduceKind::L2:
  case ReduceKind::SumSquare:
    if constexpr (std::is_same_v<T, int64_t>)
      return static_cast<int64_t>(static_cast<uint64_t>(v) *
                                  static_cast<uint64_t>(v));
    else
      return v * v;
  default:
    return v;
  }
}

template <typename T>
static T reduceInit(ReduceKind kind, std::pair<int64_t, int64_t> range) {
  if constexpr (std::is_same_v<T, float>) {
    if (kind == ReduceKind::Max)
      return -kInf;
    if (kind == ReduceKind::Min)
      return kInf;
  } else {
    if (kind == ReduceKind::Max)
      return range.first;
    if (kind == ReduceKind::Min)
      return range.second;
  }
  return kind == ReduceKind::Prod ? static_cast<T>(1) : static_cast<T>(0);
}

template <typename T> static T reduceCombine(ReduceKind kind, T acc, T v) {
  switch (kind) {
  case ReduceKind::Max:
    if constexpr (std::is_same_v<T, float>)
      if (std::isnan(v) || std::isnan(acc))
        return std::numeric_limits<float>::quiet_NaN();
    return v > acc ? v : acc;
  case ReduceKind::Min:
    if constexpr (std::is_same_v<T, float>)
      if (std::isnan(v) || std::isnan(acc))
        return std::numeric_limits<float>::quiet_NaN();
    return v < acc ? v : acc;
  case ReduceKind::Prod:
    if constexpr (std::is_same_v<T, int64_t>)
      return static_cast<int64_t>(static_cast<uint64_t>(acc) *
                                  static_cast<uint64_t>(v));
    else
      return acc * v;
  default:
    if constexpr (std::is_same_v<T, int64_t>)
      return static_cast<int64_t>(static_cast<uint64_t>(acc) +
                                  static_cast<uint64_t>(v));
    else
      return acc + v;
  }
}

template <typename T>
static T reduceFinish(ReduceKind kind, T acc, int64_t count) {
  if (kind == ReduceKind::Mean) {
    if constexpr (std::is_same_v<T, float>)
      return acc / static_cast<float>(count);
    else
      return count ? acc / count : 0;
  }
  if (kind == ReduceKind::L2) {
    if constexpr (std::is_same_v<T, float>)
      return std::sqrt(acc);
    else
      return static_cast<T>(std::sqrt(static_cast<double>(acc)));
  }
  return acc;
}

/// Reduces `data` (shape `shape`) over `axes` (sorted, unique) into an array
/// in the row-major order of the kept dimensions.
template <typename T>
static std::vector<T> reduceArray(ArrayRef<T> data, ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> axes, ReduceKind kind,
                                  std::pair<int64_t, int64_t> range,
                                  const EvalContext &ctx) {
  int64_t rank = shape.size();
  SmallVector<int64_t> kept(shape);
  int64_t count = 1;
  for (int64_t a : axes) {
    kept[a] = 1;
    count *= shape[a];
  }
  int64_t outSize = product(kept);
  std::vector<T> out(outSize, reduceInit<T>(kind, range));
  bool contiguous = true;
  for (size_t i = 1; i < axes.size(); ++i)
    contiguous &= axes[i] == axes[i - 1] + 1;
  if (axes.empty() || contiguous) {
    // outer x count x inner.
    int64_t first = axes.empty() ? rank : axes.front();
    int64_t last = axes.empty() ? rank : axes.back() + 1;
    int64_t outer = product(shape.take_front(first));
    int64_t inner = product(shape.drop_front(last));
    parallelForRange(
        ctx.numThreads, outer,
        std::max<int64_t>(1, 65536 / (count * inner + 1)),
        [&](int64_t begin, int64_t end) {
          for (int64_t o = begin; o < end; ++o) {
            T *acc = out.data() + o * inner;
            const T *src = data.data() + o * count * inner;
            if (inner == 1 &&
                (kind == ReduceKind::Sum || kind == ReduceKind::Mean ||
                 kind == ReduceKind::L1 || kind == ReduceKind::L2 ||
                 kind == ReduceKind::SumSquare)) {
              // Eight interleaved partial sums, combined pairwise.
              T lanes[8] = {};
              int64_t r = 0;
              for (; r + 8 <= count; r += 8)
                for (int l = 0; l < 8; ++l)
                  lanes[l] = reduceCombine(kind, lanes[l],
                                           reduceInput(kind, src[r + l]));
              for (int l = 0; r < count; ++r, ++l)
                lanes[l] =
                    reduceCombine(kind, lanes[l], reduceInput(kind, src[r]));
              for (int w = 4; w >= 1; w /= 2)
                for (int l = 0; l < w; ++l)
                  lanes[l] = reduceCombine(kind, lanes[l], lanes[l + w]);
              acc[0] = lanes[0];
              continue;
            }
            for (int64_t r = 0; r < count; ++r)
              for (int64_t i = 0; i < inner; ++i)
                acc[i] = reduceCombine(kind, acc[i],
                                       reduceInput(kind, src[r * inner + i]));
          }
        });
  } else {
    // Any axes: walk the input in order, accumulating into its output.
    SmallVector<int64_t> outStrides = rowMajorStrides(kept);
    for (int64_t a : axes)
      outStrides[a] = 0;
    SmallVector<int64_t> idx(rank, 0);
    int64_t o = 0;
    for (const T &v : data) {
      out[o] = reduceCombine(kind, out[o], reduceInput(kind, v));
      for (int64_t d = rank - 1; d >= 0; --d) {
        o += outStrides[d];
        if (++idx[d] < shape[d])
          break;
        o -= outStrides[d] * shape[d];
        idx[d] = 0;
      }
    }
  }
  for (T &v : out)
    v = reduceFinish(kind, v, count);
  return out;
}

/// Sorted, normalised reduction axes (all when `axes` is absent).
static SmallVector<int64_t> getAxes(std::optional<ArrayRef<int64_t>> axes,
                                    int64_t rank) {
  SmallVector<int64_t> result;
  if (!axes) {
    for (int64_t i = 0; i < rank; ++i)
      result.push_back(i);
    return result;
  }
  for (int64_t a : *axes)
    result.push_back(a < 0 ? a + rank : a);
  llvm::sort(result);
  return result;
}

static Tensor reduceTensor(Operation *op, const Tensor &x,
                           ArrayRef<int64_t> axes, ReduceKind kind,
                           const EvalContext &ctx) {
  auto yType = cast<RankedTensorType>(op->getResult(0).getType());
  if (x.isFloat())
    return Tensor::getFloat(op->getContext(), yType.getShape(),
                            reduceArray<float>(x.getFloats(), x.getShape(),
                                               axes, kind, {0, 0}, ctx));
  Type elem = x.getElementType();
  unsigned width = getIntegerWidth(elem);
  bool isUnsigned = isUnsignedInteger(elem);
  std::vector<int64_t> out = reduceArray<int64_t>(
      x.getInts(), x.getShape(), axes, kind, getIntegerRange(elem), ctx);
  for (int64_t &v : out)
    v = wrapInteger(v, width, isUnsigned);
  return Tensor::getInt(x.getElementType(), yType.getShape(), std::move(out));
}

template <typename OpTy, ReduceKind kind>
static EvalResult evalReduce(Operation *op, Operands operands,
                             const EvalContext &ctx) {
  auto reduce = cast<OpTy>(op);
  SmallVector<int64_t> axes = getAxes(reduce.getAxes(), operands[0]->getRank());
  return single(reduceTensor(op, *operands[0], axes, kind, ctx));
}

template <ReduceKind kind>
static EvalResult evalGlobalPool(Operation *op, Operands operands,
                                 const EvalContext &ctx) {
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < operands[0]->getRank(); ++d)
    axes.push_back(d);
  return single(reduceTensor(op, *operands[0], axes, kind, ctx));
}

template <typename OpTy, bool isMax>
static EvalResult evalArgReduce(Operation *op, Operands operands,
                                const EvalContext &) {
  auto argOp = cast<OpTy>(op);
  const Tensor &x = *operands[0];
  int64_t rank = x.getRank();
  auto axis = static_cast<int64_t>(argOp.getAxis());
  if (axis < 0)
    axis += rank;
  bool last = argOp.getSelectLastIndex();
  ArrayRef<int64_t> shape = x.getShape();
  int64_t len = shape[axis];
  if (len == 0)
    return op->emitOpError("expected a non-empty dimension ")
           << axis << " to take the index of, found size 0";
  int64_t outer = product(shape.take_front(axis));
  int64_t inner = product(shape.drop_front(axis + 1));
  auto yType = cast<RankedTensorType>(op->getResult(0).getType());
  std::vector<int64_t> y(outer * inner);
  auto run = [&](auto values) {
    using T = std::remove_const_t<std::remove_reference_t<decltype(values[0])>>;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        const T *p = values.data() + o * len * inner + i;
        int64_t best = 0;
        T bestV = p[0];
        for (int64_t r = 1; r < len; ++r) {
          T v = p[r * inner];
          bool better;
          if constexpr (std::is_same_v<T, float>) {
            // numpy semantics: the first NaN wins.
            if (std::isnan(bestV))
              break;
            if (std::isnan(v)) {
              best = r, bestV = v;
              break;
            }
          }
          if (isMax)
            better = last ? v >= bestV : v > bestV;
          else
            better = last ? v <= bestV : v < bestV;
          if (better)
            best = r, bestV = v;
        }
        y[o * inner + i] = best;
      }
  };
  if (x.isFloat())
    run(x.getFloats());
  else
    run(x.getInts());
  return single(
      Tensor::getInt(yType.getElementType(), yType.getShape(), std::move(y)));
}

//===----------------------------------------------------------------------===//
// Normalisation and softmax.
//===----------------------------------------------------------------------===//

static EvalResult evalBatchNorm(Operation *op, Operands operands,
                                const EvalContext &ctx) {
  auto bn = cast<BatchNormalizationOp>(op);
  const Tensor &x = *operands[0];
  ArrayRef<float> scale = operands[1]->getFloats(),
                  bias = operands[2]->getFloats(),
                  mean = operands[3]->getFloats(),
                  var = operands[4]->getFloats();
  float eps = bn.getEpsilon().convertToFloat();
  int64_t n = x.getShape()[0], c = x.getShape()[1];
  int64_t inner = product(x.getShape().drop_front(2));
  std::vector<float> y(x.getNumElements());
  ArrayRef<float> xd = x.getFloats();
  parallelForTasks(ctx.numThreads, n * c, [&](int64_t plane) {
    int64_t ch = plane % c;
    float denom = std::sqrt(var[ch] + eps);
    const float *src = xd.data() + plane * inner;
    float *dst = y.data() + plane * inner;
    for (int64_t i = 0; i < inner; ++i)
      dst[i] = (src[i] - mean[ch]) / denom * scale[ch] + bias[ch];
  });
  return single(Tensor::getFloat(op->getContext(), x.getShape(), std::move(y)));
}

/// `t` (broadcastable to `shape`) expanded to the elements of `shape`.
static std::vector<float> expandTo(const Tensor &t, ArrayRef<int64_t> shape) {
  std::vector<float> out(product(shape));
  SmallVector<int64_t> strides = broadcastStrides(t.getShape(), shape);
  ArrayRef<float> src = t.getFloats();
  forEachBroadcast(shape, strides, strides,
                   [&](int64_t o, int64_t a, int64_t) { out[o] = src[a]; });
  return out;
}

static EvalResult evalLayerNorm(Operation *op, Operands operands,
                                const EvalContext &ctx) {
  auto ln = cast<LayerNormalizationOp>(op);
  const Tensor &x = *operands[0];
  int64_t rank = x.getRank();
  int64_t axis = static_cast<int64_t>(ln.getAxis());
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> normShape = x.getShape().drop_front(axis);
  int64_t outer = product(x.getShape().take_front(axis));
  int64_t inner = product(normShape);
  std::vector<float> scale = expandTo(*operands[1], normShape);
  std::vector<float> bias = ln.getBias() ? expandTo(*operands[2], normShape)
                                         : std::vector<float>(inner, 0.0f);
  float eps = ln.getEpsilon().convertToFloat();
  ArrayRef<float> xd = x.getFloats();
  std::vector<float> y(x.getNumElements());
  parallelForRange(ctx.numThreads, outer,
                   std::max<int64_t>(1, 16384 / (inner + 1)),
                   [&](int64_t begin, int64_t end) {
                     std::vector<float> d(inner);
                     for (int64_t o = begin; o < end; ++o) {
                       const float *src = xd.data() + o * inner;
                       float sum = 0.0f;
                       for (int64_t i = 0; i < inner; ++i)
                         sum += src[i];
                       float mean = sum / static_cast<float>(inner);
                       float sq = 0.0f;
                       for (int64_t i = 0; i < inner; ++i) {
                         d[i] = src[i] - mean;
                         sq += d[i] * d[i];
                       }
                       float var = sq / static_cast<float>(inner);
                       float inv = 1.0f / std::sqrt(var + eps);
                       float *dst = y.data() + o * inner;
                       for (int64_t i = 0; i < inner; ++i)
                         dst[i] = d[i] * inv * scale[i] + bias[i];
                     }
                   });
  return single(Tensor::getFloat(op->getContext(), x.getShape(), std::move(y)));
}

template <typename OpTy, bool isLog>
static EvalResult evalSoftmax(Operation *op, Operands operands,
                              const EvalContext &ctx) {
  const Tensor &x = *operands[0];
  int64_t rank = x.getRank();
  auto axis = static_cast<int64_t>(cast<OpTy>(op).getAxis());
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> shape = x.getShape();
  int64_t len = shape[axis];
  int64_t outer = product(shape.take_front(axis));
  int64_t inner = product(shape.drop_front(axis + 1));
  ArrayRef<float> xd = x.getFloats();
  std::vector<float> y(x.getNumElements());
  parallelForRange(ctx.numThreads, outer * inner,
                   std::max<int64_t>(1, 16384 / (len + 1)),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t t = begin; t < end; ++t) {
                       int64_t o = t / inner, i = t % inner;
                       const float *src = xd.data() + o * len * inner + i;
                       float *dst = y.data() + o * len * inner + i;
                       float mx = -kInf;
                       for (int64_t r = 0; r < len; ++r)
                         mx = std::max(mx, src[r * inner]);
                       float sum = 0.0f;
                       for (int64_t r = 0; r < len; ++r) {
                         float e = std::exp(src[r * inner] - mx);
                         if (!isLog)
                           dst[r * inner] = e;
                         sum += e;
                       }
                       if (isLog) {
                         float logSum = std::log(sum);
                         for (int64_t r = 0; r < len; ++r)
                           dst[r * inner] = (src[r * inner] - mx) - logSum;
                       } else {
                         for (int64_t r = 0; r < len; ++r)
                           dst[r * inner] /= sum;
                       }
                     }
                   });
  return single(Tensor::getFloat(op->getContext(), x.getShape(), std::move(y)));
}

void mlir::qc::detail::registerNNKernels(KernelTable &t) {
  t[AveragePoolOp::getOperationName()] = evalAveragePool;
  t[MaxPoolOp::getOperationName()] = evalMaxPool;
  t[GlobalAveragePoolOp::getOperationName()] = evalGlobalPool<ReduceKind::Mean>;
  t[GlobalMaxPoolOp::getOperationName()] = evalGlobalPool<ReduceKind::Max>;
  t[ReduceMeanOp::getOperationName()] =
      evalReduce<ReduceMeanOp, ReduceKind::Mean>;
  t[ReduceSumOp::getOperationName()] = evalReduce<ReduceSumOp, ReduceKind::Sum>;
  t[ReduceMaxOp::getOperationName()] = evalReduce<ReduceMaxOp, ReduceKind::Max>;
  t[ReduceMinOp::getOperationName()] = evalReduce<ReduceMinOp, ReduceKind::Min>;
  t[ReduceProdOp::getOperationName()] =
      evalReduce<ReduceProdOp, ReduceKind::Prod>;
  t[ReduceL1Op::getOperationName()] = evalReduce<ReduceL1Op, ReduceKind::L1>;
  t[ReduceL2Op::getOperationName()] = evalReduce<ReduceL2Op, ReduceKind::L2>;
  t[ReduceSumSquareOp::getOperationName()] =
      evalReduce<ReduceSumSquareOp, ReduceKind::SumSquare>;
  t[ArgMaxOp::getOperationName()] = evalArgReduce<ArgMaxOp, true>;
  t[ArgMinOp::getOperationName()] = evalArgReduce<ArgMinOp, false>;
  t[BatchNormalizationOp::getOperationName()] = evalBatchNorm;
  t[LayerNormalizationOp::getOperationName()] = evalLayerNorm;
  t[SoftmaxOp::getOperationName()] = evalSoftmax<SoftmaxOp, false>;
  t[LogSoftmaxOp::getOperationName()] = evalSoftmax<LogSoftmaxOp, true>;
}

//===- EvalQuant.cpp - quantize, dequantize, requantize, hadamard ---------===//
//
// quantize:   q = clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)
//             in f32, as ONNX QuantizeLinear (NaN quantizes to the zero point);
// dequantize: x = (q - zero_point) * scale in f32, as ONNX DequantizeLinear;
// requantize: quantize(dequantize(q)) without the f32 rounding in between:
//             (q - zp) * scale / newScale in double (exact for storage of
//             up to 16 bits), rounded half to even.
// The parameters come from the !quant.uniform type: per-tensor, per-axis or
// sub-channel (a block of elements shares one scale and zero point). The
// clamp range is the storage type's, narrow ranges (i8<-127:127>) included.
//
// hadamard is the normalised fast Walsh-Hadamard transform of each block of
// the last dimension, in f32: butterflies in natural (Sylvester) order, then
// a multiplication by 1 / sqrt(block size).
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

namespace {
/// The quantization parameters of a tensor type and the map from an element
/// to its parameters: element (i_0, ..., i_n) uses parameter
/// sum_d (i_d / block[d]) * paramStrides[d].
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  SmallVector<int64_t> block, paramStrides;
  int64_t qmin = 0, qmax = 0;
};
} // namespace

static FailureOr<QuantParams> getQuantParams(Operation *op,
                                             RankedTensorType type) {
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size();
  auto q = cast<quant::QuantizedType>(type.getElementType());
  QuantParams p;
  p.qmin = q.getStorageTypeMin();
  p.qmax = q.getStorageTypeMax();
  p.block.assign(shape.begin(), shape.end());
  for (int64_t &b : p.block)
    b = std::max<int64_t>(b, 1);
  p.paramStrides.assign(rank, 0);
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q)) {
    p.scales.push_back(static_cast<float>(u.getScale()));
    p.zeroPoints.push_back(u.getZeroPoint());
    return p;
  }
  if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    int64_t axis = a.getQuantizedDimension();
    if (axis < 0 || axis >= rank ||
        static_cast<int64_t>(a.getScales().size()) != shape[axis])
      return op->emitOpError("expected ")
             << (axis >= 0 && axis < rank ? shape[axis] : 0)
             << " scales along quantized dimension " << axis << ", found "
             << a.getScales().size();
    for (double s : a.getScales())
      p.scales.push_back(static_cast<float>(s));
    p.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    p.block[axis] = 1;
    p.paramStrides[axis] = 1;
    return p;
  }
  auto sub = cast<quant::UniformQuantizedSubChannelType>(q);
  ArrayRef<int64_t> paramShape = sub.getScales().getType().getShape();
  if (static_cast<int64_t>(paramShape.size()) != rank)
    return op->emitOpError("expected a scale tensor of rank ")
           << rank << ", found rank " << paramShape.size();
  for (int64_t d = 0; d < rank; ++d) {
    if (paramShape[d] <= 0 || shape[d] % paramShape[d] != 0)
      return op->emitOpError("expected the scale tensor's dimension ")
             << d << " (" << paramShape[d] << ") to divide the tensor's ("
             << shape[d] << ")";
    p.block[d] = std::max<int64_t>(1, shape[d] / paramShape[d]);
  }
  p.paramStrides = rowMajorStrides(paramShape);
  for (const APFloat &s : sub.getScales().getValues<APFloat>())
    p.scales.push_back(static_cast<float>(s.convertToDouble()));
  // Upstream prints and parses the zero points of unsigned types as signed
  // numbers (u4 zero point 12 is `:-4`), and the parsed APInts of sub-byte
  // widths can carry the sign extension above their width (a 4-bit 12 reads
  // back as 252 with getZExtValue): take the storage's low bits, zero-extended
  // for unsigned storage, sign-extended for signed.
  bool isSigned = sub.isSigned();
  unsigned width = sub.getStorageTypeIntegralWidth();
  uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
  for (const APInt &z : sub.getZeroPoints().getValues<APInt>()) {
    uint64_t bits = z.getRawData()[0] & mask;
    p.zeroPoints.push_back(isSigned && width < 64
                               ? static_cast<int64_t>(bits << (64 - width)) >>
                                     (64 - width)
                               : static_cast<int64_t>(bits));
  }
  if (p.zeroPoints.size() != p.scales.size())
    return op->emitOpError("expected as many zero points as scales (")
           << p.scales.size() << "), found " << p.zeroPoints.size();
  return p;
}

/// Calls fn(element, parameter index) for every element of `shape`.
template <typename Fn>
static void forEachParam(ArrayRef<int64_t> shape, const QuantParams &p,
                         Fn &&fn) {
  int64_t rank = shape.size();
  int64_t total = product(shape);
  if (total == 0)
    return;
  if (p.scales.size() == 1) {
    for (int64_t i = 0; i < total; ++i)
      fn(i, 0);
    return;
  }
  int64_t inner = rank ? shape.back() : 1;
  int64_t innerBlock = rank ? p.block.back() : 1;
  int64_t innerStride = rank ? p.paramStrides.back() : 0;
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t row = 0; row < total; row += inner) {
    int64_t base = 0;
    for (int64_t d = 0; d + 1 < rank; ++d)
      base += idx[d] / p.block[d] * p.paramStrides[d];
    for (int64_t i = 0; i < inner; ++i)
      fn(row + i, base + i / innerBlock * innerStride);
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
}

static int64_t clampToStorage(double v, const QuantParams &p) {
  if (std::isnan(v))
    return std::clamp<int64_t>(0, p.qmin, p.qmax);
  if (v <= static_cast<double>(p.qmin))
    return p.qmin;
  if (v >= static_cast<double>(p.qmax))
    return p.qmax;
  return static_cast<int64_t>(v);
}

static EvalResult evalQuantize(Operation *op, Operands operands,
                               const EvalContext &) {
  const Tensor &x = *operands[0];
  auto yType = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<QuantParams> p = getQuantParams(op, yType);
  if (failed(p))
    return failure();
  ArrayRef<float> xd = x.getFloats();
  std::vector<int64_t> q(xd.size());
  forEachParam(yType.getShape(), *p, [&](int64_t i, int64_t pi) {
    float r = std::nearbyint(xd[i] / p->scales[pi]);
    int64_t zp = p->zeroPoints[pi];
    q[i] = std::isnan(r) ? std::clamp(zp, p->qmin, p->qmax)
                         : clampToStorage(static_cast<double>(r) + zp, *p);
  });
  return single(
      Tensor::getInt(yType.getElementType(), yType.getShape(), std::move(q)));
}

static EvalResult evalDequantize(Operation *op, Operands operands,
                                 const EvalContext &) {
  const Tensor &q = *operands[0];
  auto qType = cast<RankedTensorType>(op->getOperand(0).getType());
  FailureOr<QuantParams> p = getQuantParams(op, qType);
  if (failed(p))
    return failure();
  ArrayRef<int64_t> qd = q.getInts();
  std::vector<float> x(qd.size());
  forEachParam(qType.getShape(), *p, [&](int64_t i, int64_t pi) {
    x[i] = static_cast<float>(qd[i] - p->zeroPoints[pi]) * p->scales[pi];
  });
  return single(Tensor::getFloat(op->getContext(), q.getShape(), std::move(x)));
}

static EvalResult evalRequantize(Operation *op, Operands operands,
                                 const EvalContext &) {
  const Tensor &q = *operands[0];
  auto inType = cast<RankedTensorType>(op->getOperand(0).getType());
  auto outType = cast<RankedTensorType>(op->getResult(0).getType());
  FailureOr<QuantParams> in = getQuantParams(op, inType);
  FailureOr<QuantParams> out = getQuantParams(op, outType);
  if (failed(in) || failed(out))
    return failure();
  ArrayRef<int64_t> qd = q.getInts();
  int64_t n = qd.size();
  // The exact dequantized values, then quantized with the new parameters.
  std::vector<double> x(n);
  forEachParam(inType.getShape(), *in, [&](int64_t i, int64_t pi) {
    x[i] = static_cast<double>(qd[i] - in->zeroPoints[pi]) *
           static_cast<double>(in->scales[pi]);
  });
  std::vector<int64_t> y(n);
  forEachParam(outType.getShape(), *out, [&](int64_t i, int64_t pi) {
    double r = std::nearbyint(x[i] / static_cast<double>(out->scales[pi]));
    y[i] = clampToStorage(r + static_cast<double>(out->zeroPoints[pi]), *out);
  });
  return single(Tensor::getInt(outType.getElementType(), outType.getShape(),
                               std::move(y)));
}

static EvalResult evalHadamard(Operation *op, Operands operands,
                               const EvalContext &ctx) {
  const Tensor &x = *operands[0];
  int64_t block = cast<HadamardOp>(op).getEffectiveBlockSize();
  if (block <= 0 || (block & (block - 1)) != 0 || x.getShape().back() % block)
    return op->emitOpError("expected a power-of-two block size dividing the "
                           "last dimension, found ")
           << block;
  std::vector<float> y(x.getFloats().begin(), x.getFloats().end());
  int64_t blocks = static_cast<int64_t>(y.size()) / block;
  float norm = 1.0f / std::sqrt(static_cast<float>(block));
  parallelForRange(ctx.numThreads, blocks, std::max<int64_t>(1, 65536 / block),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t bi = begin; bi < end; ++bi) {
                       float *v = y.data() + bi * block;
                       for (int64_t h = 1; h < block; h *= 2)
                         for (int64_t i = 0; i < block; i += 2 * h)
                           for (int64_t j = i; j < i + h; ++j) {
                             float a = v[j], b = v[j + h];
                             v[j] = a + b;
                             v[j + h] = a - b;
                           }
                       for (int64_t j = 0; j < block; ++j)
                         v[j] *= norm;
                     }
                   });
  return single(Tensor::getFloat(op->getContext(), x.getShape(), std::move(y)));
}

void mlir::qc::detail::registerQuantKernels(KernelTable &t) {
  t[QuantizeOp::getOperationName()] = evalQuantize;
  t[DequantizeOp::getOperationName()] = evalDequantize;
  t[RequantizeOp::getOperationName()] = evalRequantize;
  t[HadamardOp::getOperationName()] = evalHadamard;
}

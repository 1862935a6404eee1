//===- EvalIntContraction.cpp - exact W8A8 conv and matmul ---------------===//
//
// A convolution or matmul whose input is a u8 per-tensor activation and
// whose weight is a constant symmetric s8 tensor (per tensor or per output
// channel), both read through qc.dequantize, is what a W8A8 kernel computes
// with integers: the reference evaluates it the same way, so that compiled
// code and reference agree exactly instead of up to f32 summation order:
//
//   acc[c, p] = sum_k (qx[k, p] - zx) * qw[c, k]            (exact)
//   y[c, p]   = fma(float(acc), f32(sx) * f32(sw[c]), bias[c])
//
// The integers are recovered from the dequantized f32 operands
// (round(x / s) is exact for 8-bit values). The cases match the CPU code
// generator's u8 x s8 contractions (lib/Conversion/QCToLinalg/DataTiling.cpp;
// both use quantc/Support/QuantOperands.h): 2-D convolutions with batch 1
// and group 1 or depthwise (group = channels, one filter per channel), and
// matmuls with a 2-D weight.
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"
#include "quantc/Support/QuantOperands.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

static int32_t toInt(float v, double scale) {
  return static_cast<int32_t>(std::lround(static_cast<double>(v) / scale));
}

/// The requantization factors f32(sx) * f32(sw[c]).
static std::vector<float> factors(double sx, ArrayRef<double> sw) {
  std::vector<float> f(sw.size());
  for (size_t c = 0; c < sw.size(); ++c)
    f[c] = static_cast<float>(sx) * static_cast<float>(sw[c]);
  return f;
}

std::optional<EvalResult>
mlir::qc::detail::evalIntegerConv(ConvOp conv, Operands operands,
                                  const EvalContext &ctx) {
  RankedTensorType xt = conv.getX().getType(), yt = conv.getY().getType();
  if (xt.getRank() != 4 || xt.getDimSize(0) != 1)
    return std::nullopt;
  bool depthwise = isDepthwiseConv2D(conv);
  if (conv.getGroup() != 1 && !depthwise)
    return std::nullopt;
  quant::UniformQuantizedType xType = getU8Activation(conv.getX());
  std::optional<S8Weight> wq8 = matchS8Weight(conv.getW(), 0);
  if (!xType || !wq8)
    return std::nullopt;
  double sx = xType.getScale();
  ArrayRef<double> sw = wq8->scales;
  WindowParams wp;
  if (failed(getWindowParams(conv.getLoc(), conv->getName().getStringRef(), 2,
                             conv.getStrides(), conv.getPads(),
                             conv.getDilations(), wp)))
    return std::nullopt;
  const Tensor &x = *operands[0], &w = *operands[1];
  const Tensor *b = conv.getB() ? operands[2] : nullptr;
  ArrayRef<int64_t> ws = w.getShape();
  int64_t c = xt.getDimSize(1), h = xt.getDimSize(2), wi = xt.getDimSize(3);
  int64_t m = ws[0], kh = ws[2], kw = ws[3];
  int64_t oh = yt.getDimSize(2), ow = yt.getDimSize(3);
  int64_t k = c * kh * kw, p = oh * ow;

  // (q - zx) of the activation and q of the weights, as int16/int32.
  std::vector<int16_t> xq(x.getNumElements());
  for (size_t i = 0; i < xq.size(); ++i)
    xq[i] = static_cast<int16_t>(toInt(x.getFloats()[i], sx));
  // Weights per output channel: k (group 1) or kh * kw (depthwise).
  int64_t kPer = ws[1] * kh * kw;
  std::vector<int32_t> wq(w.getNumElements());
  for (int64_t oc = 0; oc < m; ++oc)
    for (int64_t i = 0; i < kPer; ++i)
      wq[oc * kPer + i] = toInt(w.getFloats()[oc * kPer + i], sw[oc]);
  std::vector<float> f = factors(sx, sw);

  std::vector<float> y(m * p);
  if (depthwise) {
    // One task per channel; padding reads (q - zx) = 0.
    parallelForTasks(ctx.numThreads, c, [&](int64_t ch) {
      const int32_t *wc = wq.data() + ch * kh * kw;
      float bias = b ? b->getFloats()[ch] : 0.0f;
      for (int64_t r = 0; r < oh; ++r)
        for (int64_t q = 0; q < ow; ++q) {
          int32_t acc = 0;
          for (int64_t i = 0; i < kh; ++i) {
            int64_t iy =
                r * wp.strides[0] + i * wp.dilations[0] - wp.padsBegin[0];
            if (iy < 0 || iy >= h)
              continue;
            for (int64_t j = 0; j < kw; ++j) {
              int64_t ix =
                  q * wp.strides[1] + j * wp.dilations[1] - wp.padsBegin[1];
              if (ix >= 0 && ix < wi)
                acc += wc[i * kw + j] * xq[(ch * h + iy) * wi + ix];
            }
          }
          y[ch * p + r * ow + q] =
              std::fmaf(static_cast<float>(acc), f[ch], bias);
        }
    });
    return single(
        Tensor::getFloat(conv->getContext(), yt.getShape(), std::move(y)));
  }
  // One task per block of output rows: im2col of those rows, then an
  // integer GEMM over all output channels.
  parallelForTasks(ctx.numThreads, oh, [&](int64_t r) {
    std::vector<int32_t> col(k * ow, 0);
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          int32_t *row = col.data() + ((ci * kh + i) * kw + j) * ow;
          int64_t iy =
              r * wp.strides[0] + i * wp.dilations[0] - wp.padsBegin[0];
          if (iy < 0 || iy >= h)
            continue;
          for (int64_t q = 0; q < ow; ++q) {
            int64_t ix =
                q * wp.strides[1] + j * wp.dilations[1] - wp.padsBegin[1];
            if (ix >= 0 && ix < wi)
              row[q] = xq[(ci * h + iy) * wi + ix];
          }
        }
    std::vector<int32_t> acc(ow);
    for (int64_t oc = 0; oc < m; ++oc) {
      std::fill(acc.begin(), acc.end(), 0);
      const int32_t *wr = wq.data() + oc * k;
      for (int64_t kk = 0; kk < k; ++kk) {
        int32_t wv = wr[kk];
        const int32_t *cr = col.data() + kk * ow;
        for (int64_t q = 0; q < ow; ++q)
          acc[q] += wv * cr[q];
      }
      float bias = b ? b->getFloats()[oc] : 0.0f;
      float *yr = y.data() + oc * p + r * ow;
      for (int64_t q = 0; q < ow; ++q)
        yr[q] = std::fmaf(static_cast<float>(acc[q]), f[oc], bias);
    }
  });
  return single(
      Tensor::getFloat(conv->getContext(), yt.getShape(), std::move(y)));
}

std::optional<EvalResult>
mlir::qc::detail::evalIntegerMatMul(MatMulOp mm, Operands operands,
                                    const EvalContext &ctx) {
  auto at = cast<RankedTensorType>(mm.getLhs().getType());
  auto bt = cast<RankedTensorType>(mm.getRhs().getType());
  if (at.getRank() < 2 || bt.getRank() != 2)
    return std::nullopt;
  quant::UniformQuantizedType xType = getU8Activation(mm.getLhs());
  std::optional<S8Weight> wq8 = matchS8Weight(mm.getRhs(), 1);
  if (!xType || !wq8)
    return std::nullopt;
  double sx = xType.getScale();
  ArrayRef<double> sw = wq8->scales;
  const Tensor &a = *operands[0], &b = *operands[1];
  int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
  int64_t m = a.getNumElements() / k;
  std::vector<int32_t> wq(k * n);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t j = 0; j < n; ++j)
      wq[kk * n + j] = toInt(b.getFloats()[kk * n + j], sw[j]);
  std::vector<float> f = factors(sx, sw);
  std::vector<float> y(m * n);
  parallelForTasks(ctx.numThreads, m, [&](int64_t i) {
    std::vector<int32_t> acc(n, 0);
    for (int64_t kk = 0; kk < k; ++kk) {
      int32_t xv = toInt(a.getFloats()[i * k + kk], sx);
      const int32_t *wr = wq.data() + kk * n;
      for (int64_t j = 0; j < n; ++j)
        acc[j] += xv * wr[j];
    }
    for (int64_t j = 0; j < n; ++j)
      y[i * n + j] = static_cast<float>(acc[j]) * f[j];
  });
  auto yt = cast<RankedTensorType>(mm.getType());
  return single(
      Tensor::getFloat(mm->getContext(), yt.getShape(), std::move(y)));
}

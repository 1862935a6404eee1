//===- EvalContraction.cpp - conv, conv_transpose, matmul, gemm -----------===//
//
// Convolutions are im2col into packed GEMM panels plus the packed GEMM of
// Gemm.cpp (depthwise convolutions are computed directly); transposed
// convolutions are a GEMM followed by col2im. Every output sums its products
// in f32 in the order of the weight's flattened (channel, kernel position)
// index, then adds the bias, as ONNX Runtime accumulates in f32. Up to three
// spatial dimensions are supported. W8A8 convolutions and matmuls accumulate
// exactly in integers instead (EvalIntContraction.cpp).
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

/// Columns of B per GEMM task: the packed B tile (K x tile floats) stays in
/// L2 while the GEMM walks over it.
static int64_t pickTile(int64_t k) {
  int64_t tile = (131072 / std::max<int64_t>(k, 1)) / kGemmNR * kGemmNR;
  return std::clamp<int64_t>(tile, kGemmNR, 1024);
}

/// C[M x N] (row stride ldc) = packedA * B, where B (K x N) is read as
/// b[k * bRow + j * bCol]; parallel over blocks of rows and columns.
static void gemmParallel(const float *packedA, int64_t m, int64_t k,
                         const float *b, int64_t bRow, int64_t bCol, int64_t n,
                         float *c, int64_t ldc, const EvalContext &ctx) {
  if (m == 0 || n == 0)
    return;
  int64_t tile = pickTile(k);
  int64_t nTiles = (n + tile - 1) / tile;
  // Split the rows too when there are fewer column tiles than threads.
  int64_t mBlock = m;
  if (nTiles < static_cast<int64_t>(ctx.numThreads) && m > 4 * kGemmMR) {
    int64_t blocks = std::min<int64_t>(ctx.numThreads, m / (2 * kGemmMR));
    mBlock = (m + blocks - 1) / blocks;
    mBlock = (mBlock + kGemmMR - 1) / kGemmMR * kGemmMR;
  }
  int64_t mBlocks = (m + mBlock - 1) / mBlock;
  parallelForTasks(ctx.numThreads, nTiles * mBlocks, [&](int64_t task) {
    int64_t j0 = (task / mBlocks) * tile, i0 = (task % mBlocks) * mBlock;
    int64_t cols = std::min(tile, n - j0), rows = std::min(mBlock, m - i0);
    thread_local std::vector<float> packed;
    packed.resize(packedBSize(k, cols));
    packB(b + j0 * bCol, bRow, bCol, k, cols, packed.data());
    gemmPacked(packedA + (i0 / kGemmMR) * k * kGemmMR, packed.data(), rows,
               cols, k, c + i0 * ldc + j0, ldc);
  });
}

//===----------------------------------------------------------------------===//
// Convolution.
//===----------------------------------------------------------------------===//

namespace {
/// Convolution geometry with the spatial dimensions padded to three (a 1-D
/// convolution is 1 x 1 x W, a 2-D one 1 x H x W).
struct ConvGeometry {
  int64_t n = 0, c = 0, m = 0, group = 1;
  int64_t in[3] = {1, 1, 1}, out[3] = {1, 1, 1}, kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1}, dilation[3] = {1, 1, 1}, padBegin[3] = {};
  int64_t inSize() const { return in[0] * in[1] * in[2]; }
  int64_t outSize() const { return out[0] * out[1] * out[2]; }
  int64_t kernelSize() const { return kernel[0] * kernel[1] * kernel[2]; }
};
} // namespace

/// Fills the geometry of a conv or conv_transpose; `x`, `w` and `y` are the
/// shapes, `m` the number of output channels.
static LogicalResult getGeometry(Operation *op, ArrayRef<int64_t> x,
                                 ArrayRef<int64_t> w, ArrayRef<int64_t> y,
                                 int64_t group,
                                 std::optional<ArrayRef<int64_t>> strides,
                                 std::optional<ArrayRef<int64_t>> pads,
                                 std::optional<ArrayRef<int64_t>> dilations,
                                 ConvGeometry &g) {
  int64_t nsp = static_cast<int64_t>(x.size()) - 2;
  if (nsp < 1 || nsp > 3)
    return op->emitOpError("expected 1 to 3 spatial dimensions for the "
                           "reference evaluator, found ")
           << nsp;
  WindowParams wp;
  if (failed(getWindowParams(op->getLoc(), op->getName().getStringRef(), nsp,
                             strides, pads, dilations, wp)))
    return failure();
  g.n = x[0];
  g.c = x[1];
  g.m = y[1];
  g.group = group;
  int64_t offset = 3 - nsp;
  for (int64_t i = 0; i < nsp; ++i) {
    g.in[offset + i] = x[2 + i];
    g.out[offset + i] = y[2 + i];
    g.kernel[offset + i] = w[2 + i];
    g.stride[offset + i] = wp.strides[i];
    g.dilation[offset + i] = wp.dilations[i];
    g.padBegin[offset + i] = wp.padsBegin[i];
  }
  return success();
}

/// Writes the im2col rows of output pixels [p0, p0 + cols) of one group into
/// packed B panels (K = channels x kernel rows, K x cols).
static void im2colPacked(const ConvGeometry &g, const float *x, int64_t cg,
                         int64_t p0, int64_t cols, float *packed) {
  int64_t k = cg * g.kernelSize();
  thread_local std::vector<int64_t> base;
  base.resize(3 * cols);
  for (int64_t j = 0; j < cols; ++j) {
    int64_t p = p0 + j;
    int64_t ow = p % g.out[2], oh = (p / g.out[2]) % g.out[1],
            od = p / (g.out[2] * g.out[1]);
    base[3 * j + 0] = od * g.stride[0] - g.padBegin[0];
    base[3 * j + 1] = oh * g.stride[1] - g.padBegin[1];
    base[3 * j + 2] = ow * g.stride[2] - g.padBegin[2];
  }
  int64_t inPlane = g.inSize();
  int64_t row = 0;
  for (int64_t c = 0; c < cg; ++c) {
    const float *xc = x + c * inPlane;
    for (int64_t kd = 0; kd < g.kernel[0]; ++kd)
      for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
        for (int64_t kw = 0; kw < g.kernel[2]; ++kw, ++row) {
          int64_t offD = kd * g.dilation[0], offH = kh * g.dilation[1],
                  offW = kw * g.dilation[2];
          for (int64_t j0 = 0; j0 < cols; j0 += kGemmNR) {
            float *dst = packed + (j0 / kGemmNR) * k * kGemmNR + row * kGemmNR;
            int64_t n = std::min(kGemmNR, cols - j0);
            for (int64_t jj = 0; jj < n; ++jj) {
              const int64_t *bj = &base[3 * (j0 + jj)];
              int64_t id = bj[0] + offD, ih = bj[1] + offH, iw = bj[2] + offW;
              bool inside = id >= 0 && id < g.in[0] && ih >= 0 &&
                            ih < g.in[1] && iw >= 0 && iw < g.in[2];
              dst[jj] = inside ? xc[(id * g.in[1] + ih) * g.in[2] + iw] : 0.0f;
            }
            for (int64_t jj = n; jj < kGemmNR; ++jj)
              dst[jj] = 0.0f;
          }
        }
  }
}

/// One channel of a depthwise convolution, computed directly.
static void depthwisePlane(const ConvGeometry &g, const float *x,
                           const float *w, float *y) {
  std::fill(y, y + g.outSize(), 0.0f);
  int64_t s2 = g.stride[2];
  for (int64_t od = 0; od < g.out[0]; ++od)
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      float *yrow = y + (od * g.out[1] + oh) * g.out[2];
      for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
        int64_t id = od * g.stride[0] - g.padBegin[0] + kd * g.dilation[0];
        if (id < 0 || id >= g.in[0])
          continue;
        for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
          int64_t ih = oh * g.stride[1] - g.padBegin[1] + kh * g.dilation[1];
          if (ih < 0 || ih >= g.in[1])
            continue;
          const float *xrow = x + (id * g.in[1] + ih) * g.in[2];
          for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
            float wv = w[(kd * g.kernel[1] + kh) * g.kernel[2] + kw];
            // Output columns whose input column ow * s2 + off is inside.
            int64_t off = kw * g.dilation[2] - g.padBegin[2];
            int64_t lo = off >= 0 ? 0 : (-off + s2 - 1) / s2;
            int64_t last = g.in[2] - 1 - off;
            int64_t hi = last < 0 ? 0 : std::min(g.out[2], last / s2 + 1);
            if (s2 == 1) {
              const float *xs = xrow + off;
              for (int64_t ow = lo; ow < hi; ++ow)
                yrow[ow] += wv * xs[ow];
            } else {
              for (int64_t ow = lo; ow < hi; ++ow)
                yrow[ow] += wv * xrow[ow * s2 + off];
            }
          }
        }
      }
    }
}

static EvalResult evalConv(Operation *op, Operands operands,
                           const EvalContext &ctx) {
  auto conv = cast<ConvOp>(op);
  if (std::optional<EvalResult> exact = evalIntegerConv(conv, operands, ctx))
    return std::move(*exact);
  const Tensor &x = *operands[0], &w = *operands[1];
  const Tensor *b = conv.getB() ? operands[2] : nullptr;
  RankedTensorType yType = conv.getY().getType();
  ConvGeometry g;
  if (failed(getGeometry(op, x.getShape(), w.getShape(), yType.getShape(),
                         static_cast<int64_t>(conv.getGroup()),
                         conv.getStrides(), conv.getPads(), conv.getDilations(),
                         g)))
    return failure();
  int64_t cg = g.c / g.group, mg = g.m / g.group;
  int64_t k = cg * g.kernelSize(), p = g.outSize(), inP = g.inSize();
  std::vector<float> y(product(yType.getShape()));
  if (y.empty())
    return single(Tensor::getFloat(op->getContext(), yType.getShape(), {}));
  const float *xd = x.getFloats().data(), *wd = w.getFloats().data();

  if (cg == 1 && mg == 1) {
    parallelForTasks(ctx.numThreads, g.n * g.m, [&](int64_t plane) {
      int64_t ch = plane % g.m;
      float *yp = y.data() + plane * p;
      depthwisePlane(g, xd + plane * inP, wd + ch * g.kernelSize(), yp);
      if (b) {
        float bias = b->getFloats()[ch];
        for (int64_t i = 0; i < p; ++i)
          yp[i] += bias;
      }
    });
    return single(
        Tensor::getFloat(op->getContext(), yType.getShape(), std::move(y)));
  }

  int64_t aSize = packedASize(mg, k);
  std::vector<float> packedW(aSize * g.group);
  for (int64_t gi = 0; gi < g.group; ++gi)
    packA(wd + gi * mg * k, k, 1, mg, k, packedW.data() + gi * aSize);

  int64_t tile = pickTile(k);
  int64_t tiles = (p + tile - 1) / tile;
  parallelForTasks(ctx.numThreads, g.n * g.group * tiles, [&](int64_t task) {
    int64_t t = task % tiles, gi = (task / tiles) % g.group,
            ni = task / (tiles * g.group);
    int64_t p0 = t * tile, cols = std::min(tile, p - p0);
    thread_local std::vector<float> packed;
    packed.resize(packedBSize(k, cols));
    im2colPacked(g, xd + (ni * g.c + gi * cg) * inP, cg, p0, cols,
                 packed.data());
    float *yc = y.data() + (ni * g.m + gi * mg) * p + p0;
    gemmPacked(packedW.data() + gi * aSize, packed.data(), mg, cols, k, yc, p);
    if (b)
      for (int64_t mi = 0; mi < mg; ++mi) {
        float bias = b->getFloats()[gi * mg + mi];
        for (int64_t j = 0; j < cols; ++j)
          yc[mi * p + j] += bias;
      }
  });
  return single(
      Tensor::getFloat(op->getContext(), yType.getShape(), std::move(y)));
}

static EvalResult evalConvTranspose(Operation *op, Operands operands,
                                    const EvalContext &ctx) {
  auto conv = cast<ConvTransposeOp>(op);
  const Tensor &x = *operands[0], &w = *operands[1];
  const Tensor *b = conv.getB() ? operands[2] : nullptr;
  RankedTensorType yType = conv.getY().getType();
  ConvGeometry g;
  if (failed(getGeometry(op, x.getShape(), w.getShape(), yType.getShape(),
                         static_cast<int64_t>(conv.getGroup()),
                         conv.getStrides(), conv.getPads(), conv.getDilations(),
                         g)))
    return failure();
  int64_t cg = g.c / g.group, mg = g.m / g.group, kp = g.kernelSize();
  int64_t inP = g.inSize(), outP = g.outSize();
  std::vector<float> y(product(yType.getShape()), 0.0f);
  if (y.empty())
    return single(Tensor::getFloat(op->getContext(), yType.getShape(), {}));
  const float *xd = x.getFloats().data(), *wd = w.getFloats().data();

  // Tasks: (batch, group, block of output channels); each writes its own
  // output planes, so the col2im scatter never races.
  int64_t blocks = std::clamp<int64_t>(
      2 * ctx.numThreads / std::max<int64_t>(1, g.n * g.group), 1, mg);
  int64_t mBlock = (mg + blocks - 1) / blocks;
  blocks = (mg + mBlock - 1) / mBlock;
  int64_t tile = pickTile(cg);
  parallelForTasks(ctx.numThreads, g.n * g.group * blocks, [&](int64_t task) {
    int64_t mb = task % blocks, gi = (task / blocks) % g.group,
            ni = task / (blocks * g.group);
    int64_t m0 = mb * mBlock, mCount = std::min(mBlock, mg - m0);
    int64_t rows = mCount * kp;
    // A = W_g^T restricted to the block: row (m, kernel pos), column c.
    std::vector<float> packedW(packedASize(rows, cg));
    packA(wd + gi * cg * mg * kp + m0 * kp, 1, mg * kp, rows, cg,
          packedW.data());
    std::vector<float> packed, cols;
    std::vector<int64_t> base;
    const float *xg = xd + (ni * g.c + gi * cg) * inP;
    for (int64_t p0 = 0; p0 < inP; p0 += tile) {
      int64_t n = std::min(tile, inP - p0);
      packed.resize(packedBSize(cg, n));
      packB(xg + p0, inP, 1, cg, n, packed.data());
      cols.resize(rows * n);
      gemmPacked(packedW.data(), packed.data(), rows, n, cg, cols.data(), n);
      // col2im: input pixel i, kernel position k -> output i*s - pad + k*d.
      base.resize(3 * n);
      for (int64_t j = 0; j < n; ++j) {
        int64_t pi = p0 + j;
        base[3 * j + 0] =
            pi / (g.in[2] * g.in[1]) * g.stride[0] - g.padBegin[0];
        base[3 * j + 1] =
            (pi / g.in[2]) % g.in[1] * g.stride[1] - g.padBegin[1];
        base[3 * j + 2] = pi % g.in[2] * g.stride[2] - g.padBegin[2];
      }
      for (int64_t r = 0; r < rows; ++r) {
        int64_t mi = r / kp, kk = r % kp;
        int64_t offW = kk % g.kernel[2] * g.dilation[2],
                offH = (kk / g.kernel[2]) % g.kernel[1] * g.dilation[1],
                offD = kk / (g.kernel[2] * g.kernel[1]) * g.dilation[0];
        float *yp = y.data() + (ni * g.m + gi * mg + m0 + mi) * outP;
        const float *cr = cols.data() + r * n;
        for (int64_t j = 0; j < n; ++j) {
          int64_t od = base[3 * j] + offD, oh = base[3 * j + 1] + offH,
                  ow = base[3 * j + 2] + offW;
          if (od < 0 || od >= g.out[0] || oh < 0 || oh >= g.out[1] || ow < 0 ||
              ow >= g.out[2])
            continue;
          yp[(od * g.out[1] + oh) * g.out[2] + ow] += cr[j];
        }
      }
    }
    if (b)
      for (int64_t mi = 0; mi < mCount; ++mi) {
        float bias = b->getFloats()[gi * mg + m0 + mi];
        float *yp = y.data() + (ni * g.m + gi * mg + m0 + mi) * outP;
        for (int64_t i = 0; i < outP; ++i)
          yp[i] += bias;
      }
  });
  return single(
      Tensor::getFloat(op->getContext(), yType.getShape(), std::move(y)));
}

//===----------------------------------------------------------------------===//
// MatMul and Gemm.
//===----------------------------------------------------------------------===//

static EvalResult evalMatMul(Operation *op, Operands operands,
                             const EvalContext &ctx) {
  if (std::optional<EvalResult> exact =
          evalIntegerMatMul(cast<MatMulOp>(op), operands, ctx))
    return std::move(*exact);
  const Tensor &a = *operands[0], &b = *operands[1];
  auto yType = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<int64_t> as(a.getShape()), bs(b.getShape());
  if (as.size() == 1)
    as.insert(as.begin(), 1);
  if (bs.size() == 1)
    bs.push_back(1);
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  ArrayRef<int64_t> aBatch = ArrayRef(as).drop_back(2);
  ArrayRef<int64_t> bBatch = ArrayRef(bs).drop_back(2);
  // The broadcast batch shape: the longer batch with ones broadcast.
  size_t rank = std::max(aBatch.size(), bBatch.size());
  SmallVector<int64_t> batch(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da =
        i + aBatch.size() >= rank ? aBatch[i + aBatch.size() - rank] : 1;
    int64_t db =
        i + bBatch.size() >= rank ? bBatch[i + bBatch.size() - rank] : 1;
    batch[i] = da == 1 ? db : da;
  }
  SmallVector<int64_t> aStr = broadcastStrides(aBatch, batch);
  SmallVector<int64_t> bStr = broadcastStrides(bBatch, batch);
  int64_t numBatches = product(batch);
  SmallVector<int64_t> batchStrides = rowMajorStrides(batch);
  auto offsets = [&](int64_t bi, int64_t &ao, int64_t &bo) {
    ao = bo = 0;
    for (size_t d = 0; d < rank; ++d) {
      int64_t i = (bi / batchStrides[d]) % batch[d];
      ao += i * aStr[d];
      bo += i * bStr[d];
    }
  };

  if (a.isFloat()) {
    std::vector<float> y(numBatches * m * n);
    std::vector<float> packedA(packedASize(m, k));
    int64_t lastA = -1;
    for (int64_t bi = 0; bi < numBatches; ++bi) {
      int64_t ao, bo;
      offsets(bi, ao, bo);
      const float *ad = a.getFloats().data() + ao * m * k;
      if (ao != lastA)
        packA(ad, k, 1, m, k, packedA.data());
      lastA = ao;
      gemmParallel(packedA.data(), m, k, b.getFloats().data() + bo * k * n, n,
                   1, n, y.data() + bi * m * n, n, ctx);
    }
    return single(
        Tensor::getFloat(op->getContext(), yType.getShape(), std::move(y)));
  }
  unsigned width = getIntegerWidth(a.getElementType());
  bool isUnsigned = isUnsignedInteger(a.getElementType());
  std::vector<int64_t> y(numBatches * m * n);
  for (int64_t bi = 0; bi < numBatches; ++bi) {
    int64_t ao, bo;
    offsets(bi, ao, bo);
    const int64_t *ad = a.getInts().data() + ao * m * k;
    const int64_t *bd = b.getInts().data() + bo * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        uint64_t acc = 0;
        for (int64_t kk = 0; kk < k; ++kk)
          acc += static_cast<uint64_t>(ad[i * k + kk]) *
                 static_cast<uint64_t>(bd[kk * n + j]);
        y[(bi * m + i) * n + j] =
            wrapInteger(static_cast<int64_t>(acc), width, isUnsigned);
      }
  }
  return single(
      Tensor::getInt(a.getElementType(), yType.getShape(), std::move(y)));
}

static EvalResult evalGemm(Operation *op, Operands operands,
                           const EvalContext &ctx) {
  auto gemm = cast<GemmOp>(op);
  const Tensor &a = *operands[0], &b = *operands[1];
  const Tensor *c = gemm.getC() ? operands[2] : nullptr;
  bool ta = gemm.getTransA(), tb = gemm.getTransB();
  int64_t m = a.getShape()[ta ? 1 : 0], k = a.getShape()[ta ? 0 : 1];
  int64_t n = b.getShape()[tb ? 0 : 1];
  std::vector<float> packedA(packedASize(m, k));
  // Element (i, kk) of op(a) is a[i*K + kk], or a[kk*M + i] when transposed.
  packA(a.getFloats().data(), ta ? 1 : k, ta ? m : 1, m, k, packedA.data());
  std::vector<float> y(m * n);
  gemmParallel(packedA.data(), m, k, b.getFloats().data(), tb ? 1 : n,
               tb ? k : 1, n, y.data(), n, ctx);
  float alpha = gemm.getAlpha().convertToFloat();
  float beta = gemm.getBeta().convertToFloat();
  if (alpha != 1.0f)
    for (float &v : y)
      v *= alpha;
  if (c) {
    SmallVector<int64_t> shape = {m, n};
    SmallVector<int64_t> cs = broadcastStrides(c->getShape(), shape);
    ArrayRef<float> cd = c->getFloats();
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j)
        y[i * n + j] += cd[i * cs[0] + j * cs[1]] * beta;
  }
  return single(Tensor::getFloat(op->getContext(), {m, n}, std::move(y)));
}

void mlir::qc::detail::registerContractionKernels(KernelTable &t) {
  t[ConvOp::getOperationName()] = evalConv;
  t[ConvTransposeOp::getOperationName()] = evalConvTranspose;
  t[MatMulOp::getOperationName()] = evalMatMul;
  t[GemmOp::getOperationName()] = evalGemm;
}

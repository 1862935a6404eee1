//===- Hessian.cpp - H = sum X^T X of contraction inputs ------------------===//
//
// GPTQ minimises ||(W - Wq) X^T||^2 row by row, which only needs the second
// moment H = sum_rows x x^T of the layer's input rows x. For a matrix
// product the rows are X[..., K]; for a convolution they are the im2col
// patches (one per output position, zero where the window reads padding),
// with columns ordered like the flattened weight [M, C/g * k1 * ... * kn].
// Each group of a grouped convolution has its own H over its own input
// channels. Rows are gathered in chunks, multiplied in f32 with the
// evaluator's packed GEMM (P^T P), and added to a double accumulator.
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"
#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Contraction.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

/// Rows per chunk: products are summed in f32 over at most this many rows.
static constexpr int64_t kChunkRows = 256;

/// H[K x K] += P^T P for the chunk P[rows x K] (row-major).
static void addGram(double *h, const float *p, int64_t rows, int64_t k,
                    unsigned threads, std::vector<float> &packedA,
                    std::vector<float> &packedB, std::vector<float> &c) {
  packedA.resize(packedASize(k, rows));
  packedB.resize(packedBSize(rows, k));
  c.resize(k * k);
  // A = P^T (K x rows), B = P (rows x K).
  packA(p, /*rowStride=*/1, /*colStride=*/k, k, rows, packedA.data());
  packB(p, /*rowStride=*/k, /*colStride=*/1, rows, k, packedB.data());
  int64_t panels = (k + kGemmMR - 1) / kGemmMR;
  int64_t grain = std::max<int64_t>(1, 8192 / std::max<int64_t>(1, rows));
  parallelForRange(threads, panels, grain, [&](int64_t begin, int64_t end) {
    int64_t r0 = begin * kGemmMR;
    int64_t r1 = std::min(k, end * kGemmMR);
    gemmPacked(packedA.data() + begin * kGemmMR * rows, packedB.data(),
               r1 - r0, k, rows, c.data() + r0 * k, k);
  });
  for (int64_t i = 0; i < k * k; ++i)
    h[i] += c[i];
}

namespace {
/// Reads im2col rows of one convolution input, group by group.
struct Im2Col {
  int64_t batch = 1, channels = 0, groups = 1, spatialRank = 0;
  SmallVector<int64_t> inShape, outShape, kernel, strides, pads, dilations;
  int64_t outPositions = 1, kernelSize = 1;

  Im2Col(ConvOp conv) {
    RankedTensorType x = conv.getX().getType();
    RankedTensorType w = conv.getW().getType();
    RankedTensorType y = conv.getType();
    batch = x.getDimSize(0);
    channels = x.getDimSize(1);
    groups = static_cast<int64_t>(conv.getGroup());
    spatialRank = x.getRank() - 2;
    for (int64_t d = 0; d < spatialRank; ++d) {
      inShape.push_back(x.getDimSize(d + 2));
      outShape.push_back(y.getDimSize(d + 2));
      kernel.push_back(w.getDimSize(d + 2));
      outPositions *= outShape.back();
      kernelSize *= kernel.back();
    }
    strides.assign(spatialRank, 1);
    pads.assign(2 * spatialRank, 0);
    dilations.assign(spatialRank, 1);
    if (auto s = conv.getStrides())
      strides.assign(s->begin(), s->end());
    if (auto p = conv.getPads())
      pads.assign(p->begin(), p->end());
    if (auto d = conv.getDilations())
      dilations.assign(d->begin(), d->end());
  }

  int64_t rows() const { return batch * outPositions; }

  /// Writes row `row` (batch-major, then output position) of group `g` to
  /// out[0 .. C/g * kernelSize).
  void readRow(const float *x, int64_t row, int64_t g, float *out) const {
    int64_t b = row / outPositions, pos = row % outPositions;
    int64_t cPerGroup = channels / groups;
    // Output coordinates, then the input origin of the window.
    int64_t origin[3] = {0, 0, 0}, inSize = 1;
    for (int64_t d = spatialRank - 1; d >= 0; --d) {
      int64_t o = pos % outShape[d];
      pos /= outShape[d];
      origin[d] = o * strides[d] - pads[d];
    }
    for (int64_t d = 0; d < spatialRank; ++d)
      inSize *= inShape[d];
    const float *base = x + (b * channels + g * cPerGroup) * inSize;
    for (int64_t kpos = 0; kpos < kernelSize; ++kpos) {
      int64_t rem = kpos, offset = 0;
      bool inside = true;
      int64_t coords[3] = {0, 0, 0};
      for (int64_t d = spatialRank - 1; d >= 0; --d) {
        coords[d] = origin[d] + (rem % kernel[d]) * dilations[d];
        rem /= kernel[d];
        if (coords[d] < 0 || coords[d] >= inShape[d])
          inside = false;
      }
      if (inside)
        for (int64_t d = 0; d < spatialRank; ++d)
          offset = offset * inShape[d] + coords[d];
      for (int64_t c = 0; c < cPerGroup; ++c)
        out[c * kernelSize + kpos] = inside ? base[c * inSize + offset] : 0.0f;
    }
  }
};
} // namespace

void mlir::qc::accumulateHessian(const Contraction &c, const Tensor &x,
                                 LayerHessian &hessian, unsigned numThreads) {
  int64_t k = c.reduction;
  if (hessian.h.empty()) {
    hessian.groups = c.groups;
    hessian.size = k;
    hessian.h.assign(c.groups * k * k, 0.0);
  }
  unsigned threads = std::max(1u, numThreads);
  std::vector<float> chunk, packedA, packedB, prod;
  ArrayRef<float> data = x.getFloats();

  if (auto conv = dyn_cast<ConvOp>(c.op)) {
    Im2Col im(conv);
    if (im.spatialRank > 3)
      return;
    int64_t rows = im.rows();
    chunk.resize(kChunkRows * k);
    for (int64_t g = 0; g < c.groups; ++g) {
      double *h = hessian.h.data() + g * k * k;
      for (int64_t r0 = 0; r0 < rows; r0 += kChunkRows) {
        int64_t n = std::min(kChunkRows, rows - r0);
        parallelForRange(threads, n, 32, [&](int64_t begin, int64_t end) {
          for (int64_t r = begin; r < end; ++r)
            im.readRow(data.data(), r0 + r, g, chunk.data() + r * k);
        });
        addGram(h, chunk.data(), n, k, threads, packedA, packedB, prod);
      }
    }
    hessian.rows += rows;
    return;
  }

  // Matrix products: rows of X[..., K], or columns of a transposed gemm `a`.
  bool transposed = false;
  if (auto gemm = dyn_cast<GemmOp>(c.op))
    transposed = gemm.getTransA();
  int64_t rows = static_cast<int64_t>(data.size()) / k;
  for (int64_t r0 = 0; r0 < rows; r0 += kChunkRows) {
    int64_t n = std::min(kChunkRows, rows - r0);
    const float *p = data.data() + r0 * k;
    if (transposed) {
      // a is [K, rows]: gather the chunk's columns.
      chunk.resize(n * k);
      for (int64_t r = 0; r < n; ++r)
        for (int64_t i = 0; i < k; ++i)
          chunk[r * k + i] = data[i * rows + r0 + r];
      p = chunk.data();
    }
    addGram(hessian.h.data(), p, n, k, threads, packedA, packedB, prod);
  }
  hessian.rows += rows;
}

//===- GPTQ.cpp - weight quantization: round-to-nearest and GPTQ ----------===//
//
// GPTQ, as in the authors' reference implementation (gptq.py, fasterquant):
//
//   dead inputs (H[i, i] == 0): H[i, i] = 1, W[:, i] = 0
//   act-order: permute the columns of W and of H by decreasing H[i, i]
//   H += damp * mean(diag H) * I;  U = upper Cholesky factor of H^-1
//   for each block of B columns [i1, i2):
//     for each column i in the block:
//       q = quantize(W[:, i]);  err = (W[:, i] - q) / U[i, i]
//       W[:, i+1:i2] -= err * U[i, i+1:i2]          (inside the block)
//     W[:, i2:] -= Err[:, i1:i2] * U[i1:i2, i2:]    (lazy batch update)
//
// All arithmetic is in double; the result is storage integers with f32
// scales, so that dequantizing here and in the evaluator agree exactly.
//
//===----------------------------------------------------------------------===//

#include "quantc/Transforms/GPTQ.h"

#include "llvm/ADT/STLExtras.h"
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

using namespace mlir;
using namespace mlir::qc;

int64_t WeightQuantSpec::qmin() const {
  return symmetric ? -((int64_t(1) << (bits - 1)) - 1) : 0;
}

int64_t WeightQuantSpec::qmax() const {
  return symmetric ? (int64_t(1) << (bits - 1)) - 1 : (int64_t(1) << bits) - 1;
}

namespace {
/// One group's parameters and its rounding.
struct Grid {
  float scale = 1;
  int64_t zp = 0, qmin = 0, qmax = 0;

  int64_t quantize(double w) const {
    double r = std::nearbyint(w / static_cast<double>(scale)) + zp;
    return static_cast<int64_t>(
        std::clamp(r, static_cast<double>(qmin), static_cast<double>(qmax)));
  }
  float dequantize(int64_t q) const {
    return static_cast<float>(q - zp) * scale;
  }
};
} // namespace

/// The grid for the range [lo, hi] (lo <= 0 <= hi).
static Grid makeGrid(double lo, double hi, const WeightQuantSpec &spec) {
  Grid g;
  g.qmin = spec.qmin();
  g.qmax = spec.qmax();
  if (spec.symmetric) {
    double absMax = std::max(-lo, hi);
    g.scale = static_cast<float>(absMax / g.qmax);
    g.zp = 0;
  } else {
    g.scale = static_cast<float>((hi - lo) / (g.qmax - g.qmin));
    if (g.scale > 0)
      g.zp = std::clamp<int64_t>(
          g.qmin + static_cast<int64_t>(std::nearbyint(-lo / g.scale)), g.qmin,
          g.qmax);
  }
  if (!(g.scale > 0) || !std::isfinite(g.scale)) {
    // All zeros (or denormal): any positive scale represents them exactly.
    g.scale = 1.0f;
    g.zp = spec.symmetric ? 0 : g.qmin;
  }
  return g;
}

template <typename Get>
static Grid findGrid(int64_t n, Get get, const WeightQuantSpec &spec) {
  double lo = 0, hi = 0;
  for (int64_t i = 0; i < n; ++i) {
    double v = get(i);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  Grid best = makeGrid(lo, hi, spec);
  if (!spec.mseClip)
    return best;
  auto error = [&](const Grid &g) {
    double e = 0;
    for (int64_t i = 0; i < n; ++i) {
      double v = get(i), d = v - g.dequantize(g.quantize(v));
      e += d * d;
    }
    return e;
  };
  double bestErr = error(best);
  for (int step = 1; step < 80; ++step) {
    double p = 1.0 - step / 100.0;
    Grid g = makeGrid(lo * p, hi * p, spec);
    double e = error(g);
    if (e < bestErr) {
      bestErr = e;
      best = g;
    }
  }
  return best;
}

std::pair<float, int64_t>
mlir::qc::computeQuantParams(llvm::ArrayRef<float> values,
                             const WeightQuantSpec &spec) {
  Grid g = findGrid(
      values.size(), [&](int64_t i) { return double(values[i]); }, spec);
  return {g.scale, g.zp};
}

std::vector<float> QuantizedMatrix::dequantize() const {
  std::vector<float> w(q.size());
  int64_t groups = numGroups();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      int64_t p = r * groups + c / groupColumns;
      w[r * cols + c] =
          static_cast<float>(q[r * cols + c] - zeroPoints[p]) * scales[p];
    }
  return w;
}

static QuantizedMatrix makeResult(int64_t rows, int64_t cols,
                                  const WeightQuantSpec &spec) {
  QuantizedMatrix m;
  m.rows = rows;
  m.cols = cols;
  m.groupColumns = spec.groupColumns ? spec.groupColumns : cols;
  m.q.assign(rows * cols, 0);
  m.scales.assign(rows * m.numGroups(), 1.0f);
  m.zeroPoints.assign(rows * m.numGroups(), 0);
  return m;
}

QuantizedMatrix mlir::qc::quantizeRTN(llvm::ArrayRef<float> w, int64_t rows,
                                      int64_t cols,
                                      const WeightQuantSpec &spec) {
  QuantizedMatrix m = makeResult(rows, cols, spec);
  int64_t gc = m.groupColumns, groups = m.numGroups();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t g = 0; g < groups; ++g) {
      const float *p = w.data() + r * cols + g * gc;
      Grid grid = findGrid(
          gc, [&](int64_t i) { return double(p[i]); }, spec);
      m.scales[r * groups + g] = grid.scale;
      m.zeroPoints[r * groups + g] = grid.zp;
      for (int64_t i = 0; i < gc; ++i)
        m.q[r * cols + g * gc + i] = grid.quantize(p[i]);
    }
  return m;
}

//===----------------------------------------------------------------------===//
// Cholesky.
//===----------------------------------------------------------------------===//

bool mlir::qc::choleskyLower(std::vector<double> &a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double *rj = a.data() + j * n;
    double d = rj[j];
    for (int64_t k = 0; k < j; ++k)
      d -= rj[k] * rj[k];
    if (!(d > 0) || !std::isfinite(d))
      return false;
    double ljj = std::sqrt(d);
    rj[j] = ljj;
    for (int64_t i = j + 1; i < n; ++i) {
      double *ri = a.data() + i * n;
      double s = ri[j];
      for (int64_t k = 0; k < j; ++k)
        s -= ri[k] * rj[k];
      ri[j] = s / ljj;
    }
    for (int64_t k = j + 1; k < n; ++k)
      rj[k] = 0;
  }
  return true;
}

std::optional<std::vector<double>>
mlir::qc::choleskyInverseUpper(llvm::ArrayRef<double> h, int64_t n) {
  // With J the exchange matrix, P = J H J = L L^T gives
  // H^-1 = (J L^-1 J)^T (J L^-1 J), and J L^-1 J is upper triangular.
  std::vector<double> l(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      l[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
  if (!choleskyLower(l, n))
    return std::nullopt;
  // X = L^-1, row by row: X[i, :] = (e_i - sum_{k<i} L[i, k] X[k, :]) / L[i,
  // i].
  std::vector<double> x(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i) {
    double *xi = x.data() + i * n;
    const double *li = l.data() + i * n;
    for (int64_t k = 0; k < i; ++k) {
      double f = li[k];
      const double *xk = x.data() + k * n;
      for (int64_t j = 0; j <= k; ++j)
        xi[j] -= f * xk[j];
    }
    xi[i] += 1.0;
    double inv = 1.0 / li[i];
    for (int64_t j = 0; j <= i; ++j)
      xi[j] *= inv;
  }
  std::vector<double> u(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      u[i * n + j] = x[(n - 1 - i) * n + (n - 1 - j)];
  return u;
}

//===----------------------------------------------------------------------===//
// GPTQ.
//===----------------------------------------------------------------------===//

llvm::Expected<QuantizedMatrix>
mlir::qc::quantizeGPTQ(llvm::ArrayRef<float> w, int64_t rows, int64_t cols,
                       llvm::ArrayRef<double> hIn, const WeightQuantSpec &spec,
                       const GPTQOptions &options) {
  QuantizedMatrix m = makeResult(rows, cols, spec);
  int64_t gc = m.groupColumns, groups = m.numGroups();
  bool perGroup = spec.groupColumns != 0 && spec.groupColumns != cols;
  bool staticGroups = options.staticGroups || options.actOrder;

  std::vector<double> wd(w.begin(), w.end());
  std::vector<double> h(hIn.begin(), hIn.end());
  for (int64_t i = 0; i < cols; ++i)
    if (h[i * cols + i] == 0) {
      h[i * cols + i] = 1;
      for (int64_t r = 0; r < rows; ++r)
        wd[r * cols + i] = 0;
    }

  // Grids fixed up front: per channel, or static groups.
  std::vector<Grid> grids(rows * groups);
  auto setGrids = [&](int64_t g) {
    for (int64_t r = 0; r < rows; ++r) {
      const double *p = wd.data() + r * cols + g * gc;
      grids[r * groups + g] = findGrid(
          gc, [&](int64_t i) { return p[i]; }, spec);
    }
  };
  if (!perGroup || staticGroups)
    for (int64_t g = 0; g < groups; ++g)
      setGrids(g);

  // Column order: perm[k] is the original column quantized k-th.
  std::vector<int64_t> perm(cols);
  std::iota(perm.begin(), perm.end(), 0);
  if (options.actOrder)
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      return h[a * cols + a] > h[b * cols + b];
    });
  // Work on permuted copies: W'[:, k] = W[:, perm[k]], H' = H[perm][:, perm].
  std::vector<double> wp(rows * cols), hp(cols * cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t k = 0; k < cols; ++k)
      wp[r * cols + k] = wd[r * cols + perm[k]];
  double meanDiag = 0;
  for (int64_t i = 0; i < cols; ++i) {
    for (int64_t j = 0; j < cols; ++j)
      hp[i * cols + j] = h[perm[i] * cols + perm[j]];
    meanDiag += hp[i * cols + i];
  }
  meanDiag /= std::max<int64_t>(1, cols);

  std::optional<std::vector<double>> u;
  double damp = options.damp;
  for (int attempt = 0; attempt < 5 && !u; ++attempt, damp *= 10) {
    std::vector<double> damped = hp;
    for (int64_t i = 0; i < cols; ++i)
      damped[i * cols + i] += damp * meanDiag;
    u = choleskyInverseUpper(damped, cols);
  }
  if (!u)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "the Hessian is not positive definite even with damping " +
            std::to_string(damp / 10));
  const std::vector<double> &hinv = *u;

  int64_t block = options.blockSize > 0 ? options.blockSize : cols;
  std::vector<double> err(rows * block);
  for (int64_t i1 = 0; i1 < cols; i1 += block) {
    int64_t i2 = std::min(cols, i1 + block), count = i2 - i1;
    for (int64_t i = 0; i < count; ++i) {
      int64_t k = i1 + i, col = perm[k], g = col / gc;
      if (perGroup && !staticGroups && col % gc == 0) {
        // Dynamic groups (no act-order, so col == k): the current weights.
        for (int64_t r = 0; r < rows; ++r) {
          const double *p = wp.data() + r * cols + k;
          grids[r * groups + g] = findGrid(
              gc, [&](int64_t j) { return p[j]; }, spec);
        }
      }
      double d = hinv[k * cols + k];
      const double *urow = hinv.data() + k * cols;
      for (int64_t r = 0; r < rows; ++r) {
        const Grid &grid = grids[r * groups + g];
        double *wr = wp.data() + r * cols;
        int64_t q = grid.quantize(wr[k]);
        m.q[r * cols + col] = q;
        double e = (wr[k] - grid.dequantize(q)) / d;
        err[r * block + i] = e;
        for (int64_t j = k + 1; j < i2; ++j)
          wr[j] -= e * urow[j];
      }
    }
    // Lazy update of the columns after the block.
    for (int64_t r = 0; r < rows; ++r) {
      double *wr = wp.data() + r * cols;
      const double *er = err.data() + r * block;
      for (int64_t i = 0; i < count; ++i) {
        double e = er[i];
        if (e == 0)
          continue;
        const double *urow = hinv.data() + (i1 + i) * cols;
        for (int64_t j = i2; j < cols; ++j)
          wr[j] -= e * urow[j];
      }
    }
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t g = 0; g < groups; ++g) {
      m.scales[r * groups + g] = grids[r * groups + g].scale;
      m.zeroPoints[r * groups + g] = grids[r * groups + g].zp;
    }
  return m;
}

double mlir::qc::layerOutputError(llvm::ArrayRef<float> w,
                                  llvm::ArrayRef<float> wq, int64_t rows,
                                  int64_t cols, llvm::ArrayRef<double> h) {
  std::vector<double> d(cols), hd(cols);
  double total = 0;
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c)
      d[c] = static_cast<double>(w[r * cols + c]) - wq[r * cols + c];
    for (int64_t i = 0; i < cols; ++i) {
      double s = 0;
      const double *hi = h.data() + i * cols;
      for (int64_t j = 0; j < cols; ++j)
        s += hi[j] * d[j];
      hd[i] = s;
    }
    for (int64_t i = 0; i < cols; ++i)
      total += d[i] * hd[i];
  }
  return total;
}

//===- GPTQTest.cpp - RTN and GPTQ weight quantization --------------------===//

#include "quantc/Transforms/GPTQ.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir::qc;

namespace {

std::vector<float> randomMatrix(int64_t rows, int64_t cols, unsigned seed,
                                float sigma = 1.0f) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, sigma);
  std::vector<float> m(rows * cols);
  for (float &v : m)
    v = normal(rng);
  return m;
}

/// Inputs with correlated features (what makes GPTQ worth it): X = Z A with
/// Z standard normal, plus a few high-energy features.
std::vector<float> correlatedInputs(int64_t n, int64_t k, unsigned seed) {
  std::vector<float> z = randomMatrix(n, k, seed);
  std::vector<float> a = randomMatrix(k, k, seed + 1, 0.3f);
  for (int64_t i = 0; i < k; ++i)
    a[i * k + i] += 1.0f;
  std::vector<float> x(n * k, 0.0f);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t j = 0; j < k; ++j) {
      double s = 0;
      for (int64_t i = 0; i < k; ++i)
        s += z[r * k + i] * a[i * k + j];
      x[r * k + j] = static_cast<float>(s * (j % 7 == 0 ? 4.0 : 1.0));
    }
  return x;
}

std::vector<double> gram(const std::vector<float> &x, int64_t n, int64_t k) {
  std::vector<double> h(k * k, 0.0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        h[i * k + j] += double(x[r * k + i]) * x[r * k + j];
  return h;
}

/// ||(W - Wq) X^T||^2 computed directly from the inputs.
double outputError(const std::vector<float> &w, const std::vector<float> &wq,
                   const std::vector<float> &x, int64_t rows, int64_t cols,
                   int64_t n) {
  double e = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t s = 0; s < n; ++s) {
      double d = 0;
      for (int64_t c = 0; c < cols; ++c)
        d += (double(w[r * cols + c]) - wq[r * cols + c]) * x[s * cols + c];
      e += d * d;
    }
  return e;
}

/// Solves H X = I by Gauss-Jordan elimination with partial pivoting.
std::vector<double> directInverse(std::vector<double> a, int64_t n) {
  std::vector<double> inv(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    inv[i * n + i] = 1;
  for (int64_t c = 0; c < n; ++c) {
    int64_t p = c;
    for (int64_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r * n + c]) > std::fabs(a[p * n + c]))
        p = r;
    for (int64_t j = 0; j < n; ++j) {
      std::swap(a[c * n + j], a[p * n + j]);
      std::swap(inv[c * n + j], inv[p * n + j]);
    }
    double d = a[c * n + c];
    for (int64_t j = 0; j < n; ++j) {
      a[c * n + j] /= d;
      inv[c * n + j] /= d;
    }
    for (int64_t r = 0; r < n; ++r) {
      if (r == c)
        continue;
      double f = a[r * n + c];
      for (int64_t j = 0; j < n; ++j) {
        a[r * n + j] -= f * a[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  return inv;
}

TEST(WeightQuant, Grids) {
  WeightQuantSpec s;
  s.bits = 4;
  EXPECT_EQ(s.qmin(), -7);
  EXPECT_EQ(s.qmax(), 7);
  s.symmetric = false;
  EXPECT_EQ(s.qmin(), 0);
  EXPECT_EQ(s.qmax(), 15);
  s.bits = 8;
  s.symmetric = true;
  EXPECT_EQ(s.qmin(), -127);

  std::vector<float> v = {-1.27f, 0.5f, 0.0f};
  auto [scale, zp] = computeQuantParams(v, s);
  EXPECT_FLOAT_EQ(scale, 0.01f);
  EXPECT_EQ(zp, 0);
  WeightQuantSpec a;
  a.bits = 8;
  a.symmetric = false;
  std::vector<float> pos = {0.5f, 3.0f}; // the range is widened to [0, 3]
  auto [sa, za] = computeQuantParams(pos, a);
  EXPECT_FLOAT_EQ(sa, 3.0f / 255);
  EXPECT_EQ(za, 0);
  std::vector<float> zeros = {0.0f, 0.0f};
  EXPECT_EQ(computeQuantParams(zeros, s).first, 1.0f);
}

TEST(WeightQuant, RTNPerChannelAndPerGroup) {
  // Row 0 per group of 2: {1, -0.5} scale 1/7, {0.7, 0.07} scale 0.1.
  std::vector<float> w = {1.0f, -0.5f, 0.7f, 0.07f, 2.0f, 2.0f, -2.0f, 0.0f};
  WeightQuantSpec s;
  s.bits = 4;
  QuantizedMatrix pc = quantizeRTN(w, 2, 4, s);
  EXPECT_EQ(pc.numGroups(), 1);
  EXPECT_FLOAT_EQ(pc.scales[0], 1.0f / 7);
  // f32(1/7) is a little above 1/7: -0.5 / scale = -3.4999998 -> -3.
  EXPECT_EQ(pc.q, std::vector<int64_t>({7, -3, 5, 0, 7, 7, -7, 0}));
  s.groupColumns = 2;
  QuantizedMatrix pg = quantizeRTN(w, 2, 4, s);
  EXPECT_EQ(pg.numGroups(), 2);
  EXPECT_FLOAT_EQ(pg.scales[1], 0.1f);
  EXPECT_EQ(pg.q, std::vector<int64_t>({7, -3, 7, 1, 7, 7, -7, 0}));
  std::vector<float> dq = pg.dequantize();
  EXPECT_FLOAT_EQ(dq[2], 7 * 0.1f);
  // Rounding is half to even: 0.5 / 1 -> 0, 1.5 -> 2.
  WeightQuantSpec s8;
  std::vector<float> ties = {127.0f, 0.5f, 1.5f, -2.5f};
  EXPECT_EQ(quantizeRTN(ties, 1, 4, s8).q,
            std::vector<int64_t>({127, 0, 2, -2}));
}

TEST(WeightQuant, MseClipHelpsOutliers) {
  std::vector<float> w = randomMatrix(16, 64, 3);
  for (int64_t r = 0; r < 16; ++r)
    w[r * 64 + 5] = 8.0f; // one outlier per row
  WeightQuantSpec s;
  s.bits = 3;
  auto err = [&](const QuantizedMatrix &m) {
    std::vector<float> d = m.dequantize();
    double e = 0;
    for (size_t i = 0; i < w.size(); ++i)
      e += (w[i] - d[i]) * (w[i] - d[i]);
    return e;
  };
  double plain = err(quantizeRTN(w, 16, 64, s));
  s.mseClip = true;
  double clipped = err(quantizeRTN(w, 16, 64, s));
  EXPECT_LT(clipped, plain);
}

TEST(Cholesky, InverseMatchesDirectSolve) {
  const int64_t n = 37, samples = 200;
  std::vector<float> x = correlatedInputs(samples, n, 11);
  std::vector<double> h = gram(x, samples, n);
  std::vector<double> l = h;
  ASSERT_TRUE(choleskyLower(l, n));
  // L L^T == H, L lower triangular.
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t k = 0; k < n; ++k)
        s += l[i * n + k] * l[j * n + k];
      ASSERT_NEAR(s, h[i * n + j], 1e-8 * (1 + std::fabs(h[i * n + j])));
      if (j > i) {
        ASSERT_EQ(l[i * n + j], 0.0);
      }
    }
  std::optional<std::vector<double>> u = choleskyInverseUpper(h, n);
  ASSERT_TRUE(u.has_value());
  std::vector<double> inv = directInverse(h, n);
  double scale = 0;
  for (double v : inv)
    scale = std::max(scale, std::fabs(v));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      if (j < i) {
        ASSERT_EQ((*u)[i * n + j], 0.0) << "U is upper triangular";
      }
      double s = 0; // (U^T U)[i, j]
      for (int64_t k = 0; k < n; ++k)
        s += (*u)[k * n + i] * (*u)[k * n + j];
      ASSERT_NEAR(s, inv[i * n + j], 1e-9 * scale) << i << ", " << j;
    }
  // Not positive definite: reported, not factored.
  std::vector<double> bad = {1, 2, 2, 1};
  EXPECT_FALSE(choleskyLower(bad, 2));
  EXPECT_FALSE(choleskyInverseUpper(std::vector<double>{0, 0, 0, 0}, 2));
}

TEST(GPTQ, EqualsRTNForDiagonalHessian) {
  // With a diagonal H the inverse's Cholesky factor is diagonal, so no
  // rounding error is propagated: GPTQ is RTN, with any option.
  const int64_t rows = 12, cols = 64;
  std::vector<float> w = randomMatrix(rows, cols, 5);
  std::vector<double> h(cols * cols, 0.0);
  for (int64_t i = 0; i < cols; ++i)
    h[i * cols + i] = 1.0 + (i % 5);
  for (int64_t group : {int64_t(0), int64_t(16)})
    for (bool actOrder : {false, true})
      for (bool staticGroups : {false, true}) {
        WeightQuantSpec s;
        s.bits = 4;
        s.groupColumns = group;
        GPTQOptions o;
        o.actOrder = actOrder;
        o.staticGroups = staticGroups;
        o.blockSize = 24;
        llvm::Expected<QuantizedMatrix> g = quantizeGPTQ(w, rows, cols, h, s, o);
        ASSERT_TRUE(static_cast<bool>(g));
        QuantizedMatrix r = quantizeRTN(w, rows, cols, s);
        EXPECT_EQ(g->q, r.q) << group << actOrder << staticGroups;
        EXPECT_EQ(g->scales, r.scales);
      }
}

TEST(GPTQ, LowerOutputErrorThanRTN) {
  const int64_t rows = 32, cols = 128, samples = 512;
  std::vector<float> w = randomMatrix(rows, cols, 7, 0.1f);
  std::vector<float> x = correlatedInputs(samples, cols, 9);
  std::vector<double> h = gram(x, samples, cols);
  for (unsigned bits : {3u, 4u, 8u})
    for (int64_t group : {int64_t(0), int64_t(32)})
      for (bool actOrder : {false, true}) {
        WeightQuantSpec s;
        s.bits = bits;
        s.groupColumns = group;
        GPTQOptions o;
        o.actOrder = actOrder;
        o.blockSize = 32; // several lazy batches
        QuantizedMatrix rtn = quantizeRTN(w, rows, cols, s);
        llvm::Expected<QuantizedMatrix> gptq =
            quantizeGPTQ(w, rows, cols, h, s, o);
        ASSERT_TRUE(static_cast<bool>(gptq));
        std::vector<float> wr = rtn.dequantize(), wg = gptq->dequantize();
        double er = outputError(w, wr, x, rows, cols, samples);
        double eg = outputError(w, wg, x, rows, cols, samples);
        EXPECT_LT(eg, 0.8 * er) << bits << " bits, group " << group
                                << ", act-order " << actOrder;
        // The trace form agrees with the direct computation.
        EXPECT_NEAR(layerOutputError(w, wg, rows, cols, h), eg, 1e-6 * eg);
        // Storage stays on the grid.
        for (int64_t q : gptq->q) {
          ASSERT_GE(q, s.qmin());
          ASSERT_LE(q, s.qmax());
        }
      }
}

TEST(GPTQ, BlockSizeDoesNotChangeTheResult) {
  // Lazy batching is an exact reordering of the updates.
  const int64_t rows = 8, cols = 48, samples = 128;
  std::vector<float> w = randomMatrix(rows, cols, 21);
  std::vector<float> x = correlatedInputs(samples, cols, 22);
  std::vector<double> h = gram(x, samples, cols);
  WeightQuantSpec s;
  s.bits = 4;
  s.groupColumns = 16;
  GPTQOptions a, b;
  a.blockSize = 48;
  b.blockSize = 7;
  a.staticGroups = b.staticGroups = true;
  llvm::Expected<QuantizedMatrix> qa = quantizeGPTQ(w, rows, cols, h, s, a);
  llvm::Expected<QuantizedMatrix> qb = quantizeGPTQ(w, rows, cols, h, s, b);
  ASSERT_TRUE(qa && qb);
  int64_t differ = 0;
  for (size_t i = 0; i < qa->q.size(); ++i)
    differ += qa->q[i] != qb->q[i];
  // Float rounding may flip a tie or two, not more.
  EXPECT_LE(differ, 2);
}

TEST(GPTQ, DeadInputsAndSingularHessian) {
  // An input that is always 0 (H[i, i] = 0) gets weight 0 and a singular H
  // is fixed by damping.
  const int64_t rows = 4, cols = 8;
  std::vector<float> w = randomMatrix(rows, cols, 31);
  std::vector<double> h(cols * cols, 1.0); // rank 1
  for (int64_t j = 0; j < cols; ++j)
    h[3 * cols + j] = h[j * cols + 3] = 0.0;
  WeightQuantSpec s;
  s.bits = 4;
  GPTQOptions o;
  llvm::Expected<QuantizedMatrix> q = quantizeGPTQ(w, rows, cols, h, s, o);
  ASSERT_TRUE(static_cast<bool>(q));
  for (int64_t r = 0; r < rows; ++r)
    EXPECT_EQ(q->q[r * cols + 3], 0);
}

} // namespace

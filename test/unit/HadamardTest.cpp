//===- HadamardTest.cpp - Hadamard matrices and rotations -----------------===//
//
// Checks the constructions of quantc/Support/Hadamard.h against their
// definitions: orthogonality, the Sylvester order that qc.hadamard uses, the
// fast transform against the dense matrix, determinism of the seeded
// rotations, and the property the residual rotation relies on: a
// mean-preserving rotation commutes with a scale-free LayerNormalization.
//
//===----------------------------------------------------------------------===//

#include "quantc/Support/Hadamard.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir::qc;

namespace {

/// max |A A^T - I| for an n x n row-major matrix.
double orthogonalityError(const std::vector<double> &a, int64_t n) {
  double err = 0;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double dot = 0;
      for (int64_t k = 0; k < n; ++k)
        dot += a[i * n + k] * a[j * n + k];
      err = std::max(err, std::fabs(dot - (i == j ? 1.0 : 0.0)));
    }
  return err;
}

/// Row vector times matrix.
std::vector<double> rowTimes(const std::vector<double> &v,
                             const std::vector<double> &m, int64_t n) {
  std::vector<double> r(n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      r[j] += v[i] * m[i * n + j];
  return r;
}

/// LayerNormalization of one row without scale or bias.
std::vector<double> layerNorm(std::vector<double> x, double eps = 1e-5) {
  double mean = 0, var = 0;
  for (double v : x)
    mean += v;
  mean /= x.size();
  for (double v : x)
    var += (v - mean) * (v - mean);
  var /= x.size();
  for (double &v : x)
    v = (v - mean) / std::sqrt(var + eps);
  return x;
}

std::vector<double> randomVector(int64_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> dist(0.5, 2.0);
  std::vector<double> v(n);
  for (double &x : v)
    x = dist(rng);
  v[3 % n] += 40.0; // an outlier channel
  return v;
}

double maxAbsDiff(const std::vector<double> &a, const std::vector<double> &b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

} // namespace

TEST(HadamardTest, PowersAndDivisors) {
  EXPECT_TRUE(isPowerOfTwo(1));
  EXPECT_TRUE(isPowerOfTwo(64));
  EXPECT_FALSE(isPowerOfTwo(0));
  EXPECT_FALSE(isPowerOfTwo(-4));
  EXPECT_FALSE(isPowerOfTwo(48));
  EXPECT_TRUE(isPowerOfFour(1));
  EXPECT_TRUE(isPowerOfFour(4));
  EXPECT_TRUE(isPowerOfFour(256));
  EXPECT_FALSE(isPowerOfFour(2));
  EXPECT_FALSE(isPowerOfFour(128));
  EXPECT_EQ(largestPowerOfTwoDividing(768), 256);
  EXPECT_EQ(largestPowerOfTwoDividing(1024), 1024);
  EXPECT_EQ(largestPowerOfTwoDividing(7), 1);
  EXPECT_EQ(largestPowerOfFourDividing(256), 256);
  EXPECT_EQ(largestPowerOfFourDividing(512), 256);
  EXPECT_EQ(largestPowerOfFourDividing(768), 256);
  EXPECT_EQ(largestPowerOfFourDividing(128), 64);
  EXPECT_EQ(largestPowerOfFourDividing(6), 1);
}

TEST(HadamardTest, SylvesterIsOrthogonalAndRecursive) {
  for (int64_t n : {1, 2, 4, 8, 64}) {
    std::vector<double> h = sylvesterHadamard(n);
    EXPECT_LT(orthogonalityError(h, n), 1e-12) << n;
    // H_2n = [[H_n, H_n], [H_n, -H_n]] on the unnormalised matrices.
    if (n >= 2) {
      std::vector<double> u = sylvesterHadamard(n, false);
      std::vector<double> half = sylvesterHadamard(n / 2, false);
      int64_t m = n / 2;
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double sign = (i >= m && j >= m) ? -1.0 : 1.0;
          EXPECT_EQ(u[i * n + j], sign * half[(i % m) * m + j % m]);
        }
    }
  }
  // The first rows of H_4.
  std::vector<double> h4 = sylvesterHadamard(4, false);
  EXPECT_EQ(h4, (std::vector<double>{1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1,
                                     1, -1, -1, 1}));
}

TEST(HadamardTest, FastTransformMatchesMatrix) {
  for (int64_t n : {2, 8, 32, 128}) {
    std::vector<double> h = sylvesterHadamard(n);
    std::vector<double> v = randomVector(n, n);
    std::vector<double> expected = rowTimes(v, h, n); // H symmetric
    std::vector<double> fast = v;
    fastWalshHadamard(fast, n);
    EXPECT_LT(maxAbsDiff(fast, expected), 1e-10) << n;
    // Involution.
    fastWalshHadamard(fast, n);
    EXPECT_LT(maxAbsDiff(fast, v), 1e-10) << n;
  }
  // Blocks: each block of 4 of a 16-vector is transformed on its own.
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i)
    v[i] = static_cast<float>(i);
  fastWalshHadamard(v, 4, /*normalized=*/false);
  EXPECT_EQ(v[0], 0 + 1 + 2 + 3);
  EXPECT_EQ(v[1], 0 - 1 + 2 - 3);
  EXPECT_EQ(v[4], 4 + 5 + 6 + 7);
  EXPECT_EQ(v[15], 12 - 13 - 14 + 15);
}

TEST(HadamardTest, RandomizedHadamardIsSeededAndOrthogonal) {
  std::vector<double> a = randomizedHadamard(64, 7);
  std::vector<double> b = randomizedHadamard(64, 7);
  std::vector<double> c = randomizedHadamard(64, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_LT(orthogonalityError(a, 64), 1e-12);
  // H diag(s): column j of H times s_j.
  std::vector<double> h = sylvesterHadamard(64);
  std::vector<int8_t> s = randomSigns(64, 7);
  for (int64_t i = 0; i < 64; ++i)
    for (int64_t j = 0; j < 64; ++j)
      EXPECT_EQ(a[i * 64 + j], h[i * 64 + j] * s[j]);
  int plus = 0;
  for (int8_t x : s)
    plus += x == 1;
  EXPECT_GT(plus, 16);
  EXPECT_LT(plus, 48);
}

TEST(HadamardTest, RandomPermutationIsAPermutation) {
  std::vector<int64_t> p = randomPermutation(100, 3);
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  for (int64_t i = 0; i < 100; ++i)
    EXPECT_EQ(sorted[i], i);
  EXPECT_EQ(p, randomPermutation(100, 3));
  EXPECT_NE(p, randomPermutation(100, 4));
}

TEST(HadamardTest, RegularHadamardPreservesOnes) {
  for (int64_t n : {1, 4, 16, 64, 256}) {
    std::vector<double> r = regularHadamard(n);
    EXPECT_LT(orthogonalityError(r, n), 1e-12) << n;
    double v = 1.0 / std::sqrt(static_cast<double>(n));
    for (int64_t i = 0; i < n; ++i) {
      double rowSum = 0, colSum = 0;
      for (int64_t j = 0; j < n; ++j) {
        EXPECT_NEAR(std::fabs(r[i * n + j]), v, 1e-15);
        EXPECT_EQ(r[i * n + j], r[j * n + i]); // symmetric
        rowSum += r[i * n + j];
        colSum += r[j * n + i];
      }
      EXPECT_NEAR(rowSum, 1.0, 1e-12);
      EXPECT_NEAR(colSum, 1.0, 1e-12);
    }
  }
  // (J - 2I) / 2 for n = 4.
  EXPECT_EQ(regularHadamard(4),
            (std::vector<double>{-0.5, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0.5, 0.5,
                                 0.5, -0.5, 0.5, 0.5, 0.5, 0.5, -0.5}));
}

TEST(HadamardTest, MeanPreservingRotation) {
  for (auto [n, block] : {std::pair<int64_t, int64_t>{16, 16},
                          {64, 16},
                          {256, 256},
                          {96, 16}}) {
    MeanPreservingRotation q(n, block, 5);
    std::vector<double> m = q.matrix();
    EXPECT_LT(orthogonalityError(m, n), 1e-12) << n;
    // Entries +-1/sqrt(block) in exactly `block` places per row, rows and
    // columns summing to 1.
    double v = 1.0 / std::sqrt(static_cast<double>(block));
    for (int64_t i = 0; i < n; ++i) {
      int64_t nonzero = 0;
      double rowSum = 0, colSum = 0;
      for (int64_t j = 0; j < n; ++j) {
        double x = m[i * n + j];
        if (x != 0) {
          EXPECT_NEAR(std::fabs(x), v, 1e-15);
          ++nonzero;
        }
        rowSum += x;
        colSum += m[j * n + i];
      }
      EXPECT_EQ(nonzero, block);
      EXPECT_NEAR(rowSum, 1.0, 1e-12);
      EXPECT_NEAR(colSum, 1.0, 1e-12);
    }
    // applyRow is v Q, applyRowTransposed v Q^T, and they invert each other.
    std::vector<double> x = randomVector(n, 11);
    std::vector<double> y = x;
    q.applyRow(y);
    EXPECT_LT(maxAbsDiff(y, rowTimes(x, m, n)), 1e-10);
    q.applyRowTransposed(y);
    EXPECT_LT(maxAbsDiff(y, x), 1e-10);
  }
  // Seeded.
  EXPECT_EQ(MeanPreservingRotation(64, 16, 1).matrix(),
            MeanPreservingRotation(64, 16, 1).matrix());
  EXPECT_NE(MeanPreservingRotation(64, 16, 1).matrix(),
            MeanPreservingRotation(64, 16, 2).matrix());
}

TEST(HadamardTest, LayerNormCommutesWithMeanPreservingRotation) {
  MeanPreservingRotation q(256, 256, 0);
  std::vector<double> x = randomVector(256, 1);
  std::vector<double> xq = x;
  q.applyRow(xq);
  std::vector<double> lhs = layerNorm(xq);
  std::vector<double> rhs = layerNorm(x);
  q.applyRow(rhs);
  EXPECT_LT(maxAbsDiff(lhs, rhs), 1e-10);
  // A Sylvester rotation does not preserve the mean, so it does not commute.
  std::vector<double> h = sylvesterHadamard(256);
  std::vector<double> a = layerNorm(rowTimes(x, h, 256));
  std::vector<double> b = rowTimes(layerNorm(x), h, 256);
  EXPECT_GT(maxAbsDiff(a, b), 1e-3);
  // The rotation spreads the outlier channel: max |x Q| is far below max |x|.
  double maxX = 0, maxXQ = 0;
  for (int64_t i = 0; i < 256; ++i) {
    maxX = std::max(maxX, std::fabs(x[i]));
    maxXQ = std::max(maxXQ, std::fabs(xq[i]));
  }
  EXPECT_LT(maxXQ, maxX / 3);
}

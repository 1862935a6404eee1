//===- Hadamard.cpp - Hadamard matrices and orthogonal rotations ----------===//

#include "quantc/Support/Hadamard.h"

#include <cassert>
#include <cmath>
#include <random>

using namespace mlir;
using llvm::MutableArrayRef;
using namespace mlir::qc;

bool mlir::qc::isPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

bool mlir::qc::isPowerOfFour(int64_t n) {
  // A power of two whose single bit is at an even position.
  return isPowerOfTwo(n) && (n & 0x5555555555555555LL) != 0;
}

int64_t mlir::qc::largestPowerOfTwoDividing(int64_t n) {
  assert(n > 0 && "expected a positive size");
  return n & -n;
}

int64_t mlir::qc::largestPowerOfFourDividing(int64_t n) {
  int64_t p = largestPowerOfTwoDividing(n);
  return isPowerOfFour(p) ? p : p / 2;
}

std::vector<double> mlir::qc::sylvesterHadamard(int64_t n, bool normalized) {
  assert(isPowerOfTwo(n) && "expected a power of two");
  std::vector<double> h(n * n);
  double v = normalized ? 1.0 / std::sqrt(static_cast<double>(n)) : 1.0;
  // H[i][j] = (-1)^popcount(i & j) in Sylvester order.
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      h[i * n + j] = __builtin_popcountll(i & j) % 2 ? -v : v;
  return h;
}

template <typename T>
static void fwht(MutableArrayRef<T> v, int64_t block, bool normalized) {
  assert(isPowerOfTwo(block) && v.size() % block == 0 &&
         "expected a power-of-two block dividing the size");
  T norm = static_cast<T>(1.0 / std::sqrt(static_cast<double>(block)));
  for (size_t start = 0; start < v.size(); start += block) {
    T *p = v.data() + start;
    for (int64_t h = 1; h < block; h *= 2)
      for (int64_t i = 0; i < block; i += 2 * h)
        for (int64_t j = i; j < i + h; ++j) {
          T a = p[j], b = p[j + h];
          p[j] = a + b;
          p[j + h] = a - b;
        }
    if (normalized)
      for (int64_t j = 0; j < block; ++j)
        p[j] *= norm;
  }
}

void mlir::qc::fastWalshHadamard(MutableArrayRef<double> v, int64_t block,
                                 bool normalized) {
  fwht(v, block, normalized);
}

void mlir::qc::fastWalshHadamard(MutableArrayRef<float> v, int64_t block,
                                 bool normalized) {
  fwht(v, block, normalized);
}

std::vector<int8_t> mlir::qc::randomSigns(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int8_t> s(n);
  uint64_t bits = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (i % 64 == 0)
      bits = rng();
    s[i] = (bits >> (i % 64)) & 1 ? -1 : 1;
  }
  return s;
}

std::vector<double> mlir::qc::randomizedHadamard(int64_t n, uint64_t seed) {
  std::vector<double> h = sylvesterHadamard(n, /*normalized=*/true);
  std::vector<int8_t> s = randomSigns(n, seed);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      h[i * n + j] *= s[j];
  return h;
}

std::vector<int64_t> mlir::qc::randomPermutation(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int64_t> p(n);
  for (int64_t i = 0; i < n; ++i)
    p[i] = i;
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(p[i], p[rng() % static_cast<uint64_t>(i + 1)]);
  return p;
}

std::vector<double> mlir::qc::regularHadamard(int64_t n) {
  assert(isPowerOfFour(n) && "expected a power of four");
  int64_t digits = 0;
  for (int64_t m = n; m > 1; m /= 4)
    ++digits;
  double v = 1.0 / std::sqrt(static_cast<double>(n));
  // Entry (i, j) of the k-th Kronecker power of (J - 2I) / 2 is
  // (-1)^(number of base-4 digits where i and j agree) / 2^k.
  std::vector<double> h(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) {
      int64_t equal = 0;
      for (int64_t d = 0, a = i, b = j; d < digits; ++d, a /= 4, b /= 4)
        equal += a % 4 == b % 4;
      h[i * n + j] = equal % 2 ? -v : v;
    }
  return h;
}

MeanPreservingRotation::MeanPreservingRotation(int64_t n, int64_t block,
                                               uint64_t seed)
    : n(n), block(block) {
  assert(isPowerOfFour(block) && n % block == 0 &&
         "expected a power-of-four block dividing the size");
  // Two independent streams from one seed.
  inPerm = randomPermutation(n, seed * 2 + 0x9E3779B97F4A7C15ULL);
  outPerm = randomPermutation(n, seed * 2 + 1 + 0x9E3779B97F4A7C15ULL);
}

void MeanPreservingRotation::applyBlocks(MutableArrayRef<double> v) const {
  // Multiplication by (J - 2I) / 2 along each base-4 digit of the index:
  // (M x)_i = sum(x) / 2 - x_i. The Kronecker power is symmetric, so this is
  // also v B for a row vector.
  for (int64_t start = 0; start < n; start += block) {
    double *p = v.data() + start;
    for (int64_t h = 1; h < block; h *= 4)
      for (int64_t i = 0; i < block; i += 4 * h)
        for (int64_t j = i; j < i + h; ++j) {
          double half = 0.5 * (p[j] + p[j + h] + p[j + 2 * h] + p[j + 3 * h]);
          for (int64_t t = 0; t < 4; ++t)
            p[j + t * h] = half - p[j + t * h];
        }
  }
}

void MeanPreservingRotation::applyRow(MutableArrayRef<double> v) const {
  assert(static_cast<int64_t>(v.size()) == n && "size mismatch");
  std::vector<double> t(n);
  for (int64_t j = 0; j < n; ++j) // v P_in
    t[j] = v[inPerm[j]];
  applyBlocks(t);
  for (int64_t j = 0; j < n; ++j) // (.) P_out
    v[j] = t[outPerm[j]];
}

void MeanPreservingRotation::applyRowTransposed(
    MutableArrayRef<double> v) const {
  assert(static_cast<int64_t>(v.size()) == n && "size mismatch");
  // v Q^T = ((v P_out^T) B) P_in^T, with (v P^T)[perm[j]] = v[j].
  std::vector<double> t(n);
  for (int64_t j = 0; j < n; ++j)
    t[outPerm[j]] = v[j];
  applyBlocks(t);
  for (int64_t j = 0; j < n; ++j)
    v[inPerm[j]] = t[j];
}

std::vector<double> MeanPreservingRotation::matrix() const {
  std::vector<double> q(n * n), row(n);
  for (int64_t i = 0; i < n; ++i) {
    std::fill(row.begin(), row.end(), 0.0);
    row[i] = 1.0;
    applyRow(row); // e_i Q is row i of Q
    std::copy(row.begin(), row.end(), q.begin() + i * n);
  }
  return q;
}

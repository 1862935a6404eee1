//===- Mmt4dWqTest.cpp - f32 GEMM on packed 2/4-bit weights ---------------===//
//
// qrt_ukernel_mmt4d_f32_wq against a plain GEMM on the dequantized weights
// ((q - zero) * scale per row and group of k), with the weights as the LHS
// (convolutions) and as the RHS (matrix products), shapes that need padding
// and several scratch blocks; the AVX-512 decoder bit-exact against the
// scalar one.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace qrt::kernels;
using namespace qrt::kernels::test;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Quantized weights W[rows][K]: values q in [0, 2^bits), and per (row,
/// group) a scale and a zero point; packed in the kernel's layout.
struct PackedWeights {
  int64_t rows, k, group;
  int bits;
  std::vector<uint8_t> q;
  std::vector<float> scale, zero;   // [rows][groups]
  std::vector<uint8_t> packed;      // [R1][K][2 * bits]
  std::vector<float> pScale, pZero; // [R1][groups][16]

  PackedWeights(int64_t rows, int64_t k, int64_t group, int bits, unsigned seed)
      : rows(rows), k(k), group(group), bits(bits) {
    int64_t groups = ceilDiv(k, group), r1 = ceilDiv(rows, 16);
    q = randomInts<uint8_t>(rows * k, 0, (1 << bits) - 1, seed);
    scale = randomFloats(rows * groups, 0.01f, 0.1f, seed + 1);
    zero = randomFloats(rows * groups, 0, float((1 << bits) - 1), seed + 2);
    for (float &z : zero)
      z = std::round(z);
    int bytes = 2 * bits;
    packed.assign(r1 * k * bytes, 0);
    pScale.assign(r1 * groups * 16, 0.0f);
    pZero.assign(r1 * groups * 16, 0.0f);
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t kk = 0; kk < k; ++kk) {
        int64_t bit = bits * (r % 16);
        packed[((r / 16) * k + kk) * bytes + bit / 8] |=
            uint8_t(q[r * k + kk] << (bit % 8));
      }
      for (int64_t g = 0; g < groups; ++g) {
        pScale[((r / 16) * groups + g) * 16 + r % 16] = scale[r * groups + g];
        pZero[((r / 16) * groups + g) * 16 + r % 16] = zero[r * groups + g];
      }
    }
  }
  int64_t paramsStride() const { return ceilDiv(k, group) * 16; }
  float weight(int64_t r, int64_t kk) const {
    int64_t g = r * ceilDiv(k, group) + kk / group;
    return (float(q[r * k + kk]) - zero[g]) * scale[g];
  }
};

/// Y = W * X^T (weights as the LHS: OUT rows are weight rows) or Y = X *
/// W^T (weights as the RHS), X[n][K] f32, through the public kernel.
std::vector<float> run(const PackedWeights &w, const std::vector<float> &x,
                       int64_t n, bool weightsLhs, int32_t m0, int repeats) {
  int64_t k = w.k, wr1 = ceilDiv(w.rows, 16);
  int32_t xr0 = weightsLhs ? 16 : m0; // the activations' tile rows
  int64_t xr1 = ceilDiv(n, xr0);
  std::vector<float> xp(xr1 * k * xr0);
  EXPECT_EQ(
      qrt_ukernel_pack_f32(x.data(), k, n, k, xp.data(), k * xr0, xr0, 1, 0),
      QRT_UKERNEL_OK);
  int64_t m1 = weightsLhs ? wr1 : xr1, n1 = weightsLhs ? xr1 : wr1;
  int32_t outM0 = weightsLhs ? 16 : m0;
  int64_t outStride = n1 * outM0 * 16;
  std::vector<float> out(m1 * outStride, -1.0f);
  for (int r = 0; r < repeats; ++r) {
    uint32_t flags = (r ? QRT_UKERNEL_FLAG_ACCUMULATE : 0) |
                     (weightsLhs ? QRT_UKERNEL_WQ_LHS : 0);
    const void *lhs = weightsLhs ? (const void *)w.packed.data() : xp.data();
    const void *rhs = weightsLhs ? (const void *)xp.data() : w.packed.data();
    int64_t wStride = k * 2 * w.bits, xStride = k * xr0;
    EXPECT_EQ(qrt_ukernel_mmt4d_f32_wq(
                  lhs, weightsLhs ? wStride : xStride, rhs,
                  weightsLhs ? xStride : wStride, out.data(), outStride, m1, n1,
                  k, outM0, 16, 1, flags, w.pScale.data(), w.pZero.data(),
                  w.paramsStride(), w.group, w.bits),
              QRT_UKERNEL_OK);
  }
  int64_t rows = weightsLhs ? w.rows : n, cols = weightsLhs ? n : w.rows;
  std::vector<float> y(rows * cols);
  EXPECT_EQ(qrt_ukernel_unpack_f32(out.data(), outStride, y.data(), cols, rows,
                                   cols, outM0, 16),
            QRT_UKERNEL_OK);
  return y;
}

void check(const PackedWeights &w, int64_t n, bool weightsLhs, int32_t m0,
           int repeats, unsigned seed) {
  auto x = randomFloats(n * w.k, -1, 1, seed);
  auto y = run(w, x, n, weightsLhs, m0, repeats);
  for (int64_t r = 0; r < w.rows; ++r)
    for (int64_t j = 0; j < n; ++j) {
      double exact = 0, magnitude = 0;
      for (int64_t kk = 0; kk < w.k; ++kk) {
        double p = double(w.weight(r, kk)) * x[j * w.k + kk];
        exact += p;
        magnitude += std::fabs(p);
      }
      double tol = repeats * (2.0 * w.k * 0x1p-24 * magnitude + 1e-30);
      float got = weightsLhs ? y[r * n + j] : y[j * w.rows + r];
      ASSERT_NEAR(got, repeats * exact, tol)
          << "rows=" << w.rows << " K=" << w.k << " G=" << w.group
          << " bits=" << w.bits << " n=" << n << " lhs=" << weightsLhs << " at "
          << r << "," << j;
    }
}

} // namespace

TEST(Mmt4dWqTest, WeightsAsLhsMatchPlainGemm) {
  unsigned seed = 1;
  for (int bits : {4, 2})
    for (auto [rows, k, group] :
         {std::tuple<int64_t, int64_t, int64_t>{16, 9, 9},
          {24, 27, 27},
          {48, 288, 32},
          {37, 100, 7},
          {300, 1024, 128}}) { // several scratch blocks of weight rows
      PackedWeights w(rows, k, group, bits, seed++);
      for (int64_t n : {1, 16, 77})
        check(w, n, /*weightsLhs=*/true, 16, 1 + (n == 77), seed++);
    }
}

TEST(Mmt4dWqTest, WeightsAsRhsMatchPlainGemm) {
  unsigned seed = 100;
  for (int bits : {4, 2})
    for (auto [rows, k, group] :
         {std::tuple<int64_t, int64_t, int64_t>{16, 64, 64},
          {33, 96, 32},
          {100, 1024, 128}, // several scratch chunks of weight columns
          {20, 50, 1}}) {
      PackedWeights w(rows, k, group, bits, seed++);
      for (int32_t m0 : {1, 4, 16})
        check(w, m0 == 16 ? 40 : m0 + 1, /*weightsLhs=*/false, m0,
              1 + (m0 == 4), seed++);
    }
}

TEST(Mmt4dWqTest, Avx512DecoderMatchesScalarExactly) {
  if (!hasAvx512())
    GTEST_SKIP() << "no AVX-512";
  for (int bits : {4, 2})
    for (int64_t group : {1, 5, 64, 200}) {
      PackedWeights w(16, 200, group, bits, unsigned(bits * 1000 + group));
      std::vector<float> a(200 * 16), b(200 * 16);
      scalar::dequantWq(w.packed.data(), w.pScale.data(), w.pZero.data(), 200,
                        group, bits, a.data());
      avx512::dequantWq(w.packed.data(), w.pScale.data(), w.pZero.data(), 200,
                        group, bits, b.data());
      ASSERT_EQ(a, b) << "bits=" << bits << " group=" << group;
      for (int64_t kk = 0; kk < 200; ++kk)
        for (int r = 0; r < 16; ++r)
          ASSERT_EQ(a[kk * 16 + r], w.weight(r, kk));
    }
}

TEST(Mmt4dWqTest, RejectsBadArguments) {
  uint8_t p[64] = {};
  float f[256] = {};
  auto call = [&](int32_t m0, uint32_t flags, int64_t group, int32_t bits) {
    return qrt_ukernel_mmt4d_f32_wq(f, 0, p, 0, f, 0, 1, 1, 1, m0, 16, 1, flags,
                                    f, f, 16, group, bits);
  };
  EXPECT_EQ(call(16, 0, 1, 4), QRT_UKERNEL_OK);
  EXPECT_EQ(call(16, 0, 1, 3), QRT_UKERNEL_INVALID_ARGUMENT); // bits
  EXPECT_EQ(call(16, 0, 0, 4), QRT_UKERNEL_INVALID_ARGUMENT); // group
  EXPECT_EQ(call(3, 0, 1, 4), QRT_UKERNEL_INVALID_ARGUMENT);  // M0
  // Weights as the LHS come in 16-row tiles.
  EXPECT_EQ(call(4, QRT_UKERNEL_WQ_LHS, 1, 4), QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_mmt4d_f32_wq(f, 0, p, 0, f, 0, 1, 1, 1, 16, 16, 1, 0,
                                     nullptr, f, 16, 1, 4),
            QRT_UKERNEL_INVALID_ARGUMENT);
}

//===- Mmt4dTest.cpp - mmt4d tile loops against a plain GEMM --------------===//
//
// Row-major operands are packed with the public pack functions (partial
// tiles padded), multiplied by each implementation, unpacked, and compared
// with a plain triple loop: exactly for u8 x s8, within a tight bound for
// f32.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace qrt::kernels;
using namespace qrt::kernels::test;

namespace {

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

struct Shape {
  int64_t m, n, k;
  int32_t m0;
};

/// C = A[M][K] (u8) * B^T, B[N][K] (s8) (or B given as [K][N] when
/// `transposedB`), through pack + mmt4d + unpack with implementation `impl`.
std::vector<int32_t> runU8S8(const std::string &impl, const Shape &s,
                             const std::vector<uint8_t> &a,
                             const std::vector<int8_t> &b, bool transposedB,
                             int64_t extraStride, int repeats) {
  const int n0 = QRT_UKERNEL_U8S8S32_N0, k0 = QRT_UKERNEL_U8S8S32_K0;
  int64_t m1 = ceilDiv(s.m, s.m0), n1 = ceilDiv(s.n, n0), k1 = ceilDiv(s.k, k0);
  int64_t lhsStride = k1 * s.m0 * k0 + extraStride,
          rhsStride = k1 * n0 * k0 + extraStride,
          outStride = n1 * s.m0 * n0 + extraStride;
  std::vector<uint8_t> lhs(m1 * lhsStride, 0xAA);
  std::vector<int8_t> rhs(n1 * rhsStride, 0x55);
  std::vector<int32_t> out(m1 * outStride, 12345);
  EXPECT_EQ(qrt_ukernel_pack_x8(a.data(), s.k, s.m, s.k, lhs.data(), lhsStride,
                                s.m0, k0, 0),
            QRT_UKERNEL_OK);
  EXPECT_EQ(qrt_ukernel_pack_x8(b.data(), transposedB ? s.n : s.k, s.n, s.k,
                                rhs.data(), rhsStride, n0, k0,
                                transposedB ? QRT_UKERNEL_PACK_TRANSPOSE : 0),
            QRT_UKERNEL_OK);
  for (int r = 0; r < repeats; ++r) {
    uint32_t flags = r ? QRT_UKERNEL_FLAG_ACCUMULATE : 0;
    if (impl == "avx512")
      avx512::mmt4dU8S8S32(lhs.data(), lhsStride, rhs.data(), rhsStride,
                           out.data(), outStride, m1, n1, k1, s.m0, flags);
    else if (impl == "scalar")
      scalar::mmt4dU8S8S32(lhs.data(), lhsStride, rhs.data(), rhsStride,
                           out.data(), outStride, m1, n1, k1, s.m0, flags);
    else
      EXPECT_EQ(qrt_ukernel_mmt4d_u8s8s32(lhs.data(), lhsStride, rhs.data(),
                                          rhsStride, out.data(), outStride, m1,
                                          n1, k1, s.m0, n0, k0, flags),
                QRT_UKERNEL_OK);
  }
  std::vector<int32_t> c(s.m * s.n);
  EXPECT_EQ(qrt_ukernel_unpack_s32(out.data(), outStride, c.data(), s.n, s.m,
                                   s.n, s.m0, n0),
            QRT_UKERNEL_OK);
  return c;
}

std::vector<int32_t> referenceU8S8(const Shape &s,
                                   const std::vector<uint8_t> &a,
                                   const std::vector<int8_t> &b,
                                   bool transposedB, int repeats) {
  std::vector<int32_t> c(s.m * s.n);
  for (int64_t i = 0; i < s.m; ++i)
    for (int64_t j = 0; j < s.n; ++j) {
      int64_t acc = 0;
      for (int64_t k = 0; k < s.k; ++k)
        acc += int64_t(a[i * s.k + k]) *
               (transposedB ? b[k * s.n + j] : b[j * s.k + k]);
      c[i * s.n + j] = static_cast<int32_t>(acc * repeats);
    }
  return c;
}

const Shape kShapes[] = {
    {1, 1, 1, 1},      {1, 16, 4, 1},   {3, 17, 5, 2},     {16, 16, 64, 16},
    {17, 33, 129, 16}, {33, 40, 3, 8},  {5, 31, 100, 4},   {64, 48, 256, 16},
    {9, 64, 1000, 8},  {2, 100, 77, 2}, {40, 20, 300, 16}, {7, 16, 36, 1},
};

} // namespace

class Mmt4dU8S8Test : public ::testing::TestWithParam<std::string> {};

TEST_P(Mmt4dU8S8Test, MatchesPlainGemmExactly) {
  unsigned seed = 1;
  for (const Shape &s : kShapes)
    for (bool transposedB : {false, true}) {
      auto a = randomInts<uint8_t>(s.m * s.k, 0, 255, seed++);
      auto b = randomInts<int8_t>(s.n * s.k, -128, 127, seed++);
      auto expected = referenceU8S8(s, a, b, transposedB, 1);
      EXPECT_EQ(runU8S8(GetParam(), s, a, b, transposedB, 0, 1), expected)
          << "M=" << s.m << " N=" << s.n << " K=" << s.k << " M0=" << s.m0
          << " transposedB=" << transposedB;
    }
}

TEST_P(Mmt4dU8S8Test, EveryM0WithPaddedStridesAndAccumulate) {
  unsigned seed = 100;
  for (int32_t m0 : {1, 2, 4, 8, 16}) {
    Shape s{m0 * 2 + 1, 35, 67, m0};
    auto a = randomInts<uint8_t>(s.m * s.k, 0, 255, seed++);
    auto b = randomInts<int8_t>(s.n * s.k, -128, 127, seed++);
    EXPECT_EQ(runU8S8(GetParam(), s, a, b, false, 7, 3),
              referenceU8S8(s, a, b, false, 3))
        << "M0=" << m0;
  }
}

TEST_P(Mmt4dU8S8Test, ExtremeValuesDoNotSaturate) {
  // vpdpbusd (not vpdpbusds): 255 * -128 * 4 per lane step, summed exactly.
  for (int8_t w : {int8_t(-128), int8_t(127)}) {
    Shape s{16, 16, 4096, 16};
    std::vector<uint8_t> a(s.m * s.k, 255);
    std::vector<int8_t> b(s.n * s.k, w);
    EXPECT_EQ(runU8S8(GetParam(), s, a, b, false, 0, 1),
              referenceU8S8(s, a, b, false, 1));
  }
}

INSTANTIATE_TEST_SUITE_P(Impl, Mmt4dU8S8Test,
                         ::testing::ValuesIn(implementationsAndPublic()));

//===--- f32
//---------------------------------------------------------------===//

namespace {

std::vector<float> runF32(const std::string &impl, const Shape &s,
                          const std::vector<float> &a,
                          const std::vector<float> &b, int repeats) {
  const int n0 = QRT_UKERNEL_F32_N0;
  int64_t m1 = ceilDiv(s.m, s.m0), n1 = ceilDiv(s.n, n0), k1 = s.k;
  int64_t lhsStride = k1 * s.m0, rhsStride = k1 * n0,
          outStride = n1 * s.m0 * n0;
  std::vector<float> lhs(m1 * lhsStride), rhs(n1 * rhsStride),
      out(m1 * outStride, -1.0f);
  EXPECT_EQ(qrt_ukernel_pack_f32(a.data(), s.k, s.m, s.k, lhs.data(), lhsStride,
                                 s.m0, 1, 0),
            QRT_UKERNEL_OK);
  // B given as [K][N], the ONNX MatMul layout.
  EXPECT_EQ(qrt_ukernel_pack_f32(b.data(), s.n, s.n, s.k, rhs.data(), rhsStride,
                                 n0, 1, QRT_UKERNEL_PACK_TRANSPOSE),
            QRT_UKERNEL_OK);
  for (int r = 0; r < repeats; ++r) {
    uint32_t flags = r ? QRT_UKERNEL_FLAG_ACCUMULATE : 0;
    if (impl == "avx512")
      avx512::mmt4dF32(lhs.data(), lhsStride, rhs.data(), rhsStride, out.data(),
                       outStride, m1, n1, k1, s.m0, flags);
    else if (impl == "scalar")
      scalar::mmt4dF32(lhs.data(), lhsStride, rhs.data(), rhsStride, out.data(),
                       outStride, m1, n1, k1, s.m0, flags);
    else
      EXPECT_EQ(qrt_ukernel_mmt4d_f32(lhs.data(), lhsStride, rhs.data(),
                                      rhsStride, out.data(), outStride, m1, n1,
                                      k1, s.m0, n0, 1, flags),
                QRT_UKERNEL_OK);
  }
  std::vector<float> c(s.m * s.n);
  EXPECT_EQ(qrt_ukernel_unpack_f32(out.data(), outStride, c.data(), s.n, s.m,
                                   s.n, s.m0, n0),
            QRT_UKERNEL_OK);
  return c;
}

} // namespace

class Mmt4dF32Test : public ::testing::TestWithParam<std::string> {};

TEST_P(Mmt4dF32Test, MatchesPlainGemm) {
  unsigned seed = 7;
  for (Shape s : kShapes)
    for (int repeats : {1, 2}) {
      auto a = randomFloats(s.m * s.k, -1, 1, seed++);
      auto b = randomFloats(s.k * s.n, -1, 1, seed++);
      auto c = runF32(GetParam(), s, a, b, repeats);
      for (int64_t i = 0; i < s.m; ++i)
        for (int64_t j = 0; j < s.n; ++j) {
          double exact = 0, magnitude = 0;
          for (int64_t k = 0; k < s.k; ++k) {
            double p = double(a[i * s.k + k]) * b[k * s.n + j];
            exact += p;
            magnitude += std::fabs(p);
          }
          // f32 summation error bound (K * eps * sum|p|), with a margin.
          double tol = repeats * (2.0 * s.k * 0x1p-24 * magnitude + 1e-30);
          ASSERT_NEAR(c[i * s.n + j], repeats * exact, tol)
              << "M=" << s.m << " N=" << s.n << " K=" << s.k << " M0=" << s.m0
              << " at " << i << "," << j;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Impl, Mmt4dF32Test,
                         ::testing::ValuesIn(implementationsAndPublic()));

TEST(Mmt4dTest, RejectsUnsupportedTiles) {
  uint8_t a[64] = {};
  int8_t b[64] = {};
  int32_t c[256] = {};
  EXPECT_EQ(qrt_ukernel_mmt4d_u8s8s32(a, 0, b, 0, c, 0, 1, 1, 1, 16, 32, 4, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_mmt4d_u8s8s32(a, 0, b, 0, c, 0, 1, 1, 1, 3, 16, 4, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_mmt4d_u8s8s32(a, 0, b, 0, c, 0, 1, 1, 1, 16, 16, 2, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(
      qrt_ukernel_mmt4d_u8s8s32(a, 0, b, 0, nullptr, 0, 1, 1, 1, 1, 16, 4, 0),
      QRT_UKERNEL_INVALID_ARGUMENT);
  float f[256] = {};
  EXPECT_EQ(qrt_ukernel_mmt4d_f32(f, 0, f, 0, f, 0, 1, 1, 1, 16, 16, 4, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
  // Empty problems are fine and write nothing.
  EXPECT_EQ(qrt_ukernel_mmt4d_u8s8s32(nullptr, 0, nullptr, 0, nullptr, 0, 0, 5,
                                      5, 16, 16, 4, 0),
            QRT_UKERNEL_OK);
}

TEST(Mmt4dTest, ZeroK1WritesZerosOrKeepsAccumulator) {
  int32_t c[16 * 16];
  std::fill(std::begin(c), std::end(c), 7);
  EXPECT_EQ(qrt_ukernel_mmt4d_u8s8s32(nullptr, 0, nullptr, 0, c, 256, 1, 1, 0,
                                      16, 16, 4, QRT_UKERNEL_FLAG_ACCUMULATE),
            QRT_UKERNEL_OK);
  EXPECT_EQ(c[255], 7);
  EXPECT_EQ(qrt_ukernel_mmt4d_u8s8s32(nullptr, 0, nullptr, 0, c, 256, 1, 1, 0,
                                      16, 16, 4, 0),
            QRT_UKERNEL_OK);
  EXPECT_EQ(c[0], 0);
  EXPECT_EQ(c[255], 0);
}

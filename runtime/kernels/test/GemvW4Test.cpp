//===- GemvW4Test.cpp - int4 GEMV against dequantize-then-multiply --------===//

#include "TestUtils.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace qrt::kernels;
using namespace qrt::kernels::test;

namespace {

struct W4Problem {
  int64_t n, k;
  int32_t group;
  bool zeros, nbits;
  std::vector<uint8_t> q;    // [N][K] one value per byte
  std::vector<uint8_t> z;    // [N][groups] one per byte
  std::vector<float> scales; // [N][groups]
  std::vector<uint8_t> packed;

  int64_t groups() const { return (k + group - 1) / group; }
  uint32_t flags() const {
    return (zeros ? QRT_UKERNEL_W4_ZERO_POINTS : 0) |
           (nbits ? QRT_UKERNEL_W4_SRC_MATMULNBITS : 0);
  }
  float dequant(int64_t row, int64_t col) const {
    int64_t g = row * groups() + col / group;
    float zp = zeros ? float(z[g]) : 8.0f;
    return (float(q[row * k + col]) - zp) * scales[g];
  }
};

W4Problem makeProblem(int64_t n, int64_t k, int32_t group, bool zeros,
                      bool nbits, unsigned seed) {
  W4Problem p{n, k, group, zeros, nbits, {}, {}, {}, {}};
  p.q = randomInts<uint8_t>(n * k, 0, 15, seed);
  p.z = randomInts<uint8_t>(n * p.groups(), 0, 15, seed + 1);
  p.scales = randomFloats(n * p.groups(), 0.001f, 0.1f, seed + 2);
  // The source in the requested format.
  std::vector<uint8_t> src = p.q, zsrc = p.z;
  if (nbits) {
    int64_t g = p.groups(), rowBytes = g * group / 2, zRow = (g + 1) / 2;
    src.assign(n * rowBytes, 0);
    zsrc.assign(n * zRow, 0);
    for (int64_t r = 0; r < n; ++r) {
      for (int64_t c = 0; c < k; ++c)
        src[r * rowBytes + c / 2] |= p.q[r * k + c] << (4 * (c % 2));
      for (int64_t j = 0; j < g; ++j)
        zsrc[r * zRow + j / 2] |= p.z[r * g + j] << (4 * (j % 2));
    }
  } else {
    for (uint8_t &v : src) // upper bits must be ignored
      v |= 0xA0;
  }
  int64_t size = qrt_ukernel_pack_w4_size(n, k, group, p.flags());
  EXPECT_GT(size, 0);
  EXPECT_EQ(size % 64, 0);
  p.packed.assign(size, 0xEE);
  EXPECT_EQ(qrt_ukernel_pack_w4(p.packed.data(), src.data(), p.scales.data(),
                                zeros ? zsrc.data() : nullptr, n, k, group,
                                p.flags()),
            QRT_UKERNEL_OK);
  return p;
}

void runGemv(const std::string &impl, const W4Problem &p, const float *x,
             int64_t xStride, float *y, int64_t yStride, int64_t m,
             int64_t nBegin, int64_t nEnd, uint32_t extraFlags = 0) {
  uint32_t flags = p.flags() | extraFlags;
  W4Layout layout(p.n, p.k, p.group, flags);
  if (impl == "avx512")
    avx512::gemvW4F32(p.packed.data(), layout, flags, x, xStride, y, yStride, m,
                      nBegin, nEnd);
  else if (impl == "scalar")
    scalar::gemvW4F32(p.packed.data(), layout, flags, x, xStride, y, yStride, m,
                      nBegin, nEnd);
  else
    ASSERT_EQ(qrt_ukernel_gemv_w4_f32(p.packed.data(), p.n, p.k, p.group, flags,
                                      x, xStride, y, yStride, m, nBegin, nEnd),
              QRT_UKERNEL_OK);
}

void expectMatches(const W4Problem &p, const std::vector<float> &x,
                   int64_t xStride, const std::vector<float> &y,
                   int64_t yStride, int64_t m, double times = 1) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t r = 0; r < p.n; ++r) {
      double exact = 0, magnitude = 0;
      for (int64_t c = 0; c < p.k; ++c) {
        double v = double(x[i * xStride + c]) * p.dequant(r, c);
        exact += v;
        magnitude += std::fabs(v);
      }
      double tol = times * (2.0 * p.k * 0x1p-24 * magnitude + 1e-30);
      ASSERT_NEAR(y[i * yStride + r], times * exact, tol)
          << "N=" << p.n << " K=" << p.k << " G=" << p.group
          << " zeros=" << p.zeros << " M=" << m << " at " << i << "," << r;
    }
}

} // namespace

class GemvW4Test : public ::testing::TestWithParam<std::string> {};

TEST_P(GemvW4Test, MatchesDequantizedGemv) {
  unsigned seed = 1;
  struct {
    int64_t n, k;
    int32_t group;
  } shapes[] = {{1, 16, 16},    {4, 128, 128},  {7, 100, 32}, {33, 300, 64},
                {64, 512, 128}, {12, 640, 256}, {9, 129, 16}, {5, 1000, 128},
                {40, 96, 32},   {16, 4096, 128}};
  for (auto s : shapes)
    for (bool zeros : {false, true})
      for (bool nbits : {false, true}) {
        W4Problem p = makeProblem(s.n, s.k, s.group, zeros, nbits, seed++);
        for (int64_t m : {1, 2, 3, 4, 5, 8, 16, 17}) {
          int64_t xStride = p.k + 3, yStride = p.n + 5;
          auto x = randomFloats(m * xStride, -1, 1, seed++);
          std::vector<float> y(m * yStride, NAN);
          runGemv(GetParam(), p, x.data(), xStride, y.data(), yStride, m, 0,
                  p.n);
          expectMatches(p, x, xStride, y, yStride, m);
        }
      }
}

TEST_P(GemvW4Test, SplitRangesAndAccumulate) {
  W4Problem p = makeProblem(42, 384, 64, true, false, 77);
  int64_t m = 3;
  auto x = randomFloats(m * p.k, -2, 2, 78);
  std::vector<float> y(m * p.n, NAN);
  // Thread-like split at 4-row boundaries, then once more accumulating.
  for (auto [b, e] : {std::pair<int64_t, int64_t>{0, 8}, {8, 20}, {20, 42}})
    runGemv(GetParam(), p, x.data(), p.k, y.data(), p.n, m, b, e);
  runGemv(GetParam(), p, x.data(), p.k, y.data(), p.n, m, 0, p.n,
          QRT_UKERNEL_FLAG_ACCUMULATE);
  expectMatches(p, x, p.k, y, p.n, m, 2);
}

INSTANTIATE_TEST_SUITE_P(Impl, GemvW4Test,
                         ::testing::ValuesIn(implementationsAndPublic()));

TEST(GemvW4ApiTest, RejectsBadArguments) {
  W4Problem p = makeProblem(10, 128, 128, false, false, 5);
  std::vector<float> x(128, 1.0f), y(10);
  auto call = [&](int32_t group, int64_t b, int64_t e) {
    return qrt_ukernel_gemv_w4_f32(p.packed.data(), p.n, p.k, group, p.flags(),
                                   x.data(), p.k, y.data(), p.n, 1, b, e);
  };
  EXPECT_EQ(call(128, 0, 10), QRT_UKERNEL_OK);
  EXPECT_EQ(call(128, 2, 10), QRT_UKERNEL_INVALID_ARGUMENT); // unaligned
  EXPECT_EQ(call(128, 0, 6), QRT_UKERNEL_INVALID_ARGUMENT);  // unaligned
  EXPECT_EQ(call(128, 0, 11), QRT_UKERNEL_INVALID_ARGUMENT); // past N
  EXPECT_EQ(call(48, 0, 10), QRT_UKERNEL_INVALID_ARGUMENT);  // bad group
  EXPECT_EQ(qrt_ukernel_pack_w4_size(10, 128, 96, 0), -1);
}

TEST(GemvW4ApiTest, PackedFormatsAgree) {
  // Both source formats give the same bytes.
  for (bool zeros : {false, true}) {
    W4Problem a = makeProblem(13, 200, 32, zeros, false, 9);
    W4Problem b = makeProblem(13, 200, 32, zeros, true, 9);
    EXPECT_EQ(a.packed, b.packed);
  }
}

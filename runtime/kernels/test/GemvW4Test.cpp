//===- GemvW4Test.cpp - int4 GEMV against dequantize-then-multiply --------===//

#include "TestUtils.h"

#include <algorithm>
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
  if (impl == "avx512x16")
    ASSERT_TRUE(avx512x16::gemvW4F32(p.packed.data(), layout, flags, x, xStride,
                                     y, yStride, m, nBegin, nEnd));
  else if (impl == "avx512")
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

/// Whether `impl` runs the fixed-point kernel on `p` (groups of 128k).
bool usesFixed16(const std::string &impl, const W4Problem &p) {
  return p.group % W4Layout::kBlockK == 0 &&
         (impl == "avx512x16" || (impl == "public" && hasAvx512()));
}

/// y against the exact dequantize-then-multiply in double. The f32 kernels
/// may err by 2K rounding steps of the sum of |products|. The fixed-point
/// kernel rounds each x to 2^-16 of its 128-block's max |x| and sums
/// q * x and zp * x separately, so it gets that much more.
void expectMatches(const std::string &impl, const W4Problem &p,
                   const std::vector<float> &x, int64_t xStride,
                   const std::vector<float> &y, int64_t yStride, int64_t m,
                   double times = 1) {
  const bool fixed = usesFixed16(impl, p);
  for (int64_t i = 0; i < m; ++i) {
    std::vector<double> blockMax((p.k + 127) / 128, 0.0);
    for (int64_t c = 0; c < p.k; ++c)
      blockMax[c / 128] =
          std::max(blockMax[c / 128], double(std::fabs(x[i * xStride + c])));
    for (int64_t r = 0; r < p.n; ++r) {
      double exact = 0, magnitude = 0, rounding = 0;
      for (int64_t c = 0; c < p.k; ++c) {
        double xc = x[i * xStride + c], v = xc * p.dequant(r, c);
        exact += v;
        magnitude += std::fabs(v);
        if (!fixed)
          continue;
        int64_t g = r * p.groups() + c / p.group;
        double zp = p.zeros ? p.z[g] : 8.0;
        magnitude += std::fabs(xc) * (p.q[r * p.k + c] + zp) * p.scales[g];
        rounding += std::fabs(p.dequant(r, c)) * blockMax[c / 128] * 0x1p-16;
      }
      double tol =
          times * (2.0 * p.k * 0x1p-24 * magnitude + 1.01 * rounding + 1e-30);
      ASSERT_NEAR(y[i * yStride + r], times * exact, tol)
          << "N=" << p.n << " K=" << p.k << " G=" << p.group
          << " zeros=" << p.zeros << " M=" << m << " at " << i << "," << r;
    }
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
        if (GetParam() == "avx512x16" && p.group % W4Layout::kBlockK)
          continue; // groups of 128k only
        for (int64_t m : {1, 2, 3, 4, 5, 8, 16, 17}) {
          int64_t xStride = p.k + 3, yStride = p.n + 5;
          auto x = randomFloats(m * xStride, -1, 1, seed++);
          std::vector<float> y(m * yStride, NAN);
          runGemv(GetParam(), p, x.data(), xStride, y.data(), yStride, m, 0,
                  p.n);
          expectMatches(GetParam(), p, x, xStride, y, yStride, m);
        }
      }
}

TEST_P(GemvW4Test, WideDynamicRange) {
  // Blocks mixing magnitudes 1e-6 .. 1e4 and exact zeros: the fixed-point
  // kernel's error follows each block's max, the f32 kernels' each product.
  W4Problem p = makeProblem(12, 700, 128, true, false, 91);
  int64_t m = 2;
  auto x = randomFloats(m * p.k, -1, 1, 92);
  for (int64_t c = 0; c < m * p.k; ++c)
    x[c] *= c % 7 == 0 ? 1e4f : c % 5 == 0 ? 1e-6f : c % 11 == 0 ? 0.0f : 1.0f;
  std::vector<float> y(m * p.n, NAN);
  runGemv(GetParam(), p, x.data(), p.k, y.data(), p.n, m, 0, p.n);
  expectMatches(GetParam(), p, x, p.k, y, p.n, m);
}

TEST(GemvW4ApiTest, InfNaNAndDenormalsTakeTheF32Kernel) {
  // The fixed-point kernel cannot scale a block holding inf or NaN; the
  // entry point then runs the f32 kernel, which propagates them.
  W4Problem p = makeProblem(8, 256, 128, false, false, 93);
  std::vector<float> x(p.k, 0.25f), y(p.n);
  x[3] = INFINITY;
  ASSERT_EQ(qrt_ukernel_gemv_w4_f32(p.packed.data(), p.n, p.k, p.group,
                                    p.flags(), x.data(), p.k, y.data(), p.n, 1,
                                    0, p.n),
            QRT_UKERNEL_OK);
  for (int64_t r = 0; r < p.n; ++r) {
    float w = p.dequant(r, 3);
    if (w != 0)
      EXPECT_EQ(y[r], w > 0 ? INFINITY : -INFINITY) << r;
    else
      EXPECT_TRUE(std::isnan(y[r])) << r;
  }
  x[3] = NAN;
  ASSERT_EQ(qrt_ukernel_gemv_w4_f32(p.packed.data(), p.n, p.k, p.group,
                                    p.flags(), x.data(), p.k, y.data(), p.n, 1,
                                    0, p.n),
            QRT_UKERNEL_OK);
  for (int64_t r = 0; r < p.n; ++r)
    EXPECT_TRUE(std::isnan(y[r])) << r;
  // Denormal activations: a fixed-point scale would underflow; the f32
  // kernel keeps them.
  std::vector<float> tiny(p.k);
  for (int64_t c = 0; c < p.k; ++c)
    tiny[c] = (c % 3 - 1) * 1e-39f;
  ASSERT_EQ(qrt_ukernel_gemv_w4_f32(p.packed.data(), p.n, p.k, p.group,
                                    p.flags(), tiny.data(), p.k, y.data(), p.n,
                                    1, 0, p.n),
            QRT_UKERNEL_OK);
  for (int64_t r = 0; r < p.n; ++r) {
    double exact = 0, magnitude = 0;
    for (int64_t c = 0; c < p.k; ++c) {
      exact += double(tiny[c]) * p.dequant(r, c);
      magnitude += std::fabs(double(tiny[c]) * p.dequant(r, c));
    }
    EXPECT_NEAR(y[r], exact, 1e-3 * magnitude) << r;
  }
}

TEST_P(GemvW4Test, SplitRangesAndAccumulate) {
  int32_t group = GetParam() == "avx512x16" ? 128 : 64;
  W4Problem p = makeProblem(42, 384, group, true, false, 77);
  int64_t m = 3;
  auto x = randomFloats(m * p.k, -2, 2, 78);
  std::vector<float> y(m * p.n, NAN);
  // Thread-like split at 4-row boundaries, then once more accumulating.
  for (auto [b, e] : {std::pair<int64_t, int64_t>{0, 8}, {8, 20}, {20, 42}})
    runGemv(GetParam(), p, x.data(), p.k, y.data(), p.n, m, b, e);
  runGemv(GetParam(), p, x.data(), p.k, y.data(), p.n, m, 0, p.n,
          QRT_UKERNEL_FLAG_ACCUMULATE);
  expectMatches(GetParam(), p, x, p.k, y, p.n, m, 2);
}

std::vector<std::string> gemvImplementations() {
  std::vector<std::string> impls = implementationsAndPublic();
  if (hasAvx512())
    impls.push_back("avx512x16");
  return impls;
}

INSTANTIATE_TEST_SUITE_P(Impl, GemvW4Test,
                         ::testing::ValuesIn(gemvImplementations()));

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

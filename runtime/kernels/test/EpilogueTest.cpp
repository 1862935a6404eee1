//===- EpilogueTest.cpp - requantization and (de)quantization helpers -----===//

#include "TestUtils.h"

#include <cmath>
#include <gtest/gtest.h>
#include <limits>

using namespace qrt::kernels;
using namespace qrt::kernels::test;

namespace {

template <typename T>
void quantize(const std::string &impl, const float *x, T *y, int64_t n,
              float scale, int32_t zp) {
  constexpr bool isU8 = std::is_same_v<T, uint8_t>;
  if (impl == "avx512") {
    if constexpr (isU8)
      avx512::quantizeF32U8(x, y, n, scale, zp);
    else
      avx512::quantizeF32S8(x, y, n, scale, zp);
  } else if (impl == "scalar") {
    if constexpr (isU8)
      scalar::quantizeF32U8(x, y, n, scale, zp);
    else
      scalar::quantizeF32S8(x, y, n, scale, zp);
  } else {
    if constexpr (isU8)
      ASSERT_EQ(qrt_ukernel_quantize_f32_u8(x, y, n, scale, zp),
                QRT_UKERNEL_OK);
    else
      ASSERT_EQ(qrt_ukernel_quantize_f32_s8(x, y, n, scale, zp),
                QRT_UKERNEL_OK);
  }
}

/// The reference evaluator's QuantizeLinear, written out independently.
int32_t referenceQuantize(float x, float scale, int32_t zp, int32_t qmin,
                          int32_t qmax) {
  float r = std::nearbyint(x / scale);
  if (std::isnan(r))
    return std::clamp(zp, qmin, qmax);
  double v = double(r) + zp;
  return v <= qmin ? qmin : v >= qmax ? qmax : int32_t(v);
}

} // namespace

class EpilogueTest : public ::testing::TestWithParam<std::string> {};

TEST_P(EpilogueTest, QuantizeRoundsHalfToEven) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // x / 0.5 lands exactly on .5 ties; then large, tiny, inf and NaN.
  std::vector<float> x = {0.25f, 0.75f, 1.25f, -0.25f, -0.75f,  -1.25f,
                          0.0f,  -0.0f, 1.0f,  1000.f, -1000.f, inf,
                          -inf,  nan,   0.2f,  0.3f,   -0.2f,   -0.3f};
  std::vector<int32_t> u8 = {10,  12, 12,  10, 8,  8,  10, 10, 12,
                             255, 0,  255, 0,  10, 10, 11, 10, 9};
  std::vector<int32_t> s8 = {0,   2,    2,   0,    -2, -2, 0, 0, 2,
                             127, -128, 127, -128, 0,  0,  1, 0, -1};
  // Twice over, so the vector body and the masked tail both see them.
  std::vector<float> xx = x;
  xx.insert(xx.end(), x.begin(), x.end());
  xx.insert(xx.end(), x.begin(), x.end());
  std::vector<uint8_t> yu(xx.size());
  std::vector<int8_t> ys(xx.size());
  quantize(GetParam(), xx.data(), yu.data(), xx.size(), 0.5f, 10);
  quantize(GetParam(), xx.data(), ys.data(), xx.size(), 0.5f, 0);
  for (size_t i = 0; i < xx.size(); ++i) {
    EXPECT_EQ(yu[i], u8[i % x.size()]) << "x=" << xx[i];
    EXPECT_EQ(ys[i], s8[i % x.size()]) << "x=" << xx[i];
  }
}

TEST_P(EpilogueTest, QuantizeMatchesReferenceOnRandomData) {
  for (int64_t n : {1, 15, 16, 17, 63, 64, 65, 200, 1000}) {
    auto x = randomFloats(n, -40, 40, unsigned(n));
    // Also exact multiples of the scale: ties after the division.
    for (int64_t i = 0; i < n; i += 3)
      x[i] = std::round(x[i]) * 0.125f + 0.0625f;
    std::vector<uint8_t> yu(n);
    std::vector<int8_t> ys(n);
    quantize(GetParam(), x.data(), yu.data(), n, 0.125f, 128);
    quantize(GetParam(), x.data(), ys.data(), n, 0.3f, -3);
    for (int64_t i = 0; i < n; ++i) {
      ASSERT_EQ(yu[i], referenceQuantize(x[i], 0.125f, 128, 0, 255)) << x[i];
      ASSERT_EQ(ys[i], referenceQuantize(x[i], 0.3f, -3, -128, 127)) << x[i];
    }
  }
}

TEST_P(EpilogueTest, RequantizeMatchesFormula) {
  const std::string impl = GetParam();
  for (auto [m, n] : {std::pair<int64_t, int64_t>{1, 1},
                      {3, 16},
                      {5, 37},
                      {16, 64},
                      {2, 100}}) {
    int64_t accStride = n + 2, outStride = n + 1;
    auto acc = randomInts<int32_t>(m * accStride, -200000, 200000, 3);
    auto colsum = randomInts<int32_t>(n, -3000, 3000, 4);
    auto scaleW = randomFloats(n, 1e-4f, 1e-2f, 5);
    auto bias = randomFloats(n, -1, 1, 6);
    const int32_t zpA = 131;
    const float scaleA = 0.02f, scaleY = 0.05f;
    for (bool withOptional : {true, false}) {
      const int32_t *cs = withOptional ? colsum.data() : nullptr;
      const float *b = withOptional ? bias.data() : nullptr;
      std::vector<float> f(m * outStride);
      std::vector<uint8_t> u(m * outStride);
      std::vector<int8_t> s(m * outStride);
      if (impl == "avx512") {
        avx512::requantS32F32(acc.data(), accStride, f.data(), outStride, m, n,
                              zpA, cs, scaleA, scaleW.data(), b);
        avx512::requantS32U8(acc.data(), accStride, u.data(), outStride, m, n,
                             zpA, cs, scaleA, scaleW.data(), b, scaleY, 100);
        avx512::requantS32S8(acc.data(), accStride, s.data(), outStride, m, n,
                             zpA, cs, scaleA, scaleW.data(), b, scaleY, -5);
      } else if (impl == "scalar") {
        scalar::requantS32F32(acc.data(), accStride, f.data(), outStride, m, n,
                              zpA, cs, scaleA, scaleW.data(), b);
        scalar::requantS32U8(acc.data(), accStride, u.data(), outStride, m, n,
                             zpA, cs, scaleA, scaleW.data(), b, scaleY, 100);
        scalar::requantS32S8(acc.data(), accStride, s.data(), outStride, m, n,
                             zpA, cs, scaleA, scaleW.data(), b, scaleY, -5);
      } else {
        ASSERT_EQ(qrt_ukernel_requant_s32_f32(acc.data(), accStride, f.data(),
                                              outStride, m, n, zpA, cs, scaleA,
                                              scaleW.data(), b),
                  QRT_UKERNEL_OK);
        ASSERT_EQ(qrt_ukernel_requant_s32_u8(acc.data(), accStride, u.data(),
                                             outStride, m, n, zpA, cs, scaleA,
                                             scaleW.data(), b, scaleY, 100),
                  QRT_UKERNEL_OK);
        ASSERT_EQ(qrt_ukernel_requant_s32_s8(acc.data(), accStride, s.data(),
                                             outStride, m, n, zpA, cs, scaleA,
                                             scaleW.data(), b, scaleY, -5),
                  QRT_UKERNEL_OK);
      }
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          int64_t t =
              int64_t(acc[i * accStride + j]) - (cs ? int64_t(zpA) * cs[j] : 0);
          float expected =
              std::fma(float(t), scaleA * scaleW[j], b ? b[j] : 0.0f);
          ASSERT_EQ(f[i * outStride + j], expected) << i << "," << j;
          ASSERT_EQ(u[i * outStride + j],
                    referenceQuantize(expected, scaleY, 100, 0, 255));
          ASSERT_EQ(s[i * outStride + j],
                    referenceQuantize(expected, scaleY, -5, -128, 127));
        }
    }
  }
}

TEST_P(EpilogueTest, DequantizeEveryAxis) {
  const std::string impl = GetParam();
  int64_t rows = 5, cols = 37, xStride = 40, yStride = 39;
  auto x = randomInts<uint8_t>(rows * xStride, 0, 255, 11);
  auto scale = randomFloats(cols, 0.01f, 1.0f, 12);
  auto zp = randomInts<int32_t>(cols, 0, 255, 13);
  for (int32_t axis :
       {QRT_UKERNEL_PER_TENSOR, QRT_UKERNEL_PER_ROW, QRT_UKERNEL_PER_COL})
    for (bool withZp : {true, false}) {
      std::vector<float> y(rows * yStride);
      const int32_t *z = withZp ? zp.data() : nullptr;
      if (impl == "avx512")
        avx512::dequantizeU8F32(x.data(), xStride, y.data(), yStride, rows,
                                cols, scale.data(), z, axis);
      else if (impl == "scalar")
        scalar::dequantizeU8F32(x.data(), xStride, y.data(), yStride, rows,
                                cols, scale.data(), z, axis);
      else
        ASSERT_EQ(qrt_ukernel_dequantize_u8_f32(x.data(), xStride, y.data(),
                                                yStride, rows, cols,
                                                scale.data(), z, axis),
                  QRT_UKERNEL_OK);
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c) {
          int64_t p = axis == QRT_UKERNEL_PER_ROW   ? r
                      : axis == QRT_UKERNEL_PER_COL ? c
                                                    : 0;
          float expected =
              float(int32_t(x[r * xStride + c]) - (z ? z[p] : 0)) * scale[p];
          ASSERT_EQ(y[r * yStride + c], expected)
              << axis << " " << r << "," << c;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Impl, EpilogueTest,
                         ::testing::ValuesIn(implementationsAndPublic()));

//===- ConvGemmTest.cpp - NCHW convolution as s8 x u8 GEMM ----------------===//
//
// qrt_ukernel_mmt4d_s8u8s32 against a plain GEMM (exact), the fast
// transposed u8 pack and the im2col packs against im2col + the portable
// pack (byte-exact), the unpack epilogues against their formulas
// (bit-exact), and a whole quantized convolution (im2col pack + GEMM +
// unpack/requant) against a direct convolution.
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

/// C[M][N] = W[M][K] (s8) * X[K][N] (u8) through pack (W row-major as the
/// LHS, X [K][N] transposed as the RHS) + mmt4d_s8u8s32 + unpack.
std::vector<int32_t> runS8U8(const std::string &impl, const Shape &s,
                             const std::vector<int8_t> &w,
                             const std::vector<uint8_t> &x,
                             int64_t extraStride, int repeats) {
  const int n0 = QRT_UKERNEL_S8U8S32_N0, k0 = QRT_UKERNEL_S8U8S32_K0;
  int64_t m1 = ceilDiv(s.m, s.m0), n1 = ceilDiv(s.n, n0), k1 = ceilDiv(s.k, k0);
  int64_t lhsStride = k1 * s.m0 * k0 + extraStride,
          rhsStride = k1 * n0 * k0 + extraStride,
          outStride = n1 * s.m0 * n0 + extraStride;
  std::vector<int8_t> lhs(m1 * lhsStride, 0x55);
  std::vector<uint8_t> rhs(n1 * rhsStride, 0xAA);
  std::vector<int32_t> out(m1 * outStride, 12345);
  EXPECT_EQ(qrt_ukernel_pack_x8(w.data(), s.k, s.m, s.k, lhs.data(), lhsStride,
                                s.m0, k0, 0),
            QRT_UKERNEL_OK);
  EXPECT_EQ(qrt_ukernel_pack_x8(x.data(), s.n, s.n, s.k, rhs.data(), rhsStride,
                                n0, k0, QRT_UKERNEL_PACK_TRANSPOSE),
            QRT_UKERNEL_OK);
  for (int r = 0; r < repeats; ++r) {
    uint32_t flags = r ? QRT_UKERNEL_FLAG_ACCUMULATE : 0;
    if (impl == "avx512")
      avx512::mmt4dS8U8S32(lhs.data(), lhsStride, rhs.data(), rhsStride,
                           out.data(), outStride, m1, n1, k1, s.m0, flags);
    else if (impl == "scalar")
      scalar::mmt4dS8U8S32(lhs.data(), lhsStride, rhs.data(), rhsStride,
                           out.data(), outStride, m1, n1, k1, s.m0, flags);
    else
      EXPECT_EQ(qrt_ukernel_mmt4d_s8u8s32(lhs.data(), lhsStride, rhs.data(),
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

std::vector<int32_t> referenceS8U8(const Shape &s, const std::vector<int8_t> &w,
                                   const std::vector<uint8_t> &x,
                                   int repeats) {
  std::vector<int32_t> c(s.m * s.n);
  for (int64_t i = 0; i < s.m; ++i)
    for (int64_t j = 0; j < s.n; ++j) {
      int64_t acc = 0;
      for (int64_t k = 0; k < s.k; ++k)
        acc += int64_t(w[i * s.k + k]) * x[k * s.n + j];
      c[i * s.n + j] = static_cast<int32_t>(acc * repeats);
    }
  return c;
}

const Shape kShapes[] = {
    {1, 1, 1, 1},       {1, 16, 4, 1},     {3, 17, 5, 2},    {16, 16, 64, 16},
    {17, 33, 129, 16},  {33, 40, 3, 8},    {5, 31, 100, 4},  {64, 48, 256, 16},
    {9, 64, 1000, 8},   {2, 100, 77, 2},   {40, 20, 300, 16}, {7, 16, 36, 1},
    {32, 1600, 16, 16}, {48, 200, 144, 16}, {16, 65, 48, 16},
};

} // namespace

class Mmt4dS8U8Test : public ::testing::TestWithParam<std::string> {};

TEST_P(Mmt4dS8U8Test, MatchesPlainGemmExactly) {
  unsigned seed = 1;
  for (const Shape &s : kShapes) {
    auto w = randomInts<int8_t>(s.m * s.k, -128, 127, seed++);
    auto x = randomInts<uint8_t>(s.k * s.n, 0, 255, seed++);
    EXPECT_EQ(runS8U8(GetParam(), s, w, x, 0, 1), referenceS8U8(s, w, x, 1))
        << "M=" << s.m << " N=" << s.n << " K=" << s.k << " M0=" << s.m0;
  }
}

TEST_P(Mmt4dS8U8Test, EveryM0WithPaddedStridesAndAccumulate) {
  unsigned seed = 100;
  for (int32_t m0 : {1, 2, 4, 8, 16}) {
    Shape s{m0 * 2 + 1, 35, 67, m0};
    auto w = randomInts<int8_t>(s.m * s.k, -128, 127, seed++);
    auto x = randomInts<uint8_t>(s.k * s.n, 0, 255, seed++);
    EXPECT_EQ(runS8U8(GetParam(), s, w, x, 7, 3), referenceS8U8(s, w, x, 3))
        << "M0=" << m0;
  }
}

TEST_P(Mmt4dS8U8Test, ExtremeValuesDoNotSaturate) {
  for (int8_t v : {int8_t(-128), int8_t(127)}) {
    Shape s{16, 16, 4096, 16};
    std::vector<int8_t> w(s.m * s.k, v);
    std::vector<uint8_t> x(s.k * s.n, 255);
    EXPECT_EQ(runS8U8(GetParam(), s, w, x, 0, 1), referenceS8U8(s, w, x, 1));
  }
}

INSTANTIATE_TEST_SUITE_P(Impl, Mmt4dS8U8Test,
                         ::testing::ValuesIn(implementationsAndPublic()));

TEST(Mmt4dS8U8, RejectsUnsupportedTiles) {
  int8_t a[64] = {};
  uint8_t b[64] = {};
  int32_t c[256] = {};
  EXPECT_EQ(qrt_ukernel_mmt4d_s8u8s32(a, 0, b, 0, c, 0, 1, 1, 1, 16, 32, 4, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_mmt4d_s8u8s32(a, 0, b, 0, c, 0, 1, 1, 1, 3, 16, 4, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_mmt4d_s8u8s32(a, 0, b, 0, c, 0, 1, 1, 1, 16, 16, 1, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_mmt4d_s8u8s32(nullptr, 0, nullptr, 0, nullptr, 0, 0, 5,
                                      5, 16, 16, 4, 0),
            QRT_UKERNEL_OK);
}

//===--- Packing -----------------------------------------------------------===//

class PackConvTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PackConvTest, TransposedX8MatchesPortablePack) {
  const std::string impl = GetParam();
  unsigned seed = 3;
  // rows = N, cols = K; partial tiles, partial 4-tile groups, padded strides.
  for (auto [n, k] : {std::pair<int64_t, int64_t>{1, 1},
                      {16, 4},
                      {17, 5},
                      {64, 8},
                      {65, 3},
                      {100, 37},
                      {200, 16},
                      {48, 144}}) {
    int64_t srcStride = n + 3, n1 = ceilDiv(n, 16), k1 = ceilDiv(k, 4);
    int64_t dstStride = k1 * 64 + 64;
    auto src = randomInts<uint8_t>(k * srcStride, 0, 255, seed++);
    std::vector<uint8_t> expected(n1 * dstStride, 0xEE), got = expected;
    packTiles<uint8_t>(src.data(), srcStride, n, k, expected.data(), dstStride,
                       16, 4, true);
    if (impl == "avx512")
      avx512::packX8Transposed16x4(src.data(), srcStride, n, k, got.data(),
                                   dstStride);
    else if (impl == "scalar")
      scalar::packX8Transposed16x4(src.data(), srcStride, n, k, got.data(),
                                   dstStride);
    else
      ASSERT_EQ(qrt_ukernel_pack_x8(src.data(), srcStride, n, k, got.data(),
                                    dstStride, 16, 4,
                                    QRT_UKERNEL_PACK_TRANSPOSE),
                QRT_UKERNEL_OK);
    EXPECT_EQ(got, expected) << "N=" << n << " K=" << k;
  }
}

namespace {

struct Conv {
  int64_t c, h, w;
  int kh, kw, sh, sw, dh, dw, pt, pl, pb, pr;
  int64_t oh() const { return (h + pt + pb - dh * (kh - 1) - 1) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - dw * (kw - 1) - 1) / sw + 1; }
  int64_t k() const { return c * kh * kw; }
  int64_t p() const { return oh() * ow(); }
};

std::ostream &operator<<(std::ostream &os, const Conv &c) {
  return os << "C=" << c.c << " " << c.h << "x" << c.w << " k" << c.kh << "x"
            << c.kw << " s" << c.sh << "," << c.sw << " d" << c.dh << ","
            << c.dw << " p" << c.pt << "," << c.pl << "," << c.pb << ","
            << c.pr;
}

const Conv kConvs[] = {
    {3, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},   // 3x3 same
    {4, 17, 23, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},   // stride 2, odd sizes
    {16, 8, 8, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0},    // 1x1
    {5, 12, 80, 5, 5, 1, 1, 1, 1, 2, 2, 2, 2},   // 5x5 same, OW % 64 != 0
    {2, 9, 70, 3, 3, 1, 2, 1, 1, 1, 1, 1, 1},    // stride (1, 2)
    {3, 11, 13, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},   // dilation 2
    {2, 10, 31, 2, 3, 3, 3, 1, 1, 0, 1, 1, 0},   // stride 3, asymmetric pads
    {1, 3, 4, 3, 3, 1, 1, 1, 1, 3, 3, 3, 3},     // more padding than input
    {3, 48, 64, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1},   // 48x320-style rectangle
    {2, 6, 130, 1, 7, 1, 1, 1, 1, 0, 3, 0, 3},   // 1x7
};

template <typename T>
std::vector<T> referenceIm2col(const std::vector<T> &x, const Conv &cv,
                               T pad) {
  std::vector<T> col(cv.k() * cv.p());
  for (int64_t k = 0; k < cv.k(); ++k)
    for (int64_t p = 0; p < cv.p(); ++p) {
      int64_t c = k / (cv.kh * cv.kw), kh = k / cv.kw % cv.kh, kw = k % cv.kw;
      int64_t ih = p / cv.ow() * cv.sh - cv.pt + kh * cv.dh;
      int64_t iw = p % cv.ow() * cv.sw - cv.pl + kw * cv.dw;
      col[k * cv.p() + p] = ih < 0 || ih >= cv.h || iw < 0 || iw >= cv.w
                                ? pad
                                : x[(c * cv.h + ih) * cv.w + iw];
    }
  return col;
}

/// The column range [pBegin, pEnd) of Col[K][P], as its own [K][pEnd-pBegin]
/// matrix (what a caller packing a chunk gets).
template <typename T>
std::vector<T> columns(const std::vector<T> &col, int64_t k, int64_t p,
                       int64_t pBegin, int64_t pEnd) {
  std::vector<T> out;
  for (int64_t i = 0; i < k; ++i)
    out.insert(out.end(), col.begin() + i * p + pBegin,
               col.begin() + i * p + pEnd);
  return out;
}

} // namespace

TEST_P(PackConvTest, Im2colU8MatchesIm2colThenPack) {
  const std::string impl = GetParam();
  unsigned seed = 20;
  for (const Conv &cv : kConvs) {
    auto x = randomInts<uint8_t>(cv.c * cv.h * cv.w, 0, 255, seed++);
    const uint8_t zp = 77;
    auto col = referenceIm2col(x, cv, zp);
    int64_t P = cv.p(), K = cv.k(), k1 = ceilDiv(K, 4);
    // The whole range, then chunks that start mid-row and mid-tile.
    for (auto [pb, pe] : {std::pair<int64_t, int64_t>{0, P},
                          {5, std::min<int64_t>(P, 70)},
                          {P / 3, P}}) {
      if (pb >= pe)
        continue;
      int64_t n1 = ceilDiv(pe - pb, 16), stride = k1 * 64 + 32;
      std::vector<uint8_t> expected(n1 * stride, 0xEE), got = expected;
      auto sub = columns(col, K, P, pb, pe);
      packTiles<uint8_t>(sub.data(), pe - pb, pe - pb, K, expected.data(),
                         stride, 16, 4, true);
      ConvGeom g{cv.c, cv.h, cv.w, cv.oh(), cv.ow(), cv.kh, cv.kw,
                 cv.sh, cv.sw, cv.dh, cv.dw, cv.pt, cv.pl};
      if (impl == "avx512")
        avx512::packIm2colU8(x.data(), g, zp, pb, pe, got.data(), stride);
      else if (impl == "scalar")
        scalar::packIm2colU8(x.data(), g, zp, pb, pe, got.data(), stride);
      else
        ASSERT_EQ(qrt_ukernel_pack_im2col_u8(
                      x.data(), cv.c, cv.h, cv.w, cv.kh, cv.kw, cv.oh(),
                      cv.ow(), cv.sh, cv.sw, cv.dh, cv.dw, cv.pt, cv.pl, zp, pb,
                      pe, got.data(), stride, 16, 4),
                  QRT_UKERNEL_OK);
      ASSERT_EQ(got, expected) << cv << " pixels [" << pb << ", " << pe << ")";
    }
  }
}

TEST_P(PackConvTest, Im2colF32MatchesIm2colThenPack) {
  const std::string impl = GetParam();
  unsigned seed = 40;
  for (const Conv &cv : kConvs) {
    auto x = randomFloats(cv.c * cv.h * cv.w, -1, 1, seed++);
    const float pad = 0.5f;
    auto col = referenceIm2col(x, cv, pad);
    int64_t P = cv.p(), K = cv.k();
    for (auto [pb, pe] : {std::pair<int64_t, int64_t>{0, P},
                          {3, std::min<int64_t>(P, 40)},
                          {P / 2, P}}) {
      if (pb >= pe)
        continue;
      int64_t n1 = ceilDiv(pe - pb, 16), stride = K * 16 + 8;
      std::vector<float> expected(n1 * stride, -7.0f), got = expected;
      auto sub = columns(col, K, P, pb, pe);
      packTiles<float>(sub.data(), pe - pb, pe - pb, K, expected.data(),
                       stride, 16, 1, true);
      ConvGeom g{cv.c, cv.h, cv.w, cv.oh(), cv.ow(), cv.kh, cv.kw,
                 cv.sh, cv.sw, cv.dh, cv.dw, cv.pt, cv.pl};
      if (impl == "avx512")
        avx512::packIm2colF32(x.data(), g, pad, pb, pe, got.data(), stride);
      else if (impl == "scalar")
        scalar::packIm2colF32(x.data(), g, pad, pb, pe, got.data(), stride);
      else
        ASSERT_EQ(qrt_ukernel_pack_im2col_f32(
                      x.data(), cv.c, cv.h, cv.w, cv.kh, cv.kw, cv.oh(),
                      cv.ow(), cv.sh, cv.sw, cv.dh, cv.dw, cv.pt, cv.pl, pad,
                      pb, pe, got.data(), stride, 16, 1),
                  QRT_UKERNEL_OK);
      ASSERT_EQ(got, expected) << cv << " pixels [" << pb << ", " << pe << ")";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Impl, PackConvTest,
                         ::testing::ValuesIn(implementationsAndPublic()));

TEST(PackConv, RejectsBadArguments) {
  uint8_t x[16] = {}, d[64 * 4] = {};
  // zero point out of range, wrong tile, bad stride, pixel range.
  EXPECT_EQ(qrt_ukernel_pack_im2col_u8(x, 1, 4, 4, 1, 1, 4, 4, 1, 1, 1, 1, 0,
                                       0, 256, 0, 16, d, 64, 16, 4),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_pack_im2col_u8(x, 1, 4, 4, 1, 1, 4, 4, 1, 1, 1, 1, 0,
                                       0, 0, 0, 16, d, 64, 16, 1),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_pack_im2col_u8(x, 1, 4, 4, 1, 1, 4, 4, 0, 1, 1, 1, 0,
                                       0, 0, 0, 16, d, 64, 16, 4),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_pack_im2col_u8(x, 1, 4, 4, 1, 1, 4, 4, 1, 1, 1, 1, 0,
                                       0, 0, 0, 17, d, 64, 16, 4),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_pack_im2col_u8(x, 1, 4, 4, 1, 1, 4, 4, 1, 1, 1, 1, 0,
                                       0, 0, 16, 16, nullptr, 64, 16, 4),
            QRT_UKERNEL_OK);
  float f[16] = {}, fd[16 * 16] = {};
  EXPECT_EQ(qrt_ukernel_pack_im2col_f32(f, 1, 4, 4, 1, 1, 4, 4, 1, 1, 1, 1, 0,
                                        0, 0.0f, 0, 16, fd, 16, 16, 4),
            QRT_UKERNEL_INVALID_ARGUMENT);
}

//===--- Unpack epilogues --------------------------------------------------===//

class UnpackRequantTest : public ::testing::TestWithParam<std::string> {};

TEST_P(UnpackRequantTest, MatchesRequantFormulaPerRow) {
  const std::string impl = GetParam();
  unsigned seed = 60;
  for (auto [m, n, m0] : {std::tuple<int64_t, int64_t, int32_t>{1, 1, 1},
                          {16, 16, 16},
                          {5, 37, 4},
                          {33, 100, 16},
                          {7, 15, 8},
                          {3, 64, 2}}) {
    int64_t m1 = ceilDiv(m, m0), n1 = ceilDiv(n, 16);
    int64_t accStride0 = n1 * m0 * 16 + 16, outStride = n + 3;
    auto acc = randomInts<int32_t>(m1 * accStride0, -300000, 300000, seed++);
    auto wsum = randomInts<int32_t>(m, -3000, 3000, seed++);
    auto scaleW = randomFloats(m, 1e-4f, 1e-2f, seed++);
    auto bias = randomFloats(m, -1, 1, seed++);
    const int32_t zpA = 131;
    const float scaleA = 0.02f, scaleY = 0.05f;
    for (bool optional : {true, false}) {
      const int32_t *ws = optional ? wsum.data() : nullptr;
      const float *b = optional ? bias.data() : nullptr;
      std::vector<float> f(m * outStride, -9.0f);
      std::vector<uint8_t> u(m * outStride, 0xEE);
      std::vector<int8_t> s(m * outStride, 0x6E);
      if (impl == "avx512") {
        avx512::unpackRequantS32F32(acc.data(), accStride0, f.data(), outStride,
                                    m, n, m0, zpA, ws, scaleA, scaleW.data(),
                                    b);
        avx512::unpackRequantS32U8(acc.data(), accStride0, u.data(), outStride,
                                   m, n, m0, zpA, ws, scaleA, scaleW.data(), b,
                                   scaleY, 100);
        avx512::unpackRequantS32S8(acc.data(), accStride0, s.data(), outStride,
                                   m, n, m0, zpA, ws, scaleA, scaleW.data(), b,
                                   scaleY, -5);
      } else if (impl == "scalar") {
        scalar::unpackRequantS32F32(acc.data(), accStride0, f.data(), outStride,
                                    m, n, m0, zpA, ws, scaleA, scaleW.data(),
                                    b);
        scalar::unpackRequantS32U8(acc.data(), accStride0, u.data(), outStride,
                                   m, n, m0, zpA, ws, scaleA, scaleW.data(), b,
                                   scaleY, 100);
        scalar::unpackRequantS32S8(acc.data(), accStride0, s.data(), outStride,
                                   m, n, m0, zpA, ws, scaleA, scaleW.data(), b,
                                   scaleY, -5);
      } else {
        ASSERT_EQ(qrt_ukernel_unpack_requant_s32_f32(
                      acc.data(), accStride0, f.data(), outStride, m, n, m0, 16,
                      zpA, ws, scaleA, scaleW.data(), b),
                  QRT_UKERNEL_OK);
        ASSERT_EQ(qrt_ukernel_unpack_requant_s32_u8(
                      acc.data(), accStride0, u.data(), outStride, m, n, m0, 16,
                      zpA, ws, scaleA, scaleW.data(), b, scaleY, 100),
                  QRT_UKERNEL_OK);
        ASSERT_EQ(qrt_ukernel_unpack_requant_s32_s8(
                      acc.data(), accStride0, s.data(), outStride, m, n, m0, 16,
                      zpA, ws, scaleA, scaleW.data(), b, scaleY, -5),
                  QRT_UKERNEL_OK);
      }
      // The same values through the row-major requant of the existing API
      // (per column there, so one row at a time with a broadcast scale).
      std::vector<int32_t> plain(m * n);
      ASSERT_EQ(qrt_ukernel_unpack_s32(acc.data(), accStride0, plain.data(), n,
                                       m, n, m0, 16),
                QRT_UKERNEL_OK);
      for (int64_t i = 0; i < m; ++i) {
        std::vector<float> rowF(n), sw(n, scaleW[i]), bi(n, b ? b[i] : 0.0f);
        std::vector<int32_t> cs(n, ws ? ws[i] : 0);
        std::vector<uint8_t> rowU(n);
        std::vector<int8_t> rowS(n);
        ASSERT_EQ(qrt_ukernel_requant_s32_f32(plain.data() + i * n, n,
                                              rowF.data(), n, 1, n, zpA,
                                              cs.data(), scaleA, sw.data(),
                                              bi.data()),
                  QRT_UKERNEL_OK);
        ASSERT_EQ(qrt_ukernel_requant_s32_u8(
                      plain.data() + i * n, n, rowU.data(), n, 1, n, zpA,
                      cs.data(), scaleA, sw.data(), bi.data(), scaleY, 100),
                  QRT_UKERNEL_OK);
        ASSERT_EQ(qrt_ukernel_requant_s32_s8(
                      plain.data() + i * n, n, rowS.data(), n, 1, n, zpA,
                      cs.data(), scaleA, sw.data(), bi.data(), scaleY, -5),
                  QRT_UKERNEL_OK);
        for (int64_t j = 0; j < n; ++j) {
          int64_t t = int64_t(plain[i * n + j]) - (ws ? int64_t(zpA) * ws[i] : 0);
          float expected =
              std::fma(float(t), scaleA * scaleW[i], b ? b[i] : 0.0f);
          ASSERT_EQ(f[i * outStride + j], expected) << i << "," << j;
          ASSERT_EQ(f[i * outStride + j], rowF[j]);
          ASSERT_EQ(u[i * outStride + j], rowU[j]);
          ASSERT_EQ(s[i * outStride + j], rowS[j]);
        }
        for (int64_t j = n; j < outStride; ++j) // the row gap is untouched
          ASSERT_EQ(f[i * outStride + j], -9.0f);
      }
    }
  }
}

TEST_P(UnpackRequantTest, BiasF32) {
  const std::string impl = GetParam();
  for (auto [m, n, m0] : {std::tuple<int64_t, int64_t, int32_t>{1, 1, 1},
                          {19, 35, 16},
                          {6, 48, 4}}) {
    int64_t m1 = ceilDiv(m, m0), n1 = ceilDiv(n, 16),
            accStride0 = n1 * m0 * 16, outStride = n + 1;
    auto acc = randomFloats(m1 * accStride0, -1, 1, 70);
    auto bias = randomFloats(m, -1, 1, 71);
    for (bool withBias : {true, false}) {
      std::vector<float> out(m * outStride, -9.0f);
      const float *b = withBias ? bias.data() : nullptr;
      if (impl == "avx512")
        avx512::unpackBiasF32(acc.data(), accStride0, out.data(), outStride, m,
                              n, m0, b);
      else if (impl == "scalar")
        scalar::unpackBiasF32(acc.data(), accStride0, out.data(), outStride, m,
                              n, m0, b);
      else
        ASSERT_EQ(qrt_ukernel_unpack_bias_f32(acc.data(), accStride0,
                                              out.data(), outStride, m, n, m0,
                                              16, b),
                  QRT_UKERNEL_OK);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < outStride; ++j) {
          float a = acc[(i / m0) * accStride0 + (j / 16) * m0 * 16 +
                        (i % m0) * 16 + j % 16];
          float expected = j >= n ? -9.0f : withBias ? a + bias[i] : a;
          ASSERT_EQ(out[i * outStride + j], expected) << i << "," << j;
        }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Impl, UnpackRequantTest,
                         ::testing::ValuesIn(implementationsAndPublic()));

//===--- A whole quantized convolution -------------------------------------===//

TEST(ConvGemm, QuantizedConvThroughIm2colGemmUnpack) {
  // u8 NCHW input -> pack_im2col_u8 -> mmt4d_s8u8s32 -> unpack_requant_u8 /
  // _f32 (NCHW), against a direct convolution with the same requantization.
  unsigned seed = 80;
  for (const Conv &cv : kConvs) {
    const int64_t cout = 20, K = cv.k(), P = cv.p();
    const int m0 = 16, n0 = 16, k0 = 4;
    int64_t m1 = ceilDiv(cout, m0), n1 = ceilDiv(P, n0), k1 = ceilDiv(K, k0);
    auto x = randomInts<uint8_t>(cv.c * cv.h * cv.w, 0, 255, seed++);
    auto w = randomInts<int8_t>(cout * K, -128, 127, seed++);
    auto scaleW = randomFloats(cout, 1e-3f, 1e-2f, seed++);
    auto bias = randomFloats(cout, -2, 2, seed++);
    const int32_t zpX = 9;
    const float scaleX = 0.03f, scaleY = 0.2f;
    std::vector<int8_t> lhs(m1 * k1 * m0 * k0);
    std::vector<uint8_t> rhs(n1 * k1 * n0 * k0);
    std::vector<int32_t> acc(m1 * n1 * m0 * n0), wsum(cout);
    ASSERT_EQ(qrt_ukernel_pack_x8(w.data(), K, cout, K, lhs.data(),
                                  k1 * m0 * k0, m0, k0, 0),
              QRT_UKERNEL_OK);
    ASSERT_EQ(qrt_ukernel_rowsum_s8(w.data(), K, cout, K, wsum.data()),
              QRT_UKERNEL_OK);
    ASSERT_EQ(qrt_ukernel_pack_im2col_u8(x.data(), cv.c, cv.h, cv.w, cv.kh,
                                         cv.kw, cv.oh(), cv.ow(), cv.sh, cv.sw,
                                         cv.dh, cv.dw, cv.pt, cv.pl, zpX, 0, P,
                                         rhs.data(), k1 * n0 * k0, n0, k0),
              QRT_UKERNEL_OK);
    ASSERT_EQ(qrt_ukernel_mmt4d_s8u8s32(lhs.data(), k1 * m0 * k0, rhs.data(),
                                        k1 * n0 * k0, acc.data(), n1 * m0 * n0,
                                        m1, n1, k1, m0, n0, k0, 0),
              QRT_UKERNEL_OK);
    std::vector<float> f(cout * P);
    std::vector<uint8_t> u(cout * P);
    ASSERT_EQ(qrt_ukernel_unpack_requant_s32_f32(
                  acc.data(), n1 * m0 * n0, f.data(), P, cout, P, m0, n0, zpX,
                  wsum.data(), scaleX, scaleW.data(), bias.data()),
              QRT_UKERNEL_OK);
    ASSERT_EQ(qrt_ukernel_unpack_requant_s32_u8(
                  acc.data(), n1 * m0 * n0, u.data(), P, cout, P, m0, n0, zpX,
                  wsum.data(), scaleX, scaleW.data(), bias.data(), scaleY, 128),
              QRT_UKERNEL_OK);
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t p = 0; p < P; ++p) {
        // Direct convolution of (x - zp) with w: padding contributes 0.
        int64_t sum = 0;
        for (int64_t c = 0; c < cv.c; ++c)
          for (int kh = 0; kh < cv.kh; ++kh)
            for (int kw = 0; kw < cv.kw; ++kw) {
              int64_t ih = p / cv.ow() * cv.sh - cv.pt + kh * cv.dh;
              int64_t iw = p % cv.ow() * cv.sw - cv.pl + kw * cv.dw;
              if (ih < 0 || ih >= cv.h || iw < 0 || iw >= cv.w)
                continue;
              sum += (int64_t(x[(c * cv.h + ih) * cv.w + iw]) - zpX) *
                     w[o * K + (c * cv.kh + kh) * cv.kw + kw];
            }
        float expected = std::fma(float(sum), scaleX * scaleW[o], bias[o]);
        ASSERT_EQ(f[o * P + p], expected) << cv << " o=" << o << " p=" << p;
        float q = std::nearbyint(expected / scaleY) + 128;
        ASSERT_EQ(u[o * P + p], uint8_t(std::clamp(q, 0.0f, 255.0f)));
      }
  }
}

/// The fused im2col + GEMM against pack_im2col_u8 + mmt4d_s8u8s32 on the
/// same pixel range: identical int32 accumulators, whether the range is one
/// chunk or spans several (K large enough for small chunks), with a pixel
/// tail, padding and strides, overwriting and accumulating.
TEST(ConvIm2colS8U8, FusedEqualsPackThenGemm) {
  struct Case {
    int64_t c, h, w;
    int kh, kw, sh, sw, pad;
    int64_t cout, pBegin, pEnd;
    int m0;
  };
  const Case cases[] = {
      {4, 9, 9, 3, 3, 1, 1, 1, 24, 0, 81, 8},
      {96, 40, 40, 3, 3, 1, 1, 1, 24, 16, 1600, 8}, // K1 = 216: many chunks
      {96, 40, 40, 3, 3, 2, 2, 1, 32, 0, 400, 16},
      {3, 20, 30, 3, 3, 2, 2, 1, 16, 32, 150, 16}, // K = 27: partial k0
      {16, 12, 12, 1, 1, 1, 1, 0, 8, 0, 144, 4}};
  unsigned seed = 5;
  for (const Case &cs : cases)
    for (uint32_t flags : {0u, uint32_t(QRT_UKERNEL_FLAG_ACCUMULATE)}) {
      int64_t oh = (cs.h + 2 * cs.pad - cs.kh) / cs.sh + 1;
      int64_t ow = (cs.w + 2 * cs.pad - cs.kw) / cs.sw + 1;
      int64_t k = cs.c * cs.kh * cs.kw, k1 = ceilDiv(k, 4);
      int64_t m1 = ceilDiv(cs.cout, cs.m0);
      int64_t n1 = ceilDiv(cs.pEnd - cs.pBegin, 16);
      auto x = randomInts<uint8_t>(cs.c * cs.h * cs.w, 0, 255, seed++);
      auto w = randomInts<int8_t>(cs.cout * k, -127, 127, seed++);
      std::vector<int8_t> lhs(m1 * k1 * cs.m0 * 4);
      ASSERT_EQ(qrt_ukernel_pack_x8(w.data(), k, cs.cout, k, lhs.data(),
                                    k1 * cs.m0 * 4, cs.m0, 4, 0),
                QRT_UKERNEL_OK);
      std::vector<uint8_t> rhs(n1 * k1 * 64);
      ASSERT_EQ(qrt_ukernel_pack_im2col_u8(x.data(), cs.c, cs.h, cs.w, cs.kh,
                                           cs.kw, oh, ow, cs.sh, cs.sw, 1, 1,
                                           cs.pad, cs.pad, 77, cs.pBegin,
                                           cs.pEnd, rhs.data(), k1 * 64, 16, 4),
                QRT_UKERNEL_OK);
      auto init =
          randomInts<int32_t>(m1 * n1 * cs.m0 * 16, -1000, 1000, seed++);
      std::vector<int32_t> want = init, got = init;
      ASSERT_EQ(qrt_ukernel_mmt4d_s8u8s32(lhs.data(), k1 * cs.m0 * 4,
                                          rhs.data(), k1 * 64, want.data(),
                                          n1 * cs.m0 * 16, m1, n1, k1, cs.m0,
                                          16, 4, flags),
                QRT_UKERNEL_OK);
      ASSERT_EQ(qrt_ukernel_conv2d_im2col_s8u8s32(
                    lhs.data(), k1 * cs.m0 * 4, m1, k1, cs.m0, x.data(), cs.c,
                    cs.h, cs.w, cs.kh, cs.kw, oh, ow, cs.sh, cs.sw, 1, 1,
                    cs.pad, cs.pad, 77, cs.pBegin, cs.pEnd, got.data(),
                    n1 * cs.m0 * 16, flags),
                QRT_UKERNEL_OK);
      ASSERT_EQ(want, got) << "c=" << cs.c << " k=" << cs.kh << " s=" << cs.sh
                           << " flags=" << flags;
    }
  // K1 must match the geometry.
  int8_t lhs[64] = {};
  uint8_t x[16] = {};
  int32_t out[256] = {};
  EXPECT_EQ(qrt_ukernel_conv2d_im2col_s8u8s32(lhs, 64, 1, 2, 16, x, 1, 4, 4, 1,
                                              1, 4, 4, 1, 1, 1, 1, 0, 0, 0, 0,
                                              16, out, 256, 0),
            QRT_UKERNEL_INVALID_ARGUMENT);
}

/// The direct (implicit GEMM) convolution against the fused im2col kernel
/// on the same padded input and weights (packed taps-outer for the first,
/// im2col order for the second): identical accumulators, for the scalar
/// and AVX-512 implementations, strides 1-2 in height, dilations, row tiles
/// of 8 and 16, chunks of several output rows, pixel sub-ranges.
TEST(ConvDirectS8U8, EqualsIm2colGemm) {
  struct Case {
    int64_t c, h, w;
    int kh, kw, sh, dh, dw;
    int64_t cout;
    int m0;
    int64_t pBegin, pEnd; // -1: all
  };
  const Case cases[] = {{96, 42, 34, 3, 3, 1, 1, 1, 24, 8, -1, -1},
                        {8, 11, 18, 3, 3, 1, 1, 1, 16, 16, 32, 96},
                        {4, 20, 37, 3, 5, 2, 2, 1, 8, 8, -1, -1},
                        {16, 9, 16, 1, 1, 1, 1, 1, 32, 16, 16, 144}};
  unsigned seed = 40;
  for (const Case &cs : cases)
    for (const std::string &impl : implementationsAndPublic())
      for (uint32_t flags : {0u, uint32_t(QRT_UKERNEL_FLAG_ACCUMULATE)}) {
        int64_t oh = (cs.h - (cs.kh - 1) * cs.dh - 1) / cs.sh + 1;
        int64_t ow = (cs.w - (cs.kw - 1) * cs.dw) / 16 * 16;
        int64_t taps = cs.kh * cs.kw, k = cs.c * taps, k1 = k / 4;
        int64_t m1 = ceilDiv(cs.cout, cs.m0);
        int64_t pb = cs.pBegin < 0 ? 0 : cs.pBegin;
        int64_t pe = cs.pEnd < 0 ? oh * ow : cs.pEnd;
        int64_t n1 = ceilDiv(pe - pb, 16);
        auto x = randomInts<uint8_t>(cs.c * cs.h * cs.w, 0, 255, seed++);
        auto w = randomInts<int8_t>(cs.cout * k, -127, 127, seed++);
        // im2col order k = (c, kh, kw); taps outer k = (kh, kw, c).
        std::vector<int8_t> wTaps(cs.cout * k);
        for (int64_t o = 0; o < cs.cout; ++o)
          for (int64_t c = 0; c < cs.c; ++c)
            for (int64_t t = 0; t < taps; ++t)
              wTaps[o * k + t * cs.c + c] = w[o * k + c * taps + t];
        std::vector<int8_t> lhs(m1 * k1 * cs.m0 * 4),
            lhsTaps(m1 * k1 * cs.m0 * 4);
        ASSERT_EQ(qrt_ukernel_pack_x8(w.data(), k, cs.cout, k, lhs.data(),
                                      k1 * cs.m0 * 4, cs.m0, 4, 0),
                  QRT_UKERNEL_OK);
        ASSERT_EQ(qrt_ukernel_pack_x8(wTaps.data(), k, cs.cout, k,
                                      lhsTaps.data(), k1 * cs.m0 * 4, cs.m0, 4,
                                      0),
                  QRT_UKERNEL_OK);
        auto init = randomInts<int32_t>(m1 * n1 * cs.m0 * 16, -99, 99, seed++);
        std::vector<int32_t> want = init, got = init;
        ASSERT_EQ(qrt_ukernel_conv2d_im2col_s8u8s32(
                      lhs.data(), k1 * cs.m0 * 4, m1, k1, cs.m0, x.data(), cs.c,
                      cs.h, cs.w, cs.kh, cs.kw, oh, ow, cs.sh, 1, cs.dh, cs.dw,
                      0, 0, 0, pb, pe, want.data(), n1 * cs.m0 * 16, flags),
                  QRT_UKERNEL_OK);
        ConvGeom g{cs.c,  cs.h, cs.w,  oh,    ow, cs.kh, cs.kw,
                   cs.sh, 1,    cs.dh, cs.dw, 0,  0};
        if (impl == "scalar")
          scalar::convDirectS8U8S32(lhsTaps.data(), k1 * cs.m0 * 4, m1, cs.m0,
                                    x.data(), g, pb, pe, got.data(),
                                    n1 * cs.m0 * 16, flags);
        else if (impl == "avx512")
          avx512::convDirectS8U8S32(lhsTaps.data(), k1 * cs.m0 * 4, m1, cs.m0,
                                    x.data(), g, pb, pe, got.data(),
                                    n1 * cs.m0 * 16, flags);
        else
          ASSERT_EQ(qrt_ukernel_conv2d_direct_s8u8s32(
                        lhsTaps.data(), k1 * cs.m0 * 4, m1, cs.m0, x.data(),
                        cs.c, cs.h, cs.w, cs.kh, cs.kw, oh, ow, cs.sh, cs.dh,
                        cs.dw, pb, pe, got.data(), n1 * cs.m0 * 16, flags),
                    QRT_UKERNEL_OK);
        ASSERT_EQ(want, got) << impl << " c=" << cs.c << " k=" << cs.kh << "x"
                             << cs.kw << " flags=" << flags;
      }
  // OW must be a multiple of 16, C of 4.
  int8_t lhs[64] = {};
  uint8_t x[64] = {};
  int32_t out[256] = {};
  EXPECT_EQ(qrt_ukernel_conv2d_direct_s8u8s32(lhs, 16, 1, 16, x, 4, 4, 4, 1, 1,
                                              4, 4, 1, 1, 1, 0, 16, out, 256,
                                              0),
            QRT_UKERNEL_INVALID_ARGUMENT);
}

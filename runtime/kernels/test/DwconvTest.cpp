//===- DwconvTest.cpp - depthwise convolution kernels ---------------------===//
//
// qrt_ukernel_dwconv2d_acc_f32 (scalar, AVX-512 and the public entry point)
// against the plain loop nest (c, oh, kh, kw, ow) that quantc generates for
// its depthwise generic: bit-exact, over strides 1-3, dilations 1-2, 3x3
// and 5x5 kernels, row lengths with and without a 16/64-lane tail, and
// channel ranges; plus the argument checks. qrt_ukernel_dwconv2d_acc_u8s8s32
// against exact int64 sums, over the same shapes and wider kernels (two tap
// groups per row on VNNI), with extreme bytes.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cstring>
#include <gtest/gtest.h>

using namespace qrt::kernels;
using namespace qrt::kernels::test;

namespace {

struct DwShape {
  int64_t c, oh, ow;
  int kh, kw, sh, sw, dh, dw;
  int64_t h() const { return (oh - 1) * sh + (kh - 1) * dh + 1; }
  int64_t w() const { return (ow - 1) * sw + (kw - 1) * dw + 1; }
};

/// The generated loops: out += x * w, one rounded product and sum per tap.
void reference(const DwShape &s, const float *x, const float *w, float *out,
               int64_t cBegin, int64_t cEnd) {
  int64_t h = s.h(), wd = s.w();
  for (int64_t c = cBegin; c < cEnd; ++c)
    for (int64_t oh = 0; oh < s.oh; ++oh)
      for (int kh = 0; kh < s.kh; ++kh)
        for (int kw = 0; kw < s.kw; ++kw)
          for (int64_t ow = 0; ow < s.ow; ++ow) {
            volatile float prod = x[(c * h + oh * s.sh + kh * s.dh) * wd +
                                    ow * s.sw + kw * s.dw] *
                                  w[(c * s.kh + kh) * s.kw + kw];
            float &o = out[(c * s.oh + oh) * s.ow + ow];
            o = o + prod;
          }
}

void run(const std::string &impl, const DwShape &s, const float *x,
         const float *w, float *out, int64_t cBegin, int64_t cEnd) {
  ConvGeom g{0,    s.h(), s.w(), s.oh, s.ow, s.kh, s.kw,
             s.sh, s.sw,  s.dh,  s.dw, 0,    0};
  if (impl == "scalar")
    scalar::dwconvAccF32(x, w, out, g, cBegin, cEnd);
  else if (impl == "avx512")
    avx512::dwconvAccF32(x, w, out, g, cBegin, cEnd);
  else
    ASSERT_EQ(qrt_ukernel_dwconv2d_acc_f32(x, s.h(), s.w(), w, s.kh, s.kw, out,
                                           s.oh, s.ow, s.sh, s.sw, s.dh, s.dw,
                                           cBegin, cEnd),
              QRT_UKERNEL_OK);
}

TEST(DwconvAccF32, MatchesGeneratedLoopsBitExactly) {
  const DwShape shapes[] = {
      {3, 5, 40, 5, 5, 1, 1, 1, 1},
      {4, 7, 16, 3, 3, 1, 1, 1, 1},
      {2, 3, 1, 3, 3, 1, 1, 1, 1},
      {2, 6, 81, 3, 3, 2, 2, 1, 1},
      {3, 4, 20, 5, 5, 2, 2, 1, 1},
      {2, 5, 33, 3, 3, 3, 3, 1, 1},
      {2, 4, 70, 3, 3, 1, 1, 2, 2},
      {2, 4, 17, 3, 5, 1, 2, 2, 1},
      {1, 2, 160, 3, 3, 1, 1, 1, 1},
      {2, 3, 64, 1, 1, 1, 1, 1, 1},
      // Short rows: blocks of 8, 4, 2 and 1 rows of one to three vectors.
      {3, 15, 12, 3, 3, 1, 1, 1, 1},
      {3, 7, 24, 3, 3, 2, 2, 1, 1},
      {2, 5, 48, 5, 5, 1, 1, 1, 1},
      {2, 3, 100, 3, 3, 1, 1, 1, 1}};
  unsigned seed = 1;
  for (const DwShape &s : shapes)
    for (const std::string &impl : implementationsAndPublic()) {
      SCOPED_TRACE(impl + " c=" + std::to_string(s.c) + " oh=" +
                   std::to_string(s.oh) + " ow=" + std::to_string(s.ow) +
                   " k=" + std::to_string(s.kh) + "x" + std::to_string(s.kw) +
                   " s=" + std::to_string(s.sh) + "," + std::to_string(s.sw) +
                   " d=" + std::to_string(s.dh) + "," + std::to_string(s.dw));
      auto x = randomFloats(s.c * s.h() * s.w(), -3, 3, seed++);
      auto w = randomFloats(s.c * s.kh * s.kw, -1, 1, seed++);
      // A non-zero init (the bias), and one channel left out at each end
      // when there are enough, which must stay untouched.
      auto init = randomFloats(s.c * s.oh * s.ow, -1, 1, seed++);
      int64_t cBegin = s.c > 2 ? 1 : 0, cEnd = s.c > 2 ? s.c - 1 : s.c;
      std::vector<float> want = init, got = init;
      reference(s, x.data(), w.data(), want.data(), cBegin, cEnd);
      run(impl, s, x.data(), w.data(), got.data(), cBegin, cEnd);
      ASSERT_EQ(
          0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)));
    }
}

TEST(DwconvAccF32, RejectsTapsOutsideTheInput) {
  float x[16] = {}, w[9] = {}, out[4] = {};
  // 2x2 outputs of a 3x3 kernel need a 4x4 input; 3x4 is too short.
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_f32(x, 3, 4, w, 3, 3, out, 2, 2, 1, 1, 1,
                                         1, 0, 1),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_f32(x, 4, 4, w, 3, 3, out, 2, 2, 1, 1, 1,
                                         1, 0, 1),
            QRT_UKERNEL_OK);
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_f32(x, 4, 4, w, 3, 3, out, 2, 2, 0, 1, 1,
                                         1, 0, 1),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_f32(nullptr, 4, 4, w, 3, 3, out, 2, 2, 1,
                                         1, 1, 1, 0, 1),
            QRT_UKERNEL_INVALID_ARGUMENT);
}

/// Exact sums in int64 (no overflow for these sizes).
void referenceU8(const DwShape &s, const uint8_t *x, const int8_t *w,
                 int32_t *out, int64_t cBegin, int64_t cEnd) {
  int64_t h = s.h(), wd = s.w();
  for (int64_t c = cBegin; c < cEnd; ++c)
    for (int64_t oh = 0; oh < s.oh; ++oh)
      for (int64_t ow = 0; ow < s.ow; ++ow) {
        int64_t sum = out[(c * s.oh + oh) * s.ow + ow];
        for (int kh = 0; kh < s.kh; ++kh)
          for (int kw = 0; kw < s.kw; ++kw)
            sum += int64_t(x[(c * h + oh * s.sh + kh * s.dh) * wd + ow * s.sw +
                             kw * s.dw]) *
                   w[(c * s.kh + kh) * s.kw + kw];
        out[(c * s.oh + oh) * s.ow + ow] = static_cast<int32_t>(sum);
      }
}

TEST(DwconvAccU8S8S32, MatchesExactSums) {
  const DwShape shapes[] = {
      {3, 5, 40, 5, 5, 1, 1, 1, 1},  {4, 7, 16, 3, 3, 1, 1, 1, 1},
      {2, 3, 1, 3, 3, 1, 1, 1, 1},   {2, 6, 81, 3, 3, 2, 2, 1, 1},
      {3, 4, 20, 5, 5, 2, 2, 1, 1},  {2, 5, 33, 3, 3, 3, 3, 1, 1},
      {2, 4, 70, 3, 3, 1, 1, 2, 2},  {2, 4, 17, 3, 5, 1, 2, 2, 1},
      {1, 2, 160, 3, 3, 1, 1, 1, 1}, {2, 3, 64, 1, 1, 1, 1, 1, 1},
      {3, 15, 12, 3, 3, 1, 1, 1, 1}, {3, 7, 24, 3, 3, 2, 2, 1, 1},
      {2, 5, 48, 5, 5, 1, 1, 1, 1},  {2, 3, 100, 3, 3, 1, 1, 1, 1},
      {2, 3, 37, 7, 7, 1, 1, 1, 1},  {2, 3, 29, 3, 8, 2, 2, 1, 1},
      {2, 2, 19, 1, 9, 1, 1, 1, 1},  {2, 9, 5, 4, 4, 1, 2, 1, 1}};
  std::vector<std::string> impls = {"scalar", "public"};
  if (hasAvx512Vbmi())
    impls.push_back("avx512");
  unsigned seed = 7;
  for (const DwShape &s : shapes)
    for (int mode = 0; mode < 3; ++mode)
      for (const std::string &impl : impls) {
        // Mode 0: accumulate; 1: overwrite (flags 0); 2: accumulate with
        // extreme values: x 255 against w -128 and 127, the largest
        // products.
        bool extreme = mode == 2, accumulate = mode != 1;
        SCOPED_TRACE(
            impl + " c=" + std::to_string(s.c) + " oh=" + std::to_string(s.oh) +
            " ow=" + std::to_string(s.ow) + " k=" + std::to_string(s.kh) + "x" +
            std::to_string(s.kw) + " s=" + std::to_string(s.sh) + "," +
            std::to_string(s.sw) + " d=" + std::to_string(s.dh) + "," +
            std::to_string(s.dw) + " mode " + std::to_string(mode));
        auto x = extreme
                     ? std::vector<uint8_t>(s.c * s.h() * s.w(), 255)
                     : randomInts<uint8_t>(s.c * s.h() * s.w(), 0, 255, seed++);
        auto w = randomInts<int8_t>(s.c * s.kh * s.kw, -127, 127, seed++);
        if (extreme)
          for (size_t i = 0; i < w.size(); ++i)
            w[i] = i % 2 ? int8_t(127) : int8_t(-128);
        auto init =
            randomInts<int32_t>(s.c * s.oh * s.ow, -100000, 100000, seed++);
        int64_t cBegin = s.c > 2 ? 1 : 0, cEnd = s.c > 2 ? s.c - 1 : s.c;
        std::vector<int32_t> want = init, got = init;
        if (!accumulate) // the computed channels start from 0
          std::fill(want.begin() + cBegin * s.oh * s.ow,
                    want.begin() + cEnd * s.oh * s.ow, 0);
        referenceU8(s, x.data(), w.data(), want.data(), cBegin, cEnd);
        ConvGeom g{0,    s.h(), s.w(), s.oh, s.ow, s.kh, s.kw,
                   s.sh, s.sw,  s.dh,  s.dw, 0,    0};
        if (impl == "scalar")
          scalar::dwconvAccU8S8S32(x.data(), w.data(), got.data(), g, cBegin,
                                   cEnd, accumulate);
        else if (impl == "avx512")
          avx512::dwconvAccU8S8S32(x.data(), w.data(), got.data(), g, cBegin,
                                   cEnd, accumulate);
        else
          ASSERT_EQ(
              qrt_ukernel_dwconv2d_acc_u8s8s32(
                  x.data(), s.h(), s.w(), w.data(), s.kh, s.kw, got.data(),
                  s.oh, s.ow, s.sh, s.sw, s.dh, s.dw, cBegin, cEnd,
                  accumulate ? uint32_t(QRT_UKERNEL_FLAG_ACCUMULATE) : 0u),
              QRT_UKERNEL_OK);
        ASSERT_EQ(want, got);
      }
}

TEST(DwconvAccU8S8S32, RejectsTapsOutsideTheInput) {
  uint8_t x[16] = {};
  int8_t w[9] = {};
  int32_t out[4] = {};
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_u8s8s32(x, 3, 4, w, 3, 3, out, 2, 2, 1, 1,
                                             1, 1, 0, 1, 1),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_u8s8s32(x, 4, 4, w, 3, 3, out, 2, 2, 1, 1,
                                             1, 1, 0, 1, 1),
            QRT_UKERNEL_OK);
  // An unknown flag.
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_u8s8s32(x, 4, 4, w, 3, 3, out, 2, 2, 1, 1,
                                             1, 1, 0, 1, 2),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_u8s8s32(x, 4, 4, w, 3, 3, out, 2, 2, 1, 1,
                                             1, 1, 1, 0, 1),
            QRT_UKERNEL_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_ukernel_dwconv2d_acc_u8s8s32(x, 4, 4, nullptr, 3, 3, out, 2, 2,
                                             1, 1, 1, 1, 0, 1, 1),
            QRT_UKERNEL_INVALID_ARGUMENT);
}

} // namespace

//===- PackTest.cpp - packing layouts
//---------------------------------------===//

#include "TestUtils.h"

#include <gtest/gtest.h>

using namespace qrt::kernels;
using namespace qrt::kernels::test;

TEST(PackTest, X8LayoutAndZeroPadding) {
  // 5 x 7 into 4 x 4 tiles: [2][2][4][4], element (r, c) at
  // [r/4][c/4][r%4][c%4], zero outside the matrix.
  const int64_t rows = 5, cols = 7;
  std::vector<uint8_t> src(rows * cols);
  for (int64_t i = 0; i < rows * cols; ++i)
    src[i] = static_cast<uint8_t>(i + 1);
  for (bool transpose : {false, true}) {
    std::vector<uint8_t> in = src;
    if (transpose) // stored [cols][rows]
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t c = 0; c < cols; ++c)
          in[c * rows + r] = src[r * cols + c];
    std::vector<uint8_t> dst(2 * 40, 0xFF);
    ASSERT_EQ(qrt_ukernel_pack_x8(in.data(), transpose ? rows : cols, rows,
                                  cols, dst.data(), 40, 4, 4,
                                  transpose ? QRT_UKERNEL_PACK_TRANSPOSE : 0),
              QRT_UKERNEL_OK);
    for (int64_t r = 0; r < 8; ++r)
      for (int64_t c = 0; c < 8; ++c) {
        uint8_t expected = r < rows && c < cols ? src[r * cols + c] : 0;
        EXPECT_EQ(dst[(r / 4) * 40 + ((c / 4) * 4 + r % 4) * 4 + c % 4],
                  expected)
            << r << "," << c << " transpose=" << transpose;
      }
    EXPECT_EQ(dst[32], 0xFF); // the stride gap is left alone
  }
}

TEST(PackTest, F32RoundTripThroughUnpack) {
  const int64_t rows = 19, cols = 35;
  auto src = randomFloats(rows * cols, -1, 1, 3);
  // Pack as an "output" [M1][N1][M0][N0] (pack with C0 = N0 is the same
  // layout as an mmt4d result), then unpack.
  const int m0 = 8, n0 = 16;
  int64_t m1 = 3, n1 = 3, stride0 = n1 * m0 * n0;
  std::vector<float> tiles(m1 * stride0);
  ASSERT_EQ(qrt_ukernel_pack_f32(src.data(), cols, rows, cols, tiles.data(),
                                 stride0, m0, n0, 0),
            QRT_UKERNEL_OK);
  std::vector<float> back(rows * cols);
  ASSERT_EQ(qrt_ukernel_unpack_f32(tiles.data(), stride0, back.data(), cols,
                                   rows, cols, m0, n0),
            QRT_UKERNEL_OK);
  EXPECT_EQ(back, src);
}

TEST(PackTest, RowSum) {
  auto w = randomInts<int8_t>(3 * 10, -128, 127, 4);
  std::vector<int32_t> sums(3);
  ASSERT_EQ(qrt_ukernel_rowsum_s8(w.data(), 10, 3, 9, sums.data()),
            QRT_UKERNEL_OK);
  for (int r = 0; r < 3; ++r) {
    int32_t s = 0;
    for (int c = 0; c < 9; ++c)
      s += w[r * 10 + c];
    EXPECT_EQ(sums[r], s);
  }
}

TEST(PackTest, W4NibblePositions) {
  // Weight k = 128*kb + 16*j + i sits at bits 4j.. of dword i.
  const int64_t n = 6, k = 300;
  auto q = randomInts<uint8_t>(n * k, 0, 15, 5);
  std::vector<float> scales(n * 3, 1.0f);
  int64_t size = qrt_ukernel_pack_w4_size(n, k, 128, 0);
  W4Layout l(n, k, 128, 0);
  ASSERT_EQ(size, l.totalBytes());
  // 2 row blocks x 3 k-blocks x 4 rows x 64 bytes, then the scales.
  ASSERT_EQ(l.weightBytes, 2 * 3 * 4 * 64);
  std::vector<uint8_t> packed(size);
  ASSERT_EQ(qrt_ukernel_pack_w4(packed.data(), q.data(), scales.data(), nullptr,
                                n, k, 128, 0),
            QRT_UKERNEL_OK);
  for (int64_t r = 0; r < 8; ++r)
    for (int64_t c = 0; c < 384; ++c) {
      int64_t kb = c / 128, j = (c % 128) / 16, i = c % 16;
      const uint8_t *block =
          packed.data() + ((r / 4 * 3 + kb) * 4 + r % 4) * 64;
      uint32_t dword = block[4 * i] | block[4 * i + 1] << 8 |
                       block[4 * i + 2] << 16 |
                       uint32_t(block[4 * i + 3]) << 24;
      uint32_t expected = r < n && c < k ? q[r * k + c] : 0;
      ASSERT_EQ((dword >> (4 * j)) & 15, expected) << r << "," << c;
    }
  const float *s = l.scales(packed.data());
  EXPECT_EQ(s[l.paramOf(5, 2)], 1.0f);
  EXPECT_EQ(s[l.paramOf(6, 0)], 0.0f); // padding row
}

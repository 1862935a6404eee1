//===- ShapeUtilsTest.cpp - window arithmetic and broadcasting ------------===//

#include "qc/QCShapeUtils.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qc;

TEST(ShapeUtils, PoolOutputSizeMatchesOnnxFormula) {
  // floor((32 + 0 + 0 - 5) / 1) + 1 = 28.
  EXPECT_EQ(poolOutputSize(32, 5, 1, 0, 0, 1, false), 28);
  // Stride 2, pads 1/1, 3x3: floor((640 + 2 - 3) / 2) + 1 = 320.
  EXPECT_EQ(poolOutputSize(640, 3, 2, 1, 1, 1, false), 320);
  // Dilation 2 widens a 3-tap kernel to 5.
  EXPECT_EQ(poolOutputSize(7, 3, 1, 0, 0, 2, false), 3);
  // Window does not fit.
  EXPECT_EQ(poolOutputSize(2, 3, 1, 0, 0, 1, false), std::nullopt);
}

TEST(ShapeUtils, PoolCeilModeDropsWindowsStartingInEndPadding) {
  // ONNX maxpool_2d_ceil: 4x4 input, 3x3 kernel, stride 2 -> 2x2.
  EXPECT_EQ(poolOutputSize(4, 3, 2, 0, 0, 1, true), 2);
  EXPECT_EQ(poolOutputSize(4, 3, 2, 0, 0, 1, false), 1);
  // in 5, k 2, s 2, end pad 1: ceil((5+1-2)/2)+1 = 3, and window 2 starts at
  // 4 < 5, so it stays.
  EXPECT_EQ(poolOutputSize(5, 2, 2, 0, 1, 1, true), 3);
  // in 4, k 1, s 2, pad end 1: ceil(4/2)+1 = 3 windows, but the last starts
  // at 4 >= 4 + 0, inside the end padding: dropped.
  EXPECT_EQ(poolOutputSize(4, 1, 2, 0, 1, 1, true), 2);
}

TEST(ShapeUtils, UnidirectionalBroadcast) {
  EXPECT_TRUE(isUnidirectionallyBroadcastable({4}, {2, 3, 4}));
  EXPECT_TRUE(isUnidirectionallyBroadcastable({3, 1}, {2, 3, 4}));
  EXPECT_TRUE(isUnidirectionallyBroadcastable({}, {2}));
  EXPECT_FALSE(isUnidirectionallyBroadcastable({3}, {2, 3, 4}));
  EXPECT_FALSE(isUnidirectionallyBroadcastable({1, 2, 3, 4}, {2, 3, 4}));
}

TEST(ShapeUtils, NormalizeAxis) {
  EXPECT_EQ(normalizeAxis(-1, 4), 3);
  EXPECT_EQ(normalizeAxis(0, 4), 0);
  EXPECT_EQ(normalizeAxis(-4, 4), 0);
  EXPECT_EQ(normalizeAxis(4, 4), std::nullopt);
  EXPECT_EQ(normalizeAxis(-5, 4), std::nullopt);
}

TEST(ShapeUtils, FormatShape) {
  EXPECT_EQ(formatShape({1, 3, 640, 640}), "[1, 3, 640, 640]");
  EXPECT_EQ(formatShape({}), "[]");
}

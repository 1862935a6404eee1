//===- EvalNNTest.cpp - pooling, normalisation, softmax, reductions -------===//

#include "EvalTestUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

using EvalNN = EvalTest;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::vector<float> iota(int n, float start = 0) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = start + i;
  return v;
}

/// A function applying one op to a tensor<1x1x4x4xf32> holding 1..16.
std::string pool4x4(StringRef op, StringRef attrs, StringRef out) {
  return ("func.func @f(%x: tensor<1x1x4x4xf32>) -> tensor<" + out +
          "xf32> {\n  %0 = qc." + op + " %x {" + attrs +
          "} : (tensor<1x1x4x4xf32>) -> tensor<" + out +
          "xf32>\n  return %0 : tensor<" + out + "xf32>\n}\n")
      .str();
}

//===----------------------------------------------------------------------===//
// Pooling.
//===----------------------------------------------------------------------===//

TEST_F(EvalNN, MaxPool) {
  Tensor x = f32({1, 1, 4, 4}, iota(16, 1));
  // ONNX maxpool_2d_ceil: the ceil_mode windows are cut at the border.
  EXPECT_TRUE(allClose(
      runF32(pool4x4("max_pool",
                     "kernel_shape = array<i64: 3, 3>, strides = array<i64: "
                     "2, 2>, ceil_mode = true",
                     "1x1x2x2"),
             {x}),
      {11, 12, 15, 16}));
  // Padding never wins, even against negative values.
  Tensor neg = f32({1, 1, 4, 4}, iota(16, -20));
  EXPECT_TRUE(allClose(
      runF32(pool4x4("max_pool",
                     "kernel_shape = array<i64: 2, 2>, pads = array<i64: 1, "
                     "1, 1, 1>, strides = array<i64: 2, 2>",
                     "1x1x3x3"),
             {neg}),
      {-20, -18, -17, -12, -10, -9, -8, -6, -5}));
  // Dilations.
  EXPECT_TRUE(allClose(
      runF32(pool4x4("max_pool",
                     "kernel_shape = array<i64: 2, 2>, dilations = array<i64: "
                     "2, 2>",
                     "1x1x2x2"),
             {x}),
      {11, 12, 15, 16}));
}

TEST_F(EvalNN, AveragePoolCeilAndPads) {
  Tensor x = f32({1, 1, 4, 4}, iota(16, 1));
  // ONNX averagepool_2d_ceil: partial windows average what they cover.
  EXPECT_TRUE(allClose(
      runF32(pool4x4("average_pool",
                     "kernel_shape = array<i64: 3, 3>, strides = array<i64: "
                     "2, 2>, ceil_mode = true",
                     "1x1x2x2"),
             {x}),
      {6, 7.5f, 12, 13.5f}));
  // Padding 1, ceil_mode: the last window starts at 3 and covers 3, 4, 5;
  // 4 is end padding and 5 lies past it.
  std::string padded = "kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, "
                       "1, 1, 1>, strides = array<i64: 2, 2>, ceil_mode = true";
  // Excluding pads: divide by the input elements in the window.
  EXPECT_TRUE(allClose(runF32(pool4x4("average_pool", padded, "1x1x3x3"), {x}),
                       {14.0f / 4, 30.0f / 6, 12.0f / 2, 57.0f / 6, 99.0f / 9,
                        36.0f / 3, 27.0f / 2, 45.0f / 3, 16.0f / 1}));
  // count_include_pad: divide by the window positions inside the padded
  // input (ONNX Runtime), so the last window counts 2 positions per axis.
  EXPECT_TRUE(
      allClose(runF32(pool4x4("average_pool",
                              padded + ", count_include_pad = true", "1x1x3x3"),
                      {x}),
               {14.0f / 9, 30.0f / 9, 12.0f / 6, 57.0f / 9, 99.0f / 9,
                36.0f / 6, 27.0f / 6, 45.0f / 6, 16.0f / 4}));
  // Dilations.
  EXPECT_TRUE(allClose(
      runF32(pool4x4("average_pool",
                     "kernel_shape = array<i64: 2, 2>, dilations = array<i64: "
                     "2, 2>",
                     "1x1x2x2"),
             {x}),
      {6, 7, 10, 11}));
}

TEST_F(EvalNN, AveragePoolCountIncludePadWithoutCeil) {
  // ONNX averagepool_2d_pads_count_include_pad corners: 5x5 input 1..25,
  // kernel 3, pads 2: the corner window holds only x[0][0].
  const char *ir = R"(
    func.func @f(%x: tensor<1x1x5x5xf32>) -> (tensor<1x1x7x7xf32>, tensor<1x1x7x7xf32>) {
      %0 = qc.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 2, 2, 2, 2>, count_include_pad = true} : (tensor<1x1x5x5xf32>) -> tensor<1x1x7x7xf32>
      %1 = qc.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x1x5x5xf32>) -> tensor<1x1x7x7xf32>
      return %0, %1 : tensor<1x1x7x7xf32>, tensor<1x1x7x7xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({1, 1, 5, 5}, iota(25, 1))});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_NEAR(r[0].getFloats()[0], 1.0f / 9, 1e-6);
  EXPECT_NEAR(r[0].getFloats()[1], 3.0f / 9, 1e-6);
  EXPECT_NEAR(r[0].getFloats()[24], 117.0f / 9, 1e-5);
  EXPECT_NEAR(r[0].getFloats()[48], 25.0f / 9, 1e-6);
  EXPECT_NEAR(r[1].getFloats()[0], 1.0f, 1e-6);
  EXPECT_NEAR(r[1].getFloats()[1], 1.5f, 1e-6);
  EXPECT_NEAR(r[1].getFloats()[48], 25.0f, 1e-6);
}

TEST_F(EvalNN, PoolingWindowsWithoutInput) {
  // Kernel 2 with dilation 3 and pads 1: the only window reads positions -1
  // and 2, both padding. As in ONNX Runtime, the average is 0 and the
  // maximum the lowest float.
  const char *ir = R"(
    func.func @f(%x: tensor<1x1x2xf32>) -> (tensor<1x1x1xf32>, tensor<1x1x1xf32>) {
      %0 = qc.average_pool %x {kernel_shape = array<i64: 2>, dilations = array<i64: 3>, pads = array<i64: 1, 1>} : (tensor<1x1x2xf32>) -> tensor<1x1x1xf32>
      %1 = qc.max_pool %x {kernel_shape = array<i64: 2>, dilations = array<i64: 3>, pads = array<i64: 1, 1>} : (tensor<1x1x2xf32>) -> tensor<1x1x1xf32>
      return %0, %1 : tensor<1x1x1xf32>, tensor<1x1x1xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({1, 1, 2}, {5, 7})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].getFloats()[0], 0.0f);
  EXPECT_EQ(r[1].getFloats()[0], std::numeric_limits<float>::lowest());
}

TEST_F(EvalNN, Pooling1DAnd3DAndGlobal) {
  const char *ir = R"(
    func.func @f(%x: tensor<1x2x5xf32>, %y: tensor<1x1x2x2x3xf32>) -> (tensor<1x2x2xf32>, tensor<1x1x1x1x2xf32>, tensor<1x2x1xf32>, tensor<1x2x1xf32>) {
      %0 = qc.max_pool %x {kernel_shape = array<i64: 2>, strides = array<i64: 2>} : (tensor<1x2x5xf32>) -> tensor<1x2x2xf32>
      %1 = qc.average_pool %y {kernel_shape = array<i64: 2, 2, 2>} : (tensor<1x1x2x2x3xf32>) -> tensor<1x1x1x1x2xf32>
      %2 = qc.global_average_pool %x : (tensor<1x2x5xf32>) -> tensor<1x2x1xf32>
      %3 = qc.global_max_pool %x : (tensor<1x2x5xf32>) -> tensor<1x2x1xf32>
      return %0, %1, %2, %3 : tensor<1x2x2xf32>, tensor<1x1x1x1x2xf32>, tensor<1x2x1xf32>, tensor<1x2x1xf32>
    })";
  SmallVector<Tensor> r =
      run(ir, {f32({1, 2, 5}, {3, 1, 4, 1, 5, 9, 2, 6, 5, 3}),
               f32({1, 1, 2, 2, 3}, iota(12))});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {3, 4, 9, 6}));
  // Means of {0,1,3,4,6,7,9,10} and {1,2,4,5,7,8,10,11}.
  EXPECT_TRUE(allClose(r[1].getFloats(), {5, 6}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {2.8f, 5}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {5, 9}));
}

//===----------------------------------------------------------------------===//
// Normalisation and softmax.
//===----------------------------------------------------------------------===//

TEST_F(EvalNN, BatchNormalization) {
  const char *ir = R"(
    func.func @f(%x: tensor<1x2x1x2xf32>, %s: tensor<2xf32>, %b: tensor<2xf32>, %m: tensor<2xf32>, %v: tensor<2xf32>) -> tensor<1x2x1x2xf32> {
      %0 = qc.batch_normalization %x, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32>
      return %0 : tensor<1x2x1x2xf32>
    })";
  EXPECT_TRUE(allClose(
      runF32(ir, {f32({1, 2, 1, 2}, {1, 3, 10, 20}), f32({2}, {2, 1}),
                  f32({2}, {0.5f, -1}), f32({2}, {1, 10}), f32({2}, {4, 25})}),
      {0.5f, 2.5f, -1, 1}));
}

TEST_F(EvalNN, LayerNormalization) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x4xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %y: tensor<2x2x2xf32>, %t: tensor<2xf32>) -> (tensor<2x4xf32>, tensor<2x2x2xf32>) {
      %0 = qc.layer_normalization %x, %s, %b {epsilon = 0.0 : f32} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
      %1 = qc.layer_normalization %y, %t {axis = 1 : i64, epsilon = 0.0 : f32} : (tensor<2x2x2xf32>, tensor<2xf32>) -> tensor<2x2x2xf32>
      return %0, %1 : tensor<2x4xf32>, tensor<2x2x2xf32>
    })";
  // Row [1, 2, 3, 4]: mean 2.5, variance 1.25.
  float s = 1.0f / std::sqrt(1.25f);
  SmallVector<Tensor> r =
      run(ir, {f32({2, 4}, {1, 2, 3, 4, 2, 2, 2, 2}), f32({4}, {1, 2, 1, 2}),
               f32({4}, {0, 0, 1, 1}), f32({2, 2, 2}, {1, 2, 3, 4, 0, 0, 4, 4}),
               f32({2}, {1, 10})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(allClose(r[0].getFloats(),
                       {-1.5f * s, -1.0f * s, 1 + 0.5f * s, 1 + 3.0f * s,
                        // A constant row has zero variance: 0 / 0 -> NaN.
                        kNaN, kNaN, kNaN, kNaN}));
  // Normalised over the last two dimensions; the scale [1, 10] broadcasts
  // along the last one.
  EXPECT_TRUE(allClose(r[1].getFloats(), {-1.5f * s, -5.0f * s, 0.5f * s,
                                          15.0f * s, -1, -10, 1, 10}));
}

TEST_F(EvalNN, SoftmaxAndLogSoftmax) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
      %0 = qc.softmax %x : tensor<2x3xf32>
      %1 = qc.log_softmax %x : tensor<2x3xf32>
      %2 = qc.softmax %x {axis = 0 : i64} : tensor<2x3xf32>
      return %0, %1, %2 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 3}, {1, 2, 3, 1000, 1000, 1000})});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {0.09003057f, 0.24472847f, 0.66524096f,
                                          1.0f / 3, 1.0f / 3, 1.0f / 3}));
  EXPECT_TRUE(
      allClose(r[1].getFloats(), {-2.40760596f, -1.40760596f, -0.40760596f,
                                  -1.09861229f, -1.09861229f, -1.09861229f}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {0, 0, 0, 1, 1, 1}));
}

//===----------------------------------------------------------------------===//
// Reductions.
//===----------------------------------------------------------------------===//

TEST_F(EvalNN, Reductions) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>, tensor<f32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
      %0 = qc.reduce_sum %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
      %1 = qc.reduce_mean %x {axes = array<i64: 0>, keepdims = false} : (tensor<2x3xf32>) -> tensor<3xf32>
      %2 = qc.reduce_max %x : (tensor<2x3xf32>) -> tensor<1x1xf32>
      %3 = qc.reduce_min %x {keepdims = false} : (tensor<2x3xf32>) -> tensor<f32>
      %4 = qc.reduce_prod %x {axes = array<i64: -1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
      %5 = qc.reduce_l1 %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
      %6 = qc.reduce_l2 %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
      %7 = qc.reduce_sum_square %x {axes = array<i64: 1>} : (tensor<2x3xf32>) -> tensor<2x1xf32>
      return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2x1xf32>, tensor<3xf32>, tensor<1x1xf32>, tensor<f32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 3}, {1, -2, 3, 4, 0.5f, -6})});
  ASSERT_EQ(r.size(), 8u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {2, -1.5f}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {2.5f, -0.75f, -1.5f}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {4}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {-6}));
  EXPECT_TRUE(allClose(r[4].getFloats(), {-6, -12}));
  EXPECT_TRUE(allClose(r[5].getFloats(), {6, 10.5f}));
  EXPECT_TRUE(
      allClose(r[6].getFloats(), {std::sqrt(14.0f), std::sqrt(52.25f)}));
  EXPECT_TRUE(allClose(r[7].getFloats(), {14, 52.25f}));
}

TEST_F(EvalNN, ReductionOverNonContiguousAxes) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x3x4xf32>) -> (tensor<3xf32>, tensor<1x3x1xf32>) {
      %0 = qc.reduce_sum %x {axes = array<i64: 0, 2>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
      %1 = qc.reduce_max %x {axes = array<i64: 2, 0>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
      return %0, %1 : tensor<3xf32>, tensor<1x3x1xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 3, 4}, iota(24))});
  ASSERT_EQ(r.size(), 2u);
  // Row j sums (4j .. 4j+3) and (12 + 4j .. 12 + 4j + 3).
  EXPECT_TRUE(allClose(r[0].getFloats(), {60, 92, 124}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {15, 19, 23}));
}

TEST_F(EvalNN, EmptyReductionsGiveTheIdentity) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x0xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
      %0 = qc.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
      %1 = qc.reduce_prod %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
      %2 = qc.reduce_max %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
      %3 = qc.reduce_min %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
      %4 = qc.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
      %5 = qc.reduce_l2 %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x0xf32>) -> tensor<2xf32>
      return %0, %1, %2, %3, %4, %5 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 0}, {})});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {0, 0}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {1, 1}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {-kInf, -kInf}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {kInf, kInf}));
  EXPECT_TRUE(allClose(r[4].getFloats(), {kNaN, kNaN}));
  EXPECT_TRUE(allClose(r[5].getFloats(), {0, 0}));
}

TEST_F(EvalNN, IntegerReductions) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x3xi32>, %u: tensor<3xui8>, %e: tensor<0xi8>) -> (tensor<2xi32>, tensor<2xi32>, tensor<1xui8>, tensor<1xi8>, tensor<1xi8>) {
      %0 = qc.reduce_sum %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xi32>) -> tensor<2xi32>
      %1 = qc.reduce_mean %x {axes = array<i64: 1>, keepdims = false} : (tensor<2x3xi32>) -> tensor<2xi32>
      %2 = qc.reduce_max %u : (tensor<3xui8>) -> tensor<1xui8>
      %3 = qc.reduce_max %e : (tensor<0xi8>) -> tensor<1xi8>
      %4 = qc.reduce_min %e : (tensor<0xi8>) -> tensor<1xi8>
      return %0, %1, %2, %3, %4 : tensor<2xi32>, tensor<2xi32>, tensor<1xui8>, tensor<1xi8>, tensor<1xi8>
    })";
  SmallVector<Tensor> r =
      run(ir, {ints(intType(32), {2, 3}, {1, 2, 4, -7, 0, 0}),
               ints(intType(8, true), {3}, {7, 250, 3}),
               ints(intType(8), {0}, {})});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({7, -7}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({2, -2}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({250}));
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({-128}));
  EXPECT_EQ(r[4].getInts(), ArrayRef<int64_t>({127}));
}

TEST_F(EvalNN, ArgMaxArgMin) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x2xf32>) -> (tensor<1x2xi64>, tensor<2x1xi64>, tensor<2x1xi64>, tensor<2xi64>, tensor<2xi64>) {
      %0 = qc.argmax %x : (tensor<2x2xf32>) -> tensor<1x2xi64>
      %1 = qc.argmax %x {axis = 1 : i64} : (tensor<2x2xf32>) -> tensor<2x1xi64>
      %2 = qc.argmax %x {axis = -1 : i64, select_last_index = true} : (tensor<2x2xf32>) -> tensor<2x1xi64>
      %3 = qc.argmin %x {axis = 1 : i64, keepdims = false} : (tensor<2x2xf32>) -> tensor<2xi64>
      %4 = qc.argmin %x {axis = 1 : i64, keepdims = false, select_last_index = true} : (tensor<2x2xf32>) -> tensor<2xi64>
      return %0, %1, %2, %3, %4 : tensor<1x2xi64>, tensor<2x1xi64>, tensor<2x1xi64>, tensor<2xi64>, tensor<2xi64>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 2}, {2, 2, 3, 10})});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({1, 1}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({0, 1}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({1, 1}));
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({0, 0}));
  EXPECT_EQ(r[4].getInts(), ArrayRef<int64_t>({1, 0}));
}

} // namespace

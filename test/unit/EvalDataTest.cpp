//===- EvalDataTest.cpp - shape and data movement, resize, cast -----------===//

#include "EvalTestUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

using EvalData = EvalTest;

std::vector<float> iota(int n, float start = 0) {
  std::vector<float> v(n);
  for (int i = 0; i < n; ++i)
    v[i] = start + i;
  return v;
}

TEST_F(EvalData, ReshapeFamily) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x1x3xf32>) -> (tensor<3x2xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<1x2x1x3x1xf32>) {
      %0 = qc.reshape %x : (tensor<2x1x3xf32>) -> tensor<3x2xf32>
      %1 = qc.flatten %x {axis = -1 : i64} : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
      %2 = qc.squeeze %x : (tensor<2x1x3xf32>) -> tensor<2x3xf32>
      %3 = qc.unsqueeze %x {axes = array<i64: 0, -1>} : (tensor<2x1x3xf32>) -> tensor<1x2x1x3x1xf32>
      return %0, %1, %2, %3 : tensor<3x2xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<1x2x1x3x1xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 1, 3}, iota(6))});
  ASSERT_EQ(r.size(), 4u);
  for (const Tensor &t : r)
    EXPECT_TRUE(allClose(t.getFloats(), iota(6)));
  EXPECT_EQ(r[0].getShape(), ArrayRef<int64_t>({3, 2}));
  EXPECT_EQ(r[3].getShape(), ArrayRef<int64_t>({1, 2, 1, 3, 1}));
}

TEST_F(EvalData, TransposeConcatSplitExpand) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x3xf32>, %y: tensor<2x1xf32>, %z: tensor<2x3x2xi64>) -> (tensor<3x2xf32>, tensor<2x4xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<2x2x3xf32>, tensor<3x2x2xi64>) {
      %0 = qc.transpose %x : (tensor<2x3xf32>) -> tensor<3x2xf32>
      %1 = qc.concat %y, %x {axis = -1 : i64} : (tensor<2x1xf32>, tensor<2x3xf32>) -> tensor<2x4xf32>
      %2:2 = qc.split %x {axis = 0 : i64, split = array<i64: 1, 1>} : (tensor<2x3xf32>) -> (tensor<1x3xf32>, tensor<1x3xf32>)
      %3 = qc.expand %y : (tensor<2x1xf32>) -> tensor<2x2x3xf32>
      %4 = qc.transpose %z {perm = array<i64: 1, 0, 2>} : (tensor<2x3x2xi64>) -> tensor<3x2x2xi64>
      return %0, %1, %2#0, %2#1, %3, %4 : tensor<3x2xf32>, tensor<2x4xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<2x2x3xf32>, tensor<3x2x2xi64>
    })";
  SmallVector<Tensor> r =
      run(ir, {f32({2, 3}, {1, 2, 3, 4, 5, 6}), f32({2, 1}, {-1, -2}),
               i64({2, 3, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {1, 4, 2, 5, 3, 6}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {-1, 1, 2, 3, -2, 4, 5, 6}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {1, 2, 3}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {4, 5, 6}));
  EXPECT_TRUE(allClose(r[4].getFloats(),
                       {-1, -1, -1, -2, -2, -2, -1, -1, -1, -2, -2, -2}));
  EXPECT_EQ(r[5].getInts(),
            ArrayRef<int64_t>({0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11}));
}

TEST_F(EvalData, Slice) {
  const char *ir = R"(
    func.func @f(%x: tensor<10xf32>, %y: tensor<2x5xf32>) -> (tensor<10xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<0xf32>) {
      %0 = qc.slice %x {starts = array<i64: -1>, ends = array<i64: -11>, steps = array<i64: -1>} : (tensor<10xf32>) -> tensor<10xf32>
      %1 = qc.slice %x {starts = array<i64: 1>, ends = array<i64: 1000>, steps = array<i64: 3>} : (tensor<10xf32>) -> tensor<3xf32>
      %2 = qc.slice %x {starts = array<i64: 8>, ends = array<i64: 2>, steps = array<i64: -2>} : (tensor<10xf32>) -> tensor<3xf32>
      %3 = qc.slice %y {axes = array<i64: -1>, starts = array<i64: -3>, ends = array<i64: 9223372036854775807>} : (tensor<2x5xf32>) -> tensor<2x3xf32>
      %4 = qc.slice %x {starts = array<i64: -100>, ends = array<i64: 3>} : (tensor<10xf32>) -> tensor<3xf32>
      %5 = qc.slice %x {starts = array<i64: 5>, ends = array<i64: 2>} : (tensor<10xf32>) -> tensor<0xf32>
      return %0, %1, %2, %3, %4, %5 : tensor<10xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<0xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({10}, iota(10)), f32({2, 5}, iota(10))});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {1, 4, 7}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {8, 6, 4}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {2, 3, 4, 7, 8, 9}));
  EXPECT_TRUE(allClose(r[4].getFloats(), {0, 1, 2}));
  EXPECT_EQ(r[5].getNumElements(), 0);
}

TEST_F(EvalData, Gather) {
  const char *ir = R"(
    func.func @f(%x: tensor<3x2xf32>, %i: tensor<2x2xi64>, %j: tensor<1xi32>) -> (tensor<2x2x2xf32>, tensor<3x1xf32>) {
      %0 = qc.gather %x, %i : (tensor<3x2xf32>, tensor<2x2xi64>) -> tensor<2x2x2xf32>
      %1 = qc.gather %x, %j {axis = 1 : i64} : (tensor<3x2xf32>, tensor<1xi32>) -> tensor<3x1xf32>
      return %0, %1 : tensor<2x2x2xf32>, tensor<3x1xf32>
    })";
  Tensor x = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  SmallVector<Tensor> r =
      run(ir, {x, i64({2, 2}, {0, -1, 1, 2}), ints(intType(32), {1}, {-1})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {1, 2, 5, 6, 3, 4, 5, 6}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {2, 4, 6}));

  std::string err =
      runError(ir, {x, i64({2, 2}, {0, 3, 1, 2}), ints(intType(32), {1}, {0})});
  EXPECT_NE(err.find("'qc.gather' op expected indices in [-3, 3) for "
                     "dimension 0, found 3"),
            std::string::npos)
      << err;
}

TEST_F(EvalData, PadModes) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x3xf32>) -> (tensor<3x6xf32>, tensor<4x7xf32>, tensor<4x7xf32>, tensor<4x7xf32>, tensor<2x3xf32>, tensor<2x2xf32>) {
      %0 = qc.pad %x {pads = array<i64: 0, 1, 1, 2>, value = 9.0 : f32} : (tensor<2x3xf32>) -> tensor<3x6xf32>
      %1 = qc.pad %x {mode = #qc<pad_mode reflect>, pads = array<i64: 1, 2, 1, 2>} : (tensor<2x3xf32>) -> tensor<4x7xf32>
      %2 = qc.pad %x {mode = #qc<pad_mode edge>, pads = array<i64: 1, 2, 1, 2>} : (tensor<2x3xf32>) -> tensor<4x7xf32>
      %3 = qc.pad %x {mode = #qc<pad_mode wrap>, pads = array<i64: 1, 2, 1, 2>} : (tensor<2x3xf32>) -> tensor<4x7xf32>
      %4 = qc.pad %x {pads = array<i64: 0, -1, 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
      %5 = qc.pad %x {mode = #qc<pad_mode edge>, pads = array<i64: 0, 1, 0, -2>} : (tensor<2x3xf32>) -> tensor<2x2xf32>
      return %0, %1, %2, %3, %4, %5 : tensor<3x6xf32>, tensor<4x7xf32>, tensor<4x7xf32>, tensor<4x7xf32>, tensor<2x3xf32>, tensor<2x2xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 3}, {1, 2, 3, 4, 5, 6})});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_TRUE(allClose(r[0].getFloats(),
                       {9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 9, 9, 9, 9, 9, 9, 9, 9}));
  EXPECT_TRUE(
      allClose(r[1].getFloats(), {6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1,
                                  6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1}));
  EXPECT_TRUE(
      allClose(r[2].getFloats(), {1, 1, 1, 2, 3, 3, 3, 1, 1, 1, 2, 3, 3, 3,
                                  4, 4, 4, 5, 6, 6, 6, 4, 4, 4, 5, 6, 6, 6}));
  EXPECT_TRUE(
      allClose(r[3].getFloats(), {5, 6, 4, 5, 6, 4, 5, 2, 3, 1, 2, 3, 1, 2,
                                  5, 6, 4, 5, 6, 4, 5, 2, 3, 1, 2, 3, 1, 2}));
  // Negative pads crop, before the positive pads fill.
  EXPECT_TRUE(allClose(r[4].getFloats(), {2, 3, 0, 5, 6, 0}));
  EXPECT_TRUE(allClose(r[5].getFloats(), {1, 1, 4, 4}));
}

TEST_F(EvalData, PadIntegersAndRepeatedReflection) {
  const char *ir = R"(
    func.func @f(%x: tensor<3xi64>, %y: tensor<2xf32>) -> (tensor<5xi64>, tensor<9xf32>) {
      %0 = qc.pad %x {pads = array<i64: 1, 1>, value = 7.5 : f32} : (tensor<3xi64>) -> tensor<5xi64>
      %1 = qc.pad %y {mode = #qc<pad_mode wrap>, pads = array<i64: 3, 4>} : (tensor<2xf32>) -> tensor<9xf32>
      return %0, %1 : tensor<5xi64>, tensor<9xf32>
    })";
  SmallVector<Tensor> r = run(ir, {i64({3}, {1, 2, 3}), f32({2}, {1, 2})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({7, 1, 2, 3, 7}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {2, 1, 2, 1, 2, 1, 2, 1, 2}));
}

TEST_F(EvalData, Cast) {
  const char *ir = R"(
    func.func @f(%x: tensor<6xf32>, %i: tensor<3xi64>, %u: tensor<2xui8>, %b: tensor<2xi1>) -> (tensor<6xi32>, tensor<6xi1>, tensor<6xui8>, tensor<3xi8>, tensor<3xf32>, tensor<2xi8>, tensor<2xf32>, tensor<6xi64>) {
      %0 = qc.cast %x : (tensor<6xf32>) -> tensor<6xi32>
      %1 = qc.cast %x : (tensor<6xf32>) -> tensor<6xi1>
      %2 = qc.cast %x : (tensor<6xf32>) -> tensor<6xui8>
      %3 = qc.cast %i : (tensor<3xi64>) -> tensor<3xi8>
      %4 = qc.cast %i : (tensor<3xi64>) -> tensor<3xf32>
      %5 = qc.cast %u : (tensor<2xui8>) -> tensor<2xi8>
      %6 = qc.cast %b : (tensor<2xi1>) -> tensor<2xf32>
      %7 = qc.cast %x : (tensor<6xf32>) -> tensor<6xi64>
      return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<6xi32>, tensor<6xi1>, tensor<6xui8>, tensor<3xi8>, tensor<3xf32>, tensor<2xi8>, tensor<2xf32>, tensor<6xi64>
    })";
  float nan = std::numeric_limits<float>::quiet_NaN();
  SmallVector<Tensor> r =
      run(ir, {f32({6}, {-2.7f, 3.9f, 1e10f, -1e10f, nan, 0.0f}),
               i64({3}, {300, -129, 16777217}),
               ints(intType(8, true), {2}, {200, 5}),
               ints(intType(1), {2}, {1, 0})});
  ASSERT_EQ(r.size(), 8u);
  // Truncation toward zero, saturation at the range, NaN -> 0.
  EXPECT_EQ(r[0].getInts(),
            ArrayRef<int64_t>({-2, 3, 2147483647, -2147483648LL, 0, 0}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({1, 1, 1, 1, 1, 0}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({0, 3, 255, 0, 0, 0}));
  // Integer narrowing wraps.
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({44, 127, 1}));
  // Integer to float rounds to nearest even.
  EXPECT_TRUE(allClose(r[4].getFloats(), {300, -129, 16777216}, 0, 0));
  EXPECT_EQ(r[5].getInts(), ArrayRef<int64_t>({-56, 5}));
  EXPECT_TRUE(allClose(r[6].getFloats(), {1, 0}));
  EXPECT_EQ(r[7].getInts(),
            ArrayRef<int64_t>({-2, 3, 10000000000LL, -10000000000LL, 0, 0}));
}

TEST_F(EvalData, CastToF16IsUnsupported) {
  const char *ir = R"(
    func.func @f(%x: tensor<2xf32>) -> tensor<2xf16> {
      %0 = qc.cast %x : (tensor<2xf32>) -> tensor<2xf16>
      return %0 : tensor<2xf16>
    })";
  std::string err = runError(ir, {f32({2}, {1, 2})});
  EXPECT_NE(err.find("'qc.cast' op expected result #0 to have f32, integer "
                     "or !quant.uniform (f32-expressed) elements for the "
                     "reference evaluator, found 'f16'"),
            std::string::npos)
      << err;
}

//===----------------------------------------------------------------------===//
// Resize. Expected values are ONNX's (its Resize documentation examples and
// conformance data, generated by its reference implementation).
//===----------------------------------------------------------------------===//

class EvalResize : public EvalTest {
protected:
  std::vector<float> resize(ArrayRef<int64_t> in, ArrayRef<int64_t> out,
                            StringRef attrs, std::vector<float> x) {
    auto dims = [](ArrayRef<int64_t> s) {
      std::string r;
      for (int64_t d : s)
        r += std::to_string(d) + "x";
      return r;
    };
    std::string ir =
        "func.func @f(%x: tensor<" + dims(in) + "f32>) -> tensor<" + dims(out) +
        "f32> {\n  %0 = qc.resize %x {" + attrs.str() + "} : (tensor<" +
        dims(in) + "f32>) -> tensor<" + dims(out) +
        "f32>\n  return %0 : tensor<" + dims(out) + "f32>\n}\n";
    return runF32(ir, {f32(in, std::move(x))});
  }
  std::vector<float> first(std::vector<float> v, size_t n) {
    v.resize(std::min(n, v.size()));
    return v;
  }
};

TEST_F(EvalResize, Nearest) {
  EXPECT_TRUE(
      allClose(resize({1, 1, 2, 2}, {1, 1, 4, 6},
                      "scales = array<f32: 1.0, 1.0, 2.0, 3.0>", {1, 2, 3, 4}),
               {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2,
                3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
  EXPECT_TRUE(allClose(resize({1, 1, 2, 4}, {1, 1, 1, 2},
                              "scales = array<f32: 1.0, 1.0, 0.6, 0.6>",
                              {1, 2, 3, 4, 5, 6, 7, 8}),
                       {1, 3}));
  // Scales from sizes: 2x4 -> 1x3.
  EXPECT_TRUE(allClose(resize({1, 1, 2, 4}, {1, 1, 1, 3},
                              "scales = array<f32: 1.0, 1.0, 0.5, 0.75>",
                              {1, 2, 3, 4, 5, 6, 7, 8}),
                       {1, 2, 4}));
  std::string upsample = "scales = array<f32: 1.0, 1.0, 2.0, 2.0>";
  EXPECT_TRUE(allClose(
      first(resize({1, 1, 4, 4}, {1, 1, 8, 8},
                   upsample + ", nearest_mode = #qc<nearest_mode ceil>",
                   iota(16, 1)),
            16),
      {1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8}));
  EXPECT_TRUE(allClose(
      first(resize({1, 1, 4, 4}, {1, 1, 8, 8},
                   upsample + ", nearest_mode = #qc<nearest_mode floor>, "
                              "coordinate_transformation_mode = "
                              "#qc<coordinate_transform align_corners>",
                   iota(16, 1)),
            16),
      {1, 1, 1, 2, 2, 3, 3, 4, 1, 1, 1, 2, 2, 3, 3, 4}));
  EXPECT_TRUE(allClose(
      first(resize({1, 1, 4, 4}, {1, 1, 8, 8},
                   upsample +
                       ", nearest_mode = #qc<nearest_mode round_prefer_ceil>, "
                       "coordinate_transformation_mode = "
                       "#qc<coordinate_transform asymmetric>",
                   iota(16, 1)),
            16),
      {1, 2, 2, 3, 3, 4, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8}));
}

TEST_F(EvalResize, Linear) {
  std::string linear = ", mode = #qc<resize_mode linear>";
  EXPECT_TRUE(allClose(
      resize({1, 1, 2, 2}, {1, 1, 4, 4},
             "scales = array<f32: 1.0, 1.0, 2.0, 2.0>" + linear, {1, 2, 3, 4}),
      {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f,
       3, 3.25f, 3.75f, 4}));
  std::string alignCorners =
      ", coordinate_transformation_mode = #qc<coordinate_transform "
      "align_corners>";
  EXPECT_TRUE(allClose(
      resize({1, 1, 2, 2}, {1, 1, 4, 4},
             "scales = array<f32: 1.0, 1.0, 2.0, 2.0>" + linear + alignCorners,
             {1, 2, 3, 4}),
      {1, 4.0f / 3, 5.0f / 3, 2, 5.0f / 3, 2, 7.0f / 3, 8.0f / 3, 7.0f / 3,
       8.0f / 3, 3, 10.0f / 3, 3, 10.0f / 3, 11.0f / 3, 4}));
  // align_corners divides by input * scale - 1 = 1.4 (not by output - 1).
  EXPECT_TRUE(allClose(
      resize({1, 1, 2, 4}, {1, 1, 1, 2},
             "scales = array<f32: 1.0, 1.0, 0.6, 0.6>" + linear + alignCorners,
             {1, 2, 3, 4, 5, 6, 7, 8}),
      {1, 3.142857f}));
  EXPECT_TRUE(
      allClose(resize({1, 1, 2, 4}, {1, 1, 1, 2},
                      "scales = array<f32: 1.0, 1.0, 0.6, 0.6>" + linear,
                      {1, 2, 3, 4, 5, 6, 7, 8}),
               {2.6666667f, 4.3333333f}));
  // pytorch_half_pixel maps a length-1 output to coordinate 0.
  EXPECT_TRUE(allClose(
      resize({1, 1, 4, 4}, {1, 1, 3, 1},
             "scales = array<f32: 1.0, 1.0, 0.75, 0.25>" + linear +
                 ", coordinate_transformation_mode = #qc<coordinate_transform "
                 "pytorch_half_pixel>",
             iota(16, 1)),
      {1.6666666f, 7, 12.333333f}));
  // Linear interpolation along every dimension of a 3-D tensor.
  EXPECT_TRUE(allClose(resize({2, 1, 2}, {4, 1, 4},
                              "scales = array<f32: 2.0, 1.0, 2.0>" + linear,
                              {0, 4, 8, 12}),
                       {0, 1, 3, 4, 2, 3, 5, 6, 6, 7, 9, 10, 8, 9, 11, 12}));
}

TEST_F(EvalResize, Cubic) {
  std::string up = "scales = array<f32: 1.0, 1.0, 2.0, 2.0>, mode = "
                   "#qc<resize_mode cubic>";
  EXPECT_TRUE(allClose(
      first(resize({1, 1, 4, 4}, {1, 1, 8, 8}, up, iota(16, 1)), 16),
      {0.47265625f, 0.76953125f, 1.2460938f, 1.875f, 2.28125f, 2.9101562f,
       3.3867188f, 3.6835938f, 1.6601562f, 1.9570312f, 2.4335938f, 3.0625f,
       3.46875f, 4.0976562f, 4.5742188f, 4.8710938f}));
  EXPECT_TRUE(allClose(
      first(resize({1, 1, 4, 4}, {1, 1, 8, 8},
                   up + ", cubic_coeff_a = -0.5 : f32, exclude_outside = true",
                   iota(16, 1)),
            16),
      {0.55882353f, 0.81494206f, 1.3569825f, 1.8970588f, 2.3970587f, 2.9371352f,
       3.4791756f, 3.7352941f, 1.5832976f, 1.839416f, 2.3814566f, 2.9215329f,
       3.4215329f, 3.9616091f, 4.5036497f, 4.759768f}));
  EXPECT_TRUE(
      allClose(first(resize({1, 1, 4, 4}, {1, 1, 8, 8},
                            up + ", coordinate_transformation_mode = "
                                 "#qc<coordinate_transform asymmetric>",
                            iota(16, 1)),
                     16),
               {1, 1.40625f, 2, 2.5f, 3, 3.59375f, 4, 4.09375f, 2.625f,
                3.03125f, 3.625f, 4.125f, 4.625f, 5.21875f, 5.625f, 5.71875f}));
  std::string down = "scales = array<f32: 1.0, 1.0, 0.8, 0.8>, mode = "
                     "#qc<resize_mode cubic>";
  EXPECT_TRUE(allClose(
      resize({1, 1, 4, 4}, {1, 1, 3, 3},
             down + ", cubic_coeff_a = -0.5 : f32, exclude_outside = true",
             iota(16, 1)),
      {1.3681267f, 2.6695013f, 4.0133367f, 6.5736251f, 7.875f, 9.2188349f,
       11.948966f, 13.250341f, 14.594176f}));
  EXPECT_TRUE(allClose(resize({1, 1, 4, 4}, {1, 1, 3, 3},
                              down + ", coordinate_transformation_mode = "
                                     "#qc<coordinate_transform align_corners>",
                              iota(16, 1)),
                       {1, 2.3951917f, 3.7903831f, 6.5807662f, 7.9759579f,
                        9.3711491f, 12.161532f, 13.556724f, 14.951916f}));
  // Scales from sizes (4 -> 3 is 0.75, exactly representable).
  EXPECT_TRUE(
      allClose(resize({1, 1, 4, 4}, {1, 1, 3, 3},
                      "scales = array<f32: 1.0, 1.0, 0.75, 0.75>, mode = "
                      "#qc<resize_mode cubic>",
                      iota(16, 1)),
               {1.630787f, 3.0046296f, 4.3784723f, 7.1261573f, 8.5f, 9.8738422f,
                12.621528f, 13.99537f, 15.369213f}));
}

TEST_F(EvalResize, HalfPixelSymmetric) {
  // 4 -> 3 with scale 0.8 (output 3.2 rounded down): the mapping is centred,
  // x_in = 0.1 + (x_out + 0.5) / 0.8 - 0.5 (offset 2 * (1 - 3 / 3.2)).
  std::vector<float> got =
      resize({1, 4}, {1, 3},
             "scales = array<f32: 1.0, 0.8>, mode = #qc<resize_mode linear>, "
             "coordinate_transformation_mode = #qc<coordinate_transform "
             "half_pixel_symmetric>",
             {0, 10, 20, 30});
  std::vector<float> expected;
  for (int x = 0; x < 3; ++x) {
    double s = static_cast<double>(0.8f);
    double xin = 2.0 * (1.0 - 3.0 / (4.0 * s)) + (x + 0.5) / s - 0.5;
    expected.push_back(static_cast<float>(10.0 * std::clamp(xin, 0.0, 3.0)));
  }
  EXPECT_TRUE(allClose(got, expected));
}

} // namespace

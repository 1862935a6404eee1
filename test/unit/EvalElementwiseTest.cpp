//===- EvalElementwiseTest.cpp - unary and binary qc ops ------------------===//

#include "EvalTestUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

using EvalElementwise = EvalTest;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

/// A function applying the unary op `op` (with attributes `attrs`) to a
/// tensor<6xf32>.
std::string unary(StringRef op, StringRef attrs = "") {
  return ("func.func @f(%x: tensor<6xf32>) -> tensor<6xf32> {\n"
          "  %0 = qc." +
          op + " %x " + attrs +
          " : tensor<6xf32>\n"
          "  return %0 : tensor<6xf32>\n}\n")
      .str();
}

TEST_F(EvalElementwise, UnaryOps) {
  Tensor x = f32({6}, {-2.0f, -0.5f, 0.0f, 0.5f, 1.0f, 2.5f});
  struct Case {
    const char *op;
    std::vector<float> expected;
  } cases[] = {
      {"relu", {0, 0, 0, 0.5f, 1, 2.5f}},
      {"sigmoid",
       {0.11920292f, 0.37754067f, 0.5f, 0.62245933f, 0.73105858f, 0.92414182f}},
      {"tanh",
       {-0.96402758f, -0.46211716f, 0, 0.46211716f, 0.76159416f, 0.98661430f}},
      {"exp",
       {0.13533528f, 0.60653066f, 1, 1.64872127f, 2.71828183f, 12.18249396f}},
      {"erf",
       {-0.99532227f, -0.52049988f, 0, 0.52049988f, 0.84270079f, 0.99959305f}},
      {"reciprocal", {-0.5f, -2, kInf, 2, 1, 0.4f}},
      {"floor", {-2, -1, 0, 0, 1, 2}},
      {"ceil", {-2, -0.0f, 0, 1, 1, 3}},
      // Ties go to even.
      {"round", {-2, -0.0f, 0, 0, 1, 2}},
      {"sin",
       {-0.90929743f, -0.47942554f, 0, 0.47942554f, 0.84147098f, 0.59847214f}},
      {"cos",
       {-0.41614684f, 0.87758256f, 1, 0.87758256f, 0.54030231f, -0.80114362f}},
      {"softplus",
       {0.12692801f, 0.47407698f, 0.69314718f, 0.97407698f, 1.31326169f,
        2.57888973f}},
      {"softsign", {-2.0f / 3, -1.0f / 3, 0, 1.0f / 3, 0.5f, 2.5f / 3.5f}},
      // x * clamp(x / 6 + 0.5, 0, 1).
      {"hard_swish",
       {-0.33333334f, -0.20833333f, 0, 0.29166666f, 0.66666669f, 2.29166675f}},
      {"neg", {2, 0.5f, -0.0f, -0.5f, -1, -2.5f}},
      {"abs", {2, 0.5f, 0, 0.5f, 1, 2.5f}},
      {"identity", {-2.0f, -0.5f, 0.0f, 0.5f, 1.0f, 2.5f}},
      {"gelu",
       {-0.04550026f, -0.15426877f, 0, 0.34573123f, 0.84134475f, 2.4844758f}},
  };
  for (const Case &c : cases)
    EXPECT_TRUE(allClose(runF32(unary(c.op), {x}), c.expected, 1e-6f)) << c.op;

  Tensor pos = f32({6}, {0.25f, 1, 4, 9, 0, -1});
  EXPECT_TRUE(allClose(runF32(unary("sqrt"), {pos}), {0.5f, 1, 2, 3, 0, kNaN}));
  EXPECT_TRUE(
      allClose(runF32(unary("log"), {pos}),
               {-1.38629436f, 0, 1.38629436f, 2.19722458f, -kInf, kNaN}));
}

TEST_F(EvalElementwise, UnaryOpsWithAttributes) {
  Tensor x = f32({6}, {-10.0f, -1.0f, 0.0f, 1.0f, 5.0f, kNaN});
  EXPECT_TRUE(allClose(runF32(unary("leaky_relu", "{alpha = 0.1 : f32}"), {x}),
                       {-1, -0.1f, 0, 1, 5, kNaN}));
  EXPECT_TRUE(allClose(runF32(unary("elu", "{alpha = 2.0 : f32}"), {x}),
                       {-1.99990920f, -1.26424112f, 0, 1, 5, kNaN}));
  EXPECT_TRUE(allClose(
      runF32(unary("hard_sigmoid", "{alpha = 0.2 : f32, beta = 0.5 : f32}"),
             {x}),
      {0, 0.3f, 0.5f, 0.7f, 1, kNaN}));
  EXPECT_TRUE(allClose(
      runF32(unary("clip", "{min = -1.5 : f32, max = 2.0 : f32}"), {x}),
      {-1.5f, -1, 0, 1, 2, kNaN}));
  EXPECT_TRUE(allClose(runF32(unary("clip", "{min = 0.0 : f32}"), {x}),
                       {0, 0, 0, 1, 5, kNaN}));
  EXPECT_TRUE(allClose(runF32(unary("clip", "{max = 0.0 : f32}"), {x}),
                       {-10, -1, 0, 0, 0, kNaN}));
  EXPECT_TRUE(allClose(
      runF32(unary("gelu", "{approximate = #qc<gelu_approximation tanh>}"),
             {x}),
      {-0.0f, -0.15880801f, 0, 0.84119199f, 5, kNaN}, 1e-6f));
}

TEST_F(EvalElementwise, BinaryBroadcasting) {
  const char *ir = R"(
    func.func @f(%a: tensor<2x1xf32>, %b: tensor<3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
      %0 = qc.add %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %1 = qc.sub %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %2 = qc.mul %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %3 = qc.div %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %4 = qc.pow %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %5 = qc.max %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      %6 = qc.min %a, %b : (tensor<2x1xf32>, tensor<3xf32>) -> tensor<2x3xf32>
      return %0, %1, %2, %3, %4, %5, %6 : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
    })";
  SmallVector<Tensor> r =
      run(ir, {f32({2, 1}, {2, -3}), f32({3}, {1, 0.5f, kNaN})});
  ASSERT_EQ(r.size(), 7u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {3, 2.5f, kNaN, -2, -2.5f, kNaN}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {1, 1.5f, kNaN, -4, -3.5f, kNaN}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {2, 1, kNaN, -3, -1.5f, kNaN}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {2, 4, kNaN, -3, -6, kNaN}));
  EXPECT_TRUE(
      allClose(r[4].getFloats(), {2, 1.41421356f, kNaN, -3, kNaN, kNaN}));
  // max and min propagate NaN, as numpy.maximum does.
  EXPECT_TRUE(allClose(r[5].getFloats(), {2, 2, kNaN, 1, 0.5f, kNaN}));
  EXPECT_TRUE(allClose(r[6].getFloats(), {1, 0.5f, kNaN, -3, -3, kNaN}));
}

TEST_F(EvalElementwise, BroadcastBothWaysAndScalars) {
  const char *ir = R"(
    func.func @f(%a: tensor<2x1x3xf32>, %b: tensor<4x1xf32>, %s: tensor<f32>) -> (tensor<2x4x3xf32>, tensor<2x1x3xf32>) {
      %0 = qc.add %a, %b : (tensor<2x1x3xf32>, tensor<4x1xf32>) -> tensor<2x4x3xf32>
      %1 = qc.mul %a, %s : (tensor<2x1x3xf32>, tensor<f32>) -> tensor<2x1x3xf32>
      return %0, %1 : tensor<2x4x3xf32>, tensor<2x1x3xf32>
    })";
  SmallVector<Tensor> r =
      run(ir, {f32({2, 1, 3}, {0, 1, 2, 3, 4, 5}),
               f32({4, 1}, {10, 20, 30, 40}), f32({}, {-2})});
  ASSERT_EQ(r.size(), 2u);
  std::vector<float> expected;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j)
      for (int k = 0; k < 3; ++k)
        expected.push_back(10.0f * (j + 1) + 3 * i + k);
  EXPECT_TRUE(allClose(r[0].getFloats(), expected));
  EXPECT_TRUE(allClose(r[1].getFloats(), {0, -2, -4, -6, -8, -10}));
}

TEST_F(EvalElementwise, IntegerArithmetic) {
  const char *ir = R"(
    func.func @f(%a: tensor<4xi64>, %b: tensor<4xi64>) -> (tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>) {
      %0 = qc.add %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
      %1 = qc.sub %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
      %2 = qc.mul %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
      %3 = qc.div %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
      %4 = qc.max %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
      %5 = qc.min %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
      return %0, %1, %2, %3, %4, %5 : tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>, tensor<4xi64>
    })";
  SmallVector<Tensor> r =
      run(ir, {i64({4}, {7, -7, 7, INT64_MIN}), i64({4}, {2, 2, -2, -1})});
  ASSERT_EQ(r.size(), 6u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({9, -5, 5, INT64_MAX}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({5, -9, 9, INT64_MIN + 1}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({14, -14, -14, INT64_MIN}));
  // Division truncates toward zero; INT64_MIN / -1 wraps.
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({3, -3, -3, INT64_MIN}));
  EXPECT_EQ(r[4].getInts(), ArrayRef<int64_t>({7, 2, 7, -1}));
  EXPECT_EQ(r[5].getInts(), ArrayRef<int64_t>({2, -7, -2, INT64_MIN}));
}

TEST_F(EvalElementwise, NarrowIntegersWrap) {
  const char *ir = R"(
    func.func @f(%a: tensor<3xi8>, %b: tensor<3xi8>, %u: tensor<3xui8>, %v: tensor<3xui8>) -> (tensor<3xi8>, tensor<3xi8>, tensor<3xui8>, tensor<3xui8>, tensor<3xi8>) {
      %0 = qc.add %a, %b : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
      %1 = qc.mul %a, %b : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
      %2 = qc.add %u, %v : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
      %3 = qc.sub %u, %v : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
      %4 = qc.abs %a : tensor<3xi8>
      return %0, %1, %2, %3, %4 : tensor<3xi8>, tensor<3xi8>, tensor<3xui8>, tensor<3xui8>, tensor<3xi8>
    })";
  Type i8 = intType(8), u8 = intType(8, true);
  SmallVector<Tensor> r =
      run(ir, {ints(i8, {3}, {100, -128, 5}), ints(i8, {3}, {100, -1, -3}),
               ints(u8, {3}, {200, 3, 255}), ints(u8, {3}, {100, 5, 255})});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({-56, 127, 2}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({16, -128, -15}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({44, 8, 254}));
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({100, 254, 0}));
  EXPECT_EQ(r[4].getInts(), ArrayRef<int64_t>({100, -128, 5}));
}

TEST_F(EvalElementwise, IntegerDivisionByZeroIsAnError) {
  const char *ir = R"(
    func.func @f(%a: tensor<2xi32>, %b: tensor<2xi32>) -> tensor<2xi32> {
      %0 = qc.div %a, %b : (tensor<2xi32>, tensor<2xi32>) -> tensor<2xi32>
      return %0 : tensor<2xi32>
    })";
  std::string err = runError(
      ir, {ints(intType(32), {2}, {1, 2}), ints(intType(32), {2}, {1, 0})});
  EXPECT_NE(err.find("'qc.div' op expected a non-zero integer divisor, found "
                     "a zero in the right operand"),
            std::string::npos)
      << err;
}

TEST_F(EvalElementwise, PRelu) {
  const char *ir = R"(
    func.func @f(%x: tensor<1x2x2x2xf32>, %s: tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32> {
      %0 = qc.prelu %x, %s : (tensor<1x2x2x2xf32>, tensor<2x1x1xf32>) -> tensor<1x2x2x2xf32>
      return %0 : tensor<1x2x2x2xf32>
    })";
  EXPECT_TRUE(
      allClose(runF32(ir, {f32({1, 2, 2, 2}, {-1, 2, -3, 4, -1, 2, -3, 4}),
                           f32({2, 1, 1}, {0.5f, -2})}),
               {-0.5f, 2, -1.5f, 4, 2, 2, 6, 4}));
}

} // namespace

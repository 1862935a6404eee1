//===- SmoothTest.cpp - qc-smooth's scales and exactness ------------------===//
//
// smoothActivation with explicit random scales and shifts must leave every
// function's f32 results unchanged up to rounding, for every kind of
// producer and consumer it handles.
//
//===----------------------------------------------------------------------===//

#include "ChannelTestUtils.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

class SmoothTest : public ChannelTest {
protected:
  /// Smooths every candidate of the first function of `src` (last first)
  /// with random scales in [1/4, 4] and shifts in [-shiftRange, shiftRange],
  /// and checks that the results agree with the original to 1e-5 (relative
  /// to the largest result).
  SmallVector<SmoothingReport> check(StringRef src, float shiftRange = 1.0f,
                                     uint32_t seed = 1) {
    module = parse(src);
    if (!module)
      return {};
    auto func = *module->getOps<func::FuncOp>().begin();
    SmallVector<Tensor> inputs = randomInputs(func, seed);
    SmallVector<Tensor> expected = eval(func, inputs);

    SmallVector<Value> targets = candidates(func);
    EXPECT_FALSE(targets.empty()) << "no activation to smooth";
    std::mt19937 rng(seed + 100);
    std::uniform_real_distribution<float> logScale(std::log(0.25f),
                                                   std::log(4.0f));
    std::uniform_real_distribution<float> shift(-shiftRange, shiftRange);
    SmallVector<SmoothingReport> reports;
    for (Value x : llvm::reverse(targets)) {
      FailureOr<SmallVector<ContractionUse>> uses = getContractionUses(x);
      int64_t n = cast<RankedTensorType>(x.getType())
                      .getDimSize(uses->front().activationAxis);
      SmallVector<float> scales(n), shifts(n);
      for (int64_t j = 0; j < n; ++j) {
        scales[j] = std::exp(logScale(rng));
        shifts[j] = shift(rng);
      }
      std::string why;
      FailureOr<SmoothingReport> r =
          smoothActivation(x, scales, shifts, false, &why);
      EXPECT_TRUE(succeeded(r)) << why;
      if (succeeded(r))
        reports.insert(reports.begin(), *r);
    }
    if (!verifies(*module))
      return reports;
    SmallVector<Tensor> actual = eval(func, inputs);
    EXPECT_LE(relativeError(actual, expected), 1e-5);
    return reports;
  }

  /// The module of the last check().
  OwningOpRef<ModuleOp> module;
};

[[maybe_unused]] int countOps(ModuleOp m, StringRef name) {
  int n = 0;
  m.walk([&](Operation *op) { n += op->getName().getStringRef() == name; });
  return n;
}

} // namespace

TEST_F(SmoothTest, ScalesFollowSmoothQuant) {
  SmallVector<float> s =
      computeSmoothingScales({4, 1, 0, 9}, {1, 4, 2, 0}, 0.5, 1e-5);
  EXPECT_TRUE(allClose(s, {2.0f, 0.5f, 1.0f, 1.0f}));
  EXPECT_TRUE(allClose(computeSmoothingScales({4, 1}, {1, 4}, 1.0, 1e-5),
                       {4.0f, 1.0f}));
  EXPECT_TRUE(allClose(computeSmoothingScales({4, 1}, {2, 4}, 0.0, 1e-5),
                       {0.5f, 0.25f}));
  // Clamped below by min-scale.
  EXPECT_TRUE(allClose(computeSmoothingScales({1e-8f}, {1}, 0.5, 1e-3), {1e-3f},
                       0, 1e-6f));
}

TEST_F(SmoothTest, ShiftsAreMidRanges) {
  ChannelStats st;
  st.min = {-3, 0, -1};
  st.max = {5, 2, -1};
  EXPECT_TRUE(allClose(computeSmoothingShifts(st), {1.0f, 1.0f, -1.0f}));
}

TEST_F(SmoothTest, ChannelStatsAlongAnAxis) {
  ChannelStats st;
  st.axis = 1;
  // [2, 2, 2]: channel j holds x[:, j, :].
  accumulateChannelStats(f32({2, 2, 2}, {1, -2, 3, 4, -5, 0, 0.5f, 7}), st);
  EXPECT_TRUE(allClose(st.min, {-5.0f, 0.5f}));
  EXPECT_TRUE(allClose(st.max, {1.0f, 7.0f}));
  EXPECT_TRUE(allClose(st.absMax, {5.0f, 7.0f}));
}

TEST_F(SmoothTest, ConsumerWeightMaxima) {
  OwningOpRef<ModuleOp> m = parse(R"mlir(
    func.func @f(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x1xf32>) {
      %w = arith.constant dense<[[1.0, -3.0], [0.5, 0.25]]> : tensor<2x2xf32>
      %v = arith.constant dense<[[2.0, -1.0]]> : tensor<1x2xf32>
      %y = qc.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
      %z = qc.gemm %x, %v {trans_b = true} : (tensor<3x2xf32>, tensor<1x2xf32>) -> tensor<3x1xf32>
      return %y, %z : tensor<3x2xf32>, tensor<3x1xf32>
    })mlir");
  auto func = *m->getOps<func::FuncOp>().begin();
  FailureOr<SmallVector<ContractionUse>> uses =
      getContractionUses(func.getArgument(0));
  ASSERT_TRUE(succeeded(uses));
  EXPECT_EQ(uses->size(), 2u);
  EXPECT_TRUE(allClose(consumerWeightAbsMax(*uses, 2), {3.0f, 1.0f}));
}

TEST_F(SmoothTest, LayerNormToMatMul) {
  std::mt19937 rng(1);
  std::string src =
      "func.func @f(%x: tensor<2x5x8xf32>) -> tensor<2x5x6xf32> {\n" +
      randomConst("g", {8}, rng) + randomConst("b", {8}, rng) +
      randomConst("w", {8, 6}, rng) + R"mlir(
    %h = qc.layer_normalization %x, %g, %b : (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
    %y = qc.matmul %h, %w : (tensor<2x5x8xf32>, tensor<8x6xf32>) -> tensor<2x5x6xf32>
    return %y : tensor<2x5x6xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].absorbedBy, "qc.layer_normalization");
  EXPECT_TRUE(reports[0].shiftApplied);
  EXPECT_FALSE(reports[0].runtimeOps);
  // The matmul had no bias: one was added.
  EXPECT_EQ(countOps(*module, "qc.add"), 1);
}

TEST_F(SmoothTest, LayerNormWithoutBiasIntoExistingBiasAdd) {
  std::mt19937 rng(2);
  std::string src =
      "func.func @f(%x: tensor<5x2x8xf32>) -> tensor<5x2x6xf32> {\n" +
      randomConst("g", {1, 8}, rng) + randomConst("w", {8, 6}, rng) +
      randomConst("c", {1, 6}, rng) + R"mlir(
    %h = qc.layer_normalization %x, %g {axis = -2 : i64} : (tensor<5x2x8xf32>, tensor<1x8xf32>) -> tensor<5x2x8xf32>
    %m = qc.matmul %h, %w : (tensor<5x2x8xf32>, tensor<8x6xf32>) -> tensor<5x2x6xf32>
    %y = qc.add %m, %c : (tensor<5x2x6xf32>, tensor<1x6xf32>) -> tensor<5x2x6xf32>
    return %y : tensor<5x2x6xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].absorbedBy, "qc.layer_normalization");
  EXPECT_TRUE(reports[0].shiftApplied);
  // The shift went into the existing bias add.
  EXPECT_EQ(countOps(*module, "qc.add"), 1);
}

TEST_F(SmoothTest, OneActivationThreeConsumers) {
  std::mt19937 rng(3);
  std::string src =
      "func.func @f(%x: tensor<5x8xf32>) -> (tensor<5x6xf32>, tensor<5x6xf32>, "
      "tensor<5x4xf32>) {\n" +
      randomConst("g", {8}, rng) + randomConst("b", {8}, rng) +
      randomConst("w1", {8, 6}, rng) + randomConst("w2", {6, 8}, rng) +
      randomConst("c2", {6}, rng) + randomConst("w3", {8, 4}, rng) + R"mlir(
    %h = qc.layer_normalization %x, %g, %b : (tensor<5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<5x8xf32>
    %y1 = qc.matmul %h, %w1 : (tensor<5x8xf32>, tensor<8x6xf32>) -> tensor<5x6xf32>
    %y2 = qc.gemm %h, %w2, %c2 {alpha = 0.7 : f32, beta = 1.3 : f32, trans_b = true} : (tensor<5x8xf32>, tensor<6x8xf32>, tensor<6xf32>) -> tensor<5x6xf32>
    %y3 = qc.gemm %h, %w3 : (tensor<5x8xf32>, tensor<8x4xf32>) -> tensor<5x4xf32>
    return %y1, %y2, %y3 : tensor<5x6xf32>, tensor<5x6xf32>, tensor<5x4xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].numConsumers, 3u);
  EXPECT_TRUE(reports[0].shiftApplied);
}

static std::string batchNormConv(std::mt19937 &rng, StringRef convAttrs,
                                 StringRef convType) {
  std::vector<float> var = normals(4, rng);
  for (float &v : var)
    v = v * v + 0.1f;
  return "func.func @f(%x: tensor<1x4x6x6xf32>) -> " + convType.str() + " {\n" +
         randomConst("s", {4}, rng) + randomConst("t", {4}, rng) +
         randomConst("mu", {4}, rng) + "    %var = arith.constant " +
         hexDense(var) + " : tensor<4xf32>\n" +
         randomConst("w", {3, 4, 3, 3}, rng) + randomConst("wb", {3}, rng) +
         R"mlir(
    %h = qc.batch_normalization %x, %s, %t, %mu, %var : (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
    %y = qc.conv %h, %w, %wb )mlir" +
         convAttrs.str() +
         " : (tensor<1x4x6x6xf32>, tensor<3x4x3x3xf32>, tensor<3xf32>) -> " +
         convType.str() + "\n    return %y : " + convType.str() + "\n  }";
}

TEST_F(SmoothTest, BatchNormToConv) {
  std::mt19937 rng(4);
  auto reports = check(batchNormConv(rng, "{strides = array<i64: 2, 1>}",
                                     "tensor<1x3x2x4xf32>"));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].absorbedBy, "qc.batch_normalization");
  EXPECT_TRUE(reports[0].shiftApplied);
}

TEST_F(SmoothTest, PaddedConvConsumerDropsTheShift) {
  std::mt19937 rng(5);
  auto reports = check(batchNormConv(rng, "{pads = array<i64: 1, 1, 1, 1>}",
                                     "tensor<1x3x6x6xf32>"));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].shiftApplied);
  EXPECT_NE(reports[0].shiftDropped.find("padded"), std::string::npos);
}

TEST_F(SmoothTest, ConvToConvCreatesBiases) {
  std::mt19937 rng(6);
  std::string src =
      "func.func @f(%x: tensor<1x3x5x5xf32>) -> tensor<1x5x5x5xf32> {\n" +
      randomConst("w1", {4, 3, 3, 3}, rng) +
      randomConst("w2", {5, 4, 1, 1}, rng) +
      R"mlir(
    %h = qc.conv %x, %w1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32>
    %y = qc.conv %h, %w2 : (tensor<1x4x5x5xf32>, tensor<5x4x1x1xf32>) -> tensor<1x5x5x5xf32>
    return %y : tensor<1x5x5x5xf32>
  })mlir";
  // %x (run time, no shift: its consumer pads) and %h.
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_TRUE(reports[0].runtimeOps);
  EXPECT_FALSE(reports[0].shiftApplied);
  EXPECT_EQ(reports[1].absorbedBy, "qc.conv");
  EXPECT_TRUE(reports[1].shiftApplied);
}

TEST_F(SmoothTest, MatMulChainInsertsBiasAdds) {
  std::mt19937 rng(7);
  std::string src = "func.func @f(%x: tensor<5x8xf32>) -> tensor<5x4xf32> {\n" +
                    randomConst("w0", {8, 6}, rng) +
                    randomConst("w1", {6, 4}, rng) +
                    R"mlir(
    %h = qc.matmul %x, %w0 : (tensor<5x8xf32>, tensor<8x6xf32>) -> tensor<5x6xf32>
    %y = qc.matmul %h, %w1 : (tensor<5x6xf32>, tensor<6x4xf32>) -> tensor<5x4xf32>
    return %y : tensor<5x4xf32>
  })mlir";
  // Two candidates: %x (run-time ops) and %h (folded into the first matmul).
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_TRUE(reports[0].runtimeOps);
  EXPECT_EQ(reports[1].absorbedBy, "qc.matmul");
  EXPECT_TRUE(reports[1].shiftApplied);
}

TEST_F(SmoothTest, GemmToGemm) {
  std::mt19937 rng(8);
  std::string src =
      "func.func @f(%x: tensor<5x8xf32>) -> tensor<5x4xf32> {\n" +
      randomConst("w0", {6, 8}, rng) + randomConst("c0", {1, 6}, rng) +
      randomConst("w1", {6, 4}, rng) + randomConst("c1", {5, 4}, rng) +
      R"mlir(
    %h = qc.gemm %x, %w0, %c0 {alpha = 0.5 : f32, beta = 2.0 : f32, trans_b = true} : (tensor<5x8xf32>, tensor<6x8xf32>, tensor<1x6xf32>) -> tensor<5x6xf32>
    %y = qc.gemm %h, %w1, %c1 {alpha = 1.5 : f32, beta = 0.5 : f32} : (tensor<5x6xf32>, tensor<6x4xf32>, tensor<5x4xf32>) -> tensor<5x4xf32>
    return %y : tensor<5x4xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].absorbedBy, "qc.gemm");
  EXPECT_TRUE(reports[1].shiftApplied);
}

TEST_F(SmoothTest, GemmWithZeroBeta) {
  std::mt19937 rng(9);
  std::string src = "func.func @f(%x: tensor<5x8xf32>) -> tensor<5x4xf32> {\n" +
                    randomConst("w0", {8, 6}, rng) +
                    randomConst("w1", {6, 4}, rng) +
                    randomConst("c1", {4}, rng) + R"mlir(
    %h = qc.gemm %x, %w0 : (tensor<5x8xf32>, tensor<8x6xf32>) -> tensor<5x6xf32>
    %y = qc.gemm %h, %w1, %c1 {beta = 0.0 : f32} : (tensor<5x6xf32>, tensor<6x4xf32>, tensor<4xf32>) -> tensor<5x4xf32>
    return %y : tensor<5x4xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_TRUE(reports[1].shiftApplied);
}

TEST_F(SmoothTest, LinearWithBiasIn3D) {
  std::mt19937 rng(10);
  std::string src =
      "func.func @f(%x: tensor<2x3x8xf32>) -> tensor<2x3x4xf32> {\n" +
      randomConst("w0", {8, 6}, rng) + randomConst("b0", {6}, rng) +
      randomConst("w1", {6, 4}, rng) + randomConst("b1", {4}, rng) +
      R"mlir(
    %m = qc.matmul %x, %w0 : (tensor<2x3x8xf32>, tensor<8x6xf32>) -> tensor<2x3x6xf32>
    %h = qc.add %b0, %m : (tensor<6xf32>, tensor<2x3x6xf32>) -> tensor<2x3x6xf32>
    %n = qc.matmul %h, %w1 : (tensor<2x3x6xf32>, tensor<6x4xf32>) -> tensor<2x3x4xf32>
    %y = qc.add %n, %b1 : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
    return %y : tensor<2x3x4xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].absorbedBy, "qc.add <- qc.matmul");
  EXPECT_TRUE(reports[1].shiftApplied);
}

TEST_F(SmoothTest, SubAndDivByConstants) {
  std::mt19937 rng(11);
  std::string src =
      "func.func @f(%x: tensor<5x8xf32>) -> (tensor<5x4xf32>, tensor<5x4xf32>) "
      "{\n" +
      randomConst("w0", {8, 6}, rng) + randomConst("c", {6}, rng) +
      randomConst("d", {5, 6}, rng, 0.1f, 2.0f) +
      randomConst("w1", {6, 4}, rng) + randomConst("w2", {6, 4}, rng) +
      R"mlir(
    %m = qc.matmul %x, %w0 : (tensor<5x8xf32>, tensor<8x6xf32>) -> tensor<5x6xf32>
    %h = qc.sub %c, %m : (tensor<6xf32>, tensor<5x6xf32>) -> tensor<5x6xf32>
    %y = qc.matmul %h, %w1 : (tensor<5x6xf32>, tensor<6x4xf32>) -> tensor<5x4xf32>
    %r = qc.matmul %x, %w0 : (tensor<5x8xf32>, tensor<8x6xf32>) -> tensor<5x6xf32>
    %k = qc.div %r, %d : (tensor<5x6xf32>, tensor<5x6xf32>) -> tensor<5x6xf32>
    %z = qc.matmul %k, %w2 : (tensor<5x6xf32>, tensor<6x4xf32>) -> tensor<5x4xf32>
    return %y, %z : tensor<5x4xf32>, tensor<5x4xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 3u);
  // %x feeds two matmuls (run time); %h = c - x W0: both absorb; %k = r / d:
  // the divisor absorbs the scale.
  EXPECT_TRUE(reports[0].runtimeOps);
  EXPECT_EQ(reports[0].numConsumers, 2u);
  EXPECT_EQ(reports[1].absorbedBy, "qc.sub <- qc.matmul");
  EXPECT_TRUE(reports[1].shiftApplied);
  EXPECT_EQ(reports[2].absorbedBy, "qc.div");
  EXPECT_FALSE(reports[2].shiftApplied);
}

TEST_F(SmoothTest, ReluKeepsTheScaleButNotTheShift) {
  std::mt19937 rng(12);
  std::string src =
      "func.func @f(%x: tensor<1x3x5x5xf32>) -> tensor<1x5x5x5xf32> {\n" +
      randomConst("w1", {4, 3, 1, 1}, rng) + randomConst("b1", {4}, rng) +
      randomConst("w2", {5, 4, 1, 1}, rng) + R"mlir(
    %c = qc.conv %x, %w1, %b1 : (tensor<1x3x5x5xf32>, tensor<4x3x1x1xf32>, tensor<4xf32>) -> tensor<1x4x5x5xf32>
    %h = qc.leaky_relu %c {alpha = 0.1 : f32} : tensor<1x4x5x5xf32>
    %y = qc.conv %h, %w2 : (tensor<1x4x5x5xf32>, tensor<5x4x1x1xf32>) -> tensor<1x5x5x5xf32>
    return %y : tensor<1x5x5x5xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[1].absorbedBy, "qc.leaky_relu <- qc.conv");
  EXPECT_FALSE(reports[1].shiftApplied);
  EXPECT_FALSE(reports[1].shiftDropped.empty());
}

TEST_F(SmoothTest, ThroughMaxPool) {
  std::mt19937 rng(13);
  std::vector<float> var = normals(4, rng);
  for (float &v : var)
    v = v * v + 0.1f;
  std::string src =
      "func.func @f(%x: tensor<1x4x6x6xf32>) -> tensor<1x2x3x3xf32> {\n" +
      randomConst("s", {4}, rng) + randomConst("t", {4}, rng) +
      randomConst("mu", {4}, rng) + "    %var = arith.constant " +
      hexDense(var) + " : tensor<4xf32>\n" +
      randomConst("w", {2, 4, 1, 1}, rng) + R"mlir(
    %b = qc.batch_normalization %x, %s, %t, %mu, %var : (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
    %p = qc.max_pool %b {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x6x6xf32>) -> tensor<1x4x3x3xf32>
    %y = qc.conv %p, %w : (tensor<1x4x3x3xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x3x3xf32>
    return %y : tensor<1x2x3x3xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].absorbedBy, "qc.max_pool <- qc.batch_normalization");
  EXPECT_TRUE(reports[0].shiftApplied);
}

TEST_F(SmoothTest, FunctionArgumentGetsRunTimeOps) {
  std::mt19937 rng(14);
  std::string src = "func.func @f(%x: tensor<8x5xf32>) -> tensor<5x6xf32> {\n" +
                    randomConst("w", {8, 6}, rng) + R"mlir(
    %y = qc.gemm %x, %w {trans_a = true, alpha = 2.0 : f32} : (tensor<8x5xf32>, tensor<8x6xf32>) -> tensor<5x6xf32>
    return %y : tensor<5x6xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_TRUE(reports[0].runtimeOps);
  EXPECT_TRUE(reports[0].shiftApplied);
}

TEST_F(SmoothTest, MulByConstantAbsorbsTheScale) {
  std::mt19937 rng(15);
  std::string src = "func.func @f(%x: tensor<5x8xf32>) -> tensor<5x4xf32> {\n" +
                    randomConst("c", {8}, rng) + randomConst("w", {8, 4}, rng) +
                    R"mlir(
    %h = qc.mul %x, %c : (tensor<5x8xf32>, tensor<8xf32>) -> tensor<5x8xf32>
    %y = qc.matmul %h, %w : (tensor<5x8xf32>, tensor<8x4xf32>) -> tensor<5x4xf32>
    return %y : tensor<5x4xf32>
  })mlir";
  auto reports = check(src);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].absorbedBy, "qc.mul");
  EXPECT_FALSE(reports[0].shiftApplied);
}

TEST_F(SmoothTest, ChainedActivations) {
  std::mt19937 rng(16);
  std::string src =
      "func.func @f(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {\n" +
      randomConst("g", {8}, rng) + randomConst("w1", {8, 6}, rng) +
      randomConst("w2", {6, 5}, rng) + randomConst("w3", {5, 3}, rng) +
      R"mlir(
    %h = qc.layer_normalization %x, %g : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %a = qc.matmul %h, %w1 : (tensor<4x8xf32>, tensor<8x6xf32>) -> tensor<4x6xf32>
    %b = qc.matmul %a, %w2 : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
    %y = qc.matmul %b, %w3 : (tensor<4x5xf32>, tensor<5x3xf32>) -> tensor<4x3xf32>
    return %y : tensor<4x3xf32>
  })mlir";
  auto reports = check(src, 2.0f);
  ASSERT_EQ(reports.size(), 3u);
  for (const SmoothingReport &r : reports)
    EXPECT_TRUE(r.shiftApplied);
}

TEST_F(SmoothTest, FoldOnlyLeavesRunTimeCasesAlone) {
  OwningOpRef<ModuleOp> m = parse(R"mlir(
    func.func @f(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
      %w = arith.constant dense<[[1.0, -3.0], [0.5, 0.25]]> : tensor<2x2xf32>
      %y = qc.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
      return %y : tensor<3x2xf32>
    })mlir");
  auto func = *m->getOps<func::FuncOp>().begin();
  std::string before;
  llvm::raw_string_ostream(before) << *m;
  std::string why;
  EXPECT_TRUE(failed(smoothActivation(func.getArgument(0), {2.0f, 0.5f}, {},
                                      /*foldOnly=*/true, &why)));
  EXPECT_EQ(why, "it is a function argument");
  std::string after;
  llvm::raw_string_ostream(after) << *m;
  EXPECT_EQ(before, after);
}

TEST_F(SmoothTest, RejectsBadScalesAndUses) {
  OwningOpRef<ModuleOp> m = parse(R"mlir(
    func.func @f(%x: tensor<3x2xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
      %w = arith.constant dense<[[1.0, -3.0], [0.5, 0.25]]> : tensor<2x2xf32>
      %y = qc.matmul %x, %w : (tensor<3x2xf32>, tensor<2x2xf32>) -> tensor<3x2xf32>
      %r = qc.relu %y : tensor<3x2xf32>
      return %y, %r : tensor<3x2xf32>, tensor<3x2xf32>
    })mlir");
  auto func = *m->getOps<func::FuncOp>().begin();
  Value x = func.getArgument(0);
  std::string why;
  EXPECT_TRUE(failed(smoothActivation(x, {1.0f}, {}, false, &why)));
  EXPECT_EQ(why, "expected 2 scales, found 1");
  EXPECT_TRUE(failed(smoothActivation(x, {1.0f, 0.0f}, {}, false, &why)));
  EXPECT_EQ(why, "expected finite positive scales, found 0");
  EXPECT_TRUE(failed(smoothActivation(x, {1.0f, 1.0f}, {1.0f}, false, &why)));
  EXPECT_EQ(why, "expected 2 shifts, found 1");
  Value y = (*func.getOps<MatMulOp>().begin()).getResult();
  EXPECT_TRUE(failed(smoothActivation(y, {1.0f, 1.0f}, {}, false, &why)));
  EXPECT_NE(why.find("not only by contractions with constant weights"),
            std::string::npos)
      << why;
  EXPECT_EQ(countOps(*m, "qc.mul"), 0);
}

//===- RearrangeChannelsTest.cpp - channel permutation components ---------===//
//
// applyChannelPermutation with random permutations must leave every
// function's f32 results unchanged (up to the rounding of a different
// summation order), insert run-time gathers only at the boundaries the
// analysis reports, and none where every permuted value is absorbed.
//
//===----------------------------------------------------------------------===//

#include "ChannelTestUtils.h"

#include <numeric>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

class RearrangeTest : public ChannelTest {
protected:
  /// Permutes every component of the first function of `src` with a random
  /// permutation and checks the results against the original. Returns the
  /// components found (in seed order).
  std::vector<ChannelComponent>
  check(StringRef src, SmallVector<Tensor> inputs = {}, uint32_t seed = 1) {
    module = parse(src);
    if (!module)
      return {};
    auto func = *module->getOps<func::FuncOp>().begin();
    if (inputs.empty())
      inputs = randomInputs(func, seed);
    SmallVector<Tensor> expected = eval(func, inputs);

    llvm::DenseSet<Value> covered;
    std::vector<ChannelComponent> comps;
    for (Value seedValue : candidates(func)) {
      if (covered.contains(seedValue))
        continue;
      std::string why;
      FailureOr<ChannelComponent> comp =
          analyzeChannelComponent(seedValue, &why);
      EXPECT_TRUE(succeeded(comp)) << why;
      if (failed(comp))
        continue;
      for (auto &entry : comp->values)
        covered.insert(entry.first);
      comps.push_back(std::move(*comp));
    }
    std::mt19937 rng(seed + 7);
    for (const ChannelComponent &comp : comps) {
      SmallVector<int64_t> perm(comp.numChannels);
      std::iota(perm.begin(), perm.end(), 0);
      std::shuffle(perm.begin(), perm.end(), rng);
      applyChannelPermutation(comp, perm);
    }
    if (!verifies(*module))
      return comps;
    EXPECT_EQ(countGathers(), gathersExpected(comps));
    SmallVector<Tensor> actual = eval(func, inputs);
    EXPECT_LE(relativeError(actual, expected), 1e-5);
    return comps;
  }

  int countGathers() {
    int n = 0;
    module->walk([&](GatherOp op) {
      n +=
          isa_and_nonnull<arith::ConstantOp>(op.getIndices().getDefiningOp()) &&
          !isa_and_nonnull<arith::ConstantOp>(op.getData().getDefiningOp());
    });
    return n;
  }
  static int gathersExpected(ArrayRef<ChannelComponent> comps) {
    int n = 0;
    for (const ChannelComponent &c : comps)
      n += c.numGathers();
    return n;
  }

  OwningOpRef<ModuleOp> module;
};

} // namespace

TEST_F(RearrangeTest, PermutationSortsByDecreasingScore) {
  EXPECT_EQ(chooseOutlierPermutation({1, 5, 3, 5}),
            (SmallVector<int64_t>{1, 3, 2, 0}));
  EXPECT_TRUE(chooseOutlierPermutation({}).empty());
}

TEST_F(RearrangeTest, BlockMaxMeanRatio) {
  // Blocks {1, 9} and {1, 1}: (9 / 5 + 1) / 2 = 1.4.
  EXPECT_DOUBLE_EQ(blockMaxMeanRatio({1, 9, 1, 1}, {}, 2), 1.4);
  // Sorted: {9, 1} and {1, 1}: the same; {9} alone needs block size 1.
  EXPECT_DOUBLE_EQ(blockMaxMeanRatio({1, 9, 1, 1}, {1, 0, 2, 3}, 2), 1.4);
  // {8, 8} {1, 1} after sorting instead of {8, 1} {8, 1}.
  EXPECT_DOUBLE_EQ(blockMaxMeanRatio({8, 1, 8, 1}, {}, 2), 16.0 / 9.0);
  EXPECT_DOUBLE_EQ(blockMaxMeanRatio({8, 1, 8, 1}, {0, 2, 1, 3}, 2), 1.0);
  // A partial last block and an all-zero block.
  EXPECT_DOUBLE_EQ(blockMaxMeanRatio({0, 0, 2, 1, 3}, {}, 2),
                   (1.0 + 2.0 / 1.5 + 1.0) / 3);
}

TEST_F(RearrangeTest, LayerNormOfAnArgumentNeedsAGather) {
  std::mt19937 rng(1);
  std::string src =
      "func.func @f(%x: tensor<2x5x8xf32>) -> tensor<2x5x6xf32> {\n" +
      randomConst("g", {8}, rng) + randomConst("b", {8}, rng) +
      randomConst("w", {8, 6}, rng) + R"mlir(
    %h = qc.layer_normalization %x, %g, %b : (tensor<2x5x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<2x5x8xf32>
    %y = qc.matmul %h, %w : (tensor<2x5x8xf32>, tensor<8x6xf32>) -> tensor<2x5x6xf32>
    return %y : tensor<2x5x6xf32>
  })mlir";
  auto comps = check(src);
  ASSERT_EQ(comps.size(), 1u);
  EXPECT_EQ(comps[0].numChannels, 8);
  EXPECT_EQ(comps[0].values.size(), 2u);
  EXPECT_EQ(comps[0].boundaryDefs.size(), 1u);
  EXPECT_EQ(comps[0].numGathers(), 1u);
  EXPECT_EQ(comps[0].firstBoundary, "a function argument");
  EXPECT_EQ(comps[0].constantOperands.size(), 2u);
}

TEST_F(RearrangeTest, TransformerResidualStreamIsAbsorbedEverywhere) {
  std::mt19937 rng(2);
  std::string src =
      "func.func @f(%ids: tensor<2x5xi64>) -> tensor<2x5x10xf32> {\n" +
      randomConst("emb", {50, 16}, rng) + randomConst("pos", {5, 16}, rng) +
      randomConst("g1", {16}, rng) + randomConst("be1", {16}, rng) +
      randomConst("wq", {16, 16}, rng) + randomConst("wo", {16, 16}, rng) +
      randomConst("bo", {16}, rng) + randomConst("g2", {16}, rng) +
      randomConst("w1", {16, 32}, rng) + randomConst("b1", {32}, rng) +
      randomConst("w2", {32, 16}, rng) + randomConst("gf", {16}, rng) +
      randomConst("head", {16, 10}, rng) + R"mlir(
    %e = qc.gather %emb, %ids {axis = 0 : i64} : (tensor<50x16xf32>, tensor<2x5xi64>) -> tensor<2x5x16xf32>
    %h0 = qc.add %e, %pos : (tensor<2x5x16xf32>, tensor<5x16xf32>) -> tensor<2x5x16xf32>
    %n1 = qc.layer_normalization %h0, %g1, %be1 : (tensor<2x5x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<2x5x16xf32>
    %q = qc.matmul %n1, %wq : (tensor<2x5x16xf32>, tensor<16x16xf32>) -> tensor<2x5x16xf32>
    %r = qc.relu %q : tensor<2x5x16xf32>
    %o = qc.matmul %r, %wo : (tensor<2x5x16xf32>, tensor<16x16xf32>) -> tensor<2x5x16xf32>
    %ob = qc.add %o, %bo : (tensor<2x5x16xf32>, tensor<16xf32>) -> tensor<2x5x16xf32>
    %h1 = qc.add %h0, %ob : (tensor<2x5x16xf32>, tensor<2x5x16xf32>) -> tensor<2x5x16xf32>
    %n2 = qc.layer_normalization %h1, %g2 : (tensor<2x5x16xf32>, tensor<16xf32>) -> tensor<2x5x16xf32>
    %u = qc.matmul %n2, %w1 : (tensor<2x5x16xf32>, tensor<16x32xf32>) -> tensor<2x5x32xf32>
    %ub = qc.add %u, %b1 : (tensor<2x5x32xf32>, tensor<32xf32>) -> tensor<2x5x32xf32>
    %a = qc.gelu %ub : tensor<2x5x32xf32>
    %d = qc.matmul %a, %w2 : (tensor<2x5x32xf32>, tensor<32x16xf32>) -> tensor<2x5x16xf32>
    %h2 = qc.add %h1, %d : (tensor<2x5x16xf32>, tensor<2x5x16xf32>) -> tensor<2x5x16xf32>
    %nf = qc.layer_normalization %h2, %gf : (tensor<2x5x16xf32>, tensor<16xf32>) -> tensor<2x5x16xf32>
    %y = qc.matmul %nf, %head : (tensor<2x5x16xf32>, tensor<16x10xf32>) -> tensor<2x5x10xf32>
    return %y : tensor<2x5x10xf32>
  })mlir";
  Tensor ids = i64({2, 5}, {3, 17, 42, 0, 49, 8, 8, 25, 31, 12});
  auto comps = check(src, {ids});
  // The residual stream (three layer norms, 16 channels), the relu and the
  // gelu activations.
  ASSERT_EQ(comps.size(), 3u);
  const ChannelComponent &stream = comps[0];
  EXPECT_EQ(stream.numChannels, 16);
  EXPECT_EQ(stream.consumers.size(), 3u);
  EXPECT_EQ(stream.numGathers(), 0u);
  // The embedding gather and the two matmuls writing into the stream.
  EXPECT_EQ(stream.absorbingDefs.size(), 3u);
  EXPECT_EQ(comps[1].numChannels, 16);
  EXPECT_EQ(comps[1].numGathers(), 0u);
  EXPECT_EQ(comps[2].numChannels, 32);
  EXPECT_EQ(comps[2].numGathers(), 0u);
}

TEST_F(RearrangeTest, ConvNetIsAbsorbedEverywhere) {
  std::mt19937 rng(3);
  std::vector<float> var = normals(8, rng);
  for (float &v : var)
    v = v * v + 0.1f;
  std::string src =
      "func.func @f(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x4x4xf32> {\n" +
      randomConst("w1", {8, 3, 3, 3}, rng) + randomConst("b1", {8}, rng) +
      randomConst("s", {8}, rng) + randomConst("t", {8}, rng) +
      randomConst("mu", {8}, rng) + "    %var = arith.constant " +
      hexDense(var) + " : tensor<8xf32>\n" + randomConst("k", {8, 1, 1}, rng) +
      randomConst("w2", {4, 8, 1, 1}, rng) +
      R"mlir(
    %c = qc.conv %x, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
    %b = qc.batch_normalization %c, %s, %t, %mu, %var : (tensor<1x8x8x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
    %r = qc.hard_swish %b : tensor<1x8x8x8xf32>
    %p = qc.max_pool %r {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x4x4xf32>
    %m = qc.mul %p, %k : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
    %y = qc.conv %m, %w2 : (tensor<1x8x4x4xf32>, tensor<4x8x1x1xf32>) -> tensor<1x4x4x4xf32>
    return %y : tensor<1x4x4x4xf32>
  })mlir";
  // %x (a gather at the argument), then %m back to the first conv.
  auto comps = check(src);
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0].numGathers(), 1u);
  EXPECT_EQ(comps[1].numGathers(), 0u);
  EXPECT_EQ(comps[1].values.size(), 5u);
  // The batch norm's four parameters and the multiplier.
  EXPECT_EQ(comps[1].constantOperands.size(), 5u);
}

TEST_F(RearrangeTest, GemmAndSoftmaxOverAnotherAxis) {
  std::mt19937 rng(4);
  std::string src = "func.func @f(%x: tensor<5x8xf32>) -> tensor<5x4xf32> {\n" +
                    randomConst("w0", {6, 8}, rng) +
                    randomConst("c0", {1, 6}, rng) +
                    randomConst("w1", {6, 4}, rng) + R"mlir(
    %h = qc.gemm %x, %w0, %c0 {alpha = 0.5 : f32, trans_b = true} : (tensor<5x8xf32>, tensor<6x8xf32>, tensor<1x6xf32>) -> tensor<5x6xf32>
    %s = qc.softmax %h {axis = 0 : i64} : tensor<5x6xf32>
    %t = qc.tanh %s : tensor<5x6xf32>
    %y = qc.gemm %t, %w1 : (tensor<5x6xf32>, tensor<6x4xf32>) -> tensor<5x4xf32>
    return %y : tensor<5x4xf32>
  })mlir";
  // %x (the first seed) has 8 channels read by the first gemm; then %t.
  auto comps = check(src);
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0].numGathers(), 1u);
  EXPECT_EQ(comps[1].numGathers(), 0u);
  EXPECT_EQ(comps[1].values.size(), 3u);
}

TEST_F(RearrangeTest, ReturnedAndReshapedValuesGetInverseGathers) {
  std::mt19937 rng(5);
  std::string src = "func.func @f(%x: tensor<4x8xf32>) -> (tensor<4x3xf32>, "
                    "tensor<4x8xf32>, tensor<32xf32>) {\n" +
                    randomConst("w0", {8, 8}, rng) +
                    randomConst("w1", {8, 3}, rng) +
                    R"mlir(
    %h = qc.matmul %x, %w0 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    %e = qc.exp %h : tensor<4x8xf32>
    %y = qc.matmul %e, %w1 : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
    %f = qc.reshape %h : (tensor<4x8xf32>) -> tensor<32xf32>
    return %y, %h, %f : tensor<4x3xf32>, tensor<4x8xf32>, tensor<32xf32>
  })mlir";
  // %x, then %e back to the first matmul.
  auto comps = check(src);
  ASSERT_EQ(comps.size(), 2u);
  // %h is returned and reshaped: both read one inverse gather.
  EXPECT_EQ(comps[1].boundaryUses.size(), 2u);
  EXPECT_EQ(comps[1].numGathers(), 1u);
}

TEST_F(RearrangeTest, ResidualWithAnArgument) {
  std::mt19937 rng(6);
  std::string src = "func.func @f(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {\n" +
                    randomConst("w0", {8, 8}, rng) +
                    randomConst("g", {8}, rng) +
                    randomConst("w1", {8, 3}, rng) + R"mlir(
    %h = qc.matmul %x, %w0 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
    %r = qc.add %h, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    %n = qc.layer_normalization %r, %g : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    %y = qc.matmul %n, %w1 : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
    return %y : tensor<4x3xf32>
  })mlir";
  // %x is read by the matmul and by the residual add: one gather permutes
  // it for both (the matmul's weight rows are permuted too).
  auto comps = check(src);
  ASSERT_EQ(comps.size(), 1u);
  EXPECT_EQ(comps[0].numGathers(), 1u);
}

TEST_F(RearrangeTest, ThroughDepthwiseReshapeTransposeAndDecomposedNorm) {
  std::mt19937 rng(7);
  std::string src =
      "func.func @f(%x: tensor<1x3x2x3xf32>) -> tensor<1x6x4xf32> {\n" +
      randomConst("w1", {8, 3, 1, 1}, rng) + randomConst("b1", {8}, rng) +
      randomConst("dw", {8, 1, 3, 3}, rng) + randomConst("g", {8}, rng) +
      randomConst("be", {1, 1, 8}, rng) + randomConst("w", {8, 4}, rng) +
      R"mlir(
    %eps = arith.constant dense<1.0e-5> : tensor<f32>
    %c = qc.conv %x, %w1, %b1 : (tensor<1x3x2x3xf32>, tensor<8x3x1x1xf32>, tensor<8xf32>) -> tensor<1x8x2x3xf32>
    %d = qc.conv %c, %dw {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x2x3xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x2x3xf32>
    %p = qc.pad %d {pads = array<i64: 0, 0, 0, 0, 0, 0, 0, 0>} : (tensor<1x8x2x3xf32>) -> tensor<1x8x2x3xf32>
    %r = qc.reshape %p : (tensor<1x8x2x3xf32>) -> tensor<1x8x6xf32>
    %t = qc.transpose %r {perm = array<i64: 0, 2, 1>} : (tensor<1x8x6xf32>) -> tensor<1x6x8xf32>
    %m = qc.reduce_mean %t {axes = array<i64: -1>} : (tensor<1x6x8xf32>) -> tensor<1x6x1xf32>
    %s = qc.sub %t, %m : (tensor<1x6x8xf32>, tensor<1x6x1xf32>) -> tensor<1x6x8xf32>
    %q = qc.mul %s, %s : (tensor<1x6x8xf32>, tensor<1x6x8xf32>) -> tensor<1x6x8xf32>
    %v = qc.reduce_mean %q {axes = array<i64: -1>} : (tensor<1x6x8xf32>) -> tensor<1x6x1xf32>
    %ve = qc.add %v, %eps : (tensor<1x6x1xf32>, tensor<f32>) -> tensor<1x6x1xf32>
    %sd = qc.sqrt %ve : tensor<1x6x1xf32>
    %n = qc.div %s, %sd : (tensor<1x6x8xf32>, tensor<1x6x1xf32>) -> tensor<1x6x8xf32>
    %ng = qc.mul %n, %g : (tensor<1x6x8xf32>, tensor<8xf32>) -> tensor<1x6x8xf32>
    %h = qc.add %ng, %be : (tensor<1x6x8xf32>, tensor<1x1x8xf32>) -> tensor<1x6x8xf32>
    %sm = qc.softmax %h {axis = 1 : i64} : tensor<1x6x8xf32>
    %y = qc.matmul %sm, %w : (tensor<1x6x8xf32>, tensor<8x4xf32>) -> tensor<1x6x4xf32>
    return %y : tensor<1x6x4xf32>
  })mlir";
  // %x (a gather at the argument), then everything from %sm back to the
  // first conv, with no run-time gather: the depthwise conv's weights, the
  // norm's scale and shift move with the channels; the reductions over the
  // channels do not care about their order.
  auto comps = check(src);
  ASSERT_EQ(comps.size(), 2u);
  const ChannelComponent &c = comps[1];
  EXPECT_EQ(c.numChannels, 8);
  EXPECT_EQ(c.numGathers(), 0u) << c.firstBoundary;
  EXPECT_EQ(c.absorbingDefs.size(), 1u);
  // depthwise weight, gamma, beta.
  EXPECT_EQ(c.constantOperands.size(), 3u);
  // %sm %h %ng %n %s %q %t %r %p %d %c.
  EXPECT_EQ(c.values.size(), 11u);
}

TEST_F(RearrangeTest, ChannelMixingReshapeAndConcatAreBoundaries) {
  std::mt19937 rng(8);
  std::string src = "func.func @f(%x: tensor<2x8xf32>) -> (tensor<4x2xf32>, "
                    "tensor<2x2xf32>) {\n" +
                    randomConst("w0", {8, 8}, rng) +
                    randomConst("w1", {4, 2}, rng) +
                    randomConst("w2", {16, 2}, rng) + R"mlir(
    %h = qc.matmul %x, %w0 : (tensor<2x8xf32>, tensor<8x8xf32>) -> tensor<2x8xf32>
    %e = qc.tanh %h : tensor<2x8xf32>
    %r = qc.reshape %e : (tensor<2x8xf32>) -> tensor<4x4xf32>
    %y = qc.matmul %r, %w1 : (tensor<4x4xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
    %c = qc.concat %e, %e {axis = 1 : i64} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x16xf32>
    %z = qc.matmul %c, %w2 : (tensor<2x16xf32>, tensor<16x2xf32>) -> tensor<2x2xf32>
    return %y, %z : tensor<4x2xf32>, tensor<2x2xf32>
  })mlir";
  // Seeds: %x, %r (the reshape splits the channel dimension, so %r is its
  // own set, with a gather) and %c (a concat along the channels: a gather).
  auto comps = check(src);
  ASSERT_EQ(comps.size(), 3u);
  EXPECT_EQ(comps[1].numChannels, 4);
  EXPECT_EQ(comps[1].numGathers(), 1u);
  EXPECT_EQ(comps[2].numChannels, 16);
  EXPECT_EQ(comps[2].numGathers(), 1u);
}

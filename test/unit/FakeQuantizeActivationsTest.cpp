//===- FakeQuantizeActivationsTest.cpp - qc-fake-quantize-activations -----===//
//
// The graph qc-fake-quantize-activations builds, run by the reference
// evaluator, must compute the layer on the block-rounded input exactly as a
// plain loop does: scale max|x| / qmax per block of consecutive input
// channels, round half to even, multiply back.
//
//===----------------------------------------------------------------------===//

#include "ChannelTestUtils.h"

#include "quantc/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

class FakeQuantizeActivationsTest : public ChannelTest {
protected:
  FakeQuantizeActivationsTest() {
    static bool registered = (registerQCFakeQuantizeActivations(), true);
    (void)registered;
  }

  /// Runs the pass with `options` on `m`; returns whether it succeeded.
  bool runPass(ModuleOp m, StringRef options) {
    PassManager pm(&ctx);
    std::string pipeline =
        ("func.func(qc-fake-quantize-activations{remarks=false " + options +
         "})")
            .str();
    EXPECT_TRUE(succeeded(parsePassPipeline(pipeline, pm))) << pipeline;
    return succeeded(pm.run(m)) && succeeded(verify(m));
  }

  OwningOpRef<ModuleOp> module;
};

/// `x` (viewed as [outer, n, inner], channels in the middle) rounded to
/// `bits` with one scale per `block` channels at each (outer, inner).
std::vector<float> blockRound(ArrayRef<float> x, int64_t outer, int64_t n,
                              int64_t inner, int64_t block, unsigned bits) {
  float qmax = static_cast<float>((1 << (bits - 1)) - 1);
  std::vector<float> y(x.begin(), x.end());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i)
      for (int64_t b0 = 0; b0 < n; b0 += block) {
        auto at = [&](int64_t c) { return (o * n + c) * inner + i; };
        float m = 0;
        for (int64_t c = b0; c < b0 + block; ++c)
          m = std::max(m, std::fabs(x[at(c)]));
        float s = m / qmax;
        for (int64_t c = b0; c < b0 + block; ++c)
          y[at(c)] = s > 0 ? std::nearbyint(x[at(c)] / s) * s : 0.0f;
      }
  return y;
}

/// Random data with a few outlier channels (x20), so blocks differ.
std::vector<float> withOutliers(size_t rows, size_t n, std::mt19937 &rng) {
  std::vector<float> v = normals(rows * n, rng);
  for (size_t r = 0; r < rows; ++r)
    for (size_t c : {3u, 40u})
      if (c < n)
        v[r * n + c] *= 20.0f;
  return v;
}

TEST_F(FakeQuantizeActivationsTest, MatMulBlocksOf32) {
  std::mt19937 rng(7);
  const int64_t rows = 6, n = 64, m = 5;
  std::vector<float> w = normals(n * m, rng);
  std::string src =
      "func.func @f(%x: tensor<2x3x64xf32>) -> tensor<2x3x5xf32> {\n"
      "    %w = arith.constant " +
      hexDense(w) +
      " : tensor<64x5xf32>\n"
      "    %y = qc.matmul %x, %w : (tensor<2x3x64xf32>, "
      "tensor<64x5xf32>) -> tensor<2x3x5xf32>\n"
      "    return %y : tensor<2x3x5xf32>\n}\n";
  module = parse(src);
  ASSERT_TRUE(module);
  std::vector<float> x = withOutliers(rows, n, rng);
  SmallVector<Tensor> in{f32({2, 3, 64}, x)};
  auto func = *module->getOps<func::FuncOp>().begin();
  std::vector<float> exact(eval(func, in)[0].getFloats());

  for (auto [bits, block] :
       {std::pair<unsigned, int64_t>{4, 32}, {4, 16}, {8, 0}, {2, 64}}) {
    SCOPED_TRACE("bits " + std::to_string(bits) + " block " +
                 std::to_string(block));
    OwningOpRef<ModuleOp> m2 = parse(src);
    ASSERT_TRUE(runPass(*m2, "bits=" + std::to_string(bits) +
                                 " block-size=" + std::to_string(block)));
    std::vector<float> xq =
        blockRound(x, rows, n, 1, block == 0 ? n : block, bits);
    std::vector<float> expected(rows * m, 0.0f);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t j = 0; j < m; ++j) {
        double acc = 0;
        for (int64_t c = 0; c < n; ++c)
          acc += static_cast<double>(xq[r * n + c]) * w[c * m + j];
        expected[r * m + j] = static_cast<float>(acc);
      }
    auto f2 = *m2->getOps<func::FuncOp>().begin();
    std::vector<float> actual(eval(f2, in)[0].getFloats());
    EXPECT_TRUE(allClose(actual, expected, 1e-4f, 1e-5f));
    // The rounding is real: the result moved away from the f32 one.
    double diff = 0;
    for (size_t i = 0; i < actual.size(); ++i)
      diff =
          std::max(diff, std::fabs(static_cast<double>(actual[i]) - exact[i]));
    EXPECT_GT(diff, 1e-3);
  }
}

TEST_F(FakeQuantizeActivationsTest, ConvBlocksAlongChannels) {
  std::mt19937 rng(11);
  const int64_t c = 32, hw = 9, o = 3;
  std::vector<float> w = normals(o * c, rng);
  std::string src =
      "func.func @f(%x: tensor<1x32x3x3xf32>) -> tensor<1x3x3x3xf32> {\n"
      "    %w = arith.constant " +
      hexDense(w) +
      " : tensor<3x32x1x1xf32>\n"
      "    %y = qc.conv %x, %w : (tensor<1x32x3x3xf32>, tensor<3x32x1x1xf32>) "
      "-> tensor<1x3x3x3xf32>\n"
      "    return %y : tensor<1x3x3x3xf32>\n}\n";
  module = parse(src);
  ASSERT_TRUE(module);
  ASSERT_TRUE(runPass(*module, "bits=4 block-size=8"));
  std::vector<float> x = normals(c * hw, rng);
  for (int64_t p = 0; p < hw; ++p)
    x[5 * hw + p] *= 30.0f; // an outlier channel in the first block
  std::vector<float> xq = blockRound(x, 1, c, hw, 8, 4);
  std::vector<float> expected(o * hw, 0.0f);
  for (int64_t k = 0; k < o; ++k)
    for (int64_t p = 0; p < hw; ++p) {
      double acc = 0;
      for (int64_t ch = 0; ch < c; ++ch)
        acc += static_cast<double>(xq[ch * hw + p]) * w[k * c + ch];
      expected[k * hw + p] = static_cast<float>(acc);
    }
  auto func = *module->getOps<func::FuncOp>().begin();
  std::vector<float> actual(eval(func, {f32({1, 32, 3, 3}, x)})[0].getFloats());
  EXPECT_TRUE(allClose(actual, expected, 1e-4f, 1e-5f));
}

TEST_F(FakeQuantizeActivationsTest, ZeroBlockStaysZero) {
  module = parse("func.func @f(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {\n"
                 "    %w = arith.constant dense<1.0> : tensor<8x2xf32>\n"
                 "    %y = qc.matmul %x, %w : (tensor<1x8xf32>, "
                 "tensor<8x2xf32>) -> tensor<1x2xf32>\n"
                 "    return %y : tensor<1x2xf32>\n}\n");
  ASSERT_TRUE(module);
  ASSERT_TRUE(runPass(*module, "bits=4 block-size=4"));
  auto func = *module->getOps<func::FuncOp>().begin();
  // Block 0 is all zero (no NaN from 0 / 0); block 1 is [7, -3.5, 1, 0.4]:
  // scale 1, so it becomes [7, -4, 1, 0] (round half to even: -3.5 -> -4).
  std::vector<float> y(
      eval(func, {f32({1, 8}, {0, 0, 0, 0, 7, -3.5f, 1, 0.4f})})[0]
          .getFloats());
  EXPECT_TRUE(allClose(y, {4.0f, 4.0f}));
}

} // namespace

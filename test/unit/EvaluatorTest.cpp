//===- EvaluatorTest.cpp - the evaluator's driver -------------------------===//

#include "EvalTestUtils.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

using Evaluator = EvalTest;

TEST_F(Evaluator, EveryQcOpHasReferenceSemantics) {
  int count = 0;
  for (RegisteredOperationName name : ctx.getRegisteredOperations()) {
    if (name.getDialectNamespace() != "qc")
      continue;
    ++count;
    EXPECT_TRUE(canEvaluate(name.getStringRef())) << name.getStringRef().str();
  }
  EXPECT_GT(count, 60);
  EXPECT_TRUE(canEvaluate("arith.constant"));
  EXPECT_TRUE(canEvaluate("quant.scast"));
  EXPECT_TRUE(canEvaluate("func.return"));
  EXPECT_FALSE(canEvaluate("arith.addf"));
}

TEST_F(Evaluator, Constants) {
  const char *ir = R"(
    func.func @f() -> (tensor<2xf32>, tensor<2x2xf32>, tensor<3xi1>, tensor<2xf32>, tensor<2xi8>) {
      %0 = arith.constant dense<[1.5, -2.0]> : tensor<2xf32>
      %1 = arith.constant dense<4.0> : tensor<2x2xf32>
      %2 = arith.constant dense<[true, false, true]> : tensor<3xi1>
      %3 = arith.constant dense_resource<blob1> : tensor<2xf32>
      %4 = arith.constant dense_resource<blob2> : tensor<2xi8>
      return %0, %1, %2, %3, %4 : tensor<2xf32>, tensor<2x2xf32>, tensor<3xi1>, tensor<2xf32>, tensor<2xi8>
    }
    {-#
      dialect_resources: {
        builtin: {
          blob1: "0x040000000000803F00000040",
          blob2: "0x0400000005FB"
        }
      }
    #-})";
  SmallVector<Tensor> r = run(ir, {});
  ASSERT_EQ(r.size(), 5u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {1.5f, -2}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {4, 4, 4, 4}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({1, 0, 1}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {1, 2}));
  EXPECT_EQ(r[4].getInts(), ArrayRef<int64_t>({5, -5}));
}

TEST_F(Evaluator, SubByteConstants) {
  // dense_resource blobs of i4/ui4/i2 hold one element per byte in the low
  // bits: sign-extended (quantc's importer) or zero-extended (upstream's
  // dense storage); blobs packed low nibble first are read too. Plain dense
  // attributes of those types as well.
  const char *ir = R"(
    func.func @f() -> (tensor<3xi4>, tensor<3xi4>, tensor<3xui4>, tensor<3xi2>, tensor<4xi4>, tensor<4xui4>, tensor<3xi4>, tensor<3xui4>, tensor<2xi2>) {
      %0 = arith.constant dense_resource<sext> : tensor<3xi4>
      %1 = arith.constant dense_resource<zext> : tensor<3xi4>
      %2 = arith.constant dense_resource<zext> : tensor<3xui4>
      %3 = arith.constant dense_resource<two> : tensor<3xi2>
      %4 = arith.constant dense_resource<packed> : tensor<4xi4>
      %5 = arith.constant dense_resource<packed> : tensor<4xui4>
      %6 = arith.constant dense<[-1, 7, -8]> : tensor<3xi4>
      %7 = arith.constant dense<[15, 7, 8]> : tensor<3xui4>
      %8 = arith.constant dense<[-2, 1]> : tensor<2xi2>
      return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<3xi4>, tensor<3xi4>, tensor<3xui4>, tensor<3xi2>, tensor<4xi4>, tensor<4xui4>, tensor<3xi4>, tensor<3xui4>, tensor<2xi2>
    }
    {-#
      dialect_resources: {
        builtin: {
          sext: "0x04000000FF07F8",
          zext: "0x040000000F0708",
          two: "0x0400000003FE01",
          packed: "0x040000007F08"
        }
      }
    #-})";
  SmallVector<Tensor> r = run(ir, {});
  ASSERT_EQ(r.size(), 9u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({-1, 7, -8}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({-1, 7, -8}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({15, 7, 8}));
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({-1, -2, 1}));
  // 0x7F, 0x08: elements 0xF, 0x7, 0x8, 0x0.
  EXPECT_EQ(r[4].getInts(), ArrayRef<int64_t>({-1, 7, -8, 0}));
  EXPECT_EQ(r[5].getInts(), ArrayRef<int64_t>({15, 7, 8, 0}));
  EXPECT_EQ(r[6].getInts(), ArrayRef<int64_t>({-1, 7, -8}));
  EXPECT_EQ(r[7].getInts(), ArrayRef<int64_t>({15, 7, 8}));
  EXPECT_EQ(r[8].getInts(), ArrayRef<int64_t>({-2, 1}));
}

TEST_F(Evaluator, SubByteBlobOfTheWrongSizeIsAnError) {
  const char *ir = R"(
    func.func @f() -> tensor<5xi4> {
      %0 = arith.constant dense_resource<blob> : tensor<5xi4>
      return %0 : tensor<5xi4>
    }
    {-#
      dialect_resources: {
        builtin: {
          blob: "0x04000000010203040506"
        }
      }
    #-})";
  std::string err = runError(ir, {});
  EXPECT_NE(err.find("expected a dense or dense_resource constant"),
            std::string::npos)
      << err;
}

TEST_F(Evaluator, ElidedResourceIsAnError) {
  const char *ir = R"(
    func.func @f() -> tensor<2xf32> {
      %0 = arith.constant dense_resource<__elided__> : tensor<2xf32>
      return %0 : tensor<2xf32>
    })";
  std::string err = runError(ir, {});
  EXPECT_NE(err.find("'arith.constant' op expected the data of "
                     "dense_resource blob '__elided__', found none (was the "
                     "blob elided?)"),
            std::string::npos)
      << err;
}

TEST_F(Evaluator, InputMismatchesNameTheArgument) {
  const char *ir = R"(
    func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> tensor<2x3xf32> {
      %0 = qc.add %a, %b : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
      return %0 : tensor<2x3xf32>
    })";
  Tensor good = f32({2, 3}, std::vector<float>(6, 1.0f));
  std::string err = runError(ir, {good});
  EXPECT_NE(err.find("'func.func' op expected 2 inputs (one per argument), "
                     "found 1"),
            std::string::npos)
      << err;
  err = runError(ir, {good, f32({3, 2}, std::vector<float>(6, 1.0f))});
  EXPECT_NE(err.find("'func.func' op expected input #1 to match argument #1 "
                     "of shape [2, 3] and element type f32, found shape "
                     "[3, 2] and element type f32"),
            std::string::npos)
      << err;
  err = runError(ir, {good, i64({2, 3}, {1, 2, 3, 4, 5, 6})});
  EXPECT_NE(err.find("found shape [2, 3] and element type i64"),
            std::string::npos)
      << err;
}

TEST_F(Evaluator, UnsupportedOpsAreErrors) {
  const char *ir = R"(
    func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
      %0 = arith.addf %a, %a : tensor<2xf32>
      return %0 : tensor<2xf32>
    })";
  std::string err = runError(ir, {f32({2}, {1, 2})});
  EXPECT_NE(err.find("'arith.addf' op has no reference semantics: expected a "
                     "qc op, arith.constant, quant.scast or func.return"),
            std::string::npos)
      << err;
}

TEST_F(Evaluator, DeclarationsAreErrors) {
  OwningOpRef<ModuleOp> module =
      parse("func.func private @f(tensor<2xf32>) -> tensor<2xf32>");
  ASSERT_TRUE(module);
  std::string diags;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    diags += d.str();
    return success();
  });
  auto func = *module->getOps<func::FuncOp>().begin();
  EXPECT_TRUE(failed(evaluateFunction(func, {f32({2}, {1, 2})})));
  EXPECT_EQ(diags, "'func.func' op expected a function with a body to "
                   "evaluate, found a declaration");
}

TEST_F(Evaluator, ObserverSeesEveryValueInOrder) {
  const char *ir = R"(
    func.func @f(%a: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
      %0 = qc.neg %a : tensor<2xf32>
      %1 = qc.relu %0 : tensor<2xf32>
      %2 = qc.exp %1 : tensor<2xf32>
      return %2, %a, %2 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
    })";
  OwningOpRef<ModuleOp> module = parse(ir);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  for (bool freeDead : {true, false}) {
    std::vector<std::vector<float>> seen;
    EvaluateOptions options;
    options.freeDeadValues = freeDead;
    FailureOr<SmallVector<Tensor>> results = evaluateFunction(
        func, {f32({2}, {1, -2})},
        [&](Value, const Tensor &t) {
          seen.emplace_back(t.getFloats().begin(), t.getFloats().end());
        },
        options);
    ASSERT_TRUE(succeeded(results));
    ASSERT_EQ(seen.size(), 4u);
    EXPECT_EQ(seen[0], (std::vector<float>{1, -2}));
    EXPECT_EQ(seen[1], (std::vector<float>{-1, 2}));
    EXPECT_EQ(seen[2], (std::vector<float>{0, 2}));
    ASSERT_EQ(results->size(), 3u);
    // A value returned twice and an argument returned as is.
    EXPECT_TRUE(allClose((*results)[0].getFloats(), {1, 7.3890561f}));
    EXPECT_TRUE(allClose((*results)[1].getFloats(), {1, -2}));
    EXPECT_TRUE(allClose((*results)[2].getFloats(), {1, 7.3890561f}));
  }
}

TEST_F(Evaluator, EvaluateOpChecksItsOperands) {
  OwningOpRef<ModuleOp> module = parse(R"(
    func.func @f(%a: tensor<2xf32>) -> tensor<2xf32> {
      %0 = qc.relu %a : tensor<2xf32>
      return %0 : tensor<2xf32>
    })");
  ASSERT_TRUE(module);
  Operation *relu = nullptr;
  module->walk([&](ReluOp op) { relu = op; });
  ASSERT_TRUE(relu);
  FailureOr<SmallVector<Tensor>> ok = evaluateOp(relu, {f32({2}, {-1, 1})});
  ASSERT_TRUE(succeeded(ok));
  EXPECT_TRUE(allClose((*ok)[0].getFloats(), {0, 1}));

  std::string diags;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    diags += d.str() + "\n";
    return success();
  });
  EXPECT_TRUE(failed(evaluateOp(relu, {f32({3}, {-1, 1, 2})})));
  EXPECT_NE(diags.find("'qc.relu' op expected operand #0 to be a tensor of "
                       "[2] x f32, found [3] x f32"),
            std::string::npos)
      << diags;
  diags.clear();
  EXPECT_TRUE(failed(evaluateOp(relu, {})));
  EXPECT_NE(diags.find("'qc.relu' op expected 1 operand tensors, found 0"),
            std::string::npos)
      << diags;
}

TEST_F(Evaluator, EmptyTensorsAreFine) {
  const char *ir = R"(
    func.func @f(%x: tensor<0x2x4x4xf32>, %w: tensor<3x2x3x3xf32>, %w0: tensor<0x2x3x3xf32>, %x1: tensor<1x2x4x4xf32>, %wt: tensor<2x0x2x2xf32>, %dw: tensor<2x1x3x3xf32>, %e: tensor<0x3xf32>, %m: tensor<3x2xf32>, %i: tensor<0xi64>) -> (tensor<0x3x2x2xf32>, tensor<1x0x2x2xf32>, tensor<1x0x8x8xf32>, tensor<0x2x2x2xf32>, tensor<0x2x2x2xf32>, tensor<0x3xf32>, tensor<0x2xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<0x2xf32>, tensor<3x0xf32>) {
      %0 = qc.conv %x, %w : (tensor<0x2x4x4xf32>, tensor<3x2x3x3xf32>) -> tensor<0x3x2x2xf32>
      %1 = qc.conv %x1, %w0 : (tensor<1x2x4x4xf32>, tensor<0x2x3x3xf32>) -> tensor<1x0x2x2xf32>
      %2 = qc.conv_transpose %x1, %wt {strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<2x0x2x2xf32>) -> tensor<1x0x8x8xf32>
      %3 = qc.conv %x, %dw {group = 2 : i64} : (tensor<0x2x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<0x2x2x2xf32>
      %4 = qc.max_pool %x {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<0x2x4x4xf32>) -> tensor<0x2x2x2xf32>
      %5 = qc.softmax %e : tensor<0x3xf32>
      %6 = qc.matmul %e, %m : (tensor<0x3xf32>, tensor<3x2xf32>) -> tensor<0x2xf32>
      %7 = qc.reduce_sum %e {axes = array<i64: 0>, keepdims = false} : (tensor<0x3xf32>) -> tensor<3xf32>
      %8 = qc.pad %e {pads = array<i64: 1, 0, 1, 0>, value = 2.0 : f32} : (tensor<0x3xf32>) -> tensor<2x3xf32>
      %9 = qc.gather %m, %i : (tensor<3x2xf32>, tensor<0xi64>) -> tensor<0x2xf32>
      %10 = qc.transpose %e : (tensor<0x3xf32>) -> tensor<3x0xf32>
      return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10 : tensor<0x3x2x2xf32>, tensor<1x0x2x2xf32>, tensor<1x0x8x8xf32>, tensor<0x2x2x2xf32>, tensor<0x2x2x2xf32>, tensor<0x3xf32>, tensor<0x2xf32>, tensor<3xf32>, tensor<2x3xf32>, tensor<0x2xf32>, tensor<3x0xf32>
    })";
  SmallVector<Tensor> r =
      run(ir, {f32({0, 2, 4, 4}, {}), f32({3, 2, 3, 3}, randomFloats(54, 1)),
               f32({0, 2, 3, 3}, {}), f32({1, 2, 4, 4}, randomFloats(32, 2)),
               f32({2, 0, 2, 2}, {}), f32({2, 1, 3, 3}, randomFloats(18, 3)),
               f32({0, 3}, {}), f32({3, 2}, randomFloats(6, 4)), i64({0}, {})});
  ASSERT_EQ(r.size(), 11u);
  EXPECT_TRUE(allClose(r[7].getFloats(), {0, 0, 0}));
  EXPECT_TRUE(allClose(r[8].getFloats(), {2, 2, 2, 2, 2, 2}));
  EXPECT_EQ(r[10].getShape(), ArrayRef<int64_t>({3, 0}));
}

TEST_F(Evaluator, ModelLikeChain) {
  // conv -> batch norm -> hard_swish -> global pool -> flatten -> gemm ->
  // softmax, with constant weights.
  const char *ir = R"(
    func.func @f(%x: tensor<1x2x4x4xf32>) -> tensor<1x3xf32> {
      %w = arith.constant dense<0.25> : tensor<4x2x3x3xf32>
      %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
      %z = arith.constant dense<0.0> : tensor<4xf32>
      %fc = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]]> : tensor<3x4xf32>
      %0 = qc.conv %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
      %1 = qc.batch_normalization %0, %c, %z, %z, %c : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
      %2 = qc.hard_swish %1 : tensor<1x4x4x4xf32>
      %3 = qc.global_average_pool %2 : (tensor<1x4x4x4xf32>) -> tensor<1x4x1x1xf32>
      %4 = qc.flatten %3 : (tensor<1x4x1x1xf32>) -> tensor<1x4xf32>
      %5 = qc.gemm %4, %fc {trans_b = true} : (tensor<1x4xf32>, tensor<3x4xf32>) -> tensor<1x3xf32>
      %6 = qc.softmax %5 : tensor<1x3xf32>
      return %6 : tensor<1x3xf32>
    })";
  std::vector<float> out =
      runF32(ir, {f32({1, 2, 4, 4}, std::vector<float>(32, 0.0f))});
  // A zero input gives zeros everywhere before the softmax.
  EXPECT_TRUE(allClose(out, {1.0f / 3, 1.0f / 3, 1.0f / 3}));
  out = runF32(ir, {f32({1, 2, 4, 4}, std::vector<float>(32, 1.0f))});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NEAR(out[0] + out[1] + out[2], 1.0f, 1e-6);
  EXPECT_LT(out[0], out[1]);
  EXPECT_LT(out[1], out[2]);
}

} // namespace

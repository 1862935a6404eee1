//===- EvalQuantTest.cpp - quantize, dequantize, requantize, hadamard -----===//

#include "EvalTestUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

using EvalQuant = EvalTest;

TEST_F(EvalQuant, QuantizePerTensorRoundsHalfToEvenAndClamps) {
  const char *ir = R"(
    !q = !quant.uniform<i8:f32, 0.5:1>
    !n = !quant.uniform<i8<-127:127>:f32, 0.5:0>
    !u = !quant.uniform<u8:f32, 0.1:128>
    func.func @f(%x: tensor<8xf32>) -> (tensor<8x!q>, tensor<8x!n>, tensor<8x!u>) {
      %0 = qc.quantize %x : tensor<8xf32> -> tensor<8x!q>
      %1 = qc.quantize %x : tensor<8xf32> -> tensor<8x!n>
      %2 = qc.quantize %x : tensor<8xf32> -> tensor<8x!u>
      return %0, %1, %2 : tensor<8x!q>, tensor<8x!n>, tensor<8x!u>
    })";
  float nan = std::numeric_limits<float>::quiet_NaN();
  // x / 0.5 = 0.5, 1.5, -0.5, 2.5, -3.5, 2000, -2000, NaN.
  SmallVector<Tensor> r = run(
      ir, {f32({8}, {0.25f, 0.75f, -0.25f, 1.25f, -1.75f, 1000, -1000, nan})});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({1, 3, 1, 3, -3, 127, -128, 1}));
  // The narrow range clamps at -127.
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({0, 2, 0, 2, -4, 127, -127, 0}));
  // x / 0.1 + 128 (0.25 / 0.1 = 2.5 rounds to 2; 0.75 / 0.1 = 7.5 to 8).
  EXPECT_EQ(r[2].getInts(),
            ArrayRef<int64_t>({130, 136, 126, 140, 110, 255, 0, 128}));
}

TEST_F(EvalQuant, DequantizeAndFakeQuant) {
  const char *ir = R"(
    !q = !quant.uniform<i8:f32, 0.5:1>
    func.func @f(%x: tensor<4xf32>, %q: tensor<3x!q>) -> (tensor<4xf32>, tensor<3xf32>) {
      %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!q>
      %1 = qc.dequantize %0 : tensor<4x!q> -> tensor<4xf32>
      %2 = qc.dequantize %q : tensor<3x!q> -> tensor<3xf32>
      return %1, %2 : tensor<4xf32>, tensor<3xf32>
    })";
  OwningOpRef<ModuleOp> module = parse(ir);
  ASSERT_TRUE(module);
  Type qType =
      cast<RankedTensorType>(
          (*module->getOps<func::FuncOp>().begin()).getArgumentTypes()[1])
          .getElementType();
  SmallVector<Tensor> r = run(ir, {f32({4}, {0.3f, -0.74f, 100, 0.26f}),
                                   ints(qType, {3}, {-128, 1, 127})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {0.5f, -0.5f, 63, 0.5f}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {-64.5f, 0, 63}));
}

TEST_F(EvalQuant, PerAxis) {
  const char *ir = R"(
    !a0 = !quant.uniform<i8:f32:0, {1.0:0, 0.5:10}>
    !a1 = !quant.uniform<i8:f32:1, {1.0:0, 0.5:10, 2.0:-1}>
    func.func @f(%x: tensor<2x3xf32>) -> (tensor<2x3x!a0>, tensor<2x3xf32>, tensor<2x3x!a1>) {
      %0 = qc.quantize %x : tensor<2x3xf32> -> tensor<2x3x!a0>
      %1 = qc.dequantize %0 : tensor<2x3x!a0> -> tensor<2x3xf32>
      %2 = qc.quantize %x : tensor<2x3xf32> -> tensor<2x3x!a1>
      return %0, %1, %2 : tensor<2x3x!a0>, tensor<2x3xf32>, tensor<2x3x!a1>
    })";
  SmallVector<Tensor> r =
      run(ir, {f32({2, 3}, {1.4f, 2.5f, -3.5f, 1, 1.25f, -1})});
  ASSERT_EQ(r.size(), 3u);
  // Row 0: scale 1, zp 0; row 1: x / 0.5 + 10.
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({1, 2, -4, 12, 12, 8}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {1, 2, -4, 1, 1, -1}));
  // Column scales 1, 0.5, 2 with zero points 0, 10, -1.
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({1, 15, -3, 1, 12, -1}));
}

TEST_F(EvalQuant, SubChannelBlockwise) {
  // Blocks of 1 x 2: a 2x2 grid of scales and zero points.
  const char *ir = R"(
    !b = !quant.uniform<i8:f32:{0:1, 1:2}, {{1.0:0, 2.0:1}, {0.5:0, 4.0:-1}}>
    func.func @f(%q: tensor<2x4x!b>, %x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4x!b>) {
      %0 = qc.dequantize %q : tensor<2x4x!b> -> tensor<2x4xf32>
      %1 = qc.quantize %x : tensor<2x4xf32> -> tensor<2x4x!b>
      return %0, %1 : tensor<2x4xf32>, tensor<2x4x!b>
    })";
  OwningOpRef<ModuleOp> module = parse(ir);
  ASSERT_TRUE(module);
  Type qType =
      cast<RankedTensorType>(
          (*module->getOps<func::FuncOp>().begin()).getArgumentTypes()[0])
          .getElementType();
  SmallVector<Tensor> r =
      run(ir, {ints(qType, {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8}),
               f32({2, 4}, {1, 2, 4, 6, 2.5f, 3, 32, 36})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {1, 2, 4, 6, 2.5f, 3, 32, 36}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST_F(EvalQuant, SubChannelAlongTwoDimensionsAndUnsignedZeroPoints) {
  // 4x4 in 2x2 blocks; u8 storage with zero point 200.
  const char *ir = R"(
    !b = !quant.uniform<u8:f32:{0:2, 1:2}, {{1.0:200, 2.0:0}, {4.0:10, 8.0:20}}>
    func.func @f(%q: tensor<4x4x!b>) -> tensor<4x4xf32> {
      %0 = qc.dequantize %q : tensor<4x4x!b> -> tensor<4x4xf32>
      return %0 : tensor<4x4xf32>
    })";
  OwningOpRef<ModuleOp> module = parse(ir);
  ASSERT_TRUE(module);
  Type qType =
      cast<RankedTensorType>(
          (*module->getOps<func::FuncOp>().begin()).getArgumentTypes()[0])
          .getElementType();
  std::vector<int64_t> q(16, 201);
  EXPECT_TRUE(allClose(runF32(ir, {ints(qType, {4, 4}, q)}),
                       {1, 1, 402, 402, 1, 1, 402, 402, 764, 764, 1448, 1448,
                        764, 764, 1448, 1448}));
}

TEST_F(EvalQuant, Requantize) {
  const char *ir = R"(
    !a = !quant.uniform<i8:f32, 0.5:0>
    !b = !quant.uniform<i8:f32, 1.0:0>
    !c = !quant.uniform<u8:f32:0, {0.25:128, 2.0:0}>
    func.func @f(%q: tensor<2x2x!a>) -> (tensor<2x2x!b>, tensor<2x2x!c>) {
      %0 = qc.requantize %q : tensor<2x2x!a> -> tensor<2x2x!b>
      %1 = qc.requantize %q : tensor<2x2x!a> -> tensor<2x2x!c>
      return %0, %1 : tensor<2x2x!b>, tensor<2x2x!c>
    })";
  OwningOpRef<ModuleOp> module = parse(ir);
  ASSERT_TRUE(module);
  Type qType =
      cast<RankedTensorType>(
          (*module->getOps<func::FuncOp>().begin()).getArgumentTypes()[0])
          .getElementType();
  SmallVector<Tensor> r = run(ir, {ints(qType, {2, 2}, {1, 3, 5, -3})});
  ASSERT_EQ(r.size(), 2u);
  // 0.5, 1.5, 2.5, -1.5 round half to even.
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({0, 2, 2, -2}));
  // Row 0 / 0.25 + 128; row 1 / 2 (1.25 -> 1, -0.75 -> -1 -> clamped to 0).
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({130, 134, 1, 0}));
}

TEST_F(EvalQuant, StorageCastAndQuantizedDataMovement) {
  const char *ir = R"(
    !q = !quant.uniform<i8:f32, 2.0:0>
    func.func @f(%s: tensor<2x2xi8>) -> (tensor<2x2xf32>, tensor<2x2xi8>) {
      %0 = quant.scast %s : tensor<2x2xi8> to tensor<2x2x!q>
      %1 = qc.transpose %0 : (tensor<2x2x!q>) -> tensor<2x2x!q>
      %2 = qc.dequantize %1 : tensor<2x2x!q> -> tensor<2x2xf32>
      %3 = quant.scast %1 : tensor<2x2x!q> to tensor<2x2xi8>
      return %2, %3 : tensor<2x2xf32>, tensor<2x2xi8>
    })";
  SmallVector<Tensor> r = run(ir, {ints(intType(8), {2, 2}, {1, 2, 3, -4})});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {2, 6, 4, -8}));
  EXPECT_EQ(r[1].getInts(), ArrayRef<int64_t>({1, 3, 2, -4}));
  EXPECT_EQ(r[1].getElementType(), intType(8));
}

TEST_F(EvalQuant, StorageCastReinterpretsBits) {
  // A uint8 weight 152 is stored as the i8 bit pattern -104; unsigned storage
  // reads it back as 152, and the cast back to i8 gives -104 again.
  const char *ir = R"(
    !u = !quant.uniform<u8:f32, 0.5:128>
    !s = !quant.uniform<i8:f32, 0.5:0>
    func.func @f(%s: tensor<3xi8>) -> (tensor<3x!u>, tensor<3xf32>, tensor<3xi8>, tensor<3x!s>) {
      %0 = quant.scast %s : tensor<3xi8> to tensor<3x!u>
      %1 = qc.dequantize %0 : tensor<3x!u> -> tensor<3xf32>
      %2 = quant.scast %0 : tensor<3x!u> to tensor<3xi8>
      %3 = quant.scast %s : tensor<3xi8> to tensor<3x!s>
      return %0, %1, %2, %3 : tensor<3x!u>, tensor<3xf32>, tensor<3xi8>, tensor<3x!s>
    })";
  SmallVector<Tensor> r = run(ir, {ints(intType(8), {3}, {-104, 127, -1})});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({152, 127, 255}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {12, -0.5f, 63.5f}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({-104, 127, -1}));
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({-104, 127, -1}));
}

TEST_F(EvalQuant, StorageCastOfSubByteStorage) {
  // i4/i2 storage integers (sign-extended, as the importer writes them) read
  // as u4/u2 are zero-extended from 4/2 bits, as i4 sign-extended; and back.
  const char *ir = R"(
    !u4 = !quant.uniform<u4:f32, 1.0:8>
    !s4 = !quant.uniform<i4:f32, 1.0:0>
    !u2 = !quant.uniform<u2:f32, 1.0:0>
    !s2 = !quant.uniform<i2:f32, 1.0:0>
    func.func @f(%a: tensor<4xi4>, %b: tensor<4xi2>) -> (tensor<4x!u4>, tensor<4xf32>, tensor<4x!s4>, tensor<4xi4>, tensor<4x!u2>, tensor<4x!s2>, tensor<4xi2>) {
      %0 = quant.scast %a : tensor<4xi4> to tensor<4x!u4>
      %1 = qc.dequantize %0 : tensor<4x!u4> -> tensor<4xf32>
      %2 = quant.scast %a : tensor<4xi4> to tensor<4x!s4>
      %3 = quant.scast %0 : tensor<4x!u4> to tensor<4xi4>
      %4 = quant.scast %b : tensor<4xi2> to tensor<4x!u2>
      %5 = quant.scast %b : tensor<4xi2> to tensor<4x!s2>
      %6 = quant.scast %4 : tensor<4x!u2> to tensor<4xi2>
      return %0, %1, %2, %3, %4, %5, %6 : tensor<4x!u4>, tensor<4xf32>, tensor<4x!s4>, tensor<4xi4>, tensor<4x!u2>, tensor<4x!s2>, tensor<4xi2>
    })";
  SmallVector<Tensor> r = run(ir, {ints(intType(4), {4}, {-1, -8, 7, 0}),
                                   ints(intType(2), {4}, {-1, -2, 1, 0})});
  ASSERT_EQ(r.size(), 7u);
  EXPECT_EQ(r[0].getInts(), ArrayRef<int64_t>({15, 8, 7, 0}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {7, 0, -1, -8}));
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({-1, -8, 7, 0}));
  EXPECT_EQ(r[3].getInts(), ArrayRef<int64_t>({-1, -8, 7, 0}));
  EXPECT_EQ(r[4].getInts(), ArrayRef<int64_t>({3, 2, 1, 0}));
  EXPECT_EQ(r[5].getInts(), ArrayRef<int64_t>({-1, -2, 1, 0}));
  EXPECT_EQ(r[6].getInts(), ArrayRef<int64_t>({-1, -2, 1, 0}));
}

TEST_F(EvalQuant, SubChannelUnsignedZeroPointsAreZeroExtended) {
  // Upstream prints the zero points of unsigned sub-channel types as signed
  // numbers: u4 zero point 12 is `:-4`, u8 zero point 200 is `:-56`. They
  // must read back as 12 and 200.
  const char *ir = R"(
    !u4 = !quant.uniform<u4:f32:{1:2}, {{1.0:-4, 2.0:-1}}>
    !u8 = !quant.uniform<u8:f32:{1:2}, {{1.0:-56, 1.0:3}}>
    func.func @f(%a: tensor<1x4x!u4>, %b: tensor<1x4x!u8>, %x: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4x!u4>) {
      %0 = qc.dequantize %a : tensor<1x4x!u4> -> tensor<1x4xf32>
      %1 = qc.dequantize %b : tensor<1x4x!u8> -> tensor<1x4xf32>
      %2 = qc.quantize %x : tensor<1x4xf32> -> tensor<1x4x!u4>
      return %0, %1, %2 : tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4x!u4>
    })";
  OwningOpRef<ModuleOp> module = parse(ir);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  auto elem = [&](unsigned i) {
    return cast<RankedTensorType>(func.getArgumentTypes()[i]).getElementType();
  };
  SmallVector<Tensor> r = run(ir, {ints(elem(0), {1, 4}, {12, 13, 15, 0}),
                                   ints(elem(1), {1, 4}, {200, 255, 3, 0}),
                                   f32({1, 4}, {0, -3, 0, 2})});
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {0, 1, 0, -30}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {0, 55, 0, -3}));
  // x / scale + zp, clamped to [0, 15]: 12, 9, 15, 15.
  EXPECT_EQ(r[2].getInts(), ArrayRef<int64_t>({12, 9, 15, 15}));
}

TEST_F(EvalQuant, Hadamard) {
  const char *ir = R"(
    func.func @f(%x: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
      %0 = qc.hadamard %x : tensor<2x4xf32>
      %1 = qc.hadamard %x {block_size = 2 : i64} : tensor<2x4xf32>
      return %0, %1 : tensor<2x4xf32>, tensor<2x4xf32>
    })";
  SmallVector<Tensor> r = run(ir, {f32({2, 4}, {1, 0, 0, 0, 1, 2, 3, 4})});
  ASSERT_EQ(r.size(), 2u);
  // H4 / 2 with rows [1 1 1 1], [1 -1 1 -1], [1 1 -1 -1], [1 -1 -1 1].
  EXPECT_TRUE(
      allClose(r[0].getFloats(), {0.5f, 0.5f, 0.5f, 0.5f, 5, -1, -2, 0}));
  float s = 1.0f / std::sqrt(2.0f);
  EXPECT_TRUE(allClose(r[1].getFloats(), {s, s, 0, 0, 3 * s, -s, 7 * s, -s}));
}

TEST_F(EvalQuant, HadamardIsItsOwnInverse) {
  const char *ir = R"(
    func.func @f(%x: tensor<3x64xf32>) -> (tensor<3x64xf32>, tensor<3x64xf32>) {
      %0 = qc.hadamard %x {block_size = 32 : i64} : tensor<3x64xf32>
      %1 = qc.hadamard %0 {block_size = 32 : i64} : tensor<3x64xf32>
      return %0, %1 : tensor<3x64xf32>, tensor<3x64xf32>
    })";
  std::vector<float> x = randomFloats(192, 3);
  SmallVector<Tensor> r = run(ir, {f32({3, 64}, x)});
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(allClose(r[1].getFloats(), x, 1e-6f, 1e-5f));
  // The rotation is orthogonal: it keeps each block's norm.
  for (int b = 0; b < 6; ++b) {
    double n0 = 0, n1 = 0;
    for (int i = 0; i < 32; ++i) {
      n0 += x[b * 32 + i] * x[b * 32 + i];
      n1 += r[0].getFloats()[b * 32 + i] * r[0].getFloats()[b * 32 + i];
    }
    EXPECT_NEAR(n0, n1, 1e-4);
  }
}

} // namespace

// Bad options and shapes the blocks cannot split are errors, naming the
// layer where there is one.
// RUN: rm -rf %t && split-file %s %t
// RUN: quant-opt %t/bits.mlir -qc-fake-quantize-activations="bits=1" -verify-diagnostics
// RUN: quant-opt %t/bits17.mlir -qc-fake-quantize-activations="bits=17" -verify-diagnostics
// RUN: quant-opt %t/negative.mlir -qc-fake-quantize-activations="block-size=-4" -verify-diagnostics
// RUN: quant-opt %t/divide.mlir -qc-fake-quantize-activations="block-size=32 remarks=false" -verify-diagnostics
// RUN: quant-opt %t/divide.mlir -qc-fake-quantize-activations="block-size=32 block-fallback=true" 2>&1 | FileCheck %s --check-prefix=FALLBACK

//--- bits.mlir
// expected-error @below {{qc-fake-quantize-activations: expected bits in [2, 16], found 1}}
func.func @f(%x: tensor<2x32xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.5> : tensor<32x4xf32>
  %y = qc.matmul %x, %w : (tensor<2x32xf32>, tensor<32x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

//--- bits17.mlir
// expected-error @below {{qc-fake-quantize-activations: expected bits in [2, 16], found 17}}
func.func @f(%x: tensor<2x32xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.5> : tensor<32x4xf32>
  %y = qc.matmul %x, %w : (tensor<2x32xf32>, tensor<32x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

//--- negative.mlir
// expected-error @below {{qc-fake-quantize-activations: expected block-size >= 0 (0: one scale per row), found -4}}
func.func @f(%x: tensor<2x32xf32>) -> tensor<2x4xf32> {
  %w = arith.constant dense<0.5> : tensor<32x4xf32>
  %y = qc.matmul %x, %w : (tensor<2x32xf32>, tensor<32x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

//--- divide.mlir
// Every layer is checked before anything changes: the matmul that could
// be split is left as it was. With block-fallback the convolution's 48
// channels get one scale per pixel instead, and the matmul keeps blocks.
// FALLBACK: remark: qc-fake-quantize-activations: 4-bit, 2 blocks of 32 along dimension 1, read by 1 layer{{$}}
// FALLBACK: remark: qc-fake-quantize-activations: 4-bit, 1 block of 48 along dimension 1, read by 1 layer (block-fallback: block-size does not divide it)
// FALLBACK: qc.reshape %{{.*}} : (tensor<2x64xf32>) -> tensor<2x2x32xf32>
// FALLBACK: qc.matmul
// FALLBACK: qc.reduce_max %{{.*}} {axes = array<i64: 1>} : (tensor<1x48x4x4xf32>) -> tensor<1x1x4x4xf32>
// FALLBACK: qc.conv
func.func @f(%x: tensor<2x64xf32>, %c: tensor<1x48x4x4xf32>) -> (tensor<2x4xf32>, tensor<1x2x4x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<64x4xf32>
  %y = qc.matmul %x, %w : (tensor<2x64xf32>, tensor<64x4xf32>) -> tensor<2x4xf32>
  %k = arith.constant dense<0.5> : tensor<2x48x1x1xf32>
  // expected-error @below {{qc-fake-quantize-activations: block-size 32 does not divide the 48 input channels (dimension 1 of 'tensor<1x48x4x4xf32>'); choose a divisor, 0 for one scale per row, or block-fallback=true for one scale per row where it does not divide}}
  %z = qc.conv %c, %k : (tensor<1x48x4x4xf32>, tensor<2x48x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %y, %z : tensor<2x4xf32>, tensor<1x2x4x4xf32>
}

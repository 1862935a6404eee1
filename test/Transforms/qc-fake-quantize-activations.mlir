// RUN: quant-opt %s -split-input-file -qc-fake-quantize-activations="remarks=false" | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-fake-quantize-activations="bits=8 block-size=0 remarks=false" | FileCheck %s --check-prefix=ROW
// RUN: quant-opt %s -split-input-file -qc-fake-quantize-activations -verify-diagnostics -o /dev/null

// The input of a matmul with a constant weight: blocks of 32 of its 64
// channels (the last dimension), 4 bits, qmax 7.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:    %[[X:.*]]: tensor<1x16x64xf32>
// CHECK:         %[[B:.*]] = qc.reshape %[[X]] : (tensor<1x16x64xf32>) -> tensor<1x16x2x32xf32>
// CHECK-NEXT:    %[[A:.*]] = qc.abs %[[B]] : tensor<1x16x2x32xf32>
// CHECK-NEXT:    %[[M:.*]] = qc.reduce_max %[[A]] {axes = array<i64: 3>} : (tensor<1x16x2x32xf32>) -> tensor<1x16x2x1xf32>
// CHECK-NEXT:    %[[QMAX:.*]] = arith.constant dense<7.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[S0:.*]] = qc.div %[[M]], %[[QMAX]]
// CHECK-NEXT:    %[[TINY:.*]] = arith.constant dense<1.17549435E-38> : tensor<f32>
// CHECK-NEXT:    %[[S:.*]] = qc.max %[[S0]], %[[TINY]]
// CHECK-NEXT:    %[[D:.*]] = qc.div %[[B]], %[[S]] : (tensor<1x16x2x32xf32>, tensor<1x16x2x1xf32>) -> tensor<1x16x2x32xf32>
// CHECK-NEXT:    %[[R:.*]] = qc.round %[[D]] : tensor<1x16x2x32xf32>
// CHECK-NEXT:    %[[Q:.*]] = qc.mul %[[R]], %[[S]] : (tensor<1x16x2x32xf32>, tensor<1x16x2x1xf32>) -> tensor<1x16x2x32xf32>
// CHECK-NEXT:    %[[X2:.*]] = qc.reshape %[[Q]] : (tensor<1x16x2x32xf32>) -> tensor<1x16x64xf32>
// CHECK:         qc.matmul %[[X2]], %{{.*}} : (tensor<1x16x64xf32>, tensor<64x8xf32>)
// One scale per row: no reshape, the reduction runs over the channels.
// ROW-LABEL: func.func @matmul(
// ROW-NOT:     qc.reshape
// ROW:         qc.reduce_max %{{.*}} {axes = array<i64: 2>} : (tensor<1x16x64xf32>) -> tensor<1x16x1xf32>
// ROW-NEXT:    arith.constant dense<1.270000e+02> : tensor<f32>
// ROW-NOT:     qc.reshape
// ROW:         qc.matmul
func.func @matmul(%x: tensor<1x16x64xf32> {onnx.name = "x"}) -> tensor<1x16x8xf32> {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  // expected-remark @below {{qc-fake-quantize-activations: 4-bit, 2 blocks of 32 along dimension 2, read by 1 layer}}
  %y = qc.matmul %x, %w : (tensor<1x16x64xf32>, tensor<64x8xf32>) -> tensor<1x16x8xf32>
  return %y : tensor<1x16x8xf32>
}

// -----

// A value read by two layers is rounded once; an activation x activation
// product is not a layer with weights and keeps its f32 operands.
// CHECK-LABEL: func.func @shared(
// CHECK-COUNT-1: qc.round
// CHECK-NOT:     qc.round
// CHECK:         %[[X2:.*]] = qc.reshape %{{.*}} : (tensor<4x2x32xf32>) -> tensor<4x64xf32>
// CHECK:         qc.matmul %[[X2]], %{{.*}} : (tensor<4x64xf32>, tensor<64x8xf32>)
// CHECK:         qc.matmul %[[X2]], %{{.*}} : (tensor<4x64xf32>, tensor<64x4xf32>)
// CHECK:         qc.matmul %arg0, %arg1 : (tensor<4x64xf32>, tensor<64x4xf32>)
func.func @shared(%x: tensor<4x64xf32>, %v: tensor<64x4xf32>) -> (tensor<4x8xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %w1 = arith.constant dense<0.5> : tensor<64x8xf32>
  %w2 = arith.constant dense<0.25> : tensor<64x4xf32>
  // expected-remark @below {{qc-fake-quantize-activations: 4-bit, 2 blocks of 32 along dimension 1, read by 2 layers}}
  %a = qc.matmul %x, %w1 : (tensor<4x64xf32>, tensor<64x8xf32>) -> tensor<4x8xf32>
  %b = qc.matmul %x, %w2 : (tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<4x4xf32>
  %c = qc.matmul %x, %v : (tensor<4x64xf32>, tensor<64x4xf32>) -> tensor<4x4xf32>
  return %a, %b, %c : tensor<4x8xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// Gemm with transA reduces over dimension 0 of `a`; a convolution over its
// channels (dimension 1); a depthwise convolution is left alone.
// CHECK-LABEL: func.func @gemm_conv(
// CHECK:         qc.reshape %arg0 : (tensor<64x3xf32>) -> tensor<2x32x3xf32>
// CHECK:         qc.reduce_max %{{.*}} {axes = array<i64: 1>} : (tensor<2x32x3xf32>) -> tensor<2x1x3xf32>
// CHECK:         qc.gemm
// CHECK:         qc.reshape %arg1 : (tensor<1x64x5x5xf32>) -> tensor<1x2x32x5x5xf32>
// CHECK:         qc.reduce_max %{{.*}} {axes = array<i64: 2>} : (tensor<1x2x32x5x5xf32>) -> tensor<1x2x1x5x5xf32>
// CHECK:         %[[C2:.*]] = qc.reshape %{{.*}} : (tensor<1x2x32x5x5xf32>) -> tensor<1x64x5x5xf32>
// CHECK:         qc.conv %[[C2]]
// CHECK:         qc.conv %arg1
// CHECK-SAME:    group = 64
func.func @gemm_conv(%a: tensor<64x3xf32>, %c: tensor<1x64x5x5xf32>) -> (tensor<3x4xf32>, tensor<1x4x5x5xf32>, tensor<1x64x5x5xf32>) {
  %b = arith.constant dense<0.5> : tensor<64x4xf32>
  // expected-remark @below {{qc-fake-quantize-activations: 4-bit, 2 blocks of 32 along dimension 0, read by 1 layer}}
  %g = qc.gemm %a, %b {trans_a = true} : (tensor<64x3xf32>, tensor<64x4xf32>) -> tensor<3x4xf32>
  %w = arith.constant dense<0.5> : tensor<4x64x1x1xf32>
  // expected-remark @below {{qc-fake-quantize-activations: 4-bit, 2 blocks of 32 along dimension 1, read by 1 layer}}
  %y = qc.conv %c, %w : (tensor<1x64x5x5xf32>, tensor<4x64x1x1xf32>) -> tensor<1x4x5x5xf32>
  %dw = arith.constant dense<0.5> : tensor<64x1x3x3xf32>
  %z = qc.conv %c, %dw {group = 64 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x64x5x5xf32>, tensor<64x1x3x3xf32>) -> tensor<1x64x5x5xf32>
  return %g, %y, %z : tensor<3x4xf32>, tensor<1x4x5x5xf32>, tensor<1x64x5x5xf32>
}

// -----

// Weights qc-quantize has quantized count as constant weights; an input it
// has quantized (u8 per tensor) is left alone.
// CHECK-LABEL: func.func @quantized(
// CHECK:         %[[W:.*]] = qc.dequantize %{{.*}} : tensor<32x4x!quant.uniform
// CHECK-NOT:     qc.reshape
// CHECK:         qc.reduce_max %{{.*}} {axes = array<i64: 1>} : (tensor<2x32xf32>) -> tensor<2x1xf32>
// CHECK:         %[[X2:.*]] = qc.mul
// CHECK-NEXT:    qc.matmul %[[X2]], %[[W]]
// CHECK:         %[[D:.*]] = qc.dequantize %{{.*}} : tensor<2x32x!quant.uniform
// CHECK-NEXT:    qc.matmul %[[D]], %[[W]]
func.func @quantized(%x: tensor<2x32xf32>, %u: tensor<2x32xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %c = arith.constant dense<3> : tensor<32x4xi8>
  %s = quant.scast %c : tensor<32x4xi8> to tensor<32x4x!quant.uniform<i8:f32, 0.5>>
  %w = qc.dequantize %s : tensor<32x4x!quant.uniform<i8:f32, 0.5>> -> tensor<32x4xf32>
  // expected-remark @below {{qc-fake-quantize-activations: 4-bit, 1 block of 32 along dimension 1, read by 1 layer}}
  %y = qc.matmul %x, %w : (tensor<2x32xf32>, tensor<32x4xf32>) -> tensor<2x4xf32>
  %q = qc.quantize %u : tensor<2x32xf32> -> tensor<2x32x!quant.uniform<u8:f32, 0.1:128>>
  %d = qc.dequantize %q : tensor<2x32x!quant.uniform<u8:f32, 0.1:128>> -> tensor<2x32xf32>
  // expected-remark @below {{qc-fake-quantize-activations: input left alone: it is already quantized (qc.dequantize)}}
  %z = qc.matmul %d, %w : (tensor<2x32xf32>, tensor<32x4xf32>) -> tensor<2x4xf32>
  return %y, %z : tensor<2x4xf32>, tensor<2x4xf32>
}


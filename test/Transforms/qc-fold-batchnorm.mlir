// RUN: quant-opt %s -qc-fold-batchnorm -split-input-file | FileCheck %s

// w' = w * scale / sqrt(var + eps) = 1.5 * 4 / sqrt(4) = 3.0 (0x40400000)
// b' = (b - mean) * s + bias = (1 - 0.5) * 2 + 0.25 = 1.25 (0x3FA00000)
// CHECK-LABEL: func.func @fold_into_conv_with_bias(
// CHECK-SAME:    %[[X:.*]]: tensor<1x1x4x4xf32>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense_resource<bn_folded_weight> : tensor<1x1x1x1xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense_resource<bn_folded_bias> : tensor<1xf32>
// CHECK:         %[[Y:.*]] = qc.conv %[[X]], %[[W]], %[[B]] {strides = array<i64: 2, 2>}
// CHECK-SAME:      -> tensor<1x1x2x2xf32>
// CHECK-NOT:     qc.batch_normalization
// CHECK:         return %[[Y]]
// CHECK:         bn_folded_weight: "0x0800000000004040"
// CHECK:         bn_folded_bias: "0x080000000000A03F"
func.func @fold_into_conv_with_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  %w = arith.constant dense<1.5> : tensor<1x1x1x1xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %scale = arith.constant dense<4.0> : tensor<1xf32>
  %shift = arith.constant dense<0.25> : tensor<1xf32>
  %mean = arith.constant dense<0.5> : tensor<1xf32>
  %var = arith.constant dense<4.0> : tensor<1xf32>
  %c = qc.conv %x, %w, %b {strides = array<i64: 2, 2>} : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  %y = qc.batch_normalization %c, %scale, %shift, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x1x2x2xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

// Without a conv bias the folded bias is shift - mean * s, per channel:
// s = [1, 0.5]; w' = [2 * 1, 4 * 0.5] = [2, 2]; b' = [0 - 1 * 1, 1 - 2 * 0.5] = [-1, 0].
// CHECK-LABEL: func.func @fold_into_conv_without_bias(
// CHECK:         qc.conv %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
// CHECK-NOT:     qc.batch_normalization
// CHECK:         bn_folded_weight: "0x080000000000004000000040"
// CHECK:         bn_folded_bias: "0x08000000000080BF00000000"
func.func @fold_into_conv_without_bias(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %w = arith.constant dense<[[[[2.0]]], [[[4.0]]]]> : tensor<2x1x1x1xf32>
  %scale = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %shift = arith.constant dense<[0.0, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[1.0, 16.0]> : tensor<2xf32>
  %c = qc.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x3x3xf32>
  %y = qc.batch_normalization %c, %scale, %shift, %mean, %var {epsilon = 0.0 : f32} : (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// The conv result has another user: folding would change it.
// CHECK-LABEL: func.func @conv_with_two_users(
// CHECK:         qc.conv
// CHECK:         qc.batch_normalization
func.func @conv_with_two_users(%x: tensor<1x1x3x3xf32>) -> (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) {
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = qc.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %y = qc.batch_normalization %c, %p, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %c, %y : tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>
}

// -----

// Weights that are not constants cannot be folded.
// CHECK-LABEL: func.func @weights_not_constant(
// CHECK:         qc.batch_normalization
func.func @weights_not_constant(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32> {
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = qc.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %y = qc.batch_normalization %c, %p, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// Statistics that are not constants cannot be folded either.
// CHECK-LABEL: func.func @statistics_not_constant(
// CHECK:         qc.batch_normalization
func.func @statistics_not_constant(%x: tensor<1x1x3x3xf32>, %mean: tensor<1xf32>) -> tensor<1x1x3x3xf32> {
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %c = qc.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %y = qc.batch_normalization %c, %p, %p, %mean, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// A batch normalisation after something other than a conv stays.
// CHECK-LABEL: func.func @not_after_conv(
// CHECK:         qc.batch_normalization
func.func @not_after_conv(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %p = arith.constant dense<1.0> : tensor<1xf32>
  %r = qc.relu %x : tensor<1x1x3x3xf32>
  %y = qc.batch_normalization %r, %p, %p, %p, %p : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

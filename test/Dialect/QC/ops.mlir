// RUN: quant-opt %s | FileCheck %s
// The printed form and the generic form parse back to the same IR.
// RUN: quant-opt %s | quant-opt | FileCheck %s
// RUN: quant-opt %s --mlir-print-op-generic | quant-opt | FileCheck %s

// Round trip of every qc op: default attribute values are elided, result
// types are checked against inference on parse.

// CHECK-LABEL: func.func @unary(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<2x3xf32>, %[[ARG1:.*]]: tensor<2x3xi32>) -> tensor<2x3xf32> {
// CHECK:         %[[V0:.*]] = qc.relu %[[ARG0]] : tensor<2x3xf32>
// CHECK:         %[[V1:.*]] = qc.sigmoid %[[V0]] : tensor<2x3xf32>
// CHECK:         %[[V2:.*]] = qc.tanh %[[V1]] : tensor<2x3xf32>
// CHECK:         %[[V3:.*]] = qc.exp %[[V2]] : tensor<2x3xf32>
// CHECK:         %[[V4:.*]] = qc.log %[[V3]] : tensor<2x3xf32>
// CHECK:         %[[V5:.*]] = qc.sqrt %[[V4]] : tensor<2x3xf32>
// CHECK:         %[[V6:.*]] = qc.erf %[[V5]] : tensor<2x3xf32>
// CHECK:         %[[V7:.*]] = qc.reciprocal %[[V6]] : tensor<2x3xf32>
// CHECK:         %[[V8:.*]] = qc.floor %[[V7]] : tensor<2x3xf32>
// CHECK:         %[[V9:.*]] = qc.ceil %[[V8]] : tensor<2x3xf32>
// CHECK:         %[[V10:.*]] = qc.round %[[V9]] : tensor<2x3xf32>
// CHECK:         %[[V11:.*]] = qc.sin %[[V10]] : tensor<2x3xf32>
// CHECK:         %[[V12:.*]] = qc.cos %[[V11]] : tensor<2x3xf32>
// CHECK:         %[[V13:.*]] = qc.softplus %[[V12]] : tensor<2x3xf32>
// CHECK:         %[[V14:.*]] = qc.softsign %[[V13]] : tensor<2x3xf32>
// CHECK:         %[[V15:.*]] = qc.hard_swish %[[V14]] : tensor<2x3xf32>
// CHECK:         %[[V16:.*]] = qc.neg %[[V15]] : tensor<2x3xf32>
// CHECK:         %[[V17:.*]] = qc.abs %[[V16]] : tensor<2x3xf32>
// CHECK:         %[[V18:.*]] = qc.identity %[[V17]] : tensor<2x3xf32>
// CHECK:         %[[V19:.*]] = qc.neg %[[ARG1]] : tensor<2x3xi32>
// CHECK:         %[[V20:.*]] = qc.abs %[[V19]] : tensor<2x3xi32>
// CHECK:         return %[[V18]] : tensor<2x3xf32>
func.func @unary(%x: tensor<2x3xf32>, %i: tensor<2x3xi32>) -> tensor<2x3xf32> {
  %0 = qc.relu %x : tensor<2x3xf32>
  %1 = qc.sigmoid %0 : tensor<2x3xf32>
  %2 = qc.tanh %1 : tensor<2x3xf32>
  %3 = qc.exp %2 : tensor<2x3xf32>
  %4 = qc.log %3 : tensor<2x3xf32>
  %5 = qc.sqrt %4 : tensor<2x3xf32>
  %6 = qc.erf %5 : tensor<2x3xf32>
  %7 = qc.reciprocal %6 : tensor<2x3xf32>
  %8 = qc.floor %7 : tensor<2x3xf32>
  %9 = qc.ceil %8 : tensor<2x3xf32>
  %10 = qc.round %9 : tensor<2x3xf32>
  %11 = qc.sin %10 : tensor<2x3xf32>
  %12 = qc.cos %11 : tensor<2x3xf32>
  %13 = qc.softplus %12 : tensor<2x3xf32>
  %14 = qc.softsign %13 : tensor<2x3xf32>
  %15 = qc.hard_swish %14 : tensor<2x3xf32>
  %16 = qc.neg %15 : tensor<2x3xf32>
  %17 = qc.abs %16 : tensor<2x3xf32>
  %18 = qc.identity %17 : tensor<2x3xf32>
  %19 = qc.neg %i : tensor<2x3xi32>
  %20 = qc.abs %19 : tensor<2x3xi32>
  return %18 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @unary_with_attributes(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<2x3xf32>) -> tensor<2x3xf32> {
// CHECK:         %[[V0:.*]] = qc.leaky_relu %[[ARG0]] {alpha = 1.000000e-01 : f32} : tensor<2x3xf32>
// CHECK:         %[[V1:.*]] = qc.elu %[[V0]] : tensor<2x3xf32>
// CHECK:         %[[V2:.*]] = qc.hard_sigmoid %[[V1]] {alpha = 0.166666672 : f32} : tensor<2x3xf32>
// CHECK:         %[[V3:.*]] = qc.clip %[[V2]] {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x3xf32>
// CHECK:         %[[V4:.*]] = qc.clip %[[V3]] {min = -1.000000e+00 : f32} : tensor<2x3xf32>
// CHECK:         %[[V5:.*]] = qc.gelu %[[V4]] : tensor<2x3xf32>
// CHECK:         %[[V6:.*]] = qc.gelu %[[V5]] {approximate = #qc<gelu_approximation tanh>} : tensor<2x3xf32>
// CHECK:         return %[[V6]] : tensor<2x3xf32>
func.func @unary_with_attributes(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qc.leaky_relu %x {alpha = 1.000000e-01 : f32} : tensor<2x3xf32>
  %1 = qc.elu %0 : tensor<2x3xf32>
  %2 = qc.hard_sigmoid %1 {alpha = 0.166666672 : f32, beta = 5.000000e-01 : f32} : tensor<2x3xf32>
  %3 = qc.clip %2 {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x3xf32>
  %4 = qc.clip %3 {min = -1.000000e+00 : f32} : tensor<2x3xf32>
  %5 = qc.gelu %4 : tensor<2x3xf32>
  %6 = qc.gelu %5 {approximate = #qc<gelu_approximation tanh>} : tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @binary(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<2x1x4xf32>, %[[ARG1:.*]]: tensor<3x1xf32>, %[[ARG2:.*]]: tensor<4xi64>, %[[ARG3:.*]]: tensor<2x4xi64>) -> tensor<2x3x4xf32> {
// CHECK:         %[[V0:.*]] = qc.add %[[ARG0]], %[[ARG1]] : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V1:.*]] = qc.sub %[[V0]], %[[ARG1]] : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V2:.*]] = qc.mul %[[V1]], %[[ARG0]] : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V3:.*]] = qc.div %[[V2]], %[[ARG0]] : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V4:.*]] = qc.pow %[[V3]], %[[ARG1]] : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V5:.*]] = qc.max %[[V4]], %[[ARG0]] : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V6:.*]] = qc.min %[[V5]], %[[ARG0]] : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V7:.*]] = qc.add %[[ARG2]], %[[ARG3]] : (tensor<4xi64>, tensor<2x4xi64>) -> tensor<2x4xi64>
// CHECK:         return %[[V6]] : tensor<2x3x4xf32>
func.func @binary(%a: tensor<2x1x4xf32>, %b: tensor<3x1xf32>, %i: tensor<4xi64>, %j: tensor<2x4xi64>) -> tensor<2x3x4xf32> {
  %0 = qc.add %a, %b : (tensor<2x1x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %1 = qc.sub %0, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %2 = qc.mul %1, %a : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %3 = qc.div %2, %a : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %4 = qc.pow %3, %b : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  %5 = qc.max %4, %a : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %6 = qc.min %5, %a : (tensor<2x3x4xf32>, tensor<2x1x4xf32>) -> tensor<2x3x4xf32>
  %7 = qc.add %i, %j : (tensor<4xi64>, tensor<2x4xi64>) -> tensor<2x4xi64>
  return %6 : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @prelu(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x8x4x4xf32>, %[[ARG1:.*]]: tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32> {
// CHECK:         %[[V0:.*]] = qc.prelu %[[ARG0]], %[[ARG1]] : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
// CHECK:         return %[[V0]] : tensor<1x8x4x4xf32>
func.func @prelu(%x: tensor<1x8x4x4xf32>, %slope: tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32> {
  %0 = qc.prelu %x, %slope : (tensor<1x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func.func @conv(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x3x640x640xf32>, %[[ARG1:.*]]: tensor<8x3x3x3xf32>, %[[ARG2:.*]]: tensor<8xf32>, %[[ARG3:.*]]: tensor<8x1x3x3xf32>) -> tensor<1x8x320x320xf32> {
// CHECK:         %[[V0:.*]] = qc.conv %[[ARG0]], %[[ARG1]], %[[ARG2]] {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x640x640xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x320x320xf32>
// CHECK:         %[[V1:.*]] = qc.conv %[[V0]], %[[ARG3]] {dilations = array<i64: 2, 2>, group = 8 : i64, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x8x320x320xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x320x320xf32>
// CHECK:         return %[[V1]] : tensor<1x8x320x320xf32>
func.func @conv(%x: tensor<1x3x640x640xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>, %dw: tensor<8x1x3x3xf32>) -> tensor<1x8x320x320xf32> {
  %0 = qc.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x640x640xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x320x320xf32>
  %1 = qc.conv %0, %dw {dilations = array<i64: 2, 2>, group = 8 : i64, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x8x320x320xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x320x320xf32>
  return %1 : tensor<1x8x320x320xf32>
}

// CHECK-LABEL: func.func @conv1d(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x4x10xf32>, %[[ARG1:.*]]: tensor<6x4x3xf32>) -> tensor<1x6x8xf32> {
// CHECK:         %[[V0:.*]] = qc.conv %[[ARG0]], %[[ARG1]] : (tensor<1x4x10xf32>, tensor<6x4x3xf32>) -> tensor<1x6x8xf32>
// CHECK:         return %[[V0]] : tensor<1x6x8xf32>
func.func @conv1d(%x: tensor<1x4x10xf32>, %w: tensor<6x4x3xf32>) -> tensor<1x6x8xf32> {
  %0 = qc.conv %x, %w : (tensor<1x4x10xf32>, tensor<6x4x3xf32>) -> tensor<1x6x8xf32>
  return %0 : tensor<1x6x8xf32>
}

// CHECK-LABEL: func.func @conv_transpose(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x8x10x10xf32>, %[[ARG1:.*]]: tensor<8x4x2x2xf32>, %[[ARG2:.*]]: tensor<4xf32>, %[[ARG3:.*]]: tensor<4x2x3x3xf32>) -> tensor<1x4x20x20xf32> {
// CHECK:         %[[V0:.*]] = qc.conv_transpose %[[ARG0]], %[[ARG1]], %[[ARG2]] {strides = array<i64: 2, 2>} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x20x20xf32>
// CHECK:         %[[V1:.*]] = qc.conv_transpose %[[V0]], %[[ARG3]] {group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x20x20xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x40x40xf32>
// CHECK:         return %[[V0]] : tensor<1x4x20x20xf32>
func.func @conv_transpose(%x: tensor<1x8x10x10xf32>, %w: tensor<8x4x2x2xf32>, %b: tensor<4xf32>, %w2: tensor<4x2x3x3xf32>) -> tensor<1x4x20x20xf32> {
  %0 = qc.conv_transpose %x, %w, %b {strides = array<i64: 2, 2>} : (tensor<1x8x10x10xf32>, tensor<8x4x2x2xf32>, tensor<4xf32>) -> tensor<1x4x20x20xf32>
  %1 = qc.conv_transpose %0, %w2 {group = 2 : i64, output_padding = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x20x20xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x40x40xf32>
  return %0 : tensor<1x4x20x20xf32>
}

// CHECK-LABEL: func.func @matmul(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<2x1x5x3xf32>, %[[ARG1:.*]]: tensor<4x3x7xf32>, %[[ARG2:.*]]: tensor<3xf32>, %[[ARG3:.*]]: tensor<3x7xf32>) -> tensor<2x4x5x7xf32> {
// CHECK:         %[[V0:.*]] = qc.matmul %[[ARG0]], %[[ARG1]] : (tensor<2x1x5x3xf32>, tensor<4x3x7xf32>) -> tensor<2x4x5x7xf32>
// CHECK:         %[[V1:.*]] = qc.matmul %[[ARG2]], %[[ARG3]] : (tensor<3xf32>, tensor<3x7xf32>) -> tensor<7xf32>
// CHECK:         %[[V2:.*]] = qc.matmul %[[ARG0]], %[[ARG2]] : (tensor<2x1x5x3xf32>, tensor<3xf32>) -> tensor<2x1x5xf32>
// CHECK:         %[[V3:.*]] = qc.matmul %[[ARG2]], %[[ARG2]] : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
// CHECK:         return %[[V0]] : tensor<2x4x5x7xf32>
func.func @matmul(%a: tensor<2x1x5x3xf32>, %b: tensor<4x3x7xf32>, %v: tensor<3xf32>, %m: tensor<3x7xf32>) -> tensor<2x4x5x7xf32> {
  %0 = qc.matmul %a, %b : (tensor<2x1x5x3xf32>, tensor<4x3x7xf32>) -> tensor<2x4x5x7xf32>
  %1 = qc.matmul %v, %m : (tensor<3xf32>, tensor<3x7xf32>) -> tensor<7xf32>
  %2 = qc.matmul %a, %v : (tensor<2x1x5x3xf32>, tensor<3xf32>) -> tensor<2x1x5xf32>
  %3 = qc.matmul %v, %v : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %0 : tensor<2x4x5x7xf32>
}

// CHECK-LABEL: func.func @gemm(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<5x3xf32>, %[[ARG1:.*]]: tensor<7x3xf32>, %[[ARG2:.*]]: tensor<7xf32>) -> tensor<5x7xf32> {
// CHECK:         %[[V0:.*]] = qc.gemm %[[ARG0]], %[[ARG1]], %[[ARG2]] {alpha = 5.000000e-01 : f32, trans_b = true} : (tensor<5x3xf32>, tensor<7x3xf32>, tensor<7xf32>) -> tensor<5x7xf32>
// CHECK:         %[[V1:.*]] = qc.gemm %[[ARG0]], %[[ARG0]] {trans_a = true} : (tensor<5x3xf32>, tensor<5x3xf32>) -> tensor<3x3xf32>
// CHECK:         return %[[V0]] : tensor<5x7xf32>
func.func @gemm(%a: tensor<5x3xf32>, %b: tensor<7x3xf32>, %c: tensor<7xf32>) -> tensor<5x7xf32> {
  %0 = qc.gemm %a, %b, %c {alpha = 5.000000e-01 : f32, trans_b = true} : (tensor<5x3xf32>, tensor<7x3xf32>, tensor<7xf32>) -> tensor<5x7xf32>
  %1 = qc.gemm %a, %a {trans_a = true} : (tensor<5x3xf32>, tensor<5x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<5x7xf32>
}

// CHECK-LABEL: func.func @normalization(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x4x8x8xf32>, %[[ARG1:.*]]: tensor<4xf32>, %[[ARG2:.*]]: tensor<2x16x32xf32>, %[[ARG3:.*]]: tensor<32xf32>) -> tensor<2x16x32xf32> {
// CHECK:         %[[V0:.*]] = qc.batch_normalization %[[ARG0]], %[[ARG1]], %[[ARG1]], %[[ARG1]], %[[ARG1]] {epsilon = 1.000000e-03 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
// CHECK:         %[[V1:.*]] = qc.layer_normalization %[[ARG2]], %[[ARG3]], %[[ARG3]] : (tensor<2x16x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
// CHECK:         %[[V2:.*]] = qc.layer_normalization %[[V1]], %[[ARG3]] {epsilon = 9.99999997E-7 : f32} : (tensor<2x16x32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
// CHECK:         %[[V3:.*]] = qc.softmax %[[V2]] : tensor<2x16x32xf32>
// CHECK:         %[[V4:.*]] = qc.log_softmax %[[V3]] {axis = 1 : i64} : tensor<2x16x32xf32>
// CHECK:         return %[[V4]] : tensor<2x16x32xf32>
func.func @normalization(%x: tensor<1x4x8x8xf32>, %c: tensor<4xf32>, %t: tensor<2x16x32xf32>, %g: tensor<32xf32>) -> tensor<2x16x32xf32> {
  %0 = qc.batch_normalization %x, %c, %c, %c, %c {epsilon = 1.000000e-03 : f32} : (tensor<1x4x8x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = qc.layer_normalization %t, %g, %g : (tensor<2x16x32xf32>, tensor<32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
  %2 = qc.layer_normalization %1, %g {axis = -1 : i64, epsilon = 9.99999997E-7 : f32} : (tensor<2x16x32xf32>, tensor<32xf32>) -> tensor<2x16x32xf32>
  %3 = qc.softmax %2 : tensor<2x16x32xf32>
  %4 = qc.log_softmax %3 {axis = 1 : i64} : tensor<2x16x32xf32>
  return %4 : tensor<2x16x32xf32>
}

// CHECK-LABEL: func.func @pooling(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x8x32x32xf32>) -> tensor<1x8x1x1xf32> {
// CHECK:         %[[V0:.*]] = qc.average_pool %[[ARG0]] {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
// CHECK:         %[[V1:.*]] = qc.average_pool %[[V0]] {ceil_mode = true, count_include_pad = true, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
// CHECK:         %[[V2:.*]] = qc.max_pool %[[V1]] {dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x6x6xf32>
// CHECK:         %[[V3:.*]] = qc.max_pool %[[V2]] {ceil_mode = true, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x8x6x6xf32>) -> tensor<1x8x3x3xf32>
// CHECK:         %[[V4:.*]] = qc.global_average_pool %[[V3]] : (tensor<1x8x3x3xf32>) -> tensor<1x8x1x1xf32>
// CHECK:         %[[V5:.*]] = qc.global_max_pool %[[V3]] : (tensor<1x8x3x3xf32>) -> tensor<1x8x1x1xf32>
// CHECK:         return %[[V4]] : tensor<1x8x1x1xf32>
func.func @pooling(%x: tensor<1x8x32x32xf32>) -> tensor<1x8x1x1xf32> {
  %0 = qc.average_pool %x {kernel_shape = array<i64: 3, 3>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x8x32x32xf32>) -> tensor<1x8x16x16xf32>
  %1 = qc.average_pool %0 {ceil_mode = true, count_include_pad = true, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x8x16x16xf32>) -> tensor<1x8x8x8xf32>
  %2 = qc.max_pool %1 {dilations = array<i64: 2, 2>, kernel_shape = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x8x6x6xf32>
  %3 = qc.max_pool %2 {ceil_mode = true, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x8x6x6xf32>) -> tensor<1x8x3x3xf32>
  %4 = qc.global_average_pool %3 : (tensor<1x8x3x3xf32>) -> tensor<1x8x1x1xf32>
  %5 = qc.global_max_pool %3 : (tensor<1x8x3x3xf32>) -> tensor<1x8x1x1xf32>
  return %4 : tensor<1x8x1x1xf32>
}

// CHECK-LABEL: func.func @reductions(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
// CHECK:         %[[V0:.*]] = qc.reduce_mean %[[ARG0]] {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
// CHECK:         %[[V1:.*]] = qc.reduce_sum %[[ARG0]] {axes = array<i64: -1, 0>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
// CHECK:         %[[V2:.*]] = qc.reduce_max %[[ARG0]] : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
// CHECK:         %[[V3:.*]] = qc.reduce_min %[[ARG0]] {keepdims = false} : (tensor<2x3x4xf32>) -> tensor<f32>
// CHECK:         %[[V4:.*]] = qc.reduce_prod %[[ARG0]] {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
// CHECK:         %[[V5:.*]] = qc.reduce_l1 %[[ARG0]] {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
// CHECK:         %[[V6:.*]] = qc.reduce_l2 %[[ARG0]] {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
// CHECK:         %[[V7:.*]] = qc.reduce_sum_square %[[ARG0]] {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
// CHECK:         %[[V8:.*]] = qc.argmax %[[ARG0]] {axis = 2 : i64, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x3xi64>
// CHECK:         %[[V9:.*]] = qc.argmin %[[ARG0]] {select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<1x3x4xi64>
// CHECK:         return %[[V0]] : tensor<2x1x4xf32>
func.func @reductions(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = qc.reduce_mean %x {axes = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  %1 = qc.reduce_sum %x {axes = array<i64: -1, 0>, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<3xf32>
  %2 = qc.reduce_max %x : (tensor<2x3x4xf32>) -> tensor<1x1x1xf32>
  %3 = qc.reduce_min %x {keepdims = false} : (tensor<2x3x4xf32>) -> tensor<f32>
  %4 = qc.reduce_prod %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %5 = qc.reduce_l1 %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %6 = qc.reduce_l2 %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %7 = qc.reduce_sum_square %x {axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x1xf32>
  %8 = qc.argmax %x {axis = 2 : i64, keepdims = false} : (tensor<2x3x4xf32>) -> tensor<2x3xi64>
  %9 = qc.argmin %x {select_last_index = true} : (tensor<2x3x4xf32>) -> tensor<1x3x4xi64>
  return %0 : tensor<2x1x4xf32>
}

// CHECK-LABEL: func.func @reshapes(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<2x1x3x4xf32>) -> tensor<2x12xf32> {
// CHECK:         %[[V0:.*]] = qc.reshape %[[ARG0]] : (tensor<2x1x3x4xf32>) -> tensor<6x4xf32>
// CHECK:         %[[V1:.*]] = qc.flatten %[[ARG0]] : (tensor<2x1x3x4xf32>) -> tensor<2x12xf32>
// CHECK:         %[[V2:.*]] = qc.flatten %[[ARG0]] {axis = -1 : i64} : (tensor<2x1x3x4xf32>) -> tensor<6x4xf32>
// CHECK:         %[[V3:.*]] = qc.flatten %[[ARG0]] {axis = 0 : i64} : (tensor<2x1x3x4xf32>) -> tensor<1x24xf32>
// CHECK:         %[[V4:.*]] = qc.squeeze %[[ARG0]] : (tensor<2x1x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V5:.*]] = qc.squeeze %[[ARG0]] {axes = array<i64: -3>} : (tensor<2x1x3x4xf32>) -> tensor<2x3x4xf32>
// CHECK:         %[[V6:.*]] = qc.unsqueeze %[[V4]] {axes = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<1x2x3x4x1xf32>
// CHECK:         return %[[V1]] : tensor<2x12xf32>
func.func @reshapes(%x: tensor<2x1x3x4xf32>) -> tensor<2x12xf32> {
  %0 = qc.reshape %x : (tensor<2x1x3x4xf32>) -> tensor<6x4xf32>
  %1 = qc.flatten %x : (tensor<2x1x3x4xf32>) -> tensor<2x12xf32>
  %2 = qc.flatten %x {axis = -1 : i64} : (tensor<2x1x3x4xf32>) -> tensor<6x4xf32>
  %3 = qc.flatten %x {axis = 0 : i64} : (tensor<2x1x3x4xf32>) -> tensor<1x24xf32>
  %4 = qc.squeeze %x : (tensor<2x1x3x4xf32>) -> tensor<2x3x4xf32>
  %5 = qc.squeeze %x {axes = array<i64: -3>} : (tensor<2x1x3x4xf32>) -> tensor<2x3x4xf32>
  %6 = qc.unsqueeze %4 {axes = array<i64: 0, -1>} : (tensor<2x3x4xf32>) -> tensor<1x2x3x4x1xf32>
  return %1 : tensor<2x12xf32>
}

// CHECK-LABEL: func.func @data_movement(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<2x3x4xf32>, %[[ARG1:.*]]: tensor<2x5x4xf32>, %[[ARG2:.*]]: tensor<2x2xi64>) -> tensor<2x8x4xf32> {
// CHECK:         %[[V0:.*]] = qc.transpose %[[ARG0]] {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
// CHECK:         %[[V1:.*]] = qc.transpose %[[ARG0]] : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
// CHECK:         %[[V2:.*]] = qc.concat %[[ARG0]], %[[ARG1]] {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
// CHECK:         %[[V3:.*]] = qc.split %[[V2]] {axis = -2 : i64, split = array<i64: 2, 2, 4>} : (tensor<2x8x4xf32>) -> (tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x4x4xf32>)
// CHECK:         %[[V4:.*]] = qc.slice %[[ARG0]] {axes = array<i64: 2>, ends = array<i64: 9223372036854775807>, starts = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x3x3xf32>
// CHECK:         %[[V5:.*]] = qc.slice %[[ARG0]] {axes = array<i64: 2>, ends = array<i64: -4>, starts = array<i64: -1>, steps = array<i64: -1>} : (tensor<2x3x4xf32>) -> tensor<2x3x3xf32>
// CHECK:         %[[V6:.*]] = qc.slice %[[ARG0]] {axes = array<i64: 1, 2>, ends = array<i64: 3, 4>, starts = array<i64: 0, 0>, steps = array<i64: 2, 3>} : (tensor<2x3x4xf32>) -> tensor<2x2x2xf32>
// CHECK:         %[[V7:.*]] = qc.gather %[[ARG0]], %[[ARG2]] {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2xi64>) -> tensor<2x2x2x4xf32>
// CHECK:         %[[V8:.*]] = qc.pad %[[ARG0]] {pads = array<i64: 0, 1, 2, 0, 1, 2>, value = 1.000000e+00 : f32} : (tensor<2x3x4xf32>) -> tensor<2x5x8xf32>
// CHECK:         %[[V9:.*]] = qc.pad %[[ARG0]] {mode = #qc<pad_mode reflect>, pads = array<i64: 0, 0, 2, 0, 0, 3>} : (tensor<2x3x4xf32>) -> tensor<2x3x9xf32>
// CHECK:         %[[V10:.*]] = qc.pad %[[ARG0]] {mode = #qc<pad_mode edge>, pads = array<i64: 0, -1, 0, 0, 0, 0>} : (tensor<2x3x4xf32>) -> tensor<2x2x4xf32>
// CHECK:         %[[V11:.*]] = qc.expand %[[ARG0]] : (tensor<2x3x4xf32>) -> tensor<5x2x3x4xf32>
// CHECK:         %[[V12:.*]] = qc.cast %[[ARG0]] : (tensor<2x3x4xf32>) -> tensor<2x3x4xf16>
// CHECK:         %[[V13:.*]] = qc.cast %[[ARG2]] : (tensor<2x2xi64>) -> tensor<2x2xf32>
// CHECK:         return %[[V2]] : tensor<2x8x4xf32>
func.func @data_movement(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>, %idx: tensor<2x2xi64>) -> tensor<2x8x4xf32> {
  %0 = qc.transpose %x {perm = array<i64: 0, 2, 1>} : (tensor<2x3x4xf32>) -> tensor<2x4x3xf32>
  %1 = qc.transpose %x : (tensor<2x3x4xf32>) -> tensor<4x3x2xf32>
  %2 = qc.concat %x, %y {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x5x4xf32>) -> tensor<2x8x4xf32>
  %3:3 = qc.split %2 {axis = -2 : i64, split = array<i64: 2, 2, 4>} : (tensor<2x8x4xf32>) -> (tensor<2x2x4xf32>, tensor<2x2x4xf32>, tensor<2x4x4xf32>)
  %4 = qc.slice %x {axes = array<i64: 2>, ends = array<i64: 9223372036854775807>, starts = array<i64: 1>} : (tensor<2x3x4xf32>) -> tensor<2x3x3xf32>
  %5 = qc.slice %x {ends = array<i64: -4>, starts = array<i64: -1>, steps = array<i64: -1>, axes = array<i64: 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x3xf32>
  %6 = qc.slice %x {ends = array<i64: 3, 4>, starts = array<i64: 0, 0>, steps = array<i64: 2, 3>, axes = array<i64: 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x2x2xf32>
  %7 = qc.gather %x, %idx {axis = 1 : i64} : (tensor<2x3x4xf32>, tensor<2x2xi64>) -> tensor<2x2x2x4xf32>
  %8 = qc.pad %x {pads = array<i64: 0, 1, 2, 0, 1, 2>, value = 1.000000e+00 : f32} : (tensor<2x3x4xf32>) -> tensor<2x5x8xf32>
  %9 = qc.pad %x {mode = #qc<pad_mode reflect>, pads = array<i64: 0, 0, 2, 0, 0, 3>} : (tensor<2x3x4xf32>) -> tensor<2x3x9xf32>
  %10 = qc.pad %x {mode = #qc<pad_mode edge>, pads = array<i64: 0, -1, 0, 0, 0, 0>} : (tensor<2x3x4xf32>) -> tensor<2x2x4xf32>
  %11 = qc.expand %x : (tensor<2x3x4xf32>) -> tensor<5x2x3x4xf32>
  %12 = qc.cast %x : (tensor<2x3x4xf32>) -> tensor<2x3x4xf16>
  %13 = qc.cast %idx : (tensor<2x2xi64>) -> tensor<2x2xf32>
  return %2 : tensor<2x8x4xf32>
}

// CHECK-LABEL: func.func @resize(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32> {
// CHECK:         %[[V0:.*]] = qc.resize %[[ARG0]] {scales = array<f32: 1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32>
// CHECK:         %[[V1:.*]] = qc.resize %[[ARG0]] {coordinate_transformation_mode = #qc<coordinate_transform asymmetric>, mode = #qc<resize_mode linear>, scales = array<f32: 1.000000e+00, 1.000000e+00, 0.699999988, 0.699999988>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x7x7xf32>
// CHECK:         %[[V2:.*]] = qc.resize %[[ARG0]] {cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = true, mode = #qc<resize_mode cubic>, nearest_mode = #qc<nearest_mode floor>, scales = array<f32: 1.000000e+00, 1.000000e+00, 1.500000e+00, 3.000000e+00>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x15x30xf32>
// CHECK:         return %[[V0]] : tensor<1x3x20x20xf32>
func.func @resize(%x: tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32> {
  %0 = qc.resize %x {scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x20x20xf32>
  %1 = qc.resize %x {coordinate_transformation_mode = #qc<coordinate_transform asymmetric>, mode = #qc<resize_mode linear>, scales = array<f32: 1.0, 1.0, 0.7, 0.7>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x7x7xf32>
  %2 = qc.resize %x {cubic_coeff_a = -5.000000e-01 : f32, exclude_outside = true, mode = #qc<resize_mode cubic>, nearest_mode = #qc<nearest_mode floor>, scales = array<f32: 1.0, 1.0, 1.5, 3.0>} : (tensor<1x3x10x10xf32>) -> tensor<1x3x15x30xf32>
  return %0 : tensor<1x3x20x20xf32>
}

// CHECK-LABEL: func.func @quantization(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<4x8xf32>) -> tensor<4x8xf32> {
// CHECK:         %[[V0:.*]] = qc.quantize %[[ARG0]] : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK:         %[[V1:.*]] = qc.requantize %[[V0]] : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4x8x!quant.uniform<u8:f32, 1.000000e-01:128>>
// CHECK:         %[[V2:.*]] = qc.dequantize %[[V1]] : tensor<4x8x!quant.uniform<u8:f32, 1.000000e-01:128>> -> tensor<4x8xf32>
// CHECK:         %[[V3:.*]] = qc.quantize %[[V2]] : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>
// CHECK:         %[[V4:.*]] = qc.quantize %[[V2]] : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i4:f32:{0:4, 1:4}, {{[{][{]}}1.000000e-01:1, 2.000000e-01:2{{[}][}]}}>>
// CHECK:         %[[V5:.*]] = qc.dequantize %[[V4]] : tensor<4x8x!quant.uniform<i4:f32:{0:4, 1:4}, {{[{][{]}}1.000000e-01:1, 2.000000e-01:2{{[}][}]}}>> -> tensor<4x8xf32>
// CHECK:         %[[V6:.*]] = qc.transpose %[[V3]] : (tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>) -> tensor<8x4x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>
// CHECK:         return %[[V5]] : tensor<4x8xf32>
func.func @quantization(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = qc.quantize %x : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %1 = qc.requantize %0 : tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<4x8x!quant.uniform<u8:f32, 1.000000e-01:128>>
  %2 = qc.dequantize %1 : tensor<4x8x!quant.uniform<u8:f32, 1.000000e-01:128>> -> tensor<4x8xf32>
  %3 = qc.quantize %2 : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>
  %4 = qc.quantize %2 : tensor<4x8xf32> -> tensor<4x8x!quant.uniform<i4:f32:{0:4,1:4}, {{1.000000e-01:1,2.000000e-01:2}}>>
  %5 = qc.dequantize %4 : tensor<4x8x!quant.uniform<i4:f32:{0:4,1:4}, {{1.000000e-01:1,2.000000e-01:2}}>> -> tensor<4x8xf32>
  %6 = qc.transpose %3 : (tensor<4x8x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>) -> tensor<8x4x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>>
  return %5 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @hadamard(
// CHECK-SAME:    %[[ARG0:.*]]: tensor<1x16x256xf32>) -> tensor<1x16x256xf32> {
// CHECK:         %[[V0:.*]] = qc.hadamard %[[ARG0]] : tensor<1x16x256xf32>
// CHECK:         %[[V1:.*]] = qc.hadamard %[[V0]] {block_size = 64 : i64} : tensor<1x16x256xf32>
// CHECK:         return %[[V1]] : tensor<1x16x256xf32>
func.func @hadamard(%x: tensor<1x16x256xf32>) -> tensor<1x16x256xf32> {
  %0 = qc.hadamard %x : tensor<1x16x256xf32>
  %1 = qc.hadamard %0 {block_size = 64 : i64} : tensor<1x16x256xf32>
  return %1 : tensor<1x16x256xf32>
}

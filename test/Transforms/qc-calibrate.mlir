// Two samples of x: [1, -2, 3, 4 | 0.5, -1, 2, -3] and [5, -6, 0, 1 | 0, 0, 0, 0]
// (channel 0 | channel 1).
// RUN: rm -rf %t && mkdir -p %t/calib/0 %t/calib/1 %t/bad/0
// RUN: %npy write %t/calib/0/x.npy f4 1,2,2,2 1,-2,3,4,0.5,-1,2,-3
// RUN: %npy write %t/calib/1/x.npy f4 1,2,2,2 5,-6,0,1,0,0,0,0
// RUN: quant-opt %s -split-input-file -qc-calibrate="calib=%t/calib method=minmax" | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-calibrate="calib=%t/calib method=percentile percentile=50" | FileCheck %s --check-prefix=P50

// The range of an activation is an attribute of its definition: the relu's
// result ([0, 5]) and, for the argument, the argument attribute ([-6, 5]).
// Values that feed no contraction (the add) are not annotated.
// CHECK-LABEL: func.func @annotate(
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x2x2xf32> {onnx.name = "x", qc.range = array<f32: -6.000000e+00, 5.000000e+00>}
// CHECK:         %[[R:.*]] = qc.relu %[[X]] {qc.range = array<f32: 0.000000e+00, 5.000000e+00>}
// CHECK:         %[[A:.*]] = qc.conv %[[R]], %{{.*}} :
// CHECK:         %[[S:.*]] = qc.add %[[X]], %[[X]] :
// CHECK-NOT:     qc.range
// CHECK:         qc.conv %[[X]], %{{.*}} :
// The 8th of the 16 sorted |x| of the argument is 1: the 50th percentile
// clips its range to [-1, 1] (up to the histogram's bin width, 8 / 2048).
// P50-LABEL: func.func @annotate(
// P50-SAME:    qc.range = array<f32: -1.00{{[0-9]*}}, 1.00{{[0-9]*}}>
func.func @annotate(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = arith.constant dense<1.0> : tensor<2x2x1x1xf32>
  %r = qc.relu %x : tensor<1x2x2x2xf32>
  %a = qc.conv %r, %w : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %s = qc.add %x, %x : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  %b = qc.conv %x, %w : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %a, %b, %s : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// A multi-result op gets two entries per result, NaN where a result feeds no
// contraction. Result #1 is channel 1: [-3, 2].
// CHECK-LABEL: func.func @multi_result(
// CHECK:         qc.split %{{.*}} {axis = 1 : i64, qc.range = array<f32: 0x7FC00000, 0x7FC00000, -3.000000e+00, 2.000000e+00>, split = array<i64: 1, 1>}
func.func @multi_result(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>) {
  %w = arith.constant dense<2.0> : tensor<1x1x1x1xf32>
  %p:2 = qc.split %x {axis = 1 : i64, split = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>) -> (tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>)
  %y = qc.conv %p#1, %w : (tensor<1x1x2x2xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x2x2xf32>
  return %p#0, %y : tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
}

// -----

// The activation of a matrix product is its lhs (the weight is the rhs).
// CHECK-LABEL: func.func @matmul(
// CHECK:         qc.reshape %{{.*}} {qc.range = array<f32: -6.000000e+00, 5.000000e+00>}
func.func @matmul(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> tensor<2x3xf32> {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %r = qc.reshape %x : (tensor<1x2x2x2xf32>) -> tensor<2x4xf32>
  %y = qc.matmul %r, %w : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// Channel 0 of x spans [0, 100], channel 1 [0, 1].
// RUN: rm -rf %t && mkdir -p %t/calib/0 %t/calib/1
// RUN: %npy write %t/calib/0/x.npy f4 1,2,2,2 100,50,0,25,1,0.5,0,0.25
// RUN: %npy write %t/calib/1/x.npy f4 1,2,2,2 10,20,30,40,0.1,0.2,0.3,0.4
// RUN: quant-opt %s -qc-equalize-channels="calib=%t/calib" -o %t/eq.mlir
// RUN: FileCheck %s < %t/eq.mlir
// The f32 functions agree.
// RUN: quant-run %s --reference --entry lab_chain --inputs %t/calib/0 --outputs %t/before
// RUN: quant-run %t/eq.mlir --reference --entry lab_chain --inputs %t/calib/0 --outputs %t/after
// RUN: %npy compare %t/after/out0.npy %t/before/out0.npy 1e-5
// RUN: quant-run %s --reference --entry conv_producer --inputs %t/calib/1 --outputs %t/before2
// RUN: quant-run %t/eq.mlir --reference --entry conv_producer --inputs %t/calib/1 --outputs %t/after2
// RUN: %npy compare %t/after2/out0.npy %t/before2/out0.npy 1e-5
// With runtime-scale, a producer that cannot absorb the factors gets a
// run-time qc.mul; the f32 function still agrees.
// RUN: quant-opt %s -qc-equalize-channels="calib=%t/calib runtime-scale=true" -o %t/rt.mlir
// RUN: FileCheck %s --check-prefix=RT < %t/rt.mlir
// RUN: quant-run %s --reference --entry clip_producer --inputs %t/calib/0 --outputs %t/before3
// RUN: quant-run %t/rt.mlir --reference --entry clip_producer --inputs %t/calib/0 --outputs %t/after3
// RUN: %npy compare %t/after3/out0.npy %t/before3/out0.npy 1e-5


// The depthwise input `x * a + b` has channel ranges [0, 100.5] and
// [0, 1.5]: channel 1 is divided by s_1 = 1.5 / 100.5 through the constants
// of the mul and the add (now per channel, [1, 2, 1, 1]), and the depthwise
// weights of channel 1 are multiplied by s_1.
// CHECK-LABEL: func.func @lab_chain(
// CHECK:         %[[A:.*]] = arith.constant dense_resource<equalized{{.*}}> : tensor<1x2x1x1xf32>
// CHECK:         %[[M:.*]] = qc.mul %{{.*}}, %[[A]] : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK:         %[[B:.*]] = arith.constant dense_resource<equalized{{.*}}> : tensor<1x2x1x1xf32>
// CHECK:         %[[S:.*]] = qc.add %[[M]], %[[B]] : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
// CHECK:         %[[W:.*]] = arith.constant dense_resource<equalized_weight{{.*}}> : tensor<2x1x3x3xf32>
// CHECK:         qc.conv %[[S]], %[[W]] {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>}
func.func @lab_chain(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %a = arith.constant dense<1.0> : tensor<1xf32>
  %b = arith.constant dense<0.5> : tensor<1xf32>
  %w = arith.constant dense<[[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], [[[-1.0, 0.5, 2.0], [1.5, -2.5, 3.0], [0.25, 1.0, -1.0]]]]> : tensor<2x1x3x3xf32>
  %r = qc.relu %x : tensor<1x2x2x2xf32>
  %m = qc.mul %r, %a : (tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %s = qc.add %m, %b : (tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %y = qc.conv %s, %w {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// A convolution producer absorbs 1/s in its output channels (weights and
// bias).
// CHECK-LABEL: func.func @conv_producer(
// CHECK-DAG:     %[[W1:.*]] = arith.constant dense_resource<equalized_weight{{.*}}> : tensor<2x2x1x1xf32>
// CHECK-DAG:     %[[B1:.*]] = arith.constant dense_resource<equalized_bias{{.*}}> : tensor<2xf32>
// CHECK:         %[[H:.*]] = qc.conv %{{.*}}, %[[W1]], %[[B1]] :
// CHECK:         %[[W2:.*]] = arith.constant dense_resource<equalized_weight{{.*}}> : tensor<2x1x1x1xf32>
// CHECK:         qc.conv %[[H]], %[[W2]] {group = 2 : i64}
func.func @conv_producer(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %w1 = arith.constant dense<[[[[1.0]], [[0.0]]], [[[0.0]], [[1.0]]]]> : tensor<2x2x1x1xf32>
  %b1 = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %h = qc.conv %x, %w1, %b1 : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %y = qc.conv %h, %w2 {group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// Not rewritten: the activation has a user other than a convolution, or
// its producer (a function argument) cannot absorb the factor.
// CHECK-LABEL: func.func @left_alone(
// CHECK-NOT:     equalized
// CHECK:         return
func.func @left_alone(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %a = arith.constant dense<2.0> : tensor<1xf32>
  %w = arith.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %m = qc.mul %x, %a : (tensor<1x2x2x2xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %y = qc.conv %m, %w {group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %z = qc.conv %x, %w {group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y, %z, %m : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// A producer that cannot absorb a per-channel factor (a clip, like the
// clip inside a hard-swish): left alone by default; with runtime-scale the
// depthwise conv reads `clip(x) * (1 / s)` (channel 1, range [0, 1], is
// multiplied by about 100) and its weights of channel 1 are multiplied by s.
// CHECK-LABEL: func.func @clip_producer(
// CHECK-NOT:     equalize
// CHECK:         return
// RT-LABEL: func.func @clip_producer(
// RT:         %[[C:.*]] = qc.clip %{{.*}} {max = 1.000000e+03 : f32, min = 0.000000e+00 : f32}
// RT:         %[[S:.*]] = arith.constant dense_resource<equalize_inv_scale{{.*}}> : tensor<1x2x1x1xf32>
// RT:         %[[M:.*]] = qc.mul %[[C]], %[[S]] : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
// RT:         %[[W:.*]] = arith.constant dense_resource<equalized_weight{{.*}}> : tensor<2x1x1x1xf32>
// RT:         qc.conv %[[M]], %[[W]] {group = 2 : i64}
func.func @clip_producer(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[2.0]]], [[[3.0]]]]> : tensor<2x1x1x1xf32>
  %c = qc.clip %x {max = 1.000000e+03 : f32, min = 0.000000e+00 : f32} : tensor<1x2x2x2xf32>
  %y = qc.conv %c, %w {group = 2 : i64} : (tensor<1x2x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// Calibration set of one sample: every function names its argument.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %npy write %t/xa.npy f4 2,4 1,-1,1,-1,-1,1,-1,1
// RUN: %npy write %t/xc.npy f4 1,4,1,1 1,10,2,20
// RUN: %npy write %t/xs.npy f4 1,4,1,1 20,10,2,1
// RUN: %npy write %t/x2.npy f4 1,2 1,10
// RUN: quant-opt %s -split-input-file -qc-rearrange-outlier-channels="calib=%t block-size=2 remarks=false" | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-rearrange-outlier-channels="calib=%t block-size=2 remarks=false allow-gather=true" | FileCheck %s --check-prefix=GATHER
// RUN: quant-opt %s -split-input-file -qc-rearrange-outlier-channels="calib=%t block-size=2" -verify-diagnostics -o /dev/null

// The layer norm (epsilon 0) normalises each row of the input to +-1, so the
// channel magnitudes of %h are gamma = [1, 10, 2, 20]. Sorted: [3, 1, 2, 0];
// blocks of 2 go from {1, 10} {2, 20} (max/mean 1.818 each) to {20, 10}
// {2, 1} (1.333). gamma, the consumer's weight rows and the producer's
// weight columns are permuted; nothing is left for run time.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME:    %[[X:.*]]: tensor<2x4xf32>
// CHECK:         %[[I:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]>
// CHECK:         %[[A:.*]] = qc.matmul %[[X]], %[[I]]
// CHECK:         %[[G:.*]] = arith.constant dense<[2.000000e+01, 1.000000e+01, 2.000000e+00, 1.000000e+00]>
// CHECK:         %[[H:.*]] = qc.layer_normalization %[[A]], %[[G]]
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}7.000000e+00, 8.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00], [1.000000e+00, 2.000000e+00]]>
// CHECK:         %[[Y:.*]] = qc.matmul %[[H]], %[[W]]
// CHECK:         return %[[Y]]
// CHECK-NOT:     qc.gather
func.func @layer_norm(%x: tensor<2x4xf32> {onnx.name = "xa"}) -> tensor<2x2xf32> {
  %i = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]> : tensor<4x4xf32>
  %g = arith.constant dense<[1.0, 10.0, 2.0, 20.0]> : tensor<4xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather (first boundary: a function argument); allow-gather=true inserts them}}
  %a = qc.matmul %x, %i : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %h = qc.layer_normalization %a, %g {epsilon = 0.0 : f32} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // expected-remark @below {{qc-rearrange-outlier-channels: permuted 4 input channels (block 2): block max/mean ratio 1.818 -> 1.333 (2 values, 1 producer, 1 consumer)}}
  %y = qc.matmul %h, %w : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// The residual add makes the argument %x part of the permuted set: left
// alone by default, permuted by a qc.gather with allow-gather. %x's own
// channels are uniform, so the permutation follows %h: [3, 1, 0, 2].
// CHECK-LABEL: func.func @residual(
// CHECK-NOT:     qc.gather
// CHECK:         arith.constant dense<[1.000000e+00, 1.000000e+01, 2.000000e+00, 2.000000e+01]>
// GATHER-LABEL: func.func @residual(
// GATHER-SAME:    %[[X:.*]]: tensor<2x4xf32>
// GATHER:         %[[P:.*]] = arith.constant dense<[3, 1, 0, 2]> : tensor<4xi64>
// GATHER:         %[[XP:.*]] = qc.gather %[[X]], %[[P]] {axis = 1 : i64}
// GATHER:         %[[A:.*]] = qc.matmul %[[XP]], %{{.*}}
// GATHER:         %[[R:.*]] = qc.add %[[XP]], %[[A]]
// GATHER:         %[[G:.*]] = arith.constant dense<[2.000000e+01, 1.000000e+01, 1.000000e+00, 2.000000e+00]>
// GATHER:         qc.layer_normalization %[[R]], %[[G]]
// GATHER-COUNT-1: qc.gather
func.func @residual(%x: tensor<2x4xf32> {onnx.name = "xa"}) -> tensor<2x2xf32> {
  %i = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]> : tensor<4x4xf32>
  %g = arith.constant dense<[1.0, 10.0, 2.0, 20.0]> : tensor<4xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather}}
  %a = qc.matmul %x, %i : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %r = qc.add %x, %a : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %h = qc.layer_normalization %r, %g {epsilon = 0.0 : f32} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather}}
  %y = qc.matmul %h, %w : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// NCHW: channel magnitudes after the identity conv, batch norm (bias
// [0.25, 0.5, 0.75, 1]) and relu are [1.25, 10.5, 2.75, 21]; sorted
// [3, 1, 2, 0]. The producer conv's output channels, the batch norm's
// parameters and the consumer conv's input channels move together.
// CHECK-LABEL: func.func @conv_net(
// CHECK:         %[[I:.*]] = arith.constant dense<{{\[\[\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}0.000000e+00]], {{\[\[}}1.000000e+00]]], {{\[\[\[}}0.000000e+00]], {{\[\[}}1.000000e+00]]
// CHECK:         %[[C:.*]] = qc.conv %{{.*}}, %[[I]]
// CHECK:         %[[T:.*]] = arith.constant dense<[1.000000e+00, 5.000000e-01, 7.500000e-01, 2.500000e-01]>
// CHECK:         %[[B:.*]] = qc.batch_normalization %[[C]], %{{.*}}, %[[T]], %{{.*}}, %{{.*}}
// CHECK:         %[[R:.*]] = qc.relu %[[B]]
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}4.000000e+00]], {{\[\[}}2.000000e+00]], {{\[\[}}3.000000e+00]], {{\[\[}}1.000000e+00]]], {{\[\[\[}}8.000000e+00]], {{\[\[}}6.000000e+00]], {{\[\[}}7.000000e+00]], {{\[\[}}5.000000e+00]]]]>
// CHECK:         qc.conv %[[R]], %[[W]]
func.func @conv_net(%x: tensor<1x4x1x1xf32> {onnx.name = "xc"}) -> tensor<1x2x1x1xf32> {
  %i = arith.constant dense<[[[[1.0]], [[0.0]], [[0.0]], [[0.0]]], [[[0.0]], [[1.0]], [[0.0]], [[0.0]]], [[[0.0]], [[0.0]], [[1.0]], [[0.0]]], [[[0.0]], [[0.0]], [[0.0]], [[1.0]]]]> : tensor<4x4x1x1xf32>
  %one = arith.constant dense<1.0> : tensor<4xf32>
  %zero = arith.constant dense<0.0> : tensor<4xf32>
  %t = arith.constant dense<[0.25, 0.5, 0.75, 1.0]> : tensor<4xf32>
  %w = arith.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]], [[[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<2x4x1x1xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather}}
  %c = qc.conv %x, %i : (tensor<1x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  %b = qc.batch_normalization %c, %one, %t, %zero, %one {epsilon = 0.0 : f32} : (tensor<1x4x1x1xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x1x1xf32>
  %r = qc.relu %b : tensor<1x4x1x1xf32>
  // expected-remark @below {{permuted 4 input channels (block 2): block max/mean ratio 1.778 -> 1.354 (3 values, 1 producer, 1 consumer)}}
  %y = qc.conv %r, %w : (tensor<1x4x1x1xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// Channels already in order: nothing to gain.
// CHECK-LABEL: func.func @already_sorted(
// CHECK:         arith.constant dense<{{\[\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]], {{\[\[}}3.000000e+00]], {{\[\[}}4.000000e+00]]]
func.func @already_sorted(%x: tensor<1x4x1x1xf32> {onnx.name = "xs"}) -> tensor<1x2x1x1xf32> {
  %i = arith.constant dense<[[[[1.0]], [[0.0]], [[0.0]], [[0.0]]], [[[0.0]], [[1.0]], [[0.0]], [[0.0]]], [[[0.0]], [[0.0]], [[1.0]], [[0.0]]], [[[0.0]], [[0.0]], [[0.0]], [[1.0]]]]> : tensor<4x4x1x1xf32>
  %w = arith.constant dense<[[[[1.0]], [[2.0]], [[3.0]], [[4.0]]], [[[5.0]], [[6.0]], [[7.0]], [[8.0]]]]> : tensor<2x4x1x1xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather}}
  %c = qc.conv %x, %i : (tensor<1x4x1x1xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x1x1xf32>
  %r = qc.relu %c : tensor<1x4x1x1xf32>
  // expected-remark @below {{not permuted: block max/mean ratio 1.333 -> 1.333 is below min-gain 0.050}}
  %y = qc.conv %r, %w : (tensor<1x4x1x1xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// Two channels fit in one block of 2: a permutation cannot help.
// CHECK-LABEL: func.func @one_block(
// CHECK:         arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]>
func.func @one_block(%x: tensor<1x2xf32> {onnx.name = "x2"}) -> tensor<1x2xf32> {
  %i = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  // expected-remark @below {{not permuted: 2 channels fit in one block of 2}}
  %a = qc.matmul %x, %i : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %e = qc.exp %a : tensor<1x2xf32>
  // expected-remark @below {{not permuted: 2 channels fit in one block of 2}}
  %y = qc.matmul %e, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A permuted value that is also returned (the layer norm's input) gets the
// original order back with a qc.gather (allow-gather); by default the set is
// left alone.
// CHECK-LABEL: func.func @returned(
// CHECK-NOT:     qc.gather
// GATHER-LABEL: func.func @returned(
// GATHER:         %[[A:.*]] = qc.matmul
// GATHER:         %[[INV:.*]] = arith.constant dense<[3, 1, 2, 0]> : tensor<4xi64>
// GATHER:         %[[U:.*]] = qc.gather %[[A]], %[[INV]] {axis = 1 : i64}
// GATHER:         qc.layer_normalization %[[A]]
// GATHER:         return %{{.*}}, %[[U]]
func.func @returned(%x: tensor<2x4xf32> {onnx.name = "xa"}) -> (tensor<2x2xf32>, tensor<2x4xf32>) {
  %i = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]> : tensor<4x4xf32>
  %g = arith.constant dense<[1.0, 10.0, 2.0, 20.0]> : tensor<4xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather}}
  %a = qc.matmul %x, %i : (tensor<2x4xf32>, tensor<4x4xf32>) -> tensor<2x4xf32>
  %h = qc.layer_normalization %a, %g {epsilon = 0.0 : f32} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather (first boundary: used by 'func.return' at}}
  %y = qc.matmul %h, %w : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  return %y, %a : tensor<2x2xf32>, tensor<2x4xf32>
}

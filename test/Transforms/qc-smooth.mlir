// Calibration set of one sample: every function names its argument.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %npy write %t/x2.npy f4 2,2 3,1,0,2
// RUN: %npy write %t/x2b.npy f4 2,2 5,1,-3,3
// RUN: %npy write %t/x4.npy f4 1,2,1,2 5,-3,1,3
// RUN: quant-opt %s -split-input-file -qc-smooth="calib=%t remarks=false" | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-smooth="calib=%t remarks=false fold-only=true" | FileCheck %s --check-prefix=FOLD
// RUN: quant-opt %s -split-input-file -qc-smooth="calib=%t remarks=false shift=false" | FileCheck %s --check-prefix=NOSHIFT
// RUN: quant-opt %s -split-input-file -qc-smooth="calib=%t" -verify-diagnostics -o /dev/null

// The layer norm's output X is [[5, -1], [-3, 1]] (epsilon 0): channel 0 in
// [-3, 5] (shift z = 1, |X - z| <= 4), channel 1 in [-1, 1] (z = 0, 1). The
// weight rows' maxima are [1, 4], so with alpha = 0.5
// s = [sqrt(4 / 1), sqrt(1 / 4)] = [2, 0.5]:
//   gamma' = gamma / s = [2, 2], beta' = (beta - z) / s = [0, 0],
//   W' = s * W = [[2, 1], [1, 2]], and z W = [1, 0.5] is added after the matmul.
// CHECK-LABEL: func.func @layer_norm(
// CHECK-SAME:    %[[X:.*]]: tensor<2x2xf32>
// CHECK-DAG:     %[[G:.*]] = arith.constant dense<2.000000e+00> : tensor<2xf32>
// CHECK-DAG:     %[[B:.*]] = arith.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK:         %[[H:.*]] = qc.layer_normalization %[[X]], %[[G]], %[[B]]
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK:         %[[M:.*]] = qc.matmul %[[H]], %[[W]]
// CHECK:         %[[Z:.*]] = arith.constant dense<[1.000000e+00, 5.000000e-01]> : tensor<2xf32>
// CHECK:         %[[Y:.*]] = qc.add %[[M]], %[[Z]]
// CHECK:         return %[[Y]]
// Without a shift, only the scale moves: no bias add.
// NOSHIFT-LABEL: func.func @layer_norm(
// NOSHIFT-NOT:     qc.add
// NOSHIFT:         return
func.func @layer_norm(%x: tensor<2x2xf32> {onnx.name = "x2"}) -> tensor<2x2xf32> {
  %g = arith.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %w = arith.constant dense<[[1.0, 0.5], [2.0, 4.0]]> : tensor<2x2xf32>
  // expected-remark @below {{qc-smooth: 2 channels, scales in [0.5, 2]; folded into qc.layer_normalization; weights of 1 consumer scaled, shift added to their biases}}
  %h = qc.layer_normalization %x, %g, %b {epsilon = 0.0 : f32} : (tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %y = qc.matmul %h, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// The same layer norm feeding a qc.gemm (trans_b, alpha = 2) that has no c:
// b' = b * s along its input channels (axis 1), and c = alpha * z W is created.
// CHECK-LABEL: func.func @gemm_consumer(
// CHECK:         %[[H:.*]] = qc.layer_normalization
// CHECK:         %[[B:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK:         %[[C:.*]] = arith.constant dense<[2.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK:         qc.gemm %[[H]], %[[B]], %[[C]] {alpha = 2.000000e+00 : f32, trans_b = true}
func.func @gemm_consumer(%x: tensor<2x2xf32> {onnx.name = "x2"}) -> tensor<2x2xf32> {
  %g = arith.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, 0.0]> : tensor<2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [0.5, 4.0]]> : tensor<2x2xf32>
  // expected-remark @below {{folded into qc.layer_normalization}}
  %h = qc.layer_normalization %x, %g, %b {epsilon = 0.0 : f32} : (tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %y = qc.gemm %h, %w {alpha = 2.0 : f32, trans_b = true} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// A function argument cannot absorb anything: X' = (X - z) * (1 / s) at run
// time. X = [[5, 1], [-3, 3]]: z = [1, 2], |X - z| <= [4, 1], s = [2, 0.5];
// z W = [1 + 4, 0.5 + 8] = [5, 8.5].
// CHECK-LABEL: func.func @runtime(
// CHECK-SAME:    %[[X:.*]]: tensor<2x2xf32>
// CHECK:         %[[Z:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
// CHECK:         %[[S:.*]] = qc.sub %[[X]], %[[Z]]
// CHECK:         %[[INV:.*]] = arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK:         %[[P:.*]] = qc.mul %[[S]], %[[INV]]
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [1.000000e+00, 2.000000e+00]]> : tensor<2x2xf32>
// CHECK:         %[[M:.*]] = qc.matmul %[[P]], %[[W]]
// CHECK:         %[[D:.*]] = arith.constant dense<[5.000000e+00, 8.500000e+00]> : tensor<2xf32>
// CHECK:         %[[Y:.*]] = qc.add %[[M]], %[[D]]
// CHECK:         return %[[Y]]
// fold-only leaves it alone.
// FOLD-LABEL: func.func @runtime(
// FOLD-SAME:    %[[X:.*]]: tensor<2x2xf32>
// FOLD:         %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 5.000000e-01], [2.000000e+00, 4.000000e+00]]>
// FOLD-NEXT:    %[[Y:.*]] = qc.matmul %[[X]], %[[W]]
// FOLD-NEXT:    return %[[Y]]
func.func @runtime(%x: tensor<2x2xf32> {onnx.name = "x2b"}) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0, 0.5], [2.0, 4.0]]> : tensor<2x2xf32>
  // expected-remark @below {{qc-smooth: 2 channels, scales in [0.5, 2]; inserted run-time qc.mul and qc.sub; weights of 1 consumer scaled, shift added to their biases}}
  %y = qc.matmul %x, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// Batch normalisation (here the identity, epsilon 0) absorbs 1/s and -z/s;
// the conv gets s along its input channels and z W as a new bias.
// X channels: [5, -3] and [1, 3], so again z = [1, 2] and s = [2, 0.5].
// CHECK-LABEL: func.func @batch_norm(
// CHECK-SAME:    %[[X:.*]]: tensor<1x2x1x2xf32>
// CHECK-DAG:     %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG:     %[[T:.*]] = arith.constant dense<[-5.000000e-01, -4.000000e+00]> : tensor<2xf32>
// CHECK:         %[[H:.*]] = qc.batch_normalization %[[X]], %[[S]], %[[T]],
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}2.000000e+00]], {{\[\[}}1.000000e+00]]], {{\[\[\[}}1.000000e+00]], {{\[\[}}2.000000e+00]]]]> : tensor<2x2x1x1xf32>
// CHECK:         %[[B:.*]] = arith.constant dense<[5.000000e+00, 8.500000e+00]> : tensor<2xf32>
// CHECK:         qc.conv %[[H]], %[[W]], %[[B]] :
func.func @batch_norm(%x: tensor<1x2x1x2xf32> {onnx.name = "x4"}) -> tensor<1x2x1x2xf32> {
  %one = arith.constant dense<1.0> : tensor<2xf32>
  %zero = arith.constant dense<0.0> : tensor<2xf32>
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[0.5]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  // expected-remark @below {{folded into qc.batch_normalization; weights of 1 consumer scaled, shift added to their biases}}
  %h = qc.batch_normalization %x, %one, %zero, %zero, %one {epsilon = 0.0 : f32} : (tensor<1x2x1x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x1x2xf32>
  %y = qc.conv %h, %w : (tensor<1x2x1x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x2xf32>
  return %y : tensor<1x2x1x2xf32>
}

// -----

// A matmul producer: its columns absorb 1/s, and -z/s = [-0.5, -4] becomes a
// bias add after it; the consumer's bias add absorbs z W = [5, 8.5].
// (Without fold-only the argument is smoothed at run time too.)
// FOLD-LABEL: func.func @matmul_producer(
// FOLD-SAME:    %[[X:.*]]: tensor<2x2xf32>
// FOLD:         %[[I:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00], [0.000000e+00, 2.000000e+00]]>
// FOLD:         %[[H:.*]] = qc.matmul %[[X]], %[[I]]
// FOLD:         %[[B0:.*]] = arith.constant dense<[-5.000000e-01, -4.000000e+00]>
// FOLD:         %[[HB:.*]] = qc.add %[[H]], %[[B0]]
// FOLD:         %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 1.000000e+00], [1.000000e+00, 2.000000e+00]]>
// FOLD:         %[[M:.*]] = qc.matmul %[[HB]], %[[W]]
// FOLD:         %[[B1:.*]] = arith.constant dense<[5.250000e+00, 8.750000e+00]>
// FOLD:         %[[Y:.*]] = qc.add %[[M]], %[[B1]]
// FOLD:         return %[[Y]]
// CHECK-LABEL: func.func @matmul_producer(
// CHECK:         qc.sub
// CHECK:         qc.mul
// CHECK:         qc.matmul
// CHECK:         qc.add
// CHECK:         qc.matmul
// CHECK:         qc.add
func.func @matmul_producer(%x: tensor<2x2xf32> {onnx.name = "x2b"}) -> tensor<2x2xf32> {
  %i = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %w = arith.constant dense<[[1.0, 0.5], [2.0, 4.0]]> : tensor<2x2xf32>
  %c = arith.constant dense<0.25> : tensor<2xf32>
  // expected-remark @below {{inserted run-time qc.mul and qc.sub}}
  // expected-remark @below {{folded into qc.matmul}}
  %h = qc.matmul %x, %i : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = qc.matmul %h, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  %y = qc.add %m, %c : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

// The consumer conv pads its input with zeros, which a shifted input would
// not: the shift is dropped and only the scale folds (into the producer
// conv's output channels; no bias appears).
// FOLD-LABEL: func.func @padded_consumer(
// FOLD:         qc.conv %{{.*}}, %{{.*}} : (tensor<1x2x1x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x2xf32>
// FOLD:         qc.conv %{{.*}}, %{{.*}} {pads = array<i64: 0, 1, 0, 1>} : (tensor<1x2x1x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x4xf32>
func.func @padded_consumer(%x: tensor<1x2x1x2xf32> {onnx.name = "x4"}) -> tensor<1x2x1x4xf32> {
  %i = arith.constant dense<[[[[1.0]], [[0.0]]], [[[0.0]], [[1.0]]]]> : tensor<2x2x1x1xf32>
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[0.5]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  // expected-remark @below {{inserted run-time qc.mul and qc.sub}}
  // expected-remark @below {{folded into qc.conv; weights of 1 consumer scaled; no shift: a padded qc.conv consumer would see the shift in its zero padding}}
  %h = qc.conv %x, %i : (tensor<1x2x1x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x2xf32>
  %y = qc.conv %h, %w {pads = array<i64: 0, 1, 0, 1>} : (tensor<1x2x1x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x4xf32>
  return %y : tensor<1x2x1x4xf32>
}

// -----

// Through a relu only the scale folds (relu(u) / s = relu(u / s) for s > 0).
// CHECK-LABEL: func.func @through_relu(
// CHECK:         qc.conv
// CHECK-NEXT:    qc.relu
// CHECK-NOT:     qc.add
// CHECK:         return
func.func @through_relu(%x: tensor<1x2x1x2xf32> {onnx.name = "x4"}) -> tensor<1x2x1x2xf32> {
  %i = arith.constant dense<[[[[1.0]], [[0.0]]], [[[0.0]], [[1.0]]]]> : tensor<2x2x1x1xf32>
  %w = arith.constant dense<[[[[1.0]], [[2.0]]], [[[0.5]], [[4.0]]]]> : tensor<2x2x1x1xf32>
  // expected-remark @below {{inserted run-time qc.mul and qc.sub}}
  %c = qc.conv %x, %i : (tensor<1x2x1x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x2xf32>
  // expected-remark @below {{folded into qc.relu <- qc.conv; weights of 1 consumer scaled; no shift: the producer cannot absorb a shift exactly}}
  %h = qc.relu %c : tensor<1x2x1x2xf32>
  %y = qc.conv %h, %w : (tensor<1x2x1x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x1x2xf32>
  return %y : tensor<1x2x1x2xf32>
}

// -----

// An activation with a use other than a contraction is left alone.
// CHECK-LABEL: func.func @other_use(
// CHECK-DAG:     %[[G:.*]] = arith.constant dense<[4.000000e+00, 1.000000e+00]>
// CHECK-DAG:     %[[W:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 5.000000e-01], [2.000000e+00, 4.000000e+00]]>
// CHECK:         %[[H:.*]] = qc.layer_normalization %{{.*}}, %[[G]]
// CHECK:         qc.matmul %[[H]], %[[W]]
func.func @other_use(%x: tensor<2x2xf32> {onnx.name = "x2"}) -> (tensor<2x2xf32>, tensor<2x2xf32>) {
  %g = arith.constant dense<[4.0, 1.0]> : tensor<2xf32>
  %w = arith.constant dense<[[1.0, 0.5], [2.0, 4.0]]> : tensor<2x2xf32>
  %h = qc.layer_normalization %x, %g {epsilon = 0.0 : f32} : (tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  %y = qc.matmul %h, %w : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x2xf32>
  return %y, %h : tensor<2x2xf32>, tensor<2x2xf32>
}

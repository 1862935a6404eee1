// RUN: quant-opt %s -split-input-file -verify-diagnostics -qc-fuse-rotations | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-fuse-rotations="rotate-residual=false online-hadamard=false" | FileCheck %s --check-prefix=FOLD
// RUN: quant-opt %s -split-input-file -qc-fuse-rotations="online-signs=false" | FileCheck %s --check-prefix=NOSIGN
// RUN: quant-opt %s -split-input-file -qc-fuse-rotations="online-signs=false block-size=2" | FileCheck %s --check-prefix=BLOCK

// A pre-LN residual block: embedding, LayerNorm (scale g, bias b), MLP whose
// down projection writes into the residual stream, final LayerNorm, head.
//
// Folding: W1 <- diag(g) W1 and a bias b W1 = (0.5 + 0 - 0.5 + 1) * 0.25 =
// 0.25 per output; Wh <- diag(2) Wh. Rotation (seed 0, D = 4): the embedding
// rows and the down projection's bias become v Q with Q = P_in (J - 2I)/2
// P_out (row [1, 2, 3, 4] -> (5 - v) permuted: [4, 2, 1, 3]); the
// LayerNorms' consumers get Q^T W. The ReLU output gets an online rotation
// (random signs, then qc.hadamard over its 8 channels) folded into W2.

// CHECK-LABEL: func.func @fold_and_rotate(
// CHECK-SAME:    %[[IDS:.*]]: tensor<1x3xi64>
// CHECK:         %[[EMB:.*]] = arith.constant dense<{{\[\[}}4.000000e+00, 2.000000e+00, 1.000000e+00, 3.000000e+00], [2.500000e-01, -1.250000e+00, 7.500000e-01, 1.750000e+00], [3.000000e+00, 1.000000e+00, -2.000000e+00, 0.000000e+00]]> : tensor<3x4xf32>
// CHECK:         %[[E:.*]] = qc.gather %[[EMB]], %[[IDS]]
// CHECK:         %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK:         %[[N:.*]] = qc.layer_normalization %[[E]], %[[ONES]] : (tensor<1x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
// CHECK-DAG:     %[[C1:.*]] = arith.constant dense<2.500000e-01> : tensor<8xf32>
// CHECK-DAG:     %[[W1:.*]] = arith.constant dense_resource<cst_lnfold_rot> : tensor<4x8xf32>
// CHECK:         %[[U:.*]] = qc.matmul %[[N]], %[[W1]]
// CHECK:         %[[UB:.*]] = qc.add %[[U]], %[[C1]] : (tensor<1x3x8xf32>, tensor<8xf32>) -> tensor<1x3x8xf32>
// CHECK:         %[[A:.*]] = qc.relu %[[UB]]
// CHECK:         %[[S:.*]] = arith.constant dense<[{{.*}}]> : tensor<8xf32>
// CHECK:         %[[AS:.*]] = qc.mul %[[A]], %[[S]] : (tensor<1x3x8xf32>, tensor<8xf32>) -> tensor<1x3x8xf32>
// CHECK:         %[[H:.*]] = qc.hadamard %[[AS]] {block_size = 8 : i64} : tensor<1x3x8xf32>
// CHECK:         %[[W2:.*]] = arith.constant dense_resource<cst_rot_had> : tensor<8x4xf32>
// CHECK:         %[[D:.*]] = qc.matmul %[[H]], %[[W2]]
// CHECK:         %[[C2:.*]] = arith.constant dense<[4.000000e-01, 2.000000e-01, 0.100000009, 3.000000e-01]> : tensor<4xf32>
// CHECK:         %[[D2:.*]] = qc.add %[[C2]], %[[D]]
// CHECK:         %[[R:.*]] = qc.add %[[E]], %[[D2]]
// CHECK:         %[[ONES2:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK:         %[[NF:.*]] = qc.layer_normalization %[[R]], %[[ONES2]]
// CHECK:         %[[WH:.*]] = arith.constant dense<{{\[\[}}0.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00], [2.000000e+00, 2.000000e+00], [2.000000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// CHECK:         %[[Y:.*]] = qc.matmul %[[NF]], %[[WH]]
// CHECK-NOT:     qc.hadamard
// CHECK:         return %[[Y]]

// Folding alone keeps the embedding and adds no rotation.
// FOLD-LABEL: func.func @fold_and_rotate(
// FOLD:         arith.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]
// FOLD:         qc.layer_normalization %{{.*}}, %{{.*}} : (tensor<1x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
// FOLD:         arith.constant dense_resource<cst_lnfold> : tensor<4x8xf32>
// FOLD-NOT:     qc.hadamard
// FOLD:         arith.constant dense<{{\[\[}}2.000000e+00, 0.000000e+00], [0.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// FOLD:         cst_lnfold: "0x08000000000080
func.func @fold_and_rotate(%ids: tensor<1x3xi64>) -> tensor<1x3x2xf32> {
  %emb = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.5, -1.0, 2.0, 0.0], [-2.0, 1.0, 0.0, 3.0]]> : tensor<3x4xf32>
  %e = qc.gather %emb, %ids : (tensor<3x4xf32>, tensor<1x3xi64>) -> tensor<1x3x4xf32>
  %g = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %b = arith.constant dense<[0.5, 0.0, -0.5, 1.0]> : tensor<4xf32>
  %n = qc.layer_normalization %e, %g, %b : (tensor<1x3x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
  %w1 = arith.constant dense<0.25> : tensor<4x8xf32>
  %u = qc.matmul %n, %w1 : (tensor<1x3x4xf32>, tensor<4x8xf32>) -> tensor<1x3x8xf32>
  %a = qc.relu %u : tensor<1x3x8xf32>
  %w2 = arith.constant dense<0.5> : tensor<8x4xf32>
  %d = qc.matmul %a, %w2 : (tensor<1x3x8xf32>, tensor<8x4xf32>) -> tensor<1x3x4xf32>
  %c2 = arith.constant dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
  %d2 = qc.add %c2, %d : (tensor<4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  %r = qc.add %e, %d2 : (tensor<1x3x4xf32>, tensor<1x3x4xf32>) -> tensor<1x3x4xf32>
  %gf = arith.constant dense<2.0> : tensor<4xf32>
  %nf = qc.layer_normalization %r, %gf : (tensor<1x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
  %wh = arith.constant dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0]]> : tensor<4x2xf32>
  %y = qc.matmul %nf, %wh : (tensor<1x3x4xf32>, tensor<4x2xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// The LayerNorm bias goes into the consumer's existing bias:
// W' = diag([2, 3]) [[1, 2], [3, 4]] = [[2, 4], [9, 12]],
// c' = 0.5 + [1, -1] W = 0.5 + [-2, -2] = -1.5.
// The stream starts at a function argument, so it is not rotated; the
// LayerNorm output gets an online rotation instead.

// CHECK-LABEL: func.func @fold_only(
// CHECK-SAME:    %[[X:.*]]: tensor<1x2xf32>
// CHECK:         %[[N:.*]] = qc.layer_normalization %[[X]], %{{.*}} : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// CHECK:         %[[M:.*]] = qc.mul %[[N]]
// CHECK:         %[[H:.*]] = qc.hadamard %[[M]] {block_size = 2 : i64}
// CHECK:         qc.matmul %[[H]]

// FOLD-LABEL: func.func @fold_only(
// FOLD-SAME:    %[[X:.*]]: tensor<1x2xf32>
// FOLD:         %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<2xf32>
// FOLD:         %[[N:.*]] = qc.layer_normalization %[[X]], %[[ONES]] : (tensor<1x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
// FOLD:         %[[W:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 4.000000e+00], [9.000000e+00, 1.200000e+01]]> : tensor<2x2xf32>
// FOLD:         %[[M:.*]] = qc.matmul %[[N]], %[[W]]
// FOLD:         %[[C:.*]] = arith.constant dense<-1.500000e+00> : tensor<2xf32>
// FOLD:         %[[Y:.*]] = qc.add %[[C]], %[[M]]
// FOLD:         return %[[Y]]
func.func @fold_only(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %g = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, -1.0]> : tensor<2xf32>
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %c = arith.constant dense<0.5> : tensor<2xf32>
  // expected-remark@+1 {{residual stream not rotated: a function argument is part of it}}
  %n = qc.layer_normalization %x, %g, %b : (tensor<1x2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %m = qc.matmul %n, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %y = qc.add %c, %m : (tensor<2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// One online rotation serves every consumer of an activation. Without signs
// the weights are H W: a one-hot column becomes a column of H / 2, a
// constant one 2 e_0 (block 4), or H_2 / sqrt(2) per block of 2.

// CHECK-LABEL: func.func @shared_activation(
// CHECK:         %[[A:.*]] = qc.relu
// CHECK:         %[[M:.*]] = qc.mul %[[A]], %{{.*}} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
// CHECK:         %[[H:.*]] = qc.hadamard %[[M]] {block_size = 4 : i64} : tensor<2x4xf32>
// CHECK:         qc.matmul %[[H]]
// CHECK:         qc.matmul %[[H]]
// CHECK-NOT:     qc.hadamard

// NOSIGN-LABEL: func.func @shared_activation(
// NOSIGN:         %[[A:.*]] = qc.relu
// NOSIGN-NOT:     qc.mul
// NOSIGN:         %[[H:.*]] = qc.hadamard %[[A]] {block_size = 4 : i64} : tensor<2x4xf32>
// NOSIGN:         %[[W1:.*]] = arith.constant dense<{{\[\[}}5.000000e-01, 0.000000e+00], [5.000000e-01, 0.000000e+00], [5.000000e-01, 0.000000e+00], [5.000000e-01, 0.000000e+00]]> : tensor<4x2xf32>
// NOSIGN:         qc.matmul %[[H]], %[[W1]]
// NOSIGN:         %[[W2:.*]] = arith.constant dense<{{\[\[}}2.000000e+00, 2.000000e+00, 2.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<4x3xf32>
// NOSIGN:         qc.matmul %[[H]], %[[W2]]

// BLOCK-LABEL: func.func @shared_activation(
// BLOCK:         %[[H:.*]] = qc.hadamard %{{.*}} {block_size = 2 : i64} : tensor<2x4xf32>
// BLOCK:         %[[W1:.*]] = arith.constant dense<{{\[\[}}0.707106769, 0.000000e+00], [0.707106769, 0.000000e+00], [0.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00]]> : tensor<4x2xf32>
// BLOCK:         qc.matmul %[[H]], %[[W1]]
func.func @shared_activation(%x: tensor<2x4xf32>) -> (tensor<2x2xf32>, tensor<2x3xf32>) {
  %a = qc.relu %x : tensor<2x4xf32>
  %w1 = arith.constant dense<[[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]> : tensor<4x2xf32>
  %w2 = arith.constant dense<1.0> : tensor<4x3xf32>
  %y1 = qc.matmul %a, %w1 : (tensor<2x4xf32>, tensor<4x2xf32>) -> tensor<2x2xf32>
  %y2 = qc.matmul %a, %w2 : (tensor<2x4xf32>, tensor<4x3xf32>) -> tensor<2x3xf32>
  return %y1, %y2 : tensor<2x2xf32>, tensor<2x3xf32>
}

// -----

// A LayerNorm feeding something other than a linear layer keeps its scale,
// and then the residual stream it reads cannot be rotated either.

// CHECK-LABEL: func.func @not_folded(
// CHECK:         %[[G:.*]] = arith.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK:         qc.layer_normalization %{{.*}}, %[[G]]
// CHECK-NOT:     qc.hadamard
func.func @not_folded(%ids: tensor<1x3xi64>) -> tensor<1x3x4xf32> {
  %emb = arith.constant dense<1.0> : tensor<3x4xf32>
  %e = qc.gather %emb, %ids : (tensor<3x4xf32>, tensor<1x3xi64>) -> tensor<1x3x4xf32>
  %g = arith.constant dense<2.0> : tensor<4xf32>
  // expected-remark@+2 {{layer normalization not folded: its result feeds 'qc.relu', which is not a matrix product with a constant weight}}
  // expected-remark@+1 {{residual stream not rotated: a layer normalization reading it has a scale or bias (it was not folded)}}
  %n = qc.layer_normalization %e, %g : (tensor<1x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
  %r = qc.relu %n : tensor<1x3x4xf32>
  return %r : tensor<1x3x4xf32>
}

// -----

// A residual stream that is also a result would change: left alone, with
// an online rotation before the linear layer instead.

// CHECK-LABEL: func.func @returned(
// CHECK:         %[[EMB:.*]] = arith.constant dense<1.000000e+00> : tensor<3x4xf32>
// CHECK:         %[[E:.*]] = qc.gather %[[EMB]], %{{.*}}
// CHECK:         qc.hadamard
// CHECK:         return %{{.*}}, %[[E]]
func.func @returned(%ids: tensor<1x3xi64>) -> (tensor<1x3x2xf32>, tensor<1x3x4xf32>) {
  %emb = arith.constant dense<1.0> : tensor<3x4xf32>
  %e = qc.gather %emb, %ids : (tensor<3x4xf32>, tensor<1x3xi64>) -> tensor<1x3x4xf32>
  %g = arith.constant dense<1.0> : tensor<4xf32>
  %n = qc.layer_normalization %e, %g : (tensor<1x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = qc.matmul %n, %w : (tensor<1x3x4xf32>, tensor<4x2xf32>) -> tensor<1x3x2xf32>
  // expected-remark@+1 {{residual stream not rotated: it is read by 'func.return', which does not commute with a rotation}}
  return %y, %e : tensor<1x3x2xf32>, tensor<1x3x4xf32>
}

// -----

// Mean-preserving rotations need blocks of 4^k channels. The online rotation
// takes the largest power of two dividing 6.

// CHECK-LABEL: func.func @six_channels(
// CHECK:         qc.hadamard %{{.*}} {block_size = 2 : i64} : tensor<1x3x6xf32>
func.func @six_channels(%ids: tensor<1x3xi64>) -> tensor<1x3x2xf32> {
  %emb = arith.constant dense<1.0> : tensor<3x6xf32>
  %e = qc.gather %emb, %ids : (tensor<3x6xf32>, tensor<1x3xi64>) -> tensor<1x3x6xf32>
  %g = arith.constant dense<1.0> : tensor<6xf32>
  // expected-remark@+1 {{residual stream not rotated: its 6 channels are not a multiple of 4 (mean-preserving Hadamard rotations need blocks of 4^k channels)}}
  %n = qc.layer_normalization %e, %g : (tensor<1x3x6xf32>, tensor<6xf32>) -> tensor<1x3x6xf32>
  %w = arith.constant dense<1.0> : tensor<6x2xf32>
  %y = qc.matmul %n, %w : (tensor<1x3x6xf32>, tensor<6x2xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// A non-linear writer cannot absorb a rotation.

// CHECK-LABEL: func.func @written_by_relu(
// CHECK:         %[[C:.*]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK:         %[[R:.*]] = qc.relu
// CHECK:         qc.add %[[R]], %[[C]]
func.func @written_by_relu(%x: tensor<1x3x4xf32>) -> tensor<1x3x2xf32> {
  %c = arith.constant dense<1.0> : tensor<4xf32>
  // expected-remark@+1 {{residual stream not rotated: it is written by 'qc.relu', which is not a linear layer, embedding or constant}}
  %r = qc.relu %x : tensor<1x3x4xf32>
  %h = qc.add %r, %c : (tensor<1x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
  %g = arith.constant dense<1.0> : tensor<4xf32>
  %n = qc.layer_normalization %h, %g : (tensor<1x3x4xf32>, tensor<4xf32>) -> tensor<1x3x4xf32>
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = qc.matmul %n, %w : (tensor<1x3x4xf32>, tensor<4x2xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// Only LayerNorms over the last dimension are folded.

// CHECK-LABEL: func.func @two_axes(
// CHECK:         qc.layer_normalization %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x3x4xf32>, tensor<3x4xf32>)
func.func @two_axes(%x: tensor<1x3x4xf32>) -> tensor<1x3x2xf32> {
  %g = arith.constant dense<1.0> : tensor<3x4xf32>
  // expected-remark@+1 {{layer normalization not folded: it normalizes more than the last dimension}}
  %n = qc.layer_normalization %x, %g {axis = 1 : i64} : (tensor<1x3x4xf32>, tensor<3x4xf32>) -> tensor<1x3x4xf32>
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = qc.matmul %n, %w : (tensor<1x3x4xf32>, tensor<4x2xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// Depthwise convolutions run on qrt_ukernel_dwconv2d_acc_f32, split into
// tasks by channel: stride 1 over rows longer than one 64-lane block,
// stride 2 with a partial last vector, and dilation 2. The kernel sums in
// the generated loops' order, so the outputs agree with the reference
// evaluator to float rounding, with one and two threads.
// RUN: mkdir -p %t/in
// RUN: %randnpy %t/in/arg0.npy 1,6,21,70 9 -2 2
// RUN: quantc %s -o %t/m.so
// RUN: quant-run %s --reference --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/m.so --inputs %t/in --outputs %t/out
// RUN: quant-run %t/m.so --inputs %t/in --outputs %t/out2 --threads 2
// RUN: %npy compare %t/out/out0.npy %t/ref/out0.npy 1e-5
// RUN: %npy compare %t/out2/out0.npy %t/ref/out0.npy 1e-5
// RUN: %npy compare %t/out/out1.npy %t/ref/out1.npy 1e-5
// RUN: %npy compare %t/out/out2.npy %t/ref/out2.npy 1e-5
// RUN: quantc %s -o - --emit=llvm | FileCheck %s
// CHECK: llvm.func @qrt_ukernel_dwconv2d_acc_f32(
func.func @dw(%x: tensor<1x6x21x70xf32>) -> (tensor<1x6x21x70xf32>, tensor<1x6x11x35xf32>, tensor<1x6x17x66xf32>) {
  %w1 = arith.constant dense<[[[[-0.524, 0.088, -0.260], [0.208, 0.251, -0.869], [-0.974, 0.675, -0.481]]], [[[-0.531, 0.991, -0.059], [0.673, -0.047, 0.278], [-0.699, 0.270, 0.736]]], [[[0.046, 0.483, 0.343], [-0.872, 0.516, 0.182], [-0.397, -0.938, 0.731]]], [[[-0.055, 0.438, 0.758], [0.428, 0.842, -0.210], [0.602, -0.111, 0.871]]], [[[0.758, -0.805, -0.728], [-0.566, 0.931, -0.128], [0.253, -0.398, 0.014]]], [[[-0.228, -0.298, 0.170], [0.169, 0.808, 0.364], [0.858, 0.713, 0.982]]]]> : tensor<6x1x3x3xf32>
  %b1 = arith.constant dense<[0.343, -0.674, 0.721, 0.929, 0.809, 0.138]> : tensor<6xf32>
  %w2 = arith.constant dense<[[[[0.428, -0.578, 0.663], [0.147, -0.430, -0.873], [0.708, 0.980, -0.823]]], [[[0.601, -0.179, -0.698], [-0.412, 0.538, 0.746], [-0.912, 0.229, -0.910]]], [[[0.437, -0.338, 0.762], [0.961, 0.011, 0.997], [-0.381, -0.846, 0.200]]], [[[-0.937, -0.605, -0.184], [0.221, -0.688, -0.915], [0.736, -0.372, 0.917]]], [[[0.793, -0.244, -0.079], [0.040, 0.288, 0.191], [0.119, 0.240, 0.881]]], [[[0.014, -0.138, 0.441], [-0.525, -0.398, 0.956], [0.042, 0.097, -0.977]]]]> : tensor<6x1x3x3xf32>
  %w3 = arith.constant dense<[[[[-0.170, 0.160, -0.960], [0.232, 0.264, -0.880], [0.255, -0.067, 0.359]]], [[[-0.295, 0.414, 0.476], [-0.956, -0.879, 0.352], [0.927, -0.498, -0.087]]], [[[0.185, -0.360, -0.272], [-0.375, -0.262, 0.191], [-0.399, -0.246, 0.545]]], [[[-0.946, 0.139, 0.470], [-0.380, -0.555, 0.608], [-0.523, -0.625, -0.130]]], [[[0.396, -0.796, -0.356], [-0.332, 0.667, -0.123], [0.711, -0.661, -0.327]]], [[[0.300, 0.770, -0.098], [-0.550, -0.758, 0.059], [-0.618, 0.614, 0.677]]]]> : tensor<6x1x3x3xf32>
  %y1 = qc.conv %x, %w1, %b1 {group = 6 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x6x21x70xf32>, tensor<6x1x3x3xf32>, tensor<6xf32>) -> tensor<1x6x21x70xf32>
  %y2 = qc.conv %x, %w2 {group = 6 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x6x21x70xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x11x35xf32>
  %y3 = qc.conv %x, %w3 {group = 6 : i64, dilations = array<i64: 2, 2>} : (tensor<1x6x21x70xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x17x66xf32>
  return %y1, %y2, %y3 : tensor<1x6x21x70xf32>, tensor<1x6x11x35xf32>, tensor<1x6x17x66xf32>
}

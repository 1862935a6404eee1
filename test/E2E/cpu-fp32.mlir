// Compiled f32 models agree with the reference evaluator: each function is
// compiled to a shared library (with the microkernel GEMMs and without, the
// generated fallback), run through the runtime, and compared.
// RUN: split-file %s %t
// RUN: %randnpy %t/arg0.npy 1,8,12,12 1 -2 2
//
// RUN: quantc %t/convs.mlir -o %t/convs.so
// RUN: quantc %t/convs.mlir -o %t/convs-loops.so --no-data-tiling --no-threads
// RUN: mkdir -p %t/in && cp %t/arg0.npy %t/in/
// RUN: quant-run %t/convs.mlir --reference --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/convs.so --inputs %t/in --outputs %t/out --threads 2
// RUN: quant-run %t/convs-loops.so --inputs %t/in --outputs %t/out-loops
// RUN: %npy compare %t/out/out0.npy %t/ref/out0.npy 1e-4
// RUN: %npy compare %t/out-loops/out0.npy %t/ref/out0.npy 1e-4
//
// RUN: quantc %t/tail.mlir -o %t/tail.so
// RUN: quant-run %t/tail.mlir --reference --inputs %t/in --outputs %t/tref
// RUN: quant-run %t/tail.so --inputs %t/in --outputs %t/tout
// RUN: %npy compare %t/tout/out0.npy %t/tref/out0.npy 1e-5

//--- convs.mlir
// A PP-OCR-like block: 3x3 conv with bias, hard-swish, depthwise 5x5,
// pointwise conv, transposed conv (stride = kernel), resize, concat.
func.func @convs(%x: tensor<1x8x12x12xf32>) -> tensor<1x12x24x24xf32> {
  %w1 = arith.constant dense<0.05> : tensor<16x8x3x3xf32>
  %b1 = arith.constant dense<[0.1, -0.2, 0.3, 0.0, 0.5, -0.5, 0.25, 0.75, 0.1, -0.2, 0.3, 0.0, 0.5, -0.5, 0.25, 0.75]> : tensor<16xf32>
  %c1 = qc.conv %x, %w1, %b1 {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x12x12xf32>, tensor<16x8x3x3xf32>, tensor<16xf32>) -> tensor<1x16x12x12xf32>
  %h = qc.hard_swish %c1 : tensor<1x16x12x12xf32>
  %wd = arith.constant dense<0.04> : tensor<16x1x5x5xf32>
  %d = qc.conv %h, %wd {group = 16 : i64, pads = array<i64: 2, 2, 2, 2>} : (tensor<1x16x12x12xf32>, tensor<16x1x5x5xf32>) -> tensor<1x16x12x12xf32>
  %wp = arith.constant dense<-0.03> : tensor<6x16x1x1xf32>
  %p = qc.conv %d, %wp : (tensor<1x16x12x12xf32>, tensor<6x16x1x1xf32>) -> tensor<1x6x12x12xf32>
  %wt = arith.constant dense<0.2> : tensor<6x6x2x2xf32>
  %t = qc.conv_transpose %p, %wt {strides = array<i64: 2, 2>} : (tensor<1x6x12x12xf32>, tensor<6x6x2x2xf32>) -> tensor<1x6x24x24xf32>
  %r = qc.resize %p {coordinate_transformation_mode = #qc<coordinate_transform asymmetric>, nearest_mode = #qc<nearest_mode floor>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x6x12x12xf32>) -> tensor<1x6x24x24xf32>
  %cat = qc.concat %t, %r {axis = 1 : i64} : (tensor<1x6x24x24xf32>, tensor<1x6x24x24xf32>) -> tensor<1x12x24x24xf32>
  return %cat : tensor<1x12x24x24xf32>
}

//--- tail.mlir
// Pooling, flatten, a matmul with constant weights, softmax.
func.func @tail(%x: tensor<1x8x12x12xf32>) -> tensor<1x5xf32> {
  %m = qc.max_pool %x {kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x12x12xf32>) -> tensor<1x8x6x6xf32>
  %a = qc.average_pool %m {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x6x6xf32>) -> tensor<1x8x3x3xf32>
  %f = qc.flatten %a : (tensor<1x8x3x3xf32>) -> tensor<1x72xf32>
  %w = arith.constant dense<0.02> : tensor<72x5xf32>
  %y = qc.matmul %f, %w : (tensor<1x72xf32>, tensor<72x5xf32>) -> tensor<1x5xf32>
  %s = qc.softmax %y : tensor<1x5xf32>
  return %s : tensor<1x5xf32>
}

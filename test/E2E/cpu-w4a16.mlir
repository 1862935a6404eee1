// W4A16: int4 weights stay packed for the 1x1 conv (qrt_ukernel_mmt4d_f32_wq)
// and are dequantized at compile time for float ops that read them
// directly (the depthwise conv); both agree with the reference evaluator.
// RUN: mkdir -p %t/in
// RUN: %randnpy %t/in/arg0.npy 1,4,6,6 7 -2 2
// RUN: quantc %s -o %t/m.so
// RUN: quant-run %s --reference --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/m.so --inputs %t/in --outputs %t/out
// RUN: %npy compare %t/out/out0.npy %t/ref/out0.npy 1e-5
// RUN: quantc %s -o - --emit=llvm | FileCheck %s
// CHECK: qrt_ukernel_mmt4d_f32_wq
// CHECK-NOT: i4
func.func @w4a16(%x: tensor<1x4x6x6xf32>) -> tensor<1x2x6x6xf32> {
  %d = arith.constant dense<[[[[1, -2, 3], [4, -5, 6], [7, -8, 0]]], [[[-1, 2, -3], [4, 5, -6], [7, 0, 1]]], [[[2, 2, 2], [-2, -2, -2], [0, 1, 0]]], [[[7, -8, 7], [0, 0, 0], [1, 1, 1]]]]> : tensor<4x1x3x3xi4>
  %dq = quant.scast %d : tensor<4x1x3x3xi4> to tensor<4x1x3x3x!quant.uniform<i4:f32:0, {0.5, 0.25, 0.125, 0.0625}>>
  %dw = qc.dequantize %dq : tensor<4x1x3x3x!quant.uniform<i4:f32:0, {0.5, 0.25, 0.125, 0.0625}>> -> tensor<4x1x3x3xf32>
  %h = qc.conv %x, %dw {group = 4 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x6x6xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x6x6xf32>
  %p = arith.constant dense<[[[[3]], [[-4]], [[5]], [[-6]]], [[[1]], [[2]], [[-3]], [[7]]]]> : tensor<2x4x1x1xi4>
  %pq = quant.scast %p : tensor<2x4x1x1xi4> to tensor<2x4x1x1x!quant.uniform<i4:f32:0, {0.1, 0.2}>>
  %pw = qc.dequantize %pq : tensor<2x4x1x1x!quant.uniform<i4:f32:0, {0.1, 0.2}>> -> tensor<2x4x1x1xf32>
  %y = qc.conv %h, %pw : (tensor<1x4x6x6xf32>, tensor<2x4x1x1xf32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

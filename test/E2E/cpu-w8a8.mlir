// W8A8 contractions run on the integer microkernels (exact int32
// accumulation, one f32 rescale per output); they agree with the reference
// evaluator's f32 simulation of the same quantized graph to float rounding.
// RUN: mkdir -p %t/in
// RUN: %randnpy %t/in/arg0.npy 1,8,10,10 5 -2 2
// RUN: quantc %s -o %t/m.so
// RUN: quantc %s -o %t/m-loops.so --no-data-tiling
// RUN: quant-run %s --reference --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/m.so --inputs %t/in --outputs %t/out
// RUN: quant-run %t/m-loops.so --inputs %t/in --outputs %t/out-loops
// RUN: %npy compare %t/out/out0.npy %t/ref/out0.npy 1e-4
// RUN: %npy compare %t/out-loops/out0.npy %t/ref/out0.npy 1e-4
// RUN: quantc %s -o %t/g.so --no-data-tiling --no-threads --gpu-forms
// RUN: quant-run %t/g.so --inputs %t/in --outputs %t/gout
// RUN: %npy compare %t/gout/out0.npy %t/ref/out0.npy 0
// RUN: quantc %s -o - --emit=llvm | FileCheck %s
// CHECK: qrt_ukernel_mmt4d_s8u8s32
func.func @w8a8(%x: tensor<1x8x10x10xf32>) -> tensor<1x4x10x10xf32> {
  %xq = qc.quantize %x : tensor<1x8x10x10xf32> -> tensor<1x8x10x10x!quant.uniform<u8:f32, 0.015625:128>>
  %xd = qc.dequantize %xq : tensor<1x8x10x10x!quant.uniform<u8:f32, 0.015625:128>> -> tensor<1x8x10x10xf32>
  %c = arith.constant dense<"0xEC110D090501FDF9F5F1ED120E0A0602FEFAF6F2EE130F0B0703FFFBF7F3EF14"> : tensor<4x8x1x1xi8>
  %cq = quant.scast %c : tensor<4x8x1x1xi8> to tensor<4x8x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125, 0.0625}>>
  %w = qc.dequantize %cq : tensor<4x8x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125, 0.0625}>> -> tensor<4x8x1x1xf32>
  %b = arith.constant dense<[1.0, -1.0, 0.5, 0.0]> : tensor<4xf32>
  %y = qc.conv %xd, %w, %b : (tensor<1x8x10x10xf32>, tensor<4x8x1x1xf32>, tensor<4xf32>) -> tensor<1x4x10x10xf32>
  return %y : tensor<1x4x10x10xf32>
}

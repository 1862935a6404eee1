// W8A8 depthwise convolutions (u8 activations, s8 per-channel weights) run
// on qrt_ukernel_dwconv2d_acc_u8s8s32, split into tasks by channel: 3x3
// stride 1 with a bias over rows longer than one 64-lane block, 5x5 stride 2
// (two groups of 4 taps per kernel row on VNNI), and dilation 2 (the scalar
// loop). Both the kernel and the reference evaluator sum in exact integers
// and requantize with the same fma, so the outputs are bit-identical, with
// one and two threads.
// RUN: mkdir -p %t/in
// RUN: %randnpy %t/in/arg0.npy 1,6,21,70 13 -2 2
// RUN: quantc %s -o %t/m.so
// RUN: quant-run %s --reference --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/m.so --inputs %t/in --outputs %t/out
// RUN: quant-run %t/m.so --inputs %t/in --outputs %t/out2 --threads 2
// RUN: %npy compare %t/out/out0.npy %t/ref/out0.npy
// RUN: %npy compare %t/out2/out0.npy %t/ref/out0.npy
// RUN: %npy compare %t/out/out1.npy %t/ref/out1.npy
// RUN: %npy compare %t/out2/out1.npy %t/ref/out1.npy
// The CUDA target's form (quantc --no-data-tiling --gpu-forms): the same
// i32 generic as loops, exact like the evaluator.
// RUN: quantc %s -o %t/g.so --no-data-tiling --no-threads --gpu-forms
// RUN: quant-run %t/g.so --inputs %t/in --outputs %t/gout
// RUN: %npy compare %t/gout/out0.npy %t/ref/out0.npy 0
// RUN: %npy compare %t/gout/out1.npy %t/ref/out1.npy 0
// RUN: %npy compare %t/out/out2.npy %t/ref/out2.npy
// RUN: quantc %s -o - --emit=llvm | FileCheck %s
// CHECK: llvm.func @qrt_ukernel_dwconv2d_acc_u8s8s32(
// CHECK-NOT: qrt_ukernel_dwconv2d_acc_f32
func.func @dw(%x: tensor<1x6x21x70xf32>) -> (tensor<1x6x21x70xf32>, tensor<1x6x11x35xf32>, tensor<1x6x17x66xf32>) {
  %xq = qc.quantize %x : tensor<1x6x21x70xf32> -> tensor<1x6x21x70x!quant.uniform<u8:f32, 0.015625:128>>
  %xd = qc.dequantize %xq : tensor<1x6x21x70x!quant.uniform<u8:f32, 0.015625:128>> -> tensor<1x6x21x70xf32>
  %c1 = arith.constant dense<"0x20C23EDC4C3172583E276D088858F84772C0278E67A99DE0F95FC0E20C9B13C0843CB8E9C8AF6B5F45E4A9444D93A41F1FF2A1A28179"> : tensor<6x1x3x3xi8>
  %q1 = quant.scast %c1 : tensor<6x1x3x3xi8> to tensor<6x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.004, 0.00548, 0.00696, 0.00844, 0.00992, 0.0114}>>
  %w1 = qc.dequantize %q1 : tensor<6x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.004, 0.00548, 0.00696, 0.00844, 0.00992, 0.0114}>> -> tensor<6x1x3x3xf32>
  %b1 = arith.constant dense<[0.343, -0.674, 0.721, 0.929, 0.809, 0.138]> : tensor<6xf32>
  %c2 = arith.constant dense<"0x6082B647B8767CAB60ABCBD177B30B612E21B5AF717831B3787865E3CD86DDEBAB70A6C491D5CE521B1781192E36D791D0DB52CFFC33D1B0FCF935AE8FC27A71867440DC59E8850D4AECDEE1155883F48C36AF207575B39F42BF6E5272F7D904DB6507C147F79C1740484DDF5DCC8AEF737B98B6D8041DDD6CA6D8C76D340C98D030D2CFAE4D9521A73931D0FCAA398D957D1A096DE8"> : tensor<6x1x5x5xi8>
  %q2 = quant.scast %c2 : tensor<6x1x5x5xi8> to tensor<6x1x5x5x!quant.uniform<i8<-127:127>:f32:0, {0.003, 0.00411, 0.00522, 0.00633, 0.00744, 0.00855}>>
  %w2 = qc.dequantize %q2 : tensor<6x1x5x5x!quant.uniform<i8<-127:127>:f32:0, {0.003, 0.00411, 0.00522, 0.00633, 0.00744, 0.00855}>> -> tensor<6x1x5x5xf32>
  %c3 = arith.constant dense<"0x89BD3E19D954C1F527ECA68F7B6B24894EFFD657B6A27C3C1174A222664AEA9CACF0E0A79059ECCCA5F56D1F5BAC7A06F576FD313BD2"> : tensor<6x1x3x3xi8>
  %q3 = quant.scast %c3 : tensor<6x1x3x3xi8> to tensor<6x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.005, 0.00685, 0.0087, 0.01055, 0.0124, 0.01425}>>
  %w3 = qc.dequantize %q3 : tensor<6x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.005, 0.00685, 0.0087, 0.01055, 0.0124, 0.01425}>> -> tensor<6x1x3x3xf32>
  %y1 = qc.conv %xd, %w1, %b1 {group = 6 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x6x21x70xf32>, tensor<6x1x3x3xf32>, tensor<6xf32>) -> tensor<1x6x21x70xf32>
  %y2 = qc.conv %xd, %w2 {group = 6 : i64, pads = array<i64: 2, 2, 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x6x21x70xf32>, tensor<6x1x5x5xf32>) -> tensor<1x6x11x35xf32>
  %y3 = qc.conv %xd, %w3 {group = 6 : i64, dilations = array<i64: 2, 2>} : (tensor<1x6x21x70xf32>, tensor<6x1x3x3xf32>) -> tensor<1x6x17x66xf32>
  return %y1, %y2, %y3 : tensor<1x6x21x70xf32>, tensor<1x6x11x35xf32>, tensor<1x6x17x66xf32>
}

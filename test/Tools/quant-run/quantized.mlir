// Quantized arguments read their storage integers from the .npy file (u8
// storage from '|u1', i8 from '|i1'); quantized results are written as their
// storage integers. Characters of onnx.name that do not belong in a file name
// become '_'.

// RUN: rm -rf %t && mkdir -p %t/in
// RUN: %npy write %t/in/q.npy u1 4 0,128,200,255
// RUN: %npy write %t/in/x.npy f4 4 0.25,-0.25,100,-1.3
// RUN: quant-run %s --reference --inputs %t/in --outputs %t/out
// RUN: %npy print %t/out/dq.npy | FileCheck %s --check-prefix=DQ
// RUN: %npy print %t/out/x_q_0.npy | FileCheck %s --check-prefix=XQ

// (q - 128) * 0.5.
// DQ: <f4 (4,): -64 0 36 63.5
// x / 0.5 rounded half to even, clamped to [-128, 127].
// XQ: |i1 (4,): 0 0 127 -3

!u8 = !quant.uniform<u8:f32, 0.5:128>
!i8 = !quant.uniform<i8:f32, 0.5:0>
func.func @main(%q: tensor<4x!u8> {onnx.name = "q"}, %x: tensor<4xf32> {onnx.name = "x"})
    -> (tensor<4xf32> {onnx.name = "dq"}, tensor<4x!i8> {onnx.name = "x/q:0"}) {
  %0 = qc.dequantize %q : tensor<4x!u8> -> tensor<4xf32>
  %1 = qc.quantize %x : tensor<4xf32> -> tensor<4x!i8>
  return %0, %1 : tensor<4xf32>, tensor<4x!i8>
}

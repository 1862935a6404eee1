// A graph after qc-fake-quantize-activations (the input of cpu-fake-
// quantize-activations.mlir's matmul, rounded to 4 bits in blocks of 32)
// compiles for the CUDA target: the block maximum becomes a reduction
// kernel and the rounding an elementwise one, each assembled by ptxas for
// sm_80 and sm_90. (Not yet run on a GPU; the CPU form computes the same
// ops and matches the evaluator: cpu-fake-quantize-activations.mlir.)
// REQUIRES: cuda-toolkit
// RUN: quant-opt %s -qc-fake-quantize-activations="remarks=false" -o %t.mlir
// RUN: quantc %t.mlir --target=cuda --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: quantc %t.mlir --target=cuda --cuda-arch=sm_80 -o %t.80.so
// RUN: quantc %t.mlir --target=cuda --cuda-arch=sm_90 -o %t.90.so

// The block maximum (max of |x| over 32 values) and the rounding
// (cvt.rni: round to nearest even) in the kernels; ONNX Max propagates
// NaN (max.NaN).
// CHECK: .entry
// CHECK-DAG: abs.f32
// CHECK-DAG: max.NaN.f32
// CHECK-DAG: cvt.rni.f32.f32
func.func @f(%x: tensor<16x64xf32> {onnx.name = "x"}) -> (tensor<16x8xf32> {onnx.name = "y"}) {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  %y = qc.matmul %x, %w : (tensor<16x64xf32>, tensor<64x8xf32>) -> tensor<16x8xf32>
  return %y : tensor<16x8xf32>
}

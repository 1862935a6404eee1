// What the ONNX exporter rejects: every error names the op (at its location)
// and says what was expected, and nothing is written.

// RUN: rm -rf %t && split-file %s %t

// RUN: not quantc %t/unmapped.mlir --emit=onnx-qdq -o %t/unmapped.onnx 2>&1 | FileCheck %s --check-prefix=UNMAPPED
// RUN: test ! -e %t/unmapped.onnx
// UNMAPPED: unmapped.mlir:4:8: error: cannot export 'arith.addf' to ONNX: quantc has no ONNX mapping for this op

// RUN: not quantc %t/unmapped.mlir --emit=onnx-qdq --onnx-opset=16 -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=OPSET16
// RUN: not quantc %t/unmapped.mlir --emit=onnx-qdq --onnx-opset=24 -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=OPSET24
// OPSET16: error: cannot export to ONNX opset 16: expected an opset from 17 to 23
// OPSET24: error: cannot export to ONNX opset 24: expected an opset from 17 to 23

// RUN: not quantc %t/wrap.mlir --emit=onnx-qdq --onnx-opset=18 -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=WRAP
// WRAP: wrap.mlir:3:8: error: cannot export a pad in wrap mode to ONNX opset 18: Pad has wrap mode from opset 19

// RUN: not quantc %t/int32.mlir --emit=onnx-qdq -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=INT32
// INT32: int32.mlir:3:8: error: cannot export a quantization to 'tensor<4x!quant.uniform<i32:f32, 5.000000e-01>>': ONNX QuantizeLinear produces at most 16-bit integers

// RUN: not quantc %t/blocked.mlir --emit=onnx-qdq --onnx-opset=20 -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=BLOCKED
// BLOCKED: blocked.mlir:3:8: error: cannot export the blockwise type 'tensor<4x2x!quant.uniform<i8:f32:{0:2, 1:1}, {{.*}}>>' to ONNX opset 20: QuantizeLinear has block_size from opset 21

// RUN: not quantc %t/two-axes.mlir --emit=onnx-qdq -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=TWO-AXES
// TWO-AXES: two-axes.mlir:3:8: error: cannot export 'tensor<4x4x!quant.uniform<i8:f32:{0:2, 1:2}, {{.*}}>>' to ONNX: ONNX's blockwise QuantizeLinear and DequantizeLinear block along one axis only

// RUN: not quantc %t/elided.mlir --emit=onnx-qdq -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=ELIDED
// ELIDED: elided.mlir:3:8: error: cannot export the constant 'blob': its resource blob is missing (was the module printed with --mlir-elide-resources?)

// RUN: not quantc %t/two-functions.mlir --emit=onnx-qdq -o %t/o.onnx 2>&1 | FileCheck %s --check-prefix=TWO-FUNCS
// TWO-FUNCS: error: cannot export to ONNX: expected one public function or @main, found @f and @g

//--- unmapped.mlir
func.func @main(%x: tensor<2xf32> {onnx.name = "x"})
    -> (tensor<2xf32> {onnx.name = "y"}) {
  %0 = qc.relu %x : tensor<2xf32>
  %1 = arith.addf %0, %0 : tensor<2xf32>
  return %1 : tensor<2xf32>
}

//--- wrap.mlir
func.func @main(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %0 = qc.relu %x : tensor<2x3xf32>
  %1 = qc.pad %0 {pads = array<i64: 0, 1, 0, 1>, mode = #qc<pad_mode wrap>} : (tensor<2x3xf32>) -> tensor<2x5xf32>
  return %1 : tensor<2x5xf32>
}

//--- int32.mlir
func.func @main(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i32:f32, 0.5>> {
  %0 = qc.relu %x : tensor<4xf32>
  %1 = qc.quantize %0 : tensor<4xf32> -> tensor<4x!quant.uniform<i32:f32, 0.5>>
  return %1 : tensor<4x!quant.uniform<i32:f32, 0.5>>
}

//--- blocked.mlir
!b = !quant.uniform<i8:f32:{0:2, 1:1}, {{0.5:0, 0.25:0}, {1.0:0, 2.0:0}}>
func.func @main(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %0 = qc.quantize %x : tensor<4x2xf32> -> tensor<4x2x!b>
  %1 = qc.dequantize %0 : tensor<4x2x!b> -> tensor<4x2xf32>
  return %1 : tensor<4x2xf32>
}

//--- two-axes.mlir
!b = !quant.uniform<i8:f32:{0:2, 1:2}, {{0.5:0, 0.25:0}, {1.0:0, 2.0:0}}>
func.func @main(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %0 = qc.quantize %x : tensor<4x4xf32> -> tensor<4x4x!b>
  %1 = qc.dequantize %0 : tensor<4x4x!b> -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}

//--- elided.mlir
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = qc.relu %x : tensor<2xf32>
  %c = arith.constant dense_resource<blob> : tensor<2xf32>
  %1 = qc.add %0, %c : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

//--- two-functions.mlir
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
func.func @g(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

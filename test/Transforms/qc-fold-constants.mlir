// RUN: quant-opt %s -qc-fold-constants -split-input-file | FileCheck %s
// RUN: quant-opt %s -qc-fold-constants="max-elements=3" -split-input-file | FileCheck %s --check-prefix=LIMIT

// A chain of constant ops folds completely; the transposed weight becomes
// one constant.
// CHECK-LABEL: func.func @chain(
// CHECK-SAME:    %[[X:.*]]: tensor<4x2xf32>
// CHECK:         %[[W:.*]] = arith.constant dense<{{\[}}[2.000000e+00, 6.000000e+00], [4.000000e+00, 8.000000e+00]]> : tensor<2x2xf32>
// CHECK-NOT:     qc.transpose
// CHECK-NOT:     qc.mul
// CHECK:         %[[Y:.*]] = qc.matmul %[[X]], %[[W]]
// CHECK:         return %[[Y]]
// LIMIT-LABEL: func.func @chain(
// LIMIT:         qc.transpose
// LIMIT:         qc.mul
func.func @chain(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %two = arith.constant dense<2.0> : tensor<1xf32>
  %t = qc.transpose %w {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %s = qc.mul %t, %two : (tensor<2x2xf32>, tensor<1xf32>) -> tensor<2x2xf32>
  %y = qc.matmul %x, %s : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Integer shape arithmetic folds too.
// CHECK-LABEL: func.func @integers(
// CHECK:         %[[C:.*]] = arith.constant dense<[3, 8]> : tensor<2xi64>
// CHECK:         return %[[C]]
func.func @integers() -> tensor<2xi64> {
  %a = arith.constant dense<[1, 6]> : tensor<2xi64>
  %b = arith.constant dense<2> : tensor<2xi64>
  %c = qc.add %a, %b : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %c : tensor<2xi64>
}

// -----

// A quantized weight keeps its form: qc.dequantize is never folded, and
// neither is an op reading a non-constant.
// CHECK-LABEL: func.func @quantized_weight(
// CHECK:         arith.constant dense<[1, -2]> : tensor<2xi8>
// CHECK:         quant.scast
// CHECK:         qc.dequantize
// CHECK:         qc.add
func.func @quantized_weight(%x: tensor<2xf32>) -> tensor<2xf32> {
  %c = arith.constant dense<[1, -2]> : tensor<2xi8>
  %q = quant.scast %c : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.5>>
  %w = qc.dequantize %q : tensor<2x!quant.uniform<i8:f32, 0.5>> -> tensor<2xf32>
  %y = qc.add %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// A constant qc.quantize is not evaluated either.
// CHECK-LABEL: func.func @no_quantize(
// CHECK:         qc.quantize
func.func @no_quantize() -> tensor<2x!quant.uniform<i8:f32, 0.5>> {
  %c = arith.constant dense<[1.0, -2.0]> : tensor<2xf32>
  %q = qc.quantize %c : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32, 0.5>>
  return %q : tensor<2x!quant.uniform<i8:f32, 0.5>>
}

// -----

// An integer division by zero is an error at run time: the op stays, and
// folding does not report it.
// CHECK-LABEL: func.func @division_by_zero(
// CHECK:         qc.div
func.func @division_by_zero() -> tensor<1xi32> {
  %a = arith.constant dense<1> : tensor<1xi32>
  %b = arith.constant dense<0> : tensor<1xi32>
  %c = qc.div %a, %b : (tensor<1xi32>, tensor<1xi32>) -> tensor<1xi32>
  return %c : tensor<1xi32>
}

// RUN: quant-opt %s -qc-cpu-approximate-math -split-input-file | FileCheck %s

// Transcendental functions become arithmetic that vectorizes; no libm call
// remains for exp, tanh, erf or log.
// CHECK-LABEL: func.func @transcendental(
// CHECK-NOT:     math.exp
// CHECK-NOT:     math.tanh
// CHECK-NOT:     math.erf
// CHECK-NOT:     math.log
// CHECK:         arith.mulf
// CHECK:         return
func.func @transcendental(%x: f32) -> (f32, f32, f32, f32) {
  %a = math.exp %x : f32
  %b = math.tanh %x : f32
  %c = math.erf %x : f32
  %d = math.log %x : f32
  return %a, %b, %c, %d : f32, f32, f32, f32
}

// -----

// Operations without an approximation are left alone.
// CHECK-LABEL: func.func @untouched(
// CHECK:         math.sqrt
func.func @untouched(%x: f32) -> f32 {
  %a = math.sqrt %x : f32
  return %a : f32
}

// RUN: quant-opt %s -qc-cpu-lower-linalg-to-loops -split-input-file | FileCheck %s

// By default, parallel dimensions become scf.parallel loops and reductions
// scf.for loops, in the op's dimension order.
// CHECK-LABEL: func.func @default_order(
// CHECK:         scf.parallel (%{{.*}}) =
// CHECK:           scf.for
// CHECK:             scf.parallel (%{{.*}}) =
func.func @default_order(%x: memref<4x8x16xf32>, %y: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x : memref<4x8x16xf32>) outs(%y : memref<4x16xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// `qc.loop_order = "sequential"` keeps the dimension order: the contiguous
// parallel dimension stays innermost, inside the reduction.
// CHECK-LABEL: func.func @sequential(
// CHECK-NOT:     scf.parallel
// CHECK:         scf.for %[[I:.*]] = %c0{{.*}} to %c4
// CHECK:           scf.for %[[R:.*]] = %c0{{.*}} to %c8
// CHECK:             scf.for %[[J:.*]] = %c0{{.*}} to %c16
// CHECK:               affine.apply #{{.*}}(%[[I]])
// CHECK:               affine.apply #{{.*}}(%[[R]])
// CHECK:               affine.apply #{{.*}}(%[[J]])
func.func @sequential(%x: memref<4x8x16xf32>, %y: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x : memref<4x8x16xf32>) outs(%y : memref<4x16xf32>) attrs = {qc.loop_order = "sequential"} {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

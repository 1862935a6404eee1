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
// CHECK:           affine.apply #{{.*}}(%[[I]])
// CHECK:           scf.for %[[R:.*]] = %c0{{.*}} to %c8
// CHECK:             affine.apply #{{.*}}(%[[R]])
// CHECK:             scf.for %[[J:.*]] = %c0{{.*}} to %c16
// CHECK:               affine.apply #{{.*}}(%[[J]])
func.func @sequential(%x: memref<4x8x16xf32>, %y: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x : memref<4x8x16xf32>) outs(%y : memref<4x16xf32>) attrs = {qc.loop_order = "sequential"} {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction's accumulator stays in a register: the load and store of
// y[i] leave the reduction loop, whose iter_arg carries the sum.
// CHECK-LABEL: func.func @accumulator(
// CHECK:         scf.parallel
// CHECK:           %[[I:.*]] = affine.apply
// CHECK:           %[[INIT:.*]] = memref.load %{{.*}}[%[[I]]]
// CHECK:           %[[SUM:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32)
// CHECK-NOT:         memref.store
// CHECK:             %[[NEXT:.*]] = arith.addf %{{.*}}, %[[ACC]] fastmath<reassoc> : f32
// CHECK:             scf.yield %[[NEXT]] : f32
// CHECK:           memref.store %[[SUM]], %{{.*}}[%[[I]]]
func.func @accumulator(%x: memref<4x64xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : memref<4x64xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return
}

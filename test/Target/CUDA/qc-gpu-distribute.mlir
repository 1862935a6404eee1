// RUN: quant-opt %s -qc-gpu-distribute=block-size=4 -cse -split-input-file -verify-diagnostics | FileCheck %s

// A 3x5 nest: 15 iterations, 4 blocks of 4 threads, a bounds guard, and the
// row-major delinearisation (innermost dimension fastest).
// CHECK-LABEL: func.func @nest(
// CHECK-SAME:    %[[A:.*]]: memref<3x5xf32>, %[[B:.*]]: memref<3x5xf32>)
// CHECK-DAG:     %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         gpu.launch blocks(%[[BX:[^,]*]], {{.*}} in ({{[^ ]*}} = %[[C4]], {{[^ ]*}} = %[[C1]], {{[^ ]*}} = %[[C1]]) threads(%[[TX:[^,]*]], {{.*}} in ({{[^ ]*}} = %[[C4]], {{[^ ]*}} = %[[C1]], {{[^ ]*}} = %[[C1]])
// CHECK:           %[[M:.*]] = arith.muli %[[BX]], %{{.*}} : index
// CHECK:           %[[ID:.*]] = arith.addi %[[M]], %[[TX]] : index
// CHECK:           %[[IN:.*]] = arith.cmpi ult, %[[ID]], %{{.*}} : index
// CHECK:           scf.if %[[IN]] {
// CHECK:             %[[J:.*]] = arith.remui %[[ID]], %{{.*}} : index
// CHECK:             %[[I:.*]] = arith.divui %[[ID]], %{{.*}} : index
// CHECK:             %[[V:.*]] = memref.load %[[A]][%[[I]], %[[J]]]
// CHECK:             memref.store %[[V]], %[[B]][%[[I]], %[[J]]]
// CHECK:           gpu.terminator
// CHECK-NOT:     scf.parallel
func.func @nest(%a: memref<3x5xf32>, %b: memref<3x5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c5) step (%c1, %c1) {
    %v = memref.load %a[%i, %j] : memref<3x5xf32>
    memref.store %v, %b[%i, %j] : memref<3x5xf32>
  }
  return
}

// -----

// Lower bounds and steps come back; an exact multiple of the block size
// needs no guard.
// CHECK-LABEL: func.func @strided(
// CHECK:         gpu.launch
// CHECK-NOT:       scf.if
// CHECK:           %[[ID:.*]] = arith.addi
// CHECK:           %[[S:.*]] = arith.muli %[[ID]], %{{.*}} : index
// CHECK:           %[[I:.*]] = arith.addi %[[S]], %{{.*}} : index
// CHECK:           memref.store %{{.*}}, %{{.*}}[%[[I]]]
func.func @strided(%b: memref<20xf32>) {
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c19 = arith.constant 19 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c3) to (%c19) step (%c2) {
    memref.store %f, %b[%i] : memref<20xf32>
  }
  return
}

// -----

// A copy becomes a parallel loop on the GPU; a serial loop (a full
// reduction) and the store after it run in one single-thread launch.
// CHECK-LABEL: func.func @serial(
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1 : index
// CHECK:         gpu.launch
// CHECK:           memref.load
// CHECK:           memref.store
// CHECK:         gpu.launch blocks({{.*}}) in ({{[^ ]*}} = %[[ONE]], {{.*}}) threads({{.*}}) in ({{[^ ]*}} = %[[ONE]],
// CHECK:           scf.for
// CHECK:           memref.store
// CHECK:           gpu.terminator
// CHECK-NOT:     memref.copy
func.func @serial(%a: memref<8xf32>, %b: memref<8xf32>, %s: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  memref.copy %a, %b : memref<8xf32> to memref<8xf32>
  %r = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %z) -> f32 {
    %v = memref.load %b[%i] : memref<8xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  }
  %d = arith.divf %r, %z : f32
  memref.store %d, %s[] : memref<f32>
  return
}

// -----

func.func @dynamic(%b: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  // expected-error @below {{'scf.parallel' op expected constant bounds and positive steps to map onto the GPU}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %f, %b[%i] : memref<?xf32>
  }
  return
}

// -----

func.func @escapes(%a: memref<8xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @below {{'memref.load' op computes a value that the host uses, which the GPU code cannot provide}}
  %v = memref.load %a[%c0] : memref<8xf32>
  return %v : f32
}

// -----

// A matmul's reduction loop: the accumulator C[i, j] lives in a register
// across the loop (one load before, one store after).
// CHECK-LABEL: func.func @accumulate(
// CHECK-SAME:    %[[A:.*]]: memref<2x8xf32>, %[[B:.*]]: memref<8x4xf32>, %[[C:.*]]: memref<2x4xf32>)
// CHECK:         gpu.launch
// CHECK:           %[[INIT:.*]] = memref.load %[[C]][%[[I:.*]], %[[J:.*]]] : memref<2x4xf32>
// CHECK:           %[[R:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NOT:         memref.store
// CHECK:             %[[M:.*]] = arith.mulf
// CHECK:             %[[S:.*]] = arith.addf %[[ACC]], %[[M]] : f32
// CHECK:             scf.yield %[[S]] : f32
// CHECK:           memref.store %[[R]], %[[C]][%[[I]], %[[J]]] : memref<2x4xf32>
func.func @accumulate(%a: memref<2x8xf32>, %b: memref<8x4xf32>, %c: memref<2x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c4) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %x = memref.load %a[%i, %k] : memref<2x8xf32>
      %y = memref.load %b[%k, %j] : memref<8x4xf32>
      %z = memref.load %c[%i, %j] : memref<2x4xf32>
      %m = arith.mulf %x, %y : f32
      %s = arith.addf %z, %m : f32
      memref.store %s, %c[%i, %j] : memref<2x4xf32>
    }
  }
  return
}

// -----

// A matmul in (m, k, n) order: the parallel n loop moves out of the
// reduction, so all 2x4 outputs get a thread and the k loop runs inside.
// CHECK-LABEL: func.func @mkn(
// CHECK:         gpu.launch
// CHECK:           scf.if
// CHECK:             arith.remui
// CHECK:             arith.divui
// CHECK:             %[[R:.*]] = scf.for {{.*}} = %c0 to %c8 step %c1 iter_args
// CHECK:               memref.load %{{.*}} : memref<2x8xf32>
// CHECK:               memref.load %{{.*}} : memref<8x3xf32>
// CHECK-NOT:           memref.store
// CHECK:             memref.store %[[R]], %{{.*}} : memref<2x3xf32>
// CHECK-NOT:     scf.parallel
// CHECK-NOT:     linalg.generic
#mk = affine_map<(m, k, n) -> (m, k)>
#kn = affine_map<(m, k, n) -> (k, n)>
#mn = affine_map<(m, k, n) -> (m, n)>
func.func @mkn(%a: memref<2x8xf32>, %b: memref<8x3xf32>, %c: memref<2x3xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x8xf32>, memref<8x3xf32>) outs(%c : memref<2x3xf32>) {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Few outputs with a long reduction each (a softmax denominator): one block
// per output, its threads split the loop, gpu.all_reduce combines them with
// the accumulator's initial value, and thread 0 stores.
// CHECK-LABEL: func.func @block_reduce(
// CHECK-SAME:    %[[A:.*]]: memref<3x4096xf32>, %[[S:.*]]: memref<3xf32>)
// CHECK-DAG:     %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG:     %[[C4:.*]] = arith.constant 4 : index
// CHECK:         gpu.launch blocks(%[[BX:[^,]*]], {{.*}} in ({{[^ ]*}} = %[[C3]], {{.*}} threads(%[[TX:[^,]*]], {{.*}} in ({{[^ ]*}} = %[[C4]],
// CHECK:           %[[INIT:.*]] = memref.load %[[S]][%[[BX]]] : memref<3xf32>
// CHECK:           %[[LB:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK:           %[[PART:.*]] = scf.for %{{.*}} = %[[LB]] to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// CHECK:             memref.load %[[A]][%[[BX]], %{{.*}}] : memref<3x4096xf32>
// CHECK:           %[[R:.*]] = gpu.all_reduce add %[[PART]] uniform {
// CHECK:           %[[SUM:.*]] = arith.addf %[[INIT]], %[[R]] : f32
// CHECK:           %[[FIRST:.*]] = arith.cmpi eq, %[[TX]], %{{.*}} : index
// CHECK:           scf.if %[[FIRST]] {
// CHECK:             memref.store %[[SUM]], %[[S]][%[[BX]]] : memref<3xf32>
func.func @block_reduce(%a: memref<3x4096xf32>, %s: memref<3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4096 = arith.constant 4096 : index
  scf.parallel (%i) = (%c0) to (%c3) step (%c1) {
    scf.for %k = %c0 to %c4096 step %c1 {
      %x = memref.load %a[%i, %k] : memref<3x4096xf32>
      %acc = memref.load %s[%i] : memref<3xf32>
      %n = arith.addf %acc, %x : f32
      memref.store %n, %s[%i] : memref<3xf32>
    }
  }
  return
}

// -----

// A pool over 64 x 32: the nest of two reduction loops passes the
// accumulator down; the block's threads split the outer loop.
// CHECK-LABEL: func.func @pool(
// CHECK:         gpu.launch
// CHECK:           %[[PART:.*]] = scf.for {{.*}} iter_args(%[[P:.*]] = %{{.*}}) -> (f32) {
// CHECK:             %[[IN:.*]] = scf.for {{.*}} = %c0 to %c32 step %c1 iter_args(%{{.*}} = %[[P]]) -> (f32) {
// CHECK:           gpu.all_reduce add %[[PART]] uniform
// CHECK:           scf.if
// CHECK:             memref.store
func.func @pool(%a: memref<2x64x32xf32>, %s: memref<2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i) = (%c0) to (%c2) step (%c1) {
    scf.for %h = %c0 to %c64 step %c1 {
      scf.for %w = %c0 to %c32 step %c1 {
        %x = memref.load %a[%i, %h, %w] : memref<2x64x32xf32>
        %acc = memref.load %s[%i] : memref<2xf32>
        %n = arith.addf %acc, %x : f32
        memref.store %n, %s[%i] : memref<2xf32>
      }
    }
  }
  return
}

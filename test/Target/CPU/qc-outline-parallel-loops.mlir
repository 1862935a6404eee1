// RUN: quant-opt %s -qc-outline-parallel-loops="min-work=64" -split-input-file -verify-diagnostics | FileCheck %s

// A top-level parallel loop nest becomes a task over its linearized
// iterations; views of the arena are re-created inside the task, so only
// the arena itself is passed.
// CHECK-LABEL: func.func @qc_model_entry(
// CHECK-SAME:    %[[X:.*]]: memref<64xf32>, %[[CTX:.*]]: !llvm.ptr, %[[ARENA:.*]]: memref<1024xi8>)
// CHECK-DAG:     %[[N:.*]] = arith.constant 128 : index
// CHECK:         call @qc_parallel_0(%[[CTX]], %[[N]], %{{.*}}, %[[X]], %[[ARENA]])
// CHECK-NOT:     scf.parallel
// CHECK:       func.func private @qc_task_0(%[[TX:.*]]: memref<64xf32>, %[[TA:.*]]: memref<1024xi8>, %[[B:.*]]: index, %[[E:.*]]: index)
// CHECK:         memref.view %[[TA]]
// CHECK:         scf.for %[[L:.*]] = %[[B]] to %[[E]]
// CHECK:           arith.remui %[[L]], %{{.*}}
// CHECK:           arith.divui %[[L]], %{{.*}}
// CHECK:       func.func private @qc_parallel_0(!llvm.ptr, index, index, memref<64xf32>, memref<1024xi8>) attributes {qc.task = @qc_task_0}
func.func @qc_model_entry(%x: memref<64xf32>, %ctx: !llvm.ptr, %arena: memref<1024xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %v = memref.view %arena[%c0][] : memref<1024xi8> to memref<2x64xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c64) step (%c1, %c1) {
    %a = memref.load %x[%j] : memref<64xf32>
    memref.store %a, %v[%i, %j] : memref<2x64xf32>
    scf.reduce
  }
  return
}

// -----

// Loops with too little work stay serial.
// CHECK-LABEL: func.func @qc_model_entry(
// CHECK:         scf.parallel
// CHECK-NOT:     call @qc_parallel
func.func @qc_model_entry(%x: memref<8xf32>, %ctx: !llvm.ptr) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %a = memref.load %x[%i] : memref<8xf32>
    memref.store %a, %x[%i] : memref<8xf32>
    scf.reduce
  }
  return
}

// -----

// expected-error @+1 {{expected the runtime context (!llvm.ptr) argument}}
func.func @qc_model_entry(%x: memref<8xf32>) {
  return
}

// -----

// Only the leading dimensions that give enough tasks (64 here) are
// linearized; the innermost one stays a counted loop inside each task
// iteration, with no division per element, so LLVM can vectorize it.
// CHECK-LABEL: func.func @qc_model_entry(
// CHECK-DAG:     %[[N:.*]] = arith.constant 256 : index
// CHECK:         call @qc_parallel_0(%{{.*}}, %[[N]],
// CHECK:       func.func private @qc_task_0(
// CHECK:         scf.for %[[L:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           arith.remui %[[L]], %{{.*}}
// CHECK:           arith.divui %[[L]], %{{.*}}
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step
// CHECK-NOT:         arith.divui
// CHECK:             memref.load %{{.*}}[%[[K]]]
// CHECK:             memref.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %[[K]]]
func.func @qc_model_entry(%x: memref<16xf32>, %ctx: !llvm.ptr, %arena: memref<65536xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %v = memref.view %arena[%c0][] : memref<65536xi8> to memref<4x64x16xf32>
  scf.parallel (%i, %j, %k) = (%c0, %c0, %c0) to (%c4, %c64, %c16) step (%c1, %c1, %c1) {
    %a = memref.load %x[%k] : memref<16xf32>
    memref.store %a, %v[%i, %j, %k] : memref<4x64x16xf32>
    scf.reduce
  }
  return
}

// -----

// A step of a loop vectorized by qc-cpu-vectorize-loops counts its vector
// width in elements: 2 x 2 steps of 16 elements are 64 elements of work
// (the task is created), while the same loop without the attribute is 4
// iterations (it stays serial).
// CHECK-LABEL: func.func @qc_model_entry(
// CHECK:         call @qc_parallel_0(
// CHECK:         scf.parallel
// CHECK-NOT:     qc.vector_width
// CHECK:       func.func private @qc_task_0(
// CHECK:         vector.load
func.func @qc_model_entry(%x: memref<2x32xf32>, %ctx: !llvm.ptr, %y: memref<2x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c32) step (%c1, %c16) {
    %a = vector.load %x[%i, %j] : memref<2x32xf32>, vector<16xf32>
    vector.store %a, %y[%i, %j] : memref<2x32xf32>, vector<16xf32>
    scf.reduce
  } {qc.vector_width = 16 : i64}
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c32) step (%c1, %c16) {
    %a = vector.load %x[%i, %j] : memref<2x32xf32>, vector<16xf32>
    vector.store %a, %y[%i, %j] : memref<2x32xf32>, vector<16xf32>
    scf.reduce
  }
  return
}

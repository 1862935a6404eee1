// RUN: quant-opt %s -qc-gpu-place-constants -split-input-file -verify-diagnostics -allow-unregistered-dialect | FileCheck %s

// Two reads of one global share its place; the second global follows,
// 64-byte aligned, after the activations (100 bytes, rounded up to 128).
// CHECK-LABEL: func.func @qc_model_entry(
// CHECK-SAME:    %[[ARENA:[^:]*]]: memref<320xi8>)
// CHECK-SAME:    qc.arena_size = 320 : i64, qc.constants_offset = 128 : i64
// CHECK-DAG:     %[[O128:.*]] = arith.constant 128 : index
// CHECK-DAG:     %[[O256:.*]] = arith.constant 256 : index
// CHECK:         memref.view %[[ARENA]][%[[O128]]][] : memref<320xi8> to memref<4x8xf32>
// CHECK:         memref.view %[[ARENA]][%[[O128]]][] : memref<320xi8> to memref<4x8xf32>
// CHECK:         memref.view %[[ARENA]][%[[O256]]][] : memref<320xi8> to memref<3xi8>
// CHECK-NOT:     memref.get_global
// CHECK-LABEL: func.func @qc_model_upload(
// CHECK-SAME:    %[[A:.*]]: memref<320xi8>)
// CHECK:         %[[W:.*]] = memref.get_global @w : memref<4x8xf32>
// CHECK:         %[[D:.*]] = memref.view %[[A]][%{{.*}}][] : memref<320xi8> to memref<4x8xf32>
// CHECK:         gpu.memcpy  %[[D]], %[[W]] : memref<4x8xf32>, memref<4x8xf32>
// CHECK:         %[[Z:.*]] = memref.get_global @z : memref<3xi8>
// CHECK:         gpu.memcpy
// CHECK-NOT:     gpu.memcpy
memref.global "private" constant @w : memref<4x8xf32> = dense<1.0>
memref.global "private" constant @z : memref<3xi8> = dense<[1, 2, 3]>
func.func @qc_model_entry(%x: memref<4xf32>, %arena: memref<100xi8>) attributes {qc.arena_size = 100 : i64} {
  %a = memref.get_global @w : memref<4x8xf32>
  %b = memref.get_global @w : memref<4x8xf32>
  %c = memref.get_global @z : memref<3xi8>
  "test.use"(%a, %b, %c) : (memref<4x8xf32>, memref<4x8xf32>, memref<3xi8>) -> ()
  return
}

// -----

// A model without constants keeps its arena.
// CHECK-LABEL: func.func @qc_model_entry(
// CHECK-SAME:    memref<64xi8>
// CHECK-SAME:    qc.arena_size = 64 : i64, qc.constants_offset = 64 : i64
// CHECK-LABEL: func.func @qc_model_upload(
// CHECK-NEXT:    return
func.func @qc_model_entry(%arena: memref<64xi8>) attributes {qc.arena_size = 64 : i64} {
  return
}

// -----

// expected-error @below {{expected the entry function @qc_model_entry with a qc.arena_size (run qc-plan-memory first)}}
module {
  func.func @qc_model_entry(%arena: memref<64xi8>) {
    return
  }
}

// -----

memref.global "private" @state : memref<4xf32> = dense<0.0>
func.func @qc_model_entry(%arena: memref<64xi8>) attributes {qc.arena_size = 64 : i64} {
  // expected-error @below {{'memref.get_global' op expected a statically shaped constant global with an identity layout, found 'memref<4xf32>'}}
  %a = memref.get_global @state : memref<4xf32>
  "test.use"(%a) : (memref<4xf32>) -> ()
  return
}

// RUN: quant-opt %s -qc-plan-memory -split-input-file -verify-diagnostics -allow-unregistered-dialect | FileCheck %s

// %a and %b are live together (%a is copied into %b); %c is born after %a's
// last use, so it takes %a's bytes. The dealloc is not a use.
// CHECK-LABEL: func.func @reuse(
// CHECK-SAME:    %[[X:.*]]: memref<64xf32>, %[[ARENA:.*]]: memref<512xi8>)
// CHECK-SAME:    attributes {qc.arena_size = 512 : i64}
// CHECK-DAG:     %[[O0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[O256:.*]] = arith.constant 256 : index
// CHECK:         %[[A:.*]] = memref.view %[[ARENA]][%[[O0]]][] : memref<512xi8> to memref<64xf32>
// CHECK:         %[[B:.*]] = memref.view %[[ARENA]][%[[O256]]][] : memref<512xi8> to memref<64xf32>
// CHECK:         %[[C:.*]] = memref.view %[[ARENA]][%[[O0]]][] : memref<512xi8> to memref<64xf32>
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     memref.dealloc
func.func @reuse(%x: memref<64xf32>) {
  %a = memref.alloc() : memref<64xf32>
  memref.copy %x, %a : memref<64xf32> to memref<64xf32>
  %b = memref.alloc() : memref<64xf32>
  memref.copy %a, %b : memref<64xf32> to memref<64xf32>
  %c = memref.alloc() : memref<64xf32>
  memref.copy %b, %c : memref<64xf32> to memref<64xf32>
  memref.copy %c, %x : memref<64xf32> to memref<64xf32>
  memref.dealloc %a : memref<64xf32>
  return
}

// -----

// A view keeps its buffer alive: %a is used through %v until the end, so
// %b cannot take its place.
// CHECK-LABEL: func.func @view_extends_life(
// CHECK-SAME:    attributes {qc.arena_size = 1024 : i64}
// CHECK-DAG:     %[[Z:.*]] = arith.constant 0 : index
// CHECK:         memref.view %{{.*}}[%[[Z]]][] : memref<1024xi8> to memref<2x64xf32>
// CHECK-NOT:     memref.view %{{.*}}[%[[Z]]]
// CHECK:         memref.view %{{.*}}[%{{.*}}][] : memref<1024xi8> to memref<128xf32>
func.func @view_extends_life(%x: memref<128xf32>) {
  %a = memref.alloc() : memref<2x64xf32>
  %v = memref.collapse_shape %a [[0, 1]] : memref<2x64xf32> into memref<128xf32>
  memref.copy %x, %v : memref<128xf32> to memref<128xf32>
  %b = memref.alloc() : memref<128xf32>
  memref.copy %x, %b : memref<128xf32> to memref<128xf32>
  memref.copy %b, %x : memref<128xf32> to memref<128xf32>
  memref.copy %v, %x : memref<128xf32> to memref<128xf32>
  return
}

// -----

// Sub-byte and odd sizes round up to whole, aligned bytes.
// CHECK-LABEL: func.func @alignment(
// CHECK-SAME:    attributes {qc.arena_size = 128 : i64}
func.func @alignment(%x: memref<3xi8>) {
  %a = memref.alloc() : memref<3xi8>
  %b = memref.alloc() : memref<5xi4>
  memref.copy %x, %a : memref<3xi8> to memref<3xi8>
  memref.copy %a, %x : memref<3xi8> to memref<3xi8>
  "test.use"(%b) : (memref<5xi4>) -> ()
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @+1 {{expected a statically shaped allocation in the function's entry block, found 'memref<?xf32>'}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

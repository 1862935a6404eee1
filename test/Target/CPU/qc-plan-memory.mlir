// RUN: quant-opt %s -qc-plan-memory -split-input-file -verify-diagnostics -allow-unregistered-dialect | FileCheck %s
// RUN: quant-opt %s -qc-plan-memory=gemm-epilogues -split-input-file -verify-diagnostics -allow-unregistered-dialect | FileCheck %s --check-prefix=EPI

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

// -----

// A tensor-core GEMM generic's input %x dies at the GEMM, so its epilogue's
// output %y takes its bytes; with gemm-epilogues (CUDA) %x lives until the
// epilogue, which the kernel may compute while it still reads %x, and %y
// gets bytes of its own.
// CHECK-LABEL: func.func @gemm_epilogue(
// CHECK-SAME:    attributes {qc.arena_size = 192 : i64}
// CHECK:         memref.view %{{.*}}[%[[XO:.*]]][] : memref<192xi8> to memref<4x16xi8>
// CHECK:         memref.view %{{.*}}[%[[XO]]][] : memref<192xi8> to memref<4x16xi8>
// EPI-LABEL:     func.func @gemm_epilogue(
// EPI-SAME:      attributes {qc.arena_size = 256 : i64}
// EPI:           memref.view %{{.*}}[%[[XO:.*]]][] : memref<256xi8> to memref<4x16xi8>
// EPI-NOT:       memref.view %{{.*}}[%[[XO]]][] : memref<256xi8> to memref<4x16xi8>
// EPI:           memref.view %{{.*}} : memref<256xi8> to memref<4x16xi8>
func.func @gemm_epilogue(%in: memref<4x16xi8>, %w: memref<8x16xi8>, %out: memref<4x16xi8>) {
  %x = memref.alloc() : memref<4x16xi8>
  memref.copy %in, %x : memref<4x16xi8> to memref<4x16xi8>
  %acc = memref.alloc() : memref<4x8xi32>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<4x16xi8>, memref<8x16xi8>) outs(%acc : memref<4x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %s: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  }
  %y = memref.alloc() : memref<4x16xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n floordiv 2)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%acc : memref<4x8xi32>) outs(%y : memref<4x16xi8>) {
  ^bb0(%v: i32, %o: i8):
    %t = arith.trunci %v : i32 to i8
    linalg.yield %t : i8
  }
  memref.copy %y, %out : memref<4x16xi8> to memref<4x16xi8>
  return
}

// RUN: quant-opt %s -split-input-file -qc-gpu-hadamard | FileCheck %s

// 12 rows of 256: two rows (512 elements) per block of 256 threads, six
// blocks. Each thread copies two elements into shared memory, does one
// butterfly per stage (8 stages, each after a barrier) and writes two
// results times 1/16. The zero fill of the product form goes with it.
// CHECK-LABEL: func.func @rows256
// CHECK-NOT:   linalg.fill
// CHECK:       %[[X:.*]] = memref.collapse_shape %arg0 {{\[\[}}0, 1]] : memref<12x256xf32> into memref<3072xf32>
// CHECK:       %[[Y:.*]] = memref.collapse_shape %arg1 {{\[\[}}0, 1]] : memref<12x256xf32> into memref<3072xf32>
// CHECK:       gpu.launch blocks(%[[B:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c6{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads(%[[T:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %c256{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[S:.*]] : memref<512xf32, #gpu.address_space<workgroup>>)
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step
// CHECK-NOT:       arith.select
// CHECK:           %[[V:.*]] = memref.load %[[X]][%{{.*}}] : memref<3072xf32>
// CHECK:           memref.store %[[V]], %[[S]]
// CHECK-COUNT-8: gpu.barrier
// CHECK:           %[[LO:.*]] = memref.load %[[S]][%[[J:.*]]] :
// CHECK:           %[[HI:.*]] = memref.load %[[S]][%[[JH:.*]]] :
// CHECK:           %[[SUM:.*]] = arith.addf %[[LO]], %[[HI]] : f32
// CHECK:           memref.store %[[SUM]], %[[S]][%[[J]]]
// CHECK:           %[[DIFF:.*]] = arith.subf %[[LO]], %[[HI]] : f32
// CHECK:           memref.store %[[DIFF]], %[[S]][%[[JH]]]
// CHECK:         gpu.barrier
// CHECK-NOT:     gpu.barrier
// CHECK:         %[[NORM:.*]] = arith.constant 6.250000e-02 : f32
// CHECK:         scf.for
// CHECK-NOT:       scf.if
// CHECK:           %[[R:.*]] = memref.load %[[S]]
// CHECK:           %[[SCALED:.*]] = arith.mulf %[[R]], %[[NORM]] : f32
// CHECK:           memref.store %[[SCALED]], %[[Y]]
// CHECK:         gpu.terminator
// CHECK-NOT:   linalg.generic
// CHECK:       return
func.func @rows256(%x: memref<12x256xf32>, %y: memref<12x256xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<12x256xf32>)
  linalg.generic {indexing_maps = [affine_map<(r, i, j) -> (r, j)>, affine_map<(r, i, j) -> (r, i)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<12x256xf32>) outs(%y : memref<12x256xf32>) attrs = {qc.ukernel = "fwht_f32"} {
  ^bb0(%a: f32, %acc: f32):
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %i64 = arith.index_castui %i : index to i64
    %j64 = arith.index_castui %j : index to i64
    %both = arith.andi %i64, %j64 : i64
    %pop = math.ctpop %both : i64
    %odd = arith.trunci %pop : i64 to i1
    %neg = arith.constant -6.250000e-02 : f32
    %pos = arith.constant 6.250000e-02 : f32
    %w = arith.select %odd, %neg, %pos : f32
    %p = arith.mulf %a, %w : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// 70 rows of 8: 64 rows per block, two blocks, the second one partial.
// Loads past the tensor read its last element and use zero; stores past it
// are skipped. Three stages; 1/sqrt(8).
// CHECK-LABEL: func.func @partial
// CHECK:       gpu.launch blocks({{.*}}) in (%{{.*}} = %c2{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads({{.*}}) in (%{{.*}} = %c256{{.*}}, {{.*}}) workgroup(%{{.*}} : memref<512xf32, #gpu.address_space<workgroup>>)
// CHECK:         %[[SAFE:.*]] = arith.minui %{{.*}}, %c559
// CHECK:         memref.load %{{.*}}[%[[SAFE]]] : memref<560xf32>
// CHECK:         %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %c560
// CHECK:         arith.select %[[IN]]
// CHECK-COUNT-3: arith.subf
// CHECK-NOT:     arith.subf
// CHECK:         arith.constant 0.353553385 : f32
// CHECK:         %[[IN2:.*]] = arith.cmpi ult, %{{.*}}, %c560
// CHECK:         scf.if %[[IN2]]
// CHECK:           memref.store
// CHECK-NOT:   linalg.generic
func.func @partial(%x: memref<70x8xf32>, %y: memref<70x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<70x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(r, i, j) -> (r, j)>, affine_map<(r, i, j) -> (r, i)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<70x8xf32>) outs(%y : memref<70x8xf32>) attrs = {qc.ukernel = "fwht_f32"} {
  ^bb0(%a: f32, %acc: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// Blocks above 8192 and strided operands stay generics (and keep their
// zero fill) for qc-gpu-distribute.
// CHECK-LABEL: func.func @declined
// CHECK-NOT:   gpu.launch
// CHECK:       linalg.fill
// CHECK:       linalg.generic {{.*}} attrs = {qc.ukernel = "fwht_f32"}
// CHECK:       linalg.fill
// CHECK:       linalg.generic {{.*}} attrs = {qc.ukernel = "fwht_f32"}
// CHECK-NOT:   gpu.launch
func.func @declined(%x: memref<1x16384xf32>, %y: memref<1x16384xf32>,
                    %s: memref<4x16xf32, strided<[32, 1]>>, %t: memref<4x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<1x16384xf32>)
  linalg.generic {indexing_maps = [affine_map<(r, i, j) -> (r, j)>, affine_map<(r, i, j) -> (r, i)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<1x16384xf32>) outs(%y : memref<1x16384xf32>) attrs = {qc.ukernel = "fwht_f32"} {
  ^bb0(%a: f32, %acc: f32):
    linalg.yield %a : f32
  }
  linalg.fill ins(%zero : f32) outs(%t : memref<4x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(r, i, j) -> (r, j)>, affine_map<(r, i, j) -> (r, i)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s : memref<4x16xf32, strided<[32, 1]>>) outs(%t : memref<4x16xf32>) attrs = {qc.ukernel = "fwht_f32"} {
  ^bb0(%a: f32, %acc: f32):
    linalg.yield %a : f32
  }
  return
}

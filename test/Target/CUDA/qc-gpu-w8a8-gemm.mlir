// RUN: quant-opt %s -split-input-file -qc-gpu-w8a8-gemm | FileCheck %s

// Two rows, K = 128 (two 64-deep units of two 32-deep steps), N = 64: one
// 64-column tile, one block, one row tile. The unpacked weights are
// replaced by the packed global (-3 everywhere: bytes 0xFD).

// CHECK: memref.global "private" constant @__qc_w8a8_weights : memref<2048xi32> = dense_resource<__qc_w8a8_weights> {alignment = 64 : i64}
// CHECK-NOT: memref.global "private" constant @w :
// CHECK-LABEL: func.func @w8
// CHECK: %[[W:.*]] = memref.get_global @__qc_w8a8_weights
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c128{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[SMEM:.*]] : memref<8192xi32, #gpu.address_space<workgroup>>)
// The tiles of the block's stream-K range, then the warp's first unit on
// its way to shared memory (2 steps x 4 chunks of 16 bytes per lane).
// CHECK: scf.for
// CHECK: scf.if
// CHECK-COUNT-8: nvgpu.device_async_copy %[[W]][{{.*}}], %[[SMEM]][{{.*}}], 4 {bypassL1} : memref<2048xi32> to memref<8192xi32, #gpu.address_space<workgroup>>
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// The unit loop carries the 32 i32 sums; the next unit's copies, then per
// step the A fragment (four u8 as one i32, rows 8..15 zero for M = 2) and
// 8 mma.sync on the four 128-bit chunks from shared memory.
// CHECK: scf.for {{.*}} -> (i32, i32,
// CHECK: scf.if
// CHECK-COUNT-8: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: vector.load %arg0[{{.*}}] {alignment = 4 : i64} : memref<2x128xi8>, vector<4xi8>
// CHECK: llvm.bitcast %{{.*}} : vector<4xi8> to i32
// CHECK: vector.load %[[SMEM]][{{.*}}] {alignment = 16 : i64} : memref<8192xi32, #gpu.address_space<workgroup>>, vector<4xi32>
// CHECK: nvvm.mma.sync A[%{{.*}}, %c0_i32{{.*}}, %{{.*}}, %c0_i32{{.*}}]  B[%{{.*}}, %{{.*}}]  C[%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}]  {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>, layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>, shape = #nvvm.shape<m = 16, n = 8, k = 32>} : (i32, i32, i32) -> !llvm.struct<(i32, i32, i32, i32)>
// CHECK-COUNT-15: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK: scf.yield
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: gpu.barrier
// CHECK-NOT: arith.bitcast
// CHECK: memref.store {{.*}}, %[[SMEM]]
// CHECK: gpu.barrier
// CHECK: arith.addi
// CHECK: memref.atomic_rmw addi {{.*}}, %arg1[{{.*}}] : (i32, memref<2x64xi32>) -> i32
// CHECK: gpu.barrier
// CHECK-NOT: linalg.generic
// CHECK: return
// CHECK: __qc_w8a8_weights: "0x08000000FDFDFDFD

memref.global "private" constant @w : memref<64x128xi8> = dense<-3>
func.func @w8(%x: memref<2x128xi8>, %y: memref<2x64xi32>) {
  %w = memref.get_global @w : memref<64x128xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<2x128xi8>, memref<64x128xi8>) outs(%y : memref<2x64xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }
  return
}

// -----

// 40 rows (three 16-row tiles: rows 8..15 of the A fragment are loaded),
// N = 200 (four 64-column tiles, the last padded), K = 160: not a multiple
// of 64, so units of one 32-deep step (4 chunks per lane). 4 tiles x 5
// units, at least one unit per warp of 4: 5 blocks per row tile.

// CHECK-LABEL: func.func @w8_edges
// CHECK: %[[W:.*]] = memref.get_global @__qc_w8a8_weights{{.*}} : memref<10240xi32>
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c5{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c3{{.*}}) {{.*}} workgroup(%{{.*}} : memref<4096xi32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-4: nvgpu.device_async_copy
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 1
// CHECK-COUNT-4: vector.load %arg0{{.*}} : memref<40x160xi8>, vector<4xi8>
// CHECK-COUNT-4: vector.load {{.*}} vector<4xi32>
// CHECK-NOT: vector.load {{.*}} vector<4xi32>
// CHECK: scf.yield

memref.global "private" constant @w2 : memref<200x160xi8> = dense<5>
func.func @w8_edges(%x: memref<40x160xi8>, %y: memref<40x200xi32>) {
  %w = memref.get_global @w2 : memref<200x160xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<40x160xi8>, memref<200x160xi8>) outs(%y : memref<40x200xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }
  return
}

// -----

// K = 42 is not a multiple of 4 (a 32-bit load of x): the generic stays
// for qc-gpu-distribute, on the unpacked weights.

// CHECK-LABEL: func.func @w8_left_alone
// CHECK-NOT: gpu.launch
// CHECK: memref.get_global @w3
// CHECK: linalg.generic
// CHECK-SAME: qc.ukernel = "matmul_u8s8s32"

memref.global "private" constant @w3 : memref<8x42xi8> = dense<3>
func.func @w8_left_alone(%x: memref<1x42xi8>, %y: memref<1x8xi32>) {
  %w = memref.get_global @w3 : memref<8x42xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x42xi8>, memref<8x42xi8>) outs(%y : memref<1x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }
  return
}

// -----

// K = 40: padded with zero weights to two 32-deep steps (one unit each);
// x's groups of four past K read as zeros (k < 40, the load clamped to 36).

// CHECK-LABEL: func.func @w8_padded_k
// CHECK: gpu.launch
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: %[[LT:.*]] = arith.cmpi ult, %[[K:.*]], %c40{{.*}} : index
// CHECK: %[[OK:.*]] = arith.andi %{{.*}}, %[[LT]] : i1
// CHECK: %[[KC:.*]] = arith.minui %[[K]], %c36{{.*}} : index
// CHECK: vector.load %arg0[%{{.*}}, %[[KC]]] {{.*}} : memref<1x40xi8>, vector<4xi8>
// CHECK: arith.select %[[OK]]
// Lane 0 of the first chunk: rows k 0..3 and 16..19 of column 0, then
// padding column 8 (N = 8); lane 1 starts with rows 4..7.
// CHECK: __qc_w8a8_weights{{.*}}: "0x080000000303030303030303000000000000000003030303

memref.global "private" constant @w4 : memref<8x40xi8> = dense<3>
func.func @w8_padded_k(%x: memref<1x40xi8>, %y: memref<1x8xi32>) {
  %w = memref.get_global @w4 : memref<8x40xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x40xi8>, memref<8x40xi8>) outs(%y : memref<1x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }
  return
}

// -----

// 2^20 + 1 rows would need 65537 16-row tiles in grid.z (the limit is
// 65535): left alone.

// CHECK-LABEL: func.func @w8_too_many_rows
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
// CHECK-SAME: qc.ukernel = "matmul_u8s8s32"

memref.global "private" constant @w5 : memref<8x32xi8> = dense<3>
func.func @w8_too_many_rows(%x: memref<1048577x32xi8>, %y: memref<1048577x8xi32>) {
  %w = memref.get_global @w5 : memref<8x32xi8>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1048577x32xi8>, memref<8x32xi8>) outs(%y : memref<1048577x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %acc: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %acc, %p : i32
    linalg.yield %r : i32
  }
  return
}

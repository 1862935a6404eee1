// RUN: quant-opt %s -split-input-file -qc-gpu-w8a8-gemm=shared-x=true | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-gpu-w8a8-gemm | FileCheck %s --check-prefix=NOSHARE

// Two rows, K = 128 (two 64-deep units of two 32-deep steps), N = 64: one
// 64-column tile, one block, one row tile. The unpacked weights are
// replaced by the packed global (-3 everywhere: bytes 0xFD). The block
// sums the whole tile (both units), so it stores the sums: no atomics.

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
// CHECK-NOT: memref.atomic_rmw
// CHECK: memref.store {{.*}}, %arg1[{{.*}}] : memref<2x64xi32>
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

// 40 rows (three 16-row tiles), N = 200 (four 64-column tiles, the last
// padded), K = 160: not a multiple of 64, so units of one 32-deep step (4
// chunks per lane). Four tiles share X: the block's warps take one tile
// each and walk the same units; each unit's 16 x 32-byte slice of X goes
// once to shared memory (u8 byte pairs as 16-bit elements, rows of 24:
// 48 bytes, 16-byte aligned), one 4-byte group per thread, and the A
// fragments come from it through ldmatrix. One group x 5 units, one unit
// per block: 5 blocks per row tile, which split tiles; each warp adds its
// own tile's sums to y with atomics (no block sum).

// CHECK: memref.global "private" @__qc_gemm_x : memref<2x16x24xf16, #gpu.address_space<workgroup>> {alignment = 16 : i64}
// CHECK-LABEL: func.func @w8_edges
// CHECK: %[[W:.*]] = memref.get_global @__qc_w8a8_weights{{.*}} : memref<10240xi32>
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c5{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c3{{.*}}) {{.*}} workgroup(%[[SMEM:.*]] : memref<4096xi32, #gpu.address_space<workgroup>>)
// CHECK: %[[XS:.*]] = memref.get_global @__qc_gemm_x
// CHECK-COUNT-4: nvgpu.device_async_copy
// CHECK-NOT: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK: scf.for
// CHECK-COUNT-4: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK: vector.load %arg0{{.*}} : memref<40x160xi8>, vector<4xi8>
// CHECK: llvm.bitcast %{{.*}} : i32 to vector<2xf16>
// CHECK: vector.store %{{.*}}, %[[XS]][{{.*}}] {alignment = 4 : i64} : memref<2x16x24xf16, #gpu.address_space<workgroup>>, vector<2xf16>
// CHECK-NOT: vector.store
// CHECK: gpu.barrier
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: nvgpu.ldmatrix %[[XS]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<2x16x24xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-NOT: nvgpu.ldmatrix
// CHECK-NOT: vector.load %arg0
// CHECK-COUNT-4: vector.load {{.*}} vector<4xi32>
// CHECK-NOT: vector.load {{.*}} vector<4xi32>
// CHECK: scf.yield
// CHECK-NOT: memref.store {{.*}}, %[[SMEM]]
// CHECK-COUNT-32: memref.atomic_rmw addi {{.*}}, %arg1[{{.*}}] : (i32, memref<40x200xi32>) -> i32
// CHECK: gpu.barrier

// By default (shared-x=false) each warp reads its own x (block sum in shared
// memory).
// NOSHARE-LABEL: func.func @w8_edges
// NOSHARE-NOT: __qc_gemm_x
// NOSHARE-NOT: nvgpu.ldmatrix
// NOSHARE: vector.load %arg0{{.*}} : memref<40x160xi8>, vector<4xi8>
// NOSHARE-NOT: nvgpu.ldmatrix
// NOSHARE: scf.yield
// NOSHARE: memref.store {{.*}} : memref<4096xi32, #gpu.address_space<workgroup>>
// NOSHARE: memref.atomic_rmw addi

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

// -----

// A convolution's GEMM (100 pixels as rows, K = 36, 8 channels: one unit
// per tile, so every block owns its tiles) with its zero fill and the
// requantizing epilogue that reads the accumulator transposed: the
// epilogue runs in the kernel on each final sum (pixel p = row, channel n =
// col: out[0][n][p / 10][p % 10]), and the fill, the epilogue generic and
// every write of the accumulator go.

// CHECK-LABEL: func.func @w8_fused_epilogue
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK: %[[LIN:.*]] = arith.addi %{{.*}}, %[[COL:.*]] : index
// CHECK: %[[N:.*]] = arith.remui %[[LIN]], %c8{{.*}} : index
// CHECK: %[[P:.*]] = arith.divui %[[LIN]], %c8{{.*}} : index
// CHECK: %[[H:.*]] = arith.divui %[[P]], %c10{{.*}} : index
// CHECK: %[[W:.*]] = arith.remui %[[P]], %c10{{.*}} : index
// CHECK: %[[Z:.*]] = memref.load %{{.*}}[%[[N]]] : memref<8xi32>
// CHECK: %[[S:.*]] = memref.load %{{.*}}[%[[N]]] : memref<8xf32>
// CHECK: %[[D:.*]] = arith.subi %{{.*}}, %[[Z]] : i32
// CHECK: %[[F:.*]] = arith.sitofp %[[D]] : i32 to f32
// CHECK: %[[Y:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK: memref.store %[[Y]], %arg1[%c0{{.*}}, %[[N]], %[[H]], %[[W]]] : memref<1x8x10x10xf32>
// CHECK-NOT: memref.atomic_rmw
// CHECK-NOT: %alloc[
// CHECK: gpu.terminator
// CHECK-NOT: linalg.generic
// CHECK: return

memref.global "private" constant @w5 : memref<8x36xi8> = dense<2>
memref.global "private" constant @zc : memref<8xi32> = dense<[1, 2, 3, 4, 5, 6, 7, 8]>
memref.global "private" constant @sc : memref<8xf32> = dense<0.5>
func.func @w8_fused_epilogue(%x: memref<100x36xi8>, %out: memref<1x8x10x10xf32>) {
  %w = memref.get_global @w5 : memref<8x36xi8>
  %zc = memref.get_global @zc : memref<8xi32>
  %sc = memref.get_global @sc : memref<8xf32>
  %zero = arith.constant 0 : i32
  %acc = memref.alloc() : memref<100x8xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<100x8xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<100x36xi8>, memref<8x36xi8>) outs(%acc : memref<100x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %s: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2 * 10 + d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %zc, %sc : memref<100x8xi32>, memref<8xi32>, memref<8xf32>) outs(%out : memref<1x8x10x10xf32>) {
  ^bb0(%v: i32, %z: i32, %s: f32, %o: f32):
    %c = arith.subi %v, %z : i32
    %f = arith.sitofp %c : i32 to f32
    %y = arith.mulf %f, %s : f32
    linalg.yield %y : f32
  }
  return
}

// -----

// The accumulator is read by two generics: no fusion. The block still owns
// its tiles, so it stores the sums (the zero fill goes); both readers stay.

// CHECK-LABEL: func.func @w8_two_readers
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK-NOT: memref.atomic_rmw
// CHECK: memref.store %{{.*}}, %alloc[%{{.*}}, %{{.*}}] : memref<100x8xi32>
// CHECK: gpu.terminator
// CHECK: linalg.generic
// CHECK: linalg.generic

memref.global "private" constant @w6 : memref<8x36xi8> = dense<2>
func.func @w8_two_readers(%x: memref<100x36xi8>, %out: memref<100x8xf32>, %out2: memref<100x8xi32>) {
  %w = memref.get_global @w6 : memref<8x36xi8>
  %zero = arith.constant 0 : i32
  %acc = memref.alloc() : memref<100x8xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<100x8xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<100x36xi8>, memref<8x36xi8>) outs(%acc : memref<100x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %s: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%acc : memref<100x8xi32>) outs(%out : memref<100x8xf32>) {
  ^bb0(%v: i32, %o: f32):
    %f = arith.sitofp %v : i32 to f32
    linalg.yield %f : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, n) -> (m, n)>, affine_map<(m, n) -> (m, n)>], iterator_types = ["parallel", "parallel"]}
      ins(%acc : memref<100x8xi32>) outs(%out2 : memref<100x8xi32>) {
  ^bb0(%v: i32, %o: i32):
    linalg.yield %v : i32
  }
  return
}

// -----

// As a convolution's GEMM between padded layers: the epilogue writes the
// interior of the next layer's zero-point-padded input, whose fill comes
// between the GEMM and the epilogue. Its arena bytes (6912..8064) are not
// the GEMM's input's (0..3600), so the fill moves before the kernel, which
// then runs the epilogue into the interior (strided stores).

// CHECK-LABEL: func.func @w8_epilogue_after_pad_fill
// CHECK: %[[PAD:.*]] = memref.view %arg1[%c6912{{.*}}][] : memref<8192xi8> to memref<1x8x12x12xi8>
// CHECK: linalg.fill ins(%{{.*}} : i8) outs(%[[PAD]] : memref<1x8x12x12xi8>)
// CHECK: %[[IN:.*]] = memref.subview %[[PAD]][0, 0, 1, 1] [1, 8, 10, 10] [1, 1, 1, 1]
// CHECK: gpu.launch
// CHECK: arith.fptosi %{{.*}} : f32 to i8
// CHECK: memref.store %{{.*}}, %[[IN]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<1x8x10x10xi8, strided<[1152, 144, 12, 1], offset: 13>>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.generic
// CHECK: return

memref.global "private" constant @w7 : memref<8x36xi8> = dense<2>
func.func @w8_epilogue_after_pad_fill(%x0: memref<100x36xi8>, %arena: memref<8192xi8>) {
  %c0 = arith.constant 0 : index
  %c3712 = arith.constant 3712 : index
  %c6912 = arith.constant 6912 : index
  %zero = arith.constant 0 : i32
  %zp = arith.constant 3 : i8
  %w = memref.get_global @w7 : memref<8x36xi8>
  %x = memref.view %arena[%c0][] : memref<8192xi8> to memref<100x36xi8>
  memref.copy %x0, %x : memref<100x36xi8> to memref<100x36xi8>
  %acc = memref.view %arena[%c3712][] : memref<8192xi8> to memref<100x8xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<100x8xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<100x36xi8>, memref<8x36xi8>) outs(%acc : memref<100x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %s: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  }
  %pad = memref.view %arena[%c6912][] : memref<8192xi8> to memref<1x8x12x12xi8>
  linalg.fill ins(%zp : i8) outs(%pad : memref<1x8x12x12xi8>)
  %in = memref.subview %pad[0, 0, 1, 1] [1, 8, 10, 10] [1, 1, 1, 1] : memref<1x8x12x12xi8> to memref<1x8x10x10xi8, strided<[1152, 144, 12, 1], offset: 13>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2 * 10 + d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc : memref<100x8xi32>) outs(%in : memref<1x8x10x10xi8, strided<[1152, 144, 12, 1], offset: 13>>) {
  ^bb0(%v: i32, %o: i8):
    %f = arith.sitofp %v : i32 to f32
    %q = arith.fptosi %f : f32 to i8
    linalg.yield %q : i8
  }
  return
}

// -----

// The same with the padded buffer on the GEMM's input's arena bytes (the
// memory plan reuses them once the GEMM has read them): the fill cannot
// run before the GEMM, so the epilogue stays a generic after it; the block
// still stores its sums to the accumulator (no atomics, no zero fill).

// CHECK-LABEL: func.func @w8_pad_fill_overlaps_input
// CHECK-NOT: linalg.fill ins(%{{.*}} : i32)
// CHECK: gpu.launch
// CHECK-NOT: memref.atomic_rmw
// CHECK: memref.store %{{.*}} : memref<100x8xi32>
// CHECK: gpu.terminator
// CHECK: linalg.fill ins(%{{.*}} : i8)
// CHECK: linalg.generic

memref.global "private" constant @w8 : memref<8x36xi8> = dense<2>
func.func @w8_pad_fill_overlaps_input(%x0: memref<100x36xi8>, %arena: memref<8192xi8>) {
  %c0 = arith.constant 0 : index
  %c3712 = arith.constant 3712 : index
  %zero = arith.constant 0 : i32
  %zp = arith.constant 3 : i8
  %w = memref.get_global @w8 : memref<8x36xi8>
  %x = memref.view %arena[%c0][] : memref<8192xi8> to memref<100x36xi8>
  memref.copy %x0, %x : memref<100x36xi8> to memref<100x36xi8>
  %acc = memref.view %arena[%c3712][] : memref<8192xi8> to memref<100x8xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<100x8xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<100x36xi8>, memref<8x36xi8>) outs(%acc : memref<100x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %s: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  }
  %pad = memref.view %arena[%c0][] : memref<8192xi8> to memref<1x8x12x12xi8>
  linalg.fill ins(%zp : i8) outs(%pad : memref<1x8x12x12xi8>)
  %in = memref.subview %pad[0, 0, 1, 1] [1, 8, 10, 10] [1, 1, 1, 1] : memref<1x8x12x12xi8> to memref<1x8x10x10xi8, strided<[1152, 144, 12, 1], offset: 13>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2 * 10 + d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc : memref<100x8xi32>) outs(%in : memref<1x8x10x10xi8, strided<[1152, 144, 12, 1], offset: 13>>) {
  ^bb0(%v: i32, %o: i8):
    %f = arith.sitofp %v : i32 to f32
    %q = arith.fptosi %f : f32 to i8
    linalg.yield %q : i8
  }
  return
}

// -----

// The epilogue's output on the GEMM's input's arena bytes: it may not be
// written while blocks still read the input, so it stays a generic.

// CHECK-LABEL: func.func @w8_epilogue_output_overlaps_input
// CHECK: gpu.launch
// CHECK: memref.store %{{.*}} : memref<100x8xi32>
// CHECK: gpu.terminator
// CHECK: linalg.generic

memref.global "private" constant @w9 : memref<8x36xi8> = dense<2>
func.func @w8_epilogue_output_overlaps_input(%x0: memref<100x36xi8>, %arena: memref<8192xi8>) {
  %c0 = arith.constant 0 : index
  %c3712 = arith.constant 3712 : index
  %zero = arith.constant 0 : i32
  %w = memref.get_global @w9 : memref<8x36xi8>
  %x = memref.view %arena[%c0][] : memref<8192xi8> to memref<100x36xi8>
  memref.copy %x0, %x : memref<100x36xi8> to memref<100x36xi8>
  %acc = memref.view %arena[%c3712][] : memref<8192xi8> to memref<100x8xi32>
  linalg.fill ins(%zero : i32) outs(%acc : memref<100x8xi32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<100x36xi8>, memref<8x36xi8>) outs(%acc : memref<100x8xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %s: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %p = arith.muli %a32, %b32 : i32
    %r = arith.addi %s, %p : i32
    linalg.yield %r : i32
  }
  %out = memref.view %arena[%c0][] : memref<8192xi8> to memref<1x8x10x10xi8>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2 * 10 + d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc : memref<100x8xi32>) outs(%out : memref<1x8x10x10xi8>) {
  ^bb0(%v: i32, %o: i8):
    %q = arith.trunci %v : i32 to i8
    linalg.yield %q : i8
  }
  return
}

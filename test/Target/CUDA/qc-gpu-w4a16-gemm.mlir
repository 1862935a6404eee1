// RUN: quant-opt %s -split-input-file -qc-gpu-w4a16-gemm=shared-x=true | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-gpu-w4a16-gemm | FileCheck %s --check-prefix=NOSHARE

// Two rows, K = 128 (one group), N = 64: one 64-column tile, one split, one
// row tile. The unpacked weights, scales and zero points are replaced by the
// packed globals (nibbles 9, zero point 8 for every element: 0x99999999).
// The block sums the whole tile (one unit), so it stores the sums.

// CHECK-DAG: memref.global "private" constant @__qc_w4a16_scales : memref<64xf32> = dense_resource<__qc_w4a16_scales> {alignment = 64 : i64}
// CHECK-DAG: memref.global "private" constant @__qc_w4a16_weights : memref<1024xi32> = dense_resource<__qc_w4a16_weights> {alignment = 64 : i64}
// CHECK-NOT: memref.global "private" constant @q
// CHECK-NOT: __qc_w4a16_zeros
// CHECK-LABEL: func.func @w4
// CHECK-DAG: %[[W:.*]] = memref.get_global @__qc_w4a16_weights
// CHECK-DAG: %[[S:.*]] = memref.get_global @__qc_w4a16_scales
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c128{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) workgroup(%[[SMEM:.*]] : memref<8192xi32, #gpu.address_space<workgroup>>)
// The tiles of the block's stream-K range, then the warp's first unit on
// its way to shared memory (8 steps of 16 bytes per lane).
// CHECK: scf.for
// CHECK: scf.if
// CHECK-COUNT-8: nvgpu.device_async_copy %[[W]][{{.*}}], %[[SMEM]][{{.*}}], 4 {bypassL1} : memref<1024xi32> to memref<8192xi32, #gpu.address_space<workgroup>>
// CHECK: nvvm.cp.async.commit.group
// The unit loop: the next unit's copies, then this unit's weights from
// shared memory.
// CHECK: scf.for
// CHECK: scf.if
// CHECK-COUNT-8: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: vector.load %[[SMEM]][{{.*}}] {alignment = 16 : i64} : memref<8192xi32, #gpu.address_space<workgroup>>, vector<4xi32>
// CHECK: arith.andi %{{.*}}, %c983055_i32 : i32
// CHECK: arith.ori %{{.*}}, %c1677747200_i32 : i32
// CHECK: llvm.bitcast %{{.*}} : i32 to vector<2xf16>
// CHECK: arith.subf %{{.*}} : vector<2xf16>
// CHECK-COUNT-64: nvvm.mma.sync A[{{.*}}]  B[{{.*}}]  C[{{.*}}]  {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-NOT: nvvm.mma.sync
// CHECK: vector.load %[[S]][{{.*}}] {alignment = 8 : i64} : memref<64xf32>, vector<2xf32>
// CHECK: math.fma
// CHECK: scf.yield
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: gpu.barrier
// CHECK: arith.bitcast {{.*}} : f32 to i32
// CHECK: memref.store {{.*}}, %[[SMEM]]
// CHECK: gpu.barrier
// CHECK-NOT: memref.atomic_rmw
// CHECK: memref.store {{.*}}, %arg1[{{.*}}] : memref<2x64xf32>
// CHECK: gpu.barrier
// CHECK-NOT: linalg.generic
// CHECK: return
// CHECK: __qc_w4a16_weights: "0x0800000099999999

memref.global "private" constant @q : memref<64x128xi8> = dense<9>
memref.global "private" constant @s : memref<64x1xf32> = dense<5.000000e-01>
memref.global "private" constant @z : memref<64x1xf32> = dense<8.000000e+00>
func.func @w4(%x: memref<2x128xf32>, %y: memref<2x64xf32>) {
  %q = memref.get_global @q : memref<64x128xi8>
  %s = memref.get_global @s : memref<64x1xf32>
  %z = memref.get_global @z : memref<64x1xf32>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, k floordiv 128)>, affine_map<(m, n, k) -> (n, k floordiv 128)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %q, %s, %z : memref<2x128xf32>, memref<64x128xi8>, memref<64x1xf32>, memref<64x1xf32>) outs(%y : memref<2x64xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 128 : i64} {
  ^bb0(%a: f32, %qq: i8, %ss: f32, %zz: f32, %acc: f32):
    %qf = arith.uitofp %qq : i8 to f32
    %d = arith.subf %qf, %zz : f32
    %w = arith.mulf %d, %ss : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// 40 rows (three 16-row tiles), N = 200 (four 64-column tiles, the last
// padded), K = 512 in groups of 64 with zero points that differ per
// column: the zero points travel as f16 pairs. Four tiles share X: the
// block's warps take one tile each and walk the same units, each unit's
// 16 x 64 slice of X goes once to shared memory as f16 (a workgroup global
// aligned to 16 bytes, rows of 72 halves: 16 bytes apart in the banks),
// and the A fragments come from it through ldmatrix, one per 16-deep step.
// One group x 8 units, one unit per block: 8 blocks per row tile, which
// split tiles; each warp adds its own tile's sums to y with atomics (no
// block sum).

// CHECK: memref.global "private" @__qc_gemm_x : memref<2x16x72xf16, #gpu.address_space<workgroup>> {alignment = 16 : i64}
// CHECK-LABEL: func.func @w4_edges
// CHECK: %[[Z:.*]] = memref.get_global @__qc_w4a16_zeros{{.*}} : memref<2048xi32>
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c8{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c3{{.*}}) {{.*}} workgroup(%[[SMEM:.*]] : memref<4096xi32, #gpu.address_space<workgroup>>)
// CHECK: %[[XS:.*]] = memref.get_global @__qc_gemm_x
// CHECK-COUNT-4: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK: scf.for
// CHECK-COUNT-4: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// The slice: 512 f16 pairs, four per thread.
// CHECK-COUNT-4: vector.store %{{.*}}, %[[XS]][{{.*}}] {alignment = 4 : i64} : memref<2x16x72xf16, #gpu.address_space<workgroup>>, vector<2xf16>
// CHECK-NOT: vector.store
// CHECK: gpu.barrier
// CHECK: nvvm.cp.async.wait.group 1
// CHECK-COUNT-8: memref.load %[[Z]]
// CHECK-COUNT-4: nvgpu.ldmatrix %[[XS]][{{.*}}] {numTiles = 4 : i32, transpose = false} : memref<2x16x72xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-NOT: nvgpu.ldmatrix
// CHECK-NOT: vector.load %arg0
// CHECK: scf.yield
// CHECK-NOT: memref.store {{.*}}, %[[SMEM]]
// CHECK-COUNT-32: memref.atomic_rmw addf {{.*}}, %arg1[{{.*}}] : (f32, memref<40x200xf32>) -> f32
// CHECK: gpu.barrier

// By default (shared-x=false) each warp reads its own x (four units of a tile per
// block, block sum in shared memory).
// NOSHARE-LABEL: func.func @w4_edges
// NOSHARE-NOT: __qc_gemm_x
// NOSHARE-NOT: nvgpu.ldmatrix
// NOSHARE: vector.load %arg0{{.*}} : memref<40x512xf32>, vector<2xf32>
// NOSHARE-NOT: nvgpu.ldmatrix
// NOSHARE: scf.yield
// NOSHARE: memref.store {{.*}} : memref<4096xi32, #gpu.address_space<workgroup>>
// NOSHARE: memref.atomic_rmw addf

memref.global "private" constant @q2 : memref<200x512xi8> = dense<3>
memref.global "private" constant @s2 : memref<200x8xf32> = dense<2.500000e-01>
memref.global "private" constant @z2 : memref<200x8xf32> = dense<[[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0],[8.0,8.0,8.0,8.0,8.0,8.0,8.0,8.0],[7.0,7.0,7.0,7.0,7.0,7.0,7.0,7.0]]>
func.func @w4_edges(%x: memref<40x512xf32>, %y: memref<40x200xf32>) {
  %q = memref.get_global @q2 : memref<200x512xi8>
  %s = memref.get_global @s2 : memref<200x8xf32>
  %z = memref.get_global @z2 : memref<200x8xf32>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %q, %s, %z : memref<40x512xf32>, memref<200x512xi8>, memref<200x8xf32>, memref<200x8xf32>) outs(%y : memref<40x200xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %qq: i8, %ss: f32, %zz: f32, %acc: f32):
    %qf = arith.uitofp %qq : i8 to f32
    %d = arith.subf %qf, %zz : f32
    %w = arith.mulf %d, %ss : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// K = 40 in one group (per-channel scales): padded to one 48-deep unit
// (three 16-deep steps, 3 x 32 lanes x 4 words = 384) whose last 8 weights
// are the zero point (8: nibbles 0x8), and x's pairs past K read as zeros
// (k clamped to 38, the pair selected away).

// CHECK-LABEL: func.func @w4_padded
// CHECK: memref.get_global @__qc_w4a16_weights : memref<384xi32>
// CHECK: gpu.launch
// CHECK-COUNT-3: nvgpu.device_async_copy
// CHECK: %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %c40{{.*}} : index
// CHECK: %[[VALID:.*]] = arith.andi %{{.*}}, %[[IN]] : i1
// CHECK: %[[K:.*]] = arith.minui %{{.*}}, %c38{{.*}} : index
// CHECK: vector.load %arg0[%{{.*}}, %[[K]]] {alignment = 8 : i64} : memref<1x40xf32>, vector<2xf32>
// CHECK: arith.select %[[VALID]]
// CHECK-NOT: linalg.generic

memref.global "private" constant @q3 : memref<8x40xi8> = dense<3>
memref.global "private" constant @s3 : memref<8x1xf32> = dense<2.500000e-01>
memref.global "private" constant @z3 : memref<8x1xf32> = dense<8.0>
func.func @w4_padded(%x: memref<1x40xf32>, %y: memref<1x8xf32>) {
  %q = memref.get_global @q3 : memref<8x40xi8>
  %s = memref.get_global @s3 : memref<8x1xf32>
  %z = memref.get_global @z3 : memref<8x1xf32>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %q, %s, %z : memref<1x40xf32>, memref<8x40xi8>, memref<8x1xf32>, memref<8x1xf32>) outs(%y : memref<1x8xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %qq: i8, %ss: f32, %zz: f32, %acc: f32):
    %qf = arith.uitofp %qq : i8 to f32
    %d = arith.subf %qf, %zz : f32
    %w = arith.mulf %d, %ss : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Several groups of 24 (not a multiple of the mma's 16 deep steps) and an
// odd K: the generics stay for qc-gpu-distribute.

// CHECK-LABEL: func.func @w4_left_alone
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
// CHECK-SAME: qc.ukernel = "gemv_w4_f32"
// CHECK: linalg.generic
// CHECK-SAME: qc.ukernel = "gemv_w4_f32"
// CHECK-NOT: gpu.launch

memref.global "private" constant @q4 : memref<8x48xi8> = dense<3>
memref.global "private" constant @s4 : memref<8x2xf32> = dense<2.500000e-01>
memref.global "private" constant @z4 : memref<8x2xf32> = dense<8.0>
memref.global "private" constant @q5 : memref<8x39xi8> = dense<3>
memref.global "private" constant @s5 : memref<8x1xf32> = dense<2.500000e-01>
memref.global "private" constant @z5 : memref<8x1xf32> = dense<8.0>
func.func @w4_left_alone(%x: memref<1x48xf32>, %y: memref<1x8xf32>, %x5: memref<1x39xf32>, %y5: memref<1x8xf32>) {
  %q = memref.get_global @q4 : memref<8x48xi8>
  %s = memref.get_global @s4 : memref<8x2xf32>
  %z = memref.get_global @z4 : memref<8x2xf32>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, k floordiv 24)>, affine_map<(m, n, k) -> (n, k floordiv 24)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %q, %s, %z : memref<1x48xf32>, memref<8x48xi8>, memref<8x2xf32>, memref<8x2xf32>) outs(%y : memref<1x8xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 24 : i64} {
  ^bb0(%a: f32, %qq: i8, %ss: f32, %zz: f32, %acc: f32):
    %qf = arith.uitofp %qq : i8 to f32
    %d = arith.subf %qf, %zz : f32
    %w = arith.mulf %d, %ss : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  %q5 = memref.get_global @q5 : memref<8x39xi8>
  %s5 = memref.get_global @s5 : memref<8x1xf32>
  %z5 = memref.get_global @z5 : memref<8x1xf32>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x5, %q5, %s5, %z5 : memref<1x39xf32>, memref<8x39xi8>, memref<8x1xf32>, memref<8x1xf32>) outs(%y5 : memref<1x8xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %qq: i8, %ss: f32, %zz: f32, %acc: f32):
    %qf = arith.uitofp %qq : i8 to f32
    %d = arith.subf %qf, %zz : f32
    %w = arith.mulf %d, %ss : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A convolution's GEMM (100 pixels as rows, K = 36 in one group padded to
// 48, 8 channels: one unit per tile, so the blocks own their tiles) with
// its zero fill and the bias and NCHW epilogue: the epilogue runs in the
// kernel on each final sum, and the fill and the epilogue generic go.

// CHECK-LABEL: func.func @w4_fused_epilogue
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK-NOT: memref.atomic_rmw
// CHECK: scf.if
// CHECK: %[[B:.*]] = memref.load %{{.*}}[%[[N:.*]]] : memref<8xf32>
// CHECK: %[[Y:.*]] = arith.addf %{{.*}}, %[[B]] : f32
// CHECK: memref.store %[[Y]], %arg1[%c0{{.*}}, %[[N]], %{{.*}}, %{{.*}}] : memref<1x8x10x10xf32>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.generic
// CHECK: return

memref.global "private" constant @q6 : memref<8x36xi8> = dense<3>
memref.global "private" constant @s6 : memref<8x1xf32> = dense<2.500000e-01>
memref.global "private" constant @z6 : memref<8x1xf32> = dense<8.0>
memref.global "private" constant @b6 : memref<8xf32> = dense<1.5>
func.func @w4_fused_epilogue(%x: memref<100x36xf32>, %out: memref<1x8x10x10xf32>) {
  %q = memref.get_global @q6 : memref<8x36xi8>
  %s = memref.get_global @s6 : memref<8x1xf32>
  %z = memref.get_global @z6 : memref<8x1xf32>
  %b = memref.get_global @b6 : memref<8xf32>
  %zero = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<100x8xf32>
  linalg.fill ins(%zero : f32) outs(%acc : memref<100x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (n, k floordiv 64)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %q, %s, %z : memref<100x36xf32>, memref<8x36xi8>, memref<8x1xf32>, memref<8x1xf32>) outs(%acc : memref<100x8xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %qq: i8, %ss: f32, %zz: f32, %r0: f32):
    %qf = arith.uitofp %qq : i8 to f32
    %d = arith.subf %qf, %zz : f32
    %w = arith.mulf %d, %ss : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %r0, %p : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d2 * 10 + d3, d1)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc, %b : memref<100x8xf32>, memref<8xf32>) outs(%out : memref<1x8x10x10xf32>) {
  ^bb0(%v: f32, %bb: f32, %o: f32):
    %y = arith.addf %v, %bb : f32
    linalg.yield %y : f32
  }
  return
}

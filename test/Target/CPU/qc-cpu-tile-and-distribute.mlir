// RUN: quant-opt %s -qc-cpu-tile-and-distribute="tasks=4 min-elements=16" -split-input-file | FileCheck %s
// RUN: quant-opt %s -qc-cpu-tile-and-distribute="tasks=4 min-elements=100" -split-input-file | FileCheck %s --check-prefix=WORK

#id = affine_map<(d0, d1) -> (d0, d1)>

// An elementwise op splits along its first parallel dimension.
// CHECK-LABEL: func.func @elementwise(
// CHECK:         scf.forall (%[[I:.*]]) = (0) to (64) step (16)
// CHECK:           linalg.generic {{.*}} ins(%{{.*}} : tensor<16x32xf32>)
// CHECK:           tensor.parallel_insert_slice %{{.*}} into %{{.*}}[%[[I]], 0] [16, 32] [1, 1]
func.func @elementwise(%x: tensor<64x32xf32>) -> tensor<64x32xf32> {
  %e = tensor.empty() : tensor<64x32xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%i: f32, %o: f32):
    %v = math.exp %i : f32
    linalg.yield %v : f32
  } -> tensor<64x32xf32>
  return %a : tensor<64x32xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
// Tiles respect `floordiv 16`: tile sizes are multiples of 16.
// CHECK-LABEL: func.func @unpack_like(
// CHECK:         scf.forall (%{{.*}}) = (0) to (100) step (32)
func.func @unpack_like(%c: tensor<7x2x16x16xf32>) -> tensor<100x20xf32> {
  %e = tensor.empty() : tensor<100x20xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 floordiv 16, d1 floordiv 16, d0 mod 16, d1 mod 16)>, #id], iterator_types = ["parallel", "parallel"]} ins(%c : tensor<7x2x16x16xf32>) outs(%e : tensor<100x20xf32>) {
  ^bb0(%i: f32, %o: f32):
    linalg.yield %i : f32
  } -> tensor<100x20xf32>
  return %r : tensor<100x20xf32>
}

// -----

// A microkernel GEMM splits along the larger of M1 / N1 and keeps its tag.
// CHECK-LABEL: func.func @mmt4d(
// CHECK:         scf.forall (%{{.*}}) = (0) to (8) step (2)
// CHECK:           linalg.generic {{.*}} {qc.ukernel = "mmt4d_f32"}
func.func @mmt4d(%a: tensor<2x4x16x1xf32>, %b: tensor<8x4x16x1xf32>, %c: tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%a, %b : tensor<2x4x16x1xf32>, tensor<8x4x16x1xf32>) outs(%c : tensor<2x8x16x16xf32>) attrs = {qc.ukernel = "mmt4d_f32"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x8x16x16xf32>
  return %r : tensor<2x8x16x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
// Small ops stay whole.
// CHECK-LABEL: func.func @small(
// CHECK-NOT:     scf.forall
func.func @small(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %e = tensor.empty() : tensor<2x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%i: f32, %o: f32):
    linalg.yield %i : f32
  } -> tensor<2x4xf32>
  return %a : tensor<2x4xf32>
}

// -----

#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#q = affine_map<(d0, d1, d2) -> (d1, d2)>
#g = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>

// An int4 GEMV splits along its output channels in multiples of 4 (the
// kernel's row blocks; 18 / 4 tasks would be 5) and keeps its group size.
// With min-elements=100 its 36 outputs are few, but its 2 x 18 x 640 =
// 23040 iterations reach 64 x 100: it is split all the same.
// WORK-LABEL: func.func @gemv_w4(
// WORK:         scf.forall (%{{.*}}) = (0) to (18) step (8)
// CHECK-LABEL: func.func @gemv_w4(
// CHECK:         scf.forall (%{{.*}}) = (0) to (18) step (8)
// CHECK:           linalg.generic {{.*}} ins({{.*}} : tensor<2x640xf32>, tensor<?x640xi8>, tensor<?x10xf32>, tensor<?x10xf32>) outs({{.*}} : tensor<2x?xf32>) attrs =  {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64}
func.func @gemv_w4(%x: tensor<2x640xf32>, %q: tensor<18x640xi8>, %s: tensor<18x10xf32>, %y: tensor<2x18xf32>) -> tensor<2x18xf32> {
  %0 = linalg.generic {indexing_maps = [#x, #q, #g, #g, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %q, %s, %s : tensor<2x640xf32>, tensor<18x640xi8>, tensor<18x10xf32>, tensor<18x10xf32>) outs(%y : tensor<2x18xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %b: i8, %c: f32, %d: f32, %e: f32):
    %bf = arith.uitofp %b : i8 to f32
    %w0 = arith.subf %bf, %d : f32
    %w = arith.mulf %w0, %c : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %e, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x18xf32>
  return %0 : tensor<2x18xf32>
}

// -----

#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3 floordiv 2)>
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
#p = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2 floordiv 72, d3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// A packed-weight GEMM splits like the other mmt4d kernels, keeping
// `qc.wq`, but along its weight tiles (each task decodes the weights it
// multiplies) when there are enough of them for the tasks: @mmt4d_wq's 4
// weight tiles, not its 8 activation tiles; @mmt4d_wq_few_weights has 2
// weight tiles for 4 tasks and splits its 8 activation tiles.
// CHECK-LABEL: func.func @mmt4d_wq(
// CHECK:         scf.forall (%{{.*}}) in (4)
// CHECK:           linalg.generic {{.*}} ins({{.*}} : tensor<1x72x8xi8>, tensor<8x72x16x1xf32>, tensor<1x1x16xf32>, tensor<1x1x16xf32>) outs({{.*}} : tensor<1x8x16x16xf32>) attrs =  {qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 4, 72>}
// CHECK-LABEL: func.func @mmt4d_wq_few_weights(
// CHECK:         scf.forall (%{{.*}}) = (0) to (8) step (2)
// CHECK:           linalg.generic {{.*}} ins({{.*}} : tensor<2x72x8xi8>, tensor<2x72x16x1xf32>, tensor<2x1x16xf32>, tensor<2x1x16xf32>) outs({{.*}} : tensor<2x2x16x16xf32>) attrs =  {qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 4, 72>}
func.func @mmt4d_wq(%w: tensor<4x72x8xi8>, %s: tensor<4x1x16xf32>, %x: tensor<8x72x16x1xf32>, %o: tensor<4x8x16x16xf32>) -> tensor<4x8x16x16xf32> {
  %0 = linalg.generic {indexing_maps = [#w, #x, #p, #p, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%w, %x, %s, %s : tensor<4x72x8xi8>, tensor<8x72x16x1xf32>, tensor<4x1x16xf32>, tensor<4x1x16xf32>) outs(%o : tensor<4x8x16x16xf32>) attrs = {qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 4, 72>} {
  ^bb0(%a: i8, %b: f32, %c: f32, %d: f32, %e: f32):
    %af = arith.uitofp %a : i8 to f32
    %w0 = arith.subf %af, %d : f32
    %wv = arith.mulf %w0, %c : f32
    %p0 = arith.mulf %b, %wv : f32
    %r = arith.addf %e, %p0 : f32
    linalg.yield %r : f32
  } -> tensor<4x8x16x16xf32>
  return %0 : tensor<4x8x16x16xf32>
}

func.func @mmt4d_wq_few_weights(%w: tensor<2x72x8xi8>, %s: tensor<2x1x16xf32>, %x: tensor<8x72x16x1xf32>, %o: tensor<2x8x16x16xf32>) -> tensor<2x8x16x16xf32> {
  %0 = linalg.generic {indexing_maps = [#w, #x, #p, #p, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%w, %x, %s, %s : tensor<2x72x8xi8>, tensor<8x72x16x1xf32>, tensor<2x1x16xf32>, tensor<2x1x16xf32>) outs(%o : tensor<2x8x16x16xf32>) attrs = {qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 4, 72>} {
  ^bb0(%a: i8, %b: f32, %c: f32, %d: f32, %e: f32):
    %af = arith.uitofp %a : i8 to f32
    %w0 = arith.subf %af, %d : f32
    %wv = arith.mulf %w0, %c : f32
    %p0 = arith.mulf %b, %wv : f32
    %r = arith.addf %e, %p0 : f32
    linalg.yield %r : f32
  } -> tensor<2x8x16x16xf32>
  return %0 : tensor<2x8x16x16xf32>
}

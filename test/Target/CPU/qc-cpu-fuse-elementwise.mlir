// RUN: quant-opt %s -qc-cpu-fuse-elementwise -split-input-file | FileCheck %s

#id = affine_map<(d0) -> (d0)>

// Two elementwise generics fuse into one.
// CHECK-LABEL: func.func @chain(
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:           arith.mulf
// CHECK-NOT:     linalg.generic
func.func @chain(%x: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%i: f32, %o: f32):
    %v = math.exp %i : f32
    linalg.yield %v : f32
  } -> tensor<64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%i: f32, %o: f32):
    %v = arith.mulf %i, %i : f32
    linalg.yield %v : f32
  } -> tensor<64xf32>
  return %b : tensor<64xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// A microkernel op neither absorbs its producer nor fuses into its consumer.
// CHECK-LABEL: func.func @ukernel_stays(
// CHECK:         linalg.generic
// CHECK:           math.exp
// CHECK:         linalg.generic {{.*}} {qc.ukernel = "test"}
// CHECK:         linalg.generic
// CHECK:           arith.mulf
func.func @ukernel_stays(%x: tensor<64xf32>) -> tensor<64xf32> {
  %e = tensor.empty() : tensor<64xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%i: f32, %o: f32):
    %v = math.exp %i : f32
    linalg.yield %v : f32
  } -> tensor<64xf32>
  %k = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<64xf32>) outs(%e : tensor<64xf32>) attrs = {qc.ukernel = "test"} {
  ^bb0(%i: f32, %o: f32):
    %v = arith.addf %i, %i : f32
    linalg.yield %v : f32
  } -> tensor<64xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%k : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%i: f32, %o: f32):
    %v = arith.mulf %i, %i : f32
    linalg.yield %v : f32
  } -> tensor<64xf32>
  return %b : tensor<64xf32>
}

// -----

// Pads become fill + insert_slice, so the producer can write in place later.
// CHECK-LABEL: func.func @pad(
// CHECK-NOT:     tensor.pad
// CHECK:         linalg.fill
// CHECK:         tensor.insert_slice %{{.*}} into %{{.*}}[0, 1] [4, 4] [1, 1]
func.func @pad(%x: tensor<4x4xf32>) -> tensor<4x6xf32> {
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %z : f32
  } : tensor<4x4xf32> to tensor<4x6xf32>
  return %p : tensor<4x6xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#up = affine_map<(d0, d1) -> (d0 floordiv 2, d1 floordiv 2)>
#row = affine_map<(d0, d1) -> (d0)>

// A producer that computes is not fused into a consumer that reads each of
// its elements several times (here a nearest 2x upsampling, and a
// broadcast along rows): its exp would be redone per consumer element. The
// pure copy of the upsampling itself still fuses, as a gather in the
// consumer's indexing map.
// CHECK-DAG:   #[[UP:.*]] = affine_map<(d0, d1) -> (d0 floordiv 2, d1 floordiv 2)>
// CHECK-DAG:   #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @no_recompute(
// CHECK:         %[[E:.*]] = linalg.generic
// CHECK:           math.exp
// CHECK:         %[[R:.*]] = linalg.generic
// CHECK:           math.log
// CHECK:         linalg.generic {indexing_maps = [#[[UP]], #[[ROW]], {{.*}}]{{.*}} ins(%[[E]], %[[R]] :
// CHECK-NOT:       math.exp
// CHECK:           arith.addf
// CHECK-NOT:     linalg.generic
func.func @no_recompute(%x: tensor<8x8xf32>, %v: tensor<16xf32>, %y: tensor<16x16xf32>) -> tensor<16x16xf32> {
  %e8 = tensor.empty() : tensor<8x8xf32>
  %e16 = tensor.empty() : tensor<16x16xf32>
  %ev = tensor.empty() : tensor<16xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x8xf32>) outs(%e8 : tensor<8x8xf32>) {
  ^bb0(%i: f32, %o: f32):
    %t = math.exp %i : f32
    linalg.yield %t : f32
  } -> tensor<8x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%v : tensor<16xf32>) outs(%ev : tensor<16xf32>) {
  ^bb0(%i: f32, %o: f32):
    %t = math.log %i : f32
    linalg.yield %t : f32
  } -> tensor<16xf32>
  %u = linalg.generic {indexing_maps = [#up, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<8x8xf32>) outs(%e16 : tensor<16x16xf32>) {
  ^bb0(%i: f32, %o: f32):
    linalg.yield %i : f32
  } -> tensor<16x16xf32>
  %b = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%u, %r : tensor<16x16xf32>, tensor<16xf32>) outs(%e16 : tensor<16x16xf32>) {
  ^bb0(%i: f32, %j: f32, %o: f32):
    %t = arith.addf %i, %j : f32
    linalg.yield %t : f32
  } -> tensor<16x16xf32>
  return %b : tensor<16x16xf32>
}

// RUN: quant-opt %s -qc-cpu-lower-to-ukernels -split-input-file -verify-diagnostics | FileCheck %s

#lhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
#rhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// A tagged GEMM on a tile becomes a microkernel call with the tile's base
// pointers and outer strides. Its accumulator is zero-filled only for it,
// so the fill goes and the call overwrites (flags 0).
// CHECK:       func.func private @qrt_ukernel_mmt4d_f32(!llvm.ptr, i64, !llvm.ptr, i64, !llvm.ptr, i64, i64, i64, i64, i32, i32, i32, i32) -> i32
// CHECK-LABEL: func.func @tile(
// CHECK-NOT:     linalg.fill
// CHECK:         %[[R:.*]] = memref.subview %{{.*}}[%{{.*}}, 0, 0, 0] [2, 4, 16, 1]
// CHECK:         %[[O:.*]] = memref.subview %{{.*}}[0, %{{.*}}, 0, 0] [3, 2, 16, 16]
// CHECK:         memref.extract_strided_metadata
// CHECK:         memref.extract_aligned_pointer_as_index
// CHECK:         llvm.inttoptr
// CHECK:         %[[FLAGS:.*]] = arith.constant 0 : i32
// CHECK:         call @qrt_ukernel_mmt4d_f32({{.*}}, %[[FLAGS]])
// CHECK-NOT:     linalg.generic
func.func @tile(%a: memref<3x4x16x1xf32>, %b: memref<8x4x16x1xf32>, %c: memref<3x8x16x16xf32>, %i: index) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<3x8x16x16xf32>)
  %bt = memref.subview %b[%i, 0, 0, 0] [2, 4, 16, 1] [1, 1, 1, 1] : memref<8x4x16x1xf32> to memref<2x4x16x1xf32, strided<[64, 16, 1, 1], offset: ?>>
  %ct = memref.subview %c[0, %i, 0, 0] [3, 2, 16, 16] [1, 1, 1, 1] : memref<3x8x16x16xf32> to memref<3x2x16x16xf32, strided<[2048, 256, 16, 1], offset: ?>>
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%a, %bt : memref<3x4x16x1xf32>, memref<2x4x16x1xf32, strided<[64, 16, 1, 1], offset: ?>>) outs(%ct : memref<3x2x16x16xf32, strided<[2048, 256, 16, 1], offset: ?>>) attrs = {qc.ukernel = "mmt4d_f32"} {
  ^bb0(%x: f32, %y: f32, %z: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %z, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#lhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
#rhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// Without a dedicated zero fill the call accumulates (flags 1).
// CHECK-LABEL: func.func @accumulate(
// CHECK:         call @qrt_ukernel_mmt4d_u8s8s32(
// CHECK-SAME:      %c1_i32{{.*}})
func.func @accumulate(%a: memref<1x2x16x4xi8>, %b: memref<1x2x16x4xi8>, %c: memref<1x1x16x16xi32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%a, %b : memref<1x2x16x4xi8>, memref<1x2x16x4xi8>) outs(%c : memref<1x1x16x16xi32>) attrs = {qc.ukernel = "mmt4d_u8s8s32"} {
  ^bb0(%x: i8, %y: i8, %z: i32):
    %xe = arith.extui %x : i8 to i32
    %ye = arith.extsi %y : i8 to i32
    %m = arith.muli %xe, %ye : i32
    %s = arith.addi %z, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#id = affine_map<(d0) -> (d0)>

func.func @unknown(%a: memref<4xf32>) {
  // expected-error @+1 {{unknown microkernel 'conv9d'}}
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%a : memref<4xf32>) attrs = {qc.ukernel = "conv9d"} {
  ^bb0(%o: f32):
    linalg.yield %o : f32
  }
  return
}

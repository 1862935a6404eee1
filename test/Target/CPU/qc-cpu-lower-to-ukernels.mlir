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
// CHECK:         %[[FLAGS:.*]] = arith.constant 0 : i32
// CHECK:         memref.extract_strided_metadata
// CHECK:         memref.extract_aligned_pointer_as_index
// CHECK:         llvm.inttoptr
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

#lhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
#rhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// The s8 (weights) x u8 (activations) GEMM has the same call signature.
// CHECK-LABEL: func.func @s8u8(
// CHECK:         call @qrt_ukernel_mmt4d_s8u8s32(
func.func @s8u8(%a: memref<1x2x16x4xi8>, %b: memref<1x2x16x4xi8>, %c: memref<1x1x16x16xi32>) {
  linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%a, %b : memref<1x2x16x4xi8>, memref<1x2x16x4xi8>) outs(%c : memref<1x1x16x16xi32>) attrs = {qc.ukernel = "mmt4d_s8u8s32"} {
  ^bb0(%x: i8, %y: i8, %z: i32):
    %xe = arith.extsi %x : i8 to i32
    %ye = arith.extui %y : i8 to i32
    %m = arith.muli %xe, %ye : i32
    %s = arith.addi %z, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#lhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
#im2col = affine_map<(d0, d1, d2, d3, d4, d5) -> (0, (d2 * 4 + d5) floordiv 9, (d1 * 2 + d4 floordiv 8) * 2 + ((d2 * 4 + d5) mod 9) floordiv 3, (d4 mod 8) * 2 + (d2 * 4 + d5) mod 3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// A convolution GEMM on a task's tile (pixel tiles [%i, %i + 2) of 4)
// packs from the whole padded input, with no padding, pixels [16 * %i,
// 16 * %i + 32), into the tile's accumulators.
// CHECK:       func.func private @qrt_ukernel_conv2d_im2col_s8u8s32(!llvm.ptr, i64, i64, i64, i32, !llvm.ptr, i64, i64, i64, i32, i32, i64, i64, i32, i32, i32, i32, i32, i32, i32, i64, i64, !llvm.ptr, i64, i32) -> i32
// CHECK-LABEL: func.func @conv_tile(
// CHECK-SAME:    %[[I:[a-z0-9]*]]: index)
// CHECK-DAG:     %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG:     %[[OFF:.*]] = arith.addi %{{.*}}, %[[I]] : index
// CHECK:         %[[B:.*]] = arith.muli %[[OFF]], %[[C16]] : index
// CHECK:         %[[E:.*]] = arith.addi %[[B]], %{{.*}} : index
// CHECK-DAG:     %[[BI:.*]] = arith.index_cast %[[B]] : index to i64
// CHECK-DAG:     %[[EI:.*]] = arith.index_cast %[[E]] : index to i64
// CHECK:         call @qrt_ukernel_conv2d_im2col_s8u8s32({{.*}}, %c4_i64, %c17_i64, %c17_i64{{[^,]*}}, %c3_i32, %c3_i32{{[^,]*}}, %c8_i64, %c8_i64{{[^,]*}}, %c2_i32, %c2_i32{{[^,]*}}, %c1_i32{{[^,]*}}, %c1_i32{{[^,]*}}, %c0_i32{{[^,]*}}, %c0_i32{{[^,]*}}, %c0_i32{{[^,]*}}, %[[BI]], %[[EI]], %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}})
// CHECK-NOT:     linalg.generic
func.func @conv_tile(%w: memref<1x9x16x4xi8>, %x: memref<1x4x17x17xi8>, %acc: memref<1x4x16x16xi32>, %i: index) {
  %xt = memref.subview %x[0, 0, 0, 0] [1, 4, 9, 17] [1, 1, 1, 1] : memref<1x4x17x17xi8> to memref<1x4x9x17xi8, strided<[1156, 289, 17, 1]>>
  %at = memref.subview %acc[0, %i, 0, 0] [1, 2, 16, 16] [1, 1, 1, 1] : memref<1x4x16x16xi32> to memref<1x2x16x16xi32, strided<[1024, 256, 16, 1], offset: ?>>
  linalg.generic {indexing_maps = [#lhs, #im2col, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%w, %xt : memref<1x9x16x4xi8>, memref<1x4x9x17xi8, strided<[1156, 289, 17, 1]>>) outs(%at : memref<1x2x16x16xi32, strided<[1024, 256, 16, 1], offset: ?>>) attrs = {qc.conv_geometry = array<i64: 4, 17, 17, 3, 3, 8, 8, 2, 2, 1, 1>, qc.ukernel = "conv2d_im2col_s8u8s32"} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extui %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#lhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
#direct = affine_map<(d0, d1, d2, d3, d4, d5) -> (0, d5 mod 4, d1 + d4 floordiv 16 + (d2 + d5 floordiv 4) floordiv 3, d4 mod 16 + (d2 + d5 floordiv 4) mod 3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// The implicit-GEMM form: geometry without padding or stride in width,
// pixels [16 * %i, 16 * %i + 64).
// CHECK:       func.func private @qrt_ukernel_conv2d_direct_s8u8s32(!llvm.ptr, i64, i64, i32, !llvm.ptr, i64, i64, i64, i32, i32, i64, i64, i32, i32, i32, i64, i64, !llvm.ptr, i64, i32) -> i32
// CHECK-LABEL: func.func @conv_direct_tile(
// CHECK:         call @qrt_ukernel_conv2d_direct_s8u8s32(%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %c8_i32, %{{[^,]*}}, %c4_i64, %c18_i64, %c18_i64{{[^,]*}}, %c3_i32, %c3_i32{{[^,]*}}, %c16_i64, %c16_i64{{[^,]*}}, %c1_i32{{[^,]*}}, %c1_i32{{[^,]*}}, %c1_i32{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}})
// CHECK-NOT:     linalg.generic
func.func @conv_direct_tile(%w: memref<1x9x8x4xi8>, %x: memref<1x4x18x18xi8>, %acc: memref<1x16x8x16xi32>, %i: index) {
  %at = memref.subview %acc[0, %i, 0, 0] [1, 4, 8, 16] [1, 1, 1, 1] : memref<1x16x8x16xi32> to memref<1x4x8x16xi32, strided<[2048, 128, 16, 1], offset: ?>>
  linalg.generic {indexing_maps = [#lhs, #direct, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%w, %x : memref<1x9x8x4xi8>, memref<1x4x18x18xi8>) outs(%at : memref<1x4x8x16xi32, strided<[2048, 128, 16, 1], offset: ?>>) attrs = {qc.conv_geometry = array<i64: 4, 18, 18, 3, 3, 16, 16, 1, 1, 1, 1>, qc.ukernel = "conv2d_direct_s8u8s32"} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extui %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#lhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
#im2col = affine_map<(d0, d1, d2, d3, d4, d5) -> (0, (d2 * 4 + d5) floordiv 9, (d1 * 2 + d4 floordiv 8) * 2 + ((d2 * 4 + d5) mod 9) floordiv 3, (d4 mod 8) * 2 + (d2 * 4 + d5) mod 3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// A task split along M1 (weight row tiles, here a partial tile of dynamic
// size) spans all pixels: [0, 64).
// CHECK-LABEL: func.func @conv_m1_tile(
// CHECK:         %[[B:.*]] = arith.muli %c0{{[_0-9]*}}, %c16 : index
// CHECK:         call @qrt_ukernel_conv2d_im2col_s8u8s32(
// CHECK-NOT:     linalg.generic
func.func @conv_m1_tile(%w: memref<5x9x8x4xi8>, %x: memref<1x4x17x17xi8>, %acc: memref<5x4x8x16xi32>, %i: index, %n: index) {
  %wt = memref.subview %w[%i, 0, 0, 0] [%n, 9, 8, 4] [1, 1, 1, 1] : memref<5x9x8x4xi8> to memref<?x9x8x4xi8, strided<[288, 32, 4, 1], offset: ?>>
  %at = memref.subview %acc[%i, 0, 0, 0] [%n, 4, 8, 16] [1, 1, 1, 1] : memref<5x4x8x16xi32> to memref<?x4x8x16xi32, strided<[512, 128, 16, 1], offset: ?>>
  linalg.generic {indexing_maps = [#lhs, #im2col, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%wt, %x : memref<?x9x8x4xi8, strided<[288, 32, 4, 1], offset: ?>>, memref<1x4x17x17xi8>) outs(%at : memref<?x4x8x16xi32, strided<[512, 128, 16, 1], offset: ?>>) attrs = {qc.conv_geometry = array<i64: 4, 17, 17, 3, 3, 8, 8, 2, 2, 1, 1>, qc.ukernel = "conv2d_im2col_s8u8s32"} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extui %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#lhs = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d5)>
#im2col = affine_map<(d0, d1, d2, d3, d4, d5) -> (0, (d2 * 4 + d5) floordiv 9, (d1 * 2 + d4 floordiv 8) * 2 + ((d2 * 4 + d5) mod 9) floordiv 3, (d4 mod 8) * 2 + (d2 * 4 + d5) mod 3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// An input the microkernel cannot read (channel planes not dense) keeps the
// generic, which lowers to loops later.
// CHECK-LABEL: func.func @conv_not_dense(
// CHECK-NOT:     call
// CHECK:         linalg.generic
func.func @conv_not_dense(%w: memref<1x9x16x4xi8>, %x: memref<1x4x17x17xi8, strided<[2312, 578, 17, 1]>>, %acc: memref<1x4x16x16xi32>) {
  linalg.generic {indexing_maps = [#lhs, #im2col, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%w, %x : memref<1x9x16x4xi8>, memref<1x4x17x17xi8, strided<[2312, 578, 17, 1]>>) outs(%acc : memref<1x4x16x16xi32>) attrs = {qc.conv_geometry = array<i64: 4, 17, 17, 3, 3, 8, 8, 2, 2, 1, 1>, qc.ukernel = "conv2d_im2col_s8u8s32"} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %ae = arith.extsi %a : i8 to i32
    %be = arith.extui %b : i8 to i32
    %m = arith.muli %ae, %be : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 2 + d2, d4 * 2 + d3)>
#w = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>

// A depthwise convolution on a task's channels [%c, %c + 2) of 8 runs on
// the whole padded input, weights and output for that channel range.
// CHECK:       func.func private @qrt_ukernel_dwconv2d_acc_f32(!llvm.ptr, i64, i64, !llvm.ptr, i32, i32, !llvm.ptr, i64, i64, i32, i32, i32, i32, i64, i64) -> i32
// CHECK-LABEL: func.func @depthwise_tile(
// CHECK-SAME:    %[[C:[a-z0-9]*]]: index)
// CHECK:         %[[E:.*]] = arith.addi %[[B:[0-9]+]], %dim : index
// CHECK-DAG:     %[[BI:.*]] = arith.index_cast %[[B]] : index to i64
// CHECK-DAG:     %[[EI:.*]] = arith.index_cast %[[E]] : index to i64
// CHECK:         call @qrt_ukernel_dwconv2d_acc_f32(%{{[^,]*}}, %c9_i64, %c9_i64{{[^,]*}}, %{{[^,]*}}, %c3_i32, %c3_i32{{[^,]*}}, %{{[^,]*}}, %c4_i64, %c4_i64{{[^,]*}}, %c2_i32, %c2_i32{{[^,]*}}, %c1_i32, %c1_i32{{[^,]*}}, %[[BI]], %[[EI]])
// CHECK-NOT:     linalg.generic
func.func @depthwise_tile(%x: memref<8x9x9xf32>, %wt: memref<8x3x3xf32>, %y: memref<8x4x4xf32>, %c: index) {
  %xt = memref.subview %x[%c, 0, 0] [2, 9, 9] [1, 1, 1] : memref<8x9x9xf32> to memref<2x9x9xf32, strided<[81, 9, 1], offset: ?>>
  %wtt = memref.subview %wt[%c, 0, 0] [2, 3, 3] [1, 1, 1] : memref<8x3x3xf32> to memref<2x3x3xf32, strided<[9, 3, 1], offset: ?>>
  %yt = memref.subview %y[%c, 0, 0] [2, 4, 4] [1, 1, 1] : memref<8x4x4xf32> to memref<2x4x4xf32, strided<[16, 4, 1], offset: ?>>
  linalg.generic {indexing_maps = [#in, #w, #o], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%xt, %wtt : memref<2x9x9xf32, strided<[81, 9, 1], offset: ?>>, memref<2x3x3xf32, strided<[9, 3, 1], offset: ?>>) outs(%yt : memref<2x4x4xf32, strided<[16, 4, 1], offset: ?>>) attrs = {qc.conv_geometry = array<i64: 8, 9, 9, 3, 3, 4, 4, 2, 2, 1, 1>, qc.ukernel = "dwconv2d_acc_f32"} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d2, d4 + d3)>
#w = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>

// The u8 x s8 depthwise generic takes the same arguments, on i8 / i32
// buffers, plus flags: its output is not zero-filled here, so it
// accumulates (flag 1).
// CHECK:       func.func private @qrt_ukernel_dwconv2d_acc_u8s8s32(!llvm.ptr, i64, i64, !llvm.ptr, i32, i32, !llvm.ptr, i64, i64, i32, i32, i32, i32, i64, i64, i32) -> i32
// CHECK-LABEL: func.func @depthwise_u8_tile(
// CHECK:         %[[ACC:.*]] = arith.constant 1 : i32
// CHECK:         call @qrt_ukernel_dwconv2d_acc_u8s8s32(%{{[^,]*}}, %c7_i64, %c7_i64{{[^,]*}}, %{{[^,]*}}, %c3_i32, %c3_i32{{[^,]*}}, %{{[^,]*}}, %c5_i64, %c5_i64{{[^,]*}}, %c1_i32{{[^,]*}}, %c1_i32{{[^,]*}}, %c1_i32{{[^,]*}}, %c1_i32{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %[[ACC]])
// CHECK-NOT:     linalg.generic
func.func @depthwise_u8_tile(%x: memref<4x7x7xi8>, %wt: memref<4x3x3xi8>, %y: memref<4x5x5xi32>, %c: index) {
  %xt = memref.subview %x[%c, 0, 0] [2, 7, 7] [1, 1, 1] : memref<4x7x7xi8> to memref<2x7x7xi8, strided<[49, 7, 1], offset: ?>>
  %wtt = memref.subview %wt[%c, 0, 0] [2, 3, 3] [1, 1, 1] : memref<4x3x3xi8> to memref<2x3x3xi8, strided<[9, 3, 1], offset: ?>>
  %yt = memref.subview %y[%c, 0, 0] [2, 5, 5] [1, 1, 1] : memref<4x5x5xi32> to memref<2x5x5xi32, strided<[25, 5, 1], offset: ?>>
  linalg.generic {indexing_maps = [#in, #w, #o], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%xt, %wtt : memref<2x7x7xi8, strided<[49, 7, 1], offset: ?>>, memref<2x3x3xi8, strided<[9, 3, 1], offset: ?>>) outs(%yt : memref<2x5x5xi32, strided<[25, 5, 1], offset: ?>>) attrs = {qc.conv_geometry = array<i64: 4, 7, 7, 3, 3, 5, 5, 1, 1, 1, 1>, qc.ukernel = "dwconv2d_acc_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %m = arith.muli %a32, %b32 : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  }
  return
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d2, d4 + d3)>
#w = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>

// A zero fill of the whole accumulator buffer before the u8 depthwise
// calls is dropped and the calls overwrite (flag 0).
// CHECK-LABEL: func.func @depthwise_u8_filled(
// CHECK-NOT:     linalg.fill
// CHECK:         call @qrt_ukernel_dwconv2d_acc_u8s8s32({{.*}}, %c0_i32{{[_0-9]*}})
// CHECK-NOT:     linalg.fill
func.func @depthwise_u8_filled(%x: memref<4x7x7xi8>, %wt: memref<4x3x3xi8>, %c: index) -> memref<4x5x5xi32> {
  %zero = arith.constant 0 : i32
  %y = memref.alloc() : memref<4x5x5xi32>
  linalg.fill ins(%zero : i32) outs(%y : memref<4x5x5xi32>)
  %xt = memref.subview %x[%c, 0, 0] [2, 7, 7] [1, 1, 1] : memref<4x7x7xi8> to memref<2x7x7xi8, strided<[49, 7, 1], offset: ?>>
  %wtt = memref.subview %wt[%c, 0, 0] [2, 3, 3] [1, 1, 1] : memref<4x3x3xi8> to memref<2x3x3xi8, strided<[9, 3, 1], offset: ?>>
  %yt = memref.subview %y[%c, 0, 0] [2, 5, 5] [1, 1, 1] : memref<4x5x5xi32> to memref<2x5x5xi32, strided<[25, 5, 1], offset: ?>>
  linalg.generic {indexing_maps = [#in, #w, #o], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%xt, %wtt : memref<2x7x7xi8, strided<[49, 7, 1], offset: ?>>, memref<2x3x3xi8, strided<[9, 3, 1], offset: ?>>) outs(%yt : memref<2x5x5xi32, strided<[25, 5, 1], offset: ?>>) attrs = {qc.conv_geometry = array<i64: 4, 7, 7, 3, 3, 5, 5, 1, 1, 1, 1>, qc.ukernel = "dwconv2d_acc_u8s8s32"} {
  ^bb0(%a: i8, %b: i8, %o: i32):
    %a32 = arith.extui %a : i8 to i32
    %b32 = arith.extsi %b : i8 to i32
    %m = arith.muli %a32, %b32 : i32
    %s = arith.addi %o, %m : i32
    linalg.yield %s : i32
  }
  return %y : memref<4x5x5xi32>
}

// -----

#in = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d2, d4 + d3)>
#w = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3)>
#o = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>
#last = affine_map<(d0) -> (-d0 + 5, 2)>

// The fill split into tasks of 2 channels (the last one partial: its size
// is an affine.min) is dropped too.
// CHECK-LABEL: func.func @depthwise_u8_forall_fill(
// CHECK-NOT:     linalg.fill
// CHECK:         scf.forall
// CHECK:           call @qrt_ukernel_dwconv2d_acc_u8s8s32({{.*}}, %c0_i32{{[_0-9]*}})
// CHECK-NOT:     linalg.fill
func.func @depthwise_u8_forall_fill(%x: memref<5x7x7xi8>, %wt: memref<5x3x3xi8>) -> memref<5x5x5xi32> {
  %zero = arith.constant 0 : i32
  %y = memref.alloc() : memref<5x5x5xi32>
  scf.forall (%i) = (0) to (5) step (2) {
    %n = affine.min #last(%i)
    %s = memref.subview %y[%i, 0, 0] [%n, 5, 5] [1, 1, 1] : memref<5x5x5xi32> to memref<?x5x5xi32, strided<[25, 5, 1], offset: ?>>
    linalg.fill ins(%zero : i32) outs(%s : memref<?x5x5xi32, strided<[25, 5, 1], offset: ?>>)
  }
  scf.forall (%i) = (0) to (5) step (2) {
    %n = affine.min #last(%i)
    %xt = memref.subview %x[%i, 0, 0] [%n, 7, 7] [1, 1, 1] : memref<5x7x7xi8> to memref<?x7x7xi8, strided<[49, 7, 1], offset: ?>>
    %wtt = memref.subview %wt[%i, 0, 0] [%n, 3, 3] [1, 1, 1] : memref<5x3x3xi8> to memref<?x3x3xi8, strided<[9, 3, 1], offset: ?>>
    %yt = memref.subview %y[%i, 0, 0] [%n, 5, 5] [1, 1, 1] : memref<5x5x5xi32> to memref<?x5x5xi32, strided<[25, 5, 1], offset: ?>>
    linalg.generic {indexing_maps = [#in, #w, #o], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%xt, %wtt : memref<?x7x7xi8, strided<[49, 7, 1], offset: ?>>, memref<?x3x3xi8, strided<[9, 3, 1], offset: ?>>) outs(%yt : memref<?x5x5xi32, strided<[25, 5, 1], offset: ?>>) attrs = {qc.conv_geometry = array<i64: 5, 7, 7, 3, 3, 5, 5, 1, 1, 1, 1>, qc.ukernel = "dwconv2d_acc_u8s8s32"} {
    ^bb0(%a: i8, %b: i8, %o: i32):
      %a32 = arith.extui %a : i8 to i32
      %b32 = arith.extsi %b : i8 to i32
      %m = arith.muli %a32, %b32 : i32
      %s = arith.addi %o, %m : i32
      linalg.yield %s : i32
    }
  }
  return %y : memref<5x5x5xi32>
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

// -----

#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#q = affine_map<(d0, d1, d2) -> (d1, d2)>
#g = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>

// The int4 GEMV on a task's 4 output channels: the unpacked weights,
// scales and zero points (constant globals) are packed at compile time into
// one 64-byte aligned global in the kernel's layout (2 row blocks of 4 x 64
// bytes of nibbles, then the scales and, as one zero point is not 8, the
// zero points, each padded to 64 bytes: 640 bytes), which replaces them.
// The call gets N, K, the group, the flags (QRT_UKERNEL_W4_ZERO_POINTS; the
// accumulator's zero fill is dropped, so no QRT_UKERNEL_FLAG_ACCUMULATE), x
// and y with their strides, M and the task's channel range [4i, 4i + 4).
// CHECK:       func.func private @qrt_ukernel_gemv_w4_f32(!llvm.ptr, i64, i64, i32, i32, !llvm.ptr, i64, !llvm.ptr, i64, i64, i64, i64) -> i32
// CHECK:       memref.global "private" constant @__qc_w4_packed : memref<640xi8> = dense_resource<w4_packed> {alignment = 64 : i64}
// CHECK-NOT:   memref.global
// CHECK-LABEL: func.func @gemv_w4(
// CHECK-NOT:     linalg.fill
// CHECK:         scf.forall (%[[I:.*]]) in (2)
// CHECK:           %[[N0:.*]] = affine.apply #{{.*}}(%[[I]])
// CHECK:           %[[NB:.*]] = arith.addi %{{.*}}, %[[N0]] : index
// CHECK:           memref.get_global @__qc_w4_packed : memref<640xi8>
// CHECK:           %[[TN:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<3x4xf32, {{.*}}>
// CHECK:           %[[END:.*]] = arith.addi %[[NB]], %[[TN]] : index
// CHECK-DAG:       %[[N:.*]] = arith.constant 8 : i64
// CHECK-DAG:       %[[K:.*]] = arith.constant 40 : i64
// CHECK-DAG:       %[[G:.*]] = arith.constant 64 : i32
// CHECK-DAG:       %[[FLAGS:.*]] = arith.constant 512 : i32
// CHECK:           %[[MI:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<3x40xf32>
// CHECK:           %[[M:.*]] = arith.index_cast %[[MI]] : index to i64
// CHECK:           %[[B:.*]] = arith.index_cast %[[NB]] : index to i64
// CHECK:           %[[E:.*]] = arith.index_cast %[[END]] : index to i64
// CHECK:           call @qrt_ukernel_gemv_w4_f32(%{{.*}}, %[[N]], %[[K]], %[[G]], %[[FLAGS]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[M]], %[[B]], %[[E]])
// CHECK-NOT:     linalg.generic
memref.global "private" constant @q : memref<8x40xi8> = dense<3> {alignment = 64 : i64}
memref.global "private" constant @s : memref<8x1xf32> = dense<0.5> {alignment = 64 : i64}
memref.global "private" constant @z : memref<8x1xf32> = dense<[[8.0], [8.0], [7.0], [8.0], [8.0], [8.0], [8.0], [8.0]]> {alignment = 64 : i64}
func.func @gemv_w4(%x: memref<3x40xf32>, %y: memref<3x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%y : memref<3x8xf32>)
  %q = memref.get_global @q : memref<8x40xi8>
  %s = memref.get_global @s : memref<8x1xf32>
  %z = memref.get_global @z : memref<8x1xf32>
  scf.forall (%i) in (2) {
    %n0 = affine.apply affine_map<(d0) -> (d0 * 4)>(%i)
    %qt = memref.subview %q[%n0, 0] [4, 40] [1, 1] : memref<8x40xi8> to memref<4x40xi8, strided<[40, 1], offset: ?>>
    %st = memref.subview %s[%n0, 0] [4, 1] [1, 1] : memref<8x1xf32> to memref<4x1xf32, strided<[1, 1], offset: ?>>
    %zt = memref.subview %z[%n0, 0] [4, 1] [1, 1] : memref<8x1xf32> to memref<4x1xf32, strided<[1, 1], offset: ?>>
    %yt = memref.subview %y[0, %n0] [3, 4] [1, 1] : memref<3x8xf32> to memref<3x4xf32, strided<[8, 1], offset: ?>>
    linalg.generic {indexing_maps = [#x, #q, #g, #g, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %qt, %st, %zt : memref<3x40xf32>, memref<4x40xi8, strided<[40, 1], offset: ?>>, memref<4x1xf32, strided<[1, 1], offset: ?>>, memref<4x1xf32, strided<[1, 1], offset: ?>>) outs(%yt : memref<3x4xf32, strided<[8, 1], offset: ?>>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
    ^bb0(%a: f32, %b: i8, %c: f32, %d: f32, %e: f32):
      %bf = arith.uitofp %b : i8 to f32
      %w0 = arith.subf %bf, %d : f32
      %w = arith.mulf %w0, %c : f32
      %p = arith.mulf %a, %w : f32
      %r = arith.addf %e, %p : f32
      linalg.yield %r : f32
    }
  }
  return
}

// -----

#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#q = affine_map<(d0, d1, d2) -> (d1, d2)>
#g = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>

// Weights that are not constant globals: the generic stays (it lowers to
// loops); without a fill, nothing is added.
// CHECK-LABEL: func.func @gemv_w4_not_constant(
// CHECK-NOT:     call
// CHECK:         linalg.generic {{.*}}qc.ukernel = "gemv_w4_f32"
func.func @gemv_w4_not_constant(%x: memref<3x40xf32>, %q: memref<8x40xi8>, %s: memref<8x1xf32>, %y: memref<3x8xf32>) {
  linalg.generic {indexing_maps = [#x, #q, #g, #g, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %q, %s, %s : memref<3x40xf32>, memref<8x40xi8>, memref<8x1xf32>, memref<8x1xf32>) outs(%y : memref<3x8xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %b: i8, %c: f32, %d: f32, %e: f32):
    %bf = arith.uitofp %b : i8 to f32
    %w0 = arith.subf %bf, %d : f32
    %w = arith.mulf %w0, %c : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %e, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#q = affine_map<(d0, d1, d2) -> (d1, d2)>
#g = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>

// Two products with the same weight global (identical constants of two
// layers) but different scales get one packed global each.
// CHECK:       memref.global "private" constant @__qc_w4_packed_0 : memref<576xi8>
// CHECK:       memref.global "private" constant @__qc_w4_packed : memref<576xi8>
// CHECK-LABEL: func.func @shared_weights(
// CHECK:         memref.get_global @__qc_w4_packed : memref<576xi8>
// CHECK:         call @qrt_ukernel_gemv_w4_f32(
// CHECK:         memref.get_global @__qc_w4_packed_0 : memref<576xi8>
// CHECK:         call @qrt_ukernel_gemv_w4_f32(
memref.global "private" constant @q : memref<8x40xi8> = dense<3> {alignment = 64 : i64}
memref.global "private" constant @s1 : memref<8x1xf32> = dense<0.5> {alignment = 64 : i64}
memref.global "private" constant @s2 : memref<8x1xf32> = dense<0.25> {alignment = 64 : i64}
memref.global "private" constant @z : memref<8x1xf32> = dense<8.0> {alignment = 64 : i64}
func.func @shared_weights(%x: memref<3x40xf32>, %y1: memref<3x8xf32>, %y2: memref<3x8xf32>) {
  %q = memref.get_global @q : memref<8x40xi8>
  %s1 = memref.get_global @s1 : memref<8x1xf32>
  %s2 = memref.get_global @s2 : memref<8x1xf32>
  %z = memref.get_global @z : memref<8x1xf32>
  linalg.generic {indexing_maps = [#x, #q, #g, #g, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %q, %s1, %z : memref<3x40xf32>, memref<8x40xi8>, memref<8x1xf32>, memref<8x1xf32>) outs(%y1 : memref<3x8xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %b: i8, %c: f32, %d: f32, %e: f32):
    %bf = arith.uitofp %b : i8 to f32
    %w0 = arith.subf %bf, %d : f32
    %w = arith.mulf %w0, %c : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %e, %p : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [#x, #q, #g, #g, #y], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %q, %s2, %z : memref<3x40xf32>, memref<8x40xi8>, memref<8x1xf32>, memref<8x1xf32>) outs(%y2 : memref<3x8xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64} {
  ^bb0(%a: f32, %b: i8, %c: f32, %d: f32, %e: f32):
    %bf = arith.uitofp %b : i8 to f32
    %w0 = arith.subf %bf, %d : f32
    %w = arith.mulf %w0, %c : f32
    %p = arith.mulf %a, %w : f32
    %r = arith.addf %e, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3 floordiv 2)>
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
#p = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2 floordiv 72, d3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

// A packed-weight GEMM tile (weights as the LHS, a task's two weight row
// tiles): the views of the packed weights, the activations, the scales and
// zero points go as they are; the flags say the LHS holds the weights
// (1024) and, with no zero fill to drop, that the call accumulates (1); the
// group (72) and the bits (4) come from qc.wq.
// CHECK:       func.func private @qrt_ukernel_mmt4d_f32_wq(!llvm.ptr, i64, !llvm.ptr, i64, !llvm.ptr, i64, i64, i64, i64, i32, i32, i32, i32, !llvm.ptr, !llvm.ptr, i64, i64, i32) -> i32
// CHECK-LABEL: func.func @wq_tile(
// CHECK-DAG:     %[[FLAGS:.*]] = arith.constant 1025 : i32
// CHECK-DAG:     %[[GROUP:.*]] = arith.constant 72 : i64
// CHECK-DAG:     %[[BITS:.*]] = arith.constant 4 : i32
// CHECK:         call @qrt_ukernel_mmt4d_f32_wq({{.*}}, %[[FLAGS]], %{{.*}}, %{{.*}}, %{{.*}}, %[[GROUP]], %[[BITS]])
// CHECK-NOT:     linalg.generic
func.func @wq_tile(%w: memref<4x72x8xi8>, %s: memref<4x1x16xf32>, %z: memref<4x1x16xf32>, %x: memref<3x72x16x1xf32>, %o: memref<4x3x16x16xf32>, %i: index) {
  %wt = memref.subview %w[%i, 0, 0] [2, 72, 8] [1, 1, 1] : memref<4x72x8xi8> to memref<2x72x8xi8, strided<[576, 8, 1], offset: ?>>
  %st = memref.subview %s[%i, 0, 0] [2, 1, 16] [1, 1, 1] : memref<4x1x16xf32> to memref<2x1x16xf32, strided<[16, 16, 1], offset: ?>>
  %zt = memref.subview %z[%i, 0, 0] [2, 1, 16] [1, 1, 1] : memref<4x1x16xf32> to memref<2x1x16xf32, strided<[16, 16, 1], offset: ?>>
  %ot = memref.subview %o[%i, 0, 0, 0] [2, 3, 16, 16] [1, 1, 1, 1] : memref<4x3x16x16xf32> to memref<2x3x16x16xf32, strided<[768, 256, 16, 1], offset: ?>>
  linalg.generic {indexing_maps = [#w, #x, #p, #p, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%wt, %x, %st, %zt : memref<2x72x8xi8, strided<[576, 8, 1], offset: ?>>, memref<3x72x16x1xf32>, memref<2x1x16xf32, strided<[16, 16, 1], offset: ?>>, memref<2x1x16xf32, strided<[16, 16, 1], offset: ?>>) outs(%ot : memref<2x3x16x16xf32, strided<[768, 256, 16, 1], offset: ?>>) attrs = {qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 4, 72>} {
  ^bb0(%a: i8, %b: f32, %c: f32, %d: f32, %e: f32):
    %i0 = linalg.index 3 : index
    %r = arith.index_cast %i0 : index to i32
    %c2 = arith.constant 2 : i32
    %c4 = arith.constant 4 : i32
    %c15 = arith.constant 15 : i32
    %m = arith.remui %r, %c2 : i32
    %sh = arith.muli %m, %c4 : i32
    %by = arith.extui %a : i8 to i32
    %q0 = arith.shrui %by, %sh : i32
    %q = arith.andi %q0, %c15 : i32
    %qf = arith.uitofp %q : i32 to f32
    %w0 = arith.subf %qf, %d : f32
    %wv = arith.mulf %w0, %c : f32
    %p0 = arith.mulf %b, %wv : f32
    %acc = arith.addf %e, %p0 : f32
    linalg.yield %acc : f32
  }
  return
}

// -----

#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3 floordiv 2)>
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d2, d4, d5)>
#p = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2 floordiv 72, d3)>
#out = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d4)>

func.func @wq_without_params(%w: memref<4x72x8xi8>, %s: memref<4x1x16xf32>, %x: memref<3x72x16x1xf32>, %o: memref<4x3x16x16xf32>) {
  // expected-error @+1 {{mmt4d_f32_wq needs `qc.wq` = [operand, bits, group]}}
  linalg.generic {indexing_maps = [#w, #x, #p, #p, #out], iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel", "reduction"]} ins(%w, %x, %s, %s : memref<4x72x8xi8>, memref<3x72x16x1xf32>, memref<4x1x16xf32>, memref<4x1x16xf32>) outs(%o : memref<4x3x16x16xf32>) attrs = {qc.ukernel = "mmt4d_f32_wq"} {
  ^bb0(%a: i8, %b: f32, %c: f32, %d: f32, %e: f32):
    linalg.yield %e : f32
  }
  return
}

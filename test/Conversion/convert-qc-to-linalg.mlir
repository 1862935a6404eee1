// RUN: quant-opt %s -convert-qc-to-linalg -split-input-file -verify-diagnostics | FileCheck %s
// RUN: quant-opt %s -convert-qc-to-linalg=data-tiling -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=TILED

// Broadcasting is in the indexing maps.
// CHECK-DAG:   #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @add_broadcast(
// CHECK-SAME:    %[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK:         %[[R:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>)
// CHECK:           arith.addf
// CHECK:         return %[[R]]
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %0 = qc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Unsigned integers keep unsigned semantics on signless storage.
// CHECK-LABEL: func.func @unsigned_div(
// CHECK-SAME:    %{{.*}}: tensor<4xi8>, %{{.*}}: tensor<4xi8>) -> tensor<4xi8>
// CHECK:         arith.divui
func.func @unsigned_div(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %0 = qc.div %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %0 : tensor<4xui8>
}

// -----

// A 2-D group-1 convolution is a named op after an explicit pad; the bias is
// a broadcast add.
// CHECK-LABEL: func.func @conv(
// CHECK:         %[[P:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:         %[[C:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME:      ins(%[[P]], %{{.*}} : tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>)
// CHECK:         linalg.generic
// CHECK:           arith.addf
// TILED-LABEL: func.func @conv(
// TILED:         linalg.generic {{.*}} {qc.ukernel = "mmt4d_f32"}
func.func @conv(%x: tensor<1x3x8x8xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3x3x3xf32>
  %0 = qc.conv %x, %w, %b {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Depthwise convolutions keep the output row innermost with data tiling.
// CHECK-LABEL: func.func @depthwise(
// CHECK:         linalg.depthwise_conv_2d_nchw_chw
// TILED-LABEL: func.func @depthwise(
// TILED:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]
// TILED-SAME:      qc.loop_order = "sequential"
func.func @depthwise(%x: tensor<1x8x6x6xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %0 = qc.conv %x, %w {group = 8 : i64} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// Quantization rounds half to even and clamps (not upstream's truncation);
// the quantized type becomes its storage type.
// CHECK-LABEL: func.func @quantize(
// CHECK-SAME:    -> tensor<4xi8>
// CHECK:         linalg.generic
// CHECK:           arith.divf
// CHECK:           math.roundeven
// CHECK:           arith.addf
// CHECK:           arith.maximumf
// CHECK:           arith.minimumf
// CHECK:           arith.fptoui
func.func @quantize(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<u8:f32, 0.5:3>> {
  %0 = qc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:3>>
  return %0 : tensor<4x!quant.uniform<u8:f32, 0.5:3>>
}

// -----

// W8A8: a u8 activation times an s8 per-channel weight becomes the u8 x s8
// microkernel GEMM with an f32 requantization (fma) epilogue.
// TILED-LABEL: func.func @w8a8_matmul(
// TILED:         linalg.generic {{.*}} {qc.ukernel = "mmt4d_u8s8s32"}
// TILED:           arith.extui
// TILED:           arith.extsi
// TILED:         linalg.generic
// TILED:           arith.subi
// TILED:           arith.sitofp
// TILED:           math.fma
func.func @w8a8_matmul(%x: tensor<32x8xf32>) -> tensor<32x4xf32> {
  %xq = qc.quantize %x : tensor<32x8xf32> -> tensor<32x8x!quant.uniform<u8:f32, 0.1:128>>
  %xd = qc.dequantize %xq : tensor<32x8x!quant.uniform<u8:f32, 0.1:128>> -> tensor<32x8xf32>
  %c = arith.constant dense<3> : tensor<8x4xi8>
  %cq = quant.scast %c : tensor<8x4xi8> to tensor<8x4x!quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25, 0.125, 1.0}>>
  %w = qc.dequantize %cq : tensor<8x4x!quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25, 0.125, 1.0}>> -> tensor<8x4xf32>
  %0 = qc.matmul %xd, %w : (tensor<32x8xf32>, tensor<8x4xf32>) -> tensor<32x4xf32>
  return %0 : tensor<32x4xf32>
}

// -----

func.func @cubic(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32> {
  // expected-error @+2 {{'qc.resize' op cubic resize is not supported by the code generator yet}}
  // expected-error @+1 {{failed to legalize operation 'qc.resize' that was explicitly marked illegal}}
  %0 = qc.resize %x {mode = #qc<resize_mode cubic>, scales = array<f32: 1.0, 1.0, 2.0, 2.0>} : (tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

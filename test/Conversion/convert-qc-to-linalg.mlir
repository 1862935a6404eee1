// RUN: quant-opt %s -convert-qc-to-linalg -split-input-file -verify-diagnostics | FileCheck %s
// RUN: quant-opt %s -convert-qc-to-linalg=data-tiling -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=TILED
// RUN: quant-opt %s -convert-qc-to-linalg=integer-contractions -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=INT
// RUN: quant-opt %s -convert-qc-to-linalg=fwht-kernel -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=FWHT

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

// Depthwise convolutions keep the output row innermost with data tiling,
// on the padded input, tagged for the depthwise microkernel.
// CHECK-LABEL: func.func @depthwise(
// CHECK:         linalg.depthwise_conv_2d_nchw_chw
// TILED-LABEL: func.func @depthwise(
// TILED:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]
// TILED-SAME:      ins(%{{.*}}, %{{.*}} : tensor<8x8x7xf32>, tensor<8x3x3xf32>)
// TILED-SAME:      qc.conv_geometry = array<i64: 8, 8, 7, 3, 3, 3, 5, 2, 1, 1, 1>, qc.loop_order = "sequential", qc.ukernel = "dwconv2d_acc_f32"
func.func @depthwise(%x: tensor<1x8x6x6xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x3x5xf32> {
  %0 = qc.conv %x, %w {group = 8 : i64, pads = array<i64: 1, 0, 1, 1>, strides = array<i64: 2, 1>} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x3x5xf32>
  return %0 : tensor<1x8x3x5xf32>
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
// With integer-contractions (CUDA): an integer GEMM over the weights as [N][K]
// (3 everywhere), zero-filled i32 sums, then the requantizing epilogue
// with zx * colsum = 128 * 24 = 3072 and sx * sw = 0.1 * {0.5, 0.25, ...}.
// INT-LABEL: func.func @w8a8_matmul(
// INT:         %[[Q:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<32x8xi8>)
// INT:         %[[W:.*]] = arith.constant dense_resource<matmul_weight_s8_t> : tensor<4x8xi8>
// INT:         %[[Z:.*]] = linalg.fill ins(%c0_i32 : i32) outs(%{{.*}} : tensor<32x4xi32>)
// INT:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[Q]], %[[W]] : tensor<32x8xi8>, tensor<4x8xi8>) outs(%[[Z]] : tensor<32x4xi32>) attrs =  {qc.ukernel = "matmul_u8s8s32"}
// INT:           arith.extui
// INT:           arith.extsi
// INT:           arith.muli
// INT:           arith.addi
// INT-DAG:     arith.constant dense<3072> : tensor<4xi32>
// INT-DAG:     arith.constant dense<[5.000000e-02, 2.500000e-02, 1.250000e-02, 1.000000e-01]> : tensor<4xf32>
// INT:         linalg.generic {{.*}} ins(%[[ACC]], %{{.*}}, %{{.*}} : tensor<32x4xi32>, tensor<4xi32>, tensor<4xf32>) outs(%{{.*}} : tensor<32x4xf32>)
// INT:           arith.subi
// INT:           arith.sitofp
// INT:           arith.mulf
// INT-NOT:       math.fma
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

// -----

// W8A8 convolution with K = 4*3*3 = 36 (a multiple of 4) and P = 8*8 (a
// multiple of 16): one GEMM generic with the packed s8 weights as the LHS
// (in row tiles of 8, since 8 output channels fill one)
// reads the zero-point-padded u8 input through an im2col map (tagged for
// the fused im2col + GEMM microkernel), and the requantizing unpack
// iterates (channel, pixel / 16, pixel % 16) over contiguous tile rows.
// TILED-DAG:     #[[IM2COL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (0, (d2 * 4 + d5) floordiv 9, (d1 * 2 + d4 floordiv 8) * 2 + ((d2 * 4 + d5) mod 9) floordiv 3, (d4 mod 8) * 2 + (d2 * 4 + d5) mod 3)>
// TILED-DAG:     #[[ROWS:.*]] = affine_map<(d0, d1, d2) -> (d0 floordiv 8, d1, d0 mod 8, d2)>
// TILED-LABEL: func.func @w8a8_conv_im2col(
// TILED:         %[[PAD:.*]] = tensor.pad
// TILED:         %[[ACC:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[IM2COL]], #{{.*}}]{{.*}} ins(%{{.*}}, %[[PAD]] : tensor<1x9x8x4xi8>, tensor<1x4x17x17xi8>) outs(%{{.*}} : tensor<1x4x8x16xi32>) attrs =  {qc.conv_geometry = array<i64: 4, 17, 17, 3, 3, 8, 8, 2, 2, 1, 1>, qc.ukernel = "conv2d_im2col_s8u8s32"}
// TILED:           arith.extsi
// TILED:           arith.extui
// TILED:         linalg.generic {indexing_maps = [#[[ROWS]], {{.*}}]{{.*}} ins(%[[ACC]], {{.*}}) outs(%{{.*}} : tensor<8x4x16xf32>)
// TILED:           arith.subi
// TILED:           math.fma
// With integer-contractions (CUDA): the im2col of the u8 input with pixels
// as rows (A[p][k], k = (c, kh, kw)) and implicit padding (a read outside
// the input, clamped into it, is replaced by the zero point -128 as i8;
// no padded copy), the integer GEMM on the weights as [Cout][K], and the
// epilogue over the NCHW result reading the accumulator transposed
// (acc[oh * 8 + ow][co]) with the bias.
// INT-DAG:     #[[T:.*]] = affine_map<(d0, d1, d2, d3) -> (d2 * 8 + d3, d1)>
// INT-LABEL: func.func @w8a8_conv_im2col(
// INT-NOT:     tensor.pad
// INT:         %[[COL:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<64x36xi8>)
// INT:           linalg.index 0
// INT:           linalg.index 1
// INT:           arith.cmpi uge
// INT:           arith.cmpi ult
// INT:           %[[V:.*]] = tensor.extract %{{.*}}[%c0{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<1x4x16x16xi8>
// INT:           arith.select %{{.*}}, %[[V]], %c-128_i8 : i8
// INT:         %[[ACC:.*]] = linalg.generic {{.*}} ins(%[[COL]], %{{.*}} : tensor<64x36xi8>, tensor<8x36xi8>) outs(%{{.*}} : tensor<64x8xi32>) attrs =  {qc.ukernel = "matmul_u8s8s32"}
// INT:         linalg.generic {indexing_maps = [#[[T]], {{.*}}]{{.*}} ins(%[[ACC]], {{.*}}) outs(%{{.*}} : tensor<1x8x8x8xf32>)
// INT:           arith.subi
// INT:           arith.sitofp
// INT:           math.fma
func.func @w8a8_conv_im2col(%x: tensor<1x4x16x16xf32>) -> tensor<1x8x8x8xf32> {
  %xq = qc.quantize %x : tensor<1x4x16x16xf32> -> tensor<1x4x16x16x!quant.uniform<u8:f32, 0.1:128>>
  %xd = qc.dequantize %xq : tensor<1x4x16x16x!quant.uniform<u8:f32, 0.1:128>> -> tensor<1x4x16x16xf32>
  %c = arith.constant dense<3> : tensor<8x4x3x3xi8>
  %cq = quant.scast %c : tensor<8x4x3x3xi8> to tensor<8x4x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %w = qc.dequantize %cq : tensor<8x4x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<8x4x3x3xf32>
  %0 = qc.conv %xd, %w {pads = array<i64: 1, 1, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x16x16xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return %0 : tensor<1x8x8x8xf32>
}

// -----

// Stride 1 in width, output rows of 16 pixels and channels in fours: the
// weights are packed with the taps outer (k = (kh, kw, c)) and the GEMM is
// tagged for the implicit-GEMM microkernel.
// TILED-DAG:     #[[DIRECT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (0, d5 mod 4, d1 + d4 floordiv 16 + (d2 + d5 floordiv 4) floordiv 3, d4 mod 16 + (d2 + d5 floordiv 4) mod 3)>
// TILED-LABEL: func.func @w8a8_conv_direct(
// TILED:         linalg.generic {indexing_maps = [#{{.*}}, #[[DIRECT]], #{{.*}}]{{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x9x8x4xi8>, tensor<1x4x18x18xi8>) outs(%{{.*}} : tensor<1x16x8x16xi32>) attrs =  {qc.conv_geometry = array<i64: 4, 18, 18, 3, 3, 16, 16, 1, 1, 1, 1>, qc.ukernel = "conv2d_direct_s8u8s32"}
func.func @w8a8_conv_direct(%x: tensor<1x4x16x16xf32>) -> tensor<1x8x16x16xf32> {
  %xq = qc.quantize %x : tensor<1x4x16x16xf32> -> tensor<1x4x16x16x!quant.uniform<u8:f32, 0.1:128>>
  %xd = qc.dequantize %xq : tensor<1x4x16x16x!quant.uniform<u8:f32, 0.1:128>> -> tensor<1x4x16x16xf32>
  %c = arith.constant dense<3> : tensor<8x4x3x3xi8>
  %cq = quant.scast %c : tensor<8x4x3x3xi8> to tensor<8x4x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %w = qc.dequantize %cq : tensor<8x4x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<8x4x3x3xf32>
  %0 = qc.conv %xd, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x4x16x16xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x16x16xf32>
  return %0 : tensor<1x8x16x16xf32>
}

// -----

// W8A8 depthwise convolution: an int32 generic on the zero-point-padded u8
// input (loops c, oh, kh, kw, ow as for f32) tagged for the u8 x s8
// depthwise microkernel, then the per-channel requantization: the
// correction zx * sum(w[c]) = 128 * 9 * 3, the scales 0.1 * 0.5 and the
// bias, computed in the result's [1][C][OH][OW] shape so that the
// elementwise ops after it fuse into it (no reshape in between).
// TILED-LABEL: func.func @w8a8_depthwise(
// TILED:         %[[PAD:.*]] = tensor.pad
// TILED:           tensor.yield %c-128_i8
// TILED:         tensor.collapse_shape %[[PAD]]
// TILED:         %[[XP:.*]] = tensor.expand_shape
// TILED:         %[[ACC:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]
// TILED-SAME:      ins(%[[XP]], %{{.*}} : tensor<8x8x7xi8>, tensor<8x3x3xi8>) outs(%{{.*}} : tensor<8x3x5xi32>)
// TILED-SAME:      qc.conv_geometry = array<i64: 8, 8, 7, 3, 3, 3, 5, 2, 1, 1, 1>, qc.loop_order = "sequential", qc.ukernel = "dwconv2d_acc_u8s8s32"
// TILED:           arith.extui
// TILED:           arith.extsi
// TILED:           arith.muli
// TILED:           arith.addi
// TILED:         %[[ACC1:.*]] = tensor.collapse_shape %[[ACC]] {{.*}} : tensor<8x3x5xi32> into tensor<120xi32>
// TILED:         %[[ACC4:.*]] = tensor.expand_shape %[[ACC1]] {{.*}} : tensor<120xi32> into tensor<1x8x3x5xi32>
// TILED:         arith.constant dense<3456> : tensor<1x8x1x1xi32>
// TILED:         arith.constant dense<5.000000e-02> : tensor<1x8x1x1xf32>
// TILED:         arith.constant dense<2.500000e-01> : tensor<1x8x1x1xf32>
// TILED:         linalg.generic {{.*}} ins(%[[ACC4]], %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x8x3x5xi32>, tensor<1x8x1x1xi32>, tensor<1x8x1x1xf32>, tensor<1x8x1x1xf32>) outs(%{{.*}} : tensor<1x8x3x5xf32>)
// TILED:           arith.subi
// TILED:           arith.sitofp
// TILED:           math.fma
// TILED-NOT:     dwconv2d_acc_f32
func.func @w8a8_depthwise(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x3x5xf32> {
  %xq = qc.quantize %x : tensor<1x8x6x6xf32> -> tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:128>>
  %xd = qc.dequantize %xq : tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:128>> -> tensor<1x8x6x6xf32>
  %c = arith.constant dense<3> : tensor<8x1x3x3xi8>
  %cq = quant.scast %c : tensor<8x1x3x3xi8> to tensor<8x1x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %w = qc.dequantize %cq : tensor<8x1x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<8x1x3x3xf32>
  %b = arith.constant dense<0.25> : tensor<8xf32>
  %0 = qc.conv %xd, %w, %b {group = 8 : i64, pads = array<i64: 1, 0, 1, 1>, strides = array<i64: 2, 1>} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>, tensor<8xf32>) -> tensor<1x8x3x5xf32>
  return %0 : tensor<1x8x3x5xf32>
}

// -----

// Depthwise with an f32 (not quantized) input stays on the f32 kernel.
// TILED-LABEL: func.func @depthwise_f32_input_s8_weight(
// TILED:         qc.ukernel = "dwconv2d_acc_f32"
func.func @depthwise_f32_input_s8_weight(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x4x4xf32> {
  %c = arith.constant dense<3> : tensor<8x1x3x3xi8>
  %cq = quant.scast %c : tensor<8x1x3x3xi8> to tensor<8x1x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %w = qc.dequantize %cq : tensor<8x1x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<8x1x3x3xf32>
  %0 = qc.conv %x, %w {group = 8 : i64} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// A W8A8 depthwise input that another op reads too is copied to a [C][H][W]
// tensor by its own generic before padding, so that bufferization can write
// the copy straight into the padded buffer without copying the shared
// activation out and back in.
// TILED-DAG:     #[[DROPN:.*]] = affine_map<(d0, d1, d2) -> (0, d0, d1, d2)>
// TILED-LABEL: func.func @w8a8_depthwise_shared_input(
// TILED:         %[[Q:.*]] = linalg.generic
// TILED:         %[[COPY:.*]] = linalg.generic {indexing_maps = [#[[DROPN]], {{.*}}]{{.*}} ins(%[[Q]] : tensor<1x8x6x6xi8>) outs(%{{.*}} : tensor<8x6x6xi8>)
// TILED-NEXT:    ^bb0(%[[IN:.*]]: i8, %{{.*}}: i8):
// TILED-NEXT:      linalg.yield %[[IN]] : i8
// TILED:         %[[PAD:.*]] = tensor.pad %[[COPY]] low[0, 1, 1] high[0, 1, 1]
// TILED:         linalg.generic {{.*}} ins(%[[PAD]], %{{.*}} : tensor<8x8x8xi8>, tensor<8x3x3xi8>) {{.*}} qc.ukernel = "dwconv2d_acc_u8s8s32"
func.func @w8a8_depthwise_shared_input(%x: tensor<1x8x6x6xf32>) -> (tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>) {
  %xq = qc.quantize %x : tensor<1x8x6x6xf32> -> tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:128>>
  %xd = qc.dequantize %xq : tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:128>> -> tensor<1x8x6x6xf32>
  %c = arith.constant dense<3> : tensor<8x1x3x3xi8>
  %cq = quant.scast %c : tensor<8x1x3x3xi8> to tensor<8x1x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>>
  %w = qc.dequantize %cq : tensor<8x1x3x3x!quant.uniform<i8<-127:127>:f32, 0.5>> -> tensor<8x1x3x3xf32>
  %0 = qc.conv %xd, %w {group = 8 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  %1 = qc.relu %xd : tensor<1x8x6x6xf32>
  return %0, %1 : tensor<1x8x6x6xf32>, tensor<1x8x6x6xf32>
}

// -----

// W4A16: a matrix product with a per-channel int4 weight becomes a generic
// tagged for the int4 GEMV kernel over the weights as unsigned 4-bit bytes
// [N][K] (signed values + 8) with a scale and a zero point per (channel,
// group); K = 40 takes the smallest kernel group covering it (64). M = 3
// rows (at most 4 take the GEMV). Without data tiling the weight is
// dequantized at run time.
// CHECK-LABEL: func.func @w4a16_matmul(
// CHECK-NOT:     qc.ukernel
// TILED-DAG:     #[[GROUP:.*]] = affine_map<(d0, d1, d2) -> (d1, d2 floordiv 64)>
// TILED-LABEL: func.func @w4a16_matmul(
// TILED:         %[[Q:.*]] = arith.constant dense_resource<w4_weight{{.*}}> : tensor<4x40xi8>
// TILED:         %[[S:.*]] = arith.constant dense_resource<w4_scale{{.*}}> : tensor<4x1xf32>
// TILED:         %[[Z:.*]] = arith.constant dense_resource<w4_zero_point{{.*}}> : tensor<4x1xf32>
// TILED:         linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #[[GROUP]], #[[GROUP]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.*}}, %[[Q]], %[[S]], %[[Z]] : tensor<3x40xf32>, tensor<4x40xi8>, tensor<4x1xf32>, tensor<4x1xf32>) outs(%{{.*}} : tensor<3x4xf32>) attrs =  {qc.ukernel = "gemv_w4_f32", qc.w4_group = 64 : i64}
// TILED:           arith.uitofp
// TILED:           arith.subf
// TILED:           arith.mulf
// TILED:           arith.mulf
// TILED:           arith.addf
// TILED-NOT:     mmt4d
func.func @w4a16_matmul(%x: tensor<1x3x40xf32>) -> tensor<1x3x4xf32> {
  %c = arith.constant dense<-3> : tensor<40x4xi4>
  %cq = quant.scast %c : tensor<40x4xi4> to tensor<40x4x!quant.uniform<i4<-7:7>:f32:1, {0.5, 0.25, 0.125, 1.0}>>
  %w = qc.dequantize %cq : tensor<40x4x!quant.uniform<i4<-7:7>:f32:1, {0.5, 0.25, 0.125, 1.0}>> -> tensor<40x4xf32>
  %0 = qc.matmul %x, %w : (tensor<1x3x40xf32>, tensor<40x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

// Blocks of 48 along K = 96 fit groups of 16; K > 64 per channel would take
// a group of 128 (the vpdpbusd kernel).
// TILED-LABEL: func.func @w4a16_blocks(
// TILED:         qc.ukernel = "gemv_w4_f32", qc.w4_group = 16 : i64
// TILED-LABEL: func.func @w4a16_per_channel_k96(
// TILED:         qc.ukernel = "gemv_w4_f32", qc.w4_group = 128 : i64
func.func @w4a16_blocks(%x: tensor<1x96xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<5> : tensor<96x2xi4>
  %cq = quant.scast %c : tensor<96x2xi4> to tensor<96x2x!quant.uniform<u4:f32:{0:48, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>>
  %w = qc.dequantize %cq : tensor<96x2x!quant.uniform<u4:f32:{0:48, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>> -> tensor<96x2xf32>
  %0 = qc.matmul %x, %w : (tensor<1x96xf32>, tensor<96x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
func.func @w4a16_per_channel_k96(%x: tensor<1x96xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<5> : tensor<96x2xi4>
  %cq = quant.scast %c : tensor<96x2xi4> to tensor<96x2x!quant.uniform<i4:f32:1, {0.1, 0.2}>>
  %w = qc.dequantize %cq : tensor<96x2x!quant.uniform<i4:f32:1, {0.1, 0.2}>> -> tensor<96x2xf32>
  %0 = qc.matmul %x, %w : (tensor<1x96xf32>, tensor<96x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// Weights the int4 GEMV cannot take: blocks of 8 (no GEMV group fits) take
// the packed-weight GEMM (group 8), blocks of 4 (scales and zero points
// larger than the weights) and 8-bit weights keep the f32 GEMM on weights
// dequantized at compile time. One row of activations is packed in row
// tiles of 1 (M0), not 16.
// TILED-LABEL: func.func @w4a16_blocks_of_8(
// TILED-NOT:     gemv_w4_f32
// TILED:         qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 1, 4, 8>
// TILED-LABEL: func.func @w4a16_blocks_of_4(
// TILED-NOT:     gemv_w4_f32
// TILED-NOT:     mmt4d_f32_wq
// TILED:         qc.ukernel = "mmt4d_f32"
// TILED-LABEL: func.func @w8a16(
// TILED-NOT:     gemv_w4_f32
// TILED:         ins(%{{.*}} : tensor<1x16xf32>) outs(%{{.*}} : tensor<1x16x1x1xf32>)
// TILED:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x16x1x1xf32>, tensor<1x16x16x1xf32>) outs(%{{.*}} : tensor<1x1x1x16xf32>) attrs =  {qc.ukernel = "mmt4d_f32"}
func.func @w4a16_blocks_of_8(%x: tensor<1x16xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<5> : tensor<16x2xi4>
  %cq = quant.scast %c : tensor<16x2xi4> to tensor<16x2x!quant.uniform<u4:f32:{0:8, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>>
  %w = qc.dequantize %cq : tensor<16x2x!quant.uniform<u4:f32:{0:8, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>> -> tensor<16x2xf32>
  %0 = qc.matmul %x, %w : (tensor<1x16xf32>, tensor<16x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
func.func @w4a16_blocks_of_4(%x: tensor<1x16xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<5> : tensor<16x2xi4>
  %cq = quant.scast %c : tensor<16x2xi4> to tensor<16x2x!quant.uniform<u4:f32:{0:4, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}, {0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>>
  %w = qc.dequantize %cq : tensor<16x2x!quant.uniform<u4:f32:{0:4, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}, {0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>> -> tensor<16x2xf32>
  %0 = qc.matmul %x, %w : (tensor<1x16xf32>, tensor<16x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}
func.func @w8a16(%x: tensor<1x16xf32>) -> tensor<1x2xf32> {
  %c = arith.constant dense<5> : tensor<16x2xi8>
  %cq = quant.scast %c : tensor<16x2xi8> to tensor<16x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2}>>
  %w = qc.dequantize %cq : tensor<16x2x!quant.uniform<i8<-127:127>:f32:1, {0.1, 0.2}>> -> tensor<16x2xf32>
  %0 = qc.matmul %x, %w : (tensor<1x16xf32>, tensor<16x2xf32>) -> tensor<1x2xf32>
  return %0 : tensor<1x2xf32>
}

// -----

// W4A16 and W2A16 convolutions, and a matrix product with more rows than
// the GEMV takes (17 > 16), keep their weights packed for qrt_ukernel_mmt4d_f32_wq:
// 16 weight rows per tile, 2 * bits bytes per k, scales and zero points
// [R1][groups][16] (signed int4 moved by 8, int2 by 2). The conv weights
// are the LHS (qc.wq[0] = 0) with rows = output channels: per channel
// (one group of K = 72), or in blocks of 4 input channels of a 3x3 kernel
// (groups of 36 k); the matrix product's weights are the RHS (1) with
// blocks of 48 along K.
// TILED-DAG:   #[[WCONV:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3 floordiv 2)>
// TILED-DAG:   #[[PCONV:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2 floordiv 72, d3)>
// TILED-LABEL: func.func @w4a16_conv(
// TILED:         %[[W:.*]] = arith.constant dense_resource<wq_weight{{.*}}> : tensor<1x72x8xi8>
// TILED:         %[[S:.*]] = arith.constant dense_resource<wq_scale{{.*}}> : tensor<1x1x16xf32>
// TILED:         %[[Z:.*]] = arith.constant dense_resource<wq_zero_point{{.*}}> : tensor<1x1x16xf32>
// TILED:         linalg.generic {indexing_maps = [#[[WCONV]], #{{.*}}, #[[PCONV]], #[[PCONV]], #{{.*}}], {{.*}} ins(%[[W]], %{{.*}}, %[[S]], %[[Z]] : tensor<1x72x8xi8>, tensor<3x72x16x1xf32>, tensor<1x1x16xf32>, tensor<1x1x16xf32>) outs(%{{.*}} : tensor<1x3x16x16xf32>) attrs =  {qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 4, 72>}
// TILED:           linalg.index 3
// TILED:           arith.shrui
// TILED:           arith.andi
// TILED:           arith.uitofp
// TILED:           arith.subf
// TILED:           arith.mulf
// TILED-LABEL: func.func @w4a16_conv_blocks(
// TILED:         tensor<1x2x16xf32>
// TILED:         qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 4, 36>
// TILED-LABEL: func.func @w2a16_conv(
// TILED:         tensor<1x72x4xi8>
// TILED:         qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 0, 2, 72>
// TILED-LABEL: func.func @w4a16_matmul_rows(
// TILED:         tensor<1x96x8xi8>
// TILED:         ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x96x16x1xf32>, tensor<1x96x8xi8>, tensor<1x2x16xf32>, tensor<1x2x16xf32>) outs(%{{.*}} : tensor<2x1x16x16xf32>)
// TILED:         qc.ukernel = "mmt4d_f32_wq", qc.wq = array<i64: 1, 4, 48>
func.func @w4a16_conv(%x: tensor<1x8x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %c = arith.constant dense<-3> : tensor<4x8x3x3xi4>
  %cq = quant.scast %c : tensor<4x8x3x3xi4> to tensor<4x8x3x3x!quant.uniform<i4:f32:0, {0.5, 0.25, 0.125, 1.0}>>
  %w = qc.dequantize %cq : tensor<4x8x3x3x!quant.uniform<i4:f32:0, {0.5, 0.25, 0.125, 1.0}>> -> tensor<4x8x3x3xf32>
  %0 = qc.conv %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<4x8x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
func.func @w4a16_conv_blocks(%x: tensor<1x8x6x6xf32>) -> tensor<1x1x6x6xf32> {
  %c = arith.constant dense<2> : tensor<1x8x3x3xi4>
  %cq = quant.scast %c : tensor<1x8x3x3xi4> to tensor<1x8x3x3x!quant.uniform<i4:f32:{1:4}, {{{{0.5}}, {{0.25}}}}>>
  %w = qc.dequantize %cq : tensor<1x8x3x3x!quant.uniform<i4:f32:{1:4}, {{{{0.5}}, {{0.25}}}}>> -> tensor<1x8x3x3xf32>
  %0 = qc.conv %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<1x8x3x3xf32>) -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}
func.func @w2a16_conv(%x: tensor<1x8x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %c = arith.constant dense<-1> : tensor<4x8x3x3xi2>
  %cq = quant.scast %c : tensor<4x8x3x3xi2> to tensor<4x8x3x3x!quant.uniform<i2:f32:0, {0.5, 0.25, 0.125, 1.0}>>
  %w = qc.dequantize %cq : tensor<4x8x3x3x!quant.uniform<i2:f32:0, {0.5, 0.25, 0.125, 1.0}>> -> tensor<4x8x3x3xf32>
  %0 = qc.conv %x, %w {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x8x6x6xf32>, tensor<4x8x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}
func.func @w4a16_matmul_rows(%x: tensor<17x96xf32>) -> tensor<17x2xf32> {
  %c = arith.constant dense<5> : tensor<96x2xi4>
  %cq = quant.scast %c : tensor<96x2xi4> to tensor<96x2x!quant.uniform<u4:f32:{0:48, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>>
  %w = qc.dequantize %cq : tensor<96x2x!quant.uniform<u4:f32:{0:48, 1:1}, {{0.1:8, 0.2:7}, {0.4:3, 0.5:15}}>> -> tensor<96x2xf32>
  %0 = qc.matmul %x, %w : (tensor<17x96xf32>, tensor<96x2xf32>) -> tensor<17x2xf32>
  return %0 : tensor<17x2xf32>
}

// -----

// ONNX Gemm with a constant B (here [N][K], trans_b) is a data-tiled GEMM
// like a MatMul, followed by beta * C; without data tiling, linalg.matmul.
// CHECK-LABEL: func.func @gemm_trans_b(
// CHECK:         linalg.transpose
// CHECK:         linalg.matmul
// TILED-LABEL: func.func @gemm_trans_b(
// TILED-NOT:     linalg.matmul
// TILED:         arith.constant dense_resource<matmul_weight_packed{{.*}}> : tensor<1x8x16x1xf32>
// TILED:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x8x4x1xf32>, tensor<1x8x16x1xf32>) outs(%{{.*}} : tensor<1x1x4x16xf32>) attrs =  {qc.ukernel = "mmt4d_f32"}
// TILED:         arith.mulf
// TILED:         arith.addf
func.func @gemm_trans_b(%a: tensor<3x8xf32>) -> tensor<3x5xf32> {
  %b = arith.constant dense<0.5> : tensor<5x8xf32>
  %c = arith.constant dense<1.0> : tensor<5xf32>
  %y = qc.gemm %a, %b, %c {beta = 2.0 : f32, trans_b = true} : (tensor<3x8xf32>, tensor<5x8xf32>, tensor<5xf32>) -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// -----

// qc.hadamard in blocks of 4: a fast Walsh-Hadamard transform of two
// butterfly stages, each an elementwise generic over [rows][4 / 2h][2][h]
// reading the pair's halves (t = 0 and 1) and the signs (1, -1); the last
// stage scales by 1/sqrt(4).
// CHECK-DAG:   #[[LO:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, d3)>
// CHECK-DAG:   #[[HI:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 1, d3)>
// CHECK-DAG:   #[[SIGN:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-LABEL: func.func @hadamard(
// CHECK:         %[[S:.*]] = arith.constant dense<[1.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[LO]], #[[HI]], #[[SIGN]], #{{.*}}]{{.*}} ins(%[[A:.*]], %[[A]], %[[S]] : tensor<6x2x2x1xf32>, tensor<6x2x2x1xf32>, tensor<2xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK-NOT:       arith.mulf
// CHECK:         linalg.generic {indexing_maps = [#[[LO]], #[[HI]], #[[SIGN]], #{{.*}}]{{.*}} ins(%[[B:.*]], %[[B]], %[[S]] : tensor<6x1x2x2xf32>, tensor<6x1x2x2xf32>, tensor<2xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK:           arith.mulf %{{.*}}, %cst{{.*}} : f32
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     linalg.matmul
// CHECK:         return
// With fwht-kernel (CUDA): one generic tagged fwht_f32 over the rows
// [6][4] into a zero fill, the sign of x[j]'s term in y[i] from the parity
// of i & j, times 1/sqrt(4).
// FWHT-DAG:   #[[X:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// FWHT-DAG:   #[[Y:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// FWHT-LABEL: func.func @hadamard(
// FWHT:         %[[ROWS:.*]] = tensor.expand_shape %{{.*}} {{\[\[}}0, 1]] output_shape [6, 4] : tensor<24xf32> into tensor<6x4xf32>
// FWHT:         %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<6x4xf32>)
// FWHT:         linalg.generic {indexing_maps = [#[[X]], #[[Y]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS]] : tensor<6x4xf32>) outs(%[[ZERO]] : tensor<6x4xf32>) attrs = {qc.ukernel = "fwht_f32"}
// FWHT-DAG:       %[[J:.*]] = linalg.index 2
// FWHT-DAG:       %[[I:.*]] = linalg.index 1
// FWHT:           %[[POP:.*]] = math.ctpop
// FWHT:           %[[ODD:.*]] = arith.trunci %[[POP]] : i64 to i1
// FWHT:           arith.select %[[ODD]], %{{.*}}, %{{.*}} : f32
// FWHT-NOT:     linalg.generic
// FWHT:         return
func.func @hadamard(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = qc.hadamard %x : tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Blocks above 8192 (what the CUDA kernel holds in shared memory) keep the
// butterfly stages, fwht-kernel or not: 14 for 16384.
// FWHT-LABEL: func.func @hadamard_large(
// FWHT-COUNT-14: linalg.generic
// FWHT-NOT:      linalg.generic
// FWHT-NOT:      fwht_f32
// FWHT:          return
func.func @hadamard_large(%x: tensor<2x16384xf32>) -> tensor<2x16384xf32> {
  %0 = qc.hadamard %x : tensor<2x16384xf32>
  return %0 : tensor<2x16384xf32>
}

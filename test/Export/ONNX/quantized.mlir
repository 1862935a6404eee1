// The quantized (QDQ) form to ONNX: qc.quantize/dequantize become
// QuantizeLinear/DequantizeLinear with scale and zero-point initializers
// shared by every use of a type (per-tensor scalars; per-axis 1-D with
// `axis`; blockwise with opset 21's `block_size`), quant.scast of a constant
// is an int8/uint8/int4/uint4 initializer named after the constant, a
// narrow range is clamped in float before QuantizeLinear, the bias of a
// quantized Conv/Gemm becomes int32 with scale x_scale * w_scale, and a
// quantized tensor moves (Reshape) in its storage type. Re-importing gives the
// same types back (scales rounded to f32, as ONNX stores them), and the
// export evaluates to the reference's values.

// RUN: rm -rf %t && mkdir -p %t/in
// RUN: quantc %s --emit=onnx-qdq -o %t/model.onnx
// RUN: %onnxdump %t/model.onnx | FileCheck %s
// RUN: quantc import %t/model.onnx | FileCheck %s --check-prefix=IMPORT
// RUN: %npy write %t/in/x.npy f4 1,2,4,4 -2.0,-0.8571,0.2857,1.4286,-1.5714,-0.4286,0.7143,1.8571,-1.1429,0.0,1.1429,-1.8571,-0.7143,0.4286,1.5714,-1.4286,-0.2857,0.8571,2.0,-1.0,0.1429,1.2857,-1.7143,-0.5714,0.5714,1.7143,-1.2857,-0.1429,1.0,-2.0,-0.8571,0.2857
// RUN: quant-run %s --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/model.onnx --inputs %t/in --outputs %t/out
// RUN: for y in mm narrow narrow_axis requant; do \
// RUN:   %npy compare %t/out/$y.npy %t/ref/$y.npy 1e-5 || exit 1; done
// The int32 biases move conv and gemm by at most half a bias scale
// (x_scale * w_scale: 0.001 for conv, 0.0125 for gemm).
// RUN: %npy compare %t/out/conv.npy %t/ref/conv.npy 1e-3
// RUN: %npy compare %t/out/gemm.npy %t/ref/gemm.npy 1.25e-2

// With float biases the export is exact too.
// RUN: quantc %s --emit=onnx-qdq --onnx-float-bias -o %t/float-bias.onnx
// RUN: %onnxdump %t/float-bias.onnx | FileCheck %s --check-prefix=FLOAT-BIAS
// RUN: quant-run %t/float-bias.onnx --inputs %t/in --outputs %t/out-fb
// RUN: for y in conv mm gemm narrow narrow_axis requant; do \
// RUN:   %npy compare %t/out-fb/$y.npy %t/ref/$y.npy 1e-5 || exit 1; done

// CHECK: ir_version 10 opset 21 producer quantc
// CHECK: input x float [1, 2, 4, 4]
// CHECK: node x_q: QuantizeLinear(x, x_q_scale, x_q_zero_point) -> (x_q_output_0)
// CHECK: node x_dq: DequantizeLinear(x_q_output_0, x_q_scale, x_q_zero_point) -> (x_dq_output_0)
// CHECK: node w_dq: DequantizeLinear(conv.w, w_dq_scale, w_dq_zero_point) -> (w_dq_output_0) axis=0
// CHECK: node conv/DequantizeLinear: DequantizeLinear(conv.b_quantized, conv.b_scale) -> (conv_bias) axis=0
// CHECK: node conv: Conv(x_dq_output_0, w_dq_output_0, conv_bias) -> (conv_output_0)
// CHECK: node relu: Relu(conv_output_0) -> (conv)
// CHECK: node relu/QuantizeLinear: QuantizeLinear(conv, [[RS:.*_scale]], [[RZ:.*_zero_point]]) -> (relu_q)
// CHECK: node flat: Reshape(relu_q, flat_shape) -> (flat_output_0)
// CHECK: node flat/DequantizeLinear: DequantizeLinear(flat_output_0, [[RS]], [[RZ]]) -> (flat_dq)
// CHECK: node w4_dq: DequantizeLinear(w4, w4_dq_scale, w4_dq_zero_point) -> (w4_dq_output_0) axis=1
// CHECK: node mm: MatMul(flat_dq, w4_dq_output_0) -> (mm_output_0)
// CHECK: node u4_dq: DequantizeLinear(u4, u4_dq_scale, u4_dq_zero_point) -> (u4_dq_output_0) axis=0 block_size=32
// CHECK: node mm2: MatMul(flat_dq, u4_dq_output_0) -> (mm2_output_0)
// CHECK: node gemm/DequantizeLinear: DequantizeLinear(gemm.c_quantized, gemm.c_scale) -> (gemm_bias) axis=0
// CHECK: node gemm: Gemm({{.*}}, gemm_bias) -> (gemm) alpha=1 beta=1 transA=0 transB=0
// CHECK: node narrow/Clip: Clip(x, narrow_min, narrow_max) -> (narrow_clamped)
// CHECK: node narrow: QuantizeLinear(narrow_clamped, narrow_scale, narrow_zero_point) -> (narrow)
// CHECK: node narrow_axis/Max: Max(x, narrow_axis_min) -> (narrow_axis_clamped_low)
// CHECK: node narrow_axis/Min: Min(narrow_axis_clamped_low, narrow_axis_max) -> (narrow_axis_clamped)
// CHECK: node narrow_axis: QuantizeLinear(narrow_axis_clamped, narrow_axis_scale, narrow_axis_zero_point) -> (narrow_axis) axis=1
// CHECK: node requant: DequantizeLinear(relu_q, [[RS]], [[RZ]]) -> (requant_dequantized)
// CHECK: node requant/QuantizeLinear: QuantizeLinear(requant_dequantized, requant_scale, requant_zero_point) -> (requant)
// CHECK: output requant uint8 [1, 4, 4, 4]

// CHECK-DAG: init x_q_scale float [] = 0.0500000007
// CHECK-DAG: init x_q_zero_point uint8 [] = 128
// CHECK-DAG: init conv.w int8 [4, 2, 3, 3]
// CHECK-DAG: init w_dq_scale float [4] = 0.00999999978 0.0199999996 0.0299999993 0.0399999991
// CHECK-DAG: init w_dq_zero_point int8 [4] = 0 0 0 0
// CHECK-DAG: init conv.b_quantized int32 [4] = 1000 -500 333 250
// CHECK-DAG: init conv.b_scale float [4] = 0.000500000024 0.00100000005 0.00150000001 0.00200000009
// CHECK-DAG: init w4 int4 [64, 3]
// CHECK-DAG: init w4_dq_zero_point int4 [3] = 0 0 0
// CHECK-DAG: init u4 uint4 [64, 3]
// CHECK-DAG: init u4_dq_scale float [2, 3] = 0.100000001 0.200000003 0.300000012 0.400000006 0.5 0.600000024
// CHECK-DAG: init u4_dq_zero_point uint4 [2, 3] = 8 7 9 8 15 0
// CHECK-DAG: init narrow_min float [] = -6.3499999
// CHECK-DAG: init narrow_max float [] = 6.3499999
// CHECK-DAG: init narrow_zero_point int8 [] = 0
// CHECK-DAG: init narrow_axis_min float [2, 1, 1] = -1.26209998 -2.5395999
// CHECK-DAG: init narrow_axis_zero_point int4 [2] = 0 0

// FLOAT-BIAS-NOT: _quantized
// FLOAT-BIAS: node conv: Conv(x_dq_output_0, w_dq_output_0, conv.b)
// FLOAT-BIAS: node gemm: Gemm({{.*}}, gemm.c)

// IMPORT: qc.quantize %arg0 : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!quant.uniform<u8:f32, 0.050000{{[0-9]*}}:128>>
// IMPORT: quant.scast %{{.*}} : tensor<4x2x3x3xi8> to tensor<4x2x3x3x!quant.uniform<i8:f32:0, {0.0099999{{[0-9]*}},0.019999{{[0-9]*}},0.029999{{[0-9]*}},0.039999{{[0-9]*}}}>>
// IMPORT: quant.scast %{{.*}} : tensor<64x3xi4> to tensor<64x3x!quant.uniform<i4:f32:1, {0.1000000{{[0-9]*}},0.2000000{{[0-9]*}},0.3000000{{[0-9]*}}}>>
// IMPORT: quant.scast %{{.*}} : tensor<64x3xi4> to tensor<64x3x!quant.uniform<u4:f32:{0:32, 1:1}, {{.*}}>>

!xq = !quant.uniform<u8:f32, 0.05:128>
!w8 = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.03, 0.04}>
!rq = !quant.uniform<u8:f32, 0.1>
!w4 = !quant.uniform<i4<-7:7>:f32:1, {0.1, 0.2, 0.3}>
!u4 = !quant.uniform<u4:f32:{0:32, 1:1}, {{0.1:8, 0.2:7, 0.3:9}, {0.4:8, 0.5:15, 0.6:0}}>
!g8 = !quant.uniform<i8<-127:127>:f32:1, {0.02, 0.04, 0.06, 0.08, 0.1}>
!mq = !quant.uniform<u8:f32, 0.25:100>
!narrow = !quant.uniform<i8<-127:127>:f32, 0.05>
!narrow_axis = !quant.uniform<i4<-7:7>:f32:1, {0.1803, 0.3628}>
// Not 0.2: requantizing from scale 0.1 would make every odd input a tie,
// which f32 DequantizeLinear + QuantizeLinear breaks differently from
// qc.requantize's exact ratio.
!requant = !quant.uniform<u8:f32, 0.3:3>

func.func @main(%x: tensor<1x2x4x4xf32> {onnx.name = "x"})
    -> (tensor<1x4x4x4xf32> {onnx.name = "conv"}, tensor<1x3xf32> {onnx.name = "mm"},
        tensor<1x5xf32> {onnx.name = "gemm"}, tensor<1x2x4x4x!narrow> {onnx.name = "narrow"},
        tensor<1x2x4x4x!narrow_axis> {onnx.name = "narrow_axis"},
        tensor<1x4x4x4x!requant> {onnx.name = "requant"}) {
  %xq = qc.quantize %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!xq> loc("x_q")
  %xd = qc.dequantize %xq : tensor<1x2x4x4x!xq> -> tensor<1x2x4x4xf32> loc("x_dq")
  %w = arith.constant dense<[[[[-82, -82, -93], [9, 87, -118], [115, -127, 79]], [[60, -89, 124], [-51, -71, 61], [-86, 24, 12]]], [[[115, 62, -100], [-2, -80, 49], [-124, 33, 37]], [[119, -11, 103], [-95, -66, 40], [-92, 38, -32]]], [[[-10, 7, -48], [-102, 34, 127], [22, -89, 107]], [[14, -20, 88], [52, 115, 100], [80, -56, 80]]], [[[-64, -22, -110], [16, -102, -127], [72, 63, 24]], [[-99, 95, -88], [-46, 54, -53], [-49, -46, 19]]]]> : tensor<4x2x3x3xi8> loc("conv.w")
  %wq = quant.scast %w : tensor<4x2x3x3xi8> to tensor<4x2x3x3x!w8> loc("w_dq")
  %wd = qc.dequantize %wq : tensor<4x2x3x3x!w8> -> tensor<4x2x3x3xf32> loc("w_dq")
  %b = arith.constant dense<[0.5, -0.5, 0.5, 0.5]> : tensor<4xf32> loc("conv.b")
  %c = qc.conv %xd, %wd, %b {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x4x4xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32> loc("conv")
  %r = qc.relu %c : tensor<1x4x4x4xf32> loc("relu")
  %rq = qc.quantize %r : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!rq> loc("relu")
  %f = qc.reshape %rq : (tensor<1x4x4x4x!rq>) -> tensor<1x64x!rq> loc("flat")
  %fd = qc.dequantize %f : tensor<1x64x!rq> -> tensor<1x64xf32> loc("flat")
  %w4 = arith.constant dense<[[0, 0, -4], [6, 0, -4], [-2, -6, -3], [-5, 0, -1], [3, -7, 0], [-3, 5, 5], [2, 3, -2], [-4, 7, -1], [-6, -5, 4], [4, 0, 6], [-6, 5, 6], [-1, 7, 2], [-7, 7, -1], [-1, 1, 4], [0, 6, 2], [-5, 0, -4], [2, 2, 7], [2, -4, 0], [-3, -4, 5], [5, 0, 3], [-1, 5, 7], [-3, 0, -1], [-4, -1, 4], [-1, 5, 5], [-3, -7, 3], [2, -4, 7], [-4, -5, 4], [2, -7, 4], [7, -4, 1], [-6, -2, -2], [6, 0, 5], [1, -1, 0], [-6, 1, -3], [-2, 2, -5], [2, 5, 3], [0, -3, -7], [-1, 2, 2], [4, -2, 4], [-5, -1, -1], [3, 5, 5], [3, 6, 7], [3, -5, 5], [-5, 7, -4], [2, 3, 0], [5, -6, 7], [4, -1, 7], [3, 3, 5], [4, -6, -6], [7, -5, -7], [-1, 1, -6], [-4, -2, -6], [-3, 7, 5], [-6, -5, -4], [2, 6, -6], [-5, -1, 1], [2, -2, 6], [7, -3, 7], [2, -5, 7], [0, -1, 7], [-6, 0, 3], [-2, 0, -3], [1, -4, -7], [6, -7, 6], [-6, 5, 3]]> : tensor<64x3xi4> loc("w4")
  %w4q = quant.scast %w4 : tensor<64x3xi4> to tensor<64x3x!w4> loc("w4_dq")
  %w4d = qc.dequantize %w4q : tensor<64x3x!w4> -> tensor<64x3xf32> loc("w4_dq")
  %mm1 = qc.matmul %fd, %w4d : (tensor<1x64xf32>, tensor<64x3xf32>) -> tensor<1x3xf32> loc("mm")
  %u4 = arith.constant dense<[[0, 9, 14], [15, 12, 5], [10, 11, 8], [1, 6, 7], [4, 13, 2], [3, 0, 9], [14, 15, 12], [5, 10, 11], [8, 1, 6], [7, 4, 13], [2, 3, 0], [9, 14, 15], [12, 5, 10], [11, 8, 1], [6, 7, 4], [13, 2, 3], [0, 9, 14], [15, 12, 5], [10, 11, 8], [1, 6, 7], [4, 13, 2], [3, 0, 9], [14, 15, 12], [5, 10, 11], [8, 1, 6], [7, 4, 13], [2, 3, 0], [9, 14, 15], [12, 5, 10], [11, 8, 1], [6, 7, 4], [13, 2, 3], [0, 9, 14], [15, 12, 5], [10, 11, 8], [1, 6, 7], [4, 13, 2], [3, 0, 9], [14, 15, 12], [5, 10, 11], [8, 1, 6], [7, 4, 13], [2, 3, 0], [9, 14, 15], [12, 5, 10], [11, 8, 1], [6, 7, 4], [13, 2, 3], [0, 9, 14], [15, 12, 5], [10, 11, 8], [1, 6, 7], [4, 13, 2], [3, 0, 9], [14, 15, 12], [5, 10, 11], [8, 1, 6], [7, 4, 13], [2, 3, 0], [9, 14, 15], [12, 5, 10], [11, 8, 1], [6, 7, 4], [13, 2, 3]]> : tensor<64x3xi4> loc("u4")
  %u4q = quant.scast %u4 : tensor<64x3xi4> to tensor<64x3x!u4> loc("u4_dq")
  %u4d = qc.dequantize %u4q : tensor<64x3x!u4> -> tensor<64x3xf32> loc("u4_dq")
  %mm2 = qc.matmul %fd, %u4d : (tensor<1x64xf32>, tensor<64x3xf32>) -> tensor<1x3xf32> loc("mm2")
  %mm = qc.add %mm1, %mm2 : (tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32> loc("mm_sum")
  %mq = qc.quantize %mm : tensor<1x3xf32> -> tensor<1x3x!mq> loc("mm_q")
  %md = qc.dequantize %mq : tensor<1x3x!mq> -> tensor<1x3xf32> loc("mm_dq")
  %g = arith.constant dense<[[-8, -24, 114, -105, -114], [13, -19, 10, -62, -106], [57, 18, 6, -44, 96]]> : tensor<3x5xi8> loc("gemm.b")
  %gq = quant.scast %g : tensor<3x5xi8> to tensor<3x5x!g8> loc("gemm.b_dq")
  %gd = qc.dequantize %gq : tensor<3x5x!g8> -> tensor<3x5xf32> loc("gemm.b_dq")
  %gc = arith.constant dense<[1.0, -2.0, 0.5, 0.0, 3.0]> : tensor<5xf32> loc("gemm.c")
  %gemm = qc.gemm %md, %gd, %gc : (tensor<1x3xf32>, tensor<3x5xf32>, tensor<5xf32>) -> tensor<1x5xf32> loc("gemm")
  %n = qc.quantize %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!narrow> loc("narrow")
  %na = qc.quantize %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!narrow_axis> loc("narrow_axis")
  %req = qc.requantize %rq : tensor<1x4x4x4x!rq> -> tensor<1x4x4x4x!requant> loc("requant")
  return %r, %mm, %gemm, %n, %na, %req : tensor<1x4x4x4xf32>, tensor<1x3xf32>, tensor<1x5xf32>, tensor<1x2x4x4x!narrow>, tensor<1x2x4x4x!narrow_axis>, tensor<1x4x4x4x!requant>
}

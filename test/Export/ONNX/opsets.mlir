// What depends on the opset. By default the exporter writes the lowest opset
// from 17 that expresses the graph (here 21, for the blockwise weight and the
// 4-bit storage; Gelu needs 20). With an explicit older opset, Gelu is
// expanded with Erf (Tanh for the tanh approximation), 4-bit storage is
// widened to int8/uint8 with the same scales, and a blockwise constant weight
// is dequantized to f32 at export, with a warning. qc.hadamard is a MatMul
// with the normalized Sylvester matrix, between Reshapes when its blocks are
// smaller than the last dimension. All variants compute the reference's
// values.

// RUN: rm -rf %t && mkdir -p %t/in
// RUN: quantc %s --emit=onnx-qdq -o %t/auto.onnx
// RUN: %onnxdump %t/auto.onnx | FileCheck %s --check-prefix=AUTO
// RUN: quantc %s --emit=onnx-qdq --onnx-opset=17 -o %t/opset17.onnx 2>&1 | FileCheck %s --check-prefix=WARN
// RUN: %onnxdump %t/opset17.onnx | FileCheck %s --check-prefix=OPSET17
// RUN: %npy write %t/in/x.npy f4 1,32 -2.0,1.25,0.25,-0.75,-1.75,1.5,0.5,-0.5,-1.5,1.75,0.75,-0.25,-1.25,2.0,1.0,0.0,-1.0,-2.0,1.25,0.25,-0.75,-1.75,1.5,0.5,-0.5,-1.5,1.75,0.75,-0.25,-1.25,2.0,1.0
// RUN: quant-run %s --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/auto.onnx --inputs %t/in --outputs %t/auto
// RUN: quant-run %t/opset17.onnx --inputs %t/in --outputs %t/opset17
// RUN: for y in gelu block int4 rotated rotated_blocks; do \
// RUN:   %npy compare %t/auto/$y.npy %t/ref/$y.npy 1e-5 && \
// RUN:   %npy compare %t/opset17/$y.npy %t/ref/$y.npy 1e-5 || exit 1; done

// AUTO: ir_version 10 opset 21
// AUTO: node gelu: Gelu(x) -> (gelu_output_0)
// AUTO: node gelu_tanh: Gelu(gelu_output_0) -> (gelu) approximate="tanh"
// AUTO: node u4_dq: DequantizeLinear(u4, u4_dq_scale, u4_dq_zero_point) -> (u4_dq_output_0) axis=0 block_size=16
// AUTO: node w4_dq: DequantizeLinear(w4, w4_dq_scale, w4_dq_zero_point) -> (w4_dq_output_0) axis=1
// AUTO: node rot: MatMul(x, hadamard_32) -> (rotated)
// AUTO: node rot_blocks/Reshape: Reshape(x, rot_blocks_blocks) -> (rot_blocks_blocks_1)
// AUTO: node rot_blocks: MatMul(rot_blocks_blocks_1, hadamard_8) -> (rot_blocks_rotated)
// AUTO: node rot_blocks/Reshape_1: Reshape(rot_blocks_rotated, rot_blocks_shape) -> (rotated_blocks)
// AUTO-DAG: init u4 uint4 [32, 2]
// AUTO-DAG: init w4 int4 [8, 2] = {{.*}}
// AUTO-DAG: init rot_blocks_blocks int64 [3] = 1 4 8
// AUTO-DAG: init hadamard_8 float [8, 8]

// WARN: warning: loc("u4_dq"): the blockwise weight of type 'tensor<32x2x!quant.uniform<u4:f32:{{.}}0:16, 1:1}, {{.*}}>>' is exported dequantized to f32: ONNX opset 17 has no blockwise DequantizeLinear (opset 21)

// OPSET17: ir_version 8 opset 17
// OPSET17: node gelu/Div: Div(x, [[SQRT2:.*]]) -> (gelu_erf_arg)
// OPSET17: node gelu/Erf: Erf(gelu_erf_arg) -> (gelu_erf)
// OPSET17: node gelu/Add: Add(gelu_erf, [[ONE:.*]]) -> (gelu_one_plus)
// OPSET17: node gelu/Mul: Mul(x, gelu_one_plus) -> (gelu_x_times)
// OPSET17: node gelu/Mul_1: Mul(gelu_x_times, [[HALF:.*]]) -> (gelu_output_0)
// OPSET17: node gelu_tanh/Mul: Mul(gelu_output_0, gelu_output_0) -> (gelu_tanh_x2)
// OPSET17: Tanh(
// OPSET17-NOT: node u4_dq
// OPSET17: node w4_dq: DequantizeLinear(w4, w4_dq_scale, w4_dq_zero_point) -> (w4_dq_output_0) axis=1
// OPSET17-DAG: init [[SQRT2]] float [] = 1.41421354
// OPSET17-DAG: init u4_dq_dequantized float [32, 2]
// OPSET17-DAG: init w4 int8 [8, 2] = {{.*}}
// OPSET17-DAG: init w4_dq_zero_point int8 [2] = 0 0

!u4 = !quant.uniform<u4:f32:{0:16, 1:1}, {{0.1:8, 0.2:7}, {0.3:9, 0.4:8}}>
!w4 = !quant.uniform<i4<-7:7>:f32:1, {0.25, 0.5}>

func.func @main(%x: tensor<1x32xf32> {onnx.name = "x"})
    -> (tensor<1x32xf32> {onnx.name = "gelu"}, tensor<1x2xf32> {onnx.name = "block"},
        tensor<1x2xf32> {onnx.name = "int4"}, tensor<1x32xf32> {onnx.name = "rotated"},
        tensor<1x32xf32> {onnx.name = "rotated_blocks"}) {
  %g = qc.gelu %x : tensor<1x32xf32> loc("gelu")
  %gt = qc.gelu %g {approximate = #qc<gelu_approximation tanh>} : tensor<1x32xf32> loc("gelu_tanh")
  %u4 = arith.constant dense<[[4, 13], [2, 3], [0, 9], [14, 15], [12, 5], [10, 11], [8, 1], [6, 7], [4, 13], [2, 3], [0, 9], [14, 15], [12, 5], [10, 11], [8, 1], [6, 7], [4, 13], [2, 3], [0, 9], [14, 15], [12, 5], [10, 11], [8, 1], [6, 7], [4, 13], [2, 3], [0, 9], [14, 15], [12, 5], [10, 11], [8, 1], [6, 7]]> : tensor<32x2xi4> loc("u4")
  %u4q = quant.scast %u4 : tensor<32x2xi4> to tensor<32x2x!u4> loc("u4_dq")
  %u4d = qc.dequantize %u4q : tensor<32x2x!u4> -> tensor<32x2xf32> loc("u4_dq")
  %mb = qc.matmul %x, %u4d : (tensor<1x32xf32>, tensor<32x2xf32>) -> tensor<1x2xf32> loc("mm_block")
  %w4 = arith.constant dense<[[6, 3], [5, -4], [-4, 3], [0, -2], [7, 7], [-1, -3], [4, 2], [-4, 1]]> : tensor<8x2xi4> loc("w4")
  %w4q = quant.scast %w4 : tensor<8x2xi4> to tensor<8x2x!w4> loc("w4_dq")
  %w4d = qc.dequantize %w4q : tensor<8x2x!w4> -> tensor<8x2xf32> loc("w4_dq")
  %xs = qc.slice %x {starts = array<i64: 0>, ends = array<i64: 8>, axes = array<i64: 1>} : (tensor<1x32xf32>) -> tensor<1x8xf32> loc("x8")
  %m4 = qc.matmul %xs, %w4d : (tensor<1x8xf32>, tensor<8x2xf32>) -> tensor<1x2xf32> loc("mm_int4")
  %r = qc.hadamard %x : tensor<1x32xf32> loc("rot")
  %rb = qc.hadamard %x {block_size = 8 : i64} : tensor<1x32xf32> loc("rot_blocks")
  return %gt, %mb, %m4, %r, %rb : tensor<1x32xf32>, tensor<1x2xf32>, tensor<1x2xf32>, tensor<1x32xf32>, tensor<1x32xf32>
}

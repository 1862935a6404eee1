// One calibration sample; every function names its argument.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %npy write %t/x.npy f4 4,8 0.01,1,-2,0.5,3,-1,2,1,-0.02,2,1,-1,0.5,2,-3,1.5,0.01,-1,0.5,2,-2,1,1,-0.5,0.03,0.5,-1.5,1,1,-2,0.5,2
// RUN: %npy write %t/img.npy f4 1,2,3,3 1,2,3,4,5,6,7,8,9,9,8,7,6,5,4,3,2,1
// RUN: echo '{"*": {"4": 1, "8": 3}, "smooth3": {"4": 1, "8": 1.5}}' > %t/latency.json
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=5.5 remarks=false" | FileCheck %s
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=8 remarks=false" | FileCheck %s --check-prefix=ALL8
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=4 bits=8,4,4 remarks=false" | FileCheck %s --check-prefix=ALL4
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t budget-bytes=112 remarks=false" | FileCheck %s --check-prefix=BYTES
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t latency-table=%t/latency.json budget-latency=130 remarks=false" | FileCheck %s --check-prefix=LATENCY
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=5.5 metric=hawq normalize=false remarks=false" | FileCheck %s --check-prefix=HAWQ
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=5.5 algorithm=gptq remarks=false" | FileCheck %s --check-prefix=GPTQ
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=5.5 bits=2,3,4,8 remarks=false" | FileCheck %s --check-prefix=WIDTHS
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=5.5 model-sensitivity=true remarks=false" | FileCheck %s --check-prefix=MODEL
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=5.5" -mlir-print-op-on-diagnostic=false -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: quant-opt %s -split-input-file -qc-assign-precision="calib=%t avg-bits=5.5 remarks=false" | quant-opt -split-input-file -qc-quantize="act-bits=0" | FileCheck %s --check-prefix=QUANT
// RUN: quant-opt %s -split-input-file -qc-mixed-pipeline="calib=%t avg-bits=5.5 bias-correction=false" | FileCheck %s --check-prefix=PIPELINE

// Three layers of 32 weights read the same activation, whose channel 0 is
// tiny: the first weight has a large row 0 (an outlier that sets its
// per-channel scale), so at 4 bits its other rows round to 0 and its output
// error is large; the other two are smooth.
// The sensitive layer's relative output error tr(dW H dW^T) / tr(W H W^T)
// is 1.1 at 4 bits and 1.5e-2 at 8; the smooth ones lose 2.5e-3 and 3.1e-3
// at 4 bits. avg-bits 5.5 over 96 weights allows one 32-weight layer at 8
// bits: the sensitive one.
// CHECK-LABEL: func.func @three_layers(
// CHECK:         qc.matmul %{{.*}}, %{{.*}} {qc.bits = 8 : i64, qc.precision_reason = "8 bits of {4, 8}: relative output error 4: 1.1e+00, 8: 1.5e-02; relative hawq 4: 5.9e-01, 8: 1.1e-02; output error saved per extra bit ranks 1 of 3; 4 bits would multiply the error by 71.0 for 128 fewer bits, which the budget affords (avg-bits 5.50 (5.33 used))"}
// CHECK:         qc.matmul %{{.*}}, %{{.*}} {qc.bits = 4 : i64, qc.precision_reason = "4 bits of {4, 8}: relative output error 4: 2.5e-03, 8: 4.5e-06; {{.*}}; output error saved per extra bit ranks 3 of 3; 8 bits would save 2.5e-03 for 128 more bits, which would exceed the budget (avg-bits 5.50 (5.33 used))"}
// CHECK:         qc.matmul %{{.*}}, %{{.*}} {qc.bits = 4 : i64, qc.precision_reason = "4 bits of {4, 8}: relative output error 4: 3.1e-03, {{.*}} ranks 2 of 3; {{.*}}"}
// With room for every layer at 8 bits, or for none (the widths are sorted
// and deduplicated):
// ALL8-LABEL: func.func @three_layers(
// ALL8-COUNT-3: {qc.bits = 8 : i64, {{.*}}which the budget affords (avg-bits 8.00 (8.00 used))
// ALL4-LABEL: func.func @three_layers(
// ALL4-COUNT-3: {qc.bits = 4 : i64, {{.*}}would exceed the budget (avg-bits 4.00 (4.00 used))
// budget-bytes: 32 weights at 4 bits and 4 f32 scales are 32 bytes per
// layer, 48 at 8 bits: 112 bytes allow one layer at 8 bits.
// BYTES-LABEL: func.func @three_layers(
// BYTES:         qc.bits = 8 : i64{{.*}}(budget-bytes 112 (112 used))
// BYTES:         qc.bits = 4 : i64
// BYTES:         qc.bits = 4 : i64
// Latency 1 per weight at 4 bits and 3 at 8, but smooth3 costs 1 or 1.5 in
// all: 130 buys the sensitive layer (+64) and smooth3 (+0.5), not smooth2.
// LATENCY-LABEL: func.func @three_layers(
// LATENCY:         qc.bits = 8 : i64{{.*}}(budget-latency 130 (129.5 used))
// LATENCY:         qc.bits = 4 : i64
// LATENCY:         qc.bits = 8 : i64
// The HAWQ proxy without normalisation ranks the layers the same way.
// HAWQ-LABEL: func.func @three_layers(
// HAWQ:         {qc.bits = 8 : i64, qc.precision_reason = "8 bits of {4, 8}: output error 4: 1.6e+03, 8: 2.2e+01; hawq {{.*}}; hawq error saved per extra bit ranks 1 of 3;
// HAWQ:         qc.bits = 4 : i64
// HAWQ:         qc.bits = 4 : i64
// GPTQ halves the smooth layers' errors but cannot save the sensitive one.
// GPTQ-LABEL: func.func @three_layers(
// GPTQ:         {qc.bits = 8 : i64, qc.precision_reason = "8 bits of {4, 8}: relative output error 4: 1.1e+00, 8: 4.6e-03;
// GPTQ:         {qc.bits = 4 : i64, qc.precision_reason = "4 bits of {4, 8}: relative output error 4: 1.3e-03, 8: 4.5e-06;
// GPTQ:         {qc.bits = 4 : i64, qc.precision_reason = "4 bits of {4, 8}: relative output error 4: 7.8e-04, 8: 2.8e-06;
// Four candidates: 8 + 4 + 4 fits 5.5 bits, 8 + 8 + 2 does not.
// WIDTHS-LABEL: func.func @three_layers(
// WIDTHS:         {qc.bits = 8 : i64, qc.precision_reason = "8 bits of {2, 3, 4, 8}: relative output error 2: 1.1e+00, 3: 1.1e+00, 4: 1.1e+00, 8: 1.5e-02; {{.*}}; 4 bits would multiply the error by 71.0 for 128 fewer bits, which the budget affords
// WIDTHS:         {qc.bits = 4 : i64, qc.precision_reason = "4 bits of {2, 3, 4, 8}: relative output error 2: 1.4e-01, 3: 4.4e-03, 4: 2.5e-03, 8: 4.5e-06; {{.*}}; 3 bits would multiply the error by 1.8 for 32 fewer bits, and 8 bits would save 2.5e-03 for 128 more bits, which would exceed the budget
// WIDTHS:         qc.bits = 4 : i64
// Measured on the function's outputs (all three together: the sensitive
// layer's output dominates their energy), with one layer quantized at a time.
// MODEL-LABEL: func.func @three_layers(
// MODEL:         {qc.bits = 8 : i64, {{.*}}; relative model output error at 4 bits 9.7e-01;
// MODEL:         {qc.bits = 4 : i64, {{.*}}; relative model output error at 4 bits 9.2e-05;
// MODEL:         {qc.bits = 4 : i64, {{.*}}; relative model output error at 4 bits 1.4e-04;
// qc-quantize honours the widths (and drops qc.bits, keeping the reason).
// QUANT-LABEL: func.func @three_layers(
// QUANT:         quant.scast %{{.*}} : tensor<8x4xi8> to tensor<8x4x!quant.uniform<i8<-127:127>:f32:1,
// QUANT:         qc.matmul %{{.*}}, %{{.*}} {qc.precision_reason = "8 bits of
// QUANT:         quant.scast %{{.*}} : tensor<8x4xi4> to tensor<8x4x!quant.uniform<i4<-7:7>:f32:1,
// QUANT:         qc.matmul %{{.*}}, %{{.*}} {qc.precision_reason = "4 bits of
// QUANT:         quant.scast %{{.*}} : tensor<8x4xi4> to
// QUANT-NOT:     qc.bits
// QUANT:         return
// The mixed recipe: GPTQ, weight-only, group 128 (per channel here).
// PIPELINE-LABEL: func.func @three_layers(
// PIPELINE:         tensor<8x4xi8> to tensor<8x4x!quant.uniform<i8<-127:127>:f32:1,
// PIPELINE:         tensor<8x4xi4> to tensor<8x4x!quant.uniform<i4<-7:7>:f32:1,
// PIPELINE:         tensor<8x4xi4> to tensor<8x4x!quant.uniform<i4<-7:7>:f32:1,
// PIPELINE-NOT:     qc.quantize
// PIPELINE:         return
// With remarks, each layer's reason and a summary for the function:
// REMARK: remark: loc("sensitive"): 8 bits of {4, 8}: relative output error 4: 1.1e+00,
// REMARK: remark: loc("smooth2"): 4 bits of {4, 8}
// REMARK: remark: loc("smooth3"): 4 bits of {4, 8}
// REMARK: remark: qc-assign-precision: 3 layers: 2 at 4 bits, 1 at 8 bits; avg-bits 5.50 (5.33 used); total relative output error 2.0e-02 (narrowest everywhere 1.1e+00, widest 1.5e-02)
func.func @three_layers(%x: tensor<4x8xf32> {onnx.name = "x"}) -> (tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>) {
  %w1 = arith.constant dense<[[100.0, -100.0, 100.0, 100.0], [1.0, 2.0, -3.0, 1.0], [-2.0, 1.0, 1.0, 3.0], [3.0, -1.0, 2.0, -2.0], [1.0, 3.0, -1.0, 1.0], [-1.0, -2.0, 2.0, 2.0], [2.0, 1.0, -2.0, -1.0], [-3.0, 2.0, 1.0, -3.0]]> : tensor<8x4xf32>
  %w2 = arith.constant dense<[[0.31, -0.52, 0.17, 0.44], [0.23, 0.61, -0.35, 0.12], [-0.47, 0.29, 0.38, -0.21], [0.55, -0.13, 0.26, -0.49], [0.19, 0.42, -0.58, 0.33], [-0.27, -0.36, 0.14, 0.51], [0.62, 0.08, -0.44, -0.16], [-0.39, 0.24, 0.57, -0.31]]> : tensor<8x4xf32>
  %w3 = arith.constant dense<[[-0.22, 0.47, 0.35, -0.18], [0.53, -0.29, 0.11, 0.64], [0.36, 0.15, -0.52, 0.27], [-0.41, 0.58, 0.21, -0.33], [0.12, -0.46, 0.39, 0.25], [0.49, 0.31, -0.17, -0.56], [-0.26, 0.43, 0.61, 0.09], [0.34, -0.14, -0.38, 0.45]]> : tensor<8x4xf32>
  %a = qc.matmul %x, %w1 : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("sensitive")
  %b = qc.matmul %x, %w2 : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("smooth2")
  %c = qc.matmul %x, %w3 : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32> loc("smooth3")
  return %a, %b, %c : tensor<4x4xf32>, tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A convolution alone: avg-bits 5.5 cannot pay for 8 bits, budget-bytes
// 112 and budget-latency 130 can.
// CHECK-LABEL: func.func @conv(
// CHECK:         qc.conv %{{.*}}, %{{.*}} {qc.bits = 4 : i64, qc.precision_reason = "4 bits of {4, 8}: relative output error 4: 2.9e-03, 8: 2.9e-06; relative hawq 4: 5.3e-03, 8: 1.5e-05; output error saved per extra bit ranks 1 of 1; 8 bits would save 2.9e-03 for 64 more bits, which would exceed the budget (avg-bits 5.50 (4.00 used))"}
// ALL8-LABEL: func.func @conv(
// ALL8:         qc.bits = 8 : i64
// BYTES-LABEL: func.func @conv(
// BYTES:         qc.bits = 8 : i64{{.*}}4 bits would multiply the error by 1016.0 for 64 fewer bits, which the budget affords (budget-bytes 112 (24 used))
// LATENCY-LABEL: func.func @conv(
// LATENCY:         qc.bits = 8 : i64{{.*}}(budget-latency 130 (48 used))
// QUANT-LABEL: func.func @conv(
// QUANT:         tensor<2x2x2x2xi4> to tensor<2x2x2x2x!quant.uniform<i4<-7:7>:f32:0,
// REMARK: remark: loc("conv"): 4 bits of {4, 8}
// REMARK: remark: qc-assign-precision: 1 layers: 1 at 4 bits, 0 at 8 bits; avg-bits 5.50 (4.00 used)
func.func @conv(%img: tensor<1x2x3x3xf32> {onnx.name = "img"}) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[0.5, -0.25], [0.125, 1.0]], [[-0.75, 0.3], [0.2, -0.1]]], [[[0.05, 0.6], [-0.4, 0.9]], [[0.7, -0.33], [0.15, 0.45]]]]> : tensor<2x2x2x2xf32>
  %y = qc.conv %img, %w : (tensor<1x2x3x3xf32>, tensor<2x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("conv")
  return %y : tensor<1x2x2x2xf32>
}

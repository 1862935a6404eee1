// RUN: rm -rf %t && mkdir -p %t/calib/0 %t/calib/1
// RUN: %npy write %t/calib/0/x.npy f4 1,2,2,2 1,-2,3,4,0.5,-1,2,-3
// RUN: %npy write %t/calib/1/x.npy f4 1,2,2,2 5,-6,0,1,0,0,0,0
// RUN: %npy write %t/calib/0/c.npy f4 1,4 1,2,11.9375,-4
// RUN: %npy write %t/calib/1/c.npy f4 1,4 0.5,0,-1,2
// RUN: %npy write %t/calib/0/g.npy f4 2,8 1,2,3,4,5,6,7,8,-1,0.5,2,-3,1,0,1,2
// RUN: %npy write %t/calib/1/g.npy f4 2,8 2,1,0,-1,3,2,-2,1,0.5,0.25,1,1,-1,2,3,-2
// RUN: %npy write %t/calib/0/f.npy f4 1,3,2,2 1,2,3,4,5,6,7,8,9,10,11,12
// RUN: %npy write %t/calib/1/f.npy f4 1,3,2,2 -1,2,-3,4,-5,6,-7,8,-9,10,-11,12
// RUN: %npy write %t/calib/0/d.npy f4 1,2,3,3 1,2,3,4,5,6,7,8,9,9,8,7,6,5,4,3,2,1
// RUN: %npy write %t/calib/1/d.npy f4 1,2,3,3 -1,0,1,0,-1,0,1,0,-1,2,2,2,0,0,0,-2,-2,-2
// RUN: quant-opt %s -split-input-file -qc-quantize="calib=%t/calib act-method=minmax" 2>/dev/null | FileCheck %s --check-prefix=W8
// RUN: quant-opt %s -split-input-file -qc-quantize="calib=%t/calib weight-bits=4 weight-granularity=group group-size=2 group-fallback=true act-bits=0" 2>/dev/null | FileCheck %s --check-prefix=W4G
// RUN: quant-opt %s -split-input-file -qc-quantize="calib=%t/calib weight-bits=8 weight-symmetric=false act-bits=0" 2>/dev/null | FileCheck %s --check-prefix=ASYM
// RUN: quant-opt %s -split-input-file -qc-quantize="calib=%t/calib weight-bits=4 algorithm=gptq act-bits=0 report-errors=true" 2>%t/gptq.err | FileCheck %s --check-prefix=GPTQ
// RUN: FileCheck %s --check-prefix=GPTQ-REMARK < %t/gptq.err
// RUN: quant-opt %s -split-input-file -qc-quantize="calib=%t/calib weight-bits=4 algorithm=gptq gptq-rank-fallback=true act-bits=0 report-errors=true" -o /dev/null 2>%t/rank.err
// RUN: FileCheck %s --check-prefix=RANK < %t/rank.err
// RUN: quant-opt %s -split-input-file -qc-quantize="calib=%t/calib keep-float=1" 2>%t/keep.err | FileCheck %s --check-prefix=KEEP
// RUN: FileCheck %s --check-prefix=KEEP-REMARK < %t/keep.err

// W8A8 with a range from qc-calibrate: the relu's range [-2, 13.9375] gives
// scale 15.9375 / 255 = 0.0625 and zero point 32. Both convolutions read
// the same qc.quantize / qc.dequantize pair; the sigmoid keeps the float
// value. Weights: rows [127, -64] (scale 1) and [254, 2] (scale 2), stored
// as [127, -64, 127, 1].
// W8-LABEL: func.func @conv_w8a8(
// W8-SAME:    %[[X:.*]]: tensor<1x2x2x2xf32> {onnx.name = "x"})
// W8:         %[[R:.*]] = qc.relu %[[X]] : tensor<1x2x2x2xf32>
// W8-NEXT:    %[[RQ:.*]] = qc.quantize %[[R]] : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 6.250000e-02:32>>
// W8-NEXT:    %[[RD:.*]] = qc.dequantize %[[RQ]] : tensor<1x2x2x2x!quant.uniform<u8:f32, 6.250000e-02:32>> -> tensor<1x2x2x2xf32>
// W8-NEXT:    %[[Q1:.*]] = arith.constant dense_resource<[[BLOB1:qweight[_0-9]*]]> : tensor<2x2x1x1xi8>
// W8-NEXT:    %[[S1:.*]] = quant.scast %[[Q1]] : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {1.000000e+00,2.000000e+00}>>
// W8-NEXT:    %[[W1:.*]] = qc.dequantize %[[S1]] : tensor<2x2x1x1x!quant.uniform<i8<-127:127>:f32:0, {1.000000e+00,2.000000e+00}>> -> tensor<2x2x1x1xf32>
// W8-NEXT:    %[[A:.*]] = qc.conv %[[RD]], %[[W1]] : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
// W8:         %[[W2:.*]] = qc.dequantize
// W8-NEXT:    %[[B:.*]] = qc.conv %[[RD]], %[[W2]], %{{.*}} :
// W8-NEXT:    %[[C:.*]] = qc.sigmoid %[[R]] :
// W8-NEXT:    return %[[A]], %[[B]], %[[C]]
// W8:         [[BLOB1]]: "0x080000007FC07F01"
func.func @conv_w8a8(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) {
  %w = arith.constant dense<[[[[127.0]], [[-64.0]]], [[[254.0]], [[2.0]]]]> : tensor<2x2x1x1xf32>
  %b = arith.constant dense<0.5> : tensor<2xf32>
  %r = qc.relu %x {qc.range = array<f32: -2.0, 13.9375>} : tensor<1x2x2x2xf32>
  %a = qc.conv %r, %w : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %c = qc.conv %r, %w, %b : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %s = qc.sigmoid %r : tensor<1x2x2x2xf32>
  return %a, %c, %s : tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>
}

// -----

// Without a qc.range the activation is calibrated: min-max over the two
// samples of c is [-4, 11.9375]: scale 0.0625, zero point 64.
// Per group of 2 rows of the [K = 4, N = 2] weight, per column:
//   k 0..1: col 0 {7, -2} scale 1, col 1 {1.4, 0.4} scale 0.2
//   k 2..3: col 0 {0.7, 0.1} scale 0.1, col 1 {14, -4} scale 2
// stored [K, N] as i4, one per byte: [7, 7, -2, 2, 7, 7, 1, -2].
// W8-LABEL: func.func @calibrated(
// W8:         qc.quantize %{{.*}} : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<u8:f32, 6.250000e-02:64>>
// W8:         quant.scast %{{.*}} : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8<-127:127>:f32:1, {{.*}}>>
// W4G-LABEL: func.func @calibrated(
// W4G-SAME:    %[[C:.*]]: tensor<1x4xf32> {onnx.name = "c"})
// W4G-NEXT:    %[[Q:.*]] = arith.constant dense_resource<[[BLOB:qweight[_0-9]*]]> : tensor<4x2xi4>
// W4G-NEXT:    %[[S:.*]] = quant.scast %[[Q]] : tensor<4x2xi4> to tensor<4x2x!quant.uniform<i4<-7:7>:f32:{0:2, 1:1}, {{\{\{}}1.000000e+00, 2.000000e-01}, {1.000000e-01, 2.000000e+00}}>>
// W4G-NEXT:    %[[W:.*]] = qc.dequantize %[[S]]
// W4G-NEXT:    %[[Y:.*]] = qc.matmul %[[C]], %[[W]] : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
// W4G-NEXT:    return %[[Y]]
// W4G:         [[BLOB]]: "0x080000000707FE02070701FE"
// Asymmetric weights: u8 per column over [min(w, 0), max(w, 0)]: column 0
// is [-2, 7], scale 9 / 255, zero point round(2 / scale) = 57; column 1 is
// [-4, 14], scale 18 / 255, zero point 57.
// ASYM-LABEL: func.func @calibrated(
// ASYM:         quant.scast %{{.*}} : tensor<4x2xi8> to tensor<4x2x!quant.uniform<u8:f32:1, {{\{}}0.0352941{{[0-9]*}}:57,0.0705882{{[0-9]*}}:57}>>
func.func @calibrated(%c: tensor<1x4xf32> {onnx.name = "c"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<[[7.0, 1.4], [-2.0, 0.4], [0.7, 14.0], [0.1, -4.0]]> : tensor<4x2xf32>
  %y = qc.matmul %c, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// A weight that is not a constant: the layer stays in float (with a
// remark, see qc-quantize-invalid.mlir).
// W8-LABEL: func.func @not_constant(
// W8-NOT:     qc.quantize
// W8:         qc.matmul %{{.*}}, %{{.*}} : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
func.func @not_constant(%p: tensor<1x4xf32> {onnx.name = "p"}, %q: tensor<4x2xf32> {onnx.name = "q"}) -> tensor<1x2xf32> {
  %y = qc.matmul %p, %q : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// GPTQ with the Hessian of g's rows (4 rows over 2 samples), 4 bits per
// channel; the remark compares its output error with RTN's.
// GPTQ-LABEL: func.func @gptq(
// GPTQ:         quant.scast %{{.*}} : tensor<8x3xi4> to tensor<8x3x!quant.uniform<i4<-7:7>:f32:1, {{.*}}>>
// GPTQ:         qc.gemm %{{.*}}, %{{.*}} :
// GPTQ-REMARK:  remark: relative output error: rtn {{[0-9.e+-]+}}, gptq {{[0-9.e+-]+}}
// With gptq-rank-fallback, 4 rows cannot determine an 8 x 8 Hessian: the
// layer is rounded to nearest.
// RANK:         remark: rounded to nearest instead of gptq: 4 calibration rows for 8 reduction columns
// RANK:         remark: relative output error: rtn {{[0-9.e+-]+}}{{$}}
func.func @gptq(%g: tensor<2x8xf32> {onnx.name = "g"}) -> tensor<2x3xf32> {
  %w = arith.constant dense<[[0.3, -0.1, 0.25], [0.2, 0.5, -0.4], [-0.6, 0.1, 0.05], [0.33, -0.21, 0.7], [0.1, 0.2, 0.3], [-0.45, 0.15, 0.0], [0.05, -0.5, 0.35], [0.6, 0.4, -0.2]]> : tensor<8x3xf32>
  %y = qc.gemm %g, %w {trans_b = false} : (tensor<2x8xf32>, tensor<8x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// 3 input channels are not a multiple of group-size 2: with group-fallback
// the layer is quantized per channel (axis 0 of the conv weight). A
// depthwise convolution (1 channel per group) too; GPTQ gives each of its
// groups its own 9 x 9 Hessian.
// W4G-LABEL: func.func @fallback(
// W4G:         quant.scast %{{.*}} : tensor<2x3x1x1xi4> to tensor<2x3x1x1x!quant.uniform<i4<-7:7>:f32:0, {{.*}}>>
// W4G:         quant.scast %{{.*}} : tensor<2x1x3x3xi4> to tensor<2x1x3x3x!quant.uniform<i4<-7:7>:f32:0, {{.*}}>>
// GPTQ-LABEL: func.func @fallback(
// GPTQ:         quant.scast %{{.*}} : tensor<2x1x3x3xi4> to tensor<2x1x3x3x!quant.uniform<i4<-7:7>:f32:0, {{.*}}>>
// GPTQ:         qc.conv %{{.*}}, %{{.*}} {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>}
func.func @fallback(%f: tensor<1x3x2x2xf32> {onnx.name = "f"}, %d: tensor<1x2x3x3xf32> {onnx.name = "d"}) -> (tensor<1x2x2x2xf32>, tensor<1x2x3x3xf32>) {
  %w = arith.constant dense<[[[[1.0]], [[-0.5]], [[0.25]]], [[[0.1]], [[0.2]], [[-0.3]]]]> : tensor<2x3x1x1xf32>
  %y = qc.conv %f, %w : (tensor<1x3x2x2xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x2x2xf32>
  %k = arith.constant dense<[[[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6], [0.7, 0.8, 0.9]]], [[[-1.0, 0.5, 0.0], [0.25, -0.75, 1.0], [0.5, 0.5, -0.5]]]]> : tensor<2x1x3x3xf32>
  %z = qc.conv %d, %k {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>} : (tensor<1x2x3x3xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %y, %z : tensor<1x2x2x2xf32>, tensor<1x2x3x3xf32>
}

// -----

// keep-float=1: quantized alone, the second layer (its input quantized
// with the range [-1000, 1000], a step of 7.8) loses far more output SQNR
// than the first, so it keeps its f32 weight and reads the relu in f32;
// the first layer is quantized.
// KEEP-LABEL: func.func @keep_float(
// KEEP:         qc.quantize %{{.*}} : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, {{.*}}>>
// KEEP:         %[[A:.*]] = qc.conv %{{.*}}, %{{.*}} : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
// KEEP-NEXT:    %[[R:.*]] = qc.relu %[[A]]
// KEEP-NOT:     qc.quantize
// KEEP-NEXT:    %[[Y:.*]] = qc.conv %[[R]], %[[W2:cst[_0-9]*]] :
// KEEP-NEXT:    return %[[Y]]
// KEEP-REMARK:  remark: left in float (keep-float=1): quantized alone it gives output SQNR {{[0-9.]+}} dB, rank 1 of 2
func.func @keep_float(%x: tensor<1x2x2x2xf32> {onnx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %w1 = arith.constant dense<[[[[1.0]], [[0.5]]], [[[-0.25]], [[1.0]]]]> : tensor<2x2x1x1xf32>
  %w2 = arith.constant dense<[[[[2.0]], [[-1.0]]], [[[0.5]], [[1.5]]]]> : tensor<2x2x1x1xf32>
  %a = qc.conv %x, %w1 : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %r = qc.relu %a {qc.range = array<f32: -1000.0, 1000.0>} : tensor<1x2x2x2xf32>
  %y = qc.conv %r, %w2 : (tensor<1x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// RUN: rm -rf %t && split-file %s %t && mkdir -p %t/calib/0 %t/bad/0
// RUN: %npy write %t/calib/0/x.npy f4 1,3,2,2 1,2,3,4,5,6,7,8,9,10,11,12
// RUN: %npy write %t/bad/0/x.npy f4 3 1,2,3
// RUN: not quant-opt %t/options.mlir -qc-quantize="weight-bits=9" 2>&1 | FileCheck %s --check-prefix=BITS9
// RUN: not quant-opt %t/options.mlir -qc-quantize="weight-bits=1" 2>&1 | FileCheck %s --check-prefix=BITS1
// RUN: not quant-opt %t/options.mlir -qc-quantize="act-bits=4" 2>&1 | FileCheck %s --check-prefix=ACT4
// RUN: not quant-opt %t/options.mlir -qc-quantize="weight-granularity=group group-size=0" 2>&1 | FileCheck %s --check-prefix=GROUP0
// RUN: not quant-opt %t/options.mlir -qc-quantize="gptq-block-size=0" 2>&1 | FileCheck %s --check-prefix=BLOCK0
// RUN: not quant-opt %t/options.mlir -qc-quantize="algorithm=gptq act-bits=0" 2>&1 | FileCheck %s --check-prefix=GPTQ-CALIB
// RUN: not quant-opt %t/options.mlir -qc-quantize 2>&1 | FileCheck %s --check-prefix=ACT-CALIB
// RUN: not quant-opt %t/options.mlir -qc-quantize="calib=%t/bad" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not quant-opt %t/options.mlir -qc-quantize="algorithm=awq" 2>&1 | FileCheck %s --check-prefix=ALGO
// RUN: not quant-opt %t/named.mlir -qc-quantize="weight-granularity=group group-size=2 act-bits=0" 2>&1 | FileCheck %s --check-prefix=NAMED
// RUN: quant-opt %t/layers.mlir -split-input-file -verify-diagnostics -qc-quantize="calib=%t/calib weight-bits=4 weight-granularity=group group-size=2 act-bits=0"

// BITS9: error: expected weight-bits in [2, 8], found 9
// BITS1: error: expected weight-bits in [2, 8], found 1
// ACT4: error: expected act-bits 8 or 0 (weights only), found 4
// GROUP0: error: expected a positive group-size, found 0
// BLOCK0: error: expected a positive gptq-block-size, found 0
// GPTQ-CALIB: error: expected a calibration directory (calib=DIR) for gptq, found none
// ACT-CALIB: error: expected a calibration directory (calib=DIR) for activations without qc.range, found none
// SHAPE: error: {{.*}}bad{{/|\\}}0{{/|\\}}x.npy: expected shape [1, 3, 2, 2] and element type f32 for argument #0 ('x'), found shape [3] and element type f32
// ALGO: for the --algorithm option: Cannot find option named 'awq'!
// NAMED: error: loc("p2o.Conv.7"): expected group-size 2 to divide the reduction channels of layer 'p2o.Conv.7', found 3

//--- options.mlir
func.func @layer(%x: tensor<1x3x2x2xf32> {onnx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<0.5> : tensor<2x3x1x1xf32>
  %y = qc.conv %x, %w : (tensor<1x3x2x2xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

//--- named.mlir
func.func @named(%x: tensor<1x3x2x2xf32> {onnx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<0.5> : tensor<2x3x1x1xf32>
  %y = qc.conv %x, %w : (tensor<1x3x2x2xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x2x2xf32> loc("p2o.Conv.7")
  return %y : tensor<1x2x2x2xf32>
}

//--- layers.mlir
// 3 input channels cannot be split into groups of 2 (without
// group-fallback).
func.func @group_does_not_divide(%x: tensor<1x3x2x2xf32> {onnx.name = "x"}) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<0.5> : tensor<2x3x1x1xf32>
  // expected-error @+1 {{expected group-size 2 to divide the reduction channels of the layer, found 3}}
  %y = qc.conv %x, %w : (tensor<1x3x2x2xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A weight that is not a constant: the layer stays in float, with a remark.
func.func @not_constant(%x: tensor<1x4xf32> {onnx.name = "x"}, %w: tensor<4x2xf32>) -> tensor<1x2xf32> {
  // expected-remark @+1 {{left in float: the weight is not a constant}}
  %y = qc.matmul %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// Already quantized weights are left alone, silently.
func.func @already_quantized(%x: tensor<1x4xf32> {onnx.name = "x"}) -> tensor<1x2xf32> {
  %c = arith.constant dense<1> : tensor<4x2xi8>
  %q = quant.scast %c : tensor<4x2xi8> to tensor<4x2x!quant.uniform<i8:f32, 0.5>>
  %w = qc.dequantize %q : tensor<4x2x!quant.uniform<i8:f32, 0.5>> -> tensor<4x2xf32>
  %y = qc.matmul %x, %w : (tensor<1x4xf32>, tensor<4x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

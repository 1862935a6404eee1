// Bad options and bad calibration data are errors at the function.
// RUN: rm -rf %t && split-file %s %t
// RUN: mkdir -p %t/calib/s0 && %npy write %t/calib/s0/x.npy f4 2,4 1,2,3,4,5,6,7,8
// RUN: quant-opt %t/block-size.mlir -qc-rearrange-outlier-channels="calib=%t/calib block-size=0" -verify-diagnostics
// RUN: quant-opt %t/min-gain.mlir -qc-rearrange-outlier-channels="calib=%t/calib min-gain=1" -verify-diagnostics
// RUN: quant-opt %t/no-calib.mlir -qc-rearrange-outlier-channels -verify-diagnostics
// RUN: quant-opt %t/shape.mlir -qc-rearrange-outlier-channels="calib=%t/calib block-size=2" -verify-diagnostics

//--- block-size.mlir
// expected-error @below {{qc-rearrange-outlier-channels: expected block-size > 0, found 0}}
func.func @f(%x: tensor<2x4xf32> {onnx.name = "x"}) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}

//--- min-gain.mlir
// expected-error @below {{qc-rearrange-outlier-channels: expected min-gain in [0, 1), found 1}}
func.func @f(%x: tensor<2x4xf32> {onnx.name = "x"}) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}

//--- no-calib.mlir
// expected-error @below {{qc-rearrange-outlier-channels: missing calibration data; expected calib=DIR (one subdirectory of .npy inputs per sample)}}
func.func @f(%x: tensor<2x4xf32> {onnx.name = "x"}) -> tensor<2x4xf32> {
  return %x : tensor<2x4xf32>
}

//--- shape.mlir
// The calibration input is 2x4, the argument 3x4.
// expected-error-re @below {{cannot read calibration sample 's0': {{.*}}x.npy: expected shape [3, 4] and element type f32 for argument #0 ('x'), found shape [2, 4] and element type f32}}
func.func @f(%x: tensor<3x4xf32> {onnx.name = "x"}) -> tensor<3x2xf32> {
  %i = arith.constant dense<1.0> : tensor<4x4xf32>
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  // expected-remark @below {{not permuted: the permutation would need 1 run-time qc.gather}}
  %a = qc.matmul %x, %i : (tensor<3x4xf32>, tensor<4x4xf32>) -> tensor<3x4xf32>
  %h = qc.relu %a : tensor<3x4xf32>
  %y = qc.matmul %h, %w : (tensor<3x4xf32>, tensor<4x2xf32>) -> tensor<3x2xf32>
  return %y : tensor<3x2xf32>
}

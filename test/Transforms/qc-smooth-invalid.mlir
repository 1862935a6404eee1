// Bad options and bad calibration data are errors at the function.
// RUN: rm -rf %t && split-file %s %t
// RUN: mkdir -p %t/calib/s0 && %npy write %t/calib/s0/x.npy f4 3 1,2,3
// RUN: quant-opt %t/alpha.mlir -qc-smooth="calib=%t/calib alpha=1.5" -verify-diagnostics
// RUN: quant-opt %t/min-scale.mlir -qc-smooth="calib=%t/calib min-scale=0" -verify-diagnostics
// RUN: quant-opt %t/no-calib.mlir -qc-smooth -verify-diagnostics
// RUN: quant-opt %t/no-dir.mlir -qc-smooth="calib=%t/none" -verify-diagnostics
// RUN: quant-opt %t/shape.mlir -qc-smooth="calib=%t/calib" -verify-diagnostics
// RUN: quant-opt %t/missing.mlir -qc-smooth="calib=%t/calib" -verify-diagnostics

//--- alpha.mlir
// expected-error @below {{qc-smooth: expected alpha in [0, 1], found 1.5}}
func.func @f(%x: tensor<3xf32> {onnx.name = "x"}, %w: tensor<3x2xf32>) -> tensor<2xf32> {
  %y = qc.matmul %x, %w : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

//--- min-scale.mlir
// expected-error @below {{qc-smooth: expected min-scale > 0, found 0}}
func.func @f(%x: tensor<3xf32> {onnx.name = "x"}, %w: tensor<3x2xf32>) -> tensor<2xf32> {
  %y = qc.matmul %x, %w : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

//--- no-calib.mlir
// expected-error @below {{qc-smooth: missing calibration data; expected calib=DIR (one subdirectory of .npy inputs per sample)}}
func.func @f(%x: tensor<3xf32> {onnx.name = "x"}, %w: tensor<3x2xf32>) -> tensor<2xf32> {
  %y = qc.matmul %x, %w : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

//--- no-dir.mlir
// expected-error-re @below {{cannot read calibration data: calibration set '{{.*}}none': expected a directory, found none}}
func.func @f(%x: tensor<3xf32> {onnx.name = "x"}) -> tensor<2xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2xf32>
  %y = qc.matmul %x, %w : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

//--- shape.mlir
// The calibration input has 3 elements, the argument 4.
// expected-error-re @below {{cannot read calibration sample 's0': {{.*}}x.npy: expected shape [4] and element type f32 for argument #0 ('x'), found shape [3] and element type f32}}
func.func @f(%x: tensor<4xf32> {onnx.name = "x"}) -> tensor<2xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2xf32>
  %y = qc.matmul %x, %w : (tensor<4xf32>, tensor<4x2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

//--- missing.mlir
// expected-error-re @below {{cannot read calibration data: calibration set '{{.*}}calib': sample 's0' has no 'y.npy' for argument #0}}
func.func @f(%y: tensor<3xf32> {onnx.name = "y"}) -> tensor<2xf32> {
  %w = arith.constant dense<1.0> : tensor<3x2xf32>
  %r = qc.matmul %y, %w : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

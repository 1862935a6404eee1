// RUN: rm -rf %t && mkdir -p %t/bad/0 %t/missing/0
// RUN: %npy write %t/bad/0/x.npy f4 3 1,2,3
// RUN: %npy write %t/missing/0/y.npy f4 3 1,2,3
// RUN: quant-opt %s -split-input-file -verify-diagnostics -qc-calibrate
// RUN: not quant-opt %s -split-input-file -qc-calibrate="calib=%t/bad" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not quant-opt %s -split-input-file -qc-calibrate="calib=%t/missing" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not quant-opt %s -split-input-file -qc-calibrate="calib=%t/nowhere" 2>&1 | FileCheck %s --check-prefix=NODIR

// BAD: error: {{.*}}x.npy: expected shape [1, 2] and element type f32 for argument #0 ('x'), found shape [3] and element type f32
// MISSING: error: calibration set '{{.*}}missing': sample '0' has no 'x.npy' for argument #0
// NODIR: error: calibration set '{{.*}}nowhere': expected a directory, found none

// expected-error @+1 {{expected a calibration directory (calib=DIR), found none}}
func.func @no_calib(%x: tensor<1x2xf32> {onnx.name = "x"}) -> tensor<1x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x2xf32>
  %y = qc.matmul %x, %w : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// Bad options, an infeasible budget and bad calibration data are errors at
// the function (or at the layer they concern).
// RUN: rm -rf %t && split-file %s %t && mkdir -p %t/calib %t/bad
// RUN: %npy write %t/calib/x.npy f4 2,6 1,2,3,4,5,6,-1,0.5,2,-3,1,0
// RUN: %npy write %t/bad/x.npy f4 3 1,2,3
// RUN: echo '{"*": {"4": 1}}' > %t/latency.json
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib bits=4,9 avg-bits=5" 2>&1 | FileCheck %s --check-prefix=BITS9
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib bits=0,8 avg-bits=5" 2>&1 | FileCheck %s --check-prefix=BITS0
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib bits=4,x avg-bits=5" 2>&1 | FileCheck %s --check-prefix=BITSX
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib" 2>&1 | FileCheck %s --check-prefix=NOBUDGET
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib avg-bits=-1" 2>&1 | FileCheck %s --check-prefix=NEGBITS
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib budget-bytes=-8" 2>&1 | FileCheck %s --check-prefix=NEGBYTES
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib avg-bits=3.5" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib bits=2,4 budget-bytes=16" 2>&1 | FileCheck %s --check-prefix=INFEASIBLE-BYTES
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib budget-latency=10" 2>&1 | FileCheck %s --check-prefix=LATENCY-ALONE
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib avg-bits=5 latency-table=%t/latency.json budget-latency=100" 2>&1 | FileCheck %s --check-prefix=LATENCY-MISSING
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib avg-bits=5 latency-table=%t/none.json budget-latency=100" 2>&1 | FileCheck %s --check-prefix=LATENCY-FILE
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="avg-bits=5" 2>&1 | FileCheck %s --check-prefix=NOCALIB
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/bad avg-bits=5" 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib avg-bits=5 weight-granularity=group group-size=4" 2>&1 | FileCheck %s --check-prefix=GROUP
// RUN: not quant-opt %t/layer.mlir -qc-assign-precision="calib=%t/calib avg-bits=5 metric=loss" 2>&1 | FileCheck %s --check-prefix=METRIC
// RUN: not quant-opt %t/bad-bits.mlir -qc-quantize="act-bits=0" 2>&1 | FileCheck %s --check-prefix=QUANTIZE

// BITS9: error: qc-assign-precision: expected every width in bits to be in [2, 8], found 9
// BITS0: error: qc-assign-precision: expected every width in bits to be in [2, 8], found 0
// BITSX: for the --bits option: 'x' value invalid for uint argument!
// NOBUDGET: error: qc-assign-precision: expected a budget (avg-bits, budget-bytes or budget-latency), found none
// NEGBITS: error: qc-assign-precision: expected avg-bits >= 0, found -1
// NEGBYTES: error: qc-assign-precision: expected budget-bytes >= 0, found -8
// INFEASIBLE: error: qc-assign-precision: infeasible budget: the narrowest candidate (4 bits) for all 1 layers needs avg-bits 4.00, found avg-bits 3.5
// INFEASIBLE-BYTES: error: qc-assign-precision: infeasible budget: the narrowest candidate (2 bits) for all 1 layers needs budget-bytes 16.5, found budget-bytes 16
// LATENCY-ALONE: error: qc-assign-precision: expected latency-table and budget-latency together, found only budget-latency
// LATENCY-MISSING: error: qc-assign-precision: latency-table '{{.*}}latency.json': expected a non-negative cost for layer 'fc' at 8 bits (or a "*" entry), found none
// LATENCY-FILE: error: qc-assign-precision: latency-table '{{.*}}none.json': {{.*}}o such file or directory
// NOCALIB: error: qc-assign-precision: expected a calibration directory (calib=DIR), found none
// SHAPE: error: {{.*}}bad{{/|\\}}x.npy: expected shape [2, 6] and element type f32 for argument #0 ('x'), found shape [3] and element type f32
// GROUP: error: loc("fc"): qc-assign-precision: expected group-size 4 to divide the reduction channels of layer 'fc', found 6
// METRIC: for the --metric option: Cannot find option named 'loss'!
// QUANTIZE: error: expected qc.bits to be an integer in [2, 8], found 9 : i64

//--- layer.mlir
func.func @layer(%x: tensor<2x6xf32> {onnx.name = "x"}) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.5> : tensor<6x3xf32>
  %y = qc.matmul %x, %w : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32> loc("fc")
  return %y : tensor<2x3xf32>
}

//--- bad-bits.mlir
func.func @layer(%x: tensor<2x6xf32> {onnx.name = "x"}) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.5> : tensor<6x3xf32>
  %y = qc.matmul %x, %w {qc.bits = 9 : i64} : (tensor<2x6xf32>, tensor<6x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

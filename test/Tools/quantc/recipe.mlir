// quantc --recipe: the named quantization pipelines on a small graph, the
// report, and the errors for bad recipe options.
// RUN: rm -rf %t && mkdir -p %t/calib/0 %t/calib/1
// RUN: %npy write %t/calib/0/x.npy f4 1,8 0.5,-1,2,0.25,-0.75,1.5,-2,1
// RUN: %npy write %t/calib/1/x.npy f4 1,8 -0.5,1,1.75,-0.25,0.75,-1.5,2,-1

// The w8a8 recipe: u8 activations, s8 per-channel weights.
// RUN: quantc %s --recipe w8a8 --calib %t/calib --emit=quantized -o - | FileCheck %s --check-prefix=W8A8
// W8A8: qc.quantize %{{.*}} : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<u8:f32
// W8A8: tensor<8x4x!quant.uniform<i8<-127:127>:f32:1,
// W8A8: qc.matmul

// The mixed recipe at 8 average bits: every layer gets 8 bits, and the report says why.
// RUN: quantc %s --recipe mixed --avg-bits 8 --calib %t/calib --emit=quantized --report %t/r -o - | FileCheck %s --check-prefix=MIXED
// MIXED-NOT: qc.quantize
// MIXED: tensor<8x4x!quant.uniform<i8
// RUN: FileCheck %s --check-prefix=REPORT < %t/r.md
// REPORT: Weight bits: 8.00 on average over 32 weights (1 layers at 8).
// REPORT: | 0 | mm | qc.matmul | [8, 4] | [1, 4] | i8 | channel | gptq | f32 | {{[0-9.]+}} | recipe mixed: 8 bits of {4, 8}

// RUN: not quantc %s --recipe w8a8 --emit=quantized -o /dev/null 2>&1 | FileCheck %s --check-prefix=NOCALIB
// NOCALIB: --recipe w8a8 needs a calibration set: --calib DIR
// RUN: not quantc %s --recipe w9a9 --calib %t/calib --emit=quantized -o /dev/null 2>&1 | FileCheck %s --check-prefix=BADRECIPE
// BADRECIPE: w9a9
// RUN: not quantc %s --recipe w8a8 --avg-bits 5 --calib %t/calib --emit=quantized -o /dev/null 2>&1 | FileCheck %s --check-prefix=AVGRECIPE
// AVGRECIPE: --avg-bits needs --recipe mixed
// RUN: not quantc %s --recipe mixed --avg-bits 9 --calib %t/calib --emit=quantized -o /dev/null 2>&1 | FileCheck %s --check-prefix=AVGRANGE
// AVGRANGE: --avg-bits must be in [2, 8]
// RUN: not quantc %s --recipe w4a16 --mixed-bits 4,8 --calib %t/calib --emit=quantized -o /dev/null 2>&1 | FileCheck %s --check-prefix=BITSRECIPE
// BITSRECIPE: --mixed-bits needs --recipe mixed
// RUN: not quantc %s --recipe mixed --mixed-bits 4,9 --calib %t/calib --emit=quantized -o /dev/null 2>&1 | FileCheck %s --check-prefix=BITSRANGE
// BITSRANGE: --mixed-bits: every width must be in [2, 8], got 9
// The candidate widths reach qc-assign-precision: with only 6 on offer,
// the layer gets 6 bits.
// RUN: quantc %s --recipe mixed --avg-bits 6 --mixed-bits 6 --calib %t/calib --emit=quantized --report %t/r6 -o /dev/null
// RUN: FileCheck %s --check-prefix=REPORT6 < %t/r6.md
// REPORT6: recipe mixed: 6 bits of {6}
// RUN: not quantc %s --calib %t/calib --emit=quantized -o /dev/null 2>&1 | FileCheck %s --check-prefix=NORECIPE
// NORECIPE: --calib and --report need --recipe
func.func @main(%x: tensor<1x8xf32> {onnx.name = "x"}) -> tensor<1x4xf32> {
  %w = arith.constant dense<[[0.1, -0.2, 0.3, 0.4], [0.5, 0.6, -0.7, 0.8], [0.9, 1.0, 1.1, -1.2], [1.3, -1.4, 1.5, 1.6], [-0.1, 0.2, 0.3, 0.4], [0.5, -0.6, 0.7, 0.8], [0.9, 1.0, -1.1, 1.2], [1.3, 1.4, 1.5, -1.6]]> : tensor<8x4xf32>
  %y = qc.matmul %x, %w : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32> loc("mm")
  return %y : tensor<1x4xf32>
}

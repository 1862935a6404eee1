//===- Passes.td - quantc graph and quantization passes -----*- tablegen -*-===//

#ifndef QUANTC_TRANSFORMS_PASSES
#define QUANTC_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def QCFoldBatchNorm : Pass<"qc-fold-batchnorm", "func::FuncOp"> {
  let summary = "Fold inference-mode batch normalisation into the preceding "
                "convolution";
  let description = [{
    A `qc.batch_normalization` whose input is a `qc.conv` with constant
    weights (and bias, if any) and no other users is folded into that
    convolution: with `s = scale / sqrt(var + epsilon)` per output channel,
    the weights become `w * s` and the bias `(b - mean) * s + bias`. This is
    exact up to float rounding and removes a memory-bound op before
    quantization, so the folded weights are what gets quantized.

    Before:
    ```mlir
    %c = qc.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
    %y = qc.batch_normalization %c, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
        : (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
    ```
    After:
    ```mlir
    %w2 = arith.constant dense_resource<...> : tensor<4x3x3x3xf32>
    %b2 = arith.constant dense_resource<...> : tensor<4xf32>
    %y = qc.conv %x, %w2, %b2 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
    ```
    Batch normalisations that do not follow such a convolution are left
    alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numFolded", "num-folded", "Number of batch normalisations folded">
  ];
}

#endif // QUANTC_TRANSFORMS_PASSES

// A PP-OCR-style stem block: conv, inference-mode batch normalisation,
// hard-swish, a squeeze/flatten head. `scripts/main.sh` folds the batch
// normalisation into the conv weights and canonicalizes the shape ops.
func.func @stem(%x: tensor<1x3x48x320xf32>) -> tensor<1x8xf32> {
  %w = arith.constant dense<0.125> : tensor<8x3x3x3xf32>
  %scale = arith.constant dense<[1.0, 0.5, 2.0, 1.5, 1.0, 0.25, 1.0, 3.0]> : tensor<8xf32>
  %shift = arith.constant dense<[0.0, 0.1, -0.2, 0.3, 0.0, 0.5, -1.0, 0.0]> : tensor<8xf32>
  %mean = arith.constant dense<[0.5, 0.0, 1.0, 0.0, 0.25, 0.0, 2.0, 0.0]> : tensor<8xf32>
  %var = arith.constant dense<[1.0, 4.0, 0.25, 1.0, 1.0, 9.0, 1.0, 16.0]> : tensor<8xf32>
  %c = qc.conv %x, %w {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
      : (tensor<1x3x48x320xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x24x160xf32>
  %bn = qc.batch_normalization %c, %scale, %shift, %mean, %var
      : (tensor<1x8x24x160xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<1x8x24x160xf32>
  %a = qc.hard_swish %bn : tensor<1x8x24x160xf32>
  %p = qc.global_average_pool %a : (tensor<1x8x24x160xf32>) -> tensor<1x8x1x1xf32>
  %f = qc.flatten %p : (tensor<1x8x1x1xf32>) -> tensor<1x8xf32>
  %i = qc.identity %f : tensor<1x8xf32>
  return %i : tensor<1x8xf32>
}

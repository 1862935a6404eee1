// RUN: quant-opt %s -qc-fuse-rotations="block-size=6" -verify-diagnostics
// RUN: quant-opt %s -qc-fuse-rotations="block-size=-4" -verify-diagnostics

// The online Hadamard block must be a power of two (or 0: automatic).
// expected-error@+1 {{expected block-size to be 0 or a power of two, found}}
func.func @bad_block_size(%x: tensor<2x8xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<8x2xf32>
  %y = qc.matmul %x, %w : (tensor<2x8xf32>, tensor<8x2xf32>) -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

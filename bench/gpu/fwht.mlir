// The online Hadamard rotation for bench/gpu-check.sh: 256 tokens of 4096
// channels rotated in one block of 4096 and in blocks of 64, one
// qc-gpu-hadamard kernel each (4 MB read and 4 MB written per kernel).
func.func @fwht(%x: tensor<256x4096xf32>) -> (tensor<256x4096xf32>, tensor<256x4096xf32>) {
  %0 = qc.hadamard %x : tensor<256x4096xf32>
  %1 = qc.hadamard %x {block_size = 64} : tensor<256x4096xf32>
  return %0, %1 : tensor<256x4096xf32>, tensor<256x4096xf32>
}

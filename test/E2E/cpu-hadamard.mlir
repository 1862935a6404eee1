// The online Hadamard rotation (qc.hadamard, inserted by qc-fuse-rotations)
// compiles to a fast Walsh-Hadamard transform: log2(block) butterfly stages
// that perform the reference evaluator's additions, subtractions and final
// scaling in its order, so the compiled model agrees with it to the bit
// (tolerance 0), with and without the CPU's data tiling and threads. The
// CUDA target's form (--gpu-forms: one fwht_f32 generic per rotation, the
// product with the Hadamard matrix, which qc-gpu-hadamard replaces with a
// kernel doing the butterflies; fwht-emulate.test checks that kernel to
// the bit) computes the same transform with its sums in another order:
// within 2e-5 of the evaluator (measured: 3.8e-6; outputs up to 14).
// RUN: split-file %s %t
// RUN: mkdir -p %t/in && %randnpy %t/in/arg0.npy 4,3,256 7 -3 3
// RUN: quantc %t/h.mlir -o %t/h.so
// RUN: quantc %t/h.mlir -o %t/h-loops.so --no-data-tiling --no-threads
// RUN: quant-run %t/h.mlir --reference --inputs %t/in --outputs %t/ref
// RUN: quant-run %t/h.so --inputs %t/in --outputs %t/out --threads 2
// RUN: quant-run %t/h-loops.so --inputs %t/in --outputs %t/out-loops
// RUN: %npy compare %t/out/out0.npy %t/ref/out0.npy 0
// RUN: %npy compare %t/out-loops/out0.npy %t/ref/out0.npy 0
// RUN: quantc %t/h.mlir -o %t/h-gpu.so --no-data-tiling --no-threads --gpu-forms
// RUN: quant-run %t/h-gpu.so --inputs %t/in --outputs %t/out-gpu
// RUN: %npy compare %t/out-gpu/out0.npy %t/ref/out0.npy 2e-5

//--- h.mlir
// Blocks of 16 then the whole last dimension (256), with a matrix product
// in between so that the two rotations do not fold away.
func.func @h(%x: tensor<4x3x256xf32>) -> tensor<4x3x256xf32> {
  %0 = qc.hadamard %x {block_size = 16} : tensor<4x3x256xf32>
  %1 = qc.relu %0 : tensor<4x3x256xf32>
  %2 = qc.hadamard %1 : tensor<4x3x256xf32>
  %3 = qc.add %2, %x : (tensor<4x3x256xf32>, tensor<4x3x256xf32>) -> tensor<4x3x256xf32>
  return %3 : tensor<4x3x256xf32>
}

// The online Hadamard rotation on the CUDA target: the same fast
// Walsh-Hadamard transform as on the CPU (cpu-hadamard.mlir checks its
// numbers), one elementwise kernel per butterfly stage, assembled by ptxas.
// The last stage of each rotation scales by 1/sqrt(block): 1/4 for blocks
// of 16, 1/16 for 256.
// REQUIRES: cuda-toolkit
// RUN: quantc %s --target=cuda --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: quantc %s --target=cuda --cuda-arch=sm_90 -o %t.so
// CHECK-DAG: mul.rn.f32 {{.*}}, 0f3E800000;
// CHECK-DAG: mul.rn.f32 {{.*}}, 0f3D800000;
func.func @h(%x: tensor<4x3x256xf32>) -> tensor<4x3x256xf32> {
  %0 = qc.hadamard %x {block_size = 16} : tensor<4x3x256xf32>
  %1 = qc.relu %0 : tensor<4x3x256xf32>
  %2 = qc.hadamard %1 : tensor<4x3x256xf32>
  return %2 : tensor<4x3x256xf32>
}

// The online Hadamard rotation on the CUDA target: one shared-memory FWHT
// kernel per rotation (qc-gpu-hadamard; fwht-emulate.test checks its
// numbers to the bit, cpu-hadamard.mlir the transform), assembled by ptxas
// for sm_80 and sm_90. Each kernel holds 512 elements (2048 bytes) in
// shared memory: 32 rows of 16, or 2 rows of 256. Blocks of 16 take 4
// butterfly stages, blocks of 256 take 8, each after a barrier, plus one
// before the write; the last scales by 1/sqrt(block): 1/4, 1/16.
// REQUIRES: cuda-toolkit
// RUN: quantc %s --target=cuda --emit=ptx -o %t.ptx
// RUN: FileCheck %s --input-file=%t.ptx
// RUN: quantc %s --target=cuda --cuda-arch=sm_90 -o %t.so
// CHECK: .entry
// CHECK: .shared .align 4 .b8 {{.*}}[2048];
// CHECK-COUNT-5: bar.sync
// CHECK-NOT: bar.sync
// CHECK: mul.rn.f32 {{.*}}, 0f3E800000;
// CHECK: .entry
// CHECK-NOT: bar.sync
// CHECK: max.NaN.f32
// CHECK: .entry
// CHECK: .shared .align 4 .b8 {{.*}}[2048];
// CHECK-COUNT-9: bar.sync
// CHECK-NOT: bar.sync
// CHECK: mul.rn.f32 {{.*}}, 0f3D800000;
func.func @h(%x: tensor<4x3x256xf32>) -> tensor<4x3x256xf32> {
  %0 = qc.hadamard %x {block_size = 16} : tensor<4x3x256xf32>
  %1 = qc.relu %0 : tensor<4x3x256xf32>
  %2 = qc.hadamard %1 : tensor<4x3x256xf32>
  return %2 : tensor<4x3x256xf32>
}

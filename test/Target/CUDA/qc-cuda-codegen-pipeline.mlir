// RUN: quant-opt %s --qc-cuda-codegen-pipeline="format=none chip=sm_90" | FileCheck %s

// The whole CUDA pipeline up to the NVVM dialect: the kernels carry their
// NVVM target, read their thread id (one block here), take bare pointers; the
// host entry keeps the runtime's ABI (inputs, outputs, ctx, arena) and
// launches them; the weights live in the arena and @qc_model_upload copies
// them there.
// CHECK-LABEL: llvm.func @qc_model_entry(
// CHECK-SAME:    %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr)
// CHECK-SAME:    qc.arena_size = 128 : i64, qc.constants_offset = 64 : i64
// CHECK:         gpu.launch_func <%{{.*}} : !llvm.ptr> @qc_model_entry_kernel::@qc_model_entry_kernel blocks in
// CHECK:       gpu.module @qc_model_entry_kernel [#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">]
// CHECK:         llvm.func @qc_model_entry_kernel(%{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr)
// CHECK-SAME:      nvvm.kernel
// CHECK:           nvvm.read.ptx.sreg.tid.x
// CHECK:           llvm.fadd
// CHECK:           llvm.intr.maximum
// CHECK-LABEL: llvm.func @qc_model_upload(
// CHECK:         llvm.call @mgpuMemcpy
// CHECK-NOT:   gpu.binary
func.func @add_relu(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %b = arith.constant dense<[0.5, 1.0, 1.5, 2.0, -0.5, -1.0, -1.5, -2.0]> : tensor<8xf32>
  %s = qc.add %x, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %r = qc.relu %s : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

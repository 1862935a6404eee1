// The CUDA target on the W8A8 conv of cpu-w8a8.mlir, without a GPU: the PTX
// of its kernels (cpu-gpu-forms.mlir checks their numbers' lowering on the
// CPU, gemm-emulate.test the GEMM kernel's PTX), cubins assembled by ptxas for sm_80 and sm_90, a library
// whose only dependencies are libc's (the driver is opened with dlopen at
// run time), and a clear error where there is no driver. The numbers are
// checked on a GPU by bench/gpu-check.sh.
// REQUIRES: cuda-toolkit
// RUN: mkdir -p %t/in
// RUN: %randnpy %t/in/arg0.npy 1,8,10,10 5 -2 2
// RUN: quantc %s --target=cuda --emit=ptx -o %t/k.ptx
// RUN: FileCheck %s --check-prefix=PTX --input-file=%t/k.ptx
// RUN: quantc %s --target=cuda --emit=llvm -o - | FileCheck %s --check-prefix=HOST
// RUN: quantc %s --target=cuda --cuda-arch=sm_80 -o %t/m80.so
// RUN: quantc %s --target=cuda --cuda-arch=sm_90 -o %t/m90.so
// RUN: llvm-nm -D --defined-only %t/m90.so | FileCheck %s --check-prefix=SYMS
// RUN: llvm-nm -D --undefined-only %t/m90.so | FileCheck %s --check-prefix=UNDEF
// RUN: env QRT_CUDA_DRIVER=%t/no-libcuda.so.1 not quant-run %t/m90.so --inputs %t/in --outputs %t/out 2>&1 | FileCheck %s --check-prefix=NODRIVER
// RUN: not quantc %s --target=cuda --cuda-arch=gfx90a -o %t/bad.so 2>&1 | FileCheck %s --check-prefix=BADARCH
// RUN: not quantc %s --emit=ptx -o %t/bad.ptx 2>&1 | FileCheck %s --check-prefix=NOTCUDA

// Kernels for the sm_80 default: the quantization of the input (round to
// nearest even, stored as u8), the im2col of the u8 input (pixels as rows),
// and the int8 tensor-core GEMM of qc-gpu-w8a8-gemm, whose blocks own
// their tiles (one unit each) and so run the requantizing epilogue with the
// bias on their final sums, writing the NCHW output: no zero fill, no
// atomics, no i32 accumulator in memory, no epilogue kernel.
// PTX: // ---- kernel module @qc_model_entry_kernel
// PTX: .target sm_80
// PTX: .visible .entry qc_model_entry_kernel(
// PTX-NEXT: .param .u64 .ptr .align 1 qc_model_entry_kernel_param_0,
// PTX-NEXT: .param .u64 .ptr .align 1 qc_model_entry_kernel_param_1
// PTX-NEXT: )
// PTX: mov.u32 %r{{[0-9]+}}, %ctaid.x;
// PTX: mov.u32 %r{{[0-9]+}}, %tid.x;
// PTX: cvt.rni.f32.f32
// PTX: st.global.b8
// PTX-LABEL: // ---- kernel module @qc_model_entry_kernel_0
// PTX: ld.global.b8
// PTX: st.global.b8
// PTX-LABEL: // ---- kernel module @qc_model_entry_kernel_1
// PTX: cp.async.cg.shared.global
// PTX-COUNT-8: mma.sync.aligned.m16n8k32.row.col.s32.u8.s8.s32
// PTX-NOT: atom.global
// PTX: cvt.rn.f32.s32
// PTX: fma.rn.f32
// PTX: st.global.b32
// PTX-NOT: atom.global
// PTX-NOT: kernel module

// The host passes each kernel exactly its parameters: bare pointers on both
// sides (a memref descriptor on one side only makes the driver read past
// the argument array).
// HOST: llvm.func @qc_model_entry(%{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr, %{{[^:]*}}: !llvm.ptr)
// HOST: gpu.launch_func <%{{.*}} : !llvm.ptr> @qc_model_entry_kernel::@qc_model_entry_kernel blocks in ({{.*}}) threads in ({{.*}}) : i64 args(%{{[^:]*}} : !llvm.ptr, %{{[^:]*}} : !llvm.ptr){{$}}
// HOST-LABEL: llvm.func @qc_model_upload(

// SYMS: qrt_model_get_desc
// UNDEF-NOT: cu{{[A-Z]}}
// UNDEF: dlopen
// UNDEF-NOT: cu{{[A-Z]}}

// NODRIVER: error: {{.*}}m90.so: cannot prepare the model: cannot load the CUDA driver {{.*}}no-libcuda.so.1

// BADARCH: quantc: error: --cuda-arch 'gfx90a' is not a GPU architecture (expected sm_80, sm_90, ...)
// NOTCUDA: quantc: error: --emit=ptx needs --target=cuda
func.func @w8a8(%x: tensor<1x8x10x10xf32>) -> tensor<1x4x10x10xf32> {
  %xq = qc.quantize %x : tensor<1x8x10x10xf32> -> tensor<1x8x10x10x!quant.uniform<u8:f32, 0.015625:128>>
  %xd = qc.dequantize %xq : tensor<1x8x10x10x!quant.uniform<u8:f32, 0.015625:128>> -> tensor<1x8x10x10xf32>
  %c = arith.constant dense<"0xEC110D090501FDF9F5F1ED120E0A0602FEFAF6F2EE130F0B0703FFFBF7F3EF14"> : tensor<4x8x1x1xi8>
  %cq = quant.scast %c : tensor<4x8x1x1xi8> to tensor<4x8x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125, 0.0625}>>
  %w = qc.dequantize %cq : tensor<4x8x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125, 0.0625}>> -> tensor<4x8x1x1xf32>
  %b = arith.constant dense<[1.0, -1.0, 0.5, 0.0]> : tensor<4xf32>
  %y = qc.conv %xd, %w, %b : (tensor<1x8x10x10xf32>, tensor<4x8x1x1xf32>, tensor<4xf32>) -> tensor<1x4x10x10xf32>
  return %y : tensor<1x4x10x10xf32>
}

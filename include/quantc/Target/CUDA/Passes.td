//===- Passes.td - CUDA code generation passes ---------------*- tablegen -*-===//

#ifndef QUANTC_TARGET_CUDA_PASSES
#define QUANTC_TARGET_CUDA_PASSES

include "mlir/Pass/PassBase.td"

def QCGPUPlaceConstants : Pass<"qc-gpu-place-constants", "ModuleOp"> {
  let summary = "Move the model's constants into its device arena and emit "
                "the function that uploads them";
  let description = [{
    On the GPU every buffer a kernel touches must be device memory, the
    weights included. After `qc-plan-memory` has laid the activations out in
    the arena (the entry's last argument, `qc.arena_size` bytes), this pass
    appends every constant `memref.global` the entry reads to the same arena
    (64-byte aligned, each global once), replaces each `memref.get_global`
    in the entry with a `memref.view` of the arena, grows the arena argument
    and `qc.arena_size`, and records where the constants start in
    `qc.constants_offset`. Globals in workgroup memory (a kernel's shared
    memory, read inside its launch) are not constants and stay. It also
    emits `@qc_model_upload(%arena)`, which copies each global from the
    library image into its place with
    `gpu.memcpy`; the runtime calls it once when the model is opened, so a
    run copies only the model's inputs and outputs.

    Before:
    ```mlir
    memref.global "private" constant @w : memref<4x8xf32> = dense<...>
    func.func @qc_model_entry(..., %arena: memref<64xi8>) attributes {qc.arena_size = 64 : i64} {
      %w = memref.get_global @w : memref<4x8xf32>
      ...
    }
    ```
    After:
    ```mlir
    func.func @qc_model_entry(..., %arena: memref<192xi8>) attributes {qc.arena_size = 192 : i64, qc.constants_offset = 64 : i64} {
      %c64 = arith.constant 64 : index
      %w = memref.view %arena[%c64][] : memref<192xi8> to memref<4x8xf32>
      ...
    }
    func.func @qc_model_upload(%arena: memref<192xi8>) {
      %h = memref.get_global @w : memref<4x8xf32>
      %d = memref.view %arena[%c64][] : memref<192xi8> to memref<4x8xf32>
      gpu.memcpy %d, %h : memref<4x8xf32>, memref<4x8xf32>
      return
    }
    ```
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of each constant in the arena">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

def QCGPUDistribute : Pass<"qc-gpu-distribute", "func::FuncOp"> {
  let summary = "Put every loop nest of the model's entry on the GPU as a "
                "gpu.launch";
  let description = [{
    Runs on the entry function after bufferization, when every buffer is
    device memory. Each linalg op is first lowered to loops with all its
    parallel dimensions outermost (named ops are generalized and reduction
    dimensions interchanged inward: a matmul in (m, k, n) order would
    otherwise leave the parallel `n` loop serial inside each thread), and
    `memref.copy` becomes a linalg copy first. Each top-level `scf.parallel`
    becomes
    a one-dimensional `gpu.launch` of `block-size` threads per block and
    enough blocks to cover the whole iteration space: thread `i` (block id
    times block size plus thread id) runs iteration `i` of the row-major
    linearised space, delinearised back into the loop's induction variables,
    so nests of any rank use every thread (upstream `gpu-map-parallel-loops`
    maps at most three dimensions and puts one thread in each block).
    Any other op that
    touches memory at the top level (a serial `scf.for` of a full
    reduction, a `memref.store`) is wrapped, with its neighbours, in a
    launch of one thread: the host never dereferences a device pointer.
    Inside the launches, a reduction loop's load and store of its output
    element (what linalg's loop lowering leaves in every iteration) become
    a loop-carried value, loaded before and stored after the loop: the GPU
    compiler cannot do this itself, since it cannot prove that the kernel's
    buffers do not alias. A nest with few outputs (at most 2048) whose
    reduction is long (at least 1024 steps, a float add, maximum or minimum)
    gets a block per output instead of a thread: the block's threads split
    the loop and `gpu.all_reduce` combines their results (a softmax over
    6625 classes for 40 rows would otherwise run on 40 threads).

    Before:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c3, %c5) step (%c1, %c1) {
      %v = memref.load %a[%i, %j] : memref<3x5xf32>
      memref.store %v, %b[%i, %j] : memref<3x5xf32>
    }
    ```
    After:
    ```mlir
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, ...) threads(%tx, %ty, %tz) in (%sx = %c256, ...) {
      %id = arith.addi (arith.muli %bx, %c256), %tx : index
      %in = arith.cmpi ult, %id, %c15 : index
      scf.if %in {
        %j = arith.remui %id, %c5 : index
        %i = arith.divui %id, %c5 : index
        %v = memref.load %a[%i, %j] : memref<3x5xf32>
        memref.store %v, %b[%i, %j] : memref<3x5xf32>
      }
      gpu.terminator
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect"];
}

def QCGPUW4A16Gemm : Pass<"qc-gpu-w4a16-gemm", "ModuleOp"> {
  let summary = "Lower int4-weight matrix products (W4A16) to an f16 "
                "tensor-core kernel on packed weights";
  let description = [{
    Runs after bufferization, before `qc-gpu-place-constants`. Each
    `linalg.generic` tagged `qc.ukernel = "gemv_w4_f32"` (what
    `convert-qc-to-linalg{packed-w4}` makes of an f32 matrix product with a
    constant int4 weight: `y[m][n] += x[m][k] * (q[n][k] - z[n][k/G]) *
    s[n][k/G]`) whose weights, scales and zero points are constant globals
    becomes a `gpu.launch` of a warp-level kernel on `nvvm.mma.sync`
    m16n8k16 (f16 operands, f32 accumulation), Marlin's design for small
    batches:

    - the weights stay 4-bit on the device, packed at compile time into
      the order of the mma's B fragments (one 128-bit load per lane and
      16-deep step for a 64-column tile: 512 contiguous bytes per warp);
    - each warp double-buffers its weights in shared memory with
      `cp.async` (`nvgpu.device_async_copy`, 16 bytes per lane and step):
      the next unit is on its way while the tensor cores work on this one;
    - two integer ops turn a packed pair into the f16 pair (1024 + q0,
      1024 + q1), and subtracting 1024 + z leaves `q - z` exactly;
    - x is rounded to f16 (the A16 of W4A16), the products are summed in
      f32 per group (at most 128 deep) and scaled in f32, so the rounding
      of x is the only difference from the reference evaluator;
    - stream-K: the (64-column tile, K unit) items are split evenly over
      one wave of at most 528 4-warp blocks (grid z: 16-row tiles); a block
      walks its items tile by tile, its warps take a tile's units
      round-robin, add their
      sums in shared memory, and the block adds the result to `y` with
      atomics (`y` is zero-filled before, as the generic's init): no
      second pass and no tail wave;
    - with `shared-x` and at least four column tiles (a multiple of four,
      or 16 or more), items are (group of four tiles, unit) instead: the
      warps take a tile each and walk the same units, the block converts
      each unit's slice of x to f16 once into shared memory (a
      16-byte-aligned workgroup global, rows padded against bank
      conflicts) and the warps load their A fragments from it with
      `ldmatrix`; each warp adds its own tile's sums to `y` (no block
      sum). Off by default: on an H200 it was up to 1.75x slower at batch
      16 and at most 1.1x faster at batch 1 (docs/performance.md);
    - when every block covers whole tiles (convolutions, small products),
      the block stores its final sums instead, the zero fill of `y` goes,
      and the elementwise generic right after the GEMM that reads `y` (its
      epilogue: a convolution's bias and NCHW layout) runs in the kernel on
      each sum when it can (lib/Target/CUDA/Epilogue.h: `y` read once
      through strided sums of loops, no other reader, no memory shared
      with the GEMM's inputs), so `y` is not written at all.

    K that is not a multiple of the unit (the group, or for one group per
    column, per-channel weights, up to 128) is padded to one with weights
    that decode to 0, and x's pairs past K read as zeros: per-channel
    weights with any even K (120, 240, 360 in PP-OCRv4 rec) and the
    im2col GEMMs of convolutions take the kernel. A generic it cannot take
    (odd K, several groups of a size that is not a multiple of 16 or is
    above 128 and not a multiple of 128, non-integer zero points, operands
    that are not constant globals) is left alone, and `qc-gpu-distribute`
    lowers it like any loop nest.

    Before:
    ```mlir
    %q = memref.get_global @q : memref<64x128xi8>
    %s = memref.get_global @s : memref<64x1xf32>
    %z = memref.get_global @z : memref<64x1xf32>
    linalg.generic {...} ins(%x, %q, %s, %z : memref<2x128xf32>, ...)
        outs(%y : memref<2x64xf32>) attrs = {qc.ukernel = "gemv_w4_f32", qc.w4_group = 128 : i64} {...}
    ```
    After:
    ```mlir
    %w = memref.get_global @__qc_w4a16_weights : memref<1024xi32>
    %s = memref.get_global @__qc_w4a16_scales : memref<64xf32>
    gpu.launch blocks(%bx, %by, %mt) in (%c1, %c1, %c1) threads(%tid, ...) in (%c128, %c1, %c1)
        workgroup(%smem : memref<8192xi32, #gpu.address_space<workgroup>>) {
      scf.for %u = ... iter_args(...) {
        nvgpu.device_async_copy %w[...], %smem[...], 4 {bypassL1} : ...   // the next unit
        nvvm.cp.async.commit.group
        nvvm.cp.async.wait.group 1
        %b = vector.load %smem[...] : memref<8192xi32, #gpu.address_space<workgroup>>, vector<4xi32>
        ... nvvm.mma.sync A[...] B[...] C[...] {shape = #nvvm.shape<m = 16, n = 8, k = 16>, ...}
      }
      gpu.barrier
      memref.atomic_rmw addf %v, %y[%row, %col] : (f32, memref<2x64xf32>) -> f32
    }
    ```
  }];
  let options = [
    Option<"sharedX", "shared-x", "bool", /*default=*/"false",
           "With at least four 64-column tiles, share x through shared "
           "memory and ldmatrix (default false: every warp reads its own "
           "x, measured faster on an H200 at batch 1 to 16)">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def QCGPUW8A8Gemm : Pass<"qc-gpu-w8a8-gemm", "ModuleOp"> {
  let summary = "Lower W8A8 integer matrix products to an int8 tensor-core "
                "kernel on packed weights";
  let description = [{
    Runs after bufferization, before `qc-gpu-place-constants`. Each
    `linalg.generic` tagged `qc.ukernel = "matmul_u8s8s32"` (what
    `convert-qc-to-linalg{integer-contractions}` makes of a W8A8 matrix product:
    `acc[m][n] += zext(x[m][k]) * sext(w[n][k])`, u8 activations, a
    constant s8 weight [N][K], i32 sums into a zero-filled `acc`) becomes
    a `gpu.launch` of a warp-level kernel on `nvvm.mma.sync` m16n8k32 with
    u8 A, s8 B and s32 accumulators. The products and sums are exact, so
    the kernel computes the reference evaluator's integers (and, where its
    blocks own their tiles, the requantizing epilogue after the generic;
    see below).

    The kernel shares the W4A16 kernel's skeleton
    (lib/Target/CUDA/StreamKGemm.h):

    - the weights are packed at compile time in the order of the mma's B
      fragments (four 128-bit chunks per lane and 32-deep step of a
      64-column tile; a warp reads 512 contiguous bytes per chunk) and
      double-buffered per warp in shared memory with `cp.async`;
    - A fragments are 32-bit loads of four consecutive u8 activations or,
      with `shared-x` and at least four column tiles, `ldmatrix` loads
      from a slice of x the block copied once into shared memory, its
      warps taking a tile each of a group of four (as in
      qc-gpu-w4a16-gemm);
    - stream-K over (64-column tile, 64-deep unit) items on one wave of at
      most 528 4-warp blocks (grid z: 16-row tiles); the block sums its
      warps in shared memory and adds the result to `acc` with integer
      atomics, so the split does not change the result;
    - when every block covers whole tiles (convolutions, small products),
      the block stores its final sums instead and the zero fill of `acc`
      goes; the requantizing epilogue after the GEMM (with what elementwise
      fusion merged into it) then runs in the kernel on each sum when it
      can (lib/Target/CUDA/Epilogue.h: `acc` read once through strided
      sums of loops, no other reader, no memory shared with the GEMM's
      inputs; a fill between the two, the padding of the next layer's
      input, moves before the GEMM), so `acc` is not written at all.

    K that is not a multiple of 32 is padded with zero weights (and x's
    groups of four past K read as zeros). A generic the kernel cannot take
    (K not a multiple of 4, a weight that is not a constant global, strided
    operands, more than 65535 16-row tiles) is left alone, and
    `qc-gpu-distribute` lowers it like any loop nest.

    Before:
    ```mlir
    %w = memref.get_global @w : memref<64x128xi8>
    linalg.generic {...} ins(%x, %w : memref<2x128xi8>, memref<64x128xi8>)
        outs(%acc : memref<2x64xi32>) attrs = {qc.ukernel = "matmul_u8s8s32"} {...}
    ```
    After:
    ```mlir
    %w = memref.get_global @__qc_w8a8_weights : memref<2048xi32>
    gpu.launch blocks(%bx, %by, %mt) in (%c1, %c1, %c1) threads(%tid, ...) in (%c128, %c1, %c1)
        workgroup(%smem : memref<8192xi32, #gpu.address_space<workgroup>>) {
      scf.for %u = ... iter_args(...) {
        nvgpu.device_async_copy %w[...], %smem[...], 4 {bypassL1} : ...   // the next unit
        nvvm.cp.async.commit.group
        nvvm.cp.async.wait.group 1
        %a = vector.load %x[...] : memref<2x128xi8>, vector<4xi8>
        %b = vector.load %smem[...] : memref<8192xi32, #gpu.address_space<workgroup>>, vector<4xi32>
        ... nvvm.mma.sync A[...] B[...] C[...] {intOverflowBehavior = #nvvm.mma_int_overflow<wrapped>,
              multiplicandAPtxType = #nvvm.mma_type<u8>, multiplicandBPtxType = #nvvm.mma_type<s8>,
              shape = #nvvm.shape<m = 16, n = 8, k = 32>, ...}
      }
      gpu.barrier
      memref.atomic_rmw addi %v, %acc[%row, %col] : (i32, memref<2x64xi32>) -> i32
    }
    ```
  }];
  let options = [
    Option<"sharedX", "shared-x", "bool", /*default=*/"false",
           "With at least four 64-column tiles, share x through shared "
           "memory and ldmatrix (default false: every warp reads its own "
           "x, measured faster on an H200 at batch 1 to 16)">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def QCGPUHadamard : Pass<"qc-gpu-hadamard", "ModuleOp"> {
  let summary = "Lower the online Hadamard rotation to a shared-memory fast "
                "Walsh-Hadamard transform kernel";
  let description = [{
    Runs after bufferization, before `qc-gpu-distribute`. Each
    `linalg.generic` tagged `qc.ukernel = "fwht_f32"` (what
    `convert-qc-to-linalg{fwht-kernel}` makes of a `qc.hadamard` with a
    block n of 2 to 8192: `y[r][i] += x[r][j] * (popcount(i & j) odd ? -1 :
    1) / sqrt(n)` over the rows [rows][n] into a zero-filled `y`) becomes a
    `gpu.launch` of a kernel that transforms whole rows in shared memory:

    - a block of up to 256 threads copies 512 consecutive elements (or one
      row, for blocks above 512) into shared memory, coalesced;
    - log2(n) butterfly stages separated by barriers: in stage h each
      thread replaces its pairs (j, j + h), j = (p / h) 2h + p % h, by
      their sum and difference;
    - the block writes the result times 1/sqrt(n) to `y`, coalesced.

    The tensor is read and written once, instead of once per stage as with
    the butterfly generics of the target-independent lowering, and the
    operations are the reference evaluator's in its order: the result is
    the same to the bit. The zero fill of `y` before the generic goes with
    it. A generic the kernel cannot take (strided or dynamic operands, a
    block that is not a power of two or above 8192) is left alone, and
    `qc-gpu-distribute` lowers it like any loop nest.

    Before:
    ```mlir
    linalg.fill ins(%zero : f32) outs(%y : memref<12x256xf32>)
    linalg.generic {...} ins(%x : memref<12x256xf32>) outs(%y : memref<12x256xf32>)
        attrs = {qc.ukernel = "fwht_f32"} {...}
    ```
    After:
    ```mlir
    %xf = memref.collapse_shape %x [[0, 1]] : memref<12x256xf32> into memref<3072xf32>
    %yf = memref.collapse_shape %y [[0, 1]] : memref<12x256xf32> into memref<3072xf32>
    gpu.launch blocks(%bx, %by, %bz) in (%c6, %c1, %c1) threads(%tid, ...) in (%c256, %c1, %c1)
        workgroup(%s : memref<512xf32, #gpu.address_space<workgroup>>) {
      scf.for %q = %c0 to %c2 step %c1 { ... memref.store %v, %s[%i] ... }
      gpu.barrier
      scf.for %q = %c0 to %c1 step %c1 {   // stage h = 1
        %lo = memref.load %s[%j] ...   %hi = memref.load %s[%jh] ...
        memref.store %sum, %s[%j] ...  memref.store %diff, %s[%jh] ...
      }
      gpu.barrier
      ...                                  // h = 2 .. 128
      scf.for %q = %c0 to %c2 step %c1 { ... memref.store %scaled, %yf[%g] ... }
      gpu.terminator
    }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // QUANTC_TARGET_CUDA_PASSES

//===- Passes.td - CPU code generation passes ----------------*- tablegen -*-===//

#ifndef QUANTC_TARGET_CPU_PASSES
#define QUANTC_TARGET_CPU_PASSES

include "mlir/Pass/PassBase.td"

def QCPrepareEntry : Pass<"qc-prepare-entry", "ModuleOp"> {
  let summary = "Turn the model's function into the destination-passing "
                "entry point the runtime calls";
  let description = [{
    The model's only public function (`@main` after import), on tensors,
    returns its outputs. The runtime instead hands the model one buffer per
    output, so this pass rewrites the function into
    `@qc_model_entry(inputs..., outputs: memref..., ctx: !llvm.ptr)`: each
    result is written into its output buffer with
    `bufferization.materialize_in_destination` (which one-shot
    bufferization turns into writing in place, without a copy, whenever the
    producer allows), and `ctx` is the runtime's `qrt_exec_ctx` (thread
    pool, scratch) for later passes. Argument and result attributes move to
    the new arguments.

    Before:
    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = linalg.generic ... ins(%x) ...
      return %0 : tensor<4xf32>
    }
    ```
    After:
    ```mlir
    func.func @qc_model_entry(%x: tensor<4xf32>, %out0: memref<4xf32>, %ctx: !llvm.ptr) {
      %0 = linalg.generic ... ins(%x) ...
      bufferization.materialize_in_destination %0 in restrict writable %out0 : (tensor<4xf32>, memref<4xf32>) -> ()
      return
    }
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def QCPlanMemory : Pass<"qc-plan-memory", "func::FuncOp"> {
  let summary = "Place every intermediate buffer in one static arena";
  let description = [{
    After bufferization every intermediate tensor is a statically shaped
    `memref.alloc`. This pass computes each allocation's live range in the
    function's body (from the allocation to the last use of it or of any
    view of it), packs the allocations into one arena by first-fit in
    decreasing size, so buffers whose lives do not overlap share memory, and
    replaces each allocation by a `memref.view` into a new trailing
    function argument `%arena: memref<Nxi8>`. Deallocations are erased. The
    arena size is recorded as the function attribute `qc.arena_size` (bytes)
    so the runtime can allocate it once per model.

    Before:
    ```mlir
    func.func @f(%x: memref<64xf32>) {
      %a = memref.alloc() : memref<64xf32>
      ...
    }
    ```
    After:
    ```mlir
    func.func @f(%x: memref<64xf32>, %arena: memref<256xi8>) attributes {qc.arena_size = 256 : i64} {
      %c0 = arith.constant 0 : index
      %a = memref.view %arena[%c0][] : memref<256xi8> to memref<64xf32>
      ...
    }
    ```
    Allocations that are not statically shaped, or not in the function's
    entry block, are reported as errors.

    With `gemm-epilogues` (the CUDA target), the inputs of the GEMM generics
    of the tensor-core kernels (`qc.ukernel = "matmul_u8s8s32"` and
    `"gemv_w4_f32"`) stay live until the next generic after the GEMM: the
    kernel may compute that generic (the GEMM's epilogue) in its own launch
    while it still reads its inputs, so the epilogue's output and the
    fills before it must not share their memory.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the arena">,
    Option<"gemmEpilogues", "gemm-epilogues", "bool", /*default=*/"false",
           "Keep the inputs of the tensor-core GEMM generics live until the "
           "next generic, which the CUDA kernels may fuse (CUDA)">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numBuffers", "num-buffers", "Number of buffers placed">,
    Statistic<"unsharedBytes", "unshared-bytes",
              "Bytes the buffers would take without sharing">,
    Statistic<"arenaBytes", "arena-bytes", "Bytes of the arena">,
  ];
}

def QCOutlineParallelLoops : Pass<"qc-outline-parallel-loops", "ModuleOp"> {
  let summary = "Outline the entry function's parallel loop nests into "
                "tasks for the runtime's thread pool";
  let description = [{
    Every top-level `scf.parallel` of `@qc_model_entry` with constant bounds
    and enough work becomes a private task function
    `@qc_task_N(captured values..., %begin: index, %end: index)` that runs the
    linearized iterations `[begin, end)`, and the loop is replaced by a call
    to a declaration `@qc_parallel_N(%ctx, %n, %grain, captured values...)`
    tagged `qc.task = @qc_task_N`. After lowering to LLVM,
    `qc-lower-parallel-calls` turns that call into a call of the runtime's
    `parallel_for` (from the `qrt_exec_ctx` argument) with a trampoline that
    unpacks the captured values. Loops with less work than `min-work`
    scalar iterations stay serial. Only the leading dimensions whose
    iterations reach 64 are linearized into the task range; the remaining
    (inner) dimensions stay `scf.for` loops inside each iteration, so the
    innermost, usually contiguous, dimension keeps a counted loop without a
    division per element, which LLVM vectorizes.

    Before:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c64, %c128) step (%c1, %c1) {
      ... uses %buf ...
    }
    ```
    After:
    ```mlir
    func.call @qc_parallel_0(%ctx, %c8192, %c16, %buf) : (...) -> ()
    func.func private @qc_task_0(%buf: memref<...>, %begin: index, %end: index) {
      scf.for %l = %begin to %end step %c1 { %i = %l / 128; %j = %l % 128; ... }
    }
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"32768",
           "Scalar iterations below which a loop nest stays serial">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

def QCLowerParallelCalls : Pass<"qc-lower-parallel-calls", "ModuleOp"> {
  let summary = "Lower qc_parallel calls to the runtime's parallel_for";
  let description = [{
    Runs on the LLVM dialect (after `convert-func-to-llvm` with bare-pointer
    memrefs). Each `llvm.call @qc_parallel_N(%ctx, %n, %grain, %captures...)`
    whose callee is tagged `qc.task = @qc_task_N` becomes: an `llvm.alloca`d
    struct holding the captured values, a load of `parallel_for` and `pool`
    from the `qrt_exec_ctx` that `%ctx` points to, and an indirect call
    `parallel_for(pool, n, grain, @qc_trampoline_N, struct)`. The generated
    trampoline `void (ptr args, i64 begin, i64 end, i32 thread)` unpacks the
    struct and calls `@qc_task_N`. See runtime/include/qrt/model_abi.h for
    the ABI.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def QCTileAndDistribute : Pass<"qc-cpu-tile-and-distribute", "func::FuncOp"> {
  let summary = "Tile linalg ops on tensors into scf.forall tasks";
  let description = [{
    Splits each top-level `linalg.generic` of a function (on tensors, before
    bufferization) into an `scf.forall` of about `tasks` tiles along one
    parallel dimension, so that after bufferization
    (`scf-forall-to-parallel`, `qc-outline-parallel-loops`) each tile is a
    task on the runtime's thread pool. Microkernel GEMMs (`qc.ukernel =
    "mmt4d_*"`, `"conv2d_*"`) are split along the larger of
    their M1/N1 tile dimensions, depthwise convolutions
    (`"dwconv2d_acc_f32"`) along channels (both keep `qc.conv_geometry`),
    int4 GEMVs (`"gemv_w4_f32"`, keeping `qc.w4_group`) along output
    channels in multiples of 4 (the kernel's row blocks);
    other generics along their outermost parallel dimension with more than
    one iteration. Ops with fewer than `min-elements` result elements stay
    whole, unless they are microkernel ops with at least 64 x `min-elements`
    iterations (multiply-adds: a matrix-vector product).

    Before:
    ```mlir
    %0 = linalg.generic {..., iterator_types = ["parallel", "parallel"]}
        ins(%a : tensor<64x128xf32>) outs(%e : tensor<64x128xf32>) {...}
    ```
    After (`tasks=16`):
    ```mlir
    %0 = scf.forall (%i) = (0) to (64) step (4) shared_outs(%o = %e) {
      %t = linalg.generic ... ins(%a[%i, 0] [4, 128] ...) ...
      scf.forall.in_parallel { tensor.parallel_insert_slice %t into %o[%i, 0] [4, 128] [1, 1] }
    }
    ```
  }];
  let options = [
    Option<"tasks", "tasks", "int64_t", /*default=*/"16",
           "Number of tiles to split an op into">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"8192",
           "Result elements below which an op is not split">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect"];
}

def QCFuseElementwise : Pass<"qc-cpu-fuse-elementwise", "func::FuncOp"> {
  let summary = "Fuse elementwise linalg ops, keeping microkernel ops intact";
  let description = [{
    Upstream's elementwise fusion (producer into consumer, and reshape
    propagation) with one restriction: an op tagged `qc.ukernel` is neither
    fused into its consumers nor has producers fused into it, so its
    operands keep the packed layout the microkernel expects, and a producer
    is fused into a reduction only when the reduction reads each of its
    elements once (no recomputation, e.g. of a softmax's exponentials inside
    the following matmul). Likewise a producer that computes anything is
    not fused into a consumer that reads its elements through a
    non-permutation map (a broadcast, or a nearest upsampling's `floordiv`),
    which would redo its work for every consumer element; pure copies (the
    upsampling's gather itself) still fuse. `tensor.pad`
    is decomposed into `linalg.fill` + `tensor.insert_slice`, so that
    empty-tensor elimination can make the padded value's producer write
    into the padded buffer directly.

    Before:
    ```mlir
    %a = linalg.generic {iterator_types = ["parallel"]} ins(%x) ... { exp }
    %b = linalg.generic {iterator_types = ["parallel"]} ins(%a) ... { mul }
    ```
    After:
    ```mlir
    %b = linalg.generic {iterator_types = ["parallel"]} ins(%x) ... { exp; mul }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::affine::AffineDialect"];
}

def QCLowerLinalgToLoops : Pass<"qc-cpu-lower-linalg-to-loops", "func::FuncOp"> {
  let summary = "Lower linalg ops on memrefs to loops, in the order each op "
                "asks for";
  let description = [{
    Like `convert-linalg-to-parallel-loops` (parallel dimensions become one
    `scf.parallel`, reductions inner `scf.for` loops), except for ops tagged
    `qc.loop_order = "sequential"`: those become `scf.for` loops in their
    dimension order, so an op can keep a contiguous parallel dimension
    innermost, inside its reductions, where LLVM vectorizes it (e.g. a
    depthwise convolution iterating `(c, oh, kh, kw, ow)`). Afterwards a
    reduction loop's accumulator (a load and a store of the same output
    element in each iteration, at loop-invariant indices) becomes a loop
    iter_arg, so LLVM keeps it in a register and can vectorize the
    reduction (quantc/Target/LoopUtils.h, shared with qc-gpu-distribute).

    Before:
    ```mlir
    linalg.generic {qc.loop_order = "sequential", iterator_types = ["parallel", "reduction", "parallel"]} ...
    ```
    After:
    ```mlir
    scf.for %i ... { scf.for %k ... { scf.for %j ... { ... } } }
    ```
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::affine::AffineDialect"];
}

def QCVectorizeLoops : Pass<"qc-cpu-vectorize-loops"> {
  let summary = "Vectorize the innermost dimension of innermost scf.parallel "
                "loops with contiguous or strided accesses";
  let description = [{
    The last dimension of every innermost `scf.parallel` (no parallel loops
    inside) steps by one vector of `W` elements when its body is made of
    `memref.load`/`memref.store` whose last index is that induction variable
    and whose other indices do not depend on it (on memrefs with a unit
    innermost stride), elementwise-mappable ops (arith, math) on integer
    and float scalars, and `scf.for` window loops (pooling). Values that do
    not depend on the induction variable stay scalar and are broadcast
    where a vector op uses them (values from outside the loop once, at the
    start of its body).

    Window loops need bounds that do not vary; their loop-carried values
    become vectors when their initial value varies or the body makes them
    vary (a sum that starts at 0), and they may not store. A load may also
    step by a constant stride c (2 to 4): its last index an `affine.apply`
    of `c * iv` plus terms that do not vary (`2 * ow + kw`). It reads the
    `c * (W - 1) + 1` elements its lanes span with one masked load (never
    past the last lane's element) and keeps every c-th (`vector.shuffle`). `W` is
    `vector-bits` divided by the widest element type in the body, at most
    `max-width`; loops of fewer than 4 iterations stay scalar. When the trip
    count is not a multiple of `W`, every step's loads and stores are masked
    to the lanes below the upper bound (a strided load to the elements of
    those lanes; `vector.create_mask`,
    `vector.maskedload`/`maskedstore`; masked-off lanes compute on zeros, so
    a body with an integer division then stays scalar). A vectorized loop
    carries `qc.vector_width = W`, which `qc-outline-parallel-loops` counts
    as W iterations of work per step.

    The parallel loop states that its iterations are independent, so no
    alias analysis is needed; LLVM's vectorizers, given the scalar loops,
    fully unroll short inner loops (the 16 columns of a GEMM tile) and then
    vectorize the next loop out with gathers and scatters, or give up for
    lack of runtime alias checks on the arena's views.

    Before:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c100) step (%c1, %c1) {
      %x = memref.load %in[%i, %j] : memref<8x100xi32>
      %s = memref.load %scale[%i] : memref<8xf32>
      %f = arith.sitofp %x : i32 to f32
      %y = arith.mulf %f, %s : f32
      memref.store %y, %out[%i, %j] : memref<8x100xf32>
    }
    ```
    After:
    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c8, %c100) step (%c1, %c16) {
      %left = arith.subi %c100, %j : index
      %m = vector.create_mask %left : vector<16xi1>
      %x = vector.maskedload %in[%i, %j], %m, %zeros : memref<8x100xi32>, vector<16xi1>, vector<16xi32> into vector<16xi32>
      %s = memref.load %scale[%i] : memref<8xf32>
      %f = arith.sitofp %x : vector<16xi32> to vector<16xf32>
      %b = vector.broadcast %s : f32 to vector<16xf32>
      %y = arith.mulf %f, %b : vector<16xf32>
      vector.maskedstore %out[%i, %j], %m, %y : memref<8x100xf32>, vector<16xi1>, vector<16xf32>
    } {qc.vector_width = 16 : i64}
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "int64_t", /*default=*/"512",
           "Bits of one vector (the element count follows from the widest "
           "element type in the loop body)">,
    Option<"maxWidth", "max-width", "int64_t", /*default=*/"16",
           "Most elements in one vector">,
  ];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::arith::ArithDialect"];
}

def QCApproximateMath : Pass<"qc-cpu-approximate-math"> {
  let summary = "Replace transcendental math ops by vectorizable polynomials";
  let description = [{
    `math.exp`, `math.log`, `math.tanh`, `math.erf`, `math.sin`, ... lower to
    libm calls, which LLVM cannot vectorize. This pass rewrites them with
    upstream's polynomial approximations (a few ulp of error in f32) into
    plain `arith` operations that vectorize with the surrounding loop.

    Before:
    ```mlir
    %y = math.exp %x : f32
    ```
    After:
    ```mlir
    %y = ... arith.mulf / arith.addf / arith.select ... : f32  (no math.exp)
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def QCLowerToUkernels : Pass<"qc-cpu-lower-to-ukernels", "ModuleOp"> {
  let summary = "Replace tagged linalg ops on memrefs by microkernel calls";
  let description = [{
    After bufferization, a `linalg.generic` tagged `qc.ukernel =
    "mmt4d_f32"` (on memrefs, possibly subviews of a tile) becomes a call of
    the runtime microkernel `qrt_ukernel_mmt4d_f32` (runtime/kernels), with
    the operands' base pointers, outer strides and tile counts; likewise
    `"mmt4d_u8s8s32"` (u8 activations x s8 weights) and `"mmt4d_s8u8s32"`
    (s8 weights x u8 activations, whose result is NCHW). The call
    accumulates, which is what the generic computes, unless the accumulator
    is zero-filled only for the GEMMs (the fill, also one split into tasks,
    is dropped and the calls overwrite). A generic tagged
    `"conv2d_im2col_s8u8s32"` (a W8A8 convolution's GEMM reading the
    zero-point-padded u8 input through an im2col map; geometry in
    `qc.conv_geometry` = [C, Hp, Wp, KH, KW, OH, OW, sh, sw, dh, dw]) becomes
    a call of `qrt_ukernel_conv2d_im2col_s8u8s32` for the pixel tiles of its
    output view (the view's offset gives the first pixel), which packs the
    columns chunk by chunk in L2, and one tagged `"conv2d_direct_s8u8s32"`
    (the same with the weights' taps outer, for stride 1 in width and
    output rows of 16 pixels) a call of `qrt_ukernel_conv2d_direct_s8u8s32`
    (implicit GEMM, no im2col); one tagged `"dwconv2d_acc_f32"` (a
    depthwise convolution on its padded input, accumulating into its
    output) a call of `qrt_ukernel_dwconv2d_acc_f32` for the channels of its
    view, and one tagged `"dwconv2d_acc_u8s8s32"` (the same in int32 on a
    u8 input and s8 weights) a call of `qrt_ukernel_dwconv2d_acc_u8s8s32`,
    which, like the GEMMs, overwrites a zero-filled accumulator instead of
    accumulating (if such a generic stays loops, it gets its zero fill
    back). A generic tagged `"gemv_w4_f32"` (an f32 x int4-weight matrix
    product, see `convert-qc-to-linalg`; group size in `qc.w4_group`) whose
    unpacked weights, scales and zero points are constant globals has them
    packed here, at compile time, by the runtime's `qrt_ukernel_pack_w4`
    into one 64-byte aligned global (two weights per byte) that replaces
    them, and becomes a call of `qrt_ukernel_gemv_w4_f32` for the output
    channels of its view (overwriting a zero-filled accumulator, like the
    GEMMs). A generic tagged `"mmt4d_f32_wq"` (an f32 GEMM whose weight
    operand holds packed 2- or 4-bit weights; `qc.wq` = [weight operand (0:
    LHS, 1: RHS), bits, group]) becomes a call of
    `qrt_ukernel_mmt4d_f32_wq` on its views, with the scales' and zero
    points' views (a missing or malformed `qc.wq` is an error). If an input
    is not dense (or, for the int4 GEMV, not a constant global), the
    generic stays. Without
    this pass the generics lower to loops (the generated fallback).

    Before:
    ```mlir
    linalg.generic {qc.ukernel = "mmt4d_f32", ...}
        ins(%lhs, %rhs : memref<4x8x16x1xf32>, memref<2x8x16x1xf32, strided<...>>)
        outs(%out : memref<4x2x16x16xf32, strided<...>>)
    ```
    After:
    ```mlir
    %r = func.call @qrt_ukernel_mmt4d_f32(%lp, %ls, %rp, %rs, %op, %os, %m1, %n1, %k1, %c16, %c16, %c1, %flags)
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::func::FuncDialect"];
}

#endif // QUANTC_TARGET_CPU_PASSES

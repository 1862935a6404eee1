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
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", /*default=*/"64",
           "Byte alignment of every buffer in the arena">,
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
    scalar iterations stay serial.

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

#endif // QUANTC_TARGET_CPU_PASSES

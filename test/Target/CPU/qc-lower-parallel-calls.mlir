// RUN: quant-opt %s -qc-lower-parallel-calls -split-input-file -verify-diagnostics | FileCheck %s

// The placeholder call becomes ctx->parallel_for(pool, n, grain, trampoline,
// args) with the captured values stored in a stack struct; the trampoline
// unpacks them and calls the task.
// CHECK-LABEL: llvm.func @qc_model_entry(
// CHECK-SAME:    %[[BUF:.*]]: !llvm.ptr, %[[CTX:.*]]: !llvm.ptr)
// CHECK:         %[[ARGS:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, i64)>
// CHECK:         llvm.store %[[BUF]]
// CHECK:         llvm.store
// CHECK:         %[[FNP:.*]] = llvm.getelementptr %[[CTX]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, ptr)>
// CHECK:         %[[FN:.*]] = llvm.load %[[FNP]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[POOLP:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK:         %[[POOL:.*]] = llvm.load %[[POOLP]]
// CHECK:         %[[T:.*]] = llvm.mlir.addressof @qc_trampoline_0
// CHECK:         llvm.call %[[FN]](%[[POOL]], %{{.*}}, %{{.*}}, %[[T]], %[[ARGS]])
// CHECK-NOT:     @qc_parallel_0
// CHECK:       llvm.func @qc_trampoline_0(%[[A:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64, %{{.*}}: i32)
// CHECK:         llvm.load
// CHECK:         llvm.load
// CHECK:         llvm.call @qc_task_0(%{{.*}}, %{{.*}}, %[[B]], %[[E]])
llvm.func @qc_task_0(%buf: !llvm.ptr, %k: i64, %b: i64, %e: i64) {
  llvm.return
}
llvm.func @qc_parallel_0(!llvm.ptr, i64, i64, !llvm.ptr, i64) attributes {qc.task = @qc_task_0}
llvm.func @qc_model_entry(%buf: !llvm.ptr, %ctx: !llvm.ptr) {
  %n = llvm.mlir.constant(128 : i64) : i64
  %g = llvm.mlir.constant(16 : i64) : i64
  %k = llvm.mlir.constant(7 : i64) : i64
  llvm.call @qc_parallel_0(%ctx, %n, %g, %buf, %k) : (!llvm.ptr, i64, i64, !llvm.ptr, i64) -> ()
  llvm.return
}

// -----

llvm.func @qc_parallel_1(!llvm.ptr, i64, i64) attributes {qc.task = @qc_task_missing}
llvm.func @entry(%ctx: !llvm.ptr) {
  %n = llvm.mlir.constant(128 : i64) : i64
  // expected-error @+1 {{parallel task @qc_task_missing not found}}
  llvm.call @qc_parallel_1(%ctx, %n, %n) : (!llvm.ptr, i64, i64) -> ()
  llvm.return
}

//===- Passes.h - CPU code generation ------------------------------*- C++
//-*-===//

#ifndef QUANTC_TARGET_CPU_PASSES_H
#define QUANTC_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::qc {

#define GEN_PASS_DECL
#include "quantc/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Target/CPU/Passes.h.inc"

/// The name of the function the runtime calls.
inline constexpr StringLiteral kEntryName = "qc_model_entry";

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<bool> dataTiling{
      *this, "data-tiling",
      llvm::cl::desc("Contractions as packed mmt4d tiles with microkernel "
                     "calls (else plain loops)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> threads{
      *this, "threads",
      llvm::cl::desc("Split ops into tasks for the runtime's thread pool"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> gpuForms{
      *this, "gpu-forms",
      llvm::cl::desc("Without data tiling: lower contractions to the forms "
                     "the CUDA kernels take (int4 GEMV and integer W8A8 "
                     "GEMM generics), run as loops, so that the CPU checks "
                     "them against the reference evaluator"),
      llvm::cl::init(false)};
};

/// The target-independent front half of code generation, shared by the CPU
/// and CUDA pipelines: convert-qc-to-linalg (packed mmt4d tiles when
/// `dataTiling`; with `gpuKernels`, the tagged int4-weight GEMV, integer
/// W8A8 GEMM and FWHT generics of the CUDA kernels), elementwise
/// fusion, task tiling when `threads`,
/// qc-prepare-entry, one-shot bufferization with identity layouts, and
/// qc-plan-memory (one arena).
void buildGraphToBuffersPipeline(OpPassManager &pm, bool dataTiling,
                                 bool threads, bool gpuKernels = false);

/// Memrefs, arith, index, func (bare pointers: the entry's ABI) and cf to
/// the LLVM dialect, shared by the host code of both targets.
void addHostToLLVMPasses(OpPassManager &pm);

/// qc graph on tensors -> LLVM dialect: convert-qc-to-linalg, fusion,
/// bufferization, qc-prepare-entry, qc-plan-memory, loops, LLVM.
void buildCPUCodegenPipeline(OpPassManager &pm,
                             const CPUPipelineOptions &options);

/// Registers the dialects and external interface models (bufferization,
/// LLVM IR translation, ...) that the CPU pipeline needs.
void registerCPUCodegenDialects(DialectRegistry &registry);

/// Registers `qc-cpu-codegen-pipeline` with quant-opt.
void registerCPUPipelines();

} // namespace mlir::qc

#endif // QUANTC_TARGET_CPU_PASSES_H

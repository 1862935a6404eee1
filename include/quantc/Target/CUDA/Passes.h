//===- Passes.h - CUDA code generation -------------------------*- C++ -*-===//

#ifndef QUANTC_TARGET_CUDA_PASSES_H
#define QUANTC_TARGET_CUDA_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir::qc {

#define GEN_PASS_DECL
#include "quantc/Target/CUDA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "quantc/Target/CUDA/Passes.h.inc"

/// The function that copies the model's constants into its device arena.
inline constexpr StringLiteral kUploadName = "qc_model_upload";

struct CUDAPipelineOptions : public PassPipelineOptions<CUDAPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("GPU architecture (sm_80, sm_90, ...)"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("PTX ISA version as a feature"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Kernel format: fatbin (cubin and PTX), bin (cubin), "
                     "isa (PTX text), or none (stop at the NVVM dialect)"),
      llvm::cl::init("fatbin")};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit (ptxas, fatbinary, libdevice)"),
      llvm::cl::init("/usr/local/cuda")};
  PassOptions::Option<int64_t> blockSize{*this, "block-size",
                                         llvm::cl::desc("Threads per block"),
                                         llvm::cl::init(256)};
  PassOptions::Option<bool> sharedX{
      *this, "shared-x",
      llvm::cl::desc("Tensor-core GEMMs with at least four column tiles "
                     "share x through shared memory and ldmatrix "
                     "(measured slower on an H200; docs/cuda.md)"),
      llvm::cl::init(false)};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level", llvm::cl::desc("NVPTX optimization level"),
      llvm::cl::init(3)};
};

/// qc graph on tensors -> host LLVM dialect plus gpu.binary kernels:
/// convert-qc-to-linalg, fusion, qc-prepare-entry, bufferization,
/// qc-plan-memory, qc-gpu-place-constants, parallel loops,
/// qc-gpu-distribute, outlining, NVVM, gpu-module-to-binary.
void buildCUDACodegenPipeline(OpPassManager &pm,
                              const CUDAPipelineOptions &options);

/// Registers `qc-cuda-codegen-pipeline` with quant-opt.
void registerCUDAPipelines();

/// Registers the NVVM target and GPU-to-LLVM translation interfaces.
void registerCUDACodegenDialects(DialectRegistry &registry);

} // namespace mlir::qc

#endif // QUANTC_TARGET_CUDA_PASSES_H

//===- Pipeline.cpp - qc graph to LLVM dialect for the CPU ----------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Target/CPU/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::qc;

void mlir::qc::buildGraphToBuffersPipeline(OpPassManager &pm, bool dataTiling,
                                           bool threads, bool gpuKernels) {
  // Graph level: qc -> linalg on tensors, fuse elementwise chains.
  ConvertQCToLinalgOptions conversion;
  conversion.dataTiling = dataTiling;
  conversion.packedW4 = gpuKernels;
  conversion.integerContractions = gpuKernels;
  conversion.fwhtKernel = gpuKernels;
  pm.addPass(createConvertQCToLinalg(conversion));
  // No CSE here: merged tensor.empty/linalg.fill inits would force copies
  // in bufferization.
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQCFuseElementwise());
  pm.addPass(createCanonicalizerPass());
  // Before tiling: producers of padded values get the padded buffer's
  // interior as their destination (forall results are not traced).
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  if (threads)
    pm.addNestedPass<func::FuncOp>(createQCTileAndDistribute());
  pm.addPass(createQCPrepareEntry());

  // Buffers: one-shot bufferization with identity layouts at the function
  // boundary (the runtime passes plain row-major buffers), then one arena.
  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  bufferization.unknownTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  // Identical subviews from forall's parallel_insert_slice become self
  // copies once CSE'd, which canonicalization removes.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  QCPlanMemoryOptions plan;
  plan.gemmEpilogues = gpuKernels;
  pm.addNestedPass<func::FuncOp>(createQCPlanMemory(plan));
}

void mlir::qc::addHostToLLVMPasses(OpPassManager &pm) {
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  ConvertFuncToLLVMPassOptions funcOptions;
  funcOptions.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcOptions));
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::qc::buildCPUCodegenPipeline(OpPassManager &pm,
                                       const CPUPipelineOptions &options) {
  buildGraphToBuffersPipeline(pm, options.dataTiling, options.threads,
                              !options.dataTiling && options.gpuForms);
  if (options.dataTiling)
    pm.addPass(createQCLowerToUkernels());
  pm.addPass(createForallToParallelLoopPass());

  // Loops, then LLVM.
  pm.addNestedPass<func::FuncOp>(createQCLowerLinalgToLoops());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createQCVectorizeLoops());
  pm.addPass(createQCOutlineParallelLoops());
  pm.addPass(createQCApproximateMath());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  addHostToLLVMPasses(pm);
  pm.addPass(createQCLowerParallelCalls());
  pm.addPass(createCanonicalizerPass());
}

void mlir::qc::registerCPUPipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "qc-cpu-codegen-pipeline",
      "Lower a qc graph on tensors to the LLVM dialect for the CPU: "
      "convert-qc-to-linalg, elementwise fusion, qc-prepare-entry, one-shot "
      "bufferization, qc-plan-memory, loops, LLVM",
      buildCPUCodegenPipeline);
}

void mlir::qc::registerCPUCodegenDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
}

//===- Pipeline.cpp - qc graph to host LLVM + CUDA kernels ----------------===//
//
// The target-independent front half is the CPU pipeline's (qc-to-linalg,
// fusion, qc-prepare-entry, bufferization, qc-plan-memory); the back half
// places constants in the device arena, maps loop nests to GPU threads and
// lowers kernels through NVVM to PTX/cubin with upstream passes.
//
//===----------------------------------------------------------------------===//

#include "quantc/Conversion/Passes.h"
#include "quantc/Target/CPU/Passes.h"
#include "quantc/Target/CUDA/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::qc;

void mlir::qc::buildCUDACodegenPipeline(OpPassManager &pm,
                                        const CUDAPipelineOptions &options) {
  // The CPU's front half, without data tiling (the packed mmt4d layouts
  // and microkernel calls are CPU specific) and task tiling; int4 weights
  // of matrix products stay packed and W8A8 matrix products stay integer
  // GEMMs for the tensor-core kernels, Hadamard rotations one generic for
  // the FWHT kernel.
  buildGraphToBuffersPipeline(pm, /*dataTiling=*/false, /*threads=*/false,
                              /*gpuKernels=*/true);
  pm.addPass(createQCGPUW4A16Gemm({options.sharedX}));
  pm.addPass(createQCGPUW8A8Gemm({options.sharedX}));
  pm.addPass(createQCGPUHadamard());
  pm.addPass(createQCGPUPlaceConstants());

  // Loop nests (parallel dimensions outermost), one launch per nest.
  QCGPUDistributeOptions distribute;
  distribute.blockSize = options.blockSize;
  pm.addNestedPass<func::FuncOp>(createQCGPUDistribute(distribute));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  // Constants and index math into the launches: kernels see static loop
  // bounds instead of parameters.
  pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  // The host's copies of workgroup globals that outlining moved into the
  // kernels' modules (the X slices of the tensor-core GEMMs).
  pm.addPass(createSymbolDCEPass());
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());

  // Kernels: NVVM.
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  // Kernels take bare pointers, like the host passes them (gpu-to-llvm
  // lowers a launch's memref operands with the host's convention): every
  // buffer here is a static, identity-layout view of the arena or an
  // argument.
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = true;
  // nvgpu (cp.async of the W4A16 kernel) first, on memrefs.
  kernels.addPass(createConvertNVGPUToNVVMPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());

  // Host: launches become mgpu* runtime calls; the entry keeps the CPU
  // path's bare-pointer convention.
  GpuToLLVMConversionPassOptions host;
  host.hostBarePtrCallConv = true;
  host.kernelBarePtrCallConv = true;
  pm.addPass(createGpuToLLVMConversionPass(host));
  addHostToLLVMPasses(pm);
  pm.addPass(createCanonicalizerPass());
  if (options.format != "none") {
    GpuModuleToBinaryPassOptions binary;
    binary.compilationTarget = options.format;
    // Explicit, so that libdevice (math functions) is linked and ptxas is
    // found without CUDA_HOME in the environment.
    binary.toolkitPath = options.toolkit;
    pm.addPass(createGpuModuleToBinaryPass(binary));
  }
}

void mlir::qc::registerCUDAPipelines() {
  PassPipelineRegistration<CUDAPipelineOptions>(
      "qc-cuda-codegen-pipeline",
      "Lower a qc graph on tensors to host LLVM dialect code that launches "
      "CUDA kernels: convert-qc-to-linalg, fusion, bufferization, "
      "qc-plan-memory, qc-gpu-place-constants, qc-gpu-distribute, NVVM, "
      "gpu-module-to-binary",
      buildCUDACodegenPipeline);
}

void mlir::qc::registerCUDACodegenDialects(DialectRegistry &registry) {
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
}

//===- Compile.h - compile a qc module into a CUDA model library -*- C++
//-*-===//

#ifndef QUANTC_TARGET_CUDA_COMPILE_H
#define QUANTC_TARGET_CUDA_COMPILE_H

#include "quantc/Target/CPU/Compile.h"

namespace mlir::qc {

struct CUDACompileOptions {
  /// GPU architecture of the cubin; the fatbin also carries PTX, which the
  /// driver compiles for newer GPUs.
  std::string chip = "sm_80";
  /// PTX ISA version (LLVM NVPTX feature).
  std::string features = "+ptx80";
  int64_t blockSize = 256;
  /// The tensor-core GEMMs share x through shared memory where they can
  /// (the kernel passes' shared-x option; off: measured slower on an H200,
  /// docs/cuda.md).
  bool sharedX = false;
  std::string producer = "quantc";
  bool keepIntermediates = false;
  bool verbose = false;
};

/// Lowers `module` (a qc graph on tensors; modified in place) with the CUDA
/// pipeline and links host code, kernels (fatbins) and the CUDA support code
/// into the model shared library `outputPath`. Needs ptxas and fatbinary
/// (CUDA toolkit at /usr/local/cuda) at compile time, no GPU.
LogicalResult compileForCUDA(ModuleOp module, const ModelInterface &interface,
                             const CUDACompileOptions &options,
                             StringRef outputPath);

/// Lowers `module` with the CUDA pipeline up to PTX and writes the PTX of
/// every kernel module to `outputPath`, each preceded by a
/// `// ---- kernel module @name` line.
LogicalResult writeCUDAKernelsPTX(ModuleOp module,
                                  const CUDACompileOptions &options,
                                  StringRef outputPath);

} // namespace mlir::qc

#endif // QUANTC_TARGET_CUDA_COMPILE_H

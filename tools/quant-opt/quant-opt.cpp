//===- quant-opt.cpp - quantc's mlir-opt ----------------------------------===//
//
// Runs quantc's passes and pipelines, and every upstream pass, on .mlir files.
//
//===----------------------------------------------------------------------===//

#include "qc/QCDialect.h"
#include "quantc/Conversion/Passes.h"
#include "quantc/Pipelines/Recipes.h"
#include "quantc/Target/CPU/Passes.h"
#include "quantc/Target/CUDA/Passes.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::qc::registerQCPasses();
  mlir::qc::registerQCConversionPasses();
  mlir::qc::registerQCCPUPasses();
  mlir::qc::registerCPUPipelines();
  mlir::qc::registerQCCUDAPasses();
  mlir::qc::registerCUDAPipelines();
  mlir::qc::registerRecipePipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::qc::registerCUDACodegenDialects(registry);
  registry.insert<mlir::qc::QCDialect>();

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "quantc optimizer driver\n", registry));
}

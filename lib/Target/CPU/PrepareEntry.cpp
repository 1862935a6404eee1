//===- PrepareEntry.cpp - destination-passing entry point -----------------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/IR/Builders.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCPREPAREENTRY
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
struct QCPrepareEntryPass : qc::impl::QCPrepareEntryBase<QCPrepareEntryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> publics;
    for (auto f : module.getOps<func::FuncOp>())
      if (f.isPublic() && !f.isExternal())
        publics.push_back(f);
    if (publics.size() != 1) {
      module.emitError("expected exactly one public function (the model), "
                       "found ")
          << publics.size();
      return signalPassFailure();
    }
    func::FuncOp f = publics.front();
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Block &body = f.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());

    // Outputs become memref arguments after the inputs.
    unsigned numInputs = f.getNumArguments();
    SmallVector<Value> outputs;
    for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || !t.hasStaticShape()) {
        f.emitError("expected statically shaped tensor results, found ")
            << v.getType() << " for result " << i;
        return signalPassFailure();
      }
      auto mt = MemRefType::get(t.getShape(), t.getElementType());
      if (failed(f.insertArgument(numInputs + i, mt, f.getResultAttrDict(i),
                                  f.getLoc())))
        return signalPassFailure();
      outputs.push_back(body.getArgument(numInputs + i));
    }
    auto ctxType = LLVM::LLVMPointerType::get(ctx);
    if (failed(f.insertArgument(f.getNumArguments(), ctxType, {}, f.getLoc())))
      return signalPassFailure();

    b.setInsertionPoint(ret);
    for (auto [v, out] : llvm::zip(ret.getOperands(), outputs))
      bufferization::MaterializeInDestinationOp::create(
          b, ret.getLoc(), /*result=*/Type(), v, out, b.getUnitAttr(),
          b.getUnitAttr());
    func::ReturnOp::create(b, ret.getLoc());
    ret.erase();
    llvm::BitVector allResults(f.getNumResults(), true);
    if (failed(f.eraseResults(allResults)))
      return signalPassFailure();
    f.setSymName(kEntryName);
  }
};
} // namespace

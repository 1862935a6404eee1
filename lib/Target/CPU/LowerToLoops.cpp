//===- LowerToLoops.cpp - linalg on memrefs to loops ----------------------===//

#include "quantc/Target/CPU/Passes.h"
#include "quantc/Target/LoopUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERLINALGTOLOOPS
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
struct QCLowerLinalgToLoopsPass
    : qc::impl::QCLowerLinalgToLoopsBase<QCLowerLinalgToLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      rewriter.setInsertionPoint(op);
      auto order = op->getAttrOfType<StringAttr>("qc.loop_order");
      bool sequential = order && order.getValue() == "sequential";
      FailureOr<linalg::LinalgLoops> loops =
          sequential ? linalg::linalgOpToLoops(rewriter, op)
                     : linalg::linalgOpToParallelLoops(rewriter, op);
      if (failed(loops)) {
        op.emitError("failed to lower to loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
    }
    // Reductions accumulate in registers, so LLVM can vectorize them (their
    // combiners allow reassociation).
    promoteAllAccumulators(rewriter, getOperation());
  }
};
} // namespace

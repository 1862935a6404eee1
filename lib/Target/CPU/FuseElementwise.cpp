//===- FuseElementwise.cpp - elementwise fusion around microkernels -------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCFUSEELEMENTWISE
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
struct QCFuseElementwisePass
    : qc::impl::QCFuseElementwiseBase<QCFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::ControlFusionFn control = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      Operation *consumer = operand->getOwner();
      if ((producer && producer->hasAttr("qc.ukernel")) ||
          consumer->hasAttr("qc.ukernel"))
        return false;
      // Into a reduction, only when each produced element is read once:
      // otherwise the producer's work (an exp, a division) would be redone
      // for every iteration of the loops its operand map does not use.
      if (auto g = dyn_cast<linalg::GenericOp>(consumer))
        if (g.getNumReductionLoops() > 0 &&
            g.getMatchingIndexingMap(operand).getNumResults() <
                (unsigned)g.getNumLoops())
          return false;
      // A producer that computes something is not fused into a consumer
      // that reads each of its elements several times (a broadcast, or a
      // nearest upsampling through floordiv): its work would be redone
      // per consumer element. Pure copies (a resize's gather) still fuse.
      if (auto g = dyn_cast<linalg::GenericOp>(consumer)) {
        AffineMap map = g.getMatchingIndexingMap(operand);
        auto p = dyn_cast_or_null<linalg::GenericOp>(producer);
        bool computes = p && !p.getBody()->without_terminator().empty();
        if (computes && !map.isPermutation())
          return false;
      }
      return true;
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    // tensor.pad -> fill + insert_slice, so that empty-tensor elimination
    // lets the padded value's producer write straight into the padded
    // buffer instead of a copy.
    linalg::populateDecomposePadPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

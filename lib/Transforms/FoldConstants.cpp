//===- FoldConstants.cpp - evaluate qc ops on constant operands ----------===//

#include "qc/QCOps.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCFOLDCONSTANTS
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

/// Whether `op` may be folded: a qc op other than the quantization ops,
/// with only constant operands and small enough results.
bool isFoldable(Operation *op, int64_t maxElements) {
  if (!isa<QCDialect>(op->getDialect()) || op->getNumOperands() == 0 ||
      op->getNumRegions() != 0)
    return false;
  if (isa<QuantizeOp, DequantizeOp, RequantizeOp>(op))
    return false;
  if (!canEvaluate(op))
    return false;
  for (Value v : op->getOperands())
    if (!v.getDefiningOp<arith::ConstantOp>())
      return false;
  for (Type t : op->getResultTypes()) {
    auto type = dyn_cast<RankedTensorType>(t);
    if (!type || !type.hasStaticShape() || type.getNumElements() > maxElements)
      return false;
    // The evaluator's constants are f32, integer or i1.
    if (!type.getElementType().isF32() &&
        !isa<IntegerType>(type.getElementType()))
      return false;
  }
  return true;
}

struct QCFoldConstantsPass
    : qc::impl::QCFoldConstantsBase<QCFoldConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<Operation *> candidates;
    // Program order: an op's constant operands are folded before it.
    func.walk([&](Operation *op) {
      if (op->getParentOp() == func)
        candidates.push_back(op);
    });
    for (Operation *op : candidates) {
      if (!isFoldable(op, maxElements))
        continue;
      SmallVector<Tensor> operands;
      bool ok = true;
      for (Value v : op->getOperands()) {
        auto cst = v.getDefiningOp<arith::ConstantOp>();
        auto attr = dyn_cast<ElementsAttr>(cst.getValue());
        FailureOr<Tensor> t =
            attr ? Tensor::fromAttr(attr) : FailureOr<Tensor>(failure());
        if (failed(t)) {
          ok = false;
          break;
        }
        operands.push_back(std::move(*t));
      }
      if (!ok)
        continue;
      // A kernel error (e.g. an integer division by zero) is the program's
      // behaviour at run time: keep the op, and the diagnostic quiet.
      FailureOr<SmallVector<Tensor>> results;
      {
        ScopedDiagnosticHandler silence(&getContext(),
                                        [](Diagnostic &) { return success(); });
        results = evaluateOp(op, operands);
      }
      if (failed(results))
        continue;
      OpBuilder b(op);
      SmallVector<Value> replacements;
      for (auto [result, t] : llvm::zip(op->getResults(), *results)) {
        ElementsAttr attr = t.toAttr("folded");
        if (attr.getType() != result.getType()) {
          ok = false;
          break;
        }
        replacements.push_back(
            arith::ConstantOp::create(b, op->getLoc(), cast<TypedAttr>(attr))
                .getResult());
      }
      if (!ok) {
        for (Value v : replacements)
          v.getDefiningOp()->erase();
        continue;
      }
      llvm::SetVector<Operation *> inputs;
      for (Value v : op->getOperands())
        inputs.insert(v.getDefiningOp());
      op->replaceAllUsesWith(replacements);
      op->erase();
      ++numFolded;
      for (Operation *in : inputs)
        if (in->use_empty())
          in->erase();
    }
  }
};

} // namespace

//===- VectorizeLoops.cpp - vectorize innermost scf.parallel dimensions ---===//
//
// qc-cpu-vectorize-loops: the innermost dimension of an innermost
// scf.parallel becomes steps of one vector when its body is a straight line
// of contiguous loads and stores along that dimension and elementwise
// arith/math ops. LLVM's own vectorizers do not manage these loops reliably:
// it fully unrolls short inner loops (16 columns of a GEMM tile), then
// vectorizes the next loop out with gathers and scatters, or gives up on
// runtime alias checks for the arena's views. The parallel loop says that
// its iterations are independent, so no alias analysis is needed here.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCVECTORIZELOOPS
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// Shorter loops stay scalar.
static constexpr int64_t kMinTrip = 4;

/// Whether `type`'s innermost dimension is contiguous (static stride 1).
static bool unitInnerStride(MemRefType type) {
  if (type.getRank() == 0)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
}

namespace {

/// Which values of a loop body vary along the vectorized induction variable,
/// and whether every op that uses them can be widened.
struct Analysis {
  DenseSet<Value> varying;
  unsigned widestBits = 0;
  bool intDivision = false;

  bool scalarElement(Type t) {
    if (!t.isIntOrFloat())
      return false;
    widestBits = std::max(widestBits, t.getIntOrFloatBitWidth());
    return true;
  }

  /// Indices address consecutive elements along `iv`: the last one is
  /// `iv`, the others do not vary.
  bool contiguous(ValueRange indices, Value iv) {
    if (indices.empty() || indices.back() != iv)
      return false;
    return llvm::none_of(indices.drop_back(),
                         [&](Value i) { return varying.contains(i); });
  }

  bool run(Block *body, Value iv) {
    varying.insert(iv);
    bool stores = false;
    for (Operation &op : body->without_terminator()) {
      bool dependent = llvm::any_of(
          op.getOperands(), [&](Value v) { return varying.contains(v); });
      if (op.getNumRegions() != 0)
        return false;
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        if (!dependent)
          continue;
        if (!contiguous(load.getIndices(), iv) ||
            !unitInnerStride(load.getMemRefType()) ||
            !scalarElement(load.getType()))
          return false;
        varying.insert(load.getResult());
        continue;
      }
      if (auto store = dyn_cast<memref::StoreOp>(op)) {
        // A store to one address in every iteration is not a parallel loop.
        if (!contiguous(store.getIndices(), iv) ||
            !unitInnerStride(store.getMemRefType()) ||
            !scalarElement(store.getValueToStore().getType()))
          return false;
        stores = true;
        continue;
      }
      if (!dependent) {
        if (!isMemoryEffectFree(&op))
          return false;
        continue;
      }
      if (!OpTrait::hasElementwiseMappableTraits(&op) ||
          !isMemoryEffectFree(&op) || op.getNumResults() != 1)
        return false;
      for (Value v : op.getOperands())
        if (!scalarElement(v.getType()))
          return false;
      if (!scalarElement(op.getResult(0).getType()))
        return false;
      intDivision |=
          isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
              arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op);
      varying.insert(op.getResult(0));
    }
    return stores;
  }
};

struct QCVectorizeLoopsPass
    : qc::impl::QCVectorizeLoopsBase<QCVectorizeLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    // Loops with nested loops are rejected by the analysis (no regions in
    // the body), so only innermost loops are vectorized.
    SmallVector<scf::ParallelOp> loops;
    getOperation()->walk([&](scf::ParallelOp loop) {
      if (loop.getNumResults() == 0)
        loops.push_back(loop);
    });
    for (scf::ParallelOp loop : loops)
      vectorize(loop);
  }

  void vectorize(scf::ParallelOp loop) {
    unsigned d = loop.getNumLoops() - 1;
    auto lb = getConstantIntValue(loop.getLowerBound()[d]);
    auto ub = getConstantIntValue(loop.getUpperBound()[d]);
    auto step = getConstantIntValue(loop.getStep()[d]);
    if (!lb || !ub || !step || *step != 1)
      return;
    Value iv = loop.getInductionVars()[d];
    Analysis analysis;
    if (!analysis.run(loop.getBody(), iv))
      return;
    int64_t width = std::max<int64_t>(
        1, vectorBits / std::max<unsigned>(analysis.widestBits, 8));
    width = std::min<int64_t>(width, maxWidth);
    int64_t trip = *ub - *lb;
    bool masked = trip % width != 0;
    // Masked-off lanes compute on zeros: harmless for floats, a trap for
    // an integer division.
    if (width < 2 || trip < kMinTrip || (masked && analysis.intDivision))
      return;
    OpBuilder b(loop);
    SmallVector<Value> steps(loop.getStep());
    steps[d] = arith::ConstantIndexOp::create(b, loop.getLoc(), width);
    loop.getStepMutable().assign(steps);
    loop->setAttr("qc.vector_width", b.getI64IntegerAttr(width));
    widen(loop.getBody(), iv, width,
          masked ? loop.getUpperBound()[d] : Value());
  }

  /// Rewrites the body (already checked by Analysis) on vectors of `width`
  /// elements starting at `iv`. With `ub`, loads and stores are masked to
  /// the lanes below it.
  void widen(Block *body, Value iv, int64_t width, Value ub) {
    DenseMap<Value, Value> wide, splats;
    SmallVector<Operation *> dead;
    OpBuilder b(body->getParentOp()->getContext());
    auto vectorOf = [&](Value v) -> Value {
      if (Value w = wide.lookup(v))
        return w;
      Value &splat = splats[v];
      if (!splat)
        splat = vector::BroadcastOp::create(
            b, v.getLoc(), VectorType::get({width}, v.getType()), v);
      return splat;
    };
    SmallVector<Operation *> ops;
    for (Operation &op : body->without_terminator())
      ops.push_back(&op);
    Value mask;
    if (ub) {
      b.setInsertionPointToStart(body);
      Location loc = iv.getLoc();
      Value left = arith::SubIOp::create(b, loc, ub, iv);
      mask = vector::CreateMaskOp::create(
          b, loc, VectorType::get({width}, b.getI1Type()), ValueRange{left});
    }
    for (Operation *opPtr : ops) {
      Operation &op = *opPtr;
      bool dependent = llvm::any_of(op.getOperands(), [&](Value v) {
        return v == iv || wide.contains(v);
      });
      b.setInsertionPoint(&op);
      Location loc = op.getLoc();
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        if (!dependent)
          continue;
        auto type = VectorType::get({width}, load.getType());
        Value v;
        if (mask) {
          Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
          v = vector::MaskedLoadOp::create(b, loc, type, load.getMemRef(),
                                           load.getIndices(), mask, zero);
        } else {
          v = vector::LoadOp::create(b, loc, type, load.getMemRef(),
                                     load.getIndices());
        }
        wide[load.getResult()] = v;
        dead.push_back(&op);
        continue;
      }
      if (auto store = dyn_cast<memref::StoreOp>(op)) {
        Value v = vectorOf(store.getValueToStore());
        if (mask)
          vector::MaskedStoreOp::create(b, loc, store.getMemRef(),
                                        store.getIndices(), mask, v);
        else
          vector::StoreOp::create(b, loc, v, store.getMemRef(),
                                  store.getIndices());
        dead.push_back(&op);
        continue;
      }
      if (!dependent)
        continue;
      SmallVector<Value> operands;
      for (Value v : op.getOperands())
        operands.push_back(vectorOf(v));
      // A clone keeps the op's properties (predicates, fastmath flags).
      Operation *vectorOp = b.clone(op);
      vectorOp->setOperands(operands);
      Value result = vectorOp->getResult(0);
      result.setType(VectorType::get({width}, result.getType()));
      wide[op.getResult(0)] = result;
      dead.push_back(&op);
    }
    for (Operation *op : llvm::reverse(dead))
      op->erase();
  }
};

} // namespace

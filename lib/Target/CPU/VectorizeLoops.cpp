//===- VectorizeLoops.cpp - vectorize innermost scf.parallel dimensions ---===//
//
// qc-cpu-vectorize-loops: the innermost dimension of an innermost
// scf.parallel becomes steps of one vector when its body is contiguous
// loads and stores along that dimension, elementwise arith/math ops, and
// scf.for loops over a window (pooling) whose loop-carried values become
// vectors; loads may also step by a constant stride (affine.apply c * iv +
// uniform), read as one wider vector and a shuffle. LLVM's own vectorizers do
// not manage these loops reliably: it fully unrolls short inner loops (16
// columns of a GEMM tile), then vectorizes the next loop out with gathers and
// scatters, or gives up on runtime alias checks for the arena's views. The
// parallel loop says that its iterations are independent, so no alias analysis
// is needed here.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
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
  Value iv;
  DenseSet<Value> varying;
  /// Indices `c * iv + (uniform)` (affine.apply), by their stride c >= 1.
  DenseMap<Value, int64_t> strided;
  unsigned widestBits = 0;
  bool intDivision = false;
  bool stores = false;

  bool scalarElement(Type t) {
    if (!t.isIntOrFloat())
      return false;
    widestBits = std::max(widestBits, t.getIntOrFloatBitWidth());
    return true;
  }

  /// The step between consecutive lanes of an access with these indices:
  /// 1 when the last index is `iv`, c for a strided index, 0 when the
  /// access cannot be widened (another index varies, or the last one in
  /// another way).
  int64_t laneStride(ValueRange indices) {
    if (indices.empty() || llvm::any_of(indices.drop_back(), [&](Value i) {
          return varying.contains(i);
        }))
      return 0;
    if (indices.back() == iv)
      return 1;
    return strided.lookup(indices.back());
  }

  /// `map(operands)` is c * iv + (terms of uniform operands), 1 <= c <= 4.
  static std::optional<int64_t> strideOf(affine::AffineApplyOp apply, Value iv,
                                         const DenseSet<Value> &varying) {
    AffineMap map = apply.getAffineMap();
    if (map.getNumResults() != 1)
      return std::nullopt;
    unsigned position = ~0u;
    for (auto [i, v] : llvm::enumerate(apply.getMapOperands())) {
      if (v == iv && position == ~0u && i < map.getNumDims())
        position = i;
      else if (varying.contains(v))
        return std::nullopt;
    }
    if (position == ~0u)
      return std::nullopt;
    AffineExpr e = map.getResult(0);
    // Linear: sums of constant multiples (no floordiv, ceildiv or mod).
    bool linear = e.isPureAffine();
    e.walk([&](AffineExpr sub) {
      linear &= !isa<AffineBinaryOpExpr>(sub) ||
                sub.getKind() == AffineExprKind::Add ||
                sub.getKind() == AffineExprKind::Mul;
    });
    if (!linear)
      return std::nullopt;
    // The coefficient of the dimension: e(d = 1) - e(d = 0) with the other
    // inputs at 0.
    MLIRContext *ctx = apply.getContext();
    SmallVector<AffineExpr> zeros(map.getNumDims(),
                                  getAffineConstantExpr(0, ctx));
    SmallVector<AffineExpr> ones = zeros;
    ones[position] = getAffineConstantExpr(1, ctx);
    SmallVector<AffineExpr> symZeros(map.getNumSymbols(),
                                     getAffineConstantExpr(0, ctx));
    auto at = [&](ArrayRef<AffineExpr> dims) -> std::optional<int64_t> {
      auto c = dyn_cast<AffineConstantExpr>(
          simplifyAffineExpr(e.replaceDimsAndSymbols(dims, symZeros), 0, 0));
      return c ? std::optional<int64_t>(c.getValue()) : std::nullopt;
    };
    auto e1 = at(ones), e0 = at(zeros);
    if (!e1 || !e0 || *e1 - *e0 < 1 || *e1 - *e0 > 4)
      return std::nullopt;
    return *e1 - *e0;
  }

  /// Checks the ops of `block` (the loop body, or the body of an scf.for
  /// nested in it: `nested`).
  bool run(Block *block, bool nested) {
    for (Operation &op : block->without_terminator()) {
      bool dependent = llvm::any_of(
          op.getOperands(), [&](Value v) { return varying.contains(v); });
      if (auto apply = dyn_cast<affine::AffineApplyOp>(op)) {
        if (!dependent)
          continue;
        std::optional<int64_t> c = strideOf(apply, iv, varying);
        if (!c)
          return false;
        // Widened only as the last index of a load (so it is never yielded,
        // stored or used as another index).
        for (OpOperand &use : apply->getUses())
          if (!isa<memref::LoadOp>(use.getOwner()) ||
              use.getOperandNumber() != use.getOwner()->getNumOperands() - 1)
            return false;
        strided[apply.getResult()] = *c;
        continue;
      }
      if (auto loop = dyn_cast<scf::ForOp>(op)) {
        // A window loop: uniform bounds; loop-carried values vary with
        // their initial value.
        if (llvm::any_of(ValueRange{loop.getLowerBound(), loop.getUpperBound(),
                                    loop.getStep()},
                         [&](Value v) { return varying.contains(v); }))
          return false;
        // Loop-carried values vary when their initial value does or when
        // the body makes them (a sum that starts at 0): iterate to a fixed
        // point.
        auto markVarying = [&](BlockArgument arg) {
          if (!scalarElement(arg.getType()))
            return false;
          varying.insert(arg);
          varying.insert(loop.getTiedLoopResult(arg));
          return true;
        };
        for (auto [init, arg] :
             llvm::zip(loop.getInitArgs(), loop.getRegionIterArgs()))
          if (varying.contains(init) && !markVarying(arg))
            return false;
        for (bool changed = true; changed;) {
          if (!run(loop.getBody(), /*nested=*/true))
            return false;
          changed = false;
          for (auto [arg, yielded] :
               llvm::zip(loop.getRegionIterArgs(), loop.getYieldedValues())) {
            if (!varying.contains(arg) && varying.contains(yielded)) {
              if (!markVarying(arg))
                return false;
              changed = true;
            }
          }
        }
        continue;
      }
      if (op.getNumRegions() != 0)
        return false;
      if (auto load = dyn_cast<memref::LoadOp>(op)) {
        if (!dependent && !llvm::any_of(load.getIndices(), [&](Value v) {
              return strided.contains(v);
            }))
          continue;
        if (!laneStride(load.getIndices()) ||
            !unitInnerStride(load.getMemRefType()) ||
            !scalarElement(load.getType()))
          return false;
        varying.insert(load.getResult());
        continue;
      }
      if (auto store = dyn_cast<memref::StoreOp>(op)) {
        // A store to one address in every iteration is not a parallel loop;
        // stores inside a window loop would be ordered by it.
        if (nested || laneStride(store.getIndices()) != 1 ||
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
    return true;
  }

  bool run(Block *body, Value inductionVar) {
    iv = inductionVar;
    varying.insert(iv);
    return run(body, /*nested=*/false) && stores;
  }
};

struct QCVectorizeLoopsPass
    : qc::impl::QCVectorizeLoopsBase<QCVectorizeLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    // Nested scf.parallel loops are rejected by the analysis (only scf.for
    // regions are accepted), so only innermost parallel loops are
    // vectorized.
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
    widen(loop.getBody(), iv, width, masked ? loop.getUpperBound()[d] : Value(),
          analysis);
  }

  /// Rewrites the body (already checked by Analysis) on vectors of `width`
  /// elements starting at `iv`. With `ub`, loads and stores are masked to
  /// the lanes below it.
  void widen(Block *body, Value iv, int64_t width, Value ub,
             const Analysis &analysis) {
    Widener w(iv, width, analysis, body);
    // The ops to widen, collected before the mask's own ops are added.
    SmallVector<Operation *> ops = Widener::opsOf(body);
    if (ub) {
      w.b.setInsertionPointToStart(body);
      Location loc = iv.getLoc();
      Value left = arith::SubIOp::create(w.b, loc, ub, iv);
      w.mask = vector::CreateMaskOp::create(
          w.b, loc, VectorType::get({width}, w.b.getI1Type()),
          ValueRange{left});
      w.left = left;
    }
    w.run(ops);
    for (Operation *op : llvm::reverse(w.dead))
      op->erase();
  }

  struct Widener {
    Value iv;
    int64_t width;
    const Analysis &analysis;
    DenseMap<Value, Value> wide, splats;
    SmallVector<Operation *> dead;
    Value mask, left;
    Block *top; // the scf.parallel body
    OpBuilder b;

    Widener(Value iv, int64_t width, const Analysis &analysis, Block *top)
        : iv(iv), width(width), analysis(analysis), top(top),
          b(top->getParentOp()->getContext()) {}

    Value vectorOf(Value v) {
      if (Value w = wide.lookup(v))
        return w;
      Value &splat = splats[v];
      if (!splat) {
        // Inside the loop body, right after the definition (so every use,
        // also in nested loops, is dominated); a value from outside the
        // loop at the start of its body (outlining would otherwise pass
        // the vector in through memory).
        OpBuilder::InsertionGuard guard(b);
        Block *defBlock = v.getParentBlock();
        Operation *def = v.getDefiningOp();
        if (!top->getParentOp()->isAncestor(defBlock->getParentOp()))
          b.setInsertionPointToStart(top);
        else if (def)
          b.setInsertionPointAfter(def);
        else
          b.setInsertionPointToStart(defBlock);
        splat = vector::BroadcastOp::create(
            b, v.getLoc(), VectorType::get({width}, v.getType()), v);
      }
      return splat;
    }

    bool dependent(Operation &op) {
      return llvm::any_of(op.getOperands(), [&](Value v) {
        return v == iv || wide.contains(v) || analysis.strided.contains(v);
      });
    }

    /// A load of lanes `c` elements apart: one masked load of the c * W - c
    /// + 1 elements the lanes span (no read past the last lane's element),
    /// then every c-th element.
    Value stridedLoad(memref::LoadOp load, int64_t c) {
      Location loc = load.getLoc();
      Type element = load.getType();
      auto wideType = VectorType::get({c * width}, element);
      auto maskType = VectorType::get({c * width}, b.getI1Type());
      Value span;
      if (left) {
        // c * (left - 1) + 1, left >= 1 inside the loop.
        Value cst = arith::ConstantIndexOp::create(b, loc, c);
        Value one = arith::ConstantIndexOp::create(b, loc, 1);
        Value prev = arith::SubIOp::create(b, loc, left, one);
        span = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, prev, cst), one);
      } else {
        span = arith::ConstantIndexOp::create(b, loc, c * (width - 1) + 1);
      }
      Value m =
          vector::CreateMaskOp::create(b, loc, maskType, ValueRange{span});
      Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(wideType));
      Value all = vector::MaskedLoadOp::create(
          b, loc, wideType, load.getMemRef(), load.getIndices(), m, zero);
      SmallVector<int64_t> lanes;
      for (int64_t i = 0; i < width; ++i)
        lanes.push_back(c * i);
      return vector::ShuffleOp::create(b, loc, all, all, lanes);
    }

    static SmallVector<Operation *> opsOf(Block *body) {
      SmallVector<Operation *> ops;
      for (Operation &op : body->without_terminator())
        ops.push_back(&op);
      return ops;
    }

    void run(ArrayRef<Operation *> ops) {
      for (Operation *opPtr : ops) {
        Operation &op = *opPtr;
        b.setInsertionPoint(&op);
        Location loc = op.getLoc();
        if (isa<affine::AffineApplyOp>(op))
          continue; // a strided index stays the scalar index of lane 0
        if (auto loop = dyn_cast<scf::ForOp>(op)) {
          // Varying loop-carried values become vectors in place.
          for (auto [i, arg] : llvm::enumerate(loop.getRegionIterArgs())) {
            if (!analysis.varying.contains(arg))
              continue;
            auto type = VectorType::get({width}, arg.getType());
            loop.getInitArgsMutable()[i].assign(
                vectorOf(loop.getInitArgs()[i]));
            arg.setType(type);
            loop.getResult(i).setType(type);
            wide[arg] = arg;
            wide[loop.getResult(i)] = loop.getResult(i);
          }
          run(opsOf(loop.getBody()));
          auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
          for (auto [i, arg] : llvm::enumerate(loop.getRegionIterArgs()))
            if (analysis.varying.contains(arg))
              yield->setOperand(i, vectorOf(yield->getOperand(i)));
          continue;
        }
        if (auto load = dyn_cast<memref::LoadOp>(op)) {
          if (!dependent(op))
            continue;
          auto type = VectorType::get({width}, load.getType());
          Value v;
          if (analysis.strided.lookup(load.getIndices().back()) > 1) {
            v = stridedLoad(load,
                            analysis.strided.lookup(load.getIndices().back()));
          } else if (mask) {
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
        if (!dependent(op))
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
    }
  };
};

} // namespace

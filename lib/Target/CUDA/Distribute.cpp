//===- Distribute.cpp - top-level loop nests into gpu.launch -------------===//

#include "quantc/Target/CUDA/Passes.h"
#include "quantc/Target/LoopUtils.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUDISTRIBUTE
#include "quantc/Target/CUDA/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// Ops that may stay on the host: they compute addresses or scalars and never
/// read or write a buffer's contents.
static bool staysOnHost(Operation *op) {
  if (isa<ViewLikeOpInterface, memref::GetGlobalOp, memref::DimOp>(op))
    return true;
  return op->getNumRegions() == 0 && isMemoryEffectFree(op);
}

static Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Creates a 1-D launch of `grid` x `block` threads before `before`; returns
/// the launch and the linear thread id, with the builder inside the body.
static std::pair<gpu::LaunchOp, Value>
createLaunch(OpBuilder &b, Operation *before, int64_t grid, int64_t block) {
  Location loc = before->getLoc();
  b.setInsertionPoint(before);
  Value one = indexConst(b, loc, 1);
  auto launch = gpu::LaunchOp::create(b, loc, indexConst(b, loc, grid), one,
                                      one, indexConst(b, loc, block), one, one);
  Block &body = launch.getBody().front();
  b.setInsertionPointToEnd(&body);
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&body);
  Value id = arith::AddIOp::create(
      b, loc,
      arith::MulIOp::create(b, loc, launch.getBlockIds().x,
                            indexConst(b, loc, block)),
      launch.getThreadIds().x);
  return {launch, id};
}

/// Maps `par`'s induction variables to the iteration `id` of its row-major
/// linearised space, innermost dimension fastest (coalesced accesses).
static void delinearize(OpBuilder &b, Location loc, Value id,
                        scf::ParallelOp par, ArrayRef<int64_t> lbs,
                        ArrayRef<int64_t> counts, ArrayRef<int64_t> steps,
                        IRMapping &map) {
  Value rem = id;
  for (int64_t k = counts.size() - 1; k >= 0; --k) {
    Value q = rem;
    if (k > 0) {
      Value count = indexConst(b, loc, counts[k]);
      q = arith::RemUIOp::create(b, loc, rem, count);
      rem = arith::DivUIOp::create(b, loc, rem, count);
    }
    Value iv = q;
    if (steps[k] != 1)
      iv = arith::MulIOp::create(b, loc, iv, indexConst(b, loc, steps[k]));
    if (lbs[k] != 0)
      iv = arith::AddIOp::create(b, loc, iv, indexConst(b, loc, lbs[k]));
    map.map(par.getInductionVars()[k], iv);
  }
}

/// Below this many outputs and from this many reduction steps on, a nest
/// gets a block per output (see distributeReduction).
static constexpr int64_t kReductionMaxOutputs = 2048;
static constexpr int64_t kReductionMinTrips = 1024;
static constexpr int64_t kReductionMinOuterTrips = 64;

/// A loop-carried reduction that one thread per output would run serially:
/// `%r = scf.for ... iter_args(%acc = %init) { ...; %n = COMBINE %acc, %v;
/// scf.yield %n }` in the body of a parallel nest, COMBINE an associative
/// float op that gpu.all_reduce has.
struct SerialReduction {
  scf::ForOp loop;
  Operation *combine;
  gpu::AllReduceOperation kind;
  int64_t trips;      // of the whole nest of reduction loops
  int64_t outerTrips; // of `loop`, the one the block's threads split
};

static std::optional<SerialReduction> findSerialReduction(scf::ParallelOp par) {
  std::optional<SerialReduction> found;
  for (Operation &op : par.getBody()->without_terminator()) {
    auto loop = dyn_cast<scf::ForOp>(&op);
    if (!loop)
      continue;
    if (found || loop.getNumRegionIterArgs() != 1)
      return std::nullopt; // one reduction per nest, with one value
    std::optional<int64_t> l = getConstantIntValue(loop.getLowerBound()),
                           u = getConstantIntValue(loop.getUpperBound()),
                           st = getConstantIntValue(loop.getStep());
    if (!l || !u || !st || *st <= 0 || *u <= *l)
      return std::nullopt;
    // Perfectly nested reduction loops (a pool over H and W) pass the
    // accumulator down; the innermost one combines.
    int64_t trips = (*u - *l + *st - 1) / *st;
    scf::ForOp inner = loop;
    Operation *combine = nullptr;
    BlockArgument acc;
    while (true) {
      if (inner.getNumRegionIterArgs() != 1)
        return std::nullopt;
      acc = inner.getRegionIterArgs()[0];
      auto yield = cast<scf::YieldOp>(inner.getBody()->getTerminator());
      combine = yield.getOperand(0).getDefiningOp();
      auto next = dyn_cast_or_null<scf::ForOp>(combine);
      if (!next || next->getBlock() != inner.getBody() ||
          next.getNumRegionIterArgs() != 1 || next.getInitArgs()[0] != acc ||
          !acc.hasOneUse())
        break;
      std::optional<int64_t> nl = getConstantIntValue(next.getLowerBound()),
                             nu = getConstantIntValue(next.getUpperBound()),
                             ns = getConstantIntValue(next.getStep());
      if (!nl || !nu || !ns || *ns <= 0 || *nu <= *nl)
        return std::nullopt;
      trips *= (*nu - *nl + *ns - 1) / *ns;
      inner = next;
    }
    if (!combine || combine->getBlock() != inner.getBody() ||
        combine->getNumOperands() != 2 || !acc.hasOneUse() ||
        !acc.getType().isF32())
      return std::nullopt;
    std::optional<gpu::AllReduceOperation> kind;
    if (isa<arith::AddFOp>(combine))
      kind = gpu::AllReduceOperation::ADD;
    else if (isa<arith::MaximumFOp>(combine))
      kind = gpu::AllReduceOperation::MAXIMUMF;
    else if (isa<arith::MinimumFOp>(combine))
      kind = gpu::AllReduceOperation::MINIMUMF;
    if (!kind ||
        (combine->getOperand(0) != acc && combine->getOperand(1) != acc))
      return std::nullopt;
    found =
        SerialReduction{loop, combine, *kind, trips, (*u - *l + *st - 1) / *st};
  }
  return found;
}

/// One block per output of `par`: the block's threads split the reduction
/// loop (thread t takes iterations t, t + B, ...), gpu.all_reduce combines
/// their partial results, and thread 0 runs what follows the loop.
static void distributeReduction(OpBuilder &b, scf::ParallelOp par,
                                SerialReduction red, ArrayRef<int64_t> lbs,
                                ArrayRef<int64_t> counts,
                                ArrayRef<int64_t> steps, int64_t total,
                                int64_t blockSize) {
  Location loc = par.getLoc();
  auto [launch, linear] = createLaunch(b, par, total, blockSize);
  (void)linear;
  Value id = launch.getBlockIds().x, tid = launch.getThreadIds().x;
  IRMapping map;
  delinearize(b, loc, id, par, lbs, counts, steps, map);
  Block *body = par.getBody();
  auto it = body->begin();
  for (; &*it != red.loop.getOperation(); ++it)
    b.clone(*it, map);

  // This thread's share of the loop, from the reduction's identity.
  scf::ForOp loop = red.loop;
  Value step = loop.getStep();
  Value lb = arith::AddIOp::create(
      b, loc, map.lookupOrDefault(loop.getLowerBound()),
      arith::MulIOp::create(b, loc, tid, map.lookupOrDefault(step)));
  Value stride = arith::MulIOp::create(b, loc, map.lookupOrDefault(step),
                                       indexConst(b, loc, blockSize));
  FloatType f32 = b.getF32Type();
  double identity = red.kind == gpu::AllReduceOperation::ADD ? 0.0
                    : red.kind == gpu::AllReduceOperation::MAXIMUMF
                        ? -std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::infinity();
  Value init = arith::ConstantOp::create(b, loc, b.getFloatAttr(f32, identity));
  auto part =
      scf::ForOp::create(b, loc, lb, map.lookupOrDefault(loop.getUpperBound()),
                         stride, ValueRange{init});
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(part.getBody());
    IRMapping inner = map;
    inner.map(loop.getInductionVar(), part.getInductionVar());
    inner.map(loop.getRegionIterArgs()[0], part.getRegionIterArgs()[0]);
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, inner);
    scf::YieldOp::create(
        b, loc, inner.lookup(loop.getBody()->getTerminator()->getOperand(0)));
  }
  Value reduced = gpu::AllReduceOp::create(
      b, loc, part.getResult(0),
      gpu::AllReduceOperationAttr::get(b.getContext(), red.kind),
      b.getUnitAttr());
  // Combine with the accumulator's initial value, in the loop's own op.
  Value start = map.lookupOrDefault(loop.getInitArgs()[0]);
  Value result;
  if (red.kind == gpu::AllReduceOperation::ADD)
    result = arith::AddFOp::create(b, loc, start, reduced);
  else if (red.kind == gpu::AllReduceOperation::MAXIMUMF)
    result = arith::MaximumFOp::create(b, loc, start, reduced);
  else
    result = arith::MinimumFOp::create(b, loc, start, reduced);
  map.map(loop.getResult(0), result);

  // What follows (the store of the result) runs once.
  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                      indexConst(b, loc, 0));
  auto once = scf::IfOp::create(b, loc, first, /*withElse=*/false);
  b.setInsertionPoint(once.thenBlock()->getTerminator());
  for (++it; it != body->end() && !it->hasTrait<OpTrait::IsTerminator>(); ++it)
    b.clone(*it, map);
  par.erase();
}

static LogicalResult distributeParallel(OpBuilder &b, scf::ParallelOp par,
                                        int64_t blockSize) {
  if (par.getNumResults() != 0)
    return par.emitOpError("with reductions is not supported on the GPU");
  SmallVector<int64_t> lbs, counts, steps;
  int64_t total = 1;
  for (auto [lb, ub, step] :
       llvm::zip(par.getLowerBound(), par.getUpperBound(), par.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lb),
                           u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    if (!l || !u || !s || *s <= 0)
      return par.emitOpError("expected constant bounds and positive steps "
                             "to map onto the GPU");
    int64_t count = *u > *l ? (*u - *l + *s - 1) / *s : 0;
    lbs.push_back(*l);
    steps.push_back(*s);
    counts.push_back(count);
    total *= count;
  }
  if (total == 0) {
    par.erase();
    return success();
  }
  // Few outputs with a long reduction each: a block per output instead of
  // a thread (a thread per output would leave most of the GPU idle).
  if (total <= kReductionMaxOutputs)
    if (std::optional<SerialReduction> red = findSerialReduction(par))
      if (red->trips >= kReductionMinTrips &&
          red->outerTrips >= kReductionMinOuterTrips) {
        distributeReduction(b, par, *red, lbs, counts, steps, total, blockSize);
        return success();
      }
  Location loc = par.getLoc();
  int64_t block = std::min(blockSize, total);
  int64_t grid = (total + block - 1) / block;
  if (grid > std::numeric_limits<int32_t>::max())
    return par.emitOpError("iteration space of ")
           << total << " is too large for one launch";
  auto [launch, id] = createLaunch(b, par, grid, block);
  if (grid * block != total) {
    Value inBounds = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           id, indexConst(b, loc, total));
    auto guard = scf::IfOp::create(b, loc, inBounds, /*withElse=*/false);
    b.setInsertionPoint(guard.thenBlock()->getTerminator());
  }
  IRMapping map;
  delinearize(b, loc, id, par, lbs, counts, steps, map);
  for (Operation &op : par.getBody()->without_terminator())
    b.clone(op, map);
  par.erase();
  return success();
}

/// Moves `group` (consecutive top-level ops) into a launch of one thread.
static LogicalResult wrapSerial(OpBuilder &b, ArrayRef<Operation *> group) {
  llvm::SmallPtrSet<Operation *, 8> inGroup(group.begin(), group.end());
  for (Operation *op : group)
    for (Value r : op->getResults())
      for (Operation *user : r.getUsers()) {
        Operation *top = op->getBlock()->findAncestorOpInBlock(*user);
        if (!top || !inGroup.contains(top))
          return op->emitOpError("computes a value that the host uses, "
                                 "which the GPU code cannot provide");
      }
  // Before the last op: host values defined between the group's ops
  // dominate it.
  auto [launch, id] = createLaunch(b, group.back(), 1, 1);
  (void)id;
  Operation *terminator = launch.getBody().front().getTerminator();
  for (Operation *op : group)
    op->moveBefore(terminator);
  return success();
}

namespace {
struct QCGPUDistributePass
    : qc::impl::QCGPUDistributeBase<QCGPUDistributePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp f = getOperation();
    if (f.isExternal() || f.getSymName() == kUploadName)
      return;
    if (blockSize <= 0 || blockSize > 1024) {
      f.emitError("block-size must be in 1..1024, found ") << blockSize;
      return signalPassFailure();
    }
    // Copies become linalg copies, and every linalg op becomes parallel
    // loops with its parallel dimensions outermost: a reduction before a
    // parallel dimension (a matmul's (m, k, n) order, good for CPU caches)
    // would otherwise leave the inner parallel loop serial in each thread.
    IRRewriter rewriter(&getContext());
    SmallVector<memref::CopyOp> copies;
    f.walk([&](memref::CopyOp copy) {
      if (!copy->getParentOfType<gpu::LaunchOp>())
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      linalg::makeMemRefCopyOp(rewriter, copy.getLoc(), copy.getSource(),
                               copy.getTarget());
      rewriter.eraseOp(copy);
    }
    SmallVector<linalg::LinalgOp> linalgOps;
    f.walk([&](linalg::LinalgOp op) {
      if (!op->getParentOfType<gpu::LaunchOp>())
        linalgOps.push_back(op);
    });
    for (linalg::LinalgOp op : linalgOps) {
      if (!op.hasPureBufferSemantics()) {
        op.emitOpError("expected buffers (run bufferization first)");
        return signalPassFailure();
      }
      rewriter.setInsertionPoint(op);
      if (!isa<linalg::GenericOp>(op)) {
        FailureOr<linalg::GenericOp> generic =
            linalg::generalizeNamedOp(rewriter, op);
        if (succeeded(generic))
          op = *generic;
      }
      if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation())) {
        SmallVector<unsigned> order;
        for (auto [i, it] : llvm::enumerate(generic.getIteratorTypesArray()))
          if (linalg::isParallelIterator(it))
            order.push_back(i);
        for (auto [i, it] : llvm::enumerate(generic.getIteratorTypesArray()))
          if (!linalg::isParallelIterator(it))
            order.push_back(i);
        if (!llvm::equal(order, llvm::seq<unsigned>(0, order.size()))) {
          FailureOr<linalg::GenericOp> swapped =
              linalg::interchangeGenericOp(rewriter, generic, order);
          if (succeeded(swapped))
            op = *swapped;
        }
      }
      if (failed(linalg::linalgOpToParallelLoops(rewriter, op))) {
        op.emitOpError("could not be turned into parallel loops");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
    }

    // Reduction accumulators in registers (quantc/Target/LoopUtils.h).
    promoteAllAccumulators(rewriter, f);

    OpBuilder b(&getContext());
    for (Block &block : f.getBody()) {
      SmallVector<Operation *> ops;
      for (Operation &op : block)
        ops.push_back(&op);
      SmallVector<Operation *> group;
      llvm::SmallPtrSet<Operation *, 8> inGroup;
      auto flush = [&]() -> LogicalResult {
        if (group.empty())
          return success();
        LogicalResult r = wrapSerial(b, group);
        group.clear();
        inGroup.clear();
        return r;
      };
      for (Operation *op : ops) {
        if (auto par = dyn_cast<scf::ParallelOp>(op)) {
          if (failed(flush()) || failed(distributeParallel(b, par, blockSize)))
            return signalPassFailure();
          continue;
        }
        // Address and scalar computations stay where they are unless they
        // use a value computed on the GPU; memory-touching ops join the
        // current serial group. GPU ops and terminators keep their order.
        if (isa<gpu::GPUDialect>(op->getDialect()) ||
            op->hasTrait<OpTrait::IsTerminator>()) {
          if (failed(flush()))
            return signalPassFailure();
          continue;
        }
        bool usesGroup = llvm::any_of(op->getOperands(), [&](Value v) {
          Operation *def = v.getDefiningOp();
          return def && inGroup.contains(def);
        });
        if (staysOnHost(op) && !usesGroup)
          continue;
        group.push_back(op);
        inGroup.insert(op);
      }
      if (failed(flush()))
        return signalPassFailure();
    }
  }
};
} // namespace

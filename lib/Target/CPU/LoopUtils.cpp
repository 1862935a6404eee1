//===- LoopUtils.cpp - loop clean-ups shared by the CPU and CUDA targets --===//

#include "quantc/Target/LoopUtils.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

using namespace mlir;

scf::ForOp mlir::qc::promoteAccumulators(RewriterBase &rewriter,
                                         scf::ForOp loop) {
  // Index computations of the parallel dimensions first leave the loop.
  moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
  for (bool changed = true; changed;) {
    changed = false;
    for (Operation &op : *loop.getBody()) {
      auto store = dyn_cast<memref::StoreOp>(&op);
      if (!store)
        continue;
      Value mem = store.getMemRef();
      SmallVector<Value> indices(store.getIndices());
      if (!loop.isDefinedOutsideOfLoop(mem) ||
          !llvm::all_of(
              indices, [&](Value v) { return loop.isDefinedOutsideOfLoop(v); }))
        continue;
      memref::LoadOp load;
      bool other = false;
      for (Operation *user : mem.getUsers()) {
        if (user == store.getOperation() || !loop->isAncestor(user))
          continue;
        auto l = dyn_cast<memref::LoadOp>(user);
        if (l && !load && l->getBlock() == loop.getBody() &&
            llvm::equal(l.getIndices(), indices) && l->isBeforeInBlock(store))
          load = l;
        else
          other = true;
      }
      if (!load || other)
        continue;
      Location loc = store.getLoc();
      rewriter.setInsertionPoint(loop);
      Value init = memref::LoadOp::create(rewriter, loc, mem, indices);
      Value stored = store.getValue();
      FailureOr<LoopLikeOpInterface> replaced =
          loop.replaceWithAdditionalYields(
              rewriter, init, /*replaceInitOperandUsesInLoop=*/false,
              [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                return SmallVector<Value>{stored};
              });
      if (failed(replaced))
        return loop;
      loop = cast<scf::ForOp>(replaced->getOperation());
      rewriter.replaceOp(load, loop.getRegionIterArgs().back());
      rewriter.eraseOp(store);
      rewriter.setInsertionPointAfter(loop);
      memref::StoreOp::create(rewriter, loc, loop.getResults().back(), mem,
                              indices);
      changed = true;
      break;
    }
  }
  return loop;
}

void mlir::qc::promoteAllAccumulators(RewriterBase &rewriter, Operation *root) {
  // Equal index computations become one value (the loop lowering repeats
  // them for each access), then accumulators move into registers,
  // innermost loops first: promoting one exposes its enclosing loop's
  // load/store pair.
  DominanceInfo dominance(root);
  eliminateCommonSubExpressions(rewriter, dominance, root);
  SmallVector<scf::ForOp> loops;
  root->walk<WalkOrder::PostOrder>(
      [&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops)
    promoteAccumulators(rewriter, loop);
}

memref::GlobalOp mlir::qc::constantGlobalOf(ModuleOp module, Value v) {
  while (auto sv = v.getDefiningOp<memref::SubViewOp>())
    v = sv.getSource();
  auto get = v.getDefiningOp<memref::GetGlobalOp>();
  auto global =
      get ? module.lookupSymbol<memref::GlobalOp>(get.getName()) : nullptr;
  if (!global || !global.getConstant() ||
      !isa_and_nonnull<ElementsAttr>(global.getInitialValueAttr()))
    return nullptr;
  return global;
}

void mlir::qc::eraseUnusedGlobalReads(ModuleOp module, ArrayRef<Value> views) {
  for (Value v : views) {
    while (v.use_empty() && v.getDefiningOp<memref::SubViewOp>()) {
      Operation *view = v.getDefiningOp();
      v = cast<memref::SubViewOp>(view).getSource();
      view->erase();
    }
    auto get = v.getDefiningOp<memref::GetGlobalOp>();
    if (!get || !get->use_empty())
      continue;
    auto name = get.getNameAttr();
    get->erase();
    auto global = module.lookupSymbol<memref::GlobalOp>(name);
    if (global && global.isPrivate() &&
        SymbolTable::symbolKnownUseEmpty(global, module))
      global.erase();
  }
}

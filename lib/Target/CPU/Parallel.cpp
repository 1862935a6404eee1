//===- Parallel.cpp - parallel loop nests on the runtime's thread pool ----===//
//
// qc-outline-parallel-loops (scf level) and qc-lower-parallel-calls (LLVM
// level). See Passes.td for the contract between them.
//
//===----------------------------------------------------------------------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCOUTLINEPARALLELLOOPS
#define GEN_PASS_DEF_QCLOWERPARALLELCALLS
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// Tasks a parallel loop nest is split into at least, when it has that many
/// iterations in its leading dimensions (see outline()).
static constexpr int64_t kMinParallelIterations = 64;

/// Elements of one step of a loop vectorized by qc-cpu-vectorize-loops.
static int64_t vectorWidth(Operation *loop) {
  auto width = loop->getAttrOfType<IntegerAttr>("qc.vector_width");
  return width ? width.getInt() : 1;
}

/// Static trip count of every loop nested in `op` multiplied together (an
/// estimate of the work of one iteration). Loops with bounds unknown at
/// compile time (partial tiles) count as 64 iterations; a call inside (a
/// microkernel) counts as 2^20.
static int64_t innerWork(Operation *op) {
  int64_t work = 1;
  auto trip = [](Value lb, Value ub, Value step) -> int64_t {
    auto l = getConstantIntValue(lb), u = getConstantIntValue(ub),
         s = getConstantIntValue(step);
    if (l && u && s && *s > 0)
      return std::max<int64_t>(1, (*u - *l + *s - 1) / *s);
    return 64;
  };
  op->walk([&](Operation *nested) {
    if (nested == op)
      return;
    if (auto f = dyn_cast<scf::ForOp>(nested))
      work *= trip(f.getLowerBound(), f.getUpperBound(), f.getStep());
    else if (auto p = dyn_cast<scf::ParallelOp>(nested)) {
      for (auto [l, u, s] :
           llvm::zip(p.getLowerBound(), p.getUpperBound(), p.getStep()))
        work *= trip(l, u, s);
      work *= vectorWidth(p);
    }
  });
  // A call (a microkernel on a whole tile) is a lot of work.
  bool calls = false;
  op->walk([&](func::CallOp) { calls = true; });
  return calls ? std::max<int64_t>(work, 1 << 20) : work;
}

/// A symbol-safe fragment naming the op a loop came from (the first name in
/// its location, e.g. the ONNX node name), for profiles; empty if none.
static std::string locationTag(Location loc) {
  std::string tag;
  loc->walk([&](Location l) {
    if (auto name = dyn_cast<NameLoc>(l)) {
      tag = name.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  for (char &c : tag)
    if (!isalnum((unsigned char)c))
      c = '_';
  if (tag.size() > 48)
    tag.resize(48);
  return tag;
}

namespace {

struct QCOutlineParallelLoopsPass
    : qc::impl::QCOutlineParallelLoopsBase<QCOutlineParallelLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(kEntryName);
    if (!entry || entry.isExternal())
      return;
    Value ctx;
    for (BlockArgument a : entry.getArguments())
      if (isa<LLVM::LLVMPointerType>(a.getType()))
        ctx = a;
    if (!ctx) {
      entry.emitError("expected the runtime context (!llvm.ptr) argument");
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> loops;
    for (auto loop : entry.getBody().front().getOps<scf::ParallelOp>())
      loops.push_back(loop);
    int counter = 0;
    for (scf::ParallelOp loop : loops)
      if (failed(outline(loop, ctx, entry, counter)))
        return signalPassFailure();
  }

  LogicalResult outline(scf::ParallelOp loop, Value ctx, func::FuncOp entry,
                        int &counter) {
    if (loop.getNumResults() != 0)
      return success();
    SmallVector<int64_t> lbs, counts, steps;
    int64_t n = 1;
    for (auto [lb, ub, st] : llvm::zip(loop.getLowerBound(),
                                       loop.getUpperBound(), loop.getStep())) {
      auto l = getConstantIntValue(lb), u = getConstantIntValue(ub),
           s = getConstantIntValue(st);
      if (!l || !u || !s || *s <= 0)
        return success();
      lbs.push_back(*l);
      steps.push_back(*s);
      counts.push_back(std::max<int64_t>(0, (*u - *l + *s - 1) / *s));
      n *= counts.back();
    }
    // Work in scalar elements: a vectorized step counts its vector width.
    int64_t work = innerWork(loop) * vectorWidth(loop);
    if (n < 2 || n * work < minWork)
      return success();
    // Only the leading dimensions that give enough tasks are linearized
    // into the task range; the others stay loops inside each iteration, so
    // the innermost (usually contiguous) dimension keeps a plain counted
    // loop that LLVM vectorizes instead of a division per element.
    size_t outer = 0;
    n = 1;
    while (outer < counts.size() && n < kMinParallelIterations)
      n *= counts[outer++];
    for (size_t d = outer; d < counts.size(); ++d)
      work *= counts[d];
    int64_t grain =
        std::max<int64_t>(1, (minWork / 4) / std::max<int64_t>(work, 1));

    // Values the loop body uses from outside. Constants and views (of the
    // arena, inputs, outputs and globals) are re-created inside the task, so
    // LLVM sees every buffer as a constant offset from one of a few base
    // pointers and can prove tiles independent (vectorization without alias
    // checks); only the roots are passed.
    llvm::SetVector<Value> captures;
    getUsedValuesDefinedAbove(loop.getRegion(), captures);
    llvm::SetVector<Value> passed;
    llvm::SetVector<Operation *> cloned;
    std::function<void(Value)> capture = [&](Value v) {
      Operation *def = v.getDefiningOp();
      if (def &&
          (def->hasTrait<OpTrait::ConstantLike>() ||
           isa<memref::ViewOp, memref::SubViewOp, memref::CollapseShapeOp,
               memref::ExpandShapeOp, memref::ReinterpretCastOp, memref::CastOp,
               memref::GetGlobalOp>(def))) {
        if (cloned.contains(def))
          return;
        for (Value operand : def->getOperands())
          capture(operand);
        cloned.insert(def);
        return;
      }
      passed.insert(v);
    };
    for (Value v : captures)
      capture(v);
    MLIRContext *c = &getContext();
    OpBuilder b(c);
    ModuleOp module = getOperation();
    int id = counter++;
    std::string tag = locationTag(loop.getLoc());
    std::string taskName =
        "qc_task_" + std::to_string(id) + (tag.empty() ? "" : "_" + tag);
    std::string callName = "qc_parallel_" + std::to_string(id);
    Location loc = loop.getLoc();

    // The task: scf.for over the linearized range [begin, end).
    SmallVector<Type> taskArgs;
    for (Value v : passed)
      taskArgs.push_back(v.getType());
    taskArgs.append({b.getIndexType(), b.getIndexType()});
    b.setInsertionPointToEnd(module.getBody());
    auto task =
        func::FuncOp::create(b, loc, taskName, b.getFunctionType(taskArgs, {}));
    task.setPrivate();
    Block *body = task.addEntryBlock();
    b.setInsertionPointToStart(body);
    IRMapping map;
    for (auto [v, a] : llvm::zip(passed, body->getArguments()))
      map.map(v, a);
    for (Operation *op : cloned)
      b.clone(*op, map);
    Value begin = body->getArgument(passed.size());
    Value end = body->getArgument(passed.size() + 1);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto forOp = scf::ForOp::create(b, loc, begin, end, one);
    func::ReturnOp::create(b, loc);
    b.setInsertionPointToStart(forOp.getBody());
    Value rem = forOp.getInductionVar();
    SmallVector<Value> ivs(counts.size());
    for (int64_t d = outer - 1; d >= 0; --d) {
      Value cnt = arith::ConstantIndexOp::create(b, loc, counts[d]);
      Value idx =
          d == 0 ? rem : (Value)arith::RemUIOp::create(b, loc, rem, cnt);
      if (d > 0)
        rem = arith::DivUIOp::create(b, loc, rem, cnt);
      Value scaled = arith::MulIOp::create(
          b, loc, idx, arith::ConstantIndexOp::create(b, loc, steps[d]));
      ivs[d] = arith::AddIOp::create(
          b, loc, scaled, arith::ConstantIndexOp::create(b, loc, lbs[d]));
    }
    for (size_t d = outer; d < counts.size(); ++d) {
      int64_t ub = lbs[d] + counts[d] * steps[d];
      auto inner = scf::ForOp::create(
          b, loc, arith::ConstantIndexOp::create(b, loc, lbs[d]),
          arith::ConstantIndexOp::create(b, loc, ub),
          arith::ConstantIndexOp::create(b, loc, steps[d]));
      ivs[d] = inner.getInductionVar();
      b.setInsertionPointToStart(inner.getBody());
    }
    for (auto [iv, v] : llvm::zip(loop.getInductionVars(), ivs))
      map.map(iv, v);
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, map);

    // The call placeholder, lowered by qc-lower-parallel-calls.
    SmallVector<Type> callArgs = {ctx.getType(), b.getIndexType(),
                                  b.getIndexType()};
    for (Value v : passed)
      callArgs.push_back(v.getType());
    b.setInsertionPointToEnd(module.getBody());
    auto decl =
        func::FuncOp::create(b, loc, callName, b.getFunctionType(callArgs, {}));
    decl.setPrivate();
    decl->setAttr("qc.task", FlatSymbolRefAttr::get(c, taskName));
    b.setInsertionPoint(loop);
    SmallVector<Value> operands = {
        ctx, arith::ConstantIndexOp::create(b, loc, n),
        arith::ConstantIndexOp::create(b, loc, grain)};
    llvm::append_range(operands, passed);
    func::CallOp::create(b, loc, decl, operands);
    loop.erase();
    return success();
  }
};

struct QCLowerParallelCallsPass
    : qc::impl::QCLowerParallelCallsBase<QCLowerParallelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *c = &getContext();
    auto ptr = LLVM::LLVMPointerType::get(c);
    auto i64 = IntegerType::get(c, 64);
    auto i32 = IntegerType::get(c, 32);
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) {
      if (auto callee = call.getCallee())
        if (auto decl = module.lookupSymbol<LLVM::LLVMFuncOp>(*callee))
          if (decl->hasAttr("qc.task"))
            calls.push_back(call);
    });
    OpBuilder b(c);
    for (LLVM::CallOp call : calls) {
      auto decl = module.lookupSymbol<LLVM::LLVMFuncOp>(*call.getCallee());
      auto taskRef = decl->getAttrOfType<FlatSymbolRefAttr>("qc.task");
      auto task = module.lookupSymbol<LLVM::LLVMFuncOp>(taskRef);
      if (!task) {
        call.emitError("parallel task ") << taskRef << " not found";
        return signalPassFailure();
      }
      Location loc = call.getLoc();
      ValueRange ops = call.getArgOperands();
      Value ctx = ops[0], n = ops[1], grain = ops[2];
      ValueRange captures = ops.drop_front(3);
      SmallVector<Type> fields;
      for (Value v : captures)
        fields.push_back(v.getType());
      auto structType = LLVM::LLVMStructType::getLiteral(c, fields);

      // Trampoline: void(ptr args, i64 begin, i64 end, i32 thread).
      std::string trampName =
          ("qc_trampoline_" + taskRef.getValue().drop_front(8)).str();
      // (qc_task_<id>[_<op>] -> qc_trampoline_<id>[_<op>])
      b.setInsertionPointToEnd(module.getBody());
      auto tramp = LLVM::LLVMFuncOp::create(
          b, loc, trampName,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(c),
                                      {ptr, i64, i64, i32}),
          // External (not internal) so profiles can name it (dladdr).
          LLVM::Linkage::External);
      Block *tb = tramp.addEntryBlock(b);
      b.setInsertionPointToStart(tb);
      SmallVector<Value> taskArgs;
      for (auto [i, t] : llvm::enumerate(fields)) {
        Value gep =
            LLVM::GEPOp::create(b, loc, ptr, structType, tb->getArgument(0),
                                ArrayRef<LLVM::GEPArg>{0, (int32_t)i});
        taskArgs.push_back(LLVM::LoadOp::create(b, loc, t, gep));
      }
      taskArgs.push_back(tb->getArgument(1));
      taskArgs.push_back(tb->getArgument(2));
      LLVM::CallOp::create(b, loc, task, taskArgs);
      LLVM::ReturnOp::create(b, loc, ValueRange{});

      // Call site: pack the captures, call ctx->parallel_for(pool, ...).
      b.setInsertionPoint(call);
      Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
      Value args = LLVM::AllocaOp::create(b, loc, ptr, structType, one);
      for (auto [i, v] : llvm::enumerate(captures)) {
        Value gep = LLVM::GEPOp::create(b, loc, ptr, structType, args,
                                        ArrayRef<LLVM::GEPArg>{0, (int32_t)i});
        LLVM::StoreOp::create(b, loc, v, gep);
      }
      // qrt_exec_ctx { parallel_for; pool; ... }
      auto ctxType = LLVM::LLVMStructType::getLiteral(c, {ptr, ptr});
      Value fnAddr = LLVM::GEPOp::create(b, loc, ptr, ctxType, ctx,
                                         ArrayRef<LLVM::GEPArg>{0, 0});
      Value fn = LLVM::LoadOp::create(b, loc, ptr, fnAddr);
      Value poolAddr = LLVM::GEPOp::create(b, loc, ptr, ctxType, ctx,
                                           ArrayRef<LLVM::GEPArg>{0, 1});
      Value pool = LLVM::LoadOp::create(b, loc, ptr, poolAddr);
      Value trampAddr = LLVM::AddressOfOp::create(b, loc, tramp);
      auto fnType = LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(c),
                                                {ptr, i64, i64, ptr, ptr});
      LLVM::CallOp::create(b, loc, fnType,
                           ValueRange{fn, pool, n, grain, trampAddr, args});
      call.erase();
      decl.erase();
    }
  }
};

} // namespace

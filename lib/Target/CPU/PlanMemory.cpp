//===- PlanMemory.cpp - static arena for intermediate buffers -------------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/DenseMap.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCPLANMEMORY
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  int64_t begin, end; // positions in the entry block, inclusive
  int64_t offset = -1;
};

/// The position in `block` of the ancestor of `op` that lives there.
static int64_t positionIn(Block &block, Operation *op,
                          const DenseMap<Operation *, int64_t> &pos) {
  Operation *top = block.findAncestorOpInBlock(*op);
  return top ? pos.lookup(top) : -1;
}

/// With `gemmEpilogues`, where a tensor-core GEMM generic that reads `v`
/// ends its inputs' lives: at the next generic (its possible epilogue).
static int64_t gemmInputEnd(Operation *user, Value v,
                            const DenseMap<Operation *, int64_t> &pos) {
  auto gemm = dyn_cast<linalg::GenericOp>(user);
  auto tag = gemm ? gemm->getAttrOfType<StringAttr>("qc.ukernel") : nullptr;
  if (!tag ||
      (tag.getValue() != "matmul_u8s8s32" && tag.getValue() != "gemv_w4_f32") ||
      !llvm::is_contained(gemm.getDpsInputs(), v))
    return -1;
  for (Operation *next = gemm->getNextNode(); next; next = next->getNextNode())
    if (isa<linalg::GenericOp>(next))
      return pos.lookup(next);
  return -1;
}

/// The last position at which `value` or a view of it is used.
static int64_t lastUse(Block &block, Value value,
                       const DenseMap<Operation *, int64_t> &pos,
                       bool gemmEpilogues) {
  int64_t last = -1;
  SmallVector<Value> worklist = {value};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (isa<memref::DeallocOp>(user))
        continue; // erased below; not a use of the contents
      last = std::max(last, positionIn(block, user, pos));
      if (gemmEpilogues && user->getBlock() == &block)
        last = std::max(last, gemmInputEnd(user, v, pos));
      // Views (subview, collapse/expand_shape, reinterpret_cast, casts)
      // extend the buffer's life to their own uses.
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == v)
          for (Value r : user->getResults())
            worklist.push_back(r);
      if (isa<memref::CastOp>(user))
        worklist.push_back(user->getResult(0));
    }
  }
  return last;
}

struct QCPlanMemoryPass : qc::impl::QCPlanMemoryBase<QCPlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp f = getOperation();
    if (f.isExternal())
      return;
    Block &block = f.getBody().front();
    DenseMap<Operation *, int64_t> pos;
    int64_t i = 0;
    for (Operation &op : block)
      pos[&op] = i++;

    SmallVector<Buffer> buffers;
    bool ok = true;
    f.walk([&](memref::AllocOp alloc) {
      MemRefType t = alloc.getType();
      if (!t.hasStaticShape() || !t.getLayout().isIdentity() ||
          alloc->getBlock() != &block) {
        alloc.emitError("expected a statically shaped allocation in the "
                        "function's entry block, found ")
            << t;
        ok = false;
        return;
      }
      int64_t bits = t.getElementTypeBitWidth();
      int64_t bytes = (t.getNumElements() * bits + 7) / 8;
      buffers.push_back(
          {alloc, std::max<int64_t>(bytes, 1), pos[alloc],
           lastUse(block, alloc.getResult(), pos, gemmEpilogues)});
    });
    if (!ok)
      return signalPassFailure();

    // First fit, largest buffers first.
    SmallVector<Buffer *> order;
    for (Buffer &buf : buffers)
      order.push_back(&buf);
    llvm::stable_sort(order,
                      [](Buffer *a, Buffer *b) { return a->bytes > b->bytes; });
    int64_t align = alignment, arena = 0, unshared = 0;
    SmallVector<Buffer *> placed;
    for (Buffer *buf : order) {
      unshared += buf->bytes;
      SmallVector<std::pair<int64_t, int64_t>> busy;
      for (Buffer *p : placed)
        if (p->begin <= buf->end && buf->begin <= p->end)
          busy.push_back({p->offset, p->offset + p->bytes});
      llvm::sort(busy);
      int64_t offset = 0;
      for (auto [lo, hi] : busy) {
        if (offset + buf->bytes <= lo)
          break;
        offset = std::max<int64_t>(offset, llvm::alignTo(hi, align));
      }
      buf->offset = offset;
      arena = std::max(arena, offset + buf->bytes);
      placed.push_back(buf);
    }
    arena = (int64_t)llvm::alignTo(std::max<int64_t>(arena, 1), align);

    OpBuilder b(f.getContext());
    auto arenaType = MemRefType::get({arena}, b.getI8Type());
    if (failed(
            f.insertArgument(f.getNumArguments(), arenaType, {}, f.getLoc())))
      return signalPassFailure();
    Value arenaArg = block.getArguments().back();
    // One constant per distinct offset, at the top of the function.
    DenseMap<int64_t, Value> offsets;
    b.setInsertionPointToStart(&block);
    for (Buffer &buf : buffers)
      if (!offsets.count(buf.offset))
        offsets[buf.offset] =
            arith::ConstantIndexOp::create(b, f.getLoc(), buf.offset);
    for (Buffer &buf : buffers) {
      b.setInsertionPoint(buf.alloc);
      Value off = offsets[buf.offset];
      Value view =
          memref::ViewOp::create(b, buf.alloc.getLoc(), buf.alloc.getType(),
                                 arenaArg, off, ValueRange{});
      buf.alloc.getResult().replaceAllUsesWith(view);
      buf.alloc.erase();
    }
    f.walk([](memref::DeallocOp d) { d.erase(); });
    f->setAttr("qc.arena_size", b.getI64IntegerAttr(arena));
    numBuffers += buffers.size();
    unsharedBytes += unshared;
    arenaBytes += arena;
  }
};
} // namespace

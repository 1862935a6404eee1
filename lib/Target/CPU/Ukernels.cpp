//===- Ukernels.cpp - tagged linalg ops to runtime microkernel calls ------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCLOWERTOUKERNELS
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

/// The address of a memref's first element as !llvm.ptr, and its outer
/// stride (elements between consecutive indices of dimension 0).
static std::pair<Value, Value> pointerAndStride(OpBuilder &b, Location loc,
                                                Value memref) {
  auto md = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(
      b, loc, md.getBaseBuffer());
  unsigned bytes =
      cast<MemRefType>(memref.getType()).getElementTypeBitWidth() / 8;
  Value off = arith::MulIOp::create(
      b, loc, md.getOffset(), arith::ConstantIndexOp::create(b, loc, bytes));
  Value addr = arith::AddIOp::create(b, loc, base, off);
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), addr);
  Value ptr = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), i64);
  Value stride =
      arith::IndexCastOp::create(b, loc, b.getI64Type(), md.getStrides()[0]);
  return {ptr, stride};
}

/// The buffer a (chain of) subview(s) views.
static Value rootBuffer(Value v) {
  while (auto sv = v.getDefiningOp<memref::SubViewOp>())
    v = sv.getSource();
  return v;
}

/// If `root` is zero-filled by a linalg.fill that only initializes the
/// accumulators of microkernel GEMMs, that fill.
static linalg::FillOp zeroFillOf(Value root) {
  for (Operation *user : root.getUsers())
    if (auto fill = dyn_cast<linalg::FillOp>(user))
      if (fill.getOutputs()[0] == root) {
        Attribute v;
        if (matchPattern(fill.getInputs()[0], m_Constant(&v)) &&
            ((isa<FloatAttr>(v) && cast<FloatAttr>(v).getValue().isZero()) ||
             (isa<IntegerAttr>(v) && cast<IntegerAttr>(v).getValue().isZero())))
          return fill;
      }
  return {};
}

static Value dimAsI64(OpBuilder &b, Location loc, Value memref, int64_t d) {
  Value v = memref::DimOp::create(b, loc, memref, d);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
}

namespace {
struct QCLowerToUkernelsPass
    : qc::impl::QCLowerToUkernelsBase<QCLowerToUkernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<linalg::GenericOp> ops;
    module.walk([&](linalg::GenericOp g) {
      if (g->hasAttr("qc.ukernel") && g.hasPureBufferSemantics())
        ops.push_back(g);
    });
    if (ops.empty())
      return;
    // Microkernel GEMMs compute whole reductions, so each output element is
    // written by exactly one call: a zero fill of their accumulator buffer
    // is redundant when the calls overwrite instead of accumulating.
    llvm::SmallPtrSet<Operation *, 8> redundantFills;
    llvm::DenseMap<Value, bool> overwrite;
    for (linalg::GenericOp op : ops) {
      Value root = rootBuffer(op.getDpsInits()[0]);
      if (overwrite.count(root))
        continue;
      linalg::FillOp fill = zeroFillOf(root);
      // Safe when the fill comes first and nothing reads the buffer before
      // the GEMMs: every other use is in or after the first GEMM's
      // top-level op.
      Block *block = fill ? fill->getBlock() : nullptr;
      Operation *first = block ? block->findAncestorOpInBlock(*op) : nullptr;
      bool onlyGemms = first && fill->isBeforeInBlock(first);
      SmallVector<Value> worklist = {root};
      while (onlyGemms && !worklist.empty()) {
        Value v = worklist.pop_back_val();
        for (Operation *u : v.getUsers()) {
          if (u == fill.getOperation())
            continue;
          // Views only matter through their uses.
          if (auto sv = dyn_cast<memref::SubViewOp>(u)) {
            worklist.push_back(sv.getResult());
            continue;
          }
          Operation *top = block->findAncestorOpInBlock(*u);
          if (!top || (top != first && top->isBeforeInBlock(first)))
            onlyGemms = false;
        }
      }
      overwrite[root] = onlyGemms;
      if (onlyGemms)
        redundantFills.insert(fill);
    }
    for (Operation *fill : redundantFills)
      fill->erase();

    OpBuilder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = b.getI64Type(), i32 = b.getI32Type();
    for (linalg::GenericOp op : ops) {
      StringRef kind = op->getAttrOfType<StringAttr>("qc.ukernel").getValue();
      if (kind != "mmt4d_f32" && kind != "mmt4d_u8s8s32") {
        op.emitError("unknown microkernel '") << kind << "'";
        return signalPassFailure();
      }
      std::string name = "qrt_ukernel_" + kind.str();
      auto fnType = b.getFunctionType(
          {ptr, i64, ptr, i64, ptr, i64, i64, i64, i64, i32, i32, i32, i32},
          {i32});
      auto decl = module.lookupSymbol<func::FuncOp>(name);
      if (!decl) {
        b.setInsertionPointToStart(module.getBody());
        decl = func::FuncOp::create(b, module.getLoc(), name, fnType);
        decl.setPrivate();
      }
      Location loc = op.getLoc();
      b.setInsertionPoint(op);
      Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
      Value out = op.getDpsInits()[0];
      auto [lp, ls] = pointerAndStride(b, loc, lhs);
      auto [rp, rs] = pointerAndStride(b, loc, rhs);
      auto [opp, os] = pointerAndStride(b, loc, out);
      auto lt = cast<MemRefType>(lhs.getType());
      auto rt = cast<MemRefType>(rhs.getType());
      auto c32 = [&](int64_t v) {
        return arith::ConstantIntOp::create(b, loc, i32, v).getResult();
      };
      SmallVector<Value> args = {lp,
                                 ls,
                                 rp,
                                 rs,
                                 opp,
                                 os,
                                 dimAsI64(b, loc, lhs, 0),
                                 dimAsI64(b, loc, rhs, 0),
                                 dimAsI64(b, loc, lhs, 1),
                                 c32(lt.getDimSize(2)),
                                 c32(rt.getDimSize(2)),
                                 c32(lt.getDimSize(3)),
                                 c32(overwrite.lookup(rootBuffer(out))
                                         ? 0
                                         : 1 /*QRT_UKERNEL_FLAG_ACCUMULATE*/)};
      func::CallOp::create(b, loc, decl, args);
      op.erase();
    }
  }
};
} // namespace

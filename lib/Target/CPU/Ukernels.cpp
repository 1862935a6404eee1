//===- Ukernels.cpp - tagged linalg ops to runtime microkernel calls ------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

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
    OpBuilder b(ctx);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = b.getI64Type(), i32 = b.getI32Type();
    for (linalg::GenericOp op : ops) {
      StringRef kind = op->getAttrOfType<StringAttr>("qc.ukernel").getValue();
      if (kind != "mmt4d_f32") {
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
                                 c32(1 /*QRT_UKERNEL_FLAG_ACCUMULATE*/)};
      func::CallOp::create(b, loc, decl, args);
      op.erase();
    }
  }
};
} // namespace

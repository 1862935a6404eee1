//===- PlaceConstants.cpp - constants into the device arena --------------===//

#include "quantc/Target/CPU/Passes.h"
#include "quantc/Target/CUDA/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUPLACECONSTANTS
#include "quantc/Target/CUDA/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
struct QCGPUPlaceConstantsPass
    : qc::impl::QCGPUPlaceConstantsBase<QCGPUPlaceConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entry = module.lookupSymbol<func::FuncOp>(kEntryName);
    auto arenaSize =
        entry ? entry->getAttrOfType<IntegerAttr>("qc.arena_size") : nullptr;
    if (!entry || entry.isExternal() || !arenaSize) {
      module.emitError("expected the entry function @")
          << kEntryName << " with a qc.arena_size (run qc-plan-memory first)";
      return signalPassFailure();
    }
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      module.emitError("alignment must be a power of two, found ") << alignment;
      return signalPassFailure();
    }
    Block &body = entry.getBody().front();
    BlockArgument arena = body.getArguments().back();
    auto arenaType = dyn_cast<MemRefType>(arena.getType());
    if (!arenaType || arenaType.getRank() != 1 ||
        !arenaType.getElementType().isInteger(8)) {
      entry.emitError("expected the last argument to be the i8 arena, found ")
          << arena.getType();
      return signalPassFailure();
    }

    // Each constant global once, in order of first use.
    llvm::MapVector<memref::GlobalOp, int64_t> offsets;
    SmallVector<memref::GetGlobalOp> uses;
    int64_t begin = llvm::alignTo(arenaSize.getInt(), alignment);
    int64_t end = begin;
    WalkResult walk = entry.walk([&](memref::GetGlobalOp get) {
      auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
      MemRefType t = get.getType();
      // A kernel's shared memory (outlined with the kernel), not a constant.
      auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(t.getMemorySpace());
      if (space && space.getValue() == gpu::AddressSpace::Workgroup)
        return WalkResult::advance();
      if (!global || !global.getConstant() || !t.hasStaticShape() ||
          !t.getLayout().isIdentity()) {
        get.emitOpError("expected a statically shaped constant global with "
                        "an identity layout, found ")
            << t;
        return WalkResult::interrupt();
      }
      uses.push_back(get);
      if (!offsets.count(global)) {
        int64_t bits = t.getElementTypeBitWidth();
        // Sub-byte elements occupy a byte each in memory (LLVM's layout).
        int64_t bytes = t.getNumElements() * std::max<int64_t>(bits / 8, 1);
        offsets[global] = end;
        end = llvm::alignTo(end + std::max<int64_t>(bytes, 1), alignment);
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    // Grow the arena argument.
    OpBuilder b(&getContext());
    auto newArena =
        MemRefType::get({std::max(end, arenaSize.getInt())}, b.getI8Type());
    arena.setType(newArena);
    SmallVector<Type> argTypes(entry.getArgumentTypes());
    argTypes.back() = newArena;
    entry.setType(b.getFunctionType(argTypes, entry.getResultTypes()));
    entry->setAttr("qc.arena_size",
                   b.getI64IntegerAttr(newArena.getDimSize(0)));
    entry->setAttr("qc.constants_offset", b.getI64IntegerAttr(begin));

    // Views of the arena replace the host globals in the entry.
    DenseMap<int64_t, Value> indices;
    auto indexAt = [&](int64_t offset, Location loc) {
      Value &v = indices[offset];
      if (!v) {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(&body);
        v = arith::ConstantIndexOp::create(b, loc, offset);
      }
      return v;
    };
    for (memref::GetGlobalOp get : uses) {
      auto global = module.lookupSymbol<memref::GlobalOp>(get.getNameAttr());
      Value off = indexAt(offsets.lookup(global), get.getLoc());
      b.setInsertionPoint(get);
      Value view = memref::ViewOp::create(b, get.getLoc(), get.getType(), arena,
                                          off, ValueRange{});
      get.getResult().replaceAllUsesWith(view);
      get.erase();
    }

    // The upload function: one copy per global.
    if (module.lookupSymbol(kUploadName)) {
      module.emitError("the module already has a function @") << kUploadName;
      return signalPassFailure();
    }
    b.setInsertionPointAfter(entry);
    Location loc = entry.getLoc();
    auto upload = func::FuncOp::create(b, loc, kUploadName,
                                       b.getFunctionType({newArena}, {}));
    Block *ub = upload.addEntryBlock();
    b.setInsertionPointToStart(ub);
    for (auto [global, offset] : offsets) {
      auto t = cast<MemRefType>(global.getType());
      Value host = memref::GetGlobalOp::create(b, loc, t, global.getSymName());
      Value off = arith::ConstantIndexOp::create(b, loc, offset);
      Value dev = memref::ViewOp::create(b, loc, t, ub->getArgument(0), off,
                                         ValueRange{});
      gpu::MemcpyOp::create(b, loc, /*asyncToken=*/Type(), ValueRange{}, dev,
                            host);
    }
    func::ReturnOp::create(b, loc);
  }
};
} // namespace

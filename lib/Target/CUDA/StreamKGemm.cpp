//===- StreamKGemm.cpp - the skeleton of the tensor-core GEMM kernels -----===//
//
// See StreamKGemm.h.
//
//===----------------------------------------------------------------------===//

#include "StreamKGemm.h"
#include "Epilogue.h"

#include "quantc/Target/LoopUtils.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::cuda;

bool cuda::worthSharingX(int64_t n) {
  int64_t tiles = (n + kTileN - 1) / kTileN;
  return tiles >= kWarps && (tiles % kWarps == 0 || tiles >= 4 * kWarps);
}

bool cuda::planStreamK(StreamKShape &s) {
  assert(s.k % s.unit == 0 && s.unit % s.stepK == 0 && "unit does not fit");
  s.tiles = (s.n + kTileN - 1) / kTileN;
  s.steps = s.k / s.stepK;
  s.units = s.k / s.unit;
  s.rowTiles = (s.m + 15) / 16; // grid.z
  // The items split evenly over about kTargetBlocks blocks (one wave): at
  // least one unit per warp, (tile, unit) items or, with sharedX, (group
  // of kWarps tiles, unit) items that every warp of the block works on.
  // With K of at most kWarps units a block takes whole groups, as it takes
  // whole tiles without sharedX: it owns them (no atomics, no zero fill, a
  // fused epilogue) instead of splitting a short K.
  int64_t items = s.groupsN() * s.units;
  int64_t wanted = std::max<int64_t>(1, kTargetBlocks / s.rowTiles);
  int64_t least = !s.sharedX ? kWarps : s.units <= kWarps ? s.units : 1;
  s.perBlock = std::max<int64_t>(least, (items + wanted - 1) / wanted);
  s.blocks = (items + s.perBlock - 1) / s.perBlock;
  s.owned = s.perBlock % s.units == 0;
  // Rows of 16-byte multiples, shifted by 16 bytes from row to row: the
  // eight rows an ldmatrix reads at once fall in different banks.
  s.xStride = s.unit * s.xBytes / 2 + 8;
  return s.rowTiles <= 65535;
}

SmallVector<linalg::GenericOp> cuda::taggedGenerics(ModuleOp module,
                                                    StringRef kind) {
  SmallVector<linalg::GenericOp> ops;
  module.walk([&](linalg::GenericOp op) {
    auto tag = op->getAttrOfType<StringAttr>("qc.ukernel");
    if (tag && tag.getValue() == kind && op.hasPureBufferSemantics() &&
        !op->getParentOfType<gpu::LaunchOp>())
      ops.push_back(op);
  });
  return ops;
}

gpu::LaunchOp cuda::createStreamKLaunch(OpBuilder &b, Location loc,
                                        const StreamKShape &s) {
  auto idx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // Weight slots (a chunk is 32 lanes x 4 i32), reused for the block's sums.
  int64_t slots = std::max<int64_t>(kWarps * kStages * s.chunksPerUnit() * 128,
                                    kWarps * 32 * 32);
  auto smem = MemRefType::get(
      {slots}, b.getI32Type(), MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(b.getContext(),
                                 gpu::GPUDialect::getWorkgroupAddressSpace()));
  auto launch = gpu::LaunchOp::create(
      b, loc, idx(s.blocks), idx(1), idx(s.rowTiles), idx(kWarps * 32), idx(1),
      idx(1), /*dynamicSharedMemorySize=*/nullptr,
      /*asyncTokenType=*/nullptr, ValueRange{}, TypeRange{smem});
  b.setInsertionPointToStart(&launch.getBody().front());
  return launch;
}

Value StreamKGemmBuilder::slot(Value stage, int64_t j) {
  return mulc(add(mulc(add(mulc(warp, kStages), stage), s.chunksPerUnit() * 32),
                  add(idx(j * 32), lane)),
              4);
}

SmallVector<Value> StreamKGemmBuilder::ldmatrixA(Value stage, int64_t j) {
  auto frag = VectorType::get({4, 2}, b.getF16Type());
  // Row lane % 16; lanes 16-31 eight elements (16 bytes) further.
  Value ld = nvgpu::LdMatrixOp::create(
      b, loc, frag, xs,
      ValueRange{stage, rem(lane, 16), addc(mulc(div(lane, 16), 8), 16 * j)},
      /*transpose=*/false, /*numTiles=*/4);
  SmallVector<Value> a;
  for (int64_t i = 0; i < 4; ++i)
    a.push_back(vector::ExtractOp::create(b, loc, ld, i));
  return a;
}

void StreamKGemmBuilder::forEachBlockItem(int64_t count,
                                          function_ref<void(Value)> body) {
  int64_t threads = kWarps * 32;
  for (int64_t q = 0; q * threads < count; ++q) {
    Value id = addc(tid, q * threads);
    if ((q + 1) * threads <= count) {
      body(id);
      continue;
    }
    auto ifOp = scf::IfOp::create(b, loc, ult(id, idx(count)),
                                  /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body(id);
  }
}

void StreamKGemmBuilder::issue(Value u, Value stage) {
  Type token = nvgpu::DeviceAsyncTokenType::get(b.getContext());
  int64_t cu = s.chunksPerUnit();
  for (int64_t j = 0; j < cu; ++j) {
    Value chunk = add(mulc(tile, s.steps * s.chunks), add(mulc(u, cu), idx(j)));
    Value at = mulc(add(mulc(chunk, 32), lane), 4);
    nvgpu::DeviceAsyncCopyOp::create(b, loc, token, smem, slot(stage, j), words,
                                     at, b.getIndexAttr(4),
                                     /*srcElements=*/Value(), b.getUnitAttr());
  }
}

scf::ForOp StreamKGemmBuilder::unitLoop(Value first, Value end, int64_t step) {
  Value zero =
      integer
          ? i32c(0)
          : arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)).getResult();
  auto ifThen = [&](Value cond, function_ref<void()> body) {
    auto ifOp = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    body();
  };
  // The warp's weights travel through its own kStages slots of shared
  // memory: while the tensor cores work on one unit, the next kStages - 1
  // are on their way (one commit group per unit, empty past the end).
  for (int64_t i = 0; i + 1 < kStages; ++i) {
    Value v = addc(first, i * step);
    ifThen(ult(v, end), [&] { issue(v, idx(i)); });
    NVVM::CpAsyncCommitGroupOp::create(b, loc);
  }
  SmallVector<Value> init(8 * 4, zero);
  auto loop = scf::ForOp::create(b, loc, first, end, idx(step), init);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value u = loop.getInductionVar();
  Value stage = rem(div(sub(u, first), step), kStages);
  // The slot of the unit before this one, whose reads have completed.
  Value later = addc(u, (kStages - 1) * step);
  ifThen(ult(later, end),
         [&] { issue(later, rem(addc(stage, kStages - 1), kStages)); });
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
  if (s.sharedX) {
    // The X slice of this unit, written by the whole block while the
    // weights are in flight; xs[stage] was last read two units ago, before
    // the previous unit's barrier.
    fillX(u, stage);
    gpu::BarrierOp::create(b, loc);
  }
  NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(kStages - 1));
  SmallVector<Value> next = unit(u, stage, loop.getRegionIterArgs());
  scf::YieldOp::create(b, loc, next);
  return loop;
}

void StreamKGemmBuilder::finish(Value row, Value col, Value sum) {
  Value in =
      arith::AndIOp::create(b, loc, ult(row, idx(s.m)), ult(col, idx(s.n)));
  auto ifOp = scf::IfOp::create(b, loc, in, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  if (s.owned && epilogue)
    epilogue(row, col, sum);
  else if (s.owned)
    memref::StoreOp::create(b, loc, sum, y, ValueRange{row, col});
  else
    memref::AtomicRMWOp::create(b, loc, integer ? i32() : f32(),
                                integer ? arith::AtomicRMWKind::addi
                                        : arith::AtomicRMWKind::addf,
                                sum, y, ValueRange{row, col});
}

void StreamKGemmBuilder::build(gpu::LaunchOp launch) {
  tid = launch.getThreadIds().x;
  smem = launch.getWorkgroupAttributions()[0];
  if (s.sharedX) {
    // X's slices: a workgroup global rather than an attribution, for its
    // 16-byte alignment (ldmatrix reads 16-byte rows); outlining copies it
    // into the kernel's module (symbol-dce drops the host's copy).
    auto type = MemRefType::get(
        {kStages, 16, s.xStride}, b.getF16Type(), MemRefLayoutAttrInterface(),
        cast<MemRefType>(smem.getType()).getMemorySpace());
    auto module = launch->getParentOfType<ModuleOp>();
    memref::GlobalOp global;
    {
      OpBuilder::InsertionGuard guard(b);
      b.clearInsertionPoint(); // SymbolTable::insert names it uniquely
      global = memref::GlobalOp::create(
          b, loc, "__qc_gemm_x", b.getStringAttr("private"), type,
          /*initialValue=*/Attribute(), /*constant=*/false,
          b.getI64IntegerAttr(16));
      SymbolTable(module).insert(global, module.getBody()->begin());
    }
    xs = memref::GetGlobalOp::create(b, loc, type, global.getSymName());
  }
  rowTile = launch.getBlockIds().z;
  lane = rem(tid, 32);
  warp = div(tid, 32);
  r = div(lane, 4);
  c = rem(lane, 4);
  row0 = add(mulc(rowTile, 16), r);
  row1 = addc(row0, 8);
  Value mV = idx(s.m);
  valid0 = ult(row0, mV);
  valid1 = ult(row1, mV);
  if (s.sharedX)
    return buildSharedX(launch);

  // Stream-K: the block's work items [lo, hi) of the (tile, unit) space,
  // tile by tile (at most a few: perBlock is below `units` unless few
  // blocks are launched).
  Value lo = mulc(launch.getBlockIds().x, s.perBlock);
  Value hi = minu(idx(s.tiles * s.units), addc(lo, s.perBlock));
  auto tiles = scf::ForOp::create(b, loc, div(lo, s.units),
                                  addc(div(addc(hi, -1), s.units), 1), idx(1));
  OpBuilder::InsertionGuard tileGuard(b);
  b.setInsertionPoint(tiles.getBody()->getTerminator());
  tile = tiles.getInductionVar();
  Value base = mulc(tile, s.units);
  // This warp's units of the tile: from the block's first + warp, step
  // kWarps.
  Value first = add(sub(maxu(lo, base), base), warp);
  Value end = sub(minu(hi, addc(base, s.units)), base);
  scf::ForOp loop = unitLoop(first, end, kWarps);
  NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0));

  // The block's sum of its warps' accumulators, added to Y. The sums
  // reuse the weight slots once every warp is done with them.
  auto sumAt = [&](Value w, Value v, Value ln) {
    return add(mulc(add(mulc(w, 32), v), 32), ln);
  };
  gpu::BarrierOp::create(b, loc);
  for (int64_t v = 0; v < 32; ++v) {
    Value a = loop.getResult(v);
    if (!integer)
      a = arith::BitcastOp::create(b, loc, i32(), a);
    memref::StoreOp::create(b, loc, a, smem, sumAt(warp, idx(v), lane));
  }
  gpu::BarrierOp::create(b, loc);
  for (int64_t qv = 0; qv < 32 * 32 / (kWarps * 32); ++qv) {
    Value id = addc(tid, qv * kWarps * 32);
    Value v = div(id, 32), ln = rem(id, 32);
    auto load = [&](int64_t w) -> Value {
      Value x = memref::LoadOp::create(b, loc, smem, sumAt(idx(w), v, ln));
      return integer ? x : arith::BitcastOp::create(b, loc, f32(), x);
    };
    Value sum = load(0);
    for (int64_t w = 1; w < kWarps; ++w)
      sum = integer ? Value(arith::AddIOp::create(b, loc, sum, load(w)))
                    : Value(arith::AddFOp::create(b, loc, sum, load(w)));
    // v = 4h + e; e >= 2: row + 8; e odd: column + 1.
    Value h = div(v, 4), e = rem(v, 4);
    Value row = add(add(mulc(rowTile, 16), div(ln, 4)), mulc(div(e, 2), 8));
    Value col = add(add(mulc(tile, kTileN), mulc(h, 8)),
                    add(mulc(rem(ln, 4), 2), rem(e, 2)));
    finish(row, col, sum);
  }
  // The next tile's sums reuse the shared memory.
  gpu::BarrierOp::create(b, loc);
}

void StreamKGemmBuilder::buildSharedX(gpu::LaunchOp launch) {
  // Stream-K over (group, unit) items: the block's items [lo, hi), group by
  // group; every warp walks the same units, warp w on the group's tile w
  // (the last group's missing tiles: a copy of its last tile, not stored).
  Value lo = mulc(launch.getBlockIds().x, s.perBlock);
  Value hi = minu(idx(s.groupsN() * s.units), addc(lo, s.perBlock));
  auto groups = scf::ForOp::create(b, loc, div(lo, s.units),
                                   addc(div(addc(hi, -1), s.units), 1), idx(1));
  OpBuilder::InsertionGuard groupGuard(b);
  b.setInsertionPoint(groups.getBody()->getTerminator());
  Value group = groups.getInductionVar();
  Value wanted = add(mulc(group, kWarps), warp);
  Value active = ult(wanted, idx(s.tiles));
  tile = minu(wanted, idx(s.tiles - 1));
  Value base = mulc(group, s.units);
  Value first = sub(maxu(lo, base), base);
  Value end = sub(minu(hi, addc(base, s.units)), base);
  scf::ForOp loop = unitLoop(first, end, 1);
  NVVM::CpAsyncWaitGroupOp::create(b, loc, b.getI32IntegerAttr(0));
  // Each lane's accumulators are final for its warp's tile: value 4h + e is
  // row r (+ 8 for e >= 2), column 8h + 2c + (e & 1).
  auto ifOp = scf::IfOp::create(b, loc, active, /*withElseRegion=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    for (int64_t v = 0; v < 32; ++v) {
      int64_t h = v / 4, e = v % 4;
      Value row = e >= 2 ? row1 : row0;
      Value col = add(mulc(tile, kTileN), addc(mulc(c, 2), 8 * h + (e & 1)));
      finish(row, col, loop.getResult(v));
    }
  }
  // The next group's first unit writes xs[0] again.
  gpu::BarrierOp::create(b, loc);
}

void cuda::emitStreamKKernel(linalg::GenericOp op, StreamKGemmBuilder &kb) {
  OpBuilder &b = kb.b;
  linalg::FillOp fill;
  std::optional<FusedEpilogue> epilogue;
  if (kb.s.owned) {
    // The zero fill of Y: the last op before `op` that touches memory.
    for (Operation *p = op->getPrevNode(); p; p = p->getPrevNode()) {
      auto f = dyn_cast<linalg::FillOp>(p);
      if (f && f.getNumDpsInits() == 1 && f.getDpsInits()[0] == kb.y)
        fill = f;
      if (f || !isMemoryEffectFree(p))
        break;
    }
    epilogue = FusedEpilogue::match(op, kb.y);
    if (epilogue)
      kb.epilogue = [&](Value row, Value col, Value sum) {
        epilogue->emit(b, kb.loc, row, col, sum);
      };
  }
  gpu::LaunchOp launch = createStreamKLaunch(b, kb.loc, kb.s);
  kb.build(launch);
  gpu::TerminatorOp::create(b, kb.loc);
  if (fill)
    fill.erase();
  if (epilogue)
    epilogue->op.erase();
  // The unpacked weights (and scales, zero points): dropped once nothing
  // reads them.
  auto module = op->getParentOfType<ModuleOp>();
  SmallVector<Value> unpacked(llvm::drop_begin(op.getDpsInputs()));
  op.erase();
  eraseUnusedGlobalReads(module, unpacked);
}

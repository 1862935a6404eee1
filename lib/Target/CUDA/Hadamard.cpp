//===- Hadamard.cpp - the online Hadamard rotation in shared memory -------===//
//
// qc-gpu-hadamard: each generic tagged `fwht_f32` (convert-qc-to-linalg with
// fwht-kernel: y[r][i] = sum_j x[r][j] * (-1)^popcount(i & j) / sqrt(n) for
// blocks of n = 2 .. 8192, into a zero-filled y) becomes a launch of a kernel
// that transforms whole rows in shared memory, one read and one write of the
// tensor instead of one of each per butterfly stage:
//
// - A block of T threads takes E = R * n consecutive elements (R rows, R =
//   512 / n for blocks below 512, else 1; T = min(256, E / 2)) and copies
//   them, coalesced, into shared memory.
// - log2(n) butterfly stages, separated by barriers. In stage h each thread
//   takes E / 2T pairs p = tid + T q, at j = (p / h) 2h + p % h:
//   s[j], s[j + h] = s[j] + s[j + h], s[j] - s[j + h]. Pairs never cross a
//   row (2h divides n).
// - The block writes s[e] * (1 / sqrt(n)) to y, coalesced.
//
// These are the reference evaluator's additions, subtractions and final
// scaling in its order, so the result is the same to the bit (the tagged
// generic's product form, if anything else lowered it, sums in another
// order). The zero fill of y before the generic is dropped with it.
//
// A generic the kernel cannot take (strided or dynamic operands, a block that
// is not a power of two or above 8192) is left alone; qc-gpu-distribute
// lowers it like any loop nest.
//
//===----------------------------------------------------------------------===//

#include "StreamKGemm.h"

#include "quantc/Conversion/Passes.h"
#include "quantc/Target/CUDA/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUHADAMARD
#include "quantc/Target/CUDA/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::cuda;

namespace {

constexpr int64_t kThreads = 256;  // per block, at most
constexpr int64_t kElements = 512; // per block, at least (rows permitting)

bool isPlainF32(Value v, ArrayRef<int64_t> shape) {
  auto t = dyn_cast<MemRefType>(v.getType());
  return t && t.hasStaticShape() && t.getLayout().isIdentity() &&
         t.getElementType().isF32() && t.getShape() == shape;
}

/// Rewrites one tagged generic; false (and nothing changed) when the kernel
/// cannot take it.
bool lowerToKernel(OpBuilder &b, linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1)
    return false;
  Value x = op.getDpsInputs()[0], y = op.getDpsInits()[0];
  auto xt = dyn_cast<MemRefType>(x.getType());
  if (!xt || xt.getRank() != 2 || !xt.hasStaticShape())
    return false;
  int64_t rows = xt.getDimSize(0), n = xt.getDimSize(1);
  if (!isPlainF32(x, xt.getShape()) || !isPlainF32(y, xt.getShape()) || n < 2 ||
      n > kFWHTKernelMaxBlock || !llvm::isPowerOf2_64(n) || rows < 1)
    return false;
  int64_t perBlock = std::min(std::max<int64_t>(1, kElements / n), rows);
  int64_t e = perBlock * n;
  int64_t threads = std::min(kThreads, e / 2);
  int64_t blocks = (rows + perBlock - 1) / perBlock;
  int64_t total = rows * n;
  if (blocks > std::numeric_limits<int32_t>::max())
    return false;

  // The zero fill of y for the product form, right before it: the kernel
  // writes all of y.
  auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
  if (fill && (fill.getNumDpsInits() != 1 || fill.getDpsInits()[0] != y))
    fill = nullptr;

  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  auto idx = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  SmallVector<ReassociationIndices> all = {{0, 1}};
  Value xf = memref::CollapseShapeOp::create(b, loc, x, all);
  Value yf = memref::CollapseShapeOp::create(b, loc, y, all);
  auto smemType = MemRefType::get(
      {e}, b.getF32Type(), MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(b.getContext(),
                                 gpu::GPUDialect::getWorkgroupAddressSpace()));
  auto launch = gpu::LaunchOp::create(
      b, loc, idx(blocks), idx(1), idx(1), idx(threads), idx(1), idx(1),
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      ValueRange{}, TypeRange{smemType});
  b.setInsertionPointToStart(&launch.getBody().front());
  Value smem = launch.getWorkgroupAttributions()[0];
  Value tid = launch.getThreadIds().x;
  Value base = arith::MulIOp::create(b, loc, launch.getBlockIds().x, idx(e));
  auto add = [&](Value a, Value c) {
    return arith::AddIOp::create(b, loc, a, c).getResult();
  };
  auto mulc = [&](Value a, int64_t c) {
    return arith::MulIOp::create(b, loc, a, idx(c)).getResult();
  };
  // for q in [0, count): body(tid + threads * q)
  auto forEach = [&](int64_t count, function_ref<void(Value)> body) {
    auto loop = scf::ForOp::create(b, loc, idx(0), idx(count), idx(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    body(add(tid, mulc(loop.getInductionVar(), threads)));
  };
  bool partial = total % e != 0; // the last block has fewer rows
  auto inRange = [&](Value g) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, g,
                                 idx(total))
        .getResult();
  };

  // The block's rows into shared memory (zeros past the tensor).
  forEach(e / threads, [&](Value i) {
    Value g = add(base, i);
    Value v;
    if (partial) {
      Value safe = arith::MinUIOp::create(b, loc, g, idx(total - 1));
      v = memref::LoadOp::create(b, loc, xf, safe);
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
      v = arith::SelectOp::create(b, loc, inRange(g), v, zero);
    } else {
      v = memref::LoadOp::create(b, loc, xf, g);
    }
    memref::StoreOp::create(b, loc, v, smem, i);
  });
  // The butterflies, stage h = 1, 2, ..., n / 2.
  for (int64_t h = 1; h < n; h *= 2) {
    gpu::BarrierOp::create(b, loc);
    forEach(e / 2 / threads, [&](Value p) {
      Value j = add(mulc(arith::DivUIOp::create(b, loc, p, idx(h)), 2 * h),
                    arith::RemUIOp::create(b, loc, p, idx(h)));
      Value jh = add(j, idx(h));
      Value lo = memref::LoadOp::create(b, loc, smem, j);
      Value hi = memref::LoadOp::create(b, loc, smem, jh);
      memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, lo, hi),
                              smem, j);
      memref::StoreOp::create(b, loc, arith::SubFOp::create(b, loc, lo, hi),
                              smem, jh);
    });
  }
  gpu::BarrierOp::create(b, loc);
  // Scaled, back to y. The same 1 / sqrt(n) as the butterfly lowering.
  float norm = 1.0f / std::sqrt((float)n);
  Value normV = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(norm));
  forEach(e / threads, [&](Value i) {
    Value g = add(base, i);
    auto store = [&] {
      Value v = memref::LoadOp::create(b, loc, smem, i);
      memref::StoreOp::create(b, loc, arith::MulFOp::create(b, loc, v, normV),
                              yf, g);
    };
    if (!partial)
      return store();
    auto ifOp = scf::IfOp::create(b, loc, inRange(g), /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    store();
  });
  gpu::TerminatorOp::create(b, loc);

  if (fill)
    fill.erase();
  op.erase();
  return true;
}

struct QCGPUHadamardPass : qc::impl::QCGPUHadamardBase<QCGPUHadamardPass> {
  void runOnOperation() override {
    OpBuilder b(&getContext());
    for (linalg::GenericOp op : taggedGenerics(getOperation(), "fwht_f32"))
      (void)lowerToKernel(b, op);
  }
};

} // namespace

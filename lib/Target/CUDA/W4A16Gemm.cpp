//===- W4A16Gemm.cpp - int4-weight matrix products on f16 tensor cores ----===//
//
// qc-gpu-w4a16-gemm: each `gemv_w4_f32` generic (convert-qc-to-linalg with
// packed-w4: Y[m][n] += X[m][k] * (Q[n][k] - Z[n][k/G]) * S[n][k/G], Q in
// 0..15) becomes a launch of a warp-level kernel on `mma.sync.m16n8k16`
// (f16 operands, f32 accumulators), the design of Marlin reduced to what a
// batch of at most a few dozen rows needs:
//
// - Weights stay 4-bit in device memory, packed at compile time in the
//   order the mma's B fragments want them: for each 64-column tile t and
//   16-deep step s, lane l holds one 128-bit word (4 x i32) with the 32
//   nibbles of its B fragments of the tile's eight 8-column sub-tiles. Word
//   i of the lane holds sub-tiles 2i and 2i+1; sub-tile h = 2i+e's pair b0
//   (k = 16s + 2c, 2c+1 of column 8h + r, with r = l/4, c = l%4) sits at
//   nibbles 2e and 2e+4, its pair b1 (k + 8, k + 9) at nibbles 2e+1 and
//   2e+5. A warp's load of one step is 512 contiguous bytes.
// - The weights go to shared memory with cp.async (16 bytes per lane and
//   step, bypassing L1), double buffered per warp: while the tensor cores
//   work on one unit, the next is on its way. Each lane reads back only
//   the chunks it copied, so cp.async.wait_group orders them without a
//   barrier. X is read from global memory (L1) and rounded to f16; with
//   at least four column tiles (StreamKShape::sharedX) the block converts
//   each unit's slice of X to f16 once into shared memory (fillX) and the
//   warps, one per tile, load their A fragments with ldmatrix.
// - A pair decodes in registers with two integer ops:
//   ((w >> 4p) & 0x000F000F) | 0x64006400 is the f16 pair (1024 + q0,
//   1024 + q1); subtracting 1024 + z leaves q - z exactly.
// - The scale is applied per group, in f32, to the mma's partial sums over
//   the group (at most 128 deep), so the only rounding beyond the reference
//   evaluator's is X's to f16 (the A16 of W4A16).
// - Stream-K: the (64-column tile, K unit) items, units min(G, 128) deep,
//   are split evenly over one wave of 4-warp blocks (four per
//   multiprocessor of an H100/H200; grid.z: 16-row tiles). A
//   block walks its items tile by tile; its warps take a tile's units
//   round-robin, add their accumulators in shared memory, and the block
//   adds the sum to Y with atomics (Y is zero-filled before, like the
//   generic's init): no second pass, no tail wave, and 4096 columns still
//   fill the GPU.
//
// The stream-K skeleton (work split, cp.async pipeline, block sums,
// atomics) is shared with the W8A8 kernel: StreamKGemm.h.
//
// K that is not a multiple of the unit is padded to one with zero-point
// weights (decoding to 0), and X's pairs past K read as zeros. A generic
// the kernel cannot take (odd K, several groups of a size that is not a
// multiple of 16, zero points that are not integers, operands that are
// not constant globals) stays a generic, which qc-gpu-distribute lowers
// like any other.
//
//===----------------------------------------------------------------------===//

#include "StreamKGemm.h"

#include "quantc/Support/Constants.h"
#include "quantc/Target/CUDA/Passes.h"
#include "quantc/Target/LoopUtils.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include <algorithm>
#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUW4A16GEMM
#include "quantc/Target/CUDA/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::cuda;

namespace {

constexpr int64_t kStep = 16;     // k per mma
constexpr int64_t kMaxUnit = 128; // k per scale application

/// The compile-time shape of one kernel.
struct Geometry : StreamKShape {
  int64_t kValid; // K; k is K rounded up to a multiple of the unit
  int64_t group;  // k per scale and zero point
  int64_t groups; // scale rows: ceil(K / group)
};

/// The packed weights, scales and (when not all equal) zero points.
struct Packed {
  std::vector<uint32_t> words; // [tiles][steps][32 lanes][4]
  std::vector<float> scales;   // [groups][tiles * 64], 0 past N
  std::vector<uint32_t> zeros; // [groups][tiles * 64]: f16 pair 1024 + z
  int64_t zero = -1;           // the one zero point, when uniform
};

uint32_t f16PairOf(int64_t z) {
  uint32_t h = 0x6400u + (uint32_t)z; // f16 1024 + z (z in 0..15)
  return h | (h << 16);
}

Packed pack(const Geometry &g, ArrayRef<int64_t> q, ArrayRef<float> s,
            ArrayRef<float> z) {
  Packed p;
  int64_t kb = g.groups, cols = g.tiles * kTileN;
  p.words.assign(g.tiles * g.steps * 32 * 4, 0);
  for (int64_t t = 0; t < g.tiles; ++t)
    for (int64_t st = 0; st < g.steps; ++st)
      for (int64_t lane = 0; lane < 32; ++lane) {
        int64_t r = lane / 4, c = lane % 4;
        uint32_t *w = &p.words[((t * g.steps + st) * 32 + lane) * 4];
        for (int64_t h = 0; h < 8; ++h) {
          int64_t n = t * kTileN + h * 8 + r;
          int64_t i = h / 2, e = h % 2;
          for (int64_t pair = 0; pair < 2; ++pair)
            for (int64_t half = 0; half < 2; ++half) {
              int64_t kk = st * kStep + 2 * c + 8 * pair + half;
              // Past N and past K: the zero point itself, which decodes
              // to 0.
              int64_t v =
                  n >= g.n ? (int64_t)z[(g.n - 1) * kb]
                  : kk >= g.kValid
                      ? (int64_t)z[n * kb + std::min(kk / g.group, kb - 1)]
                      : q[n * g.kValid + kk];
              int64_t nibble = 2 * e + pair + 4 * half;
              w[i] |= uint32_t(v & 15) << (4 * nibble);
            }
        }
      }
  p.scales.assign(kb * cols, 0.0f);
  p.zeros.assign(kb * cols, f16PairOf(8));
  p.zero = (int64_t)z[0];
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t grp = 0; grp < kb; ++grp) {
      p.scales[grp * cols + n] = s[n * kb + grp];
      p.zeros[grp * cols + n] = f16PairOf((int64_t)z[n * kb + grp]);
      if ((int64_t)z[n * kb + grp] != p.zero)
        p.zero = -1;
    }
  // Padding columns decode to 0 with any zero point: their nibbles hold it.
  for (int64_t n = g.n; n < cols; ++n)
    for (int64_t grp = 0; grp < kb; ++grp)
      p.zeros[grp * cols + n] = f16PairOf((int64_t)z[(g.n - 1) * kb]);
  return p;
}

/// One unit of the W4A16 kernel: decode, f16 mma.sync, per-group scale.
struct W4A16Builder : StreamKGemmBuilder {
  W4A16Builder(OpBuilder &b, Location loc, const Geometry &g, Value x, Value y,
               Value words, Value scales, Value zeros, int64_t zero)
      : StreamKGemmBuilder(b, loc, g, words, y, /*integer=*/false), g(g), x(x),
        scales(scales), zeros(zeros), zero(zero) {}

  const Geometry &g;
  Value x, scales, zeros; // zeros: null when uniform
  int64_t zero;

  Type f16() { return b.getF16Type(); }

  Value zeroA() {
    auto v2f16 = VectorType::get({2}, f16());
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(v2f16, b.getF16FloatAttr(0.0f)));
  }

  /// X[row][k], X[row][k + 1] as an f16 pair; zeros for rows past M and,
  /// when K is not a multiple of the unit, for k past K (K is even: a pair
  /// is either in or out).
  Value loadA(Value row, Value valid, Value k) {
    auto v2f32 = VectorType::get({2}, f32());
    auto v2f16 = VectorType::get({2}, f16());
    Value safe = arith::MinUIOp::create(b, loc, row, idx(g.m - 1));
    if (g.kValid != g.k) {
      valid = arith::AndIOp::create(b, loc, valid, ult(k, idx(g.kValid)));
      k = minu(k, idx(g.kValid - 2));
    }
    Value v = vector::LoadOp::create(b, loc, v2f32, x, ValueRange{safe, k},
                                     /*nontemporal=*/false, llvm::Align(8));
    Value h = arith::TruncFOp::create(b, loc, v2f16, v);
    return arith::SelectOp::create(b, loc, valid, h, zeroA());
  }

  /// X's rows 16 rowTile .. (at most M of them) and k from u * unit, as f16
  /// pairs in xs[stage] (zeros past M and past K), one pair per item.
  void fillX(Value u, Value stage) override {
    int64_t perRow = g.unit / 2;
    forEachBlockItem(std::min<int64_t>(16, g.m) * perRow, [&](Value id) {
      Value row = div(id, perRow), kk = mulc(rem(id, perRow), 2);
      Value gRow = add(mulc(rowTile, 16), row);
      Value h = loadA(gRow, ult(gRow, idx(g.m)), add(mulc(u, g.unit), kk));
      vector::StoreOp::create(b, loc, h, xs, ValueRange{stage, row, kk},
                              /*nontemporal=*/false, llvm::Align(4));
    });
  }

  /// Pair `p` (0..3) of a packed word minus the zero point, as f16 q - z.
  Value decode(Value word, int64_t p, Value zeroPair) {
    Value v = word;
    if (p)
      v = arith::ShRUIOp::create(b, loc, v, i32c(4 * p));
    v = arith::AndIOp::create(b, loc, v, i32c(0x000F000Fu));
    v = arith::OrIOp::create(b, loc, v, i32c(0x64006400u));
    auto v2f16 = VectorType::get({2}, f16());
    // (arith.bitcast keeps the shape; LLVM's does not need to.)
    Value h = LLVM::BitcastOp::create(b, loc, v2f16, v);
    Value zp = LLVM::BitcastOp::create(b, loc, v2f16, zeroPair);
    return arith::SubFOp::create(b, loc, h, zp);
  }

  SmallVector<Value> mma(ArrayRef<Value> a, ArrayRef<Value> bf,
                         ArrayRef<Value> c) {
    MLIRContext *ctx = b.getContext();
    Type f = f32();
    auto st = LLVM::LLVMStructType::getLiteral(ctx, {f, f, f, f});
    Value d = NVVM::MmaOp::create(
        b, loc, st, a, bf, c, {16, 8, 16}, std::nullopt, std::nullopt,
        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::f16, NVVM::MMATypes::f16},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    SmallVector<Value> out;
    for (int64_t i = 0; i < 4; ++i)
      out.push_back(LLVM::ExtractValueOp::create(b, loc, d, i));
    return out;
  }

  SmallVector<Value> unit(Value u, Value stage, ValueRange acc) override {
    Value zeroF = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    Value col8 = add(mulc(tile, kTileN), r); // + 8h: B fragment column
    Value grp = div(mulc(u, g.unit), g.group);
    SmallVector<Value> zp(8, i32c(f16PairOf(std::max<int64_t>(zero, 0))));
    if (zeros)
      for (int64_t h = 0; h < 8; ++h)
        zp[h] = memref::LoadOp::create(
            b, loc, zeros,
            ValueRange{add(mulc(grp, g.tiles * kTileN), addc(col8, 8 * h))});
    SmallVector<Value> part(8 * 4, zeroF);
    int64_t su = g.stepsPerUnit();
    Value stepBase = mulc(u, su);
    for (int64_t j = 0; j < su; ++j) {
      Value st = addc(stepBase, j);
      Value w = vector::LoadOp::create(b, loc, VectorType::get({4}, i32()),
                                       smem, slot(stage, j),
                                       /*nontemporal=*/false, llvm::Align(16));
      SmallVector<Value> a;
      if (g.sharedX) {
        a = ldmatrixA(stage, j); // f16 pairs of X's slice
      } else {
        Value k0 = add(mulc(st, kStep), mulc(c, 2)), k8 = addc(k0, 8);
        // At most 8 rows: the fragment's rows 8..15 are zeros.
        Value hi0 = g.m > 8 ? loadA(row1, valid1, k0) : zeroA();
        Value hi8 = g.m > 8 ? loadA(row1, valid1, k8) : zeroA();
        a = {loadA(row0, valid0, k0), hi0, loadA(row0, valid0, k8), hi8};
      }
      for (int64_t i = 0; i < 4; ++i) {
        Value word = vector::ExtractOp::create(b, loc, w, i);
        for (int64_t e = 0; e < 2; ++e) {
          int64_t h = 2 * i + e;
          SmallVector<Value> bf = {decode(word, 2 * e, zp[h]),
                                   decode(word, 2 * e + 1, zp[h])};
          SmallVector<Value> d =
              mma(a, bf, ArrayRef<Value>(part).slice(4 * h, 4));
          std::copy(d.begin(), d.end(), part.begin() + 4 * h);
        }
      }
    }
    // acc += partial * scale, columns 8h + 2c and + 1 (rows r, r + 8).
    SmallVector<Value> next;
    Value scaleRow = mulc(grp, g.tiles * kTileN);
    Value col2 = add(mulc(tile, kTileN), mulc(c, 2));
    for (int64_t h = 0; h < 8; ++h) {
      Value sv =
          vector::LoadOp::create(b, loc, VectorType::get({2}, f32()), scales,
                                 ValueRange{add(scaleRow, addc(col2, 8 * h))},
                                 /*nontemporal=*/false, llvm::Align(8));
      for (int64_t e = 0; e < 4; ++e) {
        Value s = vector::ExtractOp::create(b, loc, sv, e % 2);
        next.push_back(
            math::FmaOp::create(b, loc, part[4 * h + e], s, acc[4 * h + e]));
      }
    }
    return next;
  }
};

/// Rewrites one tagged generic; false (and nothing changed) when the kernel
/// cannot take it.
bool lowerToKernel(OpBuilder &b, ModuleOp module, linalg::GenericOp op,
                   bool sharedX) {
  auto groupAttr = op->getAttrOfType<IntegerAttr>("qc.w4_group");
  if (!groupAttr || op.getNumDpsInputs() != 4 || op.getNumDpsInits() != 1)
    return false;
  Value x = op.getDpsInputs()[0], y = op.getDpsInits()[0];
  memref::GlobalOp qg = constantGlobalOf(module, op.getDpsInputs()[1]),
                   sg = constantGlobalOf(module, op.getDpsInputs()[2]),
                   zg = constantGlobalOf(module, op.getDpsInputs()[3]);
  auto xt = dyn_cast<MemRefType>(x.getType());
  auto yt = dyn_cast<MemRefType>(y.getType());
  if (!qg || !sg || !zg || !xt || !yt || xt.getRank() != 2 ||
      yt.getRank() != 2 || !xt.hasStaticShape() || !yt.hasStaticShape() ||
      !xt.isLastDimUnitStride())
    return false;
  auto qa = cast<ElementsAttr>(*qg.getInitialValue());
  ArrayRef<int64_t> qShape = cast<ShapedType>(qa.getType()).getShape();
  Geometry g;
  g.m = xt.getDimSize(0);
  g.kValid = xt.getDimSize(1);
  g.n = yt.getDimSize(1);
  g.group = groupAttr.getInt();
  int64_t k = g.kValid;
  if (qShape.size() != 2 || qShape[0] != g.n || qShape[1] != k ||
      yt.getDimSize(0) != g.m || g.m < 1 || k < 2 || k % 2 || g.group < 1)
    return false;
  g.groups = (k + g.group - 1) / g.group;
  if (g.groups == 1) {
    // One scale per column (per-channel weights): any unit; K padded to
    // whole units with zero weights.
    g.unit = std::min(kMaxUnit, (k + kStep - 1) / kStep * kStep);
    g.group = g.k = (k + g.unit - 1) / g.unit * g.unit;
  } else {
    // Units within groups: groups of 16s up to 128, or of 128s.
    if (g.group % kStep || (g.group > kMaxUnit && g.group % kMaxUnit))
      return false;
    g.unit = std::min(g.group, kMaxUnit);
    g.k = (k + g.unit - 1) / g.unit * g.unit;
  }
  g.stepK = kStep;
  g.chunks = 1;
  g.sharedX = sharedX && worthSharingX(g.n);
  if (!planStreamK(g))
    return false;

  auto qv = readIntElements(qa, /*isUnsigned=*/true);
  auto sv = readFloatElements(cast<ElementsAttr>(*sg.getInitialValue()));
  auto zv = readFloatElements(cast<ElementsAttr>(*zg.getInitialValue()));
  if (!qv || !sv || !zv || (int64_t)qv->size() != g.n * k ||
      (int64_t)sv->size() != g.n * g.groups ||
      (int64_t)zv->size() != g.n * g.groups)
    return false;
  for (float z : *zv)
    if (z != std::round(z) || z < 0 || z > 15)
      return false;
  for (int64_t v : *qv)
    if (v < 0 || v > 15)
      return false;
  Packed p = pack(g, *qv, *sv, *zv);

  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  auto global = [&](memref::GlobalOp gl) {
    return memref::GetGlobalOp::create(b, loc, gl.getType(), gl.getSymName())
        .getResult();
  };
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  Value words = global(
      addGlobal(b, module, "__qc_w4a16_weights", ArrayRef(p.words), i32));
  Value scales = global(
      addGlobal(b, module, "__qc_w4a16_scales", ArrayRef(p.scales), f32));
  Value zeros;
  if (p.zero < 0)
    zeros = global(
        addGlobal(b, module, "__qc_w4a16_zeros", ArrayRef(p.zeros), i32));

  W4A16Builder kb(b, loc, g, x, y, words, scales, zeros, p.zero);
  emitStreamKKernel(op, kb);
  return true;
}

struct QCGPUW4A16GemmPass : qc::impl::QCGPUW4A16GemmBase<QCGPUW4A16GemmPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(&getContext());
    for (linalg::GenericOp op : taggedGenerics(module, "gemv_w4_f32"))
      (void)lowerToKernel(b, module, op, sharedX);
  }
};

} // namespace

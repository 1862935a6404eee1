//===- W8A8Gemm.cpp - W8A8 matrix products on int8 tensor cores -----------===//
//
// qc-gpu-w8a8-gemm: each `matmul_u8s8s32` generic (convert-qc-to-linalg with
// integer-contractions, for W8A8 matrix products and, on their im2col,
// convolutions: ACC[m][n] += zext(X[m][k]) * sext(W[n][k]), u8
// activations, s8 weights, i32 sums) becomes a launch of a warp-level kernel
// on `mma.sync.m16n8k32` with u8 A, s8 B and s32 accumulators: the products
// are exact, so the kernel computes the reference evaluator's integers. The
// requantizing epilogue after the generic runs in the kernel where its
// blocks own whole tiles (StreamKGemm.h, Epilogue.h), else as its own
// elementwise kernel.
//
// The skeleton (stream-K over (64-column tile, 64-deep unit) items, weights
// double-buffered per warp in shared memory with cp.async, block sums,
// atomics) is StreamKGemm.h's, shared with the W4A16 kernel:
//
// - The weights are packed at compile time in the order of the mma's B
//   fragments: for each 64-column tile t and 32-deep step s, lane l
//   (r = l / 4, c = l % 4) holds four 128-bit chunks; chunk i, word 2e + j
//   holds W[64t + 8(2i + e) + r][32s + 16j + 4c + b] at byte b: register j
//   of its B fragment for the 8-column sub-tile 2i + e. A warp's load of one
//   chunk is 512 contiguous bytes; columns past N hold zeros.
// - A fragments come straight from X (u8, [M][K]): register 0 is
//   X[r][32s + 4c .. + 3] as one 32-bit load, register 1 row r + 8,
//   registers 2 and 3 the same 16 deeper. Rows past M read row M - 1 and are
//   replaced by zeros (their sums are not stored). K that is not a multiple
//   of 32 is padded to one with zero weights, and X's groups of four past K
//   read as zeros. With at least four column tiles (StreamKShape::sharedX)
//   the block copies each unit's slice of X once into shared memory
//   (fillX; byte pairs as 16-bit elements) and the warps, one per tile,
//   load the same registers with ldmatrix.
// - Sums are exact in i32 across units, warps and blocks (integer atomics),
//   so the result does not depend on the split.
//
// A generic the kernel cannot take (K not a multiple of 4, weights that are
// not a constant global, strided operands, more than 65535 row tiles) stays
// a generic, which qc-gpu-distribute lowers like any other.
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

namespace mlir::qc {
#define GEN_PASS_DEF_QCGPUW8A8GEMM
#include "quantc/Target/CUDA/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::cuda;

namespace {

constexpr int64_t kStep = 32;  // k per mma
constexpr int64_t kChunks = 4; // 16-byte chunks per lane and step
constexpr int64_t kUnit = 64;  // k per work item (32 when K is not 64s)

/// W[N][K] (s8) in B-fragment order: [tiles][steps][4 chunks][32][4] i32,
/// zeros past N and past K (s.k is K rounded up to the step).
std::vector<uint32_t> pack(const StreamKShape &s, int64_t kValid,
                           ArrayRef<int64_t> w) {
  std::vector<uint32_t> words(s.tiles * s.steps * kChunks * 32 * 4, 0);
  for (int64_t t = 0; t < s.tiles; ++t)
    for (int64_t st = 0; st < s.steps; ++st)
      for (int64_t i = 0; i < kChunks; ++i)
        for (int64_t lane = 0; lane < 32; ++lane) {
          int64_t r = lane / 4, c = lane % 4;
          uint32_t *out =
              &words[(((t * s.steps + st) * kChunks + i) * 32 + lane) * 4];
          for (int64_t e = 0; e < 2; ++e) {
            int64_t n = t * kTileN + 8 * (2 * i + e) + r;
            if (n >= s.n)
              continue;
            for (int64_t j = 0; j < 2; ++j)
              for (int64_t byte = 0; byte < 4; ++byte) {
                int64_t k = st * kStep + 16 * j + 4 * c + byte;
                if (k < kValid)
                  out[2 * e + j] |= uint32_t(uint8_t(int8_t(w[n * kValid + k])))
                                    << (8 * byte);
              }
          }
        }
  return words;
}

/// One unit of the W8A8 kernel: u8 x s8 mma.sync into the i32 sums.
struct W8A8Builder : StreamKGemmBuilder {
  W8A8Builder(OpBuilder &b, Location loc, const StreamKShape &s, Value x,
              Value y, Value words, int64_t kValid)
      : StreamKGemmBuilder(b, loc, s, words, y, /*integer=*/true), x(x),
        kValid(kValid) {}

  Value x;
  int64_t kValid; // K; s.k is K rounded up to a multiple of 32

  /// X[row][k .. k + 3] as one i32 (byte b at bits 8b); zero for rows past
  /// M and, when K is not a multiple of 32, for k past K (K is a multiple
  /// of 4: a group of four is either in or out).
  Value loadA(Value row, Value valid, Value k) {
    Value safe = minu(row, idx(s.m - 1));
    if (kValid != s.k) {
      valid = arith::AndIOp::create(b, loc, valid, ult(k, idx(kValid)));
      k = minu(k, idx(kValid - 4));
    }
    Value v = vector::LoadOp::create(
        b, loc, VectorType::get({4}, b.getI8Type()), x, ValueRange{safe, k},
        /*nontemporal=*/false, llvm::Align(4));
    Value word = LLVM::BitcastOp::create(b, loc, i32(), v);
    return arith::SelectOp::create(b, loc, valid, word, i32c(0));
  }

  SmallVector<Value> mma(ArrayRef<Value> a, ArrayRef<Value> bf,
                         ArrayRef<Value> c) {
    Type t = i32();
    auto st = LLVM::LLVMStructType::getLiteral(b.getContext(), {t, t, t, t});
    Value d = NVVM::MmaOp::create(
        b, loc, st, a, bf, c, {16, 8, 32}, std::nullopt,
        NVVM::MMAIntOverflow::wrapped,
        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::u8, NVVM::MMATypes::s8},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    SmallVector<Value> out;
    for (int64_t i = 0; i < 4; ++i)
      out.push_back(LLVM::ExtractValueOp::create(b, loc, d, i));
    return out;
  }

  /// X's rows 16 rowTile .. (at most M of them) and k from u * unit, as
  /// groups of four bytes (zeros past M and past K) in xs[stage], whose f16
  /// elements hold byte pairs, one group per item.
  void fillX(Value u, Value stage) override {
    int64_t perRow = s.unit / 4;
    auto v2f16 = VectorType::get({2}, b.getF16Type());
    forEachBlockItem(std::min<int64_t>(16, s.m) * perRow, [&](Value id) {
      Value row = div(id, perRow), kk = mulc(rem(id, perRow), 4);
      Value gRow = add(mulc(rowTile, 16), row);
      Value word = loadA(gRow, ult(gRow, idx(s.m)), add(mulc(u, s.unit), kk));
      Value pair = LLVM::BitcastOp::create(b, loc, v2f16, word);
      vector::StoreOp::create(b, loc, pair, xs,
                              ValueRange{stage, row, div(kk, 2)},
                              /*nontemporal=*/false, llvm::Align(4));
    });
  }

  SmallVector<Value> unit(Value u, Value stage, ValueRange acc) override {
    SmallVector<Value> sums(acc.begin(), acc.end());
    int64_t su = s.stepsPerUnit();
    Value stepBase = mulc(u, su);
    for (int64_t j = 0; j < su; ++j) {
      SmallVector<Value> a;
      if (s.sharedX) {
        // Byte pairs: each register is four consecutive k of one row.
        for (Value pair : ldmatrixA(stage, j))
          a.push_back(LLVM::BitcastOp::create(b, loc, i32(), pair));
      } else {
        Value k0 = add(mulc(addc(stepBase, j), kStep), mulc(c, 4));
        Value k16 = addc(k0, 16);
        // At most 8 rows: the fragment's rows 8..15 are zeros.
        Value hi0 = s.m > 8 ? loadA(row1, valid1, k0) : i32c(0);
        Value hi16 = s.m > 8 ? loadA(row1, valid1, k16) : i32c(0);
        a = {loadA(row0, valid0, k0), hi0, loadA(row0, valid0, k16), hi16};
      }
      for (int64_t i = 0; i < kChunks; ++i) {
        Value w =
            vector::LoadOp::create(b, loc, VectorType::get({4}, i32()), smem,
                                   slot(stage, j * kChunks + i),
                                   /*nontemporal=*/false, llvm::Align(16));
        for (int64_t e = 0; e < 2; ++e) {
          int64_t h = 2 * i + e;
          SmallVector<Value> bf = {
              vector::ExtractOp::create(b, loc, w, 2 * e),
              vector::ExtractOp::create(b, loc, w, 2 * e + 1)};
          SmallVector<Value> d =
              mma(a, bf, ArrayRef<Value>(sums).slice(4 * h, 4));
          std::copy(d.begin(), d.end(), sums.begin() + 4 * h);
        }
      }
    }
    return sums;
  }
};

/// Rewrites one tagged generic; false (and nothing changed) when the kernel
/// cannot take it.
bool lowerToKernel(OpBuilder &b, ModuleOp module, linalg::GenericOp op,
                   bool sharedX) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  Value x = op.getDpsInputs()[0], y = op.getDpsInits()[0];
  memref::GlobalOp wg = constantGlobalOf(module, op.getDpsInputs()[1]);
  auto xt = dyn_cast<MemRefType>(x.getType());
  auto yt = dyn_cast<MemRefType>(y.getType());
  if (!wg || !xt || !yt || xt.getRank() != 2 || yt.getRank() != 2 ||
      !xt.hasStaticShape() || !yt.hasStaticShape() ||
      !xt.getLayout().isIdentity() || !yt.getLayout().isIdentity() ||
      !xt.getElementType().isInteger(8) || !yt.getElementType().isInteger(32))
    return false;
  auto wa = cast<ElementsAttr>(*wg.getInitialValue());
  ArrayRef<int64_t> wShape = cast<ShapedType>(wa.getType()).getShape();
  StreamKShape s;
  s.m = xt.getDimSize(0);
  int64_t k = xt.getDimSize(1);
  s.n = yt.getDimSize(1);
  if (wShape.size() != 2 || wShape[0] != s.n || wShape[1] != k ||
      yt.getDimSize(0) != s.m || s.m < 1 || k < 4 || k % 4)
    return false;
  // K padded with zero weights to whole 32-deep steps.
  s.k = (k + kStep - 1) / kStep * kStep;
  s.stepK = kStep;
  s.chunks = kChunks;
  s.unit = s.k % kUnit ? kStep : kUnit;
  s.sharedX = sharedX && worthSharingX(s.n);
  s.xBytes = 1;
  if (!planStreamK(s))
    return false;
  auto wv = readIntElements(wa, /*isUnsigned=*/false);
  if (!wv || (int64_t)wv->size() != s.n * k)
    return false;
  std::vector<uint32_t> words = pack(s, k, *wv);

  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  memref::GlobalOp packed = addGlobal(b, module, "__qc_w8a8_weights",
                                      ArrayRef(words), b.getI32Type());
  Value wordsV = memref::GetGlobalOp::create(b, loc, packed.getType(),
                                             packed.getSymName());
  W8A8Builder kb(b, loc, s, x, y, wordsV, k);
  emitStreamKKernel(op, kb);
  return true;
}

struct QCGPUW8A8GemmPass : qc::impl::QCGPUW8A8GemmBase<QCGPUW8A8GemmPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(&getContext());
    for (linalg::GenericOp op : taggedGenerics(module, "matmul_u8s8s32"))
      (void)lowerToKernel(b, module, op, sharedX);
  }
};

} // namespace

//===- StreamKGemm.h - the skeleton of the tensor-core GEMM kernels -*- C++
//-*-//
//
// What the W4A16 (qc-gpu-w4a16-gemm) and W8A8 (qc-gpu-w8a8-gemm) kernels
// share: Y[M][N] (+)= X[M][K] * W[K][N] for small M with W packed at compile
// time in the order of the mma's B fragments, walked stream-K.
//
// - Work items are (64-column tile, K unit) pairs, split evenly over one
//   wave of 4-warp blocks (grid.z: 16-row tiles). A block walks its items
//   tile by tile; its warps take a tile's units round-robin.
// - A unit's packed weights are `chunks` 16-byte chunks per lane and step;
//   each warp double-buffers them in its own shared-memory slots with
//   cp.async. Each lane copies and later reads only its own chunks, so
//   cp.async.wait_group orders them without a barrier.
// - Per lane the accumulators are the mma's C fragments of the tile's eight
//   8-column sub-tiles: value 4h + e is row r (+ 8 for e >= 2), column
//   8h + 2c + (e & 1) with r = lane / 4, c = lane % 4.
// - The block adds its warps' accumulators in shared memory (reusing the
//   weight slots) and adds the sum to Y with atomics: Y must be zero-filled
//   before (the generics' init is). When every block covers whole tiles
//   (many row tiles: convolutions, with pixels as rows), the block's sums
//   are final: it stores them, or hands them to a fused epilogue
//   (Epilogue.h), and Y needs no zero fill.
//
// Shared-X mode (StreamKShape::sharedX, for N of at least kWarps tiles): the
// items are (group of kWarps tiles, K unit) pairs instead; the block's warps
// take the group's tiles, one each, and walk the same units together, so
// each unit's slice of X (16 rows x unit) is read from global memory once
// per block into shared memory (StreamKGemmBuilder::fillX) and every warp
// reads its A fragments from there with ldmatrix. A warp
// sums its own tile: no block sum; the atomics, stores or fused epilogue
// take each lane's accumulators directly.
//
// A kernel supplies the body of one unit (StreamKGemmBuilder::unit).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_CUDA_STREAMKGEMM_H
#define QUANTC_LIB_TARGET_CUDA_STREAMKGEMM_H

#include "quantc/Support/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include <functional>

namespace mlir::qc::cuda {

constexpr int64_t kWarps = 4;  // per block
constexpr int64_t kStages = 2; // weight units in flight per warp
constexpr int64_t kTileN = 64; // columns per warp tile
/// Blocks worth launching: four per multiprocessor of an H100/H200 (132).
constexpr int64_t kTargetBlocks = 528;

/// The compile-time shape of one kernel.
struct StreamKShape {
  int64_t m = 0, n = 0, k = 0;
  int64_t stepK = 0;    // k per mma
  int64_t chunks = 0;   // 16-byte weight chunks per lane and step
  int64_t unit = 0;     // k per work item (a multiple of stepK)
  int64_t tiles = 0;    // 64-column tiles
  int64_t steps = 0;    // K / stepK
  int64_t units = 0;    // K / unit
  int64_t rowTiles = 0; // 16-row tiles
  int64_t perBlock = 0; // (tile, unit) items per block
  int64_t blocks = 0;   // along the (tile, unit) space
  bool owned = false;   // each block sums whole tiles (perBlock % units == 0)
  bool sharedX = false; // items are (kWarps tiles, unit): X shared by warps
  int64_t xBytes = 2;   // sharedX: bytes per element of X in shared memory
  int64_t xStride = 0;  // sharedX: 16-bit elements per row of an X slice

  /// Tile groups along N: tiles with sharedX (items are (group, unit)).
  int64_t groupsN() const {
    return sharedX ? (tiles + kWarps - 1) / kWarps : tiles;
  }

  int64_t stepsPerUnit() const { return unit / stepK; }
  /// 16-byte chunks per lane and unit.
  int64_t chunksPerUnit() const { return stepsPerUnit() * chunks; }
};

/// Fills the derived fields of `s` from m, n, k, stepK, chunks and unit
/// (k a multiple of unit, unit of stepK), sharedX and xBytes. False when the
/// launch would exceed the grid's limits (more than 65535 16-row tiles in
/// grid.z).
bool planStreamK(StreamKShape &s);

/// Whether a kernel of N columns is worth sharing X (sharedX): whole groups
/// of kWarps tiles, or enough tiles that a partial last group wastes little.
bool worthSharingX(int64_t n);

/// The generics on buffers tagged `qc.ukernel = kind` outside any launch:
/// what a kernel pass rewrites.
SmallVector<linalg::GenericOp> taggedGenerics(ModuleOp module, StringRef kind);

/// A new private constant global holding `data`, 64-byte aligned.
template <typename T>
memref::GlobalOp addGlobal(OpBuilder &b, ModuleOp module, StringRef name,
                           ArrayRef<T> data, Type elem) {
  OpBuilder::InsertionGuard guard(b);
  b.clearInsertionPoint(); // SymbolTable::insert names it uniquely
  int64_t size = data.size();
  auto tensor = RankedTensorType::get({size}, elem);
  ArrayRef<char> bytes(reinterpret_cast<const char *>(data.data()),
                       data.size() * sizeof(T));
  auto global = memref::GlobalOp::create(
      b, module.getLoc(), name, b.getStringAttr("private"),
      MemRefType::get({size}, elem), makeRawResource(tensor, name, bytes),
      /*constant=*/true, b.getI64IntegerAttr(64));
  SymbolTable(module).insert(global, module.getBody()->begin());
  return global;
}

/// The launch of a kernel of shape `s`: (blocks, 1, rowTiles) blocks of
/// kWarps warps, with the weight slots the skeleton needs (with sharedX,
/// build() adds a workgroup global of kStages slices of X as 16-bit
/// elements, [kStages][16][xStride] f16). The builder is left at the start
/// of its body.
gpu::LaunchOp createStreamKLaunch(OpBuilder &b, Location loc,
                                  const StreamKShape &s);

/// Builds a kernel's body inside its launch.
struct StreamKGemmBuilder {
  StreamKGemmBuilder(OpBuilder &b, Location loc, const StreamKShape &s,
                     Value words, Value y, bool integer)
      : b(b), loc(loc), s(s), words(words), y(y), integer(integer) {}
  virtual ~StreamKGemmBuilder() = default;

  OpBuilder &b;
  Location loc;
  const StreamKShape &s;
  Value words;  // the packed weights: [tiles][steps][chunks][32 lanes][4] i32
  Value y;      // [M][N], f32 or i32
  bool integer; // i32 accumulators and Y, else f32

  // Set by build() before unit() is called (xs: with sharedX only).
  Value smem, xs, tid, lane, warp, r, c, row0, row1, valid0, valid1, rowTile,
      tile;

  /// The accumulators after unit `u` of `tile`, whose weights are in slot
  /// `stage` (chunk j at slot(stage, j)) and, with sharedX, its slice of X
  /// in xs[stage].
  virtual SmallVector<Value> unit(Value u, Value stage, ValueRange acc) = 0;

  /// With sharedX: the block's threads together write unit `u`'s slice of X
  /// (rows 16 rowTile .., k from u * unit) to xs[stage]. The skeleton puts
  /// a barrier between it and unit().
  virtual void fillX(Value u, Value stage) {}

  /// With sharedX: the A fragment of mma step j of the unit in xs[stage],
  /// four 16-bit pairs, by one ldmatrix.x4 (lanes 0-7 address rows 0-7 of
  /// the step's first 16 bytes, lanes 8-15 rows 8-15, lanes 16-31 the same
  /// 16 bytes further).
  SmallVector<Value> ldmatrixA(Value stage, int64_t j);

  /// Runs `body(id)` for ids tid, tid + 128, ... below `count`: the block's
  /// threads sharing `count` items (a guard only for the last round, when
  /// it is partial).
  void forEachBlockItem(int64_t count, function_ref<void(Value id)> body);

  /// The shared-memory index (i32) of this lane's chunk j (0 ..
  /// chunksPerUnit) of the unit in `stage`.
  Value slot(Value stage, int64_t j);

  /// With `s.owned`: what becomes of the final sum of Y[row][col] (row < M,
  /// col < N); unset, it is stored to Y.
  std::function<void(Value row, Value col, Value sum)> epilogue;

  /// The whole body: stream-K loops, the cp.async pipeline, the block's sum
  /// and the atomics (or, with `s.owned`, the stores or the epilogue).
  void build(gpu::LaunchOp launch);

  Type f32() { return b.getF32Type(); }
  Type i32() { return b.getI32Type(); }
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value a, Value c) { return arith::AddIOp::create(b, loc, a, c); }
  Value sub(Value a, Value c) { return arith::SubIOp::create(b, loc, a, c); }
  Value mul(Value a, Value c) { return arith::MulIOp::create(b, loc, a, c); }
  Value mulc(Value a, int64_t c) { return mul(a, idx(c)); }
  Value addc(Value a, int64_t c) { return c ? add(a, idx(c)) : a; }
  Value div(Value a, int64_t c) {
    return arith::DivUIOp::create(b, loc, a, idx(c));
  }
  Value rem(Value a, int64_t c) {
    return arith::RemUIOp::create(b, loc, a, idx(c));
  }
  Value minu(Value a, Value c) { return arith::MinUIOp::create(b, loc, a, c); }
  Value maxu(Value a, Value c) { return arith::MaxUIOp::create(b, loc, a, c); }
  Value ult(Value a, Value c) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, a, c);
  }
  Value i32c(uint32_t v) {
    return arith::ConstantIntOp::create(b, loc, i32(), (int64_t)v);
  }

private:
  void issue(Value u, Value stage);
  /// The pipeline over units [first, end) of `tile`: the accumulators.
  scf::ForOp unitLoop(Value first, Value end, int64_t step);
  /// What becomes of the final (or, split, partial) sum of Y[row][col].
  void finish(Value row, Value col, Value sum);
  void buildSharedX(gpu::LaunchOp launch);
};

/// The launch of `kb`'s kernel at the builder's insertion point, in place
/// of the tagged generic `op` (erased, and with it the reads of its
/// unpacked constant operands, all but X, that nothing else uses). With
/// `kb.s.owned`, Y's zero fill before `op` goes, and the elementwise
/// epilogue after `op` runs in the kernel when FusedEpilogue can take it
/// (the epilogue generic is erased).
void emitStreamKKernel(linalg::GenericOp op, StreamKGemmBuilder &kb);

} // namespace mlir::qc::cuda

#endif // QUANTC_LIB_TARGET_CUDA_STREAMKGEMM_H

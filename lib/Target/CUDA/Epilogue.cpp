//===- Epilogue.cpp - elementwise epilogues fused into GEMM kernels -------===//
//
// See Epilogue.h.
//
//===----------------------------------------------------------------------===//

#include "Epilogue.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::cuda;

namespace {

/// The buffer that `v` reshapes (through expand/collapse_shape), or `v`.
Value reshapeRoot(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto e = dyn_cast<memref::ExpandShapeOp>(def))
      v = e.getSrc();
    else if (auto c = dyn_cast<memref::CollapseShapeOp>(def))
      v = c.getSrc();
    else
      break;
  }
  return v;
}

bool isPlain(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  return t && t.hasStaticShape() && t.getLayout().isIdentity();
}

/// `e` as a sum of coefficient * loop (a zero constant allowed): false for
/// anything else.
bool flatten(AffineExpr e, int64_t scale,
             SmallVectorImpl<std::pair<unsigned, int64_t>> &terms) {
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    terms.push_back({d.getPosition(), scale});
    return true;
  }
  if (auto c = dyn_cast<AffineConstantExpr>(e))
    return c.getValue() == 0;
  auto bin = dyn_cast<AffineBinaryOpExpr>(e);
  if (!bin)
    return false;
  if (e.getKind() == AffineExprKind::Add)
    return flatten(bin.getLHS(), scale, terms) &&
           flatten(bin.getRHS(), scale, terms);
  if (e.getKind() == AffineExprKind::Mul) {
    auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
    return c && c.getValue() > 0 &&
           flatten(bin.getLHS(), scale * c.getValue(), terms);
  }
  return false;
}

/// The memory a buffer occupies: its root buffer (a function argument, an
/// allocation, a global) and, for views of the arena (memref.view at a
/// constant offset), the bytes [lo, hi) of it (the whole view,
/// conservatively, under reshapes and subviews).
struct Footprint {
  Value root;
  int64_t lo = 0, hi = std::numeric_limits<int64_t>::max();
};

std::optional<Footprint> footprint(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp, memref::SubViewOp>(
            def)) {
      v = def->getOperand(0);
      continue;
    }
    if (isa<memref::GetGlobalOp, memref::AllocOp>(def))
      return Footprint{v};
    auto view = dyn_cast<memref::ViewOp>(def);
    if (!view)
      return std::nullopt;
    auto t = cast<MemRefType>(view.getType());
    std::optional<int64_t> offset = getConstantIntValue(view.getByteShift());
    if (!offset || !t.hasStaticShape() || !t.getElementType().isIntOrFloat() ||
        view.getSource().getDefiningOp())
      return std::nullopt;
    int64_t bytes =
        t.getNumElements() * t.getElementType().getIntOrFloatBitWidth() / 8;
    return Footprint{view.getSource(), *offset, *offset + bytes};
  }
  return Footprint{v}; // a function argument
}

/// Writing `buffer` while `gemm` runs cannot change what it reads: no input
/// of `gemm` may share its memory (the memory plan reuses an input's arena
/// bytes once the GEMM has read it).
bool disjointFromInputs(Value buffer, linalg::GenericOp gemm) {
  std::optional<Footprint> out = footprint(buffer);
  if (!out)
    return false;
  for (Value in : gemm.getDpsInputs()) {
    std::optional<Footprint> f = footprint(in);
    if (!f || (f->root == out->root && f->lo < out->hi && out->lo < f->hi))
      return false;
  }
  return true;
}

/// Only `gemm`, `epilogue`, zero fills and reshapes that lead to them use
/// `v`.
bool onlyUsedBy(Value v, Operation *gemm, Operation *epilogue) {
  for (Operation *user : v.getUsers()) {
    if (user == gemm || user == epilogue || isa<linalg::FillOp>(user))
      continue;
    if (isa<memref::ExpandShapeOp, memref::CollapseShapeOp>(user) &&
        onlyUsedBy(user->getResult(0), gemm, epilogue))
      continue;
    return false;
  }
  return true;
}

} // namespace

std::optional<FusedEpilogue> FusedEpilogue::match(linalg::GenericOp gemm,
                                                  Value acc) {
  // The next generic, past ops without memory effects and fills that may
  // run before the GEMM (the padding of the next layer's input, whose
  // interior the epilogue writes).
  SmallVector<Operation *> between;
  Operation *next = gemm->getNextNode();
  for (; next && !isa<linalg::GenericOp>(next); next = next->getNextNode()) {
    auto fill = dyn_cast<linalg::FillOp>(next);
    if (fill ? fill.getNumDpsInits() != 1 ||
                   !disjointFromInputs(fill.getDpsInits()[0], gemm)
             : !isMemoryEffectFree(next) || next->getNumRegions())
      return std::nullopt;
    between.push_back(next);
  }
  auto e = dyn_cast_or_null<linalg::GenericOp>(next);
  if (!e || !e.hasPureBufferSemantics() || e.getNumDpsInits() != 1 ||
      e.getNumParallelLoops() != e.getNumLoops() || e->hasAttr("qc.ukernel"))
    return std::nullopt;
  auto accType = dyn_cast<MemRefType>(acc.getType());
  Value root = reshapeRoot(acc);
  auto outType = dyn_cast<MemRefType>(e.getDpsInits()[0].getType());
  if (!isPlain(acc) || accType.getRank() != 2 || isa<BlockArgument>(root) ||
      reshapeRoot(e.getDpsInits()[0]) == root || !outType ||
      !outType.hasStaticShape() || !onlyUsedBy(root, gemm, e) ||
      !disjointFromInputs(e.getDpsInits()[0], gemm))
    return std::nullopt;

  FusedEpilogue f;
  f.op = e;
  f.accCols = accType.getDimSize(1);
  int found = -1;
  for (auto [i, in] : llvm::enumerate(e.getDpsInputs()))
    if (reshapeRoot(in) == root) {
      if (found >= 0)
        return std::nullopt; // read twice
      found = i;
    }
  if (found < 0 || !isPlain(e.getDpsInputs()[found]))
    return std::nullopt;
  f.accInput = found;
  auto viewType = cast<MemRefType>(e.getDpsInputs()[found].getType());
  f.accShape.assign(viewType.getShape().begin(), viewType.getShape().end());

  // Every loop from the accumulator's view index: each result of the map a
  // mixed-radix sum of loops that spans its view dimension exactly, so that
  // the loops and the accumulator's elements correspond one to one.
  SmallVector<int64_t> ranges = e.getStaticLoopRanges();
  int64_t points = 1;
  for (int64_t r : ranges) {
    if (ShapedType::isDynamic(r))
      return std::nullopt;
    points *= r;
  }
  if (points != accType.getNumElements())
    return std::nullopt;
  AffineMap map = e.getMatchingIndexingMap(&e->getOpOperand(found));
  f.loops.assign(e.getNumLoops(), LoopFromAcc());
  SmallVector<bool> seen(e.getNumLoops(), false);
  for (auto [k, expr] : llvm::enumerate(map.getResults())) {
    SmallVector<std::pair<unsigned, int64_t>> terms;
    if (!flatten(expr, 1, terms))
      return std::nullopt;
    llvm::sort(terms, [](auto a, auto b) { return a.second < b.second; });
    int64_t stride = 1;
    for (auto [i, term] : llvm::enumerate(terms)) {
      auto [dim, coeff] = term;
      if (coeff != stride || seen[dim])
        return std::nullopt;
      seen[dim] = true;
      f.loops[dim] = {(int64_t)k, coeff, ranges[dim], i + 1 == terms.size()};
      stride *= ranges[dim];
    }
    if (stride != f.accShape[k])
      return std::nullopt;
  }
  for (auto [dim, s] : llvm::enumerate(seen))
    if (!s && ranges[dim] != 1)
      return std::nullopt;

  // The epilogue's operands must exist at the GEMM, and fills of its output
  // must come before it: what lies between moves before the GEMM.
  for (Operation *op : between)
    op->moveBefore(gemm);
  return f;
}

void FusedEpilogue::emit(OpBuilder &b, Location loc, Value row, Value col,
                         Value sum) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto div = [&](Value v, int64_t c) -> Value {
    return c == 1 ? v : arith::DivUIOp::create(b, loc, v, idx(c));
  };
  // The element's index in the epilogue's view of the accumulator.
  Value lin = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, row, idx(accCols)), col);
  SmallVector<Value> view(accShape.size());
  int64_t inner = 1;
  for (int64_t k = accShape.size() - 1; k >= 0; --k) {
    Value v = div(lin, inner);
    view[k] = k ? arith::RemUIOp::create(b, loc, v, idx(accShape[k])) : v;
    inner *= accShape[k];
  }
  SmallVector<Value> dims;
  for (const LoopFromAcc &l : loops) {
    if (l.result < 0) {
      dims.push_back(idx(0));
      continue;
    }
    Value v = div(view[l.result], l.stride);
    dims.push_back(
        l.outermost
            ? v
            : arith::RemUIOp::create(b, loc, v, idx(l.range)).getResult());
  }
  auto at = [&](OpOperand *operand) {
    SmallVector<Value> indices;
    for (AffineExpr expr : op.getMatchingIndexingMap(operand).getResults())
      indices.push_back(affine::expandAffineExpr(b, loc, expr, dims, {}));
    return indices;
  };

  Block &body = op.getRegion().front();
  IRMapping mapping;
  for (OpOperand *in : op.getDpsInputOperands()) {
    BlockArgument arg = body.getArgument(in->getOperandNumber());
    if (in->getOperandNumber() == accInput)
      mapping.map(arg, sum);
    else if (!arg.use_empty())
      mapping.map(arg, memref::LoadOp::create(b, loc, in->get(), at(in)));
  }
  OpOperand *out = op.getDpsInitOperand(0);
  BlockArgument outArg = body.getArgument(out->getOperandNumber());
  if (!outArg.use_empty())
    mapping.map(outArg, memref::LoadOp::create(b, loc, out->get(), at(out)));
  for (Operation &o : body.without_terminator()) {
    if (auto index = dyn_cast<linalg::IndexOp>(o))
      mapping.map(index.getResult(), dims[index.getDim()]);
    else
      b.clone(o, mapping);
  }
  Value result = mapping.lookupOrDefault(body.getTerminator()->getOperand(0));
  memref::StoreOp::create(b, loc, result, out->get(), at(out));
}

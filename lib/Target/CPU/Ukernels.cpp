//===- Ukernels.cpp - tagged linalg ops to runtime microkernel calls ------===//

#include "quantc/Target/CPU/Passes.h"

#include "qrt/kernels.h"
#include "quantc/Support/Constants.h"
#include "quantc/Target/LoopUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <map>
#include <tuple>

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

static bool isZeroConstant(Value v) {
  Attribute a;
  return matchPattern(v, m_Constant(&a)) &&
         ((isa<FloatAttr>(a) && cast<FloatAttr>(a).getValue().isZero()) ||
          (isa<IntegerAttr>(a) && cast<IntegerAttr>(a).getValue().isZero()));
}

/// The op that zero-fills `root`, if any: a linalg.fill of it, or an
/// scf.forall (the fill split into tasks) whose body only zero-fills
/// subviews of it (besides side-effect-free index computations).
static Operation *zeroFillOf(Value root) {
  for (Operation *user : root.getUsers()) {
    if (auto fill = dyn_cast<linalg::FillOp>(user)) {
      if (fill.getOutputs()[0] == root && isZeroConstant(fill.getInputs()[0]))
        return fill;
      continue;
    }
    auto forall = dyn_cast<scf::ForallOp>(user->getParentOp());
    if (!isa<memref::SubViewOp>(user) || !forall)
      continue;
    bool onlyFills = true;
    for (Operation &op : forall.getBody()->without_terminator()) {
      if (auto sv = dyn_cast<memref::SubViewOp>(&op))
        onlyFills &= sv.getSource() == root;
      else if (auto fill = dyn_cast<linalg::FillOp>(&op))
        onlyFills &= rootBuffer(fill.getOutputs()[0]) == root &&
                     isZeroConstant(fill.getInputs()[0]);
      // The bounds of a partial last task (affine.min) and other index
      // arithmetic.
      else if (!isMemoryEffectFree(&op))
        onlyFills = false;
    }
    if (onlyFills)
      return forall;
  }
  return nullptr;
}

static Value dimAsI64(OpBuilder &b, Location loc, Value memref, int64_t d) {
  Value v = memref::DimOp::create(b, loc, memref, d);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
}

/// The private declaration of microkernel `name` (created on first use).
static func::FuncOp declare(OpBuilder &b, ModuleOp module, StringRef name,
                            ArrayRef<Type> args) {
  if (auto decl = module.lookupSymbol<func::FuncOp>(name))
    return decl;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto decl = func::FuncOp::create(b, module.getLoc(), name,
                                   b.getFunctionType(args, {b.getI32Type()}));
  decl.setPrivate();
  return decl;
}

/// Walks `v` up through memref.subview ops to the first view for which
/// `isWhole` holds, adding up the subviews' offsets along dimension `dim`
/// (as an index value in `offset`). Fails on a non-unit stride along `dim`
/// or when no such view exists.
static FailureOr<Value> wholeView(OpBuilder &b, Location loc, Value v,
                                  function_ref<bool(MemRefType)> isWhole,
                                  unsigned dim, Value &offset) {
  offset = arith::ConstantIndexOp::create(b, loc, 0);
  while (!isWhole(cast<MemRefType>(v.getType()))) {
    auto sv = v.getDefiningOp<memref::SubViewOp>();
    if (!sv || !isConstantIntValue(sv.getMixedStrides()[dim], 1))
      return failure();
    offset = arith::AddIOp::create(
        b, loc, offset,
        getValueOrCreateConstantIndexOp(b, loc, sv.getMixedOffsets()[dim]));
    v = sv.getSource();
  }
  return v;
}

/// The view of shape `shape` that `v` is a subview of (offset along
/// dimension 0 in `offset0`), if its layout is row-major dense (strides of
/// unit dimensions do not matter), else failure.
static FailureOr<Value> denseViewOfShape(OpBuilder &b, Location loc, Value v,
                                         ArrayRef<int64_t> shape,
                                         Value &offset0) {
  FailureOr<Value> root = wholeView(
      b, loc, v, [&](MemRefType t) { return t.getShape() == shape; }, 0,
      offset0);
  if (failed(root))
    return failure();
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(cast<MemRefType>(root->getType())
                 .getStridesAndOffset(strides, offset)))
    return failure();
  int64_t expect = 1;
  for (int64_t i = shape.size() - 1; i >= 0; --i) {
    if (shape[i] != 1 && strides[i] != expect)
      return failure();
    expect *= shape[i];
  }
  return root;
}

/// Constants and conversions for building microkernel arguments.
struct ArgBuilder {
  OpBuilder &b;
  Location loc;
  Value i64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
  }
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value toI64(Value index) {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  }
};

/// qrt_ukernel_conv2d_im2col_s8u8s32 for a tagged convolution GEMM on a
/// tile of pixel tiles (see buildConvIm2colGemm in lib/Conversion): the
/// whole (already padded) NCHW input, packed with no padding, the weights
/// and the output tile, whose offset along N1 gives the first pixel.
/// Returns false when the input is not dense [C][H][W] planes (the generic
/// then lowers to loops).
static bool lowerConvGemm(OpBuilder &b, ModuleOp module, linalg::GenericOp op,
                          Value flags, bool direct) {
  auto geom = op->getAttrOfType<DenseI64ArrayAttr>("qc.conv_geometry");
  if (!geom || geom.size() != 11)
    return false;
  ArrayRef<int64_t> g = geom.asArrayRef();
  int64_t h = g[1], w = g[2];
  Location loc = op.getLoc();
  Value lhs = op.getDpsInputs()[0], out = op.getDpsInits()[0];
  auto lt = cast<MemRefType>(lhs.getType());
  Value unused, n1Offset;
  FailureOr<Value> x =
      denseViewOfShape(b, loc, op.getDpsInputs()[1], {1, g[0], h, w}, unused);
  // The first pixel tile of this view: the offsets along N1 of the
  // subviews between it and the view spanning all pixel tiles (one per 16
  // pixels). A task split along M1 spans them all.
  int64_t n1 = g[5] * g[6] / 16;
  if (failed(x) ||
      failed(wholeView(
          b, loc, out, [&](MemRefType t) { return t.getDimSize(1) == n1; }, 1,
          n1Offset)))
    return false;
  MLIRContext *ctx = b.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx), i64 = b.getI64Type(),
       i32 = b.getI32Type();
  func::FuncOp decl =
      direct ? declare(b, module, "qrt_ukernel_conv2d_direct_s8u8s32",
                       {ptr, i64, i64, i32, ptr, i64, i64, i64, i32, i32,
                        i64, i64, i32, i32, i32, i64, i64, ptr, i64, i32})
             : declare(b, module, "qrt_ukernel_conv2d_im2col_s8u8s32",
                       {ptr, i64, i64, i64, i32, ptr, i64, i64, i64,
                        i32, i32, i64, i64, i32, i32, i32, i32, i32,
                        i32, i32, i64, i64, ptr, i64, i32});
  ArgBuilder a{b, loc};
  auto [lp, ls] = pointerAndStride(b, loc, lhs);
  auto [opp, os] = pointerAndStride(b, loc, out);
  Value c16 = arith::ConstantIndexOp::create(b, loc, 16);
  Value pBegin = arith::MulIOp::create(b, loc, n1Offset, c16);
  Value pEnd = arith::AddIOp::create(
      b, loc, pBegin,
      arith::MulIOp::create(b, loc, memref::DimOp::create(b, loc, out, 1),
                            c16));
  Value m1 = a.toI64(memref::DimOp::create(b, loc, lhs, 0));
  Value m0 = a.i32(lt.getDimSize(2));
  Value xPtr = pointerAndStride(b, loc, *x).first;
  SmallVector<Value> args = {lp, ls, m1};
  if (direct)
    args.append({m0, xPtr, a.i64(g[0]), a.i64(h), a.i64(w), a.i32(g[3]),
                 a.i32(g[4]), a.i64(g[5]), a.i64(g[6]), a.i32(g[7]),
                 a.i32(g[9]), a.i32(g[10])});
  else
    args.append({a.toI64(memref::DimOp::create(b, loc, lhs, 1)), m0, xPtr,
                 a.i64(g[0]), a.i64(h), a.i64(w), a.i32(g[3]), a.i32(g[4]),
                 a.i64(g[5]), a.i64(g[6]), a.i32(g[7]), a.i32(g[8]),
                 a.i32(g[9]), a.i32(g[10]), a.i32(0), a.i32(0), a.i32(0)});
  args.append({a.toI64(pBegin), a.toI64(pEnd), opp, os, flags});
  func::CallOp::create(b, loc, decl, args);
  op.erase();
  return true;
}

/// qrt_ukernel_<kind> (dwconv2d_acc_f32, or dwconv2d_acc_u8s8s32 with
/// `flags` as its last argument) for a tagged depthwise generic on a tile of
/// channels: the whole padded input, weights and output, and the tile's
/// channel range. Returns false when the buffers are not dense (the generic
/// then lowers to loops).
static bool lowerDepthwise(OpBuilder &b, ModuleOp module, linalg::GenericOp op,
                           StringRef kind, Value flags) {
  auto geom = op->getAttrOfType<DenseI64ArrayAttr>("qc.conv_geometry");
  if (!geom || geom.size() != 11)
    return false;
  ArrayRef<int64_t> g = geom.asArrayRef();
  int64_t c = g[0], h = g[1], w = g[2], kh = g[3], kw = g[4], oh = g[5],
          ow = g[6];
  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  Value cOffset, unused;
  FailureOr<Value> x =
      denseViewOfShape(b, loc, op.getDpsInputs()[0], {c, h, w}, unused);
  FailureOr<Value> wt =
      denseViewOfShape(b, loc, op.getDpsInputs()[1], {c, kh, kw}, unused);
  FailureOr<Value> out =
      denseViewOfShape(b, loc, op.getDpsInits()[0], {c, oh, ow}, cOffset);
  if (failed(x) || failed(wt) || failed(out))
    return false;
  MLIRContext *ctx = b.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx), i64 = b.getI64Type(),
       i32 = b.getI32Type();
  SmallVector<Type> types = {ptr, i64, i64, ptr, i32, i32, ptr, i64,
                             i64, i32, i32, i32, i32, i64, i64};
  if (flags)
    types.push_back(i32);
  func::FuncOp decl = declare(b, module, ("qrt_ukernel_" + kind).str(), types);
  ArgBuilder a{b, loc};
  Value cEnd = arith::AddIOp::create(
      b, loc, cOffset, memref::DimOp::create(b, loc, op.getDpsInits()[0], 0));
  SmallVector<Value> args = {pointerAndStride(b, loc, *x).first,
                             a.i64(h),
                             a.i64(w),
                             pointerAndStride(b, loc, *wt).first,
                             a.i32(kh),
                             a.i32(kw),
                             pointerAndStride(b, loc, *out).first,
                             a.i64(oh),
                             a.i64(ow),
                             a.i32(g[7]),
                             a.i32(g[8]),
                             a.i32(g[9]),
                             a.i32(g[10]),
                             a.toI64(cOffset),
                             a.toI64(cEnd)};
  if (flags)
    args.push_back(flags);
  func::CallOp::create(b, loc, decl, args);
  op.erase();
  return true;
}

/// The packed int4 weights of each (weights, scales, zero points) triple of
/// constant globals, by their names: identical weight constants of two
/// layers share one global after bufferization but may differ in scales.
using PackedW4Cache =
    std::map<std::tuple<StringRef, StringRef, StringRef>, memref::GlobalOp>;

/// qrt_ukernel_gemv_w4_f32 for a tagged int4-weight matrix product (see
/// lib/Conversion/QCToLinalg/WeightOnlyDataTiling.cpp) on a task's range of
/// output channels. Its unpacked weights, scales and zero points (constant
/// globals) are packed here, at compile time, into a new global in the
/// kernel's layout (`packed` caches it per weight global). Returns false when
/// an operand is not a constant global or the output is not a view of the
/// whole [M][N] result (the generic then lowers to loops).
static bool lowerGemvW4(OpBuilder &b, ModuleOp module, linalg::GenericOp op,
                        uint32_t flags, PackedW4Cache &packed) {
  auto group = op->getAttrOfType<IntegerAttr>("qc.w4_group");
  Value x = op.getDpsInputs()[0], out = op.getDpsInits()[0];
  memref::GlobalOp qg = constantGlobalOf(module, op.getDpsInputs()[1]),
                   sg = constantGlobalOf(module, op.getDpsInputs()[2]),
                   zg = constantGlobalOf(module, op.getDpsInputs()[3]);
  if (!group || !qg || !sg || !zg)
    return false;
  auto qa = cast<ElementsAttr>(*qg.getInitialValue());
  auto sa = cast<ElementsAttr>(*sg.getInitialValue());
  auto za = cast<ElementsAttr>(*zg.getInitialValue());
  ArrayRef<int64_t> qShape = cast<ShapedType>(qa.getType()).getShape();
  int64_t n = qShape[0], k = qShape[1], g = group.getInt();
  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  Value nOffset;
  FailureOr<Value> whole = wholeView(
      b, loc, out, [&](MemRefType t) { return t.getDimSize(1) == n; }, 1,
      nOffset);
  if (failed(whole) || cast<MemRefType>(x.getType()).getDimSize(1) != k)
    return false;
  auto zp = readFloatElements(za);
  if (!zp)
    return false;
  if (llvm::any_of(*zp, [](float z) { return z != 8.0f; }))
    flags |= QRT_UKERNEL_W4_ZERO_POINTS;
  memref::GlobalOp &global =
      packed[{qg.getSymName(), sg.getSymName(), zg.getSymName()}];
  if (!global) {
    auto qv = readIntElements(qa, /*isUnsigned=*/true);
    auto sv = readFloatElements(sa);
    int64_t size = qrt_ukernel_pack_w4_size(n, k, (int32_t)g, flags);
    if (!qv || !sv || size < 0)
      return false;
    std::vector<uint8_t> q8(qv->begin(), qv->end()), z8(zp->begin(), zp->end());
    std::vector<char> bytes(size);
    if (qrt_ukernel_pack_w4(bytes.data(), q8.data(), sv->data(), z8.data(), n,
                            k, (int32_t)g, flags) != QRT_UKERNEL_OK)
      return false;
    OpBuilder::InsertionGuard guard(b);
    b.clearInsertionPoint(); // SymbolTable::insert gives it a unique name
    auto type = RankedTensorType::get({size}, b.getI8Type());
    global = memref::GlobalOp::create(
        b, module.getLoc(), "__qc_w4_packed", b.getStringAttr("private"),
        MemRefType::get({size}, b.getI8Type()),
        makeRawResource(type, "w4_packed", bytes), /*constant=*/true,
        b.getI64IntegerAttr(64));
    SymbolTable(module).insert(global, module.getBody()->begin());
  }
  MLIRContext *ctx = b.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx), i64 = b.getI64Type(),
       i32 = b.getI32Type();
  func::FuncOp decl =
      declare(b, module, "qrt_ukernel_gemv_w4_f32",
              {ptr, i64, i64, i32, i32, ptr, i64, ptr, i64, i64, i64, i64});
  ArgBuilder a{b, loc};
  Value w = memref::GetGlobalOp::create(b, loc, global.getType(),
                                        global.getSymName());
  auto [xp, xs] = pointerAndStride(b, loc, x);
  auto [yp, ys] = pointerAndStride(b, loc, *whole);
  Value nEnd = arith::AddIOp::create(b, loc, nOffset,
                                     memref::DimOp::create(b, loc, out, 1));
  SmallVector<Value> args = {pointerAndStride(b, loc, w).first,
                             a.i64(n),
                             a.i64(k),
                             a.i32(g),
                             a.i32(flags),
                             xp,
                             xs,
                             yp,
                             ys,
                             dimAsI64(b, loc, x, 0),
                             a.toI64(nOffset),
                             a.toI64(nEnd)};
  func::CallOp::create(b, loc, decl, args);
  SmallVector<Value> unpacked(llvm::drop_begin(op.getDpsInputs()));
  op.erase();
  eraseUnusedGlobalReads(module, unpacked);
  return true;
}

/// qrt_ukernel_mmt4d_f32_wq for a tagged packed-weight GEMM tile (see
/// lib/Conversion/QCToLinalg/WeightOnlyDataTiling.cpp): the operands' views
/// as they are (the weights, scales and zero points are tiled along the
/// same R1 dimension), the weight operand, bits and group from `qc.wq`.
static bool lowerMmt4dWq(OpBuilder &b, ModuleOp module, linalg::GenericOp op,
                         uint32_t flags) {
  auto wq = op->getAttrOfType<DenseI64ArrayAttr>("qc.wq");
  if (!wq || wq.size() != 3)
    return false;
  bool weightsLhs = wq[0] == 0;
  Location loc = op.getLoc();
  b.setInsertionPoint(op);
  MLIRContext *ctx = b.getContext();
  Type ptr = LLVM::LLVMPointerType::get(ctx), i64 = b.getI64Type(),
       i32 = b.getI32Type();
  func::FuncOp decl = declare(b, module, "qrt_ukernel_mmt4d_f32_wq",
                              {ptr, i64, ptr, i64, ptr, i64, i64, i64, i64, i32,
                               i32, i32, i32, ptr, ptr, i64, i64, i32});
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  auto [lp, ls] = pointerAndStride(b, loc, lhs);
  auto [rp, rs] = pointerAndStride(b, loc, rhs);
  auto [opp, os] = pointerAndStride(b, loc, out);
  auto [sp, ps] = pointerAndStride(b, loc, op.getDpsInputs()[2]);
  Value zp = pointerAndStride(b, loc, op.getDpsInputs()[3]).first;
  auto ot = cast<MemRefType>(out.getType());
  ArgBuilder a{b, loc};
  if (weightsLhs)
    flags |= QRT_UKERNEL_WQ_LHS;
  SmallVector<Value> args = {lp,
                             ls,
                             rp,
                             rs,
                             opp,
                             os,
                             dimAsI64(b, loc, out, 0),
                             dimAsI64(b, loc, out, 1),
                             dimAsI64(b, loc, weightsLhs ? rhs : lhs, 1),
                             a.i32(ot.getDimSize(2)),
                             a.i32(ot.getDimSize(3)),
                             a.i32(1),
                             a.i32(flags),
                             sp,
                             zp,
                             ps,
                             a.i64(wq[2]),
                             a.i32(wq[1])};
  func::CallOp::create(b, loc, decl, args);
  op.erase();
  return true;
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
    // Microkernel GEMMs (and the u8 depthwise kernel) compute whole
    // reductions, so each output element is written by exactly one call: a
    // zero fill of their accumulator buffer is redundant when the calls
    // overwrite instead of accumulating.
    llvm::SmallPtrSet<Operation *, 8> redundantFills;
    llvm::DenseMap<Value, bool> overwrite;
    auto isGemm = [](linalg::GenericOp op) {
      StringRef k = op->getAttrOfType<StringAttr>("qc.ukernel").getValue();
      return k.starts_with("mmt4d") || k.starts_with("conv2d_") ||
             k == "dwconv2d_acc_u8s8s32" || k == "gemv_w4_f32";
    };
    for (linalg::GenericOp op : ops) {
      if (!isGemm(op))
        continue;
      Value root = rootBuffer(op.getDpsInits()[0]);
      if (overwrite.count(root))
        continue;
      Operation *fill = zeroFillOf(root);
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
          if (fill->isAncestor(u))
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
    PackedW4Cache packedW4;
    for (linalg::GenericOp op : ops) {
      StringRef kind = op->getAttrOfType<StringAttr>("qc.ukernel").getValue();
      if (kind == "dwconv2d_acc_f32") {
        lowerDepthwise(b, module, op, kind, Value());
        continue;
      }
      if (kind == "dwconv2d_acc_u8s8s32" || kind == "gemv_w4_f32") {
        bool over = overwrite.lookup(rootBuffer(op.getDpsInits()[0]));
        b.setInsertionPoint(op);
        bool lowered;
        if (kind == "gemv_w4_f32") {
          lowered = lowerGemvW4(
              b, module, op, over ? 0 : QRT_UKERNEL_FLAG_ACCUMULATE, packedW4);
        } else {
          Value flags = arith::ConstantIntOp::create(
              b, op.getLoc(), i32, over ? 0 : QRT_UKERNEL_FLAG_ACCUMULATE);
          lowered = lowerDepthwise(b, module, op, kind, flags);
        }
        if (!lowered && over) {
          // Loops accumulate: give them back the zeros the dropped fill
          // wrote.
          b.setInsertionPoint(op);
          Value out = op.getDpsInits()[0];
          Value zero = arith::ConstantOp::create(
              b, op.getLoc(),
              b.getZeroAttr(cast<MemRefType>(out.getType()).getElementType()));
          linalg::FillOp::create(b, op.getLoc(), ValueRange{zero},
                                 ValueRange{out});
        }
        continue;
      }
      if (kind == "mmt4d_f32_wq") {
        bool over = overwrite.lookup(rootBuffer(op.getDpsInits()[0]));
        if (!lowerMmt4dWq(b, module, op,
                          over ? 0 : QRT_UKERNEL_FLAG_ACCUMULATE)) {
          op.emitError("mmt4d_f32_wq needs `qc.wq` = [operand, bits, group]");
          return signalPassFailure();
        }
        continue;
      }
      if (kind != "mmt4d_f32" && kind != "mmt4d_u8s8s32" &&
          kind != "mmt4d_s8u8s32" && kind != "conv2d_im2col_s8u8s32" &&
          kind != "conv2d_direct_s8u8s32") {
        op.emitError("unknown microkernel '") << kind << "'";
        return signalPassFailure();
      }
      b.setInsertionPoint(op);
      Value flags = arith::ConstantIntOp::create(
          b, op.getLoc(), i32,
          overwrite.lookup(rootBuffer(op.getDpsInits()[0]))
              ? 0
              : 1 /*QRT_UKERNEL_FLAG_ACCUMULATE*/);
      if (kind.starts_with("conv2d_")) {
        lowerConvGemm(b, module, op, flags, kind == "conv2d_direct_s8u8s32");
        continue;
      }
      func::FuncOp decl = declare(
          b, module, "qrt_ukernel_" + kind.str(),
          {ptr, i64, ptr, i64, ptr, i64, i64, i64, i64, i32, i32, i32, i32});
      Location loc = op.getLoc();
      Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
      Value out = op.getDpsInits()[0];
      auto [lp, ls] = pointerAndStride(b, loc, lhs);
      auto [rp, rs] = pointerAndStride(b, loc, rhs);
      auto [opp, os] = pointerAndStride(b, loc, out);
      auto lt = cast<MemRefType>(lhs.getType());
      auto rt = cast<MemRefType>(rhs.getType());
      ArgBuilder a{b, loc};
      SmallVector<Value> args = {lp,
                                 ls,
                                 rp,
                                 rs,
                                 opp,
                                 os,
                                 dimAsI64(b, loc, lhs, 0),
                                 dimAsI64(b, loc, rhs, 0),
                                 dimAsI64(b, loc, lhs, 1),
                                 a.i32(lt.getDimSize(2)),
                                 a.i32(rt.getDimSize(2)),
                                 a.i32(lt.getDimSize(3)),
                                 flags};
      func::CallOp::create(b, loc, decl, args);
      op.erase();
    }
  }
};
} // namespace

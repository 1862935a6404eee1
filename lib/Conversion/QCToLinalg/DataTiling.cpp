//===- DataTiling.cpp - contractions as packed mmt4d for the CPU ----------===//
//
// With `data-tiling`, f32 convolutions (group 1, batch 1) and matrix
// products with a constant right-hand side become GEMMs on packed tiles, in
// the layout of linalg.mmt4d and of the runtime's mmt4d microkernel:
//
//   LHS[M1][K][M0][1], RHS[N1][K][N0][1] -> OUT[M1][N1][M0][N0]
//
// Constant operands (weights) are packed at compile time; activations are
// packed by a linalg.generic (im2col first for spatial kernels); the result
// is unpacked by a linalg.generic that also adds the bias, so elementwise
// consumers fuse into it. The mmt4d itself is a linalg.generic tagged
// `qc.ukernel = "mmt4d_f32"`: qc-cpu-lower-to-ukernels replaces it (tile by
// tile, after qc-cpu-tile-and-distribute) with a microkernel call, and
// without that pass it lowers to loops like any generic.
//
//===----------------------------------------------------------------------===//

#include "DataTiling.h"

#include "qc/QCShapeUtils.h"
#include "quantc/Support/Constants.h"
#include "quantc/Support/QuantOperands.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;
using namespace mlir::qc::lowering::tiling;

Value tiling::packRows(OpBuilder &b, Location loc, Value src, bool transposed,
                       int64_t k0, Value padValue, int64_t r0) {
  MLIRContext *ctx = b.getContext();
  auto st = cast<RankedTensorType>(src.getType());
  int64_t rows = st.getDimSize(transposed ? 1 : 0);
  int64_t k = st.getDimSize(transposed ? 0 : 1);
  int64_t r1 = (rows + r0 - 1) / r0, k1 = (k + k0 - 1) / k0;
  Type elem = st.getElementType();
  SmallVector<int64_t> lo = {0, 0}, hi = {0, 0};
  hi[transposed ? 1 : 0] = r1 * r0 - rows;
  hi[transposed ? 0 : 1] = k1 * k0 - k;
  src = createPad(b, loc, src, lo, hi, padValue);
  auto type = RankedTensorType::get({r1, k1, r0, k0}, elem);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr row = d(0) * r0 + d(2), col = d(1) * k0 + d(3);
  AffineMap in = AffineMap::get(4, 0,
                                transposed ? ArrayRef<AffineExpr>{col, row}
                                           : ArrayRef<AffineExpr>{row, col},
                                ctx);
  SmallVector<AffineMap> maps = {in, AffineMap::getMultiDimIdentityMap(4, ctx)};
  SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
  return linalg::GenericOp::create(b, loc, TypeRange{type}, ValueRange{src},
                                   ValueRange{createEmpty(b, loc, type)}, maps,
                                   iters,
                                   [](OpBuilder &nb, Location l, ValueRange a) {
                                     linalg::YieldOp::create(nb, l, a[0]);
                                   })
      .getResult(0);
}

linalg::GenericOp tiling::buildMmt4d(OpBuilder &b, Location loc, Value lhs,
                                     Value rhs, Mmt4dKind kind,
                                     AffineMap rhsMap, int64_t n1) {
  MLIRContext *ctx = b.getContext();
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  bool integer = kind != Mmt4dKind::F32;
  Type acc = integer ? b.getI32Type() : lt.getElementType();
  auto outType =
      RankedTensorType::get({lt.getDimSize(0), rhsMap ? n1 : rt.getDimSize(0),
                             lt.getDimSize(2), kTile},
                            acc);
  // Loops: m1, n1, k1, m0, n0, k0.
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(6, 0, {d(0), d(2), d(3), d(5)}, ctx),
      rhsMap ? rhsMap : AffineMap::get(6, 0, {d(1), d(2), d(4), d(5)}, ctx),
      AffineMap::get(6, 0, {d(0), d(1), d(3), d(4)}, ctx)};
  using IT = utils::IteratorType;
  SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                           IT::parallel, IT::parallel, IT::reduction};
  Value init = createFilled(b, loc, outType, createScalar(b, loc, acc, 0));
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
      iters, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value r;
        if (integer) {
          bool lhsUnsigned = kind == Mmt4dKind::U8S8;
          auto ext = [&](Value v, bool isUnsigned) -> Value {
            if (isUnsigned)
              return arith::ExtUIOp::create(nb, l, acc, v);
            return arith::ExtSIOp::create(nb, l, acc, v);
          };
          Value x = ext(a[0], lhsUnsigned), w = ext(a[1], !lhsUnsigned);
          r = arith::AddIOp::create(nb, l, a[2],
                                    arith::MulIOp::create(nb, l, x, w));
        } else {
          r = arith::AddFOp::create(nb, l, a[2],
                                    arith::MulFOp::create(nb, l, a[0], a[1]));
        }
        linalg::YieldOp::create(nb, l, r);
      });
  StringRef name = kind == Mmt4dKind::F32    ? "mmt4d_f32"
                   : kind == Mmt4dKind::U8S8 ? "mmt4d_u8s8s32"
                                             : "mmt4d_s8u8s32";
  op->setAttr("qc.ukernel", b.getStringAttr(name));
  return op;
}

AffineMap tiling::unpackMap(MLIRContext *ctx, bool transposed) {
  AffineExpr r = getAffineDimExpr(transposed ? 1 : 0, ctx);
  AffineExpr c = getAffineDimExpr(transposed ? 0 : 1, ctx);
  return AffineMap::get(
      2, 0, {r.floorDiv(kTile), c.floorDiv(kTile), r % kTile, c % kTile}, ctx);
}

/// out[r][c] = OUT[..] (+ bias[r] or bias[c]) for f32 tiles. When `cols` is
/// a multiple of 16 the generic iterates (r, c1, c0) and writes a 3-D tensor
/// that collapses (for free) to [rows][cols]: its inner loop then reads 16
/// contiguous floats of a tile row, which LLVM vectorizes, instead of
/// dividing every index.
Value tiling::unpackF32(OpBuilder &b, Location loc, Value c, int64_t rows,
                        int64_t cols, Value bias, bool biasPerRow) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  // Rows per tile (M0): 16, or fewer for small row counts (lhsRowTile).
  int64_t m0 = cast<RankedTensorType>(c.getType()).getDimSize(2);
  bool blocked = cols % kTile == 0;
  int64_t rank = blocked ? 3 : 2;
  auto type = blocked ? RankedTensorType::get({rows, cols / kTile, kTile}, f32)
                      : RankedTensorType::get({rows, cols}, f32);
  SmallVector<AffineMap> maps = {
      blocked ? AffineMap::get(3, 0, {d(0).floorDiv(m0), d(1), d(0) % m0, d(2)},
                               ctx)
              : AffineMap::get(2, 0,
                               {d(0).floorDiv(m0), d(1).floorDiv(kTile),
                                d(0) % m0, d(1) % kTile},
                               ctx)};
  SmallVector<Value> inputs = {c};
  if (bias) {
    inputs.push_back(bias);
    AffineExpr col = blocked ? d(1) * kTile + d(2) : d(1);
    maps.push_back(AffineMap::get(rank, 0, {biasPerRow ? d(0) : col}, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value out = linalg::GenericOp::create(
                  b, loc, TypeRange{type}, inputs,
                  ValueRange{createEmpty(b, loc, type)}, maps, iters,
                  [](OpBuilder &nb, Location l, ValueRange a) {
                    Value v = a[0];
                    if (a.size() > 2)
                      v = arith::AddFOp::create(nb, l, v, a[1]);
                    linalg::YieldOp::create(nb, l, v);
                  })
                  .getResult(0);
  return createReshape(b, loc, out, RankedTensorType::get({rows, cols}, f32));
}

Value tiling::buildIm2col(OpBuilder &b, Location loc, Value xp, int64_t kh,
                          int64_t kw, int64_t oh, int64_t ow,
                          const WindowParams &wp) {
  MLIRContext *ctx = b.getContext();
  auto xt = cast<RankedTensorType>(xp.getType());
  int64_t c = xt.getDimSize(1);
  Type elem = xt.getElementType();
  auto colType = RankedTensorType::get({c, kh, kw, oh, ow}, elem);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineMap in = AffineMap::get(5, 0,
                                {getAffineConstantExpr(0, ctx), d(0),
                                 d(3) * wp.strides[0] + d(1) * wp.dilations[0],
                                 d(4) * wp.strides[1] + d(2) * wp.dilations[1]},
                                ctx);
  SmallVector<AffineMap> maps = {in, AffineMap::getMultiDimIdentityMap(5, ctx)};
  SmallVector<utils::IteratorType> iters(5, utils::IteratorType::parallel);
  Value col5 = linalg::GenericOp::create(
                   b, loc, TypeRange{colType}, ValueRange{xp},
                   ValueRange{createEmpty(b, loc, colType)}, maps, iters,
                   [](OpBuilder &nb, Location l, ValueRange a) {
                     linalg::YieldOp::create(nb, l, a[0]);
                   })
                   .getResult(0);
  return createReshape(b, loc, col5,
                       RankedTensorType::get({c * kh * kw, oh * ow}, elem));
}

Value tiling::buildIm2colRows(OpBuilder &b, Location loc, Value x,
                              const ConvGemmShape &shape, int64_t channels,
                              Value padValue) {
  MLIRContext *ctx = b.getContext();
  auto xt = cast<RankedTensorType>(x.getType());
  const WindowParams &wp = shape.window;
  int64_t kw = shape.kw, ow = shape.ow, tap = shape.kh * kw;
  int64_t c = xt.getDimSize(1), h = xt.getDimSize(2), w = xt.getDimSize(3);
  auto aType =
      RankedTensorType::get({shape.p, channels * tap}, xt.getElementType());
  Value init = createEmpty(b, loc, aType);
  auto parallel =
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel);
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
  bool padded = channels != c ||
                llvm::any_of(wp.padsBegin, [](int64_t v) { return v; }) ||
                llvm::any_of(wp.padsEnd, [](int64_t v) { return v; });
  if (!padded) {
    // A copy through the im2col map.
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    AffineExpr r = d(1) % tap;
    AffineMap im2col = AffineMap::get(
        2, 0,
        {getAffineConstantExpr(0, ctx), d(1).floorDiv(tap),
         d(0).floorDiv(ow) * wp.strides[0] + r.floorDiv(kw) * wp.dilations[0],
         (d(0) % ow) * wp.strides[1] + (r % kw) * wp.dilations[1]},
        ctx);
    return linalg::GenericOp::create(
               b, loc, TypeRange{aType}, ValueRange{x}, ValueRange{init},
               {im2col, id}, parallel,
               [](OpBuilder &nb, Location l, ValueRange v) {
                 linalg::YieldOp::create(nb, l, v[0]);
               })
        .getResult(0);
  }
  // The padding is implicit: an element outside x (a padded row or column,
  // or one of the extra channels) reads as `padValue`.
  return linalg::GenericOp::create(
             b, loc, TypeRange{aType}, ValueRange{}, ValueRange{init}, {id},
             parallel,
             [&](OpBuilder &nb, Location l, ValueRange) {
               auto cst = [&](int64_t v) -> Value {
                 return arith::ConstantIndexOp::create(nb, l, v);
               };
               auto mulc = [&](Value a, int64_t v) -> Value {
                 return arith::MulIOp::create(nb, l, a, cst(v));
               };
               auto add = [&](Value a, Value v) -> Value {
                 return arith::AddIOp::create(nb, l, a, v);
               };
               auto divc = [&](Value a, int64_t v) -> Value {
                 return arith::DivUIOp::create(nb, l, a, cst(v));
               };
               auto remc = [&](Value a, int64_t v) -> Value {
                 return arith::RemUIOp::create(nb, l, a, cst(v));
               };
               Value p = linalg::IndexOp::create(nb, l, 0);
               Value k = linalg::IndexOp::create(nb, l, 1);
               Value ch = divc(k, tap), r = remc(k, tap);
               // Input row and column, shifted by the leading padding so
               // that they stay unsigned: in range when in [pad, pad + H).
               Value ih = add(mulc(divc(p, ow), wp.strides[0]),
                              mulc(divc(r, kw), wp.dilations[0]));
               Value iw = add(mulc(remc(p, ow), wp.strides[1]),
                              mulc(remc(r, kw), wp.dilations[1]));
               auto below = [&](Value v, int64_t n) -> Value {
                 return arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                              v, cst(n));
               };
               auto within = [&](Value v, int64_t lo, int64_t n) -> Value {
                 Value ge = arith::CmpIOp::create(
                     nb, l, arith::CmpIPredicate::uge, v, cst(lo));
                 return arith::AndIOp::create(nb, l, ge, below(v, lo + n));
               };
               Value in = arith::AndIOp::create(
                   nb, l,
                   arith::AndIOp::create(nb, l, below(ch, c),
                                         within(ih, wp.padsBegin[0], h)),
                   within(iw, wp.padsBegin[1], w));
               // Clamped into x, then replaced by the padding value.
               auto clamp = [&](Value v, int64_t lo, int64_t n) -> Value {
                 Value t = arith::MaxUIOp::create(nb, l, v, cst(lo));
                 t = arith::MinUIOp::create(nb, l, t, cst(lo + n - 1));
                 return arith::SubIOp::create(nb, l, t, cst(lo));
               };
               Value v = tensor::ExtractOp::create(
                   nb, l, x,
                   ValueRange{cst(0), clamp(ch, 0, c),
                              clamp(ih, wp.padsBegin[0], h),
                              clamp(iw, wp.padsBegin[1], w)});
               linalg::YieldOp::create(
                   nb, l,
                   Value(arith::SelectOp::create(nb, l, in, v, padValue)));
             })
      .getResult(0);
}

bool tiling::ConvGemmShape::isPointwise() const {
  return kh == 1 && kw == 1 &&
         llvm::all_of(window.strides, [](int64_t s) { return s == 1; }) &&
         llvm::all_of(window.padsBegin, [](int64_t v) { return !v; }) &&
         llvm::all_of(window.padsEnd, [](int64_t v) { return !v; });
}

FailureOr<tiling::ConvGemmShape> tiling::matchConvGemmShape(ConvOp op) {
  RankedTensorType xt = op.getX().getType(), wt = op.getW().getType(),
                   yt = op.getType();
  if (xt.getRank() != 4 || op.getGroup() != 1 || xt.getDimSize(0) != 1)
    return failure();
  ConvGemmShape s;
  if (failed(getWindowParams(op.getLoc(), op.getOperationName(), 2,
                             op.getStrides(), op.getPads(), op.getDilations(),
                             s.window)))
    return failure();
  s.c = xt.getDimSize(1);
  s.cout = wt.getDimSize(0);
  s.kh = wt.getDimSize(2);
  s.kw = wt.getDimSize(3);
  s.oh = yt.getDimSize(2);
  s.ow = yt.getDimSize(3);
  s.k = s.c * s.kh * s.kw;
  s.p = s.oh * s.ow;
  return s;
}

Value tiling::buildConvColumns(OpBuilder &b, Location loc, Value x,
                               const ConvGemmShape &s) {
  Type elem = cast<RankedTensorType>(x.getType()).getElementType();
  if (s.isPointwise())
    return createReshape(b, loc, x, RankedTensorType::get({s.k, s.p}, elem));
  const WindowParams &wp = s.window;
  Value xp = createPad(b, loc, x, {0, 0, wp.padsBegin[0], wp.padsBegin[1]},
                       {0, 0, wp.padsEnd[0], wp.padsEnd[1]},
                       createScalar(b, loc, elem, 0));
  return buildIm2col(b, loc, xp, s.kh, s.kw, s.oh, s.ow, wp);
}

std::optional<QuantConstant> mlir::qc::lowering::readQuantConstant(Value w) {
  auto dq = w.getDefiningOp<DequantizeOp>();
  auto scast = dq ? dq.getX().getDefiningOp<quant::StorageCastOp>() : nullptr;
  auto cst =
      scast ? scast.getInput().getDefiningOp<arith::ConstantOp>() : nullptr;
  if (!cst)
    return std::nullopt;
  auto qt = cast<quant::QuantizedType>(dq.getX().getType().getElementType());
  auto q = readIntElements(cast<ElementsAttr>(cst.getValue()), !qt.isSigned());
  if (!q)
    return std::nullopt;
  ArrayRef<int64_t> shape = dq.getType().getShape();
  int64_t rank = shape.size(), n = q->size();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t i = rank - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  QuantConstant out{qt, std::move(*q), std::vector<float>(n),
                    std::vector<int32_t>(n)};
  auto coord = [&](int64_t flat, int64_t dim) {
    return (flat / strides[dim]) % shape[dim];
  };
  for (int64_t e = 0; e < n; ++e) {
    double scale, zp;
    if (auto u = dyn_cast<quant::UniformQuantizedType>(qt)) {
      scale = u.getScale();
      zp = u.getZeroPoint();
    } else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
      int64_t c = coord(e, a.getQuantizedDimension());
      scale = a.getScales()[c];
      zp = a.getZeroPoints()[c];
    } else if (auto sc = dyn_cast<quant::UniformQuantizedSubChannelType>(qt)) {
      SmallVector<int64_t> blocks(shape.begin(), shape.end());
      for (auto [dim, size] : sc.getBlockSizeInfo())
        blocks[dim] = size;
      DenseElementsAttr scales = sc.getScales(), zps = sc.getZeroPoints();
      ArrayRef<int64_t> st = scales.getType().getShape();
      int64_t idx = 0;
      for (int64_t d = 0; d < rank; ++d)
        idx = idx * st[d] + coord(e, d) / blocks[d];
      scale = (*(scales.getValues<APFloat>().begin() + idx)).convertToDouble();
      APInt z = *(zps.getValues<APInt>().begin() + idx);
      zp = qt.isSigned() ? (double)z.getSExtValue() : (double)z.getZExtValue();
    } else {
      return std::nullopt;
    }
    out.scale[e] = (float)scale;
    out.zp[e] = (int32_t)zp;
  }
  return out;
}

/// Weight-only recipes (W4A16) whose weights no int4 kernel takes run on the
/// f32 microkernels with their weights dequantized at compile time.
std::optional<std::vector<float>> mlir::qc::lowering::constantWeights(Value w) {
  if (auto f = readFloatConstant(w))
    return f;
  std::optional<QuantConstant> c = readQuantConstant(w);
  if (!c)
    return std::nullopt;
  std::vector<float> out(c->q.size());
  // As the reference evaluator: (q - zp) * scale in f32.
  for (size_t e = 0; e < out.size(); ++e)
    out[e] = (float)(c->q[e] - c->zp[e]) * c->scale[e];
  return out;
}

Value tiling::buildDepthwise(OpBuilder &b, Location loc, Value xp, Value w,
                             Value init, const WindowParams &wp, bool integer) {
  MLIRContext *ctx = b.getContext();
  auto xt = cast<RankedTensorType>(xp.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  auto yt = cast<RankedTensorType>(init.getType());
  // Loops: c (d0), oh (d1), kh (d2), kw (d3), ow (d4).
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(5, 0,
                     {d(0), d(1) * wp.strides[0] + d(2) * wp.dilations[0],
                      d(4) * wp.strides[1] + d(3) * wp.dilations[1]},
                     ctx),
      AffineMap::get(5, 0, {d(0), d(2), d(3)}, ctx),
      AffineMap::get(5, 0, {d(0), d(1), d(4)}, ctx)};
  using IT = utils::IteratorType;
  SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                           IT::reduction, IT::parallel};
  Type i32 = b.getI32Type();
  auto conv = linalg::GenericOp::create(
      b, loc, TypeRange{yt}, ValueRange{xp, w}, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value sum;
        if (integer) {
          Value x32 = arith::ExtUIOp::create(nb, l, i32, a[0]);
          Value w32 = arith::ExtSIOp::create(nb, l, i32, a[1]);
          sum = arith::AddIOp::create(nb, l, a[2],
                                      arith::MulIOp::create(nb, l, x32, w32));
        } else {
          sum = arith::AddFOp::create(nb, l, a[2],
                                      arith::MulFOp::create(nb, l, a[0], a[1]));
        }
        linalg::YieldOp::create(nb, l, sum);
      });
  conv->setAttr("qc.loop_order", b.getStringAttr("sequential"));
  conv->setAttr("qc.ukernel", b.getStringAttr(integer ? "dwconv2d_acc_u8s8s32"
                                                      : "dwconv2d_acc_f32"));
  conv->setAttr("qc.conv_geometry",
                b.getDenseI64ArrayAttr(
                    {xt.getDimSize(0), xt.getDimSize(1), xt.getDimSize(2),
                     wt.getDimSize(1), wt.getDimSize(2), yt.getDimSize(1),
                     yt.getDimSize(2), wp.strides[0], wp.strides[1],
                     wp.dilations[0], wp.dilations[1]}));
  return conv.getResult(0);
}

/// X[M][K] * W for f32 X and constant W ([K][N], or [N][K] with
/// `wRowMajorN`) as the mmt4d GEMM: X packed in row tiles of lhsRowTile(M),
/// W packed at compile time, the result unpacked to [M][N].
static Value constantWeightGemm(OpBuilder &b, Location loc, Value x,
                                ArrayRef<float> w, int64_t n, bool wRowMajorN) {
  Type f32 = b.getF32Type();
  auto xt = cast<RankedTensorType>(x.getType());
  int64_t m = xt.getDimSize(0), k = xt.getDimSize(1);
  Value lhs = packRows(b, loc, x, /*transposed=*/false, 1,
                       createScalar(b, loc, f32, 0), lhsRowTile(m));
  Value rhs = packConstantRows<float>(b, loc, w, n, k,
                                      /*transposed=*/!wRowMajorN, 1, f32,
                                      "matmul_weight_packed");
  Value out = buildMmt4d(b, loc, lhs, rhs, Mmt4dKind::F32).getResult(0);
  return unpackF32(b, loc, out, m, n, Value(), false);
}

namespace {

/// qc.conv (2-D, group 1, batch 1, f32, constant weights) as
/// OUT[Cout][P] = W[Cout][K] * Col[K][P] with K = C*KH*KW, P = OH*OW.
struct DataTiledConv : OpConversionPattern<ConvOp> {
  DataTiledConv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.getX().getType().getElementType().isF32())
      return failure();
    FailureOr<ConvGemmShape> s = matchConvGemmShape(op);
    if (failed(s))
      return failure();
    std::optional<std::vector<float>> w = constantWeights(op.getW());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value col = buildConvColumns(rewriter, loc, adaptor.getX(), *s);
    Value lhs = packConstantRows<float>(rewriter, loc, ArrayRef<float>(*w),
                                        s->cout, s->k, /*transposed=*/false, 1,
                                        f32, "conv_weight_packed");
    Value rhs = packRows(rewriter, loc, col, /*transposed=*/true, 1,
                         createScalar(rewriter, loc, f32, 0));
    Value out =
        buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::F32).getResult(0);
    Value y = unpackF32(rewriter, loc, out, s->cout, s->p, adaptor.getB(),
                        /*biasPerRow=*/true);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }
};

/// qc.matmul / qc.gemm-free form X[..., M, K] * W[K, N] with a constant 2-D
/// f32 W: the leading dimensions of X fold into M.
struct DataTiledMatMul : OpConversionPattern<MatMulOp> {
  DataTiledMatMul(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto at = op.getLhs().getType();
    auto bt = op.getRhs().getType();
    if (at.getRank() < 2 || bt.getRank() != 2 || !at.getElementType().isF32())
      return failure();
    std::optional<std::vector<float>> w = constantWeights(op.getRhs());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
    int64_t m = at.getNumElements() / k;
    Value x =
        createReshape(rewriter, loc, adaptor.getLhs(),
                      RankedTensorType::get({m, k}, rewriter.getF32Type()));
    Value y = constantWeightGemm(rewriter, loc, x, *w, n, /*wRowMajorN=*/false);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }
};

/// qc.gemm A[M, K] * B with a constant B ([K, N], or [N, K] with trans_b):
/// the mmt4d GEMM of DataTiledMatMul, then alpha and beta * C as the
/// generic form does (gemmScaleAndAdd), which fuses into the unpack.
struct DataTiledGemm : OpConversionPattern<GemmOp> {
  DataTiledGemm(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(GemmOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto at = op.getA().getType();
    auto bt = op.getB().getType();
    if (op.getTransA() || !at.getElementType().isF32() || bt.getRank() != 2)
      return failure();
    std::optional<std::vector<float>> w = constantWeights(op.getB());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    bool transB = op.getTransB();
    Value y = constantWeightGemm(rewriter, loc, adaptor.getA(), *w,
                                 bt.getDimSize(transB ? 0 : 1), transB);
    rewriter.replaceOp(op, gemmScaleAndAdd(rewriter, loc, op.getType(), y,
                                           adaptor.getC(),
                                           op.getAlpha().convertToDouble(),
                                           op.getBeta().convertToDouble()));
    return success();
  }
};

/// Depthwise qc.conv (2-D, batch 1, group == C == M) as a generic with
/// loops (c, oh, kh, kw, ow) on the zero-padded input, accumulating into the
/// bias: tagged `qc.ukernel = "dwconv2d_acc_f32"` (geometry in
/// `qc.conv_geometry`, as for the im2col pack) for the microkernel that
/// computes these loops bit-exactly, and for sequential loop order when it
/// lowers to loops instead.
struct DepthwiseConv : OpConversionPattern<ConvOp> {
  DepthwiseConv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    auto yt = op.getType();
    // (One channel is a group-1 convolution for the GEMM patterns.)
    if (!isDepthwiseConv2D(op) || !xt.getElementType().isF32())
      return failure();
    int64_t c = xt.getDimSize(1);
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), 2, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    Type f32 = rewriter.getF32Type();
    Value x = createPad(rewriter, loc, adaptor.getX(),
                        {0, 0, wp.padsBegin[0], wp.padsBegin[1]},
                        {0, 0, wp.padsEnd[0], wp.padsEnd[1]},
                        createScalar(rewriter, loc, f32, 0));
    auto xpt = cast<RankedTensorType>(x.getType());
    x = createReshape(rewriter, loc, x,
                      RankedTensorType::get(xpt.getShape().drop_front(), f32));
    int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    Value w = createReshape(rewriter, loc, adaptor.getW(),
                            RankedTensorType::get({c, kh, kw}, f32));
    auto outType = RankedTensorType::get(yt.getShape().drop_front(), f32);
    Value init;
    if (Value b = adaptor.getB()) {
      SmallVector<AffineMap> maps = {
          AffineMap::get(3, 0, getAffineDimExpr(0, ctx), ctx),
          AffineMap::getMultiDimIdentityMap(3, ctx)};
      SmallVector<utils::IteratorType> iters(3, utils::IteratorType::parallel);
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{outType}, ValueRange{b},
                 ValueRange{createEmpty(rewriter, loc, outType)}, maps, iters,
                 [](OpBuilder &nb, Location l, ValueRange a) {
                   linalg::YieldOp::create(nb, l, a[0]);
                 })
                 .getResult(0);
    } else {
      init = createFilled(rewriter, loc, outType,
                          createScalar(rewriter, loc, f32, 0));
    }
    Value y = buildDepthwise(rewriter, loc, x, w, init, wp, /*integer=*/false);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, yt));
    return success();
  }
};

/// qc.conv_transpose with stride == kernel (no overlapping windows), no
/// padding or dilation, group 1, batch 1: each input pixel scatters a
/// KHxKW patch, so OUT[(m, kh, kw)][p] = W'[(m, kh, kw)][C] * X[C][p] is
/// one GEMM and the unpack interleaves the patches.
struct DataTiledConvTranspose : OpConversionPattern<ConvTransposeOp> {
  DataTiledConvTranspose(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    auto yt = op.getType();
    if (xt.getRank() != 4 || xt.getDimSize(0) != 1 || op.getGroup() != 1 ||
        !xt.getElementType().isF32())
      return failure();
    int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    auto is = [](std::optional<ArrayRef<int64_t>> a, ArrayRef<int64_t> v) {
      return !a || llvm::equal(*a, v);
    };
    auto isZero = [](std::optional<ArrayRef<int64_t>> a) {
      return !a || llvm::all_of(*a, [](int64_t v) { return v == 0; });
    };
    if (!op.getStrides() || !is(op.getStrides(), {kh, kw}) ||
        !is(op.getDilations(), {1, 1}) || !isZero(op.getPads()) ||
        !isZero(op.getOutputPadding()))
      return failure();
    std::optional<std::vector<float>> w = constantWeights(op.getW());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    int64_t c = xt.getDimSize(1), m = wt.getDimSize(1);
    int64_t h = xt.getDimSize(2), wd = xt.getDimSize(3), p = h * wd;
    int64_t rows = m * kh * kw;
    // W'[(m, kh, kw)][c] = W[c][m][kh][kw].
    std::vector<float> wr(rows * c);
    for (int64_t ci = 0; ci < c; ++ci)
      for (int64_t r = 0; r < rows; ++r)
        wr[r * c + ci] = (*w)[ci * rows + r];
    Value lhs = packConstantRows<float>(rewriter, loc, ArrayRef<float>(wr),
                                        rows, c, /*transposed=*/false, 1, f32,
                                        "conv_transpose_weight_packed");
    Value x = createReshape(rewriter, loc, adaptor.getX(),
                            RankedTensorType::get({c, p}, f32));
    Value rhs = packRows(rewriter, loc, x, /*transposed=*/true, 1,
                         createScalar(rewriter, loc, f32, 0));
    Value acc =
        buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::F32).getResult(0);
    // y[m][ih][kh][iw][kw] = OUT[r][q] with r = (m*KH + kh)*KW + kw and
    // q = ih*W + iw, all linear in the loops (so tiles stay aligned), then a
    // free collapse to [M][OH][OW] (oh = ih*KH + kh, ow = iw*KW + kw).
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    AffineExpr r = (d(0) * kh + d(2)) * kw + d(4);
    AffineExpr q = d(1) * wd + d(3);
    SmallVector<AffineMap> maps = {AffineMap::get(
        5, 0, {r.floorDiv(kTile), q.floorDiv(kTile), r % kTile, q % kTile},
        ctx)};
    SmallVector<Value> inputs = {acc};
    if (Value b = adaptor.getB()) {
      inputs.push_back(b);
      maps.push_back(AffineMap::get(5, 0, d(0), ctx));
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(5, ctx));
    auto outType = RankedTensorType::get({m, h, kh, wd, kw}, f32);
    SmallVector<utils::IteratorType> iters(5, utils::IteratorType::parallel);
    Value y = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{outType}, inputs,
                  ValueRange{createEmpty(rewriter, loc, outType)}, maps, iters,
                  [](OpBuilder &nb, Location l, ValueRange a) {
                    Value v = a[0];
                    if (a.size() > 2)
                      v = arith::AddFOp::create(nb, l, v, a[1]);
                    linalg::YieldOp::create(nb, l, v);
                  })
                  .getResult(0);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, yt));
    return success();
  }
};

} // namespace

void lowering::populateDataTilingPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<DataTiledConv, DataTiledMatMul, DataTiledGemm,
               DataTiledConvTranspose, DepthwiseConv>(converter,
                                                      patterns.getContext());
  populateQuantizedDataTilingPatterns(converter, patterns);
  populateWeightOnlyDataTilingPatterns(converter, patterns);
}

//===- QuantizedDataTiling.cpp - W8A8 contractions on integer GEMMs -------===//
//
// With `data-tiling`, W8A8 convolutions and matrix products (u8 activations
// through qc.dequantize times constant s8 weights) become integer GEMMs on
// the runtime's VNNI microkernels with an f32 requantization epilogue.
// Convolutions use the weights as the LHS (the result is NCHW); when the
// pixel count is a multiple of 16 the GEMM reads the zero-point-padded
// input through an im2col map and becomes the fused im2col (or, for stride
// 1 in width and rows of 16 pixels, the implicit-GEMM) microkernel.
// Depthwise convolutions accumulate in int32 on their own microkernel.
//
// Without data tiling, `integer-contractions` (the CUDA target) gives the
// forms of the CUDA kernels: matrix products and (after an im2col with
// pixels as rows) convolutions as the integer `matmul_u8s8s32` GEMM generic
// of qc-gpu-w8a8-gemm, depthwise convolutions as the int32 generic above,
// run as loops.
//
//===----------------------------------------------------------------------===//

#include "DataTiling.h"

#include "qc/QCShapeUtils.h"
#include "quantc/Support/QuantOperands.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;
using namespace mlir::qc::lowering::tiling;

/// The requantizing epilogue of one element: fma(float(acc - zpX *
/// colsum), scaleX * scaleW, bias) from (acc, zpX * colsum, scale, bias).
static Value requantScalar(OpBuilder &b, Location loc, ValueRange v) {
  Value t = arith::SubIOp::create(b, loc, v[0], v[1]);
  Value f = arith::SIToFPOp::create(b, loc, b.getF32Type(), t);
  return math::FmaOp::create(b, loc, f, v[2], v[3]);
}

/// The per-channel operands of requantScalar as constants of `shape` (one
/// element per channel): zpX * colsum (i32), scale, and bias when given.
static SmallVector<Value> requantOperands(OpBuilder &b, Location loc,
                                          ArrayRef<int64_t> shape, int64_t zpX,
                                          ArrayRef<int32_t> colsum,
                                          ArrayRef<float> scale,
                                          ArrayRef<float> bias = {}) {
  std::vector<int32_t> corr(colsum.size());
  for (size_t i = 0; i < colsum.size(); ++i)
    corr[i] = (int32_t)(zpX * (int64_t)colsum[i]);
  auto vec = [&](auto data, Type t) -> Value {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(RankedTensorType::get(shape, t), data));
  };
  SmallVector<Value> v = {vec(ArrayRef<int32_t>(corr), b.getI32Type()),
                          vec(scale, b.getF32Type())};
  if (!bias.empty())
    v.push_back(vec(bias, b.getF32Type()));
  return v;
}

/// Requantizing unpack of integer tiles into an f32 [rows][cols] result
/// whose channel (weight row n) is `channelIsRow` ? r : c:
///   out = fma(float(acc - zpX * colsum[n]), scaleX * scaleW[n], bias[n])
/// with the per-channel constants given as vectors. When the tiles hold
/// the result untransposed and `cols` is a multiple of 16, the generic
/// iterates (r, c1, c0) like `unpack`: its inner loop reads 16 contiguous
/// accumulators of a tile row and writes 16 contiguous outputs, which LLVM
/// vectorizes.
static Value unpackRequant(OpBuilder &b, Location loc, Value acc, int64_t rows,
                           int64_t cols, bool transposed, bool channelIsRow,
                           int64_t zpX, ArrayRef<int32_t> colsum,
                           ArrayRef<float> scale, ArrayRef<float> bias) {
  // Rows per tile: 16, or fewer for GEMMs with weights as the LHS.
  int64_t m0 = cast<RankedTensorType>(acc.getType()).getDimSize(2);
  assert((m0 == kTile || !transposed) &&
         "small row tiles only for untransposed unpacks");
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  bool blocked = !transposed && cols % kTile == 0;
  int64_t rank = blocked ? 3 : 2;
  auto type = blocked ? RankedTensorType::get({rows, cols / kTile, kTile}, f32)
                      : RankedTensorType::get({rows, cols}, f32);
  int64_t n = colsum.size();
  AffineExpr col = blocked ? d(1) * kTile + d(2) : d(1);
  AffineMap ch = AffineMap::get(rank, 0, channelIsRow ? d(0) : col, ctx);
  AffineMap in =
      blocked ? AffineMap::get(3, 0, {d(0).floorDiv(m0), d(1), d(0) % m0, d(2)},
                               ctx)
      : transposed ? unpackMap(ctx, transposed)
                   : AffineMap::get(2, 0,
                                    {d(0).floorDiv(m0), d(1).floorDiv(kTile),
                                     d(0) % m0, d(1) % kTile},
                                    ctx);
  SmallVector<Value> inputs = {acc};
  llvm::append_range(inputs,
                     requantOperands(b, loc, {n}, zpX, colsum, scale, bias));
  SmallVector<AffineMap> maps = {in, ch, ch, ch,
                                 AffineMap::getMultiDimIdentityMap(rank, ctx)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value out = linalg::GenericOp::create(
                  b, loc, TypeRange{type}, inputs,
                  ValueRange{createEmpty(b, loc, type)}, maps, iters,
                  [&](OpBuilder &nb, Location l, ValueRange a) {
                    linalg::YieldOp::create(nb, l, requantScalar(nb, l, a));
                  })
                  .getResult(0);
  return createReshape(b, loc, out, RankedTensorType::get({rows, cols}, f32));
}

/// The s8 x u8 GEMM of a W8A8 convolution with its im2col packing folded
/// in: OUT[M1][N1][M0][16] (i32) = sum LHS[M1][K1][M0][4] (the packed s8
/// weights) * Col, where Col is the im2col matrix of the (zero-point padded)
/// u8 NCHW input xp[1][C][Hp][Wp] read straight through the indexing map,
///   Col[k][p] = xp[0][c][oh*sh + kh*dh][ow*sw + kw*dw]
/// with k = k1*4 + k0 = (c, kh, kw) and p = n1*16 + n0 = (oh, ow). A
/// generic tagged `qc.ukernel = "conv2d_im2col_s8u8s32"` (geometry in
/// `qc.conv_geometry` = [C, Hp, Wp, KH, KW, OH, OW, sh, sw, dh, dw]):
/// qc-cpu-lower-to-ukernels turns it into qrt_ukernel_conv2d_im2col_s8u8s32
/// calls, which pack the columns chunk by chunk in L2, so the im2col matrix
/// never goes to memory. Needs K % 4 == 0 and P % 16 == 0 (no partial
/// tiles). With `tapsOuter` (stride_w 1, OW % 16 == 0, C % 4 == 0) the
/// weights are ordered k = (kh, kw, c) and the generic is tagged
/// `"conv2d_direct_s8u8s32"` for the implicit-GEMM microkernel, which
/// needs no im2col at all.
static Value buildConvIm2colGemm(OpBuilder &b, Location loc, Value lhs,
                                 Value xp, int64_t kh, int64_t kw, int64_t oh,
                                 int64_t ow, ArrayRef<int64_t> strides,
                                 ArrayRef<int64_t> dilations, bool tapsOuter) {
  MLIRContext *ctx = b.getContext();
  auto xt = cast<RankedTensorType>(xp.getType());
  int64_t channels = xt.getDimSize(1), p = oh * ow;
  assert((channels * kh * kw) % 4 == 0 && p % kTile == 0 &&
         "partial im2col tiles");
  // Loops: m1, n1, k1, m0, n0, k0 (as buildMmt4d).
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineExpr kk = d(2) * 4 + d(5), pp = d(1) * kTile + d(4);
  // k = (c, kh, kw) (im2col order), or (kh, kw, c) with the taps outer.
  AffineExpr c = tapsOuter ? kk % channels : kk.floorDiv(kh * kw);
  AffineExpr r = tapsOuter ? kk.floorDiv(channels) : kk % (kh * kw);
  AffineExpr ih = pp.floorDiv(ow) * strides[0] + r.floorDiv(kw) * dilations[0];
  AffineExpr iw = (pp % ow) * strides[1] + (r % kw) * dilations[1];
  AffineMap im2col =
      AffineMap::get(6, 0, {getAffineConstantExpr(0, ctx), c, ih, iw}, ctx);
  linalg::GenericOp op =
      buildMmt4d(b, loc, lhs, xp, Mmt4dKind::S8U8, im2col, p / kTile);
  op->setAttr("qc.ukernel",
              b.getStringAttr(tapsOuter ? "conv2d_direct_s8u8s32"
                                        : "conv2d_im2col_s8u8s32"));
  op->setAttr("qc.conv_geometry",
              b.getDenseI64ArrayAttr(
                  {channels, xt.getDimSize(2), xt.getDimSize(3), kh, kw, oh, ow,
                   strides[0], strides[1], dilations[0], dilations[1]}));
  return op.getResult(0);
}

/// ACC[M][N] (i32, zero-filled) = sum_k zext(A[m][k]) * sext(Wt[n][k]) as
/// the generic tagged `qc.ukernel = "matmul_u8s8s32"` that the CUDA
/// target's qc-gpu-w8a8-gemm turns into its int8 tensor-core kernel (left
/// alone, an integer loop nest). `wt` is [N][K].
static Value buildIntegerGemmAcc(OpBuilder &b, Location loc, Value a,
                                 ArrayRef<int8_t> wt, int64_t m, int64_t n,
                                 int64_t k) {
  MLIRContext *ctx = b.getContext();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  Value wc = arith::ConstantOp::create(
      b, loc,
      makeRawResource(RankedTensorType::get({n, k}, i8), "matmul_weight_s8_t",
                      ArrayRef<char>(reinterpret_cast<const char *>(wt.data()),
                                     wt.size())));
  auto accType = RankedTensorType::get({m, n}, i32);
  Value init = createFilled(b, loc, accType, createScalar(b, loc, i32, 0));
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                 AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                                 AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                            utils::IteratorType::parallel,
                                            utils::IteratorType::reduction};
  auto gemm = linalg::GenericOp::create(
      b, loc, TypeRange{accType}, ValueRange{a, wc}, ValueRange{init}, maps,
      iters, [&](OpBuilder &nb, Location l, ValueRange v) {
        Value xv = arith::ExtUIOp::create(nb, l, i32, v[0]);
        Value wv = arith::ExtSIOp::create(nb, l, i32, v[1]);
        Value pr = arith::MulIOp::create(nb, l, xv, wv);
        linalg::YieldOp::create(nb, l,
                                Value(arith::AddIOp::create(nb, l, v[2], pr)));
      });
  gemm->setAttr("qc.ukernel", b.getStringAttr("matmul_u8s8s32"));
  return gemm.getResult(0);
}

namespace {

//===----------------------------------------------------------------------===//
// u8 x s8 contractions (W8A8).
//===----------------------------------------------------------------------===//

/// A u8 per-tensor quantized activation read through qc.dequantize.
struct QuantActivation {
  Value storage; // converted (signless i8 holding u8 bits)
  int64_t zeroPoint;
  double scale;
};

static std::optional<QuantActivation>
matchQuantActivation(Value x, ConversionPatternRewriter &rewriter) {
  quant::UniformQuantizedType qt = getU8Activation(x);
  if (!qt)
    return std::nullopt;
  Value storage =
      rewriter.getRemappedValue(x.getDefiningOp<DequantizeOp>().getX());
  if (!storage)
    return std::nullopt;
  return QuantActivation{storage, qt.getZeroPoint(), qt.getScale()};
}

/// The values and per-channel scales of a constant symmetric s8 weight
/// (quantc/Support/QuantOperands.h).
struct QuantWeight {
  std::vector<int64_t> values;
  std::vector<double> scales; // one per channel (repeated for per-tensor)
};

static std::optional<QuantWeight> matchQuantWeight(Value w,
                                                   int64_t channelAxis) {
  std::optional<S8Weight> s8 = matchS8Weight(w, channelAxis);
  if (!s8)
    return std::nullopt;
  auto values = readIntElements(cast<ElementsAttr>(s8->constant.getValue()),
                                /*isUnsigned=*/false);
  if (!values)
    return std::nullopt;
  return QuantWeight{std::move(*values), std::move(s8->scales)};
}

/// The constant f32 values of an optional bias (zeros when absent); nullopt
/// when it is not constant.
static std::optional<std::vector<float>> constantBias(Value bias, int64_t n) {
  if (!bias)
    return std::vector<float>(n, 0.0f);
  return readFloatConstant(bias);
}

/// Per-channel requantization constants: f32(scaleX) * f32(scaleW[n]),
/// and the weight sums over the reduction (rows of `values`, `k` each).
static void requantConstants(const QuantActivation &x, const QuantWeight &w,
                             int64_t n, int64_t k, bool channelMajor,
                             std::vector<float> &scale,
                             std::vector<int32_t> &colsum) {
  scale.resize(n);
  colsum.assign(n, 0);
  for (int64_t c = 0; c < n; ++c) {
    scale[c] = (float)x.scale * (float)w.scales[c];
    for (int64_t kk = 0; kk < k; ++kk)
      colsum[c] +=
          (int32_t)(channelMajor ? w.values[c * k + kk] : w.values[kk * n + c]);
  }
}

/// qc.conv(dequantize(u8 x), dequantize(s8 w)) (2-D, group 1, batch 1) on
/// the s8 x u8 microkernel with the weights as the LHS: OUT[Cout][P] =
/// W[Cout][K] * Col[K][P] is already NCHW, so the requantizing unpack (one
/// f32 multiply-add per output element) reads and writes rows of 16
/// contiguous values. When P % 16 == 0 the GEMM reads the (padded) u8
/// input through an im2col indexing map and becomes the fused im2col + GEMM
/// microkernel (with up to 3 extra zero-weight input channels to make K a
/// multiple of 4); otherwise the columns are packed by an im2col generic
/// and a packing generic first.
///
/// With `integerGeneric` (no data tiling: the CUDA target), the convolution
/// is the integer GEMM of the CUDA kernel instead (buildIntegerConv).
struct QuantizedConv : OpConversionPattern<ConvOp> {
  QuantizedConv(const TypeConverter &tc, MLIRContext *ctx,
                bool integerGeneric = false)
      : OpConversionPattern(tc, ctx, /*benefit=*/3),
        integerGeneric(integerGeneric) {}
  bool integerGeneric;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<ConvGemmShape> shape = matchConvGemmShape(op);
    if (failed(shape))
      return failure();
    std::optional<QuantActivation> x =
        matchQuantActivation(op.getX(), rewriter);
    std::optional<QuantWeight> w = matchQuantWeight(op.getW(), 0);
    int64_t cout = shape->cout;
    std::optional<std::vector<float>> bias = constantBias(op.getB(), cout);
    if (!x || !w || !bias)
      return failure();
    if (integerGeneric) {
      rewriter.replaceOp(op, buildIntegerConv(rewriter, op.getLoc(), *shape, *x,
                                              *w, *bias, op.getType()));
      return success();
    }
    Location loc = op.getLoc();
    const WindowParams &wp = shape->window;
    int64_t c = shape->c, kh = shape->kh, kw = shape->kw;
    int64_t oh = shape->oh, ow = shape->ow, k = shape->k, p = shape->p;
    Type i8 = rewriter.getI8Type();
    // Padding holds the zero point: real value 0.
    Value zp = createScalar(rewriter, loc, i8, (int8_t)(uint8_t)x->zeroPoint);
    // For the fused im2col GEMM, K must be a multiple of 4: a few extra
    // input channels (zero weights, zero-point values) get it there, e.g.
    // an RGB input's 3 channels become 4.
    int64_t cPadded = c;
    while ((cPadded * kh * kw) % 4 != 0)
      ++cPadded;
    bool fusedIm2col = p % kTile == 0 && cPadded - c <= 3;
    int64_t extraC = fusedIm2col ? cPadded - c : 0;
    Value xp = x->storage;
    if (extraC || llvm::any_of(wp.padsBegin, [](int64_t v) { return v; }) ||
        llvm::any_of(wp.padsEnd, [](int64_t v) { return v; }))
      xp = createPad(rewriter, loc, x->storage,
                     {0, 0, wp.padsBegin[0], wp.padsBegin[1]},
                     {0, extraC, wp.padsEnd[0], wp.padsEnd[1]}, zp);
    Value acc;
    if (fusedIm2col) {
      // Row tiles of 8 when that pads fewer output channels (24 -> 24
      // instead of 32): the microkernel runs as fast per row.
      int64_t m0 = (cout + 7) / 8 * 8 < (cout + 15) / 16 * 16 ? 8 : kTile;
      // The implicit GEMM (no im2col) reads 16 consecutive input columns
      // per tap, with the weights' taps outer.
      bool direct = wp.strides[1] == 1 && ow % kTile == 0 && cPadded % 4 == 0;
      int64_t tap = kh * kw;
      std::vector<int64_t> values(cout * cPadded * tap, 0);
      for (int64_t o = 0; o < cout; ++o)
        for (int64_t ci = 0; ci < c; ++ci)
          for (int64_t t = 0; t < tap; ++t)
            values[o * cPadded * tap +
                   (direct ? t * cPadded + ci : ci * tap + t)] =
                w->values[(o * c + ci) * tap + t];
      Value lhs = packConstantRows<int8_t>(
          rewriter, loc, ArrayRef<int64_t>(values), cout, cPadded * tap,
          /*transposed=*/false, 4, i8, "conv_weight_s8_packed", m0);
      acc = buildConvIm2colGemm(rewriter, loc, lhs, xp, kh, kw, oh, ow,
                                wp.strides, wp.dilations, direct);
    } else {
      Value lhs = packConstantRows<int8_t>(
          rewriter, loc, ArrayRef<int64_t>(w->values), cout, k,
          /*transposed=*/false, 4, i8, "conv_weight_s8_packed");
      Value rhs;
      if (shape->isPointwise()) {
        rhs = packRows(rewriter, loc,
                       createReshape(rewriter, loc, x->storage,
                                     RankedTensorType::get({k, p}, i8)),
                       /*transposed=*/true, 4,
                       createScalar(rewriter, loc, i8, 0));
      } else {
        Value col = buildIm2col(rewriter, loc, xp, kh, kw, oh, ow, wp);
        rhs = packRows(rewriter, loc, col, /*transposed=*/true, 4,
                       createScalar(rewriter, loc, i8, 0));
      }
      acc = buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::S8U8).getResult(0);
    }
    std::vector<float> scale;
    std::vector<int32_t> colsum;
    requantConstants(*x, *w, cout, k, /*channelMajor=*/true, scale, colsum);
    Value y = unpackRequant(rewriter, loc, acc, cout, p, /*transposed=*/false,
                            /*channelIsRow=*/true, x->zeroPoint, colsum, scale,
                            *bias);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }

  /// The CUDA form: A[P][K] = the im2col of the u8 input with implicit
  /// zero-point padding (pixels as rows, k = (c, kh, kw); a few zero-point
  /// channels with zero weights make K a multiple of 4, which the kernel's
  /// 32-bit loads of A need), the `matmul_u8s8s32` generic ACC[P][Cout] on
  /// the weights [Cout][K], and the epilogue y[0][co][oh][ow] = fma(float(ACC[p][co] -
  /// zx * colsum[co]), sx * sw[co], bias[co]) with p = oh * OW + ow, reading
  /// ACC transposed, so the result is NCHW.
  static Value buildIntegerConv(OpBuilder &b, Location loc,
                                const ConvGemmShape &shape,
                                const QuantActivation &x, const QuantWeight &w,
                                ArrayRef<float> bias, RankedTensorType type) {
    MLIRContext *ctx = b.getContext();
    Type i8 = b.getI8Type();
    int64_t c = shape.c, kh = shape.kh, kw = shape.kw, cout = shape.cout;
    int64_t ow = shape.ow, p = shape.p, tap = kh * kw;
    int64_t cPadded = c;
    while ((cPadded * tap) % 4 != 0)
      ++cPadded;
    int64_t k = cPadded * tap;
    Value zp = createScalar(b, loc, i8, (int8_t)(uint8_t)x.zeroPoint);
    Value a = buildIm2colRows(b, loc, x.storage, shape, cPadded, zp);
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    std::vector<int8_t> wt(cout * k, 0);
    for (int64_t o = 0; o < cout; ++o)
      for (int64_t ci = 0; ci < c; ++ci)
        for (int64_t t = 0; t < tap; ++t)
          wt[o * k + ci * tap + t] = (int8_t)w.values[(o * c + ci) * tap + t];
    std::vector<float> scale;
    std::vector<int32_t> colsum;
    requantConstants(x, w, cout, c * tap, /*channelMajor=*/true, scale, colsum);
    Value acc = buildIntegerGemmAcc(b, loc, a, wt, p, cout, k);
    SmallVector<Value> inputs = {acc};
    llvm::append_range(inputs, requantOperands(b, loc, {cout}, x.zeroPoint,
                                               colsum, scale, bias));
    // The epilogue iterates the result's own [1][Cout][OH][OW] shape, so
    // that the elementwise ops after the convolution fuse into it.
    AffineMap ch = AffineMap::get(4, 0, d(1), ctx);
    AffineMap accMap = AffineMap::get(4, 0, {d(2) * ow + d(3), d(1)}, ctx);
    Value y =
        linalg::GenericOp::create(
            b, loc, TypeRange{type}, inputs,
            ValueRange{createEmpty(b, loc, type)},
            {accMap, ch, ch, ch, AffineMap::getMultiDimIdentityMap(4, ctx)},
            SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange v) {
              linalg::YieldOp::create(nb, l, requantScalar(nb, l, v));
            })
            .getResult(0);
    return y;
  }
};

/// Depthwise qc.conv(dequantize(u8 x), dequantize(s8 w)) (2-D, batch 1,
/// group == C == Cout): an int32 generic with loops (c, oh, kh, kw, ow) on
/// the zero-point-padded input, as the f32 DepthwiseConv, tagged
/// `qc.ukernel = "dwconv2d_acc_u8s8s32"` for the VNNI microkernel (geometry
/// in `qc.conv_geometry`), then the per-channel requantization
///   y = fma(float(acc - zx * sum_t w[c][t]), f32(sx) * f32(sw[c]), bias[c])
/// which the reference evaluator computes the same way.
struct QuantizedDepthwiseConv : OpConversionPattern<ConvOp> {
  QuantizedDepthwiseConv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/3) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = op.getX().getType();
    auto wt = op.getW().getType();
    auto yt = op.getType();
    if (!isDepthwiseConv2D(op))
      return failure();
    int64_t c = xt.getDimSize(1);
    std::optional<QuantActivation> x =
        matchQuantActivation(op.getX(), rewriter);
    std::optional<QuantWeight> w = matchQuantWeight(op.getW(), 0);
    std::optional<std::vector<float>> bias = constantBias(op.getB(), c);
    if (!x || !w || !bias)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    WindowParams wp;
    if (failed(getWindowParams(loc, op.getOperationName(), 2, op.getStrides(),
                               op.getPads(), op.getDilations(), wp)))
      return failure();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type(),
         f32 = rewriter.getF32Type();
    int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
    int64_t oh = yt.getDimSize(2), ow = yt.getDimSize(3);
    // [C][H][W] views of the input. An activation that other ops read too
    // is first copied by a generic (its map drops the batch dimension, so
    // neither canonicalization nor elementwise fusion removes it), which
    // then writes straight into the padded buffer: padding the shared value
    // itself makes bufferization copy the whole activation out of the
    // padded buffer and back in, element by element, for the other readers.
    auto dq = op.getX().getDefiningOp<DequantizeOp>();
    int64_t h = xt.getDimSize(2), wd = xt.getDimSize(3);
    auto chw = RankedTensorType::get({c, h, wd}, i8);
    // Padding holds the zero point: real value 0.
    Value zp = createScalar(rewriter, loc, i8, (int8_t)(uint8_t)x->zeroPoint);
    Value xp;
    if (!dq->hasOneUse() || !dq.getX().hasOneUse()) {
      SmallVector<AffineMap> copyMaps = {
          AffineMap::get(3, 0,
                         {getAffineConstantExpr(0, ctx),
                          getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx),
                          getAffineDimExpr(2, ctx)},
                         ctx),
          AffineMap::getMultiDimIdentityMap(3, ctx)};
      Value copy = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{chw}, ValueRange{x->storage},
                       ValueRange{createEmpty(rewriter, loc, chw)}, copyMaps,
                       SmallVector<utils::IteratorType>(
                           3, utils::IteratorType::parallel),
                       [](OpBuilder &nb, Location l, ValueRange a) {
                         linalg::YieldOp::create(nb, l, a[0]);
                       })
                       .getResult(0);
      xp = createPad(rewriter, loc, copy, {0, wp.padsBegin[0], wp.padsBegin[1]},
                     {0, wp.padsEnd[0], wp.padsEnd[1]}, zp);
    } else {
      xp = createPad(rewriter, loc, x->storage,
                     {0, 0, wp.padsBegin[0], wp.padsBegin[1]},
                     {0, 0, wp.padsEnd[0], wp.padsEnd[1]}, zp);
      auto padded = cast<RankedTensorType>(xp.getType());
      xp = createReshape(
          rewriter, loc, xp,
          RankedTensorType::get(padded.getShape().drop_front(), i8));
    }
    std::vector<int8_t> wv(w->values.begin(), w->values.end());
    Value wc = arith::ConstantOp::create(
        rewriter, loc,
        makeRawResource(
            RankedTensorType::get({c, kh, kw}, i8), "dwconv_weight_s8",
            ArrayRef<char>(reinterpret_cast<const char *>(wv.data()),
                           wv.size())));
    auto accType = RankedTensorType::get({c, oh, ow}, i32);
    Value init = createFilled(rewriter, loc, accType,
                              createScalar(rewriter, loc, i32, 0));
    Value acc =
        buildDepthwise(rewriter, loc, xp, wc, init, wp, /*integer=*/true);
    std::vector<float> scale;
    std::vector<int32_t> wsum;
    requantConstants(*x, *w, c, kh * kw, /*channelMajor=*/true, scale, wsum);
    // Per-channel constants as [1][C][1][1], broadcast over the pixels. The
    // epilogue computes the result's own [1][C][OH][OW] shape, so that the
    // elementwise ops after the convolution fuse into it (no reshape in
    // between) and its f32 values never go to memory.
    SmallVector<Value> inputs = {createReshape(
        rewriter, loc, acc, RankedTensorType::get({1, c, oh, ow}, i32))};
    llvm::append_range(inputs,
                       requantOperands(rewriter, loc, {1, c, 1, 1},
                                       x->zeroPoint, wsum, scale, *bias));
    Value y = createElementwise(
        rewriter, loc, RankedTensorType::get({1, c, oh, ow}, f32), inputs,
        [&](OpBuilder &nb, Location l, ValueRange a) {
          return requantScalar(nb, l, a);
        });
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, yt));
    return success();
  }
};

/// qc.matmul(dequantize(u8 X[..., K]), dequantize(s8 W[K, N])): with data
/// tiling, the u8 x s8 mmt4d microkernel GEMM and the requantizing unpack.
/// Without (`integerGeneric`, the CUDA target), an integer GEMM generic
/// tagged `qc.ukernel = "matmul_u8s8s32"`,
///   ACC[m][n] = sum_k zext(X[m][k]) * sext(Wt[n][k])   (i32, zero-filled)
/// over a constant [N][K] copy of the weights, then the requantizing
/// epilogue `float(ACC - zpX * colsum[n]) * (scaleX * scaleW[n])`, which
/// the elementwise ops after it fuse into. qc-gpu-w8a8-gemm turns the
/// generic into an int8 tensor-core kernel; left alone, it is an integer
/// loop nest with the same result.
struct QuantizedMatMul : OpConversionPattern<MatMulOp> {
  QuantizedMatMul(const TypeConverter &tc, MLIRContext *ctx,
                  bool integerGeneric = false)
      : OpConversionPattern(tc, ctx, /*benefit=*/3),
        integerGeneric(integerGeneric) {}
  bool integerGeneric;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto at = op.getLhs().getType();
    auto bt = op.getRhs().getType();
    if (at.getRank() < 2 || bt.getRank() != 2)
      return failure();
    std::optional<QuantActivation> x =
        matchQuantActivation(op.getLhs(), rewriter);
    std::optional<QuantWeight> w = matchQuantWeight(op.getRhs(), 1);
    if (!x || !w)
      return failure();
    Location loc = op.getLoc();
    Type i8 = rewriter.getI8Type();
    int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
    int64_t m = at.getNumElements() / k;
    Value xs = createReshape(rewriter, loc, x->storage,
                             RankedTensorType::get({m, k}, i8));
    std::vector<float> scale;
    std::vector<int32_t> colsum;
    requantConstants(*x, *w, n, k, /*channelMajor=*/false, scale, colsum);
    Value y;
    if (integerGeneric) {
      y = buildIntegerGemm(rewriter, loc, xs, *w, m, n, k, x->zeroPoint, scale,
                           colsum);
    } else {
      Value lhs = packRows(rewriter, loc, xs, /*transposed=*/false, 4,
                           createScalar(rewriter, loc, i8, 0), lhsRowTile(m));
      Value rhs = packConstantRows<int8_t>(
          rewriter, loc, ArrayRef<int64_t>(w->values), n, k,
          /*transposed=*/true, 4, i8, "matmul_weight_s8_packed");
      Value acc =
          buildMmt4d(rewriter, loc, lhs, rhs, Mmt4dKind::U8S8).getResult(0);
      y = unpackRequant(rewriter, loc, acc, m, n, /*transposed=*/false,
                        /*channelIsRow=*/false, x->zeroPoint, colsum, scale,
                        std::vector<float>(n, 0.0f));
    }
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }

  /// The `matmul_u8s8s32` generic on xs [M][K] and its epilogue.
  static Value buildIntegerGemm(OpBuilder &b, Location loc, Value xs,
                                const QuantWeight &w, int64_t m, int64_t n,
                                int64_t k, int64_t zpX, ArrayRef<float> scale,
                                ArrayRef<int32_t> colsum) {
    Type f32 = b.getF32Type();
    std::vector<int8_t> wt(n * k);
    for (int64_t kk = 0; kk < k; ++kk)
      for (int64_t c = 0; c < n; ++c)
        wt[c * k + kk] = (int8_t)w.values[kk * n + c];
    Value acc = buildIntegerGemmAcc(b, loc, xs, wt, m, n, k);
    SmallVector<Value> inputs = {acc};
    llvm::append_range(inputs,
                       requantOperands(b, loc, {n}, zpX, colsum, scale));
    return createElementwise(
        b, loc, RankedTensorType::get({m, n}, f32), inputs,
        [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
          Value t = arith::SubIOp::create(nb, l, a[0], a[1]);
          Value f = arith::SIToFPOp::create(nb, l, f32, t);
          return arith::MulFOp::create(nb, l, f, a[2]);
        });
  }
};

} // namespace

void lowering::populateQuantizedDataTilingPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QuantizedConv, QuantizedDepthwiseConv, QuantizedMatMul>(
      converter, patterns.getContext());
}

void lowering::populateIntegerContractionPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<QuantizedMatMul, QuantizedConv>(converter, patterns.getContext(),
                                               /*integerGeneric=*/true);
  // The depthwise form (an i32 generic on the padded u8 input) is target
  // independent: without the CPU microkernel it is an integer loop nest,
  // exact like the reference evaluator.
  patterns.add<QuantizedDepthwiseConv>(converter, patterns.getContext());
}

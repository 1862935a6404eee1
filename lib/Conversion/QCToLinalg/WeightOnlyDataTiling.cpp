//===- WeightOnlyDataTiling.cpp - W4A16/W2A16 contractions, packed weights ===//
//
// With `data-tiling`, a matrix product X[..., M, K] * W[K, N] of f32
// activations (M at most 16) and a constant weight of at most 4 bits
// (qc.dequantize of a quantized constant: per tensor, per output channel or
// in blocks along K) becomes a generic tagged `qc.ukernel = "gemv_w4_f32"`:
//
//   Y[m][n] = sum_k X[m][k] * ((float(Q[n][k]) - Z[n][k / G]) * S[n][k / G])
//
// with Q the weights as unsigned 4-bit values (one per byte, i8), S and Z the
// scale and zero point of each group of G consecutive k, and G a group size
// of the runtime's int4 kernel (16, 32, 64 or a multiple of 128; a
// per-channel weight takes the smallest one that covers K).
// qc-cpu-lower-to-ukernels packs Q, S and Z at compile time into the layout
// of qrt_ukernel_gemv_w4_f32 (two weights per byte) and calls the kernel on
// each task's range of output channels; without that pass the generic lowers
// to loops with the same meaning. Weights the kernel cannot take (more than
// 4 bits, groups that no kernel group size fits) keep the f32 path: they
// are dequantized at compile time.
//
// Without data tiling, `packed-w4` (the CUDA target) uses the
// `gemv_w4_f32` form for matrix products with any number of rows and for
// convolutions (group 1, batch 1): on the im2col of the input with pixels
// as rows, followed by an epilogue that adds the bias and writes NCHW.
//
// Matrix products with more rows than the GEMV serves well, and
// convolutions (group 1, batch 1) with such weights, become the data-tiled
// f32 GEMM of DataTiling.cpp with the weight operand kept packed: a generic
// in linalg.mmt4d's layout tagged `qc.ukernel = "mmt4d_f32_wq"` whose weight
// operand is [R1][K][2 * bits] bytes (16 rows of 2- or 4-bit values per k,
// row j at bits [bits*j, bits*j + bits) of the tile's little-endian word)
// with scales and zero points [R1][ceil(K/G)][16] f32, and the attribute
// `qc.wq = [weight operand (0: LHS, 1: RHS), bits, G]`. Element (r, k) of
// the weights is (q - Z[r][k / G]) * S[r][k / G]. qc-cpu-lower-to-ukernels
// calls qrt_ukernel_mmt4d_f32_wq on it, which decodes the weights into
// cache-resident f32 tiles per call; without that pass the generic lowers
// to loops with the same meaning.
//
//===----------------------------------------------------------------------===//

#include "DataTiling.h"

#include <numeric>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;
using namespace mlir::qc::lowering::tiling;

namespace {

/// A weight [K][N] as the int4 kernel takes it: Q[n][k] in 0..15, and per
/// (n, group of `group` k) a scale and a zero point (in the same offset
/// encoding as Q).
struct W4Weight {
  int64_t group;
  std::vector<int8_t> q;    // [N][K]
  std::vector<float> scale; // [N][Kb]
  std::vector<float> zp;    // [N][Kb]
};

/// The group sizes of qrt_ukernel_gemv_w4_f32 worth trying for a reduction
/// of K, largest (fewest scales) first. Multiples of 128 run the vpdpbusd
/// kernel (x rounded to 16-bit fixed point); a K of at most 64 keeps the
/// f32 kernel, whose products are the reference evaluator's.
SmallVector<int64_t> candidateGroups(int64_t k) {
  SmallVector<int64_t> groups;
  for (int64_t g = (k + 127) / 128 * 128; k > 64 && g >= 128; g -= 128)
    groups.push_back(g);
  for (int64_t g : {64, 32, 16})
    groups.push_back(g);
  return groups;
}

/// `w` as an f32 qc.dequantize of a quantized constant of at most 4 bits:
/// its values (readQuantConstant), else nothing.
std::optional<QuantConstant> readNarrowWeight(Value w) {
  auto dq = w.getDefiningOp<DequantizeOp>();
  if (!dq || !dq.getType().getElementType().isF32() ||
      cast<quant::QuantizedType>(dq.getX().getType().getElementType())
              .getStorageTypeIntegralWidth() > 4)
    return std::nullopt;
  return readQuantConstant(w);
}

/// `w` (qc.dequantize of a quantized constant of at most 4 bits) as `n`
/// columns of `k` reduction elements, element (nn, kk) at flat index
/// at(nn, kk) of the constant.
std::optional<W4Weight>
matchW4Weight(Value w, int64_t n, int64_t k,
              function_ref<int64_t(int64_t, int64_t)> at) {
  std::optional<QuantConstant> c = readNarrowWeight(w);
  if (!c || (int64_t)c->q.size() != n * k)
    return std::nullopt;
  quant::QuantizedType qt = c->type;
  // Signed storage moves by 8 into 0..15 (the kernel's default zero point
  // 8 is then a signed zero point of 0).
  int64_t offset = qt.isSigned() ? 8 : 0;
  for (int64_t e = 0; e < k * n; ++e)
    if (c->zp[e] + offset < 0 || c->zp[e] + offset > 15)
      return std::nullopt;
  // The largest kernel group size within which every (scale, zero point)
  // of a column is constant.
  auto uniform = [&](int64_t g) {
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t first = kk / g * g;
      if (first == kk)
        continue;
      for (int64_t nn = 0; nn < n; ++nn)
        if (c->scale[at(nn, kk)] != c->scale[at(nn, first)] ||
            c->zp[at(nn, kk)] != c->zp[at(nn, first)])
          return false;
    }
    return true;
  };
  int64_t group = 0;
  for (int64_t g : candidateGroups(k))
    if (uniform(g)) {
      group = g;
      break;
    }
  if (!group)
    return std::nullopt;
  int64_t kb = (k + group - 1) / group;
  W4Weight r{group, std::vector<int8_t>(n * k), std::vector<float>(n * kb),
             std::vector<float>(n * kb)};
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t nn = 0; nn < n; ++nn) {
      int64_t e = at(nn, kk);
      r.q[nn * k + kk] = (int8_t)(c->q[e] + offset);
      if (kk % group == 0) {
        r.scale[nn * kb + kk / group] = c->scale[e];
        r.zp[nn * kb + kk / group] = (float)(c->zp[e] + offset);
      }
    }
  return r;
}

/// Matrix products with at most this many rows take the GEMV; more rows
/// the packed-weight GEMM, whose decoding of the weights into f32 tiles
/// then serves several 16-row activation tiles. Measured (BM_w4_rows in
/// qrt-kernels-bench, 4096 x 4096, 1 thread): the GEMV takes 0.12-0.21x
/// the GEMM's time at M = 1, 0.47x at 4, 0.66-0.75x at 8, 0.78-1.02x at 16.
constexpr int64_t kGemvMaxRows = 16;

/// A constant weight of at most 4 bits in qrt_ukernel_mmt4d_f32_wq's
/// layout (see the file comment).
struct WqWeight {
  int bits;
  int64_t group;
  std::vector<uint8_t> packed; // [R1][K][2 * bits]
  std::vector<float> scale;    // [R1][Kg][16]
  std::vector<float> zero;     // [R1][Kg][16]
};

/// `w` (qc.dequantize of a quantized constant of at most 4 bits) as `rows`
/// weight rows of `k` reduction elements, element (r, kk) at flat index
/// at(r, kk) of the constant. The group is the largest G such that every
/// row's (scale, zero point) changes only at multiples of G; groups below 8
/// (scales and zero points larger than the packed weights) are refused.
std::optional<WqWeight>
matchWqWeight(Value w, int64_t rows, int64_t k,
              function_ref<int64_t(int64_t, int64_t)> at) {
  std::optional<QuantConstant> c;
  if (rows < 1 || k < 1 || !(c = readNarrowWeight(w)))
    return std::nullopt;
  quant::QuantizedType qt = c->type;
  int bits = qt.getStorageTypeIntegralWidth() <= 2 ? 2 : 4;
  // Signed storage moves into [0, 2^bits) (zero points with it).
  int64_t offset = qt.isSigned() ? (int64_t(1) << (bits - 1)) : 0;
  int64_t group = 0;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t e = at(r, kk);
      if (c->q[e] + offset < 0 || c->q[e] + offset >= (1 << bits))
        return std::nullopt;
      if (kk && (c->scale[e] != c->scale[at(r, kk - 1)] ||
                 c->zp[e] != c->zp[at(r, kk - 1)]))
        group = std::gcd(group, kk);
    }
  if (!group)
    group = k;
  if (group < 8 && group < k)
    return std::nullopt;
  int64_t r1 = (rows + kTile - 1) / kTile, kg = (k + group - 1) / group;
  int64_t bytes = 2 * bits;
  WqWeight r{bits, group, std::vector<uint8_t>(r1 * k * bytes, 0),
             std::vector<float>(r1 * kg * kTile, 0.0f),
             std::vector<float>(r1 * kg * kTile, 0.0f)};
  for (int64_t row = 0; row < rows; ++row) {
    int64_t tile = row / kTile, lane = row % kTile, bit = bits * lane;
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t e = at(row, kk);
      r.packed[(tile * k + kk) * bytes + bit / 8] |=
          uint8_t((c->q[e] + offset) << (bit % 8));
      if (kk % group == 0) {
        int64_t p = (tile * kg + kk / group) * kTile + lane;
        r.scale[p] = c->scale[e];
        r.zero[p] = (float)(c->zp[e] + offset);
      }
    }
  }
  return r;
}

/// A constant tensor of `data` with raw-resource storage.
template <typename T>
Value rawConstant(OpBuilder &b, Location loc, ArrayRef<T> data, Type elem,
                  ArrayRef<int64_t> shape, StringRef name) {
  ArrayRef<char> bytes(reinterpret_cast<const char *>(data.data()),
                       data.size() * sizeof(T));
  return arith::ConstantOp::create(
      b, loc, makeRawResource(RankedTensorType::get(shape, elem), name, bytes));
}

/// OUT[M1][N1][M0][16] = sum LHS * RHS over (k1, k0 = 1) in linalg.mmt4d's
/// layout (loops m1, n1, k1, m0, n0, k0), with the weight operand (the LHS
/// with `weightsLhs`, else the RHS) packed as in `w` and the other one a
/// packed f32 tensor: tagged `mmt4d_f32_wq` with `qc.wq`.
linalg::GenericOp buildMmt4dWq(OpBuilder &b, Location loc, Value x,
                               const WqWeight &w, int64_t rows,
                               bool weightsLhs) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  auto xt = cast<RankedTensorType>(x.getType()); // [X1][K][X0][1]
  int64_t k = xt.getDimSize(1), r1 = (rows + kTile - 1) / kTile;
  int64_t kg = (k + w.group - 1) / w.group, perByte = 8 / w.bits;
  Value packed = rawConstant(b, loc, ArrayRef<uint8_t>(w.packed), i8,
                             {r1, k, 2 * w.bits}, "wq_weight");
  Value scale = rawConstant(b, loc, ArrayRef<float>(w.scale), f32,
                            {r1, kg, kTile}, "wq_scale");
  Value zero = rawConstant(b, loc, ArrayRef<float>(w.zero), f32,
                           {r1, kg, kTile}, "wq_zero_point");
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  // The weight operand's tile and row loops.
  int64_t tileDim = weightsLhs ? 0 : 1, rowDim = weightsLhs ? 3 : 4;
  AffineMap wMap = AffineMap::get(
      6, 0, {d(tileDim), d(2), d(rowDim).floorDiv(perByte)}, ctx);
  AffineMap xMap = weightsLhs
                       ? AffineMap::get(6, 0, {d(1), d(2), d(4), d(5)}, ctx)
                       : AffineMap::get(6, 0, {d(0), d(2), d(3), d(5)}, ctx);
  AffineMap pMap = AffineMap::get(
      6, 0, {d(tileDim), d(2).floorDiv(w.group), d(rowDim)}, ctx);
  AffineMap outMap = AffineMap::get(6, 0, {d(0), d(1), d(3), d(4)}, ctx);
  int64_t x1 = xt.getDimSize(0), x0 = xt.getDimSize(2);
  auto outType = weightsLhs ? RankedTensorType::get({r1, x1, kTile, x0}, f32)
                            : RankedTensorType::get({x1, r1, x0, kTile}, f32);
  Value lhs = weightsLhs ? packed : x, rhs = weightsLhs ? x : packed;
  using IT = utils::IteratorType;
  SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                           IT::parallel, IT::parallel, IT::reduction};
  Value init = createFilled(b, loc, outType, createScalar(b, loc, f32, 0));
  int bits = w.bits;
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{lhs, rhs, scale, zero},
      ValueRange{init},
      SmallVector<AffineMap>{weightsLhs ? wMap : xMap, weightsLhs ? xMap : wMap,
                             pMap, pMap, outMap},
      iters, [&](OpBuilder &nb, Location l, ValueRange a) {
        Type i32 = nb.getI32Type();
        auto cst = [&](int64_t v) -> Value {
          return arith::ConstantIntOp::create(nb, l, i32, v);
        };
        // q = (byte >> (bits * (row % perByte))) & (2^bits - 1).
        Value row = arith::IndexCastOp::create(
            nb, l, i32, linalg::IndexOp::create(nb, l, rowDim));
        Value shift = arith::MulIOp::create(
            nb, l, arith::RemUIOp::create(nb, l, row, cst(perByte)), cst(bits));
        Value byte = arith::ExtUIOp::create(nb, l, i32, a[weightsLhs ? 0 : 1]);
        Value q = arith::AndIOp::create(
            nb, l, arith::ShRUIOp::create(nb, l, byte, shift),
            cst((1 << bits) - 1));
        Value wv = arith::MulFOp::create(
            nb, l,
            arith::SubFOp::create(nb, l, arith::UIToFPOp::create(nb, l, f32, q),
                                  a[3]),
            a[2]);
        Value p = arith::MulFOp::create(nb, l, a[weightsLhs ? 1 : 0], wv);
        linalg::YieldOp::create(nb, l,
                                Value(arith::AddFOp::create(nb, l, a[4], p)));
      });
  op->setAttr("qc.ukernel", b.getStringAttr("mmt4d_f32_wq"));
  op->setAttr("qc.wq",
              b.getDenseI64ArrayAttr({weightsLhs ? 0 : 1, w.bits, w.group}));
  return op;
}

/// Y[m][n] = sum_k X[m][k] * ((Q[n][k] - Z[n][k / G]) * S[n][k / G]) for
/// x [M][K] f32: the generic tagged `gemv_w4_f32` (see the file comment).
Value buildW4Gemv(OpBuilder &b, Location loc, Value x, const W4Weight &w,
                  int64_t m, int64_t n, int64_t k) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  int64_t kb = (k + w.group - 1) / w.group;
  Value q = rawConstant(b, loc, ArrayRef<int8_t>(w.q), i8, {n, k}, "w4_weight");
  Value s =
      rawConstant(b, loc, ArrayRef<float>(w.scale), f32, {n, kb}, "w4_scale");
  Value z =
      rawConstant(b, loc, ArrayRef<float>(w.zp), f32, {n, kb}, "w4_zero_point");
  auto outType = RankedTensorType::get({m, n}, f32);
  Value init = createFilled(b, loc, outType, createScalar(b, loc, f32, 0));
  // Loops (m, n, k).
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineMap group = AffineMap::get(3, 0, {d(1), d(2).floorDiv(w.group)}, ctx);
  SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                 AffineMap::get(3, 0, {d(1), d(2)}, ctx), group,
                                 group,
                                 AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                            utils::IteratorType::parallel,
                                            utils::IteratorType::reduction};
  auto gemv = linalg::GenericOp::create(
      b, loc, TypeRange{outType}, ValueRange{x, q, s, z}, ValueRange{init},
      maps, iters, [&](OpBuilder &nb, Location l, ValueRange a) {
        Value qf = arith::UIToFPOp::create(nb, l, f32, a[1]);
        Value wv = arith::MulFOp::create(
            nb, l, arith::SubFOp::create(nb, l, qf, a[3]), a[2]);
        Value p = arith::MulFOp::create(nb, l, a[0], wv);
        linalg::YieldOp::create(nb, l,
                                Value(arith::AddFOp::create(nb, l, a[4], p)));
      });
  gemv->setAttr("qc.ukernel", b.getStringAttr("gemv_w4_f32"));
  gemv->setAttr("qc.w4_group", b.getI64IntegerAttr(w.group));
  return gemv.getResult(0);
}

/// matchConvGemmShape for a convolution of f32 activations to f32.
FailureOr<ConvGemmShape> matchF32ConvGemmShape(ConvOp op) {
  if (!op.getX().getType().getElementType().isF32() ||
      !op.getType().getElementType().isF32())
    return failure();
  return matchConvGemmShape(op);
}

/// qc.conv (2-D, group 1, batch 1, f32 activations) with a constant weight
/// of at most 4 bits: OUT[Cout][P] = W[Cout][K] * Col[K][P] as DataTiledConv
/// computes it, the weights packed.
struct WeightOnlyQuantConv : OpConversionPattern<ConvOp> {
  WeightOnlyQuantConv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/3) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<ConvGemmShape> s = matchF32ConvGemmShape(op);
    if (failed(s))
      return failure();
    int64_t k = s->k;
    std::optional<WqWeight> w =
        matchWqWeight(op.getW(), s->cout, k,
                      [&](int64_t r, int64_t kk) { return r * k + kk; });
    if (!w)
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value col = buildConvColumns(rewriter, loc, adaptor.getX(), *s);
    Value rhs = packRows(rewriter, loc, col, /*transposed=*/true, 1,
                         createScalar(rewriter, loc, f32, 0));
    Value out =
        buildMmt4dWq(rewriter, loc, rhs, *w, s->cout, /*weightsLhs=*/true)
            .getResult(0);
    Value y = unpackF32(rewriter, loc, out, s->cout, s->p, adaptor.getB(),
                        /*biasPerRow=*/true);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }
};

/// qc.matmul X[..., M, K] * dequantize(W4 constant [K][N]) with f32 X: the
/// int4 GEMV for few rows, else the packed-weight GEMM.
struct WeightOnlyInt4MatMul : OpConversionPattern<MatMulOp> {
  /// `gemvOnly`: the tagged GEMV generic for any number of rows, and no
  /// packed-weight GEMM (a target with its own int4 kernel: CUDA).
  WeightOnlyInt4MatMul(const TypeConverter &tc, MLIRContext *ctx,
                       bool gemvOnly = false)
      : OpConversionPattern(tc, ctx, /*benefit=*/3), gemvOnly(gemvOnly) {}
  bool gemvOnly;
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto at = op.getLhs().getType();
    auto bt = op.getRhs().getType();
    if (at.getRank() < 2 || bt.getRank() != 2 || !at.getElementType().isF32() ||
        !op.getType().getElementType().isF32())
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
    int64_t m = at.getNumElements() / k;
    std::optional<W4Weight> w;
    if (m <= kGemvMaxRows || gemvOnly)
      w = matchW4Weight(op.getRhs(), n, k,
                        [&](int64_t nn, int64_t kk) { return kk * n + nn; });
    if (!w && gemvOnly)
      return failure();
    if (!w) {
      std::optional<WqWeight> wq = matchWqWeight(
          op.getRhs(), n, k, [&](int64_t r, int64_t kk) { return kk * n + r; });
      if (!wq)
        return failure();
      Value x = createReshape(rewriter, loc, adaptor.getLhs(),
                              RankedTensorType::get({m, k}, f32));
      Value lhs = packRows(rewriter, loc, x, /*transposed=*/false, 1,
                           createScalar(rewriter, loc, f32, 0), lhsRowTile(m));
      Value out = buildMmt4dWq(rewriter, loc, lhs, *wq, n, /*weightsLhs=*/false)
                      .getResult(0);
      Value y = unpackF32(rewriter, loc, out, m, n, Value(), false);
      rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
      return success();
    }
    Value x = createReshape(rewriter, loc, adaptor.getLhs(),
                            RankedTensorType::get({m, k}, f32));
    Value y = buildW4Gemv(rewriter, loc, x, *w, m, n, k);
    rewriter.replaceOp(op, createReshape(rewriter, loc, y, op.getType()));
    return success();
  }
};

/// The CUDA form of qc.conv (2-D, group 1, batch 1, f32 activations) with
/// a constant weight of at most 4 bits (`packed-w4`): A[P][K] = the im2col
/// of the input with implicit zero padding, pixels as rows (one zero channel
/// with zero-point weights when C * KH * KW is odd: the kernel reads pairs),
/// the `gemv_w4_f32` generic ACC[P][Cout] = A * W^T on the unpacked int4
/// weights, and an epilogue that reads ACC transposed, adds the bias and
/// writes NCHW.
struct PackedW4Conv : OpConversionPattern<ConvOp> {
  PackedW4Conv(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/3) {}
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<ConvGemmShape> shape = matchF32ConvGemmShape(op);
    if (failed(shape))
      return failure();
    int64_t c = shape->c, cout = shape->cout, tap = shape->kh * shape->kw;
    int64_t k = shape->k;
    std::optional<W4Weight> w = matchW4Weight(
        op.getW(), cout, k, [&](int64_t o, int64_t kk) { return o * k + kk; });
    if (!w)
      return failure();
    int64_t cPadded = (c * tap) % 2 ? c + 1 : c, kp = cPadded * tap;
    if ((kp + w->group - 1) / w->group != (k + w->group - 1) / w->group)
      return failure(); // the padding would need scales of its own
    if (kp != k) {
      // Zero-point weights (0 after dequantization) for the extra channel.
      int64_t kb = (k + w->group - 1) / w->group;
      std::vector<int8_t> q(cout * kp);
      for (int64_t o = 0; o < cout; ++o)
        for (int64_t kk = 0; kk < kp; ++kk)
          q[o * kp + kk] =
              kk < k ? w->q[o * k + kk] : (int8_t)w->zp[o * kb + kk / w->group];
      w->q = std::move(q);
    }
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    Value a = buildIm2colRows(rewriter, loc, adaptor.getX(), *shape, cPadded,
                              createScalar(rewriter, loc, f32, 0));
    Value acc = buildW4Gemv(rewriter, loc, a, *w, shape->p, cout, kp);
    // y[0][o][oh][ow] = acc[oh * OW + ow][o] (+ bias[o]), over the
    // result's own shape so that what follows fuses into it.
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<Value> inputs = {acc};
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {d(2) * shape->ow + d(3), d(1)}, ctx)};
    if (Value bias = adaptor.getB()) {
      inputs.push_back(bias);
      maps.push_back(AffineMap::get(4, 0, d(1), ctx));
    }
    maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
    RankedTensorType type = op.getType();
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{type}, inputs,
            ValueRange{createEmpty(rewriter, loc, type)}, maps,
            SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange v) {
              Value r = v[0];
              if (v.size() > 2)
                r = arith::AddFOp::create(b, l, r, v[1]);
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void lowering::populateWeightOnlyDataTilingPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<WeightOnlyInt4MatMul, WeightOnlyQuantConv>(
      converter, patterns.getContext());
}

void lowering::populatePackedW4GemvPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  patterns.add<WeightOnlyInt4MatMul>(converter, patterns.getContext(),
                                     /*gemvOnly=*/true);
  patterns.add<PackedW4Conv>(converter, patterns.getContext());
}

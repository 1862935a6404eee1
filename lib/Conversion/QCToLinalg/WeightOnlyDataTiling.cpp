//===- WeightOnlyDataTiling.cpp - W4A16 matrix products on the int4 GEMV --===//
//
// With `data-tiling`, a matrix product X[..., M, K] * W[K, N] of f32
// activations and a constant weight of at most 4 bits (qc.dequantize of a
// quantized constant: per tensor, per output channel or in blocks along K)
// becomes a generic tagged `qc.ukernel = "gemv_w4_f32"`:
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
//===----------------------------------------------------------------------===//

#include "DataTiling.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

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

std::optional<W4Weight> matchW4Weight(Value w) {
  auto wt = dyn_cast<RankedTensorType>(w.getType());
  auto dq = w.getDefiningOp<DequantizeOp>();
  if (!wt || wt.getRank() != 2 || !dq || !wt.getElementType().isF32())
    return std::nullopt;
  auto qt = cast<quant::QuantizedType>(dq.getX().getType().getElementType());
  unsigned width = qt.getStorageTypeIntegralWidth();
  if (width > 4)
    return std::nullopt;
  std::optional<QuantConstant> c = readQuantConstant(w);
  if (!c)
    return std::nullopt;
  int64_t k = wt.getDimSize(0), n = wt.getDimSize(1);
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
        if (c->scale[kk * n + nn] != c->scale[first * n + nn] ||
            c->zp[kk * n + nn] != c->zp[first * n + nn])
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
      int64_t e = kk * n + nn;
      r.q[nn * k + kk] = (int8_t)(c->q[e] + offset);
      if (kk % group == 0) {
        r.scale[nn * kb + kk / group] = c->scale[e];
        r.zp[nn * kb + kk / group] = (float)(c->zp[e] + offset);
      }
    }
  return r;
}

/// qc.matmul X[..., M, K] * dequantize(W4 constant [K][N]) with f32 X.
struct WeightOnlyInt4MatMul : OpConversionPattern<MatMulOp> {
  WeightOnlyInt4MatMul(const TypeConverter &tc, MLIRContext *ctx)
      : OpConversionPattern(tc, ctx, /*benefit=*/3) {}
  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto at = op.getLhs().getType();
    auto bt = op.getRhs().getType();
    if (at.getRank() < 2 || bt.getRank() != 2 || !at.getElementType().isF32() ||
        !op.getType().getElementType().isF32())
      return failure();
    std::optional<W4Weight> w = matchW4Weight(op.getRhs());
    if (!w)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type(), i8 = rewriter.getI8Type();
    int64_t k = bt.getDimSize(0), n = bt.getDimSize(1);
    int64_t m = at.getNumElements() / k, kb = (k + w->group - 1) / w->group;
    Value x = createReshape(rewriter, loc, adaptor.getLhs(),
                            RankedTensorType::get({m, k}, f32));
    auto constant = [&](auto data, Type elem, ArrayRef<int64_t> shape,
                        StringRef name) -> Value {
      using T = typename decltype(data)::value_type;
      ArrayRef<char> bytes(reinterpret_cast<const char *>(data.data()),
                           data.size() * sizeof(T));
      return arith::ConstantOp::create(
          rewriter, loc,
          makeRawResource(RankedTensorType::get(shape, elem), name, bytes));
    };
    Value q = constant(ArrayRef<int8_t>(w->q), i8, {n, k}, "w4_weight");
    Value s = constant(ArrayRef<float>(w->scale), f32, {n, kb}, "w4_scale");
    Value z = constant(ArrayRef<float>(w->zp), f32, {n, kb}, "w4_zero_point");
    auto outType = RankedTensorType::get({m, n}, f32);
    Value init = createFilled(rewriter, loc, outType,
                              createScalar(rewriter, loc, f32, 0));
    // Loops (m, n, k).
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    AffineMap group =
        AffineMap::get(3, 0, {d(1), d(2).floorDiv(w->group)}, ctx);
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                   AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                                   group, group,
                                   AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::reduction};
    auto gemv = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{x, q, s, z},
        ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value qf = arith::UIToFPOp::create(b, l, f32, a[1]);
          Value wv = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, qf, a[3]), a[2]);
          Value p = arith::MulFOp::create(b, l, a[0], wv);
          linalg::YieldOp::create(b, l,
                                  Value(arith::AddFOp::create(b, l, a[4], p)));
        });
    gemv->setAttr("qc.ukernel", rewriter.getStringAttr("gemv_w4_f32"));
    gemv->setAttr("qc.w4_group", rewriter.getI64IntegerAttr(w->group));
    rewriter.replaceOp(
        op, createReshape(rewriter, loc, gemv.getResult(0), op.getType()));
    return success();
  }
};

} // namespace

void lowering::populateWeightOnlyDataTilingPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns) {
  patterns.add<WeightOnlyInt4MatMul>(converter, patterns.getContext());
}

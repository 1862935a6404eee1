//===- Quant.cpp - quantize, dequantize, requantize, hadamard -------------===//
//
// Quantization lowers to integer/float arithmetic on the storage type with
// the parameters of the !quant.uniform type baked in: per-tensor parameters
// as scalar constants, per-axis and sub-channel ones as constant tensors
// read through the indexing maps. Rounding is half to even, then the value
// is clamped to the storage range (upstream lower-quant-ops truncates).
//
//===----------------------------------------------------------------------===//

#include "Lowering.h"
#include "quantc/Support/Constants.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

namespace {

/// Scale and zero point of a quantized type as values available inside a
/// linalg.generic body: either scalars, or extra inputs with their maps.
struct QuantParams {
  quant::QuantizedType type;
  SmallVector<Value> inputs;   // constant tensors (per-axis / sub-channel)
  SmallVector<AffineMap> maps; // their indexing maps
  double scale = 0, zeroPoint = 0;

  /// Returns {scale, zeroPoint} scalars for the body, given the block
  /// arguments of the extra inputs (`args`, scale then zero point).
  std::pair<Value, Value> get(OpBuilder &b, Location loc,
                              ValueRange args) const {
    if (inputs.empty())
      return {createScalar(b, loc, b.getF32Type(), scale),
              createScalar(b, loc, b.getF32Type(), zeroPoint)};
    return {args[0], args[1]};
  }
};

} // namespace

static QuantParams getParams(OpBuilder &b, Location loc,
                             quant::QuantizedType type,
                             ArrayRef<int64_t> shape) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = shape.size();
  QuantParams p;
  p.type = type;
  auto f32 = b.getF32Type();
  auto makeInputs = [&](ArrayRef<int64_t> paramShape, std::vector<float> s,
                        std::vector<float> z, AffineMap map) {
    auto t = RankedTensorType::get(paramShape, f32);
    p.inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, ArrayRef(s))));
    p.inputs.push_back(arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, ArrayRef(z))));
    p.maps = {map, map};
  };
  if (auto u = dyn_cast<quant::UniformQuantizedType>(type)) {
    p.scale = u.getScale();
    p.zeroPoint = u.getZeroPoint();
  } else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(type)) {
    std::vector<float> s, z;
    for (double v : a.getScales())
      s.push_back(v);
    for (int64_t v : a.getZeroPoints())
      z.push_back(v);
    int64_t axis = a.getQuantizedDimension();
    makeInputs({(int64_t)s.size()}, s, z,
               AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx), ctx));
  } else if (auto sc = dyn_cast<quant::UniformQuantizedSubChannelType>(type)) {
    SmallVector<int64_t> blocks(shape.begin(), shape.end());
    for (auto [dim, size] : sc.getBlockSizeInfo())
      blocks[dim] = size;
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < rank; ++i)
      exprs.push_back(getAffineDimExpr(i, ctx).floorDiv(blocks[i]));
    std::vector<float> s, z;
    for (APFloat v : sc.getScales().getValues<APFloat>())
      s.push_back(v.convertToDouble());
    for (APInt v : sc.getZeroPoints().getValues<APInt>())
      z.push_back(v.getSExtValue());
    makeInputs(sc.getScales().getType().getShape(), s, z,
               AffineMap::get(rank, 0, exprs, ctx));
  }
  return p;
}

/// round_half_even(x / scale) + zp, clamped to the storage range, as an
/// integer of `storage`.
static Value quantizeScalar(OpBuilder &b, Location loc, Value x, Value scale,
                            Value zp, quant::QuantizedType type, Type storage) {
  Type f32 = b.getF32Type();
  Value q = arith::DivFOp::create(b, loc, x, scale);
  q = math::RoundEvenOp::create(b, loc, q);
  q = arith::AddFOp::create(b, loc, q, zp);
  q = createClamp(b, loc, q,
                  createScalar(b, loc, f32, type.getStorageTypeMin()),
                  createScalar(b, loc, f32, type.getStorageTypeMax()));
  return type.isSigned() ? (Value)arith::FPToSIOp::create(b, loc, storage, q)
                         : (Value)arith::FPToUIOp::create(b, loc, storage, q);
}

static Value dequantizeScalar(OpBuilder &b, Location loc, Value q, Value scale,
                              Value zp, quant::QuantizedType type) {
  Type f32 = b.getF32Type();
  Value v = type.isSigned() ? (Value)arith::SIToFPOp::create(b, loc, f32, q)
                            : (Value)arith::UIToFPOp::create(b, loc, f32, q);
  return arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, v, zp),
                               scale);
}

/// A linalg.generic over `resultType` reading `x` (identity map) and the
/// parameter tensors of `params` (in order).
static Value buildQuantGeneric(
    OpBuilder &b, Location loc, RankedTensorType resultType, Value x,
    ArrayRef<const QuantParams *> params,
    function_ref<Value(OpBuilder &, Location, Value, ArrayRef<ValueRange>)>
        body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<Value> inputs = {x};
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
  for (const QuantParams *p : params) {
    llvm::append_range(inputs, p->inputs);
    llvm::append_range(maps, p->maps);
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, inputs,
             ValueRange{createEmpty(b, loc, resultType)}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               SmallVector<ValueRange> perParams;
               size_t next = 1;
               for (const QuantParams *p : params) {
                 perParams.push_back(args.slice(next, p->inputs.size()));
                 next += p->inputs.size();
               }
               linalg::YieldOp::create(nb, l, body(nb, l, args[0], perParams));
             })
      .getResult(0);
}

namespace {

struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto qt = cast<quant::QuantizedType>(op.getType().getElementType());
    auto resultType = convertType(*getTypeConverter(), op.getType());
    QuantParams p = getParams(rewriter, loc, qt, op.getType().getShape());
    Value y = buildQuantGeneric(
        rewriter, loc, resultType, adaptor.getX(), {&p},
        [&](OpBuilder &b, Location l, Value x, ArrayRef<ValueRange> pa) {
          auto [s, z] = p.get(b, l, pa[0]);
          return quantizeScalar(b, l, x, s, z, qt, resultType.getElementType());
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // A quantized constant that no integer kernel consumed (depthwise
    // weights, sub-byte weights of float ops) is dequantized at compile time:
    // i4/i2 storage has no memory layout in the generated code, and f32
    // weights save the per-run dequantization.
    if (std::optional<std::vector<float>> w = constantWeights(op.getY())) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, makeF32Resource(op.getType(), "dequantized_weight", *w));
      return success();
    }
    auto qt = cast<quant::QuantizedType>(op.getX().getType().getElementType());
    QuantParams p = getParams(rewriter, loc, qt, op.getType().getShape());
    Value y = buildQuantGeneric(
        rewriter, loc, op.getType(), adaptor.getX(), {&p},
        [&](OpBuilder &b, Location l, Value q, ArrayRef<ValueRange> pa) {
          auto [s, z] = p.get(b, l, pa[0]);
          return dequantizeScalar(b, l, q, s, z, qt);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct RequantizeLowering : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto from =
        cast<quant::QuantizedType>(op.getX().getType().getElementType());
    auto to = cast<quant::QuantizedType>(op.getType().getElementType());
    auto resultType = convertType(*getTypeConverter(), op.getType());
    ArrayRef<int64_t> shape = op.getType().getShape();
    QuantParams pf = getParams(rewriter, loc, from, shape);
    QuantParams pt = getParams(rewriter, loc, to, shape);
    Value y = buildQuantGeneric(
        rewriter, loc, resultType, adaptor.getX(), {&pf, &pt},
        [&](OpBuilder &b, Location l, Value q, ArrayRef<ValueRange> pa) {
          auto [s1, z1] = pf.get(b, l, pa[0]);
          auto [s2, z2] = pt.get(b, l, pa[1]);
          Value v = dequantizeScalar(b, l, q, s1, z1, from);
          return quantizeScalar(b, l, v, s2, z2, to,
                                resultType.getElementType());
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// qc.hadamard: a fast Walsh-Hadamard transform of each block of the last
/// dimension, log2(block) butterfly stages of one elementwise generic each
/// (O(n log n) instead of a product with the n x n matrix). Stage h (1, 2,
/// 4, ...) views the rows as [rows][block / 2h][2][h] and computes
///   out[r][b][t][j] = in[r][b][0][j] + sign[t] * in[r][b][1][j]
/// with sign = (1, -1); the last stage also multiplies by 1/sqrt(block).
/// These are the reference evaluator's operations in its order (a + b,
/// a - b, then the scale), so the result is the same to the bit.
struct HadamardLowering : OpConversionPattern<HadamardOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(HadamardOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getType();
    Type f32 = type.getElementType();
    int64_t bs = op.getEffectiveBlockSize();
    if (bs == 1) {
      rewriter.replaceOp(op, adaptor.getX());
      return success();
    }
    int64_t rows = type.getNumElements() / bs;
    auto flatType = RankedTensorType::get({rows, bs}, f32);
    Value x = createReshape(rewriter, loc, adaptor.getX(), flatType);
    float norm = 1.0f / std::sqrt((float)bs);
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    auto c = [&](int64_t v) { return getAffineConstantExpr(v, ctx); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {d(0), d(1), c(0), d(3)}, ctx),
        AffineMap::get(4, 0, {d(0), d(1), c(1), d(3)}, ctx),
        AffineMap::get(4, 0, {d(2)}, ctx),
        AffineMap::getMultiDimIdentityMap(4, ctx)};
    SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
    Value sign = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({2}, f32),
                               ArrayRef<float>{1.0f, -1.0f}));
    for (int64_t h = 1; h < bs; h *= 2) {
      auto stageType = RankedTensorType::get({rows, bs / (2 * h), 2, h}, f32);
      Value in = createReshape(rewriter, loc, x, stageType);
      bool last = 2 * h == bs;
      Value out =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{stageType}, ValueRange{in, in, sign},
              ValueRange{createEmpty(rewriter, loc, stageType)}, maps, iters,
              [&](OpBuilder &b, Location l, ValueRange a) {
                Value v = arith::AddFOp::create(
                    b, l, a[0], arith::MulFOp::create(b, l, a[2], a[1]));
                if (last)
                  v = arith::MulFOp::create(
                      b, l, v,
                      arith::ConstantOp::create(b, l, b.getF32FloatAttr(norm)));
                linalg::YieldOp::create(b, l, v);
              })
              .getResult(0);
      x = createReshape(rewriter, loc, out, flatType);
    }
    rewriter.replaceOp(op, createReshape(rewriter, loc, x, type));
    return success();
  }
};

/// qc.hadamard for the CUDA target's FWHT kernel (`fwht-kernel`): one
/// generic tagged `qc.ukernel = "fwht_f32"` over the rows [rows][block],
///   y[r][i] += x[r][j] * (popcount(i & j) odd ? -1 : 1) / sqrt(block)
/// summed over j into a zero-filled y: the transform as the product with the
/// Hadamard matrix, its signs computed from the indices (no block x block
/// constant). qc-gpu-hadamard replaces it with a kernel that performs the
/// butterflies of HadamardLowering in shared memory; anything else that
/// lowers the generic computes the same transform, with its sums in another
/// order. Blocks above kFWHTKernelMaxBlock (what the kernel's shared memory
/// holds) keep the butterfly generics.
struct HadamardKernelLowering : OpConversionPattern<HadamardOp> {
  HadamardKernelLowering(const TypeConverter &converter, MLIRContext *ctx)
      : OpConversionPattern(converter, ctx, /*benefit=*/2) {}
  LogicalResult
  matchAndRewrite(HadamardOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t bs = op.getEffectiveBlockSize();
    if (bs == 1 || bs > kFWHTKernelMaxBlock)
      return rewriter.notifyMatchFailure(op, "no kernel for this block");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = op.getType();
    Type f32 = type.getElementType();
    int64_t rows = type.getNumElements() / bs;
    auto flatType = RankedTensorType::get({rows, bs}, f32);
    Value x = createReshape(rewriter, loc, adaptor.getX(), flatType);
    Value init = createFilled(rewriter, loc, flatType,
                              createScalar(rewriter, loc, f32, 0.0));
    auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                   AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
    SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::reduction};
    float norm = 1.0f / std::sqrt((float)bs);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{flatType}, ValueRange{x}, ValueRange{init},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Type i64 = b.getI64Type();
          auto index = [&](int64_t dim) {
            return arith::IndexCastUIOp::create(
                b, l, i64, linalg::IndexOp::create(b, l, dim));
          };
          Value both = arith::AndIOp::create(b, l, index(1), index(2));
          Value odd = arith::TruncIOp::create(
              b, l, b.getI1Type(), math::CtPopOp::create(b, l, both));
          Value w =
              arith::SelectOp::create(b, l, odd, createScalar(b, l, f32, -norm),
                                      createScalar(b, l, f32, norm));
          Value p = arith::MulFOp::create(b, l, a[0], w);
          linalg::YieldOp::create(
              b, l, ValueRange{arith::AddFOp::create(b, l, a[1], p)});
        });
    generic->setAttr("qc.ukernel", rewriter.getStringAttr("fwht_f32"));
    rewriter.replaceOp(
        op, createReshape(rewriter, loc, generic.getResult(0), type));
    return success();
  }
};

} // namespace

void lowering::populateFWHTKernelPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<HadamardKernelLowering>(converter, patterns.getContext());
}

void lowering::populateQuantPatterns(const TypeConverter &converter,
                                     RewritePatternSet &patterns) {
  patterns.add<QuantizeLowering, DequantizeLowering, RequantizeLowering,
               HadamardLowering>(converter, patterns.getContext());
}

//===- DataMovement.cpp - shape and data movement ops to tensor/linalg ----===//

#include "Lowering.h"

#include "qc/QCShapeUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::lowering;

static Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An output-only linalg.generic whose body computes each element from the
/// loop indices (`body` receives them as index values).
static Value buildFromIndices(
    OpBuilder &b, Location loc, RankedTensorType type,
    function_ref<Value(OpBuilder &, Location, ArrayRef<Value>)> body) {
  int64_t rank = type.getRank();
  SmallVector<AffineMap> maps = {
      AffineMap::getMultiDimIdentityMap(rank, b.getContext())};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{},
             ValueRange{createEmpty(b, loc, type)}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange) {
               SmallVector<Value> idx;
               for (int64_t i = 0; i < rank; ++i)
                 idx.push_back(linalg::IndexOp::create(nb, l, i));
               linalg::YieldOp::create(nb, l, body(nb, l, idx));
             })
      .getResult(0);
}

namespace {

template <typename OpTy>
struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = convertType(*this->getTypeConverter(), op.getType());
    rewriter.replaceOp(
        op, createReshape(rewriter, op.getLoc(), adaptor.getX(), type));
    return success();
  }
};

struct TransposeLowering : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = convertType(*getTypeConverter(), op.getType());
    int64_t rank = type.getRank();
    SmallVector<int64_t> perm;
    if (auto p = op.getPerm())
      perm.assign(p->begin(), p->end());
    else
      for (int64_t i = rank - 1; i >= 0; --i)
        perm.push_back(i);
    Value init = createEmpty(rewriter, op.getLoc(), type);
    rewriter.replaceOp(op,
                       linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                   adaptor.getX(), init, perm)
                           .getResult()[0]);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    int64_t axis = *normalizeAxis(op.getAxis(), op.getType().getRank());
    rewriter.replaceOp(op, tensor::ConcatOp::create(rewriter, op.getLoc(), axis,
                                                    adaptor.getInputs()));
    return success();
  }
};

struct SplitLowering : OpConversionPattern<SplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto xt = cast<RankedTensorType>(adaptor.getX().getType());
    int64_t rank = xt.getRank();
    int64_t axis = *normalizeAxis(op.getAxis(), rank);
    SmallVector<Value> results;
    int64_t offset = 0;
    for (auto [res, size] : llvm::zip(op.getResults(), op.getSplit())) {
      auto type = convertType(*getTypeConverter(), res.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
          strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(offset);
      for (int64_t d : type.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      results.push_back(tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), type, adaptor.getX(), offsets, sizes,
          strides));
      offset += size;
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// qc.slice: tensor.extract_slice for positive steps, a linalg.generic
/// reading `start + i * step` otherwise.
struct SliceLowering : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xt = op.getX().getType();
    auto type = convertType(*getTypeConverter(), op.getType());
    int64_t rank = xt.getRank();
    SmallVector<int64_t> start(rank, 0), step(rank, 1);
    ArrayRef<int64_t> starts = op.getStarts();
    for (size_t i = 0; i < starts.size(); ++i) {
      int64_t axis =
          op.getAxes() ? *normalizeAxis((*op.getAxes())[i], rank) : (int64_t)i;
      int64_t dim = xt.getDimSize(axis), s = starts[i];
      int64_t st = op.getSteps() ? (*op.getSteps())[i] : 1;
      if (s < 0)
        s += dim;
      s = st > 0 ? std::clamp<int64_t>(s, 0, dim)
                 : std::clamp<int64_t>(s, 0, std::max<int64_t>(dim - 1, 0));
      start[axis] = s;
      step[axis] = st;
    }
    if (llvm::all_of(step, [](int64_t s) { return s > 0; })) {
      SmallVector<OpFoldResult> offsets, sizes, strides;
      for (int64_t i = 0; i < rank; ++i) {
        offsets.push_back(rewriter.getIndexAttr(start[i]));
        sizes.push_back(rewriter.getIndexAttr(type.getDimSize(i)));
        strides.push_back(rewriter.getIndexAttr(step[i]));
      }
      rewriter.replaceOp(op, tensor::ExtractSliceOp::create(
                                 rewriter, loc, type, adaptor.getX(), offsets,
                                 sizes, strides));
      return success();
    }
    // Negative steps: read x[start + i * step] with tensor.extract.
    Value x = adaptor.getX();
    Value y = buildFromIndices(
        rewriter, loc, type,
        [&](OpBuilder &nb, Location l, ArrayRef<Value> idx) -> Value {
          SmallVector<Value> src;
          for (int64_t i = 0; i < rank; ++i) {
            Value scaled = arith::MulIOp::create(nb, l, idx[i],
                                                 indexConst(nb, l, step[i]));
            src.push_back(arith::AddIOp::create(nb, l, scaled,
                                                indexConst(nb, l, start[i])));
          }
          return tensor::ExtractOp::create(nb, l, x, src);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct GatherLowering : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto dt = op.getData().getType();
    auto it = op.getIndices().getType();
    auto type = convertType(*getTypeConverter(), op.getType());
    int64_t axis = *normalizeAxis(op.getAxis(), dt.getRank());
    int64_t ir = it.getRank();
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t dim = dt.getDimSize(axis);
    Value y = buildFromIndices(
        rewriter, loc, type,
        [&](OpBuilder &nb, Location l, ArrayRef<Value> idx) -> Value {
          SmallVector<Value> iIdx(idx.begin() + axis, idx.begin() + axis + ir);
          Value raw = tensor::ExtractOp::create(nb, l, indices, iIdx);
          Value i = arith::IndexCastOp::create(nb, l, nb.getIndexType(), raw);
          Value neg = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, i,
                                            indexConst(nb, l, 0));
          Value wrapped =
              arith::AddIOp::create(nb, l, i, indexConst(nb, l, dim));
          i = arith::SelectOp::create(nb, l, neg, wrapped, i);
          SmallVector<Value> dIdx(idx.begin(), idx.begin() + axis);
          dIdx.push_back(i);
          dIdx.append(idx.begin() + axis + ir, idx.end());
          return tensor::ExtractOp::create(nb, l, data, dIdx);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// The pad fill in storage units: a quantized per-tensor type quantizes the
/// real value, an integer type truncates it.
static Value padFill(OpBuilder &b, Location loc, Type qcElem, Type elem,
                     double value) {
  if (auto q = dyn_cast<quant::UniformQuantizedType>(qcElem))
    value = std::nearbyint(value / q.getScale()) + q.getZeroPoint();
  return createScalar(b, loc, elem, value);
}

struct PadLowering : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xt = op.getX().getType();
    auto type = convertType(*getTypeConverter(), op.getType());
    int64_t rank = xt.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    Value x = adaptor.getX();
    if (op.getMode() == PadMode::constant) {
      // Negative pads crop first.
      SmallVector<int64_t> lo, hi, shape;
      SmallVector<OpFoldResult> offsets, sizes,
          strides(rank, rewriter.getIndexAttr(1));
      bool crop = false;
      for (int64_t i = 0; i < rank; ++i) {
        int64_t b = pads[i], e = pads[rank + i];
        crop |= b < 0 || e < 0;
        int64_t cb = std::max<int64_t>(-b, 0), ce = std::max<int64_t>(-e, 0);
        offsets.push_back(rewriter.getIndexAttr(cb));
        shape.push_back(xt.getDimSize(i) - cb - ce);
        sizes.push_back(rewriter.getIndexAttr(shape.back()));
        lo.push_back(std::max<int64_t>(b, 0));
        hi.push_back(std::max<int64_t>(e, 0));
      }
      if (crop)
        x = tensor::ExtractSliceOp::create(rewriter, loc, type.clone(shape), x,
                                           offsets, sizes, strides);
      Value fill =
          padFill(rewriter, loc, xt.getElementType(), type.getElementType(),
                  op.getValue().convertToDouble());
      rewriter.replaceOp(op, createPad(rewriter, loc, x, lo, hi, fill));
      return success();
    }
    PadMode mode = op.getMode();
    Value y = buildFromIndices(
        rewriter, loc, type,
        [&](OpBuilder &nb, Location l, ArrayRef<Value> idx) -> Value {
          SmallVector<Value> src;
          for (int64_t i = 0; i < rank; ++i) {
            int64_t d = xt.getDimSize(i);
            Value s = arith::SubIOp::create(nb, l, idx[i],
                                            indexConst(nb, l, pads[i]));
            Value zero = indexConst(nb, l, 0), last = indexConst(nb, l, d - 1);
            if (mode == PadMode::edge) {
              s = arith::MaxSIOp::create(nb, l, s, zero);
              s = arith::MinSIOp::create(nb, l, s, last);
            } else if (mode == PadMode::reflect) {
              Value neg = arith::CmpIOp::create(
                  nb, l, arith::CmpIPredicate::slt, s, zero);
              s = arith::SelectOp::create(
                  nb, l, neg, arith::SubIOp::create(nb, l, zero, s), s);
              Value over = arith::CmpIOp::create(
                  nb, l, arith::CmpIPredicate::sgt, s, last);
              Value refl = arith::SubIOp::create(
                  nb, l, indexConst(nb, l, 2 * (d - 1)), s);
              s = arith::SelectOp::create(nb, l, over, refl, s);
            } else { // wrap
              Value dv = indexConst(nb, l, d);
              Value r = arith::RemSIOp::create(nb, l, s, dv);
              r = arith::AddIOp::create(nb, l, r, dv);
              s = arith::RemSIOp::create(nb, l, r, dv);
            }
            src.push_back(s);
          }
          return tensor::ExtractOp::create(nb, l, x, src);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct ExpandLowering : OpConversionPattern<ExpandOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ExpandOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = convertType(*getTypeConverter(), op.getType());
    rewriter.replaceOp(
        op, createElementwise(
                rewriter, op.getLoc(), type, adaptor.getX(),
                [](OpBuilder &, Location, ValueRange v) { return v[0]; }));
    return success();
  }
};

/// qc.resize in nearest and linear modes: each output element reads its
/// source coordinates (ONNX coordinate transformation) with tensor.extract.
/// The source index of output index `o` of dimension `i` in nearest mode,
/// computed in f32 exactly as the generated code (and the evaluator) do.
static int64_t nearestSource(ResizeOp op, int64_t i, int64_t o) {
  float in = op.getX().getType().getDimSize(i);
  float out = op.getType().getDimSize(i);
  float s = op.getScales()[i];
  float xf = (float)o, x;
  switch (op.getCoordinateTransformationMode()) {
  case CoordinateTransform::asymmetric:
    x = xf * (float)(1.0 / s);
    break;
  case CoordinateTransform::align_corners:
    x = out == 1 ? 0.0f : xf * (float)((in - 1.0) / (out - 1.0));
    break;
  case CoordinateTransform::pytorch_half_pixel:
    if (out == 1) {
      x = 0;
      break;
    }
    [[fallthrough]];
  case CoordinateTransform::half_pixel:
    x = (xf + 0.5f) * (float)(1.0 / s) - 0.5f;
    break;
  case CoordinateTransform::half_pixel_symmetric: {
    double adj = out / (in * s), offset = (in / 2) * (1 - adj);
    x = (xf + 0.5f) * (float)(1.0 / s) + (float)(offset - 0.5);
    break;
  }
  default:
    x = 0;
  }
  float r;
  switch (op.getNearestMode()) {
  case NearestMode::round_prefer_floor:
    r = std::ceil(x - 0.5f);
    break;
  case NearestMode::round_prefer_ceil:
    r = std::floor(x + 0.5f);
    break;
  case NearestMode::floor:
    r = std::floor(x);
    break;
  case NearestMode::ceil:
    r = std::ceil(x);
    break;
  }
  return std::clamp<int64_t>((int64_t)r, 0, (int64_t)in - 1);
}

/// The affine input map of a nearest resize whose every dimension reads
/// `o floordiv k` (or `o`), if it is one.
static std::optional<AffineMap> nearestAffineMap(ResizeOp op,
                                                 MLIRContext *ctx) {
  int64_t rank = op.getType().getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t in = op.getX().getType().getDimSize(i);
    int64_t out = op.getType().getDimSize(i);
    if (out % in != 0)
      return std::nullopt;
    int64_t k = out / in;
    for (int64_t o = 0; o < out; ++o)
      if (nearestSource(op, i, o) != o / k)
        return std::nullopt;
    AffineExpr d = getAffineDimExpr(i, ctx);
    exprs.push_back(k == 1 ? d : d.floorDiv(k));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

struct ResizeLowering : OpConversionPattern<ResizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ResizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    if (op.getMode() == ResizeMode::cubic)
      return op.emitOpError("cubic resize is not supported by the code "
                            "generator yet (the reference evaluator supports "
                            "it)");
    auto xt = op.getX().getType();
    auto type = op.getType();
    Type f32 = rewriter.getF32Type();
    int64_t rank = xt.getRank();
    ArrayRef<float> scales = op.getScales();
    CoordinateTransform ct = op.getCoordinateTransformationMode();
    NearestMode nm = op.getNearestMode();
    bool linear = op.getMode() == ResizeMode::linear;
    Value x = adaptor.getX();

    // Nearest mode: when every output index reads input index o floordiv k
    // (integer upsampling) or o, the resize is a plain generic with an
    // affine input map: no per-element float arithmetic, and it fuses with
    // its neighbours like any elementwise op.
    if (!linear) {
      if (auto map = nearestAffineMap(op, rewriter.getContext())) {
        // Written as a broadcast over an expanded output: a dimension
        // upsampled k times becomes (input index, k), so the input map is
        // a projected permutation and the copy's innermost loop stores k
        // copies of contiguous inputs (vectorizable), instead of a gather
        // through `floordiv` in every consumer.
        SmallVector<int64_t> shape;
        SmallVector<AffineExpr> in;
        for (int64_t i = 0; i < rank; ++i) {
          int64_t n = xt.getDimSize(i), k = type.getDimSize(i) / n;
          in.push_back(getAffineDimExpr(shape.size(), getContext()));
          shape.push_back(n);
          if (k > 1)
            shape.push_back(k);
        }
        int64_t loops = shape.size();
        auto expanded = RankedTensorType::get(shape, type.getElementType());
        SmallVector<AffineMap> maps = {
            AffineMap::get(loops, 0, in, getContext()),
            AffineMap::getMultiDimIdentityMap(loops, getContext())};
        SmallVector<utils::IteratorType> iters(loops,
                                               utils::IteratorType::parallel);
        Value y =
            linalg::GenericOp::create(
                rewriter, loc, TypeRange{expanded}, ValueRange{x},
                ValueRange{createEmpty(rewriter, loc, expanded)}, maps, iters,
                [](OpBuilder &nb, Location l, ValueRange a) {
                  linalg::YieldOp::create(nb, l, a[0]);
                })
                .getResult(0);
        rewriter.replaceOp(op, createReshape(rewriter, loc, y, type));
        return success();
      }
    }

    // Dimensions whose mapping is the identity need no arithmetic.
    SmallVector<bool> active;
    for (int64_t i = 0; i < rank; ++i)
      active.push_back(
          !(xt.getDimSize(i) == type.getDimSize(i) && scales[i] == 1.0f));

    auto sourceCoord = [&](OpBuilder &b, Location l, Value idx,
                           int64_t i) -> Value {
      double in = xt.getDimSize(i), out = type.getDimSize(i), s = scales[i];
      Value xf = arith::UIToFPOp::create(
          b, l, f32, arith::IndexCastUIOp::create(b, l, b.getI64Type(), idx));
      auto c = [&](double v) { return createScalar(b, l, f32, v); };
      switch (ct) {
      case CoordinateTransform::asymmetric:
        return arith::MulFOp::create(b, l, xf, c(1.0 / s));
      case CoordinateTransform::align_corners:
        if (out == 1)
          return c(0);
        return arith::MulFOp::create(b, l, xf, c((in - 1) / (out - 1)));
      case CoordinateTransform::pytorch_half_pixel:
        if (out == 1)
          return c(0);
        [[fallthrough]];
      case CoordinateTransform::half_pixel: {
        Value t = arith::AddFOp::create(b, l, xf, c(0.5));
        t = arith::MulFOp::create(b, l, t, c(1.0 / s));
        return arith::SubFOp::create(b, l, t, c(0.5));
      }
      case CoordinateTransform::half_pixel_symmetric: {
        double adj = out / (in * s);
        double offset = (in / 2) * (1 - adj);
        Value t = arith::AddFOp::create(b, l, xf, c(0.5));
        t = arith::MulFOp::create(b, l, t, c(1.0 / s));
        return arith::AddFOp::create(b, l, t, c(offset - 0.5));
      }
      case CoordinateTransform::tf_crop_and_resize:
        break;
      }
      return c(0);
    };
    auto clampIndex = [&](OpBuilder &b, Location l, Value v,
                          int64_t i) -> Value {
      Value iv = arith::FPToSIOp::create(b, l, b.getI64Type(), v);
      iv = arith::MaxSIOp::create(b, l, iv,
                                  createScalar(b, l, b.getI64Type(), 0));
      iv = arith::MinSIOp::create(
          b, l, iv, createScalar(b, l, b.getI64Type(), xt.getDimSize(i) - 1));
      return arith::IndexCastOp::create(b, l, b.getIndexType(), iv);
    };

    Value y = buildFromIndices(
        rewriter, loc, type,
        [&](OpBuilder &b, Location l, ArrayRef<Value> idx) -> Value {
          if (!linear) {
            SmallVector<Value> src;
            for (int64_t i = 0; i < rank; ++i) {
              if (!active[i]) {
                src.push_back(idx[i]);
                continue;
              }
              Value sc = sourceCoord(b, l, idx[i], i);
              Value r;
              auto c = [&](double v) { return createScalar(b, l, f32, v); };
              switch (nm) {
              case NearestMode::round_prefer_floor:
                r = math::CeilOp::create(
                    b, l, arith::SubFOp::create(b, l, sc, c(0.5)));
                break;
              case NearestMode::round_prefer_ceil:
                r = math::FloorOp::create(
                    b, l, arith::AddFOp::create(b, l, sc, c(0.5)));
                break;
              case NearestMode::floor:
                r = math::FloorOp::create(b, l, sc);
                break;
              case NearestMode::ceil:
                r = math::CeilOp::create(b, l, sc);
                break;
              }
              src.push_back(clampIndex(b, l, r, i));
            }
            return tensor::ExtractOp::create(b, l, x, src);
          }
          // Linear: blend the 2^k neighbours over the k active dims.
          SmallVector<int64_t> dims;
          SmallVector<Value> lo, hi, frac;
          for (int64_t i = 0; i < rank; ++i) {
            if (!active[i])
              continue;
            Value sc = sourceCoord(b, l, idx[i], i);
            Value fl = math::FloorOp::create(b, l, sc);
            dims.push_back(i);
            frac.push_back(arith::SubFOp::create(b, l, sc, fl));
            lo.push_back(clampIndex(b, l, fl, i));
            hi.push_back(clampIndex(
                b, l,
                arith::AddFOp::create(b, l, fl, createScalar(b, l, f32, 1)),
                i));
          }
          Value acc = createScalar(b, l, f32, 0);
          for (int64_t corner = 0; corner < (1 << dims.size()); ++corner) {
            SmallVector<Value> src(idx.begin(), idx.end());
            Value w = createScalar(b, l, f32, 1);
            for (size_t j = 0; j < dims.size(); ++j) {
              bool up = corner >> j & 1;
              src[dims[j]] = up ? hi[j] : lo[j];
              Value wj = up ? frac[j]
                            : (Value)arith::SubFOp::create(
                                  b, l, createScalar(b, l, f32, 1), frac[j]);
              w = arith::MulFOp::create(b, l, w, wj);
            }
            Value v = tensor::ExtractOp::create(b, l, x, src);
            acc = arith::AddFOp::create(b, l, acc,
                                        arith::MulFOp::create(b, l, v, w));
          }
          return acc;
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void lowering::populateDataMovementPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ReshapeLikeLowering<ReshapeOp>, ReshapeLikeLowering<FlattenOp>,
               ReshapeLikeLowering<SqueezeOp>, ReshapeLikeLowering<UnsqueezeOp>,
               TransposeLowering, ConcatLowering, SplitLowering, SliceLowering,
               GatherLowering, PadLowering, ExpandLowering, ResizeLowering>(
      converter, ctx);
}

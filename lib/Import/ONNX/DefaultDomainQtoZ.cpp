//===- DefaultDomainQtoZ.cpp - ONNX ops Range to Upsample -----------------===//
//
// Handlers for the default-domain ONNX ops whose names start with Q to Z.
// Quantization ops (QLinear*, QuantizeLinear) are in Quantization.cpp.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

/// Range: computed at import (all inputs must be constant scalars).
static LogicalResult importRange(OpBinder &b) {
  ElementsAttr start = b.getConstantInput(0), limit = b.getConstantInput(1),
               delta = b.getConstantInput(2);
  if (!start || !limit || !delta) {
    for (unsigned i = 0; i < 3; ++i)
      b.noteNeedsConstant(i);
    return b.emitError() << "expected start, limit and delta to be "
                            "constants (quantc needs static shapes)";
  }
  if (start.getNumElements() != 1 || limit.getNumElements() != 1 ||
      delta.getNumElements() != 1)
    return b.emitError() << "expected scalar start, limit and delta";
  Type elem = start.getElementType();
  if (elem.isF32()) {
    FailureOr<SmallVector<float>> s = b.constantFloats(0, "start"),
                                  l = b.constantFloats(1, "limit"),
                                  d = b.constantFloats(2, "delta");
    if (failed(s) || failed(l) || failed(d))
      return failure();
    if ((*d)[0] == 0.0f)
      return b.emitError() << "expected a non-zero delta";
    int64_t n =
        std::max<int64_t>(0, (int64_t)std::ceil(((*l)[0] - (*s)[0]) / (*d)[0]));
    SmallVector<float> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back((*s)[0] + i * (*d)[0]);
    return b.setResult(0, b.f32Constant({n}, values));
  }
  FailureOr<SmallVector<int64_t>> s = b.constantInts(0, "start"),
                                  l = b.constantInts(1, "limit"),
                                  d = b.constantInts(2, "delta");
  if (failed(s) || failed(l) || failed(d))
    return failure();
  int64_t st = (*s)[0], li = (*l)[0], de = (*d)[0];
  if (de == 0)
    return b.emitError() << "expected a non-zero delta";
  int64_t n =
      std::max<int64_t>(0, (int64_t)std::ceil(double(li - st) / double(de)));
  if (n > b.getImporter().getOptions().maxFoldElements)
    return b.emitError() << "Range of " << n << " elements is too large";
  SmallVector<int64_t> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(st + i * de);
  return b.setResult(0,
                     b.intConstant(RankedTensorType::get({n}, elem), values));
}

/// Reductions; `axesInputSince` is the opset from which axes is an input
/// (13 for ReduceSum, 18 for the others), with noop_with_empty_axes.
template <typename OpTy, int64_t axesInputSince>
static LogicalResult importReduce(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  int64_t keepdims, noop;
  if (failed(x) || failed(b.intAttr(keepdims, "keepdims", 1)) ||
      failed(b.intAttr(noop, "noop_with_empty_axes", 0)))
    return failure();
  std::optional<SmallVector<int64_t>> axes;
  if (b.getOpsetVersion() >= axesInputSince) {
    FailureOr<std::optional<SmallVector<int64_t>>> a =
        b.optionalConstantInts(1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
    if (!axes && noop)
      return b.setResult(0, *x);
  } else {
    SmallVector<int64_t> a;
    if (failed(b.intsAttr(a, "axes")))
      return failure();
    if (b.hasAttr("axes"))
      axes = a;
  }
  SmallVector<NamedAttribute> attrs;
  if (axes)
    attrs.push_back(b.i64ArrayAttr("axes", *axes));
  if (!keepdims)
    attrs.push_back(b.boolAttr("keepdims", false));
  FailureOr<Value> y = b.createInferred<OpTy>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importReshape(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "data");
  FailureOr<SmallVector<int64_t>> shape = b.constantInts(1, "shape");
  int64_t allowZero;
  if (failed(x) || failed(shape) ||
      failed(b.intAttr(allowZero, "allowzero", 0)))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*x);
  SmallVector<int64_t> result;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d == 0 && !allowZero) {
      if ((int64_t)i >= type.getRank())
        return b.emitError()
               << "shape " << formatShape(*shape) << " copies dimension " << i
               << " (0), but the input " << formatShape(type.getShape())
               << " has rank " << type.getRank();
      d = type.getDimSize(i);
    } else if (d == -1) {
      if (inferred >= 0)
        return b.emitError()
               << "expected at most one -1 in shape " << formatShape(*shape);
      inferred = i;
      result.push_back(-1);
      continue;
    } else if (d < -1) {
      return b.emitError() << "expected dimensions >= -1 in shape "
                           << formatShape(*shape);
    }
    known *= d;
    result.push_back(d);
  }
  int64_t total = type.getNumElements();
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return b.emitError() << "cannot reshape input of shape "
                           << formatShape(type.getShape()) << " (" << total
                           << " elements) to " << formatShape(*shape);
    result[inferred] = total / known;
  } else if (known != total) {
    return b.emitError() << "cannot reshape input of shape "
                         << formatShape(type.getShape()) << " (" << total
                         << " elements) to " << formatShape(result) << " ("
                         << known << " elements)";
  }
  FailureOr<Value> y = b.reshape(*x, result);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// The shared part of Resize and Upsample.
struct ResizeParams {
  ResizeMode mode = ResizeMode::nearest;
  CoordinateTransform transform = CoordinateTransform::half_pixel;
  NearestMode nearest = NearestMode::round_prefer_floor;
  float cubicCoeffA = -0.75f;
  bool excludeOutside = false;
};

static LogicalResult emitResize(OpBinder &b, Value x, ArrayRef<float> scales,
                                ArrayRef<int64_t> outShape,
                                const ResizeParams &p) {
  RankedTensorType type = OpBinder::typeOf(x);
  MLIRContext *ctx = b.getContext();
  SmallVector<NamedAttribute> attrs = {
      b.attr("scales", b.getBuilder().getDenseF32ArrayAttr(scales))};
  if (p.mode != ResizeMode::nearest)
    attrs.push_back(b.attr("mode", ResizeModeAttr::get(ctx, p.mode)));
  if (p.transform != CoordinateTransform::half_pixel)
    attrs.push_back(b.attr("coordinate_transformation_mode",
                           CoordinateTransformAttr::get(ctx, p.transform)));
  if (p.mode == ResizeMode::nearest &&
      p.nearest != NearestMode::round_prefer_floor)
    attrs.push_back(
        b.attr("nearest_mode", NearestModeAttr::get(ctx, p.nearest)));
  if (p.mode == ResizeMode::cubic && p.cubicCoeffA != -0.75f)
    attrs.push_back(b.f32Attr("cubic_coeff_a", p.cubicCoeffA));
  if (p.mode == ResizeMode::cubic && p.excludeOutside)
    attrs.push_back(b.boolAttr("exclude_outside", true));
  FailureOr<Value> y = b.createTyped<ResizeOp>(
      RankedTensorType::get(outShape, type.getElementType()), x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult parseResizeMode(OpBinder &b, ResizeParams &p,
                                     bool allowCubic) {
  std::string mode;
  if (failed(b.stringAttr(mode, "mode", "nearest")))
    return failure();
  if (mode == "bilinear") // Upsample-7's spelling
    mode = "linear";
  std::optional<ResizeMode> m = symbolizeResizeMode(mode);
  if (!m || (!allowCubic && *m == ResizeMode::cubic))
    return b.emitError() << "unsupported mode '" << mode << "'; expected "
                         << (allowCubic ? "nearest, linear or cubic"
                                        : "nearest or linear");
  p.mode = *m;
  return success();
}

/// Resize-10 and Upsample: scales only, and the legacy coordinate mapping
/// (asymmetric; nearest rounds down when upsampling and up when
/// downsampling).
static LogicalResult emitLegacyResize(OpBinder &b, Value x,
                                      ArrayRef<float> scales) {
  ResizeParams p;
  if (failed(parseResizeMode(b, p, /*allowCubic=*/false)))
    return failure();
  RankedTensorType type = OpBinder::typeOf(x);
  if ((int64_t)scales.size() != type.getRank())
    return b.emitError() << "expected " << type.getRank()
                         << " scales (one per dimension), found "
                         << scales.size();
  p.transform = CoordinateTransform::asymmetric;
  bool up = llvm::all_of(scales, [](float s) { return s >= 1.0f; });
  bool down = llvm::all_of(scales, [](float s) { return s <= 1.0f; });
  if (p.mode == ResizeMode::nearest && !up && !down)
    return b.emitError() << "nearest resizing that upsamples some dimensions "
                            "and downsamples others is not supported before "
                            "opset 11";
  p.nearest = up ? NearestMode::floor : NearestMode::ceil;
  SmallVector<int64_t> out;
  for (auto [d, s] : llvm::zip(type.getShape(), scales)) {
    if (!(s > 0.0f))
      return b.emitError() << "expected positive scales, found " << s;
    out.push_back((int64_t)std::floor((double)d * s));
  }
  return emitResize(b, x, scales, out, p);
}

static LogicalResult importUpsample7(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  SmallVector<float> scales;
  if (failed(x) || failed(b.floatsAttr(scales, "scales")))
    return failure();
  return emitLegacyResize(b, *x, scales);
}

static LogicalResult importUpsample9(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  FailureOr<SmallVector<float>> scales = b.constantFloats(1, "scales");
  if (failed(x) || failed(scales))
    return failure();
  return emitLegacyResize(b, *x, *scales);
}

static LogicalResult importResize10(OpBinder &b) { return importUpsample9(b); }

/// Resize-11, 13, 18 and 19.
static LogicalResult importResize11(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*x);
  int64_t rank = type.getRank();
  ResizeParams p;
  std::string transform, nearest, aspectPolicy;
  int64_t excludeOutside, antialias;
  SmallVector<int64_t> axes;
  if (failed(parseResizeMode(b, p, /*allowCubic=*/true)) ||
      failed(b.stringAttr(transform, "coordinate_transformation_mode",
                          "half_pixel")) ||
      failed(b.stringAttr(nearest, "nearest_mode", "round_prefer_floor")) ||
      failed(b.floatAttr(p.cubicCoeffA, "cubic_coeff_a", -0.75f)) ||
      failed(b.intAttr(excludeOutside, "exclude_outside", 0)) ||
      failed(b.intAttr(antialias, "antialias", 0)) ||
      failed(b.intsAttr(axes, "axes")) ||
      failed(b.stringAttr(aspectPolicy, "keep_aspect_ratio_policy", "stretch")))
    return failure();
  p.excludeOutside = excludeOutside;
  std::optional<CoordinateTransform> t =
      symbolizeCoordinateTransform(transform);
  if (transform == "tf_crop_and_resize")
    return b.emitError() << "coordinate_transformation_mode "
                            "'tf_crop_and_resize' is not supported";
  if (!t || (*t == CoordinateTransform::half_pixel_symmetric &&
             b.getOpsetVersion() < 19))
    return b.emitError()
           << "unsupported coordinate_transformation_mode '" << transform
           << "'; expected half_pixel, half_pixel_symmetric (opset 19), "
              "pytorch_half_pixel, align_corners or asymmetric";
  p.transform = *t;
  std::optional<NearestMode> nm = symbolizeNearestMode(nearest);
  if (!nm)
    return b.emitError() << "unsupported nearest_mode '" << nearest
                         << "'; expected round_prefer_floor, "
                            "round_prefer_ceil, floor or ceil";
  p.nearest = *nm;

  // Scales (input 2) or sizes (input 3); an empty tensor means absent.
  FailureOr<std::optional<SmallVector<float>>> scales =
      b.optionalConstantFloats(2, "scales");
  if (failed(scales))
    return failure();
  FailureOr<std::optional<SmallVector<int64_t>>> sizes =
      b.optionalConstantInts(3, "sizes");
  if (failed(sizes))
    return failure();
  if (*scales && *sizes)
    return b.emitError() << "expected only one of scales and sizes, found "
                            "both";
  if (!*scales && !*sizes)
    return b.emitError() << "expected scales or sizes";
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  for (int64_t &a : axes) {
    FailureOr<int64_t> axis = normalizeAxisOrError(b, a, rank, "axes");
    if (failed(axis))
      return failure();
    a = *axis;
  }
  size_t given = *scales ? (*scales)->size() : (*sizes)->size();
  if (given != axes.size())
    return b.emitError() << "expected " << axes.size() << " "
                         << (*scales ? "scales" : "sizes")
                         << " (one per resized axis), found " << given;

  SmallVector<float> fullScales(rank, 1.0f);
  SmallVector<int64_t> out(type.getShape());
  if (*scales) {
    for (auto [i, a] : llvm::enumerate(axes)) {
      float s = (**scales)[i];
      if (!(s > 0.0f))
        return b.emitError() << "expected positive scales, found " << s;
      fullScales[a] = s;
      out[a] = (int64_t)std::floor((double)type.getDimSize(a) * s);
    }
  } else {
    std::optional<float> common;
    if (aspectPolicy == "not_larger" || aspectPolicy == "not_smaller") {
      for (auto [i, a] : llvm::enumerate(axes)) {
        float s = (float)(**sizes)[i] / (float)type.getDimSize(a);
        common = !common                        ? s
                 : aspectPolicy == "not_larger" ? std::min(*common, s)
                                                : std::max(*common, s);
      }
    } else if (aspectPolicy != "stretch") {
      return b.emitError() << "unsupported keep_aspect_ratio_policy '"
                           << aspectPolicy
                           << "'; expected stretch, not_larger or "
                              "not_smaller";
    }
    for (auto [i, a] : llvm::enumerate(axes)) {
      int64_t in = type.getDimSize(a);
      if (in == 0)
        return b.emitError() << "cannot resize an empty dimension " << a;
      int64_t size = (**sizes)[i];
      if (common)
        size = (int64_t)std::floor((double)*common * in + 0.5);
      if (size <= 0)
        return b.emitError()
               << "expected positive sizes, found " << formatShape(**sizes);
      out[a] = size;
      fullScales[a] = common ? *common : (float)size / (float)in;
    }
  }
  if (antialias && p.mode != ResizeMode::nearest &&
      llvm::any_of(fullScales, [](float s) { return s < 1.0f; }))
    return b.emitError() << "antialias = 1 when downsampling is not "
                            "supported";
  return emitResize(b, *x, fullScales, out, p);
}

static LogicalResult importShape(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  int64_t start, end;
  if (failed(x) || failed(b.intAttr(start, "start", 0)))
    return failure();
  ArrayRef<int64_t> shape = OpBinder::typeOf(*x).getShape();
  int64_t rank = shape.size();
  if (failed(b.intAttr(end, "end", rank)))
    return failure();
  auto clampIndex = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  start = clampIndex(start);
  end = clampIndex(end);
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back(shape[i]);
  return b.setResult(0, b.i64Constant({(int64_t)dims.size()}, dims));
}

static LogicalResult importSize(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  return b.setResult(
      0, b.i64Constant({}, {OpBinder::typeOf(*x).getNumElements()}));
}

/// Slice-1 (attributes) and Slice-10 and later (constant inputs).
static LogicalResult importSlice(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "data");
  if (failed(x))
    return failure();
  SmallVector<int64_t> starts, ends;
  std::optional<SmallVector<int64_t>> axes, steps;
  if (b.getOpsetVersion() < 10) {
    SmallVector<int64_t> a;
    if (failed(b.intsAttr(starts, "starts")) ||
        failed(b.intsAttr(ends, "ends")) || failed(b.intsAttr(a, "axes")))
      return failure();
    if (b.hasAttr("axes"))
      axes = a;
  } else {
    FailureOr<SmallVector<int64_t>> s = b.constantInts(1, "starts");
    if (failed(s))
      return failure();
    FailureOr<SmallVector<int64_t>> e = b.constantInts(2, "ends");
    if (failed(e))
      return failure();
    FailureOr<std::optional<SmallVector<int64_t>>> a =
        b.optionalConstantInts(3, "axes");
    if (failed(a))
      return failure();
    FailureOr<std::optional<SmallVector<int64_t>>> st =
        b.optionalConstantInts(4, "steps");
    if (failed(st))
      return failure();
    starts = *s;
    ends = *e;
    axes = *a;
    steps = *st;
  }
  SmallVector<NamedAttribute> attrs = {b.i64ArrayAttr("starts", starts),
                                       b.i64ArrayAttr("ends", ends)};
  if (axes)
    attrs.push_back(b.i64ArrayAttr("axes", *axes));
  if (steps && llvm::any_of(*steps, [](int64_t s) { return s != 1; }))
    attrs.push_back(b.i64ArrayAttr("steps", *steps));
  FailureOr<Value> y = b.createInferred<SliceOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// Split-2/11 (split attribute), 13 (split input), 18 (num_outputs).
static LogicalResult importSplit(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  int64_t axis;
  if (failed(x) || failed(b.intAttr(axis, "axis", 0)))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*x);
  FailureOr<int64_t> a = normalizeAxisOrError(b, axis, type.getRank());
  if (failed(a))
    return failure();
  int64_t dim = type.getDimSize(*a);
  SmallVector<int64_t> split;
  if (b.getOpsetVersion() < 13) {
    if (failed(b.intsAttr(split, "split")))
      return failure();
  } else {
    FailureOr<std::optional<SmallVector<int64_t>>> s =
        b.optionalConstantInts(1, "split");
    if (failed(s))
      return failure();
    if (*s)
      split = **s;
  }
  int64_t numOutputs = b.getNumOutputs();
  if (split.empty()) {
    if (b.getOpsetVersion() >= 18 && b.hasAttr("num_outputs")) {
      if (failed(b.intAttr(numOutputs, "num_outputs", numOutputs)))
        return failure();
      if (numOutputs != b.getNumOutputs())
        return b.emitError() << "expected num_outputs (" << numOutputs
                             << ") to equal the number of outputs ("
                             << b.getNumOutputs() << ")";
      int64_t chunk = (dim + numOutputs - 1) / numOutputs;
      for (int64_t i = 0; i < numOutputs; ++i)
        split.push_back(std::max<int64_t>(0, std::min(chunk, dim - i * chunk)));
    } else {
      if (numOutputs == 0 || dim % numOutputs != 0)
        return b.emitError() << "cannot split dimension " << *a << " (" << dim
                             << ") into " << numOutputs << " equal parts";
      split.assign(numOutputs, dim / numOutputs);
    }
  }
  if ((int64_t)split.size() != b.getNumOutputs())
    return b.emitError() << "expected " << b.getNumOutputs()
                         << " split sizes (one per output), found "
                         << split.size();
  SmallVector<NamedAttribute> attrs = {b.i64ArrayAttr("split", split)};
  if (*a != 0)
    attrs.push_back(b.i64Attr("axis", *a));
  FailureOr<SmallVector<Value>> ys = b.createInferredMulti<SplitOp>(*x, attrs);
  if (failed(ys))
    return failure();
  return b.setResults(*ys);
}

/// Squeeze and Unsqueeze: axes attribute before opset 13, input after.
template <typename OpTy, bool axesRequired>
static LogicalResult importSqueezeLike(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  std::optional<SmallVector<int64_t>> axes;
  if (b.getOpsetVersion() < 13) {
    SmallVector<int64_t> a;
    if (failed(b.intsAttr(a, "axes")))
      return failure();
    if (b.hasAttr("axes"))
      axes = a;
  } else if (axesRequired) {
    FailureOr<SmallVector<int64_t>> a = b.constantInts(1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    FailureOr<std::optional<SmallVector<int64_t>>> a =
        b.optionalConstantInts(1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  }
  if (axesRequired && !axes)
    return b.emitError() << "expected axes";
  SmallVector<NamedAttribute> attrs;
  if (axes)
    attrs.push_back(b.i64ArrayAttr("axes", *axes));
  FailureOr<Value> y = b.createInferred<OpTy>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importTranspose(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  SmallVector<int64_t> perm;
  if (failed(x) || failed(b.intsAttr(perm, "perm")))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (b.hasAttr("perm"))
    attrs.push_back(b.i64ArrayAttr("perm", perm));
  FailureOr<Value> y = b.createInferred<TransposeOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

void mlir::qc::onnx_import::populateDefaultDomainQtoZ(OnnxOpTable &t) {
  t.on("Range", 11, importRange);
  t.on("Reciprocal", 6, importUnary<ReciprocalOp>);
  t.on("ReduceL1", 1, importReduce<ReduceL1Op, 18>);
  t.on("ReduceL2", 1, importReduce<ReduceL2Op, 18>);
  t.on("ReduceMax", 1, importReduce<ReduceMaxOp, 18>);
  t.on("ReduceMean", 1, importReduce<ReduceMeanOp, 18>);
  t.on("ReduceMin", 1, importReduce<ReduceMinOp, 18>);
  t.on("ReduceProd", 1, importReduce<ReduceProdOp, 18>);
  t.on("ReduceSum", 1, importReduce<ReduceSumOp, 13>);
  t.on("ReduceSumSquare", 1, importReduce<ReduceSumSquareOp, 18>);
  t.on("Relu", 6, importUnary<ReluOp>);
  t.on("Reshape", 5, importReshape);
  t.on("Resize", 10, importResize10);
  t.on("Resize", 11, importResize11);
  t.on("Round", 11, importUnary<RoundOp>);
  t.on("Shape", 1, importShape);
  t.on("Sigmoid", 6, importUnary<SigmoidOp>);
  t.on("Sin", 7, importUnary<SinOp>);
  t.on("Size", 1, importSize);
  t.on("Slice", 1, importSlice);
  t.on("Softmax", 1, importSoftmaxLike<SoftmaxOp>);
  t.on("Softplus", 1, importUnary<SoftplusOp>);
  t.on("Softsign", 1, importUnary<SoftsignOp>);
  t.on("Split", 2, importSplit);
  t.on("Sqrt", 6, importUnary<SqrtOp>);
  t.on("Squeeze", 1, importSqueezeLike<SqueezeOp, false>);
  t.on("Sub", 1, importLegacyBinary<SubOp>);
  t.on("Sub", 7, importBinary<SubOp>);
  t.on("Sum", 1, importVariadicChain<AddOp>); // before 8: same shapes
  t.on("Tanh", 6, importUnary<TanhOp>);
  t.on("Transpose", 1, importTranspose);
  t.on("Unsqueeze", 1, importSqueezeLike<UnsqueezeOp, true>);
  t.on("Upsample", 7, importUpsample7);
  t.on("Upsample", 9, importUpsample9);
}

//===- DefaultDomainAtoF.cpp - ONNX ops Abs to Floor ----------------------===//
//
// Handlers for the default-domain ONNX ops whose names start with A to F,
// plus the conv/pool window helpers shared with other files. Quantization
// ops (DequantizeLinear, DynamicQuantizeLinear, ConvInteger) are in
// Quantization.cpp.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Traits.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

//===----------------------------------------------------------------------===//
// Window helpers (conv and pooling).
//===----------------------------------------------------------------------===//

void WindowAttrs::appendTo(OpBinder &b,
                           SmallVectorImpl<NamedAttribute> &attrs) const {
  auto all = [](ArrayRef<int64_t> v, int64_t x) {
    return llvm::all_of(v, [&](int64_t e) { return e == x; });
  };
  if (!strides.empty() && !all(strides, 1))
    attrs.push_back(b.i64ArrayAttr("strides", strides));
  if (!pads.empty() && !all(pads, 0))
    attrs.push_back(b.i64ArrayAttr("pads", pads));
  if (!dilations.empty() && !all(dilations, 1))
    attrs.push_back(b.i64ArrayAttr("dilations", dilations));
}

LogicalResult mlir::qc::onnx_import::readWindowAttrs(OpBinder &b,
                                                     RankedTensorType x,
                                                     ArrayRef<int64_t> kernel,
                                                     WindowAttrs &window,
                                                     bool hasDilations) {
  std::string autoPad;
  if (failed(b.intsAttr(window.strides, "strides")) ||
      failed(b.intsAttr(window.pads, "pads")) ||
      failed(b.stringAttr(autoPad, "auto_pad", "NOTSET")))
    return failure();
  if (hasDilations && failed(b.intsAttr(window.dilations, "dilations")))
    return failure();
  if (x.getRank() < 3)
    return b.emitError() << "expected an input of rank 3 or more (N x C x "
                            "D1 ...), found rank "
                         << x.getRank();
  size_t n = x.getRank() - 2;
  if (kernel.size() != n)
    return b.emitError() << "expected " << n
                         << " kernel dimensions (one per spatial dimension), "
                            "found "
                         << kernel.size();
  for (auto [what, v] :
       {std::pair<StringRef, ArrayRef<int64_t>>{"strides", window.strides},
        {"dilations", window.dilations}})
    if (!v.empty() && v.size() != n)
      return b.emitError() << "expected " << n << " " << what << ", found "
                           << v.size();
  if (!window.pads.empty() && autoPad != "NOTSET" && !autoPad.empty()) {
    // ONNX forbids both; some exporters write zero pads with auto_pad.
    if (llvm::any_of(window.pads, [](int64_t p) { return p != 0; }))
      return b.emitError() << "expected either pads or auto_pad '" << autoPad
                           << "', found both";
  }
  return resolveAutoPad(b, autoPad, x.getShape().drop_front(2), kernel,
                        window.strides, window.dilations, window.pads);
}

LogicalResult
mlir::qc::onnx_import::readConvAttrs(OpBinder &b, RankedTensorType x,
                                     RankedTensorType w,
                                     SmallVectorImpl<NamedAttribute> &attrs) {
  if (w.getRank() < 3)
    return b.emitError() << "expected a weight of rank 3 or more, found rank "
                         << w.getRank();
  ArrayRef<int64_t> kernel = w.getShape().drop_front(2);
  SmallVector<int64_t> kernelAttr;
  if (failed(b.intsAttr(kernelAttr, "kernel_shape")))
    return failure();
  if (!kernelAttr.empty() && ArrayRef<int64_t>(kernelAttr) != kernel)
    return b.emitError() << "expected kernel_shape to match the weight's "
                            "spatial dimensions "
                         << formatShape(kernel) << ", found "
                         << formatShape(kernelAttr);
  int64_t group;
  if (failed(b.intAttr(group, "group", 1)))
    return failure();
  WindowAttrs window;
  if (failed(readWindowAttrs(b, x, kernel, window)))
    return failure();
  window.appendTo(b, attrs);
  if (group != 1)
    attrs.push_back(b.i64Attr("group", group));
  return success();
}

//===----------------------------------------------------------------------===//
// Handlers.
//===----------------------------------------------------------------------===//

template <typename OpTy> static LogicalResult importArgReduce(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  int64_t axis, keepdims, selectLast;
  if (failed(x) || failed(b.intAttr(axis, "axis", 0)) ||
      failed(b.intAttr(keepdims, "keepdims", 1)) ||
      failed(b.intAttr(selectLast, "select_last_index", 0)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (axis != 0)
    attrs.push_back(b.i64Attr("axis", axis));
  if (!keepdims)
    attrs.push_back(b.boolAttr("keepdims", false));
  if (selectLast)
    attrs.push_back(b.boolAttr("select_last_index", true));
  FailureOr<Value> y = b.createInferred<OpTy>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importAveragePool(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  SmallVector<int64_t> kernel;
  int64_t ceilMode, countIncludePad;
  if (failed(x) || failed(b.intsAttr(kernel, "kernel_shape")) ||
      failed(b.intAttr(ceilMode, "ceil_mode", 0)) ||
      failed(b.intAttr(countIncludePad, "count_include_pad", 0)))
    return failure();
  if (kernel.empty())
    return b.emitError() << "expected attribute 'kernel_shape'";
  WindowAttrs window;
  if (failed(readWindowAttrs(b, OpBinder::typeOf(*x), kernel, window)))
    return failure();
  SmallVector<NamedAttribute> attrs = {b.i64ArrayAttr("kernel_shape", kernel)};
  window.appendTo(b, attrs);
  if (ceilMode)
    attrs.push_back(b.boolAttr("ceil_mode", true));
  if (countIncludePad)
    attrs.push_back(b.boolAttr("count_include_pad", true));
  FailureOr<Value> y = b.createInferred<AveragePoolOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importBatchNormalization(OpBinder &b) {
  FailureOr<SmallVector<Value>> in = b.variadicInputs();
  float epsilon;
  int64_t training;
  if (failed(in) || failed(b.floatAttr(epsilon, "epsilon", 1e-5f)) ||
      failed(b.intAttr(training, "training_mode", 0)))
    return failure();
  if (in->size() != 5)
    return b.emitError() << "expected 5 inputs (X, scale, B, input_mean, "
                            "input_var), found "
                         << in->size();
  if (training)
    return b.emitError() << "training_mode = 1 is not supported; quantc "
                            "imports inference graphs";
  // Opsets before 9 have `spatial` (statistics per channel by default).
  int64_t spatial;
  if (failed(b.intAttr(spatial, "spatial", 1)))
    return failure();
  if (spatial != 1)
    return b.emitError() << "spatial = " << spatial
                         << " is not supported; expected 1 (statistics per "
                            "channel)";
  if (failed(b.rejectUsedOutputs(1, "the running and saved statistics are "
                                    "training outputs, which quantc does not "
                                    "support")))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (epsilon != 1e-5f)
    attrs.push_back(b.f32Attr("epsilon", epsilon));
  FailureOr<Value> y = b.createTyped<BatchNormalizationOp>(
      OpBinder::typeOf((*in)[0]), *in, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// BatchNormalization before opset 7: `is_test` must be set (otherwise Y
/// is normalized with the batch's statistics).
static LogicalResult importLegacyBatchNormalization(OpBinder &b) {
  int64_t isTest;
  if (failed(b.intAttr(isTest, "is_test", 0)))
    return failure();
  if (!isTest)
    return b.emitError() << "is_test = 0 (training) is not supported; quantc "
                            "imports inference graphs";
  return importBatchNormalization(b);
}

static LogicalResult importCast(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  int64_t to;
  if (failed(x) || failed(b.requiredIntAttr(to, "to")))
    return failure();
  Type elem = getElementType(b.getContext(), to);
  if (!elem)
    return b.emitError() << "Cast to " << getOnnxTypeName(to)
                         << " is not supported (expected float32, bool or an "
                            "integer type)";
  FailureOr<Value> y = b.castTo(*x, elem);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// Clamps `x` to [lo, hi] (either may be absent).
static LogicalResult emitClip(OpBinder &b, Value x, std::optional<float> lo,
                              std::optional<float> hi) {
  if ((lo && std::isnan(*lo)) || (hi && std::isnan(*hi)))
    return b.emitError() << "expected "
                         << (lo && std::isnan(*lo) ? "min" : "max")
                         << " to be a number, found NaN";
  // ONNX: when min > max every element becomes max.
  if (lo && hi && *lo > *hi)
    lo = hi;
  if (!lo && !hi)
    return b.setResult(0, x);
  RankedTensorType type = OpBinder::typeOf(x);
  if (isa<FloatType>(type.getElementType())) {
    SmallVector<NamedAttribute> attrs;
    if (lo)
      attrs.push_back(b.f32Attr("min", *lo));
    if (hi)
      attrs.push_back(b.f32Attr("max", *hi));
    FailureOr<Value> y = b.createUnary<ClipOp>(x, attrs);
    if (failed(y))
      return failure();
    return b.setResult(0, *y);
  }
  // Integer clip: max/min with scalar constants.
  auto scalarType = RankedTensorType::get({}, type.getElementType());
  Value y = x;
  if (lo) {
    FailureOr<Value> r = b.createInferred<MaxOp>(
        {y, b.intConstant(scalarType, {static_cast<int64_t>(*lo)})});
    if (failed(r))
      return failure();
    y = *r;
  }
  if (hi) {
    FailureOr<Value> r = b.createInferred<MinOp>(
        {y, b.intConstant(scalarType, {static_cast<int64_t>(*hi)})});
    if (failed(r))
      return failure();
    y = *r;
  }
  return b.setResult(0, y);
}

/// Clip-6: bounds are attributes.
static LogicalResult importClip6(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  float lo, hi;
  if (failed(x) || failed(b.floatAttr(lo, "min", -FLT_MAX)) ||
      failed(b.floatAttr(hi, "max", FLT_MAX)))
    return failure();
  return emitClip(b, *x,
                  lo == -FLT_MAX ? std::nullopt : std::optional<float>(lo),
                  hi == FLT_MAX ? std::nullopt : std::optional<float>(hi));
}

/// Clip-11 and later: bounds are optional constant inputs.
static LogicalResult importClip11(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  std::optional<float> bounds[2];
  for (unsigned i = 1; i <= 2; ++i) {
    FailureOr<std::optional<SmallVector<float>>> v =
        b.optionalConstantFloats(i, i == 1 ? "min" : "max");
    if (failed(v))
      return failure();
    if (!*v)
      continue;
    if ((*v)->size() != 1)
      return b.emitError() << "expected " << (i == 1 ? "min" : "max")
                           << " to be a scalar, found " << (*v)->size()
                           << " values";
    bounds[i - 1] = (**v)[0];
  }
  return emitClip(b, *x, bounds[0], bounds[1]);
}

static LogicalResult importConcat(OpBinder &b) {
  FailureOr<SmallVector<Value>> inputs = b.variadicInputs();
  int64_t axis;
  if (failed(inputs) || failed(b.requiredIntAttr(axis, "axis")))
    return failure();
  FailureOr<Value> y =
      b.createInferred<ConcatOp>(*inputs, b.i64Attr("axis", axis));
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importConstant(OpBinder &b) {
  if (b.hasAttr("sparse_value"))
    return b.emitError() << "sparse constants are not supported";
  if (b.hasAttr("value_string") || b.hasAttr("value_strings"))
    return b.emitError() << "string constants are not supported";
  MLIRContext *ctx = b.getContext();
  StringRef hint = b.getImporter().getNameHint();
  int64_t threshold = b.getImporter().getOptions().resourceThreshold;
  FailureOr<const onnx::TensorProto *> tensor = b.tensorAttr("value");
  if (failed(tensor))
    return failure();
  if (*tensor) {
    llvm::Expected<RawTensor> raw =
        decodeTensorProto(ctx, **tensor, b.getImporter().getBaseDir());
    if (!raw)
      return b.emitError() << llvm::toString(raw.takeError());
    ElementsAttr attr =
        makeElementsAttr(raw->getType(), raw->bytes, hint, threshold);
    return b.setResult(0, b.constant(cast<TypedAttr>(attr)));
  }
  if (b.hasAttr("value_float") || b.hasAttr("value_floats")) {
    SmallVector<float> values;
    bool scalar = b.hasAttr("value_float");
    if (scalar) {
      float v;
      if (failed(b.floatAttr(v, "value_float", 0.0f)))
        return failure();
      values.push_back(v);
    } else if (failed(b.floatsAttr(values, "value_floats"))) {
      return failure();
    }
    SmallVector<int64_t> shape;
    if (!scalar)
      shape.push_back(values.size());
    return b.setResult(0, b.f32Constant(shape, values));
  }
  if (b.hasAttr("value_int") || b.hasAttr("value_ints")) {
    SmallVector<int64_t> values;
    bool scalar = b.hasAttr("value_int");
    if (scalar) {
      int64_t v;
      if (failed(b.intAttr(v, "value_int", 0)))
        return failure();
      values.push_back(v);
    } else if (failed(b.intsAttr(values, "value_ints"))) {
      return failure();
    }
    SmallVector<int64_t> shape;
    if (!scalar)
      shape.push_back(values.size());
    return b.setResult(0, b.i64Constant(shape, values));
  }
  return b.emitError() << "expected one of the attributes value, "
                          "value_float(s) or value_int(s)";
}

static LogicalResult importConstantOfShape(OpBinder &b) {
  FailureOr<SmallVector<int64_t>> shape = b.constantInts(0, "input");
  FailureOr<const onnx::TensorProto *> value = b.tensorAttr("value");
  if (failed(shape) || failed(value))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return b.emitError() << "expected non-negative dimensions, found "
                           << formatShape(*shape);
  Type elem = b.getBuilder().getF32Type();
  int64_t intValue = 0;
  float floatValue = 0.0f;
  if (*value) {
    llvm::Expected<RawTensor> raw = decodeTensorProto(
        b.getContext(), **value, b.getImporter().getBaseDir());
    if (!raw)
      return b.emitError() << llvm::toString(raw.takeError());
    if (raw->getNumElements() != 1)
      return b.emitError() << "expected a one-element value, found "
                           << raw->getNumElements() << " elements";
    elem = raw->elementType;
    ElementsAttr one = makeElementsAttr(raw->getType(), raw->bytes, "value",
                                        /*resourceThreshold=*/16);
    if (elem.isF32())
      floatValue = (*readF32Elements(one))[0];
    else
      intValue = (*readIntElements(one))[0];
  }
  auto type = RankedTensorType::get(*shape, elem);
  Attribute splat;
  if (elem.isF32())
    splat = DenseElementsAttr::get(type, floatValue);
  else if (elem.isInteger(1))
    splat = DenseElementsAttr::get(type, intValue != 0);
  else
    splat = DenseElementsAttr::get(
        type, APInt(elem.getIntOrFloatBitWidth(), (uint64_t)intValue,
                    !elem.isUnsignedInteger(), /*implicitTrunc=*/true));
  return b.setResult(0, b.constant(cast<TypedAttr>(splat)));
}

static LogicalResult importConv(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "X"), w = b.input(1, "W");
  if (failed(x) || failed(w))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (failed(
          readConvAttrs(b, OpBinder::typeOf(*x), OpBinder::typeOf(*w), attrs)))
    return failure();
  SmallVector<Value> operands = {*x, *w};
  if (Value bias = b.optionalInput(2))
    operands.push_back(bias);
  FailureOr<Value> y = b.createInferred<ConvOp>(operands, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importConvTranspose(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "X"), w = b.input(1, "W");
  if (failed(x) || failed(w))
    return failure();
  RankedTensorType xType = OpBinder::typeOf(*x), wType = OpBinder::typeOf(*w);
  if (xType.getRank() < 3 || wType.getRank() != xType.getRank())
    return b.emitError() << "expected input and weight of the same rank, 3 "
                            "or more; found ranks "
                         << xType.getRank() << " and " << wType.getRank();
  size_t n = xType.getRank() - 2;
  ArrayRef<int64_t> kernel = wType.getShape().drop_front(2);
  SmallVector<int64_t> kernelAttr, strides, dilations, pads, outputPadding,
      outputShape;
  std::string autoPad;
  int64_t group;
  if (failed(b.intsAttr(kernelAttr, "kernel_shape")) ||
      failed(b.intsAttr(strides, "strides")) ||
      failed(b.intsAttr(dilations, "dilations")) ||
      failed(b.intsAttr(pads, "pads")) ||
      failed(b.intsAttr(outputPadding, "output_padding")) ||
      failed(b.intsAttr(outputShape, "output_shape")) ||
      failed(b.stringAttr(autoPad, "auto_pad", "NOTSET")) ||
      failed(b.intAttr(group, "group", 1)))
    return failure();
  if (!kernelAttr.empty() && ArrayRef<int64_t>(kernelAttr) != kernel)
    return b.emitError() << "expected kernel_shape to match the weight's "
                            "spatial dimensions "
                         << formatShape(kernel) << ", found "
                         << formatShape(kernelAttr);
  auto orOnes = [&](SmallVector<int64_t> &v, StringRef what,
                    int64_t dflt) -> LogicalResult {
    if (v.empty())
      v.assign(n, dflt);
    if (v.size() != n)
      return b.emitError() << "expected " << n << " " << what << ", found "
                           << v.size();
    return success();
  };
  if (failed(orOnes(strides, "strides", 1)) ||
      failed(orOnes(dilations, "dilations", 1)) ||
      failed(orOnes(outputPadding, "output_padding", 0)))
    return failure();
  if (autoPad != "NOTSET" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER" && autoPad != "VALID")
    return b.emitError() << "unsupported auto_pad '" << autoPad
                         << "'; expected NOTSET, SAME_UPPER, SAME_LOWER or "
                            "VALID";
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!outputShape.empty() || same) {
    // The output shape is given (or implied by SAME: input * stride); pads
    // follow from it.
    SmallVector<int64_t> target;
    if (!outputShape.empty()) {
      if (outputShape.size() == n + 2)
        target.assign(outputShape.begin() + 2, outputShape.end());
      else if (outputShape.size() == n)
        target.assign(outputShape.begin(), outputShape.end());
      else
        return b.emitError()
               << "expected output_shape with " << n
               << " spatial dimensions, found " << formatShape(outputShape);
    } else {
      for (size_t i = 0; i < n; ++i)
        target.push_back(xType.getDimSize(i + 2) * strides[i]);
    }
    pads.assign(2 * n, 0);
    for (size_t i = 0; i < n; ++i) {
      int64_t total = strides[i] * (xType.getDimSize(i + 2) - 1) +
                      outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 -
                      target[i];
      if (total < 0) {
        // A larger output than the natural one: extra output padding.
        outputPadding[i] -= total;
        total = 0;
      }
      int64_t half = total / 2;
      pads[i] = autoPad == "SAME_UPPER" ? half : total - half;
      pads[n + i] = autoPad == "SAME_UPPER" ? total - half : half;
    }
  } else if (autoPad == "VALID") {
    pads.assign(2 * n, 0);
  }
  SmallVector<NamedAttribute> attrs;
  auto nonDefault = [](ArrayRef<int64_t> v, int64_t d) {
    return llvm::any_of(v, [&](int64_t e) { return e != d; });
  };
  if (nonDefault(strides, 1))
    attrs.push_back(b.i64ArrayAttr("strides", strides));
  if (!pads.empty() && nonDefault(pads, 0))
    attrs.push_back(b.i64ArrayAttr("pads", pads));
  if (nonDefault(dilations, 1))
    attrs.push_back(b.i64ArrayAttr("dilations", dilations));
  if (nonDefault(outputPadding, 0))
    attrs.push_back(b.i64ArrayAttr("output_padding", outputPadding));
  if (group != 1)
    attrs.push_back(b.i64Attr("group", group));
  SmallVector<Value> operands = {*x, *w};
  if (Value bias = b.optionalInput(2))
    operands.push_back(bias);
  FailureOr<Value> y = b.createInferred<ConvTransposeOp>(operands, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importDropout(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  if (b.hasInput(2)) {
    ElementsAttr training = b.getConstantInput(2);
    std::optional<std::vector<int64_t>> v =
        training ? readIntElements(training) : std::nullopt;
    if (!v || v->size() != 1) {
      b.noteNeedsConstant(2);
      return b.emitError() << "expected training_mode to be a constant "
                              "scalar";
    }
    // Training with ratio 0 drops nothing: the same as inference.
    if ((*v)[0]) {
      FailureOr<std::optional<SmallVector<float>>> ratio =
          b.optionalConstantFloats(1, "ratio");
      if (failed(ratio))
        return failure();
      if (!*ratio || (*ratio)->size() != 1 || (**ratio)[0] != 0.0f)
        return b.emitError() << "training_mode = true is not supported "
                                "(except with ratio 0); quantc imports "
                                "inference graphs";
    }
  }
  if (b.isOutputUsed(1)) {
    // In inference the mask keeps everything.
    RankedTensorType type = OpBinder::typeOf(*x);
    auto maskType =
        RankedTensorType::get(type.getShape(), b.getBuilder().getI1Type());
    if (failed(
            b.setResult(1, b.constant(DenseElementsAttr::get(maskType, true)))))
      return failure();
  }
  return b.setResult(0, *x);
}

static LogicalResult importElu(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  float alpha;
  if (failed(x) || failed(b.floatAttr(alpha, "alpha", 1.0f)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (alpha != 1.0f)
    attrs.push_back(b.f32Attr("alpha", alpha));
  FailureOr<Value> y = b.createUnary<EluOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importExpand(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  FailureOr<SmallVector<int64_t>> shape = b.constantInts(1, "shape");
  if (failed(x) || failed(shape))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*x);
  SmallVector<int64_t> result;
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; }) ||
      !OpTrait::util::getBroadcastedShape(type.getShape(), *shape, result))
    return b.emitError() << "cannot expand input of shape "
                         << formatShape(type.getShape()) << " to shape "
                         << formatShape(*shape);
  FailureOr<Value> y = b.createTyped<ExpandOp>(
      RankedTensorType::get(result, type.getElementType()), *x);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importFlatten(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  int64_t axis;
  if (failed(x) || failed(b.intAttr(axis, "axis", 1)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (axis != 1)
    attrs.push_back(b.i64Attr("axis", axis));
  FailureOr<Value> y = b.createInferred<FlattenOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

void mlir::qc::onnx_import::populateDefaultDomainAtoF(OnnxOpTable &t) {
  t.on("Abs", 6, importUnary<AbsOp>);
  t.on("Add", 1, importLegacyBinary<AddOp>);
  t.on("Add", 7, importBinary<AddOp>);
  t.on("ArgMax", 1, importArgReduce<ArgMaxOp>);
  t.on("ArgMin", 1, importArgReduce<ArgMinOp>);
  t.on("AveragePool", 1, importAveragePool);
  t.on("BatchNormalization", 1, importLegacyBatchNormalization);
  t.on("BatchNormalization", 7, importBatchNormalization);
  t.on("Cast", 6, importCast);
  t.on("Ceil", 6, importUnary<CeilOp>);
  t.on("Clip", 6, importClip6);
  t.on("Clip", 11, importClip11);
  t.on("Concat", 4, importConcat);
  t.on("Constant", 1, importConstant);
  t.on("ConstantOfShape", 9, importConstantOfShape);
  t.on("Conv", 1, importConv);
  t.on("ConvTranspose", 1, importConvTranspose);
  t.on("Cos", 7, importUnary<CosOp>);
  t.on("Div", 1, importLegacyBinary<DivOp>);
  t.on("Div", 7, importBinary<DivOp>);
  t.on("Dropout", 7, importDropout);
  t.on("Elu", 6, importElu);
  t.on("Erf", 9, importUnary<ErfOp>);
  t.on("Exp", 6, importUnary<ExpOp>);
  t.on("Expand", 8, importExpand);
  t.on("Flatten", 1, importFlatten);
  t.on("Floor", 6, importUnary<FloorOp>);
}

//===- DefaultDomainGtoP.cpp - ONNX ops Gather to PRelu -------------------===//
//
// Handlers for the default-domain ONNX ops whose names start with G to P.
// Quantization ops (MatMulInteger) are in Quantization.cpp.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

static LogicalResult importGather(OpBinder &b) {
  FailureOr<Value> data = b.input(0), indices = b.input(1);
  int64_t axis;
  if (failed(data) || failed(indices) || failed(b.intAttr(axis, "axis", 0)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (axis != 0)
    attrs.push_back(b.i64Attr("axis", axis));
  FailureOr<Value> y = b.createInferred<GatherOp>({*data, *indices}, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importGelu(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  std::string approximate;
  if (failed(x) || failed(b.stringAttr(approximate, "approximate", "none")))
    return failure();
  std::optional<GeluApproximation> mode =
      symbolizeGeluApproximation(approximate);
  if (!mode)
    return b.emitError() << "unsupported approximate '" << approximate
                         << "'; expected 'none' or 'tanh'";
  SmallVector<NamedAttribute> attrs;
  if (*mode != GeluApproximation::none)
    attrs.push_back(b.attr("approximate",
                           GeluApproximationAttr::get(b.getContext(), *mode)));
  FailureOr<Value> y = b.createUnary<GeluOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importGemm(OpBinder &b) {
  FailureOr<Value> a = b.input(0, "A"), bb = b.input(1, "B");
  float alpha, beta;
  int64_t transA, transB;
  if (failed(a) || failed(bb) || failed(b.floatAttr(alpha, "alpha", 1.0f)) ||
      failed(b.floatAttr(beta, "beta", 1.0f)) ||
      failed(b.intAttr(transA, "transA", 0)) ||
      failed(b.intAttr(transB, "transB", 0)))
    return failure();
  SmallVector<Value> operands = {*a, *bb};
  if (Value c = b.optionalInput(2))
    operands.push_back(c);
  SmallVector<NamedAttribute> attrs;
  if (alpha != 1.0f)
    attrs.push_back(b.f32Attr("alpha", alpha));
  if (beta != 1.0f)
    attrs.push_back(b.f32Attr("beta", beta));
  if (transA)
    attrs.push_back(b.boolAttr("trans_a", true));
  if (transB)
    attrs.push_back(b.boolAttr("trans_b", true));
  FailureOr<Value> y = b.createInferred<GemmOp>(operands, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

template <typename OpTy> static LogicalResult importGlobalPool(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = b.createInferred<OpTy>(*x);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importHardSigmoid(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  float alpha, beta;
  if (failed(x) || failed(b.floatAttr(alpha, "alpha", 0.2f)) ||
      failed(b.floatAttr(beta, "beta", 0.5f)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (alpha != 0.2f)
    attrs.push_back(b.f32Attr("alpha", alpha));
  if (beta != 0.5f)
    attrs.push_back(b.f32Attr("beta", beta));
  FailureOr<Value> y = b.createUnary<HardSigmoidOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// Identity: the output is the input (no op).
static LogicalResult importIdentity(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  return b.setResult(0, *x);
}

static LogicalResult importLayerNormalization(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "X"), scale = b.input(1, "Scale");
  int64_t axis, stashType;
  float epsilon;
  if (failed(x) || failed(scale) || failed(b.intAttr(axis, "axis", -1)) ||
      failed(b.floatAttr(epsilon, "epsilon", 1e-5f)) ||
      failed(b.intAttr(stashType, "stash_type", 1)))
    return failure();
  if (stashType != 1)
    return b.emitError() << "expected stash_type 1 (float32), found "
                         << stashType;
  SmallVector<Value> operands = {*x, *scale};
  if (Value bias = b.optionalInput(2))
    operands.push_back(bias);
  SmallVector<NamedAttribute> attrs;
  if (axis != -1)
    attrs.push_back(b.i64Attr("axis", axis));
  if (epsilon != 1e-5f)
    attrs.push_back(b.f32Attr("epsilon", epsilon));
  FailureOr<Value> y = b.createTyped<LayerNormalizationOp>(OpBinder::typeOf(*x),
                                                           operands, attrs);
  if (failed(y) || failed(b.setResult(0, *y)))
    return failure();
  if (!b.isOutputUsed(1) && !b.isOutputUsed(2))
    return success();
  // The statistics outputs, as ONNX defines them over the normalized axes
  // (kept as 1): Mean = mean(X), InvStdDev = 1 / sqrt(mean((X - Mean)^2) +
  // epsilon).
  int64_t rank = OpBinder::typeOf(*x).getRank();
  FailureOr<int64_t> a = normalizeAxisOrError(b, axis, rank);
  if (failed(a))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = *a; d < rank; ++d)
    axes.push_back(d);
  FailureOr<Value> mean =
      b.createInferred<ReduceMeanOp>(*x, b.i64ArrayAttr("axes", axes));
  if (failed(mean) || failed(b.setResult(1, *mean)))
    return failure();
  if (!b.isOutputUsed(2))
    return success();
  FailureOr<Value> diff = b.createInferred<SubOp>({*x, *mean});
  if (failed(diff))
    return failure();
  FailureOr<Value> squared = b.createInferred<MulOp>({*diff, *diff});
  if (failed(squared))
    return failure();
  FailureOr<Value> variance =
      b.createInferred<ReduceMeanOp>(*squared, b.i64ArrayAttr("axes", axes));
  if (failed(variance))
    return failure();
  FailureOr<Value> shifted =
      b.createInferred<AddOp>({*variance, b.scalarF32(epsilon)});
  if (failed(shifted))
    return failure();
  FailureOr<Value> stdDev = b.createUnary<SqrtOp>(*shifted);
  if (failed(stdDev))
    return failure();
  FailureOr<Value> invStdDev = b.createUnary<ReciprocalOp>(*stdDev);
  if (failed(invStdDev))
    return failure();
  return b.setResult(2, *invStdDev);
}

static LogicalResult importLeakyRelu(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  float alpha;
  if (failed(x) || failed(b.floatAttr(alpha, "alpha", 0.01f)))
    return failure();
  SmallVector<NamedAttribute> attrs;
  if (alpha != 0.01f)
    attrs.push_back(b.f32Attr("alpha", alpha));
  FailureOr<Value> y = b.createUnary<LeakyReluOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importMaxPool(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  SmallVector<int64_t> kernel;
  int64_t ceilMode, storageOrder;
  if (failed(x) || failed(b.intsAttr(kernel, "kernel_shape")) ||
      failed(b.intAttr(ceilMode, "ceil_mode", 0)) ||
      failed(b.intAttr(storageOrder, "storage_order", 0)))
    return failure();
  if (b.isOutputUsed(1))
    return b.emitError() << "the Indices output ('" << b.getNode().output(1)
                         << "') is used, which quantc does not support "
                            "(only the pooled values Y are)";
  if (kernel.empty())
    return b.emitError() << "expected attribute 'kernel_shape'";
  WindowAttrs window;
  if (failed(readWindowAttrs(b, OpBinder::typeOf(*x), kernel, window)))
    return failure();
  SmallVector<NamedAttribute> attrs = {b.i64ArrayAttr("kernel_shape", kernel)};
  window.appendTo(b, attrs);
  if (ceilMode)
    attrs.push_back(b.boolAttr("ceil_mode", true));
  // qc.max_pool takes floats: int8 and uint8 inputs (opset 12) are pooled
  // in f32, which holds them exactly, and cast back.
  Type elem = OpBinder::typeOf(*x).getElementType();
  auto intType = dyn_cast<IntegerType>(elem);
  if (intType && intType.getWidth() != 8)
    return b.emitError() << "expected a float32, int8 or uint8 input, found "
                         << elem;
  FailureOr<Value> in =
      intType ? b.castTo(*x, b.getBuilder().getF32Type()) : *x;
  if (failed(in))
    return failure();
  FailureOr<Value> y = b.createInferred<MaxPoolOp>(*in, attrs);
  if (failed(y))
    return failure();
  if (intType && failed(y = b.castTo(*y, elem)))
    return failure();
  return b.setResult(0, *y);
}

/// Mean: a chain of adds divided by the number of inputs.
static LogicalResult importMean(OpBinder &b) {
  FailureOr<SmallVector<Value>> inputs = b.variadicInputs();
  if (failed(inputs))
    return failure();
  if (inputs->empty())
    return b.emitError() << "expected at least one input, found none";
  Value acc = inputs->front();
  for (Value v : ArrayRef<Value>(*inputs).drop_front()) {
    FailureOr<Value> sum = b.createInferred<AddOp>({acc, v});
    if (failed(sum))
      return failure();
    acc = *sum;
  }
  if (inputs->size() > 1) {
    FailureOr<Value> mean =
        b.createInferred<DivOp>({acc, b.scalarF32(inputs->size())});
    if (failed(mean))
      return failure();
    acc = *mean;
  }
  return b.setResult(0, acc);
}

/// Pad-2 (attributes) and Pad-11 and later (inputs; axes from opset 18).
static LogicalResult importPad(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "data");
  std::string modeName;
  if (failed(x) || failed(b.stringAttr(modeName, "mode", "constant")))
    return failure();
  std::optional<PadMode> mode = symbolizePadMode(modeName);
  if (!mode)
    return b.emitError() << "unsupported Pad mode '" << modeName
                         << "'; expected constant, reflect, edge or wrap";
  RankedTensorType type = OpBinder::typeOf(*x);
  int64_t rank = type.getRank();
  SmallVector<int64_t> pads;
  float value = 0.0f;
  if (b.getOpsetVersion() < 11) {
    if (failed(b.intsAttr(pads, "pads")) ||
        failed(b.floatAttr(value, "value", 0.0f)))
      return failure();
  } else {
    FailureOr<SmallVector<int64_t>> p = b.constantInts(1, "pads");
    if (failed(p))
      return failure();
    FailureOr<std::optional<SmallVector<float>>> v =
        b.optionalConstantFloats(2, "constant_value");
    if (failed(v))
      return failure();
    FailureOr<std::optional<SmallVector<int64_t>>> axes =
        b.optionalConstantInts(3, "axes");
    if (failed(axes))
      return failure();
    pads = *p;
    if (*v) {
      if ((*v)->size() != 1)
        return b.emitError() << "expected a scalar constant_value, found "
                             << (*v)->size() << " values";
      value = (**v)[0];
    }
    if (*axes) {
      // Pads for the listed axes only: scatter them into all dimensions.
      size_t n = (*axes)->size();
      if (pads.size() != 2 * n)
        return b.emitError() << "expected " << 2 * n << " pads for " << n
                             << " axes, found " << pads.size();
      SmallVector<int64_t> full(2 * rank, 0);
      for (size_t i = 0; i < n; ++i) {
        FailureOr<int64_t> axis =
            normalizeAxisOrError(b, (**axes)[i], rank, "axes");
        if (failed(axis))
          return failure();
        full[*axis] = pads[i];
        full[rank + *axis] = pads[n + i];
      }
      pads = full;
    }
  }
  SmallVector<NamedAttribute> attrs = {b.i64ArrayAttr("pads", pads)};
  if (*mode != PadMode::constant)
    attrs.push_back(b.attr("mode", PadModeAttr::get(b.getContext(), *mode)));
  if (value != 0.0f)
    attrs.push_back(b.f32Attr("value", value));
  FailureOr<Value> y = b.createInferred<PadOp>(*x, attrs);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// Pow; before opset 7 with legacy broadcasting (alignLegacyBroadcast).
template <bool legacyBroadcast> static LogicalResult importPow(OpBinder &b) {
  FailureOr<Value> x = b.input(0), e = b.input(1);
  if (failed(x) || failed(e))
    return failure();
  if (legacyBroadcast && failed(e = alignLegacyBroadcast(b, *x, *e)))
    return failure();
  Type base = OpBinder::typeOf(*x).getElementType();
  if (!base.isF32())
    return b.emitError() << "expected a float32 base, found " << base
                         << " (qc.pow computes in float32; integer powers "
                            "are not supported)";
  // ONNX allows an exponent of another type (e.g. int64); qc.pow takes one
  // element type.
  FailureOr<Value> exponent =
      b.castTo(*e, OpBinder::typeOf(*x).getElementType());
  if (failed(exponent))
    return failure();
  FailureOr<Value> y = b.createInferred<PowOp>({*x, *exponent});
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// PRelu; before opset 7 a 1-D slope holds one value per channel
/// (dimension 1), which becomes a [C, 1, ...] slope.
template <bool perChannelSlope> static LogicalResult importPRelu(OpBinder &b) {
  FailureOr<Value> x = b.input(0), slope = b.input(1);
  if (failed(x) || failed(slope))
    return failure();
  RankedTensorType xType = OpBinder::typeOf(*x),
                   slopeType = OpBinder::typeOf(*slope);
  if (perChannelSlope && xType.getRank() > 2 && slopeType.getRank() == 1 &&
      slopeType.getDimSize(0) > 1 &&
      slopeType.getDimSize(0) == xType.getDimSize(1)) {
    SmallVector<int64_t> shape(xType.getRank() - 1, 1);
    shape[0] = slopeType.getDimSize(0);
    if (failed(slope = b.reshape(*slope, shape)))
      return failure();
  }
  FailureOr<Value> y =
      b.createTyped<PReluOp>(OpBinder::typeOf(*x), {*x, *slope});
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

void mlir::qc::onnx_import::populateDefaultDomainGtoP(OnnxOpTable &t) {
  t.on("Gather", 1, importGather);
  t.on("Gelu", 20, importGelu);
  t.on("Gemm", 1, importGemm); // broadcast (before 7) is implied
  t.on("GlobalAveragePool", 1, importGlobalPool<GlobalAveragePoolOp>);
  t.on("GlobalMaxPool", 1, importGlobalPool<GlobalMaxPoolOp>);
  t.on("HardSigmoid", 6, importHardSigmoid);
  t.on("HardSwish", 14, importUnary<HardSwishOp>);
  t.on("Identity", 1, importIdentity);
  t.on("LayerNormalization", 17, importLayerNormalization);
  t.on("LeakyRelu", 6, importLeakyRelu);
  t.on("Log", 6, importUnary<LogOp>);
  t.on("LogSoftmax", 1, importSoftmaxLike<LogSoftmaxOp>);
  t.on("MatMul", 1, importBinary<MatMulOp>);
  t.on("Max", 1, importVariadicChain<MaxOp>); // before 8: same shapes
  t.on("MaxPool", 1, importMaxPool);
  t.on("Mean", 1, importMean);
  t.on("Min", 1, importVariadicChain<MinOp>);
  t.on("Mul", 1, importLegacyBinary<MulOp>);
  t.on("Mul", 7, importBinary<MulOp>);
  t.on("Neg", 6, importUnary<NegOp>);
  t.on("Pad", 2, importPad);
  t.on("Pow", 1, importPow</*legacyBroadcast=*/true>);
  t.on("Pow", 7, importPow</*legacyBroadcast=*/false>);
  t.on("PRelu", 1, importPRelu</*perChannelSlope=*/true>);
  t.on("PRelu", 7, importPRelu</*perChannelSlope=*/false>);
}

//===- ExportOps.cpp - qc compute and data-movement ops to ONNX nodes -----===//
//
// One handler per qc op. qc ops mean what the ONNX operators of the same name
// mean, with the importer's normalizations undone: attributes that became
// inputs in later opsets (Reduce* axes from 18, Squeeze/Unsqueeze, Slice,
// Pad, Split, Clip bounds, Resize scales) are constant initializers again,
// `qc.reshape`/`qc.expand` get their shape from the result type, and
// `qc.gelu` is Gelu from opset 20 or its Erf/Tanh expansion before.
//
//===----------------------------------------------------------------------===//

#include "ExportContext.h"

#include "qc/QCOps.h"

#include "llvm/ADT/bit.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_export;

//===----------------------------------------------------------------------===//
// Helpers.
//===----------------------------------------------------------------------===//

static FailureOr<SmallVector<std::string>> getOperandNames(Operation *op,
                                                           ExportContext &ctx) {
  SmallVector<std::string> names;
  for (Value v : op->getOperands()) {
    FailureOr<std::string> name = ctx.getName(v);
    if (failed(name))
      return failure();
    names.push_back(*name);
  }
  return names;
}

static SmallVector<std::string> defineResults(Operation *op,
                                              ExportContext &ctx) {
  SmallVector<std::string> names;
  for (Value v : op->getResults())
    names.push_back(ctx.defineResult(v));
  return names;
}

/// A node of `opType` with the op's operands and results, in order.
static FailureOr<onnx::NodeProto *> addSimple(Operation *op, StringRef opType,
                                              ExportContext &ctx) {
  FailureOr<SmallVector<std::string>> inputs = getOperandNames(op, ctx);
  if (failed(inputs))
    return failure();
  return &ctx.addNode(op, opType, *inputs, defineResults(op, ctx));
}

static OpExporter simple(StringRef opType) {
  std::string type = opType.str();
  return [type](Operation *op, ExportContext &ctx) {
    return success(succeeded(addSimple(op, type, ctx)));
  };
}

/// An f32 scalar initializer, shared by every use of the same value.
static std::string scalarF32(ExportContext &ctx, float value) {
  std::string key = "f32:" + std::to_string(llvm::bit_cast<uint32_t>(value));
  std::string &name = ctx.getCache()[key];
  if (name.empty()) {
    // Names such as "const_0.5" read well in viewers.
    std::string text = std::to_string(value);
    name = ctx.addFloats("const_" + text, {value}, {});
  }
  return name;
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

static void setIfPresent(onnx::NodeProto &node, StringRef name,
                         std::optional<ArrayRef<int64_t>> values) {
  if (values)
    ExportContext::setAttr(node, name, *values);
}

template <typename OpT>
static void add(OpExporterTable &table, OpExporter fn) {
  table[OpT::getOperationName()] = std::move(fn);
}

template <typename OpT>
static void add(OpExporterTable &table,
                LogicalResult (*fn)(OpT, ExportContext &)) {
  table[OpT::getOperationName()] = [fn](Operation *op, ExportContext &ctx) {
    return fn(cast<OpT>(op), ctx);
  };
}

//===----------------------------------------------------------------------===//
// Elementwise.
//===----------------------------------------------------------------------===//

static LogicalResult exportLeakyRelu(LeakyReluOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "LeakyRelu", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "alpha", op.getAlpha().convertToFloat());
  return success();
}

static LogicalResult exportElu(EluOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "Elu", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "alpha", op.getAlpha().convertToFloat());
  return success();
}

static LogicalResult exportHardSigmoid(HardSigmoidOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "HardSigmoid", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "alpha", op.getAlpha().convertToFloat());
  ctx.setAttr(**node, "beta", op.getBeta().convertToFloat());
  return success();
}

static LogicalResult exportClip(ClipOp op, ExportContext &ctx) {
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  std::string lo, hi;
  if (std::optional<APFloat> min = op.getMin())
    lo = scalarF32(ctx, min->convertToFloat());
  if (std::optional<APFloat> max = op.getMax())
    hi = scalarF32(ctx, max->convertToFloat());
  SmallVector<std::string> inputs = {*x, lo, hi};
  while (inputs.back().empty())
    inputs.pop_back();
  ctx.addNode(op, "Clip", inputs, {ctx.defineResult(op.getY())});
  return success();
}

static LogicalResult exportGelu(GeluOp op, ExportContext &ctx) {
  bool isTanh = op.getApproximate() == GeluApproximation::tanh;
  if (ctx.getOpset() >= 20) {
    FailureOr<onnx::NodeProto *> node = addSimple(op, "Gelu", ctx);
    if (failed(node))
      return failure();
    if (isTanh)
      ctx.setAttr(**node, "approximate", StringRef("tanh"));
    return success();
  }
  // Gelu is opset 20: expand it, as exporters for older opsets do (ONNX
  // Runtime fuses the pattern back into its Gelu kernel).
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  ctx.nameExpansion(op, "Gelu");
  auto binary = [&](StringRef type, const std::string &a, const std::string &b,
                    StringRef what) {
    std::string out = ctx.tempName(op, what);
    ctx.addNode(op, type, {a, b}, {out});
    return out;
  };
  std::string inner;
  if (isTanh) {
    std::string x2 = binary("Mul", *x, *x, "x2");
    std::string x3 = binary("Mul", x2, *x, "x3");
    std::string cx3 = binary("Mul", x3, scalarF32(ctx, 0.044715f), "cx3");
    std::string sum = binary("Add", *x, cx3, "poly");
    inner = binary("Mul", sum,
                   scalarF32(ctx, static_cast<float>(std::sqrt(2.0 / M_PI))),
                   "tanh_arg");
  } else {
    inner = binary("Div", *x, scalarF32(ctx, static_cast<float>(M_SQRT2)),
                   "erf_arg");
  }
  std::string t = ctx.tempName(op, isTanh ? "tanh" : "erf");
  ctx.addNode(op, isTanh ? "Tanh" : "Erf", {inner}, {t});
  std::string onePlus = binary("Add", t, scalarF32(ctx, 1.0f), "one_plus");
  std::string prod = binary("Mul", *x, onePlus, "x_times");
  ctx.addNode(op, "Mul", {prod, scalarF32(ctx, 0.5f)},
              {ctx.defineResult(op.getY())});
  return success();
}

//===----------------------------------------------------------------------===//
// Contractions and normalization.
//===----------------------------------------------------------------------===//

static LogicalResult exportConv(ConvOp op, ExportContext &ctx) {
  FailureOr<std::string> x = ctx.getName(op.getX());
  FailureOr<std::string> w = ctx.getName(op.getW());
  if (failed(x) || failed(w))
    return failure();
  ctx.reserveNodeName(op, "Conv");
  FailureOr<std::string> b =
      getContractionBias(op, op.getX(), op.getW(), op.getB(), 0, ctx);
  if (failed(b))
    return failure();
  SmallVector<std::string> inputs = {*x, *w};
  if (!b->empty())
    inputs.push_back(*b);
  onnx::NodeProto &node =
      ctx.addNode(op, "Conv", inputs, {ctx.defineResult(op.getY())});
  ctx.setAttr(node, "kernel_shape", shapeOf(op.getW()).drop_front(2));
  setIfPresent(node, "strides", op.getStrides());
  setIfPresent(node, "pads", op.getPads());
  setIfPresent(node, "dilations", op.getDilations());
  ctx.setAttr(node, "group", static_cast<int64_t>(op.getGroup()));
  return success();
}

static LogicalResult exportConvTranspose(ConvTransposeOp op,
                                         ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "ConvTranspose", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "kernel_shape", shapeOf(op.getW()).drop_front(2));
  setIfPresent(**node, "strides", op.getStrides());
  setIfPresent(**node, "pads", op.getPads());
  setIfPresent(**node, "dilations", op.getDilations());
  setIfPresent(**node, "output_padding", op.getOutputPadding());
  ctx.setAttr(**node, "group", static_cast<int64_t>(op.getGroup()));
  return success();
}

static LogicalResult exportGemm(GemmOp op, ExportContext &ctx) {
  FailureOr<std::string> a = ctx.getName(op.getA());
  FailureOr<std::string> b = ctx.getName(op.getB());
  if (failed(a) || failed(b))
    return failure();
  ctx.reserveNodeName(op, "Gemm");
  FailureOr<std::string> c = std::string();
  // Only a bias that is added once (beta = 1) can be an int32 accumulator
  // offset.
  if (op.getBeta().convertToFloat() == 1.0f && !op.getTransA())
    c = getContractionBias(op, op.getA(), op.getB(), op.getC(),
                           op.getTransB() ? 0 : 1, ctx);
  else
    c = ctx.getOptionalName(op.getC());
  if (failed(c))
    return failure();
  SmallVector<std::string> inputs = {*a, *b};
  if (!c->empty())
    inputs.push_back(*c);
  onnx::NodeProto &node =
      ctx.addNode(op, "Gemm", inputs, {ctx.defineResult(op.getY())});
  ctx.setAttr(node, "alpha", op.getAlpha().convertToFloat());
  ctx.setAttr(node, "beta", op.getBeta().convertToFloat());
  ctx.setAttr(node, "transA", static_cast<int64_t>(op.getTransA()));
  ctx.setAttr(node, "transB", static_cast<int64_t>(op.getTransB()));
  return success();
}

static LogicalResult exportBatchNorm(BatchNormalizationOp op,
                                     ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node =
      addSimple(op, "BatchNormalization", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "epsilon", op.getEpsilon().convertToFloat());
  return success();
}

static LogicalResult exportLayerNorm(LayerNormalizationOp op,
                                     ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node =
      addSimple(op, "LayerNormalization", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "axis", static_cast<int64_t>(op.getAxis()));
  ctx.setAttr(**node, "epsilon", op.getEpsilon().convertToFloat());
  return success();
}

template <typename OpT>
static OpExporter softmaxLike(StringRef opType) {
  std::string type = opType.str();
  return [type](Operation *op, ExportContext &ctx) -> LogicalResult {
    FailureOr<onnx::NodeProto *> node = addSimple(op, type, ctx);
    if (failed(node))
      return failure();
    ctx.setAttr(**node, "axis", static_cast<int64_t>(cast<OpT>(op).getAxis()));
    return success();
  };
}

//===----------------------------------------------------------------------===//
// Pooling and reductions.
//===----------------------------------------------------------------------===//

static bool hasNonUnit(std::optional<ArrayRef<int64_t>> values) {
  return values && llvm::any_of(*values, [](int64_t v) { return v != 1; });
}

static LogicalResult exportAveragePool(AveragePoolOp op, ExportContext &ctx) {
  if (hasNonUnit(op.getDilations()) && ctx.getOpset() < 19)
    return op.emitError("cannot export a dilated average pool to ONNX opset ")
           << ctx.getOpset() << ": AveragePool has dilations from opset 19";
  FailureOr<onnx::NodeProto *> node = addSimple(op, "AveragePool", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "kernel_shape", op.getKernelShape());
  setIfPresent(**node, "strides", op.getStrides());
  setIfPresent(**node, "pads", op.getPads());
  if (hasNonUnit(op.getDilations()))
    setIfPresent(**node, "dilations", op.getDilations());
  ctx.setAttr(**node, "ceil_mode", static_cast<int64_t>(op.getCeilMode()));
  ctx.setAttr(**node, "count_include_pad",
              static_cast<int64_t>(op.getCountIncludePad()));
  return success();
}

static LogicalResult exportMaxPool(MaxPoolOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "MaxPool", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "kernel_shape", op.getKernelShape());
  setIfPresent(**node, "strides", op.getStrides());
  setIfPresent(**node, "pads", op.getPads());
  setIfPresent(**node, "dilations", op.getDilations());
  ctx.setAttr(**node, "ceil_mode", static_cast<int64_t>(op.getCeilMode()));
  return success();
}

template <typename OpT>
static OpExporter reduction(StringRef opType) {
  std::string type = opType.str();
  return [type](Operation *op, ExportContext &ctx) -> LogicalResult {
    auto reduce = cast<OpT>(op);
    std::optional<ArrayRef<int64_t>> axes = reduce.getAxes();
    if (axes && axes->empty()) // reduces nothing
      return success(succeeded(addSimple(op, "Identity", ctx)));
    FailureOr<std::string> x = ctx.getName(reduce.getX());
    if (failed(x))
      return failure();
    // ReduceSum takes its axes as an input from opset 13, the others from 18.
    bool axesInput = ctx.getOpset() >= 18 || type == "ReduceSum";
    SmallVector<std::string> inputs = {*x};
    if (axes && axesInput)
      inputs.push_back(ctx.addInt64s(ctx.getBaseName(op, type) + "_axes",
                                     *axes));
    onnx::NodeProto &node =
        ctx.addNode(op, type, inputs, {ctx.defineResult(reduce.getY())});
    if (axes && !axesInput)
      ctx.setAttr(node, "axes", *axes);
    ctx.setAttr(node, "keepdims", static_cast<int64_t>(reduce.getKeepdims()));
    return success();
  };
}

template <typename OpT>
static OpExporter argReduction(StringRef opType) {
  std::string type = opType.str();
  return [type](Operation *op, ExportContext &ctx) -> LogicalResult {
    auto arg = cast<OpT>(op);
    FailureOr<onnx::NodeProto *> node = addSimple(op, type, ctx);
    if (failed(node))
      return failure();
    ctx.setAttr(**node, "axis", static_cast<int64_t>(arg.getAxis()));
    ctx.setAttr(**node, "keepdims", static_cast<int64_t>(arg.getKeepdims()));
    ctx.setAttr(**node, "select_last_index",
                static_cast<int64_t>(arg.getSelectLastIndex()));
    return success();
  };
}

//===----------------------------------------------------------------------===//
// Data movement.
//===----------------------------------------------------------------------===//

/// A node with the op's first operand and an int64 initializer input named
/// "<node>_<what>".
static LogicalResult withShapeInput(Operation *op, StringRef opType,
                                    ArrayRef<int64_t> shape,
                                    ExportContext &ctx, StringRef what,
                                    onnx::NodeProto **nodeOut = nullptr) {
  FailureOr<std::string> x = ctx.getName(op->getOperand(0));
  if (failed(x))
    return failure();
  std::string shapeName =
      ctx.addInt64s(ctx.getBaseName(op, opType) + "_" + what.str(), shape);
  onnx::NodeProto &node = ctx.addNode(op, opType, {*x, shapeName},
                                      {ctx.defineResult(op->getResult(0))});
  if (nodeOut)
    *nodeOut = &node;
  return success();
}

static LogicalResult exportReshape(ReshapeOp op, ExportContext &ctx) {
  ArrayRef<int64_t> shape = shapeOf(op.getY());
  onnx::NodeProto *node = nullptr;
  if (failed(withShapeInput(op, "Reshape", shape, ctx, "shape", &node)))
    return failure();
  // A 0 in the shape copies the input's dimension unless allowzero is set.
  if (llvm::is_contained(shape, 0))
    ctx.setAttr(*node, "allowzero", int64_t(1));
  return success();
}

static LogicalResult exportExpand(ExpandOp op, ExportContext &ctx) {
  return withShapeInput(op, "Expand", shapeOf(op.getY()), ctx, "shape");
}

static LogicalResult exportFlatten(FlattenOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "Flatten", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "axis", static_cast<int64_t>(op.getAxis()));
  return success();
}

static LogicalResult exportSqueeze(SqueezeOp op, ExportContext &ctx) {
  if (std::optional<ArrayRef<int64_t>> axes = op.getAxes())
    return withShapeInput(op, "Squeeze", *axes, ctx, "axes");
  return success(succeeded(addSimple(op, "Squeeze", ctx)));
}

static LogicalResult exportUnsqueeze(UnsqueezeOp op, ExportContext &ctx) {
  return withShapeInput(op, "Unsqueeze", op.getAxes(), ctx, "axes");
}

static LogicalResult exportTranspose(TransposeOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "Transpose", ctx);
  if (failed(node))
    return failure();
  setIfPresent(**node, "perm", op.getPerm());
  return success();
}

static LogicalResult exportConcat(ConcatOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "Concat", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "axis", static_cast<int64_t>(op.getAxis()));
  return success();
}

static LogicalResult exportSplit(SplitOp op, ExportContext &ctx) {
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  std::string split =
      ctx.addInt64s(ctx.getBaseName(op, "Split") + "_split", op.getSplit());
  onnx::NodeProto &node =
      ctx.addNode(op, "Split", {*x, split}, defineResults(op, ctx));
  ctx.setAttr(node, "axis", static_cast<int64_t>(op.getAxis()));
  return success();
}

static LogicalResult exportSlice(SliceOp op, ExportContext &ctx) {
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  std::string base = ctx.getBaseName(op, "Slice");
  SmallVector<std::string> inputs = {*x,
                                     ctx.addInt64s(base + "_starts",
                                                   op.getStarts()),
                                     ctx.addInt64s(base + "_ends",
                                                   op.getEnds())};
  std::optional<ArrayRef<int64_t>> axes = op.getAxes();
  std::optional<ArrayRef<int64_t>> steps = op.getSteps();
  if (axes || steps) {
    SmallVector<int64_t> allAxes;
    if (!axes)
      for (int64_t i = 0, e = op.getStarts().size(); i < e; ++i)
        allAxes.push_back(i);
    inputs.push_back(ctx.addInt64s(base + "_axes", axes ? *axes : allAxes));
  }
  if (steps)
    inputs.push_back(ctx.addInt64s(base + "_steps", *steps));
  ctx.addNode(op, "Slice", inputs, {ctx.defineResult(op.getY())});
  return success();
}

static LogicalResult exportGather(GatherOp op, ExportContext &ctx) {
  FailureOr<onnx::NodeProto *> node = addSimple(op, "Gather", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "axis", static_cast<int64_t>(op.getAxis()));
  return success();
}

static LogicalResult exportPad(PadOp op, ExportContext &ctx) {
  PadMode mode = op.getMode();
  if (mode == PadMode::wrap && ctx.getOpset() < 19)
    return op.emitError("cannot export a pad in wrap mode to ONNX opset ")
           << ctx.getOpset() << ": Pad has wrap mode from opset 19";
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  std::string base = ctx.getBaseName(op, "Pad");
  SmallVector<std::string> inputs = {*x,
                                     ctx.addInt64s(base + "_pads",
                                                   op.getPads())};
  float value = op.getValue().convertToFloat();
  if (mode == PadMode::constant && value != 0.0f) {
    FailureOr<int32_t> dtype =
        ctx.getDataType(op, op.getX().getType(), "the padded tensor");
    if (failed(dtype))
      return failure();
    if (*dtype == kFloat)
      inputs.push_back(ctx.addFloats(base + "_value", {value}, {}));
    else if (getIntegerWidth(*dtype))
      // Integer and quantized tensors are padded with the integer (for
      // quantized ones: the storage value), as the evaluator does.
      inputs.push_back(ctx.addIntegers(
          base + "_value", *dtype,
          {std::isfinite(value) ? static_cast<int64_t>(value) : 0}, {}));
    else
      return op.emitError("cannot export a constant pad of ")
             << op.getX().getType() << " to ONNX";
  }
  onnx::NodeProto &node =
      ctx.addNode(op, "Pad", inputs, {ctx.defineResult(op.getY())});
  ctx.setAttr(node, "mode", stringifyPadMode(mode));
  return success();
}

static LogicalResult exportResize(ResizeOp op, ExportContext &ctx) {
  CoordinateTransform transform = op.getCoordinateTransformationMode();
  if (transform == CoordinateTransform::half_pixel_symmetric &&
      ctx.getOpset() < 19)
    return op.emitError("cannot export a half_pixel_symmetric resize to ONNX "
                        "opset ")
           << ctx.getOpset() << ": Resize has it from opset 19";
  if (transform == CoordinateTransform::tf_crop_and_resize)
    return op.emitError("cannot export a tf_crop_and_resize resize to ONNX: "
                        "qc.resize does not carry its roi");
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = shapeOf(op.getX()), out = shapeOf(op.getY());
  ArrayRef<float> scales = op.getScales();
  // ONNX Runtime sizes the output as (int64_t)(scale * (float)input), the
  // spec (and quantc's importer) as floor(input * scale) in exact
  // arithmetic. When either is not the result type's size (a scale that
  // came from `sizes`, like 7/3 rounded to float), give the sizes instead:
  // the scale is then (float)out / (float)in again, as the importer made it.
  bool scalesGiveSizes = true;
  for (size_t i = 0; i < in.size(); ++i) {
    float s = scales[i];
    scalesGiveSizes &=
        static_cast<int64_t>(s * static_cast<float>(in[i])) == out[i] &&
        static_cast<int64_t>(std::floor(static_cast<double>(s) *
                                        static_cast<double>(in[i]))) == out[i];
  }
  std::string base = ctx.getBaseName(op, "Resize");
  SmallVector<std::string> inputs = {*x, ""};
  if (scalesGiveSizes) {
    inputs.push_back(ctx.addFloats(base + "_scales", scales,
                                   {static_cast<int64_t>(scales.size())}));
  } else {
    inputs.push_back("");
    inputs.push_back(ctx.addInt64s(base + "_sizes", out));
  }
  onnx::NodeProto &node =
      ctx.addNode(op, "Resize", inputs, {ctx.defineResult(op.getY())});
  ctx.setAttr(node, "mode", stringifyResizeMode(op.getMode()));
  ctx.setAttr(node, "coordinate_transformation_mode",
              stringifyCoordinateTransform(transform));
  ctx.setAttr(node, "nearest_mode", stringifyNearestMode(op.getNearestMode()));
  ctx.setAttr(node, "cubic_coeff_a", op.getCubicCoeffA().convertToFloat());
  ctx.setAttr(node, "exclude_outside",
              static_cast<int64_t>(op.getExcludeOutside()));
  return success();
}

static LogicalResult exportCast(CastOp op, ExportContext &ctx) {
  FailureOr<int32_t> to =
      ctx.getDataType(op, op.getY().getType(), "the cast's result");
  if (failed(to))
    return failure();
  FailureOr<onnx::NodeProto *> node = addSimple(op, "Cast", ctx);
  if (failed(node))
    return failure();
  ctx.setAttr(**node, "to", static_cast<int64_t>(*to));
  return success();
}

//===----------------------------------------------------------------------===//
// Registration.
//===----------------------------------------------------------------------===//

int64_t mlir::qc::onnx_export::getComputeOpsetNeed(Operation *op) {
  if (isa<GeluOp>(op))
    return 20;
  if (auto pad = dyn_cast<PadOp>(op))
    return pad.getMode() == PadMode::wrap ? 19 : 0;
  if (auto pool = dyn_cast<AveragePoolOp>(op))
    return hasNonUnit(pool.getDilations()) ? 19 : 0;
  if (auto resize = dyn_cast<ResizeOp>(op))
    return resize.getCoordinateTransformationMode() ==
                   CoordinateTransform::half_pixel_symmetric
               ? 19
               : 0;
  return 0;
}

void mlir::qc::onnx_export::addComputeExporters(OpExporterTable &t) {
  // Unary elementwise ops without attributes.
  add<ReluOp>(t, simple("Relu"));
  add<SigmoidOp>(t, simple("Sigmoid"));
  add<TanhOp>(t, simple("Tanh"));
  add<ExpOp>(t, simple("Exp"));
  add<LogOp>(t, simple("Log"));
  add<SqrtOp>(t, simple("Sqrt"));
  add<ErfOp>(t, simple("Erf"));
  add<ReciprocalOp>(t, simple("Reciprocal"));
  add<FloorOp>(t, simple("Floor"));
  add<CeilOp>(t, simple("Ceil"));
  add<RoundOp>(t, simple("Round"));
  add<SinOp>(t, simple("Sin"));
  add<CosOp>(t, simple("Cos"));
  add<SoftplusOp>(t, simple("Softplus"));
  add<SoftsignOp>(t, simple("Softsign"));
  add<HardSwishOp>(t, simple("HardSwish"));
  add<NegOp>(t, simple("Neg"));
  add<AbsOp>(t, simple("Abs"));
  add<IdentityOp>(t, simple("Identity"));
  add(t, exportLeakyRelu);
  add(t, exportElu);
  add(t, exportHardSigmoid);
  add(t, exportClip);
  add(t, exportGelu);
  // Binary.
  add<AddOp>(t, simple("Add"));
  add<SubOp>(t, simple("Sub"));
  add<MulOp>(t, simple("Mul"));
  add<DivOp>(t, simple("Div"));
  add<PowOp>(t, simple("Pow"));
  add<MaxOp>(t, simple("Max"));
  add<MinOp>(t, simple("Min"));
  add<PReluOp>(t, simple("PRelu"));
  // Contractions, normalization, pooling, reductions.
  add(t, exportConv);
  add(t, exportConvTranspose);
  add<MatMulOp>(t, simple("MatMul"));
  add(t, exportGemm);
  add(t, exportBatchNorm);
  add(t, exportLayerNorm);
  add<SoftmaxOp>(t, softmaxLike<SoftmaxOp>("Softmax"));
  add<LogSoftmaxOp>(t, softmaxLike<LogSoftmaxOp>("LogSoftmax"));
  add(t, exportAveragePool);
  add(t, exportMaxPool);
  add<GlobalAveragePoolOp>(t, simple("GlobalAveragePool"));
  add<GlobalMaxPoolOp>(t, simple("GlobalMaxPool"));
  add<ReduceMeanOp>(t, reduction<ReduceMeanOp>("ReduceMean"));
  add<ReduceSumOp>(t, reduction<ReduceSumOp>("ReduceSum"));
  add<ReduceMaxOp>(t, reduction<ReduceMaxOp>("ReduceMax"));
  add<ReduceMinOp>(t, reduction<ReduceMinOp>("ReduceMin"));
  add<ReduceProdOp>(t, reduction<ReduceProdOp>("ReduceProd"));
  add<ReduceL1Op>(t, reduction<ReduceL1Op>("ReduceL1"));
  add<ReduceL2Op>(t, reduction<ReduceL2Op>("ReduceL2"));
  add<ReduceSumSquareOp>(t, reduction<ReduceSumSquareOp>("ReduceSumSquare"));
  add<ArgMaxOp>(t, argReduction<ArgMaxOp>("ArgMax"));
  add<ArgMinOp>(t, argReduction<ArgMinOp>("ArgMin"));
  // Data movement.
  add(t, exportReshape);
  add(t, exportExpand);
  add(t, exportFlatten);
  add(t, exportSqueeze);
  add(t, exportUnsqueeze);
  add(t, exportTranspose);
  add(t, exportConcat);
  add(t, exportSplit);
  add(t, exportSlice);
  add(t, exportGather);
  add(t, exportPad);
  add(t, exportResize);
  add(t, exportCast);
}

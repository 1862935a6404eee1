//===- ExportQuant.cpp - quantization ops to QuantizeLinear/DequantizeLinear ===//
//
// The parameters of a `!quant.uniform` type become scale (float) and zero
// point (of the storage type) initializers, shared by every op of the same
// type: per-tensor as scalars, per-axis as 1-D tensors with DequantizeLinear's
// `axis`, sub-channel (blockwise along one axis) as tensors of the input's
// rank with opset 21's `block_size`.
//
// - `quant.scast` of a constant is an initializer of the storage type (uint8
//   for unsigned types; int4/uint4 packed from opset 21, widened to 8 bits
//   before); of a run-time value, nothing (or a Cast between int8 and uint8).
// - `qc.dequantize` is DequantizeLinear; a constant whose blockwise type ONNX
//   cannot express (before opset 21, or blocked along several axes) is
//   dequantized at export, with a warning.
// - `qc.quantize` is QuantizeLinear. ONNX clamps to the storage type's whole
//   range, so a narrow range (i8<-127:127>, or 4-bit values in 8-bit storage)
//   first clamps the input in float to the range's bounds, which gives the
//   same integers.
// - `qc.requantize` is DequantizeLinear then QuantizeLinear.
// - `qc.hadamard` is a MatMul with the normalized Sylvester matrix (Reshapes
//   around it when the block is smaller than the last dimension).
//
//===----------------------------------------------------------------------===//

#include "ExportContext.h"

#include "quantc/Support/Constants.h"
#include "quantc/Support/Hadamard.h"

#include "qc/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"

#include <climits>
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_export;

namespace {
/// The parameters of a quantized type as ONNX writes them.
struct QuantParams {
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  /// Per-axis and blockwise: the axis; -1 for per-tensor.
  int64_t axis = -1;
  /// Blockwise: the block size along `axis`; 0 otherwise.
  int64_t blockSize = 0;
  /// Shape of the scale and zero-point tensors.
  SmallVector<int64_t> paramShape;
};
} // namespace

/// The parameters of `q` on a tensor of `shape`, or a reason why ONNX cannot
/// express them.
static FailureOr<QuantParams> getQuantParams(quant::QuantizedType q,
                                             ArrayRef<int64_t> shape,
                                             std::string &why) {
  QuantParams p;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q)) {
    p.scales.push_back(static_cast<float>(u.getScale()));
    p.zeroPoints.push_back(u.getZeroPoint());
    return p;
  }
  if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    for (double s : a.getScales())
      p.scales.push_back(static_cast<float>(s));
    p.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
    p.axis = a.getQuantizedDimension();
    p.paramShape.push_back(p.scales.size());
    return p;
  }
  auto sub = dyn_cast<quant::UniformQuantizedSubChannelType>(q);
  if (!sub) {
    why = "only uniform per-tensor, per-axis and sub-channel types are "
          "supported";
    return failure();
  }
  ArrayRef<int64_t> paramShape = sub.getScales().getType().getShape();
  if (paramShape.size() != shape.size()) {
    why = "the scale tensor's rank differs from the tensor's";
    return failure();
  }
  // ONNX blocks along one axis and keeps every other dimension whole.
  for (size_t d = 0; d < shape.size(); ++d) {
    if (paramShape[d] == shape[d])
      continue;
    if (p.axis >= 0 || paramShape[d] == 0 || shape[d] % paramShape[d]) {
      why = "ONNX's blockwise QuantizeLinear and DequantizeLinear block "
            "along one axis only";
      return failure();
    }
    p.axis = d;
    p.blockSize = shape[d] / paramShape[d];
  }
  if (p.axis < 0) { // one scale per element
    p.axis = 0;
    p.blockSize = 1;
  }
  for (float s : sub.getScales().getValues<float>())
    p.scales.push_back(s);
  for (APInt z : sub.getZeroPoints().getValues<APInt>())
    p.zeroPoints.push_back(q.isSigned() ? z.getSExtValue() : z.getZExtValue());
  p.paramShape.assign(paramShape.begin(), paramShape.end());
  return p;
}

namespace {
struct QuantInputs {
  std::string scale, zeroPoint;
  QuantParams params;
};
} // namespace

/// The scale and zero-point initializers of the quantized tensor type `type`
/// (shared by every tensor of its element type) for the `onnxOp`
/// (QuantizeLinear or DequantizeLinear) that `op` becomes.
static FailureOr<QuantInputs> getQuantInputs(Operation *op,
                                             RankedTensorType type,
                                             StringRef onnxOp,
                                             ExportContext &ctx) {
  auto q = cast<quant::QuantizedType>(type.getElementType());
  std::string why;
  FailureOr<QuantParams> params = getQuantParams(q, type.getShape(), why);
  if (failed(params))
    return op->emitError("cannot export ") << type << " to ONNX: " << why;
  if (params->blockSize > 0 && ctx.getOpset() < 21)
    return op->emitError("cannot export the blockwise type ")
           << type << " to ONNX opset " << ctx.getOpset() << ": " << onnxOp
           << " has block_size from opset 21";
  int32_t dtype = ctx.getDataType(q);
  if (!getIntegerWidth(dtype))
    return op->emitError("cannot export ")
           << type << " to ONNX: expected 4- to 32-bit integer storage";
  if (getIntegerWidth(dtype) == 16 && ctx.getOpset() < 21)
    return op->emitError("cannot export ")
           << type << " to ONNX opset " << ctx.getOpset()
           << ": 16-bit quantization needs opset 21";
  QuantInputs result;
  result.params = std::move(*params);
  // Keyed by the quantized element type and how it applies to this shape
  // (a blockwise type's block size depends on it), so that every tensor of
  // the type shares them, whatever its shape.
  std::string key =
      "q:" +
      std::to_string(reinterpret_cast<uintptr_t>(q.getAsOpaquePointer())) +
      ":" + std::to_string(result.params.axis) + ":" +
      std::to_string(result.params.blockSize);
  llvm::StringMap<std::string> &cache = ctx.getCache();
  auto scale = cache.find(key + ":s");
  if (scale != cache.end()) {
    result.scale = scale->second;
    result.zeroPoint = cache[key + ":z"];
    return result;
  }
  std::string base = ctx.getBaseName(op, "q");
  result.scale = ctx.addFloats(base + "_scale", result.params.scales,
                               result.params.paramShape);
  result.zeroPoint =
      ctx.addIntegers(base + "_zero_point", dtype, result.params.zeroPoints,
                      result.params.paramShape);
  cache[key + ":s"] = result.scale;
  cache[key + ":z"] = result.zeroPoint;
  return result;
}

static void setQuantAttrs(onnx::NodeProto &node, const QuantParams &p) {
  if (p.axis >= 0)
    ExportContext::setAttr(node, "axis", p.axis);
  if (p.blockSize > 0)
    ExportContext::setAttr(node, "block_size", p.blockSize);
}

/// The constant behind a chain of `quant.scast`s, or null.
static ElementsAttr getStorageConstant(Value v) {
  while (auto scast = v.getDefiningOp<quant::StorageCastOp>())
    v = scast.getInput();
  if (auto cst = v.getDefiningOp<arith::ConstantOp>())
    return dyn_cast<ElementsAttr>(cst.getValue());
  return nullptr;
}

static RankedTensorType tensorTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// quant.scast.
//===----------------------------------------------------------------------===//

static LogicalResult exportStorageCast(quant::StorageCastOp op,
                                       ExportContext &ctx) {
  Value result = op.getResult();
  FailureOr<int32_t> dtype =
      ctx.getDataType(op, result.getType(), "the storage cast's result");
  if (failed(dtype))
    return failure();
  if (ElementsAttr cst = getStorageConstant(op.getInput())) {
    // A quantized constant: an initializer of the storage type, named after
    // the constant, written when first used.
    Operation *opPtr = op;
    Operation *def = op.getInput().getDefiningOp();
    int32_t type = *dtype;
    ctx.defer(result, [&ctx, opPtr, def, cst, type]() {
      // The constant's location, else the cast's, else the resource key.
      std::string name = ctx.getBaseName(opPtr, "");
      if (def)
        name = ctx.getBaseName(def, name);
      return ctx.addElements(opPtr, cst, type, !isSignedInteger(type), name);
    });
    return success();
  }
  FailureOr<std::string> in = ctx.getName(op.getInput());
  if (failed(in))
    return failure();
  int32_t inType = ctx.getDataType(getElementTypeOrSelf(op.getInput()));
  if (inType == *dtype) {
    ctx.alias(result, *in);
    return success();
  }
  // int8 <-> uint8 and the like: a Cast between integers keeps the bits.
  onnx::NodeProto &node = ctx.addNode(op, "Cast", {*in},
                                      {ctx.defineResult(result)});
  ctx.setAttr(node, "to", static_cast<int64_t>(*dtype));
  return success();
}

//===----------------------------------------------------------------------===//
// Dequantize.
//===----------------------------------------------------------------------===//

/// `q`'s constant elements dequantized to f32, as qc.dequantize computes.
static FailureOr<std::string> dequantizeAtExport(Operation *op,
                                                 ElementsAttr cst,
                                                 RankedTensorType type,
                                                 ExportContext &ctx) {
  auto q = cast<quant::QuantizedType>(type.getElementType());
  std::optional<std::vector<int64_t>> values =
      readIntElements(cst, !q.isSigned());
  auto sub = dyn_cast<quant::UniformQuantizedSubChannelType>(q);
  if (!values || !sub)
    return op->emitError("cannot dequantize the constant of type ")
           << type << " at export";
  ArrayRef<int64_t> shape = type.getShape();
  ArrayRef<int64_t> pshape = sub.getScales().getType().getShape();
  SmallVector<float> scales(sub.getScales().getValues<float>());
  SmallVector<int64_t> zps;
  for (APInt z : sub.getZeroPoints().getValues<APInt>())
    zps.push_back(q.isSigned() ? z.getSExtValue() : z.getZExtValue());
  int64_t rank = shape.size();
  SmallVector<int64_t> pstrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    pstrides[d] = pstrides[d + 1] * pshape[d + 1];
  std::vector<float> out(values->size());
  SmallVector<int64_t> idx(rank, 0);
  for (size_t i = 0; i < out.size(); ++i) {
    int64_t p = 0;
    for (int64_t d = 0; d < rank; ++d)
      p += idx[d] / (shape[d] / pshape[d]) * pstrides[d];
    out[i] = static_cast<float>((*values)[i] - zps[p]) * scales[p];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return ctx.addFloats(ctx.getBaseName(op, "weight") + "_dequantized", out,
                       shape);
}

static LogicalResult exportDequantize(DequantizeOp op, ExportContext &ctx) {
  RankedTensorType type = tensorTypeOf(op.getX());
  FailureOr<QuantInputs> params = failure();
  {
    // A constant weight whose blockwise type ONNX cannot express is
    // dequantized here; everything else is an error.
    ElementsAttr cst = getStorageConstant(op.getX());
    auto sub = dyn_cast<quant::UniformQuantizedSubChannelType>(
        type.getElementType());
    std::string why;
    if (cst && sub &&
        (ctx.getOpset() < 21 ||
         failed(getQuantParams(sub, type.getShape(), why)))) {
      FailureOr<std::string> f32 = dequantizeAtExport(op, cst, type, ctx);
      if (failed(f32))
        return failure();
      op.emitWarning("the blockwise weight of type ")
          << type << " is exported dequantized to f32: "
          << (why.empty() ? "ONNX opset " + std::to_string(ctx.getOpset()) +
                                " has no blockwise DequantizeLinear (opset 21)"
                          : why);
      ctx.alias(op.getY(), *f32);
      return success();
    }
  }
  params = getQuantInputs(op, type, "DequantizeLinear", ctx);
  if (failed(params))
    return failure();
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  onnx::NodeProto &node =
      ctx.addNode(op, "DequantizeLinear", {*x, params->scale, params->zeroPoint},
                  {ctx.defineResult(op.getY())});
  setQuantAttrs(node, params->params);
  return success();
}

//===----------------------------------------------------------------------===//
// Quantize and requantize.
//===----------------------------------------------------------------------===//

/// QuantizeLinear of the f32 value `x` to `type`, defining `result`.
static LogicalResult addQuantize(Operation *op, std::string x,
                                 RankedTensorType type, Value result,
                                 ExportContext &ctx) {
  FailureOr<QuantInputs> params =
      getQuantInputs(op, type, "QuantizeLinear", ctx);
  if (failed(params))
    return failure();
  auto q = cast<quant::QuantizedType>(type.getElementType());
  int32_t dtype = ctx.getDataType(q);
  unsigned width = getIntegerWidth(dtype);
  if (width > 16)
    return op->emitError("cannot export a quantization to ")
           << type << ": ONNX QuantizeLinear produces at most 16-bit integers";
  int64_t fullMin = isSignedInteger(dtype) ? -(int64_t(1) << (width - 1)) : 0;
  int64_t fullMax = isSignedInteger(dtype) ? (int64_t(1) << (width - 1)) - 1
                                           : (int64_t(1) << width) - 1;
  const QuantParams &p = params->params;
  if (q.getStorageTypeMin() != fullMin || q.getStorageTypeMax() != fullMax) {
    // QuantizeLinear saturates to the whole storage range: clamp the input
    // to [(qmin - zp) * scale, (qmax - zp) * scale] first.
    if (p.blockSize > 0)
      return op->emitError("cannot export a quantization to the narrow-range "
                           "blockwise type ")
             << type << " to ONNX";
    SmallVector<float> lo, hi;
    for (size_t i = 0; i < p.scales.size(); ++i) {
      lo.push_back(static_cast<float>(q.getStorageTypeMin() -
                                      p.zeroPoints[i]) *
                   p.scales[i]);
      hi.push_back(static_cast<float>(q.getStorageTypeMax() -
                                      p.zeroPoints[i]) *
                   p.scales[i]);
    }
    std::string base = ctx.getBaseName(op, "q");
    ctx.reserveNodeName(op, "QuantizeLinear");
    std::string clamped = ctx.tempName(op, "clamped");
    if (p.axis < 0) {
      ctx.addNode(op, "Clip",
                  {x, ctx.addFloats(base + "_min", lo, {}),
                   ctx.addFloats(base + "_max", hi, {})},
                  {clamped});
    } else {
      // Per-axis: bounds of shape [C, 1, ..., 1] broadcast from the axis.
      SmallVector<int64_t> dims(type.getRank() - p.axis, 1);
      dims[0] = p.scales.size();
      std::string low = ctx.tempName(op, "clamped_low");
      ctx.addNode(op, "Max", {x, ctx.addFloats(base + "_min", lo, dims)},
                  {low});
      ctx.addNode(op, "Min", {low, ctx.addFloats(base + "_max", hi, dims)},
                  {clamped});
    }
    x = clamped;
  }
  onnx::NodeProto &node =
      ctx.addNode(op, "QuantizeLinear", {x, params->scale, params->zeroPoint},
                  {ctx.defineResult(result)});
  setQuantAttrs(node, p);
  return success();
}

static LogicalResult exportQuantize(QuantizeOp op, ExportContext &ctx) {
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  return addQuantize(op, *x, tensorTypeOf(op.getY()), op.getY(), ctx);
}

static LogicalResult exportRequantize(RequantizeOp op, ExportContext &ctx) {
  RankedTensorType inType = tensorTypeOf(op.getX());
  FailureOr<QuantInputs> params =
      getQuantInputs(op, inType, "DequantizeLinear", ctx);
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(params) || failed(x))
    return failure();
  std::string f32 = ctx.tempName(op, "dequantized");
  onnx::NodeProto &dq = ctx.addNode(
      op, "DequantizeLinear", {*x, params->scale, params->zeroPoint}, {f32});
  setQuantAttrs(dq, params->params);
  return addQuantize(op, f32, tensorTypeOf(op.getY()), op.getY(), ctx);
}

//===----------------------------------------------------------------------===//
// Hadamard.
//===----------------------------------------------------------------------===//

static LogicalResult exportHadamard(HadamardOp op, ExportContext &ctx) {
  FailureOr<std::string> x = ctx.getName(op.getX());
  if (failed(x))
    return failure();
  int64_t block = op.getEffectiveBlockSize();
  if (!isPowerOfTwo(block))
    return op.emitError("expected a power-of-two block size, found ") << block;
  std::string &matrix =
      ctx.getCache()["hadamard:" + std::to_string(block)];
  if (matrix.empty()) {
    std::vector<double> h = sylvesterHadamard(block, /*normalized=*/true);
    SmallVector<float> values(h.begin(), h.end());
    matrix = ctx.addFloats("hadamard_" + std::to_string(block), values,
                           {block, block});
  }
  ArrayRef<int64_t> shape = tensorTypeOf(op.getX()).getShape();
  int64_t last = shape.empty() ? 1 : shape.back();
  if (block == last) {
    ctx.addNode(op, "MatMul", {*x, matrix}, {ctx.defineResult(op.getY())});
    return success();
  }
  // [..., n] -> [..., n / block, block] -> MatMul -> [..., n].
  SmallVector<int64_t> blocked(shape.begin(), shape.end());
  blocked.back() = last / block;
  blocked.push_back(block);
  std::string base = ctx.getBaseName(op, "hadamard");
  ctx.reserveNodeName(op, "MatMul");
  // The initializers first, so that they get the plain "<node>_<input>"
  // names and the intermediate values the suffixed ones.
  std::string blockedShape = ctx.addInt64s(base + "_blocks", blocked);
  std::string outShape = ctx.addInt64s(base + "_shape", shape);
  std::string in = ctx.tempName(op, "blocks");
  ctx.addNode(op, "Reshape", {*x, blockedShape}, {in});
  std::string rotated = ctx.tempName(op, "rotated");
  ctx.addNode(op, "MatMul", {in, matrix}, {rotated});
  ctx.addNode(op, "Reshape", {rotated, outShape},
              {ctx.defineResult(op.getY())});
  return success();
}

//===----------------------------------------------------------------------===//
// Int32 biases.
//===----------------------------------------------------------------------===//

FailureOr<std::string>
mlir::qc::onnx_export::getContractionBias(Operation *op, Value x, Value w,
                                          Value b, int64_t wChannelAxis,
                                          ExportContext &ctx) {
  if (!b)
    return std::string();
  auto plain = [&]() { return ctx.getName(b); };
  if (!ctx.getOptions().quantizeBias)
    return plain();
  auto xdq = x.getDefiningOp<DequantizeOp>();
  auto wdq = w.getDefiningOp<DequantizeOp>();
  auto bcst = b.getDefiningOp<arith::ConstantOp>();
  if (!xdq || !wdq || !bcst)
    return plain();
  auto xq = dyn_cast<quant::UniformQuantizedType>(
      getElementTypeOrSelf(xdq.getX().getType()));
  Type wElem = getElementTypeOrSelf(wdq.getX().getType());
  RankedTensorType bType = tensorTypeOf(b);
  int64_t channels = tensorTypeOf(w).getDimSize(wChannelAxis);
  if (!xq || !getStorageConstant(wdq.getX()) || bType.getRank() != 1 ||
      bType.getDimSize(0) != channels)
    return plain();
  SmallVector<float> wScales;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(wElem))
    wScales.assign(channels, static_cast<float>(u.getScale()));
  else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(wElem);
           a && a.getQuantizedDimension() == wChannelAxis)
    for (double s : a.getScales())
      wScales.push_back(static_cast<float>(s));
  else
    return plain();
  std::optional<std::vector<float>> bias =
      readFloatElements(cast<ElementsAttr>(bcst.getValue()));
  if (!bias)
    return plain();
  float xScale = static_cast<float>(xq.getScale());
  SmallVector<float> scales;
  SmallVector<int64_t> values;
  for (int64_t c = 0; c < channels; ++c) {
    float s = xScale * wScales[c];
    double v = std::nearbyint(static_cast<double>((*bias)[c]) / s);
    if (!(s > 0) || !(std::fabs(v) <= INT32_MAX))
      return plain(); // does not fit int32: keep the float bias
    scales.push_back(s);
    values.push_back(static_cast<int64_t>(v));
  }
  // Named after the bias constant's location (with "_bias" when it is the
  // contraction's, as after folding a batch norm), else its resource key,
  // else the contraction.
  std::string base = ctx.getBaseName(bcst, "");
  if (!base.empty() && base == ctx.getBaseName(op, ""))
    base += "_bias";
  if (auto res = dyn_cast<DenseResourceElementsAttr>(bcst.getValue());
      res && base.empty())
    base = res.getRawHandle().getKey().str();
  if (base.empty())
    base = ctx.getBaseName(op, op->getName().stripDialect()) + "_bias";
  std::string q = ctx.addIntegers(base + "_quantized", kInt32, values,
                                  {channels});
  std::string scale = ctx.addFloats(base + "_scale", scales, {channels});
  std::string out = ctx.tempName(op, "bias");
  onnx::NodeProto &node = ctx.addNode(op, "DequantizeLinear", {q, scale}, {out});
  ctx.setAttr(node, "axis", int64_t(0));
  return out;
}

//===----------------------------------------------------------------------===//
// Registration.
//===----------------------------------------------------------------------===//

int64_t mlir::qc::onnx_export::getQuantOpsetNeed(Operation *op) {
  auto need = [](Type t) -> int64_t {
    Type elem = getElementTypeOrSelf(t);
    unsigned width = 0;
    if (auto q = dyn_cast<quant::QuantizedType>(elem)) {
      if (isa<quant::UniformQuantizedSubChannelType>(q))
        return 21;
      width = q.getStorageTypeIntegralWidth();
    } else if (auto i = dyn_cast<IntegerType>(elem)) {
      width = i.getWidth();
    }
    return width == 4 || (width == 16 && isa<quant::QuantizedType>(elem))
               ? 21
               : 0;
  };
  int64_t result = 0;
  for (Type t : op->getOperandTypes())
    result = std::max(result, need(t));
  for (Type t : op->getResultTypes())
    result = std::max(result, need(t));
  return result;
}

void mlir::qc::onnx_export::addQuantExporters(OpExporterTable &t) {
  t[quant::StorageCastOp::getOperationName()] = [](Operation *op,
                                                   ExportContext &ctx) {
    return exportStorageCast(cast<quant::StorageCastOp>(op), ctx);
  };
  t[DequantizeOp::getOperationName()] = [](Operation *op, ExportContext &ctx) {
    return exportDequantize(cast<DequantizeOp>(op), ctx);
  };
  t[QuantizeOp::getOperationName()] = [](Operation *op, ExportContext &ctx) {
    return exportQuantize(cast<QuantizeOp>(op), ctx);
  };
  t[RequantizeOp::getOperationName()] = [](Operation *op, ExportContext &ctx) {
    return exportRequantize(cast<RequantizeOp>(op), ctx);
  };
  t[HadamardOp::getOperationName()] = [](Operation *op, ExportContext &ctx) {
    return exportHadamard(cast<HadamardOp>(op), ctx);
  };
}

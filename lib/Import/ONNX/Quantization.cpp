//===- Quantization.cpp - quantized ONNX ops ------------------------------===//
//
// QuantizeLinear, DequantizeLinear, QLinearMatMul, QLinearConv,
// MatMulInteger, ConvInteger and DynamicQuantizeLinear. Constant scales and
// zero points become the parameters of upstream `!quant.uniform` types
// (per-tensor, per-axis, and sub-channel for opset 21's block_size);
// quantized constants are `arith.constant`s of the signless storage type
// followed by `quant.scast`.
//
// uint8 tensors are `ui8` in quantc, but `quant.scast` only converts from
// signless integers. A uint8 value computed at run time (not a constant and
// not already quantized) is therefore dequantized with float arithmetic
// ((cast(x) - zero_point) * scale, which is exactly what qc.dequantize
// computes), and a quantized value with unsigned storage that ONNX treats as
// a uint8 tensor is converted back the same way.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

namespace {
/// The integer storage of an ONNX quantized type.
struct StorageSpec {
  unsigned width;
  bool isSigned;
  int64_t qmin, qmax;
};
} // namespace

static std::optional<StorageSpec> getStorageSpec(int32_t dtype) {
  switch (dtype) {
  case kInt8:
    return StorageSpec{8, true, -128, 127};
  case kUint8:
    return StorageSpec{8, false, 0, 255};
  case kInt16:
    return StorageSpec{16, true, -32768, 32767};
  case kUint16:
    return StorageSpec{16, false, 0, 65535};
  case kInt32:
    return StorageSpec{32, true, INT32_MIN, INT32_MAX};
  case kInt4:
    return StorageSpec{4, true, -8, 7};
  case kUint4:
    return StorageSpec{4, false, 0, 15};
  default:
    return std::nullopt;
  }
}

/// The ONNX data type of a value: its integer type, or the storage of its
/// quantized type.
static int32_t getValueDtype(Value v) {
  Type elem = OpBinder::typeOf(v).getElementType();
  if (auto q = dyn_cast<quant::QuantizedType>(elem)) {
    unsigned w = q.getStorageTypeIntegralWidth();
    switch (w) {
    case 4:
      return q.isSigned() ? kInt4 : kUint4;
    case 8:
      return q.isSigned() ? kInt8 : kUint8;
    case 16:
      return q.isSigned() ? kInt16 : kUint16;
    case 32:
      return q.isSigned() ? kInt32 : kUint32;
    default:
      return kUndefined;
    }
  }
  return getOnnxDataType(elem);
}

static RankedTensorType withElement(RankedTensorType t, Type elem) {
  return RankedTensorType::get(t.getShape(), elem);
}

/// Builds the quantized element type for a tensor of `shape` from the
/// constant scale (input `scaleIdx`) and zero point (input `zpIdx`, optional;
/// without it the storage is `defaultDtype` with zero points 0). A 1-D scale
/// with more than one element quantizes along `axis`; `blockSize` > 0 makes a
/// sub-channel type blocked along `axis` (opset 21).
static FailureOr<quant::QuantizedType>
readQuantType(OpBinder &b, ArrayRef<int64_t> shape, unsigned scaleIdx,
              unsigned zpIdx, int64_t axis, int64_t blockSize,
              int32_t defaultDtype, StringRef prefix) {
  MLIRContext *ctx = b.getContext();
  std::string scaleName = (prefix + "_scale").str();
  std::string zpName = (prefix + "_zero_point").str();
  if (!b.hasInput(scaleIdx))
    return b.emitError() << "expected input " << scaleIdx << " (" << scaleName
                         << ")";
  ElementsAttr scaleAttr = b.getConstantInput(scaleIdx);
  if (!scaleAttr) {
    b.noteNeedsConstant(scaleIdx);
    return b.emitError() << "expected " << scaleName
                         << " to be a constant (quantc needs quantization "
                            "parameters at compile time), found '"
                         << b.getNode().input(scaleIdx)
                         << "', which is computed at run time";
  }
  if (!scaleAttr.getElementType().isF32())
    return b.emitError() << "expected a float32 " << scaleName << ", found "
                         << scaleAttr.getType();
  std::vector<float> scaleValues = *readF32Elements(scaleAttr);
  SmallVector<float> scales(scaleValues.begin(), scaleValues.end());
  ArrayRef<int64_t> scaleShape =
      cast<ShapedType>(scaleAttr.getType()).getShape();

  int32_t dtype = defaultDtype;
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (b.hasInput(zpIdx)) {
    ElementsAttr zpAttr = b.getConstantInput(zpIdx);
    if (!zpAttr) {
      b.noteNeedsConstant(zpIdx);
      return b.emitError() << "expected " << zpName
                           << " to be a constant (quantc needs "
                              "quantization parameters at compile time), "
                              "found '"
                           << b.getNode().input(zpIdx)
                           << "', which is computed at run time";
    }
    dtype = getOnnxDataType(zpAttr.getElementType());
    std::optional<std::vector<int64_t>> zps = readIntElements(zpAttr);
    if (!zps)
      return b.emitError() << "expected an integer " << zpName << ", found "
                           << zpAttr.getType();
    if (zps->size() != scales.size())
      return b.emitError() << "expected " << zpName << " to have as many "
                           << "elements as " << scaleName << " ("
                           << scales.size() << "), found " << zps->size();
    zeroPoints.assign(zps->begin(), zps->end());
  }
  std::optional<StorageSpec> spec = getStorageSpec(dtype);
  if (!spec)
    return b.emitError() << "unsupported quantized type "
                         << getOnnxTypeName(dtype)
                         << "; expected int4, uint4, int8, uint8, int16, "
                            "uint16 or int32";
  Type storage = IntegerType::get(ctx, spec->width);
  Type expressed = Float32Type::get(ctx);
  unsigned flags = spec->isSigned ? quant::QuantizationFlags::Signed : 0;
  auto emitErr = [&] { return b.emitError(); };
  int64_t rank = shape.size();

  if (blockSize > 0) {
    if ((int64_t)scaleShape.size() != rank)
      return b.emitError() << "expected a blocked " << scaleName << " of rank "
                           << rank << ", found rank " << scaleShape.size();
    if (shape[axis] % blockSize != 0)
      return b.emitError() << "expected block_size " << blockSize
                           << " to divide dimension " << axis << " ("
                           << shape[axis]
                           << "); quantc does not support partial blocks";
    SmallVector<int32_t> dims;
    SmallVector<int64_t> blocks;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t expected = d == axis ? shape[d] / blockSize : shape[d];
      if (scaleShape[d] != expected)
        return b.emitError() << "expected " << scaleName << " of shape "
                             << "with dimension " << d << " = " << expected
                             << ", found " << formatShape(scaleShape);
      dims.push_back(d);
      blocks.push_back(d == axis ? blockSize : 1);
    }
    auto scaleType = RankedTensorType::get(scaleShape, expressed);
    auto zpType = RankedTensorType::get(scaleShape, storage);
    SmallVector<APInt> zpValues;
    for (int64_t z : zeroPoints)
      zpValues.push_back(APInt(spec->width, (uint64_t)z, /*isSigned=*/true,
                               /*implicitTrunc=*/true));
    auto type = quant::UniformQuantizedSubChannelType::getChecked(
        emitErr, flags, storage, expressed,
        DenseElementsAttr::get(scaleType, ArrayRef<float>(scales)),
        DenseElementsAttr::get(zpType, zpValues), dims, blocks, spec->qmin,
        spec->qmax);
    if (!type)
      return failure();
    return cast<quant::QuantizedType>(type);
  }
  if (scales.size() == 1 && scaleShape.size() <= 1) {
    auto type = quant::UniformQuantizedType::getChecked(
        emitErr, flags, storage, expressed, scales[0], zeroPoints[0],
        spec->qmin, spec->qmax);
    if (!type)
      return failure();
    return cast<quant::QuantizedType>(type);
  }
  if (scaleShape.size() != 1)
    return b.emitError() << "expected a scalar or 1-D " << scaleName
                         << ", found shape " << formatShape(scaleShape);
  if (axis < 0 || axis >= rank || shape[axis] != (int64_t)scales.size())
    return b.emitError() << "expected " << scaleName << " to have one "
                         << "element per entry of dimension " << axis
                         << " of the " << formatShape(shape) << " tensor, "
                         << "found " << scales.size();
  SmallVector<double> dscales(scales.begin(), scales.end());
  auto type = quant::UniformQuantizedPerAxisType::getChecked(
      emitErr, flags, storage, expressed, dscales, zeroPoints, axis, spec->qmin,
      spec->qmax);
  if (!type)
    return failure();
  return cast<quant::QuantizedType>(type);
}

/// Per-element scale and zero point of a per-tensor or per-axis type, as
/// constants that broadcast against a tensor of `rank`.
static LogicalResult getBroadcastParams(OpBinder &b, quant::QuantizedType q,
                                        int64_t rank, Value &scale,
                                        Value &zeroPoint) {
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q)) {
    scale = b.scalarF32(u.getScale());
    zeroPoint = b.scalarF32(u.getZeroPoint());
    return success();
  }
  if (auto p = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    SmallVector<int64_t> shape(rank - p.getQuantizedDimension(), 1);
    shape[0] = p.getScales().size();
    SmallVector<float> s(p.getScales().begin(), p.getScales().end());
    SmallVector<float> z(p.getZeroPoints().begin(), p.getZeroPoints().end());
    scale = b.f32Constant(shape, s);
    zeroPoint = b.f32Constant(shape, z);
    return success();
  }
  return b.emitError() << "blockwise-quantized uint tensors computed at run "
                          "time are not supported";
}

/// Input `i` as a tensor of the quantized type `q`: a quantized value is
/// reinterpreted (quant.scast through its storage), a constant becomes an
/// arith.constant of the signless storage type and a quant.scast, a signless
/// integer tensor is cast with quant.scast. Returns a null value for a
/// run-time unsigned integer tensor, which quant.scast cannot take.
static FailureOr<Value> asQuantized(OpBinder &b, unsigned i,
                                    quant::QuantizedType q) {
  FailureOr<Value> v = b.input(i);
  if (failed(v))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*v);
  auto qtype = withElement(type, q);
  Type storage = q.getStorageType();
  OpBuilder &builder = b.getBuilder();
  int32_t expected = getValueDtype(*v);
  std::optional<StorageSpec> spec = getStorageSpec(expected);
  if (!spec || spec->width != q.getStorageTypeIntegralWidth() ||
      spec->isSigned != q.isSigned())
    return b.emitError() << "expected input " << i << " ('"
                         << b.getNode().input(i)
                         << "') to have the zero point's type, found "
                         << type.getElementType();
  if (auto have = dyn_cast<quant::QuantizedType>(type.getElementType())) {
    if (have == q)
      return *v;
    Value raw = quant::StorageCastOp::create(builder, b.getLoc(),
                                             withElement(type, storage), *v);
    return quant::StorageCastOp::create(builder, b.getLoc(), qtype, raw)
        .getResult();
  }
  if (ElementsAttr cst = b.getConstantInput(i)) {
    std::optional<std::vector<int64_t>> values = readIntElements(cst);
    if (!values)
      return b.emitError() << "expected an integer constant, found "
                           << cst.getType();
    ElementsAttr raw = makeIntElementsAttr(
        withElement(type, storage), *values, b.getNode().input(i),
        b.getImporter().getOptions().resourceThreshold);
    Value rawValue = b.constant(cast<TypedAttr>(raw));
    return quant::StorageCastOp::create(builder, b.getLoc(), qtype, rawValue)
        .getResult();
  }
  if (type.getElementType().isSignlessInteger())
    return quant::StorageCastOp::create(builder, b.getLoc(), qtype, *v)
        .getResult();
  return Value();
}

/// Dequantizes input `i` with the quantized type `q`.
static FailureOr<Value> dequantizeInput(OpBinder &b, unsigned i,
                                        quant::QuantizedType q) {
  FailureOr<Value> quantized = asQuantized(b, i, q);
  if (failed(quantized))
    return failure();
  Value x = b.optionalInput(i);
  RankedTensorType type = OpBinder::typeOf(x);
  auto f32 = withElement(type, b.getBuilder().getF32Type());
  if (*quantized)
    return b.createTyped<DequantizeOp>(f32, *quantized);
  // A run-time unsigned tensor: (cast(x) - zero_point) * scale.
  Value scale, zeroPoint;
  if (failed(getBroadcastParams(b, q, type.getRank(), scale, zeroPoint)))
    return failure();
  FailureOr<Value> xf = b.castTo(x, b.getBuilder().getF32Type());
  if (failed(xf))
    return failure();
  FailureOr<Value> centered = b.createInferred<SubOp>({*xf, zeroPoint});
  if (failed(centered))
    return failure();
  return b.createInferred<MulOp>({*centered, scale});
}

FailureOr<Value> mlir::qc::onnx_import::quantizedToOnnxInteger(OpBinder &b,
                                                               Value v) {
  RankedTensorType type = OpBinder::typeOf(v);
  auto q = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!q)
    return v;
  if (q.isSigned())
    return quant::StorageCastOp::create(b.getBuilder(), b.getLoc(),
                                        withElement(type, q.getStorageType()),
                                        v)
        .getResult();
  // Unsigned storage: requantize with float arithmetic to get `uiN`.
  Value scale, zeroPoint;
  if (failed(getBroadcastParams(b, q, type.getRank(), scale, zeroPoint)))
    return failure();
  FailureOr<Value> f = b.createTyped<DequantizeOp>(
      withElement(type, b.getBuilder().getF32Type()), v);
  if (failed(f))
    return failure();
  FailureOr<Value> div = b.createInferred<DivOp>({*f, scale});
  if (failed(div))
    return failure();
  FailureOr<Value> rounded = b.createUnary<RoundOp>(*div);
  if (failed(rounded))
    return failure();
  FailureOr<Value> shifted = b.createInferred<AddOp>({*rounded, zeroPoint});
  if (failed(shifted))
    return failure();
  FailureOr<Value> clipped = b.createUnary<ClipOp>(
      *shifted, {b.f32Attr("min", (float)q.getStorageTypeMin()),
                 b.f32Attr("max", (float)q.getStorageTypeMax())});
  if (failed(clipped))
    return failure();
  return b.castTo(*clipped, IntegerType::get(b.getContext(),
                                             q.getStorageTypeIntegralWidth(),
                                             IntegerType::Unsigned));
}

/// Reads axis (default 1) and, from opset 21, block_size, normalized for
/// a tensor of `rank`.
static LogicalResult readAxisAndBlock(OpBinder &b, int64_t rank, int64_t &axis,
                                      int64_t &blockSize) {
  if (failed(b.intAttr(axis, "axis", 1)) ||
      failed(b.intAttr(blockSize, "block_size", 0)))
    return failure();
  if (blockSize < 0)
    return b.emitError() << "expected a non-negative block_size, found "
                         << blockSize;
  if (rank == 0) {
    axis = 0;
    return success();
  }
  if (rank > 0) {
    // A per-tensor quantization ignores the axis, which may be out of range
    // for low ranks (e.g. the default 1 for a 1-D tensor).
    if (std::optional<int64_t> a = normalizeAxis(axis, rank))
      axis = *a;
    else if (blockSize > 0)
      return normalizeAxisOrError(b, axis, rank);
    else
      axis = -1;
  }
  return success();
}

static LogicalResult importQuantizeLinear(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "x");
  int64_t outputDtype;
  if (failed(x) || failed(b.intAttr(outputDtype, "output_dtype", 0)))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*x);
  int64_t axis, blockSize;
  if (failed(readAxisAndBlock(b, type.getRank(), axis, blockSize)))
    return failure();
  FailureOr<quant::QuantizedType> q =
      readQuantType(b, type.getShape(), 1, 2, axis, blockSize,
                    outputDtype ? (int32_t)outputDtype : (int32_t)kUint8, "y");
  if (failed(q))
    return failure();
  if (outputDtype && b.hasInput(2) &&
      getValueDtype(b.optionalInput(2)) != outputDtype)
    return b.emitError() << "expected y_zero_point of output_dtype "
                         << getOnnxTypeName(outputDtype);
  FailureOr<Value> xf = b.castTo(*x, b.getBuilder().getF32Type());
  if (failed(xf))
    return failure();
  FailureOr<Value> y = b.createTyped<QuantizeOp>(withElement(type, *q), *xf);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importDequantizeLinear(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "x");
  if (failed(x))
    return failure();
  RankedTensorType type = OpBinder::typeOf(*x);
  int64_t axis, blockSize;
  if (failed(readAxisAndBlock(b, type.getRank(), axis, blockSize)))
    return failure();
  int32_t xDtype = getValueDtype(*x);
  FailureOr<quant::QuantizedType> q =
      readQuantType(b, type.getShape(), 1, 2, axis, blockSize, xDtype, "x");
  if (failed(q))
    return failure();
  FailureOr<Value> y = dequantizeInput(b, 0, *q);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// The axis a 1-D scale of QLinearMatMul refers to: rows of a, columns of b.
static int64_t matmulScaleAxis(RankedTensorType t, bool isLhs) {
  int64_t rank = t.getRank();
  if (rank < 2)
    return rank - 1;
  return isLhs ? rank - 2 : rank - 1;
}

static LogicalResult importQLinearMatMul(OpBinder &b) {
  FailureOr<Value> a = b.input(0, "a"), bb = b.input(3, "b");
  if (failed(a) || failed(bb))
    return failure();
  RankedTensorType aType = OpBinder::typeOf(*a), bType = OpBinder::typeOf(*bb);
  FailureOr<quant::QuantizedType> qa =
      readQuantType(b, aType.getShape(), 1, 2, matmulScaleAxis(aType, true), 0,
                    getValueDtype(*a), "a");
  if (failed(qa))
    return failure();
  FailureOr<quant::QuantizedType> qb =
      readQuantType(b, bType.getShape(), 4, 5, matmulScaleAxis(bType, false), 0,
                    getValueDtype(*bb), "b");
  if (failed(qb))
    return failure();
  FailureOr<Value> af = dequantizeInput(b, 0, *qa);
  if (failed(af))
    return failure();
  FailureOr<Value> bf = dequantizeInput(b, 3, *qb);
  if (failed(bf))
    return failure();
  FailureOr<Value> yf = b.createInferred<MatMulOp>({*af, *bf});
  if (failed(yf))
    return failure();
  RankedTensorType yType = OpBinder::typeOf(*yf);
  FailureOr<quant::QuantizedType> qy =
      readQuantType(b, yType.getShape(), 6, 7, -1, 0, getValueDtype(*a), "y");
  if (failed(qy))
    return failure();
  FailureOr<Value> y = b.createTyped<QuantizeOp>(withElement(yType, *qy), *yf);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

static LogicalResult importQLinearConv(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "x"), w = b.input(3, "w");
  if (failed(x) || failed(w))
    return failure();
  RankedTensorType xType = OpBinder::typeOf(*x), wType = OpBinder::typeOf(*w);
  SmallVector<NamedAttribute> attrs;
  if (failed(readConvAttrs(b, xType, wType, attrs)))
    return failure();
  FailureOr<quant::QuantizedType> qx =
      readQuantType(b, xType.getShape(), 1, 2, -1, 0, getValueDtype(*x), "x");
  if (failed(qx))
    return failure();
  FailureOr<quant::QuantizedType> qw =
      readQuantType(b, wType.getShape(), 4, 5, 0, 0, getValueDtype(*w), "w");
  if (failed(qw))
    return failure();
  FailureOr<Value> xf = dequantizeInput(b, 0, *qx);
  if (failed(xf))
    return failure();
  FailureOr<Value> wf = dequantizeInput(b, 3, *qw);
  if (failed(wf))
    return failure();
  SmallVector<Value> operands = {*xf, *wf};
  if (b.hasInput(8)) {
    // The int32 bias has scale x_scale * w_scale and zero point 0.
    FailureOr<Value> bias = b.input(8, "B");
    if (failed(bias))
      return failure();
    RankedTensorType biasType = OpBinder::typeOf(*bias);
    if (getValueDtype(*bias) != kInt32)
      return b.emitError() << "expected an int32 bias, found "
                           << biasType.getElementType();
    double xs = cast<quant::UniformQuantizedType>(*qx).getScale();
    SmallVector<double> scales;
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(*qw))
      for (double ws : perAxis.getScales())
        scales.push_back((float)xs * (float)ws);
    else
      scales.push_back(
          (float)xs * (float)cast<quant::UniformQuantizedType>(*qw).getScale());
    MLIRContext *ctx = b.getContext();
    Type i32 = IntegerType::get(ctx, 32);
    auto emitErr = [&] { return b.emitError(); };
    quant::QuantizedType qb;
    if (scales.size() == 1)
      qb = quant::UniformQuantizedType::getChecked(
          emitErr, quant::QuantizationFlags::Signed, i32, Float32Type::get(ctx),
          scales[0], 0, INT32_MIN, INT32_MAX);
    else
      qb = quant::UniformQuantizedPerAxisType::getChecked(
          emitErr, quant::QuantizationFlags::Signed, i32, Float32Type::get(ctx),
          scales, SmallVector<int64_t>(scales.size()), 0, INT32_MIN, INT32_MAX);
    if (!qb)
      return failure();
    FailureOr<Value> bf = dequantizeInput(b, 8, qb);
    if (failed(bf))
      return failure();
    operands.push_back(*bf);
  }
  FailureOr<Value> yf = b.createInferred<ConvOp>(operands, attrs);
  if (failed(yf))
    return failure();
  RankedTensorType yType = OpBinder::typeOf(*yf);
  FailureOr<quant::QuantizedType> qy =
      readQuantType(b, yType.getShape(), 6, 7, -1, 0, getValueDtype(*x), "y");
  if (failed(qy))
    return failure();
  FailureOr<Value> y = b.createTyped<QuantizeOp>(withElement(yType, *qy), *yf);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// Input `i` as `elem` integers or floats minus the zero point input `zpIdx`
/// (reshaped by `zpShape` when it is not a scalar), for MatMulInteger and
/// ConvInteger.
static FailureOr<Value>
centered(OpBinder &b, unsigned i, unsigned zpIdx, Type elem,
         function_ref<SmallVector<int64_t>(int64_t)> zpShape) {
  FailureOr<Value> v = b.input(i);
  if (failed(v))
    return failure();
  FailureOr<Value> raw = quantizedToOnnxInteger(b, *v);
  if (failed(raw))
    return failure();
  FailureOr<Value> x = b.castTo(*raw, elem);
  if (failed(x) || !b.hasInput(zpIdx))
    return x;
  if (ElementsAttr zpAttr = b.getConstantInput(zpIdx)) {
    std::optional<std::vector<int64_t>> zps = readIntElements(zpAttr);
    if (zps && llvm::all_of(*zps, [](int64_t z) { return z == 0; }))
      return x;
  }
  FailureOr<Value> zp = b.input(zpIdx);
  if (failed(zp))
    return failure();
  FailureOr<Value> zpRaw = quantizedToOnnxInteger(b, *zp);
  if (failed(zpRaw))
    return failure();
  FailureOr<Value> zpCast = b.castTo(*zpRaw, elem);
  if (failed(zpCast))
    return failure();
  RankedTensorType zpType = OpBinder::typeOf(*zpCast);
  if (zpType.getNumElements() != 1 || zpType.getRank() > 0) {
    FailureOr<Value> reshaped =
        b.reshape(*zpCast, zpShape(zpType.getNumElements()));
    if (failed(reshaped))
      return failure();
    zpCast = reshaped;
  }
  return b.createInferred<SubOp>({*x, *zpCast});
}

/// MatMulInteger: exact int32 arithmetic.
static LogicalResult importMatMulInteger(OpBinder &b) {
  Type i32 = b.getBuilder().getI32Type();
  FailureOr<Value> a = b.input(0, "A"), bb = b.input(1, "B");
  if (failed(a) || failed(bb))
    return failure();
  int64_t aRank = OpBinder::typeOf(*a).getRank();
  int64_t bRank = OpBinder::typeOf(*bb).getRank();
  // a_zero_point is a scalar or per row of A ([M] -> [M, 1]); b_zero_point is
  // a scalar or per column of B ([N] broadcasts along the last dimension).
  FailureOr<Value> ac = centered(b, 0, 2, i32, [&](int64_t n) {
    if (aRank < 2)
      return SmallVector<int64_t>{n};
    return SmallVector<int64_t>{n, 1};
  });
  if (failed(ac))
    return failure();
  FailureOr<Value> bc = centered(b, 1, 3, i32, [&](int64_t n) {
    (void)bRank;
    return SmallVector<int64_t>{n};
  });
  if (failed(bc))
    return failure();
  FailureOr<Value> y = b.createInferred<MatMulOp>({*ac, *bc});
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// ConvInteger: through an f32 convolution, exact while every partial sum
/// stays below 2^24 in magnitude.
static LogicalResult importConvInteger(OpBinder &b) {
  Type f32 = b.getBuilder().getF32Type();
  FailureOr<Value> x = b.input(0, "x"), w = b.input(1, "w");
  if (failed(x) || failed(w))
    return failure();
  RankedTensorType xType = OpBinder::typeOf(*x), wType = OpBinder::typeOf(*w);
  SmallVector<NamedAttribute> attrs;
  if (failed(readConvAttrs(b, xType, wType, attrs)))
    return failure();
  FailureOr<Value> xc = centered(
      b, 0, 2, f32, [&](int64_t n) { return SmallVector<int64_t>{n}; });
  if (failed(xc))
    return failure();
  // w_zero_point is a scalar or one per output channel ([M] -> [M, 1, ...]).
  FailureOr<Value> wc = centered(b, 1, 3, f32, [&](int64_t n) {
    SmallVector<int64_t> shape(wType.getRank(), 1);
    shape[0] = n;
    return shape;
  });
  if (failed(wc))
    return failure();
  FailureOr<Value> yf = b.createInferred<ConvOp>({*xc, *wc}, attrs);
  if (failed(yf))
    return failure();
  FailureOr<Value> rounded = b.createUnary<RoundOp>(*yf);
  if (failed(rounded))
    return failure();
  FailureOr<Value> y = b.castTo(*rounded, b.getBuilder().getI32Type());
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

/// DynamicQuantizeLinear: uint8 quantization with a scale and zero point
/// computed at run time from the input's range (which always includes 0).
static LogicalResult importDynamicQuantizeLinear(OpBinder &b) {
  FailureOr<Value> x = b.input(0, "x");
  if (failed(x))
    return failure();
  Type ui8 = IntegerType::get(b.getContext(), 8, IntegerType::Unsigned);
  auto noKeep = b.boolAttr("keepdims", false);
  Value zero = b.scalarF32(0.0f);
  auto binary = [&](auto tag, Value l, Value r) {
    using OpTy = decltype(tag);
    return b.createInferred<OpTy>({l, r});
  };
  FailureOr<Value> lo = b.createInferred<ReduceMinOp>(*x, noKeep);
  FailureOr<Value> hi = b.createInferred<ReduceMaxOp>(*x, noKeep);
  if (failed(lo) || failed(hi))
    return failure();
  FailureOr<Value> lo0 = binary(MinOp(), *lo, zero);
  FailureOr<Value> hi0 = binary(MaxOp(), *hi, zero);
  if (failed(lo0) || failed(hi0))
    return failure();
  FailureOr<Value> range = binary(SubOp(), *hi0, *lo0);
  if (failed(range))
    return failure();
  FailureOr<Value> scale = binary(DivOp(), *range, b.scalarF32(255.0f));
  if (failed(scale))
    return failure();
  // zero_point = saturate(round(0 - min / scale)).
  FailureOr<Value> ratio = binary(DivOp(), *lo0, *scale);
  if (failed(ratio))
    return failure();
  FailureOr<Value> negated = b.createUnary<NegOp>(*ratio);
  if (failed(negated))
    return failure();
  FailureOr<Value> zpRounded = b.createUnary<RoundOp>(*negated);
  if (failed(zpRounded))
    return failure();
  auto clamp = [&](Value v) {
    return b.createUnary<ClipOp>(
        v, {b.f32Attr("min", 0.0f), b.f32Attr("max", 255.0f)});
  };
  FailureOr<Value> zpf = clamp(*zpRounded);
  if (failed(zpf))
    return failure();
  // y = saturate(round(x / scale) + zero_point).
  FailureOr<Value> scaled = binary(DivOp(), *x, *scale);
  if (failed(scaled))
    return failure();
  FailureOr<Value> rounded = b.createUnary<RoundOp>(*scaled);
  if (failed(rounded))
    return failure();
  FailureOr<Value> shifted = binary(AddOp(), *rounded, *zpf);
  if (failed(shifted))
    return failure();
  FailureOr<Value> yf = clamp(*shifted);
  if (failed(yf))
    return failure();
  FailureOr<Value> y = b.castTo(*yf, ui8);
  FailureOr<Value> zp = b.castTo(*zpf, ui8);
  if (failed(y) || failed(zp))
    return failure();
  if (failed(b.setResult(0, *y)) || failed(b.setResult(1, *scale)))
    return failure();
  return b.setResult(2, *zp);
}

void mlir::qc::onnx_import::populateQuantization(OnnxOpTable &t) {
  t.on("ConvInteger", 10, importConvInteger);
  t.on("DequantizeLinear", 10, importDequantizeLinear);
  t.on("DynamicQuantizeLinear", 11, importDynamicQuantizeLinear);
  t.on("MatMulInteger", 10, importMatMulInteger);
  t.on("QLinearConv", 10, importQLinearConv);
  t.on("QLinearMatMul", 10, importQLinearMatMul);
  t.on("QuantizeLinear", 10, importQuantizeLinear);
  // onnxruntime's contrib versions (com.microsoft) mean the same.
  t.on("com.microsoft", "QuantizeLinear", 1, importQuantizeLinear);
  t.on("com.microsoft", "DequantizeLinear", 1, importDequantizeLinear);
}

//===- Tensor.cpp - host tensors for the reference evaluator --------------===//

#include "quantc/Analysis/Tensor.h"
#include "quantc/Support/Constants.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include <cassert>
#include <cstring>

using namespace mlir;
using namespace mlir::qc;

static int64_t shapeProduct(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

Tensor Tensor::getFloat(MLIRContext *ctx, ArrayRef<int64_t> shape,
                        std::vector<float> data) {
  assert(static_cast<int64_t>(data.size()) == shapeProduct(shape) &&
         "data does not match the shape");
  Tensor t;
  t.elementType = Float32Type::get(ctx);
  t.shape.assign(shape.begin(), shape.end());
  t.floats = std::move(data);
  return t;
}

Tensor Tensor::getInt(Type elementType, ArrayRef<int64_t> shape,
                      std::vector<int64_t> data) {
  assert(static_cast<int64_t>(data.size()) == shapeProduct(shape) &&
         "data does not match the shape");
  assert(!isa<FloatType>(elementType) && "integer data for a float type");
  Tensor t;
  t.elementType = elementType;
  t.shape.assign(shape.begin(), shape.end());
  t.ints = std::move(data);
  return t;
}

Tensor Tensor::getZeros(RankedTensorType type) {
  Tensor t;
  t.elementType = type.getElementType();
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  int64_t n = shapeProduct(t.shape);
  if (t.isFloat())
    t.floats.assign(n, 0.0f);
  else
    t.ints.assign(n, 0);
  return t;
}

RankedTensorType Tensor::getType() const {
  return RankedTensorType::get(shape, elementType);
}

int64_t Tensor::getNumElements() const { return shapeProduct(shape); }

SmallVector<int64_t> Tensor::getStrides() const {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

//===----------------------------------------------------------------------===//
// Attributes.
//===----------------------------------------------------------------------===//

/// Bytes per element of an integer type in a dense_resource blob.
static unsigned blobBytes(IntegerType type) {
  return type.getWidth() == 1 ? 1 : (type.getWidth() + 7) / 8;
}

FailureOr<Tensor> Tensor::fromAttr(ElementsAttr attr) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return failure();
  Type elem = type.getElementType();
  int64_t n = type.getNumElements();
  ArrayRef<int64_t> shape = type.getShape();

  // Raw bytes of a dense_resource blob, checked against the element count.
  auto blobData = [&](unsigned bytesPerElement) -> FailureOr<ArrayRef<char>> {
    auto res = dyn_cast<DenseResourceElementsAttr>(attr);
    if (!res)
      return failure();
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<char> data = blob->getData();
    if (static_cast<int64_t>(data.size()) != n * bytesPerElement)
      return failure();
    return data;
  };

  if (elem.isF32()) {
    std::vector<float> data;
    if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
      data.reserve(n);
      for (float v : dense.getValues<float>())
        data.push_back(v);
    } else {
      FailureOr<ArrayRef<char>> bytes = blobData(4);
      if (failed(bytes))
        return failure();
      data.resize(n);
      std::memcpy(data.data(), bytes->data(), n * sizeof(float));
    }
    Tensor t;
    t.elementType = elem;
    t.shape.assign(shape.begin(), shape.end());
    t.floats = std::move(data);
    return t;
  }

  auto intType = dyn_cast<IntegerType>(elem);
  if (!intType || intType.getWidth() > 64)
    return failure();
  unsigned width = intType.getWidth();
  bool isUnsigned = intType.isUnsigned();
  std::vector<int64_t> data;
  data.reserve(n);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    // Sub-byte APInts read from dense storage may carry bits above their
    // width: mask unsigned values (getSExtValue reads only the low bits).
    uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    for (const APInt &v : dense.getValues<APInt>())
      data.push_back(width == 1 || isUnsigned
                         ? static_cast<int64_t>(v.getRawData()[0] & mask)
                         : v.getSExtValue());
  } else if (width < 8 && width != 1) {
    // Sub-byte integers (i4, ui4, i2, ...): one element per byte in the low
    // bits, as upstream's dense storage (zero-extended) and quantc's importer
    // (sign-extended) write them; the upper bits are ignored. Blobs packed
    // two (i4) or four (i2) elements per byte, low bits first as in ONNX's
    // int4, are read too.
    auto res = dyn_cast<DenseResourceElementsAttr>(attr);
    AsmResourceBlob *blob = res ? res.getRawHandle().getBlob() : nullptr;
    if (!blob)
      return failure();
    ArrayRef<char> raw = blob->getData();
    const auto *p = reinterpret_cast<const uint8_t *>(raw.data());
    unsigned perByte = 8 / width;
    bool onePerByte = static_cast<int64_t>(raw.size()) == n;
    if (!onePerByte && (8 % width != 0 || static_cast<int64_t>(raw.size()) !=
                                              (n + perByte - 1) / perByte))
      return failure();
    uint64_t mask = (uint64_t(1) << width) - 1;
    for (int64_t i = 0; i < n; ++i) {
      uint64_t u = onePerByte
                       ? p[i] & mask
                       : (p[i / perByte] >> (width * (i % perByte))) & mask;
      data.push_back(isUnsigned ? static_cast<int64_t>(u)
                                : static_cast<int64_t>(u << (64 - width)) >>
                                      (64 - width));
    }
  } else {
    unsigned bytes = blobBytes(intType);
    if (width != 1 && width != 8 && width != 16 && width != 32 && width != 64)
      return failure();
    FailureOr<ArrayRef<char>> raw = blobData(bytes);
    if (failed(raw))
      return failure();
    const auto *p = reinterpret_cast<const uint8_t *>(raw->data());
    for (int64_t i = 0; i < n; ++i, p += bytes) {
      uint64_t u = 0;
      for (unsigned b = 0; b < bytes; ++b)
        u |= static_cast<uint64_t>(p[b]) << (8 * b);
      int64_t v;
      if (width == 1)
        v = u != 0;
      else if (isUnsigned || width == 64)
        v = static_cast<int64_t>(u);
      else
        v = static_cast<int64_t>(u << (64 - width)) >> (64 - width);
      data.push_back(v);
    }
  }
  Tensor t;
  t.elementType = elem;
  t.shape.assign(shape.begin(), shape.end());
  t.ints = std::move(data);
  return t;
}

ElementsAttr Tensor::toAttr(StringRef nameHint,
                            int64_t resourceThreshold) const {
  Type elem = elementType;
  // Quantized values are stored as their storage integers.
  if (auto q = dyn_cast<quant::QuantizedType>(elem))
    elem = IntegerType::get(elem.getContext(), q.getStorageTypeIntegralWidth(),
                            q.isSigned() ? IntegerType::Signless
                                         : IntegerType::Unsigned);
  auto type = RankedTensorType::get(shape, elem);
  int64_t n = getNumElements();
  bool asResource = n > resourceThreshold;

  if (isFloat()) {
    if (asResource)
      return makeF32Resource(type, nameHint, floats);
    return DenseElementsAttr::get(type, ArrayRef<float>(floats));
  }
  auto intType = cast<IntegerType>(elem);
  unsigned width = intType.getWidth();
  unsigned bytes = blobBytes(intType);
  if (asResource &&
      (width == 1 || width == 8 || width == 16 || width == 32 || width == 64)) {
    std::vector<char> raw(n * bytes);
    for (int64_t i = 0; i < n; ++i) {
      uint64_t u = static_cast<uint64_t>(ints[i]);
      if (width == 1)
        u = u != 0;
      for (unsigned b = 0; b < bytes; ++b)
        raw[i * bytes + b] = static_cast<char>((u >> (8 * b)) & 0xff);
    }
    return makeRawResource(type, nameHint, raw);
  }
  SmallVector<APInt> values;
  values.reserve(n);
  for (int64_t v : ints)
    values.push_back(APInt(width, static_cast<uint64_t>(v),
                           /*isSigned=*/!intType.isUnsigned() && width > 1,
                           /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

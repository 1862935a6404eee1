//===- Constants.cpp - reading and writing constant tensors ---------------===//

#include "quantc/Support/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/Endian.h"
#include <cstring>

using namespace mlir;

/// Converts one element stored in `width` bits of `type` to float.
static float decodeFloat(FloatType type, const char *p) {
  unsigned width = type.getWidth();
  if (type.isF32()) {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  if (type.isF64()) {
    double v;
    std::memcpy(&v, p, 8);
    return static_cast<float>(v);
  }
  uint64_t bits = 0;
  std::memcpy(&bits, p, width / 8);
  APFloat f(type.getFloatSemantics(), APInt(width, bits));
  bool lost;
  f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
  return f.convertToFloat();
}

std::optional<std::vector<float>>
mlir::qc::readFloatElements(ElementsAttr attr) {
  auto floatType = dyn_cast<FloatType>(attr.getElementType());
  if (!floatType || floatType.getWidth() % 8 != 0)
    return std::nullopt;
  int64_t n = attr.getNumElements();
  std::vector<float> out;
  out.reserve(n);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (APFloat v : dense.getValues<APFloat>()) {
      bool lost;
      v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      out.push_back(v.convertToFloat());
    }
    return out;
  }
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    size_t bytes = floatType.getWidth() / 8;
    if (data.size() != n * bytes)
      return std::nullopt;
    for (int64_t i = 0; i < n; ++i)
      out.push_back(decodeFloat(floatType, data.data() + i * bytes));
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<int64_t>> mlir::qc::readIntElements(ElementsAttr attr,
                                                              bool isUnsigned) {
  auto intType = dyn_cast<IntegerType>(attr.getElementType());
  if (!intType || intType.getWidth() > 64)
    return std::nullopt;
  unsigned width = intType.getWidth();
  int64_t n = attr.getNumElements();
  std::vector<int64_t> out;
  out.reserve(n);
  auto extend = [&](uint64_t bits) -> int64_t {
    if (width == 64)
      return (int64_t)bits;
    bits &= (uint64_t(1) << width) - 1;
    if (!isUnsigned && (bits >> (width - 1)) & 1)
      return (int64_t)(bits | ~((uint64_t(1) << width) - 1));
    return (int64_t)bits;
  };
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (APInt v : dense.getValues<APInt>())
      out.push_back(extend(v.getZExtValue()));
    return out;
  }
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    size_t bytes = std::max<unsigned>(1, (width + 7) / 8);
    if (data.size() != n * bytes)
      return std::nullopt;
    for (int64_t i = 0; i < n; ++i) {
      uint64_t bits = 0;
      std::memcpy(&bits, data.data() + i * bytes, bytes);
      out.push_back(extend(bits));
    }
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<float>> mlir::qc::readFloatConstant(Value value) {
  auto cst = value.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return std::nullopt;
  auto attr = dyn_cast<ElementsAttr>(cst.getValue());
  if (!attr)
    return std::nullopt;
  return readFloatElements(attr);
}

DenseResourceElementsAttr mlir::qc::makeRawResource(RankedTensorType type,
                                                    StringRef nameHint,
                                                    ArrayRef<char> bytes) {
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(uint64_t));
  return DenseResourceElementsAttr::get(type, nameHint, std::move(blob));
}

DenseResourceElementsAttr mlir::qc::makeF32Resource(RankedTensorType type,
                                                    StringRef nameHint,
                                                    ArrayRef<float> data) {
  ArrayRef<char> bytes(reinterpret_cast<const char *>(data.data()),
                       data.size() * sizeof(float));
  return makeRawResource(type, nameHint, bytes);
}

//===- OnnxTensor.cpp - ONNX element types and TensorProto data -----------===//

#include "OnnxTensor.h"

#include "quantc/Support/Constants.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qc::onnx_import;

static llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string mlir::qc::onnx_import::getOnnxTypeName(int32_t dtype) {
  switch (dtype) {
  case kFloat:
    return "float";
  case kUint8:
    return "uint8";
  case kInt8:
    return "int8";
  case kUint16:
    return "uint16";
  case kInt16:
    return "int16";
  case kInt32:
    return "int32";
  case kInt64:
    return "int64";
  case kString:
    return "string";
  case kBool:
    return "bool";
  case kFloat16:
    return "float16";
  case kDouble:
    return "double";
  case kUint32:
    return "uint32";
  case kUint64:
    return "uint64";
  case kComplex64:
    return "complex64";
  case kComplex128:
    return "complex128";
  case kBfloat16:
    return "bfloat16";
  case 17:
    return "float8e4m3fn";
  case 18:
    return "float8e4m3fnuz";
  case 19:
    return "float8e5m2";
  case 20:
    return "float8e5m2fnuz";
  case kUint4:
    return "uint4";
  case kInt4:
    return "int4";
  case kUndefined:
    return "undefined";
  default:
    return "data type " + std::to_string(dtype);
  }
}

Type mlir::qc::onnx_import::getElementType(MLIRContext *ctx, int32_t dtype) {
  auto signedness = [&](unsigned width, bool isUnsigned) -> Type {
    return IntegerType::get(
        ctx, width, isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  };
  switch (dtype) {
  case kFloat:
    return Float32Type::get(ctx);
  case kUint8:
    return signedness(8, true);
  case kInt8:
    return signedness(8, false);
  case kUint16:
    return signedness(16, true);
  case kInt16:
    return signedness(16, false);
  case kInt32:
    return signedness(32, false);
  case kInt64:
    return signedness(64, false);
  case kBool:
    return signedness(1, false);
  case kUint32:
    return signedness(32, true);
  case kUint64:
    return signedness(64, true);
  case kUint4:
    return signedness(4, true);
  case kInt4:
    return signedness(4, false);
  default:
    return Type();
  }
}

int32_t mlir::qc::onnx_import::getOnnxDataType(Type type) {
  if (type.isF32())
    return kFloat;
  auto intType = dyn_cast<IntegerType>(type);
  if (!intType)
    return kUndefined;
  bool isUnsigned = intType.isUnsigned();
  switch (intType.getWidth()) {
  case 1:
    return kBool;
  case 4:
    return isUnsigned ? kUint4 : kInt4;
  case 8:
    return isUnsigned ? kUint8 : kInt8;
  case 16:
    return isUnsigned ? kUint16 : kInt16;
  case 32:
    return isUnsigned ? kUint32 : kInt32;
  case 64:
    return isUnsigned ? kUint64 : kInt64;
  default:
    return kUndefined;
  }
}

unsigned mlir::qc::onnx_import::getStorageBytes(Type type) {
  unsigned width = type.getIntOrFloatBitWidth();
  return width <= 8 ? 1 : width / 8;
}

int64_t RawTensor::getNumElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// Sign- or zero-extends the low `width` bits of `v`.
static int64_t extend(uint64_t v, unsigned width, bool isUnsigned) {
  if (width >= 64)
    return static_cast<int64_t>(v);
  uint64_t mask = (uint64_t(1) << width) - 1;
  v &= mask;
  if (!isUnsigned && (v >> (width - 1)) & 1)
    v |= ~mask;
  return static_cast<int64_t>(v);
}

static void storeInt(char *dst, int64_t v, unsigned bytes) {
  // Little-endian hosts only (x86-64, AArch64).
  std::memcpy(dst, &v, bytes);
}

/// Reads the bytes of external data described by `tensor.external_data`.
static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readExternalData(const onnx::TensorProto &tensor, StringRef baseDir) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    StringRef key = entry.key(), value = entry.value();
    if (key == "location") {
      location = value.str();
    } else if (key == "offset" || key == "length") {
      int64_t parsed;
      if (value.getAsInteger(10, parsed) || parsed < 0)
        return makeError("tensor '" + tensor.name() + "' has an invalid " +
                         key + " '" + value + "' in its external data");
      (key == "offset" ? offset : length) = parsed;
    }
  }
  if (location.empty())
    return makeError("tensor '" + tensor.name() +
                     "' is stored as external data but has no location");
  if (llvm::sys::path::is_absolute(location))
    return makeError("tensor '" + tensor.name() +
                     "' has an absolute external data location '" + location +
                     "'; expected a path relative to the model's directory");
  for (StringRef part : llvm::make_range(llvm::sys::path::begin(location),
                                         llvm::sys::path::end(location)))
    if (part == "..")
      return makeError("tensor '" + tensor.name() +
                       "' has an external data location '" + location +
                       "' outside the model's directory");
  SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);
  uint64_t fileSize;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize))
    return makeError("cannot open external data file '" + path +
                     "' of tensor '" + tensor.name() + "': " + ec.message());
  if (length < 0)
    length = fileSize - std::min<uint64_t>(fileSize, offset);
  if (static_cast<uint64_t>(offset) + static_cast<uint64_t>(length) > fileSize)
    return makeError("external data of tensor '" + tensor.name() +
                     "' (offset " + Twine(offset) + ", length " +
                     Twine(length) + ") extends past the end of '" + path +
                     "' (" + Twine(fileSize) + " bytes)");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileSlice(path, length, offset);
  if (!buffer)
    return makeError("cannot read external data file '" + path +
                     "' of tensor '" + tensor.name() +
                     "': " + buffer.getError().message());
  return std::move(*buffer);
}

llvm::Expected<RawTensor> mlir::qc::onnx_import::decodeTensorProto(
    MLIRContext *ctx, const onnx::TensorProto &tensor, StringRef baseDir) {
  RawTensor result;
  std::string name = tensor.name().empty() ? "<unnamed>" : tensor.name();
  result.elementType = getElementType(ctx, tensor.data_type());
  if (!result.elementType)
    return makeError("tensor '" + name + "' has element type " +
                     getOnnxTypeName(tensor.data_type()) +
                     ", which quantc does not support (expected float32, "
                     "bool or an integer type)");
  int64_t n = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return makeError("tensor '" + name + "' has a negative dimension " +
                       Twine(d));
    if (d != 0 && n > (int64_t(1) << 40) / d)
      return makeError("tensor '" + name + "' is too large");
    n *= d;
    result.shape.push_back(d);
  }
  if (tensor.has_segment())
    return makeError("tensor '" + name +
                     "' is segmented, which is not "
                     "supported");
  Type elem = result.elementType;
  unsigned width = elem.getIntOrFloatBitWidth();
  unsigned bytes = getStorageBytes(elem);
  bool isUnsigned = elem.isUnsignedInteger();
  std::vector<char> &owned = result.owned;

  // Raw little-endian data, in the tensor or in an external file.
  std::unique_ptr<llvm::MemoryBuffer> external;
  StringRef raw;
  bool hasRaw = false;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
        readExternalData(tensor, baseDir);
    if (!buffer)
      return buffer.takeError();
    external = std::move(*buffer);
    raw = external->getBuffer();
    hasRaw = true;
  } else if (tensor.has_raw_data()) {
    raw = tensor.raw_data();
    hasRaw = true;
  }
  if (hasRaw) {
    int64_t expected = width == 4 ? (n + 1) / 2 : n * bytes;
    if (static_cast<int64_t>(raw.size()) != expected)
      return makeError(
          "tensor '" + name + "' of shape [" +
          llvm::join(
              llvm::map_range(result.shape,
                              [](int64_t d) { return std::to_string(d); }),
              ", ") +
          "] (" + getOnnxTypeName(tensor.data_type()) + ") has " +
          Twine(raw.size()) + " bytes of data, expected " + Twine(expected));
    if (width == 4) {
      owned.resize(n);
      for (int64_t i = 0; i < n; ++i) {
        uint8_t byte = static_cast<uint8_t>(raw[i / 2]);
        uint8_t nibble = i % 2 ? byte >> 4 : byte & 0xF;
        owned[i] = static_cast<char>(extend(nibble, 4, isUnsigned));
      }
      result.bytes = owned;
    } else if (width == 1) {
      owned.resize(n);
      for (int64_t i = 0; i < n; ++i)
        owned[i] = raw[i] ? 1 : 0;
      result.bytes = owned;
    } else {
      // Already in quantc's layout: no copy.
      result.bytes = ArrayRef<char>(raw.data(), raw.size());
      result.mapped = std::move(external);
    }
    return std::move(result);
  }

  // Typed fields.
  owned.resize(n * bytes);
  char *out = owned.data();
  result.bytes = owned;
  auto sizeError = [&](int64_t found) {
    return makeError("tensor '" + name + "' has " + Twine(found) +
                     " values, expected " + Twine(n));
  };
  switch (tensor.data_type()) {
  case kFloat:
    if (tensor.float_data_size() != n)
      return sizeError(tensor.float_data_size());
    if (n)
      std::memcpy(out, tensor.float_data().data(), n * 4);
    break;
  case kInt64:
    if (tensor.int64_data_size() != n)
      return sizeError(tensor.int64_data_size());
    if (n)
      std::memcpy(out, tensor.int64_data().data(), n * 8);
    break;
  case kUint32:
  case kUint64:
    if (tensor.uint64_data_size() != n)
      return sizeError(tensor.uint64_data_size());
    for (int64_t i = 0; i < n; ++i)
      storeInt(out + i * bytes, static_cast<int64_t>(tensor.uint64_data(i)),
               bytes);
    break;
  case kInt4:
  case kUint4:
    // Two elements per int32_data entry, low nibble first.
    if (tensor.int32_data_size() != (n + 1) / 2)
      return sizeError(tensor.int32_data_size() * 2);
    for (int64_t i = 0; i < n; ++i) {
      uint32_t packed = static_cast<uint32_t>(tensor.int32_data(i / 2));
      uint32_t nibble = i % 2 ? (packed >> 4) & 0xF : packed & 0xF;
      out[i] = static_cast<char>(extend(nibble, 4, isUnsigned));
    }
    break;
  default:
    // int32, int16, int8, uint16, uint8, bool: one value per int32_data.
    if (tensor.int32_data_size() != n)
      return sizeError(tensor.int32_data_size());
    for (int64_t i = 0; i < n; ++i)
      storeInt(out + i * bytes,
               width == 1 ? (tensor.int32_data(i) != 0)
                          : extend(static_cast<uint32_t>(tensor.int32_data(i)),
                                   width, isUnsigned),
               bytes);
    break;
  }
  return std::move(result);
}

std::string mlir::qc::onnx_import::sanitizeResourceName(StringRef name) {
  std::string result;
  for (char c : name)
    result.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (result.empty() || !(llvm::isAlpha(result[0]) || result[0] == '_'))
    result.insert(result.begin(), '_');
  return result;
}

/// Reads element `i` of `bytes` (getStorageBytes() per element) as int64.
static int64_t loadInt(ArrayRef<char> bytes, int64_t i, IntegerType type) {
  unsigned size = getStorageBytes(type);
  uint64_t v = 0;
  std::memcpy(&v, bytes.data() + i * size, size);
  return extend(v, type.getWidth() == 1 ? 8 : std::max(8u, size * 8),
                type.isUnsigned());
}

ElementsAttr mlir::qc::onnx_import::makeElementsAttr(RankedTensorType type,
                                                     ArrayRef<char> bytes,
                                                     StringRef nameHint,
                                                     int64_t threshold) {
  Type elem = type.getElementType();
  int64_t n = type.getNumElements();
  if (n > threshold && !elem.isInteger(1))
    return makeRawResource(type, sanitizeResourceName(nameHint), bytes);
  if (elem.isF32()) {
    // `bytes` may point into a protobuf string: copy rather than cast.
    std::vector<float> values(n);
    if (n)
      std::memcpy(values.data(), bytes.data(), n * sizeof(float));
    return DenseElementsAttr::get(type, ArrayRef<float>(values));
  }
  auto intType = cast<IntegerType>(elem);
  if (intType.getWidth() == 1) {
    SmallVector<bool> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(bytes[i] != 0);
    return DenseElementsAttr::get(type, values);
  }
  SmallVector<APInt> values;
  values.reserve(n);
  for (int64_t i = 0; i < n; ++i)
    values.push_back(APInt(intType.getWidth(),
                           static_cast<uint64_t>(loadInt(bytes, i, intType)),
                           /*isSigned=*/!intType.isUnsigned(),
                           /*implicitTrunc=*/true));
  return DenseElementsAttr::get(type, values);
}

ElementsAttr mlir::qc::onnx_import::makeIntElementsAttr(
    RankedTensorType type, ArrayRef<int64_t> values, StringRef nameHint,
    int64_t threshold) {
  unsigned bytes = getStorageBytes(type.getElementType());
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  bool isUnsigned = type.getElementType().isUnsignedInteger();
  std::vector<char> data(values.size() * bytes);
  for (auto [i, v] : llvm::enumerate(values))
    storeInt(data.data() + i * bytes,
             width == 1 ? (v != 0) : extend(v, width, isUnsigned), bytes);
  return makeElementsAttr(type, data, nameHint, threshold);
}

ElementsAttr mlir::qc::onnx_import::makeFloatElementsAttr(
    RankedTensorType type, ArrayRef<float> values, StringRef nameHint,
    int64_t threshold) {
  ArrayRef<char> data(reinterpret_cast<const char *>(values.data()),
                      values.size() * sizeof(float));
  return makeElementsAttr(type, data, nameHint, threshold);
}

std::optional<std::vector<int64_t>>
mlir::qc::onnx_import::readIntElements(ElementsAttr attr) {
  auto intType = dyn_cast<IntegerType>(attr.getElementType());
  if (!intType)
    return std::nullopt;
  int64_t n = attr.getNumElements();
  std::vector<int64_t> out;
  out.reserve(n);
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (intType.getWidth() == 1) {
      for (bool b : dense.getValues<bool>())
        out.push_back(b);
      return out;
    }
    for (const APInt &v : dense.getValues<APInt>())
      out.push_back(intType.isUnsigned()
                        ? static_cast<int64_t>(v.getZExtValue())
                        : v.getSExtValue());
    return out;
  }
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    unsigned size = getStorageBytes(intType);
    if (static_cast<int64_t>(data.size()) != n * size)
      return std::nullopt;
    unsigned width = intType.getWidth();
    for (int64_t i = 0; i < n; ++i) {
      uint64_t v = 0;
      std::memcpy(&v, data.data() + i * size, size);
      out.push_back(width == 1 ? (v != 0)
                               : extend(v, std::min(width, size * 8),
                                        intType.isUnsigned()));
    }
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<float>>
mlir::qc::onnx_import::readF32Elements(ElementsAttr attr) {
  if (!attr.getElementType().isF32())
    return std::nullopt;
  return readFloatElements(attr);
}

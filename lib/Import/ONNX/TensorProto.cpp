//===- TensorProto.cpp - ONNX TensorProto files as Tensors ----------------===//

#include "quantc/Import/ONNX/TensorProto.h"

#include "OnnxProto.h"
#include "OnnxTensor.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

static llvm::Error makeError(const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<NamedTensor> mlir::qc::parseTensorProto(MLIRContext *ctx,
                                                       StringRef bytes,
                                                       StringRef baseDir) {
  onnx::TensorProto proto;
  if (llvm::Error err = parseTensorBytes(bytes, proto))
    return std::move(err);
  llvm::Expected<RawTensor> raw = decodeTensorProto(ctx, proto, baseDir);
  if (!raw)
    return raw.takeError();
  NamedTensor result;
  result.name = proto.name();
  int64_t n = raw->getNumElements();
  if (raw->elementType.isF32()) {
    std::vector<float> values(n);
    if (n)
      std::memcpy(values.data(), raw->bytes.data(), n * sizeof(float));
    result.tensor = Tensor::getFloat(ctx, raw->shape, std::move(values));
    return std::move(result);
  }
  ElementsAttr attr = makeElementsAttr(raw->getType(), raw->bytes, "tensor",
                                       /*resourceThreshold=*/INT64_MAX);
  std::optional<std::vector<int64_t>> values = readIntElements(attr);
  if (!values)
    return makeError("cannot decode tensor '" + proto.name() + "'");
  result.tensor =
      Tensor::getInt(raw->elementType, raw->shape, std::move(*values));
  return std::move(result);
}

llvm::Expected<NamedTensor> mlir::qc::readTensorProtoFile(MLIRContext *ctx,
                                                          StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError("cannot open '" + path +
                     "': " + buffer.getError().message());
  StringRef dir = llvm::sys::path::parent_path(path);
  llvm::Expected<NamedTensor> tensor =
      parseTensorProto(ctx, (*buffer)->getBuffer(), dir.empty() ? "." : dir);
  if (!tensor)
    return makeError(path + ": " + llvm::toString(tensor.takeError()));
  return tensor;
}

llvm::Expected<std::string> mlir::qc::serializeTensorProto(const Tensor &t,
                                                           StringRef name) {
  Type elem = t.getElementType();
  if (auto q = dyn_cast_or_null<quant::QuantizedType>(elem))
    elem = IntegerType::get(q.getContext(), q.getStorageTypeIntegralWidth(),
                            q.isSigned() ? IntegerType::Signless
                                         : IntegerType::Unsigned);
  int32_t dtype = elem ? getOnnxDataType(elem) : kUndefined;
  if (dtype == kUndefined)
    return makeError("cannot write a tensor of element type " +
                     (elem ? [&] {
                       std::string s;
                       llvm::raw_string_ostream os(s);
                       os << elem;
                       return s;
                     }()
                           : std::string("<none>")) +
                     " as a TensorProto");
  onnx::TensorProto proto;
  proto.set_name(name.str());
  proto.set_data_type(dtype);
  for (int64_t d : t.getShape())
    proto.add_dims(d);
  int64_t n = t.getNumElements();
  std::string bytes;
  if (dtype == kFloat) {
    bytes.assign(reinterpret_cast<const char *>(t.getFloats().data()),
                 n * sizeof(float));
  } else {
    unsigned width = elem.getIntOrFloatBitWidth();
    ArrayRef<int64_t> ints = t.getInts();
    if (width == 4) {
      bytes.assign((n + 1) / 2, '\0');
      for (int64_t i = 0; i < n; ++i)
        bytes[i / 2] |= static_cast<char>((ints[i] & 0xF) << (i % 2 ? 4 : 0));
    } else {
      unsigned size = width == 1 ? 1 : width / 8;
      bytes.assign(n * size, '\0');
      for (int64_t i = 0; i < n; ++i) {
        int64_t v = width == 1 ? (ints[i] != 0) : ints[i];
        std::memcpy(&bytes[i * size], &v, size);
      }
    }
  }
  proto.set_raw_data(std::move(bytes));
  std::string out;
  if (!proto.SerializeToString(&out))
    return makeError("cannot serialize tensor '" + name + "'");
  return out;
}

llvm::Error mlir::qc::writeTensorProtoFile(const Tensor &t, StringRef path,
                                           StringRef name) {
  llvm::Expected<std::string> bytes = serializeTensorProto(t, name);
  if (!bytes)
    return bytes.takeError();
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError("cannot write '" + path + "': " + ec.message());
  os << *bytes;
  os.close();
  if (os.has_error())
    return makeError("cannot write '" + path + "': " + os.error().message());
  return llvm::Error::success();
}

//===- OnnxTensor.h - ONNX element types and TensorProto data ------*- C++
//-*-===//

#ifndef QUANTC_LIB_IMPORT_ONNX_ONNXTENSOR_H
#define QUANTC_LIB_IMPORT_ONNX_ONNXTENSOR_H

#include "onnx/onnx_pb.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::qc::onnx_import {

/// ONNX TensorProto::DataType values (int4/uint4 are newer than ONNX 1.12's
/// enum, but the field is an int32).
enum OnnxDataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUint8 = 2,
  kInt8 = 3,
  kUint16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUint32 = 12,
  kUint64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBfloat16 = 16,
  kUint4 = 21,
  kInt4 = 22,
};

/// ONNX's name of a data type ("float", "uint8", "float16", ...).
std::string getOnnxTypeName(int32_t dtype);

/// The element type quantc uses for an ONNX data type: f32, i1 (bool), and
/// integers with their signedness (uint8 is `ui8`, int8 is `i8`); a null type
/// for the types quantc does not support (float16, bfloat16, double, string,
/// complex, float8).
Type getElementType(MLIRContext *ctx, int32_t dtype);

/// The ONNX data type of a quantc element type; kUndefined if none.
int32_t getOnnxDataType(Type elementType);

/// Bytes per element in quantc's in-memory layout: 1 for bool and for 4-bit
/// integers (one element per byte, sign-extended for int4), else the width.
unsigned getStorageBytes(Type elementType);

/// The data of a TensorProto, unpacked to one element per getStorageBytes()
/// in little-endian order. When the stored layout already is that (raw or
/// external data of byte-sized elements), `bytes` points into the
/// TensorProto's raw_data (which must outlive it) or into the mapped external
/// file (kept open here), so that large weights are copied only once, into
/// their blob.
struct RawTensor {
  SmallVector<int64_t> shape;
  Type elementType;
  ArrayRef<char> bytes;
  std::vector<char> owned;
  std::unique_ptr<llvm::MemoryBuffer> mapped;

  int64_t getNumElements() const;
  RankedTensorType getType() const {
    return RankedTensorType::get(shape, elementType);
  }
};

/// Decodes `tensor` (raw_data, typed *_data fields, or external data whose
/// location is relative to `baseDir`). `what` names the tensor in errors.
llvm::Expected<RawTensor> decodeTensorProto(MLIRContext *ctx,
                                            const onnx::TensorProto &tensor,
                                            StringRef baseDir);

/// A constant attribute of `type` holding `bytes` (getStorageBytes() per
/// element): `dense` up to `resourceThreshold` elements and for bool,
/// otherwise a `dense_resource` blob keyed by `nameHint`.
ElementsAttr makeElementsAttr(RankedTensorType type, ArrayRef<char> bytes,
                              StringRef nameHint, int64_t resourceThreshold);

/// Same for integer values given as int64 (truncated to the element width).
ElementsAttr makeIntElementsAttr(RankedTensorType type,
                                 ArrayRef<int64_t> values, StringRef nameHint,
                                 int64_t resourceThreshold);

/// Same for f32 values.
ElementsAttr makeFloatElementsAttr(RankedTensorType type,
                                   ArrayRef<float> values, StringRef nameHint,
                                   int64_t resourceThreshold);

/// The elements of an integer or bool constant as int64 (sign- or
/// zero-extended following the element type's signedness); nullopt for other
/// attributes.
std::optional<std::vector<int64_t>> readIntElements(ElementsAttr attr);

/// The elements of an f32 constant; nullopt for other attributes.
std::optional<std::vector<float>> readF32Elements(ElementsAttr attr);

/// A name usable as a resource key: [A-Za-z0-9_.] and a letter or '_' first.
std::string sanitizeResourceName(StringRef name);

} // namespace mlir::qc::onnx_import

#endif // QUANTC_LIB_IMPORT_ONNX_ONNXTENSOR_H

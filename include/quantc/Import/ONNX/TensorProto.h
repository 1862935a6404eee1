//===- TensorProto.h - ONNX TensorProto files as Tensors ------------*- C++
//-*-===//
//
// ONNX's conformance data (test_data_set_*/input_0.pb, output_0.pb) stores
// one serialized TensorProto per file. These functions read such files into
// the reference evaluator's Tensor and write Tensors back.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_IMPORT_ONNX_TENSORPROTO_H
#define QUANTC_IMPORT_ONNX_TENSORPROTO_H

#include "quantc/Analysis/Tensor.h"

#include "llvm/Support/Error.h"
#include <string>

namespace mlir::qc {

/// A tensor read from a TensorProto file, with the name stored in it.
struct NamedTensor {
  std::string name;
  Tensor tensor;
};

/// Reads a serialized TensorProto (f32, bool and integer element types; raw
/// or typed data; external data relative to the file's directory).
llvm::Expected<NamedTensor> readTensorProtoFile(MLIRContext *ctx,
                                                StringRef path);

/// Parses serialized TensorProto bytes. `baseDir` resolves external data.
llvm::Expected<NamedTensor> parseTensorProto(MLIRContext *ctx, StringRef bytes,
                                             StringRef baseDir = "");

/// Serializes `tensor` (f32, bool or integer elements) as a TensorProto with
/// raw data.
llvm::Expected<std::string> serializeTensorProto(const Tensor &tensor,
                                                 StringRef name = "");

/// Writes `tensor` to `path` as a serialized TensorProto.
llvm::Error writeTensorProtoFile(const Tensor &tensor, StringRef path,
                                 StringRef name = "");

} // namespace mlir::qc

#endif // QUANTC_IMPORT_ONNX_TENSORPROTO_H

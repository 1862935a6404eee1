//===- OnnxProto.h - the calls into ONNX and protobuf that may throw -*- C++
//-*-===//
//
// ONNX reports errors by throwing. These wrappers are the only place where the
// importer calls into ONNX code that may throw; OnnxProto.cpp is the only
// file of the importer compiled with exceptions, and it turns every exception
// into an llvm::Error.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_IMPORT_ONNX_ONNXPROTO_H
#define QUANTC_LIB_IMPORT_ONNX_ONNXPROTO_H

#include "onnx/onnx_pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace mlir::qc::onnx_import {

/// Parses serialized ModelProto bytes (up to protobuf's 2 GiB limit).
llvm::Error parseModelBytes(llvm::StringRef bytes, onnx::ModelProto &model);

/// Parses a model in ONNX's text syntax (onnx/defs/parser.h).
llvm::Error parseModelText(llvm::StringRef text, onnx::ModelProto &model);

/// Parses serialized TensorProto bytes.
llvm::Error parseTensorBytes(llvm::StringRef bytes, onnx::TensorProto &tensor);

/// Runs ONNX shape inference on `model`, which adds value_info entries and
/// refines graph outputs. Node-level inference failures (e.g. ops this ONNX
/// release does not know) are ignored; conflicts with declared shapes are
/// errors.
llvm::Error inferShapes(onnx::ModelProto &model);

/// Checks a node of the default domain against its ONNX schema for
/// `opsetVersion` (input and output counts, required, unknown and mistyped
/// attributes), as ONNX's checker and ONNX Runtime do. Nodes of opsets newer
/// than this ONNX release (1.12: 17) are not checked: their schema may have
/// changed since.
llvm::Error checkNodeSchema(const onnx::NodeProto &node, int64_t opsetVersion);

} // namespace mlir::qc::onnx_import

#endif // QUANTC_LIB_IMPORT_ONNX_ONNXPROTO_H

//===- OnnxProto.cpp - the calls into ONNX and protobuf that may throw ----===//
//
// Compiled with -fexceptions (see CMakeLists.txt). Keep it small: every
// function catches everything and returns an llvm::Error.
//
//===----------------------------------------------------------------------===//

#include "OnnxProto.h"

#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <climits>
#include <exception>
#include <string>

using namespace mlir::qc::onnx_import;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// Silences protobuf's own logging (e.g. "Can't parse message") while alive;
/// the caller reports the failure itself.
struct QuietProtobufLog {
  QuietProtobufLog()
      : previous(google::protobuf::SetLogHandler([](google::protobuf::LogLevel,
                                                    const char *, int,
                                                    const std::string &) {})) {}
  ~QuietProtobufLog() { google::protobuf::SetLogHandler(previous); }
  google::protobuf::LogHandler *previous;
};
} // namespace

template <typename Message>
static llvm::Error parseBytes(llvm::StringRef bytes, Message &message,
                              llvm::StringRef what) {
  if (bytes.size() > static_cast<size_t>(INT_MAX))
    return makeError("the serialized " + what + " is " +
                     llvm::Twine(bytes.size()) +
                     " bytes; protobuf cannot parse messages of 2 GiB or "
                     "more (store the weights as ONNX external data)");
  try {
    QuietProtobufLog quiet;
    google::protobuf::io::ArrayInputStream array(
        bytes.data(), static_cast<int>(bytes.size()));
    google::protobuf::io::CodedInputStream coded(&array);
    // The default limit has been 64 MiB in some protobuf releases; models
    // with embedded weights are larger.
    coded.SetTotalBytesLimit(INT_MAX);
    coded.SetRecursionLimit(1024);
    if (!message.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
      return makeError("cannot parse the " + what +
                       ": not a valid serialized ONNX protobuf (truncated or "
                       "corrupt file?)");
  } catch (const std::exception &e) {
    return makeError("cannot parse the " + what + ": " + e.what());
  } catch (...) {
    return makeError("cannot parse the " + what + ": unknown error");
  }
  return llvm::Error::success();
}

llvm::Error mlir::qc::onnx_import::parseModelBytes(llvm::StringRef bytes,
                                                   onnx::ModelProto &model) {
  return parseBytes(bytes, model, "ONNX model");
}

llvm::Error mlir::qc::onnx_import::parseTensorBytes(llvm::StringRef bytes,
                                                    onnx::TensorProto &tensor) {
  return parseBytes(bytes, tensor, "ONNX tensor");
}

llvm::Error mlir::qc::onnx_import::parseModelText(llvm::StringRef text,
                                                  onnx::ModelProto &model) {
  std::string buffer = text.str();
  try {
    onnx::OnnxParser parser(buffer.c_str());
    onnx::Common::Status status = parser.Parse(model);
    if (!status.IsOK())
      return makeError("cannot parse the ONNX text model: " +
                       status.ErrorMessage());
    if (!parser.EndOfInput())
      return makeError("cannot parse the ONNX text model: unexpected text "
                       "after the graph");
  } catch (const std::exception &e) {
    return makeError(llvm::Twine("cannot parse the ONNX text model: ") +
                     e.what());
  } catch (...) {
    return makeError("cannot parse the ONNX text model: unknown error");
  }
  return llvm::Error::success();
}

llvm::Error mlir::qc::onnx_import::inferShapes(onnx::ModelProto &model) {
  try {
    // No data propagation: ONNX 1.12's crashes (a segfault, not an
    // exception) on a Shape (opset 15 and later) of a value it could not
    // type, e.g. the output of an op newer than its opsets, and the
    // importer's own constant folding already follows shape computations.
    onnx::ShapeInferenceOptions options(/*check_type=*/false,
                                        /*error_mode=*/0,
                                        /*enable_data_propagation=*/false);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception &e) {
    return makeError(llvm::Twine("ONNX shape inference failed: ") + e.what());
  } catch (...) {
    return makeError("ONNX shape inference failed: unknown error");
  }
  return llvm::Error::success();
}

llvm::Error mlir::qc::onnx_import::checkNodeSchema(const onnx::NodeProto &node,
                                                   int64_t opsetVersion) {
  try {
    const auto &range =
        onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
    auto known = range.find(onnx::ONNX_DOMAIN);
    if (known == range.end() || opsetVersion > known->second.second)
      return llvm::Error::success();
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        node.op_type(), static_cast<int>(opsetVersion), onnx::ONNX_DOMAIN);
    if (!schema)
      return llvm::Error::success();
    try {
      schema->Verify(node);
    } catch (const std::exception &e) {
      // ONNX appends "==> Context: ..." and may start with "Node (NAME) ":
      // the caller names the node.
      std::string message = e.what();
      message = message.substr(0, message.find('\n'));
      if (message.rfind("Node (", 0) == 0 &&
          message.find(") ") != std::string::npos)
        message = message.substr(message.find(") ") + 2);
      return makeError(message + " (ONNX schema " + node.op_type() + "-" +
                       llvm::Twine(schema->SinceVersion()) + ")");
    }
  } catch (const std::exception &e) {
    return makeError(llvm::Twine("ONNX's schema check failed: ") + e.what());
  } catch (...) {
    return makeError("ONNX's schema check failed: unknown error");
  }
  return llvm::Error::success();
}

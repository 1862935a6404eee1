//===- Exporter.h - qc graphs to ONNX models ----------------------*- C++ -*-===//
//
// Writes a qc graph (one func.func of qc ops, f32 or in the quantized QDQ
// form of docs/quantized-ir.md) as a standard ONNX ModelProto in the default
// domain: every qc op becomes the ONNX operator of the same meaning, constants
// become initializers, `qc.quantize`/`qc.dequantize` become QuantizeLinear and
// DequantizeLinear with their `!quant.uniform` parameters as scale and
// zero-point initializers. ONNX Runtime runs the result (docs/exporting-onnx.md).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_EXPORT_ONNX_EXPORTER_H
#define QUANTC_EXPORT_ONNX_EXPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace mlir::qc {

struct OnnxExportOptions {
  /// Default-domain opset to write (17 to 23). 0 picks the lowest opset from
  /// 17 up that expresses the graph natively: 19 for `wrap` padding, dilated
  /// average pools and `half_pixel_symmetric` resizes, 20 for `qc.gelu`, 21
  /// for 4-bit or 16-bit storage and blockwise (sub-channel) types. With an
  /// explicit older opset, `qc.gelu` is expanded with Erf (or Tanh), 4-bit
  /// storage is widened to 8 bits, constant blockwise weights are
  /// dequantized to f32 at export (with a warning), and the rest is an error.
  int64_t opset = 0;
  /// Store the f32 bias of a Conv or Gemm whose input is a per-tensor
  /// `qc.dequantize` and whose weight is a dequantized constant as int32 with
  /// scale input_scale * weight_scale, behind a DequantizeLinear, as ONNX
  /// Runtime's own quantizer does: its QDQ fusions (QLinearConv, QGemm) need
  /// it. Each bias element moves by at most half of its scale.
  bool quantizeBias = true;
  /// The function to export; empty: `main`, or the module's only public
  /// function.
  std::string funcName;
  /// Write intermediate values' types and shapes as `value_info`.
  bool writeValueInfo = true;
  /// With exportOnnxModelToFile: store initializers of at least
  /// `externalDataThreshold` bytes in this file (a path relative to the
  /// model's directory) as ONNX external data. Needed for models of 2 GiB or
  /// more, which protobuf cannot serialize in one message.
  std::string externalDataFile;
  int64_t externalDataThreshold = 1024;
  std::string producerName = "quantc";
  std::string producerVersion = "0.1";
};

/// Writes `module`'s function as a serialized ONNX ModelProto to `os`. On
/// failure, errors have been emitted at the offending op's location and
/// nothing has been written. External data is not available here (use
/// exportOnnxModelToFile).
LogicalResult exportOnnxModel(ModuleOp module, llvm::raw_ostream &os,
                              const OnnxExportOptions &options = {});

/// Same, writing the model to `path` (and, with `externalDataFile`, the
/// external data beside it).
LogicalResult exportOnnxModelToFile(ModuleOp module, StringRef path,
                                    const OnnxExportOptions &options = {});

} // namespace mlir::qc

#endif // QUANTC_EXPORT_ONNX_EXPORTER_H

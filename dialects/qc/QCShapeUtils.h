//===- QCShapeUtils.h - helpers shared by qc verifiers and inference -*- C++
//-*-===//
//
// Internal to the qc dialect library (and the importer, which reuses the
// window arithmetic). Result-type inference doubles as verification: an
// inference function reports what is wrong when it is given a location.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_DIALECT_QC_QCSHAPEUTILS_H
#define QUANTC_DIALECT_QC_QCSHAPEUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace mlir::qc {

/// "[1, 3, 640, 640]".
std::string formatShape(ArrayRef<int64_t> shape);

/// Emits "'<opName>' op <args...>" at `loc` when there is one (inference
/// called from a verifier or an importer); always returns failure.
template <typename... Args>
LogicalResult inferError(std::optional<Location> loc, StringRef opName,
                         Args &&...args) {
  if (loc) {
    InFlightDiagnostic diag = emitError(*loc);
    diag << "'" << opName << "' op ";
    (diag << ... << std::forward<Args>(args));
  }
  return failure();
}

/// Normalises `axis` in [-rank, rank) to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// Sliding-window parameters of a convolution or pooling op, with the ONNX
/// defaults applied (strides and dilations 1, pads 0).
struct WindowParams {
  SmallVector<int64_t> strides, padsBegin, padsEnd, dilations;
};

/// Checks the sizes and signs of `strides`, `pads` and `dilations` for
/// `numSpatial` spatial dimensions and fills `params`.
LogicalResult getWindowParams(std::optional<Location> loc, StringRef opName,
                              int64_t numSpatial,
                              std::optional<ArrayRef<int64_t>> strides,
                              std::optional<ArrayRef<int64_t>> pads,
                              std::optional<ArrayRef<int64_t>> dilations,
                              WindowParams &params);

/// ONNX pooling output size; nullopt when the window does not fit.
std::optional<int64_t> poolOutputSize(int64_t in, int64_t kernel,
                                      int64_t stride, int64_t padBegin,
                                      int64_t padEnd, int64_t dilation,
                                      bool ceilMode);

/// Whether `from` broadcasts unidirectionally (numpy, right-aligned) to `to`.
bool isUnidirectionallyBroadcastable(ArrayRef<int64_t> from,
                                     ArrayRef<int64_t> to);

/// Checks that a quantized tensor type's parameters fit its shape: a
/// per-axis type names a dimension with one scale per element, a sub-channel
/// type has block sizes that divide the shape and a scale tensor of the
/// matching shape. `what` names the value ("operand", "result").
LogicalResult verifyQuantizedTensor(function_ref<InFlightDiagnostic()> emitErr,
                                    RankedTensorType type, StringRef what);

} // namespace mlir::qc

#endif // QUANTC_DIALECT_QC_QCSHAPEUTILS_H

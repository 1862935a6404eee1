//===- QCDialect.cpp - qc dialect registration and shared helpers ---------===//

#include "qc/QCDialect.h"
#include "qc/QCOps.h"
#include "qc/QCShapeUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qc;

#include "qc/QCDialect.cpp.inc"
#include "qc/QCEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qc/QCAttrs.cpp.inc"

void QCDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qc/QCAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "qc/QCOps.cpp.inc"
      >();
}

Operation *QCDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

//===----------------------------------------------------------------------===//
// Shared helpers (QCShapeUtils.h).
//===----------------------------------------------------------------------===//

std::string mlir::qc::formatShape(ArrayRef<int64_t> shape) {
  return "[" +
         llvm::join(llvm::map_range(
                        shape, [](int64_t d) { return std::to_string(d); }),
                    ", ") +
         "]";
}

std::optional<int64_t> mlir::qc::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

LogicalResult mlir::qc::getWindowParams(
    std::optional<Location> loc, StringRef opName, int64_t numSpatial,
    std::optional<ArrayRef<int64_t>> strides,
    std::optional<ArrayRef<int64_t>> pads,
    std::optional<ArrayRef<int64_t>> dilations, WindowParams &params) {
  params.strides.assign(numSpatial, 1);
  params.dilations.assign(numSpatial, 1);
  params.padsBegin.assign(numSpatial, 0);
  params.padsEnd.assign(numSpatial, 0);
  auto takePositive = [&](std::optional<ArrayRef<int64_t>> attr, StringRef name,
                          SmallVector<int64_t> &out) -> LogicalResult {
    if (!attr)
      return success();
    if ((int64_t)attr->size() != numSpatial)
      return inferError(loc, opName, "expected ", numSpatial, " ", name,
                        " (one per spatial dimension), found ", attr->size());
    for (int64_t v : *attr)
      if (v <= 0)
        return inferError(loc, opName, "expected positive ", name, ", found ",
                          formatShape(*attr));
    out.assign(attr->begin(), attr->end());
    return success();
  };
  if (failed(takePositive(strides, "strides", params.strides)) ||
      failed(takePositive(dilations, "dilations", params.dilations)))
    return failure();
  if (pads) {
    if ((int64_t)pads->size() != 2 * numSpatial)
      return inferError(loc, opName, "expected ", 2 * numSpatial,
                        " pads (begins then ends), found ", pads->size());
    for (int64_t v : *pads)
      if (v < 0)
        return inferError(loc, opName, "expected non-negative pads, found ",
                          formatShape(*pads));
    params.padsBegin.assign(pads->begin(), pads->begin() + numSpatial);
    params.padsEnd.assign(pads->begin() + numSpatial, pads->end());
  }
  return success();
}

std::optional<int64_t>
mlir::qc::poolOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode) {
  int64_t span = (kernel - 1) * dilation + 1;
  int64_t room = in + padBegin + padEnd - span;
  if (room < 0)
    return std::nullopt;
  int64_t out = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
  // A window must start inside the input or the begin padding.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

bool mlir::qc::isUnidirectionallyBroadcastable(ArrayRef<int64_t> from,
                                               ArrayRef<int64_t> to) {
  if (from.size() > to.size())
    return false;
  size_t offset = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i)
    if (from[i] != 1 && from[i] != to[offset + i])
      return false;
  return true;
}

LogicalResult
mlir::qc::verifyQuantizedTensor(function_ref<InFlightDiagnostic()> emitErr,
                                RankedTensorType type, StringRef what) {
  Type elem = type.getElementType();
  int64_t rank = type.getRank();
  ArrayRef<int64_t> shape = type.getShape();
  if (isa<quant::UniformQuantizedType>(elem))
    return success();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(elem)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis >= rank)
      return emitErr() << "expected the quantized dimension of the " << what
                       << " (" << axis << ") to be less than its rank (" << rank
                       << ")";
    if ((int64_t)perAxis.getScales().size() != shape[axis])
      return emitErr() << "expected " << shape[axis] << " scales for dimension "
                       << axis << " of the " << what << ", found "
                       << perAxis.getScales().size();
    return success();
  }
  if (auto sub = dyn_cast<quant::UniformQuantizedSubChannelType>(elem)) {
    ArrayRef<int64_t> scaleShape = sub.getScales().getType().getShape();
    if ((int64_t)scaleShape.size() != rank)
      return emitErr() << "expected a scale tensor of rank " << rank
                       << " for the " << what << ", found rank "
                       << scaleShape.size();
    SmallVector<int64_t> blocks(shape.begin(), shape.end());
    for (auto [dim, size] : sub.getBlockSizeInfo()) {
      if (dim >= rank)
        return emitErr() << "expected quantized dimension " << dim << " of the "
                         << what << " to be less than its rank (" << rank
                         << ")";
      if (shape[dim] % size != 0)
        return emitErr() << "expected block size " << size
                         << " to divide dimension " << dim << " of the " << what
                         << " (" << shape[dim] << ")";
      blocks[dim] = size;
    }
    for (int64_t d = 0; d < rank; ++d)
      if (scaleShape[d] != shape[d] / blocks[d])
        return emitErr() << "expected a scale tensor of shape "
                         << formatShape(llvm::to_vector(
                                llvm::map_range(llvm::seq<int64_t>(0, rank),
                                                [&](int64_t i) {
                                                  return shape[i] / blocks[i];
                                                })))
                         << " for the " << what << ", found "
                         << formatShape(scaleShape);
    return success();
  }
  return emitErr() << "expected a !quant.uniform element type for the " << what
                   << ", found " << elem;
}

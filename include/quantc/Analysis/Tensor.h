//===- Tensor.h - host tensors for the reference evaluator ------*- C++ -*-===//
//
// A Tensor is a shape, an MLIR element type and row-major data. Float
// tensors (f32) keep their values as float; integer, boolean (i1) and
// quantized tensors keep theirs as int64_t (a quantized tensor holds its
// storage integers, and its element type is the !quant.uniform type).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_ANALYSIS_TENSOR_H
#define QUANTC_ANALYSIS_TENSOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include <cstdint>
#include <vector>

namespace mlir::qc {

class Tensor {
public:
  Tensor() = default;

  /// An f32 tensor. `data.size()` must equal the product of `shape`.
  static Tensor getFloat(MLIRContext *ctx, ArrayRef<int64_t> shape,
                         std::vector<float> data);
  /// An integer, i1 or quantized tensor of element type `elementType`.
  static Tensor getInt(Type elementType, ArrayRef<int64_t> shape,
                       std::vector<int64_t> data);
  /// A zero-filled tensor of `type` (f32, integer or quantized elements).
  static Tensor getZeros(RankedTensorType type);

  /// The value of a constant attribute (`dense` or `dense_resource`, f32,
  /// integer or i1 elements); failure for other element types. Sub-byte
  /// integer blobs (i4, ui4, i2, ...) hold one element per byte in the low
  /// bits (the upper bits are ignored), or are packed low bits first.
  static FailureOr<Tensor> fromAttr(ElementsAttr attr);
  /// A `dense` attribute for small tensors, a `dense_resource` blob for
  /// large ones (over `resourceThreshold` elements).
  ElementsAttr toAttr(StringRef nameHint = "cst",
                      int64_t resourceThreshold = 16) const;

  bool isFloat() const { return isa_and_nonnull<FloatType>(elementType); }
  Type getElementType() const { return elementType; }
  RankedTensorType getType() const;
  ArrayRef<int64_t> getShape() const { return shape; }
  int64_t getRank() const { return shape.size(); }
  int64_t getNumElements() const;

  ArrayRef<float> getFloats() const { return floats; }
  MutableArrayRef<float> getFloats() { return floats; }
  ArrayRef<int64_t> getInts() const { return ints; }
  MutableArrayRef<int64_t> getInts() { return ints; }

  /// Row-major strides of the shape, in elements.
  SmallVector<int64_t> getStrides() const;

private:
  Type elementType;
  SmallVector<int64_t> shape;
  std::vector<float> floats;
  std::vector<int64_t> ints;
};

} // namespace mlir::qc

#endif // QUANTC_ANALYSIS_TENSOR_H

//===- Constants.h - reading and writing constant tensors ---------*- C++
//-*-===//
//
// Weights are `dense_resource` blobs (never giant text); small constants may
// be plain `dense` attributes. These helpers read either kind as float data
// and make new blobs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_SUPPORT_CONSTANTS_H
#define QUANTC_SUPPORT_CONSTANTS_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include <optional>
#include <vector>

namespace mlir::qc {

/// The elements of a float constant (f16, bf16, f32 or f64; `dense` or
/// `dense_resource`) as f32, in row-major order; nullopt for other kinds.
std::optional<std::vector<float>> readFloatElements(ElementsAttr attr);

/// Same for the value produced by an `arith.constant`; nullopt when `value`
/// is not a float constant.
std::optional<std::vector<float>> readFloatConstant(Value value);

/// The elements of an integer constant (`dense` or `dense_resource`, any
/// width up to 64; sub-byte widths stored one element per byte) as int64,
/// sign-extended unless `isUnsigned`; nullopt for other kinds.
std::optional<std::vector<int64_t>> readIntElements(ElementsAttr attr,
                                                    bool isUnsigned);

/// A `dense_resource` attribute of `type` holding `data` (f32 elements) in a
/// fresh blob whose key is derived from `nameHint`.
DenseResourceElementsAttr makeF32Resource(RankedTensorType type,
                                          StringRef nameHint,
                                          ArrayRef<float> data);

/// A `dense_resource` attribute of `type` holding the raw little-endian bytes
/// `bytes` (one element per `type`'s storage width).
DenseResourceElementsAttr makeRawResource(RankedTensorType type,
                                          StringRef nameHint,
                                          ArrayRef<char> bytes);

} // namespace mlir::qc

#endif // QUANTC_SUPPORT_CONSTANTS_H

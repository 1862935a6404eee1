//===- ChannelUtils.h - per-channel constant arithmetic ----------*- C++
//-*-===//
//
// Helpers shared by Smooth.cpp and RearrangeOutlierChannels.cpp: reading f32
// constants, scaling, shifting and permuting them along one axis, and making
// new constants (plain `dense` when small, so tests can read them;
// `dense_resource` blobs otherwise).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TRANSFORMS_CHANNELUTILS_H
#define QUANTC_LIB_TRANSFORMS_CHANNELUTILS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc::channels {

/// An f32 constant's data and shape.
struct F32Data {
  SmallVector<int64_t> shape;
  std::vector<float> data;
};

/// The data of `v` when it is an `arith.constant` of f32 elements.
std::optional<F32Data> readF32(Value v);

/// Whether `v` is an f32 `arith.constant`.
bool isF32Constant(Value v);

/// A new `arith.constant` of `data` with `shape` (dense when it has at most
/// 16 elements, a `dense_resource` blob named after `nameHint` otherwise).
Value makeF32Constant(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                      ArrayRef<float> data, StringRef nameHint);

/// `data` viewed as [outer, n, inner] around `axis`.
struct AxisView {
  int64_t outer = 1, n = 1, inner = 1;
  AxisView(ArrayRef<int64_t> shape, int64_t axis);
};

/// data[.., j, ..] *= f[j] along `axis`.
void scaleAlong(F32Data &t, int64_t axis, ArrayRef<float> f);
/// data[.., j, ..] += f[j] along `axis`.
void addAlong(F32Data &t, int64_t axis, ArrayRef<float> f);
/// new[.., i, ..] = old[.., perm[i], ..] along `axis`.
void permuteAlong(F32Data &t, int64_t axis, ArrayRef<int64_t> perm);

/// Broadcasts `t` so that its dimension `fromBack` (counted from the back,
/// -1 the last) is `n`: missing leading dimensions are added as 1 and a
/// dimension of 1 there is repeated. Returns the absolute axis.
int64_t expandAlong(F32Data &t, int64_t fromBack, int64_t n);

/// Replaces operand `index` of `op` by `v`, erasing the old value's
/// `arith.constant` when that was its last use.
void replaceOperandAndClean(Operation *op, unsigned index, Value v);

/// `v` with 4 significant digits ("%.4g"), for messages.
std::string formatNumber(double v);

/// "1 consumer", "2 consumers".
std::string pluralize(int64_t n, StringRef noun);

/// The shape [n, 1, ..., 1] that broadcasts along `axis` of a rank-`rank`
/// tensor.
SmallVector<int64_t> channelShape(int64_t rank, int64_t axis, int64_t n);

//===----------------------------------------------------------------------===//
// Channel flow (ChannelFlow.cpp): ops that carry an operand's channels to
// their result in the same order, along some axis. Axes count from the back
// (-1 is the last dimension).
//===----------------------------------------------------------------------===//

/// The axis of the result that holds the `n` channels operand `index`
/// carries at `fromBack`, when the op carries them through unchanged
/// (elementwise ops, normalisation, pooling, depthwise conv, softmax,
/// transpose, reshapes that keep the dimension, reductions over other axes,
/// concat / slice / pad that leave it alone); nullopt otherwise.
std::optional<int64_t> resultChannelAxis(Operation *op, unsigned index,
                                         int64_t fromBack, int64_t n);

/// The converse: where operand `index` holds the channels when the result
/// has them at `fromBack`. Failure when the op does not carry channels
/// there; nullopt when that operand does not carry them (it is broadcast
/// along them, or is a reduced statistic).
FailureOr<std::optional<int64_t>>
operandChannelAxis(Operation *op, unsigned index, int64_t fromBack, int64_t n);

/// Whether the op's result does not depend on the order of the channels
/// operand `index` has at `fromBack` (a reduction over them).
bool isOrderInvariantUse(Operation *op, unsigned index, int64_t fromBack);

} // namespace mlir::qc::channels

#endif // QUANTC_LIB_TRANSFORMS_CHANNELUTILS_H

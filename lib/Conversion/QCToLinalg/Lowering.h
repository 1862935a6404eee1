//===- Lowering.h - shared helpers of convert-qc-to-linalg --------*- C++
//-*-===//

#ifndef QUANTC_LIB_CONVERSION_QCTOLINALG_LOWERING_H
#define QUANTC_LIB_CONVERSION_QCTOLINALG_LOWERING_H

#include "qc/QCOps.h"
#include "quantc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <optional>
#include <vector>

namespace mlir::qc::lowering {

using BodyFn = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// Whether a qc-level element type is an unsigned integer (`ui8`) or a
/// quantized type with unsigned storage.
bool isUnsignedElement(Type type);

/// The indexing map reading an operand of `operandShape` at the iteration
/// point of a result of `resultShape` with numpy broadcasting.
AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape);

/// `tensor.empty` of `type`.
Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type);
/// `tensor.empty` filled with `value` (`linalg.fill`).
Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   Value value);

/// A scalar constant of `type` (float or integer) with value `v`.
Value createScalar(OpBuilder &b, Location loc, Type type, double v);

/// An all-parallel `linalg.generic` producing `resultType` from `inputs`
/// (each broadcast to the result shape); `body` maps the input scalars to
/// the result scalar.
Value createElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                        ValueRange inputs, BodyFn body);

/// Reshapes a static tensor to `type` (same element count) with
/// `tensor.collapse_shape` / `tensor.expand_shape`.
Value createReshape(OpBuilder &b, Location loc, Value value,
                    RankedTensorType type);

/// The converted (storage, signless) type of a qc tensor type.
RankedTensorType convertType(const TypeConverter &converter, Type type);

/// `tensor.pad` of `value` with `low`/`high` elements per dimension
/// (non-negative) filled with the scalar `padValue`; returns `value` when
/// all pads are zero.
Value createPad(OpBuilder &b, Location loc, Value value, ArrayRef<int64_t> low,
                ArrayRef<int64_t> high, Value padValue);

/// alpha * y + beta * c of ONNX Gemm (c broadcast to `resultType`; null
/// for none), as one elementwise generic, or `y` itself when alpha is 1 and
/// there is nothing to add.
Value gemmScaleAndAdd(OpBuilder &b, Location loc, RankedTensorType resultType,
                      Value y, Value c, double alpha, double beta);

/// Scalar float helpers used by several lowerings.
Value createClamp(OpBuilder &b, Location loc, Value x, Value lo, Value hi);

// Pattern groups, one per file.
void populateElementwisePatterns(const TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populateContractionPatterns(const TypeConverter &converter,
                                 RewritePatternSet &patterns);
void populateReductionPatterns(const TypeConverter &converter,
                               RewritePatternSet &patterns);
void populateDataMovementPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns);
void populateQuantPatterns(const TypeConverter &converter,
                           RewritePatternSet &patterns);
/// CPU data tiling of contractions (higher benefit than the generic forms).
void populateDataTilingPatterns(const TypeConverter &converter,
                                RewritePatternSet &patterns);
/// The W8A8 part of populateDataTilingPatterns (QuantizedDataTiling.cpp).
void populateQuantizedDataTilingPatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns);

/// The W4 part of populateDataTilingPatterns (WeightOnlyDataTiling.cpp).
void populateWeightOnlyDataTilingPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns);
/// Without data tiling: f32 matrix products with a constant int4 weight as
/// the `gemv_w4_f32` generic for any number of rows (`packed-w4`, CUDA).
void populatePackedW4GemvPatterns(const TypeConverter &converter,
                                  RewritePatternSet &patterns);
/// Without data tiling: W8A8 matrix products and convolutions as the
/// integer `matmul_u8s8s32` GEMM generic with a requantizing epilogue,
/// depthwise convolutions as an i32 generic (`integer-contractions`, CUDA).
void populateIntegerContractionPatterns(const TypeConverter &converter,
                                        RewritePatternSet &patterns);

/// qc.hadamard with blocks of 2 to kFWHTKernelMaxBlock as one generic
/// tagged `fwht_f32` for the CUDA target's FWHT kernel (`fwht-kernel`).
void populateFWHTKernelPatterns(const TypeConverter &converter,
                                RewritePatternSet &patterns);

/// A quantized constant read through qc.dequantize(quant.scast(
/// arith.constant)), any granularity, with each element's parameters:
/// element e dequantizes to (q[e] - zp[e]) * scale[e] in f32.
struct QuantConstant {
  quant::QuantizedType type;
  std::vector<int64_t> q;
  std::vector<float> scale;
  std::vector<int32_t> zp; // zero points fit the storage type (<= 32 bits)
};
std::optional<QuantConstant> readQuantConstant(Value w);

/// The f32 values of a constant weight: an f32 constant, or the
/// dequantization of a quantized constant (readQuantConstant), computed at
/// compile time.
std::optional<std::vector<float>> constantWeights(Value w);

} // namespace mlir::qc::lowering

#endif // QUANTC_LIB_CONVERSION_QCTOLINALG_LOWERING_H

//===- EvalUtils.h - helpers shared by the op families ----------*- C++ -*-===//
//
// Internal to lib/Analysis. The evaluator dispatches on the op name through a
// table that each op family fills (registerElementwiseKernels, ...); kernels
// take their operands as pointers (the evaluator never copies an operand) and
// return one tensor per result. Shapes and attributes have been verified by
// the op verifiers before a kernel runs.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_ANALYSIS_EVALUTILS_H
#define QUANTC_LIB_ANALYSIS_EVALUTILS_H

#include "quantc/Analysis/Tensor.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include <algorithm>
#include <cstdint>
#include <functional>

namespace mlir::qc::detail {

/// Per-evaluation settings visible to kernels.
struct EvalContext {
  /// Worker threads for the heavy kernels (always >= 1).
  unsigned numThreads = 1;
};

using Operands = ArrayRef<const Tensor *>;
using EvalResult = FailureOr<SmallVector<Tensor>>;
using Kernel = EvalResult (*)(Operation *op, Operands operands,
                              const EvalContext &ctx);
using KernelTable = llvm::StringMap<Kernel>;

void registerElementwiseKernels(KernelTable &table);
void registerContractionKernels(KernelTable &table);
void registerNNKernels(KernelTable &table);
void registerDataKernels(KernelTable &table);
void registerResizeKernels(KernelTable &table);
void registerQuantKernels(KernelTable &table);

} // namespace mlir::qc::detail

namespace mlir::qc {
class ConvOp;
class MatMulOp;
} // namespace mlir::qc

namespace mlir::qc::detail {

/// W8A8 contractions with exact integer accumulation
/// (EvalIntContraction.cpp); nullopt when `op` is not such a contraction.
std::optional<EvalResult> evalIntegerConv(ConvOp op, Operands operands,
                                          const EvalContext &ctx);
std::optional<EvalResult> evalIntegerMatMul(MatMulOp op, Operands operands,
                                            const EvalContext &ctx);

/// Wraps a single result.
inline EvalResult single(Tensor t) {
  SmallVector<Tensor> results;
  results.push_back(std::move(t));
  return results;
}

//===----------------------------------------------------------------------===//
// Shapes and integers.
//===----------------------------------------------------------------------===//

int64_t product(ArrayRef<int64_t> shape);
SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape);

/// Strides for reading a tensor of shape `in` broadcast (numpy rules, right
/// aligned) to `out`: 0 along broadcast dimensions. Has `out.size()` entries.
SmallVector<int64_t> broadcastStrides(ArrayRef<int64_t> in,
                                      ArrayRef<int64_t> out);

/// Calls `fn(outIndex, aIndex, bIndex)` for every element of `outShape` in
/// row-major order, with the offsets of two operands read through
/// `aStrides`/`bStrides` (from broadcastStrides).
template <typename Fn>
void forEachBroadcast(ArrayRef<int64_t> outShape, ArrayRef<int64_t> aStrides,
                      ArrayRef<int64_t> bStrides, Fn &&fn) {
  int64_t rank = outShape.size();
  int64_t total = product(outShape);
  if (total == 0)
    return;
  if (rank == 0) {
    fn(int64_t(0), int64_t(0), int64_t(0));
    return;
  }
  SmallVector<int64_t> idx(rank, 0);
  int64_t inner = outShape.back();
  int64_t as = aStrides.back(), bs = bStrides.back();
  int64_t a = 0, b = 0;
  for (int64_t o = 0; o < total; o += inner) {
    for (int64_t i = 0; i < inner; ++i)
      fn(o + i, a + i * as, b + i * bs);
    // Advance the odometer over the outer dimensions.
    for (int64_t d = rank - 2; d >= 0; --d) {
      a += aStrides[d];
      b += bStrides[d];
      if (++idx[d] < outShape[d])
        break;
      a -= aStrides[d] * outShape[d];
      b -= bStrides[d] * outShape[d];
      idx[d] = 0;
    }
  }
}

/// The bit width of an integer or quantized element type (storage width for
/// quantized types); 0 for other types.
unsigned getIntegerWidth(Type elementType);

/// Wraps `v` to a signless integer of `width` bits (two's complement), as
/// integer arithmetic of that width does; i1 keeps the low bit (0 or 1).
inline int64_t wrapToWidth(int64_t v, unsigned width) {
  if (width >= 64 || width == 0)
    return v;
  if (width == 1)
    return v & 1;
  unsigned shift = 64 - width;
  return static_cast<int64_t>(static_cast<uint64_t>(v) << shift) >> shift;
}

/// Whether integer elements of `elementType` are unsigned (ui8, or a
/// quantized type with unsigned storage). Signless integers are signed.
bool isUnsignedInteger(Type elementType);

/// The range of integer or quantized-storage elements of `elementType`.
std::pair<int64_t, int64_t> getIntegerRange(Type elementType);

/// Wraps `v` to an integer of `width` bits, signed or unsigned, as integer
/// arithmetic of that type does.
inline int64_t wrapInteger(int64_t v, unsigned width, bool isUnsigned) {
  if (isUnsigned && width < 64)
    return static_cast<int64_t>(static_cast<uint64_t>(v) &
                                ((uint64_t(1) << width) - 1));
  return wrapToWidth(v, width);
}

/// Round half to even in the current (default, to-nearest) rounding mode.
float roundHalfToEven(float x);

//===----------------------------------------------------------------------===//
// Threads.
//===----------------------------------------------------------------------===//

/// Runs `fn(task)` for every task in [0, numTasks) on up to `numThreads`
/// threads (the calling thread included), handing out tasks dynamically.
void parallelForTasks(unsigned numThreads, int64_t numTasks,
                      const std::function<void(int64_t)> &fn);

/// Splits [0, n) into contiguous chunks of at least `grain` elements and runs
/// `fn(begin, end)` for each, on up to `numThreads` threads.
void parallelForRange(unsigned numThreads, int64_t n, int64_t grain,
                      const std::function<void(int64_t, int64_t)> &fn);

//===----------------------------------------------------------------------===//
// Packed f32 GEMM (Gemm.cpp). C[M x N] = A[M x K] * B[K x N], summing over k
// in increasing order for every element, in f32 (bit-identical whatever the
// vector width the CPU offers).
//===----------------------------------------------------------------------===//

constexpr int64_t kGemmMR = 6;  // rows of A per packed panel
constexpr int64_t kGemmNR = 16; // columns of B per packed panel

/// Floats needed to pack an M x K matrix A (K x N for B).
inline int64_t packedASize(int64_t m, int64_t k) {
  return (m + kGemmMR - 1) / kGemmMR * kGemmMR * k;
}
inline int64_t packedBSize(int64_t k, int64_t n) {
  return (n + kGemmNR - 1) / kGemmNR * kGemmNR * k;
}

/// Packs A (element (i, k) at a[i * rowStride + k * colStride]) into panels
/// of kGemmMR rows, zero-padded: out[(i / MR) * K * MR + k * MR + i % MR].
void packA(const float *a, int64_t rowStride, int64_t colStride, int64_t m,
           int64_t k, float *out);
/// Packs B (element (k, j) at b[k * rowStride + j * colStride]) into panels
/// of kGemmNR columns, zero-padded: out[(j / NR) * K * NR + k * NR + j % NR].
void packB(const float *b, int64_t rowStride, int64_t colStride, int64_t k,
           int64_t n, float *out);
/// C = packedA * packedB, written to c[i * ldc + j] (overwritten).
void gemmPacked(const float *packedA, const float *packedB, int64_t m,
                int64_t n, int64_t k, float *c, int64_t ldc);

} // namespace mlir::qc::detail

#endif // QUANTC_LIB_ANALYSIS_EVALUTILS_H

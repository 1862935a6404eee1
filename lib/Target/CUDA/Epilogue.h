//===- Epilogue.h - elementwise epilogues fused into GEMM kernels -*- C++
//-*-===//
//
// A tensor-core GEMM kernel whose blocks own whole output tiles (no split
// of K across blocks) holds each finished sum in a register. The
// elementwise generic that reads the GEMM's result right after it (the
// requantizing epilogue of a W8A8 product or convolution, with what
// elementwise fusion merged into it; the bias and NCHW epilogue of a W4A16
// convolution) can then run in the kernel: for the sum of ACC[row][col] the
// kernel finds the epilogue's iteration point that reads it, loads the
// epilogue's other operands there, computes its body and stores the result.
// The accumulator is neither zero-filled nor written, and the epilogue's
// own launch disappears.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_LIB_TARGET_CUDA_EPILOGUE_H
#define QUANTC_LIB_TARGET_CUDA_EPILOGUE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir::qc::cuda {

/// How one loop of the epilogue follows from the accumulator's element:
/// (view index `result` / `stride`) % `range` of the epilogue's view of
/// the accumulator (no modulo for the outermost term).
struct LoopFromAcc {
  int64_t result = -1; // -1: a loop of extent 1, always 0
  int64_t stride = 1;
  int64_t range = 1;
  bool outermost = true;
};

struct FusedEpilogue {
  linalg::GenericOp op;
  unsigned accInput = 0;          // which DPS input reads the accumulator
  SmallVector<int64_t> accShape;  // that input's (view) shape
  SmallVector<LoopFromAcc> loops; // per loop of `op`
  int64_t accCols = 0;            // N of ACC[M][N]

  /// The epilogue of `gemm` (a generic on buffers writing ACC[M][N] =
  /// `acc`), if it can run in the kernel: the next generic after `gemm` is
  /// all-parallel with one output (any layout) and reads `acc` (or a
  /// reshape of it) as exactly one input, through an indexing map that
  /// determines every loop (each result a sum of loops with strides that
  /// delinearize); nothing else reads `acc`, which lives in the arena (not
  /// a function argument); the epilogue's output shares no memory with
  /// an input of `gemm` (it is written while the kernel still reads them);
  /// and what lies between has no memory effects or is a fill (the padding
  /// of the next layer's input, whose interior the epilogue writes) of
  /// memory that no input of `gemm` occupies. Those ops move before `gemm`.
  static std::optional<FusedEpilogue> match(linalg::GenericOp gemm, Value acc);

  /// The epilogue for the sum `sum` of ACC[row][col], at b's insertion
  /// point: its body on its other operands, stored to its output.
  void emit(OpBuilder &b, Location loc, Value row, Value col, Value sum);
};

} // namespace mlir::qc::cuda

#endif // QUANTC_LIB_TARGET_CUDA_EPILOGUE_H

//===- GPTQ.h - weight quantization: round-to-nearest and GPTQ ------*- C++ -*-===//
//
// The numerical core of qc-quantize, free of IR: a weight is a row-major
// matrix W[rows, cols] with one row per output channel and the reduction
// along the columns, quantized per row (per channel) or per row and block
// of `groupColumns` consecutive columns (per group):
//
//   Wq[r, c] = (q[r, c] - zp[r, g]) * scale[r, g],   g = c / groupColumns.
//
// quantizeRTN rounds every weight to the nearest grid point. quantizeGPTQ
// (Frantar et al., "GPTQ: Accurate Post-Training Quantization for
// Generative Pre-trained Transformers", 2023) quantizes the columns one at
// a time and spreads each column's rounding error over the columns not yet
// quantized, using the inverse of the layer's input second moment
// H = sum x x^T, so that the layer's output error ||(W - Wq) X^T||^2 =
// tr((W - Wq) H (W - Wq)^T) is small rather than the weight error.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_GPTQ_H
#define QUANTC_TRANSFORMS_GPTQ_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include <cstdint>
#include <optional>
#include <vector>

namespace mlir::qc {

/// The grid weights are rounded to.
struct WeightQuantSpec {
  unsigned bits = 8;
  /// Symmetric: narrow signed range [-(2^(b-1) - 1), 2^(b-1) - 1], zero
  /// point 0, scale = max|w| / qmax. Asymmetric: unsigned [0, 2^b - 1] over
  /// [min(w, 0), max(w, 0)] with a zero point.
  bool symmetric = true;
  /// Columns per group (0: one group per row, i.e. per channel). Must
  /// divide the number of columns.
  int64_t groupColumns = 0;
  /// Shrink each group's range to the one (of 80 candidates, 100% down to
  /// 21%) that minimises the group's squared rounding error.
  bool mseClip = false;

  int64_t qmin() const;
  int64_t qmax() const;
};

/// A quantized W[rows, cols]: storage integers and per (row, group)
/// parameters.
struct QuantizedMatrix {
  int64_t rows = 0, cols = 0;
  /// Columns per group (== cols for per-channel quantization).
  int64_t groupColumns = 0;
  std::vector<int64_t> q;          // rows * cols, row-major
  std::vector<float> scales;       // rows * numGroups(), row-major
  std::vector<int64_t> zeroPoints; // rows * numGroups(), row-major

  int64_t numGroups() const { return groupColumns ? cols / groupColumns : 1; }
  /// (q - zp) * scale, in f32 exactly as the evaluator dequantizes.
  std::vector<float> dequantize() const;
};

/// Scale and zero point quantizing `values` with `spec` (absmax or min/max,
/// optionally MSE-clipped). The scale is positive even for all-zero values.
std::pair<float, int64_t> computeQuantParams(llvm::ArrayRef<float> values,
                                             const WeightQuantSpec &spec);

/// Round-to-nearest (half to even) quantization.
QuantizedMatrix quantizeRTN(llvm::ArrayRef<float> w, int64_t rows,
                            int64_t cols, const WeightQuantSpec &spec);

struct GPTQOptions {
  /// Added to H's diagonal, relative to its mean: H + damp * mean(diag) I.
  double damp = 0.01;
  /// Columns per lazy batch update.
  int64_t blockSize = 128;
  /// Quantize columns in order of decreasing H[i, i] (the inputs with the
  /// most energy first).
  bool actOrder = false;
  /// Compute every group's scale from the original weights before any
  /// update (otherwise when the group's first column is reached, from the
  /// updated weights). Act-order with groups always uses static groups,
  /// since groups stay contiguous blocks of the original columns.
  bool staticGroups = false;
};

/// GPTQ with `h` the cols x cols row-major input second moment. When H is
/// not positive definite after damping, the damping is multiplied by 10 up
/// to 4 times; then an error is returned.
llvm::Expected<QuantizedMatrix>
quantizeGPTQ(llvm::ArrayRef<float> w, int64_t rows, int64_t cols,
             llvm::ArrayRef<double> h, const WeightQuantSpec &spec,
             const GPTQOptions &options);

/// tr((W - Wq) H (W - Wq)^T): the output error summed over the rows X that
/// H = sum x x^T was accumulated from.
double layerOutputError(llvm::ArrayRef<float> w, llvm::ArrayRef<float> wq,
                        int64_t rows, int64_t cols, llvm::ArrayRef<double> h);

/// Lower Cholesky factor L of the symmetric positive definite n x n `a`
/// (row-major, A = L L^T), in place (the upper triangle is zeroed); false
/// when `a` is not positive definite.
bool choleskyLower(std::vector<double> &a, int64_t n);

/// GPTQ's "Hinv": the upper triangular U with U^T U = H^-1, computed from
/// the Cholesky factor of H with its rows and columns reversed (no explicit
/// inverse of H is formed). nullopt when H is not positive definite.
std::optional<std::vector<double>> choleskyInverseUpper(llvm::ArrayRef<double> h,
                                                        int64_t n);

} // namespace mlir::qc

#endif // QUANTC_TRANSFORMS_GPTQ_H

//===- Calibration.h - activation statistics and Hessians ----------*- C++ -*-===//
//
// Calibration runs the reference evaluator over a calibration set and
// collects, for every float activation of a function, the statistics the
// quantization passes need (ranges, per-channel magnitudes, histograms),
// and for every contraction with constant weights the input second moment
// H = sum X^T X (im2col view for convolutions) used by GPTQ and by
// sensitivity analysis. Samples are streamed: memory stays bounded by one
// sample's activations plus the statistics.
//
// A calibration set is a directory with one subdirectory per sample, each
// holding one `<input name>.npy` per function argument (the names quant-run
// uses: the `onnx.name` argument attribute, else arg0, arg1, ...).
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_ANALYSIS_CALIBRATION_H
#define QUANTC_ANALYSIS_CALIBRATION_H

#include "quantc/Analysis/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/Error.h"
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

/// The samples of a calibration directory, loaded one at a time.
class CalibrationSet {
public:
  /// Lists the samples of `dir` for `func` and checks that each holds a
  /// .npy file for every argument; errors name the directory and file.
  /// The samples are the subdirectories of `dir` in name order; a `dir`
  /// holding the .npy files itself is a set of one sample.
  static llvm::Expected<CalibrationSet> open(StringRef dir, func::FuncOp func);

  /// The file name (without .npy) read for argument `index` of `func`: its
  /// `onnx.name` attribute with characters outside [A-Za-z0-9._-] replaced
  /// by '_', else `arg<index>` (the names quant-run uses).
  static std::string getArgumentFileName(func::FuncOp func, unsigned index);

  size_t size() const { return samples.size(); }
  StringRef sampleName(size_t i) const { return samples[i]; }
  /// The inputs of sample `i`, checked against the argument types (shape
  /// and element type; errors name the file, the argument and both types).
  llvm::Expected<SmallVector<Tensor>> load(size_t i) const;

private:
  std::string dir;
  func::FuncOp func;
  std::vector<std::string> samples;
  std::vector<std::string> argNames;
};

/// A histogram of |x| over [0, maxAbs], rebinned (doubling its range) as
/// larger values arrive. The first non-zero batch sets the range; NaN and
/// infinite values are not counted.
struct AbsHistogram {
  static constexpr int kBins = 2048;
  double maxAbs = 0;          // upper edge of the last bin
  std::vector<double> counts; // kBins entries once non-empty
  void add(ArrayRef<float> values);
  double getBinWidth() const { return maxAbs / kBins; }
  double getTotal() const;
};

/// Statistics of one float activation over all samples.
struct ActivationStats {
  float min = 0, max = 0;
  int64_t count = 0;
  /// Per channel (dimension 1 for rank >= 2, else the only dimension):
  /// min, max and max |x|, and the sum of the values (the mean times
  /// count / channels).
  SmallVector<float> channelMin, channelMax, channelAbsMax;
  SmallVector<double> channelSum;
  AbsHistogram histogram;
};

struct CalibrationOptions {
  bool perChannel = true;
  bool histograms = true;
  /// Collect H = sum X^T X for contractions with constant weights.
  bool hessians = false;
  /// Collect statistics only for the values this returns true for (all
  /// float values when empty). Hessians do not depend on it.
  std::function<bool(Value)> filter;
  /// Evaluator threads; 0 = hardware threads.
  unsigned numThreads = 0;
  /// Use at most this many samples (0 = all).
  size_t maxSamples = 0;
  /// Print a progress line on stderr when it is a terminal.
  bool progress = true;
};

/// The input second moment of one contraction: one K x K matrix per group.
/// A grouped convolution's output channels of group g only read the input
/// channels of group g, so each group gets its own H over its own im2col
/// columns (a depthwise 3x3 convolution has C Hessians of 9 x 9).
struct LayerHessian {
  int64_t groups = 1;
  /// K: the weight's reduction size per group (C/group * kh * kw for
  /// convolutions, in the weight's flattening order).
  int64_t size = 0;
  /// Rows X accumulated (per group): output positions times samples.
  int64_t rows = 0;
  /// groups * K * K values; group g's row-major matrix starts at g * K * K.
  std::vector<double> h;

  ArrayRef<double> getGroup(int64_t g) const {
    return ArrayRef<double>(h).slice(g * size * size, size * size);
  }
};

struct CalibrationResult {
  size_t numSamples = 0;
  /// Every float value (function arguments and op results) that passes the
  /// filter, except results of constant ops (weights are not activations).
  llvm::DenseMap<Value, ActivationStats> stats;
  /// H = sum X^T X of the activation of each qc.conv / qc.matmul / qc.gemm
  /// whose weight is constant (see Contraction.h), computed on the float
  /// activations the function produces.
  llvm::DenseMap<Operation *, LayerHessian> hessians;
};

struct Contraction;

/// Adds the rows of `x`, the activation of contraction `c`, to `hessian`
/// (initialised to c's groups and K on first use): im2col patches for a
/// convolution (zero padding included), the rows of X[..., K] for a matrix
/// product. f32 products summed over chunks of rows, accumulated in double.
void accumulateHessian(const Contraction &c, const Tensor &x,
                       LayerHessian &hessian, unsigned numThreads = 1);

/// Runs `func` on every sample of `set` and collects statistics. Emits
/// errors at the function for bad samples.
FailureOr<CalibrationResult> calibrate(func::FuncOp func,
                                       const CalibrationSet &set,
                                       const CalibrationOptions &options);

/// How to choose a quantization range from statistics.
enum class RangeMethod { MinMax, Percentile, Entropy, MSE };

/// Parses "minmax", "percentile", "entropy", "mse".
std::optional<RangeMethod> parseRangeMethod(StringRef name);

/// The name parseRangeMethod accepts for `method`.
StringRef stringifyRangeMethod(RangeMethod method);

/// The [lo, hi] range to quantize an activation with, for `bits`-bit
/// storage: min-max, the `percentile` (e.g. 99.99) of |x|, the KL-divergence
/// optimum on the histogram (TensorRT style) or the MSE-optimal clipping.
/// The last three choose a threshold T on |x| and return
/// [max(min, -T), min(max, T)]. The range always contains 0.
std::pair<float, float> chooseRange(const ActivationStats &stats,
                                    RangeMethod method, unsigned bits,
                                    double percentile = 99.99);

/// The clipping threshold T on |x| that chooseRange uses (for tests and
/// reports); the largest |x| for MinMax.
double chooseAbsThreshold(const ActivationStats &stats, RangeMethod method,
                          unsigned bits, double percentile = 99.99);

} // namespace mlir::qc

#endif // QUANTC_ANALYSIS_CALIBRATION_H

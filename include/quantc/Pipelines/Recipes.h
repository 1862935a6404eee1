//===- Recipes.h - quantization recipes: w8a8, w4a16, w4a8 --------*- C++ -*-===//
//
// A recipe is a pipeline that turns an f32 qc graph into the quantized
// form of docs/quantized-ir.md: graph clean-ups (qc-fold-batchnorm,
// qc-fold-constants, canonicalize), then qc-quantize with the recipe's
// settings. quant-opt registers each as `qc-<name>-pipeline` with options;
// quantc runs them for `--recipe`.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_PIPELINES_RECIPES_H
#define QUANTC_PIPELINES_RECIPES_H

#include "quantc/Transforms/Quantize.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"
#include <optional>
#include <string>
#include <vector>

namespace mlir::qc {

enum class Recipe {
  /// int8 per-channel symmetric weights (RTN), u8 per-tensor activations.
  W8A8,
  /// int4 symmetric weights per group of 128 reduction channels (GPTQ),
  /// f32 activations.
  W4A16,
  /// int4 group-128 weights (GPTQ) and u8 per-tensor activations.
  W4A8,
  /// Weight-only like W4A16, each layer at 4 or 8 bits chosen by
  /// qc-assign-precision for an average of 4.5 bits.
  Mixed,
};

std::optional<Recipe> parseRecipe(StringRef name);
StringRef stringifyRecipe(Recipe recipe);

/// Everything a recipe can be told; `getDefault` fills in its defaults.
struct RecipeConfig {
  Recipe recipe = Recipe::W8A8;
  /// Calibration directory (activation ranges, GPTQ Hessians).
  std::string calib;
  unsigned numSamples = 0;
  RangeMethod actMethod = RangeMethod::Percentile;
  double actPercentile = 99.999;
  WeightAlgorithm algorithm = WeightAlgorithm::RTN;
  unsigned weightBits = 8;
  int64_t groupSize = 0; // 0: per channel
  unsigned actBits = 8;
  bool gptqActOrder = false;
  bool weightMseClip = false;
  /// Equalize the channel ranges of convolution inputs before quantizing
  /// activations (qc-equalize-channels; dense-alpha 0: depthwise only).
  bool equalize = true;
  double equalizeDenseAlpha = 0.5;
  /// Also equalize activations whose producer cannot absorb the factors,
  /// with a run-time per-channel qc.mul (qc-equalize-channels runtime-scale).
  bool equalizeRuntime = false;
  /// Empirical bias correction in qc-quantize.
  bool biasCorrection = true;
  /// qc-quantize keep-float: layers left in float, the most sensitive ones
  /// measured end to end on one calibration sample (0: none).
  unsigned keepFloat = 0;
  /// GPTQ rounds to nearest the layers with fewer calibration rows than
  /// reduction columns (qc-quantize gptq-rank-fallback; set for W8A8).
  bool gptqRankFallback = false;
  /// Mixed: candidate widths and budgets of qc-assign-precision (0: none).
  std::vector<unsigned> mixedBits = {4, 8};
  double avgBits = 4.5;
  int64_t budgetBytes = 0;

  static RecipeConfig getDefault(Recipe recipe);
};

/// The f32-preserving part of a recipe (module-level pass manager):
/// qc-fold-batchnorm, qc-fold-constants, canonicalize and, for recipes that
/// quantize activations, qc-equalize-channels. A graph after these computes
/// the same function as before (up to rounding), with the layers the
/// quantizer sees; quantc measures per-layer errors against it.
void buildRecipePrepPipeline(OpPassManager &pm, const RecipeConfig &config);
/// qc-quantize with the recipe's settings.
void buildRecipeQuantizePipeline(OpPassManager &pm, const RecipeConfig &config);
/// Both.
void buildRecipePipeline(OpPassManager &pm, const RecipeConfig &config);

/// The options of the registered `qc-*-pipeline`s; `Default` is the
/// recipe's weight algorithm.
template <WeightAlgorithm Default>
struct RecipePipelineOptions
    : public PassPipelineOptions<RecipePipelineOptions<Default>> {
  using Base = PassPipelineOptions<RecipePipelineOptions<Default>>;
  typename Base::template Option<std::string> calib{
      *this, "calib",
      llvm::cl::desc("Calibration directory (one subdirectory of .npy inputs "
                     "per sample)")};
  typename Base::template Option<unsigned> numSamples{
      *this, "num-samples",
      llvm::cl::desc("Calibrate on at most this many samples (0: all)"),
      llvm::cl::init(0)};
  typename Base::template Option<RangeMethod> actMethod{
      *this, "act-method",
      llvm::cl::desc("How activation ranges are chosen"),
      llvm::cl::init(RangeMethod::Percentile),
      llvm::cl::values(
          clEnumValN(RangeMethod::MinMax, "minmax", "observed min and max"),
          clEnumValN(RangeMethod::Percentile, "percentile",
                     "percentile of |x|"),
          clEnumValN(RangeMethod::Entropy, "entropy", "KL divergence"),
          clEnumValN(RangeMethod::MSE, "mse", "MSE-optimal clipping"))};
  typename Base::template Option<double> actPercentile{
      *this, "act-percentile",
      llvm::cl::desc("Percentile for act-method=percentile"),
      llvm::cl::init(99.999)};
  typename Base::template Option<bool> equalize{
      *this, "equalize",
      llvm::cl::desc("Equalize convolution input channels first "
                     "(qc-equalize-channels; activation recipes only)"),
      llvm::cl::init(true)};
  typename Base::template Option<bool> equalizeRuntime{
      *this, "equalize-runtime",
      llvm::cl::desc("Equalize also the inputs whose producer cannot absorb "
                     "the factors, with a run-time per-channel qc.mul"),
      llvm::cl::init(false)};
  typename Base::template Option<bool> biasCorrection{
      *this, "bias-correction",
      llvm::cl::desc("Empirical bias correction after quantizing"),
      llvm::cl::init(true)};
  typename Base::template Option<unsigned> keepFloat{
      *this, "keep-float",
      llvm::cl::desc("Leave the K most sensitive layers in float (measured "
                     "end to end on one calibration sample)"),
      llvm::cl::init(0)};
  typename Base::template Option<WeightAlgorithm> algorithm{
      *this, "algorithm", llvm::cl::desc("Weight rounding"),
      llvm::cl::init(Default),
      llvm::cl::values(clEnumValN(WeightAlgorithm::RTN, "rtn", "round to "
                                                               "nearest"),
                       clEnumValN(WeightAlgorithm::GPTQ, "gptq", "GPTQ"))};
  typename Base::template Option<bool> gptqActOrder{
      *this, "gptq-act-order",
      llvm::cl::desc("GPTQ: columns by decreasing H[i, i]"),
      llvm::cl::init(false)};
  typename Base::template Option<bool> weightMseClip{
      *this, "weight-mse-clip",
      llvm::cl::desc("MSE-optimal weight ranges instead of absmax"),
      llvm::cl::init(false)};

  RecipeConfig getConfig(Recipe recipe) const {
    RecipeConfig c = RecipeConfig::getDefault(recipe);
    c.calib = calib;
    c.numSamples = numSamples;
    c.actMethod = actMethod;
    c.actPercentile = actPercentile;
    c.algorithm = algorithm;
    c.gptqActOrder = gptqActOrder;
    c.weightMseClip = weightMseClip;
    c.equalize = equalize;
    c.equalizeRuntime = equalizeRuntime;
    c.biasCorrection = biasCorrection;
    c.keepFloat = keepFloat;
    return c;
  }
};

/// Registers qc-w8a8-pipeline, qc-w4a16-pipeline and qc-w4a8-pipeline.
void registerRecipePipelines();

} // namespace mlir::qc

#endif // QUANTC_PIPELINES_RECIPES_H

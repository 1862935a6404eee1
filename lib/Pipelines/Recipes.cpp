//===- Recipes.cpp - quantization recipes: w8a8, w4a16, w4a8 --------------===//

#include "quantc/Pipelines/Recipes.h"

#include "quantc/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlir;
using namespace mlir::qc;

std::optional<Recipe> mlir::qc::parseRecipe(StringRef name) {
  return llvm::StringSwitch<std::optional<Recipe>>(name)
      .Case("w8a8", Recipe::W8A8)
      .Case("w4a16", Recipe::W4A16)
      .Case("w4a8", Recipe::W4A8)
      .Case("mixed", Recipe::Mixed)
      .Default(std::nullopt);
}

StringRef mlir::qc::stringifyRecipe(Recipe recipe) {
  switch (recipe) {
  case Recipe::W8A8:
    return "w8a8";
  case Recipe::W4A16:
    return "w4a16";
  case Recipe::W4A8:
    return "w4a8";
  case Recipe::Mixed:
    return "mixed";
  }
  return "";
}

RecipeConfig RecipeConfig::getDefault(Recipe recipe) {
  RecipeConfig c;
  c.recipe = recipe;
  switch (recipe) {
  case Recipe::W8A8:
    c.weightBits = 8;
    c.groupSize = 0;
    c.algorithm = WeightAlgorithm::RTN;
    c.actBits = 8;
    c.gptqRankFallback = true;
    break;
  case Recipe::W4A16:
  case Recipe::W4A8:
  case Recipe::Mixed:
    c.weightBits = 4;
    c.groupSize = 128;
    c.algorithm = WeightAlgorithm::GPTQ;
    c.actBits = recipe == Recipe::W4A8 ? 8 : 0;
    break;
  }
  return c;
}

void mlir::qc::buildRecipePrepPipeline(OpPassManager &pm,
                                       const RecipeConfig &config) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(createQCFoldBatchNorm());
  fpm.addPass(createQCFoldConstants());
  fpm.addPass(createCanonicalizerPass());
  if (config.actBits != 0 && config.equalize) {
    QCEqualizeChannelsOptions e;
    e.calib = config.calib;
    e.numSamples = config.numSamples;
    e.denseAlpha = config.equalizeDenseAlpha;
    e.runtimeScale = config.equalizeRuntime;
    fpm.addPass(createQCEqualizeChannels(e));
  }
}

void mlir::qc::buildRecipeQuantizePipeline(OpPassManager &pm,
                                           const RecipeConfig &config) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  if (config.recipe == Recipe::Mixed) {
    // Widths are measured with the quantizer's own settings, so the
    // errors the knapsack weighs are those qc-quantize then produces.
    QCAssignPrecisionOptions a;
    a.calib = config.calib;
    a.numSamples = config.numSamples;
    a.bits.assign(config.mixedBits.begin(), config.mixedBits.end());
    a.avgBits = config.avgBits;
    a.budgetBytes = config.budgetBytes;
    a.algorithm = config.algorithm;
    a.weightGranularity = config.groupSize ? WeightGranularity::Group
                                           : WeightGranularity::Channel;
    a.groupSize = config.groupSize ? config.groupSize : 128;
    a.groupFallback = true;
    a.weightSymmetric = true;
    a.weightMseClip = config.weightMseClip;
    a.gptqActOrder = config.gptqActOrder;
    a.remarks = false;
    fpm.addPass(createQCAssignPrecision(a));
  }
  QCQuantizeOptions q;
  q.weightBits = config.weightBits;
  q.weightGranularity = config.groupSize ? WeightGranularity::Group
                                         : WeightGranularity::Channel;
  q.groupSize = config.groupSize ? config.groupSize : 128;
  // Layers with fewer (or not a multiple of) group-size reduction channels
  // are quantized per channel rather than rejected.
  q.groupFallback = true;
  q.weightSymmetric = true;
  q.weightMseClip = config.weightMseClip;
  q.algorithm = config.algorithm;
  q.actBits = config.actBits;
  q.actMethod = config.actMethod;
  q.actPercentile = config.actPercentile;
  q.calib = config.calib;
  q.numSamples = config.numSamples;
  q.gptqActOrder = config.gptqActOrder;
  q.biasCorrection = config.biasCorrection;
  q.keepFloat = config.keepFloat;
  q.gptqRankFallback = config.gptqRankFallback;
  fpm.addPass(createQCQuantize(q));
}

void mlir::qc::buildRecipePipeline(OpPassManager &pm,
                                   const RecipeConfig &config) {
  buildRecipePrepPipeline(pm, config);
  buildRecipeQuantizePipeline(pm, config);
}

namespace {
/// qc-mixed-pipeline: the GPTQ recipe options and qc-assign-precision's
/// candidate widths and budgets.
struct MixedPipelineOptions
    : public RecipePipelineOptions<WeightAlgorithm::GPTQ> {
  ListOption<unsigned> bits{
      *this, "bits",
      llvm::cl::desc("Candidate weight widths, each in [2, 8] (default 4,8)")};
  Option<double> avgBits{
      *this, "avg-bits",
      llvm::cl::desc("Average weight bits per weight element (0: no limit)"),
      llvm::cl::init(4.5)};
  Option<int64_t> budgetBytes{
      *this, "budget-bytes",
      llvm::cl::desc("Bytes of weights and scales (0: no limit)"),
      llvm::cl::init(0)};

  RecipeConfig getMixedConfig() const {
    RecipeConfig c = getConfig(Recipe::Mixed);
    if (!bits.empty())
      c.mixedBits.assign(bits.begin(), bits.end());
    c.avgBits = avgBits;
    c.budgetBytes = budgetBytes;
    return c;
  }
};
} // namespace

void mlir::qc::registerRecipePipelines() {
  using RTNOptions = RecipePipelineOptions<WeightAlgorithm::RTN>;
  using GPTQOptions = RecipePipelineOptions<WeightAlgorithm::GPTQ>;
  PassPipelineRegistration<RTNOptions>(
      "qc-w8a8-pipeline",
      "Quantize to int8 per-channel symmetric weights and u8 per-tensor "
      "activations: qc-fold-batchnorm, qc-fold-constants, canonicalize, "
      "qc-quantize",
      [](OpPassManager &pm, const RTNOptions &o) {
        buildRecipePipeline(pm, o.getConfig(Recipe::W8A8));
      });
  PassPipelineRegistration<GPTQOptions>(
      "qc-w4a16-pipeline",
      "Quantize weights to int4 per group of 128 reduction channels (GPTQ; "
      "per channel where 128 does not divide them), activations stay f32",
      [](OpPassManager &pm, const GPTQOptions &o) {
        buildRecipePipeline(pm, o.getConfig(Recipe::W4A16));
      });
  PassPipelineRegistration<GPTQOptions>(
      "qc-w4a8-pipeline",
      "Quantize weights to int4 per group of 128 (GPTQ) and activations to "
      "u8 per tensor",
      [](OpPassManager &pm, const GPTQOptions &o) {
        buildRecipePipeline(pm, o.getConfig(Recipe::W4A8));
      });
  PassPipelineRegistration<MixedPipelineOptions>(
      "qc-mixed-pipeline",
      "Weight-only mixed precision: qc-assign-precision chooses 4 or 8 bits "
      "per layer (group 128, GPTQ) for the least output error at avg-bits "
      "(default 4.5), then qc-quantize",
      [](OpPassManager &pm, const MixedPipelineOptions &o) {
        buildRecipePipeline(pm, o.getMixedConfig());
      });
}

//===- Passes.td - quantc graph and quantization passes -----*- tablegen -*-===//

#ifndef QUANTC_TRANSFORMS_PASSES
#define QUANTC_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def QCFoldBatchNorm : Pass<"qc-fold-batchnorm", "func::FuncOp"> {
  let summary = "Fold inference-mode batch normalisation into the preceding "
                "convolution";
  let description = [{
    A `qc.batch_normalization` whose input is a `qc.conv` with constant
    weights (and bias, if any) and no other users is folded into that
    convolution: with `s = scale / sqrt(var + epsilon)` per output channel,
    the weights become `w * s` and the bias `(b - mean) * s + bias`. This is
    exact up to float rounding and removes a memory-bound op before
    quantization, so the folded weights are what gets quantized.

    Before:
    ```mlir
    %c = qc.conv %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
    %y = qc.batch_normalization %c, %scale, %bias, %mean, %var {epsilon = 1.0e-05 : f32}
        : (tensor<1x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
    ```
    After:
    ```mlir
    %w2 = arith.constant dense_resource<...> : tensor<4x3x3x3xf32>
    %b2 = arith.constant dense_resource<...> : tensor<4xf32>
    %y = qc.conv %x, %w2, %b2 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
    ```
    Batch normalisations that do not follow such a convolution are left
    alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numFolded", "num-folded", "Number of batch normalisations folded">
  ];
}

def QCFoldConstants : Pass<"qc-fold-constants", "func::FuncOp"> {
  let summary = "Evaluate qc ops whose operands are all constants";
  let description = [{
    Every `qc` op whose operands are all `arith.constant`s is evaluated with
    the reference evaluator and replaced by constants (`dense` for small
    results, `dense_resource` blobs for large ones), in program order, so
    chains of constant ops fold completely. Ops whose result has more than
    `max-elements` elements are left alone, and so are the quantization ops
    (`qc.quantize`, `qc.dequantize`, `qc.requantize`): a quantized weight
    `qc.dequantize(quant.scast(constant))` must stay in that form. Constants
    left without users are erased.

    Before:
    ```mlir
    %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    %t = qc.transpose %w {perm = array<i64: 1, 0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    %y = qc.matmul %x, %t : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
    ```
    After:
    ```mlir
    %t = arith.constant dense<[[1.0, 3.0], [2.0, 4.0]]> : tensor<2x2xf32>
    %y = qc.matmul %x, %t : (tensor<4x2xf32>, tensor<2x2xf32>) -> tensor<4x2xf32>
    ```
  }];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", "1 << 24",
           "Fold only results with at most this many elements">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numFolded", "num-folded", "Number of ops evaluated into constants">
  ];
}

def QCCalibrate : Pass<"qc-calibrate", "func::FuncOp"> {
  let summary = "Annotate the activations of contractions with calibrated "
                "ranges";
  let description = [{
    Runs the function with the reference evaluator on every sample of the
    calibration set `calib` (a directory with one subdirectory per sample,
    each holding `<input>.npy` per argument, named like quant-run's inputs)
    and records, for every float activation read by a `qc.conv`,
    `qc.matmul` or `qc.gemm` (the operand that is not the weight), the range
    it should be quantized with, chosen by `method` from the collected
    statistics (see `chooseRange` in quantc/Analysis/Calibration.h).

    The range is an `array<f32: lo, hi>` attribute named `qc.range` placed
    where the value is defined:
    - on the defining op, when it has one result;
    - on a multi-result defining op, two entries per result
      (`array<f32: lo0, hi0, lo1, hi1, ...>`), NaN for results that are not
      annotated;
    - as the argument attribute `qc.range` of the function for a function
      argument.
    `qc-quantize` reads these attributes (and drops the ones it consumed).

    Before:
    ```mlir
    %r = qc.relu %x : tensor<1x8x4x4xf32>
    %y = qc.conv %r, %w : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
    ```
    After (`-qc-calibrate="calib=DIR method=minmax"`):
    ```mlir
    %r = qc.relu %x {qc.range = array<f32: 0.0, 5.75>} : tensor<1x8x4x4xf32>
    %y = qc.conv %r, %w : (tensor<1x8x4x4xf32>, tensor<8x8x1x1xf32>) -> tensor<1x8x4x4xf32>
    ```
  }];
  let options = [
    Option<"calib", "calib", "std::string", "\"\"",
           "Calibration directory (one subdirectory of .npy inputs per sample)">,
    Option<"method", "method", "::mlir::qc::RangeMethod",
           "::mlir::qc::RangeMethod::Percentile",
           "How to choose each range from the statistics",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qc::RangeMethod::MinMax, "minmax",
                        "the observed minimum and maximum"),
             clEnumValN(::mlir::qc::RangeMethod::Percentile, "percentile",
                        "clip |x| at the given percentile"),
             clEnumValN(::mlir::qc::RangeMethod::Entropy, "entropy",
                        "clip |x| where the KL divergence of the histogram "
                        "is smallest (TensorRT)"),
             clEnumValN(::mlir::qc::RangeMethod::MSE, "mse",
                        "clip |x| where the expected squared error is "
                        "smallest"))}]>,
    Option<"percentile", "percentile", "double", "99.99",
           "Percentile of |x| for method=percentile">,
    Option<"bits", "bits", "unsigned", "8",
           "Bits the activations will be quantized to (entropy and mse "
           "depend on it)">,
    Option<"numSamples", "num-samples", "unsigned", "0",
           "Use at most this many samples (0: all)">
  ];
  let statistics = [
    Statistic<"numAnnotated", "num-annotated", "Number of activations annotated">
  ];
}

def QCEqualizeChannels : Pass<"qc-equalize-channels", "func::FuncOp"> {
  let summary = "Equalize the channel ranges of depthwise convolution inputs";
  let description = [{
    Cross-layer equalization (Nagel et al., "Data-Free Quantization Through
    Weight Equalization and Bias Correction", 2019) driven by calibrated
    per-channel ranges, for activations that are quantized per tensor. In
    MobileNet-style networks the input of a depthwise convolution often has
    channels with very different ranges (one up to 100, most below 3), and
    a per-tensor u8 grid leaves the small channels a handful of levels.

    For every activation `X` read only by depthwise `qc.conv`s (`group` =
    channels, constant weights) whose producer can absorb a per-channel
    factor exactly, the pass divides channel `c` of `X` by `s_c` and
    multiplies the consumers' weights of channel `c` by `s_c`: the f32
    function is unchanged up to rounding, and since each depthwise output
    channel has its own weight scale, the weights quantize as well as
    before. The producer absorbs `1/s_c` in the output channels of a
    `qc.conv` with constant weights (and bias), the scale and bias of a
    `qc.batch_normalization`, the constant of a `qc.mul` / `qc.div`, or the
    constant of a `qc.add` / `qc.sub` together with the other operand's
    producer (recursively, through `qc.relu` too); constants become
    per-channel `[1, C, 1, 1]` tensors. Zero padding stays zero. With
    `runtime-scale`, an activation whose producer cannot absorb the factor
    (a hard-swish output, say) gets a run-time `qc.mul` by `1/s` instead,
    inserted after it and read by its consumers.

    `s_c = max(M_c / H, m_c / L)` for channel range `[m_c, M_c]`, where the
    common range `[L, H]` is chosen on a grid to minimise the mean relative
    quantization step `(s_c (H - L) / (M_c - m_c))^2` over the channels; an
    activation is rewritten when that drops by at least `min-gain`.

    Before:
    ```mlir
    %a = qc.mul %h, %alpha : (tensor<1x32x80x80xf32>, tensor<1xf32>) -> tensor<1x32x80x80xf32>
    %x = qc.add %a, %beta : (tensor<1x32x80x80xf32>, tensor<1xf32>) -> tensor<1x32x80x80xf32>
    %y = qc.conv %x, %w {group = 32 : i64} : (tensor<1x32x80x80xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x78x78xf32>
    ```
    After:
    ```mlir
    %alpha2 = arith.constant dense_resource<equalized> : tensor<1x32x1x1xf32>  // alpha / s
    %beta2 = arith.constant dense_resource<equalized_1> : tensor<1x32x1x1xf32> // beta / s
    %w2 = arith.constant dense_resource<equalized_weight> : tensor<32x1x3x3xf32> // w * s
    %a = qc.mul %h, %alpha2 : (tensor<1x32x80x80xf32>, tensor<1x32x1x1xf32>) -> tensor<1x32x80x80xf32>
    %x = qc.add %a, %beta2 : (tensor<1x32x80x80xf32>, tensor<1x32x1x1xf32>) -> tensor<1x32x80x80xf32>
    %y = qc.conv %x, %w2 {group = 32 : i64} : (tensor<1x32x80x80xf32>, tensor<32x1x3x3xf32>) -> tensor<1x32x78x78xf32>
    ```
  }];
  let options = [
    Option<"calib", "calib", "std::string", "\"\"",
           "Calibration directory (one subdirectory of .npy inputs per sample)">,
    Option<"minGain", "min-gain", "double", "0.1",
           "Smallest relative reduction of the mean squared relative step "
           "worth a rewrite, in [0, 1)">,
    Option<"denseAlpha", "dense-alpha", "double", "0.0",
           "Also equalize activations read by non-depthwise convolutions, "
           "applying s^alpha (0: only activations read by depthwise "
           "convolutions alone)">,
    Option<"runtimeScale", "runtime-scale", "bool", "false",
           "Also equalize activations whose producer cannot absorb the "
           "factors (e.g. hard-swish outputs), through a run-time per-channel "
           "qc.mul by 1/s inserted after the activation">,
    Option<"numSamples", "num-samples", "unsigned", "0",
           "Use at most this many calibration samples (0: all)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numEqualized", "num-equalized", "Number of activations equalized">,
    Statistic<"numRuntimeScaled", "num-runtime-scaled",
              "Number of equalized activations given a run-time qc.mul">
  ];
}

def QCQuantize : Pass<"qc-quantize", "func::FuncOp"> {
  let summary = "Quantize the weights (RTN or GPTQ) and activations of "
                "contractions";
  let description = [{
    For every `qc.conv`, `qc.matmul` (2-D weight) and `qc.gemm` whose weight
    is an f32 `arith.constant`, quantizes the weight and rewrites the layer
    into the form of docs/quantized-ir.md: the storage integers in a
    `dense_resource` constant, a `quant.scast` to a per-axis (output
    channel) or sub-channel (`group-size` blocks of reduction channels, per
    output channel) `!quant.uniform` type, and a `qc.dequantize` feeding the
    layer. Symmetric weights use narrow signed ranges (`i8<-127:127>`,
    `i4<-7:7>`), asymmetric ones unsigned storage with zero points.

    `algorithm=rtn` rounds to nearest; `algorithm=gptq` runs GPTQ
    (quantc/Transforms/GPTQ.h) with the Hessian H = sum X^T X of the layer's
    input measured on the calibration set (im2col rows for convolutions; a
    grouped or depthwise convolution gets one H per group, over that group's
    input channels).

    With `act-bits=8`, each activation operand of the quantized layers is
    quantized to `u8` per tensor, asymmetric: one `qc.quantize` and
    `qc.dequantize` per activation value, inserted after its definition and
    shared by the quantized layers reading it (other users keep the float
    value). Ranges come from `qc.range` attributes (see `qc-calibrate`) or,
    for activations without one, from calibrating with `calib` and
    `act-method`. `act-bits=0` quantizes weights only.

    With `bias-correction`, the mean error that quantization leaves in each
    convolution's output channels is measured on the calibration set and
    removed by adjusting the convolution's bias (one is created if needed).

    With `keep-float=K`, each layer's sensitivity is measured before any
    rewrite: the function runs on the first `sensitivity-samples`
    calibration samples with only that layer quantized (its weight as it
    will be, its activation quantized and dequantized with its range), and
    the SQNR of the outputs against f32 is taken. The K layers with the
    lowest SQNR keep their f32 weight and read their activation in f32
    (with a remark giving the SQNR and rank); an activation shared with a
    quantized layer is still quantized for that one. With `gptq` and
    `gptq-rank-fallback`, a layer whose calibration set gives fewer rows
    than reduction columns (its Hessian cannot have full rank, e.g. a
    squeeze-excitation conv on globally pooled features) is rounded to
    nearest.

    A layer carrying a `qc.bits` integer attribute (from
    `qc-assign-precision`) gets that many weight bits instead of
    `weight-bits`; the attribute is dropped.

    Layers whose weight is not a constant stay in float (with a remark).
    When `group-size` does not divide a layer's reduction channels (C/group
    for a convolution, K for a matrix product) the pass fails naming the
    layer, unless `group-fallback` is set: then that layer is quantized per
    channel.

    Before:
    ```mlir
    %w = arith.constant dense_resource<w> : tensor<16x8x3x3xf32>
    %y = qc.conv %x, %w : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x6x6xf32>
    ```
    After (`-qc-quantize="calib=DIR"`, W8A8):
    ```mlir
    %q = arith.constant dense_resource<qweight> : tensor<16x8x3x3xi8>
    %s = quant.scast %q : tensor<16x8x3x3xi8> to tensor<16x8x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.0123,...}>>
    %w = qc.dequantize %s : tensor<16x8x3x3x!quant.uniform<i8<-127:127>:f32:0, {...}>> -> tensor<16x8x3x3xf32>
    %xq = qc.quantize %x : tensor<1x8x8x8xf32> -> tensor<1x8x8x8x!quant.uniform<u8:f32, 0.0215:119>>
    %xd = qc.dequantize %xq : tensor<1x8x8x8x!quant.uniform<u8:f32, 0.0215:119>> -> tensor<1x8x8x8xf32>
    %y = qc.conv %xd, %w : (tensor<1x8x8x8xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x6x6xf32>
    ```
  }];
  let options = [
    Option<"weightBits", "weight-bits", "unsigned", "8",
           "Bits per weight, 2 to 8">,
    Option<"weightGranularity", "weight-granularity",
           "::mlir::qc::WeightGranularity",
           "::mlir::qc::WeightGranularity::Channel",
           "One scale per output channel, or per group of reduction channels",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qc::WeightGranularity::Channel, "channel",
                        "per output channel (per-axis types)"),
             clEnumValN(::mlir::qc::WeightGranularity::Group, "group",
                        "per output channel and group of group-size "
                        "reduction channels (sub-channel types)"))}]>,
    Option<"groupSize", "group-size", "int64_t", "128",
           "Reduction channels per group (weight-granularity=group)">,
    Option<"groupFallback", "group-fallback", "bool", "false",
           "Quantize per channel the layers whose reduction channels are "
           "not a multiple of group-size, instead of failing">,
    Option<"weightSymmetric", "weight-symmetric", "bool", "true",
           "Symmetric weights (narrow signed range, zero point 0); "
           "otherwise unsigned with zero points">,
    Option<"weightMseClip", "weight-mse-clip", "bool", "false",
           "Shrink each weight group's range to minimise its squared "
           "rounding error">,
    Option<"algorithm", "algorithm", "::mlir::qc::WeightAlgorithm",
           "::mlir::qc::WeightAlgorithm::RTN",
           "How to round the weights",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qc::WeightAlgorithm::RTN, "rtn",
                        "round to nearest"),
             clEnumValN(::mlir::qc::WeightAlgorithm::GPTQ, "gptq",
                        "GPTQ with calibrated Hessians"))}]>,
    Option<"actBits", "act-bits", "unsigned", "8",
           "Bits per activation: 8 (u8 per tensor) or 0 (weights only)">,
    Option<"actMethod", "act-method", "::mlir::qc::RangeMethod",
           "::mlir::qc::RangeMethod::Percentile",
           "Range method for activations without a qc.range attribute",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qc::RangeMethod::MinMax, "minmax",
                        "the observed minimum and maximum"),
             clEnumValN(::mlir::qc::RangeMethod::Percentile, "percentile",
                        "clip |x| at act-percentile"),
             clEnumValN(::mlir::qc::RangeMethod::Entropy, "entropy",
                        "KL-divergence optimum (TensorRT)"),
             clEnumValN(::mlir::qc::RangeMethod::MSE, "mse",
                        "MSE-optimal clipping"))}]>,
    Option<"actPercentile", "act-percentile", "double", "99.99",
           "Percentile of |x| for act-method=percentile">,
    Option<"calib", "calib", "std::string", "\"\"",
           "Calibration directory (needed by gptq and by activations "
           "without qc.range)">,
    Option<"numSamples", "num-samples", "unsigned", "0",
           "Calibrate on at most this many samples (0: all)">,
    Option<"gptqDamp", "gptq-damp", "double", "0.01",
           "GPTQ damping, relative to the mean of H's diagonal">,
    Option<"gptqBlockSize", "gptq-block-size", "int64_t", "128",
           "GPTQ columns per lazy batch update">,
    Option<"gptqActOrder", "gptq-act-order", "bool", "false",
           "GPTQ: quantize columns by decreasing H[i, i]">,
    Option<"gptqStaticGroups", "gptq-static-groups", "bool", "false",
           "GPTQ: compute group scales before any update">,
    Option<"biasCorrection", "bias-correction", "bool", "false",
           "Empirical bias correction (Nagel et al. 2019): after quantizing, "
           "run the calibration set through the quantized function and add "
           "to each conv's bias the per-channel difference between its f32 "
           "and quantized output means (needs calib)">,
    Option<"reportErrors", "report-errors", "bool", "false",
           "Emit a remark per layer with its relative output error "
           "tr(dW H dW^T) / tr(W H W^T), for RTN and, with gptq, GPTQ "
           "(needs calib)">,
    Option<"keepFloat", "keep-float", "unsigned", "0",
           "Leave in float the K layers whose quantization alone (weight "
           "and activation) lowers the output SQNR against f32 the most, "
           "measured end to end on sensitivity-samples calibration samples "
           "(needs calib)">,
    Option<"sensitivitySamples", "sensitivity-samples", "unsigned", "1",
           "Calibration samples for keep-float's measurements (at least 1)">,
    Option<"gptqRankFallback", "gptq-rank-fallback", "bool", "false",
           "GPTQ: round to nearest the layers whose calibration set gives "
           "fewer Hessian rows than reduction columns">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::quant::QuantDialect",
                           "::mlir::qc::QCDialect"];
  let statistics = [
    Statistic<"numWeights", "num-weights", "Number of layers whose weights were quantized">,
    Statistic<"numActivations", "num-activations", "Number of activations quantized">,
    Statistic<"numFloat", "num-float", "Number of contractions left in float">
  ];
}

include "OutlierPasses.td"

def QCAssignPrecision : Pass<"qc-assign-precision", "func::FuncOp"> {
  let summary = "Choose a weight bit width per layer that minimises the "
                "total quantization error under a size budget";
  let description = [{
    Mixed precision in the style of HAWQ-V3 and BAQ, for the f32 graph
    before `qc-quantize`. For every `qc.conv`, `qc.matmul` (2-D weight) and
    `qc.gemm` with a constant f32 weight, and every candidate width in
    `bits`, the weight is quantized exactly as `qc-quantize` will (same
    `algorithm`, granularity, group size, symmetry) and two sensitivities
    are measured with the layer's input second moment H = sum X^T X on the
    calibration set `calib`:

    - the output error tr(dW H dW^T) = sum over calibration rows of
      ||x (W - Wq)^T||^2, exactly the squared error the quantized weight
      adds to the layer's output (`metric=output`, the default);
    - the Hessian-trace proxy of HAWQ, tr(H) / K * ||dW||^2, which assumes
      isotropic inputs (`metric=hawq`).

    With `normalize` (default) both are divided by the layer's output
    energy tr(W H W^T), so that layers of different scales are compared by
    their signal-to-noise ratio. With `model-sensitivity`, the knapsack
    instead weighs the measured relative error of the function's outputs
    with only that layer quantized to the narrowest width (one evaluation
    per layer and sample), scaled to the other widths by the layer's own
    error ratios. Then one width per layer is chosen by an
    exact multiple-choice knapsack (quantc/Analysis/Knapsack.h) minimising
    the sum of the chosen metric subject to every budget given:
    `avg-bits` (weight storage bits per weight element, scales not
    counted), `budget-bytes` (weight storage plus an f32 scale, and a zero
    point when asymmetric, per channel or group) and, with `latency-table`,
    `budget-latency`.

    Each layer gets `qc.bits` (read by `qc-quantize`, which drops it) and
    `qc.precision_reason`, a sentence saying its errors at every width and
    why it got its width; with `remarks` each layer and the function also
    get a remark.

    Before:
    ```mlir
    %w1 = arith.constant dense_resource<w1> : tensor<64x32xf32>
    %y1 = qc.matmul %x, %w1 : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
    ```
    After (`-qc-assign-precision="calib=DIR bits=4,8 avg-bits=4.5"`):
    ```mlir
    %y1 = qc.matmul %x, %w1 {qc.bits = 8 : i64, qc.precision_reason =
        "8 bits of {4, 8}: output error 4: 2.1e-02, 8: 8.0e-05 (x262) ..."}
        : (tensor<8x32xf32>, tensor<32x64xf32>) -> tensor<8x64xf32>
    ```

    The latency table is a JSON object mapping layer names (the ONNX node
    name of the op's location) to objects from bit width to cost, e.g.
    `{"conv1": {"4": 1.5, "8": 2.0}, "*": {"4": 0.001, "8": 0.0015}}`;
    the entry `"*"` gives a cost per weight element for layers not named.
  }];
  let options = [
    Option<"calib", "calib", "std::string", "\"\"",
           "Calibration directory (one subdirectory of .npy inputs per sample)">,
    ListOption<"bits", "bits", "unsigned",
               "Candidate weight widths, each in [2, 8] (default 4,8)">,
    Option<"avgBits", "avg-bits", "double", "0.0",
           "Budget: average weight storage bits per weight element (0: none)">,
    Option<"budgetBytes", "budget-bytes", "int64_t", "0",
           "Budget: bytes of weight storage and quantization parameters "
           "(0: none)">,
    Option<"latencyTable", "latency-table", "std::string", "\"\"",
           "JSON file of per-layer, per-width latency costs">,
    Option<"budgetLatency", "budget-latency", "double", "0.0",
           "Budget: total latency cost from latency-table (0: none)">,
    Option<"metric", "metric", "::mlir::qc::PrecisionMetric",
           "::mlir::qc::PrecisionMetric::Output",
           "The sensitivity the knapsack minimises",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qc::PrecisionMetric::Output, "output",
                        "output error tr(dW H dW^T)"),
             clEnumValN(::mlir::qc::PrecisionMetric::HAWQ, "hawq",
                        "Hessian-trace proxy tr(H)/K ||dW||^2"))}]>,
    Option<"normalize", "normalize", "bool", "true",
           "Divide each layer's errors by its output energy tr(W H W^T)">,
    Option<"modelSensitivity", "model-sensitivity", "bool", "false",
           "Measure, per layer, the relative error of the function's "
           "outputs with only that layer quantized to the narrowest width "
           "(one evaluation per layer and sample), and scale it to the "
           "other widths by the layer's error ratios">,
    Option<"algorithm", "algorithm", "::mlir::qc::WeightAlgorithm",
           "::mlir::qc::WeightAlgorithm::RTN",
           "How qc-quantize will round the weights",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qc::WeightAlgorithm::RTN, "rtn",
                        "round to nearest"),
             clEnumValN(::mlir::qc::WeightAlgorithm::GPTQ, "gptq",
                        "GPTQ with calibrated Hessians"))}]>,
    Option<"weightGranularity", "weight-granularity",
           "::mlir::qc::WeightGranularity",
           "::mlir::qc::WeightGranularity::Channel",
           "Scales per output channel or per group (as in qc-quantize)",
           [{::llvm::cl::values(
             clEnumValN(::mlir::qc::WeightGranularity::Channel, "channel",
                        "per output channel"),
             clEnumValN(::mlir::qc::WeightGranularity::Group, "group",
                        "per output channel and group of group-size "
                        "reduction channels"))}]>,
    Option<"groupSize", "group-size", "int64_t", "128",
           "Reduction channels per group (weight-granularity=group)">,
    Option<"groupFallback", "group-fallback", "bool", "false",
           "Per channel where group-size does not divide the reduction "
           "channels, instead of failing">,
    Option<"weightSymmetric", "weight-symmetric", "bool", "true",
           "Symmetric weights (as in qc-quantize)">,
    Option<"weightMseClip", "weight-mse-clip", "bool", "false",
           "MSE-clipped weight ranges (as in qc-quantize)">,
    Option<"gptqDamp", "gptq-damp", "double", "0.01",
           "GPTQ damping, relative to the mean of H's diagonal">,
    Option<"gptqBlockSize", "gptq-block-size", "int64_t", "128",
           "GPTQ columns per lazy batch update">,
    Option<"gptqActOrder", "gptq-act-order", "bool", "false",
           "GPTQ: quantize columns by decreasing H[i, i]">,
    Option<"numSamples", "num-samples", "unsigned", "0",
           "Calibrate on at most this many samples (0: all)">,
    Option<"remarks", "remarks", "bool", "true",
           "Emit a remark per layer and one for the function">
  ];
  let dependentDialects = ["::mlir::qc::QCDialect"];
  let statistics = [
    Statistic<"numLayers", "num-layers", "Number of layers given a width">,
    Statistic<"numWidened", "num-widened",
              "Number of layers given more than the narrowest width">
  ];
}

#endif // QUANTC_TRANSFORMS_PASSES

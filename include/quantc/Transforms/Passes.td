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

def QCSmooth : Pass<"qc-smooth", "func::FuncOp"> {
  let summary = "Migrate activation outliers into the weights (SmoothQuant, "
                "Outlier Suppression+)";
  let description = [{
    For every f32 activation `X` read only by contractions with constant
    weights (the lhs of `qc.matmul` with a 2-D constant rhs, the `a` of
    `qc.gemm` with a constant `b`, the `x` of `qc.conv` with `group = 1`;
    several such consumers are fine), chooses per input channel `j`

        s_j = max|X_j - z_j|^alpha / max|W_j|^(1 - alpha)

    from calibration statistics (`W_j`: input channel `j` of all consumers'
    weights) and, with `shift`, the Outlier Suppression+ shift
    `z_j = (max X_j + min X_j) / 2`, and replaces `X` by
    `X' = (X - z) / s`, which has no outlier channels and quantizes better:

    - the producer of `X` absorbs `1/s` and `-z/s` when it can do so
      exactly: `qc.layer_normalization` (scale and bias),
      `qc.batch_normalization`, `qc.conv` / `qc.gemm` with constant
      weights (output channels; a bias is created when needed), `qc.matmul`
      with a constant rhs (the shift becomes a bias `qc.add` after it),
      `qc.add` / `qc.sub` of a constant in front of one of these,
      `qc.mul` / `qc.div` by a constant (scale only), and through
      `qc.relu` / `qc.leaky_relu` (scale only) and `qc.max_pool` /
      `qc.global_max_pool` / `qc.global_average_pool`;
    - otherwise a run-time `qc.sub` (shift) and `qc.mul` (by `1/s`) with
      constants are inserted after `X` (skipped with `fold-only`);
    - every consumer's weights are multiplied by `s` along their input
      channels and `W z` is added to its bias: a `qc.conv` or `qc.gemm` gets
      a bias (or `c`) when it has none; a `qc.matmul` whose only user is a
      `qc.add` of a constant has that constant updated, otherwise a
      `qc.add` of a constant is inserted after it.

    A shift that cannot be folded exactly is dropped and the activation only
    scaled (a remark says why): through `qc.relu`, or into a `qc.conv`
    consumer with non-zero `pads` (its zero padding would no longer be
    zero). The f32 function is unchanged up to rounding. Activations are
    processed from last to first; the statistics come from one calibration
    run over the unchanged function.

    Before:
    ```mlir
    %h = qc.layer_normalization %x, %gamma, %beta : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    %y = qc.matmul %h, %w : (tensor<1x16x64xf32>, tensor<64x256xf32>) -> tensor<1x16x256xf32>
    ```
    After (`-qc-smooth="calib=DIR alpha=0.5"`):
    ```mlir
    %gamma2 = arith.constant dense_resource<smooth_ln_scale> : tensor<64xf32>  // gamma / s
    %beta2 = arith.constant dense_resource<smooth_ln_bias> : tensor<64xf32>    // (beta - z) / s
    %w2 = arith.constant dense_resource<smooth_weight> : tensor<64x256xf32>    // s * W
    %h = qc.layer_normalization %x, %gamma2, %beta2 : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    %m = qc.matmul %h, %w2 : (tensor<1x16x64xf32>, tensor<64x256xf32>) -> tensor<1x16x256xf32>
    %b = arith.constant dense_resource<smooth_bias> : tensor<256xf32>          // z W
    %y = qc.add %m, %b : (tensor<1x16x256xf32>, tensor<256xf32>) -> tensor<1x16x256xf32>
    ```
  }];
  let options = [
    Option<"calib", "calib", "std::string", "\"\"",
           "Calibration directory (one subdirectory of .npy inputs per "
           "sample); required">,
    Option<"alpha", "alpha", "double", "0.5",
           "Migration strength in [0, 1]: 0 leaves the activation's "
           "magnitude, 1 moves all of it into the weights">,
    Option<"shift", "shift", "bool", "true",
           "Subtract the middle of each channel's range first (Outlier "
           "Suppression+) where it folds exactly">,
    Option<"minScale", "min-scale", "double", "1.0e-5",
           "Smallest scale s_j (keeps 1/s_j finite)">,
    Option<"foldOnly", "fold-only", "bool", "false",
           "Leave activations whose producer cannot absorb the scale instead "
           "of inserting a run-time qc.mul">,
    Option<"numSamples", "num-samples", "unsigned", "0",
           "Use at most this many calibration samples (0: all)">,
    Option<"remarks", "remarks", "bool", "true",
           "Emit a remark per activation saying what was done">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::qc::QCDialect"];
  let statistics = [
    Statistic<"numSmoothed", "num-smoothed", "Number of activations smoothed">,
    Statistic<"numRuntime", "num-runtime",
              "Number of activations smoothed with a run-time qc.mul">
  ];
}

def QCRearrangeOutlierChannels
    : Pass<"qc-rearrange-outlier-channels", "func::FuncOp"> {
  let summary = "Permute reduction channels so that outliers share "
                "quantization blocks";
  let description = [{
    Block (sub-channel) quantization of an activation shares one scale per
    `block-size` consecutive channels of the reduction dimension; a block
    holding one outlier channel quantizes all its other channels coarsely.
    This pass sorts the channels of each activation read by contractions
    with constant weights by their calibrated maximum magnitude, so that
    each block holds channels of similar magnitude ("Accurate Block
    Quantization in LLMs with Outliers", Trukhanov and Soloveychik, 2024),
    and applies the permutation at compile time:

    - every consumer (`qc.matmul` with a 2-D constant rhs, `qc.gemm` with a
      constant `b`, `qc.conv` with `group = 1`) gets its weights permuted
      along the input channels;
    - the permutation flows backwards and forwards through ops that keep
      channels apart: elementwise ops (constants broadcast along the
      channels are permuted too), `qc.layer_normalization` over the channel
      dimension, `qc.batch_normalization`, pooling, depthwise `qc.conv`,
      softmax, `qc.transpose`, reshapes that keep the channel dimension
      whole, reductions over other axes, and concat / slice / pad that leave
      the channel axis alone; reductions over the channels do not depend on
      their order. Every value reached this way is permuted (a residual
      stream with all its layer norms is one such set, permuted once);
    - producers with constant weights (`qc.conv` with `group = 1`,
      `qc.matmul`, `qc.gemm`, `qc.gather` of a constant table) absorb it in
      their output channels.

    Where the permutation cannot be absorbed (a function argument or result,
    a reshape that splits or merges the channel dimension, a concat along
    it, or any other op) the activation is left alone, or, with
    `allow-gather`, a run-time `qc.gather` permutes (or restores) the
    channels there. An activation is permuted only when the mean over its
    blocks of `max / mean` of the channel magnitudes drops by at least
    `min-gain` (relative). A remark per layer reports the ratio before and
    after. The f32 function is unchanged (up to the rounding of sums taken
    in another order).

    Before (channel 1 of `%h` is an outlier):
    ```mlir
    %h = qc.layer_normalization %x, %gamma, %beta : (tensor<1x16x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x16x4xf32>
    %y = qc.matmul %h, %w : (tensor<1x16x4xf32>, tensor<4x8xf32>) -> tensor<1x16x8xf32>
    ```
    After (`-qc-rearrange-outlier-channels="calib=DIR block-size=2"`,
    permutation `[1, 0, 2, 3]`): `%gamma`, `%beta`, the rows of `%w` and,
    since the layer norm's input must be permuted too, whatever produces
    `%x` are permuted the same way:
    ```mlir
    %h = qc.layer_normalization %x2, %gamma2, %beta2 : (tensor<1x16x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x16x4xf32>
    %y = qc.matmul %h, %w2 : (tensor<1x16x4xf32>, tensor<4x8xf32>) -> tensor<1x16x8xf32>
    ```
  }];
  let options = [
    Option<"calib", "calib", "std::string", "\"\"",
           "Calibration directory (one subdirectory of .npy inputs per "
           "sample); required">,
    Option<"blockSize", "block-size", "int64_t", "32",
           "Channels per quantization block of the activations (e.g. 32, "
           "64, 128)">,
    Option<"minGain", "min-gain", "double", "0.05",
           "Smallest relative reduction of the mean block max/mean ratio "
           "worth a permutation, in [0, 1)">,
    Option<"allowGather", "allow-gather", "bool", "false",
           "Insert run-time qc.gather where the permutation cannot be "
           "absorbed instead of leaving the activation alone">,
    Option<"numSamples", "num-samples", "unsigned", "0",
           "Use at most this many calibration samples (0: all)">,
    Option<"remarks", "remarks", "bool", "true",
           "Emit a remark per layer with the block max/mean ratio before and "
           "after">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::qc::QCDialect"];
  let statistics = [
    Statistic<"numPermuted", "num-permuted", "Number of channel sets permuted">,
    Statistic<"numSkipped", "num-skipped", "Number of channel sets left alone">,
    Statistic<"numGatherOps", "num-gathers", "Number of run-time qc.gather inserted">
  ];
}

def QCFuseRotations : Pass<"qc-fuse-rotations", "func::FuncOp"> {
  let summary = "Rotate activations by orthogonal Hadamard matrices folded "
                "into the weights (QuaRot)";
  let description = [{
    Spreads activation outlier channels over all channels with orthogonal
    rotations, keeping the f32 function unchanged up to float rounding
    (docs/passes.md explains the conditions in detail):

    1. *LayerNorm folding.* A `qc.layer_normalization` over the last
       dimension whose users are all `qc.matmul`s with a constant 2-D weight
       gets unit scale and no bias: `W <- diag(scale) W` in each consumer and
       `bias W` is added to the consumer's constant bias `qc.add` (or a new
       one).
    2. *Residual rotation* (`rotate-residual`). The residual stream is the
       set of values joined by `qc.add` whose readers are scale-free
       LayerNorms (over the last dimension, feeding only constant-weight
       `qc.matmul`s) and whose writers are constant-weight `qc.matmul`s,
       constants and `qc.gather` row lookups in constant tables. With an
       orthogonal Q, writers get `W Q`, constants `c Q`, embedding tables
       `E Q`, and the LayerNorms' consumers `Q^T W`. Q is a seeded,
       mean-preserving Hadamard rotation (entries +-1/sqrt(b) in blocks of
       b = 4^k channels, the all-ones vector mapped to itself), so centring
       commutes with it and `layer_normalization(x Q) = layer_normalization(x) Q`
       exactly. A stream with another reader or writer is left alone with a
       remark.
    3. *Online rotations* (`online-hadamard`). Every other `qc.matmul` with a
       constant 2-D weight `[K, N]` (e.g. the MLP down projection, the
       attention output projection) reads `qc.hadamard(x * s)` and gets
       `H diag(s) W`, with H the normalised block-diagonal Sylvester matrix
       of `block-size` (H H = I) and s seeded random signs (`online-signs`;
       without them the per-token mean of x, e.g. of a GELU output, lands in
       the first channel of every block).

    Before:
    ```mlir
    %e = qc.gather %emb, %ids : (tensor<8x16xf32>, tensor<1x4xi64>) -> tensor<1x4x16xf32>
    %n = qc.layer_normalization %e, %g, %b : (tensor<1x4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<1x4x16xf32>
    %u = qc.matmul %n, %w_up : (tensor<1x4x16xf32>, tensor<16x32xf32>) -> tensor<1x4x32xf32>
    %a = qc.relu %u : tensor<1x4x32xf32>
    %d = qc.matmul %a, %w_down : (tensor<1x4x32xf32>, tensor<32x16xf32>) -> tensor<1x4x16xf32>
    %r = qc.add %e, %d : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
    %f = qc.layer_normalization %r, %g2 : (tensor<1x4x16xf32>, tensor<16xf32>) -> tensor<1x4x16xf32>
    %y = qc.matmul %f, %w_head : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
    ```
    After (`emb' = emb Q`, `w_up' = Q^T diag(g) w_up`, `c = b w_up`,
    `w_down' = H diag(signs) w_down Q`, `w_head' = Q^T diag(g2) w_head`):
    ```mlir
    %e = qc.gather %emb_rot, %ids : (tensor<8x16xf32>, tensor<1x4xi64>) -> tensor<1x4x16xf32>
    %n = qc.layer_normalization %e, %ones : (tensor<1x4x16xf32>, tensor<16xf32>) -> tensor<1x4x16xf32>
    %u0 = qc.matmul %n, %w_up_rot : (tensor<1x4x16xf32>, tensor<16x32xf32>) -> tensor<1x4x32xf32>
    %u = qc.add %u0, %c : (tensor<1x4x32xf32>, tensor<32xf32>) -> tensor<1x4x32xf32>
    %a = qc.relu %u : tensor<1x4x32xf32>
    %as = qc.mul %a, %signs : (tensor<1x4x32xf32>, tensor<32xf32>) -> tensor<1x4x32xf32>
    %h = qc.hadamard %as {block_size = 32 : i64} : tensor<1x4x32xf32>
    %d = qc.matmul %h, %w_down_rot : (tensor<1x4x32xf32>, tensor<32x16xf32>) -> tensor<1x4x16xf32>
    %r = qc.add %e, %d : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
    %f = qc.layer_normalization %r, %ones : (tensor<1x4x16xf32>, tensor<16xf32>) -> tensor<1x4x16xf32>
    %y = qc.matmul %f, %w_head_rot : (tensor<1x4x16xf32>, tensor<16x8xf32>) -> tensor<1x4x8xf32>
    ```
  }];
  let options = [
    Option<"seed", "seed", "uint64_t", "0",
           "Seed of the residual rotation's permutations and of the online "
           "rotations' signs">,
    Option<"rotateResidual", "rotate-residual", "bool", "true",
           "Rotate residual streams (LayerNorm scales are folded either way)">,
    Option<"onlineHadamard", "online-hadamard", "bool", "true",
           "Insert qc.hadamard before the constant-weight matrix products "
           "whose input carries no folded rotation">,
    Option<"onlineSigns", "online-signs", "bool", "true",
           "Multiply by seeded random signs before each online qc.hadamard "
           "(folded back into the weights)">,
    Option<"blockSize", "block-size", "int64_t", "0",
           "Block of the online qc.hadamard: a power of two dividing the "
           "reduction size, or 0 for the largest power of two dividing it">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::qc::QCDialect"];
  let statistics = [
    Statistic<"numFoldedNorms", "num-folded-norms",
              "Number of layer normalizations whose scale and bias were folded">,
    Statistic<"numRotatedStreams", "num-rotated-streams",
              "Number of residual streams rotated">,
    Statistic<"numRotatedWeights", "num-rotated-weights",
              "Number of weights and constants rotated">,
    Statistic<"numOnlineHadamards", "num-online-hadamards",
              "Number of qc.hadamard ops inserted">
  ];
}

def QCFakeQuantizeActivations
    : Pass<"qc-fake-quantize-activations", "func::FuncOp"> {
  let summary = "Simulate block-quantized layer inputs (dynamic per-block "
                "scales, quantize then dequantize)";
  let description = [{
    Measures what a block format for activations (int4 blocks of 32 as in
    "Accurate Block Quantization in LLMs with Outliers", MX-like formats,
    dynamic per-token int8) would cost, on any graph, before kernels for it
    exist. The f32 input `x` of every layer with constant weights (the lhs
    of `qc.matmul` with a 2-D weight, the `a` of `qc.gemm`, the `x` of
    `qc.conv` with `group = 1`; weights may be f32 constants or constants
    qc-quantize has quantized) is replaced by

        s = max(max|x_block| / qmax, FLT_MIN)    qmax = 2^(bits-1) - 1
        x' = round(x / s) * s

    with one scale per block of `block-size` consecutive input channels
    (the dimension the layer reduces over), computed at run time from the
    values themselves: a symmetric grid of `2 qmax + 1` levels, so 4 bits
    give [-7, 7], the `b4` of `qc-act-quant-error`. `block-size=0` means one
    scale per row (dynamic per-token quantization). The rounding is
    expressed with ordinary qc ops (`qc.reshape`, `qc.abs`,
    `qc.reduce_max`, `qc.div`, `qc.max`, `qc.round`, `qc.mul`), so the
    reference evaluator and both code generators run the result; it is an
    accuracy simulation, not a fast path. A value read by several layers is
    quantized once; an input that is already quantized (`qc.dequantize`)
    is left alone.

    Run it after the f32 transforms (`qc-fuse-rotations`,
    `qc-rearrange-outlier-channels`: their permutations cannot cross the
    block reshape) and before `qc-quantize` with `act-bits=0` for
    W4A4-style experiments, so that calibration (GPTQ's Hessian) sees the
    rounded inputs the layers will get.

    Errors: `bits` outside [2, 16], a negative `block-size`, a block size
    that does not divide a layer's input channels (naming the layer; the
    function is left unchanged).

    Before:
    ```mlir
    %y = qc.matmul %x, %w : (tensor<1x16x64xf32>, tensor<64x256xf32>) -> tensor<1x16x256xf32>
    ```
    After (`-qc-fake-quantize-activations="bits=4 block-size=32"`):
    ```mlir
    %b = qc.reshape %x : (tensor<1x16x64xf32>) -> tensor<1x16x2x32xf32>
    %a = qc.abs %b : tensor<1x16x2x32xf32>
    %m = qc.reduce_max %a {axes = array<i64: 3>, keepdims = true} : (tensor<1x16x2x32xf32>) -> tensor<1x16x2x1xf32>
    %s0 = qc.div %m, %qmax : (tensor<1x16x2x1xf32>, tensor<f32>) -> tensor<1x16x2x1xf32>     // qmax = 7
    %s = qc.max %s0, %tiny : (tensor<1x16x2x1xf32>, tensor<f32>) -> tensor<1x16x2x1xf32>
    %d = qc.div %b, %s : (tensor<1x16x2x32xf32>, tensor<1x16x2x1xf32>) -> tensor<1x16x2x32xf32>
    %r = qc.round %d : tensor<1x16x2x32xf32>
    %q = qc.mul %r, %s : (tensor<1x16x2x32xf32>, tensor<1x16x2x1xf32>) -> tensor<1x16x2x32xf32>
    %x2 = qc.reshape %q : (tensor<1x16x2x32xf32>) -> tensor<1x16x64xf32>
    %y = qc.matmul %x2, %w : (tensor<1x16x64xf32>, tensor<64x256xf32>) -> tensor<1x16x256xf32>
    ```
  }];
  let options = [
    Option<"bits", "bits", "unsigned", "4",
           "Bits per value, 2 to 16 (symmetric: [-(2^(bits-1) - 1), "
           "2^(bits-1) - 1])">,
    Option<"blockSize", "block-size", "int64_t", "32",
           "Consecutive input channels sharing one scale; must divide every "
           "layer's input channels; 0: one scale per row">,
    Option<"remarks", "remarks", "bool", "true",
           "Emit a remark per quantized activation">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::qc::QCDialect"];
  let statistics = [
    Statistic<"numFakeQuantized", "num-fake-quantized",
              "Number of activations given block quantization">,
    Statistic<"numAlreadyQuantized", "num-already-quantized",
              "Number of layer inputs left alone (already quantized)">
  ];
}

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

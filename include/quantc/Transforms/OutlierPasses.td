//===- OutlierPasses.td - activation outlier passes ---------*- tablegen -*-===//
//
// The passes that reshape activations for quantization without changing
// the f32 function (qc-smooth, qc-rearrange-outlier-channels,
// qc-fuse-rotations), and the simulation of block-quantized activations
// that measures them (qc-fake-quantize-activations). Included by
// Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_OUTLIERPASSES
#define QUANTC_TRANSFORMS_OUTLIERPASSES

include "mlir/Pass/PassBase.td"

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
    function is left unchanged) unless `block-fallback` is set: then that
    layer's input gets one scale per row, and its remark says so.

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
           "layer's input channels (see block-fallback); 0: one scale per "
           "row">,
    Option<"blockFallback", "block-fallback", "bool", "false",
           "One scale per row for the layers whose input channels block-size "
           "does not divide (e.g. a first convolution's 3), instead of "
           "failing">,
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

#endif // QUANTC_TRANSFORMS_OUTLIERPASSES

//===- ChannelTransforms.h - per-channel rewrites of activations --*- C++
//-*-===//
//
// The graph rewrites behind qc-smooth and qc-rearrange-outlier-channels,
// usable without calibration data (the passes feed them statistics; tests
// feed them explicit scales, shifts and permutations). Both rewrites keep
// the function's f32 semantics: they move a per-channel transformation of an
// activation into the constants of the ops around it.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TRANSFORMS_CHANNELTRANSFORMS_H
#define QUANTC_TRANSFORMS_CHANNELTRANSFORMS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>
#include <string>

namespace mlir::qc {

class Tensor;

//===----------------------------------------------------------------------===//
// Contractions and channel statistics.
//===----------------------------------------------------------------------===//

/// A use of an activation as the data operand of a contraction whose weight
/// is an f32 constant: the lhs of a qc.matmul with a 2-D constant rhs, the
/// `a` of a qc.gemm with a constant `b`, or the `x` of a qc.conv with
/// `group = 1`. The reduction (input-channel) dimension is
/// `activationAxis` of the activation and `weightAxis` of the weight.
struct ContractionUse {
  Operation *op = nullptr;
  unsigned operandIndex = 0;
  int64_t activationAxis = 0;
  unsigned weightIndex = 1;
  int64_t weightAxis = 0;
};

/// `use` as a ContractionUse, or nullopt.
std::optional<ContractionUse> getContractionUse(OpOperand &use);

/// All uses of the f32 value `x` when each is a ContractionUse and all agree
/// on the channel axis; otherwise failure, with the reason in `why`.
FailureOr<SmallVector<ContractionUse>>
getContractionUses(Value x, std::string *why = nullptr);

/// Per-channel minimum, maximum and maximum magnitude of an activation along
/// `axis`, over every calibration sample.
struct ChannelStats {
  int64_t axis = 0;
  SmallVector<float> min, max, absMax;
  int64_t numSamples = 0;
};

/// Adds the values of `t` to `stats` (channels along `stats.axis`).
void accumulateChannelStats(const Tensor &t, ChannelStats &stats);

/// Runs `func` with the reference evaluator on every sample of the
/// calibration directory `dir` (the layout mlir::qc::CalibrationSet reads)
/// and returns the statistics of each value of `targets` along its axis.
/// Errors are emitted at the function. `maxSamples` 0 means all samples.
FailureOr<llvm::DenseMap<Value, ChannelStats>>
collectChannelStats(func::FuncOp func, StringRef dir,
                    ArrayRef<std::pair<Value, int64_t>> targets,
                    size_t maxSamples = 0, unsigned numThreads = 0);

//===----------------------------------------------------------------------===//
// Smoothing (qc-smooth).
//===----------------------------------------------------------------------===//

/// SmoothQuant scales: `s_j = a_j^alpha / w_j^(1 - alpha)`, where `a_j` is
/// the activation's (shifted) maximum magnitude in channel j and `w_j` the
/// consumers' maximum weight magnitude for input channel j. A channel with a
/// zero `a_j` or `w_j` gets 1; every scale is clamped to at least `minScale`.
SmallVector<float> computeSmoothingScales(ArrayRef<float> actAbsMax,
                                          ArrayRef<float> weightAbsMax,
                                          double alpha, double minScale);

/// Outlier Suppression+ shifts: the middle of each channel's range,
/// `z_j = (max_j + min_j) / 2`.
SmallVector<float> computeSmoothingShifts(const ChannelStats &stats);

/// Maximum magnitude of the consumers' weights per input channel.
SmallVector<float> consumerWeightAbsMax(ArrayRef<ContractionUse> uses,
                                        int64_t numChannels);

/// Whether smoothActivation would apply a shift to `x` exactly (into the
/// producer and the consumers' biases, or into run-time ops when the
/// producer cannot absorb the scale); when not, `why` says why.
bool canShiftActivation(Value x, std::string *why = nullptr);

/// What smoothActivation did.
struct SmoothingReport {
  /// The op that absorbed 1/s (and -z/s), e.g. "qc.layer_normalization";
  /// empty when a runtime qc.mul (and qc.sub) was inserted instead.
  std::string absorbedBy;
  bool runtimeOps = false;
  /// Whether the shift was applied; when not, `shiftDropped` says why (empty
  /// when no shift was asked for).
  bool shiftApplied = false;
  std::string shiftDropped;
  /// Consumers whose weights were scaled.
  unsigned numConsumers = 0;
};

/// Replaces the activation `x` (whose uses must all be ContractionUses) by
/// `x' = (x - z) / s` per channel: the producer of `x` absorbs `1/s` and
/// `-z/s` when it can (qc.layer_normalization, qc.batch_normalization,
/// qc.conv / qc.matmul / qc.gemm with constant weights, per-channel
/// constant qc.add / qc.sub / qc.mul / qc.div, and, in front of one of
/// those, qc.relu / qc.leaky_relu (scale only) and qc.max_pool /
/// qc.global_max_pool / qc.global_average_pool), otherwise a qc.sub and
/// qc.mul with constants are inserted (unless `foldOnly`).
/// The consumers' weights are multiplied by `s` along their input channels
/// and `W z` is added to their bias. `shifts` may be empty (no shift); a
/// shift that cannot be folded exactly is dropped (see the report). On
/// failure nothing is changed and `why` says why.
FailureOr<SmoothingReport> smoothActivation(Value x, ArrayRef<float> scales,
                                            ArrayRef<float> shifts,
                                            bool foldOnly = false,
                                            std::string *why = nullptr);

//===----------------------------------------------------------------------===//
// Channel rearrangement (qc-rearrange-outlier-channels).
//===----------------------------------------------------------------------===//

/// The permutation (new channel i holds old channel perm[i]) that sorts
/// channels by decreasing `score`, so that each block of consecutive
/// channels holds channels of similar magnitude. Ties keep their order.
SmallVector<int64_t> chooseOutlierPermutation(ArrayRef<float> score);

/// Mean over blocks of `blockSize` consecutive channels (after `perm`; empty
/// means identity) of max(absMax) / mean(absMax) in the block. 1 means every
/// block is uniform; large values mean outliers share blocks with small
/// channels. The last block may be partial; all-zero blocks count as 1.
double blockMaxMeanRatio(ArrayRef<float> absMax, ArrayRef<int64_t> perm,
                         int64_t blockSize);

/// The set of values that must be permuted together, found from a seed
/// activation: channels flow unchanged through elementwise ops, batch and
/// layer normalisation (over the channel), pooling, depthwise convolution,
/// softmax, transposes, reshapes that keep the channel dimension and
/// reductions, concats, slices and pads along other axes (see
/// ChannelFlow.cpp), so permuting one of these values forces the same
/// permutation on the others. Contractions with constant weights absorb it
/// on both sides.
struct ChannelComponent {
  int64_t numChannels = 0;
  /// Every permuted value, with its channel axis counted from the back
  /// (-1 is the last dimension).
  llvm::MapVector<Value, int64_t> values;
  /// Contractions reading a permuted value: their weights are permuted
  /// along the input channels.
  SmallVector<ContractionUse> consumers;
  /// Values produced by a contraction with constant weights (output
  /// channels permuted) or a qc.gather of a constant table.
  SmallVector<Value> absorbingDefs;
  /// Channel-preserving ops inside the component; their constant operands
  /// `(op, operand, axis from the back)` are permuted.
  SmallVector<Operation *> propagators;
  SmallVector<std::tuple<Operation *, unsigned, int64_t>> constantOperands;
  /// Permuted values produced where the permutation cannot be absorbed
  /// (function arguments, other ops), and uses by ops that need the
  /// original order: each needs a run-time qc.gather.
  SmallVector<Value> boundaryDefs;
  SmallVector<std::pair<Operation *, unsigned>> boundaryUses;
  /// How many qc.gather ops applying a permutation would insert.
  unsigned numGathers() const;
  /// A description of the first boundary, for remarks.
  std::string firstBoundary;
  /// The activations read by `consumers`, with their axes from the back.
  SmallVector<std::pair<Value, int64_t>> targets() const;
};

/// The component of the activation `seed`, whose uses must all be
/// ContractionUses; failure (with `why`) when channels cannot be tracked
/// consistently (an axis conflict or a shape mismatch).
FailureOr<ChannelComponent> analyzeChannelComponent(Value seed,
                                                    std::string *why = nullptr);

/// Permutes every value of `component` by `perm` (new channel i is old
/// channel perm[i]) at compile time, inserting a qc.gather at each boundary.
void applyChannelPermutation(const ChannelComponent &component,
                             ArrayRef<int64_t> perm);

} // namespace mlir::qc

#endif // QUANTC_TRANSFORMS_CHANNELTRANSFORMS_H

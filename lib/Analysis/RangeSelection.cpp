//===- RangeSelection.cpp - quantization ranges from statistics -----------===//
//
// Four ways to pick the range an activation is quantized with:
//
//   minmax      [min, max] over the calibration set (never clips);
//   percentile  T = the p-th percentile of |x| (p = 99.99 by default);
//   entropy     TensorRT's calibrator: T minimises KL(P || Q) between the
//               |x| histogram clipped at T (outliers folded into the last
//               bin) and its quantization to `levels` bins;
//   mse         T minimises the expected squared error of quantizing |x|
//               with step (range / (2^bits - 1)): clipping error for values
//               beyond T, step^2 / 12 for values inside.
//
// The last three clip the range to [max(min, -T), min(max, T)]. `levels` is
// 2^(bits-1) for tensors with both signs (half of the grid covers each
// side of 0) and 2^bits for one-signed tensors (ReLU outputs).
//
//===----------------------------------------------------------------------===//

#include "quantc/Analysis/Calibration.h"

#include "llvm/ADT/StringSwitch.h"
#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qc;

std::optional<RangeMethod> mlir::qc::parseRangeMethod(StringRef name) {
  return llvm::StringSwitch<std::optional<RangeMethod>>(name)
      .Case("minmax", RangeMethod::MinMax)
      .Case("percentile", RangeMethod::Percentile)
      .Case("entropy", RangeMethod::Entropy)
      .Case("mse", RangeMethod::MSE)
      .Default(std::nullopt);
}

StringRef mlir::qc::stringifyRangeMethod(RangeMethod method) {
  switch (method) {
  case RangeMethod::MinMax:
    return "minmax";
  case RangeMethod::Percentile:
    return "percentile";
  case RangeMethod::Entropy:
    return "entropy";
  case RangeMethod::MSE:
    return "mse";
  }
  return "minmax";
}

static double percentileThreshold(const AbsHistogram &hist, double p) {
  double total = hist.getTotal();
  double target = std::clamp(p, 0.0, 100.0) / 100.0 * total;
  double width = hist.getBinWidth(), cum = 0;
  for (int i = 0; i < AbsHistogram::kBins; ++i) {
    double c = hist.counts[i];
    if (c > 0 && cum + c >= target)
      return (i + (target - cum) / c) * width;
    cum += c;
  }
  return hist.maxAbs;
}

/// Moves `eps` of probability mass onto the empty bins (MXNet's
/// _smooth_distribution); false when every bin is empty.
static bool smooth(std::vector<double> &p, double eps = 1e-4) {
  double total = 0;
  int64_t zeros = 0;
  for (double v : p) {
    total += v;
    zeros += v == 0;
  }
  int64_t nonZeros = static_cast<int64_t>(p.size()) - zeros;
  if (nonZeros == 0 || total <= 0)
    return false;
  double eps1 = eps * zeros / nonZeros;
  for (double &v : p)
    v = v == 0 ? eps : v / total - eps1;
  return true;
}

/// KL(P || Q) of the first `n` bins against their quantization to `levels`
/// bins, as TensorRT's entropy calibrator (and MXNet's
/// _get_optimal_threshold): P is the histogram clipped at bin n (the mass
/// beyond folded into bin n-1); Q merges the unclipped bins into `levels`
/// groups and spreads each group's mass evenly over the bins where P is not
/// empty; both are smoothed before the divergence.
static double klDivergence(const std::vector<double> &counts, int n,
                           int levels, std::vector<double> &p,
                           std::vector<double> &q) {
  p.assign(counts.begin(), counts.begin() + n);
  for (size_t i = n; i < counts.size(); ++i)
    p[n - 1] += counts[i];
  q.assign(n, 0.0);
  int merged = n / levels;
  for (int j = 0; j < levels; ++j) {
    int start = j * merged, stop = j == levels - 1 ? n : start + merged;
    double sum = 0;
    int nonEmpty = 0;
    for (int i = start; i < stop; ++i) {
      sum += counts[i];
      nonEmpty += p[i] != 0;
    }
    if (nonEmpty == 0)
      continue;
    for (int i = start; i < stop; ++i)
      if (p[i] != 0)
        q[i] = sum / nonEmpty;
  }
  if (!smooth(p) || !smooth(q))
    return std::numeric_limits<double>::infinity();
  double kl = 0;
  for (int i = 0; i < n; ++i)
    if (p[i] > 0)
      kl += p[i] * std::log(p[i] / q[i]);
  return kl;
}

static double entropyThreshold(const AbsHistogram &hist, int levels) {
  const int bins = AbsHistogram::kBins;
  if (levels >= bins)
    return hist.maxAbs;
  // Ignore empty bins past the last non-empty one.
  int last = bins;
  while (last > 0 && hist.counts[last - 1] == 0)
    --last;
  if (last <= levels)
    return hist.maxAbs * last / bins;
  std::vector<double> p, q;
  double best = std::numeric_limits<double>::infinity();
  int bestN = last;
  for (int n = levels; n <= last; ++n) {
    double kl = klDivergence(hist.counts, n, levels, p, q);
    if (kl < best) {
      best = kl;
      bestN = n;
    }
  }
  return hist.getBinWidth() * bestN;
}

static double mseThreshold(const ActivationStats &stats, unsigned bits) {
  const AbsHistogram &hist = stats.histogram;
  const int bins = AbsHistogram::kBins;
  double width = hist.getBinWidth();
  double lo = std::min(0.0f, stats.min), hi = std::max(0.0f, stats.max);
  double steps = std::ldexp(1.0, bits) - 1;
  // Suffix sums of c, c * center and c * center^2 give the clipping error
  // sum_{center > t} c * (center - t)^2 in O(1) per candidate.
  std::vector<double> s0(bins + 1, 0.0), s1(bins + 1, 0.0), s2(bins + 1, 0.0);
  for (int i = bins - 1; i >= 0; --i) {
    double c = hist.counts[i], center = (i + 0.5) * width;
    s0[i] = s0[i + 1] + c;
    s1[i] = s1[i + 1] + c * center;
    s2[i] = s2[i + 1] + c * center * center;
  }
  double best = std::numeric_limits<double>::infinity();
  double bestT = hist.maxAbs;
  for (int n = 1; n <= bins; ++n) {
    // Bins 0..n-1 have their centers below t = n * width.
    double t = width * n;
    double range = std::min(hi, t) - std::max(lo, -t);
    double step = range / steps;
    double inside = s0[0] - s0[n];
    double clipped = s2[n] - 2 * t * s1[n] + t * t * s0[n];
    double err = inside * step * step / 12.0 + std::max(0.0, clipped);
    if (err < best) {
      best = err;
      bestT = t;
    }
  }
  return bestT;
}

double mlir::qc::chooseAbsThreshold(const ActivationStats &stats,
                                    RangeMethod method, unsigned bits,
                                    double percentile) {
  double absMax = std::max(std::fabs(stats.min), std::fabs(stats.max));
  const AbsHistogram &hist = stats.histogram;
  if (method == RangeMethod::MinMax || hist.counts.empty() ||
      hist.maxAbs <= 0 || hist.getTotal() <= 0)
    return absMax;
  double t = absMax;
  switch (method) {
  case RangeMethod::MinMax:
    break;
  case RangeMethod::Percentile:
    t = percentileThreshold(hist, percentile);
    break;
  case RangeMethod::Entropy: {
    bool bothSigns = stats.min < 0 && stats.max > 0;
    int levels = 1 << (bothSigns ? bits - 1 : bits);
    t = entropyThreshold(hist, levels);
    break;
  }
  case RangeMethod::MSE:
    t = mseThreshold(stats, bits);
    break;
  }
  // Never widen the range, never collapse it.
  t = std::min(t, absMax);
  if (!(t > 0))
    t = absMax;
  return t;
}

std::pair<float, float> mlir::qc::chooseRange(const ActivationStats &stats,
                                              RangeMethod method,
                                              unsigned bits,
                                              double percentile) {
  float lo = std::min(0.0f, stats.min), hi = std::max(0.0f, stats.max);
  if (method == RangeMethod::MinMax)
    return {lo, hi};
  double t = chooseAbsThreshold(stats, method, bits, percentile);
  return {std::max(lo, static_cast<float>(-t)),
          std::min(hi, static_cast<float>(t))};
}

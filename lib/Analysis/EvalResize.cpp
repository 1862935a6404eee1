//===- EvalResize.cpp - qc.resize -----------------------------------------===//
//
// ONNX Resize (opset 19) as its reference implementation computes it: every
// dimension is resampled separately (nearest, linear or cubic taps around the
// input coordinate that the coordinate transformation gives), the taps of the
// dimensions are combined outermost dimension first, and coordinates,
// weights and sums are in double, rounded to f32 at the end. Indices outside
// the input are clamped to the edge, unless exclude_outside drops their taps
// (and renormalises the rest).
//
// Details the reference fixes and the importer relies on:
//  - align_corners divides by `input_size * scale - 1`, the unrounded output
//    length (ONNX's test data depends on it);
//  - pytorch_half_pixel maps to 0 when the output length is 1 (the spec);
//  - when the f32 scale is exactly `output / input` rounded to f32 (the
//    importer derives scales from ONNX `sizes` that way), the exact ratio
//    `output / input` is used, as ONNX does for `sizes`.
//  - exclude_outside has no effect in nearest mode (as in ONNX Runtime).
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

namespace {
struct Tap {
  int64_t offset; // index along the dimension times its stride
  double weight;
};

/// The taps of every output index of one dimension.
struct ResizeAxis {
  std::vector<int64_t> begin; // taps[begin[o] .. begin[o + 1])
  std::vector<Tap> taps;
};
} // namespace

static double transformCoordinate(CoordinateTransform mode, int64_t x,
                                  double scale, int64_t in, int64_t out) {
  double lengthResized = static_cast<double>(in) * scale;
  double xd = static_cast<double>(x);
  switch (mode) {
  case CoordinateTransform::half_pixel:
    return (xd + 0.5) / scale - 0.5;
  case CoordinateTransform::half_pixel_symmetric: {
    double adjustment = static_cast<double>(out) / lengthResized;
    double center = static_cast<double>(in) / 2.0;
    double offset = center * (1.0 - adjustment);
    return offset + (xd + 0.5) / scale - 0.5;
  }
  case CoordinateTransform::pytorch_half_pixel:
    return out > 1 ? (xd + 0.5) / scale - 0.5 : 0.0;
  case CoordinateTransform::align_corners:
    return lengthResized == 1.0
               ? 0.0
               : xd * static_cast<double>(in - 1) / (lengthResized - 1.0);
  case CoordinateTransform::asymmetric:
  case CoordinateTransform::tf_crop_and_resize:
    return xd / scale;
  }
  return xd / scale;
}

static ResizeAxis makeAxis(ResizeOp op, int64_t in, int64_t out, float scaleF,
                           int64_t stride) {
  double scale = scaleF;
  double exact = static_cast<double>(out) / static_cast<double>(in);
  if (static_cast<float>(exact) == scaleF)
    scale = exact;
  ResizeMode mode = op.getMode();
  double a = op.getCubicCoeffA().convertToDouble();
  bool excludeOutside = op.getExcludeOutside() && mode != ResizeMode::nearest;
  ResizeAxis axis;
  SmallVector<std::pair<int64_t, double>, 4> taps;
  for (int64_t o = 0; o < out; ++o) {
    double xo = transformCoordinate(op.getCoordinateTransformationMode(), o,
                                    scale, in, out);
    double fl = std::floor(xo);
    auto f = static_cast<int64_t>(fl);
    double r = xo - fl;
    taps.clear();
    switch (mode) {
    case ResizeMode::nearest: {
      int64_t idx = f;
      if (r != 0.0) {
        switch (op.getNearestMode()) {
        case NearestMode::round_prefer_floor:
          idx = r <= 0.5 ? f : f + 1;
          break;
        case NearestMode::round_prefer_ceil:
          idx = r < 0.5 ? f : f + 1;
          break;
        case NearestMode::floor:
          idx = f;
          break;
        case NearestMode::ceil:
          idx = f + 1;
          break;
        }
      }
      taps.push_back({idx, 1.0});
      break;
    }
    case ResizeMode::linear:
      taps.push_back({f, 1.0 - r});
      taps.push_back({f + 1, r});
      break;
    case ResizeMode::cubic: {
      double r1 = r + 1.0, s = 1.0 - r, s1 = s + 1.0;
      taps.push_back(
          {f - 1, ((a * r1 - 5.0 * a) * r1 + 8.0 * a) * r1 - 4.0 * a});
      taps.push_back({f, ((a + 2.0) * r - (a + 3.0)) * r * r + 1.0});
      taps.push_back({f + 1, ((a + 2.0) * s - (a + 3.0)) * s * s + 1.0});
      taps.push_back(
          {f + 2, ((a * s1 - 5.0 * a) * s1 + 8.0 * a) * s1 - 4.0 * a});
      break;
    }
    }
    if (excludeOutside) {
      double sum = 0.0;
      for (auto &[idx, w] : taps) {
        if (idx < 0 || idx >= in)
          w = 0.0;
        sum += w;
      }
      if (sum != 0.0)
        for (auto &tap : taps)
          tap.second /= sum;
    }
    axis.begin.push_back(axis.taps.size());
    for (auto [idx, w] : taps) {
      if (w == 0.0)
        continue;
      idx = std::clamp<int64_t>(idx, 0, in - 1);
      axis.taps.push_back({idx * stride, w});
    }
  }
  axis.begin.push_back(axis.taps.size());
  return axis;
}

static EvalResult evalResize(Operation *op, Operands operands,
                             const EvalContext &ctx) {
  auto resize = cast<ResizeOp>(op);
  const Tensor &x = *operands[0];
  RankedTensorType yType = resize.getY().getType();
  ArrayRef<int64_t> inShape = x.getShape(), outShape = yType.getShape();
  int64_t rank = x.getRank();
  if (resize.getCoordinateTransformationMode() ==
      CoordinateTransform::tf_crop_and_resize)
    return op->emitOpError("expected a coordinate transformation other than "
                           "tf_crop_and_resize, found tf_crop_and_resize");
  int64_t total = product(outShape);
  std::vector<float> y(total);
  if (total == 0 || rank == 0) {
    if (rank == 0)
      y = std::vector<float>(x.getFloats().begin(), x.getFloats().end());
    return single(Tensor::getFloat(op->getContext(), outShape, std::move(y)));
  }
  if (product(inShape) == 0)
    return op->emitOpError("expected a non-empty input to resize to ")
           << total << " elements";
  SmallVector<int64_t> strides = x.getStrides();
  SmallVector<ResizeAxis> axes;
  for (int64_t d = 0; d < rank; ++d)
    axes.push_back(makeAxis(resize, inShape[d], outShape[d],
                            resize.getScales()[d], strides[d]));
  const float *xd = x.getFloats().data();
  bool nearest = resize.getMode() == ResizeMode::nearest;

  if (nearest) {
    // One gather per output row, with the last dimension's offsets.
    int64_t last = outShape.back(), rows = total / last;
    const ResizeAxis &lastAxis = axes.back();
    parallelForRange(
        ctx.numThreads, rows, std::max<int64_t>(1, 16384 / last),
        [&](int64_t begin, int64_t end) {
          for (int64_t row = begin; row < end; ++row) {
            int64_t rem = row, offset = 0;
            for (int64_t d = rank - 2; d >= 0; --d) {
              const ResizeAxis &axis = axes[d];
              offset += axis.taps[axis.begin[rem % outShape[d]]].offset;
              rem /= outShape[d];
            }
            float *dst = y.data() + row * last;
            for (int64_t i = 0; i < last; ++i)
              dst[i] = xd[offset + lastAxis.taps[lastAxis.begin[i]].offset];
          }
        });
    return single(Tensor::getFloat(op->getContext(), outShape, std::move(y)));
  }

  parallelForRange(
      ctx.numThreads, total, 16384, [&](int64_t begin, int64_t end) {
        SmallVector<int64_t> idx(rank);
        int64_t rem = begin;
        for (int64_t d = rank - 1; d >= 0; --d) {
          idx[d] = rem % outShape[d];
          rem /= outShape[d];
        }
        // Sum over the taps of dimensions d.. for base offset `offset`,
        // outermost dimension first, as ONNX's reference nests them.
        std::function<double(int64_t, int64_t)> accumulate =
            [&](int64_t d, int64_t offset) -> double {
          const ResizeAxis &axis = axes[d];
          double sum = 0.0;
          for (int64_t t = axis.begin[idx[d]]; t < axis.begin[idx[d] + 1];
               ++t) {
            const Tap &tap = axis.taps[t];
            double v = d + 1 == rank
                           ? static_cast<double>(xd[offset + tap.offset])
                           : accumulate(d + 1, offset + tap.offset);
            sum += tap.weight * v;
          }
          return sum;
        };
        for (int64_t o = begin; o < end; ++o) {
          y[o] = static_cast<float>(accumulate(0, 0));
          for (int64_t d = rank - 1; d >= 0; --d) {
            if (++idx[d] < outShape[d])
              break;
            idx[d] = 0;
          }
        }
      });
  return single(Tensor::getFloat(op->getContext(), outShape, std::move(y)));
}

void mlir::qc::detail::registerResizeKernels(KernelTable &t) {
  t[ResizeOp::getOperationName()] = evalResize;
}

//===- EvalElementwise.cpp - unary and broadcasting binary qc ops ---------===//
//
// Float ops compute in f32 with the formulas of ONNX's reference
// implementation (erf and gelu go through double, as numpy's math.erf does).
// Integer ops compute exactly and wrap to the element type's width, as numpy
// and ONNX Runtime do; integer division truncates toward zero.
//
//===----------------------------------------------------------------------===//

#include "EvalUtils.h"

#include "qc/QCOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

/// Elements per thread below which a map runs on one thread.
constexpr int64_t kMapGrain = 1 << 16;

template <typename F>
static Tensor mapFloats(const Tensor &x, const EvalContext &ctx, F f) {
  ArrayRef<float> in = x.getFloats();
  std::vector<float> out(in.size());
  parallelForRange(ctx.numThreads, in.size(), kMapGrain,
                   [&](int64_t begin, int64_t end) {
                     for (int64_t i = begin; i < end; ++i)
                       out[i] = f(in[i]);
                   });
  return Tensor::getFloat(x.getElementType().getContext(), x.getShape(),
                          std::move(out));
}

template <typename F> static Tensor mapInts(const Tensor &x, F f) {
  unsigned width = getIntegerWidth(x.getElementType());
  bool isUnsigned = isUnsignedInteger(x.getElementType());
  std::vector<int64_t> out;
  out.reserve(x.getNumElements());
  for (int64_t v : x.getInts())
    out.push_back(wrapInteger(f(v), width, isUnsigned));
  return Tensor::getInt(x.getElementType(), x.getShape(), std::move(out));
}

//===----------------------------------------------------------------------===//
// Unary ops.
//===----------------------------------------------------------------------===//

static float sigmoid(float x) {
  if (x >= 0.0f)
    return 1.0f / (1.0f + std::exp(-x));
  float e = std::exp(x);
  return e / (1.0f + e);
}

/// min(max(v, 0), 1) that keeps NaN, as numpy.minimum/maximum do.
static float clamp01(float v) {
  return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
}

static float softplus(float x) {
  // log(1 + exp(x)) without overflow for large x.
  if (x > 0.0f)
    return x + std::log1p(std::exp(-x));
  return std::log1p(std::exp(x));
}

#define QC_FLOAT_UNARY(OP, EXPR)                                               \
  static EvalResult eval##OP(Operation *, Operands operands,                   \
                             const EvalContext &ctx) {                         \
    return single(mapFloats(*operands[0], ctx, [](float x) { return EXPR; })); \
  }

QC_FLOAT_UNARY(Relu, x < 0.0f ? 0.0f : x)
QC_FLOAT_UNARY(Sigmoid, sigmoid(x))
QC_FLOAT_UNARY(Tanh, std::tanh(x))
QC_FLOAT_UNARY(Exp, std::exp(x))
QC_FLOAT_UNARY(Log, std::log(x))
QC_FLOAT_UNARY(Sqrt, std::sqrt(x))
QC_FLOAT_UNARY(Erf, static_cast<float>(std::erf(static_cast<double>(x))))
QC_FLOAT_UNARY(Reciprocal, 1.0f / x)
QC_FLOAT_UNARY(Floor, std::floor(x))
QC_FLOAT_UNARY(Ceil, std::ceil(x))
QC_FLOAT_UNARY(Round, roundHalfToEven(x))
QC_FLOAT_UNARY(Sin, std::sin(x))
QC_FLOAT_UNARY(Cos, std::cos(x))
QC_FLOAT_UNARY(Softplus, softplus(x))
QC_FLOAT_UNARY(Softsign, x / (1.0f + std::fabs(x)))
QC_FLOAT_UNARY(HardSwish, x *clamp01(x *(1.0f / 6.0f) + 0.5f))
#undef QC_FLOAT_UNARY

static EvalResult evalNeg(Operation *, Operands operands,
                          const EvalContext &ctx) {
  const Tensor &x = *operands[0];
  if (x.isFloat())
    return single(mapFloats(x, ctx, [](float v) { return -v; }));
  return single(mapInts(x, [](int64_t v) {
    return static_cast<int64_t>(0ull - static_cast<uint64_t>(v));
  }));
}

static EvalResult evalAbs(Operation *, Operands operands,
                          const EvalContext &ctx) {
  const Tensor &x = *operands[0];
  if (x.isFloat())
    return single(mapFloats(x, ctx, [](float v) { return std::fabs(v); }));
  return single(mapInts(x, [](int64_t v) {
    return v < 0 ? static_cast<int64_t>(0ull - static_cast<uint64_t>(v)) : v;
  }));
}

static EvalResult evalIdentity(Operation *, Operands operands,
                               const EvalContext &) {
  return single(*operands[0]);
}

static EvalResult evalLeakyRelu(Operation *op, Operands operands,
                                const EvalContext &ctx) {
  float alpha = cast<LeakyReluOp>(op).getAlpha().convertToFloat();
  return single(mapFloats(*operands[0], ctx, [alpha](float x) {
    return x > 0.0f ? x : x * alpha;
  }));
}

static EvalResult evalElu(Operation *op, Operands operands,
                          const EvalContext &ctx) {
  float alpha = cast<EluOp>(op).getAlpha().convertToFloat();
  return single(mapFloats(*operands[0], ctx, [alpha](float x) {
    return x >= 0.0f ? x : alpha * (std::exp(x) - 1.0f);
  }));
}

static EvalResult evalHardSigmoid(Operation *op, Operands operands,
                                  const EvalContext &ctx) {
  auto hs = cast<HardSigmoidOp>(op);
  float alpha = hs.getAlpha().convertToFloat();
  float beta = hs.getBeta().convertToFloat();
  return single(mapFloats(*operands[0], ctx,
                          [=](float x) { return clamp01(alpha * x + beta); }));
}

static EvalResult evalClip(Operation *op, Operands operands,
                           const EvalContext &ctx) {
  auto clip = cast<ClipOp>(op);
  float lo = clip.getMin() ? clip.getMin()->convertToFloat()
                           : -std::numeric_limits<float>::infinity();
  float hi = clip.getMax() ? clip.getMax()->convertToFloat()
                           : std::numeric_limits<float>::infinity();
  // NaN stays NaN, as with numpy.clip.
  return single(mapFloats(*operands[0], ctx, [=](float x) {
    return x < lo ? lo : (x > hi ? hi : x);
  }));
}

static EvalResult evalGelu(Operation *op, Operands operands,
                           const EvalContext &ctx) {
  if (cast<GeluOp>(op).getApproximate() == GeluApproximation::tanh)
    return single(mapFloats(*operands[0], ctx, [](float x) {
      const float k = std::sqrt(2.0f / static_cast<float>(M_PI));
      return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
    }));
  return single(mapFloats(*operands[0], ctx, [](float x) {
    double d = x;
    return static_cast<float>(0.5 * d * (1.0 + std::erf(d / std::sqrt(2.0))));
  }));
}

//===----------------------------------------------------------------------===//
// Binary ops with broadcasting.
//===----------------------------------------------------------------------===//

/// out[i] = f(a[ia], b[ib]) over the broadcast shape, in parallel over rows.
template <typename T, typename F>
static std::vector<T> broadcastBinary(const Tensor &a, ArrayRef<T> av,
                                      const Tensor &b, ArrayRef<T> bv,
                                      ArrayRef<int64_t> outShape,
                                      const EvalContext &ctx, F f) {
  int64_t total = product(outShape);
  std::vector<T> out(total);
  if (total == 0)
    return out;
  if (a.getShape() == outShape && b.getShape() == outShape) {
    parallelForRange(ctx.numThreads, total, kMapGrain,
                     [&](int64_t begin, int64_t end) {
                       for (int64_t i = begin; i < end; ++i)
                         out[i] = f(av[i], bv[i]);
                     });
    return out;
  }
  if (a.getShape() == outShape && bv.size() == 1) {
    T s = bv[0];
    parallelForRange(ctx.numThreads, total, kMapGrain,
                     [&](int64_t begin, int64_t end) {
                       for (int64_t i = begin; i < end; ++i)
                         out[i] = f(av[i], s);
                     });
    return out;
  }
  if (b.getShape() == outShape && av.size() == 1) {
    T s = av[0];
    parallelForRange(ctx.numThreads, total, kMapGrain,
                     [&](int64_t begin, int64_t end) {
                       for (int64_t i = begin; i < end; ++i)
                         out[i] = f(s, bv[i]);
                     });
    return out;
  }
  SmallVector<int64_t> as = broadcastStrides(a.getShape(), outShape);
  SmallVector<int64_t> bs = broadcastStrides(b.getShape(), outShape);
  int64_t rank = outShape.size();
  if (rank == 0) {
    out[0] = f(av[0], bv[0]);
    return out;
  }
  int64_t inner = outShape.back();
  int64_t rows = total / inner;
  int64_t ia = as.back(), ib = bs.back();
  parallelForRange(ctx.numThreads, rows,
                   std::max<int64_t>(1, kMapGrain / inner),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t r = begin; r < end; ++r) {
                       int64_t rem = r, aOff = 0, bOff = 0;
                       for (int64_t d = rank - 2; d >= 0; --d) {
                         int64_t i = rem % outShape[d];
                         rem /= outShape[d];
                         aOff += i * as[d];
                         bOff += i * bs[d];
                       }
                       T *o = out.data() + r * inner;
                       const T *pa = av.data() + aOff, *pb = bv.data() + bOff;
                       // Contiguous or per-row scalar operands vectorize.
                       if (ia == 1 && ib == 1) {
                         for (int64_t j = 0; j < inner; ++j)
                           o[j] = f(pa[j], pb[j]);
                       } else if (ia == 1 && ib == 0) {
                         T s = pb[0];
                         for (int64_t j = 0; j < inner; ++j)
                           o[j] = f(pa[j], s);
                       } else if (ia == 0 && ib == 1) {
                         T s = pa[0];
                         for (int64_t j = 0; j < inner; ++j)
                           o[j] = f(s, pb[j]);
                       } else {
                         for (int64_t j = 0; j < inner; ++j)
                           o[j] = f(pa[j * ia], pb[j * ib]);
                       }
                     }
                   });
  return out;
}

enum class BinaryKind { Add, Sub, Mul, Div, Pow, Max, Min };

static float applyFloat(BinaryKind kind, float a, float b) {
  switch (kind) {
  case BinaryKind::Add:
    return a + b;
  case BinaryKind::Sub:
    return a - b;
  case BinaryKind::Mul:
    return a * b;
  case BinaryKind::Div:
    return a / b;
  case BinaryKind::Pow:
    return powf(a, b);
  case BinaryKind::Max:
    // NaN propagates, as with numpy.maximum.
    return std::isnan(a) ? a : (std::isnan(b) ? b : (a < b ? b : a));
  case BinaryKind::Min:
    return std::isnan(a) ? a : (std::isnan(b) ? b : (b < a ? b : a));
  }
  return 0.0f;
}

static int64_t applyInt(BinaryKind kind, int64_t a, int64_t b) {
  auto ua = static_cast<uint64_t>(a), ub = static_cast<uint64_t>(b);
  switch (kind) {
  case BinaryKind::Add:
    return static_cast<int64_t>(ua + ub);
  case BinaryKind::Sub:
    return static_cast<int64_t>(ua - ub);
  case BinaryKind::Mul:
    return static_cast<int64_t>(ua * ub);
  case BinaryKind::Div:
    // Truncates toward zero; the caller rejects b == 0.
    if (b == -1)
      return static_cast<int64_t>(0ull - ua);
    return a / b;
  case BinaryKind::Max:
    return std::max(a, b);
  case BinaryKind::Min:
    return std::min(a, b);
  case BinaryKind::Pow:
    break;
  }
  return 0;
}

template <BinaryKind kind>
static EvalResult evalBinary(Operation *op, Operands operands,
                             const EvalContext &ctx) {
  const Tensor &a = *operands[0], &b = *operands[1];
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  ArrayRef<int64_t> shape = resultType.getShape();
  if (a.isFloat()) {
    std::vector<float> out = broadcastBinary<float>(
        a, a.getFloats(), b, b.getFloats(), shape, ctx,
        [](float x, float y) { return applyFloat(kind, x, y); });
    return single(Tensor::getFloat(op->getContext(), shape, std::move(out)));
  }
  if (kind == BinaryKind::Pow)
    return op->emitOpError("expected f32 operands, found ")
           << a.getElementType();
  if (kind == BinaryKind::Div && llvm::is_contained(b.getInts(), 0))
    return op->emitOpError("expected a non-zero integer divisor, found a "
                           "zero in the right operand");
  unsigned width = getIntegerWidth(a.getElementType());
  bool isUnsigned = isUnsignedInteger(a.getElementType());
  std::vector<int64_t> out = broadcastBinary<int64_t>(
      a, a.getInts(), b, b.getInts(), shape, ctx,
      [width, isUnsigned](int64_t x, int64_t y) {
        return wrapInteger(applyInt(kind, x, y), width, isUnsigned);
      });
  return single(Tensor::getInt(a.getElementType(), shape, std::move(out)));
}

static EvalResult evalPRelu(Operation *op, Operands operands,
                            const EvalContext &ctx) {
  const Tensor &x = *operands[0], &slope = *operands[1];
  std::vector<float> out = broadcastBinary<float>(
      x, x.getFloats(), slope, slope.getFloats(), x.getShape(), ctx,
      [](float v, float s) { return v < 0.0f ? v * s : v; });
  return single(
      Tensor::getFloat(op->getContext(), x.getShape(), std::move(out)));
}

void mlir::qc::detail::registerElementwiseKernels(KernelTable &t) {
  t[ReluOp::getOperationName()] = evalRelu;
  t[SigmoidOp::getOperationName()] = evalSigmoid;
  t[TanhOp::getOperationName()] = evalTanh;
  t[ExpOp::getOperationName()] = evalExp;
  t[LogOp::getOperationName()] = evalLog;
  t[SqrtOp::getOperationName()] = evalSqrt;
  t[ErfOp::getOperationName()] = evalErf;
  t[ReciprocalOp::getOperationName()] = evalReciprocal;
  t[FloorOp::getOperationName()] = evalFloor;
  t[CeilOp::getOperationName()] = evalCeil;
  t[RoundOp::getOperationName()] = evalRound;
  t[SinOp::getOperationName()] = evalSin;
  t[CosOp::getOperationName()] = evalCos;
  t[SoftplusOp::getOperationName()] = evalSoftplus;
  t[SoftsignOp::getOperationName()] = evalSoftsign;
  t[HardSwishOp::getOperationName()] = evalHardSwish;
  t[NegOp::getOperationName()] = evalNeg;
  t[AbsOp::getOperationName()] = evalAbs;
  t[IdentityOp::getOperationName()] = evalIdentity;
  t[LeakyReluOp::getOperationName()] = evalLeakyRelu;
  t[EluOp::getOperationName()] = evalElu;
  t[HardSigmoidOp::getOperationName()] = evalHardSigmoid;
  t[ClipOp::getOperationName()] = evalClip;
  t[GeluOp::getOperationName()] = evalGelu;
  t[AddOp::getOperationName()] = evalBinary<BinaryKind::Add>;
  t[SubOp::getOperationName()] = evalBinary<BinaryKind::Sub>;
  t[MulOp::getOperationName()] = evalBinary<BinaryKind::Mul>;
  t[DivOp::getOperationName()] = evalBinary<BinaryKind::Div>;
  t[PowOp::getOperationName()] = evalBinary<BinaryKind::Pow>;
  t[MaxOp::getOperationName()] = evalBinary<BinaryKind::Max>;
  t[MinOp::getOperationName()] = evalBinary<BinaryKind::Min>;
  t[PReluOp::getOperationName()] = evalPRelu;
}

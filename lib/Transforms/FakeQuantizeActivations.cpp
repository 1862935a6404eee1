//===- FakeQuantizeActivations.cpp - simulated block-quantized inputs -----===//
//
// qc-fake-quantize-activations rounds the input of every layer with
// constant weights to a symmetric `bits`-bit grid with one dynamic scale
// per block of `block-size` consecutive input channels (max|x| / qmax of the
// block, computed at run time), and dequantizes it again: the accuracy of
// block formats for activations (MX-style int4 blocks, "Accurate Block
// Quantization in LLMs with Outliers") measured on any graph, with qc ops
// that every target and the reference evaluator already run.
//
//===----------------------------------------------------------------------===//

#include "ChannelUtils.h"

#include "qc/QCOps.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/MapVector.h"
#include <limits>

namespace mlir::qc {
#define GEN_PASS_DEF_QCFAKEQUANTIZEACTIVATIONS
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::channels;

namespace {

/// The contraction `op` as a layer whose input channels this pass blocks: a
/// constant weight (f32, or quantized by qc-quantize) and one group (a
/// grouped convolution reduces over the channels of one group only, a
/// depthwise one over none), with the axis of the activation it reduces.
std::optional<std::pair<Contraction, int64_t>> blockedLayer(Operation *op) {
  std::optional<Contraction> c = getContraction(op);
  if (!c || c->groups != 1 || !getWeightConstant(c->getWeight()))
    return std::nullopt;
  int64_t axis =
      cast<RankedTensorType>(c->getActivation().getType()).getRank() - 1;
  if (isa<ConvOp>(op))
    axis = 1;
  else if (auto gemm = dyn_cast<GemmOp>(op))
    axis = gemm.getTransA() ? 0 : 1;
  return std::make_pair(*c, axis);
}

/// `shape` with dimension `axis` split into [n / block, block].
SmallVector<int64_t> splitShape(ArrayRef<int64_t> shape, int64_t axis,
                                int64_t block) {
  SmallVector<int64_t> s(shape.begin(), shape.begin() + axis);
  s.push_back(shape[axis] / block);
  s.push_back(block);
  s.append(shape.begin() + axis + 1, shape.end());
  return s;
}

/// Builds `dequantize(quantize(x))` with one scale per block along `axis`
/// right after `x`'s definition (before `firstUser` when `x` is an
/// argument) and returns its result.
Value buildFakeQuant(Value x, Operation *firstUser, int64_t axis, int64_t block,
                     unsigned bits) {
  auto type = cast<RankedTensorType>(x.getType());
  OpBuilder b(x.getContext());
  if (Operation *def = x.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPoint(firstUser);
  Location loc = x.getLoc();
  Type f32 = b.getF32Type();

  // Blocks get a dimension of their own unless there is one per row.
  int64_t n = type.getDimSize(axis);
  Value cur = x;
  int64_t redAxis = axis;
  RankedTensorType blocked = type;
  if (block != n) {
    blocked =
        RankedTensorType::get(splitShape(type.getShape(), axis, block), f32);
    cur = ReshapeOp::create(b, loc, blocked, cur);
    redAxis = axis + 1;
  }
  SmallVector<int64_t> scaleShape(blocked.getShape());
  scaleShape[redAxis] = 1;
  auto scaleType = RankedTensorType::get(scaleShape, f32);

  // scale = max(max|x| / qmax, FLT_MIN): an all-zero block stays zero.
  float qmax = static_cast<float>((1 << (bits - 1)) - 1);
  Value absX = AbsOp::create(b, loc, blocked, cur);
  Value absMax = ReduceMaxOp::create(b, loc, scaleType, absX,
                                     b.getDenseI64ArrayAttr({redAxis}),
                                     b.getBoolAttr(true));
  Value qmaxC = makeF32Constant(b, loc, {}, {qmax}, "fake_quant_qmax");
  Value scale = DivOp::create(b, loc, scaleType, absMax, qmaxC);
  Value tiny = makeF32Constant(b, loc, {}, {std::numeric_limits<float>::min()},
                               "fake_quant_min_scale");
  scale = MaxOp::create(b, loc, scaleType, scale, tiny);
  // |x / scale| <= qmax, so rounding needs no clamp.
  Value q = DivOp::create(b, loc, blocked, cur, scale);
  q = RoundOp::create(b, loc, blocked, q);
  cur = MulOp::create(b, loc, blocked, q, scale);
  if (blocked != type)
    cur = ReshapeOp::create(b, loc, type, cur);
  return cur;
}

struct QCFakeQuantizeActivationsPass
    : qc::impl::QCFakeQuantizeActivationsBase<QCFakeQuantizeActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (bits < 2 || bits > 16) {
      func.emitError("qc-fake-quantize-activations: expected bits in [2, 16], "
                     "found ")
          << static_cast<unsigned>(bits);
      return signalPassFailure();
    }
    if (blockSize < 0) {
      func.emitError("qc-fake-quantize-activations: expected block-size >= 0 "
                     "(0: one scale per row), found ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }

    // Each (activation, axis) once, however many layers read it.
    llvm::MapVector<std::pair<Value, int64_t>, SmallVector<OpOperand *>> sites;
    bool ok = true;
    func.walk([&](Operation *op) {
      auto layer = blockedLayer(op);
      if (!layer)
        return;
      auto [c, axis] = *layer;
      OpOperand &in = op->getOpOperand(c.activationIndex);
      Value x = in.get();
      // (f32 and statically shaped: getContraction and the dialect ensure it.)
      auto type = cast<RankedTensorType>(x.getType());
      if (x.getDefiningOp<DequantizeOp>()) {
        ++numAlreadyQuantized;
        if (remarks)
          op->emitRemark("qc-fake-quantize-activations: input left alone: it "
                         "is already quantized (qc.dequantize)");
        return;
      }
      int64_t n = type.getDimSize(axis);
      if (blockSize > 0 && n % blockSize != 0 && !blockFallback) {
        op->emitError("qc-fake-quantize-activations: block-size ")
            << static_cast<int64_t>(blockSize) << " does not divide the " << n
            << " input channels (dimension " << axis << " of " << type
            << "); choose a divisor, 0 for one scale per row, or "
               "block-fallback=true for one scale per row where it does not "
               "divide";
        ok = false;
        return;
      }
      sites[{x, axis}].push_back(&in);
    });
    if (!ok)
      return signalPassFailure();

    for (auto &[key, uses] : sites) {
      auto [x, axis] = key;
      int64_t n = cast<RankedTensorType>(x.getType()).getDimSize(axis);
      int64_t block = blockSize == 0 || n % blockSize != 0
                          ? n
                          : static_cast<int64_t>(blockSize);
      Value fq = buildFakeQuant(x, uses.front()->getOwner(), axis, block, bits);
      for (OpOperand *use : uses)
        use->set(fq);
      ++numFakeQuantized;
      if (remarks)
        uses.front()->getOwner()->emitRemark()
            << "qc-fake-quantize-activations: " << static_cast<unsigned>(bits)
            << "-bit, " << n / block << (n / block == 1 ? " block" : " blocks")
            << " of " << block << " along dimension " << axis << ", read by "
            << pluralize(uses.size(), "layer")
            << (blockSize > 0 && block != blockSize
                    ? " (block-fallback: block-size does not divide it)"
                    : "");
    }
  }
};

} // namespace

//===- FoldBatchNorm.cpp - fold batch normalisation into convolutions -----===//

#include "qc/QCOps.h"
#include "quantc/Support/Constants.h"
#include "quantc/Transforms/Passes.h"
#include "quantc/Transforms/Patterns.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include <cmath>

namespace mlir::qc {
#define GEN_PASS_DEF_QCFOLDBATCHNORM
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(BatchNormalizationOp bn,
                                PatternRewriter &rewriter) const override {
    auto conv = bn.getX().getDefiningOp<ConvOp>();
    if (!conv || !conv->hasOneUse())
      return rewriter.notifyMatchFailure(bn, "input is not a single-use conv");
    if (!conv.getW().getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(bn, "only f32 weights are folded");
    auto w = readFloatConstant(conv.getW());
    if (!w)
      return rewriter.notifyMatchFailure(bn, "conv weights are not constant");
    int64_t m = conv.getW().getType().getDimSize(0);
    std::vector<float> b(m, 0.0f);
    if (Value bias = conv.getB()) {
      auto cb = readFloatConstant(bias);
      if (!cb)
        return rewriter.notifyMatchFailure(bn, "conv bias is not constant");
      b = *cb;
    }
    auto scale = readFloatConstant(bn.getScale());
    auto shift = readFloatConstant(bn.getBias());
    auto mean = readFloatConstant(bn.getMean());
    auto var = readFloatConstant(bn.getVar());
    if (!scale || !shift || !mean || !var)
      return rewriter.notifyMatchFailure(bn, "statistics are not constant");

    float eps = bn.getEpsilon().convertToFloat();
    int64_t perChannel = static_cast<int64_t>(w->size()) / m;
    for (int64_t c = 0; c < m; ++c) {
      double s = (*scale)[c] / std::sqrt((double)(*var)[c] + eps);
      for (int64_t i = 0; i < perChannel; ++i)
        (*w)[c * perChannel + i] =
            static_cast<float>((*w)[c * perChannel + i] * s);
      b[c] = static_cast<float>((b[c] - (*mean)[c]) * s + (*shift)[c]);
    }

    Location loc = bn.getLoc();
    RankedTensorType wType = conv.getW().getType();
    auto bType = RankedTensorType::get({m}, wType.getElementType());
    Value newW = arith::ConstantOp::create(
        rewriter, loc, makeF32Resource(wType, "bn_folded_weight", *w));
    Value newB = arith::ConstantOp::create(
        rewriter, loc, makeF32Resource(bType, "bn_folded_bias", b));
    auto newConv = ConvOp::create(
        rewriter, rewriter.getFusedLoc({conv.getLoc(), loc}), bn.getType(),
        conv.getX(), newW, newB, conv.getStridesAttr(), conv.getPadsAttr(),
        conv.getDilationsAttr(), conv.getGroupAttr());
    rewriter.replaceOp(bn, newConv.getResult());
    rewriter.eraseOp(conv);
    return success();
  }
};

struct QCFoldBatchNormPass
    : qc::impl::QCFoldBatchNormBase<QCFoldBatchNormPass> {
  void runOnOperation() override {
    int64_t before = 0, after = 0;
    getOperation().walk([&](BatchNormalizationOp) { ++before; });
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation().walk([&](BatchNormalizationOp) { ++after; });
    numFolded += before - after;
  }
};

} // namespace

void mlir::qc::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormIntoConv>(patterns.getContext());
}

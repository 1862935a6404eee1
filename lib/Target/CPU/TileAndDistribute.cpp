//===- TileAndDistribute.cpp - split linalg ops into forall tasks ---------===//

#include "quantc/Target/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include <numeric>

namespace mlir::qc {
#define GEN_PASS_DEF_QCTILEANDDISTRIBUTE
#include "quantc/Target/CPU/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {
struct QCTileAndDistributePass
    : qc::impl::QCTileAndDistributeBase<QCTileAndDistributePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp f = getOperation();
    if (f.isExternal())
      return;
    SmallVector<linalg::LinalgOp> ops;
    for (Operation &op : f.getBody().front())
      if (auto l = dyn_cast<linalg::LinalgOp>(&op))
        if (isa<linalg::GenericOp, linalg::FillOp>(op) &&
            l.hasPureTensorSemantics() && op.getNumResults() == 1)
          ops.push_back(l);
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops)
      if (failed(tile(rewriter, op)))
        return signalPassFailure();
  }

  LogicalResult tile(IRRewriter &rewriter, linalg::LinalgOp op) {
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (!resultType.hasStaticShape())
      return success();
    // A microkernel with few outputs may still be a lot of work (a
    // matrix-vector product: a few thousand outputs, millions of
    // multiply-adds): it is split when its iterations reach 64x the
    // threshold.
    bool large = resultType.getNumElements() >= minElements;
    if (!large && op->hasAttr("qc.ukernel") &&
        !llvm::any_of(ranges, ShapedType::isDynamic))
      large = std::accumulate(ranges.begin(), ranges.end(), int64_t(1),
                              std::multiplies<int64_t>()) >= 64 * minElements;
    if (!large)
      return success();
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    int64_t dim = -1;
    // Index expressions need tiles starting at multiples of this.
    int64_t multiple = 1;
    if (auto kind = op->getAttrOfType<StringAttr>("qc.ukernel");
        kind && (kind.getValue().starts_with("mmt4d") ||
                 kind.getValue().starts_with("conv2d_"))) {
      // m1 (dim 0) or n1 (dim 1): the larger. A GEMM on packed 2/4-bit
      // weights decodes the weight tiles of its task, so splitting along
      // the other dimension would decode all weights once per task: it is
      // split along its weight tiles when they are enough for the tasks.
      dim = ranges[1] >= ranges[0] ? 1 : 0;
      if (auto wq = op->getAttrOfType<DenseI64ArrayAttr>("qc.wq");
          wq && wq.size() == 3 && (wq[0] == 0 || wq[0] == 1)) {
        int64_t weightDim = wq[0];
        if (ranges[weightDim] >= std::min<int64_t>(tasks, ranges[dim]))
          dim = weightDim;
      }
    } else if (op->hasAttr("qc.w4_group")) {
      // int4 GEMV: output channels, in the kernel's blocks of 4.
      dim = 1;
      multiple = 4;
    } else if (op->hasAttr("qc.ukernel")) {
      // Depthwise convolutions: channels.
      dim = 0;
    } else {
      for (auto [i, it] : llvm::enumerate(iters))
        if (it == utils::IteratorType::parallel && ranges[i] > 1 &&
            !ShapedType::isDynamic(ranges[i])) {
          dim = i;
          break;
        }
    }
    if (dim < 0 || ranges[dim] < 2)
      return success();
    // Tiles must start where the operands' index expressions stay valid on
    // tile-local coordinates: in `e floordiv c` or `e mod c` with e linear
    // in the loops, moving the dimension by a tile (coefficient a, size t)
    // moves e by a * t, which must be a multiple of c; other non-linear uses
    // of the dimension are not tiled.
    bool tileable = true;
    auto coefficientOf = [&](AffineExpr e) -> std::optional<int64_t> {
      // e must be a sum of dim * constant and constants.
      SmallVector<int64_t> flat;
      if (!e.isPureAffine())
        return std::nullopt;
      int64_t coef = 0;
      bool linear = true;
      std::function<void(AffineExpr, int64_t)> walk = [&](AffineExpr x,
                                                          int64_t scale) {
        if (auto dimE = dyn_cast<AffineDimExpr>(x)) {
          if ((int64_t)dimE.getPosition() == dim)
            coef += scale;
          return;
        }
        if (isa<AffineConstantExpr>(x))
          return;
        auto bin = dyn_cast<AffineBinaryOpExpr>(x);
        if (!bin) {
          linear = false;
          return;
        }
        if (x.getKind() == AffineExprKind::Add) {
          walk(bin.getLHS(), scale);
          walk(bin.getRHS(), scale);
        } else if (x.getKind() == AffineExprKind::Mul &&
                   isa<AffineConstantExpr>(bin.getRHS())) {
          walk(bin.getLHS(),
               scale * cast<AffineConstantExpr>(bin.getRHS()).getValue());
        } else {
          linear = false;
        }
      };
      walk(e, 1);
      if (!linear)
        return std::nullopt;
      return coef;
    };
    for (AffineMap map : op.getIndexingMapsArray())
      for (AffineExpr e : map.getResults())
        e.walk([&](AffineExpr sub) {
          if (sub.getKind() != AffineExprKind::FloorDiv &&
              sub.getKind() != AffineExprKind::Mod &&
              sub.getKind() != AffineExprKind::CeilDiv)
            return;
          auto bin = cast<AffineBinaryOpExpr>(sub);
          if (!bin.getLHS().isFunctionOfDim(dim))
            return;
          auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
          std::optional<int64_t> coef = coefficientOf(bin.getLHS());
          if (!c || !coef || sub.getKind() == AffineExprKind::CeilDiv) {
            tileable = false;
            return;
          }
          int64_t cv = c.getValue();
          multiple = std::lcm(multiple, cv / std::gcd(std::abs(*coef), cv));
        });
    if (!tileable)
      return success();
    int64_t tile = (ranges[dim] + tasks - 1) / tasks;
    tile = (tile + multiple - 1) / multiple * multiple;
    if (tile >= ranges[dim])
      return success();
    SmallVector<OpFoldResult> sizes(ranges.size(), rewriter.getIndexAttr(0));
    sizes[dim] = rewriter.getIndexAttr(tile);
    scf::SCFTilingOptions options;
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    options.setTileSizes(sizes);
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled))
      return op.emitError("failed to tile into tasks");
    for (Operation *t : tiled->tiledOps)
      for (StringRef name :
           {"qc.ukernel", "qc.conv_geometry", "qc.w4_group", "qc.wq"})
        if (Attribute a = op->getAttr(name))
          t->setAttr(name, a);
    rewriter.replaceOp(op, tiled->replacements);
    return success();
  }
};
} // namespace

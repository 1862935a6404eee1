//===- FuseRotations.cpp - QuaRot-style Hadamard rotations ----------------===//
//
// qc-fuse-rotations rotates activations by orthogonal Hadamard matrices so
// that their outlier channels are spread over many channels, keeping the f32
// function unchanged:
//
// 1. LayerNorm affine folding. A qc.layer_normalization over the last
//    dimension whose users are all matrix products with constant weights
//    (`qc.matmul %ln, %W`) gets unit scale and no bias: the scale g becomes
//    diag(g) W in every consumer, the bias b becomes b W added to the
//    consumer's bias (an existing constant `qc.add`, or a new one).
// 2. Residual rotation. The residual stream is the set of values connected by
//    qc.add whose readers are scale-free LayerNorms over the last dimension
//    and whose writers are constants, matrix products with constant weights
//    and gathers from constant tables (embeddings). With Q orthogonal,
//    writers get W Q (c Q, E Q), the LayerNorms' consumers get Q^T W, and
//    every LayerNorm input becomes x Q. LayerNorm(x Q) = LayerNorm(x) Q holds
//    exactly when Q maps the all-ones vector to itself (then centring
//    commutes with Q and the norm is unchanged), so Q is a mean-preserving
//    Hadamard rotation (quantc/Support/Hadamard.h).
// 3. Online rotations. Every other matrix product with a constant weight
//    (e.g. the MLP down projection after GELU, the attention output
//    projection) gets x -> qc.hadamard(x * s) and W -> H diag(s) W, with H
//    the normalised block-diagonal Sylvester matrix (H H = I) and s seeded
//    random signs (a qc.mul by a constant; `online-signs=false` drops it).
//
// Anything that does not match is left alone with a remark saying why.
//
//===----------------------------------------------------------------------===//

#include "qc/QCOps.h"
#include "quantc/Support/Constants.h"
#include "quantc/Support/Hadamard.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::qc {
#define GEN_PASS_DEF_QCFUSEROTATIONS
#include "quantc/Transforms/Passes.h.inc"
} // namespace mlir::qc

using namespace mlir;
using namespace mlir::qc;

namespace {

//===----------------------------------------------------------------------===//
// Constants.
//===----------------------------------------------------------------------===//

/// An f32 constant read as doubles, with its type and a name for new blobs.
struct ConstData {
  RankedTensorType type;
  std::vector<double> data;
  std::string name;
};

static std::optional<ConstData> readConst(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  std::optional<std::vector<float>> f = readFloatConstant(v);
  if (!f)
    return std::nullopt;
  ConstData c{type, std::vector<double>(f->begin(), f->end()), "cst"};
  auto cst = v.getDefiningOp<arith::ConstantOp>();
  if (auto res = dyn_cast<DenseResourceElementsAttr>(cst.getValue()))
    c.name = res.getRawHandle().getKey().str();
  return c;
}

/// A new arith.constant holding `data` (as f32), created before `before`.
static Value makeConst(OpBuilder &b, Operation *before, RankedTensorType type,
                       StringRef name, ArrayRef<double> data) {
  std::vector<float> f(data.begin(), data.end());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(before);
  ElementsAttr attr;
  if (f.size() <= 16)
    attr = DenseElementsAttr::get(type, ArrayRef<float>(f));
  else
    attr = makeF32Resource(type, name, f);
  return arith::ConstantOp::create(b, before->getLoc(), attr);
}

/// The 2-D f32 constant weight of `qc.matmul %x, %W`, or nullopt.
static std::optional<ConstData> matmulWeight(MatMulOp mm) {
  auto type = dyn_cast<RankedTensorType>(mm.getRhs().getType());
  if (!type || type.getRank() != 2)
    return std::nullopt;
  return readConst(mm.getRhs());
}

/// Whether `use` is the activation operand of a matrix product with a
/// constant 2-D f32 weight whose reduction size is `k`.
static bool isLinearUse(OpOperand &use, int64_t k) {
  auto mm = dyn_cast<MatMulOp>(use.getOwner());
  if (!mm || use.getOperandNumber() != 0 || mm.getRhs() == mm.getLhs())
    return false;
  auto type = dyn_cast<RankedTensorType>(mm.getRhs().getType());
  return type && type.getRank() == 2 && type.getDimSize(0) == k &&
         type.getElementType().isF32() &&
         mm.getRhs().getDefiningOp<arith::ConstantOp>();
}

static std::string describeUser(Operation *op) {
  return "'" + op->getName().getStringRef().str() + "'";
}

/// Whether `ln` normalises only its last dimension.
static bool normalizesLastDim(LayerNormalizationOp ln) {
  int64_t rank = ln.getX().getType().getRank();
  int64_t axis = ln.getAxis();
  return rank >= 1 && (axis == -1 || axis == rank - 1);
}

/// Whether `ln` has unit scale and no (or a zero) bias.
static bool isScaleFree(LayerNormalizationOp ln) {
  std::optional<ConstData> g = readConst(ln.getScale());
  if (!g || !llvm::all_of(g->data, [](double v) { return v == 1.0; }))
    return false;
  if (!ln.getBias())
    return true;
  std::optional<ConstData> b = readConst(ln.getBias());
  return b && llvm::all_of(b->data, [](double v) { return v == 0.0; });
}

/// Values broadcast along the last dimension: the `n` values of a constant
/// of shape [n], [1, ..., 1, n] or [1] (one value repeated).
static std::optional<std::vector<double>> lastDimVector(const ConstData &c,
                                                        int64_t n) {
  if (c.data.size() == 1)
    return std::vector<double>(n, c.data[0]);
  if (static_cast<int64_t>(c.data.size()) == n && c.type.getShape().back() == n)
    return c.data;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The pass.
//===----------------------------------------------------------------------===//

/// One connected residual stream (see the file comment).
struct Stream {
  int64_t dim = 0;
  llvm::SetVector<Value> values;
  llvm::SetVector<Operation *> norms;       // qc.layer_normalization readers
  llvm::SetVector<OpOperand *> constLeaves; // constant operands of stream adds
  llvm::SetVector<Operation *> writers;     // qc.matmul / qc.gather
};

struct QCFuseRotationsPass
    : qc::impl::QCFuseRotationsBase<QCFuseRotationsPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  bool foldNorm(LayerNormalizationOp ln);
  FailureOr<Stream> collectStream(Value seed, llvm::DenseSet<Value> &seen);
  void rotateStream(const Stream &s, uint64_t seed);
  void insertOnlineHadamards();

  /// Replaces operand `use` with a constant holding `data` of `type`.
  void setConst(OpOperand &use, RankedTensorType type, StringRef name,
                ArrayRef<double> data) {
    Operation *old = use.get().getDefiningOp();
    use.set(makeConst(*builder, use.getOwner(), type, name, data));
    if (old && old->use_empty())
      old->erase();
  }

  std::optional<OpBuilder> builder;
  /// Activations that already carry a folded rotation (rotated LayerNorm
  /// outputs): no online rotation is inserted before their consumers.
  llvm::DenseSet<Value> rotated;
};

bool QCFuseRotationsPass::foldNorm(LayerNormalizationOp ln) {
  auto fail = [&](const Twine &why) {
    ln.emitRemark("layer normalization not folded: ") << why;
    return false;
  };
  if (!normalizesLastDim(ln))
    return fail("it normalizes more than the last dimension");
  int64_t d = ln.getX().getType().getShape().back();
  if (ln.getResult().use_empty())
    return fail("its result is unused");
  for (OpOperand &use : ln.getResult().getUses())
    if (!isLinearUse(use, d))
      return fail("its result feeds " + describeUser(use.getOwner()) +
                  ", which is not a matrix product with a constant weight");
  if (isScaleFree(ln))
    return true;
  std::optional<ConstData> gc = readConst(ln.getScale());
  std::optional<ConstData> bc;
  if (ln.getBias())
    bc = readConst(ln.getBias());
  if (!gc || (ln.getBias() && !bc))
    return fail("its scale or bias is not an f32 constant");
  std::optional<std::vector<double>> g = lastDimVector(*gc, d), b;
  if (bc)
    b = lastDimVector(*bc, d);
  if (!g || (bc && !b))
    return fail("its scale or bias is not a vector of the last dimension");

  // Each consumer: y = (n g + b) W + c = n (diag(g) W) + (b W + c).
  SmallVector<MatMulOp> users;
  for (Operation *user : ln.getResult().getUsers())
    users.push_back(cast<MatMulOp>(user));
  for (MatMulOp mm : users) {
    if (mm.getLhs() != ln.getResult())
      continue;
    std::optional<ConstData> w = matmulWeight(mm);
    if (!w)
      continue;
    int64_t n = w->type.getDimSize(1);
    std::vector<double> bw(n, 0.0);
    for (int64_t i = 0; i < d; ++i)
      for (int64_t j = 0; j < n; ++j) {
        if (b)
          bw[j] += (*b)[i] * w->data[i * n + j];
        w->data[i * n + j] *= (*g)[i];
      }
    setConst(mm->getOpOperand(1), w->type, w->name + "_lnfold", w->data);
    if (!b || llvm::all_of(bw, [](double v) { return v == 0.0; }))
      continue;
    // Add b W to the consumer's constant bias, or add one.
    OpOperand *biasUse = nullptr;
    if (mm->hasOneUse())
      if (auto add = dyn_cast<AddOp>(*mm->getUsers().begin()))
        for (OpOperand &operand : add->getOpOperands()) {
          std::optional<ConstData> c = readConst(operand.get());
          if (operand.get() != mm.getResult() && c &&
              c->type.getRank() <= mm.getType().getRank() &&
              lastDimVector(*c, n) &&
              add.getType() == cast<RankedTensorType>(mm.getType()))
            biasUse = &operand;
        }
    if (biasUse) {
      ConstData c = *readConst(biasUse->get());
      std::vector<double> sum = *lastDimVector(c, n);
      for (int64_t j = 0; j < n; ++j)
        sum[j] += bw[j];
      auto type = RankedTensorType::get({n}, builder->getF32Type());
      setConst(*biasUse, type, c.name + "_lnfold", sum);
      continue;
    }
    builder->setInsertionPointAfter(mm);
    auto type = RankedTensorType::get({n}, builder->getF32Type());
    Value c = makeConst(*builder, mm, type, "ln_folded_bias", bw);
    builder->setInsertionPointAfter(mm);
    auto add =
        AddOp::create(*builder, mm.getLoc(), mm.getType(), mm.getResult(), c);
    mm.getResult().replaceAllUsesExcept(add.getResult(), add);
  }

  // The LayerNorm itself: unit scale, no bias.
  Value oldScale = ln.getScale(), oldBias = ln.getBias();
  auto scaleType = cast<RankedTensorType>(oldScale.getType());
  builder->setInsertionPoint(ln);
  Value ones = arith::ConstantOp::create(
      *builder, ln.getLoc(), DenseElementsAttr::get(scaleType, 1.0f));
  ln->setOperands({ln.getX(), ones});
  for (Value v : {oldScale, oldBias})
    if (v && v.use_empty() && v.getDefiningOp())
      v.getDefiningOp()->erase();
  ++numFoldedNorms;
  return true;
}

FailureOr<Stream>
QCFuseRotationsPass::collectStream(Value seed, llvm::DenseSet<Value> &seen) {
  Stream s;
  s.dim = cast<RankedTensorType>(seed.getType()).getShape().back();
  SmallVector<Value> worklist = {seed};
  // The first reason not to rotate. The traversal goes on regardless, so that
  // the whole component is marked as seen and reported once.
  Operation *where = nullptr;
  std::string why;
  auto fail = [&](Operation *at, const Twine &reason) {
    if (where)
      return;
    where = at;
    why = reason.str();
  };
  auto lastDim = [](Value v) -> int64_t {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && t.getRank() >= 1 && t.getElementType().isF32()
               ? t.getShape().back()
               : -1;
  };
  // An operand of a stream add: a constant leaf or another stream value.
  // Constants broadcast along the last dimension (last size 1) are left as
  // they are: a mean-preserving Q maps the all-ones row to itself.
  auto addOperand = [&](OpOperand &operand) {
    if (operand.get().getDefiningOp<arith::ConstantOp>()) {
      int64_t last = lastDim(operand.get());
      if (last == s.dim)
        s.constLeaves.insert(&operand);
      else if (last != 1)
        fail(operand.getOwner(), "a constant added to it has " + Twine(last) +
                                     " channels in its last dimension");
      return;
    }
    worklist.push_back(operand.get());
  };

  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    if (s.values.contains(v))
      continue;
    Operation *def = v.getDefiningOp();
    if (lastDim(v) != s.dim) {
      fail(def ? def : *v.getUsers().begin(),
           "a value of the stream does not have " + Twine(s.dim) +
               " f32 channels in its last dimension");
      continue;
    }
    s.values.insert(v);
    seen.insert(v);
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (auto ln = dyn_cast<LayerNormalizationOp>(user)) {
        if (use.getOperandNumber() != 0 || !normalizesLastDim(ln))
          fail(user, "a layer normalization reads it other than over the "
                     "last dimension");
        else if (!isScaleFree(ln))
          fail(user, "a layer normalization reading it has a scale or bias "
                     "(it was not folded)");
        else
          s.norms.insert(user);
      } else if (auto add = dyn_cast<AddOp>(user)) {
        worklist.push_back(add.getResult());
        for (OpOperand &operand : add->getOpOperands())
          if (operand.get() != v)
            addOperand(operand);
      } else {
        fail(user, "it is read by " + describeUser(user) +
                       ", which does not commute with a rotation");
      }
    }
    if (!def) {
      fail(*v.getUsers().begin(), "a function argument is part of it");
    } else if (auto add = dyn_cast<AddOp>(def)) {
      for (OpOperand &operand : add->getOpOperands())
        addOperand(operand);
    } else if (auto mm = dyn_cast<MatMulOp>(def)) {
      std::optional<ConstData> w = matmulWeight(mm);
      if (!w || w->type.getDimSize(1) != s.dim)
        fail(def, "it is written by a matrix product without a constant "
                  "2-D weight");
      else
        s.writers.insert(def);
    } else if (auto gather = dyn_cast<GatherOp>(def)) {
      auto t = dyn_cast<RankedTensorType>(gather.getData().getType());
      if (gather.getAxis() != 0 || !t || t.getRank() != 2 ||
          !readConst(gather.getData()))
        fail(def, "it is written by a gather that is not a row lookup in a "
                  "constant 2-D table");
      else
        s.writers.insert(def);
    } else {
      fail(def, "it is written by " + describeUser(def) +
                    ", which is not a linear layer, embedding or constant");
    }
  }
  // Every LayerNorm reader must feed only linear layers.
  for (Operation *op : s.norms)
    for (OpOperand &use : op->getResult(0).getUses())
      if (!isLinearUse(use, s.dim))
        fail(use.getOwner(),
             "a layer normalization of it feeds " +
                 describeUser(use.getOwner()) +
                 ", which is not a matrix product with a constant weight");
  if (largestPowerOfFourDividing(s.dim) < 4)
    fail(*seed.getUsers().begin(),
         "its " + Twine(s.dim) +
             " channels are not a multiple of 4 (mean-preserving Hadamard "
             "rotations need blocks of 4^k channels)");
  if (where) {
    emitRemark(where->getLoc(), "residual stream not rotated: ") << why;
    return failure();
  }
  return s;
}

void QCFuseRotationsPass::rotateStream(const Stream &s, uint64_t seed) {
  MeanPreservingRotation q(s.dim, largestPowerOfFourDividing(s.dim), seed);
  int64_t d = s.dim;
  // Rotates the last dimension of a row-major tensor: each row r <- r Q.
  auto rotateRows = [&](std::vector<double> &data) {
    for (size_t off = 0; off < data.size(); off += d)
      q.applyRow(MutableArrayRef<double>(data.data() + off, d));
  };
  for (OpOperand *use : s.constLeaves) {
    ConstData c = *readConst(use->get());
    rotateRows(c.data);
    setConst(*use, c.type, c.name + "_rot", c.data);
  }
  for (Operation *op : s.writers) {
    OpOperand &use =
        isa<MatMulOp>(op) ? op->getOpOperand(1) : op->getOpOperand(0);
    ConstData c = *readConst(use.get());
    rotateRows(c.data);
    setConst(use, c.type, c.name + "_rot", c.data);
    ++numRotatedWeights;
  }
  // Readers: W <- Q^T W, i.e. every column w_j <- (w_j^T Q)^T.
  for (Operation *norm : s.norms) {
    Value out = norm->getResult(0);
    rotated.insert(out);
    llvm::SetVector<Operation *> users(out.getUsers().begin(),
                                       out.getUsers().end());
    for (Operation *user : users) {
      auto mm = cast<MatMulOp>(user);
      ConstData w = *matmulWeight(mm);
      int64_t n = w.type.getDimSize(1);
      std::vector<double> col(d);
      for (int64_t j = 0; j < n; ++j) {
        for (int64_t i = 0; i < d; ++i)
          col[i] = w.data[i * n + j];
        q.applyRow(col);
        for (int64_t i = 0; i < d; ++i)
          w.data[i * n + j] = col[i];
      }
      setConst(mm->getOpOperand(1), w.type, w.name + "_rot", w.data);
      ++numRotatedWeights;
    }
  }
  ++numRotatedStreams;
}

void QCFuseRotationsPass::insertOnlineHadamards() {
  SmallVector<MatMulOp> candidates;
  getOperation().walk([&](MatMulOp mm) {
    auto x = dyn_cast<RankedTensorType>(mm.getLhs().getType());
    if (x && x.getRank() >= 1 && !rotated.contains(mm.getLhs()) &&
        !mm.getLhs().getDefiningOp<HadamardOp>() &&
        isLinearUse(mm->getOpOperand(0), x.getShape().back()))
      candidates.push_back(mm);
  });
  struct Online {
    Value rotated;
    std::vector<int8_t> signs; // empty without online-signs
  };
  llvm::DenseMap<std::pair<Value, int64_t>, Online> online;
  uint64_t signSeed = seed + 0x5157;
  for (MatMulOp mm : candidates) {
    Value x = mm.getLhs();
    auto xType = cast<RankedTensorType>(x.getType());
    if (!xType.getElementType().isF32())
      continue;
    int64_t k = xType.getShape().back();
    int64_t block = blockSize ? static_cast<int64_t>(blockSize)
                              : largestPowerOfTwoDividing(k);
    if (k % block != 0 || block < 2) {
      mm.emitRemark("no online hadamard: the block size ")
          << block << " does not divide the reduction size " << k
          << " or is 1";
      continue;
    }
    Online &o = online[{x, block}];
    if (!o.rotated) {
      if (Operation *def = x.getDefiningOp())
        builder->setInsertionPointAfter(def);
      else
        builder->setInsertionPointToStart(x.getParentBlock());
      Value in = x;
      if (onlineSigns) {
        // x diag(s) H: random signs keep a per-token mean from landing in
        // the first channel of every block (H's first row is all ones).
        o.signs = randomSigns(k, signSeed++);
        std::vector<float> s(o.signs.begin(), o.signs.end());
        auto sType = RankedTensorType::get({k}, builder->getF32Type());
        ElementsAttr attr =
            k <= 16 ? ElementsAttr(DenseElementsAttr::get(sType, ArrayRef(s)))
                    : ElementsAttr(makeF32Resource(sType, "hadamard_signs", s));
        Value sc = arith::ConstantOp::create(*builder, mm.getLoc(), attr);
        in = MulOp::create(*builder, mm.getLoc(), xType, x, sc);
      }
      o.rotated = HadamardOp::create(*builder, mm.getLoc(), xType, in,
                                     builder->getI64IntegerAttr(block));
      ++numOnlineHadamards;
    }
    // (x D H)(H D W) = x W: the rows of W get the signs, then every column
    // the block transform along K.
    ConstData w = *matmulWeight(mm);
    int64_t n = w.type.getDimSize(1);
    std::vector<double> col(k);
    for (int64_t j = 0; j < n; ++j) {
      for (int64_t i = 0; i < k; ++i)
        col[i] = w.data[i * n + j] * (o.signs.empty() ? 1 : o.signs[i]);
      fastWalshHadamard(col, block);
      for (int64_t i = 0; i < k; ++i)
        w.data[i * n + j] = col[i];
    }
    mm->setOperand(0, o.rotated);
    setConst(mm->getOpOperand(1), w.type, w.name + "_had", w.data);
    ++numRotatedWeights;
  }
}

void QCFuseRotationsPass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (blockSize < 0 || (blockSize != 0 && !isPowerOfTwo(blockSize))) {
    func.emitError("expected block-size to be 0 or a power of two, found ")
        << blockSize;
    return signalPassFailure();
  }
  builder.emplace(func.getContext());
  rotated.clear();

  // 1. Fold LayerNorm affine parameters into the consumers.
  SmallVector<LayerNormalizationOp> norms;
  func.walk([&](LayerNormalizationOp ln) { norms.push_back(ln); });
  for (LayerNormalizationOp ln : norms)
    foldNorm(ln);

  // 2. Rotate every residual stream that allows it.
  if (rotateResidual) {
    llvm::DenseSet<Value> seen;
    uint64_t streamSeed = seed;
    for (LayerNormalizationOp ln : norms) {
      if (seen.contains(ln.getX()) || !normalizesLastDim(ln))
        continue;
      FailureOr<Stream> s = collectStream(ln.getX(), seen);
      if (succeeded(s))
        rotateStream(*s, streamSeed++);
    }
  }

  // 3. Online rotations before the other linear layers.
  if (onlineHadamard)
    insertOnlineHadamards();
}

} // namespace

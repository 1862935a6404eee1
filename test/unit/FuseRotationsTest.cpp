//===- FuseRotationsTest.cpp - qc-fuse-rotations keeps f32 semantics ------===//
//
// Builds a small pre-LayerNorm transformer as qc IR (embedding, learned
// positions, causal two-head attention, GELU MLP, final LayerNorm and head)
// with random weights that have outlier channels, runs qc-fuse-rotations with
// several option sets, and checks with the reference evaluator that the
// results agree with the original function to float rounding, that the
// expected rewrites happened, and that the rotation removes the outlier
// channels of the LayerNorm outputs.
//
//===----------------------------------------------------------------------===//

#include "qc/QCDialect.h"
#include "qc/QCOps.h"
#include "quantc/Analysis/Evaluator.h"
#include "quantc/Support/Constants.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qc;

namespace {

constexpr int64_t kVocab = 8, kSeq = 4, kDim = 16, kHeads = 2, kMlp = 32;

/// Writes the text of a small pre-LN transformer with one block (or two).
class ModelWriter {
public:
  explicit ModelWriter(unsigned seed) : rng(seed) {}

  /// `returnResidual` also returns the final residual stream, which makes
  /// the stream impossible to rotate.
  std::string write(int blocks = 2, bool returnResidual = false) {
    std::string s;
    llvm::raw_string_ostream os(s);
    std::string t = tensor({1, kSeq, kDim});
    os << "func.func @main(%ids: tensor<1x" << kSeq << "xi64>) -> ("
       << tensor({1, kSeq, kVocab})
       << (returnResidual ? ", " + t : std::string()) << ") {\n";
    os << cst("emb", {kVocab, kDim}, 1.0, /*outlier=*/5, 30.0);
    os << cst("pos", {kSeq, kDim}, 0.3);
    os << "  %e = qc.gather %emb, %ids : (" << tensor({kVocab, kDim})
       << ", tensor<1x" << kSeq << "xi64>) -> " << t << "\n";
    os << "  %h0 = qc.add %e, %pos : (" << t << ", " << tensor({kSeq, kDim})
       << ") -> " << t << "\n";
    std::string h = "%h0";
    for (int b = 0; b < blocks; ++b)
      h = block(os, b, h);
    os << norm("f", h);
    os << linear("head", "%nf", kDim, kVocab, "%y");
    os << "  return %y" << (returnResidual ? ", " + h : std::string())
       << " : " << tensor({1, kSeq, kVocab})
       << (returnResidual ? ", " + t : std::string()) << "\n}\n";
    return s;
  }

private:
  static std::string tensor(ArrayRef<int64_t> shape) {
    std::string s = "tensor<";
    for (int64_t d : shape)
      s += std::to_string(d) + "x";
    return s + "f32>";
  }

  /// A constant with N(0, scale^2) entries; `outlier` >= 0 multiplies that
  /// channel of the last dimension by `factor`.
  std::string cst(StringRef name, ArrayRef<int64_t> shape, double scale,
                  int64_t outlier = -1, double factor = 1.0,
                  double mean = 0.0) {
    std::normal_distribution<double> dist(mean, scale);
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    std::string s = "  %" + name.str() + "_flat = arith.constant dense<[";
    for (int64_t i = 0; i < n; ++i) {
      double v = dist(rng);
      if (i % shape.back() == outlier)
        v *= factor;
      s += (i ? ", " : "") + llvm::formatv("{0:e9}", v).str();
    }
    // A flat dense literal of a multi-dimensional type is reshaped below.
    return s + "]> : tensor<" + std::to_string(n) + "xf32>\n  %" +
           name.str() + " = qc.reshape %" + name.str() + "_flat : (tensor<" +
           std::to_string(n) + "xf32>) -> " + tensor(shape) + "\n";
  }

  std::string norm(StringRef id, StringRef x) {
    std::string t = tensor({1, kSeq, kDim});
    return cst(("g" + id).str(), {kDim}, 0.2, 7, 5.0, 1.0) +
           cst(("b" + id).str(), {kDim}, 0.1) + "  %n" + id.str() +
           " = qc.layer_normalization " + x.str() + ", %g" + id.str() +
           ", %b" + id.str() + " : (" + t + ", " + tensor({kDim}) + ", " +
           tensor({kDim}) + ") -> " + t + "\n";
  }

  /// %out = %x W + c, W [k, n]; the bias is added constant-first as ONNX
  /// exports of torch.nn.Linear do.
  std::string linear(StringRef id, StringRef x, int64_t k, int64_t n,
                     StringRef out) {
    std::string in = tensor({1, kSeq, k}), o = tensor({1, kSeq, n});
    return cst(("w" + id).str(), {k, n}, 1.0 / std::sqrt((double)k)) +
           cst(("c" + id).str(), {n}, 0.1) + "  %mm" + id.str() +
           " = qc.matmul " + x.str() + ", %w" + id.str() + " : (" + in +
           ", " + tensor({k, n}) + ") -> " + o + "\n  " + out.str() +
           " = qc.add %c" + id.str() + ", %mm" + id.str() + " : (" +
           tensor({n}) + ", " + o + ") -> " + o + "\n";
  }

  std::string block(llvm::raw_ostream &os, int b, const std::string &h) {
    std::string id = std::to_string(b);
    int64_t dh = kDim / kHeads;
    std::string t = tensor({1, kSeq, kDim});
    std::string t4 = tensor({1, kSeq, kHeads, dh});
    std::string th = tensor({1, kHeads, kSeq, dh});
    std::string tk = tensor({1, kHeads, dh, kSeq});
    std::string ts = tensor({1, kHeads, kSeq, kSeq});
    os << norm("a" + id, h);
    os << linear("qkv" + id, "%na" + id, kDim, 3 * kDim, "%qkv" + id);
    os << "  %s" << id << ":3 = qc.split %qkv" << id
       << " {axis = 2 : i64, split = array<i64: 16, 16, 16>} : ("
       << tensor({1, kSeq, 3 * kDim}) << ") -> (" << t << ", " << t << ", "
       << t << ")\n";
    for (int i = 0; i < 3; ++i)
      os << "  %r" << id << "_" << i << " = qc.reshape %s" << id << "#" << i
         << " : (" << t << ") -> " << t4 << "\n";
    os << "  %q" << id << " = qc.transpose %r" << id
       << "_0 {perm = array<i64: 0, 2, 1, 3>} : (" << t4 << ") -> " << th
       << "\n";
    os << "  %k" << id << " = qc.transpose %r" << id
       << "_1 {perm = array<i64: 0, 2, 3, 1>} : (" << t4 << ") -> " << tk
       << "\n";
    os << "  %v" << id << " = qc.transpose %r" << id
       << "_2 {perm = array<i64: 0, 2, 1, 3>} : (" << t4 << ") -> " << th
       << "\n";
    os << "  %sc" << id << " = qc.matmul %q" << id << ", %k" << id << " : ("
       << th << ", " << tk << ") -> " << ts << "\n";
    os << "  %scale" << id << " = arith.constant dense<0.35> : tensor<f32>\n";
    os << "  %ss" << id << " = qc.mul %sc" << id << ", %scale" << id << " : ("
       << ts << ", tensor<f32>) -> " << ts << "\n";
    os << "  %mask" << id << " = arith.constant dense<[[0.0, -1.0e4, -1.0e4, "
       << "-1.0e4], [0.0, 0.0, -1.0e4, -1.0e4], [0.0, 0.0, 0.0, -1.0e4], "
       << "[0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>\n";
    os << "  %sm" << id << " = qc.add %ss" << id << ", %mask" << id << " : ("
       << ts << ", tensor<4x4xf32>) -> " << ts << "\n";
    os << "  %p" << id << " = qc.softmax %sm" << id << " : " << ts << "\n";
    os << "  %o" << id << " = qc.matmul %p" << id << ", %v" << id << " : ("
       << ts << ", " << th << ") -> " << th << "\n";
    os << "  %ot" << id << " = qc.transpose %o" << id
       << " {perm = array<i64: 0, 2, 1, 3>} : (" << th << ") -> " << t4
       << "\n";
    os << "  %or" << id << " = qc.reshape %ot" << id << " : (" << t4
       << ") -> " << t << "\n";
    os << linear("proj" + id, "%or" + id, kDim, kDim, "%attn" + id);
    os << "  %h" << id << "a = qc.add " << h << ", %attn" << id << " : (" << t
       << ", " << t << ") -> " << t << "\n";
    os << norm("m" + id, "%h" + id + "a");
    std::string tm = tensor({1, kSeq, kMlp});
    os << linear("up" + id, "%nm" + id, kDim, kMlp, "%up" + id);
    os << "  %gelu" << id << " = qc.gelu %up" << id << " : " << tm << "\n";
    os << linear("down" + id, "%gelu" + id, kMlp, kDim, "%down" + id);
    os << "  %h" << id << "b = qc.add %h" << id << "a, %down" << id << " : ("
       << t << ", " << t << ") -> " << t << "\n";
    return "%h" + id + "b";
  }

  std::mt19937 rng;
};

class FuseRotationsTest : public ::testing::Test {
protected:
  FuseRotationsTest() {
    static bool registered = (registerQCFuseRotations(), true);
    (void)registered;
    ctx.loadDialect<QCDialect, func::FuncDialect, arith::ArithDialect>();
  }

  OwningOpRef<ModuleOp> parse(StringRef src) {
    std::string diags;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diags += d.str() + "\n";
      return success();
    });
    OwningOpRef<ModuleOp> m = parseSourceString<ModuleOp>(src, &ctx);
    EXPECT_TRUE(m) << diags;
    return m;
  }

  /// Folds the reshapes of the flat constants so that weights are plain
  /// constants, as imported models have them.
  void foldConstantReshapes(ModuleOp m) {
    SmallVector<ReshapeOp> reshapes;
    m.walk([&](ReshapeOp r) { reshapes.push_back(r); });
    for (ReshapeOp r : reshapes) {
      std::optional<std::vector<float>> data = readFloatConstant(r.getX());
      if (!data)
        continue;
      OpBuilder b(r);
      auto type = cast<RankedTensorType>(r.getType());
      Value c = arith::ConstantOp::create(
          b, r.getLoc(), DenseElementsAttr::get(type, ArrayRef<float>(*data)));
      Operation *old = r.getX().getDefiningOp();
      r.replaceAllUsesWith(c);
      r.erase();
      if (old->use_empty())
        old->erase();
    }
  }

  /// Runs qc-fuse-rotations with `options`; returns the remarks.
  std::string runPass(ModuleOp m, StringRef options) {
    std::string diags;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diags += d.str() + "\n";
      return success();
    });
    PassManager pm(&ctx);
    std::string pipeline =
        ("func.func(qc-fuse-rotations{" + options + "})").str();
    EXPECT_TRUE(succeeded(parsePassPipeline(pipeline, pm))) << pipeline;
    EXPECT_TRUE(succeeded(pm.run(m))) << diags;
    EXPECT_TRUE(succeeded(verify(m))) << diags;
    return diags;
  }

  SmallVector<Tensor> eval(ModuleOp m, ArrayRef<Tensor> inputs,
                           ValueObserver observe = {}) {
    auto func = *m.getOps<func::FuncOp>().begin();
    FailureOr<SmallVector<Tensor>> r =
        evaluateFunction(func, inputs, observe, {true, 1});
    EXPECT_TRUE(succeeded(r));
    return succeeded(r) ? *r : SmallVector<Tensor>{};
  }

  Tensor ids(unsigned seed) {
    std::mt19937 rng(seed);
    std::vector<int64_t> v(kSeq);
    for (int64_t &x : v)
      x = rng() % kVocab;
    return Tensor::getInt(IntegerType::get(&ctx, 64), {1, kSeq}, v);
  }

  /// max |a - b| / max |b| over all results.
  static double relativeError(ArrayRef<Tensor> a, ArrayRef<Tensor> b) {
    double err = 0, scale = 0;
    for (size_t i = 0; i < b.size(); ++i)
      for (size_t j = 0; j < b[i].getFloats().size(); ++j) {
        err = std::max(err, (double)std::fabs(a[i].getFloats()[j] -
                                              b[i].getFloats()[j]));
        scale = std::max(scale, (double)std::fabs(b[i].getFloats()[j]));
      }
    return err / scale;
  }

  static int count(ModuleOp m, StringRef name) {
    int n = 0;
    m.walk([&](Operation *op) { n += op->getName().getStringRef() == name; });
    return n;
  }

  /// Transforms the model with `options` and checks it against the original
  /// on a few inputs; returns the transformed module.
  OwningOpRef<ModuleOp> check(const std::string &src, StringRef options,
                              std::string *remarks = nullptr) {
    OwningOpRef<ModuleOp> before = parse(src), after = parse(src);
    if (!before || !after)
      return {};
    foldConstantReshapes(*before);
    foldConstantReshapes(*after);
    std::string r = runPass(*after, options);
    if (remarks)
      *remarks = r;
    for (unsigned s = 0; s < 3; ++s) {
      SmallVector<Tensor> in = {ids(s)};
      SmallVector<Tensor> expected = eval(*before, in), actual = eval(*after, in);
      EXPECT_EQ(actual.size(), expected.size());
      if (actual.size() == expected.size()) {
        EXPECT_LT(relativeError(actual, expected), 1e-5) << options.str();
      }
    }
    return after;
  }

  /// Every layer normalization has unit scale and no bias.
  static bool allNormsScaleFree(ModuleOp m) {
    bool ok = true;
    m.walk([&](LayerNormalizationOp ln) {
      std::optional<std::vector<float>> g = readFloatConstant(ln.getScale());
      ok &= g && llvm::all_of(*g, [](float v) { return v == 1.0f; }) &&
            !ln.getBias();
    });
    return ok;
  }

  /// The largest max|x| / median-channel-max|x| over the outputs of the
  /// layer normalizations, for one input.
  double normOutlierRatio(ModuleOp m) {
    double worst = 0;
    eval(m, {ids(0)}, [&](Value v, const Tensor &t) {
      if (!v.getDefiningOp<LayerNormalizationOp>())
        return;
      int64_t d = t.getShape().back();
      std::vector<float> maxAbs(d, 0.0f);
      for (size_t i = 0; i < t.getFloats().size(); ++i)
        maxAbs[i % d] = std::max(maxAbs[i % d], std::fabs(t.getFloats()[i]));
      std::vector<float> sorted = maxAbs;
      std::nth_element(sorted.begin(), sorted.begin() + d / 2, sorted.end());
      float median = sorted[d / 2];
      worst = std::max(worst, (double)*std::max_element(maxAbs.begin(),
                                                        maxAbs.end()) /
                                  median);
    });
    return worst;
  }

  MLIRContext ctx;
};

} // namespace

TEST_F(FuseRotationsTest, DefaultRotatesFoldsAndInsertsOnlineHadamards) {
  std::string remarks;
  OwningOpRef<ModuleOp> m =
      check(ModelWriter(1).write(), "", &remarks);
  ASSERT_TRUE(m);
  EXPECT_EQ(remarks, "");
  EXPECT_TRUE(allNormsScaleFree(*m));
  // Online rotations before the attention output and MLP down projections
  // of both blocks; the LayerNorm consumers carry the folded rotation.
  EXPECT_EQ(count(*m, "qc.hadamard"), 4);
  m->walk([](HadamardOp h) {
    int64_t k = h.getType().getShape().back();
    EXPECT_EQ(h.getEffectiveBlockSize(), k);
  });
}

TEST_F(FuseRotationsTest, EachStepAloneIsExact) {
  std::string src = ModelWriter(2).write();
  OwningOpRef<ModuleOp> foldOnly =
      check(src, "rotate-residual=false online-hadamard=false");
  ASSERT_TRUE(foldOnly);
  EXPECT_TRUE(allNormsScaleFree(*foldOnly));
  EXPECT_EQ(count(*foldOnly, "qc.hadamard"), 0);

  OwningOpRef<ModuleOp> residualOnly = check(src, "online-hadamard=false");
  ASSERT_TRUE(residualOnly);
  EXPECT_EQ(count(*residualOnly, "qc.hadamard"), 0);

  // Without the residual rotation every linear layer gets an online one:
  // 5 LayerNorms' outputs, 2 attention outputs, 2 GELU outputs.
  OwningOpRef<ModuleOp> onlineOnly = check(src, "rotate-residual=false");
  ASSERT_TRUE(onlineOnly);
  EXPECT_EQ(count(*onlineOnly, "qc.hadamard"), 9);
}

TEST_F(FuseRotationsTest, BlockSizesAndSeeds) {
  std::string src = ModelWriter(3).write(1);
  OwningOpRef<ModuleOp> m = check(src, "block-size=8 seed=42");
  ASSERT_TRUE(m);
  m->walk([](HadamardOp h) { EXPECT_EQ(h.getEffectiveBlockSize(), 8); });
  // Block 64 divides neither 16 nor 32: nothing is inserted, with remarks.
  std::string remarks;
  OwningOpRef<ModuleOp> none = check(src, "block-size=64", &remarks);
  ASSERT_TRUE(none);
  EXPECT_EQ(count(*none, "qc.hadamard"), 0);
  EXPECT_NE(remarks.find("no online hadamard: the block size 64 does not "
                         "divide the reduction size 16"),
            std::string::npos)
      << remarks;
  // Seeds give different weights for the same function.
  OwningOpRef<ModuleOp> a = check(src, "seed=1"), b = check(src, "seed=2");
  ASSERT_TRUE(a && b);
  auto embedding = [](ModuleOp mod) {
    std::optional<std::vector<float>> e;
    mod.walk([&](GatherOp g) { e = readFloatConstant(g.getData()); });
    return e;
  };
  EXPECT_NE(embedding(*a), embedding(*b));
}

TEST_F(FuseRotationsTest, RotationSpreadsOutlierChannels) {
  std::string src = ModelWriter(4).write();
  OwningOpRef<ModuleOp> original = parse(src);
  ASSERT_TRUE(original);
  foldConstantReshapes(*original);
  OwningOpRef<ModuleOp> folded = check(src, "rotate-residual=false "
                                            "online-hadamard=false");
  OwningOpRef<ModuleOp> rotated = check(src, "online-hadamard=false");
  ASSERT_TRUE(folded && rotated);
  double before = normOutlierRatio(*folded);
  double after = normOutlierRatio(*rotated);
  // The embedding's channel 5 is 30x larger than the others.
  EXPECT_GT(before, 4.0);
  EXPECT_LT(after, before / 2) << before << " -> " << after;
}

TEST_F(FuseRotationsTest, ResidualReturnedIsNotRotated) {
  std::string remarks;
  OwningOpRef<ModuleOp> m =
      check(ModelWriter(5).write(1, /*returnResidual=*/true), "", &remarks);
  ASSERT_TRUE(m);
  EXPECT_NE(remarks.find("residual stream not rotated: it is read by "
                         "'func.return', which does not commute with a "
                         "rotation"),
            std::string::npos)
      << remarks;
  // Folded and rotated online instead: 3 LayerNorm outputs, the attention
  // output and the GELU output.
  EXPECT_TRUE(allNormsScaleFree(*m));
  EXPECT_EQ(count(*m, "qc.hadamard"), 5);
}

//===- OutlierProxyTest.cpp - qc-smooth and channel rearrangement, measured
//===//
//
// Runs the two passes with calibration data on a layer with synthetic
// outlier channels, checks that the f32 function is unchanged on held-out
// inputs, and measures what they are for: the error of quantizing the
// contraction's input activation.
//
//   rearrangement: block-wise 4-bit (symmetric, absmax per block of 32
//                  along the reduction dimension) activation quantization;
//   smoothing:     per-tensor 8-bit (asymmetric min-max) activation
//                  quantization, alone and with per-channel 8-bit weights.
//
// The numbers are printed (run QuantcUnitTests
// --gtest_filter='OutlierProxy*'); the assertions only require a clear
// improvement.
//
//===----------------------------------------------------------------------===//

#include "ChannelTestUtils.h"

#include "quantc/Support/Constants.h"
#include "quantc/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"

#include <functional>
#include <iostream>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

constexpr int64_t kT = 64, kD = 64, kK = 256, kN = 64;

/// The two kinds of outlier channels measured: large, mostly constant
/// offsets (the "massive activations" of LLMs; beta large, gamma small), and
/// large scales of a zero-mean signal (gamma large, beta moderate).
enum class Outliers { Offset, Scale };

const char *name(Outliers kind) {
  return kind == Outliers::Offset ? "offset outliers" : "scale outliers";
}

/// x[T, D] -> matmul W0 [D, K] + b0 -> layer norm over K (gamma and beta
/// with eight outlier channels at random positions) -> X [T, K] -> matmul
/// W1 [K, N].
std::string outlierLayer(uint32_t seed, Outliers kind) {
  std::mt19937 rng(seed);
  std::vector<float> gamma(kK), beta(kK);
  std::normal_distribution<float> small(0.0f, 0.1f);
  for (int64_t j = 0; j < kK; ++j) {
    gamma[j] = 1.0f + small(rng);
    beta[j] = small(rng);
  }
  std::vector<int64_t> idx(kK);
  std::iota(idx.begin(), idx.end(), 0);
  std::shuffle(idx.begin(), idx.end(), rng);
  std::uniform_real_distribution<float> big(20.0f, 40.0f), mid(1.0f, 3.0f);
  for (int i = 0; i < 8; ++i) {
    float sign = i % 2 ? -1.0f : 1.0f;
    if (kind == Outliers::Offset) {
      gamma[idx[i]] = mid(rng);
      beta[idx[i]] = sign * big(rng);
    } else {
      gamma[idx[i]] = big(rng);
      beta[idx[i]] = sign * big(rng) * 0.5f;
    }
  }
  std::string s =
      "func.func @layer(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {\n" +
      randomConst("w0", {kD, kK}, rng, 0.125f) +
      randomConst("b0", {kK}, rng, 0.1f) + "    %g = arith.constant " +
      hexDense(gamma) + " : tensor<256xf32>\n" + "    %be = arith.constant " +
      hexDense(beta) + " : tensor<256xf32>\n" +
      randomConst("w1", {kK, kN}, rng, 0.0625f);
  s += R"mlir(
    %m = qc.matmul %x, %w0 : (tensor<64x64xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
    %a = qc.add %m, %b0 : (tensor<64x256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
    %h = qc.layer_normalization %a, %g, %be : (tensor<64x256xf32>, tensor<256xf32>, tensor<256xf32>) -> tensor<64x256xf32>
    %y = qc.matmul %h, %w1 : (tensor<64x256xf32>, tensor<256x64xf32>) -> tensor<64x64xf32>
    return %y : tensor<64x64xf32>
  })mlir";
  return s;
}

/// Symmetric 4-bit absmax quantization per block of `block` along the rows.
std::vector<float> quantBlock4(ArrayRef<float> x, int64_t rows, int64_t cols,
                               int64_t block) {
  std::vector<float> q(x.begin(), x.end());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c0 = 0; c0 < cols; c0 += block) {
      float m = 0;
      for (int64_t c = c0; c < c0 + block; ++c)
        m = std::max(m, std::fabs(x[r * cols + c]));
      float scale = m > 0 ? m / 7.0f : 1.0f;
      for (int64_t c = c0; c < c0 + block; ++c)
        q[r * cols + c] =
            std::clamp(std::nearbyint(x[r * cols + c] / scale), -7.0f, 7.0f) *
            scale;
    }
  return q;
}

/// Asymmetric 8-bit min-max quantization of the whole tensor.
std::vector<float> quantTensor8(ArrayRef<float> x) {
  float lo = 0, hi = 0;
  for (float v : x) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  float scale = (hi - lo) / 255.0f;
  float zp = std::nearbyint(-lo / scale);
  std::vector<float> q(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    q[i] = (std::clamp(std::nearbyint(x[i] / scale) + zp, 0.0f, 255.0f) - zp) *
           scale;
  return q;
}

/// Symmetric 8-bit per-output-channel (column) quantization of W [K, N].
std::vector<float> quantWeight8(ArrayRef<float> w, int64_t k, int64_t n) {
  std::vector<float> q(w.begin(), w.end());
  for (int64_t c = 0; c < n; ++c) {
    float m = 0;
    for (int64_t r = 0; r < k; ++r)
      m = std::max(m, std::fabs(w[r * n + c]));
    float scale = m > 0 ? m / 127.0f : 1.0f;
    for (int64_t r = 0; r < k; ++r)
      q[r * n + c] = std::nearbyint(w[r * n + c] / scale) * scale;
  }
  return q;
}

std::vector<double> matmul(ArrayRef<float> a, ArrayRef<float> b, int64_t m,
                           int64_t k, int64_t n) {
  std::vector<double> c(m * n, 0.0);
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < k; ++p)
      for (int64_t j = 0; j < n; ++j)
        c[i * n + j] += (double)a[i * k + p] * b[p * n + j];
  return c;
}

double sqnrDb(ArrayRef<double> signal, ArrayRef<double> noise) {
  double s = 0, e = 0;
  for (size_t i = 0; i < signal.size(); ++i) {
    s += signal[i] * signal[i];
    e += noise[i] * noise[i];
  }
  return 10 * std::log10(s / e);
}

class OutlierProxyTest : public ChannelTest {
protected:
  void SetUp() override {
    ctx.loadDialect<QCDialect, func::FuncDialect, arith::ArithDialect>();
    dir = makeTempDir("quantc-outlier-calib");
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  /// The activation X read by the last matmul and its f32 weight, on
  /// `inputs`; also the function's results.
  struct Capture {
    std::vector<float> x, w;
    SmallVector<Tensor> results;
  };
  Capture capture(func::FuncOp func, ArrayRef<Tensor> inputs) {
    MatMulOp last;
    func.walk([&](MatMulOp op) { last = op; });
    Capture c;
    c.w = *readFloatConstant(last.getRhs());
    Value x = last.getLhs();
    FailureOr<SmallVector<Tensor>> r =
        evaluateFunction(func, inputs, [&](Value v, const Tensor &t) {
          if (v == x)
            c.x.assign(t.getFloats().begin(), t.getFloats().end());
        });
    EXPECT_TRUE(succeeded(r));
    if (succeeded(r))
      c.results = std::move(*r);
    return c;
  }

  bool runPass(ModuleOp m, std::unique_ptr<Pass> pass) {
    PassManager pm(&ctx);
    pm.addNestedPass<func::FuncOp>(std::move(pass));
    return succeeded(pm.run(m));
  }

  /// SQNR (dB) of the quantized activation and of the layer's output,
  /// before and after a pass, averaged over held-out inputs.
  struct Gains {
    double xBefore = 0, xAfter = 0, yBefore = 0, yAfter = 0;
  };

  /// `quantize(X)` is the activation quantizer; `quantizeW(W)` the weight
  /// quantizer (identity for activation-only measurements).
  using Quantizer = std::function<std::vector<float>(ArrayRef<float>)>;
  Gains measure(Outliers kind, uint32_t seed, std::unique_ptr<Pass> pass,
                const Quantizer &quantize, const Quantizer &quantizeW) {
    std::string src = outlierLayer(seed, kind);
    OwningOpRef<ModuleOp> original = parse(src), changed = parse(src);
    auto f0 = *original->getOps<func::FuncOp>().begin();
    auto f1 = *changed->getOps<func::FuncOp>().begin();
    Gains g;
    EXPECT_TRUE(runPass(*changed, std::move(pass)));
    const int kHeldOut = 4;
    for (int s = 0; s < kHeldOut; ++s) {
      SmallVector<Tensor> inputs = randomInputs(f0, 1000 + s);
      Capture a = capture(f0, inputs), b = capture(f1, inputs);
      // Exact in f32.
      EXPECT_LE(relativeError(b.results, a.results), 1e-5);
      // The reference output X W1 of the original layer (the changed layer
      // computes X' W1' plus terms that do not depend on X').
      std::vector<double> y = matmul(a.x, a.w, kT, kK, kN);
      auto one = [&](const Capture &c, double &xDb, double &yDb) {
        std::vector<float> qx = quantize(c.x), qw = quantizeW(c.w);
        std::vector<double> exact = matmul(c.x, c.w, kT, kK, kN);
        std::vector<double> approx = matmul(qx, qw, kT, kK, kN);
        std::vector<double> xs(c.x.begin(), c.x.end()), xn(qx.size());
        for (size_t i = 0; i < qx.size(); ++i)
          xn[i] = (double)qx[i] - c.x[i];
        for (size_t i = 0; i < exact.size(); ++i)
          approx[i] -= exact[i];
        xDb += sqnrDb(xs, xn) / kHeldOut;
        yDb += sqnrDb(y, approx) / kHeldOut;
      };
      one(a, g.xBefore, g.yBefore);
      one(b, g.xAfter, g.yAfter);
    }
    return g;
  }

  std::string dir;
};

std::vector<float> identity(ArrayRef<float> w) {
  return std::vector<float>(w.begin(), w.end());
}

} // namespace

TEST_F(OutlierProxyTest, RearrangementLowersBlock4BitError) {
  for (Outliers kind : {Outliers::Offset, Outliers::Scale}) {
    std::string src = outlierLayer(11, kind);
    OwningOpRef<ModuleOp> m = parse(src);
    writeCalibration(*m->getOps<func::FuncOp>().begin(), dir, 4, 1);
    QCRearrangeOutlierChannelsOptions opts;
    opts.calib = dir;
    opts.blockSize = 32;
    opts.remarks = false;
    Gains g = measure(
        kind, 11, createQCRearrangeOutlierChannels(opts),
        [](ArrayRef<float> x) { return quantBlock4(x, kT, kK, 32); }, identity);
    std::cout << "[ proxy    ] rearrangement, " << name(kind)
              << ": block-4-bit (block 32) activation SQNR " << g.xBefore
              << " dB -> " << g.xAfter << " dB; layer output SQNR " << g.yBefore
              << " dB -> " << g.yAfter << " dB\n";
    if (kind == Outliers::Offset) {
      EXPECT_GT(g.xAfter, g.xBefore + 3.0);
      EXPECT_GT(g.yAfter, g.yBefore + 3.0);
    } else {
      // Outliers that vary a lot share one scale after sorting: smaller
      // gain, but never a loss here.
      EXPECT_GT(g.xAfter, g.xBefore);
      EXPECT_GT(g.yAfter, g.yBefore);
    }
  }
}

TEST_F(OutlierProxyTest, SmoothingLowersPerTensor8BitError) {
  for (Outliers kind : {Outliers::Offset, Outliers::Scale})
    for (bool shift : {true, false}) {
      std::string src = outlierLayer(12, kind);
      OwningOpRef<ModuleOp> m = parse(src);
      writeCalibration(*m->getOps<func::FuncOp>().begin(), dir, 4, 2);
      QCSmoothOptions opts;
      opts.calib = dir;
      opts.alpha = 0.5;
      opts.shift = shift;
      opts.foldOnly = true;
      opts.remarks = false;
      auto q8 = [](ArrayRef<float> x) { return quantTensor8(x); };
      Gains act = measure(kind, 12, createQCSmooth(opts), q8, identity);
      Gains w8a8 =
          measure(kind, 12, createQCSmooth(opts), q8,
                  [](ArrayRef<float> w) { return quantWeight8(w, kK, kN); });
      std::cout << "[ proxy    ] smoothing (alpha 0.5, shift "
                << (shift ? "on" : "off") << "), " << name(kind)
                << ": per-tensor 8-bit activation, layer output SQNR "
                << act.yBefore << " dB -> " << act.yAfter
                << " dB; W8A8 (per-channel 8-bit weights) " << w8a8.yBefore
                << " dB -> " << w8a8.yAfter << " dB\n";
      EXPECT_GT(act.yAfter, act.yBefore + 3.0);
      EXPECT_GT(w8a8.yAfter, w8a8.yBefore + 3.0);
    }
}

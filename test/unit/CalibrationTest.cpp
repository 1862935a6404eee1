//===- CalibrationTest.cpp - statistics, ranges and Hessians --------------===//

#include "EvalTestUtils.h"

#include "quantc/Analysis/Calibration.h"
#include "quantc/Analysis/Contraction.h"
#include "quantc/Analysis/TensorIO.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <random>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

//===----------------------------------------------------------------------===//
// Histograms and range selection on synthetic distributions.
//===----------------------------------------------------------------------===//

ActivationStats statsOf(ArrayRef<float> data, size_t batch = 100000) {
  ActivationStats s;
  s.min = INFINITY;
  s.max = -INFINITY;
  for (size_t i = 0; i < data.size(); i += batch) {
    ArrayRef<float> part = data.slice(i, std::min(batch, data.size() - i));
    for (float v : part) {
      s.min = std::min(s.min, v);
      s.max = std::max(s.max, v);
    }
    s.histogram.add(part);
  }
  s.count = data.size();
  return s;
}

std::vector<float> gaussianWithOutliers(int n, int outliers, float at) {
  std::mt19937 rng(42);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = normal(rng);
  // Spread the outliers over the data (both signs).
  for (int i = 0; i < outliers; ++i)
    v[(i * 7919 + 13) % n] = i % 2 ? at : -at;
  return v;
}

TEST(AbsHistogram, RebinsByDoublingAndKeepsCounts) {
  AbsHistogram h;
  std::vector<float> a = {0.0f, 0.5f, -1.0f};
  h.add(a);
  EXPECT_DOUBLE_EQ(h.maxAbs, 1.0);
  EXPECT_DOUBLE_EQ(h.getTotal(), 3);
  EXPECT_DOUBLE_EQ(h.counts[0], 1);
  EXPECT_DOUBLE_EQ(h.counts[AbsHistogram::kBins / 2], 1);
  EXPECT_DOUBLE_EQ(h.counts[AbsHistogram::kBins - 1], 1);
  std::vector<float> b = {3.0f, NAN, INFINITY};
  h.add(b);
  // 3 > 1: the range doubles twice, to 4; NaN and inf are not counted.
  EXPECT_DOUBLE_EQ(h.maxAbs, 4.0);
  EXPECT_DOUBLE_EQ(h.getTotal(), 4);
  EXPECT_DOUBLE_EQ(h.counts[AbsHistogram::kBins / 8], 1); // 0.5
  EXPECT_DOUBLE_EQ(h.counts[AbsHistogram::kBins / 4 - 1], 1); // 1.0
  EXPECT_DOUBLE_EQ(h.counts[AbsHistogram::kBins * 3 / 4], 1); // 3.0
}

TEST(AbsHistogram, ZerosFirst) {
  AbsHistogram h;
  std::vector<float> zeros(10, 0.0f), ones = {2.0f};
  h.add(zeros);
  EXPECT_EQ(h.maxAbs, 0.0);
  h.add(ones);
  EXPECT_DOUBLE_EQ(h.maxAbs, 2.0);
  EXPECT_DOUBLE_EQ(h.counts[0], 10);
  EXPECT_DOUBLE_EQ(h.counts[AbsHistogram::kBins - 1], 1);
}

TEST(RangeSelection, ParseAndPrint) {
  for (RangeMethod m : {RangeMethod::MinMax, RangeMethod::Percentile,
                        RangeMethod::Entropy, RangeMethod::MSE})
    EXPECT_EQ(parseRangeMethod(stringifyRangeMethod(m)), m);
  EXPECT_FALSE(parseRangeMethod("kl"));
}

TEST(RangeSelection, GaussianWithOutliers) {
  // N(0, 1) and 10 outliers at +-50 in a million values: min-max keeps the
  // outliers (and spends almost all levels on them); the other methods clip.
  std::vector<float> v = gaussianWithOutliers(1000000, 10, 50.0f);
  ActivationStats s = statsOf(v);
  auto [lo, hi] = chooseRange(s, RangeMethod::MinMax, 8);
  EXPECT_FLOAT_EQ(lo, -50.0f);
  EXPECT_FLOAT_EQ(hi, 50.0f);
  // The 99.99th percentile of |N(0, 1)| is 3.89.
  double p = chooseAbsThreshold(s, RangeMethod::Percentile, 8, 99.99);
  EXPECT_NEAR(p, 3.89, 0.1);
  // Entropy ignores the rare outliers. MSE weighs them by their squared
  // clipping error: 1e-5 * (50 - T)^2 against the rounding noise
  // (T / 127.5)^2 / 12 of the Gaussian bulk, minimal at T = 33.05.
  EXPECT_NEAR(chooseAbsThreshold(s, RangeMethod::MSE, 8), 33.05, 1.0);
  double te = chooseAbsThreshold(s, RangeMethod::Entropy, 8);
  EXPECT_GT(te, 2.5);
  EXPECT_LT(te, 10.0);
  for (RangeMethod m : {RangeMethod::Entropy, RangeMethod::MSE}) {
    double t = chooseAbsThreshold(s, m, 8);
    auto [l, h] = chooseRange(s, m, 8);
    EXPECT_FLOAT_EQ(l, static_cast<float>(-t));
    EXPECT_FLOAT_EQ(h, static_cast<float>(t));
  }
}

TEST(RangeSelection, FewerBitsClipHarder) {
  // The MSE optimum of a Gaussian moves in with the step size: about 2.5
  // sigma at 4 bits, about 4 at 8 bits.
  std::vector<float> v = gaussianWithOutliers(1000000, 0, 0.0f);
  ActivationStats s = statsOf(v);
  double t4 = chooseAbsThreshold(s, RangeMethod::MSE, 4);
  double t8 = chooseAbsThreshold(s, RangeMethod::MSE, 8);
  EXPECT_LT(t4, t8);
  EXPECT_NEAR(t4, 2.5, 0.4);
  EXPECT_NEAR(t8, 4.0, 0.6);
}

TEST(RangeSelection, UniformIsNotClipped) {
  // Uniform on [0, 1): nothing to gain by clipping; the range of a
  // one-signed tensor starts at 0.
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  std::vector<float> v(200000);
  for (float &x : v)
    x = u(rng);
  ActivationStats s = statsOf(v);
  for (RangeMethod m : {RangeMethod::MinMax, RangeMethod::Percentile,
                        RangeMethod::Entropy, RangeMethod::MSE}) {
    auto [lo, hi] = chooseRange(s, m, 8);
    EXPECT_EQ(lo, 0.0f) << stringifyRangeMethod(m).str();
    EXPECT_GT(hi, 0.95f) << stringifyRangeMethod(m).str();
    EXPECT_LE(hi, s.max) << stringifyRangeMethod(m).str();
  }
}

TEST(RangeSelection, RangeContainsZero) {
  ActivationStats s = statsOf(std::vector<float>{2.0f, 3.0f, 2.5f});
  auto [lo, hi] = chooseRange(s, RangeMethod::MinMax, 8);
  EXPECT_EQ(lo, 0.0f);
  EXPECT_EQ(hi, 3.0f);
  ActivationStats zeros = statsOf(std::vector<float>(5, 0.0f));
  auto [zl, zh] = chooseRange(zeros, RangeMethod::Entropy, 8);
  EXPECT_EQ(zl, 0.0f);
  EXPECT_EQ(zh, 0.0f);
}

//===----------------------------------------------------------------------===//
// Calibration sets and calibrate().
//===----------------------------------------------------------------------===//

class Calibration : public EvalTest {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("calib-test", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  /// Writes `t` as `<dir>/<sample>/<name>.npy`.
  void write(StringRef sample, StringRef name, const Tensor &t) {
    SmallString<256> path(dir);
    llvm::sys::path::append(path, sample);
    ASSERT_FALSE(llvm::sys::fs::create_directories(path));
    llvm::sys::path::append(path, name + ".npy");
    ASSERT_FALSE(static_cast<bool>(writeNpy(t, path)));
  }

  Tensor random(ArrayRef<int64_t> shape, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    std::vector<float> v(n);
    for (float &x : v)
      x = normal(rng);
    return f32(shape, v);
  }

  std::string errorOf(llvm::Error err) {
    return err ? llvm::toString(std::move(err)) : std::string();
  }

  SmallString<128> dir;
};

TEST_F(Calibration, SetErrorsNameTheDirectoryAndFile) {
  OwningOpRef<ModuleOp> m = parse(R"(
    func.func @f(%x: tensor<1x2xf32> {onnx.name = "in:0"}) -> tensor<1x2xf32> {
      return %x : tensor<1x2xf32>
    })");
  auto func = *m->getOps<func::FuncOp>().begin();
  EXPECT_EQ(CalibrationSet::getArgumentFileName(func, 0), "in_0");

  llvm::Expected<CalibrationSet> none = CalibrationSet::open(dir, func);
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_NE(errorOf(none.takeError()).find("expected one subdirectory per "
                                           "sample"),
            std::string::npos);

  write("a", "in_0", f32({1, 2}, {1, 2}));
  write("b", "other", f32({1, 2}, {1, 2}));
  llvm::Expected<CalibrationSet> missing = CalibrationSet::open(dir, func);
  ASSERT_FALSE(static_cast<bool>(missing));
  EXPECT_NE(errorOf(missing.takeError())
                .find("sample 'b' has no 'in_0.npy' for argument #0"),
            std::string::npos);

  write("b", "in_0", f32({3}, {1, 2, 3}));
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(dir, func);
  ASSERT_TRUE(static_cast<bool>(set)) << errorOf(set.takeError());
  EXPECT_EQ(set->size(), 2u);
  EXPECT_EQ(set->sampleName(1), "b");
  EXPECT_TRUE(static_cast<bool>(set->load(0)));
  llvm::Expected<SmallVector<Tensor>> bad = set->load(1);
  ASSERT_FALSE(static_cast<bool>(bad));
  std::string msg = errorOf(bad.takeError());
  EXPECT_NE(msg.find("in_0.npy: expected shape [1, 2] and element type f32 "
                     "for argument #0 ('in_0'), found shape [3]"),
            std::string::npos)
      << msg;
}

TEST_F(Calibration, StatisticsOverSamples) {
  OwningOpRef<ModuleOp> m = parse(R"(
    func.func @f(%x: tensor<1x2x2xf32>) -> tensor<1x2x2xf32> {
      %c = arith.constant dense<1.0> : tensor<1x2x2xf32>
      %y = qc.add %x, %c : (tensor<1x2x2xf32>, tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
      return %y : tensor<1x2x2xf32>
    })");
  auto func = *m->getOps<func::FuncOp>().begin();
  write("0", "arg0", f32({1, 2, 2}, {1, -2, 3, 4}));
  write("1", "arg0", f32({1, 2, 2}, {-5, 0, 0, 0.5}));
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(dir, func);
  ASSERT_TRUE(static_cast<bool>(set)) << errorOf(set.takeError());
  FailureOr<CalibrationResult> r = calibrate(func, *set, {});
  ASSERT_TRUE(succeeded(r));
  EXPECT_EQ(r->numSamples, 2u);
  // The argument and the add; not the constant.
  EXPECT_EQ(r->stats.size(), 2u);
  const ActivationStats &x = r->stats.lookup(func.getArgument(0));
  EXPECT_EQ(x.min, -5.0f);
  EXPECT_EQ(x.max, 4.0f);
  EXPECT_EQ(x.count, 8);
  // Channels are dimension 1: {1, -2, -5, 0} and {3, 4, 0, 0.5}.
  EXPECT_EQ(x.channelMin, SmallVector<float>({-5, 0}));
  EXPECT_EQ(x.channelMax, SmallVector<float>({1, 4}));
  EXPECT_EQ(x.channelAbsMax, SmallVector<float>({5, 4}));
  EXPECT_DOUBLE_EQ(x.histogram.getTotal(), 8);
  Value y = func.getBody().front().getTerminator()->getOperand(0);
  EXPECT_EQ(r->stats.lookup(y).max, 5.0f);

  CalibrationOptions one;
  one.maxSamples = 1;
  one.filter = [&](Value v) { return v == y; };
  FailureOr<CalibrationResult> r1 = calibrate(func, *set, one);
  ASSERT_TRUE(succeeded(r1));
  EXPECT_EQ(r1->numSamples, 1u);
  EXPECT_EQ(r1->stats.size(), 1u);
  EXPECT_EQ(r1->stats.lookup(y).min, -1.0f);
}

/// H = sum over rows of x x^T, with rows from a plain loop.
std::vector<double> gram(const std::vector<std::vector<float>> &rows,
                         int64_t k) {
  std::vector<double> h(k * k, 0.0);
  for (const auto &r : rows)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        h[i * k + j] += static_cast<double>(r[i]) * r[j];
  return h;
}

void expectNear(ArrayRef<double> a, ArrayRef<double> b, double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], b[i], tol * (1 + std::fabs(b[i]))) << "at " << i;
}

TEST_F(Calibration, ConvHessianIsIm2ColGram) {
  // x [1, 4, 5, 6], w [6, 2, 3, 2] (2 groups), strides (2, 1), pads
  // (1, 0, 1, 1), dilations (1, 2): each group's H is over its own 2 input
  // channels x 6 kernel positions, zero padding included.
  OwningOpRef<ModuleOp> m = parse(R"(
    func.func @f(%x: tensor<1x4x5x6xf32>) -> tensor<1x6x3x5xf32> {
      %w = arith.constant dense<0.5> : tensor<6x2x3x2xf32>
      %y = qc.conv %x, %w {group = 2 : i64, strides = array<i64: 2, 1>, pads = array<i64: 1, 0, 1, 1>, dilations = array<i64: 1, 2>}
          : (tensor<1x4x5x6xf32>, tensor<6x2x3x2xf32>) -> tensor<1x6x3x5xf32>
      return %y : tensor<1x6x3x5xf32>
    })");
  auto func = *m->getOps<func::FuncOp>().begin();
  Tensor x0 = random({1, 4, 5, 6}, 1), x1 = random({1, 4, 5, 6}, 2);
  write("0", "arg0", x0);
  write("1", "arg0", x1);
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(dir, func);
  ASSERT_TRUE(static_cast<bool>(set)) << errorOf(set.takeError());
  CalibrationOptions options;
  options.hessians = true;
  options.numThreads = 2;
  FailureOr<CalibrationResult> r = calibrate(func, *set, options);
  ASSERT_TRUE(succeeded(r));
  Operation *conv = &*func.getBody().front().getOperations().begin();
  conv = conv->getNextNode();
  ASSERT_TRUE(isa<ConvOp>(conv));
  const LayerHessian &h = r->hessians.lookup(conv);
  EXPECT_EQ(h.groups, 2);
  EXPECT_EQ(h.size, 12);
  EXPECT_EQ(h.rows, 2 * 3 * 5);

  for (int64_t g = 0; g < 2; ++g) {
    std::vector<std::vector<float>> rows;
    for (const Tensor *x : {&x0, &x1})
      for (int64_t oh = 0; oh < 3; ++oh)
        for (int64_t ow = 0; ow < 5; ++ow) {
          std::vector<float> row;
          for (int64_t c = 0; c < 2; ++c)
            for (int64_t kh = 0; kh < 3; ++kh)
              for (int64_t kw = 0; kw < 2; ++kw) {
                int64_t ih = oh * 2 - 1 + kh, iw = ow - 0 + kw * 2;
                bool in = ih >= 0 && ih < 5 && iw >= 0 && iw < 6;
                row.push_back(in ? x->getFloats()[((g * 2 + c) * 5 + ih) * 6 +
                                                  iw]
                                 : 0.0f);
              }
          rows.push_back(row);
        }
    expectNear(h.getGroup(g), gram(rows, 12), 1e-5);
  }
}

TEST_F(Calibration, MatMulAndGemmHessians) {
  OwningOpRef<ModuleOp> m = parse(R"(
    func.func @f(%x: tensor<2x3x4xf32>, %a: tensor<4x5xf32>) -> (tensor<2x3x2xf32>, tensor<5x2xf32>) {
      %w = arith.constant dense<1.0> : tensor<4x2xf32>
      %y = qc.matmul %x, %w : (tensor<2x3x4xf32>, tensor<4x2xf32>) -> tensor<2x3x2xf32>
      %b = arith.constant dense<1.0> : tensor<2x4xf32>
      %z = qc.gemm %a, %b {trans_a = true, trans_b = true} : (tensor<4x5xf32>, tensor<2x4xf32>) -> tensor<5x2xf32>
      return %y, %z : tensor<2x3x2xf32>, tensor<5x2xf32>
    })");
  auto func = *m->getOps<func::FuncOp>().begin();
  Tensor x = random({2, 3, 4}, 3), a = random({4, 5}, 4);
  write("s", "arg0", x);
  write("s", "arg1", a);
  llvm::Expected<CalibrationSet> set = CalibrationSet::open(dir, func);
  ASSERT_TRUE(static_cast<bool>(set)) << errorOf(set.takeError());
  CalibrationOptions options;
  options.hessians = true;
  FailureOr<CalibrationResult> r = calibrate(func, *set, options);
  ASSERT_TRUE(succeeded(r));
  Operation *mm = nullptr, *gemm = nullptr;
  func.walk([&](MatMulOp op) { mm = op; });
  func.walk([&](GemmOp op) { gemm = op; });
  std::vector<std::vector<float>> xRows, aRows;
  for (int64_t r = 0; r < 6; ++r)
    xRows.push_back(std::vector<float>(x.getFloats().begin() + r * 4,
                                       x.getFloats().begin() + r * 4 + 4));
  for (int64_t r = 0; r < 5; ++r) {
    std::vector<float> row;
    for (int64_t k = 0; k < 4; ++k)
      row.push_back(a.getFloats()[k * 5 + r]);
    aRows.push_back(row);
  }
  expectNear(r->hessians.lookup(mm).h, gram(xRows, 4), 1e-6);
  expectNear(r->hessians.lookup(gemm).h, gram(aRows, 4), 1e-6);
  EXPECT_EQ(r->hessians.lookup(mm).rows, 6);
  EXPECT_EQ(r->hessians.lookup(gemm).rows, 5);
}

TEST_F(Calibration, WeightMatrixView) {
  OwningOpRef<ModuleOp> m = parse(R"(
    func.func @f(%x: tensor<3x2xf32>) -> tensor<3x3xf32> {
      %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
      %y = qc.matmul %x, %w : (tensor<3x2xf32>, tensor<2x3xf32>) -> tensor<3x3xf32>
      return %y : tensor<3x3xf32>
    })");
  auto func = *m->getOps<func::FuncOp>().begin();
  Operation *mm = nullptr;
  func.walk([&](MatMulOp op) { mm = op; });
  std::optional<Contraction> c = getContraction(mm);
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->outChannels, 3);
  EXPECT_EQ(c->reduction, 2);
  EXPECT_EQ(c->weightOutAxis, 1);
  std::optional<std::vector<float>> w = readWeightMatrix(*c);
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(*w, std::vector<float>({1, 4, 2, 5, 3, 6}));
  EXPECT_EQ(weightMatrixToTensor(*c, *w),
            std::vector<float>({1, 2, 3, 4, 5, 6}));
}

} // namespace

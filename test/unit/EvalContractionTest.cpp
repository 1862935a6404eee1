//===- EvalContractionTest.cpp - conv, conv_transpose, matmul, gemm -------===//
//
// Hand-computed cases (several from the ONNX operator documentation) plus
// random cases checked against straightforward loops written from the ONNX
// definitions, accumulated in double.
//
//===----------------------------------------------------------------------===//

#include "EvalTestUtils.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

using EvalContraction = EvalTest;

std::string dims(ArrayRef<int64_t> shape) {
  std::string s;
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s;
}
std::string tensorType(ArrayRef<int64_t> shape) {
  return "tensor<" + dims(shape) + "f32>";
}
std::string i64Array(ArrayRef<int64_t> v) {
  return "array<i64: " +
         llvm::join(
             llvm::map_range(v, [](int64_t x) { return std::to_string(x); }),
             ", ") +
         ">";
}
int64_t numel(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

struct ConvCase {
  SmallVector<int64_t> x, w;
  SmallVector<int64_t> strides, pads, dilations, outputPadding;
  int64_t group = 1;
  bool bias = true;
};

/// Row-major index helpers for the naive loops.
int64_t flatIndex(ArrayRef<int64_t> idx, ArrayRef<int64_t> shape) {
  int64_t f = 0;
  for (size_t i = 0; i < shape.size(); ++i)
    f = f * shape[i] + idx[i];
  return f;
}
bool nextIndex(SmallVectorImpl<int64_t> &idx, ArrayRef<int64_t> shape) {
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    if (++idx[d] < shape[d])
      return true;
    idx[d] = 0;
  }
  return false;
}

/// The ONNX Conv definition, in double.
std::vector<float> naiveConv(const ConvCase &c, ArrayRef<float> x,
                             ArrayRef<float> w, ArrayRef<float> b,
                             ArrayRef<int64_t> y) {
  int64_t nsp = c.x.size() - 2;
  int64_t cg = c.x[1] / c.group, mg = c.w[0] / c.group;
  std::vector<float> out(numel(y));
  SmallVector<int64_t> oi(y.size(), 0);
  do {
    int64_t n = oi[0], m = oi[1], g = m / mg;
    double acc = b.empty() ? 0.0 : b[m];
    for (int64_t ci = 0; ci < cg; ++ci) {
      SmallVector<int64_t> k(nsp, 0);
      ArrayRef<int64_t> kshape = ArrayRef(c.w).drop_front(2);
      do {
        SmallVector<int64_t> xi = {n, g * cg + ci};
        bool inside = true;
        for (int64_t d = 0; d < nsp; ++d) {
          int64_t pos =
              oi[2 + d] * c.strides[d] - c.pads[d] + k[d] * c.dilations[d];
          inside &= pos >= 0 && pos < c.x[2 + d];
          xi.push_back(pos);
        }
        if (!inside)
          continue;
        SmallVector<int64_t> wi = {m, ci};
        wi.append(k.begin(), k.end());
        acc +=
            static_cast<double>(x[flatIndex(xi, c.x)]) * w[flatIndex(wi, c.w)];
      } while (nextIndex(k, kshape));
    }
    out[flatIndex(oi, y)] = static_cast<float>(acc);
  } while (nextIndex(oi, y));
  return out;
}

/// The ONNX ConvTranspose definition (a scatter), in double.
std::vector<float> naiveConvTranspose(const ConvCase &c, ArrayRef<float> x,
                                      ArrayRef<float> w, ArrayRef<float> b,
                                      ArrayRef<int64_t> y) {
  int64_t nsp = c.x.size() - 2;
  int64_t cg = c.x[1] / c.group, mg = c.w[1];
  std::vector<double> acc(numel(y), 0.0);
  SmallVector<int64_t> xi(c.x.size(), 0);
  do {
    int64_t n = xi[0], ch = xi[1], g = ch / cg;
    SmallVector<int64_t> wi(c.w.size(), 0);
    ArrayRef<int64_t> wshape = ArrayRef(c.w).drop_front(1);
    SmallVector<int64_t> mk(wshape.size(), 0); // m, k...
    do {
      SmallVector<int64_t> yi = {n, g * mg + mk[0]};
      bool inside = true;
      for (int64_t d = 0; d < nsp; ++d) {
        int64_t pos =
            xi[2 + d] * c.strides[d] - c.pads[d] + mk[1 + d] * c.dilations[d];
        inside &= pos >= 0 && pos < y[2 + d];
        yi.push_back(pos);
      }
      if (!inside)
        continue;
      SmallVector<int64_t> full = {ch};
      full.append(mk.begin(), mk.end());
      acc[flatIndex(yi, y)] +=
          static_cast<double>(x[flatIndex(xi, c.x)]) * w[flatIndex(full, c.w)];
    } while (nextIndex(mk, wshape));
  } while (nextIndex(xi, c.x));
  std::vector<float> out(acc.size());
  int64_t inner = numel(ArrayRef(y).drop_front(2));
  for (size_t i = 0; i < acc.size(); ++i)
    out[i] =
        static_cast<float>(acc[i] + (b.empty() ? 0.0 : b[(i / inner) % y[1]]));
  return out;
}

/// Fills in defaults and returns the output shape of conv (or conv_transpose).
SmallVector<int64_t> prepare(ConvCase &c, bool transpose) {
  int64_t nsp = c.x.size() - 2;
  if (c.strides.empty())
    c.strides.assign(nsp, 1);
  if (c.dilations.empty())
    c.dilations.assign(nsp, 1);
  if (c.pads.empty())
    c.pads.assign(2 * nsp, 0);
  if (c.outputPadding.empty())
    c.outputPadding.assign(nsp, 0);
  SmallVector<int64_t> y = {c.x[0], transpose ? c.w[1] * c.group : c.w[0]};
  for (int64_t d = 0; d < nsp; ++d) {
    int64_t span = (c.w[2 + d] - 1) * c.dilations[d] + 1;
    if (transpose)
      y.push_back(c.strides[d] * (c.x[2 + d] - 1) + c.outputPadding[d] + span -
                  c.pads[d] - c.pads[nsp + d]);
    else
      y.push_back(
          (c.x[2 + d] + c.pads[d] + c.pads[nsp + d] - span) / c.strides[d] + 1);
  }
  return y;
}

class ConvChecker : public EvalContraction {
protected:
  /// Runs `c` through the evaluator on random data and compares with the
  /// naive loops; also checks that the result does not depend on threads.
  void check(ConvCase c, bool transpose, uint32_t seed) {
    SmallVector<int64_t> y = prepare(c, transpose);
    int64_t outChannels = y[1];
    std::vector<float> x = randomFloats(numel(c.x), seed);
    std::vector<float> w = randomFloats(numel(c.w), seed + 1);
    std::vector<float> b =
        c.bias ? randomFloats(outChannels, seed + 2) : std::vector<float>();
    std::string attrs = "strides = " + i64Array(c.strides) +
                        ", pads = " + i64Array(c.pads) +
                        ", dilations = " + i64Array(c.dilations) +
                        ", group = " + std::to_string(c.group) + " : i64";
    if (transpose)
      attrs += ", output_padding = " + i64Array(c.outputPadding);
    std::string bArg = c.bias ? ", %b: " + tensorType({outChannels}) : "";
    std::string ir =
        "func.func @f(%x: " + tensorType(c.x) + ", %w: " + tensorType(c.w) +
        bArg + ") -> " + tensorType(y) + " {\n  %0 = qc." +
        (transpose ? "conv_transpose" : "conv") + " %x, %w" +
        (c.bias ? ", %b" : "") + " {" + attrs + "} : (" + tensorType(c.x) +
        ", " + tensorType(c.w) +
        (c.bias ? ", " + tensorType({outChannels}) : "") + ") -> " +
        tensorType(y) + "\n  return %0 : " + tensorType(y) + "\n}\n";
    SmallVector<Tensor> inputs = {f32(c.x, x), f32(c.w, w)};
    if (c.bias)
      inputs.push_back(f32({outChannels}, b));
    std::vector<float> expected = transpose ? naiveConvTranspose(c, x, w, b, y)
                                            : naiveConv(c, x, w, b, y);
    EvaluateOptions one, many;
    one.numThreads = 1;
    many.numThreads = 3;
    SmallVector<Tensor> r1 = run(ir, inputs, one);
    SmallVector<Tensor> r3 = run(ir, inputs, many);
    ASSERT_EQ(r1.size(), 1u) << ir;
    ASSERT_EQ(r3.size(), 1u) << ir;
    EXPECT_EQ(r1[0].getShape(), ArrayRef<int64_t>(y));
    EXPECT_TRUE(allClose(r1[0].getFloats(), expected, 1e-5f, 1e-4f)) << ir;
    // Bit-identical whatever the number of threads.
    EXPECT_TRUE(r1[0].getFloats() == r3[0].getFloats()) << ir;
  }
};

//===----------------------------------------------------------------------===//
// Conv.
//===----------------------------------------------------------------------===//

TEST_F(EvalContraction, ConvOnes) {
  const char *ir = R"(
    func.func @f(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32> {
      %0 = qc.conv %x, %w : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x2x2xf32>
      return %0 : tensor<1x1x2x2xf32>
    })";
  EXPECT_TRUE(
      allClose(runF32(ir, {f32({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8}),
                           f32({1, 1, 2, 2}, {1, 1, 1, 1})}),
               {8, 12, 20, 24}));
}

TEST_F(EvalContraction, ConvStridesAndAsymmetricPadding) {
  // ONNX Conv documentation: conv_with_strides_and_asymmetric_padding and
  // conv_with_strides_padding.
  std::vector<float> x(35);
  for (int i = 0; i < 35; ++i)
    x[i] = i;
  std::vector<float> w(9, 1.0f);
  const char *asym = R"(
    func.func @f(%x: tensor<1x1x7x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x2xf32> {
      %0 = qc.conv %x, %w {pads = array<i64: 1, 0, 1, 0>, strides = array<i64: 2, 2>} : (tensor<1x1x7x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x2xf32>
      return %0 : tensor<1x1x4x2xf32>
    })";
  EXPECT_TRUE(
      allClose(runF32(asym, {f32({1, 1, 7, 5}, x), f32({1, 1, 3, 3}, w)}),
               {21, 33, 99, 117, 189, 207, 171, 183}));
  const char *padded = R"(
    func.func @f(%x: tensor<1x1x7x5xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x4x3xf32> {
      %0 = qc.conv %x, %w {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x7x5xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x4x3xf32>
      return %0 : tensor<1x1x4x3xf32>
    })";
  EXPECT_TRUE(
      allClose(runF32(padded, {f32({1, 1, 7, 5}, x), f32({1, 1, 3, 3}, w)}),
               {12, 27, 24, 63, 108, 81, 123, 198, 141, 112, 177, 124}));
}

TEST_F(EvalContraction, ConvGroupDilationPadsStride) {
  // Channel 0 holds 1..9, channel 1 ones; group 2 convolves them separately
  // with a dilated 2x2 kernel (span 3), padding 1, stride 2: every window
  // sees a single input element.
  const char *ir = R"(
    func.func @f(%x: tensor<1x2x3x3xf32>, %w: tensor<2x1x2x2xf32>, %b: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
      %0 = qc.conv %x, %w, %b {dilations = array<i64: 2, 2>, group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
      return %0 : tensor<1x2x2x2xf32>
    })";
  Tensor x =
      f32({1, 2, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  Tensor w = f32({2, 1, 2, 2}, {1, 2, 3, 4, 1, 1, 1, 1});
  EXPECT_TRUE(allClose(runF32(ir, {x, w, f32({2}, {0.5f, -1})}),
                       {20.5f, 15.5f, 10.5f, 5.5f, 0, 0, 0, 0}));
}

TEST_F(ConvChecker, ConvAgainstNaiveLoops) {
  // 2-D, groups, strides, asymmetric pads, dilations, bias.
  check({{2, 4, 7, 6}, {6, 2, 3, 2}, {2, 1}, {1, 0, 2, 1}, {1, 2}, {}, 2},
        false, 1);
  // 1-D.
  check({{1, 3, 11}, {5, 3, 4}, {3}, {2, 1}, {2}, {}, 1}, false, 2);
  // 3-D without bias.
  check({{1, 2, 5, 4, 6},
         {3, 2, 2, 3, 2},
         {1, 2, 1},
         {1, 0, 0, 1, 1, 0},
         {1, 1, 2},
         {},
         1,
         false},
        false, 3);
  // Depthwise (computed directly), strided, dilated, padded.
  check({{2, 5, 9, 8}, {5, 1, 3, 3}, {2, 2}, {2, 1, 0, 3}, {2, 2}, {}, 5},
        false, 4);
  check({{1, 3, 10, 11}, {3, 1, 3, 3}, {1, 1}, {1, 1, 1, 1}, {1, 1}, {}, 3},
        false, 5);
  // Depth multiplier (one input channel, three outputs per group).
  check({{1, 2, 6, 5}, {6, 1, 3, 3}, {1, 2}, {1, 1, 1, 1}, {}, {}, 2}, false,
        6);
  // Big enough for several GEMM tiles and edge tiles.
  check({{1, 16, 17, 19}, {20, 16, 3, 3}, {}, {1, 1, 1, 1}, {}, {}, 1}, false,
        7);
  check({{2, 40, 9, 9}, {13, 40, 1, 1}, {}, {}, {}, {}, 1}, false, 8);
  // A depthwise 1-D convolution.
  check({{1, 4, 20}, {4, 1, 5}, {3}, {2, 2}, {1}, {}, 4}, false, 9);
}

//===----------------------------------------------------------------------===//
// ConvTranspose.
//===----------------------------------------------------------------------===//

TEST_F(EvalContraction, ConvTransposeDocumentationExamples) {
  Tensor x = f32({1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  Tensor ones = f32({1, 2, 3, 3}, std::vector<float>(18, 1.0f));
  const char *basic = R"(
    func.func @f(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32> {
      %0 = qc.conv_transpose %x, %w : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x5x5xf32>
      return %0 : tensor<1x2x5x5xf32>
    })";
  std::vector<float> plane = {0,  1,  3, 3,  2,  3,  8,  15, 12, 7,  9,  21, 36,
                              27, 15, 9, 20, 33, 24, 13, 6,  13, 21, 15, 8};
  std::vector<float> both = plane;
  both.insert(both.end(), plane.begin(), plane.end());
  EXPECT_TRUE(allClose(runF32(basic, {x, ones}), both));

  // Strides 3x2 with output_padding 1x1 (the last row and column only get
  // the bias, here none).
  const char *outPad = R"(
    func.func @f(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x10x8xf32> {
      %0 = qc.conv_transpose %x, %w {strides = array<i64: 3, 2>, output_padding = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x10x8xf32>
      return %0 : tensor<1x2x10x8xf32>
    })";
  std::vector<float> rows[] = {{0, 0, 1, 1, 3, 2, 2, 0},
                               {3, 3, 7, 4, 9, 5, 5, 0},
                               {6, 6, 13, 7, 15, 8, 8, 0}};
  std::vector<float> expected;
  for (int c = 0; c < 2; ++c) {
    for (int r = 0; r < 9; ++r)
      expected.insert(expected.end(), rows[r / 3].begin(), rows[r / 3].end());
    expected.insert(expected.end(), 8, 0.0f);
  }
  EXPECT_TRUE(allClose(runF32(outPad, {x, ones}), expected));

  // Pads crop the full output.
  const char *pads = R"(
    func.func @f(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x7x3xf32> {
      %0 = qc.conv_transpose %x, %w {strides = array<i64: 3, 2>, pads = array<i64: 1, 2, 1, 2>} : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x7x3xf32>
      return %0 : tensor<1x2x7x3xf32>
    })";
  std::vector<float> padPlane = {1, 1, 3, 1, 1,  3, 7,  4,  9, 7, 4,
                                 9, 7, 4, 9, 13, 7, 15, 13, 7, 15};
  std::vector<float> padBoth = padPlane;
  padBoth.insert(padBoth.end(), padPlane.begin(), padPlane.end());
  EXPECT_TRUE(allClose(runF32(pads, {x, ones}), padBoth));

  // Dilations.
  const char *dil = R"(
    func.func @f(%x: tensor<1x1x3x3xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x5x5xf32> {
      %0 = qc.conv_transpose %x, %w {dilations = array<i64: 2, 2>} : (tensor<1x1x3x3xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x5x5xf32>
      return %0 : tensor<1x1x5x5xf32>
    })";
  EXPECT_TRUE(
      allClose(runF32(dil, {f32({1, 1, 3, 3}, {3, 8, 1, 9, 5, 7, 3, 2, 6}),
                            f32({1, 1, 2, 2}, {7, 2, 1, 9})}),
               {21, 56, 13, 16, 2,  63, 35, 67, 10, 14, 24, 22, 76,
                76, 21, 9,  5,  88, 45, 63, 3,  2,  33, 18, 54}));
}

TEST_F(ConvChecker, ConvTransposeAgainstNaiveLoops) {
  // Groups, strides, output_padding, pads, dilations, bias.
  check({{2, 4, 5, 4}, {4, 3, 3, 2}, {2, 3}, {1, 0, 0, 2}, {1, 2}, {1, 2}, 2},
        true, 11);
  check({{1, 3, 7}, {3, 2, 4}, {2}, {1, 2}, {2}, {1}, 1}, true, 12);
  check({{1, 2, 3, 4, 2},
         {2, 2, 2, 2, 3},
         {2, 1, 2},
         {0, 1, 0, 0, 0, 1},
         {1, 1, 1},
         {1, 0, 1},
         1,
         false},
        true, 13);
  check({{1, 6, 8, 8}, {6, 1, 2, 2}, {2, 2}, {}, {}, {}, 6}, true, 14);
}

//===----------------------------------------------------------------------===//
// MatMul and Gemm.
//===----------------------------------------------------------------------===//

TEST_F(EvalContraction, MatMulSmall) {
  const char *ir = R"(
    func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>, %v: tensor<3xf32>) -> (tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<f32>) {
      %0 = qc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
      %1 = qc.matmul %v, %b : (tensor<3xf32>, tensor<3x2xf32>) -> tensor<2xf32>
      %2 = qc.matmul %a, %v : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2xf32>
      %3 = qc.matmul %v, %v : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
      return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<f32>
    })";
  SmallVector<Tensor> r =
      run(ir, {f32({2, 3}, {1, 2, 3, 4, 5, 6}),
               f32({3, 2}, {7, 8, 9, 10, 11, 12}), f32({3}, {1, -1, 2})});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_TRUE(allClose(r[0].getFloats(), {58, 64, 139, 154}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {20, 22}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {5, 11}));
  EXPECT_TRUE(allClose(r[3].getFloats(), {6}));
}

TEST_F(EvalContraction, MatMulBatchBroadcastAgainstNaive) {
  // Sizes around the 6 x 16 register tile and the 256-deep k blocks.
  for (auto [m, k, n] : {std::tuple<int64_t, int64_t, int64_t>{1, 1, 1},
                         {5, 3, 17},
                         {7, 300, 16},
                         {13, 257, 40},
                         {6, 0, 3}}) {
    SmallVector<int64_t> as = {2, 1, m, k}, bs = {3, k, n}, ys = {2, 3, m, n};
    std::vector<float> a = randomFloats(numel(as), m + k);
    std::vector<float> b = randomFloats(numel(bs), n + 7);
    std::vector<float> expected;
    for (int64_t i0 = 0; i0 < 2; ++i0)
      for (int64_t i1 = 0; i1 < 3; ++i1)
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            double acc = 0;
            for (int64_t kk = 0; kk < k; ++kk)
              acc += static_cast<double>(a[(i0 * m + i) * k + kk]) *
                     b[(i1 * k + kk) * n + j];
            expected.push_back(static_cast<float>(acc));
          }
    std::string ir = "func.func @f(%a: " + tensorType(as) +
                     ", %b: " + tensorType(bs) + ") -> " + tensorType(ys) +
                     " {\n  %0 = qc.matmul %a, %b : (" + tensorType(as) + ", " +
                     tensorType(bs) + ") -> " + tensorType(ys) +
                     "\n  return %0 : " + tensorType(ys) + "\n}\n";
    EXPECT_TRUE(
        allClose(runF32(ir, {f32(as, a), f32(bs, b)}), expected, 1e-5f, 1e-4f))
        << m << "x" << k << "x" << n;
  }
}

/// A W8A8 depthwise convolution (u8 activation, s8 per-channel weights) is
/// simulated in exact integers: sum (q - zx) * qw per output, then
/// fma(acc, f32(sx) * f32(sw[c]), bias[c]). Expected values from the
/// integers, independently of the evaluator's float convolution.
TEST_F(EvalContraction, W8A8DepthwiseIsExactInIntegers) {
  const char *ir = R"(
    func.func @f(%x: tensor<1x3x5x6xf32>) -> tensor<1x3x3x6xf32> {
      %xq = qc.quantize %x : tensor<1x3x5x6xf32> -> tensor<1x3x5x6x!quant.uniform<u8:f32, 0.1:100>>
      %xd = qc.dequantize %xq : tensor<1x3x5x6x!quant.uniform<u8:f32, 0.1:100>> -> tensor<1x3x5x6xf32>
      %c = arith.constant dense<[[[[1, -2, 3], [-4, 5, -6], [7, -8, 9]]], [[[127, -127, 0], [1, 1, 1], [-1, -1, -1]]], [[[0, 0, 0], [0, 50, 0], [0, 0, -50]]]]> : tensor<3x1x3x3xi8>
      %cq = quant.scast %c : tensor<3x1x3x3xi8> to tensor<3x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125}>>
      %w = qc.dequantize %cq : tensor<3x1x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.5, 0.25, 0.125}>> -> tensor<3x1x3x3xf32>
      %b = arith.constant dense<[0.5, -1.0, 2.0]> : tensor<3xf32>
      %y = qc.conv %xd, %w, %b {group = 3 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 1>} : (tensor<1x3x5x6xf32>, tensor<3x1x3x3xf32>, tensor<3xf32>) -> tensor<1x3x3x6xf32>
      return %y : tensor<1x3x3x6xf32>
    })";
  std::vector<float> x = randomFloats(3 * 5 * 6, 11);
  for (float &v : x)
    v *= 16; // some values clamp at 0 and 255
  const int wq[3][9] = {{1, -2, 3, -4, 5, -6, 7, -8, 9},
                        {127, -127, 0, 1, 1, 1, -1, -1, -1},
                        {0, 0, 0, 0, 50, 0, 0, 0, -50}};
  const double sw[3] = {0.5, 0.25, 0.125}, bias[3] = {0.5, -1.0, 2.0};
  std::vector<float> expected;
  for (int c = 0; c < 3; ++c)
    for (int oh = 0; oh < 3; ++oh)
      for (int ow = 0; ow < 6; ++ow) {
        int64_t acc = 0;
        for (int kh = 0; kh < 3; ++kh)
          for (int kw = 0; kw < 3; ++kw) {
            int ih = oh * 2 - 1 + kh, iw = ow - 1 + kw;
            if (ih < 0 || ih >= 5 || iw < 0 || iw >= 6)
              continue;
            float v = x[(c * 5 + ih) * 6 + iw];
            long q = std::lrint(v / 0.1f) + 100; // half to even
            q = std::min(255L, std::max(0L, q));
            acc += (q - 100) * wq[c][kh * 3 + kw];
          }
        float f = static_cast<float>(0.1) * static_cast<float>(sw[c]);
        expected.push_back(
            std::fmaf(static_cast<float>(acc), f, static_cast<float>(bias[c])));
      }
  std::vector<float> got = runF32(ir, {f32({1, 3, 5, 6}, x)});
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_EQ(got[i], expected[i]) << "element " << i;
}

TEST_F(EvalContraction, IntegerMatMulWraps) {
  const char *ir = R"(
    func.func @f(%a: tensor<1x2xi8>, %b: tensor<2x2xi8>) -> tensor<1x2xi8> {
      %0 = qc.matmul %a, %b : (tensor<1x2xi8>, tensor<2x2xi8>) -> tensor<1x2xi8>
      return %0 : tensor<1x2xi8>
    })";
  Type i8 = intType(8);
  EXPECT_EQ(runInts(ir, {ints(i8, {1, 2}, {100, 2}),
                         ints(i8, {2, 2}, {1, 2, -3, 1})}),
            (std::vector<int64_t>{94, -54}));
}

TEST_F(EvalContraction, Gemm) {
  const char *ir = R"(
    func.func @f(%a: tensor<3x2xf32>, %b: tensor<4x3xf32>, %c: tensor<4xf32>, %c2: tensor<2x1xf32>, %s: tensor<f32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
      %0 = qc.gemm %a, %b, %c {alpha = 0.5 : f32, beta = 2.0 : f32, trans_a = true, trans_b = true} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<2x4xf32>
      %1 = qc.gemm %a, %b, %c2 {trans_a = true, trans_b = true} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
      %2 = qc.gemm %a, %b, %s {trans_a = true, trans_b = true, beta = -1.0 : f32} : (tensor<3x2xf32>, tensor<4x3xf32>, tensor<f32>) -> tensor<2x4xf32>
      return %0, %1, %2 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
    })";
  // a^T = [[1, 3, 5], [2, 4, 6]]; b^T columns are b's rows.
  Tensor a = f32({3, 2}, {1, 2, 3, 4, 5, 6});
  Tensor b = f32({4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1});
  SmallVector<Tensor> r = run(
      ir, {a, b, f32({4}, {1, 2, 3, 4}), f32({2, 1}, {10, 20}), f32({}, {1})});
  ASSERT_EQ(r.size(), 3u);
  // a^T b^T = [[1, 3, 5, 9], [2, 4, 6, 12]].
  EXPECT_TRUE(
      allClose(r[0].getFloats(), {2.5f, 5.5f, 8.5f, 12.5f, 3, 6, 9, 14}));
  EXPECT_TRUE(allClose(r[1].getFloats(), {11, 13, 15, 19, 22, 24, 26, 32}));
  EXPECT_TRUE(allClose(r[2].getFloats(), {0, 2, 4, 8, 1, 3, 5, 11}));

  const char *plain = R"(
    func.func @f(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
      %0 = qc.gemm %a, %b : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
      return %0 : tensor<2x2xf32>
    })";
  EXPECT_TRUE(allClose(runF32(plain, {f32({2, 3}, {1, 2, 3, 4, 5, 6}),
                                      f32({3, 2}, {7, 8, 9, 10, 11, 12})}),
                       {58, 64, 139, 154}));
}

} // namespace

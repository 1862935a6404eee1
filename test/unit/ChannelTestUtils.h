//===- ChannelTestUtils.h - helpers for the channel-transform gtests -*- C++
//-*-===//
//
// Builds small qc functions with random constants, runs them with the
// reference evaluator before and after a rewrite, and compares the results
// relative to their magnitude.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TEST_UNIT_CHANNELTESTUTILS_H
#define QUANTC_TEST_UNIT_CHANNELTESTUTILS_H

#include "EvalTestUtils.h"

#include "quantc/Analysis/TensorIO.h"
#include "quantc/Transforms/ChannelTransforms.h"

#include "mlir/IR/Verifier.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <random>

namespace mlir::qc::test {

/// `dense<"0x...">` of little-endian f32 `data` (any shape).
inline std::string hexDense(ArrayRef<float> data) {
  std::string s = "dense<\"0x";
  static const char *digits = "0123456789ABCDEF";
  for (float f : data) {
    unsigned char bytes[4];
    std::memcpy(bytes, &f, 4);
    for (unsigned char c : bytes) {
      s += digits[c >> 4];
      s += digits[c & 15];
    }
  }
  return s + "\">";
}

inline std::string tensorType(ArrayRef<int64_t> shape) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + "f32>";
}

/// Random values: normal with standard deviation `sigma`.
inline std::vector<float> normals(size_t n, std::mt19937 &rng,
                                  float sigma = 1.0f) {
  std::normal_distribution<float> dist(0.0f, sigma);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

inline int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// `%name = arith.constant dense<...> : tensor<...>` with random values.
inline std::string randomConst(StringRef name, ArrayRef<int64_t> shape,
                               std::mt19937 &rng, float sigma = 1.0f,
                               float offset = 0.0f) {
  std::vector<float> v = normals(numElements(shape), rng, sigma);
  for (float &x : v)
    x += offset;
  return ("    %" + name + " = arith.constant " + hexDense(v) + " : " +
          tensorType(shape) + "\n")
      .str();
}

class ChannelTest : public EvalTest {
protected:
  /// Random f32 inputs for every argument of `func`.
  SmallVector<Tensor> randomInputs(func::FuncOp func, uint32_t seed,
                                   float sigma = 1.0f) {
    std::mt19937 rng(seed);
    SmallVector<Tensor> inputs;
    for (Type t : func.getArgumentTypes()) {
      auto type = cast<RankedTensorType>(t);
      inputs.push_back(
          f32(type.getShape(), normals(type.getNumElements(), rng, sigma)));
    }
    return inputs;
  }

  /// Evaluates `func`; fails the test on an error.
  SmallVector<Tensor> eval(func::FuncOp func, ArrayRef<Tensor> inputs) {
    std::string diags;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diags += d.str() + "\n";
      return success();
    });
    FailureOr<SmallVector<Tensor>> results = evaluateFunction(func, inputs);
    EXPECT_TRUE(succeeded(results)) << "evaluation failed: " << diags;
    if (failed(results))
      return {};
    return std::move(*results);
  }

  /// Every value read only by contractions with constant weights, in
  /// program order (the candidates of both passes).
  SmallVector<Value> candidates(func::FuncOp func) {
    SmallVector<Value> out;
    auto consider = [&](Value v) {
      if (!v.getDefiningOp<arith::ConstantOp>() &&
          succeeded(getContractionUses(v)))
        out.push_back(v);
    };
    for (BlockArgument a : func.getArguments())
      consider(a);
    func.walk([&](Operation *op) {
      for (Value r : op->getResults())
        consider(r);
    });
    return out;
  }

  /// max |a - b| / max |b| over all results.
  double relativeError(ArrayRef<Tensor> actual, ArrayRef<Tensor> expected) {
    EXPECT_EQ(actual.size(), expected.size());
    double maxDiff = 0, maxRef = 0;
    for (size_t r = 0; r < std::min(actual.size(), expected.size()); ++r) {
      ArrayRef<float> a = actual[r].getFloats(), e = expected[r].getFloats();
      EXPECT_EQ(a.size(), e.size());
      for (size_t i = 0; i < std::min(a.size(), e.size()); ++i) {
        maxDiff = std::max(maxDiff, std::fabs((double)a[i] - e[i]));
        maxRef = std::max(maxRef, std::fabs((double)e[i]));
      }
    }
    return maxRef > 0 ? maxDiff / maxRef : maxDiff;
  }

  bool verifies(Operation *op) {
    std::string diags;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diags += d.str() + "\n";
      return success();
    });
    bool ok = succeeded(verify(op));
    EXPECT_TRUE(ok) << diags;
    return ok;
  }

  /// A fresh temporary directory (removed by the caller's TearDown).
  std::string makeTempDir(StringRef prefix) {
    SmallString<128> path;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory(prefix, path));
    return std::string(path);
  }

  /// Writes `numSamples` samples of normal random inputs for `func` into
  /// `dir/s<i>/arg<j>.npy`.
  void writeCalibration(func::FuncOp func, StringRef dir, int numSamples,
                        uint32_t seed, float sigma = 1.0f) {
    std::mt19937 rng(seed);
    for (int s = 0; s < numSamples; ++s) {
      SmallString<128> sub(dir);
      llvm::sys::path::append(sub, "s" + std::to_string(s));
      ASSERT_FALSE(llvm::sys::fs::create_directories(sub));
      for (unsigned i = 0; i < func.getNumArguments(); ++i) {
        auto type = cast<RankedTensorType>(func.getArgument(i).getType());
        Tensor t =
            f32(type.getShape(), normals(type.getNumElements(), rng, sigma));
        SmallString<128> file(sub);
        llvm::sys::path::append(file, "arg" + std::to_string(i) + ".npy");
        llvm::Error err = writeNpy(t, file);
        ASSERT_FALSE(static_cast<bool>(err)) << llvm::toString(std::move(err));
      }
    }
  }
};

} // namespace mlir::qc::test

#endif // QUANTC_TEST_UNIT_CHANNELTESTUTILS_H

//===- EvalTestUtils.h - helpers for the evaluator's gtests -----*- C++ -*-===//
//
// EvalTest parses a module from a string, runs its first function with the
// reference evaluator, and returns the results or the diagnostics.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TEST_UNIT_EVALTESTUTILS_H
#define QUANTC_TEST_UNIT_EVALTESTUTILS_H

#include "qc/QCDialect.h"
#include "qc/QCOps.h"
#include "quantc/Analysis/Evaluator.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>
#include <vector>

namespace mlir::qc::test {

class EvalTest : public ::testing::Test {
protected:
  EvalTest() {
    ctx.loadDialect<QCDialect, func::FuncDialect, arith::ArithDialect,
                    quant::QuantDialect>();
  }

  Tensor f32(ArrayRef<int64_t> shape, std::vector<float> data) {
    return Tensor::getFloat(&ctx, shape, std::move(data));
  }
  Tensor ints(Type type, ArrayRef<int64_t> shape, std::vector<int64_t> data) {
    return Tensor::getInt(type, shape, std::move(data));
  }
  Tensor i64(ArrayRef<int64_t> shape, std::vector<int64_t> data) {
    return ints(IntegerType::get(&ctx, 64), shape, std::move(data));
  }
  Type intType(unsigned width, bool isUnsigned = false) {
    return IntegerType::get(&ctx, width,
                            isUnsigned ? IntegerType::Unsigned
                                       : IntegerType::Signless);
  }

  /// Parses `src`; fails the test (and returns null) on a parse error.
  OwningOpRef<ModuleOp> parse(StringRef src) {
    std::string diags;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diags += d.str() + "\n";
      return success();
    });
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
    EXPECT_TRUE(module) << "parse error: " << diags;
    return module;
  }

  /// Runs the first function of `src` on `inputs`; fails the test when the
  /// evaluation fails.
  SmallVector<Tensor> run(StringRef src, ArrayRef<Tensor> inputs,
                          EvaluateOptions options = {}) {
    OwningOpRef<ModuleOp> module = parse(src);
    if (!module)
      return {};
    std::string diags;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diags += d.str() + "\n";
      return success();
    });
    auto func = *module->getOps<func::FuncOp>().begin();
    FailureOr<SmallVector<Tensor>> results =
        evaluateFunction(func, inputs, {}, options);
    EXPECT_TRUE(succeeded(results)) << "evaluation failed: " << diags;
    if (failed(results))
      return {};
    return std::move(*results);
  }

  /// Runs `src` expecting a failure; returns the diagnostics.
  std::string runError(StringRef src, ArrayRef<Tensor> inputs) {
    OwningOpRef<ModuleOp> module = parse(src);
    if (!module)
      return "<parse error>";
    std::string diags;
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
      diags += d.str() + "\n";
      return success();
    });
    auto func = *module->getOps<func::FuncOp>().begin();
    FailureOr<SmallVector<Tensor>> results = evaluateFunction(func, inputs);
    EXPECT_TRUE(failed(results)) << "expected the evaluation to fail";
    return diags;
  }

  /// The single f32 result of `src` on `inputs`.
  std::vector<float> runF32(StringRef src, ArrayRef<Tensor> inputs) {
    SmallVector<Tensor> results = run(src, inputs);
    if (results.size() != 1 || !results[0].isFloat()) {
      ADD_FAILURE() << "expected one f32 result";
      return {};
    }
    return std::vector<float>(results[0].getFloats().begin(),
                              results[0].getFloats().end());
  }

  /// The single integer result of `src` on `inputs`.
  std::vector<int64_t> runInts(StringRef src, ArrayRef<Tensor> inputs) {
    SmallVector<Tensor> results = run(src, inputs);
    if (results.size() != 1 || results[0].isFloat()) {
      ADD_FAILURE() << "expected one integer result";
      return {};
    }
    return std::vector<int64_t>(results[0].getInts().begin(),
                                results[0].getInts().end());
  }

  MLIRContext ctx;
};

/// Element-wise comparison with an absolute-plus-relative tolerance; NaN
/// matches NaN.
inline ::testing::AssertionResult allClose(ArrayRef<float> actual,
                                           ArrayRef<float> expected,
                                           float atol = 1e-5f,
                                           float rtol = 1e-5f) {
  if (actual.size() != expected.size())
    return ::testing::AssertionFailure()
           << "size " << actual.size() << " != expected " << expected.size();
  for (size_t i = 0; i < actual.size(); ++i) {
    float a = actual[i], e = expected[i];
    if (std::isnan(e) && std::isnan(a))
      continue;
    if (std::isinf(e) && a == e)
      continue;
    if (!(std::fabs(a - e) <= atol + rtol * std::fabs(e)))
      return ::testing::AssertionFailure()
             << "element " << i << ": " << a << " != expected " << e;
  }
  return ::testing::AssertionSuccess();
}

/// Deterministic pseudo-random floats in [-1, 1).
inline std::vector<float> randomFloats(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1;
  for (float &f : v) {
    s = s * 1664525u + 1013904223u;
    f = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

} // namespace mlir::qc::test

#endif // QUANTC_TEST_UNIT_EVALTESTUTILS_H

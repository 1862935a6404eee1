//===- TargetTest.cpp - CPU features named in a model's target ------------===//

#include "Internal.h"

#include "gtest/gtest.h"

#include <set>

using namespace qrt;

namespace {

// A pretend CPU with AVX2 and FMA but no AVX-512.
int pretendHost(const std::string &feature) {
  static const std::set<std::string> present = {"avx", "avx2", "fma"};
  static const std::set<std::string> absent = {"avx512f", "avx512vnni",
                                               "avx512bw"};
  if (present.count(feature))
    return 1;
  if (absent.count(feature))
    return 0;
  return -1;
}

TEST(Target, MissingFeatures) {
  EXPECT_EQ(missingCpuFeature("x86_64", pretendHost), "");
  EXPECT_EQ(missingCpuFeature("", pretendHost), "");
  EXPECT_EQ(missingCpuFeature("x86_64-avx2-fma", pretendHost), "");
  EXPECT_EQ(missingCpuFeature("x86_64-avx2-avx512vnni", pretendHost),
            "avx512vnni");
  EXPECT_EQ(missingCpuFeature("x86_64-avx512f,avx512bw", pretendHost),
            "avx512f");
  EXPECT_EQ(missingCpuFeature("x86_64+avx2+avx512bw", pretendHost), "avx512bw");
  // Unknown words (CPU names, "64" of "x86-64") are not features.
  EXPECT_EQ(missingCpuFeature("x86-64-znver4--avx2-", pretendHost), "");
}

TEST(Target, HostFeatures) {
  EXPECT_EQ(hostHasCpuFeature("no-such-feature"), -1);
#if defined(__x86_64__)
  // Every x86-64 CPU this project builds for has SSE4.2.
  EXPECT_EQ(hostHasCpuFeature("sse4.2"), 1);
  EXPECT_EQ(hostHasCpuFeature("SSE4_2"), hostHasCpuFeature("sse42"));
  // Spellings with '_' or capitals mean the same feature.
  EXPECT_EQ(hostHasCpuFeature("AVX512_VNNI"), hostHasCpuFeature("avx512vnni"));
  // AVX-512 implies AVX2 on every CPU that has it.
  if (hostHasCpuFeature("avx512f") == 1) {
    EXPECT_EQ(hostHasCpuFeature("avx2"), 1);
  }
  EXPECT_NE(hostHasCpuFeature("avx512bf16"), -1);
#endif
}

TEST(Target, CheckTarget) {
  std::string problem;
  EXPECT_EQ(checkTarget("x86_64", problem), QRT_OK);
  // A CUDA model needs prepare, which finds the driver and the device.
  EXPECT_EQ(checkTarget("CUDA-sm_80", problem), QRT_ERROR_UNSUPPORTED);
  EXPECT_EQ(problem,
            "model targets 'CUDA-sm_80' (CUDA) but has no prepare function");
  EXPECT_EQ(checkTarget("nvptx64-sm_90", problem), QRT_ERROR_UNSUPPORTED);
  EXPECT_EQ(checkTarget("cuda-sm_90", problem, /*hasPrepare=*/true), QRT_OK);
  EXPECT_EQ(checkTarget("x86_64", problem, /*hasPrepare=*/true), QRT_OK);
#if defined(__x86_64__)
  if (hostHasCpuFeature("avx512fp16") == 0) {
    EXPECT_EQ(checkTarget("x86_64-avx512fp16", problem), QRT_ERROR_UNSUPPORTED);
    EXPECT_EQ(problem, "model targets 'x86_64-avx512fp16', but this CPU "
                       "lacks avx512fp16");
  }
#endif
}

TEST(Format, Shapes) {
  int64_t shape[4] = {1, 3, 640, 640};
  EXPECT_EQ(formatShape(shape, 4), "[1, 3, 640, 640]");
  EXPECT_EQ(formatShape(nullptr, 0), "[]");
  EXPECT_EQ(formatShape(shape, 9), "<rank 9>");
  EXPECT_EQ(formatShape(shape, -2), "<rank -2>");
  EXPECT_EQ(formatTensorType(QRT_DTYPE_U8, shape, 2), "u8 [1, 3]");
  EXPECT_EQ(formatTensorType(42, shape, 1), "<dtype 42> [1]");
}

} // namespace

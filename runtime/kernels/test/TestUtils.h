//===- TestUtils.h - helpers of the kernel tests -----------------*- C++
//-*-===//

#ifndef QRT_KERNELS_TEST_TESTUTILS_H
#define QRT_KERNELS_TEST_TESTUTILS_H

#include "kernels_impl.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace qrt::kernels::test {

/// The implementations to check: scalar always, avx512 when the CPU has it.
inline std::vector<std::string> implementations() {
  std::vector<std::string> impls{"scalar"};
  if (hasAvx512())
    impls.push_back("avx512");
  return impls;
}

/// The same plus "public": the C entry point, whichever it picks.
inline std::vector<std::string> implementationsAndPublic() {
  std::vector<std::string> impls = implementations();
  impls.push_back("public");
  return impls;
}

template <typename T>
std::vector<T> randomInts(size_t n, int lo, int hi, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(lo, hi);
  std::vector<T> v(n);
  for (T &x : v)
    x = static_cast<T>(dist(rng));
  return v;
}

inline std::vector<float> randomFloats(size_t n, float lo, float hi,
                                       unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

} // namespace qrt::kernels::test

#endif // QRT_KERNELS_TEST_TESTUTILS_H

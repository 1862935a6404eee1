//===- Target.cpp - can this host run a model for that target? ------------===//
//
// A model's `target` names the CPU features its code uses; running it on a
// CPU without them would die of SIGILL in the middle of a run, so the
// runtime refuses such a model when it is opened. Features are read with
// CPUID, and AVX / AVX-512 / AMX state also needs the OS to have enabled it
// (XGETBV). A CUDA target ("cuda-sm_90") names no CPU features; it needs
// the model's prepare, which finds the driver and the device.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <cctype>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

using namespace qrt;

namespace {

/// Lowercase, with '_' removed: "AVX512_VNNI" and "avx512vnni" are the same.
std::string normalize(const std::string &word) {
  std::string out;
  for (char c : word)
    if (c != '_')
      out += char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

#if defined(__x86_64__) || defined(__i386__)
struct X86Features {
  unsigned l1c = 0, l7b = 0, l7c = 0, l7d = 0, l71a = 0, l71d = 0;
  uint64_t xcr0 = 0;

  X86Features() {
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d))
      l1c = c;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
      l7b = b;
      l7c = c;
      l7d = d;
      unsigned maxSub = a;
      if (maxSub >= 1 && __get_cpuid_count(7, 1, &a, &b, &c, &d)) {
        l71a = a;
        l71d = d;
      }
    }
    if (l1c & (1u << 27)) { // OSXSAVE: XGETBV is available.
      unsigned lo, hi;
      __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
      xcr0 = (uint64_t(hi) << 32) | lo;
    }
  }
  bool avxState() const { return (xcr0 & 0x6) == 0x6; }
  bool avx512State() const { return avxState() && (xcr0 & 0xE0) == 0xE0; }
  bool amxState() const { return (xcr0 & 0x60000) == 0x60000; }
};
#endif

} // namespace

int qrt::hostHasCpuFeature(const std::string &feature) {
#if defined(__x86_64__) || defined(__i386__)
  X86Features f;
  struct Entry {
    const char *name;
    unsigned reg;
    int bit;
    int state; // 0: none, 1: AVX, 2: AVX-512, 3: AMX
  };
  const Entry table[] = {
      {"sse41", f.l1c, 19, 0},
      {"sse4.1", f.l1c, 19, 0},
      {"sse42", f.l1c, 20, 0},
      {"sse4.2", f.l1c, 20, 0},
      {"fma", f.l1c, 12, 1},
      {"avx", f.l1c, 28, 1},
      {"f16c", f.l1c, 29, 1},
      {"bmi", f.l7b, 3, 0},
      {"bmi2", f.l7b, 8, 0},
      {"avx2", f.l7b, 5, 1},
      {"avx512f", f.l7b, 16, 2},
      {"avx512dq", f.l7b, 17, 2},
      {"avx512ifma", f.l7b, 21, 2},
      {"avx512cd", f.l7b, 28, 2},
      {"avx512bw", f.l7b, 30, 2},
      {"avx512vl", f.l7b, 31, 2},
      {"avx512vbmi", f.l7c, 1, 2},
      {"avx512vbmi2", f.l7c, 6, 2},
      {"avx512vnni", f.l7c, 11, 2},
      {"avx512bitalg", f.l7c, 12, 2},
      {"avx512vpopcntdq", f.l7c, 14, 2},
      {"avx512fp16", f.l7d, 23, 2},
      {"amxbf16", f.l7d, 22, 3},
      {"amxtile", f.l7d, 24, 3},
      {"amxint8", f.l7d, 25, 3},
      {"avxvnni", f.l71a, 4, 1},
      {"avx512bf16", f.l71a, 5, 2},
      {"avxvnniint8", f.l71d, 4, 1},
  };
  std::string name = normalize(feature);
  for (const Entry &e : table) {
    if (name != e.name)
      continue;
    if (!(e.reg & (1u << e.bit)))
      return 0;
    switch (e.state) {
    case 1:
      return f.avxState() ? 1 : 0;
    case 2:
      return f.avx512State() ? 1 : 0;
    case 3:
      return f.amxState() ? 1 : 0;
    default:
      return 1;
    }
  }
#endif
  (void)feature;
  return -1;
}

std::string qrt::missingCpuFeature(const char *target,
                                   int (*hasFeature)(const std::string &)) {
  std::string word;
  for (const char *p = target;; ++p) {
    if (*p == '\0' || *p == '-' || *p == ',' || *p == '+') {
      if (!word.empty() && hasFeature(word) == 0)
        return word;
      word.clear();
      if (*p == '\0')
        return "";
      continue;
    }
    word += *p;
  }
}

bool qrt::isCudaTarget(const char *target) {
  std::string t = normalize(target);
  return t.rfind("cuda", 0) == 0 || t.rfind("nvptx", 0) == 0;
}

qrt_status qrt::checkTarget(const char *target, std::string &problem,
                            bool hasPrepare) {
  if (isCudaTarget(target)) {
    if (hasPrepare)
      return QRT_OK; // prepare finds the driver and the device.
    problem = "model targets '" + std::string(target) +
              "' (CUDA) but has no prepare function";
    return QRT_ERROR_UNSUPPORTED;
  }
  std::string missing = missingCpuFeature(target, hostHasCpuFeature);
  if (!missing.empty()) {
    problem = "model targets '" + std::string(target) +
              "', but this CPU lacks " + missing;
    return QRT_ERROR_UNSUPPORTED;
  }
  return QRT_OK;
}

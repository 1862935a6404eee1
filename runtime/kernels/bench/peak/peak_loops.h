//===- peak_loops.h - the loops that measure this machine's peaks -*- C++
//-*-===//
//
// Shared by the peak programs and the kernel benchmark (which measures the
// peaks again in its own run, so ratios compare like with like).
//
//===----------------------------------------------------------------------===//

#ifndef QRT_KERNELS_BENCH_PEAK_LOOPS_H
#define QRT_KERNELS_BENCH_PEAK_LOOPS_H

#include <cstddef>
#include <cstdint>
#include <immintrin.h>

namespace qrt_peak {

/// 12 independent `vpdpbusd zmm` per iteration (latency ~4-5 cycles x 1 per
/// cycle needs at least 5 chains): 12 * 16 lanes * 4 MACs * 2 ops.
constexpr double kVnniOpsPerIter = 12.0 * 16 * 4 * 2;

inline void vnniLoop(int64_t iters) {
  asm volatile("vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
               "vpternlogd $0xff, %%zmm14, %%zmm14, %%zmm14\n\t"
               "vpabsb %%zmm14, %%zmm15\n\t"
               "vmovdqa64 %%zmm0, %%zmm1\n\t"
               "vmovdqa64 %%zmm0, %%zmm2\n\t"
               "vmovdqa64 %%zmm0, %%zmm3\n\t"
               "vmovdqa64 %%zmm0, %%zmm4\n\t"
               "vmovdqa64 %%zmm0, %%zmm5\n\t"
               "vmovdqa64 %%zmm0, %%zmm6\n\t"
               "vmovdqa64 %%zmm0, %%zmm7\n\t"
               "vmovdqa64 %%zmm0, %%zmm8\n\t"
               "vmovdqa64 %%zmm0, %%zmm9\n\t"
               "vmovdqa64 %%zmm0, %%zmm10\n\t"
               "vmovdqa64 %%zmm0, %%zmm11\n\t"
               "1:\n\t"
#define QRT_DP(i) "vpdpbusd %%zmm15, %%zmm14, %%zmm" #i "\n\t"
               QRT_DP(0) QRT_DP(1) QRT_DP(2) QRT_DP(3) QRT_DP(4) QRT_DP(5)
                   QRT_DP(6) QRT_DP(7) QRT_DP(8) QRT_DP(9) QRT_DP(10) QRT_DP(11)
#undef QRT_DP
                       "dec %0\n\t"
                       "jnz 1b\n\t"
               : "+r"(iters)
               :
               : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                 "xmm8", "xmm9", "xmm10", "xmm11", "xmm14", "xmm15", "cc");
}

/// 12 independent `vfmadd231ps zmm` per iteration: 12 * 16 lanes * 2 flops.
constexpr double kFmaFlopsPerIter = 12.0 * 16 * 2;

inline void fmaLoop(int64_t iters) {
  asm volatile("vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
               "vpxord %%zmm14, %%zmm14, %%zmm14\n\t"
               "vpxord %%zmm15, %%zmm15, %%zmm15\n\t"
               "vmovaps %%zmm0, %%zmm1\n\t"
               "vmovaps %%zmm0, %%zmm2\n\t"
               "vmovaps %%zmm0, %%zmm3\n\t"
               "vmovaps %%zmm0, %%zmm4\n\t"
               "vmovaps %%zmm0, %%zmm5\n\t"
               "vmovaps %%zmm0, %%zmm6\n\t"
               "vmovaps %%zmm0, %%zmm7\n\t"
               "vmovaps %%zmm0, %%zmm8\n\t"
               "vmovaps %%zmm0, %%zmm9\n\t"
               "vmovaps %%zmm0, %%zmm10\n\t"
               "vmovaps %%zmm0, %%zmm11\n\t"
               "1:\n\t"
#define QRT_FMA(i) "vfmadd231ps %%zmm15, %%zmm14, %%zmm" #i "\n\t"
               QRT_FMA(0) QRT_FMA(1) QRT_FMA(2) QRT_FMA(3) QRT_FMA(4) QRT_FMA(5)
                   QRT_FMA(6) QRT_FMA(7) QRT_FMA(8) QRT_FMA(9) QRT_FMA(10)
                       QRT_FMA(11)
#undef QRT_FMA
                           "dec %0\n\t"
                           "jnz 1b\n\t"
               : "+r"(iters)
               :
               : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
                 "xmm8", "xmm9", "xmm10", "xmm11", "xmm14", "xmm15", "cc");
}

/// Sums `bytes` (a multiple of 512) of 64-byte aligned memory with 512-bit
/// loads into 8 independent accumulators: a pure DRAM read stream.
__attribute__((target("avx512f"))) inline int64_t readLoop(const void *p,
                                                           size_t bytes) {
  const auto *q = static_cast<const int64_t *>(p);
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0,
          a5 = a0, a6 = a0, a7 = a0;
  for (size_t i = 0; i < bytes / 8; i += 64) {
    a0 = _mm512_add_epi64(a0, _mm512_load_si512(q + i));
    a1 = _mm512_add_epi64(a1, _mm512_load_si512(q + i + 8));
    a2 = _mm512_add_epi64(a2, _mm512_load_si512(q + i + 16));
    a3 = _mm512_add_epi64(a3, _mm512_load_si512(q + i + 24));
    a4 = _mm512_add_epi64(a4, _mm512_load_si512(q + i + 32));
    a5 = _mm512_add_epi64(a5, _mm512_load_si512(q + i + 40));
    a6 = _mm512_add_epi64(a6, _mm512_load_si512(q + i + 48));
    a7 = _mm512_add_epi64(a7, _mm512_load_si512(q + i + 56));
  }
  a0 = _mm512_add_epi64(_mm512_add_epi64(a0, a1), _mm512_add_epi64(a2, a3));
  a4 = _mm512_add_epi64(_mm512_add_epi64(a4, a5), _mm512_add_epi64(a6, a7));
  alignas(64) int64_t lanes[8];
  _mm512_store_si512(lanes, _mm512_add_epi64(a0, a4));
  int64_t sum = 0;
  for (int64_t v : lanes) // not _mm512_reduce_add_epi64: GCC 12 warns in it
    sum += v;
  return sum;
}

} // namespace qrt_peak

#endif // QRT_KERNELS_BENCH_PEAK_LOOPS_H

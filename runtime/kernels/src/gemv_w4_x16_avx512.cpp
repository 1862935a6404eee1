//===- gemv_w4_x16_avx512.cpp - int4 GEMV with 16-bit fixed-point x -------===//
//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mfma. Used by
// qrt_ukernel_gemv_w4_f32 for group sizes that are multiples of 128.
//
// The f32 kernel (gemv_w4_avx512.cpp) spends a vpsrld, a vpermps and a
// vfmadd231ps on every 16 weights and is bound by their issue, not by
// memory (55-63% of the DRAM read rate). This one multiplies on vpdpbusd,
// 64 products per instruction:
//
//  - Each 128-element block of x is rounded once per call to 16-bit fixed
//    point, x ~ s_b * xi with s_b = max|x_b| / 32639 and xi = round(x / s_b)
//    (error <= s_b / 2 = 2^-16 of the block's max |x|), and xi is split into
//    two signed bytes, xi = 256 * hi + lo.
//  - The nibbles q (0..15) of a 64-byte weight block are the unsigned bytes
//    of `block & 0x0f` (k = 32b + i at byte b of dword i) and
//    `(block >> 4) & 0x0f` (k = 32b + 16 + i); x's bytes are packed in the
//    same order. Four vpdpbusd per block and row give the exact integer
//    sums of q * hi and q * lo; 256 * hi-sum + lo-sum is converted to f32,
//    scaled by s_b and summed over the group, then by the weight scale.
//  - The zero point is applied at the end: sum (q - zp) x = sum q x -
//    sum_g scale_g zp_g sum_{b in g} s_b sum xi_b.
//
// Per 128 weights of a row: 3 unpack ops, 4 vpdpbusd, and 4 ops to scale
// the block, against 23 in the f32 kernel. Blocks whose max |x| is not
// finite (inf or NaN) or below 32639 * FLT_MIN (denormal scales) fall back
// to the f32 kernel for the whole call.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <immintrin.h>
#include <type_traits>
#include <utility>
#include <vector>

namespace qrt::kernels::avx512x16 {
namespace {

constexpr int kRows = W4Layout::kRows;
constexpr int kPrefetchBytes = 4096;
/// Largest |xi|: 256 * 127 + 127, so hi and lo both fit a signed byte.
constexpr float kMaxFixed = 32639.0f;

/// One 128-element block of x, packed: the hi and lo bytes in the order of
/// the low nibbles (k = 32b + i) and of the high nibbles (k = 32b + 16 + i),
/// its scale s_b and s_b * sum(xi).
struct alignas(64) XBlock {
  __m512i lowHi, lowLo, highHi, highLo;
  float scale, scaledSum;
};

/// Rounds and packs one row of x. False when a block's max |x| is not
/// finite.
bool packX(const float *x, int64_t k, int64_t kBlocks, XBlock *dst) {
  const __m512i byteMask = _mm512_set1_epi32(0xff);
  for (int64_t kb = 0; kb < kBlocks; ++kb) {
    __m512 v[8];
    __m512 maxAbs = _mm512_setzero_ps();
    for (int c = 0; c < 8; ++c) {
      int64_t k0 = kb * W4Layout::kBlockK + 16 * c, left = k - k0;
      __mmask16 mask = left >= 16  ? __mmask16(0xffff)
                       : left <= 0 ? __mmask16(0)
                                   : __mmask16((1u << left) - 1);
      v[c] = _mm512_maskz_loadu_ps(mask, x + std::min(k0, k));
      maxAbs = _mm512_max_ps(maxAbs, _mm512_abs_ps(v[c]));
    }
    float m = _mm512_reduce_max_ps(maxAbs);
    // max_ps drops a NaN in its second operand; check the lanes directly.
    for (int c = 0; c < 8; ++c)
      if (_mm512_cmp_ps_mask(v[c], v[c], _CMP_UNORD_Q))
        return false;
    // Not finite, or so small that s_b (or 1 / s_b) would leave the normal
    // range: the f32 kernel handles those exactly.
    if (!std::isfinite(m) || (m != 0 && m < kMaxFixed * FLT_MIN))
      return false;
    float s = m / kMaxFixed;
    __m512 inv = _mm512_set1_ps(s > 0 ? kMaxFixed / m : 0.0f);
    __m512i hi[8], lo[8], sum = _mm512_setzero_si512();
    for (int c = 0; c < 8; ++c) {
      // Round to nearest even, like nearbyint; |xi| <= 32639 because
      // |x| * (32639 / m) <= 32639 up to one rounding, and the clamp keeps
      // that rounding from reaching 32640.
      __m512 t = _mm512_min_ps(
          _mm512_max_ps(_mm512_mul_ps(v[c], inv), _mm512_set1_ps(-kMaxFixed)),
          _mm512_set1_ps(kMaxFixed));
      __m512i xi = _mm512_cvtps_epi32(t);
      sum = _mm512_add_epi32(sum, xi);
      hi[c] =
          _mm512_srai_epi32(_mm512_add_epi32(xi, _mm512_set1_epi32(128)), 8);
      lo[c] = _mm512_sub_epi32(xi, _mm512_slli_epi32(hi[c], 8));
    }
    // Byte b of dword i: chunk 2b (low nibbles) or 2b + 1 (high nibbles).
    auto bytes = [&](const __m512i *src, int first) {
      __m512i r = _mm512_setzero_si512();
      for (int b = 0; b < 4; ++b)
        r = _mm512_or_si512(
            r, _mm512_slli_epi32(_mm512_and_si512(src[2 * b + first], byteMask),
                                 8 * b));
      return r;
    };
    XBlock &o = dst[kb];
    o.lowHi = bytes(hi, 0);
    o.lowLo = bytes(lo, 0);
    o.highHi = bytes(hi, 1);
    o.highLo = bytes(lo, 1);
    o.scale = s;
    o.scaledSum = s * static_cast<float>(_mm512_reduce_add_epi32(sum));
  }
  return true;
}

struct Params {
  const uint8_t *weights;
  const float *scales, *zeros;
  const W4Layout *layout;
};

/// MC rows of packed x against the 4 weight rows of `rowBlock`.
template <int MC, bool kZeros>
__attribute__((noinline)) void
rowBlockKernel(const Params &p, int64_t rowBlock, const XBlock *xp,
               int64_t xpStride, const float *groupSums, float *y,
               int64_t yStride, int rows, bool accumulate) {
  const W4Layout &l = *p.layout;
  const int64_t blocksPerGroup = l.group / W4Layout::kBlockK;
  const int64_t paramBase = rowBlock * l.groups * kRows;
  const float *scales = p.scales + paramBase;
  const __m512i nibbleMask = _mm512_set1_epi8(0x0f);
  __m512 total[MC][kRows];
  unroll<MC>([&](auto m) {
    unroll<kRows>([&](auto r) { total[m][r] = _mm512_setzero_ps(); });
  });
  const uint8_t *w = p.weights + rowBlock * l.kBlocks * kRows * 64;
  for (int64_t g = 0, kb = 0; kb < l.kBlocks; ++g) {
    __m512 groupAcc[MC][kRows];
    unroll<MC>([&](auto m) {
      unroll<kRows>([&](auto r) { groupAcc[m][r] = _mm512_setzero_ps(); });
    });
    for (int64_t end = std::min(l.kBlocks, kb + blocksPerGroup); kb < end;
         ++kb) {
      const uint8_t *wb = w + kb * kRows * 64;
      unroll<kRows>([&](auto r) {
        _mm_prefetch(reinterpret_cast<const char *>(wb) + kPrefetchBytes +
                         64 * r,
                     _MM_HINT_T0);
      });
      unroll<kRows>([&](auto r) {
        __m512i q = _mm512_loadu_si512(wb + r * 64);
        __m512i low = _mm512_and_si512(q, nibbleMask);
        __m512i high = _mm512_and_si512(_mm512_srli_epi32(q, 4), nibbleMask);
        unroll<MC>([&](auto m) {
          const XBlock &xb = xp[m * xpStride + kb];
          __m512i h =
              _mm512_dpbusd_epi32(_mm512_setzero_si512(), low, xb.lowHi);
          __m512i o =
              _mm512_dpbusd_epi32(_mm512_setzero_si512(), low, xb.lowLo);
          h = _mm512_dpbusd_epi32(h, high, xb.highHi);
          o = _mm512_dpbusd_epi32(o, high, xb.highLo);
          __m512i sum = _mm512_add_epi32(_mm512_slli_epi32(h, 8), o);
          groupAcc[m][r] =
              _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_set1_ps(xb.scale),
                              groupAcc[m][r]);
        });
      });
    }
    unroll<kRows>([&](auto r) {
      __m512 s = _mm512_set1_ps(scales[g * kRows + r]);
      unroll<MC>([&](auto m) {
        total[m][r] = _mm512_fmadd_ps(groupAcc[m][r], s, total[m][r]);
      });
    });
  }
  // sum_k (q - zp) x = sum_k q x - sum_g scale_g zp_g sum_{k in g} x, for
  // the 4 rows at once (their scales and zero points are adjacent).
  const float *zeros = kZeros ? p.zeros + paramBase : nullptr;
  for (int m = 0; m < MC; ++m) {
    __m128 corr = _mm_setzero_ps();
    const float *xs = groupSums + m * l.groups;
    for (int64_t g = 0; g < l.groups; ++g) {
      __m128 sz = _mm_loadu_ps(scales + g * kRows);
      sz = kZeros ? _mm_mul_ps(sz, _mm_loadu_ps(zeros + g * kRows))
                  : _mm_mul_ps(sz, _mm_set1_ps(8.0f));
      corr = _mm_fmadd_ps(sz, _mm_set1_ps(xs[g]), corr);
    }
    alignas(16) float c[kRows];
    _mm_store_ps(c, corr);
    for (int r = 0; r < rows; ++r) {
      float v = _mm512_reduce_add_ps(total[m][r]) - c[r];
      float &dst = y[m * yStride + rowBlock * kRows + r];
      dst = accumulate ? dst + v : v;
    }
  }
}

constexpr int kMaxRowsOfX = 4;

template <bool kZeros>
void gemvImpl(const Params &p, uint32_t flags, const XBlock *xp,
              int64_t xpStride, const float *groupSums, float *y,
              int64_t yStride, int64_t m, int64_t nBegin, int64_t nEnd) {
  bool accumulate = flags & QRT_UKERNEL_FLAG_ACCUMULATE;
  for (int64_t rb = nBegin / kRows; rb * kRows < nEnd; ++rb) {
    int rows = static_cast<int>(std::min<int64_t>(kRows, nEnd - rb * kRows));
    for (int64_t i = 0; i < m; i += kMaxRowsOfX) {
      const XBlock *xm = xp + i * xpStride;
      const float *sm = groupSums + i * p.layout->groups;
      float *ym = y + i * yStride;
      switch (std::min<int64_t>(kMaxRowsOfX, m - i)) {
      case 1:
        rowBlockKernel<1, kZeros>(p, rb, xm, xpStride, sm, ym, yStride, rows,
                                  accumulate);
        break;
      case 2:
        rowBlockKernel<2, kZeros>(p, rb, xm, xpStride, sm, ym, yStride, rows,
                                  accumulate);
        break;
      case 3:
        rowBlockKernel<3, kZeros>(p, rb, xm, xpStride, sm, ym, yStride, rows,
                                  accumulate);
        break;
      default:
        rowBlockKernel<4, kZeros>(p, rb, xm, xpStride, sm, ym, yStride, rows,
                                  accumulate);
        break;
      }
    }
  }
}

} // namespace

bool gemvW4F32(const void *packed, const W4Layout &layout, uint32_t flags,
               const float *x, int64_t xStride, float *y, int64_t yStride,
               int64_t m, int64_t nBegin, int64_t nEnd) {
  // The packed activations, per thread, reused across calls.
  thread_local std::vector<XBlock> storage;
  thread_local std::vector<float> groupSums;
  const int64_t xpStride = layout.kBlocks;
  if (static_cast<int64_t>(storage.size()) < m * xpStride)
    storage.resize(m * xpStride);
  if (static_cast<int64_t>(groupSums.size()) < m * layout.groups)
    groupSums.resize(m * layout.groups);
  const int64_t blocksPerGroup = layout.group / W4Layout::kBlockK;
  for (int64_t i = 0; i < m; ++i) {
    XBlock *xb = storage.data() + i * xpStride;
    if (!packX(x + i * xStride, layout.k, layout.kBlocks, xb))
      return false;
    for (int64_t g = 0; g < layout.groups; ++g) {
      float sum = 0;
      for (int64_t b = g * blocksPerGroup;
           b < std::min(layout.kBlocks, (g + 1) * blocksPerGroup); ++b)
        sum += xb[b].scaledSum;
      groupSums[i * layout.groups + g] = sum;
    }
  }
  Params p{layout.weights(packed), layout.scales(packed), layout.zeros(packed),
           &layout};
  if (layout.hasZeros)
    gemvImpl<true>(p, flags, storage.data(), xpStride, groupSums.data(), y,
                   yStride, m, nBegin, nEnd);
  else
    gemvImpl<false>(p, flags, storage.data(), xpStride, groupSums.data(), y,
                    yStride, m, nBegin, nEnd);
  return true;
}

} // namespace qrt::kernels::avx512x16

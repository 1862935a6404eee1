//===- dequant_wq_avx512.cpp - packed 2/4-bit weight tiles to f32 ---------===//
//
// One tile row of qrt_ukernel_mmt4d_f32_wq's packed weights: per k, the 16
// rows' values are spread to 16 dword lanes, converted, and dequantized as
// (q - zero) * scale with the (zero, scale) vectors of the k's group:
// exactly the scalar implementation's arithmetic.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <cstring>
#include <immintrin.h>

namespace qrt::kernels::avx512 {

void dequantWq(const uint8_t *packed, const float *scales, const float *zeros,
               int64_t k1, int64_t group, int bits, float *dst) {
  const __m512i shifts2 = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                            20, 22, 24, 26, 28, 30);
  const __m128i nibble = _mm_set1_epi8(0x0F);
  for (int64_t k0 = 0; k0 < k1;) {
    int64_t g = k0 / group, kEnd = std::min(k1, (g + 1) * group);
    __m512 s = _mm512_loadu_ps(scales + g * 16);
    __m512 z = _mm512_loadu_ps(zeros + g * 16);
    if (bits == 4) {
      for (int64_t k = k0; k < kEnd; ++k) {
        // Byte j holds rows 2j (low nibble) and 2j + 1: split and
        // interleave back into row order.
        __m128i b =
            _mm_loadl_epi64(reinterpret_cast<const __m128i *>(packed + k * 8));
        __m128i lo = _mm_and_si128(b, nibble);
        __m128i hi = _mm_and_si128(_mm_srli_epi16(b, 4), nibble);
        __m512 q =
            _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_unpacklo_epi8(lo, hi)));
        _mm512_storeu_ps(dst + k * 16, _mm512_mul_ps(_mm512_sub_ps(q, z), s));
      }
    } else {
      for (int64_t k = k0; k < kEnd; ++k) {
        int32_t word;
        std::memcpy(&word, packed + k * 4, 4);
        __m512i q = _mm512_and_si512(
            _mm512_srlv_epi32(_mm512_set1_epi32(word), shifts2),
            _mm512_set1_epi32(3));
        _mm512_storeu_ps(
            dst + k * 16,
            _mm512_mul_ps(_mm512_sub_ps(_mm512_cvtepi32_ps(q), z), s));
      }
    }
    k0 = kEnd;
  }
}

} // namespace qrt::kernels::avx512

//===- pack_avx512.cpp - AVX-512 packing of u8 GEMM operands, im2col ------===//
//
// Compiled with -mavx512f -mavx512bw -mavx512vl -mavx512vnni -mfma; called
// only when the CPU has them. Byte-exact with the portable packs.
//
// The RHS tile of the u8 GEMMs is [16 columns][4 k] bytes: 4 source rows
// (k) of 16 bytes interleaved. Four tiles (64 columns, one cache line per
// source row) are built at once: each 64-byte row is permuted by dwords
// (vpermd) so that two rounds of vpunpck{l,h}{bw,wd} leave the four tiles in
// natural column order, 12 shuffles per 256 bytes. The im2col pack builds
// the same 4 rows of 64 pixels straight from the NCHW input with masked
// loads (padding lanes keep the zero point) and shares the interleave.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <cstring>
#include <immintrin.h>
#include <vector>

namespace qrt::kernels::avx512 {
namespace {

/// Bits [lo, hi) of a 64-bit mask (empty when hi <= lo); 0 <= lo, hi <= 64.
inline __mmask64 rangeMask64(int64_t lo, int64_t hi) {
  lo = std::clamp<int64_t>(lo, 0, 64);
  hi = std::clamp<int64_t>(hi, 0, 64);
  if (hi <= lo)
    return 0;
  uint64_t upper = hi == 64 ? ~uint64_t(0) : (uint64_t(1) << hi) - 1;
  return upper & ~((uint64_t(1) << lo) - 1);
}

inline __mmask16 rangeMask16(int64_t lo, int64_t hi) {
  return static_cast<__mmask16>(rangeMask64(lo, std::min<int64_t>(hi, 16)));
}

/// Rows a0..a3 (k = 0..3) of 64 columns -> the four [16][4] tiles of
/// columns 0-15, 16-31, 32-47, 48-63.
inline void interleave4x64(__m512i a0, __m512i a1, __m512i a2, __m512i a3,
                           __m512i tiles[4]) {
  // Lane L, dword q <- dword 4q + L: after the two unpack rounds, lane L of
  // result q holds columns 16q + 4L .. 16q + 4L + 3.
  const __m512i idx = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14,
                                        3, 7, 11, 15);
  a0 = _mm512_permutexvar_epi32(idx, a0);
  a1 = _mm512_permutexvar_epi32(idx, a1);
  a2 = _mm512_permutexvar_epi32(idx, a2);
  a3 = _mm512_permutexvar_epi32(idx, a3);
  __m512i t0 = _mm512_unpacklo_epi8(a0, a1), t1 = _mm512_unpackhi_epi8(a0, a1);
  __m512i t2 = _mm512_unpacklo_epi8(a2, a3), t3 = _mm512_unpackhi_epi8(a2, a3);
  tiles[0] = _mm512_unpacklo_epi16(t0, t2);
  tiles[1] = _mm512_unpackhi_epi16(t0, t2);
  tiles[2] = _mm512_unpacklo_epi16(t1, t3);
  tiles[3] = _mm512_unpackhi_epi16(t1, t3);
}

/// Stores the first `count` (1..4) tiles of a 4-tile group, tile t at
/// dst + t * stride.
inline void storeTiles(const __m512i tiles[4], int count, uint8_t *dst,
                       int64_t stride) {
  for (int t = 0; t < count; ++t)
    _mm512_storeu_si512(dst + t * stride, tiles[t]);
}

//===--- im2col ------------------------------------------------------------===//

/// A run of consecutive pixels of one output row inside a chunk of pixels:
/// lanes [l0, l1) are pixels (oh, ow0 + lane - l0).
struct Segment {
  int64_t l0, l1, ihBase, iwBase; // ihBase = oh*sh - pt, iwBase = ow0*sw - pl
};

/// Splits pixels [p, pEnd) (at most `lanes`) into per-output-row segments.
inline int segments(const ConvGeom &g, int64_t p, int64_t pEnd, int lanes,
                    Segment *seg) {
  int n = 0;
  int64_t oh = p / g.ow, ow = p % g.ow;
  for (int64_t l = 0; l < lanes && p + l < pEnd;) {
    int64_t len = std::min({g.ow - ow, pEnd - p - l, int64_t(lanes) - l});
    seg[n++] = Segment{l, l + len, oh * g.sh - g.pt, ow * g.sw - g.pl};
    l += len;
    ow = 0;
    ++oh;
  }
  return n;
}

/// Lanes of segment `s` whose input column iw = iwStart + (lane - l0) * sw
/// lies in [0, W): [first, last) with iwStart the column of lane l0.
inline void validLanes(const Segment &s, int64_t iwStart, int64_t sw,
                       int64_t w, int64_t &first, int64_t &last) {
  // lane - l0 >= ceil(-iwStart / sw) and < ceil((w - iwStart) / sw).
  auto ceilDiv = [](int64_t a, int64_t b) {
    return a >= 0 ? (a + b - 1) / b : -((-a) / b);
  };
  first = std::max(s.l0, s.l0 + ceilDiv(-iwStart, sw));
  last = std::min(s.l1, s.l0 + ceilDiv(w - iwStart, sw));
}

/// One row of the im2col matrix, Col[k][p0 .. p0 + 63], k = (c, kh, kw), as
/// 64 bytes: `init` holds the zero point in every segment lane (0 beyond
/// the last pixel); in-bounds lanes are loaded over it.
inline __m512i im2colRowU8(const uint8_t *x, const ConvGeom &g,
                           const Segment *seg, int nseg, __m512i init,
                           int64_t c, int kh, int kw) {
  __m512i r = init;
  const uint8_t *plane = x + c * g.h * g.w;
  for (int i = 0; i < nseg; ++i) {
    const Segment &s = seg[i];
    int64_t ih = s.ihBase + int64_t(kh) * g.dh;
    if (ih < 0 || ih >= g.h)
      continue;
    int64_t iwStart = s.iwBase + int64_t(kw) * g.dw, first, last;
    validLanes(s, iwStart, g.sw, g.w, first, last);
    if (first >= last)
      continue;
    const uint8_t *row = plane + ih * g.w;
    __mmask64 lanes = rangeMask64(first, last);
    if (g.sw == 1) {
      // Lane l reads row[iwStart + l - l0]: one masked load (masked-off
      // lanes neither fault nor change r).
      r = _mm512_mask_loadu_epi8(r, lanes, row + iwStart - s.l0);
    } else if (g.sw == 2) {
      // Lane l reads byte 2l of the 128 bytes at base: load the bytes in
      // range, keep the even ones (vpmovwb) and merge the valid lanes.
      const uint8_t *base = row + iwStart - 2 * s.l0;
      __m512i lo = _mm512_maskz_loadu_epi8(
          rangeMask64(2 * first, 2 * last - 1), base);
      __m512i hi = _mm512_maskz_loadu_epi8(
          rangeMask64(2 * first - 64, 2 * last - 1 - 64), base + 64);
      __m512i even = _mm512_inserti64x4(
          _mm512_castsi256_si512(_mm512_cvtepi16_epi8(lo)),
          _mm512_cvtepi16_epi8(hi), 1);
      r = _mm512_mask_mov_epi8(r, lanes, even);
    } else {
      alignas(64) uint8_t tmp[64];
      _mm512_store_si512(tmp, r);
      for (int64_t l = first; l < last; ++l)
        tmp[l] = row[iwStart + (l - s.l0) * g.sw];
      r = _mm512_load_si512(tmp);
    }
  }
  return r;
}

/// Running (c, kh, kw) of consecutive k.
struct TapCounter {
  int64_t c = 0;
  int kh = 0, kw = 0;
  void next(const ConvGeom &g) {
    if (++kw == g.kw) {
      kw = 0;
      if (++kh == g.kh) {
        kh = 0;
        ++c;
      }
    }
  }
};

} // namespace

void packX8Transposed16x4(const uint8_t *src, int64_t srcStride, int64_t rows,
                          int64_t cols, uint8_t *dst, int64_t dstStride0) {
  // rows = N (columns of the stored [K][N] source), cols = K.
  int64_t n1 = (rows + 15) / 16, k1 = (cols + 3) / 4;
  for (int64_t g = 0; g * 4 < n1; ++g) {
    int64_t n = g * 64;
    __mmask64 mask = rangeMask64(0, rows - n);
    int count = static_cast<int>(std::min<int64_t>(4, n1 - g * 4));
    uint8_t *d = dst + g * 4 * dstStride0;
    const uint8_t *s = src + n;
    for (int64_t k = 0; k < k1; ++k) {
      __m512i a[4];
      for (int i = 0; i < 4; ++i) {
        int64_t kk = 4 * k + i;
        a[i] = kk < cols ? _mm512_maskz_loadu_epi8(mask, s + kk * srcStride)
                         : _mm512_setzero_si512();
      }
      __m512i tiles[4];
      interleave4x64(a[0], a[1], a[2], a[3], tiles);
      storeTiles(tiles, count, d + k * 64, dstStride0);
    }
  }
}

void packIm2colU8(const uint8_t *x, const ConvGeom &g, uint8_t zp,
                  int64_t pBegin, int64_t pEnd, uint8_t *dst,
                  int64_t dstStride0) {
  const int64_t kTotal = g.kTotal(), k1 = (kTotal + 3) / 4;
  const int64_t tiles = (pEnd - pBegin + 15) / 16;
  Segment seg[66];
  for (int64_t t0 = 0; t0 < tiles; t0 += 4) {
    int64_t p0 = pBegin + t0 * 16;
    int nseg = segments(g, p0, pEnd, 64, seg);
    __m512i init = _mm512_maskz_set1_epi8(rangeMask64(0, pEnd - p0), zp);
    int count = static_cast<int>(std::min<int64_t>(4, tiles - t0));
    uint8_t *d = dst + t0 * dstStride0;
    TapCounter tap;
    for (int64_t k = 0; k < k1; ++k) {
      __m512i a[4];
      for (int i = 0; i < 4; ++i) {
        if (4 * k + i < kTotal) {
          a[i] = im2colRowU8(x, g, seg, nseg, init, tap.c, tap.kh, tap.kw);
          tap.next(g);
        } else {
          a[i] = _mm512_setzero_si512();
        }
      }
      __m512i out[4];
      interleave4x64(a[0], a[1], a[2], a[3], out);
      storeTiles(out, count, d + k * 64, dstStride0);
    }
  }
}

void packIm2colF32(const float *x, const ConvGeom &g, float padValue,
                   int64_t pBegin, int64_t pEnd, float *dst,
                   int64_t dstStride0) {
  const int64_t kTotal = g.kTotal();
  const int64_t tiles = (pEnd - pBegin + 15) / 16;
  const __m512i evenIdx = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18,
                                            20, 22, 24, 26, 28, 30);
  Segment seg[18];
  for (int64_t t = 0; t < tiles; ++t) {
    int64_t p0 = pBegin + t * 16;
    int nseg = segments(g, p0, pEnd, 16, seg);
    __m512 init = _mm512_maskz_mov_ps(rangeMask16(0, pEnd - p0),
                                      _mm512_set1_ps(padValue));
    float *d = dst + t * dstStride0;
    TapCounter tap;
    for (int64_t k = 0; k < kTotal; ++k, tap.next(g)) {
      __m512 r = init;
      const float *plane = x + tap.c * g.h * g.w;
      for (int i = 0; i < nseg; ++i) {
        const Segment &s = seg[i];
        int64_t ih = s.ihBase + int64_t(tap.kh) * g.dh;
        if (ih < 0 || ih >= g.h)
          continue;
        int64_t iwStart = s.iwBase + int64_t(tap.kw) * g.dw, first, last;
        validLanes(s, iwStart, g.sw, g.w, first, last);
        if (first >= last)
          continue;
        const float *row = plane + ih * g.w;
        __mmask16 lanes = rangeMask16(first, last);
        if (g.sw == 1) {
          r = _mm512_mask_loadu_ps(r, lanes, row + iwStart - s.l0);
        } else if (g.sw == 2) {
          const float *base = row + iwStart - 2 * s.l0;
          __m512 lo = _mm512_maskz_loadu_ps(
              rangeMask16(2 * first, 2 * last - 1), base);
          __m512 hi = _mm512_maskz_loadu_ps(
              rangeMask16(2 * first - 16, 2 * last - 1 - 16), base + 16);
          r = _mm512_mask_mov_ps(r, lanes,
                                 _mm512_permutex2var_ps(lo, evenIdx, hi));
        } else {
          alignas(64) float tmp[16];
          _mm512_store_ps(tmp, r);
          for (int64_t l = first; l < last; ++l)
            tmp[l] = row[iwStart + (l - s.l0) * g.sw];
          r = _mm512_load_ps(tmp);
        }
      }
      _mm512_storeu_ps(d + k * 16, r);
    }
  }
}

} // namespace qrt::kernels::avx512

//===--- direct convolution (implicit GEMM)
//--------------------------------===//

namespace qrt::kernels::avx512 {
namespace {

/// One output tile (16 pixels of a row, M0 weight rows): the taps' RHS
/// tiles are 64-byte loads from the NCHW4c rows at `in` (channel group
/// planes `planeBytes` apart, tap (kh, kw) at byte offset tapOffset).
template <int M0>
inline void directTile(const int8_t *lhs, const uint8_t *in, int64_t planeBytes,
                       const int64_t *tapOffset, int taps, int64_t c1,
                       int32_t *out, bool accumulate) {
  __m512i acc[M0];
  for (int m = 0; m < M0; ++m)
    acc[m] =
        accumulate ? _mm512_loadu_si512(out + 16 * m) : _mm512_setzero_si512();
  const int8_t *l = lhs;
  for (int t = 0; t < taps; ++t) {
    const uint8_t *b = in + tapOffset[t];
    for (int64_t c = 0; c < c1; ++c, b += planeBytes, l += 4 * M0) {
      __m512i r = _mm512_loadu_si512(b);
      for (int m = 0; m < M0; ++m) {
        int32_t w;
        std::memcpy(&w, l + 4 * m, 4);
        acc[m] = _mm512_dpbusd_epi32(acc[m], r, _mm512_set1_epi32(w));
      }
    }
  }
  for (int m = 0; m < M0; ++m)
    _mm512_storeu_si512(out + 16 * m, acc[m]);
}

/// Input rows [row0, row0 + rows) of all channels as NCHW4c:
/// dst[c1][r][w][c0] = x[4*c1 + c0][row0 + r][w]. Full 64-byte tiles are
/// stored past a row's end (into the next row, rewritten next, or the
/// buffer's slack).
void toNchw4c(const uint8_t *x, const ConvGeom &g, int64_t row0, int64_t rows,
              uint8_t *dst) {
  const int64_t plane = g.h * g.w;
  for (int64_t c1 = 0; c1 < g.c / 4; ++c1)
    for (int64_t r = 0; r < rows; ++r) {
      const uint8_t *s = x + 4 * c1 * plane + (row0 + r) * g.w;
      uint8_t *d = dst + ((c1 * rows + r) * g.w) * 4;
      for (int64_t w0 = 0; w0 < g.w; w0 += 64) {
        __mmask64 mask = rangeMask64(0, g.w - w0);
        __m512i a[4], tiles[4];
        for (int j = 0; j < 4; ++j)
          a[j] = _mm512_maskz_loadu_epi8(mask, s + j * plane + w0);
        interleave4x64(a[0], a[1], a[2], a[3], tiles);
        int count =
            static_cast<int>(std::min<int64_t>(4, (g.w - w0 + 15) / 16));
        storeTiles(tiles, count, d + w0 * 4, 64);
      }
    }
}

} // namespace

void convDirectS8U8S32(const int8_t *lhs, int64_t lhsStride0, int64_t m1,
                       int m0, const uint8_t *x, const ConvGeom &g,
                       int64_t pBegin, int64_t pEnd, int32_t *out,
                       int64_t outStride0, uint32_t flags) {
  const bool accumulate = flags & QRT_UKERNEL_FLAG_ACCUMULATE;
  const int64_t c1 = g.c / 4, tilesPerRow = g.ow / 16;
  const int64_t t0 = pBegin / 16, t1 = (pEnd + 15) / 16;
  const int64_t ohFirst = t0 / tilesPerRow, ohLast = (t1 - 1) / tilesPerRow;
  // Output rows per chunk: their input rows, all channels, in ~192 KiB.
  const int64_t rowBytes = g.w * g.c;
  const int64_t halo = int64_t(g.kh - 1) * g.dh;
  int64_t chunk = std::max<int64_t>(
      1, ((192 << 10) / std::max<int64_t>(rowBytes, 1) - halo - 1) / g.sh + 1);
  thread_local std::vector<uint8_t> scratch;
  const int taps = g.kh * g.kw;
  std::vector<int64_t> tapOffset(taps);
  for (int64_t oh0 = ohFirst; oh0 <= ohLast; oh0 += chunk) {
    int64_t oh1 = std::min(ohLast + 1, oh0 + chunk);
    int64_t rows = (oh1 - 1 - oh0) * g.sh + halo + 1;
    size_t bytes = size_t(rows * rowBytes) + 256;
    if (scratch.size() < bytes)
      scratch.resize(bytes);
    toNchw4c(x, g, oh0 * g.sh, rows, scratch.data());
    const int64_t planeBytes = rows * g.w * 4;
    for (int kh = 0; kh < g.kh; ++kh)
      for (int kw = 0; kw < g.kw; ++kw)
        tapOffset[kh * g.kw + kw] =
            (int64_t(kh) * g.dh * g.w + int64_t(kw) * g.dw) * 4;
    for (int64_t oh = oh0; oh < oh1; ++oh)
      for (int64_t tw = 0; tw < tilesPerRow; ++tw) {
        int64_t t = oh * tilesPerRow + tw;
        if (t < t0 || t >= t1)
          continue;
        const uint8_t *in =
            scratch.data() + ((oh - oh0) * g.sh * g.w + 16 * tw) * 4;
        for (int64_t i = 0; i < m1; ++i) {
          int32_t *o = out + i * outStride0 + (t - t0) * m0 * 16;
          if (m0 == 16)
            directTile<16>(lhs + i * lhsStride0, in, planeBytes,
                           tapOffset.data(), taps, c1, o, accumulate);
          else
            directTile<8>(lhs + i * lhsStride0, in, planeBytes,
                          tapOffset.data(), taps, c1, o, accumulate);
        }
      }
  }
}

} // namespace qrt::kernels::avx512

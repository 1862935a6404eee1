//===- mmt4d_wq.cpp - f32 GEMM with packed 2/4-bit weight tiles -----------===//
//
// qrt_ukernel_mmt4d_f32_wq: the weight operand stays packed (2 or 4 bits per
// weight) in the model and in DRAM; each call decodes a block of weight
// tiles into per-thread scratch memory that stays in L2 and runs the f32
// tile loop (mmt4d_avx512.cpp) on it. Decoding costs a few instructions per
// 16 weights, once per call, against 16 * (activation tiles) multiply-adds
// per 16 weights in the tile loop: for a convolution (thousands of pixel
// tiles) it is noise, for a matrix product with 16 rows about a quarter.
//
//===----------------------------------------------------------------------===//

#include "kernels_impl.h"

#include <algorithm>
#include <vector>

using namespace qrt::kernels;

namespace {

/// The scratch memory of this thread (grown, never shrunk).
float *scratch(int64_t floats) {
  static thread_local std::vector<float> buffer;
  if ((int64_t)buffer.size() < floats)
    buffer.resize(floats);
  return buffer.data();
}

} // namespace

extern "C" int qrt_ukernel_mmt4d_f32_wq(
    const void *lhs, int64_t lhs_stride0, const void *rhs, int64_t rhs_stride0,
    float *out, int64_t out_stride0, int64_t M1, int64_t N1, int64_t K1,
    int32_t M0, int32_t N0, int32_t K0, uint32_t flags, const float *scales,
    const float *zeros, int64_t params_stride0, int64_t group, int32_t bits) {
  bool weightsLhs = flags & QRT_UKERNEL_WQ_LHS;
  bool validM0 = M0 == 1 || M0 == 2 || M0 == 4 || M0 == 8 || M0 == 16;
  if (!validM0 || N0 != QRT_UKERNEL_F32_N0 || K0 != QRT_UKERNEL_F32_K0 ||
      M1 < 0 || N1 < 0 || K1 < 0 || (bits != 2 && bits != 4) || group < 1 ||
      (weightsLhs && M0 != 16))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  if (M1 == 0 || N1 == 0)
    return QRT_UKERNEL_OK;
  if (!out || (K1 > 0 && (!lhs || !rhs || !scales || !zeros)))
    return QRT_UKERNEL_INVALID_ARGUMENT;
  bool avx = hasAvx512();
  auto dequant = avx ? avx512::dequantWq : scalar::dequantWq;
  auto mmt4d = avx ? avx512::mmt4dF32 : scalar::mmt4dF32;
  uint32_t mmt4dFlags = flags & QRT_UKERNEL_FLAG_ACCUMULATE;
  const int64_t tileFloats = std::max<int64_t>(1, K1 * 16);
  auto decode = [&](const void *packed, int64_t stride0, int64_t first,
                    int64_t count, float *dst) {
    for (int64_t t = 0; t < count; ++t)
      dequant(static_cast<const uint8_t *>(packed) + (first + t) * stride0,
              scales + (first + t) * params_stride0,
              zeros + (first + t) * params_stride0, K1, group, bits,
              dst + t * tileFloats);
  };
  if (weightsLhs) {
    // Weight rows (output channels) in blocks of about 1 MiB of f32, each
    // multiplied with every activation tile.
    int64_t block = std::max<int64_t>(1, (1 << 20) / (tileFloats * 4));
    for (int64_t i0 = 0; i0 < M1; i0 += block) {
      int64_t count = std::min(block, M1 - i0);
      float *w = scratch(count * tileFloats);
      decode(lhs, lhs_stride0, i0, count, w);
      mmt4d(w, tileFloats, static_cast<const float *>(rhs), rhs_stride0,
            out + i0 * out_stride0, out_stride0, count, N1, K1, 16, mmt4dFlags);
    }
    return QRT_UKERNEL_OK;
  }
  // Weight columns in chunks of about 256 KiB (what the f32 loop keeps in
  // L2 while the activation row tiles stream past).
  int64_t chunk = std::max<int64_t>(1, (256 << 10) / (tileFloats * 4));
  for (int64_t j0 = 0; j0 < N1; j0 += chunk) {
    int64_t count = std::min(chunk, N1 - j0);
    float *w = scratch(count * tileFloats);
    decode(rhs, rhs_stride0, j0, count, w);
    mmt4d(static_cast<const float *>(lhs), lhs_stride0, w, tileFloats,
          out + j0 * M0 * 16, out_stride0, M1, count, K1, M0, mmt4dFlags);
  }
  return QRT_UKERNEL_OK;
}

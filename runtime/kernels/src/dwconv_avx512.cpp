//===- dwconv_avx512.cpp - AVX-512 depthwise convolutions -----------------===//
#include "kernels_impl.h"

namespace qrt::kernels::avx512 {

void dwconvF32(const float *x, const float *w, const float *bias, float *out,
               const ConvGeom &g, int64_t cBegin, int64_t cEnd) {
  scalar::dwconvF32(x, w, bias, out, g, cBegin, cEnd);
}

void dwconvU8S8F32(const uint8_t *x, int32_t zpX, const int8_t *w, float *out,
                   const ConvGeom &g, int64_t cBegin, int64_t cEnd,
                   float scaleX, const float *scaleW, const float *bias) {
  scalar::dwconvU8S8F32(x, zpX, w, out, g, cBegin, cEnd, scaleX, scaleW, bias);
}

void dwconvU8S8U8(const uint8_t *x, int32_t zpX, const int8_t *w, uint8_t *out,
                  const ConvGeom &g, int64_t cBegin, int64_t cEnd, float scaleX,
                  const float *scaleW, const float *bias, float scaleY,
                  int32_t zpY) {
  scalar::dwconvU8S8U8(x, zpX, w, out, g, cBegin, cEnd, scaleX, scaleW, bias,
                       scaleY, zpY);
}

} // namespace qrt::kernels::avx512

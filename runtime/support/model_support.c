/*===- model_support.c - helpers linked into every compiled model ----------===*
 *
 * MLIR's memref-to-LLVM lowering calls `memrefCopy` for copies it cannot
 * express as one contiguous memcpy (strided views). Upstream provides it in
 * libmlir_c_runner_utils; a compiled model must not depend on MLIR, so quantc
 * links this implementation into each model (with hidden visibility).
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

typedef struct {
  int64_t rank;
  void *descriptor;
} qc_unranked_memref;

/* The ranked descriptor: allocated, aligned, offset, sizes[rank],
 * strides[rank]. */
typedef struct {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizes_and_strides[];
} qc_memref_header;

__attribute__((visibility("hidden"))) void
memrefCopy(int64_t elemSize, qc_unranked_memref *src, qc_unranked_memref *dst) {
  int64_t rank = src->rank;
  qc_memref_header *s = (qc_memref_header *)src->descriptor;
  qc_memref_header *d = (qc_memref_header *)dst->descriptor;
  const int64_t *sizes = s->sizes_and_strides;
  const int64_t *sStrides = s->sizes_and_strides + rank;
  const int64_t *dStrides = d->sizes_and_strides + rank;
  char *sBase = s->aligned + s->offset * elemSize;
  char *dBase = d->aligned + d->offset * elemSize;
  if (rank == 0) {
    memcpy(dBase, sBase, (size_t)elemSize);
    return;
  }
  for (int64_t i = 0; i < rank; ++i)
    if (sizes[i] == 0)
      return;
  int64_t index[16] = {0};
  if (rank > 16)
    return; /* never produced by quantc (ranks are at most 8) */
  int64_t sOff = 0, dOff = 0;
  for (;;) {
    memcpy(dBase + dOff * elemSize, sBase + sOff * elemSize, (size_t)elemSize);
    int64_t dim = rank - 1;
    for (; dim >= 0; --dim) {
      ++index[dim];
      sOff += sStrides[dim];
      dOff += dStrides[dim];
      if (index[dim] < sizes[dim])
        break;
      sOff -= sStrides[dim] * sizes[dim];
      dOff -= dStrides[dim] * sizes[dim];
      index[dim] = 0;
    }
    if (dim < 0)
      return;
  }
}

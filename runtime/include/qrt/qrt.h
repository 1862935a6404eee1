/*===- qrt.h - quantc runtime: load and run compiled models ----------------===*
 *
 * C API of libqrt, the small runtime for models compiled by quantc. Every
 * function returns a status (QRT_OK or an error code); a failed call leaves a
 * message retrievable with qrt_last_error() (qrt_model_open, which has no
 * model yet, writes it to a caller buffer instead). The runtime holds no
 * globals: all state hangs off a qrt_model.
 *
 *   qrt_model *m;
 *   char err[512];
 *   qrt_options opts = {.num_threads = 2};
 *   if (qrt_model_open("model.so", &opts, &m, err, sizeof err) != QRT_OK)
 *     fprintf(stderr, "%s\n", err);
 *   ...query inputs with qrt_model_num_inputs/qrt_model_input...
 *   if (qrt_model_run(m, inputs, outputs) != QRT_OK)
 *     fprintf(stderr, "%s\n", qrt_last_error(m));
 *   qrt_model_close(m);
 *
 * Threading: a qrt_model runs one call at a time (it owns one arena);
 * qrt_model_run on a model that is already running returns QRT_ERROR_BUSY.
 * Different models may run concurrently. See docs/runtime.md.
 *===----------------------------------------------------------------------===*/

#ifndef QRT_QRT_H
#define QRT_QRT_H

#include "qrt/model_abi.h"

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define QRT_API __attribute__((visibility("default")))
#else
#define QRT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum qrt_status {
  QRT_OK = 0,
  QRT_ERROR_INVALID_ARGUMENT = 1, /* null pointer, bad index, bad option */
  QRT_ERROR_NOT_FOUND = 2,        /* missing file or symbol */
  QRT_ERROR_INVALID_MODEL = 3,    /* not a quantc model, corrupt description */
  QRT_ERROR_VERSION_MISMATCH = 4, /* ABI version this runtime cannot run */
  QRT_ERROR_SHAPE_MISMATCH = 5,   /* input of the wrong shape or dtype */
  QRT_ERROR_OUT_OF_MEMORY = 6,
  QRT_ERROR_UNSUPPORTED = 7, /* e.g. a CUDA model, a CPU feature missing */
  QRT_ERROR_EXECUTION = 8,   /* the model's run function failed */
  QRT_ERROR_BUSY = 9,        /* the model is running on another thread */
} qrt_status;

/* A short name of a status ("ok", "invalid argument", ...). */
QRT_API const char *qrt_status_string(qrt_status status);

typedef struct qrt_model qrt_model;

typedef struct qrt_options {
  int32_t num_threads; /* 0 = all CPUs this process may run on */
} qrt_options;

/* Opens a compiled model (`options` may be NULL for defaults). On failure
 * *out is NULL and a message naming the file and the problem is written to
 * `error` (at most `error_size` bytes, NUL-terminated) when it is not NULL.
 * A path without '/' names a file in the current directory (it is not
 * searched for on the library path). */
QRT_API qrt_status qrt_model_open(const char *path, const qrt_options *options,
                                  qrt_model **out, char *error,
                                  size_t error_size);
/* Stops the model's threads, frees its memory and unloads it; NULL is a
 * no-op. Must not be called while the model runs. */
QRT_API void qrt_model_close(qrt_model *model);

QRT_API int32_t qrt_model_num_inputs(const qrt_model *model);
QRT_API int32_t qrt_model_num_outputs(const qrt_model *model);
/* Descriptions of input/output `index`; NULL when out of range. */
QRT_API const qrt_tensor_desc *qrt_model_input(const qrt_model *model,
                                               int32_t index);
QRT_API const qrt_tensor_desc *qrt_model_output(const qrt_model *model,
                                                int32_t index);
/* Index of the input/output called `name`; -1 when there is none. */
QRT_API int32_t qrt_model_input_index(const qrt_model *model, const char *name);
QRT_API int32_t qrt_model_output_index(const qrt_model *model,
                                       const char *name);
QRT_API const qrt_model_desc *qrt_model_description(const qrt_model *model);
/* Threads the model runs on (the caller plus its pool's workers). */
QRT_API int32_t qrt_model_num_threads(const qrt_model *model);

/* Number of bytes of a tensor with this description: 0 when `desc` is NULL
 * or invalid (unknown dtype, rank out of range, negative dimension),
 * UINT64_MAX when the size does not fit in 64 bits. */
QRT_API uint64_t qrt_tensor_desc_bytes(const qrt_tensor_desc *desc);
/* Bytes per element of a qrt_dtype; 0 when unknown. */
QRT_API uint64_t qrt_dtype_size(int32_t dtype);
/* "f32", "i64", ...; "unknown" when not a qrt_dtype. */
QRT_API const char *qrt_dtype_name(int32_t dtype);

/* A caller-owned tensor: data plus the shape and dtype it claims to have. */
typedef struct qrt_tensor {
  void *data;
  int32_t dtype;
  int32_t rank;
  int64_t shape[QRT_MAX_RANK];
} qrt_tensor;

/* Runs the model. `inputs` and `outputs` hold one tensor per model input
 * and output, in order; each is checked against the model's description
 * (dtype, rank, shape, non-NULL data) before anything runs. Data is dense
 * and row-major. */
QRT_API qrt_status qrt_model_run(qrt_model *model, const qrt_tensor *inputs,
                                 qrt_tensor *outputs);

/* The message of the last failed call on `model`; "" when none (and for a
 * NULL model). Valid until the next call on `model`. A call failing with
 * QRT_ERROR_BUSY does not change it. */
QRT_API const char *qrt_last_error(const qrt_model *model);

#ifdef __cplusplus
}
#endif

#endif /* QRT_QRT_H */

/*===- cuda_support.h - helpers linked into every CUDA model ---------------===*
 *
 * runtime/support/cuda_support.c is compiled into each CUDA model library
 * (like model_support.c). It implements the `mgpu*` functions that MLIR's
 * gpu-to-llvm lowering calls, on the CUDA driver API, which it opens with
 * dlopen when first needed (never at dlopen time of the model): a model
 * depends on neither MLIR nor libcuda at link time. The driver is
 * "libcuda.so.1", or the file named by the environment variable
 * QRT_CUDA_DRIVER (for tests).
 *
 * The mgpu functions cannot return errors, so each thread keeps the first
 * error since it last called qc_cuda_clear_error; after one, mgpu calls on
 * that thread do nothing (those returning a pointer return NULL), except the
 * ones that release something (free, destroy, unload). The generated model
 * code (prepare, run) clears the error first and returns qc_cuda_error() or
 * the code of a qc_cuda_* call; the model's error_message is
 * qc_cuda_error_message.
 *
 * Everything here has hidden visibility: each model has its own copy.
 *===----------------------------------------------------------------------===*/

#ifndef QRT_SUPPORT_CUDA_SUPPORT_H
#define QRT_SUPPORT_CUDA_SUPPORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QC_CUDA_HIDDEN __attribute__((visibility("hidden")))

/* Error codes; 1 and 2 make qrt_model_open fail with QRT_ERROR_UNSUPPORTED,
 * 4 with QRT_ERROR_OUT_OF_MEMORY. */
enum {
  QC_CUDA_OK = 0,
  QC_CUDA_NO_DRIVER = 1,     /* libcuda cannot be loaded or is too old */
  QC_CUDA_NO_DEVICE = 2,     /* no CUDA device, or not the one asked for */
  QC_CUDA_FAILED = 3,        /* a driver call failed */
  QC_CUDA_OUT_OF_MEMORY = 4, /* CUDA_ERROR_OUT_OF_MEMORY */
};

/* Clears the calling thread's error. */
QC_CUDA_HIDDEN void qc_cuda_clear_error(void);
/* The calling thread's first error since the last clear; 0 if none. */
QC_CUDA_HIDDEN int32_t qc_cuda_error(void);
/* The calling thread's message for `code` (its current error), e.g.
 * "cuLaunchKernel(main_kernel): CUDA_ERROR_INVALID_VALUE (invalid
 * argument)"; "" if the thread has no error with that code. */
QC_CUDA_HIDDEN const char *qc_cuda_error_message(int32_t code);

/* Initialises the driver if needed and allocates `bytes` of zeroed device
 * memory (*device = NULL when bytes is 0 or on failure). Returns a code. */
QC_CUDA_HIDDEN int32_t qc_cuda_alloc(void **device, uint64_t bytes);
/* Frees what qc_cuda_alloc returned; NULL does nothing. */
QC_CUDA_HIDDEN void qc_cuda_free(void *device);
/* Synchronous copies between host and device memory; return a code. */
QC_CUDA_HIDDEN int32_t qc_cuda_to_device(void *device_dst, const void *host_src,
                                         uint64_t bytes);
QC_CUDA_HIDDEN int32_t qc_cuda_to_host(void *host_dst, const void *device_src,
                                       uint64_t bytes);
/* Waits for all work on the device (cuCtxSynchronize); returns the thread's
 * first error, including earlier ones. */
QC_CUDA_HIDDEN int32_t qc_cuda_synchronize(void);
/* "NVIDIA H100 80GB HBM3 (sm_90)" once the driver is initialised; "" when
 * it is not (or failed). For logs. */
QC_CUDA_HIDDEN const char *qc_cuda_device_name(void);

#ifdef __cplusplus
}
#endif

#endif /* QRT_SUPPORT_CUDA_SUPPORT_H */

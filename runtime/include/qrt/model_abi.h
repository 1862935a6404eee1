/*===- model_abi.h - the ABI between compiled models and the runtime -------===*
 *
 * A model compiled by quantc is one shared library (weights embedded) that
 * exports one symbol, `qrt_model_get_desc`, returning a pointer to a
 * `qrt_model_desc` with static storage. The runtime (libqrt) dlopens the
 * library, checks `abi_magic`/`abi_version`/`desc_size`, validates the
 * description, allocates the arena the model's static memory plan needs,
 * calls `prepare` (when present) and then `run`. This header is shared by
 * the runtime, the code generator (which emits the description and `run`),
 * and test fixtures; it has no dependency beyond <stddef.h> and <stdint.h>.
 *
 * Compatibility: a runtime accepts a model whose `abi_version` equals
 * QRT_ABI_VERSION and whose `desc_size` covers at least the fields of
 * version 1 as first published (up to and including `run`). New fields are
 * only ever appended; a runtime reads an appended field only when
 * `desc_size` covers it, so a model compiled before the field existed keeps
 * working (runtime 0.2 appended `prepare`, `release`, `error_message`;
 * a model that needs them, such as a CUDA model, is refused by an older
 * runtime because of its target). A field whose meaning is required bumps
 * the version. Any change to the layout or meaning of an existing field, of
 * `qrt_tensor_desc`, `qrt_exec_ctx` or the function types bumps the version.
 * See docs/runtime.md.
 *===----------------------------------------------------------------------===*/

#ifndef QRT_MODEL_ABI_H
#define QRT_MODEL_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QRT_ABI_MAGIC 0x51524D31u /* "QRM1" */
#define QRT_ABI_VERSION 1u
#define QRT_MAX_RANK 8

/* Element types of model inputs and outputs. */
typedef enum qrt_dtype {
  QRT_DTYPE_F32 = 1,
  QRT_DTYPE_I64 = 2,
  QRT_DTYPE_I32 = 3,
  QRT_DTYPE_I8 = 4,
  QRT_DTYPE_U8 = 5,
  QRT_DTYPE_BOOL = 6, /* one byte per element, 0 or 1 */
} qrt_dtype;

typedef struct qrt_tensor_desc {
  const char *name;     /* the ONNX name of the input or output; not NULL */
  int32_t dtype;        /* a qrt_dtype */
  int32_t rank;         /* 0..QRT_MAX_RANK */
  const int64_t *shape; /* `rank` static dimensions, each >= 0; may be NULL
                           when rank is 0 */
} qrt_tensor_desc;

/* A parallel loop body: processes iterations [begin, end). `thread` is the
 * index of the worker running it, in [0, num_threads), for per-thread
 * scratch; the calling thread is 0. */
typedef void (*qrt_task_fn)(void *args, int64_t begin, int64_t end,
                            int32_t thread);

/* What the runtime gives a running model. */
typedef struct qrt_exec_ctx {
  /* Runs fn over [0, n) split into chunks of at least `grain` iterations
   * (the whole range when n < grain) on the runtime's thread pool and returns
   * when all are done; every index is visited exactly once. n <= 0 runs
   * nothing; grain < 1 means 1. Chunks are handed out dynamically. A
   * parallel_for called from inside a task runs serially on the calling
   * thread, with that thread's index. */
  void (*parallel_for)(void *pool, int64_t n, int64_t grain, qrt_task_fn fn,
                       void *args);
  void *pool;
  int32_t num_threads;
  /* Per-thread scratch: `scratch_size` bytes for each of `num_threads`
   * workers, starting at scratch + thread * scratch_size. The runtime rounds
   * the description's scratch_size up to a multiple of 64 (each slice is
   * 64-byte aligned); scratch is NULL when the model asked for none. */
  uint8_t *scratch;
  uint64_t scratch_size;
} qrt_exec_ctx;

/* Returns 0 on success; a non-zero model-defined code otherwise. `arena` is
 * the static activation arena (aligned to max(arena_alignment, 64), zeroed
 * once when the model is opened, NULL when arena_size is 0); `inputs` and
 * `outputs` point to dense row-major buffers of the described shapes. A run
 * keeps all mutable state in the arena and scratch: two opened instances of
 * one library may run at the same time, each with its own arena. */
typedef int32_t (*qrt_run_fn)(const qrt_exec_ctx *ctx,
                              const void *const *inputs, void *const *outputs,
                              uint8_t *arena);

typedef struct qrt_model_desc {
  uint32_t abi_magic;   /* QRT_ABI_MAGIC */
  uint32_t abi_version; /* QRT_ABI_VERSION */
  uint32_t desc_size;   /* sizeof(qrt_model_desc) when compiled */
  uint32_t reserved;    /* 0; ignored by version 1 runtimes */
  const char *model_name;
  /* "<arch>[-<feature>...]", e.g. "x86_64-avx512f-avx512vnni" or
   * "cuda-sm_90". The runtime refuses a model that names a CPU feature
   * (avx2, fma, avx512f, avx512bw, avx512vl, avx512dq, avx512vnni,
   * avx512bf16, avx512fp16, avxvnni, ...) the host lacks; unknown words are
   * ignored. Words may be separated by '-', ',' or '+'; '_' and case do not
   * matter (AVX512_VNNI = avx512vnni). */
  const char *target;
  const char *producer; /* e.g. "quantc 0.1 (recipe w8a8)" */
  int32_t num_inputs;
  int32_t num_outputs;
  const qrt_tensor_desc *inputs;
  const qrt_tensor_desc *outputs;
  uint64_t arena_size;      /* bytes of the static activation arena */
  uint64_t arena_alignment; /* power of two; 64 or more recommended */
  uint64_t scratch_size;    /* per-thread scratch bytes */
  qrt_run_fn run;
  /* Appended in runtime 0.2; read only when desc_size covers them. */
  /* Called by qrt_model_open after validation with the instance's zeroed
   * arena; acquires what the model needs beyond the arena (a CUDA model:
   * device memory, uploaded weights). Non-zero = failure (see
   * error_message): 1 (no driver) and 2 (no device) make the open fail with
   * QRT_ERROR_UNSUPPORTED, 4 with QRT_ERROR_OUT_OF_MEMORY, others with
   * QRT_ERROR_EXECUTION. May be NULL; a CUDA target requires it. */
  int32_t (*prepare)(uint8_t *arena);
  /* Called by qrt_model_close with the arena before it is freed; releases
   * what prepare acquired. Called only when prepare succeeded. May be
   * NULL. */
  void (*release)(uint8_t *arena);
  /* A message for the non-zero code that prepare or run last returned on
   * the calling thread; may be NULL (and may return NULL or ""). */
  const char *(*error_message)(int32_t code);
} qrt_model_desc;

/* The size of a version 1 description without the appended fields: the
 * smallest desc_size a runtime accepts. */
#define QRT_MODEL_DESC_MIN_SIZE                                                \
  ((uint32_t)(offsetof(qrt_model_desc, run) + sizeof(qrt_run_fn)))

/* The one symbol a compiled model exports. */
typedef const qrt_model_desc *(*qrt_model_get_desc_fn)(void);
#define QRT_MODEL_ENTRY_SYMBOL "qrt_model_get_desc"

#ifdef __cplusplus
}
#endif

#endif /* QRT_MODEL_ABI_H */

//===- Model.cpp - the qrt C API: open, query, run, close -----------------===//

#include "Internal.h"
#include "Profiler.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>

#include <dlfcn.h>
#include <sched.h>
#include <unistd.h>

using namespace qrt;

namespace {

void writeError(char *error, size_t errorSize, const std::string &message) {
  if (!error || errorSize == 0)
    return;
  size_t n = message.size() < errorSize - 1 ? message.size() : errorSize - 1;
  std::memcpy(error, message.data(), n);
  error[n] = '\0';
}

int32_t availableCpus() {
#ifdef __linux__
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0)
      return count;
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n ? int32_t(n) : 1;
}

/// Rounds `value` up to a multiple of `align` (a power of two); false when
/// the result does not fit.
bool roundUp(uint64_t value, uint64_t align, uint64_t &out) {
  if (value > UINT64_MAX - (align - 1))
    return false;
  out = (value + align - 1) & ~(align - 1);
  return true;
}

/// Bytes of physical memory; UINT64_MAX when unknown.
uint64_t physicalMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return UINT64_MAX;
  return uint64_t(pages) * uint64_t(pageSize);
}

/// 64-byte (or larger) aligned, zero-filled memory; nullptr when it cannot
/// be had. More than the machine's physical memory cannot be had either (a
/// corrupt size is refused rather than left to overcommit, or to a
/// sanitizer's allocator, which aborts).
uint8_t *allocateZeroed(uint64_t size, uint64_t align) {
  if (size > uint64_t(SIZE_MAX) || size > physicalMemory())
    return nullptr;
  void *p = nullptr;
  if (posix_memalign(&p, size_t(align), size_t(size)) != 0)
    return nullptr;
  // Zeroing also touches every page now rather than during the first run.
  std::memset(p, 0, size_t(size));
  return static_cast<uint8_t *>(p);
}

void destroy(qrt_model *model) {
  if (!model)
    return;
  model->pool.reset(); // Joins the workers.
  if (model->prepared && model->release)
    model->release(model->arena);
  std::free(model->arena);
  std::free(model->scratch);
  if (model->handle)
    dlclose(model->handle);
  delete model;
}

/// The model's message for a non-zero code from prepare or run, or
/// "code N" when it has none.
std::string codeMessage(const char *(*errorMessage)(int32_t), int32_t code) {
  const char *message = errorMessage ? errorMessage(code) : nullptr;
  if (!message || !*message)
    return "code " + std::to_string(code);
  return std::string(message) + " (code " + std::to_string(code) + ")";
}

struct ModelDeleter {
  void operator()(qrt_model *model) const { destroy(model); }
};

/// dlerror's message without a leading "<path>: " (we print the path).
std::string dlerrorMessage(const std::string &loadPath) {
  const char *e = dlerror();
  std::string msg = e ? e : "unknown error";
  if (msg.compare(0, loadPath.size() + 2, loadPath + ": ") == 0)
    msg.erase(0, loadPath.size() + 2);
  return msg;
}

qrt_status openModel(const char *path, const qrt_options *options,
                     qrt_model **out, std::string &message) {
  int32_t numThreads = options ? options->num_threads : 0;
  if (numThreads < 0 || numThreads > kMaxThreads) {
    message = std::string(path) + ": num_threads is " +
              std::to_string(numThreads) + ", expected 0 (all CPUs) to " +
              std::to_string(kMaxThreads);
    return QRT_ERROR_INVALID_ARGUMENT;
  }
  if (numThreads == 0)
    numThreads = std::min(availableCpus(), kMaxThreads);

  std::unique_ptr<qrt_model, ModelDeleter> model(new qrt_model);
  model->path = path;
  auto fail = [&](qrt_status status, const std::string &problem) {
    message = model->path + ": " + problem;
    return status;
  };

  std::string problem;
  if (qrt_status st = checkSharedLibraryFile(model->path, problem))
    return fail(st, problem);

  // Without a '/', dlopen would search the library path; we mean the file.
  std::string loadPath = model->path.find('/') == std::string::npos
                             ? "./" + model->path
                             : model->path;
  dlerror();
  model->handle = dlopen(loadPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->handle)
    return fail(QRT_ERROR_INVALID_MODEL,
                "cannot load the shared library: " + dlerrorMessage(loadPath));
  dlerror();
  void *entry = dlsym(model->handle, QRT_MODEL_ENTRY_SYMBOL);
  if (!entry)
    return fail(QRT_ERROR_NOT_FOUND,
                "not a quantc model: the library does not export '" +
                    std::string(QRT_MODEL_ENTRY_SYMBOL) + "'");
  LibraryImage image;
  if (!image.load(model->handle))
    return fail(QRT_ERROR_INVALID_MODEL,
                "cannot find the loaded library's segments");
  if (!image.contains(entry, 1, /*code=*/true))
    return fail(QRT_ERROR_INVALID_MODEL,
                "not a quantc model: '" + std::string(QRT_MODEL_ENTRY_SYMBOL) +
                    "' is not a function of the library");

  const qrt_model_desc *desc = reinterpret_cast<qrt_model_get_desc_fn>(entry)();
  if (qrt_status st = validateDescription(desc, &image, problem))
    return fail(st, problem);
  if (QRT_DESC_HAS(desc, prepare))
    model->prepare = desc->prepare;
  if (QRT_DESC_HAS(desc, release))
    model->release = desc->release;
  if (QRT_DESC_HAS(desc, error_message))
    model->errorMessage = desc->error_message;
  if (qrt_status st =
          checkTarget(desc->target, problem, model->prepare != nullptr))
    return fail(st, problem);
  model->desc = desc;

  // The static activation arena.
  uint64_t align = desc->arena_alignment < 64 ? 64 : desc->arena_alignment;
  if (desc->arena_size > 0) {
    uint64_t bytes;
    if (!roundUp(desc->arena_size, align, bytes) ||
        !(model->arena = allocateZeroed(bytes, align)))
      return fail(QRT_ERROR_OUT_OF_MEMORY,
                  "cannot allocate the model's " +
                      std::to_string(desc->arena_size) + "-byte arena");
  }

  // Per-thread scratch, one 64-byte aligned slice per thread.
  uint64_t stride = 0;
  if (desc->scratch_size > 0) {
    uint64_t total;
    if (!roundUp(desc->scratch_size, 64, stride) ||
        __builtin_mul_overflow(stride, uint64_t(numThreads), &total) ||
        !(model->scratch = allocateZeroed(total, 64)))
      return fail(QRT_ERROR_OUT_OF_MEMORY,
                  "cannot allocate " + std::to_string(desc->scratch_size) +
                      " bytes of scratch for each of " +
                      std::to_string(numThreads) + " threads");
  }

  std::string poolError;
  model->pool = ThreadPool::create(numThreads, poolError);
  if (!model->pool)
    return fail(QRT_ERROR_OUT_OF_MEMORY, poolError);

  model->ctx.parallel_for = &ThreadPool::parallelForEntry;
  model->ctx.pool = model->pool.get();
  if (const char *profile = std::getenv("QRT_PROFILE");
      profile && *profile && std::string(profile) != "0") {
    model->profiler = std::make_unique<Profiler>(model->pool.get());
    model->ctx.parallel_for = &Profiler::parallelForEntry;
    model->ctx.pool = model->profiler.get();
  }
  model->ctx.num_threads = numThreads;
  model->ctx.scratch = model->scratch;
  model->ctx.scratch_size = stride;
  model->inputPtrs.assign(size_t(desc->num_inputs), nullptr);
  model->outputPtrs.assign(size_t(desc->num_outputs), nullptr);

  // What the model needs beyond the arena (a CUDA model: the device).
  if (model->prepare) {
    int32_t code = model->prepare(model->arena);
    if (code != 0) {
      qrt_status st = code == 1 || code == 2 ? QRT_ERROR_UNSUPPORTED
                      : code == 4            ? QRT_ERROR_OUT_OF_MEMORY
                                             : QRT_ERROR_EXECUTION;
      return fail(st, "cannot prepare the model: " +
                          codeMessage(model->errorMessage, code));
    }
    model->prepared = true;
  }
  *out = model.release();
  return QRT_OK;
}

/// Checks the caller's tensor `t` against the model's `d`. Builds no string
/// unless something is wrong: this runs on every call.
qrt_status checkTensor(const char *kind, int32_t index,
                       const qrt_tensor_desc &d, const qrt_tensor &t,
                       std::string &problem) {
  std::string detail;
  if (t.dtype != d.dtype) {
    detail = std::string("dtype ") + qrt_dtype_name(t.dtype) + ", expected " +
             qrt_dtype_name(d.dtype);
  } else if (t.rank != d.rank) {
    detail = "rank " + std::to_string(t.rank) + ", expected " +
             std::to_string(d.rank);
  } else {
    for (int32_t i = 0; i < d.rank && detail.empty(); ++i)
      if (t.shape[i] != d.shape[i])
        detail = "dimension " + std::to_string(i) + " is " +
                 std::to_string(t.shape[i]) + ", expected " +
                 std::to_string(d.shape[i]);
  }
  auto what = [&] {
    return std::string(kind) + " " + std::to_string(index) + " '" + d.name +
           "'";
  };
  if (!detail.empty()) {
    bool rankOk = t.rank >= 0 && t.rank <= QRT_MAX_RANK;
    problem = what() + ": expected " +
              formatTensorType(d.dtype, d.shape, d.rank) + ", found " +
              formatTensorType(t.dtype, rankOk ? t.shape : nullptr, t.rank) +
              " (" + detail + ")";
    return QRT_ERROR_SHAPE_MISMATCH;
  }
  if (!t.data && qrt_tensor_desc_bytes(&d) > 0) {
    problem = what() + ": data is NULL";
    return QRT_ERROR_INVALID_ARGUMENT;
  }
  return QRT_OK;
}

qrt_status runModel(qrt_model *model, const qrt_tensor *inputs,
                    qrt_tensor *outputs) {
  const qrt_model_desc *desc = model->desc;
  auto fail = [&](qrt_status status, const std::string &problem) {
    model->lastError =
        "model '" + std::string(desc->model_name) + "': " + problem;
    return status;
  };
  if (desc->num_inputs > 0 && !inputs)
    return fail(QRT_ERROR_INVALID_ARGUMENT,
                "inputs is NULL, expected " + std::to_string(desc->num_inputs) +
                    " tensors");
  if (desc->num_outputs > 0 && !outputs)
    return fail(QRT_ERROR_INVALID_ARGUMENT,
                "outputs is NULL, expected " +
                    std::to_string(desc->num_outputs) + " tensors");
  std::string problem;
  for (int32_t i = 0; i < desc->num_inputs; ++i) {
    if (qrt_status st =
            checkTensor("input", i, desc->inputs[i], inputs[i], problem))
      return fail(st, problem);
    model->inputPtrs[size_t(i)] = inputs[i].data;
  }
  for (int32_t i = 0; i < desc->num_outputs; ++i) {
    if (qrt_status st =
            checkTensor("output", i, desc->outputs[i], outputs[i], problem))
      return fail(st, problem);
    model->outputPtrs[size_t(i)] = outputs[i].data;
  }
  int32_t code = desc->run(&model->ctx, model->inputPtrs.data(),
                           model->outputPtrs.data(), model->arena);
  if (code != 0)
    return fail(QRT_ERROR_EXECUTION,
                model->errorMessage
                    ? "run failed: " + codeMessage(model->errorMessage, code)
                    : "run failed with code " + std::to_string(code));
  return QRT_OK;
}

} // namespace

extern "C" {

const char *qrt_status_string(qrt_status status) {
  switch (status) {
  case QRT_OK:
    return "ok";
  case QRT_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case QRT_ERROR_NOT_FOUND:
    return "not found";
  case QRT_ERROR_INVALID_MODEL:
    return "invalid model";
  case QRT_ERROR_VERSION_MISMATCH:
    return "version mismatch";
  case QRT_ERROR_SHAPE_MISMATCH:
    return "shape mismatch";
  case QRT_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case QRT_ERROR_UNSUPPORTED:
    return "unsupported";
  case QRT_ERROR_EXECUTION:
    return "execution failed";
  case QRT_ERROR_BUSY:
    return "busy";
  }
  return "unknown status";
}

qrt_status qrt_model_open(const char *path, const qrt_options *options,
                          qrt_model **out, char *error, size_t error_size) {
  writeError(error, error_size, "");
  if (out)
    *out = nullptr;
  if (!out || !path || !*path) {
    writeError(error, error_size,
               !out ? "qrt_model_open: out is NULL"
                    : "qrt_model_open: path is NULL or empty");
    return QRT_ERROR_INVALID_ARGUMENT;
  }
  std::string message;
  qrt_status status;
  try {
    status = openModel(path, options, out, message);
  } catch (const std::bad_alloc &) {
    status = QRT_ERROR_OUT_OF_MEMORY;
    message = std::string(path) + ": out of memory";
  }
  if (status != QRT_OK)
    writeError(error, error_size, message);
  return status;
}

void qrt_model_close(qrt_model *model) {
  if (model && model->profiler)
    model->profiler->report(model->path.c_str());
  destroy(model);
}

int32_t qrt_model_num_inputs(const qrt_model *model) {
  return model ? model->desc->num_inputs : 0;
}

int32_t qrt_model_num_outputs(const qrt_model *model) {
  return model ? model->desc->num_outputs : 0;
}

const qrt_tensor_desc *qrt_model_input(const qrt_model *model, int32_t index) {
  if (!model || index < 0 || index >= model->desc->num_inputs)
    return nullptr;
  return &model->desc->inputs[index];
}

const qrt_tensor_desc *qrt_model_output(const qrt_model *model, int32_t index) {
  if (!model || index < 0 || index >= model->desc->num_outputs)
    return nullptr;
  return &model->desc->outputs[index];
}

int32_t qrt_model_input_index(const qrt_model *model, const char *name) {
  if (!model || !name)
    return -1;
  for (int32_t i = 0; i < model->desc->num_inputs; ++i)
    if (std::strcmp(model->desc->inputs[i].name, name) == 0)
      return i;
  return -1;
}

int32_t qrt_model_output_index(const qrt_model *model, const char *name) {
  if (!model || !name)
    return -1;
  for (int32_t i = 0; i < model->desc->num_outputs; ++i)
    if (std::strcmp(model->desc->outputs[i].name, name) == 0)
      return i;
  return -1;
}

const qrt_model_desc *qrt_model_description(const qrt_model *model) {
  return model ? model->desc : nullptr;
}

int32_t qrt_model_num_threads(const qrt_model *model) {
  return model ? model->ctx.num_threads : 0;
}

uint64_t qrt_dtype_size(int32_t dtype) {
  switch (dtype) {
  case QRT_DTYPE_F32:
  case QRT_DTYPE_I32:
    return 4;
  case QRT_DTYPE_I64:
    return 8;
  case QRT_DTYPE_I8:
  case QRT_DTYPE_U8:
  case QRT_DTYPE_BOOL:
    return 1;
  }
  return 0;
}

const char *qrt_dtype_name(int32_t dtype) {
  switch (dtype) {
  case QRT_DTYPE_F32:
    return "f32";
  case QRT_DTYPE_I64:
    return "i64";
  case QRT_DTYPE_I32:
    return "i32";
  case QRT_DTYPE_I8:
    return "i8";
  case QRT_DTYPE_U8:
    return "u8";
  case QRT_DTYPE_BOOL:
    return "bool";
  }
  return "unknown";
}

uint64_t qrt_tensor_desc_bytes(const qrt_tensor_desc *desc) {
  if (!desc || desc->rank < 0 || desc->rank > QRT_MAX_RANK ||
      (desc->rank > 0 && !desc->shape))
    return 0;
  uint64_t bytes = qrt_dtype_size(desc->dtype);
  bool overflow = false;
  for (int32_t i = 0; i < desc->rank; ++i) {
    if (desc->shape[i] < 0)
      return 0;
    overflow |= __builtin_mul_overflow(bytes, uint64_t(desc->shape[i]), &bytes);
  }
  // A zero dimension makes the tensor empty even if other products overflow.
  for (int32_t i = 0; i < desc->rank; ++i)
    if (desc->shape[i] == 0)
      return 0;
  return overflow ? UINT64_MAX : bytes;
}

qrt_status qrt_model_run(qrt_model *model, const qrt_tensor *inputs,
                         qrt_tensor *outputs) {
  if (!model)
    return QRT_ERROR_INVALID_ARGUMENT;
  bool idle = false;
  if (!model->running.compare_exchange_strong(idle, true,
                                              std::memory_order_acquire))
    return QRT_ERROR_BUSY;
  qrt_status status;
  try {
    if (model->profiler)
      model->profiler->beginRun();
    status = runModel(model, inputs, outputs);
    if (model->profiler)
      model->profiler->endRun();
  } catch (const std::bad_alloc &) {
    status = QRT_ERROR_OUT_OF_MEMORY;
    model->lastError = "out of memory"; // Short enough not to allocate.
  }
  model->running.store(false, std::memory_order_release);
  return status;
}

const char *qrt_last_error(const qrt_model *model) {
  return model ? model->lastError.c_str() : "";
}

} // extern "C"

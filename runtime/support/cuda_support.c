/*===- cuda_support.c - the mgpu runtime of CUDA models, on libcuda --------===*
 *
 * MLIR's gpu-to-llvm lowering calls `mgpu*` functions (upstream, in
 * libmlir_cuda_runtime). A compiled model must depend on neither MLIR nor
 * libcuda at link time, so quantc links this implementation into each CUDA
 * model (hidden visibility, like model_support.c). It opens the CUDA driver
 * with dlopen when first needed and resolves the few functions it uses; see
 * cuda_support.h for the error model and the qc_cuda_* helpers.
 *
 * mgpuModuleLoad runs from a global constructor when the model library is
 * dlopened: it only records the image. Nothing touches the driver before the
 * model's prepare (or the first mgpu call) does, so a host without a driver
 * or a device gets an error from qrt_model_open instead of a crash or an
 * abort at dlopen.
 *===----------------------------------------------------------------------===*/

#include "cuda_support.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HIDDEN __attribute__((visibility("hidden")))

/*===--- The driver API subset (declared here: no cuda.h needed) ---------===*/

typedef int CUresult;
typedef int CUdevice;
typedef unsigned long long CUdeviceptr;
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_OUT_OF_MEMORY = 2,
  CUDA_ERROR_STUB_LIBRARY = 34,
  CUDA_ERROR_INSUFFICIENT_DRIVER = 35,
  CUDA_ERROR_NO_DEVICE = 100,
  CUDA_ERROR_SYSTEM_DRIVER_MISMATCH = 803,
};
enum { CU_STREAM_DEFAULT = 0 };
enum { CU_EVENT_DISABLE_TIMING = 2 };
enum { CU_MEM_ATTACH_GLOBAL = 1 };
enum {
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
};

/* The functions, by the names the driver exports (the _v2 ones where the
 * driver has them). Optional ones may be NULL. */
#define QC_CUDA_DRIVER_FUNCTIONS(X)                                            \
  X(cuGetErrorName, CUresult, (CUresult, const char **))                       \
  X(cuGetErrorString, CUresult, (CUresult, const char **))                     \
  X(cuInit, CUresult, (unsigned))                                              \
  X(cuDeviceGetCount, CUresult, (int *))                                       \
  X(cuDeviceGet, CUresult, (CUdevice *, int))                                  \
  X(cuDeviceGetName, CUresult, (char *, int, CUdevice))                        \
  X(cuDeviceGetAttribute, CUresult, (int *, int, CUdevice))                    \
  X(cuDevicePrimaryCtxRetain, CUresult, (CUcontext *, CUdevice))               \
  X(cuCtxSetCurrent, CUresult, (CUcontext))                                    \
  X(cuCtxSynchronize, CUresult, (void))                                        \
  X(cuMemAlloc_v2, CUresult, (CUdeviceptr *, size_t))                          \
  X(cuMemFree_v2, CUresult, (CUdeviceptr))                                     \
  X(cuMemcpy, CUresult, (CUdeviceptr, CUdeviceptr, size_t))                    \
  X(cuMemcpyAsync, CUresult, (CUdeviceptr, CUdeviceptr, size_t, CUstream))     \
  X(cuMemsetD8_v2, CUresult, (CUdeviceptr, unsigned char, size_t))             \
  X(cuMemsetD16Async, CUresult,                                                \
    (CUdeviceptr, unsigned short, size_t, CUstream))                           \
  X(cuMemsetD32Async, CUresult, (CUdeviceptr, unsigned, size_t, CUstream))     \
  X(cuModuleLoadData, CUresult, (CUmodule *, const void *))                    \
  X(cuModuleUnload, CUresult, (CUmodule))                                      \
  X(cuModuleGetFunction, CUresult, (CUfunction *, CUmodule, const char *))     \
  X(cuLaunchKernel, CUresult,                                                  \
    (CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned,   \
     unsigned, CUstream, void **, void **))                                    \
  X(cuStreamCreate, CUresult, (CUstream *, unsigned))                          \
  X(cuStreamDestroy_v2, CUresult, (CUstream))                                  \
  X(cuStreamSynchronize, CUresult, (CUstream))                                 \
  X(cuStreamWaitEvent, CUresult, (CUstream, CUevent, unsigned))                \
  X(cuEventCreate, CUresult, (CUevent *, unsigned))                            \
  X(cuEventDestroy_v2, CUresult, (CUevent))                                    \
  X(cuEventRecord, CUresult, (CUevent, CUstream))                              \
  X(cuEventSynchronize, CUresult, (CUevent))
#define QC_CUDA_OPTIONAL_FUNCTIONS(X)                                          \
  X(cuMemAllocManaged, CUresult, (CUdeviceptr *, size_t, unsigned))            \
  X(cuEventElapsedTime_v2, CUresult, (float *, CUevent, CUevent))

static struct {
#define X(name, ret, params) ret(*name) params;
  QC_CUDA_DRIVER_FUNCTIONS(X)
  QC_CUDA_OPTIONAL_FUNCTIONS(X)
#undef X
} cu;

/*===--- State ------------------------------------------------------------===*/

/* Written once by initDriver (under pthread_once), read after it. */
static pthread_once_t initOnce = PTHREAD_ONCE_INIT;
static int32_t initCode = QC_CUDA_OK;
static char initMessage[512];
static CUcontext context;
static char deviceName[160];
/* 1 once initDriver succeeded; read by qc_cuda_device_name without the
 * once. */
static int initialised;
/* The device initDriver picks (mgpuSetDefaultDevice), and the one it
 * picked. */
static int defaultDevice;
static int initDevice;

/* The thread's first error since the last clear, and whether the context is
 * current on the thread. */
static _Thread_local int32_t errorCode;
static _Thread_local char errorMessage[512];
static _Thread_local bool contextCurrent;

static void setError(int32_t code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static void setError(int32_t code, const char *format, ...) {
  if (errorCode != QC_CUDA_OK)
    return;
  errorCode = code;
  va_list args;
  va_start(args, format);
  vsnprintf(errorMessage, sizeof errorMessage, format, args);
  va_end(args);
}

/* "CUDA_ERROR_INVALID_VALUE (invalid argument)". */
static void describe(CUresult result, char *buf, size_t size) {
  const char *name = NULL, *text = NULL;
  if (!cu.cuGetErrorName || cu.cuGetErrorName(result, &name) != CUDA_SUCCESS)
    name = NULL;
  if (!cu.cuGetErrorString ||
      cu.cuGetErrorString(result, &text) != CUDA_SUCCESS)
    text = NULL;
  if (name && text)
    snprintf(buf, size, "%s (%s)", name, text);
  else if (name)
    snprintf(buf, size, "%s", name);
  else
    snprintf(buf, size, "CUDA error %d", result);
}

static int32_t codeOf(CUresult result) {
  return result == CUDA_ERROR_OUT_OF_MEMORY ? QC_CUDA_OUT_OF_MEMORY
                                            : QC_CUDA_FAILED;
}

/* Records a failed call as the thread's error (if it is the first); returns
 * the code. `what` is the call, with the kernel's name for launches. */
static int32_t check(CUresult result, const char *what) {
  if (result == CUDA_SUCCESS)
    return QC_CUDA_OK;
  char description[256];
  describe(result, description, sizeof description);
  int32_t code = codeOf(result);
  setError(code, "%s: %s", what, description);
  return code;
}

static void initDriver(void) {
  const char *path = getenv("QRT_CUDA_DRIVER");
  if (!path || !*path)
    path = "libcuda.so.1";
  void *driver = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!driver) {
    const char *e = dlerror();
    initCode = QC_CUDA_NO_DRIVER;
    snprintf(initMessage, sizeof initMessage,
             "cannot load the CUDA driver %s: %s; is an NVIDIA driver "
             "installed?",
             path, e ? e : "unknown error");
    return;
  }
#define X(name, ret, params)                                                   \
  *(void **)&cu.name = dlsym(driver, #name);                                   \
  if (!cu.name) {                                                              \
    initCode = QC_CUDA_NO_DRIVER;                                              \
    snprintf(initMessage, sizeof initMessage,                                  \
             "the CUDA driver %s lacks %s; is it too old?", path, #name);      \
    return;                                                                    \
  }
  QC_CUDA_DRIVER_FUNCTIONS(X)
#undef X
#define X(name, ret, params) *(void **)&cu.name = dlsym(driver, #name);
  QC_CUDA_OPTIONAL_FUNCTIONS(X)
#undef X

  char description[256];
  CUresult result = cu.cuInit(0);
  if (result != CUDA_SUCCESS) {
    describe(result, description, sizeof description);
    initCode = result == CUDA_ERROR_NO_DEVICE ? QC_CUDA_NO_DEVICE
               : result == CUDA_ERROR_STUB_LIBRARY ||
                       result == CUDA_ERROR_INSUFFICIENT_DRIVER ||
                       result == CUDA_ERROR_SYSTEM_DRIVER_MISMATCH
                   ? QC_CUDA_NO_DRIVER
                   : QC_CUDA_FAILED;
    snprintf(initMessage, sizeof initMessage, "cuInit: %s", description);
    return;
  }
  int count = 0;
  result = cu.cuDeviceGetCount(&count);
  if (result != CUDA_SUCCESS || count <= 0) {
    initCode = QC_CUDA_NO_DEVICE;
    snprintf(initMessage, sizeof initMessage, "no CUDA device");
    return;
  }
  int ordinal = __atomic_load_n(&defaultDevice, __ATOMIC_RELAXED);
  if (ordinal < 0 || ordinal >= count) {
    initCode = QC_CUDA_NO_DEVICE;
    snprintf(initMessage, sizeof initMessage,
             "no CUDA device %d (this host has %d)", ordinal, count);
    return;
  }
  CUdevice device;
  result = cu.cuDeviceGet(&device, ordinal);
  if (result == CUDA_SUCCESS)
    result = cu.cuDevicePrimaryCtxRetain(&context, device);
  if (result != CUDA_SUCCESS) {
    describe(result, description, sizeof description);
    initCode = codeOf(result);
    snprintf(initMessage, sizeof initMessage, "cannot use CUDA device %d: %s",
             ordinal, description);
    return;
  }
  initDevice = ordinal;
  char name[128];
  int major = 0, minor = 0;
  if (cu.cuDeviceGetName(name, (int)sizeof name, device) != CUDA_SUCCESS)
    snprintf(name, sizeof name, "CUDA device %d", ordinal);
  name[sizeof name - 1] = '\0';
  cu.cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR,
                          device);
  cu.cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR,
                          device);
  snprintf(deviceName, sizeof deviceName, "%s (sm_%d%d)", name, major, minor);
  __atomic_store_n(&initialised, 1, __ATOMIC_RELEASE);
}

/* Initialises the driver (once) and makes the context current on the
 * calling thread, whatever the thread's error; returns a code. */
static int32_t makeCurrent(void) {
  if (contextCurrent)
    return QC_CUDA_OK;
  pthread_once(&initOnce, initDriver);
  if (initCode != QC_CUDA_OK) {
    setError(initCode, "%s", initMessage);
    return initCode;
  }
  if (check(cu.cuCtxSetCurrent(context), "cuCtxSetCurrent"))
    return errorCode;
  contextCurrent = true;
  return QC_CUDA_OK;
}

/* For calls that do work: the thread's error if it has one (the call is
 * then skipped), else makeCurrent's code. */
static int32_t ready(void) {
  if (errorCode != QC_CUDA_OK)
    return errorCode;
  return makeCurrent();
}

/* For calls that release something: they run after an error too, but only
 * when the driver works. */
static bool readyToRelease(void) {
  if (!__atomic_load_n(&initialised, __ATOMIC_ACQUIRE))
    return false;
  if (contextCurrent)
    return true;
  if (cu.cuCtxSetCurrent(context) != CUDA_SUCCESS)
    return false;
  contextCurrent = true;
  return true;
}

static CUdeviceptr dptr(const void *p) { return (CUdeviceptr)(uintptr_t)p; }

/*===--- Modules and functions --------------------------------------------===*/

/* What mgpuModuleGetFunction returns: the kernel with its name (for error
 * messages). Kept until the module is unloaded; looked up once. */
typedef struct Function {
  CUfunction function;
  struct Function *next;
  char name[];
} Function;

/* What mgpuModuleLoad returns: the image, loaded on first use. */
typedef struct Module {
  const void *data;
  uint64_t size;
  pthread_mutex_t mutex; /* guards the fields below */
  CUmodule module;       /* NULL until loaded */
  Function *functions;
} Module;

HIDDEN void *mgpuModuleLoad(void *data, uint64_t size) {
  Module *m = (Module *)calloc(1, sizeof(Module));
  if (!m)
    return NULL; /* mgpuModuleGetFunction reports it. */
  m->data = data;
  m->size = size;
  pthread_mutex_init(&m->mutex, NULL);
  return m;
}

HIDDEN void mgpuModuleUnload(void *module) {
  Module *m = (Module *)module;
  if (!m)
    return;
  /* Errors are ignored: this runs from a destructor (dlclose, exit). */
  if (m->module && readyToRelease())
    cu.cuModuleUnload(m->module);
  for (Function *f = m->functions, *next; f; f = next) {
    next = f->next;
    free(f);
  }
  pthread_mutex_destroy(&m->mutex);
  free(m);
}

HIDDEN void *mgpuModuleGetFunction(void *module, const char *name) {
  Module *m = (Module *)module;
  if (ready() != QC_CUDA_OK)
    return NULL;
  if (!m) {
    setError(QC_CUDA_OUT_OF_MEMORY,
             "mgpuModuleGetFunction(%s): the module was not recorded (out "
             "of memory when the model was loaded)",
             name ? name : "");
    return NULL;
  }
  if (!name)
    name = "";
  pthread_mutex_lock(&m->mutex);
  Function *f = m->functions;
  for (; f; f = f->next)
    if (strcmp(f->name, name) == 0)
      break;
  if (!f && !m->module)
    check(cu.cuModuleLoadData(&m->module, m->data), "cuModuleLoadData");
  if (!f && m->module) {
    size_t length = strlen(name);
    f = (Function *)malloc(sizeof(Function) + length + 1);
    if (!f) {
      setError(QC_CUDA_OUT_OF_MEMORY,
               "mgpuModuleGetFunction(%s): out of "
               "memory",
               name);
    } else {
      memcpy(f->name, name, length + 1);
      char what[160];
      snprintf(what, sizeof what, "cuModuleGetFunction(%s)", name);
      if (check(cu.cuModuleGetFunction(&f->function, m->module, name), what)) {
        free(f);
        f = NULL;
      } else {
        f->next = m->functions;
        m->functions = f;
      }
    }
  }
  pthread_mutex_unlock(&m->mutex);
  return f;
}

/*===--- QRT_PROFILE: GPU time per kernel ---------------------------------===*/

/* With QRT_PROFILE set (as for CPU models, docs/performance.md), every launch
 * is timed with a pair of events and synchronised (which serialises the
 * run), and the library prints a table when it is unloaded. Kernels are
 * numbered in the order of their first launch, which is the order of the
 * kernel modules in `quantc --target=cuda --emit=ptx`. */
typedef struct ProfileEntry {
  const void *function;
  char name[64];
  double ms;
  long launches;
  intptr_t threads;
} ProfileEntry;

static pthread_mutex_t profileMutex = PTHREAD_MUTEX_INITIALIZER;
static ProfileEntry *profile;
static int profileCount, profileCapacity;

static bool profiling(void) {
  static int enabled = -1;
  if (enabled < 0) {
    const char *v = getenv("QRT_PROFILE");
    enabled = v && *v && strcmp(v, "0") != 0 && cu.cuEventElapsedTime_v2;
  }
  return enabled;
}

static void recordProfile(const void *function, const char *name, double ms,
                          intptr_t threads) {
  pthread_mutex_lock(&profileMutex);
  int i = 0;
  while (i < profileCount && profile[i].function != function)
    ++i;
  if (i == profileCount) {
    if (profileCount == profileCapacity) {
      int capacity = profileCapacity ? 2 * profileCapacity : 256;
      ProfileEntry *grown = (ProfileEntry *)realloc(
          profile, (size_t)capacity * sizeof(ProfileEntry));
      if (!grown) {
        pthread_mutex_unlock(&profileMutex);
        return;
      }
      profile = grown;
      profileCapacity = capacity;
    }
    memset(&profile[i], 0, sizeof profile[i]);
    profile[i].function = function;
    snprintf(profile[i].name, sizeof profile[i].name, "%s", name);
    profile[i].threads = threads;
    ++profileCount;
  }
  profile[i].ms += ms;
  profile[i].launches += 1;
  pthread_mutex_unlock(&profileMutex);
}

static int byTime(const void *a, const void *b) {
  double x = ((const ProfileEntry *)a)->ms, y = ((const ProfileEntry *)b)->ms;
  return x < y ? 1 : x > y ? -1 : 0;
}

__attribute__((destructor)) static void printProfile(void) {
  if (!profileCount)
    return;
  double total = 0;
  long launches = 0;
  for (int i = 0; i < profileCount; ++i) {
    total += profile[i].ms;
    launches += profile[i].launches;
  }
  /* Remember each kernel's launch order before sorting by time. */
  for (int i = 0; i < profileCount; ++i)
    profile[i].function = (const void *)(intptr_t)i;
  qsort(profile, (size_t)profileCount, sizeof(ProfileEntry), byTime);
  fprintf(stderr,
          "[qrt] CUDA kernels: %d kernels, %ld launches, %.3f ms of GPU time "
          "(%s)\n[qrt]   kernel  launches  total ms  mean us  share  threads\n",
          profileCount, launches, total, deviceName);
  for (int i = 0; i < profileCount && i < 15; ++i)
    fprintf(stderr, "[qrt]   #%-5d %9ld %9.3f %8.1f %5.1f%% %8ld\n",
            (int)(intptr_t)profile[i].function, profile[i].launches,
            profile[i].ms, 1e3 * profile[i].ms / (double)profile[i].launches,
            total > 0 ? 100.0 * profile[i].ms / total : 0.0,
            (long)profile[i].threads);
  free(profile);
  profile = NULL;
  profileCount = profileCapacity = 0;
}

HIDDEN void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                             intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                             intptr_t blockZ, int32_t smem, void *stream,
                             void **params, void **extra, size_t paramsCount) {
  (void)paramsCount;
  Function *f = (Function *)function;
  if (ready() != QC_CUDA_OK || !f)
    return; /* The lookup recorded why there is no function. */
  char what[160];
  snprintf(what, sizeof what, "cuLaunchKernel(%s)", f->name);
  CUevent start = NULL, stop = NULL;
  bool timed = profiling() && cu.cuEventCreate(&start, 0) == CUDA_SUCCESS &&
               cu.cuEventCreate(&stop, 0) == CUDA_SUCCESS &&
               cu.cuEventRecord(start, (CUstream)stream) == CUDA_SUCCESS;
  if (!check(cu.cuLaunchKernel(f->function, (unsigned)gridX, (unsigned)gridY,
                               (unsigned)gridZ, (unsigned)blockX,
                               (unsigned)blockY, (unsigned)blockZ,
                               (unsigned)smem, (CUstream)stream, params, extra),
             what) &&
      timed && cu.cuEventRecord(stop, (CUstream)stream) == CUDA_SUCCESS &&
      cu.cuEventSynchronize(stop) == CUDA_SUCCESS) {
    float ms = 0;
    if (cu.cuEventElapsedTime_v2(&ms, start, stop) == CUDA_SUCCESS)
      recordProfile(f, f->name, ms,
                    gridX * gridY * gridZ * blockX * blockY * blockZ);
  }
  if (start)
    cu.cuEventDestroy_v2(start);
  if (stop)
    cu.cuEventDestroy_v2(stop);
}

/*===--- Streams and events -----------------------------------------------===*/

HIDDEN void *mgpuStreamCreate(void) {
  CUstream stream = NULL;
  if (ready() != QC_CUDA_OK)
    return NULL;
  /* A blocking stream: it orders with the synchronous copies. */
  if (check(cu.cuStreamCreate(&stream, CU_STREAM_DEFAULT), "cuStreamCreate"))
    return NULL;
  return stream;
}

HIDDEN void mgpuStreamDestroy(void *stream) {
  if (stream && readyToRelease())
    check(cu.cuStreamDestroy_v2((CUstream)stream), "cuStreamDestroy");
}

HIDDEN void mgpuStreamSynchronize(void *stream) {
  if (ready() == QC_CUDA_OK)
    check(cu.cuStreamSynchronize((CUstream)stream), "cuStreamSynchronize");
}

HIDDEN void mgpuStreamWaitEvent(void *stream, void *event) {
  if (ready() == QC_CUDA_OK && event)
    check(cu.cuStreamWaitEvent((CUstream)stream, (CUevent)event, 0),
          "cuStreamWaitEvent");
}

HIDDEN void *mgpuEventCreate(void) {
  CUevent event = NULL;
  if (ready() != QC_CUDA_OK)
    return NULL;
  if (check(cu.cuEventCreate(&event, CU_EVENT_DISABLE_TIMING), "cuEventCreate"))
    return NULL;
  return event;
}

HIDDEN void mgpuEventDestroy(void *event) {
  if (event && readyToRelease())
    check(cu.cuEventDestroy_v2((CUevent)event), "cuEventDestroy");
}

HIDDEN void mgpuEventSynchronize(void *event) {
  if (ready() == QC_CUDA_OK && event)
    check(cu.cuEventSynchronize((CUevent)event), "cuEventSynchronize");
}

HIDDEN void mgpuEventRecord(void *event, void *stream) {
  if (ready() == QC_CUDA_OK && event)
    check(cu.cuEventRecord((CUevent)event, (CUstream)stream), "cuEventRecord");
}

/*===--- Memory -----------------------------------------------------------===*/

HIDDEN void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared) {
  (void)stream;
  CUdeviceptr p = 0;
  if (ready() != QC_CUDA_OK || sizeBytes == 0)
    return NULL;
  if (isHostShared) {
    if (!cu.cuMemAllocManaged) {
      setError(QC_CUDA_FAILED,
               "cuMemAllocManaged: not provided by this CUDA driver");
      return NULL;
    }
    if (check(cu.cuMemAllocManaged(&p, (size_t)sizeBytes, CU_MEM_ATTACH_GLOBAL),
              "cuMemAllocManaged"))
      return NULL;
  } else if (check(cu.cuMemAlloc_v2(&p, (size_t)sizeBytes), "cuMemAlloc")) {
    return NULL;
  }
  return (void *)(uintptr_t)p;
}

HIDDEN void mgpuMemFree(void *ptr, void *stream) {
  (void)stream;
  if (ptr && readyToRelease())
    check(cu.cuMemFree_v2(dptr(ptr)), "cuMemFree");
}

HIDDEN void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  if (ready() == QC_CUDA_OK && sizeBytes > 0)
    check(cu.cuMemcpyAsync(dptr(dst), dptr(src), sizeBytes, (CUstream)stream),
          "cuMemcpyAsync");
}

HIDDEN void mgpuMemset32(void *dst, unsigned int value, size_t count,
                         void *stream) {
  if (ready() == QC_CUDA_OK && count > 0)
    check(cu.cuMemsetD32Async(dptr(dst), value, count, (CUstream)stream),
          "cuMemsetD32Async");
}

HIDDEN void mgpuMemset16(void *dst, unsigned short value, size_t count,
                         void *stream) {
  if (ready() == QC_CUDA_OK && count > 0)
    check(cu.cuMemsetD16Async(dptr(dst), value, count, (CUstream)stream),
          "cuMemsetD16Async");
}

HIDDEN void mgpuSetDefaultDevice(int32_t device) {
  /* Takes effect when the driver is initialised; later, a different device
   * is an error (the model would run on the wrong one). */
  if (!__atomic_load_n(&initialised, __ATOMIC_ACQUIRE))
    __atomic_store_n(&defaultDevice, device, __ATOMIC_RELAXED);
  else if (device != initDevice)
    setError(QC_CUDA_NO_DEVICE,
             "mgpuSetDefaultDevice(%d): the model already uses CUDA device %d",
             (int)device, initDevice);
}

/*===--- The helpers of cuda_support.h ------------------------------------===*/

void qc_cuda_clear_error(void) {
  errorCode = QC_CUDA_OK;
  errorMessage[0] = '\0';
}

int32_t qc_cuda_error(void) { return errorCode; }

const char *qc_cuda_error_message(int32_t code) {
  return code != QC_CUDA_OK && code == errorCode ? errorMessage : "";
}

int32_t qc_cuda_alloc(void **device, uint64_t bytes) {
  CUdeviceptr p = 0;
  *device = NULL;
  int32_t code = ready();
  if (code != QC_CUDA_OK || bytes == 0)
    return code;
  if ((code = check(cu.cuMemAlloc_v2(&p, (size_t)bytes), "cuMemAlloc")))
    return code;
  if ((code = check(cu.cuMemsetD8_v2(p, 0, (size_t)bytes), "cuMemsetD8"))) {
    cu.cuMemFree_v2(p);
    return code;
  }
  *device = (void *)(uintptr_t)p;
  return QC_CUDA_OK;
}

void qc_cuda_free(void *device) { mgpuMemFree(device, NULL); }

int32_t qc_cuda_to_device(void *device_dst, const void *host_src,
                          uint64_t bytes) {
  int32_t code = ready();
  if (code != QC_CUDA_OK || bytes == 0)
    return code;
  return check(cu.cuMemcpy(dptr(device_dst), dptr(host_src), (size_t)bytes),
               "cuMemcpy (to the device)");
}

int32_t qc_cuda_to_host(void *host_dst, const void *device_src,
                        uint64_t bytes) {
  int32_t code = ready();
  if (code != QC_CUDA_OK || bytes == 0)
    return code;
  return check(cu.cuMemcpy(dptr(host_dst), dptr(device_src), (size_t)bytes),
               "cuMemcpy (to the host)");
}

int32_t qc_cuda_synchronize(void) {
  int32_t code = ready();
  if (code != QC_CUDA_OK)
    return code;
  return check(cu.cuCtxSynchronize(), "cuCtxSynchronize");
}

const char *qc_cuda_device_name(void) {
  return __atomic_load_n(&initialised, __ATOMIC_ACQUIRE) ? deviceName : "";
}

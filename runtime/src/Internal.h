//===- Internal.h - libqrt internals shared by its sources ------*- C++ -*-===//
//
// Not installed; the runtime's tests include it to test the pieces alone.
//
//===----------------------------------------------------------------------===//

#ifndef QRT_SRC_INTERNAL_H
#define QRT_SRC_INTERNAL_H

#include "ThreadPool.h"
#include "qrt/qrt.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace qrt {
class Profiler;
} // namespace qrt

struct qrt_model {
  std::string path;
  void *handle = nullptr; // dlopen handle
  const qrt_model_desc *desc = nullptr;
  std::unique_ptr<qrt::ThreadPool> pool;
  std::unique_ptr<qrt::Profiler> profiler; // QRT_PROFILE=1 only
  uint8_t *arena = nullptr;   // aligned, zeroed at open; NULL when empty
  uint8_t *scratch = nullptr; // num_threads slices of ctx.scratch_size
  qrt_exec_ctx ctx = {};
  // Pointer arrays handed to run, sized once at open.
  std::vector<const void *> inputPtrs;
  std::vector<void *> outputPtrs;
  std::atomic<bool> running{false};
  std::string lastError;
  // The appended description fields, NULL when desc_size does not cover
  // them; `prepared` once prepare succeeded (release is then due).
  int32_t (*prepare)(uint8_t *arena) = nullptr;
  void (*release)(uint8_t *arena) = nullptr;
  const char *(*errorMessage)(int32_t code) = nullptr;
  bool prepared = false;
};

namespace qrt {

/// Largest number of inputs or outputs a description may declare; a larger
/// count is a corrupt description.
constexpr int32_t kMaxTensors = 1 << 16;
/// Largest number of threads qrt_options may ask for.
constexpr int32_t kMaxThreads = 1024;

/// "[1, 3, 224, 224]".
std::string formatShape(const int64_t *shape, int32_t rank);
/// "f32 [1, 3, 224, 224]"; the dtype is printed as a number when unknown.
std::string formatTensorType(int32_t dtype, const int64_t *shape, int32_t rank);

/// Checks that `path` is a regular file holding a complete ELF shared
/// library for this host before dlopen maps it (a truncated file would
/// otherwise fault when a mapped page past its end is touched). On failure
/// returns the status and sets `problem` (without the path).
qrt_status checkSharedLibraryFile(const std::string &path,
                                  std::string &problem);

/// The memory a loaded library occupies: its loadable segments. Every
/// pointer in a model's description must point into it (the description
/// has static storage), and `run` and the entry point into its code, so a
/// corrupt pointer is an error rather than a crash.
class LibraryImage {
public:
  /// Finds the segments of the library dlopen returned `handle` for; false
  /// when they cannot be found.
  bool load(void *handle);
  /// Whether [p, p + size) lies in one segment (an executable one when
  /// `code`).
  bool contains(const void *p, uint64_t size, bool code = false) const;
  /// Whether `s` starts in a segment and its NUL terminator lies in it too.
  bool containsString(const char *s) const;

  struct Segment {
    uintptr_t begin, end;
    bool code;
  };
  std::vector<Segment> segments;
};

/// Whether `desc` (of `desc_size` bytes) covers the field at `offset` of
/// `size` bytes, i.e. was compiled with it.
inline bool descCovers(const qrt_model_desc *desc, size_t offset, size_t size) {
  return desc->desc_size >= offset + size;
}
#define QRT_DESC_HAS(desc, field)                                              \
  ::qrt::descCovers(desc, offsetof(qrt_model_desc, field),                     \
                    sizeof(((qrt_model_desc *)nullptr)->field))

/// Validates everything in a description the runtime relies on, reading
/// nothing a failed earlier check makes unsafe to read. With an `image`,
/// every pointer must point into it.
qrt_status validateDescription(const qrt_model_desc *desc,
                               const LibraryImage *image, std::string &problem);

/// Returns the first CPU feature named in `target` (see qrt_model_desc) that
/// `hasFeature` says the host lacks, or "" when there is none. `hasFeature`
/// returns 1 (present), 0 (absent) or -1 (not a feature this runtime knows).
std::string missingCpuFeature(const char *target,
                              int (*hasFeature)(const std::string &feature));
/// The host's answer for hasFeature.
int hostHasCpuFeature(const std::string &feature);
/// Whether `target` names a CUDA model ("cuda..." or "nvptx...").
bool isCudaTarget(const char *target);
/// Checks that this runtime can run a model for `target` on this host. A
/// CUDA target needs the model's `prepare` (`hasPrepare`), which acquires
/// the device; the device itself is checked by prepare when the model is
/// opened.
qrt_status checkTarget(const char *target, std::string &problem,
                       bool hasPrepare = false);

} // namespace qrt

#endif // QRT_SRC_INTERNAL_H

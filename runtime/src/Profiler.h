//===- Profiler.h - per-task timing of a model's parallel regions -*- C++ -*-===//
//
// With QRT_PROFILE=1 in the environment, qrt_model_open routes the model's
// parallel_for calls through a Profiler, which times each region by its
// task function (the compiler names trampolines after the op they run), and
// prints a table to stderr when the model is closed: calls, total time and
// share of the run time per task, plus the time spent outside parallel
// regions (serial code in the model's entry function).
//
//===----------------------------------------------------------------------===//

#ifndef QRT_SRC_PROFILER_H
#define QRT_SRC_PROFILER_H

#include "ThreadPool.h"

#include <cstdint>
#include <map>

namespace qrt {

class Profiler {
public:
  explicit Profiler(ThreadPool *pool) : pool(pool) {}

  /// A qrt_exec_ctx::parallel_for entry point; `self` is a Profiler.
  static void parallelForEntry(void *self, int64_t n, int64_t grain,
                               qrt_task_fn fn, void *args);

  /// Brackets one qrt_model_run.
  void beginRun();
  void endRun();

  /// Prints the table to stderr.
  void report(const char *modelPath) const;

private:
  struct Entry {
    int64_t calls = 0;
    double seconds = 0;
  };
  ThreadPool *pool;
  std::map<qrt_task_fn, Entry> tasks;
  int64_t runs = 0;
  double runSeconds = 0;
  double runStart = 0;
};

} // namespace qrt

#endif // QRT_SRC_PROFILER_H

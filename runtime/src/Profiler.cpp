//===- Profiler.cpp - per-task timing of a model's parallel regions -------===//

#include "Profiler.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <dlfcn.h>
#include <string>
#include <vector>

using namespace qrt;
/// CPU time of the calling thread: robust on a loaded machine (profile with
/// one thread for exact per-task numbers).
static double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void Profiler::parallelForEntry(void *self, int64_t n, int64_t grain,
                                qrt_task_fn fn, void *args) {
  auto *p = static_cast<Profiler *>(self);
  double start = threadSeconds();
  p->pool->parallelFor(n, grain, fn, args);
  Entry &e = p->tasks[fn];
  ++e.calls;
  e.seconds += threadSeconds() - start;
}

void Profiler::beginRun() { runStart = threadSeconds(); }

void Profiler::endRun() {
  ++runs;
  runSeconds += threadSeconds() - runStart;
}

void Profiler::report(const char *modelPath) const {
  if (runs == 0)
    return;
  std::vector<std::pair<double, std::string>> rows;
  double parallel = 0;
  for (const auto &[fn, e] : tasks) {
    Dl_info info;
    std::string name = "?";
    if (dladdr(reinterpret_cast<void *>(fn), &info) && info.dli_sname)
      name = info.dli_sname;
    rows.push_back({e.seconds, name});
    parallel += e.seconds;
  }
  std::sort(rows.rbegin(), rows.rend());
  double perRun = runSeconds / runs * 1e3;
  std::fprintf(stderr,
               "qrt profile of %s: %lld runs, %.3f ms of the calling "
               "thread's CPU time per run\n",
               modelPath, (long long)runs, perRun);
  std::fprintf(stderr, "  %8s %6s  %s\n", "ms/run", "share", "task");
  auto row = [&](double seconds, const std::string &name) {
    double ms = seconds / runs * 1e3;
    std::fprintf(stderr, "  %8.3f %5.1f%%  %s\n", ms,
                 perRun > 0 ? 100 * ms / perRun : 0.0, name.c_str());
  };
  row(runSeconds - parallel, "(serial code)");
  for (const auto &[seconds, name] : rows)
    row(seconds, name);
}

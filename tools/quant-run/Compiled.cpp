//===- Compiled.cpp - quant-run's mode for compiled models (.so) ----------===//
//
// Loads a model compiled by quantc through the runtime's C API (libqrt),
// feeds it .npy inputs, writes .npy outputs, and optionally benchmarks it.
//
//===----------------------------------------------------------------------===//

#include "QuantRun.h"

#include "qc/QCShapeUtils.h"
#include "quantc/Analysis/TensorIO.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"

#include "qrt/qrt.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstring>
#include <vector>

using namespace mlir;
using namespace mlir::qc;

static LogicalResult error(const Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "quant-run") << msg << "\n";
  return failure();
}

static std::string sanitize(StringRef raw) {
  std::string s = raw.str();
  for (char &c : s)
    if (!llvm::isAlnum(c) && c != '.' && c != '_' && c != '-')
      c = '_';
  return s;
}

static Type elementTypeOf(MLIRContext *ctx, int32_t dtype) {
  switch (dtype) {
  case QRT_DTYPE_F32:
    return Float32Type::get(ctx);
  case QRT_DTYPE_I64:
    return IntegerType::get(ctx, 64);
  case QRT_DTYPE_I32:
    return IntegerType::get(ctx, 32);
  case QRT_DTYPE_I8:
    return IntegerType::get(ctx, 8);
  case QRT_DTYPE_U8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case QRT_DTYPE_BOOL:
    return IntegerType::get(ctx, 1);
  }
  return Type();
}

/// Copies a tensor into the raw layout of `dtype`.
static void pack(const Tensor &t, int32_t dtype, std::vector<uint8_t> &out) {
  size_t n = t.getNumElements();
  out.resize(n * qrt_dtype_size(dtype));
  for (size_t i = 0; i < n; ++i) {
    switch (dtype) {
    case QRT_DTYPE_F32:
      reinterpret_cast<float *>(out.data())[i] = t.getFloats()[i];
      break;
    case QRT_DTYPE_I64:
      reinterpret_cast<int64_t *>(out.data())[i] = t.getInts()[i];
      break;
    case QRT_DTYPE_I32:
      reinterpret_cast<int32_t *>(out.data())[i] = (int32_t)t.getInts()[i];
      break;
    default:
      out[i] = (uint8_t)t.getInts()[i];
      break;
    }
  }
}

static Tensor unpack(MLIRContext *ctx, const qrt_tensor_desc &d,
                     const std::vector<uint8_t> &raw) {
  ArrayRef<int64_t> shape(d.shape, d.rank);
  size_t n = raw.size() / qrt_dtype_size(d.dtype);
  if (d.dtype == QRT_DTYPE_F32) {
    std::vector<float> v(n);
    std::memcpy(v.data(), raw.data(), n * sizeof(float));
    return Tensor::getFloat(ctx, shape, std::move(v));
  }
  std::vector<int64_t> v(n);
  for (size_t i = 0; i < n; ++i) {
    switch (d.dtype) {
    case QRT_DTYPE_I64:
      v[i] = reinterpret_cast<const int64_t *>(raw.data())[i];
      break;
    case QRT_DTYPE_I32:
      v[i] = reinterpret_cast<const int32_t *>(raw.data())[i];
      break;
    case QRT_DTYPE_I8:
      v[i] = (int8_t)raw[i];
      break;
    default:
      v[i] = raw[i];
      break;
    }
  }
  return Tensor::getInt(elementTypeOf(ctx, d.dtype), shape, std::move(v));
}

LogicalResult mlir::qc::run::runCompiled(StringRef path,
                                         const RunOptions &options,
                                         MLIRContext &ctx) {
  qrt_options opts = {};
  opts.num_threads = (int32_t)options.numThreads;
  qrt_model *model = nullptr;
  char err[1024] = {0};
  std::string pathStr = path.str();
  if (qrt_model_open(pathStr.c_str(), &opts, &model, err, sizeof err) != QRT_OK)
    return error(err);
  auto close = llvm::make_scope_exit([&] { qrt_model_close(model); });

  int32_t nIn = qrt_model_num_inputs(model),
          nOut = qrt_model_num_outputs(model);
  std::vector<std::vector<uint8_t>> inBufs(nIn), outBufs(nOut);
  std::vector<qrt_tensor> ins(nIn), outs(nOut);
  for (int32_t i = 0; i < nIn; ++i) {
    const qrt_tensor_desc *d = qrt_model_input(model, i);
    SmallString<128> file(options.inputsDir);
    llvm::sys::path::append(file, sanitize(d->name) + ".npy");
    auto t = readNpy(file, &ctx);
    if (!t)
      return error(llvm::toString(t.takeError()));
    ArrayRef<int64_t> want(d->shape, d->rank);
    Type wantType = elementTypeOf(&ctx, d->dtype);
    if (t->getShape() != want || t->getElementType() != wantType) {
      std::string found, expected;
      llvm::raw_string_ostream fos(found), eos(expected);
      fos << t->getElementType();
      eos << wantType;
      return error(file + ": expected shape " + formatShape(want) +
                   " and element type " + expected + " for input #" + Twine(i) +
                   " ('" + d->name + "'), found shape " +
                   formatShape(t->getShape()) + " and element type " + found);
    }
    pack(*t, d->dtype, inBufs[i]);
    ins[i].data = inBufs[i].data();
    ins[i].dtype = d->dtype;
    ins[i].rank = d->rank;
    std::copy(d->shape, d->shape + d->rank, ins[i].shape);
  }
  for (int32_t i = 0; i < nOut; ++i) {
    const qrt_tensor_desc *d = qrt_model_output(model, i);
    outBufs[i].assign(qrt_tensor_desc_bytes(d), 0);
    outs[i].data = outBufs[i].data();
    outs[i].dtype = d->dtype;
    outs[i].rank = d->rank;
    std::copy(d->shape, d->shape + d->rank, outs[i].shape);
  }

  auto runOnce = [&]() -> LogicalResult {
    if (qrt_model_run(model, ins.data(), outs.data()) != QRT_OK)
      return error(path + ": " + qrt_last_error(model));
    return success();
  };
  if (failed(runOnce()))
    return failure();

  if (options.benchIterations > 0) {
    for (int w = 0; w < 2; ++w)
      if (failed(runOnce()))
        return failure();
    std::vector<double> ms;
    std::clock_t cpuStart = std::clock();
    for (unsigned it = 0; it < options.benchIterations; ++it) {
      auto start = std::chrono::steady_clock::now();
      if (failed(runOnce()))
        return failure();
      ms.push_back(std::chrono::duration<double, std::milli>(
                       std::chrono::steady_clock::now() - start)
                       .count());
    }
    std::sort(ms.begin(), ms.end());
    auto at = [&](double q) {
      return ms[std::min(ms.size() - 1, (size_t)(q * (ms.size() - 1) + 0.5))];
    };
    double cpuMs = 1e3 * double(std::clock() - cpuStart) / CLOCKS_PER_SEC /
                   options.benchIterations;
    llvm::outs() << "median " << llvm::format("%.3f", at(0.5)) << " ms\n"
                 << "p90 " << llvm::format("%.3f", at(0.9)) << " ms\n"
                 << "cpu " << llvm::format("%.3f", cpuMs)
                 << " ms per run (all threads)\n";
  }

  if (!options.outputsDir.empty()) {
    if (std::error_code ec =
            llvm::sys::fs::create_directories(options.outputsDir))
      return error(options.outputsDir +
                   ": cannot create the directory: " + ec.message());
    for (int32_t i = 0; i < nOut; ++i) {
      const qrt_tensor_desc *d = qrt_model_output(model, i);
      SmallString<128> file(options.outputsDir);
      llvm::sys::path::append(file, sanitize(d->name) + ".npy");
      if (llvm::Error e = writeNpy(unpack(&ctx, *d, outBufs[i]), file))
        return error(llvm::toString(std::move(e)));
    }
  }
  return success();
}

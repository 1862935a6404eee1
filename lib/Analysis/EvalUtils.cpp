//===- EvalUtils.cpp - shapes, integers and threads for the evaluator -----===//

#include "EvalUtils.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include <atomic>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

int64_t mlir::qc::detail::product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

SmallVector<int64_t>
mlir::qc::detail::rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

SmallVector<int64_t> mlir::qc::detail::broadcastStrides(ArrayRef<int64_t> in,
                                                        ArrayRef<int64_t> out) {
  SmallVector<int64_t> inStrides = rowMajorStrides(in);
  SmallVector<int64_t> strides(out.size(), 0);
  size_t offset = out.size() - in.size();
  for (size_t i = 0; i < in.size(); ++i)
    strides[offset + i] = in[i] == 1 ? 0 : inStrides[i];
  return strides;
}

unsigned mlir::qc::detail::getIntegerWidth(Type elementType) {
  if (auto i = dyn_cast<IntegerType>(elementType))
    return i.getWidth();
  if (auto q = dyn_cast<quant::QuantizedType>(elementType))
    return q.getStorageTypeIntegralWidth();
  return 0;
}

bool mlir::qc::detail::isUnsignedInteger(Type elementType) {
  if (auto i = dyn_cast<IntegerType>(elementType))
    return i.isUnsigned();
  if (auto q = dyn_cast<quant::QuantizedType>(elementType))
    return !q.isSigned();
  return false;
}

std::pair<int64_t, int64_t>
mlir::qc::detail::getIntegerRange(Type elementType) {
  unsigned width = getIntegerWidth(elementType);
  if (width == 1)
    return {0, 1};
  if (isUnsignedInteger(elementType))
    return {0, width >= 64 ? std::numeric_limits<int64_t>::max()
                           : static_cast<int64_t>((uint64_t(1) << width) - 1)};
  if (width >= 64)
    return {std::numeric_limits<int64_t>::min(),
            std::numeric_limits<int64_t>::max()};
  return {-(int64_t(1) << (width - 1)), (int64_t(1) << (width - 1)) - 1};
}

float mlir::qc::detail::roundHalfToEven(float x) { return std::nearbyint(x); }

void mlir::qc::detail::parallelForTasks(
    unsigned numThreads, int64_t numTasks,
    const std::function<void(int64_t)> &fn) {
  int64_t threads = std::min<int64_t>(std::max(1u, numThreads), numTasks);
  if (threads <= 1) {
    for (int64_t t = 0; t < numTasks; ++t)
      fn(t);
    return;
  }
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    for (int64_t t = next++; t < numTasks; t = next++)
      fn(t);
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (int64_t i = 1; i < threads; ++i)
    pool.emplace_back(worker);
  worker();
  for (std::thread &t : pool)
    t.join();
}

void mlir::qc::detail::parallelForRange(
    unsigned numThreads, int64_t n, int64_t grain,
    const std::function<void(int64_t, int64_t)> &fn) {
  if (n <= 0)
    return;
  grain = std::max<int64_t>(grain, 1);
  int64_t maxChunks = (n + grain - 1) / grain;
  int64_t chunks = std::min<int64_t>(std::max(1u, numThreads), maxChunks);
  if (chunks <= 1) {
    fn(0, n);
    return;
  }
  int64_t size = (n + chunks - 1) / chunks;
  parallelForTasks(numThreads, chunks, [&](int64_t c) {
    int64_t begin = c * size, end = std::min(n, begin + size);
    if (begin < end)
      fn(begin, end);
  });
}

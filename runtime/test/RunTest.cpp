//===- RunTest.cpp - running models and checking the caller's tensors -----===//

#include "Internal.h"
#include "TestUtils.h"

#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include <sys/wait.h>

using namespace qrt::test;

namespace {

constexpr int64_t kRows = 37, kCols = 1001;

qrt_tensor tensor(void *data, int32_t dtype, std::vector<int64_t> shape) {
  qrt_tensor t;
  std::memset(&t, 0, sizeof t);
  t.data = data;
  t.dtype = dtype;
  t.rank = int32_t(shape.size());
  for (size_t i = 0; i < shape.size() && i < QRT_MAX_RANK; ++i)
    t.shape[i] = shape[i];
  return t;
}

/// Buffers and tensors for the add fixture.
struct AddIO {
  std::vector<float> a, b, sum;
  qrt_tensor inputs[2], outputs[1];

  explicit AddIO(int seed = 0)
      : a(kRows * kCols), b(kRows * kCols), sum(kRows * kCols, -1.0f) {
    for (size_t i = 0; i < a.size(); ++i) {
      a[i] = float(int(i % 1000) - 500 + seed) * 0.25f;
      b[i] = float(int(i % 77) + seed) * 0.5f;
    }
    inputs[0] = tensor(a.data(), QRT_DTYPE_F32, {kRows, kCols});
    inputs[1] = tensor(b.data(), QRT_DTYPE_F32, {kRows, kCols});
    outputs[0] = tensor(sum.data(), QRT_DTYPE_F32, {kRows, kCols});
  }
  /// Index of the first wrong element, or -1.
  int64_t firstWrong() const {
    for (size_t i = 0; i < sum.size(); ++i)
      if (sum[i] != a[i] + b[i])
        return int64_t(i);
    return -1;
  }
};

TEST(Run, AddModelOnManyThreadCounts) {
  for (int32_t threads : {1, 2, 3, 4, 7, 16}) {
    Opened m(fixture("add"), threads);
    ASSERT_EQ(m.status, QRT_OK) << m.message;
    for (int iter = 0; iter < 20; ++iter) {
      AddIO io(iter);
      // The fixture returns a code >= 2 when a runtime promise is broken
      // (arena alignment, scratch, thread index, chunk bounds, zeroed arena).
      ASSERT_EQ(qrt_model_run(m.model, io.inputs, io.outputs), QRT_OK)
          << qrt_last_error(m.model);
      ASSERT_EQ(io.firstWrong(), -1) << threads << " threads, run " << iter;
    }
  }
}

TEST(Run, MixedDtypesAndScalars) {
  Opened m(fixture("mixed"), 2);
  ASSERT_EQ(m.status, QRT_OK) << m.message;
  EXPECT_EQ(qrt_model_input(m.model, 1)->rank, 0);
  EXPECT_EQ(qrt_tensor_desc_bytes(qrt_model_input(m.model, 1)), 4u);
  EXPECT_EQ(qrt_tensor_desc_bytes(qrt_model_input(m.model, 2)), 8u);
  int64_t tokens[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  float scale = 0.5f;
  uint8_t mask[8] = {1, 0, 1, 1, 0, 0, 1, 1};
  float scaled[8];
  int32_t count = -1;
  qrt_tensor inputs[3] = {tensor(tokens, QRT_DTYPE_I64, {2, 4}),
                          tensor(&scale, QRT_DTYPE_F32, {}),
                          tensor(mask, QRT_DTYPE_BOOL, {2, 4})};
  qrt_tensor outputs[2] = {tensor(scaled, QRT_DTYPE_F32, {2, 4}),
                           tensor(&count, QRT_DTYPE_I32, {})};
  ASSERT_EQ(qrt_model_run(m.model, inputs, outputs), QRT_OK)
      << qrt_last_error(m.model);
  EXPECT_EQ(count, 5);
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(scaled[i], mask[i] ? float(tokens[i]) * 0.5f : 0.0f) << i;
}

struct Mismatch {
  const char *what;
  qrt_tensor tensor; // replaces input 1 (or output 0 when `output`)
  bool output;
  qrt_status status;
  const char *message;
};

TEST(Run, CallerTensorsAreChecked) {
  Opened m(fixture("add"), 2);
  ASSERT_EQ(m.status, QRT_OK) << m.message;
  AddIO io;
  void *b = io.b.data(), *sum = io.sum.data();
  const Mismatch cases[] = {
      {"dim", tensor(b, QRT_DTYPE_F32, {kRows, 1000}), false,
       QRT_ERROR_SHAPE_MISMATCH,
       "model 'add': input 1 'b': expected f32 [37, 1001], found f32 [37, "
       "1000] (dimension 1 is 1000, expected 1001)"},
      {"dim0", tensor(b, QRT_DTYPE_F32, {1, kCols}), false,
       QRT_ERROR_SHAPE_MISMATCH,
       "model 'add': input 1 'b': expected f32 [37, 1001], found f32 [1, "
       "1001] (dimension 0 is 1, expected 37)"},
      {"rank", tensor(b, QRT_DTYPE_F32, {kRows, kCols, 1}), false,
       QRT_ERROR_SHAPE_MISMATCH,
       "model 'add': input 1 'b': expected f32 [37, 1001], found f32 [37, "
       "1001, 1] (rank 3, expected 2)"},
      {"scalar", tensor(b, QRT_DTYPE_F32, {}), false, QRT_ERROR_SHAPE_MISMATCH,
       "model 'add': input 1 'b': expected f32 [37, 1001], found f32 [] "
       "(rank 0, expected 2)"},
      {"rank8", tensor(b, QRT_DTYPE_F32, {1, 1, 1, 1, 1, 1, 1, 1}), false,
       QRT_ERROR_SHAPE_MISMATCH, nullptr},
      {"dtype", tensor(b, QRT_DTYPE_I32, {kRows, kCols}), false,
       QRT_ERROR_SHAPE_MISMATCH,
       "model 'add': input 1 'b': expected f32 [37, 1001], found i32 [37, "
       "1001] (dtype i32, expected f32)"},
      {"bad dtype", tensor(b, 77, {kRows, kCols}), false,
       QRT_ERROR_SHAPE_MISMATCH,
       "model 'add': input 1 'b': expected f32 [37, 1001], found <dtype 77> "
       "[37, 1001] (dtype unknown, expected f32)"},
      {"null data", tensor(nullptr, QRT_DTYPE_F32, {kRows, kCols}), false,
       QRT_ERROR_INVALID_ARGUMENT, "model 'add': input 1 'b': data is NULL"},
      {"output", tensor(sum, QRT_DTYPE_F32, {kCols, kRows}), true,
       QRT_ERROR_SHAPE_MISMATCH,
       "model 'add': output 0 'sum': expected f32 [37, 1001], found f32 "
       "[1001, 37] (dimension 0 is 1001, expected 37)"},
  };
  for (const Mismatch &c : cases) {
    AddIO bad;
    if (c.output)
      bad.outputs[0] = c.tensor;
    else
      bad.inputs[1] = c.tensor;
    EXPECT_EQ(qrt_model_run(m.model, bad.inputs, bad.outputs), c.status)
        << c.what;
    if (c.message) {
      EXPECT_STREQ(qrt_last_error(m.model), c.message) << c.what;
    }
    // Nothing ran: the output is untouched.
    EXPECT_EQ(bad.sum[0], -1.0f) << c.what;
  }

  // A caller rank outside 0..8 is reported without reading past the shape.
  AddIO bad;
  bad.inputs[1].rank = 9;
  EXPECT_EQ(qrt_model_run(m.model, bad.inputs, bad.outputs),
            QRT_ERROR_SHAPE_MISMATCH);
  EXPECT_STREQ(qrt_last_error(m.model),
               "model 'add': input 1 'b': expected f32 [37, 1001], found f32 "
               "<rank 9> (rank 9, expected 2)");
  bad.inputs[1].rank = -1;
  EXPECT_EQ(qrt_model_run(m.model, bad.inputs, bad.outputs),
            QRT_ERROR_SHAPE_MISMATCH);

  EXPECT_EQ(qrt_model_run(m.model, nullptr, io.outputs),
            QRT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(qrt_last_error(m.model),
               "model 'add': inputs is NULL, expected 2 tensors");
  EXPECT_EQ(qrt_model_run(m.model, io.inputs, nullptr),
            QRT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(qrt_last_error(m.model),
               "model 'add': outputs is NULL, expected 1 tensors");
  EXPECT_EQ(qrt_model_run(nullptr, io.inputs, io.outputs),
            QRT_ERROR_INVALID_ARGUMENT);

  // The last error stays until another call fails; a good run still works.
  EXPECT_EQ(qrt_model_run(m.model, io.inputs, io.outputs), QRT_OK);
  EXPECT_EQ(io.firstWrong(), -1);
  EXPECT_STREQ(qrt_last_error(m.model),
               "model 'add': outputs is NULL, expected 1 tensors");
}

TEST(Run, ModelFailure) {
  Opened m(fixture("fails"), 2);
  ASSERT_EQ(m.status, QRT_OK) << m.message;
  float x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {2, 2, 2, 2, 2, 2}, z[6];
  qrt_tensor inputs[2] = {tensor(x, QRT_DTYPE_F32, {2, 3}),
                          tensor(y, QRT_DTYPE_F32, {2, 3})};
  qrt_tensor outputs[1] = {tensor(z, QRT_DTYPE_F32, {2, 3})};
  EXPECT_EQ(qrt_model_run(m.model, inputs, outputs), QRT_ERROR_EXECUTION);
  EXPECT_STREQ(qrt_last_error(m.model),
               "model 'variant': run failed with code 42");
}

TEST(Run, BusyModelIsRefused) {
  Opened m(fixture("add"), 2);
  ASSERT_EQ(m.status, QRT_OK) << m.message;
  AddIO io;
  m.model->running = true; // as if another thread were inside qrt_model_run
  EXPECT_EQ(qrt_model_run(m.model, io.inputs, io.outputs), QRT_ERROR_BUSY);
  EXPECT_STREQ(qrt_last_error(m.model), "");
  m.model->running = false;
  EXPECT_EQ(qrt_model_run(m.model, io.inputs, io.outputs), QRT_OK);
}

// Several models run at once on their own threads, each with its own pool.
TEST(Run, ModelsRunConcurrently) {
  constexpr int kModels = 3;
  std::vector<std::unique_ptr<Opened>> models;
  for (int i = 0; i < kModels; ++i) {
    models.push_back(std::make_unique<Opened>(fixture("add"), 2));
    ASSERT_EQ(models.back()->status, QRT_OK) << models.back()->message;
  }
  std::vector<int> failures(kModels, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kModels; ++i)
    threads.emplace_back([&, i] {
      for (int iter = 0; iter < 20; ++iter) {
        AddIO io(i * 100 + iter);
        if (qrt_model_run(models[i]->model, io.inputs, io.outputs) != QRT_OK ||
            io.firstWrong() != -1)
          ++failures[i];
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int i = 0; i < kModels; ++i)
    EXPECT_EQ(failures[i], 0) << "model " << i;
}

// One model shared by threads that do not coordinate: every call either
// runs correctly or is refused as busy.
TEST(Run, SharedModelIsRunOneCallAtATime) {
  Opened m(fixture("add"), 2);
  ASSERT_EQ(m.status, QRT_OK) << m.message;
  std::atomic<int> ok{0}, busy{0}, wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t)
    threads.emplace_back([&, t] {
      for (int iter = 0; iter < 30; ++iter) {
        AddIO io(t);
        qrt_status st = qrt_model_run(m.model, io.inputs, io.outputs);
        if (st == QRT_OK && io.firstWrong() == -1)
          ++ok;
        else if (st == QRT_ERROR_BUSY)
          ++busy;
        else
          ++wrong;
      }
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(ok + busy, 90);
  EXPECT_GT(ok.load(), 0);
}

TEST(Dtype, SizesNamesAndBytes) {
  EXPECT_EQ(qrt_dtype_size(QRT_DTYPE_F32), 4u);
  EXPECT_EQ(qrt_dtype_size(QRT_DTYPE_I64), 8u);
  EXPECT_EQ(qrt_dtype_size(QRT_DTYPE_I32), 4u);
  EXPECT_EQ(qrt_dtype_size(QRT_DTYPE_I8), 1u);
  EXPECT_EQ(qrt_dtype_size(QRT_DTYPE_U8), 1u);
  EXPECT_EQ(qrt_dtype_size(QRT_DTYPE_BOOL), 1u);
  EXPECT_EQ(qrt_dtype_size(0), 0u);
  EXPECT_EQ(qrt_dtype_size(7), 0u);
  EXPECT_STREQ(qrt_dtype_name(QRT_DTYPE_U8), "u8");
  EXPECT_STREQ(qrt_dtype_name(QRT_DTYPE_BOOL), "bool");
  EXPECT_STREQ(qrt_dtype_name(-3), "unknown");

  int64_t shape[3] = {2, 3, 4};
  qrt_tensor_desc d = {"t", QRT_DTYPE_I64, 3, shape};
  EXPECT_EQ(qrt_tensor_desc_bytes(&d), 192u);
  d.rank = 0;
  EXPECT_EQ(qrt_tensor_desc_bytes(&d), 8u);
  d.shape = nullptr;
  EXPECT_EQ(qrt_tensor_desc_bytes(&d), 8u);
  d.rank = 2;
  EXPECT_EQ(qrt_tensor_desc_bytes(&d), 0u); // no shape
  d.shape = shape;
  d.dtype = 99;
  EXPECT_EQ(qrt_tensor_desc_bytes(&d), 0u);
  d.dtype = QRT_DTYPE_F32;
  d.rank = 9;
  EXPECT_EQ(qrt_tensor_desc_bytes(&d), 0u);
  int64_t huge[3] = {int64_t(1) << 40, int64_t(1) << 40, 0};
  qrt_tensor_desc h = {"h", QRT_DTYPE_F32, 2, huge};
  EXPECT_EQ(qrt_tensor_desc_bytes(&h), UINT64_MAX);
  h.rank = 3; // a zero dimension: empty, whatever the others
  EXPECT_EQ(qrt_tensor_desc_bytes(&h), 0u);
  int64_t negative[2] = {2, -1};
  qrt_tensor_desc n = {"n", QRT_DTYPE_F32, 2, negative};
  EXPECT_EQ(qrt_tensor_desc_bytes(&n), 0u);
  EXPECT_EQ(qrt_tensor_desc_bytes(nullptr), 0u);
}

TEST(Status, Strings) {
  EXPECT_STREQ(qrt_status_string(QRT_OK), "ok");
  EXPECT_STREQ(qrt_status_string(QRT_ERROR_SHAPE_MISMATCH), "shape mismatch");
  EXPECT_STREQ(qrt_status_string(QRT_ERROR_BUSY), "busy");
  EXPECT_STREQ(qrt_status_string(qrt_status(1234)), "unknown status");
}

// The example program, linked against the shared libqrt, runs a model.
TEST(Example, RunModel) {
  std::string cmd = std::string(QRT_RUN_MODEL_EXAMPLE) + " " + fixture("add") +
                    " --threads 2 --iters 3 2>&1";
  FILE *pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof buf, pipe))
    out.append(buf, n);
  int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 0) << out;
  EXPECT_NE(out.find("model 'add'"), std::string::npos) << out;
  EXPECT_NE(out.find("input 1 'b': f32 [37, 1001]"), std::string::npos) << out;
  EXPECT_NE(out.find("output 0 'sum': f32 [37, 1001]"), std::string::npos)
      << out;

  cmd = std::string(QRT_RUN_MODEL_EXAMPLE) + " " + fixture("bad_version") +
        " 2>&1";
  pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  out.clear();
  while (size_t n = fread(buf, 1, sizeof buf, pipe))
    out.append(buf, n);
  status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 1) << out;
  EXPECT_NE(out.find("model ABI version 2"), std::string::npos) << out;
}

} // namespace

//===- CudaTest.cpp - CUDA models: prepare, run, release, errors ----------===//
//
// The fixtures cuda_identity and cuda_launch are CUDA models linked with
// runtime/support/cuda_support.c. Most tests run them on fixtures/fake_cuda.so
// (QRT_CUDA_DRIVER), a driver on host memory whose launches fail; RealDevice
// runs them on the host's driver and GPU, and is skipped without one.
//
//===----------------------------------------------------------------------===//

#include "TestUtils.h"

#include <cstdlib>
#include <thread>
#include <vector>

#include <dlfcn.h>

using namespace qrt::test;

namespace {

constexpr int kElements = 4 * 8;

/// A fresh copy of fixtures/<name>.so. The support code keeps its driver
/// state (loaded once) per loaded library, and dlopen of a file already
/// loaded returns that library, so each test loads its own copy.
struct ModelCopy {
  TempDir dir;
  std::string path;
  explicit ModelCopy(const std::string &name)
      : path(dir.write(name + ".so", readFile(fixture(name)))) {}
};

/// The fake driver, loaded here too (the same library the models load), for
/// its counters.
struct FakeDriver {
  void *handle = dlopen(fixture("fake_cuda").c_str(), RTLD_NOW | RTLD_LOCAL);
  ~FakeDriver() {
    if (handle)
      dlclose(handle);
  }
  int count(const char *what) const {
    auto fn = reinterpret_cast<int (*)()>(dlsym(handle, what));
    return fn ? fn() : -1000;
  }
  int allocations() const { return count("fake_cuda_live_allocations"); }
  int modules() const { return count("fake_cuda_live_modules"); }
};

/// Runs the 4x8 f32 model on x = 0.5 * i; returns the status, fills y.
qrt_status runOnce(qrt_model *model, std::vector<float> &x,
                   std::vector<float> &y) {
  x.resize(kElements);
  y.assign(kElements, -1.0f);
  for (int i = 0; i < kElements; ++i)
    x[size_t(i)] = 0.5f * float(i);
  qrt_tensor input = {x.data(), QRT_DTYPE_F32, 2, {4, 8}};
  qrt_tensor output = {y.data(), QRT_DTYPE_F32, 2, {4, 8}};
  return qrt_model_run(model, &input, &output);
}

class Cuda : public ::testing::Test {
protected:
  void SetUp() override {
    setenv("QRT_CUDA_DRIVER", fixture("fake_cuda").c_str(), 1);
    setenv("FAKE_CUDA_DEVICES", "1", 1);
  }
  void TearDown() override {
    unsetenv("QRT_CUDA_DRIVER");
    unsetenv("FAKE_CUDA_DEVICES");
  }
};

TEST_F(Cuda, NoDriver) {
  ModelCopy copy("cuda_identity");
  setenv("QRT_CUDA_DRIVER", "/nonexistent/libcuda.so.1", 1);
  Opened m(copy.path);
  EXPECT_EQ(m.status, QRT_ERROR_UNSUPPORTED) << m.message;
  EXPECT_EQ(m.model, nullptr);
  EXPECT_EQ(m.message.rfind(copy.path +
                                ": cannot prepare the model: cannot load the "
                                "CUDA driver /nonexistent/libcuda.so.1: ",
                            0),
            0u)
      << m.message;
  EXPECT_NE(m.message.find("is an NVIDIA driver installed? (code 1)"),
            std::string::npos)
      << m.message;
}

TEST_F(Cuda, DriverWithoutTheFunctions) {
  ModelCopy copy("cuda_identity");
  setenv("QRT_CUDA_DRIVER", fixture("add").c_str(), 1);
  Opened m(copy.path);
  EXPECT_EQ(m.status, QRT_ERROR_UNSUPPORTED) << m.message;
  EXPECT_EQ(m.message, copy.path +
                           ": cannot prepare the model: the CUDA "
                           "driver " +
                           fixture("add") +
                           " lacks cuGetErrorName; is it too old? (code 1)");
}

TEST_F(Cuda, NoDevice) {
  FakeDriver fake;
  ASSERT_NE(fake.handle, nullptr) << dlerror();
  int before = fake.allocations();
  ModelCopy copy("cuda_identity");
  setenv("FAKE_CUDA_DEVICES", "0", 1);
  Opened m(copy.path);
  EXPECT_EQ(m.status, QRT_ERROR_UNSUPPORTED) << m.message;
  EXPECT_EQ(m.message,
            copy.path + ": cannot prepare the model: no CUDA device (code 2)");
  EXPECT_EQ(fake.allocations(), before);
}

TEST_F(Cuda, IdentityModelRunsAndReleases) {
  FakeDriver fake;
  ASSERT_NE(fake.handle, nullptr) << dlerror();
  int allocations = fake.allocations(), modules = fake.modules();
  {
    ModelCopy copy("cuda_identity");
    Opened m(copy.path);
    ASSERT_EQ(m.status, QRT_OK) << m.message;
    // prepare's buffer and constant.
    EXPECT_EQ(fake.allocations(), allocations + 2);
    std::vector<float> x, y;
    for (int iter = 0; iter < 3; ++iter) {
      ASSERT_EQ(runOnce(m.model, x, y), QRT_OK) << qrt_last_error(m.model);
      EXPECT_EQ(y, x);
    }
    // Another thread makes the context current on itself.
    qrt_status status = QRT_ERROR_BUSY;
    std::thread([&] { status = runOnce(m.model, x, y); }).join();
    EXPECT_EQ(status, QRT_OK) << qrt_last_error(m.model);
    EXPECT_EQ(y, x);
    // The run's temporary is freed; no module was loaded (no launch).
    EXPECT_EQ(fake.allocations(), allocations + 2);
    EXPECT_EQ(fake.modules(), modules);
  }
  EXPECT_EQ(fake.allocations(), allocations); // release freed them
}

TEST_F(Cuda, LaunchErrorNamesTheKernel) {
  FakeDriver fake;
  ASSERT_NE(fake.handle, nullptr) << dlerror();
  int allocations = fake.allocations(), modules = fake.modules();
  {
    ModelCopy copy("cuda_launch");
    Opened m(copy.path);
    ASSERT_EQ(m.status, QRT_OK) << m.message;
    // Loading the library recorded the image; nothing is loaded before use.
    EXPECT_EQ(fake.modules(), modules);
    std::vector<float> x, y;
    for (int iter = 0; iter < 2; ++iter) {
      EXPECT_EQ(runOnce(m.model, x, y), QRT_ERROR_EXECUTION);
      EXPECT_STREQ(qrt_last_error(m.model),
                   "model 'cuda_launch': run failed: "
                   "cuLaunchKernel(qc_model_entry_kernel_3): "
                   "CUDA_ERROR_INVALID_VALUE (invalid argument) (code 3)");
      // The run stopped working after the error but still freed its
      // temporary.
      EXPECT_EQ(y[0], -1.0f);
      EXPECT_EQ(fake.allocations(), allocations + 2);
      EXPECT_EQ(fake.modules(), modules + 1);
    }
  }
  // release freed the arena's memory; dlclose unloaded the module.
  EXPECT_EQ(fake.allocations(), allocations);
  EXPECT_EQ(fake.modules(), modules);
}

TEST(CudaDevice, RealDevice) {
  unsetenv("QRT_CUDA_DRIVER");
  ModelCopy identity("cuda_identity"), launch("cuda_launch");
  Opened a(identity.path);
  if (a.status == QRT_ERROR_UNSUPPORTED)
    GTEST_SKIP() << a.message;
  ASSERT_EQ(a.status, QRT_OK) << a.message;
  std::vector<float> x, y;
  ASSERT_EQ(runOnce(a.model, x, y), QRT_OK) << qrt_last_error(a.model);
  EXPECT_EQ(y, x);

  Opened b(launch.path);
  ASSERT_EQ(b.status, QRT_OK) << b.message;
  for (int iter = 0; iter < 3; ++iter) {
    ASSERT_EQ(runOnce(b.model, x, y), QRT_OK) << qrt_last_error(b.model);
    for (int i = 0; i < kElements; ++i)
      ASSERT_EQ(y[size_t(i)], x[size_t(i)] + 1.0f) << "element " << i;
  }
  qrt_status status = QRT_ERROR_BUSY;
  std::thread([&] { status = runOnce(b.model, x, y); }).join();
  EXPECT_EQ(status, QRT_OK) << qrt_last_error(b.model);
  EXPECT_EQ(y[3], x[3] + 1.0f);
}

} // namespace

//===- TestUtils.h - helpers for the runtime's tests ------------*- C++ -*-===//

#ifndef QRT_TEST_TESTUTILS_H
#define QRT_TEST_TESTUTILS_H

#include "qrt/qrt.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace qrt::test {

/// fixtures/<name>.so in the test build.
inline std::string fixture(const std::string &name) {
  return std::string(QRT_FIXTURE_DIR) + "/" + name + ".so";
}

/// The result of qrt_model_open: status, message and the model (closed by
/// the destructor).
struct Opened {
  qrt_status status = QRT_OK;
  std::string message;
  qrt_model *model = nullptr;

  Opened(const std::string &path, int32_t numThreads = 2) {
    qrt_options options = {numThreads};
    char error[1024];
    status =
        qrt_model_open(path.c_str(), &options, &model, error, sizeof error);
    message = error;
  }
  ~Opened() { qrt_model_close(model); }
  Opened(const Opened &) = delete;
  Opened &operator=(const Opened &) = delete;
};

/// A directory of its own for files a test writes, removed afterwards.
class TempDir {
public:
  TempDir() {
    std::string base = ::testing::TempDir();
    if (base.empty() || base.back() != '/')
      base += '/';
    std::string pattern = base + "qrt-test-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (mkdtemp(buf.data()))
      path_ = buf.data();
  }
  ~TempDir() {
    for (const std::string &file : files_)
      ::unlink(file.c_str());
    if (!path_.empty())
      ::rmdir(path_.c_str());
  }
  const std::string &path() const { return path_; }

  /// Writes `bytes` to <dir>/<name> and returns its path.
  std::string write(const std::string &name, const std::string &bytes) {
    std::string file = path_ + "/" + name;
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    files_.push_back(file);
    return file;
  }

private:
  std::string path_;
  std::vector<std::string> files_;
};

inline std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

} // namespace qrt::test

#endif // QRT_TEST_TESTUTILS_H

//===- LoaderTest.cpp - opening models, good and bad ----------------------===//

#include "Internal.h"
#include "TestUtils.h"

#include <cstring>
#include <random>

#include <elf.h>
#include <unistd.h>

using namespace qrt::test;

namespace {

TEST(Open, AddModel) {
  Opened m(fixture("add"), 3);
  ASSERT_EQ(m.status, QRT_OK) << m.message;
  EXPECT_EQ(m.message, "");
  EXPECT_EQ(qrt_model_num_threads(m.model), 3);
  ASSERT_EQ(qrt_model_num_inputs(m.model), 2);
  ASSERT_EQ(qrt_model_num_outputs(m.model), 1);
  const qrt_tensor_desc *b = qrt_model_input(m.model, 1);
  ASSERT_NE(b, nullptr);
  EXPECT_STREQ(b->name, "b");
  EXPECT_EQ(b->dtype, QRT_DTYPE_F32);
  ASSERT_EQ(b->rank, 2);
  EXPECT_EQ(b->shape[0], 37);
  EXPECT_EQ(b->shape[1], 1001);
  EXPECT_EQ(qrt_tensor_desc_bytes(b), 37u * 1001u * 4u);
  EXPECT_STREQ(qrt_model_output(m.model, 0)->name, "sum");
  EXPECT_EQ(qrt_model_input(m.model, 2), nullptr);
  EXPECT_EQ(qrt_model_input(m.model, -1), nullptr);
  EXPECT_EQ(qrt_model_output(m.model, 1), nullptr);
  EXPECT_EQ(qrt_model_input_index(m.model, "a"), 0);
  EXPECT_EQ(qrt_model_input_index(m.model, "b"), 1);
  EXPECT_EQ(qrt_model_input_index(m.model, "sum"), -1);
  EXPECT_EQ(qrt_model_input_index(m.model, nullptr), -1);
  EXPECT_EQ(qrt_model_output_index(m.model, "sum"), 0);
  const qrt_model_desc *desc = qrt_model_description(m.model);
  ASSERT_NE(desc, nullptr);
  EXPECT_STREQ(desc->model_name, "add");
  EXPECT_STREQ(desc->target, "x86_64");
  EXPECT_STREQ(desc->producer, "hand-written test fixture");
  EXPECT_STREQ(qrt_last_error(m.model), "");
}

TEST(Open, DefaultThreadsAreTheAvailableCpus) {
  qrt_model *model = nullptr;
  ASSERT_EQ(qrt_model_open(fixture("add").c_str(), nullptr, &model, nullptr, 0),
            QRT_OK);
  cpu_set_t set;
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  EXPECT_EQ(qrt_model_num_threads(model), CPU_COUNT(&set));
  qrt_model_close(model);
}

TEST(Open, LargerDescriptionIsAccepted) {
  // A model from a newer runtime of the same ABI version, with a field
  // appended, still opens.
  Opened m(fixture("larger_desc"));
  EXPECT_EQ(m.status, QRT_OK) << m.message;
}

TEST(Open, VersionOneDescriptionIsAccepted) {
  // A model compiled before prepare, release and error_message were
  // appended: they are not read (its prepare would be refused if it were).
  Opened m(fixture("v1_desc"));
  ASSERT_EQ(m.status, QRT_OK) << m.message;
  float x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {2, 2, 2, 2, 2, 2}, z[6] = {};
  qrt_tensor inputs[2] = {{x, QRT_DTYPE_F32, 2, {2, 3}},
                          {y, QRT_DTYPE_F32, 2, {2, 3}}};
  qrt_tensor output = {z, QRT_DTYPE_F32, 2, {2, 3}};
  ASSERT_EQ(qrt_model_run(m.model, inputs, &output), QRT_OK)
      << qrt_last_error(m.model);
  EXPECT_EQ(z[5], 12.0f);
}

TEST(Open, RelativePathNamesTheCurrentDirectory) {
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(chdir(QRT_FIXTURE_DIR), 0);
  {
    Opened m("add.so");
    EXPECT_EQ(m.status, QRT_OK) << m.message;
    Opened missing("no-such-model.so");
    EXPECT_EQ(missing.status, QRT_ERROR_NOT_FOUND);
    EXPECT_EQ(missing.message, "no-such-model.so: file not found");
  }
  ASSERT_EQ(chdir(cwd), 0);
}

TEST(Open, BadArguments) {
  qrt_model *model = reinterpret_cast<qrt_model *>(0x1);
  char error[256];
  EXPECT_EQ(qrt_model_open(nullptr, nullptr, &model, error, sizeof error),
            QRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(model, nullptr);
  EXPECT_STREQ(error, "qrt_model_open: path is NULL or empty");
  EXPECT_EQ(qrt_model_open("", nullptr, &model, error, sizeof error),
            QRT_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(qrt_model_open("x.so", nullptr, nullptr, error, sizeof error),
            QRT_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(error, "qrt_model_open: out is NULL");

  for (int32_t threads : {-1, 1025}) {
    Opened m(fixture("add"), threads);
    EXPECT_EQ(m.status, QRT_ERROR_INVALID_ARGUMENT);
    EXPECT_EQ(m.model, nullptr);
    EXPECT_EQ(m.message, fixture("add") + ": num_threads is " +
                             std::to_string(threads) +
                             ", expected 0 (all CPUs) to 1024");
  }
}

TEST(Open, ErrorBufferIsTruncatedAndTerminated) {
  qrt_model *model = nullptr;
  char error[8];
  std::memset(error, 'x', sizeof error);
  EXPECT_EQ(
      qrt_model_open("/no/such/model.so", nullptr, &model, error, sizeof error),
      QRT_ERROR_NOT_FOUND);
  EXPECT_STREQ(error, "/no/suc");
  // No buffer at all is fine too.
  EXPECT_EQ(qrt_model_open("/no/such/model.so", nullptr, &model, nullptr, 0),
            QRT_ERROR_NOT_FOUND);
  EXPECT_EQ(qrt_model_open("/no/such/model.so", nullptr, &model, error, 0),
            QRT_ERROR_NOT_FOUND);
}

TEST(Open, MissingFile) {
  Opened m("/no/such/dir/model.so");
  EXPECT_EQ(m.status, QRT_ERROR_NOT_FOUND);
  EXPECT_EQ(m.model, nullptr);
  EXPECT_EQ(m.message, "/no/such/dir/model.so: file not found");
}

TEST(Open, Directory) {
  Opened m(QRT_FIXTURE_DIR);
  EXPECT_EQ(m.status, QRT_ERROR_INVALID_MODEL);
  EXPECT_EQ(m.message, std::string(QRT_FIXTURE_DIR) +
                           ": is a directory, not a shared library");
}

// Files that are not shared libraries at all.
TEST(Open, NotSharedLibraries) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::mt19937 rng(1234);
  std::string random(4096, '\0');
  for (char &c : random)
    c = char(rng());
  struct Case {
    std::string name, bytes, expected;
  } cases[] = {
      {"empty.so", "", "not a shared library: the file is empty"},
      {"text.so", "hello, I am a model\n",
       "not a shared library: no ELF header (20-byte file)"},
      {"three.so",
       "\x7f"
       "EL",
       "not a shared library: no ELF header (3-byte file)"},
      {"random.so", random,
       "not a shared library: no ELF header (4096-byte "
       "file)"},
      // The ELF magic followed by noise: a corrupted header.
      {"noise.so",
       "\x7f"
       "ELF" +
           random,
       ""},
  };
  for (const Case &c : cases) {
    std::string path = dir.write(c.name, c.bytes);
    Opened m(path);
    EXPECT_EQ(m.status, QRT_ERROR_INVALID_MODEL) << c.name;
    EXPECT_EQ(m.model, nullptr);
    EXPECT_EQ(m.message.rfind(path + ": ", 0), 0u) << m.message;
    if (!c.expected.empty()) {
      EXPECT_EQ(m.message, path + ": " + c.expected);
    }
  }
}

// Copies of a valid model cut short at many points: each fails cleanly,
// saying the file is truncated. (Mapping a truncated library and touching a
// page past its end would crash with SIGBUS; the runtime must not get there.)
TEST(Open, TruncatedModels) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  std::string bytes = readFile(fixture("add"));
  ASSERT_GT(bytes.size(), 4096u);
  std::vector<size_t> cuts = {4,    10,   63,   64,   65,  200,
                              1000, 4095, 4096, 5000, 8192};
  for (size_t i = 1; i < 16; ++i)
    cuts.push_back(bytes.size() * i / 16);
  for (size_t back : {1, 2, 63, 64, 100, 1000})
    cuts.push_back(bytes.size() - back);
  for (size_t cut : cuts) {
    if (cut >= bytes.size())
      continue;
    std::string name = "cut" + std::to_string(cut) + ".so";
    std::string path = dir.write(name, bytes.substr(0, cut));
    Opened m(path);
    EXPECT_EQ(m.status, QRT_ERROR_INVALID_MODEL) << name;
    EXPECT_EQ(m.model, nullptr);
    EXPECT_NE(m.message.find(path + ": truncated or corrupted file: "),
              std::string::npos)
        << m.message;
  }
  // The complete copy opens.
  Opened whole(dir.write("whole.so", bytes));
  EXPECT_EQ(whole.status, QRT_OK) << whole.message;
}

// A valid model with one header field changed.
TEST(Open, CorruptedElfHeaders) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string bytes = readFile(fixture("add"));
  ASSERT_GT(bytes.size(), sizeof(Elf64_Ehdr));
  auto patched = [&](const std::string &name, size_t offset,
                     const std::string &value) {
    std::string b = bytes;
    b.replace(offset, value.size(), value);
    return dir.write(name, b);
  };
  auto u16 = [](uint16_t v) { return std::string((const char *)&v, 2); };
  struct Case {
    std::string path, expected;
  } cases[] = {
      {patched("machine.so", offsetof(Elf64_Ehdr, e_machine), u16(EM_AARCH64)),
       "not loadable here: built for aarch64 (e_machine 183), this host is "
       "x86_64"},
      {patched("exec.so", offsetof(Elf64_Ehdr, e_type), u16(ET_EXEC)),
       "not a shared library: an executable (e_type 2)"},
      {patched("rel.so", offsetof(Elf64_Ehdr, e_type), u16(ET_REL)),
       "not a shared library: a relocatable object file (e_type 1)"},
      {patched("class32.so", EI_CLASS, std::string(1, ELFCLASS32)),
       "not loadable here: a 32-bit ELF file, this host loads 64-bit "
       "libraries"},
      {patched("phentsize.so", offsetof(Elf64_Ehdr, e_phentsize), u16(12)),
       "truncated or corrupted file: bad program header table"},
      {patched("phoff.so", offsetof(Elf64_Ehdr, e_phoff),
               std::string("\xff\xff\xff\xff\xff\xff\xff\x7f", 8)),
       "truncated or corrupted file: the program header table spans bytes "
       "9223372036854775807.."},
  };
  for (const Case &c : cases) {
    Opened m(c.path);
    EXPECT_EQ(m.status, QRT_ERROR_INVALID_MODEL) << c.path;
#if defined(__x86_64__)
    EXPECT_EQ(m.message.rfind(c.path + ": " + c.expected, 0), 0u) << m.message;
#endif
  }
}

TEST(Open, UnresolvedSymbol) {
  Opened m(fixture("undefined_symbol"));
  EXPECT_EQ(m.status, QRT_ERROR_INVALID_MODEL);
  EXPECT_EQ(m.message, fixture("undefined_symbol") +
                           ": cannot load the shared library: undefined "
                           "symbol: qrt_fixture_missing_kernel");
}

TEST(Open, SharedLibraryThatIsNotAModel) {
  Opened m(fixture("missing_symbol"));
  EXPECT_EQ(m.status, QRT_ERROR_NOT_FOUND);
  EXPECT_EQ(m.message, fixture("missing_symbol") +
                           ": not a quantc model: the library does not export "
                           "'qrt_model_get_desc'");
}

struct BadModel {
  const char *fixture;
  qrt_status status;
  std::string message; // after "<path>: "
};

std::string descSize() { return std::to_string(QRT_MODEL_DESC_MIN_SIZE); }

class BadModels : public ::testing::TestWithParam<BadModel> {};

TEST_P(BadModels, FailToOpenWithAClearMessage) {
  const BadModel &bad = GetParam();
  Opened m(fixture(bad.fixture));
  EXPECT_EQ(m.status, bad.status) << qrt_status_string(m.status);
  EXPECT_EQ(m.model, nullptr);
  EXPECT_EQ(m.message, fixture(bad.fixture) + ": " + bad.message);
}

const std::string kInvalid = "invalid model description: ";

INSTANTIATE_TEST_SUITE_P(
    Open, BadModels,
    ::testing::Values(
        BadModel{"null_desc", QRT_ERROR_INVALID_MODEL,
                 "invalid model: qrt_model_get_desc() returned NULL"},
        BadModel{"bad_magic", QRT_ERROR_INVALID_MODEL,
                 "not a quantc model: bad magic 0x12345678 in its "
                 "description, expected 0x51524D31 (\"QRM1\")"},
        BadModel{"bad_version", QRT_ERROR_VERSION_MISMATCH,
                 "model ABI version 2, but this runtime supports version 1 "
                 "only: rebuild the model with a quantc that matches this "
                 "libqrt, or use a matching libqrt"},
        BadModel{"small_desc", QRT_ERROR_INVALID_MODEL,
                 kInvalid +
                     "desc_size is 16 bytes, ABI version 1 needs at "
                     "least " +
                     descSize()},
        BadModel{"null_run", QRT_ERROR_INVALID_MODEL, kInvalid + "run is NULL"},
        BadModel{"bad_rank", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "input 0 'x' has rank 9, expected 0..8"},
        BadModel{"negative_rank", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "input 0 'x' has rank -1, expected 0..8"},
        BadModel{"negative_dim", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "input 0 'x' has dimension 1 = -3, expected >= 0"},
        BadModel{"huge_shape", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "input 0 'x' of shape [1099511627776, "
                            "1099511627776] is larger than 2^63 bytes"},
        BadModel{"bad_dtype", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "input 1 'y' has unknown dtype 99"},
        BadModel{"null_name", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "input 1 has no name (name is NULL)"},
        BadModel{"duplicate_names", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "inputs 0 and 1 are both named 'x'"},
        BadModel{"null_shape", QRT_ERROR_INVALID_MODEL,
                 kInvalid +
                     "input 1 'y' has rank 2 but no dimensions (shape is "
                     "NULL)"},
        BadModel{"null_inputs", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "num_inputs is 2 but inputs is NULL"},
        BadModel{"negative_inputs", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "num_inputs is -1, expected 0..65536"},
        BadModel{"null_model_name", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "model_name is NULL"},
        BadModel{"bad_alignment", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "arena_alignment is 48, expected a power of two "
                            "no larger than 2^30"},
        BadModel{"zero_alignment", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "arena_alignment is 0, expected a power of two "
                            "no larger than 2^30"},
        BadModel{"cuda_target", QRT_ERROR_UNSUPPORTED,
                 "model targets 'cuda-sm_90' (CUDA) but has no prepare "
                 "function"},
        BadModel{"huge_arena", QRT_ERROR_OUT_OF_MEMORY,
                 "cannot allocate the model's 4611686018427387904-byte "
                 "arena"},
        // Pointers that would crash the runtime if it followed them.
        BadModel{"data_symbol", QRT_ERROR_INVALID_MODEL,
                 "not a quantc model: 'qrt_model_get_desc' is not a function "
                 "of the library"},
        BadModel{"wild_desc", QRT_ERROR_INVALID_MODEL,
                 "invalid model: qrt_model_get_desc() returned a pointer "
                 "outside the model library"},
        BadModel{"wild_name", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "input 1: name points outside the model library"},
        BadModel{"wild_shape", QRT_ERROR_INVALID_MODEL,
                 kInvalid +
                     "input 1 'y': shape points outside the model library"},
        BadModel{"wild_inputs", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "inputs points outside the model library"},
        BadModel{"run_in_data", QRT_ERROR_INVALID_MODEL,
                 kInvalid + "run does not point to code in the model library"},
        BadModel{"prepare_in_data", QRT_ERROR_INVALID_MODEL,
                 kInvalid +
                     "prepare does not point to code in the model library"}),
    [](const ::testing::TestParamInfo<BadModel> &info) {
      return std::string(info.param.fixture);
    });

TEST(Open, CpuFeaturesOfTheTarget) {
  Opened m(fixture("feature_avx2"));
  if (qrt::hostHasCpuFeature("avx2") == 0 ||
      qrt::hostHasCpuFeature("fma") == 0) {
    EXPECT_EQ(m.status, QRT_ERROR_UNSUPPORTED);
    EXPECT_NE(m.message.find("but this CPU lacks"), std::string::npos);
  } else {
    EXPECT_EQ(m.status, QRT_OK) << m.message;
  }
}

TEST(Open, SameModelTwice) {
  Opened a(fixture("add")), b(fixture("add"));
  ASSERT_EQ(a.status, QRT_OK);
  ASSERT_EQ(b.status, QRT_OK);
  EXPECT_NE(a.model, b.model);
  // Both share the library's static description; closing one leaves the
  // other usable (dlopen counts references).
  qrt_model_close(a.model);
  a.model = nullptr;
  EXPECT_STREQ(qrt_model_description(b.model)->model_name, "add");
}

TEST(Open, NullModelQueries) {
  EXPECT_EQ(qrt_model_num_inputs(nullptr), 0);
  EXPECT_EQ(qrt_model_num_outputs(nullptr), 0);
  EXPECT_EQ(qrt_model_input(nullptr, 0), nullptr);
  EXPECT_EQ(qrt_model_output(nullptr, 0), nullptr);
  EXPECT_EQ(qrt_model_input_index(nullptr, "a"), -1);
  EXPECT_EQ(qrt_model_description(nullptr), nullptr);
  EXPECT_EQ(qrt_model_num_threads(nullptr), 0);
  EXPECT_STREQ(qrt_last_error(nullptr), "");
  qrt_model_close(nullptr);
}

} // namespace

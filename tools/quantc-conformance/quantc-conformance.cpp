//===- quantc-conformance.cpp - ONNX backend test data through quantc -----===//
//
//   quantc-conformance DIR... [--filter REGEX] [-v]
//
// Runs every case of ONNX's backend test data (a directory with model.onnx,
// or model.onnxtxt in ONNX's text syntax, and
// test_data_set_<k>/{input_<i>.pb, output_<i>.pb}) found under the given
// directories: imports the model with the input shapes of the data set,
// evaluates it with the reference evaluator and compares every output with
// the stored one, with ONNX's default tolerances (rtol 1e-3, atol 1e-7;
// integers and booleans exactly; NaN matches NaN).
//
// Inputs are function arguments unless the importer needs them as constants
// (a Reshape's shape, a quantization scale, ...): then the import is retried
// with those inputs as constants, as `quantc import --constant-input` does.
//
// A case is
//   passed       every data set matches,
//   failed       it imports but evaluation fails or an output differs, or
//                the import fails inside a qc op's verifier (the data's
//                models are valid, so that is an importer bug),
//   unsupported  the importer rejects the model or its data (an op or
//                element type quantc does not support); the importer's
//                message is the reason.
// Failed and unsupported cases are listed with their reason, and the last
// line is "N passed, M failed, K unsupported (T cases)". Exits with 1 when a
// case failed.
//
//===----------------------------------------------------------------------===//

#include "quantc/Analysis/Evaluator.h"
#include "quantc/Import/ONNX/Importer.h"
#include "quantc/Import/ONNX/TensorProto.h"

#include "qc/QCShapeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <map>

using namespace mlir;
using namespace mlir::qc;
namespace cl = llvm::cl;

static cl::list<std::string>
    roots(cl::Positional, cl::OneOrMore,
          cl::desc("<directories of cases (searched two levels deep)>"));
static cl::opt<std::string>
    filter("filter", cl::desc("Only run cases whose name matches REGEX"),
           cl::value_desc("regex"), cl::init(""));
static cl::opt<bool> verbose("v", cl::desc("Also list the passed cases"),
                             cl::init(false));
static cl::opt<double> relTol("rtol", cl::desc("Relative tolerance"),
                              cl::init(1e-3));
static cl::opt<double> absTol("atol", cl::desc("Absolute tolerance"),
                              cl::init(1e-7));

namespace {
enum class Status { Passed, Failed, Unsupported };

struct Case {
  std::string name; // e.g. "node/test_abs"
  std::string dir;
  Status status = Status::Passed;
  std::string reason;
};

/// Captures the error diagnostics emitted while alive.
struct ErrorCollector {
  ErrorCollector(MLIRContext *ctx)
      : handler(ctx, [this](Diagnostic &diag) {
          if (diag.getSeverity() == DiagnosticSeverity::Error)
            errors.push_back(diag.str());
          return success();
        }) {}
  std::string join() const { return llvm::join(errors, "; "); }
  SmallVector<std::string> errors;
  ScopedDiagnosticHandler handler;
};
} // namespace

/// The case's model: model.onnx, or model.onnxtxt (ONNX's text syntax, for
/// quantc's own tests); empty when there is none.
static std::string findModel(StringRef dir) {
  for (StringRef file : {"model.onnx", "model.onnxtxt"}) {
    SmallString<256> model(dir);
    llvm::sys::path::append(model, file);
    if (llvm::sys::fs::exists(model))
      return model.str().str();
  }
  return "";
}

static bool isCaseDir(StringRef dir) { return !findModel(dir).empty(); }

static SmallVector<std::string> listSubdirs(StringRef dir) {
  SmallVector<std::string> dirs;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::fs::is_directory(it->path()))
      dirs.push_back(it->path());
  llvm::sort(dirs);
  return dirs;
}

/// Cases at `root`, in its subdirectories and theirs; named by their path
/// relative to `root` ("node/test_abs" under .../data), or by the directory's
/// name when `root` is a case.
static void collectCases(StringRef root, std::vector<Case> &cases) {
  SmallString<256> base(root);
  llvm::sys::path::remove_dots(base, /*remove_dot_dot=*/true);
  while (base.size() > 1 && llvm::sys::path::is_separator(base.back()))
    base.pop_back();
  auto add = [&](StringRef dir) {
    StringRef name = dir;
    if (name.starts_with(base))
      name = name.drop_front(base.size()).ltrim('/');
    cases.push_back({name.str(), dir.str()});
  };
  if (isCaseDir(base)) {
    cases.push_back({llvm::sys::path::filename(base).str(), base.str().str()});
    return;
  }
  for (const std::string &sub : listSubdirs(base)) {
    if (isCaseDir(sub)) {
      add(sub);
      continue;
    }
    for (const std::string &subsub : listSubdirs(sub))
      if (isCaseDir(subsub))
        add(subsub);
  }
}

/// "prefix_0.pb", "prefix_1.pb", ... in `dir` until one is missing.
static SmallVector<std::string> numberedFiles(StringRef dir, StringRef prefix) {
  SmallVector<std::string> files;
  for (int i = 0;; ++i) {
    SmallString<256> file(dir);
    llvm::sys::path::append(file, prefix + "_" + Twine(i) + ".pb");
    if (!llvm::sys::fs::exists(file))
      break;
    files.push_back(file.str().str());
  }
  return files;
}

static std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Compares `got` with `want`; an empty string when they match.
static std::string compare(const Tensor &got, const Tensor &want) {
  if (got.getShape() != want.getShape())
    return "expected shape " + formatShape(want.getShape()) + ", found " +
           formatShape(got.getShape());
  if (got.getElementType() != want.getElementType())
    return "expected element type " + typeString(want.getElementType()) +
           ", found " + typeString(got.getElementType());
  int64_t n = want.getNumElements(), bad = 0, worst = -1;
  double worstExcess = -1;
  if (!want.isFloat()) {
    for (int64_t i = 0; i < n; ++i)
      if (got.getInts()[i] != want.getInts()[i]) {
        if (worst < 0)
          worst = i;
        ++bad;
      }
    if (!bad)
      return "";
    return std::to_string(bad) + " of " + std::to_string(n) +
           " elements differ; first at index " + std::to_string(worst) + ": " +
           std::to_string(got.getInts()[worst]) + ", expected " +
           std::to_string(want.getInts()[worst]);
  }
  for (int64_t i = 0; i < n; ++i) {
    double g = got.getFloats()[i], w = want.getFloats()[i];
    double excess;
    if (std::isnan(w) || std::isnan(g))
      excess = std::isnan(w) && std::isnan(g) ? 0 : INFINITY;
    else if (std::isinf(w) || std::isinf(g))
      excess = g == w ? 0 : INFINITY;
    else
      excess = std::fabs(g - w) - (absTol + relTol * std::fabs(w));
    if (excess > 0) {
      ++bad;
      if (excess > worstExcess) {
        worstExcess = excess;
        worst = i;
      }
    }
  }
  if (!bad)
    return "";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << bad << " of " << n << " elements differ beyond rtol "
     << llvm::format("%g", relTol.getValue()) << " / atol "
     << llvm::format("%g", absTol.getValue()) << "; worst at index " << worst
     << ": " << llvm::format("%.9g", got.getFloats()[worst]) << ", expected "
     << llvm::format("%.9g", want.getFloats()[worst]);
  return s;
}

/// Imports the case's model for one data set and evaluates it; returns the
/// status and sets `reason`.
static Status runDataSet(MLIRContext &ctx, StringRef modelPath,
                         ArrayRef<std::string> inputNames, StringRef dataDir,
                         std::string &reason) {
  // The data.
  SmallVector<std::string> inputFiles = numberedFiles(dataDir, "input");
  SmallVector<std::string> outputFiles = numberedFiles(dataDir, "output");
  StringRef setName = llvm::sys::path::filename(dataDir);
  if (inputFiles.size() != inputNames.size()) {
    reason = (setName + ": expected " + Twine(inputNames.size()) +
              " input files (one per graph input), found " +
              Twine(inputFiles.size()))
                 .str();
    return Status::Unsupported;
  }
  // A file that cannot be read (a sequence or optional value, a float16
  // tensor, ...) is reported after the import, which usually explains it
  // better: an unreadable input gets no --input-shape, so the importer
  // reports what it thinks of that input.
  std::string readError;
  auto read = [&](const std::string &file) -> std::optional<Tensor> {
    llvm::Expected<NamedTensor> t = readTensorProtoFile(&ctx, file);
    if (t)
      return std::move(t->tensor);
    std::string message = llvm::toString(t.takeError());
    if (readError.empty())
      readError = message;
    return std::nullopt;
  };
  SmallVector<std::optional<Tensor>> inputs;
  SmallVector<Tensor> expected;
  for (const std::string &file : inputFiles)
    inputs.push_back(read(file));
  for (const std::string &file : outputFiles)
    if (std::optional<Tensor> t = read(file))
      expected.push_back(std::move(*t));

  // Import, with the inputs the importer needs as constants.
  llvm::StringSet<> constants, needed;
  FailureOr<OwningOpRef<ModuleOp>> module = failure();
  for (;;) {
    OnnxImportOptions options;
    options.neededConstantInputs = &needed;
    for (auto [name, t] : llvm::zip(inputNames, inputs)) {
      if (!t)
        continue;
      if (constants.contains(name))
        options.constantInputs[name] = *t;
      else
        options.inputShapes[name] = SmallVector<int64_t>(t->getShape());
    }
    ErrorCollector errors(&ctx);
    module = importOnnxModel(&ctx, modelPath, options);
    if (succeeded(module))
      break;
    bool more = false;
    for (const auto &n : needed)
      if (llvm::is_contained(inputNames, n.getKey()) &&
          constants.insert(n.getKey()).second)
        more = true;
    if (!more) {
      reason = errors.join();
      if (reason.empty()) {
        reason = "the import failed without a message";
        return Status::Failed;
      }
      // The test data's models are valid: a qc op that rejects what the
      // importer built for one ("'qc.conv' op expected ...") is an importer
      // bug, not a clean rejection of an unsupported variant.
      for (const std::string &e : errors.errors)
        if (StringRef(e).contains("' op ") ||
            StringRef(e).contains("importer bug")) {
          reason = "import: " + reason;
          return Status::Failed;
        }
      return Status::Unsupported;
    }
  }
  if (!readError.empty()) {
    reason = readError;
    return Status::Unsupported;
  }

  // Evaluate.
  auto func = (**module).lookupSymbol<func::FuncOp>("main");
  SmallVector<Tensor> args;
  for (auto [name, t] : llvm::zip(inputNames, inputs))
    if (!constants.contains(name))
      args.push_back(*t);
  FailureOr<SmallVector<Tensor>> results;
  {
    ErrorCollector errors(&ctx);
    EvaluateOptions evalOptions;
    evalOptions.numThreads = 1;
    results = evaluateFunction(func, args, {}, evalOptions);
    if (failed(results)) {
      reason = (setName + ": evaluation failed: " + errors.join()).str();
      return Status::Failed;
    }
  }

  // Compare.
  if (results->size() != expected.size()) {
    reason = (setName + ": expected " + Twine(expected.size()) +
              " outputs, found " + Twine(results->size()))
                 .str();
    return Status::Failed;
  }
  for (auto [i, got] : llvm::enumerate(*results)) {
    std::string diff = compare(got, expected[i]);
    if (diff.empty())
      continue;
    std::string name;
    if (auto attr = func.getResultAttrOfType<StringAttr>(i, "onnx.name"))
      name = attr.getValue().str();
    reason =
        (setName + ": output " + Twine(i) + " ('" + name + "'): " + diff).str();
    return Status::Failed;
  }
  return Status::Passed;
}

static void runCase(Case &c, const DialectRegistry &registry) {
  MLIRContext ctx(registry, MLIRContext::Threading::DISABLED);
  ctx.loadAllAvailableDialects();
  ctx.printOpOnDiagnostic(false);
  std::string model = findModel(c.dir);
  llvm::Expected<SmallVector<OnnxGraphInput>> graphInputs =
      readOnnxGraphInputs(model);
  if (!graphInputs) {
    c.status = Status::Unsupported;
    c.reason = llvm::toString(graphInputs.takeError());
    return;
  }
  SmallVector<std::string> names;
  for (const OnnxGraphInput &in : *graphInputs)
    names.push_back(in.name);
  SmallVector<std::string> dataSets;
  for (const std::string &sub : listSubdirs(c.dir))
    if (llvm::sys::path::filename(sub).starts_with("test_data_set_"))
      dataSets.push_back(sub);
  if (dataSets.empty()) {
    c.status = Status::Unsupported;
    c.reason = "no test_data_set_* directory";
    return;
  }
  for (const std::string &dataDir : dataSets) {
    c.status = runDataSet(ctx, model, names, dataDir, c.reason);
    if (c.status != Status::Passed)
      return;
  }
}

/// The op named by "unsupported ONNX op 'X'", for the tally.
static std::string unsupportedOp(StringRef reason) {
  StringRef marker = "unsupported ONNX op '";
  size_t pos = reason.find(marker);
  if (pos == StringRef::npos)
    return "";
  StringRef rest = reason.drop_front(pos + marker.size());
  return rest.take_until([](char ch) { return ch == '\''; }).str();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "quantc-conformance: run ONNX backend test data through quantc's "
      "importer and reference evaluator\n");

  std::vector<Case> cases;
  for (const std::string &root : roots) {
    if (!llvm::sys::fs::is_directory(root)) {
      llvm::errs() << "quantc-conformance: error: '" << root
                   << "' is not a directory\n";
      return 2;
    }
    collectCases(root, cases);
  }
  if (!filter.empty()) {
    llvm::Regex re(filter);
    std::string err;
    if (!re.isValid(err)) {
      llvm::errs() << "quantc-conformance: error: invalid --filter: " << err
                   << "\n";
      return 2;
    }
    llvm::erase_if(cases, [&](const Case &c) { return !re.match(c.name); });
  }

  DialectRegistry registry;
  registerOnnxImportDialects(registry);
  // One case after the other: the whole suite takes about a second, and
  // protobuf's log handler (silenced while parsing) is process-wide.
  auto start = std::chrono::steady_clock::now();
  for (Case &c : cases)
    runCase(c, registry);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();

  unsigned passed = 0, failedCount = 0, unsupported = 0;
  llvm::raw_ostream &os = llvm::outs();
  for (const Case &c : cases) {
    if (c.status == Status::Passed) {
      ++passed;
      if (verbose)
        os << "PASS " << c.name << "\n";
    } else if (c.status == Status::Failed) {
      ++failedCount;
      os << "FAIL " << c.name << ": " << c.reason << "\n";
    }
  }
  std::map<std::string, unsigned> opTally;
  for (const Case &c : cases) {
    if (c.status != Status::Unsupported)
      continue;
    ++unsupported;
    os << "UNSUPPORTED " << c.name << ": " << c.reason << "\n";
    std::string op = unsupportedOp(c.reason);
    ++opTally[op.empty() ? std::string("(other reasons)") : op];
  }
  if (unsupported) {
    os << "Unsupported cases by op:";
    for (const auto &[op, count] : opTally)
      os << " " << op << " " << count << ";";
    os << "\n";
  }
  os << passed << " passed, " << failedCount << " failed, " << unsupported
     << " unsupported (" << cases.size() << " cases)\n";
  os.flush();
  llvm::errs() << llvm::format("quantc-conformance: %.1f s\n", seconds);
  return failedCount ? 1 : 0;
}

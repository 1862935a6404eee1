//===- ImportONNXTest.cpp - the ONNX importer's API and TensorProto files -===//
//
// The importer's C++ API (options, locations, diagnostics), TensorProto
// files, and an end-to-end check against ONNX's conformance data: import a
// node test, run it with the reference evaluator and compare with the
// expected output (skipped where /usr/share/libonnx-testdata is missing).
//
//===----------------------------------------------------------------------===//

#include "quantc/Analysis/Evaluator.h"
#include "quantc/Import/ONNX/Importer.h"
#include "quantc/Import/ONNX/TensorProto.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace mlir;
using namespace mlir::qc;

namespace {

class ImportONNXTest : public ::testing::Test {
protected:
  ImportONNXTest() {
    DialectRegistry registry;
    registerOnnxImportDialects(registry);
    ctx.appendDialectRegistry(registry);
    ctx.loadAllAvailableDialects();
  }

  /// Imports `text`, collecting error messages into `errors`.
  FailureOr<OwningOpRef<ModuleOp>>
  importText(StringRef text, const OnnxImportOptions &options = {}) {
    errors.clear();
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        errors += diag.str() + "\n";
      return success();
    });
    return importOnnxModelFromText(&ctx, text, options, "test.onnxtxt");
  }

  MLIRContext ctx;
  std::string errors;
};

constexpr StringLiteral kRelu = R"(
<ir_version: 8, opset_import: ["" : 13]>
g (float[N,4] x) => (float[N,4] y) {
  [r1] y = Relu(x)
}
)";

//===----------------------------------------------------------------------===//
// Options and the imported function.
//===----------------------------------------------------------------------===//

TEST_F(ImportONNXTest, ParseInputShapeOption) {
  OnnxImportOptions options;
  EXPECT_FALSE(
      llvm::errorToBool(parseInputShapeOption("x=1,3,48,320", options)));
  EXPECT_EQ(options.inputShapes.lookup("x"),
            (SmallVector<int64_t>{1, 3, 48, 320}));
  // Names may contain '='; the last one separates the dimensions.
  EXPECT_FALSE(llvm::errorToBool(parseInputShapeOption("a=b=2", options)));
  EXPECT_EQ(options.inputShapes.lookup("a=b"), (SmallVector<int64_t>{2}));
  // A scalar input.
  EXPECT_FALSE(llvm::errorToBool(parseInputShapeOption("s=", options)));
  EXPECT_TRUE(options.inputShapes.lookup("s").empty());
  for (StringRef bad : {"x", "=1,2", "y=1,-2", "y=1,,2", "x=1"}) {
    llvm::Error err = parseInputShapeOption(bad, options);
    EXPECT_TRUE(bool(err)) << bad.str();
    llvm::consumeError(std::move(err));
  }
}

TEST_F(ImportONNXTest, FunctionSignature) {
  OnnxImportOptions options;
  options.inputShapes["x"] = {2, 4};
  options.funcName = "relu_model";
  FailureOr<OwningOpRef<ModuleOp>> module = importText(kRelu, options);
  ASSERT_TRUE(succeeded(module)) << errors;
  auto func = (**module).lookupSymbol<func::FuncOp>("relu_model");
  ASSERT_TRUE(func);
  EXPECT_EQ(func.getArgumentTypes()[0],
            RankedTensorType::get({2, 4}, Float32Type::get(&ctx)));
  EXPECT_EQ(func.getArgAttrOfType<StringAttr>(0, "onnx.name").getValue(), "x");
  EXPECT_EQ(func.getResultAttrOfType<StringAttr>(0, "onnx.name").getValue(),
            "y");
}

TEST_F(ImportONNXTest, DynamicDimensionNeedsInputShape) {
  FailureOr<OwningOpRef<ModuleOp>> module = importText(kRelu);
  EXPECT_TRUE(failed(module));
  EXPECT_NE(errors.find("graph input 'x' has a dynamic dimension 0 ('N')"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("--input-shape x="), std::string::npos) << errors;
}

TEST_F(ImportONNXTest, ConstantInputs) {
  constexpr StringLiteral model = R"(
<ir_version: 8, opset_import: ["" : 13]>
g (float[2,3] x, int64[2] shape) => (float[3,2] y) {
  y = Reshape(x, shape)
}
)";
  EXPECT_TRUE(failed(importText(model)));
  EXPECT_NE(errors.find("expected input 1 (shape) to be a constant"),
            std::string::npos)
      << errors;
  OnnxImportOptions options;
  options.constantInputs["shape"] =
      Tensor::getInt(IntegerType::get(&ctx, 64), {2}, {3, -1});
  FailureOr<OwningOpRef<ModuleOp>> module = importText(model, options);
  ASSERT_TRUE(succeeded(module)) << errors;
  auto func = (**module).lookupSymbol<func::FuncOp>("main");
  EXPECT_EQ(func.getNumArguments(), 1u);
  EXPECT_EQ(func.getResultTypes()[0],
            RankedTensorType::get({3, 2}, Float32Type::get(&ctx)));
  // A constant of the wrong type is rejected.
  options.constantInputs["shape"] =
      Tensor::getFloat(&ctx, {2}, std::vector<float>{3, -1});
  EXPECT_TRUE(failed(importText(model, options)));
  EXPECT_NE(errors.find("the constant for input 'shape'"), std::string::npos)
      << errors;
}

TEST_F(ImportONNXTest, NeededConstantInputsAreReported) {
  // `shape` reaches the Reshape through an Abs computed at run time; the
  // importer reports the graph input behind it.
  constexpr StringLiteral model = R"(
<ir_version: 8, opset_import: ["" : 13]>
g (float[2,3] x, int64[2] shape, float[2] unused) => (float[3,2] y) {
  s = Abs(shape)
  y = Reshape(x, s)
}
)";
  llvm::StringSet<> needed;
  OnnxImportOptions options;
  options.neededConstantInputs = &needed;
  EXPECT_TRUE(failed(importText(model, options)));
  EXPECT_EQ(needed.size(), 1u);
  EXPECT_TRUE(needed.contains("shape"));
  // With it as a constant the import succeeds.
  options.constantInputs["shape"] =
      Tensor::getInt(IntegerType::get(&ctx, 64), {2}, {3, 2});
  needed.clear();
  ASSERT_TRUE(succeeded(importText(model, options))) << errors;
  EXPECT_TRUE(needed.empty());
}

TEST_F(ImportONNXTest, GraphInputs) {
  SmallString<128> path;
  ASSERT_FALSE(
      llvm::sys::fs::createTemporaryFile("quantc-inputs", "onnxtxt", path));
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << R"(
<ir_version: 8, opset_import: ["" : 13]>
g (float[N,4] x, int64[2] s, float[4] w) => (float[N,4] y)
  <float[4] w = {1.0, 2.0, 3.0, 4.0}> {
  y = Add(x, w)
}
)";
  }
  llvm::Expected<SmallVector<OnnxGraphInput>> inputs =
      readOnnxGraphInputs(path);
  llvm::sys::fs::remove(path);
  ASSERT_TRUE(bool(inputs)) << llvm::toString(inputs.takeError());
  // The initializer w is not a graph input.
  ASSERT_EQ(inputs->size(), 2u);
  EXPECT_EQ((*inputs)[0].name, "x");
  EXPECT_EQ((*inputs)[0].dims, (SmallVector<int64_t>{-1, 4}));
  EXPECT_FALSE((*inputs)[0].isStatic());
  EXPECT_EQ((*inputs)[1].name, "s");
  EXPECT_TRUE((*inputs)[1].isStatic());

  llvm::Expected<SmallVector<OnnxGraphInput>> missing =
      readOnnxGraphInputs("/nonexistent/model.onnx");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("/nonexistent/model.onnx"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Locations and diagnostics.
//===----------------------------------------------------------------------===//

TEST_F(ImportONNXTest, NodeLocations) {
  Location loc = getOnnxNodeLoc(&ctx, "m.onnx", 4, "conv1", "Conv");
  std::optional<OnnxNodeLocation> node = getOnnxNodeLocation(loc);
  ASSERT_TRUE(node);
  EXPECT_EQ(node->file, "m.onnx");
  EXPECT_EQ(node->nodeIndex, 4u);
  EXPECT_EQ(node->nodeName, "conv1");
  EXPECT_EQ(node->opType, "Conv");
  // Found inside other locations too (e.g. after fusion by a later pass).
  Location fused = FusedLoc::get(&ctx, {UnknownLoc::get(&ctx), loc});
  ASSERT_TRUE(getOnnxNodeLocation(fused));
  EXPECT_EQ(getOnnxNodeLocation(fused)->nodeName, "conv1");
  EXPECT_FALSE(getOnnxNodeLocation(UnknownLoc::get(&ctx)));
  EXPECT_FALSE(getOnnxNodeLocation(NameLoc::get(StringAttr::get(&ctx, "x"),
                                                loc)) == std::nullopt);
}

TEST_F(ImportONNXTest, DiagnosticsNameTheNode) {
  std::string message;
  {
    ScopedDiagnosticHandler collect(&ctx, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    OnnxDiagnosticHandler handler(&ctx);
    emitError(getOnnxNodeLoc(&ctx, "m.onnx", 2, "head/fc", "Gemm"))
        << "something is wrong";
  }
  EXPECT_EQ(message, "node 'head/fc' (Gemm): something is wrong");
}

TEST_F(ImportONNXTest, UnsupportedOpsAreListedOnce) {
  constexpr StringLiteral model = R"(
<ir_version: 8, opset_import: ["" : 13]>
g (float[4] x) => (float[4] y) {
  a = Tan(x)
  b = Tan(a)
  y = Atan(b)
}
)";
  EXPECT_TRUE(failed(importText(model)));
  EXPECT_EQ(errors, "node 'Tan_0' (Tan): unsupported ONNX op 'Tan'\n"
                    "node 'Atan_2' (Atan): unsupported ONNX op 'Atan'\n");
}

//===----------------------------------------------------------------------===//
// TensorProto files.
//===----------------------------------------------------------------------===//

TEST_F(ImportONNXTest, TensorProtoRoundTrip) {
  auto i = [&](unsigned w, bool isUnsigned = false) -> Type {
    return IntegerType::get(
        &ctx, w, isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  };
  std::vector<Tensor> tensors = {
      Tensor::getFloat(&ctx, {2, 2}, {1.5f, -2.0f, 0.0f, 1e-8f}),
      Tensor::getInt(i(64), {3}, {-5, 0, INT64_MAX}),
      Tensor::getInt(i(32), {2}, {-7, 123456}),
      Tensor::getInt(i(8, true), {3}, {0, 200, 255}),
      Tensor::getInt(i(8), {2}, {-128, 127}),
      Tensor::getInt(i(1), {3}, {1, 0, 1}),
      Tensor::getInt(i(4), {3}, {-8, 7, -1}),
      Tensor::getInt(i(4, true), {2}, {15, 3}),
      Tensor::getFloat(&ctx, {}, {42.0f}),
  };
  for (const Tensor &t : tensors) {
    llvm::Expected<std::string> bytes = serializeTensorProto(t, "t");
    ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
    llvm::Expected<NamedTensor> back = parseTensorProto(&ctx, *bytes);
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->name, "t");
    EXPECT_EQ(back->tensor.getType(), t.getType());
    if (t.isFloat())
      EXPECT_EQ(back->tensor.getFloats(), t.getFloats());
    else
      EXPECT_EQ(back->tensor.getInts(), t.getInts());
  }
}

TEST_F(ImportONNXTest, TensorProtoFiles) {
  SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("quantc-tensor", "pb", path));
  Tensor t = Tensor::getFloat(&ctx, {3}, {1, 2, 3});
  ASSERT_FALSE(llvm::errorToBool(writeTensorProtoFile(t, path, "x")));
  llvm::Expected<NamedTensor> back = readTensorProtoFile(&ctx, path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->tensor.getFloats(), t.getFloats());
  llvm::sys::fs::remove(path);

  llvm::Expected<NamedTensor> missing =
      readTensorProtoFile(&ctx, "/nonexistent/input_0.pb");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("/nonexistent/input_0.pb"),
            std::string::npos);
  llvm::Expected<NamedTensor> garbage = parseTensorProto(&ctx, "\xff\xff\xff");
  ASSERT_FALSE(bool(garbage));
  EXPECT_NE(llvm::toString(garbage.takeError()).find("cannot parse"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// ONNX conformance data: import, evaluate, compare.
//===----------------------------------------------------------------------===//

constexpr StringLiteral kNodeTests = "/usr/share/libonnx-testdata/data/node";

class ConformanceTest : public ImportONNXTest,
                        public ::testing::WithParamInterface<const char *> {};

/// Runs node test `name`: input_0 is the function's input, the other inputs
/// (parameters the importer needs as constants) become constants; with a
/// trailing '*' every input is a constant (the graph folds at import).
TEST_P(ConformanceTest, MatchesExpectedOutput) {
  StringRef name = GetParam();
  bool allConstant = name.consume_back("*");
  SmallString<256> dir(kNodeTests);
  llvm::sys::path::append(dir, name);
  SmallString<256> data(dir);
  llvm::sys::path::append(data, "test_data_set_0");
  if (!llvm::sys::fs::is_directory(data))
    GTEST_SKIP() << "no ONNX conformance data at " << dir.str().str();

  OnnxImportOptions options;
  std::vector<Tensor> inputs;
  // The model's inputs are input_0.pb, input_1.pb, ... in order; their names
  // are stored in the files.
  for (int i = 0;; ++i) {
    SmallString<256> file(data);
    llvm::sys::path::append(file, "input_" + std::to_string(i) + ".pb");
    if (!llvm::sys::fs::exists(file))
      break;
    llvm::Expected<NamedTensor> t = readTensorProtoFile(&ctx, file);
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    if (i == 0 && !allConstant)
      inputs.push_back(std::move(t->tensor));
    else
      options.constantInputs[t->name] = std::move(t->tensor);
  }
  SmallString<256> model(dir);
  llvm::sys::path::append(model, "model.onnx");
  errors.clear();
  FailureOr<OwningOpRef<ModuleOp>> module;
  {
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      if (diag.getSeverity() == DiagnosticSeverity::Error)
        errors += diag.str() + "\n";
      return success();
    });
    module = importOnnxModel(&ctx, model, options);
  }
  ASSERT_TRUE(succeeded(module)) << errors;
  auto func = (**module).lookupSymbol<func::FuncOp>("main");
  ASSERT_TRUE(func);
  FailureOr<SmallVector<Tensor>> results = evaluateFunction(func, inputs);
  ASSERT_TRUE(succeeded(results));

  SmallString<256> expectedFile(data);
  llvm::sys::path::append(expectedFile, "output_0.pb");
  llvm::Expected<NamedTensor> expected =
      readTensorProtoFile(&ctx, expectedFile);
  ASSERT_TRUE(bool(expected)) << llvm::toString(expected.takeError());
  const Tensor &got = results->front(), &want = expected->tensor;
  ASSERT_EQ(got.getShape(), want.getShape());
  ASSERT_EQ(got.isFloat(), want.isFloat());
  if (!want.isFloat()) {
    EXPECT_EQ(got.getInts(), want.getInts());
    return;
  }
  for (int64_t i = 0; i < want.getNumElements(); ++i) {
    float g = got.getFloats()[i], w = want.getFloats()[i];
    EXPECT_NEAR(g, w, 1e-4f + 1e-3f * std::fabs(w)) << "element " << i;
  }
}

// Ops whose import resolves opset differences, attributes that became
// inputs, auto_pad, or quantization parameters.
INSTANTIATE_TEST_SUITE_P(
    NodeTests, ConformanceTest,
    ::testing::Values(
        "test_averagepool_2d_ceil", "test_averagepool_2d_same_lower",
        "test_averagepool_2d_pads_count_include_pad",
        "test_maxpool_2d_same_upper", "test_conv_with_autopad_same",
        "test_conv_with_strides_and_asymmetric_padding",
        "test_convtranspose_output_shape", "test_convtranspose_pads",
        "test_convtranspose_autopad_same", "test_clip_splitbounds",
        "test_constant_pad", "test_reflect_pad", "test_edge_pad",
        "test_reshape_negative_extended_dims", "test_reshape_zero_dim",
        "test_reshape_allowzero_reordered", "test_slice_neg_steps",
        "test_slice_negative_axes", "test_split_variable_parts_2d",
        "test_squeeze_negative_axes", "test_unsqueeze_two_axes",
        "test_expand_dim_changed", "test_gather_negative_indices",
        "test_softmax_axis_1", "test_logsoftmax_axis_0",
        "test_reduce_mean_keepdims_example",
        "test_reduce_sum_empty_axes_input_noop_example",
        "test_resize_upsample_scales_nearest",
        "test_resize_downsample_sizes_nearest",
        "test_resize_upsample_scales_linear_align_corners",
        "test_resize_downsample_scales_linear",
        "test_resize_upsample_sizes_nearest_ceil_half_pixel",
        "test_resize_upsample_scales_cubic",
        "test_resize_downsample_sizes_linear_pytorch_half_pixel",
        "test_upsample_nearest", "test_gemm_all_attributes",
        "test_batchnorm_epsilon", "test_quantizelinear_axis",
        "test_dequantizelinear_axis", "test_qlinearconv", "test_matmulinteger",
        "test_convinteger_with_padding", "test_dynamicquantizelinear",
        "test_qlinearmatmul_2D", "test_qlinearmatmul_3D",
        "test_shape_start_1_end_negative_1",
        "test_range_int32_type_negative_delta*"));
// test_qlinearmatmul_*: the constant uint8 weight is an i8 (signless
// storage) constant with a quant.scast to a u8 type, whose bits the evaluator
// reinterprets (the bit pattern -104 is 152).

} // namespace

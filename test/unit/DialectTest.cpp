//===- DialectTest.cpp - building qc ops from C++ -------------------------===//
//
// The importer builds ops through inferReturnTypes; it must report bad
// shapes as diagnostics at the given location instead of crashing.
//
//===----------------------------------------------------------------------===//

#include "qc/QCOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qc;

namespace {
struct DialectTest : ::testing::Test {
  DialectTest() {
    ctx.loadDialect<QCDialect, func::FuncDialect>();
    f32 = Float32Type::get(&ctx);
  }
  /// A block argument of the given shape to build ops on.
  Value arg(ArrayRef<int64_t> shape) {
    return block.addArgument(RankedTensorType::get(shape, f32),
                             UnknownLoc::get(&ctx));
  }
  MLIRContext ctx;
  Block block;
  Type f32;
};
} // namespace

TEST_F(DialectTest, ConvInfersOutputShape) {
  OpBuilder b(&ctx);
  b.setInsertionPointToEnd(&block);
  Location loc = NameLoc::get(b.getStringAttr("conv1"));
  Value x = arg({1, 3, 640, 640}), w = arg({8, 3, 3, 3});
  SmallVector<Type> types;
  ConvOp::Properties props;
  props.strides = b.getDenseI64ArrayAttr({2, 2});
  props.pads = b.getDenseI64ArrayAttr({1, 1, 1, 1});
  props.group = b.getI64IntegerAttr(1);
  ASSERT_TRUE(succeeded(ConvOp::inferReturnTypes(&ctx, loc, ValueRange{x, w},
                                                 DictionaryAttr::get(&ctx),
                                                 &props, {}, types)));
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(cast<RankedTensorType>(types[0]).getShape(),
            ArrayRef<int64_t>({1, 8, 320, 320}));
}

TEST_F(DialectTest, InferenceReportsErrorsAtTheLocation) {
  Location loc = NameLoc::get(StringAttr::get(&ctx, "/backbone/Add_3"));
  Value a = arg({2, 3}), c = arg({4, 3});
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(message);
    os << diag.getLocation() << ": " << diag;
    return success();
  });
  SmallVector<Type> types;
  EXPECT_TRUE(failed(AddOp::inferReturnTypes(&ctx, loc, ValueRange{a, c},
                                             DictionaryAttr::get(&ctx), nullptr,
                                             {}, types)));
  EXPECT_EQ(message, "loc(\"/backbone/Add_3\"): 'qc.add' op operand shapes "
                     "[2, 3] and [4, 3] are not broadcast-compatible");
}

TEST_F(DialectTest, VerifierRejectsWhatInferenceRejects) {
  OpBuilder b(&ctx);
  auto module = ModuleOp::create(UnknownLoc::get(&ctx));
  b.setInsertionPointToEnd(module.getBody());
  Value a = arg({2, 3}), c = arg({3, 5});
  // Build with a wrong explicit result type; the verifier must catch it.
  auto bad = MatMulOp::create(b, UnknownLoc::get(&ctx),
                              RankedTensorType::get({2, 4}, f32), a, c);
  std::string message;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(message);
    os << diag << "\n";
    return success();
  });
  EXPECT_TRUE(failed(verify(bad)));
  EXPECT_EQ(message,
            "'qc.matmul' op inferred type(s) 'tensor<2x5xf32>' are "
            "incompatible with return type(s) of operation "
            "'tensor<2x4xf32>'\n'qc.matmul' op failed to infer returned "
            "types\n");
  bad->erase();
  module->erase();
}

//===- ConstantsTest.cpp - dense and dense_resource constants -------------===//

#include "quantc/Support/Constants.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::qc;

TEST(Constants, ResourceRoundTrip) {
  MLIRContext ctx;
  auto type = RankedTensorType::get({2, 3}, Float32Type::get(&ctx));
  std::vector<float> data = {1.5f, -2.0f, 0.0f, 3.25f, 1e-8f, -7.0f};
  DenseResourceElementsAttr attr = makeF32Resource(type, "w", data);
  auto back = readFloatElements(cast<ElementsAttr>(attr));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, data);
}

TEST(Constants, DenseF16IsWidened) {
  MLIRContext ctx;
  auto type = RankedTensorType::get({3}, Float16Type::get(&ctx));
  SmallVector<APFloat> values;
  for (float f : {0.5f, -1.25f, 65504.0f}) {
    APFloat v(f);
    bool lost;
    v.convert(APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &lost);
    values.push_back(v);
  }
  auto attr = DenseElementsAttr::get(type, values);
  auto back = readFloatElements(cast<ElementsAttr>(attr));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, (std::vector<float>{0.5f, -1.25f, 65504.0f}));
}

TEST(Constants, IntegerConstantsAreNotFloat) {
  MLIRContext ctx;
  auto type = RankedTensorType::get({2}, IntegerType::get(&ctx, 32));
  auto attr = DenseElementsAttr::get(type, ArrayRef<int32_t>{1, 2});
  EXPECT_FALSE(readFloatElements(cast<ElementsAttr>(attr)).has_value());
}

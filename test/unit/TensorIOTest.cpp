//===- TensorIOTest.cpp - Tensor attributes and .npy files ----------------===//

#include "EvalTestUtils.h"

#include "quantc/Analysis/TensorIO.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::test;

namespace {

class TensorIOTest : public EvalTest {
protected:
  /// The error message of a failed parse (empty if it succeeded).
  std::string parseError(StringRef bytes, StringRef name = "t.npy") {
    llvm::Expected<Tensor> t = parseNpy(bytes, name, &ctx);
    if (t)
      return "";
    return llvm::toString(t.takeError());
  }

  /// A .npy file (version 1.0) with `dict` as its header and `data` after.
  static std::string npyV1(StringRef dict, StringRef data) {
    std::string header = dict.str();
    while ((10 + header.size() + 1) % 64)
      header += ' ';
    header += '\n';
    std::string out("\x93NUMPY\x01\x00", 8);
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    return out + header + data.str();
  }
};

//===----------------------------------------------------------------------===//
// Tensor and attributes.
//===----------------------------------------------------------------------===//

TEST_F(TensorIOTest, BasicAccessors) {
  Tensor t = f32({2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_TRUE(t.isFloat());
  EXPECT_EQ(t.getNumElements(), 6);
  EXPECT_EQ(t.getRank(), 2);
  EXPECT_EQ(t.getStrides(), (SmallVector<int64_t>{3, 1}));
  EXPECT_EQ(t.getType(), RankedTensorType::get({2, 3}, Float32Type::get(&ctx)));
  Tensor z = Tensor::getZeros(RankedTensorType::get({4}, intType(8)));
  EXPECT_FALSE(z.isFloat());
  EXPECT_EQ(z.getInts().size(), 4u);
  Tensor scalar = f32({}, {7});
  EXPECT_EQ(scalar.getNumElements(), 1);
}

TEST_F(TensorIOTest, FromDenseAttr) {
  auto type = RankedTensorType::get({3}, Float32Type::get(&ctx));
  auto attr = DenseElementsAttr::get(type, ArrayRef<float>{1.5f, -2, 0});
  FailureOr<Tensor> t = Tensor::fromAttr(cast<ElementsAttr>(attr));
  ASSERT_TRUE(succeeded(t));
  EXPECT_TRUE(allClose(t->getFloats(), {1.5f, -2, 0}));

  // Splats expand; i1 reads as 0/1; ui8 reads unsigned; i8 signed.
  auto splat = DenseElementsAttr::get(
      RankedTensorType::get({2, 2}, Float32Type::get(&ctx)), 3.0f);
  EXPECT_EQ(Tensor::fromAttr(cast<ElementsAttr>(splat))->getFloats().size(),
            4u);
  auto bools = DenseElementsAttr::get(RankedTensorType::get({2}, intType(1)),
                                      ArrayRef<bool>{true, false});
  EXPECT_EQ(Tensor::fromAttr(cast<ElementsAttr>(bools))->getInts(),
            ArrayRef<int64_t>({1, 0}));
  auto u8 = DenseElementsAttr::get(RankedTensorType::get({2}, intType(8, true)),
                                   ArrayRef<uint8_t>{200, 3});
  EXPECT_EQ(Tensor::fromAttr(cast<ElementsAttr>(u8))->getInts(),
            ArrayRef<int64_t>({200, 3}));
  auto i8 = DenseElementsAttr::get(RankedTensorType::get({2}, intType(8)),
                                   ArrayRef<int8_t>{-56, 3});
  EXPECT_EQ(Tensor::fromAttr(cast<ElementsAttr>(i8))->getInts(),
            ArrayRef<int64_t>({-56, 3}));

  // Other element types are refused.
  auto f16 = DenseElementsAttr::get(
      RankedTensorType::get({1}, Float16Type::get(&ctx)),
      ArrayRef<APFloat>{APFloat(APFloat::IEEEhalf(), "1.0")});
  EXPECT_TRUE(failed(Tensor::fromAttr(cast<ElementsAttr>(f16))));
}

TEST_F(TensorIOTest, AttrRoundTrip) {
  // Small tensors become dense attributes, large ones dense_resource blobs.
  std::vector<float> data = randomFloats(40, 1);
  Tensor t = f32({5, 8}, data);
  ElementsAttr small = t.toAttr("w", /*resourceThreshold=*/100);
  EXPECT_TRUE(isa<DenseElementsAttr>(small));
  ElementsAttr big = t.toAttr("w", /*resourceThreshold=*/16);
  EXPECT_TRUE(isa<DenseResourceElementsAttr>(big));
  for (ElementsAttr attr : {small, big}) {
    FailureOr<Tensor> back = Tensor::fromAttr(attr);
    ASSERT_TRUE(succeeded(back));
    EXPECT_EQ(back->getShape(), ArrayRef<int64_t>({5, 8}));
    EXPECT_EQ(
        std::vector<float>(back->getFloats().begin(), back->getFloats().end()),
        data);
  }
  for (auto [width, isUnsigned] : {std::pair<unsigned, bool>{1, false},
                                   {8, false},
                                   {8, true},
                                   {16, false},
                                   {32, false},
                                   {64, false}}) {
    std::vector<int64_t> values;
    for (int64_t i = 0; i < 20; ++i)
      values.push_back(width == 1 ? i % 2
                                  : (isUnsigned ? i * 12 : (i - 10) * 11));
    Tensor ti = ints(intType(width, isUnsigned), {20}, values);
    for (int64_t threshold : {0, 100}) {
      FailureOr<Tensor> back = Tensor::fromAttr(ti.toAttr("c", threshold));
      ASSERT_TRUE(succeeded(back)) << "width " << width;
      EXPECT_EQ(back->getElementType(), ti.getElementType());
      EXPECT_EQ(back->getInts(), ti.getInts()) << "width " << width;
    }
  }
}

TEST_F(TensorIOTest, QuantizedToAttrUsesStorage) {
  Type q = quant::UniformQuantizedType::get(quant::QuantizationFlags::Signed,
                                            intType(8), Float32Type::get(&ctx),
                                            0.5, 0, -128, 127);
  Tensor t = ints(q, {3}, {-128, 0, 127});
  ElementsAttr attr = t.toAttr();
  EXPECT_EQ(attr.getElementType(), intType(8));
  EXPECT_EQ(Tensor::fromAttr(attr)->getInts(), t.getInts());
}

//===----------------------------------------------------------------------===//
// .npy files.
//===----------------------------------------------------------------------===//

TEST_F(TensorIOTest, NpyRoundTripEveryDtype) {
  SmallVector<Tensor> tensors;
  tensors.push_back(f32({2, 3}, {1.5f, -2, 0, 3.25f, 1e-8f, -7}));
  tensors.push_back(f32({}, {42}));
  tensors.push_back(f32({0, 4}, {}));
  tensors.push_back(i64({3}, {INT64_MIN, 0, INT64_MAX}));
  tensors.push_back(ints(intType(32), {2}, {-2147483647 - 1, 2147483647}));
  tensors.push_back(ints(intType(16), {2}, {-32768, 300}));
  tensors.push_back(ints(intType(8), {2, 1}, {-128, 127}));
  tensors.push_back(ints(intType(8, true), {3}, {0, 200, 255}));
  tensors.push_back(ints(intType(1), {4}, {1, 0, 0, 1}));
  for (const Tensor &t : tensors) {
    llvm::Expected<std::string> bytes = encodeNpy(t);
    ASSERT_TRUE(bool(bytes)) << llvm::toString(bytes.takeError());
    // Like numpy, the data starts at a multiple of 64 bytes.
    size_t headerLen = static_cast<uint8_t>((*bytes)[8]) |
                       (static_cast<uint8_t>((*bytes)[9]) << 8);
    EXPECT_EQ((10 + headerLen) % 64, 0u);
    llvm::Expected<Tensor> back = parseNpy(*bytes, "t.npy", &ctx);
    ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->getShape(), t.getShape());
    EXPECT_EQ(back->getElementType(), t.getElementType());
    if (t.isFloat())
      EXPECT_EQ(std::vector<float>(back->getFloats().begin(),
                                   back->getFloats().end()),
                std::vector<float>(t.getFloats().begin(), t.getFloats().end()));
    else
      EXPECT_EQ(back->getInts(), t.getInts());
  }
}

TEST_F(TensorIOTest, NpyHeaderIsNumpyCompatible) {
  // What numpy writes for np.array([[1.5, -2, 3.25], [0, 7, -0.5]], 'f4').
  Tensor t = f32({2, 3}, {1.5f, -2, 3.25f, 0, 7, -0.5f});
  std::string bytes = cantFail(encodeNpy(t));
  std::string expected =
      npyV1("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
            StringRef("\x00\x00\xc0\x3f\x00\x00\x00\xc0\x00\x00\x50\x40"
                      "\x00\x00\x00\x00\x00\x00\xe0\x40\x00\x00\x00\xbf",
                      24));
  EXPECT_EQ(bytes.size(), 152u);
  EXPECT_EQ(bytes, expected);
  // A 1-D shape is written "(5,)", a scalar "()".
  EXPECT_NE(cantFail(encodeNpy(f32({5}, {1, 2, 3, 4, 5}))).find("(5,)"),
            std::string::npos);
  EXPECT_NE(cantFail(encodeNpy(f32({}, {1}))).find("'shape': ()"),
            std::string::npos);
}

TEST_F(TensorIOTest, NpyReadsVersion2AndDoubles) {
  // numpy's version 2.0 file of np.array([1, -2, 300], 'i2').
  std::string header =
      "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }";
  while ((12 + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::string v2("\x93NUMPY\x02\x00", 8);
  for (int k = 0; k < 4; ++k)
    v2 += static_cast<char>((header.size() >> (8 * k)) & 0xff);
  v2 += header + std::string("\x01\x00\xfe\xff\x2c\x01", 6);
  llvm::Expected<Tensor> t = parseNpy(v2, "v2.npy", &ctx);
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->getElementType(), intType(16));
  EXPECT_EQ(t->getInts(), ArrayRef<int64_t>({1, -2, 300}));

  double d[2] = {0.1, -3.0};
  std::string f8 =
      npyV1("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }",
            StringRef(reinterpret_cast<const char *>(d), 16));
  llvm::Expected<Tensor> td = parseNpy(f8, "d.npy", &ctx);
  ASSERT_TRUE(bool(td)) << llvm::toString(td.takeError());
  EXPECT_TRUE(td->isFloat());
  EXPECT_EQ(td->getFloats()[0], 0.1f);
  EXPECT_EQ(td->getFloats()[1], -3.0f);
}

TEST_F(TensorIOTest, NpyErrorsNameTheFile) {
  std::string good =
      npyV1("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
            StringRef("\0\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(parseError(good), "");

  EXPECT_EQ(parseError("hello", "x.npy"),
            "x.npy: not a .npy file (expected the magic string "
            "\"\\x93NUMPY\" at the start)");
  EXPECT_EQ(parseError(good.substr(0, 40), "x.npy"),
            "x.npy: truncated .npy header (expected 118 header bytes, found "
            "30)");
  EXPECT_EQ(parseError(good.substr(0, good.size() - 3), "x.npy"),
            "x.npy: expected 8 data bytes for shape (2) and dtype '<f4', "
            "found 5 (truncated file)");
  EXPECT_EQ(parseError(good + "abc", "x.npy"),
            "x.npy: expected 8 data bytes for shape (2) and dtype '<f4', "
            "found 11");
  EXPECT_EQ(parseError(npyV1("{'descr': '<f4', 'fortran_order': True, 'shape': "
                             "(2,), }",
                             StringRef("\0\0\0\0\0\0\0\0", 8)),
                       "x.npy"),
            "x.npy: Fortran-order arrays are not supported (expected "
            "fortran_order False)");
  EXPECT_EQ(parseError(npyV1("{'descr': '>f4', 'fortran_order': False, "
                             "'shape': (2,), }",
                             StringRef("\0\0\0\0\0\0\0\0", 8)),
                       "x.npy"),
            "x.npy: big-endian data ('>f4') is not supported");
  EXPECT_EQ(parseError(npyV1("{'descr': '<c8', 'fortran_order': False, "
                             "'shape': (1,), }",
                             StringRef("\0\0\0\0\0\0\0\0", 8)),
                       "x.npy"),
            "x.npy: unsupported dtype '<c8' (expected '<f4', '<f8', '<i8', "
            "'<i4', '<i2', '|i1', '|u1' or '|b1')");
  EXPECT_EQ(parseError(npyV1("{'descr': '<f4', 'shape': (1,), }",
                             StringRef("\0\0\0\0", 4)),
                       "x.npy"),
            "x.npy: malformed .npy header: expected the keys 'descr', "
            "'fortran_order' and 'shape' in the header");
  EXPECT_EQ(parseError(npyV1("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (1, -2), }",
                             ""),
                       "x.npy"),
            "x.npy: malformed .npy header: expected a tuple of non-negative "
            "integers for 'shape'");
  EXPECT_EQ(parseError(npyV1("[1, 2]", ""), "x.npy"),
            "x.npy: malformed .npy header: expected '{' at the start of the "
            "header");
  std::string v9 = good;
  v9[6] = 9;
  EXPECT_EQ(parseError(v9, "x.npy"),
            "x.npy: unsupported .npy format version 9.0 (expected 1.0, 2.0 "
            "or 3.0)");
  // A shape whose element count overflows is an error, not a huge alloc.
  EXPECT_NE(parseError(npyV1("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (999999999999, 999999999999), }",
                             "")),
            "");
}

TEST_F(TensorIOTest, NpyFiles) {
  SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("npy-test", dir));
  SmallString<128> path(dir);
  llvm::sys::path::append(path, "a.npy");
  Tensor t = ints(intType(8, true), {2, 2}, {0, 1, 254, 255});
  ASSERT_FALSE(bool(writeNpy(t, path)));
  llvm::Expected<Tensor> back = readNpy(path, &ctx);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->getInts(), t.getInts());

  SmallString<128> missing(dir);
  llvm::sys::path::append(missing, "missing.npy");
  llvm::Expected<Tensor> none = readNpy(missing, &ctx);
  ASSERT_FALSE(bool(none));
  std::string msg = llvm::toString(none.takeError());
  EXPECT_NE(msg.find(missing.str().str() + ": cannot read the file"),
            std::string::npos)
      << msg;

  SmallString<128> badDir(dir);
  llvm::sys::path::append(badDir, "no-such-dir", "x.npy");
  llvm::Error err = writeNpy(t, badDir);
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find(badDir.str().str()),
            std::string::npos);
  llvm::sys::fs::remove_directories(dir);
}

} // namespace

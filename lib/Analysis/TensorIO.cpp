//===- TensorIO.cpp - NumPy .npy files for host tensors -------------------===//
//
// The format: the magic "\x93NUMPY", a major and a minor version byte, the
// header length (2 bytes little-endian in version 1, 4 bytes in versions 2
// and 3), then a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and ended by '\n', then the raw data.
//
//===----------------------------------------------------------------------===//

#include "quantc/Analysis/TensorIO.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qc;

namespace {

enum class Kind { Float, Signed, Unsigned, Bool };

struct Dtype {
  Kind kind;
  unsigned bytes;
};

/// A minimal parser for the header's dict literal.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  bool parse(std::string &descr, bool &fortran, SmallVector<int64_t> &shape,
             std::string &error) {
    bool haveDescr = false, haveFortran = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail(error, "expected '{' at the start of the header");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(key))
        return fail(error, "expected a quoted key in the header");
      skipSpace();
      if (!consume(':'))
        return fail(error, "expected ':' after key '" + key + "'");
      skipSpace();
      if (key == "descr") {
        if (!parseString(descr))
          return fail(error, "expected a string dtype for 'descr' (structured "
                             "dtypes are not supported)");
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (consumeWord("True"))
          fortran = true;
        else if (consumeWord("False"))
          fortran = false;
        else
          return fail(error, "expected True or False for 'fortran_order'");
        haveFortran = true;
      } else if (key == "shape") {
        if (!parseShape(shape))
          return fail(error, "expected a tuple of non-negative integers for "
                             "'shape'");
        haveShape = true;
      } else {
        return fail(error, "unexpected key '" + key + "' in the header");
      }
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume('}'))
        break;
      return fail(error, "expected ',' or '}' in the header");
    }
    if (!haveDescr || !haveFortran || !haveShape)
      return fail(error, "expected the keys 'descr', 'fortran_order' and "
                         "'shape' in the header");
    return true;
  }

private:
  bool fail(std::string &error, const std::string &msg) {
    error = msg;
    return false;
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  bool consumeWord(StringRef word) {
    if (text.substr(pos).starts_with(word)) {
      pos += word.size();
      return true;
    }
    return false;
  }
  bool parseString(std::string &out) {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == StringRef::npos)
      return false;
    out = text.substr(pos, end - pos).str();
    pos = end + 1;
    return true;
  }
  bool parseShape(SmallVector<int64_t> &shape) {
    if (!consume('('))
      return false;
    while (true) {
      skipSpace();
      if (consume(')'))
        return true;
      size_t start = pos;
      while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9')
        ++pos;
      if (pos == start || pos - start > 18)
        return false;
      int64_t v = 0;
      if (text.substr(start, pos - start).getAsInteger(10, v))
        return false;
      shape.push_back(v);
      consume('L'); // Python 2 longs
      skipSpace();
      if (consume(','))
        continue;
      skipSpace();
      if (consume(')'))
        return true;
      return false;
    }
  }

  StringRef text;
  size_t pos = 0;
};

} // namespace

static llvm::Error makeError(StringRef name, const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 name + ": " + msg);
}

static std::optional<Dtype> parseDtype(StringRef descr) {
  if (descr.size() != 3)
    return std::nullopt;
  char order = descr[0];
  StringRef code = descr.drop_front();
  bool little = order == '<' || order == '=';
  bool single = order == '|' || little;
  if (code == "f4" && little)
    return Dtype{Kind::Float, 4};
  if (code == "f8" && little)
    return Dtype{Kind::Float, 8};
  if (code == "i8" && little)
    return Dtype{Kind::Signed, 8};
  if (code == "i4" && little)
    return Dtype{Kind::Signed, 4};
  if (code == "i2" && little)
    return Dtype{Kind::Signed, 2};
  if (code == "i1" && single)
    return Dtype{Kind::Signed, 1};
  if (code == "u1" && single)
    return Dtype{Kind::Unsigned, 1};
  if (code == "b1" && single)
    return Dtype{Kind::Bool, 1};
  return std::nullopt;
}

llvm::Expected<Tensor> mlir::qc::parseNpy(StringRef bytes, StringRef name,
                                          MLIRContext *ctx) {
  static constexpr char kMagic[] = "\x93NUMPY";
  if (bytes.size() < 10 || !bytes.starts_with(StringRef(kMagic, 6)))
    return makeError(name, "not a .npy file (expected the magic string "
                           "\"\\x93NUMPY\" at the start)");
  auto byteAt = [&](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  unsigned major = byteAt(6);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = byteAt(8) | (byteAt(9) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      return makeError(name, "truncated .npy header");
    headerLen = static_cast<size_t>(byteAt(8)) | (byteAt(9) << 8) |
                (byteAt(10) << 16) | (static_cast<size_t>(byteAt(11)) << 24);
    headerStart = 12;
  } else {
    return makeError(name, "unsupported .npy format version " + Twine(major) +
                               "." + Twine(static_cast<unsigned>(byteAt(7))) +
                               " (expected 1.0, 2.0 or 3.0)");
  }
  if (bytes.size() - headerStart < headerLen)
    return makeError(name, "truncated .npy header (expected " +
                               Twine(headerLen) + " header bytes, found " +
                               Twine(bytes.size() - headerStart) + ")");
  StringRef header = bytes.substr(headerStart, headerLen);

  std::string descr, error;
  bool fortran = false;
  SmallVector<int64_t> shape;
  if (!HeaderParser(header).parse(descr, fortran, shape, error))
    return makeError(name, "malformed .npy header: " + error);
  if (fortran)
    return makeError(name, "Fortran-order arrays are not supported (expected "
                           "fortran_order False)");
  std::optional<Dtype> dtype = parseDtype(descr);
  if (!dtype) {
    if (!descr.empty() && descr[0] == '>')
      return makeError(name,
                       "big-endian data ('" + descr + "') is not supported");
    return makeError(name, "unsupported dtype '" + descr +
                               "' (expected '<f4', '<f8', '<i8', '<i4', "
                               "'<i2', '|i1', '|u1' or '|b1')");
  }

  StringRef data = bytes.drop_front(headerStart + headerLen);
  // Count elements without overflowing: every factor is bounded by the data.
  uint64_t count = 1;
  bool overflow = false;
  for (int64_t d : shape) {
    if (d != 0 && count > std::numeric_limits<uint64_t>::max() / 16 / d)
      overflow = true;
    count *= d;
  }
  if (overflow || count * dtype->bytes != data.size()) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    os << "expected ";
    if (overflow)
      os << "an impossible number of";
    else
      os << count * dtype->bytes;
    os << " data bytes for shape (";
    llvm::interleaveComma(shape, os);
    os << ") and dtype '" << descr << "', found " << data.size();
    if (!overflow && count * dtype->bytes > data.size())
      os << " (truncated file)";
    return makeError(name, msg);
  }

  const char *p = data.data();
  int64_t n = static_cast<int64_t>(count);
  if (dtype->kind == Kind::Float) {
    std::vector<float> values(n);
    if (dtype->bytes == 4) {
      std::memcpy(values.data(), p, n * 4);
    } else {
      for (int64_t i = 0; i < n; ++i) {
        double v;
        std::memcpy(&v, p + 8 * i, 8);
        values[i] = static_cast<float>(v);
      }
    }
    return Tensor::getFloat(ctx, shape, std::move(values));
  }
  std::vector<int64_t> values(n);
  for (int64_t i = 0; i < n; ++i) {
    const auto *b = reinterpret_cast<const uint8_t *>(p + i * dtype->bytes);
    uint64_t u = 0;
    for (unsigned k = 0; k < dtype->bytes; ++k)
      u |= static_cast<uint64_t>(b[k]) << (8 * k);
    unsigned bits = 8 * dtype->bytes;
    if (dtype->kind == Kind::Bool)
      values[i] = u != 0;
    else if (dtype->kind == Kind::Unsigned || bits == 64)
      values[i] = static_cast<int64_t>(u);
    else
      values[i] = static_cast<int64_t>(u << (64 - bits)) >> (64 - bits);
  }
  Type elem;
  switch (dtype->kind) {
  case Kind::Bool:
    elem = IntegerType::get(ctx, 1);
    break;
  case Kind::Unsigned:
    elem = IntegerType::get(ctx, 8, IntegerType::Unsigned);
    break;
  default:
    elem = IntegerType::get(ctx, 8 * dtype->bytes);
    break;
  }
  return Tensor::getInt(elem, shape, std::move(values));
}

llvm::Expected<Tensor> mlir::qc::readNpy(StringRef path, MLIRContext *ctx) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return makeError(path,
                     "cannot read the file: " + buffer.getError().message());
  return parseNpy((*buffer)->getBuffer(), path, ctx);
}

/// The .npy dtype of a tensor's element type.
static std::optional<std::pair<std::string, unsigned>> npyDtype(Type elem) {
  if (elem.isF32())
    return std::make_pair(std::string("<f4"), 4u);
  unsigned width;
  bool isUnsigned;
  if (auto i = dyn_cast<IntegerType>(elem)) {
    width = i.getWidth();
    isUnsigned = i.isUnsigned();
    if (width == 1)
      return std::make_pair(std::string("|b1"), 1u);
  } else if (auto q = dyn_cast<quant::QuantizedType>(elem)) {
    width = q.getStorageTypeIntegralWidth();
    isUnsigned = !q.isSigned();
  } else {
    return std::nullopt;
  }
  unsigned bytes = width <= 8 ? 1 : width <= 16 ? 2 : width <= 32 ? 4 : 8;
  if (width > 64)
    return std::nullopt;
  std::string descr = bytes == 1 ? "|" : "<";
  descr += isUnsigned ? 'u' : 'i';
  descr += std::to_string(bytes);
  return std::make_pair(descr, bytes);
}

llvm::Expected<std::string> mlir::qc::encodeNpy(const Tensor &t) {
  Type elem = t.getElementType();
  std::optional<std::pair<std::string, unsigned>> dtype =
      elem ? npyDtype(elem) : std::nullopt;
  if (!dtype) {
    std::string s;
    llvm::raw_string_ostream os(s);
    os << "cannot write elements of type ";
    if (elem)
      os << elem;
    else
      os << "<none>";
    os << " to a .npy file";
    return llvm::createStringError(llvm::inconvertibleErrorCode(), s);
  }
  std::string dict =
      "{'descr': '" + dtype->first + "', 'fortran_order': False, 'shape': (";
  for (int64_t d : t.getShape())
    dict += std::to_string(d) + ", ";
  if (t.getRank() > 1)
    dict.resize(dict.size() - 2);
  else if (t.getRank() == 1)
    dict.pop_back(); // "(5,)"
  dict += "), }";
  // Pad with spaces so that the data starts at a multiple of 64 bytes.
  size_t prefix = 10;
  size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  bool v2 = total - prefix > 65535;
  if (v2) {
    prefix = 12;
    total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  }
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';

  std::string out("\x93NUMPY", 6);
  out += static_cast<char>(v2 ? 2 : 1);
  out += '\0';
  size_t len = dict.size();
  for (unsigned k = 0; k < (v2 ? 4u : 2u); ++k)
    out += static_cast<char>((len >> (8 * k)) & 0xff);
  out += dict;

  int64_t n = t.getNumElements();
  unsigned bytes = dtype->second;
  size_t offset = out.size();
  out.resize(offset + n * bytes);
  char *p = out.data() + offset;
  if (t.isFloat()) {
    std::memcpy(p, t.getFloats().data(), n * 4);
  } else {
    ArrayRef<int64_t> ints = t.getInts();
    for (int64_t i = 0; i < n; ++i) {
      auto u = static_cast<uint64_t>(ints[i]);
      for (unsigned k = 0; k < bytes; ++k)
        p[i * bytes + k] = static_cast<char>((u >> (8 * k)) & 0xff);
    }
  }
  return out;
}

llvm::Error mlir::qc::writeNpy(const Tensor &t, StringRef path) {
  llvm::Expected<std::string> bytes = encodeNpy(t);
  if (!bytes)
    return makeError(path, llvm::toString(bytes.takeError()));
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return makeError(path, "cannot open the file for writing: " + ec.message());
  os << *bytes;
  os.close();
  if (os.has_error())
    return makeError(path, "cannot write the file: " + os.error().message());
  return llvm::Error::success();
}

//===- ExportContext.cpp - names, nodes, initializers of an ONNX export ---===//

#include "ExportContext.h"

#include "quantc/Support/Constants.h"

#include "qc/QCOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"

#include <cstring>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_export;

//===----------------------------------------------------------------------===//
// Data types.
//===----------------------------------------------------------------------===//

unsigned mlir::qc::onnx_export::getIntegerWidth(int32_t dtype) {
  switch (dtype) {
  case kInt4:
  case kUint4:
    return 4;
  case kBool:
  case kInt8:
  case kUint8:
    return 8;
  case kInt16:
  case kUint16:
    return 16;
  case kInt32:
  case kUint32:
    return 32;
  case kInt64:
  case kUint64:
    return 64;
  default:
    return 0;
  }
}

bool mlir::qc::onnx_export::isSignedInteger(int32_t dtype) {
  return dtype == kInt4 || dtype == kInt8 || dtype == kInt16 ||
         dtype == kInt32 || dtype == kInt64;
}

StringRef mlir::qc::onnx_export::getDataTypeName(int32_t dtype) {
  switch (dtype) {
  case kFloat:
    return "float";
  case kUint8:
    return "uint8";
  case kInt8:
    return "int8";
  case kUint16:
    return "uint16";
  case kInt16:
    return "int16";
  case kInt32:
    return "int32";
  case kInt64:
    return "int64";
  case kBool:
    return "bool";
  case kFloat16:
    return "float16";
  case kDouble:
    return "double";
  case kUint32:
    return "uint32";
  case kUint64:
    return "uint64";
  case kBfloat16:
    return "bfloat16";
  case kUint4:
    return "uint4";
  case kInt4:
    return "int4";
  default:
    return "undefined";
  }
}

static int32_t integerDataType(unsigned width, bool isSigned, int64_t opset) {
  switch (width) {
  case 1:
    return kBool;
  case 4:
    if (opset < 21) // no 4-bit types before opset 21: widen
      return isSigned ? kInt8 : kUint8;
    return isSigned ? kInt4 : kUint4;
  case 8:
    return isSigned ? kInt8 : kUint8;
  case 16:
    return isSigned ? kInt16 : kUint16;
  case 32:
    return isSigned ? kInt32 : kUint32;
  case 64:
    return isSigned ? kInt64 : kUint64;
  default:
    return kUndefined;
  }
}

int32_t ExportContext::getDataType(Type elem) const {
  if (auto q = dyn_cast<quant::QuantizedType>(elem))
    return integerDataType(q.getStorageTypeIntegralWidth(), q.isSigned(),
                           opset);
  if (elem.isF32())
    return kFloat;
  if (elem.isF16())
    return kFloat16;
  if (elem.isBF16())
    return kBfloat16;
  if (elem.isF64())
    return kDouble;
  if (auto i = dyn_cast<IntegerType>(elem))
    return integerDataType(i.getWidth(), !i.isUnsigned(), opset);
  return kUndefined;
}

FailureOr<int32_t> ExportContext::getDataType(Operation *op, Type type,
                                              StringRef what) {
  Type elem = getElementTypeOrSelf(type);
  int32_t dtype = getDataType(elem);
  if (dtype == kUndefined)
    return op->emitError("cannot export ")
           << what << " of type " << type
           << " to ONNX: expected a tensor of float, integer, bool or "
              "!quant.uniform elements with 4- to 64-bit storage";
  return dtype;
}

//===----------------------------------------------------------------------===//
// Names.
//===----------------------------------------------------------------------===//

StringRef mlir::qc::onnx_export::getLocationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().getValue();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      if (StringRef name = getLocationName(inner); !name.empty())
        return name;
    return "";
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return getLocationName(call.getCallee());
  return "";
}

std::string ExportContext::uniqueValueName(StringRef base) {
  std::string name = base.empty() ? std::string("v") : base.str();
  if (valueNames.insert(name).second)
    return name;
  for (unsigned i = 1;; ++i) {
    std::string candidate = name + "_" + std::to_string(i);
    if (valueNames.insert(candidate).second)
      return candidate;
  }
}

FailureOr<std::string> ExportContext::getName(Value v) {
  auto it = names.find(v);
  if (it != names.end())
    return it->second;
  auto d = deferred.find(v);
  if (d != deferred.end()) {
    FailureOr<std::string> name = d->second();
    if (failed(name))
      return failure();
    names[v] = *name;
    return *name;
  }
  Location loc = v.getLoc();
  if (Operation *def = v.getDefiningOp())
    return def->emitError("cannot export '")
           << def->getName() << "' to ONNX: its result is used before the "
           << "op was exported (is the function in SSA dominance order?)";
  return emitError(loc) << "cannot export a value that has no ONNX name";
}

std::string ExportContext::getBaseName(Operation *op, StringRef fallback) {
  StringRef name = getLocationName(op->getLoc());
  return name.empty() ? fallback.str() : name.str();
}

std::string ExportContext::getNodeName(Operation *op, StringRef opType) {
  auto claim = [&](const std::string &base) {
    std::string name = base;
    for (unsigned i = 1; !nodeNames.insert(name).second; ++i)
      name = base + "_" + std::to_string(i);
    return name;
  };
  if (auto r = reserved.find(op);
      r != reserved.end() && r->second.first == opType) {
    std::string name = r->second.second;
    reserved.erase(r);
    return name;
  }
  auto it = opNames.find(op);
  if (it != opNames.end()) // a later node of the same op
    return claim(it->second + "/" + opType.str());
  std::string name = claimOpName(op, opType);
  opNames[op] = name;
  return name;
}

std::string ExportContext::claimOpName(Operation *op, StringRef opType) {
  std::string base = getBaseName(op, "");
  if (base.empty())
    base = (opType + "_" + Twine(anonymousOps++)).str();
  // A second op with the same location (e.g. a qc.quantize that a pass put
  // after the op it quantizes), or one before the op that owns the name (the
  // DequantizeLinear of its weight), is "<name>/<OpType>".
  if (sharesName(op, base))
    base += "/" + opType.str();
  std::string name = base;
  for (unsigned i = 1; !nodeNames.insert(name).second; ++i)
    name = base + "_" + std::to_string(i);
  return name;
}

bool ExportContext::sharesName(Operation *op, StringRef base) const {
  auto owner = nameOwners.find(base);
  if (owner != nameOwners.end() && owner->second != op)
    return true;
  if (auto it = opNames.find(op); it != opNames.end())
    return it->second != base;
  if (auto r = reserved.find(op); r != reserved.end())
    return r->second.second != base;
  return nodeNames.contains(base);
}

void ExportContext::assignNameOwners(Block &body) {
  auto rank = [](Operation &op) {
    if (isa<arith::ConstantOp, quant::StorageCastOp>(op))
      return 2; // no node of its own
    if (isa<QuantizeOp, DequantizeOp, RequantizeOp>(op))
      return 1;
    return 0;
  };
  llvm::StringMap<int> ranks;
  for (Operation &op : body.without_terminator()) {
    StringRef name = getLocationName(op.getLoc());
    if (name.empty() || rank(op) == 2)
      continue;
    auto [it, inserted] = ranks.try_emplace(name, rank(op));
    if (inserted || rank(op) < it->second) {
      it->second = rank(op);
      nameOwners[name] = &op;
    }
  }
}

void ExportContext::nameExpansion(Operation *op, StringRef opType) {
  if (!opNames.count(op))
    opNames[op] = claimOpName(op, opType);
}

void ExportContext::reserveNodeName(Operation *op, StringRef opType) {
  std::string name = getNodeName(op, opType);
  reserved[op] = {opType.str(), name};
}

std::string ExportContext::defineResult(Value v) {
  auto pre = preassigned.find(v);
  std::string name;
  if (pre != preassigned.end()) {
    name = pre->second;
  } else {
    Operation *op = v.getDefiningOp();
    std::string base = op ? getBaseName(op, "") : std::string();
    bool shared = false;
    if (base.empty()) {
      base = op ? op->getName().stripDialect().str() : "value";
    } else {
      // Whether another op has the same location (the qc.quantize and
      // qc.dequantize that a pass put after the op whose result they
      // quantize, or the dequantized weight it reads, with its location).
      shared = sharesName(op, base);
    }
    std::string suffix =
        "_output_" +
        std::to_string(op ? cast<OpResult>(v).getResultNumber() : 0);
    if (shared && isa<QuantizeOp>(op))
      name = uniqueValueName(base + "_q");
    else if (shared && isa<DequantizeOp>(op))
      name = uniqueValueName(base + "_dq");
    else if (shared)
      name = uniqueValueName(base + "_" + op->getName().stripDialect().str() +
                             suffix);
    else
      name = uniqueValueName(base + suffix);
  }
  names[v] = name;
  return name;
}

void ExportContext::alias(Value v, StringRef name) {
  auto pre = preassigned.find(v);
  if (pre == preassigned.end()) {
    names[v] = name.str();
    return;
  }
  std::string out = defineResult(v);
  addNode(v.getDefiningOp(), "Identity", {name.str()}, {out});
}

std::string ExportContext::tempName(Operation *op, StringRef what) {
  std::string base = getBaseName(op, op->getName().stripDialect());
  return uniqueValueName(base + "_" + what.str());
}

//===----------------------------------------------------------------------===//
// Nodes and attributes.
//===----------------------------------------------------------------------===//

onnx::NodeProto &ExportContext::addNode(Operation *op, StringRef opType,
                                        ArrayRef<std::string> inputs,
                                        ArrayRef<std::string> outputs) {
  onnx::NodeProto *node = graph.add_node();
  node->set_op_type(opType.str());
  node->set_name(getNodeName(op, opType));
  for (const std::string &in : inputs)
    node->add_input(in);
  for (const std::string &out : outputs)
    node->add_output(out);
  return *node;
}

static onnx::AttributeProto &newAttr(onnx::NodeProto &node, StringRef name,
                                     onnx::AttributeProto::AttributeType t) {
  onnx::AttributeProto *attr = node.add_attribute();
  attr->set_name(name.str());
  attr->set_type(t);
  return *attr;
}

void ExportContext::setAttr(onnx::NodeProto &node, StringRef name,
                            int64_t value) {
  newAttr(node, name, onnx::AttributeProto::INT).set_i(value);
}

void ExportContext::setAttr(onnx::NodeProto &node, StringRef name,
                            float value) {
  newAttr(node, name, onnx::AttributeProto::FLOAT).set_f(value);
}

void ExportContext::setAttr(onnx::NodeProto &node, StringRef name,
                            StringRef value) {
  newAttr(node, name, onnx::AttributeProto::STRING).set_s(value.str());
}

void ExportContext::setAttr(onnx::NodeProto &node, StringRef name,
                            ArrayRef<int64_t> values) {
  onnx::AttributeProto &attr = newAttr(node, name, onnx::AttributeProto::INTS);
  for (int64_t v : values)
    attr.add_ints(v);
}

//===----------------------------------------------------------------------===//
// Initializers.
//===----------------------------------------------------------------------===//

std::string ExportContext::addInitializer(StringRef base, int32_t dtype,
                                          ArrayRef<int64_t> dims,
                                          std::string raw) {
  std::string name = uniqueValueName(base);
  initializerNames.insert(name);
  onnx::TensorProto *t = graph.add_initializer();
  t->set_name(name);
  t->set_data_type(dtype);
  for (int64_t d : dims)
    t->add_dims(d);
  t->set_raw_data(std::move(raw));
  return name;
}

std::string ExportContext::addInt64s(StringRef base, ArrayRef<int64_t> values,
                                     bool scalar) {
  SmallVector<int64_t> dims;
  if (!scalar)
    dims.push_back(values.size());
  return addIntegers(base, kInt64, values, dims);
}

std::string ExportContext::addFloats(StringRef base, ArrayRef<float> values,
                                     ArrayRef<int64_t> dims) {
  std::string raw(reinterpret_cast<const char *>(values.data()),
                  values.size() * sizeof(float));
  return addInitializer(base, kFloat, dims, std::move(raw));
}

/// Little-endian bytes of integers of `dtype` (4-bit values packed two per
/// byte, the first in the low nibble, as ONNX stores int4).
static std::string packIntegers(int32_t dtype, ArrayRef<int64_t> values) {
  unsigned width = getIntegerWidth(dtype);
  std::string raw;
  if (width == 4) {
    raw.assign((values.size() + 1) / 2, '\0');
    for (size_t i = 0; i < values.size(); ++i)
      raw[i / 2] |= static_cast<char>((values[i] & 0xF) << (i % 2 ? 4 : 0));
    return raw;
  }
  unsigned bytes = width / 8;
  raw.resize(values.size() * bytes);
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t v = static_cast<uint64_t>(values[i]);
    for (unsigned b = 0; b < bytes; ++b)
      raw[i * bytes + b] = static_cast<char>((v >> (8 * b)) & 0xFF);
  }
  return raw;
}

std::string ExportContext::addIntegers(StringRef base, int32_t dtype,
                                       ArrayRef<int64_t> values,
                                       ArrayRef<int64_t> dims) {
  return addInitializer(base, dtype, dims, packIntegers(dtype, values));
}

FailureOr<std::string> ExportContext::addElements(Operation *op,
                                                  ElementsAttr attr,
                                                  int32_t dtype,
                                                  bool isUnsigned,
                                                  StringRef base) {
  auto key = std::make_pair(Attribute(attr), dtype);
  if (auto it = elementCache.find(key); it != elementCache.end())
    return it->second;
  auto type = cast<ShapedType>(attr.getType());
  Type elem = type.getElementType();
  std::string name = base.str();
  ArrayRef<char> blobData;
  bool hasBlob = false;
  if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
    StringRef key = res.getRawHandle().getKey();
    if (name.empty())
      name = key.str();
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return op->emitError("cannot export the constant '")
             << key << "': its resource blob is missing (was the module "
             << "printed with --mlir-elide-resources?)";
    blobData = blob->getData();
    hasBlob = true;
  }
  int64_t n = type.getNumElements();
  std::string raw;
  if (dtype == kFloat) {
    if (hasBlob && elem.isF32() &&
        blobData.size() == static_cast<size_t>(n) * 4) {
      raw.assign(blobData.data(), blobData.size());
    } else {
      std::optional<std::vector<float>> values = readFloatElements(attr);
      if (!values)
        return op->emitError("cannot export the constant '")
               << name << "' of type " << type << " as float";
      raw.assign(reinterpret_cast<const char *>(values->data()),
                 values->size() * sizeof(float));
    }
  } else if (unsigned width = getIntegerWidth(dtype)) {
    auto intType = dyn_cast<IntegerType>(elem);
    if (hasBlob && intType && intType.getWidth() == width && width % 8 == 0 &&
        blobData.size() == static_cast<size_t>(n) * (width / 8)) {
      raw.assign(blobData.data(), blobData.size());
    } else {
      std::optional<std::vector<int64_t>> values =
          readIntElements(attr, isUnsigned);
      if (!values)
        return op->emitError("cannot export the constant '")
               << name << "' of type " << type << " as "
               << getDataTypeName(dtype);
      if (dtype == kBool)
        for (int64_t &v : *values)
          v = v != 0;
      raw = packIntegers(dtype, *values);
    }
  } else {
    return op->emitError("cannot export the constant '")
           << name << "' of type " << type << ": expected f32, integer or "
           << "bool elements";
  }
  if (name.empty())
    name = "const";
  std::string result =
      addInitializer(name, dtype, type.getShape(), std::move(raw));
  elementCache[key] = result;
  return result;
}

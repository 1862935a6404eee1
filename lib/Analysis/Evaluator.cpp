//===- Evaluator.cpp - the reference evaluator's driver and dispatch ------===//
//
// Dispatches each op to the kernel its family registered under the op's name,
// after checking that the operands are the tensors the op's types promise and
// that every element type is one the evaluator computes with (f32, signless
// integers, !quant.uniform with f32 expressed type). evaluateFunction runs a
// function's single block in order, frees each intermediate tensor after its
// last use, and reports every value to an optional observer.
//
//===----------------------------------------------------------------------===//

#include "quantc/Analysis/Evaluator.h"
#include "EvalUtils.h"

#include "qc/QCShapeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include <deque>
#include <thread>

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::detail;

//===----------------------------------------------------------------------===//
// Kernels outside the qc dialect.
//===----------------------------------------------------------------------===//

static EvalResult evalConstant(Operation *op, Operands, const EvalContext &) {
  auto cst = cast<arith::ConstantOp>(op);
  auto attr = dyn_cast<ElementsAttr>(cst.getValue());
  if (!attr)
    return op->emitOpError("expected a tensor constant, found ")
           << cst.getValue();
  FailureOr<Tensor> t = Tensor::fromAttr(attr);
  if (failed(t)) {
    if (auto res = dyn_cast<DenseResourceElementsAttr>(attr);
        res && !res.getRawHandle().getBlob())
      return op->emitOpError("expected the data of dense_resource blob '")
             << res.getRawHandle().getKey()
             << "', found none (was the blob elided?)";
    return op->emitOpError("expected a dense or dense_resource constant of "
                           "f32, integer or i1 elements, found ")
           << attr.getType();
  }
  return single(std::move(*t));
}

/// The `width`-bit pattern of `v` read as a signed or unsigned integer.
static int64_t reinterpretBits(int64_t v, unsigned width, bool isSigned) {
  if (width >= 64)
    return v;
  uint64_t bits = static_cast<uint64_t>(v) & ((uint64_t(1) << width) - 1);
  if (!isSigned)
    return static_cast<int64_t>(bits);
  return static_cast<int64_t>(bits << (64 - width)) >> (64 - width);
}

/// The width and signedness of the integers that represent elements of
/// `type`: a quantized type's storage, or an integer type (signless is
/// signed).
static std::pair<unsigned, bool> storageBits(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type))
    return {q.getStorageTypeIntegralWidth(), q.isSigned()};
  auto i = cast<IntegerType>(type);
  return {i.getWidth(), !i.isUnsigned() && i.getWidth() > 1};
}

/// quant.scast reinterprets storage bits as quantized values and back: the
/// i8 bit pattern -104 is 152 as a u8-stored quantized value, and the
/// quantized u8 value 152 is -104 as i8. Sub-byte storage (i4, u4, i2, u2)
/// is sign- or zero-extended from its own width.
static EvalResult evalStorageCast(Operation *op, Operands operands,
                                  const EvalContext &) {
  const Tensor &x = *operands[0];
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  Type resultElem = resultType.getElementType();
  if (x.isFloat() || isa<FloatType>(resultElem))
    return op->emitOpError("expected a cast between storage integers and "
                           "quantized values, found ")
           << x.getElementType() << " to " << resultElem;
  auto [width, isSigned] = storageBits(resultElem);
  std::vector<int64_t> data(x.getInts().begin(), x.getInts().end());
  for (int64_t &v : data)
    v = reinterpretBits(v, width, isSigned);
  return single(Tensor::getInt(resultElem, x.getShape(), std::move(data)));
}

static EvalResult evalReturn(Operation *, Operands operands,
                             const EvalContext &) {
  SmallVector<Tensor> results;
  for (const Tensor *t : operands)
    results.push_back(*t);
  return results;
}

static const KernelTable &getKernels() {
  static const KernelTable table = [] {
    KernelTable t;
    registerElementwiseKernels(t);
    registerContractionKernels(t);
    registerNNKernels(t);
    registerDataKernels(t);
    registerResizeKernels(t);
    registerQuantKernels(t);
    t[arith::ConstantOp::getOperationName()] = evalConstant;
    t[quant::StorageCastOp::getOperationName()] = evalStorageCast;
    t[func::ReturnOp::getOperationName()] = evalReturn;
    return t;
  }();
  return table;
}

bool mlir::qc::canEvaluate(StringRef opName) {
  return getKernels().count(opName);
}

bool mlir::qc::canEvaluate(Operation *op) {
  return canEvaluate(op->getName().getStringRef());
}

//===----------------------------------------------------------------------===//
// Checks.
//===----------------------------------------------------------------------===//

/// Whether the evaluator computes with elements of `type`.
static bool isSupportedElementType(Type type) {
  if (type.isF32())
    return true;
  if (auto i = dyn_cast<IntegerType>(type))
    return i.getWidth() <= 64;
  if (isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType,
          quant::UniformQuantizedSubChannelType>(type)) {
    auto q = cast<quant::QuantizedType>(type);
    return q.getExpressedType().isF32() &&
           isa<IntegerType>(q.getStorageType()) &&
           q.getStorageTypeIntegralWidth() <= 32;
  }
  return false;
}

static std::string typeName(Type type) {
  if (!type)
    return "none";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// "[1, 3, 4, 4] x f32".
static std::string describe(ArrayRef<int64_t> shape, Type elem) {
  return formatShape(shape) + " x " + typeName(elem);
}

/// Checks that `type` is a statically shaped tensor of supported elements.
static LogicalResult checkValueType(Operation *op, Type type, StringRef what,
                                    unsigned index) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType || !tensorType.hasStaticShape())
    return op->emitOpError("expected ")
           << what << " #" << index
           << " to be a statically shaped tensor, found " << type;
  if (!isSupportedElementType(tensorType.getElementType()))
    return op->emitOpError("expected ")
           << what << " #" << index
           << " to have f32, integer or !quant.uniform (f32-expressed) "
              "elements for the reference evaluator, found "
           << tensorType.getElementType();
  return success();
}

static unsigned resolveThreads(unsigned requested) {
  if (requested)
    return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? hw : 1;
}

/// Runs the kernel of an already verified `op`.
static EvalResult evaluateVerifiedOp(Operation *op,
                                     ArrayRef<const Tensor *> operands,
                                     const EvalContext &ctx) {
  const KernelTable &kernels = getKernels();
  auto it = kernels.find(op->getName().getStringRef());
  if (it == kernels.end())
    return op->emitOpError("has no reference semantics: expected a qc op, "
                           "arith.constant, quant.scast or func.return");
  if (operands.size() != op->getNumOperands())
    return op->emitOpError("expected ")
           << op->getNumOperands() << " operand tensors, found "
           << operands.size();
  for (auto [i, value] : llvm::enumerate(op->getOperands())) {
    if (failed(checkValueType(op, value.getType(), "operand", i)))
      return failure();
    auto type = cast<RankedTensorType>(value.getType());
    const Tensor &t = *operands[i];
    if (t.getShape() != type.getShape() ||
        t.getElementType() != type.getElementType())
      return op->emitOpError("expected operand #")
             << i << " to be a tensor of "
             << describe(type.getShape(), type.getElementType()) << ", found "
             << describe(t.getShape(), t.getElementType());
  }
  for (auto [i, value] : llvm::enumerate(op->getResults()))
    if (failed(checkValueType(op, value.getType(), "result", i)))
      return failure();

  EvalResult results = it->second(op, operands, ctx);
  if (failed(results))
    return failure();
  // A kernel must produce exactly the types the op declares.
  if (!isa<func::ReturnOp>(op)) {
    if (results->size() != op->getNumResults())
      return op->emitOpError("internal error: the kernel produced ")
             << results->size() << " results, expected " << op->getNumResults();
    for (auto [i, value] : llvm::enumerate(op->getResults())) {
      auto type = cast<RankedTensorType>(value.getType());
      const Tensor &t = (*results)[i];
      if (t.getShape() != type.getShape() ||
          t.getElementType() != type.getElementType())
        return op->emitOpError("internal error: the kernel produced ")
               << describe(t.getShape(), t.getElementType()) << " for result #"
               << i << ", expected "
               << describe(type.getShape(), type.getElementType());
    }
  }
  return results;
}

FailureOr<SmallVector<Tensor>>
mlir::qc::evaluateOp(Operation *op, ArrayRef<Tensor> operands,
                     const EvaluateOptions &options) {
  if (failed(mlir::verify(op, /*verifyRecursively=*/false)))
    return failure();
  SmallVector<const Tensor *> ptrs;
  for (const Tensor &t : operands)
    ptrs.push_back(&t);
  EvalContext ctx;
  ctx.numThreads = resolveThreads(options.numThreads);
  return evaluateVerifiedOp(op, ptrs, ctx);
}

FailureOr<SmallVector<Tensor>> mlir::qc::evaluateOp(Operation *op,
                                                    ArrayRef<Tensor> operands) {
  return evaluateOp(op, operands, EvaluateOptions());
}

//===----------------------------------------------------------------------===//
// Functions.
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Tensor>>
mlir::qc::evaluateFunction(func::FuncOp func, ArrayRef<Tensor> inputs,
                           ValueObserver observe, EvaluateOptions options) {
  if (func.isExternal())
    return func.emitOpError("expected a function with a body to evaluate, "
                            "found a declaration");
  if (!func.getBody().hasOneBlock())
    return func.emitOpError("expected a body of one block, found ")
           << func.getBody().getBlocks().size() << " blocks";
  if (failed(mlir::verify(func)))
    return failure();

  Block &body = func.getBody().front();
  if (inputs.size() != body.getNumArguments())
    return func.emitOpError("expected ")
           << body.getNumArguments() << " inputs (one per argument), found "
           << inputs.size();
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || !type.hasStaticShape() ||
        !isSupportedElementType(type.getElementType()))
      return func.emitOpError("expected argument #")
             << i << " to be a statically shaped tensor of f32, integer or "
             << "!quant.uniform elements, found " << arg.getType();
    const Tensor &t = inputs[i];
    if (t.getShape() != type.getShape() ||
        t.getElementType() != type.getElementType())
      return func.emitOpError("expected input #")
             << i << " to match argument #" << i << " of shape "
             << formatShape(type.getShape()) << " and element type "
             << typeName(type.getElementType()) << ", found shape "
             << formatShape(t.getShape()) << " and element type "
             << typeName(t.getElementType());
  }

  EvalContext ctx;
  ctx.numThreads = resolveThreads(options.numThreads);

  // The index of the last op that reads each value.
  DenseMap<Value, int64_t> lastUse;
  int64_t index = 0;
  for (Operation &op : body) {
    for (Value v : op.getOperands())
      lastUse[v] = index;
    ++index;
  }

  DenseMap<Value, const Tensor *> env;
  DenseMap<Value, Tensor *> owned;
  std::deque<Tensor> storage;
  for (auto [arg, t] : llvm::zip(body.getArguments(), inputs)) {
    env[arg] = &t;
    if (observe)
      observe(arg, t);
  }

  auto release = [&](Value v) {
    if (!options.freeDeadValues)
      return;
    auto it = owned.find(v);
    if (it != owned.end())
      *it->second = Tensor();
  };

  index = 0;
  for (Operation &op : body) {
    SmallVector<const Tensor *> operands;
    for (Value v : op.getOperands()) {
      auto it = env.find(v);
      if (it == env.end())
        return op.emitOpError("expected operands defined in the function's "
                              "block");
      operands.push_back(it->second);
    }

    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      SmallVector<Tensor> results;
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        bool usedLater =
            llvm::is_contained(ret.getOperands().drop_front(i + 1), v);
        auto it = owned.find(v);
        if (it != owned.end() && !usedLater)
          results.push_back(std::move(*it->second));
        else
          results.push_back(*operands[i]);
      }
      return results;
    }

    EvalResult results = evaluateVerifiedOp(&op, operands, ctx);
    if (failed(results))
      return failure();
    for (auto [v, t] : llvm::zip(op.getResults(), *results)) {
      storage.push_back(std::move(t));
      Tensor *p = &storage.back();
      env[v] = p;
      owned[v] = p;
      if (observe)
        observe(v, *p);
      if (v.use_empty())
        release(v);
    }
    for (Value v : op.getOperands())
      if (lastUse.lookup(v) == index)
        release(v);
    ++index;
  }
  return func.emitOpError("expected the body to end with func.return");
}

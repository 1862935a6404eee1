//===- ComMicrosoft.cpp - onnxruntime contrib ops (com.microsoft) ---------===//
//
// MatMulNBits: blockwise-quantized weights (4 or 8 bits, packed in uint8)
// become a constant of the storage integer type with a sub-channel
// `!quant.uniform` type, dequantized and multiplied:
//
//   %w = arith.constant dense_resource<...> : tensor<KxNxi4>
//   %q = quant.scast %w : tensor<KxNxi4> to
//   tensor<KxNx!quant.uniform<u4:f32:{0:32,1:1}, ...>> %f = qc.dequantize %q :
//   ... -> tensor<KxNxf32> %y = qc.matmul %a, %f
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qc;
using namespace mlir::qc::onnx_import;

static LogicalResult importMatMulNBits(OpBinder &b) {
  MLIRContext *ctx = b.getContext();
  FailureOr<Value> a = b.input(0, "A");
  int64_t k, n, bits, blockSize;
  if (failed(a) || failed(b.requiredIntAttr(k, "K")) ||
      failed(b.requiredIntAttr(n, "N")) || failed(b.intAttr(bits, "bits", 4)) ||
      failed(b.requiredIntAttr(blockSize, "block_size")))
    return failure();
  if (bits != 4 && bits != 8)
    return b.emitError() << "expected bits = 4 or 8, found " << bits;
  if (blockSize < 16 || (blockSize & (blockSize - 1)))
    return b.emitError() << "expected a power-of-two block_size of 16 or "
                            "more, found "
                         << blockSize;
  if (k <= 0 || n <= 0)
    return b.emitError() << "expected positive K and N, found " << k << " and "
                         << n;
  if (b.hasInput(4))
    return b.emitError() << "g_idx (act-order) is not supported";
  RankedTensorType aType = OpBinder::typeOf(*a);
  if (!aType.getElementType().isF32() || aType.getRank() < 1 ||
      aType.getShape().back() != k)
    return b.emitError() << "expected a float32 A whose last dimension is K ("
                         << k << "), found " << aType;
  int64_t kBlocks = (k + blockSize - 1) / blockSize;
  int64_t blobSize = blockSize * bits / 8;
  int64_t kPadded = kBlocks * blockSize;

  // B: uint8 [N, k_blocks, blob_size], packed low bits first.
  ElementsAttr bAttr = b.getConstantInput(1);
  if (!bAttr) {
    b.noteNeedsConstant(1);
    return b.emitError() << "expected B to be a constant";
  }
  std::optional<std::vector<int64_t>> packed = readIntElements(bAttr);
  if (!packed || (int64_t)packed->size() != n * kBlocks * blobSize)
    return b.emitError() << "expected B to hold " << n * kBlocks * blobSize
                         << " uint8 values ([N, k_blocks, blob_size] = [" << n
                         << ", " << kBlocks << ", " << blobSize << "]), found "
                         << bAttr.getType();
  // Scales: [N * k_blocks] (or [N, k_blocks]).
  FailureOr<SmallVector<float>> scales = b.constantFloats(2, "scales");
  if (failed(scales))
    return failure();
  if ((int64_t)scales->size() != n * kBlocks)
    return b.emitError() << "expected " << n * kBlocks << " scales, found "
                         << scales->size();
  int64_t defaultZp = int64_t(1) << (bits - 1);
  SmallVector<int64_t> zps(n * kBlocks, defaultZp);
  if (b.hasInput(3)) {
    ElementsAttr zpAttr = b.getConstantInput(3);
    if (!zpAttr) {
      b.noteNeedsConstant(3);
      return b.emitError() << "expected zero_points to be a constant";
    }
    if (zpAttr.getElementType().isF32()) {
      std::vector<float> f = *readF32Elements(zpAttr);
      if ((int64_t)f.size() != n * kBlocks)
        return b.emitError() << "expected " << n * kBlocks
                             << " float zero points, found " << f.size();
      for (auto [i, z] : llvm::enumerate(f)) {
        if (z != std::floor(z) || z < 0 || z >= (1 << bits))
          return b.emitError() << "expected integral float zero points in "
                                  "[0, "
                               << (1 << bits) << "), found " << z;
        zps[i] = (int64_t)z;
      }
    } else {
      std::optional<std::vector<int64_t>> raw = readIntElements(zpAttr);
      int64_t perRow = (kBlocks * bits + 7) / 8;
      if (!raw || (int64_t)raw->size() != n * perRow)
        return b.emitError()
               << "expected " << n * perRow
               << " packed uint8 zero points, found " << zpAttr.getType();
      for (int64_t r = 0; r < n; ++r)
        for (int64_t blk = 0; blk < kBlocks; ++blk) {
          uint8_t byte = (uint8_t)(*raw)[r * perRow + blk * bits / 8];
          zps[r * kBlocks + blk] =
              bits == 8 ? byte : (blk % 2 ? byte >> 4 : byte & 0xF);
        }
    }
  }

  // Unpack to [K_padded, N] (transposed, one element per value).
  std::vector<int64_t> weights(kPadded * n);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t kk = 0; kk < kPadded; ++kk) {
      int64_t blk = kk / blockSize, within = kk % blockSize;
      int64_t base = (r * kBlocks + blk) * blobSize;
      uint8_t byte = (uint8_t)(*packed)[base + within * bits / 8];
      weights[kk * n + r] =
          bits == 8 ? byte : (within % 2 ? byte >> 4 : byte & 0xF);
    }
  SmallVector<float> tScales(kBlocks * n);
  SmallVector<APInt> tZps(kBlocks * n);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t blk = 0; blk < kBlocks; ++blk) {
      tScales[blk * n + r] = (*scales)[r * kBlocks + blk];
      tZps[blk * n + r] = APInt(bits, (uint64_t)zps[r * kBlocks + blk],
                                /*isSigned=*/false, /*implicitTrunc=*/true);
    }
  Type storage = IntegerType::get(ctx, bits);
  Type f32 = Float32Type::get(ctx);
  auto paramsType = [&](Type elem) {
    return RankedTensorType::get({kBlocks, n}, elem);
  };
  auto qtype = quant::UniformQuantizedSubChannelType::getChecked(
      [&] { return b.emitError(); }, /*flags=*/0, storage, f32,
      DenseElementsAttr::get(paramsType(f32), ArrayRef<float>(tScales)),
      DenseElementsAttr::get(paramsType(storage), tZps), {0, 1}, {blockSize, 1},
      0, (int64_t(1) << bits) - 1);
  if (!qtype)
    return failure();
  auto rawType = RankedTensorType::get({kPadded, n}, storage);
  Value raw = b.constant(cast<TypedAttr>(
      makeIntElementsAttr(rawType, weights, b.getNode().input(1),
                          b.getImporter().getOptions().resourceThreshold)));
  Value q = quant::StorageCastOp::create(
      b.getBuilder(), b.getLoc(), RankedTensorType::get({kPadded, n}, qtype),
      raw);
  FailureOr<Value> w =
      b.createTyped<DequantizeOp>(RankedTensorType::get({kPadded, n}, f32), q);
  if (failed(w))
    return failure();
  if (kPadded != k) {
    w = b.createInferred<SliceOp>(*w, {b.i64ArrayAttr("starts", {0}),
                                       b.i64ArrayAttr("ends", {k}),
                                       b.i64ArrayAttr("axes", {0})});
    if (failed(w))
      return failure();
  }
  FailureOr<Value> y = b.createInferred<MatMulOp>({*a, *w});
  if (failed(y))
    return failure();
  if (Value bias = b.optionalInput(5)) {
    y = b.createInferred<AddOp>({*y, bias});
    if (failed(y))
      return failure();
  }
  return b.setResult(0, *y);
}

static LogicalResult importMsGelu(OpBinder &b) {
  FailureOr<Value> x = b.input(0);
  if (failed(x))
    return failure();
  FailureOr<Value> y = b.createUnary<GeluOp>(*x);
  if (failed(y))
    return failure();
  return b.setResult(0, *y);
}

void mlir::qc::onnx_import::populateComMicrosoft(OnnxOpTable &t) {
  t.on("com.microsoft", "MatMulNBits", 1, importMatMulNBits);
  t.on("com.microsoft", "Gelu", 1, importMsGelu);
}

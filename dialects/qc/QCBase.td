//===- QCBase.td - the qc dialect, its types and base classes --*- tablegen -*-===//
//
// The `qc` dialect mirrors ONNX semantics (NCHW layouts, numpy broadcasting,
// opset differences resolved at import) on statically shaped tensors, and adds
// the quantization ops that quantc's passes need. Quantization parameters live
// in upstream `!quant.uniform` types.
//
//===----------------------------------------------------------------------===//

#ifndef QC_BASE_TD
#define QC_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def QC_Dialect : Dialect {
  let name = "qc";
  let cppNamespace = "::mlir::qc";
  let summary = "ONNX-semantics tensor ops and quantization ops for quantc";
  let description = [{
    The `qc` dialect is quantc's graph-level IR. Its compute and data-movement
    ops follow the semantics of the ONNX operators of the same name (the
    latest opset; older opsets are normalised by the importer), always on
    ranked tensors with static shapes. Every op infers or verifies its result
    type, so malformed graphs are rejected with a diagnostic that names the
    op and what was wrong.

    Quantization is expressed with upstream `!quant.uniform` types (per-tensor,
    per-axis and sub-channel) on the operands and results of `qc.quantize`,
    `qc.dequantize` and `qc.requantize`. Constants are `arith.constant`
    (weights as `dense_resource` blobs).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::quant::QuantDialect"
  ];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
}

//===----------------------------------------------------------------------===//
// Type constraints. Every qc tensor is ranked and statically shaped.
//===----------------------------------------------------------------------===//

def QC_FloatTensor : StaticShapeTensorOf<[AnyFloat]>;
// Integers keep ONNX's signedness: uint8 is `ui8`, int8 is `i8` (signless
// integers are treated as signed).
def QC_NumericTensor : StaticShapeTensorOf<[AnyFloat, AnyInteger]>;
def QC_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
def QC_I64Tensor : StaticShapeTensorOf<[I64]>;
def QC_AnyTensor : StaticShapeTensorOf<[AnyType]>;
def QC_QuantizedTensor : StaticShapeTensorOf<[quant_QuantizedType]>;

//===----------------------------------------------------------------------===//
// Base op class.
//===----------------------------------------------------------------------===//

class QC_Op<string mnemonic, list<Trait> traits = []>
    : Op<QC_Dialect, mnemonic, traits>;

#endif // QC_BASE_TD

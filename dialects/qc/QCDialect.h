//===- QCDialect.h - the qc dialect --------------------------------*- C++
//-*-===//

#ifndef QUANTC_DIALECT_QC_QCDIALECT_H
#define QUANTC_DIALECT_QC_QCDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Dialect.h"

#include "qc/QCDialect.h.inc"
#include "qc/QCEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qc/QCAttrs.h.inc"

#endif // QUANTC_DIALECT_QC_QCDIALECT_H

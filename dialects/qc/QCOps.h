//===- QCOps.h - qc operations -------------------------------------*- C++
//-*-===//

#ifndef QUANTC_DIALECT_QC_QCOPS_H
#define QUANTC_DIALECT_QC_QCOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qc/QCDialect.h"

#define GET_OP_CLASSES
#include "qc/QCOps.h.inc"

#endif // QUANTC_DIALECT_QC_QCOPS_H

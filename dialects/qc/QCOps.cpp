//===- QCOps.cpp - generated op definitions -------------------------------===//
//
// Hand-written verifiers, type inference and folders live beside this file,
// one file per op family: QCElementwise.cpp, QCNN.cpp, QCData.cpp and
// QCQuant.cpp.
//
//===----------------------------------------------------------------------===//

#include "qc/QCOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::qc;

#define GET_OP_CLASSES
#include "qc/QCOps.cpp.inc"

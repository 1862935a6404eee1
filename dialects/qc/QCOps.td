//===- QCOps.td - all qc ops -----------------------------------*- tablegen -*-===//

#ifndef QC_OPS_TD
#define QC_OPS_TD

include "QCBase.td"
include "QCAttrs.td"
include "QCElementwiseOps.td"
include "QCNNOps.td"
include "QCDataOps.td"
include "QCQuantOps.td"

#endif // QC_OPS_TD

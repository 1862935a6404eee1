//===- Patterns.h - rewrite patterns behind quantc's passes --------*- C++
//-*-===//

#ifndef QUANTC_TRANSFORMS_PATTERNS_H
#define QUANTC_TRANSFORMS_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::qc {

/// qc.batch_normalization(qc.conv(x, constant w, constant b?)) -> qc.conv
/// with folded constants (qc-fold-batchnorm).
void populateFoldBatchNormPatterns(RewritePatternSet &patterns);

} // namespace mlir::qc

#endif // QUANTC_TRANSFORMS_PATTERNS_H

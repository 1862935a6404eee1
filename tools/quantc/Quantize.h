//===- Quantize.h - quantc's recipes and per-layer reports ---------*- C++ -*-===//

#ifndef QUANTC_TOOLS_QUANTC_QUANTIZE_H
#define QUANTC_TOOLS_QUANTC_QUANTIZE_H

#include "mlir/IR/BuiltinOps.h"
#include <string>
#include <vector>

namespace quantc {

/// What `quantc MODEL --recipe ...` was asked to do.
struct QuantizeOptions {
  /// w8a8, w4a16, w4a8 or mixed.
  std::string recipe;
  /// Calibration directory.
  std::string calib;
  /// Calibration samples to use (0: all).
  unsigned samples = 0;
  /// Overrides of the recipe's defaults ("" keeps them).
  std::string actMethod, algorithm;
  /// qc-quantize keep-float (0: none) and qc-equalize-channels
  /// runtime-scale.
  unsigned keepFloat = 0;
  bool equalizeRuntime = false;
  /// The mixed recipe's average weight bits (0: the recipe's default).
  double avgBits = 0;
  /// The mixed recipe's candidate widths (empty: the recipe's 4 and 8).
  std::vector<unsigned> mixedBits;
  /// Report path: FILE.md (or FILE when it ends in .md) and FILE.json.
  std::string report;
  bool verbose = false;
};

/// Runs the recipe's clean-ups and quantization on `module` and, when
/// asked, writes the per-layer report (SQNR of every contraction's output
/// against the f32 graph on the calibration set). Errors are printed.
mlir::LogicalResult quantizeModule(mlir::ModuleOp module,
                                   const QuantizeOptions &options);

} // namespace quantc

#endif // QUANTC_TOOLS_QUANTC_QUANTIZE_H

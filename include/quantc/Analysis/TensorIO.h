//===- TensorIO.h - NumPy .npy files for host tensors -----------*- C++ -*-===//
//
// Reads and writes NumPy's .npy format (versions 1.0, 2.0 and 3.0 headers),
// C order, little-endian. Element types:
//
//   .npy dtype              Tensor element type
//   '<f4'                   f32
//   '<f8'                   f32 (converted on reading)
//   '<i8' '<i4' '<i2' '|i1' i64 i32 i16 i8
//   '|u1'                   ui8 (unsigned)
//   '|b1'                   i1
//
// Quantized tensors are written as their storage integers ('|i1' for i8 and
// narrower signed storage, '|u1' for u8 and narrower unsigned storage, ...).
// Fortran order, big-endian data and other dtypes are rejected. Every error
// names the file.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_ANALYSIS_TENSORIO_H
#define QUANTC_ANALYSIS_TENSORIO_H

#include "quantc/Analysis/Tensor.h"

#include "llvm/Support/Error.h"
#include <string>

namespace mlir::qc {

/// Parses the bytes of a .npy file; `name` (a file name) prefixes errors.
llvm::Expected<Tensor> parseNpy(StringRef bytes, StringRef name,
                                MLIRContext *ctx);

/// Reads the .npy file at `path`.
llvm::Expected<Tensor> readNpy(StringRef path, MLIRContext *ctx);

/// The bytes of a .npy file (version 1.0 header when it fits) holding `t`.
llvm::Expected<std::string> encodeNpy(const Tensor &t);

/// Writes `t` to the .npy file at `path`.
llvm::Error writeNpy(const Tensor &t, StringRef path);

} // namespace mlir::qc

#endif // QUANTC_ANALYSIS_TENSORIO_H

//===- LoopUtils.h - loop clean-ups shared by the targets -------*- C++ -*-===//
//
// Transformations of the scf loops that linalg ops on memrefs lower to, and
// the handling of constant weights that kernels repack, used by the CPU and
// CUDA code generators.
//
//===----------------------------------------------------------------------===//

#ifndef QUANTC_TARGET_LOOPUTILS_H
#define QUANTC_TARGET_LOOPUTILS_H

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::qc {

/// Keeps a reduction's accumulator in a register: a load of M[I] followed
/// by a store to M[I] in `loop`'s body, with M and I loop-invariant and no
/// other access to M in the loop, becomes an iter_arg (one load before the
/// loop, one store after). Loop-invariant code leaves the loop first. The
/// linalg lowering leaves a load and a store of the output in every
/// iteration, which LLVM cannot remove since it cannot prove that the
/// buffers do not alias; linalg semantics guarantee that an op's inputs do
/// not alias the output it reduces into. Returns the (replaced) loop.
scf::ForOp promoteAccumulators(RewriterBase &rewriter, scf::ForOp loop);

/// CSE over `root`, then promoteAccumulators on every scf.for in it,
/// innermost first.
void promoteAllAccumulators(RewriterBase &rewriter, Operation *root);

/// The constant global (with an initial value) that `v` reads through a
/// memref.get_global and subviews, if any.
memref::GlobalOp constantGlobalOf(ModuleOp module, Value v);

/// After a kernel replaced its unpacked weight operands `views` by packed
/// copies: erases those views (subviews, memref.get_global) that nothing
/// reads any more, and the private globals they leave unused.
void eraseUnusedGlobalReads(ModuleOp module, ArrayRef<Value> views);

} // namespace mlir::qc

#endif // QUANTC_TARGET_LOOPUTILS_H

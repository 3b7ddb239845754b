//===- Reorder.h - Put a block's kernels in a planned order -----*- C++ -*-===//
//
// Private to passes/Memory.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_MEMORY_REORDER_H
#define STRATA_PASSES_MEMORY_REORDER_H

#include "strata/Analysis/BuildKernelGraph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::strata {

/// The kernel graph of `func`'s body, for passes that move or clone its
/// kernels: fails with an error (naming `passName`) if an op has side
/// effects, or if a shape is dynamic.
FailureOr<IRKernelGraph> buildMovableKernelGraph(func::FuncOp func,
                                                 StringRef passName);

/// Moves the ops of `block` so that the kernel-graph nodes run in `order`
/// (`nodeOps[i]` is node i's op); every other op (constants, views, shape
/// operands) goes right before its first user. Relative order is otherwise
/// kept, so the result is deterministic.
void reorderBlock(Block &block, ArrayRef<Operation *> nodeOps,
                  ArrayRef<int> order);

} // namespace mlir::strata

#endif // STRATA_PASSES_MEMORY_REORDER_H

//===- Reorder.h - Put a block's kernels in a planned order -----*- C++ -*-===//
//
// Private to passes/Memory.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_MEMORY_REORDER_H
#define STRATA_PASSES_MEMORY_REORDER_H

#include "strata/Analysis/KernelGraph.h"

namespace mlir::strata {

/// Moves the ops of `block` so that the kernel-graph nodes run in `order`
/// (`nodeOps[i]` is node i's op); every other op (constants, views, shape
/// operands) goes right before its first user. Relative order is otherwise
/// kept, so the result is deterministic.
void reorderBlock(Block &block, ArrayRef<Operation *> nodeOps,
                  ArrayRef<int> order);

} // namespace mlir::strata

#endif // STRATA_PASSES_MEMORY_REORDER_H

//===- Reorder.h - Put a block's kernels in a planned order -----*- C++ -*-===//
//
// Private to passes/Memory.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_MEMORY_REORDER_H
#define STRATA_PASSES_MEMORY_REORDER_H

#include "strata/Analysis/BuildKernelGraph.h"
#include "strata/Planning/Remat.h"

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

/// Applies a plan with recomputations (Remat.h's form: `graph` is
/// `ir.graph` plus one node per copy) to `block`: clones each recomputed
/// kernel (marked `strata.recompute_of`), makes every kernel read the
/// values its node's inputs name, and puts the kernels in `order`.
/// Returns the op of every node of `graph`.
SmallVector<Operation *>
applyRecomputedOrder(Block &block, const IRKernelGraph &ir,
                     const KernelGraph &graph, ArrayRef<int> order,
                     ArrayRef<Recomputation> recomputations);

} // namespace mlir::strata

#endif // STRATA_PASSES_MEMORY_REORDER_H

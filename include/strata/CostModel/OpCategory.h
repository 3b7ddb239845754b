//===- OpCategory.h - What an op is, for every Strata pass ------*- C++ -*-===//
//
// One classification of ops, used by everything that asks "is this a
// kernel?" or "what kind of work is it?": grouping and fusion (which ops
// form kernels and which merges are candidates), the kernel graph (nodes
// and views), the cost model's work classes (OpClass) and the learned
// model's op kinds (OpKind), and the passes that count kernels. Before it,
// each of those had its own rules, and they disagreed: a tier copy was a
// view to the kernel graph but vector compute to the cost model, linalg
// pooling ran at the matrix peak, linalg.fill fused as elementwise.
//
// The categories are checked in order: the first that applies wins.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_COSTMODEL_OPCATEGORY_H
#define STRATA_COSTMODEL_OPCATEGORY_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/StringRef.h"

namespace mlir::strata {

enum class OpCategory {
  /// Terminators and ops without a shaped result (tensor.dim, shape
  /// arithmetic): not part of the tensor dataflow.
  Structural,
  /// A kernel already: strata.group.
  Group,
  /// Constants (tosa.const, arith.constant, tosa.const_shape).
  Constant,
  /// tensor.empty: a shape, no data.
  Empty,
  /// Aliases its first operand's buffer: reshapes, expand/collapse shape,
  /// view-like ops.
  View,
  /// A copy between memory tiers (strata.prefetch, strata.evict).
  TierCopy,
  /// Reads and writes elements without arithmetic: transpose, slice,
  /// concat, pad, tile, gather, scatter, reverse, fill, broadcast, copy,
  /// and all-parallel linalg ops whose payload only yields inputs.
  Movement,
  /// Matrix multiplication: tosa.matmul, linalg ops with the contraction
  /// interface.
  Contraction,
  /// Convolutions: TOSA's, strata.grouped_conv2d, and linalg ops with the
  /// convolution interface whose payload reads the filter.
  Convolution,
  /// Pooling windows: TOSA's pools, linalg convolution-shaped ops that do
  /// not read their filter operand (the linalg.pooling_* ops).
  Pooling,
  /// Reductions: tosa.reduce_*, tosa.argmax, softmax, linalg ops with a
  /// reduction loop.
  Reduction,
  /// One output element from the same position of each input: ops with an
  /// elementwise trait, tosa.mul/cast/rescale, elementwise linalg ops.
  Elementwise,
  /// Any other op with a shaped result (resize, strata.lrn, ...).
  Other,
};

/// The category of `op`.
OpCategory getOpCategory(Operation *op);

/// "structural", "group", "constant", ..., "other".
StringRef stringifyOpCategory(OpCategory category);

/// Whether ops of `category` do work at run time as a kernel of their own
/// (movement and every compute category).
bool isKernelCategory(OpCategory category);

/// An op that is a kernel by itself (and becomes one strata.group when
/// grouped): its category is a kernel category and it has a ranked tensor
/// result. Groups are kernels too but not "kernel ops".
bool isKernelOp(Operation *op);

/// What passes that count or price kernels walk: strata.group, or a kernel
/// op outside any group.
inline bool isKernel(Operation *op) {
  return getOpCategory(op) == OpCategory::Group || isKernelOp(op);
}

} // namespace mlir::strata

#endif // STRATA_COSTMODEL_OPCATEGORY_H

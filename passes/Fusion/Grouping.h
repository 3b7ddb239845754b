//===- Grouping.h - Building strata.group ops from sets of ops --*- C++ -*-===//
//
// What strata-group-ops and strata-fuse share: which ops are kernels, what a
// set of ops reads and yields as one group, and building the group (as a
// copy for a cost query, or in place of the ops).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_FUSION_GROUPING_H
#define STRATA_PASSES_FUSION_GROUPING_H

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/CostModel/OpCategory.h"

#include "mlir/IR/Builders.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir::strata {

/// The ops a kernel of `op` is formed from: `op`; when `op` is a
/// convolution, matmul or transpose, the slice its input is if only `op`
/// reads it (a view inside the kernel, a copy outside); when `op` is
/// a linalg contraction or convolution on tensors (the importer's grouped
/// convolution), the linalg op that makes its initial value (a fill or a
/// bias broadcast only `op` reads) and the reshape that is the only user
/// of its result (so that its epilogue can join it). In block order.
SmallVector<Operation *> getKernelSeed(Operation *op);

/// The layout changes (tosa.transpose, tosa.reshape, tensor.expand_shape
/// and tensor.collapse_shape, each read only by the next) between a constant
/// and the weights of `op` (a tosa.matmul's right-hand side, a tosa.conv2d's
/// filter), source first, when there is at least one transpose: a fully
/// connected layer's weights in the order ONNX stores them, a filter in
/// ONNX's OIHW. They join the kernel of `op`, where strata-pack-constants
/// folds them together with the weights' blocked layout in one copy at
/// compile time; the graph rewrites leave them unfolded (one copy instead
/// of two or three). Empty otherwise.
SmallVector<Operation *> getPackedWeightChain(Operation *op);

/// The layout changes (tosa.transpose, tosa.reshape, tensor.expand_shape
/// and tensor.collapse_shape, each read only by the next) that `value` is
/// the end of, source first; `source` is set to the value the first one
/// reads (`value` itself when there are none). Shared by
/// getPackedWeightChain and the rewrite rules that see through the chain
/// to a constant (matchConstantLayout).
SmallVector<Operation *> getLayoutChain(Value value, Value &source);

/// The boundary of a would-be group of `ops` (ops of one block, in block
/// order).
struct GroupBoundary {
  /// Tensors read from outside the set, in first-use order.
  SmallVector<Value> inputs;
  /// Constants (isInlinableConstant) and empty tensors the group clones
  /// instead of reading.
  SmallVector<Operation *> clonedConstants;
  /// Results of the set used outside it (or not used at all), in op order:
  /// for a single op, all of its results.
  SmallVector<Value> results;
};

/// Computes the boundary of `ops`. Fails, with a remark at the first op
/// unless `quiet`, when the set reads a value that is neither a ranked
/// tensor nor an inlinable constant, or yields a non-tensor.
FailureOr<GroupBoundary> computeGroupBoundary(ArrayRef<Operation *> ops,
                                              bool quiet);

/// Builds a group of `ops` with `boundary` at `builder`'s insertion point
/// (detached when it has none), cloning the ops and the constants into its
/// body. The original ops are left untouched.
GroupOp cloneIntoGroup(OpBuilder &builder, ArrayRef<Operation *> ops,
                       const GroupBoundary &boundary, StringRef name);

/// Replaces `ops` by one group placed right before the last of them: uses
/// of the boundary's results are redirected and the ops erased. Users of
/// those results placed before the group must be moved after it by the
/// caller (e.g. with sortTopologically).
GroupOp replaceWithGroup(ArrayRef<Operation *> ops,
                         const GroupBoundary &boundary, StringRef name);

/// A kernel name for a group of `ops`: their op names without the dialect
/// prefix, joined with '_' (at most three, then the count of the rest).
std::string getGroupName(ArrayRef<Operation *> ops);

} // namespace mlir::strata

#endif // STRATA_PASSES_FUSION_GROUPING_H

//===- GroupOps.cpp - One strata.group per compute op ---------------------===//
//
// Implements `strata-group-ops`: the trivial kernel partition.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "passes/Fusion/Grouping.h"

#define DEBUG_TYPE "strata-group-ops"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAGROUPOPS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
struct StrataGroupOpsPass final
    : strata::impl::StrataGroupOpsBase<StrataGroupOpsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<Operation *> candidates;
    for (Block &block : func.getBody())
      for (Operation &op : block)
        if (isComputeOp(&op))
          candidates.push_back(&op);
    for (Operation *op : candidates) {
      if (succeeded(wrap(op)))
        ++numGroups;
      else
        ++numLeftUngrouped;
    }
  }

  /// Wraps `op` into a new group placed where `op` was; the group yields
  /// every result of the op, used or not.
  LogicalResult wrap(Operation *op) {
    FailureOr<GroupBoundary> boundary =
        computeGroupBoundary(op, /*quiet=*/false);
    if (failed(boundary))
      return failure();
    replaceWithGroup(op, *boundary, getGroupName(op));
    return success();
  }
};
} // namespace

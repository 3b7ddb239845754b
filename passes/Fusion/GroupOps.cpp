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

  /// Wraps `op` into a new group placed where `op` was.
  LogicalResult wrap(Operation *op) {
    FailureOr<GroupBoundary> boundary =
        computeGroupBoundary(op, /*quiet=*/false);
    if (failed(boundary))
      return failure();
    // The group yields every result, used or not.
    if (!llvm::all_of(op->getResultTypes(),
                      [](Type t) { return isa<RankedTensorType>(t); })) {
      op->emitRemark("left ungrouped: it has a result that is not a ranked "
                     "tensor");
      return failure();
    }
    boundary->results.assign(op->result_begin(), op->result_end());
    replaceWithGroup(op, *boundary, getGroupName(op));
    return success();
  }
};
} // namespace

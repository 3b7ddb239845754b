//===- GroupOps.cpp - One strata.group per compute op ---------------------===//
//
// Implements `strata-group-ops`: the trivial kernel partition.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "passes/Fusion/Grouping.h"
#include "llvm/ADT/SmallPtrSet.h"

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
    // Each compute op with the ops that belong in its kernel (a linalg
    // convolution's initial value and result reshape, see getKernelSeed).
    SmallVector<SmallVector<Operation *>> candidates;
    llvm::SmallPtrSet<Operation *, 8> seeded;
    for (Block &block : func.getBody())
      for (Operation &op : block)
        if (isKernelOp(&op)) {
          candidates.push_back(getKernelSeed(&op));
          for (Operation *member : candidates.back())
            if (member != &op)
              seeded.insert(member);
        }
    for (ArrayRef<Operation *> ops : candidates) {
      if (ops.size() == 1 && seeded.contains(ops.front()))
        continue;
      if (succeeded(wrap(ops)))
        ++numGroups;
      else
        ++numLeftUngrouped;
    }
  }

  /// Wraps `ops` into a new group placed where the last was; the group
  /// yields every result of them used outside (or not used at all).
  LogicalResult wrap(ArrayRef<Operation *> ops) {
    FailureOr<GroupBoundary> boundary =
        computeGroupBoundary(ops, /*quiet=*/false);
    if (failed(boundary))
      return failure();
    replaceWithGroup(ops, *boundary, getGroupName(ops));
    return success();
  }
};
} // namespace

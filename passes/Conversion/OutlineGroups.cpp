//===- OutlineGroups.cpp - strata.group to kernel functions ---------------===//
//
// Implements `strata-outline-groups`.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#define DEBUG_TYPE "strata-outline-groups"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAOUTLINEGROUPS
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
struct StrataOutlineGroupsPass final
    : strata::impl::StrataOutlineGroupsBase<StrataOutlineGroupsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    // Collect first: outlining inserts functions into the module.
    SmallVector<func::FuncOp> callers(module.getOps<func::FuncOp>());
    for (func::FuncOp caller : callers) {
      // Post-order, so a nested group is outlined before its parent.
      SmallVector<GroupOp> groups;
      caller.walk([&](GroupOp group) { groups.push_back(group); });
      Operation *insertAfter = caller;
      for (GroupOp group : groups)
        insertAfter = outline(group, caller, symbols, insertAfter);
    }
  }

  /// Moves `group`'s body into a new kernel function placed after
  /// `insertAfter` and replaces the group with a call; returns the kernel.
  Operation *outline(GroupOp group, func::FuncOp caller, SymbolTable &symbols,
                     Operation *insertAfter) {
    std::string name =
        (caller.getSymName() + "_" + group.getName().value_or("group")).str();
    OpBuilder builder(insertAfter->getContext());
    builder.setInsertionPointAfter(insertAfter);
    auto type = builder.getFunctionType(group.getInputs().getTypes(),
                                        group.getResultTypes());
    auto kernel = func::FuncOp::create(builder, group.getLoc(), name, type);
    kernel.setPrivate();
    kernel->setAttr(StrataDialect::getKernelAttrName(), builder.getUnitAttr());
    // A tier plan's placements of the group's results: the arena lowering
    // finds them here after bufferization (which rebuilds the calls).
    if (Attribute placement =
            group->getAttr(StrataDialect::getPlacementAttrName()))
      kernel->setAttr(StrataDialect::getResultPlacementAttrName(), placement);
    // Renames on a clash, with a deterministic numeric suffix.
    symbols.insert(kernel, builder.getInsertionPoint());
    kernel.getBody().takeBody(group.getBody());

    YieldOp yield = cast<YieldOp>(kernel.getBody().front().getTerminator());
    builder.setInsertionPoint(yield);
    func::ReturnOp::create(builder, yield.getLoc(), yield.getValues());
    yield.erase();

    builder.setInsertionPoint(group);
    auto call = func::CallOp::create(builder, group.getLoc(), kernel,
                                     group.getInputs());
    group.replaceAllUsesWith(call.getResults());
    group.erase();
    ++numKernels;
    return kernel;
  }
};
} // namespace

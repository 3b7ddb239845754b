//===- ReturnAllocs.cpp - Returned reshapes allocated at their shape ------===//
//
// Implements `strata-return-allocs`.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "strata-return-allocs"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATARETURNALLOCS
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;

/// Whether `type` is a static memref with the identity layout.
static bool isPlainStatic(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity();
}

namespace {
struct StrataReturnAllocsPass final
    : strata::impl::StrataReturnAllocsBase<StrataReturnAllocsPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation().walk([&](func::ReturnOp ret) {
      for (OpOperand &operand : ret->getOpOperands()) {
        Operation *reshape = operand.get().getDefiningOp();
        if (!isa_and_nonnull<memref::CollapseShapeOp, memref::ExpandShapeOp>(
                reshape) ||
            !isPlainStatic(reshape->getResult(0).getType()))
          continue;
        auto alloc = reshape->getOperand(0).getDefiningOp<memref::AllocOp>();
        if (!alloc || !isPlainStatic(alloc.getType()) ||
            alloc->getBlock() != ret->getBlock() ||
            !alloc.getDynamicSizes().empty() ||
            !alloc.getSymbolOperands().empty())
          continue;
        auto type = cast<MemRefType>(reshape->getResult(0).getType());
        rewriter.setInsertionPoint(alloc);
        auto fresh = memref::AllocOp::create(rewriter, alloc.getLoc(), type,
                                             alloc.getAlignmentAttr());
        // The computed shape as a view of the returned allocation.
        Value view;
        if (auto collapse = dyn_cast<memref::CollapseShapeOp>(reshape))
          view = memref::ExpandShapeOp::create(
              rewriter, alloc.getLoc(), alloc.getType().getShape(), fresh,
              collapse.getReassociationIndices());
        else
          view = memref::CollapseShapeOp::create(
              rewriter, alloc.getLoc(), fresh,
              cast<memref::ExpandShapeOp>(reshape).getReassociationIndices());
        if (view.getType() != alloc.getType()) {
          rewriter.eraseOp(view.getDefiningOp());
          rewriter.eraseOp(fresh);
          continue;
        }
        rewriter.replaceAllUsesWith(alloc.getResult(), view);
        rewriter.eraseOp(alloc);
        rewriter.modifyOpInPlace(ret, [&] { operand.set(fresh); });
        ++numReturned;
      }
    });
  }
};
} // namespace

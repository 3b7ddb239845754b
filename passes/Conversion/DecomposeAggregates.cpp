//===- DecomposeAggregates.cpp - linalg.softmax to structured ops ---------===//
//
// Implements `strata-decompose-aggregates`.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "strata-decompose-aggregates"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATADECOMPOSEAGGREGATES
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;

namespace {
struct StrataDecomposeAggregatesPass final
    : strata::impl::StrataDecomposeAggregatesBase<
          StrataDecomposeAggregatesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation().walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> results = op.decomposeOperation(rewriter);
      if (failed(results)) {
        op->emitError("cannot decompose this op into linalg structured ops");
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *results);
      ++numDecomposed;
    }
  }
};
} // namespace

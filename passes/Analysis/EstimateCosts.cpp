//===- EstimateCosts.cpp - Cost model report pass -------------------------===//
//
// Implements `strata-estimate-costs`.
//
//===----------------------------------------------------------------------===//

#include "passes/Analysis/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/OpCategory.h"
#include "llvm/Support/Format.h"

#define DEBUG_TYPE "strata-estimate-costs"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAESTIMATECOSTS
#include "passes/Analysis/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
struct StrataEstimateCostsPass final
    : strata::impl::StrataEstimateCostsBase<StrataEstimateCostsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    FailureOr<std::unique_ptr<CostModel>> model =
        createCostModel(costModel, target, func);
    if (failed(model))
      return signalPassFailure();

    CostEstimate total;
    int64_t kernels = 0;
    for (Operation &op : func.getBody().getOps()) {
      if (!isKernel(&op))
        continue;
      FailureOr<CostEstimate> est = (*model)->estimate(&op);
      if (failed(est)) {
        op.emitError("cannot estimate the cost of this op: it needs "
                     "static shapes");
        return signalPassFailure();
      }
      // Constants and views are free; they are not kernels.
      if (est->seconds == 0 && est->flops == 0)
        continue;
      ++numKernels;
      ++kernels;
      StringRef name = op.getName().getStringRef();
      if (auto group = dyn_cast<GroupOp>(op); group && group.getName())
        name = *group.getName();
      op.emitRemark() << "kernel '" << name << "': " << describe(*est, **model);
      total.seconds += est->seconds;
      total.flops += est->flops;
      total.bytesRead += est->bytesRead;
      total.bytesWritten += est->bytesWritten;
    }
    func.emitRemark() << "function '" << func.getSymName() << "': " << kernels
                      << " kernels, " << sci(total.seconds) << " s, "
                      << sci(total.flops) << " FLOP, "
                      << sci(total.bytesMoved()) << " B moved on "
                      << (*model)->getTarget().name << " ("
                      << (*model)->getName() << ")";
    markAllAnalysesPreserved();
  }

  /// Fixed-precision scientific notation, so remarks are byte-stable.
  static std::string sci(double value) {
    std::string text;
    llvm::raw_string_ostream(text) << llvm::format("%.3e", value);
    return text;
  }

  static std::string describe(const CostEstimate &est, const CostModel &m) {
    return sci(est.seconds) + " s, " + sci(est.flops) + " FLOP, " +
           sci(est.bytesMoved()) + " B moved, " +
           (est.computeBound ? "compute-bound" : "memory-bound") + " on " +
           m.getTarget().name + " (" + m.getName().str() + ")";
  }
};
} // namespace

//===- SetCostModel.cpp - One cost model for a whole pipeline -------------===//
//
// Implements `strata-set-cost-model`.
//
//===----------------------------------------------------------------------===//

#include "passes/Analysis/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "strata/CostModel/CostModel.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATASETCOSTMODEL
#include "passes/Analysis/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
struct StrataSetCostModelPass final
    : strata::impl::StrataSetCostModelBase<StrataSetCostModelPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (costModel.empty()) {
      module.emitError("strata-set-cost-model: cost-model must not be empty");
      return signalPassFailure();
    }
    // Fail here, once, rather than in every pass that would use it.
    if (failed(createCostModel(costModel, /*targetSpec=*/"", module)))
      return signalPassFailure();
    module->setAttr(StrataDialect::getCostModelAttrName(),
                    StringAttr::get(&getContext(), costModel));
    markAllAnalysesPreserved();
  }
};
} // namespace

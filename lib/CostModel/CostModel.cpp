//===- CostModel.cpp - The cost model service -----------------------------===//
//
// Dispatch and the factory that passes use to obtain a model from their
// options.
//
//===----------------------------------------------------------------------===//

#include "strata/CostModel/CostModel.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::strata;

CostModel::~CostModel() = default;

FailureOr<CostEstimate> CostModel::estimate(Operation *op) {
  if (auto group = dyn_cast<GroupOp>(op))
    return estimateGroup(group);
  return estimateOp(op);
}

FailureOr<CostEstimate> CostModel::estimateOnUnit(Operation *op,
                                                  unsigned unit) {
  return estimate(op);
}

ArrayRef<StringRef> mlir::strata::getCostModelNames() {
  static const StringRef names[] = {"roofline"};
  return names;
}

FailureOr<std::unique_ptr<CostModel>>
mlir::strata::createCostModel(StringRef name, StringRef targetSpec,
                              Operation *scope) {
  if (!llvm::is_contained(getCostModelNames(), name)) {
    InFlightDiagnostic diag = scope->emitError() << "unknown cost model '"
                                                 << name << "'; available:";
    llvm::interleave(
        getCostModelNames(), [&](StringRef n) { diag << " '" << n << "'"; },
        [&] { diag << ","; });
    return failure();
  }
  FailureOr<TargetDescription> target = resolveTarget(targetSpec, scope);
  if (failed(target))
    return failure();
  return createRooflineCostModel(std::move(*target));
}

//===- CostModel.cpp - The cost model service -----------------------------===//
//
// Dispatch and the factory that passes use to obtain a model from their
// options.
//
//===----------------------------------------------------------------------===//

#include "strata/CostModel/CostModel.h"

#include "strata/CostModel/LearnedModel.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"

#include <atomic>

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

void CostModel::estimateBatch(ArrayRef<Operation *> ops,
                              SmallVectorImpl<FailureOr<CostEstimate>> &out) {
  out.clear();
  for (Operation *op : ops)
    out.push_back(estimate(op));
}

static std::atomic<MeasuredCostModelFactory> measuredFactory{nullptr};

void mlir::strata::registerMeasuredCostModel(MeasuredCostModelFactory factory) {
  measuredFactory = factory;
}

ArrayRef<StringRef> mlir::strata::getCostModelNames() {
  static const StringRef names[] = {"roofline", "learned", "measured"};
  return names;
}

FailureOr<std::unique_ptr<CostModel>>
mlir::strata::createCostModel(StringRef spec, StringRef targetSpec,
                              Operation *scope) {
  // No spec: the module's choice for every pass, else the roofline.
  if (spec.empty()) {
    auto module = dyn_cast<ModuleOp>(scope);
    if (!module)
      module = scope->getParentOfType<ModuleOp>();
    auto attr = module ? module->getAttrOfType<StringAttr>(
                             StrataDialect::getCostModelAttrName())
                       : StringAttr();
    spec = attr ? attr.getValue() : StringRef("roofline");
  }
  auto [name, file] = spec.split(':');
  if (!llvm::is_contained(getCostModelNames(), name) ||
      (spec.contains(':') && (name != "learned" || file.empty()))) {
    InFlightDiagnostic diag = scope->emitError()
                              << "unknown cost model '" << spec
                              << "'; available: 'roofline', 'learned', "
                                 "'learned:FILE', 'measured'";
    return failure();
  }
  FailureOr<TargetDescription> target = resolveTarget(targetSpec, scope);
  if (failed(target))
    return failure();
  if (name == "roofline")
    return createRooflineCostModel(std::move(*target));
  if (name == "measured") {
    MeasuredCostModelFactory factory = measuredFactory.load();
    if (!factory) {
      scope->emitError() << "cost model 'measured' needs the JIT runtime, "
                            "which this tool does not link; use strata-opt "
                            "or strata-run";
      return failure();
    }
    return factory(std::move(*target));
  }
  std::string path = file.empty() ? getDefaultLearnedModelPath() : file.str();
  llvm::Expected<std::shared_ptr<const LearnedModelFile>> model =
      loadLearnedModel(path);
  if (!model) {
    mlir::emitError(scope->getLoc()) << llvm::toString(model.takeError());
    return failure();
  }
  std::string here = getMachineFingerprint();
  std::string difference =
      describeMachineDifference((*model)->getMachine(), here);
  if (!difference.empty() && (*model)->claimMachineWarning())
    mlir::emitWarning(scope->getLoc())
        << "cost model '" << path << "' was trained on another kind of "
        << "machine (" << difference << "; trained on "
        << (*model)->getMachine() << ", this one: " << here
        << "); its estimates may not transfer";
  return createLearnedCostModel(std::move(*target), std::move(*model));
}

//===- CostReport.cpp - Predicted cost after every pass -------------------===//

#include "passes/Analysis/CostReport.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/OpCategory.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/Support/Format.h"

#include <mutex>

using namespace mlir;
using namespace mlir::strata;

namespace {
class CostReportInstrumentation final : public PassInstrumentation {
public:
  CostReportInstrumentation(std::string spec, std::string target,
                            llvm::raw_ostream &os)
      : spec(std::move(spec)), target(std::move(target)), os(os) {}

  void runAfterPass(Pass *pass, Operation *op) override {
    // Pass-manager adaptors (nested pipelines) have no argument: their
    // passes report for themselves.
    if (pass->getArgument().empty())
      return;
    // Kernels: groups, and tensor-producing compute ops outside groups
    // (a call is not one: its callee's ops are counted).
    SmallVector<Operation *> kernels;
    unsigned skipped = 0;
    op->walk<WalkOrder::PreOrder>([&](Operation *nested) {
      if (isa<CallOpInterface>(nested) || !isKernel(nested))
        return WalkResult::advance();
      kernels.push_back(nested);
      return WalkResult::skip();
    });
    Operation *scope = isa<ModuleOp>(op) ? op : op->getParentOfType<ModuleOp>();
    if (!scope)
      scope = op;
    std::lock_guard<std::mutex> lock(mutex);
    FailureOr<std::unique_ptr<CostModel>> model =
        createCostModel(spec, target, scope);
    if (failed(model))
      return;
    SmallVector<FailureOr<CostEstimate>> estimates;
    (*model)->estimateBatch(kernels, estimates);
    double total = 0;
    unsigned counted = 0;
    for (FailureOr<CostEstimate> &est : estimates) {
      if (failed(est)) {
        ++skipped;
        continue;
      }
      // Views and empty tensors are free: not kernels.
      if (est->seconds == 0 && est->flops == 0)
        continue;
      total += est->seconds;
      ++counted;
    }
    os << "// strata-cost-report: after " << pass->getArgument();
    if (auto func = dyn_cast<func::FuncOp>(op))
      os << " on @" << func.getSymName();
    os << ": " << counted << " kernels, " << llvm::format("%.3e", total)
       << " s predicted (" << (*model)->getName() << " on "
       << (*model)->getTarget().name << ")";
    if (skipped)
      os << ", " << skipped << " ops without an estimate";
    os << "\n";
    os.flush();
  }

private:
  std::string spec, target;
  llvm::raw_ostream &os;
  std::mutex mutex;
};
} // namespace

void mlir::strata::addCostReportInstrumentation(PassManager &pm,
                                                std::string spec,
                                                std::string target,
                                                llvm::raw_ostream &os) {
  pm.addInstrumentation(std::make_unique<CostReportInstrumentation>(
      std::move(spec), std::move(target), os));
}

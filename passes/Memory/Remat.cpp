//===- Remat.cpp - Rematerialization to a memory budget -------------------===//
//
// Implements `strata-remat` over strata/Planning/Remat.h: plan on the
// kernel graph, then clone the recomputed kernels and rewire the late users.
//
//===----------------------------------------------------------------------===//

#include "passes/Memory/Passes.h"
#include "passes/Memory/Reorder.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "strata/CostModel/CostModel.h"
#include "strata/Planning/Remat.h"
#include "strata/Solvers/CPSAT.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAREMAT
#include "passes/Memory/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {

struct StrataRematPass final : strata::impl::StrataRematBase<StrataRematPass> {
  using Base::Base;

  /// Options that do not depend on the function, checked once per
  /// pipeline.
  LogicalResult initialize(MLIRContext *context) override {
    if (timeLimit <= 0 || maxRecomputations < 1)
      return emitError(UnknownLoc::get(context))
             << "strata-remat: time-limit must be positive and "
                "max-recomputations at least 1";
    if (budget.empty())
      return emitError(UnknownLoc::get(context))
             << "strata-remat: give budget=BYTES or budget=NN%";
    if (pilot < 0)
      return emitError(UnknownLoc::get(context))
             << "strata-remat: pilot must not be negative";
    std::string whyNot;
    if (solver == RematSolver::HiGHS && !isHighsAvailable(&whyNot))
      return emitError(UnknownLoc::get(context))
             << "strata-remat: solver=highs: " << whyNot;
    if (solver == RematSolver::CPSAT && !isCPSATAvailable(&whyNot))
      return emitError(UnknownLoc::get(context))
             << "strata-remat: solver=cpsat: " << whyNot;
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &block = func.getBody().front();
    FailureOr<IRKernelGraph> ir = buildMovableKernelGraph(func, "strata-remat");
    if (failed(ir))
      return signalPassFailure();
    const KernelGraph *graph = &ir->graph;
    LivenessOptions options;
    options.countArguments = countArguments;
    options.countConstants = countConstants;
    SmallVector<int> order(graph->nodes.size());
    std::iota(order.begin(), order.end(), 0);
    int64_t peak = computeMemoryProfile(*graph, order, options).peakBytes;

    std::optional<int64_t> budgetBytes = parseRematBudget(budget, peak);
    if (!budgetBytes) {
      func.emitError() << "strata-remat: budget must be BYTES or NN%, got '"
                       << budget << "'";
      return signalPassFailure();
    }

    FailureOr<std::unique_ptr<CostModel>> model =
        createCostModel(costModel, target, func);
    if (failed(model))
      return signalPassFailure();
    SmallVector<double> cost;
    for (Operation *op : ir->ops) {
      FailureOr<CostEstimate> est = (*model)->estimate(op);
      cost.push_back(succeeded(est) ? est->seconds : 0.0);
    }

    ExactRematOptions exact;
    exact.timeLimitSeconds = timeLimit;
    exact.maxRecomputations = maxRecomputations;
    exact.seed = seed;
    exact.greedy.pilotWidth = pilot;
    exact.costBound = costBound;
    RematResult r = rematerialize(solver, *graph, order, cost, *budgetBytes,
                                  options, exact);
    if (!r.hasSolution()) {
      func.emitError() << "strata-remat: "
                       << explainRematFailure(r, solver,
                                              " for '" +
                                                  func.getSymName().str() + "'",
                                              *graph, order, cost, options);
      return signalPassFailure();
    }

    applyRecomputedOrder(block, *ir, r.graph, r.order, r.recomputations);
    numRecomputed += r.recomputations.size();
    InFlightDiagnostic remark = func.emitRemark();
    remark << "strata-remat '" << func.getSymName() << "' (" << r.solver
           << "): peak " << r.initialPeakBytes << " B -> " << r.peakBytes
           << " B within " << *budgetBytes << " B, " << r.recomputations.size()
           << " recomputation(s)";
    if (solver != RematSolver::Greedy)
      remark << "; " << stringifySolverStatus(r.status) << ", objective "
             << llvm::formatv("{0:g}", r.objective).str() << ", bound "
             << llvm::formatv("{0:g}", r.bound).str() << ", gap "
             << llvm::formatv("{0:f1}", 100 * r.gap).str() << "%";
  }
};
} // namespace

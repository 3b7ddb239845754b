//===- TileReport.cpp - Tile-level tier mapping, as a report --------------===//
//
// Implements `strata-tile-report`: each function's stripe accesses
// (strata/Analysis/StripeAccess.h), the tile-level greedy plan
// (strata/Planning/TileMapping.h) and its simulation, as remarks or JSON.
//
//===----------------------------------------------------------------------===//

#include "passes/Memory/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "strata/Analysis/MappedIR.h"
#include "strata/Analysis/StripeAccess.h"
#include "strata/CostModel/CostModel.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"

#include <numeric>

namespace mlir::strata {
#define GEN_PASS_DEF_STRATATILEREPORT
#include "passes/Memory/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {

struct StrataTileReportPass final
    : strata::impl::StrataTileReportBase<StrataTileReportPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    if (stripeRows < 1)
      return emitError(UnknownLoc::get(context))
             << "strata-tile-report: stripe-rows must be at least 1, got "
             << stripeRows.getValue();
    if (!(bufferFraction > 0 && bufferFraction <= 1))
      return emitError(UnknownLoc::get(context))
             << "strata-tile-report: buffer-fraction must be in (0, 1], got "
             << bufferFraction.getValue();
    if (alignment < 1 || !llvm::isPowerOf2_64(alignment))
      return emitError(UnknownLoc::get(context))
             << "strata-tile-report: alignment must be a power of two, got "
             << alignment.getValue();
    return success();
  }

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (hasTierPlan(func)) {
        func.emitError() << "strata-tile-report: function '"
                         << func.getSymName()
                         << "' already has a tier plan; report on the "
                            "function before strata-map-memory";
        return signalPassFailure();
      }
      FailureOr<TargetDescription> desc = resolveTarget(target, func);
      if (failed(desc))
        return signalPassFailure();
      if (desc->tiers.size() < 2) {
        func.emitRemark() << "strata-tile-report '" << func.getSymName()
                          << "': target '" << desc->name
                          << "' has a single memory tier; nothing to map";
        continue;
      }
      FailureOr<std::unique_ptr<CostModel>> model =
          createCostModel(costModel, target, func);
      if (failed(model))
        return signalPassFailure();
      FailureOr<IRKernelGraph> ir = buildKernelGraph(func.getBody().front());
      if (failed(ir))
        return signalPassFailure();
      SmallVector<double> compute = getComputeSeconds(ir->ops, **model);
      SmallVector<int> order(ir->graph.nodes.size());
      std::iota(order.begin(), order.end(), 0);
      TileMappingOptions options;
      options.tensor.alignment = alignment;
      options.stripeRows = stripeRows;
      options.bufferFraction = bufferFraction;
      StripeInfo info = computeStripeInfo(*ir);
      TilePlan plan =
          mapTilesGreedy(ir->graph, info, order, compute, desc->tiers, options);
      SmallVector<PlanViolation> violations = verifyMappedProgram(plan.program);
      if (!violations.empty()) {
        func.emitError() << "strata-tile-report: internal error, the plan "
                            "for '"
                         << func.getSymName()
                         << "' is invalid: " << violations[0].message;
        return signalPassFailure();
      }
      report(func, *desc, plan, simulateMappedProgram(plan.program));
    }
    markAllAnalysesPreserved();
  }

  void report(func::FuncOp func, const TargetDescription &desc,
              const TilePlan &plan, const SimulationResult &sim) {
    int cascaded = 0, onChip = 0;
    int64_t maxBuffer = 0;
    for (const Cascade &c : plan.cascades) {
      cascaded += c.last - c.first + 1;
      onChip += c.internal.size();
      maxBuffer = std::max(maxBuffer, c.bufferBytes);
    }
    int kernels = plan.cascadeOf.size();
    if (format == ReportFormat::Text) {
      func.emitRemark() << llvm::formatv(
          "strata-tile-report '{0}' on {1}: {2} cascades over {3} of {4} "
          "kernels, {5} values only on chip (largest buffers {6} B); "
          "off-chip {7} B non-compulsory, {8:f3} us simulated",
          func.getSymName(), desc.name, plan.cascades.size(), cascaded, kernels,
          onChip, maxBuffer, sim.nonCompulsoryBytes, sim.totalSeconds * 1e6);
      return;
    }
    llvm::json::Object object = getSimulationJSON(sim);
    object["function"] = func.getSymName();
    object["target"] = desc.name;
    object["num_kernels"] = kernels;
    object["cascades"] = (int64_t)plan.cascades.size();
    object["cascaded_kernels"] = cascaded;
    object["on_chip_values"] = onChip;
    object["max_buffer_bytes"] = maxBuffer;
    llvm::outs() << llvm::json::Value(std::move(object)) << "\n";
  }
};

} // namespace

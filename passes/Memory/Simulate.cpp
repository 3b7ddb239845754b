//===- Simulate.cpp - Simulate mapped functions ---------------------------===//
//
// Implements `strata-simulate`: each function's tier plan (or, without one,
// everything in the backing tier) through the simulator of
// strata/Planning/TierMapping.h, as remarks, JSON or a Chrome trace.
//
//===----------------------------------------------------------------------===//

#include "passes/Memory/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "strata/Analysis/MappedIR.h"
#include "strata/CostModel/CostModel.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATASIMULATE
#include "passes/Memory/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {

struct StrataSimulatePass final
    : strata::impl::StrataSimulateBase<StrataSimulatePass> {
  using Base::Base;

  void runOnOperation() override {
    llvm::json::Array events;
    int pid = 0;
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      FailureOr<TargetDescription> desc = resolveTarget(target, func);
      if (failed(desc))
        return signalPassFailure();
      FailureOr<std::unique_ptr<CostModel>> model =
          createCostModel(costModel, target, func);
      if (failed(model))
        return signalPassFailure();
      FailureOr<MappedFunction> mapped =
          readMappedFunction(func, *desc, **model);
      if (failed(mapped))
        return signalPassFailure();
      const MappedProgram &program = mapped->program;
      SmallVector<PlanViolation> violations = verifyMappedProgram(program);
      if (!violations.empty()) {
        func.emitError() << "strata-simulate: the tier plan of '"
                         << func.getSymName() << "' is invalid ("
                         << violations.front().message
                         << "); strata-verify-memory-plan locates it";
        return signalPassFailure();
      }
      SimulationResult sim = simulateMappedProgram(program);
      if (format == ReportFormat::Json)
        printJSON(func, *desc, *mapped, sim);
      else
        emitRemark(func, *desc, *mapped, sim);
      if (!trace.empty())
        appendSimulationTrace(program, sim, getOpNames(*mapped), pid++,
                              func.getSymName(), events);
    }
    if (!trace.empty()) {
      std::string error;
      std::unique_ptr<llvm::ToolOutputFile> file =
          openOutputFile(trace, &error);
      if (!file) {
        getOperation().emitError()
            << "strata-simulate: cannot write the trace: " << error;
        return signalPassFailure();
      }
      file->os() << llvm::json::Value(
                        llvm::json::Object{{"displayTimeUnit", "ns"},
                                           {"traceEvents", std::move(events)}})
                 << "\n";
      file->keep();
    }
    markAllAnalysesPreserved();
  }

  static SmallVector<std::string> getOpNames(const MappedFunction &mapped) {
    SmallVector<std::string> names;
    for (auto [i, op] : llvm::enumerate(mapped.program.ops)) {
      if (op.kind == MappedOpKind::Kernel) {
        names.push_back(getKernelName(mapped.ops[i]));
        continue;
      }
      const MappedTensor &t = mapped.program.tensors[op.writes[0]];
      names.push_back(llvm::formatv("{0} {1} B to {2}",
                                    op.kind == MappedOpKind::Prefetch
                                        ? "prefetch"
                                        : "evict",
                                    t.bytes, mapped.program.tiers[t.tier].name)
                          .str());
    }
    return names;
  }

  static int countCopies(const MappedProgram &program) {
    return llvm::count_if(program.ops, [](const MappedOp &op) {
      return op.kind != MappedOpKind::Kernel;
    });
  }

  void emitRemark(func::FuncOp func, const TargetDescription &desc,
                  const MappedFunction &mapped, const SimulationResult &sim) {
    func.emitRemark() << llvm::formatv(
        "strata-simulate '{0}' on {1} ({2}): {3:f3} us (kernels {4:f3} us, "
        "waiting for copies {5:f3} us); off-chip {6} B = {7} B compulsory + "
        "{8} B non-compulsory; {9} copies moved {10} B",
        func.getSymName(), desc.name,
        mapped.planned ? "tier plan"
                       : "no plan: everything in " + desc.tiers.back().name,
        sim.totalSeconds * 1e6, sim.kernelSeconds * 1e6, sim.stallSeconds * 1e6,
        sim.offchipBytes, sim.compulsoryBytes, sim.nonCompulsoryBytes,
        countCopies(mapped.program), sim.copyBytes);
  }

  void printJSON(func::FuncOp func, const TargetDescription &desc,
                 const MappedFunction &mapped, const SimulationResult &sim) {
    const MappedProgram &program = mapped.program;
    llvm::json::Object arenas;
    for (auto [i, tier] : llvm::enumerate(program.tiers))
      arenas[tier.name] = program.arenaBytes[i];
    llvm::json::Object object = getSimulationJSON(sim);
    object["function"] = func.getSymName();
    object["target"] = desc.name;
    object["planned"] = mapped.planned;
    object["unavoidable_bytes"] = getUnavoidableTraffic(program);
    object["num_kernels"] = program.numKernels;
    object["num_copies"] = countCopies(program);
    object["arena_bytes"] = std::move(arenas);
    llvm::outs() << llvm::json::Value(std::move(object)) << "\n";
  }
};

} // namespace

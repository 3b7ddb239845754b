//===- MapMemory.cpp - Memory-tier mapping and its verifier ---------------===//
//
// Implements `strata-map-memory` (plan with strata/Planning/TierMapping.h,
// write the plan with strata/Analysis/MappedIR.h) and
// `strata-verify-memory-plan` (read a plan back and check it).
//
//===----------------------------------------------------------------------===//

#include "passes/Memory/Passes.h"
#include "passes/Memory/Reorder.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Analysis/MappedIR.h"
#include "strata/CostModel/CostModel.h"
#include "strata/Planning/JointPlanning.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <numeric>

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAMAPMEMORY
#define GEN_PASS_DEF_STRATAVERIFYMEMORYPLAN
#include "passes/Memory/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {

struct StrataMapMemoryPass final
    : strata::impl::StrataMapMemoryBase<StrataMapMemoryPass> {
  using Base::Base;

  /// Numeric options, checked once per pipeline.
  LogicalResult initialize(MLIRContext *context) override {
    if (timeLimit <= 0)
      return emitError(UnknownLoc::get(context))
             << "strata-map-memory: time-limit must be positive";
    if (alignment < 1 || !llvm::isPowerOf2_64(alignment))
      return emitError(UnknownLoc::get(context))
             << "strata-map-memory: alignment must be a power of two, got "
             << alignment.getValue();
    if (planner != TierPlanner::Program && algorithm == TierAlgorithm::DRAM)
      return emitError(UnknownLoc::get(context))
             << "strata-map-memory: planner=" << stringifyTierPlanner(planner)
             << " needs algorithm=greedy or algorithm=ilp";
    if (planner != TierPlanner::Program && !copies)
      return emitError(UnknownLoc::get(context))
             << "strata-map-memory: planner=" << stringifyTierPlanner(planner)
             << " plans with copies; drop copies=false";
    if (jointRecomputations < 0)
      return emitError(UnknownLoc::get(context))
             << "strata-map-memory: joint-recomputations must be at least 0";
    return success();
  }

  /// Plans the order (and recomputation) with the tiers, applies them to
  /// the function and returns the plan's program over the rewritten
  /// function's kernel graph, which `ir` becomes.
  FailureOr<MappedProgram> planJointly(func::FuncOp func, IRKernelGraph &ir,
                                       ArrayRef<double> compute,
                                       ArrayRef<MappingTier> tiers) {
    JointOptions options;
    options.mapping.copies = copies;
    options.mapping.alignment = alignment;
    options.timeLimitSeconds = timeLimit;
    options.seed = seed;
    options.maxRecomputations = jointRecomputations;
    options.solver = isHighsAvailable() ? MILPSolver::HiGHS : MILPSolver::CBC;
    bool exact = algorithm == TierAlgorithm::ILP;
    JointPlan plan =
        planner == TierPlanner::Sequential
            ? planSequential(ir.graph, compute, tiers, options, exact)
        : exact ? planJointExact(ir.graph, compute, tiers, options)
                : planJointHeuristic(ir.graph, compute, tiers, options);
    Block &block = func.getBody().front();
    SmallVector<Operation *> nodeOps = applyRecomputedOrder(
        block, ir, plan.graph, plan.order, plan.recomputations);
    numJointRecomputed += plan.recomputations.size();
    // The plan's nodes and values in the rewritten function's graph.
    FailureOr<IRKernelGraph> now = buildKernelGraph(block);
    if (failed(now))
      return failure();
    DenseMap<Operation *, int> nodeOf;
    for (auto [i, op] : llvm::enumerate(now->ops))
      nodeOf[op] = i;
    DenseMap<Value, int> valueOf;
    for (auto [i, v] : llvm::enumerate(now->values))
      valueOf[v] = i;
    auto irValue = [&](int id) -> Value {
      const KGValue &v = plan.graph.values[id];
      if (v.producer < 0)
        return ir.values[id];
      const KGNode &producer = plan.graph.nodes[v.producer];
      unsigned index =
          llvm::find(producer.outputs, id) - producer.outputs.begin();
      return nodeOps[v.producer]->getResult(index);
    };
    MappedProgram program = std::move(plan.program);
    for (MappedOp &op : program.ops)
      if (op.kind == MappedOpKind::Kernel) {
        auto it = nodeOf.find(nodeOps[op.node]);
        if (it == nodeOf.end())
          return func.emitError() << "strata-map-memory: internal error, a "
                                     "planned kernel is not in the function";
        op.node = it->second;
      }
    for (MappedTensor &t : program.tensors) {
      auto it = valueOf.find(irValue(t.value));
      if (it == valueOf.end())
        return func.emitError() << "strata-map-memory: internal error, a "
                                   "planned value is not in the function";
      t.value = it->second;
    }
    InFlightDiagnostic diag = func.emitRemark();
    diag << "strata-map-memory '" << func.getSymName() << "' (" << plan.method
         << "): " << plan.order.size() << " kernel runs, "
         << plan.recomputations.size() << " recomputations, non-compulsory "
         << plan.nonCompulsoryBytes << " B + "
         << llvm::formatv("{0:F3}", plan.recomputeSeconds * 1e6)
         << " us recomputed, cost " << llvm::formatv("{0:F0}", plan.cost)
         << " B";
    if (plan.exact && plan.status != SolverStatus::Error)
      diag << "; " << stringifySolverStatus(plan.status) << ", bound "
           << llvm::formatv("{0:F0}", plan.bound) << " B, gap "
           << llvm::formatv("{0:F1}", 100 * plan.gap) << "%";
    if (plan.variables > 0)
      diag << ", " << plan.variables << " variables, " << plan.constraints
           << " constraints";
    if (!plan.note.empty())
      diag << " (" << plan.note << ")";
    ir = std::move(*now);
    return program;
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    StringRef name = func.getSymName();
    FailureOr<TargetDescription> desc = resolveTarget(target, func);
    if (failed(desc))
      return signalPassFailure();
    FailureOr<std::unique_ptr<CostModel>> model =
        createCostModel(costModel, target, func);
    if (failed(model))
      return signalPassFailure();
    if (hasTierPlan(func)) {
      func.emitError() << "strata-map-memory: function '" << name
                       << "' already has a tier plan (strata-verify-memory-"
                          "plan checks it)";
      return signalPassFailure();
    }
    if (desc->tiers.size() < 2) {
      func.emitRemark() << "strata-map-memory '" << name << "': target '"
                        << desc->name
                        << "' has a single memory tier; nothing to map";
      return;
    }
    FailureOr<IRKernelGraph> ir =
        planner == TierPlanner::Program
            ? buildKernelGraph(func.getBody().front())
            : buildMovableKernelGraph(func, "strata-map-memory");
    if (failed(ir))
      return signalPassFailure();
    SmallVector<double> compute = getComputeSeconds(ir->ops, **model);
    ArrayRef<MappingTier> tiers = desc->tiers;
    std::optional<MappedProgram> planned;
    if (planner != TierPlanner::Program) {
      FailureOr<MappedProgram> p = planJointly(func, *ir, compute, tiers);
      if (failed(p))
        return signalPassFailure();
      planned = std::move(*p);
      compute = getComputeSeconds(ir->ops, **model);
    }
    const KernelGraph *graph = &ir->graph;
    SmallVector<int> order(graph->nodes.size());
    std::iota(order.begin(), order.end(), 0);

    TierMappingOptions options;
    options.copies = copies;
    options.alignment = alignment;
    MappedProgram base =
        mapTiersToBacking(*graph, order, compute, tiers, alignment);
    MappedProgram program;
    if (planned) {
      program = std::move(*planned);
    } else if (algorithm == TierAlgorithm::DRAM) {
      program = base;
    } else if (algorithm == TierAlgorithm::Greedy) {
      program = mapTiersGreedy(*graph, order, compute, tiers, options);
    } else {
      TierILPOptions limits;
      limits.timeLimitSeconds = timeLimit;
      limits.seed = seed;
      TierILPResult exact =
          mapTiersILP(*graph, order, compute, tiers, options, limits);
      program = std::move(exact.program);
      InFlightDiagnostic diag = func.emitRemark();
      diag << "strata-map-memory '" << name << "' (ilp, cbc): ";
      if (exact.keptGreedy)
        diag << "kept the greedy plan: " << exact.note;
      else
        diag << stringifySolverStatus(exact.status) << ", non-compulsory "
             << llvm::formatv("{0:F0}", exact.objective) << " B, bound "
             << llvm::formatv("{0:F0}", exact.bound) << " B, gap "
             << llvm::formatv("{0:F1}", 100 * exact.gap) << "%, "
             << exact.variables << " variables, " << exact.constraints
             << " constraints" << (exact.note.empty() ? "" : "; " + exact.note);
    }
    SmallVector<PlanViolation> violations = verifyMappedProgram(program);
    if (!violations.empty()) {
      func.emitError() << "strata-map-memory: internal error, the plan for '"
                       << name << "' is invalid: " << violations[0].message;
      return signalPassFailure();
    }
    SimulationResult sim = simulateMappedProgram(program);
    SimulationResult allInBacking = simulateMappedProgram(base);

    const MappingTier &fast = tiers.front(), &slow = tiers.back();
    for (const KGValue &v : graph->values) {
      if (v.producer < 0 || v.bytes <= (int64_t)fast.capacity)
        continue;
      ir->ops[v.producer]->emitRemark()
          << "strata-map-memory: a result of " << v.bytes
          << " B does not fit in '" << fast.name << "' (" << fast.capacity
          << " B); placed in '" << slow.name << "'";
    }
    writeMappedProgram(func, *ir, program);

    int prefetches = 0, evictions = 0;
    for (const MappedOp &op : program.ops) {
      prefetches += op.kind == MappedOpKind::Prefetch;
      evictions += op.kind == MappedOpKind::Evict;
    }
    int inBacking = countResultsOnlyInBacking(program);
    numPrefetches += prefetches;
    numEvictions += evictions;
    numInBacking += inBacking;
    func.emitRemark() << "strata-map-memory '" << name << "' ("
                      << stringifyTierAlgorithm(algorithm)
                      << (copies ? "" : ", no copies")
                      << (planner == TierPlanner::Program
                              ? ""
                              : ", " + stringifyTierPlanner(planner).str())
                      << ", " << desc->name << "): " << fast.name << " arena "
                      << program.arenaBytes.front() << " B of " << fast.capacity
                      << " B, " << slow.name << " arena "
                      << program.arenaBytes.back() << " B; " << prefetches
                      << " prefetches, " << evictions << " evictions; "
                      << inBacking << " results only in " << slow.name
                      << "; off-chip " << sim.offchipBytes
                      << " B (non-compulsory " << sim.nonCompulsoryBytes
                      << " B), " << allInBacking.offchipBytes
                      << " B with everything in " << slow.name;
  }
};

struct StrataVerifyMemoryPlanPass final
    : strata::impl::StrataVerifyMemoryPlanBase<StrataVerifyMemoryPlanPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!hasTierPlan(func)) {
      markAllAnalysesPreserved();
      return;
    }
    FailureOr<TargetDescription> desc = resolveTarget(target, func);
    if (failed(desc))
      return signalPassFailure();
    if (auto arenas = func->getAttrOfType<DictionaryAttr>(
            StrataDialect::getArenasAttrName()))
      for (NamedAttribute entry : arenas)
        if (!desc->findTier(entry.getName().getValue())) {
          func.emitError() << "memory plan: '"
                           << StrataDialect::getArenasAttrName()
                           << "' names tier '" << entry.getName().getValue()
                           << "', which target '" << desc->name
                           << "' does not have";
          return signalPassFailure();
        }
    std::unique_ptr<CostModel> model = createRooflineCostModel(*desc);
    FailureOr<MappedFunction> mapped = readMappedFunction(func, *desc, *model);
    if (failed(mapped))
      return signalPassFailure();
    SmallVector<PlanViolation> violations =
        verifyMappedProgram(mapped->program);
    auto opOf = [&](int tensor) -> Operation * {
      Value v = mapped->values[tensor];
      if (Operation *def = v.getDefiningOp())
        return def;
      return func;
    };
    for (const PlanViolation &v : violations) {
      Operation *where = v.tensor >= 0 ? opOf(v.tensor)
                         : v.op >= 0   ? mapped->ops[v.op]
                                       : func.getOperation();
      InFlightDiagnostic diag = where->emitError()
                                << "memory plan: " << v.message;
      if (v.other >= 0)
        diag.attachNote(opOf(v.other)->getLoc())
            << "the other tensor is written here";
    }
    if (!violations.empty())
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace

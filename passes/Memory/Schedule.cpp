//===- Schedule.cpp - Memory-aware kernel reordering ----------------------===//
//
// Implements `strata-schedule` over strata/Planning/Schedule.h.
//
//===----------------------------------------------------------------------===//

#include "passes/Memory/Passes.h"
#include "passes/Memory/Reorder.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "strata/CostModel/CostModel.h"
#include "strata/Planning/Schedule.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATASCHEDULE
#include "passes/Memory/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {} // namespace

FailureOr<IRKernelGraph>
mlir::strata::buildMovableKernelGraph(func::FuncOp func, StringRef passName) {
  Block &block = func.getBody().front();
  for (Operation &op : block.without_terminator())
    if (!isMemoryEffectFree(&op))
      return op.emitError() << passName
                            << ": cannot move or clone kernels of a function "
                               "with side effects";
  return buildKernelGraph(block);
}

SmallVector<Operation *> mlir::strata::applyRecomputedOrder(
    Block &block, const IRKernelGraph &ir, const KernelGraph &graph,
    ArrayRef<int> order, ArrayRef<Recomputation> recomputations) {
  SmallVector<Operation *> nodeOps(ir.ops);
  nodeOps.resize(graph.nodes.size(), nullptr);
  SmallVector<int> originalOf(graph.nodes.size(), -1);
  for (const Recomputation &rec : recomputations)
    originalOf[rec.copy] = rec.original;
  // The IR value of a kernel-graph value: result #k of its producer's op.
  auto irValue = [&](int id) -> Value {
    const KGValue &v = graph.values[id];
    const KGNode &producer = graph.nodes[v.producer];
    unsigned index =
        llvm::find(producer.outputs, id) - producer.outputs.begin();
    return nodeOps[v.producer]->getResult(index);
  };
  // The IR value the original kernels read for a graph value: a copy's
  // output stands for the same output of the node it copies.
  auto originalValue = [&](int id) -> Value {
    while (id >= (int)ir.values.size()) {
      int copy = graph.values[id].producer;
      const KGNode &node = graph.nodes[copy];
      unsigned index = llvm::find(node.outputs, id) - node.outputs.begin();
      id = graph.nodes[originalOf[copy]].outputs[index];
    }
    return ir.values[id];
  };
  // Clone the recomputed kernels, right before the kernels they copy (the
  // reorder below moves them).
  for (const Recomputation &rec : recomputations) {
    Operation *original = nodeOps[rec.original];
    OpBuilder builder(original);
    Operation *clone = builder.clone(*original);
    clone->setAttr(StrataDialect::getRecomputeOfAttrName(),
                   StringAttr::get(block.getParentOp()->getContext(),
                                   getKernelName(original)));
    nodeOps[rec.copy] = clone;
  }
  // Rewire: every kernel reads the value its kernel-graph inputs name.
  for (auto [id, node] : llvm::enumerate(graph.nodes)) {
    for (int input : node.inputs) {
      const KGValue &v = graph.values[input];
      if (v.producer < 0)
        continue;
      Value now = irValue(input);
      Value old = originalValue(input);
      if (now != old)
        nodeOps[id]->replaceUsesOfWith(old, now);
    }
  }
  reorderBlock(block, nodeOps, order);
  return nodeOps;
}

void mlir::strata::reorderBlock(Block &block, ArrayRef<Operation *> nodeOps,
                                ArrayRef<int> order) {
  Operation *terminator = block.getTerminator();
  llvm::SetVector<Operation *> placed;
  // Places `op` after the in-block producers of its operands.
  std::function<void(Operation *)> place = [&](Operation *op) {
    if (placed.contains(op) || op == terminator)
      return;
    SmallVector<Value> operands(op->getOperands());
    // Values captured by regions (groups are isolated; others may not be).
    op->walk([&](Operation *nested) {
      if (nested != op)
        for (Value v : nested->getOperands())
          operands.push_back(v);
    });
    for (Value v : operands)
      if (Operation *def = v.getDefiningOp())
        if (def->getBlock() == &block)
          place(def);
    placed.insert(op);
  };
  for (int node : order)
    place(nodeOps[node]);
  for (Operation &op : block)
    place(&op);
  for (Operation *op : placed)
    op->moveBefore(terminator);
}

namespace {

std::string formatPercent(double v) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.1f%%", v);
  return text;
}

struct StrataSchedulePass final
    : strata::impl::StrataScheduleBase<StrataSchedulePass> {
  using Base::Base;

  /// HEFT onto the target's unit instances; annotates each kernel with its
  /// unit and orders the block by start time.
  LogicalResult scheduleForMakespan(func::FuncOp func,
                                    const IRKernelGraph &ir) {
    const KernelGraph &graph = ir.graph;
    FailureOr<std::unique_ptr<CostModel>> model =
        createCostModel(costModel, target, func);
    if (failed(model))
      return failure();
    const TargetDescription &desc = (*model)->getTarget();
    // Processors: every instance of every unit.
    SmallVector<std::pair<unsigned, uint64_t>> procs;
    for (auto [u, unit] : llvm::enumerate(desc.units))
      for (uint64_t i = 0; i < std::max<uint64_t>(unit.count, 1); ++i)
        procs.push_back({(unsigned)u, i});
    HeftProblem problem;
    double oneUnit = INFINITY;
    SmallVector<double> unitTotals(desc.units.size(), 0.0);
    for (Operation *op : ir.ops) {
      SmallVector<double> perUnit;
      for (unsigned u = 0; u < desc.units.size(); ++u) {
        FailureOr<CostEstimate> est = (*model)->estimateOnUnit(op, u);
        if (failed(est))
          return op->emitError()
                 << "strata-schedule: the " << (*model)->getName()
                 << " cost model cannot estimate this kernel";
        perUnit.push_back(est->seconds);
        unitTotals[u] += est->seconds;
      }
      SmallVector<double> row;
      for (auto [u, instance] : procs)
        row.push_back(perUnit[u]);
      problem.cost.push_back(std::move(row));
    }
    for (double total : unitTotals)
      oneUnit = std::min(oneUnit, total);
    const MemoryTier &backing = desc.getBackingTier();
    for (const KGValue &value : graph.values)
      if (value.producer >= 0)
        for (int user : value.users)
          problem.edges.push_back(
              {value.producer, user,
               value.bytes / backing.bandwidth + backing.latency});
    HeftResult r = scheduleHEFT(problem);
    if (!isValidOrder(graph, r.order)) {
      func.emitError("strata-schedule: internal error: invalid order");
      return failure();
    }
    MLIRContext *ctx = func.getContext();
    for (auto [id, op] : llvm::enumerate(ir.ops)) {
      auto [u, instance] = procs[r.processor[id]];
      op->setAttr(StrataDialect::getUnitAttrName(),
                  StringAttr::get(ctx, desc.units[u].name + ":" +
                                           std::to_string(instance)));
    }
    for (auto [step, node] : llvm::enumerate(r.order))
      numMoved += (int)step != node;
    reorderBlock(func.getBody().front(), ir.ops, r.order);
    llvm::SmallDenseSet<int> used(r.processor.begin(), r.processor.end());
    func.emitRemark() << "strata-schedule '" << func.getSymName()
                      << "' (makespan, heft on " << desc.name
                      << "): " << graph.nodes.size() << " kernel(s) on "
                      << used.size() << " of " << procs.size()
                      << " unit(s), makespan "
                      << llvm::formatv("{0:e3}", r.makespan).str()
                      << " s (one unit: "
                      << llvm::formatv("{0:e3}", oneUnit).str() << " s)";
    return success();
  }

  /// Numeric options, checked once per pipeline.
  LogicalResult initialize(MLIRContext *context) override {
    if (timeLimit < 0 || maxStates < 1)
      return emitError(UnknownLoc::get(context))
             << "strata-schedule: time-limit must not be negative and "
                "max-states must be positive";
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &block = func.getBody().front();
    FailureOr<IRKernelGraph> ir =
        buildMovableKernelGraph(func, "strata-schedule");
    if (failed(ir))
      return signalPassFailure();
    const KernelGraph *graph = &ir->graph;

    if (objective == ScheduleObjective::Makespan) {
      if (failed(scheduleForMakespan(func, *ir)))
        return signalPassFailure();
      return;
    }

    LivenessOptions options;
    options.countArguments = countArguments;
    options.countConstants = countConstants;
    ScheduleResult before = scheduleProgramOrder(*graph, options);
    ScheduleResult result;
    switch (algorithm) {
    case ScheduleAlgorithm::Program:
      result = before;
      break;
    case ScheduleAlgorithm::Greedy:
      result = scheduleGreedy(*graph, options);
      break;
    case ScheduleAlgorithm::Exact: {
      ExactScheduleOptions limits;
      limits.timeLimitSeconds = timeLimit;
      limits.maxStates = maxStates;
      result = scheduleExact(*graph, options, limits);
      break;
    }
    }
    if (!isValidOrder(*graph, result.order)) {
      func.emitError("strata-schedule: internal error: invalid order");
      return signalPassFailure();
    }
    for (auto [step, node] : llvm::enumerate(result.order))
      numMoved += (int)step != node;
    reorderBlock(block, ir->ops, result.order);

    InFlightDiagnostic diag = func.emitRemark();
    diag << "strata-schedule '" << func.getSymName() << "' ("
         << stringifyScheduleAlgorithm(algorithm) << ", " << result.method
         << "): peak " << before.peakBytes << " B -> " << result.peakBytes
         << " B";
    if (algorithm == ScheduleAlgorithm::Exact) {
      double gap = result.peakBytes == 0
                       ? 0.0
                       : 100.0 * (result.peakBytes - result.lowerBound) /
                             result.peakBytes;
      diag << "; "
           << (result.status == ScheduleStatus::Optimal ? "optimal"
                                                        : "not proven optimal")
           << ", bound " << result.lowerBound << " B, gap "
           << formatPercent(gap) << ", " << result.nodes << " states";
    }
  }
};
} // namespace

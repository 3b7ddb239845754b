//===- JointPlanning.cpp - Sequential and heuristic joint planning --------===//
//
// The sequential pipeline and the joint local search (JointPlanning.h); the
// exact model is in JointILP.cpp.
//
//===----------------------------------------------------------------------===//

#include "strata/Planning/JointPlanning.h"
#include "strata/Planning/Schedule.h"

#include <chrono>

using namespace mlir;
using namespace mlir::strata;

double mlir::strata::getRecomputeRate(ArrayRef<MappingTier> tiers,
                                      const JointOptions &options) {
  if (options.recomputeBytesPerSecond > 0)
    return options.recomputeBytesPerSecond;
  return tiers.empty() ? 0 : tiers.back().bandwidth;
}

void mlir::strata::priceJointPlan(JointPlan &plan, ArrayRef<MappingTier> tiers,
                                  const JointOptions &options) {
  SimulationResult sim = simulateMappedProgram(plan.program);
  plan.nonCompulsoryBytes = sim.nonCompulsoryBytes;
  plan.recomputeSeconds = 0;
  for (const Recomputation &r : plan.recomputations)
    plan.recomputeSeconds += plan.computeSeconds[r.copy];
  plan.cost = plan.nonCompulsoryBytes +
              getRecomputeRate(tiers, options) * plan.recomputeSeconds;
  plan.objective = plan.cost;
}

JointPlan
mlir::strata::mapJointPlanGreedy(KernelGraph graph, SmallVector<int> order,
                                 SmallVector<double> computeSeconds,
                                 SmallVector<Recomputation> recomputations,
                                 ArrayRef<MappingTier> tiers,
                                 const JointOptions &options) {
  JointPlan plan;
  plan.graph = std::move(graph);
  plan.order = std::move(order);
  plan.computeSeconds = std::move(computeSeconds);
  plan.recomputations = std::move(recomputations);
  plan.program = mapTiersGreedy(plan.graph, plan.order, plan.computeSeconds,
                                tiers, options.mapping);
  plan.status = SolverStatus::Feasible;
  priceJointPlan(plan, tiers, options);
  return plan;
}

JointPlan mlir::strata::planSequential(const KernelGraph &graph,
                                       ArrayRef<double> computeSeconds,
                                       ArrayRef<MappingTier> tiers,
                                       const JointOptions &options,
                                       bool exact) {
  auto start = std::chrono::steady_clock::now();
  SmallVector<double> compute(computeSeconds);
  if (!exact) {
    ScheduleResult order = scheduleGreedy(graph);
    JointPlan plan =
        mapJointPlanGreedy(graph, order.order, compute, {}, tiers, options);
    plan.method = "sequential (greedy)";
    plan.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    return plan;
  }
  ExactScheduleOptions limits;
  limits.timeLimitSeconds = options.timeLimitSeconds / 2;
  ScheduleResult order = scheduleExact(graph, {}, limits);
  TierILPOptions ilp;
  ilp.timeLimitSeconds = options.timeLimitSeconds / 2;
  ilp.seed = options.seed;
  TierILPResult mapped =
      mapTiersILP(graph, order.order, compute, tiers, options.mapping, ilp);
  JointPlan plan;
  plan.graph = graph;
  plan.order = order.order;
  plan.computeSeconds = compute;
  plan.program = std::move(mapped.program);
  plan.status = SolverStatus::Feasible;
  priceJointPlan(plan, tiers, options);
  plan.method = "sequential (exact)";
  plan.note = ("schedule " + stringifySolverStatus(order.status) +
               ", tier mapping " + describeTierILPOutcome(mapped))
                  .str();
  plan.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return plan;
}

namespace {

/// A value's non-compulsory traffic in a plan and the steps of the kernels
/// that read it from off chip (from the backing tier, or a copy a prefetch
/// brought in).
struct ValueTraffic {
  int64_t bytes = 0;
  SmallVector<int> offchipSteps;
};

SmallVector<ValueTraffic> getValueTraffic(const JointPlan &plan) {
  const MappedProgram &p = plan.program;
  const KernelGraph &graph = plan.graph;
  int backing = p.getBackingTier();
  SmallVector<ValueTraffic> traffic(graph.values.size());
  SmallVector<char> prefetched(p.tensors.size(), 0);
  auto add = [&](int tensor) {
    const MappedTensor &t = p.tensors[tensor];
    traffic[t.value].bytes += t.bytes;
  };
  int step = 0;
  for (const MappedOp &op : p.ops) {
    if (op.kind == MappedOpKind::Prefetch) {
      prefetched[op.writes.front()] = 1;
      add(op.reads.front());
      continue;
    }
    if (op.kind == MappedOpKind::Evict) {
      add(op.writes.front());
      continue;
    }
    for (int r : op.reads) {
      bool back = p.tensors[r].tier == backing;
      if (back)
        add(r);
      if (back || prefetched[r])
        traffic[p.tensors[r].value].offchipSteps.push_back(step);
    }
    for (int w : op.writes)
      if (p.tensors[w].tier == backing)
        add(w);
    ++step;
  }
  for (auto [id, v] : llvm::enumerate(graph.values)) {
    if ((v.producer < 0 && !v.users.empty()) || v.isOutput)
      traffic[id].bytes -= v.bytes;
    traffic[id].bytes = std::max<int64_t>(traffic[id].bytes, 0);
  }
  return traffic;
}

/// Moves the node at step `from` of `order` to step `to`.
void moveStep(SmallVectorImpl<int> &order, int from, int to) {
  int node = order[from];
  order.erase(order.begin() + from);
  order.insert(order.begin() + to, node);
}

class LocalSearch {
public:
  LocalSearch(ArrayRef<MappingTier> tiers, const JointOptions &options)
      : tiers(tiers), options(options) {}

  /// Maps and prices a candidate, if the work allowance has room.
  std::optional<JointPlan> evaluate(KernelGraph graph, SmallVector<int> order,
                                    SmallVector<double> compute,
                                    SmallVector<Recomputation> recs) {
    int64_t size = graph.nodes.size() + graph.values.size();
    if (work + size > options.heuristicWork)
      return std::nullopt;
    work += size;
    ++evaluations;
    return mapJointPlanGreedy(std::move(graph), std::move(order),
                              std::move(compute), std::move(recs), tiers,
                              options);
  }

  /// The cheapest of one value's moves that improves on `plan`, or `plan`
  /// itself; `exhausted` is set once the work allowance runs out.
  JointPlan improveValue(const JointPlan &plan, int value,
                         const ValueTraffic &traffic, bool &exhausted) {
    const KernelGraph &graph = plan.graph;
    SmallVector<int> stepOf(graph.nodes.size(), -1);
    for (auto [s, node] : llvm::enumerate(plan.order))
      stepOf[node] = s;
    const KGValue &v = graph.values[value];
    // Steps where the value is touched: its producer and its readers.
    SmallVector<int> touched;
    if (v.producer >= 0)
      touched.push_back(stepOf[v.producer]);
    for (int user : v.users)
      touched.push_back(stepOf[user]);
    llvm::sort(touched);

    std::optional<JointPlan> best;
    auto consider = [&](std::optional<JointPlan> candidate) {
      if (!candidate) {
        exhausted = true;
        return;
      }
      if (candidate->cost < plan.cost - 0.5 &&
          (!best || candidate->cost < best->cost))
        best = std::move(candidate);
    };
    SmallVector<int> steps(traffic.offchipSteps);
    steps.erase(std::unique(steps.begin(), steps.end()), steps.end());
    if (steps.size() > 2)
      steps.resize(2);
    for (int s : steps) {
      if (exhausted)
        break;
      auto prevIt = llvm::lower_bound(touched, s);
      int prev = prevIt == touched.begin() ? -1 : *std::prev(prevIt);
      int reader = plan.order[s];
      // Pull the reader up, right after the previous access (as far as its
      // own inputs allow).
      int earliest = 0;
      for (int in : graph.nodes[reader].inputs)
        if (graph.values[in].producer >= 0)
          earliest = std::max(earliest, stepOf[graph.values[in].producer] + 1);
      int to = std::max(earliest, prev + 1);
      if (to < s) {
        SmallVector<int> order(plan.order);
        moveStep(order, s, to);
        consider(evaluate(plan.graph, order, plan.computeSeconds,
                          plan.recomputations));
      }
      // Push the previous access down, right before the reader (as far as
      // its own readers allow).
      if (prev >= 0 && !exhausted) {
        int node = plan.order[prev];
        int latest = s - 1;
        for (int out : graph.nodes[node].outputs)
          for (int user : graph.values[out].users)
            latest = std::min(latest, stepOf[user] - 1);
        if (latest > prev) {
          SmallVector<int> order(plan.order);
          moveStep(order, prev, latest);
          consider(evaluate(plan.graph, order, plan.computeSeconds,
                            plan.recomputations));
        }
      }
      // Recompute the value right before the reader (alone, and with the
      // inputs that died before it).
      if (v.producer >= 0 && !v.isOutput && prev >= 0) {
        for (bool chain : {false, true}) {
          if (exhausted)
            break;
          KernelGraph g = plan.graph;
          SmallVector<int> order(plan.order);
          SmallVector<double> compute(plan.computeSeconds);
          SmallVector<Recomputation> added =
              applyRecomputation(g, order, compute, value, s - 1, chain);
          if (added.empty())
            continue;
          SmallVector<Recomputation> recs(plan.recomputations);
          recs.append(added.begin(), added.end());
          consider(evaluate(std::move(g), std::move(order), std::move(compute),
                            std::move(recs)));
        }
      }
    }
    if (best)
      return std::move(*best);
    return plan;
  }

  ArrayRef<MappingTier> tiers;
  const JointOptions &options;
  int64_t work = 0;
  int64_t evaluations = 0;
};

} // namespace

JointPlan mlir::strata::planJointHeuristic(const KernelGraph &graph,
                                           ArrayRef<double> computeSeconds,
                                           ArrayRef<MappingTier> tiers,
                                           const JointOptions &options) {
  auto start = std::chrono::steady_clock::now();
  LocalSearch search(tiers, options);
  SmallVector<double> compute(computeSeconds);
  // Start from the better of the program order and the sequential plan.
  SmallVector<JointPlan, 3> starts;
  starts.push_back(planSequential(graph, computeSeconds, tiers, options,
                                  /*exact=*/false));
  if (std::optional<SmallVector<int>> program = topologicalOrder(graph))
    starts.push_back(
        mapJointPlanGreedy(graph, *program, compute, {}, tiers, options));
  JointPlan plan = starts.front();
  for (const JointPlan &start : starts)
    if (start.cost < plan.cost)
      plan = start;
  int moves = 0;
  bool exhausted = false;
  while (!exhausted && tiers.size() > 1) {
    SmallVector<ValueTraffic> traffic = getValueTraffic(plan);
    SmallVector<int> values;
    for (auto [id, t] : llvm::enumerate(traffic))
      if (t.bytes > 0 && !t.offchipSteps.empty())
        values.push_back(id);
    llvm::stable_sort(values, [&](int a, int b) {
      return traffic[a].bytes > traffic[b].bytes;
    });
    if ((int)values.size() > options.valuesPerRound)
      values.resize(options.valuesPerRound);
    bool improved = false;
    for (int value : values) {
      JointPlan next =
          search.improveValue(plan, value, traffic[value], exhausted);
      if (next.cost < plan.cost) {
        plan = std::move(next);
        ++moves;
        improved = true;
        break;
      }
      if (exhausted)
        break;
    }
    if (!improved)
      break;
  }
  // The greedy tier mapper priced every candidate; the exact one may do
  // better on the order found or on the orders the search started from
  // (the search follows greedy's prices), where it proves its plan
  // quickly.
  if (options.polishBinaries > 0 && tiers.size() > 1 && plan.cost > 0) {
    starts.insert(starts.begin(), plan);
    for (const JointPlan &candidate : starts) {
      TierILPOptions ilp;
      ilp.timeLimitSeconds = options.polishSeconds;
      ilp.maxVariables = options.polishBinaries;
      ilp.seed = options.seed;
      TierILPResult exact =
          mapTiersILP(candidate.graph, candidate.order,
                      candidate.computeSeconds, tiers, options.mapping, ilp);
      if (exact.keptGreedy || exact.status != SolverStatus::Optimal)
        continue;
      JointPlan polished = candidate;
      polished.program = std::move(exact.program);
      priceJointPlan(polished, tiers, options);
      if (polished.cost < plan.cost)
        plan = std::move(polished);
    }
  }
  plan.method = "joint (heuristic)";
  plan.evaluations = search.evaluations;
  plan.moves = moves;
  plan.status = SolverStatus::Feasible;
  plan.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return plan;
}

llvm::json::Object mlir::strata::getJointPlanJSON(const JointPlan &plan) {
  llvm::json::Object o;
  o["method"] = plan.method;
  o["cost"] = plan.cost;
  o["non_compulsory_bytes"] = plan.nonCompulsoryBytes;
  o["recompute_seconds"] = plan.recomputeSeconds;
  o["recomputations"] = (int64_t)plan.recomputations.size();
  o["kernels"] = (int64_t)plan.order.size();
  o["solve_seconds"] = plan.seconds;
  o["status"] = stringifySolverStatus(plan.status);
  if (plan.exact && plan.status != SolverStatus::Error) {
    o["bound"] = plan.bound;
    o["gap"] = plan.gap;
  }
  if (plan.variables > 0) {
    o["variables"] = plan.variables;
    o["constraints"] = plan.constraints;
  }
  if (plan.evaluations > 0) {
    o["evaluations"] = plan.evaluations;
    o["moves"] = plan.moves;
  }
  if (!plan.note.empty())
    o["note"] = plan.note;
  return o;
}

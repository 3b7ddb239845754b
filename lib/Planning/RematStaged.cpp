//===- RematStaged.cpp - The staged model of rematerialization ------------===//

#include "RematStaged.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::detail;

StagedProblem mlir::strata::detail::buildStagedProblem(
    const KernelGraph &graph, ArrayRef<int> order, ArrayRef<double> cost,
    const LivenessOptions &options) {
  StagedProblem p;
  p.n = order.size();
  p.nodeAt.assign(order.begin(), order.end());
  SmallVector<int> positionOf(graph.nodes.size(), -1);
  for (auto [pos, node] : llvm::enumerate(order))
    positionOf[node] = pos;
  p.mem.assign(p.n, 0);
  p.cost.assign(p.n, 0);
  p.deps.resize(p.n);
  p.users.resize(p.n);
  p.isOutput.assign(p.n, false);
  for (int pos = 0; pos < p.n; ++pos) {
    const KGNode &node = graph.nodes[order[pos]];
    p.cost[pos] = cost[order[pos]];
    for (int output : node.outputs) {
      const KGValue &v = graph.values[output];
      p.mem[pos] += v.bytes;
      p.isOutput[pos] = p.isOutput[pos] || v.isOutput;
    }
    for (int input : node.inputs) {
      int producer = graph.values[input].producer;
      if (producer >= 0)
        p.deps[pos].push_back(positionOf[producer]);
    }
    llvm::sort(p.deps[pos]);
    p.deps[pos].erase(llvm::unique(p.deps[pos]), p.deps[pos].end());
    for (int dep : p.deps[pos])
      p.users[dep].push_back(pos);
  }
  // A node read only by the next one is live across no step of its own,
  // so recomputing it pays only where that reader is recomputed too (a
  // chain back to values held): it is a candidate iff some reader is.
  // Readers come later, so one backward pass decides.
  p.canRecompute.assign(p.n, false);
  for (int pos = p.n - 1; pos >= 0; --pos)
    p.canRecompute[pos] =
        p.mem[pos] > 0 && !p.isOutput[pos] && !p.users[pos].empty() &&
        (p.users[pos].back() > pos + 1 ||
         llvm::any_of(p.users[pos], [&](int u) { return p.canRecompute[u]; }));
  for (const KGValue &v : graph.values)
    if (v.producer < 0 &&
        ((v.kind == ValueKind::Argument && options.countArguments) ||
         (v.kind == ValueKind::Constant && options.countConstants)))
      p.baseBytes += v.bytes;
  return p;
}

RematResult mlir::strata::detail::applyStagedPlan(
    const KernelGraph &graph, ArrayRef<int> order, ArrayRef<double> cost,
    ArrayRef<SmallVector<int>> recompute, const LivenessOptions &options) {
  RematResult result;
  result.graph = graph;
  result.cost.assign(cost.begin(), cost.end());
  KernelGraph &g = result.graph;
  for (KGValue &v : g.values)
    v.users.clear();
  int n = order.size();
  SmallVector<int> positionOf(graph.nodes.size(), -1);
  for (auto [pos, node] : llvm::enumerate(order))
    positionOf[node] = pos;

  // latest[pos]: the node computing position pos most recently.
  SmallVector<int> latest(n, -1);
  // Points the inputs of node `id` (a copy of, or the original at, some
  // position) at the most recent computation of each producer.
  auto wireInputs = [&](int id, const KGNode &original) {
    g.nodes[id].inputs.clear();
    for (int input : original.inputs) {
      const KGValue &v = graph.values[input];
      if (v.producer < 0) {
        g.nodes[id].inputs.push_back(input);
        continue;
      }
      int source = latest[positionOf[v.producer]];
      unsigned index = llvm::find(graph.nodes[v.producer].outputs, input) -
                       graph.nodes[v.producer].outputs.begin();
      g.nodes[id].inputs.push_back(g.nodes[source].outputs[index]);
    }
  };
  for (int t = 0; t < n; ++t) {
    for (int pos : recompute[t]) {
      int node = order[pos];
      const KGNode &original = graph.nodes[node];
      int copy = g.nodes.size();
      g.nodes.push_back({});
      wireInputs(copy, original);
      for (int output : original.outputs) {
        KGValue v;
        v.bytes = graph.values[output].bytes;
        v.kind = ValueKind::Activation;
        v.producer = copy;
        g.nodes[copy].outputs.push_back(g.values.size());
        g.values.push_back(v);
      }
      result.cost.push_back(cost[node]);
      result.addedCost += cost[node];
      result.order.push_back(copy);
      result.recomputations.push_back({node, copy, -1});
      latest[pos] = copy;
    }
    int node = order[t];
    wireInputs(node, graph.nodes[node]);
    result.order.push_back(node);
    latest[t] = node;
  }
  for (auto [id, node] : llvm::enumerate(g.nodes))
    for (int input : node.inputs)
      if (g.values[input].users.empty() ||
          g.values[input].users.back() != (int)id)
        g.values[input].users.push_back(id);
  for (KGValue &v : g.values) {
    llvm::sort(v.users);
    v.users.erase(llvm::unique(v.users), v.users.end());
  }
  // Name the value each recomputation serves: its first output with users.
  for (Recomputation &rec : result.recomputations) {
    rec.value = g.nodes[rec.copy].outputs.front();
    for (int output : g.nodes[rec.copy].outputs)
      if (!g.values[output].users.empty()) {
        rec.value = output;
        break;
      }
  }
  result.peakBytes = computeMemoryProfile(g, result.order, options).peakBytes;
  return result;
}

RematResult mlir::strata::detail::unchangedResult(
    const KernelGraph &graph, ArrayRef<int> order, ArrayRef<double> cost,
    int64_t budgetBytes, const LivenessOptions &options, std::string solver) {
  RematResult r;
  r.graph = graph;
  r.order.assign(order.begin(), order.end());
  r.cost.assign(cost.begin(), cost.end());
  r.budgetBytes = budgetBytes;
  r.solver = std::move(solver);
  r.lowerBound = rematPeakLowerBound(graph, order, options);
  r.initialPeakBytes = r.peakBytes =
      computeMemoryProfile(graph, order, options).peakBytes;
  r.status = r.peakBytes <= budgetBytes ? RematStatus::Optimal
                                        : RematStatus::Infeasible;
  return r;
}

mlir::strata::detail::ExactSolveFrame::ExactSolveFrame(
    const KernelGraph &graph, ArrayRef<int> order, ArrayRef<double> cost,
    int64_t budgetBytes, const LivenessOptions &options, std::string solver)
    : start(std::chrono::steady_clock::now()),
      problem(buildStagedProblem(graph, order, cost, options)),
      none(unchangedResult(graph, order, cost, budgetBytes, options,
                           std::move(solver))) {}

double mlir::strata::detail::ExactSolveFrame::elapsed() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

RematResult
mlir::strata::detail::ExactSolveFrame::finishEarly(RematStatus status,
                                                   std::string note) {
  none.status = status;
  none.note = std::move(note);
  none.seconds = elapsed();
  return none;
}

std::optional<RematResult>
mlir::strata::detail::ExactSolveFrame::getTrivialAnswer() {
  if (none.status == RematStatus::Optimal)
    return finishEarly(RematStatus::Optimal, "");
  if (none.budgetBytes < problem.baseBytes)
    return finishEarly(RematStatus::Infeasible,
                       "counted arguments and constants exceed the budget");
  return std::nullopt;
}

RematResult mlir::strata::detail::finishPlan(
    const RematResult &base, ArrayRef<SmallVector<int>> recompute, bool proven,
    double bound, const LivenessOptions &options) {
  RematResult r =
      applyStagedPlan(base.graph, base.order, base.cost, recompute, options);
  r.budgetBytes = base.budgetBytes;
  r.initialPeakBytes = base.initialPeakBytes;
  r.lowerBound = base.lowerBound;
  r.solver = base.solver;
  r.variables = base.variables;
  r.constraints = base.constraints;
  r.nodes = base.nodes;
  r.note = base.note;
  r.objective = r.addedCost;
  r.bound = proven ? r.objective : std::clamp(bound, 0.0, r.objective);
  r.gap = r.objective > 0 ? (r.objective - r.bound) / r.objective : 0.0;
  if (r.peakBytes > r.budgetBytes) {
    r.status = RematStatus::Infeasible;
    r.note = "internal error: the " + r.solver + " plan exceeds the budget";
  } else {
    r.status = proven ? RematStatus::Optimal : RematStatus::Feasible;
  }
  return r;
}

std::optional<SmallVector<SmallVector<int>>> mlir::strata::detail::greedyStages(
    const StagedProblem &problem, const KernelGraph &graph, ArrayRef<int> order,
    ArrayRef<double> cost, int64_t budgetBytes, const LivenessOptions &options,
    const RematResult *plan) {
  std::optional<RematResult> own;
  if (!plan)
    plan = &own.emplace(
        rematerializeGreedy(graph, order, cost, budgetBytes, options));
  const RematResult &result = *plan;
  if (result.status != RematStatus::Feasible)
    return std::nullopt;
  int n = problem.n;
  SmallVector<int> positionOf(result.graph.nodes.size(), -1);
  for (auto [pos, node] : llvm::enumerate(problem.nodeAt))
    positionOf[node] = pos;
  // A copy's original, followed through copies of copies.
  for (const Recomputation &rec : result.recomputations)
    positionOf[rec.copy] = positionOf[rec.original];
  SmallVector<SmallVector<int>> stages(n);
  SmallVector<int> pending;
  size_t originals = problem.nodeAt.size();
  for (int node : result.order) {
    if ((size_t)node >= originals) {
      pending.push_back(positionOf[node]);
      continue;
    }
    int t = positionOf[node];
    for (int pos : pending)
      if (pos < t)
        stages[t].push_back(pos);
    llvm::sort(stages[t]);
    stages[t].erase(llvm::unique(stages[t]), stages[t].end());
    pending.clear();
  }
  return stages;
}

IntegerStagedProblem
mlir::strata::detail::scaleStagedProblem(const StagedProblem &p,
                                         int64_t capacityBytes,
                                         int maxRecomputations, int64_t limit) {
  IntegerStagedProblem out;
  int64_t unit = 0, totalBytes = 0;
  for (int64_t m : p.mem) {
    unit = std::gcd(unit, m);
    totalBytes += m;
  }
  unit = std::max<int64_t>(unit, 1);
  if (std::max(capacityBytes, totalBytes) / unit > limit) {
    unit = std::max(capacityBytes, totalBytes) / limit + 1;
    out.coarsened = true;
  }
  out.unit = unit;
  for (int64_t m : p.mem)
    out.height.push_back((m + unit - 1) / unit);
  out.capacity = std::min<int64_t>(capacityBytes / unit, limit);

  double maxCost = 0, sumCost = 0;
  for (int q = 0; q < p.n; ++q) {
    maxCost = std::max(maxCost, p.cost[q]);
    if (p.canRecompute[q])
      sumCost += p.cost[q] * maxRecomputations;
  }
  out.scale = maxCost > 0
                  ? std::min(1e6 / maxCost, 1e9 / std::max(sumCost, 1e-300))
                  : 0;
  for (int q = 0; q < p.n; ++q)
    out.weight.push_back(
        std::max<int64_t>(1, (int64_t)std::llround(p.cost[q] * out.scale)));
  return out;
}

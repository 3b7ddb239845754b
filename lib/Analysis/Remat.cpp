//===- Remat.cpp - Greedy rematerialization under a budget ----------------===//

#include "strata/Analysis/Remat.h"
#include "strata/Analysis/Schedule.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

#include <chrono>

using namespace mlir;
using namespace mlir::strata;

namespace {

/// How bad a profile is: its peak first, then how many steps reach it.
/// Lower is better.
std::pair<int64_t, int64_t> badness(const MemoryProfile &profile) {
  return {profile.peakBytes, llvm::count(profile.liveBytes, profile.peakBytes)};
}

/// Recomputes `value` (not an output, produced by a node) before its first
/// use after `step`: a copy of its producer takes over the later users.
/// Returns false if the value has no user after `step`.
bool applyRecomputation(KernelGraph &graph, SmallVector<int> &order,
                        SmallVector<double> &cost, int value, int step,
                        Recomputation &record) {
  SmallVector<int> stepOf(graph.nodes.size(), -1);
  for (auto [s, node] : llvm::enumerate(order))
    stepOf[node] = s;
  int producer = graph.values[value].producer;
  SmallVector<int> early, late;
  for (int user : graph.values[value].users)
    (stepOf[user] > step ? late : early).push_back(user);
  if (late.empty() || producer < 0)
    return false;
  int firstLate = *llvm::min_element(
      late, [&](int a, int b) { return stepOf[a] < stepOf[b]; });

  int copy = graph.nodes.size();
  KGNode node;
  node.op = graph.nodes[producer].op;
  node.inputs = graph.nodes[producer].inputs;
  for (int input : node.inputs)
    graph.values[input].users.push_back(copy);
  // The copy produces every output of the producer; only `value`'s late
  // users read it, the others die at once.
  for (int output : SmallVector<int>(graph.nodes[producer].outputs)) {
    KGValue v;
    v.bytes = graph.values[output].bytes;
    v.kind = ValueKind::Activation;
    v.producer = copy;
    v.value = graph.values[output].value;
    int id = graph.values.size();
    if (output == value) {
      v.users = late;
      for (int user : late)
        for (int &in : graph.nodes[user].inputs)
          if (in == value)
            in = id;
    }
    graph.values.push_back(v);
    node.outputs.push_back(id);
  }
  graph.values[value].users = early;
  graph.nodes.push_back(node);
  order.insert(order.begin() + stepOf[firstLate], copy);
  cost.push_back(cost[producer]);
  record = {producer, copy, value};
  return true;
}

} // namespace

RematResult mlir::strata::rematerializeGreedy(const KernelGraph &graph,
                                              ArrayRef<int> order,
                                              ArrayRef<double> cost,
                                              int64_t budgetBytes,
                                              const LivenessOptions &options) {
  auto start = std::chrono::steady_clock::now();
  RematResult result;
  result.graph = graph;
  result.order.assign(order.begin(), order.end());
  result.cost.assign(cost.begin(), cost.end());
  result.budgetBytes = budgetBytes;
  result.lowerBound = peakLowerBound(graph, options);
  MemoryProfile profile =
      computeMemoryProfile(result.graph, result.order, options);
  result.initialPeakBytes = profile.peakBytes;

  // The search follows one path that does not depend on the budget: each
  // step attacks the current peak and makes the profile strictly better
  // (lower peak, or as high but at fewer steps); the budget only decides
  // where to stop. So a tighter budget stops later on the same path and
  // never ends at a higher peak. The cap guards against pathological
  // graphs.
  for (size_t iteration = 0, cap = 4 * graph.nodes.size() + 16;
       profile.peakBytes > budgetBytes && iteration < cap; ++iteration) {
    auto [oldPeak, oldCount] = badness(profile);
    int64_t steps = profile.liveBytes.size();
    int step = profile.peakStep;
    int peakNode = result.order[step];
    double bestScore = 0;
    std::optional<std::tuple<KernelGraph, SmallVector<int>, SmallVector<double>,
                             Recomputation, MemoryProfile>>
        best;
    for (int value : profile.liveAtPeak) {
      const KGValue &v = result.graph.values[value];
      if (v.isOutput || v.producer < 0 || v.kind != ValueKind::Activation ||
          v.producer == peakNode || llvm::is_contained(v.users, peakNode))
        continue;
      KernelGraph g = result.graph;
      SmallVector<int> o = result.order;
      SmallVector<double> c = result.cost;
      Recomputation record;
      if (!applyRecomputation(g, o, c, value, step, record))
        continue;
      MemoryProfile p = computeMemoryProfile(g, o, options);
      auto [newPeak, newCount] = badness(p);
      // Peak bytes saved dominate; fewer steps at the peak break ties.
      double gain = double(oldPeak - newPeak) * (steps + 1) +
                    double(newPeak == oldPeak ? oldCount - newCount : 0);
      if (gain <= 0)
        continue;
      double score = gain / std::max(c.back(), 1e-12);
      if (!best || score > bestScore) {
        bestScore = score;
        best.emplace(std::move(g), std::move(o), std::move(c), record,
                     std::move(p));
      }
    }
    if (!best)
      break;
    auto &[g, o, c, record, p] = *best;
    result.graph = std::move(g);
    result.order = std::move(o);
    result.cost = std::move(c);
    result.recomputations.push_back(record);
    result.addedCost += result.cost.back();
    profile = std::move(p);
  }
  result.peakBytes = profile.peakBytes;
  result.status = profile.peakBytes <= budgetBytes ? RematStatus::Feasible
                                                   : RematStatus::Infeasible;
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

ArrayRef<StringRef> mlir::strata::getRematSolverNames() {
  static const StringRef names[] = {"greedy", "cp", "milp"};
  return names;
}

RematResult
mlir::strata::rematerialize(StringRef solver, const KernelGraph &graph,
                            ArrayRef<int> order, ArrayRef<double> cost,
                            int64_t budgetBytes, const LivenessOptions &options,
                            const ExactRematOptions &exact) {
  if (solver == "cp")
    return rematerializeCP(graph, order, cost, budgetBytes, options, exact);
  if (solver == "milp")
    return rematerializeMILP(graph, order, cost, budgetBytes, options, exact);
  assert(solver == "greedy" && "unknown rematerialization solver");
  return rematerializeGreedy(graph, order, cost, budgetBytes, options);
}

std::optional<int64_t> mlir::strata::parseRematBudget(StringRef spec,
                                                      int64_t peakBytes) {
  double percent;
  if (spec.consume_back("%")) {
    if (spec.getAsDouble(percent) || percent < 0)
      return std::nullopt;
    return (int64_t)(peakBytes * percent / 100.0);
  }
  int64_t bytes;
  if (spec.getAsInteger(10, bytes) || bytes < 0)
    return std::nullopt;
  return bytes;
}

std::string mlir::strata::explainRematFailure(const RematResult &result,
                                              StringRef solver, StringRef where,
                                              const KernelGraph &graph,
                                              ArrayRef<int> order,
                                              ArrayRef<double> cost,
                                              const LivenessOptions &options) {
  RematResult lowest =
      solver == "greedy"
          ? result
          : rematerializeGreedy(graph, order, cost, /*budgetBytes=*/0, options);
  std::string text;
  llvm::raw_string_ostream os(text);
  if (result.status == RematStatus::Timeout)
    os << solver << " found no plan within budget " << result.budgetBytes
       << " B" << where;
  else
    os << "budget " << result.budgetBytes << " B is infeasible" << where;
  if (!result.note.empty())
    os << " (" << result.note << ")";
  os << ": the lowest peak reached is " << lowest.peakBytes
     << " B (lower bound " << lowest.lowerBound << " B)";
  return text;
}

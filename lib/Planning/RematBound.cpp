//===- RematBound.cpp - A lower bound on the cost of rematerialization ----===//
//
// The freeing cover. Take any plan within the budget and a step t of the
// order whose program-order live bytes exceed the budget. Every counted
// activation live across t in program order (produced before t, read after
// it, not read by t's node) that the plan does not hold at t is read after
// t, so the plan recomputes its producer after t at least once. The values
// it does hold at t, with t's own operands and what no plan frees, fit the
// budget. So the set X of nodes the plan recomputes at least once covers
// every step: the bytes of the values live across t whose producer is in X
// are at least t's excess over the budget. The cheapest such X costs no
// more than the plan's recomputations, whatever their number, order and
// inputs: a lower bound on the added cost of every plan, in the staged
// model the exact solvers search and in greedy's. It is tight where each
// value a plan frees is recomputed once (single-level checkpointing; the
// training-like graphs of the memory benchmark at 80% of their peak), and
// loose where plans recompute values several times.
//
// Gaps between uses tighten it where plans recompute a value more than
// once. A value not held across step t is recomputed after t and before
// its next use (the use reads the copy), so its producer's recomputations
// for two steps with a use of the value between them are two different
// copies. The cover therefore has one column per producer and gap between
// consecutive uses (program order) rather than one per producer: 4 instead
// of 2 for a value freed on both sides of a middle reader (RematTest;
// figures on the benchmark graphs in docs/memory.md). A chain's copy
// of a value that died before t (below) runs after the value's last use:
// the last gap. Producers with several outputs keep one column.
//
// Chains (chainDepth > 0) tighten it where recomputations need inputs that
// died: a producer recomputed after t reads its inputs after t, so each
// input that died before t is held across t (its bytes count at t) or has
// its own producer recomputed after t, and so on up to chainDepth producers
// back (constraints beyond that are dropped, which only loosens it). On
// random layered DAGs, where recomputing a value means recomputing a chain
// behind it, this is what makes the bound say anything (rl-100 at 90%:
// 0.32 without chains, 0.633 with, the optimum).
//
// The cover is a small MILP (one binary per producer, one row per step
// over the budget; with chains, per step a binary per producer recomputed
// after it and per dead value held across it) that CBC solves in well
// under a second for training-like graphs of a thousand nodes, where the
// staged MILP has a million binaries and proves nothing. Rows are scaled to
// a right-hand side of 1 and, without chains, coefficients clipped at 1
// (valid for binaries), which keeps byte counts out of the solver's
// tolerances. Steps whose recomputations read no dead value get the plain
// row (the chains would add nothing); a model over maxNonzeros falls back
// to the plain cover.
//
//===----------------------------------------------------------------------===//

#include "strata/Planning/Remat.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Twine.h"

#include <chrono>

using namespace mlir;
using namespace mlir::strata;

SolverReport
mlir::strata::rematCostLowerBound(const KernelGraph &graph, ArrayRef<int> order,
                                  ArrayRef<double> cost, int64_t budgetBytes,
                                  const LivenessOptions &options,
                                  const RematBoundOptions &boundOptions) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  SolverReport report;
  int steps = order.size();
  SmallVector<std::pair<int, int>> intervals =
      computeLiveIntervals(graph, order, options);
  auto isFreeable = [&](int id) {
    const KGValue &v = graph.values[id];
    return intervals[id].first >= 0 && !v.isOutput && v.producer >= 0 &&
           v.kind == ValueKind::Activation;
  };

  // Live bytes per step (difference array over the live ranges).
  SmallVector<int64_t> delta(steps + 1, 0);
  for (auto [id, value] : llvm::enumerate(graph.values)) {
    auto [first, last] = intervals[id];
    if (first < 0)
      continue;
    delta[first] += value.bytes;
    delta[last + 1] -= value.bytes;
  }
  // The freeable values by the step that produces them; a sweep keeps
  // those live at each step.
  SmallVector<SmallVector<int>> producedAt(steps);
  for (int id = 0, e = graph.values.size(); id < e; ++id)
    if (isFreeable(id))
      producedAt[intervals[id].first].push_back(id);

  // The gap of a producer's value that `step` lies in: how many of its
  // uses come before the step (see "Gaps" above); 0 for producers with
  // several outputs, whose outputs' uses interleave.
  SmallVector<int> stepOf(graph.nodes.size(), -1);
  for (auto [s, node] : llvm::enumerate(order))
    stepOf[node] = s;
  auto gapOf = [&](int producer, int step) {
    const KGNode &node = graph.nodes[producer];
    if (node.outputs.size() != 1)
      return 0;
    int gap = 0;
    for (int user : graph.values[node.outputs.front()].users)
      gap += stepOf[user] >= 0 && stepOf[user] < step;
    return gap;
  };

  MILPModel model;
  // (producer node, gap) -> column
  llvm::DenseMap<std::pair<int, int>, int> columnOf;
  SmallVector<int> live; // freeable values produced so far
  int64_t liveBytes = 0, nonzeros = 0;
  for (int step = 0; step < steps; ++step) {
    liveBytes += delta[step];
    llvm::append_range(live, producedAt[step]);
    if (liveBytes <= budgetBytes)
      continue;
    // Drop the values dead before this step, then sum what each producer
    // frees across it. Values this step's node reads or writes cannot be
    // freed here.
    llvm::erase_if(live, [&](int id) { return intervals[id].second < step; });
    const KGNode &node = graph.nodes[order[step]];
    int64_t excess = liveBytes - budgetBytes;
    SmallVector<std::pair<int, int64_t>> freed; // producer, bytes
    llvm::DenseMap<int, int> freedIndex;        // producer -> freed index
    int64_t freeable = 0;
    for (int id : live) {
      if (intervals[id].first == step || llvm::is_contained(node.inputs, id))
        continue;
      int producer = graph.values[id].producer;
      auto [it, inserted] = freedIndex.try_emplace(producer, freed.size());
      if (inserted)
        freed.push_back({producer, 0});
      freed[it->second].second += graph.values[id].bytes;
      freeable += graph.values[id].bytes;
    }
    if (freeable < excess) {
      // Even recomputing everything live across this step leaves it over
      // the budget (rematPeakLowerBound says the same).
      report.status = SolverStatus::Infeasible;
      report.note =
          ("the node at step " + Twine(step) + " of the order needs " +
           Twine(liveBytes - freeable) + " B live that no recomputation frees")
              .str();
      report.seconds = elapsed();
      return report;
    }
    nonzeros += freed.size();
    if (nonzeros > boundOptions.maxNonzeros) {
      report.status = SolverStatus::Error;
      report.note = ("the cost bound's model is too large (over " +
                     Twine(boundOptions.maxNonzeros) + " nonzeros)")
                        .str();
      report.seconds = elapsed();
      return report;
    }
    auto xColumn = [&](int producer) {
      auto [it, inserted] =
          columnOf.try_emplace({producer, gapOf(producer, step)}, 0);
      if (inserted)
        it->second = model.column(0, 1, cost[producer], /*isInteger=*/true);
      return it->second;
    };
    std::vector<std::pair<int, double>> terms;
    // Does any recomputation after this step read a value that died
    // before it? If not (training-like graphs: forward values live until
    // the backward pass), the chains add nothing and the plain row is the
    // same relaxation, smaller and with clipped coefficients.
    auto readsDeadValue = [&] {
      for (auto [producer, bytes] : freed)
        for (int input : graph.nodes[producer].inputs)
          if (isFreeable(input) && intervals[input].second < step)
            return true;
      return false;
    };
    if (boundOptions.chainDepth <= 0 || !readsDeadValue()) {
      for (auto [producer, bytes] : freed)
        terms.push_back(
            {xColumn(producer), std::min(1.0, double(bytes) / excess)});
      model.row(std::move(terms), 1, 1e30);
      continue;
    }

    // Chains: a producer recomputed after this step reads its inputs
    // then. One live across the step is held or recomputed anyway; one
    // that died before it must be held across the step (its bytes count
    // here) or have its own producer recomputed after it, recursively up
    // to chainDepth producers deep (deeper ones are left free: still a
    // relaxation). Per step: A[p] (p's values live across the step are
    // not held, so p is recomputed after it), R[q] (q, whose values died
    // before the step, is recomputed after it), H[u] (the dead value u is
    // held across the step); each implies its node's x.
    llvm::DenseMap<int, int> recomputedAfter;    // node -> A or R column
    llvm::DenseMap<int, int> heldAcross;         // dead value -> H column
    SmallVector<std::tuple<int, int, int>> work; // node, column, depth
    auto implies = [&](int column, int producer) {
      model.row({{xColumn(producer), 1.0}, {column, -1.0}}, 0, 1e30);
    };
    for (auto [producer, bytes] : freed) {
      int a = model.column(0, 1, 0, /*isInteger=*/true);
      implies(a, producer);
      recomputedAfter[producer] = a;
      terms.push_back({a, double(bytes) / excess});
      work.push_back({producer, a, 0});
    }
    while (!work.empty()) {
      auto [w, column, depth] = work.pop_back_val();
      for (int input : graph.nodes[w].inputs) {
        if (!isFreeable(input) || intervals[input].second >= step)
          continue; // held or recomputed anyway, or never freed
        int q = graph.values[input].producer;
        auto [held, newValue] = heldAcross.try_emplace(input, 0);
        if (newValue) {
          held->second = model.column(0, 1, 0, /*isInteger=*/true);
          terms.push_back(
              {held->second, -double(graph.values[input].bytes) / excess});
        }
        auto [r, newNode] = recomputedAfter.try_emplace(q, 0);
        if (newNode) {
          r->second = model.column(0, 1, 0, /*isInteger=*/true);
          implies(r->second, q);
          if (depth + 1 < boundOptions.chainDepth)
            work.push_back({q, r->second, depth + 1});
        }
        // column <= held + r
        model.row({{column, -1.0}, {held->second, 1.0}, {r->second, 1.0}}, 0,
                  1e30);
        nonzeros += 3;
      }
      if (nonzeros > boundOptions.maxNonzeros)
        break;
    }
    nonzeros += terms.size() + 2 * recomputedAfter.size();
    if (nonzeros > boundOptions.maxNonzeros) {
      // Too large with chains: the plain cover, with the time left.
      RematBoundOptions plain = boundOptions;
      plain.chainDepth = 0;
      plain.timeLimitSeconds =
          std::max(0.1, boundOptions.timeLimitSeconds - elapsed());
      report =
          rematCostLowerBound(graph, order, cost, budgetBytes, options, plain);
      if (!report.note.empty())
        report.note += "; ";
      report.note += "without chains (too large with them)";
      report.seconds = elapsed();
      return report;
    }
    model.row(std::move(terms), 1, 1e30);
  }

  if (model.numRows() == 0) {
    // The order fits: no plan needs to recompute anything.
    report.status = SolverStatus::Optimal;
    report.seconds = elapsed();
    return report;
  }
  MILPOptions milp;
  milp.timeLimitSeconds = boundOptions.timeLimitSeconds;
  milp.seed = boundOptions.seed;
  milp.relativeGap = 1e-9;
  // One binary per producer: CBC's root LP takes seconds at most (1.7-3.6
  // s on 2000 nodes), and solving it twice would halve the time left.
  milp.guardRootLP = false;
  MILPResult solved = solveMILP(boundOptions.backend, model, milp);
  report = solved.report;
  if (report.status == SolverStatus::Timeout) {
    // Stopped before any cover (rare: every column at 1 is one); its
    // bound still holds.
    report.objective = 0;
  } else if (report.status == SolverStatus::Infeasible) {
    // Cannot happen (all ones covers every row); do not claim a proof.
    report.status = SolverStatus::Error;
    report.note = "internal error: the cost bound's cover is infeasible";
    report.bound = 0;
  }
  if (report.status == SolverStatus::Error)
    report.bound = 0;
  report.bound = std::max(0.0, report.bound);
  report.seconds = elapsed();
  return report;
}

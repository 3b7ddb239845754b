//===- RematCP.cpp - Rematerialization with constraint programming --------===//
//
// The Moccasin formulation on the staged model (RematStaged.h), solved with
// Gecode. Node q has up to C+1 retention intervals ("copies"): copy 0 is
// its first computation, at time tau = q*n + q; copy k >= 1, when active,
// recomputes q in stage s_k in (q, n), at time s_k*n + q (so within a stage
// recomputations run in position order, before the stage's own node).
// Every use reads the latest active copy computed in the same or an
// earlier stage; an interval ends at the last use it serves (the end of
// time for function results). A cumulative constraint over the intervals
// keeps live bytes within the budget at every time; the objective is the
// total cost of the active recomputations. Variables per node: C active
// flags, C stages, C+1 ends: O(n).
//
//===----------------------------------------------------------------------===//

#include "RematStaged.h"

#include "strata/Solvers/Gecode.h"

#include <gecode/int.hh>
#include <gecode/minimodel.hh>

#include <chrono>
#include <climits>
#include <memory>
#include <numeric>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::detail;

namespace {

/// Values the branching tries first, per decision: the warm-start plan.
struct Hints {
  std::vector<int> value;
};

class RematSpace : public Gecode::IntMinimizeSpace {
public:
  /// Per optional copy (k >= 1), all nodes concatenated.
  Gecode::BoolVarArray active;
  Gecode::IntVarArray stage;
  /// Per copy (k >= 0): the last time it is live.
  Gecode::IntVarArray ends;
  /// What search decides, node by node: each copy's active flag (as 0/1)
  /// and stage.
  Gecode::IntVarArray decisions;
  Gecode::IntVar total;
  std::shared_ptr<const Hints> hints;

  RematSpace() = default;
  RematSpace(RematSpace &other)
      : Gecode::IntMinimizeSpace(other), hints(other.hints) {
    active.update(*this, other.active);
    stage.update(*this, other.stage);
    ends.update(*this, other.ends);
    decisions.update(*this, other.decisions);
    total.update(*this, other.total);
  }
  Gecode::Space *copy() override { return new RematSpace(*this); }
  Gecode::IntVar cost() const override { return total; }
};

int hintValue(const Gecode::Space &home, Gecode::IntVar x, int i) {
  int v = static_cast<const RematSpace &>(home).hints->value[i];
  if (x.in(v))
    return v;
  // The closest value in the domain, preferring the later one.
  for (Gecode::IntVarValues it(x); it(); ++it)
    if (it.val() > v)
      return it.val();
  return x.max();
}

} // namespace

static RematResult solve(const KernelGraph &graph, ArrayRef<int> order,
                         ArrayRef<double> cost, int64_t budgetBytes,
                         const LivenessOptions &options,
                         const ExactRematOptions &exact) {
  using namespace Gecode;
  ExactSolveFrame frame(graph, order, cost, budgetBytes, options,
                        "cp (gecode)");
  if (std::optional<RematResult> answer = frame.getTrivialAnswer())
    return *answer;
  const StagedProblem &p = frame.problem;
  RematResult &none = frame.none;
  int n = p.n;
  int C = std::max(0, exact.maxRecomputations);
  if ((int64_t)n * n >= INT_MAX / 2)
    return frame.finishEarly(RematStatus::Error,
                             "the graph has too many nodes for the cp model (" +
                                 std::to_string(n) + ")");
  int64_t capacityBytes = budgetBytes - p.baseBytes;

  // Byte units small enough for Gecode's int heights and capacity.
  IntegerStagedProblem ints =
      scaleStagedProblem(p, capacityBytes, C, int64_t(1) << 30);
  int64_t unit = ints.unit;
  bool coarsened = ints.coarsened;
  auto heightOf = [&](int q) { return (int)ints.height[q]; };
  int capacity = (int)ints.capacity;

  // Which nodes may be recomputed: counted bytes, read later, not a result.
  SmallVector<int> numCopies(n, 1), firstOpt(n, 0), firstEnd(n, 0);
  int numOpt = 0, numEnds = 0;
  for (int q = 0; q < n; ++q) {
    numCopies[q] = p.canRecompute[q] ? C + 1 : 1;
    firstOpt[q] = numOpt;
    numOpt += numCopies[q] - 1;
    firstEnd[q] = numEnds;
    numEnds += numCopies[q];
  }

  SmallVector<int> weight;
  for (int64_t w : ints.weight)
    weight.push_back((int)w);

  auto space = std::make_unique<RematSpace>();
  RematSpace &home = *space;
  int T = n * n;
  home.active = BoolVarArray(home, numOpt, 0, 1);
  home.stage = IntVarArray(home, numOpt, 0, std::max(n - 1, 0));
  home.ends = IntVarArray(home, numEnds, 0, T - 1);

  // Start time, stage and active flag of every copy.
  std::vector<IntVar> startOf(numEnds), stageOf(numEnds);
  std::vector<BoolVar> activeOf(numEnds);
  BoolVar one(home, 1, 1);
  for (int q = 0; q < n; ++q) {
    int e0 = firstEnd[q];
    startOf[e0] = IntVar(home, q * n + q, q * n + q);
    stageOf[e0] = IntVar(home, q, q);
    activeOf[e0] = one;
    for (int k = 1; k < numCopies[q]; ++k) {
      int o = firstOpt[q] + k - 1;
      BoolVar b = home.active[o];
      IntVar s = home.stage[o];
      dom(home, s, q + 1, n - 1);
      startOf[e0 + k] = expr(home, n * s + q);
      stageOf[e0 + k] = s;
      activeOf[e0 + k] = b;
      if (k > 1) {
        int prev = o - 1;
        // Active copies form a prefix and run in increasing stages.
        rel(home, b, IRT_LQ, home.active[prev]);
        rel(home, s, IRT_GR, home.stage[prev], Reify(b, RM_IMP));
      }
      // An inactive copy is pinned, so search never branches on it.
      rel(home, s, IRT_EQ, q + 1, Reify(expr(home, !b), RM_IMP));
    }
    for (int k = 0; k < numCopies[q]; ++k)
      rel(home, home.ends[e0 + k], IRT_GQ, startOf[e0 + k]);
    if (p.isOutput[q] || p.mem[q] == 0)
      rel(home, home.ends[e0], IRT_EQ, T - 1);
    // Dominance: a recomputation that serves no use only adds cost. (Copy
    // 0, the first computation, may serve none: the order of first
    // computations is fixed, and recomputing before the first user can
    // pay.)
    for (int k = 1; k < numCopies[q]; ++k)
      rel(home, home.ends[e0 + k], IRT_GR, startOf[e0 + k],
          Reify(activeOf[e0 + k], RM_IMP));
  }

  // Uses: copy j of p reads the latest active copy of q whose stage is at
  // most p's copy's stage; each copy of q ends at its last served use.
  std::vector<std::vector<IntVar>> served(numEnds);
  IntVar zero(home, 0, 0);
  for (int pos = 0; pos < n; ++pos)
    for (int j = 0; j < numCopies[pos]; ++j) {
      int use = firstEnd[pos] + j;
      for (int q : p.deps[pos]) {
        if (p.isOutput[q] || p.mem[q] == 0)
          continue; // live to the end anyway
        IntVar src;
        if (numCopies[q] == 1) {
          src = IntVar(home, 0, 0);
        } else {
          BoolVarArgs earlier;
          for (int k = 1; k < numCopies[q]; ++k)
            earlier << expr(home,
                            activeOf[firstEnd[q] + k] &&
                                (stageOf[firstEnd[q] + k] <= stageOf[use]));
          src = expr(home, sum(earlier));
        }
        for (int k = 0; k < numCopies[q]; ++k) {
          BoolVar serve = numCopies[q] == 1
                              ? activeOf[use]
                              : expr(home, activeOf[use] && (src == k));
          IntVar term(home, 0, T - 1);
          ite(home, serve, startOf[use], zero, term);
          served[firstEnd[q] + k].push_back(term);
        }
      }
    }
  for (int q = 0; q < n; ++q) {
    if (p.isOutput[q] || p.mem[q] == 0)
      continue;
    for (int k = 0; k < numCopies[q]; ++k) {
      int e = firstEnd[q] + k;
      IntVarArgs terms;
      terms << startOf[e];
      for (IntVar &t : served[e])
        terms << t;
      max(home, terms, home.ends[e]);
    }
  }

  // Live bytes: one optional task per copy over [start, end].
  IntVarArgs starts, durations, endsExcl;
  IntArgs heights;
  BoolVarArgs present;
  for (int q = 0; q < n; ++q) {
    if (p.mem[q] == 0)
      continue;
    for (int k = 0; k < numCopies[q]; ++k) {
      int e = firstEnd[q] + k;
      IntVar endExcl = expr(home, home.ends[e] + 1);
      IntVar duration = expr(home, endExcl - startOf[e]);
      starts << startOf[e];
      durations << duration;
      endsExcl << endExcl;
      heights << heightOf(q);
      present << activeOf[e];
    }
  }
  cumulative(home, capacity, starts, durations, endsExcl, heights, present);

  IntArgs weights;
  BoolVarArgs optional;
  for (int q = 0; q < n; ++q)
    for (int k = 1; k < numCopies[q]; ++k) {
      weights << weight[q];
      optional << home.active[firstOpt[q] + k - 1];
    }
  home.total = IntVar(home, 0, Int::Limits::max);
  if (optional.size() > 0)
    linear(home, weights, optional, IRT_EQ, home.total);
  else
    rel(home, home.total, IRT_EQ, 0);

  // The warm start: the greedy plan, as stages. Without one, search
  // starts from recomputing every candidate right before its last users
  // (the lowest-memory corner) and lets branch and bound remove copies.
  std::vector<int> hintActive(numOpt, 0), hintStage(numOpt, 0);
  for (int q = 0; q < n; ++q) {
    // Users after q + 1, the last `copies` of them each get a copy.
    SmallVector<int> later;
    for (int user : p.users[q])
      if (user > q + 1)
        later.push_back(user);
    int copies = std::min<int>(numCopies[q] - 1, later.size());
    for (int k = 1; k < numCopies[q]; ++k)
      hintStage[firstOpt[q] + k - 1] = n - 1;
    for (int k = 1; k <= copies; ++k) {
      int o = firstOpt[q] + k - 1;
      hintActive[o] = 1;
      hintStage[o] = later[later.size() - copies + k - 1];
    }
  }
  if (auto stages = exact.warmStart
                        ? greedyStages(p, graph, order, cost, budgetBytes,
                                       options, exact.warmStartPlan)
                        : std::nullopt) {
    std::fill(hintActive.begin(), hintActive.end(), 0);
    SmallVector<int> used(n, 0);
    for (int t = 0; t < n; ++t)
      for (int q : (*stages)[t])
        if (used[q] + 1 < numCopies[q]) {
          int o = firstOpt[q] + used[q]++;
          hintActive[o] = 1;
          hintStage[o] = t;
        }
  }
  auto hints = std::make_shared<Hints>();
  IntVarArgs decisions;
  for (int o = 0; o < numOpt; ++o) {
    IntVar flag(home, 0, 1);
    channel(home, home.active[o], flag);
    decisions << flag << home.stage[o];
    hints->value.push_back(hintActive[o]);
    hints->value.push_back(hintStage[o]);
  }
  home.decisions = IntVarArray(home, decisions);
  home.hints = hints;
  branch(home, home.decisions, INT_VAR_NONE(), INT_VAL(&hintValue));
  branch(home, home.ends, INT_VAR_NONE(), INT_VAL_MIN());

  // The branchings make no random choices, so the seed is not needed.
  none.variables = numOpt * 2 + numEnds;
  double remaining = std::max(0.0, exact.timeLimitSeconds - frame.elapsed());
  GecodeResult<RematSpace> search =
      solveGecodeMinimize(std::move(space), remaining);
  none.nodes = search.report.nodes;
  std::unique_ptr<RematSpace> &best = search.best;
  bool stopped = search.report.status == SolverStatus::Feasible ||
                 search.report.status == SolverStatus::Timeout;
  if (search.report.status == SolverStatus::Error)
    return frame.finishEarly(RematStatus::Error, search.report.note);
  if (!best)
    return frame.finishEarly(
        stopped ? RematStatus::Timeout : RematStatus::Infeasible,
        stopped ? "no plan found within the time limit"
                : "no plan with at most " + std::to_string(C) +
                      " recomputation(s) per node exists in the staged model");
  SmallVector<SmallVector<int>> recompute(n);
  for (int q = 0; q < n; ++q)
    for (int k = 1; k < numCopies[q]; ++k) {
      int o = firstOpt[q] + k - 1;
      if (best->active[o].val())
        recompute[best->stage[o].val()].push_back(q);
    }
  for (SmallVector<int> &stage : recompute)
    llvm::sort(stage);
  if (coarsened)
    none.note = "sizes rounded up to units of " + std::to_string(unit) + " B";
  // Gecode proves no bound short of a complete search: 0 until then.
  RematResult result = finishPlan(none, recompute, !stopped, 0.0, options);
  result.seconds = frame.elapsed();
  return result;
}

RematResult mlir::strata::rematerializeCP(const KernelGraph &graph,
                                          ArrayRef<int> order,
                                          ArrayRef<double> cost,
                                          int64_t budgetBytes,
                                          const LivenessOptions &options,
                                          const ExactRematOptions &exact) {
  try {
    return solve(graph, order, cost, budgetBytes, options, exact);
  } catch (const Gecode::Exception &e) {
    RematResult result = detail::unchangedResult(
        graph, order, cost, budgetBytes, options, "cp (gecode)");
    result.status = RematStatus::Error;
    result.note = std::string("gecode: ") + e.what();
    return result;
  }
}

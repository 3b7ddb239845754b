//===- RematMILP.cpp - Rematerialization with mixed-integer programming ---===//
//
// The Checkmate formulation on the staged model (RematStaged.h), solved
// with CBC or HiGHS (strata/Solvers/MILP.h). Binaries: R[t][i], node i is
// computed in stage t (R[t][t] = 1); S[t][i], node i is kept in memory from
// stage t-1 into stage t. Continuous in [0,1]: F[t][i][k], node i is freed
// right after node k runs in stage t; U[t][k], bytes live while k runs in stage
// t. Constraints:
//   S[t+1][i] <= S[t][i] + R[t][i]             (kept means computed or kept)
//   R[t][j]   <= R[t][i] + S[t][i]   (i -> j)  (inputs are in memory)
//   F[t][i][k] <= R[t][k], 1 - S[t+1][i], 1 - R[t][j] for later users j
//   U[t][first] = base + sum_i S[t][i] m_i + R[t][first] m_first
//   U[t][k] = U[t][k'] - sum_{i in deps(k') + k'} F[t][i][k'] m_i + R[t][k] m_k
//   U[t][k] <= budget
// minimizing the cost of the recomputations. F only has upper bounds: the
// solver frees whatever it may, which can only help feasibility. The model
// has O(n^2) binaries, which is why it does not scale like cp.
//
//===----------------------------------------------------------------------===//

#include "RematStaged.h"

#include "llvm/ADT/Twine.h"

#include <chrono>
#include <map>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::detail;

RematResult mlir::strata::rematerializeMILP(
    const KernelGraph &graph, ArrayRef<int> order, ArrayRef<double> cost,
    int64_t budgetBytes, const LivenessOptions &options,
    const ExactRematOptions &exact, MILPSolver backend) {
  ExactSolveFrame frame(graph, order, cost, budgetBytes, options,
                        ("milp (" + stringifyMILPSolver(backend) + ")").str());
  if (std::optional<RematResult> answer = frame.getTrivialAnswer())
    return *answer;
  const StagedProblem &p = frame.problem;
  RematResult &none = frame.none;
  int n = p.n;

  // Which nodes the model tracks: counted bytes and read later (results
  // are kept throughout and never freed; nodes without counted bytes cost
  // nothing to keep).
  SmallVector<bool> tracked(n);
  ArrayRef<bool> candidate = p.canRecompute;
  for (int i = 0; i < n; ++i)
    tracked[i] = p.mem[i] > 0 && !p.isOutput[i];
  int64_t binaries = 0;
  for (int t = 0; t < n; ++t)
    for (int i = 0; i < t; ++i)
      binaries += candidate[i] + (tracked[i] && !p.users[i].empty());
  if (binaries > exact.maxVariables)
    return frame.finishEarly(RematStatus::Error,
                             "the milp model is too large (" +
                                 std::to_string(binaries) + " binaries > " +
                                 std::to_string(exact.maxVariables) +
                                 "); use solver=cp or solver=greedy");

  double maxCost = 0;
  for (double c : p.cost)
    maxCost = std::max(maxCost, c);
  // Costs are scaled so the largest is 1: they come in seconds (1e-8 for a
  // small kernel), below the solvers' tolerances (HiGHS took four
  // recomputations at 1e-8 s each for one), and a tie-break of 1e-6 per
  // recomputation prefers fewer copies among equal costs.
  double scale = maxCost > 0 ? maxCost : 1.0;
  double epsilon = 1e-6;

  MILPModel m;
  // R[t][i] and S[t][i] as column ids; -1: fixed to 0 (or absent).
  std::vector<std::map<int, int>> R(n), S(n);
  int one = m.column(1, 1, 0, false);
  for (int t = 0; t < n; ++t)
    for (int i = 0; i < t; ++i) {
      if (candidate[i])
        R[t][i] = m.column(0, 1, p.cost[i] / scale + epsilon, true);
      if (tracked[i] && !p.users[i].empty())
        S[t][i] = m.column(0, 1, 0, true);
    }
  auto r = [&](int t, int i) -> int {
    if (i == t)
      return one;
    auto it = R[t].find(i);
    return it == R[t].end() ? -1 : it->second;
  };
  auto s = [&](int t, int i) -> int {
    if (t >= n)
      return -1;
    auto it = S[t].find(i);
    return it == S[t].end() ? -1 : it->second;
  };

  for (int t = 0; t < n; ++t) {
    // Keeping: S[t+1][i] <= S[t][i] + R[t][i].
    for (auto [i, col] : S[t]) {
      (void)col;
      if (int next = s(t + 1, i); next >= 0) {
        std::vector<std::pair<int, double>> terms{{next, 1}};
        terms.push_back({S[t][i], -1});
        if (r(t, i) >= 0)
          terms.push_back({r(t, i), -1});
        m.row(terms, -1e30, 0);
      }
    }
    // S[t+1][t] <= R[t][t] = 1 holds trivially.
  }
  // Inputs in memory: R[t][j] <= R[t][i] + S[t][i].
  for (int j = 0; j < n; ++j)
    for (int i : p.deps[j]) {
      if (!tracked[i])
        continue;
      for (int t = j; t < n; ++t) {
        int rj = r(t, j);
        if (rj < 0)
          continue;
        std::vector<std::pair<int, double>> terms{{rj, 1}};
        if (r(t, i) >= 0)
          terms.push_back({r(t, i), -1});
        if (s(t, i) >= 0)
          terms.push_back({s(t, i), -1});
        m.row(terms, -1e30, 0);
      }
    }
  // Memory, event by event within each stage.
  int64_t outputsBefore = 0; // results computed in earlier stages
  double budget = double(budgetBytes - p.baseBytes);
  for (int t = 0; t < n; ++t) {
    SmallVector<int> events;
    for (int k = 0; k < t; ++k)
      if (r(t, k) >= 0)
        events.push_back(k);
    events.push_back(t);
    int previousU = -1, previousEvent = -1;
    for (int k : events) {
      int u = m.column(0, budget, 0, false);
      std::vector<std::pair<int, double>> terms{{u, 1}};
      double constant = 0;
      if (previousU < 0) {
        for (auto [i, col] : S[t])
          terms.push_back({col, -double(p.mem[i])});
        constant = double(outputsBefore);
      } else {
        terms.push_back({previousU, -1});
        // Frees after the previous event.
        SmallVector<int> freeable(p.deps[previousEvent]);
        freeable.push_back(previousEvent);
        for (int i : freeable) {
          if (!tracked[i])
            continue;
          int f = m.column(0, 1, 0, false);
          terms.push_back({f, double(p.mem[i])});
          m.row({{f, 1}, {r(t, previousEvent), -1}}, -1e30, 0);
          if (int next = s(t + 1, i); next >= 0)
            m.row({{f, 1}, {next, 1}}, -1e30, 1);
          for (int j : p.users[i])
            if (j > previousEvent && j <= t) {
              if (int rj = r(t, j); rj >= 0)
                m.row({{f, 1}, {rj, 1}}, -1e30, 1);
            }
        }
      }
      if (p.isOutput[k] || !tracked[k])
        constant += double(p.isOutput[k] ? p.mem[k] : 0);
      else
        terms.push_back({r(t, k), -double(p.mem[k])});
      m.row(terms, constant, constant);
      previousU = u;
      previousEvent = k;
    }
    if (p.isOutput[t])
      outputsBefore += p.mem[t];
  }

  if (backend == MILPSolver::HiGHS) {
    std::string whyNot;
    if (!isHighsAvailable(&whyNot))
      return frame.finishEarly(RematStatus::Error, whyNot);
  }
  MILPOptions milp;
  milp.seed = exact.seed;
  milp.relativeGap = 1e-6;

  // The warm start: the greedy plan's R and S (S: a value is kept from
  // the stage after its latest computation through each stage reading it).
  std::optional<SmallVector<SmallVector<int>>> stages =
      exact.warmStart ? greedyStages(p, graph, order, cost, budgetBytes,
                                     options, exact.warmStartPlan)
                      : std::nullopt;
  if (stages) {
    std::vector<std::vector<char>> computed(n, std::vector<char>(n, 0));
    for (int t = 0; t < n; ++t) {
      computed[t][t] = 1;
      for (int i : (*stages)[t])
        if (r(t, i) >= 0)
          computed[t][i] = 1;
    }
    std::vector<std::vector<char>> kept(n, std::vector<char>(n, 0));
    SmallVector<int> lastComputed(n, -1);
    for (int t = 0; t < n; ++t)
      for (int i = 0; i <= t; ++i) {
        if (!computed[t][i])
          continue;
        for (int d : p.deps[i])
          for (int u = lastComputed[d] + 1; u <= t; ++u)
            kept[u][d] = 1;
        lastComputed[i] = t;
      }
    for (int t = 0; t < n; ++t) {
      for (auto [i, col] : R[t])
        milp.start.push_back({col, double(computed[t][i])});
      for (auto [i, col] : S[t])
        milp.start.push_back({col, double(kept[t][i])});
    }
  }

  milp.timeLimitSeconds =
      std::max(0.1, exact.timeLimitSeconds - frame.elapsed());
  MILPResult solved = solveMILP(backend, m, milp);
  const SolverReport &report = solved.report;
  none.nodes = report.nodes;
  none.variables = m.numColumns();
  none.constraints = m.numRows();

  if (report.status == SolverStatus::Error)
    return frame.finishEarly(RematStatus::Error, report.note);
  if (report.status == SolverStatus::Timeout && stages) {
    // Stopped without a plan of its own (CBC: before its root LP): the
    // warm start stands, with whatever bound the solver proved.
    int copies = 0;
    for (const SmallVector<int> &stage : *stages)
      copies += stage.size();
    RematResult result = finishPlan(
        none, *stages, /*proven=*/false,
        std::max(0.0, (report.bound - epsilon * copies) * scale), options);
    result.note = report.note.empty() ? "the greedy plan (the warm start)"
                                      : report.note + "; the greedy plan";
    result.seconds = frame.elapsed();
    return result;
  }
  if (!report.hasSolution())
    return frame.finishEarly(
        report.status == SolverStatus::Infeasible ? RematStatus::Infeasible
                                                  : RematStatus::Timeout,
        report.status == SolverStatus::Infeasible
            ? "no plan exists in the staged model"
        : report.note.empty() ? "no plan found within the time limit"
                              : report.note);
  SmallVector<SmallVector<int>> recompute(n);
  for (int t = 0; t < n; ++t)
    for (auto [i, col] : R[t])
      if (solved.solution[col] > 0.5)
        recompute[t].push_back(i);
  bool optimal = report.status == SolverStatus::Optimal;
  double bound = report.bound;

  // The solver's bound is in scaled units and includes the tie-breaking
  // epsilon per recomputation; subtracting it for this plan's count and
  // scaling back leaves a bound in cost units (exact to 1e-6 of the largest
  // cost per recomputation).
  int copies = 0;
  for (const SmallVector<int> &stage : recompute)
    copies += stage.size();
  RematResult result = finishPlan(none, recompute, optimal,
                                  (bound - epsilon * copies) * scale, options);
  result.seconds = frame.elapsed();
  return result;
}

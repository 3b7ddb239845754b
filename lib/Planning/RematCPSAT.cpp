//===- RematCPSAT.cpp - Rematerialization with CP-SAT ---------------------===//
//
// The Moccasin formulation on the staged model (RematStaged.h), the same
// model solver=cp gives Gecode (RematCP.cpp documents it), solved by
// OR-Tools CP-SAT in a helper process (strata/Solvers/CPSAT.h; the model is
// built by share/strata/solvers/remat_cpsat.py). CP-SAT's linear
// relaxation and cumulative reasoning prove lower bounds that Gecode's
// search does not, so a stopped solve still reports a gap. The bound holds
// for plans that recompute each node at most `maxRecomputations` times.
//
//===----------------------------------------------------------------------===//

#include "RematStaged.h"

#include "strata/Solvers/CPSAT.h"

#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::detail;

RematResult mlir::strata::rematerializeCPSAT(const KernelGraph &graph,
                                             ArrayRef<int> order,
                                             ArrayRef<double> cost,
                                             int64_t budgetBytes,
                                             const LivenessOptions &options,
                                             const ExactRematOptions &exact) {
  ExactSolveFrame frame(graph, order, cost, budgetBytes, options,
                        "cpsat (or-tools)");
  if (std::optional<RematResult> answer = frame.getTrivialAnswer())
    return *answer;
  std::string whyNot;
  if (!isCPSATAvailable(&whyNot))
    return frame.finishEarly(RematStatus::Error, whyNot);
  const StagedProblem &p = frame.problem;
  RematResult &none = frame.none;
  int n = p.n;
  int C = std::max(0, exact.maxRecomputations);
  // Times run to n * n; CP-SAT's integers are 64-bit.
  IntegerStagedProblem ints =
      scaleStagedProblem(p, budgetBytes - p.baseBytes, C, int64_t(1) << 50);

  llvm::json::Array deps, mem, weight, recompute, liveToEnd;
  for (int q = 0; q < n; ++q) {
    llvm::json::Array d;
    for (int dep : p.deps[q])
      d.push_back(dep);
    deps.push_back(std::move(d));
    mem.push_back(ints.height[q]);
    weight.push_back(ints.weight[q]);
    recompute.push_back(C > 0 && p.canRecompute[q]);
    liveToEnd.push_back(p.isOutput[q] || p.mem[q] == 0);
  }
  // CP-SAT's deterministic time: the same plan on any machine and load.
  double limit = std::max(0.0, exact.timeLimitSeconds);
  llvm::json::Object problem{{"n", n},
                             {"deps", std::move(deps)},
                             {"mem", std::move(mem)},
                             {"capacity", ints.capacity},
                             {"weight", std::move(weight)},
                             {"recompute", std::move(recompute)},
                             {"live_to_end", std::move(liveToEnd)},
                             {"copies", C},
                             {"time_limit", limit},
                             {"seed", (int64_t)exact.seed},
                             {"workers", 1}};
  if (auto stages = exact.warmStart
                        ? greedyStages(p, graph, order, cost, budgetBytes,
                                       options, exact.warmStartPlan)
                        : std::nullopt) {
    SmallVector<llvm::json::Array> perNode(n);
    for (int t = 0; t < n; ++t)
      for (int q : (*stages)[t])
        perNode[q].push_back(t);
    llvm::json::Array hint;
    for (llvm::json::Array &stagesOfNode : perNode)
      hint.push_back(std::move(stagesOfNode));
    problem["hint"] = std::move(hint);
  }
  none.variables = 0;
  for (int q = 0; q < n; ++q)
    none.variables += p.canRecompute[q] ? 2 * C + C + 1 : 1;

  // The helper caps its wall-clock time at 4x the limit + 10 s; a grace
  // on top for starting Python and building the model.
  llvm::Expected<llvm::json::Value> answer =
      runCPSATHelper("remat_cpsat.py", llvm::json::Value(std::move(problem)),
                     4 * limit + 70 + n / 50.0);
  if (!answer)
    return frame.finishEarly(RematStatus::Error,
                             llvm::toString(answer.takeError()));
  const llvm::json::Object *object = answer->getAsObject();
  std::optional<StringRef> status =
      object ? object->getString("status") : std::nullopt;
  if (!status)
    return frame.finishEarly(RematStatus::Error,
                             "the CP-SAT helper's answer has no status");
  none.nodes = object->getInteger("branches").value_or(0);
  std::string note = object->getString("note").value_or("").str();
  if (*status == "infeasible")
    return frame.finishEarly(
        RematStatus::Infeasible,
        "no plan with at most " + std::to_string(C) +
            " recomputation(s) per node exists in the staged model");
  if (*status == "timeout")
    return frame.finishEarly(RematStatus::Timeout, note);
  if (*status != "optimal" && *status != "feasible")
    return frame.finishEarly(RematStatus::Error, note);

  SmallVector<SmallVector<int>> recomputeAt(n);
  const llvm::json::Array *stages = object->getArray("stages");
  if (!stages || (int)stages->size() != n)
    return frame.finishEarly(RematStatus::Error,
                             "the CP-SAT helper's answer has no plan");
  for (auto [q, list] : llvm::enumerate(*stages))
    if (const llvm::json::Array *ofNode = list.getAsArray())
      for (const llvm::json::Value &t : *ofNode) {
        std::optional<int64_t> stage = t.getAsInteger();
        if (!stage || *stage <= (int64_t)q || *stage >= n)
          return frame.finishEarly(RematStatus::Error,
                                   "the CP-SAT helper's plan has a bad stage");
        recomputeAt[*stage].push_back(q);
      }
  for (SmallVector<int> &stage : recomputeAt)
    llvm::sort(stage);
  if (ints.coarsened)
    none.note =
        "sizes rounded up to units of " + std::to_string(ints.unit) + " B";
  bool proven = *status == "optimal";
  double bound =
      ints.scale > 0 ? object->getNumber("bound").value_or(0) / ints.scale : 0;
  RematResult result = finishPlan(none, recomputeAt, proven, bound, options);
  result.seconds = frame.elapsed();
  return result;
}

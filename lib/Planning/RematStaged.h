//===- RematStaged.h - The staged model of rematerialization ----*- C++ -*-===//
//
// The exact solvers share one model of the problem, the one Checkmate and
// Moccasin use: the order of first computations is fixed; stage t ends
// with the first computation of the node at position t; within stage t,
// nodes at positions < t may be recomputed, in position order, before it.
// Every use reads the most recent computation of its input. Memory is
// counted per node: a node's counted outputs are allocated together and
// live from its computation through the last use that reads it (to the
// end for function results). Counted arguments and constants are taken as
// live throughout, which is conservative.
//
// A plan (which positions each stage recomputes) turns back into a
// kernel graph and order; the plan's peak is then measured with
// computeMemoryProfile, the same count strata-memory-report uses.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_PLANNING_REMATSTAGED_H
#define STRATA_LIB_PLANNING_REMATSTAGED_H

#include "strata/Planning/Remat.h"
#include "strata/Planning/Schedule.h"

#include <chrono>
#include <optional>

namespace mlir::strata::detail {

struct StagedProblem {
  int n = 0;
  /// Position -> node id of the input graph.
  SmallVector<int> nodeAt;
  /// Per position: bytes of the node's counted outputs.
  SmallVector<int64_t> mem;
  /// Per position: cost of (re)computing the node.
  SmallVector<double> cost;
  /// Per position: positions of the producers of its inputs (ascending,
  /// distinct), and of the nodes reading its outputs.
  SmallVector<SmallVector<int>> deps, users;
  /// Per position: one of its outputs is a function result.
  SmallVector<bool> isOutput;
  /// Per position: worth recomputing: counted bytes, not a result, and
  /// read after the next position, or by a position that is worth
  /// recomputing (a chain's input).
  SmallVector<bool> canRecompute;
  /// Counted arguments and constants, taken as live throughout.
  int64_t baseBytes = 0;
};

StagedProblem buildStagedProblem(const KernelGraph &graph, ArrayRef<int> order,
                                 ArrayRef<double> cost,
                                 const LivenessOptions &options);

/// `recompute[t]`: the positions recomputed in stage t, ascending, each
/// < t. Builds the result graph (input nodes and values keep their ids;
/// copies are appended), its order, costs and recomputations, and measures
/// its profile. Status is left to the caller.
RematResult applyStagedPlan(const KernelGraph &graph, ArrayRef<int> order,
                            ArrayRef<double> cost,
                            ArrayRef<SmallVector<int>> recompute,
                            const LivenessOptions &options);

/// The result of an exact solver that changes nothing: the input graph,
/// order and costs, their peak and the peak lower bound. Exact solvers
/// start from it and return it (with a status and note) when they stop
/// without a plan.
RematResult unchangedResult(const KernelGraph &graph, ArrayRef<int> order,
                            ArrayRef<double> cost, int64_t budgetBytes,
                            const LivenessOptions &options, std::string solver);

/// What every exact solve starts with: the clock, the staged problem and
/// the unchanged result it returns (with a status and note) when it stops
/// without a plan.
class ExactSolveFrame {
  /// First member: the clock starts before the problem is built.
  std::chrono::steady_clock::time_point start;

public:
  ExactSolveFrame(const KernelGraph &graph, ArrayRef<int> order,
                  ArrayRef<double> cost, int64_t budgetBytes,
                  const LivenessOptions &options, std::string solver);

  /// Seconds since construction.
  double elapsed() const;

  /// `none` with `status`, `note` and the time so far.
  RematResult finishEarly(RematStatus status, std::string note);

  /// The answer when there is nothing to search: optimal when the order
  /// already fits the budget, infeasible when the counted arguments and
  /// constants alone exceed it.
  std::optional<RematResult> getTrivialAnswer();

  StagedProblem problem;
  RematResult none;
};

/// The result of an exact solver's plan: applies `recompute` to `base`'s
/// graph, keeps `base`'s bookkeeping, sets objective (the added cost),
/// bound (`bound`, clamped to [0, objective]; the objective if `proven`)
/// and gap, and the status: optimal if proven, else feasible, or
/// infeasible with an internal-error note should the plan exceed the
/// budget (the model is conservative, so that would be a bug; it is never
/// passed on silently).
RematResult finishPlan(const RematResult &base,
                       ArrayRef<SmallVector<int>> recompute, bool proven,
                       double bound, const LivenessOptions &options);

/// The staged problem in the integers constraint solvers take: sizes in
/// units of `unit` bytes (the gcd of the sizes, coarsened by rounding sizes
/// up only when capacity or total would exceed `limit` units) and costs as
/// integer weights (cost * scale rounded, at least 1 so that a pointless
/// recomputation is never free; the largest weight is at most 1e6).
struct IntegerStagedProblem {
  int64_t unit = 1;
  bool coarsened = false;
  SmallVector<int64_t> height;
  int64_t capacity = 0;
  SmallVector<int64_t> weight;
  double scale = 0;
};
IntegerStagedProblem scaleStagedProblem(const StagedProblem &problem,
                                        int64_t capacityBytes,
                                        int maxRecomputations, int64_t limit);

/// The warm start of the exact solvers: the greedy plan in stages (each
/// copy in the stage of the next original node after it; a node
/// recomputed twice within one stage counts once), or nothing when greedy
/// misses the budget.
std::optional<SmallVector<SmallVector<int>>>
greedyStages(const StagedProblem &problem, const KernelGraph &graph,
             ArrayRef<int> order, ArrayRef<double> cost, int64_t budgetBytes,
             const LivenessOptions &options, const RematResult *plan = nullptr);

} // namespace mlir::strata::detail

#endif // STRATA_LIB_PLANNING_REMATSTAGED_H

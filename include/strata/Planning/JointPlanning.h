//===- JointPlanning.h - Order, recomputation and tiers together -*- C++
//-*-===//
//
// The three-pass pipeline plans a kernel order for the lowest peak
// (Schedule.h), then maps tensors to tiers for that order (TierMapping.h);
// neither sees what the other would have preferred. The joint planners
// choose the order, which kernels run again (recomputation) and the tier
// plan together, for one objective: the non-compulsory off-chip bytes of
// the mapped program plus the recomputed kernels' seconds priced at the
// backing tier's bandwidth (a second of extra compute costs what a second
// of off-chip transfer would). Both terms come from the simulator's rules
// (simulateMappedProgram), so every plan here is priced the same way.
//
// - planSequential: the pipeline as the passes run it: the min-peak order
//   (greedy, or exact by dynamic programming), then the greedy (or exact)
//   tier mapper on it; no recomputation.
// - planJointHeuristic: a local search over the plan's own cost. It starts
//   from the best of the program order and the sequential plan, then for
//   the values with the most non-compulsory traffic tries moves that a
//   tier mapper cannot make: pulling an off-chip reader up next to the
//   value's previous access, pushing the producer down to its first
//   reader, and recomputing the value right before the readers that would
//   otherwise fetch it. Each candidate is mapped with the greedy tier
//   mapper and simulated; the best improving move of a value is kept.
//   Counted work, not a clock, bounds it, so the plan does not depend on
//   the machine. Never worse than its start. The final order and the
//   starting ones are mapped again by the exact tier mapper where its
//   model is small (kept where it proves its plan optimal).
// - planJointExact: a time-indexed MILP (COSMA-style) over slots, each
//   running at most one kernel: per kernel and slot "runs here" (a kernel
//   may run more than once: recomputation, up to maxRecomputations extra
//   runs), per value and slot "in the fast tier", "prefetched", "written
//   to the backing tier", "read from the backing tier" and "has a copy in
//   the backing tier"; a kernel runs only where each input is in the fast
//   tier or read from a backing copy made earlier; the fast tier's bytes
//   (aligned) within its capacity at every slot. Solved on HiGHS or CBC,
//   one thread, seeded, time-boxed, started from the cheaper of the
//   heuristic plan and the exact sequential plan (a quarter of the time); it
//   reports its bound (the solver's, or a memory-time bound where that is
//   higher) and gap. The solution's order and recomputations are then
//   mapped with the exact tier mapper, and the cheaper of that and the
//   start is returned: never worse than the heuristic's plan or the exact
//   sequential one. The bound holds for every plan with at most
//   maxRecomputations + the start's extra runs.
//
// Plain C++ over the kernel graph, testable without IR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_JOINTPLANNING_H
#define STRATA_PLANNING_JOINTPLANNING_H

#include "strata/Planning/Remat.h"
#include "strata/Planning/TierMapping.h"

#include <string>

namespace mlir::strata {

struct JointOptions {
  /// copies and alignment of the tier plan (copies must be on for the
  /// exact model).
  TierMappingOptions mapping;
  /// Bytes one second of recomputation is worth in the objective; 0: the
  /// backing tier's bandwidth.
  double recomputeBytesPerSecond = 0;
  /// Exact: wall-clock limit of the whole plan (the heuristic start, the
  /// MILP, the final tier mapping).
  double timeLimitSeconds = 60;
  unsigned seed = 1;
  MILPSolver solver = MILPSolver::HiGHS;
  /// Exact: extra kernel runs (recomputations) the model allows. Each one
  /// widens every kernel's slot window, which weakens the relaxation: on
  /// squeezenet at 1 MiB the gap after 30 s goes from 0 (proven optimal)
  /// with none to 28% with four.
  int maxRecomputations = 0;
  /// Exact: larger models are not solved; the heuristic plan is returned.
  int64_t maxBinaries = 100000;
  /// Heuristic: candidate plans it may map and simulate, counted in graph
  /// sizes (nodes + values) summed over the candidates.
  int64_t heuristicWork = 4'000'000;
  /// Heuristic: values tried per round, by non-compulsory traffic.
  int valuesPerRound = 64;
  /// Heuristic: the final order and the two it started from are mapped
  /// again by the exact tier mapper when its model has at most this many
  /// binaries, and such a plan is kept
  /// only if CBC proves it optimal within polishSeconds (a proof does not
  /// depend on the machine's speed, so neither does the plan; a model
  /// that takes longer keeps the greedy plan). 0: no polish.
  int64_t polishBinaries = 60000;
  double polishSeconds = 5;
};

/// A plan and how it was found. For the exact planner the SolverReport
/// carries the MILP's status, bound and gap in the objective's units; the
/// heuristic and sequential plans report status feasible and no bound.
struct JointPlan : SolverReport {
  /// The input graph plus one node per recomputation (Remat.h's form).
  KernelGraph graph;
  SmallVector<int> order;
  /// Per node of `graph`, copies included.
  SmallVector<double> computeSeconds;
  SmallVector<Recomputation> recomputations;
  MappedProgram program;
  /// The objective's parts: simulated non-compulsory off-chip bytes and
  /// the recomputed kernels' seconds; cost = bytes + rate * seconds.
  int64_t nonCompulsoryBytes = 0;
  double recomputeSeconds = 0;
  double cost = 0;
  /// "sequential (greedy)", "sequential (exact)", "joint (heuristic)",
  /// "joint (highs)", "joint (cbc)".
  std::string method;
  /// Heuristic: candidates simulated and moves kept.
  int64_t evaluations = 0;
  int moves = 0;
  /// Planned by planJointExact: status, bound and gap are its report.
  bool exact = false;
  /// Exact: the model's size (0 when it was not built).
  int64_t variables = 0, constraints = 0;
};

/// The rate recomputation is priced at (options or the backing tier's
/// bandwidth).
double getRecomputeRate(ArrayRef<MappingTier> tiers,
                        const JointOptions &options);

/// Sets `plan`'s nonCompulsoryBytes, recomputeSeconds (the copies'
/// compute) and cost from its program.
void priceJointPlan(JointPlan &plan, ArrayRef<MappingTier> tiers,
                    const JointOptions &options);

/// A plan of `order` of `graph` (recomputations already applied), mapped
/// with the greedy tier mapper and priced.
JointPlan mapJointPlanGreedy(KernelGraph graph, SmallVector<int> order,
                             SmallVector<double> computeSeconds,
                             SmallVector<Recomputation> recomputations,
                             ArrayRef<MappingTier> tiers,
                             const JointOptions &options);

/// The sequential pipeline: min-peak order, then the tier mapper. With
/// `exact`, the order is scheduleExact's and the mapping mapTiersILP's
/// (CBC), each within half the time limit.
JointPlan planSequential(const KernelGraph &graph,
                         ArrayRef<double> computeSeconds,
                         ArrayRef<MappingTier> tiers,
                         const JointOptions &options, bool exact);

/// The local search (see the file comment); never worse than the better
/// of the program order and planSequential's greedy plan.
JointPlan planJointHeuristic(const KernelGraph &graph,
                             ArrayRef<double> computeSeconds,
                             ArrayRef<MappingTier> tiers,
                             const JointOptions &options);

/// The time-indexed MILP (see the file comment), started from the better
/// of planJointHeuristic's and planSequential's exact plan and never worse
/// than either; `exact` is set and
/// the report's status, bound and gap are the model's.
JointPlan planJointExact(const KernelGraph &graph,
                         ArrayRef<double> computeSeconds,
                         ArrayRef<MappingTier> tiers,
                         const JointOptions &options);

/// The JSON of a plan's figures (method, cost, non_compulsory_bytes,
/// recompute_seconds, recomputations, and for the exact planner status,
/// bound, gap, variables, constraints).
llvm::json::Object getJointPlanJSON(const JointPlan &plan);

} // namespace mlir::strata

#endif // STRATA_PLANNING_JOINTPLANNING_H

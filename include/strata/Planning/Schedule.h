//===- Schedule.h - Memory-aware node orders ---------------------*- C++
//-*-===//
//
// Orders of a kernel graph's nodes that respect dependencies, chosen to
// lower the peak of live bytes (as computeMemoryProfile counts it):
//
// - greedy: the best of memory-aware list scheduling (among ready nodes,
//   the one that frees the most bytes net of what it allocates), a
//   depth-first order from the outputs and the program order (the
//   portfolio XLA's default memory scheduler uses), plus a beam search
//   that runs the exact search below keeping the 32 best states per layer;
// - exact: dynamic programming over the downward-closed sets of scheduled
//   nodes (Serenity-style). The live bytes between steps depend only on the
//   set, so the best peak of a set is the minimum over its last node. Each
//   search prunes the sets whose peak reaches a target, which rises from
//   just above the lower bound (a finished search without an order proves
//   its target; one with an order has found the optimum); a dominance rule
//   takes alone any ready node that frees what it allocates within the
//   current peak. Time and state limits return the greedy order with the
//   proven lower bound.
//
// Plain C++ over the graph, testable without IR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_SCHEDULE_H
#define STRATA_PLANNING_SCHEDULE_H

#include "strata/Planning/KernelGraph.h"
#include "strata/Solvers/MILP.h"

#include <string>

#include <optional>

namespace mlir::strata {

/// A schedule's status (strata/Solvers/MILP.h): optimal (the order's peak
/// is proven minimal) or feasible (the best order found; the limit was
/// reached before a proof).
using ScheduleStatus = SolverStatus;

/// A schedule and the report every solver gives (objective: the peak;
/// bound: lowerBound; nodes: the search states the exact solver visited).
struct ScheduleResult : SolverReport {
  SmallVector<int> order;
  int64_t peakBytes = 0;
  /// A lower bound on every order's peak (equal to peakBytes if optimal).
  int64_t lowerBound = 0;
  /// Which heuristic won (greedy) or "dp" (exact).
  std::string method;
};

/// The program order (0, 1, ..., n-1).
ScheduleResult scheduleProgramOrder(const KernelGraph &graph,
                                    const LivenessOptions &options = {});

struct GreedyScheduleOptions {
  /// States kept per layer by the beam search (0: no beam search).
  size_t beamWidth = 32;
  /// Graphs larger than this skip the beam search, whose cost grows as n^2.
  int beamMaxNodes = 1000;
};

/// The best of the greedy heuristics (never worse than program order).
ScheduleResult scheduleGreedy(const KernelGraph &graph,
                              const LivenessOptions &options = {},
                              const GreedyScheduleOptions &greedy = {});

struct ExactScheduleOptions {
  double timeLimitSeconds = 10;
  /// Stop (with the best order so far) after this many search states
  /// (8 bytes of back link each, plus the sets of two layers).
  int64_t maxStates = 40'000'000;
};

/// The minimal-peak order by dynamic programming, or the greedy order and
/// a lower bound when a limit is reached.
ScheduleResult scheduleExact(const KernelGraph &graph,
                             const LivenessOptions &options = {},
                             const ExactScheduleOptions &exact = {});

/// List scheduling for makespan onto heterogeneous processors (HEFT,
/// Topcuoglu et al. 2002): nodes in decreasing upward rank (mean cost plus
/// the longest mean path of costs and transfers to an exit), each placed on
/// the processor where it finishes earliest, using idle gaps left earlier
/// (insertion policy). A transfer costs nothing between nodes on the same
/// processor.
struct HeftProblem {
  /// cost[node][processor]: seconds to run the node there.
  SmallVector<SmallVector<double>> cost;
  /// (from, to, seconds to move from's output when on different
  /// processors); from must come before to in program order.
  SmallVector<std::tuple<int, int, double>> edges;
};

struct HeftResult {
  SmallVector<int> processor;
  SmallVector<double> start, finish;
  SmallVector<double> upwardRank;
  /// Nodes by start time (ties: scheduling order), a topological order.
  SmallVector<int> order;
  double makespan = 0;
};

HeftResult scheduleHEFT(const HeftProblem &problem);

/// A lower bound on the peak of any order: the bytes every order holds
/// while a node runs (each value produced by an ancestor or the node and
/// read by a descendant or the node, or a result produced by one),
/// maximized over the nodes; and at the end, every result (live to the
/// end) plus what the last node holds, minimized over the nodes that can
/// run last (nothing reads their outputs). Above 20,000 nodes the first
/// part counts a node's own inputs and outputs only.
int64_t peakLowerBound(const KernelGraph &graph,
                       const LivenessOptions &options = {});

/// True if `order` is a permutation of the nodes that respects every
/// producer -> user edge.
bool isValidOrder(const KernelGraph &graph, ArrayRef<int> order);

/// A topological order of the nodes, deterministic and as close to the
/// numbering as the edges allow: of the nodes whose producers have all
/// run, the lowest-numbered runs next (a numbering that is already
/// topological is kept). None when the graph has a cycle; then
/// `cycleNode`, if given, is set to a node on one.
std::optional<SmallVector<int>> topologicalOrder(const KernelGraph &graph,
                                                 int *cycleNode = nullptr);

} // namespace mlir::strata

#endif // STRATA_PLANNING_SCHEDULE_H

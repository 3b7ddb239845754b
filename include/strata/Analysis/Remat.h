//===- Remat.h - Rematerialization under a memory budget --------*- C++ -*-===//
//
// Lowers the peak of a fixed node order below a byte budget by recomputing
// values instead of keeping them live: the producer of a value is run again
// (a copy node with the same inputs) right before a later user, so the
// value is not live across the gap. The copy's inputs stay live until it
// runs, which the search accounts for.
//
// greedy (HloRematerialization-like): while the peak exceeds the budget,
// among the values live at the peak step that this step does not use, pick
// the recomputation that improves the profile the most per unit of added
// cost (peak bytes saved; else fewer steps at the peak) and apply it before
// the value's first use after the peak. The path does not depend on the
// budget, which only says where to stop, so tighter budgets never give
// higher peaks. When no recomputation helps, the lowest peak reached is
// reported as infeasible.
//
// Plain C++ over the kernel graph, testable without IR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_ANALYSIS_REMAT_H
#define STRATA_ANALYSIS_REMAT_H

#include "strata/Analysis/KernelGraph.h"

#include <string>

namespace mlir::strata {

/// One recomputation: node `copy` of the result graph recomputes node
/// `original`; the users of `value` after the peak it was applied at read
/// the copy's output instead.
struct Recomputation {
  int original = -1;
  int copy = -1;
  int value = -1;
};

enum class RematStatus {
  /// The peak is within the budget.
  Feasible,
  /// No recomputation brings the peak within the budget.
  Infeasible,
};

struct RematResult {
  KernelGraph graph;
  SmallVector<int> order;
  /// Per node of `graph` (copies included): its cost.
  SmallVector<double> cost;
  SmallVector<Recomputation> recomputations;
  int64_t peakBytes = 0;
  int64_t initialPeakBytes = 0;
  int64_t budgetBytes = 0;
  /// A lower bound on the peak any recomputation plan reaches.
  int64_t lowerBound = 0;
  double addedCost = 0;
  RematStatus status = RematStatus::Feasible;
  double seconds = 0;
};

/// Greedy rematerialization of `graph` run in `order`. `cost[i]` is the
/// cost of recomputing node i (e.g. the cost model's seconds).
RematResult rematerializeGreedy(const KernelGraph &graph, ArrayRef<int> order,
                                ArrayRef<double> cost, int64_t budgetBytes,
                                const LivenessOptions &options = {});

} // namespace mlir::strata

#endif // STRATA_ANALYSIS_REMAT_H

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
// the value's first use after the peak. A value is tried alone (its
// producer's inputs kept live until the copy) and as a chain: inputs that
// die before the peak are recomputed too, back to values live anyway, so
// the copies free a whole segment (what checkpointing does on a chain;
// recomputing one value at a time would keep its input live across the
// peak instead). The path does not depend on the
// budget, which only says where to stop. When no recomputation helps, the
// lowest peak reached is reported as infeasible. Once within the budget, a
// cleanup undoes recomputations that the later ones made redundant (most
// expensive first, keeping the peak within the budget and never below the
// path's), so tighter budgets still never give higher peaks; an undo may
// also hand a copy's users to an earlier copy of the same node, merging
// two recomputations into one. Pilot rollouts (GreedyRematOptions): at each
// step the best few choices are each followed to the end (path and
// cleanup) and the one that ends cheapest is taken; the path's own choice
// is rolled out first and keeps ties, so the plan never costs more than
// the plain path's, and a rollout can meet a budget the path misses. The
// rollouts take a bounded amount of work (counted, not timed), then the
// plain path goes on. With rollouts the steps depend on the budget, so the
// monotone-peak property holds for one plain path (pilotWidth 0, no early
// copies) only.
// Restarts (GreedyRematOptions::restartWork): once within the budget, ban
// one producer the plan recomputes, plan again on the plain path, and keep
// a cheaper plan with its bans, round after round, within a counted work
// allowance. A copy runs right before its first late reader, or (early
// copies) right after the peak, where the peak's operands are still live.
// Greedy plans on a portfolio of up to four such paths (rollouts or not,
// early copies or not), each with its restarts, and keeps the best plan. A
// candidate's new peak is computed from the live ranges and a range-max tree
// over the live bytes in O(k log n) (k = the producer's inputs) and candidates
// are tried by an upper bound on their score, so an iteration costs O(n + V) to
// update the liveness plus a few such evaluations.
//
// cp, milp and highs are exact for a staged model of the same problem (see
// RematStaged.h): the order of first computations stays fixed, stage t ends
// with the first computation of the t-th node of the order, and a node may
// be recomputed within a later stage, before that stage's node. cp is the
// Moccasin formulation (retention intervals, O(n) integer variables, at
// most C recomputations per node) solved with Gecode; milp is the Checkmate
// formulation (O(n^2) binaries) solved with CBC, highs the same on HiGHS
// (strata/Solvers/MILP.h); cpsat is cp's model on OR-Tools CP-SAT in a
// helper process (strata/Solvers/CPSAT.h), which also proves bounds. All
// are single-threaded,
// time-boxed, start from the greedy plan and report objective, bound and
// gap. rematerialize() first solves the freeing cover
// (rematCostLowerBound), a lower bound on every plan's added cost: a greedy
// plan that meets it is optimal without a search, and a stopped search
// reports the better of the two bounds.
//
// Plain C++ over the kernel graph, testable without IR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_REMAT_H
#define STRATA_PLANNING_REMAT_H

#include "strata/Planning/KernelGraph.h"
#include "strata/Solvers/MILP.h"
#include "strata/Support/PassOptions.h"

#include <optional>
#include <string>

namespace mlir::strata {

/// One recomputation: node `copy` of the result graph recomputes node
/// `original`; the users of `value` after the peak it was applied at read
/// the copy's output instead (for a copy inside a chain: the later copies
/// of the chain read it).
struct Recomputation {
  int original = -1;
  int copy = -1;
  int value = -1;
};

/// A remat plan's status: optimal (within the budget, added cost proven
/// minimal), feasible (within the budget: greedy, or an exact solver
/// stopped before its proof), infeasible (no plan within the budget:
/// greedy found none, or an exact solver proved none exists in its model),
/// timeout (an exact solver found no plan in its time limit, or could not
/// run: the note says why).
using RematStatus = SolverStatus;

/// A remat plan and how it was found: the solver's report (status,
/// objective, bound, gap, search nodes, seconds, note; hasSolution() says
/// whether the plan is within its budget) and the plan.
struct RematResult : SolverReport {
  RematResult() { status = RematStatus::Feasible; }

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
  /// Exact solvers run by rematerialize(): the cost lower bound
  /// (rematCostLowerBound) and the seconds it took; 0 when not computed.
  double costBound = 0;
  double costBoundSeconds = 0;
  /// Exact solvers: the model's size.
  int64_t variables = 0;
  int64_t constraints = 0;
  /// Which solver produced the plan ("greedy", "cp (gecode)", ...).
  std::string solver = "greedy";
};

/// The most nodes one chained recomputation copies.
constexpr size_t kMaxChainCopies = 256;

/// Recomputes `value` (produced by a node, not a function result) for its
/// users that run after step `step` of `order`: a copy of its producer,
/// appended to the graph with the producer's cost, runs right before the
/// first of them, and they read the copy's output. The copy's other outputs
/// have no users. With `chain`, the producer's inputs that die before
/// `step` are recomputed too where they can be (counted activations that
/// are not results), recursively, so the copies form a chain back to
/// values live anyway; copies read earlier copies, and at most
/// kMaxChainCopies nodes are copied. With `early`, the copies run right
/// after `step` instead (the copy then lives as long as the value did,
/// but the inputs `step` reads are still live there). Returns one record
/// per copy (the value's own last), or nothing (and changes nothing) when
/// no user of `value` runs after `step` or the chain is too long.
SmallVector<Recomputation>
applyRecomputation(KernelGraph &graph, SmallVectorImpl<int> &order,
                   SmallVectorImpl<double> &cost, int value, int step,
                   bool chain = false, const LivenessOptions &options = {},
                   bool early = false);

struct GreedyRematOptions {
  /// Pilot rollouts: at each step of the path, the best `pilotWidth`
  /// choices are each followed to the end (path and cleanup) and the one
  /// that ends cheapest is taken (0: the plain path).
  int pilotWidth = 3;
  /// Work the rollouts may take, in graph sizes (nodes + values) summed
  /// over the path steps they run; then the plain path goes on. A count,
  /// not a clock, so plans do not depend on the machine.
  int64_t pilotWork = 20'000'000;
  /// Restarts: after the first plan, ban one producer it recomputes and
  /// plan again (the plain path), keeping a cheaper plan and its bans,
  /// until a round finds nothing cheaper or this much work (counted like
  /// `pilotWork`) is spent (0: no restarts).
  int64_t restartWork = 20'000'000;
  /// Also plan on paths whose copies may run right after the peak
  /// (applyRecomputation's `early`), and keep the best plan.
  bool earlyCopies = true;
  /// With rollouts (pilotWidth > 0), also plan on the plain path, and keep
  /// the best plan.
  bool plainPathToo = true;
  /// The other paths run only where the first path's recomputations times
  /// the graph's size (nodes + values) are at most this (a count, like the
  /// allowances above): on the largest graphs one more path costs more
  /// than all the rollouts and restarts.
  int64_t portfolioWork = 20'000'000;
};

/// Greedy rematerialization of `graph` run in `order`. `cost[i]` is the
/// cost of recomputing node i (e.g. the cost model's seconds).
RematResult rematerializeGreedy(const KernelGraph &graph, ArrayRef<int> order,
                                ArrayRef<double> cost, int64_t budgetBytes,
                                const LivenessOptions &options = {},
                                const GreedyRematOptions &greedy = {});

struct ExactRematOptions {
  /// Wall-clock limit of the search; the best plan so far is returned.
  double timeLimitSeconds = 60;
  /// Seeds the solver's random choices (tie breaks, heuristics).
  unsigned seed = 1;
  /// cp, cpsat: recomputations allowed per node (Moccasin's C - 1).
  int maxRecomputations = 2;
  /// milp: refuse models with more binaries than this (Checkmate's model
  /// grows as n^2).
  int64_t maxVariables = 100'000;
  /// Start the search from the greedy plan.
  bool warmStart = true;
  /// The greedy plan of this problem when the caller has it (not owned):
  /// the warm start then reuses it instead of planning again.
  const RematResult *warmStartPlan = nullptr;
  /// rematerialize(): compute the cost lower bound (rematCostLowerBound)
  /// first; a greedy plan that meets it is returned as optimal without a
  /// search, and a stopped search reports the better of the two bounds.
  bool costBound = true;
  /// The cost bound's chain depth (RematBoundOptions::chainDepth).
  int costBoundDepth = 8;
  /// solver=greedy: its pilot rollouts.
  GreedyRematOptions greedy;
};

/// Exact rematerialization with constraint programming (Gecode).
RematResult rematerializeCP(const KernelGraph &graph, ArrayRef<int> order,
                            ArrayRef<double> cost, int64_t budgetBytes,
                            const LivenessOptions &options = {},
                            const ExactRematOptions &exact = {});

/// Exact rematerialization with CP-SAT (cp's model; its bound holds for
/// plans with at most `maxRecomputations` recomputations per node).
RematResult rematerializeCPSAT(const KernelGraph &graph, ArrayRef<int> order,
                               ArrayRef<double> cost, int64_t budgetBytes,
                               const LivenessOptions &options = {},
                               const ExactRematOptions &exact = {});

/// Exact rematerialization with mixed-integer programming (Checkmate's
/// model) on CBC or HiGHS.
RematResult rematerializeMILP(const KernelGraph &graph, ArrayRef<int> order,
                              ArrayRef<double> cost, int64_t budgetBytes,
                              const LivenessOptions &options = {},
                              const ExactRematOptions &exact = {},
                              MILPSolver backend = MILPSolver::CBC);

/// A plan within this relative gap of a proven bound is optimal (the
/// MILP solvers' tolerance).
constexpr double kProvenGap = 1e-6;

/// Runs `solver`. Exact solvers run after the cost lower bound (see
/// ExactRematOptions::costBound), within the same time limit.
RematResult rematerialize(RematSolver solver, const KernelGraph &graph,
                          ArrayRef<int> order, ArrayRef<double> cost,
                          int64_t budgetBytes,
                          const LivenessOptions &options = {},
                          const ExactRematOptions &exact = {});

/// A lower bound on the peak of any recomputation plan of `order`: the
/// largest, over the steps, of what no plan can free while that step's
/// node runs: its counted inputs and outputs, the function results
/// produced before it (never recomputed, so live to the end) and the
/// counted arguments and constants still to be read (never recomputed).
/// With unbounded recomputation this is reached on chains up to the few
/// values a recomputed segment holds.
int64_t rematPeakLowerBound(const KernelGraph &graph, ArrayRef<int> order,
                            const LivenessOptions &options = {});

struct RematBoundOptions {
  /// Wall-clock limit of the cover's MILP; a stopped solve still bounds.
  double timeLimitSeconds = 10;
  unsigned seed = 1;
  MILPSolver backend = MILPSolver::CBC;
  /// How many producers deep a recomputation's inputs are followed: a
  /// recomputed producer's input that died before the step must be held
  /// across it or recomputed too (0: the plain cover).
  int chainDepth = 0;
  /// Refuse covers with more nonzeros than this.
  int64_t maxNonzeros = 4'000'000;
};

/// A lower bound on the added cost of any plan that brings `order` within
/// `budgetBytes` (the freeing cover, RematBound.cpp): every step over the
/// budget must recompute, after it, producers of enough of the values live
/// across it; the cheapest set of producers that does so for every step
/// costs no more than any plan. `bound` holds the bound; status optimal
/// when the cover was solved exactly, feasible when its solve stopped (the
/// bound still holds), infeasible when some step cannot get within the
/// budget however much is recomputed, error (bound 0) when the model is
/// too large or the solver fails (the note says why).
SolverReport rematCostLowerBound(const KernelGraph &graph, ArrayRef<int> order,
                                 ArrayRef<double> cost, int64_t budgetBytes,
                                 const LivenessOptions &options = {},
                                 const RematBoundOptions &bound = {});

/// Parses a budget: BYTES, or NN% of `peakBytes` (rounded down).
std::optional<int64_t> parseRematBudget(StringRef spec, int64_t peakBytes);

/// Why `result` (not within its budget) failed, for an error message:
/// "budget B B is infeasible<where> (note): the lowest peak reached is P B
/// (lower bound L B)", or "<solver> found no plan within budget B B<where>
/// ..." on a timeout. The lowest peak is greedy's (its path does not
/// depend on the budget), run here for exact solvers. `where` is appended
/// after the budget (" for 'main'", or empty).
std::string explainRematFailure(const RematResult &result, RematSolver solver,
                                StringRef where, const KernelGraph &graph,
                                ArrayRef<int> order, ArrayRef<double> cost,
                                const LivenessOptions &options = {});

} // namespace mlir::strata

#endif // STRATA_PLANNING_REMAT_H

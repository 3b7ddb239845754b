//===- MILP.h - Mixed-integer programs and the solvers behind them -*- C++
//-*-===//
//
// The one place Strata's planners meet a MILP solver. A planner assembles a
// MILPModel row by row, and solveMILP runs it on CBC (COIN-OR, linked; the
// Debian package) or HiGHS (loaded at run time from libhighs.so.1, which
// PyPI's ortools wheel ships; Debian 12 has no package) with the same
// options: a wall-clock limit, a seed, one thread, a relative gap, a
// (partial) start. Every solve reports through one SolverReport: status,
// objective, proven bound, gap, search nodes, seconds and a note.
//
// CBC keeps state in globals (its C interface drives CbcMain), so CBC
// solves are serialized by one process-wide lock here; HiGHS solves take
// their own lock, which keeps one-thread solves deterministic when the pass
// manager runs functions in parallel.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SOLVERS_MILP_H
#define STRATA_SOLVERS_MILP_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlir::strata {

enum class SolverStatus {
  /// A solution within the requested relative gap of the optimum (proven).
  Optimal,
  /// A solution, stopped by the time limit before the proof.
  Feasible,
  /// Proven to have no solution.
  Infeasible,
  /// Stopped by the time limit without a solution.
  Timeout,
  /// The solver could not run (not installed, a model it rejects, an
  /// internal error); the note says why.
  Error,
};

/// "optimal", "feasible", "infeasible", "timeout" or "error".
StringRef stringifySolverStatus(SolverStatus status);

/// What every exact solve reports.
struct SolverReport {
  SolverStatus status = SolverStatus::Error;
  /// The best solution's objective (without a solution: 0).
  double objective = 0;
  /// A proven lower bound on the objective (minimization); the objective
  /// when optimal. A timeout without a solution may still prove one (CBC:
  /// the LP relaxation's value); else 0.
  double bound = 0;
  /// (objective - bound) / |objective|, 0 when optimal or the objective
  /// is 0.
  double gap = 0;
  /// Branch-and-bound nodes explored.
  int64_t nodes = 0;
  double seconds = 0;
  std::string note;

  bool hasSolution() const {
    return status == SolverStatus::Optimal || status == SolverStatus::Feasible;
  }
};

/// A minimization MILP assembled row by row: columns with bounds,
/// objective coefficients and integrality; rows lower <= sum <= upper.
struct MILPModel {
  std::vector<double> lower, upper, objective;
  std::vector<char> integer;
  struct Row {
    std::vector<std::pair<int, double>> terms;
    double lower, upper;
  };
  std::vector<Row> rows;

  /// Adds a column and returns its index.
  int column(double lb, double ub, double obj, bool isInteger) {
    lower.push_back(lb);
    upper.push_back(ub);
    objective.push_back(obj);
    integer.push_back(isInteger);
    return lower.size() - 1;
  }
  void row(std::vector<std::pair<int, double>> terms, double lb, double ub) {
    rows.push_back({std::move(terms), lb, ub});
  }
  int64_t numColumns() const { return lower.size(); }
  int64_t numRows() const { return rows.size(); }
  int64_t numIntegers() const;

  /// The constraint matrix column by column (CSC): start (numColumns + 1
  /// entries), row index and value per nonzero.
  void getColumnwise(std::vector<int> &start, std::vector<int> &index,
                     std::vector<double> &value) const;
};

enum class MILPSolver { CBC, HiGHS };

/// "cbc" or "highs".
StringRef stringifyMILPSolver(MILPSolver solver);

struct MILPOptions {
  /// Wall-clock limit; the best solution so far is returned.
  double timeLimitSeconds = 60;
  unsigned seed = 1;
  /// Stop once (objective - bound) / |objective| is at most this.
  double relativeGap = 1e-6;
  /// A start: values for some columns (the solver completes the rest, or
  /// ignores a start it cannot complete).
  std::vector<std::pair<int, double>> start;
  /// CBC: solve the LP relaxation with Clp first and skip CBC when it
  /// takes more than half the limit (see solveMILP). Off for models whose
  /// relaxation is known to be quick next to the limit, where the second
  /// LP solve would only eat into the search.
  bool guardRootLP = true;
};

struct MILPResult {
  SolverReport report;
  /// One value per column when report.hasSolution().
  std::vector<double> solution;
};

/// Solves `model` with `solver`. Never throws; a solver that cannot run
/// gives SolverStatus::Error with the reason in the note. CBC keeps to the
/// time limit: its root LP ignores the limit, so the LP relaxation is
/// solved first with Clp (which stops at the limit) and CBC runs only when
/// that took at most half of it; else a timeout with the relaxation's
/// bound.
MILPResult solveMILP(MILPSolver solver, const MILPModel &model,
                     const MILPOptions &options);

/// Whether HiGHS can be loaded: $STRATA_HIGHS_LIBRARY (a path) when set;
/// else lib/strata/libhighs.so.1 beside Strata's binaries (staged by the
/// build from PyPI's ortools wheel, which scripts/setup.sh installs, and
/// installed with the tools), then libhighs.so.1 on the loader's path.
/// Otherwise `whyNot` says what is missing and how to install it.
bool isHighsAvailable(std::string *whyNot = nullptr);

/// "HiGHS 1.12.0 (PATH)" when available.
std::optional<std::string> describeHighs();

} // namespace mlir::strata

#endif // STRATA_SOLVERS_MILP_H

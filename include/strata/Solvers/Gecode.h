//===- Gecode.h - Branch and bound with Gecode ------------------*- C++ -*-===//
//
// How Strata runs Gecode (MIT; Debian libgecode-dev; solver=cp): a
// minimization space searched by branch and bound, single-threaded, under a
// wall-clock limit, with the stop object owned here and the search's
// outcome as a SolverReport like every other solver's. Gecode reports
// errors by exceptions: including code is compiled with -fexceptions, and
// an exception becomes status `error` with Gecode's message.
//
// Header-only because the search is a template over the model's space.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SOLVERS_GECODE_H
#define STRATA_SOLVERS_GECODE_H

#include "strata/Solvers/MILP.h"

#include <gecode/search.hh>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

namespace mlir::strata {

/// The best solution of a Gecode search and how the search ended:
/// optimal (the search completed with a solution), feasible (stopped by
/// the limit with one), infeasible (completed without one), timeout
/// (stopped without one) or error (an exception). Objective and bound are
/// left to the caller, who knows the model's units; Gecode proves a bound
/// only by completing.
template <class Space>
struct GecodeResult {
  std::unique_ptr<Space> best;
  SolverReport report;
};

/// Branch and bound from `root` (its branchings posted) for at most
/// `timeLimitSeconds`, one thread. Deterministic up to where the limit
/// stops it (Strata's branchings make no random choices).
template <class Space>
GecodeResult<Space> solveGecodeMinimize(std::unique_ptr<Space> root,
                                        double timeLimitSeconds) {
  auto start = std::chrono::steady_clock::now();
  GecodeResult<Space> result;
  SolverReport &report = result.report;
  try {
    Gecode::Search::Options options;
    options.threads = 1;
    auto stop = std::make_unique<Gecode::Search::TimeStop>(
        (unsigned long)(std::max(0.0, timeLimitSeconds) * 1000));
    options.stop = stop.get();
    bool stopped = false;
    if (root->status() != Gecode::SS_FAILED) {
      Gecode::BAB<Space> engine(root.get(), options);
      while (Space *solution = engine.next())
        result.best.reset(solution);
      stopped = engine.stopped();
      report.nodes = engine.statistics().node;
    }
    if (result.best)
      report.status = stopped ? SolverStatus::Feasible : SolverStatus::Optimal;
    else
      report.status =
          stopped ? SolverStatus::Timeout : SolverStatus::Infeasible;
  } catch (const Gecode::Exception &e) {
    result.best.reset();
    report.status = SolverStatus::Error;
    report.note = std::string("gecode: ") + e.what();
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

} // namespace mlir::strata

#endif // STRATA_SOLVERS_GECODE_H

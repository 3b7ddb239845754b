//===- MILP.cpp - MILP models, status names and the CBC backend
//------------===//

#include "strata/Solvers/MILP.h"
#include "SolversImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>

using namespace mlir;
using namespace mlir::strata;

StringRef mlir::strata::stringifySolverStatus(SolverStatus status) {
  switch (status) {
  case SolverStatus::Optimal:
    return "optimal";
  case SolverStatus::Feasible:
    return "feasible";
  case SolverStatus::Infeasible:
    return "infeasible";
  case SolverStatus::Timeout:
    return "timeout";
  case SolverStatus::Error:
    return "error";
  }
  return "error";
}

StringRef mlir::strata::stringifyMILPSolver(MILPSolver solver) {
  return solver == MILPSolver::CBC ? "cbc" : "highs";
}

int64_t MILPModel::numIntegers() const { return llvm::count(integer, 1); }

void MILPModel::getColumnwise(std::vector<int> &start, std::vector<int> &index,
                              std::vector<double> &value) const {
  std::vector<int> count(lower.size() + 1, 0);
  for (const Row &row : rows)
    for (auto [col, coef] : row.terms)
      ++count[col + 1];
  start.assign(lower.size() + 1, 0);
  for (size_t c = 0; c < lower.size(); ++c)
    start[c + 1] = start[c] + count[c + 1];
  index.assign(start.back(), 0);
  value.assign(start.back(), 0);
  std::vector<int> next(start.begin(), start.end() - 1);
  for (auto [r, row] : llvm::enumerate(rows))
    for (auto [col, coef] : row.terms) {
      index[next[col]] = r;
      value[next[col]++] = coef;
    }
}

void detail::finishReport(SolverReport &report) {
  if (!report.hasSolution()) {
    report.objective = report.bound = report.gap = 0;
    return;
  }
  if (report.status == SolverStatus::Optimal)
    report.bound = report.objective;
  report.bound = std::min(report.bound, report.objective);
  double scale = std::abs(report.objective);
  report.gap = scale > 0 ? (report.objective - report.bound) / scale : 0;
}

namespace {

std::string formatSeconds(double seconds) {
  return llvm::formatv("{0:f1} s", seconds).str();
}

/// CBC's solve (through the C interface, CbcMain) keeps state in globals:
/// two solves at once corrupt each other.
std::mutex &getCbcMutex() {
  static std::mutex mutex;
  return mutex;
}

MILPResult solveWithCBC(const MILPModel &m, const MILPOptions &options) {
  auto start = std::chrono::steady_clock::now();
  MILPResult result;
  std::vector<int> colStart, index;
  std::vector<double> value;
  m.getColumnwise(colStart, index, value);
  std::vector<CoinBigIndex> cbcStart(colStart.begin(), colStart.end());
  std::vector<double> rowLower, rowUpper;
  for (const MILPModel::Row &row : m.rows) {
    rowLower.push_back(row.lower);
    rowUpper.push_back(row.upper);
  }

  std::lock_guard<std::mutex> lock(getCbcMutex());
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  double limit = std::max(0.1, options.timeLimitSeconds);

  // CBC solves the root LP relaxation without looking at its time limit
  // (coin-or/Cbc#514, #231): on a large model it runs minutes past it. So
  // the relaxation is solved first with Clp, which stops at a limit. CBC
  // then solves it again, so CBC runs only when the relaxation took at
  // most half the limit; else the relaxation's value is the bound and no
  // plan comes back (the caller keeps its own).
  double lpBound = -std::numeric_limits<double>::infinity();
  if (options.guardRootLP && m.numIntegers() > 0) {
    Clp_Simplex *lp = Clp_newModel();
    Clp_setLogLevel(lp, 0);
    Clp_loadProblem(lp, m.numColumns(), m.numRows(), cbcStart.data(),
                    index.data(), value.data(), m.lower.data(), m.upper.data(),
                    m.objective.data(), rowLower.data(), rowUpper.data());
    Clp_setMaximumSeconds(lp, limit);
    Clp_initialSolve(lp);
    int status = Clp_status(lp);
    double lpSeconds = elapsed();
    if (status == 0)
      lpBound = Clp_objectiveValue(lp);
    Clp_deleteModel(lp);
    if (status == 1) {
      // The relaxation is infeasible, so is the model.
      result.report.status = SolverStatus::Infeasible;
      result.report.seconds = elapsed();
      return result;
    }
    // 3: stopped at the limit. Unbounded (2) or failed (4) relaxations are
    // left to CBC, which reports them in its own terms.
    if (status == 3 || (status == 0 && 2 * lpSeconds > limit)) {
      SolverReport &report = result.report;
      report.status = SolverStatus::Timeout;
      report.note =
          status == 0
              ? "the LP relaxation took " + formatSeconds(lpSeconds) +
                    " of the " + formatSeconds(limit) +
                    " limit; CBC, which solves it again without a limit, "
                    "did not run (bound from the relaxation)"
              : "the LP relaxation did not finish within the " +
                    formatSeconds(limit) + " limit";
      detail::finishReport(report);
      if (status == 0)
        report.bound = lpBound;
      report.seconds = elapsed();
      return result;
    }
  }

  Cbc_Model *model = Cbc_newModel();
  Cbc_loadProblem(model, m.numColumns(), m.numRows(), cbcStart.data(),
                  index.data(), value.data(), m.lower.data(), m.upper.data(),
                  m.objective.data(), rowLower.data(), rowUpper.data());
  for (int c = 0, e = m.numColumns(); c < e; ++c)
    if (m.integer[c])
      Cbc_setInteger(model, c);
  Cbc_setLogLevel(model, 0);
  Cbc_setParameter(model, "threads", "1");
  // CBC keeps the parameter strings until it solves: they must outlive it.
  const std::string seedText = std::to_string(options.seed);
  Cbc_setParameter(model, "randomCbcSeed", seedText.c_str());
  Cbc_setParameter(model, "randomSeed", seedText.c_str());
  Cbc_setMaximumSeconds(model, std::max(0.1, limit - elapsed()));
  Cbc_setAllowableFractionGap(model, options.relativeGap);
  // CBC 2.10's preprocessing (CglPreProcess) can crash in postProcess when
  // the time limit interrupts it (seen on a 100-node remat model at 1 s);
  // without it the limit is safe.
  Cbc_setParameter(model, "preprocess", "off");
  if (!options.start.empty()) {
    std::vector<int> columns;
    std::vector<double> values;
    for (auto [col, v] : options.start) {
      columns.push_back(col);
      values.push_back(v);
    }
    Cbc_setMIPStartI(model, columns.size(), columns.data(), values.data());
  }
  Cbc_solve(model);
  SolverReport &report = result.report;
  const double *solution = Cbc_bestSolution(model);
  report.nodes = Cbc_getNodeCount(model);
  // A solve stopped by the time limit proves nothing, whatever CBC's
  // infeasibility flag says.
  if (Cbc_isProvenInfeasible(model) && !Cbc_isSecondsLimitReached(model)) {
    report.status = SolverStatus::Infeasible;
  } else if (solution) {
    report.status = Cbc_isProvenOptimal(model) ? SolverStatus::Optimal
                                               : SolverStatus::Feasible;
    report.objective = Cbc_getObjValue(model);
    report.bound = Cbc_getBestPossibleObjValue(model);
    result.solution.assign(solution, solution + m.numColumns());
  } else {
    report.status = SolverStatus::Timeout;
    report.note = "no solution within the time limit";
  }
  Cbc_deleteModel(model);
  detail::finishReport(report);
  if (report.status == SolverStatus::Timeout && std::isfinite(lpBound))
    report.bound = lpBound;
  report.seconds = elapsed();
  return result;
}

} // namespace

MILPResult mlir::strata::solveMILP(MILPSolver solver, const MILPModel &model,
                                   const MILPOptions &options) {
  if (solver == MILPSolver::HiGHS)
    return detail::solveWithHiGHS(model, options);
  return solveWithCBC(model, options);
}

//===- MILPTest.cpp - The MILP solvers behind one interface ---------------===//

#include "strata/Solvers/MILP.h"
#include "llvm/ADT/SmallVector.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {

/// The backends this machine has: CBC always, HiGHS where installed.
SmallVector<MILPSolver> availableSolvers() {
  SmallVector<MILPSolver> solvers = {MILPSolver::CBC};
  if (isHighsAvailable())
    solvers.push_back(MILPSolver::HiGHS);
  return solvers;
}

/// 0/1 knapsack as a minimization: maximize 10a + 13b + 7c + 8d with
/// weights 5, 7, 4, 3 within 12. The best is a + c + d (25 at weight 12;
/// a + b gives 23, b + d 21, b + c 20).
MILPModel knapsack() {
  MILPModel m;
  double value[] = {10, 13, 7, 8}, weight[] = {5, 7, 4, 3};
  std::vector<std::pair<int, double>> terms;
  for (int i = 0; i < 4; ++i)
    terms.push_back({m.column(0, 1, -value[i], true), weight[i]});
  m.row(terms, -1e30, 12);
  return m;
}

TEST(MILP, EveryBackendSolvesAKnapsack) {
  for (MILPSolver solver : availableSolvers()) {
    MILPResult r = solveMILP(solver, knapsack(), {});
    ASSERT_EQ(r.report.status, SolverStatus::Optimal)
        << stringifyMILPSolver(solver).str() << ": " << r.report.note;
    EXPECT_NEAR(r.report.objective, -25, 1e-9);
    EXPECT_NEAR(r.report.bound, -25, 1e-9);
    EXPECT_EQ(r.report.gap, 0.0);
    ASSERT_EQ(r.solution.size(), 4u);
    EXPECT_NEAR(r.solution[0], 1, 1e-6);
    EXPECT_NEAR(r.solution[1], 0, 1e-6);
    EXPECT_NEAR(r.solution[2], 1, 1e-6);
    EXPECT_NEAR(r.solution[3], 1, 1e-6);
  }
}

TEST(MILP, EveryBackendProvesInfeasibility) {
  for (MILPSolver solver : availableSolvers()) {
    MILPModel m;
    int x = m.column(0, 1, 1, true);
    int y = m.column(0, 1, 1, true);
    // x + y >= 1.5 and x + y <= 1.2 with 0/1 values.
    m.row({{x, 1}, {y, 1}}, 1.5, 1e30);
    m.row({{x, 1}, {y, 1}}, -1e30, 1.2);
    MILPResult r = solveMILP(solver, m, {});
    EXPECT_EQ(r.report.status, SolverStatus::Infeasible)
        << stringifyMILPSolver(solver).str() << ": " << r.report.note;
    EXPECT_FALSE(r.report.hasSolution());
    EXPECT_TRUE(r.solution.empty());
  }
}

TEST(MILP, EveryBackendProvesIntegerInfeasibility) {
  // 2x + 2y = 1: the relaxation is feasible (x = 0.5), no integer point is.
  for (MILPSolver solver : availableSolvers()) {
    MILPModel m;
    int x = m.column(0, 3, 1, true);
    int y = m.column(0, 3, 1, true);
    m.row({{x, 2}, {y, 2}}, 1, 1);
    MILPResult r = solveMILP(solver, m, {});
    EXPECT_EQ(r.report.status, SolverStatus::Infeasible)
        << stringifyMILPSolver(solver).str() << ": " << r.report.note;
    EXPECT_TRUE(r.solution.empty());
  }
}

TEST(MILP, AStartIsAccepted) {
  // A start (the optimum here) does not change the answer.
  for (MILPSolver solver : availableSolvers()) {
    MILPOptions options;
    options.start = {{0, 1}, {1, 0}, {2, 1}, {3, 1}};
    MILPResult r = solveMILP(solver, knapsack(), options);
    ASSERT_EQ(r.report.status, SolverStatus::Optimal);
    EXPECT_NEAR(r.report.objective, -25, 1e-9);
  }
}

TEST(MILP, ColumnwiseMatrix) {
  MILPModel m;
  int a = m.column(0, 1, 0, false);
  int b = m.column(0, 1, 0, false);
  int c = m.column(0, 1, 0, false);
  m.row({{a, 1}, {c, 2}}, 0, 1);
  m.row({{c, 3}}, 0, 1);
  std::vector<int> start, index;
  std::vector<double> value;
  m.getColumnwise(start, index, value);
  EXPECT_EQ(start, (std::vector<int>{0, 1, 1, 3}));
  EXPECT_EQ(index, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(value, (std::vector<double>{1, 2, 3}));
  (void)b;
  EXPECT_EQ(m.numIntegers(), 0);
}

TEST(MILP, HighsIsDescribedOrExplained) {
  std::string whyNot;
  if (isHighsAvailable(&whyNot)) {
    std::optional<std::string> text = describeHighs();
    ASSERT_TRUE(text.has_value());
    EXPECT_EQ(text->rfind("HiGHS 1.", 0), 0u) << *text;
  } else {
    EXPECT_NE(whyNot.find("ortools"), std::string::npos) << whyNot;
    MILPResult r = solveMILP(MILPSolver::HiGHS, knapsack(), {});
    EXPECT_EQ(r.report.status, SolverStatus::Error);
    EXPECT_EQ(r.report.note, whyNot);
  }
}

} // namespace

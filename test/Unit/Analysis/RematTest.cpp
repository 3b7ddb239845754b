//===- RematTest.cpp - Greedy rematerialization
//----------------------------===//

#include "strata/Analysis/Remat.h"
#include "strata/Analysis/Schedule.h"

#include "GraphBuilder.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

using namespace mlir;
using namespace mlir::strata;

namespace {

using Builder = test::GraphBuilder;

/// a (100 B) is read right away and again at the very end; in between a
/// chain of 100 B values runs. Peak 300 B at d, with a live across it.
Builder longLivedValue() {
  Builder b;
  int a = b.node(100, {});
  int x = b.node(1, {a});
  int c = b.node(100, {x});
  int d = b.node(100, {c});
  int z = b.node(1, {a, d});
  b.output(z);
  return b;
}

TEST(Remat, RecomputesALongLivedValue) {
  Builder b = longLivedValue();
  SmallVector<double> cost = {2.0, 1.0, 1.0, 1.0, 1.0};
  RematResult r = rematerializeGreedy(b.graph, b.programOrder(), cost, 250);
  EXPECT_EQ(r.initialPeakBytes, 300);
  EXPECT_EQ(r.status, RematStatus::Feasible);
  EXPECT_EQ(r.peakBytes, 201);
  ASSERT_EQ(r.recomputations.size(), 1u);
  EXPECT_EQ(r.recomputations[0].original, 0);
  EXPECT_DOUBLE_EQ(r.addedCost, 2.0);
  EXPECT_TRUE(isValidOrder(r.graph, r.order));
  EXPECT_EQ(computeMemoryProfile(r.graph, r.order).peakBytes, 201);
  // The copy runs right before the late user.
  EXPECT_EQ(r.order[r.order.size() - 2], r.recomputations[0].copy);
}

TEST(Remat, InfeasibleBudgetReportsTheLowestPeakAndABound) {
  Builder b = longLivedValue();
  SmallVector<double> cost(5, 1.0);
  RematResult r = rematerializeGreedy(b.graph, b.programOrder(), cost, 150);
  EXPECT_EQ(r.status, RematStatus::Infeasible);
  EXPECT_EQ(r.peakBytes, 201);
  // z needs a, d and itself at once: no plan goes below 201 B.
  EXPECT_EQ(r.lowerBound, 201);
}

TEST(Remat, BudgetAboveThePeakChangesNothing) {
  Builder b = longLivedValue();
  SmallVector<double> cost(5, 1.0);
  RematResult r = rematerializeGreedy(b.graph, b.programOrder(), cost, 300);
  EXPECT_EQ(r.status, RematStatus::Feasible);
  EXPECT_TRUE(r.recomputations.empty());
  EXPECT_EQ(r.peakBytes, 300);
}

TEST(Remat, TighterBudgetsNeverGiveHigherPeaks) {
  for (unsigned seed = 0; seed < 30; ++seed) {
    std::mt19937 rng(seed);
    Builder b;
    b.node(1 + rng() % 100, {});
    for (int i = 1; i < 30; ++i) {
      int first = rng() % i, second = rng() % i;
      if (first != second)
        b.node(1 + rng() % 100, {first, second});
      else
        b.node(1 + rng() % 100, {first});
    }
    b.output(29);
    SmallVector<double> cost(30);
    for (double &c : cost)
      c = 1 + rng() % 10;
    int64_t peak = computeMemoryProfile(b.graph).peakBytes;
    int64_t previous = INT64_MAX;
    for (int percent : {100, 90, 80, 70, 60, 50}) {
      int64_t budget = peak * percent / 100;
      RematResult r =
          rematerializeGreedy(b.graph, b.programOrder(), cost, budget);
      ASSERT_TRUE(isValidOrder(r.graph, r.order)) << "seed " << seed;
      EXPECT_EQ(computeMemoryProfile(r.graph, r.order).peakBytes, r.peakBytes);
      EXPECT_LE(r.peakBytes, previous) << "seed " << seed << " " << percent;
      EXPECT_GE(r.peakBytes, r.lowerBound) << "seed " << seed;
      if (r.status == RematStatus::Feasible)
        EXPECT_LE(r.peakBytes, budget) << "seed " << seed;
      previous = r.peakBytes;
    }
  }
}

} // namespace

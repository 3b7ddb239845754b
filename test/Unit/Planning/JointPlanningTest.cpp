//===- JointPlanningTest.cpp - Order, recomputation and tiers together ----===//

#include "strata/Planning/JointPlanning.h"
#include "strata/Planning/Schedule.h"

#include "GraphBuilder.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::test;

namespace {

/// x (a 64 B argument) -> A -> u (512 B), read by B and, late, by E;
/// B -> m1 -> C -> m2 -> D -> m3, each 512 B; E(u, m3) -> a 64 B result.
/// With 1088 B of fast tier, C and D each hold 1024 B of their own, so u
/// cannot stay on chip from B to E: without recomputation it costs 1024 B
/// (evict and prefetch, or write and read back) whatever the order (A
/// must precede B, B precede C and D). Running A again right before E
/// costs A's compute only: x (64 B) fits beside every step's 1024 B.
struct RecomputeCase {
  KernelGraph graph;
  SmallVector<double> compute;
  int a = 0;

  RecomputeCase(double computeA) {
    GraphBuilder b;
    a = b.node(512, {});
    int bNode = b.node(512, {a});
    int c = b.node(512, {bNode});
    int d = b.node(512, {c});
    int e = b.node(64, {a, d});
    b.output(e);
    // A reads the argument x.
    int x = b.graph.values.size();
    b.graph.values.push_back({64, ValueKind::Argument, -1, {a}, false});
    b.graph.nodes[a].inputs.push_back(x);
    graph = b.graph;
    compute.assign(graph.nodes.size(), 1e-9);
    compute[a] = computeA;
  }
};

JointOptions testOptions() {
  JointOptions options;
  options.solver = MILPSolver::CBC;
  options.timeLimitSeconds = 30;
  options.mapping.alignment = 64;
  return options;
}

TEST(JointPlanning, SequentialPaysForTheLateRead) {
  RecomputeCase c(1e-8);
  JointPlan plan = planSequential(c.graph, c.compute, twoTiers(1088),
                                  testOptions(), /*exact=*/false);
  EXPECT_EQ(plan.nonCompulsoryBytes, 1024);
  EXPECT_TRUE(plan.recomputations.empty());
  EXPECT_TRUE(isValidOrder(plan.graph, plan.order));
}

TEST(JointPlanning, ExactRecomputesInsteadOfSpilling) {
  RecomputeCase c(1e-8);
  JointOptions options = testOptions();
  options.maxRecomputations = 1;
  JointPlan plan = planJointExact(c.graph, c.compute, twoTiers(1088), options);
  ASSERT_EQ(plan.recomputations.size(), 1u);
  EXPECT_EQ(plan.recomputations.front().original, c.a);
  EXPECT_EQ(plan.nonCompulsoryBytes, 0);
  // 1e-8 s at the backing tier's 1e9 B/s.
  EXPECT_NEAR(plan.cost, 10, 1e-6);
  EXPECT_EQ(plan.status, SolverStatus::Optimal);
  EXPECT_NEAR(plan.bound, 10, 1e-3);
  EXPECT_TRUE(verifyMappedProgram(plan.program).empty());
}

TEST(JointPlanning, ExactSpillsWhenRecomputingCostsMore) {
  // 2 us of compute is worth 2000 B: the spill (1024 B) is cheaper.
  RecomputeCase c(2e-6);
  JointOptions options = testOptions();
  options.maxRecomputations = 1;
  JointPlan plan = planJointExact(c.graph, c.compute, twoTiers(1088), options);
  EXPECT_TRUE(plan.recomputations.empty());
  EXPECT_EQ(plan.cost, 1024);
  EXPECT_EQ(plan.status, SolverStatus::Optimal);
}

TEST(JointPlanning, HeuristicFindsTheRecomputation) {
  RecomputeCase c(1e-8);
  JointPlan plan =
      planJointHeuristic(c.graph, c.compute, twoTiers(1088), testOptions());
  EXPECT_EQ(plan.recomputations.size(), 1u);
  EXPECT_NEAR(plan.cost, 10, 1e-6);
  EXPECT_GT(plan.moves, 0);
  EXPECT_TRUE(verifyMappedProgram(plan.program).empty());
}

TEST(JointPlanning, NoRecomputationWithoutExtraRuns) {
  RecomputeCase c(1e-8);
  JointOptions options = testOptions();
  options.maxRecomputations = 0;
  options.heuristicWork = 0;
  JointPlan plan = planJointExact(c.graph, c.compute, twoTiers(1088), options);
  EXPECT_TRUE(plan.recomputations.empty());
  EXPECT_EQ(plan.cost, 1024);
  EXPECT_EQ(plan.status, SolverStatus::Optimal);
}

TEST(JointPlanning, MemoryTimeBoundProvesUnavoidableTraffic) {
  // The middle value (4096 B) never fits a 1024 B fast tier: it is written
  // off chip and read back whatever the plan (8192 B), which the
  // memory-time bound proves without a solve.
  GraphBuilder b;
  int n0 = b.node(64, {});
  int n1 = b.node(4096, {n0});
  int n2 = b.node(64, {n1});
  b.output(n2);
  SmallVector<double> compute(3, 1e-7);
  JointPlan plan =
      planJointExact(b.graph, compute, twoTiers(1024), testOptions());
  EXPECT_EQ(plan.cost, 8192);
  EXPECT_EQ(plan.status, SolverStatus::Optimal);
  EXPECT_EQ(plan.bound, 8192);
  EXPECT_EQ(plan.variables, 0);
}

TEST(JointPlanning, HeuristicIsDeterministic) {
  RecomputeCase c(1e-8);
  JointPlan a =
      planJointHeuristic(c.graph, c.compute, twoTiers(1088), testOptions());
  JointPlan b =
      planJointHeuristic(c.graph, c.compute, twoTiers(1088), testOptions());
  EXPECT_EQ(a.order, b.order);
  EXPECT_EQ(a.cost, b.cost);
  EXPECT_EQ(a.evaluations, b.evaluations);
}

/// Every topological order of a small graph.
void forEachOrder(const KernelGraph &graph, SmallVectorImpl<int> &order,
                  SmallVectorImpl<char> &done,
                  llvm::function_ref<void(ArrayRef<int>)> fn) {
  if (order.size() == graph.nodes.size()) {
    fn(order);
    return;
  }
  for (int v = 0, n = graph.nodes.size(); v < n; ++v) {
    if (done[v])
      continue;
    bool ready = llvm::all_of(graph.nodes[v].inputs, [&](int in) {
      int p = graph.values[in].producer;
      return p < 0 || done[p];
    });
    if (!ready)
      continue;
    done[v] = 1;
    order.push_back(v);
    forEachOrder(graph, order, done, fn);
    order.pop_back();
    done[v] = 0;
  }
}

/// Random DAGs of 6 kernels: the exact planner without recomputation
/// matches the best of every topological order mapped by the exact tier
/// mapper, and its bound never exceeds it; the heuristic is never worse
/// than the sequential plan.
TEST(JointPlanning, ExactMatchesEnumeratedOrders) {
  std::mt19937 rng(7);
  int matched = 0;
  for (int round = 0; round < 12; ++round) {
    GraphBuilder b;
    std::uniform_int_distribution<int> size(1, 8);
    for (int i = 0; i < 6; ++i) {
      SmallVector<int> inputs;
      for (int j = std::max(0, i - 3); j < i; ++j)
        if (rng() % 2 || (inputs.empty() && j == i - 1))
          inputs.push_back(j);
      b.node(128 * size(rng), inputs);
    }
    b.output(5);
    for (int i = 0; i < 5; ++i)
      if (b.graph.values[b.graph.nodes[i].outputs.front()].users.empty())
        b.output(i);
    SmallVector<double> compute(6, 1e-7);
    SmallVector<MemoryTier> tiers = twoTiers(1536);
    JointOptions options = testOptions();
    options.maxRecomputations = 0;

    double best = 1e30;
    SmallVector<int> order;
    SmallVector<char> done(6, 0);
    forEachOrder(b.graph, order, done, [&](ArrayRef<int> o) {
      TierILPOptions ilp;
      ilp.timeLimitSeconds = 10;
      TierILPResult r =
          mapTiersILP(b.graph, o, compute, tiers, options.mapping, ilp);
      best = std::min<double>(
          best, simulateMappedProgram(r.program).nonCompulsoryBytes);
    });
    JointPlan exact = planJointExact(b.graph, compute, tiers, options);
    JointPlan heuristic = planJointHeuristic(b.graph, compute, tiers, options);
    JointPlan sequential =
        planSequential(b.graph, compute, tiers, options, /*exact=*/false);
    EXPECT_EQ(exact.status, SolverStatus::Optimal) << "round " << round;
    EXPECT_LE(exact.bound, best + 1e-6) << "round " << round;
    EXPECT_GE(exact.cost, best - 1e-6) << "round " << round;
    EXPECT_LE(exact.cost, heuristic.cost) << "round " << round;
    EXPECT_LE(heuristic.cost, sequential.cost) << "round " << round;
    EXPECT_TRUE(verifyMappedProgram(exact.program).empty());
    matched += exact.cost == best;
  }
  // Every round's plan is the enumerated optimum.
  EXPECT_EQ(matched, 12);
}

TEST(JointPlanning, OneTierHasNothingToPlan) {
  // Everything is in the backing tier whatever the plan: the sequential
  // plan is optimal and nothing is recomputed.
  RecomputeCase c(1e-8);
  SmallVector<MemoryTier> one = {twoTiers(1088).back()};
  JointPlan plan = planJointExact(c.graph, c.compute, one, testOptions());
  JointPlan sequential =
      planSequential(c.graph, c.compute, one, testOptions(), false);
  EXPECT_EQ(plan.cost, sequential.cost);
  EXPECT_TRUE(plan.recomputations.empty());
  EXPECT_EQ(plan.status, SolverStatus::Optimal);
  EXPECT_EQ(plan.bound, plan.cost);
}

} // namespace

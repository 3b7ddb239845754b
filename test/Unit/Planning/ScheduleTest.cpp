//===- ScheduleTest.cpp - Greedy and exact memory-aware schedules ---------===//

#include "strata/Planning/Schedule.h"

#include "GraphBuilder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

using namespace mlir;
using namespace mlir::strata;

namespace {

using Builder = test::GraphBuilder;

/// The minimal peak over all topological orders, by enumeration.
int64_t bruteForcePeak(const KernelGraph &graph,
                       const LivenessOptions &options = {}) {
  SmallVector<int> order(graph.nodes.size());
  std::iota(order.begin(), order.end(), 0);
  int64_t best = INT64_MAX;
  do {
    if (isValidOrder(graph, order))
      best =
          std::min(best, computeMemoryProfile(graph, order, options).peakBytes);
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

/// A seeded random DAG: node i reads 1-2 earlier nodes.
KernelGraph randomGraph(unsigned seed, int n) {
  std::mt19937 rng(seed);
  Builder b;
  for (int i = 0; i < n; ++i) {
    int64_t bytes = 1 + rng() % 100;
    if (i == 0) {
      b.node(bytes, {});
      continue;
    }
    int first = rng() % i;
    if (i > 1 && rng() % 2) {
      int second = rng() % i;
      if (second != first) {
        b.node(bytes, {first, second});
        continue;
      }
    }
    b.node(bytes, {first});
  }
  b.output(n - 1);
  return b.graph;
}

TEST(Schedule, GreedyInterleavesIndependentChains) {
  // Two chains, each a big value consumed by a small one. Program order
  // makes both big values live at once; finishing one chain first does not.
  Builder b;
  int a1 = b.node(100, {});
  int b1 = b.node(100, {});
  int a2 = b.node(1, {a1});
  int b2 = b.node(1, {b1});
  b.output(a2);
  b.output(b2);
  ScheduleResult program = scheduleProgramOrder(b.graph);
  ScheduleResult greedy = scheduleGreedy(b.graph);
  EXPECT_EQ(program.peakBytes, 201); // a1 + b1 + a2 while a2 runs
  EXPECT_EQ(greedy.peakBytes, 102);
  EXPECT_TRUE(isValidOrder(b.graph, greedy.order));
  ScheduleResult exact = scheduleExact(b.graph);
  EXPECT_EQ(exact.status, ScheduleStatus::Optimal);
  EXPECT_EQ(exact.peakBytes, 102);
  EXPECT_EQ(bruteForcePeak(b.graph), 102);
}

TEST(Schedule, ExactMatchesEnumeration) {
  for (unsigned seed = 0; seed < 150; ++seed) {
    KernelGraph graph = randomGraph(seed, 7);
    int64_t optimum = bruteForcePeak(graph);
    ScheduleResult exact = scheduleExact(graph);
    ScheduleResult greedy = scheduleGreedy(graph);
    ASSERT_TRUE(isValidOrder(graph, exact.order)) << "seed " << seed;
    ASSERT_TRUE(isValidOrder(graph, greedy.order)) << "seed " << seed;
    EXPECT_EQ(exact.status, ScheduleStatus::Optimal) << "seed " << seed;
    EXPECT_EQ(exact.peakBytes, optimum) << "seed " << seed;
    EXPECT_EQ(exact.lowerBound, optimum) << "seed " << seed;
    EXPECT_GE(greedy.peakBytes, optimum) << "seed " << seed;
    EXPECT_LE(greedy.peakBytes, scheduleProgramOrder(graph).peakBytes)
        << "seed " << seed;
    EXPECT_LE(peakLowerBound(graph), optimum) << "seed " << seed;
  }
}

/// Random DAGs of `n` nodes where node i reads 1-3 of the previous `width`.
KernelGraph layeredGraph(unsigned seed, int n, int width) {
  std::mt19937 rng(seed);
  Builder b;
  b.node(1 + rng() % 100, {});
  for (int i = 1; i < n; ++i) {
    int lo = std::max(0, i - width);
    int first = lo + rng() % (i - lo), second = lo + rng() % (i - lo);
    if (first != second)
      b.node(1 + rng() % 100, {first, second});
    else
      b.node(1 + rng() % 100, {first});
  }
  b.output(n - 1);
  return b.graph;
}

TEST(Schedule, LowerBoundCountsValuesLiveAcrossANode) {
  // x (100 B) is read by z, which runs after w, which runs after y: x is
  // live while y and w run, whatever the order. No node reads or writes
  // more than 111 B itself; while w runs, x, y and w are live (120 B).
  Builder b;
  int x = b.node(100, {});
  int y = b.node(10, {x});
  int w = b.node(10, {y});
  b.output(b.node(1, {w, x}));
  EXPECT_EQ(peakLowerBound(b.graph), 120);
  ScheduleResult exact = scheduleExact(b.graph);
  EXPECT_EQ(exact.peakBytes, 120);
  EXPECT_EQ(exact.method, "program"); // the bound proves it, no search
}

TEST(Schedule, ExactMatchesEnumerationOnLayeredGraphs) {
  // Eight-node layered graphs, several results, counted arguments read by
  // the first layer: the exact search (with its dominance rule and its
  // rising targets) finds the enumerated optimum and a valid bound.
  LivenessOptions countArgs;
  countArgs.countArguments = true;
  for (unsigned seed = 0; seed < 40; ++seed) {
    KernelGraph graph = layeredGraph(seed, 8, 3);
    std::mt19937 rng(seed);
    for (int i = 0; i < 2; ++i) {
      int value = graph.values.size();
      int reader = rng() % 3;
      graph.values.push_back(
          {int64_t(1 + rng() % 50), ValueKind::Argument, -1, {reader}, false});
      graph.nodes[reader].inputs.push_back(value);
    }
    for (KGValue &value : graph.values)
      value.isOutput |= value.users.empty() && value.producer >= 0 && rng() % 2;
    for (const LivenessOptions &options : {LivenessOptions(), countArgs}) {
      int64_t optimum = bruteForcePeak(graph, options);
      ScheduleResult exact = scheduleExact(graph, options);
      ASSERT_TRUE(isValidOrder(graph, exact.order)) << "seed " << seed;
      EXPECT_EQ(exact.status, ScheduleStatus::Optimal) << "seed " << seed;
      EXPECT_EQ(exact.peakBytes, optimum) << "seed " << seed;
      EXPECT_LE(peakLowerBound(graph, options), optimum) << "seed " << seed;
    }
  }
}

TEST(Schedule, LowerBoundCountsTheResultsAtTheEnd) {
  // Three results of 100 B from three sources: whatever the order, all are
  // live when the last one runs (300 B), though no node needs more than
  // 100 B itself.
  Builder b;
  for (int i = 0; i < 3; ++i)
    b.output(b.node(100, {}));
  EXPECT_EQ(peakLowerBound(b.graph), 300);
  // With a chain whose end is also a result, some result node runs last
  // holding only results (300 + 1 B); the chain's 10 B value can die first.
  int x = b.node(10, {});
  b.output(b.node(1, {x}));
  EXPECT_EQ(peakLowerBound(b.graph), 301);
  EXPECT_EQ(scheduleExact(b.graph).peakBytes, 301);
  // When the only node that can run last reads a non-result, that value is
  // live at the end too.
  Builder c;
  int r = c.node(100, {});
  c.output(r);
  int y = c.node(40, {});
  c.node(1, {y, r});
  EXPECT_EQ(peakLowerBound(c.graph), 141);
  EXPECT_EQ(scheduleExact(c.graph).peakBytes, 141);
  // Valid on random graphs whose sinks are all results.
  for (unsigned seed = 0; seed < 100; ++seed) {
    KernelGraph graph = randomGraph(seed, 7);
    for (KGValue &value : graph.values)
      value.isOutput |= value.users.empty();
    EXPECT_LE(peakLowerBound(graph), bruteForcePeak(graph)) << "seed " << seed;
  }
}

TEST(Schedule, ExactAndBeamBeatTheLinearHeuristics) {
  // The linear-time heuristics (list, depth-first, program order; beam
  // search off) are not optimal on every 24-node graph; the exact search
  // finds and proves the optimum, and the beam search is never worse than
  // the heuristics alone.
  GreedyScheduleOptions noBeam;
  noBeam.beamWidth = 0;
  int heuristicsWorse = 0;
  for (unsigned seed = 0; seed < 40; ++seed) {
    KernelGraph graph = layeredGraph(seed, 24, 6);
    ScheduleResult heuristics = scheduleGreedy(graph, {}, noBeam);
    ScheduleResult greedy = scheduleGreedy(graph);
    ScheduleResult exact = scheduleExact(graph);
    ASSERT_EQ(exact.status, ScheduleStatus::Optimal) << "seed " << seed;
    ASSERT_TRUE(isValidOrder(graph, exact.order)) << "seed " << seed;
    ASSERT_TRUE(isValidOrder(graph, greedy.order)) << "seed " << seed;
    EXPECT_LE(exact.peakBytes, greedy.peakBytes) << "seed " << seed;
    EXPECT_LE(greedy.peakBytes, heuristics.peakBytes) << "seed " << seed;
    heuristicsWorse += exact.peakBytes < heuristics.peakBytes;
  }
  EXPECT_GT(heuristicsWorse, 0);
}

TEST(Schedule, ExactReportsALowerBoundWhenItStopsEarly) {
  KernelGraph graph = randomGraph(7, 40);
  ExactScheduleOptions limits;
  limits.maxStates = 10;
  ScheduleResult result = scheduleExact(graph, {}, limits);
  EXPECT_TRUE(isValidOrder(graph, result.order));
  EXPECT_LE(result.lowerBound, result.peakBytes);
  EXPECT_GE(result.lowerBound, peakLowerBound(graph));
  if (result.status != ScheduleStatus::Optimal) {
    EXPECT_EQ(result.peakBytes, scheduleGreedy(graph).peakBytes);
  }
}

/// `graph` with node i renumbered perm[i] (values keep their numbers).
KernelGraph renumbered(const KernelGraph &graph, ArrayRef<int> perm) {
  KernelGraph result = graph;
  for (auto [i, node] : llvm::enumerate(graph.nodes))
    result.nodes[perm[i]] = node;
  for (KGValue &value : result.values) {
    if (value.producer >= 0)
      value.producer = perm[value.producer];
    for (int &user : value.users)
      user = perm[user];
    llvm::sort(value.users);
  }
  return result;
}

TEST(Schedule, TopologicalOrderKeepsATopologicalNumbering) {
  KernelGraph graph = randomGraph(3, 12);
  std::optional<SmallVector<int>> order = topologicalOrder(graph);
  ASSERT_TRUE(order);
  SmallVector<int> identity(graph.nodes.size());
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(*order, identity);
}

TEST(Schedule, TopologicalOrderOfAShuffledNumbering) {
  for (unsigned seed = 0; seed < 20; ++seed) {
    KernelGraph graph = randomGraph(seed, 15);
    SmallVector<int> perm(graph.nodes.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), std::mt19937(seed));
    KernelGraph shuffled = renumbered(graph, perm);
    std::optional<SmallVector<int>> order = topologicalOrder(shuffled);
    ASSERT_TRUE(order);
    EXPECT_TRUE(isValidOrder(shuffled, *order));
    // Deterministic: the same order again.
    EXPECT_EQ(*topologicalOrder(shuffled), *order);
  }
}

TEST(Schedule, TopologicalOrderPrefersTheLowestReadyNode) {
  // 0 reads 1, 1 reads 2; 3 is alone: 2 and 3 are ready, 2 is lower.
  Builder b;
  b.node(1, {});  // becomes 2
  b.node(1, {0}); // becomes 1
  b.node(1, {1}); // becomes 0
  b.node(1, {});  // stays 3
  KernelGraph graph = renumbered(b.graph, {2, 1, 0, 3});
  std::optional<SmallVector<int>> order = topologicalOrder(graph);
  ASSERT_TRUE(order);
  EXPECT_EQ(*order, (SmallVector<int>{2, 1, 0, 3}));
}

TEST(Schedule, TopologicalOrderFindsACycle) {
  // 0 -> 1 -> 2 -> 1, and 3 reads 2: 1 and 2 are on the cycle.
  Builder b;
  b.node(1, {});
  b.node(1, {0});
  b.node(1, {1});
  b.node(1, {2});
  KernelGraph graph = b.graph;
  int two = graph.nodes[2].outputs.front();
  graph.nodes[1].inputs.push_back(two);
  graph.values[two].users.push_back(1);
  int cycleNode = -1;
  EXPECT_FALSE(topologicalOrder(graph, &cycleNode));
  EXPECT_TRUE(cycleNode == 1 || cycleNode == 2) << cycleNode;
}

TEST(Schedule, EmptyGraph) {
  KernelGraph graph;
  EXPECT_EQ(scheduleGreedy(graph).peakBytes, 0);
  EXPECT_EQ(scheduleExact(graph).status, ScheduleStatus::Optimal);
}

} // namespace

namespace {
/// The example of Topcuoglu, Hariri and Wu (IEEE TPDS 2002, Fig. 2): ten
/// tasks on three processors; HEFT's schedule is 80 long.
TEST(Heft, ReproducesThePublishedExample) {
  mlir::strata::HeftProblem problem;
  problem.cost = {{14, 16, 9},  {13, 19, 18}, {11, 13, 19}, {13, 8, 17},
                  {12, 13, 10}, {13, 16, 9},  {7, 15, 11},  {5, 11, 14},
                  {18, 12, 20}, {21, 7, 16}};
  problem.edges = {{0, 1, 18}, {0, 2, 12}, {0, 3, 9},  {0, 4, 11}, {0, 5, 14},
                   {1, 7, 19}, {1, 8, 16}, {2, 6, 23}, {3, 7, 27}, {3, 8, 23},
                   {4, 8, 13}, {5, 7, 15}, {6, 9, 17}, {7, 9, 11}, {8, 9, 13}};
  mlir::strata::HeftResult r = mlir::strata::scheduleHEFT(problem);
  EXPECT_DOUBLE_EQ(r.makespan, 80);
  EXPECT_NEAR(r.upwardRank[0], 108, 1e-9);
  EXPECT_NEAR(r.upwardRank[9], 14.0 + 2.0 / 3, 1e-9);
  // Task 1 runs first, on the processor where it is fastest.
  EXPECT_EQ(r.processor[0], 2);
  EXPECT_EQ(r.order.front(), 0);
  EXPECT_EQ(r.order.back(), 9);
  // Dependencies hold, with transfers between processors.
  for (auto [from, to, comm] : problem.edges)
    EXPECT_GE(r.start[to],
              r.finish[from] +
                  (r.processor[from] == r.processor[to] ? 0 : comm));
}

TEST(Heft, OneProcessorRunsEverythingBackToBack) {
  mlir::strata::HeftProblem problem;
  problem.cost = {{2}, {3}, {4}};
  problem.edges = {{0, 1, 100}, {0, 2, 100}};
  mlir::strata::HeftResult r = mlir::strata::scheduleHEFT(problem);
  EXPECT_DOUBLE_EQ(r.makespan, 9);
  EXPECT_EQ(r.order.front(), 0);
}
} // namespace

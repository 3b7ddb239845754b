//===- RematTest.cpp - Greedy rematerialization
//----------------------------===//

#include "strata/Planning/Remat.h"
#include "strata/Planning/Schedule.h"
#include "strata/Solvers/CPSAT.h"

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

/// Greedy without pilot rollouts and restarts: the path alone, whose
/// steps do not depend on the budget.
GreedyRematOptions plainPath() {
  GreedyRematOptions options;
  options.pilotWidth = 0;
  options.restartWork = 0;
  options.earlyCopies = false;
  return options;
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
      RematResult r = rematerializeGreedy(b.graph, b.programOrder(), cost,
                                          budget, {}, plainPath());
      ASSERT_TRUE(isValidOrder(r.graph, r.order)) << "seed " << seed;
      EXPECT_EQ(computeMemoryProfile(r.graph, r.order).peakBytes, r.peakBytes);
      EXPECT_LE(r.peakBytes, previous) << "seed " << seed << " " << percent;
      EXPECT_GE(r.peakBytes, r.lowerBound) << "seed " << seed;
      if (r.status == RematStatus::Feasible) {
        EXPECT_LE(r.peakBytes, budget) << "seed " << seed;
      }
      previous = r.peakBytes;
    }
  }
}

/// The greedy search as specified, by brute force: every candidate is
/// applied to a copy of the graph and the profile recounted. The library
/// computes the same choices incrementally. With `early`, copies may also
/// run right after the peak. `peak`: the final plan's peak.
SmallVector<Recomputation> referenceGreedy(KernelGraph graph,
                                           SmallVector<int> order,
                                           SmallVector<double> cost,
                                           const LivenessOptions &options,
                                           bool early, int64_t &peak) {
  SmallVector<Recomputation> plan;
  auto badness = [](const MemoryProfile &p) {
    return std::make_pair(p.peakBytes, llvm::count(p.liveBytes, p.peakBytes));
  };
  for (size_t iteration = 0, cap = 4 * graph.nodes.size() + 16; iteration < cap;
       ++iteration) {
    MemoryProfile profile = computeMemoryProfile(graph, order, options);
    auto [oldPeak, oldCount] = badness(profile);
    int peakNode = order[profile.peakStep];
    double bestScore = 0;
    int best = -1;
    bool bestChain = false, bestEarly = false;
    for (int value : profile.liveAtPeak) {
      const KGValue &v = graph.values[value];
      if (v.isOutput || v.producer < 0 || v.kind != ValueKind::Activation ||
          v.producer == peakNode || llvm::is_contained(v.users, peakNode))
        continue;
      // The value alone, then as a chain, each before its first late user,
      // then right after the peak; ties keep the lowest value and the first
      // of the four.
      for (int choice = 0; choice < 4; ++choice) {
        bool chain = choice >= 2, atPeak = choice % 2;
        if (atPeak && !early)
          continue;
        KernelGraph g = graph;
        SmallVector<int> o = order;
        SmallVector<double> c = cost;
        SmallVector<Recomputation> applied = applyRecomputation(
            g, o, c, value, profile.peakStep, chain, options, atPeak);
        if (applied.empty() || (chain && applied.size() == 1))
          continue;
        // Early copies that run where the late ones do are the same choice:
        // the value's first late user runs right after the peak.
        if (atPeak && llvm::is_contained(graph.values[value].users,
                                         order[profile.peakStep + 1]))
          continue;
        auto [newPeak, newCount] = badness(computeMemoryProfile(g, o, options));
        double gain =
            double(oldPeak - newPeak) * (profile.liveBytes.size() + 1) +
            double(newPeak == oldPeak ? oldCount - newCount : 0);
        if (gain <= 0)
          continue;
        double added = 0;
        for (const Recomputation &r : applied)
          added += c[r.copy];
        double score = gain / std::max(added, 1e-12);
        if (best < 0 || score > bestScore) {
          bestScore = score;
          best = value;
          bestChain = chain;
          bestEarly = atPeak;
        }
      }
    }
    if (best < 0)
      break;
    plan.append(applyRecomputation(graph, order, cost, best, profile.peakStep,
                                   bestChain, options, bestEarly));
  }
  peak = computeMemoryProfile(graph, order, options).peakBytes;
  return plan;
}

/// A random DAG of n nodes; some nodes have a second output that only
/// some consumers read, some read a function argument.
KernelGraph randomMultiOutputGraph(std::mt19937 &rng, int n) {
  KernelGraph g;
  g.values.push_back(
      {int64_t(1 + rng() % 50), ValueKind::Argument, -1, {}, false});
  for (int i = 0; i < n; ++i) {
    KGNode node;
    SmallVector<int> inputs;
    if (i == 0 || rng() % 5 == 0)
      inputs.push_back(0);
    for (int k = 0, e = i ? 1 + rng() % 3 : 0; k < e; ++k) {
      const KGNode &from = g.nodes[rng() % i];
      inputs.push_back(from.outputs[rng() % from.outputs.size()]);
    }
    llvm::sort(inputs);
    inputs.erase(std::unique(inputs.begin(), inputs.end()), inputs.end());
    for (int in : inputs)
      g.values[in].users.push_back(i);
    node.inputs = inputs;
    for (int k = 0, e = rng() % 4 == 0 ? 2 : 1; k < e; ++k) {
      node.outputs.push_back(g.values.size());
      g.values.push_back(
          {int64_t(1 + rng() % 100), ValueKind::Activation, i, {}, false});
    }
    g.nodes.push_back(node);
  }
  g.values.back().isOutput = true;
  return g;
}

TEST(Remat, IncrementalGreedyMakesTheBruteForceChoices) {
  int recomputed = 0, chained = 0, tookEarlyPath = 0;
  for (unsigned seed = 0; seed < 40; ++seed) {
    std::mt19937 rng(seed);
    KernelGraph g = randomMultiOutputGraph(rng, 20 + seed % 4 * 10);
    SmallVector<int> order(g.nodes.size());
    std::iota(order.begin(), order.end(), 0);
    SmallVector<double> cost(g.nodes.size());
    for (double &c : cost)
      c = 1 + rng() % 10;
    LivenessOptions options;
    options.countArguments = seed % 2;
    // Budget 0: the search runs until no recomputation helps. Without
    // early copies, one path; with them, the lower peak of two paths (the
    // first on a tie).
    int64_t latePeak = 0, earlyPeak = 0;
    SmallVector<Recomputation> late =
        referenceGreedy(g, order, cost, options, /*early=*/false, latePeak);
    SmallVector<Recomputation> early =
        referenceGreedy(g, order, cost, options, /*early=*/true, earlyPeak);
    for (bool earlyCopies : {false, true}) {
      GreedyRematOptions greedy;
      greedy.earlyCopies = earlyCopies;
      RematResult r = rematerializeGreedy(g, order, cost, 0, options, greedy);
      bool tookEarly = earlyCopies && earlyPeak < latePeak;
      const SmallVector<Recomputation> &expected = tookEarly ? early : late;
      ASSERT_EQ(r.recomputations.size(), expected.size()) << "seed " << seed;
      for (auto [got, want] : llvm::zip(r.recomputations, expected)) {
        EXPECT_EQ(got.value, want.value) << "seed " << seed;
        EXPECT_EQ(got.copy, want.copy) << "seed " << seed;
      }
      EXPECT_EQ(r.peakBytes, tookEarly ? earlyPeak : latePeak);
      EXPECT_EQ(computeMemoryProfile(r.graph, r.order, options).peakBytes,
                r.peakBytes);
      tookEarlyPath += tookEarly;
      for (const Recomputation &rec : r.recomputations)
        for (int input : r.graph.nodes[rec.copy].inputs)
          chained += r.graph.values[input].producer >= (int)g.nodes.size();
    }
    recomputed += late.size() + early.size();
  }
  // The graphs exercise the search, not just its first step, chains, and
  // both paths.
  EXPECT_GT(recomputed, 160);
  EXPECT_GT(chained, 200);
  EXPECT_GT(tookEarlyPath, 0);
}

/// Three sources live across a 200 B peak and read again at the end.
/// Recomputing a (100 B, cost 1.8) alone meets a 320 B budget; the greedy
/// path first takes b (60 B, cost 1: the best bytes per cost), still
/// misses, then adds a (2.8 in all); the cleanup then finds b redundant.
Builder greedyTrap() {
  Builder b;
  int a = b.node(100, {});
  int bb = b.node(60, {});
  int c = b.node(50, {});
  int first = b.node(1, {a, bb, c});
  int peak = b.node(200, {first});
  int z = b.node(1, {peak});
  int late = b.node(1, {a, bb, c, z});
  b.output(late);
  return b;
}

/// From a seeded search over random DAGs (the benchmark's generator, 12
/// nodes, sinks are outputs): at a 368 B budget (80% of 460 B) greedy
/// recomputes 3, 1 and 2 (added cost 7) where 0 and 1 (cost 6) suffice.
Builder greedySuboptimal(SmallVectorImpl<double> &cost) {
  Builder b;
  const std::pair<int64_t, SmallVector<int>> nodes[] = {
      {100, {}},     {40, {0}}, {30, {0, 1}}, {80, {0, 1, 2}},
      {100, {0, 2}}, {20, {3}}, {90, {1, 4}}, {40, {0, 3, 6}},
      {10, {2}},     {10, {1}}, {90, {6}},    {100, {7}}};
  for (const auto &[bytes, inputs] : nodes)
    b.node(bytes, ArrayRef<int>(inputs));
  for (int sink : {5, 8, 9, 10, 11})
    b.output(sink);
  cost.assign({4, 2, 3, 2, 5, 4, 1, 2, 4, 5, 2, 2});
  return b;
}

TEST(Remat, CleanupUndoesARedundantRecomputation) {
  Builder b = greedyTrap();
  SmallVector<double> cost = {1.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  RematResult r = rematerializeGreedy(b.graph, b.programOrder(), cost, 320);
  EXPECT_EQ(r.status, RematStatus::Feasible);
  EXPECT_DOUBLE_EQ(r.addedCost, 1.8);
  ASSERT_EQ(r.recomputations.size(), 1u);
  EXPECT_EQ(r.recomputations[0].original, 0);
  // The undone copy is gone from the graph: one copy node is left.
  EXPECT_EQ(r.graph.nodes.size(), b.graph.nodes.size() + 1);
  EXPECT_EQ(r.recomputations[0].copy, (int)b.graph.nodes.size());
  EXPECT_TRUE(isValidOrder(r.graph, r.order));
  EXPECT_EQ(computeMemoryProfile(r.graph, r.order).peakBytes, r.peakBytes);
  EXPECT_LE(r.peakBytes, 320);
  // With no budget to spare the cleanup keeps both.
  RematResult tight =
      rematerializeGreedy(b.graph, b.programOrder(), cost, r.peakBytes - 1);
  EXPECT_GE(tight.recomputations.size(), 2u);
  EXPECT_LE(tight.peakBytes, r.peakBytes - 1);
}

void expectValidPlan(const Builder &b, const RematResult &r, int64_t budget) {
  EXPECT_TRUE(isValidOrder(r.graph, r.order));
  EXPECT_EQ(computeMemoryProfile(r.graph, r.order).peakBytes, r.peakBytes);
  EXPECT_LE(r.peakBytes, budget);
  double added = 0;
  for (const Recomputation &rec : r.recomputations)
    added += r.cost[rec.copy];
  EXPECT_DOUBLE_EQ(added, r.addedCost);
}

/// x0 -> x1 -> x2 (100 B each), x2 read again at the very end across a
/// 300 B peak. Recomputing x2 alone keeps x1 live across the peak (no
/// gain); recomputing the chain x0, x1, x2 at the end frees all three.
Builder segmentAcrossAPeak() {
  Builder b;
  int x0 = b.node(100, {});
  int x1 = b.node(100, {x0});
  int x2 = b.node(100, {x1});
  int q = b.node(1, {x2});
  int big = b.node(300, {q});
  int y = b.node(1, {big});
  int late = b.node(1, {x2, y});
  b.output(late);
  return b;
}

TEST(Remat, ChainRecomputesASegment) {
  Builder b = segmentAcrossAPeak();
  SmallVector<double> cost = {1, 2, 3, 1, 1, 1, 1};
  ASSERT_EQ(computeMemoryProfile(b.graph).peakBytes, 401);
  RematResult r = rematerializeGreedy(b.graph, b.programOrder(), cost, 350);
  EXPECT_EQ(r.status, RematStatus::Feasible);
  // The peak node and its input; the copies hold at most two 100 B values
  // and the 1 B y.
  EXPECT_EQ(r.peakBytes, 301);
  EXPECT_EQ(r.lowerBound, 301);
  ASSERT_EQ(r.recomputations.size(), 3u);
  EXPECT_DOUBLE_EQ(r.addedCost, 6.0);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(r.recomputations[i].original, i);
  EXPECT_TRUE(isValidOrder(r.graph, r.order));
  EXPECT_EQ(computeMemoryProfile(r.graph, r.order).peakBytes, 301);
  // The copies run in a row before the late user, each reading the one
  // before it; the late user reads the last.
  ArrayRef<int> tail = ArrayRef<int>(r.order).take_back(4);
  EXPECT_EQ(tail[0], r.recomputations[0].copy);
  EXPECT_EQ(tail[1], r.recomputations[1].copy);
  EXPECT_EQ(tail[2], r.recomputations[2].copy);
  const KernelGraph &g = r.graph;
  EXPECT_TRUE(g.nodes[tail[0]].inputs.empty());
  EXPECT_EQ(g.nodes[tail[1]].inputs,
            SmallVector<int>{g.nodes[tail[0]].outputs[0]});
  EXPECT_EQ(g.nodes[tail[2]].inputs,
            SmallVector<int>{g.nodes[tail[1]].outputs[0]});
  EXPECT_TRUE(
      llvm::is_contained(g.nodes[tail[3]].inputs, g.nodes[tail[2]].outputs[0]));
  // The originals keep only their early users.
  EXPECT_EQ(g.values[2].users, SmallVector<int>{3});
}

TEST(Remat, PlainRecomputationOfTheSegmentDoesNotHelp) {
  // What the chain avoids: x2 alone keeps x1 live across the peak.
  Builder b = segmentAcrossAPeak();
  SmallVector<int> order = b.programOrder();
  SmallVector<double> cost(7, 1.0);
  KernelGraph g = b.graph;
  SmallVector<Recomputation> plain =
      applyRecomputation(g, order, cost, /*value=*/2, /*step=*/4);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_EQ(computeMemoryProfile(g, order).peakBytes, 401);
  // A chain is refused beyond its length limit, and changes nothing.
  Builder longChain;
  int prev = longChain.node(10, {});
  int head = prev;
  for (size_t i = 0; i < kMaxChainCopies; ++i)
    prev = longChain.node(10, {prev});
  int big = longChain.node(1000, {longChain.node(1, {prev})});
  longChain.output(longChain.node(1, {prev, big}));
  (void)head;
  KernelGraph lg = longChain.graph;
  SmallVector<int> lorder = longChain.programOrder();
  SmallVector<double> lcost(lg.nodes.size(), 1.0);
  size_t nodes = lg.nodes.size();
  EXPECT_TRUE(applyRecomputation(lg, lorder, lcost, prev,
                                 /*step=*/lorder.size() - 2, /*chain=*/true)
                  .empty());
  EXPECT_EQ(lg.nodes.size(), nodes);
}

/// A forward chain of n 100 B values and its mirrored backward pass: the
/// gradient of node i reads the input of forward node i and the gradient
/// of node i + 1.
Builder trainingChain(int n) {
  Builder b;
  SmallVector<int> x = {b.node(100, {})};
  for (int i = 1; i < n; ++i)
    x.push_back(b.node(100, {x.back()}));
  int grad = b.node(100, {x.back()});
  for (int i = n - 1; i >= 1; --i)
    grad = b.node(100, {x[i - 1], grad});
  b.output(grad);
  return b;
}

TEST(Remat, TrainingChainGoesDownToItsBound) {
  for (int n : {10, 30, 60}) {
    Builder b = trainingChain(n);
    SmallVector<double> cost(b.graph.nodes.size(), 1.0);
    int64_t peak = computeMemoryProfile(b.graph).peakBytes;
    // Budget 0: as low as the search goes.
    RematResult r = rematerializeGreedy(b.graph, b.programOrder(), cost, 0);
    EXPECT_EQ(computeMemoryProfile(r.graph, r.order).peakBytes, r.peakBytes);
    // A backward step needs a forward input and two gradients, and no plan
    // can do with less; the greedy chains get within one value of that.
    EXPECT_EQ(r.lowerBound, 300) << n;
    EXPECT_LE(r.peakBytes, r.lowerBound + 100) << n;
    EXPECT_LE(r.peakBytes * 100, peak * 30) << n;
  }
}

TEST(Remat, LowerBoundCountsResultsAndArguments) {
  Builder b;
  int a = b.node(100, {});
  int c = b.node(10, {});
  int d = b.node(20, {c});
  b.output(a);
  b.output(d);
  // Working set of d (30 B) plus the result a, produced before it.
  EXPECT_EQ(rematPeakLowerBound(b.graph, b.programOrder()), 130);
  // An argument read by d counts while it is still to be read.
  KernelGraph g = b.graph;
  int arg = g.values.size();
  g.values.push_back({7, ValueKind::Argument, -1, {2}, false});
  g.nodes[2].inputs.push_back(arg);
  EXPECT_EQ(rematPeakLowerBound(g, b.programOrder()), 130);
  LivenessOptions options;
  options.countArguments = true;
  EXPECT_EQ(rematPeakLowerBound(g, b.programOrder(), options), 137);
}

/// The exact solvers: cp, milp on CBC, and milp on HiGHS and cp's model on
/// CP-SAT where installed.
SmallVector<RematSolver> exactSolvers() {
  SmallVector<RematSolver> solvers = {RematSolver::CP, RematSolver::MILP};
  if (isHighsAvailable())
    solvers.push_back(RematSolver::HiGHS);
  if (isCPSATAvailable())
    solvers.push_back(RematSolver::CPSAT);
  return solvers;
}

/// A random forward DAG (node i reads each of the `window` before it with
/// probability 1/2) and its mirrored backward pass (the backward node of i
/// reads i's inputs and the previous gradient), as the memory benchmark's
/// training-like graphs, with random sizes and costs.
Builder randomTrainingGraph(std::mt19937 &rng, int n,
                            SmallVectorImpl<double> &cost, int window) {
  Builder b;
  SmallVector<SmallVector<int>> inputs(n);
  for (int i = 0; i < n; ++i) {
    for (int j = std::max(0, i - window); j < i; ++j)
      if (rng() % 2)
        inputs[i].push_back(j);
    b.node(1 + rng() % 100, inputs[i]);
  }
  int grad = n - 1;
  for (int i = n - 1; i >= 0; --i) {
    SmallVector<int> reads(inputs[i]);
    reads.push_back(grad);
    grad = b.node(1 + rng() % 100, reads);
  }
  b.output(grad);
  cost.resize(b.graph.nodes.size());
  for (double &c : cost)
    c = 1 + rng() % 10;
  return b;
}

/// Calls `check` on 40 random training-like graphs of 12 forward nodes
/// at budgets of 90% down to 50% of their peak.
void sweepTrainingGraphs(
    llvm::function_ref<void(const Builder &, ArrayRef<double>, int64_t budget,
                            const std::string &where)>
        check) {
  for (unsigned seed = 0; seed < 40; ++seed) {
    std::mt19937 rng(seed);
    SmallVector<double> cost;
    Builder b = randomTrainingGraph(rng, 12, cost, /*window=*/4);
    int64_t peak = computeMemoryProfile(b.graph).peakBytes;
    for (int percent : {90, 80, 70, 60, 50})
      check(b, cost, peak * percent / 100,
            "seed " + std::to_string(seed) + " at " + std::to_string(percent) +
                "%");
  }
}

TEST(Remat, PilotNeverCostsMoreThanThePath) {
  // Random forward DAGs with a mirrored backward pass: at every budget the
  // pilot's plan is valid, within the budget wherever the plain path's is,
  // and never costlier (the path's own choice is always rolled out first);
  // on some graphs it is cheaper, on some it meets budgets the path misses.
  int cheaper = 0, reached = 0;
  sweepTrainingGraphs([&](const Builder &b, ArrayRef<double> cost,
                          int64_t budget, const std::string &where) {
    RematResult path = rematerializeGreedy(b.graph, b.programOrder(), cost,
                                           budget, {}, plainPath());
    RematResult pilot =
        rematerializeGreedy(b.graph, b.programOrder(), cost, budget);
    if (pilot.status == RematStatus::Feasible)
      expectValidPlan(b, pilot, budget);
    if (path.status != RematStatus::Feasible) {
      // Where the path gets stuck, a rollout may still get through.
      reached += pilot.status == RematStatus::Feasible;
      return;
    }
    ASSERT_EQ(pilot.status, RematStatus::Feasible) << where;
    EXPECT_LE(pilot.addedCost, path.addedCost + 1e-9) << where;
    cheaper += pilot.addedCost < path.addedCost - 1e-9;
  });
  EXPECT_GT(cheaper, 0);
  EXPECT_GT(reached, 0);
}

TEST(Remat, RestartsNeverCostMore) {
  // Restarts (plan again with one recomputed producer banned, keep a
  // cheaper plan): never costlier than the first plan, always valid, and
  // cheaper on some random training-like graphs.
  int cheaper = 0;
  sweepTrainingGraphs([&](const Builder &b, ArrayRef<double> cost,
                          int64_t budget, const std::string &where) {
    GreedyRematOptions once;
    once.restartWork = 0;
    RematResult first =
        rematerializeGreedy(b.graph, b.programOrder(), cost, budget, {}, once);
    RematResult restarted =
        rematerializeGreedy(b.graph, b.programOrder(), cost, budget);
    ASSERT_EQ(restarted.status, first.status) << where;
    if (!first.hasSolution())
      return;
    expectValidPlan(b, restarted, budget);
    EXPECT_LE(restarted.addedCost, first.addedCost + 1e-9) << where;
    cheaper += restarted.addedCost < first.addedCost - 1e-9;
  });
  EXPECT_GT(cheaper, 0);
}

TEST(Remat, PortfolioKeepsTheBestPath) {
  // Greedy plans on several paths (rollouts or not, early copies or not)
  // and keeps the best: never costlier than any subset of the paths,
  // within the budget whenever one of them is, always valid, and cheaper
  // than the single path with rollouts on some random training-like
  // graphs.
  int cheaper = 0;
  sweepTrainingGraphs([&](const Builder &b, ArrayRef<double> cost,
                          int64_t budget, const std::string &where) {
    RematResult all =
        rematerializeGreedy(b.graph, b.programOrder(), cost, budget);
    for (int subset = 0; subset < 3; ++subset) {
      GreedyRematOptions some;
      some.earlyCopies = subset == 1;
      some.plainPathToo = subset == 2;
      RematResult part = rematerializeGreedy(b.graph, b.programOrder(), cost,
                                             budget, {}, some);
      if (!part.hasSolution()) {
        EXPECT_LE(all.peakBytes, part.peakBytes) << where;
        continue;
      }
      ASSERT_TRUE(all.hasSolution()) << where;
      EXPECT_LE(all.addedCost, part.addedCost + 1e-9) << where;
      if (subset == 0)
        cheaper += all.addedCost < part.addedCost - 1e-9;
    }
    if (all.hasSolution())
      expectValidPlan(b, all, budget);
    // Without a portfolio allowance only the first path runs.
    GreedyRematOptions firstOnly, gated;
    firstOnly.earlyCopies = firstOnly.plainPathToo = false;
    gated.portfolioWork = 0;
    RematResult one = rematerializeGreedy(b.graph, b.programOrder(), cost,
                                          budget, {}, firstOnly);
    RematResult none =
        rematerializeGreedy(b.graph, b.programOrder(), cost, budget, {}, gated);
    if (one.recomputations.empty())
      return;
    EXPECT_EQ(none.addedCost, one.addedCost) << where;
    EXPECT_EQ(none.peakBytes, one.peakBytes) << where;
  });
  EXPECT_GT(cheaper, 0);
}

TEST(RematExact, FindTheSingleRecomputation) {
  Builder b = longLivedValue();
  SmallVector<double> cost = {2.0, 1.0, 1.0, 1.0, 1.0};
  for (RematSolver solver : exactSolvers()) {
    RematResult r =
        rematerialize(solver, b.graph, b.programOrder(), cost, 250, {}, {});
    EXPECT_EQ(r.status, RematStatus::Optimal) << r.solver << ": " << r.note;
    EXPECT_DOUBLE_EQ(r.addedCost, 2.0) << r.solver;
    EXPECT_DOUBLE_EQ(r.bound, r.objective) << r.solver;
    EXPECT_EQ(r.gap, 0.0) << r.solver;
    ASSERT_EQ(r.recomputations.size(), 1u) << r.solver;
    EXPECT_EQ(r.recomputations[0].original, 0);
    expectValidPlan(b, r, 250);
  }
}

TEST(RematExact, BeatGreedyWhereItIsSuboptimal) {
  SmallVector<double> cost;
  Builder b = greedySuboptimal(cost);
  ASSERT_EQ(computeMemoryProfile(b.graph).peakBytes, 460);
  // The plain path pays 7; its pilot rollouts find the optimum.
  RematResult path = rematerializeGreedy(b.graph, b.programOrder(), cost, 368,
                                         {}, plainPath());
  EXPECT_EQ(path.status, RematStatus::Feasible);
  EXPECT_DOUBLE_EQ(path.addedCost, 7.0);
  // So do the restarts alone: planning again with a producer banned.
  GreedyRematOptions restartsOnly;
  restartsOnly.pilotWidth = 0;
  RematResult restarted = rematerializeGreedy(b.graph, b.programOrder(), cost,
                                              368, {}, restartsOnly);
  EXPECT_EQ(restarted.status, RematStatus::Feasible);
  EXPECT_DOUBLE_EQ(restarted.addedCost, 6.0);
  expectValidPlan(b, restarted, 368);
  RematResult greedy =
      rematerializeGreedy(b.graph, b.programOrder(), cost, 368);
  EXPECT_EQ(greedy.status, RematStatus::Feasible);
  EXPECT_DOUBLE_EQ(greedy.addedCost, 6.0);
  expectValidPlan(b, greedy, 368);
  for (RematSolver solver : exactSolvers()) {
    RematResult r =
        rematerialize(solver, b.graph, b.programOrder(), cost, 368, {}, {});
    EXPECT_EQ(r.status, RematStatus::Optimal) << r.solver << ": " << r.note;
    EXPECT_NEAR(r.addedCost, 6.0, 1e-9) << r.solver;
    expectValidPlan(b, r, 368);
  }
}

TEST(RematExact, MILPKeepsToItsTimeLimit) {
  // CBC solves its root LP relaxation without looking at the time limit;
  // Checkmate's relaxation on 100 training-like nodes (about 20,000
  // columns) takes seconds. Solved first with Clp, which stops at the
  // limit, the relaxation does not finish in 0.3 s: CBC does not run and
  // the warm start (the greedy plan) comes back, feasible and unproven.
  std::mt19937 rng(7);
  SmallVector<double> cost;
  Builder b = randomTrainingGraph(rng, 50, cost, /*window=*/4);
  int64_t budget = computeMemoryProfile(b.graph).peakBytes / 2;
  RematResult greedy =
      rematerializeGreedy(b.graph, b.programOrder(), cost, budget);
  ASSERT_EQ(greedy.status, RematStatus::Feasible);
  ExactRematOptions exact;
  exact.timeLimitSeconds = 0.3;
  RematResult r =
      rematerializeMILP(b.graph, b.programOrder(), cost, budget, {}, exact);
  EXPECT_EQ(r.status, RematStatus::Feasible) << r.note;
  EXPECT_NE(r.note.find("the LP relaxation"), std::string::npos) << r.note;
  EXPECT_NE(r.note.find("the greedy plan"), std::string::npos) << r.note;
  EXPECT_NEAR(r.addedCost, greedy.addedCost, 1e-9);
  EXPECT_LT(r.bound, r.addedCost);
  expectValidPlan(b, r, budget);
}

TEST(RematExact, ProveInfeasibility) {
  Builder b = longLivedValue();
  SmallVector<double> cost(5, 1.0);
  for (RematSolver solver : exactSolvers()) {
    RematResult r =
        rematerialize(solver, b.graph, b.programOrder(), cost, 150, {}, {});
    EXPECT_EQ(r.status, RematStatus::Infeasible) << r.solver;
    EXPECT_TRUE(r.recomputations.empty());
  }
}

TEST(RematExact, BudgetAboveThePeakIsOptimalWithoutWork) {
  Builder b = longLivedValue();
  SmallVector<double> cost(5, 1.0);
  for (RematSolver solver : exactSolvers()) {
    RematResult r =
        rematerialize(solver, b.graph, b.programOrder(), cost, 300, {}, {});
    EXPECT_EQ(r.status, RematStatus::Optimal);
    EXPECT_TRUE(r.recomputations.empty());
    EXPECT_EQ(r.peakBytes, 300);
  }
}

/// milp solves the staged model; cp solves it with at most two
/// recomputations per node, so its optimum is never below milp's, and it
/// finds no plan where milp proves there is none. Every plan holds the
/// budget.
TEST(RematExact, CPAndMILPAgreeOnRandomGraphs) {
  int bothOptimal = 0;
  for (unsigned seed = 0; seed < 10; ++seed) {
    std::mt19937 rng(seed);
    Builder b;
    int n = 10;
    b.node(10 + rng() % 90, {});
    for (int i = 1; i < n; ++i) {
      int first = rng() % i, second = rng() % i;
      if (first != second)
        b.node(10 + rng() % 90, {first, second});
      else
        b.node(10 + rng() % 90, {first});
    }
    b.output(n - 1);
    SmallVector<double> cost(n);
    for (double &c : cost)
      c = 1 + rng() % 10;
    int64_t peak = computeMemoryProfile(b.graph).peakBytes;
    int64_t budget = peak * 75 / 100;
    ExactRematOptions exact;
    exact.timeLimitSeconds = 1;
    RematResult cp =
        rematerializeCP(b.graph, b.programOrder(), cost, budget, {}, exact);
    exact.timeLimitSeconds = 30;
    RematResult milp =
        rematerializeMILP(b.graph, b.programOrder(), cost, budget, {}, exact);
    ASSERT_TRUE(milp.status == RematStatus::Optimal ||
                milp.status == RematStatus::Infeasible)
        << "seed " << seed;
    if (milp.status == RematStatus::Infeasible) {
      EXPECT_FALSE(cp.hasSolution()) << "seed " << seed;
      continue;
    }
    expectValidPlan(b, milp, budget);
    EXPECT_DOUBLE_EQ(milp.bound, milp.objective);
    if (isHighsAvailable()) {
      // The same model on HiGHS: the same optimum.
      RematResult highs =
          rematerializeMILP(b.graph, b.programOrder(), cost, budget, {}, exact,
                            MILPSolver::HiGHS);
      EXPECT_EQ(highs.status, RematStatus::Optimal) << "seed " << seed;
      EXPECT_NEAR(highs.addedCost, milp.addedCost, 1e-6) << "seed " << seed;
      expectValidPlan(b, highs, budget);
    }
    if (isCPSATAvailable()) {
      // cp's model on CP-SAT proves its optimum on these graphs, which
      // two recomputations per node reach (as cp's below).
      exact.timeLimitSeconds = 5;
      RematResult cpsat = rematerializeCPSAT(b.graph, b.programOrder(), cost,
                                             budget, {}, exact);
      EXPECT_EQ(cpsat.status, RematStatus::Optimal)
          << "seed " << seed << ": " << cpsat.note;
      EXPECT_NEAR(cpsat.addedCost, milp.addedCost, 1e-9) << "seed " << seed;
      EXPECT_DOUBLE_EQ(cpsat.bound, cpsat.objective) << "seed " << seed;
      expectValidPlan(b, cpsat, budget);
    }
    if (!cp.hasSolution())
      continue;
    expectValidPlan(b, cp, budget);
    EXPECT_GE(cp.addedCost, milp.addedCost - 1e-9) << "seed " << seed;
    if (cp.status == RematStatus::Optimal) {
      ++bothOptimal;
      // Two recomputations per node suffice on these small graphs.
      EXPECT_NEAR(cp.addedCost, milp.addedCost, 1e-9) << "seed " << seed;
    }
  }
  EXPECT_GE(bothOptimal, 3);
}

TEST(RematBound, CoversTheStepsOverTheBudget) {
  // longLivedValue at 250 B: d's step holds a (cost 2) across it, 50 B
  // over; only recomputing a frees it.
  Builder b = longLivedValue();
  SmallVector<double> cost = {2.0, 1.0, 1.0, 1.0, 1.0};
  SolverReport r = rematCostLowerBound(b.graph, b.programOrder(), cost, 250);
  EXPECT_EQ(r.status, SolverStatus::Optimal) << r.note;
  EXPECT_NEAR(r.bound, 2.0, 1e-9);
  // At or above the peak nothing must be recomputed.
  r = rematCostLowerBound(b.graph, b.programOrder(), cost, 300);
  EXPECT_EQ(r.status, SolverStatus::Optimal);
  EXPECT_EQ(r.bound, 0.0);
  // Below what z's step needs (a, d and z: 201 B) no plan exists.
  r = rematCostLowerBound(b.graph, b.programOrder(), cost, 200);
  EXPECT_EQ(r.status, SolverStatus::Infeasible);
  EXPECT_NE(r.note.find("no recomputation frees"), std::string::npos) << r.note;
}

TEST(RematBound, TakesTheCheapestCover) {
  // q and r (60 B, cost 1 each) and p (100 B, cost 5) are live across
  // t's step (231 B) and each read by a node of its own afterwards. At
  // 131 B, t's step must free 100 B: p alone (5) or q and r (2); p's step
  // (220 B) and u1's (p, q, r, t, u1: 222 B) need q and r either way.
  Builder b;
  int q = b.node(60, {});
  int r = b.node(60, {});
  int p = b.node(100, {});
  int s = b.node(10, {});
  int t = b.node(1, {s});
  int u1 = b.node(1, {p});
  int u2 = b.node(1, {q});
  int u3 = b.node(1, {r});
  b.output(b.node(1, {u1, u2, u3, t}));
  SmallVector<double> cost = {1.0, 1.0, 5.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  ASSERT_EQ(computeMemoryProfile(b.graph).peakBytes, 231);
  SolverReport bound =
      rematCostLowerBound(b.graph, b.programOrder(), cost, 131);
  EXPECT_EQ(bound.status, SolverStatus::Optimal) << bound.note;
  EXPECT_NEAR(bound.bound, 2.0, 1e-9);
  // Recomputing q and r before their readers is a plan: the bound is the
  // optimum, and the exact solvers prove it.
  for (RematSolver solver : exactSolvers()) {
    RematResult plan =
        rematerialize(solver, b.graph, b.programOrder(), cost, 131, {}, {});
    EXPECT_EQ(plan.status, RematStatus::Optimal) << plan.note;
    EXPECT_NEAR(plan.addedCost, 2.0, 1e-9) << plan.solver;
    expectValidPlan(b, plan, 131);
  }
}

TEST(RematBound, ChainsCountTheInputsARecomputationNeeds) {
  // b (read at the end) is live across the steps of p and q, 50 B over a
  // 250 B budget; recomputing b after them reads a, which died at b's
  // step. The plain cover charges b alone (1); with chains a must be held
  // across those steps (no bytes saved) or recomputed too (3): 4, the
  // optimum (recompute a and b before z).
  Builder b;
  int a = b.node(100, {});
  int v = b.node(100, {a});
  int p = b.node(200, {});
  int q = b.node(1, {p});
  b.output(b.node(1, {v, q}));
  SmallVector<double> cost = {3.0, 1.0, 1.0, 1.0, 1.0};
  ASSERT_EQ(computeMemoryProfile(b.graph).peakBytes, 301);
  RematBoundOptions plain;
  plain.chainDepth = 0;
  SolverReport bound =
      rematCostLowerBound(b.graph, b.programOrder(), cost, 250, {}, plain);
  EXPECT_EQ(bound.status, SolverStatus::Optimal) << bound.note;
  EXPECT_NEAR(bound.bound, 1.0, 1e-9);
  RematBoundOptions chains;
  chains.chainDepth = 1;
  bound = rematCostLowerBound(b.graph, b.programOrder(), cost, 250, {}, chains);
  EXPECT_EQ(bound.status, SolverStatus::Optimal) << bound.note;
  EXPECT_NEAR(bound.bound, 4.0, 1e-9);
  // Too large with chains: the plain cover, and a note; too large even
  // without: an error, no bound.
  chains.maxNonzeros = 2;
  bound = rematCostLowerBound(b.graph, b.programOrder(), cost, 250, {}, chains);
  EXPECT_EQ(bound.status, SolverStatus::Optimal) << bound.note;
  EXPECT_NEAR(bound.bound, 1.0, 1e-9);
  EXPECT_NE(bound.note.find("without chains"), std::string::npos);
  chains.maxNonzeros = 1;
  bound = rematCostLowerBound(b.graph, b.programOrder(), cost, 250, {}, chains);
  EXPECT_EQ(bound.status, SolverStatus::Error);
  EXPECT_EQ(bound.bound, 0.0);
  EXPECT_NE(bound.note.find("too large"), std::string::npos) << bound.note;
  // The exact solvers find that plan on their own: a, read only by the
  // next node, is still a candidate because its reader is.
  ExactRematOptions exact;
  exact.costBound = false;
  for (RematSolver solver : exactSolvers()) {
    RematResult r =
        rematerialize(solver, b.graph, b.programOrder(), cost, 250, {}, exact);
    EXPECT_EQ(r.status, RematStatus::Optimal) << r.solver << ": " << r.note;
    EXPECT_NEAR(r.addedCost, 4.0, 1e-9) << r.solver;
    expectValidPlan(b, r, 250);
  }
  (void)q;
}

TEST(RematBound, CountsOneRecomputationPerGapBetweenUses) {
  // a (100 B, cost 2) is read by u1 in the middle and u2 at the end; the
  // steps of p and q, before u1, and of r and s, after it, are over a
  // 250 B budget unless a is not held there. A copy made after q serves
  // u1, and u1's reading of a lies between the two stretches, so a is
  // recomputed twice (4), which the per-gap cover proves; a cover that
  // charges each producer once says 2.
  Builder b;
  int a = b.node(100, {});
  int p = b.node(200, {});
  int q = b.node(1, {p});
  int u1 = b.node(1, {a});
  int r = b.node(200, {});
  int s = b.node(1, {r});
  int u2 = b.node(1, {a});
  b.output(b.node(1, {q, u1, s, u2}));
  SmallVector<double> cost = {2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
  ASSERT_EQ(computeMemoryProfile(b.graph).peakBytes, 303);
  SolverReport bound =
      rematCostLowerBound(b.graph, b.programOrder(), cost, 250);
  EXPECT_EQ(bound.status, SolverStatus::Optimal) << bound.note;
  EXPECT_NEAR(bound.bound, 4.0, 1e-9);
  // The exact solvers find that plan and, with the bound, stop at once.
  for (RematSolver solver : exactSolvers()) {
    RematResult plan =
        rematerialize(solver, b.graph, b.programOrder(), cost, 250, {}, {});
    EXPECT_EQ(plan.status, RematStatus::Optimal) << plan.note;
    EXPECT_NEAR(plan.addedCost, 4.0, 1e-9) << plan.solver;
    expectValidPlan(b, plan, 250);
  }
}

TEST(RematBound, NeverExceedsTheOptimum) {
  // The bound is below every plan; on these graphs it often meets the
  // optimum (single recomputations suffice) and is never trivial.
  int tight = 0, instances = 0;
  for (unsigned seed = 0; seed < 12; ++seed) {
    std::mt19937 rng(seed);
    SmallVector<double> cost;
    Builder b = randomTrainingGraph(rng, 7, cost, /*window=*/3);
    int64_t peak = computeMemoryProfile(b.graph).peakBytes;
    for (int percent : {85, 70}) {
      int64_t budget = peak * percent / 100;
      RematBoundOptions chains;
      chains.chainDepth = 8;
      SolverReport bound = rematCostLowerBound(b.graph, b.programOrder(), cost,
                                               budget, {}, chains);
      ExactRematOptions exact;
      exact.timeLimitSeconds = 30;
      RematResult milp =
          rematerializeMILP(b.graph, b.programOrder(), cost, budget, {}, exact);
      ASSERT_TRUE(milp.status == RematStatus::Optimal ||
                  milp.status == RematStatus::Infeasible)
          << seed << " " << percent;
      if (milp.status == RematStatus::Infeasible)
        continue;
      ++instances;
      ASSERT_EQ(bound.status, SolverStatus::Optimal) << bound.note;
      EXPECT_GT(bound.bound, 0.0) << seed << " " << percent;
      EXPECT_LE(bound.bound, milp.objective + 1e-9) << seed << " " << percent;
      tight += bound.bound >= milp.objective - 1e-9;
    }
  }
  EXPECT_GE(instances, 12);
  EXPECT_GE(tight, instances / 2);
}

TEST(RematBound, GreedyPlanMeetingTheBoundIsOptimalWithoutSearch) {
  Builder b = longLivedValue();
  SmallVector<double> cost = {2.0, 1.0, 1.0, 1.0, 1.0};
  for (RematSolver solver : exactSolvers()) {
    RematResult r =
        rematerialize(solver, b.graph, b.programOrder(), cost, 250, {}, {});
    EXPECT_EQ(r.status, RematStatus::Optimal);
    EXPECT_NE(r.note.find("no search"), std::string::npos) << r.note;
    EXPECT_DOUBLE_EQ(r.bound, 2.0);
    // Without the bound the solver searches and proves the same.
    ExactRematOptions exact;
    exact.costBound = false;
    RematResult searched =
        rematerialize(solver, b.graph, b.programOrder(), cost, 250, {}, exact);
    EXPECT_EQ(searched.status, RematStatus::Optimal) << searched.note;
    EXPECT_EQ(searched.note.find("no search"), std::string::npos);
    EXPECT_DOUBLE_EQ(searched.addedCost, 2.0);
  }
}

TEST(RematBound, AStoppedSearchReportsTheBetterBound) {
  // Whatever a short search proves, the reported bound is at least the
  // cover's and at most the plan's cost.
  std::mt19937 rng(7);
  SmallVector<double> cost;
  Builder b = randomTrainingGraph(rng, 40, cost, /*window=*/3);
  int64_t peak = computeMemoryProfile(b.graph).peakBytes;
  int64_t budget = peak * 60 / 100;
  SolverReport cover =
      rematCostLowerBound(b.graph, b.programOrder(), cost, budget);
  ASSERT_TRUE(cover.status == SolverStatus::Optimal) << cover.note;
  ASSERT_GT(cover.bound, 0.0);
  ExactRematOptions exact;
  exact.timeLimitSeconds = 1;
  RematResult r = rematerialize(RematSolver::CP, b.graph, b.programOrder(),
                                cost, budget, {}, exact);
  ASSERT_TRUE(r.hasSolution()) << r.note;
  expectValidPlan(b, r, budget);
  EXPECT_GE(r.bound, std::min(cover.bound, r.objective) - 1e-9);
  EXPECT_LE(r.bound, r.objective + 1e-12);
  EXPECT_GE(r.addedCost, cover.bound - 1e-9);
}

TEST(RematExact, MILPRefusesModelsAboveItsSizeLimit) {
  Builder b = longLivedValue();
  SmallVector<double> cost(5, 1.0);
  ExactRematOptions exact;
  exact.maxVariables = 2;
  RematResult r =
      rematerializeMILP(b.graph, b.programOrder(), cost, 250, {}, exact);
  EXPECT_EQ(r.status, RematStatus::Error);
  EXPECT_NE(r.note.find("too large"), std::string::npos) << r.note;
}

} // namespace

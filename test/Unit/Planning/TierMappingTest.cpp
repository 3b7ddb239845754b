//===- TierMappingTest.cpp - Tier mapper, plan verifier, simulator --------===//

#include "GraphBuilder.h"

#include "strata/Planning/TierMapping.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace mlir::strata;
using mlir::strata::test::GraphBuilder;
using mlir::strata::test::twoTiers;

namespace {

std::string describe(ArrayRef<PlanViolation> violations) {
  std::string text;
  for (const PlanViolation &v : violations)
    text += v.message + "\n";
  return text;
}

/// The tensor of `program` that holds `value` in `tier` and is written by
/// an op of kind `kind` (a kernel, or the copy that brings it there).
const MappedTensor *findTensor(const MappedProgram &program, int value,
                               int tier, MappedOpKind kind) {
  for (const MappedOp &op : program.ops)
    if (op.kind == kind)
      for (int w : op.writes)
        if (program.tensors[w].value == value &&
            program.tensors[w].tier == tier)
          return &program.tensors[w];
  return nullptr;
}

TEST(TierMapping, ChainStaysOnChip) {
  GraphBuilder b;
  int n0 = b.node(100, {});
  int n1 = b.node(100, {n0});
  int n2 = b.node(100, {n1});
  b.output(n2);
  SmallVector<double> compute(3, 1e-6);
  TierMappingStats stats;
  MappedProgram p = mapTiersGreedy(b.graph, b.programOrder(), compute,
                                   twoTiers(1024), {}, &stats);
  EXPECT_TRUE(verifyMappedProgram(p).empty())
      << describe(verifyMappedProgram(p));
  SimulationResult sim = simulateMappedProgram(p);
  // Only the result goes off chip: written once, by its eviction.
  EXPECT_EQ(sim.offchipBytes, 100);
  EXPECT_EQ(sim.compulsoryBytes, 100);
  EXPECT_EQ(sim.nonCompulsoryBytes, 0);
  EXPECT_EQ(stats.valuesInBacking, 0);
  EXPECT_EQ(stats.evictions, 1);
  // Two values live at once: offsets 0 and 128 (100 B aligned to 64).
  EXPECT_EQ(p.arenaBytes[0], 228);
}

// A skip connection across two large values: the fast tier cannot hold it
// across the middle, so it is evicted after its first use and prefetched
// once before its last two, instead of living in DRAM (write + three
// reads).
struct SkipGraph {
  GraphBuilder b;
  int skip;
  SkipGraph() {
    int n0 = b.node(400, {});
    int n1 = b.node(600, {n0});
    int n2 = b.node(600, {n1});
    int n3 = b.node(400, {n2});
    int n4 = b.node(400, {n3, n0});
    int n5 = b.node(400, {n4, n0});
    b.output(n5);
    skip = b.graph.nodes[n0].outputs.front();
  }
};

TEST(TierMapping, EvictsAndPrefetchesAcrossALongGap) {
  SkipGraph g;
  SmallVector<double> compute(6, 1e-6);
  TierMappingStats stats;
  MappedProgram p = mapTiersGreedy(g.b.graph, g.b.programOrder(), compute,
                                   twoTiers(1344), {}, &stats);
  EXPECT_TRUE(verifyMappedProgram(p).empty())
      << describe(verifyMappedProgram(p));
  EXPECT_EQ(stats.prefetches, 1);
  EXPECT_EQ(stats.evictions, 2); // the skip value and the result
  const MappedTensor *def = findTensor(p, g.skip, 0, MappedOpKind::Kernel);
  const MappedTensor *back = findTensor(p, g.skip, 0, MappedOpKind::Prefetch);
  ASSERT_TRUE(def && back);
  EXPECT_EQ(def->offset, 640);
  EXPECT_EQ(back->offset, 896);
  // The prefetch cannot start earlier than right before its first reader
  // (position 8): the two 600 B values fill the tier until then.
  EXPECT_EQ(back->start, 8);
  SimulationResult sim = simulateMappedProgram(p);
  EXPECT_EQ(sim.nonCompulsoryBytes, 800); // evict + prefetch
  EXPECT_EQ(sim.compulsoryBytes, 400);

  TierMappingOptions noCopies;
  noCopies.copies = false;
  MappedProgram q = mapTiersGreedy(g.b.graph, g.b.programOrder(), compute,
                                   twoTiers(1344), noCopies);
  EXPECT_TRUE(verifyMappedProgram(q).empty());
  // Without copies the skip value lives in DRAM: write + three reads.
  EXPECT_EQ(simulateMappedProgram(q).nonCompulsoryBytes, 1600);

  MappedProgram dram =
      mapTiersToBacking(g.b.graph, g.b.programOrder(), compute, twoTiers(1344));
  EXPECT_TRUE(verifyMappedProgram(dram).empty());
  SimulationResult all = simulateMappedProgram(dram);
  // Every value written (2800 B) and every read (3200 B) off chip.
  EXPECT_EQ(all.offchipBytes, 6000);
  EXPECT_EQ(all.nonCompulsoryBytes, 5600);
  EXPECT_EQ(dram.arenaBytes[0], 0);
}

TEST(TierMapping, ValueLargerThanTheTierStaysInBacking) {
  GraphBuilder b;
  int n0 = b.node(2000, {});
  int n1 = b.node(100, {n0});
  b.output(n1);
  TierMappingStats stats;
  MappedProgram p = mapTiersGreedy(b.graph, b.programOrder(), {1e-6, 1e-6},
                                   twoTiers(1024), {}, &stats);
  EXPECT_TRUE(verifyMappedProgram(p).empty());
  ASSERT_EQ(stats.tooLarge.size(), 1u);
  EXPECT_EQ(stats.tooLarge[0], b.graph.nodes[n0].outputs.front());
  EXPECT_EQ(p.tensors[p.ops[0].writes[0]].tier, 1);
  // Written to DRAM and read back from there, whatever the mapping.
  EXPECT_EQ(getUnavoidableTraffic(p), 4000);
  EXPECT_EQ(simulateMappedProgram(p).nonCompulsoryBytes, 4000);
}

TEST(TierMapping, OneTierMeansEverythingAtHome) {
  GraphBuilder b;
  int n0 = b.node(100, {});
  b.output(b.node(100, {n0}));
  SmallVector<MappingTier> tiers = {{"dram", 1 << 20, 1e9, 0.0}};
  MappedProgram p =
      mapTiersGreedy(b.graph, b.programOrder(), {1e-6, 1e-6}, tiers, {});
  EXPECT_TRUE(verifyMappedProgram(p).empty());
  ASSERT_EQ(p.tiers.size(), 1u);
  for (const MappedOp &op : p.ops)
    EXPECT_EQ(op.kind, MappedOpKind::Kernel);
  EXPECT_EQ(p.arenaBytes[0], 228); // two values of 100 B, aligned to 64
}

/// A hand-made program: a weight prefetched into SRAM, one kernel, its
/// result evicted to DRAM.
MappedProgram prefetchKernelEvict() {
  MappedProgram p;
  p.tiers = {{"sram", 4096, 1e12, 0.0}, {"dram", 1 << 20, 1e9, 1e-6}};
  p.numKernels = 1;
  p.tensors = {
      {1000, 1, -1, 1, 0},    // 0: the weight, at home in DRAM
      {1000, 0, 0, 64, 0},    // 1: its prefetched copy
      {1000, 0, 1024, 64, 1}, // 2: the kernel's result in SRAM
      {1000, 1, 0, 64, 1},    // 3: the result evicted
  };
  MappedOp prefetch;
  prefetch.kind = MappedOpKind::Prefetch;
  prefetch.position = 0;
  prefetch.reads = {0};
  prefetch.writes = {1};
  MappedOp kernel;
  kernel.position = 1;
  kernel.reads = {1};
  kernel.writes = {2};
  kernel.computeSeconds = 5e-6;
  MappedOp evict;
  evict.kind = MappedOpKind::Evict;
  evict.position = 2;
  evict.reads = {2};
  evict.writes = {3};
  p.ops = {prefetch, kernel, evict};
  p.results = {3};
  computeMappedLiveRanges(p);
  computeArenaBytes(p);
  return p;
}

TEST(TierSimulation, OverlapsCopiesWithComputeByTheRules) {
  MappedProgram p = prefetchKernelEvict();
  ASSERT_TRUE(verifyMappedProgram(p).empty())
      << describe(verifyMappedProgram(p));
  SimulationResult sim = simulateMappedProgram(p);
  // Prefetch: 1000 B at 1 GB/s + 1 us latency = [0, 2 us]; the kernel
  // waits for it and computes 5 us; the eviction follows: [7, 9 us].
  EXPECT_DOUBLE_EQ(sim.start[1], 2e-6);
  EXPECT_DOUBLE_EQ(sim.end[1], 7e-6);
  EXPECT_DOUBLE_EQ(sim.start[2], 7e-6);
  EXPECT_DOUBLE_EQ(sim.totalSeconds, 9e-6);
  EXPECT_DOUBLE_EQ(sim.stallSeconds, 2e-6);
  EXPECT_EQ(sim.offchipBytes, 2000);
  EXPECT_EQ(sim.compulsoryBytes, 2000);
  EXPECT_EQ(sim.nonCompulsoryBytes, 0);
  EXPECT_EQ(sim.copyBytes, 2000);

  llvm::json::Array events;
  appendSimulationTrace(p, sim, {"prefetch w", "k0", "evict r"}, 0, "f",
                        events);
  std::string trace;
  llvm::raw_string_ostream os(trace);
  os << llvm::json::Value(std::move(events));
  EXPECT_NE(trace.find("\"sram <-> dram\""), std::string::npos);
  EXPECT_NE(trace.find("\"k0\""), std::string::npos);
}

TEST(TierSimulation, KernelWaitsForAnEvictionOfTheSpaceItWrites) {
  MappedProgram p = prefetchKernelEvict();
  // A second kernel writes where the evicted result was: it must wait for
  // the eviction to finish reading (9 us), not start at 7 us.
  p.numKernels = 2;
  p.tensors.push_back({1000, 0, 1024, 64, 2});
  MappedOp second;
  second.position = 3;
  second.writes = {4};
  second.computeSeconds = 1e-6;
  p.ops.push_back(second);
  computeMappedLiveRanges(p);
  computeArenaBytes(p);
  ASSERT_TRUE(verifyMappedProgram(p).empty())
      << describe(verifyMappedProgram(p));
  SimulationResult sim = simulateMappedProgram(p);
  EXPECT_DOUBLE_EQ(sim.start[3], 9e-6);
  EXPECT_DOUBLE_EQ(sim.totalSeconds, 10e-6);
}

TEST(TierPlanVerifier, RejectsBrokenPlans) {
  {
    // The result overwritten while its eviction still needs it.
    MappedProgram p = prefetchKernelEvict();
    p.tensors[1].offset = 1024;
    p.tensors[1].bytes = 1000;
    // Tensor 1 (live 0-1) and tensor 2 (live 1-2) share position 1.
    SmallVector<PlanViolation> v = verifyMappedProgram(p);
    ASSERT_EQ(v.size(), 1u) << describe(v);
    EXPECT_NE(v[0].message.find("overlaps"), std::string::npos);
  }
  {
    MappedProgram p = prefetchKernelEvict();
    p.tensors[2].offset = 3584; // 3584 + 1000 > 4096
    SmallVector<PlanViolation> v = verifyMappedProgram(p);
    ASSERT_FALSE(v.empty());
    EXPECT_NE(v[0].message.find("exceeds the capacity of tier 'sram'"),
              std::string::npos)
        << describe(v);
  }
  {
    MappedProgram p = prefetchKernelEvict();
    p.tensors[2].offset = 1000; // not a multiple of 64
    SmallVector<PlanViolation> v = verifyMappedProgram(p);
    ASSERT_FALSE(v.empty());
    EXPECT_NE(describe(v).find("not a multiple of alignment 64"),
              std::string::npos)
        << describe(v);
  }
  {
    MappedProgram p = prefetchKernelEvict();
    p.ops[0].kind = MappedOpKind::Evict; // DRAM -> SRAM is no evict
    p.ops[2].kind = MappedOpKind::Prefetch;
    SmallVector<PlanViolation> v = verifyMappedProgram(p);
    std::string text = describe(v);
    EXPECT_NE(text.find("evict must copy into a slower tier"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("prefetch must copy into a faster tier"),
              std::string::npos)
        << text;
  }
  {
    MappedProgram p = prefetchKernelEvict();
    p.results = {2};
    computeMappedLiveRanges(p);
    SmallVector<PlanViolation> v = verifyMappedProgram(p);
    EXPECT_NE(describe(v).find("a function result must be in the backing "
                               "tier ('dram')"),
              std::string::npos)
        << describe(v);
  }
  {
    // The kernel runs before the prefetch that brings its operand in.
    MappedProgram p = prefetchKernelEvict();
    std::swap(p.ops[0], p.ops[1]);
    SmallVector<PlanViolation> v = verifyMappedProgram(p);
    EXPECT_NE(describe(v).find("read before the tensor is written"),
              std::string::npos)
        << describe(v);
  }
  {
    MappedProgram p = prefetchKernelEvict();
    p.arenaBytes[0] = 1024; // the result at 1024 is outside the arena
    SmallVector<PlanViolation> v = verifyMappedProgram(p);
    EXPECT_NE(describe(v).find("exceeds the planned 'sram' arena"),
              std::string::npos)
        << describe(v);
  }
}

/// A random layered graph: node i reads some of the 4 nodes before it and,
/// half the time, a weight; the last node is the result.
GraphBuilder randomTierGraph(std::mt19937 &rng, int n) {
  GraphBuilder b;
  for (int i = 0; i < n; ++i) {
    SmallVector<int> inputs;
    for (int j = std::max(0, i - 4); j < i; ++j)
      if (rng() % 3 == 0)
        inputs.push_back(j);
    b.node(64 * (1 + rng() % 20), inputs);
    if (rng() % 2) {
      int w = b.graph.values.size();
      b.graph.values.push_back({int64_t(64 * (1 + rng() % 10)),
                                ValueKind::Constant,
                                -1,
                                {i},
                                false});
      b.graph.nodes[i].inputs.push_back(w);
    }
  }
  b.output(n - 1);
  return b;
}

/// Random layered graphs with weights: every plan verifies, every mapping
/// moves the same compulsory bytes, and no mapping moves more than the
/// all-DRAM baseline.
TEST(TierMapping, RandomPlansAreValidAndNeverWorseThanDram) {
  std::mt19937 rng(7);
  TierMappingStats stats;
  for (int trial = 0; trial < 60; ++trial) {
    int n = 5 + trial % 25;
    GraphBuilder b = randomTierGraph(rng, n);
    SmallVector<double> compute;
    for (int i = 0; i < n; ++i)
      compute.push_back(1e-7 * (1 + rng() % 10));
    int64_t capacity = 64 * (4 + trial % 40);
    MappedProgram dram = mapTiersToBacking(b.graph, b.programOrder(), compute,
                                           twoTiers(capacity));
    SimulationResult base = simulateMappedProgram(dram);
    for (bool copies : {false, true}) {
      TierMappingOptions options;
      options.copies = copies;
      MappedProgram p = mapTiersGreedy(b.graph, b.programOrder(), compute,
                                       twoTiers(capacity), options, &stats);
      SmallVector<PlanViolation> v = verifyMappedProgram(p);
      ASSERT_TRUE(v.empty()) << "trial " << trial << ": " << describe(v);
      SimulationResult sim = simulateMappedProgram(p);
      EXPECT_EQ(sim.compulsoryBytes, base.compulsoryBytes);
      EXPECT_LE(sim.offchipBytes, base.offchipBytes) << "trial " << trial;
      EXPECT_GE(sim.nonCompulsoryBytes, getUnavoidableTraffic(p));
      EXPECT_LE(p.arenaBytes[0], capacity);
    }
  }
  // The trials exercise every kind of decision.
  EXPECT_GT(stats.prefetches, 50);
  EXPECT_GT(stats.evictions, 50);
  EXPECT_GT(stats.valuesInBacking, 50);
}

} // namespace

namespace {

TEST(TierMappingILP, NeverWorseThanGreedyAndMatchesTheSimulator) {
  std::mt19937 rng(11);
  int better = 0, solved = 0;
  for (int trial = 0; trial < 40; ++trial) {
    GraphBuilder b = randomTierGraph(rng, 6 + trial % 14);
    int n = b.graph.nodes.size();
    SmallVector<double> compute;
    for (int i = 0; i < n; ++i)
      compute.push_back(1e-7 * (1 + rng() % 10));
    int64_t capacity = 64 * (4 + trial % 30);
    MappedProgram greedy = mapTiersGreedy(b.graph, b.programOrder(), compute,
                                          twoTiers(capacity), {});
    TierILPOptions limits;
    limits.timeLimitSeconds = 20;
    TierILPResult exact = mapTiersILP(b.graph, b.programOrder(), compute,
                                      twoTiers(capacity), {}, limits);
    SmallVector<PlanViolation> v = verifyMappedProgram(exact.program);
    ASSERT_TRUE(v.empty()) << "trial " << trial << ": " << describe(v);
    int64_t g = simulateMappedProgram(greedy).nonCompulsoryBytes;
    int64_t e = simulateMappedProgram(exact.program).nonCompulsoryBytes;
    if (exact.keptGreedy)
      continue;
    ++solved;
    EXPECT_EQ(e, (int64_t)std::llround(exact.objective)) << "trial " << trial;
    EXPECT_LE(e, g) << "trial " << trial;
    EXPECT_LE(exact.bound, exact.objective + 1e-6);
    if (e < g) {
      ++better;
    }
  }
  // The model solves almost all, and beats greedy on many.
  EXPECT_GT(solved, 30);
  EXPECT_GT(better, 10);
}

// From the random trials above (seed 11, trial 14), made by hand: the 192 B
// value of node 0 is read by every later node; greedy places the others by
// their access density first and is left with no room for it (1152
// non-compulsory bytes), while the optimum keeps it on chip and moves only
// 384 bytes.
TEST(TierMappingILP, BeatsGreedyWhereGreedyIsSuboptimal) {
  GraphBuilder b;
  auto weight = [&](int node, int64_t bytes) {
    int w = b.graph.values.size();
    b.graph.values.push_back({bytes, ValueKind::Constant, -1, {node}, false});
    b.graph.nodes[node].inputs.push_back(w);
  };
  int n0 = b.node(192, {});
  int n1 = b.node(128, {n0});
  int n2 = b.node(576, {n0});
  weight(n2, 448);
  b.node(256, {n0});
  int n4 = b.node(448, {n0, n1, n2});
  weight(n4, 576);
  b.output(b.node(192, {}));
  SmallVector<double> compute = {3e-7, 4e-7, 3e-7, 8e-7, 7e-7, 9e-7};
  MappedProgram greedy =
      mapTiersGreedy(b.graph, b.programOrder(), compute, twoTiers(1152), {});
  EXPECT_EQ(simulateMappedProgram(greedy).nonCompulsoryBytes, 1152);
  TierILPResult exact =
      mapTiersILP(b.graph, b.programOrder(), compute, twoTiers(1152), {}, {});
  ASSERT_TRUE(verifyMappedProgram(exact.program).empty());
  EXPECT_EQ(exact.status, SolverStatus::Optimal) << exact.note;
  EXPECT_FALSE(exact.keptGreedy);
  EXPECT_EQ(simulateMappedProgram(exact.program).nonCompulsoryBytes, 384);
  EXPECT_DOUBLE_EQ(exact.objective, 384);
  EXPECT_DOUBLE_EQ(exact.bound, 384);
  EXPECT_EQ(exact.gap, 0);
}

TEST(TierMappingILP, FallsBackToGreedyWhenTooLarge) {
  SkipGraph g;
  TierILPOptions limits;
  limits.maxVariables = 5;
  TierILPResult r =
      mapTiersILP(g.b.graph, g.b.programOrder(), SmallVector<double>(6, 1e-6),
                  twoTiers(1344), {}, limits);
  EXPECT_TRUE(r.keptGreedy);
  EXPECT_EQ(r.status, SolverStatus::Error);
  EXPECT_EQ(describeTierILPOutcome(r), "greedy");
  EXPECT_NE(r.note.find("exceed the limit of 5"), std::string::npos);
  EXPECT_EQ(simulateMappedProgram(r.program).nonCompulsoryBytes, 800);
}

} // namespace

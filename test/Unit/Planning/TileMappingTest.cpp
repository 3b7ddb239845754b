//===- TileMappingTest.cpp - Cascades and the tile-level mapper -----------===//

#include "GraphBuilder.h"

#include "strata/Planning/TileMapping.h"

#include "gtest/gtest.h"

#include <random>

using namespace mlir;
using namespace mlir::strata;
using mlir::strata::test::GraphBuilder;
using mlir::strata::test::twoTiers;

namespace {

/// Every value split into `rows` rows; every access row for row.
StripeInfo rowByRow(const KernelGraph &graph, int64_t rows) {
  StripeInfo info = StripeInfo::getWhole(graph);
  for (int64_t &r : info.rows)
    r = rows;
  for (auto &perNode : info.access)
    for (RowAccess &a : perNode)
      a = RowAccess{};
  return info;
}

TileMappingOptions unaligned() {
  TileMappingOptions options;
  options.tensor.alignment = 1;
  return options;
}

int64_t rowsOf(const Cascade &c, int value) {
  for (auto [v, rows] : c.bufferRows)
    if (v == value)
      return rows;
  return 0;
}

TEST(Cascade, AWindowHoldsItsRowsAndAResultTwo) {
  // v0 -> 3-row window (padding 1) -> v1 -> row for row -> v2 (result),
  // ten rows of 100 B each.
  GraphBuilder b;
  int n0 = b.node(1000, {});
  int n1 = b.node(1000, {n0});
  int n2 = b.node(1000, {n1});
  b.output(n2);
  StripeInfo info = rowByRow(b.graph, 10);
  info.access[n1][0] = RowAccess{1, -1, 1};
  std::optional<Cascade> c =
      evaluateCascade(b.graph, info, b.programOrder(), 0, 2, unaligned());
  ASSERT_TRUE(c);
  EXPECT_EQ(rowsOf(*c, 0), 3);
  EXPECT_EQ(rowsOf(*c, 1), 1);
  // The result leaves: one row written while the previous one drains.
  EXPECT_EQ(rowsOf(*c, 2), 2);
  EXPECT_EQ(c->bufferBytes, 600);
  EXPECT_EQ(c->internal, (SmallVector<int>{0, 1}));
}

TEST(Cascade, AStrideTwoWindowReadsTwoRowsPerOutputRow) {
  GraphBuilder b;
  int n0 = b.node(800, {});
  int n1 = b.node(400, {n0});
  b.output(n1);
  StripeInfo info = rowByRow(b.graph, 8);
  info.rows[1] = 4;
  info.access[n1][0] = RowAccess{2, 0, 1};
  std::optional<Cascade> c =
      evaluateCascade(b.graph, info, b.programOrder(), 0, 1, unaligned());
  ASSERT_TRUE(c);
  EXPECT_EQ(rowsOf(*c, 0), 2);
}

TEST(Cascade, RefusesAWholeReadOfAValueMadeInside) {
  GraphBuilder b;
  int n0 = b.node(1000, {});
  int n1 = b.node(1000, {n0});
  b.output(n1);
  StripeInfo info = rowByRow(b.graph, 10);
  info.access[n1][0] = RowAccess::getWhole();
  EXPECT_FALSE(
      evaluateCascade(b.graph, info, b.programOrder(), 0, 1, unaligned()));
  // Read from outside, a whole value is fine: it is streamed in whole.
  EXPECT_TRUE(
      evaluateCascade(b.graph, info, b.programOrder(), 1, 1, unaligned()));
}

TEST(TileMapping, ACascadeKeepsValuesLargerThanTheScratchpadOffChip) {
  // Four 10 KB values, an 8 KB scratchpad: whole tensors go to DRAM, rows
  // of them fit.
  GraphBuilder b = GraphBuilder::chain(4, 10000);
  SmallVector<double> compute(4, 1e-6);
  TierMappingOptions tensorOptions;
  tensorOptions.alignment = 1;
  SimulationResult whole = simulateMappedProgram(mapTiersGreedy(
      b.graph, b.programOrder(), compute, twoTiers(8000), tensorOptions));
  EXPECT_EQ(whole.nonCompulsoryBytes, 60000);

  StripeInfo info = rowByRow(b.graph, 10);
  TilePlan plan = mapTilesGreedy(b.graph, info, b.programOrder(), compute,
                                 twoTiers(8000), unaligned());
  ASSERT_EQ(plan.cascades.size(), 1u);
  EXPECT_EQ(plan.cascades[0].first, 0);
  EXPECT_EQ(plan.cascades[0].last, 3);
  EXPECT_EQ(plan.reduced.nodes.size(), 1u);
  EXPECT_EQ(plan.nodesOf[0], (SmallVector<int>{0, 1, 2, 3}));
  EXPECT_TRUE(verifyMappedProgram(plan.program).empty());
  SimulationResult tiled = simulateMappedProgram(plan.program);
  EXPECT_EQ(tiled.nonCompulsoryBytes, 0);
  EXPECT_EQ(tiled.compulsoryBytes, 10000);
  // The stripe buffers sit in the fast tier while the cascade runs.
  EXPECT_EQ(plan.program.arenaBytes.front(), plan.cascades[0].bufferBytes);
}

TEST(TileMapping, BuffersThatDoNotFitSplitTheCascade) {
  // Rows of 1000 B: one cascade of all four needs 1+1+1+2 rows = 5000 B.
  GraphBuilder b = GraphBuilder::chain(4, 10000);
  SmallVector<double> compute(4, 1e-6);
  StripeInfo info = rowByRow(b.graph, 10);
  TilePlan fits = mapTilesGreedy(b.graph, info, b.programOrder(), compute,
                                 twoTiers(5000), unaligned());
  EXPECT_EQ(fits.cascades.size(), 1u);
  TilePlan split = mapTilesGreedy(b.graph, info, b.programOrder(), compute,
                                  twoTiers(4999), unaligned());
  ASSERT_EQ(split.cascades.size(), 1u);
  EXPECT_EQ(split.cascades[0].last, 2);
  EXPECT_TRUE(verifyMappedProgram(split.program).empty());
  // v2 leaves the cascade whole: written to DRAM and read back.
  EXPECT_EQ(simulateMappedProgram(split.program).nonCompulsoryBytes, 20000);
}

TEST(TileMapping, WithoutRowsItIsTheTensorLevelPlan) {
  GraphBuilder b;
  int n0 = b.node(300, {});
  int n1 = b.node(300, {n0});
  int n2 = b.node(300, {n0, n1});
  b.output(n2);
  SmallVector<double> compute(3, 1e-6);
  TierMappingOptions tensorOptions;
  SimulationResult whole = simulateMappedProgram(mapTiersGreedy(
      b.graph, b.programOrder(), compute, twoTiers(700), tensorOptions));
  TilePlan plan =
      mapTilesGreedy(b.graph, StripeInfo::getWhole(b.graph), b.programOrder(),
                     compute, twoTiers(700), TileMappingOptions());
  EXPECT_TRUE(plan.cascades.empty());
  SimulationResult tiled = simulateMappedProgram(plan.program);
  EXPECT_EQ(tiled.nonCompulsoryBytes, whole.nonCompulsoryBytes);
  EXPECT_EQ(tiled.offchipBytes, whole.offchipBytes);
}

} // namespace

namespace {

TEST(TileMapping, NeverMovesMoreThanWholeTensors) {
  // Random graphs: node i reads one to three of the four nodes before it,
  // values of 4-16 rows of 64-512 B, windows of up to 3 rows. Whatever the
  // cascades do, the plan moves no more off-chip bytes than the
  // tensor-level greedy, and it is a valid plan.
  std::mt19937 rng(11);
  int cascaded = 0;
  for (int round = 0; round < 40; ++round) {
    GraphBuilder b;
    SmallVector<int64_t> rows;
    int n = 6 + rng() % 10;
    for (int i = 0; i < n; ++i) {
      SmallVector<int> inputs;
      for (int k = std::max(0, i - 4); k < i; ++k)
        if (rng() % 3 == 0 || k == i - 1)
          inputs.push_back(k);
      int64_t r = 4 + rng() % 13;
      rows.push_back(r);
      b.node(r * (64 + 64 * (rng() % 8)), ArrayRef<int>(inputs));
    }
    b.output(n - 1);
    StripeInfo info = StripeInfo::getWhole(b.graph);
    for (auto [v, r] : llvm::enumerate(rows))
      info.rows[v] = r;
    for (auto [node, accesses] : llvm::enumerate(info.access))
      for (RowAccess &a : accesses) {
        int64_t half = rng() % 2;
        a = rng() % 5 == 0 ? RowAccess::getWhole() : RowAccess{1, -half, half};
      }
    SmallVector<double> compute(n, 1e-6);
    int64_t sram = 2048 + 512 * (rng() % 8);
    TierMappingOptions tensorOptions;
    SimulationResult whole = simulateMappedProgram(mapTiersGreedy(
        b.graph, b.programOrder(), compute, twoTiers(sram), tensorOptions));
    TilePlan plan = mapTilesGreedy(b.graph, info, b.programOrder(), compute,
                                   twoTiers(sram), TileMappingOptions());
    EXPECT_TRUE(verifyMappedProgram(plan.program).empty()) << round;
    EXPECT_LE(simulateMappedProgram(plan.program).nonCompulsoryBytes,
              whole.nonCompulsoryBytes)
        << round;
    cascaded += !plan.cascades.empty();
  }
  // The property is not met by never cascading.
  EXPECT_GT(cascaded, 10);
}

} // namespace

namespace {

TEST(Cascade, LargerStripesHoldMoreRows) {
  // Row for row: one row of the middle value at a time; stripes of four
  // rows of the last kernel hold four, and the result drains in two
  // blocks of four.
  GraphBuilder b;
  int n0 = b.node(1600, {});
  int n1 = b.node(1600, {n0});
  int n2 = b.node(1600, {n1});
  b.output(n2);
  StripeInfo info = rowByRow(b.graph, 16);
  TileMappingOptions options = unaligned();
  std::optional<Cascade> one =
      evaluateCascade(b.graph, info, b.programOrder(), 0, 2, options);
  options.stripeRows = 4;
  std::optional<Cascade> four =
      evaluateCascade(b.graph, info, b.programOrder(), 0, 2, options);
  ASSERT_TRUE(one && four);
  EXPECT_EQ(rowsOf(*one, 1), 1);
  EXPECT_EQ(rowsOf(*four, 1), 4);
  EXPECT_EQ(rowsOf(*one, 2), 2);
  EXPECT_EQ(rowsOf(*four, 2), 8);
}

TEST(TileMapping, BufferFractionLimitsCascades) {
  // The same chain as above: 1+1+1+2 rows of 1000 B fit 5000 B; with 80%
  // of it the cascade stops a kernel earlier (1+1+2 rows).
  GraphBuilder b = GraphBuilder::chain(4, 10000);
  SmallVector<double> compute(4, 1e-6);
  StripeInfo info = rowByRow(b.graph, 10);
  TileMappingOptions options = unaligned();
  options.bufferFraction = 0.8;
  TilePlan plan = mapTilesGreedy(b.graph, info, b.programOrder(), compute,
                                 twoTiers(5000), options);
  ASSERT_EQ(plan.cascades.size(), 1u);
  EXPECT_EQ(plan.cascades[0].bufferBytes, 4000);
  EXPECT_EQ(plan.cascades[0].last, 2);
}

} // namespace

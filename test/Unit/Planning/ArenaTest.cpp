//===- ArenaTest.cpp - Blocks in time x address ---------------------------===//

#include "strata/Planning/Arena.h"
#include "strata/Planning/Offsets.h"

#include "llvm/Support/MathExtras.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlir;
using namespace mlir::strata;

namespace {

/// The specification by brute force: the placed blocks live during
/// [first, last], sorted by offset, and the gap search over them.
std::optional<int64_t> referenceFind(ArrayRef<ArenaBlock> placed, int first,
                                     int last, int64_t bytes, ArenaFit fit,
                                     int64_t capacity, int64_t alignment) {
  if (bytes > capacity)
    return std::nullopt;
  ArenaBlock query{first, last, 0, bytes};
  std::vector<std::pair<int64_t, int64_t>> busy;
  for (const ArenaBlock &b : placed)
    if (areLiveTogether(b, query) && b.bytes > 0)
      busy.push_back({b.offset, b.offset + b.bytes});
  std::sort(busy.begin(), busy.end());
  // Every aligned candidate offset: 0 and the aligned ends of busy ranges.
  std::vector<int64_t> starts = {0};
  for (auto [b, e] : busy)
    starts.push_back(llvm::alignTo(e, alignment));
  std::optional<int64_t> best;
  int64_t bestGap = 0;
  for (int64_t at : starts) {
    if (at + bytes > capacity)
      continue;
    bool free = true;
    int64_t gapEnd = capacity;
    for (auto [b, e] : busy) {
      if (b < at + bytes && at < e)
        free = false;
      if (b >= at)
        gapEnd = std::min(gapEnd, b);
    }
    if (!free)
      continue;
    if (fit == ArenaFit::First) {
      if (!best || at < *best)
        best = at;
    } else if (!best || gapEnd - at < bestGap ||
               (gapEnd - at == bestGap && at < *best)) {
      best = at;
      bestGap = gapEnd - at;
    }
  }
  return best;
}

TEST(Arena, FirstAndBestFit) {
  TimeAddressArena arena(/*capacity=*/100, /*alignment=*/1);
  arena.place({0, 5, 0, 10});  // [0, 10) over steps 0-5
  arena.place({0, 5, 40, 10}); // [40, 50)
  arena.place({0, 5, 60, 30}); // [60, 90): gaps 10-40 (30), 50-60, 90-100
  EXPECT_EQ(arena.find(2, 3, 10, ArenaFit::First), 10);
  // The smallest gap that holds 10 bytes: 50-60 (then 90-100).
  EXPECT_EQ(arena.find(2, 3, 10, ArenaFit::Best), 50);
  EXPECT_EQ(arena.find(2, 3, 31, ArenaFit::First), std::nullopt);
  // Not live together: everything is free.
  EXPECT_EQ(arena.find(6, 9, 100, ArenaFit::First), 0);
  EXPECT_EQ(arena.find(6, 9, 101, ArenaFit::Best), std::nullopt);
  EXPECT_EQ(arena.getHighWater(), 90);
  EXPECT_EQ(arena.getLiveBlocks(5, 7), (SmallVector<int>{0, 1, 2}));
  EXPECT_TRUE(arena.getLiveBlocks(6, 100).empty());
}

TEST(Arena, AlignmentAndGrowth) {
  TimeAddressArena arena(std::numeric_limits<int64_t>::max(), 64);
  arena.place({0, 1000, 0, 10});
  // The tree grows to step 1000; the block is found from far away.
  EXPECT_EQ(arena.find(999, 2000, 8, ArenaFit::First), 64);
  arena.place({1500, 5000, 0, 100});
  EXPECT_EQ(arena.find(900, 1600, 8, ArenaFit::First), 128);
  EXPECT_EQ(arena.getLiveBlocks(1001, 1499).size(), 0u);
}

TEST(Arena, QueriesMatchBruteForce) {
  for (unsigned seed = 0; seed < 30; ++seed) {
    std::mt19937 rng(seed);
    int64_t alignment = int64_t(1) << (rng() % 4);
    int64_t capacity = seed % 2 ? 400 : std::numeric_limits<int64_t>::max();
    TimeAddressArena arena(capacity, alignment);
    std::vector<ArenaBlock> placed;
    for (int i = 0; i < 120; ++i) {
      int first = rng() % 200;
      int last = first + rng() % (i % 5 == 0 ? 150 : 12);
      int64_t bytes = rng() % 60;
      ArenaFit fit = i % 2 ? ArenaFit::First : ArenaFit::Best;
      std::optional<int64_t> got = arena.find(first, last, bytes, fit);
      std::optional<int64_t> want =
          referenceFind(placed, first, last, bytes, fit, capacity, alignment);
      ASSERT_EQ(got, want) << "seed " << seed << " block " << i;
      // The other policy on the same query (not placed).
      ArenaFit other = i % 2 ? ArenaFit::Best : ArenaFit::First;
      ASSERT_EQ(
          arena.find(first, last, bytes, other),
          referenceFind(placed, first, last, bytes, other, capacity, alignment))
          << "seed " << seed << " block " << i;
      SmallVector<int> live = arena.getLiveBlocks(first, last);
      SmallVector<int> expected;
      for (auto [id, b] : llvm::enumerate(placed))
        if (areLiveTogether(b, {first, last, 0, 0}))
          expected.push_back(id);
      ASSERT_EQ(live, expected) << "seed " << seed;
      if (got) {
        ArenaBlock b{first, last, *got, bytes};
        arena.place(b);
        placed.push_back(b);
      }
    }
    // What the arena placed never overlaps.
    EXPECT_TRUE(findBlockOverlaps(placed).empty()) << "seed " << seed;
  }
}

TEST(Arena, OverlapSweepFindsExactlyTheConflictingPlans) {
  int withConflicts = 0;
  for (unsigned seed = 0; seed < 200; ++seed) {
    std::mt19937 rng(seed);
    std::vector<ArenaBlock> blocks;
    for (int i = 0, n = 2 + rng() % 40; i < n; ++i) {
      int first = rng() % 50;
      blocks.push_back({first, first + int(rng() % 10), int64_t(rng() % 500),
                        int64_t(rng() % 40)});
    }
    bool any = false;
    for (size_t i = 0; i < blocks.size(); ++i)
      for (size_t j = i + 1; j < blocks.size(); ++j)
        any |= doBlocksOverlap(blocks[i], blocks[j]);
    SmallVector<std::pair<int, int>> pairs = findBlockOverlaps(blocks, 1000);
    EXPECT_EQ(!pairs.empty(), any) << "seed " << seed;
    for (auto [i, j] : pairs) {
      EXPECT_LT(i, j);
      EXPECT_TRUE(doBlocksOverlap(blocks[i], blocks[j])) << "seed " << seed;
    }
    withConflicts += any;
  }
  // Both kinds of plan are exercised.
  EXPECT_GT(withConflicts, 20);
  EXPECT_LT(withConflicts, 180);
}

TEST(Arena, ZeroByteBlocksConflictWithNothing) {
  std::vector<ArenaBlock> blocks = {{0, 5, 0, 10}, {0, 5, 4, 0}};
  EXPECT_TRUE(findBlockOverlaps(blocks).empty());
  EXPECT_FALSE(doBlocksOverlap(blocks[0], blocks[1]));
}

} // namespace

TEST(Arena, FirstFitOnlyArenaAnswersTheSame) {
  std::mt19937 rng(7);
  TimeAddressArena full(std::numeric_limits<int64_t>::max(), 8);
  TimeAddressArena lean(std::numeric_limits<int64_t>::max(), 8,
                        /*firstFitOnly=*/true);
  for (int i = 0; i < 400; ++i) {
    int first = rng() % 300;
    int last = first + rng() % (i % 3 ? 20 : 250);
    int64_t bytes = 1 + rng() % 100;
    std::optional<int64_t> a = full.find(first, last, bytes, ArenaFit::First);
    std::optional<int64_t> b = lean.find(first, last, bytes, ArenaFit::First);
    ASSERT_EQ(a, b) << "block " << i;
    full.place({first, last, *a, bytes});
    lean.place({first, last, *b, bytes});
  }
  EXPECT_EQ(full.getHighWater(), lean.getHighWater());
}

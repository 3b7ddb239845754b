//===- OffsetsTest.cpp - Arena offset planning ----------------------------===//

#include "strata/Planning/Offsets.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <gtest/gtest.h>

#include <random>

using namespace mlir;
using namespace mlir::strata;

namespace {

// The cases of TensorFlow Lite Micro's greedy memory planner tests,
// re-typed as data: {first step, last step, 0, bytes} (the offset is the
// planner's to choose).

TEST(ArenaOffsets, TwoBuffersAtDifferentTimesShareOffsetZero) {
  SmallVector<ArenaBlock> buffers = {{0, 1, 0, 10}, {2, 3, 0, 20}};
  ArenaPlan plan = planArenaOffsets(buffers);
  EXPECT_EQ(plan.arenaBytes, 20);
  EXPECT_EQ(plan.offsets, (SmallVector<int64_t>{0, 0}));
  EXPECT_FALSE(findArenaOverlap(buffers, plan.offsets));
}

TEST(ArenaOffsets, FiveBuffersFitIn90Bytes) {
  SmallVector<ArenaBlock> buffers = {{0, 1, 0, 10},
                                     {1, 2, 0, 20},
                                     {2, 3, 0, 30},
                                     {3, 4, 0, 40},
                                     {0, 1, 0, 50}};
  ArenaPlan plan = planArenaOffsets(buffers);
  EXPECT_EQ(plan.arenaBytes, 90);
  EXPECT_EQ(plan.offsets, (SmallVector<int64_t>{50, 70, 40, 0, 0}));
  EXPECT_FALSE(findArenaOverlap(buffers, plan.offsets));
}

TEST(ArenaOffsets, ThreeOverlappingBuffersNeed120Bytes) {
  SmallVector<ArenaBlock> buffers = {
      {0, 1, 0, 100}, {2, 3, 0, 50}, {1, 2, 0, 20}};
  ArenaPlan plan = planArenaOffsets(buffers);
  EXPECT_EQ(plan.arenaBytes, 120);
  EXPECT_EQ(plan.offsets, (SmallVector<int64_t>{0, 0, 100}));
  EXPECT_FALSE(findArenaOverlap(buffers, plan.offsets));
  // 100 B and 20 B are live together at step 1: no arena is smaller.
  EXPECT_EQ(getArenaLowerBound(buffers), 120);
}

TEST(ArenaOffsets, OffsetsAreAligned) {
  SmallVector<ArenaBlock> buffers = {
      {0, 1, 0, 100}, {1, 2, 0, 30}, {0, 2, 0, 7}};
  ArenaPlan plan = planArenaOffsets(buffers, 64);
  for (int64_t offset : plan.offsets)
    EXPECT_EQ(offset % 64, 0);
  EXPECT_EQ(plan.offsets, (SmallVector<int64_t>{0, 128, 192}));
  EXPECT_EQ(plan.arenaBytes, 199);
  EXPECT_FALSE(findArenaOverlap(buffers, plan.offsets));
}

TEST(ArenaOffsets, OverlapIsFound) {
  SmallVector<ArenaBlock> buffers = {
      {0, 1, 0, 10}, {1, 2, 0, 10}, {3, 4, 0, 10}};
  SmallVector<int64_t> offsets = {0, 5, 0};
  auto overlap = findArenaOverlap(buffers, offsets);
  ASSERT_TRUE(overlap);
  EXPECT_EQ(*overlap, std::make_pair(0, 1));
  // Buffers live at different steps may share bytes.
  EXPECT_FALSE(findArenaOverlap(buffers, SmallVector<int64_t>{0, 10, 0}));
}

TEST(ArenaOffsets, RandomPlansAreValid) {
  for (unsigned seed = 0; seed < 200; ++seed) {
    std::mt19937 rng(seed);
    SmallVector<ArenaBlock> buffers;
    for (int i = 0, n = 2 + rng() % 20; i < n; ++i) {
      int first = rng() % 30;
      int64_t bytes = 1 + rng() % 1000;
      buffers.push_back({first, first + int(rng() % 8), 0, bytes});
    }
    int64_t alignment = 1 << (rng() % 4);
    ArenaPlan plan = planArenaOffsets(buffers, alignment);
    EXPECT_FALSE(findArenaOverlap(buffers, plan.offsets)) << "seed " << seed;
    int64_t bound = getArenaLowerBound(buffers);
    EXPECT_GE(plan.arenaBytes, bound) << "seed " << seed;
    int64_t total = 0;
    for (auto [buffer, offset] : llvm::zip(buffers, plan.offsets)) {
      EXPECT_EQ(offset % alignment, 0);
      EXPECT_LE(offset + buffer.bytes, plan.arenaBytes);
      total += llvm::alignTo(buffer.bytes, alignment);
    }
    EXPECT_LE(plan.arenaBytes, total) << "seed " << seed;
  }
}

} // namespace

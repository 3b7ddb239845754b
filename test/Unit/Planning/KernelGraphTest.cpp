//===- KernelGraphTest.cpp - Kernel graph and liveness tests --------------===//

#include "strata/Planning/KernelGraph.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

/// A chain a -> b -> c, plus d reading a: liveness by hand.
static KernelGraph diamond() {
  KernelGraph g;
  // Values: 0 = argument (100 B), 1 = a (10), 2 = b (20), 3 = c (40, output),
  // 4 = d (80, output).
  g.values = {{100, ValueKind::Argument, -1, {0}, false},
              {10, ValueKind::Activation, 0, {1, 3}, false},
              {20, ValueKind::Activation, 1, {2}, false},
              {40, ValueKind::Activation, 2, {}, true},
              {80, ValueKind::Activation, 3, {}, true}};
  g.nodes = {{{0}, {1}}, {{1}, {2}}, {{2}, {3}}, {{1}, {4}}};
  return g;
}

TEST(KernelGraph, LivenessInBlockOrder) {
  MemoryProfile p = computeMemoryProfile(diamond());
  // step 0: a; 1: a b; 2: a b c; 3: a c d.
  ASSERT_EQ(p.liveBytes.size(), 4u);
  EXPECT_EQ(p.liveBytes[0], 10);
  EXPECT_EQ(p.liveBytes[1], 30);
  EXPECT_EQ(p.liveBytes[2], 70);
  EXPECT_EQ(p.liveBytes[3], 130);
  EXPECT_EQ(p.peakBytes, 130);
  EXPECT_EQ(p.peakStep, 3);
  EXPECT_EQ(p.liveAtPeak, (SmallVector<int>{1, 3, 4}));
}

TEST(KernelGraph, OrderChangesThePeak) {
  // Running d right after a frees a early: 0: a; 3: a d; 1: a b d;
  // 2: b c d.
  MemoryProfile p = computeMemoryProfile(diamond(), {0, 3, 1, 2});
  EXPECT_EQ(p.liveBytes[0], 10);
  EXPECT_EQ(p.liveBytes[1], 90);
  EXPECT_EQ(p.liveBytes[2], 110);
  EXPECT_EQ(p.liveBytes[3], 140);
  EXPECT_EQ(p.peakBytes, 140);
}

TEST(KernelGraph, ArgumentsCountOnRequest) {
  LivenessOptions opts;
  opts.countArguments = true;
  MemoryProfile p = computeMemoryProfile(diamond(), opts);
  // The argument is live from the start through its last use (step 0).
  EXPECT_EQ(p.liveBytes[0], 110);
  EXPECT_EQ(p.liveBytes[1], 30);
}

TEST(KernelGraph, EmptyGraph) {
  MemoryProfile p = computeMemoryProfile(KernelGraph());
  EXPECT_EQ(p.peakBytes, 0);
  EXPECT_EQ(p.peakStep, -1);
}

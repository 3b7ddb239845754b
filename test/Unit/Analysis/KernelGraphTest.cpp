//===- KernelGraphTest.cpp - Kernel graph and liveness tests --------------===//

#include "strata/Analysis/KernelGraph.h"

#include "strata/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

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
  g.nodes = {{nullptr, {0}, {1}},
             {nullptr, {1}, {2}},
             {nullptr, {2}, {3}},
             {nullptr, {1}, {4}}};
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

TEST(KernelGraph, BuildFromIR) {
  DialectRegistry registry;
  registerAllDialectsForStrata(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"(
    func.func @f(%a: tensor<4x4xf32>) -> tensor<16xf32> {
      %w = "tosa.const"() {values = dense<1.0> : tensor<4x4xf32>} : () -> tensor<4x4xf32>
      %0 = tosa.add %a, %w : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
      %s = tosa.const_shape {values = dense<16> : tensor<1xindex>} : () -> !tosa.shape<1>
      %1 = tosa.reshape %0, %s : (tensor<4x4xf32>, !tosa.shape<1>) -> tensor<16xf32>
      %2 = tosa.exp %1 : (tensor<16xf32>) -> tensor<16xf32>
      return %2 : tensor<16xf32>
    })",
                                                             &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  FailureOr<KernelGraph> g = buildKernelGraph(func.getBody().front());
  ASSERT_TRUE(succeeded(g));
  // Two kernels (add, exp); the reshape is a view of add's result.
  ASSERT_EQ(g->nodes.size(), 2u);
  EXPECT_EQ(g->nodes[0].op->getName().getStringRef(), "tosa.add");
  EXPECT_EQ(g->nodes[1].inputs, g->nodes[0].outputs);
  // Values: argument, constant, add's result, exp's result.
  ASSERT_EQ(g->values.size(), 4u);
  EXPECT_EQ(g->values[1].kind, ValueKind::Constant);
  EXPECT_TRUE(g->values[3].isOutput);
  MemoryProfile p = computeMemoryProfile(*g);
  EXPECT_EQ(p.peakBytes, 128); // add's 64 B and exp's 64 B at step 1
  LivenessOptions all;
  all.countArguments = all.countConstants = true;
  EXPECT_EQ(computeMemoryProfile(*g, all).peakBytes, 64 + 64 + 64);
}

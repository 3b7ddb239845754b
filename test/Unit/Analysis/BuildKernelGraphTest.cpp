//===- BuildKernelGraphTest.cpp - Kernel graphs from IR -------------------===//

#include "strata/Analysis/BuildKernelGraph.h"

#include "strata/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

TEST(BuildKernelGraph, FromIR) {
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
  FailureOr<IRKernelGraph> ir = buildKernelGraph(func.getBody().front());
  ASSERT_TRUE(succeeded(ir));
  const KernelGraph *g = &ir->graph;
  // Two kernels (add, exp); the reshape is a view of add's result.
  ASSERT_EQ(g->nodes.size(), 2u);
  ASSERT_EQ(ir->ops.size(), 2u);
  EXPECT_EQ(ir->ops[0]->getName().getStringRef(), "tosa.add");
  EXPECT_EQ(getKernelName(ir->ops[1]), "tosa.exp");
  // Each graph value keeps its IR value; the reshape's stands for add's.
  ASSERT_EQ(ir->values.size(), 4u);
  EXPECT_EQ(ir->values[0], func.getArgument(0));
  EXPECT_EQ(ir->values[2], ir->ops[0]->getResult(0));
  EXPECT_EQ(ir->values[3], ir->ops[1]->getResult(0));
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

//===- OpCategoryTest.cpp - One classification of ops ---------------------===//
//
// Every op gets one category, and the views derived from it agree: the
// kernel graph's nodes and views, the grouping's kernel ops, the cost
// model's work classes and the learned model's op kinds.
//
//===----------------------------------------------------------------------===//

#include "strata/CostModel/OpCategory.h"

#include "strata/Analysis/BuildKernelGraph.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/Features.h"
#include "strata/InitAll.h"
#include "strata/Support/Constants.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
// One op of each kind; @copy holds a linalg.generic that only copies,
// @scale one that computes.
const char *kSource = R"(
  func.func @ops(%x: tensor<1x8x8x16xf32>, %a: tensor<1x4x8xf32>,
                 %b: tensor<1x8x4xf32>, %w: tensor<4x1x1x16xf32>,
                 %bias: tensor<4xf32>, %v: tensor<4xf32>,
                 %img: tensor<1x14x14x32xf32>, %k: tensor<2x2xf32>,
                 %f: tensor<1x3x3x8xf32>, %fw: tensor<1x1x8x4xf32>)
      -> (tensor<1x8x8x16xf32>) {
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
    %shape = tosa.const_shape {values = dense<[1, 1024]> : tensor<2xindex>} : () -> !tosa.shape<2>
    %m = tosa.matmul %a, %b, %zp, %zp : (tensor<1x4x8xf32>, tensor<1x8x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4xf32>
    %c = tosa.conv2d %x, %w, %bias, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x8x8x16xf32>, tensor<4x1x1x16xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
    %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x16xf32>) -> tensor<1x4x4x16xf32>
    %s = tosa.reduce_sum %x {axis = 3 : i32} : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x1xf32>
    %e = tosa.exp %x : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
    %sum = tosa.add %x, %e : (tensor<1x8x8x16xf32>, tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
    %r = tosa.reshape %sum, %shape : (tensor<1x8x8x16xf32>, !tosa.shape<2>) -> tensor<1x1024xf32>
    %pre = strata.prefetch %v : tensor<4xf32> to #strata.placement<tier = "sram", offset = 0, alignment = 64>
    %empty = tensor.empty() : tensor<1x7x7x32xf32>
    %lp = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
        ins(%img, %k : tensor<1x14x14x32xf32>, tensor<2x2xf32>) outs(%empty : tensor<1x7x7x32xf32>) -> tensor<1x7x7x32xf32>
    %cinit = tensor.empty() : tensor<1x3x3x4xf32>
    %lc = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
        ins(%f, %fw : tensor<1x3x3x8xf32>, tensor<1x1x8x4xf32>) outs(%cinit : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
    %zero = arith.constant 0.0 : f32
    %fill = linalg.fill ins(%zero : f32) outs(%cinit : tensor<1x3x3x4xf32>) -> tensor<1x3x3x4xf32>
    %g = strata.group(%y = %x) : (tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32> {
      %gzp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
      %n = tosa.negate %y, %gzp, %gzp : (tensor<1x8x8x16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x16xf32>
      strata.yield %n : tensor<1x8x8x16xf32>
    }
    return %g : tensor<1x8x8x16xf32>
  }
  func.func @copy(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
    %init = tensor.empty() : tensor<8x4xf32>
    %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<4x8xf32>) outs(%init : tensor<8x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    } -> tensor<8x4xf32>
    return %t : tensor<8x4xf32>
  }
  func.func @scale(%x: tensor<8xf32>) -> tensor<8xf32> {
    %init = tensor.empty() : tensor<8xf32>
    %t = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
        ins(%x : tensor<8xf32>) outs(%init : tensor<8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %d = arith.addf %in, %in : f32
      linalg.yield %d : f32
    } -> tensor<8xf32>
    return %t : tensor<8xf32>
  }
)";

class OpCategoryTest : public ::testing::Test {
protected:
  OpCategoryTest() {
    DialectRegistry registry;
    registerAllDialectsForStrata(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    module = parseSourceString<ModuleOp>(kSource, &context);
  }

  /// The first op named `name` in function `func`.
  Operation *find(StringRef func, StringRef name) {
    Operation *found = nullptr;
    module->walk([&](func::FuncOp f) {
      if (f.getSymName() != func)
        return;
      f.walk([&](Operation *op) {
        if (!found && op->getName().getStringRef() == name)
          found = op;
      });
    });
    EXPECT_TRUE(found) << name.str();
    return found;
  }

  OpCategory category(StringRef name, StringRef func = "ops") {
    return getOpCategory(find(func, name));
  }

  OpClass workClass(StringRef name, StringRef func = "ops") {
    FailureOr<OpWork> work = analyzeOpWork(find(func, name));
    EXPECT_TRUE(succeeded(work)) << name.str();
    return succeeded(work) ? work->cls : OpClass::Free;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};
} // namespace

TEST_F(OpCategoryTest, EachOpHasItsCategory) {
  ASSERT_TRUE(module);
  EXPECT_EQ(category("tosa.const"), OpCategory::Constant);
  EXPECT_EQ(category("tosa.const_shape"), OpCategory::Constant);
  EXPECT_EQ(category("arith.constant"), OpCategory::Constant);
  EXPECT_EQ(category("tensor.empty"), OpCategory::Empty);
  EXPECT_EQ(category("tosa.reshape"), OpCategory::View);
  EXPECT_EQ(category("strata.prefetch"), OpCategory::TierCopy);
  EXPECT_EQ(category("tosa.matmul"), OpCategory::Contraction);
  EXPECT_EQ(category("tosa.conv2d"), OpCategory::Convolution);
  EXPECT_EQ(category("linalg.conv_2d_nhwc_hwcf"), OpCategory::Convolution);
  EXPECT_EQ(category("tosa.max_pool2d"), OpCategory::Pooling);
  EXPECT_EQ(category("linalg.pooling_nhwc_max"), OpCategory::Pooling);
  EXPECT_EQ(category("tosa.reduce_sum"), OpCategory::Reduction);
  EXPECT_EQ(category("tosa.exp"), OpCategory::Elementwise);
  EXPECT_EQ(category("tosa.add"), OpCategory::Elementwise);
  EXPECT_EQ(category("linalg.fill"), OpCategory::Movement);
  EXPECT_EQ(category("strata.group"), OpCategory::Group);
  EXPECT_EQ(category("func.return"), OpCategory::Structural);
  EXPECT_EQ(category("linalg.generic", "copy"), OpCategory::Movement);
  EXPECT_EQ(category("linalg.generic", "scale"), OpCategory::Elementwise);
  EXPECT_EQ(stringifyOpCategory(OpCategory::TierCopy), "tier-copy");
}

TEST_F(OpCategoryTest, KernelsAndGraphAgree) {
  ASSERT_TRUE(module);
  // Compute and movement ops are kernels; plumbing is not.
  for (StringRef name :
       {"tosa.matmul", "tosa.conv2d", "tosa.max_pool2d", "tosa.reduce_sum",
        "tosa.exp", "linalg.fill", "linalg.pooling_nhwc_max"}) {
    EXPECT_TRUE(isKernelOp(find("ops", name))) << name.str();
    EXPECT_TRUE(isKernelGraphNode(find("ops", name))) << name.str();
    EXPECT_FALSE(isKernelGraphView(find("ops", name))) << name.str();
  }
  for (StringRef name : {"tosa.const", "tensor.empty", "tosa.reshape",
                         "strata.prefetch", "strata.group", "func.return"})
    EXPECT_FALSE(isKernelOp(find("ops", name))) << name.str();
  // A group is a kernel (what reports count) but not a kernel op (what
  // grouping wraps).
  EXPECT_TRUE(isKernel(find("ops", "strata.group")));
  EXPECT_FALSE(isKernel(find("ops", "tosa.reshape")));
  // Views and tier copies alias their source in the kernel graph.
  EXPECT_TRUE(isKernelGraphView(find("ops", "tosa.reshape")));
  EXPECT_TRUE(isKernelGraphView(find("ops", "strata.prefetch")));
  EXPECT_FALSE(isKernelGraphNode(find("ops", "tosa.const")));
  EXPECT_FALSE(isKernelGraphNode(find("ops", "tensor.empty")));
}

TEST_F(OpCategoryTest, CostClassesFollowTheCategory) {
  ASSERT_TRUE(module);
  EXPECT_EQ(workClass("tosa.matmul"), OpClass::Matrix);
  EXPECT_EQ(workClass("tosa.conv2d"), OpClass::Matrix);
  EXPECT_EQ(workClass("linalg.conv_2d_nhwc_hwcf"), OpClass::Matrix);
  // Pooling windows do no multiply-adds: vector peak, not matrix.
  EXPECT_EQ(workClass("linalg.pooling_nhwc_max"), OpClass::Vector);
  EXPECT_EQ(workClass("tosa.max_pool2d"), OpClass::Vector);
  // A tier copy moves bytes; it computes nothing.
  EXPECT_EQ(workClass("strata.prefetch"), OpClass::Movement);
  EXPECT_EQ(workClass("linalg.fill"), OpClass::Movement);
  EXPECT_EQ(workClass("linalg.generic", "copy"), OpClass::Movement);
  EXPECT_EQ(workClass("tosa.reshape"), OpClass::Free);
  EXPECT_EQ(workClass("func.return"), OpClass::Free);

  EXPECT_EQ(classifyOp(find("ops", "linalg.pooling_nhwc_max")), OpKind::Pool);
  EXPECT_EQ(classifyOp(find("ops", "tosa.max_pool2d")), OpKind::Pool);
  EXPECT_EQ(classifyOp(find("ops", "linalg.conv_2d_nhwc_hwcf")), OpKind::Conv);
  EXPECT_EQ(classifyOp(find("ops", "tosa.matmul")), OpKind::Matmul);
  EXPECT_EQ(classifyOp(find("ops", "tosa.reduce_sum")), OpKind::Reduce);
  EXPECT_EQ(classifyOp(find("ops", "tosa.exp")), OpKind::Transcendental);
  EXPECT_EQ(classifyOp(find("ops", "tosa.add")), OpKind::Elementwise);
  EXPECT_EQ(classifyOp(find("ops", "strata.prefetch")), OpKind::Movement);
  EXPECT_EQ(classifyOp(find("ops", "strata.group")), OpKind::Free);
}

TEST_F(OpCategoryTest, OneRuleForWhatAKernelHolds) {
  ASSERT_TRUE(module);
  // Zero points, shapes and scalars, and empty tensors are held; arguments
  // (weights in a model) are read.
  EXPECT_TRUE(isInlinedIntoKernel(find("ops", "tosa.const")->getResult(0)));
  EXPECT_TRUE(isInlinedIntoKernel(find("ops", "arith.constant")->getResult(0)));
  EXPECT_TRUE(isInlinedIntoKernel(find("ops", "tensor.empty")->getResult(0)));
  auto func = *module->getOps<func::FuncOp>().begin();
  EXPECT_FALSE(isInlinedIntoKernel(func.getArgument(0)));
  EXPECT_FALSE(isInlinedIntoKernel(find("ops", "tosa.exp")->getResult(0)));
}

//===- CostModelTest.cpp - Op work and roofline model tests ---------------===//

#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/LearnedModel.h"
#include "strata/CostModel/OpCategory.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
class CostModelTest : public ::testing::Test {
protected:
  CostModelTest() {
    DialectRegistry registry;
    registerAllDialectsForStrata(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `body` as the body of @f and returns its first op named `name`.
  Operation *parse(StringRef source, StringRef name) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return nullptr;
    Operation *found = nullptr;
    module->walk([&](Operation *op) {
      if (!found && op->getName().getStringRef() == name)
        found = op;
    });
    return found;
  }

  /// A one-unit, one-tier target with round numbers.
  static TargetDescription simpleTarget() {
    TargetDescription t;
    t.name = "simple";
    t.units.push_back({"u", 1, /*matrix=*/1e9, /*vector=*/1e8});
    t.tiers.push_back({"mem", 1ull << 30, /*bandwidth=*/1e9, 0});
    return t;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};
} // namespace

TEST_F(CostModelTest, TosaMatmul) {
  Operation *op = parse(R"(
    func.func @f(%a: tensor<2x64x32xf32>, %b: tensor<2x32x16xf32>,
                 %zp: tensor<1xf32>) -> tensor<2x64x16xf32> {
      %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<2x64x32xf32>,
          tensor<2x32x16xf32>, tensor<1xf32>, tensor<1xf32>)
          -> tensor<2x64x16xf32>
      return %0 : tensor<2x64x16xf32>
    })",
                        "tosa.matmul");
  ASSERT_NE(op, nullptr);
  FailureOr<OpWork> work = analyzeOpWork(op);
  ASSERT_TRUE(succeeded(work));
  EXPECT_EQ(work->cls, OpClass::Matrix);
  EXPECT_DOUBLE_EQ(work->flops, 2.0 * 2 * 64 * 16 * 32);
  EXPECT_DOUBLE_EQ(work->bytesRead, 4.0 * (2 * 64 * 32 + 2 * 32 * 16 + 2));
  EXPECT_DOUBLE_EQ(work->bytesWritten, 4.0 * 2 * 64 * 16);

  auto model = createRooflineCostModel(simpleTarget());
  FailureOr<CostEstimate> est = model->estimate(op);
  ASSERT_TRUE(succeeded(est));
  // 131072 FLOP / 1e9 = 131 us; 33800 B / 1e9 = 34 us: compute-bound.
  EXPECT_TRUE(est->computeBound);
  EXPECT_DOUBLE_EQ(est->seconds, work->flops / 1e9);
}

TEST_F(CostModelTest, KernelTransposeOfConstantIsFree) {
  // In a kernel, a transpose of a constant input (a filter or fully
  // connected weights, folded by strata-pack-constants at compile time)
  // costs nothing; one of a computed input moves its bytes.
  parse(R"(
    func.func @f(%x: tensor<4x8xf32>) -> (tensor<8x4xf32>, tensor<8x4xf32>) {
      %w = "tosa.const"() {values = dense<1.0> : tensor<4x8xf32>} : () -> tensor<4x8xf32>
      %0:2 = strata.group(%c = %w, %v = %x) : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<8x4xf32>, tensor<8x4xf32>) {
        %t = tosa.transpose %c {perms = array<i32: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
        %u = tosa.transpose %v {perms = array<i32: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
        strata.yield %t, %u : tensor<8x4xf32>, tensor<8x4xf32>
      }
      return %0#0, %0#1 : tensor<8x4xf32>, tensor<8x4xf32>
    })",
        "tosa.transpose");
  ASSERT_TRUE(module);
  SmallVector<Operation *> transposes;
  module->walk([&](Operation *op) {
    if (op->getName().getStringRef() == "tosa.transpose")
      transposes.push_back(op);
  });
  ASSERT_EQ(transposes.size(), 2u);
  FailureOr<OpWork> folded = analyzeOpWork(transposes[0]);
  ASSERT_TRUE(succeeded(folded));
  EXPECT_EQ(folded->cls, OpClass::Free);
  EXPECT_DOUBLE_EQ(folded->bytesRead + folded->bytesWritten, 0);
  FailureOr<OpWork> moved = analyzeOpWork(transposes[1]);
  ASSERT_TRUE(succeeded(moved));
  EXPECT_EQ(moved->cls, OpClass::Movement);
  EXPECT_DOUBLE_EQ(moved->bytesRead, 4.0 * 32);
}

TEST_F(CostModelTest, LinalgMatmulAgreesWithTosa) {
  Operation *op = parse(R"(
    func.func @f(%a: tensor<64x32xf32>, %b: tensor<32x16xf32>,
                 %c: tensor<64x16xf32>) -> tensor<64x16xf32> {
      %0 = linalg.matmul ins(%a, %b : tensor<64x32xf32>, tensor<32x16xf32>)
                         outs(%c : tensor<64x16xf32>) -> tensor<64x16xf32>
      return %0 : tensor<64x16xf32>
    })",
                        "linalg.matmul");
  ASSERT_NE(op, nullptr);
  FailureOr<OpWork> work = analyzeOpWork(op);
  ASSERT_TRUE(succeeded(work));
  EXPECT_EQ(work->cls, OpClass::Matrix);
  // Payload is one mulf and one addf per point of the 64x16x32 domain.
  EXPECT_DOUBLE_EQ(work->flops, 2.0 * 64 * 16 * 32);
  // The accumulator is read.
  EXPECT_DOUBLE_EQ(work->bytesRead, 4.0 * (64 * 32 + 32 * 16 + 64 * 16));
}

TEST_F(CostModelTest, TosaConv2d) {
  Operation *op = parse(R"(
    func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<16x3x3x3xf32>,
                 %b: tensor<16xf32>, %zp: tensor<1xf32>) -> tensor<1x6x6x16xf32> {
      %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32,
          dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>,
          stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>,
          tensor<16x3x3x3xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>)
          -> tensor<1x6x6x16xf32>
      return %0 : tensor<1x6x6x16xf32>
    })",
                        "tosa.conv2d");
  ASSERT_NE(op, nullptr);
  FailureOr<OpWork> work = analyzeOpWork(op);
  ASSERT_TRUE(succeeded(work));
  EXPECT_EQ(work->cls, OpClass::Matrix);
  double outputs = 6 * 6 * 16;
  EXPECT_DOUBLE_EQ(work->flops, 2.0 * outputs * 3 * 3 * 3 + outputs);
}

TEST_F(CostModelTest, GroupedConv2d) {
  // 2 groups of 4 input channels: each output sums 3 * 3 * 4 products (a
  // quarter of the group-less convolution's 3 * 3 * 8), padded to 8x8.
  Operation *op = parse(R"(
    func.func @f(%x: tensor<1x8x8x8xf32>, %w: tensor<16x3x3x4xf32>,
                 %b: tensor<16xf32>) -> tensor<1x8x8x16xf32> {
      %0 = strata.grouped_conv2d %x, %w, %b {group = 2 : i64,
          pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
          dilation = array<i64: 1, 1>} : (tensor<1x8x8x8xf32>,
          tensor<16x3x3x4xf32>, tensor<16xf32>) -> tensor<1x8x8x16xf32>
      return %0 : tensor<1x8x8x16xf32>
    })",
                        "strata.grouped_conv2d");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(getOpCategory(op), OpCategory::Convolution);
  FailureOr<OpWork> work = analyzeOpWork(op);
  ASSERT_TRUE(succeeded(work));
  EXPECT_EQ(work->cls, OpClass::Matrix);
  double outputs = 8 * 8 * 16;
  EXPECT_DOUBLE_EQ(work->flops, 2.0 * outputs * 3 * 3 * 4 + outputs);
}

TEST_F(CostModelTest, ElementwiseIsMemoryBound) {
  Operation *op = parse(R"(
    func.func @f(%a: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<1024xf32> {
      %0 = tosa.add %a, %b : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
      return %0 : tensor<1024xf32>
    })",
                        "tosa.add");
  ASSERT_NE(op, nullptr);
  FailureOr<OpWork> work = analyzeOpWork(op);
  ASSERT_TRUE(succeeded(work));
  EXPECT_EQ(work->cls, OpClass::Vector);
  EXPECT_DOUBLE_EQ(work->flops, 1024);
  auto model = createRooflineCostModel(simpleTarget());
  FailureOr<CostEstimate> est = model->estimate(op);
  ASSERT_TRUE(succeeded(est));
  // 12 KiB at 1 GB/s (12.3 us) vs 1024 FLOP at 0.1 GFLOP/s (10.2 us).
  EXPECT_FALSE(est->computeBound);
  EXPECT_DOUBLE_EQ(est->seconds, 3 * 4096 / 1e9);
  EXPECT_DOUBLE_EQ(est->bytesMoved(), 3 * 4096);
}

TEST_F(CostModelTest, ReshapeAndConstantsAreFree) {
  Operation *op = parse(R"(
    func.func @f(%a: tensor<2x8xf32>) -> tensor<16xf32> {
      %s = tosa.const_shape {values = dense<16> : tensor<1xindex>} : () -> !tosa.shape<1>
      %0 = tosa.reshape %a, %s : (tensor<2x8xf32>, !tosa.shape<1>) -> tensor<16xf32>
      return %0 : tensor<16xf32>
    })",
                        "tosa.reshape");
  ASSERT_NE(op, nullptr);
  FailureOr<OpWork> work = analyzeOpWork(op);
  ASSERT_TRUE(succeeded(work));
  EXPECT_EQ(work->cls, OpClass::Free);
  EXPECT_EQ(work->bytesRead + work->bytesWritten, 0);
}

TEST_F(CostModelTest, GroupMovesOnlyItsBoundary) {
  Operation *op = parse(R"(
    func.func @f(%a: tensor<1024xf32>, %b: tensor<1024xf32>) -> tensor<1024xf32> {
      %0 = strata.group(%x = %a, %y = %b) : (tensor<1024xf32>, tensor<1024xf32>)
          -> tensor<1024xf32> {
        %1 = tosa.add %x, %y : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
        %2 = tosa.exp %1 : (tensor<1024xf32>) -> tensor<1024xf32>
        strata.yield %2 : tensor<1024xf32>
      }
      return %0 : tensor<1024xf32>
    })",
                        "strata.group");
  ASSERT_NE(op, nullptr);
  auto model = createRooflineCostModel(simpleTarget());
  FailureOr<CostEstimate> group = model->estimate(op);
  ASSERT_TRUE(succeeded(group));
  EXPECT_DOUBLE_EQ(group->flops, 2048);
  // Two inputs and one result; the intermediate %1 never leaves the group.
  EXPECT_DOUBLE_EQ(group->bytesMoved(), 3 * 4096);
  double parts = 0;
  for (Operation &inner : cast<GroupOp>(op).getBodyBlock().without_terminator())
    parts += (*model->estimate(&inner)).seconds;
  EXPECT_LT(group->seconds, parts);
}

TEST_F(CostModelTest, DynamicShapesFail) {
  Operation *op = parse(R"(
    func.func @f(%a: tensor<?xf32>) -> tensor<?xf32> {
      %0 = tosa.exp %a : (tensor<?xf32>) -> tensor<?xf32>
      return %0 : tensor<?xf32>
    })",
                        "tosa.exp");
  ASSERT_NE(op, nullptr);
  EXPECT_TRUE(failed(analyzeOpWork(op)));
}

TEST_F(CostModelTest, FactoryRejectsUnknownModel) {
  module = parseSourceString<ModuleOp>("module {}", &context);
  std::string error;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    error = d.str();
    return success();
  });
  EXPECT_TRUE(failed(createCostModel("oracle", "", *module)));
  EXPECT_NE(error.find("unknown cost model 'oracle'"), std::string::npos);
  FailureOr<std::unique_ptr<CostModel>> model =
      createCostModel("roofline", "npu-sram", *module);
  ASSERT_TRUE(succeeded(model));
  EXPECT_EQ((*model)->getTarget().name, "npu-sram");
  EXPECT_EQ((*model)->getName(), "roofline");
}

namespace {
/// On one instance of a unit, compute runs at that unit's peak divided by
/// its count; out-of-range units fail.
TEST_F(CostModelTest, EstimateOnUnitUsesThatUnitsShareOfThePeak) {
  Operation *op = parse(R"(
    func.func @f(%a: tensor<2x64x32xf32>, %b: tensor<2x32x16xf32>,
                 %zp: tensor<1xf32>) -> tensor<2x64x16xf32> {
      %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<2x64x32xf32>,
          tensor<2x32x16xf32>, tensor<1xf32>, tensor<1xf32>)
          -> tensor<2x64x16xf32>
      return %0 : tensor<2x64x16xf32>
    })",
                        "tosa.matmul");
  ASSERT_NE(op, nullptr);
  TargetDescription t = simpleTarget();
  // A second unit: four instances sharing 4e7 matrix FLOP/s.
  t.units.push_back({"slow", 4, /*matrix=*/4e7, /*vector=*/4e7});
  auto model = createRooflineCostModel(t);
  double flops = 2.0 * 2 * 64 * 16 * 32;
  FailureOr<CostEstimate> fast = model->estimateOnUnit(op, 0);
  FailureOr<CostEstimate> slow = model->estimateOnUnit(op, 1);
  ASSERT_TRUE(succeeded(fast) && succeeded(slow));
  EXPECT_DOUBLE_EQ(fast->seconds, flops / 1e9);
  EXPECT_DOUBLE_EQ(slow->seconds, flops / 1e7);
  // Without a unit, the best one for the class.
  EXPECT_DOUBLE_EQ(model->estimate(op)->seconds, flops / 1e9);
  EXPECT_TRUE(failed(model->estimateOnUnit(op, 2)));
}
TEST(LearnedModelMachine, OnlyISAAndCoresCount) {
  std::string zen4 = "cpu=znver4; cores=2; isa=avx2,avx512f";
  EXPECT_EQ(
      describeMachineDifference("cpu=znver5; cores=2; isa=avx2,avx512f", zen4),
      "");
  EXPECT_EQ(describeMachineDifference("cpu=znver4; cores=16; isa=avx2", zen4),
            "isa avx2 vs avx2,avx512f, cores 16 vs 2");
  EXPECT_EQ(describeMachineDifference("cpu=synthetic", zen4),
            "no isa recorded, no cores recorded");
}

} // namespace

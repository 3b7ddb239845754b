//===- FeaturesTest.cpp - Kernel feature extraction -----------------------===//

#include "strata/CostModel/Features.h"
#include "strata/CostModel/RegisterTile.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/InitAll.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringSet.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
class FeaturesTest : public ::testing::Test {
protected:
  FeaturesTest() {
    DialectRegistry registry;
    registerAllDialectsForStrata(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// Parses `source` and returns the features of its first op named `name`.
  FeatureVector extract(StringRef source, StringRef name) {
    module = parseSourceString<ModuleOp>(source, &context);
    EXPECT_TRUE(module);
    Operation *found = nullptr;
    module->walk([&](Operation *op) {
      if (!found && op->getName().getStringRef() == name)
        found = op;
    });
    EXPECT_TRUE(found) << name.str();
    FailureOr<FeatureVector> v = extractFeatures(found);
    EXPECT_TRUE(succeeded(v));
    return succeeded(v) ? *v : FeatureVector{};
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

float at(const FeatureVector &v, Feature f) { return getFeature(v, f); }
} // namespace

TEST_F(FeaturesTest, NamesMatchLayout) {
  ASSERT_EQ(getFeatureNames().size(), kNumFeatures);
  EXPECT_EQ(getFeatureNames()[static_cast<unsigned>(Feature::Flops)], "flops");
  EXPECT_EQ(getFeatureNames()[static_cast<unsigned>(Feature::ReductionSize)],
            "reduction_size");
  // Names are unique (they are dataset column headers).
  llvm::StringSet<> seen;
  for (StringRef name : getFeatureNames())
    EXPECT_TRUE(seen.insert(name).second) << name.str();
}

TEST_F(FeaturesTest, TosaMatmul) {
  FeatureVector v = extract(R"(
    func.func @f(%a: tensor<2x64x32xf32>, %b: tensor<2x32x16xf32>,
                 %zp: tensor<1xf32>) -> tensor<2x64x16xf32> {
      %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<2x64x32xf32>,
          tensor<2x32x16xf32>, tensor<1xf32>, tensor<1xf32>)
          -> tensor<2x64x16xf32>
      return %0 : tensor<2x64x16xf32>
    })",
                            "tosa.matmul");
  EXPECT_EQ(at(v, Feature::NumOps), 1);
  EXPECT_EQ(at(v, Feature::NumMatmul), 1);
  EXPECT_EQ(at(v, Feature::NumConv), 0);
  EXPECT_EQ(at(v, Feature::Depth), 1);
  // The zero point is read twice but counted once.
  EXPECT_EQ(at(v, Feature::NumInputs), 3);
  EXPECT_EQ(at(v, Feature::NumOutputs), 1);
  EXPECT_EQ(at(v, Feature::Flops), 2.0f * 2 * 64 * 16 * 32);
  EXPECT_EQ(at(v, Feature::MatrixFlops), at(v, Feature::Flops));
  EXPECT_EQ(at(v, Feature::BytesRead), 4.0f * (2 * 64 * 32 + 2 * 32 * 16 + 1));
  EXPECT_EQ(at(v, Feature::BytesWritten), 4.0f * 2 * 64 * 16);
  EXPECT_EQ(at(v, Feature::ReductionSize), 32);
  EXPECT_EQ(at(v, Feature::OutRank), 3);
  EXPECT_EQ(at(v, Feature::OutElements), 2 * 64 * 16);
  EXPECT_EQ(at(v, Feature::OutInnermost), 16);
  EXPECT_EQ(at(v, Feature::OutOutermost), 2);
  EXPECT_EQ(at(v, Feature::InElements), 2 * 64 * 32);
  EXPECT_EQ(at(v, Feature::InInnermost), 32);
  EXPECT_EQ(at(v, Feature::ElementBits), 32);
  EXPECT_EQ(at(v, Feature::IsFloat), 1);
  EXPECT_FLOAT_EQ(at(v, Feature::ArithmeticIntensity),
                  at(v, Feature::Flops) / (at(v, Feature::BytesRead) +
                                           at(v, Feature::BytesWritten)));
}

TEST_F(FeaturesTest, ConvAndReduce) {
  FeatureVector conv = extract(R"(
    func.func @f(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>,
                 %b: tensor<4xf32>, %zp: tensor<1xf32>) -> tensor<1x8x8x4xf32> {
      %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32,
          dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>,
          stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>,
          tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>)
          -> tensor<1x8x8x4xf32>
      return %0 : tensor<1x8x8x4xf32>
    })",
                               "tosa.conv2d");
  EXPECT_EQ(at(conv, Feature::NumConv), 1);
  EXPECT_EQ(at(conv, Feature::ReductionSize), 3 * 3 * 3);

  FeatureVector reduce = extract(R"(
    func.func @f(%x: tensor<4x100xi8>) -> tensor<4x1xi8> {
      %0 = tosa.reduce_max %x {axis = 1 : i32}
          : (tensor<4x100xi8>) -> tensor<4x1xi8>
      return %0 : tensor<4x1xi8>
    })",
                                 "tosa.reduce_max");
  EXPECT_EQ(at(reduce, Feature::NumReduce), 1);
  EXPECT_EQ(at(reduce, Feature::ReductionSize), 100);
  EXPECT_EQ(at(reduce, Feature::ElementBits), 8);
  EXPECT_EQ(at(reduce, Feature::IsFloat), 0);
  EXPECT_EQ(at(reduce, Feature::MatrixFlops), 0);
}

TEST_F(FeaturesTest, GroupChain) {
  // exp(a + b) * c: three compute ops, depth 3 along add -> exp -> mul,
  // two intermediates of 64 B that never leave the kernel; the reshape is
  // free.
  FeatureVector v = extract(R"(
    func.func @f(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>,
                 %c: tensor<16xf32>) -> tensor<16xf32> {
      %r = strata.group(%x = %a, %y = %b, %z = %c)
          : (tensor<4x4xf32>, tensor<4x4xf32>, tensor<16xf32>)
          -> tensor<16xf32> attributes {name = "chain"} {
        %0 = tosa.add %x, %y : (tensor<4x4xf32>, tensor<4x4xf32>)
            -> tensor<4x4xf32>
        %1 = tosa.exp %0 : (tensor<4x4xf32>) -> tensor<4x4xf32>
        %s = tosa.const_shape {values = dense<16> : tensor<1xindex>}
            : () -> !tosa.shape<1>
        %2 = tosa.reshape %1, %s : (tensor<4x4xf32>, !tosa.shape<1>)
            -> tensor<16xf32>
        %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>}
            : () -> tensor<1xi8>
        %3 = tosa.mul %2, %z, %shift : (tensor<16xf32>, tensor<16xf32>,
            tensor<1xi8>) -> tensor<16xf32>
        strata.yield %3 : tensor<16xf32>
      }
      return %r : tensor<16xf32>
    })",
                            "strata.group");
  EXPECT_EQ(at(v, Feature::NumOps), 3);
  EXPECT_EQ(at(v, Feature::Depth), 3);
  EXPECT_EQ(at(v, Feature::NumElementwise), 2);
  EXPECT_EQ(at(v, Feature::NumTranscendental), 1);
  EXPECT_EQ(at(v, Feature::TranscendentalElements), 16);
  EXPECT_EQ(at(v, Feature::NumInputs), 3);
  EXPECT_EQ(at(v, Feature::NumOutputs), 1);
  // Only the group's boundary moves.
  EXPECT_EQ(at(v, Feature::BytesRead), 3 * 64);
  EXPECT_EQ(at(v, Feature::BytesWritten), 64);
  EXPECT_EQ(at(v, Feature::IntermediateBytes), 2 * 64);
  EXPECT_EQ(at(v, Feature::ReductionSize), 1);
  EXPECT_EQ(at(v, Feature::OutRank), 1);
}

TEST_F(FeaturesTest, MovementKinds) {
  // transpose -> slice -> pad in one group: one movement op of each kind;
  // only the transpose's 2x3x4 = 24 elements count as transposed.
  FeatureVector v = extract(R"(
    func.func @f(%x: tensor<4x3x2xf32>) -> tensor<2x3x6xf32> {
      %r = strata.group(%a = %x) : (tensor<4x3x2xf32>) -> tensor<2x3x6xf32>
          attributes {name = "moves"} {
        %t = tosa.transpose %a {perms = array<i32: 2, 1, 0>}
            : (tensor<4x3x2xf32>) -> tensor<2x3x4xf32>
        %start = tosa.const_shape {values = dense<[0, 0, 1]> : tensor<3xindex>}
            : () -> !tosa.shape<3>
        %size = tosa.const_shape {values = dense<[2, 3, 2]> : tensor<3xindex>}
            : () -> !tosa.shape<3>
        %s = tosa.slice %t, %start, %size
            : (tensor<2x3x4xf32>, !tosa.shape<3>, !tosa.shape<3>)
            -> tensor<2x3x2xf32>
        %pads = tosa.const_shape
            {values = dense<[0, 0, 0, 0, 2, 2]> : tensor<6xindex>}
            : () -> !tosa.shape<6>
        %zero = "tosa.const"() {values = dense<0.0> : tensor<1xf32>}
            : () -> tensor<1xf32>
        %p = tosa.pad %s, %pads, %zero
            : (tensor<2x3x2xf32>, !tosa.shape<6>, tensor<1xf32>)
            -> tensor<2x3x6xf32>
        strata.yield %p : tensor<2x3x6xf32>
      }
      return %r : tensor<2x3x6xf32>
    })",
                            "strata.group");
  EXPECT_EQ(at(v, Feature::NumMovement), 3);
  EXPECT_EQ(at(v, Feature::NumTranspose), 1);
  EXPECT_EQ(at(v, Feature::NumCopy), 1);
  EXPECT_EQ(at(v, Feature::NumPad), 1);
  EXPECT_EQ(at(v, Feature::TransposedElements), 24);
  EXPECT_EQ(at(v, Feature::Depth), 3);
  // The transpose moves the innermost dimension: runs of one element.
  EXPECT_EQ(at(v, Feature::MovementRun), 1);

  // A slice that keeps whole rows copies 2 rows of 8 in one run; one that
  // cuts rows copies runs of the cut length; a concatenation along the
  // outer axis copies each input whole.
  auto run = [&](StringRef body, StringRef name) {
    return at(extract(body, name), Feature::MovementRun);
  };
  EXPECT_EQ(run(R"(
    func.func @f(%x: tensor<4x8xf32>) -> tensor<2x8xf32> {
      %start = tosa.const_shape {values = dense<[1, 0]> : tensor<2xindex>}
          : () -> !tosa.shape<2>
      %size = tosa.const_shape {values = dense<[2, 8]> : tensor<2xindex>}
          : () -> !tosa.shape<2>
      %0 = tosa.slice %x, %start, %size
          : (tensor<4x8xf32>, !tosa.shape<2>, !tosa.shape<2>)
          -> tensor<2x8xf32>
      return %0 : tensor<2x8xf32>
    })",
                "tosa.slice"),
            16);
  EXPECT_EQ(run(R"(
    func.func @f(%x: tensor<4x8xf32>) -> tensor<4x7xf32> {
      %start = tosa.const_shape {values = dense<[0, 1]> : tensor<2xindex>}
          : () -> !tosa.shape<2>
      %size = tosa.const_shape {values = dense<[4, 7]> : tensor<2xindex>}
          : () -> !tosa.shape<2>
      %0 = tosa.slice %x, %start, %size
          : (tensor<4x8xf32>, !tosa.shape<2>, !tosa.shape<2>)
          -> tensor<4x7xf32>
      return %0 : tensor<4x7xf32>
    })",
                "tosa.slice"),
            7);
  EXPECT_EQ(run(R"(
    func.func @f(%x: tensor<2x8xf32>, %y: tensor<3x8xf32>) -> tensor<5x8xf32> {
      %0 = tosa.concat %x, %y {axis = 0 : i32}
          : (tensor<2x8xf32>, tensor<3x8xf32>) -> tensor<5x8xf32>
      return %0 : tensor<5x8xf32>
    })",
                "tosa.concat"),
            16);

  // Elementwise kernels move nothing.
  FeatureVector add = extract(R"(
    func.func @f(%x: tensor<8xf32>) -> tensor<8xf32> {
      %0 = tosa.add %x, %x : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
      return %0 : tensor<8xf32>
    })",
                              "tosa.add");
  EXPECT_EQ(at(add, Feature::NumTranspose), 0);
  EXPECT_EQ(at(add, Feature::NumCopy), 0);
  EXPECT_EQ(at(add, Feature::NumPad), 0);
  EXPECT_EQ(at(add, Feature::TransposedElements), 0);
  EXPECT_EQ(at(add, Feature::MovementRun), 0);
}

TEST_F(FeaturesTest, MathClassesAndReductionAxes) {
  // rsqrt(x) then pow(., x) then exp: all three transcendental, one cheap,
  // one pow.
  FeatureVector math = extract(R"(
    func.func @f(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
      %r = strata.group(%a = %x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
          attributes {name = "math"} {
        %0 = tosa.rsqrt %a : (tensor<2x8xf32>) -> tensor<2x8xf32>
        %1 = tosa.pow %0, %a : (tensor<2x8xf32>, tensor<2x8xf32>)
            -> tensor<2x8xf32>
        %2 = tosa.exp %1 : (tensor<2x8xf32>) -> tensor<2x8xf32>
        strata.yield %2 : tensor<2x8xf32>
      }
      return %r : tensor<2x8xf32>
    })",
                               "strata.group");
  EXPECT_EQ(at(math, Feature::NumTranscendental), 3);
  EXPECT_EQ(at(math, Feature::TranscendentalElements), 48);
  EXPECT_EQ(at(math, Feature::CheapMathElements), 16);
  EXPECT_EQ(at(math, Feature::PowElements), 16);
  EXPECT_EQ(at(math, Feature::InnermostReduction), 0);

  auto reduceAxis = [&](int axis) {
    std::string shape = axis == 0 ? "1x64" : "16x1";
    std::string text = "func.func @f(%x: tensor<16x64xf32>) -> tensor<" +
                       shape +
                       "xf32> {\n"
                       "  %0 = tosa.reduce_sum %x {axis = " +
                       std::to_string(axis) +
                       " : i32} : (tensor<16x64xf32>) -> tensor<" + shape +
                       "xf32>\n"
                       "  return %0 : tensor<" +
                       shape + "xf32>\n}";
    return at(extract(text, "tosa.reduce_sum"), Feature::InnermostReduction);
  };
  EXPECT_EQ(reduceAxis(1), 1);
  EXPECT_EQ(reduceAxis(0), 0);
}

TEST_F(FeaturesTest, LinalgReductionAndSoftmax) {
  FeatureVector sum = extract(R"(
    #id = affine_map<(i, j) -> (i, j)>
    #row = affine_map<(i, j) -> (i)>
    func.func @f(%x: tensor<8x32xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
      %0 = linalg.generic {indexing_maps = [#id, #row],
          iterator_types = ["parallel", "reduction"]}
          ins(%x : tensor<8x32xf32>) outs(%init : tensor<8xf32>) {
      ^bb0(%in: f32, %acc: f32):
        %e = math.exp %in : f32
        %s = arith.addf %e, %acc : f32
        linalg.yield %s : f32
      } -> tensor<8xf32>
      return %0 : tensor<8xf32>
    })",
                              "linalg.generic");
  // A reduction, even with a transcendental payload.
  EXPECT_EQ(at(sum, Feature::NumReduce), 1);
  EXPECT_EQ(at(sum, Feature::ReductionSize), 32);
  // The init is read by the payload.
  EXPECT_EQ(at(sum, Feature::NumInputs), 2);

  FeatureVector softmax = extract(R"(
    func.func @f(%x: tensor<2x10xf32>, %o: tensor<2x10xf32>) -> tensor<2x10xf32> {
      %0 = linalg.softmax dimension(1) ins(%x : tensor<2x10xf32>)
          outs(%o : tensor<2x10xf32>) -> tensor<2x10xf32>
      return %0 : tensor<2x10xf32>
    })",
                                  "linalg.softmax");
  EXPECT_EQ(at(softmax, Feature::NumReduce), 1);
  EXPECT_EQ(at(softmax, Feature::ReductionSize), 10);
}

TEST_F(FeaturesTest, DynamicShapeFails) {
  module = parseSourceString<ModuleOp>(R"(
    func.func @f(%a: tensor<?xf32>) -> tensor<?xf32> {
      %0 = tosa.exp %a : (tensor<?xf32>) -> tensor<?xf32>
      return %0 : tensor<?xf32>
    })",
                                       &context);
  ASSERT_TRUE(module);
  Operation *exp = nullptr;
  module->walk([&](Operation *op) {
    if (op->getName().getStringRef() == "tosa.exp")
      exp = op;
  });
  ASSERT_TRUE(exp);
  EXPECT_TRUE(failed(extractFeatures(exp)));
}

// A kernel function (linalg on tensors, as strata-choose-lowering sees it):
// its body is one kernel, and the plan of its matmul gives the plan
// features; without a plan they are all 0.
TEST_F(FeaturesTest, KernelFunctionPlan) {
  const char *source = R"mlir(
    func.func @k(%a: tensor<100x64xf32>, %b: tensor<64x200xf32>,
                 %c: tensor<100x200xf32>) -> tensor<100x200xf32>
        attributes {strata.kernel} {
      %0 = linalg.matmul {strata.lowering = #strata.lowering<
               tile = [50, 200, 0], register_tile = [6, 48, 1],
               order = [0, 1, 2], vector_width = 16>}
          ins(%a, %b : tensor<100x64xf32>, tensor<64x200xf32>)
          outs(%c : tensor<100x200xf32>) -> tensor<100x200xf32>
      return %0 : tensor<100x200xf32>
    })mlir";
  module = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(module);
  auto kernel = *module->getOps<func::FuncOp>().begin();
  FailureOr<FeatureVector> v = extractFeatures(kernel);
  ASSERT_TRUE(succeeded(v));
  EXPECT_EQ(at(*v, Feature::NumMatmul), 1);
  EXPECT_EQ(at(*v, Feature::MatrixFlops), 2.0f * 100 * 64 * 200);
  EXPECT_EQ(at(*v, Feature::PlanRows), 6);
  EXPECT_EQ(at(*v, Feature::PlanColumns), 48);
  EXPECT_EQ(at(*v, Feature::PlanVectorWidth), 16);
  EXPECT_EQ(at(*v, Feature::PlanAccumulators), 18); // 6 rows x 3 vectors
  // 96 of 100 rows and 192 of 200 columns are in full tiles.
  EXPECT_NEAR(at(*v, Feature::PlanRemainderShare),
              1.0 - (96.0 * 192.0) / (100.0 * 200.0), 1e-6);
  EXPECT_EQ(at(*v, Feature::PlanOuterTileElements), 50 * 200);
  EXPECT_EQ(at(*v, Feature::PlanReductionBlock), 64);
  EXPECT_GT(at(*v, Feature::PlanStepEfficiency), 0.5);
  EXPECT_LE(at(*v, Feature::PlanStepEfficiency), 1.0);

  kernel.getBody().walk(
      [](linalg::MatmulOp op) { op->removeAttr("strata.lowering"); });
  FailureOr<FeatureVector> bare = extractFeatures(kernel);
  ASSERT_TRUE(succeeded(bare));
  for (Feature f :
       {Feature::PlanRows, Feature::PlanColumns, Feature::PlanVectorWidth,
        Feature::PlanAccumulators, Feature::PlanStepEfficiency,
        Feature::PlanRemainderShare, Feature::PlanOuterTileElements,
        Feature::PlanReductionBlock})
    EXPECT_EQ(at(*bare, f), 0);
  EXPECT_EQ(at(*bare, Feature::MatrixFlops), at(*v, Feature::MatrixFlops));
}

// The cycle model strata-choose-lowering ranks register tiles with: a 6x64
// tile on AVX-512 (24 accumulators) keeps the one 512-bit FMA pipe busy; a
// single vector waits on the FMA latency (4 cycles for 1 FMA); AVX2 issues
// two 256-bit FMAs a cycle.
TEST(RegisterTileTest, StepCyclesAndEfficiency) {
  VectorUnitModel avx512{16, 32}, avx2{8, 16};
  EXPECT_DOUBLE_EQ(estimateRegisterStepCycles(6, 64, avx512), 24.0);
  EXPECT_DOUBLE_EQ(estimateRegisterStepEfficiency(6, 64, avx512), 1.0);
  EXPECT_DOUBLE_EQ(estimateRegisterStepCycles(1, 16, avx512), 4.0);
  EXPECT_DOUBLE_EQ(estimateRegisterStepEfficiency(1, 16, avx512), 0.25);
  EXPECT_DOUBLE_EQ(estimateRegisterStepCycles(6, 16, avx2), 6.0);
  EXPECT_DOUBLE_EQ(estimateRegisterStepEfficiency(6, 16, avx2), 1.0);
  // A partial vector costs a whole one.
  EXPECT_DOUBLE_EQ(estimateRegisterStepCycles(6, 40, avx512),
                   estimateRegisterStepCycles(6, 48, avx512));
}

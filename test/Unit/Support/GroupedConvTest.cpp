//===- GroupedConvTest.cpp - Grouped and blocked ops, built and matched ---===//

#include "strata/Support/GroupedConv.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {
struct GroupedConvTest : ::testing::Test {
  GroupedConvTest() {
    context.loadDialect<arith::ArithDialect, linalg::LinalgDialect,
                        tensor::TensorDialect>();
    module = ModuleOp::create(UnknownLoc::get(&context));
    builder.setInsertionPointToEnd(module->getBody());
  }
  Value empty(ArrayRef<int64_t> shape) {
    return tensor::EmptyOp::create(builder, builder.getUnknownLoc(), shape,
                                   builder.getF32Type());
  }
  linalg::LinalgOp opOf(Value value) {
    return cast<linalg::LinalgOp>(value.getDefiningOp());
  }
  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  OpBuilder builder{&context};
};

TEST_F(GroupedConvTest, GroupedConvIsMatchedWithItsWindow) {
  // 4 groups of 3 input and 5 output channels, 3x3 window, stride 2,
  // dilation 1 by 3.
  Value conv = buildGroupedConv2D(
      builder, builder.getUnknownLoc(), empty({1, 9, 11, 4, 3}),
      empty({3, 3, 4, 3, 5}), empty({1, 4, 3, 4, 5}), {2, 2}, {1, 3});
  std::optional<SplitConv2D> grouped = matchGroupedConv2D(opOf(conv));
  ASSERT_TRUE(grouped.has_value());
  EXPECT_EQ(grouped->outerLoop, 3); // n, oh, ow, g, ...
  EXPECT_EQ(grouped->strides, (SmallVector<int64_t, 2>{2, 2}));
  EXPECT_EQ(grouped->dilations, (SmallVector<int64_t, 2>{1, 3}));
  // Not a blocked convolution (its input is split by group) nor a matmul.
  EXPECT_FALSE(matchBlockedConv2D(opOf(conv)).has_value());
  EXPECT_FALSE(matchBlockedMatmul(opOf(conv)).has_value());
}

TEST_F(GroupedConvTest, ShuffledGroupedConvIsMatchedWithItsRuns) {
  // 4 groups of 2 runs of 3 channels (a shuffle of 2 groups), 5 output
  // channels per group, 3x3 window, stride 2 by 1, dilation 2 by 1.
  Value conv = buildShuffledGroupedConv2D(
      builder, builder.getUnknownLoc(), empty({1, 9, 11, 2, 4, 3}),
      empty({3, 3, 4, 2, 3, 5}), empty({1, 3, 9, 4, 5}), {2, 1}, {2, 1});
  std::optional<SplitConv2D> grouped = matchGroupedConv2D(opOf(conv));
  ASSERT_TRUE(grouped.has_value());
  EXPECT_EQ(grouped->outerLoop, 3); // n, oh, ow, g, f, kh, kw, s, r
  EXPECT_EQ(grouped->runLoop, 7);
  EXPECT_EQ(grouped->strides, (SmallVector<int64_t, 2>{2, 1}));
  EXPECT_EQ(grouped->dilations, (SmallVector<int64_t, 2>{2, 1}));
  EXPECT_FALSE(matchBlockedConv2D(opOf(conv)).has_value());
  // The plain grouped convolution has no run loop.
  Value plain = buildGroupedConv2D(
      builder, builder.getUnknownLoc(), empty({1, 9, 11, 4, 3}),
      empty({3, 3, 4, 3, 5}), empty({1, 4, 3, 4, 5}), {2, 2}, {1, 3});
  EXPECT_EQ(matchGroupedConv2D(opOf(plain))->runLoop, -1);
}

TEST_F(GroupedConvTest, WindowedGroupedConvIsMatchedWithItsSubgroups) {
  // 4 groups of 34 channels read through a shuffle of 4 groups: 2 pairs of
  // groups, each group a window of 9 of the 17 channels of each of the 4
  // runs (windows 8 apart), 5 output channels per group, 3x3 window,
  // stride 1 by 2, dilation 1 by 2.
  Value conv = buildShuffledGroupedConv2D(
      builder, builder.getUnknownLoc(), empty({1, 7, 9, 4, 2, 17}),
      empty({3, 3, 2, 2, 4, 9, 5}), empty({1, 5, 3, 2, 2, 5}), {1, 2}, {1, 2});
  auto op = opOf(conv);
  // The run's channel: the group's window start plus the channel in it.
  AffineMap input = op.getIndexingMapsArray()[0];
  EXPECT_EQ(input.getResult(5),
            getAffineDimExpr(4, &context) * 8 + getAffineDimExpr(9, &context));
  std::optional<SplitConv2D> grouped = matchGroupedConv2D(op);
  ASSERT_TRUE(grouped.has_value());
  // n, oh, ow, pair, group, f, kh, kw, run, channel
  EXPECT_EQ(grouped->outerLoop, 3);
  EXPECT_EQ(grouped->subgroupLoop, 4);
  EXPECT_EQ(grouped->runLoop, 8);
  EXPECT_EQ(grouped->strides, (SmallVector<int64_t, 2>{1, 2}));
  EXPECT_EQ(grouped->dilations, (SmallVector<int64_t, 2>{1, 2}));
  EXPECT_FALSE(matchBlockedConv2D(op).has_value());
  // A convolution to Strata, though linalg's convolution interface refuses
  // it (the group loop moves the channel window and indexes the filter).
  EXPECT_FALSE(linalg::isaConvolutionOpInterface(op));
  EXPECT_TRUE(isaConvolution(op));
  // The shuffled grouped convolution without windows has no group loop.
  Value runs = buildShuffledGroupedConv2D(
      builder, builder.getUnknownLoc(), empty({1, 9, 11, 2, 4, 3}),
      empty({3, 3, 4, 2, 3, 5}), empty({1, 7, 9, 4, 5}), {1, 1}, {1, 1});
  EXPECT_EQ(matchGroupedConv2D(opOf(runs))->subgroupLoop, -1);
  EXPECT_TRUE(isaConvolution(opOf(runs)));
}

TEST(ShuffleWindowsTest, WindowsOfEachRun) {
  // ShuffleNet's: a shuffle of 4 before groups of 34 channels: pairs of
  // groups read 4 runs of 17, each group a window of 9, 8 apart.
  ShuffleWindows shuffleNet = getShuffleWindows(4, 34);
  EXPECT_EQ(shuffleNet.subgroups, 2);
  EXPECT_EQ(shuffleNet.runLength, 17);
  EXPECT_EQ(shuffleNet.step, 8);
  EXPECT_EQ(shuffleNet.window, 9);
  // 4 before groups of 6: gcd 2, pairs again, runs of 3, windows of 2.
  ShuffleWindows six = getShuffleWindows(4, 6);
  EXPECT_EQ(six.subgroups, 2);
  EXPECT_EQ(six.runLength, 3);
  EXPECT_EQ(six.window, 2);
  // 3 before groups of 4: triples of groups read 3 runs of 4, windows of
  // 2 one apart.
  ShuffleWindows triples = getShuffleWindows(3, 4);
  EXPECT_EQ(triples.subgroups, 3);
  EXPECT_EQ(triples.runLength, 4);
  EXPECT_EQ(triples.step, 1);
  EXPECT_EQ(triples.window, 2);
  // Runs that divide the group: no windows, each run read whole.
  ShuffleWindows plain = getShuffleWindows(4, 32);
  EXPECT_EQ(plain.subgroups, 1);
  EXPECT_EQ(plain.runLength, 8);
  EXPECT_EQ(plain.window, 8);
}

TEST_F(GroupedConvTest, BlockedConvIsMatchedWithItsWindow) {
  // 2 blocks of 64 output channels, 16 input channels, 1x1, stride 1.
  Value conv = buildBlockedConv2D(
      builder, builder.getUnknownLoc(), empty({2, 5, 5, 16}),
      empty({2, 1, 1, 16, 64}), empty({2, 5, 5, 2, 64}), {1, 1}, {1, 1});
  std::optional<SplitConv2D> blocked = matchBlockedConv2D(opOf(conv));
  ASSERT_TRUE(blocked.has_value());
  EXPECT_EQ(blocked->outerLoop, 3);
  EXPECT_EQ(blocked->strides, (SmallVector<int64_t, 2>{1, 1}));
  EXPECT_FALSE(matchGroupedConv2D(opOf(conv)).has_value());
  EXPECT_FALSE(matchBlockedMatmul(opOf(conv)).has_value());
}

TEST_F(GroupedConvTest, BlockedMatmulIsMatched) {
  Value matmul =
      buildBlockedMatmul(builder, builder.getUnknownLoc(), empty({1, 3, 32}),
                         empty({4, 32, 64}), empty({1, 3, 4, 64}));
  std::optional<int64_t> block = matchBlockedMatmul(opOf(matmul));
  ASSERT_TRUE(block.has_value());
  EXPECT_EQ(*block, 2); // batch, rows, block, ...
  EXPECT_FALSE(matchGroupedConv2D(opOf(matmul)).has_value());
  EXPECT_FALSE(matchBlockedConv2D(opOf(matmul)).has_value());
}

TEST_F(GroupedConvTest, OtherOpsAreNotMatched) {
  // A named convolution and an elementwise generic.
  Value conv = linalg::Conv2DNhwcHwcfOp::create(
                   builder, builder.getUnknownLoc(),
                   RankedTensorType::get({1, 3, 3, 8}, builder.getF32Type()),
                   ValueRange{empty({1, 5, 5, 4}), empty({3, 3, 4, 8})},
                   ValueRange{empty({1, 3, 3, 8})})
                   ->getResult(0);
  EXPECT_FALSE(matchGroupedConv2D(opOf(conv)).has_value());
  EXPECT_FALSE(matchBlockedConv2D(opOf(conv)).has_value());
  Value x = empty({4, 8});
  AffineMap id = builder.getMultiDimIdentityMap(2);
  auto add = linalg::GenericOp::create(
      builder, builder.getUnknownLoc(), x.getType(), ValueRange{x, x},
      ValueRange{empty({4, 8})}, SmallVector<AffineMap>{id, id, id},
      SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
      [](OpBuilder &b, Location loc, ValueRange args) {
        Value sum = arith::AddFOp::create(b, loc, args[0], args[1]);
        linalg::YieldOp::create(b, loc, sum);
      });
  EXPECT_FALSE(matchBlockedMatmul(add).has_value());
  EXPECT_FALSE(matchGroupedConv2D(add).has_value());
  EXPECT_FALSE(isaConvolution(add));
}
} // namespace

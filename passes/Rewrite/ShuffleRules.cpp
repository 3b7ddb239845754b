//===- ShuffleRules.cpp - Channel shuffles folded into convolutions -------===//
//
// Rule `strata.fold-channel-shuffle`. ShuffleNet mixes the groups of its
// grouped convolutions with channel shuffles: the channels viewed as
// S x C/S and transposed (a reshape, a transpose, a reshape back; in NHWC
// [N, H, W, C] -> [N*H*W, S, C/S] -> [N*H*W, C/S, S] -> [N, H, W, C]).
// Channel a * S + b of the shuffled tensor is channel b * C/S + a of its
// input. Two patterns move such a permutation of channels into the
// convolutions around it:
//
// - through a depthwise convolution (multiplier 1, constant weights and
//   bias), which is per channel: its weights and bias are permuted instead
//   and the shuffle moves below it, exactly;
// - into a grouped convolution whose groups of Cg channels S divides: the
//   convolution reads its input through the shuffle (`input_shuffle`), each
//   group S contiguous runs of Cg/S channels, which its expansion reduces
//   over as a second loop (strata/Support/GroupedConv.h); the sums run in
//   another order. When S does not divide Cg, each group reads a window of
//   each run, the filter zero where the window holds another group's
//   channels: folded when the windows add at most 1/8 of the work and the
//   weight is a constant. (A zero weight times an infinite or NaN input is
//   NaN where the graph summed no such product.)
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Rules.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Support/GroupedConv.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::strata;

namespace {
/// A channel shuffle: `input` (NHWC) with its channels viewed as
/// `groups` x C/groups and transposed.
struct ChannelShuffle {
  Value input;
  int64_t groups = 0;
};
} // namespace

/// The channel shuffle `value` is the result of, if it is one:
/// reshape(transpose(reshape(x))) with x and the result of one type whose
/// last dimension C splits as [..., S, C/S] -> [..., C/S, S].
static std::optional<ChannelShuffle> matchChannelShuffle(Value value) {
  auto back = value.getDefiningOp<tosa::ReshapeOp>();
  if (!back)
    return std::nullopt;
  auto transpose = back.getInput1().getDefiningOp<tosa::TransposeOp>();
  if (!transpose || !transpose->hasOneUse())
    return std::nullopt;
  auto split = transpose.getInput1().getDefiningOp<tosa::ReshapeOp>();
  if (!split || !split->hasOneUse())
    return std::nullopt;
  auto type = cast<RankedTensorType>(value.getType());
  auto inputType = cast<RankedTensorType>(split.getInput1().getType());
  auto splitType = cast<RankedTensorType>(split.getType());
  if (inputType != type || !type.hasStaticShape() || type.getRank() < 1 ||
      splitType.getRank() < 2)
    return std::nullopt;
  int64_t rank = splitType.getRank();
  ArrayRef<int32_t> perms = transpose.getPerms();
  for (int64_t i = 0; i < rank - 2; ++i)
    if (perms[i] != i)
      return std::nullopt;
  if (perms[rank - 2] != rank - 1 || perms[rank - 1] != rank - 2)
    return std::nullopt;
  // The split covers exactly the channels: the dimensions before it hold
  // the same elements as the input's dimensions before its channels.
  int64_t channels = type.getDimSize(type.getRank() - 1);
  int64_t groups = splitType.getDimSize(rank - 2);
  if (groups < 2 || groups * splitType.getDimSize(rank - 1) != channels)
    return std::nullopt;
  return ChannelShuffle{split.getInput1(), groups};
}

/// `value` (NHWC) with its channels shuffled in `groups` groups: a new
/// reshape, transpose and reshape back.
static Value buildChannelShuffle(PatternRewriter &rewriter, Location loc,
                                 Value value, int64_t groups) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t channels = type.getDimSize(type.getRank() - 1);
  int64_t rows = type.getNumElements() / channels;
  Value split =
      buildTosaReshape(rewriter, loc, value, {rows, groups, channels / groups});
  auto transposedType =
      type.clone(ArrayRef<int64_t>{rows, channels / groups, groups});
  Value transposed =
      tosa::TransposeOp::create(rewriter, loc, transposedType, split,
                                rewriter.getDenseI32ArrayAttr({0, 2, 1}));
  return buildTosaReshape(rewriter, loc, transposed, type.getShape());
}

/// The input channel of a shuffle of `groups` over `channels` that its
/// output channel `k` reads.
static int64_t shuffledSource(int64_t k, int64_t groups, int64_t channels) {
  return (k % groups) * (channels / groups) + k / groups;
}

/// Windows of a grouped convolution whose groups the shuffle's do not
/// divide may add at most 1/kMaxWindowWaste to its multiply-adds
/// (ShuffleNet's add 1/17: 36 channels reduced instead of 34); the
/// transpose they save moves the tensor through memory twice.
static constexpr int64_t kMaxWindowWaste = 8;

/// Whether `weight` is a constant, or the importer's transpose of one.
static bool isConstantWeight(Value weight) {
  if (auto transpose = weight.getDefiningOp<tosa::TransposeOp>())
    weight = transpose.getInput1();
  return matchPattern(weight, m_Constant());
}

namespace {
/// depthwise_conv2d(shuffle(x), W, b) -> shuffle(depthwise_conv2d(x, W', b'))
/// with W'[c] = W[k] and b'[c] = b[k] for the k that reads c.
struct SinkShuffleThroughDepthwise final
    : OpRewritePattern<tosa::DepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::DepthwiseConv2DOp conv,
                                PatternRewriter &rewriter) const override {
    std::optional<ChannelShuffle> shuffle =
        matchChannelShuffle(conv.getInput());
    if (!shuffle || !conv.getInput().hasOneUse())
      return rewriter.notifyMatchFailure(
          conv, "input is not a channel shuffle read only here");
    DenseElementsAttr weights, bias;
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!matchPattern(conv.getWeight(), m_Constant(&weights)) ||
        !matchPattern(conv.getBias(), m_Constant(&bias)) ||
        !weights.getElementType().isF32() || weightType.getDimSize(3) != 1)
      return rewriter.notifyMatchFailure(
          conv, "weights or bias not f32 constants, or a channel multiplier");
    int64_t channels = weightType.getDimSize(2);
    if (bias.getNumElements() != channels && bias.getNumElements() != 1)
      return rewriter.notifyMatchFailure(conv, "bias of another size");
    // Weights [KH][KW][C][1]: channel is the innermost index.
    SmallVector<float> w(weights.getValues<float>());
    SmallVector<float> permuted(w.size());
    for (int64_t i = 0, e = w.size(); i < e; i += channels)
      for (int64_t k = 0; k < channels; ++k)
        permuted[i + shuffledSource(k, shuffle->groups, channels)] = w[i + k];
    Location loc = conv.getLoc();
    Value newWeights = tosa::ConstOp::create(
        rewriter, conv.getWeight().getLoc(), weightType,
        DenseElementsAttr::get(weightType, ArrayRef<float>(permuted)));
    Value newBias = conv.getBias();
    if (bias.getNumElements() == channels && !bias.isSplat()) {
      SmallVector<float> b(bias.getValues<float>());
      SmallVector<float> permutedBias(channels);
      for (int64_t k = 0; k < channels; ++k)
        permutedBias[shuffledSource(k, shuffle->groups, channels)] = b[k];
      auto biasType = cast<RankedTensorType>(conv.getBias().getType());
      newBias = tosa::ConstOp::create(
          rewriter, conv.getBias().getLoc(), biasType,
          DenseElementsAttr::get(biasType, ArrayRef<float>(permutedBias)));
    }
    auto moved = tosa::DepthwiseConv2DOp::create(
        rewriter, loc, conv.getType(), shuffle->input, newWeights, newBias,
        conv.getInputZp(), conv.getWeightZp(), conv.getPadAttr(),
        conv.getStrideAttr(), conv.getDilationAttr(), conv.getAccTypeAttr());
    rewriter.replaceOp(
        conv, buildChannelShuffle(rewriter, loc, moved, shuffle->groups));
    return success();
  }
};

/// grouped_conv2d(shuffle(x)) -> grouped_conv2d(x) {input_shuffle = S}
/// when S divides the channels of a group, or its windows add little work
/// and the weight is a constant.
struct FoldShuffleIntoGroupedConv final : OpRewritePattern<GroupedConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GroupedConv2DOp conv,
                                PatternRewriter &rewriter) const override {
    if (conv.getInputShuffle())
      return rewriter.notifyMatchFailure(conv, "reads a shuffle already");
    std::optional<ChannelShuffle> shuffle =
        matchChannelShuffle(conv.getInput());
    if (!shuffle)
      return rewriter.notifyMatchFailure(conv, "input is not a shuffle");
    int64_t perGroup =
        conv.getInput().getType().getDimSize(3) / conv.getGroup();
    int64_t runs = shuffle->groups;
    if (perGroup % runs != 0) {
      // Groups of super-groups (GroupedConv.h): each group reduces a
      // window of W channels of each of the S runs, S * W >= Cg, the
      // filter zero where the group reads nothing.
      int64_t window = getShuffleWindows(runs, perGroup).window;
      if (runs * window * kMaxWindowWaste > perGroup * (kMaxWindowWaste + 1))
        return rewriter.notifyMatchFailure(
            conv, "the shuffle's groups do not divide the channels of a "
                  "group and its windows would add more than 1/8 to the "
                  "convolution's work");
      if (!isConstantWeight(conv.getWeight()))
        return rewriter.notifyMatchFailure(
            conv, "the shuffle's groups do not divide the channels of a "
                  "group and the weight is not a constant (the windows' "
                  "filter with zeros is built from constants)");
    }
    rewriter.modifyOpInPlace(conv, [&] {
      conv.getInputMutable().assign(shuffle->input);
      conv.setInputShuffle(shuffle->groups);
    });
    return success();
  }
};
} // namespace

void mlir::strata::populateFoldChannelShufflePatterns(
    RewritePatternSet &patterns) {
  patterns.add<SinkShuffleThroughDepthwise, FoldShuffleIntoGroupedConv>(
      patterns.getContext());
}

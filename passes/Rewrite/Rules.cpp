//===- Rules.cpp - The named rewrite rule library -------------------------===//
//
// The registry of named rules and the rules that have no pass of their own
// (the folds of a convolution's per-channel scale and shift).
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Rules.h"

#include "passes/Rewrite/Passes.h"

#include "passes/Fusion/Grouping.h"
#include "strata/Support/Constants.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::strata;

/// Weights larger than this are not rescaled element by element at compile
/// time (1 GiB of f32).
static constexpr int64_t kMaxFoldedElements = int64_t(1) << 28;

/// The per-channel factors of `value` for a result with `channels` output
/// channels (its last dimension): a constant shaped 1x..x1xC or 1x..x1x1
/// (a splat), as many values as channels.
static FailureOr<SmallVector<float>> getPerChannel(Value value, int64_t rank,
                                                   int64_t channels) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return failure();
  auto type = cast<ShapedType>(attr.getType());
  if (type.getRank() != rank)
    return failure();
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (type.getDimSize(d) != 1)
      return failure();
  int64_t last = type.getDimSize(rank - 1);
  if (last != 1 && last != channels)
    return failure();
  if (attr.isSplat())
    return SmallVector<float>(channels, attr.getSplatValue<float>());
  SmallVector<float> result;
  auto values = attr.getValues<float>();
  for (int64_t c = 0; c < channels; ++c)
    result.push_back(values[last == 1 ? 0 : c]);
  return result;
}

std::optional<ConstantLayout> mlir::strata::matchConstantLayout(Value value) {
  // `value` becomes the start of the chain, the would-be constant.
  SmallVector<Operation *> chain = getLayoutChain(value, value);
  DenseElementsAttr source;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!matchPattern(value, m_Constant(&source)) || !type ||
      !type.hasStaticShape())
    return std::nullopt;
  ConstantLayout result{value, source, LayoutChain(type.getShape())};
  for (Operation *op : chain) {
    if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
      result.layout.transpose(transpose.getPerms());
      continue;
    }
    auto shaped = cast<RankedTensorType>(op->getResult(0).getType());
    if (!shaped.hasStaticShape() || !result.layout.reshape(shaped.getShape()))
      return std::nullopt;
  }
  return result;
}

std::optional<LaidOutFilter> mlir::strata::matchLaidOutFilter(Value filter) {
  LaidOutFilter result;
  if (matchPattern(filter, m_Constant(&result.source)))
    return result;
  auto transpose = filter.getDefiningOp<tosa::TransposeOp>();
  if (!transpose || !transpose->hasOneUse() || transpose.getPerms().empty() ||
      transpose.getPerms().front() != 0 ||
      !matchPattern(transpose.getInput1(), m_Constant(&result.source)))
    return std::nullopt;
  result.perms.assign(transpose.getPerms().begin(), transpose.getPerms().end());
  return result;
}

Value mlir::strata::buildLaidOutFilter(OpBuilder &builder, Location loc,
                                       DenseElementsAttr source,
                                       ArrayRef<int32_t> perms) {
  auto type = cast<RankedTensorType>(source.getType());
  Value value = tosa::ConstOp::create(builder, loc, type, source);
  if (perms.empty())
    return value;
  SmallVector<int64_t> shape;
  for (int32_t p : perms)
    shape.push_back(type.getDimSize(p));
  return tosa::TransposeOp::create(builder, loc, type.clone(shape), value,
                                   builder.getDenseI32ArrayAttr(perms));
}

SmallVector<int32_t> mlir::strata::getFilterPerms(const LaidOutFilter &filter,
                                                  ArrayRef<int32_t> fromOhwi) {
  // Dimension i of the OHWI filter is dimension perms[i] of the constant.
  SmallVector<int32_t> perms;
  for (int32_t d : fromOhwi)
    perms.push_back(filter.perms.empty() ? d : filter.perms[d]);
  return perms;
}

bool mlir::strata::isZeroOrAbsent(Value value) {
  if (!value)
    return true;
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return false;
  if (auto ints = dyn_cast<DenseIntElementsAttr>(attr))
    return llvm::all_of(ints.getValues<APInt>(),
                        [](const APInt &v) { return v.isZero(); });
  if (auto floats = dyn_cast<DenseFPElementsAttr>(attr))
    return llvm::all_of(floats.getValues<APFloat>(),
                        [](const APFloat &v) { return v.isZero(); });
  return false;
}

Value mlir::strata::buildTosaReshape(PatternRewriter &rewriter, Location loc,
                                     Value value, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(value.getType());
  return tosa::ReshapeOp::create(rewriter, loc, type.clone(shape), value,
                                 tosa::getTosaConstShape(rewriter, loc, shape));
}

/// The convolution `value` is, if it is a tosa.conv2d,
/// strata.grouped_conv2d (weights OHWI, as conv2d's) or
/// tosa.depthwise_conv2d on f32 with constant weights (a conv2d's possibly
/// behind the layout transpose kernel formation folds, matchLaidOutFilter:
/// `perms`) and bias whose only user is the op being rewritten.
static Operation *getFoldableConv(Value value, DenseElementsAttr &weights,
                                  SmallVector<int32_t> &perms,
                                  DenseElementsAttr &bias) {
  Operation *conv = value.getDefiningOp();
  if (!isa_and_nonnull<tosa::Conv2DOp, GroupedConv2DOp,
                       tosa::DepthwiseConv2DOp>(conv) ||
      !conv->hasOneUse())
    return nullptr;
  std::optional<LaidOutFilter> filter = matchLaidOutFilter(conv->getOperand(1));
  if (!filter || (isa<tosa::DepthwiseConv2DOp>(conv) && !filter->perms.empty()))
    return nullptr;
  weights = filter->source;
  perms = filter->perms;
  if (!matchPattern(conv->getOperand(2), m_Constant(&bias)) ||
      !weights.getElementType().isF32() || !bias.getElementType().isF32() ||
      weights.getNumElements() > kMaxFoldedElements)
    return nullptr;
  return conv;
}

/// Whether `mul`'s shift is a constant zero (a plain product).
static bool hasZeroShift(tosa::MulOp mul) {
  DenseElementsAttr shift;
  return matchPattern(mul.getShift(), m_Constant(&shift)) &&
         llvm::all_of(shift.getValues<APInt>(),
                      [](const APInt &v) { return v.isZero(); });
}

namespace {
/// A binary op's convolution operand and its other operand's per-channel
/// constants.
struct ConvAndChannels {
  /// tosa.conv2d, strata.grouped_conv2d or tosa.depthwise_conv2d.
  Operation *conv;
  /// The filter's constant (output channels first for a conv2d) and the
  /// transpose to the filter (empty: none).
  DenseElementsAttr weights, bias;
  SmallVector<int32_t> perms;
  SmallVector<float> channels;
};
} // namespace

/// `op`'s operands as a foldable convolution (getFoldableConv) of `op`'s
/// result type and a per-channel constant, in either order.
static std::optional<ConvAndChannels> matchConvAndChannels(Operation *op) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  for (unsigned i = 0; i < 2; ++i) {
    ConvAndChannels match;
    Value convValue = op->getOperand(i);
    match.conv =
        getFoldableConv(convValue, match.weights, match.perms, match.bias);
    if (!match.conv || convValue.getType() != type)
      continue;
    FailureOr<SmallVector<float>> channels =
        getPerChannel(op->getOperand(1 - i), type.getRank(),
                      type.getDimSize(type.getRank() - 1));
    if (failed(channels))
      continue;
    match.channels = std::move(*channels);
    return match;
  }
  return std::nullopt;
}

/// The matched convolution with its output channel c's weights scaled by
/// `scale[c]` (no scale: weights kept) and its bias b[c] * scale[c] +
/// shift[c].
static Value rebuildConv(PatternRewriter &rewriter,
                         const ConvAndChannels &match, ArrayRef<float> scale,
                         ArrayRef<float> shift) {
  Operation *conv = match.conv;
  int64_t channels = shift.size();
  Operation *clone = rewriter.clone(*conv);
  if (!scale.empty()) {
    // conv2d's weights are [O][KH][KW][I] (output channel outermost),
    // depthwise_conv2d's [KH][KW][C][M] (output channel c * M + m, the
    // two innermost dimensions).
    bool innermost = isa<tosa::DepthwiseConv2DOp>(conv);
    int64_t perChannel = match.weights.getNumElements() / channels;
    int64_t count = match.weights.getNumElements();
    std::vector<float> newWeights(count);
    bool splat = match.weights.isSplat();
    // The raw f32 data, read directly (element iterators convert each
    // value; resnet50's 25M weights are scaled at every compile).
    const float *w = splat ? nullptr
                           : reinterpret_cast<const float *>(
                                 match.weights.getRawData().data());
    float splatValue = splat ? match.weights.getSplatValue<float>() : 0.0f;
    // Runs of `run` weights share a channel; channels repeat every
    // `period` runs.
    int64_t run = innermost ? 1 : perChannel;
    int64_t period = innermost ? channels : 1;
    for (int64_t start = 0, r = 0; start < count; start += run, ++r) {
      float factor = scale[innermost ? r % period : r];
      for (int64_t i = start; i < start + run; ++i)
        newWeights[i] = (splat ? splatValue : w[i]) * factor;
    }
    // The constant in its own layout (output channels first for a
    // conv2d, also behind its transpose).
    auto weightType = cast<RankedTensorType>(match.weights.getType());
    clone->setOperand(
        1, buildLaidOutFilter(
               rewriter, conv->getOperand(1).getLoc(),
               DenseElementsAttr::getFromRawBuffer(
                   weightType, ArrayRef<char>(reinterpret_cast<const char *>(
                                                  newWeights.data()),
                                              count * sizeof(float))),
               match.perms));
  }
  SmallVector<float> newBias;
  auto biasValues = match.bias.getValues<float>();
  for (int64_t c = 0; c < channels; ++c) {
    float b = biasValues[match.bias.getNumElements() == 1 ? 0 : c];
    newBias.push_back((scale.empty() ? b : b * scale[c]) + shift[c]);
  }
  auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
  clone->setOperand(
      2, tosa::ConstOp::create(
             rewriter, conv->getOperand(2).getLoc(), biasType,
             DenseElementsAttr::get(biasType, ArrayRef<float>(newBias))));
  // After its new operands (the filter's transpose is no constant a
  // driver would hoist).
  rewriter.moveOpBefore(clone, rewriter.getInsertionBlock(),
                        rewriter.getInsertionPoint());
  return clone->getResult(0);
}

namespace {
/// mul(conv2d(x, W, b), s) -> conv2d(x, W * s, b * s) for a per-channel
/// constant s (BatchNormalization's scale).
struct FoldConvScale final : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp mul,
                                PatternRewriter &rewriter) const override {
    if (!hasZeroShift(mul))
      return rewriter.notifyMatchFailure(mul, "shift is not constant zero");
    std::optional<ConvAndChannels> match = matchConvAndChannels(mul);
    if (!match)
      return rewriter.notifyMatchFailure(
          mul, "not a convolution (f32, constant weights and bias, read only "
               "here) times a per-channel constant");
    SmallVector<float> zero(match->channels.size(), 0.0f);
    rewriter.replaceOp(mul,
                       rebuildConv(rewriter, *match, match->channels, zero));
    return success();
  }
};

/// add(conv2d(x, W, b), c) -> conv2d(x, W, b + c) for a per-channel
/// constant c (BatchNormalization's shift).
struct FoldConvShift final : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AddOp add,
                                PatternRewriter &rewriter) const override {
    std::optional<ConvAndChannels> match = matchConvAndChannels(add);
    if (!match)
      return rewriter.notifyMatchFailure(
          add, "not a convolution (f32, constant weights and bias, read only "
               "here) plus a per-channel constant");
    rewriter.replaceOp(
        add, rebuildConv(rewriter, *match, /*scale=*/{}, match->channels));
    return success();
  }
};
} // namespace

namespace {
/// mul(matmul(a, W), s) -> matmul(a, W * s) for a constant right-hand
/// side W (B x K x N) and a constant s per output column (a fully
/// connected layer's batch normalization).
struct FoldMatmulScale final : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp mul,
                                PatternRewriter &rewriter) const override {
    if (!hasZeroShift(mul))
      return rewriter.notifyMatchFailure(mul, "shift is not constant zero");
    auto type = cast<RankedTensorType>(mul.getType());
    for (unsigned i = 0; i < 2; ++i) {
      auto matmul = mul->getOperand(i).getDefiningOp<tosa::MatMulOp>();
      if (!matmul || !matmul->hasOneUse() || matmul.getType() != type)
        continue;
      int64_t columns = type.getDimSize(2);
      FailureOr<SmallVector<float>> scale =
          getPerChannel(mul->getOperand(1 - i), 3, columns);
      if (failed(scale))
        continue;
      // The weights as the matmul reads them: a constant, or one behind
      // the layout changes kernel formation would fold (a Gemm's
      // transposed weights), folded here since the scale copies them
      // anyway.
      std::optional<ConstantLayout> laidOut =
          matchConstantLayout(matmul.getB());
      if (!laidOut || !laidOut->source.getElementType().isF32() ||
          laidOut->source.getNumElements() > kMaxFoldedElements)
        continue;
      SmallVector<int64_t> atomShape;
      SmallVector<int32_t> perms;
      laidOut->layout.getMovement(atomShape, perms);
      FailureOr<DenseElementsAttr> weights = transposeConstant(
          laidOut->source, atomShape,
          SmallVector<int64_t>(perms.begin(), perms.end()),
          cast<ShapedType>(matmul.getB().getType()), kMaxFoldedElements);
      if (failed(weights))
        continue;
      SmallVector<float> values(weights->getValues<float>());
      for (auto [index, w] : llvm::enumerate(values))
        w *= (*scale)[index % columns];
      auto weightType = cast<RankedTensorType>(weights->getType());
      Value newWeights = tosa::ConstOp::create(
          rewriter, matmul.getB().getLoc(), weightType,
          DenseElementsAttr::get(weightType, ArrayRef<float>(values)));
      rewriter.replaceOpWithNewOp<tosa::MatMulOp>(mul, type, matmul.getA(),
                                                  newWeights, matmul.getAZp(),
                                                  matmul.getBZp());
      return success();
    }
    return rewriter.notifyMatchFailure(
        mul, "not a matmul (constant f32 right-hand side, possibly behind "
             "layout changes, read only here) times a per-column constant");
  }
};
} // namespace

namespace {
/// add(matmul(a, W), c) -> reshape(conv2d(reshape(a), W', c)) for a right-hand
/// side W shared by the batch (1 x K x N; a fully connected layer's
/// weights) and a per-column constant c: a 1x1 convolution over the rows
/// of a (as the pixels of a 1 x M image) with W's columns as its filters
/// and c as its bias, TOSA's only contraction with a bias operand. The
/// accumulator starts at the bias, so no epilogue pass adds it; kernel
/// formation blocks the filter's weights exactly as it blocks the matmul's
/// (F/64 x 1 x 1 x K x 64 and N/64 x K x 64 hold the same order).
struct MatmulBiasAsConv final : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AddOp add,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(add.getType());
    if (!type || type.getRank() != 3 || !type.hasStaticShape() ||
        !type.getElementType().isF32())
      return rewriter.notifyMatchFailure(add, "not a static f32 rank-3 add");
    for (unsigned i = 0; i < 2; ++i) {
      auto matmul = add->getOperand(i).getDefiningOp<tosa::MatMulOp>();
      if (!matmul || !matmul->hasOneUse() || matmul.getType() != type)
        continue;
      auto rhsType = cast<RankedTensorType>(matmul.getB().getType());
      if (!rhsType.hasStaticShape() || rhsType.getDimSize(0) != 1)
        continue;
      int64_t batch = type.getDimSize(0), rows = type.getDimSize(1),
              columns = type.getDimSize(2), depth = rhsType.getDimSize(1);
      FailureOr<SmallVector<float>> bias =
          getPerChannel(add->getOperand(1 - i), 3, columns);
      if (failed(bias))
        continue;
      Location loc = add.getLoc();
      auto reshape = [&](Value value, ArrayRef<int64_t> shape) {
        return buildTosaReshape(rewriter, loc, value, shape);
      };
      Value input = reshape(matmul.getA(), {batch, 1, rows, depth});
      // W (K x N) as filters N x 1 x 1 x K.
      Value weights = reshape(matmul.getB(), {depth, columns});
      weights = tosa::TransposeOp::create(
          rewriter, loc, rhsType.clone({columns, depth}), weights,
          rewriter.getDenseI32ArrayAttr({1, 0}));
      weights = reshape(weights, {columns, 1, 1, depth});
      auto biasType = RankedTensorType::get({columns}, rewriter.getF32Type());
      Value biasValue = tosa::ConstOp::create(
          rewriter, loc, biasType,
          DenseElementsAttr::get(biasType, ArrayRef<float>(*bias)));
      auto conv = tosa::Conv2DOp::create(
          rewriter, loc, type.clone({batch, 1, rows, columns}), input, weights,
          biasValue, matmul.getAZp(), matmul.getBZp(),
          rewriter.getDenseI64ArrayAttr({0, 0, 0, 0}),
          rewriter.getDenseI64ArrayAttr({1, 1}),
          rewriter.getDenseI64ArrayAttr({1, 1}),
          TypeAttr::get(rewriter.getF32Type()));
      rewriter.replaceOp(add, reshape(conv, type.getShape()));
      return success();
    }
    return rewriter.notifyMatchFailure(
        add, "not a matmul (one right-hand matrix for the batch, read only "
             "here) plus a per-column constant");
  }
};
} // namespace

void mlir::strata::populateMatmulBiasAsConvPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MatmulBiasAsConv>(patterns.getContext());
}

void mlir::strata::populateFoldConvScalePatterns(RewritePatternSet &patterns) {
  patterns.add<FoldConvScale, FoldMatmulScale>(patterns.getContext());
}

void mlir::strata::populateFoldConvShiftPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldConvShift>(patterns.getContext());
}

static const RewriteRule kRules[] = {
    {"strata.sink-transposes",
     "move layout transposes below elementwise ops (permuting constant "
     "operands), slices and concats; fold transposes and slices of "
     "constants and reshape/transpose chains (strata-sink-transposes)",
     kRuleLayout | kRuleFusionEnabling, /*exact=*/true,
     populateSinkTransposePatterns},
    {"strata.hoist-transposes",
     "move a transpose above an elementwise op, slice or pad whose users "
     "are all that transpose (towards its inverse; LRN's NCHW islands); "
     "the opposite of strata.sink-transposes, so never in one fixpoint "
     "with it",
     kRuleLayout | kRuleFusionEnabling, /*exact=*/true,
     populateHoistTransposePatterns},
    {"strata.cancel-transposes",
     "transpose(transpose(x)) -> one transpose, or x when they are inverses; "
     "reshape(reshape(x)) -> one reshape; a reshape or transpose that "
     "changes nothing -> x",
     kRuleLayout | kRuleFusionEnabling, /*exact=*/true,
     populateCancelTransposesPatterns},
    {"strata.flatten-into-weights",
     "matmul(reshape(transpose(x)), W) -> matmul(reshape(x), W') for "
     "constant weights W: the transpose back to NCHW before a fully "
     "connected layer's flatten becomes a permutation of W's rows, left "
     "to kernel formation to fold with the weights' blocking (the sum "
     "runs in another order)",
     kRuleLayout, /*exact=*/false, populateFlattenIntoWeightsPatterns},
    {"strata.epilogue-normal-form",
     "op(reshape(x), c) -> reshape(op(x, c')) for an elementwise op with "
     "constant operands and a reshape that only adds or drops unit "
     "dimensions: a contraction's bias and activation follow it directly "
     "(matmul -> add -> clamp -> reshape)",
     kRuleLayout | kRuleFusionEnabling, /*exact=*/true,
     populateEpilogueNormalFormPatterns},
    {"strata.matmul-bias-as-conv",
     "matmul(a, W) + c -> conv2d(a, W', c) for a right-hand side W shared "
     "by the batch and a per-column constant c: a fully connected layer "
     "as a 1x1 convolution whose accumulator starts at its bias (onnxruntime's "
     "Gemm; the bias is added first)",
     kRuleAlgebraic | kRuleFusionEnabling, /*exact=*/false,
     populateMatmulBiasAsConvPatterns},
    {"strata.algebraic-identities",
     "x * 1 -> x, x + 0 -> x, x - 0 -> x, -(-x) -> x (x + 0 turns -0.0 "
     "into +0.0, so not bit-exact)",
     kRuleAlgebraic, /*exact=*/false, populateAlgebraicIdentityPatterns},
    {"strata.merge-affine-chains",
     "(x * a) * b -> x * (a * b), (x + a) + b -> x + (a + b), (x + a) * b "
     "-> x * b + a * b for constants a, b (consecutive per-channel scales "
     "and shifts: BatchNormalization then Mul and Add)",
     kRuleAlgebraic | kRuleFusionEnabling, /*exact=*/false,
     populateMergeAffineChainPatterns},
    {"strata.fold-conv-scale",
     "conv2d(x, W, b) * s -> conv2d(x, W * s, b * s) for a per-channel "
     "constant s (BatchNormalization's scale); depthwise_conv2d, grouped "
     "convolutions and matmuls with constant right-hand sides too",
     kRuleAlgebraic | kRuleFusionEnabling, /*exact=*/false,
     populateFoldConvScalePatterns},
    {"strata.fold-conv-shift",
     "conv2d(x, W, b) + c -> conv2d(x, W, b + c) for a per-channel constant "
     "c (BatchNormalization's shift); depthwise_conv2d and grouped "
     "convolutions too",
     kRuleAlgebraic | kRuleFusionEnabling, /*exact=*/false,
     populateFoldConvShiftPatterns},
    {"strata.merge-sibling-convs",
     "conv2d(x, W1, b1), conv2d(x, W2, b2) with one window -> slices of "
     "conv2d(x, [W1; W2], [b1; b2]), the activation after every slice "
     "moved above them (TASO's multi-output merge; pays only for some "
     "shapes: use it inside best_of)",
     kRuleFusionEnabling, /*exact=*/false, populateMergeSiblingConvPatterns},
    {"strata.fold-window-trims",
     "conv2d(slice(x)) -> linalg.conv_2d_nhwc_hwcf(x), max_pool2d(slice(x)) "
     "-> linalg.pooling_nhwc_max(x) for an unpadded window and a slice that "
     "only trims the rows and columns the strided window never reads "
     "(TOSA needs it, linalg does not; possibly behind the input's "
     "transpose to NHWC); run after the rules that fold into tosa.conv2d",
     kRuleLayout, /*exact=*/true, populateFoldWindowTrimsPatterns},
    {"strata.fold-input-layout",
     "conv2d(transpose(x) NCHW -> NHWC, W) -> reshape(conv3d(x as NDHWC "
     "[N, C, H, W, 1], W as [F, C, KH, KW, 1])): the channels become a "
     "depth the filter spans, so a convolution reads a model's NCHW image "
     "(at most 4 channels) without transposing it (tosa.conv2d, and the "
     "linalg convolution strata.fold-window-trims leaves; the channels "
     "are summed first)",
     kRuleLayout, /*exact=*/false, populateFoldInputLayoutPatterns},
    {"strata.fold-channel-shuffle",
     "depthwise_conv2d(shuffle(x)) -> shuffle(depthwise_conv2d(x)) with its "
     "weights and bias permuted; grouped_conv2d(shuffle(x)) -> "
     "grouped_conv2d(x) {input_shuffle = S}: each group reads S runs of "
     "the input, or where S does not divide a group's channels a window "
     "of each run (filter zero outside the group's channels; taken for a "
     "constant weight when that adds at most 1/8 to the multiply-adds); "
     "the sums run in another order",
     kRuleLayout | kRuleFusionEnabling, /*exact=*/false,
     populateFoldChannelShufflePatterns},
};

ArrayRef<RewriteRule> mlir::strata::getRewriteRules() { return kRules; }

const RewriteRule *mlir::strata::lookupRewriteRule(StringRef name) {
  for (const RewriteRule &rule : kRules)
    if (rule.name == name)
      return &rule;
  return nullptr;
}

void mlir::strata::addRewriteRule(const RewriteRule &rule,
                                  RewritePatternSet &patterns) {
  RewritePatternSet local(patterns.getContext());
  rule.populate(local);
  for (std::unique_ptr<RewritePattern> &pattern : local.getNativePatterns()) {
    pattern->addDebugLabels(rule.name);
    patterns.add(std::move(pattern));
  }
}

std::string mlir::strata::formatRuleLabels(unsigned labels) {
  std::string text;
  auto add = [&](unsigned bit, StringRef word) {
    if (!(labels & bit))
      return;
    if (!text.empty())
      text += ", ";
    text += word.str();
  };
  add(kRuleLayout, "layout");
  add(kRuleAlgebraic, "algebraic");
  add(kRuleFusionEnabling, "fusion-enabling");
  return text;
}

void mlir::strata::printRewriteRules(raw_ostream &os) {
  for (const RewriteRule &rule : kRules)
    os << rule.name << " [" << formatRuleLabels(rule.labels) << "; "
       << (rule.exact ? "exact" : "reassociates floating point") << "]\n  "
       << rule.summary << "\n";
}

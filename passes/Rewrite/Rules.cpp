//===- Rules.cpp - The named rewrite rule library -------------------------===//
//
// The registry of named rules and the rules that have no pass of their own
// (the folds of a convolution's per-channel scale and shift).
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Rules.h"

#include "passes/Rewrite/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
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

/// The convolution `value` is, if it is a tosa.conv2d or
/// tosa.depthwise_conv2d on f32 with constant weights and bias whose only
/// user is the op being rewritten.
static Operation *getFoldableConv(Value value, DenseElementsAttr &weights,
                                  DenseElementsAttr &bias) {
  Operation *conv = value.getDefiningOp();
  if (!isa_and_nonnull<tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(conv) ||
      !conv->hasOneUse() ||
      !matchPattern(conv->getOperand(1), m_Constant(&weights)) ||
      !matchPattern(conv->getOperand(2), m_Constant(&bias)) ||
      !weights.getElementType().isF32() || !bias.getElementType().isF32() ||
      weights.getNumElements() > kMaxFoldedElements)
    return nullptr;
  return conv;
}

namespace {
/// A binary op's convolution operand and its other operand's per-channel
/// constants.
struct ConvAndChannels {
  Operation *conv; ///< tosa.conv2d or tosa.depthwise_conv2d.
  DenseElementsAttr weights, bias;
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
    match.conv = getFoldableConv(convValue, match.weights, match.bias);
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
    auto channelOf = [&](int64_t index) {
      return innermost ? index % channels : index / perChannel;
    };
    SmallVector<float> newWeights;
    newWeights.reserve(match.weights.getNumElements());
    for (auto [index, w] : llvm::enumerate(match.weights.getValues<float>()))
      newWeights.push_back(w * scale[channelOf(index)]);
    auto weightType = cast<RankedTensorType>(match.weights.getType());
    clone->setOperand(1, tosa::ConstOp::create(
                             rewriter, conv->getOperand(1).getLoc(), weightType,
                             DenseElementsAttr::get(
                                 weightType, ArrayRef<float>(newWeights))));
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
  return clone->getResult(0);
}

namespace {
/// mul(conv2d(x, W, b), s) -> conv2d(x, W * s, b * s) for a per-channel
/// constant s (BatchNormalization's scale).
struct FoldConvScale final : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp mul,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr shiftAttr;
    if (!matchPattern(mul.getShift(), m_Constant(&shiftAttr)) ||
        llvm::any_of(shiftAttr.getValues<APInt>(),
                     [](const APInt &v) { return !v.isZero(); }))
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

void mlir::strata::populateFoldConvScalePatterns(RewritePatternSet &patterns) {
  patterns.add<FoldConvScale>(patterns.getContext());
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
     "constant s (BatchNormalization's scale); depthwise_conv2d too",
     kRuleAlgebraic | kRuleFusionEnabling, /*exact=*/false,
     populateFoldConvScalePatterns},
    {"strata.fold-conv-shift",
     "conv2d(x, W, b) + c -> conv2d(x, W, b + c) for a per-channel constant "
     "c (BatchNormalization's shift); depthwise_conv2d too",
     kRuleAlgebraic | kRuleFusionEnabling, /*exact=*/false,
     populateFoldConvShiftPatterns},
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

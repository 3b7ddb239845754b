//===- SiblingRules.cpp - Merging sibling convolutions --------------------===//
//
// strata.merge-sibling-convs: convolutions that read the same input with
// the same window become one wider convolution whose output channels are
// sliced apart (TASO's multi-output rewrite). Whether that pays depends on
// the shapes, so the default strategy offers it only inside best_of.
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Rules.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::strata;

/// Merged weights larger than this are not built at compile time.
static constexpr int64_t kMaxMergedElements = int64_t(1) << 26;

/// Whether `a` and `b` compute with the same window on the same input:
/// same input, padding, stride, dilation, kernel size, accumulator and
/// zero points, f32 constant weights and bias, static shapes.
static bool areSiblings(tosa::Conv2DOp a, tosa::Conv2DOp b) {
  auto wa = cast<RankedTensorType>(a.getWeight().getType());
  auto wb = cast<RankedTensorType>(b.getWeight().getType());
  return a.getInput() == b.getInput() && a.getPad() == b.getPad() &&
         a.getStride() == b.getStride() && a.getDilation() == b.getDilation() &&
         a.getAccType() == b.getAccType() && a.getInputZp() == b.getInputZp() &&
         a.getWeightZp() == b.getWeightZp() && wa.hasStaticShape() &&
         wb.hasStaticShape() &&
         wa.getShape().drop_front() == wb.getShape().drop_front() &&
         wa.getElementType().isF32() && wb.getElementType().isF32() &&
         cast<RankedTensorType>(a.getType()).hasStaticShape() &&
         cast<RankedTensorType>(b.getType()).hasStaticShape();
}

/// `conv`'s weights (a constant, output channels first, possibly behind
/// its layout transpose: matchLaidOutFilter) and its bias with one value
/// per output channel.
static bool getConstants(tosa::Conv2DOp conv, LaidOutFilter &filter,
                         SmallVector<float> &bias) {
  DenseElementsAttr b;
  std::optional<LaidOutFilter> laidOut = matchLaidOutFilter(conv.getWeight());
  if (!laidOut || !matchPattern(conv.getBias(), m_Constant(&b)) ||
      !b.getElementType().isF32())
    return false;
  filter = *laidOut;
  DenseElementsAttr weights = filter.source;
  int64_t channels = cast<RankedTensorType>(weights.getType()).getDimSize(0);
  auto values = b.getValues<float>();
  bias.clear();
  for (int64_t c = 0; c < channels; ++c)
    bias.push_back(values[b.getNumElements() == 1 ? 0 : c]);
  return true;
}

namespace {
/// conv(x, W1, b1), conv(x, W2, b2), ... ->
/// y = conv(x, [W1; W2; ...], [b1; b2; ...]); slices of y's channels.
/// Rooted at the first sibling in program order; the others follow it in
/// its block.
struct MergeSiblingConvs final : OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::Conv2DOp conv,
                                PatternRewriter &rewriter) const override {
    SmallVector<tosa::Conv2DOp> siblings;
    for (Operation *user : conv.getInput().getUsers()) {
      auto other = dyn_cast<tosa::Conv2DOp>(user);
      if (!other || other->getBlock() != conv->getBlock() ||
          !areSiblings(conv, other))
        continue;
      if (other->isBeforeInBlock(conv))
        return rewriter.notifyMatchFailure(
            conv, "not the first of its siblings in program order");
      siblings.push_back(other);
    }
    llvm::sort(siblings, [](tosa::Conv2DOp a, tosa::Conv2DOp b) {
      return a->isBeforeInBlock(b);
    });
    if (siblings.size() < 2)
      return rewriter.notifyMatchFailure(
          conv, "no other convolution with the same window reads its input");
    SmallVector<float> weights, bias;
    int64_t total = 0;
    LaidOutFilter first;
    for (tosa::Conv2DOp sibling : siblings) {
      LaidOutFilter filter;
      SmallVector<float> b;
      if (!getConstants(sibling, filter, b))
        return rewriter.notifyMatchFailure(
            conv, "a sibling's weights or bias are not f32 constants");
      if (sibling == siblings.front())
        first = filter;
      else if (filter.perms != first.perms)
        return rewriter.notifyMatchFailure(
            conv, "siblings' weights are laid out differently");
      DenseElementsAttr w = filter.source;
      total += w.getNumElements();
      if (total > kMaxMergedElements)
        return rewriter.notifyMatchFailure(conv, "merged weights too large");
      // Output channels outermost ([O][KH][KW][I], or the importer's
      // [O][I][KH][KW] behind its transpose), so concatenating the
      // weights' data concatenates the output channels.
      llvm::append_range(weights, w.getValues<float>());
      llvm::append_range(bias, b);
    }
    auto weightType = cast<RankedTensorType>(first.source.getType());
    SmallVector<int64_t> shape(weightType.getShape());
    int64_t channels = bias.size();
    shape[0] = channels;
    auto mergedWeightType = RankedTensorType::get(shape, rewriter.getF32Type());
    auto biasType = RankedTensorType::get({channels}, rewriter.getF32Type());
    auto resultType = cast<RankedTensorType>(conv.getType());
    SmallVector<int64_t> resultShape(resultType.getShape());
    resultShape.back() = channels;

    Location loc = rewriter.getFusedLoc(llvm::to_vector(llvm::map_range(
        siblings, [](tosa::Conv2DOp op) { return op.getLoc(); })));
    rewriter.setInsertionPoint(conv);
    Value mergedWeights = buildLaidOutFilter(
        rewriter, loc,
        DenseElementsAttr::get(mergedWeightType, ArrayRef<float>(weights)),
        first.perms);
    Value mergedBias = tosa::ConstOp::create(
        rewriter, loc, biasType,
        DenseElementsAttr::get(biasType, ArrayRef<float>(bias)));
    auto merged = tosa::Conv2DOp::create(
        rewriter, loc,
        RankedTensorType::get(resultShape, rewriter.getF32Type()),
        conv.getInput(), mergedWeights, mergedBias, conv.getInputZp(),
        conv.getWeightZp(), conv.getPadAttr(), conv.getStrideAttr(),
        conv.getDilationAttr(), conv.getAccTypeAttr(),
        conv.getLocalBoundAttr());
    int64_t offset = 0;
    int64_t rank = resultShape.size();
    for (tosa::Conv2DOp sibling : siblings) {
      auto type = cast<RankedTensorType>(sibling.getType());
      SmallVector<int64_t> start(rank, 0);
      start.back() = offset;
      offset += type.getShape().back();
      Value slice = tosa::SliceOp::create(
          rewriter, sibling.getLoc(), type, merged,
          tosa::getTosaConstShape(rewriter, sibling.getLoc(), start),
          tosa::getTosaConstShape(rewriter, sibling.getLoc(), type.getShape()));
      rewriter.replaceOp(sibling, slice);
    }
    return success();
  }
};

/// op(slice(y)) for every slice of y, with one unary elementwise op (the
/// same op, the same attributes) after each slice and nothing else ->
/// slices of op(y): a merged convolution keeps its activation as its
/// epilogue.
struct HoistEpilogueAboveSlices final : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SliceOp slice,
                                PatternRewriter &rewriter) const override {
    Value source = slice.getInput1();
    auto producer = source.getDefiningOp<tosa::Conv2DOp>();
    if (!producer)
      return rewriter.notifyMatchFailure(slice, "does not slice a convolution");
    Operation *first = nullptr;
    SmallVector<std::pair<tosa::SliceOp, Operation *>> pairs;
    auto sourceType = cast<RankedTensorType>(source.getType());
    int64_t rank = sourceType.getRank();
    int64_t covered = 0;
    for (Operation *user : source.getUsers()) {
      auto s = dyn_cast<tosa::SliceOp>(user);
      if (!s || !s->hasOneUse())
        return rewriter.notifyMatchFailure(
            slice, "the convolution has a user that is not a slice read once");
      // Only channel slices that together cover the channels (what
      // strata.merge-sibling-convs leaves): then the op does no extra work.
      SmallVector<int64_t> start, size;
      if (!tosa::getConstShapeValues(s.getStart().getDefiningOp(), start) ||
          !tosa::getConstShapeValues(s.getSize().getDefiningOp(), size))
        return rewriter.notifyMatchFailure(slice, "a slice is not constant");
      for (int64_t d = 0; d + 1 < rank; ++d)
        if (start[d] != 0 || size[d] != sourceType.getDimSize(d))
          return rewriter.notifyMatchFailure(
              slice, "a slice cuts a dimension other than the channels");
      covered += size.back();
      Operation *op = *s->getUsers().begin();
      if (op->getNumOperands() != 1 || op->getNumResults() != 1 ||
          !op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
          op->getResult(0).getType() != s.getType())
        return rewriter.notifyMatchFailure(
            slice, "a slice is not read by a unary elementwise op");
      if (!first)
        first = op;
      else if (op->getName() != first->getName() ||
               op->getAttrDictionary() != first->getAttrDictionary())
        return rewriter.notifyMatchFailure(
            slice, "the slices are read by different elementwise ops");
      pairs.push_back({s, op});
    }
    if (covered != sourceType.getDimSize(rank - 1))
      return rewriter.notifyMatchFailure(
          slice, "the slices do not partition the channels");
    rewriter.setInsertionPointAfter(producer);
    OperationState state(first->getLoc(), first->getName(), {source},
                         {source.getType()}, first->getAttrs());
    Operation *hoisted = rewriter.create(state);
    for (auto [s, op] : pairs) {
      rewriter.modifyOpInPlace(
          s, [&] { s.getInput1Mutable().assign(hoisted->getResult(0)); });
      rewriter.replaceOp(op, s.getResult());
    }
    return success();
  }
};
} // namespace

void mlir::strata::populateMergeSiblingConvPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MergeSiblingConvs, HoistEpilogueAboveSlices>(
      patterns.getContext());
}

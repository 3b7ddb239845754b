//===- WindowRules.cpp - Trims and layout changes folded into windows -----===//
//
// strata.fold-window-trims: TOSA's convolutions and pools must divide their
// input exactly (input - 1 + padding - (kernel - 1) * dilation a multiple
// of the stride), so the importer trims the rows and columns a strided
// window never reads with a tosa.slice (ResNet's 1x1 stride-2 shortcuts:
// 56 -> 55). linalg's convolution and pooling ops carry no such rule: the
// output's size says which part of the input is read. The rule rewrites
// such a window op into the linalg op tosa-to-linalg-named would make of it
// and lets it read the untrimmed input, so the slice goes away. The linalg
// op computes the same sums in the same order as the TOSA one lowers to,
// so values are bit for bit the same.
//
// strata.fold-input-layout: a convolution of an NCHW tensor (a model's
// input image) reads it through a transpose to NHWC. Read as NDHWC with
// the channels as depth and one channel (a reshape: no data moves), the
// same convolution is a 3-D one whose filter spans the whole depth: the
// transpose goes. Its sum runs over (channel, row, column) instead of
// (row, column, channel), so values move by rounding.
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Rules.h"

#include "strata/Support/Constants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::strata;

/// Filters larger than this are not copied into a 3-D filter at compile
/// time (strata.fold-input-layout).
static constexpr int64_t kMaxFilterElements = int64_t(1) << 26;

namespace {
/// A window op's NHWC input seen through a trim: `source` is the untrimmed
/// value (NHWC, or NCHW behind `perms` when the trim came before the
/// layout change to NHWC).
struct Trim {
  Value source;
  SmallVector<int32_t> perms; ///< The transpose after the slice; or empty.
};
} // namespace

/// `input` as a trim of trailing rows and columns: a tosa.slice starting at
/// zero that keeps every batch and channel and shortens only the dimensions
/// that are the window's height and width, possibly followed by a
/// tosa.transpose to NHWC. Fails with a reason.
static FailureOr<Trim> matchTrim(Value input, std::string &why) {
  Trim trim;
  Value sliced = input;
  if (auto transpose = input.getDefiningOp<tosa::TransposeOp>()) {
    trim.perms.assign(transpose.getPerms().begin(), transpose.getPerms().end());
    sliced = transpose.getInput1();
  }
  auto slice = sliced.getDefiningOp<tosa::SliceOp>();
  if (!slice) {
    why = "the input is not a slice (or a transpose of one)";
    return failure();
  }
  SmallVector<int64_t> start, size;
  if (!tosa::getConstShapeValues(slice.getStart().getDefiningOp(), start) ||
      !tosa::getConstShapeValues(slice.getSize().getDefiningOp(), size)) {
    why = "the slice's start or size is not constant";
    return failure();
  }
  trim.source = slice.getInput1();
  auto sourceType = dyn_cast<RankedTensorType>(trim.source.getType());
  if (!sourceType || !sourceType.hasStaticShape() ||
      sourceType.getRank() != 4) {
    why = "the untrimmed value is not a static rank-4 tensor";
    return failure();
  }
  // The NHWC dimension each dimension of the sliced value becomes.
  SmallVector<int64_t> nhwcOf = {0, 1, 2, 3};
  if (!trim.perms.empty())
    for (auto [i, p] : llvm::enumerate(trim.perms))
      nhwcOf[p] = i;
  for (int64_t d = 0; d < 4; ++d) {
    bool spatial = nhwcOf[d] == 1 || nhwcOf[d] == 2;
    if (start[d] != 0 || (!spatial && size[d] != sourceType.getDimSize(d))) {
      why = "the slice does not only trim the end of the rows and columns";
      return failure();
    }
  }
  return trim;
}

/// The untrimmed input's NHWC shape.
static SmallVector<int64_t> getUntrimmedShape(const Trim &trim) {
  auto type = cast<RankedTensorType>(trim.source.getType());
  if (trim.perms.empty())
    return llvm::to_vector(type.getShape());
  SmallVector<int64_t> shape;
  for (int32_t p : trim.perms)
    shape.push_back(type.getDimSize(p));
  return shape;
}

/// The untrimmed input in NHWC: the source, or a new transpose of it.
static Value buildUntrimmed(PatternRewriter &rewriter, Location loc,
                            const Trim &trim) {
  if (trim.perms.empty())
    return trim.source;
  auto type = cast<RankedTensorType>(trim.source.getType());
  return tosa::TransposeOp::create(
      rewriter, loc, type.clone(getUntrimmedShape(trim)), trim.source,
      rewriter.getDenseI32ArrayAttr(trim.perms));
}

/// Whether a window of `kernel` rows with `stride` and `dilation` over
/// `rows` unpadded rows gives exactly `outputRows` outputs (the trim
/// dropped only rows no window reads).
static bool sameOutputRows(int64_t rows, int64_t kernel, int64_t stride,
                           int64_t dilation, int64_t outputRows) {
  int64_t reach = rows - 1 - (kernel - 1) * dilation;
  return reach >= 0 && reach / stride + 1 == outputRows;
}

/// sameOutputRows for the height and the width of an NHWC window op
/// reading `untrimmed` and writing `output`.
static bool sameOutputWindow(ArrayRef<int64_t> untrimmed,
                             ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
                             ArrayRef<int64_t> dilation,
                             RankedTensorType output) {
  for (int d : {0, 1})
    if (!sameOutputRows(untrimmed[1 + d], kernel[d], stride[d], dilation[d],
                        output.getDimSize(1 + d)))
      return false;
  return true;
}

/// Whether `conv` is a plain f32 convolution both rules rewrite: static
/// f32 result, f32 accumulator, zero points 0.
static bool isPlainF32Conv(tosa::Conv2DOp conv) {
  auto type = cast<RankedTensorType>(conv.getType());
  return type.hasStaticShape() && type.getElementType().isF32() &&
         conv.getAccType().isF32() && isZeroOrAbsent(conv.getInputZp()) &&
         isZeroOrAbsent(conv.getWeightZp());
}

namespace {
/// tosa.conv2d(trim(x), W, b) -> linalg.conv_2d_nhwc_hwcf(x, W as HWCF)
/// starting from b broadcast, for unpadded f32 convolutions with constant
/// weights.
struct FoldTrimIntoConv2D final : OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::Conv2DOp conv,
                                PatternRewriter &rewriter) const override {
    std::string why;
    FailureOr<Trim> trim = matchTrim(conv.getInput(), why);
    if (failed(trim))
      return rewriter.notifyMatchFailure(conv, why);
    auto type = cast<RankedTensorType>(conv.getType());
    auto biasType = dyn_cast<RankedTensorType>(conv.getBias().getType());
    if (!isPlainF32Conv(conv) || !biasType ||
        biasType.getShape() != ArrayRef<int64_t>{type.getDimSize(3)})
      return rewriter.notifyMatchFailure(
          conv, "not an f32 convolution with zero points 0 and one bias per "
                "output channel");
    if (llvm::any_of(conv.getPad(), [](int64_t p) { return p != 0; }))
      return rewriter.notifyMatchFailure(
          conv, "padded (a linalg convolution has no padding)");
    std::optional<LaidOutFilter> filter = matchLaidOutFilter(conv.getWeight());
    if (!filter)
      return rewriter.notifyMatchFailure(conv, "the filter is not a constant");
    SmallVector<int64_t> untrimmed = getUntrimmedShape(*trim);
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    if (!sameOutputWindow(untrimmed, weightType.getShape().slice(1, 2),
                          conv.getStride(), conv.getDilation(), type))
      return rewriter.notifyMatchFailure(
          conv, "the slice drops rows or columns the window reads");
    // The filter's constant behind one transpose to HWCF (from OHWI, or
    // from OIHW behind the importer's transpose), which kernel formation
    // folds with the filter's blocked layout in one copy, as it does a
    // tosa.conv2d's (getPackedWeightChain).
    Location loc = conv.getLoc();
    Value input = buildUntrimmed(rewriter, loc, *trim);
    Value weights = buildLaidOutFilter(rewriter, loc, filter->source,
                                       getFilterPerms(*filter, {1, 2, 3, 0}));
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    Value init = linalg::BroadcastOp::create(rewriter, loc, conv.getBias(),
                                             empty, ArrayRef<int64_t>{0, 1, 2})
                     ->getResult(0);
    auto linalgConv = linalg::Conv2DNhwcHwcfOp::create(
        rewriter, loc, type, ValueRange{input, weights}, ValueRange{init},
        rewriter.getI64TensorAttr(conv.getStride()),
        rewriter.getI64TensorAttr(conv.getDilation()));
    rewriter.replaceOp(conv, linalgConv->getResults());
    return success();
  }
};

/// tosa.max_pool2d(trim(x)) -> linalg.pooling_nhwc_max(x) from the lowest
/// finite f32 (what tosa-to-linalg-named starts from), for unpadded pools
/// that propagate NaN.
struct FoldTrimIntoMaxPool2D final : OpRewritePattern<tosa::MaxPool2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MaxPool2dOp pool,
                                PatternRewriter &rewriter) const override {
    std::string why;
    FailureOr<Trim> trim = matchTrim(pool.getInput(), why);
    if (failed(trim))
      return rewriter.notifyMatchFailure(pool, why);
    auto type = cast<RankedTensorType>(pool.getType());
    if (!type.hasStaticShape() || !type.getElementType().isF32() ||
        pool.getNanMode() != tosa::NanPropagationMode::PROPAGATE)
      return rewriter.notifyMatchFailure(pool,
                                         "not an f32 pool that propagates NaN");
    if (llvm::any_of(pool.getPad(), [](int64_t p) { return p != 0; }))
      return rewriter.notifyMatchFailure(
          pool, "padded (a linalg pool has no padding)");
    SmallVector<int64_t> untrimmed = getUntrimmedShape(*trim);
    if (!sameOutputWindow(untrimmed, pool.getKernel(), pool.getStride(), {1, 1},
                          type))
      return rewriter.notifyMatchFailure(
          pool, "the slice drops rows or columns the window reads");
    Location loc = pool.getLoc();
    Value input = buildUntrimmed(rewriter, loc, *trim);
    Value lowest = arith::ConstantOp::create(
        rewriter, loc,
        rewriter.getF32FloatAttr(
            APFloat::getLargest(APFloat::IEEEsingle(), /*Negative=*/true)
                .convertToFloat()));
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    Value init =
        linalg::FillOp::create(rewriter, loc, lowest, empty)->getResult(0);
    Value window = tensor::EmptyOp::create(rewriter, loc, pool.getKernel(),
                                           type.getElementType());
    auto linalgPool = linalg::PoolingNhwcMaxOp::create(
        rewriter, loc, type, ValueRange{input, window}, ValueRange{init},
        rewriter.getI64VectorAttr(pool.getStride()),
        rewriter.getI64VectorAttr({1, 1}));
    rewriter.replaceOp(pool, linalgPool->getResults());
    return success();
  }
};
} // namespace

/// Channels an image has at most (gray, RGB, RGBA). A convolution over
/// more channels keeps the transpose: its filter is then large, and the
/// 2-D convolution stores it in blocks (strata-pack-constants) that the
/// 3-D one does not get, while the transpose is small next to its sums.
static constexpr int64_t kMaxImageChannels = 4;

/// `x`, an f32 NCHW image of static shape with at most kMaxImageChannels
/// channels, behind a transpose to NHWC that only its user reads.
static Value matchNchwToNhwc(Value input) {
  auto transpose = input.getDefiningOp<tosa::TransposeOp>();
  if (!transpose || !transpose->hasOneUse() ||
      transpose.getPerms() != ArrayRef<int32_t>{0, 2, 3, 1})
    return nullptr;
  auto type = dyn_cast<RankedTensorType>(transpose.getInput1().getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
      type.getDimSize(1) > kMaxImageChannels)
    return nullptr;
  return transpose.getInput1();
}

/// The NCHW input [N, C, H, W] as NDHWC [N, C, H, W, 1].
static Value buildDepthInput(PatternRewriter &rewriter, Location loc,
                             Value nchw) {
  auto shape = cast<RankedTensorType>(nchw.getType()).getShape();
  return buildTosaReshape(rewriter, loc, nchw,
                          {shape[0], shape[1], shape[2], shape[3], 1});
}

namespace {
/// tosa.conv2d(transpose(x) NCHW -> NHWC, W) ->
/// reshape(tosa.conv3d(reshape(x) as [N, C, H, W, 1], W as [F, C, KH, KW, 1]))
/// for f32 convolutions with constant weights (padding and strides carry
/// over; the depth has neither).
struct NchwConv2DAsConv3D final : OpRewritePattern<tosa::Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::Conv2DOp conv,
                                PatternRewriter &rewriter) const override {
    Value nchw = matchNchwToNhwc(conv.getInput());
    if (!nchw)
      return rewriter.notifyMatchFailure(
          conv, "the input is not a transpose from an NCHW image (at most 4 "
                "channels) read only here");
    auto type = cast<RankedTensorType>(conv.getType());
    if (!isPlainF32Conv(conv))
      return rewriter.notifyMatchFailure(
          conv, "not an f32 convolution with zero points 0");
    std::optional<LaidOutFilter> filter = matchLaidOutFilter(conv.getWeight());
    if (!filter || filter->source.getNumElements() > kMaxFilterElements)
      return rewriter.notifyMatchFailure(conv, "the filter is not a constant");
    // The filter as OIHW: the 3-D filter [F, C, KH, KW, 1] is a reshape.
    SmallVector<int32_t> toOihw = getFilterPerms(*filter, {0, 3, 1, 2});
    FailureOr<DenseElementsAttr> oihw = transposeConstant(
        filter->source, SmallVector<int64_t>(toOihw.begin(), toOihw.end()),
        kMaxFilterElements);
    if (failed(oihw))
      return rewriter.notifyMatchFailure(conv, "the filter is too large");
    auto oihwShape = cast<ShapedType>(oihw->getType()).getShape();
    auto weightType = RankedTensorType::get(
        {oihwShape[0], oihwShape[1], oihwShape[2], oihwShape[3], 1},
        rewriter.getF32Type());
    Location loc = conv.getLoc();
    Value weights = tosa::ConstOp::create(rewriter, loc, weightType,
                                          oihw->reshape(weightType));
    Value input = buildDepthInput(rewriter, loc, nchw);
    ArrayRef<int64_t> pad = conv.getPad();
    auto outType = type.clone({type.getDimSize(0), 1, type.getDimSize(1),
                               type.getDimSize(2), type.getDimSize(3)});
    auto conv3d = tosa::Conv3DOp::create(
        rewriter, loc, outType, input, weights, conv.getBias(),
        conv.getInputZp(), conv.getWeightZp(),
        rewriter.getDenseI64ArrayAttr({0, 0, pad[0], pad[1], pad[2], pad[3]}),
        rewriter.getDenseI64ArrayAttr(
            {1, conv.getStride()[0], conv.getStride()[1]}),
        rewriter.getDenseI64ArrayAttr(
            {1, conv.getDilation()[0], conv.getDilation()[1]}),
        conv.getAccTypeAttr());
    rewriter.replaceOp(
        conv, buildTosaReshape(rewriter, loc, conv3d, type.getShape()));
    return success();
  }
};

/// The same for the linalg convolution strata.fold-window-trims leaves
/// (its input trim folded): linalg.conv_2d_nhwc_hwcf(transpose(x), W)
/// from a broadcast bias -> linalg.conv_3d_ndhwc_dhwcf(x as NDHWC, W as
/// DHWCF [C, KH, KW, 1, F]) from the bias broadcast to [N, 1, OH, OW, F].
struct NchwLinalgConv2DAsConv3D final
    : OpRewritePattern<linalg::Conv2DNhwcHwcfOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNhwcHwcfOp conv,
                                PatternRewriter &rewriter) const override {
    if (!conv.hasPureTensorSemantics())
      return rewriter.notifyMatchFailure(conv, "not on tensors");
    Value nchw = matchNchwToNhwc(conv.getInputs()[0]);
    if (!nchw)
      return rewriter.notifyMatchFailure(
          conv, "the input is not a transpose from an NCHW image (at most 4 "
                "channels) read only here");
    auto type = cast<RankedTensorType>(conv->getResult(0).getType());
    auto init = conv.getOutputs()[0].getDefiningOp<linalg::BroadcastOp>();
    if (!type.hasStaticShape() || !init || !init->hasOneUse() ||
        init.getDimensions() != ArrayRef<int64_t>{0, 1, 2})
      return rewriter.notifyMatchFailure(
          conv, "its accumulator does not start at a broadcast bias");
    // The filter: an HWCF constant, or one behind a transpose to HWCF
    // (strata.fold-window-trims's), here read as CHWF.
    DenseElementsAttr source;
    SmallVector<int64_t> toChwf = {2, 0, 1, 3};
    Value filter = conv.getInputs()[1];
    if (auto transpose = filter.getDefiningOp<tosa::TransposeOp>();
        transpose && transpose->hasOneUse()) {
      for (int64_t &d : toChwf)
        d = transpose.getPerms()[d];
      filter = transpose.getInput1();
    }
    if (!matchPattern(filter, m_Constant(&source)) ||
        !source.getElementType().isF32())
      return rewriter.notifyMatchFailure(conv, "the filter is not a constant");
    FailureOr<DenseElementsAttr> chwf =
        transposeConstant(source, toChwf, kMaxFilterElements);
    if (failed(chwf))
      return rewriter.notifyMatchFailure(conv, "the filter is too large");
    auto chwfShape = cast<ShapedType>(chwf->getType()).getShape();
    auto weightType = RankedTensorType::get(
        {chwfShape[0], chwfShape[1], chwfShape[2], 1, chwfShape[3]},
        rewriter.getF32Type());
    Location loc = conv.getLoc();
    Value weights =
        arith::ConstantOp::create(rewriter, loc, chwf->reshape(weightType));
    Value input = buildDepthInput(rewriter, loc, nchw);
    SmallVector<int64_t> outShape = {type.getDimSize(0), 1, type.getDimSize(1),
                                     type.getDimSize(2), type.getDimSize(3)};
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, outShape, type.getElementType());
    Value start =
        linalg::BroadcastOp::create(rewriter, loc, init.getInput(), empty,
                                    ArrayRef<int64_t>{0, 1, 2, 3})
            ->getResult(0);
    SmallVector<int64_t> strides = {1}, dilations = {1};
    llvm::append_range(strides, conv.getStrides().getValues<int64_t>());
    llvm::append_range(dilations, conv.getDilations().getValues<int64_t>());
    auto conv3d = linalg::Conv3DNdhwcDhwcfOp::create(
        rewriter, loc, start.getType(), ValueRange{input, weights},
        ValueRange{start}, rewriter.getI64TensorAttr(strides),
        rewriter.getI64TensorAttr(dilations));
    rewriter.replaceOp(
        conv,
        buildTosaReshape(rewriter, loc, conv3d->getResult(0), type.getShape()));
    return success();
  }
};
} // namespace

void mlir::strata::populateFoldInputLayoutPatterns(
    RewritePatternSet &patterns) {
  patterns.add<NchwConv2DAsConv3D, NchwLinalgConv2DAsConv3D>(
      patterns.getContext());
}

void mlir::strata::populateFoldWindowTrimsPatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldTrimIntoConv2D, FoldTrimIntoMaxPool2D>(
      patterns.getContext());
}

//===- ExpandComposites.cpp - Composite graph ops into TOSA and linalg ----===//
//
// Implements `strata-expand-composites`.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Support/Constants.h"
#include "strata/Support/GroupedConv.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "strata-expand-composites"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAEXPANDCOMPOSITES
#include "passes/Conversion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
/// Builds TOSA ops of one element type and rank at one location.
struct TosaBuilder {
  RewriterBase &rewriter;
  Location loc;
  RankedTensorType type;

  /// A constant `value` with every dimension 1 (broadcasts against `type`).
  Value scalar(double value) {
    auto scalarType = RankedTensorType::get(
        SmallVector<int64_t>(type.getRank(), 1), type.getElementType());
    return tosa::ConstOp::create(
        rewriter, loc, scalarType,
        DenseElementsAttr::get(
            scalarType, rewriter.getFloatAttr(type.getElementType(), value)));
  }
  Value mul(Value x, Value y) {
    auto shiftType = RankedTensorType::get({1}, rewriter.getI8Type());
    Value shift = tosa::ConstOp::create(
        rewriter, loc, shiftType,
        DenseElementsAttr::get(shiftType, rewriter.getI8IntegerAttr(0)));
    return tosa::MulOp::create(rewriter, loc, x.getType(), x, y, shift);
  }
  Value add(Value x, Value y) {
    return tosa::AddOp::create(rewriter, loc, x.getType(), x, y);
  }
  Value shape(ArrayRef<int64_t> values) {
    ImplicitLocOpBuilder builder(loc, rewriter);
    return tosa::getTosaConstShape(builder, values);
  }
  /// `x` reshaped to `newShape`; a constant's data read in the new shape.
  Value reshape(Value x, ArrayRef<int64_t> newShape) {
    auto xType = cast<RankedTensorType>(x.getType());
    auto newType = xType.clone(newShape);
    DenseElementsAttr values;
    if (matchPattern(x, m_Constant(&values)))
      return tosa::ConstOp::create(rewriter, loc, newType,
                                   values.reshape(newType));
    return tosa::ReshapeOp::create(rewriter, loc, newType, x, shape(newShape));
  }
};
} // namespace

/// x / (bias + alpha / size * window_sum(x^2))^beta, the window sum as a
/// sum of `size` shifted slices of the squares padded along the axis.
static void expandLRN(RewriterBase &rewriter, LRNOp op) {
  auto type = cast<RankedTensorType>(op.getType());
  TosaBuilder b{rewriter, op.getLoc(), type};
  Location loc = op.getLoc();
  int64_t rank = type.getRank(), axis = op.getAxis(), size = op.getSize();
  Value x = op.getInput();
  Value squares = b.mul(x, x);
  SmallVector<int64_t> padding(2 * rank, 0);
  padding[2 * axis] = (size - 1) / 2;
  padding[2 * axis + 1] = size / 2;
  SmallVector<int64_t> paddedShape(type.getShape());
  paddedShape[axis] += size - 1;
  auto padType = RankedTensorType::get({1}, type.getElementType());
  Value padded = tosa::PadOp::create(
      rewriter, loc, type.clone(paddedShape), squares, b.shape(padding),
      tosa::ConstOp::create(
          rewriter, loc, padType,
          DenseElementsAttr::get(
              padType, rewriter.getFloatAttr(type.getElementType(), 0.0))));
  Value sizes = b.shape(type.getShape());
  Value sum;
  for (int64_t j = 0; j < size; ++j) {
    SmallVector<int64_t> start(rank, 0);
    start[axis] = j;
    Value part = tosa::SliceOp::create(rewriter, loc, type, padded,
                                       b.shape(start), sizes);
    sum = sum ? b.add(sum, part) : part;
  }
  // One statement per op: the order of the ops is the order written.
  Value scale = b.scalar(op.getAlpha().convertToDouble() / size);
  Value scaled = b.mul(sum, scale);
  Value bias = b.scalar(op.getBias().convertToDouble());
  Value base = b.add(scaled, bias);
  Value beta = b.scalar(op.getBeta().convertToDouble());
  Value denominator = tosa::PowOp::create(rewriter, loc, type, base, beta);
  Value inverse = tosa::ReciprocalOp::create(rewriter, loc, type, denominator);
  rewriter.replaceOp(op, b.mul(x, inverse));
}

/// The value of `weight` if it is a constant or a transpose of one.
static FailureOr<DenseElementsAttr> getConstantWeight(Value weight) {
  DenseElementsAttr value;
  if (matchPattern(weight, m_Constant(&value)))
    return value;
  auto transpose = weight.getDefiningOp<tosa::TransposeOp>();
  if (!transpose || !matchPattern(transpose.getInput1(), m_Constant(&value)))
    return failure();
  SmallVector<int64_t> perms(transpose.getPerms().begin(),
                             transpose.getPerms().end());
  return transposeConstant(value, perms);
}

/// A padded grouped convolution as the linalg op of
/// strata/Support/GroupedConv.h: the input padded and split into (group,
/// channel of the group), the OHWI weight [G * F, KH, KW, C] as
/// [KH, KW, G, C, F], the accumulator starting at the bias (zero: a fill).
static void expandGroupedConv(RewriterBase &rewriter, GroupedConv2DOp op) {
  RankedTensorType type = op.getType(), inType = op.getInput().getType(),
                   weightType = op.getWeight().getType();
  TosaBuilder b{rewriter, op.getLoc(), type};
  Location loc = op.getLoc();
  Type element = type.getElementType();
  int64_t groups = op.getGroup(), perGroupIn = weightType.getDimSize(3);
  int64_t perGroupOut = weightType.getDimSize(0) / groups;
  int64_t kh = weightType.getDimSize(1), kw = weightType.getDimSize(2);
  ArrayRef<int64_t> pad = op.getPad();
  Value input = op.getInput();
  SmallVector<int64_t> padded(inType.getShape());
  padded[1] += pad[0] + pad[1];
  padded[2] += pad[2] + pad[3];
  if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
    auto padType = RankedTensorType::get({1}, element);
    input = tosa::PadOp::create(
        rewriter, loc, inType.clone(padded), input,
        b.shape({0, 0, pad[0], pad[1], pad[2], pad[3], 0, 0}),
        tosa::ConstOp::create(
            rewriter, loc, padType,
            DenseElementsAttr::get(padType,
                                   rewriter.getFloatAttr(element, 0.0))));
  }
  // A constant weight (possibly behind the importer's OIHW -> OHWI
  // transpose) is rearranged once here, not on every call.
  FailureOr<DenseElementsAttr> weights = getConstantWeight(op.getWeight());
  // Through a shuffle of S groups, P = S / gcd(S, Cg) consecutive groups
  // read S runs of J channels (GroupedConv.h). A filter with the zeros
  // that takes for P > 1 is built from a constant weight only; a weight
  // computed at run time reads the shuffle as the graph wrote it.
  int64_t runs = op.getInputShuffle().value_or(1);
  if (getShuffleWindows(runs, perGroupIn).subgroups > 1 && failed(weights)) {
    int64_t channels = groups * perGroupIn;
    Value split = b.reshape(
        input, {padded[0], padded[1], padded[2], runs, channels / runs});
    auto transposedType = RankedTensorType::get(
        {padded[0], padded[1], padded[2], channels / runs, runs}, element);
    Value shuffled = tosa::TransposeOp::create(
        rewriter, loc, transposedType, split,
        rewriter.getDenseI32ArrayAttr({0, 1, 2, 4, 3}));
    input = b.reshape(shuffled, padded);
    runs = 1;
  }
  auto [subgroups, runLength, step, window] =
      getShuffleWindows(runs, perGroupIn);
  int64_t supers = groups / subgroups;
  SmallVector<int64_t> outShape = {type.getDimSize(0), type.getDimSize(1),
                                   type.getDimSize(2), groups, perGroupOut};
  Value filter;
  if (subgroups > 1) {
    // Filter [KH][KW][G/P][P][S][W][F] from the OHWI weight
    // [G * F][KH][KW][Cg]: group g = super * P + h reads channel
    // h * A + t of run s of its super-group, the shuffled channel
    // k = (super * J + h * A + t) * S + s, where it is one of g's.
    input = b.reshape(
        input, {padded[0], padded[1], padded[2], runs, supers, runLength});
    SmallVector<int64_t> filterShape = {kh,   kw,     supers,     subgroups,
                                        runs, window, perGroupOut};
    auto filterType = RankedTensorType::get(filterShape, element);
    SmallVector<APFloat> values(
        filterType.getNumElements(),
        APFloat::getZero(cast<FloatType>(element).getFloatSemantics()));
    SmallVector<APFloat> source(weights->getValues<APFloat>());
    int64_t index = 0;
    for (int64_t y = 0; y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        for (int64_t super = 0; super < supers; ++super)
          for (int64_t h = 0; h < subgroups; ++h)
            for (int64_t s = 0; s < runs; ++s)
              for (int64_t t = 0; t < window; ++t)
                for (int64_t f = 0; f < perGroupOut; ++f, ++index) {
                  int64_t g = super * subgroups + h;
                  int64_t k = (super * runLength + h * step + t) * runs + s;
                  if (k / perGroupIn != g)
                    continue;
                  int64_t o = g * perGroupOut + f;
                  values[index] = source[((o * kh + y) * kw + x) * perGroupIn +
                                         k % perGroupIn];
                }
    filter = tosa::ConstOp::create(
        rewriter, loc, filterType,
        DenseElementsAttr::get(filterType, ArrayRef<APFloat>(values)));
    outShape = {type.getDimSize(0), type.getDimSize(1),
                type.getDimSize(2), supers,
                subgroups,          perGroupOut};
  } else {
    // Through a shuffle whose runs S divides a group's channels, the
    // input's channels split as (run s, group, channel r of the run) and a
    // group's channel r * S + s; else as (group, channel).
    int64_t perRun = perGroupIn / runs;
    SmallVector<int64_t> split, perms, filterShape;
    if (runs > 1) {
      input = b.reshape(
          input, {padded[0], padded[1], padded[2], runs, groups, perRun});
      split = {groups, perGroupOut, kh, kw, perRun, runs};
      perms = {2, 3, 0, 5, 4, 1};
      filterShape = {kh, kw, groups, runs, perRun, perGroupOut};
    } else {
      input = b.reshape(input,
                        {padded[0], padded[1], padded[2], groups, perGroupIn});
      split = {groups, perGroupOut, kh, kw, perGroupIn};
      perms = {2, 3, 0, 4, 1};
      filterShape = {kh, kw, groups, perGroupIn, perGroupOut};
    }
    auto filterType = RankedTensorType::get(filterShape, element);
    if (succeeded(weights)) {
      FailureOr<DenseElementsAttr> laidOut =
          transposeConstant(*weights, split, perms, filterType);
      if (succeeded(laidOut))
        filter = tosa::ConstOp::create(rewriter, loc, filterType, *laidOut);
    }
    if (!filter)
      filter = tosa::TransposeOp::create(
          rewriter, loc, filterType, b.reshape(op.getWeight(), split),
          rewriter.getDenseI32ArrayAttr(
              SmallVector<int32_t>(perms.begin(), perms.end())));
  }
  Value empty = tensor::EmptyOp::create(rewriter, loc, outShape, element);
  DenseElementsAttr bias;
  Value init;
  if (matchPattern(op.getBias(), m_Constant(&bias)) && bias.isSplat() &&
      bias.getSplatValue<APFloat>().isPosZero()) {
    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getFloatAttr(element, 0.0));
    init = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
  } else {
    init =
        linalg::BroadcastOp::create(
            rewriter, loc,
            b.reshape(op.getBias(), ArrayRef<int64_t>(outShape).drop_front(3)),
            empty, ArrayRef<int64_t>{0, 1, 2})
            ->getResult(0);
  }
  Value conv =
      runs > 1 ? buildShuffledGroupedConv2D(rewriter, loc, input, filter, init,
                                            op.getStride(), op.getDilation())
               : buildGroupedConv2D(rewriter, loc, input, filter, init,
                                    op.getStride(), op.getDilation());
  Operation *weight = op.getWeight().getDefiningOp();
  rewriter.replaceOp(op, b.reshape(conv, type.getShape()));
  // The importer's transpose, folded above, would run for nothing.
  if (isa_and_nonnull<tosa::TransposeOp>(weight) && weight->use_empty())
    rewriter.eraseOp(weight);
}

namespace {
struct StrataExpandCompositesPass final
    : strata::impl::StrataExpandCompositesBase<StrataExpandCompositesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<LRNOp, GroupedConv2DOp>(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      if (auto lrn = dyn_cast<LRNOp>(op))
        expandLRN(rewriter, lrn);
      else
        expandGroupedConv(rewriter, cast<GroupedConv2DOp>(op));
      ++numExpanded;
    }
  }
};
} // namespace

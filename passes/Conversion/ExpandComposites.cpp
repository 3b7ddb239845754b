//===- ExpandComposites.cpp - strata.lrn into TOSA ------------------------===//
//
// Implements `strata-expand-composites`.
//
//===----------------------------------------------------------------------===//

#include "passes/Conversion/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"

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

namespace {
struct StrataExpandCompositesPass final
    : strata::impl::StrataExpandCompositesBase<StrataExpandCompositesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<LRNOp> ops;
    getOperation().walk([&](LRNOp op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (LRNOp op : ops) {
      rewriter.setInsertionPoint(op);
      expandLRN(rewriter, op);
      ++numExpanded;
    }
  }
};
} // namespace

//===- SinkTransposes.cpp - Move transposes below elementwise ops ---------===//
//
// Implements `strata-sink-transposes` and populateSinkTransposePatterns.
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"

#include "passes/Fusion/Grouping.h"
#include "passes/Rewrite/Rules.h"
#include "strata/Support/Constants.h"
#include "strata/Support/LayoutChain.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Utils/ConversionUtils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "strata-sink-transposes"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATASINKTRANSPOSES
#include "passes/Rewrite/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

/// Constants larger than this are not permuted element by element (one
/// whose data order the permutation keeps is always accepted).
static constexpr int64_t kMaxPermutedElements = 1 << 20;
/// Transposes of constants larger than this stay run-time ops (1 GiB of
/// f32). The largest weights of the light models (VGG-19's first
/// fully-connected layer, 103M elements) are folded: transposing them on
/// every call cost more than the rest of the network.
static constexpr int64_t kMaxFoldedElements = int64_t(1) << 28;

/// tosa.transpose of `value` (static shape) by `perms`.
static Value createTranspose(PatternRewriter &rewriter, Location loc,
                             Value value, ArrayRef<int32_t> perms) {
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<int64_t> shape;
  for (int32_t p : perms)
    shape.push_back(type.getDimSize(p));
  return tosa::TransposeOp::create(rewriter, loc, type.clone(shape), value,
                                   rewriter.getDenseI32ArrayAttr(perms));
}

/// Whether `op` is elementwise in the TOSA sense (tosa.mul included: it is
/// elementwise but not marked so, because of its shift operand).
static bool isElementwise(Operation *op) {
  return op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
         isa<tosa::MulOp>(op);
}

/// Whether a pattern below can move a transpose by `perms` below `user`:
/// every other operand of the same rank is a transpose by `perms` or a
/// constant (elementwise ops), every input a transpose by `perms`
/// (concat), or it is a slice with constant bounds.
static bool canAbsorb(Operation *user, ArrayRef<int32_t> perms) {
  auto sameTranspose = [&](Value value) {
    auto transpose = value.getDefiningOp<tosa::TransposeOp>();
    return transpose && transpose.getPerms() == perms;
  };
  if (auto concat = dyn_cast<tosa::ConcatOp>(user))
    return llvm::all_of(concat.getInput1(), sameTranspose);
  if (isa<LRNOp>(user))
    return true;
  if (auto pad = dyn_cast<tosa::PadOp>(user)) {
    SmallVector<int64_t> values;
    return tosa::getConstShapeValues(pad.getPadding().getDefiningOp(), values);
  }
  if (auto slice = dyn_cast<tosa::SliceOp>(user)) {
    SmallVector<int64_t> values;
    return tosa::getConstShapeValues(slice.getStart().getDefiningOp(),
                                     values) &&
           tosa::getConstShapeValues(slice.getSize().getDefiningOp(), values);
  }
  if (!isElementwise(user) || user->getNumResults() != 1)
    return false;
  auto type = dyn_cast<RankedTensorType>(user->getResult(0).getType());
  if (!type)
    return false;
  for (Value operand : user->getOperands()) {
    auto operandType = dyn_cast<RankedTensorType>(operand.getType());
    if (!operandType || operandType.getRank() != type.getRank())
      continue;
    if (!sameTranspose(operand) && !matchPattern(operand, m_Constant()))
      return false;
  }
  return true;
}

/// A transpose may move below its users when each of them can take it:
/// then every user gets its own transpose further down and this one dies,
/// so moving never leaves more transposes on a path than there were.
static bool allUsersAbsorb(tosa::TransposeOp transpose) {
  return llvm::all_of(transpose->getUsers(), [&](Operation *user) {
    return canAbsorb(user, transpose.getPerms());
  });
}

namespace {
/// op(transpose(x, P), c) -> transpose(op(x, transpose(c, P^-1)), P).
struct SinkTransposeThroughElementwise final : RewritePattern {
  SinkTransposeThroughElementwise(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isElementwise(op) || op->getNumResults() != 1)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || resultType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "not a ranked tensor of rank 2+");
    int64_t rank = resultType.getRank();

    // The permutation: the first transposed operand's.
    ArrayRef<int32_t> perms;
    for (Value operand : op->getOperands())
      if (auto transpose = operand.getDefiningOp<tosa::TransposeOp>()) {
        perms = transpose.getPerms();
        break;
      }
    if (perms.empty())
      return rewriter.notifyMatchFailure(op, "no transposed operand");
    SmallVector<int32_t> inverse(rank);
    for (auto [i, p] : llvm::enumerate(perms))
      inverse[p] = i;
    auto permuteShape = [&](ArrayRef<int64_t> shape) {
      SmallVector<int64_t> result;
      for (int32_t p : inverse)
        result.push_back(shape[p]);
      return result;
    };

    SmallVector<Value> operands;
    SmallVector<std::pair<unsigned, DenseElementsAttr>> constants;
    for (auto [index, operand] : llvm::enumerate(op->getOperands())) {
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!type || type.getRank() != rank) {
        operands.push_back(operand); // tosa.mul's shift.
        continue;
      }
      if (auto transpose = operand.getDefiningOp<tosa::TransposeOp>()) {
        if (transpose.getPerms() != perms || !allUsersAbsorb(transpose))
          return rewriter.notifyMatchFailure(
              op, "a transposed operand with another permutation, or with a "
                  "user that cannot take the transpose");
        operands.push_back(transpose.getInput1());
        continue;
      }
      DenseElementsAttr value;
      if (!matchPattern(operand, m_Constant(&value)))
        return rewriter.notifyMatchFailure(op, "an operand neither "
                                               "transposed nor constant");
      FailureOr<DenseElementsAttr> permuted = transposeConstant(
          value, SmallVector<int64_t>(inverse.begin(), inverse.end()),
          kMaxPermutedElements);
      if (failed(permuted))
        return rewriter.notifyMatchFailure(op, "constant too large to permute");
      constants.push_back({unsigned(index), *permuted});
      operands.push_back(Value());
    }
    for (auto [index, value] : constants)
      operands[index] = tosa::ConstOp::create(
          rewriter, op->getOperand(index).getLoc(), value.getType(), value);

    auto newType = RankedTensorType::get(permuteShape(resultType.getShape()),
                                         resultType.getElementType());
    OperationState state(op->getLoc(), op->getName(), operands, {newType},
                         op->getAttrs());
    Operation *moved = rewriter.create(state);
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(
        op, resultType, moved->getResult(0),
        rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};
/// Whether `transpose` is in the layout chain of a matmul's constant
/// weights that kernel formation packs (getPackedWeightChain).
static bool isPackedWeightLayout(tosa::TransposeOp transpose) {
  Operation *link = transpose;
  while (link->hasOneUse() &&
         isa<tosa::TransposeOp, tosa::ReshapeOp, tensor::ExpandShapeOp,
             tensor::CollapseShapeOp>(*link->user_begin()))
    link = *link->user_begin();
  if (!link->hasOneUse())
    return false;
  return llvm::is_contained(getPackedWeightChain(*link->user_begin()),
                            transpose.getOperation());
}

/// transpose(constant) -> constant, for the weights the importer rearranges
/// (ONNX OIHW filters to TOSA's OHWI): done once here instead of on every
/// call. Upstream's folder only folds splats and single-use constants.
struct FoldConstantTranspose final : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr value;
    if (!matchPattern(transpose.getInput1(), m_Constant(&value)))
      return rewriter.notifyMatchFailure(transpose, "input not constant");
    if (isPackedWeightLayout(transpose))
      return rewriter.notifyMatchFailure(
          transpose, "a matmul's weights: kernel formation folds their layout "
                     "together with their blocking (strata-pack-constants)");
    SmallVector<int64_t> perms(transpose.getPerms().begin(),
                               transpose.getPerms().end());
    FailureOr<DenseElementsAttr> folded =
        transposeConstant(value, perms, kMaxFoldedElements);
    if (failed(folded))
      return rewriter.notifyMatchFailure(transpose, "constant too large");
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(transpose, folded->getType(),
                                               *folded);
    return success();
  }
};

/// slice(constant) -> constant: the filters of each group of a grouped
/// convolution (the importer slices the ONNX weight), so that their layout
/// transposes fold too instead of running on every call (AlexNet: four
/// transposes of sliced 3x3 filters, 6 of its 40 ms).
struct FoldConstantSlice final : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SliceOp slice,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr value;
    if (!matchPattern(slice.getInput1(), m_Constant(&value)))
      return rewriter.notifyMatchFailure(slice, "input not constant");
    SmallVector<int64_t> start, size;
    if (!tosa::getConstShapeValues(slice.getStart().getDefiningOp(), start) ||
        !tosa::getConstShapeValues(slice.getSize().getDefiningOp(), size))
      return rewriter.notifyMatchFailure(slice, "start or size not constant");
    auto type = dyn_cast<RankedTensorType>(slice.getType());
    if (!type || !type.hasStaticShape() || type.getShape() != ArrayRef(size))
      return rewriter.notifyMatchFailure(slice, "size not the result shape");
    FailureOr<DenseElementsAttr> folded =
        sliceConstant(value, start, size, kMaxFoldedElements);
    if (failed(folded))
      return rewriter.notifyMatchFailure(slice, "cannot fold the slice");
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(slice, folded->getType(),
                                               *folded);
    return success();
  }
};

/// slice(transpose(x, P)) -> transpose(slice(x), P), the slice's start
/// and size permuted.
struct SinkTransposeThroughSlice final : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto transpose = slice.getInput1().getDefiningOp<tosa::TransposeOp>();
    if (!transpose || !allUsersAbsorb(transpose))
      return rewriter.notifyMatchFailure(slice, "input is not a transpose "
                                                "whose users can all take it");
    SmallVector<int64_t> start, size;
    if (!tosa::getConstShapeValues(slice.getStart().getDefiningOp(), start) ||
        !tosa::getConstShapeValues(slice.getSize().getDefiningOp(), size))
      return rewriter.notifyMatchFailure(slice, "start or size not constant");
    auto resultType = dyn_cast<RankedTensorType>(slice.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(slice, "unranked result");
    ArrayRef<int32_t> perms = transpose.getPerms();
    SmallVector<int64_t> newStart(perms.size()), newSize(perms.size()),
        newShape(perms.size());
    for (auto [i, p] : llvm::enumerate(perms)) {
      newStart[p] = start[i];
      newSize[p] = size[i];
      newShape[p] = resultType.getDimSize(i);
    }
    Location loc = slice.getLoc();
    auto moved = tosa::SliceOp::create(
        rewriter, loc,
        RankedTensorType::get(newShape, resultType.getElementType()),
        transpose.getInput1(), tosa::getTosaConstShape(rewriter, loc, newStart),
        tosa::getTosaConstShape(rewriter, loc, newSize));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(
        slice, resultType, moved, rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};

/// lrn(transpose(x, P), axis a) -> transpose(lrn(x, axis P[a]), P): LRN
/// mixes elements along one axis only.
struct SinkTransposeThroughLRN final : OpRewritePattern<LRNOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LRNOp lrn,
                                PatternRewriter &rewriter) const override {
    auto transpose = lrn.getInput().getDefiningOp<tosa::TransposeOp>();
    if (!transpose || !allUsersAbsorb(transpose))
      return rewriter.notifyMatchFailure(lrn, "input is not a transpose "
                                              "whose users can all take it");
    ArrayRef<int32_t> perms = transpose.getPerms();
    Value input = transpose.getInput1();
    auto moved = LRNOp::create(rewriter, lrn.getLoc(), input.getType(), input,
                               rewriter.getI64IntegerAttr(perms[lrn.getAxis()]),
                               lrn.getSizeAttr(), lrn.getAlphaAttr(),
                               lrn.getBetaAttr(), lrn.getBiasAttr());
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(
        lrn, lrn.getType(), moved, rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};

/// pad(transpose(x, P)) -> transpose(pad(x), P), the padding permuted
/// (LRN pads its channels in NCHW).
struct SinkTransposeThroughPad final : OpRewritePattern<tosa::PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::PadOp pad,
                                PatternRewriter &rewriter) const override {
    auto transpose = pad.getInput1().getDefiningOp<tosa::TransposeOp>();
    if (!transpose || !allUsersAbsorb(transpose))
      return rewriter.notifyMatchFailure(pad, "input is not a transpose "
                                              "whose users can all take it");
    SmallVector<int64_t> padding;
    if (!tosa::getConstShapeValues(pad.getPadding().getDefiningOp(), padding))
      return rewriter.notifyMatchFailure(pad, "padding not constant");
    auto resultType = dyn_cast<RankedTensorType>(pad.getType());
    ArrayRef<int32_t> perms = transpose.getPerms();
    if (!resultType || padding.size() != 2 * perms.size())
      return rewriter.notifyMatchFailure(pad, "unranked result");
    SmallVector<int64_t> newPadding(padding.size()), newShape(perms.size());
    for (auto [i, p] : llvm::enumerate(perms)) {
      newPadding[2 * p] = padding[2 * i];
      newPadding[2 * p + 1] = padding[2 * i + 1];
      newShape[p] = resultType.getDimSize(i);
    }
    Location loc = pad.getLoc();
    auto moved = tosa::PadOp::create(
        rewriter, loc,
        RankedTensorType::get(newShape, resultType.getElementType()),
        transpose.getInput1(),
        tosa::getTosaConstShape(rewriter, loc, newPadding), pad.getPadConst());
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(
        pad, resultType, moved, rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};

/// concat(transpose(a, P), transpose(b, P), axis) ->
/// transpose(concat(a, b, P[axis]), P).
struct SinkTransposeThroughConcat final : OpRewritePattern<tosa::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ConcatOp concat,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(concat.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(concat, "unranked result");
    ArrayRef<int32_t> perms;
    SmallVector<Value> inputs;
    for (Value input : concat.getInput1()) {
      auto transpose = input.getDefiningOp<tosa::TransposeOp>();
      if (!transpose || !allUsersAbsorb(transpose) ||
          (!perms.empty() && transpose.getPerms() != perms))
        return rewriter.notifyMatchFailure(
            concat, "an input is not a transpose by the same permutation "
                    "whose users can all take it");
      perms = transpose.getPerms();
      inputs.push_back(transpose.getInput1());
    }
    if (perms.empty())
      return failure();
    SmallVector<int64_t> newShape(perms.size());
    for (auto [i, p] : llvm::enumerate(perms))
      newShape[p] = resultType.getDimSize(i);
    int32_t axis = perms[concat.getAxis()];
    auto moved = tosa::ConcatOp::create(
        rewriter, concat.getLoc(),
        RankedTensorType::get(newShape, resultType.getElementType()), inputs,
        rewriter.getI32IntegerAttr(axis));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(
        concat, resultType, moved, rewriter.getDenseI32ArrayAttr(perms));
    return success();
  }
};

/// A chain of tosa.reshape and tosa.transpose ops (each but the last read
/// only by the next) with two or more transposes becomes at most one
/// transpose between two reshapes (reshapes of contiguous data are free).
/// ShuffleNet's channel shuffle, between NHWC convolutions, is
/// transpose(NHWC->NCHW), reshape(C -> G x C/G), transpose(swap G and C/G),
/// reshape(back), transpose(NCHW->NHWC): three passes over the activation,
/// one after this (a 4 x 34 transpose per pixel).
struct FoldLayoutChain final : RewritePattern {
  FoldLayoutChain(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/2, context) {}

  static bool isLink(Operation *op) {
    return op && isa<tosa::TransposeOp, tosa::ReshapeOp>(op);
  }

  LogicalResult matchAndRewrite(Operation *last,
                                PatternRewriter &rewriter) const override {
    if (!isLink(last))
      return failure();
    // Only the chain's last op rewrites (a longer chain is found from its
    // end).
    if (last->hasOneUse() && isLink(*last->user_begin()))
      return rewriter.notifyMatchFailure(last, "not the end of its chain");
    SmallVector<Operation *> chain = {last};
    while (true) {
      Operation *producer = chain.back()->getOperand(0).getDefiningOp();
      if (!isLink(producer) || !producer->hasOneUse())
        break;
      chain.push_back(producer);
    }
    std::reverse(chain.begin(), chain.end());
    unsigned transposes = llvm::count_if(
        chain, [](Operation *op) { return isa<tosa::TransposeOp>(op); });
    if (transposes < 2)
      return rewriter.notifyMatchFailure(last, "fewer than two transposes");

    Value source = chain.front()->getOperand(0);
    auto sourceType = dyn_cast<RankedTensorType>(source.getType());
    auto resultType = dyn_cast<RankedTensorType>(last->getResult(0).getType());
    if (!sourceType || !resultType || !sourceType.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(last, "dynamic shapes");
    LayoutChain layout(sourceType.getShape());
    for (Operation *op : chain) {
      if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
        layout.transpose(transpose.getPerms());
        continue;
      }
      auto type = cast<RankedTensorType>(op->getResult(0).getType());
      if (!type.hasStaticShape() || !layout.reshape(type.getShape()))
        return rewriter.notifyMatchFailure(op, "a reshape that mixes data");
    }
    SmallVector<int64_t> atomShape;
    SmallVector<int32_t> perms;
    layout.getMovement(atomShape, perms);

    Location loc = last->getLoc();
    Type element = sourceType.getElementType();
    auto reshape = [&](Value value, ArrayRef<int64_t> shape) -> Value {
      if (cast<RankedTensorType>(value.getType()).getShape() == shape)
        return value;
      return tosa::ReshapeOp::create(
          rewriter, loc, RankedTensorType::get(shape, element), value,
          tosa::getTosaConstShape(rewriter, loc, shape));
    };
    Value value = source;
    if (!llvm::equal(perms, llvm::seq<int32_t>(0, perms.size())))
      value = createTranspose(rewriter, loc, reshape(value, atomShape), perms);
    rewriter.replaceOp(last, reshape(value, resultType.getShape()));
    return success();
  }
};
} // namespace

namespace {
/// matmul(reshape(transpose(x, P)), W) -> matmul(reshape(x), W') for
/// constant weights W (behind layout changes): the flatten before a fully
/// connected layer (NHWC activations back to ONNX's NCHW order, then one
/// row) becomes a permutation of W's rows. W' is the constant W starts
/// from, viewed in blocks (tensor.expand_shape, which no folder copies)
/// and transposed once: kernel formation folds that together with the
/// weights' blocking (getPackedWeightChain), so no data moves here.
struct SinkTransposeIntoMatmulWeights final : OpRewritePattern<tosa::MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MatMulOp matmul,
                                PatternRewriter &rewriter) const override {
    auto flatten = matmul.getA().getDefiningOp<tosa::ReshapeOp>();
    auto transpose =
        flatten ? flatten.getInput1().getDefiningOp<tosa::TransposeOp>()
                : nullptr;
    if (!transpose || !flatten->hasOneUse() || !transpose->hasOneUse())
      return rewriter.notifyMatchFailure(
          matmul, "left-hand side is not a reshape of a transpose read only "
                  "here");
    // x: [M, x1..xr] -> t: [M, t1..tr] (P keeps dimension 0) -> [1, M, K].
    auto aType = cast<RankedTensorType>(matmul.getA().getType());
    auto tType = cast<RankedTensorType>(transpose.getType());
    auto bType = cast<RankedTensorType>(matmul.getB().getType());
    ArrayRef<int32_t> perms = transpose.getPerms();
    int64_t rank = perms.size();
    if (!aType.hasStaticShape() || !tType.hasStaticShape() ||
        !bType.hasStaticShape() || rank < 2 || perms[0] != 0 ||
        aType.getDimSize(0) != 1 || aType.getDimSize(1) != tType.getDimSize(0))
      return rewriter.notifyMatchFailure(
          matmul, "not a flatten of all but the transpose's first dimension");
    // W: a constant behind layout changes, each read only by the next.
    std::optional<ConstantLayout> laidOut = matchConstantLayout(matmul.getB());
    if (!laidOut)
      return rewriter.notifyMatchFailure(
          matmul, "weights are not a constant (behind layout changes that "
                  "keep runs of its data) read only here");
    Value source = laidOut->value;
    auto sourceType = cast<RankedTensorType>(source.getType());
    LayoutChain &layout = laidOut->layout;
    // W's rows as t's dimensions, then in x's order.
    int64_t columns = bType.getDimSize(2);
    SmallVector<int64_t> rows(tType.getShape().drop_front());
    rows.push_back(columns);
    SmallVector<int32_t> order(rank - 1);
    for (int64_t i = 1; i < rank; ++i)
      order[perms[i] - 1] = i - 1;
    order.push_back(rank - 1);
    if (!layout.reshape(rows))
      return rewriter.notifyMatchFailure(matmul, "weights do not split into "
                                                 "the flattened dimensions");
    layout.transpose(order);
    if (!layout.reshape(bType.getShape()))
      return rewriter.notifyMatchFailure(matmul, "weights do not flatten back");
    SmallVector<int64_t> atomShape;
    SmallVector<int32_t> movement;
    layout.getMovement(atomShape, movement);

    Location loc = matmul.getLoc();
    Value weights = source;
    if (sourceType.getShape() != ArrayRef<int64_t>(atomShape)) {
      // A split of the constant's dimensions is a view no folder copies;
      // anything else (unit dimensions merged too) is a tosa.reshape,
      // which folds into a copy of the constant.
      RankedTensorType viewType = sourceType.clone(atomShape);
      std::optional<SmallVector<ReassociationIndices>> split;
      if (atomShape.size() > sourceType.getShape().size())
        split = getReassociationIndicesForReshape(sourceType, viewType);
      weights = split ? Value(tensor::ExpandShapeOp::create(
                            rewriter, loc, viewType, weights, *split))
                      : Value(tosa::ReshapeOp::create(
                            rewriter, loc, viewType, weights,
                            tosa::getTosaConstShape(rewriter, loc, atomShape)));
    }
    if (!llvm::equal(movement, llvm::seq<int32_t>(0, movement.size())))
      weights = createTranspose(rewriter, loc, weights, movement);
    weights = tosa::ReshapeOp::create(
        rewriter, loc, bType, weights,
        tosa::getTosaConstShape(rewriter, loc, bType.getShape()));
    Value lhs = tosa::ReshapeOp::create(
        rewriter, flatten.getLoc(), aType, transpose.getInput1(),
        tosa::getTosaConstShape(rewriter, flatten.getLoc(), aType.getShape()));
    rewriter.replaceOpWithNewOp<tosa::MatMulOp>(matmul, matmul.getType(), lhs,
                                                weights, matmul.getAZp(),
                                                matmul.getBZp());
    return success();
  }
};
} // namespace

namespace {
/// transpose(op(a, b), P) -> op(transpose(a, P), transpose(b, P)) when
/// every user of `op` (an elementwise op, a slice, a pad or an LRN) is a
/// transpose by P: the transposes move up, towards their inverses. Constants
/// are permuted at compile time; the transposes of other operands are new ops
/// (strata.cancel-transposes composes them with their producers). This undoes
/// strata.sink-transposes, so the two rules never run in one fixpoint.
struct HoistTranspose final : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp transpose,
                                PatternRewriter &rewriter) const override {
    Operation *op = transpose.getInput1().getDefiningOp();
    if (!op || op->getNumResults() != 1 ||
        !(isElementwise(op) || isa<tosa::SliceOp, tosa::PadOp, LRNOp>(op)))
      return rewriter.notifyMatchFailure(
          transpose, "input is not an elementwise op, a slice, a pad or an "
                     "LRN");
    ArrayRef<int32_t> perms = transpose.getPerms();
    if (!llvm::all_of(op->getUsers(), [&](Operation *user) {
          auto other = dyn_cast<tosa::TransposeOp>(user);
          return other && other.getPerms() == perms;
        }))
      return rewriter.notifyMatchFailure(
          transpose, "the op has a user that is not the same transpose");
    auto resultType = cast<RankedTensorType>(transpose.getType());
    int64_t rank = perms.size();
    Location loc = op->getLoc();
    auto permute = [&](Value value) -> FailureOr<Value> {
      DenseElementsAttr constant;
      auto type = cast<RankedTensorType>(value.getType());
      SmallVector<int64_t> shape;
      for (int32_t p : perms)
        shape.push_back(type.getDimSize(p));
      if (matchPattern(value, m_Constant(&constant))) {
        FailureOr<DenseElementsAttr> permuted = transposeConstant(
            constant, SmallVector<int64_t>(perms.begin(), perms.end()),
            kMaxPermutedElements);
        if (failed(permuted))
          return failure();
        return Value(tosa::ConstOp::create(rewriter, value.getLoc(),
                                           permuted->getType(), *permuted));
      }
      return Value(tosa::TransposeOp::create(
          rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
          value, rewriter.getDenseI32ArrayAttr(perms)));
    };
    Operation *hoisted = nullptr;
    if (auto slice = dyn_cast<tosa::SliceOp>(op)) {
      SmallVector<int64_t> start, size;
      if (!tosa::getConstShapeValues(slice.getStart().getDefiningOp(), start) ||
          !tosa::getConstShapeValues(slice.getSize().getDefiningOp(), size))
        return rewriter.notifyMatchFailure(transpose, "slice not constant");
      SmallVector<int64_t> newStart, newSize;
      for (int32_t p : perms) {
        newStart.push_back(start[p]);
        newSize.push_back(size[p]);
      }
      FailureOr<Value> input = permute(slice.getInput1());
      if (failed(input))
        return rewriter.notifyMatchFailure(transpose, "constant too large");
      hoisted = tosa::SliceOp::create(
          rewriter, loc, resultType, *input,
          tosa::getTosaConstShape(rewriter, loc, newStart),
          tosa::getTosaConstShape(rewriter, loc, newSize));
    } else if (auto pad = dyn_cast<tosa::PadOp>(op)) {
      SmallVector<int64_t> padding;
      if (!tosa::getConstShapeValues(pad.getPadding().getDefiningOp(), padding))
        return rewriter.notifyMatchFailure(transpose, "padding not constant");
      SmallVector<int64_t> newPadding;
      for (int32_t p : perms) {
        newPadding.push_back(padding[2 * p]);
        newPadding.push_back(padding[2 * p + 1]);
      }
      FailureOr<Value> input = permute(pad.getInput1());
      if (failed(input))
        return rewriter.notifyMatchFailure(transpose, "constant too large");
      hoisted = tosa::PadOp::create(
          rewriter, loc, resultType, *input,
          tosa::getTosaConstShape(rewriter, loc, newPadding),
          pad.getPadConst());
    } else if (auto lrn = dyn_cast<LRNOp>(op)) {
      // The result's axis b is the input's axis P[b].
      int64_t axis = llvm::find(perms, static_cast<int32_t>(lrn.getAxis())) -
                     perms.begin();
      FailureOr<Value> input = permute(lrn.getInput());
      if (failed(input))
        return rewriter.notifyMatchFailure(transpose, "constant too large");
      hoisted = LRNOp::create(rewriter, loc, resultType, *input,
                              rewriter.getI64IntegerAttr(axis),
                              lrn.getSizeAttr(), lrn.getAlphaAttr(),
                              lrn.getBetaAttr(), lrn.getBiasAttr());
    } else {
      SmallVector<Value> operands;
      for (Value operand : op->getOperands()) {
        auto type = dyn_cast<RankedTensorType>(operand.getType());
        if (!type || type.getRank() != rank) {
          operands.push_back(operand); // tosa.mul's shift.
          continue;
        }
        FailureOr<Value> permuted = permute(operand);
        if (failed(permuted))
          return rewriter.notifyMatchFailure(transpose, "constant too large");
        operands.push_back(*permuted);
      }
      OperationState state(loc, op->getName(), operands, {resultType},
                           op->getAttrs());
      hoisted = rewriter.create(state);
    }
    for (Operation *user : llvm::to_vector(op->getUsers()))
      rewriter.replaceOp(user, hoisted->getResults());
    return success();
  }
};
} // namespace

void mlir::strata::populateFlattenIntoWeightsPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SinkTransposeIntoMatmulWeights>(patterns.getContext());
}

void mlir::strata::populateHoistTransposePatterns(RewritePatternSet &patterns) {
  patterns.add<HoistTranspose>(patterns.getContext());
}

void mlir::strata::populateSinkTransposePatterns(RewritePatternSet &patterns) {
  patterns.add<SinkTransposeThroughElementwise, SinkTransposeThroughSlice,
               SinkTransposeThroughPad, SinkTransposeThroughConcat,
               SinkTransposeThroughLRN, FoldConstantTranspose,
               FoldConstantSlice, FoldLayoutChain>(patterns.getContext());
}

namespace {
struct StrataSinkTransposesPass final
    : strata::impl::StrataSinkTransposesBase<StrataSinkTransposesPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSinkTransposePatterns(patterns);
    // Inverse transposes meet and cancel; constants fold.
    tosa::TransposeOp::getCanonicalizationPatterns(patterns, &getContext());
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};
} // namespace

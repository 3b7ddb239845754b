//===- AlgebraicRules.cpp - Layout cancellation and algebraic rules -------===//
//
// The rules strata.cancel-transposes (transpose and reshape chains),
// strata.algebraic-identities (x*1, x+0, x-0, -(-x)) and
// strata.merge-affine-chains (chains of per-channel constant scales and
// shifts merged into one scale and one shift).
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Rules.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::strata;

//===----------------------------------------------------------------------===//
// strata.cancel-transposes
//===----------------------------------------------------------------------===//

namespace {
/// transpose(transpose(x, p), q) -> transpose(x, p o q), or x when the
/// composition is the identity; transpose(x, identity) -> x.
struct ComposeTransposes final : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    ArrayRef<int32_t> outer = op.getPerms();
    auto inner = op.getInput1().getDefiningOp<tosa::TransposeOp>();
    SmallVector<int32_t> perms(outer);
    Value input = op.getInput1();
    if (inner) {
      // result[j] = inner[outer[j]] = x[innerPerms[outer[j]]].
      for (auto [j, o] : llvm::enumerate(outer))
        perms[j] = inner.getPerms()[o];
      input = inner.getInput1();
    }
    bool identity = llvm::all_of(llvm::enumerate(perms), [](auto pair) {
      return static_cast<int64_t>(pair.index()) == pair.value();
    });
    if (identity && input.getType() == op.getType()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    if (!inner)
      return rewriter.notifyMatchFailure(
          op, "neither an identity nor a transpose of a transpose");
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(op, op.getType(), input,
                                                   perms);
    return success();
  }
};

/// reshape(reshape(x)) -> reshape(x); reshape(x) to x's own type -> x.
struct CollapseReshapes final : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput1();
    if (input.getType() == op.getType()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    auto inner = input.getDefiningOp<tosa::ReshapeOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "not a reshape of a reshape");
    rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(
        op, op.getType(), inner.getInput1(), op.getShape());
    return success();
  }
};
} // namespace

void mlir::strata::populateCancelTransposesPatterns(
    RewritePatternSet &patterns) {
  patterns.add<ComposeTransposes, CollapseReshapes>(patterns.getContext());
}

//===----------------------------------------------------------------------===//
// strata.epilogue-normal-form
//===----------------------------------------------------------------------===//

/// The non-unit dimensions of `shape`.
static SmallVector<int64_t> nonUnitDims(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> dims;
  for (int64_t d : shape)
    if (d != 1)
      dims.push_back(d);
  return dims;
}

namespace {
/// op(reshape(x), c) -> reshape(op(x, c')) for a TOSA elementwise op whose
/// other operands are constants, when the reshape only adds or drops unit
/// dimensions: a contraction's epilogue (bias, activation) then reads the
/// contraction directly (tosa.matmul -> reshape -> add -> clamp becomes
/// tosa.matmul -> add -> clamp -> reshape).
struct SinkUnitReshape final : RewritePattern {
  SinkUnitReshape(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!(op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
          isa<tosa::MulOp>(op)) ||
        op->getNumResults() != 1)
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "result not statically shaped");
    tosa::ReshapeOp reshape;
    for (Value operand : op->getOperands())
      if ((reshape = operand.getDefiningOp<tosa::ReshapeOp>()))
        break;
    if (!reshape)
      return rewriter.notifyMatchFailure(op, "no operand is a reshape");
    Value x = reshape.getInput1();
    auto xType = cast<RankedTensorType>(x.getType());
    if (!xType.hasStaticShape() || reshape.getType() != resultType ||
        nonUnitDims(xType.getShape()) != nonUnitDims(resultType.getShape()))
      return rewriter.notifyMatchFailure(
          op, "the reshape does more than add or drop unit dimensions, or "
              "the op broadcasts it");
    auto newType =
        RankedTensorType::get(xType.getShape(), resultType.getElementType());
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      if (operand == reshape.getResult()) {
        operands.push_back(x);
        continue;
      }
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!type || type.getRank() != resultType.getRank()) {
        operands.push_back(operand); // tosa.mul's shift.
        continue;
      }
      DenseElementsAttr value;
      if (!matchPattern(operand, m_Constant(&value)) ||
          type.getShape() != resultType.getShape())
        return rewriter.notifyMatchFailure(
            op, "another operand is not a constant of the result's shape");
      auto reshaped =
          RankedTensorType::get(xType.getShape(), value.getElementType());
      operands.push_back(tosa::ConstOp::create(
          rewriter, operand.getLoc(), reshaped, value.reshape(reshaped)));
    }
    OperationState state(op->getLoc(), op->getName(), operands, {newType},
                         op->getAttrs());
    Operation *moved = rewriter.create(state);
    rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(
        op, resultType, moved->getResult(0), reshape.getShape());
    return success();
  }
};
} // namespace

void mlir::strata::populateEpilogueNormalFormPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SinkUnitReshape>(patterns.getContext());
}

//===----------------------------------------------------------------------===//
// strata.algebraic-identities
//===----------------------------------------------------------------------===//

/// True when `value` is a float constant whose every element is `expected`.
static bool isSplatFloat(Value value, double expected) {
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return false;
  return attr.getSplatValue<APFloat>().convertToDouble() == expected;
}

namespace {
/// x * 1 -> x (either side), when the product has x's type.
struct MulByOne final : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    if (!isZeroOrAbsent(op.getShift()))
      return rewriter.notifyMatchFailure(op, "shift is not zero");
    for (unsigned i = 0; i < 2; ++i) {
      Value x = op->getOperand(i);
      if (x.getType() == op.getType() &&
          isSplatFloat(op->getOperand(1 - i), 1.0)) {
        rewriter.replaceOp(op, x);
        return success();
      }
    }
    return rewriter.notifyMatchFailure(
        op, "no operand is a splat 1.0 that leaves the other's type");
  }
};

/// x + 0 -> x (either side), x - 0 -> x, when the result has x's type.
template <typename OpTy, bool kCommutes>
struct AddZero final : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    for (unsigned i = 0; i < (kCommutes ? 2u : 1u); ++i) {
      Value x = op->getOperand(i);
      if (x.getType() == op.getType() &&
          isSplatFloat(op->getOperand(1 - i), 0.0)) {
        rewriter.replaceOp(op, x);
        return success();
      }
    }
    return rewriter.notifyMatchFailure(
        op, "no operand is a splat 0.0 that leaves the other's type");
  }
};

/// -(-x) -> x (zero points zero).
struct DoubleNegate final : OpRewritePattern<tosa::NegateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::NegateOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput1().getDefiningOp<tosa::NegateOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(op, "not a negation of a negation");
    if (!isZeroOrAbsent(op.getInput1Zp()) ||
        !isZeroOrAbsent(op.getOutputZp()) ||
        !isZeroOrAbsent(inner.getInput1Zp()) ||
        !isZeroOrAbsent(inner.getOutputZp()))
      return rewriter.notifyMatchFailure(op, "a zero point is not zero");
    if (inner.getInput1().getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "types differ");
    rewriter.replaceOp(op, inner.getInput1());
    return success();
  }
};
} // namespace

void mlir::strata::populateAlgebraicIdentityPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MulByOne, AddZero<tosa::AddOp, true>,
               AddZero<tosa::SubOp, false>, DoubleNegate>(
      patterns.getContext());
}

//===----------------------------------------------------------------------===//
// strata.merge-affine-chains
//===----------------------------------------------------------------------===//

/// `a` op `b` elementwise for two f32 constants of one rank whose
/// dimensions are equal or 1 (numpy broadcasting within a rank).
static DenseElementsAttr combine(DenseElementsAttr a, DenseElementsAttr b,
                                 function_ref<float(float, float)> fn) {
  auto typeA = cast<RankedTensorType>(a.getType());
  auto typeB = cast<RankedTensorType>(b.getType());
  if (typeA.getRank() != typeB.getRank())
    return {};
  SmallVector<int64_t> shape;
  for (auto [da, db] : llvm::zip(typeA.getShape(), typeB.getShape())) {
    if (da != db && da != 1 && db != 1)
      return {};
    shape.push_back(std::max(da, db));
  }
  auto type = RankedTensorType::get(shape, typeA.getElementType());
  SmallVector<float> va(a.getValues<float>()), vb(b.getValues<float>());
  int64_t count = type.getNumElements();
  SmallVector<float> out(count);
  int64_t rank = shape.size();
  SmallVector<int64_t> index(rank, 0);
  for (int64_t flat = 0; flat < count; ++flat) {
    int64_t ia = 0, ib = 0;
    for (int64_t d = 0; d < rank; ++d) {
      ia = ia * typeA.getDimSize(d) + (typeA.getDimSize(d) == 1 ? 0 : index[d]);
      ib = ib * typeB.getDimSize(d) + (typeB.getDimSize(d) == 1 ? 0 : index[d]);
    }
    out[flat] = fn(a.isSplat() ? va[0] : va[ia], b.isSplat() ? vb[0] : vb[ib]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return DenseElementsAttr::get(type, ArrayRef<float>(out));
}

/// Constants larger than this are not combined at compile time.
static constexpr int64_t kMaxCombinedElements = int64_t(1) << 22;

/// `op`'s (a binary op) operand that is a small f32 constant, and the other
/// operand, in `constant` and `other`.
static bool splitConstant(Operation *op, DenseElementsAttr &constant,
                          Value &other) {
  for (unsigned i = 0; i < 2; ++i)
    if (matchPattern(op->getOperand(1 - i), m_Constant(&constant)) &&
        constant.getElementType().isF32() &&
        constant.getNumElements() <= kMaxCombinedElements) {
      other = op->getOperand(i);
      return true;
    }
  return false;
}

static Value makeConstant(PatternRewriter &rewriter, Location loc,
                          DenseElementsAttr value) {
  return tosa::ConstOp::create(rewriter, loc, value.getType(), value);
}

namespace {
/// (x * a) * b -> x * (a * b); (x + a) * b -> x * b + a * b.
struct MergeScale final : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::MulOp op,
                                PatternRewriter &rewriter) const override {
    if (!isZeroOrAbsent(op.getShift()))
      return rewriter.notifyMatchFailure(op, "shift is not zero");
    DenseElementsAttr b, a;
    Value inner, x;
    if (!splitConstant(op, b, inner))
      return rewriter.notifyMatchFailure(op, "no small f32 constant operand");
    Operation *producer = inner.getDefiningOp();
    if (!isa_and_nonnull<tosa::MulOp, tosa::AddOp>(producer) ||
        !producer->hasOneUse() || !splitConstant(producer, a, x) ||
        x.getType() != op.getType() || inner.getType() != op.getType())
      return rewriter.notifyMatchFailure(
          op, "the other operand is not a constant scale or shift of a value "
              "of the result's type, read only here");
    if (auto mul = dyn_cast<tosa::MulOp>(producer)) {
      if (!isZeroOrAbsent(mul.getShift()))
        return rewriter.notifyMatchFailure(op, "inner shift is not zero");
      DenseElementsAttr ab = combine(a, b, std::multiplies<float>());
      if (!ab)
        return rewriter.notifyMatchFailure(op, "constants do not broadcast");
      rewriter.replaceOpWithNewOp<tosa::MulOp>(
          op, op.getType(), x, makeConstant(rewriter, op.getLoc(), ab),
          op.getShift());
      return success();
    }
    DenseElementsAttr ab = combine(a, b, std::multiplies<float>());
    if (!ab)
      return rewriter.notifyMatchFailure(op, "constants do not broadcast");
    auto scaled = tosa::MulOp::create(
        rewriter, op.getLoc(), op.getType(), x,
        op->getOperand(op->getOperand(0) == inner ? 1 : 0), op.getShift());
    rewriter.replaceOpWithNewOp<tosa::AddOp>(
        op, op.getType(), scaled,
        makeConstant(rewriter, producer->getLoc(), ab));
    return success();
  }
};

/// (x + a) + b -> x + (a + b).
struct MergeShift final : OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr b, a;
    Value inner, x;
    if (!splitConstant(op, b, inner))
      return rewriter.notifyMatchFailure(op, "no small f32 constant operand");
    auto producer = inner.getDefiningOp<tosa::AddOp>();
    if (!producer || !producer->hasOneUse() || !splitConstant(producer, a, x) ||
        x.getType() != op.getType() || inner.getType() != op.getType())
      return rewriter.notifyMatchFailure(
          op, "the other operand is not a constant shift of a value of the "
              "result's type, read only here");
    DenseElementsAttr ab = combine(a, b, std::plus<float>());
    if (!ab)
      return rewriter.notifyMatchFailure(op, "constants do not broadcast");
    rewriter.replaceOpWithNewOp<tosa::AddOp>(
        op, op.getType(), x, makeConstant(rewriter, op.getLoc(), ab));
    return success();
  }
};
} // namespace

void mlir::strata::populateMergeAffineChainPatterns(
    RewritePatternSet &patterns) {
  patterns.add<MergeScale, MergeShift>(patterns.getContext());
}

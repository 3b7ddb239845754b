//===- PackConstants.cpp - Constant operands rearranged once --------------===//
//
// Implements `strata-pack-constants`: a kernel's transpose of a constant
// input is folded into the constant at compile time.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "strata/Support/Constants.h"
#include "strata/Support/GroupedConv.h"
#include "strata/Support/LayoutChain.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "strata-pack-constants"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAPACKCONSTANTS
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

/// Output channels per block of a packed filter: four AVX-512 vectors, the
/// widest register tile; eight AVX2 vectors.
static constexpr int64_t kFilterBlock = 64;

namespace {
struct StrataPackConstantsPass final
    : strata::impl::StrataPackConstantsBase<StrataPackConstantsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<GroupOp> groups;
    getOperation().walk([&](GroupOp group) { groups.push_back(group); });
    for (GroupOp group : groups)
      packGroup(group);
  }

  /// The constant a body value holds: defined inside, or bound to a
  /// constant operand of the group.
  DenseElementsAttr constantOf(GroupOp group, Value value) {
    DenseElementsAttr attr;
    if (matchPattern(value, m_Constant(&attr)))
      return attr;
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner() != &group.getBodyBlock())
      return nullptr;
    if (matchPattern(group.getInputs()[arg.getArgNumber()], m_Constant(&attr)))
      return attr;
    return nullptr;
  }

  /// `packed`, the rearranged value of constant `input`, where the body can
  /// read it before `user`: in the body for splats (cheap) and constants of
  /// the body, else as a new input of the group.
  Value materialize(GroupOp group, Value input, DenseElementsAttr packed,
                    Location loc, Operation *user) {
    Block &body = group.getBodyBlock();
    OpBuilder builder(group);
    if (packed.isSplat() || !isa<BlockArgument>(input)) {
      builder.setInsertionPoint(user);
      return arith::ConstantOp::create(builder, loc, packed);
    }
    Value outside = arith::ConstantOp::create(builder, loc, packed);
    group.getInputsMutable().append(outside);
    return body.addArgument(outside.getType(), loc);
  }

  /// The constant `weights` is, and the layout changes from it to `weights`
  /// (linalg.transpose, expand/collapse_shape in the body, each read only by
  /// the next) as one movement of its data; `chain` receives those ops, in
  /// order. None when `weights` is not such a constant.
  std::optional<LayoutChain>
  traceLayoutChain(GroupOp group, Value weights, DenseElementsAttr &value,
                   SmallVectorImpl<Operation *> &chain) {
    Value source = weights;
    value = constantOf(group, source);
    while (!value) {
      Operation *link = source.getDefiningOp();
      if (!link || !link->hasOneUse() ||
          !(isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(link) ||
            (isa<linalg::TransposeOp>(link) &&
             cast<linalg::TransposeOp>(link).hasPureTensorSemantics()))) {
        chain.clear();
        return std::nullopt;
      }
      chain.push_back(link);
      source = link->getOperand(0);
      value = constantOf(group, source);
    }
    std::reverse(chain.begin(), chain.end());
    auto sourceType = cast<RankedTensorType>(value.getType());
    LayoutChain layout(sourceType.getShape());
    for (Operation *link : chain) {
      if (auto transpose = dyn_cast<linalg::TransposeOp>(link)) {
        SmallVector<int32_t> perms(transpose.getPermutation().begin(),
                                   transpose.getPermutation().end());
        layout.transpose(perms);
      } else if (!layout.reshape(cast<ShapedType>(link->getResult(0).getType())
                                     .getShape())) {
        chain.clear();
        return std::nullopt;
      }
    }
    return layout;
  }

  /// Weights that stay unblocked (too small, or output channels that are
  /// not whole blocks) but reach their op through more than one layout
  /// change of a constant (a fully connected layer's K x N weights as a
  /// 1x1 convolution's filter: transposed to OHWI, reshaped, transposed to
  /// HWCF) become one constant in their final layout, one copy, instead of
  /// changes of which only the first would fold (the rest ran on every
  /// call).
  bool foldWeightChain(GroupOp group, linalg::LinalgOp op) {
    Value weights = op.getDpsInputOperand(1)->get();
    auto type = dyn_cast<RankedTensorType>(weights.getType());
    if (!type || !type.hasStaticShape())
      return false;
    SmallVector<Operation *> chain;
    DenseElementsAttr value;
    std::optional<LayoutChain> layout =
        traceLayoutChain(group, weights, value, chain);
    if (!layout || chain.size() < 2)
      return false;
    SmallVector<int64_t> atomShape;
    SmallVector<int32_t> atomPerms;
    layout->getMovement(atomShape, atomPerms);
    FailureOr<DenseElementsAttr> folded = transposeConstant(
        value, atomShape,
        SmallVector<int64_t>(atomPerms.begin(), atomPerms.end()), type,
        maxElements);
    if (failed(folded))
      return false;
    Value replacement = materialize(group, chainSource(weights, chain), *folded,
                                    op.getLoc(), op);
    op->setOperand(op.getDpsInputOperand(1)->getOperandNumber(), replacement);
    eraseDeadChain(chain);
    ++numPacked;
    return true;
  }

  /// The constant `weights` (output channels last, `shape` without unit
  /// leading dimensions) stored in blocks of kFilterBlock channels, each
  /// block contiguous: [..., F] -> [F/B, ..., B]; failure if they are not
  /// worth it (small, or the channels are not whole blocks) or too large.
  /// `weights` may also be a constant behind layout changes in the body
  /// (linalg.transpose, expand/collapse_shape, each read only by the next:
  /// a convolution's filter to HWCF, a fully connected layer's weights as
  /// ONNX stores them, see getPackedWeightChain): the changes and the
  /// blocking are then one copy of the constant (LayoutChain), not one per
  /// step; `chain` receives those ops, to be erased with their user.
  FailureOr<DenseElementsAttr>
  blockWeights(GroupOp group, Value weights, ArrayRef<int64_t> shape,
               SmallVectorImpl<Operation *> &chain) {
    auto type = dyn_cast<RankedTensorType>(weights.getType());
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
        type.getNumElements() * 4 < minPackedBytes)
      return failure();
    int64_t channels = shape.back();
    if (channels % kFilterBlock != 0 || channels == kFilterBlock)
      return failure();
    DenseElementsAttr value;
    std::optional<LayoutChain> traced =
        traceLayoutChain(group, weights, value, chain);
    if (!traced)
      return failure();
    LayoutChain &layout = *traced;
    // The blocking: [..., F] -> [..., F/B, B] -> [F/B, ..., B].
    SmallVector<int64_t> split(shape.drop_back());
    split.append({channels / kFilterBlock, kFilterBlock});
    int32_t rank = split.size();
    SmallVector<int32_t> perm = {rank - 2};
    for (int32_t i = 0; i < rank - 2; ++i)
      perm.push_back(i);
    perm.push_back(rank - 1);
    SmallVector<int64_t> blocked;
    for (int32_t p : perm)
      blocked.push_back(split[p]);
    if (!layout.reshape(split)) {
      chain.clear();
      return failure();
    }
    layout.transpose(perm);
    SmallVector<int64_t> atomShape;
    SmallVector<int32_t> atomPerms;
    layout.getMovement(atomShape, atomPerms);
    FailureOr<DenseElementsAttr> packed = transposeConstant(
        value, atomShape,
        SmallVector<int64_t>(atomPerms.begin(), atomPerms.end()),
        RankedTensorType::get(blocked, type.getElementType()), maxElements);
    if (failed(packed))
      chain.clear();
    return packed;
  }

  /// The constant value a chain of layout changes to `weights` starts at.
  static Value chainSource(Value weights, ArrayRef<Operation *> chain) {
    return chain.empty() ? weights : chain.front()->getOperand(0);
  }

  /// Erases `chain` (the layout changes blockWeights folded), last first,
  /// once nothing reads them.
  static void eraseDeadChain(ArrayRef<Operation *> chain) {
    for (Operation *link : llvm::reverse(chain))
      if (link->use_empty())
        link->erase();
  }

  /// Replaces `op`, whose output (static, channels last) is its only init,
  /// by `build(builder, blockedInit)`: the op on its output split into
  /// (block, channel of the block), collapsed back.
  void replaceBlocked(linalg::LinalgOp op,
                      function_ref<Value(OpBuilder &, Location, Value)> build) {
    Value init = op.getDpsInitOperand(0)->get();
    auto type = cast<RankedTensorType>(init.getType());
    int64_t rank = type.getRank();
    SmallVector<ReassociationIndices> split;
    for (int64_t i = 0; i < rank - 1; ++i)
      split.push_back({i});
    split.push_back({rank - 1, rank});
    SmallVector<int64_t> shape(type.getShape().drop_back());
    shape.append({type.getShape().back() / kFilterBlock, kFilterBlock});
    OpBuilder builder(op);
    Location loc = op.getLoc();
    Value blockedInit = tensor::ExpandShapeOp::create(
        builder, loc, type.clone(shape), init, split);
    Value result = tensor::CollapseShapeOp::create(
        builder, loc, build(builder, loc, blockedInit), split);
    op->getResult(0).replaceAllUsesWith(result);
    op->erase();
    ++numBlocked;
  }

  /// Large constant weights are stored in blocks of kFilterBlock output
  /// channels, each block contiguous, and their op becomes a blocked one
  /// (strata/Support/GroupedConv.h): a 2-D convolution's HWCF filter, and a
  /// batch matmul's right-hand side (one matrix for the batch: a fully
  /// connected layer's weights). A register tile then reads its weights as
  /// one sequential stream instead of rows of 256 bytes each a whole row
  /// apart, which from DRAM ran at 2/3 of the speed of the same layer with
  /// its weights in cache, and a matrix-vector product at a quarter of the
  /// speed memory streams.
  void blockLargeWeights(GroupOp group) {
    SmallVector<linalg::LinalgOp> ops;
    for (Operation &op : group.getBodyBlock())
      if (isa<linalg::Conv2DNhwcHwcfOp, linalg::BatchMatmulOp>(op) &&
          cast<linalg::LinalgOp>(op).hasPureTensorSemantics())
        ops.push_back(cast<linalg::LinalgOp>(op));
    for (linalg::LinalgOp op : ops) {
      Value weights = op.getDpsInputOperand(1)->get();
      auto type = dyn_cast<RankedTensorType>(weights.getType());
      auto init = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (!type || !init || !init.hasStaticShape())
        continue;
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation())) {
        SmallVector<Operation *> chain;
        FailureOr<DenseElementsAttr> packed =
            blockWeights(group, weights, type.getShape(), chain);
        if (failed(packed)) {
          foldWeightChain(group, op);
          continue;
        }
        Value filter = materialize(group, chainSource(weights, chain), *packed,
                                   op.getLoc(), op);
        SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
        SmallVector<int64_t> dilations(
            conv.getDilations().getValues<int64_t>());
        Value input = conv.getInputs()[0];
        replaceBlocked(op, [&](OpBuilder &b, Location loc, Value blockedInit) {
          return buildBlockedConv2D(b, loc, input, filter, blockedInit, strides,
                                    dilations);
        });
        eraseDeadChain(chain);
        continue;
      }
      // A batch matmul with one right-hand matrix [1, K, N].
      auto matmul = cast<linalg::BatchMatmulOp>(op.getOperation());
      if (matmul.getIndexingMapsArray() !=
              matmul.getDefaultIndexingMaps(matmul.getContext()) ||
          type.getRank() != 3 || type.getDimSize(0) != 1)
        continue;
      SmallVector<Operation *> chain;
      FailureOr<DenseElementsAttr> packed =
          blockWeights(group, weights, type.getShape().drop_front(), chain);
      if (failed(packed)) {
        foldWeightChain(group, op);
        continue;
      }
      Value rhs = materialize(group, chainSource(weights, chain), *packed,
                              op.getLoc(), op);
      Value lhs = matmul.getInputs()[0];
      replaceBlocked(op, [&](OpBuilder &b, Location loc, Value blockedInit) {
        return buildBlockedMatmul(b, loc, lhs, rhs, blockedInit);
      });
      eraseDeadChain(chain);
    }
  }

  void packGroup(GroupOp group) {
    Block &body = group.getBodyBlock();
    // Blocked weights first: their layout changes fold into the blocking.
    blockLargeWeights(group);
    SmallVector<linalg::TransposeOp> transposes;
    for (Operation &op : body)
      if (auto transpose = dyn_cast<linalg::TransposeOp>(op))
        if (transpose.hasPureTensorSemantics())
          transposes.push_back(transpose);
    for (linalg::TransposeOp transpose : transposes) {
      Value input = transpose.getInput();
      DenseElementsAttr value = constantOf(group, input);
      if (!value)
        continue;
      FailureOr<DenseElementsAttr> packed =
          transposeConstant(value, transpose.getPermutation(), maxElements);
      if (failed(packed)) {
        LLVM_DEBUG(llvm::dbgs()
                   << "not packed (too large): " << transpose << "\n");
        continue;
      }
      Value replacement =
          materialize(group, input, *packed, transpose.getLoc(), transpose);
      transpose->getResult(0).replaceAllUsesWith(replacement);
      transpose->erase();
      ++numPacked;
    }
    // Inputs nothing reads any more.
    for (int64_t i = static_cast<int64_t>(body.getNumArguments()) - 1; i >= 0;
         --i)
      if (body.getArgument(i).use_empty()) {
        body.eraseArgument(i);
        group.getInputsMutable().erase(i);
      }
  }
};
} // namespace

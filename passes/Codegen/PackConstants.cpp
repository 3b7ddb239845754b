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

  /// Large constant filters of 2-D convolutions (HWCF) are stored in blocks
  /// of kFilterBlock output channels, each block's filter contiguous, and
  /// the convolution becomes a blocked one (strata/Support/GroupedConv.h):
  /// a register tile then reads its weights as one sequential stream
  /// instead of rows of a few vectors each a whole filter row apart, which
  /// from DRAM ran at 2/3 of the speed of the same layer with its weights
  /// in cache.
  void packFilters(GroupOp group) {
    SmallVector<linalg::Conv2DNhwcHwcfOp> convs;
    for (Operation &op : group.getBodyBlock())
      if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op))
        if (conv.hasPureTensorSemantics())
          convs.push_back(conv);
    for (linalg::Conv2DNhwcHwcfOp conv : convs) {
      Value input = conv.getInputs()[1];
      DenseElementsAttr value = constantOf(group, input);
      auto type = dyn_cast<RankedTensorType>(input.getType());
      auto init = dyn_cast<RankedTensorType>(conv.getOutputs()[0].getType());
      if (!value || !type || !init || !type.hasStaticShape() ||
          !init.hasStaticShape() || !type.getElementType().isF32() ||
          type.getNumElements() * 4 < minPackedBytes)
        continue;
      int64_t channels = type.getDimSize(3);
      if (channels % kFilterBlock != 0 || channels == kFilterBlock)
        continue;
      // [KH, KW, C, F] -> [KH, KW, C, F/B, B] -> [F/B, KH, KW, C, B].
      ArrayRef<int64_t> shape = type.getShape();
      auto split = RankedTensorType::get(
          {shape[0], shape[1], shape[2], channels / kFilterBlock, kFilterBlock},
          type.getElementType());
      FailureOr<DenseElementsAttr> packed =
          transposeConstant(value.reshape(split), {3, 0, 1, 2, 4}, maxElements);
      if (failed(packed))
        continue;
      Location loc = conv.getLoc();
      Value filter = materialize(group, input, *packed, loc, conv);
      OpBuilder builder(conv);
      SmallVector<ReassociationIndices> channelsSplit = {{0}, {1}, {2}, {3, 4}};
      SmallVector<int64_t> blockedShape(init.getShape().drop_back());
      blockedShape.append({channels / kFilterBlock, kFilterBlock});
      Value blockedInit =
          tensor::ExpandShapeOp::create(builder, loc, init.clone(blockedShape),
                                        conv.getOutputs()[0], channelsSplit);
      SmallVector<int64_t> strides(conv.getStrides().getValues<int64_t>());
      SmallVector<int64_t> dilations(conv.getDilations().getValues<int64_t>());
      Value blocked =
          buildBlockedConv2D(builder, loc, conv.getInputs()[0], filter,
                             blockedInit, strides, dilations);
      Value result =
          tensor::CollapseShapeOp::create(builder, loc, blocked, channelsSplit);
      conv->getResult(0).replaceAllUsesWith(result);
      conv->erase();
      ++numBlocked;
    }
  }

  /// Large constant right-hand sides of batch matmuls (one matrix for the
  /// batch: a fully connected layer's weights) are stored in blocks of
  /// kFilterBlock columns, each block's rows contiguous, and the matmul
  /// becomes a blocked one: at batch 1 it is a matrix-vector product whose
  /// speed is how fast the weights stream from memory, and a block is one
  /// sequential stream instead of rows of 256 bytes a whole row apart.
  void packMatmuls(GroupOp group) {
    SmallVector<linalg::BatchMatmulOp> matmuls;
    for (Operation &op : group.getBodyBlock())
      if (auto matmul = dyn_cast<linalg::BatchMatmulOp>(op))
        if (matmul.hasPureTensorSemantics() &&
            matmul.getIndexingMapsArray() ==
                matmul.getDefaultIndexingMaps(matmul.getContext()))
          matmuls.push_back(matmul);
    for (linalg::BatchMatmulOp matmul : matmuls) {
      Value rhs = matmul.getInputs()[1];
      DenseElementsAttr value = constantOf(group, rhs);
      auto type = dyn_cast<RankedTensorType>(rhs.getType());
      auto init = dyn_cast<RankedTensorType>(matmul.getOutputs()[0].getType());
      if (!value || !type || !init || !type.hasStaticShape() ||
          !init.hasStaticShape() || !type.getElementType().isF32() ||
          type.getDimSize(0) != 1 || type.getNumElements() * 4 < minPackedBytes)
        continue;
      int64_t rows = type.getDimSize(1), columns = type.getDimSize(2);
      if (columns % kFilterBlock != 0 || columns == kFilterBlock)
        continue;
      // [1, K, N] -> [K, N/B, B] -> [N/B, K, B].
      auto split = RankedTensorType::get(
          {rows, columns / kFilterBlock, kFilterBlock}, type.getElementType());
      FailureOr<DenseElementsAttr> packed =
          transposeConstant(value.reshape(split), {1, 0, 2}, maxElements);
      if (failed(packed))
        continue;
      Location loc = matmul.getLoc();
      Value blockedRhs = materialize(group, rhs, *packed, loc, matmul);
      OpBuilder builder(matmul);
      SmallVector<ReassociationIndices> columnsSplit = {{0}, {1}, {2, 3}};
      SmallVector<int64_t> blockedShape(init.getShape().drop_back());
      blockedShape.append({columns / kFilterBlock, kFilterBlock});
      Value blockedInit =
          tensor::ExpandShapeOp::create(builder, loc, init.clone(blockedShape),
                                        matmul.getOutputs()[0], columnsSplit);
      Value blocked = buildBlockedMatmul(builder, loc, matmul.getInputs()[0],
                                         blockedRhs, blockedInit);
      Value result =
          tensor::CollapseShapeOp::create(builder, loc, blocked, columnsSplit);
      matmul->getResult(0).replaceAllUsesWith(result);
      matmul->erase();
      ++numBlocked;
    }
  }

  void packGroup(GroupOp group) {
    Block &body = group.getBodyBlock();
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
    packFilters(group);
    packMatmuls(group);
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

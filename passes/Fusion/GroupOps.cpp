//===- GroupOps.cpp - One strata.group per compute op ---------------------===//
//
// Implements `strata-group-ops`: the trivial kernel partition.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

#define DEBUG_TYPE "strata-group-ops"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAGROUPOPS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

/// A compute op produces a tensor by doing work; constants, empty tensors
/// and views of a buffer are plumbing and stay outside groups.
static bool isComputeOp(Operation *op) {
  if (op->hasTrait<OpTrait::IsTerminator>() ||
      op->hasTrait<OpTrait::ConstantLike>() ||
      isa<GroupOp, PrefetchOp, EvictOp, tensor::EmptyOp, tosa::ReshapeOp,
          tensor::ExpandShapeOp, tensor::CollapseShapeOp, ViewLikeOpInterface>(
          op))
    return false;
  return llvm::any_of(op->getResultTypes(),
                      [](Type t) { return isa<RankedTensorType>(t); });
}

bool mlir::strata::isInlinableConstant(Operation *op) {
  if (!op || !op->hasTrait<OpTrait::ConstantLike>() || op->getNumResults() != 1)
    return false;
  Type type = op->getResult(0).getType();
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return true;
  Attribute value;
  if (matchPattern(op->getResult(0), m_Constant(&value)))
    if (auto elements = dyn_cast<ElementsAttr>(value);
        elements && elements.isSplat())
      return true;
  return shaped.hasStaticShape() &&
         shaped.getElementType().isIntOrIndexOrFloat() &&
         shaped.getNumElements() *
                 (shaped.getElementType().isIndex()
                      ? 8
                      : (shaped.getElementType().getIntOrFloatBitWidth() + 7) /
                            8) <=
             64;
}

/// The group name for `op`: its op name without the dialect prefix.
static std::string groupName(Operation *op) {
  std::string name = op->getName().stripDialect().str();
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

namespace {
struct StrataGroupOpsPass final
    : strata::impl::StrataGroupOpsBase<StrataGroupOpsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<Operation *> candidates;
    for (Block &block : func.getBody())
      for (Operation &op : block)
        if (isComputeOp(&op))
          candidates.push_back(&op);
    for (Operation *op : candidates) {
      if (succeeded(wrap(op)))
        ++numGroups;
      else
        ++numLeftUngrouped;
    }
  }

  /// Wraps `op` into a new group placed where `op` was.
  LogicalResult wrap(Operation *op) {
    // Everything the op reads from outside, in first-use order.
    llvm::SetVector<Value> captured;
    captured.insert(op->getOperands().begin(), op->getOperands().end());
    for (Region &region : op->getRegions())
      getUsedValuesDefinedAbove(region, captured);

    SmallVector<Value> inputs;
    SmallVector<Operation *> clonedConstants;
    for (Value v : captured) {
      Operation *def = v.getDefiningOp();
      if (isInlinableConstant(def)) {
        if (!llvm::is_contained(clonedConstants, def))
          clonedConstants.push_back(def);
        continue;
      }
      if (isa<RankedTensorType>(v.getType())) {
        if (!llvm::is_contained(inputs, v))
          inputs.push_back(v);
        continue;
      }
      op->emitRemark() << "left ungrouped: it reads a value of type "
                       << v.getType()
                       << " that is neither a ranked tensor nor a constant";
      return failure();
    }

    OpBuilder builder(op);
    SmallVector<Type> resultTypes(op->getResultTypes());
    if (!llvm::all_of(resultTypes,
                      [](Type t) { return isa<RankedTensorType>(t); })) {
      op->emitRemark("left ungrouped: it has a result that is not a ranked "
                     "tensor");
      return failure();
    }
    auto group = GroupOp::create(builder, op->getLoc(), resultTypes, inputs,
                                 builder.getStringAttr(groupName(op)));
    Block &body = group.getBodyBlock();
    IRMapping mapping;
    for (auto [input, arg] : llvm::zip_equal(inputs, body.getArguments()))
      mapping.map(input, arg);
    OpBuilder inner = OpBuilder::atBlockEnd(&body);
    for (Operation *constant : clonedConstants)
      inner.clone(*constant, mapping);
    Operation *clone = inner.clone(*op, mapping);
    YieldOp::create(inner, op->getLoc(), clone->getResults());
    // A tier plan's placements belong to the kernel, now the group.
    if (Attribute placement =
            clone->removeAttr(StrataDialect::getPlacementAttrName()))
      group->setAttr(StrataDialect::getPlacementAttrName(), placement);
    op->replaceAllUsesWith(group->getResults());
    op->erase();
    return success();
  }
};
} // namespace

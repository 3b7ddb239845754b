//===- OpCategory.cpp - What an op is, for every Strata pass --------------===//

#include "strata/CostModel/OpCategory.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/Support/GroupedConv.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace mlir::strata;

/// An all-parallel linalg op whose payload yields block arguments only
/// (a copy, transpose or broadcast written as linalg.generic).
static bool isCopyingLinalgOp(linalg::LinalgOp op) {
  if (op.getNumLoops() != op.getNumParallelLoops() ||
      op->getNumRegions() != 1 || op->getRegion(0).empty())
    return false;
  Block &body = op->getRegion(0).front();
  if (!llvm::hasSingleElement(body))
    return false;
  return llvm::all_of(body.getTerminator()->getOperands(),
                      [&](Value v) { return isa<BlockArgument>(v); });
}

static OpCategory classifyLinalg(linalg::LinalgOp op) {
  if (isa<linalg::TransposeOp, linalg::BroadcastOp, linalg::CopyOp,
          linalg::FillOp>(op) ||
      isCopyingLinalgOp(op))
    return OpCategory::Movement;
  if (linalg::isaContractionOpInterface(op))
    return OpCategory::Contraction;
  if (isaConvolution(op)) {
    // Pooling ops have the convolution's shape; their "filter" only gives
    // the window's extent.
    if (op.getNumDpsInputs() >= 2 &&
        !op.payloadUsesValueFromOperand(op.getDpsInputOperand(1)))
      return OpCategory::Pooling;
    return OpCategory::Convolution;
  }
  if (op.getNumReductionLoops() > 0)
    return OpCategory::Reduction;
  if (linalg::isElementwise(op))
    return OpCategory::Elementwise;
  return OpCategory::Other;
}

OpCategory mlir::strata::getOpCategory(Operation *op) {
  if (op->hasTrait<OpTrait::IsTerminator>())
    return OpCategory::Structural;
  if (isa<GroupOp>(op))
    return OpCategory::Group;
  if (op->hasTrait<OpTrait::ConstantLike>())
    return OpCategory::Constant;
  if (llvm::none_of(op->getResultTypes(),
                    [](Type t) { return isa<ShapedType>(t); }))
    return OpCategory::Structural;
  if (isa<tensor::EmptyOp>(op))
    return OpCategory::Empty;
  if (isa<PrefetchOp, EvictOp>(op))
    return OpCategory::TierCopy;
  if (isa<tosa::ReshapeOp, tensor::ReshapeOp, tensor::ExpandShapeOp,
          tensor::CollapseShapeOp, ViewLikeOpInterface>(op))
    return OpCategory::View;
  if (isa<tosa::TransposeOp, tosa::SliceOp, tosa::ConcatOp, tosa::PadOp,
          tosa::TileOp, tosa::GatherOp, tosa::ScatterOp, tosa::ReverseOp,
          tensor::ExtractSliceOp, tensor::InsertSliceOp, tensor::PadOp,
          tensor::ConcatOp>(op))
    return OpCategory::Movement;
  if (isa<tosa::MatMulOp>(op))
    return OpCategory::Contraction;
  if (isa<tosa::Conv2DOp, tosa::Conv3DOp, tosa::DepthwiseConv2DOp,
          tosa::TransposeConv2DOp, GroupedConv2DOp>(op))
    return OpCategory::Convolution;
  if (isa<tosa::AvgPool2dOp, tosa::MaxPool2dOp>(op))
    return OpCategory::Pooling;
  if (isa<tosa::ArgMaxOp, tosa::ReduceAllOp, tosa::ReduceAnyOp,
          tosa::ReduceMaxOp, tosa::ReduceMinOp, tosa::ReduceProductOp,
          tosa::ReduceSumOp, linalg::SoftmaxOp>(op))
    return OpCategory::Reduction;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return classifyLinalg(linalgOp);
  if (op->hasTrait<OpTrait::tosa::TosaElementwiseOperator>() ||
      op->hasTrait<OpTrait::Elementwise>() ||
      isa<tosa::MulOp, tosa::CastOp, tosa::RescaleOp>(op))
    return OpCategory::Elementwise;
  return OpCategory::Other;
}

StringRef mlir::strata::stringifyOpCategory(OpCategory category) {
  switch (category) {
  case OpCategory::Structural:
    return "structural";
  case OpCategory::Group:
    return "group";
  case OpCategory::Constant:
    return "constant";
  case OpCategory::Empty:
    return "empty";
  case OpCategory::View:
    return "view";
  case OpCategory::TierCopy:
    return "tier-copy";
  case OpCategory::Movement:
    return "movement";
  case OpCategory::Contraction:
    return "contraction";
  case OpCategory::Convolution:
    return "convolution";
  case OpCategory::Pooling:
    return "pooling";
  case OpCategory::Reduction:
    return "reduction";
  case OpCategory::Elementwise:
    return "elementwise";
  case OpCategory::Other:
    return "other";
  }
  llvm_unreachable("unknown op category");
}

bool mlir::strata::isKernelCategory(OpCategory category) {
  switch (category) {
  case OpCategory::Movement:
  case OpCategory::Contraction:
  case OpCategory::Convolution:
  case OpCategory::Pooling:
  case OpCategory::Reduction:
  case OpCategory::Elementwise:
  case OpCategory::Other:
    return true;
  default:
    return false;
  }
}

bool mlir::strata::isKernelOp(Operation *op) {
  return isKernelCategory(getOpCategory(op)) &&
         llvm::any_of(op->getResultTypes(),
                      [](Type t) { return isa<RankedTensorType>(t); });
}

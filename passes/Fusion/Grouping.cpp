//===- Grouping.cpp - Building strata.group ops from sets of ops ----------===//

#include "passes/Fusion/Grouping.h"

#include "passes/Fusion/Passes.h"
#include "strata/Support/Constants.h"
#include "strata/Support/GroupedConv.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;
using namespace mlir::strata;

/// The slice `op`'s input `index` is, if only `op` reads it: in `op`'s
/// kernel it is a view of the kernel's argument; a kernel of its own would
/// copy it (the importer slices off the input rows a strided convolution
/// never reads: resnet50's three 1x1 stride-2 convolutions, 1.4 ms of
/// copies at 2 threads; squeezenet's input, before its layout transpose).
static Operation *getInputSlice(Operation *op, unsigned index) {
  if (op->getNumOperands() <= index)
    return nullptr;
  Operation *slice = op->getOperand(index).getDefiningOp();
  if (!isa_and_nonnull<tosa::SliceOp, tensor::ExtractSliceOp>(slice) ||
      !slice->hasOneUse() || slice->getBlock() != op->getBlock())
    return nullptr;
  return slice;
}

SmallVector<Operation *> mlir::strata::getLayoutChain(Value value,
                                                      Value &source) {
  SmallVector<Operation *> chain;
  Operation *link = value.getDefiningOp();
  while (
      isa_and_nonnull<tosa::TransposeOp, tosa::ReshapeOp, tensor::ExpandShapeOp,
                      tensor::CollapseShapeOp>(link) &&
      link->hasOneUse()) {
    chain.push_back(link);
    value = link->getOperand(0);
    link = value.getDefiningOp();
  }
  source = value;
  std::reverse(chain.begin(), chain.end());
  return chain;
}

SmallVector<Operation *> mlir::strata::getPackedWeightChain(Operation *op) {
  // strata.fold-window-trims's linalg convolution keeps its filter behind
  // the same kind of chain.
  if (!isa<tosa::MatMulOp, tosa::Conv2DOp, linalg::Conv2DNhwcHwcfOp>(op))
    return {};
  Value source;
  SmallVector<Operation *> chain = getLayoutChain(op->getOperand(1), source);
  Operation *constant = source.getDefiningOp();
  // The whole chain joins the kernel: it must be in the kernel's block.
  if (!constant || !constant->hasTrait<OpTrait::ConstantLike>() ||
      llvm::none_of(chain, llvm::IsaPred<tosa::TransposeOp>) ||
      llvm::any_of(chain, [&](Operation *link) {
        return link->getBlock() != op->getBlock();
      }))
    return {};
  return chain;
}

SmallVector<Operation *> mlir::strata::getKernelSeed(Operation *op) {
  if (isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
          tosa::TransposeOp, linalg::TransposeOp>(op)) {
    SmallVector<Operation *> seed;
    if (Operation *slice = getInputSlice(op, 0))
      seed.push_back(slice);
    llvm::append_range(seed, getPackedWeightChain(op));
    llvm::sort(
        seed, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    seed.push_back(op);
    return seed;
  }
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      op->getNumResults() != 1 || linalgOp.getNumDpsInits() != 1 ||
      (!linalg::isaContractionOpInterface(linalgOp) &&
       !isaConvolution(linalgOp)))
    return {op};
  SmallVector<Operation *> seed;
  if (Operation *slice = getInputSlice(op, 0))
    seed.push_back(slice);
  llvm::append_range(seed, getPackedWeightChain(op));
  Operation *init = linalgOp.getDpsInitOperand(0)->get().getDefiningOp();
  if (isa_and_nonnull<linalg::FillOp, linalg::BroadcastOp>(init) &&
      init->getBlock() == op->getBlock() && init->hasOneUse())
    seed.push_back(init);
  // In block order.
  llvm::sort(seed,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  seed.push_back(op);
  Value result = op->getResult(0);
  if (result.hasOneUse() &&
      isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
          *result.user_begin()) &&
      result.user_begin()->getBlock() == op->getBlock())
    seed.push_back(*result.user_begin());
  return seed;
}

FailureOr<GroupBoundary>
mlir::strata::computeGroupBoundary(ArrayRef<Operation *> ops, bool quiet) {
  llvm::SmallPtrSet<Operation *, 8> members(ops.begin(), ops.end());
  auto isInside = [&](Operation *user) {
    Operation *ancestor = ops.front()->getBlock()->findAncestorOpInBlock(*user);
    return ancestor && members.contains(ancestor);
  };

  // Everything the ops read from outside the set, in first-use order.
  llvm::SetVector<Value> captured;
  for (Operation *op : ops) {
    for (Value operand : op->getOperands())
      if (!members.contains(operand.getDefiningOp()))
        captured.insert(operand);
    llvm::SetVector<Value> above;
    for (Region &region : op->getRegions())
      getUsedValuesDefinedAbove(region, above);
    for (Value v : above)
      if (!members.contains(v.getDefiningOp()))
        captured.insert(v);
  }

  GroupBoundary boundary;
  for (Value v : captured) {
    Operation *def = v.getDefiningOp();
    if (isInlinedIntoKernel(v)) {
      if (!llvm::is_contained(boundary.clonedConstants, def))
        boundary.clonedConstants.push_back(def);
      continue;
    }
    if (isa<RankedTensorType>(v.getType())) {
      boundary.inputs.push_back(v);
      continue;
    }
    if (!quiet)
      ops.front()->emitRemark()
          << "left ungrouped: it reads a value of type " << v.getType()
          << " that is neither a ranked tensor nor a constant";
    return failure();
  }

  for (Operation *op : ops)
    for (Value result : op->getResults()) {
      if (!result.use_empty() && llvm::all_of(result.getUsers(), isInside))
        continue;
      if (!isa<RankedTensorType>(result.getType())) {
        if (!quiet)
          op->emitRemark("left ungrouped: it has a result that is not a "
                         "ranked tensor");
        return failure();
      }
      boundary.results.push_back(result);
    }
  return boundary;
}

GroupOp mlir::strata::cloneIntoGroup(OpBuilder &builder,
                                     ArrayRef<Operation *> ops,
                                     const GroupBoundary &boundary,
                                     StringRef name) {
  SmallVector<Type> resultTypes;
  for (Value v : boundary.results)
    resultTypes.push_back(v.getType());
  Location loc = ops.back()->getLoc();
  if (ops.size() > 1) {
    SmallVector<Location> locs;
    for (Operation *op : ops)
      locs.push_back(op->getLoc());
    loc = FusedLoc::get(builder.getContext(), locs);
  }
  auto group = GroupOp::create(builder, loc, resultTypes, boundary.inputs,
                               builder.getStringAttr(name));
  IRMapping mapping;
  for (auto [input, arg] :
       llvm::zip_equal(boundary.inputs, group.getBodyBlock().getArguments()))
    mapping.map(input, arg);
  OpBuilder inner = OpBuilder::atBlockEnd(&group.getBodyBlock());
  for (Operation *constant : boundary.clonedConstants)
    inner.clone(*constant, mapping);
  for (Operation *op : ops)
    inner.clone(*op, mapping);
  SmallVector<Value> yielded;
  for (Value v : boundary.results)
    yielded.push_back(mapping.lookup(v));
  YieldOp::create(inner, ops.back()->getLoc(), yielded);
  return group;
}

GroupOp mlir::strata::replaceWithGroup(ArrayRef<Operation *> ops,
                                       const GroupBoundary &boundary,
                                       StringRef name) {
  OpBuilder builder(ops.back());
  GroupOp group = cloneIntoGroup(builder, ops, boundary, name);
  // A tier plan's placements belong to the kernel, now the group.
  if (ops.size() == 1)
    for (Operation &nested : group.getBodyBlock())
      if (Attribute placement =
              nested.removeAttr(StrataDialect::getPlacementAttrName()))
        group->setAttr(StrataDialect::getPlacementAttrName(), placement);
  for (auto [from, to] : llvm::zip_equal(boundary.results, group.getResults()))
    Value(from).replaceAllUsesWith(to);
  for (Operation *op : llvm::reverse(ops)) {
    op->dropAllUses();
    op->erase();
  }
  return group;
}

/// Whether `op` only rearranges a constant (a packed weight chain's links):
/// plumbing that does not name a kernel.
static bool isConstantLayoutOp(Operation *op) {
  while (isa<tosa::TransposeOp, tosa::ReshapeOp, tensor::ExpandShapeOp,
             tensor::CollapseShapeOp>(op)) {
    op = op->getOperand(0).getDefiningOp();
    if (!op)
      return false;
  }
  return op->hasTrait<OpTrait::ConstantLike>();
}

std::string mlir::strata::getGroupName(ArrayRef<Operation *> allOps) {
  SmallVector<Operation *> ops;
  for (Operation *op : allOps)
    if (!isConstantLayoutOp(op))
      ops.push_back(op);
  if (ops.empty())
    ops.assign(allOps.begin(), allOps.end());
  std::string name;
  for (auto [i, op] : llvm::enumerate(ops)) {
    if (i == 3) {
      name += "_and_" + std::to_string(ops.size() - 3);
      break;
    }
    if (i > 0)
      name += "_";
    name += op->getName().stripDialect().str();
  }
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

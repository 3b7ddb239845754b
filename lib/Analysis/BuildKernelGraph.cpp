//===- BuildKernelGraph.cpp - Kernel graphs from IR -----------------------===//

#include "strata/Analysis/BuildKernelGraph.h"

#include "dialects/Strata/IR/StrataOps.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/OpCategory.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;
using namespace mlir::strata;

bool mlir::strata::isKernelGraphView(Operation *op) {
  // Copies between tiers count as views: the kernel graph is the
  // tier-agnostic picture, in which a prefetched tensor is its source.
  OpCategory category = getOpCategory(op);
  return (category == OpCategory::View || category == OpCategory::TierCopy) &&
         op->getNumOperands() > 0 && op->getNumResults() == 1 &&
         isa<ShapedType>(op->getOperand(0).getType());
}

bool mlir::strata::isKernelGraphNode(Operation *op) {
  switch (getOpCategory(op)) {
  case OpCategory::Structural:
  case OpCategory::Constant:
  case OpCategory::Empty:
    return false;
  default:
    return true;
  }
}

std::string mlir::strata::getKernelName(Operation *op) {
  if (auto group = dyn_cast<GroupOp>(op))
    if (group.getName())
      return group.getName()->str();
  return op->getName().getStringRef().str();
}

FailureOr<IRKernelGraph> mlir::strata::buildKernelGraph(Block &block) {
  IRKernelGraph ir;
  KernelGraph &graph = ir.graph;
  DenseMap<Value, int> valueIds;

  auto addValue = [&](Value v, ValueKind kind, int producer,
                      Operation *where) -> FailureOr<int> {
    FailureOr<int64_t> bytes = getStaticByteSize(v.getType());
    if (failed(bytes))
      return where->emitError("kernel graph needs static shapes, but value "
                              "has type ")
             << v.getType();
    int id = graph.values.size();
    graph.values.push_back({*bytes, kind, producer, {}, false});
    ir.values.push_back(v);
    valueIds[v] = id;
    return id;
  };

  for (BlockArgument arg : block.getArguments())
    if (isa<ShapedType>(arg.getType()))
      if (failed(addValue(arg, ValueKind::Argument, -1, block.getParentOp())))
        return failure();

  for (Operation &op : block) {
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      for (Value v : op.getOperands())
        if (auto it = valueIds.find(v); it != valueIds.end())
          graph.values[it->second].isOutput = true;
      continue;
    }
    if (op.hasTrait<OpTrait::ConstantLike>()) {
      for (Value v : op.getResults())
        if (isa<ShapedType>(v.getType()))
          if (failed(addValue(v, ValueKind::Constant, -1, &op)))
            return failure();
      continue;
    }
    if (isKernelGraphView(&op)) {
      if (auto it = valueIds.find(op.getOperand(0)); it != valueIds.end()) {
        valueIds[op.getResult(0)] = it->second;
        continue;
      }
    }
    if (!isKernelGraphNode(&op))
      continue;
    int nodeId = graph.nodes.size();
    graph.nodes.push_back({});
    ir.ops.push_back(&op);
    for (Value v : op.getOperands()) {
      auto it = valueIds.find(v);
      if (it == valueIds.end())
        continue;
      KGNode &node = graph.nodes[nodeId];
      if (!llvm::is_contained(node.inputs, it->second)) {
        node.inputs.push_back(it->second);
        graph.values[it->second].users.push_back(nodeId);
      }
    }
    for (Value v : op.getResults()) {
      if (!isa<ShapedType>(v.getType()))
        continue;
      FailureOr<int> id = addValue(v, ValueKind::Activation, nodeId, &op);
      if (failed(id))
        return failure();
      graph.nodes[nodeId].outputs.push_back(*id);
    }
  }
  return ir;
}

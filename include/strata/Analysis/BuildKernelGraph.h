//===- BuildKernelGraph.h - Kernel graphs from IR ---------------*- C++ -*-===//
//
// The IR side of planning: which ops of a block are kernels, and the
// kernel graph (strata/Planning/KernelGraph.h) of a block together with the
// op of every node and the IR value of every graph value, so that passes
// can write plans back and reports can name what they talk about.
//
// A node is a kernel: a strata.group, or a compute op outside any group.
// View ops (reshapes, views, the tier copies strata.prefetch/strata.evict)
// alias their source and add no bytes.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_ANALYSIS_BUILDKERNELGRAPH_H
#define STRATA_ANALYSIS_BUILDKERNELGRAPH_H

#include "strata/Planning/KernelGraph.h"

#include "mlir/IR/Block.h"
#include "mlir/IR/Value.h"

#include <string>

namespace mlir::strata {

/// A kernel graph built from a block, and where each part came from.
struct IRKernelGraph {
  KernelGraph graph;
  /// The op of each node.
  SmallVector<Operation *> ops;
  /// The IR value of each graph value (a view's source stands for the
  /// view).
  SmallVector<Value> values;
};

/// The name reports use for a kernel: a strata.group's `name`, else the op
/// name ("tosa.add").
std::string getKernelName(Operation *op);

/// Ops that alias their first operand's buffer (reshapes, views, and the
/// tier copies strata.prefetch / strata.evict): no node, no bytes.
bool isKernelGraphView(Operation *op);

/// Ops that become nodes: those with a tensor result that are neither
/// terminators, constants nor tensor.empty (views whose source the graph
/// does not know become nodes too).
bool isKernelGraphNode(Operation *op);

/// Builds the kernel graph of `block` in block order. Fails with an error at
/// the offending op when a tensor has a dynamic shape.
FailureOr<IRKernelGraph> buildKernelGraph(Block &block);

} // namespace mlir::strata

#endif // STRATA_ANALYSIS_BUILDKERNELGRAPH_H

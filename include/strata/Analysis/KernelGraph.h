//===- KernelGraph.h - Kernel graph and liveness ----------------*- C++ -*-===//
//
// The kernel graph of a block: one node per kernel (a strata.group, or a
// plain compute op outside any group), one value per tensor buffer with its
// byte size. View ops (reshapes) alias their source and add no bytes.
// Liveness over a node order gives the live bytes at every step and the
// peak. The graph is plain C++ so that planning code is testable without IR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_ANALYSIS_KERNELGRAPH_H
#define STRATA_ANALYSIS_KERNELGRAPH_H

#include "mlir/IR/Block.h"
#include "mlir/IR/Value.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <string>

namespace mlir::strata {

/// What a kernel-graph value is, for the counting options.
enum class ValueKind { Activation, Argument, Constant };

/// A tensor buffer.
struct KGValue {
  int64_t bytes = 0;
  ValueKind kind = ValueKind::Activation;
  /// Producing node, or -1 for arguments and constants.
  int producer = -1;
  /// Consuming nodes, in ascending order, without duplicates.
  SmallVector<int> users;
  /// Returned from the function: live until the end.
  bool isOutput = false;
  /// The IR value it was built from (null in graphs made without IR), for
  /// reports.
  Value value;
};

/// A kernel.
struct KGNode {
  Operation *op = nullptr;
  SmallVector<int> inputs;
  SmallVector<int> outputs;
};

/// Which values count towards live bytes. The default counts activations
/// only, as the memory-scheduling literature does.
struct LivenessOptions {
  bool countArguments = false;
  bool countConstants = false;
};

struct KernelGraph {
  SmallVector<KGNode> nodes;
  SmallVector<KGValue> values;
};

/// The memory profile of one node order.
struct MemoryProfile {
  int64_t peakBytes = 0;
  /// The step (index into the order) at which the peak first occurs; -1 for
  /// an empty graph.
  int peakStep = -1;
  /// Live bytes while each step runs (its inputs and outputs included).
  SmallVector<int64_t> liveBytes;
  /// Values live at the peak step, ascending.
  SmallVector<int> liveAtPeak;
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
FailureOr<KernelGraph> buildKernelGraph(Block &block);

/// Computes live bytes for the nodes run in `order` (a permutation of node
/// indices that respects dependencies). A value is live from the step of its
/// producer (from the start for counted arguments and constants) through
/// its last user, or to the end if it is an output.
MemoryProfile computeMemoryProfile(const KernelGraph &graph,
                                   ArrayRef<int> order,
                                   const LivenessOptions &options = {});

/// The live range [first, last] (steps of `order`) of every value, as
/// computeMemoryProfile counts it; {-1, -1} for values the options do not
/// count.
SmallVector<std::pair<int, int>>
computeLiveIntervals(const KernelGraph &graph, ArrayRef<int> order,
                     const LivenessOptions &options = {});

/// The memory profile of `steps` steps given every value's live range (as
/// computeLiveIntervals returns them) and byte size.
MemoryProfile computeMemoryProfile(const KernelGraph &graph,
                                   ArrayRef<std::pair<int, int>> intervals,
                                   int steps);

/// computeMemoryProfile in the graph's own (block) order.
MemoryProfile computeMemoryProfile(const KernelGraph &graph,
                                   const LivenessOptions &options = {});

} // namespace mlir::strata

#endif // STRATA_ANALYSIS_KERNELGRAPH_H

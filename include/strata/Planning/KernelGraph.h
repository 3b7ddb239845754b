//===- KernelGraph.h - Kernel graph and liveness ----------------*- C++ -*-===//
//
// The problem every planner works on: one node per kernel, one value per
// tensor buffer with its byte size, edges from producers to users.
// Liveness over a node order gives the live bytes at every step and the
// peak. The graph is plain C++ with no IR in it (strata/Analysis/
// BuildKernelGraph.h builds one from a block and keeps the IR each node and
// value came from), so planning is testable and usable without MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_KERNELGRAPH_H
#define STRATA_PLANNING_KERNELGRAPH_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
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
};

/// A kernel.
struct KGNode {
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

#endif // STRATA_PLANNING_KERNELGRAPH_H

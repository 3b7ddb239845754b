//===- KernelGraph.cpp - Kernel graph and liveness ------------------------===//

#include "strata/Planning/KernelGraph.h"

#include "llvm/ADT/STLExtras.h"

#include <numeric>

using namespace mlir;
using namespace mlir::strata;

SmallVector<std::pair<int, int>>
mlir::strata::computeLiveIntervals(const KernelGraph &graph,
                                   ArrayRef<int> order,
                                   const LivenessOptions &opts) {
  int steps = order.size();
  SmallVector<int> stepOf(graph.nodes.size(), -1);
  for (auto [step, node] : llvm::enumerate(order))
    stepOf[node] = step;
  SmallVector<std::pair<int, int>> intervals(graph.values.size(), {-1, -1});
  for (auto [id, value] : llvm::enumerate(graph.values)) {
    bool counted = value.kind == ValueKind::Activation ||
                   (value.kind == ValueKind::Argument && opts.countArguments) ||
                   (value.kind == ValueKind::Constant && opts.countConstants);
    if (!counted || steps == 0)
      continue;
    int first = value.producer >= 0 ? stepOf[value.producer] : 0;
    int last = first;
    for (int user : value.users)
      last = std::max(last, stepOf[user]);
    if (value.isOutput)
      last = steps - 1;
    intervals[id] = {first, last};
  }
  return intervals;
}

MemoryProfile
mlir::strata::computeMemoryProfile(const KernelGraph &graph,
                                   ArrayRef<std::pair<int, int>> intervals,
                                   int steps) {
  // A difference array turns the intervals into per-step sums in
  // O(V + steps).
  SmallVector<int64_t> delta(steps + 1, 0);
  for (auto [id, interval] : llvm::enumerate(intervals)) {
    if (interval.first < 0)
      continue;
    delta[interval.first] += graph.values[id].bytes;
    delta[interval.second + 1] -= graph.values[id].bytes;
  }
  MemoryProfile profile;
  int64_t live = 0;
  for (int step = 0; step < steps; ++step) {
    live += delta[step];
    profile.liveBytes.push_back(live);
    if (profile.peakStep < 0 || live > profile.peakBytes) {
      profile.peakBytes = live;
      profile.peakStep = step;
    }
  }
  for (auto [id, interval] : llvm::enumerate(intervals))
    if (interval.first >= 0 && interval.first <= profile.peakStep &&
        profile.peakStep <= interval.second)
      profile.liveAtPeak.push_back(id);
  return profile;
}

MemoryProfile mlir::strata::computeMemoryProfile(const KernelGraph &graph,
                                                 ArrayRef<int> order,
                                                 const LivenessOptions &opts) {
  return computeMemoryProfile(graph, computeLiveIntervals(graph, order, opts),
                              order.size());
}

MemoryProfile mlir::strata::computeMemoryProfile(const KernelGraph &graph,
                                                 const LivenessOptions &opts) {
  SmallVector<int> order(graph.nodes.size());
  std::iota(order.begin(), order.end(), 0);
  return computeMemoryProfile(graph, order, opts);
}

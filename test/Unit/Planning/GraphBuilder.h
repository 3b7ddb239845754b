//===- GraphBuilder.h - Hand-made kernel graphs for unit tests --*- C++ -*-===//

#ifndef STRATA_TEST_UNIT_ANALYSIS_GRAPHBUILDER_H
#define STRATA_TEST_UNIT_ANALYSIS_GRAPHBUILDER_H

#include "strata/Planning/KernelGraph.h"
#include "strata/Target/MemoryTier.h"

#include <initializer_list>
#include <numeric>

namespace mlir::strata::test {

/// Builds a kernel graph node by node; each node produces one activation
/// of the given bytes and reads the outputs of earlier nodes.
struct GraphBuilder {
  KernelGraph graph;

  int node(int64_t bytes, std::initializer_list<int> inputs) {
    return node(bytes, ArrayRef<int>(inputs.begin(), inputs.size()));
  }

  int node(int64_t bytes, ArrayRef<int> inputs) {
    int id = graph.nodes.size();
    graph.nodes.push_back({});
    for (int producer : inputs) {
      int value = graph.nodes[producer].outputs.front();
      graph.nodes[id].inputs.push_back(value);
      graph.values[value].users.push_back(id);
    }
    int value = graph.values.size();
    graph.values.push_back({bytes, ValueKind::Activation, id, {}, false});
    graph.nodes[id].outputs.push_back(value);
    return id;
  }

  /// Marks a node's output as a function result (live to the end).
  void output(int node) {
    graph.values[graph.nodes[node].outputs.front()].isOutput = true;
  }

  /// A chain of `n` nodes, each reading the one before, with `bytes` each;
  /// the last one's output is a result.
  static GraphBuilder chain(int n, int64_t bytes) {
    GraphBuilder b;
    b.node(bytes, {});
    for (int i = 1; i < n; ++i)
      b.node(bytes, {i - 1});
    b.output(n - 1);
    return b;
  }

  SmallVector<int> programOrder() const {
    SmallVector<int> order(graph.nodes.size());
    std::iota(order.begin(), order.end(), 0);
    return order;
  }
};

/// A scratchpad of `sram` bytes (1 TB/s) in front of a 1 GiB DRAM
/// (1 GB/s), both without latency.
inline SmallVector<MemoryTier> twoTiers(int64_t sram) {
  return {{"sram", uint64_t(sram), 1e12, 0.0},
          {"dram", uint64_t(1) << 30, 1e9, 0.0}};
}

} // namespace mlir::strata::test

#endif // STRATA_TEST_UNIT_ANALYSIS_GRAPHBUILDER_H

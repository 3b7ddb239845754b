//===- GraphIO.h - Planning graphs as networkx node-link JSON ---*- C++ -*-===//
//
// The planning library's graphs read from and written as networkx
// node-link JSON (`nx.node_link_data`), so strata-plan, benchmarks and
// users' own graphs share one format:
//   "nodes": [{"id": int|string, "out_cost": bytes, "duration": seconds}],
//   "links" (or "edges"): [{"source": id, "target": id}],
//   "graph": {"name": ..., "order": [ids]} (optional).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_GRAPHIO_H
#define STRATA_PLANNING_GRAPHIO_H

#include "strata/Planning/KernelGraph.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace mlir::strata {

/// A graph read from node-link JSON: one kernel-graph node per JSON node,
/// each producing one activation of its "out_cost" bytes (a sink's output
/// is a result, live to the end), in the file's node order.
struct NodeLinkGraph {
  KernelGraph graph;
  /// Node ids as the file spells them.
  SmallVector<std::string> ids;
  /// Per node: "duration" (default 1), its compute or recompute cost.
  SmallVector<double> durations;
  /// graph.order if given (checked to be a topological order), else the
  /// node list, or where a link goes backwards in it, the topological order
  /// closest to it (topologicalOrder).
  SmallVector<int> programOrder;
};

/// Parses node-link JSON text; errors name `sourceName` ("'<name>': ...").
llvm::Expected<NodeLinkGraph> parseNodeLinkGraph(llvm::StringRef text,
                                                 llvm::StringRef sourceName);

/// Reads the file at `path` ("cannot read '<path>': ..." if it cannot).
llvm::Expected<NodeLinkGraph> readNodeLinkGraph(llvm::StringRef path);

/// `g.graph` renumbered so that its program order is 0..n-1 (the planning
/// functions take the node numbering as the program order). `newToOld`
/// receives the node each new number stands for; `durations`, if given,
/// the durations in the new numbering.
KernelGraph
renumberInProgramOrder(const NodeLinkGraph &g, SmallVectorImpl<int> &newToOld,
                       SmallVectorImpl<double> *durations = nullptr);

/// `graph` as node-link JSON: node i has id i, `names[i]`, the bytes of
/// its outputs as "out_cost" and `durations[i]`; a link per distinct
/// producer of a node's inputs; graph.order is the numbering.
llvm::json::Value writeNodeLinkGraph(const KernelGraph &graph,
                                     llvm::StringRef name,
                                     ArrayRef<std::string> names,
                                     ArrayRef<double> durations);

} // namespace mlir::strata

#endif // STRATA_PLANNING_GRAPHIO_H

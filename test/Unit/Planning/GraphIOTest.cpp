//===- GraphIOTest.cpp - Node-link JSON planning graphs -------------------===//

#include "strata/Planning/GraphIO.h"
#include "strata/Planning/Schedule.h"

#include "GraphBuilder.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

namespace {

std::string errorOf(llvm::Expected<NodeLinkGraph> g) {
  if (g)
    return "";
  return llvm::toString(g.takeError());
}

TEST(GraphIO, ParsesNodesLinksAndDefaults) {
  llvm::Expected<NodeLinkGraph> g = parseNodeLinkGraph(
      R"({"nodes": [{"id": "a", "out_cost": 8, "duration": 0.5},
                    {"id": 7, "out_cost": 4}],
          "edges": [{"source": "a", "target": 7}]})",
      "g.json");
  ASSERT_TRUE(bool(g)) << llvm::toString(g.takeError());
  ASSERT_EQ(g->ids.size(), 2u);
  EXPECT_EQ(g->ids[0], "a");
  EXPECT_EQ(g->ids[1], "7");
  EXPECT_EQ(g->durations[0], 0.5);
  EXPECT_EQ(g->durations[1], 1.0);
  EXPECT_EQ(g->graph.values[0].bytes, 8);
  EXPECT_EQ(g->graph.values[0].users, (SmallVector<int>{1}));
  EXPECT_FALSE(g->graph.values[0].isOutput);
  EXPECT_TRUE(g->graph.values[1].isOutput);
  EXPECT_EQ(g->programOrder, (SmallVector<int>{0, 1}));
}

TEST(GraphIO, OrdersAnUnorderedNodeList) {
  llvm::Expected<NodeLinkGraph> g = parseNodeLinkGraph(
      R"({"nodes": [{"id": "x", "out_cost": 1}, {"id": "y", "out_cost": 1},
                    {"id": "z", "out_cost": 1}],
          "links": [{"source": "z", "target": "x"}]})",
      "g.json");
  ASSERT_TRUE(bool(g)) << llvm::toString(g.takeError());
  // y and z are ready first; y is listed first, then z, then x.
  EXPECT_EQ(g->programOrder, (SmallVector<int>{1, 2, 0}));
  SmallVector<int> newToOld;
  SmallVector<double> durations;
  KernelGraph renumbered = renumberInProgramOrder(*g, newToOld, &durations);
  EXPECT_EQ(newToOld, (SmallVector<int>{1, 2, 0}));
  SmallVector<int> identity = {0, 1, 2};
  EXPECT_TRUE(isValidOrder(renumbered, identity));
  EXPECT_EQ(durations.size(), 3u);
}

TEST(GraphIO, KeepsAGivenOrder) {
  llvm::Expected<NodeLinkGraph> g = parseNodeLinkGraph(
      R"({"nodes": [{"id": 0, "out_cost": 1}, {"id": 1, "out_cost": 1},
                    {"id": 2, "out_cost": 1}],
          "links": [{"source": 0, "target": 2}],
          "graph": {"order": [1, 0, 2]}})",
      "g.json");
  ASSERT_TRUE(bool(g)) << llvm::toString(g.takeError());
  EXPECT_EQ(g->programOrder, (SmallVector<int>{1, 0, 2}));
}

TEST(GraphIO, Errors) {
  EXPECT_EQ(errorOf(parseNodeLinkGraph("{", "g.json"))
                .rfind("'g.json': invalid JSON", 0),
            0u);
  EXPECT_EQ(errorOf(parseNodeLinkGraph(R"({"nodes": []})", "g.json")),
            "'g.json': expected node-link JSON with \"nodes\" and \"links\" "
            "(or \"edges\")");
  EXPECT_EQ(
      errorOf(parseNodeLinkGraph(
          R"({"nodes": [{"id": 1, "out_cost": 1}, {"id": 1, "out_cost": 2}], "links": []})",
          "g.json")),
      "'g.json': node '1' appears twice");
  EXPECT_EQ(
      errorOf(parseNodeLinkGraph(
          R"({"nodes": [{"id": 1, "out_cost": -1}], "links": []})", "g.json")),
      "'g.json': node '1' needs a non-negative \"out_cost\"");
  EXPECT_EQ(
      errorOf(parseNodeLinkGraph(
          R"({"nodes": [{"id": 1, "out_cost": 1}], "links": [{"source": 1, "target": 2}]})",
          "g.json")),
      "'g.json': link 1 -> 2 names an unknown node");
  EXPECT_EQ(
      errorOf(parseNodeLinkGraph(
          R"({"nodes": [{"id": 0, "out_cost": 1}, {"id": 1, "out_cost": 1}],
                    "links": [{"source": 0, "target": 1}],
                    "graph": {"order": [1, 0]}})",
          "g.json")),
      "'g.json': graph.order is not a topological order of the graph");
  std::string cycle = errorOf(parseNodeLinkGraph(
      R"({"nodes": [{"id": "p", "out_cost": 1}, {"id": "q", "out_cost": 1}],
          "links": [{"source": "p", "target": "q"}, {"source": "q", "target": "p"}]})",
      "g.json"));
  EXPECT_EQ(cycle.rfind("'g.json': the graph has a cycle (through node '", 0),
            0u)
      << cycle;
  EXPECT_EQ(errorOf(readNodeLinkGraph("/nonexistent/g.json"))
                .rfind("cannot read '/nonexistent/g.json': ", 0),
            0u);
}

TEST(GraphIO, WrittenGraphsReadBack) {
  test::GraphBuilder b;
  b.node(16, {});
  b.node(8, {0});
  b.node(4, {0, 1});
  KernelGraph graph = b.graph;
  llvm::json::Value json =
      writeNodeLinkGraph(graph, "main", {"a", "b", "c"}, {1.0, 2.0, 3.0});
  std::string text;
  llvm::raw_string_ostream(text) << json;
  llvm::Expected<NodeLinkGraph> g = parseNodeLinkGraph(text, "written");
  ASSERT_TRUE(bool(g)) << llvm::toString(g.takeError());
  ASSERT_EQ(g->graph.nodes.size(), 3u);
  EXPECT_EQ(g->graph.values[0].bytes, 16);
  EXPECT_EQ(g->graph.values[0].users, (SmallVector<int>{1, 2}));
  EXPECT_EQ(g->graph.values[1].users, (SmallVector<int>{2}));
  EXPECT_EQ(g->durations[2], 3.0);
  EXPECT_EQ(g->programOrder, (SmallVector<int>{0, 1, 2}));
}

} // namespace

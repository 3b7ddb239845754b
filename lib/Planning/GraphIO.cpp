//===- GraphIO.cpp - Planning graphs as networkx node-link JSON -----------===//

#include "strata/Planning/GraphIO.h"
#include "strata/Planning/Schedule.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <optional>

using namespace mlir;
using namespace mlir::strata;

/// A node id as text (networkx ids are ints or strings).
static std::optional<std::string> idText(const llvm::json::Value *v) {
  if (!v)
    return std::nullopt;
  if (auto s = v->getAsString())
    return s->str();
  if (auto i = v->getAsInteger())
    return std::to_string(*i);
  return std::nullopt;
}

llvm::Expected<NodeLinkGraph>
mlir::strata::parseNodeLinkGraph(StringRef text, StringRef sourceName) {
  auto err = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "'" + sourceName + "': " + message);
  };
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(text);
  if (!json)
    return err("invalid JSON: " + llvm::toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return err("expected a JSON object");
  const llvm::json::Array *nodes = root->getArray("nodes");
  const llvm::json::Array *links = root->getArray("links");
  if (!links)
    links = root->getArray("edges");
  if (!nodes || !links)
    return err("expected node-link JSON with \"nodes\" and \"links\" "
               "(or \"edges\")");

  NodeLinkGraph g;
  llvm::StringMap<int> index;
  for (const llvm::json::Value &n : *nodes) {
    const llvm::json::Object *node = n.getAsObject();
    std::optional<std::string> id =
        node ? idText(node->get("id")) : std::nullopt;
    if (!id)
      return err("every node needs an \"id\" (integer or string)");
    std::optional<int64_t> cost = node->getInteger("out_cost");
    if (!cost) {
      if (std::optional<double> c = node->getNumber("out_cost"))
        cost = (int64_t)*c;
    }
    if (!cost || *cost < 0)
      return err("node '" + *id + "' needs a non-negative \"out_cost\"");
    if (!index.try_emplace(*id, g.ids.size()).second)
      return err("node '" + *id + "' appears twice");
    double duration = node->getNumber("duration").value_or(1.0);
    if (duration < 0)
      return err("node '" + *id + "' has a negative \"duration\"");
    g.durations.push_back(duration);
    int nodeId = g.graph.nodes.size();
    g.ids.push_back(*id);
    g.graph.nodes.push_back({});
    g.graph.values.push_back({*cost, ValueKind::Activation, nodeId, {}, false});
    g.graph.nodes.back().outputs.push_back(nodeId);
  }
  for (const llvm::json::Value &l : *links) {
    const llvm::json::Object *link = l.getAsObject();
    std::optional<std::string> source =
        link ? idText(link->get("source")) : std::nullopt;
    std::optional<std::string> target =
        link ? idText(link->get("target")) : std::nullopt;
    if (!source || !target)
      return err("every link needs \"source\" and \"target\"");
    auto s = index.find(*source), t = index.find(*target);
    if (s == index.end() || t == index.end())
      return err("link " + *source + " -> " + *target +
                 " names an unknown node");
    KGNode &user = g.graph.nodes[t->second];
    if (s->second == t->second)
      return err("node '" + *source + "' depends on itself");
    if (!llvm::is_contained(user.inputs, s->second)) {
      user.inputs.push_back(s->second);
      g.graph.values[s->second].users.push_back(t->second);
    }
  }
  for (KGValue &value : g.graph.values) {
    llvm::sort(value.users);
    value.isOutput = value.users.empty();
  }
  // Program order: graph.order, else the node list.
  const llvm::json::Object *attrs = root->getObject("graph");
  const llvm::json::Array *order = attrs ? attrs->getArray("order") : nullptr;
  if (order) {
    for (const llvm::json::Value &v : *order) {
      std::optional<std::string> id = idText(&v);
      auto it = id ? index.find(*id) : index.end();
      if (it == index.end())
        return err("graph.order names an unknown node");
      g.programOrder.push_back(it->second);
    }
    if (!isValidOrder(g.graph, g.programOrder))
      return err("graph.order is not a topological order of the graph");
    return g;
  }
  // Else the node list, or where an edge goes backwards in it, the
  // topological order closest to it (networkx does not order its nodes).
  int cycleNode = -1;
  std::optional<SmallVector<int>> topological =
      topologicalOrder(g.graph, &cycleNode);
  if (!topological)
    return err("the graph has a cycle (through node '" + g.ids[cycleNode] +
               "')");
  g.programOrder = std::move(*topological);
  return g;
}

KernelGraph
mlir::strata::renumberInProgramOrder(const NodeLinkGraph &g,
                                     SmallVectorImpl<int> &newToOld,
                                     SmallVectorImpl<double> *durations) {
  int n = g.graph.nodes.size();
  SmallVector<int> oldToNew(n);
  newToOld.assign(g.programOrder.begin(), g.programOrder.end());
  for (int i = 0; i < n; ++i)
    oldToNew[newToOld[i]] = i;
  KernelGraph graph;
  if (durations)
    for (int i = 0; i < n; ++i)
      durations->push_back(g.durations[newToOld[i]]);
  for (int i = 0; i < n; ++i) {
    const KGValue &old = g.graph.values[newToOld[i]];
    KGValue value = old;
    value.producer = i;
    value.users.clear();
    for (int u : old.users)
      value.users.push_back(oldToNew[u]);
    llvm::sort(value.users);
    graph.values.push_back(value);
    KGNode node;
    node.outputs.push_back(i);
    for (int in : g.graph.nodes[newToOld[i]].inputs)
      node.inputs.push_back(oldToNew[in]);
    graph.nodes.push_back(node);
  }
  return graph;
}

llvm::Expected<NodeLinkGraph> mlir::strata::readNodeLinkGraph(StringRef path) {
  auto file = llvm::MemoryBuffer::getFile(path);
  if (!file)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read '" + path +
                                       "': " + file.getError().message());
  return parseNodeLinkGraph((*file)->getBuffer(), path);
}

llvm::json::Value mlir::strata::writeNodeLinkGraph(const KernelGraph &graph,
                                                   StringRef name,
                                                   ArrayRef<std::string> names,
                                                   ArrayRef<double> durations) {
  llvm::json::Array nodes, links, order;
  for (auto [id, node] : llvm::enumerate(graph.nodes)) {
    int64_t bytes = 0;
    for (int output : node.outputs)
      bytes += graph.values[output].bytes;
    nodes.push_back(llvm::json::Object{{"id", (int64_t)id},
                                       {"name", names[id]},
                                       {"out_cost", bytes},
                                       {"duration", durations[id]}});
    order.push_back((int64_t)id);
    SmallVector<int> sources;
    for (int input : node.inputs) {
      int producer = graph.values[input].producer;
      if (producer >= 0 && !llvm::is_contained(sources, producer))
        sources.push_back(producer);
    }
    llvm::sort(sources);
    for (int producer : sources)
      links.push_back(llvm::json::Object{{"source", (int64_t)producer},
                                         {"target", (int64_t)id}});
  }
  return llvm::json::Object{
      {"directed", true},
      {"multigraph", false},
      {"graph",
       llvm::json::Object{{"name", name}, {"order", std::move(order)}}},
      {"nodes", std::move(nodes)},
      {"links", std::move(links)}};
}

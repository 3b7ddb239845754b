//===- Schedule.cpp - Memory-aware node orders ----------------------------===//

#include "strata/Planning/Schedule.h"

#include <chrono>
#include <cstring>
#include <numeric>
#include <queue>
#include <string>
#include <unordered_map>

using namespace mlir;
using namespace mlir::strata;

namespace {

bool isCounted(const KGValue &v, const LivenessOptions &options) {
  switch (v.kind) {
  case ValueKind::Activation:
    return true;
  case ValueKind::Argument:
    return options.countArguments;
  case ValueKind::Constant:
    return options.countConstants;
  }
  return false;
}

/// Distinct producer nodes of each node's inputs.
SmallVector<SmallVector<int>> predecessors(const KernelGraph &graph) {
  SmallVector<SmallVector<int>> preds(graph.nodes.size());
  for (auto [id, node] : llvm::enumerate(graph.nodes))
    for (int input : node.inputs) {
      int p = graph.values[input].producer;
      if (p >= 0 && !llvm::is_contained(preds[id], p))
        preds[id].push_back(p);
    }
  return preds;
}

/// Fills the SolverReport fields from the peak and the bound.
ScheduleResult reported(ScheduleResult result) {
  result.objective = result.peakBytes;
  result.bound = result.lowerBound;
  result.gap =
      result.peakBytes > 0
          ? double(result.peakBytes - result.lowerBound) / result.peakBytes
          : 0.0;
  return result;
}

ScheduleResult finish(const KernelGraph &graph, SmallVector<int> order,
                      const LivenessOptions &options, StringRef method) {
  ScheduleResult result;
  result.peakBytes = computeMemoryProfile(graph, order, options).peakBytes;
  result.order = std::move(order);
  result.method = method.str();
  result.lowerBound =
      std::min(result.peakBytes, peakLowerBound(graph, options));
  result.status = result.lowerBound == result.peakBytes
                      ? ScheduleStatus::Optimal
                      : ScheduleStatus::Feasible;
  return result;
}

/// Memory-aware list scheduling: among ready nodes, the one with the best
/// (bytes freed - bytes allocated); ties go to program order.
SmallVector<int> listSchedule(const KernelGraph &graph,
                              const LivenessOptions &options) {
  int n = graph.nodes.size();
  SmallVector<SmallVector<int>> preds = predecessors(graph);
  SmallVector<SmallVector<int>> succs(n);
  SmallVector<int> waiting(n);
  for (int v = 0; v < n; ++v) {
    waiting[v] = preds[v].size();
    for (int p : preds[v])
      succs[p].push_back(v);
  }
  SmallVector<int> remainingUsers(graph.values.size());
  for (auto [id, value] : llvm::enumerate(graph.values))
    remainingUsers[id] = value.users.size();
  SmallVector<int> ready, order;
  for (int v = 0; v < n; ++v)
    if (waiting[v] == 0)
      ready.push_back(v);
  while (!ready.empty()) {
    int bestIndex = 0;
    int64_t bestScore = INT64_MIN;
    for (auto [i, v] : llvm::enumerate(ready)) {
      int64_t score = 0;
      for (int input : graph.nodes[v].inputs) {
        const KGValue &value = graph.values[input];
        if (isCounted(value, options) && !value.isOutput &&
            remainingUsers[input] == 1)
          score += value.bytes;
      }
      for (int output : graph.nodes[v].outputs)
        if (isCounted(graph.values[output], options))
          score -= graph.values[output].bytes;
      if (score > bestScore || (score == bestScore && v < ready[bestIndex])) {
        bestScore = score;
        bestIndex = i;
      }
    }
    int v = ready[bestIndex];
    ready.erase(ready.begin() + bestIndex);
    order.push_back(v);
    for (int input : graph.nodes[v].inputs)
      --remainingUsers[input];
    for (int s : succs[v])
      if (--waiting[s] == 0)
        ready.push_back(s);
  }
  return order;
}

/// Depth-first post-order from the sinks: each node right after the
/// operands it needs, which keeps chains short-lived.
SmallVector<int> depthFirstSchedule(const KernelGraph &graph) {
  int n = graph.nodes.size();
  SmallVector<SmallVector<int>> preds = predecessors(graph);
  SmallVector<bool> hasSucc(n, false), done(n, false);
  for (int v = 0; v < n; ++v)
    for (int p : preds[v])
      hasSucc[p] = true;
  SmallVector<int> order;
  // Iterative DFS: (node, next predecessor index).
  SmallVector<std::pair<int, unsigned>> stack;
  auto visit = [&](int root) {
    if (done[root])
      return;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto &[v, next] = stack.back();
      if (next < preds[v].size()) {
        int p = preds[v][next++];
        if (!done[p])
          stack.push_back({p, 0});
        continue;
      }
      if (!done[v]) {
        done[v] = true;
        order.push_back(v);
      }
      stack.pop_back();
    }
  };
  for (int v = 0; v < n; ++v)
    if (!hasSucc[v])
      visit(v);
  for (int v = 0; v < n; ++v)
    visit(v);
  return order;
}

} // namespace

int64_t mlir::strata::peakLowerBound(const KernelGraph &graph,
                                     const LivenessOptions &options) {
  int64_t bound = 0;
  for (const KGNode &node : graph.nodes) {
    int64_t bytes = 0;
    for (int input : node.inputs)
      if (isCounted(graph.values[input], options))
        bytes += graph.values[input].bytes;
    for (int output : node.outputs)
      if (isCounted(graph.values[output], options))
        bytes += graph.values[output].bytes;
    bound = std::max(bound, bytes);
  }
  // Results live to the end: whichever node runs last (one whose outputs
  // nobody reads), every result is live then, with that node's inputs.
  int64_t results = 0;
  for (const KGValue &value : graph.values)
    if (value.isOutput && isCounted(value, options))
      results += value.bytes;
  std::optional<int64_t> lastInputs;
  for (const KGNode &node : graph.nodes) {
    if (llvm::any_of(node.outputs, [&](int output) {
          return !graph.values[output].users.empty();
        }))
      continue;
    int64_t bytes = 0;
    for (int input : node.inputs) {
      const KGValue &v = graph.values[input];
      if (!v.isOutput && isCounted(v, options))
        bytes += v.bytes;
    }
    // Its own outputs that are not results are live while it runs too.
    for (int output : node.outputs) {
      const KGValue &v = graph.values[output];
      if (!v.isOutput && isCounted(v, options))
        bytes += v.bytes;
    }
    lastInputs = std::min(lastInputs.value_or(bytes), bytes);
  }
  return std::max(bound, results + lastInputs.value_or(0));
}

bool mlir::strata::isValidOrder(const KernelGraph &graph, ArrayRef<int> order) {
  int n = graph.nodes.size();
  if ((int)order.size() != n)
    return false;
  SmallVector<int> stepOf(n, -1);
  for (auto [step, v] : llvm::enumerate(order)) {
    if (v < 0 || v >= n || stepOf[v] >= 0)
      return false;
    stepOf[v] = step;
  }
  SmallVector<SmallVector<int>> preds = predecessors(graph);
  for (int v = 0; v < n; ++v)
    for (int p : preds[v])
      if (stepOf[p] > stepOf[v])
        return false;
  return true;
}

std::optional<SmallVector<int>>
mlir::strata::topologicalOrder(const KernelGraph &graph, int *cycleNode) {
  int n = graph.nodes.size();
  SmallVector<SmallVector<int>> preds = predecessors(graph);
  SmallVector<SmallVector<int>> succs(n);
  SmallVector<int> waiting(n, 0);
  for (int v = 0; v < n; ++v)
    for (int p : preds[v]) {
      succs[p].push_back(v);
      ++waiting[v];
    }
  // Kahn's algorithm, lowest-numbered ready node first.
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int v = 0; v < n; ++v)
    if (!waiting[v])
      ready.push(v);
  SmallVector<int> order;
  while (!ready.empty()) {
    int v = ready.top();
    ready.pop();
    order.push_back(v);
    for (int s : succs[v])
      if (--waiting[s] == 0)
        ready.push(s);
  }
  if ((int)order.size() == n)
    return order;
  if (cycleNode) {
    // A node that never ran waits on a producer that never ran either:
    // walking back through those must repeat a node, one on a cycle.
    int v =
        llvm::find_if(waiting, [](int w) { return w > 0; }) - waiting.begin();
    SmallVector<bool> seen(n, false);
    while (!seen[v]) {
      seen[v] = true;
      v = *llvm::find_if(preds[v], [&](int p) { return waiting[p] > 0; });
    }
    *cycleNode = v;
  }
  return std::nullopt;
}

ScheduleResult
mlir::strata::scheduleProgramOrder(const KernelGraph &graph,
                                   const LivenessOptions &options) {
  SmallVector<int> order(graph.nodes.size());
  std::iota(order.begin(), order.end(), 0);
  return reported(finish(graph, std::move(order), options, "program"));
}

namespace {
/// Result of a layered search over the downward-closed sets of nodes.
struct LayerSearch {
  /// An order with a peak below `upper`, or empty if none was found.
  SmallVector<int> order;
  /// A limit stopped the search (no proof either way).
  bool aborted = false;
  /// With `aborted`: the smallest peak on the frontier (a lower bound on
  /// every order better than `upper`).
  int64_t frontierBound = INT64_MAX;
  int64_t states = 0;
};
} // namespace

static LayerSearch searchLayers(const KernelGraph &graph,
                                const LivenessOptions &options, int64_t upper,
                                size_t beamWidth, double timeLimitSeconds,
                                int64_t maxStates);

ScheduleResult mlir::strata::scheduleGreedy(const KernelGraph &graph,
                                            const LivenessOptions &options,
                                            const GreedyScheduleOptions &opts) {
  auto start = std::chrono::steady_clock::now();
  ScheduleResult best = scheduleProgramOrder(graph, options);
  for (auto [name, order] :
       {std::make_pair("list", listSchedule(graph, options)),
        std::make_pair("depth-first", depthFirstSchedule(graph))}) {
    ScheduleResult candidate = finish(graph, order, options, name);
    if (candidate.peakBytes < best.peakBytes)
      best = std::move(candidate);
  }
  // Beam search over scheduled sets: the exact search keeping the best
  // states of each layer. Its cost grows as n^2, so large graphs keep the
  // linear-time heuristics alone.
  if (opts.beamWidth > 0 && (int)graph.nodes.size() <= opts.beamMaxNodes) {
    LayerSearch beam = searchLayers(graph, options, best.peakBytes,
                                    opts.beamWidth, /*timeLimitSeconds=*/1e9,
                                    /*maxStates=*/INT64_MAX);
    if (!beam.order.empty()) {
      ScheduleResult candidate =
          finish(graph, std::move(beam.order), options, "beam");
      if (candidate.peakBytes < best.peakBytes)
        best = std::move(candidate);
    }
  }
  best.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return reported(std::move(best));
}

/// Expands the sets of scheduled nodes layer by layer (by size), merging
/// equal sets and pruning peaks >= `upper`. With a finite `beamWidth` only
/// the best states of each layer (by peak, then live bytes) survive: a
/// heuristic; unbounded, the search is exact.
static LayerSearch searchLayers(const KernelGraph &graph,
                                const LivenessOptions &options, int64_t upper,
                                size_t beamWidth, double timeLimitSeconds,
                                int64_t maxStates) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  LayerSearch search;
  int n = graph.nodes.size();
  SmallVector<SmallVector<int>> preds = predecessors(graph);
  int words = (n + 63) / 64;
  using Bits = std::string; // `words` 64-bit words, as bytes
  auto test = [&](const Bits &s, int v) {
    uint64_t w;
    std::memcpy(&w, s.data() + 8 * (v / 64), 8);
    return (w >> (v % 64)) & 1;
  };
  auto set = [&](Bits &s, int v) {
    uint64_t w;
    std::memcpy(&w, s.data() + 8 * (v / 64), 8);
    w |= uint64_t(1) << (v % 64);
    std::memcpy(s.data() + 8 * (v / 64), &w, 8);
  };

  // Bytes live before any node: counted arguments/constants still needed.
  int64_t initialLive = 0;
  for (const KGValue &value : graph.values)
    if (value.producer < 0 && isCounted(value, options) &&
        (!value.users.empty() || value.isOutput))
      initialLive += value.bytes;

  struct Entry {
    int64_t live, peak;
    int parent, last;
  };
  SmallVector<Bits> layerBits = {Bits(8 * words, '\0')};
  SmallVector<Entry> layerEntries = {{initialLive, 0, -1, -1}};
  SmallVector<SmallVector<std::pair<int, int>>> links; // (parent, last)
  search.states = 1;

  for (int k = 0; k < n && !layerBits.empty(); ++k) {
    std::unordered_map<Bits, int> nextIndex;
    SmallVector<Bits> nextBits;
    SmallVector<Entry> nextEntries;
    for (auto [si, bits] : llvm::enumerate(layerBits)) {
      const Entry &entry = layerEntries[si];
      for (int v = 0; v < n; ++v) {
        if (test(bits, v) ||
            llvm::any_of(preds[v], [&](int p) { return !test(bits, p); }))
          continue;
        int64_t produced = 0;
        for (int output : graph.nodes[v].outputs)
          if (isCounted(graph.values[output], options))
            produced += graph.values[output].bytes;
        int64_t peak = std::max(entry.peak, entry.live + produced);
        if (peak >= upper)
          continue;
        Bits next = bits;
        set(next, v);
        // Values whose last user is v (or unused outputs of v) die.
        int64_t freed = 0;
        auto dead = [&](int id) {
          const KGValue &value = graph.values[id];
          return isCounted(value, options) && !value.isOutput &&
                 llvm::all_of(value.users,
                              [&](int u) { return test(next, u); });
        };
        for (int input : graph.nodes[v].inputs)
          if (dead(input))
            freed += graph.values[input].bytes;
        for (int output : graph.nodes[v].outputs)
          if (dead(output))
            freed += graph.values[output].bytes;
        auto [it, inserted] = nextIndex.try_emplace(next, nextBits.size());
        if (inserted) {
          nextBits.push_back(std::move(next));
          nextEntries.push_back(
              {entry.live + produced - freed, peak, (int)si, v});
          ++search.states;
        } else if (peak < nextEntries[it->second].peak) {
          nextEntries[it->second].peak = peak;
          nextEntries[it->second].parent = si;
          nextEntries[it->second].last = v;
        }
      }
      if (search.states > maxStates || elapsed() > timeLimitSeconds) {
        search.aborted = true;
        break;
      }
    }
    if (search.aborted) {
      // Every order's prefix of this size is a state of the current layer
      // or was pruned at >= upper.
      for (const Entry &e : layerEntries)
        search.frontierBound = std::min(search.frontierBound, e.peak);
      return search;
    }
    if (nextBits.size() > beamWidth) {
      SmallVector<int> keep(nextBits.size());
      std::iota(keep.begin(), keep.end(), 0);
      std::stable_sort(keep.begin(), keep.end(), [&](int a, int b) {
        return std::make_pair(nextEntries[a].peak, nextEntries[a].live) <
               std::make_pair(nextEntries[b].peak, nextEntries[b].live);
      });
      keep.resize(beamWidth);
      llvm::sort(keep); // keep the discovery order: deterministic
      SmallVector<Bits> bits;
      SmallVector<Entry> entries;
      for (int i : keep) {
        bits.push_back(std::move(nextBits[i]));
        entries.push_back(nextEntries[i]);
      }
      nextBits = std::move(bits);
      nextEntries = std::move(entries);
    }
    SmallVector<std::pair<int, int>> back;
    for (const Entry &e : nextEntries)
      back.push_back({e.parent, e.last});
    links.push_back(std::move(back));
    layerBits = std::move(nextBits);
    layerEntries = std::move(nextEntries);
  }
  if (layerBits.empty() || (int)links.size() < n)
    return search; // nothing below `upper`
  // Walk the back links from the full set.
  search.order.resize(n);
  int index = 0;
  for (int k = n - 1; k >= 0; --k) {
    auto [parent, last] = links[k][index];
    search.order[k] = last;
    index = parent;
  }
  return search;
}

ScheduleResult mlir::strata::scheduleExact(const KernelGraph &graph,
                                           const LivenessOptions &options,
                                           const ExactScheduleOptions &exact) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  ScheduleResult greedy = scheduleGreedy(graph, options);
  int64_t upper = greedy.peakBytes;
  int64_t simpleBound = peakLowerBound(graph, options);
  if (graph.nodes.empty() || simpleBound == upper) {
    greedy.status = ScheduleStatus::Optimal;
    greedy.lowerBound = upper;
    greedy.seconds = elapsed();
    return reported(std::move(greedy));
  }
  LayerSearch search =
      searchLayers(graph, options, upper, SIZE_MAX,
                   exact.timeLimitSeconds - elapsed(), exact.maxStates);
  if (search.aborted) {
    greedy.status = ScheduleStatus::Feasible;
    greedy.lowerBound =
        std::max(simpleBound, std::min(upper, search.frontierBound));
    greedy.nodes = search.states;
    greedy.method = "dp (limit reached; greedy order)";
    greedy.seconds = elapsed();
    return reported(std::move(greedy));
  }
  if (search.order.empty()) {
    // No order beats the greedy one: it is optimal.
    greedy.status = ScheduleStatus::Optimal;
    greedy.lowerBound = upper;
    greedy.nodes = search.states;
    greedy.method = "dp (greedy proven optimal)";
    greedy.seconds = elapsed();
    return reported(std::move(greedy));
  }
  ScheduleResult result = finish(graph, std::move(search.order), options, "dp");
  result.status = ScheduleStatus::Optimal;
  result.lowerBound = result.peakBytes;
  result.nodes = search.states;
  result.seconds = elapsed();
  return reported(std::move(result));
}

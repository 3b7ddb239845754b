//===- Schedule.cpp - Memory-aware node orders ----------------------------===//

#include "strata/Planning/Schedule.h"

#include "llvm/ADT/bit.h"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <queue>
#include <string>
#include <vector>

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

/// The result of `order`, given a lower bound on every order's peak.
ScheduleResult finish(const KernelGraph &graph, SmallVector<int> order,
                      const LivenessOptions &options, StringRef method,
                      int64_t lowerBound) {
  ScheduleResult result;
  result.peakBytes = computeMemoryProfile(graph, order, options).peakBytes;
  result.order = std::move(order);
  result.method = method.str();
  result.lowerBound = std::min(result.peakBytes, lowerBound);
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

namespace {
/// Transitive closure of the edges as bit rows: descendants[u] holds u and
/// every node with a path from u; ancestors[v] holds v and every node with
/// a path to v.
struct Reachability {
  int words = 0;
  std::vector<uint64_t> descendants, ancestors;

  uint64_t *row(std::vector<uint64_t> &rows, int v) {
    return rows.data() + size_t(v) * words;
  }
};

/// The closure of an acyclic graph of at most `maxNodes` nodes (none
/// otherwise: the rows take n^2 / 4 bytes).
std::optional<Reachability> computeReachability(const KernelGraph &graph,
                                                int maxNodes) {
  int n = graph.nodes.size();
  if (n > maxNodes)
    return std::nullopt;
  std::optional<SmallVector<int>> order = topologicalOrder(graph);
  if (!order)
    return std::nullopt;
  SmallVector<SmallVector<int>> preds = predecessors(graph);
  Reachability reach;
  reach.words = (n + 63) / 64;
  reach.descendants.assign(size_t(n) * reach.words, 0);
  reach.ancestors.assign(size_t(n) * reach.words, 0);
  for (int v : *order) {
    uint64_t *row = reach.row(reach.ancestors, v);
    row[v / 64] |= uint64_t(1) << (v % 64);
    for (int p : preds[v]) {
      const uint64_t *from = reach.row(reach.ancestors, p);
      for (int w = 0; w < reach.words; ++w)
        row[w] |= from[w];
    }
  }
  for (int v : llvm::reverse(*order)) {
    uint64_t *row = reach.row(reach.descendants, v);
    row[v / 64] |= uint64_t(1) << (v % 64);
    for (int p : preds[v]) {
      uint64_t *to = reach.row(reach.descendants, p);
      for (int w = 0; w < reach.words; ++w)
        to[w] |= row[w];
    }
  }
  return reach;
}
} // namespace

int64_t mlir::strata::peakLowerBound(const KernelGraph &graph,
                                     const LivenessOptions &options) {
  int n = graph.nodes.size();
  int64_t bound = 0;
  // A value is live while every node that runs after its producer and
  // before one of its users runs, whatever the order: it is produced
  // before and read after. Summed per node, the bytes every order holds
  // while that node runs; the largest sum bounds the peak. Without the
  // closure (huge graphs), a node's own inputs and outputs.
  if (std::optional<Reachability> reach = computeReachability(graph, 20000)) {
    int words = reach->words;
    SmallVector<int64_t> held(n, 0);
    std::vector<uint64_t> mask(words);
    for (const KGValue &value : graph.values) {
      if (!isCounted(value, options) ||
          (value.users.empty() && !value.isOutput))
        continue;
      std::fill(mask.begin(), mask.end(), 0);
      // Nodes that run before a user (or all, for a result).
      if (value.isOutput) {
        std::fill(mask.begin(), mask.end(), ~uint64_t(0));
      } else {
        for (int user : value.users) {
          const uint64_t *row = reach->row(reach->ancestors, user);
          for (int w = 0; w < words; ++w)
            mask[w] |= row[w];
        }
      }
      // ... and after the producer (all, for arguments and constants).
      if (value.producer >= 0) {
        const uint64_t *row = reach->row(reach->descendants, value.producer);
        for (int w = 0; w < words; ++w)
          mask[w] &= row[w];
      }
      for (int w = 0; w < words; ++w)
        for (uint64_t bits = mask[w]; bits; bits &= bits - 1) {
          int v = 64 * w + llvm::countr_zero(bits);
          if (v < n)
            held[v] += value.bytes;
        }
    }
    // An unread, non-result output is live while its producer runs.
    for (const KGValue &value : graph.values)
      if (isCounted(value, options) && value.users.empty() && !value.isOutput &&
          value.producer >= 0)
        held[value.producer] += value.bytes;
    for (int64_t bytes : held)
      bound = std::max(bound, bytes);
  } else {
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
  return reported(finish(graph, std::move(order), options, "program",
                         peakLowerBound(graph, options)));
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

/// Expands the sets of scheduled nodes layer by layer (by size), merging
/// equal sets and pruning peaks >= `upper`. With a finite `beamWidth` only
/// the best states of each layer (by peak, then live bytes) survive: a
/// heuristic; unbounded, the search is exact, and the order it returns has
/// the least peak of all orders (if any) below `upper`.
///
/// `lower` is a lower bound on every order's peak. A state expands only
/// one node when a ready node frees at least what it allocates and runs
/// within max(the state's peak, `lower`): moving such a node to the front
/// of any completion raises no step (its outputs live earlier, but its
/// dead inputs die earlier by at least as much) and its own step stays
/// under what the completion reaches anyway, so some optimal order takes
/// it first.
/// The states of one layer of the search: sets of scheduled nodes, `words`
/// 64-bit words each, in one flat pool, with an open-addressing index that
/// merges equal sets while the layer is built.
class StateLayer {
public:
  explicit StateLayer(int words) : words(words) {}

  size_t size() const { return count; }
  const uint64_t *set(size_t i) const { return pool.data() + i * words; }

  /// The index of `set`, added if new (then `inserted` is true).
  size_t insert(const uint64_t *set, bool &inserted) {
    if (2 * (count + 1) > table.size())
      grow();
    size_t mask = table.size() - 1;
    for (size_t slot = hash(set) & mask;; slot = (slot + 1) & mask) {
      uint32_t entry = table[slot];
      if (entry == 0) {
        table[slot] = ++count;
        pool.insert(pool.end(), set, set + words);
        inserted = true;
        return count - 1;
      }
      if (std::equal(set, set + words, this->set(entry - 1))) {
        inserted = false;
        return entry - 1;
      }
    }
  }

  /// Appends `set` without indexing it (a layer no longer merged).
  void append(const uint64_t *set) {
    pool.insert(pool.end(), set, set + words);
    ++count;
  }

  /// Drops the index (the layer is complete).
  void freeIndex() { std::vector<uint32_t>().swap(table); }

private:
  uint64_t hash(const uint64_t *set) const {
    uint64_t h = 0x9E3779B97F4A7C15ull;
    for (int w = 0; w < words; ++w) {
      h ^= set[w];
      h *= 0xBF58476D1CE4E5B9ull;
      h ^= h >> 31;
    }
    return h;
  }

  void grow() {
    std::vector<uint32_t> bigger(std::max<size_t>(64, 2 * table.size()), 0);
    size_t mask = bigger.size() - 1;
    for (uint32_t i = 0; i < count; ++i) {
      size_t slot = hash(set(i)) & mask;
      while (bigger[slot])
        slot = (slot + 1) & mask;
      bigger[slot] = i + 1;
    }
    table = std::move(bigger);
  }

  int words;
  size_t count = 0;
  std::vector<uint64_t> pool;
  std::vector<uint32_t> table;
};

LayerSearch searchLayers(const KernelGraph &graph,
                         const LivenessOptions &options, int64_t upper,
                         int64_t lower, size_t beamWidth,
                         double timeLimitSeconds, int64_t maxStates) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  LayerSearch search;
  int n = graph.nodes.size();
  int words = (n + 63) / 64;
  auto test = [](const uint64_t *set, int v) {
    return (set[v / 64] >> (v % 64)) & 1;
  };
  // Predecessors, highest-numbered first: in a topological numbering the
  // latest is the likeliest not to have run, which ends the check early.
  SmallVector<SmallVector<int>> preds = predecessors(graph);
  for (SmallVector<int> &p : preds)
    llvm::sort(p, std::greater<int>());
  SmallVector<int64_t> produced(n, 0);
  for (int v = 0; v < n; ++v)
    for (int output : graph.nodes[v].outputs)
      if (isCounted(graph.values[output], options))
        produced[v] += graph.values[output].bytes;

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
  struct Move {
    int node;
    int64_t peak, live;
  };
  StateLayer layer(words);
  {
    std::vector<uint64_t> empty(words, 0);
    layer.append(empty.data());
  }
  SmallVector<Entry> layerEntries = {{initialLive, 0, -1, -1}};
  SmallVector<SmallVector<std::pair<int, int>>> links; // (parent, last)
  SmallVector<Move> moves;
  std::vector<uint64_t> next(words);
  search.states = 1;

  for (int k = 0; k < n && layer.size(); ++k) {
    StateLayer nextLayer(words);
    SmallVector<Entry> nextEntries;
    for (size_t si = 0; si < layer.size(); ++si) {
      const uint64_t *bits = layer.set(si);
      const Entry &entry = layerEntries[si];
      moves.clear();
      for (int w = 0; w < words; ++w) {
        for (uint64_t todo = ~bits[w]; todo; todo &= todo - 1) {
          int v = 64 * w + llvm::countr_zero(todo);
          if (v >= n)
            break;
          if (llvm::any_of(preds[v], [&](int p) { return !test(bits, p); }))
            continue;
          // Values whose last user is v (or unused outputs of v) die.
          int64_t freed = 0;
          auto dead = [&](int id) {
            const KGValue &value = graph.values[id];
            return isCounted(value, options) && !value.isOutput &&
                   llvm::all_of(value.users,
                                [&](int u) { return u == v || test(bits, u); });
          };
          for (int input : graph.nodes[v].inputs)
            if (dead(input))
              freed += graph.values[input].bytes;
          for (int output : graph.nodes[v].outputs)
            if (dead(output))
              freed += graph.values[output].bytes;
          int64_t running = entry.live + produced[v];
          Move move{v, std::max(entry.peak, running), running - freed};
          if (freed >= produced[v] && running <= std::max(entry.peak, lower)) {
            moves.assign(1, move);
            w = words; // taken alone: stop scanning
            break;
          }
          moves.push_back(move);
        }
      }
      for (const Move &move : moves) {
        if (move.peak >= upper)
          continue;
        std::copy(bits, bits + words, next.begin());
        next[move.node / 64] |= uint64_t(1) << (move.node % 64);
        bool inserted;
        size_t index = nextLayer.insert(next.data(), inserted);
        if (inserted) {
          nextEntries.push_back({move.live, move.peak, (int)si, move.node});
          ++search.states;
        } else if (move.peak < nextEntries[index].peak) {
          nextEntries[index].peak = move.peak;
          nextEntries[index].parent = si;
          nextEntries[index].last = move.node;
        }
      }
      if (search.states > maxStates ||
          ((si & 255) == 0 && elapsed() > timeLimitSeconds)) {
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
    nextLayer.freeIndex();
    if (nextLayer.size() > beamWidth) {
      SmallVector<int> keep(nextLayer.size());
      std::iota(keep.begin(), keep.end(), 0);
      std::stable_sort(keep.begin(), keep.end(), [&](int a, int b) {
        return std::make_pair(nextEntries[a].peak, nextEntries[a].live) <
               std::make_pair(nextEntries[b].peak, nextEntries[b].live);
      });
      keep.resize(beamWidth);
      llvm::sort(keep); // keep the discovery order: deterministic
      StateLayer kept(words);
      SmallVector<Entry> entries;
      for (int i : keep) {
        kept.append(nextLayer.set(i));
        entries.push_back(nextEntries[i]);
      }
      nextLayer = std::move(kept);
      nextEntries = std::move(entries);
    }
    SmallVector<std::pair<int, int>> back;
    back.reserve(nextEntries.size());
    for (const Entry &e : nextEntries)
      back.push_back({e.parent, e.last});
    links.push_back(std::move(back));
    layer = std::move(nextLayer);
    layerEntries = std::move(nextEntries);
  }
  if (!layer.size() || (int)links.size() < n)
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
} // namespace

ScheduleResult mlir::strata::scheduleGreedy(const KernelGraph &graph,
                                            const LivenessOptions &options,
                                            const GreedyScheduleOptions &opts) {
  auto start = std::chrono::steady_clock::now();
  int64_t bound = peakLowerBound(graph, options);
  SmallVector<int> program(graph.nodes.size());
  std::iota(program.begin(), program.end(), 0);
  ScheduleResult best = finish(graph, program, options, "program", bound);
  for (auto [name, order] :
       {std::make_pair("list", listSchedule(graph, options)),
        std::make_pair("depth-first", depthFirstSchedule(graph))}) {
    ScheduleResult candidate = finish(graph, order, options, name, bound);
    if (candidate.peakBytes < best.peakBytes)
      best = std::move(candidate);
  }
  // Beam search over scheduled sets: the exact search keeping the best
  // states of each layer. Its cost grows as n^2, so large graphs keep the
  // linear-time heuristics alone.
  if (opts.beamWidth > 0 && (int)graph.nodes.size() <= opts.beamMaxNodes &&
      best.peakBytes > bound) {
    LayerSearch beam = searchLayers(graph, options, best.peakBytes, bound,
                                    opts.beamWidth, /*timeLimitSeconds=*/1e9,
                                    /*maxStates=*/INT64_MAX);
    if (!beam.order.empty()) {
      ScheduleResult candidate =
          finish(graph, std::move(beam.order), options, "beam", bound);
      if (candidate.peakBytes < best.peakBytes)
        best = std::move(candidate);
    }
  }
  best.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return reported(std::move(best));
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
  ScheduleResult result = scheduleGreedy(graph, options);
  // result.lowerBound is peakLowerBound (capped at the greedy peak).
  int64_t lower = result.lowerBound, upper = result.peakBytes;
  int64_t statesLeft = exact.maxStates;
  // Searches for an order below `target`, raising the target from just
  // above the bound: a search with a low target prunes most states, and
  // finishing without an order proves the target a bound; the step doubles
  // after each proof and halves after a search that reached its limit. Any
  // order a finished search returns is optimal (the search keeps the least
  // peak of every set, among orders below the target), and on a tight
  // bound the first search finds it.
  int64_t step = std::max<int64_t>(1, (upper - lower) / 64);
  bool limitReached = false;
  while (lower < upper) {
    double timeLeft = exact.timeLimitSeconds - elapsed();
    if (timeLeft <= 0 || statesLeft <= 0 || step == 0) {
      limitReached = true;
      break;
    }
    int64_t target = std::min(upper, lower + step);
    // A search may take half of what is left, the last (to the greedy
    // peak) all of it.
    double share = target == upper ? 1.0 : 0.5;
    LayerSearch search =
        searchLayers(graph, options, target, lower, SIZE_MAX, timeLeft * share,
                     std::max<int64_t>(1, int64_t(statesLeft * share)));
    result.nodes += search.states;
    statesLeft -= search.states;
    if (search.aborted) {
      lower = std::max(lower, std::min(target, search.frontierBound));
      step /= 2;
      continue;
    }
    if (!search.order.empty()) {
      ScheduleResult best =
          finish(graph, std::move(search.order), options, "dp", lower);
      best.nodes = result.nodes;
      result = std::move(best);
      lower = upper = result.peakBytes;
      break;
    }
    lower = target; // no order below the target
    step *= 2;
  }
  if (limitReached && lower < upper)
    result.method = "dp (limit reached; greedy order)";
  else if (result.method != "dp" && result.nodes > 0)
    result.method = "dp (greedy proven optimal)";
  result.lowerBound = lower;
  result.status = lower == result.peakBytes ? ScheduleStatus::Optimal
                                            : ScheduleStatus::Feasible;
  result.seconds = elapsed();
  return reported(std::move(result));
}

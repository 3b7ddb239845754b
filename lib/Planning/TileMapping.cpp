//===- TileMapping.cpp - Cascades and the tile-level greedy mapper --------===//
//
// Runs a candidate cascade stripe by stripe to size its buffers, cuts the
// kernel order into cascades (growing them, or where the fewest bytes
// cross), and maps the graph in which each cascade is one kernel; see
// TileMapping.h.
//
//===----------------------------------------------------------------------===//

#include "strata/Planning/TileMapping.h"

#include "llvm/Support/Debug.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

#define DEBUG_TYPE "strata-tile-mapping"

using namespace mlir;
using namespace mlir::strata;

StripeInfo StripeInfo::getWhole(const KernelGraph &graph) {
  StripeInfo info;
  info.rows.assign(graph.values.size(), 1);
  info.dim.assign(graph.values.size(), -1);
  for (const KGNode &node : graph.nodes)
    info.access.emplace_back(node.inputs.size(), RowAccess::getWhole());
  return info;
}

namespace {

constexpr int64_t kDone = std::numeric_limits<int64_t>::max();

/// One candidate cascade, run stripe by stripe.
class CascadeRun {
public:
  CascadeRun(const KernelGraph &graph, const StripeInfo &info,
             ArrayRef<int> order, int first, int last)
      : graph(graph), info(info), order(order), first(first), last(last) {}

  /// Runs the cascade; fails when a kernel inside reads a value made inside
  /// as a whole, or a kernel's outputs differ in rows.
  bool run(int64_t rowsPerStripe) {
    stripeRows = std::max<int64_t>(1, rowsPerStripe);
    int numNodes = graph.nodes.size(), numValues = graph.values.size();
    inside.assign(numNodes, false);
    for (int s = first; s <= last; ++s)
      inside[order[s]] = true;
    nodeRows.assign(numNodes, 1);
    produced.assign(numNodes, 0);
    streamedTop.assign(numValues, 0);
    maxHeld.assign(numValues, 0);
    for (int s = first; s <= last; ++s) {
      int node = order[s];
      const KGNode &n = graph.nodes[node];
      if (!n.outputs.empty())
        nodeRows[node] = info.rows[n.outputs.front()];
      for (int out : n.outputs)
        if (info.rows[out] != nodeRows[node])
          return fail(node, "outputs differ in rows");
      for (auto [i, v] : llvm::enumerate(n.inputs))
        if (madeInside(v) && info.access[node][i].whole && info.rows[v] > 1)
          return fail(node, "reads a value made inside as a whole");
    }

    // The kernels whose results leave the cascade (or are never read) pull
    // the others, at one pace: each reaches its last row at the last tick.
    SmallVector<int> sinks;
    int64_t ticks = 1;
    for (int s = first; s <= last; ++s) {
      int node = order[s];
      const KGNode &n = graph.nodes[node];
      bool sink = n.outputs.empty() || llvm::any_of(n.outputs, [&](int v) {
                    return leaves(v) || graph.values[v].users.empty();
                  });
      if (sink) {
        sinks.push_back(node);
        ticks = std::max(ticks, nodeRows[node]);
      }
    }
    for (int64_t t = stripeRows; t < ticks + stripeRows; t += stripeRows)
      for (int node : sinks) {
        int64_t want =
            (std::min(t, ticks) * nodeRows[node] + ticks - 1) / ticks;
        produce(node, want);
      }
    for (int s = first; s <= last; ++s)
      produce(order[s], nodeRows[order[s]]);
    return true;
  }

  /// The cascade's buffers, given the values' sizes and the alignment.
  Cascade getCascade(int64_t alignment) const {
    Cascade c;
    c.first = first;
    c.last = last;
    for (int v = 0, e = graph.values.size(); v < e; ++v) {
      const KGValue &value = graph.values[v];
      bool readInside =
          llvm::any_of(value.users, [&](int u) { return inside[u]; });
      int64_t rows = 0;
      if (madeInside(v)) {
        if (!leaves(v)) {
          c.internal.push_back(v);
          rows = maxHeld[v];
        } else {
          // Written out block by block: one written while one drains.
          rows = maxHeld[v] + 2 * stripeRows;
        }
      } else if (readInside) {
        // Streamed in: the window the readers span, plus the rows of their
        // next block arriving while it is used.
        int64_t ahead = 1;
        for (int u : value.users)
          if (inside[u])
            ahead = std::max(ahead, getAccess(u, v).stride * stripeRows);
        rows = maxHeld[v] + ahead;
      }
      rows = std::min(rows, info.rows[v]);
      if (rows <= 0)
        continue;
      c.bufferRows.push_back({v, rows});
      c.bufferBytes +=
          llvm::alignTo(rows * info.getRowBytes(graph, v), (uint64_t)alignment);
    }
    return c;
  }

  StringRef getFailure() const { return failure; }

private:
  bool madeInside(int v) const {
    int p = graph.values[v].producer;
    return p >= 0 && inside[p];
  }
  /// Read after the cascade, or returned.
  bool leaves(int v) const {
    const KGValue &value = graph.values[v];
    return value.isOutput ||
           llvm::any_of(value.users, [&](int u) { return !inside[u]; });
  }
  const RowAccess &getAccess(int node, int v) const {
    const KGNode &n = graph.nodes[node];
    int i = llvm::find(n.inputs, v) - n.inputs.begin();
    return info.access[node][i];
  }
  int64_t clampRow(int v, int64_t r) const {
    return std::clamp<int64_t>(r, 0, info.rows[v] - 1);
  }
  /// The lowest row of `v` that `node` still reads (kDone when it has
  /// finished).
  int64_t lowestRead(int node, int v, const RowAccess &a) const {
    if (produced[node] >= nodeRows[node])
      return kDone;
    if (a.whole)
      return 0;
    return clampRow(v, a.stride * produced[node] + a.lo);
  }
  /// Rows of `v` present and still to be read inside the cascade.
  int64_t held(int v) const {
    int64_t top =
        madeInside(v) ? produced[graph.values[v].producer] : streamedTop[v];
    int64_t low = kDone;
    for (int u : graph.values[v].users)
      if (inside[u])
        low = std::min(low, lowestRead(u, v, getAccess(u, v)));
    return low == kDone ? 0 : std::max<int64_t>(0, top - low);
  }
  /// Computes rows of `node` until `rows` exist, in blocks of the stripe
  /// rows, each once the rows of its operands it reads exist (pulling them
  /// from their producers the same way).
  void produce(int node, int64_t rows) {
    const KGNode &n = graph.nodes[node];
    rows = std::min(rows, nodeRows[node]);
    while (produced[node] < rows) {
      int64_t end = std::min(produced[node] + stripeRows, nodeRows[node]);
      for (auto [i, v] : llvm::enumerate(n.inputs)) {
        const RowAccess &a = info.access[node][i];
        int64_t top = a.whole ? info.rows[v]
                              : clampRow(v, a.stride * (end - 1) + a.hi) + 1;
        if (madeInside(v))
          produce(graph.values[v].producer, top);
        else
          streamedTop[v] = std::max(streamedTop[v], top);
      }
      for (int v : n.inputs)
        maxHeld[v] = std::max(maxHeld[v], held(v));
      produced[node] = end;
      for (int v : n.outputs)
        maxHeld[v] = std::max(maxHeld[v], held(v));
    }
  }
  bool fail(int node, StringRef why) {
    LLVM_DEBUG(llvm::dbgs() << "node " << node << ": " << why << "\n");
    failure = why;
    return false;
  }

  const KernelGraph &graph;
  const StripeInfo &info;
  ArrayRef<int> order;
  int first, last;
  SmallVector<bool> inside;
  /// Per node: output rows, rows computed so far.
  SmallVector<int64_t> nodeRows, produced;
  /// Rows every kernel computes at once.
  int64_t stripeRows = 1;
  /// Per value from outside: rows streamed in so far. Per value: the most
  /// rows held at once.
  SmallVector<int64_t> streamedTop, maxHeld;
  StringRef failure;
};

} // namespace

std::optional<Cascade>
mlir::strata::evaluateCascade(const KernelGraph &graph, const StripeInfo &info,
                              ArrayRef<int> order, int first, int last,
                              const TileMappingOptions &options) {
  CascadeRun run(graph, info, order, first, last);
  if (!run.run(options.stripeRows)) {
    LLVM_DEBUG(llvm::dbgs() << "cascade [" << first << ", " << last
                            << "] refused: " << run.getFailure() << "\n");
    return std::nullopt;
  }
  return run.getCascade(options.tensor.alignment);
}

namespace {

/// Cascades grown along the order while their buffers fit; a kernel that
/// cannot join starts the next one.
SmallVector<Cascade> growCascades(const KernelGraph &graph,
                                  const StripeInfo &info, ArrayRef<int> order,
                                  ArrayRef<MappingTier> tiers,
                                  const TileMappingOptions &options) {
  SmallVector<Cascade> cascades;
  int numSteps = order.size();
  int64_t budget = (int64_t)(options.bufferFraction * tiers.front().capacity);
  for (int s = 0; s < numSteps;) {
    std::optional<Cascade> best;
    for (int e = s + 1; e < numSteps; ++e) {
      std::optional<Cascade> c =
          evaluateCascade(graph, info, order, s, e, options);
      if (!c || c->bufferBytes > budget) {
        LLVM_DEBUG(if (c) llvm::dbgs()
                   << "cascade from step " << s << " stops before step " << e
                   << ": buffers " << c->bufferBytes << " B\n");
        break;
      }
      best = std::move(c);
    }
    if (!best || best->internal.empty()) {
      ++s;
      continue;
    }
    LLVM_DEBUG(llvm::dbgs()
               << "cascade " << cascades.size() << ": steps [" << best->first
               << ", " << best->last << "], " << best->internal.size()
               << " values on chip only, buffers " << best->bufferBytes
               << " B\n");
    s = best->last + 1;
    cascades.push_back(std::move(*best));
  }
  return cascades;
}

/// Cascades that cut the order where the fewest bytes cross: the longest
/// cascade that fits from each step, then the split of the order into such
/// runs that minimizes the bytes live across its cuts (dynamic
/// programming), so that cuts fall between blocks rather than where the
/// buffers happen to run out.
SmallVector<Cascade> cutCascades(const KernelGraph &graph,
                                 const StripeInfo &info, ArrayRef<int> order,
                                 ArrayRef<MappingTier> tiers,
                                 const TileMappingOptions &options) {
  int numSteps = order.size();
  int64_t budget = (int64_t)(options.bufferFraction * tiers.front().capacity);
  auto fits = [&](int first, int last) -> std::optional<Cascade> {
    std::optional<Cascade> c =
        evaluateCascade(graph, info, order, first, last, options);
    if (!c || c->bufferBytes > budget)
      return std::nullopt;
    return c;
  };
  // The longest run from each step: where the one from the step before
  // ended, if that still fits, then as far as it fits.
  SmallVector<int> maxEnd(numSteps);
  for (int s = 0, e = 0; s < numSteps; ++s) {
    if (e <= s || !fits(s, e))
      e = s;
    while (e + 1 < numSteps && fits(s, e + 1))
      ++e;
    maxEnd[s] = e;
  }
  // Bytes live across the cut before each step.
  SmallVector<int> stepOf(graph.nodes.size(), -1);
  for (auto [s, node] : llvm::enumerate(order))
    stepOf[node] = s;
  SmallVector<int64_t> crossing(numSteps + 1, 0);
  for (const KGValue &v : graph.values) {
    if (v.producer < 0)
      continue;
    int from = stepOf[v.producer], to = v.isOutput ? numSteps - 1 : from;
    for (int u : v.users)
      to = std::max(to, stepOf[u]);
    if (to > from) {
      crossing[from + 1] += v.bytes;
      crossing[to + 1] -= v.bytes;
    }
  }
  for (int t = 1; t <= numSteps; ++t)
    crossing[t] += crossing[t - 1];
  // cost[t]: the least crossing bytes of a split of steps [0, t).
  constexpr int64_t kNone = std::numeric_limits<int64_t>::max();
  SmallVector<int64_t> cost(numSteps + 1, kNone);
  SmallVector<int> from(numSteps + 1, -1);
  cost[0] = 0;
  for (int s = 0; s < numSteps; ++s) {
    if (cost[s] == kNone)
      continue;
    int64_t here = cost[s] + (s > 0 ? crossing[s] : 0);
    for (int e = s; e <= maxEnd[s]; ++e)
      if (here < cost[e + 1]) {
        cost[e + 1] = here;
        from[e + 1] = s;
      }
  }
  SmallVector<std::pair<int, int>> runs;
  for (int t = numSteps; t > 0; t = from[t])
    runs.push_back({from[t], t - 1});
  SmallVector<Cascade> cascades;
  for (auto [first, last] : llvm::reverse(runs)) {
    if (first == last)
      continue;
    std::optional<Cascade> c = fits(first, last);
    if (c && !c->internal.empty())
      cascades.push_back(std::move(*c));
  }
  return cascades;
}

/// The reduced graph of `cascades` and its tensor-level plan.
TilePlan buildTilePlan(const KernelGraph &graph, ArrayRef<int> order,
                       ArrayRef<double> computeSeconds,
                       ArrayRef<MappingTier> tiers,
                       const TileMappingOptions &options,
                       SmallVector<Cascade> cascades) {
  TilePlan plan;
  int numSteps = order.size();
  plan.cascades = std::move(cascades);
  plan.cascadeOf.assign(graph.nodes.size(), -1);
  for (auto [c, cascade] : llvm::enumerate(plan.cascades))
    for (int t = cascade.first; t <= cascade.last; ++t)
      plan.cascadeOf[order[t]] = c;

  // The reduced graph: a cascade's internal values vanish, it reads what
  // comes from outside and writes what leaves plus its buffer.
  SmallVector<bool> internal(graph.values.size(), false);
  for (const Cascade &c : plan.cascades)
    for (int v : c.internal)
      internal[v] = true;
  SmallVector<int> reducedId(graph.values.size(), -1);
  for (auto [v, value] : llvm::enumerate(graph.values)) {
    if (internal[v])
      continue;
    reducedId[v] = plan.reduced.values.size();
    KGValue copy = value;
    copy.users.clear();
    copy.producer = -1;
    plan.reduced.values.push_back(copy);
    plan.valueOf.push_back(v);
  }
  SmallVector<double> compute;
  TileMappingOptions opts = options;
  for (int s = 0; s < numSteps; ++s) {
    int node = order[s];
    int c = plan.cascadeOf[node];
    if (c >= 0 && plan.cascades[c].first != s)
      continue;
    int id = plan.reduced.nodes.size();
    plan.reduced.nodes.emplace_back();
    plan.nodesOf.emplace_back();
    compute.push_back(0);
    int from = s, to = c >= 0 ? plan.cascades[c].last : s;
    KGNode &reduced = plan.reduced.nodes.back();
    for (int t = from; t <= to; ++t) {
      int member = order[t];
      plan.nodesOf.back().push_back(member);
      compute.back() += computeSeconds[member];
      for (int v : graph.nodes[member].inputs) {
        int r = reducedId[v];
        if (r < 0 || llvm::is_contained(reduced.inputs, r))
          continue;
        int p = graph.values[v].producer;
        if (p >= 0 && c >= 0 && plan.cascadeOf[p] == c)
          continue;
        reduced.inputs.push_back(r);
      }
      for (int v : graph.nodes[member].outputs)
        if (reducedId[v] >= 0) {
          reduced.outputs.push_back(reducedId[v]);
          plan.reduced.values[reducedId[v]].producer = id;
        }
    }
    if (c >= 0) {
      Cascade &cascade = plan.cascades[c];
      cascade.node = id;
      KGValue buffer;
      buffer.bytes = cascade.bufferBytes;
      buffer.producer = id;
      int b = plan.reduced.values.size();
      plan.reduced.values.push_back(buffer);
      plan.valueOf.push_back(-1);
      reduced.outputs.push_back(b);
      opts.tensor.pinned.push_back(b);
    }
    for (int r : reduced.inputs)
      plan.reduced.values[r].users.push_back(id);
  }
  plan.order.resize(plan.reduced.nodes.size());
  for (auto [i, o] : llvm::enumerate(plan.order))
    o = i;
  plan.program =
      mapTiersGreedy(plan.reduced, plan.order, compute, tiers, opts.tensor);
  return plan;
}

} // namespace

TilePlan mlir::strata::mapTilesGreedy(const KernelGraph &graph,
                                      const StripeInfo &info,
                                      ArrayRef<int> order,
                                      ArrayRef<double> computeSeconds,
                                      ArrayRef<MappingTier> tiers,
                                      const TileMappingOptions &options) {
  if (tiers.size() < 2)
    return buildTilePlan(graph, order, computeSeconds, tiers, options, {});
  // Two ways to cut the order into cascades, and whole tensors: keep the
  // plan that moves the fewest off-chip bytes (then the fastest). Cascades
  // take scratchpad space from the values crossing them, so whole tensors
  // can win.
  TilePlan best =
      buildTilePlan(graph, order, computeSeconds, tiers, options, {});
  SimulationResult bestSim = simulateMappedProgram(best.program);
  for (SmallVector<Cascade> cascades :
       {growCascades(graph, info, order, tiers, options),
        cutCascades(graph, info, order, tiers, options)}) {
    if (cascades.empty())
      continue;
    TilePlan plan = buildTilePlan(graph, order, computeSeconds, tiers, options,
                                  std::move(cascades));
    SimulationResult sim = simulateMappedProgram(plan.program);
    LLVM_DEBUG(llvm::dbgs() << plan.cascades.size() << " cascades move "
                            << sim.nonCompulsoryBytes << " B\n");
    if (std::make_pair(sim.nonCompulsoryBytes, sim.totalSeconds) <
        std::make_pair(bestSim.nonCompulsoryBytes, bestSim.totalSeconds)) {
      best = std::move(plan);
      bestSim = sim;
    }
  }
  return best;
}

//===- Remat.cpp - Greedy rematerialization under a budget ----------------===//

#include "strata/Planning/Remat.h"
#include "strata/Planning/Schedule.h"

#include "RematStaged.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/raw_ostream.h"

#include <cassert>

#include <algorithm>
#include <chrono>
#include <climits>
#include <iterator>
#include <limits>
#include <memory>
#include <numeric>
#include <set>

using namespace mlir;
using namespace mlir::strata;

namespace {

/// Adds to `graph` copies of `nodes` (ascending steps, ending with
/// `value`'s producer), with their costs. A copy reads the copy's outputs
/// where its input is produced by an earlier node of the list, else the
/// original value; the last copy's output takes over `late` (users of
/// `value`). Other copy outputs are read by later copies only, or by none.
/// Returns one record per copy, in the list's order.
SmallVector<Recomputation> addCopies(KernelGraph &graph,
                                     SmallVectorImpl<double> &cost, int value,
                                     ArrayRef<int> late, ArrayRef<int> nodes) {
  assert(!nodes.empty() && nodes.back() == graph.values[value].producer &&
         "the copies end with the value's producer");
  llvm::DenseMap<int, int> copyOf;
  SmallVector<Recomputation> records;
  for (int original : nodes) {
    int copy = graph.nodes.size();
    KGNode node;
    int readValue = -1;
    for (int input : graph.nodes[original].inputs) {
      auto it = copyOf.find(input);
      int read = it == copyOf.end() ? input : it->second;
      node.inputs.push_back(read);
      graph.values[read].users.push_back(copy);
    }
    for (int output : SmallVector<int>(graph.nodes[original].outputs)) {
      KGValue v;
      v.bytes = graph.values[output].bytes;
      v.kind = ValueKind::Activation;
      v.producer = copy;
      int id = graph.values.size();
      if (output == value) {
        v.users.assign(late.begin(), late.end());
        for (int user : late)
          for (int &in : graph.nodes[user].inputs)
            if (in == value)
              in = id;
        readValue = value;
      }
      graph.values.push_back(v);
      node.outputs.push_back(id);
      copyOf[output] = id;
    }
    graph.nodes.push_back(node);
    cost.push_back(cost[original]);
    records.push_back({original, copy, readValue});
  }
  // A chain member's record names the first of its outputs a later copy
  // reads.
  for (Recomputation &record : records) {
    if (record.value >= 0)
      continue;
    for (auto [i, output] : llvm::enumerate(graph.nodes[record.copy].outputs))
      if (!graph.values[output].users.empty()) {
        record.value = graph.nodes[record.original].outputs[i];
        break;
      }
  }
  SmallVector<int> early;
  for (int user : graph.values[value].users)
    if (!llvm::is_contained(late, user))
      early.push_back(user);
  graph.values[value].users = early;
  return records;
}

/// Where a recomputation of `value` after step `step` of an order acts:
/// the users it serves, the nodes it copies and where the copies run.
struct CopyPlan {
  /// The users of `value` after `step` and the step of the first of them
  /// (where the copies go); the step of its last earlier use (or of its
  /// producer).
  SmallVector<int> late;
  int firstLate = 0;
  int lastEarly = 0;
  /// The nodes copied, ascending by step, ending with `value`'s producer.
  SmallVector<int> nodes;
  /// The position in the order the copies are inserted at: right before
  /// the first late user, or (early) right after `step`.
  int at = 0;
};

/// Plans a recomputation of `value` for its users after `step`, or
/// nullopt when none runs after it. Without `chain`, only the producer is
/// copied and its inputs stay live until the copy. With `chain`, an input
/// that dies before `step` (so keeping it would hold it across `step`) is
/// recomputed too when it can be (a counted activation with a producer,
/// not a result), recursively: the copies recompute a chain back to values
/// that are live anyway. Gives up (nullopt) beyond `maxNodes` copies.
/// `first`/`last` are the live ranges of the order (-1 when not counted).
/// The copies run right before the first late user, or with `early` right
/// after `step`: the value's copy then lives as long as the value did, but
/// inputs that `step` reads are still live and need not be held (or
/// recomputed) until the late user.
std::optional<CopyPlan> planCopies(const KernelGraph &graph,
                                   ArrayRef<int> stepOf, ArrayRef<int> first,
                                   ArrayRef<int> last, int value, int step,
                                   bool chain, bool early, size_t maxNodes) {
  const KGValue &v = graph.values[value];
  if (v.producer < 0)
    return std::nullopt;
  CopyPlan plan;
  plan.firstLate = INT_MAX;
  plan.lastEarly = stepOf[v.producer];
  for (int user : v.users) {
    int s = stepOf[user];
    if (s > step) {
      plan.late.push_back(user);
      plan.firstLate = std::min(plan.firstLate, s);
    } else {
      plan.lastEarly = std::max(plan.lastEarly, s);
    }
  }
  if (plan.late.empty())
    return std::nullopt;
  plan.nodes.push_back(v.producer);
  if (chain) {
    for (size_t i = 0; i < plan.nodes.size(); ++i) {
      for (int input : graph.nodes[plan.nodes[i]].inputs) {
        const KGValue &in = graph.values[input];
        if (first[input] < 0 || last[input] >= step || in.producer < 0 ||
            in.kind != ValueKind::Activation || in.isOutput ||
            stepOf[in.producer] < 0 ||
            llvm::is_contained(plan.nodes, in.producer))
          continue;
        if (plan.nodes.size() == maxNodes)
          return std::nullopt;
        plan.nodes.push_back(in.producer);
      }
    }
    llvm::sort(plan.nodes, [&](int a, int b) { return stepOf[a] < stepOf[b]; });
  }
  plan.at = early ? step + 1 : plan.firstLate;
  return plan;
}

/// Adds the copies `plan` names to the graph and runs them in a row at
/// `plan.at`.
SmallVector<Recomputation> applyCopyPlan(KernelGraph &graph,
                                         SmallVectorImpl<int> &order,
                                         SmallVectorImpl<double> &cost,
                                         int value, const CopyPlan &plan) {
  SmallVector<Recomputation> records =
      addCopies(graph, cost, value, plan.late, plan.nodes);
  SmallVector<int> copies;
  for (const Recomputation &record : records)
    copies.push_back(record.copy);
  order.insert(order.begin() + plan.at, copies.begin(), copies.end());
  return records;
}

} // namespace

SmallVector<Recomputation> mlir::strata::applyRecomputation(
    KernelGraph &graph, SmallVectorImpl<int> &order,
    SmallVectorImpl<double> &cost, int value, int step, bool chain,
    const LivenessOptions &options, bool early) {
  SmallVector<int> stepOf(graph.nodes.size(), -1);
  for (auto [s, node] : llvm::enumerate(order))
    stepOf[node] = s;
  SmallVector<int> first, last;
  for (auto [f, l] : computeLiveIntervals(graph, order, options)) {
    first.push_back(f);
    last.push_back(l);
  }
  std::optional<CopyPlan> plan = planCopies(
      graph, stepOf, first, last, value, step, chain, early, kMaxChainCopies);
  if (!plan)
    return {};
  return applyCopyPlan(graph, order, cost, value, *plan);
}

namespace {

/// The peak of a profile and how many steps reach it. Lower is better:
/// the peak first, then the count.
struct PeakCount {
  int64_t bytes = std::numeric_limits<int64_t>::min();
  int64_t count = 0;

  void merge(int64_t b, int64_t c) {
    if (b > bytes) {
      bytes = b;
      count = c;
    } else if (b == bytes) {
      count += c;
    }
  }
};

/// Maximum with multiplicity over an array; range queries in O(log n).
class MaxCountTree {
public:
  void build(ArrayRef<int64_t> values) {
    size = 1;
    while (size < (int)values.size())
      size *= 2;
    nodes.assign(2 * size, PeakCount());
    for (auto [i, v] : llvm::enumerate(values))
      nodes[size + i] = {v, 1};
    for (int i = size - 1; i > 0; --i) {
      nodes[i] = nodes[2 * i];
      nodes[i].merge(nodes[2 * i + 1].bytes, nodes[2 * i + 1].count);
    }
  }

  /// The maximum over the whole array, with its multiplicity.
  PeakCount getMax() const { return nodes[1]; }

  /// The first index holding the maximum.
  int getFirstMaxIndex() const {
    int i = 1;
    while (i < size)
      i = nodes[2 * i].bytes == nodes[i].bytes ? 2 * i : 2 * i + 1;
    return i - size;
  }

  /// Adds the maximum of [lo, hi] (empty when lo > hi), shifted by
  /// `offset`, with its multiplicity to `into`.
  void query(int lo, int hi, int64_t offset, PeakCount &into) const {
    PeakCount q;
    for (lo += size, hi += size + 1; lo < hi; lo /= 2, hi /= 2) {
      if (lo & 1) {
        q.merge(nodes[lo].bytes, nodes[lo].count);
        ++lo;
      }
      if (hi & 1) {
        --hi;
        q.merge(nodes[hi].bytes, nodes[hi].count);
      }
    }
    if (q.count > 0)
      into.merge(q.bytes + offset, q.count);
  }

private:
  int size = 0;
  SmallVector<PeakCount> nodes;
};

/// The greedy search's view of a plan (graph, order, cost) that it updates
/// in place: every value's live range, the live bytes per step and a
/// range-max tree over them. What one recomputation would make of the
/// profile is computed in O(k log n) for a producer with k inputs, without
/// copying the graph; applying one updates the arrays in O(n + V).
class GreedyPlan {
public:
  GreedyPlan(KernelGraph &graph, SmallVectorImpl<int> &order,
             SmallVectorImpl<double> &cost, const LivenessOptions &options)
      : graph(graph), order(order), cost(cost), options(options) {
    recount();
  }

  /// Recounts the live ranges, the profile and the tree from the plan.
  void recount() {
    stepOf.assign(graph.nodes.size(), -1);
    for (auto [s, node] : llvm::enumerate(order))
      stepOf[node] = s;
    SmallVector<std::pair<int, int>> intervals =
        computeLiveIntervals(graph, order, options);
    first.clear();
    last.clear();
    for (auto [f, l] : intervals) {
      first.push_back(f);
      last.push_back(l);
    }
    live = computeMemoryProfile(graph, intervals, order.size()).liveBytes;
    endBytes.assign(order.size(), 0);
    for (size_t id = 0; id < first.size(); ++id)
      if (first[id] >= 0)
        endBytes[last[id]] += graph.values[id].bytes;
    tree.build(live);
  }

  PeakCount getPeak() const { return tree.getMax(); }
  int getPeakStep() const { return tree.getFirstMaxIndex(); }
  int getNumSteps() const { return live.size(); }

  /// Values live while `step` runs.
  SmallVector<int> getLiveValues(int step) const {
    SmallVector<int> values;
    for (size_t id = 0; id < first.size(); ++id)
      if (first[id] >= 0 && first[id] <= step && step <= last[id])
        values.push_back(id);
    return values;
  }

  /// What recomputing `value` after `step` (planCopies) would make of the
  /// profile, where `step` does not use `value`: the new peak with its
  /// count, and the cost of the copies. Nullopt when no user of `value`
  /// runs after `step`, the chain is too long, (with `chain`) it would
  /// copy the producer alone, as the plain recomputation does, or (with
  /// `early`) the copies would run where they run anyway.
  struct Evaluation {
    PeakCount peak;
    double cost = 0;
  };

  std::optional<Evaluation> evaluate(int value, int step, bool chain,
                                     bool early) const {
    std::optional<CopyPlan> plan = planCopies(
        graph, stepOf, first, last, value, step, chain, early, kMaxChainCopies);
    if (!plan || (chain && plan->nodes.size() == 1) ||
        (early && plan->at == plan->firstLate))
      return std::nullopt;
    int f = plan->at;
    int k = plan->nodes.size();
    Evaluation result;
    // Per copied output: the index of the last copy reading it (-1: none);
    // per input kept live for the copies: the same.
    llvm::DenseMap<int, int> copied, extended;
    for (auto [j, node] : llvm::enumerate(plan->nodes)) {
      result.cost += cost[node];
      for (int input : graph.nodes[node].inputs) {
        auto it = copied.find(input);
        if (it != copied.end())
          it->second = j;
        else if (first[input] >= 0 && last[input] < f)
          extended[input] = j;
      }
      for (int output : graph.nodes[node].outputs)
        copied[output] = -1;
    }
    // Before the copies, `value` dies after its last early use and the
    // extended inputs stay live up to the copies; from the copies on
    // nothing changes (the last copy's output replaces `value`, which was
    // live there).
    SmallVector<RangeAdd, 8> adds = {
        {plan->lastEarly + 1, f - 1, -graph.values[value].bytes}};
    for (auto [input, j] : extended)
      adds.push_back({last[input] + 1, f - 1, graph.values[input].bytes});
    result.peak = getPeakWith(adds);
    // The copies' steps hold what crosses from f - 1 to f (less `value`), the
    // extended inputs up to their last reader, and each copy's outputs from its
    // step to their last reader (`value`'s copy, the last, to the end of the
    // chain).
    SmallVector<int64_t, 16> delta(k + 1, 0);
    auto addLive = [&](int from, int to, int64_t bytes) {
      delta[from] += bytes;
      delta[to + 1] -= bytes;
    };
    for (auto [input, j] : extended)
      addLive(0, j, graph.values[input].bytes);
    for (auto [j, node] : llvm::enumerate(plan->nodes))
      for (int output : graph.nodes[node].outputs) {
        int reader = output == value ? k - 1 : copied.lookup(output);
        addLive(j, std::max<int>(j, reader), graph.values[output].bytes);
      }
    int64_t live =
        this->live[f - 1] - endBytes[f - 1] - graph.values[value].bytes;
    for (int j = 0; j < k; ++j) {
      live += delta[j];
      result.peak.merge(live, 1);
    }
    return result;
  }

  /// The recomputation evaluate() judges, applied to the plan, with the
  /// liveness recounted.
  SmallVector<Recomputation> apply(int value, int step, bool chain,
                                   bool early) {
    std::optional<CopyPlan> plan = planCopies(
        graph, stepOf, first, last, value, step, chain, early, kMaxChainCopies);
    assert(plan && "applying a recomputation that has no late user");
    SmallVector<Recomputation> records =
        applyCopyPlan(graph, order, cost, value, *plan);
    recount();
    return records;
  }

  /// Whether the copy of `record` can be undone onto `into`: the original
  /// (-1), or another copy of it that runs earlier and whose outputs none
  /// of the copy's users read.
  bool canUndoInto(const Recomputation &record, int into) const {
    if (into < 0 || into == record.original)
      return true;
    if (into == record.copy || stepOf[into] < 0 ||
        stepOf[into] >= stepOf[record.copy])
      return false;
    for (int output : graph.nodes[record.copy].outputs)
      for (int user : graph.values[output].users)
        for (int other : graph.nodes[into].outputs)
          if (llvm::is_contained(graph.values[other].users, user))
            return false;
    return true;
  }

  /// The peak after undoing `record`: its copy leaves the order and the
  /// copy's users read the outputs of `into` (the original, or an earlier
  /// copy of it; see canUndoInto) again.
  PeakCount evaluateUndo(const Recomputation &record, int into = -1) const {
    UndoEffect e = getUndoEffect(record, into);
    return getPeakWith(e.adds, e.step);
  }

  /// Undoes `record` in the plan onto `into` (the copy stays in the graph,
  /// with no users and no step, until compactPlan). Records that recompute
  /// the copy's outputs are rewritten to recompute those of `into`.
  void applyUndo(const Recomputation &record,
                 MutableArrayRef<Recomputation> records, int into = -1) {
    if (into < 0)
      into = record.original;
    UndoEffect e = getUndoEffect(record, into);
    int f = e.step;
    for (const RangeAdd &add : e.adds)
      for (int t = add.lo; t <= add.hi; ++t)
        live[t] += add.delta;
    KGNode &copy = graph.nodes[record.copy];
    const KGNode &original = graph.nodes[into];
    for (auto [i, output] : llvm::enumerate(copy.outputs)) {
      int target = original.outputs[i];
      KGValue &from = graph.values[output];
      if (!from.users.empty()) {
        int64_t bytes = from.bytes;
        if (last[output] > last[target]) {
          endBytes[last[target]] -= bytes;
          last[target] = last[output];
        } else {
          endBytes[last[output]] -= bytes;
        }
        KGValue &to = graph.values[target];
        // The copy's users are the late ones of the split, so none of them
        // reads `target` too.
        for (int user : from.users) {
          assert(!llvm::is_contained(to.users, user) &&
                 "a user reads both a value and its recomputation");
          llvm::replace(graph.nodes[user].inputs, output, target);
        }
        SmallVector<int> users(to.users);
        users.append(from.users.begin(), from.users.end());
        llvm::sort(users);
        to.users = std::move(users);
        from.users.clear();
      }
      first[output] = last[output] = -1;
    }
    for (auto [input, newLast] : e.shrunk) {
      endBytes[newLast] += graph.values[input].bytes;
      last[input] = newLast;
    }
    for (int input : copy.inputs)
      llvm::erase(graph.values[input].users, record.copy);
    for (Recomputation &other : records)
      if (other.original == record.copy) {
        other.original = into;
        other.value = original.outputs[llvm::find(copy.outputs, other.value) -
                                       copy.outputs.begin()];
      }

    live.erase(live.begin() + f);
    endBytes.erase(endBytes.begin() + f);
    order.erase(order.begin() + f);
    stepOf[record.copy] = -1;
    for (int t = f, e = order.size(); t < e; ++t)
      stepOf[order[t]] = t;
    for (size_t id = 0; id < first.size(); ++id) {
      if (first[id] > f)
        --first[id];
      if (last[id] > f)
        --last[id];
    }
    tree.build(live);
  }

private:
  /// Adds `delta` to the live bytes of steps [lo, hi] (none when lo > hi).
  struct RangeAdd {
    int lo, hi;
    int64_t delta;
  };

  /// The peak of the profile with `adds` applied and step `removed` (if
  /// not -1) left out, from O(adds) range queries.
  PeakCount getPeakWith(ArrayRef<RangeAdd> adds, int removed = -1) const {
    SmallVector<int, 16> cuts = {0, getNumSteps()};
    for (const RangeAdd &add : adds)
      if (add.lo <= add.hi) {
        cuts.push_back(add.lo);
        cuts.push_back(add.hi + 1);
      }
    if (removed >= 0) {
      cuts.push_back(removed);
      cuts.push_back(removed + 1);
    }
    // A handful of cuts: std::sort (insertion sort here) rather than
    // llvm::sort, which hands arrays of ints to qsort.
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    PeakCount peak;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      int lo = cuts[i], hi = cuts[i + 1] - 1;
      if (lo == removed || lo >= getNumSteps())
        continue;
      int64_t offset = 0;
      for (const RangeAdd &add : adds)
        if (add.lo <= lo && hi <= add.hi)
          offset += add.delta;
      tree.query(lo, hi, offset, peak);
    }
    return peak;
  }

  /// What undoing a recomputation changes: the copy's step goes, the
  /// original's outputs live on to the copy's users, inputs that the copy
  /// kept live die earlier.
  struct UndoEffect {
    int step = 0;
    SmallVector<RangeAdd, 8> adds;
    /// Inputs whose last use was the copy, with their new last step.
    SmallVector<std::pair<int, int>, 4> shrunk;
  };

  UndoEffect getUndoEffect(const Recomputation &record, int into) const {
    UndoEffect e;
    int f = e.step = stepOf[record.copy];
    const KGNode &copy = graph.nodes[record.copy];
    const KGNode &original = graph.nodes[into < 0 ? record.original : into];
    for (auto [i, output] : llvm::enumerate(copy.outputs)) {
      int target = original.outputs[i];
      if (graph.values[output].users.empty() || first[target] < 0)
        continue;
      int64_t bytes = graph.values[output].bytes;
      if (last[target] < f)
        e.adds.push_back({last[target] + 1, f - 1, bytes});
      else
        e.adds.push_back({f + 1, std::min(last[target], last[output]), -bytes});
    }
    for (int input : copy.inputs) {
      if (first[input] < 0 || last[input] != f)
        continue;
      const KGValue &v = graph.values[input];
      int newLast = v.producer >= 0 ? stepOf[v.producer] : 0;
      for (int user : v.users)
        if (user != record.copy)
          newLast = std::max(newLast, stepOf[user]);
      e.adds.push_back({newLast + 1, f - 1, -v.bytes});
      e.shrunk.push_back({input, newLast});
    }
    return e;
  }

  KernelGraph &graph;
  SmallVectorImpl<int> &order;
  SmallVectorImpl<double> &cost;
  LivenessOptions options;
  SmallVector<int> stepOf;
  /// Per value: its live range in steps, or -1 when not counted.
  SmallVector<int> first, last;
  /// Per step: live bytes, and bytes of the values last live there.
  SmallVector<int64_t> live, endBytes;
  MaxCountTree tree;
};

/// Drops the nodes that `result.order` no longer runs (undone copies) and
/// their outputs, renumbering the rest; the original graph's nodes and
/// values keep their ids.
void compactPlan(RematResult &result) {
  KernelGraph &graph = result.graph;
  SmallVector<int> nodeMap(graph.nodes.size(), -1);
  SmallVector<int> valueMap(graph.values.size(), -1);
  for (int node : result.order)
    nodeMap[node] = 0;
  KernelGraph out;
  SmallVector<double> cost;
  for (auto [id, node] : llvm::enumerate(graph.nodes)) {
    if (nodeMap[id] < 0)
      continue;
    nodeMap[id] = out.nodes.size();
    out.nodes.push_back(node);
    cost.push_back(result.cost[id]);
  }
  for (auto [id, value] : llvm::enumerate(graph.values)) {
    if (value.producer >= 0 && nodeMap[value.producer] < 0)
      continue;
    valueMap[id] = out.values.size();
    out.values.push_back(value);
  }
  for (KGNode &node : out.nodes) {
    for (int &v : node.inputs)
      v = valueMap[v];
    for (int &v : node.outputs)
      v = valueMap[v];
  }
  for (KGValue &value : out.values) {
    if (value.producer >= 0)
      value.producer = nodeMap[value.producer];
    for (int &user : value.users)
      user = nodeMap[user];
  }
  for (int &node : result.order)
    node = nodeMap[node];
  for (Recomputation &rec : result.recomputations) {
    rec.original = nodeMap[rec.original];
    rec.copy = nodeMap[rec.copy];
    rec.value = valueMap[rec.value];
  }
  graph = std::move(out);
  result.cost = std::move(cost);
}

void cleanupGreedyPlan(RematResult &result, GreedyPlan &plan, size_t originals,
                       int64_t budgetBytes, const LivenessOptions &options);

/// The greedy path from `plan`'s state until the peak is within
/// `budgetBytes` (or no recomputation helps, or `cap` steps). With
/// `pilot` > 0, each step rolls out the best `pilot` choices (path and
/// cleanup to the end) and takes the one that ends cheapest, while
/// `work` lasts; each step of the path costs the graph's size in it. A
/// rollout (`rollout`) stops when `work` runs out; the pilot then stops
/// too, and the path goes on alone. Values of the original graph whose
/// producer is in `banned` are never chosen (restarts, below); they may
/// still be copied inside another value's chain. With `early`, copies may
/// also run right after the peak instead of right before their first user.
void runGreedyPath(RematResult &result, GreedyPlan &plan, int64_t budgetBytes,
                   size_t cap, int pilot, int64_t &work, bool rollout,
                   bool early, size_t originals, const LivenessOptions &options,
                   const llvm::SmallDenseSet<int, 8> &banned) {
  for (size_t iteration = 0;
       plan.getPeak().bytes > budgetBytes && iteration < cap; ++iteration) {
    work -= result.graph.nodes.size() + result.graph.values.size();
    if (work <= 0) {
      if (rollout)
        return;
      pilot = 0;
    }
    PeakCount old = plan.getPeak();
    int64_t steps = plan.getNumSteps();
    int step = plan.getPeakStep();
    int peakNode = result.order[step];

    // A recomputation of v lowers the peak by at most v's bytes, which
    // bounds its score; candidates are tried by falling bound (a heap
    // yields them without sorting the whole list) and the search stops
    // once no untried one can win. Equal scores go to the lowest value id.
    auto scoreOf = [&](int64_t saved, int64_t fewerSteps, double cost) {
      double gain = double(saved) * (steps + 1) + double(fewerSteps);
      return gain / std::max(cost, 1e-12);
    };
    SmallVector<std::pair<double, int>> candidates;
    for (int value : plan.getLiveValues(step)) {
      const KGValue &v = result.graph.values[value];
      if (v.isOutput || v.producer < 0 || v.kind != ValueKind::Activation ||
          v.producer == peakNode || llvm::is_contained(v.users, peakNode) ||
          ((size_t)v.producer < originals && banned.contains(v.producer)))
        continue;
      // A chain costs at least its last copy, the producer.
      candidates.push_back(
          {scoreOf(v.bytes, old.count, result.cost[v.producer]), value});
    }
    std::make_heap(candidates.begin(), candidates.end());
    double bestScore = 0;
    int best = -1;
    bool bestChain = false, bestEarly = false;
    PeakCount bestAfter;
    // With a pilot: every improving choice, for the rollouts.
    SmallVector<std::tuple<double, int, bool, bool>> choices;
    while (!candidates.empty()) {
      std::pop_heap(candidates.begin(), candidates.end());
      auto [bound, value] = candidates.pop_back_val();
      if (best >= 0 && bound < bestScore &&
          (pilot == 0 || (choices.size() >= (size_t)pilot &&
                          bound < std::get<0>(choices[pilot - 1]))))
        break;
      // The value alone (its inputs kept live until the copy), then as a
      // chain (the inputs that die before the peak recomputed too); each
      // right before its first late user, then right after the peak (where
      // the peak's own operands are still live). A tie keeps the first.
      for (int choice = 0; choice < 4; ++choice) {
        bool chain = choice >= 2, atPeak = choice % 2;
        if (atPeak && !early)
          continue;
        std::optional<GreedyPlan::Evaluation> after =
            plan.evaluate(value, step, chain, atPeak);
        if (!after)
          continue;
        // Peak bytes saved dominate; fewer steps at the peak break ties.
        int64_t saved = old.bytes - after->peak.bytes;
        int64_t fewer = saved == 0 ? old.count - after->peak.count : 0;
        if (saved < 0 || (saved == 0 && fewer <= 0))
          continue;
        double score = scoreOf(saved, fewer, after->cost);
        if (pilot > 0) {
          choices.push_back({score, value, chain, atPeak});
          std::stable_sort(
              choices.begin(), choices.end(),
              [](auto &x, auto &y) { return std::get<0>(x) > std::get<0>(y); });
        }
        if (best < 0 || score > bestScore ||
            (score == bestScore && value < best)) {
          bestScore = score;
          best = value;
          bestChain = chain;
          bestEarly = atPeak;
          bestAfter = after->peak;
        }
      }
    }
    if (best < 0)
      break;
    // Pilot: finish the plan (path and cleanup) after each of the best
    // choices and take the one that ends cheapest; the path's own choice
    // goes first and keeps ties, so the plan never ends costlier than the
    // path alone would.
    if (pilot > 0 && choices.size() > 1) {
      auto own = llvm::find(
          choices, std::make_tuple(bestScore, best, bestChain, bestEarly));
      assert(own != choices.end() && "the path's choice is among the choices");
      std::rotate(choices.begin(), own, own + 1);
      double cheapest = std::numeric_limits<double>::infinity();
      for (size_t c = 0; c < choices.size() && c < (size_t)pilot; ++c) {
        auto [score, value, chain, atPeak] = choices[c];
        RematResult trial = result;
        GreedyPlan trialPlan(trial.graph, trial.order, trial.cost, options);
        for (const Recomputation &record :
             trialPlan.apply(value, step, chain, atPeak)) {
          trial.recomputations.push_back(record);
          trial.addedCost += trial.cost[record.copy];
        }
        runGreedyPath(trial, trialPlan, budgetBytes, cap - iteration, 0, work,
                      /*rollout=*/true, early, originals, options, banned);
        if (work <= 0) {
          // Out of work mid-rollout: no comparison; the path's own choice.
          best = std::get<1>(choices.front());
          bestChain = std::get<2>(choices.front());
          bestEarly = std::get<3>(choices.front());
          pilot = 0;
          break;
        }
        cleanupGreedyPlan(trial, trialPlan, originals, budgetBytes, options);
        double ending = trialPlan.getPeak().bytes <= budgetBytes
                            ? trial.addedCost
                            : std::numeric_limits<double>::infinity();
        if (ending < cheapest * (1 - 1e-9)) {
          cheapest = ending;
          best = value;
          bestChain = chain;
          bestEarly = atPeak;
        }
      }
    }
    for (const Recomputation &record :
         plan.apply(best, step, bestChain, bestEarly)) {
      result.recomputations.push_back(record);
      result.addedCost += result.cost[record.copy];
    }
    assert((pilot > 0 || (plan.getPeak().bytes == bestAfter.bytes &&
                          plan.getPeak().count == bestAfter.count)) &&
           "the evaluation predicts the applied profile");
    assert(
        computeMemoryProfile(result.graph, result.order, options).peakBytes ==
            plan.getPeak().bytes &&
        "the plan's liveness matches a recount");
    (void)bestAfter;
  }
}

void cleanupGreedyPlan(RematResult &result, GreedyPlan &plan, size_t originals,
                       int64_t budgetBytes, const LivenessOptions &options) {
  // The path overshoots: its last recomputation may take the peak well
  // below the budget, and earlier ones may have become redundant (greedy
  // cannot see that one expensive recomputation makes several cheaper ones
  // unnecessary). Undo recomputations while the peak stays within the
  // budget, the most expensive first. Undos that would lower the peak are
  // skipped, so the peak never drops below the path's and only rises along
  // the undo steps. That keeps tighter budgets from ending higher: two
  // budgets that stop at the same path point undo the same recomputations
  // until the looser one picks an undo the tighter one may not take (its
  // peak is above the tighter budget), and stays above from then on; two
  // that stop at different points are separated by the path's peaks.
  if (plan.getPeak().bytes <= budgetBytes && !result.recomputations.empty()) {
    SmallVector<Recomputation> &records = result.recomputations;
    SmallVector<bool> undone(records.size(), false);
    bool changed = false;
    // A chain's copies read each other: undoing a copy whose input comes
    // from a copy that nothing else reads would leave that copy running
    // for nothing, so chains are undone from their first copy on.
    auto wouldOrphan = [&](const Recomputation &record) {
      const KernelGraph &g = result.graph;
      for (int input : g.nodes[record.copy].inputs) {
        int producer = g.values[input].producer;
        if (producer < (int)originals)
          continue;
        bool readElsewhere = false;
        for (int output : g.nodes[producer].outputs)
          for (int user : g.values[output].users)
            readElsewhere |= user != record.copy;
        if (!readElsewhere)
          return true;
      }
      return false;
    };
    // A copy can also be undone onto an earlier copy of the same node,
    // whose output then lives on to the later users: two recomputations of
    // one value, made at two peaks, become one.
    //
    // Each round takes the most expensive undo that keeps the peak within
    // [current peak, budget] (ties: the lower peak, then the first record
    // and the first target). Records are walked by falling cost, so a round
    // evaluates the records above the first valid one and those as
    // expensive as it, not all of them (10,000 training nodes at 20%: 30M
    // evaluations before).
    SmallVector<int> byCost(records.size());
    std::iota(byCost.begin(), byCost.end(), 0);
    llvm::stable_sort(byCost, [&](int a, int b) {
      return result.cost[records[a].copy] > result.cost[records[b].copy];
    });
    // The records still undoable, by the node they recompute, in record
    // order (the order in which targets are tried).
    llvm::DenseMap<int, SmallVector<int, 2>> recordsOf;
    for (auto [j, record] : llvm::enumerate(records))
      recordsOf[record.original].push_back(j);
    size_t top = 0;
    while (true) {
      int64_t current = plan.getPeak().bytes;
      int best = -1, bestInto = -1;
      int64_t bestPeak = 0;
      double bestSaved = 0;
      while (top < byCost.size() && undone[byCost[top]])
        ++top;
      for (size_t k = top; k < byCost.size(); ++k) {
        int i = byCost[k];
        const Recomputation &record = records[i];
        double saved = result.cost[record.copy];
        if (best >= 0 && saved < bestSaved)
          break;
        if (undone[i] || wouldOrphan(record))
          continue;
        SmallVector<int, 4> intos = {-1};
        for (int j : recordsOf.lookup(record.original)) {
          int other = records[j].copy;
          if (other != record.copy && plan.canUndoInto(record, other))
            intos.push_back(other);
        }
        for (int into : intos) {
          int64_t peak = plan.evaluateUndo(record, into).bytes;
          if (peak < current || peak > budgetBytes)
            continue;
          if (best < 0 || peak < bestPeak || (peak == bestPeak && i < best)) {
            best = i;
            bestInto = into;
            bestPeak = peak;
            bestSaved = saved;
          }
        }
      }
      if (best < 0)
        break;
      const Recomputation undoneRecord = records[best];
      plan.applyUndo(records[best], records, bestInto);
      undone[best] = true;
      changed = true;
      // The copy no longer runs; records that recomputed its outputs now
      // recompute those of the node it was undone onto (applyUndo).
      llvm::erase(recordsOf[undoneRecord.original], best);
      int into = bestInto < 0 ? undoneRecord.original : bestInto;
      auto moved = recordsOf.find(undoneRecord.copy);
      if (moved != recordsOf.end()) {
        // Taken out before recordsOf[into], which may grow the map.
        SmallVector<int, 2> movedRecords = std::move(moved->second);
        recordsOf.erase(moved);
        SmallVector<int, 2> &target = recordsOf[into];
        SmallVector<int, 2> merged;
        std::merge(target.begin(), target.end(), movedRecords.begin(),
                   movedRecords.end(), std::back_inserter(merged));
        target = std::move(merged);
      }
      assert(plan.getPeak().bytes == bestPeak &&
             "the evaluation predicts the undone profile");
      assert(
          computeMemoryProfile(result.graph, result.order, options).peakBytes ==
              plan.getPeak().bytes &&
          "the plan's liveness matches a recount after an undo");
    }
    if (changed) {
      SmallVector<Recomputation> kept;
      for (auto [i, record] : llvm::enumerate(records))
        if (!undone[i])
          kept.push_back(record);
      records = std::move(kept);
      compactPlan(result);
      result.addedCost = 0;
      for (const Recomputation &record : records)
        result.addedCost += result.cost[record.copy];
    }
  }
}

} // namespace

namespace {

/// One greedy plan (path, rollouts, cleanup) with `banned` producers never
/// chosen; the rollouts take at most `work`, which is charged what they
/// and the path use. `early`: copies may run right after the peak.
RematResult greedyOnce(const KernelGraph &graph, ArrayRef<int> order,
                       ArrayRef<double> cost, int64_t budgetBytes,
                       const LivenessOptions &options, int pilotWidth,
                       int64_t &work, bool early,
                       const llvm::SmallDenseSet<int, 8> &banned) {
  RematResult result;
  result.graph = graph;
  result.order.assign(order.begin(), order.end());
  result.cost.assign(cost.begin(), cost.end());
  result.budgetBytes = budgetBytes;
  GreedyPlan plan(result.graph, result.order, result.cost, options);
  result.initialPeakBytes = plan.getPeak().bytes;
  // Without rollouts the search follows one path that does not depend on
  // the budget: each step attacks the current peak and makes the profile
  // strictly better (lower peak, or as high but at fewer steps); the budget
  // only decides where to stop. So a tighter budget stops later on the
  // same path and never ends at a higher peak. Rollouts judge choices by
  // their cost at the budget, which trades that property for cheaper
  // plans. The cap guards against pathological graphs.
  size_t originals = graph.nodes.size();
  runGreedyPath(result, plan, budgetBytes, 4 * graph.nodes.size() + 16,
                pilotWidth, work, /*rollout=*/false, early, originals, options,
                banned);
  cleanupGreedyPlan(result, plan, originals, budgetBytes, options);
  result.peakBytes = plan.getPeak().bytes;
  result.status = result.peakBytes <= budgetBytes ? RematStatus::Feasible
                                                  : RematStatus::Infeasible;
  return result;
}

/// One greedy plan and its restarts: copies before their first late user
/// only, or (`early`) also right after the peak; `pilotWidth` rollouts;
/// `share`: the plan gets 1/share of the rollout and restart allowances.
RematResult greedyWithRestarts(const KernelGraph &graph, ArrayRef<int> order,
                               ArrayRef<double> cost, int64_t budgetBytes,
                               const LivenessOptions &options,
                               const GreedyRematOptions &greedy, bool early,
                               int pilotWidth, int64_t share) {
  int64_t work = greedy.pilotWork / share;
  RematResult best = greedyOnce(graph, order, cost, budgetBytes, options,
                                pilotWidth, work, early, {});
  // Restarts (ruin and recreate): a greedy choice made early can commit the
  // plan to recomputations that a different first choice avoids. Ban one
  // producer the best plan recomputes (the most expensive first) and plan
  // again on the plain path; a cheaper plan within the budget becomes the
  // best, keeps its bans, and the round starts over from its
  // recomputations. Stops when a round finds nothing cheaper, or the
  // restarts' work (path steps times graph size, at least 16 per restart)
  // runs out.
  int64_t restartWork = greedy.restartWork / share;
  llvm::SmallDenseSet<int, 8> bestBans;
  std::set<SmallVector<int>> tried;
  while (best.hasSolution() && restartWork > 0) {
    SmallVector<int> producers;
    for (const Recomputation &record : best.recomputations)
      if ((size_t)record.original < graph.nodes.size() &&
          !bestBans.contains(record.original))
        producers.push_back(record.original);
    llvm::sort(producers, [&](int a, int b) {
      return cost[a] != cost[b] ? cost[a] > cost[b] : a < b;
    });
    producers.erase(std::unique(producers.begin(), producers.end()),
                    producers.end());
    bool improved = false;
    for (int producer : producers) {
      llvm::SmallDenseSet<int, 8> bans = bestBans;
      bans.insert(producer);
      SmallVector<int> key(bans.begin(), bans.end());
      llvm::sort(key);
      if (!tried.insert(key).second)
        continue;
      // The plain path: rollouts would spend the work on few restarts.
      int64_t before = restartWork;
      RematResult trial =
          greedyOnce(graph, order, cost, budgetBytes, options,
                     /*pilotWidth=*/0, restartWork, early, bans);
      restartWork = std::min(
          restartWork,
          before - int64_t(graph.nodes.size() + graph.values.size()) * 16);
      if (trial.hasSolution() &&
          trial.addedCost < best.addedCost * (1 - 1e-9)) {
        best = std::move(trial);
        bestBans = std::move(bans);
        improved = true;
        break;
      }
      if (restartWork <= 0)
        break;
    }
    if (!improved)
      break;
  }
  return best;
}

} // namespace

RematResult
mlir::strata::rematerializeGreedy(const KernelGraph &graph, ArrayRef<int> order,
                                  ArrayRef<double> cost, int64_t budgetBytes,
                                  const LivenessOptions &options,
                                  const GreedyRematOptions &greedy) {
  auto start = std::chrono::steady_clock::now();
  if (order.empty()) {
    RematResult result;
    result.graph = graph;
    result.cost.assign(cost.begin(), cost.end());
    result.budgetBytes = budgetBytes;
    result.status =
        budgetBytes >= 0 ? RematStatus::Feasible : RematStatus::Infeasible;
    return result;
  }
  // A portfolio of paths, each with its restarts: with and without
  // rollouts, with and without early copies (copies right after the peak,
  // where the peak's operands are still live: on graphs whose values die
  // soon after their producers, each copy before its late user needs a
  // long chain, and only early copies lower the peak). A wider choice per
  // step and rollouts judged at the budget both make better plans on most
  // graphs and worse ones on some (the greedy is myopic either way, and
  // restarts from a different first plan end elsewhere), so the best plan
  // is kept: within the budget and cheaper, else a lower peak; ties keep
  // the earlier path. Every path is deterministic, so the choice is too.
  SmallVector<std::pair<bool, int>, 4> paths = {{false, greedy.pilotWidth}};
  if (greedy.earlyCopies)
    paths.push_back({true, greedy.pilotWidth});
  if (greedy.pilotWidth > 0 && greedy.plainPathToo) {
    paths.push_back({false, 0});
    if (greedy.earlyCopies)
      paths.push_back({true, 0});
  }
  // Where the work allowances bind (large graphs, tight budgets), four
  // paths with a whole allowance each took 3-4x one path's time (400
  // training nodes at 30%: 18 s). The first path (rollouts, no early
  // copies) gets the whole allowances, so the portfolio never ends costlier
  // than it; the others get half each (with a quarter, 1000 nodes at 80%
  // ended at 9.24 instead of 9.12).
  RematResult best =
      greedyWithRestarts(graph, order, cost, budgetBytes, options, greedy,
                         paths[0].first, paths[0].second, /*share=*/1);
  // Each path's own steps are not bounded by the allowances: on the
  // largest graphs (10,000 training nodes at 20%: about 3000 steps over
  // 30,000 nodes and values) four paths took 196 s against 55 s for the first
  // alone. The other paths run only where the first one's steps (its
  // recomputations times the graph's size, a count) fit the portfolio's
  // allowance.
  int64_t firstSteps = int64_t(best.recomputations.size()) *
                       int64_t(graph.nodes.size() + graph.values.size());
  if (firstSteps > greedy.portfolioWork)
    paths.resize(1);
  for (auto [early, pilotWidth] : ArrayRef(paths).drop_front()) {
    RematResult other =
        greedyWithRestarts(graph, order, cost, budgetBytes, options, greedy,
                           early, pilotWidth, /*share=*/2);
    bool better = other.hasSolution()
                      ? !best.hasSolution() ||
                            other.addedCost < best.addedCost * (1 - 1e-9)
                      : !best.hasSolution() && other.peakBytes < best.peakBytes;
    if (better)
      best = std::move(other);
  }
  best.lowerBound = rematPeakLowerBound(graph, order, options);
  best.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return best;
}

RematResult
mlir::strata::rematerialize(RematSolver solver, const KernelGraph &graph,
                            ArrayRef<int> order, ArrayRef<double> cost,
                            int64_t budgetBytes, const LivenessOptions &options,
                            const ExactRematOptions &exact) {
  if (solver == RematSolver::Greedy)
    return rematerializeGreedy(graph, order, cost, budgetBytes, options,
                               exact.greedy);
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };

  // The freeing cover's bound first (a quarter of the time at most): it
  // proves what the solvers' relaxations do not, and when the greedy plan
  // already costs no more, that plan is optimal and no search runs.
  SolverReport cover;
  std::optional<RematResult> greedy;
  if (exact.costBound) {
    RematBoundOptions boundOptions;
    // cpsat's limit is in CP-SAT's deterministic units, not seconds; its
    // wall time is capped at 4x the limit + 10 s, which stands in here.
    double wall = solver == RematSolver::CPSAT ? 4 * exact.timeLimitSeconds + 10
                                               : exact.timeLimitSeconds;
    boundOptions.timeLimitSeconds = std::min(10.0, wall / 4);
    boundOptions.seed = exact.seed;
    boundOptions.chainDepth = exact.costBoundDepth;
    cover = rematCostLowerBound(graph, order, cost, budgetBytes, options,
                                boundOptions);
    if (cover.status == SolverStatus::Infeasible) {
      RematResult none =
          detail::unchangedResult(graph, order, cost, budgetBytes, options,
                                  stringifyRematSolver(solver).str());
      none.status = RematStatus::Infeasible;
      none.note = "no plan exists: " + cover.note;
      none.costBoundSeconds = cover.seconds;
      none.seconds = elapsed();
      return none;
    }
    if (cover.bound > 0) {
      // The solvers' warm start plans with the default greedy options.
      greedy = rematerializeGreedy(graph, order, cost, budgetBytes, options);
      if (greedy->hasSolution() &&
          greedy->addedCost <= cover.bound * (1 + kProvenGap)) {
        RematResult &plan = *greedy;
        plan.status = RematStatus::Optimal;
        plan.objective = plan.bound = plan.addedCost;
        plan.gap = 0;
        plan.solver = (Twine(stringifyRematSolver(solver)) +
                       ": the greedy plan, proven optimal by the cost bound")
                          .str();
        plan.note = "the greedy plan meets the cost lower bound; no search";
        plan.seconds = elapsed();
        plan.costBound = cover.bound;
        plan.costBoundSeconds = cover.seconds;
        return plan;
      }
    }
  }

  ExactRematOptions rest = exact;
  if (greedy && !rest.warmStartPlan)
    rest.warmStartPlan = &*greedy;
  // cpsat's deterministic units are not seconds: the cover's time comes on
  // top of them.
  if (solver != RematSolver::CPSAT)
    rest.timeLimitSeconds = std::max(0.1, exact.timeLimitSeconds - elapsed());
  double before = elapsed();
  RematResult result;
  switch (solver) {
  case RematSolver::CP:
    result = rematerializeCP(graph, order, cost, budgetBytes, options, rest);
    break;
  case RematSolver::MILP:
    result = rematerializeMILP(graph, order, cost, budgetBytes, options, rest);
    break;
  case RematSolver::HiGHS:
    result = rematerializeMILP(graph, order, cost, budgetBytes, options, rest,
                               MILPSolver::HiGHS);
    break;
  case RematSolver::CPSAT:
    result = rematerializeCPSAT(graph, order, cost, budgetBytes, options, rest);
    break;
  case RematSolver::Greedy:
    llvm_unreachable("handled above");
  }
  result.seconds += before;
  result.costBound = cover.bound;
  result.costBoundSeconds = cover.seconds;
  // The better of the two bounds; a plan that meets the cover's is optimal.
  if (cover.bound > result.bound && result.status != RematStatus::Optimal &&
      result.status != RematStatus::Error) {
    result.bound = result.hasSolution()
                       ? std::min(cover.bound, result.objective)
                       : cover.bound;
    if (result.hasSolution()) {
      result.gap = result.objective > 0
                       ? (result.objective - result.bound) / result.objective
                       : 0.0;
      if (result.gap <= kProvenGap) {
        result.status = RematStatus::Optimal;
        result.bound = result.objective;
        result.gap = 0;
      }
    }
    if (!result.note.empty())
      result.note += "; ";
    result.note += "bound from the cost bound (freeing cover)";
  }
  return result;
}

int64_t mlir::strata::rematPeakLowerBound(const KernelGraph &graph,
                                          ArrayRef<int> order,
                                          const LivenessOptions &options) {
  int steps = order.size();
  SmallVector<std::pair<int, int>> intervals =
      computeLiveIntervals(graph, order, options);
  // Per step: bytes of the values no plan frees there (results from their
  // producer on, arguments and constants up to their last use), as a
  // difference array.
  SmallVector<int64_t> fixed(steps + 1, 0);
  for (auto [id, value] : llvm::enumerate(graph.values)) {
    auto [first, last] = intervals[id];
    if (first < 0 || (!value.isOutput && value.producer >= 0 &&
                      value.kind == ValueKind::Activation))
      continue;
    fixed[first] += value.bytes;
    fixed[last + 1] -= value.bytes;
  }
  int64_t bound = 0, fixedLive = 0;
  for (int step = 0; step < steps; ++step) {
    fixedLive += fixed[step];
    const KGNode &node = graph.nodes[order[step]];
    int64_t bytes = fixedLive;
    // The node's own fixed operands are counted already.
    auto addUnlessFixed = [&](int id) {
      const KGValue &v = graph.values[id];
      if (intervals[id].first >= 0 && !v.isOutput && v.producer >= 0 &&
          v.kind == ValueKind::Activation)
        bytes += v.bytes;
    };
    for (int input : node.inputs)
      addUnlessFixed(input);
    for (int output : node.outputs)
      addUnlessFixed(output);
    bound = std::max(bound, bytes);
  }
  return bound;
}

std::optional<int64_t> mlir::strata::parseRematBudget(StringRef spec,
                                                      int64_t peakBytes) {
  double percent;
  if (spec.consume_back("%")) {
    if (spec.getAsDouble(percent) || percent < 0)
      return std::nullopt;
    return (int64_t)(peakBytes * percent / 100.0);
  }
  int64_t bytes;
  if (spec.getAsInteger(10, bytes) || bytes < 0)
    return std::nullopt;
  return bytes;
}

std::string
mlir::strata::explainRematFailure(const RematResult &result, RematSolver solver,
                                  StringRef where, const KernelGraph &graph,
                                  ArrayRef<int> order, ArrayRef<double> cost,
                                  const LivenessOptions &options) {
  RematResult lowest =
      solver == RematSolver::Greedy
          ? result
          : rematerializeGreedy(graph, order, cost, /*budgetBytes=*/0, options,
                                GreedyRematOptions{/*pilotWidth=*/0});
  std::string text;
  llvm::raw_string_ostream os(text);
  if (result.status == RematStatus::Error)
    os << stringifyRematSolver(solver) << " could not run for budget "
       << result.budgetBytes << " B" << where;
  else if (result.status == RematStatus::Timeout)
    os << stringifyRematSolver(solver) << " found no plan within budget "
       << result.budgetBytes << " B" << where;
  else
    os << "budget " << result.budgetBytes << " B is infeasible" << where;
  if (!result.note.empty())
    os << " (" << result.note << ")";
  os << ": the lowest peak reached is " << lowest.peakBytes
     << " B (lower bound " << lowest.lowerBound << " B)";
  return text;
}

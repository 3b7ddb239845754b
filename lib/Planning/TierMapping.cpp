//===- TierMapping.cpp - The greedy tier mapper ---------------------------===//
//
// Places kernel-graph values in the fast tier or the backing tier for a
// fixed kernel order, with prefetch and evict copies; see TierMapping.h.
//
//===----------------------------------------------------------------------===//

#include "strata/Planning/TierMapping.h"
#include "TierMappingImpl.h"
#include "strata/Planning/Arena.h"
#include "strata/Planning/Offsets.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <optional>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::detail;

namespace {

class GreedyMapper {
public:
  GreedyMapper(const KernelGraph &graph, ArrayRef<int> order,
               ArrayRef<double> computeSeconds, ArrayRef<MappingTier> tiers,
               const TierMappingOptions &options)
      : graph(graph), order(order), tiers(tiers), options(options),
        arena(tiers.front().capacity, options.alignment) {
    stepOf.assign(graph.nodes.size(), -1);
    for (auto [s, node] : llvm::enumerate(order))
      stepOf[node] = s;
    prefix = getComputePrefix(order, computeSeconds);
    plans = initTierPlans(graph, order);
  }

  void run(TierMappingStats *stats) {
    // Activations first: keeping one in the fast tier saves its write and
    // reads off chip, while a weight is read off chip once either way.
    SmallVector<int> activations, inputs;
    for (auto [id, p] : llvm::enumerate(plans)) {
      if (p.accesses.empty())
        continue;
      (p.hasDef ? activations : inputs).push_back(id);
    }
    auto byPriority = [&](SmallVectorImpl<int> &ids) {
      SmallVector<double> priority(plans.size(), 0);
      for (int id : ids) {
        const TierValuePlan &p = plans[id];
        int span = kernelPosition(p.accesses.back()) -
                   kernelPosition(p.accesses.front()) + 2;
        priority[id] = double(p.accesses.size()) / span;
      }
      llvm::stable_sort(ids, [&](int a, int b) {
        if (priority[a] != priority[b])
          return priority[a] > priority[b];
        if (plans[a].bytes != plans[b].bytes)
          return plans[a].bytes > plans[b].bytes;
        return a < b;
      });
    };
    byPriority(activations);
    byPriority(inputs);
    for (int id : options.pinned) {
      [[maybe_unused]] bool placed = tryRun(plans[id], 0, 0, Goal::Traffic);
      assert(placed && "a pinned value fits the fast tier");
      llvm::erase(activations, id);
    }
    // First the runs that save off-chip traffic, then (with copies)
    // prefetches of single reads still served by the backing tier, where
    // the transfer hides behind compute: same traffic, less time.
    for (int id : activations)
      place(plans[id], 0, plans[id].accesses.size() - 1);
    if (options.copies) {
      for (int id : inputs)
        place(plans[id], 0, plans[id].accesses.size() - 1);
      SmallVector<int> all(activations);
      all.append(inputs.begin(), inputs.end());
      for (int id : all) {
        TierValuePlan &p = plans[id];
        if (p.hasDef && !p.defFast)
          tryRun(p, 0, 0, Goal::Time);
        for (int a = p.hasDef ? 1 : 0, n = p.accesses.size(); a < n; ++a)
          if (!p.isServed(a))
            tryRun(p, a, a, Goal::Time);
      }
    }
    if (stats) {
      for (int id : activations) {
        const TierValuePlan &p = plans[id];
        if (!p.defFast && p.runs.empty()) {
          ++stats->valuesInBacking;
          if (p.bytes > (int64_t)tiers.front().capacity)
            stats->tooLarge.push_back(id);
        }
        stats->evictions += p.evicted;
      }
      for (const TierValuePlan &p : plans)
        for (const TierRun &r : p.runs)
          stats->prefetches += r.prefetched;
    }
  }

  MappedProgram build(ArrayRef<double> computeSeconds) const {
    return buildMappedProgram(graph, order, computeSeconds, tiers,
                              options.alignment, plans);
  }
  ArrayRef<TierValuePlan> getPlans() const { return plans; }

private:
  /// Serves accesses [i, j] of `p` from the fast tier if they fit as one
  /// run, else splits at the longest gap between accesses.
  /// What a run is for: saving off-chip traffic, or only time.
  enum class Goal { Traffic, Time };

  void place(TierValuePlan &p, int i, int j) {
    if (tryRun(p, i, j, Goal::Traffic) || i == j || !options.copies)
      return;
    int split = i;
    for (int k = i; k < j; ++k)
      if (p.accesses[k + 1] - p.accesses[k] >
          p.accesses[split + 1] - p.accesses[split])
        split = k;
    place(p, i, split);
    place(p, split + 1, j);
  }

  /// Tries to serve accesses [i, j] of `p` from one fast-tier run. For
  /// Goal::Traffic only runs that save off-chip bytes qualify (against the
  /// value living in the backing tier: a run written by the defining
  /// kernel saves the reads it serves, and the write if nothing is evicted;
  /// a prefetched run saves its reads less the one prefetch); for
  /// Goal::Time only a prefetch whose transfer hides behind compute.
  bool tryRun(TierValuePlan &p, int i, int j, Goal goal) {
    int last = kernelPosition(p.accesses[j]);
    int n = p.accesses.size();
    if (p.hasDef && i == 0) {
      // The defining kernel writes the fast tier; if later accesses are
      // not in this run, or the value is a result, an evict right after
      // the run copies it to the backing tier.
      bool evict = j < n - 1 || p.output;
      // Written and evicted at once: no bytes saved, but the kernel writes
      // the fast tier and the copy overlaps what follows.
      if (evict && j == 0 && goal == Goal::Traffic)
        return false;
      if (evict && !options.copies)
        return false;
      int start = kernelPosition(p.accesses[0]);
      int end = evict ? last + 1 : last;
      // An evict reads its source while the kernels after it run. A run
      // that is only there for time keeps the space until they have
      // computed long enough to cover the transfer, so that no kernel waits
      // to overwrite it; a run that saves traffic takes the risk.
      int reserved = evict && goal == Goal::Time
                         ? getCopyDrainPosition(p.accesses[j] + 1, p.bytes)
                         : end;
      std::optional<int64_t> offset =
          arena.find(start, reserved, p.bytes, ArenaFit::Best);
      if (!offset)
        return false;
      arena.place({start, reserved, *offset, p.bytes});
      p.defFast = true;
      p.evicted = evict;
      p.evictPosition = evict ? end : -1;
      p.addRun({i, j, start, end, *offset, false});
      return true;
    }
    if (!options.copies || (goal == Goal::Traffic && i == j))
      return false;
    // A prefetch from the backing copy: available after the evict, after
    // the defining kernel if that wrote the backing tier, or from the start
    // for weights and arguments; never before this value's previous run.
    int lowest = 0;
    if (p.hasDef)
      lowest = p.defFast ? p.evictPosition : kernelPosition(p.accesses[0]) + 1;
    for (const TierRun &r : p.runs)
      if (r.last < i)
        lowest = std::max(lowest, r.end + 1);
    int first = p.accesses[i];
    int lowestStep = (lowest + 1) / 2;
    if (lowestStep > first)
      return false;
    // Start as late as hides the transfer behind the kernels before the
    // first use, but no earlier than allowed; later if space forces it.
    std::optional<int> hiding = getHidingStart(
        prefix, lowestStep, first, getTransferSeconds(tiers, p.bytes));
    int want = hiding.value_or(lowestStep);
    if (goal == Goal::Time) {
      std::optional<int64_t> offset;
      if (hiding)
        offset = arena.find(2 * want, last, p.bytes, ArenaFit::Best);
      if (!offset)
        return false;
      arena.place({2 * want, last, *offset, p.bytes});
      p.addRun({i, j, 2 * want, last, *offset, true});
      return true;
    }
    // Fitting is monotone in the start: a later start occupies less.
    int lo = want, hi = first;
    if (!arena.find(2 * hi, last, p.bytes, ArenaFit::Best))
      return false;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (arena.find(2 * mid, last, p.bytes, ArenaFit::Best))
        hi = mid;
      else
        lo = mid + 1;
    }
    int start = 2 * lo;
    int64_t offset = *arena.find(start, last, p.bytes, ArenaFit::Best);
    arena.place({start, last, offset, p.bytes});
    p.addRun({i, j, start, last, offset, true});
    return true;
  }

  /// The position by which a copy of `bytes` issued before kernel `step`
  /// has finished, if the link is free, judged by the kernels' compute:
  /// the slot before the first kernel that starts after it.
  int getCopyDrainPosition(int step, int64_t bytes) const {
    double transfer = getTransferSeconds(tiers, bytes);
    int numSteps = order.size();
    auto it = std::lower_bound(prefix.begin() + step, prefix.end(),
                               prefix[std::min(step, numSteps)] + transfer);
    int t = it - prefix.begin();
    return t > numSteps ? 2 * numSteps + 1 : std::max(2 * t, 2 * step);
  }

  const KernelGraph &graph;
  ArrayRef<int> order;
  ArrayRef<MappingTier> tiers;
  TierMappingOptions options;
  /// Tensors placed in the fast tier so far.
  TimeAddressArena arena;
  SmallVector<int> stepOf;
  /// prefix[s]: compute seconds of steps [0, s).
  SmallVector<double> prefix;
  SmallVector<TierValuePlan> plans;
};

} // namespace

SmallVector<double>
mlir::strata::detail::getComputePrefix(ArrayRef<int> order,
                                       ArrayRef<double> computeSeconds) {
  SmallVector<double> prefix(order.size() + 1, 0);
  for (auto [s, node] : llvm::enumerate(order))
    prefix[s + 1] = prefix[s] + computeSeconds[node];
  return prefix;
}

double mlir::strata::detail::getTransferSeconds(ArrayRef<MappingTier> tiers,
                                                int64_t bytes) {
  const MappingTier &slow = tiers.back();
  return slow.latency + double(bytes) / slow.bandwidth;
}

std::optional<int> mlir::strata::detail::getHidingStart(ArrayRef<double> prefix,
                                                        int lowest, int first,
                                                        double transfer) {
  if (lowest > first || prefix[first] - prefix[lowest] < transfer)
    return std::nullopt;
  // The compute before `first` shrinks as the start moves later.
  int lo = lowest, hi = first;
  while (lo < hi) {
    int mid = (lo + hi + 1) / 2;
    if (prefix[first] - prefix[mid] >= transfer)
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}

SmallVector<TierValuePlan>
mlir::strata::detail::initTierPlans(const KernelGraph &graph,
                                    ArrayRef<int> order) {
  SmallVector<int> stepOf(graph.nodes.size(), -1);
  for (auto [s, node] : llvm::enumerate(order))
    stepOf[node] = s;
  SmallVector<TierValuePlan> plans(graph.values.size());
  for (auto [id, v] : llvm::enumerate(graph.values)) {
    TierValuePlan &p = plans[id];
    p.bytes = v.bytes;
    p.output = v.isOutput;
    p.hasDef = v.producer >= 0;
    if (p.hasDef)
      p.accesses.push_back(stepOf[v.producer]);
    for (int user : v.users)
      p.accesses.push_back(stepOf[user]);
    llvm::sort(p.accesses);
  }
  return plans;
}

MappedProgram mlir::strata::detail::buildMappedProgram(
    const KernelGraph &graph, ArrayRef<int> order,
    ArrayRef<double> computeSeconds, ArrayRef<MappingTier> tiers,
    int64_t alignment, ArrayRef<TierValuePlan> plans) {
  MappedProgram program;
  program.tiers.assign(tiers.begin(), tiers.end());
  program.numKernels = order.size();
  int backing = program.getBackingTier();
  int64_t align = alignment;
  auto addTensor = [&](int value, int tier, int64_t offset) {
    MappedTensor t;
    t.bytes = graph.values[value].bytes;
    t.tier = tier;
    t.offset = offset;
    t.alignment = offset < 0 ? 1 : align;
    t.value = value;
    program.tensors.push_back(t);
    return (int)program.tensors.size() - 1;
  };

  // Per value: the tensor the defining kernel writes (or the home tensor),
  // the backing-tier copy, and one tensor per fast run.
  int numValues = graph.values.size();
  SmallVector<int> written(numValues, -1), backingCopy(numValues, -1);
  SmallVector<SmallVector<int>> runTensors(numValues);
  struct Copy {
    int position, kind, value, from, to;
  };
  SmallVector<Copy> copies;
  for (int id = 0; id < numValues; ++id) {
    const TierValuePlan &p = plans[id];
    if (!p.hasDef) {
      written[id] = backingCopy[id] = addTensor(id, backing, -1);
    } else if (p.defFast) {
      written[id] = addTensor(id, 0, p.runs.front().offset);
      if (p.evicted) {
        backingCopy[id] = addTensor(id, backing, 0);
        copies.push_back(
            {p.evictPosition, 0, id, written[id], backingCopy[id]});
      }
    } else {
      written[id] = backingCopy[id] = addTensor(id, backing, 0);
    }
    for (const TierRun &r : p.runs) {
      if (!r.prefetched) {
        runTensors[id].push_back(written[id]);
        continue;
      }
      int t = addTensor(id, 0, r.offset);
      runTensors[id].push_back(t);
      copies.push_back({r.start, 1, id, backingCopy[id], t});
    }
  }
  // Evicts before prefetches at one position, then by value.
  llvm::sort(copies, [](const Copy &a, const Copy &b) {
    return std::tie(a.position, a.kind, a.value) <
           std::tie(b.position, b.kind, b.value);
  });

  // The tensor that serves value `id` at kernel step `s`.
  auto servedBy = [&](int id, int s) {
    const TierValuePlan &p = plans[id];
    for (auto [r, run] : llvm::enumerate(p.runs))
      if (p.accesses[run.first] <= s && s <= p.accesses[run.last])
        return runTensors[id][r];
    return backingCopy[id];
  };

  size_t next = 0;
  auto flushCopies = [&](int upTo) {
    for (; next < copies.size() && copies[next].position <= upTo; ++next) {
      MappedOp op;
      op.kind =
          copies[next].kind == 0 ? MappedOpKind::Evict : MappedOpKind::Prefetch;
      op.position = copies[next].position;
      op.reads = {copies[next].from};
      op.writes = {copies[next].to};
      program.ops.push_back(op);
    }
  };
  for (auto [s, node] : llvm::enumerate(order)) {
    flushCopies(2 * s);
    MappedOp op;
    op.kind = MappedOpKind::Kernel;
    op.position = kernelPosition(s);
    op.node = node;
    op.computeSeconds = computeSeconds[node];
    for (int input : graph.nodes[node].inputs)
      op.reads.push_back(servedBy(input, s));
    for (int output : graph.nodes[node].outputs)
      op.writes.push_back(written[output]);
    program.ops.push_back(op);
  }
  flushCopies(program.getEndPosition());
  for (int id = 0; id < numValues; ++id)
    if (graph.values[id].isOutput)
      program.results.push_back(backingCopy[id]);

  // Offsets in the backing tier's arena, for the tensors it holds there.
  computeMappedLiveRanges(program);
  SmallVector<int> inArena;
  SmallVector<ArenaBlock> buffers;
  for (auto [i, t] : llvm::enumerate(program.tensors))
    if (t.tier == backing && t.offset >= 0) {
      inArena.push_back(i);
      buffers.push_back({t.start, t.end, 0, t.bytes});
    }
  ArenaPlan arenaPlan = planArenaOffsets(buffers, align);
  for (auto [k, i] : llvm::enumerate(inArena))
    program.tensors[i].offset = arenaPlan.offsets[k];
  computeArenaBytes(program);
  return program;
}

MappedProgram mlir::strata::mapTiersGreedy(const KernelGraph &graph,
                                           ArrayRef<int> order,
                                           ArrayRef<double> computeSeconds,
                                           ArrayRef<MappingTier> tiers,
                                           const TierMappingOptions &options,
                                           TierMappingStats *stats) {
  assert(!tiers.empty() && llvm::isPowerOf2_64(options.alignment) &&
         "tiers and a power-of-two alignment");
  if (tiers.size() == 1)
    return mapTiersToBacking(graph, order, computeSeconds, tiers,
                             options.alignment);
  GreedyMapper mapper(graph, order, computeSeconds, tiers, options);
  mapper.run(stats);
  return mapper.build(computeSeconds);
}

SmallVector<TierValuePlan> mlir::strata::detail::planTiersGreedy(
    const KernelGraph &graph, ArrayRef<int> order,
    ArrayRef<double> computeSeconds, ArrayRef<MappingTier> tiers,
    const TierMappingOptions &options) {
  GreedyMapper mapper(graph, order, computeSeconds, tiers, options);
  mapper.run(nullptr);
  return SmallVector<TierValuePlan>(mapper.getPlans());
}

MappedProgram mlir::strata::mapTiersToBacking(const KernelGraph &graph,
                                              ArrayRef<int> order,
                                              ArrayRef<double> computeSeconds,
                                              ArrayRef<MappingTier> tiers,
                                              int64_t alignment) {
  // The greedy mapper with a fast tier that holds nothing.
  SmallVector<MappingTier> noFast(tiers.begin(), tiers.end());
  if (noFast.size() == 1)
    noFast.insert(noFast.begin(), MappingTier{"none", 0, 1.0, 0.0});
  else
    noFast.front().capacity = 0;
  TierMappingOptions options;
  options.copies = false;
  options.alignment = alignment;
  GreedyMapper mapper(graph, order, computeSeconds, noFast, options);
  mapper.run(nullptr);
  MappedProgram program = mapper.build(computeSeconds);
  if (tiers.size() == 1) {
    // Drop the empty fast tier added above: every tensor is in the only
    // real one.
    program.tiers.erase(program.tiers.begin());
    program.arenaBytes.erase(program.arenaBytes.begin());
    for (MappedTensor &t : program.tensors)
      t.tier = 0;
  } else {
    program.tiers.front().capacity = tiers.front().capacity;
  }
  return program;
}

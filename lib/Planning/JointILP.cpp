//===- JointILP.cpp - The exact joint order/recompute/tier model
//-----------===//
//
// A time-indexed MILP over execution slots (JointPlanning.h). Slot s runs at
// most one kernel; "resident" variables say where each value is while the
// kernel of a slot runs:
//
//   X[v][s]  kernel v runs in slot s (it may run in several slots)
//   F[u][s]  u is in the fast tier during slot s (counts toward capacity)
//   P[u][s]  u is prefetched into the fast tier before slot s
//   E[u][s]  u is written to the backing tier in slot s (its producer
//            writes there, or it is evicted from the fast tier)
//   D[u][s]  a backing-tier copy of u exists after slot s (continuous)
//   Y[u][s]  the kernel of slot s reads u from the backing tier
//
//   F[u][s] <= F[u][s-1] + X[p(u)][s] + P[u][s]     (how u enters fast)
//   D[u][s] <= D[u][s-1] + E[u][s],  E[u][s] <= F[u][s] + X[p(u)][s]
//   P[u][s] <= D[u][s-1],  Y[u][s] <= D[u][s-1]     (activations)
//   X[v][s] <= F[u][s] + Y[u][s]   for every input u of v
//   X[p(u)][s] <= F[u][s] + E[u][s]                  (the result lands)
//   D[u][last] = 1 for results;  sum_u aligned(u) F[u][s] <= capacity
//   sum_s X[v][s] >= 1,  sum_v X[v][s] <= 1, empty slots last
//
// Minimize bytes(u) (E + P + Y) + rate * compute(v) * X, less the
// compulsory bytes (each argument and weight read once, each result
// written once) and one run of every kernel. Precedence needs no
// constraints of its own: a value is in a tier only after a run of its
// producer. Kernel v's runs are limited to slots [ancestors(v),
// n - 1 - descendants(v) + extra runs], which leaves chain-like graphs
// (CNNs) with few variables.
//
//===----------------------------------------------------------------------===//

#include "strata/Planning/JointPlanning.h"
#include "strata/Planning/Schedule.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <chrono>

using namespace mlir;
using namespace mlir::strata;

namespace {

/// One value's columns, indexed by slot - first (-1: none).
struct ValueColumns {
  int first = 0, last = -1;
  SmallVector<int> F, P, E, D, Y;
  int at(ArrayRef<int> cols, int s) const {
    return s < first || s > last ? -1 : cols[s - first];
  }
};

class JointModel {
public:
  JointModel(const KernelGraph &graph, ArrayRef<double> compute,
             ArrayRef<MappingTier> tiers, const JointOptions &options,
             int slots)
      : graph(graph), compute(compute), tiers(tiers), options(options),
        slots(slots) {}

  /// Slot windows of every kernel; false on a cycle.
  bool computeWindows() {
    int n = graph.nodes.size();
    std::optional<SmallVector<int>> topo = topologicalOrder(graph);
    if (!topo)
      return false;
    anc.assign(n, llvm::BitVector(n));
    desc.assign(n, llvm::BitVector(n));
    for (int v : *topo)
      for (int in : graph.nodes[v].inputs)
        if (int p = graph.values[in].producer; p >= 0) {
          anc[v] |= anc[p];
          anc[v].set(p);
        }
    for (int v : llvm::reverse(*topo))
      for (int out : graph.nodes[v].outputs)
        for (int user : graph.values[out].users) {
          desc[v] |= desc[user];
          desc[v].set(user);
        }
    // A kernel's first run leaves a slot for each descendant after it; a
    // later run (a recomputation) comes before a run of one of its users.
    lo.resize(n);
    hi.resize(n);
    for (int v : llvm::reverse(*topo)) {
      lo[v] = anc[v].count();
      hi[v] = std::min(slots - 1, n - 1 - (int)desc[v].count() + slots - n);
      for (int out : graph.nodes[v].outputs)
        for (int user : graph.values[out].users)
          hi[v] = std::max(hi[v], hi[user] - 1);
    }
    return true;
  }

  /// A lower bound on the cost of every plan with at most slots - n extra
  /// runs, from memory-time. A value larger than the fast tier is written
  /// and read off chip by every run of its producer and readers. Any other
  /// value is either covered (its producer runs once and it never leaves
  /// the fast tier: it holds its aligned bytes there in every slot from
  /// that run to its last reader's, at least 2 + (kernels that must run in
  /// between) slots) or costs at least two transfers of itself (one for a
  /// result, whose write is compulsory) or its share of a rerun of its
  /// producer (the rerun's price over the producer's outputs, so a rerun
  /// serving several outputs is counted once). All covered values together
  /// hold at most capacity * slots; the fractional knapsack over those
  /// gives the bound.
  double getMemoryTimeBound() const {
    double rate = getRecomputeRate(tiers, options);
    int64_t capacity = tiers.front().capacity;
    struct Item {
      double need, cost;
    };
    SmallVector<Item> items;
    double paid = 0;
    for (const KGValue &v : graph.values) {
      if (v.producer < 0 || v.users.empty())
        continue;
      int64_t aligned = llvm::alignTo(v.bytes, options.mapping.alignment);
      if (aligned > capacity) {
        // Never on chip, however often it is computed: every write and
        // every reader's read go off chip.
        paid += double(v.bytes) * (v.users.size() + (v.isOutput ? 0 : 1));
        continue;
      }
      double cost = v.isOutput ? v.bytes : 2.0 * v.bytes;
      cost = std::min(cost, rate * compute[v.producer] /
                                graph.nodes[v.producer].outputs.size());
      int between = 0;
      for (int user : v.users) {
        llvm::BitVector both = desc[v.producer];
        both &= anc[user];
        between = std::max<int>(between, both.count());
      }
      items.push_back({double(aligned) * (2 + between), cost});
    }
    // Cheapest cost per memory-time first.
    llvm::sort(items, [](const Item &a, const Item &b) {
      return a.cost * b.need > b.cost * a.need;
    });
    double room = double(capacity) * slots;
    for (const Item &item : items) {
      double take = std::min(1.0, std::max(0.0, room / item.need));
      room -= take * item.need;
      paid += (1 - take) * item.cost;
    }
    return paid;
  }

  int getX(int v, int s) const {
    return s < lo[v] || s > hi[v] ? -1 : X[v][s - lo[v]];
  }

  void build() {
    int n = graph.nodes.size();
    double rate = getRecomputeRate(tiers, options);
    int64_t capacity = tiers.front().capacity;
    X.assign(n, {});
    for (int v = 0; v < n; ++v) {
      for (int s = lo[v]; s <= hi[v]; ++s)
        X[v].push_back(m.column(0, 1, rate * compute[v], true));
      constant -= rate * compute[v];
      std::vector<std::pair<int, double>> once;
      for (int col : X[v])
        once.push_back({col, 1});
      m.row(once, 1, 1e30);
    }
    // At most one kernel per slot, empty slots last.
    SmallVector<std::vector<std::pair<int, double>>> perSlot(slots);
    for (int v = 0; v < n; ++v)
      for (int s = lo[v]; s <= hi[v]; ++s)
        perSlot[s].push_back({getX(v, s), 1});
    for (int s = 0; s < slots; ++s) {
      if (!perSlot[s].empty())
        m.row(perSlot[s], -1e30, 1);
      if (s + 1 < slots && !perSlot[s + 1].empty()) {
        std::vector<std::pair<int, double>> terms = perSlot[s];
        for (auto [col, c] : perSlot[s + 1])
          terms.push_back({col, -1});
        m.row(terms, 0, 1e30);
      }
    }

    SmallVector<std::vector<std::pair<int, double>>> occupancy(slots);
    columns.assign(graph.values.size(), {});
    for (auto [id, v] : llvm::enumerate(graph.values)) {
      ValueColumns &c = columns[id];
      bool act = v.producer >= 0;
      if (v.users.empty() && !(act && v.isOutput))
        continue;
      double bytes = v.bytes;
      if (!act || v.isOutput)
        constant -= bytes;
      if (act) {
        c.first = lo[v.producer];
        c.last = v.isOutput ? slots - 1 : c.first;
        for (int user : v.users)
          c.last = std::max(c.last, hi[user]);
      } else {
        c.first = slots;
        c.last = 0;
        for (int user : v.users) {
          c.first = std::min(c.first, lo[user]);
          c.last = std::max(c.last, hi[user]);
        }
      }
      int64_t aligned = llvm::alignTo(v.bytes, options.mapping.alignment);
      bool fits = aligned <= capacity;
      for (int s = c.first; s <= c.last; ++s) {
        c.F.push_back(fits ? m.column(0, 1, 0, true) : -1);
        c.P.push_back(
            fits && (!act || s > c.first) ? m.column(0, 1, bytes, true) : -1);
        c.E.push_back(act ? m.column(0, 1, bytes, true) : -1);
        c.D.push_back(act ? m.column(0, 1, 0, false) : -1);
        c.Y.push_back(v.users.empty() ? -1 : m.column(0, 1, bytes, true));
      }
      if (act && v.isOutput)
        m.lower[c.D.back()] = 1;
      // A value that never fits is read off chip by every reader (each
      // runs in a slot of its own): a cut the relaxation misses when it
      // runs two readers half in the same slot.
      if (!fits && !v.users.empty()) {
        std::vector<std::pair<int, double>> reads;
        for (int y : c.Y)
          reads.push_back({y, 1});
        m.row(reads, double(v.users.size()), 1e30);
      }
      for (int s = c.first; s <= c.last; ++s) {
        int f = c.at(c.F, s), p = c.at(c.P, s), e = c.at(c.E, s),
            d = c.at(c.D, s), y = c.at(c.Y, s);
        int fPrev = c.at(c.F, s - 1), dPrev = c.at(c.D, s - 1);
        int xp = act ? getX(v.producer, s) : -1;
        if (f >= 0) {
          std::vector<std::pair<int, double>> enter = {{f, 1}};
          for (int col : {fPrev, xp, p})
            if (col >= 0)
              enter.push_back({col, -1});
          m.row(enter, -1e30, 0);
          occupancy[s].push_back({f, double(aligned)});
        }
        if (act) {
          std::vector<std::pair<int, double>> keep = {{d, 1}, {e, -1}};
          if (dPrev >= 0)
            keep.push_back({dPrev, -1});
          m.row(keep, -1e30, 0);
          std::vector<std::pair<int, double>> write = {{e, 1}};
          for (int col : {f, xp})
            if (col >= 0)
              write.push_back({col, -1});
          m.row(write, -1e30, 0);
          for (int col : {p, y}) {
            if (col < 0)
              continue;
            if (dPrev >= 0)
              m.row({{col, 1}, {dPrev, -1}}, -1e30, 0);
            else
              m.upper[col] = 0;
          }
          if (xp >= 0) {
            std::vector<std::pair<int, double>> lands = {{xp, 1}, {e, -1}};
            if (f >= 0)
              lands.push_back({f, -1});
            m.row(lands, -1e30, 0);
          }
        }
        // Readers: each run of a user finds the value in a tier; a read
        // from the backing tier only where a user runs.
        if (y >= 0) {
          std::vector<std::pair<int, double>> readers = {{y, 1}};
          for (int user : v.users) {
            int xu = getX(user, s);
            if (xu < 0)
              continue;
            readers.push_back({xu, -1});
            std::vector<std::pair<int, double>> avail = {{xu, 1}, {y, -1}};
            if (f >= 0)
              avail.push_back({f, -1});
            m.row(avail, -1e30, 0);
          }
          m.row(readers, -1e30, 0);
        }
      }
    }
    for (auto &terms : occupancy)
      if (!terms.empty())
        m.row(terms, -1e30, double(capacity));
  }

  /// The model's columns for `plan` (a plan of this graph with
  /// recomputation copies): kernels by slot, and where each value is at
  /// each kernel, from its mapped program. Copies stand for their
  /// originals.
  void getStart(const JointPlan &plan,
                std::vector<std::pair<int, double>> &start) const {
    int n = graph.nodes.size();
    SmallVector<int> originalNode(plan.graph.nodes.size());
    for (int i = 0, e = plan.graph.nodes.size(); i < e; ++i)
      originalNode[i] = i;
    for (const Recomputation &r : plan.recomputations)
      originalNode[r.copy] = r.original;
    auto root = [&](int node) {
      while (node >= n)
        node = originalNode[node];
      return node;
    };
    SmallVector<int> originalValue(plan.graph.values.size());
    for (auto [id, v] : llvm::enumerate(plan.graph.values)) {
      originalValue[id] = id;
      if (v.producer >= n) {
        const KGNode &copy = plan.graph.nodes[v.producer];
        unsigned k = llvm::find(copy.outputs, (int)id) - copy.outputs.begin();
        originalValue[id] = graph.nodes[root(v.producer)].outputs[k];
      }
    }
    int numValues = graph.values.size();
    SmallVector<SmallVector<char>> F(numValues, SmallVector<char>(slots, 0)),
        E = F, Y = F;
    SmallVector<SmallVector<char>> Xv(n, SmallVector<char>(slots, 0));
    const MappedProgram &p = plan.program;
    int backing = p.getBackingTier();
    for (const MappedTensor &t : p.tensors) {
      if (t.tier != 0)
        continue;
      for (int s = 0; s < slots; ++s)
        if (t.start <= 2 * s + 1 && 2 * s + 1 <= t.end)
          F[originalValue[t.value]][s] = 1;
    }
    int step = 0;
    for (const MappedOp &op : p.ops) {
      if (op.kind == MappedOpKind::Evict) {
        int s = std::max(0, op.position / 2 - 1);
        E[originalValue[p.tensors[op.writes.front()].value]][s] = 1;
        continue;
      }
      if (op.kind == MappedOpKind::Prefetch)
        continue;
      Xv[root(op.node)][step] = 1;
      for (int r : op.reads)
        if (p.tensors[r].tier == backing)
          Y[originalValue[p.tensors[r].value]][step] = 1;
      for (int w : op.writes)
        if (p.tensors[w].tier == backing)
          E[originalValue[p.tensors[w].value]][step] = 1;
      ++step;
    }
    for (int v = 0; v < n; ++v)
      for (int s = lo[v]; s <= hi[v]; ++s)
        start.push_back({getX(v, s), double(Xv[v][s])});
    for (auto [id, c] : llvm::enumerate(columns)) {
      const KGValue &v = graph.values[id];
      bool made = false;
      for (int s = c.first; s <= c.last; ++s) {
        bool xp = v.producer >= 0 && Xv[v.producer][s];
        bool f = F[id][s], fPrev = s > c.first && F[id][s - 1];
        made = made || E[id][s];
        auto set = [&](int col, double value) {
          if (col >= 0)
            start.push_back({col, value});
        };
        set(c.at(c.F, s), f);
        set(c.at(c.P, s), f && !fPrev && !xp);
        set(c.at(c.E, s), E[id][s]);
        set(c.at(c.D, s), made);
        set(c.at(c.Y, s), Y[id][s]);
      }
    }
  }

  /// The kernel runs of a solution in slot order: (slot, kernel).
  SmallVector<std::pair<int, int>> getRuns(ArrayRef<double> solution) const {
    SmallVector<std::pair<int, int>> runs;
    for (int v = 0, n = graph.nodes.size(); v < n; ++v)
      for (int s = lo[v]; s <= hi[v]; ++s)
        if (solution[getX(v, s)] > 0.5)
          runs.push_back({s, v});
    llvm::sort(runs);
    return runs;
  }

  const KernelGraph &graph;
  ArrayRef<double> compute;
  ArrayRef<MappingTier> tiers;
  const JointOptions &options;
  int slots;
  SmallVector<int> lo, hi;
  SmallVector<llvm::BitVector> anc, desc;
  SmallVector<SmallVector<int>> X;
  std::vector<ValueColumns> columns;
  MILPModel m;
  double constant = 0;
};

/// The plan of a run sequence: the first run of each kernel is the kernel,
/// later runs are copies (Remat.h's form), each reader reading the latest
/// run of its inputs' producers before it. Copies no reader uses are
/// dropped.
JointPlan buildRunPlan(const KernelGraph &graph, ArrayRef<double> compute,
                       ArrayRef<std::pair<int, int>> runs) {
  int n = graph.nodes.size();
  // Which runs are used: a later run is kept only if a reader sees it.
  SmallVector<int> latest(n, -1);
  SmallVector<char> used(runs.size(), 0);
  for (auto [i, run] : llvm::enumerate(runs)) {
    int v = run.second;
    for (int in : graph.nodes[v].inputs)
      if (int p = graph.values[in].producer; p >= 0 && latest[p] >= 0)
        used[latest[p]] = 1;
    if (latest[v] < 0)
      used[i] = 1;
    latest[v] = i;
  }
  JointPlan plan;
  plan.graph = graph;
  plan.computeSeconds.assign(compute.begin(), compute.end());
  // The node of each kept run; every reader reads the outputs of the
  // latest run of each producer before it.
  SmallVector<int> latestNode(n, -1);
  for (auto [i, run] : llvm::enumerate(runs)) {
    if (!used[i])
      continue;
    int v = run.second;
    int node = v;
    if (latestNode[v] >= 0) {
      node = plan.graph.nodes.size();
      KGNode copy;
      copy.inputs = graph.nodes[v].inputs;
      for (int out : graph.nodes[v].outputs) {
        KGValue value;
        value.bytes = graph.values[out].bytes;
        value.kind = graph.values[out].kind;
        value.producer = node;
        copy.outputs.push_back(plan.graph.values.size());
        plan.graph.values.push_back(value);
      }
      plan.graph.nodes.push_back(copy);
      plan.computeSeconds.push_back(compute[v]);
      plan.recomputations.push_back(
          {v, node, plan.graph.nodes[node].outputs.front()});
    }
    for (int &in : plan.graph.nodes[node].inputs) {
      int p = graph.values[in].producer;
      if (p < 0 || latestNode[p] == p)
        continue;
      unsigned index = llvm::find(graph.nodes[p].outputs, in) -
                       graph.nodes[p].outputs.begin();
      in = plan.graph.nodes[latestNode[p]].outputs[index];
    }
    latestNode[v] = node;
    plan.order.push_back(node);
  }
  for (auto &v : plan.graph.values)
    v.users.clear();
  for (auto [id, node] : llvm::enumerate(plan.graph.nodes))
    for (int in : node.inputs)
      plan.graph.values[in].users.push_back(id);
  for (auto &v : plan.graph.values) {
    llvm::sort(v.users);
    v.users.erase(std::unique(v.users.begin(), v.users.end()), v.users.end());
  }
  return plan;
}

} // namespace

JointPlan mlir::strata::planJointExact(const KernelGraph &graph,
                                       ArrayRef<double> computeSeconds,
                                       ArrayRef<MappingTier> tiers,
                                       const JointOptions &options) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  std::string solverName = stringifyMILPSolver(options.solver).str();
  JointPlan best = planJointHeuristic(graph, computeSeconds, tiers, options);
  // The sequential pipeline with its exact parts is a second start: the
  // exact tier mapper often beats the greedy one the heuristic prices with.
  if (best.cost > 0 && tiers.size() > 1) {
    JointOptions quarter = options;
    quarter.timeLimitSeconds = options.timeLimitSeconds / 4;
    JointPlan sequential =
        planSequential(graph, computeSeconds, tiers, quarter, /*exact=*/true);
    if (sequential.cost < best.cost)
      best = std::move(sequential);
  }
  auto finish = [&](JointPlan plan) {
    plan.method = "joint (" + solverName + ")";
    plan.exact = true;
    plan.seconds = elapsed();
    return plan;
  };
  // Nothing to gain below zero cost (every term is non-negative).
  if (tiers.size() < 2 || graph.nodes.empty() || best.cost <= 0) {
    best.status = SolverStatus::Optimal;
    best.bound = best.cost;
    return finish(std::move(best));
  }
  int n = graph.nodes.size();
  int extra =
      std::max<int>(options.maxRecomputations, best.graph.nodes.size() - n);
  JointModel model(graph, computeSeconds, tiers, options, n + extra);
  if (!model.computeWindows()) {
    best.status = SolverStatus::Error;
    best.note = "the graph has a cycle";
    return finish(std::move(best));
  }
  // A start that meets the memory-time bound needs no search.
  double memoryTime = model.getMemoryTimeBound();
  if (best.cost <= memoryTime + 0.5) {
    best.status = SolverStatus::Optimal;
    best.bound = best.cost;
    best.gap = 0;
    best.note = "the start meets the memory-time bound";
    return finish(std::move(best));
  }
  model.build();
  best.variables = model.m.numColumns();
  best.constraints = model.m.numRows();
  if (model.m.numIntegers() > options.maxBinaries) {
    best.status = SolverStatus::Error;
    best.note = llvm::formatv("{0} binaries exceed the limit of {1}; the "
                              "heuristic plan is kept",
                              model.m.numIntegers(), options.maxBinaries)
                    .str();
    return finish(std::move(best));
  }
  MILPOptions milp;
  // Leave a fifth of the whole time for mapping the solution's order.
  milp.timeLimitSeconds =
      std::max(0.1, 0.8 * options.timeLimitSeconds - elapsed());
  milp.seed = options.seed;
  milp.relativeGap = 1e-4;
  model.getStart(best, milp.start);
  MILPResult solved = solveMILP(options.solver, model.m, milp);
  const SolverReport &report = solved.report;
  best.nodes = report.nodes;
  if (!report.hasSolution() && report.status != SolverStatus::Timeout) {
    best.status = report.status;
    best.note = solverName + ": " + report.note;
    return finish(std::move(best));
  }
  // The solver's bound, or the memory-time bound where that is higher
  // (time-indexed relaxations spread kernels fractionally over their
  // windows and often prove little).
  double bound = std::max(report.bound + model.constant, memoryTime);
  if (report.hasSolution()) {
    JointPlan runs =
        buildRunPlan(graph, computeSeconds, model.getRuns(solved.solution));
    TierILPOptions ilp;
    ilp.timeLimitSeconds = std::max(1.0, options.timeLimitSeconds - elapsed());
    ilp.seed = options.seed;
    TierILPResult mapped =
        mapTiersILP(runs.graph, runs.order, runs.computeSeconds, tiers,
                    options.mapping, ilp);
    runs.program = std::move(mapped.program);
    priceJointPlan(runs, tiers, options);
    if (runs.cost < best.cost) {
      runs.variables = best.variables;
      runs.constraints = best.constraints;
      runs.nodes = best.nodes;
      best = std::move(runs);
    }
  }
  best.bound = std::min(std::max(bound, 0.0), best.cost);
  best.gap = best.cost > 0 ? (best.cost - best.bound) / best.cost : 0;
  best.status = best.gap <= milp.relativeGap ? SolverStatus::Optimal
                                             : SolverStatus::Feasible;
  best.objective = best.cost;
  best.note = llvm::formatv("{0}: {1}, model objective {2:F0}, solver bound "
                            "{3:F0}, memory-time bound {4:F0}",
                            solverName, stringifySolverStatus(report.status),
                            report.objective + model.constant,
                            report.bound + model.constant, memoryTime)
                  .str();
  return finish(std::move(best));
}

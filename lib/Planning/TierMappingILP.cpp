//===- TierMappingILP.cpp - The exact tier mapper (CBC) -------------------===//
//
// A COSMA-style MILP over the same decisions the greedy mapper makes: which
// accesses of each value the fast tier serves, whether the value stays in
// the fast tier between two accesses or is prefetched again, and whether it
// is evicted. See TierMapping.h.
//
//===----------------------------------------------------------------------===//

#include "TierMappingImpl.h"
#include "strata/Planning/Offsets.h"
#include "strata/Solvers/MILP.h"

#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"

#include <chrono>
#include <string>

using namespace mlir;
using namespace mlir::strata;
using namespace mlir::strata::detail;

namespace {

/// The columns of one value (-1: no such variable).
struct ValueColumns {
  /// Per access: served from the fast tier (for an activation's first
  /// access, the defining kernel writes the fast tier).
  SmallVector<int> x;
  /// Per access i >= 1: kept in the fast tier since access i - 1.
  SmallVector<int> r;
  /// Per access: prefetched before it (activations: i >= 1), starting at
  /// `lead` (early enough to hide the transfer), or late: right before it.
  SmallVector<int> p, late;
  /// Activations: copied to the backing tier by an evict.
  int e = -1;
  /// Per access: the position a prefetch before it starts at.
  SmallVector<int> lead;
};

class TierILP {
public:
  TierILP(const KernelGraph &graph, ArrayRef<int> order,
          ArrayRef<double> computeSeconds, ArrayRef<MappingTier> tiers,
          const TierMappingOptions &options)
      : graph(graph), order(order), tiers(tiers), options(options),
        plans(initTierPlans(graph, order)) {
    prefix = getComputePrefix(order, computeSeconds);
  }

  /// Builds the model for a fast tier of `capacity` bytes.
  void build(int64_t capacity) {
    m = MILPModel();
    columns.assign(plans.size(), ValueColumns());
    constant = 0;
    int numPositions = 2 * order.size() + 2;
    SmallVector<std::vector<std::pair<int, double>>> occupancy(numPositions);
    for (auto [id, plan] : llvm::enumerate(plans)) {
      int n = plan.accesses.size();
      if (n == 0)
        continue;
      double bytes = plan.bytes;
      bool act = plan.hasDef;
      // Every access not served from the fast tier moves the value off
      // chip once (a write for the defining kernel, unless the value is a
      // result, whose write is compulsory); an input's first read is
      // compulsory.
      for (int i = 0; i < n; ++i)
        if (!(act && i == 0 && plan.output))
          constant += bytes;
      if (!act)
        constant -= bytes;
      if (plan.bytes > (int64_t)tiers.front().capacity)
        continue;
      ValueColumns &c = columns[id];
      double aligned = llvm::alignTo(plan.bytes, options.alignment);
      bool copies = options.copies;
      for (int i = 0; i < n; ++i) {
        bool counted = !(act && i == 0 && plan.output);
        c.x.push_back(m.column(0, 1, counted ? -bytes : 0, true));
        c.r.push_back(i > 0 ? m.column(0, 1, 0, true) : -1);
        c.p.push_back(copies && (i > 0 || !act) ? m.column(0, 1, bytes, true)
                                                : -1);
        c.lead.push_back(getLead(plan, i));
        bool lateDiffers = c.lead.back() < 2 * plan.accesses[i];
        c.late.push_back(
            c.p.back() >= 0 && lateDiffers ? m.column(0, 1, bytes, true) : -1);
      }
      if (act && copies)
        c.e = m.column(0, 1, plan.output ? 0 : bytes, true);

      for (int i = 0; i < n; ++i) {
        // Served means kept since the previous access or prefetched.
        std::vector<std::pair<int, double>> served = {{c.x[i], 1}};
        if (c.r[i] >= 0)
          served.push_back({c.r[i], -1});
        if (c.p[i] >= 0)
          served.push_back({c.p[i], -1});
        if (c.late[i] >= 0)
          served.push_back({c.late[i], -1});
        if (!(act && i == 0))
          m.row(served, -1e30, 0);
        // At most one way in.
        std::vector<std::pair<int, double>> ways;
        for (int col : {c.r[i], c.p[i], c.late[i]})
          if (col >= 0)
            ways.push_back({col, 1});
        if (ways.size() > 1)
          m.row(ways, -1e30, 1);
        if (i > 0)
          m.row({{c.r[i], 1}, {c.x[i - 1], -1}}, -1e30, 0);
        if (!act || i == 0)
          continue;
        // A prefetch or a read from the backing tier needs a copy there:
        // the defining kernel wrote it there, or it was evicted.
        if (c.e >= 0) {
          for (int col : {c.p[i], c.late[i]})
            if (col >= 0)
              m.row({{col, 1}, {c.e, -1}, {c.x[0], 1}}, -1e30, 1);
          m.row({{c.x[0], 1}, {c.x[i], -1}, {c.e, -1}}, -1e30, 0);
        } else {
          m.row({{c.x[0], 1}, {c.x[i], -1}}, -1e30, 0);
        }
      }
      if (act && plan.output) {
        if (c.e >= 0)
          m.row({{c.x[0], 1}, {c.e, -1}}, -1e30, 0);
        else
          m.row({{c.x[0], 1}}, 0, 0);
      }

      // Which accesses the defining kernel's run serves (d), and whether
      // it is evicted right after access i - 1 (z, at the slot after it):
      // the only case in which a value holds the fast tier at that slot
      // without being kept for access i.
      SmallVector<int> d(n, -1), z(n + 1, -1);
      if (act && c.e >= 0) {
        d[0] = c.x[0];
        for (int i = 1; i < n; ++i) {
          d[i] = m.column(0, 1, 0, false);
          m.row({{d[i], 1}, {c.r[i], -1}}, -1e30, 0);
          m.row({{d[i], 1}, {c.x[i], -1}}, -1e30, 0);
          m.row({{d[i], 1}, {d[i - 1], -1}}, -1e30, 0);
          m.row({{d[i], 1}, {c.r[i], -1}, {d[i - 1], -1}}, -1, 1e30);
        }
        for (int i = 1; i <= n; ++i) {
          z[i] = m.column(0, 1, 0, false);
          std::vector<std::pair<int, double>> terms = {
              {z[i], 1}, {d[i - 1], -1}, {c.e, -1}};
          if (i < n)
            terms.push_back({c.r[i], 1});
          m.row(terms, -1, 1e30);
        }
        if (n > 0)
          occupancy[kernelPosition(plan.accesses[n - 1]) + 1].push_back(
              {z[n], aligned});
      }

      // Fast-tier occupancy, position by position.
      for (int i = 0; i < n; ++i) {
        int at = kernelPosition(plan.accesses[i]);
        occupancy[at].push_back({c.x[i], aligned});
        int from = i > 0 ? kernelPosition(plan.accesses[i - 1]) + 1 : 0;
        for (int pos = from; pos < at; ++pos) {
          if (i > 0)
            occupancy[pos].push_back({c.r[i], aligned});
          if (i > 0 && pos == from && z[i] >= 0)
            occupancy[pos].push_back({z[i], aligned});
          if (c.p[i] >= 0 && c.lead[i] <= pos)
            occupancy[pos].push_back({c.p[i], aligned});
          if (c.late[i] >= 0 && pos == 2 * plan.accesses[i])
            occupancy[pos].push_back({c.late[i], aligned});
        }
      }
    }
    for (auto &terms : occupancy)
      if (!terms.empty())
        m.row(terms, -1e30, double(capacity));
  }

  /// Where a prefetch before access `i` of `plan` starts: as late as still
  /// hides the transfer behind the compute before the access, within the
  /// gap since the previous access (the slot right before the access if
  /// nothing can hide it).
  int getLead(const TierValuePlan &plan, int i) const {
    int first = plan.accesses[i];
    int lowest = i > 0 ? plan.accesses[i - 1] + 1 : 0;
    std::optional<int> start = getHidingStart(
        prefix, lowest, first, getTransferSeconds(tiers, plan.bytes));
    return 2 * start.value_or(first);
  }

  /// The MIP start: the greedy plan's decisions, as columns and values
  /// (CBC may read them when it solves: they must outlive the solve).
  void getWarmStart(ArrayRef<TierValuePlan> greedy, std::vector<int> &cols,
                    std::vector<double> &values) const {
    auto set = [&](int col, bool value) {
      if (col >= 0) {
        cols.push_back(col);
        values.push_back(value);
      }
    };
    for (auto [id, plan] : llvm::enumerate(greedy)) {
      const ValueColumns &c = columns[id];
      if (c.x.empty())
        continue;
      int n = plan.accesses.size();
      SmallVector<int> runOf(n, -1);
      for (auto [k, run] : llvm::enumerate(plan.runs))
        for (int a = run.first; a <= run.last; ++a)
          runOf[a] = k;
      for (int i = 0; i < n; ++i) {
        set(c.x[i], runOf[i] >= 0);
        bool kept = i > 0 && runOf[i] >= 0 && runOf[i] == runOf[i - 1];
        set(c.r[i], kept);
        // A greedy prefetch that starts later than the early lead is taken
        // as a late one (it occupies no more than that).
        bool in = runOf[i] >= 0 && !kept && plan.runs[runOf[i]].prefetched;
        bool early =
            in && (c.late[i] < 0 || plan.runs[runOf[i]].start <= c.lead[i]);
        set(c.p[i], early);
        set(c.late[i], in && !early);
      }
      set(c.e, plan.evicted);
    }
  }

  /// Turns a solution into runs; offsets are left for the packer.
  void decode(const double *solution) {
    for (auto [id, plan] : llvm::enumerate(plans)) {
      plan.runs.clear();
      plan.defFast = plan.evicted = false;
      plan.evictPosition = -1;
      const ValueColumns &c = columns[id];
      if (c.x.empty())
        continue;
      auto on = [&](int col) { return col >= 0 && solution[col] > 0.5; };
      int n = plan.accesses.size();
      for (int i = 0; i < n;) {
        if (!on(c.x[i])) {
          ++i;
          continue;
        }
        int j = i;
        while (j + 1 < n && on(c.x[j + 1]) && on(c.r[j + 1]))
          ++j;
        int last = kernelPosition(plan.accesses[j]);
        if (plan.hasDef && i == 0) {
          plan.defFast = true;
          plan.evicted = on(c.e) && (j < n - 1 || plan.output);
          int end = plan.evicted ? last + 1 : last;
          plan.evictPosition = plan.evicted ? end : -1;
          plan.runs.push_back(
              {i, j, kernelPosition(plan.accesses[0]), end, 0, false});
        } else {
          int start = on(c.late[i]) ? 2 * plan.accesses[i] : c.lead[i];
          plan.runs.push_back({i, j, start, last, 0, true});
        }
        i = j + 1;
      }
    }
  }

  /// Packs the fast-tier runs greedy by size; the arena's size.
  int64_t pack() {
    SmallVector<ArenaBlock> buffers;
    SmallVector<std::pair<int, int>> where;
    for (auto [id, plan] : llvm::enumerate(plans))
      for (auto [k, run] : llvm::enumerate(plan.runs)) {
        buffers.push_back({run.start, run.end, 0, plan.bytes});
        where.push_back({(int)id, (int)k});
      }
    ArenaPlan arena = planArenaOffsets(buffers, options.alignment);
    for (auto [k, w] : llvm::enumerate(where))
      plans[w.first].runs[w.second].offset = arena.offsets[k];
    return arena.arenaBytes;
  }

  const KernelGraph &graph;
  ArrayRef<int> order;
  ArrayRef<MappingTier> tiers;
  TierMappingOptions options;
  SmallVector<TierValuePlan> plans;
  SmallVector<double> prefix;
  MILPModel m;
  std::vector<ValueColumns> columns;
  /// The objective's constant part.
  double constant = 0;
};

} // namespace

TierILPResult mlir::strata::mapTiersILP(const KernelGraph &graph,
                                        ArrayRef<int> order,
                                        ArrayRef<double> computeSeconds,
                                        ArrayRef<MappingTier> tiers,
                                        const TierMappingOptions &options,
                                        const TierILPOptions &ilp) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  TierILPResult result;
  if (tiers.size() < 2) {
    result.program = mapTiersToBacking(graph, order, computeSeconds, tiers,
                                       options.alignment);
    result.status = SolverStatus::Optimal;
    result.keptGreedy = false;
    result.seconds = elapsed();
    return result;
  }
  SmallVector<TierValuePlan> greedy =
      planTiersGreedy(graph, order, computeSeconds, tiers, options);
  auto fallBack = [&](SolverStatus status, std::string note) {
    result.program = buildMappedProgram(graph, order, computeSeconds, tiers,
                                        options.alignment, greedy);
    result.status = status;
    result.keptGreedy = true;
    result.note = std::move(note);
    result.seconds = elapsed();
    return result;
  };

  TierILP model(graph, order, computeSeconds, tiers, options);
  int64_t capacity = tiers.front().capacity;
  for (int attempt = 0; attempt < 4; ++attempt) {
    model.build(capacity);
    result.variables = model.m.lower.size();
    result.constraints = model.m.rows.size();
    if (model.m.numIntegers() > ilp.maxVariables)
      return fallBack(SolverStatus::Error,
                      llvm::formatv("{0} binaries exceed the limit of {1}",
                                    model.m.numIntegers(), ilp.maxVariables)
                          .str());
    double remaining = ilp.timeLimitSeconds - elapsed();
    if (remaining <= 0)
      return fallBack(SolverStatus::Timeout, "no time left for CBC");
    MILPOptions milp;
    milp.timeLimitSeconds = remaining;
    milp.seed = ilp.seed;
    milp.relativeGap = 1e-9;
    if (ilp.warmStart) {
      std::vector<int> startColumns;
      std::vector<double> startValues;
      model.getWarmStart(greedy, startColumns, startValues);
      for (auto [col, v] : llvm::zip(startColumns, startValues))
        milp.start.push_back({col, v});
    }
    MILPResult solved = solveMILP(MILPSolver::CBC, model.m, milp);
    const SolverReport &report = solved.report;
    if (!report.hasSolution())
      return fallBack(report.status,
                      report.status == SolverStatus::Timeout
                          ? "CBC found no plan within the time limit"
                          : "CBC: " + report.note);
    result.nodes = report.nodes;
    bool optimal = report.status == SolverStatus::Optimal;
    result.objective = report.objective + model.constant;
    // Only the first model's bound holds for the whole tier; later ones
    // solve a smaller tier.
    if (attempt == 0)
      result.bound = report.bound + model.constant;
    result.bound = std::min(result.bound, result.objective);
    model.decode(solved.solution.data());
    int64_t arena = model.pack();
    if (arena <= (int64_t)tiers.front().capacity) {
      MappedProgram exact = buildMappedProgram(
          graph, order, computeSeconds, tiers, options.alignment, model.plans);
      MappedProgram fromGreedy = buildMappedProgram(
          graph, order, computeSeconds, tiers, options.alignment, greedy);
      if (simulateMappedProgram(exact).nonCompulsoryBytes >
          simulateMappedProgram(fromGreedy).nonCompulsoryBytes)
        return fallBack(SolverStatus::Feasible,
                        "greedy's plan moves fewer bytes than the model's "
                        "best (the model offers a prefetch two start "
                        "positions, and its offsets are packed afterwards)");
      result.status = optimal && attempt == 0 ? SolverStatus::Optimal
                                              : SolverStatus::Feasible;
      result.keptGreedy = false;
      if (attempt > 0)
        result.note = llvm::formatv("solved {0} times: the offsets of the "
                                    "first plans did not pack",
                                    attempt + 1)
                          .str();
      result.gap = result.objective > 0
                       ? (result.objective - result.bound) / result.objective
                       : 0;
      result.program = std::move(exact);
      result.seconds = elapsed();
      return result;
    }
    capacity -= arena - tiers.front().capacity;
  }
  return fallBack(SolverStatus::Feasible,
                  "the plans' offsets did not pack into the tier");
}

StringRef mlir::strata::describeTierILPOutcome(const TierILPResult &result) {
  return result.keptGreedy ? "greedy" : stringifySolverStatus(result.status);
}

//===- Heft.cpp - Makespan list scheduling onto heterogeneous units -------===//

#include "strata/Planning/Schedule.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <numeric>

using namespace mlir;
using namespace mlir::strata;

HeftResult mlir::strata::scheduleHEFT(const HeftProblem &problem) {
  int n = problem.cost.size();
  int procs = n ? problem.cost.front().size() : 0;
  HeftResult result;
  result.processor.assign(n, -1);
  result.start.assign(n, 0);
  result.finish.assign(n, 0);
  result.upwardRank.assign(n, 0);
  if (n == 0 || procs == 0)
    return result;

  SmallVector<SmallVector<std::pair<int, double>>> preds(n), succs(n);
  for (auto [from, to, comm] : problem.edges) {
    succs[from].push_back({to, comm});
    preds[to].push_back({from, comm});
  }
  // Upward ranks, from the exits back (edges go forward in program order).
  SmallVector<double> meanCost(n);
  for (int v = 0; v < n; ++v)
    meanCost[v] =
        std::accumulate(problem.cost[v].begin(), problem.cost[v].end(), 0.0) /
        procs;
  // With one processor nothing is ever transferred.
  double commScale = procs > 1 ? 1.0 : 0.0;
  for (int v = n - 1; v >= 0; --v) {
    double longest = 0;
    for (auto [s, comm] : succs[v])
      longest = std::max(longest, commScale * comm + result.upwardRank[s]);
    result.upwardRank[v] = meanCost[v] + longest;
  }
  SmallVector<int> list(n);
  std::iota(list.begin(), list.end(), 0);
  std::stable_sort(list.begin(), list.end(), [&](int a, int b) {
    return result.upwardRank[a] > result.upwardRank[b];
  });

  // Busy intervals per processor, sorted by start.
  SmallVector<SmallVector<std::pair<double, double>>> busy(procs);
  SmallVector<int> listIndex(n);
  for (auto [i, v] : llvm::enumerate(list)) {
    listIndex[v] = i;
    double bestFinish = 0, bestStart = 0;
    int bestProc = -1;
    for (int p = 0; p < procs; ++p) {
      double ready = 0;
      for (auto [u, comm] : preds[v])
        ready = std::max(ready, result.finish[u] +
                                    (result.processor[u] == p ? 0.0 : comm));
      double w = problem.cost[v][p];
      // The earliest gap of length w at or after `ready`.
      double start = ready;
      for (auto [b, e] : busy[p]) {
        if (start + w <= b)
          break;
        start = std::max(start, e);
      }
      double finish = start + w;
      if (bestProc < 0 || finish < bestFinish) {
        bestProc = p;
        bestStart = start;
        bestFinish = finish;
      }
    }
    result.processor[v] = bestProc;
    result.start[v] = bestStart;
    result.finish[v] = bestFinish;
    auto &slots = busy[bestProc];
    slots.insert(
        llvm::upper_bound(slots, std::make_pair(bestStart, bestFinish)),
        {bestStart, bestFinish});
    result.makespan = std::max(result.makespan, bestFinish);
  }
  result.order = list;
  std::stable_sort(result.order.begin(), result.order.end(), [&](int a, int b) {
    if (result.start[a] != result.start[b])
      return result.start[a] < result.start[b];
    return listIndex[a] < listIndex[b];
  });
  return result;
}

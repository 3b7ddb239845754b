//===- TierMappingImpl.h - Shared parts of the tier mappers -----*- C++ -*-===//
//
// Private to lib/Analysis: what a mapper decides per value (runs of
// accesses served from the fast tier, evictions) and the step that turns
// those decisions into a MappedProgram, shared by the greedy and the ILP
// mapper.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_LIB_PLANNING_TIERMAPPINGIMPL_H
#define STRATA_LIB_PLANNING_TIERMAPPINGIMPL_H

#include "strata/Planning/TierMapping.h"

#include <optional>

namespace mlir::strata::detail {

/// Position of the kernel at `step` (copies before it stand at 2 * step).
inline int kernelPosition(int step) { return 2 * step + 1; }

/// A stretch of a value's accesses served from the fast tier.
struct TierRun {
  /// Indices into the value's accesses.
  int first, last;
  /// Occupied positions and offset.
  int start, end;
  int64_t offset;
  /// Brought in by a prefetch at `start` (else written by the kernel that
  /// defines the value).
  bool prefetched;
};

/// What the mapper decides for one value.
struct TierValuePlan {
  /// Steps of the defining kernel (first, for activations) and the users.
  SmallVector<int> accesses;
  bool hasDef = false;
  bool output = false;
  int64_t bytes = 0;
  /// The defining kernel writes the fast tier; then an evict at
  /// `evictPosition` may copy it to the backing tier.
  bool defFast = false;
  bool evicted = false;
  int evictPosition = -1;
  /// Ordered by their accesses.
  SmallVector<TierRun> runs;

  void addRun(const TierRun &run) {
    auto at = llvm::find_if(
        runs, [&](const TierRun &r) { return r.first > run.first; });
    runs.insert(at, run);
  }
  /// Whether access `a` is served by a fast-tier run.
  bool isServed(int a) const {
    return llvm::any_of(
        runs, [&](const TierRun &r) { return r.first <= a && a <= r.last; });
  }
};

/// Compute seconds of the first s steps of `order`, for s = 0..K.
SmallVector<double> getComputePrefix(ArrayRef<int> order,
                                     ArrayRef<double> computeSeconds);

/// Seconds to copy `bytes` over the backing tier's link.
double getTransferSeconds(ArrayRef<MappingTier> tiers, int64_t bytes);

/// The latest step q in [lowest, first] such that the kernels of steps
/// [q, first) compute for at least `transfer` seconds (`prefix` from
/// getComputePrefix): where a copy must start to hide behind them; none if
/// even `lowest` is too late.
std::optional<int> getHidingStart(ArrayRef<double> prefix, int lowest,
                                  int first, double transfer);

/// One plan per value of `graph`, with its accesses in `order`'s steps and
/// nothing decided.
SmallVector<TierValuePlan> initTierPlans(const KernelGraph &graph,
                                         ArrayRef<int> order);

/// The greedy mapper's decisions (two or more tiers).
SmallVector<TierValuePlan> planTiersGreedy(const KernelGraph &graph,
                                           ArrayRef<int> order,
                                           ArrayRef<double> computeSeconds,
                                           ArrayRef<MappingTier> tiers,
                                           const TierMappingOptions &options);

/// The mapped program of `plans` (runs with offsets in the fast tier):
/// tensors, kernels and copies in order, and the backing tier's offsets.
MappedProgram buildMappedProgram(const KernelGraph &graph, ArrayRef<int> order,
                                 ArrayRef<double> computeSeconds,
                                 ArrayRef<MappingTier> tiers, int64_t alignment,
                                 ArrayRef<TierValuePlan> plans);

} // namespace mlir::strata::detail

#endif // STRATA_LIB_PLANNING_TIERMAPPINGIMPL_H

//===- TierMapping.h - Tensors in memory tiers, copies, simulation -*- C++
//-*-===//
//
// A mapped program is a kernel order in which every tensor sits in one tier
// at one byte offset and copies move tensors between tiers: what
// strata-map-memory plans and what the IR holds after it (kernel results
// with `strata.placement`, `strata.prefetch` / `strata.evict` ops). This
// header has the plain C++ side: the greedy mapper, the plan verifier and
// the traffic/time simulator, all testable without IR.
//
// Positions. Kernel k (the k-th kernel of the order) stands at position
// 2k + 1; copies issued between kernel k - 1 and kernel k stand at 2k; the
// function returns at 2K + 1 for K kernels. A tensor occupies its tier from
// the position of its writer to its last reader, inclusive (a function
// result to the end); tensors at home in the backing tier (arguments,
// weights) are outside every arena.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_TIERMAPPING_H
#define STRATA_PLANNING_TIERMAPPING_H

#include "strata/Planning/KernelGraph.h"
#include "strata/Solvers/MILP.h"
#include "strata/Target/MemoryTier.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <string>

namespace mlir::strata {

/// The mappers take a target's tiers as they are.
using MappingTier = MemoryTier;

/// One tensor of a mapped program: a value's data in one tier.
struct MappedTensor {
  int64_t bytes = 0;
  /// Index into MappedProgram::tiers (0 fastest, last the backing tier).
  int tier = 0;
  /// Byte offset in the tier's arena; -1 for a tensor at home in the backing
  /// tier outside any arena (function arguments, weights).
  int64_t offset = -1;
  /// The alignment its offset was planned for.
  int64_t alignment = 1;
  /// The kernel-graph value whose data it holds.
  int value = -1;
  /// Live range in positions, inclusive; set by computeMappedLiveRanges.
  int start = 0, end = 0;
};

enum class MappedOpKind { Kernel, Prefetch, Evict };

/// A kernel or a copy, in program order.
struct MappedOp {
  MappedOpKind kind = MappedOpKind::Kernel;
  int position = 0;
  /// Tensors read and written (ids into MappedProgram::tensors).
  SmallVector<int> reads, writes;
  /// Kernels: the kernel-graph node, and its compute time with every
  /// operand in the fastest tier (the cost model's compute term).
  int node = -1;
  double computeSeconds = 0;
};

struct MappedProgram {
  /// Fastest first; the last is the backing tier.
  SmallVector<MappingTier> tiers;
  SmallVector<MappedTensor> tensors;
  /// In program order, positions non-decreasing.
  SmallVector<MappedOp> ops;
  /// Tensors the function returns.
  SmallVector<int> results;
  /// Planned arena size per tier (0 when the tier holds nothing).
  SmallVector<int64_t> arenaBytes;
  /// Number of kernels (positions run to 2 * numKernels + 1).
  int numKernels = 0;

  int getBackingTier() const { return (int)tiers.size() - 1; }
  int getEndPosition() const { return 2 * numKernels + 1; }
};

/// Sets every tensor's live range from its writer and readers: home tensors
/// from 0, results to the end position.
void computeMappedLiveRanges(MappedProgram &program);

/// Sets arenaBytes to the end of the highest tensor in each tier's arena.
void computeArenaBytes(MappedProgram &program);

/// What the mapper is asked to do.
struct TierMappingOptions {
  /// Copy tensors between tiers: prefetch into the fast tier ahead of use,
  /// evict to the backing tier across long gaps. Without copies a value
  /// lives in one tier for its whole life and weights are read in place.
  bool copies = true;
  /// Offsets are multiples of this (a power of two).
  int64_t alignment = 64;
  /// Activations placed in the fast tier before all others, each for its
  /// defining kernel only (a cascade's stripe buffers, TileMapping.h); each
  /// must fit the fast tier on its own.
  SmallVector<int> pinned;
};

/// Mapping statistics for reports.
struct TierMappingStats {
  /// Activations that never enter the fast tier, and of those the ones
  /// larger than the whole fast tier.
  int valuesInBacking = 0;
  SmallVector<int> tooLarge;
  int prefetches = 0;
  int evictions = 0;
};

/// The greedy mapper for a fixed `order` of `graph`'s nodes. `tiers` are
/// fastest first; with one tier everything is at home there. Activations
/// are placed first, by traffic saved per byte and position they occupy
/// (accesses / span; ties: larger first, then lower id), each at the
/// best-fitting aligned offset among the fast-tier tensors live at the same
/// time; one that does not fit is split at its longest gap between accesses
/// into runs that are evicted and prefetched again, and a run that still
/// does not fit reads from the backing tier. Weights and arguments are then
/// prefetched into what remains. A prefetch starts as early as needed to
/// hide its transfer behind the compute of the kernels before its first
/// use (`computeSeconds`, per node), later if capacity forces it.
/// Backing-tier tensors get offsets greedy by size (Offsets.h).
MappedProgram mapTiersGreedy(const KernelGraph &graph, ArrayRef<int> order,
                             ArrayRef<double> computeSeconds,
                             ArrayRef<MappingTier> tiers,
                             const TierMappingOptions &options,
                             TierMappingStats *stats = nullptr);

/// Limits of the exact mapper.
struct TierILPOptions {
  double timeLimitSeconds = 10;
  /// Larger models are not built; the greedy plan is returned.
  int64_t maxVariables = 60000;
  unsigned seed = 1;
  /// Start CBC from the greedy plan.
  bool warmStart = true;
};

/// What the exact mapper found: the solver's report (objective: the
/// non-compulsory off-chip bytes of the model's plan; bound: CBC's lower
/// bound on them) and the program it returns.
struct TierILPResult : SolverReport {
  MappedProgram program;
  /// The program is the greedy mapper's, not the model's (`note` says
  /// why): the model was too large (status error), CBC found no plan in
  /// time (timeout), the model's placements did not pack into the tier or
  /// moved more bytes than greedy's (feasible).
  bool keptGreedy = true;
  int64_t variables = 0, constraints = 0;
};

/// "greedy" when the result kept greedy's plan, else its status.
StringRef describeTierILPOutcome(const TierILPResult &result);

/// The exact mapper, a COSMA-style MILP solved with CBC (single thread,
/// seeded, time-boxed): per value and access, binaries for "served from
/// the fast tier", "kept in the fast tier since the previous access",
/// "prefetched before this access" and, per activation, "evicted"; the live
/// bytes of the fast tier (sizes rounded up to the alignment) within its
/// capacity at every position; minimize the non-compulsory off-chip bytes.
/// A prefetch starts where the greedy mapper's would (early enough to hide
/// behind compute). Offsets are then packed greedy-by-size; if the packing
/// overflows the tier, the model is solved again with the capacity reduced
/// by the overflow (a few times) before falling back to greedy.
TierILPResult mapTiersILP(const KernelGraph &graph, ArrayRef<int> order,
                          ArrayRef<double> computeSeconds,
                          ArrayRef<MappingTier> tiers,
                          const TierMappingOptions &options,
                          const TierILPOptions &ilp);

/// Everything in the backing tier: the baseline the mapper is measured
/// against.
MappedProgram mapTiersToBacking(const KernelGraph &graph, ArrayRef<int> order,
                                ArrayRef<double> computeSeconds,
                                ArrayRef<MappingTier> tiers,
                                int64_t alignment = 64);

/// Kernel results that never enter the fastest tier (written to the backing
/// tier and never prefetched).
int countResultsOnlyInBacking(const MappedProgram &program);

/// A rule of a valid plan that a mapped program breaks.
struct PlanViolation {
  /// The tensor concerned, and the one it clashes with (or -1).
  int tensor = -1, other = -1;
  /// The op concerned (or -1).
  int op = -1;
  std::string message;
};

/// Checks a mapped program: within each tier no two tensors live at a
/// common position share a byte; every arena tensor fits its tier's
/// capacity and planned arena; offsets are multiples of their alignment;
/// kernels read tensors live at their position (so the copy they read is
/// resident); a prefetch moves a tensor to a faster tier, an evict to a
/// slower one, each before its readers; results are in the backing tier.
/// Call computeMappedLiveRanges first. Empty when the plan is valid.
SmallVector<PlanViolation> verifyMappedProgram(const MappedProgram &program);

/// What running a mapped program costs, by the simulator's rules:
/// - kernels run one at a time in program order; a kernel takes
///   max(compute, sum over its tensors of bytes / the tier's bandwidth)
///   plus the backing tier's latency when it touches that tier;
/// - copies run one at a time per pair of tiers (a link), in program
///   order, taking bytes / the slower tier's bandwidth plus its latency;
///   a copy starts once the kernels before it have finished and its source
///   has been written;
/// - a kernel starts once the kernel before it has finished, the copies
///   that wrote its operands have completed, and earlier copies that read
///   memory it overwrites have completed.
struct SimulationResult {
  double totalSeconds = 0;
  /// Sum of kernel durations, and time kernels waited on copies.
  double kernelSeconds = 0;
  double stallSeconds = 0;
  /// Bytes moved to or from the backing tier, by kernels and copies.
  int64_t offchipBytes = 0;
  /// Reading every argument and weight once and writing every result once.
  int64_t compulsoryBytes = 0;
  /// offchipBytes - compulsoryBytes: spills, reloads and repeated reads.
  int64_t nonCompulsoryBytes = 0;
  /// Bytes copied between tiers.
  int64_t copyBytes = 0;
  /// Per op, its start and end in seconds.
  SmallVector<double> start, end;
};

SimulationResult simulateMappedProgram(const MappedProgram &program);

/// The simulation's figures under the keys every report prints
/// (`total_seconds`, `kernel_seconds`, `stall_seconds`, `offchip_bytes`,
/// `compulsory_bytes`, `non_compulsory_bytes`, `copy_bytes`).
llvm::json::Object getSimulationJSON(const SimulationResult &sim);

/// Non-compulsory traffic that no mapping of `program`'s kernels avoids
/// without splitting tensors: a kernel result larger than the fastest tier
/// is written to the backing tier (unless it is a function result, whose
/// write is compulsory) and read from there by every kernel that reads it.
/// 0 with one tier.
int64_t getUnavoidableTraffic(const MappedProgram &program);

/// Appends to `events` (Chrome / Perfetto trace events) a process `pid`
/// named `process` with one track of kernels and one track per tier link
/// with its copies; times in microseconds. `opNames` names each op.
void appendSimulationTrace(const MappedProgram &program,
                           const SimulationResult &result,
                           ArrayRef<std::string> opNames, int pid,
                           StringRef process, llvm::json::Array &events);

} // namespace mlir::strata

#endif // STRATA_PLANNING_TIERMAPPING_H

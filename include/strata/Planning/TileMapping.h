//===- TileMapping.h - Tier mapping at stripe granularity -------*- C++ -*-===//
//
// The tensor-level mapper (TierMapping.h) keeps every value whole: a value
// larger than the scratchpad goes to DRAM, and every read of it there is
// off-chip traffic. Here kernels run in *stripes*: runs of rows of one
// dimension of their outputs (the spatial height of an NHWC activation).
// For output rows [a, b] a kernel reads rows [a*s + lo, b*s + hi] of each
// operand (its RowAccess), so a run of consecutive kernels can form a
// *cascade*: it computes the last kernel's output stripe by stripe, each
// kernel producing the rows its consumers need next, and a value made and
// consumed inside the cascade lives only as a rolling buffer of the rows
// still to be read, on chip, never whole and never in DRAM (what Arm's
// Vela calls cascading and TVM's cascader plans for Ethos-U). The values
// crossing a cascade's boundary are mapped at tensor level, with the
// cascade's stripe buffers reserved in the fast tier while it runs; a
// boundary value left in DRAM is streamed through a double-buffered stripe
// buffer (the next rows arrive while the current ones are used).
//
// All of it is plain C++ over the kernel graph plus, per value, its row
// count and, per kernel input, its RowAccess (strata/Analysis/TileAccess.h
// derives both from the ops in each kernel).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_TILEMAPPING_H
#define STRATA_PLANNING_TILEMAPPING_H

#include "strata/Planning/TierMapping.h"

namespace mlir::strata {

/// Which rows of one operand a kernel reads for its output row r: rows
/// [r * stride + lo, r * stride + hi], clamped to the operand's rows.
/// stride 0 reads the same rows for every output row (a broadcast).
struct RowAccess {
  int64_t stride = 1, lo = 0, hi = 0;
  /// Any output row needs every row of the operand (a reduction over the
  /// streamed dimension, a reshape that mixes rows): the operand must be
  /// whole before the kernel starts.
  bool whole = false;

  static RowAccess getWhole() {
    RowAccess a;
    a.whole = true;
    return a;
  }
  bool operator==(const RowAccess &o) const {
    return whole == o.whole &&
           (whole || (stride == o.stride && lo == o.lo && hi == o.hi));
  }
};

/// How the kernels of a graph stream.
struct StripeInfo {
  /// Per value: its rows along the streamed dimension (1: not split) and the
  /// dimension (-1 when not split); bytes per row is bytes / rows, rounded up.
  SmallVector<int64_t> rows;
  SmallVector<int> dim;
  /// Per node, per input (parallel to KGNode::inputs).
  SmallVector<SmallVector<RowAccess>> access;

  /// Every value whole, every access whole: no cascades.
  static StripeInfo getWhole(const KernelGraph &graph);
  int64_t getRowBytes(const KernelGraph &graph, int value) const {
    return (graph.values[value].bytes + rows[value] - 1) / rows[value];
  }
};

/// What the tile-level mapper is asked to do.
struct TileMappingOptions {
  TierMappingOptions tensor;
  /// Rows every kernel of a cascade computes at once (its stripe).
  int64_t stripeRows = 1;
  /// Fraction of the fast tier a cascade's stripe buffers may take; the
  /// rest is left to the values crossing cascade boundaries.
  double bufferFraction = 1.0;
};

/// A run of consecutive kernels computed stripe by stripe.
struct Cascade {
  /// Steps of the order, inclusive.
  int first = 0, last = 0;
  /// Stripe buffer bytes in the fast tier while it runs (sizes rounded up
  /// to the alignment), and per value (ascending ids): the rows it holds.
  int64_t bufferBytes = 0;
  SmallVector<std::pair<int, int64_t>> bufferRows;
  /// Values produced and consumed only inside: never whole, never off chip.
  SmallVector<int> internal;
  /// The node of the reduced graph it becomes.
  int node = -1;
};

/// Whether kernels [first, last] of `order` can run as one cascade and what
/// buffers it needs: every value made inside and read inside is read by
/// rows; buffer sizes come from running the cascade stripe by stripe (the
/// kernels whose results leave pull the others: a kernel computes its next
/// stripe of `stripeRows` rows once the rows it reads exist, pulling them
/// from their producers the same way, as a producer computed at its
/// consumer's rows with a sliding window would), holding each value's rows
/// from the lowest one a consumer will still read to the newest produced;
/// an input from outside holds the rows its readers' windows span plus one
/// stripe of strides ahead (double buffering), an output leaving the
/// cascade two stripes (the one written and the one draining).
std::optional<Cascade> evaluateCascade(const KernelGraph &graph,
                                       const StripeInfo &info,
                                       ArrayRef<int> order, int first, int last,
                                       const TileMappingOptions &options);

/// A tile-level plan: the cascades, the reduced graph in which each cascade
/// is one node (its internal values gone, one extra value per cascade for
/// its stripe buffers, pinned in the fast tier) and the tensor-level plan of
/// that graph.
struct TilePlan {
  SmallVector<Cascade> cascades;
  /// Per node of the original graph: its cascade, or -1.
  SmallVector<int> cascadeOf;
  KernelGraph reduced;
  /// Per reduced node: the original nodes it runs, in order; per reduced
  /// value: the original value, or -1 for a cascade's buffer.
  SmallVector<SmallVector<int>> nodesOf;
  SmallVector<int> valueOf;
  /// The reduced graph's kernel order and the mapped program over it.
  SmallVector<int> order;
  MappedProgram program;
};

/// The tile-level greedy mapper for a fixed `order`: cascades are grown
/// along the order while their stripe buffers fit (in the spirit of Vela's
/// cascade builder), then the reduced graph is mapped by mapTiersGreedy with
/// each cascade's buffer placed first. Where that plan moves more off-chip
/// bytes (or as many, more slowly) than mapTiersGreedy on whole tensors,
/// the plan without cascades is returned: cascades never cost traffic.
TilePlan mapTilesGreedy(const KernelGraph &graph, const StripeInfo &info,
                        ArrayRef<int> order, ArrayRef<double> computeSeconds,
                        ArrayRef<MappingTier> tiers,
                        const TileMappingOptions &options);

} // namespace mlir::strata

#endif // STRATA_PLANNING_TILEMAPPING_H

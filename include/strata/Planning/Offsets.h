//===- Offsets.h - Packing buffers into one arena ---------------*- C++ -*-===//
//
// Gives every buffer (bytes, live steps [first, last]) a byte offset in one
// arena so that no two buffers live at the same step overlap, and reports
// the arena's size. The memory-tier mapper uses it for the offsets of the
// values it places in a tier; a CPU lowering allocates one arena of that
// size per tier.
//
// The planner is greedy by size, as TensorFlow Lite Micro's memory planner
// is: largest buffers first (ties: earlier first step, then lower id), each
// at the lowest aligned offset where it overlaps no buffer already placed
// whose live range intersects its own (TimeAddressArena's first fit,
// strata/Planning/Arena.h). Plain C++, testable without IR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PLANNING_OFFSETS_H
#define STRATA_PLANNING_OFFSETS_H

#include "strata/Planning/Arena.h"

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>
#include <utility>

namespace mlir::strata {

struct ArenaPlan {
  /// Per buffer, its offset (a multiple of the alignment).
  SmallVector<int64_t> offsets;
  /// The end of the highest-placed buffer.
  int64_t arenaBytes = 0;
};

/// Greedy-by-size offsets for `buffers` (their live steps and bytes; the
/// offsets they carry are ignored); offsets are multiples of `alignment` (a
/// power of two, at least 1).
ArenaPlan planArenaOffsets(ArrayRef<ArenaBlock> buffers, int64_t alignment = 1);

/// A pair of buffers (i < j) that are live at a common step and overlap in
/// [offset, offset + bytes) when placed at `offsets` (instead of the
/// offsets they carry), if any (findBlockOverlaps, O(n log n)).
std::optional<std::pair<int, int>>
findArenaOverlap(ArrayRef<ArenaBlock> buffers, ArrayRef<int64_t> offsets);

/// The most bytes live at any one step: no arena can be smaller.
int64_t getArenaLowerBound(ArrayRef<ArenaBlock> buffers);

} // namespace mlir::strata

#endif // STRATA_PLANNING_OFFSETS_H

//===- Offsets.cpp - Packing buffers into one arena -----------------------===//

#include "strata/Planning/Offsets.h"
#include "strata/Planning/Arena.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::strata;

ArenaPlan mlir::strata::planArenaOffsets(ArrayRef<ArenaBlock> buffers,
                                         int64_t alignment) {
  SmallVector<int> byPriority(buffers.size());
  std::iota(byPriority.begin(), byPriority.end(), 0);
  llvm::stable_sort(byPriority, [&](int a, int b) {
    if (buffers[a].bytes != buffers[b].bytes)
      return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first < buffers[b].first;
  });

  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  TimeAddressArena arena(std::numeric_limits<int64_t>::max(), alignment,
                         /*firstFitOnly=*/true);
  for (int id : byPriority) {
    ArenaBlock block = buffers[id];
    block.offset =
        *arena.find(block.first, block.last, block.bytes, ArenaFit::First);
    plan.offsets[id] = block.offset;
    arena.place(block);
  }
  plan.arenaBytes = arena.getHighWater();
  return plan;
}

std::optional<std::pair<int, int>>
mlir::strata::findArenaOverlap(ArrayRef<ArenaBlock> buffers,
                               ArrayRef<int64_t> offsets) {
  SmallVector<ArenaBlock> blocks(buffers);
  for (auto [block, offset] : llvm::zip(blocks, offsets))
    block.offset = offset;
  SmallVector<std::pair<int, int>> pairs = findBlockOverlaps(blocks, 1);
  if (pairs.empty())
    return std::nullopt;
  return pairs.front();
}

int64_t mlir::strata::getArenaLowerBound(ArrayRef<ArenaBlock> buffers) {
  int steps = 0;
  for (const ArenaBlock &b : buffers)
    steps = std::max(steps, b.last + 1);
  SmallVector<int64_t> delta(steps + 1, 0);
  for (const ArenaBlock &b : buffers) {
    delta[b.first] += b.bytes;
    delta[b.last + 1] -= b.bytes;
  }
  int64_t live = 0, most = 0;
  for (int step = 0; step < steps; ++step)
    most = std::max(most, live += delta[step]);
  return most;
}

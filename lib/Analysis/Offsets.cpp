//===- Offsets.cpp - Packing buffers into one arena -----------------------===//

#include "strata/Analysis/Offsets.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <cassert>
#include <numeric>

using namespace mlir;
using namespace mlir::strata;

static bool liveTogether(const ArenaBuffer &a, const ArenaBuffer &b) {
  return a.first <= b.last && b.first <= a.last;
}

ArenaPlan mlir::strata::planArenaOffsets(ArrayRef<ArenaBuffer> buffers,
                                         int64_t alignment) {
  assert(alignment >= 1 && llvm::isPowerOf2_64(alignment) &&
         "alignment must be a power of two");
  SmallVector<int> byPriority(buffers.size());
  std::iota(byPriority.begin(), byPriority.end(), 0);
  llvm::stable_sort(byPriority, [&](int a, int b) {
    if (buffers[a].bytes != buffers[b].bytes)
      return buffers[a].bytes > buffers[b].bytes;
    return buffers[a].first < buffers[b].first;
  });

  ArenaPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  SmallVector<int> placed;
  SmallVector<std::pair<int64_t, int64_t>> taken;
  for (int id : byPriority) {
    const ArenaBuffer &buffer = buffers[id];
    // The byte ranges of placed buffers live at the same time, by offset;
    // take the first aligned gap that holds this buffer.
    taken.clear();
    for (int other : placed)
      if (liveTogether(buffer, buffers[other]))
        taken.push_back(std::make_pair(
            plan.offsets[other], plan.offsets[other] + buffers[other].bytes));
    llvm::sort(taken);
    int64_t offset = 0;
    for (auto [begin, end] : taken) {
      if (offset + buffer.bytes <= begin)
        break;
      offset = std::max(offset, (int64_t)llvm::alignTo(end, alignment));
    }
    plan.offsets[id] = offset;
    plan.arenaBytes = std::max(plan.arenaBytes, offset + buffer.bytes);
    placed.push_back(id);
  }
  return plan;
}

std::optional<std::pair<int, int>>
mlir::strata::findArenaOverlap(ArrayRef<ArenaBuffer> buffers,
                               ArrayRef<int64_t> offsets) {
  for (size_t i = 0; i < buffers.size(); ++i)
    for (size_t j = i + 1; j < buffers.size(); ++j)
      if (liveTogether(buffers[i], buffers[j]) && buffers[i].bytes > 0 &&
          buffers[j].bytes > 0 && offsets[i] < offsets[j] + buffers[j].bytes &&
          offsets[j] < offsets[i] + buffers[i].bytes)
        return std::make_pair(int(i), int(j));
  return std::nullopt;
}

int64_t mlir::strata::getArenaLowerBound(ArrayRef<ArenaBuffer> buffers) {
  int steps = 0;
  for (const ArenaBuffer &b : buffers)
    steps = std::max(steps, b.last + 1);
  SmallVector<int64_t> delta(steps + 1, 0);
  for (const ArenaBuffer &b : buffers) {
    delta[b.first] += b.bytes;
    delta[b.last + 1] -= b.bytes;
  }
  int64_t live = 0, most = 0;
  for (int step = 0; step < steps; ++step)
    most = std::max(most, live += delta[step]);
  return most;
}

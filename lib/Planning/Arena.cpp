//===- Arena.cpp - Blocks in time x address -------------------------------===//

#include "strata/Planning/Arena.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cassert>
#include <queue>
#include <set>

using namespace mlir;
using namespace mlir::strata;

TimeAddressArena::TimeAddressArena(int64_t capacity, int64_t alignment,
                                   bool firstFitOnly)
    : capacity(capacity), alignment(alignment), firstFitOnly(firstFitOnly) {
  assert(alignment >= 1 && llvm::isPowerOf2_64(alignment) &&
         "alignment must be a power of two");
  grow(1);
}

void TimeAddressArena::grow(int steps) {
  int newSize = std::max(size, 1);
  while (newSize < steps)
    newSize *= 2;
  if (newSize == size)
    return;
  size = newSize;
  covering.assign(2 * size, {});
  inSubtree.assign(2 * size, {});
  coveringSpans.assign(2 * size, {});
  subtreeSpans.assign(2 * size, {});
  for (size_t id = 0; id < blocks.size(); ++id)
    insert(1, 0, size - 1, id);
}

void TimeAddressArena::insert(int node, int lo, int hi, int id) {
  const ArenaBlock &b = blocks[id];
  if (b.last < lo || hi < b.first)
    return;
  if (!firstFitOnly)
    inSubtree[node].push_back(id);
  if (b.bytes > 0)
    addSpan(subtreeSpans[node], b.offset, b.offset + b.bytes);
  if (b.first <= lo && hi <= b.last) {
    if (!firstFitOnly)
      covering[node].push_back(id);
    if (b.bytes > 0)
      addSpan(coveringSpans[node], b.offset, b.offset + b.bytes);
    return;
  }
  int mid = lo + (hi - lo) / 2;
  insert(2 * node, lo, mid, id);
  insert(2 * node + 1, mid + 1, hi, id);
}

int TimeAddressArena::place(const ArenaBlock &block) {
  assert(block.first >= 0 && block.first <= block.last && "bad live range");
  int id = blocks.size();
  blocks.push_back(block);
  seen.push_back(0);
  if (block.last >= size)
    grow(block.last + 1); // reinserts every block, this one included
  else
    insert(1, 0, size - 1, id);
  highWater = std::max(highWater, block.offset + block.bytes);
  return id;
}

SmallVector<int> TimeAddressArena::getLiveBlocks(int first, int last) const {
  SmallVector<int> result = collectLiveBlocks(first, last);
  llvm::sort(result);
  return result;
}

SmallVector<int> TimeAddressArena::collectLiveBlocks(int first,
                                                     int last) const {
  assert(!firstFitOnly && "a first-fit-only arena keeps no block lists");
  SmallVector<int> result;
  last = std::min(last, size - 1);
  if (first > last)
    return result;
  if (++stamp == 0) {
    std::fill(seen.begin(), seen.end(), 0);
    stamp = 1;
  }
  auto report = [&](const std::vector<int> &ids) {
    for (int id : ids)
      if (seen[id] != stamp) {
        seen[id] = stamp;
        result.push_back(id);
      }
  };
  // Nodes partly inside the query report the blocks covering them whole;
  // a node wholly inside reports every block stored in its subtree.
  auto visit = [&](auto &self, int node, int lo, int hi) -> void {
    if (last < lo || hi < first)
      return;
    if (first <= lo && hi <= last) {
      report(inSubtree[node]);
      return;
    }
    report(covering[node]);
    int mid = lo + (hi - lo) / 2;
    self(self, 2 * node, lo, mid);
    self(self, 2 * node + 1, mid + 1, hi);
  };
  visit(visit, 1, 0, size - 1);
  return result;
}

void TimeAddressArena::addSpan(Spans &spans, int64_t begin, int64_t end) {
  // The spans that meet or touch [begin, end) merge with it.
  auto from = llvm::partition_point(
      spans, [&](const auto &span) { return span.second < begin; });
  auto to = std::partition_point(
      from, spans.end(), [&](const auto &span) { return span.first <= end; });
  if (from == to) {
    spans.insert(from, {begin, end});
    return;
  }
  from->first = std::min(from->first, begin);
  from->second = std::max(std::prev(to)->second, end);
  spans.erase(std::next(from), to);
}

int64_t TimeAddressArena::nextFree(const Spans &spans, size_t &cursor,
                                   int64_t offset, int64_t bytes) const {
  // The offset only rises during a query, so each union's cursor (its
  // first span ending above the offset) only moves right: gallop from it.
  size_t step = 1, lo = cursor, hi = cursor;
  while (hi < spans.size() && spans[hi].second <= offset) {
    lo = hi + 1;
    hi = std::min(spans.size(), hi + step);
    step *= 2;
  }
  cursor = std::partition_point(
               spans.begin() + lo, spans.begin() + hi,
               [&](const auto &span) { return span.second <= offset; }) -
           spans.begin();
  for (; cursor < spans.size() && spans[cursor].first < offset + bytes;
       ++cursor)
    offset = llvm::alignTo(spans[cursor].second, alignment);
  return offset;
}

std::optional<int64_t> TimeAddressArena::findFirst(int first, int last,
                                                   int64_t bytes) const {
  // The unions whose blocks are all live somewhere in [first, last].
  SmallVector<const Spans *, 64> unions;
  last = std::min(last, size - 1);
  auto visit = [&](auto &self, int node, int lo, int hi) -> void {
    if (last < lo || hi < first)
      return;
    if (first <= lo && hi <= last) {
      if (!subtreeSpans[node].empty())
        unions.push_back(&subtreeSpans[node]);
      return;
    }
    if (!coveringSpans[node].empty())
      unions.push_back(&coveringSpans[node]);
    int mid = lo + (hi - lo) / 2;
    self(self, 2 * node, lo, mid);
    self(self, 2 * node + 1, mid + 1, hi);
  };
  if (first <= last)
    visit(visit, 1, 0, size - 1);
  // Raise the offset to each union's next free place until a whole round
  // leaves it where it is: then it is free in every union, and no lower
  // offset is (each raise skips only offsets busy in some union).
  int64_t offset = 0;
  SmallVector<size_t, 64> cursors(unions.size(), 0);
  for (size_t i = 0, unmoved = 0; unmoved < unions.size();
       i = (i + 1) % unions.size()) {
    const Spans &spans = *unions[i];
    size_t cursor = cursors[i];
    // Most visits find the union's next span above the block: no call.
    if (cursor == spans.size() || (spans[cursor].second > offset &&
                                   spans[cursor].first >= offset + bytes)) {
      ++unmoved;
      continue;
    }
    int64_t next = nextFree(spans, cursors[i], offset, bytes);
    if (next == offset) {
      ++unmoved;
      continue;
    }
    offset = next;
    unmoved = 1;
    if (offset > capacity - bytes)
      return std::nullopt;
  }
  if (offset > capacity - bytes)
    return std::nullopt;
  return offset;
}

std::optional<int64_t>
TimeAddressArena::find(int first, int last, int64_t bytes, ArenaFit fit) const {
  if (bytes > capacity)
    return std::nullopt;
  if (fit == ArenaFit::First)
    return findFirst(first, last, bytes);
  SmallVector<std::pair<int64_t, int64_t>> busy;
  for (int id : collectLiveBlocks(first, last))
    if (blocks[id].bytes > 0)
      busy.push_back({blocks[id].offset, blocks[id].offset + blocks[id].bytes});
  llvm::sort(busy);
  std::optional<int64_t> best;
  int64_t bestGap = 0, cursor = 0;
  auto consider = [&](int64_t gapEnd) {
    int64_t at = llvm::alignTo(cursor, alignment);
    if (gapEnd - at >= bytes && (!best || gapEnd - at < bestGap)) {
      best = at;
      bestGap = gapEnd - at;
    }
  };
  for (auto [begin, end] : busy) {
    consider(begin);
    cursor = std::max(cursor, end);
  }
  consider(capacity);
  return best;
}

SmallVector<std::pair<int, int>>
mlir::strata::findBlockOverlaps(ArrayRef<ArenaBlock> blocks, size_t maxPairs) {
  SmallVector<std::pair<int, int>> pairs;
  SmallVector<int> byStart;
  for (auto [id, b] : llvm::enumerate(blocks))
    if (b.bytes > 0)
      byStart.push_back(id);
  llvm::stable_sort(
      byStart, [&](int a, int b) { return blocks[a].first < blocks[b].first; });
  // Live blocks by offset, and by last step for retiring them.
  std::set<std::pair<int64_t, int>> live;
  using Retire = std::pair<int, int>;
  std::priority_queue<Retire, std::vector<Retire>, std::greater<Retire>> retire;
  auto note = [&](int a, int b) {
    pairs.push_back({std::min(a, b), std::max(a, b)});
  };
  for (int id : byStart) {
    const ArenaBlock &b = blocks[id];
    while (!retire.empty() && retire.top().first < b.first) {
      int gone = retire.top().second;
      retire.pop();
      live.erase({blocks[gone].offset, gone});
    }
    auto it = live.lower_bound({b.offset, -1});
    if (it != live.begin()) {
      int before = std::prev(it)->second;
      if (blocks[before].offset + blocks[before].bytes > b.offset)
        note(before, id);
    }
    for (; it != live.end() && it->first < b.offset + b.bytes &&
           pairs.size() < maxPairs;
         ++it)
      note(it->second, id);
    if (pairs.size() >= maxPairs)
      break;
    live.insert({b.offset, id});
    retire.push({b.last, id});
  }
  if (pairs.size() > maxPairs)
    pairs.resize(maxPairs);
  return pairs;
}

//===- TierSimulate.cpp - Live ranges, plan checks and simulation ---------===//
//
// The parts of TierMapping.h that read a mapped program: its tensors' live
// ranges and arena sizes, the plan verifier and the traffic/time simulator.
//
//===----------------------------------------------------------------------===//

#include "strata/Planning/Arena.h"
#include "strata/Planning/TierMapping.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::strata;

void mlir::strata::computeMappedLiveRanges(MappedProgram &program) {
  for (MappedTensor &t : program.tensors)
    t.start = t.end = -1;
  for (const MappedOp &op : program.ops) {
    for (int w : op.writes) {
      MappedTensor &t = program.tensors[w];
      if (t.start < 0) {
        t.start = op.position;
        t.end = std::max(t.end, op.position);
      }
    }
    for (int r : op.reads)
      program.tensors[r].end = std::max(program.tensors[r].end, op.position);
  }
  for (int r : program.results)
    program.tensors[r].end = program.getEndPosition();
  for (MappedTensor &t : program.tensors) {
    // Never written: at home from the start.
    if (t.start < 0)
      t.start = 0;
    t.end = std::max(t.end, t.start);
  }
}

void mlir::strata::computeArenaBytes(MappedProgram &program) {
  program.arenaBytes.assign(program.tiers.size(), 0);
  for (const MappedTensor &t : program.tensors)
    if (t.offset >= 0)
      program.arenaBytes[t.tier] =
          std::max(program.arenaBytes[t.tier], t.offset + t.bytes);
}

SmallVector<PlanViolation>
mlir::strata::verifyMappedProgram(const MappedProgram &program) {
  SmallVector<PlanViolation> out;
  auto report = [&](int tensor, int other, int op, std::string message) {
    out.push_back({tensor, other, op, std::move(message)});
  };
  int numTiers = program.tiers.size();
  int backing = program.getBackingTier();
  SmallVector<int> writer(program.tensors.size(), -1);
  for (auto [i, op] : llvm::enumerate(program.ops))
    for (int w : op.writes) {
      if (writer[w] >= 0)
        report(w, -1, i, "tensor is written twice");
      writer[w] = i;
    }

  for (auto [i, t] : llvm::enumerate(program.tensors)) {
    if (t.tier < 0 || t.tier >= numTiers) {
      report(i, -1, -1, "tensor is in no tier of the target");
      continue;
    }
    const MappingTier &tier = program.tiers[t.tier];
    if (t.offset < 0) {
      if (writer[i] >= 0 || t.tier != backing)
        report(i, -1, writer[i],
               "only unwritten tensors in the backing tier ('" +
                   program.tiers[backing].name + "') may be outside an arena");
      continue;
    }
    if (t.alignment < 1 || t.offset % t.alignment != 0)
      report(i, -1, -1,
             llvm::formatv("offset {0} is not a multiple of alignment {1}",
                           t.offset, t.alignment));
    if (t.offset + t.bytes > (int64_t)tier.capacity)
      report(i, -1, -1,
             llvm::formatv("[{0}, {1}) exceeds the capacity of tier '{2}' "
                           "({3} B)",
                           t.offset, t.offset + t.bytes, tier.name,
                           tier.capacity));
    else if ((size_t)t.tier < program.arenaBytes.size() &&
             t.offset + t.bytes > program.arenaBytes[t.tier])
      report(i, -1, -1,
             llvm::formatv("[{0}, {1}) exceeds the planned '{2}' arena "
                           "({3} B)",
                           t.offset, t.offset + t.bytes, tier.name,
                           program.arenaBytes[t.tier]));
  }

  // Overlaps: per tier, the arena's sweep (findBlockOverlaps).
  for (int tier = 0; tier < numTiers; ++tier) {
    SmallVector<int> ids;
    SmallVector<ArenaBlock> blocks;
    for (auto [i, t] : llvm::enumerate(program.tensors))
      if (t.tier == tier && t.offset >= 0 && t.bytes > 0) {
        ids.push_back(i);
        blocks.push_back({t.start, t.end, t.offset, t.bytes});
      }
    for (auto [x, y] : findBlockOverlaps(blocks, /*maxPairs=*/64)) {
      // Name the later-starting tensor first, as the sweep meets them.
      int id = ids[y], other = ids[x];
      if (program.tensors[id].start < program.tensors[other].start)
        std::swap(id, other);
      const MappedTensor &t = program.tensors[id];
      const MappedTensor &o = program.tensors[other];
      report(id, other, -1,
             llvm::formatv("[{0}, {1}) in '{2}' overlaps a tensor at "
                           "[{3}, {4}) live at the same time (positions "
                           "{5}-{6} and {7}-{8})",
                           t.offset, t.offset + t.bytes,
                           program.tiers[tier].name, o.offset,
                           o.offset + o.bytes, t.start, t.end, o.start, o.end));
    }
  }

  for (auto [i, op] : llvm::enumerate(program.ops)) {
    for (int r : op.reads)
      if (writer[r] >= (int)i)
        report(r, -1, i, "read before the tensor is written (not resident)");
    if (op.kind == MappedOpKind::Kernel)
      continue;
    bool prefetch = op.kind == MappedOpKind::Prefetch;
    StringRef name = prefetch ? "prefetch" : "evict";
    if (op.reads.size() != 1 || op.writes.size() != 1) {
      report(-1, -1, i, (name + " must copy one tensor to one").str());
      continue;
    }
    const MappedTensor &from = program.tensors[op.reads[0]];
    const MappedTensor &to = program.tensors[op.writes[0]];
    if (from.bytes != to.bytes)
      report(op.writes[0], -1, i,
             (name + " changes the size of the tensor").str());
    if (prefetch && !(to.tier < from.tier))
      report(op.writes[0], -1, i,
             "prefetch must copy into a faster tier than its source's");
    if (!prefetch && !(to.tier > from.tier))
      report(op.writes[0], -1, i,
             "evict must copy into a slower tier than its source's");
  }
  for (int r : program.results)
    if (program.tensors[r].tier != backing)
      report(r, -1, -1,
             "a function result must be in the backing tier ('" +
                 program.tiers[backing].name + "')");
  return out;
}

SimulationResult
mlir::strata::simulateMappedProgram(const MappedProgram &program) {
  SimulationResult result;
  int backing = program.getBackingTier();
  size_t numOps = program.ops.size();
  result.start.assign(numOps, 0);
  result.end.assign(numOps, 0);
  SmallVector<double> ready(program.tensors.size(), 0);
  llvm::DenseMap<std::pair<int, int>, double> linkFree;
  // Earlier copies that read arena memory: (tier, lo, hi, end time). Those
  // that ended before the running kernel started can delay nothing.
  struct PendingRead {
    int tier;
    int64_t lo, hi;
    double end;
  };
  SmallVector<PendingRead> pending;
  auto warDelay = [&](int tensor) {
    const MappedTensor &t = program.tensors[tensor];
    double at = 0;
    for (const PendingRead &p : pending)
      if (p.tier == t.tier && p.lo < t.offset + t.bytes && t.offset < p.hi)
        at = std::max(at, p.end);
    return at;
  };
  double kernelEnd = 0;
  for (size_t i = 0; i < numOps; ++i) {
    const MappedOp &op = program.ops[i];
    if (op.kind == MappedOpKind::Kernel) {
      double start = kernelEnd;
      for (int r : op.reads)
        start = std::max(start, ready[r]);
      for (int w : op.writes)
        if (program.tensors[w].offset >= 0)
          start = std::max(start, warDelay(w));
      double memory = 0;
      bool touchesBacking = false;
      SmallVector<int> touched(op.reads);
      touched.append(op.writes.begin(), op.writes.end());
      llvm::sort(touched);
      touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
      for (int id : touched) {
        const MappedTensor &t = program.tensors[id];
        memory += double(t.bytes) / program.tiers[t.tier].bandwidth;
        if (t.tier == backing) {
          touchesBacking = true;
          result.offchipBytes += t.bytes;
        }
      }
      double duration = std::max(op.computeSeconds, memory);
      if (touchesBacking)
        duration += program.tiers[backing].latency;
      result.stallSeconds += start - kernelEnd;
      result.kernelSeconds += duration;
      result.start[i] = start;
      result.end[i] = kernelEnd = start + duration;
      for (int w : op.writes)
        ready[w] = kernelEnd;
      llvm::erase_if(pending,
                     [&](const PendingRead &p) { return p.end <= start; });
      continue;
    }
    int from = op.reads[0], to = op.writes[0];
    const MappedTensor &src = program.tensors[from];
    const MappedTensor &dst = program.tensors[to];
    std::pair<int, int> link = {std::min(src.tier, dst.tier),
                                std::max(src.tier, dst.tier)};
    const MappingTier &a = program.tiers[src.tier];
    const MappingTier &b = program.tiers[dst.tier];
    double start = std::max({kernelEnd, linkFree[link], ready[from]});
    if (dst.offset >= 0)
      start = std::max(start, warDelay(to));
    double duration = double(src.bytes) / std::min(a.bandwidth, b.bandwidth) +
                      std::max(a.latency, b.latency);
    result.start[i] = start;
    result.end[i] = ready[to] = linkFree[link] = start + duration;
    result.copyBytes += src.bytes;
    if (src.tier == backing || dst.tier == backing)
      result.offchipBytes += src.bytes;
    if (src.offset >= 0)
      pending.push_back(
          {src.tier, src.offset, src.offset + src.bytes, result.end[i]});
  }
  for (size_t i = 0; i < numOps; ++i)
    result.totalSeconds = std::max(result.totalSeconds, result.end[i]);

  // Compulsory: every home tensor that is read, once; every result that a
  // kernel or copy wrote, once per value.
  SmallVector<bool> read(program.tensors.size(), false);
  for (const MappedOp &op : program.ops)
    for (int r : op.reads)
      read[r] = true;
  for (auto [i, t] : llvm::enumerate(program.tensors))
    if (t.offset < 0 && read[i])
      result.compulsoryBytes += t.bytes;
  SmallVector<int> resultValues;
  for (int r : program.results)
    if (program.tensors[r].offset >= 0 &&
        !llvm::is_contained(resultValues, program.tensors[r].value)) {
      resultValues.push_back(program.tensors[r].value);
      result.compulsoryBytes += program.tensors[r].bytes;
    }
  result.nonCompulsoryBytes = result.offchipBytes - result.compulsoryBytes;
  return result;
}

int mlir::strata::countResultsOnlyInBacking(const MappedProgram &program) {
  llvm::DenseSet<int> prefetched;
  for (const MappedOp &op : program.ops)
    if (op.kind == MappedOpKind::Prefetch)
      prefetched.insert(program.tensors[op.writes[0]].value);
  int count = 0;
  for (const MappedOp &op : program.ops)
    if (op.kind == MappedOpKind::Kernel)
      for (int w : op.writes)
        count += program.tensors[w].tier == program.getBackingTier() &&
                 !prefetched.count(program.tensors[w].value);
  return count;
}

int64_t mlir::strata::getUnavoidableTraffic(const MappedProgram &program) {
  if (program.tiers.size() < 2)
    return 0;
  int64_t capacity = program.tiers.front().capacity;
  // Values too large for the fast tier, and whether they are results.
  llvm::DenseMap<int, bool> large;
  for (const MappedOp &op : program.ops)
    if (op.kind == MappedOpKind::Kernel)
      for (int w : op.writes)
        if (program.tensors[w].bytes > capacity)
          large[program.tensors[w].value] = false;
  for (int r : program.results)
    if (auto it = large.find(program.tensors[r].value); it != large.end())
      it->second = true;
  int64_t bytes = 0;
  for (const MappedOp &op : program.ops) {
    if (op.kind != MappedOpKind::Kernel)
      continue;
    for (int w : op.writes)
      if (auto it = large.find(program.tensors[w].value);
          it != large.end() && !it->second)
        bytes += program.tensors[w].bytes;
    for (int r : op.reads)
      if (large.count(program.tensors[r].value))
        bytes += program.tensors[r].bytes;
  }
  return bytes;
}

void mlir::strata::appendSimulationTrace(const MappedProgram &program,
                                         const SimulationResult &result,
                                         ArrayRef<std::string> opNames, int pid,
                                         StringRef process,
                                         llvm::json::Array &events) {
  events.push_back(
      llvm::json::Object{{"ph", "M"},
                         {"pid", pid},
                         {"name", "process_name"},
                         {"args", llvm::json::Object{{"name", process}}}});
  auto threadName = [&](int tid, std::string name) {
    events.push_back(llvm::json::Object{
        {"ph", "M"},
        {"pid", pid},
        {"tid", tid},
        {"name", "thread_name"},
        {"args", llvm::json::Object{{"name", std::move(name)}}}});
  };
  threadName(1, "compute");
  // One track per link, numbered in order of first use.
  SmallVector<std::pair<int, int>> links;
  auto linkTrack = [&](const MappedOp &op) {
    int a = program.tensors[op.reads[0]].tier;
    int b = program.tensors[op.writes[0]].tier;
    std::pair<int, int> link = {std::min(a, b), std::max(a, b)};
    auto it = llvm::find(links, link);
    if (it != links.end())
      return 2 + int(it - links.begin());
    links.push_back(link);
    threadName(1 + links.size(), program.tiers[link.first].name + " <-> " +
                                     program.tiers[link.second].name);
    return 1 + (int)links.size();
  };
  for (auto [i, op] : llvm::enumerate(program.ops)) {
    int tid = op.kind == MappedOpKind::Kernel ? 1 : linkTrack(op);
    int64_t bytes = 0;
    for (int w : op.writes)
      bytes += program.tensors[w].bytes;
    events.push_back(llvm::json::Object{
        {"ph", "X"},
        {"pid", pid},
        {"tid", tid},
        {"name", i < opNames.size() ? opNames[i] : std::string("op")},
        {"ts", result.start[i] * 1e6},
        {"dur", (result.end[i] - result.start[i]) * 1e6},
        {"args", llvm::json::Object{{"bytes_written", bytes}}}});
  }
}

llvm::json::Object
mlir::strata::getSimulationJSON(const SimulationResult &sim) {
  return llvm::json::Object{{"total_seconds", sim.totalSeconds},
                            {"kernel_seconds", sim.kernelSeconds},
                            {"stall_seconds", sim.stallSeconds},
                            {"offchip_bytes", sim.offchipBytes},
                            {"compulsory_bytes", sim.compulsoryBytes},
                            {"non_compulsory_bytes", sim.nonCompulsoryBytes},
                            {"copy_bytes", sim.copyBytes}};
}

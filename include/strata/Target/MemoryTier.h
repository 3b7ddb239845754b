//===- MemoryTier.h - Memory tiers and compute units ------------*- C++ -*-===//
//
// The plain data of a target description (strata/Target/Target.h reads and
// writes whole descriptions): a memory tier and a group of compute units.
// Planning code (strata/Planning) uses these without the IR.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TARGET_MEMORYTIER_H
#define STRATA_TARGET_MEMORYTIER_H

#include <cstdint>
#include <string>

namespace mlir::strata {

/// One level of the memory hierarchy.
struct MemoryTier {
  std::string name;
  /// Capacity in bytes.
  uint64_t capacity = 0;
  /// Bandwidth between this tier and the compute units, in bytes/s.
  double bandwidth = 0;
  /// Fixed cost of one transfer, in seconds.
  double latency = 0;
};

/// `count` identical compute units and their combined peak throughput.
struct ComputeUnit {
  std::string name;
  uint64_t count = 1;
  /// Peak FLOP/s of all `count` units on dense contractions.
  double matrixFlops = 0;
  /// Peak FLOP/s of all `count` units on everything else.
  double vectorFlops = 0;
};

} // namespace mlir::strata

#endif // STRATA_TARGET_MEMORYTIER_H

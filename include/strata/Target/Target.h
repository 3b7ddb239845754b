//===- Target.h - Target descriptions ---------------------------*- C++ -*-===//
//
// A target description is what Strata knows of a machine: its compute units
// (peak FLOP/s on contractions and on other ops) and its memory tiers
// (capacity, bandwidth, latency), fastest tier first. Descriptions come from
// a module's `strata.target` attribute, from a JSON file, or from a built-in.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_TARGET_TARGET_H
#define STRATA_TARGET_TARGET_H

#include "strata/Target/MemoryTier.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace mlir::strata {
class TargetAttr;

/// A machine Strata plans for. Always valid when obtained through the
/// functions below: at least one unit and one tier, tiers fastest first.
struct TargetDescription {
  std::string name;
  SmallVector<ComputeUnit> units;
  SmallVector<MemoryTier> tiers;

  /// The slowest tier, which holds inputs, weights and outputs.
  const MemoryTier &getBackingTier() const { return tiers.back(); }
  /// The fastest tier in front of the backing store, if there is one.
  const MemoryTier *getFastTier() const {
    return tiers.size() > 1 ? &tiers.front() : nullptr;
  }
  /// Looks a tier up by name.
  const MemoryTier *findTier(StringRef tierName) const;

  /// Converts from / to the `#strata.target` attribute.
  static TargetDescription fromAttr(TargetAttr attr);
  TargetAttr toAttr(MLIRContext *context) const;
};

/// Names of the built-in targets, in a fixed order.
ArrayRef<StringRef> getBuiltinTargetNames();

/// Returns a built-in target. `spec` is a built-in name, optionally followed
/// by `:key=value` settings; `npu-sram` accepts `sram=<bytes>` with an
/// optional `KiB`/`MiB` suffix (e.g. `npu-sram:sram=512KiB`). Emits an error
/// at `loc` and fails for an unknown name or setting.
FailureOr<TargetDescription> getBuiltinTarget(StringRef spec, Location loc);

/// Parses a JSON target description (see docs/targets.md). Errors are
/// reported at `bufferName` with the offending JSON path.
FailureOr<TargetDescription>
parseTargetJSON(StringRef json, StringRef bufferName, MLIRContext *context);

/// Reads and parses a JSON target description file.
FailureOr<TargetDescription> loadTargetFile(StringRef path,
                                            MLIRContext *context);

/// Resolves the target a pass should use. `spec` is what the user passed
/// (`target=` option): a built-in (see getBuiltinTarget) or a path to a JSON
/// file (anything ending in `.json` or containing a `/`). An empty spec means
/// the `strata.target` attribute of the module enclosing `scope`, and the
/// built-in `host-cpu` when there is none. Errors are emitted at `scope`.
FailureOr<TargetDescription> resolveTarget(StringRef spec, Operation *scope);

} // namespace mlir::strata

#endif // STRATA_TARGET_TARGET_H

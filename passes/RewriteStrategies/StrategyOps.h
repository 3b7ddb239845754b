//===- StrategyOps.h - Rewrite strategy transform ops -----------*- C++ -*-===//
//
// Strata's transform-dialect extension: ELEVATE-style rewrite strategies
// over the named rule library (passes/Rewrite/Rules.h). See
// docs/strategies.md.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_REWRITESTRATEGIES_STRATEGYOPS_H
#define STRATA_PASSES_REWRITESTRATEGIES_STRATEGYOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.h"
#include "mlir/IR/OpDefinition.h"
#include "strata/CostModel/CostModel.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"

#include "passes/RewriteStrategies/StrategyOpsEnums.h.inc"

#define GET_OP_CLASSES
#include "passes/RewriteStrategies/StrategyOps.h.inc"

namespace mlir {
class DialectRegistry;
class FrozenRewritePatternSet;
} // namespace mlir

namespace mlir::strata {

/// What strategy ops record while one strategy runs: a TransformState
/// extension, added by strata-apply-strategy (with its `remarks` option)
/// or, under upstream's interpreter, by the first strategy op that needs
/// it (remarks off).
class StrategyTrace final : public transform::TransformState::Extension {
public:
  StrategyTrace(transform::TransformState &state, bool remarks)
      : Extension(state), remarks(remarks) {}

  /// Reports (with remarks) and counts one application of `rule` at an op
  /// named `opName` located at `loc`.
  void recordApplication(StringRef rule, StringRef opName, Location loc);

  /// The patterns of the named rules, frozen once per strategy run.
  const FrozenRewritePatternSet &getPatterns(ArrayRef<std::string> rules);

  bool remarks;
  /// Applications per rule, in the order rules were first applied.
  llvm::MapVector<StringRef, uint64_t> counts;
  uint64_t steps = 0;
  /// best_of prices by (structural hash, pricing settings).
  llvm::StringMap<double> prices;
  /// best_of's cost models by (model, target) spec: built once per
  /// strategy run (the target resolved and the model set up once), shared
  /// by every pricing.
  llvm::StringMap<std::unique_ptr<CostModel>> costModels;

private:
  llvm::StringMap<std::shared_ptr<FrozenRewritePatternSet>> patternCache;
};

/// The trace of `state`, added (remarks off) if it has none.
StrategyTrace &getStrategyTrace(transform::TransformState &state);

/// A hash of `root`'s structure: op names, attributes, result types and
/// use-def edges (by position, not address), so that a clone hashes like
/// its original and any rewrite changes it.
llvm::hash_code hashStructure(Operation *root);

/// Registers the strategy ops as a transform dialect extension.
void registerStrategyExtension(DialectRegistry &registry);

} // namespace mlir::strata

#endif // STRATA_PASSES_REWRITESTRATEGIES_STRATEGYOPS_H

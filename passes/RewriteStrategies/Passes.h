//===- Passes.h - Rewrite strategies ----------------------------*- C++ -*-===//
//
// `strata-apply-strategy`: a rewrite strategy (a transform library written
// with the strategy ops of StrategyOps.h) applied to a module.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_REWRITESTRATEGIES_PASSES_H
#define STRATA_PASSES_REWRITESTRATEGIES_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <string>

namespace mlir::strata {
#define GEN_PASS_DECL
#include "passes/RewriteStrategies/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/RewriteStrategies/Passes.h.inc"

/// `share/strata/strategies/default.mlir` (strata/Support/Paths.h).
std::string getDefaultStrategyPath();
} // namespace mlir::strata

#endif // STRATA_PASSES_REWRITESTRATEGIES_PASSES_H

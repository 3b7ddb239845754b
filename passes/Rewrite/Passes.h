//===- Passes.h - Graph rewrites --------------------------------*- C++ -*-===//
//
// Rewrites of the TOSA graph before kernels are formed. Each rewrite is
// also exposed as a pattern set so that other passes (and rewrite
// strategies) can apply it.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_REWRITE_PASSES_H
#define STRATA_PASSES_REWRITE_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace mlir::strata {
#define GEN_PASS_DECL
#include "passes/Rewrite/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Rewrite/Passes.h.inc"

/// Moves a `tosa.transpose` below a TOSA elementwise op whose other
/// operands are transposes by the same permutation or constants, below
/// slices and concats, and folds transposes of constants.
void populateSinkTransposePatterns(RewritePatternSet &patterns);

/// Moves a `tosa.transpose` above an elementwise op, slice or pad whose
/// users are all transposes by the same permutation (the opposite
/// direction: never in one fixpoint with the sinking patterns).
void populateHoistTransposePatterns(RewritePatternSet &patterns);

/// The rule strata.flatten-into-weights: the transpose before a fully
/// connected layer's flatten becomes a permutation of its constant
/// weights' rows.
void populateFlattenIntoWeightsPatterns(RewritePatternSet &patterns);
} // namespace mlir::strata

#endif // STRATA_PASSES_REWRITE_PASSES_H

//===- Passes.h - Analysis passes ---------------------------------*- C++
//-*-===//
//
// Passes that report what the analyses and the cost model see.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_ANALYSIS_PASSES_H
#define STRATA_PASSES_ANALYSIS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "strata/Support/PassOptions.h"

namespace mlir::strata {
#define GEN_PASS_DECL
#include "passes/Analysis/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Analysis/Passes.h.inc"
} // namespace mlir::strata

#endif // STRATA_PASSES_ANALYSIS_PASSES_H

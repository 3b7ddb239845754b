//===- Passes.h - Fusion passes ---------------------------------*- C++ -*-===//
//
// Passes that partition a function's ops into strata.group kernels.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_FUSION_PASSES_H
#define STRATA_PASSES_FUSION_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::strata {
#define GEN_PASS_DECL
#include "passes/Fusion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::strata

#endif // STRATA_PASSES_FUSION_PASSES_H

//===- Passes.h - Memory planning passes ------------------------*- C++ -*-===//
//
// Passes that plan where and when tensors live: scheduling today.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_MEMORY_PASSES_H
#define STRATA_PASSES_MEMORY_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "strata/Support/PassOptions.h"

namespace mlir::strata {
#define GEN_PASS_DECL
#include "passes/Memory/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Memory/Passes.h.inc"
} // namespace mlir::strata

#endif // STRATA_PASSES_MEMORY_PASSES_H

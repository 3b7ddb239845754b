//===- Passes.h - Conversion passes -----------------------------*- C++ -*-===//
//
// Passes that lower Strata's kernel graph towards CPU and CUDA code. The
// pipelines built from them are declared in strata/Pipelines/Pipelines.h
// and implemented in lib/Pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_CONVERSION_PASSES_H
#define STRATA_PASSES_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::strata {
#define GEN_PASS_DECL
#include "passes/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Conversion/Passes.h.inc"

/// Lets one-shot bufferization bufferize strata.prefetch / strata.evict: a
/// new buffer tagged with the copy's placement, and a copy into it.
void registerTierCopyBufferization(DialectRegistry &registry);
} // namespace mlir::strata

#endif // STRATA_PASSES_CONVERSION_PASSES_H

//===- InitAll.h - Register everything Strata provides ----------*- C++ -*-===//
//
// Tools, the plugin and downstream users call these to make Strata's
// dialects, passes and pipelines available.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_INITALL_H
#define STRATA_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace mlir::strata {

/// Adds every Strata dialect to `registry`.
void registerStrataDialects(DialectRegistry &registry);

/// Registers every Strata pass and pipeline with the global registry.
void registerStrataPasses();

/// Adds the upstream dialects, interface extensions and LLVM IR translations
/// that Strata's inputs and pipelines use (func, arith, math, tensor, linalg,
/// tosa, memref, bufferization, scf, affine, vector, gpu, nvvm, llvm,
/// transform, ...), plus Strata's own dialects.
void registerAllDialectsForStrata(DialectRegistry &registry);

} // namespace mlir::strata

#endif // STRATA_INITALL_H

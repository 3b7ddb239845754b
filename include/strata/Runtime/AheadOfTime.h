//===- AheadOfTime.h - Compile to an object file ---------------*- C++ -*-===//
//
// The ahead-of-time path of strata-compile: the module strata-cpu-pipeline
// lowered (the same LLVM dialect the JIT compiles) is translated to LLVM IR,
// optimized with the JIT's pipeline at the same level and written as an
// object file for the host or a named x86-64 CPU, together with a C header
// that declares its entry point:
//
//   int32_t PREFIX_run(const T0 *input0, ..., T0 *output0, ...);
//
// Inputs and outputs are dense row-major arrays the caller owns. Every
// other symbol of the object is internal, so several models link into one
// program.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_RUNTIME_AHEADOFTIME_H
#define STRATA_RUNTIME_AHEADOFTIME_H

#include "strata/Runtime/Runner.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir::strata {

struct AheadOfTimeOptions {
  /// C identifier the entry point and the header's macros start with.
  std::string prefix = "model";
  /// An LLVM x86-64 CPU name; empty: the host (with its exact features).
  std::string cpu;
  /// LLVM optimization level, as strata-run -O.
  unsigned optLevel = kDefaultOptLevel;
};

/// Whether `name` can be a C identifier prefix.
bool isValidCIdentifier(StringRef name);

/// A C identifier made from `name` (a file stem): other characters become
/// '_', and a leading digit gets a '_' in front.
std::string makeCIdentifier(StringRef name);

struct CompiledObject {
  /// Object file bytes (ELF on Linux).
  std::string bytes;
  /// Functions the object calls but does not define (libc, libm, the
  /// OpenMP runtime's __kmpc_*, MLIR's C runner utilities), sorted.
  SmallVector<std::string> externals;
  /// The libraries a program linking the object needs, as linker flags
  /// (-lomp, -lm, ...), from `externals`.
  SmallVector<std::string> getLinkFlags() const;
  /// Whether MLIR's C runner utilities (memrefCopy) are among `externals`.
  bool needsRunnerUtils() const;
  bool needsOpenMP() const;
};

/// Compiles `llvmModule`, which strata-cpu-pipeline lowered and whose
/// entry `signature` describes.
llvm::Expected<CompiledObject>
compileToObject(ModuleOp llvmModule, const EntrySignature &signature,
                const AheadOfTimeOptions &options);

/// The C header declaring what `object` defines. `source` is named in its
/// first comment.
std::string getCHeader(const EntrySignature &signature,
                       const AheadOfTimeOptions &options,
                       const CompiledObject &object, StringRef source);

} // namespace mlir::strata

#endif // STRATA_RUNTIME_AHEADOFTIME_H

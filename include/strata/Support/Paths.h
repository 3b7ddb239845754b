//===- Paths.h - Find Strata's data files at run time -----------*- C++ -*-===//
//
// Nothing compiled into Strata names the source or build tree. Data files
// (the default learned cost model, ...) live in `share/strata/` beside the
// `bin/` and `lib/` directories of the binary that contains this code: the
// tool itself, or StrataPlugin.so when Strata is loaded into mlir-opt. The
// build tree has the same layout as an install prefix, so both work.
// STRATA_DATA_DIR overrides the directory.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SUPPORT_PATHS_H
#define STRATA_SUPPORT_PATHS_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::strata {

/// The file (executable or shared library) that holds Strata's code in this
/// process, or an empty string if it cannot be found.
std::string getStrataBinaryPath();

/// $STRATA_DATA_DIR, else `<directory of
/// getStrataBinaryPath()>/../share/strata`.
std::string getDataDir();

/// `relative` (e.g. "costmodel/default.json") under getDataDir().
std::string getDataFile(llvm::StringRef relative);

} // namespace mlir::strata

#endif // STRATA_SUPPORT_PATHS_H

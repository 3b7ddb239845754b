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

#include "llvm/ADT/SmallVector.h"
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

/// The install prefixes to look for optional parts under (the staged
/// HiGHS in lib/strata/, the build tree's solvers-venv): the parent of the
/// binary's directory, then the prefix of getDataDir() (`<prefix>/share/
/// strata`) when $STRATA_DATA_DIR points elsewhere. No duplicates.
llvm::SmallVector<std::string, 2> getPrefixCandidates();

} // namespace mlir::strata

#endif // STRATA_SUPPORT_PATHS_H

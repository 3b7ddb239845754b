//===- OutputFiles.h - Write several output files, all or none --*- C++ -*-===//
//
// How Strata's tools write results (strata-run --output=...):
//
// - A path that does not exist, or names a regular file, is written to a
//   unique temporary file in the same directory and renamed over the path,
//   so a reader never sees a half-written file. A replaced file keeps its
//   permission bits (and, for root, its owner).
// - A symbolic link is followed: its target is replaced as above and the
//   link stays a link. A dangling link is an error.
// - A special file (a character device such as /dev/null or /dev/stdout, a
//   FIFO) is written through in place; it is never replaced by a regular
//   file. A directory is an error.
// - With several files, every temporary file is written before any is
//   renamed; if any write fails, all temporaries are removed and no output
//   exists. Special files are written after every temporary is complete.
//   Only a failing rename (after all data was written) can leave the
//   earlier outputs in place.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SUPPORT_OUTPUTFILES_H
#define STRATA_SUPPORT_OUTPUTFILES_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir::strata {

/// One file to write: its path and its whole contents.
struct OutputFile {
  std::string path;
  std::string contents;
};

/// Writes every file of `files` as the file comment describes, or none of
/// them; the error names the path that failed and why. Two entries that
/// name the same file are an error.
llvm::Error writeOutputFiles(llvm::ArrayRef<OutputFile> files);

} // namespace mlir::strata

#endif // STRATA_SUPPORT_OUTPUTFILES_H

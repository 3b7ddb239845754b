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
#include <vector>

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

/// For tools whose library main (MlirOptMain, mlirTranslateMain) opens
/// `-o PATH` itself, truncating PATH before it knows whether it will
/// succeed, and removing it on failure: redirects `-o` to a new temporary
/// beside PATH, and afterwards moves the result to PATH with
/// writeOutputFiles, or removes the temporary. A failed run leaves an
/// existing PATH untouched. `-o -` (stdout) is left alone.
class StagedOutputArgs {
public:
  /// Scans `argv` for `-o PATH`, `-o=PATH`, `--o PATH`, `--o=PATH`.
  StagedOutputArgs(int argc, char **argv);
  ~StagedOutputArgs();
  StagedOutputArgs(const StagedOutputArgs &) = delete;
  StagedOutputArgs &operator=(const StagedOutputArgs &) = delete;

  /// The error creating the temporary, or an empty string.
  const std::string &getError() const { return error; }
  int argc() const { return static_cast<int>(args.size()) - 1; }
  char **argv() { return args.data(); }
  /// Given the tool's exit status: on 0, moves the output into place (and
  /// returns 1 with a message on stderr if that fails); otherwise removes
  /// the temporary and returns `status`.
  int finish(int status);

private:
  std::vector<std::string> storage;
  std::vector<char *> args;
  std::string target, staging, error;
};

} // namespace mlir::strata

#endif // STRATA_SUPPORT_OUTPUTFILES_H

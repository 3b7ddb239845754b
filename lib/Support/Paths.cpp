//===- Paths.cpp - Find Strata's data files at run time -------------------===//

#include "strata/Support/Paths.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <dlfcn.h>

using namespace mlir::strata;

std::string mlir::strata::getStrataBinaryPath() {
  // The object this function was linked into: a tool, or the plugin.
  Dl_info info;
  if (::dladdr(reinterpret_cast<void *>(&getStrataBinaryPath), &info) &&
      info.dli_fname && *info.dli_fname) {
    llvm::SmallString<256> real;
    if (!llvm::sys::fs::real_path(info.dli_fname, real))
      return std::string(real.str());
    return info.dli_fname;
  }
  return "";
}

std::string mlir::strata::getDataDir() {
  if (std::optional<std::string> env =
          llvm::sys::Process::GetEnv("STRATA_DATA_DIR"))
    return *env;
  std::string binary = getStrataBinaryPath();
  if (binary.empty())
    return "share/strata";
  llvm::SmallString<256> dir(llvm::sys::path::parent_path(binary));
  llvm::sys::path::append(dir, "..", "share", "strata");
  llvm::sys::path::remove_dots(dir, /*remove_dot_dot=*/true);
  return std::string(dir.str());
}

llvm::SmallVector<std::string, 2> mlir::strata::getPrefixCandidates() {
  llvm::SmallVector<std::string, 2> prefixes;
  auto add = [&](llvm::StringRef path) {
    llvm::SmallString<256> prefix(path);
    llvm::sys::path::remove_dots(prefix, /*remove_dot_dot=*/true);
    if (!prefix.empty() && !llvm::is_contained(prefixes, prefix.str()))
      prefixes.push_back(prefix.str().str());
  };
  std::string binary = getStrataBinaryPath();
  if (!binary.empty())
    add(llvm::sys::path::parent_path(llvm::sys::path::parent_path(binary)));
  std::string data = getDataDir();
  if (llvm::sys::path::is_absolute(data))
    add(llvm::sys::path::parent_path(llvm::sys::path::parent_path(data)));
  return prefixes;
}

std::string mlir::strata::getDataFile(llvm::StringRef relative) {
  llvm::SmallString<256> path(getDataDir());
  llvm::sys::path::append(path, relative);
  return std::string(path.str());
}

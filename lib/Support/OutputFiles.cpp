//===- OutputFiles.cpp - Write several output files, all or none ----------===//

#include "strata/Support/OutputFiles.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir::strata;

namespace {
/// Where and how one output goes.
struct Plan {
  enum class Kind { Create, Replace, Stream } kind;
  /// The file actually written (a symbolic link's target).
  std::string target;
  /// The temporary file (Create, Replace) once written.
  std::string temporary;
  struct stat existing;
};
} // namespace

static llvm::Error errorFor(llvm::StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot write '" + path + "': " + why);
}

static std::string errnoText(int error) { return std::strerror(error); }

/// Writes all of `data` to `fd`; returns 0 or the errno of the failure.
static int writeAll(int fd, llvm::StringRef data) {
  const char *p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return 0;
}

static llvm::Error classify(llvm::StringRef path, Plan &plan) {
  struct stat st;
  if (::lstat(path.str().c_str(), &st) != 0) {
    if (errno != ENOENT)
      return errorFor(path, errnoText(errno));
    plan.kind = Plan::Kind::Create;
    plan.target = path.str();
    return llvm::Error::success();
  }
  plan.target = path.str();
  if (S_ISLNK(st.st_mode)) {
    char resolved[PATH_MAX];
    if (!::realpath(path.str().c_str(), resolved))
      return errorFor(path, "it is a symbolic link whose target cannot be "
                            "resolved (" +
                                errnoText(errno) + ")");
    plan.target = resolved;
    if (::stat(resolved, &st) != 0)
      return errorFor(path, errnoText(errno));
  }
  if (S_ISDIR(st.st_mode))
    return errorFor(path, "it is a directory");
  plan.existing = st;
  plan.kind = S_ISREG(st.st_mode) ? Plan::Kind::Replace : Plan::Kind::Stream;
  return llvm::Error::success();
}

/// Creates a new, uniquely named file `.NAME.strata-XXXXXX` in the directory
/// of `target` (so a rename onto `target` stays on one file system): its
/// open descriptor and its name, or -1 with errno set.
static int createTemporaryBeside(llvm::StringRef target, std::string &name) {
  llvm::SmallString<256> pattern(llvm::sys::path::parent_path(target));
  if (pattern.empty())
    pattern = ".";
  llvm::sys::path::append(pattern, "." + llvm::sys::path::filename(target) +
                                       ".strata-XXXXXX");
  name = std::string(pattern.str());
  return ::mkstemp(name.data());
}

/// Writes `contents` to a new temporary file beside `plan.target`.
static llvm::Error writeTemporary(llvm::StringRef path, Plan &plan,
                                  llvm::StringRef contents) {
  std::string name;
  int fd = createTemporaryBeside(plan.target, name);
  if (fd < 0)
    return errorFor(path, errnoText(errno));
  plan.temporary = name;
  int error = writeAll(fd, contents);
  if (!error) {
    mode_t mode;
    if (plan.kind == Plan::Kind::Replace) {
      mode = plan.existing.st_mode & 07777;
      // Keep the owner when we may (root replacing another user's file).
      if (::geteuid() == 0)
        (void)::fchown(fd, plan.existing.st_uid, plan.existing.st_gid);
    } else {
      // mkstemp makes 0600; a new output gets the usual 0666 & ~umask.
      mode_t mask = ::umask(0);
      ::umask(mask);
      mode = 0666 & ~mask;
    }
    if (::fchmod(fd, mode) != 0)
      error = errno;
  }
  if (::close(fd) != 0 && !error)
    error = errno;
  if (error)
    return errorFor(path, errnoText(error));
  return llvm::Error::success();
}

static llvm::Error writeThrough(llvm::StringRef path, const Plan &plan,
                                llvm::StringRef contents) {
  int fd = ::open(plan.target.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return errorFor(path, errnoText(errno));
  int error = writeAll(fd, contents);
  if (::close(fd) != 0 && !error)
    error = errno;
  if (error)
    return errorFor(path, errnoText(error));
  return llvm::Error::success();
}

llvm::Error mlir::strata::writeOutputFiles(llvm::ArrayRef<OutputFile> files) {
  llvm::SmallVector<Plan> plans(files.size());
  for (auto [i, file] : llvm::enumerate(files)) {
    if (llvm::Error err = classify(file.path, plans[i]))
      return err;
    for (size_t j = 0; j < i; ++j) {
      bool same = plans[j].target == plans[i].target;
      if (plans[i].kind != Plan::Kind::Create &&
          plans[j].kind != Plan::Kind::Create)
        same |= plans[j].existing.st_dev == plans[i].existing.st_dev &&
                plans[j].existing.st_ino == plans[i].existing.st_ino;
      // Several writes to one special file (say /dev/null) are harmless.
      if (same && plans[i].kind != Plan::Kind::Stream)
        return errorFor(file.path, "it is also output #" + llvm::Twine(j));
    }
  }

  auto removeTemporaries = [&] {
    for (Plan &plan : plans)
      if (!plan.temporary.empty()) {
        (void)::unlink(plan.temporary.c_str());
        plan.temporary.clear();
      }
  };
  for (auto [i, file] : llvm::enumerate(files)) {
    if (plans[i].kind == Plan::Kind::Stream)
      continue;
    if (llvm::Error err = writeTemporary(file.path, plans[i], file.contents)) {
      removeTemporaries();
      return err;
    }
  }
  for (auto [i, file] : llvm::enumerate(files)) {
    if (plans[i].kind != Plan::Kind::Stream)
      continue;
    if (llvm::Error err = writeThrough(file.path, plans[i], file.contents)) {
      removeTemporaries();
      return err;
    }
  }
  for (auto [i, file] : llvm::enumerate(files)) {
    Plan &plan = plans[i];
    if (plan.temporary.empty())
      continue;
    if (::rename(plan.temporary.c_str(), plan.target.c_str()) != 0) {
      int error = errno;
      removeTemporaries();
      return errorFor(file.path, errnoText(error));
    }
    plan.temporary.clear();
  }
  return llvm::Error::success();
}

StagedOutputArgs::StagedOutputArgs(int argc, char **argv) {
  // Where each -o value is (index into storage), to point it at the
  // temporary once its name is known.
  std::vector<size_t> values;
  for (int i = 0; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if ((arg == "-o" || arg == "--o") && i + 1 < argc) {
      storage.push_back(arg.str());
      storage.push_back(argv[++i]);
      values.push_back(storage.size() - 1);
      target = storage.back();
      continue;
    }
    storage.push_back(arg.str());
    for (llvm::StringRef prefix : {"-o=", "--o="})
      if (arg.starts_with(prefix)) {
        values.push_back(storage.size() - 1);
        target = arg.drop_front(prefix.size()).str();
        break;
      }
  }
  if (!target.empty() && target != "-") {
    std::string name;
    int fd = createTemporaryBeside(target, name);
    if (fd < 0) {
      error = "cannot write '" + target + "': " + errnoText(errno);
    } else {
      ::close(fd);
      staging = name;
      for (size_t index : values) {
        std::string &value = storage[index];
        if (llvm::StringRef(value).starts_with("-o=") ||
            llvm::StringRef(value).starts_with("--o="))
          value = value.substr(0, value.find('=') + 1) + staging;
        else
          value = staging;
      }
    }
  }
  for (std::string &arg : storage)
    args.push_back(arg.data());
  args.push_back(nullptr);
}

StagedOutputArgs::~StagedOutputArgs() {
  if (!staging.empty())
    (void)::unlink(staging.c_str());
}

int StagedOutputArgs::finish(int status) {
  if (staging.empty())
    return status;
  std::string path = staging;
  staging.clear();
  auto cleanup = [&] { (void)::unlink(path.c_str()); };
  if (status != 0) {
    cleanup();
    return status;
  }
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    cleanup();
    llvm::errs() << "error: cannot write '" << target
                 << "': " << buffer.getError().message() << "\n";
    return 1;
  }
  llvm::Error err =
      writeOutputFiles({OutputFile{target, (*buffer)->getBuffer().str()}});
  cleanup();
  if (err) {
    llvm::errs() << "error: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }
  return 0;
}

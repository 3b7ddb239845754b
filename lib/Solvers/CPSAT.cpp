//===- CPSAT.cpp - OR-Tools CP-SAT in a helper process --------------------===//

#include "strata/Solvers/CPSAT.h"

#include "strata/Support/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstdlib>

using namespace mlir;
using namespace mlir::strata;

namespace {

llvm::Error helperError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// A temporary file removed when this goes out of scope.
struct TempFile {
  SmallString<128> path;
  std::error_code create(StringRef prefix, StringRef suffix) {
    return llvm::sys::fs::createTemporaryFile(prefix, suffix, path);
  }
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

/// Runs `python helper args...` with standard output and error in
/// `log`; returns the exit code, or -1 with `error` set when it could not
/// run or was killed.
int runHelper(StringRef python, ArrayRef<StringRef> args, StringRef log,
              unsigned timeoutSeconds, std::string &error) {
  SmallVector<StringRef> argv = {python};
  argv.append(args.begin(), args.end());
  std::optional<StringRef> redirects[] = {StringRef(""), log, log};
  bool failedToRun = false;
  int code = llvm::sys::ExecuteAndWait(python, argv, /*Env=*/std::nullopt,
                                       redirects, timeoutSeconds,
                                       /*MemoryLimit=*/0, &error, &failedToRun);
  return failedToRun ? -1 : code;
}

std::string readLog(StringRef log) {
  auto buffer = llvm::MemoryBuffer::getFile(log);
  if (!buffer)
    return "";
  StringRef text = (*buffer)->getBuffer().trim();
  // The end of a traceback says what went wrong.
  if (text.size() > 2000)
    text = text.take_back(2000);
  return text.str();
}

struct Interpreter {
  std::string python;
  /// Where it came from: "STRATA_CPSAT_PYTHON", "solvers-venv" or "PATH".
  std::string origin;
  std::string version;
  std::string error;
};

std::string getHelperPath(StringRef script) {
  return getDataFile(("solvers/" + script).str());
}

const Interpreter &getInterpreter() {
  static const Interpreter interpreter = [] {
    Interpreter it;
    SmallVector<std::pair<std::string, std::string>> candidates;
    if (const char *env = std::getenv("STRATA_CPSAT_PYTHON"); env && *env) {
      candidates.push_back({env, "STRATA_CPSAT_PYTHON"});
    } else {
      // The build tree's venv (scripts/setup.sh).
      for (const std::string &prefix : getPrefixCandidates()) {
        SmallString<256> venv(prefix);
        llvm::sys::path::append(venv, "solvers-venv", "bin", "python");
        if (llvm::sys::fs::can_execute(venv))
          candidates.push_back({venv.str().str(), "solvers-venv"});
      }
      if (llvm::ErrorOr<std::string> path =
              llvm::sys::findProgramByName("python3"))
        candidates.push_back({*path, "PATH"});
    }
    std::string check = getHelperPath("remat_cpsat.py");
    if (!llvm::sys::fs::exists(check)) {
      it.error = "the CP-SAT helper " + check + " is missing";
      return it;
    }
    std::string tried;
    for (auto &[python, origin] : candidates) {
      TempFile log;
      if (log.create("strata-cpsat-check", "txt"))
        break;
      std::string error;
      int code = runHelper(python, {check, "--check"}, log.path, 60, error);
      if (code == 0) {
        it.python = python;
        it.origin = origin;
        it.version = readLog(log.path);
        return it;
      }
      tried += (tried.empty() ? "" : ", ") + python;
    }
    it.error = "CP-SAT is not installed (no Python with the 'ortools' "
               "package" +
               (tried.empty() ? std::string() : " among " + tried) +
               "): install PyPI's 'ortools' package (scripts/setup.sh puts "
               "it into the build tree's solvers-venv) or set "
               "STRATA_CPSAT_PYTHON to a Python that has it";
    return it;
  }();
  return interpreter;
}

} // namespace

bool mlir::strata::isCPSATAvailable(std::string *whyNot) {
  const Interpreter &it = getInterpreter();
  if (!it.python.empty())
    return true;
  if (whyNot)
    *whyNot = it.error;
  return false;
}

std::optional<std::string> mlir::strata::describeCPSAT() {
  const Interpreter &it = getInterpreter();
  if (it.python.empty())
    return std::nullopt;
  return it.version + " (python: " + it.origin + ")";
}

llvm::Expected<llvm::json::Value>
mlir::strata::runCPSATHelper(StringRef script, const llvm::json::Value &problem,
                             double timeoutSeconds) {
  std::string whyNot;
  if (!isCPSATAvailable(&whyNot))
    return helperError(whyNot);
  const Interpreter &it = getInterpreter();
  std::string helper = getHelperPath(script);
  TempFile in, out, log;
  if (std::error_code ec = in.create("strata-cpsat-problem", "json"))
    return helperError("cannot create a temporary file: " + ec.message());
  if (std::error_code ec = out.create("strata-cpsat-answer", "json"))
    return helperError("cannot create a temporary file: " + ec.message());
  if (std::error_code ec = log.create("strata-cpsat-log", "txt"))
    return helperError("cannot create a temporary file: " + ec.message());
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(in.path, ec);
    if (ec)
      return helperError("cannot write " + in.path + ": " + ec.message());
    os << problem;
  }
  std::string error;
  unsigned timeout = (unsigned)std::ceil(std::max(1.0, timeoutSeconds));
  int code = runHelper(it.python, {helper, in.path, out.path}, log.path,
                       timeout, error);
  if (code != 0) {
    std::string detail = readLog(log.path);
    return helperError("the CP-SAT helper (" + it.python + " " + helper + ") " +
                       (code < 0
                            ? "did not finish: " + error
                            : "failed with exit code " + std::to_string(code)) +
                       (detail.empty() ? "" : ": " + detail));
  }
  auto buffer = llvm::MemoryBuffer::getFile(out.path);
  if (!buffer)
    return helperError("the CP-SAT helper wrote no answer");
  llvm::Expected<llvm::json::Value> answer =
      llvm::json::parse((*buffer)->getBuffer());
  if (!answer)
    return helperError("the CP-SAT helper's answer is not JSON: " +
                       llvm::toString(answer.takeError()));
  return answer;
}

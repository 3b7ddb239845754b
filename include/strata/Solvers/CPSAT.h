//===- CPSAT.h - OR-Tools CP-SAT in a helper process ------------*- C++ -*-===//
//
// CP-SAT (OR-Tools, Apache-2.0) is the constraint solver Moccasin uses for
// rematerialization. It cannot be loaded into Strata's process: OR-Tools
// bundles protobuf 33, and libonnx (the ONNX importer) links Debian's
// protobuf; two protobuf runtimes in one process clash. So a CP-SAT model
// is built and solved by a helper script (share/strata/solvers/*.py) in a
// Python interpreter that has the `ortools` package, in a process of its
// own: the problem goes to it as a JSON file and the answer comes back as
// one.
//
// The interpreter is $STRATA_CPSAT_PYTHON when set; else the solvers venv
// of the build tree (`<prefix>/solvers-venv/bin/python`, which
// scripts/setup.sh fills, the prefix being bin/'s parent or that of
// getDataDir()'s share/strata); else `python3` on the PATH. It is usable
// when the helper's `--check` succeeds (it imports CP-SAT).
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SOLVERS_CPSAT_H
#define STRATA_SOLVERS_CPSAT_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace mlir::strata {

/// Whether CP-SAT helpers can run here; if not, `whyNot` says what to
/// install. Checked once per process.
bool isCPSATAvailable(std::string *whyNot = nullptr);

/// "OR-Tools 9.15.6755 CP-SAT (python: PATH)" when available.
std::optional<std::string> describeCPSAT();

/// Runs the helper `script` (a file under share/strata/solvers/) on
/// `problem` and returns its answer. The process is killed after
/// `timeoutSeconds` (callers pass the solve's limit plus a grace for
/// building the model). Errors name the interpreter, the script and the
/// helper's standard error.
llvm::Expected<llvm::json::Value>
runCPSATHelper(StringRef script, const llvm::json::Value &problem,
               double timeoutSeconds);

} // namespace mlir::strata

#endif // STRATA_SOLVERS_CPSAT_H

//===- HiGHS.cpp - The HiGHS backend, loaded at run time ------------------===//
//
// HiGHS (MIT licence) is the strongest open MILP solver; Debian 12 does not
// package it, and PyPI's ortools wheel ships it as libhighs.so.1 (needing
// only libc and libstdc++). Strata does not link it: the functions of its C
// API used here are resolved with dlopen/dlsym the first time a solve asks
// for HiGHS, so a build without it works and says what to install.
//
//===----------------------------------------------------------------------===//

#include "SolversImpl.h"
#include "strata/Support/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <mutex>

using namespace mlir;
using namespace mlir::strata;

namespace {

// The C API's integer type; the ortools build uses 32 bits (checked with
// Highs_getSizeofHighsInt before any model is passed).
using HighsInt = int32_t;

// Constants of highs_c_api.h (HiGHS 1.x).
constexpr HighsInt kStatusError = -1;
constexpr HighsInt kMatrixColwise = 1;
constexpr HighsInt kMinimize = 1;
constexpr HighsInt kVarContinuous = 0;
constexpr HighsInt kVarInteger = 1;
constexpr HighsInt kModelOptimal = 7;
constexpr HighsInt kModelInfeasible = 8;
constexpr HighsInt kModelTimeLimit = 13;
constexpr HighsInt kSolutionFeasible = 2;

/// The HiGHS functions Strata calls, resolved once.
struct HighsAPI {
  void *(*create)();
  void (*destroy)(void *);
  const char *(*version)();
  HighsInt (*sizeofHighsInt)(const void *);
  HighsInt (*setBoolOption)(void *, const char *, HighsInt);
  HighsInt (*setIntOption)(void *, const char *, HighsInt);
  HighsInt (*setDoubleOption)(void *, const char *, double);
  HighsInt (*setStringOption)(void *, const char *, const char *);
  HighsInt (*passMip)(void *, HighsInt, HighsInt, HighsInt, HighsInt, HighsInt,
                      double, const double *, const double *, const double *,
                      const double *, const double *, const HighsInt *,
                      const HighsInt *, const double *, const HighsInt *);
  HighsInt (*setSparseSolution)(void *, HighsInt, const HighsInt *,
                                const double *);
  HighsInt (*run)(void *);
  HighsInt (*getModelStatus)(const void *);
  HighsInt (*getSolution)(const void *, double *, double *, double *, double *);
  HighsInt (*getDoubleInfo)(const void *, const char *, double *);
  HighsInt (*getIntInfo)(const void *, const char *, HighsInt *);
  HighsInt (*getInt64Info)(const void *, const char *, int64_t *);

  std::string path;
  std::string error;
};

const HighsAPI &getHighsAPI() {
  static const HighsAPI api = [] {
    HighsAPI api{};
    // $STRATA_HIGHS_LIBRARY alone when set; else the copy staged beside
    // Strata's binaries (lib/strata/, build tree and install alike), then
    // the loader's search path.
    SmallVector<std::string, 4> candidates;
    if (const char *env = std::getenv("STRATA_HIGHS_LIBRARY"); env && *env) {
      candidates.push_back(env);
    } else {
      for (const std::string &prefix : getPrefixCandidates()) {
        SmallString<256> path(prefix);
        llvm::sys::path::append(path, "lib", "strata", "libhighs.so.1");
        candidates.push_back(path.str().str());
      }
      candidates.push_back("libhighs.so.1");
    }
    void *handle = nullptr;
    std::string tried;
    for (const std::string &candidate : candidates) {
      handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle) {
        api.path = candidate;
        break;
      }
      tried += (tried.empty() ? "" : ", ") + candidate;
    }
    if (!handle) {
      api.error =
          "HiGHS is not installed (tried " + tried +
          "): install PyPI's 'ortools' package, which ships libhighs.so.1 "
          "(scripts/setup.sh does), or set STRATA_HIGHS_LIBRARY to its path";
      return api;
    }
    bool missing = false;
    auto bind = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          dlsym(handle, name));
      if (!fn) {
        api.error =
            api.path + " lacks " + name + " (HiGHS 1.7 or later needed)";
        missing = true;
      }
    };
    bind(api.create, "Highs_create");
    bind(api.destroy, "Highs_destroy");
    bind(api.version, "Highs_version");
    bind(api.sizeofHighsInt, "Highs_getSizeofHighsInt");
    bind(api.setBoolOption, "Highs_setBoolOptionValue");
    bind(api.setIntOption, "Highs_setIntOptionValue");
    bind(api.setDoubleOption, "Highs_setDoubleOptionValue");
    bind(api.setStringOption, "Highs_setStringOptionValue");
    bind(api.passMip, "Highs_passMip");
    bind(api.setSparseSolution, "Highs_setSparseSolution");
    bind(api.run, "Highs_run");
    bind(api.getModelStatus, "Highs_getModelStatus");
    bind(api.getSolution, "Highs_getSolution");
    bind(api.getDoubleInfo, "Highs_getDoubleInfoValue");
    bind(api.getIntInfo, "Highs_getIntInfoValue");
    bind(api.getInt64Info, "Highs_getInt64InfoValue");
    if (missing)
      return api;
    void *probe = api.create();
    HighsInt size = api.sizeofHighsInt(probe);
    api.destroy(probe);
    if (size != sizeof(HighsInt))
      api.error = llvm::formatv("{0} uses {1}-byte integers; Strata calls the "
                                "32-bit build",
                                api.path, size)
                      .str();
    return api;
  }();
  return api;
}

std::mutex &getHighsMutex() {
  static std::mutex mutex;
  return mutex;
}

/// One Highs instance, destroyed with the scope.
class HighsInstance {
public:
  explicit HighsInstance(const HighsAPI &api)
      : api(api), handle(api.create()) {}
  ~HighsInstance() { api.destroy(handle); }
  HighsInstance(const HighsInstance &) = delete;
  HighsInstance &operator=(const HighsInstance &) = delete;
  void *get() const { return handle; }

private:
  const HighsAPI &api;
  void *handle;
};

} // namespace

bool mlir::strata::isHighsAvailable(std::string *whyNot) {
  const HighsAPI &api = getHighsAPI();
  if (!api.error.empty() && whyNot)
    *whyNot = api.error;
  return api.error.empty();
}

std::optional<std::string> mlir::strata::describeHighs() {
  if (!isHighsAvailable())
    return std::nullopt;
  const HighsAPI &api = getHighsAPI();
  std::string version = api.version();
  if (!version.empty() && version[0] == 'v')
    version.erase(0, 1);
  return "HiGHS " + version + " (" + api.path + ")";
}

MILPResult mlir::strata::detail::solveWithHiGHS(const MILPModel &m,
                                                const MILPOptions &options) {
  auto start = std::chrono::steady_clock::now();
  MILPResult result;
  SolverReport &report = result.report;
  std::string whyNot;
  if (!isHighsAvailable(&whyNot)) {
    report.status = SolverStatus::Error;
    report.note = whyNot;
    return result;
  }
  const HighsAPI &api = getHighsAPI();
  std::vector<int> colStart, index;
  std::vector<double> value;
  m.getColumnwise(colStart, index, value);
  std::vector<double> rowLower, rowUpper;
  for (const MILPModel::Row &row : m.rows) {
    rowLower.push_back(row.lower);
    rowUpper.push_back(row.upper);
  }
  std::vector<HighsInt> integrality;
  for (char isInteger : m.integer)
    integrality.push_back(isInteger ? kVarInteger : kVarContinuous);

  std::lock_guard<std::mutex> lock(getHighsMutex());
  HighsInstance highs(api);
  void *h = highs.get();
  api.setBoolOption(h, "output_flag", 0);
  api.setIntOption(h, "threads", 1);
  api.setIntOption(h, "random_seed", (HighsInt)(options.seed % 2147483647u));
  api.setDoubleOption(h, "time_limit", std::max(0.1, options.timeLimitSeconds));
  api.setDoubleOption(h, "mip_rel_gap", options.relativeGap);
  api.setStringOption(h, "parallel", "off");
  if (api.passMip(h, m.numColumns(), m.numRows(), index.size(), kMatrixColwise,
                  kMinimize, 0.0, m.objective.data(), m.lower.data(),
                  m.upper.data(), rowLower.data(), rowUpper.data(),
                  colStart.data(), index.data(), value.data(),
                  integrality.data()) == kStatusError) {
    report.status = SolverStatus::Error;
    report.note = "HiGHS rejected the model";
    return result;
  }
  if (!options.start.empty()) {
    std::vector<HighsInt> columns;
    std::vector<double> values;
    for (auto [col, v] : options.start) {
      columns.push_back(col);
      values.push_back(v);
    }
    // A start HiGHS cannot complete is dropped with a warning, not an error.
    api.setSparseSolution(h, columns.size(), columns.data(), values.data());
  }
  if (api.run(h) == kStatusError) {
    report.status = SolverStatus::Error;
    report.note = "HiGHS failed while solving";
    return result;
  }
  HighsInt model = api.getModelStatus(h);
  HighsInt primal = 0;
  api.getIntInfo(h, "primal_solution_status", &primal);
  int64_t nodes = 0;
  api.getInt64Info(h, "mip_node_count", &nodes);
  report.nodes = nodes;
  if (model == kModelInfeasible) {
    report.status = SolverStatus::Infeasible;
  } else if (primal == kSolutionFeasible) {
    report.status =
        model == kModelOptimal ? SolverStatus::Optimal : SolverStatus::Feasible;
    api.getDoubleInfo(h, "objective_function_value", &report.objective);
    api.getDoubleInfo(h, "mip_dual_bound", &report.bound);
    result.solution.assign(m.numColumns(), 0);
    std::vector<double> colDual(m.numColumns()), rowValue(m.numRows()),
        rowDual(m.numRows());
    api.getSolution(h, result.solution.data(), colDual.data(), rowValue.data(),
                    rowDual.data());
  } else if (model == kModelTimeLimit) {
    report.status = SolverStatus::Timeout;
    report.note = "no solution within the time limit";
  } else {
    report.status = SolverStatus::Error;
    report.note = llvm::formatv("HiGHS stopped with model status {0}", model);
  }
  detail::finishReport(report);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

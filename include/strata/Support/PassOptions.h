//===- PassOptions.h - Choices of Strata's pass options ---------*- C++ -*-===//
//
// The enumerations behind the choice options the planning and reporting
// passes share with strata-plan (passes/PassOptions.td declares the
// options): a value is checked once, when the option is parsed, and the
// passes switch on it.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_SUPPORT_PASSOPTIONS_H
#define STRATA_SUPPORT_PASSOPTIONS_H

#include "llvm/ADT/StringRef.h"

#include <optional>

namespace mlir::strata {

/// How a reporting pass prints: remarks, or one JSON object per function
/// on standard output.
enum class ReportFormat { Text, Json };

/// strata-schedule's (and strata-plan schedule's) order.
enum class ScheduleAlgorithm { Program, Greedy, Exact };

/// What strata-schedule minimizes.
enum class ScheduleObjective { PeakMemory, Makespan };

/// Who plans recomputation: the greedy, Gecode (cp), Checkmate's MILP on
/// CBC (milp) or HiGHS (highs), or Moccasin's model on CP-SAT (cpsat).
enum class RematSolver { Greedy, CP, MILP, HiGHS, CPSAT };

/// How tensors are mapped to memory tiers.
enum class TierAlgorithm { Greedy, ILP, DRAM };

/// What strata-map-memory plans besides the tiers: nothing (the program
/// order as it is), the min-peak order first (sequential), or the order,
/// recomputation and tiers together (joint; JointPlanning.h).
enum class TierPlanner { Program, Sequential, Joint };

/// The values of each choice as `llvm::cl::values` arguments: one list for
/// the passes' options (passes/PassOptions.td) and strata-plan's flags.
#define STRATA_REPORT_FORMAT_VALUES                                            \
  clEnumValN(::mlir::strata::ReportFormat::Text, "text", "remarks"),           \
      clEnumValN(::mlir::strata::ReportFormat::Json, "json",                   \
                 "one JSON object per function on standard output")
#define STRATA_SCHEDULE_ALGORITHM_VALUES                                       \
  clEnumValN(::mlir::strata::ScheduleAlgorithm::Program, "program",            \
             "keep the program order"),                                        \
      clEnumValN(::mlir::strata::ScheduleAlgorithm::Greedy, "greedy",          \
                 "the best of the list, depth-first and beam orders"),         \
      clEnumValN(::mlir::strata::ScheduleAlgorithm::Exact, "exact",            \
                 "dynamic programming with a proven bound")
#define STRATA_SCHEDULE_OBJECTIVE_VALUES                                       \
  clEnumValN(::mlir::strata::ScheduleObjective::PeakMemory, "peak-memory",     \
             "the peak of live bytes"),                                        \
      clEnumValN(::mlir::strata::ScheduleObjective::Makespan, "makespan",      \
                 "the end time on the target's compute units (HEFT)")
#define STRATA_REMAT_SOLVER_VALUES                                             \
  clEnumValN(::mlir::strata::RematSolver::Greedy, "greedy",                    \
             "recompute the cheapest value per byte freed"),                   \
      clEnumValN(::mlir::strata::RematSolver::CP, "cp",                        \
                 "constraint programming (Gecode)"),                           \
      clEnumValN(::mlir::strata::RematSolver::MILP, "milp",                    \
                 "mixed-integer linear programming (CBC)"),                    \
      clEnumValN(::mlir::strata::RematSolver::HiGHS, "highs",                  \
                 "mixed-integer linear programming (HiGHS, if installed)"),    \
      clEnumValN(::mlir::strata::RematSolver::CPSAT, "cpsat",                  \
                 "constraint programming (OR-Tools CP-SAT, if installed)")
#define STRATA_TIER_ALGORITHM_VALUES                                           \
  clEnumValN(::mlir::strata::TierAlgorithm::Greedy, "greedy",                  \
             "greedy placement by traffic saved per byte"),                    \
      clEnumValN(::mlir::strata::TierAlgorithm::ILP, "ilp",                    \
                 "integer linear programming (CBC)"),                          \
      clEnumValN(::mlir::strata::TierAlgorithm::DRAM, "dram",                  \
                 "everything in the backing tier")

#define STRATA_TIER_PLANNER_VALUES                                             \
  clEnumValN(::mlir::strata::TierPlanner::Program, "program",                  \
             "map the program order"),                                         \
      clEnumValN(::mlir::strata::TierPlanner::Sequential, "sequential",        \
                 "min-peak order, then map"),                                  \
      clEnumValN(::mlir::strata::TierPlanner::Joint, "joint",                  \
                 "order, recomputation and tiers together")

/// The option value that names each choice ("greedy", "peak-memory", ...).
llvm::StringRef stringifyReportFormat(ReportFormat value);
llvm::StringRef stringifyScheduleAlgorithm(ScheduleAlgorithm value);
llvm::StringRef stringifyScheduleObjective(ScheduleObjective value);
llvm::StringRef stringifyRematSolver(RematSolver value);
llvm::StringRef stringifyTierAlgorithm(TierAlgorithm value);
llvm::StringRef stringifyTierPlanner(TierPlanner value);

/// The choice an option value names; none for another string (strata-plan's
/// --algorithm, whose choices depend on its command).
std::optional<ScheduleAlgorithm> parseScheduleAlgorithm(llvm::StringRef name);
std::optional<TierAlgorithm> parseTierAlgorithm(llvm::StringRef name);
std::optional<TierPlanner> parseTierPlanner(llvm::StringRef name);

} // namespace mlir::strata

#endif // STRATA_SUPPORT_PASSOPTIONS_H

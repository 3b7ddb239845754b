//===- PassOptions.cpp - Names of the choice options' values --------------===//

#include "strata/Support/PassOptions.h"

#include "llvm/Support/ErrorHandling.h"

using namespace mlir::strata;

llvm::StringRef mlir::strata::stringifyReportFormat(ReportFormat value) {
  switch (value) {
  case ReportFormat::Text:
    return "text";
  case ReportFormat::Json:
    return "json";
  }
  llvm_unreachable("unknown ReportFormat");
}

llvm::StringRef
mlir::strata::stringifyScheduleAlgorithm(ScheduleAlgorithm value) {
  switch (value) {
  case ScheduleAlgorithm::Program:
    return "program";
  case ScheduleAlgorithm::Greedy:
    return "greedy";
  case ScheduleAlgorithm::Exact:
    return "exact";
  }
  llvm_unreachable("unknown ScheduleAlgorithm");
}

llvm::StringRef
mlir::strata::stringifyScheduleObjective(ScheduleObjective value) {
  switch (value) {
  case ScheduleObjective::PeakMemory:
    return "peak-memory";
  case ScheduleObjective::Makespan:
    return "makespan";
  }
  llvm_unreachable("unknown ScheduleObjective");
}

llvm::StringRef mlir::strata::stringifyRematSolver(RematSolver value) {
  switch (value) {
  case RematSolver::Greedy:
    return "greedy";
  case RematSolver::CP:
    return "cp";
  case RematSolver::MILP:
    return "milp";
  case RematSolver::HiGHS:
    return "highs";
  case RematSolver::CPSAT:
    return "cpsat";
  }
  llvm_unreachable("unknown RematSolver");
}

llvm::StringRef mlir::strata::stringifyTierAlgorithm(TierAlgorithm value) {
  switch (value) {
  case TierAlgorithm::Greedy:
    return "greedy";
  case TierAlgorithm::ILP:
    return "ilp";
  case TierAlgorithm::DRAM:
    return "dram";
  }
  llvm_unreachable("unknown TierAlgorithm");
}

llvm::StringRef mlir::strata::stringifyTierPlanner(TierPlanner value) {
  switch (value) {
  case TierPlanner::Program:
    return "program";
  case TierPlanner::Sequential:
    return "sequential";
  case TierPlanner::Joint:
    return "joint";
  }
  llvm_unreachable("unknown TierPlanner");
}

std::optional<ScheduleAlgorithm>
mlir::strata::parseScheduleAlgorithm(llvm::StringRef name) {
  for (ScheduleAlgorithm value :
       {ScheduleAlgorithm::Program, ScheduleAlgorithm::Greedy,
        ScheduleAlgorithm::Exact})
    if (stringifyScheduleAlgorithm(value) == name)
      return value;
  return std::nullopt;
}

std::optional<TierAlgorithm>
mlir::strata::parseTierAlgorithm(llvm::StringRef name) {
  for (TierAlgorithm value :
       {TierAlgorithm::Greedy, TierAlgorithm::ILP, TierAlgorithm::DRAM})
    if (stringifyTierAlgorithm(value) == name)
      return value;
  return std::nullopt;
}

std::optional<TierPlanner>
mlir::strata::parseTierPlanner(llvm::StringRef name) {
  for (TierPlanner value :
       {TierPlanner::Program, TierPlanner::Sequential, TierPlanner::Joint})
    if (stringifyTierPlanner(value) == name)
      return value;
  return std::nullopt;
}

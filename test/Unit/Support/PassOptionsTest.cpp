//===- PassOptionsTest.cpp - Choice options' names ------------------------===//

#include "strata/Support/PassOptions.h"

#include "llvm/Support/CommandLine.h"

#include <gtest/gtest.h>

using namespace mlir::strata;

namespace {

TEST(PassOptions, NamesRoundTrip) {
  for (ScheduleAlgorithm value :
       {ScheduleAlgorithm::Program, ScheduleAlgorithm::Greedy,
        ScheduleAlgorithm::Exact})
    EXPECT_EQ(parseScheduleAlgorithm(stringifyScheduleAlgorithm(value)), value);
  for (TierAlgorithm value :
       {TierAlgorithm::Greedy, TierAlgorithm::ILP, TierAlgorithm::DRAM})
    EXPECT_EQ(parseTierAlgorithm(stringifyTierAlgorithm(value)), value);
  for (TierPlanner value :
       {TierPlanner::Program, TierPlanner::Sequential, TierPlanner::Joint})
    EXPECT_EQ(parseTierPlanner(stringifyTierPlanner(value)), value);
  EXPECT_FALSE(parseTierPlanner("greedy"));
  EXPECT_FALSE(parseScheduleAlgorithm("ilp"));
  EXPECT_FALSE(parseTierAlgorithm("exact"));
}

/// The names the option parser accepts (the cl::values lists) are the
/// names the passes print.
template <typename T>
void expectParserNames(const llvm::cl::ValuesClass &values,
                       llvm::StringRef (*stringify)(T), int count) {
  llvm::cl::opt<T> option("strata-pass-options-test", llvm::cl::Hidden);
  values.apply(option);
  auto &parser = option.getParser();
  ASSERT_EQ((int)parser.getNumOptions(), count);
  for (unsigned i = 0; i < parser.getNumOptions(); ++i) {
    T value{};
    ASSERT_FALSE(parser.parse(option, "strata-pass-options-test",
                              parser.getOption(i), value));
    EXPECT_EQ(stringify(value), parser.getOption(i));
  }
  option.removeArgument();
}

TEST(PassOptions, ParserNamesMatchTheStringifiedNames) {
  expectParserNames<ReportFormat>(llvm::cl::values(STRATA_REPORT_FORMAT_VALUES),
                                  stringifyReportFormat, 2);
  expectParserNames<ScheduleAlgorithm>(
      llvm::cl::values(STRATA_SCHEDULE_ALGORITHM_VALUES),
      stringifyScheduleAlgorithm, 3);
  expectParserNames<ScheduleObjective>(
      llvm::cl::values(STRATA_SCHEDULE_OBJECTIVE_VALUES),
      stringifyScheduleObjective, 2);
  expectParserNames<RematSolver>(llvm::cl::values(STRATA_REMAT_SOLVER_VALUES),
                                 stringifyRematSolver, 5);
  expectParserNames<TierAlgorithm>(
      llvm::cl::values(STRATA_TIER_ALGORITHM_VALUES), stringifyTierAlgorithm,
      3);
  expectParserNames<TierPlanner>(llvm::cl::values(STRATA_TIER_PLANNER_VALUES),
                                 stringifyTierPlanner, 3);
}

} // namespace

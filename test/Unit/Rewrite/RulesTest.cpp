//===- RulesTest.cpp - The named rewrite rule library ---------------------===//

#include "passes/Rewrite/Rules.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringSet.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::strata;

TEST(RulesTest, NamesAreUniqueAndPrefixed) {
  llvm::StringSet<> seen;
  ASSERT_FALSE(getRewriteRules().empty());
  for (const RewriteRule &rule : getRewriteRules()) {
    EXPECT_TRUE(rule.name.starts_with("strata.")) << rule.name.str();
    EXPECT_TRUE(seen.insert(rule.name).second) << rule.name.str();
    EXPECT_NE(rule.labels, 0u) << rule.name.str();
    EXPECT_FALSE(rule.summary.empty()) << rule.name.str();
    EXPECT_EQ(lookupRewriteRule(rule.name), &rule);
  }
  EXPECT_EQ(lookupRewriteRule("strata.no-such-rule"), nullptr);
}

TEST(RulesTest, EveryPatternCarriesItsRuleName) {
  MLIRContext context;
  context.loadDialect<tosa::TosaDialect>();
  for (const RewriteRule &rule : getRewriteRules()) {
    RewritePatternSet patterns(&context);
    addRewriteRule(rule, patterns);
    ASSERT_FALSE(patterns.getNativePatterns().empty()) << rule.name.str();
    for (const std::unique_ptr<RewritePattern> &pattern :
         patterns.getNativePatterns()) {
      ArrayRef<StringRef> labels = pattern->getDebugLabels();
      EXPECT_TRUE(llvm::is_contained(labels, rule.name)) << rule.name.str();
    }
  }
}

TEST(RulesTest, LabelsPrintAsWords) {
  EXPECT_EQ(formatRuleLabels(kRuleLayout | kRuleFusionEnabling),
            "layout, fusion-enabling");
  EXPECT_EQ(formatRuleLabels(kRuleAlgebraic), "algebraic");
  std::string text;
  llvm::raw_string_ostream os(text);
  printRewriteRules(os);
  for (const RewriteRule &rule : getRewriteRules())
    EXPECT_NE(text.find(rule.name.str()), std::string::npos);
}

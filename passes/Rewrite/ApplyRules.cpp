//===- ApplyRules.cpp - Apply named rules to a fixpoint -------------------===//
//
// Implements `strata-apply-rules`: the rules a user names (or all), applied
// greedily, each application counted and optionally reported.
//
//===----------------------------------------------------------------------===//

#include "passes/Rewrite/Passes.h"
#include "passes/Rewrite/Rules.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAAPPLYRULES
#include "passes/Rewrite/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
/// Counts (and with `remarks`, reports) the successful applications of
/// rule-labelled patterns.
struct RuleTrace final : RewriterBase::Listener {
  explicit RuleTrace(bool remarks) : remarks(remarks) {}
  void notifyPatternBegin(const Pattern &, Operation *op) override {
    location = op->getLoc();
    opName = op->getName().getStringRef().str();
  }
  void notifyPatternEnd(const Pattern &pattern, LogicalResult status) override {
    if (failed(status))
      return;
    ++applied;
    if (!remarks)
      return;
    StringRef rule = pattern.getDebugLabels().empty()
                         ? pattern.getDebugName()
                         : pattern.getDebugLabels().front();
    mlir::emitRemark(*location)
        << "applied rule '" << rule << "' to '" << opName << "'";
  }
  bool remarks;
  std::optional<Location> location;
  std::string opName;
  uint64_t applied = 0;
};

struct StrataApplyRulesPass final
    : strata::impl::StrataApplyRulesBase<StrataApplyRulesPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Every named rule must exist.
    SmallVector<std::string> named(rules.begin(), rules.end());
    named.append(disableRules.begin(), disableRules.end());
    for (const std::string &name : named)
      if (!lookupRewriteRule(name)) {
        InFlightDiagnostic diag = func.emitError()
                                  << "strata-apply-rules: unknown rule '"
                                  << name << "'; the library has:";
        for (const RewriteRule &rule : getRewriteRules())
          diag << " " << rule.name;
        return signalPassFailure();
      }
    RewritePatternSet patterns(&getContext());
    for (const RewriteRule &rule : getRewriteRules()) {
      bool chosen = rules.empty() || llvm::is_contained(rules, rule.name);
      if (chosen && !llvm::is_contained(disableRules, rule.name))
        addRewriteRule(rule, patterns);
    }
    RuleTrace trace(remarks);
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true);
    // Only the named rules rewrite (ops' folders would rewrite untraced).
    config.enableFolding(false);
    config.setListener(&trace);
    // A fixpoint not reached within the driver's bound on sweeps is not an
    // error: the rules applied so far are kept.
    (void)applyPatternsGreedily(func, std::move(patterns), config);
    numApplied += trace.applied;
  }
};
} // namespace

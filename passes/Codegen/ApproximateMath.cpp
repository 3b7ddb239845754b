//===- ApproximateMath.cpp - Vectorizable transcendental functions --------===//
//
// Implements `strata-approximate-math`: MLIR's polynomial approximations of
// f32 exp, log, tanh, erf, ... instead of one libm call per vector lane.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAAPPROXIMATEMATH
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

namespace {
struct StrataApproximateMathPass final
    : strata::impl::StrataApproximateMathBase<StrataApproximateMathPass> {
  using Base::Base;

  void runOnOperation() override {
    static constexpr StringLiteral kDefault[] = {
        "exp", "expm1", "log", "log1p", "log2", "tanh", "erf"};
    static constexpr StringLiteral kKnown[] = {"exp",  "expm1", "log",  "log1p",
                                               "log2", "tanh",  "erf",  "atan",
                                               "sin",  "cos",   "atan2"};
    llvm::StringSet<> selected;
    if (ops.empty())
      selected.insert(std::begin(kDefault), std::end(kDefault));
    for (const std::string &name : ops) {
      if (!llvm::is_contained(kKnown, name)) {
        getOperation().emitError()
            << "strata-approximate-math: no approximation of 'math." << name
            << "'; known: exp, expm1, log, log1p, log2, tanh, erf, atan, "
               "atan2, sin, cos";
        return signalPassFailure();
      }
      selected.insert(name);
    }
    auto predicate = [&](StringRef name) {
      name.consume_front("math.");
      return selected.contains(name);
    };
    // Only the selected ops (and what their rewrites create): no folding or
    // canonicalization of the rest of the kernel.
    SmallVector<Operation *> targets;
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() &&
          op->getDialect()->getNamespace() ==
              math::MathDialect::getDialectNamespace() &&
          predicate(op->getName().getStringRef()))
        targets.push_back(op);
    });
    if (targets.empty())
      return;
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(patterns, predicate);
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    config.enableFolding(false);
    bool changed = false;
    if (failed(applyOpPatternsGreedily(targets, std::move(patterns), config,
                                       &changed)))
      return signalPassFailure();
    // Ops left are those the approximations do not cover (other element
    // types).
    int64_t left = 0;
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() &&
          op->getDialect()->getNamespace() ==
              math::MathDialect::getDialectNamespace() &&
          predicate(op->getName().getStringRef()))
        ++left;
    });
    numApproximated += targets.size() - left;
  }
};
} // namespace

//===- ApproximateMath.cpp - Vectorizable transcendental functions --------===//
//
// Implements `strata-approximate-math`: MLIR's polynomial approximations of
// f32 exp, log, tanh, erf, ... instead of one libm call per vector lane.
//
//===----------------------------------------------------------------------===//

#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAAPPROXIMATEMATH
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

/// The exponent of an f32 `pow` when it is one constant, finite and not an
/// integer. Then pow(a, b) == exp(b * log(a)) in every case libm's powf
/// distinguishes: a < 0 gives NaN (log's NaN), a = 0 gives 0 or +inf
/// (log's -inf), a = 1 gives 1, a = +inf gives +inf or 0, NaN stays NaN.
/// An integer exponent needs the sign of a negative base (x^2, x^3) and is
/// left to libm. LRN's (bias + alpha/n * sum)^beta is the case that
/// matters: 64 scalar powf calls per vector otherwise.
static FailureOr<double> getExpandableExponent(math::PowFOp op) {
  if (!getElementTypeOrSelf(op.getType()).isF32())
    return failure();
  Attribute attr;
  if (!matchPattern(op.getRhs(), m_Constant(&attr)))
    return failure();
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    attr = splat.getSplatValue<Attribute>();
  auto value = dyn_cast<FloatAttr>(attr);
  if (!value)
    return failure();
  double b = value.getValueAsDouble();
  if (!std::isfinite(b) || std::floor(b) == b)
    return failure();
  return b;
}

namespace {
/// pow(a, b) -> exp(b * log(a)) for the exponents getExpandableExponent
/// accepts.
struct ExpandPowfByConstant final : OpRewritePattern<math::PowFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::PowFOp op,
                                PatternRewriter &rewriter) const override {
    if (failed(getExpandableExponent(op)))
      return rewriter.notifyMatchFailure(
          op, "exponent is not one constant, finite, non-integer f32");
    Location loc = op.getLoc();
    Value log = math::LogOp::create(rewriter, loc, op.getLhs());
    Value product = arith::MulFOp::create(rewriter, loc, op.getRhs(), log);
    rewriter.replaceOpWithNewOp<math::ExpOp>(op, product);
    return success();
  }
};

struct StrataApproximateMathPass final
    : strata::impl::StrataApproximateMathBase<StrataApproximateMathPass> {
  using Base::Base;

  void runOnOperation() override {
    static constexpr StringLiteral kDefault[] = {
        "exp", "expm1", "log", "log1p", "log2", "tanh", "erf", "powf"};
    static constexpr StringLiteral kKnown[] = {
        "exp", "expm1", "log", "log1p", "log2",  "tanh",
        "erf", "atan",  "sin", "cos",   "atan2", "powf"};
    llvm::StringSet<> selected;
    if (ops.empty())
      selected.insert(std::begin(kDefault), std::end(kDefault));
    for (const std::string &name : ops) {
      if (!llvm::is_contained(kKnown, name)) {
        getOperation().emitError()
            << "strata-approximate-math: no approximation of 'math." << name
            << "'; known: exp, expm1, log, log1p, log2, tanh, erf, atan, "
               "atan2, sin, cos, powf";
        return signalPassFailure();
      }
      selected.insert(name);
    }
    // powf by a constant non-integer exponent becomes exp(b * log(a)),
    // whose exp and log are then approximated (ExpandPowfByConstant).
    bool powf = selected.contains("powf");
    if (powf)
      selected.insert("exp"), selected.insert("log");
    auto predicate = [&](StringRef name) {
      name.consume_front("math.");
      return selected.contains(name);
    };
    // Only the selected ops (and what their rewrites create): no folding or
    // canonicalization of the rest of the kernel.
    auto isTarget = [&](Operation *op) {
      if (auto pow = dyn_cast<math::PowFOp>(op))
        return powf && succeeded(getExpandableExponent(pow));
      return op->getDialect() &&
             op->getDialect()->getNamespace() ==
                 math::MathDialect::getDialectNamespace() &&
             predicate(op->getName().getStringRef());
    };
    SmallVector<Operation *> targets;
    getOperation().walk([&](Operation *op) {
      if (isTarget(op))
        targets.push_back(op);
    });
    if (targets.empty())
      return;
    RewritePatternSet patterns(&getContext());
    if (powf)
      patterns.add<ExpandPowfByConstant>(&getContext());
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
      if (isTarget(op))
        ++left;
    });
    numApproximated += targets.size() - left;
  }
};
} // namespace

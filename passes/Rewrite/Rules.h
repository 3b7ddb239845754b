//===- Rules.h - The named rewrite rule library -----------------*- C++ -*-===//
//
// Every graph rewrite Strata offers to strategies and to
// `strata-apply-rules` is a named rule: a pattern set with labels saying
// what kind of rewrite it is and whether it keeps values bit for bit.
// `strata-opt --list-rules` prints the library.
//
//===----------------------------------------------------------------------===//

#ifndef STRATA_PASSES_REWRITE_RULES_H
#define STRATA_PASSES_REWRITE_RULES_H

#include "strata/Support/LayoutChain.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

namespace mlir::strata {

/// What a rule does (a rule may carry several labels).
enum RuleLabel : unsigned {
  /// Moves or removes layout changes (transposes, reshapes).
  kRuleLayout = 1u << 0,
  /// An algebraic identity or folding.
  kRuleAlgebraic = 1u << 1,
  /// Makes ops adjacent or fewer so that kernel formation fuses more.
  kRuleFusionEnabling = 1u << 2,
};

/// One named rule.
struct RewriteRule {
  /// `strata.` followed by a kebab-case name; the debug label of every
  /// pattern the rule adds (so `--mlir-debug-counter` and traces name it).
  llvm::StringLiteral name;
  llvm::StringLiteral summary;
  unsigned labels;
  /// True when the rewritten program computes the same values bit for bit;
  /// false when it reassociates floating-point arithmetic.
  bool exact;
  void (*populate)(RewritePatternSet &patterns);
};

/// The library, in a fixed order.
llvm::ArrayRef<RewriteRule> getRewriteRules();

/// The rule named `name`, or null.
const RewriteRule *lookupRewriteRule(llvm::StringRef name);

/// Adds `rule`'s patterns to `patterns`, each labelled with the rule's name.
void addRewriteRule(const RewriteRule &rule, RewritePatternSet &patterns);

/// The labels of `labels` as words ("layout, algebraic").
std::string formatRuleLabels(unsigned labels);

/// One line per rule: name, labels, exact or not, summary.
void printRewriteRules(llvm::raw_ostream &os);

/// A constant behind layout changes (tosa.transpose, tosa.reshape,
/// tensor.expand_shape / collapse_shape, each read only by the next; none
/// at all is fine): the constant's value and data, and the changes as one
/// movement of its data.
struct ConstantLayout {
  Value value;              ///< The constant op's result.
  DenseElementsAttr source; ///< Its data.
  LayoutChain layout;       ///< From its shape through every change.
};
std::optional<ConstantLayout> matchConstantLayout(Value value);

/// A tosa.conv2d's filter as a constant, possibly behind one tosa.transpose
/// read only by the convolution that keeps the output channels first (the
/// importer's OIHW -> OHWI: kernel formation folds it together with the
/// filter's blocked layout, getPackedWeightChain).
struct LaidOutFilter {
  DenseElementsAttr source;   ///< The constant, output channels first.
  SmallVector<int32_t> perms; ///< The transpose; empty when none.
};
std::optional<LaidOutFilter> matchLaidOutFilter(Value filter);

/// `source` laid out as `filter.perms` says: a tosa.const, behind a
/// tosa.transpose when there is one.
Value buildLaidOutFilter(OpBuilder &builder, Location loc,
                         DenseElementsAttr source, ArrayRef<int32_t> perms);

/// The permutation of `filter.source` that gives the filter in the layout
/// `fromOhwi` names: dimension i of the result is dimension fromOhwi[i] of
/// the OHWI filter.
SmallVector<int32_t> getFilterPerms(const LaidOutFilter &filter,
                                    ArrayRef<int32_t> fromOhwi);

/// `value` (static shape) as a tosa.reshape to `shape`.
Value buildTosaReshape(PatternRewriter &rewriter, Location loc, Value value,
                       ArrayRef<int64_t> shape);

/// True when `value` is a constant of zeros (an integer shift, a zero
/// point) or absent.
bool isZeroOrAbsent(Value value);

/// BatchNormalization's per-channel scale and shift after a convolution
/// with constant weights, folded into its weights and bias.
void populateFoldConvScalePatterns(RewritePatternSet &patterns);
void populateFoldConvShiftPatterns(RewritePatternSet &patterns);

/// Transposes of transposes composed (and dropped when the identity),
/// reshapes of reshapes collapsed, reshapes to the same type dropped.
void populateCancelTransposesPatterns(RewritePatternSet &patterns);

/// Reshapes that only add or drop unit dimensions moved below elementwise
/// ops with constant operands, so that a contraction's bias and
/// activation read it directly.
void populateEpilogueNormalFormPatterns(RewritePatternSet &patterns);

/// Channel shuffles moved through depthwise convolutions and folded into
/// the grouped convolutions that read them (ShuffleRules.cpp).
void populateFoldChannelShufflePatterns(RewritePatternSet &patterns);

/// A fully connected layer's matmul and bias add as one 1x1 convolution
/// with that bias.
void populateMatmulBiasAsConvPatterns(RewritePatternSet &patterns);

/// x * 1, x + 0, x - 0 and -(-x) replaced by x.
void populateAlgebraicIdentityPatterns(RewritePatternSet &patterns);

/// (x * a) * b, (x + a) + b and (x + a) * b for constants a, b: one scale
/// and one shift.
void populateMergeAffineChainPatterns(RewritePatternSet &patterns);

/// Convolutions reading one input with one window merged into one wider
/// convolution whose channels are sliced apart; a unary elementwise op
/// after every slice moves above them.
void populateMergeSiblingConvPatterns(RewritePatternSet &patterns);

/// Unpadded convolutions and max pools reading a trim of the rows and
/// columns their strided window never reads (a tosa.slice TOSA needs) as
/// the linalg ops they lower to, reading the untrimmed input.
void populateFoldWindowTrimsPatterns(RewritePatternSet &patterns);

/// Convolutions of an NCHW tensor through its transpose to NHWC as 3-D
/// convolutions of it read as NDHWC (channels as depth, one channel).
void populateFoldInputLayoutPatterns(RewritePatternSet &patterns);

} // namespace mlir::strata

#endif // STRATA_PASSES_REWRITE_RULES_H

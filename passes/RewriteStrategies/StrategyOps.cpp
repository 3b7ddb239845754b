//===- StrategyOps.cpp - Rewrite strategy transform ops -------------------===//
//
// The strategy ops: one named rule at an op, traversals, repeat, normalize
// and best_of priced by the cost model; the trace they record; the
// transform dialect extension that registers them.
//
//===----------------------------------------------------------------------===//

#include "passes/RewriteStrategies/StrategyOps.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "dialects/Strata/IR/StrataOps.h"
#include "passes/Conversion/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Rewrite/Rules.h"
#include "strata/CostModel/CostModel.h"
#include "strata/CostModel/OpCategory.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Remarks.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Rewrite/PatternApplicator.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::strata;

#include "passes/RewriteStrategies/StrategyOpsEnums.cpp.inc"

#define GET_OP_CLASSES
#include "passes/RewriteStrategies/StrategyOps.cpp.inc"

//===----------------------------------------------------------------------===//
// The trace
//===----------------------------------------------------------------------===//

void StrategyTrace::recordApplication(StringRef rule, StringRef opName,
                                      Location loc) {
  ++counts[rule];
  ++steps;
  // With a remark engine (--remarks-filter=strata), as an optimization
  // remark; with the pass's `remarks`, as a plain remark.
  std::string message =
      llvm::formatv("applied rule '{0}' to '{1}'", rule, opName).str();
  remark::passed(loc, remark::RemarkOpts::name("rule-applied")
                          .category("strata-strategy")
                          .subCategory(rule))
      << message;
  if (remarks)
    mlir::emitRemark(loc) << message;
}

const FrozenRewritePatternSet &
StrategyTrace::getPatterns(ArrayRef<std::string> rules) {
  std::string key = llvm::join(rules, ",");
  std::shared_ptr<FrozenRewritePatternSet> &entry = patternCache[key];
  if (!entry) {
    RewritePatternSet patterns(getTransformState().getTopLevel()->getContext());
    for (const RewriteRule &rule : getRewriteRules())
      if (rules.empty() || llvm::is_contained(rules, rule.name))
        addRewriteRule(rule, patterns);
    entry = std::make_shared<FrozenRewritePatternSet>(std::move(patterns));
  }
  return *entry;
}

StrategyTrace &
mlir::strata::getStrategyTrace(transform::TransformState &state) {
  if (StrategyTrace *trace = state.getExtension<StrategyTrace>())
    return *trace;
  return state.addExtension<StrategyTrace>(/*remarks=*/false);
}

llvm::hash_code mlir::strata::hashStructure(Operation *root) {
  // Values are named by (defining op's position in the walk, result
  // number) or (block's position, argument number).
  DenseMap<Operation *, unsigned> opIds;
  DenseMap<Block *, unsigned> blockIds;
  llvm::hash_code hash = llvm::hash_value(0);
  auto valueId = [&](Value value) -> llvm::hash_code {
    if (auto result = dyn_cast<OpResult>(value))
      return llvm::hash_combine(0, opIds.lookup(result.getOwner()),
                                result.getResultNumber());
    auto arg = cast<BlockArgument>(value);
    return llvm::hash_combine(1, blockIds.lookup(arg.getOwner()),
                              arg.getArgNumber());
  };
  root->walk<WalkOrder::PreOrder>([&](Operation *op) {
    opIds.try_emplace(op, opIds.size());
    for (Region &region : op->getRegions())
      for (Block &block : region)
        blockIds.try_emplace(&block, blockIds.size());
    // Inherent attributes are properties (a convolution's padding, a
    // constant's value), the rest the attribute dictionary; both are
    // uniqued, so equal values hash equally.
    hash = llvm::hash_combine(
        hash, op->getName().getAsOpaquePointer(), op->hashProperties(),
        op->getRawDictionaryAttrs().getAsOpaquePointer(), op->getNumRegions());
    for (Type type : op->getResultTypes())
      hash = llvm::hash_combine(hash, type.getAsOpaquePointer());
    for (Value operand : op->getOperands())
      hash = llvm::hash_combine(hash, valueId(operand));
  });
  return hash;
}

//===----------------------------------------------------------------------===//
// Applying one rule at one op
//===----------------------------------------------------------------------===//

namespace {
/// Forwards to the transform interpreter's tracking listener and keeps the
/// last match-failure reason.
struct RuleListener final : RewriterBase::ForwardingListener {
  using ForwardingListener::ForwardingListener;
  void
  notifyMatchFailure(Location loc,
                     function_ref<void(Diagnostic &)> reasonCallback) override {
    Diagnostic diag(loc, DiagnosticSeverity::Remark);
    reasonCallback(diag);
    reason = diag.str();
    ForwardingListener::notifyMatchFailure(loc, reasonCallback);
  }
  std::string reason;
};

} // namespace

/// Applies the first pattern of `patterns` that matches `op` (as its root)
/// once, and erases the producers of `op`'s operands that the rewrite left
/// dead. Returns the applied rule's name, or failure with the last match
/// failure's reason in `reason`.
static FailureOr<StringRef> applyOnce(Operation *op,
                                      const FrozenRewritePatternSet &patterns,
                                      transform::TransformRewriter &outer,
                                      std::string &reason) {
  RuleListener listener(outer.getListener());
  PatternRewriter rewriter(op->getContext());
  rewriter.setListener(&listener);
  rewriter.setInsertionPoint(op);
  SmallVector<Operation *> producers;
  for (Value operand : op->getOperands())
    if (Operation *producer = operand.getDefiningOp())
      producers.push_back(producer);

  PatternApplicator applicator(patterns);
  applicator.applyDefaultCostModel();
  StringRef applied;
  LogicalResult result =
      applicator.matchAndRewrite(op, rewriter, /*canApply=*/{},
                                 /*onFailure=*/{}, [&](const Pattern &pattern) {
                                   applied =
                                       pattern.getDebugLabels().empty()
                                           ? pattern.getDebugName()
                                           : pattern.getDebugLabels().front();
                                   return success();
                                 });
  if (failed(result)) {
    reason = listener.reason.empty() ? "no pattern of the rule matches"
                                     : listener.reason;
    return failure();
  }
  // What the greedy driver would clean up: producers left without users.
  llvm::SmallSetVector<Operation *, 8> worklist(producers.begin(),
                                                producers.end());
  llvm::SmallPtrSet<Operation *, 8> erased;
  while (!worklist.empty()) {
    Operation *producer = worklist.pop_back_val();
    if (erased.contains(producer) || !isOpTriviallyDead(producer))
      continue;
    for (Value operand : producer->getOperands())
      if (Operation *next = operand.getDefiningOp())
        worklist.insert(next);
    erased.insert(producer);
    rewriter.eraseOp(producer);
  }
  return applied;
}

/// Checks that every name of `rules` is in the library.
static DiagnosedSilenceableFailure checkRules(Operation *op,
                                              ArrayRef<std::string> rules) {
  for (const std::string &name : rules)
    if (!lookupRewriteRule(name)) {
      InFlightDiagnostic diag = op->emitError() << "unknown rule '" << name
                                                << "'; the library has:";
      for (const RewriteRule &rule : getRewriteRules())
        diag << " " << rule.name;
      return DiagnosedSilenceableFailure::definiteFailure();
    }
  return DiagnosedSilenceableFailure::success();
}

//===----------------------------------------------------------------------===//
// apply_rule
//===----------------------------------------------------------------------===//

DiagnosedSilenceableFailure
StrataApplyRuleOp::apply(transform::TransformRewriter &rewriter,
                         transform::TransformResults &,
                         transform::TransformState &state) {
  std::string name = getRule().str();
  DiagnosedSilenceableFailure known = checkRules(*this, {name});
  if (!known.succeeded())
    return known;
  StrategyTrace &trace = getStrategyTrace(state);
  const FrozenRewritePatternSet &patterns = trace.getPatterns({name});
  for (Operation *target : llvm::to_vector(state.getPayloadOps(getTarget()))) {
    std::string reason;
    Location loc = target->getLoc();
    std::string opName = target->getName().getStringRef().str();
    FailureOr<StringRef> rule = applyOnce(target, patterns, rewriter, reason);
    if (failed(rule)) {
      DiagnosedSilenceableFailure diag = emitSilenceableError()
                                         << "rule '" << name
                                         << "' does not apply: " << reason;
      diag.attachNote(loc) << "at this '" << opName << "'";
      return diag;
    }
    trace.recordApplication(*rule, opName, loc);
  }
  return DiagnosedSilenceableFailure::success();
}

void StrataApplyRuleOp::getEffects(
    SmallVectorImpl<MemoryEffects::EffectInstance> &effects) {
  transform::onlyReadsHandle(getTargetMutable(), effects);
  transform::modifiesPayload(effects);
}

//===----------------------------------------------------------------------===//
// Regions with one handle argument
//===----------------------------------------------------------------------===//

/// A strategy body: one block whose one argument is an op handle.
static LogicalResult verifyStrategyBody(Operation *op, Region &region) {
  Block &block = region.front();
  if (block.getNumArguments() != 1 ||
      !isa<transform::TransformHandleTypeInterface>(
          block.getArgument(0).getType()))
    return op->emitOpError()
           << "expects its body to take one operation handle argument";
  return success();
}

namespace {
/// How a strategy body ended.
enum class BodyResult { Success, SilenceableFailure, DefiniteFailure };
} // namespace

/// Runs the transforms of `region` with its argument bound to `payload`. A
/// silenceable failure is silenced here (its message kept in `message`) so
/// that the caller can go on; a definite one has been reported.
static BodyResult runBody(transform::TransformState &state, Region &region,
                          ArrayRef<Operation *> payload,
                          std::string *message = nullptr) {
  auto scope = state.make_region_scope(region);
  if (failed(state.mapBlockArguments(region.front().getArgument(0), payload)))
    return BodyResult::DefiniteFailure;
  for (Operation &transform : region.front().without_terminator()) {
    DiagnosedSilenceableFailure result =
        state.applyTransform(cast<transform::TransformOpInterface>(transform));
    if (result.isDefiniteFailure())
      return BodyResult::DefiniteFailure;
    if (result.isSilenceableFailure()) {
      if (message)
        *message = result.getMessage();
      (void)result.silence();
      return BodyResult::SilenceableFailure;
    }
  }
  return BodyResult::Success;
}

//===----------------------------------------------------------------------===//
// traverse
//===----------------------------------------------------------------------===//

/// The ops nested in `scope`, in the traversal's order: program order
/// (a region's parent before its ops) top-down, the reverse bottom-up
/// (consumers before producers).
static SmallVector<Operation *> collectLocations(Operation *scope,
                                                 TraversalOrder order) {
  SmallVector<Operation *> ops;
  scope->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op != scope)
      ops.push_back(op);
  });
  if (order == TraversalOrder::BottomUp)
    std::reverse(ops.begin(), ops.end());
  return ops;
}

DiagnosedSilenceableFailure
StrataTraverseOp::apply(transform::TransformRewriter &,
                        transform::TransformResults &,
                        transform::TransformState &state) {
  for (Operation *scope : llvm::to_vector(state.getPayloadOps(getScope()))) {
    SmallVector<Operation *> locations = collectLocations(scope, getOrder());
    // Ops still in the scope; recomputed after each success, since the
    // body may have erased ops visited later.
    llvm::DenseSet<Operation *> live(locations.begin(), locations.end());
    unsigned successes = 0;
    std::string firstFailure;
    for (Operation *op : locations) {
      if (!live.contains(op))
        continue;
      std::string message;
      BodyResult result = runBody(state, getBody(), {op}, &message);
      if (result == BodyResult::DefiniteFailure)
        return DiagnosedSilenceableFailure::definiteFailure();
      if (result == BodyResult::SilenceableFailure) {
        if (getKind() == TraversalKind::All) {
          DiagnosedSilenceableFailure diag =
              emitSilenceableError()
              << "traversal 'all': the strategy failed at an op";
          diag.attachNote(op->getLoc()) << message;
          return diag;
        }
        continue;
      }
      ++successes;
      if (getKind() == TraversalKind::One)
        break;
      live.clear();
      scope->walk([&](Operation *nested) { live.insert(nested); });
    }
    if (successes == 0 && getKind() != TraversalKind::All)
      return emitSilenceableError()
             << "traversal '" << stringifyTraversalKind(getKind())
             << "': the strategy applies at no op of the scope ("
             << locations.size() << " visited)";
  }
  return DiagnosedSilenceableFailure::success();
}

void StrataTraverseOp::getEffects(
    SmallVectorImpl<MemoryEffects::EffectInstance> &effects) {
  transform::onlyReadsHandle(getScopeMutable(), effects);
  transform::producesHandle(getBody().front().getArguments(), effects);
  transform::modifiesPayload(effects);
}

LogicalResult StrataTraverseOp::verify() {
  return verifyStrategyBody(*this, getBody());
}

//===----------------------------------------------------------------------===//
// repeat
//===----------------------------------------------------------------------===//

DiagnosedSilenceableFailure
StrataRepeatOp::apply(transform::TransformRewriter &,
                      transform::TransformResults &,
                      transform::TransformState &state) {
  SmallVector<Operation *> scopes =
      llvm::to_vector(state.getPayloadOps(getScope()));
  auto hashAll = [&] {
    llvm::hash_code hash = llvm::hash_value(scopes.size());
    for (Operation *scope : scopes)
      hash = llvm::hash_combine(hash, hashStructure(scope));
    return hash;
  };
  // One hash per iteration: the state after one is the state before the
  // next.
  llvm::hash_code before = hashAll();
  for (uint64_t iteration = 0; iteration < getMaxIterations(); ++iteration) {
    BodyResult result = runBody(state, getBody(), scopes);
    if (result == BodyResult::DefiniteFailure)
      return DiagnosedSilenceableFailure::definiteFailure();
    if (result == BodyResult::SilenceableFailure)
      return DiagnosedSilenceableFailure::success();
    llvm::hash_code after = hashAll();
    if (after == before)
      return DiagnosedSilenceableFailure::success();
    before = after;
  }
  return emitSilenceableError()
         << "bound reached: the strategy still changed the IR after "
         << getMaxIterations() << " iterations";
}

void StrataRepeatOp::getEffects(
    SmallVectorImpl<MemoryEffects::EffectInstance> &effects) {
  transform::onlyReadsHandle(getScopeMutable(), effects);
  transform::producesHandle(getBody().front().getArguments(), effects);
  transform::modifiesPayload(effects);
}

LogicalResult StrataRepeatOp::verify() {
  if (getMaxIterations() < 1)
    return emitOpError() << "expects max_iterations >= 1";
  return verifyStrategyBody(*this, getBody());
}

//===----------------------------------------------------------------------===//
// normalize
//===----------------------------------------------------------------------===//

namespace {
/// Counts and reports the rule applications of a greedy rewrite and
/// forwards every notification to the interpreter's tracking listener.
struct NormalizeListener final : RewriterBase::ForwardingListener {
  NormalizeListener(OpBuilder::Listener *outer, StrategyTrace &trace)
      : ForwardingListener(outer), trace(trace) {}
  void notifyPatternBegin(const Pattern &pattern, Operation *op) override {
    location = op->getLoc();
    opName = op->getName().getStringRef().str();
    ForwardingListener::notifyPatternBegin(pattern, op);
  }
  void notifyPatternEnd(const Pattern &pattern, LogicalResult status) override {
    if (succeeded(status))
      trace.recordApplication(pattern.getDebugLabels().empty()
                                  ? pattern.getDebugName()
                                  : pattern.getDebugLabels().front(),
                              opName, *location);
    ForwardingListener::notifyPatternEnd(pattern, status);
  }
  StrategyTrace &trace;
  std::optional<Location> location;
  std::string opName;
};
} // namespace

DiagnosedSilenceableFailure
StrataNormalizeOp::apply(transform::TransformRewriter &rewriter,
                         transform::TransformResults &,
                         transform::TransformState &state) {
  SmallVector<std::string> rules;
  for (Attribute rule : getRules())
    rules.push_back(cast<StringAttr>(rule).str());
  DiagnosedSilenceableFailure known = checkRules(*this, rules);
  if (!known.succeeded())
    return known;
  StrategyTrace &trace = getStrategyTrace(state);
  const FrozenRewritePatternSet &patterns = trace.getPatterns(rules);
  NormalizeListener listener(rewriter.getListener(), trace);
  GreedyRewriteConfig config;
  config.setUseTopDownTraversal(true);
  // Only the named rules rewrite (ops' folders would rewrite untraced).
  config.enableFolding(false);
  config.setMaxIterations(getMaxSweeps());
  config.setListener(&listener);
  for (Operation *scope : llvm::to_vector(state.getPayloadOps(getScope()))) {
    bool changed = false;
    LogicalResult converged = failure();
    if (scope->hasTrait<OpTrait::IsIsolatedFromAbove>()) {
      converged = applyPatternsGreedily(scope, patterns, config, &changed);
    } else {
      // A strata.group: its ops, without region simplification.
      SmallVector<Operation *> ops;
      scope->walk([&](Operation *op) {
        if (op != scope)
          ops.push_back(op);
      });
      converged = applyOpPatternsGreedily(ops, patterns, config, &changed);
    }
    if (failed(converged))
      return emitSilenceableError() << "bound reached: no fixpoint within "
                                    << getMaxSweeps() << " sweeps";
  }
  return DiagnosedSilenceableFailure::success();
}

void StrataNormalizeOp::getEffects(
    SmallVectorImpl<MemoryEffects::EffectInstance> &effects) {
  transform::onlyReadsHandle(getScopeMutable(), effects);
  transform::modifiesPayload(effects);
}

//===----------------------------------------------------------------------===//
// best_of
//===----------------------------------------------------------------------===//

/// The predicted time of the kernels of `scope` (a function or a module):
/// each compute op on its own or, with `formKernels`, the kernels that
/// strata-fuse and strata-group-ops form on a copy.
static FailureOr<double> priceScope(Operation *scope, Operation *original,
                                    CostModel &model, StringRef costModel,
                                    StringRef target, bool formKernels,
                                    Operation *anchor) {
  MLIRContext *context = scope->getContext();
  // A module of its own holds a copy of `scope` (the rewritten clone of
  // `original`), with the attributes of the module `original` is or is in
  // (its strata.cost_model and strata.target).
  OwningOpRef<ModuleOp> copy = ModuleOp::create(scope->getLoc());
  auto module = dyn_cast<ModuleOp>(original);
  if (!module)
    module = original->getParentOfType<ModuleOp>();
  if (module)
    copy->getOperation()->setAttrs(module->getAttrDictionary());
  OpBuilder builder = OpBuilder::atBlockEnd(copy->getBody());
  if (auto clone = dyn_cast<ModuleOp>(scope)) {
    for (Operation &op : clone.getBody()->getOperations())
      builder.clone(op);
  } else {
    builder.clone(*scope);
  }
  // Composite ops priced as the TOSA ops kernels are formed from.
  PassManager expand(context, ModuleOp::getOperationName());
  expand.addNestedPass<func::FuncOp>(createStrataExpandComposites());
  if (failed(expand.run(*copy)))
    return anchor->emitError() << "best_of: expanding composite ops failed "
                                  "on an alternative";
  if (formKernels) {
    PassManager pm(context, ModuleOp::getOperationName());
    StrataFuseOptions fuse;
    fuse.costModel = costModel.str();
    fuse.target = target.str();
    fuse.remarks = false;
    pm.addNestedPass<func::FuncOp>(createStrataFuse(fuse));
    pm.addNestedPass<func::FuncOp>(createStrataGroupOps());
    if (failed(pm.run(*copy)))
      return anchor->emitError() << "best_of: kernel formation failed on an "
                                    "alternative";
  }
  SmallVector<Operation *> kernels;
  copy->walk([&](func::FuncOp func) {
    for (Operation &op : func.getBody().getOps()) {
      if (isKernel(&op))
        kernels.push_back(&op);
    }
  });
  SmallVector<FailureOr<CostEstimate>> estimates;
  model.estimateBatch(kernels, estimates);
  double seconds = 0;
  for (auto [kernel, estimate] : llvm::zip(kernels, estimates)) {
    if (failed(estimate))
      return anchor->emitError() << "best_of: the cost model cannot price '"
                                 << kernel->getName() << "' (a dynamic shape?)";
    seconds += estimate->seconds;
  }
  return seconds;
}

DiagnosedSilenceableFailure
StrataBestOfOp::apply(transform::TransformRewriter &rewriter,
                      transform::TransformResults &,
                      transform::TransformState &state) {
  StrategyTrace &trace = getStrategyTrace(state);
  for (Operation *original : llvm::to_vector(state.getPayloadOps(getScope()))) {
    if (original->isAncestor(*this) ||
        !original->hasTrait<OpTrait::IsIsolatedFromAbove>()) {
      auto diag =
          emitDefiniteFailure()
          << "best_of needs a scope isolated from above (a function or a "
             "module) that does not contain the strategy";
      diag.attachNote(original->getLoc()) << "scope";
      return diag;
    }
    // Each alternative on its own clone; the surviving clones and prices.
    SmallVector<std::pair<Operation *, double>> survivors;
    llvm::scope_exit eraseClones([&] {
      for (auto &[clone, price] : survivors)
        if (clone)
          clone->erase();
    });
    int best = -1;
    for (auto [index, region] : llvm::enumerate(getAlternatives())) {
      Operation *clone = original->clone();
      std::string message;
      BodyResult result = runBody(state, region, {clone}, &message);
      if (result == BodyResult::DefiniteFailure) {
        clone->erase();
        return DiagnosedSilenceableFailure::definiteFailure();
      }
      if (result == BodyResult::SilenceableFailure) {
        clone->erase();
        if (trace.remarks)
          mlir::emitRemark(getLoc())
              << "best_of: alternative " << index << " failed: " << message;
        continue;
      }
      std::string key = llvm::formatv(
          "{0}|{1}|{2}|{3}", static_cast<size_t>(hashStructure(clone)),
          getCostModel(), getTarget(), getFormKernels());
      double price;
      auto cached = trace.prices.find(key);
      if (cached != trace.prices.end()) {
        price = cached->second;
      } else {
        // One model per (model, target) spec for the whole strategy run;
        // every scope of a run is in one module, whose attributes pick it.
        std::unique_ptr<CostModel> &model =
            trace.costModels[(getCostModel() + "|" + getTarget()).str()];
        if (!model) {
          FailureOr<std::unique_ptr<CostModel>> created =
              createCostModel(getCostModel(), getTarget(), original);
          if (failed(created)) {
            clone->erase();
            return DiagnosedSilenceableFailure::definiteFailure();
          }
          model = std::move(*created);
        }
        FailureOr<double> priced =
            priceScope(clone, original, *model, getCostModel(), getTarget(),
                       getFormKernels(), *this);
        if (failed(priced)) {
          clone->erase();
          return DiagnosedSilenceableFailure::definiteFailure();
        }
        price = *priced;
        trace.prices[key] = price;
      }
      remark::analysis(getLoc(), remark::RemarkOpts::name("best-of").category(
                                     "strata-strategy"))
          << llvm::formatv("alternative {0}: predicted {1:F1} us", index,
                           price * 1e6)
                 .str();
      if (trace.remarks)
        mlir::emitRemark(getLoc())
            << llvm::formatv("best_of: alternative {0} predicted "
                             "{1:F1} us",
                             index, price * 1e6)
                   .str();
      survivors.push_back({clone, price});
      if (best < 0 || price < survivors[best].second)
        best = survivors.size() - 1;
    }
    if (best < 0)
      return emitSilenceableError() << "best_of: every alternative failed";
    // The scope keeps its identity (handles to it stay valid); its body
    // becomes the chosen clone's.
    Operation *chosen = survivors[best].first;
    for (auto [scopeRegion, chosenRegion] :
         llvm::zip(original->getRegions(), chosen->getRegions())) {
      while (!scopeRegion.empty())
        rewriter.eraseBlock(&scopeRegion.back());
      rewriter.inlineRegionBefore(chosenRegion, scopeRegion, scopeRegion.end());
    }
    rewriter.modifyOpInPlace(
        original, [&] { original->setAttrs(chosen->getAttrDictionary()); });
    if (trace.remarks)
      mlir::emitRemark(getLoc()) << "best_of: kept alternative " << best;
  }
  return DiagnosedSilenceableFailure::success();
}

void StrataBestOfOp::getEffects(
    SmallVectorImpl<MemoryEffects::EffectInstance> &effects) {
  transform::onlyReadsHandle(getScopeMutable(), effects);
  for (Region &region : getAlternatives())
    transform::producesHandle(region.front().getArguments(), effects);
  transform::modifiesPayload(effects);
}

LogicalResult StrataBestOfOp::verify() {
  if (getAlternatives().empty())
    return emitOpError() << "expects at least one alternative";
  for (Region &region : getAlternatives())
    if (failed(verifyStrategyBody(*this, region)))
      return failure();
  return success();
}

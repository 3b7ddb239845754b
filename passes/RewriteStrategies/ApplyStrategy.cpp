//===- ApplyStrategy.cpp - Run a rewrite strategy file --------------------===//
//
// Implements `strata-apply-strategy`: a transform library (the default
// strategy or a user's file) applied to the module, with its trace.
//
//===----------------------------------------------------------------------===//

#include "passes/RewriteStrategies/Passes.h"
#include "passes/RewriteStrategies/StrategyOps.h"
#include "strata/Support/Paths.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"

namespace mlir::strata {
#define GEN_PASS_DEF_STRATAAPPLYSTRATEGY
#include "passes/RewriteStrategies/Passes.h.inc"
} // namespace mlir::strata

using namespace mlir;
using namespace mlir::strata;

std::string mlir::strata::getDefaultStrategyPath() {
  return getDataFile("strategies/default.mlir");
}

namespace {
struct StrataApplyStrategyPass final
    : strata::impl::StrataApplyStrategyBase<StrataApplyStrategyPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    std::string path = strategy.empty() ? getDefaultStrategyPath() : strategy;
    std::string message;
    std::unique_ptr<llvm::MemoryBuffer> buffer = openInputFile(path, &message);
    if (!buffer)
      return emitError(UnknownLoc::get(context))
             << "strata-apply-strategy: cannot read the strategy '" << path
             << "': " << message;
    llvm::SourceMgr sources;
    sources.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
    OwningOpRef<ModuleOp> parsed =
        parseSourceFile<ModuleOp>(sources, ParserConfig(context));
    if (!parsed)
      return emitError(UnknownLoc::get(context))
             << "strata-apply-strategy: the strategy '" << path
             << "' is not a valid transform library";
    auto entryOp = dyn_cast_or_null<transform::NamedSequenceOp>(
        parsed->lookupSymbol(entry));
    if (!entryOp)
      return emitError(parsed->getLoc())
             << "strata-apply-strategy: the strategy '" << path
             << "' has no transform.named_sequence @" << entry;
    if (entryOp.getBody().front().getNumArguments() != 1)
      return emitError(entryOp.getLoc())
             << "strata-apply-strategy: @" << entry
             << " must take one argument (the module)";
    library = std::make_shared<OwningOpRef<ModuleOp>>(std::move(parsed));
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto entryOp =
        cast<transform::NamedSequenceOp>((*library)->lookupSymbol(entry));
    // The entry's one argument is bound to the payload root, the module.
    uint64_t steps = 0;
    llvm::MapVector<StringRef, uint64_t> counts;
    LogicalResult result = transform::applyTransforms(
        module, entryOp, /*extraMapping=*/{}, transform::TransformOptions(),
        /*enforceToplevelTransformOp=*/false,
        [&](transform::TransformState &state) {
          state.addExtension<StrategyTrace>(remarks);
        },
        [&](transform::TransformState &state) {
          StrategyTrace &trace = getStrategyTrace(state);
          steps = trace.steps;
          counts = trace.counts;
          return success();
        });
    numSteps += steps;
    if (remarks) {
      InFlightDiagnostic summary = mlir::emitRemark(module.getLoc())
                                   << "strategy: " << steps << " rewrite steps";
      for (auto &[rule, count] : counts)
        summary << "; " << rule << " " << count;
    }
    if (failed(result))
      signalPassFailure();
  }

  std::shared_ptr<OwningOpRef<ModuleOp>> library;
};
} // namespace

//===- FuzzStrataOpt.cpp - libFuzzer target: parse, verify, plan ----------===//
//
// Any bytes are parsed as MLIR (the dialects Strata's pipelines take),
// verified, and run through Strata's kernel-formation and planning passes:
// canonicalize, strata-fuse (roofline), strata-group-ops, strata-schedule,
// strata-remat and strata-map-memory, then strata-memory-report. Parse,
// verify and pass failures are fine; crashes and sanitizer reports are not.
// Seeds: every .mlir file under test/ (scripts/fuzz.sh).
//
//===----------------------------------------------------------------------===//

#include "strata/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

using namespace mlir;

static constexpr const char *kPipeline =
    "builtin.module(func.func(canonicalize,strata-fuse{cost-model=roofline},"
    "strata-group-ops,strata-schedule,strata-remat{budget=90%},"
    "strata-map-memory{target=npu-sram}),strata-memory-report)";

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  strata::registerStrataPasses();
  registerCanonicalizerPass();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry();
    strata::registerAllDialectsForStrata(*r);
    return r;
  }();
  static std::unique_ptr<MLIRContext> context;
  static unsigned uses = 0;
  if (!context || ++uses % 256 == 0) {
    context = std::make_unique<MLIRContext>(*registry,
                                            MLIRContext::Threading::DISABLED);
    context->printOpOnDiagnostic(false);
  }
  ScopedDiagnosticHandler quiet(context.get(),
                                [](Diagnostic &) { return success(); });
  ParserConfig config(context.get());
  // MLIR's lexer relies on the null terminator every file buffer has;
  // libFuzzer's data has none.
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, config);
  if (!module || failed(verify(*module)))
    return 0;
  PassManager pm(context.get());
  if (failed(parsePassPipeline(kPipeline, pm)))
    __builtin_trap();
  (void)pm.run(*module);
  return 0;
}

//===- InitAll.cpp - Register everything Strata provides ------------------===//

#include "strata/InitAll.h"

#include "dialects/Strata/IR/StrataDialect.h"
#include "passes/Analysis/Passes.h"
#include "passes/Codegen/Passes.h"
#include "passes/Conversion/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Memory/Passes.h"
#include "passes/Rewrite/Passes.h"
#include "passes/RewriteStrategies/Passes.h"
#include "passes/RewriteStrategies/StrategyOps.h"
#include "strata/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

void mlir::strata::registerStrataDialects(DialectRegistry &registry) {
  registry.insert<StrataDialect>();
  registerTierCopyBufferization(registry);
  registerStrategyExtension(registry);
}

void mlir::strata::registerStrataPasses() {
  registerFusionPasses();
  registerAnalysisPasses();
  registerConversionPasses();
  registerCodegenPasses();
  registerRewritePasses();
  registerRewriteStrategiesPasses();
  registerMemoryPasses();
  registerStrataPipelines();
}

void mlir::strata::registerAllDialectsForStrata(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // gpu-module-to-binary translates kernels to LLVM IR for the NVPTX backend.
  registerAllGPUToLLVMIRTranslations(registry);
  registerStrataDialects(registry);
}

//===- strata-opt.cpp - Strata's mlir-opt ---------------------------------===//
//
// The upstream dialects and passes a user needs, plus every Strata dialect,
// pass and pipeline, and the `measured` cost model (kernels compiled and
// timed through the JIT).
//
//===----------------------------------------------------------------------===//

#include "strata/InitAll.h"
#include "strata/Runtime/Measure.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::strata::registerStrataPasses();
  mlir::strata::registerMeasuredCostModelFactory();
  mlir::DialectRegistry registry;
  mlir::strata::registerAllDialectsForStrata(registry);
  // The measured cost model JIT-compiles kernels.
  mlir::registerAllToLLVMIRTranslations(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Strata optimizer driver\n", registry));
}

//===- strata-opt.cpp - Strata's mlir-opt ---------------------------------===//
//
// The upstream dialects and passes a user needs, plus every Strata dialect,
// pass and pipeline.
//
//===----------------------------------------------------------------------===//

#include "strata/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::strata::registerStrataPasses();
  mlir::DialectRegistry registry;
  mlir::strata::registerAllDialectsForStrata(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Strata optimizer driver\n", registry));
}
